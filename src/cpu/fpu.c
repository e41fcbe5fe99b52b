/* IEEE 754 arithmetic with Arm semantics.
 *
 * The exact path mirrors the Arm ARM pseudocode: operands are unpacked into
 * (type, sign, mant * 2^exp), the operation is computed exactly (or with a
 * sticky bit) in 128-bit integer arithmetic, and fp_round() is FPRound.
 * A middle path runs the host SSE unit with MXCSR set from FPCR.RMode and reads
 * the flags back, when operands and result are plain normal numbers. */
#include <math.h>

#include "uop.h"
#include "fpu.h"

typedef unsigned __int128 u128;

struct fmt {
    int E, F, bias, emin;
};
static const struct fmt FMT16 = { 5, 10, 15, -14 };
static const struct fmt FMT32 = { 8, 23, 127, -126 };
static const struct fmt FMT64 = { 11, 52, 1023, -1022 };

enum { T_ZERO, T_NUM, T_INF, T_QNAN, T_SNAN };

struct unp {
    int type, sign, exp; /* value = mant * 2^exp for T_NUM */
    uint64_t mant;
};

static inline void fp_raise(struct cpu *c, uint32_t f) { c->fpsr |= f; }

static inline uint64_t f_signbit(const struct fmt *f) { return 1ull << (f->E + f->F); }
static inline uint64_t f_qbit(const struct fmt *f) { return 1ull << (f->F - 1); }
static inline uint64_t f_fracmask(const struct fmt *f) { return (1ull << f->F) - 1; }
static inline uint64_t f_expmax(const struct fmt *f) { return (1ull << f->E) - 1; }
static inline uint64_t f_inf(const struct fmt *f, int sign)
{
    return (sign ? f_signbit(f) : 0) | f_expmax(f) << f->F;
}
static inline uint64_t f_zero(const struct fmt *f, int sign) { return sign ? f_signbit(f) : 0; }
static inline uint64_t f_maxnormal(const struct fmt *f, int sign)
{
    return (sign ? f_signbit(f) : 0) | (f_expmax(f) - 1) << f->F | f_fracmask(f);
}
static inline uint64_t f_dnan(const struct fmt *f) { return f_expmax(f) << f->F | f_qbit(f); }
static inline uint64_t f_neg(const struct fmt *f, uint64_t v) { return v ^ f_signbit(f); }
static inline bool is_half(const struct fmt *f) { return f->F == 10; }
/* A number 1.m * 2^e with m = 0, e small: used for 2.0, 1.5, ... */
static inline uint64_t f_const(const struct fmt *f, int sign, int e, uint64_t frac_top2)
{
    return (sign ? f_signbit(f) : 0) | (uint64_t)(e + f->bias) << f->F | frac_top2 << (f->F - 2);
}

/* FPUnpack (cv: FPUnpackCV, FZ16 ignored). */
static struct unp unpack(struct cpu *c, const struct fmt *f, uint64_t v, bool cv)
{
    struct unp u;
    u.sign = (int)(v >> (f->E + f->F) & 1);
    uint64_t e = v >> f->F & f_expmax(f), fr = v & f_fracmask(f);
    u.exp = 0;
    u.mant = 0;
    if (e == 0) {
        if (fr == 0) {
            u.type = T_ZERO;
        } else if (is_half(f) ? (!cv && (c->fpcr & FPCR_FZ16)) : (c->fpcr & FPCR_FZ) != 0) {
            u.type = T_ZERO;
            if (!is_half(f))
                fp_raise(c, FPSR_IDC);
        } else {
            u.type = T_NUM;
            u.exp = f->emin - f->F;
            u.mant = fr;
        }
    } else if (e == f_expmax(f) && !(is_half(f) && cv && (c->fpcr & FPCR_AHP))) {   /* FPUnpack ignores AHP; only FPUnpackCV honours it */
        u.type = fr == 0 ? T_INF : (fr & f_qbit(f)) ? T_QNAN : T_SNAN;
    } else {
        u.type = T_NUM;
        u.exp = (int)e - f->bias - f->F;
        u.mant = fr | 1ull << f->F;
    }
    return u;
}

static inline bool is_nan(int t) { return t >= T_QNAN; }

static uint64_t process_nan(struct cpu *c, const struct fmt *f, int type, uint64_t op)
{
    if (type == T_SNAN) {
        op |= f_qbit(f);
        fp_raise(c, FPSR_IOC);
    }
    if (c->fpcr & FPCR_DN)
        op = f_dnan(f);
    return op;
}

static bool process_nans(struct cpu *c, const struct fmt *f, int t1, int t2, uint64_t op1, uint64_t op2,
                         uint64_t *res)
{
    if (t1 == T_SNAN)
        *res = process_nan(c, f, t1, op1);
    else if (t2 == T_SNAN)
        *res = process_nan(c, f, t2, op2);
    else if (t1 == T_QNAN)
        *res = process_nan(c, f, t1, op1);
    else if (t2 == T_QNAN)
        *res = process_nan(c, f, t2, op2);
    else
        return false;
    return true;
}

static bool process_nans3(struct cpu *c, const struct fmt *f, int t1, int t2, int t3, uint64_t op1,
                          uint64_t op2, uint64_t op3, uint64_t *res)
{
    if (t1 == T_SNAN)
        *res = process_nan(c, f, t1, op1);
    else if (t2 == T_SNAN)
        *res = process_nan(c, f, t2, op2);
    else if (t3 == T_SNAN)
        *res = process_nan(c, f, t3, op3);
    else if (t1 == T_QNAN)
        *res = process_nan(c, f, t1, op1);
    else if (t2 == T_QNAN)
        *res = process_nan(c, f, t2, op2);
    else if (t3 == T_QNAN)
        *res = process_nan(c, f, t3, op3);
    else
        return false;
    return true;
}

static inline int msb128(u128 m)
{
    uint64_t hi = (uint64_t)(m >> 64);
    return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((uint64_t)m);
}

static inline enum fp_rounding resolve(const struct cpu *c, enum fp_rounding rm)
{
    return rm == FPR_FPCR ? fp_rmode(c) : rm;
}

/* FPRound: value (-1)^sign * m * 2^exp, m != 0.  Half results never flush
 * (only conversions produce them: FPRoundCV clears FZ16). */
