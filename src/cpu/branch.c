/* Branches, exception generation, hints, barriers and system instructions. */
#include "uop.h"
#include "sysreg.h"

/* ---- direct branches ----------------------------------------------------- */

static const struct uop *op_b(struct cpu *c, const struct uop *u)
{
    return chain_to(c, u->imm, 0);
}

static const struct uop *op_bl(struct cpu *c, const struct uop *u)
{
    c->x[30] = uop_pc(c, u) + 4;
    return chain_to(c, u->imm, 0);
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
        return chain_to(c, u->imm, 0);
    return chain_to(c, uop_pc(c, u) + 4, 1);
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

/* EL1/EL2 calls are UNDEFINED at EL0; system emulation adds them. */
bool trans_HVC(struct xlat *x, const arg_HVC *a) { (void)x, (void)a; return false; }
bool trans_SMC(struct xlat *x, const arg_SMC *a) { (void)x, (void)a; return false; }
/* Halting debug is not enabled: HLT is UNDEFINED. */
bool trans_HLT(struct xlat *x, const arg_HLT *a) { (void)x, (void)a; return false; }

/* ---- hints and barriers -------------------------------------------------- */

static const struct uop *op_next(struct cpu *c, const struct uop *u)
{
    (void)c;
    return u + 1;
}

bool trans_HINT(struct xlat *x, const arg_HINT *a)
{
    /* NOP, YIELD, WFE, WFI (EL0: not trapped by Linux), SEV(L), DGH, ESB, CSDB,
     * BTI, and the pointer-authentication hints of a CPU without PAuth: all
     * execute as NOPs in user mode.  Emit nothing. */
    (void)x, (void)a;
    return true;
}

static const struct uop *op_clrex(struct cpu *c, const struct uop *u)
{
    c->excl_addr = ~0ull;
    return u + 1;
}

static const struct uop *op_fence(struct cpu *c, const struct uop *u)
{
    (void)c;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return u + 1;
}

bool trans_CLREX(struct xlat *x, const arg_CLREX *a)
{
    (void)a;
    emit(x, op_clrex);
    return true;
}

bool trans_DSB(struct xlat *x, const arg_DSB *a)
{
    (void)a;
    emit(x, op_fence);
    return true;
}

bool trans_DMB(struct xlat *x, const arg_DMB *a)
{
    /* Loads/stores already complete in program order on a TSO host except
     * store->load; a full fence covers every DMB option. */
    (void)a;
    emit(x, op_fence);
    return true;
}

bool trans_ISB(struct xlat *x, const arg_ISB *a)
{
    /* Context synchronization: end the block so pending invalidations apply. */
    (void)a;
    struct uop *u = emit(x, op_goto);
    u->imm = x->pc + 4;
    x->end = true;
    return true;
}

bool trans_SB(struct xlat *x, const arg_SB *a)
{
    (void)x, (void)a;
    return true;
}

/* ---- PSTATE -------------------------------------------------------------- */

static const struct uop *op_cfinv(struct cpu *c, const struct uop *u)
{
    c->nzcv ^= NZCV_C;
    return u + 1;
}

static const struct uop *op_xaflag(struct cpu *c, const struct uop *u)
{
    uint32_t f = c->nzcv, C = !!(f & NZCV_C), Z = !!(f & NZCV_Z);
    uint32_t n = !C && !Z, z = Z && C, cc = C || Z, v = !C && Z;
    c->nzcv = n << 31 | z << 30 | cc << 29 | v << 28;
    return u + 1;
}

static const struct uop *op_axflag(struct cpu *c, const struct uop *u)
{
    uint32_t f = c->nzcv, C = !!(f & NZCV_C), Z = !!(f & NZCV_Z), V = !!(f & NZCV_V);
    c->nzcv = (Z | V) << 30 | (C & !V) << 29;
    return u + 1;
}

bool trans_CFINV(struct xlat *x, const arg_CFINV *a) { (void)a; emit(x, op_cfinv); return true; }
bool trans_XAFLAG(struct xlat *x, const arg_XAFLAG *a) { (void)a; emit(x, op_xaflag); return true; }
bool trans_AXFLAG(struct xlat *x, const arg_AXFLAG *a) { (void)a; emit(x, op_axflag); return true; }

bool trans_MSR_imm(struct xlat *x, const arg_MSR_imm *a)
{
    /* EL0 may only write SSBS/DIT/TCO, none of which the models implement yet. */
    (void)x, (void)a;
    return false;
}

/* ---- SYS, MRS, MSR ------------------------------------------------------- */

static const struct uop *op_dc_zva(struct cpu *c, const struct uop *u)
{
    unsigned bs = 4u << (c->model->dczid & 0xf);
    uint64_t va = c->x[u->a] & ~(uint64_t)(bs - 1);
    uint8_t *p = mem_ptr(c, u, va, bs, ACC_WRITE);
    memset(p, 0, bs);
    return u + 1;
}

/* Cache maintenance by VA at EL0: no data effect, but the address must be
 * readable (Linux delivers SIGSEGV for an unmapped one). */
static const struct uop *op_dc_maint(struct cpu *c, const struct uop *u)
{
    (void)ld8(c, u, c->x[u->a]);
    return u + 1;
}

static const struct uop *op_ic_ivau(struct cpu *c, const struct uop *u)
{
    uint64_t va = c->x[u->a];
    (void)ld8(c, u, va);
    cpu_code_invalidate_range(c, va & ~63ull, 64);
    return u + 1;
}

bool trans_SYS(struct xlat *x, const arg_SYS *a)
{
    uint32_t key = SYSREG_KEY(1, a->op1, a->crn, a->crm, a->op2);
    uop_fn fn = NULL;
    switch (key) {
    case SYSREG_KEY(1, 3, 7, 4, 1): fn = op_dc_zva; break;      /* DC ZVA */
    case SYSREG_KEY(1, 3, 7, 11, 1):                            /* DC CVAU */
    case SYSREG_KEY(1, 3, 7, 10, 1):                            /* DC CVAC */
    case SYSREG_KEY(1, 3, 7, 14, 1):                            /* DC CIVAC */
    case SYSREG_KEY(1, 3, 7, 12, 1):                            /* DC CVAP */
    case SYSREG_KEY(1, 3, 7, 13, 1): fn = op_dc_maint; break;   /* DC CVADP */
    case SYSREG_KEY(1, 3, 7, 5, 1): fn = op_ic_ivau; break;     /* IC IVAU */
    default: return false;
    }
    emit(x, fn)->a = rx(a->rt);
    if (fn == op_ic_ivau) {
        struct uop *g = emit(x, op_goto);
        g->imm = x->pc + 4;
        x->end = true;
    }
    return true;
}

bool trans_SYSL(struct xlat *x, const arg_SYSL *a)
{
    (void)x, (void)a;
    return false;
}

bool trans_MRS(struct xlat *x, const arg_MRS *a)
{
    return sysreg_trans_read(x, SYSREG_KEY(2 + a->o0, a->op1, a->crn, a->crm, a->op2), wx(a->rt));
}

bool trans_MSR_reg(struct xlat *x, const arg_MSR_reg *a)
{
    return sysreg_trans_write(x, SYSREG_KEY(2 + a->o0, a->op1, a->crn, a->crm, a->op2), rx(a->rt));
}

/* Keep op_next referenced for classes that need an explicit no-op uop. */
const uop_fn uop_nop = op_next;
