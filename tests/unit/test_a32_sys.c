/* AArch32 EL0 under an AArch64 EL1 in system mode: the exception boundary in
 * both directions.  AArch64 EL1 code sets VBAR_EL1 and ERETs into A32 or T32
 * EL0 code (SPSR.M[4] = 1); the EL1 vectors end the run with HVC (an exit to
 * the VMM), the test checks the syndrome and returns with ERET (the handler
 * adds x25 to ELR_EL1 first).  Checked: the 0x600/0x680 vectors, ESR (EC,
 * IL for 16/32-bit T32, ISS of SVC/BKPT/trapped MRC/MRRC with CV/COND), ELR
 * (preferred return address of each exception), SPSR in the AArch32 format
 * (NZCV, T, IT, A/I/F, M = usr), FAR, an IRQ at a block boundary, the EL0
 * CP15 registers and their controls (CNTKCTL_EL1, SCTLR_EL1.CP15BEN), and
 * an illegal return to AArch32 on a model without AArch32 EL0.  (Flat
 * system-mode memory as in test_nv.c; cpu_harness.h is user mode only.) */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "test.h"
#include "a32_el0_sys.h"

#define UNMAPPED 0x50000000ull

#define EC_CP15_32 0x03
#define EC_CP15_64 0x04
#define SCTLR_CP15BEN (1ull << 5)

/* The IRQ vector: exit, then return. */
static const uint32_t vec_irq[] = {
    0xd4000022, /* hvc #1 */
    0xd69f03e0, /* eret */
};

static const uint32_t a32_code[] = {
    0xe3a00001, /* 0:  mov r0, #1 */
    0xef123456, /* 4:  svc #0x123456 */
    0xee1d1f70, /* 8:  mrc p15, 0, r1, c13, c0, 3   TPIDRURO */
    0xec532f1e, /* c:  mrrc p15, 1, r2, r3, c14     CNTVCT */
    0xe7f000f0, /* 10: udf #0 */
    0xe5954000, /* 14: ldr r4, [r5]                 r5 unmapped */
    0xee070fba, /* 18: mcr p15, 0, r0, c7, c10, 5   CP15DMB */
    0xee1d6f50, /* 1c: mrc p15, 0, r6, c13, c0, 2   TPIDRURW */
    0xee0d8f50, /* 20: mcr p15, 0, r8, c13, c0, 2   TPIDRURW */
    0x1e1e1f10, /* 24: mrcne p15, 0, r1, c14, c0, 0 CNTFRQ (trapped) */
    0xe1200172, /* 28: bkpt #0x12 */
    0xee111f10, /* 2c: mrc p15, 0, r1, c1, c0, 0   SCTLR: UNDEFINED at EL0 */
    0xe28aa001, /* 30: add r10, r10, #1 */
    0xe12fff17, /* 34: bx r7                        to T32 */
};

static const uint16_t t32_code[] = {
    0xdf42,         /* 0:  svc #0x42 */
    0xee1d, 0x1f70, /* 2:  mrc p15, 0, r1, c13, c0, 3 */
    0xde07,         /* 6:  udf #7 */
    0xbf1a,         /* 8:  itte ne */
    0x2005,         /* a:  movne r0, #5 */
    0xec53, 0x2f1e, /* c:  mrrcne p15, 1, r2, r3, c14 (trapped first) */
    0x2006,         /* 10: moveq r0, #6 */
    0x682c,         /* 12: ldr r4, [r5] */
    0xbe34,         /* 14: bkpt #0x34 */
    0xee07, 0x0f95, /* 16: mcr p15, 0, r0, c7, c5, 4  CP15ISB */
    0xdf04,         /* 1a: svc #4 */
};

static struct cpu *setup(const char *model, uint32_t spsr, uint64_t entry)
{
    struct cpu *c = el0_setup(model, spsr, entry);
    memcpy((uint8_t *)host(VEC_EL1) + 0x680, vec_irq, sizeof(vec_irq));
    memcpy(host(CODE_A32), a32_code, sizeof(a32_code));
    memcpy(host(CODE_T32), t32_code, sizeof(t32_code));
    c->tpidrro_el0 = 0xaaaabbbbccccdddd;
    c->tpidr_el0 = 0x1234567811111111;
    return c;
}

