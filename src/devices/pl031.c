/* PL031 real-time clock (ARM DDI 0224): seconds since the epoch from the
 * host clock plus the offset the guest loaded; match interrupt supported. */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "board/board.h"

enum { RTCDR = 0x00, RTCMR = 0x04, RTCLR = 0x08, RTCCR = 0x0c, RTCIMSC = 0x10, RTCRIS = 0x14, RTCMIS = 0x18, RTCICR = 0x1c };

struct pl031 {
    int64_t offset;     /* guest seconds - host seconds */
    uint32_t mr, imsc, ris;
};

static uint32_t now(struct pl031 *r)
{
    return (uint32_t)((int64_t)time(NULL) + r->offset);
}

static bool pl031_mmio(struct device *d, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    struct pl031 *r = d->priv;
    static const uint8_t id[8] = { 0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    (void)size;
    if (write) {
        uint32_t v = (uint32_t)*data;
        switch (off) {
        case RTCMR: r->mr = v; break;
        case RTCLR: r->offset = (int64_t)v - (int64_t)time(NULL); break;
        case RTCIMSC: r->imsc = v & 1; break;
        case RTCICR: r->ris &= ~v; break;
        default: break;
        }
    } else {
        uint64_t v = 0;
        switch (off) {
        case RTCDR: v = now(r); break;
        case RTCMR: v = r->mr; break;
        case RTCCR: v = 1; break;   /* always started */
        case RTCIMSC: v = r->imsc; break;
        case RTCRIS: v = r->ris; break;
        case RTCMIS: v = r->ris & r->imsc; break;
        default:
            if (off >= 0xfe0 && off < 0x1000)
                v = id[(off - 0xfe0) / 4];
            break;
        }
        *data = v;
    }
    if (r->mr && now(r) == r->mr)
        r->ris = 1;
    board_set_irq(d->board, d->spi, (r->ris & r->imsc) != 0);
    return true;
}

static int pl031_fdt(struct device *d, void *fdt, struct board *b)
{
    static const char compat[] = "arm,pl031\0arm,primecell";
    uint32_t clk = cpu_to_fdt32(board_clock_phandle(b));
    int e = device_fdt_begin(d, fdt, compat, sizeof(compat));
    e |= fdt_property(fdt, "clocks", &clk, sizeof(clk));
    e |= fdt_property_string(fdt, "clock-names", "apb_pclk");
    e |= fdt_end_node(fdt);
    return e;
}

struct device *pl031_create(struct board *b, uint64_t base, int spi)
{
    struct device *d = device_new(b, "pl031", base, 0x1000, spi, sizeof(struct pl031));
    if (!d)
        return NULL;
    d->mmio = pl031_mmio;
    d->fdt = pl031_fdt;
    return d;
}
