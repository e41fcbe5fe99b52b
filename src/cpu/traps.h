/* Traps of EL1/EL0 system-register and system-instruction accesses to EL2
 * (HCR_EL2 TID1/TID2/TID3/TACR/TVM/TRVM/TSW/TPCP/TPU/TTLB/TDZ/TIDCP/APK,
 * MDCR_EL2 TDA/TDOSA/TDRA/TDE, CPTR_EL2.TCPAC, CNTHCTL_EL2 EL1PCTEN/EL1PCEN).
 *
 * Each system register row (sysreg.c) and each SYS instruction (traps.c)
 * names its trap groups; the translator emits one check uop in front of an
 * access whose groups can trap from the translation context (EL0/EL1 with EL2
 * present and outside the EL2&0 host regime).  The controls themselves are
 * read at run time, so changing HCR_EL2/MDCR_EL2/CPTR_EL2 needs no
 * retranslation. */
#ifndef NESTVM_TRAPS_H
#define NESTVM_TRAPS_H

#include "uop.h"

enum trap_group {
    T_TID1 = 1 << 0,    /* REVIDR_EL1, AIDR_EL1 */
    T_TID2 = 1 << 1,    /* CTR_EL0, CCSIDR_EL1, CLIDR_EL1, CSSELR_EL1 */
    T_TID3 = 1 << 2,    /* ID group 3: op0=3 op1=0 CRn=0 CRm=1..7 */
    T_TACR = 1 << 3,    /* ACTLR_EL1 */
    T_TVM = 1 << 4,     /* virtual memory controls: writes (TVM), reads (TRVM) */
    T_TSW = 1 << 5,     /* DC ISW/CSW/CISW */
    T_TPCP = 1 << 6,    /* cache maintenance to the point of coherency/persistence */
    T_TPU = 1 << 7,     /* cache maintenance to the point of unification */
    T_TTLB = 1 << 8,    /* TLBI at EL1 */
    T_TDZ = 1 << 9,     /* DC ZVA */
    T_TIDCP = 1 << 10,  /* IMPLEMENTATION DEFINED registers (otherwise UNDEFINED) */
    T_APK = 1 << 11,    /* pointer-authentication key registers (trap while HCR_EL2.APK is 0) */
    T_TDA = 1 << 12,    /* debug registers (MDCR_EL2.TDA, or TDE/TGE) */
    T_TDOSA = 1 << 13,  /* OS lock/power-down debug registers (MDCR_EL2.TDOSA, or TDE/TGE) */
    T_TDRA = 1 << 14,   /* MDRAR_EL1 (MDCR_EL2.TDRA, or TDE/TGE) */
    T_TCPAC = 1 << 15,  /* CPACR_EL1 (CPTR_EL2.TCPAC) */
    T_EL1PCTEN = 1 << 16,   /* CNTPCT_EL0 at EL1 (trap while CNTHCTL_EL2.EL1PCTEN is 0) */
    T_EL1PTEN = 1 << 17,    /* CNTP_CTL/CVAL/TVAL_EL0 at EL1 (CNTHCTL_EL2.EL1PCEN/EL1PTEN 0) */
};

/* HCR_EL2 trap bits (Arm ARM D19.2, HCR_EL2). */
#define HCR_TID1 (1ull << 16)
#define HCR_TID2 (1ull << 17)
#define HCR_TID3 (1ull << 18)
#define HCR_TIDCP (1ull << 20)
#define HCR_TACR (1ull << 21)
#define HCR_TSW (1ull << 22)
#define HCR_TPCP (1ull << 23)
#define HCR_TPU (1ull << 24)
#define HCR_TTLB (1ull << 25)
#define HCR_TVM (1ull << 26)
#define HCR_TDZ (1ull << 28)
#define HCR_TRVM (1ull << 30)
#define HCR_APK (1ull << 40)

/* MDCR_EL2 bits. */
#define MDCR_TDE (1ull << 8)
#define MDCR_TDA (1ull << 9)
#define MDCR_TDOSA (1ull << 10)
#define MDCR_TDRA (1ull << 11)

#define CPTR_TCPAC (1ull << 31)

/* ISS of a trapped MSR/MRS/SYS (EC 0x18) for the encoding key (SYSREG_KEY). */
uint32_t traps_sysreg_iss(uint32_t key, unsigned rt, bool read);

/* Emit the EL2 trap check for an access (read: MRS/SYSL) of the current
 * instruction with these groups; nothing when none can trap from x->ctx.
 * The syndrome is taken from the instruction word. */
void traps_emit(struct xlat *x, unsigned groups, bool read);

/* The same decision at run time (AArch32 coprocessor accesses, a32-sys.c):
 * does an access of these groups from c's current EL trap to EL2? */
bool traps_el2_check(const struct cpu *c, unsigned groups, bool read);

/* Trap groups of a SYS instruction (op0 = 1) by its key. */
unsigned traps_sys_groups(uint32_t key);

/* An unimplemented register: translate HCR_EL2.TIDCP's trap, then UNDEFINED;
 * false if TIDCP does not apply (plain UNDEFINED). */
bool traps_trans_impdef(struct xlat *x, uint32_t key);

#endif
