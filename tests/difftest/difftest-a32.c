/* Long differential runs of AArch32 (A32) against Unicorn's ARM mode: the
 * generators and comparison of tests/unit/a32_diff.h, with a count and a
 * seed.  scripts/difftest-a32 runs every class.
 *
 *   difftest-a32 --class CLASS|all --count N [--seed S] [--verbose]
 *   difftest-a32 --sweep a32|t16|t32 --count N [--seed S]
 *
 * Exits non-zero when any case mismatched.  --sweep runs random words of an
 * encoding space (A32 with cond = AL, no coprocessor space) from random
 * states and reports where exactly one side is UNDEFINED, grouped by the
 * top bits, with examples: a survey for missing or extra encodings, not a
 * pass/fail check (UNPREDICTABLE shapes differ legitimately; random branches
 * and stores make noise).  SWEEP_DEBUG=1 prints each word UNDEFINED on ours
 * only. */
#include <inttypes.h>
#include <signal.h>
#include <sys/time.h>

#include "../unit/a32_diff.h"

/* Random words can loop (B .): a watchdog stops our side. */
static struct cpu *watched;
static void on_alarm(int sig)
{
    (void)sig;
    if (watched)
        cpu_request_exit(watched);
}

static void watchdog(bool on)
{
    struct itimerval t = { .it_value = { .tv_usec = on ? 50000 : 0 } };
    setitimer(ITIMER_REAL, &t, NULL);
}

static void sweep(struct a32_diff *d, const char *space, uint64_t count)
{
    enum { GROUPS = 256 };
    static uint64_t ours_only[GROUPS], ref_only[GROUPS], both[GROUPS], total[GROUPS];
    static uint32_t ex_ours[GROUPS], ex_ref[GROUPS];
    bool t16 = !strcmp(space, "t16"), t32 = !strcmp(space, "t32");
    watched = d->h.cpu;
    signal(SIGALRM, on_alarm);
    for (uint64_t i = 0; i < count; i++) {
        struct a32_state s;
        struct a32_case k;
        a32_random_state(&s);
        memset(&k, 0, sizeof(k));
        uint32_t w = (uint32_t)a32_rnd();
        unsigned g;
        if (t16) {
            w &= 0xffff;
            if ((w >> 11) >= 0x1d)
                continue;
            k.thumb = true;
            g = w >> 8;
        } else if (t32) {
            if ((w >> 27) < 0x1d)
                w |= 0xe8000000u;
            k.thumb = true;
            k.wide[0] = true;
            g = w >> 24;
        } else {
            w = (w & 0x0fffffffu) | 0xe0000000u;
            if ((w >> 25 & 7) == 6 || (w >> 24 & 15) == 14)
                continue;   /* coprocessor, VFP, Advanced SIMD: UNDEFINED here by design */
            g = w >> 20 & 0xff;
        }
        k.insn[k.n++] = w;
        k.branch = true;    /* one instruction on the reference */
        if (d->next_code + 8 > A32_CODE_BASE + A32_CODE_SIZE) {
            d->next_code = A32_CODE_BASE;
            cpu_code_invalidate_all(d->h.cpu);
        }
        struct a32_stats st = { 0 };
        bool saved = d->verbose;
        d->verbose = false;
        watchdog(true);
        a32_run_case(d, &k, &s, &st, "sweep");
        watchdog(false);
        d->h.cpu->external_exit = 0;
        d->h.cpu->exit_request = 0;
        d->verbose = saved;
        total[g]++;
        (void)st;
        bool ou = d->last_exit == CPU_EXIT_UNDEF, ru = d->last_err == UC_ERR_INSN_INVALID;
        if (ou && ru) {
            both[g]++;
        } else if (ou) {
            if (getenv("SWEEP_DEBUG"))
                printf("ours UNDEF: %08x at pc %08" PRIx64 " (case at %08x) cpsr %08x\n", w, d->h.cpu->pc,
                       d->next_code - 4, cpu_a32_cpsr(d->h.cpu));
            ours_only[g]++;
            ex_ours[g] = w;
        } else if (ru) {
            ref_only[g]++;
            ex_ref[g] = w;
        }
    }
    printf("%-6s %9s %9s %9s %9s  %s\n", "group", "words", "undef", "ours-only", "ref-only", "examples (ours-only / ref-only)");
    for (unsigned g = 0; g < GROUPS; g++)
        if (total[g])
            printf("%02x     %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 "  %08x / %08x\n", g, total[g], both[g], ours_only[g],
                   ref_only[g], ex_ours[g], ex_ref[g]);
}

int main(int argc, char **argv)
{
    const char *cls = "all";
    uint64_t count = 10000, seed = 1;
    bool verbose = false;
    const char *sweep_space = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--class") && i + 1 < argc)
            cls = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--sweep") && i + 1 < argc)
            sweep_space = argv[++i];
        else if (!strcmp(argv[i], "--verbose"))
            verbose = true;
        else {
            fprintf(stderr, "usage: difftest-a32 --class CLASS|all --count N [--seed S] [--verbose]\nclasses:");
            for (int c = 0; c < A32C_COUNT; c++)
                fprintf(stderr, " %s", a32_class_names[c]);
            fprintf(stderr, "\n");
            return 2;
        }
    }
    a32_rng = 0x2545F4914F6CDD1Dull ^ (seed * 0x9E3779B97F4A7C15ull);
    if (!a32_rng)
        a32_rng = 1;
    struct a32_diff d;
    a32_diff_init(&d);
    d.verbose = verbose;
    if (sweep_space) {
        d.quiet = true;
        sweep(&d, sweep_space, count);
        a32_diff_free(&d);
        return 0;
    }
    int status = 0, matched = 0;
    uint64_t total = 0, mism = 0;
    for (int c = 0; c < A32C_COUNT; c++) {
        if (strcmp(cls, "all") && strcmp(cls, a32_class_names[c]))
            continue;
        matched = 1;
        struct a32_stats st = { 0 };
        a32_run_class(&d, (enum a32_class)c, count, &st);
        printf("class %-7s cases %9" PRIu64 " insns %9" PRIu64 " mismatches %6" PRIu64 " undef-ours %6" PRIu64
               " undef-ref %6" PRIu64 "\n", a32_class_names[c], st.cases, st.insns, st.mismatches, st.undef_ours,
               st.undef_ref);
        fflush(stdout);
        total += st.insns;
        mism += st.mismatches;
        if (st.mismatches)
            status = 1;
    }
    if (!matched) {
        fprintf(stderr, "difftest-a32: unknown class %s\n", cls);
        return 2;
    }
    printf("total: %" PRIu64 " instructions, %" PRIu64 " mismatches (seed %" PRIu64 ")\n", total, mism, seed);
    a32_diff_free(&d);
    return status;
}
