/* FEAT_NV / FEAT_NV2 in system mode: EL2 code sets HCR_EL2 (NV, NV1, NV2,
 * E2H ...) and VNCR_EL2 and ERETs to an EL1 "guest hypervisor" snippet; the
 * EL2 vectors end the run with SMC (an exit to the VMM).  Checked: CurrentEL
 * reads EL2, VNCR loads/stores land at the architected offsets, NV1 selects
 * EL1 vs EL12 redirection, ELR/SPSR/ESR_EL2 reach the EL1 registers, EL2
 * register accesses, ERET, TLBI and AT trap with the right syndromes, VNCR
 * faults carry ISS.VNCR, SPSR.M reports EL2, and the ID register advertises
 * NV only with EL2 and per model.  (Flat system-mode memory as in
 * test_mmu.c; cpu_harness.h is user mode only.) */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "test.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (2u << 20)
#define CODE_EL2 RAM_BASE
#define VEC_EL2 (RAM_BASE + 0x1000)
#define CODE_EL1 (RAM_BASE + 0x2000)
#define VEC_EL1 (RAM_BASE + 0x3000)
#define VNCR_PA (RAM_BASE + 0x10000)

#define HCR_RW (1ull << 31)
#define EC_ERET 0x1a

#include "flat_ram.h"

static uint64_t *vncr(unsigned off) { return (uint64_t *)(ram + (VNCR_PA - RAM_BASE) + off); }

/* x20 = HCR_EL2, x21 = VNCR_EL2, x22 = EL1 entry, x23 = VBAR_EL2 (entered at
 * +4 when the model has no VNCR_EL2) */
static const uint32_t prog_el2[] = {
    0xd51c2215, /* 0:    msr vncr_el2, x21  */
    0xd51cc017, /* 4:    msr vbar_el2, x23  */
    0xd51c1114, /* 8:    msr hcr_el2, x20  */
    0xd5033fdf, /* c:    isb  */
    0xd51c4036, /* 10:   msr elr_el2, x22  */
    0xd28078a0, /* 14:   mov x0, #0x3c5  */
    0xd51c4000, /* 18:   msr spsr_el2, x0  */
    0xd69f03e0, /* 1c:   eret  */
};
static const uint32_t vec_exit[] = {
    0xd4000003, /* 0:    smc #0x0  */
};
/* EL1 current-EL sync vector: report SPSR_EL1 in x9, HVC to EL2. */
static const uint32_t vec_el1[] = {
    0xd5384009, /* 0:    mrs x9, spsr_el1  */
    0xd4000842, /* 4:    hvc #0x42  */
};

static struct cpu *run_el1(const struct cpu_model *m, const uint32_t *code, size_t n, uint64_t hcr)
{
    memset(ram, 0, RAM_SIZE);
    memcpy(ram, prog_el2, sizeof(prog_el2));
    for (unsigned i = 0; i < 16; i++)
        memcpy(ram + (VEC_EL2 - RAM_BASE) + i * 0x80, vec_exit, sizeof(vec_exit));
    memcpy(ram + (CODE_EL1 - RAM_BASE), code, n * 4);
    memcpy(ram + (VEC_EL1 - RAM_BASE) + 0x200, vec_el1, sizeof(vec_el1));
    struct cpu_env env = { .ram_ptr = ram_ptr };
    struct cpu *c = cpu_new(m, &env, false);
    c->el2_enabled = true;
    cpu_power_on_reset(c, CODE_EL2 + (m && !strcmp(m->name, "no-nv2") ? 4 : 0));
    c->x[20] = hcr;
    c->x[21] = VNCR_PA;
    c->x[22] = CODE_EL1;
    c->x[23] = VEC_EL2;
    c->sr.vbar_el1 = VEC_EL1;
    for (unsigned r = 1; r <= 8; r++)
        c->x[r] = 0x1111111111111111ull * r;
    c->sr.elr_el1 = 0xe1e1;
    c->sr.spsr_el1 = 0x3c5;
    c->sr.esr_el1 = 0x5e5e;
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    return c;
}

/* ESR ISS of a trapped MSR (read=0) / MRS (read=1) / SYS. */
static uint32_t iss(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2, unsigned rt, bool read)
{
    return op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | read;
}

