/* Integer work: a xorshift hash table of counters, branchy and load/store heavy. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 30000000u;
    uint32_t *t = calloc(1 << 16, sizeof(*t));
    uint64_t x = 88172645463325252ull, sum = 0;
    for (unsigned i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint32_t k = (uint32_t)(x >> 32) & 0xffff;
        t[k] += (uint32_t)x;
        if (t[k] & 1)
            sum += t[k] >> 3;
        else
            sum ^= k;
    }
    printf("%llu\n", (unsigned long long)sum);
    return 0;
}
