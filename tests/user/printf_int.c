/* Integer formatting: exercises division, shifts and the stdio machinery. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
int main(void)
{
    long vals[] = { 0, 1, -1, 7, -42, 1000000007, INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, 0x123456789abcdefL };
    for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
        printf("%ld %lu %lx %lo %+d %08ld|%-8ld|\n", vals[i], (unsigned long)vals[i], (unsigned long)vals[i],
               (unsigned long)vals[i], (int)vals[i], vals[i] % 100000000, vals[i] % 1000);
    uint64_t x = 88172645463325252ull;
    unsigned long sum = 0;
    for (int i = 0; i < 1000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += x % 1000003;
        if (i % 100 == 0)
            printf("x=%" PRIu64 " q=%" PRIu64 " r=%" PRIu64 " s=%" PRId64 "\n", x, x / 12345, x % 12345, (int64_t)x / -777);
    }
    printf("sum=%lu\n", sum);
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%d-%s-%c-%5.3s", 12, "abc", 'z', "truncate");
    printf("%d [%s]\n", n, buf);
    return 0;
}