/* Run until the exit at the vector entry vec of EL el (each vector's code
 * is an HVC); check the exception that got there. */
static void expect_exc(struct cpu *c, unsigned el, uint64_t vec, uint32_t ec, bool il, uint32_t iss, uint64_t elr,
                       uint32_t spsr)
{
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->pc, vec + 4);
    CHECK_EQ(c->el, el);
    CHECK_EQ(c->a32.ctx, 0);
    uint64_t esr = el == 2 ? c->sr.esr_el2 : c->sr.esr_el1;
    CHECK_EQ(esr >> 26, ec);
    CHECK_EQ(esr >> 25 & 1, il);
    CHECK_EQ(esr & 0x1ffffff, iss);
    CHECK_EQ(el == 2 ? c->sr.elr_el2 : c->sr.elr_el1, elr);
    CHECK_EQ(el == 2 ? c->sr.spsr_el2 : c->sr.spsr_el1, spsr);
}

/* EL1's "lower EL using AArch32, synchronous" vector. */
static void expect_sync(struct cpu *c, uint32_t ec, bool il, uint32_t iss, uint64_t elr, uint32_t spsr)
{
    expect_exc(c, 1, VEC_EL1 + 0x600, ec, il, iss, elr, spsr);
}

static void test_a32(void)
{
    /* usr, A32, NZCV = 0100 (Z), Q, GE = 1010, F masked */
    uint32_t spsr = 0x40000000u | 1u << 27 | 0xau << 16 | 0x40 | 0x10;
    struct cpu *c = setup("test-aarch32-el0", spsr, CODE_A32);
    c->x[5] = UNMAPPED + 0x24;
    c->x[8] = 0xfeedf00d;
    c->x[7] = CODE_T32 | 1;
    c->x[10] = 0xffffffff00000007ull;    /* upper half: AArch32 ignores it */
    c->x[25] = 0;
    c->x[28] = 0x2828282828282828ull;   /* not an AArch32 usr register: kept */

    expect_sync(c, EC_SVC32, true, 0x3456, CODE_A32 + 8, spsr);
    CHECK_EQ(c->x[0], 1);
    CHECK_EQ(c->x[10], 7);              /* zero-extended by the return to AArch32 */
    CHECK_EQ(c->x[28], 0x2828282828282828ull);

    /* TPIDRURO reads; CNTVCT traps (CNTKCTL_EL1.EL0VCTEN = 0) as MRRC, EC 0x04. */
    expect_sync(c, EC_CP15_64, true, 1u << 24 | 14u << 20 | 1u << 16 | 3u << 10 | 2u << 5 | 14u << 1 | 1,
                CODE_A32 + 0xc, spsr);
    CHECK_EQ(c->x[1], 0xccccdddd);
    c->sr.cntkctl_el1 = 2;              /* EL0VCTEN: retry it */
    uint64_t before = 0;
    cpu_sysreg_get(c, 3u << 14 | 3u << 11 | 14u << 7 | 0u << 3 | 2u, &before);   /* CNTVCT_EL0 */

    expect_sync(c, EC_UNKNOWN, true, 0, CODE_A32 + 0x10, spsr);
    uint64_t vct = c->x[3] << 32 | c->x[2];
    CHECK(vct >= before && vct - before < 1000000000ull);
    c->x[25] = 4;                       /* skip the UDF */

    /* Stage-1 translation fault at level 2 (no table below it). */
    expect_sync(c, EC_DABORT_LOWER, true, 0x06, CODE_A32 + 0x14, spsr);
    CHECK_EQ(c->sr.far_el1, UNMAPPED + 0x24);
    c->x[5] = DATA;
    *host(DATA) = 0x5555aaaa;
    c->x[25] = 0;

    /* CP15DMB with SCTLR_EL1.CP15BEN = 0: UNDEFINED. */
    expect_sync(c, EC_UNKNOWN, true, 0, CODE_A32 + 0x18, spsr);
    CHECK_EQ(c->x[4], 0x5555aaaa);
    c->sr.sctlr_el1 |= SCTLR_CP15BEN;

    /* CP15DMB again, TPIDRURW read and written; MRCNE of CNTFRQ fails its
     * condition (Z set), so it does not trap although CNTKCTL_EL1 grants
     * nothing; then BKPT. */
    c->sr.cntkctl_el1 = 0;
    expect_sync(c, EC_BKPT32, true, 0x12, CODE_A32 + 0x28, spsr);
    CHECK_EQ(c->x[6], 0x11111111);      /* TPIDRURW read */
    CHECK_EQ(c->tpidr_el0, 0x12345678feedf00dull);   /* written: upper half kept */
    CHECK_EQ(c->x[1], 0xccccdddd);      /* MRCNE not executed */

    /* Return with Z clear: the same MRCNE now traps (EC 0x03, COND = NE). */
    c->sr.elr_el1 = CODE_A32 + 0x24;
    c->sr.spsr_el1 = spsr & ~0x40000000u;
    expect_sync(c, EC_CP15_32, true, 1u << 24 | 1u << 20 | 14u << 10 | 1u << 5 | 1, CODE_A32 + 0x24,
                spsr & ~0x40000000u);
    c->sr.cntkctl_el1 = 1;              /* EL0PCTEN grants CNTFRQ */
    c->x[25] = 0;
    expect_sync(c, EC_BKPT32, true, 0x12, CODE_A32 + 0x28, spsr & ~0x40000000u);
    CHECK_EQ(c->x[1], 62500000);
    c->x[25] = 4;

    /* SCTLR is not accessible at EL0. */
    expect_sync(c, EC_UNKNOWN, true, 0, CODE_A32 + 0x2c, spsr & ~0x40000000u);

    /* An IRQ pending at the return is taken at the first block boundary:
     * vector 0x680, ELR the next instruction, SPSR with I clear. */
    cpu_set_irq(c, CPU_IRQ, true);
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->pc, VEC_EL1 + 0x684);
    CHECK_EQ(c->sr.elr_el1, CODE_A32 + 0x30);
    CHECK_EQ(c->sr.spsr_el1, spsr & ~0x40000000u);
    CHECK_EQ(c->a32.ctx, 0);
    cpu_set_irq(c, CPU_IRQ, false);

    /* add r10; bx r7 into T32: svc #0x42 (16-bit: IL = 0, ELR + 2, T). */
    uint32_t tspsr = (spsr & ~0x40000000u) | 0x20;
    expect_sync(c, EC_SVC32, false, 0x42, CODE_T32 + 2, tspsr);
    CHECK_EQ(c->x[10], 8);
    cpu_free(c);
}

