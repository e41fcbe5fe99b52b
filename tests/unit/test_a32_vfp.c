/* AArch32 VFP (a32-vfp.c) against Unicorn's ARM mode: random A32 and T32
 * VFP instructions of every class from random states (a32_vfp_diff.h),
 * and directed checks of what the random cases do not isolate. */
#include "test.h"
#include "a32_vfp_diff.h"

/* a32_diff.h's integer classes are not run here. */
static void (*const unused_run_class)(struct a32_diff *, enum a32_class, uint64_t, struct a32_stats *) __attribute__((unused)) = a32_run_class;

#ifndef VFP_CASES
#define VFP_CASES 3000
#endif

static struct a32_diff d;

#define run_words(w, n, cpsr) a32_run_words(&d, w, n, cpsr)

static void directed(void)
{
    struct cpu *c = d.h.cpu;
    /* Register mapping: S<n> = V<n/4>.S[n%4], D<n> = V<n/2>.D[n%2]; a write
     * of S/D leaves the rest of the V register alone.
     * vmov s5, r0; vmov d3, r1, r2; vmov.f32 s31, #1.0; svc */
    uint32_t p1[] = { 0xee020a90, 0xec421b13, 0xeef7fa00, A32_SVC };
    memset(c->v, 0x5a, sizeof(c->v));
    c->x[0] = 0x11111111, c->x[1] = 0x22222222, c->x[2] = 0x33333333;
    c->fpcr = c->fpsr = 0;
    CHECK_EQ(run_words(p1, 4, 0x10), CPU_EXIT_SVC);
    CHECK_EQ(c->v[1].s[1], 0x11111111);
    CHECK_EQ(c->v[1].s[0], 0x5a5a5a5a);
    CHECK_EQ(c->v[1].d[1], 0x3333333322222222ull);
    CHECK_EQ(c->v[7].s[3], 0x3f800000);
    CHECK_EQ(c->v[7].s[2], 0x5a5a5a5a);
    CHECK_EQ(c->v[0].q, ((unsigned __int128)0x5a5a5a5a5a5a5a5aull << 64) | 0x5a5a5a5a5a5a5a5aull);

    /* FPSCR = FPSR | FPCR: vmsr fpscr, r0; vmrs r1, fpscr.  Len/Stride are
     * kept (and ignored), the trap enables, FZ16 and reserved bits read as 0. */
    uint32_t p2[] = { 0xeee10a10, 0xeef11a10, A32_SVC };
    c->x[0] = 0xffffffffu;
    CHECK_EQ(run_words(p2, 3, 0x10), CPU_EXIT_SVC);
    CHECK_EQ(c->x[1], 0xfff7009fu);
    CHECK_EQ(c->fpsr, 0xf800009fu);
    CHECK_EQ(c->fpcr & 0x07ff0000u, 0x07f70000u);
    c->x[0] = 0;
    CHECK_EQ(run_words(p2, 3, 0x10), CPU_EXIT_SVC);
    CHECK_EQ(c->x[1], 0);

    /* VMRS of FPSID, MVFR0/1/2, FPEXC and VMSR FPEXC are UNDEFINED at EL0. */
    static const uint32_t priv[] = { 0xeef00a10, 0xeef70a10, 0xeef60a10, 0xeef50a10, 0xeef80a10, 0xeee80a10 };
    for (unsigned i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
        uint32_t p[] = { priv[i], A32_SVC };
        CHECK_EQ(run_words(p, 2, 0x10), CPU_EXIT_UNDEF);
    }

    /* VMLA is not fused: (1 + 2^-23) * (1 - 2^-23) + -1 rounds the
     * product to 1.0 first (result 0), a fused VFMA keeps -2^-46. */
    uint32_t p3[] = { 0xee000a01 /* vmla.f32 s0, s0, s2 */, A32_SVC };
    uint32_t p4[] = { 0xeea00a01 /* vfma.f32 s0, s0, s2 */, A32_SVC };
    c->fpcr = c->fpsr = 0;
    c->v[0].s[0] = 0xbf800000u;
    c->v[0].s[2] = 0x3f800001u;
    memcpy(&c->v[0].s[0], &(uint32_t){ 0xbf800000u }, 4);
    /* d = -1, n = d (the same register), m = s2: use separate registers */
    uint32_t p5[] = { 0xee010a02 /* vmla.f32 s0, s2, s4 */, A32_SVC };
    uint32_t p6[] = { 0xeea10a02 /* vfma.f32 s0, s2, s4 */, A32_SVC };
    (void)p3, (void)p4;
    c->v[0].s[0] = 0xbf800000u, c->v[0].s[2] = 0x3f800001u, c->v[1].s[0] = 0x3f7ffffeu;
    CHECK_EQ(run_words(p5, 2, 0x10), CPU_EXIT_SVC);
    CHECK_EQ(c->v[0].s[0], 0);
    c->v[0].s[0] = 0xbf800000u;
    CHECK_EQ(run_words(p6, 2, 0x10), CPU_EXIT_SVC);
    CHECK_EQ(c->v[0].s[0], 0xa8800000u);    /* -2^-46 */

    /* Unconditional forms inside an IT block are UNDEFINED (T32):
     * it eq; vseleq.f32 s0, s1, s2 */
    uint16_t t1[] = { 0xbf08, 0xfe00, 0x0a81, T32_SVC };
    uint32_t pc = d.next_code;
    memcpy(&d.h.mem[pc - HARNESS_BASE], t1, sizeof(t1));
    d.next_code += 8;
    cpu_a32_enter(c, pc, 0x40000030u);
    CHECK_EQ(cpu_run(c), CPU_EXIT_UNDEF);
    CHECK_EQ(c->pc, pc + 2);

    /* A condition-failed VFP instruction does nothing:
     * vaddne.f32 s0, s0, s0 with Z set. */
    uint32_t p7[] = { 0x1e300a00, A32_SVC };
    c->v[0].s[0] = 0x3f800000u;
    CHECK_EQ(run_words(p7, 2, 0x40000010u), CPU_EXIT_SVC);
    CHECK_EQ(c->v[0].s[0], 0x3f800000u);
    CHECK_EQ(run_words(p7, 2, 0x10), CPU_EXIT_SVC);
    CHECK_EQ(c->v[0].s[0], 0x40000000u);

    /* A hot loop (cached and JIT-compiled blocks call the VFP handlers):
     * vadd.f32 s0, s0, s2; subs r0, r0, #1; bne; svc. */
    uint32_t p9[] = { 0xee300a01, 0xe2500001, 0x1afffffc, A32_SVC };
    c->v[0].s[0] = 0, c->v[0].s[2] = 0x3f800000u, c->x[0] = 1000;
    CHECK_EQ(run_words(p9, 4, 0x10), CPU_EXIT_SVC);
    CHECK_EQ(c->v[0].s[0], 0x447a0000u);     /* 1000.0 */

    /* VLDR of a misaligned address is an alignment fault (MemA). */
    uint32_t p8[] = { 0xed900a00 /* vldr s0, [r0] */, A32_SVC };
    c->x[0] = A32_DATA_MID + 2;
    CHECK_EQ(run_words(p8, 2, 0x10), CPU_EXIT_FAULT);
    c->x[0] = A32_DATA_MID;
    CHECK_EQ(run_words(p8, 2, 0x10), CPU_EXIT_SVC);
    cpu_code_invalidate_all(c);
}

