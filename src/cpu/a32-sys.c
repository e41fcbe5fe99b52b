/* AArch32 coprocessor accesses (MRC/MCR/MRRC/MCRR to CP15/CP14) at EL0 and
 * EL1: one table of the registers, each an alias of the AArch64 register it
 * maps to (Arm ARM, "Mapping of AArch32 to AArch64 system registers"), or
 * an operation (cache, TLB, address translation maintenance, barriers),
 * with columns for who may access it and which EL2 controls trap it.
 * Everything not in the table is UNDEFINED.
 *
 * The controls are read at run time (CNTKCTL_EL1/CNTHCTL_EL2, SCTLR.CP15BEN,
 * HCR_EL2, HSTR_EL2, MDCR_EL2, CPTR_EL2), so changing them needs no
 * retranslation.  Their order follows the registers' accessibility
 * pseudocode: at EL0 the EL1 (or host EL2) enable first, trapping with
 * AArch64.AArch32SystemAccessTrap to EL1 (EL2 when HCR_EL2.TGE is 1; an
 * UNDEFINED exception when EL1 is AArch32), then the EL2 controls. */
#include "a32-internal.h"
#include "sysreg.h"
#include "traps.h"

enum {
    CP_R = 1, CP_W = 2, CP_RW = 3,
};
enum cp_ctl {
    CTL_NONE,
    CTL_CNT,        /* CNTKCTL_EL1 (CNTHCTL_EL2 as host) bits in cnt: any one grants (EL0) */
    CTL_CP15BEN,    /* SCTLR_ELx.CP15BEN = 0: UNDEFINED */
};
enum cp_kind {
    K_SYSREG,       /* the AArch64 register key (part: which half) */
    K_ZERO,         /* RAZ/WI */
    K_FRQ,          /* CNTFRQ: the fixed counter frequency, writes ignored */
    K_DSB, K_ISB,
    K_TLBI,         /* key: TLBI_* */
    K_IC,           /* key: 0 IALLU, 1 IALLUIS, 2 IMVAU */
    K_DC,           /* by VA: the address must translate */
    K_NOP,          /* set/way maintenance, branch predictor */
    K_AT,           /* key: EL to translate for | 2 write | 4 PAN-checked */
    K_GIC,          /* GIC CPU interface: the AArch64 key through the env */
    K_CPACR,        /* CPACR: cp10 and cp11 are CPACR_EL1.FPEN; ASEDIS, D32DIS RAZ/WI */
    /* Registers whose writes drop only what VMSAv8-32 cached from them
     * (docs/aarch32.md, "What the CP15 side must flush"). */
    K_TTBR,         /* TTBR0/TTBR1: the nG entries when the value changes */
    K_DACR,         /* DACR: the entries of the domains that change */
    K_CONTEXTIDR,   /* CONTEXTIDR: the nG entries when the short-descriptor ASID changes */
};
enum { P_ALL, P_LO, P_HI };     /* the AArch64 register's bits 63:0, 31:0, 63:32 */
enum { TLBI_ALL, TLBI_VA, TLBI_ASID, TLBI_VAA, TLBI_IS = 4 };

struct cp_reg {
    const char *name;
    uint8_t cp, wide;       /* 15 or 14; MRRC/MCRR */
    uint8_t opc1, crn, crm, opc2;
    uint8_t acc0, acc1;     /* CP_R/CP_W at EL0, at EL1 */
    uint8_t ctl, kind, part;
    uint16_t cnt;           /* CTL_CNT: EL0PCTEN 0, EL0VCTEN 1, EL0VTEN 8, EL0PTEN 9 */
    uint32_t traps;         /* enum trap_group: EL2 controls */
    uint32_t key;           /* K_SYSREG/K_GIC: the AArch64 register (SYSREG_KEY); else see kind */
};

#define CNT_PCT (1u << 0)
#define CNT_VCT (1u << 1)
#define CNT_VT (1u << 8)
#define CNT_PT (1u << 9)
#define K(op0, op1, crn, crm, op2) SYSREG_KEY(op0, op1, crn, crm, op2)
/* 32-bit (MRC/MCR) and 64-bit (MRRC/MCRR) rows. */
#define C32(n, o1, rn, rm, o2, a0, a1, kind, part, traps, key) \
    { n, 15, 0, o1, rn, rm, o2, a0, a1, CTL_NONE, kind, part, 0, traps, key }
