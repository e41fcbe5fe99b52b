/* IEEE 754 arithmetic with Arm semantics (FPCR modes, FPSR flags, NaN rules),
 * shared by scalar FP and AdvSIMD.
 *
 * Values are bit patterns: uint16_t half, uint32_t single, uint64_t double
 * (the fp16_/fp32_/fp64_ prefixes).  Every function takes the CPU: it reads
 * c->fpcr (AHP bit 26, DN 25, FZ 24, RMode 23:22, FZ16 19) and ORs the
 * cumulative exception flags into c->fpsr (IOC 0, DZC 1, OFC 2, UFC 3, IXC 4,
 * IDC 7).  Trapped exceptions are not implemented (the trap-enable FPCR bits
 * are RAZ/WI in nestvm), so the functions never fault.
 *
 * Semantics follow the Arm ARM pseudocode (FPUnpack, FPProcessNaNs, FPRound,
 * FPAdd, FPMulAdd, FPToFixed, ... with FPCR.AH == 0):
 *   - NaN operands: the first signalling NaN in operand order (quieted, IOC),
 *     else the first quiet NaN; FPCR.DN selects the default NaN instead.
 *     For the fused multiply-add the operand order is addend, op1, op2.
 *   - FZ flushes single/double denormal inputs to zero (IDC) and results that
 *     are tiny before rounding to zero (UFC, no IXC).  FZ16 does the same for
 *     half inputs without IDC.  Conversions never flush half values.
 *   - Tininess is detected BEFORE rounding (FPRound computes the biased
 *     exponent from the unrounded value); UFC is raised for a tiny result only
 *     when it is also inexact.
 * Fast paths use the host FPU (SSE, round-to-nearest) when the operands and
 * the result are normal numbers; everything else is computed exactly in
 * integer arithmetic.
 */
#ifndef NESTVM_FPU_H
#define NESTVM_FPU_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu.h"

/* FPSR cumulative flags. */
#define FPSR_IOC (1u << 0)
#define FPSR_DZC (1u << 1)
#define FPSR_OFC (1u << 2)
#define FPSR_UFC (1u << 3)
#define FPSR_IXC (1u << 4)
#define FPSR_IDC (1u << 7)
/* FPCR controls. */
#define FPCR_AHP (1u << 26)
#define FPCR_DN (1u << 25)
#define FPCR_FZ (1u << 24)
#define FPCR_RMODE_SHIFT 22
#define FPCR_RMODE_MASK (3u << 22)
#define FPCR_FZ16 (1u << 19)

/* Rounding modes: 0-3 are the FPCR.RMode encodings. */
enum fp_rounding {
    FPR_TIEEVEN = 0, /* RN */
    FPR_POSINF = 1,  /* RP */
    FPR_NEGINF = 2,  /* RM */
    FPR_ZERO = 3,    /* RZ */
    FPR_TIEAWAY = 4, /* FCVTA*, FRINTA */
    FPR_ODD = 5,     /* FCVTXN */
    FPR_FPCR = 6,    /* "use FPCR.RMode" where a mode argument is taken */
};

static inline enum fp_rounding fp_rmode(const struct cpu *c)
{
    return (enum fp_rounding)(c->fpcr >> FPCR_RMODE_SHIFT & 3);
}

#define FP16_DEFAULT_NAN 0x7e00u
#define FP32_DEFAULT_NAN 0x7fc00000u
#define FP64_DEFAULT_NAN 0x7ff8000000000000ull

/* ---- arithmetic ----------------------------------------------------------- */

