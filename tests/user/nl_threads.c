/* Freestanding threads: raw clone(CLONE_VM|CLONE_THREAD...) with
 * CLONE_SETTLS/PARENT_SETTID/CHILD_CLEARTID, atomic counters, futex wait for
 * thread exit, and concurrent mmap/munmap (TLB shootdown). */
#include "nolibc.h"

#define NR_futex 98
#define NR_gettid 178
#define NR_exit 93
#define NT 4
#define ITER 20000

long spawn(unsigned long flags, void *stack, int *ptid, unsigned long tls, int *ctid, void (*fn)(void *), void *arg);
__asm__(".text\n.global spawn\nspawn:\n"
        " stp x5, x6, [x1, #-16]!\n"
        " mov x8, #220\n svc #0\n"
        " cbz x0, 1f\n ret\n"
        "1: ldp x5, x0, [sp], #16\n blr x5\n"
        " mov x0, #0\n mov x8, #93\n svc #0\n");

static volatile long counter;
static volatile long maps_ok;
static int ptids[NT], ctids[NT];
static char stacks[NT][65536] __attribute__((aligned(16)));
static unsigned long tls_seen[NT];

static void add(volatile long *p, long v)
{
    __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

static void worker(void *arg)
{
    long id = (long)arg;
    unsigned long tp;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tp));
    tls_seen[id] = tp;
    for (int i = 0; i < ITER; i++) {
        add(&counter, 1);
        if (i % 2000 == 0) {
            char *m = (char *)sys6(NR_mmap, 0, 8192, 3, 0x22, -1, 0);
            if ((long)m > 0) {
                m[0] = (char)id;
                m[8191] = 1;
                if (m[0] == (char)id)
                    add(&maps_ok, 1);
                sys2(NR_munmap, m, 8192);
            }
        }
    }
}

int main(int argc, char **argv, char **envp)
{
    (void)argc, (void)argv, (void)envp;
    unsigned long flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000;
    for (long i = 0; i < NT; i++) {
        ctids[i] = -1;
        long tid = spawn(flags, stacks[i] + sizeof(stacks[i]), &ptids[i], 0x1000 + (unsigned long)i, &ctids[i], worker,
                         (void *)i);
        if (tid <= 0) {
            puts_("clone failed ");
            puti(tid);
            puts_("\n");
            return 1;
        }
        if (tid != ptids[i])
            puts_("ptid mismatch\n");
    }
    for (int i = 0; i < NT; i++) {
        int v;
        while ((v = __atomic_load_n(&ctids[i], __ATOMIC_SEQ_CST)) != 0)
            sys6(NR_futex, &ctids[i], 0 /* FUTEX_WAIT */, v, 0, 0, 0);
    }
    puts_("counter=");
    putu((unsigned long)counter);
    puts_(" maps=");
    putu((unsigned long)maps_ok);
    puts_("\ntls:");
    for (int i = 0; i < NT; i++) {
        puts_(" ");
        putx(tls_seen[i]);
    }
    puts_("\n");
    return 0;
}
