/* AArch32 floating point (VFP): the cp10/cp11 space of A32 and T32, on the
 * AArch64 FP state and arithmetic (fpu.c).  See docs/aarch32.md.
 *
 *  - Registers (Arm ARM, "Mapping of AArch32 registers to AArch64
 *    registers"): D<n> is V<n/2>.D[n%2], S<n> is V<n/4>.S[n%4].  A write of
 *    an S or D register leaves the rest of its V register alone.
 *  - FPSCR is FPSR | FPCR: N Z C V, QC and the cumulative flags live in
 *    c->fpsr, AHP DN FZ RMode Stride Len in c->fpcr.  Len and Stride are
 *    kept (so FPSCR reads back what was written) but ignored: ARMv8 has no
 *    short vectors, and "as if zero" is one of the CONSTRAINED
 *    UNPREDICTABLE behaviours for nonzero values.  The trap enables are
 *    RAZ/WI (no trapped floating-point exceptions, MVFR0.FPTrap = 0), and
 *    FZ16 is (FEAT_FP16 is not implemented, in either state).
 *  - Data processing is one uop per instruction: op_vfp calls a function
 *    of fpu.c's kind on operands read by precision (uop.f), so a single
 *    handler serves every arithmetic operation and conversion.
 *  - The FP enable check is the generated decoder's (%fp in the .decode
 *    files): decode_fp_check turns the instruction into the EC 0x07 trap
 *    when CPACR_EL1.FPEN/CPTR_ELx forbid FP at the current EL.  With
 *    AArch32 at EL1, FPEXC.EN and CPACR.{cp10,cp11,ASEDIS} add their
 *    checks there (a context bit, as CTX_FP_OK is).
 */
#include "a32-internal.h"
#include "fpu.h"
#include "vfp-decode.h"
#include "vfpu-decode.h"

static inline uint32_t R(const cpu_t *c, unsigned slot) { return (uint32_t)c->x[slot]; }
static inline uint32_t *S(cpu_t *c, unsigned n) { return &c->v[n >> 2].s[n & 3]; }
static inline uint64_t *D(cpu_t *c, unsigned n) { return &c->v[n >> 1].d[n & 1]; }

/* FPSCR bits held by FPSR and FPCR: the trap enables 15:8 are RAZ/WI, and
 * so is FZ16 (19) without FEAT_FP16. */
#define FPSCR_FPSR_MASK 0xf800009fu
#define FPSCR_FPCR_MASK 0x07f70000u

static inline uint32_t fpscr_read(const cpu_t *c)
{
    return (c->fpsr & FPSCR_FPSR_MASK) | (c->fpcr & FPSCR_FPCR_MASK);
}

/* ---- register numbers ---------------------------------------------------------------- */

static inline unsigned sreg_num(unsigned v, unsigned bit) { return v << 1 | bit; }   /* Vx:X */
static inline unsigned dreg_num(unsigned v, unsigned bit) { return bit << 4 | v; }   /* X:Vx */
static inline unsigned vreg_num(bool dbl, unsigned v, unsigned bit)
{
    return dbl ? dreg_num(v, bit) : sreg_num(v, bit);
}

/* Instructions of the ARMv8 unconditional space in an IT block are
 * CONSTRAINED UNPREDICTABLE: UNDEFINED here. */
static inline bool in_it_block(const struct xlat *x)
{
    return (x->ctx & CTX_T32) && (x->it & 0xf);
}

/* A core register operand: the PC is UNPREDICTABLE in every transfer. */
static inline bool bad_rt(unsigned rt) { return rt == 15; }

/* ---- loads and stores --------------------------------------------------------------------- */

/* VLDR/VSTR: a = register (f bit 0: a D register), b = base slot,
 * imm = the offset added (32-bit wrap).  MemA: word alignment. */
#define VF_DBL 1
const struct uop *op_vfp_ldr(cpu_t *c, uop_t *u)
{
    uint32_t va = R(c, u->b) + (uint32_t)u->imm;
    if (unlikely(va & 3))
        a32_align_fault(c, u, va, false);
    uint32_t lo = (uint32_t)ld32(c, u, va);
    if (u->f & VF_DBL) {
        uint32_t hi = (uint32_t)ld32(c, u, (uint32_t)(va + 4));
        *D(c, u->a) = (uint64_t)hi << 32 | lo;
    } else {
        *S(c, u->a) = lo;
    }
    return u + 1;
}

const struct uop *op_vfp_str(cpu_t *c, uop_t *u)
{
    uint32_t va = R(c, u->b) + (uint32_t)u->imm;
    if (unlikely(va & 3))
        a32_align_fault(c, u, va, true);
    if (u->f & VF_DBL) {
        uint64_t v = *D(c, u->a);
        st32(c, u, va, (uint32_t)v);
        st32(c, u, (uint32_t)(va + 4), (uint32_t)(v >> 32));
    } else {
        st32(c, u, va, *S(c, u->a));
    }
    return u + 1;
}

