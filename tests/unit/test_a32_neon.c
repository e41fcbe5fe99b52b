/* AArch32 Advanced SIMD against Unicorn's ARM mode: random encodings of
 * every class in A32 and T32 (see a32_neon_diff.h). */
#include "test.h"
#include "a32_neon_diff.h"

#ifndef N_CASES
#define N_CASES 2000
#endif

static struct a32_diff d;
static struct n_diff nd;

int main(int argc, char **argv)
{
    uint64_t cases = argc > 1 ? strtoull(argv[1], NULL, 0) : N_CASES;
    a32_diff_init(&d);
    n_diff_init(&nd, &d);
    uint64_t total = 0, mism = 0;
    for (int t = 0; t < 2; t++) {
        for (int cls = 0; cls < NC_COUNT; cls++) {
            struct n_stats st = { 0 };
            n_run_class(&nd, (enum n_class)cls, t, cases, &st);
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
