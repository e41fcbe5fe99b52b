/* AArch32 at EL1 (docs/aarch32.md, phase 4): the PE modes, exception entry
 * to them (AArch32.TakeUndefInstrException, TakeSVCException,
 * TakePrefetchAbortException, TakeDataAbortException, TakePhysicalIRQ/FIQ),
 * exception return (AArch32.ExceptionReturn) and the privileged
 * instructions: MRS/MSR of the CPSR, SPSR and banked registers, CPS,
 * SRS/RFE, SUBS PC, LR and its A32 data-processing forms, LDM/STM with ^,
 * WFI/WFE, HVC, SMC, ERET.
 *
 * The mode is M[3:0] in the translation context (CTX_M_MASK), so register
 * banking is resolved when translating; PSTATE.EL follows the mode (usr is
 * EL0, every other mode EL1) and PSTATE.SP is 1 at EL1, so the AArch64
 * plumbing (regimes, TLBs, routing) needs no AArch32 case.  SPSR_svc is
 * SPSR_EL1, SPSR_abt/und/irq/fiq the AArch64 SPSR_abt ... registers. */
#include "a32-internal.h"
#include "a32-decode.h"
#include "a32u-decode.h"
#include "t16-decode.h"
#include "t32-decode.h"

#define M_USR 0x0
#define M_FIQ 0x1
#define M_IRQ 0x2
#define M_SVC 0x3
#define M_ABT 0x7
#define M_HYP 0xa
#define M_UND 0xb
#define M_SYS 0xf

#define SCTLR_V (1u << 13)
#define SCTLR_SPAN (1u << 23)
#define SCTLR_TE (1u << 30)
#define TTBCR_EAE (1u << 31)

/* ELFromM32 for the modes an AArch32 EL1 without EL3 has: the EL, or -1 for
 * an invalid mode (hyp and mon are not reachable from EL1 either). */
int a32_mode_el(unsigned m)
{
    switch (m) {
    case M_USR: return 0;
    case M_FIQ: case M_IRQ: case M_SVC: case M_ABT: case M_UND: case M_SYS: return 1;
    default: return -1;
    }
}

/* SPSR_<mode>, or NULL (usr, sys: no SPSR). */
uint64_t *a32_spsr_ptr(struct cpu *c, unsigned m)
{
    switch (m) {
    case M_FIQ: return &c->sr.spsr_fiq;
    case M_IRQ: return &c->sr.spsr_irq;
    case M_SVC: return &c->sr.spsr_el1;
    case M_ABT: return &c->sr.spsr_abt;
    case M_UND: return &c->sr.spsr_und;
    default: return NULL;
    }
}

static inline unsigned cur_mode(const struct cpu *c) { return (c->a32.ctx & CTX_M_MASK) >> CTX_M_SHIFT; }
static inline uint32_t R(const cpu_t *c, unsigned slot) { return (uint32_t)c->x[slot]; }

/* GetPSRFromPSTATE in AArch32 (an AArch32 SPSR or MRS): the CPSR fields,
 * A/I/F, SSBS 23, PAN 22, IL 20 (E is 0). */
uint32_t a32_cpsr_full(const struct cpu *c)
{
    return cpu_a32_cpsr(c) | (c->pstate & (PSTATE_A | PSTATE_I | PSTATE_F | PSTATE_PAN | PSTATE_IL)) |
           ((c->pstate & PSTATE_SSBS) ? 1u << 23 : 0);
}

/* Mode m with its EL: PSTATE.EL (and SP_EL1 at EL1) follow the mode. */
static void set_mode(struct cpu *c, unsigned m)
{
    uint32_t old = c->pstate;
    unsigned el = m == M_USR ? 0 : 1;
    c->a32.ctx = (c->a32.ctx & ~CTX_M_MASK) | m << CTX_M_SHIFT;
    c->pstate = (old & ~((3u << PSTATE_EL_SHIFT) | PSTATE_SP)) | el << PSTATE_EL_SHIFT | (el ? PSTATE_SP : 0);
    sys_pstate_changed(c, old);
}

/* AArch32.WriteModeByInstr (MSR CPSR_c, CPS): an invalid mode or one above
 * the current EL sets PSTATE.IL instead. */
static void write_mode_by_insn(struct cpu *c, unsigned m5)
{
    int el = (m5 & 0x10) ? a32_mode_el(m5 & 0xf) : -1;
    if (el < 0 || (unsigned)el > c->el) {
        c->pstate |= PSTATE_IL;
        return;
    }
    set_mode(c, m5 & 0xf);
}

