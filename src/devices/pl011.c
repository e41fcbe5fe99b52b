/* PL011 UART on the host's stdin/stdout (ARM DDI 0183).  Transmit is
 * immediate, so the TX FIFO always reads empty and the TX interrupt is always
 * raised when unmasked; received bytes come from the stdio reader thread into
 * a 32-entry FIFO and raise the RX and receive-timeout interrupts.  With the
 * virtio console on stdio (--console virtio) the UART is still there but
 * disconnected: output is dropped, no input arrives. */
#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "devices/stdio.h"

#define FIFO 32

enum {
    UARTDR = 0x000, UARTRSR = 0x004, UARTFR = 0x018, UARTILPR = 0x020, UARTIBRD = 0x024, UARTFBRD = 0x028,
    UARTLCR_H = 0x02c, UARTCR = 0x030, UARTIFLS = 0x034, UARTIMSC = 0x038, UARTRIS = 0x03c, UARTMIS = 0x040,
    UARTICR = 0x044, UARTDMACR = 0x048,
};
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)

struct pl011 {
    pthread_mutex_t lock;
    uint8_t rx[FIFO];
    unsigned rx_head, rx_count;
    uint32_t ibrd, fbrd, lcr, cr, ifls, imsc, dmacr, ilpr;
    bool level;
    struct stdio_port *port;   /* NULL: not connected to stdio */
};

static uint32_t ris(struct pl011 *u)
{
    uint32_t r = INT_TX;
    if (u->rx_count)
        r |= INT_RX | INT_RT;
    return r;
}

/* Call with the lock held. */
static void update_irq(struct device *d)
{
    struct pl011 *u = d->priv;
    bool level = (ris(u) & u->imsc) != 0;
    if (level != u->level) {
        u->level = level;
        board_set_irq(d->board, d->spi, level);
    }
}

static bool pl011_mmio(struct device *d, uint64_t off, unsigned size, bool is_write, uint64_t *data)
{
    struct pl011 *u = d->priv;
    static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    (void)size;
    pthread_mutex_lock(&u->lock);
    if (is_write) {
        uint32_t v = (uint32_t)*data;
        switch (off) {
        case UARTDR: {
            char ch = (char)v;
            if (u->port)
                stdio_write(&ch, 1);
            break;
        }
        case UARTRSR: break;
        case UARTILPR: u->ilpr = v & 0xff; break;
        case UARTIBRD: u->ibrd = v & 0xffff; break;
        case UARTFBRD: u->fbrd = v & 0x3f; break;
        case UARTLCR_H: u->lcr = v & 0xff; break;
        case UARTCR: u->cr = v & 0xffff; break;
        case UARTIFLS: u->ifls = v & 0x3f; break;
        case UARTIMSC: u->imsc = v & 0x7ff; break;
        case UARTICR: break;   /* RX/RT follow the FIFO; TX is level */
        case UARTDMACR: u->dmacr = v & 7; break;
        default: break;
        }
    } else {
        uint64_t v = 0;
        switch (off) {
        case UARTDR:
            if (u->rx_count) {
                v = u->rx[u->rx_head];
                u->rx_head = (u->rx_head + 1) % FIFO;
                u->rx_count--;
            }
            break;
        case UARTFR:
            v = 1u << 7;                            /* TXFE */
            v |= u->rx_count ? 0 : 1u << 4;         /* RXFE */
            v |= u->rx_count == FIFO ? 1u << 6 : 0; /* RXFF */
            break;
        case UARTILPR: v = u->ilpr; break;
        case UARTIBRD: v = u->ibrd; break;
        case UARTFBRD: v = u->fbrd; break;
        case UARTLCR_H: v = u->lcr; break;
        case UARTCR: v = u->cr; break;
        case UARTIFLS: v = u->ifls; break;
        case UARTIMSC: v = u->imsc; break;
        case UARTRIS: v = ris(u); break;
        case UARTMIS: v = ris(u) & u->imsc; break;
        case UARTDMACR: v = u->dmacr; break;
        default:
            if (off >= 0xfe0 && off < 0x1000)
                v = id[(off - 0xfe0) / 4];
            break;
        }
        *data = v;
    }
    update_irq(d);
    pthread_mutex_unlock(&u->lock);
    return true;
}

/* Bytes from stdin (reader thread): take what fits in the FIFO. */
static size_t pl011_rx(void *opaque, const uint8_t *buf, size_t n)
{
    struct device *d = opaque;
    struct pl011 *u = d->priv;
    size_t i = 0;
    pthread_mutex_lock(&u->lock);
    for (; i < n && u->rx_count < FIFO; i++) {
        u->rx[(u->rx_head + u->rx_count) % FIFO] = buf[i];
        u->rx_count++;
    }
    update_irq(d);
    pthread_mutex_unlock(&u->lock);
    return i;
}

static int pl011_fdt(struct device *d, void *fdt, struct board *b)
{
    static const char compat[] = "arm,pl011\0arm,primecell";
    uint32_t clk[2] = { cpu_to_fdt32(board_clock_phandle(b)), cpu_to_fdt32(board_clock_phandle(b)) };
    int r = device_fdt_begin(d, fdt, compat, sizeof(compat));
    r |= fdt_property(fdt, "clocks", clk, sizeof(clk));
    r |= fdt_property(fdt, "clock-names", "uartclk\0apb_pclk", sizeof("uartclk\0apb_pclk"));
    r |= fdt_end_node(fdt);
    return r;
}

static void pl011_destroy(struct device *d)
{
    struct pl011 *u = d->priv;
    stdio_close(u->port);
    device_free(d);
}

struct device *pl011_create(struct board *b, uint64_t base, int spi)
{
    struct device *d = device_new(b, "pl011", base, 0x1000, spi, sizeof(struct pl011));
    if (!d)
        return NULL;
    struct pl011 *u = d->priv;
    pthread_mutex_init(&u->lock, NULL);
    u->cr = 0x300;  /* TXE | RXE */
    d->mmio = pl011_mmio;
    d->fdt = pl011_fdt;
    d->destroy = pl011_destroy;
    if (board_get_config(b)->console == BOARD_CONSOLE_SERIAL)
        u->port = stdio_open(pl011_rx, d);
    return d;
}