#define C64(n, o1, rm, a0, a1, traps, key) { n, 15, 1, o1, 0, rm, 0, a0, a1, CTL_NONE, K_SYSREG, P_ALL, 0, traps, key }
/* A register that is bits 31:0 (or 63:32) of an AArch64 one, EL1 only. */
#define EL1R(n, rn, rm, o2, part, traps, key) C32(n, 0, rn, rm, o2, 0, CP_RW, K_SYSREG, part, traps, key)
#define IDR(n, rn, rm, o2, traps, key) C32(n, 0, rn, rm, o2, 0, CP_R, K_SYSREG, P_LO, traps, key)
#define OP(n, rm, o2, kind, traps, key) C32(n, 0, 7, rm, o2, 0, CP_W, kind, P_ALL, traps, key)
#define TLBI(n, rm, o2, op) C32(n, 0, 8, rm, o2, 0, CP_W, K_TLBI, P_ALL, T_TTLB, op)
#define GIC(n, rn, rm, o2, acc) C32(n, 0, rn, rm, o2, 0, acc, K_GIC, P_ALL, 0, K(3, 0, rn, rm, o2))
#define DBG(n, rn, rm, o2, acc, traps) { n, 14, 0, 0, rn, rm, o2, 0, acc, CTL_NONE, K_ZERO, P_ALL, 0, traps, 0 }
#define CNT(n, w, o1, rn, rm, o2, a0, cnt, traps, key) \
    { n, 15, w, o1, rn, rm, o2, a0, CP_RW, CTL_CNT, K_SYSREG, P_ALL, cnt, traps, key }

