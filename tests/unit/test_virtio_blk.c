/* virtio-blk requests (src/devices/virtio-blk.c) on a temporary image file:
 * read/write round trip with scattered buffers, FLUSH, GET_ID, DISCARD and
 * WRITE_ZEROES reading back as zeros, and the error statuses (out of range,
 * unaligned, read-only, unknown type). */
#include <stdlib.h>
#include <string.h>

#include "devices/virtio.c"
#include "devices/virtio-blk.c"
#include "test.h"

/* The device code links against these; requests here never touch a VM. */
void *hv_vm_host_ptr(hv_vm_t *vm, uint64_t ipa, size_t len) { (void)vm, (void)ipa, (void)len; return NULL; }
void hv_vm_notify_write(hv_vm_t *vm, uint64_t ipa, size_t len) { (void)vm, (void)ipa, (void)len; }
hv_vm_t *board_vm(struct board *b) { (void)b; return NULL; }
static struct board_config cfg;
const struct board_config *board_get_config(struct board *b) { (void)b; return &cfg; }
int virtio_pci_attach(struct board *b, struct virtio_dev *vd) { (void)b, (void)vd; return 0; }
int virtio_mmio_attach(struct board *b, struct virtio_dev *vd) { (void)b, (void)vd; return 0; }

#define SECTORS 64
static struct vblk k;
static struct virtq_elem e;
static uint8_t hdr[16], status;

/* A request: header, then out-data buffers, then in-data buffers, status. */
static uint8_t req(uint32_t type, uint64_t sector, void *out, size_t out_len, void *in, size_t in_len,
                   uint32_t *written)
{
    memset(&e, 0, sizeof(e));
    put_le32(hdr, type);
    put_le32(hdr + 4, 0);
    put_le64(hdr + 8, sector);
    e.out[e.nout++] = (struct iovec){ hdr, 16 };
    e.out_len = 16;
    /* Split data buffers in two to exercise scatter-gather. */
    if (out_len) {
        size_t h = (out_len / 1024) * 512;
        if (h == 0)
            h = out_len;
        e.out[e.nout++] = (struct iovec){ out, h };
        if (out_len > h)
            e.out[e.nout++] = (struct iovec){ (uint8_t *)out + h, out_len - h };
        e.out_len += out_len;
    }
    if (in_len) {
        size_t h = in_len > 512 ? 512 : in_len;
        e.in[e.nin++] = (struct iovec){ in, h };
        if (in_len > h)
            e.in[e.nin++] = (struct iovec){ (uint8_t *)in + h, in_len - h };
        e.in_len = in_len;
    }
    status = 0xee;
    e.in[e.nin++] = (struct iovec){ &status, 1 };
    e.in_len += 1;
    uint32_t w = do_request(&k, &e);
    if (written)
        *written = w;
    return status;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

int main(void)
{
    char path[] = "/tmp/nestvm-blk-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(ftruncate(fd, SECTORS * 512) == 0);
    k.fd = fd;
    k.sectors = SECTORS;
    snprintf(k.id, sizeof(k.id), "test-serial");

    static uint8_t wbuf[4096], rbuf[4096];
    for (unsigned i = 0; i < sizeof(wbuf); i++)
        wbuf[i] = (uint8_t)rnd();
    uint32_t w;
    CHECK_EQ(req(T_OUT, 8, wbuf, 4096, NULL, 0, &w), S_OK);
    CHECK_EQ(w, 1);                                     /* just the status */
    CHECK_EQ(req(T_IN, 8, NULL, 0, rbuf, 4096, &w), S_OK);
    CHECK_EQ(w, 4097);
    CHECK(!memcmp(wbuf, rbuf, 4096));
    uint8_t file[4096];
    CHECK_EQ(pread(fd, file, 4096, 8 * 512), 4096);
    CHECK(!memcmp(wbuf, file, 4096));
    CHECK_EQ(req(T_FLUSH, 0, NULL, 0, NULL, 0, NULL), S_OK);

    char id[ID_BYTES + 4];
    memset(id, 'x', sizeof(id));
    CHECK_EQ(req(T_GET_ID, 0, NULL, 0, id, ID_BYTES, &w), S_OK);
    CHECK(!strcmp(id, "test-serial"));
    CHECK_EQ(w, ID_BYTES + 1);

    /* Write zeroes over sectors 9..10, discard 12..15: both read back zero. */
    uint8_t seg[16];
    put_le64(seg, 9);
    put_le32(seg + 8, 2);
    put_le32(seg + 12, 1);   /* unmap allowed */
    CHECK_EQ(req(T_WRITE_ZEROES, 0, seg, 16, NULL, 0, NULL), S_OK);
    put_le64(seg, 12);
    put_le32(seg + 8, 4);
    put_le32(seg + 12, 0);
    CHECK_EQ(req(T_DISCARD, 0, seg, 16, NULL, 0, NULL), S_OK);
    CHECK_EQ(req(T_IN, 8, NULL, 0, rbuf, 4096, NULL), S_OK);
    CHECK(!memcmp(rbuf, wbuf, 512));                    /* sector 8 kept */
    CHECK(all_zero(rbuf + 512, 1024));                  /* 9, 10 zeroed */
    CHECK(!memcmp(rbuf + 1536, wbuf + 1536, 512));      /* 11 kept */
    CHECK(all_zero(rbuf + 2048, 2048));                 /* 12..15: punched (/tmp: tmpfs or ext4) */

    /* Errors. */
    CHECK_EQ(req(T_IN, SECTORS - 1, NULL, 0, rbuf, 1024, NULL), S_IOERR);   /* past the end */
    CHECK_EQ(req(T_IN, (uint64_t)-1, NULL, 0, rbuf, 512, NULL), S_IOERR);   /* sector overflow */
    CHECK_EQ(req(T_OUT, 0, wbuf, 100, NULL, 0, NULL), S_IOERR);             /* not whole sectors */
    put_le64(seg, SECTORS - 1);
    put_le32(seg + 8, 2);
    put_le32(seg + 12, 0);
    CHECK_EQ(req(T_DISCARD, 0, seg, 16, NULL, 0, NULL), S_IOERR);
    put_le64(seg, 0);
    put_le32(seg + 8, 1);
    put_le32(seg + 12, 1);
    CHECK_EQ(req(T_DISCARD, 0, seg, 16, NULL, 0, NULL), S_IOERR);           /* unmap flag on discard */
    CHECK_EQ(req(T_DISCARD, 0, seg, 12, NULL, 0, NULL), S_IOERR);           /* partial segment */
    CHECK_EQ(req(99, 0, NULL, 0, NULL, 0, NULL), S_UNSUPP);
    k.ro = true;
    CHECK_EQ(req(T_OUT, 0, wbuf, 512, NULL, 0, NULL), S_IOERR);
    CHECK_EQ(req(T_WRITE_ZEROES, 0, seg, 16, NULL, 0, NULL), S_IOERR);
    CHECK_EQ(pread(fd, file, 512, 0), 512);
    CHECK(all_zero(file, 512));
    CHECK_EQ(req(T_IN, 8, NULL, 0, rbuf, 512, NULL), S_OK);                 /* reads still work */

    close(fd);
    unlink(path);
    return test_report("virtio_blk");
}
