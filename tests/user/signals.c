/* Synchronous and asynchronous signals delivered to handlers. */
#define _GNU_SOURCE
#include <signal.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>
static sigjmp_buf jb;
static volatile int got, got_code;
static volatile void *got_addr;
static void handler(int sig, siginfo_t *si, void *ucv)
{
    got = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    (void)ucv;
    if (sig == SIGSEGV || sig == SIGILL)
        siglongjmp(jb, sig);
}
static void trap_handler(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    got = sig;
    got_code = si->si_code;
    uc->uc_mcontext.pc += 4; /* skip the BRK */
    uc->uc_mcontext.regs[0] = 1234;
}
static volatile int alarms;
static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}
static char *altstack;
static volatile int on_alt;
static void alt_handler(int sig)
{
    char local;
    on_alt = &local >= altstack && &local < altstack + 65536;
    (void)sig;
}
static volatile int nested;
static void usr_handler(int sig)
{
    (void)sig;
    nested++;
}
int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);

    volatile int *bad = (int *)0x1000;
    if (!sigsetjmp(jb, 1))
        *bad = 5;
    printf("SIGSEGV: sig=%d code=%d addr-ok=%d\n", got, got_code, got_addr == (void *)bad);

    got = 0;
    static void *volatile pc;
    if (!sigsetjmp(jb, 1)) {
        __asm__ volatile("adr x9, 1f\n str x9, %0\n1: .inst 0x00000000" : "=m"(pc) : : "x9", "memory");
    }
    /* qemu-aarch64 reports ILL_ILLOPN and another si_addr; Linux gives
     * ILL_ILLOPC and the pc, which NVT_STRICT checks (nestvm only). */
    if (getenv("NVT_STRICT"))
        printf("SIGILL: sig=%d code=%d addr-ok=%d\n", got, got_code, got_addr == pc);
    else
        printf("SIGILL: sig=%d\n", got);

    sa.sa_sigaction = trap_handler;
    sigaction(SIGTRAP, &sa, NULL);
    register long x0 __asm__("x0") = 0;
    __asm__ volatile("brk #7" : "+r"(x0));
    printf("SIGTRAP: sig=%d code=%d x0=%ld\n", got, got_code, x0);

    got = 0;
    raise(SIGUSR1);
    printf("raise SIGUSR1: sig=%d code=%d\n", got, got_code);

    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    got = 0;
    kill(getpid(), SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    printf("blocked: got=%d pending=%d\n", got, sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("unblocked: got=%d\n", got);

    signal(SIGALRM, on_alarm);
    struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    while (alarms < 3)
        pause();
    memset(&it, 0, sizeof(it));
    setitimer(ITIMER_REAL, &it, NULL);
    printf("alarms>=3: %d\n", alarms >= 3);

    altstack = malloc(65536);
    stack_t ss = { .ss_sp = altstack, .ss_size = 65536, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = alt_handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    printf("SA_ONSTACK: on alt stack=%d\n", on_alt);

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = usr_handler;
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    struct sigaction cur;
    sigaction(SIGUSR2, NULL, &cur);
    printf("SA_RESETHAND: ran=%d reset=%d\n", nested, cur.sa_handler == SIG_DFL);

    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored ok\n");
    fflush(stdout);
    signal(SIGUSR2, SIG_DFL);
    raise(SIGUSR2); /* default action: terminate, exit status 128+12 */
    printf("not reached\n");
    return 0;
}