static uint64_t fp_round(struct cpu *c, const struct fmt *f, int sign, int exp, u128 m, enum fp_rounding rm)
{
    int msb = msb128(m);
    if (msb > 100) { /* keep 101 significant bits, jam the rest */
        int sh = msb - 100;
        bool st = (m & (((u128)1 << sh) - 1)) != 0;
        m = m >> sh | st;
        exp += sh;
        msb = 100;
    }
    int e = exp + msb; /* value in [2^e, 2^(e+1)) */
    uint64_t sbit = sign ? f_signbit(f) : 0;
    if (!is_half(f) && (c->fpcr & FPCR_FZ) && e < f->emin) {
        fp_raise(c, FPSR_UFC);
        return sbit;
    }
    int biased = e < f->emin ? 0 : e - f->emin + 1;
    int scale_e = (biased == 0 ? f->emin : e) - f->F; /* int_mant = floor(value / 2^scale_e) */
    int sh = scale_e - exp;
    u128 im, rest = 0, half = 0;
    bool gt = false, eq = false;
    if (sh <= 0) {
        im = m << -sh;
    } else if (sh > 101) {
        im = 0;
        rest = m; /* < 2^101 <= half: below half */
    } else {
        im = m >> sh;
        rest = m & (((u128)1 << sh) - 1);
        half = (u128)1 << (sh - 1);
        gt = rest > half;
        eq = rest == half;
    }
    bool inexact = rest != 0;
    if (biased == 0 && inexact)
        fp_raise(c, FPSR_UFC);
    bool up = false, ovf_inf = false;
    switch (rm) {
    case FPR_TIEEVEN: up = gt || (eq && (im & 1)); ovf_inf = true; break;
    case FPR_TIEAWAY: up = gt || eq; ovf_inf = true; break;
    case FPR_POSINF: up = inexact && !sign; ovf_inf = !sign; break;
    case FPR_NEGINF: up = inexact && sign; ovf_inf = sign; break;
    default: break;
    }
    uint64_t imant = (uint64_t)im;
    if (up) {
        imant++;
        if (imant == 1ull << f->F)
            biased = 1;
        if (imant == 1ull << (f->F + 1)) {
            biased++;
            imant >>= 1;
        }
    }
    if (inexact && rm == FPR_ODD)
        imant |= 1;
    uint64_t r;
    if (!(is_half(f) && (c->fpcr & FPCR_AHP))) {
        if (biased >= (int)f_expmax(f)) {
            r = ovf_inf ? f_inf(f, sign) : f_maxnormal(f, sign);
            fp_raise(c, FPSR_OFC);
            inexact = true;
        } else {
            r = sbit | (uint64_t)biased << f->F | (imant & f_fracmask(f));
        }
    } else {
        if (biased > (int)f_expmax(f)) {
            r = sbit | (f_signbit(f) - 1);
            fp_raise(c, FPSR_IOC);
            inexact = false;
        } else {
            r = sbit | (uint64_t)biased << f->F | (imant & f_fracmask(f));
        }
    }
    if (inexact)
        fp_raise(c, FPSR_IXC);
    return r;
}

/* ---- exact arithmetic on (sign, exp, mant) -------------------------------- */

struct xv {
    int sign, exp;
    u128 m;
};

/* a + b exactly or with a sticky bit that cannot change any rounding. */
static struct xv xadd(struct xv a, struct xv b)
{
    if (a.m == 0)
        return b;
    if (b.m == 0)
        return a;
    int sa = 125 - msb128(a.m), sb = 125 - msb128(b.m);
    a.m <<= sa, a.exp -= sa;
    b.m <<= sb, b.exp -= sb;
    if (a.exp < b.exp) {
        struct xv t = a;
        a = b;
        b = t;
    }
    int d = a.exp - b.exp;
    if (d >= 127)
        b.m = 1;
    else if (d > 0)
        b.m = b.m >> d | ((b.m & (((u128)1 << d) - 1)) != 0);
    struct xv r = { a.sign, a.exp, 0 };
    if (a.sign == b.sign) {
        r.m = a.m + b.m;
    } else if (a.m >= b.m) {
        r.m = a.m - b.m;
    } else {
        r.m = b.m - a.m;
        r.sign = b.sign;
    }
    return r;
}

static inline struct xv xnum(const struct unp *u)
{
    struct xv r = { u->sign, u->exp, u->mant };
    return r;
}

/* ---- generic operations ----------------------------------------------------- */

static uint64_t g_addsub(struct cpu *c, const struct fmt *f, uint64_t op1, uint64_t op2, bool sub)
{
    struct unp a = unpack(c, f, op1, false), b = unpack(c, f, op2, false);
    uint64_t r;
    if (process_nans(c, f, a.type, b.type, op1, op2, &r))
        return r;
    if (sub)
        b.sign ^= 1;
    bool inf1 = a.type == T_INF, inf2 = b.type == T_INF;
    if (inf1 && inf2 && a.sign != b.sign) {
        fp_raise(c, FPSR_IOC);
        return f_dnan(f);
    }
    if (inf1 || inf2)
        return f_inf(f, inf1 ? a.sign : b.sign);
    if (a.type == T_ZERO && b.type == T_ZERO && a.sign == b.sign)
        return f_zero(f, a.sign);
    struct xv s = xadd(xnum(&a), xnum(&b));
    if (s.m == 0)
        return f_zero(f, fp_rmode(c) == FPR_NEGINF);
    return fp_round(c, f, s.sign, s.exp, s.m, fp_rmode(c));
}

static uint64_t g_mul(struct cpu *c, const struct fmt *f, uint64_t op1, uint64_t op2, bool mulx)
{
    struct unp a = unpack(c, f, op1, false), b = unpack(c, f, op2, false);
    uint64_t r;
    if (process_nans(c, f, a.type, b.type, op1, op2, &r))
        return r;
    int sign = a.sign ^ b.sign;
    bool inf1 = a.type == T_INF, inf2 = b.type == T_INF;
    bool z1 = a.type == T_ZERO, z2 = b.type == T_ZERO;
    if ((inf1 && z2) || (z1 && inf2)) {
        if (mulx)
            return f_const(f, sign, 1, 0);
        fp_raise(c, FPSR_IOC);
        return f_dnan(f);
    }
    if (inf1 || inf2)
        return f_inf(f, sign);
    if (z1 || z2)
        return f_zero(f, sign);
    return fp_round(c, f, sign, a.exp + b.exp, (u128)a.mant * b.mant, fp_rmode(c));
}

static uint64_t g_div(struct cpu *c, const struct fmt *f, uint64_t op1, uint64_t op2)
{
    struct unp a = unpack(c, f, op1, false), b = unpack(c, f, op2, false);
    uint64_t r;
    if (process_nans(c, f, a.type, b.type, op1, op2, &r))
        return r;
    int sign = a.sign ^ b.sign;
    bool inf1 = a.type == T_INF, inf2 = b.type == T_INF;
    bool z1 = a.type == T_ZERO, z2 = b.type == T_ZERO;
    if ((inf1 && inf2) || (z1 && z2)) {
        fp_raise(c, FPSR_IOC);
        return f_dnan(f);
    }
    if (inf1 || z2) {
        if (!inf1)
            fp_raise(c, FPSR_DZC);
        return f_inf(f, sign);
    }
    if (z1 || inf2)
        return f_zero(f, sign);
    int k = 120 - msb128(a.mant);
    u128 n = (u128)a.mant << k;
    u128 q = n / b.mant, rem = n % b.mant;
    return fp_round(c, f, sign, a.exp - k - b.exp - 1, q << 1 | (rem != 0), fp_rmode(c));
}

static uint64_t isqrt128(u128 n, bool *exact)
{
    uint64_t r = (uint64_t)sqrtl((long double)n);
    while ((u128)r * r > n)
        r--;
    while ((u128)(r + 1) * (r + 1) <= n)
        r++;
    *exact = (u128)r * r == n;
    return r;
}