/* VLDM/VSTM: a = first register, e = imm8 (words; e / 2 D registers), b = base slot,
 * f: VF_DBL, AM_U (increment after, else decrement before), AM_W.
 * Loads go through a buffer so a fault leaves the registers unchanged. */
static inline uint32_t vldm_start(cpu_t *c, uop_t *u, bool write)
{
    uint32_t base = R(c, u->b);
    uint32_t start = (u->f & AM_U) ? base : base - 4u * u->e;
    if (unlikely(start & 3))
        a32_align_fault(c, u, start, write);
    return start;
}

static inline void vldm_wb(cpu_t *c, uop_t *u)
{
    if (u->f & AM_W) {
        uint32_t base = R(c, u->b);
        c->x[u->b] = (u->f & AM_U) ? base + 4u * u->e : base - 4u * u->e;
    }
}

const struct uop *op_vfp_ldm(cpu_t *c, uop_t *u)
{
    uint32_t start = vldm_start(c, u, false), w[64];
    unsigned words = (u->f & VF_DBL) ? u->e & ~1u : u->e;   /* FLDMX: not its extra word */
    for (unsigned i = 0; i < words; i++)
        w[i] = (uint32_t)ld32(c, u, (uint32_t)(start + 4 * i));
    vldm_wb(c, u);
    if (u->f & VF_DBL)
        for (unsigned i = 0; i < u->e / 2u; i++)
            *D(c, u->a + i) = (uint64_t)w[2 * i + 1] << 32 | w[2 * i];
    else
        for (unsigned i = 0; i < u->e; i++)
            *S(c, u->a + i) = w[i];
    return u + 1;
}

const struct uop *op_vfp_stm(cpu_t *c, uop_t *u)
{
    uint32_t start = vldm_start(c, u, true);
    if (u->f & VF_DBL)
        for (unsigned i = 0; i < u->e / 2u; i++) {
            uint64_t v = *D(c, u->a + i);
            st32(c, u, (uint32_t)(start + 8 * i), (uint32_t)v);
            st32(c, u, (uint32_t)(start + 8 * i + 4), (uint32_t)(v >> 32));
        }
    else
        for (unsigned i = 0; i < u->e; i++)
            st32(c, u, (uint32_t)(start + 4 * i), *S(c, u->a + i));
    vldm_wb(c, u);
    return u + 1;
}

bool trans_vfp_VLDR(struct xlat *x, const arg_vfp_VLDR *a)
{
    if (a->rn == 15 && !a->l && a32_ctx_t32(x))
        return false;   /* VSTR to a PC-relative address in T32: UNPREDICTABLE */
    uint8_t base = a32_rreg_aligned(x, a->rn, REG_T1);
    struct uop *u = emit(x, a->l ? op_vfp_ldr : op_vfp_str);
    u->a = (uint8_t)vreg_num(a->sz, a->vd, a->d);
    u->b = base;
    u->f = a->sz ? VF_DBL : 0;
    uint32_t off = a->imm8 << 2;
    u->imm = a->u ? off : (uint32_t)-off;
    return true;
}

bool trans_vfp_VLDM(struct xlat *x, const arg_vfp_VLDM *a)
{
    /* IA (P=0 U=1), DB with writeback (P=1 U=0 W=1); P=1 W=0 is VLDR. */
    if (!((!a->p && a->u) || (a->p && !a->u && a->w)))
        return false;
    /* Doubles with an odd imm8 are FLDMX/FSTMX (deprecated): imm8 / 2
     * registers, the base moves by imm8 words. */
    unsigned d = vreg_num(a->sz, a->vd, a->d), regs = a->sz ? a->imm8 / 2 : a->imm8;
    if (regs == 0 || d + regs > 32 || (a->sz && regs > 16))
        return false;
    if (a->rn == 15 && (a->w || a32_ctx_t32(x)))
        return false;
    uint8_t base = a32_rreg(x, a->rn, REG_T1);
    struct uop *u = emit(x, a->l ? op_vfp_ldm : op_vfp_stm);
    u->a = (uint8_t)d;
    u->b = base;
    u->e = (uint8_t)a->imm8;
    u->f = (uint8_t)((a->sz ? VF_DBL : 0) | (a->u ? AM_U : 0) | (a->w ? AM_W : 0));
    return true;
}

/* ---- transfers ------------------------------------------------------------------------------ */

/* Core register <-> S register: a = S, b = slot. */
const struct uop *op_vfp_to_s(cpu_t *c, uop_t *u)
{
    *S(c, u->a) = R(c, u->b);
    return u + 1;
}

const struct uop *op_vfp_from_s(cpu_t *c, uop_t *u)
{
    c->x[u->b] = *S(c, u->a);
    return u + 1;
}

/* Two core registers (b = Rt, c = Rt2) <-> S<a>, S<a+1> (f = 0) or D<a>
 * (f = VF_DBL); the same data either way. */
const struct uop *op_vfp_to_2(cpu_t *c, uop_t *u)
{
    if (u->f & VF_DBL) {
        *D(c, u->a) = (uint64_t)R(c, u->c) << 32 | R(c, u->b);
    } else {
        *S(c, u->a) = R(c, u->b);
        *S(c, u->a + 1u) = R(c, u->c);
    }
    return u + 1;
}

