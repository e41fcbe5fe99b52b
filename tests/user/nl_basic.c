/* Freestanding: argv/envp/auxv, brk, mmap/munmap/mprotect, SIGSEGV handler
 * that resumes after the fault, uname, readlink /proc/self/exe, fork+wait. */
#include "nolibc.h"
// run: crash

static unsigned long *auxv_of(char **envp)
{
    while (*envp)
        envp++;
    return (unsigned long *)(envp + 1);
}

static volatile unsigned long fault_addr;
static volatile int nfaults;
static char *page;

struct ksigaction { unsigned long handler, flags, restorer, mask; };

void restorer(void);
__asm__(".text\n.global restorer\nrestorer:\n mov x8, #139\n svc #0\n");

static void on_segv(int sig, void *info, void *uc)
{
    fault_addr = *(unsigned long *)((char *)info + 16);
    nfaults++;
    /* Make the page writable so that the store succeeds when retried. */
    sys3(NR_mprotect, page, 4096, 3);
    (void)sig;
    (void)uc;
}

int main(int argc, char **argv, char **envp)
{
    puts_("argc=");
    putu((unsigned long)argc);
    puts_("\n");
    for (int i = 1; i < argc; i++) {
        puts_("arg: ");
        puts_(argv[i]);
        puts_("\n");
    }
    for (char **e = envp; *e; e++)
        if ((*e)[0] == 'N' && (*e)[1] == 'L' && (*e)[2] == '_') {
            puts_("env: ");
            puts_(*e);
            puts_("\n");
        }
    unsigned long *av = auxv_of(envp);
    unsigned long pagesz = 0, rnd = 0, phent = 0, hwcap = 0;
    const char *plat = "", *execfn = "";
    for (; av[0]; av += 2) {
        if (av[0] == 6) pagesz = av[1];
        if (av[0] == 25) rnd = av[1];
        if (av[0] == 4) phent = av[1];
        if (av[0] == 15) plat = (const char *)av[1];
        if (av[0] == 31) execfn = (const char *)av[1];
        if (av[0] == 16) hwcap = av[1];
    }
    puts_("pagesz=");
    putu(pagesz);
    puts_(" phent=");
    putu(phent);
    puts_(" random=");
    puts_(rnd ? "yes" : "no");
    puts_(" platform=");
    puts_(plat);
    puts_(" fp+asimd=");
    puts_((hwcap & 3) == 3 ? "yes" : "no");
    puts_(" execfn-ok=");
    puts_(streq(execfn, argv[0]) ? "yes" : "no");
    puts_("\n");

    /* brk */
    char *b0 = (char *)sys1(NR_brk, 0);
    char *b1 = (char *)sys1(NR_brk, b0 + 100000);
    b1[-1] = 'x';
    puts_("brk grew: ");
    puts_(b1 == b0 + 100000 ? "yes" : "no");
    puts_("\n");

    /* mmap / munmap */
    char *m = (char *)sys6(NR_mmap, 0, 3 * 4096, 3, 0x22, -1, 0);
    for (int i = 0; i < 3 * 4096; i++)
        if (m[i])
            puts_("mmap not zero!\n");
    m[0] = 1;
    m[3 * 4096 - 1] = 2;
    long r = sys2(NR_munmap, m + 4096, 4096);
    puts_("munmap middle: ");
    puti(r);
    puts_("\n");

    /* SIGSEGV handler on a write to a read-only page, then resume */
    struct ksigaction sa = { (unsigned long)on_segv, 0x04000004 /* SA_SIGINFO|SA_RESTORER */, (unsigned long)restorer, 0 };
    sys4(NR_rt_sigaction, 11, &sa, 0, 8);
    page = m;
    sys3(NR_mprotect, m, 4096, 1);
    m[5] = 7;
    puts_("faults=");
    putu((unsigned long)nfaults);
    puts_(" addr-ok=");
    puts_(fault_addr == (unsigned long)(m + 5) ? "yes" : "no");
    puts_(" value=");
    putu((unsigned long)m[5]);
    puts_("\n");

    /* uname */
    char u[65 * 6];
    sys1(NR_uname, u);
    puts_("machine=");
    puts_(u + 65 * 4);
    puts_("\n");

    /* readlink /proc/self/exe */
    char buf[256];
    long n = sys4(NR_readlinkat, -100, "/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    puts_("exe-ok=");
    puts_(n > 0 && buf[0] == '/' ? "yes" : "no");
    puts_("\n");

    /* fork + wait */
    long pid = sys6(NR_clone, 17 /* SIGCHLD */, 0, 0, 0, 0, 0);
    if (pid == 0) {
        puts_("child\n");
        exit_(42);
    }
    int status = 0;
    long w = sys4(NR_wait4, pid, &status, 0, 0);
    puts_("waited=");
    puts_(w == pid ? "yes" : "no");
    puts_(" status=");
    putx((unsigned long)status);
    puts_("\n");

    /* an unmapped access with the default action kills us with SIGSEGV */
    if (argc > 1 && streq(argv[1], "crash")) {
        sa.handler = 0;
        sys4(NR_rt_sigaction, 11, &sa, 0, 8);
        *(volatile int *)16 = 1;
    }
    return 5;
}
