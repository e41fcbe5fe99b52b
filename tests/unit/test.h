/* Minimal assertion helpers for C unit tests: a failing check prints its
 * location and values; test_report() prints a summary and sets the exit code. */
#ifndef NESTVM_TEST_H
#define NESTVM_TEST_H

#include <inttypes.h>
#include <stdio.h>

static int test_checks, test_failures;

#define CHECK(cond)                                                             \
    do {                                                                        \
        test_checks++;                                                          \
        if (!(cond)) {                                                          \
            test_failures++;                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                       \
    } while (0)

#define CHECK_EQ(a, b)                                                          \
    do {                                                                        \
        uint64_t a_ = (uint64_t)(a), b_ = (uint64_t)(b);                        \
        test_checks++;                                                          \
        if (a_ != b_) {                                                         \
            test_failures++;                                                    \
            fprintf(stderr, "%s:%d: %s == %s failed: 0x%" PRIx64 " != 0x%" PRIx64 "\n", \
                    __FILE__, __LINE__, #a, #b, a_, b_);                        \
        }                                                                       \
    } while (0)

/* xorshift64: the deterministic pseudo-random numbers of the tests.  A test
 * may define TEST_SEED before including this header, or assign rng_state. */
#ifndef TEST_SEED
#define TEST_SEED 0x9e3779b97f4a7c15ull
#endif
static uint64_t rng_state = TEST_SEED;

static inline uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static inline int test_report(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, test_checks, test_failures);
    return test_failures ? 1 : 0;
}

#endif
