/* EL2 traps of EL1/EL0 system-register and system-instruction accesses.
 *
 * Arm ARM: the accessibility pseudocode of each register (e.g. for
 * ID_AA64PFR0_EL1 at EL1: "if EL2Enabled() && HCR_EL2.TID3 == '1' then
 * AArch64.SystemAccessTrap(EL2, 0x18)") reduces to: at EL0/EL1, when EL2 is
 * enabled and HCR_EL2.{E2H,TGE} is not {1,1}, one control bit per register
 * group sends the access to EL2 with EC 0x18 and the instruction's encoding
 * in the ISS.  Controls of EL1 (SCTLR_EL1.UCI/DZE at EL0) take priority. */
#include "sysreg.h"
#include "system.h"
#include "traps.h"

#define SYS_KEY(op1, crn, crm, op2) SYSREG_KEY(1, op1, crn, crm, op2)

/* Groups that also trap EL0 accesses (the others concern EL1-only
 * registers, or EL0 accesses that are UNDEFINED first). */
#define EL0_GROUPS (T_TID2 | T_TPCP | T_TPU | T_TDZ | T_TDA)

/* uop.e: controls outside HCR_EL2 and EL0 preconditions. */
enum {
    X_TDA = 1 << 0, X_TDOSA = 1 << 1, X_TDRA = 1 << 2, X_TCPAC = 1 << 3,
    X_APK = 1 << 4,         /* traps while HCR_EL2.APK is 0 */
    X_EL0_UCI = 1 << 5,     /* at EL0: only if SCTLR.UCI lets the access reach EL2's controls */
    X_EL0_DZE = 1 << 6,     /* at EL0: only if SCTLR.DZE does */
};

uint32_t traps_sysreg_iss(uint32_t key, unsigned rt, bool read)
{
    unsigned op0 = key >> 14, op1 = key >> 11 & 7, crn = key >> 7 & 0xf, crm = key >> 3 & 0xf, op2 = key & 7;
    return op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 | rt << 5 | crm << 1 | (read ? 1u : 0u);
}

/* MRS/MSR/SYS/SYSL share the layout: L at 21, op0 at 20:19 (01 for SYS),
 * op1 18:16, CRn 15:12, CRm 11:8, op2 7:5, Rt 4:0. */
static uint32_t insn_iss(uint32_t insn)
{
    uint32_t key = insn >> 5 & 0xffff;
    return traps_sysreg_iss(key, insn & 31, insn >> 21 & 1);
}

static bool other_traps(const struct cpu *c, unsigned e, uint64_t hcr)
{
    uint64_t mdcr = c->sr.mdcr_el2;
    bool tde = (mdcr & MDCR_TDE) || (hcr & HCR_TGE);   /* TDE forces TDA, TDOSA, TDRA */
    if ((e & X_TDA) && (tde || (mdcr & MDCR_TDA)))
        return true;
    if ((e & X_TDOSA) && (tde || (mdcr & MDCR_TDOSA)))
        return true;
    if ((e & X_TDRA) && (tde || (mdcr & MDCR_TDRA)))
        return true;
    if ((e & X_TCPAC) && (c->sr.cptr_el2 & CPTR_TCPAC))
        return true;
    if ((e & X_APK) && !(hcr & HCR_APK))
        return true;
    return false;
}

/* EL1 access to the physical counter (f bit 0) or timer (f bit 1) while
 * CNTHCTL_EL2 does not grant it: bits 0/1 with E2H clear, 10/11 with E2H
 * (EL1PCTEN, EL1PCEN / EL1PTEN). */
static bool timer_traps(const struct cpu *c, unsigned f, uint64_t hcr)
{
    uint64_t need = (uint64_t)(f & 3) << ((hcr & HCR_E2H) ? 10 : 0);
    return (c->sr.cnthctl_el2 & need) != need;
}

/* imm: HCR_EL2 bits that trap; e: X_*; f: CNTHCTL_EL2 grants needed */
static const struct uop *op_el2_trap(struct cpu *c, const struct uop *u)
{
    uint64_t hcr = c->sr.hcr_el2;
    if (unlikely(hcr & u->imm) || unlikely(u->e && other_traps(c, u->e, hcr)) ||
        unlikely(u->f && timer_traps(c, u->f, hcr))) {
        /* At EL0, SCTLR_EL1.UCI/DZE clear traps to EL1 first: the access's
         * own handler raises that. */
        if ((u->e & X_EL0_UCI) && c->el == 0 && !(c->sr.sctlr_el1 >> 26 & 1))
            return u + 1;
        if ((u->e & X_EL0_DZE) && c->el == 0 && !(c->sr.sctlr_el1 >> 14 & 1))
            return u + 1;
        c->exc.target_el = 2;
        cpu_raise(c, uop_pc(c, u), EC_SYSREG, insn_iss(u->insn), 0);
    }
    return u + 1;
}

/* The controls that trap the access groups: HCR_EL2 bits (returned) and
 * the other registers' controls (*other, X_*). */