static uint64_t g_sqrt(struct cpu *c, const struct fmt *f, uint64_t op)
{
    struct unp a = unpack(c, f, op, false);
    if (is_nan(a.type))
        return process_nan(c, f, a.type, op);
    if (a.type == T_ZERO)
        return f_zero(f, a.sign);
    if (a.sign) {
        fp_raise(c, FPSR_IOC);
        return f_dnan(f);
    }
    if (a.type == T_INF)
        return f_inf(f, 0);
    u128 m = a.mant;
    int e = a.exp;
    if (e & 1)
        m <<= 1, e -= 1;
    int k = (120 - msb128(m)) / 2;
    m <<= 2 * k;
    bool exact;
    uint64_t r = isqrt128(m, &exact);
    return fp_round(c, f, 0, e / 2 - k - 1, (u128)r << 1 | !exact, fp_rmode(c));
}

/* FPMulAdd: addend + op1*op2. */
static uint64_t g_muladd(struct cpu *c, const struct fmt *f, uint64_t opa, uint64_t op1, uint64_t op2)
{
    struct unp A = unpack(c, f, opa, false), a = unpack(c, f, op1, false), b = unpack(c, f, op2, false);
    bool inf1 = a.type == T_INF, inf2 = b.type == T_INF;
    bool z1 = a.type == T_ZERO, z2 = b.type == T_ZERO;
    uint64_t r;
    bool done = process_nans3(c, f, A.type, a.type, b.type, opa, op1, op2, &r);
    if (A.type == T_QNAN && ((inf1 && z2) || (z1 && inf2))) {
        fp_raise(c, FPSR_IOC);
        return f_dnan(f);
    }
    if (done)
        return r;
    bool infA = A.type == T_INF, zA = A.type == T_ZERO;
    int signP = a.sign ^ b.sign;
    bool infP = inf1 || inf2, zP = z1 || z2;
    if ((inf1 && z2) || (z1 && inf2) || (infA && infP && A.sign != signP)) {
        fp_raise(c, FPSR_IOC);
        return f_dnan(f);
    }
    if (infA)
        return f_inf(f, A.sign);
    if (infP)
        return f_inf(f, signP);
    if (zA && zP && A.sign == signP)
        return f_zero(f, A.sign);
    struct xv p = { signP, a.exp + b.exp, zP ? 0 : (u128)a.mant * b.mant };
    struct xv s = xadd(xnum(&A), p);
    if (s.m == 0)
        return f_zero(f, fp_rmode(c) == FPR_NEGINF);
    return fp_round(c, f, s.sign, s.exp, s.m, fp_rmode(c));
}

/* FPRecipStepFused (rsqrt: FPRSqrtStepFused). */
static uint64_t g_step(struct cpu *c, const struct fmt *f, uint64_t op1, uint64_t op2, bool rsqrt)
{
    op1 = f_neg(f, op1);
    struct unp a = unpack(c, f, op1, false), b = unpack(c, f, op2, false);
    uint64_t r;
    if (process_nans(c, f, a.type, b.type, op1, op2, &r))
        return r;
    bool inf1 = a.type == T_INF, inf2 = b.type == T_INF;
    bool z1 = a.type == T_ZERO, z2 = b.type == T_ZERO;
    if ((inf1 && z2) || (z1 && inf2))
        return rsqrt ? f_const(f, 0, 0, 2) : f_const(f, 0, 1, 0);
    if (inf1 || inf2)
        return f_inf(f, a.sign ^ b.sign);
    struct xv p = { a.sign ^ b.sign, a.exp + b.exp, (z1 || z2) ? 0 : (u128)a.mant * b.mant };
    struct xv k = { 0, 0, rsqrt ? 3 : 2 };
    struct xv s = xadd(k, p);
    if (s.m == 0)
        return f_zero(f, fp_rmode(c) == FPR_NEGINF);
    return fp_round(c, f, s.sign, s.exp - rsqrt, s.m, fp_rmode(c));
}

/* Ordering key of a non-NaN unpacked value (zeros of both signs equal). */
static inline int64_t okey(const struct fmt *f, const struct unp *u, uint64_t v)
{
    if (u->type == T_ZERO)
        return 0;
    int64_t mag = (int64_t)(v & (f_signbit(f) - 1));
    return u->sign ? -mag : mag;
}

static uint64_t g_maxmin(struct cpu *c, const struct fmt *f, uint64_t op1, uint64_t op2, bool max, bool nm)
{
    struct unp a = unpack(c, f, op1, false), b = unpack(c, f, op2, false);
    if (nm) {
        if (a.type == T_QNAN && b.type != T_QNAN) {
            op1 = f_inf(f, max);
            a = unpack(c, f, op1, false);
        } else if (a.type != T_QNAN && b.type == T_QNAN) {
            op2 = f_inf(f, max);
            b = unpack(c, f, op2, false);
        }
    }
    uint64_t r;
    if (process_nans(c, f, a.type, b.type, op1, op2, &r))
        return r;
    int64_t k1 = okey(f, &a, op1), k2 = okey(f, &b, op2);
    bool first = max ? k1 > k2 : k1 < k2;
    const struct unp *w = first ? &a : &b;
    uint64_t v = first ? op1 : op2;
    if (w->type == T_ZERO) {
        int s = max ? (a.sign & b.sign) : (a.sign | b.sign);
        if (a.type != T_ZERO || b.type != T_ZERO)
            s = w->sign;
        return f_zero(f, s);
    }
    return v;
}

static uint32_t g_compare(struct cpu *c, const struct fmt *f, uint64_t op1, uint64_t op2, bool signal)
{
    struct unp a = unpack(c, f, op1, false), b = unpack(c, f, op2, false);
    if (is_nan(a.type) || is_nan(b.type)) {
        if (a.type == T_SNAN || b.type == T_SNAN || signal)
            fp_raise(c, FPSR_IOC);
        return 0x30000000u;
    }
    int64_t k1 = okey(f, &a, op1), k2 = okey(f, &b, op2);
    if (k1 == k2)
        return 0x60000000u;
    return k1 < k2 ? 0x80000000u : 0x20000000u;
}

/* cond: 0 EQ, 1 GE, 2 GT.  -1/0/1 not needed: returns the predicate. */
static bool g_cmp(struct cpu *c, const struct fmt *f, uint64_t op1, uint64_t op2, int cond)
{
    struct unp a = unpack(c, f, op1, false), b = unpack(c, f, op2, false);
    if (is_nan(a.type) || is_nan(b.type)) {
        if (a.type == T_SNAN || b.type == T_SNAN || cond != 0)
            fp_raise(c, FPSR_IOC);
        return false;
    }
    int64_t k1 = okey(f, &a, op1), k2 = okey(f, &b, op2);
    return cond == 0 ? k1 == k2 : cond == 1 ? k1 >= k2 : k1 > k2;
}

