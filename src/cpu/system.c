/* Exception levels: exception entry and return, routing, interrupts and the
 * translation context.  Pseudocode references are to the Arm ARM's
 * AArch64.TakeException / AArch64.ExceptionReturn. */
#include <stdio.h>
#include <stdlib.h>

#include "nv.h"
#include "system.h"
#include "debug.h"


#define SCTLR_SPAN (1ull << 23)
#define SCTLR_DSSBS (1ull << 44)

static inline bool e2h(const struct cpu *c) { return c->el2_enabled && (c->sr.hcr_el2 & HCR_E2H); }
static inline bool tge(const struct cpu *c) { return c->el2_enabled && (c->sr.hcr_el2 & HCR_TGE); }

/* FP/SIMD access at the current EL (CPACR_EL1.FPEN, CPTR_EL2). */
static bool fp_enabled(const struct cpu *c)
{
    unsigned el = c->el;
    if (el < 2 && !(el == 0 && tge(c) && e2h(c))) {
        unsigned fpen = (unsigned)(c->sr.cpacr_el1 >> 20) & 3;
        if (fpen == 0 || fpen == 2 || (fpen == 1 && el == 0))
            return false;
    }
    if (c->el2_enabled) {
        if (e2h(c)) {
            unsigned fpen = (unsigned)(c->sr.cptr_el2 >> 20) & 3;
            bool in_host = el == 2 || (el == 0 && tge(c));
            if (fpen == 0 || fpen == 2 || (fpen == 1 && el == 0 && in_host))
                return false;
        } else if (c->sr.cptr_el2 & (1ull << 10)) {   /* TFP */
            return false;
        }
    }
    return true;
}

uint32_t sys_ctx(struct cpu *c)
{
    uint32_t ctx = c->el;
    if (c->pstate & PSTATE_IL)
        ctx |= CTX_IL;
    if (fp_enabled(c))
        ctx |= CTX_FP_OK;
    /* FPEXC.EN (FPEXC32_EL2 with an AArch64 EL2) below an AArch32 EL1. */
    if (c->a32.ctx && cpu_el1_a32(c) && !(c->sr.fpexc32_el2 & (1u << 30)))
        ctx |= CTX_FPEXC_OFF;
    if (c->el2_enabled) {
        ctx |= CTX_EL2;
        if (c->sr.hcr_el2 & HCR_E2H)
            ctx |= CTX_E2H;
        if (c->sr.hcr_el2 & HCR_TGE)
            ctx |= CTX_TGE;
        ctx |= nv_ctx(c);
    }
    if (unlikely(c->dbg.armed))
        ctx |= debug_ctx(c);
    return ctx;
}

/* The regime's TCR for va's half, for TBI. */
uint64_t sys_effective_va(struct cpu *c, uint64_t va)
{
    bool upper = va >> 55 & 1;
    uint64_t tcr;
    unsigned tbi;
    if (c->el == 2 && !e2h(c)) {
        tcr = c->sr.tcr_el2;
        tbi = (unsigned)(tcr >> 20) & 1;           /* TCR_EL2.TBI (one range) */
    } else {
        tcr = (c->el == 2 || (c->el == 0 && tge(c) && e2h(c))) ? c->sr.tcr_el2 : c->sr.tcr_el1;
        tbi = (unsigned)(tcr >> (upper ? 38 : 37)) & 1;
    }
    if (!tbi)
        return va;
    return (uint64_t)((int64_t)(va << 8) >> 8);
}

static enum mmu_idx compute_mmu_idx(const struct cpu *c)
{
    bool pan = c->pstate & PSTATE_PAN;
    if (e2h(c) && (c->el == 2 || (c->el == 0 && tge(c)))) {
        if (c->el == 0)
            return MMU_EL20_0;
        return pan ? MMU_EL20_2_PAN : MMU_EL20_2;
    }
    switch (c->el) {
    case 0: return MMU_EL10_0;
    case 1: return pan ? MMU_EL10_1_PAN : MMU_EL10_1;
    default: return MMU_EL2;
    }
}

static unsigned sp_index(const struct cpu *c, uint32_t pstate)
{
    return (pstate & PSTATE_SP) ? (pstate >> PSTATE_EL_SHIFT & 3) : 0;
}

