/* PCIe host bridge, ECAM flavour, on the virt memory map: configuration
 * space at VIRT_PCIE_ECAM (bus << 20 | device << 15 | function << 12 | reg),
 * a 32-bit memory window and an I/O window.  No firmware assigns BARs: the
 * guest sizes them (write all-ones, read back the mask) and places them.
 * Only bus 0, function 0 of each slot is populated; absent functions read
 * all-ones as a master abort does.  INTA# of slot s drives SPI
 * VIRT_PCIE_SPI + s % 4 (the standard swizzle, written to the device tree as
 * interrupt-map); several functions share a line, which is the OR of them. */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/pci.h"

#define PCI_SLOTS 32
#define ECAM_BUSES 16

struct pci_host {
    struct board *board;
    pthread_mutex_t lock;
    struct pci_fn *fns[PCI_SLOTS];
    unsigned next_slot;
    bool line[4];
    struct pci_host *next;
};

/* One bridge per board. */
static struct pci_host *hosts;
static pthread_mutex_t hosts_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t rd(const uint8_t *p, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

uint32_t pci_bar_addr(struct pci_fn *f, unsigned n)
{
    return rd(f->cfg + PCI_BAR0 + 4 * n, 4) & ~0xfu;
}

/* Recompute the four shared lines.  Host lock held. */
static void update_lines(struct pci_host *h)
{
    bool lv[4] = { false };
    for (unsigned s = 0; s < PCI_SLOTS; s++) {
        struct pci_fn *f = h->fns[s];
        if (f && f->intx && !(rd(f->cfg + PCI_COMMAND, 2) & PCI_COMMAND_INTX_DISABLE))
            lv[s % 4] = true;
    }
    for (unsigned l = 0; l < 4; l++)
        if (lv[l] != h->line[l]) {
            h->line[l] = lv[l];
            board_set_irq(h->board, VIRT_PCIE_SPI + (int)l, lv[l]);
        }
}

void pci_set_intx(struct pci_fn *f, bool level)
{
    struct pci_host *h = f->host;
    pthread_mutex_lock(&h->lock);
    f->intx = level;
    uint8_t st = f->cfg[PCI_STATUS];
    f->cfg[PCI_STATUS] = level ? st | PCI_STATUS_INTX : st & ~PCI_STATUS_INTX;
    update_lines(h);
    pthread_mutex_unlock(&h->lock);
}

/* ---- configuration space (ECAM) ---- */

static bool ecam_mmio(struct device *d, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    struct pci_host *h = d->priv;
    unsigned bus = (unsigned)(off >> 20), slot = (unsigned)(off >> 15) & 31, fn = (unsigned)(off >> 12) & 7;
    unsigned reg = (unsigned)off & 0xfff;
    if (size > 4 || (reg & (size - 1))) {
        if (!write)
            *data = ~0ull;
        return true;   /* unaligned: ignored, not an abort */
    }
    pthread_mutex_lock(&h->lock);
    struct pci_fn *f = bus == 0 && fn == 0 ? h->fns[slot] : NULL;
    if (!f) {
        pthread_mutex_unlock(&h->lock);
        if (!write)
            *data = size == 4 ? 0xffffffffu : (1ull << (8 * size)) - 1;
        return true;
    }
    if (f->cfg_hook && reg >= f->hook_lo && reg < f->hook_hi) {
        pthread_mutex_unlock(&h->lock);   /* the hook may reach the device and its INTx */
        if (!write)
            *data = 0;
        f->cfg_hook(f, reg, size, write, data);
        return true;
    }
    if (reg >= PCI_CFG_SIZE) {            /* extended space: nothing there */
        pthread_mutex_unlock(&h->lock);
        if (!write)
            *data = 0;
        return true;
    }
    if (write) {
        for (unsigned i = 0; i < size; i++) {
            uint8_t m = f->wmask[reg + i], v = (uint8_t)(*data >> (8 * i));
            f->cfg[reg + i] = (uint8_t)((f->cfg[reg + i] & ~m) | (v & m));
        }
        if (reg < PCI_COMMAND + 2 && reg + size > PCI_COMMAND)
            update_lines(h);   /* INTx disable may have changed */
    } else {
        *data = rd(f->cfg + reg, size);
    }
    pthread_mutex_unlock(&h->lock);
    return true;
}

/* ---- memory and I/O windows ---- */

static bool mem_mmio(struct device *d, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    struct pci_host *h = d->priv;
    uint64_t addr = d->base + off;
    struct pci_fn *hit = NULL;
    unsigned bar = 0;
    uint64_t bar_off = 0;
    pthread_mutex_lock(&h->lock);
    for (unsigned s = 0; s < PCI_SLOTS && !hit; s++) {
        struct pci_fn *f = h->fns[s];
        if (!f || !(rd(f->cfg + PCI_COMMAND, 2) & PCI_COMMAND_MEMORY))
            continue;
        for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
            uint64_t base = pci_bar_addr(f, n);
            if (f->bar_size[n] && base && addr - base < f->bar_size[n]) {
                hit = f, bar = n, bar_off = addr - base;
                break;
            }
        }
    }
    pthread_mutex_unlock(&h->lock);
    if (hit && bar_off + size <= hit->bar_size[bar])
        return hit->bar_mmio(hit, bar, bar_off, size, write, data);
    if (!write)
        *data = ~0ull >> (64 - 8 * size);   /* master abort */
    return true;
}

