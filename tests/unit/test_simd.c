/* Integer AdvSIMD against Unicorn: every class, every opcode/size/Q (and
 * the reserved combinations, which must be UNDEFINED on both), random and
 * edge-case register contents, results in all V registers, X registers and
 * FPSR (QC) compared.  Encodings are built by filling fields. */
#include "cpu_harness.h"
#include "test.h"
#include "unicorn_ref.h"

#define CODE_BASE 0x100000ull
#define CODE_SIZE (8u << 20)
#define ITERS 24


/* One element of width bits, biased towards saturation edge cases. */
static uint64_t edge(unsigned bits)
{
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1, top = 1ull << (bits - 1);
    switch (rnd() % 12) {
    case 0: return 0;
    case 1: return 1;
    case 2: return m;            /* -1 */
    case 3: return top - 1;      /* SMAX */
    case 4: return top;          /* SMIN */
    case 5: return top + 1;
    case 6: return rnd() % 80;   /* small shift counts */
    case 7: return (0 - rnd() % 80) & m;
    default: return rnd() & m;
    }
}

static void rand_vec(uint64_t v[2])
{
    for (int h = 0; h < 2; h++) {
        if (rnd() & 1) {
            v[h] = rnd();
            continue;
        }
        unsigned bits = 8u << (rnd() % 4);
        uint64_t x = 0;
        for (unsigned s = 0; s < 64; s += bits)
            x |= edge(bits) << s;
        v[h] = x;
    }
}

/* ---- the two engines ------------------------------------------------------- */

static uc_engine *uc;
static uint64_t uc_next = CODE_BASE;
static struct harness h;
static uint64_t our_next;
static int forms, runs, undefs;

static void engines_init(void)
{
    uc = ref_engine_open(CODE_BASE, CODE_SIZE);
    harness_init(&h);
    our_next = HARNESS_BASE;
}

static bool uc_exec(uint32_t insn, struct ref_state *st)
{
    if (uc_next + 8 > CODE_BASE + CODE_SIZE) {
        uc_ctl_remove_cache(uc, CODE_BASE, CODE_BASE + CODE_SIZE);
        uc_next = CODE_BASE;
    }
    uint64_t pc = uc_next;
    uc_next += 8;
    uc_mem_write(uc, pc, &insn, 4);
    for (int i = 0; i < 31; i++)
        uc_reg_write(uc, ref_xreg(i), &st->x[i]);
    uint64_t fpsr = st->fpsr, fpcr = 0;
    uc_reg_write(uc, UC_ARM64_REG_FPSR, &fpsr);
    uc_reg_write(uc, UC_ARM64_REG_FPCR, &fpcr);
    for (int i = 0; i < 32; i++)
        uc_reg_write(uc, UC_ARM64_REG_Q0 + i, st->v[i]);
    uc_err err = uc_emu_start(uc, pc, pc + 4, 0, 1);
    uint64_t npc;
    uc_reg_read(uc, UC_ARM64_REG_PC, &npc);
    if (err != UC_ERR_OK || npc != pc + 4)
        return false;
    for (int i = 0; i < 31; i++)
        uc_reg_read(uc, ref_xreg(i), &st->x[i]);
    uc_reg_read(uc, UC_ARM64_REG_FPSR, &fpsr);
    st->fpsr = (uint32_t)fpsr;
    for (int i = 0; i < 32; i++)
        uc_reg_read(uc, UC_ARM64_REG_Q0 + i, st->v[i]);
    return true;
}

static bool our_exec(uint32_t insn, struct ref_state *st)
{
    if (our_next + 8 > HARNESS_BASE + HARNESS_SIZE) {
        cpu_code_invalidate_all(h.cpu);
        our_next = HARNESS_BASE;
    }
    uint64_t pc = our_next;
    our_next += 8;
    uint32_t code[2] = { insn, 0xd4000001 }; /* svc #0 */
    memcpy(h.mem + (pc - HARNESS_BASE), code, 8);
    struct cpu *c = h.cpu;
    for (int i = 0; i < 31; i++)
        c->x[i] = st->x[i];
    c->fpsr = st->fpsr;
    c->fpcr = 0;
    for (int i = 0; i < 32; i++)
        memcpy(&c->v[i], st->v[i], 16);
    c->pc = pc;
    enum cpu_exit r = cpu_run(c);
    if (r != CPU_EXIT_SVC)
        return false;
    for (int i = 0; i < 31; i++)
        st->x[i] = c->x[i];
    st->fpsr = c->fpsr;
    for (int i = 0; i < 32; i++)
        memcpy(st->v[i], &c->v[i], 16);
    return true;
}

static int fail_prints;

