/* Host-originated signals: a timer interrupting a blocking read (EINTR
 * without SA_RESTART, restarted with it), a signal from another process
 * arriving while the guest spins in pure computation, and finally SIGINT with
 * the default action (exit status 130). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t alarms, usr1;
static void on_alarm(int s) { (void)s; alarms++; }
static void on_usr1(int s) { (void)s; usr1 = 1; }

static void arm(int ms)
{
    struct itimerval it = { { 0, 0 }, { 0, ms * 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int p[2];
    pipe(p);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    arm(50);
    char buf[32];
    ssize_t n = read(p[0], buf, sizeof(buf));
    printf("read without SA_RESTART: %zd %s alarms=%d\n", n, n < 0 && errno == EINTR ? "EINTR" : "?", (int)alarms);

    sa.sa_flags = SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    pid_t c = fork();
    if (c == 0) {
        usleep(300000);
        write(p[1], "late data", 9);
        _exit(0);
    }
    arm(50);
    n = read(p[0], buf, sizeof(buf));
    printf("read with SA_RESTART: %zd [%.*s] alarms=%d\n", n, (int)(n > 0 ? n : 0), buf, (int)alarms);
    waitpid(c, NULL, 0);

    signal(SIGUSR1, on_usr1);
    c = fork();
    if (c == 0) {
        usleep(100000);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    volatile unsigned long spin = 0;
    while (!usr1)
        spin++;
    printf("SIGUSR1 while computing: %d\n", (int)usr1);
    waitpid(c, NULL, 0);

    c = fork();
    if (c == 0) {
        usleep(100000);
        kill(getppid(), SIGINT);
        _exit(0);
    }
    for (;;)
        spin++;
}