static const struct cp_reg cp_regs[] = {
    /* Thread ID, counters and timers (EL0 and EL1) */
    { "TPIDRURW", 15, 0, 0, 13, 0, 2, CP_RW, CP_RW, CTL_NONE, K_SYSREG, P_LO, 0, 0, K(3, 3, 13, 0, 2) },
    { "TPIDRURO", 15, 0, 0, 13, 0, 3, CP_R, CP_RW, CTL_NONE, K_SYSREG, P_LO, 0, 0, K(3, 3, 13, 0, 3) },
    EL1R("TPIDRPRW", 13, 0, 4, P_LO, 0, K(3, 0, 13, 0, 4)),
    { "CNTFRQ", 15, 0, 0, 14, 0, 0, CP_R, CP_RW, CTL_CNT, K_FRQ, P_ALL, CNT_PCT | CNT_VCT, 0, 0 },
    CNT("CNTPCT", 1, 0, 0, 14, 0, CP_R, CNT_PCT, T_EL1PCTEN, K(3, 3, 14, 0, 1)),
    CNT("CNTVCT", 1, 1, 0, 14, 0, CP_R, CNT_VCT, 0, K(3, 3, 14, 0, 2)),
    CNT("CNTP_TVAL", 0, 0, 14, 2, 0, CP_RW, CNT_PT, T_EL1PTEN, K(3, 3, 14, 2, 0)),
    CNT("CNTP_CTL", 0, 0, 14, 2, 1, CP_RW, CNT_PT, T_EL1PTEN, K(3, 3, 14, 2, 1)),
    CNT("CNTP_CVAL", 1, 2, 0, 14, 0, CP_RW, CNT_PT, T_EL1PTEN, K(3, 3, 14, 2, 2)),
    CNT("CNTV_TVAL", 0, 0, 14, 3, 0, CP_RW, CNT_VT, 0, K(3, 3, 14, 3, 0)),
    CNT("CNTV_CTL", 0, 0, 14, 3, 1, CP_RW, CNT_VT, 0, K(3, 3, 14, 3, 1)),
    CNT("CNTV_CVAL", 1, 3, 0, 14, 0, CP_RW, CNT_VT, 0, K(3, 3, 14, 3, 2)),
    EL1R("CNTKCTL", 14, 1, 0, P_LO, 0, K(3, 0, 14, 1, 0)),
    /* Barriers */
    { "CP15ISB", 15, 0, 0, 7, 5, 4, CP_W, CP_W, CTL_CP15BEN, K_ISB, P_ALL, 0, 0, 0 },
    { "CP15DSB", 15, 0, 0, 7, 10, 4, CP_W, CP_W, CTL_CP15BEN, K_DSB, P_ALL, 0, 0, 0 },
    { "CP15DMB", 15, 0, 0, 7, 10, 5, CP_W, CP_W, CTL_CP15BEN, K_DSB, P_ALL, 0, 0, 0 },

    /* Identification (EL1) */
    IDR("MIDR", 0, 0, 0, 0, K(3, 0, 0, 0, 0)),
    IDR("CTR", 0, 0, 1, T_TID2, K(3, 3, 0, 0, 1)),
    C32("TCMTR", 0, 0, 0, 2, 0, CP_R, K_ZERO, P_ALL, T_TID1, 0),
    C32("TLBTR", 0, 0, 0, 3, 0, CP_R, K_ZERO, P_ALL, T_TID1, 0),
    IDR("MPIDR", 0, 0, 5, 0, K(3, 0, 0, 0, 5)),
    IDR("REVIDR", 0, 0, 6, T_TID1, K(3, 0, 0, 0, 6)),
    IDR("ID_PFR0", 0, 1, 0, T_TID3, K(3, 0, 0, 1, 0)),
    IDR("ID_PFR1", 0, 1, 1, T_TID3, K(3, 0, 0, 1, 1)),
    IDR("ID_DFR0", 0, 1, 2, T_TID3, K(3, 0, 0, 1, 2)),
    C32("ID_AFR0", 0, 0, 1, 3, 0, CP_R, K_ZERO, P_ALL, T_TID3, 0),
    IDR("ID_MMFR0", 0, 1, 4, T_TID3, K(3, 0, 0, 1, 4)),
    IDR("ID_MMFR1", 0, 1, 5, T_TID3, K(3, 0, 0, 1, 5)),
    IDR("ID_MMFR2", 0, 1, 6, T_TID3, K(3, 0, 0, 1, 6)),
    IDR("ID_MMFR3", 0, 1, 7, T_TID3, K(3, 0, 0, 1, 7)),
    IDR("ID_ISAR0", 0, 2, 0, T_TID3, K(3, 0, 0, 2, 0)),
    IDR("ID_ISAR1", 0, 2, 1, T_TID3, K(3, 0, 0, 2, 1)),
    IDR("ID_ISAR2", 0, 2, 2, T_TID3, K(3, 0, 0, 2, 2)),
    IDR("ID_ISAR3", 0, 2, 3, T_TID3, K(3, 0, 0, 2, 3)),
    IDR("ID_ISAR4", 0, 2, 4, T_TID3, K(3, 0, 0, 2, 4)),
    IDR("ID_ISAR5", 0, 2, 5, T_TID3, K(3, 0, 0, 2, 5)),
    IDR("ID_MMFR4", 0, 2, 6, T_TID3, K(3, 0, 0, 2, 6)),
    IDR("ID_ISAR6", 0, 2, 7, T_TID3, K(3, 0, 0, 2, 7)),
    IDR("ID_PFR2", 0, 3, 4, T_TID3, K(3, 0, 0, 3, 4)),
    C32("CCSIDR", 1, 0, 0, 0, 0, CP_R, K_SYSREG, P_LO, T_TID2, K(3, 1, 0, 0, 0)),
    C32("CLIDR", 1, 0, 0, 1, 0, CP_R, K_SYSREG, P_LO, T_TID2, K(3, 1, 0, 0, 1)),
    C32("AIDR", 1, 0, 0, 7, 0, CP_R, K_SYSREG, P_LO, T_TID1, K(3, 1, 0, 0, 7)),
    C32("CSSELR", 2, 0, 0, 0, 0, CP_RW, K_SYSREG, P_LO, T_TID2, K(3, 2, 0, 0, 0)),

    /* System control, translation, faults */
    EL1R("SCTLR", 1, 0, 0, P_LO, T_TVM, K(3, 0, 1, 0, 0)),
    EL1R("ACTLR", 1, 0, 1, P_LO, T_TACR, K(3, 0, 1, 0, 1)),
    EL1R("ACTLR2", 1, 0, 3, P_HI, T_TACR, K(3, 0, 1, 0, 1)),
    C32("CPACR", 0, 1, 0, 2, 0, CP_RW, K_CPACR, P_ALL, T_TCPAC, K(3, 0, 1, 0, 2)),
    C32("TTBR0", 0, 2, 0, 0, 0, CP_RW, K_TTBR, P_LO, T_TVM, K(3, 0, 2, 0, 0)),
    C32("TTBR1", 0, 2, 0, 1, 0, CP_RW, K_TTBR, P_LO, T_TVM, K(3, 0, 2, 0, 1)),
    EL1R("TTBCR", 2, 0, 2, P_LO, T_TVM, K(3, 0, 2, 0, 2)),
    EL1R("TTBCR2", 2, 0, 3, P_HI, T_TVM, K(3, 0, 2, 0, 2)),
    { "TTBR0_64", 15, 1, 0, 0, 2, 0, 0, CP_RW, CTL_NONE, K_TTBR, P_ALL, 0, T_TVM, K(3, 0, 2, 0, 0) },
    { "TTBR1_64", 15, 1, 1, 0, 2, 0, 0, CP_RW, CTL_NONE, K_TTBR, P_ALL, 0, T_TVM, K(3, 0, 2, 0, 1) },
    C32("DACR", 0, 3, 0, 0, 0, CP_RW, K_DACR, P_LO, T_TVM, K(3, 4, 3, 0, 0)),
    EL1R("DFSR", 5, 0, 0, P_LO, T_TVM, K(3, 0, 5, 2, 0)),
    EL1R("IFSR", 5, 0, 1, P_LO, T_TVM, K(3, 4, 5, 0, 1)),
    EL1R("ADFSR", 5, 1, 0, P_LO, T_TVM, K(3, 0, 5, 1, 0)),
    EL1R("AIFSR", 5, 1, 1, P_LO, T_TVM, K(3, 0, 5, 1, 1)),
    EL1R("DFAR", 6, 0, 0, P_LO, T_TVM, K(3, 0, 6, 0, 0)),
    EL1R("IFAR", 6, 0, 2, P_HI, T_TVM, K(3, 0, 6, 0, 0)),
    EL1R("PAR", 7, 4, 0, P_LO, 0, K(3, 0, 7, 4, 0)),
    C64("PAR_64", 0, 7, 0, CP_RW, 0, K(3, 0, 7, 4, 0)),
    EL1R("PRRR", 10, 2, 0, P_LO, T_TVM, K(3, 0, 10, 2, 0)),      /* MAIR0 */
    EL1R("NMRR", 10, 2, 1, P_HI, T_TVM, K(3, 0, 10, 2, 0)),      /* MAIR1 */
    EL1R("AMAIR0", 10, 3, 0, P_LO, T_TVM, K(3, 0, 10, 3, 0)),
    EL1R("AMAIR1", 10, 3, 1, P_HI, T_TVM, K(3, 0, 10, 3, 0)),
    EL1R("VBAR", 12, 0, 0, P_LO, 0, K(3, 0, 12, 0, 0)),
    IDR("ISR", 12, 1, 0, 0, K(3, 0, 12, 1, 0)),
    C32("CONTEXTIDR", 0, 13, 0, 1, 0, CP_RW, K_CONTEXTIDR, P_LO, T_TVM, K(3, 0, 13, 0, 1)),

    /* Cache and branch predictor maintenance */
    OP("ICIALLUIS", 1, 0, K_IC, T_TPU, 1),
    OP("BPIALLIS", 1, 6, K_NOP, 0, 0),
    OP("ICIALLU", 5, 0, K_IC, T_TPU, 0),
    OP("ICIMVAU", 5, 1, K_IC, T_TPU, 2),
    OP("BPIALL", 5, 6, K_NOP, 0, 0),
    OP("BPIMVA", 5, 7, K_NOP, 0, 0),
    OP("DCIMVAC", 6, 1, K_DC, T_TPCP, 0),
    OP("DCISW", 6, 2, K_NOP, T_TSW, 0),
    OP("DCCMVAC", 10, 1, K_DC, T_TPCP, 0),
    OP("DCCSW", 10, 2, K_NOP, T_TSW, 0),
    OP("DCCMVAU", 11, 1, K_DC, T_TPU, 0),
    OP("DCCIMVAC", 14, 1, K_DC, T_TPCP, 0),
    OP("DCCISW", 14, 2, K_NOP, T_TSW, 0),
    /* Address translation: PAR gets the result */
    OP("ATS1CPR", 8, 0, K_AT, 0, 1),
    OP("ATS1CPW", 8, 1, K_AT, 0, 1 | 2),
    OP("ATS1CUR", 8, 2, K_AT, 0, 0),
    OP("ATS1CUW", 8, 3, K_AT, 0, 0 | 2),
    OP("ATS1CPRP", 9, 0, K_AT, 0, 1 | 4),
    OP("ATS1CPWP", 9, 1, K_AT, 0, 1 | 2 | 4),
    /* TLB maintenance of the EL1&0 regime */
    TLBI("TLBIALLIS", 3, 0, TLBI_ALL | TLBI_IS), TLBI("TLBIMVAIS", 3, 1, TLBI_VA | TLBI_IS),
    TLBI("TLBIASIDIS", 3, 2, TLBI_ASID | TLBI_IS), TLBI("TLBIMVAAIS", 3, 3, TLBI_VAA | TLBI_IS),
    TLBI("TLBIMVALIS", 3, 5, TLBI_VA | TLBI_IS), TLBI("TLBIMVAALIS", 3, 7, TLBI_VAA | TLBI_IS),
    TLBI("ITLBIALL", 5, 0, TLBI_ALL), TLBI("ITLBIMVA", 5, 1, TLBI_VA), TLBI("ITLBIASID", 5, 2, TLBI_ASID),
    TLBI("DTLBIALL", 6, 0, TLBI_ALL), TLBI("DTLBIMVA", 6, 1, TLBI_VA), TLBI("DTLBIASID", 6, 2, TLBI_ASID),
    TLBI("TLBIALL", 7, 0, TLBI_ALL), TLBI("TLBIMVA", 7, 1, TLBI_VA), TLBI("TLBIASID", 7, 2, TLBI_ASID),
    TLBI("TLBIMVAA", 7, 3, TLBI_VAA), TLBI("TLBIMVAL", 7, 5, TLBI_VA), TLBI("TLBIMVAAL", 7, 7, TLBI_VAA),

    /* GICv3 CPU interface (System register interface) */
    GIC("ICC_PMR", 4, 6, 0, CP_RW),
    GIC("ICC_IAR0", 12, 8, 0, CP_R), GIC("ICC_EOIR0", 12, 8, 1, CP_W), GIC("ICC_HPPIR0", 12, 8, 2, CP_R),
    GIC("ICC_BPR0", 12, 8, 3, CP_RW),
    GIC("ICC_AP0R0", 12, 8, 4, CP_RW), GIC("ICC_AP0R1", 12, 8, 5, CP_RW), GIC("ICC_AP0R2", 12, 8, 6, CP_RW),
    GIC("ICC_AP0R3", 12, 8, 7, CP_RW), GIC("ICC_AP1R0", 12, 9, 0, CP_RW), GIC("ICC_AP1R1", 12, 9, 1, CP_RW),
    GIC("ICC_AP1R2", 12, 9, 2, CP_RW), GIC("ICC_AP1R3", 12, 9, 3, CP_RW),
    GIC("ICC_DIR", 12, 11, 1, CP_W), GIC("ICC_RPR", 12, 11, 3, CP_R),
    GIC("ICC_IAR1", 12, 12, 0, CP_R), GIC("ICC_EOIR1", 12, 12, 1, CP_W), GIC("ICC_HPPIR1", 12, 12, 2, CP_R),
    GIC("ICC_BPR1", 12, 12, 3, CP_RW), GIC("ICC_CTLR", 12, 12, 4, CP_RW), GIC("ICC_SRE", 12, 12, 5, CP_RW),
    GIC("ICC_IGRPEN0", 12, 12, 6, CP_RW), GIC("ICC_IGRPEN1", 12, 12, 7, CP_RW),
    { "ICC_SGI1R", 15, 1, 0, 0, 12, 0, 0, CP_W, CTL_NONE, K_GIC, P_ALL, 0, 0, K(3, 0, 12, 11, 5) },
    { "ICC_ASGI1R", 15, 1, 1, 0, 12, 0, 0, CP_W, CTL_NONE, K_GIC, P_ALL, 0, 0, K(3, 0, 12, 11, 6) },
    { "ICC_SGI0R", 15, 1, 2, 0, 12, 0, 0, CP_W, CTL_NONE, K_GIC, P_ALL, 0, 0, K(3, 0, 12, 11, 7) },

    /* CP14 debug: no debug features are advertised (ID_DFR0 = 0, DBGDIDR
     * version 0), so what a kernel probes reads as zero and writes are
     * ignored. */
    DBG("DBGDIDR", 0, 0, 0, CP_R, T_TDA),
    DBG("DBGDSCRint", 0, 1, 0, CP_R, T_TDA),
    DBG("DBGDSCRext", 0, 2, 2, CP_RW, T_TDA),
    DBG("DBGDRAR", 1, 0, 0, CP_R, T_TDRA),
    DBG("DBGDSAR", 2, 0, 0, CP_R, T_TDRA),
    DBG("DBGOSLAR", 1, 0, 4, CP_W, T_TDOSA),
    DBG("DBGOSLSR", 1, 1, 4, CP_R, T_TDOSA),
    DBG("DBGOSDLR", 1, 3, 4, CP_RW, T_TDOSA),
    DBG("DBGPRCR", 1, 4, 4, CP_RW, T_TDOSA),
    DBG("DBGCLAIMSET", 7, 8, 6, CP_RW, T_TDA),
    DBG("DBGCLAIMCLR", 7, 9, 6, CP_RW, T_TDA),
    DBG("DBGAUTHSTATUS", 7, 14, 6, CP_R, T_TDA),
};

