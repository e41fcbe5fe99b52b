/* AArch32: the A32 instruction set (integer) and the uops T32 shares (t32.c),
 * translated like A64.  See docs/aarch32.md for how AArch32 state lives in
 * struct cpu.
 *
 *  - Registers: R0-R14 of the current mode are X slots chosen at translation
 *    time by the architectural mapping (a32_slot); the mode is part of the
 *    translation context.  Values are kept zero-extended to 64 bits.
 *  - A read of the PC becomes a constant (its value is known when
 *    translating) moved into REG_T0/REG_T1; a result bound for the PC goes to
 *    REG_T0 and a branch uop follows.
 *  - Conditional execution: a skip uop in front of the instruction's uops
 *    (op_a32_skip); a conditional instruction that ends the block is followed
 *    by a goto to the next instruction, where the skip lands.
 *  - Block ends check that the AArch32 state in the context (T, ITSTATE) is
 *    unchanged before chaining; otherwise they return to the dispatcher,
 *    which looks the next block up in the new context.
 */
#include "a32-internal.h"
#include "a32-decode.h"
#include "a32u-decode.h"

/* ---- state ------------------------------------------------------------------ */

void cpu_a32_enter(struct cpu *c, uint32_t pc, uint32_t cpsr)
{
    uint32_t it = (cpsr >> 25 & 3) | (cpsr >> 10 & 0x3f) << 2;
    c->nzcv = cpsr & 0xf0000000u;
    c->a32.q = cpsr >> 27 & 1;
    c->a32.ge = cpsr >> 16 & 0xf;
    c->a32.ctx = CTX_A32 | ((cpsr & 0x20) ? CTX_T32 : 0) | it << CTX_IT_SHIFT | (cpsr & 0xf) << CTX_M_SHIFT;
    c->pc = pc;
}

uint32_t cpu_a32_cpsr(const struct cpu *c)
{
    uint32_t ctx = c->a32.ctx, it = (ctx & CTX_IT_MASK) >> CTX_IT_SHIFT;
    return c->nzcv | c->a32.q << 27 | (it & 3) << 25 | c->a32.ge << 16 | (it >> 2) << 10 |
           ((ctx & CTX_T32) ? 0x20u : 0) | 0x10u | (ctx & CTX_M_MASK) >> CTX_M_SHIFT;
}

static inline uint32_t R(const cpu_t *c, unsigned slot) { return (uint32_t)c->x[slot]; }

static inline uint64_t a32_pc(const cpu_t *c, uop_t *u) { return uop_pc_any(c, u); }

/* ---- block control -------------------------------------------------------------- */

/* Continue at pc: chain while the AArch32 state of the context is unchanged
 * (slot as for chain_to; -1 for computed targets). */
static inline const struct uop *a32_chain(cpu_t *c, uint64_t pc, int slot)
{
    if (likely(((c->blk->ctx ^ c->a32.ctx) & CTX_A32_STATE) == 0))
        return slot >= 0 ? chain_direct(c, pc, slot) : chain_to(c, pc, -1);
    c->pc = pc;
    return NULL;
}

const struct uop *a32_jump(cpu_t *c, uint64_t pc, int slot)
{
    return a32_chain(c, pc, slot);
}

/* Next instruction: pc = imm. */
const struct uop *op_a32_goto(cpu_t *c, uop_t *u)
{
    return a32_chain(c, u->imm, 1);
}

/* ITSTATE for the next instruction (T32): imm, in context position. */
const struct uop *op_a32_setit(cpu_t *c, uop_t *u)
{
    c->a32.ctx = (c->a32.ctx & ~CTX_IT_MASK) | (uint32_t)u->imm;
    return u + 1;
}

/* Condition e fails: skip the imm uops of this instruction. */
const struct uop *op_a32_skip(cpu_t *c, uop_t *u)
{
    return cond_holds(c->nzcv, u->e) ? u + 1 : u + 1 + u->imm;
}

/* x[a] = imm (PC operands). */
const struct uop *op_a32_movi(cpu_t *c, uop_t *u)
{
    c->x[u->a] = u->imm;
    return u + 1;
}

/* Branch uops carry the pcs they need, known when translating: imm<31:0>
 * is the target, imm<63:32> the return address (BL, BLX) or the next
 * instruction (conditional B). */

/* B to imm. */
const struct uop *op_a32_b(cpu_t *c, uop_t *u)
{
    return a32_chain(c, (uint32_t)u->imm, 0);
}

/* BL: x[a] = return address. */
const struct uop *op_a32_bl(cpu_t *c, uop_t *u)
{
    c->x[u->a] = (uint32_t)(u->imm >> 32);
    return a32_chain(c, (uint32_t)u->imm, 0);
}

/* BLX (immediate): BL that changes the instruction set. */
const struct uop *op_a32_blx_imm(cpu_t *c, uop_t *u)
{
    c->x[u->a] = (uint32_t)(u->imm >> 32);
    c->a32.ctx ^= CTX_T32;
    return a32_chain(c, (uint32_t)u->imm, 0);
}

/* Conditional B (cond e): taken (slot 0), else the next insn (slot 1). */
const struct uop *op_a32_bcond(cpu_t *c, uop_t *u)
{
    if (cond_holds(c->nzcv, u->e))
        return a32_chain(c, (uint32_t)u->imm, 0);
    return a32_chain(c, (uint32_t)(u->imm >> 32), 1);
}

/* BranchWritePC(x[b]) in T32 (ADD/MOV PC): no change of instruction set. */
const struct uop *op_t32_bwp(cpu_t *c, uop_t *u)
{
    return a32_chain(c, R(c, u->b) & ~1u, -1);
}

/* BXWritePC(x[b]): interworking branch (BX, BLX, loads of the PC, A32
 * data-processing writes to the PC).  BLX (f): x[a] = imm, the return
 * address. */
const struct uop *op_a32_bx(cpu_t *c, uop_t *u)
{
    uint32_t t = R(c, u->b);
    if (u->f)
        c->x[u->a] = (uint32_t)u->imm;
    if (t & 1) {
        c->a32.ctx |= CTX_T32;
        t &= ~1u;
    } else {
        /* <1:0> = 10 in A32 is CONSTRAINED UNPREDICTABLE: bit 1 is treated
         * as zero here. */
        c->a32.ctx &= ~CTX_T32;
        t &= ~3u;
    }
    return a32_chain(c, t, -1);
}

/* ---- shifter ------------------------------------------------------------------------ */

/* Shift_C: type 0 LSL 1 LSR 2 ASR 3 ROR, A32_SHIFT_RRX; amt as the
 * instruction gives it (immediate already decoded, or Rs<7:0>). */
static inline uint32_t a32_shift_c(uint32_t v, unsigned type, unsigned amt, uint32_t cin, uint32_t *cout)
{
    switch (type) {
    case 0:
        if (amt == 0) { *cout = cin; return v; }
        if (amt < 32) { *cout = v >> (32 - amt) & 1; return v << amt; }
        *cout = amt == 32 ? (v & 1) : 0;
        return 0;
    case 1:
        if (amt == 0) { *cout = cin; return v; }
        if (amt < 32) { *cout = v >> (amt - 1) & 1; return v >> amt; }
        *cout = amt == 32 ? v >> 31 : 0;
        return 0;
    case 2:
        if (amt == 0) { *cout = cin; return v; }
        if (amt < 32) { *cout = v >> (amt - 1) & 1; return (uint32_t)((int32_t)v >> amt); }
        *cout = v >> 31;
        return (uint32_t)((int32_t)v >> 31);
    case 3:
        if (amt == 0) { *cout = cin; return v; }
        amt &= 31;
        if (amt)
            v = v >> amt | v << (32 - amt);
        *cout = v >> 31;
        return v;
    default:    /* RRX */
        *cout = v & 1;
        return cin << 31 | v >> 1;
    }
}

/* ---- data processing ------------------------------------------------------------------ */

/* Operand 2 of a data-processing uop by form e: 0 immediate (imm; f = 1:
 * its carry out is bit 31, else C), 1 register c shifted by type f, amount
 * d, 2 register c shifted by type f by register d. */
static inline uint32_t dp_operand(cpu_t *c, uop_t *u, uint32_t *carry)
{
    uint32_t cin = c->nzcv >> 29 & 1;
    switch (u->e) {
    case 0:
        *carry = u->f ? (uint32_t)(u->imm >> 31 & 1) : cin;
        return (uint32_t)u->imm;
    case 1:
        return a32_shift_c(R(c, u->c), u->f, u->d, cin, carry);
    default:
        return a32_shift_c(R(c, u->c), u->f, R(c, u->d) & 0xff, cin, carry);
    }
}

static inline uint32_t nz32(uint32_t r) { return (r & 0x80000000u) | (r == 0) << 30; }

/* 16 opcodes x S: AND EOR SUB RSB ADD ADC SBC RSC TST TEQ CMP CMN ORR MOV BIC MVN.
 * a = Rd, b = Rn. */
