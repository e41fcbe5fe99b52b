/* Branches, exception generation, hints, barriers and system instructions. */
#include "uop.h"
#include "debug.h"
#include "nv.h"
#include "system.h"
#include "jit.h"

/* ---- direct branches ----------------------------------------------------- */

static const struct uop *op_b(struct cpu *c, const struct uop *u)
{
    return chain_direct(c, u->imm, 0);
}

static const struct uop *op_bl(struct cpu *c, const struct uop *u)
{
    c->x[30] = uop_pc(c, u) + 4;
    return chain_direct(c, u->imm, 0);
}

bool trans_B(struct xlat *x, const arg_B *a)
{
    emit(x, op_b)->imm = x->pc + (uint64_t)(a->imm * 4);
    x->end = true;
    return true;
}

bool trans_BL(struct xlat *x, const arg_BL *a)
{
    emit(x, op_bl)->imm = x->pc + (uint64_t)(a->imm * 4);
    x->end = true;
    return true;
}

/* Conditional forms: taken target in imm (chain slot 0), fall-through is
 * pc + 4 (slot 1). */
static inline const struct uop *branch_if(struct cpu *c, const struct uop *u, bool taken)
{
    if (taken)
        return chain_direct(c, u->imm, 0);
    return chain_direct(c, uop_pc(c, u) + 4, 1);
}

static const struct uop *op_bcond(struct cpu *c, const struct uop *u)
{
    return branch_if(c, u, cond_holds(c->nzcv, u->e));
}

static const struct uop *op_cbz64(struct cpu *c, const struct uop *u) { return branch_if(c, u, c->x[u->a] == 0); }
static const struct uop *op_cbnz64(struct cpu *c, const struct uop *u) { return branch_if(c, u, c->x[u->a] != 0); }
static const struct uop *op_cbz32(struct cpu *c, const struct uop *u) { return branch_if(c, u, (uint32_t)c->x[u->a] == 0); }
static const struct uop *op_cbnz32(struct cpu *c, const struct uop *u) { return branch_if(c, u, (uint32_t)c->x[u->a] != 0); }
static const struct uop *op_tbz(struct cpu *c, const struct uop *u) { return branch_if(c, u, !(c->x[u->a] >> u->e & 1)); }
static const struct uop *op_tbnz(struct cpu *c, const struct uop *u) { return branch_if(c, u, c->x[u->a] >> u->e & 1); }

static bool emit_cond(struct xlat *x, uop_fn fn, uint8_t reg, uint8_t e, int64_t off)
{
    struct uop *u = emit(x, fn);
    u->a = reg;
    u->e = e;
    u->imm = x->pc + (uint64_t)(off * 4);
    x->end = true;
    return true;
}

bool trans_B_cond(struct xlat *x, const arg_B_cond *a)
{
    if (a->cond >= 14) /* AL and NV: always taken */
        return trans_B(x, &(arg_B){ .imm = a->imm });
    return emit_cond(x, op_bcond, 0, (uint8_t)a->cond, a->imm);
}

bool trans_CBZ(struct xlat *x, const arg_CBZ *a) { return emit_cond(x, a->sf ? op_cbz64 : op_cbz32, rx(a->rt), 0, a->imm); }
bool trans_CBNZ(struct xlat *x, const arg_CBNZ *a) { return emit_cond(x, a->sf ? op_cbnz64 : op_cbnz32, rx(a->rt), 0, a->imm); }
bool trans_TBZ(struct xlat *x, const arg_TBZ *a) { return emit_cond(x, op_tbz, rx(a->rt), (uint8_t)(a->b5 << 5 | a->b40), a->imm); }
bool trans_TBNZ(struct xlat *x, const arg_TBNZ *a) { return emit_cond(x, op_tbnz, rx(a->rt), (uint8_t)(a->b5 << 5 | a->b40), a->imm); }

/* ---- indirect branches --------------------------------------------------- */

static const struct uop *op_br(struct cpu *c, const struct uop *u)
{
    return chain_to(c, c->x[u->b], -1);
}

static const struct uop *op_blr(struct cpu *c, const struct uop *u)
{
    uint64_t target = c->x[u->b];  /* read before writing x30 (BLR x30) */
    c->x[30] = uop_pc(c, u) + 4;
    return chain_to(c, target, -1);
}

static bool emit_indirect(struct xlat *x, uop_fn fn, unsigned rn)
{
    emit(x, fn)->b = rx(rn);
    x->end = true;
    return true;
}

bool trans_BR(struct xlat *x, const arg_BR *a) { return emit_indirect(x, op_br, a->rn); }
bool trans_BLR(struct xlat *x, const arg_BLR *a) { return emit_indirect(x, op_blr, a->rn); }
bool trans_RET(struct xlat *x, const arg_RET *a) { return emit_indirect(x, op_br, a->rn); }

