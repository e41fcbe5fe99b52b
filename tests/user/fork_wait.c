/* fork + wait (exit status and death by signal), pipes between processes, execve of ourselves. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) {
        printf("exec'd child says %s\n", argc > 2 ? argv[2] : "?");
        return 7;
    }
    fflush(stdout);
    pid_t p = fork();
    if (p == 0) {
        printf("in child\n");
        exit(3);
    }
    int st;
    waitpid(p, &st, 0);
    printf("child exited=%d status=%d\n", WIFEXITED(st), WEXITSTATUS(st));

    p = fork();
    if (p == 0) {
        *(volatile int *)8 = 0; /* SIGSEGV with no handler */
        _exit(0);
    }
    waitpid(p, &st, 0);
    printf("child signaled=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));

    int fds[2];
    pipe(fds);
    p = fork();
    if (p == 0) {
        close(fds[0]);
        for (int i = 0; i < 5; i++)
            dprintf(fds[1], "msg %d\n", i);
        _exit(0);
    }
    close(fds[1]);
    char buf[256];
    ssize_t n, tot = 0;
    while ((n = read(fds[0], buf + tot, sizeof(buf) - 1 - tot)) > 0)
        tot += n;
    buf[tot] = 0;
    waitpid(p, &st, 0);
    printf("from pipe:\n%s", buf);

    /* qemu-aarch64 cannot exec an aarch64 program without binfmt_misc, so the
     * exec part only runs with the "exec" argument (nestvm-only check). */
    if (argc < 2 || strcmp(argv[1], "exec"))
        return 0;
    fflush(stdout);
    p = fork();
    if (p == 0) {
        char *av[] = { argv[0], "child", "hi", NULL };
        execv("/proc/self/exe", av);
        perror("execv");
        _exit(99);
    }
    waitpid(p, &st, 0);
    printf("exec child status=%d\n", WEXITSTATUS(st));
    return 0;
}
