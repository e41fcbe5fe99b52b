/* Cryptographic extension: AES, PMULL (64-bit), SHA1, SHA256, SHA512, SHA3.
 *
 *  1. Every instruction form against Unicorn (UC_CPU_ARM64_MAX) on many random
 *     register numbers (overlaps included) and values (random, zero, ones,
 *     single bits), checking Vd and that no other V register changes.
 *  2. Unallocated encodings of the crypto groups UNDEFINED (ours and Unicorn);
 *     SM3/SM4 UNDEFINED on ours (not advertised; Unicorn implements them).
 *  3. Feature gating: models without AES/PMULL/SHA1/SHA2/SHA512/SHA3 UNDEF;
 *     the built-in models advertise exactly these (no SM3/SM4, no FEAT_RNG:
 *     MRS RNDR/RNDRRS UNDEFINED).
 *  4. Known answers: FIPS-197 AES-128 encrypt/decrypt with AESE/AESMC and
 *     AESD/AESIMC, and SHA-1/SHA-256/SHA-512 of "abc" computed as real hash
 *     loops with the SHA instructions.
 * 1 and 4 run twice when the host has AES-NI/PCLMULQDQ/SHA-NI: once with the
 * portable C handlers and once with the host paths. */
#include "cpu_harness.h"
#include "model.h"
#include "test.h"
#include "unicorn_ref.h"

/* From crypto.c (not in a shared header: test/debug hooks only). */
void crypto_set_host_accel(bool on);
bool crypto_host_accel_active(void);

#define SVC0 0xd4000001u

/* ---- randomness ----------------------------------------------------------- */


static uint64_t rnd_word(void)
{
    switch (rnd() % 16) {
    case 0: return 0;
    case 1: return ~0ull;
    case 2: return 1ull << (rnd() % 64);
    case 3: return ~(1ull << (rnd() % 64));
    case 4: return 0x8000000080000000ull;
    case 5: return 0x7fffffff7fffffffull;
    default: return rnd();
    }
}

/* The 32 V registers of a trial, a pure function of its seed. */
static void gen_vregs(uint64_t seed, uint64_t v[32][2])
{
    uint64_t save = rng_state;
    rng_state = seed | 1;
    for (int i = 0; i < 32; i++)
        v[i][0] = rnd_word(), v[i][1] = rnd_word();
    rng_state = save;
}

/* ---- the two CPUs ------------------------------------------------------------ */

static struct harness H;
static uc_engine *uc;

static void uc_setup(void)
{
    uc = ref_engine_open(HARNESS_BASE, HARNESS_SIZE);
}

/* Run the instruction at pc on Unicorn with V registers v (updated).
 * false: Unicorn raised an exception (UNDEFINED). */
static bool uc_exec(uint64_t pc, uint64_t v[32][2])
{
    for (int i = 0; i < 32; i++)
        uc_reg_write(uc, UC_ARM64_REG_Q0 + i, v[i]);
    uc_err err = uc_emu_start(uc, pc, pc + 4, 0, 0);
    for (int i = 0; i < 32; i++)
        uc_reg_read(uc, UC_ARM64_REG_Q0 + i, v[i]);
    return err == UC_ERR_OK;
}

/* Run from pc on our CPU with V registers v (updated); returns the exit. */
static enum cpu_exit our_exec(struct harness *h, uint64_t pc, uint64_t v[32][2])
{
    for (int i = 0; i < 32; i++)
        h->cpu->v[i].d[0] = v[i][0], h->cpu->v[i].d[1] = v[i][1];
    h->cpu->pc = pc;
    enum cpu_exit r = cpu_run(h->cpu);
    for (int i = 0; i < 32; i++)
        v[i][0] = h->cpu->v[i].d[0], v[i][1] = h->cpu->v[i].d[1];
    return r;
}

static void put_code(uint64_t va, const uint32_t *w, size_t n)
{
    memcpy(H.mem + (va - HARNESS_BASE), w, n * 4);
    uc_mem_write(uc, va, w, n * 4);
}

static int reported;
#define FAIL(...)                                              \
    do {                                                       \
        test_failures++;                                       \
        if (reported++ < 20)                                   \
            fprintf(stderr, __VA_ARGS__);                      \
    } while (0)

/* ---- 1. random differential tests ------------------------------------------- */

enum { F_RN = 1, F_RM = 2, F_RA = 4, F_IMM6 = 8, F_Q = 16 };

struct form {
    const char *name;
    uint32_t word;   /* assembled example; its operand fields are masked out */
    unsigned fields; /* Rd is always present */
};