/* ---- exception entry ----------------------------------------------------- */

/* AArch32.EnterMode: SPSR_<mode> and LR_<mode>, then the new CPSR (mode, T
 * from SCTLR.TE, IT cleared, masks, PAN from SCTLR.SPAN) and the vector. */
static void enter_mode(struct cpu *c, unsigned mode, uint32_t vect, uint32_t lr)
{
    uint32_t old = c->pstate;
    uint64_t sctlr = c->sr.sctlr_el1;
    *a32_spsr_ptr(c, mode) = a32_cpsr_full(c);
    c->x[a32_slot(mode, 14)] = lr;
    c->a32.ctx = CTX_A32 | ((sctlr & SCTLR_TE) ? CTX_T32 : 0) | mode << CTX_M_SHIFT;
    uint32_t ps = (old & (PSTATE_A | PSTATE_I | PSTATE_F | PSTATE_PAN)) | 1u << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_I;
    if (mode == M_FIQ)
        ps |= PSTATE_A | PSTATE_F;
    else if (mode == M_ABT || mode == M_IRQ)
        ps |= PSTATE_A;
    if (!(sctlr & SCTLR_SPAN) && (c->model->id_aa64mmfr1 >> 20 & 0xf))
        ps |= PSTATE_PAN;
    if (sctlr & (1ull << 44))   /* DSSBS */
        ps |= PSTATE_SSBS;
    c->pstate = ps;
    c->excl_addr = ~0ull;
    sys_pstate_changed(c, old);
    uint32_t base = (sctlr & SCTLR_V) ? 0xffff0000u : (uint32_t)c->sr.vbar_el1 & ~0x1fu;
    c->pc = base + vect;
}

/* DFSR/IFSR value for an abort whose AArch64 status code is fsc: the
 * long-descriptor format (LPAE, bit 9) when TTBCR.EAE is 1, else the short
 * format with FS[4] at bit 10 and the domain at 7:4. */
static uint32_t fsr_for(const struct cpu *c, const struct exc_info *exc, unsigned fsc)
{
    if (c->sr.tcr_el1 & TTBCR_EAE)
        return fsc | 1u << 9;
    /* Level 3 of an AArch64-style code (not from a short walk) as a page. */
    if ((fsc & 0x3c) <= 0x0c && (fsc & 3) == 3)
        fsc--;
    unsigned fs = vmsa32_short_fs(fsc);
    unsigned dom = exc->a32_short ? exc->a32_domain & 0xf : 0;
    return (fs & 0xf) | (fs >> 4) << 10 | dom << 4;
}

/* A synchronous exception taken to AArch32 EL1 (from EL0 or EL1 in
 * AArch32).  pc is the preferred return address (the next instruction for
 * SVC).  Exceptions an AArch64 EL1 would see as traps (EC 0x01, 0x03,
 * 0x07 ...) are UNDEFINED instruction exceptions in AArch32. */
void a32_take_sync(struct cpu *c, struct exc_info *exc, uint64_t pc)
{
    bool t32 = c->a32.ctx & CTX_T32;
    uint32_t pc32 = (uint32_t)pc;
    switch (exc->ec) {
    case EC_SVC32:
        enter_mode(c, M_SVC, 0x08, pc32);
        return;
    case EC_BKPT32:
        /* A debug event: a Prefetch Abort with IFSR "debug event". */
        c->sr.ifsr32_el2 = fsr_for(c, exc, 0x22);
        enter_mode(c, M_ABT, 0x0c, pc32 + 4);
        return;
    case EC_IABORT_LOWER: case EC_IABORT_SAME:
        c->sr.ifsr32_el2 = fsr_for(c, exc, exc->iss & 0x3f);
        c->sr.far_el1 = (c->sr.far_el1 & 0xffffffffull) | (uint64_t)(uint32_t)exc->far << 32;   /* IFAR */
        enter_mode(c, M_ABT, 0x0c, pc32 + 4);
        return;
    case EC_DABORT_LOWER: case EC_DABORT_SAME:
        c->sr.esr_el1 = fsr_for(c, exc, exc->iss & 0x3f) | (exc->iss & (1u << 6) ? 1u << 11 : 0);   /* DFSR, WnR */
        c->sr.far_el1 = (c->sr.far_el1 & ~0xffffffffull) | (uint32_t)exc->far;                     /* DFAR */
        enter_mode(c, M_ABT, 0x10, pc32 + 8);
        return;
    default:
        enter_mode(c, M_UND, 0x04, pc32 + (t32 ? 2 : 4));
        return;
    }
}

