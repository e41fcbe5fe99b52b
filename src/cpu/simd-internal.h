/* Integer Advanced SIMD: handler generators shared by simd*.c.
 *
 * Every operation is written once as an expression over one element and
 * expanded by the generators below into handlers specialised per element
 * size (8/16/32/64) and shape:
 *   _d  64-bit vector  (8 bytes of elements, upper half of Vd zeroed)
 *   _q  128-bit vector
 *   _s  scalar         (one element, the rest of Vd zeroed)
 * The element loops have a compile-time trip count, work on a local copy of
 * the result and read the sources through pointers into c->v[], so the host
 * compiler vectorises them.  Saturating expressions OR into the local qc,
 * which sets FPSR.QC once per instruction.
 *
 * Names visible to an element expression:
 *   ut/st       unsigned/signed element type, E_ its width in bits
 *   uw/sw       unsigned/signed type of twice the width (__int128 for 64)
 *   um          type for a wrapping multiply (no int promotion traps)
 *   sww         signed type at least twice as wide as sw (for long sat ops)
 *   a, b, d     first operand, second operand (or the indexed element),
 *               the destination's old element
 *   sh          the immediate (shift amount) from u->imm
 * uop operands: a = Vd, b = Vn, c = Vm, e = element index (by-element forms),
 * imm = shift.
 */
#ifndef NESTVM_SIMD_INTERNAL_H
#define NESTVM_SIMD_INTERNAL_H

#include "uop.h"

#pragma GCC diagnostic ignored "-Wunused-local-typedefs"

#define FPSR_QC (1u << 27)

/* E, ut, st, uw, sw, um, sww */
#define SIMD_T8 8, uint8_t, int8_t, uint16_t, int16_t, uint32_t, int32_t
#define SIMD_T16 16, uint16_t, int16_t, uint32_t, int32_t, uint32_t, int64_t
#define SIMD_T32 32, uint32_t, int32_t, uint64_t, int64_t, uint32_t, __int128
#define SIMD_T64 64, uint64_t, int64_t, unsigned __int128, __int128, uint64_t, __int128
#define SIMD_EXPAND(m, ...) m(__VA_ARGS__)

#define SIMD_TYPEDEFS(E, UT, ST, UW, SW, UM, SWW)                                             \
    typedef UT ut;                                                                           \
    typedef ST st;                                                                           \
    typedef UW uw;                                                                           \
    typedef SW sw;                                                                           \
    typedef UM um;                                                                           \
    typedef SWW sww;                                                                         \
    enum { E_ = E };

/* ---- helpers for element expressions --------------------------------------- */

#define ONES(cond) ((ut) - (ut) !!(cond))
#define SMAX_ ((st)((ut) ~(ut)0 >> 1))
#define SMIN_ ((st)(-SMAX_ - 1))
#define UMAX_ ((ut) ~(ut)0)
#define SWMAX_ ((sw)((uw) ~(uw)0 >> 1))
/* Saturate a signed wide value to st / ut. */
#define SATS(x) ({ sw v_ = (x); st r_ = v_ > SMAX_ ? SMAX_ : v_ < SMIN_ ? SMIN_ : (st)v_; qc |= v_ != (sw)r_; (ut)r_; })
#define SATU(x) ({ sw v_ = (x); ut r_ = v_ > (sw)UMAX_ ? UMAX_ : v_ < 0 ? (ut)0 : (ut)v_; qc |= v_ != (sw)r_; r_; })
/* Saturate an unsigned wide value to ut. */
#define SATUW(x) ({ uw v_ = (x); qc |= v_ > UMAX_; (ut)(v_ > UMAX_ ? UMAX_ : v_); })
/* Saturate a sww value to sw (result as uw). */
#define SATW(x) ({ sww w_ = (x); sw s_ = w_ > SWMAX_ ? SWMAX_ : w_ < -SWMAX_ - 1 ? -SWMAX_ - 1 : (sw)w_; qc |= w_ != (sww)s_; (uw)s_; })

static inline unsigned simd_clzn(uint64_t v, unsigned e)
{
    return v ? (unsigned)__builtin_clzll(v) - (64 - e) : e;
}

static inline uint64_t simd_clmul(uint64_t a, uint64_t b, unsigned bits)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bits; i++) /* branch-free so that lanes vectorise */
        r ^= (a << i) & (0 - (b >> i & 1));
    return r;
}

/* Shift by a signed register amount (SSHL family): the low byte of b. */
#define SHLREG(SGN, RND, SAT)                                                                  \
    ({                                                                                         \
        int s_ = (int8_t)b;                                                                    \
        sw x_ = (SGN) ? (sw)(st)a : (sw)a;                                                     \
        ut o_;                                                                                 \
        if (s_ >= E_) {                                                                        \
            if ((SAT) && x_ != 0) {                                                            \
                qc = 1;                                                                        \
                o_ = (SGN) ? (x_ < 0 ? (ut)SMIN_ : (ut)SMAX_) : UMAX_;                         \
            } else {                                                                           \
                o_ = 0;                                                                        \
            }                                                                                  \
        } else {                                                                               \
            if (s_ >= 0) {                                                                     \
                x_ = (sw)((uw)x_ << s_);                                                       \
            } else {                                                                           \
                int k_ = -s_ > E_ + 1 ? E_ + 1 : -s_;                                          \
                if (RND)                                                                       \
                    x_ += (sw)1 << (k_ - 1);                                                   \
                x_ >>= k_;                                                                     \
            }                                                                                  \
            o_ = (SAT) ? ((SGN) ? SATS(x_) : SATU(x_)) : (ut)x_;                               \
        }                                                                                      \
        o_;                                                                                    \
    })

