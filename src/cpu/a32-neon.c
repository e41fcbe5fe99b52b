/* AArch32 Advanced SIMD (NEON): element/structure loads and stores and the
 * data-processing space, A32 and T32 (t32.c converts to the A32 form).  See
 * docs/aarch32.md, "Advanced SIMD".
 *
 * D<n> is c->v[n / 2].d[n % 2] and Q<n> is c->v[n].  Q forms run the AArch64
 * integer handlers (simd*.c, _q) on the V registers directly.  D forms of the
 * element-wise, pairwise and by-scalar families are instances generated here
 * from the same element expressions (simd-internal.h) that read and write D
 * registers in place, so the other half of V is untouched.  Long, wide and
 * narrowing forms pick the AArch64 "2" variants (upper half) for odd D
 * registers; where that does not fit (a long form with one odd and one even
 * source, a narrowing result into an even Dd), staging: an odd D source is
 * copied into the low half of a scratch slot (VREG_T1/T2, op_n_dget), a
 * result goes to VREG_T0 and then to Dd (op_n_dput).  Floating point is an
 * element loop over the fpu.c functions, run under the standard FPSCR value
 * (FZ, DN, round to nearest).
 */
#include "uop.h"
#include "a32-internal.h"
#include "fpu.h"
#include "simd-internal.h"
#include "neon-decode.h"

typedef struct cpu cpu_t;
typedef const struct uop uop_t;

static inline uint64_t *dreg(cpu_t *c, unsigned n) { return &c->v[n >> 1].d[n & 1]; }

/* ---- staging ------------------------------------------------------------------------------------ */

/* a = V slot, b = D register: the slot's low half = D<b>. */
static const struct uop *op_n_dget(cpu_t *c, uop_t *u)
{
    c->v[u->a].d[0] = *dreg(c, u->b);
    return u + 1;
}

/* a = D register, b = V slot: D<a> = the slot's low half. */
static const struct uop *op_n_dput(cpu_t *c, uop_t *u)
{
    *dreg(c, u->a) = c->v[u->b].d[0];
    return u + 1;
}

static void dget(struct xlat *x, uint8_t slot, unsigned d)
{
    struct uop *u = emit(x, op_n_dget);
    u->a = slot;
    u->b = (uint8_t)d;
}

static void dput(struct xlat *x, unsigned d, uint8_t slot)
{
    struct uop *u = emit(x, op_n_dput);
    u->a = (uint8_t)d;
    u->b = slot;
}

/* The V slot whose low half is D<d>, for a source of a _d handler. */
static uint8_t dsrc(struct xlat *x, unsigned d, uint8_t tmp)
{
    if (!(d & 1))
        return (uint8_t)(d >> 1);
    dget(x, tmp, d);
    return tmp;
}

/* D-register instances of the AArch64 element-wise families (the same
 * element expressions of simd-internal.h): a = Dd, b = Dn, c = Dm as D
 * register numbers, the result written to Dd alone, so the common D forms
 * are one uop with no staging. */
#define N_EWD_FN(FN, EXPR, ...)                                                                    \
    static const struct uop *FN(cpu_t *c, uop_t *u)                                                \
    {                                                                                              \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                                 \
        ut pn[64 / E_], pm[64 / E_], pd[64 / E_], pr[64 / E_];                                     \
        memcpy(pn, dreg(c, u->b), 8);                                                              \
        memcpy(pm, dreg(c, u->c), 8);                                                              \
        memcpy(pd, dreg(c, u->a), 8);                                                              \
        const int sh = (int)u->imm;                                                                \
        uint32_t qc = 0;                                                                           \
        for (unsigned i = 0; i < 64 / E_; i++) {                                                   \
            const ut a = pn[i], b = pm[i], d = pd[i];                                              \
            (void)a, (void)b, (void)d, (void)sh;                                                   \
            pr[i] = (ut)(EXPR);                                                                    \
        }                                                                                          \
        memcpy(dreg(c, u->a), pr, 8);                                                              \
        if (qc)                                                                                    \
            c->fpsr |= FPSR_QC;                                                                    \
        return u + 1;                                                                              \
    }

