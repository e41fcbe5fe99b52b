/* Integer Advanced SIMD (Arm ARM C4.1.95, integer parts): the trans_
 * functions of simd.decode and the hand-written handlers (copy, modified
 * immediate, permutes, table lookup, dot product).
 *
 * Each trans_ resolves at translate time the operation, element size and
 * shape (64-bit vector / 128-bit vector / scalar) to one specialised handler
 * from the generated families (simd-ew.c, simd-ew2.c, simd-wide.c, see
 * simd-internal.h).  Reserved size/Q combinations, FP opcodes (fp.decode)
 * and the 64-bit PMULL (crypto.decode) return false.
 *
 * On x86 hosts, operations the compiler cannot vectorise well from the
 * generic element expressions (byte shifts, saturating 8/16-bit add/sub,
 * widening 16-bit multiplies, permutes, REV, EXT, across-lanes min/max/add,
 * dot products, polynomial multiply) get SSE2 handlers chosen at translate
 * time; the generic handlers remain the portable fallback (tests pass with
 * -U__SSE2__ too). */
#include "simd-internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static bool have_rdm(struct xlat *x)
{
    return (x->cpu->model->id_aa64isar0 >> 28 & 0xf) >= 1;
}

static bool have_dotprod(struct xlat *x)
{
    return (x->cpu->model->id_aa64isar0 >> 44 & 0xf) >= 1;
}

static struct uop *vop(struct xlat *x, uop_fn fn, unsigned rd, unsigned rn, unsigned rm)
{
    struct uop *u = emit(x, fn);
    u->a = (uint8_t)rd;
    u->b = (uint8_t)rn;
    u->c = (uint8_t)rm;
    return u;
}

/* A family of same-width handlers with the sizes valid in vector form (vs)
 * and scalar form (ss), as bit masks over size. */
struct fam {
    const uop_fn (*f)[3];
    uint8_t vs, ss;
};
#define F(n, v, s) { simd_##n, v, s }

/* Emit an element-wise family member: variant 0/1 = 64/128-bit vector, 2 = scalar. */
static bool emit_fam(struct xlat *x, const struct fam *f, unsigned size, unsigned q, bool scalar,
                     unsigned rd, unsigned rn, unsigned rm, uint64_t imm)
{
    if (!f->f)
        return false;
    if (scalar ? !(f->ss >> size & 1) : (!(f->vs >> size & 1) || (size == 3 && !q)))
        return false;
    uop_fn fn = f->f[size][scalar ? 2 : q];
    if (!fn)
        return false;
    struct uop *u = vop(x, fn, rd, rn, rm);
    u->imm = imm;
    return true;
}

/* ---- three same ---------------------------------------------------------- */

static const struct fam t3same[2][24] = {
    {
        F(shadd, 7, 0), F(sqadd, 15, 15), F(srhadd, 7, 0), { 0 }, F(shsub, 7, 0), F(sqsub, 15, 15),
        F(cmgt, 15, 8), F(cmge, 15, 8), F(sshl, 15, 8), F(sqshl, 15, 15), F(srshl, 15, 8),
        F(sqrshl, 15, 15), F(smax, 7, 0), F(smin, 7, 0), F(sabd, 7, 0), F(saba, 7, 0), F(add, 15, 8),
        F(cmtst, 15, 8), F(mla, 7, 0), F(mul, 7, 0), F(smaxp, 7, 0), F(sminp, 7, 0),
        F(sqdmulh, 6, 6), F(addp, 15, 0),
    },
    {
        F(uhadd, 7, 0), F(uqadd, 15, 15), F(urhadd, 7, 0), { 0 }, F(uhsub, 7, 0), F(uqsub, 15, 15),
        F(cmhi, 15, 8), F(cmhs, 15, 8), F(ushl, 15, 8), F(uqshl, 15, 15), F(urshl, 15, 8),
        F(uqrshl, 15, 15), F(umax, 7, 0), F(umin, 7, 0), F(uabd, 7, 0), F(uaba, 7, 0), F(sub, 15, 8),
        F(cmeq, 15, 8), F(mls, 7, 0), F(pmul, 1, 0), F(umaxp, 7, 0), F(uminp, 7, 0),
        F(sqrdmulh, 6, 6), { 0 },
    },
};

static const uop_fn (*const tlogic[2][4])[3] = {
    { simd_and, simd_bic, simd_orr, simd_orn },
    { simd_eor, simd_bsl, simd_bit, simd_bif },
};

#if defined(__SSE2__)
/* SQADD/UQADD/SQSUB/UQSUB on 8/16-bit lanes are single SSE2 instructions;
 * QC is set when the saturating and the wrapping results differ. */
#define SAT_FN(NAME, SAT, WRAP, Q)                                                              \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        __m128i m = _mm_load_si128((const __m128i *)&c->v[u->c]);                               \
        __m128i s = SAT(n, m), w = WRAP(n, m);                                                  \
        if (!(Q)) {                                                                             \
            s = _mm_move_epi64(s);                                                              \
            w = _mm_move_epi64(w);                                                              \
        }                                                                                       \
        _mm_store_si128((__m128i *)&c->v[u->a], s);                                             \
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(s, w)) != 0xffff)                                  \
            c->fpsr |= FPSR_QC;                                                                 \
        return u + 1;                                                                           \
    }
#define SAT_FNS(OP, SAT, WRAP)                                                                  \
    SAT_FN(op_##OP##_d, SAT, WRAP, 0)                                                           \
    SAT_FN(op_##OP##_q, SAT, WRAP, 1)
SAT_FNS(sqadd8, _mm_adds_epi8, _mm_add_epi8)
SAT_FNS(sqadd16, _mm_adds_epi16, _mm_add_epi16)
SAT_FNS(uqadd8, _mm_adds_epu8, _mm_add_epi8)
SAT_FNS(uqadd16, _mm_adds_epu16, _mm_add_epi16)
SAT_FNS(sqsub8, _mm_subs_epi8, _mm_sub_epi8)
SAT_FNS(sqsub16, _mm_subs_epi16, _mm_sub_epi16)
SAT_FNS(uqsub8, _mm_subs_epu8, _mm_sub_epi8)
SAT_FNS(uqsub16, _mm_subs_epu16, _mm_sub_epi16)
static const uop_fn tsat_sse[2][2][2][2] = { /* [sub][u][size][q] */
    { { { op_sqadd8_d, op_sqadd8_q }, { op_sqadd16_d, op_sqadd16_q } },
      { { op_uqadd8_d, op_uqadd8_q }, { op_uqadd16_d, op_uqadd16_q } } },
    { { { op_sqsub8_d, op_sqsub8_q }, { op_sqsub16_d, op_sqsub16_q } },
      { { op_uqsub8_d, op_uqsub8_q }, { op_uqsub16_d, op_uqsub16_q } } },
};
#endif

#if defined(__SSE2__)
/* PMUL / PMULL on bytes: carry-less multiply as 8 masked shift-and-XOR
 * steps over all lanes at once. */
static inline __m128i clmul8_lanes(__m128i a, __m128i b)
{
    __m128i r = _mm_setzero_si128();
    for (int k = 0; k < 8; k++) {
        __m128i bit = _mm_set1_epi8((char)(1 << k));
        __m128i m = _mm_cmpeq_epi8(_mm_and_si128(b, bit), bit);
        __m128i sh = _mm_and_si128(_mm_sll_epi16(a, _mm_cvtsi32_si128(k)), _mm_set1_epi8((char)(0xff << k)));
        r = _mm_xor_si128(r, _mm_and_si128(sh, m));
    }
    return r;
}

static inline __m128i clmul8_wide(__m128i a16, __m128i b16)
{
    __m128i r = _mm_setzero_si128();
    for (int k = 0; k < 8; k++) {
        __m128i bit = _mm_set1_epi16((short)(1 << k));
        __m128i m = _mm_cmpeq_epi16(_mm_and_si128(b16, bit), bit);
        r = _mm_xor_si128(r, _mm_and_si128(_mm_sll_epi16(a16, _mm_cvtsi32_si128(k)), m));
    }
    return r;
}

#define PMUL_FN(NAME, Q)                                                                        \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        __m128i r = clmul8_lanes(_mm_load_si128((const __m128i *)&c->v[u->b]),                  \
                                 _mm_load_si128((const __m128i *)&c->v[u->c]));                 \
        _mm_store_si128((__m128i *)&c->v[u->a], (Q) ? r : _mm_move_epi64(r));                  \
        return u + 1;                                                                           \
    }
