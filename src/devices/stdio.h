/* The host terminal (stdin/stdout) as the byte stream of one console device
 * (PL011 or virtio-console): raw mode while the VM runs, a reader thread. */
#ifndef NESTVM_STDIO_H
#define NESTVM_STDIO_H

#include <stddef.h>
#include <stdint.h>

struct stdio_port;

/* rx runs on the reader thread with bytes typed or piped in and returns how
 * many it took; the rest is offered again a little later (input is never
 * dropped).  NULL when out of memory. */
struct stdio_port *stdio_open(size_t (*rx)(void *opaque, const uint8_t *buf, size_t n), void *opaque);
/* Write to stdout (any thread). */
void stdio_write(const void *buf, size_t n);
/* Stop the reader thread and restore the terminal. */
void stdio_close(struct stdio_port *p);

#endif
