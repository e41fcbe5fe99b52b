/* The system register table and MRS/MSR translation.
 *
 * One row per register: encoding, which ELs may read/write it, where it
 * lives (a field of struct cpu) or which accessors compute it, writable bits,
 * and for FEAT_VHE the EL2 register an EL1 encoding means at EL2 with
 * HCR_EL2.E2H set.  Access checks are decided at translation time from the
 * translation context; only conditions that depend on run-time values (EL0
 * timer access, ...) are checked by accessors. */
#include <time.h>

#include "nv.h"
#include "sysreg.h"
#include "system.h"
#include "traps.h"
#include "debug.h"

enum {
    SR_EL0R = 1 << 0, SR_EL0W = 1 << 1,
    SR_EL1R = 1 << 2, SR_EL1W = 1 << 3,
    SR_EL2R = 1 << 4, SR_EL2W = 1 << 5,
    SR_NEEDS_EL2 = 1 << 6,  /* exists only when EL2 is implemented */
    SR_E2H_ONLY = 1 << 7,   /* *_EL12 / *_EL02: only at EL2 with E2H */
    SR_END = 1 << 8,        /* a write ends the block (translation context may change) */
    SR_U32 = 1 << 9,        /* the field is a uint32_t */
    SR_PAUTH = 1 << 10,     /* exists only when the model has FEAT_PAuth */
    SR_NV2 = 1 << 11,       /* exists only with FEAT_NV2 (and EL2) */
    SR_FP = 1 << 12,        /* an FP/SIMD register: traps when FP is disabled */
    SR_A32EL1 = 1 << 13,    /* exists only when the model has AArch32 EL1 (and EL2) */
};
#define RW0 (SR_EL0R | SR_EL0W | SR_EL1R | SR_EL1W | SR_EL2R | SR_EL2W)
#define RO0 (SR_EL0R | SR_EL1R | SR_EL2R)
#define RW1 (SR_EL1R | SR_EL1W | SR_EL2R | SR_EL2W)
#define RO1 (SR_EL1R | SR_EL2R)
#define WO1 (SR_EL1W | SR_EL2W)
#define RW2 (SR_EL2R | SR_EL2W | SR_NEEDS_EL2)
#define RW12 (SR_EL2R | SR_EL2W | SR_NEEDS_EL2 | SR_E2H_ONLY)

struct sysreg {
    const char *name;
    uint32_t key;
    unsigned flags;
    size_t off;     /* field of struct cpu (plain storage), or accessor argument */
    uint64_t (*read)(struct cpu *c, const struct sysreg *r);
    void (*write)(struct cpu *c, const struct sysreg *r, uint64_t v);
    uint64_t wmask; /* writable bits; 0 = all */
    uint32_t vhe;   /* key of the register this one means at EL2 with E2H (0 = none) */
    unsigned traps; /* enum trap_group: EL2 controls that trap EL1/EL0 accesses (traps.h) */
};

uint64_t cpu_counter_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    /* 62.5 MHz: exactly one tick per 16 ns. */
    return ((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec) / CNT_NS_PER_TICK;
}

#define FIELD(f) offsetof(struct cpu, f)
#define SR(f) offsetof(struct cpu, sr.f)
#define MODEL(f) offsetof(struct cpu_model, f)
#define K(op0, op1, crn, crm, op2) SYSREG_KEY(op0, op1, crn, crm, op2)

static inline uint64_t *fld(struct cpu *c, size_t off) { return (uint64_t *)((char *)c + off); }

/* ---- accessors ----------------------------------------------------------- */

static uint64_t rd_nzcv(struct cpu *c, const struct sysreg *r) { (void)r; return c->nzcv; }
static void wr_nzcv(struct cpu *c, const struct sysreg *r, uint64_t v) { (void)r; c->nzcv = (uint32_t)v & 0xf0000000u; }
static uint64_t rd_model(struct cpu *c, const struct sysreg *r) { return *(const uint64_t *)((const char *)c->model + r->off); }
static uint64_t rd_model32(struct cpu *c, const struct sysreg *r) { return *(const uint32_t *)((const char *)c->model + r->off); }
static uint64_t rd_zero(struct cpu *c, const struct sysreg *r) { (void)c, (void)r; return 0; }
static void wr_ignore(struct cpu *c, const struct sysreg *r, uint64_t v) { (void)c, (void)r, (void)v; }

static uint64_t rd_pstate_bits(struct cpu *c, const struct sysreg *r) { return c->pstate & r->wmask; }
static void wr_pstate_bits(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    uint32_t old = c->pstate;
    c->pstate = (old & ~(uint32_t)r->wmask) | ((uint32_t)v & (uint32_t)r->wmask);
    sys_pstate_changed(c, old);
}
static uint64_t rd_currentel(struct cpu *c, const struct sysreg *r) { (void)r; return (uint64_t)c->el << 2; }

static uint64_t rd_midr(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    if (c->el2_enabled && c->el < 2)
        return c->sr.vpidr_el2;
    return c->model->midr;
}

static uint64_t rd_mpidr(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    if (c->el2_enabled && c->el < 2)
        return c->sr.vmpidr_el2;
    return c->sr.mpidr_el1;
}

static uint64_t rd_pfr0(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    uint64_t v = c->model->id_aa64pfr0;
    if (c->el2_enabled)
        v |= 1ull << 8;             /* EL2 implemented, AArch64 only */
    if (c->user_mode)
        v &= ~(0xfull << 24);       /* no GIC system registers for user space */
    return v;
}

static uint64_t rd_mmfr1(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    uint64_t v = c->model->id_aa64mmfr1;
    if (c->el2_enabled)
        v |= 1ull << 8;             /* VH: FEAT_VHE */
    return v;
}

/* DCZID_EL0.DZP: DC ZVA is prohibited here (SCTLR.DZE at EL0, HCR_EL2.TDZ). */
static uint64_t rd_dczid(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    uint64_t v = c->model->dczid;
    if (c->user_mode || c->el == 2)
        return v;
    bool host = cpu_host_regime(c);
    if (c->el == 0 && !((host ? c->sr.sctlr_el2 : c->sr.sctlr_el1) >> 14 & 1))
        v |= 1u << 4;
    if (c->el2_enabled && !host && (c->sr.hcr_el2 & HCR_TDZ))
        v |= 1u << 4;
    return v;
}

static uint64_t rd_mmfr2(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    uint64_t v = c->model->id_aa64mmfr2 & ~(0xfull << 24);
    return v | (uint64_t)nv_level(c) << 24;     /* NV: FEAT_NV/FEAT_NV2 need EL2 */
}

static uint64_t rd_cntfrq(struct cpu *c, const struct sysreg *r) { (void)c, (void)r; return CNT_FREQ_HZ; }