const struct uop *op_vfp_from_2(cpu_t *c, uop_t *u)
{
    uint32_t lo, hi;
    if (u->f & VF_DBL) {
        uint64_t v = *D(c, u->a);
        lo = (uint32_t)v, hi = (uint32_t)(v >> 32);
    } else {
        lo = *S(c, u->a), hi = *S(c, u->a + 1u);
    }
    c->x[u->b] = lo;
    c->x[u->c] = hi;
    return u + 1;
}

bool trans_vfp_VMOV_SR(struct xlat *x, const arg_vfp_VMOV_SR *a)
{
    if (bad_rt(a->rt))
        return false;
    struct uop *u = emit(x, a->op ? op_vfp_from_s : op_vfp_to_s);
    u->a = (uint8_t)sreg_num(a->vn, a->n);
    u->b = a32_wreg(x, a->rt);
    return true;
}

static bool vmov_2(struct xlat *x, unsigned op, unsigned rt, unsigned rt2, unsigned m, bool dbl)
{
    if (bad_rt(rt) || bad_rt(rt2) || (!dbl && m == 31) || (op && rt == rt2))
        return false;
    struct uop *u = emit(x, op ? op_vfp_from_2 : op_vfp_to_2);
    u->a = (uint8_t)m;
    u->b = a32_wreg(x, rt);
    u->c = a32_wreg(x, rt2);
    u->f = dbl ? VF_DBL : 0;
    return true;
}

bool trans_vfp_VMOV_2S(struct xlat *x, const arg_vfp_VMOV_2S *a)
{
    return vmov_2(x, a->op, a->rt, a->rt2, sreg_num(a->vm, a->m), false);
}

bool trans_vfp_VMOV_2D(struct xlat *x, const arg_vfp_VMOV_2D *a)
{
    return vmov_2(x, a->op, a->rt, a->rt2, dreg_num(a->vm, a->m), true);
}

/* Scalar transfers: a = D register, b = slot, e = element size in bits,
 * f = bit offset; op_vfp_from_scalar sign-extends unless imm = 1. */
const struct uop *op_vfp_to_scalar(cpu_t *c, uop_t *u)
{
    uint64_t mask = (u->e == 32 ? 0xffffffffull : (1ull << u->e) - 1) << u->f;
    uint64_t *d = D(c, u->a);
    *d = (*d & ~mask) | ((uint64_t)R(c, u->b) << u->f & mask);
    return u + 1;
}

const struct uop *op_vfp_from_scalar(cpu_t *c, uop_t *u)
{
    uint64_t v = *D(c, u->a) >> u->f;
    uint32_t r;
    switch (u->e) {
    case 8: r = u->imm ? (uint8_t)v : (uint32_t)(int32_t)(int8_t)v; break;
    case 16: r = u->imm ? (uint16_t)v : (uint32_t)(int32_t)(int16_t)v; break;
    default: r = (uint32_t)v; break;
    }
    c->x[u->b] = r;
    return u + 1;
}

/* opc1:opc2 -> element size and index (Arm ARM VMOV (general-purpose
 * register to scalar)); false for the reserved 0x10. */
static bool scalar_elem(unsigned opc1, unsigned opc2, unsigned *bits, unsigned *index)
{
    if (opc1 & 2) {
        *bits = 8, *index = (opc1 & 1) << 2 | opc2;
    } else if (opc2 & 1) {
        *bits = 16, *index = (opc1 & 1) << 1 | opc2 >> 1;
    } else if (opc2 == 0) {
        *bits = 32, *index = opc1 & 1;
    } else {
        return false;
    }
    return true;
}

bool trans_vfp_VMOV_TOS(struct xlat *x, const arg_vfp_VMOV_TOS *a)
{
    unsigned bits, index;
    if (bad_rt(a->rt) || !scalar_elem(a->opc1, a->opc2, &bits, &index))
        return false;
    struct uop *u = emit(x, op_vfp_to_scalar);
    u->a = (uint8_t)dreg_num(a->vd, a->d);
    u->b = a32_wreg(x, a->rt);
    u->e = (uint8_t)bits;
    u->f = (uint8_t)(bits * index);
    return true;
}

bool trans_vfp_VMOV_FROMS(struct xlat *x, const arg_vfp_VMOV_FROMS *a)
{
    unsigned bits, index;
    if (bad_rt(a->rt) || !scalar_elem(a->opc1, a->opc2, &bits, &index) || (bits == 32 && a->u))
        return false;
    struct uop *u = emit(x, op_vfp_from_scalar);
    u->a = (uint8_t)dreg_num(a->vn, a->n);
    u->b = a32_wreg(x, a->rt);
    u->e = (uint8_t)bits;
    u->f = (uint8_t)(bits * index);
    u->imm = a->u;
    return true;
}

/* VDUP: a = D register (f = 1: and the next, a Q register), b = slot,
 * e = element size in bits. */
