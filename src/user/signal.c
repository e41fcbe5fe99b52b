/* Guest signals.
 *
 * Dispositions and the blocked mask are mirrored onto the host process where
 * that gives the right behaviour for free: a guest SIG_DFL/SIG_IGN is the host
 * SIG_DFL/SIG_IGN (so an unhandled SIGINT kills the host exactly like it would
 * kill the guest, and SIGTSTP stops it), and the guest's blocked mask is the
 * host's, so the host kernel keeps blocked signals pending.  A guest handler
 * becomes a host handler that records the signal and asks the CPU to leave
 * its run loop; the frame is then built at the next block boundary.
 *
 * Synchronous signals (faults of the emulated CPU, and signals the guest sends
 * to itself) never go through the host: they are queued here directly.
 *
 * The frame follows Linux arm64 (arch/arm64/kernel/signal.c): an rt_sigframe
 * (siginfo + ucontext with the sigcontext and an fpsimd_context record and the
 * terminating null record in __reserved), with a {fp, lr} frame record above.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "user.h"

#define G_SA_SIGINFO 0x00000004ull
#define G_SA_RESTORER 0x04000000ull
#define G_SA_ONSTACK 0x08000000ull
#define G_SA_RESTART 0x10000000ull
#define G_SA_NODEFER 0x40000000ull
#define G_SA_RESETHAND 0x80000000ull

#define G_SS_ONSTACK 1
#define G_SS_DISABLE 2
#define G_SS_AUTODISARM (1u << 31)
#define G_MINSIGSTKSZ 5120

/* Frame layout (offsets checked against the arm64 uapi headers). */
#define SI_SIZE 128
#define UC_OFF SI_SIZE
#define UC_STACK (UC_OFF + 16)
#define UC_SIGMASK (UC_OFF + 40)
#define MC_OFF (UC_OFF + 176)
#define MC_FAULT (MC_OFF + 0)
#define MC_REGS (MC_OFF + 8)
#define MC_SP (MC_OFF + 256)
#define MC_PC (MC_OFF + 264)
#define MC_PSTATE (MC_OFF + 272)
#define MC_RESERVED (MC_OFF + 288)
#define RESERVED_SIZE 4096
#define FRAME_SIZE (MC_RESERVED + RESERVED_SIZE) /* sizeof(struct rt_sigframe) = 4688 */
#define FPSIMD_MAGIC 0x46508001u
#define FPSIMD_SIZE 528
#define ESR_MAGIC 0x45535201u

#define BIT(sig) (1ull << ((sig) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
/* Signals the emulator itself must keep at their host default. */
#define HOST_SYNC (BIT(SIGSEGV) | BIT(SIGBUS) | BIT(SIGILL) | BIT(SIGFPE) | BIT(SIGTRAP))

static struct g_sigaction acts[G_NSIG + 1];
static __thread uint64_t gmask;
static __thread uint64_t pending;          /* queued here, protected by blocking host signals */
static __thread uint8_t pinfo[G_NSIG + 1][SI_SIZE]; /* siginfo of each pending signal */
static __thread volatile uint64_t host_pending; /* set by the host handler */
static __thread uint8_t host_info[G_NSIG + 1][SI_SIZE];
static __thread struct {
    uint64_t sp, size;
    uint32_t flags;
} altstack = { 0, 0, G_SS_DISABLE };
static __thread bool saved_valid;
static __thread uint64_t saved_mask;
static uint64_t tramp; /* sigreturn trampoline page when the guest gives no restorer */

static __thread const char *fault_desc;
static __thread char fault_buf[256];

static void host_handler(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    if (sig < 1 || sig > G_NSIG)
        return;
    memcpy(host_info[sig], si, SI_SIZE);
    __atomic_or_fetch(&host_pending, BIT(sig), __ATOMIC_SEQ_CST);
    struct cpu *c = tcpu;
    if (c)
        cpu_request_exit(c);
}

