/* Linux arm64 boot: Image (optionally gzip-compressed) and initrd placement
 * per Documentation/arch/arm64/booting.rst. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "loader.h"

#define MAX_IMAGE (512ull << 20)   /* a decompressed kernel larger than this is not a kernel */

/* Open a regular file of at most max bytes; its size in *len. */
static int open_checked(const char *path, size_t max, int *fd_out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "nestvm: cannot open '%s': %s\n", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "nestvm: '%s' is not a regular file\n", path);
        close(fd);
        return -1;
    }
    if ((uint64_t)st.st_size > max) {
        fprintf(stderr, "nestvm: '%s' is too large (%lld bytes)\n", path, (long long)st.st_size);
        close(fd);
        return -1;
    }
    *fd_out = fd;
    *len = (size_t)st.st_size;
    return 0;
}

/* Read len bytes from the start of fd into dst (a file that shrank since it
 * was checked is an error, not a short guest image). */
static int read_all(int fd, const char *path, void *dst, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(fd, (uint8_t *)dst + got, len - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            fprintf(stderr, "nestvm: error reading '%s'%s\n", path, r == 0 ? ": it became shorter" : "");
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

static int read_file(const char *path, int fd, size_t n, uint8_t **buf)
{
    uint8_t *p = malloc(n ? n : 1);
    if (!p)
        return -1;
    if (read_all(fd, path, p, n) < 0) {
        free(p);
        return -1;
    }
    *buf = p;
    return 0;
}

static int gunzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
    size_t cap = in_len * 4 + (1u << 20);
    if (cap > MAX_IMAGE)
        cap = MAX_IMAGE;
    uint8_t *buf = malloc(cap);
    if (!buf)
        return -1;
    z_stream s = { 0 };
    if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
        free(buf);
        return -1;
    }
    s.next_in = (Bytef *)(uintptr_t)in;
    s.avail_in = (uInt)in_len;
    int r;
    for (;;) {
        s.next_out = buf + s.total_out;
        s.avail_out = (uInt)(cap - s.total_out);
        r = inflate(&s, Z_NO_FLUSH);
        if (r == Z_STREAM_END)
            break;
        if (r != Z_OK && r != Z_BUF_ERROR)
            break;
        if (s.avail_in == 0 && s.avail_out != 0) {
            r = Z_DATA_ERROR;   /* input ended before the stream did: truncated */
            break;
        }
        if (s.avail_out == 0) {
            if (cap >= MAX_IMAGE)
                break;
            cap = cap * 2 > MAX_IMAGE ? MAX_IMAGE : cap * 2;
            uint8_t *nb = realloc(buf, cap);
            if (!nb)
                break;
            buf = nb;
        } else if (r == Z_BUF_ERROR) {
            break;      /* truncated input */
        }
    }
    size_t total = s.total_out;
    inflateEnd(&s);
    if (r != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = total;
    return 0;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint32_t le32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* A 32-bit ARM zImage (Linux's arch/arm boot protocol, "booting.rst"): the
 * magic at 0x24, start and end at 0x28/0x2c (start 0: position independent),
 * the endianness word at 0x30.  The decompressor finds its own room, so the
 * image is placed 32 KiB into RAM as the protocol suggests and its file size
 * is all that is loaded. */
#define ZIMAGE_MAGIC 0x016f2818u
static int check_zimage(const char *path, const uint8_t *raw, struct kernel_image *k)
{
    uint32_t start = le32(raw + 0x28), end = le32(raw + 0x2c), endian = le32(raw + 0x30);
    if (endian == 0x01020304u) {
        fprintf(stderr, "nestvm: '%s' is a big-endian zImage, which nestvm does not run\n", path);
        goto bad;
    }
    if (endian != 0x04030201u || end <= start || end - start > k->file.len || end - start < 0x34) {
        fprintf(stderr, "nestvm: '%s': inconsistent zImage header (start 0x%x, end 0x%x, file %zu)\n", path,
                start, end, k->file.len);
        goto bad;
    }
    k->aarch32 = true;
    k->image_size = k->file.len;
    k->text_offset = 0x8000;
    return 0;
bad:
    kernel_image_release(k);
    return -1;
}

/* The Image stays in its file until kernel_image_copy() reads it straight
 * into guest memory (one copy of ~30 MB instead of two); a gzip-compressed
 * one is decompressed here. */
int load_kernel_image(const char *path, struct kernel_image *k)
{
    k->data = NULL;
    if (open_blob(path, MAX_IMAGE, &k->file) < 0)
        return -1;
    size_t len = k->file.len;
    uint8_t head[64] = { 0 };
    if (read_all(k->file.fd, path, head, len < 64 ? len : 64) < 0)
        goto bad;
    const uint8_t *raw = head;
    if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
        uint8_t *gz, *img;
        size_t ilen;
        int r = read_file(path, k->file.fd, len, &gz);
        blob_release(&k->file);
        if (r < 0)
            return -1;
        r = gunzip(gz, len, &img, &ilen);
        free(gz);
        if (r < 0) {
            fprintf(stderr, "nestvm: '%s': corrupt or truncated gzip data\n", path);
            return -1;
        }
        k->data = img;
        raw = img;
        len = ilen;
    }
    k->aarch32 = false;
    if (!k->data && len >= 0x34 && le32(raw + 0x24) == ZIMAGE_MAGIC)
        return check_zimage(path, raw, k);
    if (len < 64 || memcmp(raw + 56, "ARM\x64", 4) != 0) {
        fprintf(stderr, "nestvm: '%s' is neither an arm64 Linux Image (no 'ARM\\x64' magic in the header) "
                "nor a 32-bit ARM zImage\n", path);
        goto bad;
    }
    uint64_t text_offset = le64(raw + 8), image_size = le64(raw + 16), flags = le64(raw + 24);
    if (image_size == 0) {
        /* Pre-3.17 kernels: text_offset 0x80000, size unknown. */
        image_size = len;
        text_offset = 0x80000;
    }
    if (flags & 1) {
        fprintf(stderr, "nestvm: '%s' is a big-endian kernel, which nestvm does not run\n", path);
        goto bad;
    }
    if (image_size < len || image_size > MAX_IMAGE || text_offset > (2u << 20) || (text_offset & 0xfff)) {
        fprintf(stderr, "nestvm: '%s': inconsistent Image header (image_size %llu, file %zu, text_offset 0x%llx)\n",
                path, (unsigned long long)image_size, len, (unsigned long long)text_offset);
        goto bad;
    }
    k->file.len = len;
    k->image_size = image_size;
    k->text_offset = text_offset;
    return 0;
bad:
    kernel_image_release(k);
    return -1;
}

int kernel_image_copy(const struct kernel_image *k, void *dst)
{
    if (k->data) {
        memcpy(dst, k->data, k->file.len);
        return 0;
    }
    return blob_copy(&k->file, dst);
}

void kernel_image_release(struct kernel_image *k)
{
    free(k->data);
    k->data = NULL;
    blob_release(&k->file);
}

int open_blob(const char *path, size_t max, struct blob *out)
{
    out->fd = -1;
    out->path = path;
    return open_checked(path, max, &out->fd, &out->len);
}

int blob_copy(const struct blob *bl, void *dst)
{
    return read_all(bl->fd, bl->path, dst, bl->len);
}

void blob_release(struct blob *bl)
{
    if (bl->fd >= 0)
        close(bl->fd);
    bl->fd = -1;
}
