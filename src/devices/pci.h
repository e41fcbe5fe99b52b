/* PCI Express host bridge with ECAM ("pci-host-ecam-generic"): one root bus
 * of type-0 functions, 32-bit memory BARs that the guest sizes and places in
 * the memory window, legacy INTx swizzled onto four SPIs. */
#ifndef NESTVM_PCI_H
#define NESTVM_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "board/board.h"

#define PCI_CFG_SIZE 256
#define PCI_NUM_BARS 6

/* Config space offsets used by functions. */
enum {
    PCI_VENDOR_ID = 0x00, PCI_DEVICE_ID = 0x02, PCI_COMMAND = 0x04, PCI_STATUS = 0x06, PCI_REVISION = 0x08,
    PCI_CLASS_PROG = 0x09, PCI_HEADER_TYPE = 0x0e, PCI_BAR0 = 0x10, PCI_SUBSYS_VENDOR = 0x2c, PCI_SUBSYS_ID = 0x2e,
    PCI_CAP_PTR = 0x34, PCI_INT_LINE = 0x3c, PCI_INT_PIN = 0x3d,
};
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_INTX_DISABLE 0x400u
#define PCI_STATUS_INTX 0x8u
#define PCI_STATUS_CAP_LIST 0x10u

struct pci_fn {
    uint8_t cfg[PCI_CFG_SIZE];
    uint8_t wmask[PCI_CFG_SIZE];        /* guest-writable bits */
    uint32_t bar_size[PCI_NUM_BARS];    /* power of two >= 16, 0 = no BAR */
    /* An access inside an implemented BAR (off relative to the BAR). */
    bool (*bar_mmio)(struct pci_fn *f, unsigned bar, uint64_t off, unsigned size, bool write, uint64_t *data);
    /* Optional: config accesses in [hook_lo, hook_hi) go here instead. */
    unsigned hook_lo, hook_hi;
    void (*cfg_hook)(struct pci_fn *f, unsigned off, unsigned size, bool write, uint64_t *data);
    void (*destroy)(struct pci_fn *f);
    void *priv;
    /* Owned by the bridge. */
    struct pci_host *host;
    unsigned slot;
    bool intx;
};

/* Put f on the board's root bus (creating the bridge on first use).  The
 * caller filled cfg (IDs, class, capabilities), wmask and bar_size; 0 or -1. */
int pci_add_fn(struct board *b, struct pci_fn *f);
/* Drive the function's INTA# line. */
void pci_set_intx(struct pci_fn *f, bool level);
/* Base address the guest gave BAR n (0 if unassigned). */
uint32_t pci_bar_addr(struct pci_fn *f, unsigned n);

#endif
