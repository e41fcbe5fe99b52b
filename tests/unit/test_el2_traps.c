/* HCR_EL2 / MDCR_EL2 / CPTR_EL2 trap controls: an EL1 (or EL0) access with
 * the control set goes to EL2 with EC 0x18 and the instruction's encoding in
 * the ISS (Op0 Op2 Op1 CRn Rt CRm direction), ELR_EL2 = the instruction;
 * with it clear the access completes.  Expectations are from the Arm ARM's
 * register accessibility pseudocode (not from a reference model: Unicorn
 * does not implement EL2 traps).  Instruction words were assembled with
 * aarch64-linux-gnu-as -march=armv8.3-a; the assembly is in each comment. */
#include "system.h"
#include "sys_harness.h"

#define HCR_RW (1ull << 31)

struct tcase {
    const char *name;
    uint32_t insn;
    int reg;            /* 0 = HCR_EL2, 1 = MDCR_EL2, 2 = CPTR_EL2 */
    uint64_t bit;       /* the control that traps it */
    bool inverted;      /* traps while the bit is clear (HCR_EL2.APK) */
};

static const struct tcase cases[] = {
    { "mrs x3, revidr_el1", 0xd53800c3, 0, 1ull << 16, false },         /* TID1 */
    { "mrs x3, aidr_el1", 0xd53900e3, 0, 1ull << 16, false },
    { "mrs x3, ctr_el0", 0xd53b0023, 0, 1ull << 17, false },            /* TID2 */
    { "mrs x3, ccsidr_el1", 0xd5390003, 0, 1ull << 17, false },
    { "mrs x3, clidr_el1", 0xd5390023, 0, 1ull << 17, false },
    { "msr csselr_el1, x3", 0xd51a0003, 0, 1ull << 17, false },
    { "mrs x3, id_aa64pfr0_el1", 0xd5380403, 0, 1ull << 18, false },    /* TID3 */
    { "mrs x3, id_aa64isar0_el1", 0xd5380603, 0, 1ull << 18, false },
    { "mrs x3, id_pfr0_el1", 0xd5380103, 0, 1ull << 18, false },
    { "mrs x3, mvfr0_el1", 0xd5380303, 0, 1ull << 18, false },
    { "mrs x3, actlr_el1", 0xd5381023, 0, 1ull << 21, false },          /* TACR */
    { "msr actlr_el1, x3", 0xd5181023, 0, 1ull << 21, false },
    { "msr sctlr_el1, x5", 0xd5181005, 0, 1ull << 26, false },          /* TVM: writes */
    { "msr ttbr0_el1, x3", 0xd5182003, 0, 1ull << 26, false },
    { "msr ttbr1_el1, x3", 0xd5182023, 0, 1ull << 26, false },
    { "msr tcr_el1, x3", 0xd5182043, 0, 1ull << 26, false },
    { "msr esr_el1, x3", 0xd5185203, 0, 1ull << 26, false },
    { "msr far_el1, x3", 0xd5186003, 0, 1ull << 26, false },
    { "msr afsr0_el1, x3", 0xd5185103, 0, 1ull << 26, false },
    { "msr afsr1_el1, x3", 0xd5185123, 0, 1ull << 26, false },
    { "msr mair_el1, x3", 0xd518a203, 0, 1ull << 26, false },
    { "msr amair_el1, x3", 0xd518a303, 0, 1ull << 26, false },
    { "msr contextidr_el1, x3", 0xd518d023, 0, 1ull << 26, false },
    { "mrs x3, sctlr_el1", 0xd5381003, 0, 1ull << 30, false },          /* TRVM: reads */
    { "mrs x3, ttbr0_el1", 0xd5382003, 0, 1ull << 30, false },
    { "mrs x3, ttbr1_el1", 0xd5382023, 0, 1ull << 30, false },
    { "mrs x3, tcr_el1", 0xd5382043, 0, 1ull << 30, false },
    { "mrs x3, esr_el1", 0xd5385203, 0, 1ull << 30, false },
    { "mrs x3, far_el1", 0xd5386003, 0, 1ull << 30, false },
    { "mrs x3, afsr0_el1", 0xd5385103, 0, 1ull << 30, false },
    { "mrs x3, afsr1_el1", 0xd5385123, 0, 1ull << 30, false },
    { "mrs x3, mair_el1", 0xd538a203, 0, 1ull << 30, false },
    { "mrs x3, amair_el1", 0xd538a303, 0, 1ull << 30, false },
    { "mrs x3, contextidr_el1", 0xd538d023, 0, 1ull << 30, false },
    { "dc isw, x3", 0xd5087643, 0, 1ull << 22, false },                 /* TSW */
    { "dc csw, x3", 0xd5087a43, 0, 1ull << 22, false },
    { "dc cisw, x3", 0xd5087e43, 0, 1ull << 22, false },
    { "dc ivac, x3", 0xd5087623, 0, 1ull << 23, false },                /* TPCP */
    { "dc cvac, x3", 0xd50b7a23, 0, 1ull << 23, false },
    { "dc civac, x3", 0xd50b7e23, 0, 1ull << 23, false },
    { "dc cvau, x3", 0xd50b7b23, 0, 1ull << 24, false },                /* TPU */
    { "ic ivau, x3", 0xd50b7523, 0, 1ull << 24, false },
    { "ic iallu", 0xd508751f, 0, 1ull << 24, false },
    { "ic ialluis", 0xd508711f, 0, 1ull << 24, false },
    { "tlbi vmalle1", 0xd508871f, 0, 1ull << 25, false },               /* TTLB */
    { "tlbi vae1is, x3", 0xd5088323, 0, 1ull << 25, false },
    { "dc zva, x3", 0xd50b7423, 0, 1ull << 28, false },                 /* TDZ */
    { "msr apiakeylo_el1, x3", 0xd5182103, 0, 1ull << 40, true },       /* APK */
    { "mrs x3, mdscr_el1", 0xd5300243, 1, 1ull << 9, false },           /* MDCR_EL2.TDA */
    { "msr dbgbcr0_el1, x3", 0xd51000a3, 1, 1ull << 9, false },
    { "msr oslar_el1, x3", 0xd5101083, 1, 1ull << 10, false },          /* TDOSA */
    { "mrs x3, oslsr_el1", 0xd5301183, 1, 1ull << 10, false },
    { "mrs x3, mdrar_el1", 0xd5301003, 1, 1ull << 11, false },          /* TDRA */
    { "mrs x3, cpacr_el1", 0xd5381043, 2, 1ull << 31, false },          /* CPTR_EL2.TCPAC */
};

