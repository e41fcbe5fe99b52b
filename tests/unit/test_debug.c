/* Self-hosted debug (Arm ARM D2): hardware breakpoints (address, linked
 * CONTEXTIDR), watchpoints (BAS, LSC, MASK; FAR and WnR), software step
 * (active-not-pending/pending, ISV/EX, SPSR.SS on exceptions), BRK, the OS
 * lock, MDSCR_EL1.KDE/MDE, PSTATE.D and routing to EL2 by MDCR_EL2.TDE.
 * Unicorn has no self-hosted debug: expectations are worked out by hand from
 * the Arm ARM pseudocode (AArch64.BreakpointMatch, AArch64.WatchpointMatch,
 * AArch64.GenerateDebugExceptionsFrom, DebugExceptionReturnSS).  Words
 * assembled with aarch64-linux-gnu-as; the assembly is in the comments. */
#include "system.h"
#include "debug.h"
#include "sysreg.h"
#include "sys_harness.h"

#define NOP 0xd503201fu
#define ISB 0xd5033fdfu
#define DAIFCLR_D 0xd50348ffu       /* msr daifclr, #8 */
#define MDE (1ull << 15)
#define KDE (1ull << 13)
#define TDE (1ull << 8)
#define ESR(ec, iss) ((uint32_t)(ec) << 26 | 1u << 25 | (iss))

static void reset_debug(void)
{
    memset(sc->sr.dbgbcr, 0, sizeof(sc->sr.dbgbcr));
    memset(sc->sr.dbgbvr, 0, sizeof(sc->sr.dbgbvr));
    memset(sc->sr.dbgwcr, 0, sizeof(sc->sr.dbgwcr));
    memset(sc->sr.dbgwvr, 0, sizeof(sc->sr.dbgwvr));
    sc->sr.mdscr_el1 = 0;
    sc->sr.mdcr_el2 = 0;
    sc->sr.hcr_el2 = 1ull << 31;
    sc->sr.oslsr_el1 = 0x8;
    sc->sr.contextidr_el1 = 0;
    debug_update(sc);
}

/* ---- breakpoints ---------------------------------------------------------- */

/* Program bp0 from x1/x2, MDSCR from x4, clear PSTATE.D (or not), then two
 * NOPs; the breakpoint is on the second (RAM_BASE + 24). */
static unsigned run_bp(uint64_t bcr, uint64_t mdscr, bool clear_d)
{
    uint32_t prog[] = {
        0xd5100081, /* msr dbgbvr0_el1, x1 */
        0xd51000a2, /* msr dbgbcr0_el1, x2 */
        0xd5100244, /* msr mdscr_el1, x4 */
        clear_d ? DAIFCLR_D : NOP,
        ISB, NOP, NOP, SMC(0),
    };
    sc->x[1] = RAM_BASE + 24;
    sc->x[2] = bcr;
    sc->x[4] = mdscr;
    return sys_run(1, prog, 8);
}

#define BCR_EL1_ADDR (1u | 1u << 1 | 0xfu << 5)     /* E, PMC = EL1, BAS = 1111 */