static const struct form forms[] = {
    { "AESE", 0x4e284841, F_RN },        /* aese v1.16b, v2.16b */
    { "AESD", 0x4e285841, F_RN },        /* aesd v1.16b, v2.16b */
    { "AESMC", 0x4e286841, F_RN },       /* aesmc v1.16b, v2.16b */
    { "AESIMC", 0x4e287841, F_RN },      /* aesimc v1.16b, v2.16b */
    { "PMULL{2}.1Q", 0x0ee3e041, F_RN | F_RM | F_Q }, /* pmull v1.1q, v2.1d, v3.1d / pmull2 (Q=1) */
    { "SHA1C", 0x5e030041, F_RN | F_RM },     /* sha1c q1, s2, v3.4s */
    { "SHA1P", 0x5e031041, F_RN | F_RM },     /* sha1p q1, s2, v3.4s */
    { "SHA1M", 0x5e032041, F_RN | F_RM },     /* sha1m q1, s2, v3.4s */
    { "SHA1SU0", 0x5e033041, F_RN | F_RM },   /* sha1su0 v1.4s, v2.4s, v3.4s */
    { "SHA256H", 0x5e034041, F_RN | F_RM },   /* sha256h q1, q2, v3.4s */
    { "SHA256H2", 0x5e035041, F_RN | F_RM },  /* sha256h2 q1, q2, v3.4s */
    { "SHA256SU1", 0x5e036041, F_RN | F_RM }, /* sha256su1 v1.4s, v2.4s, v3.4s */
    { "SHA1H", 0x5e280841, F_RN },            /* sha1h s1, s2 */
    { "SHA1SU1", 0x5e281841, F_RN },          /* sha1su1 v1.4s, v2.4s */
    { "SHA256SU0", 0x5e282841, F_RN },        /* sha256su0 v1.4s, v2.4s */
    { "SHA512H", 0xce638041, F_RN | F_RM },   /* sha512h q1, q2, v3.2d */
    { "SHA512H2", 0xce638441, F_RN | F_RM },  /* sha512h2 q1, q2, v3.2d */
    { "SHA512SU0", 0xcec08041, F_RN },        /* sha512su0 v1.2d, v2.2d */
    { "SHA512SU1", 0xce638841, F_RN | F_RM }, /* sha512su1 v1.2d, v2.2d, v3.2d */
    { "EOR3", 0xce031041, F_RN | F_RM | F_RA }, /* eor3 v1.16b, v2.16b, v3.16b, v4.16b */
    { "BCAX", 0xce231041, F_RN | F_RM | F_RA }, /* bcax v1.16b, v2.16b, v3.16b, v4.16b */
    { "RAX1", 0xce638c41, F_RN | F_RM },        /* rax1 v1.2d, v2.2d, v3.2d */
    { "XAR", 0xce831441, F_RN | F_RM | F_IMM6 }, /* xar v1.2d, v2.2d, v3.2d, #5 */
};
#define NFORMS (sizeof(forms) / sizeof(forms[0]))
#define NTRIALS 4000
#define TRIAL_AREA HARNESS_BASE                  /* 8 bytes per trial: insn, svc */
#define KAT_AREA (HARNESS_BASE + 0xc8000)          /* run1() slots and programs */

static uint32_t field_mask(unsigned f)
{
    uint32_t m = 0x1f | 0x1f << 5;
    if (f & F_RM) m |= 0x1fu << 16;
    if (f & F_RA) m |= 0x1fu << 10;
    if (f & F_IMM6) m |= 0x3fu << 10;
    if (f & F_Q) m |= 1u << 30;
    return m;
}

struct trial {
    uint32_t insn;
    uint64_t seed;
    uint64_t expect[2]; /* Vd from Unicorn; every other register must keep its input */
};
static struct trial *trials; /* NFORMS * NTRIALS */

/* Pick a register, reusing one already chosen a quarter of the time. */
static unsigned pick_reg(const unsigned *prev, unsigned nprev)
{
    if (nprev && rnd() % 4 == 0)
        return prev[rnd() % nprev];
    return (unsigned)(rnd() % 32);
}

/* Generate every trial and its expected result from Unicorn. */
static void make_trials(void)
{
    trials = calloc(NFORMS * NTRIALS, sizeof(*trials));
    for (unsigned f = 0; f < NFORMS; f++) {
        const struct form *fm = &forms[f];
        uint32_t base = fm->word & ~field_mask(fm->fields);
        for (unsigned t = 0; t < NTRIALS; t++) {
            struct trial *tr = &trials[f * NTRIALS + t];
            unsigned regs[4], n = 0;
            uint32_t insn = base;
            regs[n] = pick_reg(regs, n), insn |= regs[n++];
            regs[n] = pick_reg(regs, n), insn |= regs[n++] << 5;
            if (fm->fields & F_RM) regs[n] = pick_reg(regs, n), insn |= regs[n++] << 16;
            if (fm->fields & F_RA) regs[n] = pick_reg(regs, n), insn |= regs[n++] << 10;
            if (fm->fields & F_IMM6) insn |= (uint32_t)(rnd() % 64) << 10;
            if (fm->fields & F_Q) insn |= (uint32_t)(rnd() & 1) << 30;
            tr->insn = insn;
            tr->seed = rnd();
            uint64_t va = TRIAL_AREA + 8ull * (f * NTRIALS + t);
            uint32_t code[2] = { insn, SVC0 };
            put_code(va, code, 2);
            uint64_t in[32][2], out[32][2];
            gen_vregs(tr->seed, in);
            memcpy(out, in, sizeof(out));
            test_checks++;
            if (!uc_exec(va, out)) {
                FAIL("Unicorn rejected %s %08x\n", fm->name, insn);
                continue;
            }
            memcpy(tr->expect, out[insn & 31], 16);
            /* Sanity of the reference: only Vd may change. */
            for (unsigned r = 0; r < 32; r++) {
                if (r == (insn & 31))
                    continue;
                test_checks++;
                if (memcmp(in[r], out[r], 16))
                    FAIL("Unicorn %s %08x changed v%u\n", fm->name, insn, r);
            }
        }
    }
}