/* ---- same-width element-wise ops (three same, two-reg misc, shifts) ------ */

#define X_SHADD ((ut)(((sw)(st)a + (st)b) >> 1))
#define X_UHADD ((ut)(((uw)a + b) >> 1))
#define X_SRHADD ((ut)(((sw)(st)a + (st)b + 1) >> 1))
#define X_URHADD ((ut)(((uw)a + b + 1) >> 1))
#define X_SHSUB ((ut)(((sw)(st)a - (st)b) >> 1))
#define X_UHSUB ((ut)(((sw)a - (sw)b) >> 1))
/* Saturating add/sub at the element width (no widening: vectorises and
 * avoids __int128 for 64-bit lanes). */
#define X_SQADD                                                                  \
    ({                                                                           \
        ut r_ = (ut)(a + b);                                                     \
        bool o_ = (st)(ut)((a ^ r_) & (b ^ r_)) < 0;                             \
        qc |= o_;                                                                \
        o_ ? (ut)((ut)((st)a >> (E_ - 1)) ^ (ut)SMAX_) : r_;                     \
    })
#define X_SQSUB                                                                  \
    ({                                                                           \
        ut r_ = (ut)(a - b);                                                     \
        bool o_ = (st)(ut)((a ^ b) & (a ^ r_)) < 0;                              \
        qc |= o_;                                                                \
        o_ ? (ut)((ut)((st)a >> (E_ - 1)) ^ (ut)SMAX_) : r_;                     \
    })
#define X_UQADD                                                                  \
    ({                                                                           \
        ut r_ = (ut)(a + b);                                                     \
        bool o_ = r_ < a;                                                        \
        qc |= o_;                                                                \
        o_ ? UMAX_ : r_;                                                         \
    })
#define X_UQSUB                                                                  \
    ({                                                                           \
        bool o_ = a < b;                                                         \
        qc |= o_;                                                                \
        o_ ? (ut)0 : (ut)(a - b);                                                \
    })
#define X_CMGT ONES((st)a > (st)b)
#define X_CMHI ONES(a > b)
#define X_CMGE ONES((st)a >= (st)b)
#define X_CMHS ONES(a >= b)
#define X_CMTST ONES((a & b) != 0)
#define X_CMEQ ONES(a == b)
/* plain SSHL/USHL at the element width (vectorisable where the host has
 * per-lane variable shifts) */
#define X_SSHL                                                                   \
    ({                                                                           \
        int s_ = (int8_t)b;                                                      \
        s_ >= 0 ? (s_ >= E_ ? (ut)0 : (ut)((um)a << s_))                         \
                : (ut)((st)a >> (-s_ >= E_ ? E_ - 1 : -s_));                     \
    })
#define X_USHL                                                                   \
    ({                                                                           \
        int s_ = (int8_t)b;                                                      \
        s_ >= 0 ? (s_ >= E_ ? (ut)0 : (ut)((um)a << s_))                         \
                : (-s_ >= E_ ? (ut)0 : (ut)(a >> -s_));                          \
    })
#define X_SRSHL SHLREG(1, 1, 0)
#define X_URSHL SHLREG(0, 1, 0)
#define X_SQSHL SHLREG(1, 0, 1)
#define X_UQSHL SHLREG(0, 0, 1)
#define X_SQRSHL SHLREG(1, 1, 1)
#define X_UQRSHL SHLREG(0, 1, 1)
#define X_SMAX ((st)a > (st)b ? a : b)
#define X_UMAX (a > b ? a : b)
#define X_SMIN ((st)a < (st)b ? a : b)
#define X_UMIN (a < b ? a : b)
#define X_SABD ((st)a > (st)b ? (ut)(a - b) : (ut)(b - a))
#define X_UABD (a > b ? (ut)(a - b) : (ut)(b - a))
#define X_SABA ((ut)(d + X_SABD))
#define X_UABA ((ut)(d + X_UABD))
#define X_ADD ((ut)(a + b))
#define X_SUB ((ut)(a - b))
#define X_MUL ((ut)((um)a * b))
#define X_MLA ((ut)(d + (um)a * b))
#define X_MLS ((ut)(d - (um)a * b))
#define X_PMUL ((ut)simd_clmul(a, b, E_))
#define X_SQDMULH SATS(((sw)(st)a * (st)b) >> (E_ - 1))
#define X_SQRDMULH SATS(((sw)(st)a * (st)b + ((sw)1 << (E_ - 2))) >> (E_ - 1))
#define X_SQRDMLAH SATS((sw)(st)d + (((sw)(st)a * (st)b + ((sw)1 << (E_ - 2))) >> (E_ - 1)))
#define X_SQRDMLSH SATS((sw)(st)d + ((-((sw)(st)a * (st)b) + ((sw)1 << (E_ - 2))) >> (E_ - 1)))
#define X_AND ((ut)(a & b))
#define X_BIC ((ut)(a & ~b))
#define X_ORR ((ut)(a | b))
#define X_ORN ((ut)(a | ~b))
#define X_EOR ((ut)(a ^ b))
#define X_BSL ((ut)((d & a) | (~d & b)))
#define X_BIT ((ut)((d & ~b) | (a & b)))
#define X_BIF ((ut)((d & b) | (a & ~b)))
/* two-reg misc */
#define X_SUQADD SATS((sw)(st)d + (sw)a)
#define X_USQADD SATU((sw)d + (sw)(st)a)
#define X_CLS ((ut)simd_clzn((ut)((ut)(a ^ (a << 1)) | 1), E_))
#define X_CLZ ((ut)simd_clzn(a, E_))
/* SWAR population count (vectorises; no popcnt call per lane) */
#define X_CNT                                                                    \
    ({                                                                           \
        ut v_ = (ut)(a - ((a >> 1) & (UMAX_ / 3)));                              \
        v_ = (ut)((v_ & (UMAX_ / 5)) + ((v_ >> 2) & (UMAX_ / 5)));               \
        v_ = (ut)((v_ + (v_ >> 4)) & (UMAX_ / 17));                              \
        (ut)((um)v_ * (UMAX_ / 255) >> (E_ - 8));                                \
    })