#define DP_LOGIC(name, expr, write)                                                        \
    const struct uop *op_a32_##name(cpu_t *c, uop_t *u)                             \
    {                                                                                      \
        uint32_t sc, m = dp_operand(c, u, &sc), n = R(c, u->b);                            \
        (void)n;                                                                           \
        uint32_t r = (expr);                                                               \
        if (write)                                                                         \
            c->x[u->a] = r;                                                                \
        return u + 1;                                                                      \
    }                                                                                      \
    const struct uop *op_a32_##name##s(cpu_t *c, uop_t *u)                          \
    {                                                                                      \
        uint32_t sc, m = dp_operand(c, u, &sc), n = R(c, u->b);                            \
        (void)n;                                                                           \
        uint32_t r = (expr);                                                               \
        if (write)                                                                         \
            c->x[u->a] = r;                                                                \
        c->nzcv = nz32(r) | sc << 29 | (c->nzcv & NZCV_V);                                 \
        return u + 1;                                                                      \
    }
/* x + y + carry, with the flags of AddWithCarry. */
#define DP_ARITH(name, X, Y, CIN, write)                                                   \
    const struct uop *op_a32_##name(cpu_t *c, uop_t *u)                             \
    {                                                                                      \
        uint32_t sc, m = dp_operand(c, u, &sc), n = R(c, u->b), r;                         \
        (void)n, (void)m;                                                                  \
        (void)nzcv_add32((X), (Y), (CIN), &r);                                             \
        if (write)                                                                         \
            c->x[u->a] = r;                                                                \
        return u + 1;                                                                      \
    }                                                                                      \
    const struct uop *op_a32_##name##s(cpu_t *c, uop_t *u)                          \
    {                                                                                      \
        uint32_t sc, m = dp_operand(c, u, &sc), n = R(c, u->b), r;                         \
        (void)n, (void)m;                                                                  \
        c->nzcv = nzcv_add32((X), (Y), (CIN), &r);                                         \
        if (write)                                                                         \
            c->x[u->a] = r;                                                                \
        return u + 1;                                                                      \
    }
#define CF (c->nzcv >> 29 & 1)
DP_LOGIC(and, n & m, 1)
DP_LOGIC(eor, n ^ m, 1)
DP_ARITH(sub, n, ~m, 1, 1)
DP_ARITH(rsb, m, ~n, 1, 1)
DP_ARITH(add, n, m, 0, 1)
DP_ARITH(adc, n, m, CF, 1)
DP_ARITH(sbc, n, ~m, CF, 1)
DP_ARITH(rsc, m, ~n, CF, 1)
DP_LOGIC(tst, n & m, 0)
DP_LOGIC(teq, n ^ m, 0)
DP_ARITH(cmp, n, ~m, 1, 0)
DP_ARITH(cmn, n, m, 0, 0)
DP_LOGIC(orr, n | m, 1)
DP_LOGIC(mov, m, 1)
DP_LOGIC(bic, n & ~m, 1)
DP_LOGIC(mvn, ~m, 1)
DP_LOGIC(orn, n | ~m, 1)
#undef CF

const uop_fn a32_dp_fns[17][2] = {
    { op_a32_and, op_a32_ands }, { op_a32_eor, op_a32_eors }, { op_a32_sub, op_a32_subs },
    { op_a32_rsb, op_a32_rsbs }, { op_a32_add, op_a32_adds }, { op_a32_adc, op_a32_adcs },
    { op_a32_sbc, op_a32_sbcs }, { op_a32_rsc, op_a32_rscs }, { op_a32_tst, op_a32_tsts },
    { op_a32_teq, op_a32_teqs }, { op_a32_cmp, op_a32_cmps }, { op_a32_cmn, op_a32_cmns },
    { op_a32_orr, op_a32_orrs }, { op_a32_mov, op_a32_movs }, { op_a32_bic, op_a32_bics },
    { op_a32_mvn, op_a32_mvns }, { op_a32_orn, op_a32_orns },
};

/* ---- translation helpers ---------------------------------------------------------------- */




/* Slot holding the value of R<r> for reading: the PC is a constant put into
 * the temporary tmp. */
uint8_t a32_rreg(struct xlat *x, unsigned r, unsigned tmp)
{
    if (r != 15)
        return a32_wreg(x, r);
    struct uop *u = emit(x, op_a32_movi);
    u->a = (uint8_t)tmp;
    u->imm = a32_pc_read(x);
    return (uint8_t)tmp;
}

/* The PC with Align(PC, 4) (literal loads, ADR) into tmp. */
uint8_t a32_rreg_aligned(struct xlat *x, unsigned r, unsigned tmp)
{
    if (r != 15)
        return a32_wreg(x, r);
    struct uop *u = emit(x, op_a32_movi);
    u->a = (uint8_t)tmp;
    u->imm = a32_pc_read(x) & ~3u;
    return (uint8_t)tmp;
}

/* BXWritePC from slot: ends the block. */
void a32_emit_bx(struct xlat *x, unsigned slot)
{
    emit(x, op_a32_bx)->b = (uint8_t)slot;
    x->end = true;
}


bool a32_emit_dp(struct xlat *x, unsigned opc, unsigned s, unsigned rn, unsigned rd, struct uop *tmpl)
{
    bool test = opc >= 8 && opc <= 11;
    if (rd == 15 && s && !test) {
        /* SUBS PC, LR and the other A32 forms: an exception return with
         * the result (EL1 modes with an SPSR; UNPREDICTABLE elsewhere). */
        if (a32_ctx_t32(x) || ctx_el(x->ctx) != 1)
            return false;
        uint8_t b = (opc == 13 || opc == 15) ? REG_ZR : a32_rreg(x, rn, REG_T1);
        struct uop *u = emit(x, a32_dp_fns[opc][0]);
        *u = (struct uop){ .fn = u->fn, .imm = tmpl->imm, .insn = u->insn, .idx = u->idx, .a = REG_T0, .b = b,
                           .c = tmpl->c, .d = tmpl->d, .e = tmpl->e, .f = tmpl->f };
        return a32_trans_excret(x, REG_T0);
    }
    uint8_t b = (opc == 13 || opc == 15) ? REG_ZR : a32_rreg(x, rn, REG_T1);
    struct uop *u = emit(x, a32_dp_fns[opc][s]);
    uint8_t c = tmpl->c, d = tmpl->d;
    *u = (struct uop){ .fn = u->fn, .imm = tmpl->imm, .insn = u->insn, .idx = u->idx,
                       .a = test ? REG_SINK : a32_dreg(x, rd), .b = b, .c = c, .d = d, .e = tmpl->e, .f = tmpl->f };
    if (rd == 15 && !test) {
        if (a32_ctx_t32(x)) {
            emit(x, op_t32_bwp)->b = REG_T0;
            x->end = true;
        } else {
            a32_emit_bx(x, REG_T0);
        }
    }
    return true;
}

bool trans_a32_DP_imm(struct xlat *x, const arg_a32_DP_imm *a)
{
    if (a->opc >= 8 && a->opc <= 11 && !a->s)
        return false;
    unsigned rot = a->rot * 2;
    uint32_t imm = rot ? (a->imm8 >> rot | a->imm8 << (32 - rot)) : a->imm8;
    /* ADD/SUB with Rn = PC read Align(PC, 4) (ADR); in A32 PC+8 is aligned. */
    struct uop t = { .imm = imm, .e = 0, .f = rot != 0 };
    return a32_emit_dp(x, a->opc, a->s, a->rn, a->rd, &t);
}

bool trans_a32_DP_reg(struct xlat *x, const arg_a32_DP_reg *a)
{
    if (a->opc >= 8 && a->opc <= 11 && !a->s)
        return false;
    unsigned type, amt = a32_imm_shift_amount(a->type, a->imm5, &type);
    /* rm is read before rn's temporary: both may be the PC (same value). */
    struct uop t = { .e = 1, .c = a32_rreg(x, a->rm, REG_T0), .d = (uint8_t)amt, .f = (uint8_t)type };
    return a32_emit_dp(x, a->opc, a->s, a->rn, a->rd, &t);
}

bool trans_a32_DP_rsr(struct xlat *x, const arg_a32_DP_rsr *a)
{
    if (a->opc >= 8 && a->opc <= 11 && !a->s)
        return false;
    if (a->rd == 15 || a->rn == 15 || a->rm == 15 || a->rs == 15)
        return false;   /* UNPREDICTABLE */
    struct uop t = { .e = 2, .c = a32_wreg(x, a->rm), .d = a32_wreg(x, a->rs), .f = (uint8_t)a->type };
    return a32_emit_dp(x, a->opc, a->s, a->rn, a->rd, &t);
}

const struct uop *op_a32_movt(cpu_t *c, uop_t *u)
{
    c->x[u->a] = (R(c, u->a) & 0xffff) | (uint32_t)u->imm << 16;
    return u + 1;
}

bool trans_a32_MOVW(struct xlat *x, const arg_a32_MOVW *a)
{
    if (a->rd == 15)
        return false;
    struct uop *u = emit(x, op_a32_movi);
    u->a = a32_wreg(x, a->rd);
    u->imm = a->imm4 << 12 | a->imm12;
    return true;
}

