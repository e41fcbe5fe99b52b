/* virtio entropy device (virtio 1.2, 5.4): one request queue whose writable
 * buffers are filled from the host's getrandom().  Requests are small and
 * getrandom does not block once the host pool is initialised, so they are
 * served right on the notifying vCPU thread. */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "devices/virtio.h"

struct vrng {
    struct virtq_elem elem;
};

static void fill(struct virtq_elem *e, size_t *written)
{
    *written = 0;
    for (unsigned i = 0; i < e->nin; i++) {
        uint8_t *p = e->in[i].iov_base;
        size_t left = e->in[i].iov_len;
        while (left) {
            ssize_t n = getrandom(p, left, 0);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                return;
            p += n;
            left -= (size_t)n;
            *written += (size_t)n;
        }
    }
}

static void rng_notify(struct virtio_dev *vd, unsigned q)
{
    struct vrng *r = vd->priv;
    struct virtq *vq = &vd->vqs[q];
    pthread_mutex_lock(&vq->lock);
    if (virtq_usable(vd, vq)) {
        do {
            int got;
            while ((got = virtq_pop(vd, vq, &r->elem)) == 1) {
                size_t n;
                fill(&r->elem, &n);
                virtq_push(vd, vq, &r->elem, (uint32_t)n);
            }
            if (got < 0)
                break;
            virtq_notify(vd, vq);
        } while (virtq_enable_notify(vd, vq));
    }
    pthread_mutex_unlock(&vq->lock);
}

static void rng_destroy(struct virtio_dev *vd)
{
    free(vd->priv);
}

static const struct virtio_dev_ops rng_ops = {
    .notify = rng_notify,
    .destroy = rng_destroy,
};

int virtio_rng_create(struct board *b)
{
    struct vrng *r = calloc(1, sizeof(*r));
    struct virtio_dev *vd = r ? virtio_dev_create(b, "virtio-rng", VIRTIO_ID_RNG, 0, 1, 0, &rng_ops, r) : NULL;
    if (!vd) {
        free(r);
        return -1;
    }
    return virtio_dev_attach(b, vd);
}
