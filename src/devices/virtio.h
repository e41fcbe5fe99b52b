/* virtio core (virtio 1.2): feature negotiation, device status, split
 * virtqueues (indirect descriptors, event index) and the interface between a
 * device (blk, net, console, rng) and its transport (PCI or MMIO).
 *
 * Threads: transport registers are accessed by vCPU threads; devices process
 * their queues on their own threads (or inline on a queue notification).  Each
 * queue has a lock held while it is used, so a reset waits for the request in
 * flight.  The guest's ring indices are read with acquire and written with
 * release atomics. */
#ifndef NESTVM_VIRTIO_H
#define NESTVM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "board/board.h"

/* Device IDs. */
enum { VIRTIO_ID_NET = 1, VIRTIO_ID_BLOCK = 2, VIRTIO_ID_CONSOLE = 3, VIRTIO_ID_RNG = 4 };

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

/* Transport-independent feature bits. */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32

#define VIRTQ_MAX_SIZE 256      /* QueueNumMax */
#define VIRTQ_MAX_SEGS VIRTQ_MAX_SIZE   /* a chain is at most queue-size descriptors */

/* ISR bits. */
#define VIRTIO_ISR_QUEUE 1u
#define VIRTIO_ISR_CONFIG 2u

struct virtio_dev;

struct virtq {
    pthread_mutex_t lock;
    uint16_t num;               /* queue size chosen by the driver */
    bool ready;
    uint64_t desc_gpa, avail_gpa, used_gpa;
    /* Host views of the rings, checked to lie in guest RAM when enabled. */
    uint8_t *desc, *avail, *used;
    uint16_t last_avail;        /* next avail ring entry to take */
    uint16_t used_idx;          /* our copy of used->idx */
    uint16_t signalled_used;    /* used_idx at the last interrupt */
    bool signalled_valid;
};

/* One request: a descriptor chain mapped to host memory. */
struct virtq_elem {
    uint16_t head;
    unsigned nout, nin;                 /* device-readable, then device-writable */
    struct iovec out[VIRTQ_MAX_SEGS];
    struct iovec in[VIRTQ_MAX_SEGS];
    uint64_t in_gpa[VIRTQ_MAX_SEGS];
    size_t out_len, in_len;             /* total bytes */
};

struct virtio_dev_ops {
    /* The driver notified queue q (vCPU thread). */
    void (*notify)(struct virtio_dev *vd, unsigned q);
    /* DRIVER_OK was set (vCPU thread): start processing. */
    void (*start)(struct virtio_dev *vd);
    /* Device reset (vCPU thread), after the queues are quiesced and cleared. */
    void (*reset)(struct virtio_dev *vd);
    /* A driver write to the config space (already stored in vd->config). */
    void (*config_write)(struct virtio_dev *vd, unsigned off, unsigned size);
    void (*destroy)(struct virtio_dev *vd);
};

/* What a transport gives the core. */
struct virtio_transport {
    /* The interrupt line should be at level (ISR != 0). */
    void (*set_irq)(struct virtio_dev *vd, bool level);
    void *priv;
};

struct virtio_dev {
    const char *name;           /* "virtio-blk", ... */
    uint32_t device_id;
    uint64_t host_features, guest_features;
    uint8_t status;
    uint8_t config_generation;
    uint8_t *config;            /* device-specific config space */
    unsigned config_len;
    unsigned nqueues;
    struct virtq *vqs;
    const struct virtio_dev_ops *ops;
    void *priv;                 /* the device's state */
    hv_vm_t *vm;
    struct board *board;
    struct virtio_transport transport;
    pthread_mutex_t lock;       /* status, features, ISR */
    uint8_t isr;
    bool broken_reported;
};

/* A new device with nqueues queues and config_len bytes of config space
 * (NULL when out of memory); fill in its config, then attach it. */
struct virtio_dev *virtio_dev_create(struct board *b, const char *name, uint32_t device_id, uint64_t features,
                                     unsigned nqueues, unsigned config_len, const struct virtio_dev_ops *ops,
                                     void *priv);

