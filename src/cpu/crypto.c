/* Cryptographic extension: AES (FEAT_AES), 64-bit PMULL (FEAT_PMULL), SHA1,
 * SHA256 (FEAT_SHA1/FEAT_SHA256), SHA512 (FEAT_SHA512) and EOR3/BCAX/RAX1/XAR
 * (FEAT_SHA3), following the Arm ARM pseudocode (shared/functions/crypto).
 *
 * Every instruction is one uop with the V register numbers in a (d), b (n),
 * c (m) and d (a); handlers read all their operands before writing Vd, so any
 * register overlap is fine.  All results are full 128-bit writes (SHA1H's
 * 32-bit result zero-extends).
 *
 * On x86 hosts with AES-NI / PCLMULQDQ / SHA-NI, the AES, PMULL, SHA1C/P/M
 * and SHA256 handlers use them; the choice is made at translation time
 * (runtime CPU detection), and the portable C handlers are always available
 * and tested.
 *
 * SM3/SM4 are not implemented (not advertised): their encodings are absent
 * from crypto.decode and so UNDEFINED.  FEAT_RNG is not advertised either. */
#include "uop.h"

#if defined(__x86_64__) || defined(__i386__)
#define CRYPTO_X86 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define CRYPTO_X86 0
#endif

/* ---- feature gating ------------------------------------------------------ */

/* ID_AA64ISAR0_EL1 fields. */
#define ISAR0_AES 4     /* 1: AES, 2: AES + PMULL (64-bit) */
#define ISAR0_SHA1 8    /* 1: SHA1 */
#define ISAR0_SHA2 12   /* 1: SHA256, 2: SHA256 + SHA512 */
#define ISAR0_SHA3 32   /* 1: EOR3, BCAX, RAX1, XAR */

static bool has_feature(const struct xlat *x, unsigned shift, unsigned min)
{
    return (x->cpu->model->id_aa64isar0 >> shift & 0xf) >= min;
}

/* ---- host acceleration selection ----------------------------------------- */

/* Host paths in use: -1 not decided yet, else HOST_* bits.
 * Read at translation time (possibly by several vCPU threads: relaxed
 * atomics; detection is idempotent). */
enum { HOST_AES = 1, HOST_PCLMUL = 2, HOST_SHA = 4 };
static int host_paths = -1;
static bool host_accel_allowed = true;

/* For tests and debugging: enable (when the host supports it) or disable the
 * host AES-NI/PCLMULQDQ/SHA-NI paths for code translated from now on (already
 * translated blocks keep their handlers). */
void crypto_set_host_accel(bool on);
void crypto_set_host_accel(bool on)
{
    __atomic_store_n(&host_accel_allowed, on, __ATOMIC_RELAXED);
    __atomic_store_n(&host_paths, -1, __ATOMIC_RELAXED);
}

static int host_detect(void)
{
    int p = 0;
#if CRYPTO_X86
    __builtin_cpu_init();
    if (__atomic_load_n(&host_accel_allowed, __ATOMIC_RELAXED) && __builtin_cpu_supports("sse2")) {
        if (__builtin_cpu_supports("aes"))
            p |= HOST_AES;
        if (__builtin_cpu_supports("pclmul"))
            p |= HOST_PCLMUL;
        /* SHA-NI: CPUID.(EAX=7,ECX=0):EBX bit 29 (not every compiler knows
         * a __builtin_cpu_supports name for it).  The SHA paths also use SSSE3. */
        unsigned a, b, cx, d;
        if (__builtin_cpu_supports("ssse3") && __get_cpuid_count(7, 0, &a, &b, &cx, &d) && (b >> 29 & 1))
            p |= HOST_SHA;
    }
#endif
    __atomic_store_n(&host_paths, p, __ATOMIC_RELAXED);
    return p;
}

static int host_paths_get(void)
{
    int p = __atomic_load_n(&host_paths, __ATOMIC_RELAXED);
    return p < 0 ? host_detect() : p;
}

/* Whether any host path is in use (for tests: which path ran). */
bool crypto_host_accel_active(void);
bool crypto_host_accel_active(void)
{
    return host_paths_get() != 0;
}

static bool use_host_aes(void) { return host_paths_get() & HOST_AES; }
static bool use_host_pclmul(void) { return host_paths_get() & HOST_PCLMUL; }
static bool use_host_sha(void) { return host_paths_get() & HOST_SHA; }

/* Pick the host handler when there is one and the host has the feature. */
static uop_fn pick(uop_fn portable, uop_fn host, bool (*use)(void))
{
    return host && use() ? host : portable;
}

#if CRYPTO_X86
#define HOST(fn) fn
/* V registers as SSE values (unaligned accesses: no assumption on layout). */
#define XMM_LD(r) _mm_loadu_si128((const __m128i *)(const void *)&c->v[r])
#define XMM_ST(r, val) _mm_storeu_si128((__m128i *)(void *)&c->v[r], (val))
#else
#define HOST(fn) NULL
#endif

/* ---- helpers ------------------------------------------------------------- */