static void run_trials(const char *mode)
{
    cpu_code_invalidate_all(H.cpu);
    for (unsigned f = 0; f < NFORMS; f++) {
        unsigned bad = 0;
        for (unsigned t = 0; t < NTRIALS; t++) {
            struct trial *tr = &trials[f * NTRIALS + t];
            uint64_t va = TRIAL_AREA + 8ull * (f * NTRIALS + t);
            uint64_t v[32][2];
            gen_vregs(tr->seed, v);
            uint64_t in[32][2];
            memcpy(in, v, sizeof(in));
            enum cpu_exit r = our_exec(&H, va, v);
            test_checks++;
            if (r != CPU_EXIT_SVC || H.cpu->pc != va + 8) {
                FAIL("[%s] %s %08x: exit %d pc %#llx\n", mode, forms[f].name, tr->insn, r,
                     (unsigned long long)H.cpu->pc);
                bad++;
                continue;
            }
            unsigned d = tr->insn & 31;
            bool others_ok = true;
            for (unsigned k = 0; k < 32; k++)
                if (k != d && memcmp(v[k], in[k], 16))
                    others_ok = false;
            test_checks += 2;
            if (!others_ok) {
                bad++;
                FAIL("[%s] %s %08x: a register other than v%u changed\n", mode, forms[f].name, tr->insn, d);
            }
            if (memcmp(v[d], tr->expect, 16)) {
                bad++;
                FAIL("[%s] %s %08x: v%u = %016llx:%016llx, want %016llx:%016llx "
                     "(in d %016llx:%016llx n %016llx:%016llx m %016llx:%016llx)\n",
                     mode, forms[f].name, tr->insn, d, (unsigned long long)v[d][1], (unsigned long long)v[d][0],
                     (unsigned long long)tr->expect[1], (unsigned long long)tr->expect[0],
                     (unsigned long long)in[d][1], (unsigned long long)in[d][0],
                     (unsigned long long)in[tr->insn >> 5 & 31][1], (unsigned long long)in[tr->insn >> 5 & 31][0],
                     (unsigned long long)in[tr->insn >> 16 & 31][1], (unsigned long long)in[tr->insn >> 16 & 31][0]);
            }
        }
        if (bad)
            fprintf(stderr, "[%s] %s: %u of %u trials wrong\n", mode, forms[f].name, bad, NTRIALS);
    }
}

/* ---- 2. UNDEFINED encodings ------------------------------------------------- */

#define UNDEF_AREA (HARNESS_BASE + 0xc0000)
_Static_assert(TRIAL_AREA + 8ull * NFORMS * NTRIALS <= UNDEF_AREA, "trial code overlaps");

static uint32_t rnd_regs(uint32_t base, uint32_t free_mask)
{
    return base | ((uint32_t)rnd() & free_mask);
}

/* Check insn is UNDEFINED on our CPU (and on Unicorn when also_ref). */
static void check_undef(unsigned *slot, uint32_t insn, bool also_ref, const char *what)
{
    uint64_t va = UNDEF_AREA + 8ull * (*slot)++;
    uint32_t code[2] = { insn, SVC0 };
    put_code(va, code, 2);
    uint64_t v[32][2];
    gen_vregs(insn, v);
    enum cpu_exit r = our_exec(&H, va, v);
    test_checks++;
    if (r != CPU_EXIT_UNDEF || H.cpu->pc != va)
        FAIL("%s %08x: not UNDEFINED on nestvm (exit %d)\n", what, insn, r);
    if (also_ref) {
        test_checks++;
        if (uc_exec(va, v))
            FAIL("%s %08x: Unicorn accepts it (test list wrong?)\n", what, insn);
    }
}

static void test_undef(void)
{
    unsigned slot = 0;
    cpu_code_invalidate_all(H.cpu);
    /* Cryptographic AES: size != 00, or opcode not 001xx. */
    for (uint32_t size = 0; size < 4; size++)
        for (uint32_t op = 0; op < 32; op++)
            if (size || (op & ~3u) != 4)
                check_undef(&slot, rnd_regs(0x4e280800 | size << 22 | op << 12, 0x3ff), true, "AES group");
    /* Three-register SHA: size != 00, or opcode 111. */
    for (uint32_t size = 0; size < 4; size++)
        for (uint32_t op = 0; op < 8; op++)
            if (size || op == 7)
                check_undef(&slot, rnd_regs(0x5e000000 | size << 22 | op << 12, 0x1f03ff), true, "SHA 3-reg");
    /* Two-register SHA: size != 00, or opcode > 00010. */
    for (uint32_t size = 0; size < 4; size++)
        for (uint32_t op = 0; op < 32; op++)
            if (size || op > 2)
                check_undef(&slot, rnd_regs(0x5e280800 | size << 22 | op << 12, 0x3ff), true, "SHA 2-reg");
    /* PMULL{2} with size 01 / 10. */
    for (uint32_t q = 0; q < 2; q++)
        for (uint32_t size = 1; size < 3; size++)
            check_undef(&slot, rnd_regs(0x0e20e000 | q << 30 | size << 22, 0x1f03ff), true, "PMULL size");
    /* SHA512 three-register: O=1 opcode 11; bits 13:12 != 00. */
    for (int i = 0; i < 4; i++) {
        check_undef(&slot, rnd_regs(0xce60cc00, 0x1f03ff), true, "SHA512 3-reg O=1 op=11");
        for (uint32_t b = 1; b < 4; b++)
            check_undef(&slot, rnd_regs(0xce608000 | b << 12, 0x1f4fff), true, "SHA512 3-reg bits 13:12");
    }
    /* SHA512 two-register: opcode 1x; other values of bits 20:12. */
    for (int i = 0; i < 4; i++) {
        check_undef(&slot, rnd_regs(0xcec08800, 0x7ff), true, "SHA512 2-reg op=1x");
        uint32_t w = rnd_regs(0xcec00000, 0x1fffff);
        if ((w & 0xfff800) != 0xc08000)
            check_undef(&slot, w, true, "SHA512 2-reg space");
    }
    /* Four-register Op0=11; bit 15 set with Op0 = 00/01; bits 23:21 = 101/111;
     * three-register imm2 space with bits 15:14 = 11. */
    for (int i = 0; i < 4; i++) {
        check_undef(&slot, rnd_regs(0xce600000, 0x1f7fff), true, "4-reg Op0=11");
        check_undef(&slot, rnd_regs(0xce008000, 0x3f7fff), true, "4-reg bit15");
        check_undef(&slot, rnd_regs(0xcea00000, 0x1fffff), true, "crypto 101");
        check_undef(&slot, rnd_regs(0xcee00000, 0x1fffff), true, "crypto 111");
        check_undef(&slot, rnd_regs(0xce40c000, 0x1f3fff), true, "3-reg imm2 bits 15:14=11");
    }

    /* SM3 / SM4: allocated in the architecture, not advertised here. */
    for (int i = 0; i < 8; i++) {
        check_undef(&slot, rnd_regs(0xce400000, 0x1f7fff), false, "SM3SS1");
        for (uint32_t op = 0; op < 4; op++)
            check_undef(&slot, rnd_regs(0xce408000 | op << 10, 0x1f33ff), false, "SM3TT*");
        check_undef(&slot, rnd_regs(0xce60c000, 0x1f03ff), false, "SM3PARTW1");
        check_undef(&slot, rnd_regs(0xce60c400, 0x1f03ff), false, "SM3PARTW2");
        check_undef(&slot, rnd_regs(0xce60c800, 0x1f03ff), false, "SM4EKEY");
        check_undef(&slot, rnd_regs(0xcec08400, 0x3ff), false, "SM4E");
    }
    /* Sanity: the SM encodings above are real instructions on Unicorn (max). */
    {
        uint64_t v[32][2];
        gen_vregs(1, v);
        uint32_t code[2] = { 0xce439041, SVC0 }; /* sm3tt1a v1.4s, v2.4s, v3.s[1] */
        uint64_t va = UNDEF_AREA + 8ull * slot++;
        put_code(va, code, 2);
        test_checks++;
        if (!uc_exec(va, v))
            FAIL("Unicorn does not implement SM3TT1A?\n");
    }
    printf("undef: %u encodings\n", slot);
    if (UNDEF_AREA + 8ull * slot > KAT_AREA) {
        fprintf(stderr, "undef area overflow\n");
        exit(1);
    }
}