PMUL_FN(op_pmul_d, 0)
PMUL_FN(op_pmul_q, 1)

#define PMULL_FN(NAME, UNPACK)                                                                  \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        __m128i z = _mm_setzero_si128();                                                        \
        __m128i n = UNPACK(_mm_load_si128((const __m128i *)&c->v[u->b]), z);                    \
        __m128i m = UNPACK(_mm_load_si128((const __m128i *)&c->v[u->c]), z);                    \
        _mm_store_si128((__m128i *)&c->v[u->a], clmul8_wide(n, m));                             \
        return u + 1;                                                                           \
    }
PMULL_FN(op_pmull8_v, _mm_unpacklo_epi8)
PMULL_FN(op_pmull8_v2, _mm_unpackhi_epi8)
#endif

bool trans_SIMD_3same(struct xlat *x, const arg_SIMD_3same *a)
{
    if (a->op >= 0x18)
        return false; /* FP */
#if defined(__SSE2__)
    if (a->op == 19 && a->u && a->size == 0) {
        vop(x, a->q ? op_pmul_q : op_pmul_d, a->rd, a->rn, a->rm);
        return true;
    }
    if ((a->op == 1 || a->op == 5) && a->size < 2) {
        vop(x, tsat_sse[a->op == 5][a->u][a->size][a->q], a->rd, a->rn, a->rm);
        return true;
    }
#endif
    if (a->op == 3) {
        vop(x, tlogic[a->u][a->size][3][a->q], a->rd, a->rn, a->rm);
        return true;
    }
    return emit_fam(x, &t3same[a->u][a->op], a->size, a->q, false, a->rd, a->rn, a->rm, 0);
}

bool trans_SIMD_s3same(struct xlat *x, const arg_SIMD_s3same *a)
{
    if (a->op >= 0x18 || a->op == 3)
        return false;
    return emit_fam(x, &t3same[a->u][a->op], a->size, 0, true, a->rd, a->rn, a->rm, 0);
}

/* ---- three same extra: SQRDMLAH/SQRDMLSH (RDM), SDOT/UDOT (DotProd) ------ */

#define DOT_FN(NAME, T, NN, MSEL)                                                               \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        vreg r = { .q = 0 };                                                                    \
        const T *pn = (const T *)&c->v[u->b];                                                   \
        const T *pm = (const T *)&c->v[u->c];                                                   \
        const uint32_t *pd = (const uint32_t *)&c->v[u->a];                                     \
        (void)pm;                                                                               \
        for (unsigned i = 0; i < (NN); i++) {                                                   \
            int32_t s = 0;                                                                      \
            for (unsigned k = 0; k < 4; k++)                                                    \
                s += (int32_t)pn[4 * i + k] * (int32_t)(MSEL);                                  \
            r.s[i] = pd[i] + (uint32_t)s;                                                       \
        }                                                                                       \
        c->v[u->a] = r;                                                                         \
        return u + 1;                                                                           \
    }
#if !defined(__SSE2__)
DOT_FN(op_sdot_d, int8_t, 2, pm[4 * i + k])
DOT_FN(op_sdot_q, int8_t, 4, pm[4 * i + k])
DOT_FN(op_udot_d, uint8_t, 2, pm[4 * i + k])
DOT_FN(op_udot_q, uint8_t, 4, pm[4 * i + k])
DOT_FN(op_sdotx_d, int8_t, 2, pm[4 * u->e + k])
DOT_FN(op_sdotx_q, int8_t, 4, pm[4 * u->e + k])
DOT_FN(op_udotx_d, uint8_t, 2, pm[4 * u->e + k])
DOT_FN(op_udotx_q, uint8_t, 4, pm[4 * u->e + k])
#endif

#if defined(__SSE2__)
/* SDOT/UDOT: widen the bytes to 16 bits, PMADDWD sums adjacent products,
 * then pairs of those are added across the two halves. */
static inline __m128i widen8(__m128i v, bool sgn, bool hi)
{
    __m128i ext = sgn ? _mm_cmplt_epi8(v, _mm_setzero_si128()) : _mm_setzero_si128();
    return hi ? _mm_unpackhi_epi8(v, ext) : _mm_unpacklo_epi8(v, ext);
}

static inline __m128i dot4(__m128i n, __m128i m, bool sgn)
{
    __m128i lo = _mm_madd_epi16(widen8(n, sgn, false), widen8(m, sgn, false));
    __m128i hi = _mm_madd_epi16(widen8(n, sgn, true), widen8(m, sgn, true));
    __m128 l = _mm_castsi128_ps(lo), h = _mm_castsi128_ps(hi);
    return _mm_add_epi32(_mm_castps_si128(_mm_shuffle_ps(l, h, 0x88)), _mm_castps_si128(_mm_shuffle_ps(l, h, 0xdd)));
}

#define DOT_SSE(NAME, SGN, Q, BYELEM)                                                           \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        __m128i m = (BYELEM) ? _mm_set1_epi32((int)c->v[u->c].s[u->e])                          \
                             : _mm_load_si128((const __m128i *)&c->v[u->c]);                    \
        __m128i r = _mm_add_epi32(_mm_load_si128((const __m128i *)&c->v[u->a]), dot4(n, m, SGN)); \
        _mm_store_si128((__m128i *)&c->v[u->a], (Q) ? r : _mm_move_epi64(r));                   \
        return u + 1;                                                                           \
    }
DOT_SSE(op_sdot_sse_d, 1, 0, 0)
DOT_SSE(op_sdot_sse_q, 1, 1, 0)
DOT_SSE(op_udot_sse_d, 0, 0, 0)
DOT_SSE(op_udot_sse_q, 0, 1, 0)
DOT_SSE(op_sdotx_sse_d, 1, 0, 1)
DOT_SSE(op_sdotx_sse_q, 1, 1, 1)
DOT_SSE(op_udotx_sse_d, 0, 0, 1)
DOT_SSE(op_udotx_sse_q, 0, 1, 1)
static const uop_fn tdot[2][2][2] = { /* [by element][unsigned][q] */
    { { op_sdot_sse_d, op_sdot_sse_q }, { op_udot_sse_d, op_udot_sse_q } },
    { { op_sdotx_sse_d, op_sdotx_sse_q }, { op_udotx_sse_d, op_udotx_sse_q } },
};
#else
static const uop_fn tdot[2][2][2] = { /* [by element][unsigned][q] */
    { { op_sdot_d, op_sdot_q }, { op_udot_d, op_udot_q } },
    { { op_sdotx_d, op_sdotx_q }, { op_udotx_d, op_udotx_q } },
};
#endif

static const struct fam trdm[2] = { F(sqrdmlah, 6, 6), F(sqrdmlsh, 6, 6) };

bool trans_SIMD_3extra(struct xlat *x, const arg_SIMD_3extra *a)
{
    if (a->op == 2) {
        if (a->size != 2 || !have_dotprod(x))
            return false;
        vop(x, tdot[0][a->u][a->q], a->rd, a->rn, a->rm);
        return true;
    }
    if (a->op >= 2 || !a->u || !have_rdm(x))
        return false;
    return emit_fam(x, &trdm[a->op], a->size, a->q, false, a->rd, a->rn, a->rm, 0);
}

bool trans_SIMD_s3extra(struct xlat *x, const arg_SIMD_s3extra *a)
{
    if (a->op >= 2 || !a->u || !have_rdm(x))
        return false;
    return emit_fam(x, &trdm[a->op], a->size, 0, true, a->rd, a->rn, a->rm, 0);
}

/* ---- three different ----------------------------------------------------- */

/* Widening/narrowing families: simd_X[size][0 lower half, 1 upper half
 * ("2" forms), 2 scalar]; sizes: the narrow element sizes allowed. */
struct dfam {
    const uop_fn (*f)[3];
    uint8_t sizes;
};
#define D(n, s) { simd_##n, s }

static const struct dfam t3diff[2][16] = {
    {
        D(saddl, 7), D(saddw, 7), D(ssubl, 7), D(ssubw, 7), D(addhn, 7), D(sabal, 7), D(subhn, 7),
        D(sabdl, 7), D(smlal, 7), D(sqdmlal, 6), D(smlsl, 7), D(sqdmlsl, 6), D(smull, 7),
        D(sqdmull, 6), D(pmull, 1), { 0 },
    },
    {
        D(uaddl, 7), D(uaddw, 7), D(usubl, 7), D(usubw, 7), D(raddhn, 7), D(uabal, 7), D(rsubhn, 7),
        D(uabdl, 7), D(umlal, 7), { 0 }, D(umlsl, 7), { 0 }, D(umull, 7), { 0 }, { 0 }, { 0 },
    },
};