const struct uop *op_vfp_dup(cpu_t *c, uop_t *u)
{
    uint64_t v = R(c, u->b);
    switch (u->e) {
    case 8: v = (v & 0xff) * 0x0101010101010101ull; break;
    case 16: v = (v & 0xffff) * 0x0001000100010001ull; break;
    default: v = v * 0x0000000100000001ull; break;
    }
    *D(c, u->a) = v;
    if (u->f)
        *D(c, u->a + 1u) = v;
    return u + 1;
}

bool trans_vfp_VDUP(struct xlat *x, const arg_vfp_VDUP *a)
{
    unsigned d = dreg_num(a->vd, a->d);
    if (bad_rt(a->rt) || (a->b && a->e) || (a->q && (d & 1)))
        return false;
    struct uop *u = emit(x, op_vfp_dup);
    u->a = (uint8_t)d;
    u->b = a32_wreg(x, a->rt);
    u->e = a->b ? 8 : a->e ? 16 : 32;
    u->f = (uint8_t)a->q;
    return true;
}

/* VMRS Rt, FPSCR (a = slot); with Rt = 15 (f = 1) APSR_nzcv: the CPSR
 * flags from FPSCR.NZCV. */
const struct uop *op_vfp_vmrs(cpu_t *c, uop_t *u)
{
    if (u->f)
        c->nzcv = c->fpsr & 0xf0000000u;
    else
        c->x[u->a] = fpscr_read(c);
    return u + 1;
}

const struct uop *op_vfp_vmsr(cpu_t *c, uop_t *u)
{
    uint32_t v = R(c, u->a);
    c->fpsr = (c->fpsr & ~FPSCR_FPSR_MASK) | (v & FPSCR_FPSR_MASK);
    c->fpcr = (c->fpcr & ~FPSCR_FPCR_MASK) | (v & FPSCR_FPCR_MASK);
    return u + 1;
}

/* reg: 0000 FPSID, 0001 FPSCR, 0101 MVFR2, 0110 MVFR1, 0111 MVFR0,
 * 1000 FPEXC.  Only FPSCR is accessible at EL0; the others are UNDEFINED
 * there.  AArch32 EL1 (c->model->mvfr*, fpexc32_el2, FPSID) plugs in at
 * vfp_sysreg_priv. */
static bool vfp_sysreg_priv(struct xlat *x, bool read, unsigned reg, unsigned rt)
{
    if (ctx_el(x->ctx) == 0)
        return false;
    return a32_trans_vfp_sysreg(x, read, reg, rt);   /* a32-el1.c */
}

bool trans_vfp_VMRS(struct xlat *x, const arg_vfp_VMRS *a)
{
    if (a->reg != 1)
        return vfp_sysreg_priv(x, true, a->reg, a->rt);
    struct uop *u = emit(x, op_vfp_vmrs);
    if (a->rt == 15)
        u->f = 1;
    else
        u->a = a32_wreg(x, a->rt);
    return true;
}

bool trans_vfp_VMSR(struct xlat *x, const arg_vfp_VMSR *a)
{
    if (bad_rt(a->rt))
        return false;
    if (a->reg != 1)
        return vfp_sysreg_priv(x, false, a->reg, a->rt);
    emit(x, op_vfp_vmsr)->a = a32_wreg(x, a->rt);
    return true;
}

/* ---- data processing ------------------------------------------------------------------------ */

/* An operation on the destination's old value d and operands n, m (by
 * precision as the uop says), e its small operand. */
typedef uint64_t (*vfp_fn)(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e);

/* uop.f: the destination (d) is a D register; the sources (n, m) are. */
#define VF_DD 1
#define VF_SD 2
#define VF_NOWRITE 4    /* compares: the function sets FPSCR.NZCV */
#define VF_ZERO 8       /* compares with #0.0 */

/* a = d, b = n, c = m register numbers; imm = the vfp_fn; e its operand. */
const struct uop *op_vfp(cpu_t *c, uop_t *u)
{
    vfp_fn fn = (vfp_fn)(uintptr_t)u->imm;
    unsigned f = u->f;
    uint64_t d = (f & VF_DD) ? *D(c, u->a) : *S(c, u->a);
    uint64_t n, m;
    if (f & VF_SD)
        n = *D(c, u->b), m = (f & VF_ZERO) ? 0 : *D(c, u->c);
    else
        n = *S(c, u->b), m = (f & VF_ZERO) ? 0 : *S(c, u->c);
    uint64_t r = fn(c, d, n, m, u->e);
    if (f & VF_NOWRITE)
        return u + 1;
    if (f & VF_DD)
        *D(c, u->a) = r;
    else
        *S(c, u->a) = (uint32_t)r;
    return u + 1;
}

#define N32 0x80000000u
#define N64 0x8000000000000000ull
/* A function pair for single (s) and double (d) precision; in the bodies
 * d, n, m have the precision's width. */