/* ---- 3. feature gating ------------------------------------------------------ */

static bool form_needs(const struct form *f, uint64_t isar0)
{
    unsigned aes = isar0 >> 4 & 15, sha1 = isar0 >> 8 & 15, sha2 = isar0 >> 12 & 15, sha3 = isar0 >> 32 & 15;
    const char *n = f->name;
    if (!strncmp(n, "AES", 3)) return aes >= 1;
    if (!strncmp(n, "PMULL", 5)) return aes >= 2;
    if (!strncmp(n, "SHA1", 4)) return sha1 >= 1;
    if (!strncmp(n, "SHA256", 6)) return sha2 >= 1;
    if (!strncmp(n, "SHA512", 6)) return sha2 >= 2;
    return sha3 >= 1; /* EOR3, BCAX, RAX1, XAR */
}

static void test_gating(void)
{
    static const struct { unsigned shift, value; } cases[] = {
        { 4, 0 }, { 4, 1 }, { 8, 0 }, { 12, 0 }, { 12, 1 }, { 32, 0 },
    };
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        struct cpu_model m = *cpu_model_default();
        m.id_aa64isar0 = (m.id_aa64isar0 & ~(0xfull << cases[k].shift)) | (uint64_t)cases[k].value << cases[k].shift;
        struct cpu_env env = { .tlb_fill = harness_fill, .opaque = &H };
        struct harness h2 = { .cpu = cpu_new(&m, &env, true), .mem = H.mem };
        for (unsigned f = 0; f < NFORMS; f++) {
            uint64_t va = TRIAL_AREA + 8ull * (f * NTRIALS);
            uint64_t v[32][2];
            gen_vregs(trials[f * NTRIALS].seed, v);
            enum cpu_exit r = our_exec(&h2, va, v);
            enum cpu_exit want = form_needs(&forms[f], m.id_aa64isar0) ? CPU_EXIT_SVC : CPU_EXIT_UNDEF;
            test_checks++;
            if (r != want)
                FAIL("gating ISAR0[%u]=%u: %s exit %d, want %d\n", cases[k].shift, cases[k].value,
                     forms[f].name, r, want);
        }
        cpu_free(h2.cpu);
    }
}

/* ---- 3b. what the models advertise ---------------------------------------- */