static uint64_t *ctl_reg(int reg)
{
    return reg == 0 ? &sc->sr.hcr_el2 : reg == 1 ? &sc->sr.mdcr_el2 : &sc->sr.cptr_el2;
}

/* The ISS of EC 0x18, assembled from the instruction's fields by hand. */
static uint32_t expect_iss(uint32_t insn)
{
    unsigned l = insn >> 21 & 1, op0 = insn >> 19 & 3, op1 = insn >> 16 & 7, crn = insn >> 12 & 15,
             crm = insn >> 8 & 15, op2 = insn >> 5 & 7, rt = insn & 31;
    return op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | l;
}

static void reset_controls(void)
{
    sc->sr.hcr_el2 = HCR_RW | 1ull << 40;   /* APK set: key registers do not trap */
    sc->sr.mdcr_el2 = 0;
    sc->sr.cptr_el2 = 0;
    sc->sr.cnthctl_el2 = 3;                 /* EL1 physical timer and counter granted */
    sc->sr.sctlr_el1 = 0x30d00800ull | 1u << 26 | 1u << 14;   /* UCI, DZE for EL0 */
    sc->sr.oslsr_el1 = 0x8;
    sc->x[3] = DATA;
    sc->x[5] = sc->sr.sctlr_el1;
}

static void test_hcr_mdcr_cptr(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct tcase *t = &cases[i];
        /* control off (or set, for APK): the access completes at EL1 */
        reset_controls();
        if (t->inverted)
            *ctl_reg(t->reg) |= t->bit;
        else
            *ctl_reg(t->reg) &= ~t->bit;
        unsigned r = sys_run1(1, t->insn);
        if (r != 0)
            fprintf(stderr, "  %s: trapped with the control off\n", t->name);
        CHECK_EQ(r, 0);
        /* control on: EC 0x18 to EL2 at the instruction */
        reset_controls();
        if (t->inverted)
            *ctl_reg(t->reg) &= ~t->bit;
        else
            *ctl_reg(t->reg) |= t->bit;
        r = sys_run1(1, t->insn);
        if (r != 2)
            fprintf(stderr, "  %s: not trapped to EL2 (%u)\n", t->name, r);
        CHECK_EQ(r, 2);
        CHECK_EQ(sc->sr.esr_el2, 0x18u << 26 | 1u << 25 | expect_iss(t->insn));
        CHECK_EQ(sc->sr.elr_el2, RAM_BASE);
        CHECK_EQ(sc->pc, VEC2 + 0x400 + 4);     /* lower EL, AArch64, synchronous */
        CHECK_EQ(sc->sr.spsr_el2 & 0xf, 0x5);   /* from EL1h */
    }
    /* two hand-checked syndromes */
    CHECK_EQ(expect_iss(0xd53b0023), 0x32c061);   /* mrs x3, ctr_el0: Op0 3 Op2 1 Op1 3 Rt 3, read */
    CHECK_EQ(expect_iss(0xd50b7e23), 0x12dc7c);   /* dc civac, x3: Op0 1 Op2 1 Op1 3 CRn 7 CRm 14 */
}

