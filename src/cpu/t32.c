/* AArch32: the T32 instruction set (integer), on the uops of a32.c.
 *
 * A T32 block counts uop.idx in halfwords.  IT blocks are followed at
 * translation time: each instruction knows its ITSTATE (x->it); when it
 * differs from the value the CPU holds, an op_a32_setit in front of the
 * instruction updates c->a32.ctx, so a fault inside an IT block reports the
 * right ITSTATE and a block ending inside one continues in the right
 * context.  Conditional instructions in an IT block use the skip of A32.
 */
#include "a32-internal.h"
#include "t16-decode.h"
#include "t32-decode.h"

static inline bool in_it(const struct xlat *x) { return (x->it & 0xf) != 0; }
static inline bool last_in_it(const struct xlat *x) { return (x->it & 0xf) == 8; }
/* A write of the PC inside an IT block must be its last instruction. */
static inline bool pc_write_ok(const struct xlat *x) { return !in_it(x) || last_in_it(x); }
/* 16-bit data processing sets the flags only outside IT blocks. */
static inline unsigned s16(const struct xlat *x) { return !in_it(x); }
static inline uint32_t next16(const struct xlat *x) { return (uint32_t)x->pc + 2; }
static inline uint32_t next32(const struct xlat *x) { return (uint32_t)x->pc + 4; }

/* ---- shared emitters -------------------------------------------------------------- */

/* Data processing with a register operand shifted by an immediate. */
static bool dp_reg(struct xlat *x, unsigned opc, unsigned s, unsigned rn, unsigned rd, unsigned rm, unsigned type,
                   unsigned amt5)
{
    unsigned t, amt = a32_imm_shift_amount(type, amt5, &t);
    struct uop tm = { .e = 1, .c = a32_rreg(x, rm, REG_T0), .d = (uint8_t)amt, .f = (uint8_t)t };
    return a32_emit_dp(x, opc, s, rn, rd, &tm);
}

static bool dp_imm(struct xlat *x, unsigned opc, unsigned s, unsigned rn, unsigned rd, uint32_t imm, bool carry_from_imm)
{
    struct uop tm = { .e = 0, .imm = imm, .f = carry_from_imm };
    return a32_emit_dp(x, opc, s, rn, rd, &tm);
}

/* x[slot] = constant. */
static void movi(struct xlat *x, uint8_t slot, uint32_t v)
{
    struct uop *u = emit(x, op_a32_movi);
    u->a = slot;
    u->imm = v;
}

/* Single load/store: fn with Rt slot, base Rn (PC: Align(PC, 4)), offset imm
 * or register rm (rm >= 0) shifted left by sh. */
static void ldst(struct xlat *x, uop_fn fn, uint8_t rt_slot, unsigned rn, unsigned p, unsigned u, unsigned w, int rm,
                 unsigned imm_or_sh)
{
    struct uop *o = a32_emit_ldst(x, fn, p, u, w, rn, rt_slot);
    if (rm >= 0) {
        o->f |= AM_REG;
        o->c = a32_wreg(x, (unsigned)rm);
    }
    o->imm = imm_or_sh;
}

/* Load/store multiple: list, IA (p = 0, u = 1) or DB (p = 1, u = 0). */
static void ldm(struct xlat *x, bool load, unsigned rn, unsigned list, unsigned p, unsigned u, unsigned w)
{
    struct uop *o = emit(x, load ? op_a32_ldm : op_a32_stm);
    o->b = a32_wreg(x, rn);
    o->imm = list;
    o->e = (uint8_t)a32_ctx_mode(x);
    o->f = (uint8_t)((p ? AM_P : 0) | (u ? AM_U : 0) | (w ? AM_W : 0));
    if (load && (list >> 15 & 1))
        a32_emit_bx(x, REG_T0);
}

static void branch(struct xlat *x, uop_fn fn, uint32_t target, uint32_t link)
{
    struct uop *o = emit(x, fn);
    o->imm = target | (uint64_t)link << 32;
    o->a = a32_wreg(x, 14);
    x->end = true;
}

static struct uop *emit3(struct xlat *x, uop_fn fn, unsigned rd, unsigned rn, unsigned rm)
{
    struct uop *o = emit(x, fn);
    o->a = a32_wreg(x, rd);
    o->b = rn == 15 ? REG_ZR : a32_wreg(x, rn);
    o->c = a32_wreg(x, rm);
    return o;
}

/* T32 operand registers: 13 and 15 are UNPREDICTABLE for most 32-bit
 * instructions; 13 is accepted as a plain register, 15 rejected. */
static inline bool bad(unsigned r) { return r == 15; }

/* ---- 16-bit --------------------------------------------------------------------------- */

bool trans_t16_SHIFT_imm(struct xlat *x, const arg_t16_SHIFT_imm *a)
{
    if (a->op == 3)
        return false;
    if (a->op == 0 && a->imm5 == 0 && in_it(x))
        return false;   /* MOVS Rd, Rm inside IT: UNPREDICTABLE */
    return dp_reg(x, 13, s16(x), 0, a->rd, a->rm, a->op, a->imm5);
}

bool trans_t16_ADDSUB_reg(struct xlat *x, const arg_t16_ADDSUB_reg *a)
{
    return dp_reg(x, a->op ? 2 : 4, s16(x), a->rn, a->rd, a->rm, 0, 0);
}

bool trans_t16_ADDSUB_imm3(struct xlat *x, const arg_t16_ADDSUB_imm3 *a)
{
    return dp_imm(x, a->op ? 2 : 4, s16(x), a->rn, a->rd, a->imm3, false);
}

bool trans_t16_IMM8(struct xlat *x, const arg_t16_IMM8 *a)
{
    static const uint8_t opc[4] = { 13, 10, 4, 2 };   /* MOV CMP ADD SUB */
    return dp_imm(x, opc[a->op], a->op == 1 ? 1 : s16(x), a->rdn, a->op == 1 ? 0 : a->rdn, a->imm8, false);
}

