/* FEAT_NV / FEAT_NV2 (Arm ARM D8.x "Nested virtualization").
 *
 * Under HCR_EL2.NV a guest hypervisor runs at EL1 while believing it is at
 * EL2: CurrentEL reads EL2, ERET traps (EC 0x1a) and accesses to EL2 and
 * EL12/EL02 registers trap as MSR/MRS (EC 0x18).  With HCR_EL2.NV2 most
 * of those accesses instead become 64-bit loads/stores at VNCR_EL2.BADDR plus
 * the register's architected offset, performed in the EL2 translation regime
 * (EL2&0 when HCR_EL2.E2H) as if PSTATE.PAN were 0; their faults are data
 * aborts to EL2 with ISS.VNCR set.  With NV1=0 (a VHE guest hypervisor) EL1
 * register names reach the real EL1 registers, which hold the guest
 * hypervisor's own EL2 context; with NV1=1 they go to memory too.
 *
 * Every decision is made at translation time (CTX_NV, CTX_NV1, CTX_NV2 and
 * CTX_E2H are part of the translation context), so a redirected MRS/MSR is a
 * single uop with the same two-compare TLB fast path as LDR/STR. */
#include "nv.h"
#include "sysreg.h"
#include "system.h"

#define K(op0, op1, crn, crm, op2) SYSREG_KEY(op0, op1, crn, crm, op2)

unsigned nv_level(const struct cpu *c)
{
    if (!c->el2_enabled)
        return 0;
    return (unsigned)(c->model->id_aa64mmfr2 >> 24) & 0xf;
}

uint32_t nv_ctx(const struct cpu *c)
{
    uint64_t hcr = c->sr.hcr_el2;
    if (c->el != 1 || !(hcr & HCR_NV))
        return 0;
    uint32_t ctx = CTX_NV;
    if (hcr & HCR_NV1)
        ctx |= CTX_NV1;
    if (hcr & HCR_NV2)
        ctx |= CTX_NV2;
    return ctx;
}

uint64_t nv_hcr_mask(const struct cpu *c)
{
    unsigned lvl = nv_level(c);
    uint64_t m = ~(HCR_NV | HCR_NV1 | HCR_AT | HCR_NV2);
    if (lvl >= 1)
        m |= HCR_NV | HCR_NV1 | HCR_AT;
    if (lvl >= 2)
        m |= HCR_NV2;
    return m;
}

bool nv_spsr_reports_el2(const struct cpu *c)
{
    uint64_t hcr = c->sr.hcr_el2;
    if (!(hcr & HCR_NV))
        return false;
    return (hcr & HCR_NV2) || !(hcr & HCR_NV1);
}

/* ---- the VNCR page -------------------------------------------------------- */

/* When a register is redirected to memory: always, only with NV1=1 (EL1
 * registers of an nVHE guest hypervisor), or only with NV1=0 (the _EL12 and
 * _EL02 views a VHE guest hypervisor uses for its guest's EL1 state). */
enum { VN_ALWAYS, VN_NV1, VN_NO_NV1 };

struct vncr_row {
    uint32_t key;
    uint16_t off;
    uint8_t when;
};

/* Offsets within the VNCR page (Arm ARM rule R_CSRPQ, table D8-66), for the
 * registers this CPU implements.  The GIC list registers follow the
 * interrupt controller's 8 LRs and one active-priority register per group. */
