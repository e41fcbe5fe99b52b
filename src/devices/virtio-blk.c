/* virtio block device (virtio 1.2, 5.2) on a raw image file or block device.
 *
 * I/O model: one I/O thread per disk.  A queue notification on a vCPU thread
 * only wakes that thread, which takes requests off the queue and performs
 * them synchronously with preadv/pwritev straight into and out of guest RAM
 * (no bounce buffers), fdatasync for FLUSH and fallocate hole punching for
 * DISCARD and WRITE_ZEROES.  io_uring would allow several requests in flight,
 * but the guest's software-emulated CPUs produce requests far more slowly
 * than a host disk completes them, so a deeper queue buys little here; a
 * plain thread needs no extra library and works where io_uring is disabled
 * (containers, seccomp).  A completed FLUSH means the data reached the file
 * with fdatasync: a flushed write survives a crash of nestvm or the host. */
#define _FILE_OFFSET_BITS 64
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices/virtio.h"

/* Feature bits. */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

/* Request types and status. */
enum { T_IN = 0, T_OUT = 1, T_FLUSH = 4, T_GET_ID = 8, T_DISCARD = 11, T_WRITE_ZEROES = 13 };
enum { S_OK = 0, S_IOERR = 1, S_UNSUPP = 2 };

#define SECTOR 512u
#define ID_BYTES 20
#define SEG_MAX (VIRTQ_MAX_SEGS - 2)    /* header and status take two */
#define SIZE_MAX_BYTES (1u << 20)
#define MAX_DISCARD_SECTORS (1u << 22)  /* 2 GiB per segment */
#define MAX_DISCARD_SEGS 32u
#define CONFIG_LEN 60

struct vblk {
    struct virtio_dev *vd;
    int fd;
    bool ro;
    uint64_t sectors;
    char id[ID_BYTES];
    pthread_t thread;
    bool thread_started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool kick, stop;
    struct virtq_elem elem;
    struct iovec iov[VIRTQ_MAX_SEGS];
};

/* Open and size a disk: fd and sectors, or -1 with one error line printed. */
static int open_disk(const struct board_disk *disk, int *fd_out, uint64_t *sectors)
{
    struct stat st;
    if (stat(disk->path, &st) < 0) {
        fprintf(stderr, "nestvm: --disk: cannot open '%s': %s\n", disk->path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        fprintf(stderr, "nestvm: --disk: '%s' is not a regular file or block device\n", disk->path);
        return -1;
    }
    /* The permission bits count even for root (who could open anything): a
     * file nobody may write is a read-only image, one nobody may read is
     * unreadable. */
    bool no_read = S_ISREG(st.st_mode) && !(st.st_mode & 0444);
    bool no_write = S_ISREG(st.st_mode) && !(st.st_mode & 0222);
    int fd = no_read ? -1 : open(disk->path, (disk->readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0 && no_read)
        errno = EACCES;
    if (!disk->readonly && !no_read && (no_write || (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)))) {
        if (fd >= 0)
            close(fd);
        /* Readable but not writable? Then the advice is ,ro. */
        if (access(disk->path, R_OK) == 0 || no_write) {
            fprintf(stderr, "nestvm: --disk: '%s' is read-only; add ',ro' to use it as a read-only disk\n", disk->path);
            return -1;
        }
        errno = EACCES;
        fd = -1;
    }
    if (fd < 0) {
        fprintf(stderr, "nestvm: --disk: cannot open '%s': %s\n", disk->path, strerror(errno));
        return -1;
    }
    uint64_t bytes = (uint64_t)st.st_size;
    if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &bytes) < 0)
        bytes = 0;
    if (bytes < SECTOR) {
        fprintf(stderr, "nestvm: --disk: '%s' is smaller than one %u-byte sector\n", disk->path, SECTOR);
        close(fd);
        return -1;
    }
    *fd_out = fd;
    *sectors = bytes / SECTOR;
    return 0;
}

int virtio_blk_check(const struct board_disk *disk)
{
    int fd;
    uint64_t sectors;
    if (open_disk(disk, &fd, &sectors) < 0)
        return -1;
    close(fd);
    return 0;
}

/* iov <- bytes [skip, skip + len) of the segments src[0..n). */
static unsigned slice(const struct iovec *src, unsigned n, size_t skip, size_t len, struct iovec *iov)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n && len; i++) {
        if (skip >= src[i].iov_len) {
            skip -= src[i].iov_len;
            continue;
        }
        size_t take = src[i].iov_len - skip;
        if (take > len)
            take = len;
        iov[k++] = (struct iovec){ (uint8_t *)src[i].iov_base + skip, take };
        len -= take;
        skip = 0;
    }
    return k;
}