static void test_special_cases(void)
{
    /* TDE makes TDA/TDOSA/TDRA trap (and so does TGE). */
    reset_controls();
    sc->sr.mdcr_el2 = 1ull << 8;
    CHECK_EQ(sys_run1(1, 0xd5301003), 2);   /* mrs x3, mdrar_el1 */
    CHECK_EQ(sys_run1(1, 0xd5101083), 2);   /* msr oslar_el1, x3 */
    CHECK_EQ(sys_run1(1, 0xd5300243), 2);   /* mrs x3, mdscr_el1 */
    /* TVM traps writes only, TRVM reads only */
    reset_controls();
    sc->sr.hcr_el2 |= 1ull << 26;
    CHECK_EQ(sys_run1(1, 0xd538a203), 0);   /* mrs x3, mair_el1 */
    reset_controls();
    sc->sr.hcr_el2 |= 1ull << 30;
    CHECK_EQ(sys_run1(1, 0xd518a203), 0);   /* msr mair_el1, x3 */
    /* untrapped registers never trap, whatever is set */
    reset_controls();
    /* (NV/NV1/NV2 excluded: under FEAT_NV they redirect or trap EL1 registers) */
    sc->sr.hcr_el2 = ~0ull & ~(1ull << 27 | 1ull << 34 | 1ull << 0 | 1ull << 19 | 1ull << 13 | 1ull << 14 |
                               1ull << 42 | 1ull << 43 | 1ull << 45);
    sc->sr.mdcr_el2 = ~0ull & ~(1ull << 8);
    CHECK_EQ(sys_run1(1, 0xd538c003), 0);   /* mrs x3, vbar_el1 */
    CHECK_EQ(sys_run1(1, 0xd5384103), 0);   /* mrs x3, sp_el0 */
    CHECK_EQ(sys_run1(1, 0xd5380003), 0);   /* mrs x3, midr_el1 */
    /* at EL2 nothing traps */
    reset_controls();
    sc->sr.hcr_el2 |= 1ull << 17 | 1ull << 18 | 1ull << 26 | 1ull << 30;
    CHECK_EQ(sys_run1(2, 0xd53b0023), 0);   /* mrs x3, ctr_el0 */
    CHECK_EQ(sys_run1(2, 0xd5380403), 0);   /* mrs x3, id_aa64pfr0_el1 */
    CHECK_EQ(sys_run1(2, 0xd5181005), 0);   /* msr sctlr_el1, x5 */
    /* EL0: TID2 traps CTR_EL0 to EL2 ... */
    reset_controls();
    sc->sr.hcr_el2 |= 1ull << 17;
    CHECK_EQ(sys_run1(0, 0xd53b0023), 2);
    CHECK_EQ(sc->sr.esr_el2, 0x18u << 26 | 1u << 25 | 0x32c061);
    CHECK_EQ(sc->sr.spsr_el2 & 0xf, 0x0);
    /* ... but not in the EL2&0 host regime (E2H, TGE): the SVC then goes to EL2 too */
    sc->sr.hcr_el2 |= 1ull << 34 | 1ull << 27;
    CHECK_EQ(sys_run1(0, 0xd53b0023), 2);
    CHECK_EQ(sc->sr.esr_el2 >> 26, 0x15);
    /* EL0 DC CVAU: SCTLR_EL1.UCI clear traps to EL1 first, despite TPU */
    reset_controls();
    sc->sr.hcr_el2 |= 1ull << 24;
    sc->sr.sctlr_el1 &= ~(1ull << 26);
    CHECK_EQ(sys_run1(0, 0xd50b7b23), 1);
    CHECK_EQ(sc->sr.esr_el1 >> 26, 0x18);
    sc->sr.sctlr_el1 |= 1ull << 26;
    CHECK_EQ(sys_run1(0, 0xd50b7b23), 2);
    CHECK_EQ(sc->sr.esr_el2, 0x18u << 26 | 1u << 25 | expect_iss(0xd50b7b23));

    /* TIDCP: an unimplemented IMPLEMENTATION DEFINED register traps to EL2
     * instead of being UNDEFINED at EL1. */
    reset_controls();
    CHECK_EQ(sys_run1(1, 0xd538f003), 1);   /* mrs x3, s3_0_c15_c0_0 */
    CHECK_EQ(sc->sr.esr_el1 >> 26, 0x00);
    sc->sr.hcr_el2 |= 1ull << 20;
    CHECK_EQ(sys_run1(1, 0xd538f003), 2);
    CHECK_EQ(sc->sr.esr_el2, 0x18u << 26 | 1u << 25 | expect_iss(0xd538f003));

    /* TSC: SMC from EL1 traps to EL2, EC 0x17, ISS = imm16, ELR = the SMC */
    reset_controls();
    sc->sr.hcr_el2 |= 1ull << 19;
    uint32_t prog[2] = { 0xd503201f, 0xd40000a3 };   /* nop; smc #5 */
    CHECK_EQ(sys_run(1, prog, 2), 2);
    CHECK_EQ(sc->sr.esr_el2, 0x17u << 26 | 1u << 25 | 5);
    CHECK_EQ(sc->sr.elr_el2, RAM_BASE + 4);
    /* TDZ: DCZID_EL0.DZP reads 1 at EL1 (and EL0 without SCTLR_EL1.DZE) */
    reset_controls();
    CHECK_EQ(sys_run1(1, 0xd53b00e3), 0);   /* mrs x3, dczid_el0 */
    CHECK_EQ(sc->x[3], 4);
    sc->sr.hcr_el2 |= 1ull << 28;
    CHECK_EQ(sys_run1(1, 0xd53b00e3), 0);
    CHECK_EQ(sc->x[3], 0x14);
    sc->sr.hcr_el2 &= ~(1ull << 28);
    sc->sr.sctlr_el1 &= ~(1ull << 14);
    CHECK_EQ(sys_run1(0, 0xd53b00e3), 1);   /* (then SVC to EL1) */
    CHECK_EQ(sc->x[3], 0x14);
    /* CNTHCTL_EL2: EL1 physical timer (EL1PCEN) and counter (EL1PCTEN)
     * accesses trap while not granted; bits 1/0, or 11/10 with E2H. */
    reset_controls();
    sc->sr.cnthctl_el2 = 3;
    CHECK_EQ(sys_run1(1, 0xd53be223), 0);   /* mrs x3, cntp_ctl_el0 */
    CHECK_EQ(sys_run1(1, 0xd51be243), 0);   /* msr cntp_cval_el0, x3 */
    CHECK_EQ(sys_run1(1, 0xd53be023), 0);   /* mrs x3, cntpct_el0 */
    sc->sr.cnthctl_el2 = 1;
    CHECK_EQ(sys_run1(1, 0xd53be023), 0);
    CHECK_EQ(sys_run1(1, 0xd53be223), 2);
    CHECK_EQ(sc->sr.esr_el2, 0x18u << 26 | 1u << 25 | expect_iss(0xd53be223));
    CHECK_EQ(sys_run1(1, 0xd51be243), 2);
    CHECK_EQ(sc->sr.esr_el2, 0x18u << 26 | 1u << 25 | expect_iss(0xd51be243));
    CHECK_EQ(sys_run1(1, 0xd53be323), 0);   /* mrs x3, cntv_ctl_el0: never */
    sc->sr.cnthctl_el2 = 2;
    CHECK_EQ(sys_run1(1, 0xd53be023), 2);
    CHECK_EQ(sys_run1(1, 0xd53be223), 0);
    sc->sr.hcr_el2 |= 1ull << 34;           /* E2H (TGE clear): bits 10 and 11 */
    sc->sr.cnthctl_el2 = 3;
    CHECK_EQ(sys_run1(1, 0xd53be223), 2);
    CHECK_EQ(sys_run1(1, 0xd53be023), 2);
    sc->sr.cnthctl_el2 = 3ull << 10;
    CHECK_EQ(sys_run1(1, 0xd53be223), 0);
    CHECK_EQ(sys_run1(1, 0xd53be023), 0);
    /* TWI: WFI traps to EL2, EC 0x01 */
    reset_controls();
    sc->sr.hcr_el2 |= 1ull << 13;
    CHECK_EQ(sys_run1(1, 0xd503207f), 2);   /* wfi */
    CHECK_EQ(sc->sr.esr_el2 >> 26, 0x01);
    /* The check follows HCR_EL2 at run time: the same translated block
     * traps after HCR_EL2 changes, without any code invalidation. */
    reset_controls();
    uint32_t p2[2] = { 0xd5380403, SMC(0) };         /* mrs x3, id_aa64pfr0_el1 */
    CHECK_EQ(sys_run(1, p2, 2), 0);
    sc->sr.hcr_el2 |= 1ull << 18;
    sc->pc = RAM_BASE;
    CHECK_EQ(cpu_run(sc), CPU_EXIT_HVC);
    CHECK_EQ(sc->exc.iss, 2);
}