static void test_breakpoints(void)
{
    reset_debug();
    CHECK_EQ(run_bp(BCR_EL1_ADDR, MDE | KDE, true), 1);
    CHECK_EQ(sc->sr.esr_el1, ESR(0x31, 0x22));          /* same EL, IFSC debug */
    CHECK_EQ(sc->sr.elr_el1, RAM_BASE + 24);
    CHECK_EQ(sc->pc, VEC1 + 0x200 + 4);                 /* current EL, SP_ELx */
    CHECK_EQ(sc->sr.spsr_el1 & PSTATE_D, 0);
    /* not taken: KDE clear, PSTATE.D set, MDE clear, EL0-only, BAS 0000 */
    reset_debug();
    CHECK_EQ(run_bp(BCR_EL1_ADDR, MDE, true), 0);
    reset_debug();
    CHECK_EQ(run_bp(BCR_EL1_ADDR, MDE | KDE, false), 0);
    reset_debug();
    CHECK_EQ(run_bp(BCR_EL1_ADDR, KDE, true), 0);
    reset_debug();
    CHECK_EQ(run_bp(1u | 2u << 1 | 0xfu << 5, MDE | KDE, true), 0);
    reset_debug();
    CHECK_EQ(run_bp(1u | 1u << 1, MDE | KDE, true), 0);
    /* OS lock set: no debug exceptions */
    reset_debug();
    sc->sr.oslsr_el1 |= 2;
    CHECK_EQ(run_bp(BCR_EL1_ADDR, MDE | KDE, true), 0);
    /* MDCR_EL2.TDE: to EL2 (a lower-EL breakpoint), whatever KDE and D.  TDE
     * also traps EL1's debug register accesses (TDA), as the MSR shows; the
     * registers are then set up from outside, as EL2 would. */
    reset_debug();
    sc->sr.mdcr_el2 = TDE;
    CHECK_EQ(run_bp(BCR_EL1_ADDR, MDE, false), 2);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x18, 2u << 20 | 4u << 17 | 1u << 5));   /* msr dbgbvr0_el1, x1 trapped: Op0 2 Op2 4 Rt 1 */
    CHECK_EQ(sc->sr.elr_el2, RAM_BASE);
    sc->sr.dbgbvr[0] = RAM_BASE + 8;
    sc->sr.dbgbcr[0] = BCR_EL1_ADDR;
    sc->sr.mdscr_el1 = MDE;
    debug_update(sc);
    uint32_t nops[] = { NOP, NOP, NOP, SMC(0) };
    CHECK_EQ(sys_run(1, nops, 4), 2);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x30, 0x22));
    CHECK_EQ(sc->sr.elr_el2, RAM_BASE + 8);
    CHECK_EQ(sc->pc, VEC2 + 0x400 + 4);
    /* a breakpoint at EL2 itself needs KDE and PSTATE.D clear there; HMC=1,
     * SSC=01, PMC=00 matches at EL2 */
    reset_debug();
    sc->sr.mdcr_el2 = TDE;
    uint32_t prog2[] = { 0xd5100081, 0xd51000a2, 0xd5100244, DAIFCLR_D, ISB, NOP, NOP, SMC(0) };
    sc->x[1] = RAM_BASE + 24;
    sc->x[2] = 1u | 0xfu << 5 | 1u << 13 | 1u << 14;
    sc->x[4] = MDE | KDE;
    CHECK_EQ(sys_run(2, prog2, 8), 2);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x31, 0x22));
    CHECK_EQ(sc->sr.elr_el2, RAM_BASE + 24);
    reset_debug();
    sc->sr.mdcr_el2 = TDE;
    sc->x[2] = 1u | 1u << 1 | 0xfu << 5;               /* PMC = EL1 only: no match at EL2 */
    CHECK_EQ(sys_run(2, prog2, 8), 0);
}

/* bp0: linked address match (BT 0001, LBN 4); bp4: linked CONTEXTIDR_EL1
 * match (BT 0011) against x7; CONTEXTIDR_EL1 = x8. */
static unsigned run_linked(uint64_t ctxid_bp, uint64_t ctxid)
{
    uint32_t prog[] = {
        0xd51004a6, /* msr dbgbcr4_el1, x6 */
        0xd5100487, /* msr dbgbvr4_el1, x7 */
        0xd518d028, /* msr contextidr_el1, x8 */
        0xd5100081, /* msr dbgbvr0_el1, x1 */
        0xd51000a2, /* msr dbgbcr0_el1, x2 */
        0xd5100244, /* msr mdscr_el1, x4 */
        DAIFCLR_D, ISB, NOP, NOP, SMC(0),
    };
    reset_debug();
    sc->x[1] = RAM_BASE + 36;
    sc->x[2] = BCR_EL1_ADDR | 1u << 20 | 4u << 16;
    sc->x[6] = 1u | 1u << 1 | 0xfu << 5 | 3u << 20;
    sc->x[7] = ctxid_bp;
    sc->x[8] = ctxid;
    sc->x[4] = MDE | KDE;
    return sys_run(1, prog, 11);
}

static void test_linked(void)
{
    CHECK_EQ(run_linked(0x1234, 0x1234), 1);
    CHECK_EQ(sc->sr.esr_el1, ESR(0x31, 0x22));
    CHECK_EQ(sc->sr.elr_el1, RAM_BASE + 36);
    CHECK_EQ(run_linked(0x1234, 0x1235), 0);
}

static void test_brk(void)
{
    reset_debug();
    CHECK_EQ(sys_run1(1, 0xd42000e0), 1);               /* brk #7 */
    CHECK_EQ(sc->sr.esr_el1, ESR(0x3c, 7));
    CHECK_EQ(sc->sr.elr_el1, RAM_BASE);
    sc->sr.mdcr_el2 = TDE;                              /* routed to EL2 */
    CHECK_EQ(sys_run1(1, 0xd42000e0), 2);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x3c, 7));
    CHECK_EQ(sc->sr.elr_el2, RAM_BASE);
    sc->sr.mdcr_el2 = 0;
    CHECK_EQ(sys_run1(0, 0xd42000e0), 1);               /* from EL0: EL1 */
    CHECK_EQ(sc->sr.esr_el1, ESR(0x3c, 7));
}