static void check_trap(struct cpu *c, uint32_t ec, uint32_t want_iss, uint64_t pc)
{
    CHECK_EQ(c->el, 2);
    CHECK_EQ(c->sr.esr_el2 >> 26, ec);
    CHECK_EQ(c->sr.esr_el2 & 0x1ffffff, want_iss);
    CHECK_EQ(c->sr.elr_el2, pc);
    CHECK_EQ(c->sr.spsr_el2 & 0xf, 0x5);    /* taken from EL1h */
}

/* NV2 with a VHE guest hypervisor (NV1=0, E2H=1). */
static void test_nv2_vhe(void)
{
    static const uint32_t code[] = {
        0xd5384240, /* 0:    mrs x0, currentel  */
        0xd51c1101, /* 4:    msr hcr_el2, x1     -> VNCR 0x78 */
        0xd53c2102, /* 8:    mrs x2, vttbr_el2   <- VNCR 0x20 */
        0xd51d1003, /* c:    msr sctlr_el12, x3  -> VNCR 0x110 */
        0xd5381004, /* 10:   mrs x4, sctlr_el1   real register */
        0xd51c4025, /* 14:   msr elr_el2, x5     -> ELR_EL1 */
        0xd53c4006, /* 18:   mrs x6, spsr_el2    <- SPSR_EL1 */
        0xd53c5207, /* 1c:   mrs x7, esr_el2     <- ESR_EL1 */
        0xd51ce108, /* 20:   msr cnthctl_el2, x8 traps */
    };
    uint64_t hcr = HCR_NV | HCR_NV2 | HCR_E2H | HCR_RW;
    memset(ram, 0, RAM_SIZE);
    struct cpu *c = run_el1(NULL, code, 9, hcr);
    CHECK_EQ(c->x[0], 8);                       /* CurrentEL: EL2 */
    CHECK_EQ(*vncr(0x78), 0x1111111111111111ull);
    CHECK_EQ(c->x[2], 0);                       /* VNCR 0x20 was zero */
    CHECK_EQ(*vncr(0x110), 0x3333333333333333ull);
    CHECK_EQ(c->x[4], 0x30d00800ull);           /* the real SCTLR_EL1, untouched */
    CHECK_EQ(c->sr.hcr_el2, hcr);               /* the real HCR_EL2 untouched */
    CHECK_EQ(c->sr.elr_el1, 0x5555555555555555ull);
    CHECK_EQ(c->x[6], 0x3c5);
    CHECK_EQ(c->x[7], 0x5e5e);
    check_trap(c, EC_SYSREG, iss(3, 4, 14, 1, 0, 8, false), CODE_EL1 + 0x20);
    cpu_free(c);

    /* A load sees what is in the page: VTTBR_EL2 at 0x20 (fresh CPU, memory
     * prepared after run_el1's reset through a second pass). */
    static const uint32_t code2[] = {
        0xd53c2102, /* 0:    mrs x2, vttbr_el2  */
        0xd51ce108, /* 4:    msr cnthctl_el2, x8 (trap: ends the run) */
    };
    memset(ram, 0, RAM_SIZE);
    struct cpu_env env = { .ram_ptr = ram_ptr };
    c = cpu_new(NULL, &env, false);
    c->el2_enabled = true;
    memcpy(ram, prog_el2, sizeof(prog_el2));
    for (unsigned i = 0; i < 16; i++)
        memcpy(ram + (VEC_EL2 - RAM_BASE) + i * 0x80, vec_exit, sizeof(vec_exit));
    memcpy(ram + (CODE_EL1 - RAM_BASE), code2, sizeof(code2));
    *vncr(0x20) = 0xabcdef0123456789ull;
    cpu_power_on_reset(c, CODE_EL2);
    c->x[20] = hcr, c->x[21] = VNCR_PA, c->x[22] = CODE_EL1, c->x[23] = VEC_EL2;
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->x[2], 0xabcdef0123456789ull);
    cpu_free(c);
}

/* NV2 with an nVHE guest hypervisor (NV1=1): EL1 names go to memory, the
 * EL12 names trap. */