static inline uint32_t rol32(uint32_t x, unsigned r) { return (x << (r & 31)) | (x >> (-r & 31)); }
static inline uint32_t ror32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << (-r & 31)); }
static inline uint64_t rol64(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> (-r & 63)); }
static inline uint64_t ror64(uint64_t x, unsigned r) { return (x >> (r & 63)) | (x << (-r & 63)); }

static struct uop *emit_v(struct xlat *x, uop_fn fn, unsigned d, unsigned n, unsigned m, unsigned a)
{
    struct uop *u = emit(x, fn);
    u->a = (uint8_t)d;
    u->b = (uint8_t)n;
    u->c = (uint8_t)m;
    u->d = (uint8_t)a;
    return u;
}

/* ---- AES ------------------------------------------------------------------ */

/* The 128-bit register holds the AES state column by column: byte r + 4c is
 * row r of column c (FIPS-197 input order). */
static const uint8_t aes_sbox[256] = {
    0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
    0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
    0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
    0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
    0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
    0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
    0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
    0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
    0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
    0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
    0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
    0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
    0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
    0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
    0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
    0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};

static const uint8_t aes_inv_sbox[256] = {
    0x52, 0x09, 0x6a, 0xd5, 0x30, 0x36, 0xa5, 0x38, 0xbf, 0x40, 0xa3, 0x9e, 0x81, 0xf3, 0xd7, 0xfb,
    0x7c, 0xe3, 0x39, 0x82, 0x9b, 0x2f, 0xff, 0x87, 0x34, 0x8e, 0x43, 0x44, 0xc4, 0xde, 0xe9, 0xcb,
    0x54, 0x7b, 0x94, 0x32, 0xa6, 0xc2, 0x23, 0x3d, 0xee, 0x4c, 0x95, 0x0b, 0x42, 0xfa, 0xc3, 0x4e,
    0x08, 0x2e, 0xa1, 0x66, 0x28, 0xd9, 0x24, 0xb2, 0x76, 0x5b, 0xa2, 0x49, 0x6d, 0x8b, 0xd1, 0x25,
    0x72, 0xf8, 0xf6, 0x64, 0x86, 0x68, 0x98, 0x16, 0xd4, 0xa4, 0x5c, 0xcc, 0x5d, 0x65, 0xb6, 0x92,
    0x6c, 0x70, 0x48, 0x50, 0xfd, 0xed, 0xb9, 0xda, 0x5e, 0x15, 0x46, 0x57, 0xa7, 0x8d, 0x9d, 0x84,
    0x90, 0xd8, 0xab, 0x00, 0x8c, 0xbc, 0xd3, 0x0a, 0xf7, 0xe4, 0x58, 0x05, 0xb8, 0xb3, 0x45, 0x06,
    0xd0, 0x2c, 0x1e, 0x8f, 0xca, 0x3f, 0x0f, 0x02, 0xc1, 0xaf, 0xbd, 0x03, 0x01, 0x13, 0x8a, 0x6b,
    0x3a, 0x91, 0x11, 0x41, 0x4f, 0x67, 0xdc, 0xea, 0x97, 0xf2, 0xcf, 0xce, 0xf0, 0xb4, 0xe6, 0x73,
    0x96, 0xac, 0x74, 0x22, 0xe7, 0xad, 0x35, 0x85, 0xe2, 0xf9, 0x37, 0xe8, 0x1c, 0x75, 0xdf, 0x6e,
    0x47, 0xf1, 0x1a, 0x71, 0x1d, 0x29, 0xc5, 0x89, 0x6f, 0xb7, 0x62, 0x0e, 0xaa, 0x18, 0xbe, 0x1b,
    0xfc, 0x56, 0x3e, 0x4b, 0xc6, 0xd2, 0x79, 0x20, 0x9a, 0xdb, 0xc0, 0xfe, 0x78, 0xcd, 0x5a, 0xf4,
    0x1f, 0xdd, 0xa8, 0x33, 0x88, 0x07, 0xc7, 0x31, 0xb1, 0x12, 0x10, 0x59, 0x27, 0x80, 0xec, 0x5f,
    0x60, 0x51, 0x7f, 0xa9, 0x19, 0xb5, 0x4a, 0x0d, 0x2d, 0xe5, 0x7a, 0x9f, 0x93, 0xc9, 0x9c, 0xef,
    0xa0, 0xe0, 0x3b, 0x4d, 0xae, 0x2a, 0xf5, 0xb0, 0xc8, 0xeb, 0xbb, 0x3c, 0x83, 0x53, 0x99, 0x61,
    0x17, 0x2b, 0x04, 0x7e, 0xba, 0x77, 0xd6, 0x26, 0xe1, 0x69, 0x14, 0x63, 0x55, 0x21, 0x0c, 0x7d,
};

/* ShiftRows: out[r + 4c] = in[r + 4((c + r) mod 4)]; InvShiftRows undoes it. */
static const uint8_t aes_shift_rows[16] = { 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12, 1, 6, 11 };
static const uint8_t aes_inv_shift_rows[16] = { 0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3 };