/* Round a magnitude mant * 2^e to an integer with rm (applied with the sign
 * as the pseudocode's RoundDown + round_up does).  *big: does not fit in
 * 2^70.  Returns the magnitude; *inexact set when a fraction was dropped. */
static u128 round_mag(uint64_t mant, int e, int sign, enum fp_rounding rm, bool *inexact, bool *big)
{
    *big = false;
    *inexact = false;
    if (e >= 0) {
        if (e > 70) {
            *big = true;
            return 0;
        }
        return (u128)mant << e;
    }
    int sh = -e;
    uint64_t ip, rest, half;
    if (sh >= 64) {
        ip = 0;
        rest = mant;
        half = ~0ull; /* rest < half */
        if (rest == ~0ull)
            rest--;
    } else {
        ip = mant >> sh;
        rest = mant & ((1ull << sh) - 1);
        half = 1ull << (sh - 1);
    }
    *inexact = rest != 0;
    bool up = false;
    switch (rm) {
    case FPR_TIEEVEN: up = rest > half || (rest == half && (ip & 1)); break;
    case FPR_TIEAWAY: up = rest >= half; break;
    case FPR_POSINF: up = rest && !sign; break;
    case FPR_NEGINF: up = rest && sign; break;
    default: break;
    }
    return (u128)ip + up;
}

static uint64_t g_to_fixed(struct cpu *c, const struct fmt *f, uint64_t op, int fbits, enum fp_rounding rm,
                           bool uns, int isize, bool cv)
{
    rm = resolve(c, rm);
    struct unp a = unpack(c, f, op, cv);
    if (is_nan(a.type)) {
        fp_raise(c, FPSR_IOC);
        return 0;
    }
    bool inexact = false, big = a.type == T_INF;
    u128 mag = 0;
    if (a.type == T_NUM)
        mag = round_mag(a.mant, a.exp + fbits, a.sign, rm, &inexact, &big);
    uint64_t r;
    bool ovf;
    if (uns) {
        u128 lim = isize == 64 ? (u128)~0ull : 0xffffffffu;
        if (a.sign && (mag || big)) {
            r = 0, ovf = true;
        } else if (big || mag > lim) {
            r = (uint64_t)lim, ovf = true;
        } else {
            r = (uint64_t)mag, ovf = false;
        }
    } else {
        u128 lim = (u128)1 << (isize - 1); /* |min| */
        if (a.sign) {
            ovf = big || mag > lim;
            r = ovf ? (uint64_t)-(int64_t)(lim - 1) - 1 : (uint64_t)-(uint64_t)mag;
        } else {
            ovf = big || mag > lim - 1;
            r = ovf ? (uint64_t)(lim - 1) : (uint64_t)mag;
        }
        if (isize == 32)
            r = (uint32_t)r;
    }
    if (ovf)
        fp_raise(c, FPSR_IOC);
    else if (inexact)
        fp_raise(c, FPSR_IXC);
    return r;
}

static uint64_t g_from_fixed(struct cpu *c, const struct fmt *f, uint64_t v, int fbits, bool uns, int isize,
                             enum fp_rounding rm)
{
    rm = resolve(c, rm);
    int sign = 0;
    if (isize == 32)
        v = uns ? (uint32_t)v : (uint64_t)(int64_t)(int32_t)v;
    if (!uns && (int64_t)v < 0) {
        sign = 1;
        v = -v;
    }
    if (v == 0)
        return 0;
    return fp_round(c, f, sign, -fbits, v, rm);
}

static uint64_t g_round_int(struct cpu *c, const struct fmt *f, uint64_t op, enum fp_rounding rm, bool exact)
{
    rm = resolve(c, rm);
    struct unp a = unpack(c, f, op, false);
    if (is_nan(a.type))
        return process_nan(c, f, a.type, op);
    if (a.type == T_INF)
        return f_inf(f, a.sign);
    if (a.type == T_ZERO)
        return f_zero(f, a.sign);
    if (a.exp >= 0)
        return op;
    bool inexact, big;
    u128 mag = round_mag(a.mant, a.exp, a.sign, rm, &inexact, &big);
    uint64_t r = mag == 0 ? f_zero(f, a.sign) : fp_round(c, f, a.sign, 0, mag, FPR_ZERO);
    if (inexact && exact)
        fp_raise(c, FPSR_IXC);
    return r;
}

static uint64_t g_round_intn(struct cpu *c, const struct fmt *f, uint64_t op, enum fp_rounding rm, int intsize)
{
    rm = resolve(c, rm);
    struct unp a = unpack(c, f, op, false);
    uint64_t ovfval = f_signbit(f) | (uint64_t)(f->bias - 1 + intsize) << f->F;
    if (is_nan(a.type) || a.type == T_INF) {
        fp_raise(c, FPSR_IOC);
        return ovfval;
    }
    if (a.type == T_ZERO)
        return f_zero(f, a.sign);
    bool inexact, big;
    u128 mag = round_mag(a.mant, a.exp, a.sign, rm, &inexact, &big);
    u128 lim = (u128)1 << (intsize - 1);
    if (big || mag > (a.sign ? lim : lim - 1)) {
        fp_raise(c, FPSR_IOC);
        return ovfval;
    }
    uint64_t r = mag == 0 ? f_zero(f, a.sign) : fp_round(c, f, a.sign, 0, mag, FPR_ZERO);
    if (inexact)
        fp_raise(c, FPSR_IXC);
    return r;
}

/* FPConvert between formats. */
static uint64_t g_convert(struct cpu *c, const struct fmt *from, const struct fmt *to, uint64_t op,
                          enum fp_rounding rm)
{
    rm = resolve(c, rm);
    bool alt_hp = is_half(to) && (c->fpcr & FPCR_AHP);
    struct unp a = unpack(c, from, op, true);
    if (is_nan(a.type)) {
        uint64_t r;
        if (alt_hp) {
            r = f_zero(to, a.sign);
        } else if (c->fpcr & FPCR_DN) {
            r = f_dnan(to);
        } else {
            /* FPConvertNaN: sign, quiet, payload below the quiet bit kept from the top. */
            uint64_t pl = op & (f_qbit(from) - 1);
            pl = from->F > to->F ? pl >> (from->F - to->F) : pl << (to->F - from->F);
            r = (a.sign ? f_signbit(to) : 0) | f_expmax(to) << to->F | f_qbit(to) | pl;
        }
        if (a.type == T_SNAN || alt_hp)
            fp_raise(c, FPSR_IOC);
        return r;
    }
    if (a.type == T_INF) {
        if (alt_hp) {
            fp_raise(c, FPSR_IOC);
            return (a.sign ? f_signbit(to) : 0) | (f_signbit(to) - 1);
        }
        return f_inf(to, a.sign);
    }
    if (a.type == T_ZERO)
        return f_zero(to, a.sign);
    return fp_round(c, to, a.sign, a.exp, a.mant, rm);
}

/* ---- estimates ------------------------------------------------------------ */

static unsigned recip_estimate(unsigned a)
{
    a = a * 2 + 1;
    unsigned b = (1u << 19) / a;
    return (b + 1) / 2;
}