/* Run insn ITERS times on random states on both engines and compare. */
static void check(uint32_t insn)
{
    forms++;
    for (int it = 0; it < ITERS; it++) {
        struct ref_state in, a, b;
        memset(&in, 0, sizeof(in));
        for (int i = 0; i < 31; i++)
            in.x[i] = rnd();
        for (int i = 0; i < 32; i++)
            rand_vec(in.v[i]);
        in.fpsr = rnd() % 4 == 0 ? 1u << 27 : 0; /* QC is sticky */
        a = in;
        b = in;
        bool ok_ref = uc_exec(insn, &a);
        bool ok_our = our_exec(insn, &b);
        runs++;
        test_checks++;
        bool bad = ok_ref != ok_our;
        if (!bad && ok_ref) {
            bad = memcmp(a.v, b.v, sizeof(a.v)) || memcmp(a.x, b.x, sizeof(a.x)) ||
                  (a.fpsr & (1u << 27)) != (b.fpsr & (1u << 27));
        }
        if (!ok_ref && !ok_our) {
            undefs++; /* allocation does not depend on the data */
            return;
        }
        if (bad) {
            test_failures++;
            if (fail_prints++ < 40) {
                fprintf(stderr, "MISMATCH insn %08x: ref %s, ours %s\n", insn, ok_ref ? "ok" : "undef",
                        ok_our ? "ok" : "undef");
                if (ok_ref && ok_our) {
                    for (int i = 0; i < 32; i++)
                        if (memcmp(a.v[i], b.v[i], 16))
                            fprintf(stderr, "  v%d: in %016llx%016llx ref %016llx%016llx ours %016llx%016llx\n", i,
                                    (unsigned long long)in.v[i][1], (unsigned long long)in.v[i][0],
                                    (unsigned long long)a.v[i][1], (unsigned long long)a.v[i][0],
                                    (unsigned long long)b.v[i][1], (unsigned long long)b.v[i][0]);
                    for (int i = 0; i < 31; i++)
                        if (a.x[i] != b.x[i])
                            fprintf(stderr, "  x%d: ref %llx ours %llx\n", i, (unsigned long long)a.x[i],
                                    (unsigned long long)b.x[i]);
                    if (a.fpsr != b.fpsr)
                        fprintf(stderr, "  fpsr: ref %x ours %x\n", a.fpsr, b.fpsr);
                }
            }
            return;
        }
    }
}

/* Register numbers: half the time from {0..3} so that Vd/Vn/Vm often alias
 * (matters for by-element, widening and accumulating forms). */
static unsigned r5(void) { return (unsigned)(rnd() & 1 ? rnd() % 4 : rnd() % 32); }

/* ---- encodings per class ---------------------------------------------------- */

static void t_3same(void)
{
    for (unsigned q = 0; q < 2; q++)
        for (unsigned u = 0; u < 2; u++)
            for (unsigned size = 0; size < 4; size++)
                for (unsigned op = 0; op < 24; op++) {
                    check(q << 30 | u << 29 | 0x0e200400u | size << 22 | r5() << 16 | op << 11 | r5() << 5 | r5());
                    /* scalar */
                    if (!q)
                        check(0x5e200400u | u << 29 | size << 22 | r5() << 16 | op << 11 | r5() << 5 | r5());
                }
}

static void t_3extra(void)
{
    for (unsigned q = 0; q < 2; q++)
        for (unsigned u = 0; u < 2; u++)
            for (unsigned size = 0; size < 4; size++)
                for (unsigned op = 0; op < 3; op++) {
                    check(q << 30 | u << 29 | 0x0e008400u | size << 22 | r5() << 16 | op << 11 | r5() << 5 | r5());
                    if (!q && op < 2)
                        check(0x5e008400u | u << 29 | size << 22 | r5() << 16 | op << 11 | r5() << 5 | r5());
                }
}

static void t_3diff(void)
{
    for (unsigned q = 0; q < 2; q++)
        for (unsigned u = 0; u < 2; u++)
            for (unsigned size = 0; size < 4; size++)
                for (unsigned op = 0; op < 16; op++) {
                    if (size == 3 && op == 14)
                        continue; /* PMULL 1Q: crypto.decode */
                    check(q << 30 | u << 29 | 0x0e200000u | size << 22 | r5() << 16 | op << 12 | r5() << 5 | r5());
                    if (!q)
                        check(0x5e200000u | u << 29 | size << 22 | r5() << 16 | op << 12 | r5() << 5 | r5());
                }
}

static void t_2misc(void)
{
    static const unsigned ops[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 18, 19, 20 };
    for (unsigned q = 0; q < 2; q++)
        for (unsigned u = 0; u < 2; u++)
            for (unsigned size = 0; size < 4; size++)
                for (unsigned k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
                    unsigned op = ops[k];
                    /* opcodes 12-15 (FP compares/abs) and 16-17 are FP when size >= 2 */
                    check(q << 30 | u << 29 | 0x0e200800u | size << 22 | op << 12 | r5() << 5 | r5());
                    if (!q)
                        check(0x5e200800u | u << 29 | size << 22 | op << 12 | r5() << 5 | r5());
                }
}