bool unpriv_applies(uint32_t ctx)
{
    if (ctx & CTX_USER)
        return false;
    unsigned el = ctx & CTX_EL_MASK;
    return el == 1 || (el == 2 && (ctx & CTX_E2H) && (ctx & CTX_TGE));
}

const struct uop *op_unpriv_begin(struct cpu *c, const struct uop *u)
{
    c->mmu_idx = c->el == 1 ? MMU_EL10_0 : MMU_EL20_0;
    c->tlb = c->tlbs[c->mmu_idx];
    return u + 1;
}

const struct uop *op_unpriv_end(struct cpu *c, const struct uop *u)
{
    c->mmu_idx = compute_mmu_idx(c);
    c->tlb = c->tlbs[c->mmu_idx];
    return u + 1;
}

void sys_pstate_changed(struct cpu *c, uint32_t old_pstate)
{
    unsigned old_sp = sp_index(c, old_pstate), new_sp = sp_index(c, c->pstate);
    if (old_sp != new_sp) {
        c->sr.sp_el[old_sp] = c->x[REG_SP];
        c->x[REG_SP] = c->sr.sp_el[new_sp];
    }
    c->el = c->pstate >> PSTATE_EL_SHIFT & 3;
    c->mmu_idx = compute_mmu_idx(c);
    c->tlb = c->tlbs[c->mmu_idx];
    /* A newly unmasked interrupt must be looked at (HCR_EL2.VI/VF pend
     * virtual ones without an interrupt line). */
    if (c->irq_lines || (c->el2_enabled && (c->sr.hcr_el2 & (HCR_VI | HCR_VF))))
        c->exit_request = 1;
}

void sys_reset(struct cpu *c, unsigned el, uint64_t pc)
{
    uint32_t old = c->pstate;
    c->pstate = (uint32_t)el << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF;
    c->a32.ctx = 0;     /* reset is to AArch64 */
    c->nzcv = 0;
    c->pc = pc;
    c->sr.sctlr_el1 = 0x30d00800ull;   /* RES1 bits, MMU and caches off */
    c->sr.sctlr_el2 = 0x30c50830ull;
    c->sr.hcr_el2 = 0;
    c->el10_tlb_hcr = 0;
    c->el1_a32_reset = false;   /* cpu_a32_reset_el1 sets it after this */
    c->sr.oslsr_el1 = 0x8;             /* OS lock implemented, unlocked... (OSLM) */
    c->excl_addr = ~0ull;
    /* Pretend everything was on SP_ELx already so no banking happens. */
    (void)old;
    c->el = el;
    c->mmu_idx = compute_mmu_idx(c);
    c->tlb = c->tlbs[c->mmu_idx];
    cpu_tlb_flush(c);
}

/* ---- exception entry ----------------------------------------------------- */

enum vec_type { VEC_SYNC = 0, VEC_IRQ = 1, VEC_FIQ = 2, VEC_SERROR = 3 };

static uint64_t *elr_for(struct cpu *c, unsigned el) { return el == 2 ? &c->sr.elr_el2 : &c->sr.elr_el1; }
static uint64_t *spsr_for(struct cpu *c, unsigned el) { return el == 2 ? &c->sr.spsr_el2 : &c->sr.spsr_el1; }
static uint64_t *esr_for(struct cpu *c, unsigned el) { return el == 2 ? &c->sr.esr_el2 : &c->sr.esr_el1; }
static uint64_t *far_for(struct cpu *c, unsigned el) { return el == 2 ? &c->sr.far_el2 : &c->sr.far_el1; }

/* GetPSRFromPSTATE() in AArch32 state (only EL0 so far), for an exception
 * taken to AArch64: the CPSR fields plus A/I/F (no D), SSBS at 23, PAN 22,
 * SS 21, IL 20 and DIT at 24 (the AArch64 target's position). */
static uint32_t a32_psr(const struct cpu *c, uint32_t pstate)
{
    return cpu_a32_cpsr(c) | (pstate & (PSTATE_A | PSTATE_I | PSTATE_F | PSTATE_PAN | PSTATE_SS | PSTATE_IL |
                                         PSTATE_DIT)) |
           ((pstate & PSTATE_SSBS) ? 1u << 23 : 0);
}