static void test_nv2_nv1(void)
{
    static const uint32_t code[] = {
        0xd5181003, /* 0:    msr sctlr_el1, x3   -> VNCR 0x110 */
        0xd538c002, /* 4:    mrs x2, vbar_el1    <- VNCR 0x250 */
        0xd51d1003, /* 8:    msr sctlr_el12, x3  traps */
    };
    struct cpu *c = run_el1(NULL, code, 3, HCR_NV | HCR_NV1 | HCR_NV2 | HCR_RW);
    CHECK_EQ(*vncr(0x110), 0x3333333333333333ull);
    CHECK_EQ(c->sr.sctlr_el1, 0x30d00800ull);
    CHECK_EQ(c->x[2], 0);                       /* not the real VBAR_EL1 */
    check_trap(c, EC_SYSREG, iss(3, 5, 1, 0, 0, 3, false), CODE_EL1 + 8);
    cpu_free(c);
}

/* FEAT_NV alone: EL2 registers trap; under NV1, ELR_EL1 traps too. */
static void test_nv_traps(void)
{
    static const uint32_t code[] = {
        0xd5384240, /* 0:    mrs x0, currentel  */
        0xd51c1101, /* 4:    msr hcr_el2, x1  */
    };
    struct cpu *c = run_el1(NULL, code, 2, HCR_NV | HCR_RW);
    CHECK_EQ(c->x[0], 8);
    check_trap(c, EC_SYSREG, iss(3, 4, 1, 1, 0, 1, false), CODE_EL1 + 4);
    CHECK_EQ(*vncr(0x78), 0);
    cpu_free(c);

    static const uint32_t elr[] = {
        0xd5384022, /* 0:    mrs x2, elr_el1  */
    };
    c = run_el1(NULL, elr, 1, HCR_NV | HCR_NV1 | HCR_RW);
    check_trap(c, EC_SYSREG, iss(3, 0, 4, 0, 1, 2, true), CODE_EL1);
    cpu_free(c);

    /* The no-nv2 model ignores HCR_EL2.NV2: HCR_EL2 at EL1 still traps. */
    c = run_el1(cpu_model_find("no-nv2"), code, 2, HCR_NV | HCR_NV2 | HCR_RW);
    CHECK_EQ(c->sr.hcr_el2 & HCR_NV2, 0);
    check_trap(c, EC_SYSREG, iss(3, 4, 1, 1, 0, 1, false), CODE_EL1 + 4);
    cpu_free(c);
}

static void test_eret_tlbi_at(void)
{
    static const uint32_t eret[] = {
        0xd5384240, /* 0:    mrs x0, currentel  */
        0xd69f03e0, /* 4:    eret  */
    };
    struct cpu *c = run_el1(NULL, eret, 2, HCR_NV | HCR_NV2 | HCR_E2H | HCR_RW);
    check_trap(c, EC_ERET, 0, CODE_EL1 + 4);
    cpu_free(c);

    static const uint32_t tlbi[] = {
        0xd50c87df, /* 0:    tlbi vmalls12e1  */
    };
    c = run_el1(NULL, tlbi, 1, HCR_NV | HCR_NV2 | HCR_E2H | HCR_RW);
    check_trap(c, EC_SYSREG, iss(1, 4, 8, 7, 6, 31, false), CODE_EL1);
    cpu_free(c);

    static const uint32_t at[] = {
        0xd5087803, /* 0:    at s1e1r, x3  */
        0xd4000003, /* 4:    smc #0x0  */
    };
    c = run_el1(NULL, at, 2, HCR_NV | HCR_AT | HCR_RW);
    check_trap(c, EC_SYSREG, iss(1, 0, 7, 8, 0, 3, false), CODE_EL1);
    cpu_free(c);
    /* Without HCR_EL2.AT the AT runs at EL1 and the SMC exits from EL1. */
    c = run_el1(NULL, at, 2, HCR_NV | HCR_RW);
    CHECK_EQ(c->el, 1);
    CHECK_EQ(c->pc, CODE_EL1 + 8);
    cpu_free(c);
}