#if defined(__SSE2__)
/* 16x16->32 widening multiplies: the host compiler does not vectorise these
 * at 64-bit width, so they get PMULLW/PMULHW directly. */
#define MULL16_FN(NAME, SGN, ACC, HI, BYELEM)                                                   \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        __m128i m = (BYELEM) ? _mm_set1_epi16((short)c->v[u->c].h[u->e])                       \
                             : _mm_load_si128((const __m128i *)&c->v[u->c]);                    \
        if (HI) {                                                                               \
            n = _mm_srli_si128(n, 8);                                                           \
            if (!(BYELEM))                                                                      \
                m = _mm_srli_si128(m, 8);                                                       \
        }                                                                                       \
        __m128i lo = _mm_mullo_epi16(n, m);                                                     \
        __m128i hi = (SGN) ? _mm_mulhi_epi16(n, m) : _mm_mulhi_epu16(n, m);                     \
        __m128i p = _mm_unpacklo_epi16(lo, hi);                                                 \
        __m128i d = _mm_load_si128((const __m128i *)&c->v[u->a]);                               \
        if ((ACC) > 0)                                                                          \
            p = _mm_add_epi32(d, p);                                                            \
        else if ((ACC) < 0)                                                                     \
            p = _mm_sub_epi32(d, p);                                                            \
        _mm_store_si128((__m128i *)&c->v[u->a], p);                                             \
        return u + 1;                                                                           \
    }
#define MULL16_ALL(OP, SGN, ACC)                                                                \
    MULL16_FN(op_##OP##16_v, SGN, ACC, 0, 0)                                                    \
    MULL16_FN(op_##OP##16_v2, SGN, ACC, 1, 0)                                                   \
    MULL16_FN(op_##OP##16x_v, SGN, ACC, 0, 1)                                                   \
    MULL16_FN(op_##OP##16x_v2, SGN, ACC, 1, 1)
MULL16_ALL(smull, 1, 0)
MULL16_ALL(umull, 0, 0)
MULL16_ALL(smlal, 1, 1)
MULL16_ALL(umlal, 0, 1)
MULL16_ALL(smlsl, 1, -1)
MULL16_ALL(umlsl, 0, -1)

static uop_fn sse_long16(const uop_fn (*f)[3], unsigned q)
{
#define M(n) { simd_##n, { op_##n##16_v, op_##n##16_v2 } }, { simd_##n##_x, { op_##n##16x_v, op_##n##16x_v2 } }
    static const struct {
        const uop_fn (*f)[3];
        uop_fn h[2];
    } map[] = { M(smull), M(umull), M(smlal), M(umlal), M(smlsl), M(umlsl) };
#undef M
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].f == f)
            return map[i].h[q];
    return NULL;
}
#endif

/* Emit a widening/narrowing family member (translate time only). */
static struct uop *emit_dfn(struct xlat *x, const uop_fn (*f)[3], unsigned size, unsigned q, bool scalar,
                            unsigned rd, unsigned rn, unsigned rm)
{
    uop_fn fn = f[size][scalar ? 2 : q];
#if defined(__SSE2__)
    if (size == 1 && !scalar) {
        uop_fn s = sse_long16(f, q);
        if (s)
            fn = s;
    }
#endif
    return vop(x, fn, rd, rn, rm);
}

static bool emit_dfam(struct xlat *x, const struct dfam *f, unsigned size, unsigned q, bool scalar,
                      unsigned rd, unsigned rn, unsigned rm, uint64_t imm, unsigned e)
{
    if (!f->f || size > 2 || !(f->sizes >> size & 1))
        return false;
    struct uop *u = emit_dfn(x, f->f, size, q, scalar, rd, rn, rm);
    u->e = (uint8_t)e;
    u->imm = imm;
    return true;
}

bool trans_SIMD_3diff(struct xlat *x, const arg_SIMD_3diff *a)
{
    /* size 3 includes the 64-bit PMULL, which crypto.decode implements. */
#if defined(__SSE2__)
    if (a->op == 14 && !a->u && a->size == 0) {
        vop(x, a->q ? op_pmull8_v2 : op_pmull8_v, a->rd, a->rn, a->rm);
        return true;
    }
#endif
    return emit_dfam(x, &t3diff[a->u][a->op], a->size, a->q, false, a->rd, a->rn, a->rm, 0, 0);
}

bool trans_SIMD_s3diff(struct xlat *x, const arg_SIMD_s3diff *a)
{
    if (a->u || (a->op != 9 && a->op != 11 && a->op != 13))
        return false;
    return emit_dfam(x, &t3diff[0][a->op], a->size, 0, true, a->rd, a->rn, a->rm, 0, 0);
}

/* ---- byte permutations: REV*, ZIP/UZP/TRN, EXT ----------------------------- */

/* Tables of source byte indices into Vn:Vm (0-15 Vn, 16-31 Vm). */
static uint8_t perm_tab[6][4][2][16]; /* UZP1 TRN1 ZIP1 UZP2 TRN2 ZIP2 */
static uint8_t rev_tab[3][3][2][16];  /* REV64 REV32 REV16 x size x q */
static uint8_t ext_tab[16][2][16];

__attribute__((constructor)) static void simd_build_tables(void)
{
    for (unsigned size = 0; size < 4; size++) {
        for (unsigned q = 0; q < 2; q++) {
            unsigned esz = 1u << size, nb = q ? 16 : 8, n = nb / esz;
            for (unsigned j = 0; j < n; j++) {
                /* source element in the concatenation Vn[0..n) : Vm[0..n) */
                unsigned src[6] = {
                    2 * j,
                    j & 1 ? n + j - 1 : j,
                    j & 1 ? n + j / 2 : j / 2,
                    2 * j + 1,
                    j & 1 ? n + j : j + 1,
                    j & 1 ? n + n / 2 + j / 2 : n / 2 + j / 2,
                };
                for (unsigned op = 0; op < 6; op++) {
                    unsigned s = src[op];
                    unsigned base = s < n ? s * esz : 16 + (s - n) * esz;
                    for (unsigned k = 0; k < esz; k++)
                        perm_tab[op][size][q][j * esz + k] = (uint8_t)(base + k);
                }
            }
            for (unsigned kind = 0; kind < 3; kind++) {
                if (size >= 3 - kind)
                    continue;
                unsigned cnt = (8u >> kind) / esz;
                for (unsigned b = 0; b < nb; b++)
                    rev_tab[kind][size][q][b] = (uint8_t)(((b / esz) ^ (cnt - 1)) * esz + b % esz);
            }
        }
    }
    for (unsigned imm = 0; imm < 16; imm++) {
        for (unsigned b = 0; b < 16; b++) {
            unsigned k = imm + b;
            ext_tab[imm][1][b] = (uint8_t)k;
            ext_tab[imm][0][b] = (uint8_t)(k < 8 ? k : 16 + k - 8);
        }
    }
}

#define PERM_FN(NAME, NB)                                                                       \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        const uint8_t *t = (const uint8_t *)(uintptr_t)u->imm;                                  \
        uint8_t cat[32];                                                                        \
        memcpy(cat, &c->v[u->b], 16);                                                           \
        memcpy(cat + 16, &c->v[u->c], 16);                                                      \
        vreg r = { .q = 0 };                                                                    \
        for (unsigned i = 0; i < (NB); i++)                                                     \
            r.b[i] = cat[t[i]];                                                                 \
        c->v[u->a] = r;                                                                         \
        return u + 1;                                                                           \
    }
PERM_FN(op_perm_d, 8)
PERM_FN(op_perm_q, 16)

static void emit_perm(struct xlat *x, const uint8_t *tab, unsigned q, unsigned rd, unsigned rn, unsigned rm)
{
    struct uop *u = vop(x, q ? op_perm_q : op_perm_d, rd, rn, rm);
    u->imm = (uint64_t)(uintptr_t)tab;
}

#if defined(__SSE2__)
/* ZIP1/ZIP2 of full vectors are the SSE2 unpack instructions. */
#define ZIP_FN(NAME, INTR)                                                                      \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        __m128i m = _mm_load_si128((const __m128i *)&c->v[u->c]);                               \
        _mm_store_si128((__m128i *)&c->v[u->a], INTR(n, m));                                    \
        return u + 1;                                                                           \
    }