static void test_t32(void)
{
    uint32_t spsr = 0x20000000u | 0x20 | 0x10;     /* C set, T32, usr, nothing masked */
    struct cpu *c = setup("test-aarch32-el0", spsr, CODE_T32);
    c->x[5] = UNMAPPED;
    c->x[25] = 0;
    c->sr.cntkctl_el1 = 0;

    expect_sync(c, EC_SVC32, false, 0x42, CODE_T32 + 2, spsr);
    expect_sync(c, EC_UNKNOWN, true, 0, CODE_T32 + 6, spsr);
    CHECK_EQ(c->x[1], 0xccccdddd);
    c->x[25] = 2;

    /* MRRCNE inside ITTE NE traps: ITSTATE 0x14 in the SPSR (IT[1:0] at
     * 26:25, IT[7:2] at 15:10), COND = NE, 32-bit: IL = 1. */
    uint32_t it_spsr = spsr | (0x14u >> 2) << 10;
    expect_sync(c, EC_CP15_64, true, 1u << 24 | 1u << 20 | 1u << 16 | 3u << 10 | 2u << 5 | 14u << 1 | 1,
                CODE_T32 + 0xc, it_spsr);
    CHECK_EQ(c->x[0], 5);
    c->sr.cntkctl_el1 = 2;
    c->x[25] = 0;
    c->x[0] = 0x77;                     /* the return resumes inside the IT block */

    /* MOVEQ skipped, then the 16-bit LDR faults: ISV = 0, so IL = 1. */
    expect_sync(c, EC_DABORT_LOWER, true, 0x06, CODE_T32 + 0x12, spsr);
    CHECK_EQ(c->x[0], 0x77);
    CHECK(c->x[2] != 0 || c->x[3] != 0);    /* CNTVCT read on the retry */
    CHECK_EQ(c->sr.far_el1, UNMAPPED);
    c->x[25] = 2;

    expect_sync(c, EC_BKPT32, false, 0x34, CODE_T32 + 0x14, spsr);
    /* CP15ISB, CP15BEN = 0: UNDEFINED (32-bit). */
    expect_sync(c, EC_UNKNOWN, true, 0, CODE_T32 + 0x16, spsr);
    c->sr.sctlr_el1 |= SCTLR_CP15BEN;
    c->x[25] = 0;
    expect_sync(c, EC_SVC32, false, 4, CODE_T32 + 0x1c, spsr);
    cpu_free(c);
}

