/* AArch32 Advanced SIMD against Unicorn's ARM mode: random encodings of
 * every class in A32 and T32 (see a32_neon_diff.h), N_CASES per class and
 * instruction set; `test_a32_neon N SEED` for long runs. */
#include "test.h"
#include "a32_neon_diff.h"

#ifndef N_CASES
#define N_CASES 5000
#endif

static struct a32_diff d;

/* Run one A32 word then SVC at a fresh code slot. */
static enum cpu_exit run1(uint32_t w)
{
    return a32_run_words(&d, (const uint32_t[]){ w, A32_SVC }, 2, 0x10);
}

/* The alignment the align fields ask for (the reference does not check
 * it), and a load that faults part way. */
static void directed(void)
{
    struct cpu *c = d.h.cpu;
    static const struct { uint32_t w; uint32_t off; bool write; } al[] = {
        { 0xf4200aafu, 8, false },  /* vld1.32 {d0-d1}, [r0:128] */
        { 0xf4200aafu, 16, false },
        { 0xf400075fu, 4, true },   /* vst1.16 {d0}, [r0:64] */
        { 0xf480055fu, 2, true },   /* vst2.16 {d0[1], d1[1]}, [r0:32] */
        { 0xf4a00f9fu, 4, false },  /* vld4.32 {d0[], d1[], d2[], d3[]}, [r0:64] */
        { 0xf4a00c1fu, 1, false },  /* vld1.8 {d0[]}, [r0]: a = 1 with size 8 is UNDEFINED */
    };
    uint32_t base = A32_DATA_MID;
    for (unsigned i = 0; i < sizeof(al) / sizeof(al[0]); i++) {
        uint32_t pc = d.next_code;
        c->x[0] = base + al[i].off;
        enum cpu_exit r = run1(al[i].w);
        if (al[i].w == 0xf4a00c1fu) {
            CHECK_EQ(r, CPU_EXIT_UNDEF);
            continue;
        }
        bool aligned = al[i].off % 16 == 0;
        CHECK_EQ(r, aligned ? CPU_EXIT_SVC : CPU_EXIT_FAULT);
        if (!aligned) {
            CHECK_EQ(c->pc, pc);
            CHECK_EQ(c->exc.ec, EC_DABORT_LOWER);
            CHECK_EQ(c->exc.iss & 0x3f, 0x21);  /* alignment fault */
            CHECK_EQ(c->exc.iss >> 6 & 1, al[i].write);
            CHECK_EQ(c->exc.far, base + al[i].off);
        }
    }
    /* vld1.8 {d0-d3}, [r0]! across the end of memory: faults, and neither
     * the registers nor the base change. */
    c->x[0] = HARNESS_BASE + HARNESS_SIZE - 16;
    c->v[0].d[0] = 0x1122334455667788ull;
    c->v[1].d[1] = 0x99;
    CHECK_EQ(run1(0xf420020du), CPU_EXIT_FAULT);
    CHECK_EQ(c->x[0], HARNESS_BASE + HARNESS_SIZE - 16);
    CHECK_EQ(c->v[0].d[0], 0x1122334455667788ull);
    CHECK_EQ(c->v[1].d[1], 0x99);
    CHECK_EQ(c->exc.far, HARNESS_BASE + HARNESS_SIZE);
    /* vadd.i32 d3, d1, d5 writes V1[127:64] only. */
    c->v[1].d[0] = 7, c->v[0].d[1] = 1, c->v[2].d[1] = 2;
    CHECK_EQ(run1(0xf2213805u), CPU_EXIT_SVC);
    CHECK_EQ(c->v[1].d[1], 3);
    CHECK_EQ(c->v[1].d[0], 7);
}

/* A loop run often enough for the block to be cached and compiled: D forms
 * (odd Dd, pairwise), Q forms, a staged narrowing form and a post-indexed
 * VLD1. */