#define X_NOT ((ut)~a)
#define X_RBIT                                                                   \
    ({                                                                           \
        unsigned t_ = a;                                                         \
        t_ = (t_ & 0xf0) >> 4 | (t_ & 0x0f) << 4;                                \
        t_ = (t_ & 0xcc) >> 2 | (t_ & 0x33) << 2;                                \
        t_ = (t_ & 0xaa) >> 1 | (t_ & 0x55) << 1;                                \
        (ut)t_;                                                                  \
    })
#define X_SQABS SATS((st)a < 0 ? -(sw)(st)a : (sw)(st)a)
#define X_SQNEG SATS(-(sw)(st)a)
#define X_ABS ((ut)((st)a < 0 ? (ut)(0 - (um)a) : a))
#define X_NEG ((ut)(0 - (um)a))
#define X_CMGT0 ONES((st)a > 0)
#define X_CMGE0 ONES((st)a >= 0)
#define X_CMEQ0 ONES(a == 0)
#define X_CMLE0 ONES((st)a <= 0)
#define X_CMLT0 ONES((st)a < 0)
/* shift by immediate: right shifts by sh in [1, E], left by sh in [0, E-1] */
#define X_SSHR ((ut)((st)a >> (sh - 1) >> 1))
#define X_USHR ((ut)(a >> (sh - 1) >> 1))
#define X_SRSHR ((ut)(((st)a >> (sh - 1) >> 1) + (((st)a >> (sh - 1)) & 1)))
#define X_URSHR ((ut)((a >> (sh - 1) >> 1) + ((a >> (sh - 1)) & 1)))
#define X_SSRA ((ut)(d + X_SSHR))
#define X_USRA ((ut)(d + X_USHR))
#define X_SRSRA ((ut)(d + X_SRSHR))
#define X_URSRA ((ut)(d + X_URSHR))
#define X_SRI ((ut)((d & ~(ut)(UMAX_ >> (sh - 1) >> 1)) | (a >> (sh - 1) >> 1)))
#define X_SHL ((ut)((um)a << sh))
#define X_SLI ((ut)((d & ~(ut)((um)UMAX_ << sh)) | ((um)a << sh)))
#define X_SQSHLI SATS((sw)(st)a * ((sw)1 << sh))
#define X_UQSHLI SATU((sw)((uw)a << sh))
#define X_SQSHLU SATU((sw)(st)a * ((sw)1 << sh))

/* ---- long ops: a (uw) holds a narrow element or, for the W forms, a wide
 * one; b is narrow (ut); d and the result are wide (uw). */
#define X_SADDL ((uw)((sw)(st)a + (st)b))
#define X_UADDL ((uw)((uw)(ut)a + b))
#define X_SSUBL ((uw)((sw)(st)a - (st)b))
#define X_USUBL ((uw)((uw)(ut)a - b))
#define X_SADDW ((uw)(a + (uw)(sw)(st)b))
#define X_UADDW ((uw)(a + b))
#define X_SSUBW ((uw)(a - (uw)(sw)(st)b))
#define X_USUBW ((uw)(a - b))
#define X_SABDL ((uw)X_SABD)
#define X_UABDL ((uw)((ut)a > b ? (ut)(a - b) : (ut)(b - a)))
#define X_SABAL ((uw)(d + X_SABDL))
#define X_UABAL ((uw)(d + X_UABDL))
#define X_SMULL ((uw)((sw)(st)a * (st)b))
#define X_UMULL ((uw)((uw)(ut)a * b))
#define X_SMLAL ((uw)(d + X_SMULL))
#define X_UMLAL ((uw)(d + X_UMULL))
#define X_SMLSL ((uw)(d - X_SMULL))
#define X_UMLSL ((uw)(d - X_UMULL))
#define X_SQDMULL SATW((sww)2 * (st)a * (st)b)
#define X_SQDMLAL ({ uw p_ = SATW((sww)2 * (st)a * (st)b); SATW((sww)(sw)d + (sw)p_); })
#define X_SQDMLSL ({ uw p_ = SATW((sww)2 * (st)a * (st)b); SATW((sww)(sw)d - (sw)p_); })
#define X_PMULL ((uw)simd_clmul((ut)a, b, E_))
#define X_SSHLL ((uw)((sw)(st)a * ((sw)1 << sh)))
#define X_USHLL ((uw)((uw)(ut)a << sh))

