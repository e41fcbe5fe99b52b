/* virtio console (virtio 1.2, 5.3), a single port (hvc0) on the host's
 * stdio.  Output is written on the notifying vCPU thread; input comes from
 * the stdio reader thread into the guest's receive buffers (when the guest
 * has none posted, the reader holds the bytes and offers them again).
 * Input is held until the guest has written to the port: Linux discards what
 * arrives before its console port is connected to a tty, and a console the
 * guest has never written to is not in use yet. */
#include <stdlib.h>

#include "devices/stdio.h"
#include "devices/virtio.h"

enum { Q_RX = 0, Q_TX = 1 };

struct vcons {
    struct virtio_dev *vd;
    struct stdio_port *port;
    struct virtq_elem rx_elem, tx_elem;
    bool output_seen;       /* the guest wrote to the port since reset */
};

static void cons_notify(struct virtio_dev *vd, unsigned q)
{
    struct vcons *c = vd->priv;
    if (q != Q_TX)
        return;   /* new receive buffers: the reader retries on its own */
    struct virtq *vq = &vd->vqs[Q_TX];
    pthread_mutex_lock(&vq->lock);
    if (virtq_usable(vd, vq)) {
        do {
            int got;
            while ((got = virtq_pop(vd, vq, &c->tx_elem)) == 1) {
                for (unsigned i = 0; i < c->tx_elem.nout; i++)
                    stdio_write(c->tx_elem.out[i].iov_base, c->tx_elem.out[i].iov_len);
                virtq_push(vd, vq, &c->tx_elem, 0);
                __atomic_store_n(&c->output_seen, true, __ATOMIC_RELEASE);
            }
            if (got < 0)
                break;
            virtq_notify(vd, vq);
        } while (virtq_enable_notify(vd, vq));
    }
    pthread_mutex_unlock(&vq->lock);
}

/* Reader thread: put bytes into posted receive buffers. */
static size_t cons_rx(void *opaque, const uint8_t *buf, size_t n)
{
    struct vcons *c = opaque;
    struct virtio_dev *vd = c->vd;
    struct virtq *vq = &vd->vqs[Q_RX];
    size_t done = 0;
    pthread_mutex_lock(&vq->lock);
    if (__atomic_load_n(&c->output_seen, __ATOMIC_ACQUIRE) && virtq_usable(vd, vq)) {
        while (done < n && virtq_pop(vd, vq, &c->rx_elem) == 1) {
            size_t w = virtq_elem_write(&c->rx_elem, 0, buf + done, n - done);
            virtq_push(vd, vq, &c->rx_elem, (uint32_t)w);
            done += w;
        }
        if (done)
            virtq_notify(vd, vq);
    }
    pthread_mutex_unlock(&vq->lock);
    return done;
}

static void cons_reset(struct virtio_dev *vd)
{
    struct vcons *c = vd->priv;
    __atomic_store_n(&c->output_seen, false, __ATOMIC_RELEASE);
}

static void cons_destroy(struct virtio_dev *vd)
{
    struct vcons *c = vd->priv;
    stdio_close(c->port);
    free(c);
}

static const struct virtio_dev_ops cons_ops = {
    .notify = cons_notify,
    .reset = cons_reset,
    .destroy = cons_destroy,
};

int virtio_console_create(struct board *b)
{
    struct vcons *c = calloc(1, sizeof(*c));
    /* Config: cols, rows, max_nr_ports, emerg_wr (no features use them). */
    struct virtio_dev *vd = c ? virtio_dev_create(b, "virtio-console", VIRTIO_ID_CONSOLE, 0, 2, 12, &cons_ops, c)
                              : NULL;
    if (!vd) {
        free(c);
        return -1;
    }
    c->vd = vd;
    put_le32(vd->config + 4, 1);
    if (virtio_dev_attach(b, vd) < 0)
        return -1;
    c->port = stdio_open(cons_rx, c);
    return 0;
}