static void loop(void)
{
    struct cpu *c = d.h.cpu;
    const uint32_t code[] = {
        0xf4210a8du, /* vld1.32 {d0-d1}, [r1]! */
        0xf2233800u, /* vadd.i32 d3, d3, d0 */
        0xf2244840u, /* vadd.i32 q2, q2, q0 */
        0xf2206b11u, /* vpadd.i32 d6, d0, d1 */
        0xf2277806u, /* vadd.i32 d7, d7, d6 */
        0xf3b68204u, /* vmovn.i32 d8, q2 */
        0xe2500001u, /* subs r0, r0, #1 */
        0x1afffff7u, /* bne the vld1 */
        A32_SVC,
    };
    const unsigned n = 1000;
    const uint32_t data = HARNESS_BASE + 0xa0000u;
    uint32_t *w = (uint32_t *)&d.h.mem[data - HARNESS_BASE];
    uint32_t e3[2] = { 0, 0 }, e2[4] = { 0, 0, 0, 0 }, e7[2] = { 0, 0 };
    for (unsigned i = 0; i < 4 * n; i++)
        w[i] = (uint32_t)a32_rnd();
    for (unsigned i = 0; i < n; i++) {
        const uint32_t *q = w + 4 * i;
        e3[0] += q[0], e3[1] += q[1];
        for (int k = 0; k < 4; k++)
            e2[k] += q[k];
        e7[0] += q[0] + q[1], e7[1] += q[2] + q[3];
    }
    uint32_t pc = d.next_code;
    d.next_code += sizeof(code);
    memcpy(&d.h.mem[pc - HARNESS_BASE], code, sizeof(code));
    for (int i = 0; i < 8; i++)
        c->v[i].q = 0;
    c->x[0] = n, c->x[1] = data;
    cpu_a32_enter(c, pc, 0x10);
    CHECK_EQ(cpu_run(c), CPU_EXIT_SVC);
    CHECK_EQ(c->x[1], data + 16 * n);
    CHECK_EQ(c->v[1].s[2], e3[0]);
    CHECK_EQ(c->v[1].s[3], e3[1]);
    CHECK_EQ(c->v[1].d[0], 0);
    for (int k = 0; k < 4; k++)
        CHECK_EQ(c->v[2].s[k], e2[k]);
    CHECK_EQ(c->v[3].s[2], e7[0]);
    CHECK_EQ(c->v[3].s[3], e7[1]);
    CHECK_EQ(c->v[4].d[0], (uint64_t)(uint16_t)e2[3] << 48 | (uint64_t)(uint16_t)e2[2] << 32 |
                               (uint64_t)(uint16_t)e2[1] << 16 | (uint16_t)e2[0]);
    CHECK_EQ(c->v[4].d[1], 0);
}

int main(int argc, char **argv)
{
    uint64_t cases = argc > 1 ? strtoull(argv[1], NULL, 0) : N_CASES;
    a32_diff_init(&d);
    if (argc > 2)   /* test_a32_neon N SEED: long runs (scripts/difftest-a32) */
        a32_rng = strtoull(argv[2], NULL, 0) * 0x9E3779B97F4A7C15ull | 1;
    n_diff_init(&d);
    directed();
    loop();
    uint64_t total = 0, mism = 0;
    for (int t = 0; t < 2; t++) {
        for (int cls = 0; cls < NC_COUNT; cls++) {
            struct n_stats st = { 0 };
            n_run_class(&d, (enum n_class)cls, t, cases, &st);
            printf("%s %-7s cases %6" PRIu64 " mismatches %4" PRIu64 " exceptions-both %5" PRIu64
                   " exc-ours-only %4" PRIu64 " exc-ref-only %4" PRIu64 "\n", t ? "T32" : "A32", n_class_names[cls],
                   st.cases, st.mismatches, st.exc_both, st.undef_ours, st.undef_ref);
            CHECK_EQ(st.mismatches, 0);
            total += st.cases;
            mism += st.mismatches;
        }
    }
    printf("total: %" PRIu64 " cases, %" PRIu64 " mismatches\n", total, mism);
    a32_diff_free(&d);
    return test_report("a32_neon");
}