ZIP_FN(op_zip1_8, _mm_unpacklo_epi8)
ZIP_FN(op_zip1_16, _mm_unpacklo_epi16)
ZIP_FN(op_zip1_32, _mm_unpacklo_epi32)
ZIP_FN(op_zip1_64, _mm_unpacklo_epi64)
ZIP_FN(op_zip2_8, _mm_unpackhi_epi8)
ZIP_FN(op_zip2_16, _mm_unpackhi_epi16)
ZIP_FN(op_zip2_32, _mm_unpackhi_epi32)
ZIP_FN(op_zip2_64, _mm_unpackhi_epi64)
static inline __m128i uzp1_8(__m128i n, __m128i m)
{
    __m128i k = _mm_set1_epi16(0xff);
    return _mm_packus_epi16(_mm_and_si128(n, k), _mm_and_si128(m, k));
}
static inline __m128i uzp2_8(__m128i n, __m128i m)
{
    return _mm_packus_epi16(_mm_srli_epi16(n, 8), _mm_srli_epi16(m, 8));
}
static inline __m128i uzp1_16(__m128i n, __m128i m)
{
    return _mm_packs_epi32(_mm_srai_epi32(_mm_slli_epi32(n, 16), 16), _mm_srai_epi32(_mm_slli_epi32(m, 16), 16));
}
static inline __m128i uzp2_16(__m128i n, __m128i m)
{
    return _mm_packs_epi32(_mm_srai_epi32(n, 16), _mm_srai_epi32(m, 16));
}
static inline __m128i uzp1_32(__m128i n, __m128i m)
{
    return _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(n), _mm_castsi128_ps(m), 0x88));
}
static inline __m128i uzp2_32(__m128i n, __m128i m)
{
    return _mm_castps_si128(_mm_shuffle_ps(_mm_castsi128_ps(n), _mm_castsi128_ps(m), 0xdd));
}
static inline __m128i trn1_8(__m128i n, __m128i m)
{
    return _mm_or_si128(_mm_and_si128(n, _mm_set1_epi16(0xff)), _mm_slli_epi16(m, 8));
}
static inline __m128i trn2_8(__m128i n, __m128i m)
{
    return _mm_or_si128(_mm_srli_epi16(n, 8), _mm_andnot_si128(_mm_set1_epi16(0xff), m));
}
static inline __m128i trn1_16(__m128i n, __m128i m)
{
    return _mm_or_si128(_mm_and_si128(n, _mm_set1_epi32(0xffff)), _mm_slli_epi32(m, 16));
}
static inline __m128i trn2_16(__m128i n, __m128i m)
{
    return _mm_or_si128(_mm_srli_epi32(n, 16), _mm_andnot_si128(_mm_set1_epi32(0xffff), m));
}
static inline __m128i trn1_32(__m128i n, __m128i m)
{
    __m128i k = _mm_set1_epi64x(0xffffffff);
    return _mm_or_si128(_mm_and_si128(n, k), _mm_slli_epi64(m, 32));
}
static inline __m128i trn2_32(__m128i n, __m128i m)
{
    __m128i k = _mm_set1_epi64x(0xffffffff);
    return _mm_or_si128(_mm_srli_epi64(n, 32), _mm_andnot_si128(k, m));
}
ZIP_FN(op_uzp1_8, uzp1_8)
ZIP_FN(op_uzp1_16, uzp1_16)
ZIP_FN(op_uzp1_32, uzp1_32)
ZIP_FN(op_uzp2_8, uzp2_8)
ZIP_FN(op_uzp2_16, uzp2_16)
ZIP_FN(op_uzp2_32, uzp2_32)
ZIP_FN(op_trn1_8, trn1_8)
ZIP_FN(op_trn1_16, trn1_16)
ZIP_FN(op_trn1_32, trn1_32)
ZIP_FN(op_trn2_8, trn2_8)
ZIP_FN(op_trn2_16, trn2_16)
ZIP_FN(op_trn2_32, trn2_32)
/* [perm kind: UZP1 TRN1 ZIP1 UZP2 TRN2 ZIP2][size], Q=1; UZP/TRN of 64-bit
 * elements are ZIP. */
static const uop_fn tperm_q[6][4] = {
    { op_uzp1_8, op_uzp1_16, op_uzp1_32, op_zip1_64 },
    { op_trn1_8, op_trn1_16, op_trn1_32, op_zip1_64 },
    { op_zip1_8, op_zip1_16, op_zip1_32, op_zip1_64 },
    { op_uzp2_8, op_uzp2_16, op_uzp2_32, op_zip2_64 },
    { op_trn2_8, op_trn2_16, op_trn2_32, op_zip2_64 },
    { op_zip2_8, op_zip2_16, op_zip2_32, op_zip2_64 },
};

/* 64-bit forms: UZP works on Vn<63:0>:Vm<63:0> joined in one register,
 * TRN/ZIP1 are lane-local, ZIP2 is the upper half of the ZIP1 result. */
static inline __m128i join_lo(__m128i n, __m128i m) { return _mm_unpacklo_epi64(n, m); }
#define PERMD_FN(NAME, EXPR)                                                                    \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        __m128i m = _mm_load_si128((const __m128i *)&c->v[u->c]);                               \
        _mm_store_si128((__m128i *)&c->v[u->a], _mm_move_epi64(EXPR));                          \
        return u + 1;                                                                           \
    }
PERMD_FN(op_uzp1_8d, uzp1_8(join_lo(n, m), n))
PERMD_FN(op_uzp1_16d, uzp1_16(join_lo(n, m), n))
PERMD_FN(op_uzp1_32d, uzp1_32(join_lo(n, m), n))
PERMD_FN(op_uzp2_8d, uzp2_8(join_lo(n, m), n))
PERMD_FN(op_uzp2_16d, uzp2_16(join_lo(n, m), n))
PERMD_FN(op_uzp2_32d, uzp2_32(join_lo(n, m), n))
PERMD_FN(op_trn1_8d, trn1_8(n, m))
PERMD_FN(op_trn1_16d, trn1_16(n, m))
PERMD_FN(op_trn1_32d, trn1_32(n, m))
PERMD_FN(op_trn2_8d, trn2_8(n, m))
PERMD_FN(op_trn2_16d, trn2_16(n, m))
PERMD_FN(op_trn2_32d, trn2_32(n, m))
PERMD_FN(op_zip1_8d, _mm_unpacklo_epi8(n, m))
PERMD_FN(op_zip1_16d, _mm_unpacklo_epi16(n, m))
PERMD_FN(op_zip1_32d, _mm_unpacklo_epi32(n, m))
PERMD_FN(op_zip2_8d, _mm_srli_si128(_mm_unpacklo_epi8(n, m), 8))
PERMD_FN(op_zip2_16d, _mm_srli_si128(_mm_unpacklo_epi16(n, m), 8))
PERMD_FN(op_zip2_32d, _mm_srli_si128(_mm_unpacklo_epi32(n, m), 8))
static const uop_fn tperm_d[6][3] = {
    { op_uzp1_8d, op_uzp1_16d, op_uzp1_32d },
    { op_trn1_8d, op_trn1_16d, op_trn1_32d },
    { op_zip1_8d, op_zip1_16d, op_zip1_32d },
    { op_uzp2_8d, op_uzp2_16d, op_uzp2_32d },
    { op_trn2_8d, op_trn2_16d, op_trn2_32d },
    { op_zip2_8d, op_zip2_16d, op_zip2_32d },
};

/* REV16/REV32/REV64: byte swaps inside 16-bit lanes plus word shuffles. */
static inline __m128i bswap16_lanes(__m128i v) { return _mm_or_si128(_mm_slli_epi16(v, 8), _mm_srli_epi16(v, 8)); }
static inline __m128i swap16_in32(__m128i v) { return _mm_shufflehi_epi16(_mm_shufflelo_epi16(v, 0xb1), 0xb1); }
static inline __m128i rev16_in64(__m128i v) { return _mm_shufflehi_epi16(_mm_shufflelo_epi16(v, 0x1b), 0x1b); }
#define REV_FN(NAME, EXPR)                                                                      \
    static const struct uop *NAME##_q(struct cpu *c, const struct uop *u)                       \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        _mm_store_si128((__m128i *)&c->v[u->a], EXPR);                                          \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *NAME##_d(struct cpu *c, const struct uop *u)                       \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        _mm_store_si128((__m128i *)&c->v[u->a], _mm_move_epi64(EXPR));                          \
        return u + 1;                                                                           \
    }