/* IRQ/FIQ taken to AArch32 EL1 at the boundary c->pc. */
void a32_take_interrupt(struct cpu *c, bool fiq)
{
    enter_mode(c, fiq ? M_FIQ : M_IRQ, fiq ? 0x1c : 0x18, (uint32_t)c->pc + 4);
}

/* ---- exception return ---------------------------------------------------- */

/* AArch32.ExceptionReturn(new_pc, spsr) at EL1: SetPSTATEFromPSR, where an
 * illegal return (invalid mode, or one above EL1) keeps the mode and T and
 * sets PSTATE.IL. */
void a32_exc_return(struct cpu *c, uint32_t new_pc, uint32_t spsr)
{
    uint32_t old = c->pstate;
    int el = (spsr & 0x10) ? a32_mode_el(spsr & 0xf) : -1;
    bool illegal = el < 0 || (unsigned)el > c->el;
    if (illegal)
        spsr = (spsr & ~0x3fu) | (cpu_a32_cpsr(c) & 0x3f);
    if (!(spsr & 0x20))
        spsr &= ~(3u << 25 | 0x3fu << 10);      /* no ITSTATE in A32 */
    new_pc &= (spsr & 0x20) ? ~1u : ~3u;
    cpu_a32_enter(c, new_pc, spsr);
    unsigned nel = illegal ? c->el : (unsigned)el;
    uint32_t ps = (spsr & (PSTATE_A | PSTATE_I | PSTATE_F | PSTATE_IL)) | nel << PSTATE_EL_SHIFT |
                  (nel ? PSTATE_SP : 0);
    if (c->model->id_aa64mmfr1 >> 20 & 0xf)
        ps |= spsr & PSTATE_PAN;
    if (spsr & (1u << 23))
        ps |= PSTATE_SSBS;
    if (illegal)
        ps |= PSTATE_IL;
    c->pstate = ps;
    c->excl_addr = ~0ull;
    sys_pstate_changed(c, old);
}

/* SUBS PC, LR and friends, LDM with ^ and the PC, ERET: x[b] is the new PC,
 * the SPSR of the current mode the new CPSR. */
static const struct uop *op_a32_excret(cpu_t *c, uop_t *u)
{
    a32_exc_return(c, R(c, u->b), (uint32_t)*a32_spsr_ptr(c, cur_mode(c)));
    return NULL;
}

/* Modes with an SPSR (exception returns and SPSR accesses are
 * UNPREDICTABLE, here UNDEFINED, in usr and sys). */
static bool has_spsr(const struct xlat *x)
{
    unsigned m = a32_ctx_mode(x);
    return ctx_el(x->ctx) == 1 && m != M_SYS && m != M_USR;
}

bool a32_trans_excret(struct xlat *x, uint8_t slot)
{
    if (!has_spsr(x))
        return false;
    emit(x, op_a32_excret)->b = slot;
    x->end = true;
    return true;
}

/* ---- MRS / MSR ----------------------------------------------------------- */

/* MRS Rd, CPSR (e = 0: the execution-state bits read as 0) or SPSR (e = 1). */
static const struct uop *op_a32_mrs_priv(cpu_t *c, uop_t *u)
{
    if (u->e)
        c->x[u->a] = (uint32_t)*a32_spsr_ptr(c, cur_mode(c));
    else
        c->x[u->a] = a32_cpsr_full(c) & 0xf8ff03dfu;
    return u + 1;
}

bool a32_trans_mrs(struct xlat *x, unsigned r, uint8_t slot)
{
    if (ctx_el(x->ctx) == 0) {
        if (r)
            return false;
        emit(x, op_a32_mrs)->a = slot;
        return true;
    }
    if (r && !has_spsr(x))
        return false;
    struct uop *u = emit(x, op_a32_mrs_priv);
    u->a = slot;
    u->e = (uint8_t)r;
    return true;
}

/* MSR CPSR_<fields> at EL1 (CPSRWriteByInstr, privileged): f NZCVQ, s GE
 * and PAN, x A (E stays 0), c I, F and M.  e = mask, b/imm the value. */