bool trans_a32_MOVT(struct xlat *x, const arg_a32_MOVT *a)
{
    if (a->rd == 15)
        return false;
    struct uop *u = emit(x, op_a32_movt);
    u->a = a32_wreg(x, a->rd);
    u->imm = a->imm4 << 12 | a->imm12;
    return true;
}

/* ---- multiplies ------------------------------------------------------------------------- */

/* a = Rd (RdHi), b = Rn, c = Rm, d = Ra (RdLo); e = op, f = S. */
const struct uop *op_a32_mul(cpu_t *c, uop_t *u)
{
    uint32_t n = R(c, u->b), m = R(c, u->c), acc = R(c, u->d), hi = R(c, u->a);
    uint32_t r = 0;
    uint64_t r64 = 0;
    bool wide = false;
    switch (u->e) {
    case 0: r = n * m; break;
    case 1: r = n * m + acc; break;
    case 2: r64 = (uint64_t)n * m + hi + acc; wide = true; break;                 /* UMAAL */
    case 3: r = acc - n * m; break;
    case 4: r64 = (uint64_t)n * m; wide = true; break;
    case 5: r64 = (uint64_t)n * m + ((uint64_t)hi << 32 | acc); wide = true; break;
    case 6: r64 = (uint64_t)((int64_t)(int32_t)n * (int32_t)m); wide = true; break;
    default: r64 = (uint64_t)((int64_t)(int32_t)n * (int32_t)m) + ((uint64_t)hi << 32 | acc); wide = true; break;
    }
    if (wide) {
        c->x[u->d] = (uint32_t)r64;
        c->x[u->a] = (uint32_t)(r64 >> 32);
        if (u->f)
            c->nzcv = (uint32_t)(r64 >> 32 & 0x80000000u) | (r64 == 0) << 30 | (c->nzcv & (NZCV_C | NZCV_V));
    } else {
        c->x[u->a] = r;
        if (u->f)
            c->nzcv = nz32(r) | (c->nzcv & (NZCV_C | NZCV_V));
    }
    return u + 1;
}

bool trans_a32_MUL(struct xlat *x, const arg_a32_MUL *a)
{
    if (a->s && (a->op == 2 || a->op == 3))
        return false;
    if (a->rd == 15 || a->rn == 15 || a->rm == 15)
        return false;
    bool wide = a->op >= 4 || a->op == 2;
    if ((wide || a->op & 1) && a->ra == 15)
        return false;
    if (wide && a->ra == a->rd)
        return false;   /* RdHi == RdLo: UNPREDICTABLE */
    struct uop *u = emit(x, op_a32_mul);
    u->a = a32_wreg(x, a->rd);
    u->b = a32_wreg(x, a->rn);
    u->c = a32_wreg(x, a->rm);
    u->d = (wide || a->op & 1) ? a32_wreg(x, a->ra) : REG_ZR;
    u->e = (uint8_t)a->op;
    u->f = (uint8_t)a->s;
    return true;
}

/* Halfword multiplies: e = op (00 SMLAxy 01 SMLAWy/SMULWy 10 SMLALxy 11
 * SMULxy); f bit 0 = N (top half of Rn), bit 1 = M (top of Rm); a = Rd/RdHi,
 * d = Ra/RdLo. */
const struct uop *op_a32_hmul(cpu_t *c, uop_t *u)
{
    int32_t n = (int32_t)R(c, u->b), m = (int32_t)R(c, u->c);
    int32_t nh = (int16_t)((u->f & 1) ? n >> 16 : n), mh = (int16_t)((u->f & 2) ? m >> 16 : m);
    switch (u->e) {
    case 0: {
        int64_t r = (int64_t)nh * mh + (int32_t)R(c, u->d);
        c->x[u->a] = (uint32_t)r;
        if (r != (int32_t)r)
            c->a32.q = 1;
        break;
    }
    case 1: {
        int64_t r = (int64_t)n * mh;
        if (!(u->f & 1))   /* SMLAWy: N = 0; SMULWy: N = 1 */
            r += (int64_t)(int32_t)R(c, u->d) * 65536;
        int64_t res = r >> 16;
        c->x[u->a] = (uint32_t)res;
        if (res != (int32_t)res)
            c->a32.q = 1;
        break;
    }
    case 2: {
        uint64_t acc = (uint64_t)R(c, u->a) << 32 | R(c, u->d);
        uint64_t r = acc + (uint64_t)((int64_t)nh * mh);
        c->x[u->d] = (uint32_t)r;
        c->x[u->a] = (uint32_t)(r >> 32);
        break;
    }
    default:
        c->x[u->a] = (uint32_t)(nh * mh);
        break;
    }
    return u + 1;
}

bool trans_a32_HMUL(struct xlat *x, const arg_a32_HMUL *a)
{
    if (a->rd == 15 || a->rn == 15 || a->rm == 15)
        return false;
    bool uses_ra = a->op == 0 || a->op == 2 || (a->op == 1 && !a->n);
    if (uses_ra && a->ra == 15)
        return false;
    if (a->op == 2 && a->ra == a->rd)
        return false;
    struct uop *u = emit(x, op_a32_hmul);
    u->a = a32_wreg(x, a->rd);
    u->b = a32_wreg(x, a->rn);
    u->c = a32_wreg(x, a->rm);
    u->d = uses_ra ? a32_wreg(x, a->ra) : REG_ZR;
    u->e = (uint8_t)a->op;
    u->f = (uint8_t)(a->n | a->m << 1);
    return true;
}

/* Dual and most-significant-word multiplies, divides.  e = op1, f = op2;
 * a = Rd/RdHi, d = Ra/RdLo (REG_ZR when absent). */
const struct uop *op_a32_smuld(cpu_t *c, uop_t *u)
{
    uint32_t n = R(c, u->b), m = R(c, u->c);
    if ((u->f & 1) && (u->e == 0 || u->e == 4))
        m = m >> 16 | m << 16;  /* M: swap the halves of Rm */
    int64_t p1 = (int64_t)(int16_t)n * (int16_t)m, p2 = (int64_t)(int16_t)(n >> 16) * (int16_t)(m >> 16);
    switch (u->e) {
    case 0: {   /* SMLAD/SMUAD (op2 00M), SMLSD/SMUSD (01M) */
        int64_t r = ((u->f & 2) ? p1 - p2 : p1 + p2) + (int32_t)R(c, u->d);
        c->x[u->a] = (uint32_t)r;
        if (r != (int32_t)r)
            c->a32.q = 1;
        break;
    }
    case 4: {   /* SMLALD, SMLSLD */
        uint64_t acc = (uint64_t)R(c, u->a) << 32 | R(c, u->d);
        uint64_t r = acc + (uint64_t)((u->f & 2) ? p1 - p2 : p1 + p2);
        c->x[u->d] = (uint32_t)r;
        c->x[u->a] = (uint32_t)(r >> 32);
        break;
    }
    case 5: {   /* SMMLA/SMMUL (00R), SMMLS (11R) */
        int64_t prod = (int64_t)(int32_t)n * (int32_t)m;
        uint64_t r = (uint64_t)R(c, u->d) << 32;
        r = (u->f & 2) ? r - (uint64_t)prod : r + (uint64_t)prod;
        if (u->f & 1)
            r += 0x80000000u;
        c->x[u->a] = (uint32_t)(r >> 32);
        break;
    }
    case 1: {   /* SDIV: RoundTowardsZero; x / 0 = 0 */
        int32_t sn = (int32_t)n, sm = (int32_t)m;
        c->x[u->a] = sm == 0 ? 0 : (sn == INT32_MIN && sm == -1) ? (uint32_t)sn : (uint32_t)(sn / sm);
        break;
    }
    default:    /* UDIV */
        c->x[u->a] = m == 0 ? 0 : n / m;
        break;
    }
    return u + 1;
}

bool trans_a32_SMULD(struct xlat *x, const arg_a32_SMULD *a)
{
    unsigned op1 = a->op1, op2 = a->op2;
    bool ok;
    switch (op1) {
    case 0: case 4: ok = op2 < 4; break;
    case 5: ok = op2 < 2 || op2 >= 6; break;
    case 1: case 3: ok = op2 == 0 && a->ra == 15; break;
    default: ok = false;
    }
    if (!ok || a->rd == 15 || a->rn == 15 || a->rm == 15)
        return false;
    if (op1 == 4 && (a->ra == 15 || a->ra == a->rd))
        return false;
    if (op1 == 5 && op2 >= 6 && a->ra == 15)
        return false;   /* SMMLS needs Ra */
    struct uop *u = emit(x, op_a32_smuld);
    u->a = a32_wreg(x, a->rd);
    u->b = a32_wreg(x, a->rn);
    u->c = a32_wreg(x, a->rm);
    u->d = (a->ra == 15 || op1 == 1 || op1 == 3) ? REG_ZR : a32_wreg(x, a->ra);
    u->e = (uint8_t)op1;
    u->f = (uint8_t)(op1 == 5 ? ((op2 >= 6 ? 2 : 0) | (op2 & 1)) : op2);
    return true;
}