static void check_model(const struct cpu_model *m, void *opaque)
{
    (void)opaque;
    uint64_t i0 = m->id_aa64isar0, hw, hw2;
    cpu_model_hwcaps(m, &hw, &hw2);
    /* Exactly what crypto.c implements: AES+PMULL, SHA1, SHA256+SHA512, SHA3;
     * no SM3 (bits 39:36), SM4 (43:40) or FEAT_RNG (RNDR, bits 63:60). */
    test_checks++;
    if ((i0 >> 4 & 15) != 2 || (i0 >> 8 & 15) != 1 || (i0 >> 12 & 15) != 2 || (i0 >> 32 & 15) != 1 ||
        (i0 >> 36 & 15) != 0 || (i0 >> 40 & 15) != 0 || (i0 >> 60 & 15) != 0)
        FAIL("model %s: ID_AA64ISAR0 %016llx crypto fields\n", m->name, (unsigned long long)i0);
    uint64_t want = HWCAP_AES | HWCAP_PMULL | HWCAP_SHA1 | HWCAP_SHA2 | HWCAP_SHA512 | HWCAP_SHA3;
    test_checks++;
    if ((hw & want) != want || (hw & (HWCAP_SM3 | HWCAP_SM4)) || (hw2 & HWCAP2_RNG))
        FAIL("model %s: hwcaps %llx/%llx\n", m->name, (unsigned long long)hw, (unsigned long long)hw2);

    /* FEAT_RNG not advertised: MRS RNDR / RNDRRS are UNDEFINED. */
    struct cpu_env env = { .tlb_fill = harness_fill, .opaque = &H };
    struct harness h2 = { .cpu = cpu_new(m, &env, true), .mem = H.mem };
    static const uint32_t rng_insns[2] = { 0xd53b2400, 0xd53b2421 }; /* mrs x0, rndr; mrs x1, rndrrs */
    for (int i = 0; i < 2; i++) {
        uint64_t va = KAT_AREA + 0x3000 + 8ull * i;
        uint32_t code[2] = { rng_insns[i], SVC0 };
        memcpy(H.mem + (va - HARNESS_BASE), code, 8);
        uint64_t v[32][2] = { { 0 } };
        enum cpu_exit r = our_exec(&h2, va, v);
        test_checks++;
        if (r != CPU_EXIT_UNDEF)
            FAIL("model %s: %08x (RNDR/RNDRRS) not UNDEFINED (exit %d)\n", m->name, rng_insns[i], r);
    }
    cpu_free(h2.cpu);
}

/* ---- 4. known answers ------------------------------------------------------- */

/* Run one instruction on our CPU with the current register state. */
static uint32_t kat_insn[256];
static unsigned kat_n;

static void run1(uint32_t insn)
{
    unsigned i = 0;
    while (i < kat_n && kat_insn[i] != insn)
        i++;
    if (i == kat_n) {
        if (kat_n == sizeof(kat_insn) / sizeof(kat_insn[0])) {
            fprintf(stderr, "run1: too many distinct instructions\n");
            exit(1);
        }
        kat_insn[kat_n++] = insn;
        uint32_t code[2] = { insn, SVC0 };
        memcpy(H.mem + (KAT_AREA + 8ull * i - HARNESS_BASE), code, 8);
    }
    H.cpu->pc = KAT_AREA + 8ull * i;
    enum cpu_exit r = cpu_run(H.cpu);
    test_checks++;
    if (r != CPU_EXIT_SVC)
        FAIL("run1 %08x: exit %d\n", insn, r);
}

static uint32_t enc(uint32_t base, unsigned d, unsigned n, unsigned m)
{
    return base | d | n << 5 | m << 16;
}

#define V (H.cpu->v)

/* Stand-ins for ADD/MOV/EXT (integer AdvSIMD, not part of this class). */
static void add32x4(unsigned d, unsigned n, const uint32_t *k)
{
    for (int i = 0; i < 4; i++)
        V[d].s[i] = V[n].s[i] + k[i];
}

static void add64x2(unsigned d, unsigned n, unsigned m)
{
    for (int i = 0; i < 2; i++)
        V[d].d[i] = V[n].d[i] + V[m].d[i];
}

static void ext8(unsigned d, unsigned n, unsigned m) /* EXT Vd.16B, Vn.16B, Vm.16B, #8 */
{
    uint64_t lo = V[n].d[1], hi = V[m].d[0];
    V[d].d[0] = lo, V[d].d[1] = hi;
}

static void mov(unsigned d, unsigned n) { V[d] = V[n]; }

/* -- AES-128 (FIPS-197) -- */

static uint8_t gf_mul(uint8_t a, uint8_t b)
{
    uint8_t r = 0;
    while (b) {
        if (b & 1) r ^= a;
        a = (uint8_t)(a << 1 ^ (a & 0x80 ? 0x1b : 0));
        b >>= 1;
    }
    return r;
}

/* S-box from its definition (independent of crypto.c's table). */
static uint8_t ref_sbox(uint8_t x)
{
    uint8_t inv = 0;
    for (unsigned y = 1; y < 256 && x; y++)
        if (gf_mul(x, (uint8_t)y) == 1)
            inv = (uint8_t)y;
    uint8_t s = inv;
    for (int i = 1; i <= 4; i++)
        s ^= (uint8_t)(inv << i | inv >> (8 - i));
    return s ^ 0x63;
}

static void aes128_expand(const uint8_t key[16], uint8_t rk[11][16])
{
    memcpy(rk[0], key, 16);
    uint8_t rcon = 1;
    for (int r = 1; r <= 10; r++) {
        const uint8_t *p = rk[r - 1];
        uint8_t t[4] = { ref_sbox(p[13]), ref_sbox(p[14]), ref_sbox(p[15]), ref_sbox(p[12]) };
        t[0] ^= rcon;
        rcon = gf_mul(rcon, 2);
        for (int i = 0; i < 16; i++)
            rk[r][i] = (uint8_t)(p[i] ^ (i < 4 ? t[i] : rk[r][i - 4]));
    }
}

#define PROG_AREA (KAT_AREA + 0x4000)

static void run_prog(const uint32_t *code, size_t n)
{
    memcpy(H.mem + (PROG_AREA - HARNESS_BASE), code, n * 4);
    cpu_code_invalidate_all(H.cpu);
    H.cpu->pc = PROG_AREA;
    enum cpu_exit r = cpu_run(H.cpu);
    test_checks++;
    if (r != CPU_EXIT_SVC || H.cpu->pc != PROG_AREA + 4 * n)
        FAIL("program: exit %d at %#llx\n", r, (unsigned long long)H.cpu->pc);
}

