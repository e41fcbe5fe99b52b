/* virtio over PCI, modern interface only (virtio 1.2, 4.1): vendor 0x1af4,
 * device 0x1040 + virtio ID, revision 1.  One 16 KiB memory BAR holds the
 * four structures the vendor capabilities point at; interrupts are INTA#
 * (no MSI-X: the driver falls back to the shared line and reads ISR). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"
#include "devices/virtio.h"

enum { CAP_COMMON = 1, CAP_NOTIFY = 2, CAP_ISR = 3, CAP_DEVICE = 4, CAP_PCI_CFG = 5 };

/* BAR 0 layout. */
#define BAR_SIZE 0x4000u
#define OFF_COMMON 0x0000u
#define OFF_ISR 0x1000u
#define OFF_DEVICE 0x2000u
#define OFF_NOTIFY 0x3000u
#define NOTIFY_MULT 4u
#define COMMON_LEN 0x40u

/* Capability list in config space. */
#define CAPS 0x40u
#define CAP_PCI_CFG_AT 0x84u    /* the VIRTIO_PCI_CAP_PCI_CFG window */

#define NO_VECTOR 0xffffu

/* PCI class code per device type. */
static const struct { uint32_t id, cls; } classes[] = {
    { VIRTIO_ID_NET, 0x020000 },        /* Ethernet */
    { VIRTIO_ID_BLOCK, 0x018000 },      /* other mass storage */
    { VIRTIO_ID_CONSOLE, 0x078000 },    /* other communication */
    { VIRTIO_ID_RNG, 0x00ff00 },
};

struct vpci {
    struct pci_fn fn;
    struct virtio_dev *vd;
    pthread_mutex_t lock;       /* selectors */
    uint32_t dfselect, gfselect;
    uint16_t queue_sel;
};

/* ---- common configuration structure ---- */

static uint64_t common_read(struct vpci *p, unsigned off, unsigned size)
{
    struct virtio_dev *vd = p->vd;
    pthread_mutex_lock(&p->lock);
    unsigned qs = p->queue_sel;
    struct virtq *vq = qs < vd->nqueues ? &vd->vqs[qs] : NULL;
    uint64_t v = 0;
    switch (off) {
    case 0: v = p->dfselect; break;
    case 4: v = virtio_read_features(vd, p->dfselect); break;
    case 8: v = p->gfselect; break;
    case 12: v = p->gfselect < 2 ? (uint32_t)(vd->guest_features >> (32 * p->gfselect)) : 0; break;
    case 16: v = NO_VECTOR; break;                      /* config_msix_vector */
    case 18: v = vd->nqueues; break;
    case 20: v = vd->status; break;
    case 21: v = vd->config_generation; break;
    case 22: v = qs; break;
    case 24: v = vq ? vq->num : 0; break;
    case 26: v = NO_VECTOR; break;                      /* queue_msix_vector */
    case 28: v = vq ? vq->ready : 0; break;
    case 30: v = qs; break;                             /* queue_notify_off */
    case 32: v = vq ? vq->desc_gpa : 0; break;
    case 36: v = vq ? vq->desc_gpa >> 32 : 0; break;
    case 40: v = vq ? vq->avail_gpa : 0; break;
    case 44: v = vq ? vq->avail_gpa >> 32 : 0; break;
    case 48: v = vq ? vq->used_gpa : 0; break;
    case 52: v = vq ? vq->used_gpa >> 32 : 0; break;
    case 56: v = qs; break;                             /* queue_notify_data */
    default: break;
    }
    pthread_mutex_unlock(&p->lock);
    if (size < 8)
        v &= (1ull << (8 * size)) - 1;
    return v;
}

static void set_half(uint64_t *field, bool high, uint32_t v)
{
    *field = high ? (*field & 0xffffffffull) | (uint64_t)v << 32 : (*field & ~0xffffffffull) | v;
}