/* An exception from EL1 to EL1 under NV reports EL2 in SPSR_EL1.M. */
static void test_spsr_el2(void)
{
    static const uint32_t svc[] = {
        0xd4000001, /* 0:    svc #0x0  */
    };
    struct cpu *c = run_el1(NULL, svc, 1, HCR_NV | HCR_NV2 | HCR_E2H | HCR_RW);
    CHECK_EQ(c->x[9] & 0xf, 0x9);               /* EL2h */
    CHECK_EQ(c->sr.esr_el2 >> 26, EC_HVC64);
    cpu_free(c);
    c = run_el1(NULL, svc, 1, HCR_RW);
    CHECK_EQ(c->x[9] & 0xf, 0x5);               /* EL1h without NV */
    cpu_free(c);
}

/* A VNCR access that does not reach RAM is a data abort to EL2 with
 * ISS.VNCR (bit 13) and FAR = the VNCR address. */
static void test_vncr_fault(void)
{
    static const uint32_t code[] = {
        0xd53cd042, /* 0:    mrs x2, tpidr_el2  <- VNCR 0x90 */
    };
    memset(ram, 0, RAM_SIZE);
    struct cpu_env env = { .ram_ptr = ram_ptr };
    struct cpu *c = cpu_new(NULL, &env, false);
    c->el2_enabled = true;
    memcpy(ram, prog_el2, sizeof(prog_el2));
    for (unsigned i = 0; i < 16; i++)
        memcpy(ram + (VEC_EL2 - RAM_BASE) + i * 0x80, vec_exit, sizeof(vec_exit));
    memcpy(ram + (CODE_EL1 - RAM_BASE), code, sizeof(code));
    cpu_power_on_reset(c, CODE_EL2);
    c->x[20] = HCR_NV | HCR_NV2 | HCR_RW;
    c->x[21] = 0x7000000;                       /* not RAM */
    c->x[22] = CODE_EL1, c->x[23] = VEC_EL2;
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->sr.esr_el2 >> 26, EC_DABORT_LOWER);
    CHECK_EQ(c->sr.esr_el2 >> 13 & 1, 1);      /* VNCR */
    CHECK_EQ(c->sr.esr_el2 >> 6 & 1, 0);       /* a read */
    CHECK_EQ(c->sr.esr_el2 >> 24 & 1, 0);      /* no instruction syndrome */
    CHECK_EQ(c->sr.esr_el2 & 0x3f, 0x10);      /* external abort */
    CHECK_EQ(c->sr.far_el2, 0x7000000 + 0x90);
    CHECK_EQ(c->sr.elr_el2, CODE_EL1);
    cpu_free(c);
}

/* VNCR accesses are translated in the EL2 regime: with the EL2 MMU on and
 * VNCR_EL2 a VA mapped onto VNCR_PA, the loads/stores land there (the second
 * access through the TLB); an unmapped VA is a translation fault to EL2 with
 * ISS.VNCR and FAR = that VA. */
#define TABLES (RAM_BASE + 0x100000)
#define VNCR_VA 0x0000a5a500000000ull
static struct cpu *run_el2_mmu(uint64_t vncr_va, const uint32_t *code, size_t n)
{
    memset(ram, 0, RAM_SIZE);
    memcpy(ram, prog_el2, sizeof(prog_el2));
    for (unsigned i = 0; i < 16; i++)
        memcpy(ram + (VEC_EL2 - RAM_BASE) + i * 0x80, vec_exit, sizeof(vec_exit));
    memcpy(ram + (CODE_EL1 - RAM_BASE), code, n * 4);
    next_table = TABLES + 4096;
    memset(host(TABLES), 0, 4096);
    map4k(TABLES, CODE_EL2, CODE_EL2, 0);
    map4k(TABLES, VEC_EL2, VEC_EL2, 0);
    map4k(TABLES, VNCR_VA, VNCR_PA, 0);
    struct cpu_env env = { .ram_ptr = ram_ptr };
    struct cpu *c = cpu_new(NULL, &env, false);
    c->el2_enabled = true;
    cpu_power_on_reset(c, CODE_EL2);
    c->sr.ttbr0_el2 = TABLES;
    c->sr.tcr_el2 = 16 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 5ull << 16 | 1ull << 23 | 1ull << 31;
    c->sr.mair_el2 = 0xff;
    c->sr.sctlr_el2 |= 1;                       /* M */
    cpu_tlb_flush(c);
    c->x[20] = HCR_NV | HCR_NV2 | HCR_RW;
    c->x[21] = vncr_va;
    c->x[22] = CODE_EL1, c->x[23] = VEC_EL2;
    for (unsigned r = 1; r <= 8; r++)
        c->x[r] = 0x1111111111111111ull * r;
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    return c;
}

