/* virtio core: split virtqueues and the device status machine (virtio 1.2,
 * sections 2 and 3).  All guest memory is reached through hv_vm_host_ptr(),
 * checked per ring and per buffer, so a bad guest pointer can only break the
 * device (NEEDS_RESET), never reach host memory outside guest RAM.
 *
 * Hosts are little-endian (x86_64, arm64), like virtio 1.x rings, so ring
 * fields are read in place; the 16-bit ring indices shared with the guest use
 * acquire/release atomics (the guest publishes avail->idx after its
 * descriptors with a release barrier; we publish used->idx after the used
 * element the same way). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/virtio.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtio rings are accessed in place: little-endian hosts only"
#endif

#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

/* Ring geometry (split virtqueue, 2.7). */
static size_t desc_bytes(unsigned num) { return 16u * num; }
static size_t avail_bytes(unsigned num) { return 6u + 2u * num; }
static size_t used_bytes(unsigned num) { return 6u + 8u * num; }

static uint16_t *avail_idx_p(struct virtq *vq) { return (uint16_t *)(vq->avail + 2); }
static uint16_t *used_event_p(struct virtq *vq) { return (uint16_t *)(vq->avail + 4 + 2u * vq->num); }
static uint16_t *used_idx_p(struct virtq *vq) { return (uint16_t *)(vq->used + 2); }
static uint16_t *avail_event_p(struct virtq *vq) { return (uint16_t *)(vq->used + 4 + 8u * vq->num); }

static void update_irq_locked(struct virtio_dev *vd)
{
    if (vd->transport.set_irq)
        vd->transport.set_irq(vd, vd->isr != 0);
}

static void raise_isr(struct virtio_dev *vd, uint8_t bits)
{
    pthread_mutex_lock(&vd->lock);
    vd->isr |= bits;
    update_irq_locked(vd);
    pthread_mutex_unlock(&vd->lock);
}

void virtio_set_broken(struct virtio_dev *vd, const char *why)
{
    bool report = false;
    pthread_mutex_lock(&vd->lock);
    if (!(vd->status & VIRTIO_STATUS_NEEDS_RESET)) {
        vd->status |= VIRTIO_STATUS_NEEDS_RESET;
        vd->isr |= VIRTIO_ISR_CONFIG;
        update_irq_locked(vd);
        report = !vd->broken_reported;
        vd->broken_reported = true;
    }
    pthread_mutex_unlock(&vd->lock);
    if (report)
        fprintf(stderr, "nestvm: %s: %s: device needs reset\n", vd->name, why);
}

void virtio_config_changed(struct virtio_dev *vd)
{
    pthread_mutex_lock(&vd->lock);
    vd->config_generation++;
    if (vd->status & VIRTIO_STATUS_DRIVER_OK) {
        vd->isr |= VIRTIO_ISR_CONFIG;
        update_irq_locked(vd);
    }
    pthread_mutex_unlock(&vd->lock);
}

bool virtq_usable(struct virtio_dev *vd, struct virtq *vq)
{
    pthread_mutex_lock(&vd->lock);
    bool ok = (vd->status & (VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_NEEDS_RESET)) == VIRTIO_STATUS_DRIVER_OK;
    pthread_mutex_unlock(&vd->lock);
    return ok && vq->ready;
}

/* Map one guest buffer; NULL when any byte of it is outside guest RAM. */
static void *map_buf(struct virtio_dev *vd, uint64_t gpa, uint32_t len)
{
    if (gpa + len < gpa)
        return NULL;
    return hv_vm_host_ptr(vd->vm, gpa, len);
}