/* The virtual timer from AArch32 EL0 with CNTKCTL_EL1.EL0VTEN: CNTV_CTL
 * written and read back (ISTATUS with CVAL in the past), CNTV_CVAL written
 * and read by MCRR/MRRC; without EL0VTEN the MCR traps (EC 0x03). */
static void test_vtimer(void)
{
    static const uint32_t code[] = {
        0xee0e0f33, /* mcr p15, 0, r0, c14, c3, 1   CNTV_CTL = r0 */
        0xee1e1f33, /* mrc p15, 0, r1, c14, c3, 1 */
        0xec432f3e, /* mcrr p15, 3, r2, r3, c14     CNTV_CVAL = r3:r2 */
        0xec554f3e, /* mrrc p15, 3, r4, r5, c14 */
        0xef000002, /* svc #2 */
    };
    struct cpu *c = setup("test-aarch32-el0", 0x10, DATA);
    memcpy(host(DATA), code, sizeof(code));
    c->x[0] = 1, c->x[2] = 0x89abcdef, c->x[3] = 0x01234567;
    c->x[25] = 0;
    c->sr.cntkctl_el1 = 1u << 8;        /* EL0VTEN */
    expect_sync(c, EC_SVC32, true, 2, DATA + 0x14, 0x10);
    CHECK_EQ(c->sr.cntv_ctl_el0, 1);
    CHECK_EQ(c->x[1], 5);               /* ENABLE | ISTATUS (CVAL was 0) */
    CHECK_EQ(c->sr.cntv_cval_el0, 0x0123456789abcdefull);
    CHECK_EQ(c->x[4], 0x89abcdef);
    CHECK_EQ(c->x[5], 0x01234567);
    cpu_free(c);

    c = setup("test-aarch32-el0", 0x10, DATA);
    memcpy(host(DATA), code, sizeof(code));
    c->sr.cntkctl_el1 = 3;              /* the counters only */
    expect_sync(c, EC_CP15_32, true, 1u << 24 | 14u << 20 | 1u << 17 | 14u << 10 | 3u << 1, DATA, 0x10);
    CHECK_EQ(c->sr.cntv_ctl_el0, 0);
    cpu_free(c);
}

/* EL2: x26 = VBAR_EL2, x23 = HCR_EL2, x27 = HSTR_EL2, x28 = ELR_EL2,
 * x29 = SPSR_EL2 (registers AArch32 usr code does not reach). */