static const struct cp_reg *cp_find(unsigned cp, bool wide, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2)
{
    for (size_t i = 0; i < sizeof(cp_regs) / sizeof(cp_regs[0]); i++) {
        const struct cp_reg *r = &cp_regs[i];
        if (r->cp == cp && r->wide == wide && r->opc1 == opc1 && r->crn == crn && r->crm == crm &&
            r->opc2 == opc2)
            return r;
    }
    return NULL;
}

/* ESR ISS of a trapped MCR/MRC (EC 0x03/0x05) or MCRR/MRRC (EC 0x04/0x0c):
 * CV = 1 and COND, then the instruction's fields.  The A32 and T32
 * encodings (T32 with its first halfword in bits 31:16) share bits 23:0. */
static uint32_t cp_iss(uint32_t insn, unsigned cond, bool wide)
{
    uint32_t iss = 1u << 24 | cond << 20 | (insn >> 12 & 0xf) << 5 | (insn & 0xf) << 1 | (insn >> 20 & 1);
    if (wide)
        return iss | (insn >> 4 & 0xf) << 16 | (insn >> 16 & 0xf) << 10;
    return iss | (insn >> 5 & 7) << 17 | (insn >> 21 & 7) << 14 | (insn >> 16 & 0xf) << 10;
}