static void take_exception(struct cpu *c, unsigned target, enum vec_type type, uint64_t pref_ret)
{
    if (target == 1 && c->a32.ctx && cpu_el1_a32(c)) {
        /* To an AArch32 EL1 mode (synchronous ones go through sys_take_sync). */
        a32_take_interrupt(c, type == VEC_FIQ);
        return;
    }
    uint32_t old = c->pstate;
    uint64_t vbar = target == 2 ? c->sr.vbar_el2 : c->sr.vbar_el1;
    bool from_a32 = c->a32.ctx != 0;
    uint64_t offset;
    if (target == c->el) {
        offset = (old & PSTATE_SP) ? 0x200 : 0x0;
    } else {
        /* AArch64.TakeException: lower_32 is ELUsingAArch32(target_el - 1),
         * or EL0's state for EL0 in the EL2&0 host regime: EL0 in AArch32
         * reaching EL1 (or EL2 as a host), and anything reaching EL2 from
         * below an AArch32 EL1 (HCR_EL2.RW = 0). */
        bool lower_32 = from_a32 && (target == 1 || (e2h(c) && tge(c) && c->el == 0) ||
                                     (target == 2 && cpu_el1_a32(c)));
        offset = lower_32 ? 0x600 : 0x400;
    }
    offset += (uint64_t)type * 0x80;

    uint32_t spsr = from_a32 ? a32_psr(c, old) : old | c->nzcv;
    if (from_a32) {
        /* PSTATE.nRW = 0.  AArch64.MaybeZeroRegisterUppers: the upper halves
         * of X0-X14 are UNKNOWN; AArch32 kept them zero (docs/aarch32.md). */
        c->a32.ctx = 0;
        pref_ret = (uint32_t)pref_ret;
    }
    if (target == 1 && c->el == 1 && nv_spsr_reports_el2(c))
        spsr = (spsr & ~(3u << PSTATE_EL_SHIFT)) | 2u << PSTATE_EL_SHIFT;   /* FEAT_NV: "from EL2" */
    *spsr_for(c, target) = spsr;
    *elr_for(c, target) = pref_ret;

    uint64_t sctlr = target == 2 ? c->sr.sctlr_el2 : c->sr.sctlr_el1;
    uint32_t ps = (old & (PSTATE_PAN | PSTATE_DIT)) | (uint32_t)target << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF;
    bool pan_regime = target == 1 || (target == 2 && e2h(c) && tge(c));
    if (pan_regime && !(sctlr & SCTLR_SPAN) && (c->model->id_aa64mmfr1 >> 20 & 0xf))
        ps |= PSTATE_PAN;
    if (sctlr & SCTLR_DSSBS)
        ps |= PSTATE_SSBS;
    c->pstate = ps;
    c->excl_addr = ~0ull;
    sys_pstate_changed(c, old);
    c->pc = (vbar & ~0x7ffull) + offset;
}

/* Default target of a synchronous exception from the current EL. */
static unsigned sync_target(const struct cpu *c)
{
    if (c->el == 0)
        return tge(c) ? 2 : 1;
    return c->el;
}

/* Instruction syndrome (ISS[24:14]) of a data abort, valid only for loads and
 * stores of a single general-purpose register without writeback: what a
 * hypervisor needs to emulate MMIO.  0 when not valid. */
static uint32_t data_abort_isv(uint32_t insn)
{
    unsigned size = insn >> 30, opc = insn >> 22 & 3, rt = insn & 31;
    bool ar = false;
    if ((insn >> 27 & 7) == 7 && !(insn >> 26 & 1)) {
        unsigned kind = insn >> 24 & 3, mode = insn >> 10 & 3;
        bool ok = kind == 1 ||                                          /* unsigned offset */
                  (kind == 0 && !(insn >> 21 & 1) && (mode == 0 || mode == 2)) ||   /* unscaled, unprivileged */
                  (kind == 0 && (insn >> 21 & 1) && mode == 2);        /* register offset */
        if (!ok || (size == 3 && opc >= 2))
            return 0;                                                   /* writeback, PRFM */
    } else if ((insn >> 24 & 0x3f) == 0x08 && (insn >> 23 & 1) && !(insn >> 21 & 1) && (insn >> 15 & 1)) {
        opc = insn >> 22 & 1;                                           /* LDAR/STLR */
        ar = true;
    } else {
        return 0;
    }
    bool sse = opc >= 2;
    bool sf = opc == 2 || (opc <= 1 && size == 3);
    return 1u << 24 | size << 22 | (uint32_t)sse << 21 | rt << 16 | (uint32_t)sf << 15 | (uint32_t)ar << 14;
}

