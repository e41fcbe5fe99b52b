/* Floating-point instructions: scalar FP and the AdvSIMD floating-point forms.
 *
 * The arithmetic itself lives in fpu.c (Arm semantics on bit patterns).  Here
 * trans_ functions pick a specialised handler per form:
 *   - hot scalar forms (FADD/FSUB/FMUL/FDIV/FNMUL, FMADD family, FCMP, FCVTZS,
 *     SCVTF, FMOV, FABS/FNEG, FCSEL) get dedicated handlers that call the
 *     inline host fast paths of fpu.h;
 *   - everything else is an element loop (esize 32 or 64, element count in
 *     u->e) over an element function chosen at translation time (u->imm).
 * Operand slots: a = Vd, b = Vn, c = Vm, d = index / fbits / Va.
 * FEAT_FP16 is not advertised: half-precision arithmetic encodings are
 * UNDEFINED; only the conversions to/from half exist.
 */
#include "uop.h"
#include "fpu.h"

#define S_SIGN 0x80000000u
#define D_SIGN 0x8000000000000000ull

/* ---- features ------------------------------------------------------------- */

static unsigned idfield(uint64_t reg, unsigned shift) { return (unsigned)(reg >> shift & 0xf); }
static bool has_fhm(struct xlat *x) { return idfield(x->cpu->model->id_aa64isar0, 48) >= 1; }
static bool has_jscvt(struct xlat *x) { return idfield(x->cpu->model->id_aa64isar1, 12) >= 1; }
static bool has_fcma(struct xlat *x) { return idfield(x->cpu->model->id_aa64isar1, 16) >= 1; }
static bool has_frintts(struct xlat *x) { return idfield(x->cpu->model->id_aa64isar1, 32) >= 1; }

/* ---- element functions (uniform signatures for the loops) ----------------- */

typedef uint64_t (*ebin_fn)(struct cpu *c, uint64_t a, uint64_t b);
typedef uint64_t (*eter_fn)(struct cpu *c, uint64_t d, uint64_t a, uint64_t b);
typedef uint64_t (*eun_fn)(struct cpu *c, uint64_t a, const struct uop *u);

#define FN(p) ((uint64_t)(uintptr_t)(p))

#define W2(name, f32, f64)                                                                 \
    static uint64_t s_##name(struct cpu *c, uint64_t a, uint64_t b) { return f32(c, (uint32_t)a, (uint32_t)b); } \
    static uint64_t d_##name(struct cpu *c, uint64_t a, uint64_t b) { return f64(c, a, b); }
W2(add, fp32_add_fast, fp64_add_fast)
W2(sub, fp32_sub_fast, fp64_sub_fast)
W2(mul, fp32_mul_fast, fp64_mul_fast)
W2(div, fp32_div_fast, fp64_div_fast)
W2(max, fp32_max, fp64_max)
W2(min, fp32_min, fp64_min)
W2(maxnm, fp32_maxnm, fp64_maxnm)
W2(minnm, fp32_minnm, fp64_minnm)
W2(mulx, fp32_mulx, fp64_mulx)
W2(abd, fp32_abd, fp64_abd)
W2(recps, fp32_recps, fp64_recps)
W2(rsqrts, fp32_rsqrts, fp64_rsqrts)
#undef W2

#define WCMP(name, f32, f64, absf)                                                          \
    static uint64_t s_##name(struct cpu *c, uint64_t a, uint64_t b)                         \
    {                                                                                       \
        if (absf) a &= ~S_SIGN, b &= ~S_SIGN;                                               \
        return f32(c, (uint32_t)a, (uint32_t)b) ? 0xffffffffu : 0;                          \
    }                                                                                       \
    static uint64_t d_##name(struct cpu *c, uint64_t a, uint64_t b)                         \
    {                                                                                       \
        if (absf) a &= ~D_SIGN, b &= ~D_SIGN;                                               \
        return f64(c, a, b) ? ~0ull : 0;                                                    \
    }
WCMP(cmeq, fp32_cmpeq, fp64_cmpeq, 0)
WCMP(cmge, fp32_cmpge, fp64_cmpge, 0)
WCMP(cmgt, fp32_cmpgt, fp64_cmpgt, 0)
WCMP(acge, fp32_cmpge, fp64_cmpge, 1)
WCMP(acgt, fp32_cmpgt, fp64_cmpgt, 1)
#undef WCMP

static uint64_t s_fmla(struct cpu *c, uint64_t d, uint64_t a, uint64_t b)
{
    return fp32_muladd_fast(c, (uint32_t)d, (uint32_t)a, (uint32_t)b);
}
static uint64_t d_fmla(struct cpu *c, uint64_t d, uint64_t a, uint64_t b) { return fp64_muladd_fast(c, d, a, b); }
static uint64_t s_fmls(struct cpu *c, uint64_t d, uint64_t a, uint64_t b)
{
    return fp32_muladd_fast(c, (uint32_t)d, (uint32_t)a ^ S_SIGN, (uint32_t)b);
}
static uint64_t d_fmls(struct cpu *c, uint64_t d, uint64_t a, uint64_t b)
{
    return fp64_muladd_fast(c, d, a ^ D_SIGN, b);
}

/* Unary element functions; parameters: u->d int param, u->f rounding, u->c flag. */
static uint64_t s_abs(struct cpu *c, uint64_t a, const struct uop *u) { return a & ~S_SIGN & 0xffffffffu; }
static uint64_t d_abs(struct cpu *c, uint64_t a, const struct uop *u) { return a & ~D_SIGN; }
static uint64_t s_neg(struct cpu *c, uint64_t a, const struct uop *u) { return (a ^ S_SIGN) & 0xffffffffu; }
static uint64_t d_neg(struct cpu *c, uint64_t a, const struct uop *u) { return a ^ D_SIGN; }
static uint64_t s_sqrt(struct cpu *c, uint64_t a, const struct uop *u) { return fp32_sqrt(c, (uint32_t)a); }
static uint64_t d_sqrt(struct cpu *c, uint64_t a, const struct uop *u) { return fp64_sqrt(c, a); }
static uint64_t s_frint(struct cpu *c, uint64_t a, const struct uop *u)
{
    return fp32_round_int(c, (uint32_t)a, (enum fp_rounding)u->f, u->d);
}
static uint64_t d_frint(struct cpu *c, uint64_t a, const struct uop *u)
{
    return fp64_round_int(c, a, (enum fp_rounding)u->f, u->d);
}
static uint64_t s_frintn(struct cpu *c, uint64_t a, const struct uop *u)
{
    return fp32_round_intn(c, (uint32_t)a, (enum fp_rounding)u->f, u->d);
}
static uint64_t d_frintn(struct cpu *c, uint64_t a, const struct uop *u)
{
    return fp64_round_intn(c, a, (enum fp_rounding)u->f, u->d);
}
static uint64_t s_tofix(struct cpu *c, uint64_t a, const struct uop *u)
{
    return fp32_to_fixed(c, (uint32_t)a, u->d, (enum fp_rounding)u->f, u->c, 32);
}
static uint64_t d_tofix(struct cpu *c, uint64_t a, const struct uop *u)
{
    return fp64_to_fixed(c, a, u->d, (enum fp_rounding)u->f, u->c, 64);
}
static uint64_t s_fromfix(struct cpu *c, uint64_t a, const struct uop *u)
{
    return fixed_to_fp32(c, a, u->d, u->c, 32, FPR_FPCR);
}
static uint64_t d_fromfix(struct cpu *c, uint64_t a, const struct uop *u)
{
    return fixed_to_fp64(c, a, u->d, u->c, 64, FPR_FPCR);
}
static uint64_t s_recpe(struct cpu *c, uint64_t a, const struct uop *u) { return fp32_recpe(c, (uint32_t)a); }
static uint64_t d_recpe(struct cpu *c, uint64_t a, const struct uop *u) { return fp64_recpe(c, a); }
static uint64_t s_rsqrte(struct cpu *c, uint64_t a, const struct uop *u) { return fp32_rsqrte(c, (uint32_t)a); }
static uint64_t d_rsqrte(struct cpu *c, uint64_t a, const struct uop *u) { return fp64_rsqrte(c, a); }
static uint64_t s_recpx(struct cpu *c, uint64_t a, const struct uop *u) { return fp32_recpx(c, (uint32_t)a); }
static uint64_t d_recpx(struct cpu *c, uint64_t a, const struct uop *u) { return fp64_recpx(c, a); }
static uint64_t s_urecpe(struct cpu *c, uint64_t a, const struct uop *u) { return fp_urecpe((uint32_t)a); }
static uint64_t s_ursqrte(struct cpu *c, uint64_t a, const struct uop *u) { return fp_ursqrte((uint32_t)a); }
/* compares against zero: u->d selects 0 GT, 1 EQ, 2 LT, 3 GE, 4 LE */
static uint64_t s_cmz(struct cpu *c, uint64_t a, const struct uop *u)
{
    uint32_t x = (uint32_t)a;
    bool r;
    switch (u->d) {
    case 0: r = fp32_cmpgt(c, x, 0); break;
    case 1: r = fp32_cmpeq(c, x, 0); break;
    case 2: r = fp32_cmpgt(c, 0, x); break;
    case 3: r = fp32_cmpge(c, x, 0); break;
    default: r = fp32_cmpge(c, 0, x); break;
    }
    return r ? 0xffffffffu : 0;
}
static uint64_t d_cmz(struct cpu *c, uint64_t a, const struct uop *u)
{
    bool r;
    switch (u->d) {
    case 0: r = fp64_cmpgt(c, a, 0); break;
    case 1: r = fp64_cmpeq(c, a, 0); break;
    case 2: r = fp64_cmpgt(c, 0, a); break;
    case 3: r = fp64_cmpge(c, a, 0); break;
    default: r = fp64_cmpge(c, 0, a); break;
    }
    return r ? ~0ull : 0;
}

