/* Loading the guest kernel and initrd from files. */
#ifndef NESTVM_LOADER_H
#define NESTVM_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A whole file of at most max bytes, read into place later. */
struct blob {
    int fd;
    const char *path;
    size_t len;
};
int open_blob(const char *path, size_t max, struct blob *out);
int blob_copy(const struct blob *bl, void *dst);
void blob_release(struct blob *bl);

struct kernel_image {
    uint8_t *data;          /* the decompressed Image (gzip input), or NULL: */
    struct blob file;       /* ... then the Image is still in this file; len: bytes of the Image */
    uint64_t image_size;    /* memory the kernel occupies (header) */
    uint64_t text_offset;
    bool aarch32;           /* a 32-bit ARM zImage: boots at AArch32 EL1 */
};

/* Open and validate an arm64 Image (gzip accepted) or a 32-bit ARM zImage.
 * Prints one error line and returns -1 on bad input. */
int load_kernel_image(const char *path, struct kernel_image *k);
/* Put the Image's file.len bytes at dst; -1 (one error line) if the file
 * changed underneath. */
int kernel_image_copy(const struct kernel_image *k, void *dst);
void kernel_image_release(struct kernel_image *k);

#endif