#define LR(n) { K(3, 4, 12, 12 + (n) / 8, (n) % 8), 0x400 + 8 * (n), VN_ALWAYS }
static const struct vncr_row vncr_table[] = {
    { K(3, 4, 2, 1, 0), 0x020, VN_ALWAYS },     /* VTTBR_EL2 */
    { K(3, 4, 2, 1, 2), 0x040, VN_ALWAYS },     /* VTCR_EL2 */
    { K(3, 4, 0, 0, 5), 0x050, VN_ALWAYS },     /* VMPIDR_EL2 */
    { K(3, 4, 14, 0, 3), 0x060, VN_ALWAYS },    /* CNTVOFF_EL2 */
    { K(3, 4, 1, 1, 0), 0x078, VN_ALWAYS },     /* HCR_EL2 */
    { K(3, 4, 1, 1, 3), 0x080, VN_ALWAYS },     /* HSTR_EL2 */
    { K(3, 4, 0, 0, 0), 0x088, VN_ALWAYS },     /* VPIDR_EL2 */
    { K(3, 4, 13, 0, 2), 0x090, VN_ALWAYS },    /* TPIDR_EL2 */
    { K(3, 4, 2, 2, 0), 0x0b0, VN_ALWAYS },     /* VNCR_EL2 */
    { K(3, 0, 1, 0, 2), 0x100, VN_NV1 },        /* CPACR_EL1 */
    { K(3, 5, 1, 0, 2), 0x100, VN_NO_NV1 },     /* CPACR_EL12 */
    { K(3, 0, 13, 0, 1), 0x108, VN_NV1 },       /* CONTEXTIDR_EL1 */
    { K(3, 5, 13, 0, 1), 0x108, VN_NO_NV1 },    /* CONTEXTIDR_EL12 */
    { K(3, 0, 1, 0, 0), 0x110, VN_NV1 },        /* SCTLR_EL1 */
    { K(3, 5, 1, 0, 0), 0x110, VN_NO_NV1 },     /* SCTLR_EL12 */
    { K(3, 0, 1, 0, 1), 0x118, VN_ALWAYS },     /* ACTLR_EL1 */
    { K(3, 0, 2, 0, 2), 0x120, VN_NV1 },        /* TCR_EL1 */
    { K(3, 5, 2, 0, 2), 0x120, VN_NO_NV1 },     /* TCR_EL12 */
    { K(3, 0, 5, 1, 0), 0x128, VN_NV1 },        /* AFSR0_EL1 */
    { K(3, 5, 5, 1, 0), 0x128, VN_NO_NV1 },     /* AFSR0_EL12 */
    { K(3, 0, 5, 1, 1), 0x130, VN_NV1 },        /* AFSR1_EL1 */
    { K(3, 5, 5, 1, 1), 0x130, VN_NO_NV1 },     /* AFSR1_EL12 */
    { K(3, 0, 5, 2, 0), 0x138, VN_NV1 },        /* ESR_EL1 */
    { K(3, 5, 5, 2, 0), 0x138, VN_NO_NV1 },     /* ESR_EL12 */
    { K(3, 0, 10, 2, 0), 0x140, VN_NV1 },       /* MAIR_EL1 */
    { K(3, 5, 10, 2, 0), 0x140, VN_NO_NV1 },    /* MAIR_EL12 */
    { K(3, 0, 10, 3, 0), 0x148, VN_NV1 },       /* AMAIR_EL1 */
    { K(3, 5, 10, 3, 0), 0x148, VN_NO_NV1 },    /* AMAIR_EL12 */
    { K(2, 0, 0, 2, 2), 0x158, VN_ALWAYS },     /* MDSCR_EL1 */
    { K(3, 0, 4, 0, 0), 0x160, VN_NV1 },        /* SPSR_EL1 */
    { K(3, 5, 4, 0, 0), 0x160, VN_NO_NV1 },     /* SPSR_EL12 */
    { K(3, 5, 14, 3, 2), 0x168, VN_NO_NV1 },    /* CNTV_CVAL_EL02 */
    { K(3, 5, 14, 3, 1), 0x170, VN_NO_NV1 },    /* CNTV_CTL_EL02 */
    { K(3, 5, 14, 2, 2), 0x178, VN_NO_NV1 },    /* CNTP_CVAL_EL02 */
    { K(3, 5, 14, 2, 1), 0x180, VN_NO_NV1 },    /* CNTP_CTL_EL02 */
    { K(3, 0, 2, 0, 0), 0x200, VN_NV1 },        /* TTBR0_EL1 */
    { K(3, 5, 2, 0, 0), 0x200, VN_NO_NV1 },     /* TTBR0_EL12 */
    { K(3, 0, 2, 0, 1), 0x210, VN_NV1 },        /* TTBR1_EL1 */
    { K(3, 5, 2, 0, 1), 0x210, VN_NO_NV1 },     /* TTBR1_EL12 */
    { K(3, 0, 6, 0, 0), 0x220, VN_NV1 },        /* FAR_EL1 */
    { K(3, 5, 6, 0, 0), 0x220, VN_NO_NV1 },     /* FAR_EL12 */
    { K(3, 0, 4, 0, 1), 0x230, VN_NV1 },        /* ELR_EL1 */
    { K(3, 5, 4, 0, 1), 0x230, VN_NO_NV1 },     /* ELR_EL12 */
    { K(3, 4, 4, 1, 0), 0x240, VN_ALWAYS },     /* SP_EL1 */
    { K(3, 0, 12, 0, 0), 0x250, VN_NV1 },       /* VBAR_EL1 */
    { K(3, 5, 12, 0, 0), 0x250, VN_NO_NV1 },    /* VBAR_EL12 */
    LR(0), LR(1), LR(2), LR(3), LR(4), LR(5), LR(6), LR(7),
    { K(3, 4, 12, 8, 0), 0x480, VN_ALWAYS },    /* ICH_AP0R0_EL2 */
    { K(3, 4, 12, 9, 0), 0x4a0, VN_ALWAYS },    /* ICH_AP1R0_EL2 */
    { K(3, 4, 12, 11, 0), 0x4c0, VN_ALWAYS },   /* ICH_HCR_EL2 */
    { K(3, 4, 12, 11, 7), 0x4c8, VN_ALWAYS },   /* ICH_VMCR_EL2 */
};
#undef LR

