/* System instructions: hints, barriers, PSTATE access, MSR/MRS and the SYS
 * space (cache, TLB and address-translation maintenance). */
#include "uop.h"
#include "nv.h"
#include "sysreg.h"
#include "system.h"
#include "traps.h"

/* The SCTLR whose EL0 controls (DZE, UCI, nTWI ...) apply: SCTLR_EL2 in the
 * EL2&0 host regime (E2H and TGE), else SCTLR_EL1. */
static uint64_t el0_sctlr(const struct cpu *c)
{
    return cpu_host_regime(c) ? c->sr.sctlr_el2 : c->sr.sctlr_el1;
}

/* EL0 cache maintenance needs SCTLR.UCI; otherwise it traps (EC 0x18). */
static void check_el0_uci(struct cpu *c, const struct uop *u)
{
    if (!c->user_mode && c->el == 0 && !(el0_sctlr(c) >> 26 & 1))
        cpu_raise(c, uop_pc(c, u), EC_SYSREG, 0, 0);
}

static bool is_user(const struct xlat *x)
{
    return x->ctx & CTX_USER;
}

/* End the block after the current instruction without chaining (state that
 * translation depends on may have changed). */
static void end_block(struct xlat *x)
{
    struct uop *g = emit(x, op_goto_nochain);
    g->imm = x->pc + 4;
    x->end = true;
}

/* ---- hints --------------------------------------------------------------- */

/* WFI/WFE: trap to EL2 (HCR_EL2.TWI/TWE) or EL1 (SCTLR_EL1.nTWI/nTWE clear
 * at EL0); otherwise WFI leaves the run loop to idle unless an interrupt is
 * already pending.  WFE is a hint that completes at once. */
static const struct uop *op_wfx(struct cpu *c, const struct uop *u)
{
    bool wfe = u->e;
    uint64_t pc = uop_pc(c, u);
    if (c->el == 0 && !(el0_sctlr(c) >> (wfe ? 18 : 16) & 1))
        cpu_raise(c, pc, EC_WFX, wfe, 0);
    if (c->el < 2 && c->el2_enabled && !(c->sr.hcr_el2 & HCR_TGE) && (c->sr.hcr_el2 & (wfe ? HCR_TWE : HCR_TWI))) {
        struct exc_info *e = &c->exc;
        e->target_el = 2;
        cpu_raise(c, pc, EC_WFX, wfe, 0);
    }
    if (wfe || sys_wfi_wakeup(c))
        return chain_to(c, pc + 4, 0);
    c->pc = pc + 4;
    cpu_exit_now(c, CPU_EXIT_WFI);
}

bool pauth_trans_hint(struct xlat *x, unsigned op);    /* pauth.c */

bool trans_HINT(struct xlat *x, const arg_HINT *a)
{
    unsigned op = a->crm << 3 | a->op2;
    if (!is_user(x) && (op == 2 || op == 3)) {   /* WFE, WFI */
        struct uop *u = emit(x, op_wfx);
        u->e = op == 2;
        x->end = true;
        return true;
    }
    if (pauth_trans_hint(x, op))    /* PACIASP ... XPACLRI with FEAT_PAuth */
        return true;
    /* NOP, YIELD, SEV(L), DGH, ESB, CSDB, BTI, and the pointer-authentication
     * hints of a CPU without PAuth: no architectural effect here. */
    return true;
}

/* ---- barriers ------------------------------------------------------------ */

static const struct uop *op_clrex(struct cpu *c, const struct uop *u)
{
    c->excl_addr = ~0ull;
    return u + 1;
}

static const struct uop *op_fence(struct cpu *c, const struct uop *u)
{
    (void)c;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return u + 1;
}

bool trans_CLREX(struct xlat *x, const arg_CLREX *a)
{
    (void)a;
    emit(x, op_clrex);
    return true;
}

bool trans_DSB(struct xlat *x, const arg_DSB *a)
{
    (void)a;
    emit(x, op_fence);
    return true;
}

bool trans_DMB(struct xlat *x, const arg_DMB *a)
{
    /* A full fence covers every DMB option on any host memory model. */
    (void)a;
    emit(x, op_fence);
    return true;
}

bool trans_ISB(struct xlat *x, const arg_ISB *a)
{
    /* Context synchronization: leave the block so pending invalidations and
     * interrupts are looked at. */
    (void)a;
    end_block(x);
    return true;
}

bool trans_SB(struct xlat *x, const arg_SB *a)
{
    (void)x, (void)a;
    return true;
}

/* ---- PSTATE -------------------------------------------------------------- */