#define VFP_FN(name, body32, body64)                                                                  \
    static uint64_t name##_s(cpu_t *c, uint64_t d64, uint64_t n64, uint64_t m64, unsigned e)      \
    {                                                                                                 \
        uint32_t d = (uint32_t)d64, n = (uint32_t)n64, m = (uint32_t)m64;                             \
        (void)c, (void)d, (void)n, (void)m, (void)e;                                                  \
        return (uint32_t)(body32);                                                                    \
    }                                                                                                 \
    static uint64_t name##_d(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e)            \
    {                                                                                                 \
        (void)c, (void)d, (void)n, (void)m, (void)e;                                                  \
        return (body64);                                                                              \
    }

/* Three registers.  VMLA/VMLS/VNMLA/VNMLS are not fused: the product is
 * rounded, then the sum (FPMul, then FPAdd, with FPNeg flipping the sign
 * of whatever comes out, NaNs included). */
VFP_FN(vadd, fp32_add_fast(c, n, m), fp64_add_fast(c, n, m))
VFP_FN(vsub, fp32_sub_fast(c, n, m), fp64_sub_fast(c, n, m))
VFP_FN(vmul, fp32_mul_fast(c, n, m), fp64_mul_fast(c, n, m))
VFP_FN(vdiv, fp32_div_fast(c, n, m), fp64_div_fast(c, n, m))
VFP_FN(vnmul, fp32_mul_fast(c, n, m) ^ N32, fp64_mul_fast(c, n, m) ^ N64)
VFP_FN(vmla, fp32_add_fast(c, d, fp32_mul_fast(c, n, m)), fp64_add_fast(c, d, fp64_mul_fast(c, n, m)))
VFP_FN(vmls, fp32_add_fast(c, d, fp32_mul_fast(c, n, m) ^ N32), fp64_add_fast(c, d, fp64_mul_fast(c, n, m) ^ N64))
VFP_FN(vnmla, fp32_add_fast(c, d ^ N32, fp32_mul_fast(c, n, m) ^ N32),
       fp64_add_fast(c, d ^ N64, fp64_mul_fast(c, n, m) ^ N64))
VFP_FN(vnmls, fp32_add_fast(c, d ^ N32, fp32_mul_fast(c, n, m)), fp64_add_fast(c, d ^ N64, fp64_mul_fast(c, n, m)))
/* Fused: FPMulAdd(addend, op1, op2) with the negations on the operands. */
VFP_FN(vfma, fp32_muladd_fast(c, d, n, m), fp64_muladd_fast(c, d, n, m))
VFP_FN(vfms, fp32_muladd_fast(c, d, n ^ N32, m), fp64_muladd_fast(c, d, n ^ N64, m))
VFP_FN(vfnma, fp32_muladd_fast(c, d ^ N32, n ^ N32, m), fp64_muladd_fast(c, d ^ N64, n ^ N64, m))
VFP_FN(vfnms, fp32_muladd_fast(c, d ^ N32, n, m), fp64_muladd_fast(c, d ^ N64, n, m))
VFP_FN(vmaxnm, fp32_maxnm(c, n, m), fp64_maxnm(c, n, m))
VFP_FN(vminnm, fp32_minnm(c, n, m), fp64_minnm(c, n, m))
/* VSEL: e = the condition. */
VFP_FN(vsel, cond_holds(c->nzcv, e) ? n : m, cond_holds(c->nzcv, e) ? n : m)

/* One register (m).  VABS/VNEG/VMOV only move bits. */
VFP_FN(vmov, m, m)
VFP_FN(vabs, m & ~N32, m & ~N64)
VFP_FN(vneg, m ^ N32, m ^ N64)
VFP_FN(vsqrt, fp32_sqrt(c, m), fp64_sqrt(c, m))
/* VRINT*: e = rounding mode | 8 for VRINTX (inexact signalled). */
VFP_FN(vrint, fp32_round_int(c, m, (enum fp_rounding)(e & 7), e & 8),
       fp64_round_int(c, m, (enum fp_rounding)(e & 7), e & 8))
/* VCMP/VCMPE (e = 1: any NaN signals Invalid): FPSCR.NZCV (the compare
 * may raise flags first). */
static inline uint32_t set_fpscr_nzcv(cpu_t *c, uint32_t nzcv)
{
    c->fpsr = (c->fpsr & 0x0fffffffu) | nzcv;
    return 0;
}
VFP_FN(vcmp, set_fpscr_nzcv(c, fp32_compare(c, d, m, e)), set_fpscr_nzcv(c, fp64_compare(c, d, m, e)))

/* Conversions; the suffix names the source precision.  The destination
 * width is the uop's (VF_DD). */
/* Between single and double (the suffix names the source). */
static uint64_t vcvt_p_s(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e)
{
    (void)d, (void)n, (void)e;
    return fp32_to_fp64(c, (uint32_t)m);
}
static uint64_t vcvt_p_d(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e)
{
    (void)d, (void)n, (void)e;
    return fp64_to_fp32(c, m, FPR_FPCR);
}
/* From half (e = 16: the top half of S<m>) to single/double: the suffix
 * names the destination. */