REV_FN(op_rev64_8, rev16_in64(bswap16_lanes(n)))
REV_FN(op_rev64_16, rev16_in64(n))
REV_FN(op_rev64_32, _mm_shuffle_epi32(n, 0xb1))
REV_FN(op_rev32_8, swap16_in32(bswap16_lanes(n)))
REV_FN(op_rev32_16, swap16_in32(n))
REV_FN(op_rev16_8, bswap16_lanes(n))
static const uop_fn trev[3][3][2] = { /* [REV64 REV32 REV16][size][q] */
    { { op_rev64_8_d, op_rev64_8_q }, { op_rev64_16_d, op_rev64_16_q }, { op_rev64_32_d, op_rev64_32_q } },
    { { op_rev32_8_d, op_rev32_8_q }, { op_rev32_16_d, op_rev32_16_q } },
    { { op_rev16_8_d, op_rev16_8_q } },
};

/* EXT: byte shifts of Vn:Vm (the shift must be an immediate in SSE2). */
#define EXT_FN(I)                                                                               \
    static const struct uop *op_ext_q##I(struct cpu *c, const struct uop *u)                    \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        __m128i m = _mm_load_si128((const __m128i *)&c->v[u->c]);                               \
        _mm_store_si128((__m128i *)&c->v[u->a],                                                 \
                        (I) ? _mm_or_si128(_mm_srli_si128(n, I), _mm_slli_si128(m, (16 - I) & 15)) : n); \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_ext_d##I(struct cpu *c, const struct uop *u)                    \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        __m128i m = _mm_load_si128((const __m128i *)&c->v[u->c]);                               \
        _mm_store_si128((__m128i *)&c->v[u->a], _mm_move_epi64(_mm_srli_si128(join_lo(n, m), I & 7))); \
        return u + 1;                                                                           \
    }
EXT_FN(0) EXT_FN(1) EXT_FN(2) EXT_FN(3) EXT_FN(4) EXT_FN(5) EXT_FN(6) EXT_FN(7)
EXT_FN(8) EXT_FN(9) EXT_FN(10) EXT_FN(11) EXT_FN(12) EXT_FN(13) EXT_FN(14) EXT_FN(15)
#define E2(i) { op_ext_d##i, op_ext_q##i }
static const uop_fn text[16][2] = {
    E2(0), E2(1), E2(2), E2(3), E2(4), E2(5), E2(6), E2(7),
    E2(8), E2(9), E2(10), E2(11), E2(12), E2(13), E2(14), E2(15),
};
#undef E2
#endif

bool trans_SIMD_perm(struct xlat *x, const arg_SIMD_perm *a)
{
    if ((a->op & 3) == 0 || (a->size == 3 && !a->q))
        return false;
    unsigned k = (a->op & 3) - 1 + (a->op >> 2) * 3;
#if defined(__SSE2__)
    vop(x, a->q ? tperm_q[k][a->size] : tperm_d[k][a->size], a->rd, a->rn, a->rm);
    return true;
#endif
    emit_perm(x, perm_tab[k][a->size][a->q], a->q, a->rd, a->rn, a->rm);
    return true;
}

bool trans_SIMD_ext(struct xlat *x, const arg_SIMD_ext *a)
{
    if (!a->q && (a->imm4 & 8))
        return false;
#if defined(__SSE2__)
    vop(x, text[a->imm4][a->q], a->rd, a->rn, a->rm);
    return true;
#endif
    emit_perm(x, ext_tab[a->imm4][a->q], a->q, a->rd, a->rn, a->rm);
    return true;
}

/* ---- TBL / TBX ------------------------------------------------------------ */

/* Branch-free: indices are data, often random; out-of-range ones read the
 * zero byte at tab[64] (TBL) or select the old Vd byte (TBX). */
#define TBL_FN(NAME, NB, TBX)                                                                   \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        uint8_t tab[80];                                                                        \
        unsigned nreg = u->e, lim = 16 * nreg;                                                  \
        for (unsigned k = 0; k < nreg; k++)                                                     \
            memcpy(tab + 16 * k, &c->v[(u->b + k) & 31], 16);                                   \
        tab[64] = 0;                                                                            \
        /* indices and results stay in general registers: byte stores  */                     \
        /* followed by a 16-byte load would stall store forwarding */                          \
        uint64_t res[2] = { 0, 0 };                                                             \
        for (unsigned h = 0; h < (NB) / 8; h++) {                                               \
            uint64_t mi = c->v[u->c].d[h], di = c->v[u->a].d[h], acc = 0;                       \
            _Pragma("GCC unroll 8")                                                             \
            for (unsigned i = 0; i < 8; i++) {                                                  \
                unsigned idx = (unsigned)(mi >> (8 * i)) & 0xff;                                \
                bool in = idx < lim;                                                            \
                uint64_t v = tab[in ? idx : 64];                                                \
                if (TBX)                                                                        \
                    v = in ? v : (di >> (8 * i) & 0xff);                                        \
                acc |= v << (8 * i);                                                            \
            }                                                                                   \
            res[h] = acc;                                                                       \
        }                                                                                       \
        c->v[u->a].d[0] = res[0];                                                               \
        c->v[u->a].d[1] = res[1];                                                               \
        return u + 1;                                                                           \
    }
TBL_FN(op_tbl_d, 8, 0)
TBL_FN(op_tbl_q, 16, 0)
TBL_FN(op_tbx_d, 8, 1)
TBL_FN(op_tbx_q, 16, 1)

bool trans_SIMD_tbl(struct xlat *x, const arg_SIMD_tbl *a)
{
    static const uop_fn t[2][2] = { { op_tbl_d, op_tbl_q }, { op_tbx_d, op_tbx_q } };
    struct uop *u = vop(x, t[a->op][a->q], a->rd, a->rn, a->rm);
    u->e = (uint8_t)(a->len + 1);
    return true;
}

/* ---- two-register misc ----------------------------------------------------- */

static const struct fam t2misc[2][32] = {
    {
        [3] = F(suqadd, 15, 15), [4] = F(cls, 7, 0), [5] = F(cnt, 1, 0), [7] = F(sqabs, 15, 15),
        [8] = F(cmgt0, 15, 8), [9] = F(cmeq0, 15, 8), [10] = F(cmlt0, 15, 8), [11] = F(abs, 15, 8),
    },
    {
        [3] = F(usqadd, 15, 15), [4] = F(clz, 7, 0), [7] = F(sqneg, 15, 15), [8] = F(cmge0, 15, 8),
        [9] = F(cmle0, 15, 8), [11] = F(neg, 15, 8),
    },
};

static const struct dfam tnarrow[2][2] = { /* [u][op 18 / 20] */
    { D(xtn, 7), D(sqxtn, 7) },
    { D(sqxtun, 7), D(uqxtn, 7) },
};

bool trans_SIMD_2misc(struct xlat *x, const arg_SIMD_2misc *a)
{
    unsigned u = a->u, op = a->op, size = a->size, q = a->q;
    switch (op) {
    case 0: /* REV64, REV32 */
    case 1: /* REV16 */
    {
        unsigned kind = op ? 2 : u;
        if ((op && u) || size >= 3 - kind)
            return false;
#if defined(__SSE2__)
        vop(x, trev[kind][size][q], a->rd, a->rn, a->rn);
#else
        emit_perm(x, rev_tab[kind][size][q], q, a->rd, a->rn, a->rn);
#endif
        return true;
    }
    case 2: /* SADDLP, UADDLP */
    case 6: /* SADALP, UADALP */
    {
        static const uop_fn (*const t[2][2])[2] = { { simd_saddlp, simd_uaddlp }, { simd_sadalp, simd_uadalp } };
        if (size == 3)
            return false;
        vop(x, t[op == 6][u][size][q], a->rd, a->rn, a->rn);
        return true;
    }
    case 5:
        if (!u)
            break; /* CNT */
        if (size > 1)
            return false;
        vop(x, (size ? simd_rbit : simd_not)[0][q], a->rd, a->rn, a->rn);
        return true;
    case 18: /* XTN, SQXTUN */
    case 20: /* SQXTN, UQXTN */
        return emit_dfam(x, &tnarrow[u][op == 20], size, q, false, a->rd, a->rn, a->rn, 0, 0);
    case 19: /* SHLL */
        if (!u)
            return false;
        return emit_dfam(x, &(struct dfam)D(ushll, 7), size, q, false, a->rd, a->rn, a->rn, 8u << size, 0);
    }
    return emit_fam(x, &t2misc[u][op], size, q, false, a->rd, a->rn, a->rn, 0);
}