uint32_t fp32_add(struct cpu *c, uint32_t a, uint32_t b);
uint32_t fp32_sub(struct cpu *c, uint32_t a, uint32_t b);
uint32_t fp32_mul(struct cpu *c, uint32_t a, uint32_t b);
uint32_t fp32_div(struct cpu *c, uint32_t a, uint32_t b);
uint32_t fp32_sqrt(struct cpu *c, uint32_t a);
uint32_t fp32_muladd(struct cpu *c, uint32_t addend, uint32_t a, uint32_t b); /* addend + a*b, one rounding */
uint32_t fp32_mulx(struct cpu *c, uint32_t a, uint32_t b);  /* FMULX: inf*0 = ±2.0 */
uint32_t fp32_abd(struct cpu *c, uint32_t a, uint32_t b);   /* FABD: |a - b| */
uint32_t fp32_max(struct cpu *c, uint32_t a, uint32_t b);
uint32_t fp32_min(struct cpu *c, uint32_t a, uint32_t b);
uint32_t fp32_maxnm(struct cpu *c, uint32_t a, uint32_t b); /* one quiet NaN loses */
uint32_t fp32_minnm(struct cpu *c, uint32_t a, uint32_t b);
uint32_t fp32_recps(struct cpu *c, uint32_t a, uint32_t b);  /* 2 - a*b fused */
uint32_t fp32_rsqrts(struct cpu *c, uint32_t a, uint32_t b); /* (3 - a*b)/2 fused */
uint32_t fp32_recpe(struct cpu *c, uint32_t a);
uint32_t fp32_rsqrte(struct cpu *c, uint32_t a);
uint32_t fp32_recpx(struct cpu *c, uint32_t a);