static void t_across(void)
{
    static const unsigned ops[] = { 3, 10, 26, 27 };
    for (unsigned q = 0; q < 2; q++)
        for (unsigned u = 0; u < 2; u++)
            for (unsigned size = 0; size < 4; size++)
                for (unsigned k = 0; k < 4; k++)
                    check(q << 30 | u << 29 | 0x0e300800u | size << 22 | ops[k] << 12 | r5() << 5 | r5());
    for (unsigned size = 0; size < 4; size++) /* scalar ADDP */
        check(0x5e31b800u | size << 22 | r5() << 5 | r5());
}

static void t_copy(void)
{
    for (unsigned q = 0; q < 2; q++)
        for (unsigned op = 0; op < 2; op++)
            for (unsigned imm5 = 0; imm5 < 32; imm5++)
                for (unsigned imm4 = 0; imm4 < 16; imm4++) {
                    if (!op && imm4 != 0 && imm4 != 1 && imm4 != 3 && imm4 != 5 && imm4 != 7)
                        continue;
                    check(q << 30 | op << 29 | 0x0e000400u | imm5 << 16 | imm4 << 11 | r5() << 5 | r5());
                }
    for (unsigned imm5 = 0; imm5 < 32; imm5++)
        check(0x5e000400u | imm5 << 16 | r5() << 5 | r5());
}

static void t_modimm(void)
{
    for (unsigned q = 0; q < 2; q++)
        for (unsigned op = 0; op < 2; op++)
            for (unsigned cmode = 0; cmode < 16; cmode++) {
                if (cmode == 15)
                    continue; /* FMOV */
                for (int k = 0; k < 4; k++) {
                    unsigned imm8 = (unsigned)rnd() & 0xff;
                    check(q << 30 | op << 29 | 0x0f000400u | (imm8 >> 5) << 16 | cmode << 12 | (imm8 & 31) << 5 | r5());
                }
            }
}

static void t_shimm(void)
{
    for (unsigned q = 0; q < 2; q++)
        for (unsigned u = 0; u < 2; u++)
            for (unsigned immh = 1; immh < 16; immh++)
                for (unsigned op = 0; op < 21; op++) {
                    for (unsigned immb = 0; immb < 8; immb++) {
                        check(q << 30 | u << 29 | 0x0f000400u | immh << 19 | immb << 16 | op << 11 | r5() << 5 | r5());
                        if (!q)
                            check(0x5f000400u | u << 29 | immh << 19 | immb << 16 | op << 11 | r5() << 5 | r5());
                    }
                }
}

static void t_elem(void)
{
    static const unsigned ops[2][11] = {
        { 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 99 },
        { 0, 2, 4, 6, 10, 13, 14, 15, 99 },
    };
    for (unsigned q = 0; q < 2; q++)
        for (unsigned u = 0; u < 2; u++)
            for (unsigned size = 1; size < 3; size++)
                for (unsigned k = 0; ops[u][k] != 99; k++)
                    for (int j = 0; j < 3; j++) {
                        unsigned op = ops[u][k], hlm = (unsigned)rnd() & 7;
                        uint32_t f = size << 22 | (hlm & 3) << 20 | (unsigned)(rnd() & 15) << 16 | op << 12 |
                                     (hlm >> 2) << 11 | r5() << 5 | r5();
                        check(q << 30 | u << 29 | 0x0f000000u | f);
                        if (!q)
                            check(0x5f000000u | u << 29 | f);
                    }
}

static void t_perm(void)
{
    for (unsigned q = 0; q < 2; q++) {
        for (unsigned size = 0; size < 4; size++)
            for (unsigned op = 0; op < 8; op++)
                check(q << 30 | 0x0e000800u | size << 22 | r5() << 16 | op << 12 | r5() << 5 | r5());
        for (unsigned imm4 = 0; imm4 < 16; imm4++)
            check(q << 30 | 0x2e000000u | r5() << 16 | imm4 << 11 | r5() << 5 | r5());
        for (unsigned len = 0; len < 4; len++)
            for (unsigned op = 0; op < 2; op++)
                for (int k = 0; k < 3; k++)
                    check(q << 30 | 0x0e000000u | r5() << 16 | len << 13 | op << 12 | r5() << 5 | r5());
    }
}