/* Multiply each byte of w by x in GF(2^8). */
static inline uint32_t aes_xtime4(uint32_t w)
{
    return ((w & 0x7f7f7f7fu) << 1) ^ (((w >> 7) & 0x01010101u) * 0x1bu);
}

/* MixColumns of one column (byte i = row i): out_i = 2a_i ^ 3a_{i+1} ^ a_{i+2} ^ a_{i+3}. */
static inline uint32_t aes_mix_column(uint32_t w)
{
    uint32_t t = aes_xtime4(w);
    return t ^ ror32(t ^ w, 8) ^ ror32(w, 16) ^ ror32(w, 24);
}

/* InvMixColumns = MixColumns after a_i ^= 4(a_i ^ a_{i+2}). */
static inline uint32_t aes_inv_mix_column(uint32_t w)
{
    uint32_t t = aes_xtime4(aes_xtime4(w));
    return aes_mix_column(w ^ t ^ ror32(t, 16));
}

/* AESE: Vd = SubBytes(ShiftRows(Vd ^ Vn)). */
static const struct uop *op_aese(struct cpu *c, const struct uop *u)
{
    vreg s, r;
    s.d[0] = c->v[u->a].d[0] ^ c->v[u->b].d[0];
    s.d[1] = c->v[u->a].d[1] ^ c->v[u->b].d[1];
    for (int i = 0; i < 16; i++)
        r.b[i] = aes_sbox[s.b[aes_shift_rows[i]]];
    c->v[u->a] = r;
    return u + 1;
}

/* AESD: Vd = InvSubBytes(InvShiftRows(Vd ^ Vn)). */
static const struct uop *op_aesd(struct cpu *c, const struct uop *u)
{
    vreg s, r;
    s.d[0] = c->v[u->a].d[0] ^ c->v[u->b].d[0];
    s.d[1] = c->v[u->a].d[1] ^ c->v[u->b].d[1];
    for (int i = 0; i < 16; i++)
        r.b[i] = aes_inv_sbox[s.b[aes_inv_shift_rows[i]]];
    c->v[u->a] = r;
    return u + 1;
}

static const struct uop *op_aesmc(struct cpu *c, const struct uop *u)
{
    vreg s = c->v[u->b], r;
    for (int i = 0; i < 4; i++)
        r.s[i] = aes_mix_column(s.s[i]);
    c->v[u->a] = r;
    return u + 1;
}

static const struct uop *op_aesimc(struct cpu *c, const struct uop *u)
{
    vreg s = c->v[u->b], r;
    for (int i = 0; i < 4; i++)
        r.s[i] = aes_inv_mix_column(s.s[i]);
    c->v[u->a] = r;
    return u + 1;
}

#if CRYPTO_X86
/* AES-NI works on the same byte order.  AESENCLAST(s, 0) = SubBytes(ShiftRows(s)),
 * AESDECLAST(s, 0) = InvSubBytes(InvShiftRows(s)), AESIMC = InvMixColumns, and
 * MixColumns(s) = AESENC(AESDECLAST(s, 0), 0) since SubBytes and ShiftRows
 * commute. */
__attribute__((target("sse2,aes")))
static const struct uop *op_aese_ni(struct cpu *c, const struct uop *u)
{
    __m128i s = _mm_xor_si128(XMM_LD(u->a), XMM_LD(u->b));
    XMM_ST(u->a, _mm_aesenclast_si128(s, _mm_setzero_si128()));
    return u + 1;
}

__attribute__((target("sse2,aes")))
static const struct uop *op_aesd_ni(struct cpu *c, const struct uop *u)
{
    __m128i s = _mm_xor_si128(XMM_LD(u->a), XMM_LD(u->b));
    XMM_ST(u->a, _mm_aesdeclast_si128(s, _mm_setzero_si128()));
    return u + 1;
}

__attribute__((target("sse2,aes")))
static const struct uop *op_aesmc_ni(struct cpu *c, const struct uop *u)
{
    __m128i z = _mm_setzero_si128();
    XMM_ST(u->a, _mm_aesenc_si128(_mm_aesdeclast_si128(XMM_LD(u->b), z), z));
    return u + 1;
}

__attribute__((target("sse2,aes")))
static const struct uop *op_aesimc_ni(struct cpu *c, const struct uop *u)
{
    XMM_ST(u->a, _mm_aesimc_si128(XMM_LD(u->b)));
    return u + 1;
}
#endif

static bool trans_aes(struct xlat *x, uop_fn portable, uop_fn host, unsigned rd, unsigned rn)
{
    if (!has_feature(x, ISAR0_AES, 1))
        return false;
    emit_v(x, pick(portable, host, use_host_aes), rd, rn, 0, 0);
    return true;
}

bool trans_AESE(struct xlat *x, const arg_AESE *a)
{
    return trans_aes(x, op_aese, HOST(op_aese_ni), a->rd, a->rn);
}

bool trans_AESD(struct xlat *x, const arg_AESD *a)
{
    return trans_aes(x, op_aesd, HOST(op_aesd_ni), a->rd, a->rn);
}

bool trans_AESMC(struct xlat *x, const arg_AESMC *a)
{
    return trans_aes(x, op_aesmc, HOST(op_aesmc_ni), a->rd, a->rn);
}

