/* Guest threads: clone(CLONE_VM|CLONE_THREAD) runs the new guest thread on
 * its own host thread with its own struct cpu (and so its own TLB and block
 * cache).  Guest thread ids are host thread ids.
 *
 * TLB shootdown: a change to the address space bumps a global epoch and asks
 * every other CPU to leave its run loop; each thread flushes its TLB at the
 * top of the loop and acknowledges the epoch.  Host memory removed from the
 * guest is released only when every live thread has acknowledged (mm.c).
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/futex.h>

#include "user.h"

struct thr {
    struct cpu *cpu;
    pid_t tid;
    uint64_t acked;
    uint64_t gen;
    struct thr *next;
};

static pthread_mutex_t thr_mu = PTHREAD_MUTEX_INITIALIZER;
static struct thr *threads;
static int nthreads;
static uint64_t epoch, code_epoch;
static __thread struct thr *self;
/* execve ends every other thread: threads of an older generation leave as
 * soon as they notice (top of the run loop, or when their syscall returns). */
static uint64_t exec_gen;
static __thread uint64_t my_gen;

__thread struct cpu *tcpu;
__thread uint64_t t_clear_child_tid;

static void add_self(struct cpu *c)
{
    struct thr *t = calloc(1, sizeof(*t));
    if (!t) {
        fprintf(stderr, "nestvm-user: out of memory (threads)\n");
        exit(1);
    }
    t->cpu = c;
    t->tid = (pid_t)syscall(SYS_gettid);
    pthread_mutex_lock(&thr_mu);
    t->acked = epoch;
    t->gen = my_gen;
    t->next = threads;
    threads = t;
    nthreads++;
    pthread_mutex_unlock(&thr_mu);
    self = t;
}

void thread_init_main(void)
{
    add_self(tcpu);
}

void thread_set_cpu(struct cpu *c)
{
    pthread_mutex_lock(&thr_mu);
    if (self)
        self->cpu = c;
    pthread_mutex_unlock(&thr_mu);
}

int thread_count(void)
{
    return __atomic_load_n(&nthreads, __ATOMIC_ACQUIRE);
}

uint64_t thread_shootdown(bool code)
{
    pthread_mutex_lock(&thr_mu);
    uint64_t e = ++epoch;
    if (code)
        code_epoch = e;
    for (struct thr *t = threads; t; t = t->next) {
        if (t == self)
            t->acked = e;
        else
            cpu_request_exit(t->cpu);
    }
    pthread_mutex_unlock(&thr_mu);
    return e;
}

void thread_sync(void)
{
    if (!self)
        return;
    uint64_t e = __atomic_load_n(&epoch, __ATOMIC_ACQUIRE);
    if (self->acked == e)
        return;
    pthread_mutex_lock(&thr_mu);
    e = epoch;
    cpu_tlb_flush(tcpu);
    if (code_epoch > self->acked)
        cpu_code_invalidate_all(tcpu);
    self->acked = e;
    pthread_mutex_unlock(&thr_mu);
    mm_reclaim();
}

uint64_t thread_min_acked(void)
{
    pthread_mutex_lock(&thr_mu);
    uint64_t m = epoch;
    for (struct thr *t = threads; t; t = t->next)
        if (t->acked < m)
            m = t->acked;
    pthread_mutex_unlock(&thr_mu);
    return m;
}

void thread_after_fork_child(void)
{
    pthread_mutex_init(&thr_mu, NULL);
    struct thr *keep = self;
    for (struct thr *t = threads, *n; t; t = n) {
        n = t->next;
        if (t != keep)
            free(t);
    }
    if (keep) {
        keep->next = NULL;
        keep->tid = (pid_t)syscall(SYS_gettid);
        keep->acked = epoch;
    }
    threads = keep;
    nthreads = keep ? 1 : 0;
}

struct tstart {
    struct cpu *cpu;
    uint64_t flags, ctid, mask;
    pid_t tid;
    sem_t ready;
};

#define G_CLONE_SETTLS 0x00080000
#define G_CLONE_PARENT_SETTID 0x00100000
#define G_CLONE_CHILD_CLEARTID 0x00200000
#define G_CLONE_CHILD_SETTID 0x01000000

static void *thread_main(void *arg)
{
    struct tstart *ts = arg;
    my_gen = __atomic_load_n(&exec_gen, __ATOMIC_ACQUIRE);
    tcpu = ts->cpu;
    add_self(tcpu);
    pid_t tid = self->tid;
    ts->tid = tid;
    if (ts->flags & G_CLONE_CHILD_CLEARTID)
        t_clear_child_tid = ts->ctid;
    if (ts->flags & G_CLONE_CHILD_SETTID) {
        int32_t t32 = tid;
        copy_to_guest(ts->ctid, &t32, 4);
    }
    uint64_t mask = ts->mask;
    sem_post(&ts->ready); /* ts is gone after this */
    sig_thread_init(mask);
    run_loop();
}