static void check_bytes(const char *what, const uint8_t *got, const uint8_t *want, size_t n)
{
    test_checks++;
    if (memcmp(got, want, n)) {
        char g[129] = "", w[129] = "";
        for (size_t i = 0; i < n && i < 64; i++) {
            sprintf(g + 2 * i, "%02x", got[i]);
            sprintf(w + 2 * i, "%02x", want[i]);
        }
        FAIL("%s: got %s, want %s\n", what, g, w);
    }
}

static void kat_aes(const char *mode, const uint8_t key[16], const uint8_t pt[16], const uint8_t ct[16])
{
    uint8_t rk[11][16];
    aes128_expand(key, rk);
    char what[64];

    /* Encrypt: v0 = state, v1..v11 = round keys 0..10, v31 = 0.
     *   aese v0.16b, v1.16b ; aesmc v0.16b, v0.16b   (x9, keys 0..8)
     *   aese v0.16b, v10.16b
     *   eor3 v0.16b, v0.16b, v11.16b, v31.16b
     *   svc #0 */
    uint32_t prog[32];
    size_t n = 0;
    for (unsigned r = 1; r <= 9; r++) {
        prog[n++] = enc(0x4e284800, 0, r, 0); /* aese v0, v<r> */
        prog[n++] = 0x4e286800;               /* aesmc v0, v0 */
    }
    prog[n++] = enc(0x4e284800, 0, 10, 0);    /* aese v0, v10 */
    prog[n++] = enc(0xce000000, 0, 0, 11) | 31u << 10; /* eor3 v0, v0, v11, v31 */
    prog[n++] = SVC0;
    memset(V, 0, sizeof(V));
    memcpy(V[0].b, pt, 16);
    for (int r = 0; r <= 10; r++)
        memcpy(V[r + 1].b, rk[r], 16);
    run_prog(prog, n);
    snprintf(what, sizeof(what), "[%s] AES-128 encrypt", mode);
    check_bytes(what, V[0].b, ct, 16);

    /* Decrypt with the equivalent inverse cipher: keys 1..9 through AESIMC
     * first (in the guest), then
     *   aesd v0, v11 ; { aesimc v0, v0 ; aesd v0, v<r+1> } r = 9..1 ;
     *   eor3 v0, v0, v1, v31 */
    n = 0;
    for (unsigned r = 2; r <= 10; r++)
        prog[n++] = enc(0x4e287800, r, r, 0);  /* aesimc v<r>, v<r> */
    prog[n++] = enc(0x4e285800, 0, 11, 0);     /* aesd v0, v11 */
    for (unsigned r = 9; r >= 1; r--) {
        prog[n++] = 0x4e287800;                /* aesimc v0, v0 */
        prog[n++] = enc(0x4e285800, 0, r + 1, 0); /* aesd v0, v<r+1> */
    }
    prog[n++] = enc(0xce000000, 0, 0, 1) | 31u << 10; /* eor3 v0, v0, v1, v31 */
    prog[n++] = SVC0;
    memset(V, 0, sizeof(V));
    memcpy(V[0].b, ct, 16);
    for (int r = 0; r <= 10; r++)
        memcpy(V[r + 1].b, rk[r], 16);
    run_prog(prog, n);
    snprintf(what, sizeof(what), "[%s] AES-128 decrypt", mode);
    check_bytes(what, V[0].b, pt, 16);
}

/* -- SHA padding for a one-block message (big-endian words) -- */

static void pad_block(const char *msg, uint8_t *blk, size_t blen, size_t lenbytes)
{
    size_t n = strlen(msg);
    memset(blk, 0, blen);
    memcpy(blk, msg, n);
    blk[n] = 0x80;
    uint64_t bits = (uint64_t)n * 8;
    for (size_t i = 0; i < 8 && i < lenbytes; i++)
        blk[blen - 1 - i] = (uint8_t)(bits >> (8 * i));
}

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