int virtq_pop(struct virtio_dev *vd, struct virtq *vq, struct virtq_elem *e)
{
    uint16_t avail = __atomic_load_n(avail_idx_p(vq), __ATOMIC_ACQUIRE);
    uint16_t pending = (uint16_t)(avail - vq->last_avail);
    if (pending == 0)
        return 0;
    const char *why;
    if (pending > vq->num) {
        why = "available index moved past the queue size";
        goto bad;
    }
    uint16_t head = ((uint16_t *)(vq->avail + 4))[vq->last_avail % vq->num];
    if (head >= vq->num) {
        why = "descriptor head out of range";
        goto bad;
    }
    e->head = head;
    e->nout = e->nin = 0;
    e->out_len = e->in_len = 0;

    const uint8_t *table = vq->desc;
    unsigned tsize = vq->num, idx = head, visited = 0;
    bool indirect = false;
    for (;;) {
        if (idx >= tsize) {
            why = "descriptor index out of range";
            goto bad;
        }
        /* One snapshot of the descriptor: the guest may change it under us. */
        uint8_t d[16];
        memcpy(d, table + 16u * idx, 16);
        uint64_t addr = get_le64(d);
        uint32_t len = get_le32(d + 8);
        uint16_t flags = get_le16(d + 12), next = get_le16(d + 14);
        if (flags & VIRTQ_DESC_F_INDIRECT) {
            if (!virtio_has_feature(vd, VIRTIO_F_INDIRECT_DESC)) {
                why = "indirect descriptor not negotiated";
                goto bad;
            }
            if (indirect || (flags & VIRTQ_DESC_F_NEXT)) {
                why = "indirect descriptor nested or chained";
                goto bad;
            }
            if (len == 0 || len % 16 || len / 16 > VIRTQ_MAX_SEGS) {
                why = "bad indirect table length";
                goto bad;
            }
            if (!(table = map_buf(vd, addr, len))) {
                why = "indirect table outside guest RAM";
                goto bad;
            }
            indirect = true;
            tsize = len / 16;
            idx = 0;
            visited = 0;
            continue;
        }
        if (++visited > tsize) {
            why = "descriptor chain loops";
            goto bad;
        }
        if (len) {
            void *host = map_buf(vd, addr, len);
            if (!host) {
                why = "buffer outside guest RAM";
                goto bad;
            }
            if (e->nout + e->nin >= VIRTQ_MAX_SEGS) {
                why = "descriptor chain too long";
                goto bad;
            }
            if (flags & VIRTQ_DESC_F_WRITE) {
                e->in[e->nin] = (struct iovec){ host, len };
                e->in_gpa[e->nin++] = addr;
                e->in_len += len;
            } else {
                if (e->nin) {
                    why = "readable descriptor after a writable one";
                    goto bad;
                }
                e->out[e->nout++] = (struct iovec){ host, len };
                e->out_len += len;
            }
        }
        if (!(flags & VIRTQ_DESC_F_NEXT))
            break;
        idx = next;
    }
    vq->last_avail++;
    return 1;
bad:
    virtio_set_broken(vd, why);
    return -1;
}

void virtq_push(struct virtio_dev *vd, struct virtq *vq, const struct virtq_elem *e, uint32_t written)
{
    if (written > e->in_len)
        written = (uint32_t)e->in_len;
    /* The device wrote these bytes: translated code there is stale. */
    size_t left = written;
    for (unsigned i = 0; i < e->nin && left; i++) {
        size_t n = e->in[i].iov_len < left ? e->in[i].iov_len : left;
        hv_vm_notify_write(vd->vm, e->in_gpa[i], n);
        left -= n;
    }
    unsigned slot = vq->used_idx % vq->num;
    uint8_t *u = vq->used + 4 + 8u * slot;
    put_le32(u, e->head);
    put_le32(u + 4, written);
    vq->used_idx++;
    __atomic_store_n(used_idx_p(vq), vq->used_idx, __ATOMIC_RELEASE);
    hv_vm_notify_write(vd->vm, vq->used_gpa, used_bytes(vq->num));
}

void virtq_notify(struct virtio_dev *vd, struct virtq *vq)
{
    if (vq->signalled_valid && vq->signalled_used == vq->used_idx)
        return;   /* nothing new since the last interrupt */
    /* used->idx must be visible before we look at the driver's wishes. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool need;
    uint16_t old = vq->signalled_used, cur = vq->used_idx;
    if (virtio_has_feature(vd, VIRTIO_F_EVENT_IDX)) {
        uint16_t event = __atomic_load_n(used_event_p(vq), __ATOMIC_ACQUIRE);
        /* Interrupt when used_event lies in (old, cur] (2.7.10). */
        need = !vq->signalled_valid || (uint16_t)(cur - event - 1) < (uint16_t)(cur - old);
    } else {
        need = !(__atomic_load_n((uint16_t *)vq->avail, __ATOMIC_ACQUIRE) & VIRTQ_AVAIL_F_NO_INTERRUPT);
    }
    vq->signalled_used = cur;
    vq->signalled_valid = true;
    if (need)
        raise_isr(vd, VIRTIO_ISR_QUEUE);
}