bool trans_t16_DP(struct xlat *x, const arg_t16_DP *a)
{
    unsigned rdn = a->rdn, rm = a->rm;
    switch (a->op) {
    case 2: case 3: case 4: case 7: {   /* LSL LSR ASR ROR (register) */
        static const uint8_t type[8] = { [2] = 0, [3] = 1, [4] = 2, [7] = 3 };
        struct uop tm = { .e = 2, .c = a32_wreg(x, rdn), .d = a32_wreg(x, rm), .f = type[a->op] };
        return a32_emit_dp(x, 13, s16(x), 0, rdn, &tm);
    }
    case 9:     /* RSB Rd, Rn, #0 */
        return dp_imm(x, 3, s16(x), rm, rdn, 0, false);
    case 13: {  /* MUL Rdm, Rn, Rdm */
        struct uop *o = emit(x, op_a32_mul);
        o->a = o->c = a32_wreg(x, rdn);
        o->b = a32_wreg(x, rm);
        o->d = REG_ZR;
        o->f = (uint8_t)s16(x);
        return true;
    }
    default: {
        static const uint8_t opc[16] = { 0, 1, 0, 0, 0, 5, 6, 0, 8, 0, 10, 11, 12, 0, 14, 15 };
        unsigned o = opc[a->op];
        bool test = o >= 8 && o <= 11;
        return dp_reg(x, o, test ? 1 : s16(x), o == 15 ? 0 : rdn, test ? 0 : rdn, rm, 0, 0);
    }
    }
}

bool trans_t16_ADD_hi(struct xlat *x, const arg_t16_ADD_hi *a)
{
    unsigned d = a->dn << 3 | a->rdn;
    if (d == 15 && (a->rm == 15 || !pc_write_ok(x)))
        return false;
    return dp_reg(x, 4, 0, d, d, a->rm, 0, 0);
}

bool trans_t16_CMP_hi(struct xlat *x, const arg_t16_CMP_hi *a)
{
    unsigned n = a->n << 3 | a->rn;
    if ((n < 8 && a->rm < 8) || n == 15 || a->rm == 15)
        return false;
    return dp_reg(x, 10, 1, n, 0, a->rm, 0, 0);
}

bool trans_t16_MOV_hi(struct xlat *x, const arg_t16_MOV_hi *a)
{
    unsigned d = a->d << 3 | a->rd;
    if (d == 15 && !pc_write_ok(x))
        return false;
    return dp_reg(x, 13, 0, 0, d, a->rm, 0, 0);
}

bool trans_t16_BX(struct xlat *x, const arg_t16_BX *a)
{
    if ((a->l && a->rm == 15) || !pc_write_ok(x))
        return false;
    a32_emit_bx_reg(x, a->rm, a->l, (uint32_t)(next16(x) | 1));
    return true;
}

bool trans_t16_LDR_lit(struct xlat *x, const arg_t16_LDR_lit *a)
{
    ldst(x, op_a32_ldr, a32_wreg(x, a->rt), 15, 1, 1, 0, -1, a->imm8 * 4);
    return true;
}

bool trans_t16_LDST_reg(struct xlat *x, const arg_t16_LDST_reg *a)
{
    static const uop_fn fns[8] = { op_a32_str, op_a32_strh, op_a32_strb, op_a32_ldrsb,
                                   op_a32_ldr, op_a32_ldrh, op_a32_ldrb, op_a32_ldrsh };
    ldst(x, fns[a->op], a32_wreg(x, a->rt), a->rn, 1, 1, 0, (int)a->rm, 0);
    return true;
}

bool trans_t16_LDST_imm(struct xlat *x, const arg_t16_LDST_imm *a)
{
    uop_fn fn = a->l ? (a->b ? op_a32_ldrb : op_a32_ldr) : (a->b ? op_a32_strb : op_a32_str);
    ldst(x, fn, a32_wreg(x, a->rt), a->rn, 1, 1, 0, -1, a->b ? a->imm5 : a->imm5 * 4);
    return true;
}

bool trans_t16_LDSTH_imm(struct xlat *x, const arg_t16_LDSTH_imm *a)
{
    ldst(x, a->l ? op_a32_ldrh : op_a32_strh, a32_wreg(x, a->rt), a->rn, 1, 1, 0, -1, a->imm5 * 2);
    return true;
}

bool trans_t16_LDST_sp(struct xlat *x, const arg_t16_LDST_sp *a)
{
    ldst(x, a->l ? op_a32_ldr : op_a32_str, a32_wreg(x, a->rt), 13, 1, 1, 0, -1, a->imm8 * 4);
    return true;
}

bool trans_t16_ADR(struct xlat *x, const arg_t16_ADR *a)
{
    movi(x, a32_wreg(x, a->rd), (a32_pc_read(x) & ~3u) + a->imm8 * 4);
    return true;
}

bool trans_t16_ADD_sp_imm(struct xlat *x, const arg_t16_ADD_sp_imm *a)
{
    return dp_imm(x, 4, 0, 13, a->rd, a->imm8 * 4, false);
}

bool trans_t16_ADDSUB_sp(struct xlat *x, const arg_t16_ADDSUB_sp *a)
{
    return dp_imm(x, a->op ? 2 : 4, 0, 13, 13, a->imm7 * 4, false);
}

/* CBZ/CBNZ: b = Rn, e = 1 for CBNZ; imm = target | next << 32. */
const struct uop *op_t32_cbz(cpu_t *c, uop_t *u)
{
    bool zero = (uint32_t)c->x[u->b] == 0;
    if (zero != (u->e != 0))
        return a32_jump(c, (uint32_t)u->imm, 0);
    return a32_jump(c, (uint32_t)(u->imm >> 32), 1);
}

bool trans_t16_CBZ(struct xlat *x, const arg_t16_CBZ *a)
{
    if (in_it(x))
        return false;
    struct uop *o = emit(x, op_t32_cbz);
    o->b = a32_wreg(x, a->rn);
    o->e = (uint8_t)a->op;
    o->imm = (a32_pc_read(x) + (a->i << 6 | a->imm5 << 1)) | (uint64_t)next16(x) << 32;
    x->end = true;
    return true;
}

