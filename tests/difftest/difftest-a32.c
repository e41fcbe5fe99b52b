/* Long differential runs of AArch32 (A32) against Unicorn's ARM mode: the
 * generators and comparison of tests/unit/a32_diff.h, with a count and a
 * seed.  scripts/difftest-a32 runs every class.
 *
 *   difftest-a32 --class CLASS|all --count N [--seed S] [--verbose]
 *
 * Exits non-zero when any case mismatched. */
#include <inttypes.h>

#include "../unit/a32_diff.h"

int main(int argc, char **argv)
{
    const char *cls = "all";
    uint64_t count = 10000, seed = 1;
    bool verbose = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--class") && i + 1 < argc)
            cls = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc)
            count = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
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