/* -- SHA-1: v0 = abcd, e alternates between s1 and s2, W in v16..v19. -- */
static void kat_sha1(const char *mode)
{
    static const uint32_t h0[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    static const uint32_t k[4] = { 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6 };
    static const uint32_t want[5] = { 0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c, 0x9cd0d89d };
    static const uint32_t op[4] = { 0x5e000000, 0x5e001000, 0x5e002000, 0x5e001000 }; /* c, p, m, p */
    uint8_t blk[64];
    pad_block("abc", blk, 64, 8);
    memset(V, 0, sizeof(V));
    for (int i = 0; i < 4; i++)
        V[0].s[i] = h0[i];
    V[1].s[0] = h0[4];
    for (int i = 0; i < 16; i++)
        V[16 + i / 4].s[i % 4] = be32(blk + 4 * i);
    for (unsigned i = 0; i < 20; i++) {
        unsigned e = i & 1 ? 2 : 1, enext = i & 1 ? 1 : 2, w = 16 + i % 4;
        uint32_t kk[4] = { k[i / 5], k[i / 5], k[i / 5], k[i / 5] };
        add32x4(4, w, kk);                           /* add v4.4s, v<w>.4s, K */
        run1(enc(0x5e280800, enext, 0, 0));          /* sha1h s<enext>, s0 */
        run1(enc(op[i / 5], 0, e, 4));               /* sha1{c,p,m} q0, s<e>, v4.4s */
        if (i < 16) {
            run1(enc(0x5e003000, w, 16 + (i + 1) % 4, 16 + (i + 2) % 4)); /* sha1su0 */
            run1(enc(0x5e281800, w, 16 + (i + 3) % 4, 0));                /* sha1su1 */
        }
    }
    uint32_t got[5];
    for (int i = 0; i < 4; i++)
        got[i] = h0[i] + V[0].s[i];
    got[4] = h0[4] + V[1].s[0]; /* after 20 groups e is in s1 */
    char what[64];
    snprintf(what, sizeof(what), "[%s] SHA-1(\"abc\")", mode);
    check_bytes(what, (const uint8_t *)got, (const uint8_t *)want, sizeof(want));
}
static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static const uint64_t sha512_k[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full, 0xe9b5dba58189dbbcull,
    0x3956c25bf348b538ull, 0x59f111f1b605d019ull, 0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull,
    0xd807aa98a3030242ull, 0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull, 0xc19bf174cf692694ull,
    0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull, 0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull,
    0x2de92c6f592b0275ull, 0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full, 0xbf597fc7beef0ee4ull,
    0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull, 0x06ca6351e003826full, 0x142929670a0e6e70ull,
    0x27b70a8546d22ffcull, 0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull, 0x92722c851482353bull,
    0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull, 0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull,
    0xd192e819d6ef5218ull, 0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull, 0x34b0bcb5e19b48a8ull,
    0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull, 0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull,
    0x748f82ee5defb2fcull, 0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull, 0xc67178f2e372532bull,
    0xca273eceea26619cull, 0xd186b8c721c0c207ull, 0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull,
    0x06f067aa72176fbaull, 0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull, 0x431d67c49c100d4cull,
    0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull, 0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

/* -- SHA-256: v0 = abcd, v1 = efgh, v2 = copy of abcd, v4 = W + K, W in v16..v19. -- */
static void kat_sha256(const char *mode)
{
    static const uint32_t h0[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    static const uint32_t want[8] = { 0xba7816bf, 0x8f01cfea, 0x414140de, 0x5dae2223,
                                      0xb00361a3, 0x96177a9c, 0xb410ff61, 0xf20015ad };
    uint8_t blk[64];
    pad_block("abc", blk, 64, 8);
    memset(V, 0, sizeof(V));
    for (int i = 0; i < 4; i++)
        V[0].s[i] = h0[i], V[1].s[i] = h0[4 + i];
    for (int i = 0; i < 16; i++)
        V[16 + i / 4].s[i % 4] = be32(blk + 4 * i);
    for (unsigned i = 0; i < 16; i++) {
        unsigned w = 16 + i % 4;
        add32x4(4, w, &sha256_k[4 * i]);        /* add v4.4s, v<w>.4s, K */
        mov(2, 0);                               /* mov v2.16b, v0.16b */
        run1(enc(0x5e004000, 0, 1, 4));          /* sha256h q0, q1, v4.4s */
        run1(enc(0x5e005000, 1, 2, 4));          /* sha256h2 q1, q2, v4.4s */
        if (i < 12) {
            run1(enc(0x5e282800, w, 16 + (i + 1) % 4, 0));                     /* sha256su0 */
            run1(enc(0x5e006000, w, 16 + (i + 2) % 4, 16 + (i + 3) % 4));      /* sha256su1 */
        }
    }
    uint32_t got[8];
    for (int i = 0; i < 4; i++)
        got[i] = h0[i] + V[0].s[i], got[4 + i] = h0[4 + i] + V[1].s[i];
    char what[64];
    snprintf(what, sizeof(what), "[%s] SHA-256(\"abc\")", mode);
    check_bytes(what, (const uint8_t *)got, (const uint8_t *)want, sizeof(want));
}

/* -- SHA-512: two rounds per step.  v0 = {a,b}, v1 = {c,d}, v2 = {e,f},
 * v3 = {g,h}; W in v16..v23 (two words each).  Per step:
 *   v4 = W + K; v5 = v3 + ext(v4, v4, 8); v6 = ext(v2, v3, 8); v7 = ext(v1, v2, 8)
 *   sha512h q5, q6, v7.2d        -> v5 = {T1(t+1), T1(t)}
 *   v8 = v1 + v5                 -> new {e, f}
 *   sha512h2 q5, q1, v0.2d       -> new {a, b}
 *   then {c,d} = old {a,b}, {g,h} = old {e,f}. -- */
static void kat_sha512(const char *mode)
{
    static const uint64_t h0[8] = {
        0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull, 0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
        0x510e527fade682d1ull, 0x9b05688c2b3e6c1full, 0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
    };
    static const uint64_t want[8] = {
        0xddaf35a193617abaull, 0xcc417349ae204131ull, 0x12e6fa4e89a97ea2ull, 0x0a9eeee64b55d39aull,
        0x2192992a274fc1a8ull, 0x36ba3c23a3feebbdull, 0x454d4423643ce80eull, 0x2a9ac94fa54ca49full,
    };
    uint8_t blk[128];
    pad_block("abc", blk, 128, 16);
    memset(V, 0, sizeof(V));
    for (int i = 0; i < 4; i++)
        V[i].d[0] = h0[2 * i], V[i].d[1] = h0[2 * i + 1];
    for (int i = 0; i < 16; i++)
        V[16 + i / 2].d[i % 2] = be64(blk + 8 * i);
    for (unsigned i = 0; i < 40; i++) {
        unsigned w = 16 + i % 8;
        V[4].d[0] = V[w].d[0] + sha512_k[2 * i];
        V[4].d[1] = V[w].d[1] + sha512_k[2 * i + 1];
        ext8(5, 4, 4);
        add64x2(5, 5, 3);
        ext8(6, 2, 3);
        ext8(7, 1, 2);
        run1(enc(0xce608000, 5, 6, 7));          /* sha512h q5, q6, v7.2d */
        add64x2(8, 1, 5);
        run1(enc(0xce608400, 5, 1, 0));          /* sha512h2 q5, q1, v0.2d */
        mov(3, 2);
        mov(2, 8);
        mov(1, 0);
        mov(0, 5);
        if (i < 32) {
            run1(enc(0xcec08000, w, 16 + (i + 1) % 8, 0));              /* sha512su0 */
            ext8(9, 16 + (i + 4) % 8, 16 + (i + 5) % 8);
            run1(enc(0xce608800, w, 16 + (i + 7) % 8, 9));              /* sha512su1 */
        }
    }
    uint64_t got[8];
    for (int i = 0; i < 4; i++)
        got[2 * i] = h0[2 * i] + V[i].d[0], got[2 * i + 1] = h0[2 * i + 1] + V[i].d[1];
    char what[64];
    snprintf(what, sizeof(what), "[%s] SHA-512(\"abc\")", mode);
    check_bytes(what, (const uint8_t *)got, (const uint8_t *)want, sizeof(want));
}

/* -- hand-checked edge cases -- */
static void kat_misc(const char *mode)
{
    char what[64];
    /* pmull2 v1.1q, v2.2d, v3.2d: (x^63 + ... + 1)^2 = sum of x^(2i), i < 64. */
    memset(V, 0, sizeof(V));
    V[2].d[1] = V[3].d[1] = ~0ull;
    V[2].d[0] = V[3].d[0] = 0x1234;
    run1(0x4ee3e041);
    snprintf(what, sizeof(what), "[%s] pmull2 ones^2", mode);
    test_checks++;
    if (V[1].d[0] != 0x5555555555555555ull || V[1].d[1] != 0x5555555555555555ull)
        FAIL("%s: %016llx:%016llx\n", what, (unsigned long long)V[1].d[1], (unsigned long long)V[1].d[0]);
    /* pmull v1.1q, v2.1d, v3.1d: x^63 * x^63 = x^126; upper halves ignored. */
    V[2].d[0] = V[3].d[0] = 1ull << 63;
    run1(0x0ee3e041);
    test_checks++;
    if (V[1].d[0] != 0 || V[1].d[1] != 1ull << 62)
        FAIL("[%s] pmull x^126: %016llx:%016llx\n", mode, (unsigned long long)V[1].d[1],
             (unsigned long long)V[1].d[0]);
    /* sha1h s1, s2 zeroes the rest of v1. */
    V[1].d[0] = V[1].d[1] = ~0ull;
    V[2].d[0] = 0xffffffff00000003ull;
    run1(0x5e280841);
    test_checks++;
    if (V[1].d[0] != 0xc0000000u || V[1].d[1] != 0)
        FAIL("[%s] sha1h: %016llx:%016llx\n", mode, (unsigned long long)V[1].d[1], (unsigned long long)V[1].d[0]);
    /* xar v1.2d, v2.2d, v3.2d, #0 and #63. */
    V[2].d[0] = 0x8000000000000001ull, V[2].d[1] = 0x0123456789abcdefull;
    V[3].d[0] = 0, V[3].d[1] = 0;
    run1(0xce830041); /* xar v1.2d, v2.2d, v3.2d, #0 */
    test_checks++;
    if (V[1].d[0] != 0x8000000000000001ull || V[1].d[1] != 0x0123456789abcdefull)
        FAIL("[%s] xar #0\n", mode);
    run1(0xce83fc41); /* xar v1.2d, v2.2d, v3.2d, #63 */
    test_checks++;
    if (V[1].d[0] != 0x0000000000000003ull || V[1].d[1] != 0x02468acf13579bdeull)
        FAIL("[%s] xar #63: %016llx:%016llx\n", mode, (unsigned long long)V[1].d[1], (unsigned long long)V[1].d[0]);
}

int main(void)
{
    harness_init(&H);
    uc_setup();
    make_trials();
    printf("reference: %u forms x %u trials from Unicorn\n", (unsigned)NFORMS, NTRIALS);

    static const uint8_t c1_key[16] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
    static const uint8_t c1_pt[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                       0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    static const uint8_t c1_ct[16] = { 0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30,
                                       0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a };
    static const uint8_t b_key[16] = { 0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
                                       0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c };
    static const uint8_t b_pt[16] = { 0x32, 0x43, 0xf6, 0xa8, 0x88, 0x5a, 0x30, 0x8d,
                                      0x31, 0x31, 0x98, 0xa2, 0xe0, 0x37, 0x07, 0x34 };
    static const uint8_t b_ct[16] = { 0x39, 0x25, 0x84, 0x1d, 0x02, 0xdc, 0x09, 0xfb,
                                      0xdc, 0x11, 0x85, 0x97, 0x19, 0x6a, 0x0b, 0x32 };

    /* Portable C first, then the host paths if this host has them. */
    for (int pass = 0; pass < 2; pass++) {
        crypto_set_host_accel(pass == 1);
        if (pass == 1 && !crypto_host_accel_active()) {
            printf("host AES-NI/PCLMULQDQ not available: host paths not tested\n");
            break;
        }
        const char *mode = pass ? "host" : "portable";
        cpu_code_invalidate_all(H.cpu);
        kat_n = 0;
        run_trials(mode);
        kat_aes(mode, c1_key, c1_pt, c1_ct);
        kat_aes(mode, b_key, b_pt, b_ct);
        kat_sha1(mode);
        kat_sha256(mode);
        kat_sha512(mode);
        kat_misc(mode);
        printf("%s: done\n", mode);
    }
    crypto_set_host_accel(true);
    test_undef();
    test_gating();
    cpu_model_list(check_model, NULL);

    free(trials);
    uc_close(uc);
    harness_free(&H);
    return test_report("crypto");
}