bool trans_t16_EXTEND(struct xlat *x, const arg_t16_EXTEND *a)
{
    static const uint8_t ops[4] = { 3, 2, 7, 6 };   /* SXTH SXTB UXTH UXTB as A32 extend ops */
    emit3(x, op_a32_extend, a->rd, 15, a->rm)->e = ops[a->op];
    return true;
}

bool trans_t16_PUSH(struct xlat *x, const arg_t16_PUSH *a)
{
    unsigned list = a->list | a->m << 14;
    if (!list)
        return false;
    ldm(x, false, 13, list, 1, 0, 1);
    return true;
}

bool trans_t16_POP(struct xlat *x, const arg_t16_POP *a)
{
    unsigned list = a->list | a->p << 15;
    if (!list || (a->p && !pc_write_ok(x)))
        return false;
    ldm(x, true, 13, list, 0, 1, 1);
    return true;
}

bool trans_t16_REV(struct xlat *x, const arg_t16_REV *a)
{
    static const uint8_t ops[4] = { UN_REV, UN_REV16, 0, UN_REVSH };
    if (a->op == 2)
        return false;   /* HLT: halting debug is not implemented */
    return a32_emit_unary(x, ops[a->op], a->rd, a->rm);
}

bool trans_t16_BKPT(struct xlat *x, const arg_t16_BKPT *a)
{
    emit(x, op_a32_bkpt)->imm = a->imm8;
    x->end = true;
    return true;
}

bool trans_t16_IT(struct xlat *x, const arg_t16_IT *a)
{
    if (a->mask == 0)
        return false;   /* hints */
    if (in_it(x) || a->cond == 15 || (a->cond == 14 && __builtin_popcount(a->mask) != 1))
        return false;
    x->it_next = (uint16_t)(0x100 | a->cond << 4 | a->mask);
    return true;
}

bool trans_t16_HINT(struct xlat *x, const arg_t16_HINT *a)
{
    return a32_trans_hint(x, a->op, 2);
}

bool trans_t16_STM(struct xlat *x, const arg_t16_STM *a)
{
    if (!a->list)
        return false;
    if ((a->list >> a->rn & 1) && (a->list & ((1u << a->rn) - 1)))
        return false;   /* stores an UNKNOWN base */
    ldm(x, false, a->rn, a->list, 0, 1, 1);
    return true;
}

bool trans_t16_LDM(struct xlat *x, const arg_t16_LDM *a)
{
    if (!a->list)
        return false;
    ldm(x, true, a->rn, a->list, 0, 1, !(a->list >> a->rn & 1));
    return true;
}

bool trans_t16_SVC(struct xlat *x, const arg_t16_SVC *a)
{
    emit(x, op_a32_svc)->imm = a->imm8 | (uint64_t)next16(x) << 32;
    x->end = true;
    return true;
}

bool trans_t16_BCOND(struct xlat *x, const arg_t16_BCOND *a)
{
    if (a->cond >= 14 || in_it(x))
        return false;
    struct uop *o = emit(x, op_a32_bcond);
    o->e = (uint8_t)a->cond;
    o->imm = (uint32_t)(a32_pc_read(x) + (uint32_t)(a->imm8 * 2)) | (uint64_t)next16(x) << 32;
    x->end = true;
    return true;
}

bool trans_t16_B(struct xlat *x, const arg_t16_B *a)
{
    if (!pc_write_ok(x))
        return false;
    branch(x, op_a32_b, a32_pc_read(x) + (uint32_t)(a->imm11 * 2), 0);
    return true;
}

/* ---- 32-bit: data processing ----------------------------------------------------------------- */

/* T32 data-processing opcode -> A32 opcode (-1: not data processing). */
static const int8_t t32_opc[16] = { 0, 14, 12, A32_OP_ORN, 1, -1, -1, -1, 4, -1, 5, 6, -1, 2, 3, -1 };

/* The shared shape of DP (register) and DP (modified immediate): returns
 * the A32 opcode and adjusts rn/rd for the TST/TEQ/CMN/CMP and MOV/MVN
 * forms, or -1 when UNPREDICTABLE/unallocated. */
static int t32_dp_shape(unsigned op, unsigned s, unsigned *rn, unsigned *rd)
{
    int opc = t32_opc[op];
    if (opc < 0)
        return -1;
    if (*rd == 15) {
        if (!s)
            return -1;
        switch (opc) {
        case 0: opc = 8; break;     /* TST */
        case 1: opc = 9; break;     /* TEQ */
        case 4: opc = 11; break;    /* CMN */
        case 2: opc = 10; break;    /* CMP */
        default: return -1;
        }
        *rd = 0;
    }
    if (*rn == 15) {
        if (opc == 12)
            opc = 13;               /* ORR -> MOV */
        else if (opc == A32_OP_ORN)
            opc = 15;               /* ORN -> MVN */
        else
            return -1;
        *rn = 0;
    }
    return opc;
}

bool trans_t32_DP_reg(struct xlat *x, const arg_t32_DP_reg *a)
{
    unsigned rn = a->rn, rd = a->rd, amt = a->imm3 << 2 | a->imm2;
    if (a->op == 6) {   /* PKHBT/PKHTB */
        if (a->s || (a->type & 1) || bad(rd) || bad(rn) || bad(a->rm))
            return false;
        struct uop *o = emit3(x, op_a32_pkh, rd, rn, a->rm);
        o->e = (uint8_t)(a->type >> 1);
        o->d = (uint8_t)((a->type >> 1) && amt == 0 ? 32 : amt);
        return true;
    }
    int opc = t32_dp_shape(a->op, a->s, &rn, &rd);
    if (opc < 0 || bad(a->rm))
        return false;
    return dp_reg(x, (unsigned)opc, a->s, rn, rd, a->rm, a->type, amt);
}

/* ThumbExpandImm_C: the value, and whether the carry out is its bit 31
 * (else C is unchanged).  False: UNPREDICTABLE (a zero byte pattern). */
