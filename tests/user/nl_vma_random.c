/* Freestanding: random mmap(MAP_FIXED)/munmap/mprotect/mremap over
 * a 64-page window, then every page is probed for read and write access and
 * its contents hashed.  Compared with qemu-aarch64, this checks the VMA
 * table's splitting, merging and protection bookkeeping. */
#include "nolibc.h"
/* Seeds: qemu-aarch64 8.x livelocks on many others (it never finishes); nestvm-user
 * handles every seed tried (1..40). */
// run: 1
// run: 4
// run: 8
// run: 11

struct ksigaction { unsigned long handler, flags, restorer, mask; };
void restorer(void);
__asm__(".text\n.global restorer\nrestorer:\n mov x8, #139\n svc #0\n");

#define NPAGES 64
#define PG 4096ul
static volatile int faulted;

static void on_fault(int sig, void *info, char *uc)
{
    (void)sig, (void)info;
    faulted = 1;
    *(unsigned long *)(uc + 176 + 8 + 8 * 31 + 8) += 4; /* skip the access */
}

static int probe_read(volatile unsigned char *p, unsigned char *val)
{
    unsigned long v = 0;
    faulted = 0;
    __asm__ volatile("ldrb %w0, [%1]" : "+r"(v) : "r"(p) : "memory");
    *val = (unsigned char)v;
    return !faulted;
}

static int probe_write(volatile unsigned char *p, unsigned char v)
{
    faulted = 0;
    __asm__ volatile("strb %w0, [%1]" : : "r"(v), "r"(p) : "memory");
    return !faulted;
}

static unsigned long rng = 0x9e3779b97f4a7c15ul;
static unsigned long rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

int main(int argc, char **argv, char **envp)
{
    (void)envp;
    if (argc > 1)
        for (const char *d = argv[1]; *d; d++)
            rng = rng * 10 + (unsigned long)(*d - '0');
    struct ksigaction sa = { (unsigned long)on_fault, 0x04000004, (unsigned long)restorer, 0 };
    sys4(NR_rt_sigaction, 11, &sa, 0, 8);
    sys4(NR_rt_sigaction, 7, &sa, 0, 8);
    /* Reserve the window, then free it so that MAP_FIXED owns it. */
    unsigned char *base = (unsigned char *)sys6(NR_mmap, 0, NPAGES * PG, 0, 0x22, -1, 0);
    sys2(NR_munmap, base, NPAGES * PG);
    unsigned long hash = 1469598103934665603ul;
    for (int round = 0; round < 400; round++) {
        unsigned long a = rnd() % NPAGES, n = 1 + rnd() % 8;
        if (a + n > NPAGES)
            n = NPAGES - a;
        unsigned char *p = base + a * PG;
        long r = 0;
        switch (rnd() % 6) {
        case 0:
        case 1:
            r = sys6(NR_mmap, p, n * PG, (long)(rnd() % 4), 0x32 /* PRIVATE|ANON|FIXED */, -1, 0);
            r = r == (long)p;
            break;
        case 2:
            r = sys2(NR_munmap, p, n * PG);
            break;
        case 3:
            r = sys3(NR_mprotect, p, n * PG, (long)(rnd() % 4));
            break;
        case 4:
            /* (not madvise(MADV_DONTNEED): qemu-aarch64 does not always zero) */
            r = sys2(NR_munmap, p + (n - 1) * PG, PG);
            break;
        case 5: {
            /* shrink in place */
            if (n > 1)
                r = sys6(216 /* mremap */, p, n * PG, (n / 2) * PG, 0, 0, 0) == (long)p;
            break;
        }
        }
        hash = (hash ^ (unsigned long)(r + 100)) * 1099511628211ul;
        /* write a marker into a random page if writable */
        unsigned long q = rnd() % NPAGES;
        probe_write(base + q * PG + (round % PG), (unsigned char)round);
    }
    for (int i = 0; i < NPAGES; i++) {
        unsigned char v = 0, sum = 0;
        int rd = probe_read(base + i * PG, &v);
        if (rd)
            for (unsigned long k = 0; k < PG; k += 1) {
                unsigned char b;
                probe_read(base + i * PG + k, &b);
                sum = (unsigned char)(sum * 31 + b);
            }
        int wr = probe_write(base + i * PG + 5, (unsigned char)i);
        char s[2] = { (char)(rd ? (wr ? 'W' : 'R') : '.'), 0 };
        puts_(s);
        hash = (hash ^ sum) * 1099511628211ul;
    }
    puts_("\nhash=");
    putx(hash);
    puts_("\n");
    return 0;
}
