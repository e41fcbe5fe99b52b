/* virtio network device (virtio 1.2, 5.1) on user-mode networking (libslirp):
 * the guest is 10.0.2.15 on 10.0.2.0/24 behind a NAT at 10.0.2.2 with DHCP,
 * and a DNS forwarder at 10.0.2.3; hostfwd rules forward host ports in.
 *
 * libslirp is single-threaded, so one poll thread owns it: it polls slirp's
 * sockets and an eventfd that vCPU threads write when the guest posts
 * receive buffers or frames to send, and it runs slirp's timers.  Frames for
 * the guest that find no posted buffer wait in a small queue. */
#include <errno.h>
#include <poll.h>
#include <slirp/libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "devices/virtio.h"

#define VIRTIO_NET_F_MAC 5
#define HDR_LEN 12                  /* struct virtio_net_hdr with num_buffers (VERSION_1) */
#define MAX_FRAME 65536
#define PENDING_MAX 128
#define MAX_FWDS 16
#define MAX_POLL 256

enum { Q_RX = 0, Q_TX = 1 };

struct fwd {
    bool udp;
    struct in_addr host_addr, guest_addr;
    int host_port, guest_port;
};

struct stimer {
    SlirpTimerCb cb;
    void *opaque;
    int64_t expire_ms;      /* -1: not armed */
    struct stimer *next;
};

struct frame {
    size_t len;
    uint8_t data[];
};

struct vnet {
    struct virtio_dev *vd;
    Slirp *slirp;
    int evfd;
    pthread_t thread;
    bool thread_started;
    bool stop;              /* poll thread only reads it after an eventfd wake */
    struct stimer *timers;
    struct pollfd pfd[MAX_POLL];
    unsigned npfd;
    struct frame *pending[PENDING_MAX];
    unsigned pend_head, pend_count;
    struct virtq_elem rx_elem, tx_elem;
    uint8_t txbuf[MAX_FRAME];
};

/* ---- --net syntax: user[,hostfwd=PROTO:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT]... ---- */

static int parse_port(const char *s, size_t n)
{
    if (n == 0 || n > 5)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v >= 1 && v <= 65535 ? v : -1;
}

static bool parse_addr(const char *s, size_t n, struct in_addr *a, const char *dflt)
{
    char buf[32];
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = 0;
    return inet_pton(AF_INET, n ? buf : dflt, a) == 1;
}

/* "tcp:ADDR:PORT-ADDR:PORT" (addresses may be empty). */
static bool parse_hostfwd(const char *s, size_t len, struct fwd *f)
{
    const char *end = s + len;
    if (len > 4 && !strncmp(s, "tcp:", 4))
        f->udp = false;
    else if (len > 4 && !strncmp(s, "udp:", 4))
        f->udp = true;
    else
        return false;
    s += 4;
    const char *dash = memchr(s, '-', (size_t)(end - s));
    if (!dash)
        return false;
    const char *c1 = memchr(s, ':', (size_t)(dash - s));
    const char *c2 = memchr(dash + 1, ':', (size_t)(end - dash - 1));
    if (!c1 || !c2)
        return false;
    f->host_port = parse_port(c1 + 1, (size_t)(dash - c1 - 1));
    f->guest_port = parse_port(c2 + 1, (size_t)(end - c2 - 1));
    return f->host_port > 0 && f->guest_port > 0 && parse_addr(s, (size_t)(c1 - s), &f->host_addr, "0.0.0.0") &&
           parse_addr(dash + 1, (size_t)(c2 - dash - 1), &f->guest_addr, "10.0.2.15");
}

static int parse_spec(const char *spec, struct fwd *fwds, unsigned *nfwd)
{
    *nfwd = 0;
    const char *p = spec, *comma = strchr(p, ',');
    size_t n = comma ? (size_t)(comma - p) : strlen(p);
    if (n != 4 || strncmp(p, "user", 4)) {
        fprintf(stderr, "nestvm: --net: unknown network type in '%s' (expected user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...)\n",
                spec);
        return -1;
    }
    while (comma) {
        p = comma + 1;
        comma = strchr(p, ',');
        n = comma ? (size_t)(comma - p) : strlen(p);
        if (n > 8 && !strncmp(p, "hostfwd=", 8) && *nfwd < MAX_FWDS && parse_hostfwd(p + 8, n - 8, &fwds[*nfwd])) {
            (*nfwd)++;
            continue;
        }
        fprintf(stderr, "nestvm: --net: bad option '%.*s' in '%s' (expected hostfwd=tcp::HOSTPORT-:GUESTPORT)\n",
                (int)n, p, spec);
        return -1;
    }
    return 0;
}