static const struct uop *op_cfinv(struct cpu *c, const struct uop *u)
{
    c->nzcv ^= NZCV_C;
    return u + 1;
}

static const struct uop *op_xaflag(struct cpu *c, const struct uop *u)
{
    uint32_t f = c->nzcv, C = !!(f & NZCV_C), Z = !!(f & NZCV_Z);
    uint32_t n = !C && !Z, z = Z && C, cc = C || Z, v = !C && Z;
    c->nzcv = n << 31 | z << 30 | cc << 29 | v << 28;
    return u + 1;
}

static const struct uop *op_axflag(struct cpu *c, const struct uop *u)
{
    uint32_t f = c->nzcv, C = !!(f & NZCV_C), Z = !!(f & NZCV_Z), V = !!(f & NZCV_V);
    c->nzcv = (Z | V) << 30 | (C & !V) << 29;
    return u + 1;
}

bool trans_CFINV(struct xlat *x, const arg_CFINV *a) { (void)a; emit(x, op_cfinv); return true; }
bool trans_XAFLAG(struct xlat *x, const arg_XAFLAG *a) { (void)a; emit(x, op_xaflag); return true; }
bool trans_AXFLAG(struct xlat *x, const arg_AXFLAG *a) { (void)a; emit(x, op_axflag); return true; }

/* PSTATE field writes: imm = bits to clear, e/f unused, insn keeps CRm. */
static const struct uop *op_pstate_write(struct cpu *c, const struct uop *u)
{
    uint32_t old = c->pstate;
    uint32_t clear = (uint32_t)u->imm, set = (uint32_t)(u->imm >> 32);
    c->pstate = (old & ~clear) | set;
    sys_pstate_changed(c, old);
    return u + 1;
}

bool trans_MSR_imm(struct xlat *x, const arg_MSR_imm *a)
{
    unsigned el = ctx_el(x->ctx);
    uint32_t clear, set;
    unsigned crm = a->crm;
    unsigned field = a->op1 << 3 | a->op2;
    const struct cpu_model *m = x->cpu->model;
    switch (field) {
    case 0 << 3 | 5:    /* SPSel */
        if (el == 0)
            return false;
        clear = PSTATE_SP, set = (crm & 1) ? PSTATE_SP : 0;
        break;
    case 3 << 3 | 6:    /* DAIFSet */
    case 3 << 3 | 7:    /* DAIFClr */
        if (el == 0)    /* SCTLR_EL1.UMA is not supported: trap as UNDEFINED */
            return false;
        clear = (crm & 0xf) << 6;
        set = a->op2 == 6 ? clear : 0;
        break;
    case 0 << 3 | 4:    /* PAN */
        if (el == 0 || !(m->id_aa64mmfr1 >> 20 & 0xf))
            return false;
        clear = PSTATE_PAN, set = (crm & 1) ? PSTATE_PAN : 0;
        break;
    case 0 << 3 | 3:    /* UAO */
        if (el == 0 || !(m->id_aa64mmfr2 >> 4 & 0xf))
            return false;
        clear = PSTATE_UAO, set = (crm & 1) ? PSTATE_UAO : 0;
        break;
    case 3 << 3 | 2:    /* DIT */
        if (!(m->id_aa64pfr0 >> 48 & 0xf))
            return false;
        clear = PSTATE_DIT, set = (crm & 1) ? PSTATE_DIT : 0;
        break;
    case 3 << 3 | 1:    /* SSBS */
        if (!(m->id_aa64pfr1 >> 4 & 0xf))
            return false;
        clear = PSTATE_SSBS, set = (crm & 1) ? PSTATE_SSBS : 0;
        break;
    default:
        return false;
    }
    if (is_user(x))
        return false;
    emit(x, op_pstate_write)->imm = (uint64_t)set << 32 | clear;
    if (field == (3 << 3 | 7))
        end_block(x);   /* an unmasked interrupt is taken right after */
    return true;
}

/* ---- cache maintenance --------------------------------------------------- */

static const struct uop *op_dc_zva(struct cpu *c, const struct uop *u)
{
    if (!c->user_mode && c->el == 0 && !(el0_sctlr(c) >> 14 & 1))   /* SCTLR.DZE */
        cpu_raise(c, uop_pc(c, u), EC_SYSREG, 0, 0);
    unsigned bs = 4u << (c->model->dczid & 0xf);
    uint64_t va = c->x[u->a] & ~(uint64_t)(bs - 1);
    uint8_t *p = mem_ptr(c, u, va, bs, ACC_WRITE);
    memset(p, 0, bs);
    return u + 1;
}