int64_t thread_create(struct cpu *parent, uint64_t flags, uint64_t newsp, uint64_t ptid, uint64_t tls, uint64_t ctid)
{
    struct cpu *c = proc_new_cpu();
    memcpy(c->x, parent->x, sizeof(c->x));
    memcpy(c->v, parent->v, sizeof(c->v));
    c->pc = parent->pc;
    c->nzcv = parent->nzcv;
    c->fpcr = parent->fpcr;
    c->fpsr = parent->fpsr;
    c->tpidr_el0 = parent->tpidr_el0;
    c->tpidrro_el0 = parent->tpidrro_el0;
    c->x[0] = 0;
    if (newsp)
        c->x[REG_SP] = newsp;
    if (flags & G_CLONE_SETTLS)
        c->tpidr_el0 = tls;
    struct tstart ts = { .cpu = c, .flags = flags, .ctid = ctid, .mask = sig_get_mask() };
    sem_init(&ts.ready, 0, 0);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 1u << 20);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t th;
    int e = pthread_create(&th, &attr, thread_main, &ts);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (e) {
        cpu_free(c);
        sem_destroy(&ts.ready);
        return -EAGAIN;
    }
    while (sem_wait(&ts.ready) < 0 && errno == EINTR)
        ;
    sem_destroy(&ts.ready);
    if (flags & G_CLONE_PARENT_SETTID) {
        int32_t t32 = ts.tid;
        copy_to_guest(ptid, &t32, 4);
    }
    return ts.tid;
}

_Noreturn void thread_exit(int code)
{
    /* Last thread of the current image (threads left over from before an
     * execve, still blocked in the host, do not count)? */
    pthread_mutex_lock(&thr_mu);
    int live = 0;
    for (struct thr *t = threads; t; t = t->next)
        if (t->gen == my_gen)
            live++;
    bool last = live <= 1;
    pthread_mutex_unlock(&thr_mu);
    if (last) {
        fflush(stdout);
        fflush(stderr);
        _exit(code);
    }
    if (t_clear_child_tid) {
        int32_t zero = 0;
        struct iovec iov;
        if (copy_to_guest(t_clear_child_tid, &zero, 4) == 0 && mm_iov(t_clear_child_tid, 4, GP_W, &iov, 1) == 1)
            syscall(SYS_futex, iov.iov_base, FUTEX_WAKE, 1, NULL, NULL, 0);
    }
    pthread_mutex_lock(&thr_mu);
    for (struct thr **pp = &threads; *pp; pp = &(*pp)->next)
        if (*pp == self) {
            *pp = self->next;
            break;
        }
    nthreads--;
    last = nthreads == 0;
    pthread_mutex_unlock(&thr_mu);
    free(self);
    self = NULL;
    cpu_free(tcpu);
    tcpu = NULL;
    mm_reclaim();
    if (last)
        _exit(code);
    pthread_exit(NULL);
}

static _Noreturn void thread_die(void)
{
    pthread_mutex_lock(&thr_mu);
    for (struct thr **pp = &threads; *pp; pp = &(*pp)->next)
        if (*pp == self) {
            *pp = self->next;
            break;
        }
    nthreads--;
    pthread_mutex_unlock(&thr_mu);
    free(self);
    self = NULL;
    cpu_free(tcpu);
    tcpu = NULL;
    mm_reclaim();
    pthread_exit(NULL);
}

void thread_check_exec(void)
{
    if (__atomic_load_n(&exec_gen, __ATOMIC_ACQUIRE) != my_gen)
        thread_die();
}

void thread_exec_begin(void)
{
    if (thread_count() <= 1)
        return;
    my_gen = __atomic_add_fetch(&exec_gen, 1, __ATOMIC_ACQ_REL);
    pthread_mutex_lock(&thr_mu);
    if (self)
        self->gen = my_gen;
    for (struct thr *t = threads; t; t = t->next)
        if (t != self)
            cpu_request_exit(t->cpu);
    pthread_mutex_unlock(&thr_mu);
    /* Threads running guest code leave at once; one blocked in a host syscall
     * leaves when it returns (its host memory is kept until then). */
    for (int i = 0; i < 200 && thread_count() > 1; i++)
        usleep(1000);
}