static const struct uop *op_a32_msr_cpsr(cpu_t *c, uop_t *u)
{
    uint32_t v = R(c, u->b) | (uint32_t)u->imm;
    uint32_t old = c->pstate, ps = old;
    if (u->e & 8) {
        c->nzcv = v & 0xf0000000u;
        c->a32.q = v >> 27 & 1;
    }
    if (u->e & 4) {
        c->a32.ge = v >> 16 & 0xf;
        if (c->model->id_aa64mmfr1 >> 20 & 0xf)
            ps = (ps & ~PSTATE_PAN) | (v & PSTATE_PAN);
    }
    if (u->e & 2)
        ps = (ps & ~PSTATE_A) | (v & PSTATE_A);
    if (u->e & 1)
        ps = (ps & ~(PSTATE_I | PSTATE_F)) | (v & (PSTATE_I | PSTATE_F));
    c->pstate = ps;
    sys_pstate_changed(c, old);         /* masks, PAN (same EL) */
    if (u->e & 1)
        write_mode_by_insn(c, v & 0x1f);
    return u + 1;
}

/* MSR SPSR_<fields>: the bytes of the mask. */
static const struct uop *op_a32_msr_spsr(cpu_t *c, uop_t *u)
{
    uint32_t v = R(c, u->b) | (uint32_t)u->imm, bytes = 0;
    for (unsigned i = 0; i < 4; i++)
        if (u->e >> i & 1)
            bytes |= 0xffu << (8 * i);
    uint64_t *p = a32_spsr_ptr(c, cur_mode(c));
    *p = ((uint32_t)*p & ~bytes) | (v & bytes);
    return u + 1;
}

/* MSR at EL1 (a32.c handles EL0). */
bool a32_trans_msr_priv(struct xlat *x, unsigned r, unsigned mask, uint8_t slot, uint32_t imm)
{
    if (r && !has_spsr(x))
        return false;
    struct uop *u = emit(x, r ? op_a32_msr_spsr : op_a32_msr_cpsr);
    u->b = slot;
    u->imm = imm;
    u->e = (uint8_t)mask;
    if (!r && (mask & 7)) {
        /* Mode, masks or PAN may change: back to the dispatcher. */
        struct uop *g = emit(x, op_goto_nochain);
        g->imm = (uint32_t)x->pc + 4;     /* A32 and T32 MSR are 32-bit */
        x->end = true;
    }
    return true;
}

/* ---- banked registers (ARMv7VE MRS/MSR <banked_reg>) ---------------------- */

/* SYSm (m:m1) with R: the X slot of a banked register, an SPSR (returns
 * 0x100 | mode), or -1 (UNDEFINED: hyp/mon registers, reserved, or the
 * current mode's own register, which is UNPREDICTABLE). */
static int banked(const struct xlat *x, unsigned r, unsigned sysm)
{
    unsigned cur = a32_ctx_mode(x);
    if (ctx_el(x->ctx) != 1)
        return -1;
    if (r) {
        static const int8_t sp[32] = { [0x0e] = M_FIQ, [0x10] = M_IRQ, [0x12] = M_SVC, [0x14] = M_ABT,
                                       [0x16] = M_UND };
        if (!sp[sysm] || (unsigned)sp[sysm] == cur)
            return -1;
        return 0x100 | sp[sysm];
    }
    unsigned mode, reg;
    if (sysm <= 6) {
        mode = M_USR, reg = 8 + sysm;
        if (cur != M_FIQ && reg < 13)
            return -1;      /* r8_usr-r12_usr outside FIQ mode are the current ones */
        if (cur == M_SYS)
            return -1;
    } else if (sysm >= 8 && sysm <= 14) {
        mode = M_FIQ, reg = sysm;
    } else if (sysm >= 16 && sysm <= 23) {
        static const uint8_t modes[4] = { M_IRQ, M_SVC, M_ABT, M_UND };
        mode = modes[(sysm - 16) / 2], reg = (sysm & 1) ? 13 : 14;
    } else {
        return -1;
    }
    if (mode == cur)
        return -1;
    return (int)a32_slot(mode, reg);
}

static const struct uop *op_a32_movslot(cpu_t *c, uop_t *u)
{
    c->x[u->a] = R(c, u->b);
    return u + 1;
}

/* e = mode of the SPSR; f = 1 write (from b), 0 read (to a). */
static const struct uop *op_a32_spsr_banked(cpu_t *c, uop_t *u)
{
    uint64_t *p = a32_spsr_ptr(c, u->e);
    if (u->f)
        *p = R(c, u->b);
    else
        c->x[u->a] = (uint32_t)*p;
    return u + 1;
}

