/* Freestanding: syscalls given bad guest pointers must fail (EFAULT) and
 * never hurt the emulator.  Prints each syscall's result. */
#include "nolibc.h"

static void show(const char *name, long r)
{
    puts_(name);
    puts_(" ");
    puti(r);
    puts_("\n");
}

int main(int argc, char **argv, char **envp)
{
    (void)argc, (void)argv, (void)envp;
    char *ro = (char *)sys6(NR_mmap, 0, 8192, 1, 0x22, -1, 0);       /* read-only */
    char *none = (char *)sys6(NR_mmap, 0, 4096, 0, 0x22, -1, 0);     /* PROT_NONE */
    char *rw = (char *)sys6(NR_mmap, 0, 8192, 3, 0x22, -1, 0);
    sys2(NR_munmap, rw + 4096, 4096);                                /* rw page, then a hole */
    unsigned long bad[] = { 16, 0xdead0000ul, 0x7ffffffffffff000ul, 0xffff000000000000ul, (unsigned long)none };
    const char *names[] = { "low", "unmapped", "top", "kernel", "protnone" };
    for (int i = 0; i < 5; i++) {
        unsigned long b = bad[i];
        puts_("-- ");
        puts_(names[i]);
        puts_("\n");
        show("read", sys3(63, 0, b, 16));
        show("write", sys3(64, 1, b, 16));
        show("readv", sys3(65, 0, b, 1));
        show("writev", sys3(66, 1, b, 1));
        show("openat", sys4(56, -100, b, 0, 0));
        show("fstat", sys2(80, 1, b));
        show("newfstatat-path", sys4(79, -100, b, rw, 0));
        show("newfstatat-buf", sys4(79, -100, "/", b, 0));
        show("statx", sys6(291, -100, "/", 0, 0x7ff, b, 0));
        show("readlinkat", sys4(78, -100, "/proc/self/exe", b, 64));
        show("pipe2", sys2(59, b, 0));
        show("getcwd", sys2(17, b, 256));
        show("uname", sys1(160, b));
        show("clock_gettime", sys2(113, 0, b));
        show("nanosleep", sys2(101, b, 0));
        show("rt_sigaction", sys4(134, 10, b, 0, 8));
        show("rt_sigaction-old", sys4(134, 10, 0, b, 8));
        show("rt_sigprocmask", sys4(135, 0, b, 0, 8));
        show("sigaltstack", sys2(132, b, 0));
        show("prlimit64", sys4(261, 0, 7, 0, b));
        show("getrandom", sys3(278, b, 16, 0));
        show("sysinfo", sys1(179, b));
        show("sched_getaffinity", sys3(123, 0, 128, b));
        show("futex", sys6(98, b, 1, 1, 0, 0, 0));
        show("execve", sys3(221, b, 0, 0));
        show("ppoll", sys4(73, b, 1, 0, 0));
        show("getrusage", sys2(165, 0, b));
        show("getresuid", sys3(148, b, b, b));
        show("ioctl-TCGETS", sys3(29, 1, 0x5401, b));
        show("getdents64", sys3(61, 0, b, 4096));
    }
    puts_("-- read-only buffer\n");
    show("read-into-ro", sys3(63, 0, ro, 16));
    show("uname-into-ro", sys1(160, ro));
    puts_("-- spanning into a hole\n");
    show("uname-span", sys1(160, rw + 4096 - 100));
    show("write-span", sys3(64, 1, rw + 4096 - 4, 64));
    show("read-span", sys3(63, 0, rw + 4096 - 4, 64));
    puts_("-- memory syscalls with garbage\n");
    show("munmap-unaligned", sys2(NR_munmap, 0x1001, 4096));
    show("munmap-huge", sys2(NR_munmap, 0x1000, 0xfffffffffffff000ul));
    show("mprotect-hole", sys3(NR_mprotect, rw, 8192, 3));
    show("mprotect-unaligned", sys3(NR_mprotect, rw + 1, 4096, 1));
    show("mmap-len0", sys6(NR_mmap, 0, 0, 3, 0x22, -1, 0));
    show("mmap-fixed-kernel", sys6(NR_mmap, 0xffff000000000000ul, 4096, 3, 0x32, -1, 0));
    show("mmap-badfd", sys6(NR_mmap, 0, 4096, 1, 0x02, 999, 0));
    show("mremap-unmapped", sys6(216, 0xdead0000ul, 4096, 8192, 1, 0, 0));
    show("brk-kernel", sys1(NR_brk, 0xffff000000000000ul) > 0);
    puts_("survived\n");
    return 0;
}