void sys_finish_abort(struct cpu *c, struct exc_info *exc, uint64_t pc)
{
    (void)pc;
    bool exec = exc->access == ACC_EXEC;
    unsigned target = exc->stage2 ? 2 : sync_target(c);
    if (exc->target_el > target)
        target = exc->target_el;
    exc->target_el = target;
    bool same = target == c->el;
    uint32_t fsc;
    if (exc->ec == EC_DABORT_LOWER || exc->ec == EC_IABORT_LOWER || exc->ec == EC_DABORT_SAME ||
        exc->ec == EC_IABORT_SAME) {
        fsc = exc->iss & 0x3f;
        if (fsc == 0)   /* environment gave no code: a level-0 translation fault */
            fsc = exc->perm ? FSC_PERMISSION(3) : FSC_TRANSLATION(0);
    } else {
        fsc = exc->iss & 0x3f;
    }
    uint32_t iss = fsc;
    if (!exec && exc->access == ACC_WRITE)
        iss |= 1u << 6;                    /* WnR */
    if (exc->s1ptw)
        iss |= 1u << 7;
    if (!exec && exc->stage2 && !exc->s1ptw && (fsc & 0x3c) != 0x10 && exc->insn) {
        if (!c->a32.ctx) {
            iss |= data_abort_isv(exc->insn);
        } else {
            iss |= a32_abort_isv(exc->insn, c->a32.ctx);
            /* IL: the instruction's size when the syndrome is valid. */
            exc->il16 = (iss >> 24 & 1) && (c->a32.ctx & CTX_T32) && exc->insn <= 0xffff;
        }
    }
    if (exec)
        exc->ec = same ? EC_IABORT_SAME : EC_IABORT_LOWER;
    else
        exc->ec = same ? EC_DABORT_SAME : EC_DABORT_LOWER;
    exc->iss = iss;
}

/* NESTVM_DEBUG=exc prints every synchronous exception (a debugging aid). */
static int debug_exc = -1;

void sys_take_sync(struct cpu *c, struct exc_info *exc, uint64_t pc)
{
    if (debug_exc < 0) {
        const char *d = getenv("NESTVM_DEBUG");
        debug_exc = d && strstr(d, "exc");
    }
    if (debug_exc)
        fprintf(stderr, "[exc] EL%u pc=%#llx ec=%#x iss=%#x far=%#llx\n", c->el, (unsigned long long)pc, exc->ec,
                exc->iss, (unsigned long long)exc->far);
    unsigned target = exc->target_el ? exc->target_el : sync_target(c);
    if (exc->ec == EC_HVC64 || exc->ec == 0x12)
        target = 2;
    if (exc->ec == EC_SVC64 || exc->ec == EC_HVC64 || exc->ec == EC_SVC32)
        debug_ss_advance(c);    /* a stepped SVC/HVC completed: SPSR.SS = 0 */
    if (target < c->el)
        target = c->el;
    if (target == 1 && c->a32.ctx && cpu_el1_a32(c)) {
        exc->target_el = 0;
        a32_take_sync(c, exc, pc);
        exc->stage2 = exc->s1ptw = exc->il16 = exc->a32_short = false;
        return;
    }
    uint32_t ec = exc->ec;
    /* Aborts: same/lower EC according to the final target. */
    if (ec == EC_DABORT_LOWER || ec == EC_DABORT_SAME)
        ec = target == c->el ? EC_DABORT_SAME : EC_DABORT_LOWER;
    else if (ec == EC_IABORT_LOWER || ec == EC_IABORT_SAME)
        ec = target == c->el ? EC_IABORT_SAME : EC_IABORT_LOWER;
    uint32_t esr = esr_make(ec, exc->iss);
    if (ec == EC_UNKNOWN)
        esr = ESR_IL;
    else if (exc->il16)
        esr &= ~ESR_IL;     /* a trapped 16-bit T32 instruction */
    *esr_for(c, target) = esr;
    switch (ec) {
    case EC_DABORT_LOWER: case EC_DABORT_SAME: case EC_IABORT_LOWER: case EC_IABORT_SAME:
    case EC_PC_ALIGN:
        *far_for(c, target) = exc->far;
        if (target == 2 && exc->stage2)
            c->sr.hpfar_el2 = (exc->ipa >> 12) << 4;
        break;
    default:
        break;
    }
    exc->target_el = 0;
    exc->stage2 = exc->s1ptw = exc->il16 = false;
    take_exception(c, target, VEC_SYNC, pc);
}