/* Whether a host TCP/UDP port can be bound (so a busy one is bad input). */
static bool port_free(const struct fwd *f)
{
    int s = socket(AF_INET, (f->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (s < 0)
        return true;   /* let slirp report it */
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)f->host_port), .sin_addr = f->host_addr };
    bool ok = bind(s, (struct sockaddr *)&a, sizeof(a)) == 0;
    close(s);
    return ok;
}

int virtio_net_check(const char *spec)
{
    struct fwd fwds[MAX_FWDS];
    unsigned n;
    if (parse_spec(spec, fwds, &n) < 0)
        return -1;
    for (unsigned i = 0; i < n; i++)
        if (!port_free(&fwds[i])) {
            fprintf(stderr, "nestvm: --net: cannot forward host port %d: %s\n", fwds[i].host_port, strerror(errno));
            return -1;
        }
    return 0;
}

/* ---- guest side ---- */

/* A posted receive buffer; when there is none, ask the driver to notify us
 * at its next one (the event index would otherwise keep it quiet). */
static int pop_rx(struct virtio_dev *vd, struct virtq *vq, struct virtq_elem *e)
{
    int r = virtq_pop(vd, vq, e);
    if (r == 0 && virtq_enable_notify(vd, vq))
        r = virtq_pop(vd, vq, e);
    return r;
}

/* Give one frame to the guest; false when it has no receive buffer posted.
 * Poll thread. */
static bool deliver(struct vnet *v, const uint8_t *data, size_t len)
{
    struct virtio_dev *vd = v->vd;
    struct virtq *vq = &vd->vqs[Q_RX];
    bool ok = false;
    pthread_mutex_lock(&vq->lock);
    if (!virtq_usable(vd, vq)) {
        ok = true;   /* no driver: drop, as a cable with nothing attached */
    } else if (pop_rx(vd, vq, &v->rx_elem) == 1) {
        uint8_t hdr[HDR_LEN] = { 0 };
        put_le16(hdr + 10, 1);   /* num_buffers */
        size_t w = 0;
        if (v->rx_elem.in_len >= HDR_LEN + len) {
            w = virtq_elem_write(&v->rx_elem, 0, hdr, HDR_LEN);
            w += virtq_elem_write(&v->rx_elem, HDR_LEN, data, len);
        }   /* else too big for the buffer: dropped, the buffer returned empty */
        virtq_push(vd, vq, &v->rx_elem, (uint32_t)w);
        virtq_notify(vd, vq);
        ok = true;
    }
    pthread_mutex_unlock(&vq->lock);
    return ok;
}

static void flush_pending(struct vnet *v)
{
    while (v->pend_count) {
        struct frame *f = v->pending[v->pend_head];
        if (!deliver(v, f->data, f->len))
            return;
        free(f);
        v->pend_head = (v->pend_head + 1) % PENDING_MAX;
        v->pend_count--;
    }
}

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
    struct vnet *v = opaque;
    flush_pending(v);
    if (!v->pend_count && deliver(v, buf, len))
        return (ssize_t)len;
    if (v->pend_count < PENDING_MAX) {
        struct frame *f = malloc(sizeof(*f) + len);
        if (f) {
            f->len = len;
            memcpy(f->data, buf, len);
            v->pending[(v->pend_head + v->pend_count++) % PENDING_MAX] = f;
        }
    }   /* else dropped: TCP retransmits */
    return (ssize_t)len;
}