/* EL0 access to the counters/timers is controlled by CNTKCTL_EL1 (or
 * CNTHCTL_EL2 in the EL2&0 regime). */
static void check_el0_timer(struct cpu *c, unsigned bit)
{
    if (c->user_mode || c->el != 0)
        return;
    uint64_t ctl = cpu_host_regime(c) ? c->sr.cnthctl_el2 : c->sr.cntkctl_el1;
    if (!(ctl >> bit & 1))
        cpu_raise(c, c->pc, EC_UNKNOWN, 0, 0);
}

uint64_t cpu_virtual_offset(struct cpu *c)
{
    if (!c->el2_enabled)
        return 0;
    if (cpu_host_regime(c) && c->el != 1)
        return 0;
    return c->sr.cntvoff_el2;
}

static void timer_changed(struct cpu *c)
{
    if (c->env.timer_update)
        c->env.timer_update(c->env.opaque, c);
    else
        c->timer_poll_at = ~0ull;
}

/* The physical counter, read by the guest.  A guest that polls the counter
 * (udelay) past one of its timer deadlines gets the interrupt right away,
 * without waiting for the host to schedule the timer thread. */
static uint64_t counter_read(struct cpu *c)
{
    uint64_t now = cpu_counter_now();
    if (unlikely(now >= __atomic_load_n(&c->timer_poll_at, __ATOMIC_RELAXED)))
        timer_changed(c);
    return now;
}

static uint64_t rd_cntpct(struct cpu *c, const struct sysreg *r) { (void)r; check_el0_timer(c, 0); return counter_read(c); }
static uint64_t rd_cntvct(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    check_el0_timer(c, 1);
    return counter_read(c) - cpu_virtual_offset(c);
}

/* Timers: off is the CTL field; CVAL follows it in struct sysregs. */
static uint64_t timer_now(struct cpu *c, size_t ctl_off)
{
    uint64_t now = counter_read(c);
    if (ctl_off == SR(cntv_ctl_el0))
        now -= c->sr.cntvoff_el2 * (c->el2_enabled ? 1 : 0);
    return now;
}

static uint64_t rd_timer_ctl(struct cpu *c, const struct sysreg *r)
{
    uint64_t ctl = *fld(c, r->off) & 3;
    uint64_t cval = *fld(c, r->off + 8);
    if (timer_now(c, r->off) >= cval)
        ctl |= 4;   /* ISTATUS */
    return ctl;
}
static void wr_timer_ctl(struct cpu *c, const struct sysreg *r, uint64_t v) { *fld(c, r->off) = v & 3; timer_changed(c); }
static uint64_t rd_timer_cval(struct cpu *c, const struct sysreg *r) { return *fld(c, r->off + 8); }
static void wr_timer_cval(struct cpu *c, const struct sysreg *r, uint64_t v) { *fld(c, r->off + 8) = v; timer_changed(c); }
static uint64_t rd_timer_tval(struct cpu *c, const struct sysreg *r)
{
    return (uint32_t)(*fld(c, r->off + 8) - timer_now(c, r->off));
}
static void wr_timer_tval(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    *fld(c, r->off + 8) = timer_now(c, r->off) + (uint64_t)(int64_t)(int32_t)v;
    timer_changed(c);
}
static void wr_timer_other(struct cpu *c, const struct sysreg *r, uint64_t v) { *fld(c, r->off) = v; timer_changed(c); }

/* Registers whose change alters translation: flush the regime's TLBs. */
#define MASK_EL2 (1u << MMU_EL2 | 1u << MMU_EL20_0 | 1u << MMU_EL20_2 | 1u << MMU_EL20_2_PAN)
/* Rewriting the current value changes no translation (hypervisors reload
 * VTTBR_EL2 and the EL1 context on every guest entry): nothing to flush. */
static void wr_mmu_el1(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    uint64_t *f = fld(c, r->off);
    if (*f == v)
        return;
    *f = v;
    cpu_tlb_flush_mmu_idx(c, MASK_EL10);
}
/* DACR: drops only the TLB entries of the domains that change (vmsa32.c). */
static void wr_dacr32(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    (void)r;
    mmu_dacr_write(c, (uint32_t)v);
}
static void wr_mmu_el2(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    uint64_t *f = fld(c, r->off);
    if (*f == v)
        return;
    *f = v;
    cpu_tlb_flush_mmu_idx(c, MASK_EL2);
}
static void wr_ctx_reg(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    /* CPACR/CPTR: FP enable is part of the translation context (SR_END). */
    *fld(c, r->off) = r->wmask ? v & r->wmask : v;
}
/* The HCR_EL2 bits the EL1&0 translation depends on: stage 2 (VM), TGE, and
 * RW, which picks VMSAv8-64 or VMSAv8-32 for stage 1. */
#define HCR_EL10_TLB (HCR_VM | HCR_TGE | HCR_RW)
/* The EL1&0 tables hold translations for the VM/TGE/RW state they were filled
 * under (HCR_EL2's other regimes have tables of their own).  A VHE host (E2H
 * and TGE set) never uses them, so a world switch to the host and back to the
 * same guest state keeps them; any other state needs them empty. */
static void el10_tlb_follow_hcr(struct cpu *c, uint64_t hcr)
{
    if ((hcr & HCR_E2H) && (hcr & HCR_TGE))
        return;
    uint64_t st = hcr & HCR_EL10_TLB;
    if (st != c->el10_tlb_hcr) {
        cpu_tlb_flush_mmu_idx(c, MASK_EL10);
        c->el10_tlb_hcr = st;
    }
}

static void wr_hcr(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    (void)r;
    uint64_t old = c->sr.hcr_el2;
    v &= nv_hcr_mask(c);
    if (!cpu_model_a32_el1(c->model))
        v |= HCR_RW;    /* RAO/WI: EL1 is AArch64 only */
    c->sr.hcr_el2 = v;
    if ((old ^ v) & HCR_E2H) {
        cpu_tlb_flush(c);
        c->el10_tlb_hcr = v & HCR_EL10_TLB;
    } else if ((old ^ v) & HCR_EL10_TLB) {
        el10_tlb_follow_hcr(c, v);
    }
    sys_pstate_changed(c, c->pstate);   /* regime may change; VI/VF may now pend */
    timer_changed(c);
}

static uint64_t rd_sp_el0(struct cpu *c, const struct sysreg *r) { (void)r; return c->sr.sp_el[0]; }
static void wr_sp_el0(struct cpu *c, const struct sysreg *r, uint64_t v) { (void)r; c->sr.sp_el[0] = v; }
static uint64_t rd_sp_el1(struct cpu *c, const struct sysreg *r) { (void)r; return c->sr.sp_el[1]; }
static void wr_sp_el1(struct cpu *c, const struct sysreg *r, uint64_t v) { (void)r; c->sr.sp_el[1] = v; }