static unsigned rsqrt_estimate(unsigned a)
{
    if (a < 256) {
        a = a * 2 + 1;
    } else {
        a = (a >> 1) << 1;
        a = (a + 1) * 2;
    }
    uint64_t b = 512;
    while ((uint64_t)a * (b + 1) * (b + 1) < (1ull << 28))
        b++;
    return (unsigned)((b + 1) / 2);
}

static uint64_t g_recpe(struct cpu *c, const struct fmt *f, uint64_t op)
{
    struct unp a = unpack(c, f, op, false);
    if (is_nan(a.type))
        return process_nan(c, f, a.type, op);
    if (a.type == T_INF)
        return f_zero(f, a.sign);
    if (a.type == T_ZERO) {
        fp_raise(c, FPSR_DZC);
        return f_inf(f, a.sign);
    }
    /* |value| < 2^-(bias+1)  (2^-16, 2^-128, 2^-1024) */
    int e_unb = msb128(a.mant) + a.exp; /* floor(log2 |value|) */
    if (e_unb < -(f->bias + 1)) {
        enum fp_rounding rm = fp_rmode(c);
        bool oti = rm == FPR_TIEEVEN ? true : rm == FPR_POSINF ? !a.sign : rm == FPR_NEGINF ? a.sign : false;
        fp_raise(c, FPSR_OFC | FPSR_IXC);
        return oti ? f_inf(f, a.sign) : f_maxnormal(f, a.sign);
    }
    bool fz = is_half(f) ? (c->fpcr & FPCR_FZ16) : (c->fpcr & FPCR_FZ);
    if (fz && e_unb >= f->bias - 1) {
        fp_raise(c, FPSR_UFC);
        return f_zero(f, a.sign);
    }
    uint64_t fraction = (op & f_fracmask(f)) << (52 - f->F);
    int exp = (int)(op >> f->F & f_expmax(f));
    if (exp == 0) {
        if (!(fraction >> 51 & 1)) {
            exp = -1;
            fraction = (fraction << 2) & ((1ull << 52) - 1);
        } else {
            fraction = (fraction << 1) & ((1ull << 52) - 1);
        }
    }
    unsigned scaled = 256 | (unsigned)(fraction >> 44 & 0xff);
    int result_exp = 2 * f->bias - 1 - exp;
    unsigned est = recip_estimate(scaled);
    fraction = (uint64_t)(est & 0xff) << 44;
    if (result_exp == 0) {
        fraction = 1ull << 51 | fraction >> 1;
    } else if (result_exp == -1) {
        fraction = 1ull << 50 | fraction >> 2;
        result_exp = 0;
    }
    return (a.sign ? f_signbit(f) : 0) | (uint64_t)result_exp << f->F | fraction >> (52 - f->F);
}

static uint64_t g_rsqrte(struct cpu *c, const struct fmt *f, uint64_t op)
{
    struct unp a = unpack(c, f, op, false);
    if (is_nan(a.type))
        return process_nan(c, f, a.type, op);
    if (a.type == T_ZERO) {
        fp_raise(c, FPSR_DZC);
        return f_inf(f, a.sign);
    }
    if (a.sign) {
        fp_raise(c, FPSR_IOC);
        return f_dnan(f);
    }
    if (a.type == T_INF)
        return 0;
    uint64_t fraction = (op & f_fracmask(f)) << (52 - f->F);
    int exp = (int)(op >> f->F & f_expmax(f));
    if (exp == 0) {
        while (!(fraction >> 51 & 1)) {
            fraction <<= 1;
            exp--;
        }
        fraction = (fraction << 1) & ((1ull << 52) - 1);
    }
    unsigned scaled = (exp & 1) == 0 ? 256 | (unsigned)(fraction >> 44 & 0xff) : 128 | (unsigned)(fraction >> 45 & 0x7f);
    int result_exp = (3 * f->bias - 1 - exp) / 2; /* 44, 380, 3068 */
    unsigned est = rsqrt_estimate(scaled);
    return (uint64_t)result_exp << f->F | (uint64_t)(est & 0xff) << (f->F - 8);
}

static uint64_t g_recpx(struct cpu *c, const struct fmt *f, uint64_t op)
{
    struct unp a = unpack(c, f, op, false);
    if (is_nan(a.type))
        return process_nan(c, f, a.type, op);
    uint64_t exp = op >> f->F & f_expmax(f);
    uint64_t s = a.sign ? f_signbit(f) : 0;
    if (exp == 0)
        return s | (f_expmax(f) - 1) << f->F;
    return s | (~exp & f_expmax(f)) << f->F;
}

uint32_t fp_urecpe(uint32_t a)
{
    if (!(a >> 31))
        return 0xffffffffu;
    return (uint32_t)(recip_estimate(a >> 23 & 0x1ff) & 0x1ff) << 23;
}

uint32_t fp_ursqrte(uint32_t a)
{
    if ((a >> 30) == 0)
        return 0xffffffffu;
    unsigned scaled = (a >> 31) ? 256 | (a >> 23 & 0xff) : 128 | (a >> 23 & 0x7f);
    return (uint32_t)(rsqrt_estimate(scaled) & 0x1ff) << 23;
}

/* ---- host (SSE) middle path ----------------------------------------------- */

/* Run a host operation with MXCSR rounding from FPCR; return true and set the
 * Arm flags when the result is a normal number above the smallest normal and
 * no input needs flushing. */
#if defined(__x86_64__) || defined(__i386__)
#define HOST_PATH 1
static inline unsigned host_getcsr(void)
{
    unsigned v;
    __asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
    return v;
}
static inline void host_setcsr(unsigned v)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory");
}
#else /* other hosts: no MXCSR path, the exact path does everything */
#define HOST_PATH 0
static inline unsigned host_getcsr(void) { return 0x3f; }
static inline void host_setcsr(unsigned v) { (void)v; }
#endif
static const unsigned host_rc[4] = { 0, 2, 1, 3 };
/* flags cleared, all exceptions masked, DAZ/FTZ off, rounding from FPCR.
 * ldmxcsr is slow (it orders against other SSE work); reading is not.  The
 * host's MXCSR is normally exactly that state already (round to nearest, no
 * flags), so it is written only when it differs, before and after. */
#define HOST_BEGIN(c)                                                          \
    unsigned old_csr_ = host_getcsr();                                         \
    unsigned want_csr_ = (old_csr_ & ~0xe07fu) | 0x1f80u | (host_rc[fp_rmode(c)] << 13); \
    if (want_csr_ != old_csr_)                                                 \
        host_setcsr(want_csr_)
/* Accept the host result r (of width bits) when it is a normal number above
 * the smallest normal without host overflow/underflow (IXC from PE), or when
 * it is finite and exact (no PE/UE/OE): an exact result raises no Arm flag,
 * unless FZ would flush it (tiny nonzero). */