/* ---- watchpoints ---------------------------------------------------------- */

static unsigned run_wp(uint64_t wvr, uint64_t wcr, uint32_t access)
{
    uint32_t prog[] = {
        0xd51000c1, /* msr dbgwvr0_el1, x1 */
        0xd51000e2, /* msr dbgwcr0_el1, x2 */
        0xd5100244, /* msr mdscr_el1, x4 */
        DAIFCLR_D, ISB, access, SMC(0),
    };
    reset_debug();
    for (unsigned i = 0; i < 64; i++)
        ram[DATA - RAM_BASE + i] = (uint8_t)(0xa0 + i);
    sc->x[1] = wvr;
    sc->x[2] = wcr;
    sc->x[3] = DATA;
    sc->x[4] = MDE | KDE;
    sc->x[5] = 0x1111111111111111ull;
    return sys_run(1, prog, 7);
}

#define WCR(lsc, bas, mask) (1u | 1u << 1 | (lsc) << 3 | (bas) << 5 | (uint64_t)(mask) << 24)
#define LDR_X 0xf9400065u       /* ldr x5, [x3] */
#define STUR_X4 0xf8004065u     /* stur x5, [x3, #4] */
#define STRH_2 0x79000465u      /* strh w5, [x3, #2] */
#define STR_X40 0xf9001465u     /* str x5, [x3, #40] */
#define LDR_W4 0xb9400465u      /* ldr w5, [x3, #4] */

static void test_watchpoints(void)
{
    /* store watchpoint on the doubleword at DATA */
    CHECK_EQ(run_wp(DATA, WCR(2, 0xff, 0), LDR_X), 0);
    CHECK_EQ(sc->x[5], 0xa7a6a5a4a3a2a1a0ull);
    CHECK_EQ(run_wp(DATA, WCR(2, 0xff, 0), STUR_X4), 1);
    CHECK_EQ(sc->sr.esr_el1, ESR(0x35, 1u << 6 | 0x22));    /* WnR, DFSC debug */
    CHECK_EQ(sc->sr.far_el1, DATA + 4);
    CHECK_EQ(sc->sr.elr_el1, RAM_BASE + 20);
    CHECK_EQ(ram[DATA - RAM_BASE + 4], 0xa4);               /* the store did not happen */
    /* load watchpoint */
    CHECK_EQ(run_wp(DATA, WCR(1, 0xff, 0), LDR_X), 1);
    CHECK_EQ(sc->sr.esr_el1, ESR(0x35, 0x22));
    CHECK_EQ(sc->sr.far_el1, DATA);
    CHECK_EQ(run_wp(DATA, WCR(1, 0xff, 0), STUR_X4), 0);
    /* BAS: bytes 0-3 only */
    CHECK_EQ(run_wp(DATA, WCR(3, 0x0f, 0), LDR_W4), 0);
    CHECK_EQ(run_wp(DATA, WCR(3, 0x0f, 0), STRH_2), 1);
    CHECK_EQ(sc->sr.far_el1, DATA + 2);
    /* word-aligned DBGWVR (bit 2 set): BAS[3:0] select bytes 4-7 */
    CHECK_EQ(run_wp(DATA + 4, WCR(3, 0x01, 0), LDR_W4), 1);
    CHECK_EQ(run_wp(DATA + 4, WCR(3, 0x01, 0), STRH_2), 0);
    /* MASK: a 64-byte range */
    CHECK_EQ(run_wp(DATA, WCR(2, 0xff, 6), STR_X40), 1);
    CHECK_EQ(sc->sr.far_el1, DATA + 40);
    CHECK_EQ(run_wp(DATA, WCR(2, 0xff, 0), STR_X40), 0);
    /* only the watched page leaves the TLB fast path */
    CHECK_EQ(run_wp(DATA + 0x2000, WCR(3, 0xff, 0), LDR_X), 0);
    struct tlb_entry *e = &sc->tlbs[MMU_EL10_1][(DATA >> 12) & (TLB_SIZE - 1)];
    CHECK_EQ(e->tag_r, DATA);
    CHECK_EQ(run_wp(DATA + 8, WCR(3, 0xff, 0), LDR_X), 0);
    CHECK_EQ(e->tag_r, DATA | TLB_WATCH);
    /* routing: TDE sends it to EL2, FAR_EL2 (registers set up as EL2 would) */
    uint32_t prog[] = { NOP, STUR_X4, SMC(0) };
    reset_debug();
    sc->sr.mdcr_el2 = TDE;
    sc->sr.dbgwvr[0] = DATA;
    sc->sr.dbgwcr[0] = WCR(3, 0xff, 0);
    sc->sr.mdscr_el1 = MDE;
    debug_update(sc);
    sc->x[3] = DATA;
    CHECK_EQ(sys_run(1, prog, 3), 2);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x34, 1u << 6 | 0x22));
    CHECK_EQ(sc->sr.far_el2, DATA + 4);
    CHECK_EQ(sc->sr.elr_el2, RAM_BASE + 4);
    /* the same access from EL0: PAC = 01 (EL1 only) does not match, 10 does */
    reset_debug();
    sc->sr.dbgwvr[0] = DATA;
    sc->sr.dbgwcr[0] = WCR(3, 0xff, 0);
    sc->sr.mdscr_el1 = MDE;
    debug_update(sc);
    uint32_t p0[] = { STUR_X4, SVC0 };
    CHECK_EQ(sys_run(0, p0, 2), 1);
    CHECK_EQ(sc->sr.esr_el1 >> 26, 0x15);
    sc->sr.dbgwcr[0] = WCR(3, 0xff, 0) ^ (3u << 1);   /* PAC = 10 */
    debug_update(sc);
    CHECK_EQ(sys_run(0, p0, 2), 1);
    CHECK_EQ(sc->sr.esr_el1, ESR(0x34, 1u << 6 | 0x22));
    CHECK_EQ(sc->sr.far_el1, DATA + 4);
}

