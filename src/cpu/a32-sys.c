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
        /* The physical counter and timer outside the host regime:
         * CNTHCTL_EL2.EL1PCTEN / EL1PCEN (bits 0/1; 10/11 as EL1PTEN with
         * E2H) gate EL0 as well as EL1. */
        if (c->el2_enabled && !host && (r->cnt == CNT_PCT || r->cnt == CNT_PT)) {
            uint64_t need = (r->cnt == CNT_PCT ? 1u : 2u) << ((c->sr.hcr_el2 & HCR_E2H) ? 10 : 0);
            if (!(c->sr.cnthctl_el2 & need))
                cp_trap(c, u, 2, r->wide);
        }
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
    unsigned cond = a32_trap_cond(x);
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
