/* A second reference for the differential tester: a static AArch64 Linux
 * program run under qemu-aarch64 that executes one test block from a given
 * state and prints the final state.  Used to decide which side is right when
 * our CPU and Unicorn disagree (and before excluding anything as a Unicorn
 * bug).  Built with aarch64-linux-gnu-gcc -static (see tests/meson.build).
 *
 * stdin:  struct io_in (code page with the block ending in BRK #0, data
 *         region, initial state); stdout: struct io_out.
 * The initial state is installed by rewriting the signal frame of a BRK in
 * main (sigreturn then "returns" into the block with every register set);
 * the final state is read from the frame of the BRK that ends the block.
 * Handlers run on an alternate stack so the block's SP may point anywhere.
 */
#include <asm/sigcontext.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_BASE 0x10000ul
#define CODE_SIZE 0x1000ul
#define DATA_BASE 0x100000ul
#define DATA_SIZE 0x10000ul

struct io_state {
    uint64_t x[31];
    uint64_t sp;
    uint32_t nzcv, fpcr, fpsr, pad;
    uint64_t v[32][2];
};

struct io_out {
    uint32_t status;   /* 0 = reached the final BRK, else the signal number */
    uint32_t at;       /* instruction index where it stopped */
    struct io_state st;
};

static struct io_state st;
static char altstack[65536];

static void readall(void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = read(0, c, n);
        if (r <= 0)
            _exit(2);
        c += r, n -= (size_t)r;
    }
}

static void writeall(const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t r = write(1, c, n);
        if (r <= 0)
            _exit(2);
        c += r, n -= (size_t)r;
    }
}

static struct fpsimd_context *fpctx(mcontext_t *mc)
{
    struct _aarch64_ctx *h = (void *)mc->__reserved;
    while (h->magic && h->magic != FPSIMD_MAGIC)
        h = (void *)((char *)h + h->size);
    return h->magic ? (struct fpsimd_context *)h : NULL;
}

static void handler(int sig, siginfo_t *si, void *ctx)
{
    (void)si;
    ucontext_t *uc = ctx;
    mcontext_t *mc = &uc->uc_mcontext;
    struct fpsimd_context *fp = fpctx(mc);
    if (!fp)
        _exit(3);
    if (mc->pc >= CODE_BASE && mc->pc < CODE_BASE + CODE_SIZE) {
        struct io_out o;
        memset(&o, 0, sizeof o);
        o.status = sig == SIGTRAP ? 0 : (uint32_t)sig;
        o.at = (uint32_t)((mc->pc - CODE_BASE) / 4);
        memcpy(o.st.x, mc->regs, sizeof o.st.x);
        o.st.sp = mc->sp;
        o.st.nzcv = (uint32_t)mc->pstate & 0xf0000000u;
        o.st.fpcr = fp->fpcr;
        o.st.fpsr = fp->fpsr;
        memcpy(o.st.v, fp->vregs, sizeof o.st.v);
        writeall(&o, sizeof o);
        writeall((void *)DATA_BASE, DATA_SIZE);
        _exit(0);
    }
    /* The BRK in main: install the initial state and enter the block. */
    memcpy(mc->regs, st.x, sizeof st.x);
    mc->sp = st.sp;
    mc->pc = CODE_BASE;
    mc->pstate = (mc->pstate & ~0xf0000000ull) | st.nzcv;
    fp->fpcr = st.fpcr;
    fp->fpsr = st.fpsr;
    memcpy(fp->vregs, st.v, sizeof st.v);
}

int main(void)
{
    if (mmap((void *)CODE_BASE, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
             -1, 0) == MAP_FAILED ||
        mmap((void *)DATA_BASE, DATA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
            MAP_FAILED)
        return 4;
    readall((void *)CODE_BASE, CODE_SIZE);
    readall((void *)DATA_BASE, DATA_SIZE);
    readall(&st, sizeof st);
    __builtin___clear_cache((char *)CODE_BASE, (char *)(CODE_BASE + CODE_SIZE));
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigaction(SIGTRAP, &sa, NULL);
    sigaction(SIGILL, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    __asm__ volatile("brk #1");
    return 5;   /* not reached: the block ends in the handler */
}