bool trans_AESIMC(struct xlat *x, const arg_AESIMC *a)
{
    return trans_aes(x, op_aesimc, HOST(op_aesimc_ni), a->rd, a->rn);
}

/* ---- PMULL{2} (64 x 64 -> 128 carry-less) --------------------------------- */

static inline void clmul64(uint64_t a, uint64_t b, uint64_t *lo, uint64_t *hi)
{
    /* 4-bit windows of b over a table of the multiples of a with its top 3
     * bits cleared (so that every entry fits 64 bits); the windows are
     * independent, so this has plenty of ILP.  Then a's top 3 bits. */
    uint64_t a1 = a & 0x1fffffffffffffffull, a2 = a1 << 1, a4 = a1 << 2, a8 = a1 << 3;
    const uint64_t t[16] = {
        0, a1, a2, a1 ^ a2, a4, a1 ^ a4, a2 ^ a4, a1 ^ a2 ^ a4,
        a8, a1 ^ a8, a2 ^ a8, a1 ^ a2 ^ a8, a4 ^ a8, a1 ^ a4 ^ a8, a2 ^ a4 ^ a8, a1 ^ a2 ^ a4 ^ a8,
    };
    uint64_t l = t[b & 15], h = 0;
    for (int s = 4; s < 64; s += 4) {
        uint64_t v = t[b >> s & 15];
        l ^= v << s;
        h ^= v >> (64 - s);
    }
    for (int k = 61; k < 64; k++) {
        uint64_t m = -(a >> k & 1);
        l ^= (b << k) & m;
        h ^= (b >> (64 - k)) & m;
    }
    *lo = l;
    *hi = h;
}

/* e: source element (0 for PMULL, 1 for PMULL2). */
static const struct uop *op_pmull64(struct cpu *c, const struct uop *u)
{
    uint64_t lo, hi;
    clmul64(c->v[u->b].d[u->e], c->v[u->c].d[u->e], &lo, &hi);
    c->v[u->a].d[0] = lo;
    c->v[u->a].d[1] = hi;
    return u + 1;
}

#if CRYPTO_X86
__attribute__((target("sse2,pclmul")))
static const struct uop *op_pmull64_lo_ni(struct cpu *c, const struct uop *u)
{
    XMM_ST(u->a, _mm_clmulepi64_si128(XMM_LD(u->b), XMM_LD(u->c), 0x00));
    return u + 1;
}

__attribute__((target("sse2,pclmul")))
static const struct uop *op_pmull64_hi_ni(struct cpu *c, const struct uop *u)
{
    XMM_ST(u->a, _mm_clmulepi64_si128(XMM_LD(u->b), XMM_LD(u->c), 0x11));
    return u + 1;
}
#endif

bool trans_PMULL_64(struct xlat *x, const arg_PMULL_64 *a)
{
    if (!has_feature(x, ISAR0_AES, 2))
        return false;
    uop_fn host = a->q ? HOST(op_pmull64_hi_ni) : HOST(op_pmull64_lo_ni);
    struct uop *u = emit_v(x, pick(op_pmull64, host, use_host_pclmul), a->rd, a->rn, a->rm, 0);
    u->e = (uint8_t)a->q;
    return true;
}

/* ---- SHA1 ------------------------------------------------------------------ */

static inline uint32_t sha1_choose(uint32_t x, uint32_t y, uint32_t z) { return ((y ^ z) & x) ^ z; }
static inline uint32_t sha1_parity(uint32_t x, uint32_t y, uint32_t z) { return x ^ y ^ z; }
static inline uint32_t sha1_majority(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | ((x | y) & z); }

/* SHA1C/P/M: X = Vd (4 words), Y = Vn<31:0>, W = Vm; four rounds, each
 * Y += ROL(X0, 5) + f(X1, X2, X3) + W[e]; X1 = ROL(X1, 30); <Y, X> = ROL(Y:X, 32). */
#define SHA1_HASH(name, f)                                                      \
    static const struct uop *name(struct cpu *c, const struct uop *u)           \
    {                                                                           \
        vreg w = c->v[u->c];                                                    \
        uint32_t x0 = c->v[u->a].s[0], x1 = c->v[u->a].s[1];                    \
        uint32_t x2 = c->v[u->a].s[2], x3 = c->v[u->a].s[3];                    \
        uint32_t y = c->v[u->b].s[0];                                           \
        for (int e = 0; e < 4; e++) {                                           \
            y += rol32(x0, 5) + f(x1, x2, x3) + w.s[e];                         \
            x1 = rol32(x1, 30);                                                 \
            uint32_t t = x3;                                                    \
            x3 = x2, x2 = x1, x1 = x0, x0 = y, y = t;                           \
        }                                                                       \
        vreg *d = &c->v[u->a];                                                  \
        d->s[0] = x0, d->s[1] = x1, d->s[2] = x2, d->s[3] = x3;                 \
        return u + 1;                                                           \
    }
SHA1_HASH(op_sha1c, sha1_choose)
SHA1_HASH(op_sha1p, sha1_parity)
SHA1_HASH(op_sha1m, sha1_majority)