static const struct vncr_row *vncr_find(uint32_t key, uint32_t ctx)
{
    bool nv1 = ctx & CTX_NV1;
    for (size_t i = 0; i < sizeof(vncr_table) / sizeof(vncr_table[0]); i++) {
        const struct vncr_row *r = &vncr_table[i];
        if (r->key != key)
            continue;
        if (r->when == VN_ALWAYS || (r->when == VN_NV1) == nv1)
            return r;
    }
    return NULL;
}

/* VNCR_EL2: BADDR is bits [56:12]; bits [63:57] are RESS (sign extension). */
static inline uint64_t vncr_base(const struct cpu *c)
{
    return (uint64_t)((int64_t)(c->sr.vncr_el2 << 7) >> 7) & ~0xfffull;
}

/* TLB miss: translate in the EL2 regime (u->e), fault as a VNCR data abort to
 * EL2, then let the generic slow path fill the regime's TLB and access. */
static uint64_t vncr_slow(struct cpu *c, const struct uop *u, uint64_t va, bool write, uint64_t val)
{
    enum mmu_idx save = c->mmu_idx, idx = (enum mmu_idx)u->e;
    enum access_kind acc = write ? ACC_WRITE : ACC_READ;
    struct tlb_entry probe = { TLB_INVALID, TLB_INVALID, TLB_INVALID, 0 };
    struct exc_info exc = { 0 };
    c->mmu_idx = idx;
    bool ok = mmu_fill(c, va & TLB_PAGE_MASK, acc, &probe, &exc);
    c->mmu_idx = save;
    uint64_t tag = write ? probe.tag_w : probe.tag_r;
    if (ok && (tag == TLB_INVALID || (tag & TLB_MMIO))) {
        ok = false;
        exc.perm = tag == TLB_INVALID;
        exc.iss = tag == TLB_INVALID ? FSC_PERMISSION(3) : FSC_SYNC_EXTERNAL;
    }
    uint64_t pc = uop_pc(c, u);
    if (!ok) {
        exc.ec = EC_DABORT_LOWER;
        exc.far = va;
        exc.access = acc;
        exc.insn = 0;           /* no instruction syndrome (ISV=0) */
        exc.stage2 = false;
        exc.target_el = 2;
        sys_finish_abort(c, &exc, pc);
        exc.iss |= ISS_DABORT_VNCR;
        c->exc = exc;
        cpu_raise(c, pc, exc.ec, exc.iss, va);
    }
    c->mmu_idx = idx;
    c->tlb = c->tlbs[idx];
    uint64_t v = 0;
    if (write)
        mem_st_slow(c, u, va, 8, val);
    else
        v = mem_ld_slow(c, u, va, 8);
    c->mmu_idx = save;
    c->tlb = c->tlbs[save];
    return v;
}