uint64_t fp64_add(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_sub(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_mul(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_div(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_sqrt(struct cpu *c, uint64_t a);
uint64_t fp64_muladd(struct cpu *c, uint64_t addend, uint64_t a, uint64_t b);
uint64_t fp64_mulx(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_abd(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_max(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_min(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_maxnm(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_minnm(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_recps(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_rsqrts(struct cpu *c, uint64_t a, uint64_t b);
uint64_t fp64_recpe(struct cpu *c, uint64_t a);
uint64_t fp64_rsqrte(struct cpu *c, uint64_t a);
uint64_t fp64_recpx(struct cpu *c, uint64_t a);

/* FMLAL/FMLSL element: addend + a*b with half-precision a, b (FPMulAddH). */
uint32_t fp32_muladd_h(struct cpu *c, uint32_t addend, uint16_t a, uint16_t b);

/* Integer estimates URECPE / URSQRTE (32-bit elements). */
uint32_t fp_urecpe(uint32_t a);
uint32_t fp_ursqrte(uint32_t a);

/* ---- comparisons ------------------------------------------------------------ */

/* FCMP/FCMPE: NZCV in bits 31:28.  signal: any NaN raises IOC (FCMPE),
 * otherwise only signalling NaNs do. */
uint32_t fp32_compare(struct cpu *c, uint32_t a, uint32_t b, bool signal);
uint32_t fp64_compare(struct cpu *c, uint64_t a, uint64_t b, bool signal);
/* Vector compares (FCMEQ quiet; FCMGE/FCMGT signalling): true/false. */
bool fp32_cmpeq(struct cpu *c, uint32_t a, uint32_t b);
bool fp32_cmpge(struct cpu *c, uint32_t a, uint32_t b);
bool fp32_cmpgt(struct cpu *c, uint32_t a, uint32_t b);
bool fp64_cmpeq(struct cpu *c, uint64_t a, uint64_t b);
bool fp64_cmpge(struct cpu *c, uint64_t a, uint64_t b);
bool fp64_cmpgt(struct cpu *c, uint64_t a, uint64_t b);

/* ---- conversions ------------------------------------------------------------ */

/* Between precisions (FCVT, FCVTL, FCVTN, FCVTXN).  Half values use the
 * alternative half-precision format when FPCR.AHP is set.  rmode may be
 * FPR_FPCR or an explicit mode (FPR_ODD for FCVTXN). */
uint64_t fp32_to_fp64(struct cpu *c, uint32_t a);
uint32_t fp64_to_fp32(struct cpu *c, uint64_t a, enum fp_rounding rmode);
uint32_t fp16_to_fp32(struct cpu *c, uint16_t a);
uint64_t fp16_to_fp64(struct cpu *c, uint16_t a);
uint16_t fp32_to_fp16(struct cpu *c, uint32_t a, enum fp_rounding rmode);
uint16_t fp64_to_fp16(struct cpu *c, uint64_t a, enum fp_rounding rmode);

/* FP -> integer / fixed point (FPToFixed): value * 2^fbits rounded with
 * rmode, saturated to an isize-bit (32 or 64) signed or unsigned integer;
 * IOC on NaN or saturation, else IXC if inexact.  Returns the integer
 * zero-extended (32-bit results are not sign-extended). */
uint64_t fp32_to_fixed(struct cpu *c, uint32_t a, int fbits, enum fp_rounding rmode, bool is_unsigned, int isize);
uint64_t fp64_to_fixed(struct cpu *c, uint64_t a, int fbits, enum fp_rounding rmode, bool is_unsigned, int isize);
uint64_t fp16_to_fixed(struct cpu *c, uint16_t a, int fbits, enum fp_rounding rmode, bool is_unsigned, int isize);
/* Integer / fixed point -> FP (FixedToFP): v is an isize-bit integer. */
uint32_t fixed_to_fp32(struct cpu *c, uint64_t v, int fbits, bool is_unsigned, int isize, enum fp_rounding rmode);
uint64_t fixed_to_fp64(struct cpu *c, uint64_t v, int fbits, bool is_unsigned, int isize, enum fp_rounding rmode);

/* Round to integral (FRINT*): exact raises IXC when the value changes (FRINTX). */
uint32_t fp32_round_int(struct cpu *c, uint32_t a, enum fp_rounding rmode, bool exact);
uint64_t fp64_round_int(struct cpu *c, uint64_t a, enum fp_rounding rmode, bool exact);
/* FRINT32* / FRINT64* (FEAT_FRINTTS): intsize 32 or 64. */
uint32_t fp32_round_intn(struct cpu *c, uint32_t a, enum fp_rounding rmode, int intsize);
uint64_t fp64_round_intn(struct cpu *c, uint64_t a, enum fp_rounding rmode, int intsize);
/* FJCVTZS: JavaScript conversion; *z receives the Z flag. */
uint32_t fp64_jcvt(struct cpu *c, uint64_t a, bool *z);

/* ---- bit helpers ------------------------------------------------------------ */

static inline double fp64_d(uint64_t v) { double d; memcpy(&d, &v, 8); return d; }
static inline uint64_t fp64_b(double d) { uint64_t v; memcpy(&v, &d, 8); return v; }
static inline float fp32_f(uint32_t v) { float f; memcpy(&f, &v, 4); return f; }
static inline uint32_t fp32_b(float f) { uint32_t v; memcpy(&v, &f, 4); return v; }

/* ---- inline fast paths ------------------------------------------------------ *
 * Used by the hot handlers (FADD/FMUL/FMADD ...).  The host computes the
 * operation in round-to-nearest; the result is taken when FPCR selects RN,
 * FZ is off or no operand is denormal, FPSR.IXC is already set (so the only
 * flag such an operation can raise is already there) and the result is a
 * normal number strictly above the smallest normal (so no NaN/inf operand, no
 * overflow, no underflow whatever the tininess rule) or a zero that is exact
 * by construction.  Otherwise the out-of-line function decides (host SSE with
 * MXCSR from FPCR and flags read back, else the exact integer path).  The host
 * thread's MXCSR is assumed to be in its default state (RN, no FTZ/DAZ). */

static inline bool fp64_is_denormal(uint64_t a) { return !(a & 0x7ff0000000000000ull) && (a << 1); }
static inline bool fp32_is_denormal(uint32_t a) { return !(a & 0x7f800000u) && (uint32_t)(a << 1); }

/* RN and IXC already set; FZ allowed when no operand is denormal (FZ then
 * only matters for tiny results, which the result checks exclude). */
static inline bool fp_fast_mode(const struct cpu *c, bool any_denormal)
{
    uint32_t k = (c->fpcr & (FPCR_RMODE_MASK | FPCR_FZ)) | (~c->fpsr & FPSR_IXC);
    return k == 0 || (k == FPCR_FZ && !any_denormal);
}
#define fp_fast_ok64(c, a, b) fp_fast_mode(c, fp64_is_denormal(a) | fp64_is_denormal(b))
#define fp_fast_ok32(c, a, b) fp_fast_mode(c, fp32_is_denormal(a) | fp32_is_denormal(b))
static inline bool fp64_fast_res(uint64_t r)
{
    return ((r & 0x7fffffffffffffffull) - 0x0010000000000001ull) < 0x7fe0000000000000ull - 1;
}
static inline bool fp32_fast_res(uint32_t r)
{
    return ((r & 0x7fffffffu) - 0x00800001u) < 0x7f000000u - 1;
}

/* zero_ok: a (+-)0 result is exact (so flag-free) -- for add/sub always,
 * for mul when an operand is 0, for div when the dividend is 0. */
#define FP_FAST2(name, bits, T, conv, back, expr, zero_ok)                        \
    static inline uint##bits##_t name##_fast(struct cpu *c, uint##bits##_t a, uint##bits##_t b) \
    {                                                                             \
        if (likely(fp_fast_ok##bits(c, a, b))) {                                  \
            T x = conv(a), y = conv(b);                                           \
            uint##bits##_t r = back(expr);                                        \
            if (likely(fp##bits##_fast_res(r)) || ((uint##bits##_t)(r << 1) == 0 && (zero_ok))) \
                return r;                                                         \
        }                                                                         \
        return name(c, a, b);                                                     \
    }
#ifndef likely
#define likely(x) __builtin_expect(!!(x), 1)
#endif
FP_FAST2(fp64_add, 64, double, fp64_d, fp64_b, x + y, 1)
FP_FAST2(fp64_sub, 64, double, fp64_d, fp64_b, x - y, 1)
FP_FAST2(fp64_mul, 64, double, fp64_d, fp64_b, x * y, x == 0 || y == 0)
FP_FAST2(fp64_div, 64, double, fp64_d, fp64_b, x / y, x == 0)
FP_FAST2(fp32_add, 32, float, fp32_f, fp32_b, x + y, 1)
FP_FAST2(fp32_sub, 32, float, fp32_f, fp32_b, x - y, 1)
FP_FAST2(fp32_mul, 32, float, fp32_f, fp32_b, x * y, x == 0 || y == 0)
FP_FAST2(fp32_div, 32, float, fp32_f, fp32_b, x / y, x == 0)
#undef FP_FAST2

/* d + a*b: a zero result is exact when the product and the addend are 0. */
static inline uint64_t fp64_muladd_fast(struct cpu *c, uint64_t d, uint64_t a, uint64_t b)
{
    if (likely(fp_fast_mode(c, fp64_is_denormal(a) | fp64_is_denormal(b) | fp64_is_denormal(d)))) {
        double x = fp64_d(a), y = fp64_d(b), z = fp64_d(d);
        uint64_t r = fp64_b(__builtin_fma(x, y, z));
        if (likely(fp64_fast_res(r)) || ((r << 1) == 0 && (x == 0 || y == 0) && z == 0))
            return r;
    }
    return fp64_muladd(c, d, a, b);
}
static inline uint32_t fp32_muladd_fast(struct cpu *c, uint32_t d, uint32_t a, uint32_t b)
{
    if (likely(fp_fast_mode(c, fp32_is_denormal(a) | fp32_is_denormal(b) | fp32_is_denormal(d)))) {
        float x = fp32_f(a), y = fp32_f(b), z = fp32_f(d);
        uint32_t r = fp32_b(__builtin_fmaf(x, y, z));
        if (likely(fp32_fast_res(r)) || ((uint32_t)(r << 1) == 0 && (x == 0 || y == 0) && z == 0))
            return r;
    }
    return fp32_muladd(c, d, a, b);
}

/* FCMP/FCMPE: ordered operands compare on the host (no flags possible)
 * unless FZ would flush one; NaNs go out of line. */
static inline uint32_t fp64_compare_fast(struct cpu *c, uint64_t a, uint64_t b, bool signal)
{
    if (likely(!(c->fpcr & FPCR_FZ) || !(fp64_is_denormal(a) | fp64_is_denormal(b)))) {
        double x = fp64_d(a), y = fp64_d(b);
        if (x == y)
            return 0x60000000u;
        if (x < y)
            return 0x80000000u;
        if (x > y)
            return 0x20000000u;
    }
    return fp64_compare(c, a, b, signal);
}
static inline uint32_t fp32_compare_fast(struct cpu *c, uint32_t a, uint32_t b, bool signal)
{
    if (likely(!(c->fpcr & FPCR_FZ) || !(fp32_is_denormal(a) | fp32_is_denormal(b)))) {
        float x = fp32_f(a), y = fp32_f(b);
        if (x == y)
            return 0x60000000u;
        if (x < y)
            return 0x80000000u;
        if (x > y)
            return 0x20000000u;
    }
    return fp32_compare(c, a, b, signal);
}

#endif