#define CODE_EL2 (RAM_BASE + 0x2000)
#define VEC_EL2 (RAM_BASE + 0x3000)
#define HCR_RW (1ull << 31)
static const uint32_t prog_el2[] = {
    0xd51cc01a, /* msr vbar_el2, x26 */
    0xd51c1117, /* msr hcr_el2, x23 */
    0xd51c117b, /* msr hstr_el2, x27 */
    0xd5033fdf, /* isb */
    0xd51c403c, /* msr elr_el2, x28 */
    0xd51c401d, /* msr spsr_el2, x29 */
    0xd69f03e0, /* eret */
};
static const uint32_t vec_el2[] = {
    0xd4000003, /* smc #0: exit */
};

static struct cpu *setup_el2(uint64_t hcr, uint64_t hstr, uint64_t elr, uint32_t spsr)
{
    struct cpu *c = setup("test-aarch32-el0", 0, 0);
    memcpy(host(CODE_EL2), prog_el2, sizeof(prog_el2));
    for (unsigned i = 0; i < 16; i++)
        memcpy((uint8_t *)host(VEC_EL2) + i * 0x80, vec_el2, sizeof(vec_el2));
    c->el2_enabled = true;
    cpu_power_on_reset(c, CODE_EL2);
    el0_mmu_on(c);
    c->x[20] = VEC_EL1, c->x[21] = CODE_A32, c->x[22] = 0x10;
    c->x[26] = VEC_EL2, c->x[23] = hcr, c->x[27] = hstr, c->x[28] = elr, c->x[29] = spsr;
    return c;
}

static void expect_el2(struct cpu *c, unsigned offset, uint32_t ec, bool il, uint32_t iss, uint64_t elr,
                       uint32_t spsr)
{
    expect_exc(c, 2, VEC_EL2 + offset, ec, il, iss, elr, spsr);
}

/* HCR_EL2.TGE routes AArch32 EL0's exceptions to EL2.  The vector is
 * "lower EL using AArch32" (0x600) only in the EL2&0 host regime (E2H = 1);
 * with E2H = 0 it follows EL1's execution state, AArch64: 0x400
 * (AArch64.TakeException).  HSTR_EL2 traps EL0 CP15 accesses to EL2. */