bool a32_trans_banked(struct xlat *x, bool write, unsigned r, unsigned sysm, unsigned reg)
{
    int b = banked(x, r, sysm);
    if (b < 0 || reg == 15)
        return false;
    struct uop *u;
    if (b & 0x100) {
        u = emit(x, op_a32_spsr_banked);
        u->e = (uint8_t)(b & 0xf);
        u->f = write;
    } else {
        u = emit(x, op_a32_movslot);
    }
    if (write) {
        u->a = (b & 0x100) ? 0 : (uint8_t)b;
        u->b = a32_wreg(x, reg);
    } else {
        u->a = a32_wreg(x, reg);
        u->b = (b & 0x100) ? 0 : (uint8_t)b;
    }
    return true;
}

bool trans_a32_MRS_banked(struct xlat *x, const arg_a32_MRS_banked *a)
{
    return a32_trans_banked(x, false, a->r, a->m << 4 | a->m1, a->rd);
}

bool trans_a32_MSR_banked(struct xlat *x, const arg_a32_MSR_banked *a)
{
    return a32_trans_banked(x, true, a->r, a->m << 4 | a->m1, a->rn);
}

bool trans_t32_MRS_banked(struct xlat *x, const arg_t32_MRS_banked *a)
{
    return a->rd != 13 && a32_trans_banked(x, false, a->r, a->m << 4 | a->m1, a->rd);
}

bool trans_t32_MSR_banked(struct xlat *x, const arg_t32_MSR_banked *a)
{
    return a->rn != 13 && a32_trans_banked(x, true, a->r, a->m << 4 | a->m1, a->rn);
}

/* ---- CPS ----------------------------------------------------------------- */

/* imm: bit 0-2 F, I, A; e: imod (2 enable, 3 disable, 0 none); f: mode | 0x20 to change it. */
static const struct uop *op_a32_cps(cpu_t *c, uop_t *u)
{
    uint32_t old = c->pstate;
    uint32_t bits = ((u->imm & 1) ? PSTATE_F : 0) | ((u->imm & 2) ? PSTATE_I : 0) | ((u->imm & 4) ? PSTATE_A : 0);
    if (u->e == 2)
        c->pstate &= ~bits;
    else if (u->e == 3)
        c->pstate |= bits;
    sys_pstate_changed(c, old);
    if (u->f & 0x20)
        write_mode_by_insn(c, u->f & 0x1f);
    return u + 1;
}

/* CPS is a NOP at EL0; imod 01 and imod = 00 with M = 0 are UNPREDICTABLE. */
bool a32_trans_cps(struct xlat *x, unsigned imod, unsigned m, unsigned aif, unsigned mode, unsigned len)
{
    if (imod == 1 || (imod == 0 && !m) || ((imod & 2) && !aif) || (!(imod & 2) && aif))
        return false;
    if (!m && mode)
        return false;
    if (ctx_el(x->ctx) == 0)
        return true;
    struct uop *u = emit(x, op_a32_cps);
    u->imm = aif;
    u->e = (uint8_t)imod;
    u->f = (uint8_t)(m ? 0x20 | (mode & 0x1f) : 0);
    struct uop *g = emit(x, op_goto_nochain);
    g->imm = (uint32_t)x->pc + len;
    x->end = true;
    return true;
}

bool trans_a32_CPS(struct xlat *x, const arg_a32_CPS *a)
{
    return a32_trans_cps(x, a->imod, a->m, a->a << 2 | a->i << 1 | a->f, a->mode, 4);
}

bool trans_t16_CPS(struct xlat *x, const arg_t16_CPS *a)
{
    if (x->it & 0xf)
        return false;
    return a32_trans_cps(x, a->im ? 3 : 2, 0, a->a << 2 | a->i << 1 | a->f, 0, 2);
}

bool trans_t32_CPS(struct xlat *x, const arg_t32_CPS *a)
{
    if (x->it & 0xf)
        return false;
    return a32_trans_cps(x, a->imod, a->m, a->a << 2 | a->i << 1 | a->f, a->mode, 4);
}

/* ---- SRS / RFE ----------------------------------------------------------- */

static inline uint32_t block_start(uint32_t base, unsigned f, unsigned n)
{
    return (f & AM_U) ? base + ((f & AM_P) ? 4 : 0) : base - 4 * n + ((f & AM_P) ? 0 : 4);
}