const struct uop *op_a32_usada8(cpu_t *c, uop_t *u)
{
    uint32_t n = R(c, u->b), m = R(c, u->c), s = R(c, u->d);
    for (int i = 0; i < 32; i += 8) {
        int d = (int)(n >> i & 0xff) - (int)(m >> i & 0xff);
        s += (uint32_t)(d < 0 ? -d : d);
    }
    c->x[u->a] = s;
    return u + 1;
}

/* The common Rd, Rn, Rm form: none may be the PC (UNPREDICTABLE, taken as
 * UNDEFINED).  NULL when one is. */
static struct uop *emit_rrr(struct xlat *x, uop_fn fn, unsigned rd, unsigned rn, unsigned rm)
{
    if (rd == 15 || rn == 15 || rm == 15)
        return NULL;
    struct uop *u = emit(x, fn);
    u->a = a32_wreg(x, rd);
    u->b = a32_wreg(x, rn);
    u->c = a32_wreg(x, rm);
    return u;
}

bool trans_a32_USADA8(struct xlat *x, const arg_a32_USADA8 *a)
{
    struct uop *u = emit_rrr(x, op_a32_usada8, a->rd, a->rn, a->rm);
    if (!u)
        return false;
    u->d = a->ra == 15 ? REG_ZR : a32_wreg(x, a->ra);
    return true;
}

/* ---- miscellaneous data processing ---------------------------------------------------------- */

/* One-operand operations: e selects, a = Rd, b = Rm. */
const struct uop *op_a32_unary(cpu_t *c, uop_t *u)
{
    uint32_t m = R(c, u->b), r;
    switch (u->e) {
    case UN_CLZ: r = m ? (uint32_t)__builtin_clz(m) : 32; break;
    case UN_REV: r = __builtin_bswap32(m); break;
    case UN_REV16: r = (m & 0xff00ff00u) >> 8 | (m & 0x00ff00ffu) << 8; break;
    case UN_RBIT:
        r = m;
        r = (r & 0x55555555u) << 1 | (r >> 1 & 0x55555555u);
        r = (r & 0x33333333u) << 2 | (r >> 2 & 0x33333333u);
        r = (r & 0x0f0f0f0fu) << 4 | (r >> 4 & 0x0f0f0f0fu);
        r = __builtin_bswap32(r);
        break;
    default: r = (uint32_t)(int32_t)(int16_t)((m & 0xff) << 8 | (m >> 8 & 0xff)); break;
    }
    c->x[u->a] = r;
    return u + 1;
}

bool a32_emit_unary(struct xlat *x, unsigned op, unsigned rd, unsigned rm)
{
    if (rd == 15 || rm == 15)
        return false;
    struct uop *u = emit(x, op_a32_unary);
    u->a = a32_wreg(x, rd);
    u->b = a32_wreg(x, rm);
    u->e = (uint8_t)op;
    return true;
}

bool trans_a32_CLZ(struct xlat *x, const arg_a32_CLZ *a) { return a32_emit_unary(x, UN_CLZ, a->rd, a->rm); }

bool trans_a32_REV(struct xlat *x, const arg_a32_REV *a)
{
    static const uint8_t ops[4] = { UN_REV, UN_REV16, UN_RBIT, UN_REVSH };
    return a32_emit_unary(x, ops[a->o1 << 1 | a->o2], a->rd, a->rm);
}

/* Saturation helpers: set Q when the value does not fit. */
static inline int32_t ssat(cpu_t *c, int64_t v, unsigned bits)
{
    int64_t hi = (1ll << (bits - 1)) - 1, lo = -(1ll << (bits - 1));
    if (v > hi) { c->a32.q = 1; return (int32_t)hi; }
    if (v < lo) { c->a32.q = 1; return (int32_t)lo; }
    return (int32_t)v;
}

static inline uint32_t usat(cpu_t *c, int64_t v, unsigned bits)
{
    int64_t hi = (1ll << bits) - 1;
    if (v > hi) { c->a32.q = 1; return (uint32_t)hi; }
    if (v < 0) { c->a32.q = 1; return 0; }
    return (uint32_t)v;
}

/* QADD QSUB QDADD QDSUB: a = Rd, b = Rn, c = Rm, e = op. */
const struct uop *op_a32_qaddsub(cpu_t *c, uop_t *u)
{
    int64_t m = (int32_t)R(c, u->c), n = (int32_t)R(c, u->b);
    if (u->e & 2)
        n = ssat(c, 2 * n, 32);
    c->x[u->a] = (uint32_t)ssat(c, (u->e & 1) ? m - n : m + n, 32);
    return u + 1;
}

bool trans_a32_QADDSUB(struct xlat *x, const arg_a32_QADDSUB *a)
{
    struct uop *u = emit_rrr(x, op_a32_qaddsub, a->rd, a->rn, a->rm);
    if (!u)
        return false;
    u->e = (uint8_t)a->op;
    return true;
}

/* SSAT/USAT: a = Rd, b = Rn, f = shift type (0 LSL, 2 ASR), d = amount,
 * e = saturate_to; imm = 1 for USAT. */
const struct uop *op_a32_sat(cpu_t *c, uop_t *u)
{
    uint32_t unused;
    int32_t v = (int32_t)a32_shift_c(R(c, u->b), u->f, u->d, 0, &unused);
    c->x[u->a] = u->imm ? usat(c, v, u->e) : (uint32_t)ssat(c, v, u->e);
    return u + 1;
}

bool a32_emit_sat(struct xlat *x, bool uns, unsigned sat_to, unsigned rd, unsigned rn, unsigned sh, unsigned imm5)
{
    if (rd == 15 || rn == 15)
        return false;
    struct uop *u = emit(x, op_a32_sat);
    u->a = a32_wreg(x, rd);
    u->b = a32_wreg(x, rn);
    u->f = sh ? 2 : 0;
    u->d = (uint8_t)(sh && imm5 == 0 ? 32 : imm5);
    u->e = (uint8_t)sat_to;
    u->imm = uns;
    return true;
}

bool trans_a32_SSAT(struct xlat *x, const arg_a32_SSAT *a) { return a32_emit_sat(x, false, a->sat + 1, a->rd, a->rn, a->sh, a->imm5); }
bool trans_a32_USAT(struct xlat *x, const arg_a32_USAT *a) { return a32_emit_sat(x, true, a->sat, a->rd, a->rn, a->sh, a->imm5); }

/* SSAT16/USAT16: per halfword; imm = 1 for USAT16. */
const struct uop *op_a32_sat16(cpu_t *c, uop_t *u)
{
    uint32_t n = R(c, u->b);
    int16_t lo = (int16_t)n, hi = (int16_t)(n >> 16);
    uint32_t rl = u->imm ? usat(c, lo, u->e) : (uint32_t)ssat(c, lo, u->e);
    uint32_t rh = u->imm ? usat(c, hi, u->e) : (uint32_t)ssat(c, hi, u->e);
    c->x[u->a] = (rl & 0xffff) | rh << 16;
    return u + 1;
}

bool a32_emit_sat16(struct xlat *x, bool uns, unsigned sat_to, unsigned rd, unsigned rn)
{
    if (rd == 15 || rn == 15)
        return false;
    struct uop *u = emit(x, op_a32_sat16);
    u->a = a32_wreg(x, rd);
    u->b = a32_wreg(x, rn);
    u->e = (uint8_t)sat_to;
    u->imm = uns;
    return true;
}

bool trans_a32_SSAT16(struct xlat *x, const arg_a32_SSAT16 *a) { return a32_emit_sat16(x, false, a->sat + 1, a->rd, a->rn); }
bool trans_a32_USAT16(struct xlat *x, const arg_a32_USAT16 *a) { return a32_emit_sat16(x, true, a->sat, a->rd, a->rn); }

/* SBFX/UBFX: a = Rd, b = Rn, e = lsb, f = width, imm = signed. */
const struct uop *op_a32_bfx(cpu_t *c, uop_t *u)
{
    uint32_t v = R(c, u->b) >> u->e;
    unsigned w = u->f;
    if (w < 32) {
        v &= (1u << w) - 1;
        if (u->imm && (v >> (w - 1) & 1))
            v |= ~0u << w;
    }
    c->x[u->a] = v;
    return u + 1;
}

bool a32_emit_bfx(struct xlat *x, bool sign, unsigned wm1, unsigned lsb, unsigned rd, unsigned rn)
{
    if (rd == 15 || rn == 15 || lsb + wm1 > 31)
        return false;
    struct uop *u = emit(x, op_a32_bfx);
    u->a = a32_wreg(x, rd);
    u->b = a32_wreg(x, rn);
    u->e = (uint8_t)lsb;
    u->f = (uint8_t)(wm1 + 1);
    u->imm = sign;
    return true;
}

bool trans_a32_SBFX(struct xlat *x, const arg_a32_SBFX *a) { return a32_emit_bfx(x, true, a->wm1, a->lsb, a->rd, a->rn); }
bool trans_a32_UBFX(struct xlat *x, const arg_a32_UBFX *a) { return a32_emit_bfx(x, false, a->wm1, a->lsb, a->rd, a->rn); }