static void test_el2_routing(void)
{
    uint32_t tspsr = 0x20 | 0x10;
    /* TGE, E2H = 0: SVC (T32, 16-bit) at 0x400; CNTVCT trapped to EL2. */
    struct cpu *c = setup_el2(HCR_RW | HCR_TGE, 0, CODE_T32, tspsr);
    expect_el2(c, 0x400, EC_SVC32, false, 0x42, CODE_T32 + 2, tspsr);
    c->pc = CODE_EL2 + 0x18;            /* its ERET: back to EL0 at ELR_EL2 */
    expect_el2(c, 0x400, EC_UNKNOWN, true, 0, CODE_T32 + 6, tspsr);
    cpu_free(c);

    /* TGE, E2H = 1: 0x600; a CNTVCT read needs CNTHCTL_EL2.EL0VCTEN. */
    uint32_t aspsr = 0x10;
    c = setup_el2(HCR_RW | HCR_TGE | HCR_E2H, 0, CODE_A32 + 4, aspsr);
    expect_el2(c, 0x600, EC_SVC32, true, 0x3456, CODE_A32 + 8, aspsr);
    c->pc = CODE_EL2 + 0x18;
    c->sr.elr_el2 = CODE_A32 + 0xc;
    c->sr.cnthctl_el2 = 0;
    expect_el2(c, 0x600, EC_CP15_64, true, 1u << 24 | 14u << 20 | 1u << 16 | 3u << 10 | 2u << 5 | 14u << 1 | 1,
               CODE_A32 + 0xc, aspsr);
    c->pc = CODE_EL2 + 0x18;
    c->sr.cnthctl_el2 = 2;              /* EL0VCTEN */
    expect_el2(c, 0x600, EC_UNKNOWN, true, 0, CODE_A32 + 0x10, aspsr);   /* read, then the UDF */
    CHECK(c->x[2] != 0 || c->x[3] != 0);
    cpu_free(c);

    /* No TGE: EL2 enters EL1, which ERETs to EL0; HSTR_EL2.T13 traps
     * TPIDRURO to EL2 (lower EL1 is AArch64: 0x400). */
    c = setup_el2(HCR_RW, 1u << 13, CODE_EL1, 0x3c5);
    c->x[21] = CODE_A32 + 8;
    expect_el2(c, 0x400, EC_CP15_32, true, 1u << 24 | 14u << 20 | 3u << 17 | 13u << 10 | 1u << 5 | 1,
               CODE_A32 + 8, 0x10);
    cpu_free(c);

    /* CNTPCT (MRRC p15, 0, r2, r3, c14): granted by CNTKCTL_EL1.EL0PCTEN,
     * still trapped to EL2 by CNTHCTL_EL2.EL1PCTEN = 0 (E2H = 0). */
    static const uint32_t cntpct[] = { 0xec532f0e, 0xef000001 /* svc #1 */ };
    c = setup_el2(HCR_RW, 0, CODE_EL1, 0x3c5);
    memcpy(host(DATA), cntpct, sizeof(cntpct));
    c->x[21] = DATA;
    c->sr.cntkctl_el1 = 1;
    c->sr.cnthctl_el2 = 0;
    expect_el2(c, 0x400, EC_CP15_64, true, 1u << 24 | 14u << 20 | 3u << 10 | 2u << 5 | 14u << 1 | 1, DATA, 0x10);
    /* Granted: EL2 returns straight to EL0, the read succeeds and the SVC
     * reaches EL1, whose vector's HVC then reaches EL2. */
    c->sr.cnthctl_el2 = 1;
    c->pc = CODE_EL2 + 0x18;
    c->x[28] = 0;
    expect_el2(c, 0x400, EC_HVC64, true, 0, VEC_EL1 + 0x604, 0x3c5);
    CHECK_EQ(c->sr.esr_el1, (uint64_t)EC_SVC32 << 26 | 1u << 25 | 1);
    CHECK(c->x[2] != 0 || c->x[3] != 0);
    cpu_free(c);
}

/* Stage-2 data aborts from AArch32 EL0 (HCR_EL2.VM; the EL1&0 stage 1
 * maps DATA_S2, stage 2 does not): the instruction syndrome (ISV, SAS, SSE,
 * SRT, AR) for single loads/stores without writeback, ISV = 0 with
 * writeback; IL follows the instruction size when ISV is 1. */
#define CODE_S2 (RAM_BASE + 0x8000)
#define DATA_S2 (RAM_BASE + 0x7000)
#define S2_ROOT (RAM_BASE + 0x1c0000)