static bool pio_mmio(struct device *d, uint64_t off, unsigned size, bool write, uint64_t *data)
{
    (void)d, (void)off;
    if (!write)
        *data = ~0ull >> (64 - 8 * size);   /* no I/O BARs */
    return true;
}

/* ---- device tree ---- */

static int host_fdt(struct device *d, void *fdt, struct board *b)
{
    static const char compat[] = "pci-host-ecam-generic";
    int e = device_fdt_begin(d, fdt, compat, sizeof(compat));
    e |= fdt_property_string(fdt, "device_type", "pci");
    e |= fdt_property_u32(fdt, "#address-cells", 3);
    e |= fdt_property_u32(fdt, "#size-cells", 2);
    e |= fdt_property_u32(fdt, "#interrupt-cells", 1);
    uint32_t range[2] = { cpu_to_fdt32(0), cpu_to_fdt32(ECAM_BUSES - 1) };
    e |= fdt_property(fdt, "bus-range", range, sizeof(range));
    e |= fdt_property_u32(fdt, "linux,pci-domain", 0);
    e |= fdt_property(fdt, "dma-coherent", NULL, 0);
    /* (phys.hi, phys.mid, phys.lo) -> (cpu address) x (size): I/O at bus
     * address 0, 32-bit memory identity-mapped. */
    uint32_t ranges[] = {
        0x01000000, 0, 0, 0, (uint32_t)VIRT_PCIE_PIO, 0, 0x10000,
        0x02000000, 0, (uint32_t)VIRT_PCIE_MMIO, 0, (uint32_t)VIRT_PCIE_MMIO, 0, (uint32_t)VIRT_PCIE_MMIO_SIZE,
    };
    for (unsigned i = 0; i < sizeof(ranges) / 4; i++)
        ranges[i] = cpu_to_fdt32(ranges[i]);
    e |= fdt_property(fdt, "ranges", ranges, sizeof(ranges));
    /* Slot s, pin p (1 = INTA) -> SPI VIRT_PCIE_SPI + (s + p - 1) % 4.  The
     * GIC node has no #address-cells, so no parent unit address. */
    uint32_t map[4 * 4 * 8];
    unsigned n = 0;
    for (unsigned s = 0; s < 4; s++)
        for (unsigned p = 1; p <= 4; p++) {
            uint32_t ent[8] = { s << 11, 0, 0, p, board_gic_phandle(b), 0 /* SPI */,
                                VIRT_PCIE_SPI + (s + p - 1) % 4, 4 /* level high */ };
            for (unsigned i = 0; i < 8; i++)
                map[n++] = cpu_to_fdt32(ent[i]);
        }
    e |= fdt_property(fdt, "interrupt-map", map, sizeof(map));
    uint32_t mask[4] = { cpu_to_fdt32(3u << 11), 0, 0, cpu_to_fdt32(7) };
    e |= fdt_property(fdt, "interrupt-map-mask", mask, sizeof(mask));
    e |= fdt_end_node(fdt);
    return e;
}

