/* virtio core (src/devices/virtio.c) against a fake guest RAM: feature
 * negotiation, split-ring requests (direct and indirect), the used ring,
 * interrupt suppression (NO_INTERRUPT, event index), and every malformed
 * chain setting NEEDS_RESET with a config interrupt and no access outside RAM. */
#include <stdlib.h>
#include <string.h>

#include "devices/virtio.c"
#include "test.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (1u << 20)
static uint8_t *ram;
static unsigned writes_notified;
static bool irq_level;
static unsigned irq_edges;

void *hv_vm_host_ptr(hv_vm_t *vm, uint64_t ipa, size_t len)
{
    (void)vm;
    if (ipa - RAM_BASE < RAM_SIZE && len <= RAM_SIZE - (ipa - RAM_BASE))
        return ram + (ipa - RAM_BASE);
    return NULL;
}
void hv_vm_notify_write(hv_vm_t *vm, uint64_t ipa, size_t len)
{
    (void)vm, (void)ipa, (void)len;
    writes_notified++;
}
hv_vm_t *board_vm(struct board *b) { (void)b; return NULL; }
static struct board_config cfg;
const struct board_config *board_get_config(struct board *b) { (void)b; return &cfg; }
int virtio_pci_attach(struct board *b, struct virtio_dev *vd) { (void)b, (void)vd; return 0; }
int virtio_mmio_attach(struct board *b, struct virtio_dev *vd) { (void)b, (void)vd; return 0; }

static void set_irq(struct virtio_dev *vd, bool level)
{
    (void)vd;
    if (level && !irq_level)
        irq_edges++;
    irq_level = level;
}

static const struct virtio_dev_ops ops = { 0 };

/* Queue layout in RAM. */
#define NUM 8
#define DESC 0x1000u
#define AVAIL 0x2000u
#define USED 0x3000u
#define BUF 0x10000u
#define IND 0x8000u

static void desc_at(uint32_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = ram + table + 16 * i;
    put_le64(d, addr);
    put_le32(d + 8, len);
    put_le16(d + 12, flags);
    put_le16(d + 14, next);
}
static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    desc_at(DESC, i, addr, len, flags, next);
}

static uint16_t avail_idx;
static void offer(uint16_t head)
{
    put_le16(ram + AVAIL + 4 + 2 * (avail_idx % NUM), head);
    avail_idx++;
    put_le16(ram + AVAIL + 2, avail_idx);
}

static struct virtio_dev *setup(uint64_t features)
{
    memset(ram, 0, RAM_SIZE);
    avail_idx = 0;
    irq_level = false;
    irq_edges = 0;
    struct virtio_dev *vd = virtio_dev_create(NULL, "virtio-test", 99, 0, 1, 4, &ops, NULL);
    vd->transport.set_irq = set_irq;
    virtio_write_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    virtio_write_features(vd, 0, (uint32_t)features);
    virtio_write_features(vd, 1, (uint32_t)(features >> 32));
    virtio_write_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    struct virtq *vq = &vd->vqs[0];
    vq->num = NUM;
    vq->desc_gpa = RAM_BASE + DESC;
    vq->avail_gpa = RAM_BASE + AVAIL;
    vq->used_gpa = RAM_BASE + USED;
    virtio_queue_enable(vd, 0);
    virtio_write_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                                VIRTIO_STATUS_DRIVER_OK);
    return vd;
}

#define V1 (1ull << VIRTIO_F_VERSION_1)
#define IND_F (1ull << VIRTIO_F_INDIRECT_DESC)
#define EVT (1ull << VIRTIO_F_EVENT_IDX)

static struct virtq_elem e;

static void expect_broken(struct virtio_dev *vd, const char *what)
{
    int r = virtq_pop(vd, &vd->vqs[0], &e);
    if (r != -1)
        fprintf(stderr, "case '%s': pop returned %d\n", what, r);
    CHECK_EQ(r, -1);
    CHECK(vd->status & VIRTIO_STATUS_NEEDS_RESET);
    CHECK(vd->isr & VIRTIO_ISR_CONFIG);
    CHECK(irq_level);
    CHECK(!virtq_usable(vd, &vd->vqs[0]));
    /* A reset brings the device back. */
    virtio_reset(vd);
    CHECK_EQ(vd->status, 0);
    CHECK(!irq_level);
    virtio_dev_destroy(vd);
}