/* Hand-checked edge cases (independent of Unicorn). */
static void t_edges(void)
{
    struct ref_state st;
    memset(&st, 0, sizeof(st));
    /* sqadd v0.16b, v1.16b, v2.16b: 0x7f + 1 saturates, sets QC */
    st.v[1][0] = 0x7f, st.v[2][0] = 1;
    CHECK(our_exec(0x4e220c20, &st));
    CHECK_EQ(st.v[0][0], 0x7f);
    CHECK_EQ(st.fpsr >> 27 & 1, 1);
    /* add v0.8b, v1.8b, v2.8b zeroes the upper half */
    memset(&st, 0, sizeof(st));
    st.v[0][1] = ~0ull, st.v[1][0] = 0x0102, st.v[2][0] = 0x0304;
    CHECK(our_exec(0x0e228420, &st));
    CHECK_EQ(st.v[0][0], 0x0406);
    CHECK_EQ(st.v[0][1], 0);
    CHECK_EQ(st.fpsr, 0);
    /* sqdmulh h0, h1, h2 with -32768 * -32768 saturates to 0x7fff */
    memset(&st, 0, sizeof(st));
    st.v[1][0] = 0x8000, st.v[2][0] = 0x8000, st.v[0][1] = 5;
    CHECK(our_exec(0x5e62b420, &st));
    CHECK_EQ(st.v[0][0], 0x7fff);
    CHECK_EQ(st.v[0][1], 0);
    CHECK_EQ(st.fpsr >> 27 & 1, 1);
    /* sqneg v0.4s, v1.4s: -INT32_MIN saturates */
    memset(&st, 0, sizeof(st));
    st.v[1][0] = 0x0000000580000000ull;
    CHECK(our_exec(0x6ea07820, &st));
    CHECK_EQ(st.v[0][0], 0xfffffffb7fffffffull);
    CHECK_EQ(st.fpsr >> 27 & 1, 1);
    /* uqxtn v0.8b, v1.8h: 0x100 -> 0xff (QC), 0xff stays, upper half zeroed */
    memset(&st, 0, sizeof(st));
    st.v[1][0] = 0x00ff0100ull;
    st.v[0][1] = 7;
    CHECK(our_exec(0x2e214820, &st));
    CHECK_EQ(st.v[0][0], 0xffff);
    CHECK_EQ(st.v[0][1], 0);
    CHECK_EQ(st.fpsr >> 27 & 1, 1);
    /* srshl v0.8h, v1.8h, v2.8h: 5 >> 1 rounded = 3; 0x8000 << 16 = 0; no QC */
    memset(&st, 0, sizeof(st));
    st.v[1][0] = 0x80000005ull, st.v[2][0] = 0x0010ffffull;
    CHECK(our_exec(0x4e625420, &st));
    CHECK_EQ(st.v[0][0], 3);
    CHECK_EQ(st.fpsr, 0);
    /* sqshl v0.8h, v1.8h, v2.8h: 1 << 16 -> 0x7fff, -1 << 20 -> 0x8000 (QC) */
    memset(&st, 0, sizeof(st));
    st.v[1][0] = 0xffff0001ull, st.v[2][0] = 0x00140010ull;
    CHECK(our_exec(0x4e624c20, &st));
    CHECK_EQ(st.v[0][0], 0x80007fffull);
    CHECK_EQ(st.fpsr >> 27 & 1, 1);
    /* tbl v0.16b, {v1.16b}, v2.16b: index 16 reads 0, 15 the top byte */
    memset(&st, 0, sizeof(st));
    st.v[1][1] = 0xab00000000000000ull, st.v[1][0] = 0x11;
    st.v[2][0] = 0x000f10ull, st.v[2][1] = ~0ull;
    CHECK(our_exec(0x4e020020, &st));
    CHECK_EQ(st.v[0][0], 0x111111111111ab00ull); /* indices 0 read 0x11 */
    CHECK_EQ(st.v[0][1], 0);
    /* sqrdmlah h0, h1, h2: 0x7fff + round(0x7fff * 0x7fff >> 15) saturates */
    memset(&st, 0, sizeof(st));
    st.v[0][0] = 0x7fff, st.v[1][0] = 0x7fff, st.v[2][0] = 0x7fff;
    CHECK(our_exec(0x7e428420, &st));
    CHECK_EQ(st.v[0][0], 0x7fff);
    CHECK_EQ(st.fpsr >> 27 & 1, 1);
}

int main(void)
{
    const char *seed = getenv("SIMD_SEED"); /* fixed by default; override to explore */
    if (seed && strtoull(seed, NULL, 0))
        rng_state = strtoull(seed, NULL, 0);
    engines_init();
    t_edges();
    t_3same();
    t_3extra();
    t_3diff();
    t_2misc();
    t_across();
    t_copy();
    t_modimm();
    t_shimm();
    t_elem();
    t_perm();
    printf("simd: %d forms, %d runs (%d forms undefined on both)\n", forms, runs, undefs);
    harness_free(&h);
    uc_close(uc);
    return test_report("simd");
}
