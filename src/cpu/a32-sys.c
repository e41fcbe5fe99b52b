/* AArch32 EL0 coprocessor accesses (MRC/MCR/MRRC/MCRR to CP15/CP14): one
 * table of the registers EL0 may reach, each an alias of the AArch64
 * register it maps to (Arm ARM, "Mapping of AArch32 to AArch64 system
 * registers").  Everything not in the table, and every access EL0 may not
 * make (a write of TPIDRURO, any CP14 register), is UNDEFINED.
 *
 * The controls are read at run time (CNTKCTL_EL1/CNTHCTL_EL2, SCTLR.CP15BEN,
 * HSTR_EL2), so changing them needs no retranslation.  Their order follows
 * the registers' AArch32 accessibility pseudocode at EL0: the EL1 (or host
 * EL2) enable first, trapping with AArch64.AArch32SystemAccessTrap to EL1
 * (EL2 when HCR_EL2.TGE is 1), then HSTR_EL2.T<n> to EL2. */
#include "a32-internal.h"
#include "sysreg.h"

enum {
    CP_R = 1, CP_W = 2,
};
enum cp_ctl {
    CTL_NONE,
    CTL_CNT,        /* CNTKCTL_EL1 (CNTHCTL_EL2 as host) bits in cnt: any one grants */
    CTL_CP15BEN,    /* SCTLR_ELx.CP15BEN = 0: UNDEFINED */
};
enum cp_kind { K_SYSREG, K_FRQ, K_DSB, K_ISB };

struct cp_reg {
    const char *name;
    uint8_t wide;           /* MRRC/MCRR */
    uint8_t opc1, crn, crm, opc2;
    uint8_t acc;            /* CP_R/CP_W at EL0 */
    uint8_t ctl, kind;
    uint16_t cnt;           /* CTL_CNT: EL0PCTEN 0, EL0VCTEN 1, EL0VTEN 8, EL0PTEN 9 */
    uint32_t key;           /* K_SYSREG: the AArch64 register (SYSREG_KEY) */
};

#define CNT_PCT (1u << 0)
#define CNT_VCT (1u << 1)
#define CNT_VT (1u << 8)
#define CNT_PT (1u << 9)
#define K(op0, op1, crn, crm, op2) SYSREG_KEY(op0, op1, crn, crm, op2)

/* CP15 only: no CP14 register is accessible at EL0 here. */
static const struct cp_reg cp15_regs[] = {
    { "TPIDRURW", 0, 0, 13, 0, 2, CP_R | CP_W, CTL_NONE, K_SYSREG, 0, K(3, 3, 13, 0, 2) },
    { "TPIDRURO", 0, 0, 13, 0, 3, CP_R, CTL_NONE, K_SYSREG, 0, K(3, 3, 13, 0, 3) },
    { "CNTFRQ", 0, 0, 14, 0, 0, CP_R, CTL_CNT, K_FRQ, CNT_PCT | CNT_VCT, 0 },
    { "CNTPCT", 1, 0, 0, 14, 0, CP_R, CTL_CNT, K_SYSREG, CNT_PCT, K(3, 3, 14, 0, 1) },
    { "CNTVCT", 1, 1, 0, 14, 0, CP_R, CTL_CNT, K_SYSREG, CNT_VCT, K(3, 3, 14, 0, 2) },
    { "CNTP_TVAL", 0, 0, 14, 2, 0, CP_R | CP_W, CTL_CNT, K_SYSREG, CNT_PT, K(3, 3, 14, 2, 0) },
    { "CNTP_CTL", 0, 0, 14, 2, 1, CP_R | CP_W, CTL_CNT, K_SYSREG, CNT_PT, K(3, 3, 14, 2, 1) },
    { "CNTP_CVAL", 1, 2, 0, 14, 0, CP_R | CP_W, CTL_CNT, K_SYSREG, CNT_PT, K(3, 3, 14, 2, 2) },
    { "CNTV_TVAL", 0, 0, 14, 3, 0, CP_R | CP_W, CTL_CNT, K_SYSREG, CNT_VT, K(3, 3, 14, 3, 0) },
    { "CNTV_CTL", 0, 0, 14, 3, 1, CP_R | CP_W, CTL_CNT, K_SYSREG, CNT_VT, K(3, 3, 14, 3, 1) },
    { "CNTV_CVAL", 1, 3, 0, 14, 0, CP_R | CP_W, CTL_CNT, K_SYSREG, CNT_VT, K(3, 3, 14, 3, 2) },
    { "CP15ISB", 0, 0, 7, 5, 4, CP_W, CTL_CP15BEN, K_ISB, 0, 0 },
    { "CP15DSB", 0, 0, 7, 10, 4, CP_W, CTL_CP15BEN, K_DSB, 0, 0 },
    { "CP15DMB", 0, 0, 7, 10, 5, CP_W, CTL_CP15BEN, K_DSB, 0, 0 },
};