/* SHA1SU0: Vd = (Vn<63:0> : Vd<127:64>) ^ Vd ^ Vm. */
static const struct uop *op_sha1su0(struct cpu *c, const struct uop *u)
{
    uint64_t d0 = c->v[u->a].d[0], d1 = c->v[u->a].d[1];
    uint64_t n0 = c->v[u->b].d[0];
    uint64_t m0 = c->v[u->c].d[0], m1 = c->v[u->c].d[1];
    c->v[u->a].d[0] = d1 ^ d0 ^ m0;
    c->v[u->a].d[1] = n0 ^ d1 ^ m1;
    return u + 1;
}

/* SHA1H: Sd = ROL(Sn, 30), upper bits zeroed. */
static const struct uop *op_sha1h(struct cpu *c, const struct uop *u)
{
    uint32_t r = rol32(c->v[u->b].s[0], 30);
    c->v[u->a].d[0] = r;
    c->v[u->a].d[1] = 0;
    return u + 1;
}

/* SHA1SU1: T = Vd ^ (Vn >> 32); each word ROL 1, word 3 also ^ ROL(T0, 2). */
static const struct uop *op_sha1su1(struct cpu *c, const struct uop *u)
{
    vreg d = c->v[u->a], n = c->v[u->b];
    uint32_t t0 = d.s[0] ^ n.s[1], t1 = d.s[1] ^ n.s[2], t2 = d.s[2] ^ n.s[3], t3 = d.s[3];
    vreg *r = &c->v[u->a];
    r->s[0] = rol32(t0, 1);
    r->s[1] = rol32(t1, 1);
    r->s[2] = rol32(t2, 1);
    r->s[3] = rol32(t3, 1) ^ rol32(t0, 2);
    return u + 1;
}

#if CRYPTO_X86
/* SHA1RNDS4 does the same four rounds on A..D held from the top dword down,
 * with W0 + E in the top dword of the message operand, but adds the round
 * constant K of its function itself: pass W - K. */
#define SHA1_HASH_NI(name, func, k)                                                  \
    __attribute__((target("sse2,ssse3,sha")))                                       \
    static const struct uop *name(struct cpu *c, const struct uop *u)                \
    {                                                                                \
        __m128i abcd = _mm_shuffle_epi32(XMM_LD(u->a), 0x1b);                        \
        __m128i w = _mm_sub_epi32(_mm_shuffle_epi32(XMM_LD(u->c), 0x1b), _mm_set1_epi32((int)(k))); \
        w = _mm_add_epi32(w, _mm_slli_si128(XMM_LD(u->b), 12));                     \
        XMM_ST(u->a, _mm_shuffle_epi32(_mm_sha1rnds4_epu32(abcd, w, func), 0x1b));   \
        return u + 1;                                                                \
    }
SHA1_HASH_NI(op_sha1c_ni, 0, 0x5a827999u)
SHA1_HASH_NI(op_sha1p_ni, 1, 0x6ed9eba1u)
SHA1_HASH_NI(op_sha1m_ni, 2, 0x8f1bbcdcu)
#endif

static bool trans_sha1(struct xlat *x, uop_fn fn, unsigned rd, unsigned rn, unsigned rm)
{
    if (!has_feature(x, ISAR0_SHA1, 1))
        return false;
    emit_v(x, fn, rd, rn, rm, 0);
    return true;
}

bool trans_SHA1C(struct xlat *x, const arg_SHA1C *a)
{
    return trans_sha1(x, pick(op_sha1c, HOST(op_sha1c_ni), use_host_sha), a->rd, a->rn, a->rm);
}

bool trans_SHA1P(struct xlat *x, const arg_SHA1P *a)
{
    return trans_sha1(x, pick(op_sha1p, HOST(op_sha1p_ni), use_host_sha), a->rd, a->rn, a->rm);
}

bool trans_SHA1M(struct xlat *x, const arg_SHA1M *a)
{
    return trans_sha1(x, pick(op_sha1m, HOST(op_sha1m_ni), use_host_sha), a->rd, a->rn, a->rm);
}

bool trans_SHA1SU0(struct xlat *x, const arg_SHA1SU0 *a) { return trans_sha1(x, op_sha1su0, a->rd, a->rn, a->rm); }
bool trans_SHA1H(struct xlat *x, const arg_SHA1H *a) { return trans_sha1(x, op_sha1h, a->rd, a->rn, 0); }
bool trans_SHA1SU1(struct xlat *x, const arg_SHA1SU1 *a) { return trans_sha1(x, op_sha1su1, a->rd, a->rn, 0); }

/* ---- SHA256 ---------------------------------------------------------------- */

static inline uint32_t sha256_ch(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (~x & z); }
static inline uint32_t sha256_maj(uint32_t x, uint32_t y, uint32_t z) { return (x & y) ^ (x & z) ^ (y & z); }
static inline uint32_t sha256_Sigma0(uint32_t x) { return ror32(x, 2) ^ ror32(x, 13) ^ ror32(x, 22); }
static inline uint32_t sha256_Sigma1(uint32_t x) { return ror32(x, 6) ^ ror32(x, 11) ^ ror32(x, 25); }