/* BFI/BFC: Rd<msb:lsb> = Rn<msb-lsb:0> (b = REG_ZR for BFC); imm = mask. */
const struct uop *op_a32_bfi(cpu_t *c, uop_t *u)
{
    uint32_t mask = (uint32_t)u->imm;
    c->x[u->a] = (R(c, u->a) & ~mask) | (R(c, u->b) << u->e & mask);
    return u + 1;
}

bool trans_a32_BFI(struct xlat *x, const arg_a32_BFI *a)
{
    if (a->rd == 15 || a->msb < a->lsb)
        return false;
    struct uop *u = emit(x, op_a32_bfi);
    u->a = a32_wreg(x, a->rd);
    u->b = a->rn == 15 ? REG_ZR : a32_wreg(x, a->rn);
    u->e = (uint8_t)a->lsb;
    u->imm = (uint32_t)(((2ull << a->msb) - 1) & ~((1ull << a->lsb) - 1));
    return true;
}

/* SXTAB16 SXTAB SXTAH UXTAB16 UXTAB UXTAH (e = op): a = Rd, b = Rn (REG_ZR
 * for the plain extends), c = Rm, f = rotation. */
const struct uop *op_a32_extend(cpu_t *c, uop_t *u)
{
    uint32_t m = R(c, u->c), n = R(c, u->b);
    if (u->f)
        m = m >> u->f | m << (32 - u->f);
    uint32_t r;
    switch (u->e) {
    case 0: r = ((n + (uint32_t)(int32_t)(int8_t)m) & 0xffff) | (((n >> 16) + (uint32_t)(int32_t)(int8_t)(m >> 16)) << 16); break;
    case 2: r = n + (uint32_t)(int32_t)(int8_t)m; break;
    case 3: r = n + (uint32_t)(int32_t)(int16_t)m; break;
    case 4: r = ((n + (m & 0xff)) & 0xffff) | (((n >> 16) + (m >> 16 & 0xff)) << 16); break;
    case 6: r = n + (m & 0xff); break;
    default: r = n + (m & 0xffff); break;
    }
    c->x[u->a] = r;
    return u + 1;
}

bool trans_a32_EXTEND(struct xlat *x, const arg_a32_EXTEND *a)
{
    if (a->op == 1 || a->op == 5 || a->rd == 15 || a->rm == 15)
        return false;
    struct uop *u = emit(x, op_a32_extend);
    u->a = a32_wreg(x, a->rd);
    u->b = a->rn == 15 ? REG_ZR : a32_wreg(x, a->rn);
    u->c = a32_wreg(x, a->rm);
    u->e = (uint8_t)a->op;
    u->f = (uint8_t)(a->rot * 8);
    return true;
}

/* PKHBT/PKHTB: a = Rd, b = Rn, c = Rm, e = tb, d = shift amount. */
const struct uop *op_a32_pkh(cpu_t *c, uop_t *u)
{
    uint32_t n = R(c, u->b), m = R(c, u->c), unused;
    if (u->e)
        c->x[u->a] = (a32_shift_c(m, 2, u->d, 0, &unused) & 0xffff) | (n & 0xffff0000u);
    else
        c->x[u->a] = (n & 0xffff) | ((m << u->d) & 0xffff0000u);
    return u + 1;
}

bool trans_a32_PKH(struct xlat *x, const arg_a32_PKH *a)
{
    struct uop *u = emit_rrr(x, op_a32_pkh, a->rd, a->rn, a->rm);
    if (!u)
        return false;
    u->e = (uint8_t)a->tb;
    u->d = (uint8_t)(a->tb && a->imm5 == 0 ? 32 : a->imm5);
    return true;
}

const struct uop *op_a32_sel(cpu_t *c, uop_t *u)
{
    uint32_t n = R(c, u->b), m = R(c, u->c), r = 0;
    for (int i = 0; i < 4; i++)
        r |= ((c->a32.ge >> i & 1) ? n : m) & (0xffu << (8 * i));
    c->x[u->a] = r;
    return u + 1;
}

bool trans_a32_SEL(struct xlat *x, const arg_a32_SEL *a)
{
    struct uop *u = emit_rrr(x, op_a32_sel, a->rd, a->rn, a->rm);
    if (!u)
        return false;
    return true;
}

/* Parallel add/subtract.  e = op2 (000 ADD16 001 ASX 010 SAX 011 SUB16
 * 100 ADD8 111 SUB8), f = kind: 0 signed (GE), 1 signed saturating,
 * 2 signed halving, 4 unsigned (GE), 5 unsigned saturating, 6 unsigned
 * halving. */
const struct uop *op_a32_parallel(cpu_t *c, uop_t *u)
{
    uint32_t n = R(c, u->b), m = R(c, u->c), r = 0, ge = 0;
    bool uns = u->f & 4;
    unsigned kind = u->f & 3;
    bool bytes = u->e >= 4;
    unsigned lanes = bytes ? 4 : 2, w = bytes ? 8 : 16;
    uint32_t lmask = (1u << w) - 1;
    for (unsigned i = 0; i < lanes; i++) {
        /* ASX: lane 0 subtracts Rm's top half, lane 1 adds Rm's bottom half;
         * SAX the other way round. */
        unsigned mi = i;
        bool sub;
        switch (u->e) {
        case 1: mi = 1 - i; sub = i == 0; break;
        case 2: mi = 1 - i; sub = i == 1; break;
        case 3: case 7: sub = true; break;
        default: sub = false; break;
        }
        int64_t a, b;
        uint32_t na = n >> (w * i) & lmask, mb = m >> (w * mi) & lmask;
        if (uns) {
            a = na;
            b = mb;
        } else {
            a = bytes ? (int8_t)na : (int16_t)na;
            b = bytes ? (int8_t)mb : (int16_t)mb;
        }
        int64_t s = sub ? a - b : a + b;
        uint32_t lane;
        if (kind == 1) {
            int64_t hi = uns ? (int64_t)lmask : (int64_t)(lmask >> 1), lo = uns ? 0 : -(int64_t)(lmask >> 1) - 1;
            lane = (uint32_t)(s > hi ? hi : s < lo ? lo : s);
        } else if (kind == 2) {
            lane = (uint32_t)(s >> 1);
        } else {
            lane = (uint32_t)s;
            bool g = uns ? (sub ? s >= 0 : s > (int64_t)lmask) : s >= 0;
            if (g)
                ge |= (bytes ? 1u : 3u) << (bytes ? i : 2 * i);
        }
        r |= (lane & lmask) << (w * i);
    }
    c->x[u->a] = r;
    if (kind == 0)
        c->a32.ge = ge;
    return u + 1;
}

bool trans_a32_PARALLEL(struct xlat *x, const arg_a32_PARALLEL *a)
{
    if (a->op1 == 0 || a->op2 == 5 || a->op2 == 6)
        return false;
    struct uop *u = emit_rrr(x, op_a32_parallel, a->rd, a->rn, a->rm);
    if (!u)
        return false;
    u->e = (uint8_t)a->op2;
    u->f = (uint8_t)((a->u ? 4 : 0) | (a->op1 - 1));
    return true;
}

/* ---- status register access --------------------------------------------------------------- */

/* MRS Rd, APSR (at EL0 the execution-state bits read as zero, M as usr). */
const struct uop *op_a32_mrs(cpu_t *c, uop_t *u)
{
    c->x[u->a] = c->nzcv | c->a32.q << 27 | c->a32.ge << 16 | 0x10u;
    return u + 1;
}

/* MSR APSR_<fields>, x[b] or imm (b = REG_ZR): e bit 3 = nzcvq, bit 2 = g.
 * At EL0 the other fields are ignored. */
const struct uop *op_a32_msr(cpu_t *c, uop_t *u)
{
    uint32_t v = R(c, u->b) | (uint32_t)u->imm;
    if (u->e & 8) {
        c->nzcv = v & 0xf0000000u;
        c->a32.q = v >> 27 & 1;
    }
    if (u->e & 4)
        c->a32.ge = v >> 16 & 0xf;
    return u + 1;
}

bool trans_a32_MRS(struct xlat *x, const arg_a32_MRS *a)
{
    if (a->rd == 15)
        return false;
    return a32_trans_mrs(x, a->r, a32_wreg(x, a->rd));
}

bool a32_emit_msr(struct xlat *x, unsigned r, unsigned mask, uint8_t slot, uint32_t imm)
{
    if (mask == 0)
        return false;
    if (ctx_el(x->ctx) != 0)
        return a32_trans_msr_priv(x, r, mask, slot, imm);
    if (r)
        return false;
    struct uop *u = emit(x, op_a32_msr);
    u->b = slot;
    u->imm = imm;
    u->e = (uint8_t)mask;
    return true;
}

bool trans_a32_MSR_reg(struct xlat *x, const arg_a32_MSR_reg *a)
{
    if (a->rn == 15)
        return false;
    return a32_emit_msr(x, a->r, a->mask, a32_wreg(x, a->rn), 0);
}