/* ---- interrupts ---------------------------------------------------------- */

void cpu_set_irq(struct cpu *c, uint32_t line, bool level)
{
    if (level)
        __atomic_or_fetch(&c->irq_lines, line, __ATOMIC_SEQ_CST);
    else
        __atomic_and_fetch(&c->irq_lines, ~line, __ATOMIC_SEQ_CST);
    __atomic_store_n(&c->exit_request, 1, __ATOMIC_RELEASE);
}

/* Is a physical interrupt routed to EL2 (IMO/FMO/TGE) and where are we. */
static bool try_take(struct cpu *c, uint32_t lines, uint32_t phys_line, uint32_t virt_line, uint64_t route_bit,
                     uint32_t mask_bit, enum vec_type type)
{
    if (lines & phys_line) {
        bool to_el2 = c->el2_enabled && (c->sr.hcr_el2 & (route_bit | HCR_TGE));
        unsigned target = to_el2 ? 2 : 1;
        /* PSTATE.I/F (CPSR.I/F) mask an interrupt for the current EL, and
         * one for EL1 at EL0 too. */
        bool masked = (c->pstate & mask_bit) && (target == c->el || target == 1);
        if (target >= c->el && !masked) {
            take_exception(c, target, type, c->pc);
            return true;
        }
    }
    if ((lines & virt_line) && c->el2_enabled && (c->sr.hcr_el2 & route_bit) && !(c->sr.hcr_el2 & HCR_TGE) &&
        c->el < 2 && !(c->pstate & mask_bit)) {
        take_exception(c, 1, type, c->pc);
        return true;
    }
    return false;
}

void sys_check_interrupts(struct cpu *c)
{
    if (unlikely(c->dbg.ss_inflight) && !c->mmio_ndone)
        debug_step_done(c);
    uint32_t lines = __atomic_load_n(&c->irq_lines, __ATOMIC_ACQUIRE);
    if (c->el2_enabled && c->el < 2 && !(c->sr.hcr_el2 & HCR_TGE)) {
        if (c->sr.hcr_el2 & HCR_VI)
            lines |= CPU_VIRQ;
        if (c->sr.hcr_el2 & HCR_VF)
            lines |= CPU_VFIQ;
    }
    if (!lines)
        return;
    if (try_take(c, lines, CPU_FIQ, CPU_VFIQ, HCR_FMO, PSTATE_F, VEC_FIQ))
        return;
    (void)try_take(c, lines, CPU_IRQ, CPU_VIRQ, HCR_IMO, PSTATE_I, VEC_IRQ);
}

/* Anything that would wake a WFI (pending and not masked by the routing
 * rules; PSTATE masks do not matter for wake-up). */
bool sys_wfi_wakeup(struct cpu *c)
{
    uint32_t lines = __atomic_load_n(&c->irq_lines, __ATOMIC_ACQUIRE);
    if (c->el2_enabled && c->el < 2 && (c->sr.hcr_el2 & (HCR_VI | HCR_VF)))
        return true;
    return lines != 0;
}

/* ---- exception return ---------------------------------------------------- */

/* Return to AArch32 (AArch64.ExceptionReturn with spsr<4> = 1, legal): EL0
 * (usr), or an EL1 mode below an EL2 with HCR_EL2.RW = 0.  SetPSTATEFromPSR
 * in the AArch32 layout; ELR<1:0> (A32) or ELR<0> (T32) are treated as 0 and
 * the upper 32 bits are ignored. */