/* Clean/invalidate by VA: no data effect (memory is coherent), but the address
 * must translate (an unmapped one faults as a read). */
static const struct uop *op_dc_maint(struct cpu *c, const struct uop *u)
{
    check_el0_uci(c, u);
    (void)ld8(c, u, c->x[u->a]);
    return u + 1;
}

/* Invalidate by VA at EL1: needs write permission; acts as clean+invalidate. */
static const struct uop *op_dc_ivac(struct cpu *c, const struct uop *u)
{
    (void)mem_ptr(c, u, c->x[u->a] & ~63ull, 1, ACC_WRITE);
    return u + 1;
}

/* IC IVAU: code written by DMA (not seen by the CPU's write tracking) becomes
 * visible here; drop translations if the line's page holds code. */
static const struct uop *op_ic_ivau(struct cpu *c, const struct uop *u)
{
    uint64_t va = c->x[u->a];
    check_el0_uci(c, u);
    uint8_t *p = mem_ptr(c, u, va & ~63ull, 1, ACC_READ);
    cpu_code_invalidate_host(c, p, 64);
    if (c->env.ic_broadcast)
        c->env.ic_broadcast(c->env.opaque, c, p, 64);
    return u + 1;
}

/* e: 1 for the inner-shareable (broadcast) form. */
static const struct uop *op_ic_iallu(struct cpu *c, const struct uop *u)
{
    cpu_code_invalidate_all(c);
    if (u->e && c->env.ic_broadcast)
        c->env.ic_broadcast(c->env.opaque, c, NULL, 0);
    return u + 1;
}

/* ---- TLB maintenance ----------------------------------------------------- */

#define MASK_EL2 (1u << MMU_EL2)
#define MASK_EL20 (1u << MMU_EL20_0 | 1u << MMU_EL20_2 | 1u << MMU_EL20_2_PAN)

void cpu_tlbi(struct cpu *c, unsigned mask, bool by_va, uint64_t va, bool is)
{
    bool whole = !by_va;
    for (unsigned m = 0; m < NUM_MMU_IDX && !whole; m++)
        if ((mask >> m & 1) && c->large_page_mask[m] && (va & c->large_page_mask[m]) == c->large_page_addr[m])
            whole = true;
    if (whole) {
        cpu_tlb_flush_mmu_idx(c, mask);
        for (unsigned m = 0; m < NUM_MMU_IDX; m++)
            if (mask >> m & 1)
                c->large_page_mask[m] = c->large_page_addr[m] = 0;
    } else {
        cpu_tlb_flush_page_mmu_idx(c, va, mask);
    }
    if (is && c->env.tlbi_broadcast)
        c->env.tlbi_broadcast(c->env.opaque, c, mask);
}

/* imm: regime mask; e: 1 = by VA (Xt holds VA[55:12]); f: 1 = broadcast (IS). */
static const struct uop *op_tlbi(struct cpu *c, const struct uop *u)
{
    uint64_t va = (uint64_t)((int64_t)(c->x[u->a] << 20) >> 8);    /* VA[55:12] sign-extended */
    cpu_tlbi(c, (unsigned)u->imm, u->e, va, u->f);
    return u + 1;
}

/* The EL1&0 regime's TLBs as seen from EL2 with E2H+TGE are the EL2&0 ones. */
static unsigned el1_regime_mask(uint32_t ctx)
{
    if ((ctx & CTX_E2H) && (ctx & CTX_TGE) && (ctx & CTX_EL_MASK) == 2)
        return MASK_EL20;
    return MASK_EL10;
}

static bool trans_tlbi(struct xlat *x, unsigned op1, unsigned crm, unsigned op2, unsigned rt)
{
    unsigned el = ctx_el(x->ctx);
    bool is = crm == 3 || crm == 0;   /* inner shareable forms */
    bool by_va;
    unsigned mask;
    if (op1 == 0 && el >= 1 && (crm == 3 || crm == 7)) {
        switch (op2) {
        case 0: case 2: by_va = false; break;                  /* VMALLE1, ASIDE1 */
        case 1: case 3: case 5: case 7: by_va = true; break;   /* VAE1, VAAE1, VALE1, VAALE1 */
        default: return false;
        }
        mask = el1_regime_mask(x->ctx);
    } else if (op1 == 4 && el == 2 && (crm == 0 || crm == 3 || crm == 4 || crm == 7)) {
        unsigned e2h_mask = (x->ctx & CTX_E2H) ? MASK_EL20 : MASK_EL2;
        if (crm == 0 || crm == 4) {             /* IPAS2E1, IPAS2LE1: stage-2 entries */
            if (op2 != 1 && op2 != 5)
                return false;
            by_va = false;
            mask = MASK_EL10;
        } else {
            switch (op2) {
            case 0: by_va = false; mask = e2h_mask; break;            /* ALLE2 */
            case 1: case 5: by_va = true; mask = e2h_mask; break;     /* VAE2, VALE2 */
            case 4: by_va = false; mask = MASK_EL10 | MASK_EL20; break; /* ALLE1 */
            case 6: by_va = false; mask = MASK_EL10; break;           /* VMALLS12E1 */
            default: return false;
            }
        }
        is = crm == 0 || crm == 3;
    } else {
        return false;
    }
    struct uop *u = emit(x, op_tlbi);
    u->imm = mask;
    u->a = rx(rt);
    u->e = by_va;
    u->f = is;
    return true;
}