/* A survey (not a check): random words of the VFP space, A32 (cond AL or
 * 1111 1110) or T32, on both sides; words UNDEFINED on one side only are
 * counted by A32 bits 27:20 and bits 11:8 with an example.  UNPREDICTABLE
 * shapes differ legitimately (ours: UNDEFINED). */
static void sweep(uint64_t count, bool thumb)
{
    static uint64_t ours[256][16], ref[256][16];
    static uint32_t ex_ours[256][16], ex_ref[256][16];
    d.quiet = true;
    for (uint64_t i = 0; i < count; i++) {
        struct vfp_state s;
        struct a32_case k;
        vfp_random_state(&s);
        for (int r = 0; r < 15; r++)
            s.core.r[r] = vfp_addr();  /* loads and stores stay in the data area */
        s.fpscr &= ~0x00370000u;
        memset(&k, 0, sizeof(k));
        uint32_t w = (uint32_t)a32_rnd();
        w = (w & ~0x00000e00u) | 0x00000a00u;   /* coprocessor 101x */
        unsigned op = 0xc + a32_rndn(4);
        if (op == 0xf)
            w = (w & 0x00ffffffu) | 0xfe000000u;
        else
            w = (w & 0x00ffffffu) | 0xe0000000u | op << 24;
        k.thumb = thumb;
        k.mem = true;
        if (thumb)
            t_add32(&k, w >> 16, w & 0xffff);
        else
            k.insn[k.n++] = w;
        struct a32_stats st = { 0 };
        vfp_run_case(&d, &k, &s, &st, "sweep");
        unsigned g = w >> 20 & 0xff, h = w >> 8 & 0xf;
        if (st.undef_ours)
            ours[g][h]++, ex_ours[g][h] = w;
        if (st.undef_ref)
            ref[g][h]++, ex_ref[g][h] = w;
    }
    for (unsigned g = 0; g < 256; g++)
        for (unsigned h = 0; h < 16; h++)
            if (ours[g][h] || ref[g][h])
                printf("bits 27:20 %02x 11:8 %x: UNDEFINED ours only %6" PRIu64 " (%08x), reference only %6" PRIu64
                       " (%08x)\n", g, h, ours[g][h], ex_ours[g][h], ref[g][h], ex_ref[g][h]);
}

/* test_a32_vfp [cases-per-class [seed]] | --sweep a32|t32 count */
int main(int argc, char **argv)
{
    uint64_t cases = VFP_CASES;
    a32_diff_init(&d);
    if (argc > 3 && !strcmp(argv[1], "--sweep")) {
        sweep(strtoull(argv[3], NULL, 0), !strcmp(argv[2], "t32"));
        a32_diff_free(&d);
        return 0;
    }
    if (argc > 1)
        cases = strtoull(argv[1], NULL, 0);
    if (argc > 2)
        a32_rng = strtoull(argv[2], NULL, 0) | 1;
    directed();
    uint64_t total = 0, mism = 0;
    for (int cls = 0; cls < VC_COUNT; cls++) {
        struct a32_stats st = { 0 };
        vfp_both_undef = 0;
        vfp_run_class(&d, (enum vfp_class)cls, cases, &st);
        printf("class %-8s cases %6" PRIu64 " insns %7" PRIu64 " mismatches %4" PRIu64 " undef-ours %4" PRIu64
               " undef-ref %4" PRIu64 " undef-both %4" PRIu64 "\n", vfp_class_names[cls], st.cases, st.insns,
               st.mismatches, st.undef_ours, st.undef_ref, vfp_both_undef);
        CHECK(vfp_both_undef < st.cases / 100);
        CHECK_EQ(st.mismatches, 0);
        total += st.cases;
        mism += st.mismatches;
    }
    printf("total: %" PRIu64 " cases, %" PRIu64 " mismatches\n", total, mism);
    a32_diff_free(&d);
    return test_report("a32_vfp");
}