static void host_destroy(struct device *d)
{
    struct pci_host *h = d->priv;
    pthread_mutex_lock(&hosts_lock);
    for (struct pci_host **pp = &hosts; *pp; pp = &(*pp)->next)
        if (*pp == h) {
            *pp = h->next;
            break;
        }
    pthread_mutex_unlock(&hosts_lock);
    for (unsigned s = 0; s < PCI_SLOTS; s++)
        if (h->fns[s] && h->fns[s]->destroy)
            h->fns[s]->destroy(h->fns[s]);
    free(h);
    free(d);
}

static struct pci_host *host_of(struct board *b)
{
    pthread_mutex_lock(&hosts_lock);
    struct pci_host *h = hosts;
    while (h && h->board != b)
        h = h->next;
    pthread_mutex_unlock(&hosts_lock);
    if (h)
        return h;
    h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->board = b;
    h->next_slot = 1;   /* slot 0 is conventionally the host bridge's */
    pthread_mutex_init(&h->lock, NULL);
    struct device *ecam = device_new_shared(b, "pcie", VIRT_PCIE_ECAM, (uint64_t)ECAM_BUSES << 20, -1, h);
    struct device *mem = ecam ? device_new_shared(b, "pcie-mem", VIRT_PCIE_MMIO, VIRT_PCIE_MMIO_SIZE, -1, h) : NULL;
    struct device *pio = mem ? device_new_shared(b, "pcie-pio", VIRT_PCIE_PIO, 0x10000, -1, h) : NULL;
    if (!pio) {
        free(h);
        return NULL;   /* the board owns (and frees) what was registered */
    }
    ecam->mmio = ecam_mmio;
    ecam->fdt = host_fdt;
    ecam->destroy = host_destroy;
    mem->mmio = mem_mmio;
    pio->mmio = pio_mmio;
    pthread_mutex_lock(&hosts_lock);
    h->next = hosts;
    hosts = h;
    pthread_mutex_unlock(&hosts_lock);
    return h;
}

int pci_add_fn(struct board *b, struct pci_fn *f)
{
    struct pci_host *h = host_of(b);
    if (!h) {
        fprintf(stderr, "nestvm: cannot create the PCI host bridge\n");
        return -1;
    }
    pthread_mutex_lock(&h->lock);
    if (h->next_slot >= PCI_SLOTS) {
        pthread_mutex_unlock(&h->lock);
        fprintf(stderr, "nestvm: too many PCI devices (at most %u)\n", PCI_SLOTS - 1);
        return -1;
    }
    f->host = h;
    f->slot = h->next_slot++;
    /* BARs: 32-bit non-prefetchable memory, the size's low bits read as 0. */
    for (unsigned n = 0; n < PCI_NUM_BARS; n++)
        if (f->bar_size[n]) {
            uint32_t m = ~(f->bar_size[n] - 1) & ~0xfu;
            for (unsigned i = 0; i < 4; i++)
                f->wmask[PCI_BAR0 + 4 * n + i] = (uint8_t)(m >> (8 * i));
        }
    f->wmask[PCI_COMMAND] = 0x47;       /* I/O, memory, bus master, parity */
    f->wmask[PCI_COMMAND + 1] = 0x05;   /* SERR, INTx disable */
    f->wmask[0x0c] = 0xff;              /* cache line size */
    f->wmask[PCI_INT_LINE] = 0xff;
    f->cfg[PCI_INT_PIN] = 1;            /* INTA# */
    h->fns[f->slot] = f;
    pthread_mutex_unlock(&h->lock);
    return 0;
}