VFP_FN(vcvt_fromh, fp16_to_fp32(c, (uint16_t)(m >> e)), fp16_to_fp64(c, (uint16_t)(m >> e)))
/* To half in bits e+15:e of S<d>, the rest of S<d> kept. */
VFP_FN(vcvt_toh, (d & ~(0xffffu << e)) | (uint32_t)fp32_to_fp16(c, m, FPR_FPCR) << e,
       ((uint32_t)d & ~(0xffffu << e)) | (uint32_t)fp64_to_fp16(c, m, FPR_FPCR) << e)
/* Float to 32-bit integer: e = rounding mode | 8 when signed. */
VFP_FN(vcvt_toi, fp32_to_fixed(c, m, 0, (enum fp_rounding)(e & 7), !(e & 8), 32),
       fp64_to_fixed(c, m, 0, (enum fp_rounding)(e & 7), !(e & 8), 32))
/* 32-bit integer (S<m>) to float, FPSCR rounding: e = 1 when signed; the
 * suffix names the destination. */
VFP_FN(vcvt_fromi, fixed_to_fp32(c, (uint32_t)m, 0, !e, 32, FPR_FPCR), fixed_to_fp64(c, (uint32_t)m, 0, !e, 32, FPR_FPCR))
/* VJCVT: double to a signed 32-bit integer, JavaScript rules; FPSCR.NZCV
 * = 0:Z:00 (Z: the conversion was exact and in range). */
static uint64_t vjcvt_d(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e)
{
    (void)d, (void)n, (void)e;
    bool z;
    uint32_t r = fp64_jcvt(c, m, &z);
    set_fpscr_nzcv(c, z ? NZCV_Z : 0);
    return r;
}

/* Fixed point, in place (the operand is the destination's old value):
 * e = fraction bits | VFX_16 (16-bit integers) | VFX_U (unsigned). */
#define VFX_16 0x40
#define VFX_U 0x80
/* FPToFixed to a 16-bit integer on fpu.c's 64-bit one: out of range
 * saturates with Invalid only (no Inexact). */
static uint64_t tofix16(cpu_t *c, uint64_t r, uint32_t fpsr0, bool uns)
{
    int64_t v = (int64_t)r;
    if (uns ? r <= 65535 : (v >= -32768 && v <= 32767))
        return r;
    c->fpsr = fpsr0 | FPSR_IOC;
    return uns ? 65535 : (uint64_t)(v < 0 ? -32768 : 32767);
}
/* The integer, extended to the register's width (Extend(result, 32/64)). */
static inline uint64_t fix_extend(uint64_t r, unsigned e, int width)
{
    if (e & VFX_U)
        return width == 32 ? (uint32_t)r : r;
    int64_t v = (e & VFX_16) ? (int16_t)r : (int32_t)r;
    return width == 32 ? (uint32_t)v : (uint64_t)v;
}
static uint64_t vtofix_s(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e)
{
    (void)n, (void)m;
    bool uns = e & VFX_U;
    uint32_t fpsr0 = c->fpsr;
    uint64_t r = fp32_to_fixed(c, (uint32_t)d, e & 0x3f, FPR_ZERO, uns, (e & VFX_16) ? 64 : 32);
    if (e & VFX_16)
        r = tofix16(c, r, fpsr0, uns);
    return fix_extend(r, e, 32);
}
static uint64_t vtofix_d(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e)
{
    (void)n, (void)m;
    bool uns = e & VFX_U;
    uint32_t fpsr0 = c->fpsr;
    uint64_t r = fp64_to_fixed(c, d, e & 0x3f, FPR_ZERO, uns, (e & VFX_16) ? 64 : 32);
    if (e & VFX_16)
        r = tofix16(c, r, fpsr0, uns);
    return fix_extend(r, e, 64);
}
/* From the low 16 or 32 bits of the register, FPSCR rounding. */
static inline uint64_t fix_operand(uint64_t d, unsigned e)
{
    if (e & VFX_16)
        return (e & VFX_U) ? (uint16_t)d : (uint32_t)(int32_t)(int16_t)d;
    return (uint32_t)d;
}
static uint64_t vfromfix_s(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e)
{
    (void)n, (void)m;
    return fixed_to_fp32(c, fix_operand(d, e), e & 0x3f, e & VFX_U, 32, FPR_FPCR);
}
static uint64_t vfromfix_d(cpu_t *c, uint64_t d, uint64_t n, uint64_t m, unsigned e)
{
    (void)n, (void)m;
    return fixed_to_fp64(c, fix_operand(d, e), e & 0x3f, e & VFX_U, 32, FPR_FPCR);
}

/* Emit op_vfp: registers by number, f the widths. */
static void emit_vfp(struct xlat *x, vfp_fn fn, unsigned f, unsigned d, unsigned n, unsigned m, unsigned e)
{
    struct uop *u = emit(x, op_vfp);
    u->imm = (uintptr_t)fn;
    u->f = (uint8_t)f;
    u->a = (uint8_t)d;
    u->b = (uint8_t)n;
    u->c = (uint8_t)m;
    u->e = (uint8_t)e;
}