bool trans_a32_MSR_imm(struct xlat *x, const arg_a32_MSR_imm *a)
{
    unsigned rot = a->rot * 2;
    uint32_t imm = rot ? (a->imm8 >> rot | a->imm8 << (32 - rot)) : a->imm8;
    return a32_emit_msr(x, a->r, a->mask, REG_ZR, imm);
}

/* NOP YIELD WFE WFI SEV SEVL ESB CSDB DBG (a32-el1.c); unallocated hints
 * execute as NOP too. */
bool trans_a32_HINT(struct xlat *x, const arg_a32_HINT *a)
{
    return a32_trans_hint(x, a->op, 4);
}

/* ---- branches and exceptions ------------------------------------------------------------------ */

bool trans_a32_B(struct xlat *x, const arg_a32_B *a)
{
    /* Conditional B is handled by the translator loop (op_a32_bcond). */
    struct uop *u = emit(x, a->l ? op_a32_bl : op_a32_b);
    u->imm = (uint32_t)(a32_pc_read(x) + (uint32_t)(a->imm << 2)) | (x->pc + 4) << 32;
    u->a = a32_wreg(x, 14);
    x->end = true;
    return true;
}

bool trans_a32_BLX_imm(struct xlat *x, const arg_a32_BLX_imm *a)
{
    struct uop *u = emit(x, op_a32_blx_imm);
    u->imm = (uint32_t)(a32_pc_read(x) + (uint32_t)(a->imm << 2) + (a->h << 1)) | (x->pc + 4) << 32;
    u->a = a32_wreg(x, 14);
    x->end = true;
    return true;
}

/* BX/BLX (register), A32 and T16: branch to Rm, interworking; ret is the
 * return address BLX leaves in LR (with bit 0 set for T32). */
void a32_emit_bx_reg(struct xlat *x, unsigned rm, bool link, uint32_t ret)
{
    uint8_t slot = a32_rreg(x, rm, REG_T0);
    struct uop *u = emit(x, op_a32_bx);
    u->b = slot;
    u->a = a32_wreg(x, 14);
    u->f = (uint8_t)link;
    u->imm = ret;
    x->end = true;
}

bool trans_a32_BX(struct xlat *x, const arg_a32_BX *a)
{
    if (a->l && a->rm == 15)
        return false;
    a32_emit_bx_reg(x, a->rm, a->l, (uint32_t)x->pc + 4);
    return true;
}

/* Jazelle is not implemented: BXJ is BX. */
bool trans_a32_BXJ(struct xlat *x, const arg_a32_BXJ *a)
{
    arg_a32_BX b = { .l = 0, .rm = a->rm };
    return trans_a32_BX(x, &b);
}

/* SVC: imm<15:0> the immediate, imm<63:32> the next instruction. */
const struct uop *op_a32_svc(cpu_t *c, uop_t *u)
{
    c->exc.il16 = a32_il16(c, u);
    cpu_raise(c, u->imm >> 32, EC_SVC32, (uint32_t)u->imm & 0xffff, 0);
}

const struct uop *op_a32_bkpt(cpu_t *c, uop_t *u)
{
    c->exc.il16 = a32_il16(c, u);
    cpu_raise(c, a32_pc(c, u), EC_BKPT32, (uint32_t)u->imm, 0);
}

bool trans_a32_SVC(struct xlat *x, const arg_a32_SVC *a)
{
    emit(x, op_a32_svc)->imm = (a->imm & 0xffff) | (x->pc + 4) << 32;
    x->end = true;
    return true;
}

bool trans_a32_BKPT(struct xlat *x, const arg_a32_BKPT *a)
{
    if ((x->insn >> 28) != 14)
        return false;   /* BKPT is unconditional: other conditions UNPREDICTABLE */
    emit(x, op_a32_bkpt)->imm = a->imm12 << 4 | a->imm4;
    x->end = true;
    return true;
}

bool trans_a32_MCR(struct xlat *x, const arg_a32_MCR *a)
{
    return a32_trans_cp(x, a->cp, false, a->l, a->opc1, a->crn, a->crm, a->opc2, a->rt, 0);
}

bool trans_a32_MCRR(struct xlat *x, const arg_a32_MCRR *a)
{
    return a32_trans_cp(x, a->cp, true, a->l, a->opc1, 0, a->crm, 0, a->rt, a->rt2);
}

/* ---- loads and stores ------------------------------------------------------------------------- */

noreturn void a32_align_fault(cpu_t *c, uop_t *u, uint64_t va, bool write)
{
    c->exc.access = write ? ACC_WRITE : ACC_READ;
    c->exc.perm = false;
    cpu_raise(c, a32_pc(c, u), EC_DABORT_LOWER, 0x21u | (write ? 1u << 6 : 0), va);
}

static inline void a32_check_align(cpu_t *c, uop_t *u, uint64_t va, unsigned size, bool write)
{
    if (unlikely(va & (size - 1)))
        a32_align_fault(c, u, va, write);
}

/* Addressing of single loads/stores.  b = Rn, c = Rm (register offset),
 * imm = offset or (register form) shift amount, f: bit 0 P, bit 1 U,
 * bit 2 writeback, bit 3 register offset; d = shift type.  Returns the
 * address; *wb the offset address for writeback. */
static inline uint32_t am_addr(cpu_t *c, uop_t *u, uint32_t *wb)
{
    uint32_t off, unused;
    if (u->f & AM_REG)
        off = a32_shift_c(R(c, u->c), u->d, (unsigned)u->imm, c->nzcv >> 29 & 1, &unused);
    else
        off = (uint32_t)u->imm;
    uint32_t base = R(c, u->b);
    uint32_t oa = (u->f & AM_U) ? base + off : base - off;
    *wb = oa;
    return (u->f & AM_P) ? oa : base;
}

/* Single loads/stores, a = Rt.  Loads write Rt after the base (Rt == Rn
 * with writeback is UNPREDICTABLE and rejected). */
#define DEF_LD(name, expr)                                                    \
    const struct uop *op_a32_##name(cpu_t *c, uop_t *u)               \
    {                                                                         \
        uint32_t wb, va = am_addr(c, u, &wb);                                 \
        uint32_t v = (expr);                                                  \
        if (u->f & AM_W)                                                      \
            c->x[u->b] = wb;                                                  \
        c->x[u->a] = v;                                                       \
        return u + 1;                                                         \
    }
DEF_LD(ldr, (uint32_t)ld32(c, u, va))
DEF_LD(ldrb, (uint32_t)ld8(c, u, va))
DEF_LD(ldrh, (uint32_t)ld16(c, u, va))
DEF_LD(ldrsb, (uint32_t)(int32_t)(int8_t)ld8(c, u, va))
DEF_LD(ldrsh, (uint32_t)(int32_t)(int16_t)ld16(c, u, va))
#undef DEF_LD

#define DEF_ST(name, fn)                                                      \
    const struct uop *op_a32_##name(cpu_t *c, uop_t *u)               \
    {                                                                         \
        uint32_t wb, va = am_addr(c, u, &wb);                                 \
        fn(c, u, va, R(c, u->a));                                             \
        if (u->f & AM_W)                                                      \
            c->x[u->b] = wb;                                                  \
        return u + 1;                                                         \
    }
DEF_ST(str, st32)
DEF_ST(strb, st8)
DEF_ST(strh, st16)
#undef DEF_ST

/* LDRD/STRD: a = Rt, e = Rt2 (slots); doubleword accesses need word alignment. */
const struct uop *op_a32_ldrd(cpu_t *c, uop_t *u)
{
    uint32_t wb, va = am_addr(c, u, &wb);
    a32_check_align(c, u, va, 4, false);
    uint32_t lo = (uint32_t)ld32(c, u, va), hi = (uint32_t)ld32(c, u, (uint32_t)(va + 4));
    if (u->f & AM_W)
        c->x[u->b] = wb;
    c->x[u->a] = lo;
    c->x[u->e] = hi;
    return u + 1;
}

const struct uop *op_a32_strd(cpu_t *c, uop_t *u)
{
    uint32_t wb, va = am_addr(c, u, &wb);
    a32_check_align(c, u, va, 4, true);
    uint32_t lo = R(c, u->a), hi = R(c, u->e);
    st32(c, u, va, lo);
    st32(c, u, (uint32_t)(va + 4), hi);
    if (u->f & AM_W)
        c->x[u->b] = wb;
    return u + 1;
}

struct uop *a32_emit_ldst(struct xlat *x, uop_fn fn, unsigned p, unsigned uu, unsigned w, unsigned rn, uint8_t rt_slot)
{
    uint8_t b = a32_rreg_aligned(x, rn, REG_T1);
    struct uop *u = emit(x, fn);
    u->a = rt_slot;
    u->b = b;
    u->f = (uint8_t)((p ? AM_P : 0) | (uu ? AM_U : 0) | ((!p || w) ? AM_W : 0));
    return u;
}