static bool host_mirrorable(int sig)
{
    if (sig == SIGKILL || sig == SIGSTOP || (BIT(sig) & HOST_SYNC))
        return false;
    /* glibc reserves the first two real-time signals in the host process. */
    return sig < 32 || sig >= SIGRTMIN;
}

static void host_apply_action(int sig)
{
    if (!host_mirrorable(sig))
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigfillset(&sa.sa_mask);
    if (acts[sig].handler == G_SIG_DFL)
        sa.sa_handler = SIG_DFL;
    else if (acts[sig].handler == G_SIG_IGN)
        sa.sa_handler = SIG_IGN;
    else {
        sa.sa_sigaction = host_handler;
        sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: blocking syscalls return EINTR */
    }
    sigaction(sig, &sa, NULL);
}

static void host_apply_mask(void)
{
    sigset_t s;
    sigemptyset(&s);
    for (int sig = 1; sig <= G_NSIG; sig++)
        if ((gmask & BIT(sig)) && host_mirrorable(sig))
            sigaddset(&s, sig);
    pthread_sigmask(SIG_SETMASK, &s, NULL);
}

uint64_t sig_get_mask(void)
{
    return gmask;
}

void sig_set_mask(uint64_t m)
{
    gmask = m & ~UNBLOCKABLE;
    host_apply_mask();
}

void sig_init(void)
{
    /* Inherit the host's dispositions: ignored signals stay ignored (nohup). */
    for (int sig = 1; sig <= G_NSIG; sig++) {
        struct sigaction old;
        acts[sig].handler = G_SIG_DFL;
        if (host_mirrorable(sig) && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            acts[sig].handler = G_SIG_IGN;
    }
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    gmask = 0;
    for (int sig = 1; sig <= G_NSIG; sig++)
        if (host_mirrorable(sig) && sigismember(&cur, sig) == 1)
            gmask |= BIT(sig);
    host_apply_mask();
}

void sig_thread_init(uint64_t mask)
{
    sig_set_mask(mask);
}

void sig_exec_reset(void)
{
    for (int sig = 1; sig <= G_NSIG; sig++) {
        if (acts[sig].handler != G_SIG_IGN) {
            memset(&acts[sig], 0, sizeof(acts[sig]));
            host_apply_action(sig);
        }
    }
    altstack.sp = altstack.size = 0;
    altstack.flags = G_SS_DISABLE;
    tramp = 0;
}

static void block_host(sigset_t *old)
{
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, old);
}

/* Move what the host handler recorded into the queue. */
static void collect_host(void)
{
    if (!__atomic_load_n(&host_pending, __ATOMIC_SEQ_CST))
        return;
    sigset_t old;
    block_host(&old);
    uint64_t hp = __atomic_exchange_n(&host_pending, 0, __ATOMIC_SEQ_CST);
    for (int sig = 1; sig <= G_NSIG; sig++)
        if (hp & BIT(sig)) {
            memcpy(pinfo[sig], host_info[sig], SI_SIZE);
            pending |= BIT(sig);
        }
    sigprocmask(SIG_SETMASK, &old, NULL);
}

void sig_queue(int sig, const void *si)
{
    if (sig < 1 || sig > G_NSIG)
        return;
    if (si) {
        memcpy(pinfo[sig], si, SI_SIZE);
    } else {
        memset(pinfo[sig], 0, SI_SIZE);
        int32_t h[6] = { sig, 0, -6 /* SI_TKILL */, 0, (int32_t)getpid(), (int32_t)getuid() };
        memcpy(pinfo[sig], h, sizeof(h));
    }
    pending |= BIT(sig);
}

bool sig_pending(void)
{
    collect_host();
    return (pending & ~gmask) != 0;
}