/* AArch64.AArch32SystemAccessTrap(target, ec): EC 0x03/0x04 for CP15,
 * 0x05/0x0c for CP14. */
static noreturn void cp_trap(cpu_t *c, uop_t *u, unsigned target, const struct cp_reg *r)
{
    uint32_t ec = r->cp == 14 ? (r->wide ? 0x0c : 0x05) : (r->wide ? 0x04 : 0x03);
    c->exc.target_el = target;
    cpu_raise(c, uop_pc_any(c, u), ec, cp_iss(u->insn, u->f, r->wide), 0);
}

/* TLB maintenance of the EL1&0 regime: by VA (MVA, MVAA), or all of it
 * (ALL, ASID). */
static void cp_tlbi(cpu_t *c, unsigned op, uint32_t v)
{
    bool by_va = (op & 3) != TLBI_ALL && (op & 3) != TLBI_ASID;
    cpu_tlbi(c, MASK_EL10, by_va, v & ~0xfffu, op & TLBI_IS);
}

/* Operations (MCR only): cache, TLB, AT, barriers. */
static void cp_op(cpu_t *c, uop_t *u, const struct cp_reg *r, uint32_t v)
{
    switch (r->kind) {
    case K_DSB:
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        break;
    case K_TLBI:
        cp_tlbi(c, r->key, v);
        break;
    case K_IC:
        if (r->key == 2) {
            /* ICIMVAU: code written behind the CPU's write tracking (DMA). */
            uint8_t *p = mem_ptr(c, u, v & ~63u, 1, ACC_READ);
            cpu_code_invalidate_host(c, p, 64);
            if (c->env.ic_broadcast)
                c->env.ic_broadcast(c->env.opaque, c, p, 64);
        } else {
            cpu_code_invalidate_all(c);
            if (r->key == 1 && c->env.ic_broadcast)
                c->env.ic_broadcast(c->env.opaque, c, NULL, 0);
        }
        break;
    case K_DC:
        (void)ld8(c, u, v);     /* no data effect; the address must translate */
        break;
    case K_AT: {
        /* Stage 1 of the EL1&0 regime; a stage-2 fault on the walk is a
         * Data Abort to EL2 (mmu_at32). */
        uint64_t par;
        struct exc_info exc = { 0 };
        if (!mmu_at32(c, v, r->key & 1, r->key & 2, (r->key & 4) && (c->pstate & PSTATE_PAN), &par, &exc))
            cpu_raise_abort(c, u, &exc, v, (r->key & 2) ? ACC_WRITE : ACC_READ);
        c->sr.par_el1 = par;
        break;
    }
    default:
        break;      /* K_ISB (the block ends after it), K_NOP */
    }
}