/* Frames the guest queued for sending.  Poll thread. */
static void transmit(struct vnet *v)
{
    struct virtio_dev *vd = v->vd;
    struct virtq *vq = &vd->vqs[Q_TX];
    pthread_mutex_lock(&vq->lock);
    if (virtq_usable(vd, vq)) {
        do {
            int got;
            while ((got = virtq_pop(vd, vq, &v->tx_elem)) == 1) {
                size_t len = v->tx_elem.out_len;
                if (len > HDR_LEN && len - HDR_LEN <= MAX_FRAME) {
                    virtq_elem_read(&v->tx_elem, HDR_LEN, v->txbuf, len - HDR_LEN);
                    /* slirp may answer at once (send_packet takes the RX queue's lock) */
                    slirp_input(v->slirp, v->txbuf, (int)(len - HDR_LEN));
                }
                virtq_push(vd, vq, &v->tx_elem, 0);
            }
            if (got < 0)
                break;
            virtq_notify(vd, vq);
        } while (virtq_enable_notify(vd, vq));
    }
    pthread_mutex_unlock(&vq->lock);
}

/* ---- slirp callbacks (all on the poll thread) ---- */

static int64_t clock_ns(void *opaque)
{
    (void)opaque;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void guest_error(const char *msg, void *opaque)
{
    (void)msg, (void)opaque;   /* the guest's own problem; slirp copes */
}

static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct vnet *v = opaque;
    struct stimer *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->cb = cb;
    t->opaque = cb_opaque;
    t->expire_ms = -1;
    t->next = v->timers;
    v->timers = t;
    return t;
}

static void timer_free(void *timer, void *opaque)
{
    struct vnet *v = opaque;
    for (struct stimer **pp = &v->timers; *pp; pp = &(*pp)->next)
        if (*pp == timer) {
            *pp = (*pp)->next;
            free(timer);
            return;
        }
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    if (timer)
        ((struct stimer *)timer)->expire_ms = expire_ms;
}

static void poll_fd_noop(int fd, void *opaque) { (void)fd, (void)opaque; }

static void notify_noop(void *opaque) { (void)opaque; }

static const SlirpCb slirp_cb = {
    .send_packet = send_packet,
    .guest_error = guest_error,
    .clock_get_ns = clock_ns,
    .timer_new = timer_new,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = poll_fd_noop,
    .unregister_poll_fd = poll_fd_noop,
    .notify = notify_noop,
};

static int add_poll(int fd, int events, void *opaque)
{
    struct vnet *v = opaque;
    if (v->npfd >= MAX_POLL)
        return -1;
    short ev = 0;
    if (events & SLIRP_POLL_IN) ev |= POLLIN;
    if (events & SLIRP_POLL_OUT) ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI) ev |= POLLPRI;
    v->pfd[v->npfd] = (struct pollfd){ .fd = fd, .events = ev };
    return (int)v->npfd++;
}

static int get_revents(int idx, void *opaque)
{
    struct vnet *v = opaque;
    if (idx < 0 || (unsigned)idx >= v->npfd)
        return 0;
    short re = v->pfd[idx].revents;
    int r = 0;
    if (re & POLLIN) r |= SLIRP_POLL_IN;
    if (re & POLLOUT) r |= SLIRP_POLL_OUT;
    if (re & POLLPRI) r |= SLIRP_POLL_PRI;
    if (re & POLLERR) r |= SLIRP_POLL_ERR;
    if (re & POLLHUP) r |= SLIRP_POLL_HUP;
    return r;
}

static void *poll_thread(void *arg)
{
    struct vnet *v = arg;
    for (;;) {
        v->npfd = 0;
        add_poll(v->evfd, SLIRP_POLL_IN, v);
        uint32_t timeout = UINT32_MAX;
        slirp_pollfds_fill(v->slirp, &timeout, add_poll, v);
        int64_t now = clock_ns(v) / 1000000;
        for (struct stimer *t = v->timers; t; t = t->next)
            if (t->expire_ms >= 0) {
                int64_t d = t->expire_ms - now;
                if (d < 0)
                    d = 0;
                if ((uint64_t)d < timeout)
                    timeout = (uint32_t)d;
            }
        int n = poll(v->pfd, v->npfd, timeout == UINT32_MAX ? -1 : (int)timeout);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0 && (v->pfd[0].revents & POLLIN)) {
            uint64_t x;
            ssize_t r = read(v->evfd, &x, sizeof(x));
            (void)r;
            if (__atomic_load_n(&v->stop, __ATOMIC_ACQUIRE))
                break;
            flush_pending(v);
            transmit(v);
        }
        slirp_pollfds_poll(v->slirp, n < 0, get_revents, v);
        now = clock_ns(v) / 1000000;
        for (struct stimer *t = v->timers, *next; t; t = next) {
            next = t->next;   /* a callback may free or re-arm timers */
            if (t->expire_ms >= 0 && t->expire_ms <= now) {
                t->expire_ms = -1;
                t->cb(t->opaque);
                break;        /* the list may have changed: rescan next round */
            }
        }
    }
    return NULL;
}