static void common_write(struct vpci *p, unsigned off, unsigned size, uint64_t v)
{
    struct virtio_dev *vd = p->vd;
    if (size == 8 && (off == 32 || off == 40 || off == 48)) {   /* 64-bit: as two halves */
        common_write(p, off, 4, (uint32_t)v);
        common_write(p, off + 4, 4, v >> 32);
        return;
    }
    pthread_mutex_lock(&p->lock);
    unsigned qs = p->queue_sel;
    struct virtq *vq = qs < vd->nqueues ? &vd->vqs[qs] : NULL;
    switch (off) {
    case 0: p->dfselect = (uint32_t)v; break;
    case 8: p->gfselect = (uint32_t)v; break;
    case 22: p->queue_sel = (uint16_t)v; break;
    default: break;
    }
    pthread_mutex_unlock(&p->lock);
    switch (off) {
    case 12: virtio_write_features(vd, p->gfselect, (uint32_t)v); break;
    case 20: virtio_write_status(vd, (uint8_t)v); break;
    case 24: case 32: case 36: case 40: case 44: case 48: case 52:
        if (!vq)
            break;
        pthread_mutex_lock(&vq->lock);
        if (!vq->ready) {   /* only while the queue is disabled */
            if (off == 24)
                vq->num = (uint16_t)v;
            else if (off < 40)
                set_half(&vq->desc_gpa, off == 36, (uint32_t)v);
            else if (off < 48)
                set_half(&vq->avail_gpa, off == 44, (uint32_t)v);
            else
                set_half(&vq->used_gpa, off == 52, (uint32_t)v);
        }
        pthread_mutex_unlock(&vq->lock);
        break;
    case 28:
        if (vq && (v & 1) && !vq->ready)
            virtio_queue_enable(vd, qs);
        break;
    default: break;   /* read-only fields, MSI-X vectors (not implemented) */
    }
}

static bool bar_mmio(struct pci_fn *f, unsigned bar, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    struct vpci *p = f->priv;
    struct virtio_dev *vd = p->vd;
    (void)bar;
    if (off < OFF_COMMON + COMMON_LEN) {
        if (write)
            common_write(p, (unsigned)off, size, *data);
        else
            *data = common_read(p, (unsigned)off, size);
    } else if (off >= OFF_ISR && off < OFF_ISR + 4) {
        if (!write)
            *data = off == OFF_ISR ? virtio_read_isr(vd, true) : 0;   /* reading clears */
    } else if (off >= OFF_DEVICE && off < OFF_DEVICE + 0x1000) {
        if (write)
            virtio_config_write(vd, (unsigned)(off - OFF_DEVICE), size, *data);
        else
            *data = virtio_config_read(vd, (unsigned)(off - OFF_DEVICE), size);
    } else if (off >= OFF_NOTIFY && off < OFF_NOTIFY + NOTIFY_MULT * vd->nqueues) {
        if (write)
            virtio_queue_notify(vd, (unsigned)(off - OFF_NOTIFY) / NOTIFY_MULT);
        else
            *data = 0;
    } else if (!write) {
        *data = 0;
    }
    return true;
}

/* The PCI configuration access capability: a window into BAR 0 through
 * config space (cap.bar, cap.offset, cap.length select; pci_cfg_data moves). */
static void cfg_hook(struct pci_fn *f, unsigned off, unsigned size, bool write, uint64_t *data)
{
    uint8_t *cap = f->cfg + CAP_PCI_CFG_AT;
    unsigned rel = off - CAP_PCI_CFG_AT;
    if (rel < 16) {   /* the cap header: bar, offset and length are writable */
        if (write) {
            for (unsigned i = 0; i < size; i++) {
                unsigned b = rel + i;
                if (b == 4 || (b >= 8 && b < 16))
                    cap[b] = (uint8_t)(*data >> (8 * i));
            }
        } else {
            uint64_t v = 0;
            for (unsigned i = 0; i < size; i++)
                v |= (uint64_t)cap[rel + i] << (8 * i);
            *data = v;
        }
        return;
    }
    /* pci_cfg_data: an access of cap.length bytes at cap.offset in cap.bar. */
    uint32_t boff = get_le32(cap + 8), blen = get_le32(cap + 12);
    if (cap[4] != 0 || (blen != 1 && blen != 2 && blen != 4) || blen > size || boff >= BAR_SIZE ||
        boff + blen > BAR_SIZE || boff % blen) {
        if (!write)
            *data = 0;
        return;
    }
    uint64_t v = write ? *data & ((1ull << (8 * blen)) - 1) : 0;
    bar_mmio(f, 0, boff, blen, write, &v);
    if (!write)
        *data = v;
}