/* ---- address translation ------------------------------------------------- */

/* e: EL to translate for; f: bit0 write, bit1 with stage 2, bit2 PAN-checked */
static const struct uop *op_at(struct cpu *c, const struct uop *u)
{
    c->sr.par_el1 = mmu_at(c, c->x[u->a], u->e, u->f & 1, u->f & 2);
    return u + 1;
}

static bool trans_at(struct xlat *x, unsigned op1, unsigned crm, unsigned op2, unsigned rt)
{
    unsigned el = ctx_el(x->ctx);
    unsigned target, flags = op2 & 1;
    if (op1 == 0 && crm == 8 && el >= 1) {
        target = op2 < 2 ? 1 : op2 < 4 ? 0 : 99;          /* S1E1R/W, S1E0R/W */
        if (target == 99)
            return false;
    } else if (op1 == 0 && crm == 9 && el >= 1 && op2 < 2) {
        target = 1;                                        /* S1E1RP/WP */
        flags |= 4;
    } else if (op1 == 4 && crm == 8 && el == 2) {
        switch (op2) {
        case 0: case 1: target = 2; break;                 /* S1E2R/W */
        case 4: case 5: target = 1; flags |= 2; break;     /* S12E1R/W */
        case 6: case 7: target = 0; flags |= 2; break;     /* S12E0R/W */
        default: return false;
        }
    } else {
        return false;
    }
    if (op1 == 0 && el == 1 && (x->ctx & CTX_EL2))
        nv_trans_at_check(x, SYSREG_KEY(1, op1, 7, crm, op2), rt);     /* HCR_EL2.AT */
    struct uop *u = emit(x, op_at);
    u->a = rx(rt);
    u->e = (uint8_t)target;
    u->f = (uint8_t)flags;
    return true;
}

bool trans_SYS(struct xlat *x, const arg_SYS *a)
{
    unsigned el = ctx_el(x->ctx);
    uint32_t key = SYSREG_KEY(1, a->op1, a->crn, a->crm, a->op2);
    uop_fn fn = NULL;
    if ((x->ctx & CTX_NV) && a->op1 == 4) {
        /* FEAT_NV: an EL2 operation at EL1 traps to EL2 if EL2 has it. */
        uint32_t ctx = x->ctx;
        unsigned n = x->nuops;
        bool end = x->end;
        x->ctx = (ctx & ~(CTX_EL_MASK | CTX_NV | CTX_NV1 | CTX_NV2)) | 2;
        bool exists = trans_SYS(x, a);
        x->ctx = ctx, x->nuops = n, x->end = end;
        return exists && nv_trans_sys_trap(x, key, a->rt);
    }
    if (!is_user(x))
        traps_emit(x, traps_sys_groups(key), false);   /* dropped if UNDEFINED */
    if (a->crn == 8)
        return !is_user(x) && trans_tlbi(x, a->op1, a->crm, a->op2, a->rt);
    if (a->crn == 7 && (a->crm == 8 || a->crm == 9))
        return !is_user(x) && trans_at(x, a->op1, a->crm, a->op2, a->rt);
    switch (key) {
    case SYSREG_KEY(1, 3, 7, 4, 1): fn = op_dc_zva; break;                        /* DC ZVA */
    case SYSREG_KEY(1, 3, 7, 11, 1):                                               /* DC CVAU */
    case SYSREG_KEY(1, 3, 7, 10, 1):                                               /* DC CVAC */
    case SYSREG_KEY(1, 3, 7, 14, 1):                                               /* DC CIVAC */
    case SYSREG_KEY(1, 3, 7, 12, 1):                                               /* DC CVAP */
    case SYSREG_KEY(1, 3, 7, 13, 1):                                               /* DC CVADP */
        fn = op_dc_maint;
        break;
    case SYSREG_KEY(1, 3, 7, 5, 1):                                                /* IC IVAU */
        fn = op_ic_ivau;
        break;
    case SYSREG_KEY(1, 0, 7, 6, 1):                                                /* DC IVAC */
        if (el == 0)
            return false;
        fn = op_dc_ivac;
        break;
    case SYSREG_KEY(1, 0, 7, 6, 2):                                                /* DC ISW */
    case SYSREG_KEY(1, 0, 7, 10, 2):                                               /* DC CSW */
    case SYSREG_KEY(1, 0, 7, 14, 2):                                               /* DC CISW */
        if (el == 0)
            return false;
        return true;                     /* set/way: no effect on coherent memory */
    case SYSREG_KEY(1, 0, 7, 1, 0):                                                /* IC IALLUIS */
    case SYSREG_KEY(1, 0, 7, 5, 0):                                                /* IC IALLU */
        if (el == 0)
            return false;
        fn = op_ic_iallu;
        break;
    default:
        return false;
    }
    struct uop *u = emit(x, fn);
    u->a = rx(a->rt);
    u->e = key == SYSREG_KEY(1, 0, 7, 1, 0);   /* IC IALLUIS */
    if (fn == op_ic_ivau || fn == op_ic_iallu)
        end_block(x);
    return true;
}

