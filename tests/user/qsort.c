#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}
int main(void)
{
    enum { N = 5000 };
    int *v = malloc(N * sizeof(int));
    unsigned s = 12345;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245 + 12345;
        v[i] = (int)(s >> 8) % 100000 - 50000;
    }
    qsort(v, N, sizeof(int), cmp_int);
    int ok = 1;
    for (int i = 1; i < N; i++)
        if (v[i - 1] > v[i])
            ok = 0;
    printf("sorted=%d min=%d max=%d median=%d\n", ok, v[0], v[N - 1], v[N / 2]);
    const char *words[] = { "pear", "apple", "fig", "banana", "cherry", "date", "elderberry", "grape" };
    char **w = malloc(sizeof(words));
    memcpy(w, words, sizeof(words));
    qsort(w, 8, sizeof(char *), cmp_str);
    for (int i = 0; i < 8; i++)
        printf("%s%s", w[i], i < 7 ? " " : "\n");
    int key = v[1234];
    int *f = bsearch(&key, v, N, sizeof(int), cmp_int);
    printf("bsearch found=%d\n", f && *f == key);
    free(v);
    free(w);
    return 0;
}
