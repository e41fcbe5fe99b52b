/* Loading the guest kernel and initrd from files. */
#ifndef NESTVM_LOADER_H
#define NESTVM_LOADER_H

#include <stddef.h>
#include <stdint.h>

struct kernel_image {
    uint8_t *data;          /* the decompressed Image */
    size_t file_size;       /* bytes of data */
    uint64_t image_size;    /* memory the kernel occupies (header) */
    uint64_t text_offset;
};

/* Read and validate an arm64 Image (gzip accepted).  Prints one error line
 * and returns -1 on bad input. */
int load_kernel_image(const char *path, struct kernel_image *k);
/* Read a whole file of at most max bytes. */
int load_blob(const char *path, uint8_t **data, size_t *len, size_t max);

#endif
