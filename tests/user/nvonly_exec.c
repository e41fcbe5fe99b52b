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

int main(int argc, char **argv, char **envp)
{
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