/* P = 0, W = 1: the unprivileged (T) forms; at EL0 they are the plain ones,
 * at EL1 they use EL0's permissions (bracketed by op_unpriv_begin/end). */
static bool unpriv_ok(const struct xlat *x, unsigned p, unsigned w)
{
    return p || !w || ctx_el(x->ctx) <= 1;
}

static bool unpriv_begin(struct xlat *x, unsigned p, unsigned w)
{
    if (p || !w || !unpriv_applies(x->ctx))
        return false;
    emit(x, op_unpriv_begin);
    return true;
}

static bool ldst_word_byte(struct xlat *x, unsigned p, unsigned uu, unsigned b, unsigned w, unsigned l, unsigned rn,
                           unsigned rt, bool reg, unsigned rm, unsigned type, unsigned imm5, unsigned imm12)
{
    bool wback = !p || w;
    if (!unpriv_ok(x, p, w))
        return false;
    if (wback && (rn == 15 || rn == rt))
        return false;
    if (reg && rm == 15)
        return false;
    if (rt == 15 && b)
        return false;
    if (!p && w && rt == 15)
        return false;
    uop_fn fn = l ? (b ? op_a32_ldrb : op_a32_ldr) : (b ? op_a32_strb : op_a32_str);
    uint8_t rt_slot = l ? a32_dreg(x, rt) : a32_rreg(x, rt, REG_T0);
    bool unpriv = unpriv_begin(x, p, w);
    struct uop *u = a32_emit_ldst(x, fn, p, uu, w, rn, rt_slot);
    if (unpriv)
        emit(x, op_unpriv_end);
    if (reg) {
        unsigned t, amt = a32_imm_shift_amount(type, imm5, &t);
        u->f |= AM_REG;
        u->c = a32_wreg(x, rm);
        u->d = (uint8_t)t;
        u->imm = amt;
    } else {
        u->imm = imm12;
    }
    if (l && rt == 15)
        a32_emit_bx(x, REG_T0);     /* LoadWritePC */
    return true;
}

bool trans_a32_LDST_imm(struct xlat *x, const arg_a32_LDST_imm *a)
{
    return ldst_word_byte(x, a->p, a->u, a->b, a->w, a->l, a->rn, a->rt, false, 0, 0, 0, a->imm12);
}

bool trans_a32_LDST_reg(struct xlat *x, const arg_a32_LDST_reg *a)
{
    return ldst_word_byte(x, a->p, a->u, a->b, a->w, a->l, a->rn, a->rt, true, a->rm, a->type, a->imm5, 0);
}

static bool ldst_extra(struct xlat *x, unsigned p, unsigned uu, unsigned w, unsigned l, unsigned rn, unsigned rt,
                       unsigned op2, bool reg, unsigned rm, unsigned imm)
{
    if (op2 == 0)
        return false;
    bool wback = !p || w;
    bool dual = !l && op2 >= 2;     /* LDRD (L=0 op2=10), STRD (L=0 op2=11) */
    if (!unpriv_ok(x, p, w) || (dual && !p && w))
        return false;
    if (reg && rm == 15)
        return false;
    uop_fn fn;
    if (dual) {
        bool load = op2 == 2;
        if ((rt & 1) || rt == 14)
            return false;
        if (wback && (rn == 15 || rn == rt || rn == rt + 1))
            return false;
        if (load && reg && (rm == rt || rm == rt + 1))
            return false;
        fn = load ? op_a32_ldrd : op_a32_strd;
        uint8_t s1 = load ? a32_wreg(x, rt) : a32_wreg(x, rt), s2 = a32_wreg(x, rt + 1);
        struct uop *u = a32_emit_ldst(x, fn, p, uu, w, rn, s1);
        u->e = s2;
        if (reg) {
            u->f |= AM_REG;
            u->c = a32_wreg(x, rm);
        } else {
            u->imm = imm;
        }
        return true;
    }
    if (rt == 15)
        return false;
    if (wback && (rn == 15 || rn == rt))
        return false;
    if (!l)
        fn = op_a32_strh;   /* op2 01 */
    else
        fn = op2 == 1 ? op_a32_ldrh : op2 == 2 ? op_a32_ldrsb : op_a32_ldrsh;
    bool unpriv = unpriv_begin(x, p, w);
    struct uop *u = a32_emit_ldst(x, fn, p, uu, w, rn, a32_wreg(x, rt));
    if (unpriv)
        emit(x, op_unpriv_end);
    if (reg) {
        u->f |= AM_REG;
        u->c = a32_wreg(x, rm);
    } else {
        u->imm = imm;
    }
    return true;
}

bool trans_a32_LDSTX_imm(struct xlat *x, const arg_a32_LDSTX_imm *a)
{
    return ldst_extra(x, a->p, a->u, a->w, a->l, a->rn, a->rt, a->op2, false, 0, a->imm4h << 4 | a->imm4l);
}

bool trans_a32_LDSTX_reg(struct xlat *x, const arg_a32_LDSTX_reg *a)
{
    return ldst_extra(x, a->p, a->u, a->w, a->l, a->rn, a->rt, a->op2, true, a->rm, 0);
}

/* LDM/STM: b = Rn, imm = register list, e = mode (M[3:0]) for the slots,
 * f: bit 0 P (before), bit 1 U (increment), bit 2 writeback.  Loads go to
 * a buffer first so that a fault leaves every register unchanged; a loaded
 * PC goes to REG_T0 (an op_a32_bx follows). */
const struct uop *op_a32_ldm(cpu_t *c, uop_t *u)
{
    uint32_t list = (uint32_t)u->imm, n = (uint32_t)__builtin_popcount(list);
    uint32_t base = R(c, u->b);
    uint32_t start = (u->f & AM_U) ? base + ((u->f & AM_P) ? 4 : 0) : base - 4 * n + ((u->f & AM_P) ? 0 : 4);
    a32_check_align(c, u, start, 4, false);
    uint32_t vals[16];
    unsigned k = 0;
    for (unsigned r = 0; r < 16; r++)
        if (list >> r & 1) {
            vals[k] = (uint32_t)ld32(c, u, (uint32_t)(start + 4 * k));
            k++;
        }
    if (u->f & AM_W)
        c->x[u->b] = (u->f & AM_U) ? base + 4 * n : base - 4 * n;
    k = 0;
    for (unsigned r = 0; r < 16; r++)
        if (list >> r & 1)
            c->x[r == 15 ? REG_T0 : a32_slot(u->e, r)] = vals[k++];
    return u + 1;
}

/* STM: operands as LDM; a stored PC is read from REG_T0 (put there by the
 * translator). */
const struct uop *op_a32_stm(cpu_t *c, uop_t *u)
{
    uint32_t list = (uint32_t)u->imm, n = (uint32_t)__builtin_popcount(list);
    uint32_t base = R(c, u->b);
    uint32_t start = (u->f & AM_U) ? base + ((u->f & AM_P) ? 4 : 0) : base - 4 * n + ((u->f & AM_P) ? 0 : 4);
    a32_check_align(c, u, start, 4, true);
    unsigned k = 0;
    for (unsigned r = 0; r < 16; r++)
        if (list >> r & 1) {
            st32(c, u, (uint32_t)(start + 4 * k), R(c, r == 15 ? REG_T0 : a32_slot(u->e, r)));
            k++;
        }
    if (u->f & AM_W)
        c->x[u->b] = (u->f & AM_U) ? base + 4 * n : base - 4 * n;
    return u + 1;
}

bool trans_a32_LDM(struct xlat *x, const arg_a32_LDM *a)
{
    unsigned list = a->list, rn = a->rn;
    if (rn == 15 || list == 0)
        return false;
    /* ^ (S): the User mode registers (no writeback), or with the PC in an
     * LDM an exception return; EL1 only (UNPREDICTABLE in usr and sys). */
    bool user_regs = a->s && !(a->l && (list >> 15 & 1));
    if (a->s && (ctx_el(x->ctx) != 1 || (user_regs && a->w) ||
                 (!user_regs && (a32_ctx_mode(x) == 0xf))))
        return false;
    if (a->w && (list >> rn & 1)) {
        /* LDM: UNPREDICTABLE; STM: UNKNOWN unless Rn is the lowest register */
        if (a->l || (list & ((1u << rn) - 1)))
            return false;
    }
    if (!a->l && (list >> 15 & 1))
        a32_rreg(x, 15, REG_T0);
    struct uop *u = emit(x, a->l ? op_a32_ldm : op_a32_stm);
    u->b = a32_wreg(x, rn);
    u->imm = list;
    u->e = (uint8_t)(user_regs ? 0 : a32_ctx_mode(x));
    u->f = (uint8_t)((a->p ? AM_P : 0) | (a->u ? AM_U : 0) | (a->w ? AM_W : 0));
    if (a->l && (list >> 15 & 1)) {
        if (a->s)
            return a32_trans_excret(x, REG_T0);
        a32_emit_bx(x, REG_T0);
    }
    return true;
}

/* Exclusives and acquire/release.  a = Rt, b = Rn, c = Rt2 (doubleword),
 * d = status register (stores); e = size in bytes. */