/* SRS: store LR and SPSR of the current mode on the stack of mode e (b =
 * its SP slot), f = P/U/W. */
static const struct uop *op_a32_srs(cpu_t *c, uop_t *u)
{
    uint32_t base = R(c, u->b), a = block_start(base, u->f, 2);
    if (a & 3)
        a32_align_fault(c, u, a, true);
    st32(c, u, a, R(c, u->a));
    st32(c, u, a + 4, (uint32_t)*a32_spsr_ptr(c, cur_mode(c)));
    if (u->f & AM_W)
        c->x[u->b] = (u->f & AM_U) ? base + 8 : base - 8;
    return u + 1;
}

/* RFE: load the PC and the CPSR from [b], f = P/U/W; then an exception
 * return with them. */
static const struct uop *op_a32_rfe(cpu_t *c, uop_t *u)
{
    uint32_t base = R(c, u->b), a = block_start(base, u->f, 2);
    if (a & 3)
        a32_align_fault(c, u, a, false);
    uint32_t pc = (uint32_t)ld32(c, u, a), psr = (uint32_t)ld32(c, u, a + 4);
    if (u->f & AM_W)
        c->x[u->b] = (u->f & AM_U) ? base + 8 : base - 8;
    a32_exc_return(c, pc, psr);
    return NULL;
}

bool a32_trans_srs(struct xlat *x, unsigned p, unsigned uu, unsigned w, unsigned mode)
{
    if (!has_spsr(x) || a32_mode_el(mode & 0xf) != 1 || !(mode & 0x10))
        return false;
    struct uop *u = emit(x, op_a32_srs);
    u->a = a32_wreg(x, 14);
    u->b = (uint8_t)a32_slot(mode & 0xf, 13);
    u->f = (uint8_t)((p ? AM_P : 0) | (uu ? AM_U : 0) | (w ? AM_W : 0));
    return true;
}

bool a32_trans_rfe(struct xlat *x, unsigned p, unsigned uu, unsigned w, unsigned rn)
{
    if (ctx_el(x->ctx) != 1 || rn == 15)
        return false;
    struct uop *u = emit(x, op_a32_rfe);
    u->b = a32_wreg(x, rn);
    u->f = (uint8_t)((p ? AM_P : 0) | (uu ? AM_U : 0) | (w ? AM_W : 0));
    x->end = true;
    return true;
}

bool trans_a32_SRS(struct xlat *x, const arg_a32_SRS *a) { return a32_trans_srs(x, a->p, a->u, a->w, a->mode); }
bool trans_a32_RFE(struct xlat *x, const arg_a32_RFE *a) { return a32_trans_rfe(x, a->p, a->u, a->w, a->rn); }

/* T32: op 00 = DB, 11 = IA. */
bool trans_t32_SRS(struct xlat *x, const arg_t32_SRS *a)
{
    if (x->it & 0xf)
        return false;
    return a32_trans_srs(x, a->op == 0, a->op == 3, a->w, a->mode);
}

bool trans_t32_RFE(struct xlat *x, const arg_t32_RFE *a)
{
    if ((x->it & 0xf) && (x->it & 0xf) != 8)
        return false;   /* only last in an IT block */
    return a32_trans_rfe(x, a->op == 0, a->op == 3, a->w, a->rn);
}

/* ---- exception-generating and hint instructions ---------------------------- */

#define EC_WFX32 0x01
#define EC_HVC32 0x12
#define EC_SMC32 0x13

/* ISS CV = 1 and COND (the instruction passed its condition). */
static inline uint32_t cv_cond(unsigned cond) { return 1u << 24 | cond << 20; }

/* HVC: imm = imm16, imm<63:32> the next instruction. */
static const struct uop *op_a32_hvc(cpu_t *c, uop_t *u)
{
    uint64_t next = u->imm >> 32;
    if (c->el2_enabled) {
        if (c->sr.hcr_el2 & HCR_HCD)
            cpu_raise_undef(c, u);
        c->exc.target_el = 2;
        cpu_raise(c, next, EC_HVC32, (uint32_t)u->imm & 0xffff, 0);
    }
    /* No EL2: the VMM's firmware (PSCI over HVC), as in AArch64. */
    c->pc = next;
    c->exc.iss = (uint32_t)u->imm & 0xffff;
    c->exc.ec = EC_HVC64;
    cpu_exit_now(c, CPU_EXIT_HVC);
}