/* Put vd on the transport the board config chooses; on failure (message
 * printed) vd is destroyed and -1 returned. */
int virtio_dev_attach(struct board *b, struct virtio_dev *vd);

static inline bool virtio_has_feature(struct virtio_dev *vd, unsigned bit)
{
    return (vd->guest_features >> bit) & 1;
}

/* ---- for devices ---- */
/* Whether q may be used now (DRIVER_OK, ready, not broken).  Caller holds vq->lock. */
bool virtq_usable(struct virtio_dev *vd, struct virtq *vq);
/* Take the next request: 1 got one, 0 queue empty, -1 malformed (the device
 * is now NEEDS_RESET).  Caller holds vq->lock. */
int virtq_pop(struct virtio_dev *vd, struct virtq *vq, struct virtq_elem *e);
/* Return a request with written bytes written to its writable part (the
 * device wrote them: they are announced to the VM here). */
void virtq_push(struct virtio_dev *vd, struct virtq *vq, const struct virtq_elem *e, uint32_t written);
/* After a batch of pushes: interrupt the driver unless it asked not to
 * (VIRTQ_AVAIL_F_NO_INTERRUPT or the event index). */
void virtq_notify(struct virtio_dev *vd, struct virtq *vq);
/* Ask the driver for a notification at the next buffer it adds; returns true
 * when the queue turned out non-empty meanwhile (process it again). */
bool virtq_enable_notify(struct virtio_dev *vd, struct virtq *vq);
/* Copy helpers over an element's writable / readable parts. */
size_t virtq_elem_write(struct virtq_elem *e, size_t off, const void *src, size_t len);
size_t virtq_elem_read(const struct virtq_elem *e, size_t off, void *dst, size_t len);
/* The driver broke the protocol: set NEEDS_RESET and send a config change. */
void virtio_set_broken(struct virtio_dev *vd, const char *why);
/* Device config changed: bump the generation and send a config change. */
void virtio_config_changed(struct virtio_dev *vd);

/* ---- for transports ---- */
uint32_t virtio_read_features(struct virtio_dev *vd, unsigned sel);
void virtio_write_features(struct virtio_dev *vd, unsigned sel, uint32_t val);
void virtio_write_status(struct virtio_dev *vd, uint8_t status);
/* Enable (after desc/avail/used addresses and num were set) queue q. */
void virtio_queue_enable(struct virtio_dev *vd, unsigned q);
void virtio_queue_notify(struct virtio_dev *vd, unsigned q);
uint8_t virtio_read_isr(struct virtio_dev *vd, bool clear);
void virtio_ack_isr(struct virtio_dev *vd, uint8_t bits);
uint64_t virtio_config_read(struct virtio_dev *vd, unsigned off, unsigned size);
void virtio_config_write(struct virtio_dev *vd, unsigned off, unsigned size, uint64_t val);
void virtio_reset(struct virtio_dev *vd);
void virtio_dev_destroy(struct virtio_dev *vd);

/* Transports (virtio-pci.c, virtio-mmio.c): attach vd, return 0 or -1. */
int virtio_pci_attach(struct board *b, struct virtio_dev *vd);
int virtio_mmio_attach(struct board *b, struct virtio_dev *vd);

/* Little-endian config helpers. */
static inline void put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put_le32(uint8_t *p, uint32_t v) { put_le16(p, (uint16_t)v); put_le16(p + 2, (uint16_t)(v >> 16)); }
static inline void put_le64(uint8_t *p, uint64_t v) { put_le32(p, (uint32_t)v); put_le32(p + 4, (uint32_t)(v >> 32)); }
static inline uint16_t get_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get_le32(const uint8_t *p) { return get_le16(p) | (uint32_t)get_le16(p + 2) << 16; }
static inline uint64_t get_le64(const uint8_t *p) { return get_le32(p) | (uint64_t)get_le32(p + 4) << 32; }

#endif