const struct uop *op_a32_ldrex(cpu_t *c, uop_t *u)
{
    uint32_t va = R(c, u->b);
    unsigned size = u->e;
    a32_check_align(c, u, va, size, false);
    if (!u->f) {    /* LDA: a plain load (MMIO allowed), then acquire */
        uint32_t v = size == 1 ? (uint32_t)ld8(c, u, va) : size == 2 ? (uint32_t)ld16(c, u, va)
                                                                     : (uint32_t)ld32(c, u, va);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        c->x[u->a] = v;
        return u + 1;
    }
    void *p = mem_ptr(c, u, va, size, ACC_READ);
    uint64_t v;
    switch (size) {
    case 1: v = __atomic_load_n((uint8_t *)p, __ATOMIC_ACQUIRE); break;
    case 2: v = __atomic_load_n((uint16_t *)p, __ATOMIC_ACQUIRE); break;
    case 4: v = __atomic_load_n((uint32_t *)p, __ATOMIC_ACQUIRE); break;
    default: v = __atomic_load_n((uint64_t *)p, __ATOMIC_ACQUIRE); break;
    }
    if (u->f) {     /* exclusive: open the monitor */
        c->excl_addr = va;
        c->excl_size = (int)size;
        c->excl_val[0] = v;
    }
    c->x[u->a] = (uint32_t)v;
    if (size == 8)
        c->x[u->c] = (uint32_t)(v >> 32);
    return u + 1;
}

const struct uop *op_a32_strex(cpu_t *c, uop_t *u)
{
    uint32_t va = R(c, u->b);
    unsigned size = u->e;
    uint64_t nv = R(c, u->a);
    if (size == 8)
        nv |= (uint64_t)R(c, u->c) << 32;
    a32_check_align(c, u, va, size, true);
    if (!u->f) {    /* STL: release, then a plain store (a write fault, MMIO allowed) */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        switch (size) {
        case 1: st8(c, u, va, nv); break;
        case 2: st16(c, u, va, nv); break;
        default: st32(c, u, va, nv); break;
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        return u + 1;
    }
    bool ok = false;
    if (c->excl_addr == va && c->excl_size == (int)size) {
        void *p = mem_ptr(c, u, va, size, ACC_WRITE);
        uint64_t old = c->excl_val[0];
        switch (size) {
        case 1: { uint8_t o = (uint8_t)old; ok = __atomic_compare_exchange_n((uint8_t *)p, &o, (uint8_t)nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
        case 2: { uint16_t o = (uint16_t)old; ok = __atomic_compare_exchange_n((uint16_t *)p, &o, (uint16_t)nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
        case 4: { uint32_t o = (uint32_t)old; ok = __atomic_compare_exchange_n((uint32_t *)p, &o, (uint32_t)nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
        default: ok = __atomic_compare_exchange_n((uint64_t *)p, &old, nv, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break;
        }
    }
    c->excl_addr = ~0ull;
    c->x[u->d] = !ok;
    return u + 1;
}

bool trans_a32_LDSTEX(struct xlat *x, const arg_a32_LDSTEX *a)
{
    static const uint8_t sizes[4] = { 4, 8, 1, 2 };
    bool excl = a->x9, ordered = !a->x8;
    if (!excl && !ordered)
        return false;
    if (!excl && a->sz == 1)
        return false;   /* no LDAD/STLD */
    unsigned size = sizes[a->sz];
    if (a->rn == 15)
        return false;
    struct uop *u;
    if (a->l) {
        unsigned rt = a->rt;
        if (rt == 15 || (size == 8 && ((rt & 1) || rt == 14)))
            return false;
        u = emit(x, op_a32_ldrex);
        u->a = a32_wreg(x, rt);
        u->c = size == 8 ? a32_wreg(x, rt + 1) : REG_SINK;
    } else {
        unsigned rd = a->rt, rt = a->rt2;
        if (!excl) {
            if (rt == 15)
                return false;
            u = emit(x, op_a32_strex);
            u->a = a32_wreg(x, rt);
            u->d = REG_SINK;
        } else {
            if (rd == 15 || rt == 15 || (size == 8 && ((rt & 1) || rt == 14)))
                return false;
            if (rd == a->rn || rd == rt || (size == 8 && rd == rt + 1))
                return false;
            u = emit(x, op_a32_strex);
            u->a = a32_wreg(x, rt);
            u->d = a32_wreg(x, rd);
        }
        u->c = size == 8 ? a32_wreg(x, rt + 1) : REG_ZR;
    }
    u->b = a32_wreg(x, a->rn);
    u->e = (uint8_t)size;
    u->f = excl;
    return true;
}

const struct uop *op_a32_clrex(cpu_t *c, uop_t *u)
{
    c->excl_addr = ~0ull;
    return u + 1;
}

bool trans_a32_CLREX(struct xlat *x, const arg_a32_CLREX *a)
{
    emit(x, op_a32_clrex);
    return true;
}

const struct uop *op_a32_fence(cpu_t *c, uop_t *u)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return u + 1;
}

/* DSB, DMB: a full fence.  ISB: ends the block (context synchronization). */
bool trans_a32_BARRIER(struct xlat *x, const arg_a32_BARRIER *a)
{
    if (a->op == 3)
        return false;   /* SB: FEAT_SB not advertised */
    emit(x, op_a32_fence);
    if (a->op == 2) {
        struct uop *u = emit(x, op_a32_goto);
        u->imm = (uint32_t)x->pc + 4;
        x->end = true;
    }
    return true;
}

bool trans_a32_PLD_imm(struct xlat *x, const arg_a32_PLD_imm *a) { return true; }
bool trans_a32_PLI_imm(struct xlat *x, const arg_a32_PLI_imm *a) { return true; }
bool trans_a32_PLD_reg(struct xlat *x, const arg_a32_PLD_reg *a) { return a->rm != 15; }
bool trans_a32_PLI_reg(struct xlat *x, const arg_a32_PLI_reg *a) { return a->rm != 15; }

/* ---- the translator loop ------------------------------------------------------------------------ */

#include "a32-decode.inc"
#include "a32u-decode.inc"

/* A conditional-space word: cp10/cp11 (VFP) before a32_MCR/MCRR, which
 * match any coprocessor. */
static bool a32_decode_cond(struct xlat *x, uint32_t insn)
{
    return a32_vfp_space(insn) ? a32_vfp_translate(x, insn) : a32_decode_insn(x, insn);
}

/* One A32 instruction: false when UNDEFINED (a condition-failed UNDEFINED
 * instruction is UNDEFINED too, one of the permitted behaviours). */
static bool a32_insn(struct xlat *x, uint32_t insn)
{
    unsigned cond = insn >> 28;
    if (cond == 15)
        return a32_vfp_space(insn) ? a32_vfp_translate(x, insn) : a32u_decode_insn(x, insn) || a32_neon_insn(x, insn);
    if (cond == 14)
        return a32_decode_cond(x, insn);
    /* Conditional B: a two-way block end instead of a skip. */
    if ((insn & 0x0f000000u) == 0x0a000000u) {
        struct uop *u = emit(x, op_a32_bcond);
        u->e = (uint8_t)cond;
        u->imm = (uint32_t)(a32_pc_read(x) + (uint32_t)((int32_t)(insn << 8) >> 6)) | (x->pc + 4) << 32;
        x->end = true;
        return true;
    }
    unsigned skip = x->nuops;
    emit(x, op_a32_skip)->e = (uint8_t)cond;
    if (!a32_decode_cond(x, insn))
        return false;
    if (x->end) {   /* the skip lands on the fall-through */
        struct uop *g = emit(x, op_a32_goto);
        g->imm = (uint32_t)x->pc + 4;
    }
    x->uops[skip].imm = x->nuops - skip - 1 - (x->end ? 1 : 0);
    return true;
}

unsigned a32_trap_cond(const struct xlat *x)
{
    if (x->ctx & CTX_T32)
        return (x->it & 0xf) ? x->it >> 4 : 14;
    unsigned cond = x->insn >> 28;
    return cond == 15 ? 14 : cond;
}

unsigned a32_translate(struct xlat *x, const uint8_t *host, unsigned off, unsigned max_insns)
{
    uint64_t pc = x->block_pc;
    unsigned n = 0;
    if (x->ctx & CTX_T32)
        return t32_translate(x, host, off, max_insns);
    for (;;) {
        uint32_t insn;
        memcpy(&insn, host + off + 4 * n, 4);
        x->pc = pc + 4ull * n;
        x->insn = insn;
        x->idx = n;
        unsigned before = x->nuops;
        if (!a32_insn(x, insn)) {
            x->nuops = before;
            emit(x, op_undef);
            x->end = true;
        }
        n++;
        if (x->end)
            break;
        if (off + 4 * n >= TLB_PAGE_SIZE || n >= max_insns || x->cap - x->nuops < 16) {
            x->idx = n - 1;
            struct uop *g = emit(x, op_a32_goto);
            g->imm = (uint32_t)(pc + 4ull * n);
            break;
        }
    }
    return n;
}