/* MRC/MCR/MRRC/MCRR of a table row: imm = row, a = Rt slot, b = Rt2 slot,
 * e = 1 for reads, f = the condition for the syndrome. */
static const struct uop *op_a32_cp(cpu_t *c, uop_t *u)
{
    const struct cp_reg *r = (const struct cp_reg *)(uintptr_t)u->imm;
    bool read = u->e;
    if (!c->user_mode) {
        bool host = cpu_host_regime(c);
        if (r->ctl == CTL_CNT && c->el == 0) {
            uint64_t ctl = host ? c->sr.cnthctl_el2 : c->sr.cntkctl_el1;
            if (!(ctl & r->cnt))
                cp_trap(c, u, c->el2_enabled && (c->sr.hcr_el2 & HCR_TGE) ? 2 : 1, r);
        } else if (r->ctl == CTL_CP15BEN) {
            uint64_t sctlr = host ? c->sr.sctlr_el2 : c->sr.sctlr_el1;
            if (!(sctlr & (1u << 5)))
                cpu_raise_undef(c, u);
        }
        if (c->el2_enabled && !host && c->el < 2) {
            /* HSTR_EL2.T<n>: CRn of MCR/MRC, CRm of MCRR/MRRC (CP15 only). */
            if (r->cp == 15 && (c->sr.hstr_el2 >> (r->wide ? r->crm : r->crn) & 1))
                cp_trap(c, u, 2, r);
            /* HCR_EL2, MDCR_EL2 and CPTR_EL2 controls of the row. */
            if (traps_el2_check(c, r->traps & ~(unsigned)(T_EL1PCTEN | T_EL1PTEN), read))
                cp_trap(c, u, 2, r);
            /* The physical counter and timer: CNTHCTL_EL2.EL1PCTEN /
             * EL1PCEN (bits 0/1; 10/11 as EL1PTEN with E2H) gate EL0 as
             * well as EL1. */
            if (r->traps & (T_EL1PCTEN | T_EL1PTEN)) {
                uint64_t need = ((r->traps & T_EL1PCTEN) ? 1u : 2u) << ((c->sr.hcr_el2 & HCR_E2H) ? 10 : 0);
                if (!(c->sr.cnthctl_el2 & need))
                    cp_trap(c, u, 2, r);
            }
            /* SGI generation is not virtualized: under IMO/FMO it traps. */
            if (r->kind == K_GIC && r->wide && cpu_irq_virtualized(c))
                cp_trap(c, u, 2, r);
        }
    }
    c->pc = uop_pc_any(c, u);
    if (read) {
        uint64_t v = 0;
        switch (r->kind) {
        case K_FRQ:
            v = CNT_FREQ_HZ;
            break;
        case K_SYSREG: case K_TTBR: case K_DACR: case K_CONTEXTIDR:
            cpu_sysreg_get(c, r->key, &v);
            break;
        case K_CPACR:
            v = (c->sr.cpacr_el1 >> 20 & 3) * 0x5u << 20;   /* cp11 reads as cp10 */
            break;
        case K_GIC:
            if (!c->env.gic_read || !c->env.gic_read(c->env.opaque, c, r->key, &v))
                cpu_raise_undef(c, u);
            break;
        default:
            break;
        }
        if (r->part == P_HI)
            v >>= 32;
        c->x[u->a] = (uint32_t)v;
        if (r->wide)
            c->x[u->b] = (uint32_t)(v >> 32);
        return u + 1;
    }
    uint32_t lo = (uint32_t)c->x[u->a];
    uint64_t v = lo;
    if (r->wide)
        v |= c->x[u->b] << 32;
    uint64_t old = 0;
    if (r->kind == K_SYSREG || r->kind == K_TTBR || r->kind == K_CONTEXTIDR) {
        cpu_sysreg_get(c, r->key, &old);
        if (r->part != P_ALL)
            v = r->part == P_LO ? (old & ~0xffffffffull) | lo : (old & 0xffffffffull) | (uint64_t)lo << 32;
    }
    switch (r->kind) {
    case K_SYSREG:
        cpu_sysreg_set(c, r->key, v);
        break;
    case K_TTBR:
        /* Global entries are not tied to a TTBR or an ASID. */
        if (v != old) {
            *(r->key == K(3, 0, 2, 0, 0) ? &c->sr.ttbr0_el1 : &c->sr.ttbr1_el1) = v;
            mmu_a32_drop_non_global(c);
        }
        break;
    case K_CONTEXTIDR:
        c->sr.contextidr_el1 = v;
        if (((v ^ old) & 0xff) && !(c->sr.tcr_el1 >> 31 & 1))
            mmu_a32_drop_non_global(c);     /* the short-descriptor ASID */
        break;
    case K_DACR:
        mmu_dacr_write(c, lo);
        break;
    case K_CPACR:
        /* cp10 sets FPEN (a cp11 that differs is UNPREDICTABLE: cp10 wins). */
        cpu_sysreg_set(c, r->key, (c->sr.cpacr_el1 & ~(3ull << 20)) | (lo & (3u << 20)));
        break;
    case K_GIC:
        if (!c->env.gic_write || !c->env.gic_write(c->env.opaque, c, r->key, v))
            cpu_raise_undef(c, u);
        break;
    default:
        cp_op(c, u, r, lo);
        break;
    }
    return u + 1;
}