static uint64_t group_controls(unsigned groups, bool read, unsigned *other)
{
    uint64_t hcr = 0;
    unsigned e = 0;
    if (groups & T_TID1) hcr |= HCR_TID1;
    if (groups & T_TID2) hcr |= HCR_TID2;
    if (groups & T_TID3) hcr |= HCR_TID3;
    if (groups & T_TACR) hcr |= HCR_TACR;
    if (groups & T_TVM) hcr |= read ? HCR_TRVM : HCR_TVM;
    if (groups & T_TSW) hcr |= HCR_TSW;
    if (groups & T_TPCP) hcr |= HCR_TPCP;
    if (groups & T_TPU) hcr |= HCR_TPU;
    if (groups & T_TTLB) hcr |= HCR_TTLB;
    if (groups & T_TDZ) hcr |= HCR_TDZ;
    if (groups & T_TIDCP) hcr |= HCR_TIDCP;
    if (groups & T_APK) e |= X_APK;
    if (groups & T_TDA) e |= X_TDA;
    if (groups & T_TDOSA) e |= X_TDOSA;
    if (groups & T_TDRA) e |= X_TDRA;
    if (groups & T_TCPAC) e |= X_TCPAC;
    *other = e;
    return hcr;
}

void traps_emit(struct xlat *x, unsigned groups, bool read)
{
    uint32_t ctx = x->ctx;
    unsigned el = ctx_el(ctx);
    if (!groups || (ctx & CTX_USER) || !(ctx & CTX_EL2) || el >= 2)
        return;
    if ((ctx & CTX_E2H) && (ctx & CTX_TGE))
        return;                                 /* EL2&0 host regime: EL2's own */
    if (el == 0)
        groups &= EL0_GROUPS;
    unsigned e;
    uint64_t hcr = group_controls(groups, read, &e);
    unsigned f = (groups & T_EL1PCTEN ? 1u : 0u) | (groups & T_EL1PTEN ? 2u : 0u);
    if (!hcr && !e && !f)
        return;
    if (el == 0 && (groups & (T_TPCP | T_TPU)))
        e |= X_EL0_UCI;
    if (el == 0 && (groups & T_TDZ))
        e |= X_EL0_DZE;
    struct uop *u = emit(x, op_el2_trap);
    u->imm = hcr;
    u->e = (uint8_t)e;
    u->f = (uint8_t)f;
}

bool traps_el2_check(const struct cpu *c, unsigned groups, bool read)
{
    uint64_t hcr = c->sr.hcr_el2;
    if (!groups || !c->el2_enabled || c->el >= 2 || ((hcr & HCR_E2H) && (hcr & HCR_TGE)))
        return false;
    if (c->el == 0)
        groups &= EL0_GROUPS;
    unsigned e;
    uint64_t bits = group_controls(groups, read, &e);
    return (hcr & bits) || (e && other_traps(c, e, hcr));
}

/* SYS instructions (op0 = 1) and their groups; TLBI at EL1 (op1 = 0,
 * CRn = 8) is matched by pattern in traps_sys_groups. */
static const struct { uint32_t key; unsigned groups; } sys_traps[] = {
    { SYS_KEY(0, 7, 6, 2), T_TSW },      /* DC ISW */
    { SYS_KEY(0, 7, 10, 2), T_TSW },     /* DC CSW */
    { SYS_KEY(0, 7, 14, 2), T_TSW },     /* DC CISW */
    { SYS_KEY(0, 7, 6, 1), T_TPCP },     /* DC IVAC */
    { SYS_KEY(3, 7, 10, 1), T_TPCP },    /* DC CVAC */
    { SYS_KEY(3, 7, 14, 1), T_TPCP },    /* DC CIVAC */
    { SYS_KEY(3, 7, 12, 1), T_TPCP },    /* DC CVAP */
    { SYS_KEY(3, 7, 13, 1), T_TPCP },    /* DC CVADP */
    { SYS_KEY(3, 7, 11, 1), T_TPU },     /* DC CVAU */
    { SYS_KEY(3, 7, 5, 1), T_TPU },      /* IC IVAU */
    { SYS_KEY(0, 7, 5, 0), T_TPU },      /* IC IALLU */
    { SYS_KEY(0, 7, 1, 0), T_TPU },      /* IC IALLUIS */
    { SYS_KEY(3, 7, 4, 1), T_TDZ },      /* DC ZVA */
};

unsigned traps_sys_groups(uint32_t key)
{
    if ((key >> 11 & 7) == 0 && (key >> 7 & 0xf) == 8)
        return T_TTLB;
    for (size_t i = 0; i < sizeof(sys_traps) / sizeof(sys_traps[0]); i++)
        if (sys_traps[i].key == key)
            return sys_traps[i].groups;
    return 0;
}

/* HCR_EL2.TIDCP: an EL1 access to the IMPLEMENTATION DEFINED register space
 * (op0 = 3, CRn = 11 or 15) that the CPU does not implement traps to EL2
 * instead of being UNDEFINED. */
bool traps_trans_impdef(struct xlat *x, uint32_t key)
{
    unsigned crn = key >> 7 & 0xf;
    if (key >> 14 != 3 || (crn != 11 && crn != 15) || ctx_el(x->ctx) != 1)
        return false;
    unsigned before = x->nuops;
    traps_emit(x, T_TIDCP, false);
    if (x->nuops == before)
        return false;
    emit(x, op_undef);
    x->end = true;
    return true;
}