bool virtq_enable_notify(struct virtio_dev *vd, struct virtq *vq)
{
    if (virtio_has_feature(vd, VIRTIO_F_EVENT_IDX)) {
        __atomic_store_n(avail_event_p(vq), vq->last_avail, __ATOMIC_RELEASE);
        hv_vm_notify_write(vd->vm, vq->used_gpa + used_bytes(vq->num) - 2, 2);
    }
    /* Our avail_event store before the re-read of avail->idx (the driver
     * does the mirror image: idx store, fence, avail_event load). */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(avail_idx_p(vq), __ATOMIC_ACQUIRE) != vq->last_avail;
}

size_t virtq_elem_write(struct virtq_elem *e, size_t off, const void *src, size_t len)
{
    const uint8_t *s = src;
    size_t done = 0;
    for (unsigned i = 0; i < e->nin && done < len; i++) {
        if (off >= e->in[i].iov_len) {
            off -= e->in[i].iov_len;
            continue;
        }
        size_t n = e->in[i].iov_len - off;
        if (n > len - done)
            n = len - done;
        memcpy((uint8_t *)e->in[i].iov_base + off, s + done, n);
        done += n;
        off = 0;
    }
    return done;
}

size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *dst, size_t len)
{
    uint8_t *d = dst;
    size_t done = 0;
    for (unsigned i = 0; i < e->nout && done < len; i++) {
        if (off >= e->out[i].iov_len) {
            off -= e->out[i].iov_len;
            continue;
        }
        size_t n = e->out[i].iov_len - off;
        if (n > len - done)
            n = len - done;
        memcpy(d + done, (const uint8_t *)e->out[i].iov_base + off, n);
        done += n;
        off = 0;
    }
    return done;
}

/* ---- transport side ---- */

uint32_t virtio_read_features(struct virtio_dev *vd, unsigned sel)
{
    return sel < 2 ? (uint32_t)(vd->host_features >> (32 * sel)) : 0;
}

void virtio_write_features(struct virtio_dev *vd, unsigned sel, uint32_t val)
{
    pthread_mutex_lock(&vd->lock);
    if (sel < 2 && !(vd->status & VIRTIO_STATUS_FEATURES_OK)) {
        uint64_t mask = 0xffffffffull << (32 * sel);
        vd->guest_features = (vd->guest_features & ~mask) | ((uint64_t)val << (32 * sel));
    }
    pthread_mutex_unlock(&vd->lock);
}

void virtio_write_status(struct virtio_dev *vd, uint8_t v)
{
    if (v == 0) {
        virtio_reset(vd);
        return;
    }
    pthread_mutex_lock(&vd->lock);
    if ((v & VIRTIO_STATUS_FEATURES_OK) && !(vd->status & VIRTIO_STATUS_FEATURES_OK)) {
        /* Accept only offered features and only the modern interface. */
        if ((vd->guest_features & ~vd->host_features) || !((vd->guest_features >> VIRTIO_F_VERSION_1) & 1))
            v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
    }
    if ((v & VIRTIO_STATUS_DRIVER_OK) && !(v & VIRTIO_STATUS_FEATURES_OK))
        v &= (uint8_t)~VIRTIO_STATUS_DRIVER_OK;
    bool start = (v & VIRTIO_STATUS_DRIVER_OK) && !(vd->status & VIRTIO_STATUS_DRIVER_OK);
    vd->status = v | (vd->status & VIRTIO_STATUS_NEEDS_RESET);
    pthread_mutex_unlock(&vd->lock);
    if (start && vd->ops->start)
        vd->ops->start(vd);
}

void virtio_queue_enable(struct virtio_dev *vd, unsigned q)
{
    if (q >= vd->nqueues)
        return;
    struct virtq *vq = &vd->vqs[q];
    const char *why = NULL;
    pthread_mutex_lock(&vq->lock);
    if (vq->num == 0 || vq->num > VIRTQ_MAX_SIZE)
        why = "bad queue size";
    else if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3))
        why = "misaligned ring";
    else if (!(vq->desc = map_buf(vd, vq->desc_gpa, (uint32_t)desc_bytes(vq->num))) ||
             !(vq->avail = map_buf(vd, vq->avail_gpa, (uint32_t)avail_bytes(vq->num))) ||
             !(vq->used = map_buf(vd, vq->used_gpa, (uint32_t)used_bytes(vq->num))))
        why = "ring outside guest RAM";
    if (!why) {
        vq->last_avail = vq->used_idx = 0;
        vq->signalled_valid = false;
        vq->ready = true;
    }
    pthread_mutex_unlock(&vq->lock);
    if (why)
        virtio_set_broken(vd, why);
}

void virtio_queue_notify(struct virtio_dev *vd, unsigned q)
{
    if (q < vd->nqueues && vd->ops->notify)
        vd->ops->notify(vd, q);
}