static bool thumb_expand_imm(unsigned imm12, uint32_t *v, bool *carry)
{
    uint32_t b = imm12 & 0xff;
    *carry = false;
    if ((imm12 >> 10) == 0) {
        switch (imm12 >> 8 & 3) {
        case 0: *v = b; return true;
        case 1: *v = b << 16 | b; break;
        case 2: *v = b << 24 | b << 8; break;
        default: *v = b << 24 | b << 16 | b << 8 | b; break;
        }
        return b != 0;
    }
    uint32_t unrot = 0x80 | (imm12 & 0x7f);
    unsigned rot = imm12 >> 7;
    *v = unrot >> rot | unrot << (32 - rot);
    *carry = true;
    return true;
}

bool trans_t32_DP_imm(struct xlat *x, const arg_t32_DP_imm *a)
{
    unsigned rn = a->rn, rd = a->rd;
    int opc = t32_dp_shape(a->op, a->s, &rn, &rd);
    uint32_t v;
    bool carry;
    if (opc < 0 || !thumb_expand_imm(a->i << 11 | a->imm3 << 8 | a->imm8, &v, &carry))
        return false;
    return dp_imm(x, (unsigned)opc, a->s, rn, rd, v, carry);
}

static inline unsigned imm12_of(unsigned i, unsigned imm3, unsigned imm8) { return i << 11 | imm3 << 8 | imm8; }

bool trans_t32_ADDW(struct xlat *x, const arg_t32_ADDW *a)
{
    unsigned imm = imm12_of(a->i, a->imm3, a->imm8);
    if (bad(a->rd))
        return false;
    if (a->rn == 15) {  /* ADR */
        movi(x, a32_wreg(x, a->rd), (a32_pc_read(x) & ~3u) + imm);
        return true;
    }
    return dp_imm(x, 4, 0, a->rn, a->rd, imm, false);
}

bool trans_t32_SUBW(struct xlat *x, const arg_t32_SUBW *a)
{
    unsigned imm = imm12_of(a->i, a->imm3, a->imm8);
    if (bad(a->rd))
        return false;
    if (a->rn == 15) {
        movi(x, a32_wreg(x, a->rd), (a32_pc_read(x) & ~3u) - imm);
        return true;
    }
    return dp_imm(x, 2, 0, a->rn, a->rd, imm, false);
}

bool trans_t32_MOVW(struct xlat *x, const arg_t32_MOVW *a)
{
    if (bad(a->rd))
        return false;
    movi(x, a32_wreg(x, a->rd), a->imm4 << 12 | imm12_of(a->i, a->imm3, a->imm8));
    return true;
}

bool trans_t32_MOVT(struct xlat *x, const arg_t32_MOVT *a)
{
    if (bad(a->rd))
        return false;
    struct uop *o = emit(x, op_a32_movt);
    o->a = a32_wreg(x, a->rd);
    o->imm = a->imm4 << 12 | imm12_of(a->i, a->imm3, a->imm8);
    return true;
}

bool trans_t32_SSAT(struct xlat *x, const arg_t32_SSAT *a)
{
    unsigned amt = a->imm3 << 2 | a->imm2;
    if (bad(a->rn))
        return false;
    if (a->sh && amt == 0)  /* SSAT16 */
        return !(a->sat & 0x10) && a32_emit_sat16(x, false, (a->sat & 15) + 1, a->rd, a->rn);
    return a32_emit_sat(x, false, a->sat + 1, a->rd, a->rn, a->sh, amt);
}

bool trans_t32_USAT(struct xlat *x, const arg_t32_USAT *a)
{
    unsigned amt = a->imm3 << 2 | a->imm2;
    if (bad(a->rn))
        return false;
    if (a->sh && amt == 0)  /* USAT16 */
        return !(a->sat & 0x10) && a32_emit_sat16(x, true, a->sat & 15, a->rd, a->rn);
    return a32_emit_sat(x, true, a->sat, a->rd, a->rn, a->sh, amt);
}

bool trans_t32_SBFX(struct xlat *x, const arg_t32_SBFX *a)
{
    return a32_emit_bfx(x, true, a->wm1, a->imm3 << 2 | a->imm2, a->rd, a->rn);
}

bool trans_t32_UBFX(struct xlat *x, const arg_t32_UBFX *a)
{
    return a32_emit_bfx(x, false, a->wm1, a->imm3 << 2 | a->imm2, a->rd, a->rn);
}

bool trans_t32_BFI(struct xlat *x, const arg_t32_BFI *a)
{
    unsigned lsb = a->imm3 << 2 | a->imm2;
    if (bad(a->rd) || a->msb < lsb)
        return false;
    struct uop *o = emit(x, op_a32_bfi);
    o->a = a32_wreg(x, a->rd);
    o->b = a->rn == 15 ? REG_ZR : a32_wreg(x, a->rn);
    o->e = (uint8_t)lsb;
    o->imm = (uint32_t)(((2ull << a->msb) - 1) & ~((1ull << lsb) - 1));
    return true;
}

bool trans_t32_SHIFT_reg(struct xlat *x, const arg_t32_SHIFT_reg *a)
{
    if (bad(a->rd) || bad(a->rn) || bad(a->rm))
        return false;
    struct uop tm = { .e = 2, .c = a32_wreg(x, a->rn), .d = a32_wreg(x, a->rm), .f = (uint8_t)a->type };
    return a32_emit_dp(x, 13, a->s, 0, a->rd, &tm);
}

bool trans_t32_EXTEND(struct xlat *x, const arg_t32_EXTEND *a)
{
    static const int8_t ops[8] = { 3, 7, 0, 4, 2, 6, -1, -1 };  /* -> A32 extend ops */
    if (ops[a->op] < 0 || bad(a->rd) || bad(a->rm))
        return false;
    struct uop *o = emit3(x, op_a32_extend, a->rd, a->rn, a->rm);
    o->e = (uint8_t)ops[a->op];
    o->f = (uint8_t)(a->rot * 8);
    return true;
}

