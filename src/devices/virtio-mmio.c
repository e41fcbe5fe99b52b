/* virtio over MMIO, version 2 (virtio 1.2, 4.2): slot n at VIRT_MMIO +
 * 0x200 n with SPI VIRT_MMIO_SPI + n, one "virtio,mmio" node each. */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "devices/virtio.h"

#define SLOT_SIZE 0x200u
#define MAX_SLOTS 32u

enum {
    R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008, R_VENDOR_ID = 0x00c, R_DEV_FEATURES = 0x010,
    R_DEV_FEATURES_SEL = 0x014, R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024, R_QUEUE_SEL = 0x030,
    R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038, R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050,
    R_INT_STATUS = 0x060, R_INT_ACK = 0x064, R_STATUS = 0x070, R_DESC_LO = 0x080, R_DESC_HI = 0x084,
    R_DRIVER_LO = 0x090, R_DRIVER_HI = 0x094, R_DEVICE_LO = 0x0a0, R_DEVICE_HI = 0x0a4, R_SHM_SEL = 0x0ac,
    R_SHM_LEN_LO = 0x0b0, R_SHM_LEN_HI = 0x0b4, R_SHM_BASE_LO = 0x0b8, R_SHM_BASE_HI = 0x0bc,
    R_QUEUE_RESET = 0x0c0, R_CONFIG_GEN = 0x0fc, R_CONFIG = 0x100,
};

struct vmmio {
    struct virtio_dev *vd;
    pthread_mutex_t lock;
    uint32_t dfsel, gfsel, queue_sel;
};

/* Slots are handed out per board in creation order. */
static struct board *slot_board;
static unsigned next_slot;
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;

static void set_half(uint64_t *field, bool high, uint32_t v)
{
    *field = high ? (*field & 0xffffffffull) | (uint64_t)v << 32 : (*field & ~0xffffffffull) | v;
}

static bool mmio(struct device *d, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    struct vmmio *m = d->priv;
    struct virtio_dev *vd = m->vd;
    if (off >= R_CONFIG) {
        if (write)
            virtio_config_write(vd, (unsigned)(off - R_CONFIG), size, *data);
        else
            *data = virtio_config_read(vd, (unsigned)(off - R_CONFIG), size);
        return true;
    }
    if (size != 4 || (off & 3)) {   /* registers are 32-bit only */
        if (!write)
            *data = 0;
        return true;
    }
    uint32_t v = (uint32_t)*data;
    pthread_mutex_lock(&m->lock);
    unsigned qs = m->queue_sel;
    uint32_t dfsel = m->dfsel, gfsel = m->gfsel;
    if (write && off == R_DEV_FEATURES_SEL)
        m->dfsel = v;
    if (write && off == R_DRV_FEATURES_SEL)
        m->gfsel = v;
    if (write && off == R_QUEUE_SEL)
        m->queue_sel = v;
    pthread_mutex_unlock(&m->lock);
    struct virtq *vq = qs < vd->nqueues ? &vd->vqs[qs] : NULL;
    if (!write) {
        uint64_t r = 0;
        switch (off) {
        case R_MAGIC: r = 0x74726976; break;      /* "virt" */
        case R_VERSION: r = 2; break;
        case R_DEVICE_ID: r = vd->device_id; break;
        case R_VENDOR_ID: r = 0x4d56534e; break;  /* "NSVM" */
        case R_DEV_FEATURES: r = virtio_read_features(vd, dfsel); break;
        case R_QUEUE_NUM_MAX: r = vq ? VIRTQ_MAX_SIZE : 0; break;
        case R_QUEUE_READY: r = vq ? vq->ready : 0; break;
        case R_INT_STATUS: r = virtio_read_isr(vd, false); break;
        case R_STATUS: r = vd->status; break;
        case R_SHM_LEN_LO: case R_SHM_LEN_HI: r = 0xffffffff; break;   /* no shared memory regions */
        case R_SHM_BASE_LO: case R_SHM_BASE_HI: r = 0xffffffff; break;
        case R_CONFIG_GEN: r = vd->config_generation; break;
        default: break;
        }
        *data = r;
        return true;
    }
    switch (off) {
    case R_DRV_FEATURES: virtio_write_features(vd, gfsel, v); break;
    case R_QUEUE_NUM: case R_DESC_LO: case R_DESC_HI: case R_DRIVER_LO: case R_DRIVER_HI:
    case R_DEVICE_LO: case R_DEVICE_HI:
        if (!vq)
            break;
        pthread_mutex_lock(&vq->lock);
        if (!vq->ready) {
            switch (off) {
            case R_QUEUE_NUM: vq->num = (uint16_t)(v > 0xffff ? 0 : v); break;
            case R_DESC_LO: case R_DESC_HI: set_half(&vq->desc_gpa, off == R_DESC_HI, v); break;
            case R_DRIVER_LO: case R_DRIVER_HI: set_half(&vq->avail_gpa, off == R_DRIVER_HI, v); break;
            default: set_half(&vq->used_gpa, off == R_DEVICE_HI, v); break;
            }
        }
        pthread_mutex_unlock(&vq->lock);
        break;
    case R_QUEUE_READY:
        if (vq && (v & 1) && !vq->ready)
            virtio_queue_enable(vd, qs);
        break;
    case R_QUEUE_NOTIFY: virtio_queue_notify(vd, v & 0xffff); break;
    case R_INT_ACK: virtio_ack_isr(vd, (uint8_t)v); break;
    case R_STATUS: virtio_write_status(vd, (uint8_t)v); break;
    default: break;
    }
    return true;
}

static void set_irq(struct virtio_dev *vd, bool level)
{
    struct device *d = vd->transport.priv;
    board_set_irq(d->board, d->spi, level);
}

static int mmio_fdt(struct device *d, void *fdt, struct board *b)
{
    (void)b;
    static const char compat[] = "virtio,mmio";
    int e = device_fdt_begin(d, fdt, compat, sizeof(compat));
    e |= fdt_property(fdt, "dma-coherent", NULL, 0);
    e |= fdt_end_node(fdt);
    return e;
}

static void mmio_destroy(struct device *d)
{
    struct vmmio *m = d->priv;
    virtio_dev_destroy(m->vd);
    device_free(d);
}

int virtio_mmio_attach(struct board *b, struct virtio_dev *vd)
{
    pthread_mutex_lock(&slot_lock);
    if (slot_board != b) {
        slot_board = b;
        next_slot = 0;
    }
    unsigned slot = next_slot < MAX_SLOTS ? next_slot++ : MAX_SLOTS;
    pthread_mutex_unlock(&slot_lock);
    if (slot >= MAX_SLOTS) {
        fprintf(stderr, "nestvm: too many virtio-mmio devices (at most %u)\n", MAX_SLOTS);
        return -1;
    }
    struct device *d = device_new(b, "virtio_mmio", VIRT_MMIO + SLOT_SIZE * slot, SLOT_SIZE,
                                  VIRT_MMIO_SPI + (int)slot, sizeof(struct vmmio));
    if (!d)
        return -1;
    struct vmmio *m = d->priv;
    m->vd = vd;
    pthread_mutex_init(&m->lock, NULL);
    d->mmio = mmio;
    d->fdt = mmio_fdt;
    d->destroy = mmio_destroy;
    vd->transport.set_irq = set_irq;
    vd->transport.priv = d;
    return 0;
}