/* ---- software step -------------------------------------------------------- */

#define EL1_CODE (RAM_BASE + 0x100)
#define ERET 0xd69f03e0u

/* At EL2 with MDCR_EL2.TDE and MDSCR_EL1.SS: ERET to EL1 at elr with
 * SPSR_EL2.SS = ss; EL1 code at EL1_CODE. */
static unsigned step_from_el2(uint64_t elr, bool ss)
{
    uint32_t prog[] = { ERET };
    memcpy(ram, prog, 4);
    sys_set_el(2, 0);
    sc->sr.mdcr_el2 = TDE;
    sc->sr.mdscr_el1 = 1;   /* SS */
    debug_update(sc);
    sc->sr.spsr_el2 = 0x5 | PSTATE_DAIF | (ss ? PSTATE_SS : 0);
    sc->sr.elr_el2 = elr;
    sc->pc = RAM_BASE;
    cpu_code_invalidate_all(sc);
    enum cpu_exit r = cpu_run(sc);
    return r == CPU_EXIT_HVC ? sc->exc.iss : 99;
}

static void load_el1(const uint32_t *code, size_t n)
{
    memcpy(ram + (EL1_CODE - RAM_BASE), code, n * 4);
}

static void test_step(void)
{
    static const uint32_t adds[] = { 0x91000400, 0x91000400, SMC(0) };   /* add x0, x0, #1 (x2); smc #0 */
    reset_debug();
    load_el1(adds, 3);
    sc->x[0] = 0;
    /* one instruction, then the step exception to EL2 (lower EL, ISV=1) */
    CHECK_EQ(step_from_el2(EL1_CODE, true), 2);
    CHECK_EQ(sc->x[0], 1);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x32, 1u << 24 | 0x22));
    CHECK_EQ(sc->sr.elr_el2, EL1_CODE + 4);
    CHECK_EQ(sc->sr.spsr_el2 & PSTATE_SS, 0);
    CHECK_EQ(sc->pc, VEC2 + 0x400 + 4);
    /* and the next one */
    CHECK_EQ(step_from_el2(EL1_CODE + 4, true), 2);
    CHECK_EQ(sc->x[0], 2);
    CHECK_EQ(sc->sr.elr_el2, EL1_CODE + 8);
    /* SPSR.SS = 0: active-pending, the exception comes before anything runs (ISV=0) */
    sc->x[0] = 0;
    CHECK_EQ(step_from_el2(EL1_CODE, false), 2);
    CHECK_EQ(sc->x[0], 0);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x32, 0x22));
    CHECK_EQ(sc->sr.elr_el2, EL1_CODE);
    /* MDSCR_EL1.SS clear: no stepping, runs to the end */
    sc->sr.mdscr_el1 = 0;
    debug_update(sc);
    uint32_t prog[] = { ERET };
    memcpy(ram, prog, 4);
    sys_set_el(2, 0);
    sc->sr.spsr_el2 = 0x5 | PSTATE_DAIF | PSTATE_SS;
    sc->sr.elr_el2 = EL1_CODE;
    sc->pc = RAM_BASE;
    CHECK_EQ(cpu_run(sc), CPU_EXIT_HVC);
    CHECK_EQ(sc->exc.iss, 0);
    CHECK_EQ(sc->x[0], 2);

    /* a load-exclusive sets EX */
    static const uint32_t ldxr[] = { 0xc85f7c65, SMC(0) };    /* ldxr x5, [x3] */
    load_el1(ldxr, 2);
    sc->x[3] = DATA;
    CHECK_EQ(step_from_el2(EL1_CODE, true), 2);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x32, 1u << 24 | 1u << 6 | 0x22));
    CHECK_EQ(sc->sr.elr_el2, EL1_CODE + 4);
    /* a taken branch: ELR is its target */
    static const uint32_t br[] = { 0x14000002, SMC(0), SMC(0) };   /* b .+8 */
    load_el1(br, 3);
    CHECK_EQ(step_from_el2(EL1_CODE, true), 2);
    CHECK_EQ(sc->sr.esr_el2 >> 26, 0x32);
    CHECK_EQ(sc->sr.elr_el2, EL1_CODE + 8);
    /* HVC completes the step before its exception: SPSR_EL2.SS = 0 */
    static const uint32_t hvc[] = { 0xd4000002, SMC(0) };      /* hvc #0 */
    load_el1(hvc, 2);
    CHECK_EQ(step_from_el2(EL1_CODE, true), 2);
    CHECK_EQ(sc->sr.esr_el2 >> 26, 0x16);
    CHECK_EQ(sc->sr.spsr_el2 & PSTATE_SS, 0);
    /* An UNDEFINED instruction does not complete: SPSR_EL1.SS = 1, and the
     * step (still enabled at EL1, debug target EL2) is pending at the EL1
     * vector: a step exception with ISV=0 before the handler runs. */
    static const uint32_t udf[] = { 0x00000000, SMC(0) };      /* udf #0 */
    load_el1(udf, 2);
    CHECK_EQ(step_from_el2(EL1_CODE, true), 2);
    CHECK_EQ(sc->sr.esr_el1 >> 26, 0x00);
    CHECK_EQ(sc->sr.elr_el1, EL1_CODE);
    CHECK_EQ(sc->sr.spsr_el1 & PSTATE_SS, PSTATE_SS);
    CHECK_EQ(sc->sr.esr_el2, ESR(0x32, 0x22));
    CHECK_EQ(sc->sr.elr_el2, VEC1 + 0x200);
    reset_debug();
}