/* ---- narrowing ops: a, b wide (uw), result narrow (ut) ---------------------- */
#define X_XTN ((ut)a)
#define X_SQXTN SATS((sw)a)
#define X_UQXTN SATUW(a)
#define X_SQXTUN SATU((sw)a)
#define X_ADDHN ((ut)((uw)(a + b) >> E_))
#define X_RADDHN ((ut)((uw)(a + b + ((uw)1 << (E_ - 1))) >> E_))
#define X_SUBHN ((ut)((uw)(a - b) >> E_))
#define X_RSUBHN ((ut)((uw)(a - b + ((uw)1 << (E_ - 1))) >> E_))
#define X_SHRN ((ut)(a >> sh))
#define X_RSHRN ((ut)((a >> sh) + ((a >> (sh - 1)) & 1)))
#define X_SQSHRN SATS((sw)a >> sh)
#define X_SQRSHRN SATS(((sw)a >> sh) + (((sw)a >> (sh - 1)) & 1))
#define X_UQSHRN SATUW(a >> sh)
#define X_UQRSHRN SATUW((a >> sh) + ((a >> (sh - 1)) & 1))
#define X_SQSHRUN SATU((sw)a >> sh)
#define X_SQRSHRUN SATU(((sw)a >> sh) + (((sw)a >> (sh - 1)) & 1))

/* ---- pairwise: a, b adjacent elements of Vn:Vm; pairwise long: a, b
 * adjacent narrow elements of Vn, d the wide accumulator. */
#define X_SADDLP ((uw)((sw)(st)a + (st)b))
#define X_UADDLP ((uw)((uw)a + b))
#define X_SADALP ((uw)(d + X_SADDLP))
#define X_UADALP ((uw)(d + X_UADDLP))

/* ---- generators ------------------------------------------------------------ */

/* Element-wise: MSEL selects b (pm[i], or pm[u->e] for by-element). */
#define SIMD_EW_FN(FN, NN, MSEL, EXPR, ...)                                                    \
    static const struct uop *FN(struct cpu *c, const struct uop *u)                            \
    {                                                                                          \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                             \
        vreg r = { .q = 0 };                                                                   \
        const ut *pn = (const ut *)&c->v[u->b];                                                \
        const ut *pm = (const ut *)&c->v[u->c];                                                \
        const ut *pd = (const ut *)&c->v[u->a];                                                \
        ut *pr = (ut *)&r;                                                                     \
        const int sh = (int)u->imm;                                                            \
        uint32_t qc = 0;                                                                       \
        (void)pm;                                                                              \
        for (unsigned i = 0; i < (NN); i++) {                                                  \
            const ut a = pn[i], b = MSEL, d = pd[i];                                           \
            (void)a, (void)b, (void)d, (void)sh;                                               \
            pr[i] = (ut)(EXPR);                                                                \
        }                                                                                      \
        c->v[u->a] = r;                                                                        \
        if (qc)                                                                                \
            c->fpsr |= FPSR_QC;                                                                \
        return u + 1;                                                                          \
    }