/* u->imm: offset; u->a: register slot; u->e: mmu_idx of the EL2 regime. */
static const struct uop *op_vncr_ld(struct cpu *c, const struct uop *u)
{
    uint64_t va = vncr_base(c) + u->imm;
    const struct tlb_entry *e = &c->tlbs[u->e][(va >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];
    if (likely(e->tag_r == (va & TLB_PAGE_MASK))) {
        memcpy(&c->x[u->a], (const void *)(uintptr_t)(va + e->addend), 8);
        return u + 1;
    }
    c->x[u->a] = vncr_slow(c, u, va, false, 0);
    return u + 1;
}

static const struct uop *op_vncr_st(struct cpu *c, const struct uop *u)
{
    uint64_t va = vncr_base(c) + u->imm;
    const struct tlb_entry *e = &c->tlbs[u->e][(va >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];
    if (likely(e->tag_w == (va & TLB_PAGE_MASK))) {
        memcpy((void *)(uintptr_t)(va + e->addend), &c->x[u->a], 8);
        return u + 1;
    }
    (void)vncr_slow(c, u, va, true, c->x[u->a]);
    return u + 1;
}

/* ---- traps ---------------------------------------------------------------- */

/* u->imm: EC << 32 | ISS; the exception goes to EL2. */
static const struct uop *op_nv_trap(struct cpu *c, const struct uop *u)
{
    c->exc.target_el = 2;
    cpu_raise(c, uop_pc(c, u), (uint32_t)(u->imm >> 32), (uint32_t)u->imm, 0);
}

static void emit_trap(struct xlat *x, uint32_t ec, uint32_t iss)
{
    emit(x, op_nv_trap)->imm = (uint64_t)ec << 32 | iss;
    x->end = true;
}

/* ISS of a trapped MSR/MRS/SYS (EC 0x18). */
static uint32_t sys_iss(uint32_t key, unsigned rt, bool read)
{
    unsigned op0 = key >> 14, op1 = key >> 11 & 7, crn = key >> 7 & 0xf, crm = key >> 3 & 0xf, op2 = key & 7;
    return op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | (read ? 1u : 0u);
}

static const struct uop *op_current_el2(struct cpu *c, const struct uop *u)
{
    c->x[u->a] = 2u << 2;
    return u + 1;
}

int nv_trans_sysreg(struct xlat *x, uint32_t *key, uint8_t rt_slot, bool write)
{
    uint32_t k = *key, ctx = x->ctx;
    unsigned rt = x->insn & 31;
    if (k == K(3, 0, 4, 2, 2) && !write) {      /* CurrentEL: the guest hypervisor is at EL2 */
        emit(x, op_current_el2)->a = rt_slot;
        return 1;
    }
    if (ctx & CTX_NV2) {
        const struct vncr_row *r = vncr_find(k, ctx);
        if (r) {
            struct uop *u = emit(x, write ? op_vncr_st : op_vncr_ld);
            u->imm = r->off;
            u->a = rt_slot;
            u->e = (ctx & CTX_E2H) ? MMU_EL20_2 : MMU_EL2;
            return 1;
        }
        /* ELR_EL2, SPSR_EL2, ESR_EL2, FAR_EL2 are the EL1 registers (which
         * hold the guest hypervisor's EL2 context). */
        if (k == K(3, 4, 4, 0, 1) || k == K(3, 4, 4, 0, 0) || k == K(3, 4, 5, 2, 0) || k == K(3, 4, 6, 0, 0)) {
            *key = k & ~(7u << 11);
            return 0;
        }
    } else if ((ctx & CTX_NV1) && (k == K(3, 0, 4, 0, 1) || k == K(3, 0, 4, 0, 0))) {
        emit_trap(x, EC_SYSREG, sys_iss(k, rt, !write));    /* ELR_EL1, SPSR_EL1 under NV1 */
        return 1;
    }
    unsigned op0 = k >> 14, op1 = k >> 11 & 7;
    if (op0 == 3 && (op1 == 4 || op1 == 5) && sysreg_exists_at_el2(k, write)) {
        emit_trap(x, EC_SYSREG, sys_iss(k, rt, !write));
        return 1;
    }
    return 0;
}

bool nv_trans_sys_trap(struct xlat *x, uint32_t key, unsigned rt)
{
    emit_trap(x, EC_SYSREG, sys_iss(key, rt, false));
    return true;
}

static const struct uop *op_at_check(struct cpu *c, const struct uop *u)
{
    if (c->sr.hcr_el2 & HCR_AT) {
        c->exc.target_el = 2;
        cpu_raise(c, uop_pc(c, u), EC_SYSREG, (uint32_t)u->imm, 0);
    }
    return u + 1;
}

void nv_trans_at_check(struct xlat *x, uint32_t key, unsigned rt)
{
    emit(x, op_at_check)->imm = sys_iss(key, rt, false);
}

bool nv_trans_eret(struct xlat *x, unsigned eret_kind)
{
    emit_trap(x, EC_ERET_TRAP, eret_kind);
    return true;
}