#define N_EWD(NAME, EXPR)                                                                          \
    SIMD_EXPAND(N_EWD_FN, n_##NAME##_8, EXPR, SIMD_T8)                                             \
    SIMD_EXPAND(N_EWD_FN, n_##NAME##_16, EXPR, SIMD_T16)                                           \
    SIMD_EXPAND(N_EWD_FN, n_##NAME##_32, EXPR, SIMD_T32)                                           \
    SIMD_EXPAND(N_EWD_FN, n_##NAME##_64, EXPR, SIMD_T64)
SIMD_EW_LIST_A(N_EWD)
SIMD_EW_LIST_B(N_EWD)

/* Pairwise (VPADD, VPMAX, VPMIN): pairs of Dn then Dm. */
#define N_PAIRD_FN(FN, EXPR, ...)                                                                  \
    static const struct uop *FN(cpu_t *c, uop_t *u)                                                \
    {                                                                                              \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                                 \
        ut cat[128 / E_], pr[64 / E_];                                                             \
        memcpy(cat, dreg(c, u->b), 8);                                                             \
        memcpy(cat + 64 / E_, dreg(c, u->c), 8);                                                   \
        for (unsigned i = 0; i < 64 / E_; i++) {                                                   \
            const ut a = cat[2 * i], b = cat[2 * i + 1];                                           \
            pr[i] = (ut)(EXPR);                                                                    \
        }                                                                                          \
        memcpy(dreg(c, u->a), pr, 8);                                                              \
        return u + 1;                                                                              \
    }
#define N_PAIRD(NAME, EXPR)                                                                        \
    SIMD_EXPAND(N_PAIRD_FN, n_##NAME##_8, EXPR, SIMD_T8)                                           \
    SIMD_EXPAND(N_PAIRD_FN, n_##NAME##_16, EXPR, SIMD_T16)                                         \
    SIMD_EXPAND(N_PAIRD_FN, n_##NAME##_32, EXPR, SIMD_T32)                                         \
    SIMD_EXPAND(N_PAIRD_FN, n_##NAME##_64, EXPR, SIMD_T64)
SIMD_PAIR_LIST(N_PAIRD)

/* Pairwise long (VPADDL, VPADAL): wide sums of adjacent elements of Dm. */
#define N_PAIRLD_FN(FN, EXPR, ...)                                                                 \
    static const struct uop *FN(cpu_t *c, uop_t *u)                                                \
    {                                                                                              \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                                 \
        ut pn[64 / E_];                                                                            \
        uw pd[32 / E_], pr[32 / E_];                                                               \
        memcpy(pn, dreg(c, u->b), 8);                                                              \
        memcpy(pd, dreg(c, u->a), 8);                                                              \
        for (unsigned i = 0; i < 32 / E_; i++) {                                                   \
            const ut a = pn[2 * i], b = pn[2 * i + 1];                                             \
            const uw d = pd[i];                                                                    \
            (void)d;                                                                               \
            pr[i] = (uw)(EXPR);                                                                    \
        }                                                                                          \
        memcpy(dreg(c, u->a), pr, 8);                                                              \
        return u + 1;                                                                              \
    }
#define N_PAIRLD(NAME, EXPR)                                                                       \
    SIMD_EXPAND(N_PAIRLD_FN, n_##NAME##_8, EXPR, SIMD_T8)                                          \
    SIMD_EXPAND(N_PAIRLD_FN, n_##NAME##_16, EXPR, SIMD_T16)                                        \
    SIMD_EXPAND(N_PAIRLD_FN, n_##NAME##_32, EXPR, SIMD_T32)
SIMD_PAIRL_LIST(N_PAIRLD)

/* By scalar (VMUL, VMLA, VMLS, VQDMULH, VQRDMULH): b = Dn, c = the scalar's
 * V register, e = its element there. */
#define N_EWXD_FN(FN, EXPR, ...)                                                                   \
    static const struct uop *FN(cpu_t *c, uop_t *u)                                                \
    {                                                                                              \
        SIMD_TYPEDEFS(__VA_ARGS__)                                                                 \
        ut pn[64 / E_], pd[64 / E_], pr[64 / E_];                                                  \
        memcpy(pn, dreg(c, u->b), 8);                                                              \
        memcpy(pd, dreg(c, u->a), 8);                                                              \
        const ut b = ((const ut *)&c->v[u->c])[u->e];                                              \
        uint32_t qc = 0;                                                                           \
        for (unsigned i = 0; i < 64 / E_; i++) {                                                   \
            const ut a = pn[i], d = pd[i];                                                         \
            (void)d;                                                                               \
            pr[i] = (ut)(EXPR);                                                                    \
        }                                                                                          \
        memcpy(dreg(c, u->a), pr, 8);                                                              \
        if (qc)                                                                                    \
            c->fpsr |= FPSR_QC;                                                                    \
        return u + 1;                                                                              \
    }
#define N_EWXD(NAME, EXPR)                                                                         \
    SIMD_EXPAND(N_EWXD_FN, n_##NAME##_16, EXPR, SIMD_T16)                                          \
    SIMD_EXPAND(N_EWXD_FN, n_##NAME##_32, EXPR, SIMD_T32)
SIMD_EWX_LIST(N_EWXD)

/* The D instance of an AArch64 family table (NULL: none, stage instead). */
static const struct {
    const uop_fn (*t)[3];
    uop_fn d[4];
} n_ewd_tab[] = {
#define N_EWD_ENT(NAME, EXPR) { simd_##NAME, { n_##NAME##_8, n_##NAME##_16, n_##NAME##_32, n_##NAME##_64 } },
#define N_EWXD_ENT(NAME, EXPR) { simd_##NAME, { NULL, n_##NAME##_16, n_##NAME##_32, NULL } },
    SIMD_EW_LIST_A(N_EWD_ENT) SIMD_EW_LIST_B(N_EWD_ENT) SIMD_PAIR_LIST(N_EWD_ENT) SIMD_EWX_LIST(N_EWXD_ENT)
#undef N_EWD_ENT
#undef N_EWXD_ENT
};

static const struct {
    const uop_fn (*t)[2];
    uop_fn d[3];
} n_pairld_tab[] = {
#define N_PAIRLD_ENT(NAME, EXPR) { simd_##NAME, { n_##NAME##_8, n_##NAME##_16, n_##NAME##_32 } },
    SIMD_PAIRL_LIST(N_PAIRLD_ENT)
#undef N_PAIRLD_ENT
};

static uop_fn n_ewd(uop_fn fd)
{
    for (unsigned i = 0; i < sizeof(n_ewd_tab) / sizeof(n_ewd_tab[0]); i++)
        for (unsigned s = 0; s < 4; s++)
            if (n_ewd_tab[i].t[s][0] == fd)
                return n_ewd_tab[i].d[s];
    for (unsigned i = 0; i < sizeof(n_pairld_tab) / sizeof(n_pairld_tab[0]); i++)
        for (unsigned s = 0; s < 3; s++)
            if (n_pairld_tab[i].t[s][0] == fd)
                return n_pairld_tab[i].d[s];
    return NULL;
}

/* Vd = fn(Vn, Vm) on D (fd, the AArch64 _d handler) or Q (fq) registers;
 * acc: the handler reads Vd.  A D form runs fd's D instance; a family
 * without one (none at present) would be staged.  False when a Q form names
 * an odd D register (UNDEFINED). */
static bool emit_dq(struct xlat *x, uop_fn fd, uop_fn fq, bool q, bool acc, unsigned vd, unsigned vn, unsigned vm,
                    uint64_t imm, uint8_t e)
{
    struct uop *u;
    if (q) {
        if ((vd | vn | vm) & 1)
            return false;
        u = emit(x, fq);
        u->a = (uint8_t)(vd >> 1);
        u->b = (uint8_t)(vn >> 1);
        u->c = (uint8_t)(vm >> 1);
        u->imm = imm;
        u->e = e;
        return true;
    }
    uop_fn dd = n_ewd(fd);
    if (dd) {
        u = emit(x, dd);
        u->a = (uint8_t)vd;
        u->b = (uint8_t)vn;
        u->c = (uint8_t)vm;
        u->imm = imm;
        return true;
    }
    uint8_t b = dsrc(x, vn, VREG_T1), m = vm == vn ? b : dsrc(x, vm, VREG_T2);
    if (acc)
        dget(x, VREG_T0, vd);
    u = emit(x, fd);
    u->a = VREG_T0;
    u->b = b;
    u->c = m;
    u->imm = imm;
    u->e = e;
    dput(x, vd, VREG_T0);
    return true;
}

static inline unsigned dnum(unsigned hi, unsigned v4) { return hi << 4 | v4; }


/* ---- loads and stores --------------------------------------------------------------------------- */

/* Parameters of a structure load/store, in uop.imm. */
struct nls {
    uint8_t regs;   /* multiple: outer register count */
    uint8_t n;      /* structure elements (VLDn) */
    uint8_t inc;    /* register spacing */
    uint8_t esz;    /* log2 element bytes */
    uint8_t index;  /* single lane: the lane */
    uint8_t align;  /* required alignment in bytes (1: none) */
    uint8_t count;  /* all lanes: registers per element (VLD1 T) */
    uint8_t d;      /* first D register */
};

static inline struct nls nls_of(uop_t *u)
{
    struct nls p;
    memcpy(&p, &u->imm, sizeof(p));
    return p;
}

/* The address (a = Rn slot), alignment checked; writeback after the access
 * by n_wb (f: 0 none, 1 the transfer size, 2 Rm in slot b). */
static inline uint32_t n_addr(cpu_t *c, uop_t *u, const struct nls *p, bool write)
{
    uint32_t va = (uint32_t)c->x[u->a];
    if (unlikely(va & (p->align - 1)))
        a32_align_fault(c, u, va, write);
    return va;
}

static inline void n_wb(cpu_t *c, uop_t *u, uint32_t va, uint32_t bytes)
{
    if (u->f == 1)
        c->x[u->a] = (uint32_t)(va + bytes);
    else if (u->f == 2)
        c->x[u->a] = (uint32_t)(va + (uint32_t)c->x[u->b]);
}

static inline uint64_t n_ld(cpu_t *c, uop_t *u, uint32_t va, unsigned esz)
{
    switch (esz) {
    case 0: return ld8(c, u, va);
    case 1: return ld16(c, u, va);
    case 2: return ld32(c, u, va);
    default: return ld64(c, u, va);
    }
}

static inline void n_st(cpu_t *c, uop_t *u, uint32_t va, unsigned esz, uint64_t v)
{
    switch (esz) {
    case 0: st8(c, u, va, v); break;
    case 1: st16(c, u, va, v); break;
    case 2: st32(c, u, va, v); break;
    default: st64(c, u, va, v); break;
    }
}

static inline uint64_t elem_get(uint64_t v, unsigned esz, unsigned i)
{
    unsigned bits = 8u << esz;
    return bits == 64 ? v : v >> (i * bits) & ((1ull << bits) - 1);
}

static inline uint64_t elem_set(uint64_t v, unsigned esz, unsigned i, uint64_t e)
{
    unsigned bits = 8u << esz;
    if (bits == 64)
        return e;
    uint64_t m = ((1ull << bits) - 1) << (i * bits);
    return (v & ~m) | (e << (i * bits) & m);
}

/* VLDn/VSTn (multiple structures): register d + r + inc * s holds element s
 * of the structures of row r.  The transfer (at most 32 bytes) goes through
 * a buffer in memory order: one copy when it stays within a page, else one
 * access per element.  Loads gather first, so a fault leaves the registers
 * as they were. */
static const struct uop *op_n_ldm(cpu_t *c, uop_t *u)
{
    struct nls p = nls_of(u);
    uint32_t va = n_addr(c, u, &p, false);
    unsigned per = 8u >> p.esz, eb = 1u << p.esz, total = 8u * p.regs * p.n;
    uint8_t buf[32];
    const void *h = mem_fast(c, va, total, ACC_READ);
    if (likely(h != NULL)) {
        memcpy(buf, h, total);
    } else {
        for (unsigned o = 0; o < total; o += eb) {
            uint64_t v = n_ld(c, u, va + o, p.esz);
            memcpy(buf + o, &v, eb);
        }
    }
    if (p.n == 1) {
        for (unsigned r = 0; r < p.regs; r++)
            memcpy(dreg(c, p.d + r), buf + 8 * r, 8);
    } else {
        uint64_t t[8] = { 0 };
        const uint8_t *b = buf;
        for (unsigned r = 0; r < p.regs; r++)
            for (unsigned e = 0; e < per; e++)
                for (unsigned s = 0; s < p.n; s++, b += eb) {
                    uint64_t v = 0;
                    memcpy(&v, b, eb);
                    t[r + p.inc * s] = elem_set(t[r + p.inc * s], p.esz, e, v);
                }
        for (unsigned r = 0; r < p.regs; r++)
            for (unsigned s = 0; s < p.n; s++)
                *dreg(c, p.d + r + p.inc * s) = t[r + p.inc * s];
    }
    n_wb(c, u, va, total);
    return u + 1;
}

static const struct uop *op_n_stm(cpu_t *c, uop_t *u)
{
    struct nls p = nls_of(u);
    uint32_t va = n_addr(c, u, &p, true);
    unsigned per = 8u >> p.esz, eb = 1u << p.esz, total = 8u * p.regs * p.n;
    uint8_t buf[32];
    if (p.n == 1) {
        for (unsigned r = 0; r < p.regs; r++)
            memcpy(buf + 8 * r, dreg(c, p.d + r), 8);
    } else {
        uint8_t *b = buf;
        for (unsigned r = 0; r < p.regs; r++)
            for (unsigned e = 0; e < per; e++)
                for (unsigned s = 0; s < p.n; s++, b += eb) {
                    uint64_t v = elem_get(*dreg(c, p.d + r + p.inc * s), p.esz, e);
                    memcpy(b, &v, eb);
                }
    }
    void *h = mem_fast(c, va, total, ACC_WRITE);
    if (likely(h != NULL)) {
        memcpy(h, buf, total);
    } else {
        for (unsigned o = 0; o < total; o += eb) {
            uint64_t v = 0;
            memcpy(&v, buf + o, eb);
            n_st(c, u, va + o, p.esz, v);
        }
    }
    n_wb(c, u, va, total);
    return u + 1;
}

/* VLDn/VSTn (single structure to one lane): element s in lane index of
 * register d + inc * s. */
static const struct uop *op_n_ld1l(cpu_t *c, uop_t *u)
{
    struct nls p = nls_of(u);
    uint32_t va = n_addr(c, u, &p, false);
    uint64_t t[4];
    for (unsigned s = 0; s < p.n; s++)
        t[s] = n_ld(c, u, va + (s << p.esz), p.esz);
    for (unsigned s = 0; s < p.n; s++) {
        uint64_t *r = dreg(c, p.d + p.inc * s);
        *r = elem_set(*r, p.esz, p.index, t[s]);
    }
    n_wb(c, u, va, p.n << p.esz);
    return u + 1;
}

static const struct uop *op_n_st1l(cpu_t *c, uop_t *u)
{
    struct nls p = nls_of(u);
    uint32_t va = n_addr(c, u, &p, true);
    for (unsigned s = 0; s < p.n; s++)
        n_st(c, u, va + (s << p.esz), p.esz, elem_get(*dreg(c, p.d + p.inc * s), p.esz, p.index));
    n_wb(c, u, va, p.n << p.esz);
    return u + 1;
}

/* VLDn (single structure to all lanes): element s replicated into registers
 * d + inc * s + k, k < count. */
static const struct uop *op_n_ldall(cpu_t *c, uop_t *u)
{
    struct nls p = nls_of(u);
    uint32_t va = n_addr(c, u, &p, false);
    uint64_t t[4];
    static const uint64_t rep[4] = { 0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull, 1 };
    for (unsigned s = 0; s < p.n; s++)
        t[s] = n_ld(c, u, va + (s << p.esz), p.esz) * rep[p.esz];
    for (unsigned s = 0; s < p.n; s++)
        for (unsigned k = 0; k < p.count; k++)
            *dreg(c, p.d + p.inc * s + k) = t[s];
    n_wb(c, u, va, p.n << p.esz);
    return u + 1;
}

static bool emit_ls(struct xlat *x, uop_fn fn, struct nls *p, unsigned rn, unsigned rm, unsigned last)
{
    if (rn == 15 || last > 31)
        return false;   /* UNPREDICTABLE */
    struct uop *u = emit(x, fn);
    u->a = a32_wreg(x, rn);
    if (rm == 13) {
        u->f = 1;
    } else if (rm != 15) {
        u->f = 2;
        u->b = a32_wreg(x, rm);
    }
    memcpy(&u->imm, p, sizeof(*p));
    return true;
}

bool trans_n_VLDSTn_m(struct xlat *x, const arg_n_VLDSTn_m *a)
{
    /* type: regs (outer rows), n (interleave), inc (spacing) */
    static const uint8_t tab[11][3] = {
        { 1, 4, 1 }, { 1, 4, 2 }, { 4, 1, 1 }, { 2, 2, 2 }, { 1, 3, 1 }, { 1, 3, 2 },
        { 3, 1, 1 }, { 1, 1, 1 }, { 1, 2, 1 }, { 1, 2, 2 }, { 2, 1, 1 },
    };
    if (a->type > 10)
        return false;
    struct nls p = { .regs = tab[a->type][0], .n = tab[a->type][1], .inc = tab[a->type][2],
                     .esz = (uint8_t)a->size, .d = (uint8_t)dnum(a->d, a->vd) };
    unsigned align = a->align;
    switch (p.n) {
    case 1:
        if ((p.regs == 1 || p.regs == 3) && (align & 2))
            return false;
        if (p.regs == 2 && align == 3)
            return false;
        break;
    case 2:
        if (a->size == 3 || (p.regs == 1 && align == 3))
            return false;
        break;
    case 3:
        if (a->size == 3 || (align & 2))
            return false;
        break;
    default:
        if (a->size == 3)
            return false;
        break;
    }
    p.align = (uint8_t)(align ? 4u << align : 1);
    unsigned last = p.d + (p.regs - 1) + p.inc * (p.n - 1);
    return emit_ls(x, a->l ? op_n_ldm : op_n_stm, &p, a->rn, a->rm, last);
}

bool trans_n_VLDSTn_1(struct xlat *x, const arg_n_VLDSTn_1 *a)
{
    if (a->size == 3)
        return false;
    unsigned n = a->nn + 1, ia = a->ia, sz = a->size;
    struct nls p = { .n = (uint8_t)n, .esz = (uint8_t)sz, .d = (uint8_t)dnum(a->d, a->vd), .inc = 1, .align = 1 };
    p.index = (uint8_t)(ia >> (sz + 1));
    unsigned ebytes = 1u << sz;
    if (sz > 0 && (ia >> sz & 1) && n > 1)   /* bit 1 (16-bit) / bit 2 (32-bit): register spacing 2 */
        p.inc = 2;
    switch (n) {
    case 1:
        if ((sz == 0 && (ia & 1)) || (sz == 1 && (ia & 2)) || (sz == 2 && ((ia & 4) || (ia & 3) == 1 || (ia & 3) == 2)))
            return false;
        p.align = (uint8_t)((ia & 1) ? ebytes : 1);
        break;
    case 2:
        if (sz == 2 && (ia & 2))
            return false;
        p.align = (uint8_t)((ia & 1) ? 2 * ebytes : 1);
        break;
    case 3:
        if ((sz < 2 && (ia & 1)) || (sz == 2 && (ia & 3)))
            return false;
        break;
    default:
        if (sz == 2 && (ia & 3) == 3)
            return false;
        if (sz == 2)
            p.align = (uint8_t)((ia & 3) ? 4u << (ia & 3) : 1);
        else
            p.align = (uint8_t)((ia & 1) ? 4 * ebytes : 1);
        break;
    }
    return emit_ls(x, a->l ? op_n_ld1l : op_n_st1l, &p, a->rn, a->rm, p.d + p.inc * (n - 1));
}

bool trans_n_VLDn_all(struct xlat *x, const arg_n_VLDn_all *a)
{
    unsigned n = a->nn + 1, sz = a->size;
    struct nls p = { .n = (uint8_t)n, .esz = (uint8_t)sz, .d = (uint8_t)dnum(a->d, a->vd), .inc = 1,
                     .align = 1, .count = 1 };
    switch (n) {
    case 1:
        if (sz == 3 || (sz == 0 && a->a))
            return false;
        p.count = (uint8_t)(a->t + 1);
        p.align = (uint8_t)(a->a ? 1u << sz : 1);
        break;
    case 2:
        if (sz == 3)
            return false;
        p.inc = (uint8_t)(a->t + 1);
        p.align = (uint8_t)(a->a ? 2u << sz : 1);
        break;
    case 3:
        if (sz == 3 || a->a)
            return false;
        p.inc = (uint8_t)(a->t + 1);
        break;
    default:
        if (sz == 3 && !a->a)
            return false;
        p.inc = (uint8_t)(a->t + 1);
        if (sz == 3) {
            p.esz = 2;
            p.align = 16;
        } else {
            p.align = (uint8_t)(a->a ? (sz == 2 ? 8 : 4u << sz) : 1);
        }
        break;
    }
    return emit_ls(x, op_n_ldall, &p, a->rn, a->rm, p.d + p.inc * (n - 1) + p.count - 1);
}

/* ---- floating point ----------------------------------------------------------------------------- */

/* StandardFPSCRValue(): FZ and DN set, round to nearest, AHP and FZ16 from
 * the FPSCR.  Advanced SIMD floating point runs under it; the cumulative
 * flags still go to the FPSCR (c->fpsr). */
static inline uint32_t n_std_fpcr(const cpu_t *c) { return (c->fpcr & (FPCR_AHP | FPCR_FZ16)) | FPCR_DN | FPCR_FZ; }

typedef uint32_t (*nf3_fn)(cpu_t *c, uint32_t d, uint32_t a, uint32_t b);
typedef uint32_t (*nf1_fn)(cpu_t *c, uint32_t a, uop_t *u);

#define F3(name, expr) \
    static uint32_t nf_##name(cpu_t *c, uint32_t d, uint32_t a, uint32_t b) { (void)d; return (expr); }
F3(add, fp32_add(c, a, b))
F3(sub, fp32_sub(c, a, b))
F3(mul, fp32_mul(c, a, b))
F3(abd, fp32_abd(c, a, b))
F3(mla, fp32_add(c, d, fp32_mul(c, a, b)))
F3(mls, fp32_sub(c, d, fp32_mul(c, a, b)))
F3(fma, fp32_muladd(c, d, a, b))
F3(fms, fp32_muladd(c, d, a ^ 0x80000000u, b))
F3(ceq, fp32_cmpeq(c, a, b) ? ~0u : 0)
F3(cge, fp32_cmpge(c, a, b) ? ~0u : 0)
F3(cgt, fp32_cmpgt(c, a, b) ? ~0u : 0)
F3(acge, fp32_cmpge(c, a & 0x7fffffffu, b & 0x7fffffffu) ? ~0u : 0)
F3(acgt, fp32_cmpgt(c, a & 0x7fffffffu, b & 0x7fffffffu) ? ~0u : 0)
F3(max, fp32_max(c, a, b))
F3(min, fp32_min(c, a, b))
F3(maxnm, fp32_maxnm(c, a, b))
F3(minnm, fp32_minnm(c, a, b))
#undef F3

/* Zero or denormal (flushed under FZ, the standard value). */
static inline bool f32_zero(uint32_t a) { return !(a & 0x7f800000u); }
static inline bool f32_inf(uint32_t a) { return (a & 0x7fffffffu) == 0x7f800000u; }

/* VRECPS/VRSQRTS: the product rounded, then the step (FPRecipStep,
 * FPRSqrtStep, not the fused AArch64 forms). */
static uint32_t nf_recps(cpu_t *c, uint32_t d, uint32_t a, uint32_t b)
{
    (void)d;
    uint32_t p;
    if ((a & 0x7fffffffu) > 0x7f800000u || (b & 0x7fffffffu) > 0x7f800000u)
        return fp32_add(c, a, b);   /* NaN propagation */
    if ((f32_inf(a) && f32_zero(b)) || (f32_zero(a) && f32_inf(b))) {
        if (fp32_is_denormal(a) || fp32_is_denormal(b))
            c->fpsr |= FPSR_IDC;
        return 0x40000000u;     /* 2.0 */
    }
    p = fp32_mul(c, a, b);
    return fp32_sub(c, 0x40000000u, p);
}

static uint32_t nf_rsqrts(cpu_t *c, uint32_t d, uint32_t a, uint32_t b)
{
    (void)d;
    if ((a & 0x7fffffffu) > 0x7f800000u || (b & 0x7fffffffu) > 0x7f800000u)
        return fp32_add(c, a, b);
    if ((f32_inf(a) && f32_zero(b)) || (f32_zero(a) && f32_inf(b))) {
        if (fp32_is_denormal(a) || fp32_is_denormal(b))
            c->fpsr |= FPSR_IDC;
        return 0x3fc00000u;     /* 1.5 */
    }
    uint32_t p = fp32_mul(c, a, b);
    return fp32_mul(c, fp32_sub(c, 0x40400000u, p), 0x3f000000u);
}

/* e elements of Vd = f(Vd, Vn, Vm); imm = the element function. */
static const struct uop *op_n_f3(cpu_t *c, uop_t *u)
{
    nf3_fn f = (nf3_fn)(uintptr_t)u->imm;
    uint32_t save = c->fpcr;
    c->fpcr = n_std_fpcr(c);
    vreg r = c->v[u->a];
    for (unsigned i = 0; i < u->e; i++)
        r.s[i] = f(c, r.s[i], c->v[u->b].s[i], c->v[u->c].s[i]);
    c->fpcr = save;
    c->v[u->a] = r;
    return u + 1;
}


/* e elements of Vd = f(Vm) (in slot b). */
static const struct uop *op_n_f1(cpu_t *c, uop_t *u)
{
    nf1_fn f = (nf1_fn)(uintptr_t)u->imm;
    uint32_t save = c->fpcr;
    c->fpcr = n_std_fpcr(c);
    vreg r = c->v[u->a];
    for (unsigned i = 0; i < u->e; i++)
        r.s[i] = f(c, c->v[u->b].s[i], u);
    c->fpcr = save;
    c->v[u->a] = r;
    return u + 1;
}

/* The D forms: a, b, c are D registers (c a V slot and d the element for
 * the by-scalar form). */
static const struct uop *op_n_f3d(cpu_t *c, uop_t *u)
{
    nf3_fn f = (nf3_fn)(uintptr_t)u->imm;
    uint32_t save = c->fpcr, n[2], m[2], d[2];
    memcpy(n, dreg(c, u->b), 8);
    memcpy(m, dreg(c, u->c), 8);
    memcpy(d, dreg(c, u->a), 8);
    c->fpcr = n_std_fpcr(c);
    d[0] = f(c, d[0], n[0], m[0]);
    d[1] = f(c, d[1], n[1], m[1]);
    c->fpcr = save;
    memcpy(dreg(c, u->a), d, 8);
    return u + 1;
}

static const struct uop *op_n_f3pd(cpu_t *c, uop_t *u)
{
    nf3_fn f = (nf3_fn)(uintptr_t)u->imm;
    uint32_t save = c->fpcr, n[2], m[2], d[2];
    memcpy(n, dreg(c, u->b), 8);
    memcpy(m, dreg(c, u->c), 8);
    c->fpcr = n_std_fpcr(c);
    d[0] = f(c, 0, n[0], n[1]);
    d[1] = f(c, 0, m[0], m[1]);
    c->fpcr = save;
    memcpy(dreg(c, u->a), d, 8);
    return u + 1;
}

static const struct uop *op_n_f3xd(cpu_t *c, uop_t *u)
{
    nf3_fn f = (nf3_fn)(uintptr_t)u->imm;
    uint32_t save = c->fpcr, n[2], d[2], m = c->v[u->c].s[u->d];
    memcpy(n, dreg(c, u->b), 8);
    memcpy(d, dreg(c, u->a), 8);
    c->fpcr = n_std_fpcr(c);
    d[0] = f(c, d[0], n[0], m);
    d[1] = f(c, d[1], n[1], m);
    c->fpcr = save;
    memcpy(dreg(c, u->a), d, 8);
    return u + 1;
}

static const struct uop *op_n_f1d(cpu_t *c, uop_t *u)
{
    nf1_fn f = (nf1_fn)(uintptr_t)u->imm;
    uint32_t save = c->fpcr, m[2];
    memcpy(m, dreg(c, u->b), 8);
    c->fpcr = n_std_fpcr(c);
    m[0] = f(c, m[0], u);
    m[1] = f(c, m[1], u);
    c->fpcr = save;
    memcpy(dreg(c, u->a), m, 8);
    return u + 1;
}

static bool emit_f3(struct xlat *x, nf3_fn f, bool q, bool acc, unsigned vd, unsigned vn, unsigned vm)
{
    if (!q) {
        struct uop *u = emit(x, op_n_f3d);
        u->a = (uint8_t)vd, u->b = (uint8_t)vn, u->c = (uint8_t)vm;
        u->imm = (uint64_t)(uintptr_t)f;
        return true;
    }
    return emit_dq(x, op_n_f3, op_n_f3, q, acc, vd, vn, vm, (uint64_t)(uintptr_t)f, 4);
}

/* ---- the cryptographic extension ---------------------------------------------------------------- */

/* AArch32 AES/SHA/VMULL.P64 run the AArch64 translations of crypto.c on the
 * Q registers (the same operations on V registers); they are there when the
 * AArch64 forms are (ID_ISAR5 mirrors ID_AA64ISAR0). */
static bool n_qregs(unsigned vd, unsigned vn, unsigned vm) { return !((vd | vn | vm) & 1); }

static bool n_sha3(struct xlat *x, unsigned u, unsigned sz, bool q, unsigned vd, unsigned vn, unsigned vm)
{
    if (!q || !n_qregs(vd, vn, vm))
        return false;
    unsigned d = vd >> 1, n = vn >> 1, m = vm >> 1;
    if (!u) {
        switch (sz) {
        case 0: return trans_SHA1C(x, &(const arg_SHA1C){ .rd = d, .rn = n, .rm = m });
        case 1: return trans_SHA1P(x, &(const arg_SHA1P){ .rd = d, .rn = n, .rm = m });
        case 2: return trans_SHA1M(x, &(const arg_SHA1M){ .rd = d, .rn = n, .rm = m });
        default: return trans_SHA1SU0(x, &(const arg_SHA1SU0){ .rd = d, .rn = n, .rm = m });
        }
    }
    switch (sz) {
    case 0: return trans_SHA256H(x, &(const arg_SHA256H){ .rd = d, .rn = n, .rm = m });
    case 1: return trans_SHA256H2(x, &(const arg_SHA256H2){ .rd = d, .rn = n, .rm = m });
    case 2: return trans_SHA256SU1(x, &(const arg_SHA256SU1){ .rd = d, .rn = n, .rm = m });
    default: return false;
    }
}

/* VMULL.P64 Qd, Dn, Dm: PMULL (low halves) or PMULL2 (high halves) of the
 * V registers, an odd operand of a mixed pair staged. */
static bool n_vmull_p64(struct xlat *x, unsigned vd, unsigned vn, unsigned vm)
{
    if (vd & 1)
        return false;
    unsigned q = 0, n, m;
    if ((vn & 1) == (vm & 1)) {
        q = vn & 1, n = vn >> 1, m = vm >> 1;
    } else {
        n = dsrc(x, vn, VREG_T1);
        m = dsrc(x, vm, VREG_T2);
    }
    return trans_PMULL_64(x, &(const arg_PMULL_64){ .q = q, .rd = vd >> 1, .rn = n, .rm = m });
}

/* FEAT_RDM (VQRDMLAH, VQRDMLSH) with the AArch64 one (ID_ISAR5.RDM mirrors
 * ID_AA64ISAR0.RDM). */
static bool n_have_rdm(struct xlat *x) { return (x->cpu->model->id_aa64isar0 >> 28 & 0xf) >= 1; }

/* ---- three registers of the same length --------------------------------------------------------- */

#define T43(n) simd_##n
/* [opc][o1] -> signed/unsigned integer families (NULL: see the switch). */
static const uop_fn (*const n3_int[16][2][2])[3] = {
    [0x0] = { { T43(shadd), T43(uhadd) }, { T43(sqadd), T43(uqadd) } },
    [0x1] = { { T43(srhadd), T43(urhadd) }, { NULL, NULL } },
    [0x2] = { { T43(shsub), T43(uhsub) }, { T43(sqsub), T43(uqsub) } },
    [0x3] = { { T43(cmgt), T43(cmhi) }, { T43(cmge), T43(cmhs) } },
    [0x4] = { { T43(sshl), T43(ushl) }, { T43(sqshl), T43(uqshl) } },
    [0x5] = { { T43(srshl), T43(urshl) }, { T43(sqrshl), T43(uqrshl) } },
    [0x6] = { { T43(smax), T43(umax) }, { T43(smin), T43(umin) } },
    [0x7] = { { T43(sabd), T43(uabd) }, { T43(saba), T43(uaba) } },
    [0x8] = { { T43(add), T43(sub) }, { T43(cmtst), T43(cmeq) } },
    [0x9] = { { T43(mla), T43(mls) }, { T43(mul), T43(pmul) } },
    [0xa] = { { T43(smaxp), T43(umaxp) }, { T43(sminp), T43(uminp) } },
    [0xb] = { { T43(sqdmulh), T43(sqrdmulh) }, { T43(addp), T43(sqrdmlah) } },
};

bool trans_n_3same(struct xlat *x, const arg_n_3same *a)
{
    unsigned vd = dnum(a->d, a->vd), vn = dnum(a->n, a->vn), vm = dnum(a->m, a->vm);
    unsigned opc = a->opc, sz = a->size, u = a->u, o1 = a->o1;
    bool q = a->q;
    if (opc == 1 && o1) {   /* logic: VAND VBIC VORR VORN / VEOR VBSL VBIT VBIF */
        static const uop_fn (*const lg[2][4])[3] = {
            { T43(and), T43(bic), T43(orr), T43(orn) }, { T43(eor), T43(bsl), T43(bit), T43(bif) } };
        const uop_fn *f = lg[u][sz][0];
        return emit_dq(x, f[0], f[1], q, u && sz, vd, vn, vm, 0, 0);
    }
    if (opc < 12) {
        const uop_fn (*t)[3] = n3_int[opc][o1][u];
        if (!t)
            return false;
        bool acc = false, swap = false;
        switch (opc) {
        case 0x0: case 0x2:
            if (!o1 && sz == 3)
                return false;   /* VHADD/VHSUB */
            break;
        case 0x1: case 0x3: case 0x6:
            if (sz == 3)
                return false;
            break;
        case 0x4: case 0x5:
            swap = true;    /* VSHL Vd, Vm, Vn: Vm shifted by Vn */
            break;
        case 0x7:
            if (sz == 3)
                return false;
            acc = o1;
            break;
        case 0x8:
            if (o1 && sz == 3)
                return false;
            break;
        case 0x9:
            if (sz == 3 || (o1 && u && sz != 0))
                return false;
            acc = !o1;
            break;
        case 0xa:
            if (sz == 3 || q)
                return false;
            break;
        case 0xb: /* VQDMULH, VQRDMULH; VPADD; VQRDMLAH (FEAT_RDM) */
            if (o1 && !u ? (sz == 3 || q) : (sz == 0 || sz == 3))
                return false;
            if (o1 && u && !n_have_rdm(x))
                return false;
            acc = o1 && u;
            break;
        }
        return emit_dq(x, t[sz][0], t[sz][1], q, acc, vd, swap ? vm : vn, swap ? vn : vm, 0, 0);
    }
    if (opc == 12 && !o1)
        return n_sha3(x, u, sz, q, vd, vn, vm);
    if (opc == 12 && u) { /* VQRDMLSH (FEAT_RDM) */
        if (sz == 0 || sz == 3 || !n_have_rdm(x))
            return false;
        return emit_dq(x, simd_sqrdmlsh[sz][0], simd_sqrdmlsh[sz][1], q, true, vd, vn, vm, 0, 0);
    }
    if (opc == 12) /* VFMA/VFMS */
        return (sz & 1) ? false : emit_f3(x, sz ? nf_fms : nf_fma, q, true, vd, vn, vm);
    if (sz & 1)
        return false;   /* half precision: FEAT_FP16 */
    bool hi = sz >> 1;
    nf3_fn f = NULL;
    bool acc = false, pair = false;
    switch (opc << 2 | o1 << 1 | u) {
    case 0x34: f = hi ? nf_sub : nf_add; break;
    case 0x35: f = hi ? nf_abd : nf_add; pair = !hi; break;
    case 0x36: f = hi ? nf_mls : nf_mla; acc = true; break;
    case 0x37: f = hi ? NULL : nf_mul; break;
    case 0x38: f = hi ? NULL : nf_ceq; break;
    case 0x39: f = hi ? nf_cgt : nf_cge; break;
    case 0x3b: f = hi ? nf_acgt : nf_acge; break;
    case 0x3c: f = hi ? nf_min : nf_max; break;
    case 0x3d: f = hi ? nf_min : nf_max; pair = true; break;
    case 0x3e: f = hi ? nf_rsqrts : nf_recps; break;
    case 0x3f: f = hi ? nf_minnm : nf_maxnm; break;
    }
    if (!f)
        return false;
    if (pair) {
        if (q)
            return false;
        struct uop *u = emit(x, op_n_f3pd);
        u->a = (uint8_t)vd, u->b = (uint8_t)vn, u->c = (uint8_t)vm;
        u->imm = (uint64_t)(uintptr_t)f;
        return true;
    }
    return emit_f3(x, f, q, acc, vd, vn, vm);
}

/* ---- one register and a modified immediate ------------------------------------------------------ */

/* AdvSIMDExpandImm; false for the reserved cmode 1111 with op 1. */
static bool n_expand_imm(unsigned op, unsigned cmode, unsigned imm8, uint64_t *out)
{
    uint64_t i = imm8, r;
    switch (cmode >> 1) {
    case 0: r = i; r |= r << 32; break;
    case 1: r = i << 8; r |= r << 32; break;
    case 2: r = i << 16; r |= r << 32; break;
    case 3: r = i << 24; r |= r << 32; break;
    case 4: r = i; r |= r << 16; r |= r << 32; break;
    case 5: r = i << 8; r |= r << 16; r |= r << 32; break;
    case 6:
        r = (cmode & 1) ? (i << 16 | 0xffff) : (i << 8 | 0xff);
        r |= r << 32;
        break;
    default:
        if (!(cmode & 1)) {
            if (!op) {
                r = i * 0x0101010101010101ull;
            } else {
                r = 0;
                for (unsigned b = 0; b < 8; b++)
                    if (imm8 >> b & 1)
                        r |= 0xffull << (8 * b);
            }
        } else {
            if (op)
                return false;
            uint32_t f = (uint32_t)(i >> 7) << 31 | (uint32_t)((i >> 6 & 1) ? 0x3e000000u : 0x40000000u) |
                         (uint32_t)(i & 0x3f) << 19;
            r = (uint64_t)f << 32 | f;
        }
        break;
    }
    *out = r;
    return true;
}

/* D<a> (and D<a+1> when e = 2) = (D & c-mask) | imm: imm holds the value,
 * f selects: 0 move, 1 or, 2 and-not. */
static const struct uop *op_n_imm(cpu_t *c, uop_t *u)
{
    for (unsigned k = 0; k < u->e; k++) {
        uint64_t *r = dreg(c, u->a + k);
        *r = u->f == 0 ? u->imm : u->f == 1 ? *r | u->imm : *r & ~u->imm;
    }
    return u + 1;
}

bool trans_n_1imm(struct xlat *x, const arg_n_1imm *a)
{
    unsigned vd = dnum(a->d, a->vd), cmode = a->cmode, op = a->op;
    uint64_t imm;
    if (a->q && (vd & 1))
        return false;
    if (!n_expand_imm(op, cmode, a->i << 7 | a->imm3 << 4 | a->imm4, &imm))
        return false;
    unsigned kind = 0;
    if ((cmode & 1) && cmode < 12)
        kind = op ? 2 : 1;      /* VORR / VBIC */
    else if (op && cmode != 14)
        imm = ~imm;             /* VMVN */
    struct uop *u = emit(x, op_n_imm);
    u->a = (uint8_t)vd;
    u->e = (uint8_t)(a->q ? 2 : 1);
    u->f = (uint8_t)kind;
    u->imm = imm;
    return true;
}

/* ---- two registers and a shift amount ----------------------------------------------------------- */

/* VCVT between float and fixed point: d = fbits, c = unsigned, f = to
 * fixed. */
static uint32_t nf_fixcvt(cpu_t *c, uint32_t a, uop_t *u)
{
    if (u->f)
        return (uint32_t)fp32_to_fixed(c, a, u->d, FPR_ZERO, u->c, 32);
    return fixed_to_fp32(c, a, u->d, u->c, 32, FPR_TIEEVEN);
}

static bool emit_f1(struct xlat *x, nf1_fn f, bool q, unsigned vd, unsigned vm, uint8_t d, uint8_t cc, uint8_t ff)
{
    struct uop *u;
    if (q) {
        if ((vd | vm) & 1)
            return false;
        u = emit(x, op_n_f1);
        u->a = (uint8_t)(vd >> 1);
        u->b = (uint8_t)(vm >> 1);
        u->e = 4;
    } else {
        u = emit(x, op_n_f1d);
        u->a = (uint8_t)vd;
        u->b = (uint8_t)vm;
    }
    u->imm = (uint64_t)(uintptr_t)f;
    u->d = d, u->c = cc, u->f = ff;
    return true;
}

/* Qd = f(Dm) for a long form: the "2" handler when Dm is odd. */
static bool emit_long1(struct xlat *x, const uop_fn *t, unsigned vd, unsigned vm, uint64_t imm)
{
    if (vd & 1)
        return false;
    struct uop *u = emit(x, t[vm & 1]);
    u->a = (uint8_t)(vd >> 1);
    u->b = u->c = (uint8_t)(vm >> 1);
    u->imm = imm;
    return true;
}

/* Dd = f(Qn, Qm) for a narrowing form: the "2" handler (keeps the low
 * half) for odd Dd, else through VREG_T0. */
static bool emit_narrow(struct xlat *x, const uop_fn *t, unsigned vd, unsigned vn, unsigned vm, uint64_t imm)
{
    if ((vn | vm) & 1)
        return false;
    struct uop *u = emit(x, t[vd & 1]);
    u->a = (vd & 1) ? (uint8_t)(vd >> 1) : VREG_T0;
    u->b = (uint8_t)(vn >> 1);
    u->c = (uint8_t)(vm >> 1);
    u->imm = imm;
    if (!(vd & 1))
        dput(x, vd, VREG_T0);
    return true;
}

bool trans_n_shift(struct xlat *x, const arg_n_shift *a)
{
    unsigned vd = dnum(a->d, a->vd), vm = dnum(a->m, a->vm), opc = a->opc, u = a->u;
    unsigned esz, imm;   /* log2 element bytes, imm6 minus esize (left) */
    if (a->l) {
        esz = 3, imm = a->imm6;
    } else if (a->imm6 >> 5) {
        esz = 2, imm = a->imm6 - 32;
    } else if (a->imm6 >> 4) {
        esz = 1, imm = a->imm6 - 16;
    } else if (a->imm6 >> 3) {
        esz = 0, imm = a->imm6 - 8;
    } else {
        return false;   /* one register and a modified immediate */
    }
    unsigned esize = 8u << esz, rsh = esize - imm;  /* right shift amount */
    bool q = a->q;
    const uop_fn (*t)[3] = NULL;
    bool acc = false, left = false;
    switch (opc) {
    case 0: t = u ? T43(ushr) : T43(sshr); break;
    case 1: t = u ? T43(usra) : T43(ssra); acc = true; break;
    case 2: t = u ? T43(urshr) : T43(srshr); break;
    case 3: t = u ? T43(ursra) : T43(srsra); acc = true; break;
    case 4: t = u ? T43(sri) : NULL; acc = true; break;
    case 5: t = u ? T43(sli) : T43(shl); acc = u; left = true; break;
    case 6: t = u ? T43(sqshlu) : NULL; left = true; break;
    case 7: t = u ? T43(uqshli) : T43(sqshli); left = true; break;
    case 8: case 9: { /* narrowing right shifts (esize is the result's) */
        if (a->l || esz == 3)
            return false;
        static const uop_fn (*const nt[2][2][2])[3] = {
            { { simd_shrn, simd_rshrn }, { simd_sqshrun, simd_sqrshrun } },
            { { simd_sqshrn, simd_sqrshrn }, { simd_uqshrn, simd_uqrshrn } } };
        return emit_narrow(x, nt[opc & 1][u][q][esz], vd, vm, vm, rsh);
    }
    case 10: /* VSHLL / VMOVL */
        if (a->l || q || esz == 3)
            return false;
        return emit_long1(x, (u ? simd_ushll : simd_sshll)[esz], vd, vm, imm);
    case 14: case 15: /* VCVT fixed point <-> float */
        if (a->l || !(a->imm6 >> 5))
            return false;
        return emit_f1(x, nf_fixcvt, q, vd, vm, (uint8_t)(64 - a->imm6), (uint8_t)u, (uint8_t)(opc & 1));
    default:
        return false;
    }
    if (!t)
        return false;
    return emit_dq(x, t[esz][0], t[esz][1], q, acc, vd, vm, vm, left ? imm : rsh, 0);
}

/* ---- three registers of different lengths -------------------------------------------------------- */

/* Qd = f(Dn, Dm) for a long form: the "2" handler when both are odd, the
 * plain one when both are even, else the odd one staged. */
static bool emit_long2(struct xlat *x, const uop_fn *t, unsigned vd, unsigned vn, unsigned vm, uint8_t e)
{
    if (vd & 1)
        return false;
    uint8_t b, m;
    unsigned k = 0;
    if ((vn & 1) == (vm & 1)) {
        k = vn & 1;
        b = (uint8_t)(vn >> 1), m = (uint8_t)(vm >> 1);
    } else {
        b = dsrc(x, vn, VREG_T1);
        m = dsrc(x, vm, VREG_T2);
    }
    struct uop *u = emit(x, t[k]);
    u->a = (uint8_t)(vd >> 1);
    u->b = b;
    u->c = m;
    u->e = e;
    return true;
}

bool trans_n_3diff(struct xlat *x, const arg_n_3diff *a)
{
    unsigned vd = dnum(a->d, a->vd), vn = dnum(a->n, a->vn), vm = dnum(a->m, a->vm), sz = a->size, u = a->u;
    if (sz == 3)
        return false;   /* VEXT, two registers misc, VTBL, VDUP */
    switch (a->opc) {
    case 0: return emit_long2(x, (u ? simd_uaddl : simd_saddl)[sz], vd, vn, vm, 0);
    case 2: return emit_long2(x, (u ? simd_usubl : simd_ssubl)[sz], vd, vn, vm, 0);
    case 1: case 3: { /* VADDW, VSUBW: Qd = Qn op Dm */
        if ((vd | vn) & 1)
            return false;
        const uop_fn *t = (a->opc == 1 ? (u ? simd_uaddw : simd_saddw) : (u ? simd_usubw : simd_ssubw))[sz];
        struct uop *o = emit(x, t[vm & 1]);
        o->a = (uint8_t)(vd >> 1);
        o->b = (uint8_t)(vn >> 1);
        o->c = (uint8_t)(vm >> 1);
        return true;
    }
    case 4: return emit_narrow(x, (u ? simd_raddhn : simd_addhn)[sz], vd, vn, vm, 0);
    case 6: return emit_narrow(x, (u ? simd_rsubhn : simd_subhn)[sz], vd, vn, vm, 0);
    case 5: return emit_long2(x, (u ? simd_uabal : simd_sabal)[sz], vd, vn, vm, 0);
    case 7: return emit_long2(x, (u ? simd_uabdl : simd_sabdl)[sz], vd, vn, vm, 0);
    case 8: return emit_long2(x, (u ? simd_umlal : simd_smlal)[sz], vd, vn, vm, 0);
    case 10: return emit_long2(x, (u ? simd_umlsl : simd_smlsl)[sz], vd, vn, vm, 0);
    case 12: return emit_long2(x, (u ? simd_umull : simd_smull)[sz], vd, vn, vm, 0);
    case 9: case 11: case 13:
        if (u || sz == 0)
            return false;
        return emit_long2(x, (a->opc == 9 ? simd_sqdmlal : a->opc == 11 ? simd_sqdmlsl : simd_sqdmull)[sz], vd, vn,
                          vm, 0);
    case 14: /* VMULL.P8, VMULL.P64 */
        if (u || sz == 1)
            return false;
        if (sz == 2)
            return n_vmull_p64(x, vd, vn, vm);
        return emit_long2(x, simd_pmull[0], vd, vn, vm, 0);
    default:
        return false;
    }
}

/* ---- two registers and a scalar ----------------------------------------------------------------- */

/* Float by scalar: e elements of Vd = f(Vd, Vn, Vm[d]). */
static const struct uop *op_n_f3x(cpu_t *c, uop_t *u)
{
    nf3_fn f = (nf3_fn)(uintptr_t)u->imm;
    uint32_t save = c->fpcr;
    c->fpcr = n_std_fpcr(c);
    vreg r = c->v[u->a];
    uint32_t m = c->v[u->c].s[u->d];
    for (unsigned i = 0; i < u->e; i++)
        r.s[i] = f(c, r.s[i], c->v[u->b].s[i], m);
    c->fpcr = save;
    c->v[u->a] = r;
    return u + 1;
}

bool trans_n_scalar(struct xlat *x, const arg_n_scalar *a)
{
    unsigned vd = dnum(a->d, a->vd), vn = dnum(a->n, a->vn), sz = a->size, opc = a->opc;
    bool q = a->q;  /* U for the long forms */
    if (sz == 0 || sz == 3)
        return false;
    unsigned dm = sz == 1 ? (a->vm & 7) : a->vm;
    unsigned idx = sz == 1 ? (a->m << 1 | a->vm >> 3) : a->m;
    idx += (dm & 1) * (sz == 1 ? 4 : 2);   /* the lane within V */
    uint8_t ms = (uint8_t)(dm >> 1);
    const uop_fn (*t)[3] = NULL;
    switch (opc) {
    case 0: t = simd_mla_x; break;
    case 4: t = simd_mls_x; break;
    case 8: t = simd_mul_x; break;
    case 12: t = simd_sqdmulh_x; break;
    case 13: t = simd_sqrdmulh_x; break;
    case 14: case 15: /* VQRDMLAH, VQRDMLSH (FEAT_RDM) */
        if (!n_have_rdm(x))
            return false;
        t = opc == 14 ? simd_sqrdmlah_x : simd_sqrdmlsh_x;
        break;
    case 1: case 5: case 9: { /* VMLA, VMLS, VMUL (float) */
        if (sz != 2)
            return false;
        nf3_fn f = opc == 1 ? nf_mla : opc == 5 ? nf_mls : nf_mul;
        struct uop *u;
        if (q) {
            if ((vd | vn) & 1)
                return false;
            u = emit(x, op_n_f3x);
            u->a = (uint8_t)(vd >> 1);
            u->b = (uint8_t)(vn >> 1);
        } else {
            u = emit(x, op_n_f3xd);
            u->a = (uint8_t)vd;
            u->b = (uint8_t)vn;
        }
        u->c = ms;
        u->d = (uint8_t)idx;
        u->e = 4;
        u->imm = (uint64_t)(uintptr_t)f;
        return true;
    }
    case 2: case 6: case 10: /* VMLAL, VMLSL, VMULL (U in q) */
    case 3: case 7: case 11: { /* VQDMLAL, VQDMLSL, VQDMULL */
        static const uop_fn (*const lt[12][2])[3] = {
            [2] = { simd_smlal_x, simd_umlal_x }, [6] = { simd_smlsl_x, simd_umlsl_x },
            [10] = { simd_smull_x, simd_umull_x }, [3] = { simd_sqdmlal_x, NULL },
            [7] = { simd_sqdmlsl_x, NULL }, [11] = { simd_sqdmull_x, NULL } };
        const uop_fn (*lf)[3] = lt[opc][q];
        if (!lf || (vd & 1))
            return false;
        struct uop *u = emit(x, lf[sz][vn & 1]);
        u->a = (uint8_t)(vd >> 1);
        u->b = (uint8_t)(vn >> 1);
        u->c = ms;
        u->e = (uint8_t)idx;
        return true;
    }
    default:
        return false;
    }
    struct uop *u;
    if (q) {
        if ((vd | vn) & 1)
            return false;
        u = emit(x, t[sz][1]);
        u->a = (uint8_t)(vd >> 1);
        u->b = (uint8_t)(vn >> 1);
    } else {
        u = emit(x, n_ewd(t[sz][0]));
        u->a = (uint8_t)vd;
        u->b = (uint8_t)vn;
    }
    u->c = ms;
    u->e = (uint8_t)idx;
    return true;
}

/* ---- permutes, VEXT, VTBL, VDUP ------------------------------------------------------------------ */

/* Elements of `regs` consecutive D registers from D<d> as one vector. */
struct nvec {
    uint64_t d[2];
};

static inline struct nvec nv_get(cpu_t *c, unsigned d, unsigned regs)
{
    struct nvec v = { { *dreg(c, d), regs > 1 ? *dreg(c, d + 1) : 0 } };
    return v;
}

static inline void nv_put(cpu_t *c, unsigned d, unsigned regs, const struct nvec *v)
{
    *dreg(c, d) = v->d[0];
    if (regs > 1)
        *dreg(c, d + 1) = v->d[1];
}

static inline uint64_t nv_el(const struct nvec *v, unsigned esz, unsigned i)
{
    unsigned per = 8u >> esz;
    return elem_get(v->d[i / per], esz, i % per);
}

static inline void nv_set(struct nvec *v, unsigned esz, unsigned i, uint64_t e)
{
    unsigned per = 8u >> esz;
    v->d[i / per] = elem_set(v->d[i / per], esz, i % per, e);
}

enum { NP_SWP, NP_TRN, NP_UZP, NP_ZIP };

/* a = Dd, b = Dm, e = registers (1 or 2), d = log2 element bytes, f = kind. */
static const struct uop *op_n_perm(cpu_t *c, uop_t *u)
{
    unsigned regs = u->e, esz = u->d, n = (regs * 8u) >> esz;
    struct nvec vd = nv_get(c, u->a, regs), vm = nv_get(c, u->b, regs), rd = vd, rm = vm;
    switch (u->f) {
    case NP_SWP:
        rd = vm, rm = vd;
        break;
    case NP_TRN:
        for (unsigned i = 0; i + 1 < n; i += 2) {
            nv_set(&rd, esz, i + 1, nv_el(&vm, esz, i));
            nv_set(&rm, esz, i, nv_el(&vd, esz, i + 1));
        }
        break;
    case NP_UZP:
        for (unsigned i = 0; i < n; i++) {
            unsigned j = 2 * i, k = 2 * i + 1;
            nv_set(&rd, esz, i, j < n ? nv_el(&vd, esz, j) : nv_el(&vm, esz, j - n));
            nv_set(&rm, esz, i, k < n ? nv_el(&vd, esz, k) : nv_el(&vm, esz, k - n));
        }
        break;
    default: /* ZIP */
        for (unsigned i = 0; i < n; i++) {
            unsigned j = i / 2, k = (n + i) / 2;
            nv_set(&rd, esz, i, (i & 1) ? nv_el(&vm, esz, j) : nv_el(&vd, esz, j));
            nv_set(&rm, esz, i, (i & 1) ? nv_el(&vm, esz, k) : nv_el(&vd, esz, k));
        }
        break;
    }
    nv_put(c, u->a, regs, &rd);
    nv_put(c, u->b, regs, &rm);
    return u + 1;
}

/* VREV16/32/64: a = Dd, b = Dm, e = registers, d = log2 element bytes,
 * f = log2 bytes of the reversed group. */
static const struct uop *op_n_rev(cpu_t *c, uop_t *u)
{
    unsigned regs = u->e, esz = u->d, n = (regs * 8u) >> esz, g = (1u << u->f) >> esz;
    struct nvec vm = nv_get(c, u->b, regs), r = vm;
    for (unsigned i = 0; i < n; i++)
        nv_set(&r, esz, i, nv_el(&vm, esz, (i & ~(g - 1)) | ((g - 1) - (i & (g - 1)))));
    nv_put(c, u->a, regs, &r);
    return u + 1;
}

/* VEXT: a = Dd, b = Dn, c = Dm, e = registers, d = byte offset. */
static const struct uop *op_n_ext(cpu_t *c, uop_t *u)
{
    unsigned regs = u->e, nb = regs * 8;
    uint8_t cat[32];
    struct nvec vn = nv_get(c, u->b, regs), vm = nv_get(c, u->c, regs), r;
    memcpy(cat, vn.d, nb);
    memcpy(cat + nb, vm.d, nb);
    memcpy(r.d, cat + u->d, nb);
    nv_put(c, u->a, regs, &r);
    return u + 1;
}

/* VTBL/VTBX: a = Dd, b = Dn (first of e table registers), c = Dm, f = VTBX. */
static const struct uop *op_n_tbl(cpu_t *c, uop_t *u)
{
    uint8_t tab[32], idx[8], out[8];
    for (unsigned i = 0; i < u->e; i++)
        memcpy(tab + 8 * i, dreg(c, u->b + i), 8);
    memcpy(idx, dreg(c, u->c), 8);
    memcpy(out, dreg(c, u->a), 8);
    for (unsigned i = 0; i < 8; i++) {
        if (idx[i] < 8 * u->e)
            out[i] = tab[idx[i]];
        else if (!u->f)
            out[i] = 0;
    }
    memcpy(dreg(c, u->a), out, 8);
    return u + 1;
}

/* VDUP (scalar): a = Dd, e = registers, imm = Dm, d = log2 bytes, f = index. */
static const struct uop *op_n_dup(cpu_t *c, uop_t *u)
{
    static const uint64_t rep[4] = { 0x0101010101010101ull, 0x0001000100010001ull, 0x0000000100000001ull, 1 };
    uint64_t v = elem_get(*dreg(c, (unsigned)u->imm), u->d, u->f) * rep[u->d];
    for (unsigned i = 0; i < u->e; i++)
        *dreg(c, u->a + i) = v;
    return u + 1;
}

bool trans_n_VEXT(struct xlat *x, const arg_n_VEXT *a)
{
    unsigned vd = dnum(a->d, a->vd), vn = dnum(a->n, a->vn), vm = dnum(a->m, a->vm);
    if (a->q ? ((vd | vn | vm) & 1) : a->imm4 > 7)
        return false;
    struct uop *u = emit(x, op_n_ext);
    u->a = (uint8_t)vd, u->b = (uint8_t)vn, u->c = (uint8_t)vm;
    u->e = a->q ? 2 : 1;
    u->d = (uint8_t)a->imm4;
    return true;
}

bool trans_n_VTBL(struct xlat *x, const arg_n_VTBL *a)
{
    unsigned vd = dnum(a->d, a->vd), vn = dnum(a->n, a->vn), vm = dnum(a->m, a->vm);
    if (vn + a->len + 1 > 32)
        return false;   /* UNPREDICTABLE */
    struct uop *u = emit(x, op_n_tbl);
    u->a = (uint8_t)vd, u->b = (uint8_t)vn, u->c = (uint8_t)vm;
    u->e = (uint8_t)(a->len + 1);
    u->f = (uint8_t)a->op;
    return true;
}

bool trans_n_VDUP_s(struct xlat *x, const arg_n_VDUP_s *a)
{
    unsigned vd = dnum(a->d, a->vd), vm = dnum(a->m, a->vm), i4 = a->imm4, esz;
    if (i4 & 1)
        esz = 0;
    else if (i4 & 2)
        esz = 1;
    else if (i4 & 4)
        esz = 2;
    else
        return false;
    if (a->q && (vd & 1))
        return false;
    struct uop *u = emit(x, op_n_dup);
    u->a = (uint8_t)vd;
    u->e = a->q ? 2 : 1;
    u->imm = vm;
    u->d = (uint8_t)esz;
    u->f = (uint8_t)(i4 >> (esz + 1));
    return true;
}

/* ---- two registers misc ------------------------------------------------------------------------- */

static uint32_t nf_cgt0(cpu_t *c, uint32_t a, uop_t *u) { return fp32_cmpgt(c, a, 0) ? ~0u : 0; }
static uint32_t nf_cge0(cpu_t *c, uint32_t a, uop_t *u) { return fp32_cmpge(c, a, 0) ? ~0u : 0; }
static uint32_t nf_ceq0(cpu_t *c, uint32_t a, uop_t *u) { return fp32_cmpeq(c, a, 0) ? ~0u : 0; }
static uint32_t nf_cle0(cpu_t *c, uint32_t a, uop_t *u) { return fp32_cmpge(c, 0, a) ? ~0u : 0; }
static uint32_t nf_clt0(cpu_t *c, uint32_t a, uop_t *u) { return fp32_cmpgt(c, 0, a) ? ~0u : 0; }
static uint32_t nf_abs(cpu_t *c, uint32_t a, uop_t *u) { return a & 0x7fffffffu; }
static uint32_t nf_neg(cpu_t *c, uint32_t a, uop_t *u) { return a ^ 0x80000000u; }
static uint32_t nf_recpe(cpu_t *c, uint32_t a, uop_t *u) { return fp32_recpe(c, a); }
static uint32_t nf_rsqrte(cpu_t *c, uint32_t a, uop_t *u) { return fp32_rsqrte(c, a); }
static uint32_t nf_urecpe(cpu_t *c, uint32_t a, uop_t *u) { return fp_urecpe(a); }
static uint32_t nf_ursqrte(cpu_t *c, uint32_t a, uop_t *u) { return fp_ursqrte(a); }
/* d = rounding, c = exact (VRINTX) */
static uint32_t nf_rint(cpu_t *c, uint32_t a, uop_t *u) { return fp32_round_int(c, a, (enum fp_rounding)u->d, u->c); }
/* d = rounding, c = unsigned */
static uint32_t nf_toint(cpu_t *c, uint32_t a, uop_t *u)
{
    return (uint32_t)fp32_to_fixed(c, a, 0, (enum fp_rounding)u->d, u->c, 32);
}
static uint32_t nf_fromint(cpu_t *c, uint32_t a, uop_t *u) { return fixed_to_fp32(c, a, 0, u->c, 32, FPR_TIEEVEN); }

/* VCVT.F16.F32 (f = 0: Dd from Qm in slot b) and VCVT.F32.F16 (f = 1: Qd in
 * slot a from Dm). */
static const struct uop *op_n_cvth(cpu_t *c, uop_t *u)
{
    uint32_t save = c->fpcr;
    c->fpcr = n_std_fpcr(c);
    if (!u->f) {
        uint64_t r = 0;
        for (unsigned i = 0; i < 4; i++)
            r |= (uint64_t)fp32_to_fp16(c, c->v[u->b].s[i], FPR_TIEEVEN) << (16 * i);
        c->fpcr = save;
        *dreg(c, u->a) = r;
    } else {
        uint64_t m = *dreg(c, u->b);
        vreg r;
        for (unsigned i = 0; i < 4; i++)
            r.s[i] = fp16_to_fp32(c, (uint16_t)(m >> (16 * i)));
        c->fpcr = save;
        c->v[u->a] = r;
    }
    return u + 1;
}

bool trans_n_2misc(struct xlat *x, const arg_n_2misc *a)
{
    unsigned vd = dnum(a->d, a->vd), vm = dnum(a->m, a->vm), sz = a->size, op = a->opc2;
    bool q = a->q;
    unsigned regs = q ? 2 : 1;
    bool narrow = a->opc1 == 2 && (op == 4 || op == 5);   /* bit 6 is an opcode bit */
    if (q && !narrow && ((vd | vm) & 1))
        return false;
    const uop_fn (*t)[3] = NULL;
    switch (a->opc1) {
    case 0:
        switch (op) {
        case 0: case 1: case 2: { /* VREV64, VREV32, VREV16 */
            if (sz + op >= 3)
                return false;
            struct uop *u = emit(x, op_n_rev);
            u->a = (uint8_t)vd, u->b = (uint8_t)vm, u->e = (uint8_t)regs, u->d = (uint8_t)sz;
            u->f = (uint8_t)(3 - op);
            return true;
        }
        case 4: case 5: case 12: case 13: { /* VPADDL, VPADAL */
            if (sz == 3)
                return false;
            const uop_fn (*pt)[2] = op < 8 ? ((op & 1) ? simd_uaddlp : simd_saddlp) : ((op & 1) ? simd_uadalp : simd_sadalp);
            return emit_dq(x, pt[sz][0], pt[sz][1], q, op >= 8, vd, vm, vm, 0, 0);
        }
        case 8: t = simd_cls; break;
        case 9: t = simd_clz; break;
        case 10: if (sz) return false; t = simd_cnt; break;
        case 11: if (sz) return false; t = simd_not; break;
        case 14: t = simd_sqabs; break;
        case 15: t = simd_sqneg; break;
        case 6: case 7: { /* AESE, AESD, AESMC, AESIMC */
            if (sz || !n_qregs(vd, vm, 0))
                return false;
            unsigned d = vd >> 1, m = vm >> 1;
            if (op == 6)
                return q ? trans_AESD(x, &(const arg_AESD){ .rd = d, .rn = m })
                         : trans_AESE(x, &(const arg_AESE){ .rd = d, .rn = m });
            return q ? trans_AESIMC(x, &(const arg_AESIMC){ .rd = d, .rn = m })
                     : trans_AESMC(x, &(const arg_AESMC){ .rd = d, .rn = m });
        }
        default:
            return false;
        }
        if (sz == 3)
            return false;
        return emit_dq(x, t[sz][0], t[sz][1], q, false, vd, vm, vm, 0, 0);
    case 1:
        if (op & 8) { /* float */
            static const nf1_fn ft[8] = { nf_cgt0, nf_cge0, nf_ceq0, nf_cle0, nf_clt0, NULL, nf_abs, nf_neg };
            if (sz != 2 || !ft[op & 7])
                return false;
            return emit_f1(x, ft[op & 7], q, vd, vm, 0, 0, 0);
        }
        {
            static const uop_fn (*const it[8])[3] = { simd_cmgt0, simd_cmge0, simd_cmeq0, simd_cmle0,
                                                      simd_cmlt0, NULL, simd_abs, simd_neg };
            t = it[op];
        }
        if (op == 5 && sz == 2 && q) /* SHA1H */
            return trans_SHA1H(x, &(const arg_SHA1H){ .rd = vd >> 1, .rn = vm >> 1 });
        if (!t || sz == 3)
            return false;
        return emit_dq(x, t[sz][0], t[sz][1], q, false, vd, vm, vm, 0, 0);
    case 2:
        switch (op) {
        case 0: case 1: case 2: case 3: {
            if (op == 0 ? sz != 0 : sz == 3)
                return false;
            if (op >= 2 && !q && sz == 2)
                return false;
            if (op && vd == vm)
                return false;   /* UNPREDICTABLE */
            struct uop *u = emit(x, op_n_perm);
            u->a = (uint8_t)vd, u->b = (uint8_t)vm, u->e = (uint8_t)regs, u->d = (uint8_t)sz, u->f = (uint8_t)op;
            return true;
        }
        case 4: case 5: { /* VMOVN, VQMOVUN; VQMOVN (signed, unsigned) */
            if (sz == 3)
                return false;
            static const uop_fn (*const nt[2][2])[3] = { { simd_xtn, simd_sqxtun }, { simd_sqxtn, simd_uqxtn } };
            return emit_narrow(x, nt[op & 1][q][sz], vd, vm, vm, 0);
        }
        case 6: /* VSHLL (shift = esize) */
            if (q || sz == 3)
                return false;
            return emit_long1(x, simd_ushll[sz], vd, vm, 8u << sz);
        case 8: case 9: case 10: case 11: case 13: case 15: {
            static const uint8_t rm[8] = { FPR_TIEEVEN, FPR_TIEEVEN, FPR_TIEAWAY, FPR_ZERO, 0, FPR_NEGINF, 0,
                                           FPR_POSINF };
            if (sz != 2)
                return false;
            return emit_f1(x, nf_rint, q, vd, vm, rm[op & 7], op == 9, 0);
        }
        case 12: case 14: { /* VCVT.F16.F32, VCVT.F32.F16 */
            if (q || sz != 1)
                return false;
            bool up = op == 14;
            if (up ? (vd & 1) : (vm & 1))
                return false;
            struct uop *u = emit(x, op_n_cvth);
            u->a = (uint8_t)(up ? vd >> 1 : vd);
            u->b = (uint8_t)(up ? vm : vm >> 1);
            u->f = up;
            return true;
        }
        case 7: /* SHA1SU1, SHA256SU0 */
            if (sz != 2 || !n_qregs(vd, vm, 0))
                return false;
            if (q)
                return trans_SHA256SU0(x, &(const arg_SHA256SU0){ .rd = vd >> 1, .rn = vm >> 1 });
            return trans_SHA1SU1(x, &(const arg_SHA1SU1){ .rd = vd >> 1, .rn = vm >> 1 });
        default:
            return false;
        }
    default:
        if (sz != 2)
            return false;
        if (op < 8) { /* VCVTA, VCVTN, VCVTP, VCVTM */
            static const uint8_t rm[4] = { FPR_TIEAWAY, FPR_TIEEVEN, FPR_POSINF, FPR_NEGINF };
            return emit_f1(x, nf_toint, q, vd, vm, rm[op >> 1 & 3], op & 1, 0);
        }
        switch (op) {
        case 8: return emit_f1(x, nf_urecpe, q, vd, vm, 0, 0, 0);
        case 9: return emit_f1(x, nf_ursqrte, q, vd, vm, 0, 0, 0);
        case 10: return emit_f1(x, nf_recpe, q, vd, vm, 0, 0, 0);
        case 11: return emit_f1(x, nf_rsqrte, q, vd, vm, 0, 0, 0);
        case 12: case 13: return emit_f1(x, nf_fromint, q, vd, vm, 0, op & 1, 0);
        default: return emit_f1(x, nf_toint, q, vd, vm, FPR_ZERO, op & 1, 0);
        }
    }
}

/* ---- the decoder -------------------------------------------------------------------------------- */

#include "neon-decode.inc"

bool a32_neon_insn(struct xlat *x, uint32_t insn)
{
    return neon_decode_insn(x, insn);
}

/* T32 encodings of the Advanced SIMD spaces in their A32 form (111U 1111
 * -> 1111 001U; 1111 1001 xxx0 -> 1111 0100 xxx0); 0 if insn is neither. */
uint32_t t32_neon_to_a32(uint32_t insn)
{
    if ((insn & 0xef000000u) == 0xef000000u)
        return (insn & 0x00ffffffu) | 0xf2000000u | (insn >> 4 & 0x01000000u);
    if ((insn & 0xff100000u) == 0xf9000000u)
        return (insn & 0x00ffffffu) | 0xf4000000u;
    return 0;
}