static void kick(struct vnet *v)
{
    uint64_t one = 1;
    ssize_t r = write(v->evfd, &one, sizeof(one));
    (void)r;
}

static void net_notify(struct virtio_dev *vd, unsigned q)
{
    (void)q;
    kick(vd->priv);
}

static void net_start(struct virtio_dev *vd)
{
    kick(vd->priv);
}

static void net_destroy(struct virtio_dev *vd)
{
    struct vnet *v = vd->priv;
    if (v->thread_started) {
        __atomic_store_n(&v->stop, true, __ATOMIC_RELEASE);
        kick(v);
        pthread_join(v->thread, NULL);
    }
    if (v->slirp)
        slirp_cleanup(v->slirp);
    while (v->timers) {
        struct stimer *t = v->timers;
        v->timers = t->next;
        free(t);
    }
    for (; v->pend_count; v->pend_count--, v->pend_head = (v->pend_head + 1) % PENDING_MAX)
        free(v->pending[v->pend_head]);
    if (v->evfd >= 0)
        close(v->evfd);
    free(v);
}

static const struct virtio_dev_ops net_ops = {
    .notify = net_notify,
    .start = net_start,
    .destroy = net_destroy,
};

int virtio_net_create(struct board *b, const char *spec)
{
    struct fwd fwds[MAX_FWDS];
    unsigned nfwd;
    if (parse_spec(spec, fwds, &nfwd) < 0)
        return -1;
    struct vnet *v = calloc(1, sizeof(*v));
    if (!v)
        return -1;
    v->evfd = eventfd(0, EFD_CLOEXEC);
    struct virtio_dev *vd = v->evfd >= 0 ? virtio_dev_create(b, "virtio-net", VIRTIO_ID_NET, 1ull << VIRTIO_NET_F_MAC,
                                                               2, 12, &net_ops, v)
                                         : NULL;
    if (!vd) {
        if (v->evfd >= 0)
            close(v->evfd);
        free(v);
        return -1;
    }
    v->vd = vd;
    static const uint8_t mac[6] = { 0x02, 0x4e, 0x56, 0x4d, 0x00, 0x01 };   /* locally administered */
    memcpy(vd->config, mac, 6);
    put_le16(vd->config + 6, 1);   /* status: link up */

    SlirpConfig cfg = { .version = 1, .in_enabled = true };
    inet_pton(AF_INET, "10.0.2.0", &cfg.vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &cfg.vnetmask);
    inet_pton(AF_INET, "10.0.2.2", &cfg.vhost);
    inet_pton(AF_INET, "10.0.2.15", &cfg.vdhcp_start);
    inet_pton(AF_INET, "10.0.2.3", &cfg.vnameserver);
    cfg.vhostname = "nestvm";
    v->slirp = slirp_new(&cfg, &slirp_cb, v);
    if (!v->slirp) {
        fprintf(stderr, "nestvm: virtio-net: cannot start user networking\n");
        virtio_dev_destroy(vd);
        return -1;
    }
    for (unsigned i = 0; i < nfwd; i++)
        if (slirp_add_hostfwd(v->slirp, fwds[i].udp, fwds[i].host_addr, fwds[i].host_port, fwds[i].guest_addr,
                              fwds[i].guest_port) < 0) {
            fprintf(stderr, "nestvm: --net: cannot forward host port %d: %s\n", fwds[i].host_port, strerror(errno));
            virtio_dev_destroy(vd);
            return -1;
        }
    v->thread_started = pthread_create(&v->thread, NULL, poll_thread, v) == 0;
    if (!v->thread_started) {
        fprintf(stderr, "nestvm: virtio-net: cannot start the network thread\n");
        virtio_dev_destroy(vd);
        return -1;
    }
    return virtio_dev_attach(b, vd);
}
