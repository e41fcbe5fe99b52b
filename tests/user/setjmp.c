#include <setjmp.h>
#include <stdio.h>
static jmp_buf env;
static int depth;
static void recurse(int n)
{
    volatile char pad[64];
    pad[0] = (char)n;
    if (n == 0)
        longjmp(env, 42 + pad[0]);
    depth++;
    recurse(n - 1);
}
int main(void)
{
    volatile int count = 0;
    int r = setjmp(env);
    count++;
    printf("setjmp returned %d (count %d)\n", r, count);
    if (count < 3)
        recurse(10 * count);
    printf("depth=%d\n", depth);
    return 0;
}
