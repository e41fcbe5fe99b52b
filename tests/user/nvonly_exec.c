/* Freestanding execve: re-exec ourselves (directly and through a #! script),
 * close-on-exec descriptors, and fork+exec+wait.  qemu-aarch64 cannot exec
 * an aarch64 program without binfmt_misc, so the script checks this one
 * under nestvm-user only (expected output in the comments). */
#include "nolibc.h"

#define NR_pipe2 59
#define NR_fcntl 25
#define O_CLOEXEC 02000000

static void line(const char *k, long v)
{
    puts_(k);
    puts_("=");
    puti(v);
    puts_("\n");
}

long spawn(unsigned long flags, void *stack, int *ptid, unsigned long tls, int *ctid, void (*fn)(void *), void *arg);
__asm__(".text\n.global spawn\nspawn:\n"
        " stp x5, x6, [x1, #-16]!\n"
        " mov x8, #220\n svc #0\n"
        " cbz x0, 1f\n ret\n"
        "1: ldp x5, x0, [sp], #16\n blr x5\n"
        " mov x0, #0\n mov x8, #93\n svc #0\n");
static char stacks[2][65536] __attribute__((aligned(16)));
static int futex_word, tids[2];
static void blocker(void *arg)
{
    (void)arg;
    for (;;)
        sys6(98, &futex_word, 0, 0, 0, 0, 0); /* FUTEX_WAIT forever */
}
static void spinner(void *arg)
{
    volatile unsigned long *n = arg;
    for (;;)
        (*n)++;
}
static volatile unsigned long spins;

int main(int argc, char **argv, char **envp)
{
    if (argc >= 2 && streq(argv[1], "stage3")) {
        puts_("stage3 after multithreaded execve\n");
        return 13;
    }
    if (argc >= 2 && streq(argv[1], "mtexec")) {
        unsigned long fl = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x100000;
        spawn(fl, stacks[0] + 65536, &tids[0], 0, 0, blocker, 0);
        spawn(fl, stacks[1] + 65536, &tids[1], 0, 0, spinner, (void *)&spins);
        while (spins < 1000)
            ;
        char *av[] = { argv[0], "stage3", 0 };
        sys3(NR_execve, argv[0], av, envp);
        puts_("execve failed\n");
        return 1;
    }
    if (argc >= 2 && streq(argv[1], "stage2")) {
        /* fds 3/4 were a pipe: 3 close-on-exec, 4 inherited */
        line("stage2 cloexec fd closed", sys3(NR_fcntl, 3, 1, 0) == -9);
        line("stage2 plain fd open", sys3(NR_fcntl, 4, 1, 0) >= 0);
        return 11;
    }
    if (argc >= 2 && streq(argv[1], "child")) {
        puts_("child argv: ");
        for (int i = 0; i < argc; i++) {
            puts_(argv[i]);
            puts_(i + 1 < argc ? " " : "\n");
        }
        return 12;
    }
    if (argc >= 3 && streq(argv[2], "script")) {
        /* run as "nl_exec SCRIPT script": exec the #! script */
        char *av[] = { argv[1], "scriptarg", 0 };
        long r = sys3(NR_execve, argv[1], av, envp);
        line("script execve failed", r);
        return 1;
    }
    int p[2];
    sys2(NR_pipe2, p, 0);
    sys3(NR_fcntl, p[0], 2 /* F_SETFD */, 1);
    line("pipe fds", p[0] * 10 + p[1]);
    long pid = sys6(NR_clone, 17, 0, 0, 0, 0, 0);
    if (pid == 0) {
        char *av[] = { argv[0], "child", "x y", 0 };
        sys3(NR_execve, argv[0], av, envp);
        exit_(99);
    }
    int st = 0;
    sys4(NR_wait4, pid, &st, 0, 0);
    line("child status", (st >> 8) & 0xff);
    line("exec missing file", sys3(NR_execve, "/nonexistent/prog", argv, envp));
    char *av[] = { argv[0], "stage2", 0 };
    sys3(NR_execve, argv[0], av, envp);
    puts_("execve failed\n");
    return 1;
}