/* SHA256hash(X, Y, W, part1): four rounds on X = (a,b,c,d), Y = (e,f,g,h),
 * returns X for SHA256H (part1) and Y for SHA256H2. */
static inline void sha256_hash(vreg *out, const vreg *xin, const vreg *yin, const vreg *w, bool part1)
{
    uint32_t x0 = xin->s[0], x1 = xin->s[1], x2 = xin->s[2], x3 = xin->s[3];
    uint32_t y0 = yin->s[0], y1 = yin->s[1], y2 = yin->s[2], y3 = yin->s[3];
    for (int e = 0; e < 4; e++) {
        uint32_t t = y3 + sha256_Sigma1(y0) + sha256_ch(y0, y1, y2) + w->s[e];
        x3 += t;
        y3 = t + sha256_Sigma0(x0) + sha256_maj(x0, x1, x2);
        /* <Y, X> = ROL(Y : X, 32) */
        uint32_t ty = y3, tx = x3;
        y3 = y2, y2 = y1, y1 = y0, y0 = tx;
        x3 = x2, x2 = x1, x1 = x0, x0 = ty;
    }
    if (part1)
        out->s[0] = x0, out->s[1] = x1, out->s[2] = x2, out->s[3] = x3;
    else
        out->s[0] = y0, out->s[1] = y1, out->s[2] = y2, out->s[3] = y3;
}

/* SHA256H Qd, Qn, Vm: SHA256hash(Vd, Vn, Vm, TRUE). */
static const struct uop *op_sha256h(struct cpu *c, const struct uop *u)
{
    vreg d = c->v[u->a], n = c->v[u->b], m = c->v[u->c];
    sha256_hash(&c->v[u->a], &d, &n, &m, true);
    return u + 1;
}

/* SHA256H2 Qd, Qn, Vm: SHA256hash(Vn, Vd, Vm, FALSE). */
static const struct uop *op_sha256h2(struct cpu *c, const struct uop *u)
{
    vreg d = c->v[u->a], n = c->v[u->b], m = c->v[u->c];
    sha256_hash(&c->v[u->a], &n, &d, &m, false);
    return u + 1;
}

/* SHA256SU0: T = Vn<31:0> : Vd<127:32>; Vd[e] += sigma0(T[e]). */
static const struct uop *op_sha256su0(struct cpu *c, const struct uop *u)
{
    vreg d = c->v[u->a];
    uint32_t t[4] = { d.s[1], d.s[2], d.s[3], c->v[u->b].s[0] };
    vreg *r = &c->v[u->a];
    for (int e = 0; e < 4; e++)
        r->s[e] = (ror32(t[e], 7) ^ ror32(t[e], 18) ^ (t[e] >> 3)) + d.s[e];
    return u + 1;
}

static inline uint32_t sha256_sigma1(uint32_t x) { return ror32(x, 17) ^ ror32(x, 19) ^ (x >> 10); }

/* SHA256SU1: T0 = Vm<31:0> : Vn<127:32>; the first two results use Vm<127:64>,
 * the last two the first two results. */
static const struct uop *op_sha256su1(struct cpu *c, const struct uop *u)
{
    vreg d = c->v[u->a], n = c->v[u->b], m = c->v[u->c];
    uint32_t t0[4] = { n.s[1], n.s[2], n.s[3], m.s[0] };
    uint32_t r0 = sha256_sigma1(m.s[2]) + d.s[0] + t0[0];
    uint32_t r1 = sha256_sigma1(m.s[3]) + d.s[1] + t0[1];
    uint32_t r2 = sha256_sigma1(r0) + d.s[2] + t0[2];
    uint32_t r3 = sha256_sigma1(r1) + d.s[3] + t0[3];
    vreg *r = &c->v[u->a];
    r->s[0] = r0, r->s[1] = r1, r->s[2] = r2, r->s[3] = r3;
    return u + 1;
}

#if CRYPTO_X86
/* SHA-NI keeps the state as ABEF / CDGH (A in the top dword) and does two
 * rounds per SHA256RNDS2 with W+K from the low two dwords; after two rounds
 * the new CDGH is the old ABEF.  X = (a,b,c,d), Y = (e,f,g,h) as in
 * SHA256hash; part1 returns the new X, else the new Y. */
#define SHA256_HASH_NI(name, xreg, yreg, part1)                                      \
    __attribute__((target("sse2,ssse3,sha")))                                       \
    static const struct uop *name(struct cpu *c, const struct uop *u)                \
    {                                                                                \
        __m128i dcba = _mm_shuffle_epi32(XMM_LD(u->xreg), 0x1b);                     \
        __m128i hgfe = _mm_shuffle_epi32(XMM_LD(u->yreg), 0x1b);                     \
        __m128i w = XMM_LD(u->c);                                                    \
        __m128i abef = _mm_unpackhi_epi64(hgfe, dcba), cdgh = _mm_unpacklo_epi64(hgfe, dcba); \
        __m128i abef2 = _mm_sha256rnds2_epu32(cdgh, abef, w);                        \
        __m128i abef4 = _mm_sha256rnds2_epu32(abef, abef2, _mm_shuffle_epi32(w, 0x0e)); \
        /* cdgh4 = abef2 */                                                          \
        __m128i r = (part1) ? _mm_unpackhi_epi64(abef2, abef4) : _mm_unpacklo_epi64(abef2, abef4); \
        XMM_ST(u->a, _mm_shuffle_epi32(r, 0x1b));                                    \
        return u + 1;                                                                \
    }