/* FP/SIMD access traps (EC 0x07, ISS CV=1 COND=0b1110): every instruction
 * class that touches the FP/SIMD registers, and FPCR/FPSR, traps on
 * CPACR_EL1.FPEN to EL1 and on CPTR_EL2 (TFP, or FPEN with E2H) to EL2,
 * before it has any effect.  A hypervisor's lazy FP switch depends on it. */
static const struct { const char *name; uint32_t insn; } fp_insns[] = {
    { "fadd d0, d1, d2", 0x1e622820 },
    { "fmov x3, d0", 0x9e660003 },
    { "fmov d0, x3", 0x9e670060 },
    { "fcmp s0, s1", 0x1e212000 },
    { "add v0.4s, v1.4s, v2.4s", 0x4ea28420 },
    { "umov w3, v1.s[1]", 0x0e0c3c23 },
    { "aese v0.16b, v1.16b", 0x4e284820 },
    { "sha256h q0, q1, v2.4s", 0x5e024020 },
    { "ldr q0, [x3]", 0x3dc00060 },
    { "str d1, [x3, #8]", 0xfd000461 },
    { "ldp s0, s1, [x3]", 0x2d400460 },
    { "ldr q2, .+32", 0x9c000102 },
    { "ld1 {v0.16b}, [x3]", 0x4c407060 },
    { "st1 {v0.s}[1], [x3], #4", 0x0d9f9060 },
    { "ld1r {v3.4s}, [x3]", 0x4d40c863 },
    { "mrs x4, fpcr", 0xd53b4404 },
    { "msr fpsr, x4", 0xd51b4424 },
};
#define FP_ESR (0x07u << 26 | 1u << 25 | 0x1e00000u)