#define HOST_END(c, ok, r, bits)                                               \
    do {                                                                       \
        unsigned f_ = host_getcsr();                                           \
        if (f_ != old_csr_)                                                    \
            host_setcsr(old_csr_);                                             \
        if (fp##bits##_fast_res(r) && !(f_ & 0x18)) {                          \
            ok = true;                                                         \
            if (f_ & 0x20)                                                     \
                fp_raise(c, FPSR_IXC);                                         \
        } else {                                                               \
            uint##bits##_t m_ = (uint##bits##_t)(r << 1);                      \
            ok = !(f_ & 0x38) && (m_ >> (bits == 64 ? 53 : 24)) != (bits == 64 ? 0x7ffu : 0xffu) && \
                 (m_ == 0 || !(c->fpcr & FPCR_FZ));                            \
        }                                                                      \
    } while (0)

static inline bool in64_ok(const struct cpu *c, uint64_t a)
{
    /* not NaN/inf; not a denormal when FZ (would need flushing) */
    uint64_t e = a >> 52 & 0x7ff;
    return e != 0x7ff && (e != 0 || !(c->fpcr & FPCR_FZ) || !(a << 1));
}
static inline bool in32_ok(const struct cpu *c, uint32_t a)
{
    uint32_t e = a >> 23 & 0xff;
    return e != 0xff && (e != 0 || !(c->fpcr & FPCR_FZ) || !(a << 1));
}

#define HOST2(name, bits, T, conv, back, expr, generic)                          \
    uint##bits##_t name(struct cpu *c, uint##bits##_t a, uint##bits##_t b)       \
    {                                                                            \
        if (HOST_PATH && in##bits##_ok(c, a) && in##bits##_ok(c, b)) {                        \
            HOST_BEGIN(c);                                                       \
            volatile T x = conv(a), y = conv(b);                                 \
            volatile T res_ = (expr);                                            \
            uint##bits##_t r = back(res_);                                       \
            bool ok;                                                             \
            HOST_END(c, ok, r, bits);                                            \
            if (ok)                                                              \
                return r;                                                        \
        }                                                                        \
        return generic;                                                          \
    }

HOST2(fp64_add, 64, double, fp64_d, fp64_b, x + y, g_addsub(c, &FMT64, a, b, false))
HOST2(fp64_sub, 64, double, fp64_d, fp64_b, x - y, g_addsub(c, &FMT64, a, b, true))
HOST2(fp64_mul, 64, double, fp64_d, fp64_b, x * y, g_mul(c, &FMT64, a, b, false))
HOST2(fp64_div, 64, double, fp64_d, fp64_b, x / y, g_div(c, &FMT64, a, b))
HOST2(fp32_add, 32, float, fp32_f, fp32_b, x + y, g_addsub(c, &FMT32, a, b, false))
HOST2(fp32_sub, 32, float, fp32_f, fp32_b, x - y, g_addsub(c, &FMT32, a, b, true))
HOST2(fp32_mul, 32, float, fp32_f, fp32_b, x * y, g_mul(c, &FMT32, a, b, false))
HOST2(fp32_div, 32, float, fp32_f, fp32_b, x / y, g_div(c, &FMT32, a, b))

uint64_t fp64_muladd(struct cpu *c, uint64_t d, uint64_t a, uint64_t b)
{
    if (HOST_PATH && in64_ok(c, a) && in64_ok(c, b) && in64_ok(c, d)) {
        HOST_BEGIN(c);
        volatile double x = fp64_d(a), y = fp64_d(b), z = fp64_d(d);
        volatile double res_ = fma(x, y, z);
        uint64_t r = fp64_b(res_);
        bool ok;
        HOST_END(c, ok, r, 64);
        if (ok)
            return r;
    }
    return g_muladd(c, &FMT64, d, a, b);
}

uint32_t fp32_muladd(struct cpu *c, uint32_t d, uint32_t a, uint32_t b)
{
    if (HOST_PATH && in32_ok(c, a) && in32_ok(c, b) && in32_ok(c, d)) {
        HOST_BEGIN(c);
        volatile float x = fp32_f(a), y = fp32_f(b), z = fp32_f(d);
        volatile float res_ = fmaf(x, y, z);
        uint32_t r = fp32_b(res_);
        bool ok;
        HOST_END(c, ok, r, 32);
        if (ok)
            return r;
    }
    return g_muladd(c, &FMT32, d, a, b);
}

uint64_t fp64_sqrt(struct cpu *c, uint64_t a)
{
    if (HOST_PATH && in64_ok(c, a) && !(a >> 63)) {
        HOST_BEGIN(c);
        volatile double x = fp64_d(a);
        volatile double res_ = sqrt(x);
        uint64_t r = fp64_b(res_);
        bool ok;
        HOST_END(c, ok, r, 64);
        if (ok)
            return r;
    }
    return g_sqrt(c, &FMT64, a);
}

uint32_t fp32_sqrt(struct cpu *c, uint32_t a)
{
    if (HOST_PATH && in32_ok(c, a) && !(a >> 31)) {
        HOST_BEGIN(c);
        volatile float x = fp32_f(a);
        volatile float res_ = sqrtf(x);
        uint32_t r = fp32_b(res_);
        bool ok;
        HOST_END(c, ok, r, 32);
        if (ok)
            return r;
    }
    return g_sqrt(c, &FMT32, a);
}

/* ---- exact host fast path for rounding to integral ------------------------ */

/* Round x (finite, 0 < |x| < 2^52) to an integral double with rm (0-4).
 * Exact: t, x - t and t +- 1 are all representable.  Sets *inexact. */
static inline double rint_host(double x, enum fp_rounding rm, bool *inexact)
{
    double t = (double)(int64_t)x; /* toward zero */
    double f = x - t;              /* exact, same sign as x (or zero) */
    double one = x < 0 ? -1.0 : 1.0, af = fabs(f);
    double r = t;
    switch (rm) {
    case FPR_TIEEVEN:
        if (af > 0.5 || (af == 0.5 && ((int64_t)t & 1)))
            r = t + one;
        break;
    case FPR_TIEAWAY:
        if (af >= 0.5)
            r = t + one;
        break;
    case FPR_POSINF:
        if (f > 0)
            r = t + 1.0;
        break;
    case FPR_NEGINF:
        if (f < 0)
            r = t - 1.0;
        break;
    default:
        break;
    }
    *inexact = f != 0;
    return copysign(r, x);
}

/* Operand usable by the fast path: normal, |x| < 2^52 (2^23 for single);
 * denormals only when FZ is off. */
static inline bool rint64_ok(const struct cpu *c, uint64_t a)
{
    uint64_t e = a >> 52 & 0x7ff;
    if (e == 0)
        return (a << 1) && !(c->fpcr & FPCR_FZ);
    return e < 0x3ff + 52;
}
static inline bool rint32_ok(const struct cpu *c, uint32_t a)
{
    uint32_t e = a >> 23 & 0xff;
    if (e == 0)
        return (a << 1) && !(c->fpcr & FPCR_FZ);
    return e < 0x7f + 23;
}

/* ---- public wrappers -------------------------------------------------------- */