static void test_vncr_el2_regime(void)
{
    static const uint32_t code[] = {
        0xd51c1101, /* 0:    msr hcr_el2, x1     -> VNCR 0x78 */
        0xd53c1102, /* 4:    mrs x2, hcr_el2     <- VNCR 0x78 (TLB hit) */
        0xd51c4103, /* 8:    msr sp_el1, x3      -> VNCR 0x240 */
        0xd51ce108, /* c:    msr cnthctl_el2, x8 traps */
    };
    struct cpu *c = run_el2_mmu(VNCR_VA, code, 4);
    CHECK_EQ(*vncr(0x78), 0x1111111111111111ull);
    CHECK_EQ(c->x[2], 0x1111111111111111ull);
    CHECK_EQ(*vncr(0x240), 0x3333333333333333ull);
    check_trap(c, EC_SYSREG, iss(3, 4, 14, 1, 0, 8, false), CODE_EL1 + 0xc);
    cpu_free(c);

    c = run_el2_mmu(VNCR_VA + 0x200000, code, 4);   /* no mapping there */
    CHECK_EQ(c->el, 2);
    CHECK_EQ(c->sr.esr_el2 >> 26, EC_DABORT_LOWER);
    CHECK_EQ(c->sr.esr_el2 >> 13 & 1, 1);       /* VNCR */
    CHECK_EQ(c->sr.esr_el2 >> 6 & 1, 1);        /* a write */
    CHECK_EQ(c->sr.esr_el2 & 0x3c, 0x04);       /* translation fault */
    CHECK_EQ(c->sr.far_el2, VNCR_VA + 0x200000 + 0x78);
    CHECK_EQ(c->sr.elr_el2, CODE_EL1);
    cpu_free(c);
}

/* A hypervisor's world switch keeps the guest's translations only while they
 * stay right: EL1 (MMU off) loads IPA G through stage 2 (G -> P1 under
 * VTTBR A, G -> P2 under VTTBR B); between loads EL2 switches HCR_EL2 to a
 * VHE host (E2H, TGE) and back, to VM=0 (G itself), rewrites VTTBR_EL2 with
 * the same or another value.  Each load must see the memory the current
 * state maps, never a translation left over from an earlier one. */
#define S2_A (RAM_BASE + 0x180000)
#define S2_B (RAM_BASE + 0x190000)
#define PAGE_G (RAM_BASE + 0x40000)
#define PAGE_P1 (RAM_BASE + 0x50000)
#define PAGE_P2 (RAM_BASE + 0x60000)