static uint64_t rd_isr(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    uint32_t l = c->irq_lines;
    uint64_t v = 0;
    bool virt = c->el2_enabled && c->el < 2 && !(c->sr.hcr_el2 & HCR_TGE);
    if (virt && (c->sr.hcr_el2 & HCR_IMO))
        v |= ((l & CPU_VIRQ) || (c->sr.hcr_el2 & HCR_VI)) ? 1u << 7 : 0;
    else
        v |= (l & CPU_IRQ) ? 1u << 7 : 0;
    if (virt && (c->sr.hcr_el2 & HCR_FMO))
        v |= ((l & CPU_VFIQ) || (c->sr.hcr_el2 & HCR_VF)) ? 1u << 6 : 0;
    else
        v |= (l & CPU_FIQ) ? 1u << 6 : 0;
    return v;
}

static uint64_t rd_ccsidr(struct cpu *c, const struct sysreg *r)
{
    (void)r;
    /* 64-byte lines; a nominal geometry (Linux only reads the line size). */
    unsigned level = (unsigned)(c->sr.csselr_el1 >> 1) & 7;
    if (c->sr.csselr_el1 & 1)
        return (255ull << 13) | (3ull << 3) | 2;              /* L1I 64 KiB */
    return level == 0 ? (255ull << 13) | (3ull << 3) | 2       /* L1D 64 KiB, 4-way */
                      : (2047ull << 13) | (15ull << 3) | 2;    /* L2 2 MiB, 16-way */
}

/* L1 I+D, unified L2; LoUIS = LoUU = 1, LoC = 2. */
static uint64_t rd_clidr(struct cpu *c, const struct sysreg *r)
{
    (void)c, (void)r;
    return 3ull | 4ull << 3 | 1ull << 21 | 2ull << 24 | 1ull << 27;
}

static uint64_t rd_oslsr(struct cpu *c, const struct sysreg *r) { (void)r; return c->sr.oslsr_el1; }
static void wr_oslar(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    (void)r;
    c->sr.oslsr_el1 = (c->sr.oslsr_el1 & ~2ull) | ((v & 1) << 1);
    debug_update(c);
}
/* Debug control registers: what is armed is recomputed (debug.c). */
static void wr_debug(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    *fld(c, r->off) = v;
    debug_update(c);
}

static uint64_t rd_gic(struct cpu *c, const struct sysreg *r)
{
    uint64_t v = 0;
    if (!c->env.gic_read || !c->env.gic_read(c->env.opaque, c, r->key, &v))
        cpu_raise(c, c->pc, EC_UNKNOWN, 0, 0);
    return v;
}
static void wr_gic(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    if (!c->env.gic_write || !c->env.gic_write(c->env.opaque, c, r->key, v))
        cpu_raise(c, c->pc, EC_UNKNOWN, 0, 0);
}

/* FPCR: AHP DN FZ RMode FZ16 (trap enables RAZ: FP exception trapping is
 * not implemented).  FPSR: cumulative flags and QC. */
#define FPCR_WMASK 0x07c80000ull
#define FPSR_WMASK 0xf800009full

/* Breakpoint and watchpoint registers (DBG_NUM_BRP / DBG_NUM_WRP of them,
 * see debug.h); writable bits as in the Arm ARM (VA[48:2], E PMC BAS HMC SSC
 * LBN BT; E PAC LSC BAS HMC SSC LBN WT MASK). */