bool trans_SIMD_s2misc(struct xlat *x, const arg_SIMD_s2misc *a)
{
    if (a->op == 18 || a->op == 20) {
        if (a->op == 18 && !a->u)
            return false;
        return emit_dfam(x, &tnarrow[a->u][a->op == 20], a->size, 0, true, a->rd, a->rn, a->rn, 0, 0);
    }
    if (a->op == 5)
        return false;
    return emit_fam(x, &t2misc[a->u][a->op], a->size, 0, true, a->rd, a->rn, a->rn, 0);
}

/* ---- across lanes, scalar pairwise ---------------------------------------- */

#if defined(__SSE2__)
/* ADDV/UADDLV over bytes: PSADBW against zero sums each 8-byte half. */
#define SAD_FN(NAME, Q, MASK)                                                                   \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        if (!(Q))                                                                               \
            n = _mm_move_epi64(n);                                                              \
        __m128i s = _mm_sad_epu8(n, _mm_setzero_si128());                                       \
        s = _mm_add_epi64(s, _mm_srli_si128(s, 8));                                             \
        s = _mm_and_si128(s, _mm_cvtsi32_si128(MASK));                                          \
        _mm_store_si128((__m128i *)&c->v[u->a], s);                                             \
        return u + 1;                                                                           \
    }
SAD_FN(op_addv8_d, 0, 0xff)
SAD_FN(op_addv8_q, 1, 0xff)
SAD_FN(op_uaddlv8_d, 0, 0xffff)
SAD_FN(op_uaddlv8_q, 1, 0xffff)

/* SMAXV/UMAXV/SMINV/UMINV over bytes and halfwords: log-step folds with
 * PMAXUB/PMINUB/PMAXSW/PMINSW; the other signedness is biased by the top bit. */
#define MMV_FN(NAME, OP, BIAS, Q, ESZ, MASK)                                                    \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        const __m128i bias = BIAS;                                                              \
        __m128i v = _mm_xor_si128(_mm_load_si128((const __m128i *)&c->v[u->b]), bias);          \
        if (Q)                                                                                  \
            v = OP(v, _mm_srli_si128(v, 8));                                                    \
        v = OP(v, _mm_srli_si128(v, 4));                                                        \
        v = OP(v, _mm_srli_si128(v, 2));                                                        \
        if ((ESZ) == 1)                                                                         \
            v = OP(v, _mm_srli_si128(v, 1));                                                    \
        v = _mm_xor_si128(v, bias);                                                             \
        _mm_store_si128((__m128i *)&c->v[u->a], _mm_cvtsi32_si128(_mm_cvtsi128_si32(v) & (MASK))); \
        return u + 1;                                                                           \
    }