static const struct cp_reg *cp_find(bool wide, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2)
{
    for (size_t i = 0; i < sizeof(cp15_regs) / sizeof(cp15_regs[0]); i++) {
        const struct cp_reg *r = &cp15_regs[i];
        if (r->wide == wide && r->opc1 == opc1 && r->crn == crn && r->crm == crm && r->opc2 == opc2)
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

/* AArch64.AArch32SystemAccessTrap(target, ec). */
static noreturn void cp_trap(cpu_t *c, uop_t *u, unsigned target, bool wide)
{
    c->exc.target_el = target;
    cpu_raise(c, uop_pc_any(c, u), wide ? 0x04 : 0x03, cp_iss(u->insn, u->f, wide), 0);
}

/* MRC/MCR/MRRC/MCRR of a table register: imm = row, a = Rt slot, b = Rt2
 * slot, e = 1 for reads, f = the condition for the syndrome. */
static const struct uop *op_a32_cp(cpu_t *c, uop_t *u)
{
    const struct cp_reg *r = (const struct cp_reg *)(uintptr_t)u->imm;
    if (!c->user_mode) {
        bool host = cpu_host_regime(c);
        if (r->ctl == CTL_CNT) {
            uint64_t ctl = host ? c->sr.cnthctl_el2 : c->sr.cntkctl_el1;
            if (!(ctl & r->cnt))
                cp_trap(c, u, c->el2_enabled && (c->sr.hcr_el2 & HCR_TGE) ? 2 : 1, r->wide);
        } else if (r->ctl == CTL_CP15BEN) {
            uint64_t sctlr = host ? c->sr.sctlr_el2 : c->sr.sctlr_el1;
            if (!(sctlr & (1u << 5)))
                cpu_raise_undef(c, u);
        }
        /* HSTR_EL2.T<n>: CRn of MCR/MRC, CRm of MCRR/MRRC. */
        if (c->el2_enabled && !host && (c->sr.hstr_el2 >> (r->wide ? r->crm : r->crn) & 1))
            cp_trap(c, u, 2, r->wide);
    }
    switch (r->kind) {
    case K_DSB:
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        return u + 1;
    case K_ISB:
        return u + 1;   /* the block ends after it */
    default:
        break;
    }
    if (u->e) {
        uint64_t v = CNT_FREQ_HZ;
        if (r->kind == K_SYSREG) {
            c->pc = uop_pc_any(c, u);
            cpu_sysreg_get(c, r->key, &v);
        }
        c->x[u->a] = (uint32_t)v;
        if (r->wide)
            c->x[u->b] = (uint32_t)(v >> 32);
    } else {
        uint64_t v = (uint32_t)c->x[u->a];
        if (r->wide) {
            v |= c->x[u->b] << 32;
        } else if (r->key == K(3, 3, 13, 0, 2)) {
            uint64_t old = 0;   /* TPIDRURW is TPIDR_EL0[31:0]: the upper half is kept */
            cpu_sysreg_get(c, r->key, &old);
            v |= old & ~0xffffffffull;
        }
        cpu_sysreg_set(c, r->key, v);
    }
    return u + 1;
}

bool a32_trans_cp(struct xlat *x, unsigned cp, bool wide, bool read, unsigned opc1, unsigned crn, unsigned crm,
                  unsigned opc2, unsigned rt, unsigned rt2)
{
    if (cp != 15 || ctx_el(x->ctx) != 0)
        return false;   /* CP14 at EL0, AArch32 EL1: not implemented (UNDEFINED) */
    if (rt == 15 || (wide && (rt2 == 15 || (read && rt == rt2))))
        return false;   /* UNPREDICTABLE: UNDEFINED */
    if ((rt == 13 || (wide && rt2 == 13)) && a32_ctx_t32(x))
        return false;
    const struct cp_reg *r = cp_find(wide, opc1, crn, crm, opc2);
    if (!r || !(r->acc & (read ? CP_R : CP_W)))
        return false;
    unsigned cond;
    if (a32_ctx_t32(x))
        cond = (x->it & 0xf) ? x->it >> 4 : 14;     /* in an IT block: its condition */
    else
        cond = x->insn >> 28;
    struct uop *u = emit(x, op_a32_cp);
    u->imm = (uintptr_t)r;
    u->a = a32_wreg(x, rt);
    u->b = wide ? a32_wreg(x, rt2) : 0;
    u->e = read;
    u->f = (uint8_t)cond;
    /* CP15ISB is context synchronizing; timer writes may move the timer's
     * deadline: back to the dispatcher after either. */
    if (r->kind == K_ISB || (!read && r->ctl == CTL_CNT)) {
        struct uop *g = emit(x, op_goto_nochain);
        g->imm = (uint32_t)x->pc + 4;    /* A32 and T32 forms are 32-bit */
        x->end = true;
    }
    return true;
}
