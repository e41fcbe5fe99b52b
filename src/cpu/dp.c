/* Integer data processing. */
#include "uop.h"

/* ---- add/subtract immediate ---------------------------------------------- */

static const struct uop *op_add64_imm(struct cpu *c, const struct uop *u)
{
    c->x[u->a] = c->x[u->b] + u->imm;
    return u + 1;
}

static const struct uop *op_add32_imm(struct cpu *c, const struct uop *u)
{
    c->x[u->a] = (uint32_t)(c->x[u->b] + u->imm);
    return u + 1;
}

static const struct uop *op_adds64_imm(struct cpu *c, const struct uop *u)
{
    uint64_t r;
    c->nzcv = nzcv_add64(c->x[u->b], u->imm, u->e, &r);
    c->x[u->a] = r;
    return u + 1;
}

static const struct uop *op_adds32_imm(struct cpu *c, const struct uop *u)
{
    uint32_t r;
    c->nzcv = nzcv_add32((uint32_t)c->x[u->b], (uint32_t)u->imm, u->e, &r);
    c->x[u->a] = r;
    return u + 1;
}

/* SUB is ADD of the complement with carry-in 1, which also gives the Arm
 * carry (NOT borrow) for SUBS. */
static bool add_sub_imm(struct xlat *x, unsigned sf, unsigned s, unsigned sh, uint64_t imm, unsigned rn, unsigned rd, bool sub)
{
    imm <<= sh * 12;
    struct uop *u;
    if (!s) {
        u = emit(x, sf ? op_add64_imm : op_add32_imm);
        u->a = wsp(rd);
        u->imm = sub ? (uint64_t)-imm : imm;
    } else {
        u = emit(x, sf ? op_adds64_imm : op_adds32_imm);
        u->a = wx(rd);
        u->imm = sub ? ~imm : imm;
        u->e = sub;
    }
    u->b = rsp(rn);
    return true;
}

bool trans_ADD_imm(struct xlat *x, const arg_ADD_imm *a)
{
    return add_sub_imm(x, a->sf, a->s, a->sh, a->imm, a->rn, a->rd, false);
}

bool trans_SUB_imm(struct xlat *x, const arg_SUB_imm *a)
{
    return add_sub_imm(x, a->sf, a->s, a->sh, a->imm, a->rn, a->rd, true);
}

/* ---- move wide ----------------------------------------------------------- */

static const struct uop *op_movi(struct cpu *c, const struct uop *u)
{
    c->x[u->a] = u->imm;
    return u + 1;
}

static const struct uop *op_movk(struct cpu *c, const struct uop *u)
{
    /* imm: the new bits; mask in e..: the kept bits are ~(0xffff << shift). */
    uint64_t keep = ~(0xffffull << u->e);
    uint64_t v = (c->x[u->a] & keep) | u->imm;
    c->x[u->a] = u->f ? v : (uint32_t)v;
    return u + 1;
}

bool trans_MOVN(struct xlat *x, const arg_MOVN *a)
{
    if (!a->sf && a->hw >= 2)
        return false;
    uint64_t v = ~((uint64_t)a->imm << (a->hw * 16));
    struct uop *u = emit(x, op_movi);
    u->a = wx(a->rd);
    u->imm = a->sf ? v : (uint32_t)v;
    return true;
}

bool trans_MOVZ(struct xlat *x, const arg_MOVZ *a)
{
    if (!a->sf && a->hw >= 2)
        return false;
    struct uop *u = emit(x, op_movi);
    u->a = wx(a->rd);
    u->imm = (uint64_t)a->imm << (a->hw * 16);
    return true;
}

bool trans_MOVK(struct xlat *x, const arg_MOVK *a)
{
    if (!a->sf && a->hw >= 2)
        return false;
    struct uop *u = emit(x, op_movk);
    u->a = wx(a->rd);
    u->imm = (uint64_t)a->imm << (a->hw * 16);
    u->e = (uint8_t)(a->hw * 16);
    u->f = (uint8_t)a->sf;
    return true;
}