/* NZCV = x[b]<31:28> (MRC with Rt = 15). */
static const struct uop *op_a32_nzcv_from(cpu_t *c, uop_t *u)
{
    c->nzcv = (uint32_t)c->x[u->b] & 0xf0000000u;
    return u + 1;
}

bool a32_trans_cp(struct xlat *x, unsigned cp, bool wide, bool read, unsigned opc1, unsigned crn, unsigned crm,
                  unsigned opc2, unsigned rt, unsigned rt2)
{
    unsigned el = ctx_el(x->ctx);
    if ((cp != 15 && cp != 14) || el > 1)
        return false;
    bool to_flags = rt == 15 && read && !wide;      /* MRC APSR_nzcv: bits 31:28 to NZCV */
    if ((rt == 15 && !to_flags) || (wide && (rt2 == 15 || (read && rt == rt2))))
        return false;   /* UNPREDICTABLE: UNDEFINED */
    if ((rt == 13 || (wide && rt2 == 13)) && a32_ctx_t32(x))
        return false;
    const struct cp_reg *r = cp_find(cp, wide, opc1, crn, crm, opc2);
    unsigned acc = r ? (el == 0 ? r->acc0 : r->acc1) : 0;
    if (!r || !(acc & (read ? CP_R : CP_W)))
        return false;
    unsigned cond = a32_trap_cond(x);
    struct uop *u = emit(x, op_a32_cp);
    u->imm = (uintptr_t)r;
    u->a = to_flags ? REG_T0 : a32_wreg(x, rt);
    u->b = wide ? a32_wreg(x, rt2) : 0;
    u->e = read;
    u->f = (uint8_t)cond;
    if (to_flags)
        emit(x, op_a32_nzcv_from)->b = REG_T0;
    /* CP15ISB is context synchronizing; timer writes may move the timer's
     * deadline; EL1 writes may change translation, the FP enable or
     * interrupts: back to the dispatcher after them. */
    if (r->kind == K_ISB || (!read && (r->ctl == CTL_CNT || (el == 1 && r->kind != K_DSB)))) {
        struct uop *g = emit(x, op_goto_nochain);
        g->imm = (uint32_t)x->pc + 4;    /* A32 and T32 forms are 32-bit */
        x->end = true;
    }
    return true;
}

/* ---- data abort instruction syndrome ------------------------------------ */

/* ISS[24:14] for a stage-2 data abort on a single load/store: ISV, SAS,
 * SSE, SRT (the AArch64 view of Rt: its X slot in this mode), SF = 0, AR.
 * ESR_ELx.ISV: only LDR, LDA, LDRT, LDRSH(T), LDRH(T), LDAH, LDRSB(T),
 * LDRB(T), LDAB, STR(T), STL, STRH(T), STLH, STRB(T), STLB without register
 * writeback and without the PC as a source or destination; 0 otherwise. */
static uint32_t isv(unsigned sas, bool sse, unsigned rt, unsigned mode, bool ar)
{
    return 1u << 24 | sas << 22 | (uint32_t)sse << 21 | a32_slot(mode, rt) << 16 | (uint32_t)ar << 14;
}