#define SIMD_EW_SIZE(NAME, MSEL, EXPR, E, ...)                                                 \
    SIMD_EW_FN(NAME##_##E##_d, 64 / E, MSEL, EXPR, E, __VA_ARGS__)                             \
    SIMD_EW_FN(NAME##_##E##_q, 128 / E, MSEL, EXPR, E, __VA_ARGS__)                            \
    SIMD_EW_FN(NAME##_##E##_s, 1, MSEL, EXPR, E, __VA_ARGS__)

#define SIMD_TAB43(NAME)                                                                       \
    const uop_fn NAME[4][3] = {                                                                \
        { NAME##_8_d, NAME##_8_q, NAME##_8_s },                                                \
        { NAME##_16_d, NAME##_16_q, NAME##_16_s },                                             \
        { NAME##_32_d, NAME##_32_q, NAME##_32_s },                                             \
        { NAME##_64_d, NAME##_64_q, NAME##_64_s },                                             \
    };

/* Element-wise family: simd_NAME[size][0=64-bit vector, 1=128-bit, 2=scalar]. */
#define GEN_EW(NAME, EXPR)                                                                     \
    SIMD_EXPAND(SIMD_EW_SIZE, simd_##NAME, pm[i], EXPR, SIMD_T8)                               \
    SIMD_EXPAND(SIMD_EW_SIZE, simd_##NAME, pm[i], EXPR, SIMD_T16)                              \
    SIMD_EXPAND(SIMD_EW_SIZE, simd_##NAME, pm[i], EXPR, SIMD_T32)                              \
    SIMD_EXPAND(SIMD_EW_SIZE, simd_##NAME, pm[i], EXPR, SIMD_T64)                              \
    SIMD_TAB43(simd_##NAME)
/* By-element family (sizes 16 and 32 only; the others are NULL). */
#define GEN_EWX(NAME, EXPR)                                                                    \
    SIMD_EXPAND(SIMD_EW_SIZE, simd_##NAME, pm[u->e], EXPR, SIMD_T16)                           \
    SIMD_EXPAND(SIMD_EW_SIZE, simd_##NAME, pm[u->e], EXPR, SIMD_T32)                           \
    const uop_fn simd_##NAME[4][3] = {                                                         \
        { NULL, NULL, NULL },                                                                  \
        { simd_##NAME##_16_d, simd_##NAME##_16_q, simd_##NAME##_16_s },                        \
        { simd_##NAME##_32_d, simd_##NAME##_32_q, simd_##NAME##_32_s },                        \
        { NULL, NULL, NULL },                                                                  \
    };

/* Long: NN wide results from narrow elements at element offset OFF (0, or
 * the upper half for the "2" forms; a constant so that loads stay aligned). */
#define SIMD_LONG_FN(FN, NN, OFF, ASEL, MSEL, EXPR, ...)                                            \
    static const struct uop *FN(struct cpu *c, const struct uop *u)                            \
    {                                                                                          \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                             \
        vreg r = { .q = 0 };                                                                   \
        const ut *pn = (const ut *)&c->v[u->b] + (OFF);                                        \
        const uw *pnw = (const uw *)&c->v[u->b];                                               \
        const ut *pm = (const ut *)&c->v[u->c];                                                \
        const uw *pd = (const uw *)&c->v[u->a];                                                \
        uw *pr = (uw *)&r;                                                                     \
        const int sh = (int)u->imm;                                                            \
        const unsigned o = (OFF);                                                              \
        uint32_t qc = 0;                                                                       \
        (void)pn, (void)pnw, (void)pm, (void)o;                                                \
        for (unsigned i = 0; i < (NN); i++) {                                                  \
            const uw a = ASEL, d = pd[i];                                                      \
            const ut b = MSEL;                                                                 \
            (void)a, (void)b, (void)d, (void)sh;                                               \
            pr[i] = (uw)(EXPR);                                                                \
        }                                                                                      \
        c->v[u->a] = r;                                                                        \
        if (qc)                                                                                \
            c->fpsr |= FPSR_QC;                                                                \
        return u + 1;                                                                          \
    }

#define SIMD_LONG_SIZE(NAME, ASEL, MSEL, EXPR, E, ...)                                         \
    SIMD_LONG_FN(NAME##_##E##_v, 64 / E, 0, ASEL, MSEL, EXPR, E, __VA_ARGS__)                  \
    SIMD_LONG_FN(NAME##_##E##_v2, 64 / E, 64 / E, ASEL, MSEL, EXPR, E, __VA_ARGS__)            \
    SIMD_LONG_FN(NAME##_##E##_s, 1, 0, ASEL, MSEL, EXPR, E, __VA_ARGS__)

/* [narrow size][0 = vector, 1 = vector "2" (upper half), 2 = scalar] */
#define SIMD_TAB33(NAME)                                                                       \
    const uop_fn NAME[3][3] = {                                                                \
        { NAME##_8_v, NAME##_8_v2, NAME##_8_s },                                               \
        { NAME##_16_v, NAME##_16_v2, NAME##_16_s },                                            \
        { NAME##_32_v, NAME##_32_v2, NAME##_32_s },                                            \
    };

#define SIMD_LONG_GEN(NAME, ASEL, MSEL, EXPR)                                                  \
    SIMD_EXPAND(SIMD_LONG_SIZE, NAME, ASEL, MSEL, EXPR, SIMD_T8)                               \
    SIMD_EXPAND(SIMD_LONG_SIZE, NAME, ASEL, MSEL, EXPR, SIMD_T16)                              \
    SIMD_EXPAND(SIMD_LONG_SIZE, NAME, ASEL, MSEL, EXPR, SIMD_T32)                              \
    SIMD_TAB33(NAME)

/* simd_NAME[narrow size][0=vector, 1=scalar] */
#define GEN_LONG(NAME, EXPR) SIMD_LONG_GEN(simd_##NAME, pn[i], pm[o + i], EXPR)
#define GEN_WIDE(NAME, EXPR) SIMD_LONG_GEN(simd_##NAME, pnw[i], pm[o + i], EXPR)
#define GEN_LONGX(NAME, EXPR) SIMD_LONG_GEN(simd_##NAME, pn[i], pm[u->e], EXPR)

/* Narrow: NN narrow results written at element offset OFF; with OFF == 0 the
 * rest of Vd is zeroed, otherwise its lower half is kept ("2" forms). */
#define SIMD_NARROW_FN(FN, NN, OFF, EXPR, ...)                                                      \
    static const struct uop *FN(struct cpu *c, const struct uop *u)                            \
    {                                                                                          \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                             \
        vreg r;                                                                                \
        if (OFF)                                                                               \
            r = c->v[u->a];                                                                    \
        else                                                                                   \
            r.q = 0;                                                                           \
        const uw *pn = (const uw *)&c->v[u->b];                                                \
        const uw *pm = (const uw *)&c->v[u->c];                                                \
        ut *pr = (ut *)&r + (OFF);                                                             \
        const int sh = (int)u->imm;                                                            \
        uint32_t qc = 0;                                                                       \
        for (unsigned i = 0; i < (NN); i++) {                                                  \
            const uw a = pn[i], b = pm[i];                                                     \
            (void)a, (void)b, (void)sh;                                                        \
            pr[i] = (ut)(EXPR);                                                                \
        }                                                                                      \
        c->v[u->a] = r;                                                                        \
        if (qc)                                                                                \
            c->fpsr |= FPSR_QC;                                                                \
        return u + 1;                                                                          \
    }

#define SIMD_NARROW_SIZE(NAME, EXPR, E, ...)                                                   \
    SIMD_NARROW_FN(NAME##_##E##_v, 64 / E, 0, EXPR, E, __VA_ARGS__)                            \
    SIMD_NARROW_FN(NAME##_##E##_v2, 64 / E, 64 / E, EXPR, E, __VA_ARGS__)                      \
    SIMD_NARROW_FN(NAME##_##E##_s, 1, 0, EXPR, E, __VA_ARGS__)

#define GEN_NARROW(NAME, EXPR)                                                                 \
    SIMD_EXPAND(SIMD_NARROW_SIZE, simd_##NAME, EXPR, SIMD_T8)                                  \
    SIMD_EXPAND(SIMD_NARROW_SIZE, simd_##NAME, EXPR, SIMD_T16)                                 \
    SIMD_EXPAND(SIMD_NARROW_SIZE, simd_##NAME, EXPR, SIMD_T32)                                 \
    SIMD_TAB33(simd_##NAME)

/* Pairwise (ADDP, SMAXP ...): pairs of Vn:Vm (64 or 128 bits each). */
#define SIMD_PAIR_FN(FN, NN, EXPR, ...)                                                        \
    static const struct uop *FN(struct cpu *c, const struct uop *u)                            \
    {                                                                                          \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                             \
        vreg r = { .q = 0 };                                                                   \
        ut cat[2 * (NN)];                                                                      \
        memcpy(cat, &c->v[u->b], sizeof(ut) * (NN));                                           \
        memcpy(cat + (NN), &c->v[u->c], sizeof(ut) * (NN));                                    \
        ut *pr = (ut *)&r;                                                                     \
        for (unsigned i = 0; i < (NN); i++) {                                                  \
            const ut a = cat[2 * i], b = cat[2 * i + 1];                                       \
            pr[i] = (ut)(EXPR);                                                                \
        }                                                                                      \
        c->v[u->a] = r;                                                                        \
        return u + 1;                                                                          \
    }

#define SIMD_PAIR_SIZE(NAME, EXPR, E, ...)                                                     \
    SIMD_PAIR_FN(NAME##_##E##_d, 64 / E, EXPR, E, __VA_ARGS__)                                 \
    SIMD_PAIR_FN(NAME##_##E##_q, 128 / E, EXPR, E, __VA_ARGS__)

#define GEN_PAIR(NAME, EXPR)                                                                   \
    SIMD_EXPAND(SIMD_PAIR_SIZE, simd_##NAME, EXPR, SIMD_T8)                                    \
    SIMD_EXPAND(SIMD_PAIR_SIZE, simd_##NAME, EXPR, SIMD_T16)                                   \
    SIMD_EXPAND(SIMD_PAIR_SIZE, simd_##NAME, EXPR, SIMD_T32)                                   \
    SIMD_EXPAND(SIMD_PAIR_SIZE, simd_##NAME, EXPR, SIMD_T64)                                   \
    const uop_fn simd_##NAME[4][3] = {                                                         \
        { simd_##NAME##_8_d, simd_##NAME##_8_q, NULL },                                        \
        { simd_##NAME##_16_d, simd_##NAME##_16_q, NULL },                                      \
        { simd_##NAME##_32_d, simd_##NAME##_32_q, NULL },                                      \
        { simd_##NAME##_64_d, simd_##NAME##_64_q, NULL },                                      \
    };

/* Pairwise long (SADDLP, SADALP): NN wide results. */
#define SIMD_PAIRL_FN(FN, NN, EXPR, ...)                                                       \
    static const struct uop *FN(struct cpu *c, const struct uop *u)                            \
    {                                                                                          \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                             \
        vreg r = { .q = 0 };                                                                   \
        const ut *pn = (const ut *)&c->v[u->b];                                                \
        const uw *pd = (const uw *)&c->v[u->a];                                                \
        uw *pr = (uw *)&r;                                                                     \
        for (unsigned i = 0; i < (NN); i++) {                                                  \
            const ut a = pn[2 * i], b = pn[2 * i + 1];                                         \
            const uw d = pd[i];                                                                \
            (void)d;                                                                           \
            pr[i] = (uw)(EXPR);                                                                \
        }                                                                                      \
        c->v[u->a] = r;                                                                        \
        return u + 1;                                                                          \
    }

#define SIMD_PAIRL_SIZE(NAME, EXPR, E, ...)                                                    \
    SIMD_PAIRL_FN(NAME##_##E##_d, 32 / E, EXPR, E, __VA_ARGS__)                                \
    SIMD_PAIRL_FN(NAME##_##E##_q, 64 / E, EXPR, E, __VA_ARGS__)

#define GEN_PAIRL(NAME, EXPR)                                                                  \
    SIMD_EXPAND(SIMD_PAIRL_SIZE, simd_##NAME, EXPR, SIMD_T8)                                   \
    SIMD_EXPAND(SIMD_PAIRL_SIZE, simd_##NAME, EXPR, SIMD_T16)                                  \
    SIMD_EXPAND(SIMD_PAIRL_SIZE, simd_##NAME, EXPR, SIMD_T32)                                  \
    const uop_fn simd_##NAME[3][2] = {                                                         \
        { simd_##NAME##_8_d, simd_##NAME##_8_q },                                              \
        { simd_##NAME##_16_d, simd_##NAME##_16_q },                                            \
        { simd_##NAME##_32_d, simd_##NAME##_32_q },                                            \
    };

/* Across lanes: acc (type ACC) = CV(element 0), then STEP over the rest. */
#define SIMD_ACR_FN(FN, NN, ACC, CV, STEP, ...)                                                \
    static const struct uop *FN(struct cpu *c, const struct uop *u)                            \
    {                                                                                          \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                             \
        vreg r = { .q = 0 };                                                                   \
        const ut *pn = (const ut *)&c->v[u->b];                                                \
        ACC acc;                                                                               \
        {                                                                                      \
            const ut a = pn[0];                                                                \
            acc = (ACC)(CV);                                                                   \
        }                                                                                      \
        for (unsigned i = 1; i < (NN); i++) {                                                  \
            const ut a = pn[i];                                                                \
            const ACC v = (ACC)(CV);                                                           \
            acc = (ACC)(STEP);                                                                 \
        }                                                                                      \
        memcpy(&r, &acc, sizeof(acc));                                                         \
        c->v[u->a] = r;                                                                        \
        return u + 1;                                                                          \
    }

#define SIMD_ACR_SIZE(NAME, ACC, CV, STEP, E, ...)                                             \
    SIMD_ACR_FN(NAME##_##E##_d, 64 / E, ACC, CV, STEP, E, __VA_ARGS__)                         \
    SIMD_ACR_FN(NAME##_##E##_q, 128 / E, ACC, CV, STEP, E, __VA_ARGS__)

#define GEN_ACR(NAME, ACC, CV, STEP)                                                           \
    SIMD_EXPAND(SIMD_ACR_SIZE, simd_##NAME, ACC, CV, STEP, SIMD_T8)                            \
    SIMD_EXPAND(SIMD_ACR_SIZE, simd_##NAME, ACC, CV, STEP, SIMD_T16)                           \
    SIMD_EXPAND(SIMD_ACR_SIZE, simd_##NAME, ACC, CV, STEP, SIMD_T32)                           \
    const uop_fn simd_##NAME[3][2] = {                                                         \
        { simd_##NAME##_8_d, simd_##NAME##_8_q },                                              \
        { simd_##NAME##_16_d, simd_##NAME##_16_q },                                            \
        { simd_##NAME##_32_d, simd_##NAME##_32_q },                                            \
    };

/* ---- the family lists (X-macros: definitions in simd-*.c, declarations here) */

#define SIMD_EW_LIST_A(X)                                                                      \
    X(shadd, X_SHADD) X(uhadd, X_UHADD) X(srhadd, X_SRHADD) X(urhadd, X_URHADD)               \
    X(shsub, X_SHSUB) X(uhsub, X_UHSUB) X(sqadd, X_SQADD) X(uqadd, X_UQADD)                   \
    X(sqsub, X_SQSUB) X(uqsub, X_UQSUB) X(cmgt, X_CMGT) X(cmhi, X_CMHI) X(cmge, X_CMGE)       \
    X(cmhs, X_CMHS) X(cmtst, X_CMTST) X(cmeq, X_CMEQ) X(smax, X_SMAX) X(umax, X_UMAX)         \
    X(smin, X_SMIN) X(umin, X_UMIN) X(sabd, X_SABD) X(uabd, X_UABD) X(saba, X_SABA)           \
    X(uaba, X_UABA) X(add, X_ADD) X(sub, X_SUB) X(mul, X_MUL) X(mla, X_MLA) X(mls, X_MLS)     \
    X(pmul, X_PMUL) X(sqdmulh, X_SQDMULH) X(sqrdmulh, X_SQRDMULH) X(sqrdmlah, X_SQRDMLAH)     \
    X(sqrdmlsh, X_SQRDMLSH) X(and, X_AND) X(bic, X_BIC) X(orr, X_ORR) X(orn, X_ORN)           \
    X(eor, X_EOR) X(bsl, X_BSL) X(bit, X_BIT) X(bif, X_BIF)

#define SIMD_EW_LIST_B(X)                                                                      \
    X(sshl, X_SSHL) X(ushl, X_USHL) X(srshl, X_SRSHL) X(urshl, X_URSHL) X(sqshl, X_SQSHL)     \
    X(uqshl, X_UQSHL) X(sqrshl, X_SQRSHL) X(uqrshl, X_UQRSHL)                                 \
    X(suqadd, X_SUQADD) X(usqadd, X_USQADD) X(cls, X_CLS) X(clz, X_CLZ) X(cnt, X_CNT)         \
    X(not, X_NOT) X(rbit, X_RBIT) X(sqabs, X_SQABS) X(sqneg, X_SQNEG) X(abs, X_ABS)           \
    X(neg, X_NEG) X(cmgt0, X_CMGT0) X(cmge0, X_CMGE0) X(cmeq0, X_CMEQ0) X(cmle0, X_CMLE0)     \
    X(cmlt0, X_CMLT0) X(sshr, X_SSHR) X(ushr, X_USHR) X(srshr, X_SRSHR) X(urshr, X_URSHR)     \
    X(ssra, X_SSRA) X(usra, X_USRA) X(srsra, X_SRSRA) X(ursra, X_URSRA) X(sri, X_SRI)         \
    X(shl, X_SHL) X(sli, X_SLI) X(sqshli, X_SQSHLI) X(uqshli, X_UQSHLI) X(sqshlu, X_SQSHLU)

#define SIMD_EWX_LIST(X)                                                                       \
    X(mul_x, X_MUL) X(mla_x, X_MLA) X(mls_x, X_MLS) X(sqdmulh_x, X_SQDMULH)                   \
    X(sqrdmulh_x, X_SQRDMULH) X(sqrdmlah_x, X_SQRDMLAH) X(sqrdmlsh_x, X_SQRDMLSH)

#define SIMD_LONG_LIST(X)                                                                      \
    X(saddl, X_SADDL) X(uaddl, X_UADDL) X(ssubl, X_SSUBL) X(usubl, X_USUBL)                   \
    X(sabal, X_SABAL) X(uabal, X_UABAL) X(sabdl, X_SABDL) X(uabdl, X_UABDL)                   \
    X(smlal, X_SMLAL) X(umlal, X_UMLAL) X(smlsl, X_SMLSL) X(umlsl, X_UMLSL)                   \
    X(smull, X_SMULL) X(umull, X_UMULL) X(sqdmlal, X_SQDMLAL) X(sqdmlsl, X_SQDMLSL)           \
    X(sqdmull, X_SQDMULL) X(pmull, X_PMULL) X(sshll, X_SSHLL) X(ushll, X_USHLL)

#define SIMD_WIDE_LIST(X) X(saddw, X_SADDW) X(uaddw, X_UADDW) X(ssubw, X_SSUBW) X(usubw, X_USUBW)

#define SIMD_LONGX_LIST(X)                                                                     \
    X(smlal_x, X_SMLAL) X(umlal_x, X_UMLAL) X(smlsl_x, X_SMLSL) X(umlsl_x, X_UMLSL)           \
    X(smull_x, X_SMULL) X(umull_x, X_UMULL) X(sqdmlal_x, X_SQDMLAL) X(sqdmlsl_x, X_SQDMLSL)   \
    X(sqdmull_x, X_SQDMULL)

#define SIMD_NARROW_LIST(X)                                                                    \
    X(xtn, X_XTN) X(sqxtn, X_SQXTN) X(uqxtn, X_UQXTN) X(sqxtun, X_SQXTUN)                     \
    X(addhn, X_ADDHN) X(raddhn, X_RADDHN) X(subhn, X_SUBHN) X(rsubhn, X_RSUBHN)               \
    X(shrn, X_SHRN) X(rshrn, X_RSHRN) X(sqshrn, X_SQSHRN) X(sqrshrn, X_SQRSHRN)               \
    X(uqshrn, X_UQSHRN) X(uqrshrn, X_UQRSHRN) X(sqshrun, X_SQSHRUN) X(sqrshrun, X_SQRSHRUN)

#define SIMD_PAIR_LIST(X)                                                                      \
    X(addp, X_ADD) X(smaxp, X_SMAX) X(umaxp, X_UMAX) X(sminp, X_SMIN) X(uminp, X_UMIN)

#define SIMD_PAIRL_LIST(X) X(saddlp, X_SADDLP) X(uaddlp, X_UADDLP) X(sadalp, X_SADALP) X(uadalp, X_UADALP)

#define SIMD_DECL43(NAME, EXPR) extern const uop_fn simd_##NAME[4][3];
#define SIMD_DECL33(NAME, EXPR) extern const uop_fn simd_##NAME[3][3];
#define SIMD_DECL32(NAME, EXPR) extern const uop_fn simd_##NAME[3][2];
SIMD_EW_LIST_A(SIMD_DECL43)
SIMD_EW_LIST_B(SIMD_DECL43)
SIMD_EWX_LIST(SIMD_DECL43)
SIMD_PAIR_LIST(SIMD_DECL43)
SIMD_LONG_LIST(SIMD_DECL33)
SIMD_WIDE_LIST(SIMD_DECL33)
SIMD_LONGX_LIST(SIMD_DECL33)
SIMD_NARROW_LIST(SIMD_DECL33)
SIMD_PAIRL_LIST(SIMD_DECL32)
extern const uop_fn simd_addv[3][2], simd_saddlv[3][2], simd_uaddlv[3][2], simd_smaxv[3][2],
    simd_umaxv[3][2], simd_sminv[3][2], simd_uminv[3][2];

#endif