static void eret_a32(struct cpu *c, uint64_t spsr, uint64_t elr, uint32_t old)
{
    uint32_t psr = (uint32_t)spsr;
    unsigned el = (psr & 0xf) ? 1 : 0;
    uint32_t ps = psr & (PSTATE_A | PSTATE_I | PSTATE_F | PSTATE_PAN | PSTATE_SS | PSTATE_IL | PSTATE_DIT);
    if (psr & (1u << 23))
        ps |= PSTATE_SSBS;
    /* No PSTATE.D in AArch32; SP_EL1 at EL1 (AArch32 has its own SPs). */
    c->pstate = ps | el << PSTATE_EL_SHIFT | (el ? PSTATE_SP : 0);
    if (!(psr & 0x20))
        psr &= ~(3u << 25 | 0x3fu << 10);   /* ITSTATE only in T32 (UNPREDICTABLE otherwise: cleared) */
    uint32_t pc = (uint32_t)elr & ((psr & 0x20) ? ~1u : ~3u);
    cpu_a32_enter(c, pc, psr);
    /* AArch32 uops expect zero-extended registers: R0-R14 = X0-X14, and
     * below an AArch32 EL1 every banked register up to X30. */
    unsigned n = cpu_el1_a32(c) ? 31 : 15;
    for (unsigned r = 0; r < n; r++)
        c->x[r] = (uint32_t)c->x[r];
    c->excl_addr = ~0ull;
    sys_pstate_changed(c, old);
}

void sys_eret(struct cpu *c)
{
    unsigned el = c->el;
    uint64_t spsr = *spsr_for(c, el);
    uint64_t elr = *elr_for(c, el);
    uint32_t old = c->pstate;
    unsigned target = (unsigned)(spsr >> PSTATE_EL_SHIFT) & 3;
    bool el1_a32 = el == 2 && cpu_el1_a32(c) && !tge(c);
    bool a32_ok = (spsr & 0x1f) == 0x10 ? cpu_model_a32_el0(c->model)
                                        : (spsr & 0x10) && a32_mode_el(spsr & 0xf) == 1 && el1_a32;
    if (a32_ok) {
        /* IllegalExceptionReturn: ELFromM32(usr) is EL0, never above the
         * current EL; EL0 may use AArch32 under an AArch64 EL1.  The EL1
         * modes are reachable from EL2 when EL1 is AArch32. */
        c->nzcv = (uint32_t)spsr & 0xf0000000u;
        spsr = (spsr & ~(uint64_t)PSTATE_SS) | debug_eret_ss(c, spsr, 0);
        eret_a32(c, spsr, elr, old);
        return;
    }
    bool illegal = (spsr & 0x10) ||                         /* AArch32 mode not available */
                   (el1_a32 && target < 2) ||               /* AArch64 below an AArch32 EL1 */
                   target > el ||
                   (target == 2 && !c->el2_enabled) ||
                   (target == 3) ||
                   (target == 1 && tge(c)) ||
                   ((spsr & 0x3) == 0x2) || (target == 0 && (spsr & PSTATE_SP));
    uint32_t mask = PSTATE_DAIF | PSTATE_SP | (3u << PSTATE_EL_SHIFT) | PSTATE_SS | PSTATE_IL | PSTATE_PAN |
                    PSTATE_UAO | PSTATE_DIT | PSTATE_SSBS | PSTATE_TCO | PSTATE_BTYPE;
    c->nzcv = (uint32_t)spsr & 0xf0000000u;
    uint32_t ss = debug_eret_ss(c, spsr, illegal ? el : target);
    spsr = (spsr & ~(uint64_t)PSTATE_SS) | ss;
    if (illegal) {
        c->pstate = (old & (PSTATE_SP | (3u << PSTATE_EL_SHIFT))) |
                    ((uint32_t)spsr & mask & ~(PSTATE_SP | (3u << PSTATE_EL_SHIFT))) | PSTATE_IL;
    } else {
        c->pstate = (uint32_t)spsr & mask;
    }
    c->excl_addr = ~0ull;
    sys_pstate_changed(c, old);
    c->pc = elr;
}