bool sig_should_restart(void)
{
    collect_host();
    uint64_t p = pending & ~gmask;
    for (int sig = 1; sig <= G_NSIG; sig++)
        if (p & BIT(sig)) {
            uint64_t h = acts[sig].handler;
            if (h != G_SIG_DFL && h != G_SIG_IGN)
                return (acts[sig].flags & G_SA_RESTART) != 0;
        }
    return false;
}

static const char *signame(int sig)
{
    static char buf[16];
    const char *n = sigabbrev_np(sig);
    if (n)
        snprintf(buf, sizeof(buf), "SIG%s", n);
    else
        snprintf(buf, sizeof(buf), "signal %d", sig);
    return buf;
}

_Noreturn void sig_die(int sig)
{
    if (fault_desc)
        fprintf(stderr, "nestvm-user: guest terminated by %s: %s\n", signame(sig), fault_desc);
    fflush(stdout);
    fflush(stderr);
    struct rlimit rl = { 0, 0 };
    setrlimit(RLIMIT_CORE, &rl);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(sig, &sa, NULL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    sigprocmask(SIG_UNBLOCK, &s, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

static bool default_ignored(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

static bool on_altstack(uint64_t sp)
{
    return altstack.size && sp > altstack.sp && sp <= altstack.sp + altstack.size;
}

static void put32(uint8_t *f, unsigned off, uint32_t v) { memcpy(f + off, &v, 4); }
static void put64(uint8_t *f, unsigned off, uint64_t v) { memcpy(f + off, &v, 8); }
static uint32_t get32(const uint8_t *f, unsigned off) { uint32_t v; memcpy(&v, f + off, 4); return v; }
static uint64_t get64(const uint8_t *f, unsigned off) { uint64_t v; memcpy(&v, f + off, 8); return v; }

static uint64_t get_tramp(void)
{
    if (tramp)
        return tramp;
    int64_t a = sys_mmap(0, G_PAGE, GP_R | GP_W, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
    if (a < 0)
        return 0;
    uint32_t code[2] = { 0xd2801168 /* mov x8, #139 */, 0xd4000001 /* svc #0 */ };
    memcpy(mm_host((uint64_t)a), code, sizeof(code));
    mm_protect((uint64_t)a, G_PAGE, GP_R | GP_X);
    return tramp = (uint64_t)a;
}

/* Build the frame for sig and redirect the CPU to the handler.  Returns false
 * if the frame could not be written (the caller then kills the process). */
static bool setup_frame(int sig, const uint8_t *info)
{
    struct cpu *c = tcpu;
    struct g_sigaction *a = &acts[sig];
    uint64_t sp = c->x[REG_SP];
    uint64_t frame_mask = saved_valid ? saved_mask : gmask;
    saved_valid = false;
    bool was_on = on_altstack(sp);
    if ((a->flags & G_SA_ONSTACK) && altstack.size && !(altstack.flags & G_SS_DISABLE) && !was_on)
        sp = altstack.sp + altstack.size;
    uint64_t rec = (sp - 16) & ~15ull;
    uint64_t fsp = (rec - FRAME_SIZE) & ~15ull;
    uint8_t f[FRAME_SIZE];
    memset(f, 0, sizeof(f));
    memcpy(f, info, SI_SIZE);
    /* ucontext */
    put64(f, UC_STACK, altstack.sp);
    put32(f, UC_STACK + 8, altstack.size ? (was_on ? G_SS_ONSTACK : altstack.flags & ~G_SS_AUTODISARM) : G_SS_DISABLE);
    put64(f, UC_STACK + 16, altstack.size);
    put64(f, UC_SIGMASK, frame_mask);
    uint64_t far = 0;
    if (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGTRAP || sig == SIGFPE)
        far = get64(info, 16);
    put64(f, MC_FAULT, far);
    for (int i = 0; i < 31; i++)
        put64(f, MC_REGS + 8 * (unsigned)i, c->x[i]);
    put64(f, MC_SP, c->x[REG_SP]);
    put64(f, MC_PC, c->pc);
    put64(f, MC_PSTATE, c->nzcv & 0xf0000000u);
    unsigned r = MC_RESERVED;
    put32(f, r, FPSIMD_MAGIC);
    put32(f, r + 4, FPSIMD_SIZE);
    put32(f, r + 8, c->fpsr);
    put32(f, r + 12, c->fpcr);
    memcpy(f + r + 16, c->v, 512);
    r += FPSIMD_SIZE;
    /* null terminator record is already zero */
    uint64_t rec_data[2] = { c->x[29], c->x[30] };
    if (copy_to_guest(rec, rec_data, 16) < 0 || copy_to_guest(fsp, f, FRAME_SIZE) < 0)
        return false;
    uint64_t ret = (a->flags & G_SA_RESTORER) ? a->restorer : get_tramp();
    c->x[0] = (uint64_t)sig;
    c->x[1] = fsp;
    c->x[2] = fsp + UC_OFF;
    c->x[29] = rec;
    c->x[30] = ret;
    c->x[REG_SP] = fsp;
    c->pc = a->handler;
    if ((a->flags & G_SA_ONSTACK) && (altstack.flags & G_SS_AUTODISARM) && !was_on) {
        altstack.sp = altstack.size = 0;
        altstack.flags = G_SS_DISABLE;
    }
    uint64_t nm = frame_mask | a->mask;
    if (!(a->flags & G_SA_NODEFER))
        nm |= BIT(sig);
    if (saved_valid || nm != gmask)
        sig_set_mask(nm);
    if (a->flags & G_SA_RESETHAND) {
        memset(a, 0, sizeof(*a));
        host_apply_action(sig);
    }
    return true;
}

/* Deliver one signal; returns true if a frame was set up. */
static bool deliver_one(int sig, const uint8_t *info)
{
    uint64_t h = acts[sig].handler;
    if (h == G_SIG_IGN)
        return false;
    if (h == G_SIG_DFL) {
        if (default_ignored(sig))
            return false;
        if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
            kill(getpid(), SIGSTOP);
            return false;
        }
        sig_die(sig);
    }
    if (!setup_frame(sig, info)) {
        fault_desc = "cannot write the signal frame (bad stack)";
        sig_die(SIGSEGV);
    }
    return true;
}

void sig_deliver(void)
{
    collect_host();
    uint64_t p = pending & ~gmask;
    while (p) {
        int sig = __builtin_ctzll(p) + 1;
        pending &= ~BIT(sig);
        uint8_t info[SI_SIZE];
        memcpy(info, pinfo[sig], SI_SIZE);
        deliver_one(sig, info);
        collect_host();
        p = pending & ~gmask;
    }
    if (saved_valid) {
        saved_valid = false;
        sig_set_mask(saved_mask);
    }
}

void sig_force(int sig, int code, uint64_t addr, const char *desc)
{
    uint8_t info[SI_SIZE] = { 0 };
    int32_t h[3] = { sig, 0, code };
    memcpy(info, h, sizeof(h));
    memcpy(info + 16, &addr, 8);
    uint64_t hd = acts[sig].handler;
    if (hd == G_SIG_DFL || hd == G_SIG_IGN || (gmask & BIT(sig))) {
        snprintf(fault_buf, sizeof(fault_buf), "%s", desc);
        fault_desc = fault_buf;
        sig_die(sig);
    }
    if (!setup_frame(sig, info)) {
        snprintf(fault_buf, sizeof(fault_buf), "%s (and the signal frame could not be written)", desc);
        fault_desc = fault_buf;
        sig_die(SIGSEGV);
    }
}

/* ---- syscalls ------------------------------------------------------------ */

int64_t sys_rt_sigaction(int sig, uint64_t act, uint64_t oact, uint64_t sigsetsize)
{
    if (sigsetsize != 8)
        return -EINVAL;
    if (sig < 1 || sig > G_NSIG)
        return -EINVAL;
    struct g_sigaction na;
    if (act) {
        if (sig == SIGKILL || sig == SIGSTOP)
            return -EINVAL;
        int r = copy_from_guest(&na, act, sizeof(na));
        if (r < 0)
            return r;
    }
    if (oact) {
        int r = copy_to_guest(oact, &acts[sig], sizeof(acts[sig]));
        if (r < 0)
            return r;
    }
    if (act) {
        na.mask &= ~UNBLOCKABLE;
        acts[sig] = na;
        host_apply_action(sig);
        /* Setting SIG_IGN discards a pending instance. */
        if (na.handler == G_SIG_IGN || (na.handler == G_SIG_DFL && default_ignored(sig)))
            pending &= ~BIT(sig);
    }
    return 0;
}

int64_t sys_rt_sigprocmask(int how, uint64_t set, uint64_t oset, uint64_t sigsetsize)
{
    if (sigsetsize != 8)
        return -EINVAL;
    uint64_t old = gmask, s = 0;
    if (set) {
        int r = copy_from_guest(&s, set, 8);
        if (r < 0)
            return r;
        if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
            return -EINVAL;
    }
    if (oset) {
        int r = copy_to_guest(oset, &old, 8);
        if (r < 0)
            return r;
    }
    if (set) {
        uint64_t n = how == SIG_BLOCK ? old | s : how == SIG_UNBLOCK ? old & ~s : s;
        if (n != gmask)
            sig_set_mask(n);
    }
    return 0;
}

int64_t sys_rt_sigreturn(void)
{
    struct cpu *c = tcpu;
    uint64_t fsp = c->x[REG_SP];
    uint8_t f[FRAME_SIZE];
    if ((fsp & 15) || copy_from_guest(f, fsp, FRAME_SIZE) < 0) {
        fault_desc = "rt_sigreturn with a bad frame";
        sig_die(SIGSEGV);
    }
    for (int i = 0; i < 31; i++)
        c->x[i] = get64(f, MC_REGS + 8 * (unsigned)i);
    c->x[REG_SP] = get64(f, MC_SP);
    c->pc = get64(f, MC_PC);
    c->nzcv = (uint32_t)get64(f, MC_PSTATE) & 0xf0000000u;
    for (unsigned r = MC_RESERVED; r + 8 <= FRAME_SIZE;) {
        uint32_t magic = get32(f, r), size = get32(f, r + 4);
        if (magic == 0 || size < 8 || r + size > FRAME_SIZE)
            break;
        if (magic == FPSIMD_MAGIC && size >= FPSIMD_SIZE) {
            c->fpsr = get32(f, r + 8);
            c->fpcr = get32(f, r + 12);
            memcpy(c->v, f + r + 16, 512);
        }
        r += size;
    }
    sig_set_mask(get64(f, UC_SIGMASK));
    /* restore_altstack(): like sigaltstack() from the frame, errors ignored. */
    uint64_t ss_sp = get64(f, UC_STACK), ss_size = get64(f, UC_STACK + 16);
    uint32_t ss_flags = get32(f, UC_STACK + 8);
    if (!on_altstack(c->x[REG_SP])) {
        if (ss_flags & G_SS_DISABLE) {
            altstack.sp = altstack.size = 0;
            altstack.flags = G_SS_DISABLE;
        } else if (ss_size >= G_MINSIGSTKSZ) {
            altstack.sp = ss_sp;
            altstack.size = ss_size;
            altstack.flags = ss_flags & G_SS_AUTODISARM;
        }
    }
    return (int64_t)c->x[0];
}

int64_t sys_sigaltstack(uint64_t ss, uint64_t oss)
{
    uint64_t sp = tcpu->x[REG_SP];
    if (oss) {
        uint8_t o[24] = { 0 };
        uint32_t fl = on_altstack(sp) ? G_SS_ONSTACK : altstack.size ? altstack.flags : G_SS_DISABLE;
        memcpy(o, &altstack.sp, 8);
        memcpy(o + 8, &fl, 4);
        memcpy(o + 16, &altstack.size, 8);
        int r = copy_to_guest(oss, o, 24);
        if (r < 0)
            return r;
    }
    if (ss) {
        uint8_t n[24];
        int r = copy_from_guest(n, ss, 24);
        if (r < 0)
            return r;
        if (on_altstack(sp))
            return -EPERM;
        uint64_t nsp = get64(n, 0), nsize = get64(n, 16);
        uint32_t fl = get32(n, 8);
        uint32_t mode = fl & ~G_SS_AUTODISARM;
        if (mode != 0 && mode != G_SS_DISABLE && mode != G_SS_ONSTACK)
            return -EINVAL;
        if (mode == G_SS_DISABLE) {
            altstack.sp = altstack.size = 0;
            altstack.flags = G_SS_DISABLE;
        } else {
            if (nsize < G_MINSIGSTKSZ)
                return -ENOMEM;
            altstack.sp = nsp;
            altstack.size = nsize;
            altstack.flags = fl & G_SS_AUTODISARM;
        }
    }
    return 0;
}

int64_t sys_rt_sigpending(uint64_t set, uint64_t size)
{
    if (size != 8)
        return -EINVAL;
    collect_host();
    sigset_t hs;
    sigpending(&hs);
    uint64_t p = pending;
    for (int sig = 1; sig <= G_NSIG; sig++)
        if (host_mirrorable(sig) && sigismember(&hs, sig) == 1)
            p |= BIT(sig);
    p &= gmask;
    return copy_to_guest(set, &p, 8);
}

int64_t sys_rt_sigsuspend(uint64_t set, uint64_t size)
{
    if (size != 8)
        return -EINVAL;
    uint64_t s;
    int r = copy_from_guest(&s, set, 8);
    if (r < 0)
        return r;
    saved_mask = gmask;
    saved_valid = true;
    gmask = s & ~UNBLOCKABLE;
    if (!sig_pending()) {
        sigset_t hs;
        sigemptyset(&hs);
        for (int sig = 1; sig <= G_NSIG; sig++)
            if ((gmask & BIT(sig)) && host_mirrorable(sig))
                sigaddset(&hs, sig);
        sigsuspend(&hs);
        host_apply_mask();
    }
    return -EINTR;
}

int64_t sys_rt_sigtimedwait(uint64_t set, uint64_t info, uint64_t ts, uint64_t size)
{
    if (size != 8)
        return -EINVAL;
    uint64_t s;
    int r = copy_from_guest(&s, set, 8);
    if (r < 0)
        return r;
    s &= ~UNBLOCKABLE;
    collect_host();
    if (pending & s) {
        int sig = __builtin_ctzll(pending & s) + 1;
        pending &= ~BIT(sig);
        if (info && (r = copy_to_guest(info, pinfo[sig], SI_SIZE)) < 0)
            return r;
        return sig;
    }
    sigset_t hs;
    sigemptyset(&hs);
    for (int sig = 1; sig <= G_NSIG; sig++)
        if ((s & BIT(sig)) && host_mirrorable(sig))
            sigaddset(&hs, sig);
    struct timespec t, *tp = NULL;
    if (ts) {
        if ((r = copy_from_guest(&t, ts, sizeof(t))) < 0)
            return r;
        tp = &t;
    }
    siginfo_t si;
    int sig = sigtimedwait(&hs, &si, tp);
    if (sig < 0)
        return -errno;
    if (info && (r = copy_to_guest(info, &si, SI_SIZE)) < 0)
        return r;
    return sig;
}

int64_t sys_kill_self(int sig)
{
    if (sig < 0 || sig > G_NSIG)
        return -EINVAL;
    if (sig == 0)
        return 0;
    if (sig == SIGKILL || sig == SIGSTOP) {
        fflush(stdout);
        kill(getpid(), sig);
        return 0;
    }
    sig_queue(sig, NULL);
    return 0;
}