bool trans_t32_PARALLEL(struct xlat *x, const arg_t32_PARALLEL *a)
{
    static const int8_t ops[8] = { 4, 0, 1, -1, 7, 3, 2, -1 };  /* -> A32 op2 */
    if (ops[a->op1] < 0 || a->op2 == 3 || bad(a->rd) || bad(a->rn) || bad(a->rm))
        return false;
    struct uop *o = emit3(x, op_a32_parallel, a->rd, a->rn, a->rm);
    o->e = (uint8_t)ops[a->op1];
    o->f = (uint8_t)((a->u ? 4 : 0) | a->op2);
    return true;
}

bool trans_t32_QADDSUB(struct xlat *x, const arg_t32_QADDSUB *a)
{
    static const uint8_t ops[4] = { 0, 2, 1, 3 };   /* QADD QDADD QSUB QDSUB -> A32 op */
    if (bad(a->rd) || bad(a->rn) || bad(a->rm))
        return false;
    emit3(x, op_a32_qaddsub, a->rd, a->rn, a->rm)->e = ops[a->op];
    return true;
}

bool trans_t32_REV(struct xlat *x, const arg_t32_REV *a)
{
    static const uint8_t ops[4] = { UN_REV, UN_REV16, UN_RBIT, UN_REVSH };
    return a->rm == a->rm2 && a32_emit_unary(x, ops[a->op], a->rd, a->rm);
}

bool trans_t32_SEL(struct xlat *x, const arg_t32_SEL *a)
{
    if (bad(a->rd) || bad(a->rn) || bad(a->rm))
        return false;
    emit3(x, op_a32_sel, a->rd, a->rn, a->rm);
    return true;
}

bool trans_t32_CLZ(struct xlat *x, const arg_t32_CLZ *a)
{
    return a->rm == a->rm2 && a32_emit_unary(x, UN_CLZ, a->rd, a->rm);
}

/* ---- 32-bit: multiplies ------------------------------------------------------------------------ */

static bool mul_uop(struct xlat *x, uop_fn fn, unsigned rd, unsigned rn, unsigned rm, int ra, unsigned e, unsigned f)
{
    if (bad(rd) || bad(rn) || bad(rm))
        return false;
    struct uop *o = emit(x, fn);
    o->a = a32_wreg(x, rd);
    o->b = a32_wreg(x, rn);
    o->c = a32_wreg(x, rm);
    o->d = ra < 0 ? REG_ZR : a32_wreg(x, (unsigned)ra);
    o->e = (uint8_t)e;
    o->f = (uint8_t)f;
    return true;
}

bool trans_t32_MUL(struct xlat *x, const arg_t32_MUL *a)
{
    unsigned op2 = a->op2;
    int ra = a->ra == 15 ? -1 : (int)a->ra;
    switch (a->op1) {
    case 0:
        if (op2 == 0)
            return mul_uop(x, op_a32_mul, a->rd, a->rn, a->rm, ra, ra < 0 ? 0 : 1, 0);
        if (op2 == 1 && ra >= 0)
            return mul_uop(x, op_a32_mul, a->rd, a->rn, a->rm, ra, 3, 0);
        return false;
    case 1:     /* SMLAxy / SMULxy: op2 = 00 N M */
        if (op2 >> 2)
            return false;
        return mul_uop(x, op_a32_hmul, a->rd, a->rn, a->rm, ra, ra < 0 ? 3 : 0, (op2 >> 1 & 1) | (op2 & 1) << 1);
    case 3:     /* SMLAWy / SMULWy: op2 = 000 M */
        if (op2 >> 1)
            return false;
        return mul_uop(x, op_a32_hmul, a->rd, a->rn, a->rm, ra, 1, (ra < 0 ? 1 : 0) | (op2 & 1) << 1);
    case 2: case 4:     /* SMLAD/SMUAD, SMLSD/SMUSD */
        if (op2 >> 1)
            return false;
        return mul_uop(x, op_a32_smuld, a->rd, a->rn, a->rm, ra, 0, (a->op1 == 4 ? 2 : 0) | (op2 & 1));
    case 5: case 6:     /* SMMLA/SMMUL, SMMLS */
        if (op2 >> 1 || (a->op1 == 6 && ra < 0))
            return false;
        return mul_uop(x, op_a32_smuld, a->rd, a->rn, a->rm, ra, 5, (a->op1 == 6 ? 2 : 0) | (op2 & 1));
    default:    /* USADA8 / USAD8 */
        if (op2)
            return false;
        return mul_uop(x, op_a32_usada8, a->rd, a->rn, a->rm, ra, 0, 0);
    }
}

bool trans_t32_LMUL(struct xlat *x, const arg_t32_LMUL *a)
{
    unsigned op1 = a->op1, op2 = a->op2, lo = a->rdlo, hi = a->rdhi;
    if (op1 == 1 || op1 == 3) {     /* SDIV, UDIV: Rd in the RdHi field */
        if (op2 != 15 || lo != 15)
            return false;
        return mul_uop(x, op_a32_smuld, hi, a->rn, a->rm, -1, op1, 0);
    }
    if (bad(lo) || hi == lo)
        return false;
    switch (op1) {
    case 0: case 2: case 6:
        if (op2 == 0)
            return mul_uop(x, op_a32_mul, hi, a->rn, a->rm, (int)lo, op1 == 0 ? 6 : op1 == 2 ? 4 : 5, 0);
        if (op1 == 6 && op2 == 6)
            return mul_uop(x, op_a32_mul, hi, a->rn, a->rm, (int)lo, 2, 0);   /* UMAAL */
        return false;
    case 4:
        if (op2 == 0)
            return mul_uop(x, op_a32_mul, hi, a->rn, a->rm, (int)lo, 7, 0);
        if ((op2 >> 2) == 2)    /* SMLALxy: 10 N M */
            return mul_uop(x, op_a32_hmul, hi, a->rn, a->rm, (int)lo, 2, (op2 >> 1 & 1) | (op2 & 1) << 1);
        if ((op2 >> 1) == 6)    /* SMLALD */
            return mul_uop(x, op_a32_smuld, hi, a->rn, a->rm, (int)lo, 4, op2 & 1);
        return false;
    case 5:
        if ((op2 >> 1) == 6)    /* SMLSLD */
            return mul_uop(x, op_a32_smuld, hi, a->rn, a->rm, (int)lo, 4, 2 | (op2 & 1));
        return false;
    default:
        return false;
    }
}