static void test_negotiation(void)
{
    struct virtio_dev *vd = virtio_dev_create(NULL, "virtio-test", 99, 1ull << 5, 1, 4, &ops, NULL);
    vd->transport.set_irq = set_irq;
    CHECK_EQ(virtio_read_features(vd, 0), 1u << 5 | 1u << VIRTIO_F_INDIRECT_DESC | 1u << VIRTIO_F_EVENT_IDX);
    CHECK_EQ(virtio_read_features(vd, 1), 1);   /* VERSION_1 */
    CHECK_EQ(virtio_read_features(vd, 2), 0);
    /* Without VERSION_1: FEATURES_OK does not stick. */
    virtio_write_features(vd, 0, 1u << 5);
    virtio_write_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    CHECK_EQ(vd->status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    /* An unoffered feature: refused as well. */
    virtio_write_features(vd, 0, 1u << 6);
    virtio_write_features(vd, 1, 1);
    virtio_write_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    CHECK(!(vd->status & VIRTIO_STATUS_FEATURES_OK));
    virtio_write_features(vd, 0, 1u << 5);
    virtio_write_status(vd, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    CHECK(vd->status & VIRTIO_STATUS_FEATURES_OK);
    CHECK(virtio_has_feature(vd, 5));
    /* Features are frozen after FEATURES_OK. */
    virtio_write_features(vd, 0, 0);
    CHECK(virtio_has_feature(vd, 5));
    virtio_write_status(vd, 0);
    CHECK_EQ(vd->status, 0);
    CHECK_EQ(vd->guest_features, 0);
    virtio_dev_destroy(vd);
}

static void test_requests(void)
{
    struct virtio_dev *vd = setup(V1 | IND_F);
    struct virtq *vq = &vd->vqs[0];
    CHECK(virtq_usable(vd, vq));
    CHECK_EQ(virtq_pop(vd, vq, &e), 0);   /* empty */
    /* Direct chain: 16 readable bytes, then 2 writable buffers. */
    memcpy(ram + BUF, "0123456789abcdef", 16);
    desc(3, RAM_BASE + BUF, 16, 1, 5);
    desc(5, RAM_BASE + BUF + 0x100, 4, 3, 1);
    desc(1, RAM_BASE + BUF + 0x200, 8, 2, 0);
    offer(3);
    CHECK_EQ(virtq_pop(vd, vq, &e), 1);
    CHECK_EQ(e.head, 3);
    CHECK_EQ(e.nout, 1);
    CHECK_EQ(e.nin, 2);
    CHECK_EQ(e.out_len, 16);
    CHECK_EQ(e.in_len, 12);
    char hdr[4];
    CHECK_EQ(virtq_elem_read(&e, 12, hdr, 8), 4);
    CHECK(!memcmp(hdr, "cdef", 4));
    CHECK_EQ(virtq_elem_write(&e, 2, "WXYZ", 4), 4);   /* spans both writable buffers */
    CHECK(!memcmp(ram + BUF + 0x102, "WX", 2));
    CHECK(!memcmp(ram + BUF + 0x200, "YZ", 2));
    writes_notified = 0;
    virtq_push(vd, vq, &e, 6);
    CHECK(writes_notified >= 3);   /* two buffers and the used ring */
    CHECK_EQ(get_le16(ram + USED + 2), 1);
    CHECK_EQ(get_le32(ram + USED + 4), 3);
    CHECK_EQ(get_le32(ram + USED + 8), 6);
    virtq_notify(vd, vq);
    CHECK(irq_level);
    CHECK_EQ(virtio_read_isr(vd, true), VIRTIO_ISR_QUEUE);
    CHECK(!irq_level);

    /* Indirect: one ring descriptor pointing at a table of 3. */
    desc_at(IND, 0, RAM_BASE + BUF, 16, 1, 2);
    desc_at(IND, 2, RAM_BASE + BUF + 0x300, 100, 1, 1);
    desc_at(IND, 1, RAM_BASE + BUF + 0x400, 512, 2, 0);
    desc(0, RAM_BASE + IND, 48, 4, 0);
    offer(0);
    CHECK_EQ(virtq_pop(vd, vq, &e), 1);
    CHECK_EQ(e.nout, 2);
    CHECK_EQ(e.nin, 1);
    CHECK_EQ(e.out_len, 116);
    CHECK_EQ(e.in_len, 512);
    virtq_push(vd, vq, &e, 512);
    /* The driver asks for no interrupts. */
    put_le16(ram + AVAIL, 1);
    virtq_notify(vd, vq);
    CHECK(!irq_level);
    /* Zero-length buffers are skipped, not mapped. */
    desc(2, 0xdead0000ull, 0, 2, 0);
    offer(2);
    CHECK_EQ(virtq_pop(vd, vq, &e), 1);
    CHECK_EQ(e.nin + e.nout, 0);
    virtio_reset(vd);
    virtio_dev_destroy(vd);
}

static void test_event_idx(void)
{
    struct virtio_dev *vd = setup(V1 | EVT);
    struct virtq *vq = &vd->vqs[0];
    desc(0, RAM_BASE + BUF, 8, 2, 0);
    for (int i = 0; i < 4; i++)
        offer(0);
    /* used_event = 2: interrupt once used->idx passes 2 (i.e. reaches 3). */
    put_le16(ram + AVAIL + 4 + 2 * NUM, 2);
    unsigned irqs_at[4];
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(virtq_pop(vd, vq, &e), 1);
        virtq_push(vd, vq, &e, 0);
        if (i == 0) {
            virtq_notify(vd, vq);   /* the first interrupt always goes */
            virtio_read_isr(vd, true);
        } else {
            virtq_notify(vd, vq);
        }
        irqs_at[i] = irq_edges;
    }
    CHECK_EQ(irqs_at[0], 1);
    CHECK_EQ(irqs_at[1], 1);   /* used idx 2: not past used_event */
    CHECK_EQ(irqs_at[2], 2);   /* used idx 3: crossed */
    CHECK_EQ(irqs_at[3], 2);   /* still pending, no new edge */
    /* The device asks to be notified at the next avail entry. */
    CHECK(!virtq_enable_notify(vd, vq));
    CHECK_EQ(get_le16(ram + USED + 4 + 8 * NUM), 4);
    offer(0);
    CHECK(virtq_enable_notify(vd, vq));
    virtio_dev_destroy(vd);
}

static void test_malformed(void)
{
    struct virtio_dev *vd;

    vd = setup(V1);
    desc(0, RAM_BASE + BUF, 8, 1, 1);
    desc(1, RAM_BASE + BUF, 8, 1, 0);   /* 0 -> 1 -> 0 ... */
    offer(0);
    expect_broken(vd, "loop");

    vd = setup(V1);
    desc(0, RAM_BASE + RAM_SIZE - 8, 16, 0, 0);
    offer(0);
    expect_broken(vd, "buffer straddles the end of RAM");

    vd = setup(V1);
    desc(0, 0xffffffffffffff00ull, 0x200, 0, 0);
    offer(0);
    expect_broken(vd, "address wraps");

    vd = setup(V1);
    desc(0, 0x1000, 16, 0, 0);
    offer(0);
    expect_broken(vd, "below RAM");

    vd = setup(V1);
    desc(0, RAM_BASE + IND, 32, 4, 0);
    offer(0);
    expect_broken(vd, "indirect without the feature");

    vd = setup(V1 | IND_F);
    desc_at(IND, 0, RAM_BASE + IND, 16, 4, 0);
    desc(0, RAM_BASE + IND, 16, 4, 0);
    offer(0);
    expect_broken(vd, "nested indirect");

    vd = setup(V1 | IND_F);
    desc(0, RAM_BASE + IND, 16, 4 | 1, 1);
    offer(0);
    expect_broken(vd, "indirect with next");

    vd = setup(V1 | IND_F);
    desc(0, RAM_BASE + IND, 24, 4, 0);
    offer(0);
    expect_broken(vd, "indirect length not a multiple of 16");

    vd = setup(V1 | IND_F);
    desc(0, RAM_BASE + RAM_SIZE - 32, 64, 4, 0);
    offer(0);
    expect_broken(vd, "indirect table outside RAM");

    vd = setup(V1 | IND_F);
    for (unsigned i = 0; i < 300; i++)
        desc_at(IND, i, RAM_BASE + BUF, 4, 1, (uint16_t)(i + 1));
    desc(0, RAM_BASE + IND, 300 * 16, 4, 0);
    offer(0);
    expect_broken(vd, "indirect table too long");

    vd = setup(V1 | IND_F);
    for (unsigned i = 0; i < 4; i++)
        desc_at(IND, i, RAM_BASE + BUF, 4, 1, (uint16_t)((i + 1) % 4));
    desc(0, RAM_BASE + IND, 4 * 16, 4, 0);
    offer(0);
    expect_broken(vd, "loop inside an indirect table");

    vd = setup(V1);
    desc(0, RAM_BASE + BUF, 8, 2 | 1, 1);
    desc(1, RAM_BASE + BUF, 8, 0, 0);
    offer(0);
    expect_broken(vd, "readable after writable");

    vd = setup(V1);
    desc(0, RAM_BASE + BUF, 8, 1, NUM);
    offer(0);
    expect_broken(vd, "next out of range");

    vd = setup(V1);
    offer(NUM);
    expect_broken(vd, "head out of range");

    vd = setup(V1);
    put_le16(ram + AVAIL + 2, NUM + 1);
    expect_broken(vd, "avail index jumps past the queue size");

    /* Rings outside RAM: the queue is refused at enable. */
    vd = setup(V1);
    virtio_reset(vd);
    vd->vqs[0].num = NUM;
    vd->vqs[0].desc_gpa = RAM_BASE + RAM_SIZE - 16;
    vd->vqs[0].avail_gpa = RAM_BASE + AVAIL;
    vd->vqs[0].used_gpa = RAM_BASE + USED;
    virtio_queue_enable(vd, 0);
    CHECK(!vd->vqs[0].ready);
    CHECK(vd->status & VIRTIO_STATUS_NEEDS_RESET);
    virtio_dev_destroy(vd);
}

int main(void)
{
    ram = calloc(1, RAM_SIZE);
    test_negotiation();
    test_requests();
    test_event_idx();
    test_malformed();
    free(ram);
    return test_report("virtio");
}
