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

static int read_file(const char *path, uint8_t **buf, size_t *len, size_t max)
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
    size_t n = (size_t)st.st_size;
    uint8_t *p = malloc(n ? n : 1);
    if (!p) {
        close(fd);
        return -1;
    }
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            fprintf(stderr, "nestvm: error reading '%s'\n", path);
            free(p);
            close(fd);
            return -1;
        }
        got += (size_t)r;
    }
    close(fd);
    *buf = p;
    *len = n;
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

int load_kernel_image(const char *path, struct kernel_image *k)
{
    uint8_t *raw;
    size_t len;
    if (read_file(path, &raw, &len, MAX_IMAGE) < 0)
        return -1;
    if (len >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
        uint8_t *img;
        size_t ilen;
        if (gunzip(raw, len, &img, &ilen) < 0) {
            fprintf(stderr, "nestvm: '%s': corrupt or truncated gzip data\n", path);
            free(raw);
            return -1;
        }
        free(raw);
        raw = img;
        len = ilen;
    }
    if (len < 64 || memcmp(raw + 56, "ARM\x64", 4) != 0) {
        fprintf(stderr, "nestvm: '%s' is not an arm64 Linux Image (no 'ARM\\x64' magic in the header)\n", path);
        free(raw);
        return -1;
    }
    uint64_t text_offset = le64(raw + 8), image_size = le64(raw + 16), flags = le64(raw + 24);
    if (image_size == 0) {
        /* Pre-3.17 kernels: text_offset 0x80000, size unknown. */
        image_size = len;
        text_offset = 0x80000;
    }
    if (flags & 1) {
        fprintf(stderr, "nestvm: '%s' is a big-endian kernel, which nestvm does not run\n", path);
        free(raw);
        return -1;
    }
    if (image_size < len || image_size > MAX_IMAGE || text_offset > (2u << 20) || (text_offset & 0xfff)) {
        fprintf(stderr, "nestvm: '%s': inconsistent Image header (image_size %llu, file %zu, text_offset 0x%llx)\n",
                path, (unsigned long long)image_size, len, (unsigned long long)text_offset);
        free(raw);
        return -1;
    }
    k->data = raw;
    k->file_size = len;
    k->image_size = image_size;
    k->text_offset = text_offset;
    return 0;
}

int load_blob(const char *path, uint8_t **data, size_t *len, size_t max)
{
    return read_file(path, data, len, max);
}