#define MMV_ALL(OP, INTR8, B8, INTR16, B16)                                                     \
    MMV_FN(op_##OP##8_d, INTR8, B8, 0, 1, 0xff)                                                 \
    MMV_FN(op_##OP##8_q, INTR8, B8, 1, 1, 0xff)                                                 \
    MMV_FN(op_##OP##16_d, INTR16, B16, 0, 2, 0xffff)                                            \
    MMV_FN(op_##OP##16_q, INTR16, B16, 1, 2, 0xffff)
#define B8S _mm_set1_epi8((char)0x80)
#define B16U _mm_set1_epi16((short)0x8000)
#define ZERO _mm_setzero_si128()
MMV_ALL(smaxv, _mm_max_epu8, B8S, _mm_max_epi16, ZERO)
MMV_ALL(umaxv, _mm_max_epu8, ZERO, _mm_max_epi16, B16U)
MMV_ALL(sminv, _mm_min_epu8, B8S, _mm_min_epi16, ZERO)
MMV_ALL(uminv, _mm_min_epu8, ZERO, _mm_min_epi16, B16U)
#undef B8S
#undef B16U
#undef ZERO
static const uop_fn tmmv[2][2][2][2] = { /* [min][u][size][q] */
    { { { op_smaxv8_d, op_smaxv8_q }, { op_smaxv16_d, op_smaxv16_q } },
      { { op_umaxv8_d, op_umaxv8_q }, { op_umaxv16_d, op_umaxv16_q } } },
    { { { op_sminv8_d, op_sminv8_q }, { op_sminv16_d, op_sminv16_q } },
      { { op_uminv8_d, op_uminv8_q }, { op_uminv16_d, op_uminv16_q } } },
};
#endif

bool trans_SIMD_across(struct xlat *x, const arg_SIMD_across *a)
{
    const uop_fn (*f)[2];
#if defined(__SSE2__)
    if (a->size == 0 && ((a->op == 27 && !a->u) || (a->op == 3 && a->u))) {
        vop(x, a->op == 27 ? (a->q ? op_addv8_q : op_addv8_d) : (a->q ? op_uaddlv8_q : op_uaddlv8_d),
            a->rd, a->rn, a->rn);
        return true;
    }
    if (a->size < 2 && (a->op == 10 || a->op == 26)) {
        vop(x, tmmv[a->op == 26][a->u][a->size][a->q], a->rd, a->rn, a->rn);
        return true;
    }
#endif
    switch (a->op) {
    case 3: f = a->u ? simd_uaddlv : simd_saddlv; break;
    case 10: f = a->u ? simd_umaxv : simd_smaxv; break;
    case 26: f = a->u ? simd_uminv : simd_sminv; break;
    case 27: if (a->u) return false; f = simd_addv; break;
    default: return false; /* FP */
    }
    if (a->size == 3 || (a->size == 2 && !a->q))
        return false;
    vop(x, f[a->size][a->q], a->rd, a->rn, a->rn);
    return true;
}

static const struct uop *op_addp_s(struct cpu *c, const struct uop *u)
{
    vreg r = { .q = 0 };
    r.d[0] = c->v[u->b].d[0] + c->v[u->b].d[1];
    c->v[u->a] = r;
    return u + 1;
}

bool trans_SIMD_spair(struct xlat *x, const arg_SIMD_spair *a)
{
    if (a->u || a->op != 27 || a->size != 3)
        return false; /* the rest are FP */
    vop(x, op_addp_s, a->rd, a->rn, a->rn);
    return true;
}

/* ---- copy: DUP, INS, UMOV, SMOV ------------------------------------------------ */

#define COPY_FNS(E, UT, ST)                                                                     \
    static const struct uop *op_dupe##E##_d(struct cpu *c, const struct uop *u)                 \
    {                                                                                           \
        UT v = ((const UT *)&c->v[u->b])[u->e];                                                 \
        vreg r = { .q = 0 };                                                                    \
        for (unsigned i = 0; i < 64 / E; i++)                                                   \
            ((UT *)&r)[i] = v;                                                                  \
        c->v[u->a] = r;                                                                         \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_dupe##E##_q(struct cpu *c, const struct uop *u)                 \
    {                                                                                           \
        UT v = ((const UT *)&c->v[u->b])[u->e];                                                 \
        vreg r;                                                                                 \
        for (unsigned i = 0; i < 128 / E; i++)                                                  \
            ((UT *)&r)[i] = v;                                                                  \
        c->v[u->a] = r;                                                                         \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_dupe##E##_s(struct cpu *c, const struct uop *u)                 \
    {                                                                                           \
        UT v = ((const UT *)&c->v[u->b])[u->e];                                                 \
        vreg r = { .q = 0 };                                                                    \
        ((UT *)&r)[0] = v;                                                                      \
        c->v[u->a] = r;                                                                         \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_dupg##E##_d(struct cpu *c, const struct uop *u)                 \
    {                                                                                           \
        UT v = (UT)c->x[u->b];                                                                  \
        vreg r = { .q = 0 };                                                                    \
        for (unsigned i = 0; i < 64 / E; i++)                                                   \
            ((UT *)&r)[i] = v;                                                                  \
        c->v[u->a] = r;                                                                         \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_dupg##E##_q(struct cpu *c, const struct uop *u)                 \
    {                                                                                           \
        UT v = (UT)c->x[u->b];                                                                  \
        vreg r;                                                                                 \
        for (unsigned i = 0; i < 128 / E; i++)                                                  \
            ((UT *)&r)[i] = v;                                                                  \
        c->v[u->a] = r;                                                                         \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_insg##E(struct cpu *c, const struct uop *u)                     \
    {                                                                                           \
        ((UT *)&c->v[u->a])[u->e] = (UT)c->x[u->b];                                             \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_inse##E(struct cpu *c, const struct uop *u)                     \
    {                                                                                           \
        ((UT *)&c->v[u->a])[u->e] = ((const UT *)&c->v[u->b])[u->f];                            \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_umov##E(struct cpu *c, const struct uop *u)                     \
    {                                                                                           \
        c->x[u->a] = ((const UT *)&c->v[u->b])[u->e];                                           \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_smovw##E(struct cpu *c, const struct uop *u)                    \
    {                                                                                           \
        c->x[u->a] = (uint32_t)(int32_t)((const ST *)&c->v[u->b])[u->e];                        \
        return u + 1;                                                                           \
    }                                                                                           \
    static const struct uop *op_smovx##E(struct cpu *c, const struct uop *u)                    \
    {                                                                                           \
        c->x[u->a] = (uint64_t)(int64_t)((const ST *)&c->v[u->b])[u->e];                        \
        return u + 1;                                                                           \
    }
COPY_FNS(8, uint8_t, int8_t)
COPY_FNS(16, uint16_t, int16_t)
COPY_FNS(32, uint32_t, int32_t)
COPY_FNS(64, uint64_t, int64_t)

#define BY_SIZE(p, s) { p##8##s, p##16##s, p##32##s, p##64##s }
static const uop_fn tdupe[3][4] = { BY_SIZE(op_dupe, _d), BY_SIZE(op_dupe, _q), BY_SIZE(op_dupe, _s) };
static const uop_fn tdupg[2][4] = { BY_SIZE(op_dupg, _d), BY_SIZE(op_dupg, _q) };
static const uop_fn tinsg[4] = BY_SIZE(op_insg, );
static const uop_fn tinse[4] = BY_SIZE(op_inse, );
static const uop_fn tumov[4] = BY_SIZE(op_umov, );
static const uop_fn tsmov[2][4] = { BY_SIZE(op_smovw, ), BY_SIZE(op_smovx, ) };

bool trans_SIMD_copy(struct xlat *x, const arg_SIMD_copy *a)
{
    if (!(a->imm5 & 0xf))
        return false;
    unsigned size = (unsigned)__builtin_ctz(a->imm5), idx = a->imm5 >> (size + 1);
    struct uop *u;
    if (a->op) { /* INS (element) */
        if (!a->q)
            return false;
        u = vop(x, tinse[size], a->rd, a->rn, 0);
        u->e = (uint8_t)idx;
        u->f = (uint8_t)(a->imm4 >> size);
        return true;
    }
    switch (a->imm4) {
    case 0: /* DUP (element) */
        if (size == 3 && !a->q)
            return false;
        u = vop(x, tdupe[a->q][size], a->rd, a->rn, 0);
        break;
    case 1: /* DUP (general) */
        if (size == 3 && !a->q)
            return false;
        u = vop(x, tdupg[a->q][size], a->rd, rx(a->rn), 0);
        break;
    case 3: /* INS (general) */
        if (!a->q)
            return false;
        u = vop(x, tinsg[size], a->rd, rx(a->rn), 0);
        break;
    case 5: /* SMOV */
        if (size >= 2 + a->q)
            return false;
        u = vop(x, tsmov[a->q][size], wx(a->rd), a->rn, 0);
        break;
    case 7: /* UMOV */
        if (a->q ? size != 3 : size == 3)
            return false;
        u = vop(x, tumov[size], wx(a->rd), a->rn, 0);
        break;
    default:
        return false;
    }
    u->e = (uint8_t)idx;
    return true;
}

bool trans_SIMD_scopy(struct xlat *x, const arg_SIMD_scopy *a)
{
    if (a->op || a->imm4 || !(a->imm5 & 0xf))
        return false;
    unsigned size = (unsigned)__builtin_ctz(a->imm5);
    struct uop *u = vop(x, tdupe[2][size], a->rd, a->rn, 0);
    u->e = (uint8_t)(a->imm5 >> (size + 1));
    return true;
}

/* ---- modified immediate ------------------------------------------------------ */

static const struct uop *op_movi_d(struct cpu *c, const struct uop *u)
{
    c->v[u->a].d[0] = u->imm;
    c->v[u->a].d[1] = 0;
    return u + 1;
}

static const struct uop *op_movi_q(struct cpu *c, const struct uop *u)
{
    c->v[u->a].d[0] = u->imm;
    c->v[u->a].d[1] = u->imm;
    return u + 1;
}

static const struct uop *op_orri_d(struct cpu *c, const struct uop *u)
{
    c->v[u->a].d[0] |= u->imm;
    c->v[u->a].d[1] = 0;
    return u + 1;
}

static const struct uop *op_orri_q(struct cpu *c, const struct uop *u)
{
    c->v[u->a].d[0] |= u->imm;
    c->v[u->a].d[1] |= u->imm;
    return u + 1;
}

static const struct uop *op_andi_d(struct cpu *c, const struct uop *u)
{
    c->v[u->a].d[0] &= u->imm;
    c->v[u->a].d[1] = 0;
    return u + 1;
}

static const struct uop *op_andi_q(struct cpu *c, const struct uop *u)
{
    c->v[u->a].d[0] &= u->imm;
    c->v[u->a].d[1] &= u->imm;
    return u + 1;
}

bool trans_SIMD_modimm(struct xlat *x, const arg_SIMD_modimm *a)
{
    if (a->o2)
        return false; /* FMOV (half precision) */
    uint64_t imm8 = a->abc << 5 | a->defgh, imm;
    unsigned cmode = a->cmode;
    switch (cmode >> 1) {
    case 0: case 1: case 2: case 3:
        imm = (imm8 << (8 * (cmode >> 1))) * 0x0000000100000001ull;
        break;
    case 4: case 5:
        imm = (imm8 << (8 * (cmode >> 1 & 1))) * 0x0001000100010001ull;
        break;
    case 6:
        imm = (cmode & 1 ? imm8 << 16 | 0xffff : imm8 << 8 | 0xff) * 0x0000000100000001ull;
        break;
    default:
        if (cmode & 1)
            return false; /* FMOV (vector, immediate) */
        if (!a->op) {
            imm = imm8 * 0x0101010101010101ull;
        } else {
            imm = 0;
            for (unsigned i = 0; i < 8; i++)
                if (imm8 >> i & 1)
                    imm |= 0xffull << (8 * i);
        }
        break;
    }
    uop_fn fn;
    if (cmode == 14) {
        fn = a->q ? op_movi_q : op_movi_d;
    } else if (cmode < 12 && (cmode & 1)) {
        fn = a->op ? (a->q ? op_andi_q : op_andi_d) : (a->q ? op_orri_q : op_orri_d);
        if (a->op)
            imm = ~imm;
    } else {
        fn = a->q ? op_movi_q : op_movi_d;
        if (a->op)
            imm = ~imm;
    }
    struct uop *u = vop(x, fn, a->rd, 0, 0);
    u->imm = imm;
    return true;
}

/* ---- shift by immediate ---------------------------------------------------------- */

static const struct fam tshimm[2][16] = { /* [u][op / 2] for op < 16 */
    { F(sshr, 15, 8), F(ssra, 15, 8), F(srshr, 15, 8), F(srsra, 15, 8), { 0 }, F(shl, 15, 8),
      { 0 }, F(sqshli, 15, 15) },
    { F(ushr, 15, 8), F(usra, 15, 8), F(urshr, 15, 8), F(ursra, 15, 8), F(sri, 15, 8), F(sli, 15, 8),
      F(sqshlu, 15, 15), F(uqshli, 15, 15) },
};

static const struct dfam tshrn[2][4] = { /* [u][op - 16] */
    { D(shrn, 7), D(rshrn, 7), D(sqshrn, 7), D(sqrshrn, 7) },
    { D(sqshrun, 7), D(sqrshrun, 7), D(uqshrn, 7), D(uqrshrn, 7) },
};

#if defined(__SSE2__)
/* SHL/SSHR/USHR/SSRA/USRA by immediate with SSE2 shifts by a uniform count
 * (u->imm); a count >= the lane width gives 0 / sign fill as required.
 * Bytes have no SSE2 shifts: 16-bit shifts plus masks, and for SSHR the
 * byte duplicated into both halves of a 16-bit lane. */
static inline __m128i shl8(__m128i n, int sh)
{
    return _mm_and_si128(_mm_sll_epi16(n, _mm_cvtsi32_si128(sh)), _mm_set1_epi8((char)(0xff << sh)));
}
static inline __m128i ushr8(__m128i n, int sh)
{
    return _mm_and_si128(_mm_srl_epi16(n, _mm_cvtsi32_si128(sh)), _mm_set1_epi8((char)(0xff >> sh)));
}
static inline __m128i sshr8(__m128i n, int sh)
{
    __m128i c8 = _mm_cvtsi32_si128(sh + 8);
    return _mm_packs_epi16(_mm_sra_epi16(_mm_unpacklo_epi8(n, n), c8), _mm_sra_epi16(_mm_unpackhi_epi8(n, n), c8));
}
#define SHI_CNT _mm_cvtsi32_si128(sh)
#define SHI_FN(NAME, EXPR, Q)                                                                   \
    static const struct uop *NAME(struct cpu *c, const struct uop *u)                           \
    {                                                                                           \
        const int sh = (int)u->imm;                                                             \
        __m128i n = _mm_load_si128((const __m128i *)&c->v[u->b]);                               \
        __m128i d = _mm_load_si128((const __m128i *)&c->v[u->a]);                               \
        __m128i r = (EXPR);                                                                     \
        (void)d;                                                                                \
        _mm_store_si128((__m128i *)&c->v[u->a], (Q) ? r : _mm_move_epi64(r));                   \
        return u + 1;                                                                           \
    }
#define SHI_FNS(NAME, EXPR) SHI_FN(NAME##_d, EXPR, 0) SHI_FN(NAME##_q, EXPR, 1)
SHI_FNS(op_sshr8, sshr8(n, sh))
SHI_FNS(op_sshr16, _mm_sra_epi16(n, SHI_CNT))
SHI_FNS(op_sshr32, _mm_sra_epi32(n, SHI_CNT))
SHI_FNS(op_ushr8, ushr8(n, sh))
SHI_FNS(op_ushr16, _mm_srl_epi16(n, SHI_CNT))
SHI_FNS(op_ushr32, _mm_srl_epi32(n, SHI_CNT))
SHI_FNS(op_ushr64, _mm_srl_epi64(n, SHI_CNT))
SHI_FNS(op_ssra8, _mm_add_epi8(d, sshr8(n, sh)))
SHI_FNS(op_ssra16, _mm_add_epi16(d, _mm_sra_epi16(n, SHI_CNT)))
SHI_FNS(op_ssra32, _mm_add_epi32(d, _mm_sra_epi32(n, SHI_CNT)))
SHI_FNS(op_usra8, _mm_add_epi8(d, ushr8(n, sh)))
SHI_FNS(op_usra16, _mm_add_epi16(d, _mm_srl_epi16(n, SHI_CNT)))
SHI_FNS(op_usra32, _mm_add_epi32(d, _mm_srl_epi32(n, SHI_CNT)))
SHI_FNS(op_usra64, _mm_add_epi64(d, _mm_srl_epi64(n, SHI_CNT)))
SHI_FNS(op_shl8, shl8(n, sh))
SHI_FNS(op_shl16, _mm_sll_epi16(n, SHI_CNT))
SHI_FNS(op_shl32, _mm_sll_epi32(n, SHI_CNT))
SHI_FNS(op_shl64, _mm_sll_epi64(n, SHI_CNT))
#define Q2(n) { n##_d, n##_q }
/* [SSHR USHR SSRA USRA SHL][size][q]; NULL: generic handler */
static const uop_fn tshi_sse[5][4][2] = {
    { Q2(op_sshr8), Q2(op_sshr16), Q2(op_sshr32), { NULL, NULL } },
    { Q2(op_ushr8), Q2(op_ushr16), Q2(op_ushr32), Q2(op_ushr64) },
    { Q2(op_ssra8), Q2(op_ssra16), Q2(op_ssra32), { NULL, NULL } },
    { Q2(op_usra8), Q2(op_usra16), Q2(op_usra32), Q2(op_usra64) },
    { Q2(op_shl8), Q2(op_shl16), Q2(op_shl32), Q2(op_shl64) },
};
#undef Q2
#endif

static bool shimm(struct xlat *x, unsigned q, unsigned u, unsigned immh, unsigned immb, unsigned op,
                  unsigned rn, unsigned rd, bool scalar)
{
    if (!immh)
        return false;
    unsigned size = 31 - (unsigned)__builtin_clz(immh), esize = 8u << size;
    unsigned immhb = immh << 3 | immb;
    unsigned rsh = 2 * esize - immhb, lsh = immhb - esize;
    if (op < 16) {
        if (op & 1)
            return false;
#if defined(__SSE2__)
        int k = op == 0 ? (int)u : op == 2 ? 2 + (int)u : op == 10 && !u ? 4 : -1;
        if (k >= 0 && !scalar && (size < 3 || q) && tshi_sse[k][size][q]) {
            vop(x, tshi_sse[k][size][q], rd, rn, rn)->imm = op == 10 ? lsh : rsh;
            return true;
        }
#endif
        return emit_fam(x, &tshimm[u][op >> 1], size, q, scalar, rd, rn, rn, op >= 10 ? lsh : rsh);
    }
    if (op < 20) {
        if (scalar && !u && op < 18)
            return false; /* no scalar SHRN/RSHRN */
        return emit_dfam(x, &tshrn[u][op - 16], size, q, scalar, rd, rn, rn, rsh, 0);
    }
    if (op == 20 && !scalar) /* SSHLL, USHLL */
        return emit_dfam(x, u ? &(struct dfam)D(ushll, 7) : &(struct dfam)D(sshll, 7), size, q, false,
                         rd, rn, rn, lsh, 0);
    return false; /* fixed-point conversions are FP */
}

bool trans_SIMD_shimm(struct xlat *x, const arg_SIMD_shimm *a)
{
    return shimm(x, a->q, a->u, a->immh, a->immb, a->op, a->rn, a->rd, false);
}

bool trans_SIMD_sshimm(struct xlat *x, const arg_SIMD_sshimm *a)
{
    return shimm(x, 0, a->u, a->immh, a->immb, a->op, a->rn, a->rd, true);
}

/* ---- by element -------------------------------------------------------------------- */

static bool elem(struct xlat *x, unsigned q, unsigned u, unsigned size, unsigned l, unsigned m, unsigned rm4,
                 unsigned op, unsigned h, unsigned rn, unsigned rd, bool scalar)
{
    if (size != 1 && size != 2)
        return false; /* FP (or reserved) */
    unsigned idx = size == 1 ? h << 2 | l << 1 | m : h << 1 | l;
    unsigned rm = size == 1 ? rm4 : m << 4 | rm4;
    const uop_fn (*f)[3] = NULL;
    const uop_fn (*lf)[3] = NULL;
    switch (u << 4 | op) {
    case 0x10: f = simd_mla_x; break;
    case 0x14: f = simd_mls_x; break;
    case 0x08: f = simd_mul_x; break;
    case 0x0c: f = simd_sqdmulh_x; break;
    case 0x0d: f = simd_sqrdmulh_x; break;
    case 0x1d: if (!have_rdm(x)) return false; f = simd_sqrdmlah_x; break;
    case 0x1f: if (!have_rdm(x)) return false; f = simd_sqrdmlsh_x; break;
    case 0x02: lf = simd_smlal_x; break;
    case 0x12: lf = simd_umlal_x; break;
    case 0x06: lf = simd_smlsl_x; break;
    case 0x16: lf = simd_umlsl_x; break;
    case 0x0a: lf = simd_smull_x; break;
    case 0x1a: lf = simd_umull_x; break;
    case 0x03: lf = simd_sqdmlal_x; break;
    case 0x07: lf = simd_sqdmlsl_x; break;
    case 0x0b: lf = simd_sqdmull_x; break;
    case 0x0e:
    case 0x1e:
        if (scalar || size != 2 || !have_dotprod(x))
            return false;
        vop(x, tdot[1][u][q], rd, rn, rm)->e = (uint8_t)idx;
        return true;
    default:
        return false;
    }
    struct uop *uo;
    if (f) {
        if (scalar && (f == simd_mla_x || f == simd_mls_x || f == simd_mul_x))
            return false;
        uo = vop(x, f[size][scalar ? 2 : q], rd, rn, rm);
    } else {
        if (scalar && op != 3 && op != 7 && op != 11)
            return false;
        uo = emit_dfn(x, lf, size, q, scalar, rd, rn, rm);
    }
    uo->e = (uint8_t)idx;
    return true;
}

bool trans_SIMD_elem(struct xlat *x, const arg_SIMD_elem *a)
{
    return elem(x, a->q, a->u, a->size, a->l, a->m, a->rm, a->op, a->h, a->rn, a->rd, false);
}

bool trans_SIMD_selem(struct xlat *x, const arg_SIMD_selem *a)
{
    return elem(x, 0, a->u, a->size, a->l, a->m, a->rm, a->op, a->h, a->rn, a->rd, true);
}