/* ---- 32-bit: loads and stores ------------------------------------------------------------------- */

/* sz/s/l -> handler; NULL: unallocated. */
static uop_fn ld_fn(unsigned s, unsigned sz)
{
    static const uop_fn fns[2][3] = { { op_a32_ldrb, op_a32_ldrh, op_a32_ldr }, { op_a32_ldrsb, op_a32_ldrsh, NULL } };
    return sz < 3 ? fns[s][sz] : NULL;
}

static uop_fn st_fn(unsigned s, unsigned sz)
{
    static const uop_fn fns[3] = { op_a32_strb, op_a32_strh, op_a32_str };
    return (s || sz >= 3) ? NULL : fns[sz];
}

/* Common checks; Rt = 15: a word load is LoadWritePC, a byte/halfword load
 * is a preload hint (PLD/PLI: nothing to do), a store unallocated. *hint is
 * set for the hints. */
static bool single_ok(struct xlat *x, unsigned l, unsigned s, unsigned sz, unsigned rt, uop_fn *fn, bool *hint)
{
    *hint = false;
    *fn = l ? ld_fn(s, sz) : st_fn(s, sz);
    if (!*fn)
        return false;
    if (rt == 15) {
        if (!l)
            return false;
        if (sz < 2) {
            *hint = true;
            return true;
        }
        return pc_write_ok(x);
    }
    return true;
}

static bool single(struct xlat *x, unsigned l, unsigned s, unsigned sz, unsigned rt, unsigned rn, unsigned p,
                   unsigned u, unsigned w, int rm, unsigned imm)
{
    uop_fn fn;
    bool hint;
    if (!single_ok(x, l, s, sz, rt, &fn, &hint))
        return false;
    if (hint)
        return true;
    if ((!p || w) && (rn == 15 || rn == rt))
        return false;
    uint8_t slot = l ? a32_dreg(x, rt) : a32_wreg(x, rt);
    ldst(x, fn, slot, rn, p, u, w, rm, imm);
    if (l && rt == 15)
        a32_emit_bx(x, REG_T0);
    return true;
}

bool trans_t32_LDST_lit(struct xlat *x, const arg_t32_LDST_lit *a)
{
    return single(x, 1, a->s, a->sz, a->rt, 15, 1, a->u, 0, -1, a->imm12);
}

bool trans_t32_LDST_imm12(struct xlat *x, const arg_t32_LDST_imm12 *a)
{
    if (a->rn == 15)
        return false;
    return single(x, a->l, a->s, a->sz, a->rt, a->rn, 1, 1, 0, -1, a->imm12);
}

bool trans_t32_LDST_imm8(struct xlat *x, const arg_t32_LDST_imm8 *a)
{
    if (a->rn == 15 || (!a->p && !a->w))
        return false;
    if (a->p && a->u && !a->w) {
        /* LDRT and friends: plain at EL0, EL0's permissions at EL1. */
        if (ctx_el(x->ctx) > 1 || a->rt == 15)
            return false;
        if (unpriv_applies(x->ctx)) {
            emit(x, op_unpriv_begin);
            if (!single(x, a->l, a->s, a->sz, a->rt, a->rn, 1, 1, 0, -1, a->imm8))
                return false;
            emit(x, op_unpriv_end);
            return true;
        }
    }
    if (a->rt == 15 && !(a->l && a->sz == 2) && !(a->p && !a->u && !a->w))
        return false;   /* only PLD-shaped (negative offset) hints take Rt = 15 */
    return single(x, a->l, a->s, a->sz, a->rt, a->rn, a->p, a->u, a->w, -1, a->imm8);
}

bool trans_t32_LDST_reg(struct xlat *x, const arg_t32_LDST_reg *a)
{
    if (a->rn == 15 || a->rm == 13 || a->rm == 15)
        return false;
    return single(x, a->l, a->s, a->sz, a->rt, a->rn, 1, 1, 0, (int)a->rm, a->imm2);
}

bool trans_t32_LDSTD(struct xlat *x, const arg_t32_LDSTD *a)
{
    unsigned rt = a->rt, rt2 = a->rt2, rn = a->rn;
    bool wback = a->w;
    if (!a->p && !a->w)
        return false;   /* exclusives, table branch */
    if (bad(rt) || bad(rt2) || (a->l && rt == rt2))
        return false;
    if (wback && (rn == 15 || rn == rt || rn == rt2))
        return false;
    if (!a->l && rn == 15)
        return false;
    struct uop *o = a32_emit_ldst(x, a->l ? op_a32_ldrd : op_a32_strd, a->p, a->u, a->w, rn, a32_wreg(x, rt));
    o->e = a32_wreg(x, rt2);
    o->imm = a->imm8 * 4;
    return true;
}

bool trans_t32_LDM(struct xlat *x, const arg_t32_LDM *a)
{
    unsigned list = a->list, rn = a->rn;
    if (a->op == 0 || a->op == 3 || rn == 15)
        return false;   /* op 00/11: SRS and RFE (a32-el1.c) */
    if (__builtin_popcount(list) < 2 || (list >> 13 & 1))
        return false;
    if (a->l ? ((list >> 14 & 1) && (list >> 15 & 1)) : (list >> 15 & 1))
        return false;
    if (a->w && (list >> rn & 1))
        return false;
    if (a->l && (list >> 15 & 1) && !pc_write_ok(x))
        return false;
    ldm(x, a->l, rn, list, a->op == 2, a->op == 1, a->w);
    return true;
}

/* Exclusive address Rn + imm into REG_T1 (imm = 0: Rn itself). */
static uint8_t excl_addr(struct xlat *x, unsigned rn, unsigned imm)
{
    if (!imm)
        return a32_wreg(x, rn);
    struct uop *o = emit(x, a32_dp_fns[4][0]);
    o->a = REG_T1;
    o->b = a32_wreg(x, rn);
    o->imm = imm;
    return REG_T1;
}