static void test_world_switch_tlb(void)
{
    static const uint32_t el1[] = {
        0xf9400141, /* ldr x1, [x10] */
        0xd4000002, /* hvc #0 */
    };
    static const uint32_t el2_set_hcr[] = { 0xd51c1114 /* msr hcr_el2, x20 */, 0xd4000003 /* smc #0 */ };
    static const uint32_t el2_set_vttbr[] = { 0xd51c2118 /* msr vttbr_el2, x24 */, 0xd4000003 };
    /* as KVM in VHE mode runs its guests: E2H stays set */
    const uint64_t guest = HCR_VM | HCR_E2H | HCR_RW, guest_s1 = HCR_E2H | HCR_RW, vhe_host = HCR_E2H | HCR_TGE | HCR_RW;
    const uint64_t vttbr_a = S2_A | 1ull << 48, vttbr_b = S2_B | 2ull << 48;

    memset(ram, 0, RAM_SIZE);
    memcpy(ram, prog_el2, sizeof(prog_el2));
    memcpy(ram + 0x100, el2_set_hcr, sizeof(el2_set_hcr));
    memcpy(ram + 0x200, el2_set_vttbr, sizeof(el2_set_vttbr));
    for (unsigned i = 0; i < 16; i++)
        memcpy(ram + (VEC_EL2 - RAM_BASE) + i * 0x80, vec_exit, sizeof(vec_exit));
    memcpy(ram + (CODE_EL1 - RAM_BASE), el1, sizeof(el1));
    *host(PAGE_G) = 0x6666;
    *host(PAGE_P1) = 0x1111;
    *host(PAGE_P2) = 0x2222;
    s2_tables(S2_A, PAGE_G, PAGE_P1);
    s2_tables(S2_B, PAGE_G, PAGE_P2);
    struct cpu_env env = { .ram_ptr = ram_ptr };
    struct cpu *c = cpu_new(NULL, &env, false);
    c->el2_enabled = true;
    cpu_power_on_reset(c, CODE_EL2);
    c->sr.vtcr_el2 = S2_VTCR;
    c->sr.vttbr_el2 = vttbr_a;
    c->x[21] = VNCR_PA, c->x[22] = CODE_EL1, c->x[23] = VEC_EL2, c->x[10] = PAGE_G;

    /* steps: 'g' = enter EL1 with HCR x20 and load; 'h' = set HCR x20 at EL2;
     * 'v' = set VTTBR x24 at EL2 */
    static const struct { char op; int hcr; int vttbr; uint64_t want; } steps[] = {
        { 'g', 0, 0, 0x1111 },          /* guest under A */
        { 'h', 2, 0, 0 },               /* VHE host */
        { 'g', 0, 0, 0x1111 },          /* same guest again */
        { 'h', 2, 0, 0 }, { 'v', 0, 0, 0 },     /* host rewrites the same VTTBR */
        { 'g', 0, 0, 0x1111 },
        { 'h', 2, 0, 0 }, { 'v', 0, 1, 0 },     /* host switches to VM B */
        { 'g', 0, 0, 0x2222 },
        { 'h', 2, 0, 0 },
        { 'g', 1, 0, 0x6666 },          /* stage 2 off: G itself */
        { 'g', 0, 0, 0x2222 },          /* and straight back on */
        { 'h', 2, 0, 0 }, { 'v', 0, 0, 0 },
        { 'g', 0, 0, 0x1111 },
    };
    const uint64_t hcrs[] = { guest, guest_s1, vhe_host }, vttbrs[] = { vttbr_a, vttbr_b };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        c->x[20] = hcrs[steps[i].hcr];
        c->x[24] = vttbrs[steps[i].vttbr];
        c->x[1] = 0;
        c->pc = steps[i].op == 'g' ? CODE_EL2 : steps[i].op == 'h' ? CODE_EL2 + 0x100 : CODE_EL2 + 0x200;
        CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
        CHECK_EQ(c->el, 2);
        if (steps[i].op == 'g') {
            CHECK_EQ(c->sr.esr_el2 >> 26, EC_HVC64);
            CHECK_EQ(c->x[1], steps[i].want);
        }
    }
    cpu_free(c);
}

static void test_id_regs(void)
{
    struct cpu_env env = { .ram_ptr = ram_ptr };
    const uint32_t mmfr2 = (3u << 14) | (7u << 3) | 2u;   /* op0=3 op1=0 CRn=0 CRm=7 op2=2 */
    uint64_t v = 0;
    struct cpu *c = cpu_new(NULL, &env, false);
    CHECK(cpu_sysreg_get(c, mmfr2, &v));
    CHECK_EQ(v >> 24 & 0xf, 0);                 /* no EL2: no NV */
    c->el2_enabled = true;
    CHECK(cpu_sysreg_get(c, mmfr2, &v));
    CHECK_EQ(v >> 24 & 0xf, 2);                 /* FEAT_NV2 */
    cpu_free(c);
    c = cpu_new(cpu_model_find("no-nv2"), &env, false);
    c->el2_enabled = true;
    CHECK(cpu_sysreg_get(c, mmfr2, &v));
    CHECK_EQ(v >> 24 & 0xf, 1);                 /* FEAT_NV only */
    cpu_free(c);
}

int main(void)
{
    ram = aligned_alloc(1 << 16, RAM_SIZE);
    test_nv2_vhe();
    test_nv2_nv1();
    test_nv_traps();
    test_eret_tlbi_at();
    test_spsr_el2();
    test_vncr_fault();
    test_vncr_el2_regime();
    test_world_switch_tlb();
    test_id_regs();
    free(ram);
    return test_report("test_nv");
}