/* ---- exception generation ------------------------------------------------ */

static const struct uop *op_svc(struct cpu *c, const struct uop *u)
{
    cpu_raise(c, uop_pc(c, u) + 4, EC_SVC64, (uint32_t)u->imm, 0);
}

static const struct uop *op_brk(struct cpu *c, const struct uop *u)
{
    /* A debug exception: to EL2 from EL0/EL1 with MDCR_EL2.TDE or HCR_EL2.TGE. */
    if (!c->user_mode && c->el < 2)
        c->exc.target_el = debug_target_el(c);
    cpu_raise(c, uop_pc(c, u), EC_BRK64, (uint32_t)u->imm, 0);
}

bool trans_SVC(struct xlat *x, const arg_SVC *a)
{
    emit(x, op_svc)->imm = a->imm;
    x->end = true;
    return true;
}

bool trans_BRK(struct xlat *x, const arg_BRK *a)
{
    emit(x, op_brk)->imm = a->imm;
    x->end = true;
    return true;
}

/* HVC: to EL2 when the CPU has it; otherwise the call goes to the VMM's
 * firmware (PSCI over HVC, as on boards without EL2/EL3). */
static const struct uop *op_hvc(struct cpu *c, const struct uop *u)
{
    uint64_t next = uop_pc(c, u) + 4;
    if (c->el2_enabled) {
        if (c->sr.hcr_el2 & HCR_HCD)
            cpu_raise_undef(c, u);
        cpu_raise(c, next, EC_HVC64, (uint32_t)u->imm, 0);
    }
    c->pc = next;
    c->exc.iss = (uint32_t)u->imm;
    c->exc.ec = EC_HVC64;
    cpu_exit_now(c, CPU_EXIT_HVC);
}

/* SMC: trapped to EL2 by HCR_EL2.TSC, else the VMM's firmware (EL3) when the
 * CPU has EL2 (nested); without EL2 there is no EL3 either: UNDEFINED. */
static const struct uop *op_smc(struct cpu *c, const struct uop *u)
{
    uint64_t pc = uop_pc(c, u);
    if (!c->el2_enabled)
        cpu_raise_undef(c, u);
    if (c->el == 1 && (c->sr.hcr_el2 & HCR_TSC)) {
        c->exc.target_el = 2;   /* trapped SMC: ELR is the SMC itself, ISS the immediate */
        cpu_raise(c, pc, EC_SMC64, (uint32_t)u->imm, 0);
    }
    c->pc = pc + 4;
    c->exc.iss = (uint32_t)u->imm;
    c->exc.ec = EC_SMC64;
    cpu_exit_now(c, CPU_EXIT_HVC);
}

static bool trans_call(struct xlat *x, uop_fn fn, uint32_t imm)
{
    if (x->ctx & CTX_USER || (x->ctx & CTX_EL_MASK) == 0)
        return false;   /* UNDEFINED at EL0 */
    emit(x, fn)->imm = imm;
    x->end = true;
    return true;
}

bool trans_HVC(struct xlat *x, const arg_HVC *a) { return trans_call(x, op_hvc, a->imm); }
bool trans_SMC(struct xlat *x, const arg_SMC *a) { return trans_call(x, op_smc, a->imm); }

static const struct uop *op_eret(struct cpu *c, const struct uop *u)
{
    (void)u;
    sys_eret(c);
    return NULL;    /* translation context changed */
}

bool trans_ERET(struct xlat *x, const arg_ERET *a)
{
    (void)a;
    if (x->ctx & CTX_USER || (x->ctx & CTX_EL_MASK) == 0)
        return false;
    if (x->ctx & CTX_NV)
        return nv_trans_eret(x, 0);     /* a guest hypervisor's ERET traps to EL2 */
    emit(x, op_eret);
    x->end = true;
    return true;
}

bool trans_HLT(struct xlat *x, const arg_HLT *a) { (void)x, (void)a; return false; }


/* Handlers the host code generator reproduces inline (see jit.h). */
const struct jit_known branch_jit_known[] = {
    { op_b, JK_B }, { op_goto, JK_B }, { op_bl, JK_BL }, { op_bcond, JK_BCOND },
    { op_cbz64, JK_CBZ64 }, { op_cbnz64, JK_CBNZ64 }, { op_cbz32, JK_CBZ32 }, { op_cbnz32, JK_CBNZ32 },
    { op_tbz, JK_TBZ }, { op_tbnz, JK_TBNZ },
    { NULL, JK_NONE },
};