uint32_t fp32_mulx(struct cpu *c, uint32_t a, uint32_t b) { return (uint32_t)g_mul(c, &FMT32, a, b, true); }
uint64_t fp64_mulx(struct cpu *c, uint64_t a, uint64_t b) { return g_mul(c, &FMT64, a, b, true); }
uint32_t fp32_abd(struct cpu *c, uint32_t a, uint32_t b) { return fp32_sub(c, a, b) & 0x7fffffffu; }
uint64_t fp64_abd(struct cpu *c, uint64_t a, uint64_t b) { return fp64_sub(c, a, b) & ~(1ull << 63); }
uint32_t fp32_max(struct cpu *c, uint32_t a, uint32_t b) { return (uint32_t)g_maxmin(c, &FMT32, a, b, true, false); }
uint32_t fp32_min(struct cpu *c, uint32_t a, uint32_t b) { return (uint32_t)g_maxmin(c, &FMT32, a, b, false, false); }
uint32_t fp32_maxnm(struct cpu *c, uint32_t a, uint32_t b) { return (uint32_t)g_maxmin(c, &FMT32, a, b, true, true); }
uint32_t fp32_minnm(struct cpu *c, uint32_t a, uint32_t b) { return (uint32_t)g_maxmin(c, &FMT32, a, b, false, true); }
uint64_t fp64_max(struct cpu *c, uint64_t a, uint64_t b) { return g_maxmin(c, &FMT64, a, b, true, false); }
uint64_t fp64_min(struct cpu *c, uint64_t a, uint64_t b) { return g_maxmin(c, &FMT64, a, b, false, false); }
uint64_t fp64_maxnm(struct cpu *c, uint64_t a, uint64_t b) { return g_maxmin(c, &FMT64, a, b, true, true); }
uint64_t fp64_minnm(struct cpu *c, uint64_t a, uint64_t b) { return g_maxmin(c, &FMT64, a, b, false, true); }
uint32_t fp32_recps(struct cpu *c, uint32_t a, uint32_t b) { return (uint32_t)g_step(c, &FMT32, a, b, false); }
uint32_t fp32_rsqrts(struct cpu *c, uint32_t a, uint32_t b) { return (uint32_t)g_step(c, &FMT32, a, b, true); }
uint64_t fp64_recps(struct cpu *c, uint64_t a, uint64_t b) { return g_step(c, &FMT64, a, b, false); }
uint64_t fp64_rsqrts(struct cpu *c, uint64_t a, uint64_t b) { return g_step(c, &FMT64, a, b, true); }
uint32_t fp32_recpe(struct cpu *c, uint32_t a) { return (uint32_t)g_recpe(c, &FMT32, a); }
uint64_t fp64_recpe(struct cpu *c, uint64_t a) { return g_recpe(c, &FMT64, a); }
uint32_t fp32_rsqrte(struct cpu *c, uint32_t a) { return (uint32_t)g_rsqrte(c, &FMT32, a); }
uint64_t fp64_rsqrte(struct cpu *c, uint64_t a) { return g_rsqrte(c, &FMT64, a); }
uint32_t fp32_recpx(struct cpu *c, uint32_t a) { return (uint32_t)g_recpx(c, &FMT32, a); }
uint64_t fp64_recpx(struct cpu *c, uint64_t a) { return g_recpx(c, &FMT64, a); }

uint32_t fp32_compare(struct cpu *c, uint32_t a, uint32_t b, bool signal)
{
    if (!(c->fpcr & FPCR_FZ) || (in32_ok(c, a) && in32_ok(c, b))) {
        float x = fp32_f(a), y = fp32_f(b);
        if (x == y)
            return 0x60000000u;
        if (x < y)
            return 0x80000000u;
        if (x > y)
            return 0x20000000u;
    }
    return g_compare(c, &FMT32, a, b, signal);
}

uint32_t fp64_compare(struct cpu *c, uint64_t a, uint64_t b, bool signal)
{
    if (!(c->fpcr & FPCR_FZ) || (in64_ok(c, a) && in64_ok(c, b))) {
        double x = fp64_d(a), y = fp64_d(b);
        if (x == y)
            return 0x60000000u;
        if (x < y)
            return 0x80000000u;
        if (x > y)
            return 0x20000000u;
    }
    return g_compare(c, &FMT64, a, b, signal);
}

bool fp32_cmpeq(struct cpu *c, uint32_t a, uint32_t b) { return g_cmp(c, &FMT32, a, b, 0); }
bool fp32_cmpge(struct cpu *c, uint32_t a, uint32_t b) { return g_cmp(c, &FMT32, a, b, 1); }
bool fp32_cmpgt(struct cpu *c, uint32_t a, uint32_t b) { return g_cmp(c, &FMT32, a, b, 2); }
bool fp64_cmpeq(struct cpu *c, uint64_t a, uint64_t b) { return g_cmp(c, &FMT64, a, b, 0); }
bool fp64_cmpge(struct cpu *c, uint64_t a, uint64_t b) { return g_cmp(c, &FMT64, a, b, 1); }
bool fp64_cmpgt(struct cpu *c, uint64_t a, uint64_t b) { return g_cmp(c, &FMT64, a, b, 2); }

uint64_t fp32_to_fp64(struct cpu *c, uint32_t a)
{
    uint32_t e = a >> 23 & 0xff;
    if (likely(e != 0 && e != 0xff))
        return fp64_b((double)fp32_f(a));
    return g_convert(c, &FMT32, &FMT64, a, FPR_FPCR);
}
uint32_t fp64_to_fp32(struct cpu *c, uint64_t a, enum fp_rounding rmode)
{
    return (uint32_t)g_convert(c, &FMT64, &FMT32, a, rmode);
}
uint32_t fp16_to_fp32(struct cpu *c, uint16_t a) { return (uint32_t)g_convert(c, &FMT16, &FMT32, a, FPR_FPCR); }
uint64_t fp16_to_fp64(struct cpu *c, uint16_t a) { return g_convert(c, &FMT16, &FMT64, a, FPR_FPCR); }
uint16_t fp32_to_fp16(struct cpu *c, uint32_t a, enum fp_rounding rmode)
{
    return (uint16_t)g_convert(c, &FMT32, &FMT16, a, rmode);
}
uint16_t fp64_to_fp16(struct cpu *c, uint64_t a, enum fp_rounding rmode)
{
    return (uint16_t)g_convert(c, &FMT64, &FMT16, a, rmode);
}

/* x * 2^fbits rounded with rm, when it is in range of the integer type. */
static inline bool to_fixed_host(struct cpu *c, double x, int fbits, enum fp_rounding rm, bool uns, int isize,
                                 uint64_t *res)
{
    x *= fp64_d((uint64_t)(1023 + fbits) << 52); /* exact: x is normal, fbits <= 64 keeps it finite */
    if (!(fabs(x) < 0x1p52))
        return false;
    bool inexact;
    double r = rint_host(x, rm, &inexact);
    int64_t i = (int64_t)r;
    if (uns ? (i < 0 || (isize == 32 && i > 0xffffffffll))
            : (isize == 32 && (i < INT32_MIN || i > INT32_MAX)))
        return false;
    if (inexact)
        fp_raise(c, FPSR_IXC);
    *res = isize == 32 ? (uint32_t)i : (uint64_t)i;
    return true;
}