/* Same precision sz for d, n, m. */
static void emit_same(struct xlat *x, vfp_fn fs, vfp_fn fd, unsigned sz, unsigned d, unsigned n, unsigned m, unsigned e)
{
    emit_vfp(x, sz ? fd : fs, sz ? VF_DD | VF_SD : 0, d, n, m, e);
}

bool trans_vfp_DP3(struct xlat *x, const arg_vfp_DP3 *a)
{
    static const struct { vfp_fn s, d; } ops[16] = {
        { vmla_s, vmla_d }, { vmls_s, vmls_d }, { vnmls_s, vnmls_d }, { vnmla_s, vnmla_d },
        { vmul_s, vmul_d }, { vnmul_s, vnmul_d }, { vadd_s, vadd_d }, { vsub_s, vsub_d },
        { vdiv_s, vdiv_d }, { NULL, NULL }, { vfnms_s, vfnms_d }, { vfnma_s, vfnma_d },
        { vfma_s, vfma_d }, { vfms_s, vfms_d }, { NULL, NULL }, { NULL, NULL },
    };
    unsigned op = a->o0 << 3 | a->o1 << 1 | a->o2;
    if (!ops[op].s)
        return false;
    emit_same(x, ops[op].s, ops[op].d, a->sz, vreg_num(a->sz, a->vd, a->d), vreg_num(a->sz, a->vn, a->n),
              vreg_num(a->sz, a->vm, a->m), 0);
    return true;
}

/* VFPExpandImm. */
static uint64_t vfp_expand_imm(unsigned imm8, bool dbl)
{
    uint64_t sign = imm8 >> 7, b6 = imm8 >> 6 & 1, e2 = imm8 >> 4 & 3, frac = imm8 & 0xf;
    if (dbl)
        return sign << 63 | (b6 ^ 1) << 62 | (b6 ? 0xffull : 0) << 54 | e2 << 52 | frac << 48;
    return sign << 31 | (b6 ^ 1) << 30 | (b6 ? 0x1full : 0) << 25 | e2 << 23 | frac << 19;
}

const struct uop *op_vfp_movi(cpu_t *c, uop_t *u)
{
    if (u->f)
        *D(c, u->a) = u->imm;
    else
        *S(c, u->a) = (uint32_t)u->imm;
    return u + 1;
}

bool trans_vfp_VMOV_imm(struct xlat *x, const arg_vfp_VMOV_imm *a)
{
    struct uop *u = emit(x, op_vfp_movi);
    u->a = (uint8_t)vreg_num(a->sz, a->vd, a->d);
    u->f = (uint8_t)a->sz;
    u->imm = vfp_expand_imm(a->imm4h << 4 | a->imm4l, a->sz);
    return true;
}

bool trans_vfp_DP2(struct xlat *x, const arg_vfp_DP2 *a)
{
    unsigned sz = a->sz, op = a->op;
    unsigned d = vreg_num(sz, a->vd, a->d), m = vreg_num(sz, a->vm, a->m);
    unsigned ds = sreg_num(a->vd, a->d), ms = sreg_num(a->vm, a->m);     /* single numbering */
    unsigned dd = dreg_num(a->vd, a->d), md = dreg_num(a->vm, a->m);     /* double numbering */
    switch (a->opc2) {
    case 0x0:   /* VMOV (register), VABS */
        emit_same(x, op ? vabs_s : vmov_s, op ? vabs_d : vmov_d, sz, d, 0, m, 0);
        return true;
    case 0x1:   /* VNEG, VSQRT */
        emit_same(x, op ? vsqrt_s : vneg_s, op ? vsqrt_d : vneg_d, sz, d, 0, m, 0);
        return true;
    case 0x2:   /* VCVTB/VCVTT from half: S<m> half to S<d>/D<d> */
        emit_vfp(x, sz ? vcvt_fromh_d : vcvt_fromh_s, sz ? VF_DD : 0, sz ? dd : ds, 0, ms, op ? 16 : 0);
        return true;
    case 0x3:   /* VCVTB/VCVTT to half: S<m>/D<m> to a half of S<d> */
        emit_vfp(x, sz ? vcvt_toh_d : vcvt_toh_s, sz ? VF_SD : 0, ds, 0, sz ? md : ms, op ? 16 : 0);
        return true;
    case 0x4:   /* VCMP(E) */
        emit_same(x, vcmp_s, vcmp_d, sz, d, 0, m, op);
        x->uops[x->nuops - 1].f |= VF_NOWRITE;
        return true;
    case 0x5:   /* VCMP(E) #0.0 */
        if (a->m || a->vm)
            return false;
        emit_same(x, vcmp_s, vcmp_d, sz, d, 0, 0, op);
        x->uops[x->nuops - 1].f |= VF_NOWRITE | VF_ZERO;
        return true;
    case 0x6:   /* VRINTR (FPSCR), VRINTZ */
        emit_same(x, vrint_s, vrint_d, sz, d, 0, m, op ? FPR_ZERO : FPR_FPCR);
        return true;
    case 0x7:
        if (!op) {  /* VRINTX */
            emit_same(x, vrint_s, vrint_d, sz, d, 0, m, FPR_FPCR | 8);
            return true;
        }
        /* VCVT between double and single: sz names the source */
        emit_vfp(x, sz ? vcvt_p_d : vcvt_p_s, sz ? VF_SD : VF_DD, sz ? ds : dd, 0, sz ? md : ms, 0);
        return true;
    case 0x8:   /* VCVT from a 32-bit integer in S<m>; op = signed */
        emit_vfp(x, sz ? vcvt_fromi_d : vcvt_fromi_s, sz ? VF_DD : 0, d, 0, ms, op);
        return true;
    case 0x9:   /* VJCVT (FEAT_JSCVT) */
        if (!sz || !op)
            return false;
        emit_vfp(x, vjcvt_d, VF_SD, ds, 0, md, 0);
        return true;
    case 0xa: case 0xb: case 0xe: case 0xf: {
        /* VCVT between floating and fixed point: opc2 = 1 to_fixed 1 U,
         * op = sx (32-bit integers), m:vm = i:imm4 */
        unsigned size = op ? 32 : 16, imm5 = a->vm << 1 | a->m;
        if (imm5 > size)
            return false;   /* negative frac_bits: UNPREDICTABLE */
        unsigned e = (size - imm5) | (op ? 0 : VFX_16) | ((a->opc2 & 1) ? VFX_U : 0);
        bool to_fixed = a->opc2 & 4;
        emit_vfp(x, to_fixed ? (sz ? vtofix_d : vtofix_s) : (sz ? vfromfix_d : vfromfix_s), sz ? VF_DD : 0, d, 0, 0,
                 e);
        return true;
    }
    case 0xc: case 0xd:     /* VCVT(R) to a 32-bit integer in S<d>: op = 1 round toward zero */
        emit_vfp(x, sz ? vcvt_toi_d : vcvt_toi_s, sz ? VF_SD : 0, ds, 0, m,
                 (op ? FPR_ZERO : FPR_FPCR) | ((a->opc2 & 1) ? 8 : 0));
        return true;
    default:
        return false;
    }
}