static void set_irq(struct virtio_dev *vd, bool level)
{
    struct vpci *p = vd->transport.priv;
    pci_set_intx(&p->fn, level);
}

static void fn_destroy(struct pci_fn *f)
{
    struct vpci *p = f->priv;
    virtio_dev_destroy(p->vd);
    free(p);
}

/* Vendor capability (struct virtio_pci_cap) at at; returns its length. */
static unsigned put_cap(uint8_t *cfg, unsigned at, unsigned next, uint8_t type, uint32_t off, uint32_t len,
                        unsigned extra)
{
    uint8_t *c = cfg + at;
    c[0] = 0x09;           /* vendor specific */
    c[1] = (uint8_t)next;
    c[2] = (uint8_t)(16 + extra);
    c[3] = type;
    c[4] = 0;              /* BAR 0 */
    put_le32(c + 8, off);
    put_le32(c + 12, len);
    return 16 + extra;
}

int virtio_pci_attach(struct board *b, struct virtio_dev *vd)
{
    struct vpci *p = calloc(1, sizeof(*p));
    if (!p)
        return -1;
    p->vd = vd;
    pthread_mutex_init(&p->lock, NULL);
    struct pci_fn *f = &p->fn;
    f->priv = p;
    uint8_t *c = f->cfg;
    put_le16(c + PCI_VENDOR_ID, 0x1af4);
    put_le16(c + PCI_DEVICE_ID, (uint16_t)(0x1040 + vd->device_id));
    c[PCI_REVISION] = 1;
    uint32_t cls = 0xff0000;
    for (unsigned i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
        if (classes[i].id == vd->device_id)
            cls = classes[i].cls;
    c[PCI_CLASS_PROG] = (uint8_t)cls;
    put_le16(c + PCI_CLASS_PROG + 1, (uint16_t)(cls >> 8));
    put_le16(c + PCI_SUBSYS_VENDOR, 0x1af4);
    put_le16(c + PCI_SUBSYS_ID, 0x1100);
    put_le16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
    c[PCI_CAP_PTR] = CAPS;
    unsigned at = CAPS, len;
    len = put_cap(c, at, at + 16, CAP_COMMON, OFF_COMMON, COMMON_LEN, 0);
    at += len;
    len = put_cap(c, at, at + 20, CAP_NOTIFY, OFF_NOTIFY, NOTIFY_MULT * vd->nqueues, 4);
    put_le32(c + at + 16, NOTIFY_MULT);
    at += len;
    len = put_cap(c, at, at + 16, CAP_ISR, OFF_ISR, 4, 0);
    at += len;
    len = put_cap(c, at, CAP_PCI_CFG_AT, CAP_DEVICE, OFF_DEVICE, vd->config_len ? vd->config_len : 4, 0);
    at += len;
    put_cap(c, CAP_PCI_CFG_AT, 0, CAP_PCI_CFG, 0, 0, 4);
    f->bar_size[0] = BAR_SIZE;
    f->bar_mmio = bar_mmio;
    f->hook_lo = CAP_PCI_CFG_AT;
    f->hook_hi = CAP_PCI_CFG_AT + 20;
    f->cfg_hook = cfg_hook;
    f->destroy = fn_destroy;
    vd->transport.set_irq = set_irq;
    vd->transport.priv = p;
    if (pci_add_fn(b, f) < 0) {
        free(p);
        return -1;
    }
    return 0;
}
