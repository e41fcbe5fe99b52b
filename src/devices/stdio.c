/* Host stdio for console devices.  The terminal goes raw (no echo, no line
 * editing, but ISIG kept so ^C still stops nestvm) and is restored at close
 * and at exit. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "devices/stdio.h"

struct stdio_port {
    size_t (*rx)(void *opaque, const uint8_t *buf, size_t n);
    void *opaque;
    pthread_t reader;
    bool reader_started;
    int stop_pipe[2];   /* written on close: the reader thread ends */
};

static struct termios saved_tio;
static bool tio_saved;

static void restore_tty(void)
{
    if (tio_saved)
        tcsetattr(0, TCSANOW, &saved_tio);
}

void stdio_write(const void *buf, size_t n)
{
    const char *p = buf;
    while (n) {
        ssize_t w = write(1, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void *reader(void *arg)
{
    struct stdio_port *s = arg;
    struct pollfd fds[2] = { { .fd = 0, .events = POLLIN }, { .fd = s->stop_pipe[0], .events = POLLIN } };
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        if (fds[1].revents)
            return NULL;
        uint8_t buf[64];
        ssize_t n = read(0, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            return NULL;
        size_t done = 0;
        while (done < (size_t)n) {
            done += s->rx(s->opaque, buf + done, (size_t)n - done);
            /* Guest not draining: wait (never drop input), unless stopping. */
            if (done < (size_t)n && poll(&fds[1], 1, 1) > 0)
                return NULL;
        }
    }
}

struct stdio_port *stdio_open(size_t (*rx)(void *opaque, const uint8_t *buf, size_t n), void *opaque)
{
    struct stdio_port *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->rx = rx;
    s->opaque = opaque;
    if (isatty(0) && tcgetattr(0, &saved_tio) == 0) {
        struct termios t = saved_tio;
        t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN);   /* keep ISIG: ^C stops nestvm */
        t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IXON);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        if (!tio_saved)
            atexit(restore_tty);
        tio_saved = true;
        tcsetattr(0, TCSANOW, &t);
    }
    if (pipe2(s->stop_pipe, O_CLOEXEC) == 0)
        s->reader_started = pthread_create(&s->reader, NULL, reader, s) == 0;
    else
        s->stop_pipe[0] = s->stop_pipe[1] = -1;
    return s;
}

void stdio_close(struct stdio_port *s)
{
    if (!s)
        return;
    restore_tty();
    if (s->reader_started) {
        char x = 0;
        ssize_t n = write(s->stop_pipe[1], &x, 1);
        (void)n;
        pthread_join(s->reader, NULL);
    }
    if (s->stop_pipe[0] >= 0) {
        close(s->stop_pipe[0]);
        close(s->stop_pipe[1]);
    }
    free(s);
}
