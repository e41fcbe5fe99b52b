/* PL061 GPIO controller (ARM DDI 0190), eight lines.  Line 3 is the power
 * button: the device tree wires it to a gpio-keys node sending KEY_POWER, so
 * a guest with the gpio-keys driver sees a key press, and one without it can
 * still read the line through the GPIO character device or sysfs.  Inputs
 * are driven by the host (pl061_set_input); outputs are latched. */
#include <libfdt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "board/board.h"

enum {
    GPIODIR = 0x400, GPIOIS = 0x404, GPIOIBE = 0x408, GPIOIEV = 0x40c, GPIOIE = 0x410, GPIORIS = 0x414,
    GPIOMIS = 0x418, GPIOIC = 0x41c, GPIOAFSEL = 0x420,
};
#define KEY_POWER 116   /* Linux input event code */

struct pl061 {
    pthread_mutex_t lock;
    uint8_t out, in;        /* latched outputs; host-driven input levels */
    uint8_t dir, is, ibe, iev, ie, ris, afsel;
    bool level;
};

static uint8_t pins(struct pl061 *g)
{
    return (uint8_t)((g->out & g->dir) | (g->in & ~g->dir));
}

/* Level-sensitive lines follow the pins; then drive the SPI. */
static void update(struct device *d)
{
    struct pl061 *g = d->priv;
    uint8_t p = pins(g);
    uint8_t lvl = (uint8_t)(g->is & ~(p ^ g->iev));   /* level and matching polarity */
    g->ris = (uint8_t)((g->ris & ~g->is) | lvl);
    bool level = (g->ris & g->ie) != 0;
    if (level != g->level) {
        g->level = level;
        board_set_irq(d->board, d->spi, level);
    }
}

/* Edge detection for pins that changed from old to now. */
static void edges(struct pl061 *g, uint8_t old, uint8_t now)
{
    uint8_t changed = (uint8_t)(old ^ now);
    uint8_t rising = changed & now, falling = changed & old;
    uint8_t hit = (uint8_t)((g->ibe & changed) | (~g->ibe & ((g->iev & rising) | (~g->iev & falling))));
    g->ris |= (uint8_t)(hit & ~g->is);
}

static bool pl061_mmio(struct device *d, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    struct pl061 *g = d->priv;
    static const uint8_t id[8] = { 0x61, 0x10, 0x04, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    (void)size;
    pthread_mutex_lock(&g->lock);
    uint8_t old = pins(g);
    if (write) {
        uint8_t v = (uint8_t)*data;
        if (off < 0x400) {   /* address bits [9:2] mask the data */
            uint8_t mask = (uint8_t)(off >> 2) & g->dir;
            g->out = (uint8_t)((g->out & ~mask) | (v & mask));
        } else {
            switch (off) {
            case GPIODIR: g->dir = v; break;
            case GPIOIS: g->is = v; break;
            case GPIOIBE: g->ibe = v; break;
            case GPIOIEV: g->iev = v; break;
            case GPIOIE: g->ie = v; break;
            case GPIOIC: g->ris &= (uint8_t)~v; break;
            case GPIOAFSEL: g->afsel = v; break;
            default: break;
            }
        }
        edges(g, old, pins(g));
    } else {
        uint64_t v = 0;
        if (off < 0x400) {
            v = pins(g) & (uint8_t)(off >> 2);
        } else {
            switch (off) {
            case GPIODIR: v = g->dir; break;
            case GPIOIS: v = g->is; break;
            case GPIOIBE: v = g->ibe; break;
            case GPIOIEV: v = g->iev; break;
            case GPIOIE: v = g->ie; break;
            case GPIORIS: v = g->ris; break;
            case GPIOMIS: v = g->ris & g->ie; break;
            case GPIOAFSEL: v = g->afsel; break;
            default:
                if (off >= 0xfe0 && off < 0x1000)
                    v = id[(off - 0xfe0) / 4];
                break;
            }
        }
        *data = v;
    }
    update(d);
    pthread_mutex_unlock(&g->lock);
    return true;
}

void pl061_set_input(struct device *d, unsigned line, bool level)
{
    struct pl061 *g = d->priv;
    if (line > 7)
        return;
    pthread_mutex_lock(&g->lock);
    uint8_t old = pins(g);
    g->in = (uint8_t)(level ? g->in | 1u << line : g->in & ~(1u << line));
    edges(g, old, pins(g));
    update(d);
    pthread_mutex_unlock(&g->lock);
}

static int pl061_fdt(struct device *d, void *fdt, struct board *b)
{
    static const char compat[] = "arm,pl061\0arm,primecell";
    uint32_t clk = cpu_to_fdt32(board_clock_phandle(b));
    int e = device_fdt_begin(d, fdt, compat, sizeof(compat));
    e |= fdt_property(fdt, "clocks", &clk, sizeof(clk));
    e |= fdt_property_string(fdt, "clock-names", "apb_pclk");
    e |= fdt_property(fdt, "gpio-controller", NULL, 0);
    e |= fdt_property_u32(fdt, "#gpio-cells", 2);
    e |= fdt_property_u32(fdt, "phandle", BOARD_PHANDLE_GPIO);
    e |= fdt_end_node(fdt);

    uint32_t gpios[3] = { cpu_to_fdt32(BOARD_PHANDLE_GPIO), cpu_to_fdt32(VIRT_GPIO_POWER_LINE), 0 };
    e |= fdt_begin_node(fdt, "gpio-keys");
    e |= fdt_property_string(fdt, "compatible", "gpio-keys");
    e |= fdt_begin_node(fdt, "poweroff");
    e |= fdt_property_string(fdt, "label", "GPIO Key Poweroff");
    e |= fdt_property_u32(fdt, "linux,code", KEY_POWER);
    e |= fdt_property(fdt, "gpios", gpios, sizeof(gpios));
    e |= fdt_end_node(fdt);
    e |= fdt_end_node(fdt);
    return e;
}

static void pl061_destroy(struct device *d)
{
    struct pl061 *g = d->priv;
    pthread_mutex_destroy(&g->lock);
    device_free(d);
}

struct device *pl061_create(struct board *b, uint64_t base, int spi)
{
    struct device *d = device_new(b, "pl061", base, 0x1000, spi, sizeof(struct pl061));
    if (!d)
        return NULL;
    struct pl061 *g = d->priv;
    pthread_mutex_init(&g->lock, NULL);
    d->mmio = pl061_mmio;
    d->fdt = pl061_fdt;
    d->destroy = pl061_destroy;
    return d;
}