#define BVR_MASK 0xfffffffffffffffcull
#define BCR_MASK 0x00ffe1e7ull
#define WVR_MASK 0xfffffffffffffffcull
#define WCR_MASK 0x1f1fffffull
#define DBGB(n) \
    { "DBGBVR" #n "_EL1", K(2, 0, 0, n, 4), RW1, SR(dbgbvr[n]), NULL, wr_debug, BVR_MASK, 0, T_TDA }, \
    { "DBGBCR" #n "_EL1", K(2, 0, 0, n, 5), RW1, SR(dbgbcr[n]), NULL, wr_debug, BCR_MASK, 0, T_TDA }
#define DBGW(n) \
    { "DBGWVR" #n "_EL1", K(2, 0, 0, n, 6), RW1, SR(dbgwvr[n]), NULL, wr_debug, WVR_MASK, 0, T_TDA }, \
    { "DBGWCR" #n "_EL1", K(2, 0, 0, n, 7), RW1, SR(dbgwcr[n]), NULL, wr_debug, WCR_MASK, 0, T_TDA }

#define TIMER_T(name, key, flags, ctl, vhe_ctl_key, traps)                                                     \
    { name "_TVAL", key, flags, SR(ctl), rd_timer_tval, wr_timer_tval, 0, (vhe_ctl_key) ? (vhe_ctl_key) - 1 : 0, traps }, \
    { name "_CTL", (key) + 1, flags, SR(ctl), rd_timer_ctl, wr_timer_ctl, 0, vhe_ctl_key, traps },         \
    { name "_CVAL", (key) + 2, flags, SR(ctl), rd_timer_cval, wr_timer_cval, 0, (vhe_ctl_key) ? (vhe_ctl_key) + 1 : 0, traps }
#define TIMER(name, key, flags, ctl, vhe_ctl_key) TIMER_T(name, key, flags, ctl, vhe_ctl_key, 0)

#define ID(name, crm, op2, f) { name, K(3, 0, 0, crm, op2), RO0, MODEL(f), rd_model, NULL, 0, 0, T_TID3 }
#define ID32(name, crm, op2, f) { name, K(3, 0, 0, crm, op2), RO0, MODEL(f), rd_model32, NULL, 0, 0, T_TID3 }

/* Rows without EL2 trap controls leave the last column (traps) out. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct sysreg sysregs[] = {
    /* EL0 state */
    { "NZCV", K(3, 3, 4, 2, 0), RW0, 0, rd_nzcv, wr_nzcv, 0, 0 },
    { "DAIF", K(3, 3, 4, 2, 1), RW1, 0, rd_pstate_bits, wr_pstate_bits, PSTATE_DAIF, 0 },
    { "FPCR", K(3, 3, 4, 4, 0), RW0 | SR_U32 | SR_FP, FIELD(fpcr), NULL, NULL, FPCR_WMASK, 0 },
    { "FPSR", K(3, 3, 4, 4, 1), RW0 | SR_U32 | SR_FP, FIELD(fpsr), NULL, NULL, FPSR_WMASK, 0 },
    { "TPIDR_EL0", K(3, 3, 13, 0, 2), RW0, FIELD(tpidr_el0), NULL, NULL, 0, 0 },
    { "TPIDRRO_EL0", K(3, 3, 13, 0, 3), RO0 | SR_EL1W | SR_EL2W, FIELD(tpidrro_el0), NULL, NULL, 0, 0 },
    { "CTR_EL0", K(3, 3, 0, 0, 1), RO0, MODEL(ctr), rd_model, NULL, 0, 0, T_TID2 },
    { "DCZID_EL0", K(3, 3, 0, 0, 7), RO0, 0, rd_dczid, NULL, 0, 0 },
    { "CNTFRQ_EL0", K(3, 3, 14, 0, 0), RO0, 0, rd_cntfrq, NULL, 0, 0 },
    { "CNTPCT_EL0", K(3, 3, 14, 0, 1), RO0, 0, rd_cntpct, NULL, 0, 0, T_EL1PCTEN },
    { "CNTVCT_EL0", K(3, 3, 14, 0, 2), RO0, 0, rd_cntvct, NULL, 0, 0 },
    TIMER_T("CNTP", K(3, 3, 14, 2, 0), RW0, cntp_ctl_el0, K(3, 4, 14, 2, 1), T_EL1PTEN),
    TIMER("CNTV", K(3, 3, 14, 3, 0), RW0, cntv_ctl_el0, K(3, 4, 14, 3, 1)),

    /* ID registers */
    { "MIDR_EL1", K(3, 0, 0, 0, 0), RO0, 0, rd_midr, NULL, 0, 0 },
    { "MPIDR_EL1", K(3, 0, 0, 0, 5), RO0, 0, rd_mpidr, NULL, 0, 0 },
    { "REVIDR_EL1", K(3, 0, 0, 0, 6), RO0, 0, rd_zero, NULL, 0, 0, T_TID1 },
    { "ID_AA64PFR0_EL1", K(3, 0, 0, 4, 0), RO0, 0, rd_pfr0, NULL, 0, 0, T_TID3 },
    ID("ID_AA64PFR1_EL1", 4, 1, id_aa64pfr1),
    /* The AArch32 ID registers' AArch64 views (zero on AArch64-only models). */
    ID32("ID_PFR0_EL1", 1, 0, id_pfr0), ID32("ID_PFR1_EL1", 1, 1, id_pfr1), ID32("ID_DFR0_EL1", 1, 2, id_dfr0),
    ID32("ID_MMFR0_EL1", 1, 4, id_mmfr[0]), ID32("ID_MMFR1_EL1", 1, 5, id_mmfr[1]),
    ID32("ID_MMFR2_EL1", 1, 6, id_mmfr[2]), ID32("ID_MMFR3_EL1", 1, 7, id_mmfr[3]),
    ID32("ID_ISAR0_EL1", 2, 0, id_isar[0]), ID32("ID_ISAR1_EL1", 2, 1, id_isar[1]),
    ID32("ID_ISAR2_EL1", 2, 2, id_isar[2]), ID32("ID_ISAR3_EL1", 2, 3, id_isar[3]),
    ID32("ID_ISAR4_EL1", 2, 4, id_isar[4]), ID32("ID_ISAR5_EL1", 2, 5, id_isar[5]),
    ID32("ID_MMFR4_EL1", 2, 6, id_mmfr[4]), ID32("ID_ISAR6_EL1", 2, 7, id_isar[6]),
    ID32("MVFR0_EL1", 3, 0, mvfr0), ID32("MVFR1_EL1", 3, 1, mvfr1), ID32("MVFR2_EL1", 3, 2, mvfr2),
    ID32("ID_PFR2_EL1", 3, 4, id_pfr2),
    ID("ID_AA64ZFR0_EL1", 4, 4, id_aa64zfr0),
    ID("ID_AA64DFR0_EL1", 5, 0, id_aa64dfr0),
    ID("ID_AA64ISAR0_EL1", 6, 0, id_aa64isar0),
    ID("ID_AA64ISAR1_EL1", 6, 1, id_aa64isar1),
    ID("ID_AA64ISAR2_EL1", 6, 2, id_aa64isar2),
    ID("ID_AA64MMFR0_EL1", 7, 0, id_aa64mmfr0),
    { "ID_AA64MMFR1_EL1", K(3, 0, 0, 7, 1), RO0, 0, rd_mmfr1, NULL, 0, 0, T_TID3 },
    { "ID_AA64MMFR2_EL1", K(3, 0, 0, 7, 2), RO0, 0, rd_mmfr2, NULL, 0, 0, T_TID3 },
    { "CCSIDR_EL1", K(3, 1, 0, 0, 0), RO1, 0, rd_ccsidr, NULL, 0, 0, T_TID2 },
    { "CLIDR_EL1", K(3, 1, 0, 0, 1), RO1, 0, rd_clidr, NULL, 0, 0, T_TID2 },
    { "AIDR_EL1", K(3, 1, 0, 0, 7), RO1, 0, rd_zero, NULL, 0, 0, T_TID1 },
    { "CSSELR_EL1", K(3, 2, 0, 0, 0), RW1, SR(csselr_el1), NULL, NULL, 0xf, 0, T_TID2 },

    /* EL1 */
    { "SCTLR_EL1", K(3, 0, 1, 0, 0), RW1, SR(sctlr_el1), NULL, wr_mmu_el1, 0, K(3, 4, 1, 0, 0), T_TVM },
    { "ACTLR_EL1", K(3, 0, 1, 0, 1), RW1, SR(actlr_el1), NULL, NULL, 0, 0, T_TACR },
    { "CPACR_EL1", K(3, 0, 1, 0, 2), RW1 | SR_END, SR(cpacr_el1), NULL, wr_ctx_reg, 0, K(3, 4, 1, 1, 2), T_TCPAC },
    { "TTBR0_EL1", K(3, 0, 2, 0, 0), RW1, SR(ttbr0_el1), NULL, wr_mmu_el1, 0, K(3, 4, 2, 0, 0), T_TVM },
    { "TTBR1_EL1", K(3, 0, 2, 0, 1), RW1, SR(ttbr1_el1), NULL, wr_mmu_el1, 0, K(3, 4, 2, 0, 1), T_TVM },
    { "TCR_EL1", K(3, 0, 2, 0, 2), RW1, SR(tcr_el1), NULL, wr_mmu_el1, 0, K(3, 4, 2, 0, 2), T_TVM },
    /* FEAT_PAuth keys (only with a PAuth model, see sysreg_trans_*); EL1
     * accesses trap to EL2 while HCR_EL2.APK is 0. */
    { "APIAKeyLo_EL1", K(3, 0, 2, 1, 0), RW1 | SR_PAUTH, SR(apkey[0][0]), NULL, NULL, 0, 0, T_APK },
    { "APIAKeyHi_EL1", K(3, 0, 2, 1, 1), RW1 | SR_PAUTH, SR(apkey[0][1]), NULL, NULL, 0, 0, T_APK },
    { "APIBKeyLo_EL1", K(3, 0, 2, 1, 2), RW1 | SR_PAUTH, SR(apkey[1][0]), NULL, NULL, 0, 0, T_APK },
    { "APIBKeyHi_EL1", K(3, 0, 2, 1, 3), RW1 | SR_PAUTH, SR(apkey[1][1]), NULL, NULL, 0, 0, T_APK },
    { "APDAKeyLo_EL1", K(3, 0, 2, 2, 0), RW1 | SR_PAUTH, SR(apkey[2][0]), NULL, NULL, 0, 0, T_APK },
    { "APDAKeyHi_EL1", K(3, 0, 2, 2, 1), RW1 | SR_PAUTH, SR(apkey[2][1]), NULL, NULL, 0, 0, T_APK },
    { "APDBKeyLo_EL1", K(3, 0, 2, 2, 2), RW1 | SR_PAUTH, SR(apkey[3][0]), NULL, NULL, 0, 0, T_APK },
    { "APDBKeyHi_EL1", K(3, 0, 2, 2, 3), RW1 | SR_PAUTH, SR(apkey[3][1]), NULL, NULL, 0, 0, T_APK },
    { "APGAKeyLo_EL1", K(3, 0, 2, 3, 0), RW1 | SR_PAUTH, SR(apkey[4][0]), NULL, NULL, 0, 0, T_APK },
    { "APGAKeyHi_EL1", K(3, 0, 2, 3, 1), RW1 | SR_PAUTH, SR(apkey[4][1]), NULL, NULL, 0, 0, T_APK },
    { "SPSR_EL1", K(3, 0, 4, 0, 0), RW1, SR(spsr_el1), NULL, NULL, 0, K(3, 4, 4, 0, 0) },
    { "ELR_EL1", K(3, 0, 4, 0, 1), RW1, SR(elr_el1), NULL, NULL, 0, K(3, 4, 4, 0, 1) },
    { "SP_EL0", K(3, 0, 4, 1, 0), RW1, 0, rd_sp_el0, wr_sp_el0, 0, 0 },
    { "SPSel", K(3, 0, 4, 2, 0), RW1, 0, rd_pstate_bits, wr_pstate_bits, PSTATE_SP, 0 },
    { "CurrentEL", K(3, 0, 4, 2, 2), RO1, 0, rd_currentel, NULL, 0, 0 },
    { "PAN", K(3, 0, 4, 2, 3), RW1, 0, rd_pstate_bits, wr_pstate_bits, PSTATE_PAN, 0 },
    { "UAO", K(3, 0, 4, 2, 4), RW1, 0, rd_pstate_bits, wr_pstate_bits, PSTATE_UAO, 0 },
    { "AFSR0_EL1", K(3, 0, 5, 1, 0), RW1, SR(afsr0_el1), NULL, NULL, 0, K(3, 4, 5, 1, 0), T_TVM },
    { "AFSR1_EL1", K(3, 0, 5, 1, 1), RW1, SR(afsr1_el1), NULL, NULL, 0, K(3, 4, 5, 1, 1), T_TVM },
    { "ESR_EL1", K(3, 0, 5, 2, 0), RW1, SR(esr_el1), NULL, NULL, 0, K(3, 4, 5, 2, 0), T_TVM },
    { "FAR_EL1", K(3, 0, 6, 0, 0), RW1, SR(far_el1), NULL, NULL, 0, K(3, 4, 6, 0, 0), T_TVM },
    { "PAR_EL1", K(3, 0, 7, 4, 0), RW1, SR(par_el1), NULL, NULL, 0, 0 },
    { "MAIR_EL1", K(3, 0, 10, 2, 0), RW1, SR(mair_el1), NULL, NULL, 0, K(3, 4, 10, 2, 0), T_TVM },
    { "AMAIR_EL1", K(3, 0, 10, 3, 0), RW1, SR(amair_el1), NULL, NULL, 0, K(3, 4, 10, 3, 0), T_TVM },
    { "VBAR_EL1", K(3, 0, 12, 0, 0), RW1, SR(vbar_el1), NULL, NULL, 0, K(3, 4, 12, 0, 0) },
    { "ISR_EL1", K(3, 0, 12, 1, 0), RO1, 0, rd_isr, NULL, 0, 0 },
    { "CONTEXTIDR_EL1", K(3, 0, 13, 0, 1), RW1, SR(contextidr_el1), NULL, NULL, 0, K(3, 4, 13, 0, 1), T_TVM },
    { "TPIDR_EL1", K(3, 0, 13, 0, 4), RW1, SR(tpidr_el1), NULL, NULL, 0, 0 },
    { "CNTKCTL_EL1", K(3, 0, 14, 1, 0), RW1, SR(cntkctl_el1), NULL, wr_timer_other, 0, K(3, 4, 14, 1, 0) },

    /* Debug */
    { "MDCCINT_EL1", K(2, 0, 0, 2, 0), RW1, SR(mdccint_el1), NULL, NULL, 0, 0, T_TDA },
    { "MDSCR_EL1", K(2, 0, 0, 2, 2), RW1, SR(mdscr_el1), NULL, wr_debug, 0, 0, T_TDA },
    { "MDRAR_EL1", K(2, 0, 1, 0, 0), RO1, 0, rd_zero, NULL, 0, 0, T_TDRA },
    { "OSLAR_EL1", K(2, 0, 1, 0, 4), WO1, 0, NULL, wr_oslar, 0, 0, T_TDOSA },
    { "OSLSR_EL1", K(2, 0, 1, 1, 4), RO1, 0, rd_oslsr, NULL, 0, 0, T_TDOSA },
    { "OSDLR_EL1", K(2, 0, 1, 3, 4), RW1, SR(osdlr_el1), NULL, wr_debug, 1, 0, T_TDOSA },
    { "DBGPRCR_EL1", K(2, 0, 1, 4, 4), RW1, SR(dbgprcr_el1), NULL, wr_debug, 1, 0, T_TDOSA },
    { "DBGCLAIMSET_EL1", K(2, 0, 7, 8, 6), RW1, 0, rd_zero, wr_ignore, 0, 0, T_TDA },
    { "DBGCLAIMCLR_EL1", K(2, 0, 7, 9, 6), RW1, 0, rd_zero, wr_ignore, 0, 0, T_TDA },
    { "DBGAUTHSTATUS_EL1", K(2, 0, 7, 14, 6), RO1, 0, rd_zero, NULL, 0, 0, T_TDA },
    { "MDCCSR_EL0", K(2, 3, 0, 1, 0), RO0, 0, rd_zero, NULL, 0, 0, T_TDA },
    DBGB(0), DBGB(1), DBGB(2), DBGB(3), DBGB(4), DBGB(5),
    DBGW(0), DBGW(1), DBGW(2), DBGW(3),

    /* EL2 */
    { "VPIDR_EL2", K(3, 4, 0, 0, 0), RW2, SR(vpidr_el2), NULL, NULL, 0, 0 },
    { "VMPIDR_EL2", K(3, 4, 0, 0, 5), RW2, SR(vmpidr_el2), NULL, NULL, 0, 0 },
    { "SCTLR_EL2", K(3, 4, 1, 0, 0), RW2, SR(sctlr_el2), NULL, wr_mmu_el2, 0, 0 },
    { "ACTLR_EL2", K(3, 4, 1, 0, 1), RW2, SR(actlr_el2), NULL, NULL, 0, 0 },
    { "HCR_EL2", K(3, 4, 1, 1, 0), RW2 | SR_END, SR(hcr_el2), NULL, wr_hcr, 0, 0 },
    { "MDCR_EL2", K(3, 4, 1, 1, 1), RW2, SR(mdcr_el2), NULL, NULL, 0, 0 },
    { "CPTR_EL2", K(3, 4, 1, 1, 2), RW2 | SR_END, SR(cptr_el2), NULL, wr_ctx_reg, 0, 0 },
    { "HSTR_EL2", K(3, 4, 1, 1, 3), RW2, SR(hstr_el2), NULL, NULL, 0, 0 },
    { "HACR_EL2", K(3, 4, 1, 1, 7), RW2, SR(hacr_el2), NULL, NULL, 0, 0 },
    { "TTBR0_EL2", K(3, 4, 2, 0, 0), RW2, SR(ttbr0_el2), NULL, wr_mmu_el2, 0, 0 },
    { "TTBR1_EL2", K(3, 4, 2, 0, 1), RW2, SR(ttbr1_el2), NULL, wr_mmu_el2, 0, 0 },
    { "TCR_EL2", K(3, 4, 2, 0, 2), RW2, SR(tcr_el2), NULL, wr_mmu_el2, 0, 0 },
    { "VTTBR_EL2", K(3, 4, 2, 1, 0), RW2, SR(vttbr_el2), NULL, wr_mmu_el1, 0, 0 },
    { "VTCR_EL2", K(3, 4, 2, 1, 2), RW2, SR(vtcr_el2), NULL, wr_mmu_el1, 0, 0 },
    { "VNCR_EL2", K(3, 4, 2, 2, 0), RW2 | SR_NV2, SR(vncr_el2), NULL, NULL, 0, 0 },
    { "SPSR_EL2", K(3, 4, 4, 0, 0), RW2, SR(spsr_el2), NULL, NULL, 0, 0 },
    /* AArch32 EL1 state a hypervisor saves for 32-bit guests (only with
     * AArch32 EL1): the banked SPSRs, DACR, IFSR and FPEXC. */
    { "SPSR_irq", K(3, 4, 4, 3, 0), RW2 | SR_A32EL1, SR(spsr_irq), NULL, NULL, 0xffffffffull, 0 },
    { "SPSR_abt", K(3, 4, 4, 3, 1), RW2 | SR_A32EL1, SR(spsr_abt), NULL, NULL, 0xffffffffull, 0 },
    { "SPSR_und", K(3, 4, 4, 3, 2), RW2 | SR_A32EL1, SR(spsr_und), NULL, NULL, 0xffffffffull, 0 },
    { "SPSR_fiq", K(3, 4, 4, 3, 3), RW2 | SR_A32EL1, SR(spsr_fiq), NULL, NULL, 0xffffffffull, 0 },
    { "DACR32_EL2", K(3, 4, 3, 0, 0), RW2 | SR_A32EL1, SR(dacr32_el2), NULL, wr_dacr32, 0xffffffffull, 0 },
    { "IFSR32_EL2", K(3, 4, 5, 0, 1), RW2 | SR_A32EL1, SR(ifsr32_el2), NULL, NULL, 0xffffffffull, 0 },
    { "FPEXC32_EL2", K(3, 4, 5, 3, 0), RW2 | SR_A32EL1 | SR_END, SR(fpexc32_el2), NULL, NULL, 0xffffffffull, 0 },
    /* DBGVCR32_EL2: no AArch32 vector catch (no debug features): RAZ/WI. */
    { "DBGVCR32_EL2", K(2, 4, 0, 7, 0), RW2 | SR_A32EL1, 0, rd_zero, wr_ignore, 0, 0 },
    { "ELR_EL2", K(3, 4, 4, 0, 1), RW2, SR(elr_el2), NULL, NULL, 0, 0 },
    { "SP_EL1", K(3, 4, 4, 1, 0), RW2, 0, rd_sp_el1, wr_sp_el1, 0, 0 },
    { "AFSR0_EL2", K(3, 4, 5, 1, 0), RW2, SR(afsr0_el2), NULL, NULL, 0, 0 },
    { "AFSR1_EL2", K(3, 4, 5, 1, 1), RW2, SR(afsr1_el2), NULL, NULL, 0, 0 },
    { "ESR_EL2", K(3, 4, 5, 2, 0), RW2, SR(esr_el2), NULL, NULL, 0, 0 },
    { "FAR_EL2", K(3, 4, 6, 0, 0), RW2, SR(far_el2), NULL, NULL, 0, 0 },
    { "HPFAR_EL2", K(3, 4, 6, 0, 4), RW2, SR(hpfar_el2), NULL, NULL, 0, 0 },
    { "MAIR_EL2", K(3, 4, 10, 2, 0), RW2, SR(mair_el2), NULL, NULL, 0, 0 },
    { "AMAIR_EL2", K(3, 4, 10, 3, 0), RW2, SR(amair_el2), NULL, NULL, 0, 0 },
    { "VBAR_EL2", K(3, 4, 12, 0, 0), RW2, SR(vbar_el2), NULL, NULL, 0, 0 },
    { "CONTEXTIDR_EL2", K(3, 4, 13, 0, 1), RW2, SR(contextidr_el2), NULL, NULL, 0, 0 },
    { "TPIDR_EL2", K(3, 4, 13, 0, 2), RW2, SR(tpidr_el2), NULL, NULL, 0, 0 },
    { "CNTVOFF_EL2", K(3, 4, 14, 0, 3), RW2, SR(cntvoff_el2), NULL, wr_timer_other, 0, 0 },
    { "CNTHCTL_EL2", K(3, 4, 14, 1, 0), RW2, SR(cnthctl_el2), NULL, wr_timer_other, 0, 0 },
    TIMER("CNTHP", K(3, 4, 14, 2, 0), RW2, cnthp_ctl_el2, 0),
    TIMER("CNTHV", K(3, 4, 14, 3, 0), RW2, cnthv_ctl_el2, 0),

    /* FEAT_VHE: EL1 registers seen from EL2 with E2H */
    { "SCTLR_EL12", K(3, 5, 1, 0, 0), RW12, SR(sctlr_el1), NULL, wr_mmu_el1, 0, 0 },
    { "CPACR_EL12", K(3, 5, 1, 0, 2), RW12 | SR_END, SR(cpacr_el1), NULL, wr_ctx_reg, 0, 0 },
    { "TTBR0_EL12", K(3, 5, 2, 0, 0), RW12, SR(ttbr0_el1), NULL, wr_mmu_el1, 0, 0 },
    { "TTBR1_EL12", K(3, 5, 2, 0, 1), RW12, SR(ttbr1_el1), NULL, wr_mmu_el1, 0, 0 },
    { "TCR_EL12", K(3, 5, 2, 0, 2), RW12, SR(tcr_el1), NULL, wr_mmu_el1, 0, 0 },
    { "SPSR_EL12", K(3, 5, 4, 0, 0), RW12, SR(spsr_el1), NULL, NULL, 0, 0 },
    { "ELR_EL12", K(3, 5, 4, 0, 1), RW12, SR(elr_el1), NULL, NULL, 0, 0 },
    { "AFSR0_EL12", K(3, 5, 5, 1, 0), RW12, SR(afsr0_el1), NULL, NULL, 0, 0 },
    { "AFSR1_EL12", K(3, 5, 5, 1, 1), RW12, SR(afsr1_el1), NULL, NULL, 0, 0 },
    { "ESR_EL12", K(3, 5, 5, 2, 0), RW12, SR(esr_el1), NULL, NULL, 0, 0 },
    { "FAR_EL12", K(3, 5, 6, 0, 0), RW12, SR(far_el1), NULL, NULL, 0, 0 },
    { "MAIR_EL12", K(3, 5, 10, 2, 0), RW12, SR(mair_el1), NULL, NULL, 0, 0 },
    { "AMAIR_EL12", K(3, 5, 10, 3, 0), RW12, SR(amair_el1), NULL, NULL, 0, 0 },
    { "VBAR_EL12", K(3, 5, 12, 0, 0), RW12, SR(vbar_el1), NULL, NULL, 0, 0 },
    { "CONTEXTIDR_EL12", K(3, 5, 13, 0, 1), RW12, SR(contextidr_el1), NULL, NULL, 0, 0 },
    { "CNTKCTL_EL12", K(3, 5, 14, 1, 0), RW12, SR(cntkctl_el1), NULL, wr_timer_other, 0, 0 },
    TIMER("CNTP_EL02", K(3, 5, 14, 2, 0), RW12, cntp_ctl_el0, 0),
    TIMER("CNTV_EL02", K(3, 5, 14, 3, 0), RW12, cntv_ctl_el0, 0),
};
#pragma GCC diagnostic pop

/* GIC CPU interface registers (ICC_*, ICH_*) are served by the interrupt
 * controller through cpu_env.gic_read/gic_write. */
static bool is_gic_key(uint32_t key)
{
    unsigned op0 = key >> 14, op1 = key >> 11 & 7, crn = key >> 7 & 0xf, crm = key >> 3 & 0xf;
    if (op0 != 3 || crn != 12)
        return false;
    if (op1 == 0 && crm >= 8)
        return true;                    /* ICC_*_EL1 (ICC_PMR_EL1 is in CRn 4: see callers) */
    if (op1 == 4 && crm >= 8)
        return true;                    /* ICC_SRE_EL2, ICH_*_EL2 */
    return false;
}

static const struct sysreg *sysreg_find(uint32_t key)
{
    for (size_t i = 0; i < sizeof(sysregs) / sizeof(sysregs[0]); i++)
        if (sysregs[i].key == key)
            return &sysregs[i];
    return NULL;
}

const char *sysreg_name(uint32_t key)
{
    const struct sysreg *r = sysreg_find(key);
    return r ? r->name : NULL;
}

/* ---- translation --------------------------------------------------------- */

static const struct uop *op_mrs_field(struct cpu *c, const struct uop *u)
{
    c->x[u->a] = u->e == 4 ? *(const uint32_t *)((const char *)c + u->imm) : *fld(c, u->imm);
    return u + 1;
}

/* An allowed write: the write mask, then the accessor or the field. */
static void sysreg_write(struct cpu *c, const struct sysreg *r, uint64_t v)
{
    if (r->wmask)
        v &= r->wmask;
    if (r->write)
        r->write(c, r, v);
    else if (r->flags & SR_U32)
        *(uint32_t *)((char *)c + r->off) = (uint32_t)v;
    else
        *fld(c, r->off) = v;
}

static const struct uop *op_msr_field(struct cpu *c, const struct uop *u)
{
    sysreg_write(c, (const struct sysreg *)(uintptr_t)u->imm, c->x[u->a]);
    return u + 1;
}

/* Accessors may raise exceptions: keep c->pc right for them. */
static const struct uop *op_mrs_fn(struct cpu *c, const struct uop *u)
{
    const struct sysreg *r = (const struct sysreg *)(uintptr_t)u->imm;
    c->pc = uop_pc(c, u);
    c->x[u->a] = r->read(c, r);
    return u + 1;
}

static const struct uop *op_msr_fn(struct cpu *c, const struct uop *u)
{
    c->pc = uop_pc(c, u);
    sysreg_write(c, (const struct sysreg *)(uintptr_t)u->imm, c->x[u->a]);
    return u + 1;
}

static const struct uop *op_mrs_gic(struct cpu *c, const struct uop *u)
{
    struct sysreg r = { .key = (uint32_t)u->imm };
    c->pc = uop_pc(c, u);
    c->x[u->a] = rd_gic(c, &r);
    return u + 1;
}

/* ISS of a trapped MSR/MRS (EC 0x18). */
static uint32_t sysreg_iss(uint32_t key, unsigned rt, bool read)
{
    unsigned op0 = key >> 14, op1 = key >> 11 & 7, crn = key >> 7 & 0xf, crm = key >> 3 & 0xf, op2 = key & 7;
    return op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | (read ? 1u : 0u);
}

static bool is_sgi_key(uint32_t key)
{
    return key == K(3, 0, 12, 11, 5) || key == K(3, 0, 12, 11, 6) || key == K(3, 0, 12, 11, 7);
}

static const struct uop *op_msr_gic(struct cpu *c, const struct uop *u)
{
    struct sysreg r = { .key = (uint32_t)u->imm };
    c->pc = uop_pc(c, u);
    /* SGI generation is not virtualized: under IMO/FMO it traps to EL2. */
    if (cpu_irq_virtualized(c) && is_sgi_key(r.key)) {
        c->exc.target_el = 2;
        cpu_raise(c, c->pc, EC_SYSREG, sysreg_iss(r.key, u->insn & 31, false), 0);
    }
    wr_gic(c, &r, c->x[u->a]);
    return u + 1;
}

/* The row an access from this context means, or NULL (UNDEFINED). */
static const struct sysreg *resolve_row(uint32_t ctx, uint32_t key, bool write)
{
    unsigned el = ctx_el(ctx);
    const struct sysreg *r = sysreg_find(key);
    if (!r)
        return NULL;
    if ((r->flags & SR_NEEDS_EL2) && !(ctx & CTX_EL2))
        return NULL;
    if ((r->flags & SR_E2H_ONLY) && !(el == 2 && (ctx & CTX_E2H)))
        return NULL;
    if (r->vhe && el == 2 && (ctx & CTX_E2H)) {
        const struct sysreg *t = sysreg_find(r->vhe);
        if (t)
            r = t;
    }
    unsigned need = write ? (el == 0 ? SR_EL0W : el == 1 ? SR_EL1W : SR_EL2W)
                          : (el == 0 ? SR_EL0R : el == 1 ? SR_EL1R : SR_EL2R);
    if (!(r->flags & need))
        return NULL;
    return r;
}

/* FPCR/FPSR accesses take the FP access trap before any other. */
static bool fp_access_traps(struct xlat *x, const struct sysreg *r)
{
    if (!(r->flags & SR_FP) || (x->ctx & CTX_FP_OK))
        return false;
    decode_fp_check(x, x->nuops);
    return true;
}

static const struct sysreg raz_row = { "RAZ", 0, RO1, 0, rd_zero, NULL, 0, 0, T_TID3 };

bool sysreg_trans_read(struct xlat *x, uint32_t key, uint8_t rt_slot)
{
    if ((x->ctx & CTX_NV) && nv_trans_sysreg(x, &key, rt_slot, false))
        return true;    /* FEAT_NV/NV2 at EL1 */
    unsigned el = ctx_el(x->ctx);
    struct uop *u;
    if (!(x->ctx & CTX_USER) && is_gic_key(key) && el >= 1) {
        u = emit(x, op_mrs_gic);
        u->imm = key;
        u->a = rt_slot;
        return true;
    }
    if (!(x->ctx & CTX_USER) && key == K(3, 0, 4, 6, 0) && el >= 1) {   /* ICC_PMR_EL1 */
        u = emit(x, op_mrs_gic);
        u->imm = key;
        u->a = rt_slot;
        return true;
    }
    const struct sysreg *r = resolve_row(x->ctx, key, false);
    if (r && (r->flags & SR_PAUTH) && !(x->cpu->model->id_aa64isar1 & 0xff0))   /* APA, API */
        r = NULL;
    if (r && (r->flags & SR_NV2) && nv_level(x->cpu) < 2)
        r = NULL;
    if (r && (r->flags & SR_A32EL1) && !cpu_model_a32_el1(x->cpu->model))
        r = NULL;
    if (!r && el >= 1 && (key & ~0x7fu) == K(3, 0, 0, 0, 0) && (key >> 3 & 0xf) >= 1)
        r = &raz_row;   /* unallocated ID register space reads as zero */
    if (!r)
        return traps_trans_impdef(x, key);
    if (fp_access_traps(x, r))
        return true;
    traps_emit(x, r->traps, true);
    if (r->read) {
        u = emit(x, op_mrs_fn);
        u->imm = (uintptr_t)r;
    } else {
        u = emit(x, op_mrs_field);
        u->imm = r->off;
        u->e = (r->flags & SR_U32) ? 4 : 8;
    }
    u->a = rt_slot;
    return true;
}

bool sysreg_trans_write(struct xlat *x, uint32_t key, uint8_t rt_slot)
{
    if ((x->ctx & CTX_NV) && nv_trans_sysreg(x, &key, rt_slot, true))
        return true;    /* FEAT_NV/NV2 at EL1 */
    unsigned el = ctx_el(x->ctx);
    struct uop *u;
    if (!(x->ctx & CTX_USER) && el >= 1 && (is_gic_key(key) || key == K(3, 0, 4, 6, 0))) {
        u = emit(x, op_msr_gic);
        u->imm = key;
        u->a = rt_slot;
        /* SGI generation, EOI and enables can change pending interrupts. */
        struct uop *g = emit(x, op_goto_nochain);
        g->imm = x->pc + 4;
        x->end = true;
        return true;
    }
    const struct sysreg *r = resolve_row(x->ctx, key, true);
    if (r && (r->flags & SR_PAUTH) && !(x->cpu->model->id_aa64isar1 & 0xff0))
        r = NULL;
    if (r && (r->flags & SR_NV2) && nv_level(x->cpu) < 2)
        r = NULL;
    if (r && (r->flags & SR_A32EL1) && !cpu_model_a32_el1(x->cpu->model))
        r = NULL;
    if (!r)
        return traps_trans_impdef(x, key);
    if (fp_access_traps(x, r))
        return true;
    traps_emit(x, r->traps, false);
    u = emit(x, r->write ? op_msr_fn : op_msr_field);
    u->imm = (uintptr_t)r;
    u->a = rt_slot;
    /* Writes with side effects on translation or interrupts end the block. */
    if ((r->flags & SR_END) || (r->write && r->write != wr_ignore && !(x->ctx & CTX_USER))) {
        struct uop *g = emit(x, op_goto_nochain);
        g->imm = x->pc + 4;
        x->end = true;
    }
    return true;
}

/* Does key name a register EL2 may access this way (FEAT_NV traps those
 * accesses from EL1 instead of making them UNDEFINED)? */
bool sysreg_exists_at_el2(uint32_t key, bool write)
{
    if (is_gic_key(key))
        return true;
    return resolve_row(2 | CTX_EL2 | CTX_E2H, key, write) != NULL || resolve_row(2 | CTX_EL2, key, write) != NULL;
}

bool cpu_sysreg_get(struct cpu *c, uint32_t key, uint64_t *value)
{
    const struct sysreg *r = sysreg_find(key);
    if (!r)
        return false;
    if (r->read) {
        if (r->read == rd_gic)
            return false;
        *value = r->read(c, r);
    } else {
        *value = (r->flags & SR_U32) ? *(const uint32_t *)((const char *)c + r->off) : *fld(c, r->off);
    }
    return true;
}

/* Write a register by key as EL2/EL1 software would, without access checks
 * (AArch32 EL0 aliases of EL0 registers: the caller checked the controls). */
bool cpu_sysreg_set(struct cpu *c, uint32_t key, uint64_t value)
{
    const struct sysreg *r = sysreg_find(key);
    if (!r || (!r->write && (r->read || (r->flags & SR_U32))))
        return false;
    sysreg_write(c, r, value);
    return true;
}