bool trans_SYSL(struct xlat *x, const arg_SYSL *a)
{
    (void)x, (void)a;
    return false;
}

bool trans_MRS(struct xlat *x, const arg_MRS *a)
{
    return sysreg_trans_read(x, SYSREG_KEY(2 + a->o0, a->op1, a->crn, a->crm, a->op2), wx(a->rt));
}

bool trans_MSR_reg(struct xlat *x, const arg_MSR_reg *a)
{
    return sysreg_trans_write(x, SYSREG_KEY(2 + a->o0, a->op1, a->crn, a->crm, a->op2), rx(a->rt));
}


/* ---- FP/SIMD access trap ------------------------------------------------- */

static const struct uop *op_fp_trap(struct cpu *c, const struct uop *u)
{
    /* Which control trapped decides the target EL. */
    unsigned el = c->el;
    unsigned target = el == 2 ? 2 : 1;
    unsigned fpen = (unsigned)(c->sr.cpacr_el1 >> 20) & 3;
    bool host = cpu_host_regime(c);
    bool cpacr_traps = el < 2 && !host && (fpen == 0 || fpen == 2 || (fpen == 1 && el == 0));
    /* AArch32.CheckAdvSIMDOrFPEnabled: after CPACR, FPEXC.EN = 0 (e = 1,
     * CTX_FPEXC_OFF) is UNDEFINED at EL0/EL1; CPTR_EL2 comes after both. */
    if (!cpacr_traps && u->e)
        cpu_raise_undef(c, u);
    if (!cpacr_traps)
        target = 2;
    else if (el == 0 && c->el2_enabled && (c->sr.hcr_el2 & HCR_TGE))
        target = 2;
    c->exc.target_el = target;
    cpu_raise(c, uop_pc_any(c, u), EC_FP_ACCESS, (uint32_t)u->imm, 0);
}

/* VMRS/VMSR of FPSID, MVFR2/1/0 or FPEXC (reg field != FPSCR) at EL1: the
 * AArch32 FP system registers EL1 reaches whatever FPEXC.EN (A32 and T32
 * words alike: cond/1110 1110 111L reg Rt 1010 0001 0000). */
static bool fpexc_exempt(const struct xlat *x)
{
    return ctx_el(x->ctx) == 1 && (x->insn & 0x0fe00fffu) == 0x0ee00a10u && (x->insn >> 16 & 0xf) != 1;
}

bool decode_fp_traps(const struct xlat *x)
{
    return !(x->ctx & CTX_FP_OK) || ((x->ctx & CTX_FPEXC_OFF) && !fpexc_exempt(x));
}

void decode_fp_check(struct xlat *x, unsigned before)
{
    bool fpexc_off = (x->ctx & CTX_FPEXC_OFF) && !fpexc_exempt(x);
    if (!decode_fp_traps(x))
        return;
    x->nuops = before;
    /* ISS: CV = 1 and the condition (always for A64; an AArch32
     * instruction's own, see a32_trap_cond). */
    unsigned cond = (x->ctx & CTX_A32) ? a32_trap_cond(x) : 14;
    struct uop *u = emit(x, op_fp_trap);
    u->imm = 1u << 24 | cond << 20;
    u->e = fpexc_off;
    x->end = true;
}