/* SMC: HCR_EL2.TSC traps it to EL2 (EC 0x13, ELR the SMC), else the VMM's
 * firmware with EL2, UNDEFINED without (as in AArch64).  f = cond. */
static const struct uop *op_a32_smc(cpu_t *c, uop_t *u)
{
    uint64_t pc = uop_pc_any(c, u);
    if (!c->el2_enabled)
        cpu_raise_undef(c, u);
    if (c->sr.hcr_el2 & HCR_TSC) {
        c->exc.target_el = 2;
        cpu_raise(c, pc, EC_SMC32, cv_cond(u->f) | 1u << 19, 0);    /* CCKNOWNPASS */
    }
    c->pc = u->imm >> 32;
    c->exc.iss = 0;
    c->exc.ec = EC_SMC64;
    cpu_exit_now(c, CPU_EXIT_HVC);
}

static bool trans_call(struct xlat *x, uop_fn fn, uint32_t imm, unsigned len)
{
    if (ctx_el(x->ctx) == 0 || (x->ctx & CTX_USER))
        return false;
    struct uop *u = emit(x, fn);
    u->imm = imm | (x->pc + len) << 32;
    u->f = (uint8_t)a32_trap_cond(x);
    x->end = true;
    return true;
}

bool trans_a32_HVC(struct xlat *x, const arg_a32_HVC *a)
{
    if ((x->insn >> 28) != 14)
        return false;   /* HVC is unconditional */
    return trans_call(x, op_a32_hvc, a->imm12 << 4 | a->imm4, 4);
}

bool trans_a32_SMC(struct xlat *x, const arg_a32_SMC *a) { return trans_call(x, op_a32_smc, 0, 4); }

bool trans_t32_HVC(struct xlat *x, const arg_t32_HVC *a)
{
    if (x->it & 0xf)
        return false;
    return trans_call(x, op_a32_hvc, a->imm4 << 12 | a->imm12, 4);
}

bool trans_t32_SMC(struct xlat *x, const arg_t32_SMC *a)
{
    if ((x->it & 0xf) && (x->it & 0xf) != 8)
        return false;
    return trans_call(x, op_a32_smc, 0, 4);
}

/* ERET at EL1 (not hyp): SUBS PC, LR, #0. */
bool trans_a32_ERET(struct xlat *x, const arg_a32_ERET *a) { return a32_trans_excret(x, a32_wreg(x, 14)); }

/* WFI (e = 0) / WFE (e = 1); f = cond, d = 1 for a 16-bit T32 encoding,
 * imm = the next instruction.  At EL0, SCTLR.nTWI/nTWE = 0 traps to EL1
 * (UNDEFINED when EL1 is AArch32); then HCR_EL2.TWI/TWE to EL2 (EC 0x01). */
static const struct uop *op_a32_wfx(cpu_t *c, uop_t *u)
{
    bool wfe = u->e;
    uint64_t pc = uop_pc_any(c, u);
    uint32_t iss = cv_cond(u->f) | wfe;
    bool host = cpu_host_regime(c);
    if (c->el == 0) {
        uint64_t sctlr = host ? c->sr.sctlr_el2 : c->sr.sctlr_el1;
        if (!(sctlr >> (wfe ? 18 : 16) & 1)) {
            if (cpu_el1_a32(c) && !(c->el2_enabled && (c->sr.hcr_el2 & HCR_TGE)))
                cpu_raise_undef(c, u);
            c->exc.il16 = u->d;
            cpu_raise(c, pc, EC_WFX32, iss, 0);
        }
    }
    if (c->el2_enabled && !(c->sr.hcr_el2 & HCR_TGE) && (c->sr.hcr_el2 & (wfe ? HCR_TWE : HCR_TWI))) {
        c->exc.target_el = 2;
        c->exc.il16 = u->d;
        cpu_raise(c, pc, EC_WFX32, iss, 0);
    }
    if (wfe || sys_wfi_wakeup(c))
        return a32_jump(c, (uint32_t)u->imm, -1);
    c->pc = (uint32_t)u->imm;
    cpu_exit_now(c, CPU_EXIT_WFI);
}

/* Hints: WFE (2) and WFI (3) wait or trap; the others (NOP, YIELD, SEV,
 * SEVL, ESB, CSDB, DBG, unallocated) are NOPs. */