uint8_t virtio_read_isr(struct virtio_dev *vd, bool clear)
{
    pthread_mutex_lock(&vd->lock);
    uint8_t v = vd->isr;
    if (clear && v) {
        vd->isr = 0;
        update_irq_locked(vd);
    }
    pthread_mutex_unlock(&vd->lock);
    return v;
}

void virtio_ack_isr(struct virtio_dev *vd, uint8_t bits)
{
    pthread_mutex_lock(&vd->lock);
    vd->isr &= (uint8_t)~bits;
    update_irq_locked(vd);
    pthread_mutex_unlock(&vd->lock);
}

uint64_t virtio_config_read(struct virtio_dev *vd, unsigned off, unsigned size)
{
    uint64_t v = 0;
    pthread_mutex_lock(&vd->lock);
    for (unsigned i = 0; i < size && i < 8; i++)
        if (off + i < vd->config_len)
            v |= (uint64_t)vd->config[off + i] << (8 * i);
    pthread_mutex_unlock(&vd->lock);
    return v;
}

void virtio_config_write(struct virtio_dev *vd, unsigned off, unsigned size, uint64_t val)
{
    if (!vd->ops->config_write || off >= vd->config_len || size > vd->config_len - off)
        return;
    pthread_mutex_lock(&vd->lock);
    for (unsigned i = 0; i < size && i < 8; i++)
        vd->config[off + i] = (uint8_t)(val >> (8 * i));
    pthread_mutex_unlock(&vd->lock);
    vd->ops->config_write(vd, off, size);
}

void virtio_reset(struct virtio_dev *vd)
{
    /* Taking each queue's lock waits for a request in flight. */
    for (unsigned i = 0; i < vd->nqueues; i++) {
        struct virtq *vq = &vd->vqs[i];
        pthread_mutex_lock(&vq->lock);
        vq->ready = false;
        vq->num = VIRTQ_MAX_SIZE;
        vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
        vq->desc = vq->avail = vq->used = NULL;
        vq->last_avail = vq->used_idx = vq->signalled_used = 0;
        vq->signalled_valid = false;
        pthread_mutex_unlock(&vq->lock);
    }
    pthread_mutex_lock(&vd->lock);
    vd->status = 0;
    vd->guest_features = 0;
    vd->isr = 0;
    vd->broken_reported = false;
    update_irq_locked(vd);
    pthread_mutex_unlock(&vd->lock);
    if (vd->ops->reset)
        vd->ops->reset(vd);
}

struct virtio_dev *virtio_dev_create(struct board *b, const char *name, uint32_t device_id, uint64_t features,
                                     unsigned nqueues, unsigned config_len, const struct virtio_dev_ops *ops,
                                     void *priv)
{
    struct virtio_dev *vd = calloc(1, sizeof(*vd));
    if (!vd)
        return NULL;
    vd->name = name;
    vd->device_id = device_id;
    vd->host_features = features | 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_INDIRECT_DESC |
                        1ull << VIRTIO_F_EVENT_IDX;
    vd->nqueues = nqueues;
    vd->vqs = calloc(nqueues, sizeof(*vd->vqs));
    vd->config_len = config_len;
    vd->config = calloc(1, config_len ? config_len : 1);
    vd->ops = ops;
    vd->priv = priv;
    vd->vm = board_vm(b);
    vd->board = b;
    pthread_mutex_init(&vd->lock, NULL);
    if (!vd->vqs || !vd->config) {
        free(vd->vqs);
        free(vd->config);
        free(vd);
        return NULL;
    }
    for (unsigned i = 0; i < nqueues; i++) {
        pthread_mutex_init(&vd->vqs[i].lock, NULL);
        vd->vqs[i].num = VIRTQ_MAX_SIZE;
    }
    return vd;
}

/* Put a device on the board's transport; on failure it is destroyed. */
int virtio_dev_attach(struct board *b, struct virtio_dev *vd)
{
    int r = board_get_config(b)->virtio_transport == BOARD_VIRTIO_MMIO ? virtio_mmio_attach(b, vd)
                                                                        : virtio_pci_attach(b, vd);
    if (r < 0)
        virtio_dev_destroy(vd);
    return r;
}

void virtio_dev_destroy(struct virtio_dev *vd)
{
    if (!vd)
        return;
    if (vd->ops->destroy)
        vd->ops->destroy(vd);
    free(vd->vqs);
    free(vd->config);
    free(vd);
}