static void test_stage2_isv(void)
{
    static const struct {
        uint16_t hw[2];
        unsigned n;         /* halfwords */
        bool t32;
        uint32_t iss;       /* ISS without DFSC */
        bool il;
        unsigned off;       /* FAR - DATA_S2 */
    } cases[] = {
        { { 0x30b2, 0xe1d5 }, 2, false, 1u << 24 | 1u << 22 | 3u << 16, true, 2 },             /* ldrh r3, [r5, #2] */
        { { 0x60d0, 0xe1d5 }, 2, false, 1u << 24 | 1u << 21 | 6u << 16, true, 0 },             /* ldrsb r6, [r5] */
        { { 0x2004, 0xe5a5 }, 2, false, 1u << 6, true, 4 },                                    /* str r2, [r5, #4]! */
        { { 0xfc91, 0xe185 }, 2, false, 1u << 24 | 2u << 22 | 1u << 16 | 1u << 14 | 1u << 6, true, 0 },   /* stl */
        { { 0x8002, 0xe795 }, 2, false, 1u << 24 | 2u << 22 | 8u << 16, true, 8 },             /* ldr r8, [r5, r2] */
        { { 0x7022 }, 1, true, 1u << 24 | 2u << 16 | 1u << 6, false, 0 },                      /* strb r2, [r4] */
        { { 0x5ea9 }, 1, true, 1u << 24 | 1u << 22 | 1u << 21 | 1u << 16, false, 8 },          /* ldrsh r1, [r5, r2] */
        { { 0xf9b5, 0x9006 }, 2, true, 1u << 24 | 1u << 22 | 1u << 21 | 9u << 16, true, 6 },  /* ldrsh.w r9, [r5, #6] */
        { { 0xf855, 0x3b04 }, 2, true, 0, true, 0 },                                          /* ldr r3, [r5], #4 */
        { { 0xe8d5, 0x7f9f }, 2, true, 1u << 24 | 1u << 22 | 7u << 16 | 1u << 14, true, 0 },  /* ldah r7, [r5] */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t spsr = cases[i].t32 ? 0x30 : 0x10;
        struct cpu *c = setup_el2(HCR_RW | HCR_VM, 0, CODE_EL1, 0x3c5);
        map4k(TABLES, CODE_S2, CODE_S2, 1ull << 6 /* EL0 too */);
        map4k(TABLES, DATA_S2, DATA_S2, 1ull << 6 /* EL0 too */);
        memcpy(host(CODE_S2), cases[i].hw, cases[i].n * 2);
        s2_tables(S2_ROOT, DATA_S2, 0);
        c->sr.vtcr_el2 = S2_VTCR, c->sr.vttbr_el2 = S2_ROOT;
        c->x[21] = CODE_S2, c->x[22] = spsr;
        c->x[5] = c->x[4] = DATA_S2, c->x[2] = 8;
        expect_el2(c, 0x400, EC_DABORT_LOWER, cases[i].il, cases[i].iss | 0x07, CODE_S2, spsr);
        CHECK_EQ(c->sr.far_el2, DATA_S2 + cases[i].off);
        CHECK_EQ(c->sr.hpfar_el2, (DATA_S2 >> 12) << 4);
        cpu_free(c);
    }
}

/* A model without AArch32 EL0: the ERET is an illegal exception return
 * (EL1 stays, AArch64, PSTATE.IL) and the instruction at ELR takes an
 * Illegal Execution state exception at EL1 (current EL, SP_EL1: 0x200). */
static void test_illegal_return(void)
{
    struct cpu *c = setup("test-aarch64-only", 0x10, VEC_EL1 + 0x100);
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->pc, VEC_EL1 + 0x204);
    CHECK_EQ(c->el, 1);
    CHECK_EQ(c->a32.ctx, 0);
    CHECK_EQ(c->sr.esr_el1, (uint64_t)EC_ILLEGAL_STATE << 26 | 1u << 25);
    CHECK_EQ(c->sr.elr_el1, VEC_EL1 + 0x100);
    CHECK_EQ(c->sr.spsr_el1 & (1u << 20 | 0x1f), 1u << 20 | 0x5);  /* IL, EL1h */
    CHECK_EQ(c->model->id_aa64pfr0 & 0xf, 1);
    CHECK_EQ(cpu_model_find_test("test-aarch32-el0")->id_aa64pfr0 & 0xf, 2);
    CHECK_EQ(cpu_model_default()->id_aa64pfr0 & 0xf, 2);   /* users get AArch32 EL0 */
    CHECK(cpu_model_find("test-aarch64-only") == NULL);   /* not selectable by users */
    cpu_free(c);

    /* On the AArch32 model, modes other than usr are illegal too (no
     * AArch32 EL1). */
    c = setup("test-aarch32-el0", 0x13, VEC_EL1 + 0x100);
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->pc, VEC_EL1 + 0x204);
    CHECK_EQ(c->sr.esr_el1 >> 26, EC_ILLEGAL_STATE);
    cpu_free(c);
}

int main(void)
{
    ram = aligned_alloc(4096, RAM_SIZE);
    test_a32();
    test_t32();
    test_vtimer();
    test_el2_routing();
    test_stage2_isv();
    test_illegal_return();
    free(ram);
    return test_report("test_a32_sys");
}