SHA256_HASH_NI(op_sha256h_ni, a, b, true)
SHA256_HASH_NI(op_sha256h2_ni, b, a, false)

/* SHA256MSG1 is exactly SHA256SU0. */
__attribute__((target("sse2,ssse3,sha")))
static const struct uop *op_sha256su0_ni(struct cpu *c, const struct uop *u)
{
    XMM_ST(u->a, _mm_sha256msg1_epu32(XMM_LD(u->a), XMM_LD(u->b)));
    return u + 1;
}

/* SHA256MSG2(Vd + (Vm<31:0> : Vn<127:32>), Vm) is SHA256SU1. */
__attribute__((target("sse2,ssse3,sha")))
static const struct uop *op_sha256su1_ni(struct cpu *c, const struct uop *u)
{
    __m128i m = XMM_LD(u->c);
    __m128i t = _mm_add_epi32(XMM_LD(u->a), _mm_alignr_epi8(m, XMM_LD(u->b), 4));
    XMM_ST(u->a, _mm_sha256msg2_epu32(t, m));
    return u + 1;
}
#endif

static bool trans_sha256(struct xlat *x, uop_fn portable, uop_fn host, unsigned rd, unsigned rn, unsigned rm)
{
    if (!has_feature(x, ISAR0_SHA2, 1))
        return false;
    emit_v(x, pick(portable, host, use_host_sha), rd, rn, rm, 0);
    return true;
}

bool trans_SHA256H(struct xlat *x, const arg_SHA256H *a)
{
    return trans_sha256(x, op_sha256h, HOST(op_sha256h_ni), a->rd, a->rn, a->rm);
}

bool trans_SHA256H2(struct xlat *x, const arg_SHA256H2 *a)
{
    return trans_sha256(x, op_sha256h2, HOST(op_sha256h2_ni), a->rd, a->rn, a->rm);
}

bool trans_SHA256SU1(struct xlat *x, const arg_SHA256SU1 *a)
{
    return trans_sha256(x, op_sha256su1, HOST(op_sha256su1_ni), a->rd, a->rn, a->rm);
}

bool trans_SHA256SU0(struct xlat *x, const arg_SHA256SU0 *a)
{
    return trans_sha256(x, op_sha256su0, HOST(op_sha256su0_ni), a->rd, a->rn, 0);
}

/* ---- SHA512 ---------------------------------------------------------------- */

static inline uint64_t sha512_Sigma0(uint64_t x) { return ror64(x, 28) ^ ror64(x, 34) ^ ror64(x, 39); }
static inline uint64_t sha512_Sigma1(uint64_t x) { return ror64(x, 14) ^ ror64(x, 18) ^ ror64(x, 41); }
static inline uint64_t sha512_sigma0(uint64_t x) { return ror64(x, 1) ^ ror64(x, 8) ^ (x >> 7); }
static inline uint64_t sha512_sigma1(uint64_t x) { return ror64(x, 19) ^ ror64(x, 61) ^ (x >> 6); }

/* SHA512H Qd, Qn, Vm.2D: X = Vn, Y = Vm, W = Vd. */
static const struct uop *op_sha512h(struct cpu *c, const struct uop *u)
{
    uint64_t x0 = c->v[u->b].d[0], x1 = c->v[u->b].d[1];
    uint64_t y0 = c->v[u->c].d[0], y1 = c->v[u->c].d[1];
    uint64_t w0 = c->v[u->a].d[0], w1 = c->v[u->a].d[1];
    uint64_t hi = ((y1 & x0) ^ (~y1 & x1)) + sha512_Sigma1(y1) + w1;
    uint64_t tmp = hi + y0;
    uint64_t lo = ((tmp & y1) ^ (~tmp & x0)) + sha512_Sigma1(tmp) + w0;
    c->v[u->a].d[0] = lo;
    c->v[u->a].d[1] = hi;
    return u + 1;
}

/* SHA512H2 Qd, Qn, Vm.2D: X = Vn, Y = Vm, W = Vd. */
static const struct uop *op_sha512h2(struct cpu *c, const struct uop *u)
{
    uint64_t x0 = c->v[u->b].d[0];
    uint64_t y0 = c->v[u->c].d[0], y1 = c->v[u->c].d[1];
    uint64_t w0 = c->v[u->a].d[0], w1 = c->v[u->a].d[1];
    uint64_t hi = ((x0 & y1) ^ (x0 & y0) ^ (y1 & y0)) + sha512_Sigma0(y0) + w1;
    uint64_t lo = ((hi & y0) ^ (hi & y1) ^ (y1 & y0)) + sha512_Sigma0(hi) + w0;
    c->v[u->a].d[0] = lo;
    c->v[u->a].d[1] = hi;
    return u + 1;
}

