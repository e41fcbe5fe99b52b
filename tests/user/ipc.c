/* Sockets and descriptors: socketpair with sendmsg/recvmsg passing a file
 * descriptor (SCM_RIGHTS), poll/select/epoll on pipes, POSIX timers with a
 * signal, timerfd and eventfd. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <stdint.h>

static volatile sig_atomic_t timer_hits;
static void on_rt(int s, siginfo_t *si, void *u)
{
    (void)s, (void)u;
    if (si->si_code == SI_TIMER && si->si_value.sival_int == 77)
        timer_hits++;
}

int main(void)
{
    int sv[2];
    printf("socketpair=%d\n", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    int p[2];
    pipe(p);
    write(p[1], "via passed fd", 13);
    char payload[] = "hello";
    struct iovec io = { payload, 5 };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } cm;
    memset(&cm, 0, sizeof(cm));
    struct msghdr mh = { 0 };
    mh.msg_iov = &io;
    mh.msg_iovlen = 1;
    mh.msg_control = cm.buf;
    mh.msg_controllen = sizeof(cm.buf);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &p[0], sizeof(int));
    printf("sendmsg=%zd\n", sendmsg(sv[0], &mh, 0));
    char rbuf[16] = { 0 };
    struct iovec rio = { rbuf, sizeof(rbuf) };
    union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } rcm;
    struct msghdr rh = { 0 };
    rh.msg_iov = &rio;
    rh.msg_iovlen = 1;
    rh.msg_control = rcm.buf;
    rh.msg_controllen = sizeof(rcm.buf);
    ssize_t n = recvmsg(sv[1], &rh, 0);
    struct cmsghdr *rc = CMSG_FIRSTHDR(&rh);
    int got = -1;
    if (rc && rc->cmsg_type == SCM_RIGHTS)
        memcpy(&got, CMSG_DATA(rc), sizeof(int));
    char fbuf[32] = { 0 };
    ssize_t fn = got >= 0 ? read(got, fbuf, sizeof(fbuf)) : -1;
    printf("recvmsg=%zd [%s] passed fd works=%d [%.*s]\n", n, rbuf, got >= 0 && got != p[0], (int)(fn > 0 ? fn : 0), fbuf);
    send(sv[1], "back", 4, 0);
    memset(rbuf, 0, sizeof(rbuf));
    printf("recv=%zd [%s]\n", recv(sv[0], rbuf, sizeof(rbuf), 0), rbuf);

    struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
    printf("poll=%d in=%d out=%d\n", poll(pf, 2, 0), !!(pf[0].revents & POLLIN), !!(pf[1].revents & POLLOUT));
    write(p[1], "x", 1);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(p[0], &rs);
    struct timeval tv = { 1, 0 };
    printf("select=%d set=%d\n", select(p[0] + 1, &rs, NULL, NULL, &tv), FD_ISSET(p[0], &rs));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0x1122334455667788ull };
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    struct epoll_event out[4];
    int k = epoll_wait(ep, out, 4, 1000);
    printf("epoll=%d data ok=%d in=%d\n", k, k == 1 && out[0].data.u64 == 0x1122334455667788ull, k == 1 && (out[0].events & EPOLLIN));

    int efd = eventfd(5, 0);
    uint64_t ev64 = 0;
    read(efd, &ev64, 8);
    printf("eventfd=%llu\n", (unsigned long long)ev64);

    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = { { 0, 0 }, { 0, 20000000 } };
    timerfd_settime(tfd, 0, &its, NULL);
    uint64_t exp = 0;
    read(tfd, &exp, 8);
    printf("timerfd expirations=%llu\n", (unsigned long long)exp);

    struct sigaction sa = { 0 };
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGRTMIN + 1, &sa, NULL);
    struct sigevent se = { 0 };
    se.sigev_notify = SIGEV_SIGNAL;
    se.sigev_signo = SIGRTMIN + 1;
    se.sigev_value.sival_int = 77;
    timer_t t;
    printf("timer_create=%d\n", timer_create(CLOCK_MONOTONIC, &se, &t));
    struct itimerspec ts = { { 0, 0 }, { 0, 20000000 } };
    timer_settime(t, 0, &ts, NULL);
    while (!timer_hits)
        pause();
    printf("timer signal hits=%d\n", (int)timer_hits);
    timer_delete(t);
    return 0;
}