static uint32_t a32_isv(uint32_t insn, unsigned mode)
{
    unsigned rn = insn >> 16 & 0xf, rt = insn >> 12 & 0xf;
    bool p = insn >> 24 & 1, w = insn >> 21 & 1, l = insn >> 20 & 1;
    if ((insn >> 28) == 0xf)
        return 0;
    if ((insn >> 26 & 3) == 1) {                        /* LDR/STR(B), immediate or register */
        if ((insn >> 25 & 1) && (insn >> 4 & 1))
            return 0;                                   /* media space */
        if (!p || w || rn == 15 || rt == 15 || ((insn >> 25 & 1) && (insn & 0xf) == 15))
            return 0;
        return isv((insn >> 22 & 1) ? 0 : 2, false, rt, mode, false);
    }
    if ((insn >> 25 & 7) == 0 && (insn >> 7 & 1) && (insn >> 4 & 1)) {
        unsigned op2 = insn >> 5 & 3;
        if (op2 == 0) {                                 /* LDA/STL family, multiplies */
            /* LDA/STL: 0001 1 sz L Rn Rt 11 0 0 1001 Rt2 (sz 00 word, 10 byte, 11 half) */
            if ((insn >> 23 & 0x1f) != 0x03 || (insn >> 8 & 0xf) != 0xc)
                return 0;
            unsigned sz = insn >> 21 & 3, t = l ? rt : (insn & 0xf);
            if (sz == 1 || rn == 15 || t == 15)
                return 0;
            return isv(sz == 0 ? 2 : sz == 2 ? 0 : 1, false, t, mode, true);
        }
        /* Extra loads/stores: 1011 H, 1101 SB (L) / D, 1111 SH (L) / D. */
        if (!(insn >> 22 & 1) && (insn >> 8 & 0xf) != 0)
            return 0;
        if (!p || w || rn == 15 || rt == 15 || (!(insn >> 22 & 1) && (insn & 0xf) == 15))
            return 0;
        if (op2 == 1)
            return isv(1, false, rt, mode, false);
        if (!l)
            return 0;                                   /* LDRD/STRD */
        return isv(op2 == 2 ? 0 : 1, true, rt, mode, false);
    }
    return 0;
}

static uint32_t t16_isv(uint32_t insn, unsigned mode)
{
    unsigned rt = insn & 7;
    switch (insn >> 11) {
    case 0x0c: case 0x0d: return isv(2, false, rt, mode, false);   /* STR/LDR (imm5) */
    case 0x0e: case 0x0f: return isv(0, false, rt, mode, false);   /* STRB/LDRB */
    case 0x10: case 0x11: return isv(1, false, rt, mode, false);   /* STRH/LDRH */
    case 0x12: case 0x13: return isv(2, false, insn >> 8 & 7, mode, false);   /* SP-relative */
    case 0x0a: case 0x0b: {                                         /* register offset */
        static const uint8_t sas[8] = { 2, 1, 0, 0, 2, 1, 0, 1 };   /* STR STRH STRB LDRSB LDR LDRH LDRB LDRSH */
        unsigned op = insn >> 9 & 7;
        return isv(sas[op], op == 3 || op == 7, rt, mode, false);
    }
    default:
        return 0;
    }
}

static uint32_t t32_isv(uint32_t insn, unsigned mode)
{
    unsigned rn = insn >> 16 & 0xf, rt = insn >> 12 & 0xf;
    if ((insn >> 25) == 0x7c) {                         /* 1111 100x: single loads/stores */
        unsigned size = insn >> 21 & 3;
        bool sign = insn >> 24 & 1, l = insn >> 20 & 1;
        if (size == 3 || (sign && !l) || rn == 15 || rt == 15)
            return 0;
        if (!(insn >> 23 & 1)) {
            if (insn >> 11 & 1) {                       /* imm8: 1 P U W */
                if (!(insn >> 10 & 1) || (insn >> 8 & 1))
                    return 0;                           /* post-indexed or writeback */
            } else if ((insn >> 6 & 0x3f) != 0 || (insn & 0xf) == 15) {
                return 0;
            }
        }
        return isv(size == 0 ? 0 : size == 1 ? 1 : 2, sign, rt, mode, false);
    }
    /* LDA/STL: 1110 1000 110 L Rn Rt 1111 10 sz 1111 (Rt2 field) */
    if ((insn >> 21) == 0x746 && (insn >> 6 & 3) == 2 && (insn >> 8 & 0xf) == 0xf) {
        unsigned sz = insn >> 4 & 3;
        if (sz == 3 || rn == 15 || rt == 15)
            return 0;
        return isv(sz == 0 ? 0 : sz == 1 ? 1 : 2, false, rt, mode, true);
    }
    return 0;
}

uint32_t a32_abort_isv(uint32_t insn, uint32_t ctx)
{
    unsigned mode = (ctx & CTX_M_MASK) >> CTX_M_SHIFT;
    if (!(ctx & CTX_T32))
        return a32_isv(insn, mode);
    return insn <= 0xffff ? t16_isv(insn, mode) : t32_isv(insn, mode);
}