bool trans_t32_LDREX(struct xlat *x, const arg_t32_LDREX *a)
{
    if (bad(a->rt) || a->rn == 15)
        return false;
    uint8_t b = excl_addr(x, a->rn, a->imm8 * 4);
    struct uop *o = emit(x, op_a32_ldrex);
    o->a = a32_wreg(x, a->rt);
    o->b = b;
    o->c = REG_SINK;
    o->e = 4;
    o->f = 1;
    return true;
}

bool trans_t32_STREX(struct xlat *x, const arg_t32_STREX *a)
{
    if (bad(a->rd) || bad(a->rt) || a->rn == 15 || a->rd == a->rn || a->rd == a->rt)
        return false;
    uint8_t b = excl_addr(x, a->rn, a->imm8 * 4);
    struct uop *o = emit(x, op_a32_strex);
    o->a = a32_wreg(x, a->rt);
    o->b = b;
    o->c = REG_ZR;
    o->d = a32_wreg(x, a->rd);
    o->e = 4;
    o->f = 1;
    return true;
}

bool trans_t32_EXBHD(struct xlat *x, const arg_t32_EXBHD *a)
{
    static const uint8_t sizes[4] = { 1, 2, 4, 8 };
    unsigned op = a->op, rt = a->rt, rt2 = a->rt2, rd = a->rd, rn = a->rn;
    bool excl, dual;
    unsigned size = sizes[op & 3];
    if (op == 4 || op == 5 || op == 7)
        excl = true;
    else if (op >= 12)
        excl = true;
    else if (op >= 8 && op <= 10)
        excl = false;
    else
        return false;
    dual = size == 8;
    if (rn == 15 || bad(rt) || (dual && (bad(rt2) || (a->l && rt == rt2))))
        return false;
    if (!dual && rt2 != 15)
        return false;
    struct uop *o;
    if (a->l) {
        if (rd != 15)
            return false;
        o = emit(x, op_a32_ldrex);
        o->a = a32_wreg(x, rt);
        o->c = dual ? a32_wreg(x, rt2) : REG_SINK;
    } else {
        if (!excl) {
            if (rd != 15)
                return false;
        } else if (bad(rd) || rd == rn || rd == rt || (dual && rd == rt2)) {
            return false;
        }
        o = emit(x, op_a32_strex);
        o->a = a32_wreg(x, rt);
        o->c = dual ? a32_wreg(x, rt2) : REG_ZR;
        o->d = excl ? a32_wreg(x, rd) : REG_SINK;
    }
    o->b = a32_wreg(x, rn);
    o->e = (uint8_t)size;
    o->f = excl;
    return true;
}

/* TBB/TBH: b = Rn, c = Rm, e = H; imm = PC value (the table base for Rn = PC
 * and the branch origin). */
const struct uop *op_t32_tbb(cpu_t *c, uop_t *u)
{
    uint32_t base = (uint32_t)c->x[u->b], idx = (uint32_t)c->x[u->c];
    uint32_t off = u->e ? (uint32_t)ld16(c, u, (uint32_t)(base + 2 * idx)) : (uint32_t)ld8(c, u, (uint32_t)(base + idx));
    return a32_jump(c, (uint32_t)(u->imm + 2 * off), -1);
}

bool trans_t32_TBB(struct xlat *x, const arg_t32_TBB *a)
{
    if (a->rm == 13 || a->rm == 15 || !pc_write_ok(x))
        return false;
    uint8_t b = a32_rreg(x, a->rn, REG_T1);
    struct uop *o = emit(x, op_t32_tbb);
    o->b = b;
    o->c = a32_wreg(x, a->rm);
    o->e = (uint8_t)a->h;
    o->imm = a32_pc_read(x);
    x->end = true;
    return true;
}

/* ---- 32-bit: branches and control ----------------------------------------------------------------- */

static uint32_t bl_offset(unsigned s, unsigned j1, unsigned j2, unsigned imm10, unsigned imm11)
{
    unsigned i1 = !(j1 ^ s), i2 = !(j2 ^ s);
    uint32_t v = s << 24 | i1 << 23 | i2 << 22 | imm10 << 12 | imm11 << 1;
    return (uint32_t)((int32_t)(v << 7) >> 7);
}

bool trans_t32_B_cond(struct xlat *x, const arg_t32_B_cond *a)
{
    if (a->cond >= 14 || in_it(x))
        return false;
    uint32_t v = a->s << 20 | a->j2 << 19 | a->j1 << 18 | a->imm6 << 12 | a->imm11 << 1;
    uint32_t off = (uint32_t)((int32_t)(v << 11) >> 11);
    struct uop *o = emit(x, op_a32_bcond);
    o->e = (uint8_t)a->cond;
    o->imm = (uint32_t)(a32_pc_read(x) + off) | (uint64_t)next32(x) << 32;
    x->end = true;
    return true;
}

bool trans_t32_B(struct xlat *x, const arg_t32_B *a)
{
    if (!pc_write_ok(x))
        return false;
    branch(x, op_a32_b, a32_pc_read(x) + bl_offset(a->s, a->j1, a->j2, a->imm10, a->imm11), 0);
    return true;
}

bool trans_t32_BL(struct xlat *x, const arg_t32_BL *a)
{
    if (!pc_write_ok(x))
        return false;
    branch(x, op_a32_bl, a32_pc_read(x) + bl_offset(a->s, a->j1, a->j2, a->imm10, a->imm11), next32(x) | 1);
    return true;
}

bool trans_t32_BLX(struct xlat *x, const arg_t32_BLX *a)
{
    if (a->h || !pc_write_ok(x))
        return false;
    uint32_t off = bl_offset(a->s, a->j1, a->j2, a->imm10, a->imm10l << 1);
    branch(x, op_a32_blx_imm, (a32_pc_read(x) & ~3u) + off, next32(x) | 1);
    return true;
}

bool trans_t32_MSR(struct xlat *x, const arg_t32_MSR *a)
{
    if (bad(a->rn))
        return false;
    return a32_emit_msr(x, a->r, a->mask, a32_wreg(x, a->rn), 0);
}

