/* Freestanding signal tests: SIGILL/SIGTRAP handlers that edit the saved
 * context, register state preserved across a handler, blocked and pending
 * signals, SA_NODEFER/SA_RESETHAND, sigaltstack, a timer signal while
 * looping, and the fpsimd record in the frame. */
#include "nolibc.h"

struct ksigaction { unsigned long handler, flags, restorer, mask; };
void restorer(void);
__asm__(".text\n.global restorer\nrestorer:\n mov x8, #139\n svc #0\n");
#define SA_SIGINFO 4
#define SA_RESTORER 0x04000000
#define SA_ONSTACK 0x08000000
#define SA_NODEFER 0x40000000
#define SA_RESETHAND 0x80000000ul

/* ucontext offsets (arm64 uapi) */
#define UC_MCTX 176
#define MC_REGS 8
#define MC_PC (8 + 8 * 31 + 8)
#define MC_RESERVED 288

static volatile int last_sig, last_code, count;
static volatile unsigned long last_addr, fp_magic, fp_size;

static void set_handler(int sig, void *fn, unsigned long flags, unsigned long mask)
{
    struct ksigaction sa = { (unsigned long)fn, flags | SA_RESTORER, (unsigned long)restorer, mask };
    sys4(NR_rt_sigaction, sig, &sa, 0, 8);
}

static void skip_handler(int sig, int *info, char *uc)
{
    last_sig = sig;
    last_code = info[2];
    last_addr = *(unsigned long *)(info + 4);
    unsigned long *pc = (unsigned long *)(uc + UC_MCTX + MC_PC);
    *pc += 4;
    unsigned long *x0 = (unsigned long *)(uc + UC_MCTX + MC_REGS);
    *x0 = 777;
    unsigned int *rec = (unsigned int *)(uc + UC_MCTX + MC_RESERVED);
    fp_magic = rec[0];
    fp_size = rec[1];
    count++;
}

static void counter(int sig)
{
    last_sig = sig;
    count++;
}

static volatile int depth, max_depth, calls;
static void nodefer(int sig)
{
    depth++;
    calls++;
    if (depth > max_depth)
        max_depth = depth;
    if (calls < 3)
        sys2(NR_kill, sys0(NR_getpid), sig);
    depth--;
}

static char alt[16384] __attribute__((aligned(16)));
static volatile int on_alt;
static void alt_handler(int sig)
{
    char here;
    on_alt = &here >= alt && &here < alt + sizeof(alt);
    (void)sig;
}

static void line(const char *k, long v)
{
    puts_(k);
    puts_("=");
    puti(v);
    puts_("\n");
}

int main(int argc, char **argv, char **envp)
{
    (void)argc, (void)argv, (void)envp;
    set_handler(4, skip_handler, SA_SIGINFO, 0);
    set_handler(5, skip_handler, SA_SIGINFO, 0);
    register long x0 __asm__("x0") = 1;
    register long x19 __asm__("x19") = 0x1919;
    __asm__ volatile("mov x0, #1\n udf #0" : "+r"(x0), "+r"(x19) : : "memory");
    line("SIGILL sig", last_sig);
    line("SIGILL x0 from handler", x0);
    line("x19 preserved", x19 == 0x1919);
    line("fpsimd magic ok", fp_magic == 0x46508001);
    line("fpsimd size", (long)fp_size);
    __asm__ volatile("brk #3" : "+r"(x0));
    line("SIGTRAP sig", last_sig);
    line("SIGTRAP code", last_code);

    /* An unaligned exclusive load raises SIGBUS (BUS_ADRALN) at the address. */
    static char ubuf[64] __attribute__((aligned(16)));
    set_handler(7, skip_handler, SA_SIGINFO, 0);
    unsigned long uv;
    __asm__ volatile("ldxr %0, [%1]" : "=r"(uv) : "r"(ubuf + 3) : "memory");
    line("SIGBUS sig", last_sig);
    line("SIGBUS code", last_code);
    line("SIGBUS addr ok", last_addr == (unsigned long)(ubuf + 3));

    /* A signal sent to ourselves while blocked stays pending until unblocked. */
    set_handler(10, counter, 0, 0);
    unsigned long set = 1ul << 9, old = 0;
    count = 0;
    sys4(NR_rt_sigprocmask, 0 /* BLOCK */, &set, &old, 8);
    sys2(NR_kill, sys0(NR_getpid), 10);
    line("while blocked", count);
    sys4(NR_rt_sigprocmask, 1 /* UNBLOCK */, &set, 0, 8);
    line("after unblock", count);

    /* SA_NODEFER lets the handler interrupt itself. */
    set_handler(12, nodefer, SA_NODEFER, 0);
    sys2(NR_kill, sys0(NR_getpid), 12);
    line("nodefer depth", max_depth);
    line("nodefer calls", calls);
    depth = max_depth = calls = 0;
    set_handler(12, nodefer, 0, 0);
    sys2(NR_kill, sys0(NR_getpid), 12);
    line("defer depth", max_depth);
    line("defer calls", calls);

    /* SA_RESETHAND */
    count = 0;
    set_handler(10, counter, SA_RESETHAND, 0);
    sys2(NR_kill, sys0(NR_getpid), 10);
    struct ksigaction cur;
    sys4(NR_rt_sigaction, 10, 0, &cur, 8);
    line("resethand ran", count);
    line("resethand now default", cur.handler == 0);

    /* sigaltstack + SA_ONSTACK */
    struct { void *sp; int flags; int pad; unsigned long size; } ss = { alt, 0, 0, sizeof(alt) };
    line("sigaltstack", sys2(132, &ss, 0));
    set_handler(12, alt_handler, SA_ONSTACK, 0);
    sys2(NR_kill, sys0(NR_getpid), 12);
    line("on alt stack", on_alt);

    /* A timer signal arriving while we loop in guest code. */
    set_handler(14, counter, 0, 0);
    count = 0;
    long it[4] = { 0, 10000, 0, 10000 }; /* interval 10ms, value 10ms */
    sys3(103 /* setitimer */, 0, it, 0);
    volatile unsigned long spin = 0;
    while (count < 3)
        spin++;
    long zero[4] = { 0, 0, 0, 0 };
    sys3(103, 0, zero, 0);
    line("timer signals >= 3", count >= 3);

    /* No SA_RESTORER: the kernel (here: nestvm-user) provides the return path. */
    {
        struct ksigaction sa = { (unsigned long)counter, 0, 0, 0 };
        sys4(NR_rt_sigaction, 12, &sa, 0, 8);
        count = 0;
        sys2(NR_kill, sys0(NR_getpid), 12);
        sys2(NR_kill, sys0(NR_getpid), 12);
        line("handler without restorer returned", count);
    }

    /* Unhandled SIGILL terminates the process with 128+4. */
    set_handler(4, 0, 0, 0);
    __asm__ volatile(".inst 0x00000000");
    return 0;
}