/* SHA512SU0 Vd.2D, Vn.2D: w = Vd, x = Vn. */
static const struct uop *op_sha512su0(struct cpu *c, const struct uop *u)
{
    uint64_t w0 = c->v[u->a].d[0], w1 = c->v[u->a].d[1];
    uint64_t x0 = c->v[u->b].d[0];
    c->v[u->a].d[0] = w0 + sha512_sigma0(w1);
    c->v[u->a].d[1] = w1 + sha512_sigma0(x0);
    return u + 1;
}

/* SHA512SU1 Vd.2D, Vn.2D, Vm.2D: w = Vd, x = Vn, y = Vm. */
static const struct uop *op_sha512su1(struct cpu *c, const struct uop *u)
{
    uint64_t w0 = c->v[u->a].d[0], w1 = c->v[u->a].d[1];
    uint64_t x0 = c->v[u->b].d[0], x1 = c->v[u->b].d[1];
    uint64_t y0 = c->v[u->c].d[0], y1 = c->v[u->c].d[1];
    c->v[u->a].d[0] = w0 + sha512_sigma1(x0) + y0;
    c->v[u->a].d[1] = w1 + sha512_sigma1(x1) + y1;
    return u + 1;
}

static bool trans_sha512(struct xlat *x, uop_fn fn, unsigned rd, unsigned rn, unsigned rm)
{
    if (!has_feature(x, ISAR0_SHA2, 2))
        return false;
    emit_v(x, fn, rd, rn, rm, 0);
    return true;
}

bool trans_SHA512H(struct xlat *x, const arg_SHA512H *a) { return trans_sha512(x, op_sha512h, a->rd, a->rn, a->rm); }
bool trans_SHA512H2(struct xlat *x, const arg_SHA512H2 *a) { return trans_sha512(x, op_sha512h2, a->rd, a->rn, a->rm); }
bool trans_SHA512SU1(struct xlat *x, const arg_SHA512SU1 *a) { return trans_sha512(x, op_sha512su1, a->rd, a->rn, a->rm); }
bool trans_SHA512SU0(struct xlat *x, const arg_SHA512SU0 *a) { return trans_sha512(x, op_sha512su0, a->rd, a->rn, 0); }

/* ---- SHA3 ------------------------------------------------------------------ */

/* EOR3 Vd.16B = Vn ^ Vm ^ Va. */
static const struct uop *op_eor3(struct cpu *c, const struct uop *u)
{
    for (int i = 0; i < 2; i++)
        c->v[u->a].d[i] = c->v[u->b].d[i] ^ c->v[u->c].d[i] ^ c->v[u->d].d[i];
    return u + 1;
}

/* BCAX Vd.16B = Vn ^ (Vm & ~Va). */
static const struct uop *op_bcax(struct cpu *c, const struct uop *u)
{
    for (int i = 0; i < 2; i++)
        c->v[u->a].d[i] = c->v[u->b].d[i] ^ (c->v[u->c].d[i] & ~c->v[u->d].d[i]);
    return u + 1;
}

/* RAX1 Vd.2D = Vn ^ ROL(Vm, 1). */
static const struct uop *op_rax1(struct cpu *c, const struct uop *u)
{
    for (int i = 0; i < 2; i++)
        c->v[u->a].d[i] = c->v[u->b].d[i] ^ rol64(c->v[u->c].d[i], 1);
    return u + 1;
}

/* XAR Vd.2D = ROR(Vn ^ Vm, imm6); e = imm6. */
static const struct uop *op_xar(struct cpu *c, const struct uop *u)
{
    for (int i = 0; i < 2; i++)
        c->v[u->a].d[i] = ror64(c->v[u->b].d[i] ^ c->v[u->c].d[i], u->e);
    return u + 1;
}

/* The loops above read each lane's operands before writing it, and lane i
 * only depends on lane i, so overlapping registers are fine. */

bool trans_EOR3(struct xlat *x, const arg_EOR3 *a)
{
    if (!has_feature(x, ISAR0_SHA3, 1))
        return false;
    emit_v(x, op_eor3, a->rd, a->rn, a->rm, a->ra);
    return true;
}

bool trans_BCAX(struct xlat *x, const arg_BCAX *a)
{
    if (!has_feature(x, ISAR0_SHA3, 1))
        return false;
    emit_v(x, op_bcax, a->rd, a->rn, a->rm, a->ra);
    return true;
}

bool trans_RAX1(struct xlat *x, const arg_RAX1 *a)
{
    if (!has_feature(x, ISAR0_SHA3, 1))
        return false;
    emit_v(x, op_rax1, a->rd, a->rn, a->rm, 0);
    return true;
}

bool trans_XAR(struct xlat *x, const arg_XAR *a)
{
    if (!has_feature(x, ISAR0_SHA3, 1))
        return false;
    struct uop *u = emit_v(x, op_xar, a->rd, a->rn, a->rm, 0);
    u->e = (uint8_t)a->imm6;
    return true;
}
