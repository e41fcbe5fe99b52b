/* libc: qsort of strings, snprintf, strcmp, malloc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 300000;
    char **v = malloc(sizeof(char *) * n);
    unsigned x = 12345;
    for (int i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        v[i] = malloc(24);
        snprintf(v[i], 24, "k%08x-%d", x, i % 97);
    }
    qsort(v, n, sizeof(*v), cmp);
    unsigned long h = 0;
    for (int i = 0; i < n; i += 1000)
        h = h * 31 + (unsigned char)v[i][3];
    printf("%s %s %lu\n", v[0], v[n - 1], h);
    return 0;
}