bool trans_t32_MRS(struct xlat *x, const arg_t32_MRS *a)
{
    if (bad(a->rd))
        return false;
    return a32_trans_mrs(x, a->r, a32_wreg(x, a->rd));
}

bool trans_t32_HINT(struct xlat *x, const arg_t32_HINT *a)
{
    return a32_trans_hint(x, a->op, 4);
}

/* SUBS PC, LR, #imm8 (ERET with imm8 = 0): LR - imm8 into REG_T0, then an
 * exception return.  Outside an IT block or last in it. */
bool trans_t32_SUBS_PC_LR(struct xlat *x, const arg_t32_SUBS_PC_LR *a)
{
    if (((x->it & 0xf) && (x->it & 0xf) != 8) || ctx_el(x->ctx) != 1)
        return false;
    struct uop *u = emit(x, a32_dp_fns[2][0]);
    u->a = REG_T0;
    u->b = a32_wreg(x, 14);
    u->imm = a->imm8;
    u->e = 0;
    return a32_trans_excret(x, REG_T0);
}

bool trans_t32_BARRIER(struct xlat *x, const arg_t32_BARRIER *a)
{
    switch (a->op) {
    case 2:
        emit(x, op_a32_clrex);
        return true;
    case 4: case 5:
        emit(x, op_a32_fence);
        return true;
    case 6: {
        emit(x, op_a32_fence);
        struct uop *o = emit(x, op_a32_goto);
        o->imm = next32(x);
        x->end = true;
        return true;
    }
    default:
        return false;
    }
}

/* ---- the translator loop ----------------------------------------------------------------------------- */

#include "t16-decode.inc"
#include "t32-decode.inc"

static void setit(struct xlat *x, unsigned it)
{
    emit(x, op_a32_setit)->imm = (uint64_t)it << CTX_IT_SHIFT;
}

/* ITAdvance. */
static inline unsigned it_advance(unsigned it)
{
    return (it & 7) == 0 ? 0 : (it & 0xe0) | ((it << 1) & 0x1f);
}

unsigned t32_translate(struct xlat *x, const uint8_t *host, unsigned off, unsigned max_insns)
{
    uint64_t pc = x->block_pc;
    unsigned it = (x->ctx & CTX_IT_MASK) >> CTX_IT_SHIFT;  /* ITSTATE of the next instruction */
    unsigned held = it;     /* the ITSTATE the CPU holds at this point of the block */
    unsigned bytes = 0, n = 0, last = 0;    /* last: start of the previous instruction */
    for (;;) {
        uint16_t hw1, hw2 = 0;
        memcpy(&hw1, host + off + bytes, 2);
        bool wide = (hw1 >> 11) >= 0x1d;
        x->pc = pc + bytes;
        x->idx = bytes / 2;
        if (wide) {
            if (off + bytes + 2 >= TLB_PAGE_SIZE) {
                if (n) {    /* end the block before an instruction that crosses the page */
                    if (it != held)
                        setit(x, it);
                    x->idx = last / 2;
                    emit(x, op_a32_goto)->imm = pc + bytes;
                    break;
                }
                memcpy(&hw2, xlat_fetch_page(x, x->pc + 2), 2);
            } else {
                memcpy(&hw2, host + off + bytes + 2, 2);
            }
        }
        uint32_t insn = wide ? (uint32_t)hw1 << 16 | hw2 : hw1;
        x->insn = insn;
        x->it = (uint16_t)it;
        x->it_next = 0;
        if (it != held) {
            setit(x, it);
            held = it;
        }
        unsigned cond = (it & 0xf) ? it >> 4 : 14;
        unsigned before = x->nuops, skip = 0;
        if (cond != 14) {
            skip = x->nuops;
            emit(x, op_a32_skip)->e = (uint8_t)cond;
        }
        /* VFP words are the A32 ones (1110: always/IT, 1111: unconditional);
         * Advanced SIMD ones are turned into their A32 form. */
        uint32_t neon = wide ? t32_neon_to_a32(insn) : 0;
        bool ok = !wide ? t16_decode_insn(x, insn)
                  : neon ? a32_neon_insn(x, neon)
                  : a32_vfp_space(insn) ? a32_vfp_translate(x, insn) : t32_decode_insn(x, insn);
        unsigned next = x->it_next ? (x->it_next & 0xff) : it_advance(it);
        unsigned size = wide ? 4 : 2;
        if (!ok) {
            x->nuops = before;
            emit(x, op_undef);
            x->end = true;
        } else if (x->end) {
            /* The ITSTATE after the instruction, before its final uop (a
             * branch or exception) and on the skip's landing. */
            if (next != held) {
                struct uop last = x->uops[x->nuops - 1];
                x->nuops--;
                setit(x, next);
                *emit(x, last.fn) = last;
            }
            unsigned tail = x->nuops;
            if (cond != 14) {
                if (next != held)
                    setit(x, next);
                emit(x, op_a32_goto)->imm = pc + bytes + size;
                x->uops[skip].imm = tail - skip - 1;
            }
        } else if (cond != 14) {
            x->uops[skip].imm = x->nuops - skip - 1;
        }
        last = bytes;
        bytes += size;
        n++;
        if (x->end)
            break;
        it = next;
        if (off + bytes >= TLB_PAGE_SIZE || n >= max_insns || x->cap - x->nuops < 16) {
            if (it != held)
                setit(x, it);
            x->idx = last / 2;
            emit(x, op_a32_goto)->imm = pc + bytes;
            break;
        }
    }
    return n;
}

bool trans_t32_MCR(struct xlat *x, const arg_t32_MCR *a)
{
    return a32_trans_cp(x, a->cp, false, a->l, a->opc1, a->crn, a->crm, a->opc2, a->rt, 0);
}

bool trans_t32_MCRR(struct xlat *x, const arg_t32_MCRR *a)
{
    return a32_trans_cp(x, a->cp, true, a->l, a->opc1, 0, a->crm, 0, a->rt, a->rt2);
}