/* ---- generic element loops ---------------------------------------------- */

#define LOOPS(SFX, F)                                                                       \
    static const struct uop *op_vbin_##SFX(struct cpu *c, const struct uop *u)             \
    {                                                                                       \
        ebin_fn fn = (ebin_fn)(uintptr_t)u->imm;                                            \
        vreg n = c->v[u->b], m = c->v[u->c], r;                                             \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fn(c, n.F[i], m.F[i]);                                                 \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    static const struct uop *op_vbinidx_##SFX(struct cpu *c, const struct uop *u)          \
    {                                                                                       \
        ebin_fn fn = (ebin_fn)(uintptr_t)u->imm;                                            \
        vreg n = c->v[u->b], r;                                                             \
        uint64_t m = c->v[u->c].F[u->d];                                                    \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fn(c, n.F[i], m);                                                      \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    static const struct uop *op_vter_##SFX(struct cpu *c, const struct uop *u)             \
    {                                                                                       \
        eter_fn fn = (eter_fn)(uintptr_t)u->imm;                                            \
        vreg n = c->v[u->b], m = c->v[u->c], d = c->v[u->a], r;                             \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fn(c, d.F[i], n.F[i], m.F[i]);                                         \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    static const struct uop *op_vteridx_##SFX(struct cpu *c, const struct uop *u)          \
    {                                                                                       \
        eter_fn fn = (eter_fn)(uintptr_t)u->imm;                                            \
        vreg n = c->v[u->b], d = c->v[u->a], r;                                             \
        uint64_t m = c->v[u->c].F[u->d];                                                    \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fn(c, d.F[i], n.F[i], m);                                              \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    static const struct uop *op_vun_##SFX(struct cpu *c, const struct uop *u)              \
    {                                                                                       \
        eun_fn fn = (eun_fn)(uintptr_t)u->imm;                                              \
        vreg n = c->v[u->b], r;                                                             \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fn(c, n.F[i], u);                                                      \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    /* pairwise over the concatenation m:n */                                               \
    static const struct uop *op_vpair_##SFX(struct cpu *c, const struct uop *u)            \
    {                                                                                       \
        ebin_fn fn = (ebin_fn)(uintptr_t)u->imm;                                            \
        vreg n = c->v[u->b], m = c->v[u->c], r;                                             \
        unsigned h = u->e / 2;                                                              \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < h; i++)                                                    \
            r.F[i] = fn(c, n.F[2 * i], n.F[2 * i + 1]);                                     \
        for (unsigned i = 0; i < h; i++)                                                    \
            r.F[h + i] = fn(c, m.F[2 * i], m.F[2 * i + 1]);                                 \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    static const struct uop *op_spair_##SFX(struct cpu *c, const struct uop *u)            \
    {                                                                                       \
        ebin_fn fn = (ebin_fn)(uintptr_t)u->imm;                                            \
        vreg n = c->v[u->b], r;                                                             \
        r.q = 0;                                                                            \
        r.F[0] = fn(c, n.F[0], n.F[1]);                                                     \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }
LOOPS(s, s)
LOOPS(d, d)
#undef LOOPS

/* Specialised loops for the hot vector forms: the element operation is the
 * inline host fast path of fpu.h, no indirect call per element. */
#define VHOT2(name, SFX, F, fn)                                                             \
    static const struct uop *op_v##name##_##SFX(struct cpu *c, const struct uop *u)        \
    {                                                                                       \
        vreg n = c->v[u->b], m = c->v[u->c], r;                                             \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fn(c, n.F[i], m.F[i]);                                                 \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    static const struct uop *op_v##name##idx_##SFX(struct cpu *c, const struct uop *u)     \
    {                                                                                       \
        vreg n = c->v[u->b], r;                                                             \
        __typeof__(r.F[0]) m = c->v[u->c].F[u->d];                                          \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fn(c, n.F[i], m);                                                      \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }
VHOT2(add, s, s, fp32_add_fast)
VHOT2(add, d, d, fp64_add_fast)
VHOT2(sub, s, s, fp32_sub_fast)
VHOT2(sub, d, d, fp64_sub_fast)
VHOT2(mul, s, s, fp32_mul_fast)
VHOT2(mul, d, d, fp64_mul_fast)
VHOT2(div, s, s, fp32_div_fast)
VHOT2(div, d, d, fp64_div_fast)
#undef VHOT2

#define VHOT3(name, SFX, F, T, SIGN, neg, ATTR, HW)                                         \
    ATTR static const struct uop *op_v##name##_##SFX##HW(struct cpu *c, const struct uop *u) \
    {                                                                                       \
        vreg n = c->v[u->b], m = c->v[u->c], d = c->v[u->a], r;                             \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fp##SFX##_muladd_fast(c, d.F[i], n.F[i] ^ (neg ? SIGN : 0), m.F[i]);   \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    ATTR static const struct uop *op_v##name##idx_##SFX##HW(struct cpu *c, const struct uop *u) \
    {                                                                                       \
        vreg n = c->v[u->b], d = c->v[u->a], r;                                             \
        T m = c->v[u->c].F[u->d];                                                           \
        r.q = 0;                                                                            \
        for (unsigned i = 0; i < u->e; i++)                                                 \
            r.F[i] = fp##SFX##_muladd_fast(c, d.F[i], n.F[i] ^ (neg ? SIGN : 0), m);        \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }
#define fps_muladd_fast fp32_muladd_fast
#define fpd_muladd_fast fp64_muladd_fast
VHOT3(fmla, s, s, uint32_t, S_SIGN, 0, , )
VHOT3(fmla, d, d, uint64_t, D_SIGN, 0, , )
VHOT3(fmls, s, s, uint32_t, S_SIGN, 1, , )
VHOT3(fmls, d, d, uint64_t, D_SIGN, 1, , )
/* The same with the host FMA instruction inlined (chosen when the host has it). */
#if defined(__x86_64__) || defined(__i386__)
#define HWFMA __attribute__((target("fma")))
#else
#define HWFMA
#endif
VHOT3(fmla, s, s, uint32_t, S_SIGN, 0, HWFMA, _hw)
VHOT3(fmla, d, d, uint64_t, D_SIGN, 0, HWFMA, _hw)
VHOT3(fmls, s, s, uint32_t, S_SIGN, 1, HWFMA, _hw)
VHOT3(fmls, d, d, uint64_t, D_SIGN, 1, HWFMA, _hw)
#undef fps_muladd_fast
#undef fpd_muladd_fast
#undef VHOT3

static bool host_has_fma(void)
{
#if defined(__x86_64__) || defined(__i386__)
    static int has = -1;
    if (has < 0) {
        __builtin_cpu_init();
        has = __builtin_cpu_supports("fma") != 0;
    }
    return has;
#else
    return false; /* other hosts: __builtin_fma is already the native instruction or libm */
#endif
}

/* The specialised handler for an element function, if there is one. */
static uop_fn hot_handler(uint64_t fn, bool idx)
{
    static const struct {
        uint64_t fn;
        uop_fn h, hidx;
    } tab[] = {
        { FN(s_add), op_vadd_s, op_vaddidx_s },     { FN(d_add), op_vadd_d, op_vaddidx_d },
        { FN(s_sub), op_vsub_s, op_vsubidx_s },     { FN(d_sub), op_vsub_d, op_vsubidx_d },
        { FN(s_mul), op_vmul_s, op_vmulidx_s },     { FN(d_mul), op_vmul_d, op_vmulidx_d },
        { FN(s_div), op_vdiv_s, op_vdividx_s },     { FN(d_div), op_vdiv_d, op_vdividx_d },
        { FN(s_fmla), op_vfmla_s, op_vfmlaidx_s },  { FN(d_fmla), op_vfmla_d, op_vfmlaidx_d },
        { FN(s_fmls), op_vfmls_s, op_vfmlsidx_s },  { FN(d_fmls), op_vfmls_d, op_vfmlsidx_d },
    };
    static const struct {
        uint64_t fn;
        uop_fn h, hidx;
    } hw[] = {
        { FN(s_fmla), op_vfmla_s_hw, op_vfmlaidx_s_hw }, { FN(d_fmla), op_vfmla_d_hw, op_vfmlaidx_d_hw },
        { FN(s_fmls), op_vfmls_s_hw, op_vfmlsidx_s_hw }, { FN(d_fmls), op_vfmls_d_hw, op_vfmlsidx_d_hw },
    };
    if (host_has_fma())
        for (size_t i = 0; i < sizeof(hw) / sizeof(hw[0]); i++)
            if (hw[i].fn == fn)
                return idx ? hw[i].hidx : hw[i].h;
    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (tab[i].fn == fn)
            return idx ? tab[i].hidx : tab[i].h;
    return NULL;
}

/* across lanes, 4 singles: op(op(e0,e1), op(e2,e3)) */
static const struct uop *op_across_s(struct cpu *c, const struct uop *u)
{
    ebin_fn fn = (ebin_fn)(uintptr_t)u->imm;
    vreg n = c->v[u->b], r;
    uint64_t lo = fn(c, n.s[0], n.s[1]);
    uint64_t hi = fn(c, n.s[2], n.s[3]);
    r.q = 0;
    r.s[0] = (uint32_t)fn(c, lo, hi);
    c->v[u->a] = r;
    return u + 1;
}

static void set_fn(struct uop *u, uint64_t fn, unsigned rd, unsigned rn, unsigned rm, unsigned nelem)
{
    u->imm = fn;
    u->a = (uint8_t)rd;
    u->b = (uint8_t)rn;
    u->c = (uint8_t)rm;
    u->e = (uint8_t)nelem;
}

static void emit_bin(struct xlat *x, bool dbl, ebin_fn sf, ebin_fn df, unsigned rd, unsigned rn, unsigned rm,
                     unsigned nelem)
{
    uint64_t fn = dbl ? FN(df) : FN(sf);
    uop_fn h = hot_handler(fn, false);
    struct uop *u = emit(x, h ? h : dbl ? op_vbin_d : op_vbin_s);
    set_fn(u, fn, rd, rn, rm, nelem);
}

static struct uop *emit_un(struct xlat *x, bool dbl, eun_fn sf, eun_fn df, unsigned rd, unsigned rn, unsigned nelem)
{
    struct uop *u = emit(x, dbl ? op_vun_d : op_vun_s);
    set_fn(u, dbl ? FN(df) : FN(sf), rd, rn, 0, nelem);
    return u;
}

/* ---- hot scalar handlers -------------------------------------------------- */

#define SC2(name, fnd, fns, post_d, post_s)                                                 \
    static const struct uop *op_##name##_d(struct cpu *c, const struct uop *u)             \
    {                                                                                       \
        uint64_t r = fnd(c, c->v[u->b].d[0], c->v[u->c].d[0]);                              \
        c->v[u->a].q = r post_d;                                                            \
        return u + 1;                                                                       \
    }                                                                                       \
    static const struct uop *op_##name##_s(struct cpu *c, const struct uop *u)             \
    {                                                                                       \
        uint32_t r = fns(c, c->v[u->b].s[0], c->v[u->c].s[0]);                              \
        c->v[u->a].q = (uint32_t)(r post_s);                                                \
        return u + 1;                                                                       \
    }
SC2(fadd, fp64_add_fast, fp32_add_fast, , )
SC2(fsub, fp64_sub_fast, fp32_sub_fast, , )
SC2(fmul, fp64_mul_fast, fp32_mul_fast, , )
SC2(fdiv, fp64_div_fast, fp32_div_fast, , )
SC2(fnmul, fp64_mul_fast, fp32_mul_fast, ^D_SIGN, ^S_SIGN)
#undef SC2

/* FMADD family: e bit0 negates the product operand n, bit1 negates the addend. */
#define FMADD_HANDLERS(ATTR, HW)                                                            \
    ATTR static const struct uop *op_fmadd_d##HW(struct cpu *c, const struct uop *u)       \
    {                                                                                       \
        uint64_t n = c->v[u->b].d[0] ^ ((uint64_t)(u->e & 1) << 63);                        \
        uint64_t a = c->v[u->d].d[0] ^ ((uint64_t)(u->e >> 1) << 63);                       \
        c->v[u->a].q = fp64_muladd_fast(c, a, n, c->v[u->c].d[0]);                          \
        return u + 1;                                                                       \
    }                                                                                       \
    ATTR static const struct uop *op_fmadd_s##HW(struct cpu *c, const struct uop *u)       \
    {                                                                                       \
        uint32_t n = c->v[u->b].s[0] ^ ((uint32_t)(u->e & 1) << 31);                        \
        uint32_t a = c->v[u->d].s[0] ^ ((uint32_t)(u->e >> 1) << 31);                       \
        c->v[u->a].q = fp32_muladd_fast(c, a, n, c->v[u->c].s[0]);                          \
        return u + 1;                                                                       \
    }
FMADD_HANDLERS(, )
FMADD_HANDLERS(HWFMA, _hw)
#undef FMADD_HANDLERS

static const struct uop *op_fcmp_d(struct cpu *c, const struct uop *u)
{
    c->nzcv = fp64_compare_fast(c, c->v[u->b].d[0], u->f ? 0 : c->v[u->c].d[0], u->e);
    return u + 1;
}
static const struct uop *op_fcmp_s(struct cpu *c, const struct uop *u)
{
    c->nzcv = fp32_compare_fast(c, c->v[u->b].s[0], u->f ? 0 : c->v[u->c].s[0], u->e);
    return u + 1;
}
static const struct uop *op_fccmp_d(struct cpu *c, const struct uop *u)
{
    if (cond_holds(c->nzcv, u->f))
        c->nzcv = fp64_compare_fast(c, c->v[u->b].d[0], c->v[u->c].d[0], u->e);
    else
        c->nzcv = (uint32_t)u->imm;
    return u + 1;
}
static const struct uop *op_fccmp_s(struct cpu *c, const struct uop *u)
{
    if (cond_holds(c->nzcv, u->f))
        c->nzcv = fp32_compare_fast(c, c->v[u->b].s[0], c->v[u->c].s[0], u->e);
    else
        c->nzcv = (uint32_t)u->imm;
    return u + 1;
}
static const struct uop *op_fcsel_d(struct cpu *c, const struct uop *u)
{
    c->v[u->a].q = cond_holds(c->nzcv, u->f) ? c->v[u->b].d[0] : c->v[u->c].d[0];
    return u + 1;
}
static const struct uop *op_fcsel_s(struct cpu *c, const struct uop *u)
{
    c->v[u->a].q = cond_holds(c->nzcv, u->f) ? c->v[u->b].s[0] : c->v[u->c].s[0];
    return u + 1;
}
/* FMOV/FABS/FNEG scalar: (v & mask) ^ flip over the low 64 bits. */
static const struct uop *op_fmov_s(struct cpu *c, const struct uop *u)
{
    uint64_t v = c->v[u->b].d[0];
    c->v[u->a].q = (v & u->imm) ^ ((uint64_t)u->d << 56 | (uint64_t)u->e << 24);
    return u + 1;
}
static const struct uop *op_vimm(struct cpu *c, const struct uop *u)
{
    vreg r;
    r.d[0] = u->imm;
    r.d[1] = u->e ? u->imm : 0;
    c->v[u->a] = r;
    return u + 1;
}

/* ---- conversions to/from general registers --------------------------------- */

/* e bit0 unsigned, bit1 64-bit integer; d fbits; f rounding. */
static const struct uop *op_cvt_d2x(struct cpu *c, const struct uop *u)
{
    c->x[u->a] = fp64_to_fixed(c, c->v[u->b].d[0], u->d, (enum fp_rounding)u->f, u->e & 1, u->e & 2 ? 64 : 32);
    return u + 1;
}
static const struct uop *op_cvt_s2x(struct cpu *c, const struct uop *u)
{
    c->x[u->a] = fp32_to_fixed(c, c->v[u->b].s[0], u->d, (enum fp_rounding)u->f, u->e & 1, u->e & 2 ? 64 : 32);
    return u + 1;
}
/* FCVTZS Xd/Wd, Dn: truncation by the host when 1 <= |x| < 2^63 (2^31). */
static const struct uop *op_fcvtzs_d2x(struct cpu *c, const struct uop *u)
{
    uint64_t v = c->v[u->b].d[0];
    if (likely(((v >> 52 & 0x7ff) - 0x3ff) < 63)) {
        double d = fp64_d(v);
        int64_t r = (int64_t)d;
        if ((double)r != d)
            c->fpsr |= FPSR_IXC;
        c->x[u->a] = (uint64_t)r;
        return u + 1;
    }
    c->x[u->a] = fp64_to_fixed(c, v, 0, FPR_ZERO, false, 64);
    return u + 1;
}
static const struct uop *op_fcvtzs_d2w(struct cpu *c, const struct uop *u)
{
    uint64_t v = c->v[u->b].d[0];
    if (likely(((v >> 52 & 0x7ff) - 0x3ff) < 31)) {
        double d = fp64_d(v);
        int32_t r = (int32_t)d;
        if ((double)r != d)
            c->fpsr |= FPSR_IXC;
        c->x[u->a] = (uint32_t)r;
        return u + 1;
    }
    c->x[u->a] = fp64_to_fixed(c, v, 0, FPR_ZERO, false, 32);
    return u + 1;
}
/* e bit0 unsigned, bit1 64-bit source; d fbits. */
static const struct uop *op_cvt_x2d(struct cpu *c, const struct uop *u)
{
    c->v[u->a].q = fixed_to_fp64(c, c->x[u->b], u->d, u->e & 1, u->e & 2 ? 64 : 32, FPR_FPCR);
    return u + 1;
}
static const struct uop *op_cvt_x2s(struct cpu *c, const struct uop *u)
{
    c->v[u->a].q = fixed_to_fp32(c, c->x[u->b], u->d, u->e & 1, u->e & 2 ? 64 : 32, FPR_FPCR);
    return u + 1;
}
static const struct uop *op_scvtf_x2d(struct cpu *c, const struct uop *u)
{
    int64_t v = (int64_t)c->x[u->b];
    if (likely((uint64_t)v + (1ull << 53) <= (1ull << 54))) {
        c->v[u->a].q = fp64_b((double)v);
        return u + 1;
    }
    c->v[u->a].q = fixed_to_fp64(c, (uint64_t)v, 0, false, 64, FPR_FPCR);
    return u + 1;
}
static const struct uop *op_scvtf_w2d(struct cpu *c, const struct uop *u)
{
    c->v[u->a].q = fp64_b((double)(int32_t)c->x[u->b]);
    return u + 1;
}
static const struct uop *op_fmov_x2v(struct cpu *c, const struct uop *u)
{
    c->v[u->a].q = c->x[u->b] & u->imm;
    return u + 1;
}
static const struct uop *op_fmov_v2x(struct cpu *c, const struct uop *u)
{
    c->x[u->a] = c->v[u->b].d[u->e] & u->imm;
    return u + 1;
}
static const struct uop *op_fmov_x2vtop(struct cpu *c, const struct uop *u)
{
    c->v[u->a].d[1] = c->x[u->b];
    return u + 1;
}
static const struct uop *op_fjcvtzs(struct cpu *c, const struct uop *u)
{
    bool z;
    c->x[u->a] = fp64_jcvt(c, c->v[u->b].d[0], &z);
    c->nzcv = z ? NZCV_Z : 0;
    return u + 1;
}

/* ---- precision conversions ------------------------------------------------ */

/* scalar FCVT: e = from (0 S, 1 D, 3 H), f = to */
static const struct uop *op_fcvt(struct cpu *c, const struct uop *u)
{
    vreg n = c->v[u->b];
    uint64_t r;
    switch (u->e * 4 + u->f) {
    case 0 * 4 + 1: r = fp32_to_fp64(c, n.s[0]); break;
    case 0 * 4 + 3: r = fp32_to_fp16(c, n.s[0], FPR_FPCR); break;
    case 1 * 4 + 0: r = fp64_to_fp32(c, n.d[0], FPR_FPCR); break;
    case 1 * 4 + 3: r = fp64_to_fp16(c, n.d[0], FPR_FPCR); break;
    case 3 * 4 + 0: r = fp16_to_fp32(c, n.h[0]); break;
    default: r = fp16_to_fp64(c, n.h[0]); break;
    }
    c->v[u->a].q = r;
    return u + 1;
}
static const struct uop *op_fcvt_d2s(struct cpu *c, const struct uop *u)
{
    uint64_t v = c->v[u->b].d[0];
    if (likely((c->fpcr & (FPCR_RMODE_MASK | FPCR_FZ)) == 0)) {
        float f = (float)fp64_d(v);
        uint32_t r = fp32_b(f);
        if (fp32_fast_res(r)) {
            if ((double)f != fp64_d(v))
                c->fpsr |= FPSR_IXC;
            c->v[u->a].q = r;
            return u + 1;
        }
    }
    c->v[u->a].q = fp64_to_fp32(c, v, FPR_FPCR);
    return u + 1;
}
static const struct uop *op_fcvt_s2d(struct cpu *c, const struct uop *u)
{
    c->v[u->a].q = fp32_to_fp64(c, c->v[u->b].s[0]);
    return u + 1;
}

/* FCVTN/FCVTN2/FCVTXN(2): e = 1 double->single, 0 single->half; f = 1 upper
 * half (the "2" form, keeps the lower 64 bits); d = rounding. */
static const struct uop *op_fcvtn(struct cpu *c, const struct uop *u)
{
    vreg n = c->v[u->b], r = c->v[u->a];
    uint64_t lo = 0;
    if (u->e) {
        for (int i = 0; i < 2; i++)
            lo |= (uint64_t)fp64_to_fp32(c, n.d[i], (enum fp_rounding)u->d) << (32 * i);
    } else {
        for (int i = 0; i < 4; i++)
            lo |= (uint64_t)fp32_to_fp16(c, n.s[i], (enum fp_rounding)u->d) << (16 * i);
    }
    if (u->f) {
        r.d[1] = lo;
    } else {
        r.d[0] = lo;
        r.d[1] = 0;
    }
    c->v[u->a] = r;
    return u + 1;
}
/* scalar FCVTXN Sd, Dn */
static const struct uop *op_fcvtxn_s(struct cpu *c, const struct uop *u)
{
    c->v[u->a].q = fp64_to_fp32(c, c->v[u->b].d[0], FPR_ODD);
    return u + 1;
}
/* FCVTL/FCVTL2: e = 1 single->double, 0 half->single; f = from upper half */
static const struct uop *op_fcvtl(struct cpu *c, const struct uop *u)
{
    vreg n = c->v[u->b], r;
    if (u->e) {
        for (int i = 0; i < 2; i++)
            r.d[i] = fp32_to_fp64(c, n.s[2 * u->f + i]);
    } else {
        for (int i = 0; i < 4; i++)
            r.s[i] = fp16_to_fp32(c, n.h[4 * u->f + i]);
    }
    c->v[u->a] = r;
    return u + 1;
}

/* ---- FMLAL/FMLSL, FCADD, FCMLA ------------------------------------------------ */

/* e elements; f part (0/1); d: 0xff = vector form, else index; imm = negate flag */
static const struct uop *op_fmlal(struct cpu *c, const struct uop *u)
{
    vreg n = c->v[u->b], m = c->v[u->c], d = c->v[u->a], r;
    unsigned off = u->f * u->e;
    uint16_t neg = u->imm ? 0x8000 : 0;
    r.q = 0;
    for (unsigned i = 0; i < u->e; i++) {
        uint16_t mh = u->d == 0xff ? m.h[off + i] : m.h[u->d];
        r.s[i] = fp32_muladd_h(c, d.s[i], n.h[off + i] ^ neg, mh);
    }
    c->v[u->a] = r;
    return u + 1;
}

#define CPLX(SFX, F, T, SIGN, ADD, MULADD)                                                  \
    static const struct uop *op_fcadd_##SFX(struct cpu *c, const struct uop *u)            \
    {                                                                                       \
        vreg n = c->v[u->b], m = c->v[u->c], r;                                             \
        r.q = 0;                                                                            \
        for (unsigned e = 0; e < u->e / 2u; e++) {                                          \
            T e1, e3;                                                                       \
            if (u->f == 0) {                                                                \
                e1 = m.F[2 * e + 1] ^ SIGN;                                                 \
                e3 = m.F[2 * e];                                                            \
            } else {                                                                        \
                e1 = m.F[2 * e + 1];                                                        \
                e3 = m.F[2 * e] ^ SIGN;                                                     \
            }                                                                               \
            r.F[2 * e] = ADD(c, n.F[2 * e], e1);                                            \
            r.F[2 * e + 1] = ADD(c, n.F[2 * e + 1], e3);                                    \
        }                                                                                   \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }                                                                                       \
    /* d: 0xff vector, else the index of the (real, imag) pair of Vm */                     \
    static const struct uop *op_fcmla_##SFX(struct cpu *c, const struct uop *u)            \
    {                                                                                       \
        vreg n = c->v[u->b], m = c->v[u->c], d = c->v[u->a], r;                             \
        r.q = 0;                                                                            \
        for (unsigned e = 0; e < u->e / 2u; e++) {                                          \
            unsigned mi = u->d == 0xff ? 2 * e : 2u * u->d;                                 \
            T mr = m.F[mi], mim = m.F[mi + 1], e1, e2, e3, e4;                              \
            switch (u->f) {                                                                 \
            case 0: e1 = mr; e2 = n.F[2 * e]; e3 = mim; e4 = n.F[2 * e]; break;             \
            case 1: e1 = mim ^ SIGN; e2 = n.F[2 * e + 1]; e3 = mr; e4 = n.F[2 * e + 1]; break; \
            case 2: e1 = mr ^ SIGN; e2 = n.F[2 * e]; e3 = mim ^ SIGN; e4 = n.F[2 * e]; break; \
            default: e1 = mim; e2 = n.F[2 * e + 1]; e3 = mr ^ SIGN; e4 = n.F[2 * e + 1]; break; \
            }                                                                               \
            r.F[2 * e] = MULADD(c, d.F[2 * e], e2, e1);                                     \
            r.F[2 * e + 1] = MULADD(c, d.F[2 * e + 1], e4, e3);                             \
        }                                                                                   \
        c->v[u->a] = r;                                                                     \
        return u + 1;                                                                       \
    }
CPLX(s, s, uint32_t, S_SIGN, fp32_add, fp32_muladd)
CPLX(d, d, uint64_t, D_SIGN, fp64_add, fp64_muladd)
#undef CPLX

/* ===================== trans_ functions =================================== */

/* ftype: 0 single, 1 double; half (3) needs FEAT_FP16, 2 is reserved. */
static inline bool ftype_ok(unsigned ftype) { return ftype <= 1; }

static uint64_t vfp_expand_imm(unsigned imm8, bool dbl)
{
    uint64_t a = imm8 >> 7 & 1, b = imm8 >> 6 & 1, cd = imm8 >> 4 & 3, efgh = imm8 & 15;
    if (dbl) {
        uint64_t exp = (!b) << 10 | (b ? 0xffull : 0) << 2 | cd;
        return a << 63 | exp << 52 | efgh << 48;
    }
    uint64_t exp = (!b) << 7 | (b ? 0x1full : 0) << 2 | cd;
    return a << 31 | exp << 23 | efgh << 19;
}

bool trans_FP_DP2(struct xlat *x, const arg_FP_DP2 *a)
{
    if (!ftype_ok(a->ftype))
        return false;
    bool dbl = a->ftype == 1;
    uop_fn hot = NULL;
    ebin_fn sf = NULL, df = NULL;
    switch (a->opc) {
    case 0: hot = dbl ? op_fmul_d : op_fmul_s; break;
    case 1: hot = dbl ? op_fdiv_d : op_fdiv_s; break;
    case 2: hot = dbl ? op_fadd_d : op_fadd_s; break;
    case 3: hot = dbl ? op_fsub_d : op_fsub_s; break;
    case 4: sf = s_max, df = d_max; break;
    case 5: sf = s_min, df = d_min; break;
    case 6: sf = s_maxnm, df = d_maxnm; break;
    case 7: sf = s_minnm, df = d_minnm; break;
    case 8: hot = dbl ? op_fnmul_d : op_fnmul_s; break;
    default: return false;
    }
    if (hot) {
        struct uop *u = emit(x, hot);
        u->a = (uint8_t)a->rd, u->b = (uint8_t)a->rn, u->c = (uint8_t)a->rm;
    } else {
        emit_bin(x, dbl, sf, df, a->rd, a->rn, a->rm, 1);
    }
    return true;
}

bool trans_FP_DP3(struct xlat *x, const arg_FP_DP3 *a)
{
    if (!ftype_ok(a->ftype))
        return false;
    bool hw = host_has_fma();
    struct uop *u = emit(x, a->ftype ? (hw ? op_fmadd_d_hw : op_fmadd_d) : (hw ? op_fmadd_s_hw : op_fmadd_s));
    u->a = (uint8_t)a->rd, u->b = (uint8_t)a->rn, u->c = (uint8_t)a->rm, u->d = (uint8_t)a->ra;
    /* FMADD o1=0 o0=0; FMSUB 0 1 (-n); FNMADD 1 0 (-n, -a); FNMSUB 1 1 (-a) */
    static const uint8_t neg[4] = { 0, 1, 3, 2 };
    u->e = neg[a->o1 * 2 + a->o0];
    return true;
}

bool trans_FP_DP1(struct xlat *x, const arg_FP_DP1 *a)
{
    unsigned opc = a->opc;
    if (opc >= 4 && opc <= 7) { /* FCVT between precisions */
        unsigned to = opc & 3;
        if (a->ftype == 2 || to == 2 || to == a->ftype)
            return false;
        uop_fn fn = op_fcvt;
        if (a->ftype == 1 && to == 0)
            fn = op_fcvt_d2s;
        else if (a->ftype == 0 && to == 1)
            fn = op_fcvt_s2d;
        struct uop *u = emit(x, fn);
        u->a = (uint8_t)a->rd, u->b = (uint8_t)a->rn, u->e = (uint8_t)a->ftype, u->f = (uint8_t)to;
        return true;
    }
    if (!ftype_ok(a->ftype))
        return false;
    bool dbl = a->ftype == 1;
    struct uop *u;
    switch (opc) {
    case 0: case 1: case 2: /* FMOV, FABS, FNEG */
        u = emit(x, op_fmov_s);
        u->a = (uint8_t)a->rd, u->b = (uint8_t)a->rn;
        u->imm = dbl ? ~0ull : 0xffffffffull;
        if (opc == 1)
            u->imm &= dbl ? ~D_SIGN : ~(uint64_t)S_SIGN;
        if (opc == 2) {
            if (dbl)
                u->d = 0x80;
            else
                u->e = 0x80;
        }
        return true;
    case 3:
        emit_un(x, dbl, s_sqrt, d_sqrt, a->rd, a->rn, 1);
        return true;
    case 8: case 9: case 10: case 11: case 12: case 14: case 15: {
        static const uint8_t rm[8] = { FPR_TIEEVEN, FPR_POSINF, FPR_NEGINF, FPR_ZERO, FPR_TIEAWAY, 0, FPR_FPCR, FPR_FPCR };
        u = emit_un(x, dbl, s_frint, d_frint, a->rd, a->rn, 1);
        u->f = rm[opc - 8];
        u->d = opc == 14; /* FRINTX */
        return true;
    }
    case 16: case 17: case 18: case 19:
        if (!has_frintts(x))
            return false;
        u = emit_un(x, dbl, s_frintn, d_frintn, a->rd, a->rn, 1);
        u->f = opc & 1 ? FPR_FPCR : FPR_ZERO;
        u->d = opc & 2 ? 64 : 32;
        return true;
    default:
        return false;
    }
}

bool trans_FCMP(struct xlat *x, const arg_FCMP *a)
{
    if (!ftype_ok(a->ftype))
        return false;
    struct uop *u = emit(x, a->ftype ? op_fcmp_d : op_fcmp_s);
    u->b = (uint8_t)a->rn, u->c = (uint8_t)a->rm, u->e = (uint8_t)a->e, u->f = (uint8_t)a->z;
    return true;
}

bool trans_FCCMP(struct xlat *x, const arg_FCCMP *a)
{
    if (!ftype_ok(a->ftype))
        return false;
    struct uop *u = emit(x, a->ftype ? op_fccmp_d : op_fccmp_s);
    u->b = (uint8_t)a->rn, u->c = (uint8_t)a->rm, u->e = (uint8_t)a->e, u->f = (uint8_t)a->cond;
    u->imm = (uint64_t)a->nzcv << 28;
    return true;
}

bool trans_FCSEL(struct xlat *x, const arg_FCSEL *a)
{
    if (!ftype_ok(a->ftype))
        return false;
    struct uop *u = emit(x, a->ftype ? op_fcsel_d : op_fcsel_s);
    u->a = (uint8_t)a->rd, u->b = (uint8_t)a->rn, u->c = (uint8_t)a->rm, u->f = (uint8_t)a->cond;
    return true;
}

bool trans_FMOV_imm(struct xlat *x, const arg_FMOV_imm *a)
{
    if (!ftype_ok(a->ftype))
        return false;
    struct uop *u = emit(x, op_vimm);
    u->a = (uint8_t)a->rd;
    u->imm = vfp_expand_imm(a->imm8, a->ftype == 1);
    return true;
}

static void emit_to_gp(struct xlat *x, bool dbl, unsigned rd, unsigned rn, int fbits, enum fp_rounding rm, bool uns,
                       bool x64)
{
    uop_fn fn = dbl ? op_cvt_d2x : op_cvt_s2x;
    if (dbl && fbits == 0 && rm == FPR_ZERO && !uns)
        fn = x64 ? op_fcvtzs_d2x : op_fcvtzs_d2w;
    struct uop *u = emit(x, fn);
    u->a = wx(rd), u->b = (uint8_t)rn;
    u->d = (uint8_t)fbits, u->f = (uint8_t)rm, u->e = (uint8_t)(uns | x64 << 1);
}

static void emit_from_gp(struct xlat *x, bool dbl, unsigned rd, unsigned rn, int fbits, bool uns, bool x64)
{
    uop_fn fn = dbl ? op_cvt_x2d : op_cvt_x2s;
    if (dbl && fbits == 0 && !uns)
        fn = x64 ? op_scvtf_x2d : op_scvtf_w2d;
    struct uop *u = emit(x, fn);
    u->a = (uint8_t)rd, u->b = rx(rn);
    u->d = (uint8_t)fbits, u->e = (uint8_t)(uns | x64 << 1);
}

bool trans_FCVT_FIXED(struct xlat *x, const arg_FCVT_FIXED *a)
{
    if (!ftype_ok(a->ftype) || (!a->sf && !(a->scale & 32)))
        return false;
    int fbits = 64 - (int)a->scale;
    bool dbl = a->ftype == 1;
    if (a->rmode == 3 && a->opc <= 1) {
        emit_to_gp(x, dbl, a->rd, a->rn, fbits, FPR_ZERO, a->opc & 1, a->sf);
        return true;
    }
    if (a->rmode == 0 && (a->opc == 2 || a->opc == 3)) {
        emit_from_gp(x, dbl, a->rd, a->rn, fbits, a->opc & 1, a->sf);
        return true;
    }
    return false;
}

bool trans_FCVT_INT(struct xlat *x, const arg_FCVT_INT *a)
{
    unsigned opc = a->opc;
    if (opc >= 6) { /* FMOV, FJCVTZS */
        struct uop *u;
        unsigned key = a->sf << 4 | a->ftype << 2 | a->rmode;
        if (key == (0 << 4 | 1 << 2 | 3) && opc == 6) {
            if (!has_jscvt(x))
                return false;
            u = emit(x, op_fjcvtzs);
            u->a = wx(a->rd), u->b = (uint8_t)a->rn;
            return true;
        }
        uint64_t mask;
        int elem = 0;
        if (key == (0 << 4 | 0 << 2 | 0))
            mask = 0xffffffffull;
        else if (key == (1 << 4 | 1 << 2 | 0))
            mask = ~0ull;
        else if (key == (1 << 4 | 2 << 2 | 1))
            mask = ~0ull, elem = 1;
        else
            return false; /* half-precision FMOV needs FEAT_FP16 */
        if (opc == 6) {
            u = emit(x, op_fmov_v2x);
            u->a = wx(a->rd), u->b = (uint8_t)a->rn, u->e = (uint8_t)elem, u->imm = mask;
        } else if (elem) {
            u = emit(x, op_fmov_x2vtop);
            u->a = (uint8_t)a->rd, u->b = rx(a->rn);
        } else {
            u = emit(x, op_fmov_x2v);
            u->a = (uint8_t)a->rd, u->b = rx(a->rn), u->imm = mask;
        }
        return true;
    }
    if (!ftype_ok(a->ftype))
        return false;
    bool dbl = a->ftype == 1;
    switch (opc) {
    case 0: case 1:
        emit_to_gp(x, dbl, a->rd, a->rn, 0, (enum fp_rounding)a->rmode, opc & 1, a->sf);
        return true;
    case 2: case 3:
        if (a->rmode)
            return false;
        emit_from_gp(x, dbl, a->rd, a->rn, 0, opc & 1, a->sf);
        return true;
    default: /* 4, 5: FCVTAS/FCVTAU */
        if (a->rmode)
            return false;
        emit_to_gp(x, dbl, a->rd, a->rn, 0, FPR_TIEAWAY, opc & 1, a->sf);
        return true;
    }
}

/* ---- AdvSIMD three same --------------------------------------------------- */

enum { K_BIN, K_TER, K_PAIR };

static bool three_same_fn(unsigned u, unsigned a, unsigned opc, bool scalar, int *kind, ebin_fn *sf, ebin_fn *df,
                          eter_fn *st, eter_fn *dt)
{
    unsigned key = u << 4 | a << 3 | opc;
    *kind = K_BIN;
#define B(s, d) (*sf = s, *df = d)
    switch (key) {
    case 0x03: B(s_mulx, d_mulx); return true;
    case 0x04: B(s_cmeq, d_cmeq); return true;
    case 0x07: B(s_recps, d_recps); return true;
    case 0x0f: B(s_rsqrts, d_rsqrts); return true;
    case 0x14: B(s_cmge, d_cmge); return true;
    case 0x15: B(s_acge, d_acge); return true;
    case 0x1a: B(s_abd, d_abd); return true;
    case 0x1c: B(s_cmgt, d_cmgt); return true;
    case 0x1d: B(s_acgt, d_acgt); return true;
    }
    if (scalar)
        return false;
    switch (key) {
    case 0x00: B(s_maxnm, d_maxnm); return true;
    case 0x01: *kind = K_TER; *st = s_fmla, *dt = d_fmla; return true;
    case 0x02: B(s_add, d_add); return true;
    case 0x06: B(s_max, d_max); return true;
    case 0x08: B(s_minnm, d_minnm); return true;
    case 0x09: *kind = K_TER; *st = s_fmls, *dt = d_fmls; return true;
    case 0x0a: B(s_sub, d_sub); return true;
    case 0x0e: B(s_min, d_min); return true;
    case 0x10: *kind = K_PAIR; B(s_maxnm, d_maxnm); return true;
    case 0x12: *kind = K_PAIR; B(s_add, d_add); return true;
    case 0x13: B(s_mul, d_mul); return true;
    case 0x16: *kind = K_PAIR; B(s_max, d_max); return true;
    case 0x17: B(s_div, d_div); return true;
    case 0x18: *kind = K_PAIR; B(s_minnm, d_minnm); return true;
    case 0x1e: *kind = K_PAIR; B(s_min, d_min); return true;
    }
#undef B
    return false;
}

bool trans_V3SAME_FP(struct xlat *x, const arg_V3SAME_FP *a)
{
    /* FMLAL/FMLSL (opc 101, U=0) and FMLAL2/FMLSL2 (opc 001, U=1), sz=0 */
    if (a->sz == 0 && ((a->u == 0 && a->opc == 5) || (a->u == 1 && a->opc == 1))) {
        if (!has_fhm(x))
            return false;
        struct uop *u = emit(x, op_fmlal);
        set_fn(u, a->a, a->rd, a->rn, a->rm, a->q ? 4 : 2);
        u->f = (uint8_t)a->u;
        u->d = 0xff;
        return true;
    }
    if (a->sz && !a->q)
        return false;
    int kind;
    ebin_fn sf = NULL, df = NULL;
    eter_fn st = NULL, dt = NULL;
    if (!three_same_fn(a->u, a->a, a->opc, false, &kind, &sf, &df, &st, &dt))
        return false;
    bool dbl = a->sz;
    unsigned n = (a->q ? 128 : 64) / (dbl ? 64 : 32);
    struct uop *u;
    switch (kind) {
    case K_TER: {
        uop_fn h = hot_handler(dbl ? FN(dt) : FN(st), false);
        u = emit(x, h ? h : dbl ? op_vter_d : op_vter_s);
        set_fn(u, dbl ? FN(dt) : FN(st), a->rd, a->rn, a->rm, n);
        }
        break;
    case K_PAIR:
        u = emit(x, dbl ? op_vpair_d : op_vpair_s);
        set_fn(u, dbl ? FN(df) : FN(sf), a->rd, a->rn, a->rm, n);
        break;
    default:
        emit_bin(x, dbl, sf, df, a->rd, a->rn, a->rm, n);
        break;
    }
    return true;
}

bool trans_S3SAME_FP(struct xlat *x, const arg_S3SAME_FP *a)
{
    int kind;
    ebin_fn sf = NULL, df = NULL;
    eter_fn st = NULL, dt = NULL;
    if (!three_same_fn(a->u, a->a, a->opc, true, &kind, &sf, &df, &st, &dt))
        return false;
    emit_bin(x, a->sz, sf, df, a->rd, a->rn, a->rm, 1);
    return true;
}

/* ---- FCMLA / FCADD ---------------------------------------------------------- */

bool trans_FCMLA_vec(struct xlat *x, const arg_FCMLA_vec *a)
{
    if (!has_fcma(x) || a->size < 2 || (a->size == 3 && !a->q))
        return false;
    bool dbl = a->size == 3;
    struct uop *u = emit(x, dbl ? op_fcmla_d : op_fcmla_s);
    set_fn(u, 0, a->rd, a->rn, a->rm, (a->q ? 128 : 64) / (dbl ? 64 : 32));
    u->f = (uint8_t)a->rot;
    u->d = 0xff;
    return true;
}

bool trans_FCADD_vec(struct xlat *x, const arg_FCADD_vec *a)
{
    if (!has_fcma(x) || a->size < 2 || (a->size == 3 && !a->q))
        return false;
    bool dbl = a->size == 3;
    struct uop *u = emit(x, dbl ? op_fcadd_d : op_fcadd_s);
    set_fn(u, 0, a->rd, a->rn, a->rm, (a->q ? 128 : 64) / (dbl ? 64 : 32));
    u->f = (uint8_t)a->rot;
    return true;
}

bool trans_VIDX_FCMLA(struct xlat *x, const arg_VIDX_FCMLA *a)
{
    /* size 01 is half precision (FEAT_FP16); size 10: index H, L must be 0, Q must be 1 */
    if (!has_fcma(x) || a->size != 2 || a->l || !a->q)
        return false;
    struct uop *u = emit(x, op_fcmla_s);
    set_fn(u, 0, a->rd, a->rn, a->m << 4 | a->rm, 4);
    u->f = (uint8_t)a->rot;
    u->d = (uint8_t)a->h;
    return true;
}

/* ---- two-register misc ------------------------------------------------------ */

/* opc is the low 3 bits of an 11xxx opcode; returns false if unallocated. */
static bool misc_hi(struct xlat *x, unsigned u, unsigned a, unsigned sz, unsigned opc, bool scalar, unsigned rd,
                    unsigned rn, unsigned nelem)
{
    bool dbl = sz;
    unsigned key = u << 4 | a << 3 | opc;
    struct uop *up;
    static const uint8_t cvt_rm[2][4] = { { FPR_TIEEVEN, FPR_NEGINF, FPR_TIEAWAY, 0 },
                                          { FPR_POSINF, FPR_ZERO, 0, 0 } };
    switch (key) {
    case 0x00: case 0x01: case 0x08: case 0x09: /* FRINTN, FRINTM, FRINTP, FRINTZ */
    case 0x10: case 0x11: case 0x19:           /* FRINTA, FRINTX, FRINTI */
        if (scalar)
            return false;
        up = emit_un(x, dbl, s_frint, d_frint, rd, rn, nelem);
        switch (key) {
        case 0x00: up->f = FPR_TIEEVEN; break;
        case 0x01: up->f = FPR_NEGINF; break;
        case 0x08: up->f = FPR_POSINF; break;
        case 0x09: up->f = FPR_ZERO; break;
        case 0x10: up->f = FPR_TIEAWAY; break;
        default: up->f = FPR_FPCR; break;
        }
        up->d = key == 0x11;
        return true;
    case 0x06: case 0x07: case 0x16: case 0x17: /* FRINT32Z, FRINT64Z, FRINT32X, FRINT64X */
        if (scalar || !has_frintts(x))
            return false;
        up = emit_un(x, dbl, s_frintn, d_frintn, rd, rn, nelem);
        up->f = u ? FPR_FPCR : FPR_ZERO;
        up->d = opc & 1 ? 64 : 32;
        return true;
    case 0x02: case 0x03: case 0x04: case 0x0a: case 0x0b: /* FCVT{N,M,A,P,Z}S */
    case 0x12: case 0x13: case 0x14: case 0x1a: case 0x1b: /* ...U */
        up = emit_un(x, dbl, s_tofix, d_tofix, rd, rn, nelem);
        up->f = cvt_rm[a][opc - 2];
        up->c = (uint8_t)u;
        up->d = 0;
        return true;
    case 0x05: case 0x15: /* SCVTF, UCVTF */
        up = emit_un(x, dbl, s_fromfix, d_fromfix, rd, rn, nelem);
        up->c = (uint8_t)u;
        up->d = 0;
        return true;
    case 0x0c: /* URECPE */
    case 0x1c: /* URSQRTE */
        if (scalar || dbl)
            return false;
        emit_un(x, false, key == 0x0c ? s_urecpe : s_ursqrte, NULL, rd, rn, nelem);
        return true;
    case 0x0d: emit_un(x, dbl, s_recpe, d_recpe, rd, rn, nelem); return true;
    case 0x1d: emit_un(x, dbl, s_rsqrte, d_rsqrte, rd, rn, nelem); return true;
    case 0x0f: /* FRECPX (scalar only) */
        if (!scalar)
            return false;
        emit_un(x, dbl, s_recpx, d_recpx, rd, rn, nelem);
        return true;
    case 0x1f: /* FSQRT (vector only) */
        if (scalar)
            return false;
        emit_un(x, dbl, s_sqrt, d_sqrt, rd, rn, nelem);
        return true;
    }
    return false;
}

bool trans_V2MISC_FP_HI(struct xlat *x, const arg_V2MISC_FP_HI *a)
{
    if (a->sz && !a->q)
        return false;
    return misc_hi(x, a->u, a->a, a->sz, a->opc, false, a->rd, a->rn, (a->q ? 128 : 64) / (a->sz ? 64 : 32));
}

bool trans_S2MISC_FP_HI(struct xlat *x, const arg_S2MISC_FP_HI *a)
{
    return misc_hi(x, a->u, a->a, a->sz, a->opc, true, a->rd, a->rn, 1);
}

/* 011xx with a=1: compares against zero, FABS, FNEG */
static bool misc_cmp(struct xlat *x, unsigned u, unsigned sz, unsigned opc, bool scalar, unsigned rd, unsigned rn,
                     unsigned nelem)
{
    bool dbl = sz;
    struct uop *up;
    switch (u << 2 | opc) {
    case 0: up = emit_un(x, dbl, s_cmz, d_cmz, rd, rn, nelem); up->d = 0; return true; /* FCMGT */
    case 1: up = emit_un(x, dbl, s_cmz, d_cmz, rd, rn, nelem); up->d = 1; return true; /* FCMEQ */
    case 2: up = emit_un(x, dbl, s_cmz, d_cmz, rd, rn, nelem); up->d = 2; return true; /* FCMLT */
    case 4: up = emit_un(x, dbl, s_cmz, d_cmz, rd, rn, nelem); up->d = 3; return true; /* FCMGE */
    case 5: up = emit_un(x, dbl, s_cmz, d_cmz, rd, rn, nelem); up->d = 4; return true; /* FCMLE */
    case 3: /* FABS */
        if (scalar)
            return false;
        emit_un(x, dbl, s_abs, d_abs, rd, rn, nelem);
        return true;
    case 7: /* FNEG */
        if (scalar)
            return false;
        emit_un(x, dbl, s_neg, d_neg, rd, rn, nelem);
        return true;
    }
    return false;
}

bool trans_V2MISC_FP_CMP(struct xlat *x, const arg_V2MISC_FP_CMP *a)
{
    if (a->sz && !a->q)
        return false;
    return misc_cmp(x, a->u, a->sz, a->opc, false, a->rd, a->rn, (a->q ? 128 : 64) / (a->sz ? 64 : 32));
}

bool trans_S2MISC_FP_CMP(struct xlat *x, const arg_S2MISC_FP_CMP *a)
{
    return misc_cmp(x, a->u, a->sz, a->opc, true, a->rd, a->rn, 1);
}

bool trans_V2MISC_FP_CVT(struct xlat *x, const arg_V2MISC_FP_CVT *a)
{
    struct uop *u;
    if (a->l) { /* FCVTL(2) */
        if (a->u)
            return false;
        u = emit(x, op_fcvtl);
    } else {
        if (a->u && !a->sz) /* FCVTXN needs sz=1 */
            return false;
        u = emit(x, op_fcvtn);
        u->d = a->u ? FPR_ODD : FPR_FPCR;
    }
    u->a = (uint8_t)a->rd, u->b = (uint8_t)a->rn;
    u->e = (uint8_t)a->sz, u->f = (uint8_t)a->q;
    return true;
}

bool trans_S2MISC_FCVTXN(struct xlat *x, const arg_S2MISC_FCVTXN *a)
{
    if (!a->sz)
        return false;
    struct uop *u = emit(x, op_fcvtxn_s);
    u->a = (uint8_t)a->rd, u->b = (uint8_t)a->rn;
    return true;
}

/* ---- pairwise / across ------------------------------------------------------ */

static bool pair_fn(unsigned a, unsigned opc, ebin_fn *sf, ebin_fn *df)
{
    switch (a << 2 | opc) {
    case 0: *sf = s_maxnm, *df = d_maxnm; return true;
    case 1: *sf = s_add, *df = d_add; return true;
    case 3: *sf = s_max, *df = d_max; return true;
    case 4: *sf = s_minnm, *df = d_minnm; return true;
    case 7: *sf = s_min, *df = d_min; return true;
    }
    return false;
}

bool trans_SPAIR_FP(struct xlat *x, const arg_SPAIR_FP *a)
{
    ebin_fn sf, df;
    if (!pair_fn(a->a, a->opc, &sf, &df))
        return false;
    struct uop *u = emit(x, a->sz ? op_spair_d : op_spair_s);
    set_fn(u, a->sz ? FN(df) : FN(sf), a->rd, a->rn, 0, 1);
    return true;
}

bool trans_VACROSS_FP(struct xlat *x, const arg_VACROSS_FP *a)
{
    ebin_fn sf, df;
    if (a->opc == 1 || !pair_fn(a->a, a->opc, &sf, &df) || a->sz || !a->q)
        return false;
    struct uop *u = emit(x, op_across_s);
    set_fn(u, FN(sf), a->rd, a->rn, 0, 4);
    return true;
}

/* ---- by element ------------------------------------------------------------- */

/* Decode index and Vm for FP by-element forms; false if unallocated. */
static bool idx_decode(unsigned sz, unsigned l, unsigned h, unsigned m, unsigned rm, unsigned *index, unsigned *reg)
{
    if (sz) {
        if (l)
            return false;
        *index = h;
    } else {
        *index = h << 1 | l;
    }
    *reg = m << 4 | rm;
    return true;
}

static bool emit_idx(struct xlat *x, unsigned q, unsigned sz, unsigned l, unsigned m, unsigned h, unsigned rm,
                     unsigned rn, unsigned rd, bool ter, uint64_t sfn, uint64_t dfn, bool scalar)
{
    unsigned index, reg;
    if (!idx_decode(sz, l, h, m, rm, &index, &reg))
        return false;
    if (!scalar && sz && !q)
        return false;
    bool dbl = sz;
    uop_fn hot = hot_handler(dbl ? dfn : sfn, true);
    struct uop *u = emit(x, hot ? hot : ter ? (dbl ? op_vteridx_d : op_vteridx_s) : (dbl ? op_vbinidx_d : op_vbinidx_s));
    set_fn(u, dbl ? dfn : sfn, rd, rn, reg, scalar ? 1 : (q ? 128 : 64) / (dbl ? 64 : 32));
    u->d = (uint8_t)index;
    return true;
}

bool trans_VIDX_FMLA(struct xlat *x, const arg_VIDX_FMLA *a)
{
    return emit_idx(x, a->q, a->sz, a->l, a->m, a->h, a->rm, a->rn, a->rd, true,
                    a->s ? FN(s_fmls) : FN(s_fmla), a->s ? FN(d_fmls) : FN(d_fmla), false);
}
bool trans_VIDX_FMUL(struct xlat *x, const arg_VIDX_FMUL *a)
{
    return emit_idx(x, a->q, a->sz, a->l, a->m, a->h, a->rm, a->rn, a->rd, false,
                    a->u ? FN(s_mulx) : FN(s_mul), a->u ? FN(d_mulx) : FN(d_mul), false);
}
bool trans_SIDX_FMLA(struct xlat *x, const arg_SIDX_FMLA *a)
{
    return emit_idx(x, 1, a->sz, a->l, a->m, a->h, a->rm, a->rn, a->rd, true,
                    a->s ? FN(s_fmls) : FN(s_fmla), a->s ? FN(d_fmls) : FN(d_fmla), true);
}
bool trans_SIDX_FMUL(struct xlat *x, const arg_SIDX_FMUL *a)
{
    return emit_idx(x, 1, a->sz, a->l, a->m, a->h, a->rm, a->rn, a->rd, false,
                    a->u ? FN(s_mulx) : FN(s_mul), a->u ? FN(d_mulx) : FN(d_mul), true);
}

static bool fmlal_idx(struct xlat *x, unsigned q, unsigned part, unsigned s, unsigned l, unsigned m, unsigned h,
                      unsigned rm, unsigned rn, unsigned rd)
{
    if (!has_fhm(x))
        return false;
    struct uop *u = emit(x, op_fmlal);
    set_fn(u, s, rd, rn, rm, q ? 4 : 2); /* Vm is V0-V15 */
    u->f = (uint8_t)part;
    u->d = (uint8_t)(h << 2 | l << 1 | m);
    return true;
}
bool trans_VIDX_FMLAL(struct xlat *x, const arg_VIDX_FMLAL *a)
{
    return fmlal_idx(x, a->q, 0, a->s, a->l, a->m, a->h, a->rm, a->rn, a->rd);
}
bool trans_VIDX_FMLAL2(struct xlat *x, const arg_VIDX_FMLAL2 *a)
{
    return fmlal_idx(x, a->q, 1, a->s, a->l, a->m, a->h, a->rm, a->rn, a->rd);
}

/* ---- shift by immediate: fixed-point conversions ------------------------------ */

static bool shift_cvt(struct xlat *x, unsigned q, unsigned u, unsigned immh, unsigned immb, unsigned rn, unsigned rd,
                      bool to_fp, bool scalar)
{
    bool dbl;
    int fbits;
    if (immh & 8) {
        dbl = true;
        fbits = 128 - (int)(immh << 3 | immb);
    } else if (immh & 4) {
        dbl = false;
        fbits = 64 - (int)(immh << 3 | immb);
    } else {
        return false; /* 001x: half precision (FEAT_FP16); 0000: not this class */
    }
    if (!scalar && dbl && !q)
        return false;
    unsigned n = scalar ? 1 : (q ? 128 : 64) / (dbl ? 64 : 32);
    struct uop *up;
    if (to_fp) {
        up = emit_un(x, dbl, s_fromfix, d_fromfix, rd, rn, n);
    } else {
        up = emit_un(x, dbl, s_tofix, d_tofix, rd, rn, n);
        up->f = FPR_ZERO;
    }
    up->c = (uint8_t)u;
    up->d = (uint8_t)fbits;
    return true;
}

#define SHIFT_TRANS(NAME, Q, PREFIX, TO_FP, SCALAR)                                       \
    bool trans_##NAME(struct xlat *x, const arg_##NAME *a)                                  \
    {                                                                                       \
        return shift_cvt(x, Q, a->u, PREFIX | a->immh, a->immb, a->rn, a->rd, TO_FP, SCALAR); \
    }
SHIFT_TRANS(VSHIFT_CVTF_D, a->q, 8, true, false)
SHIFT_TRANS(VSHIFT_CVTF_S, a->q, 4, true, false)
SHIFT_TRANS(VSHIFT_FCVTZ_D, a->q, 8, false, false)
SHIFT_TRANS(VSHIFT_FCVTZ_S, a->q, 4, false, false)
SHIFT_TRANS(SSHIFT_CVTF_D, 1, 8, true, true)
SHIFT_TRANS(SSHIFT_CVTF_S, 1, 4, true, true)
SHIFT_TRANS(SSHIFT_FCVTZ_D, 1, 8, false, true)
SHIFT_TRANS(SSHIFT_FCVTZ_S, 1, 4, false, true)
#undef SHIFT_TRANS

/* ---- FMOV (vector, immediate) ----------------------------------------------- */

bool trans_VFMOV_imm(struct xlat *x, const arg_VFMOV_imm *a)
{
    unsigned imm8 = a->abc << 5 | a->defgh;
    uint64_t v;
    if (a->op) {
        if (!a->q)
            return false;
        v = vfp_expand_imm(imm8, true);
    } else {
        uint64_t s = vfp_expand_imm(imm8, false);
        v = s << 32 | s;
    }
    struct uop *u = emit(x, op_vimm);
    u->a = (uint8_t)a->rd;
    u->imm = v;
    u->e = (uint8_t)a->q;
    return true;
}