/* Whole transfer, resuming after short reads/writes; false on error or EOF. */
static bool rw_all(int fd, struct iovec *iov, unsigned n, uint64_t off, bool write)
{
    while (n) {
        ssize_t r = write ? pwritev(fd, iov, (int)n, (off_t)off) : preadv(fd, iov, (int)n, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        off += (uint64_t)r;
        size_t left = (size_t)r;
        while (n && left >= iov->iov_len) {
            left -= iov->iov_len;
            iov++, n--;
        }
        if (n) {
            iov->iov_base = (uint8_t *)iov->iov_base + left;
            iov->iov_len -= left;
        }
    }
    return true;
}

static bool zero_range(int fd, uint64_t off, uint64_t len)
{
    if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
        return true;
    if (fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
        return true;
    static const uint8_t zeros[65536];
    while (len) {
        size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
        ssize_t w = pwrite(fd, zeros, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        off += (uint64_t)w;
        len -= (uint64_t)w;
    }
    return true;
}

/* DISCARD / WRITE_ZEROES: segments of {le64 sector, le32 num_sectors, le32 flags}. */
static uint8_t do_ranges(struct vblk *k, struct virtq_elem *e, size_t data_len, unsigned type)
{
    if (data_len % 16 || data_len / 16 > MAX_DISCARD_SEGS || data_len == 0)
        return S_IOERR;
    for (size_t off = 16; off < 16 + data_len; off += 16) {
        uint8_t seg[16];
        virtq_elem_read(e, off, seg, 16);
        uint64_t sector = get_le64(seg);
        uint32_t num = get_le32(seg + 8), flags = get_le32(seg + 12);
        if (num > MAX_DISCARD_SECTORS || sector > k->sectors || num > k->sectors - sector ||
            (flags & ~1u) || (type == T_DISCARD && flags))
            return S_IOERR;
        uint64_t boff = sector * SECTOR, blen = (uint64_t)num * SECTOR;
        if (type == T_WRITE_ZEROES) {
            if (!zero_range(k->fd, boff, blen))
                return S_IOERR;
        } else {
            /* Discard is a hint: a file system without hole punching keeps the data. */
            (void)fallocate(k->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)boff, (off_t)blen);
        }
    }
    return S_OK;
}

/* One request; returns the bytes written to the guest (data + status). */
static uint32_t do_request(struct vblk *k, struct virtq_elem *e)
{
    uint8_t hdr[16];
    virtq_elem_read(e, 0, hdr, 16);
    uint32_t type = get_le32(hdr);
    uint64_t sector = get_le64(hdr + 8);
    size_t out_data = e->out_len - 16, in_data = e->in_len - 1;
    uint8_t status = S_OK;
    uint32_t written = 0;
    switch (type) {
    case T_IN:
    case T_OUT: {
        bool wr = type == T_OUT;
        size_t len = wr ? out_data : in_data;
        if (wr && k->ro) {
            status = S_IOERR;
            break;
        }
        if (len % SECTOR || sector > k->sectors || len / SECTOR > k->sectors - sector) {
            status = S_IOERR;
            break;
        }
        unsigned n = wr ? slice(e->out, e->nout, 16, len, k->iov) : slice(e->in, e->nin, 0, len, k->iov);
        if (!rw_all(k->fd, k->iov, n, sector * SECTOR, wr))
            status = S_IOERR;
        else if (!wr)
            written = (uint32_t)len;
        break;
    }
    case T_FLUSH:
        if (fdatasync(k->fd) < 0)
            status = S_IOERR;
        break;
    case T_GET_ID: {
        size_t n = in_data < ID_BYTES ? in_data : ID_BYTES;
        written = (uint32_t)virtq_elem_write(e, 0, k->id, n);
        break;
    }
    case T_DISCARD:
    case T_WRITE_ZEROES:
        status = k->ro ? S_IOERR : do_ranges(k, e, out_data, type);
        break;
    default:
        status = S_UNSUPP;
        break;
    }
    virtq_elem_write(e, e->in_len - 1, &status, 1);
    return written + 1;
}

static void process(struct vblk *k)
{
    struct virtio_dev *vd = k->vd;
    struct virtq *vq = &vd->vqs[0];
    pthread_mutex_lock(&vq->lock);
    if (virtq_usable(vd, vq)) {
        do {
            int got;
            while ((got = virtq_pop(vd, vq, &k->elem)) == 1) {
                if (k->elem.out_len < 16 || k->elem.in_len < 1) {
                    virtio_set_broken(vd, "request without header or status byte");
                    got = -1;
                    break;
                }
                uint32_t w = do_request(k, &k->elem);
                virtq_push(vd, vq, &k->elem, w);
            }
            if (got < 0)
                break;
            virtq_notify(vd, vq);
        } while (virtq_enable_notify(vd, vq));
    }
    pthread_mutex_unlock(&vq->lock);
}

static void *io_thread(void *arg)
{
    struct vblk *k = arg;
    pthread_mutex_lock(&k->lock);
    for (;;) {
        while (!k->kick && !k->stop)
            pthread_cond_wait(&k->cond, &k->lock);
        if (k->stop)
            break;
        k->kick = false;
        pthread_mutex_unlock(&k->lock);
        process(k);
        pthread_mutex_lock(&k->lock);
    }
    pthread_mutex_unlock(&k->lock);
    return NULL;
}

static void blk_notify(struct virtio_dev *vd, unsigned q)
{
    struct vblk *k = vd->priv;
    (void)q;
    pthread_mutex_lock(&k->lock);
    k->kick = true;
    pthread_cond_signal(&k->cond);
    pthread_mutex_unlock(&k->lock);
}

static void blk_destroy(struct virtio_dev *vd)
{
    struct vblk *k = vd->priv;
    if (k->thread_started) {
        pthread_mutex_lock(&k->lock);
        k->stop = true;
        pthread_cond_signal(&k->cond);
        pthread_mutex_unlock(&k->lock);
        pthread_join(k->thread, NULL);
    }
    if (k->fd >= 0) {
        if (!k->ro)
            fdatasync(k->fd);
        close(k->fd);
    }
    free(k);
}

static const struct virtio_dev_ops blk_ops = {
    .notify = blk_notify,
    .start = NULL,
    .destroy = blk_destroy,
};

int virtio_blk_create(struct board *b, const struct board_disk *disk)
{
    static unsigned count;
    struct vblk *k = calloc(1, sizeof(*k));
    if (!k)
        return -1;
    k->fd = -1;
    if (open_disk(disk, &k->fd, &k->sectors) < 0) {
        free(k);
        return -1;
    }
    k->ro = disk->readonly;
    /* Serial (GET_ID): "nestvm-disk<N>", N in command-line order. */
    snprintf(k->id, sizeof(k->id), "nestvm-disk%u", count++);
    pthread_mutex_init(&k->lock, NULL);
    pthread_cond_init(&k->cond, NULL);
    uint64_t f = 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
                 1ull << VIRTIO_BLK_F_FLUSH;
    f |= k->ro ? 1ull << VIRTIO_BLK_F_RO : 1ull << VIRTIO_BLK_F_DISCARD | 1ull << VIRTIO_BLK_F_WRITE_ZEROES;
    struct virtio_dev *vd = virtio_dev_create(b, "virtio-blk", VIRTIO_ID_BLOCK, f, 1, CONFIG_LEN, &blk_ops, k);
    if (!vd) {
        close(k->fd);
        free(k);
        return -1;
    }
    k->vd = vd;
    uint8_t *c = vd->config;
    put_le64(c + 0, k->sectors);
    put_le32(c + 8, SIZE_MAX_BYTES);
    put_le32(c + 12, SEG_MAX);
    put_le32(c + 20, SECTOR);                   /* blk_size */
    put_le32(c + 36, MAX_DISCARD_SECTORS);
    put_le32(c + 40, MAX_DISCARD_SEGS);
    put_le32(c + 44, 8);                        /* discard granularity: 4 KiB */
    put_le32(c + 48, MAX_DISCARD_SECTORS);      /* write zeroes */
    put_le32(c + 52, MAX_DISCARD_SEGS);
    c[56] = 1;                                  /* write_zeroes_may_unmap */
    k->thread_started = pthread_create(&k->thread, NULL, io_thread, k) == 0;
    if (!k->thread_started) {
        fprintf(stderr, "nestvm: virtio-blk: cannot start the I/O thread\n");
        virtio_dev_destroy(vd);
        return -1;
    }
    return virtio_dev_attach(b, vd);
}