bool a32_trans_hint(struct xlat *x, unsigned op, unsigned len)
{
    if ((x->ctx & CTX_USER) || (op != 2 && op != 3))
        return true;
    struct uop *u = emit(x, op_a32_wfx);
    u->e = op == 2;
    u->f = (uint8_t)a32_trap_cond(x);
    u->d = len == 2;
    u->imm = (uint32_t)x->pc + len;
    x->end = true;
    return true;
}

/* ---- FP system registers at EL1 ---------------------------------------------- */

/* FPSID: implementer 'N', subarchitecture 3 (VFPv3 common, v2), part 0x40. */
#define FPSID_VALUE 0x4e034000u
#define FPEXC_EN (1u << 30)

/* VMRS Rt, <reg> (e = reg, a = Rt slot, f = cond): HCR_EL2.TID0 (FPSID) and
 * TID3 (MVFRx) trap to EL2 with EC 0x08. */
static const struct uop *op_a32_vmrs_id(cpu_t *c, uop_t *u)
{
    uint64_t tid = u->e == 0 ? 1ull << 15 : u->e == 8 ? 0 : 1ull << 18;
    if (c->el2_enabled && c->el < 2 && !cpu_host_regime(c) && (c->sr.hcr_el2 & tid)) {
        c->exc.target_el = 2;
        cpu_raise(c, uop_pc_any(c, u), 0x08,
                  cv_cond(u->f) | 7u << 14 | (uint32_t)u->e << 10 | (u->insn >> 12 & 0xf) << 5 | 1, 0);
    }
    uint32_t v;
    switch (u->e) {
    case 0: v = FPSID_VALUE; break;
    case 5: v = c->model->mvfr2; break;
    case 6: v = c->model->mvfr1; break;
    case 7: v = c->model->mvfr0; break;
    default: v = (uint32_t)c->sr.fpexc32_el2; break;
    }
    c->x[u->a] = v;
    return u + 1;
}

/* VMSR FPEXC, Rt: EN is the only writable bit (no sub-architecture
 * exception state). */
static const struct uop *op_a32_vmsr_fpexc(cpu_t *c, uop_t *u)
{
    c->sr.fpexc32_el2 = R(c, u->a) & FPEXC_EN;
    return u + 1;
}

bool a32_trans_vfp_sysreg(struct xlat *x, bool read, unsigned reg, unsigned rt)
{
    if (ctx_el(x->ctx) != 1 || rt == 15 || (rt == 13 && a32_ctx_t32(x)))
        return false;
    if (reg != 0 && reg != 5 && reg != 6 && reg != 7 && reg != 8)
        return false;
    if (!read) {
        if (reg == 0)
            return true;        /* FPSID: writes ignored */
        if (reg != 8)
            return false;       /* MVFRx are read-only */
        emit(x, op_a32_vmsr_fpexc)->a = a32_wreg(x, rt);
        /* FPEXC.EN is in the translation context (CTX_FPEXC_OFF). */
        struct uop *g = emit(x, op_goto_nochain);
        g->imm = (uint32_t)x->pc + 4;
        x->end = true;
        return true;
    }
    struct uop *u = emit(x, op_a32_vmrs_id);
    u->e = (uint8_t)reg;
    u->a = a32_wreg(x, rt);
    u->f = (uint8_t)a32_trap_cond(x);
    return true;
}

/* ---- reset into AArch32 EL1 ------------------------------------------------ */

void cpu_a32_reset_el1(struct cpu *c, uint32_t pc, uint32_t r0, uint32_t r1, uint32_t r2)
{
    sys_reset(c, 1, pc);
    c->el1_a32_reset = true;
    /* SCTLR: MMU, caches and alignment checks off, V = TE = EE = 0; RES1
     * bits 3, 4, 11, 22, 23 (SPAN), nTWI/nTWE, CP15BEN. */
    c->sr.sctlr_el1 = 1u << 23 | 1u << 22 | 1u << 18 | 1u << 16 | 1u << 11 | 1u << 5 | 1u << 4 | 1u << 3;
    c->sr.fpexc32_el2 = 0;
    for (unsigned r = 0; r < 31; r++)
        c->x[r] = 0;
    c->x[0] = r0;
    c->x[1] = r1;
    c->x[2] = r2;
    uint32_t old = c->pstate;
    c->pstate = 1u << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_A | PSTATE_I | PSTATE_F;
    cpu_a32_enter(c, pc & ~1u, (pc & 1) ? 0x20 | 0x13 : 0x13);
    sys_pstate_changed(c, old);
}