uint64_t fp32_to_fixed(struct cpu *c, uint32_t a, int fbits, enum fp_rounding rmode, bool uns, int isize)
{
    uint64_t r;
    uint32_t e = a >> 23 & 0xff;
    if (likely(e != 0 && e != 0xff) && to_fixed_host(c, (double)fp32_f(a), fbits, resolve(c, rmode), uns, isize, &r))
        return r;
    return g_to_fixed(c, &FMT32, a, fbits, rmode, uns, isize, false);
}
uint64_t fp64_to_fixed(struct cpu *c, uint64_t a, int fbits, enum fp_rounding rmode, bool uns, int isize)
{
    uint64_t r;
    uint64_t e = a >> 52 & 0x7ff;
    if (likely(e != 0 && e < 0x3ff + 52) && to_fixed_host(c, fp64_d(a), fbits, resolve(c, rmode), uns, isize, &r))
        return r;
    return g_to_fixed(c, &FMT64, a, fbits, rmode, uns, isize, false);
}
uint64_t fp16_to_fixed(struct cpu *c, uint16_t a, int fbits, enum fp_rounding rmode, bool uns, int isize)
{
    return g_to_fixed(c, &FMT16, a, fbits, rmode, uns, isize, false);
}
/* Exact conversions (|v| <= 2^24 / 2^53) need no rounding and raise no flag;
 * the scaling by 2^-fbits (fbits <= 64) stays normal, hence exact too. */
static inline int64_t fixed_value(uint64_t v, bool uns, int isize, bool *fits, int64_t lim)
{
    int64_t i;
    if (isize == 32)
        i = uns ? (int64_t)(uint32_t)v : (int64_t)(int32_t)v;
    else if (uns && (int64_t)v < 0)
        return *fits = false, 0;
    else
        i = (int64_t)v;
    *fits = i >= -lim && i <= lim;
    return i;
}
uint32_t fixed_to_fp32(struct cpu *c, uint64_t v, int fbits, bool uns, int isize, enum fp_rounding rmode)
{
    bool fits;
    int64_t i = fixed_value(v, uns, isize, &fits, 1 << 24);
    if (likely(fits))
        return fp32_b((float)((double)i * fp64_d((uint64_t)(1023 - fbits) << 52)));
    return (uint32_t)g_from_fixed(c, &FMT32, v, fbits, uns, isize, rmode);
}
uint64_t fixed_to_fp64(struct cpu *c, uint64_t v, int fbits, bool uns, int isize, enum fp_rounding rmode)
{
    bool fits;
    int64_t i = fixed_value(v, uns, isize, &fits, 1ll << 53);
    if (likely(fits))
        return fp64_b((double)i * fp64_d((uint64_t)(1023 - fbits) << 52));
    return g_from_fixed(c, &FMT64, v, fbits, uns, isize, rmode);
}

uint32_t fp32_round_int(struct cpu *c, uint32_t a, enum fp_rounding rmode, bool exact)
{
    if (likely(rint32_ok(c, a))) {
        bool inexact;
        double r = rint_host((double)fp32_f(a), resolve(c, rmode), &inexact);
        if (inexact && exact)
            fp_raise(c, FPSR_IXC);
        return fp32_b((float)r);
    }
    return (uint32_t)g_round_int(c, &FMT32, a, rmode, exact);
}
uint64_t fp64_round_int(struct cpu *c, uint64_t a, enum fp_rounding rmode, bool exact)
{
    if (likely(rint64_ok(c, a))) {
        bool inexact;
        double r = rint_host(fp64_d(a), resolve(c, rmode), &inexact);
        if (inexact && exact)
            fp_raise(c, FPSR_IXC);
        return fp64_b(r);
    }
    return g_round_int(c, &FMT64, a, rmode, exact);
}
uint32_t fp32_round_intn(struct cpu *c, uint32_t a, enum fp_rounding rmode, int intsize)
{
    return (uint32_t)g_round_intn(c, &FMT32, a, rmode, intsize);
}
uint64_t fp64_round_intn(struct cpu *c, uint64_t a, enum fp_rounding rmode, int intsize)
{
    return g_round_intn(c, &FMT64, a, rmode, intsize);
}

uint32_t fp64_jcvt(struct cpu *c, uint64_t op, bool *z)
{
    struct unp a = unpack(c, &FMT64, op, false);
    if (is_nan(a.type) || a.type == T_INF) {
        fp_raise(c, FPSR_IOC);
        *z = false;
        return 0;
    }
    bool zf = !(a.sign && a.type == T_ZERO);
    uint64_t low = 0;
    bool inexact = false, ovf = false;
    if (a.type == T_NUM) {
        /* truncate toward zero; the result is the integer modulo 2^32 */
        u128 lim = a.sign ? 0x80000000u : 0x7fffffffu;
        int e = a.exp;
        if (e >= 0) {
            ovf = true; /* mant >= 2^52 for e >= 0 */
            low = e >= 64 ? 0 : a.mant << e;
        } else if (-e >= 64) {
            inexact = true;
        } else {
            low = a.mant >> -e;
            inexact = (a.mant & ((1ull << -e) - 1)) != 0;
            ovf = low > lim;
        }
        if (a.sign)
            low = -low;
    }
    if (ovf) {
        fp_raise(c, FPSR_IOC);
        zf = false;
    } else if (inexact) {
        fp_raise(c, FPSR_IXC);
        zf = false;
    }
    *z = zf;
    return (uint32_t)low;
}

uint32_t fp32_muladd_h(struct cpu *c, uint32_t addend, uint16_t h1, uint16_t h2)
{
    /* FPMulAddH: the half operands are exact in single precision; unpacked
     * with FZ16 (no IDC), NaNs converted with FPConvertNaN. */
    struct unp a = unpack(c, &FMT16, h1, false), b = unpack(c, &FMT16, h2, false);
    /* Convert each half to the single with the same value (zero when flushed). */
    uint32_t conv[2];
    const struct unp *u[2] = { &a, &b };
    uint16_t h[2] = { h1, h2 };
    for (int i = 0; i < 2; i++) {
        const struct unp *p = u[i];
        uint32_t s = (uint32_t)p->sign << 31;
        if (p->type == T_ZERO)
            conv[i] = s;
        else if (p->type == T_INF)
            conv[i] = s | 0x7f800000u;
        else if (is_nan(p->type))
            conv[i] = s | 0x7f800000u | (uint32_t)(h[i] & 0x3ff) << 13;
        else {
            int sh = 23 - msb128(p->mant);
            int be = p->exp - sh + 23 + 127;
            conv[i] = s | (uint32_t)be << 23 | ((uint32_t)(p->mant << sh) & 0x7fffff);
        }
    }
    /* The single-precision unpack of these cannot flush or flag anything
     * (halves are normal singles), so the generic fused multiply-add, with
     * its addend-first NaN order, is FPMulAddH. */
    return (uint32_t)g_muladd(c, &FMT32, addend, conv[0], conv[1]);
}