/* ---- the ARMv8 unconditional forms ----------------------------------------------------------- */

static const enum fp_rounding rm_modes[4] = { FPR_TIEAWAY, FPR_TIEEVEN, FPR_POSINF, FPR_NEGINF };

bool trans_vfpu_VSEL(struct xlat *x, const arg_vfpu_VSEL *a)
{
    if (in_it_block(x))
        return false;
    /* cc 00 EQ, 01 VS, 10 GE, 11 GT: cond = cc:(cc<1> EOR cc<0>):0 */
    unsigned cond = a->cc << 2 | ((a->cc >> 1 ^ a->cc) & 1) << 1;
    emit_same(x, vsel_s, vsel_d, a->sz, vreg_num(a->sz, a->vd, a->d), vreg_num(a->sz, a->vn, a->n),
              vreg_num(a->sz, a->vm, a->m), cond);
    return true;
}

bool trans_vfpu_VMAXNM(struct xlat *x, const arg_vfpu_VMAXNM *a)
{
    if (in_it_block(x))
        return false;
    emit_same(x, a->op ? vminnm_s : vmaxnm_s, a->op ? vminnm_d : vmaxnm_d, a->sz, vreg_num(a->sz, a->vd, a->d),
              vreg_num(a->sz, a->vn, a->n), vreg_num(a->sz, a->vm, a->m), 0);
    return true;
}

bool trans_vfpu_VRINT(struct xlat *x, const arg_vfpu_VRINT *a)
{
    if (in_it_block(x))
        return false;
    emit_same(x, vrint_s, vrint_d, a->sz, vreg_num(a->sz, a->vd, a->d), 0, vreg_num(a->sz, a->vm, a->m),
              rm_modes[a->rm]);
    return true;
}

bool trans_vfpu_VCVT(struct xlat *x, const arg_vfpu_VCVT *a)
{
    if (in_it_block(x))
        return false;
    emit_vfp(x, a->sz ? vcvt_toi_d : vcvt_toi_s, a->sz ? VF_SD : 0, sreg_num(a->vd, a->d), 0,
             vreg_num(a->sz, a->vm, a->m), rm_modes[a->rm] | (a->op ? 8 : 0));
    return true;
}

/* ---- entry ----------------------------------------------------------------------------------- */

#include "vfp-decode.inc"
#include "vfpu-decode.inc"

bool a32_vfp_translate(struct xlat *x, uint32_t insn)
{
    bool ok = (insn >> 28) == 15 ? vfpu_decode_insn(x, insn) : vfp_decode_insn(x, insn);
    /* The FP access trap (decode_fp_check) is the instruction's own
     * exception, taken with its ITSTATE: not a block end, after which T32
     * would advance ITSTATE first.  No VFP instruction ends a block
     * otherwise; what follows the trap is reached only past a failed
     * condition. */
    if (decode_fp_traps(x))
        x->end = false;
    return ok;
}