static void test_fp_traps(void)
{
    for (size_t i = 0; i < sizeof(fp_insns) / sizeof(fp_insns[0]); i++) {
        const char *n = fp_insns[i].name;
        uint32_t insn = fp_insns[i].insn;
        /* enabled everywhere: completes */
        reset_controls();
        sc->sr.cpacr_el1 = 3u << 20;
        sc->x[4] = 0;
        unsigned r = sys_run1(1, insn);
        if (r != 0)
            fprintf(stderr, "  %s: trapped with FP enabled\n", n);
        CHECK_EQ(r, 0);
        /* CPTR_EL2.TFP: to EL2, x3 and memory untouched */
        reset_controls();
        sc->sr.cpacr_el1 = 3u << 20;
        sc->sr.cptr_el2 = 1u << 10;
        sc->x[3] = DATA;
        r = sys_run1(1, insn);
        if (r != 2)
            fprintf(stderr, "  %s: CPTR_EL2.TFP did not trap to EL2 (%u)\n", n, r);
        CHECK_EQ(r, 2);
        CHECK_EQ(sc->sr.esr_el2, FP_ESR);
        CHECK_EQ(sc->sr.elr_el2, RAM_BASE);
        CHECK_EQ(sc->x[3], DATA);       /* no post-index writeback, no UMOV result */
        /* CPTR_EL2.FPEN=00 with E2H (TGE clear): to EL2 */
        reset_controls();
        sc->sr.hcr_el2 |= 1ull << 34;
        sc->sr.cpacr_el1 = 3u << 20;
        sc->sr.cptr_el2 = 0;
        r = sys_run1(1, insn);
        if (r != 2)
            fprintf(stderr, "  %s: E2H CPTR_EL2.FPEN=0 did not trap to EL2 (%u)\n", n, r);
        CHECK_EQ(r, 2);
        CHECK_EQ(sc->sr.esr_el2, FP_ESR);
        /* CPACR_EL1.FPEN=00: to EL1 */
        reset_controls();
        sc->sr.cpacr_el1 = 0;
        r = sys_run1(1, insn);
        if (r != 1)
            fprintf(stderr, "  %s: CPACR_EL1.FPEN=0 did not trap to EL1 (%u)\n", n, r);
        CHECK_EQ(r, 1);
        CHECK_EQ(sc->sr.esr_el1, FP_ESR);
        CHECK_EQ(sc->sr.elr_el1, RAM_BASE);
    }
    /* integer loads and stores of the same classes never trap */
    reset_controls();
    sc->sr.cpacr_el1 = 0;
    sc->sr.cptr_el2 = 1u << 10;
    CHECK_EQ(sys_run1(1, 0xf9400064), 0);   /* ldr x4, [x3] */
    CHECK_EQ(sys_run1(1, 0xa9401464), 0);   /* ldp x4, x5, [x3] */
}

int main(void)
{
    sys_init("max");
    test_hcr_mdcr_cptr();
    test_special_cases();
    test_fp_traps();
    cpu_free(sc);
    free(ram);
    return test_report("el2_traps");
}