static void test_id(void)
{
    uint64_t dfr0 = 0;
    CHECK(cpu_sysreg_get(sc, SYSREG_KEY(3, 0, 0, 5, 0), &dfr0));
    CHECK_EQ(dfr0 & 0xf, 6);                        /* DebugVer: Armv8.0 */
    CHECK_EQ((dfr0 >> 12 & 0xf) + 1, DBG_NUM_BRP);
    CHECK_EQ((dfr0 >> 20 & 0xf) + 1, DBG_NUM_WRP);
    CHECK_EQ((dfr0 >> 28 & 0xf) + 1, DBG_NUM_CTX);
    uint64_t v;
    CHECK(cpu_sysreg_get(sc, SYSREG_KEY(2, 0, 0, 5, 5), &v));   /* DBGBCR5_EL1 exists */
    CHECK(!cpu_sysreg_get(sc, SYSREG_KEY(2, 0, 0, 6, 5), &v));  /* DBGBCR6_EL1 does not */
    CHECK(cpu_sysreg_get(sc, SYSREG_KEY(2, 0, 0, 3, 7), &v));   /* DBGWCR3_EL1 */
    CHECK(!cpu_sysreg_get(sc, SYSREG_KEY(2, 0, 0, 4, 7), &v));  /* DBGWCR4_EL1 */
}

int main(void)
{
    sys_init("default");
    test_breakpoints();
    test_linked();
    test_brk();
    test_watchpoints();
    test_step();
    test_id();
    cpu_free(sc);
    free(ram);
    return test_report("debug");
}
