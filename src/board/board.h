/* The board: QEMU virt's memory map, devices, device tree, Linux boot, the
 * VMM's firmware (PSCI) and the vCPU threads.  Uses only the hv API. */
#ifndef NESTVM_BOARD_H
#define NESTVM_BOARD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "hv/hv.h"

/* QEMU virt memory map. */
#define VIRT_GIC_DIST 0x08000000ull
#define VIRT_GIC_REDIST 0x080a0000ull
#define VIRT_UART 0x09000000ull
#define VIRT_RTC 0x09010000ull
#define VIRT_GPIO 0x09030000ull
#define VIRT_MMIO 0x0a000000ull      /* virtio-mmio slots, 0x200 apart */
#define VIRT_RAM 0x40000000ull
#define VIRT_PCIE_MMIO 0x10000000ull  /* 32-bit PCI memory window ... */
#define VIRT_PCIE_MMIO_SIZE 0x2eff0000ull
#define VIRT_PCIE_PIO 0x3eff0000ull   /* PCI I/O port window, 64 KiB */
#define VIRT_PCIE_ECAM 0x3f000000ull  /* ECAM, 16 MiB: buses 0-15 */
#define VIRT_SPI_COUNT 64            /* INTIDs 32..95 */
/* SPI numbers (INTID - 32) as in QEMU virt. */
#define VIRT_UART_SPI 1
#define VIRT_RTC_SPI 2
#define VIRT_PCIE_SPI 3              /* INTA..INTD: SPIs 3..6 */
#define VIRT_MMIO_SPI 16             /* virtio-mmio slot n: SPI 16 + n */

/* Exit codes of `nestvm run` (a contract). */
enum board_exit {
    BOARD_EXIT_POWEROFF = 0,
    BOARD_EXIT_INTERNAL = 1,
    BOARD_EXIT_BAD_INPUT = 2,
    BOARD_EXIT_RESET = 3,
    BOARD_EXIT_TIMEOUT = 4,
    BOARD_EXIT_KILLED = 5,      /* the control socket's "kill" */
};

/* The power button: a PL061 at VIRT_GPIO whose line 3 a gpio-keys node maps
 * to KEY_POWER. */
#define VIRT_GPIO_SPI 7
#define VIRT_GPIO_POWER_LINE 3
#define BOARD_PHANDLE_GPIO 3

#define BOARD_MAX_DISKS 8

struct board_disk {
    const char *path;       /* raw image file */
    bool readonly;
};

enum board_console {
    BOARD_CONSOLE_SERIAL,   /* PL011 (ttyAMA0) on stdio */
    BOARD_CONSOLE_VIRTIO,   /* virtio console (hvc0) on stdio */
};

enum board_virtio_transport {
    BOARD_VIRTIO_PCI,       /* virtio-pci behind the ECAM host bridge (default) */
    BOARD_VIRTIO_MMIO,      /* virtio-mmio slots at VIRT_MMIO */
};

/* What `nestvm run` flags and the JSON config both fill in. */
struct board_config {
    const char *kernel, *initrd, *cmdline, *dtb_out, *cpu_model;
    unsigned cpus;
    uint64_t memory;        /* bytes */
    double timeout;         /* seconds, 0 = none */
    bool nested;            /* vCPUs start at EL2 */
    enum hv_backend backend;
    struct board_disk disks[BOARD_MAX_DISKS];   /* virtio-blk, in order (vda, vdb, ...) */
    unsigned ndisks;
    const char *net;        /* NULL, or "user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]..." (virtio-net) */
    enum board_console console;
    bool rng;               /* virtio-rng */
    enum board_virtio_transport virtio_transport;
};

struct board;
struct device;

/* A device on the board: MMIO window, optional SPI, its device-tree node. */
struct device {
    const char *name;
    uint64_t base, size;
    int spi;                /* SPI number (INTID - 32), or -1 */
    /* off is relative to base; for reads set *data.  Return false for a bus
     * error (the guest gets an external abort). */
    bool (*mmio)(struct device *d, uint64_t off, unsigned size, bool write, uint64_t *data);
    /* Write the device's node into the device tree (libfdt sequential API). */
    int (*fdt)(struct device *d, void *fdt, struct board *b);
    void (*destroy)(struct device *d);
    void *priv;
    struct board *board;
};

/* Build the machine from cfg (errors printed, return NULL); run it. */
struct board *board_create(const struct board_config *cfg, int *exit_code);
int board_run(struct board *b);
void board_destroy(struct board *b);

/* For devices. */
void board_add_device(struct board *b, struct device *d);
/* A new device with priv_size bytes of zeroed private state, registered on
 * the board; destroy defaults to device_free.  NULL when out of memory. */
struct device *device_new(struct board *b, const char *name, uint64_t base, uint64_t size, int spi, size_t priv_size);
/* A device whose priv belongs to someone else (state shared by several
 * windows); destroy defaults to freeing the device alone. */
struct device *device_new_shared(struct board *b, const char *name, uint64_t base, uint64_t size, int spi, void *priv);
void device_free(struct device *d);
/* Begin the device's node "name@base" with compatible (a NUL-separated list
 * of compat_len bytes), reg and interrupts; the caller adds properties and
 * calls fdt_end_node. */
int device_fdt_begin(struct device *d, void *fdt, const char *compat, size_t compat_len);
void board_set_irq(struct board *b, int spi, bool level);

/* PL061 GPIO (src/devices/pl061.c). */
struct device *pl061_create(struct board *b, uint64_t base, int spi);
/* Drive input line (0-7) of a PL061 from the host side. */
void pl061_set_input(struct device *d, unsigned line, bool level);

/* Control of a running machine (the control socket; any thread). */
enum board_run_state { BOARD_RUNNING, BOARD_PAUSED, BOARD_STOPPING };
enum board_run_state board_state(struct board *b);
/* Take every vCPU out of the guest and keep it there: 0, or -1 when the
 * machine is stopping or a vCPU did not leave within 5 s. */
int board_pause(struct board *b);
void board_resume(struct board *b);
unsigned board_vcpu_count(struct board *b);
bool board_nested(struct board *b);
uint64_t board_memory(struct board *b);
/* Ask the guest to shut down (power button); it decides. */
void board_power_button(struct board *b);
#define BOARD_MAX_SYSREGS 24
struct board_sysreg { const char *name; uint32_t key; };
extern const struct board_sysreg board_sysregs[];   /* NULL-terminated */
struct board_regs {
    uint64_t x[31], sp, pc, pstate;
    uint64_t sys[BOARD_MAX_SYSREGS];
    bool sys_ok[BOARD_MAX_SYSREGS];
    bool on;                /* the vCPU is powered on (PSCI) */
};
/* 0, -1 no such vCPU, -2 could not pause. */
int board_vcpu_regs(struct board *b, unsigned idx, struct board_regs *out);

uint32_t board_gic_phandle(struct board *b);
uint32_t board_clock_phandle(struct board *b);
/* Request machine stop with an exit code (any thread). */
void board_stop(struct board *b, int code);
hv_vm_t *board_vm(struct board *b);
const struct board_config *board_get_config(struct board *b);

/* Devices (src/devices). */
struct device *pl011_create(struct board *b, uint64_t base, int spi);
struct device *pl031_create(struct board *b, uint64_t base, int spi);
/* virtio devices on the configured transport (src/devices/virtio-*.c);
 * 0, or -1 with an error printed. */
int virtio_blk_create(struct board *b, const struct board_disk *disk);
int virtio_net_create(struct board *b, const char *spec);
int virtio_console_create(struct board *b);
int virtio_rng_create(struct board *b);
/* Check a --disk / --net argument before the VM starts: 0, or -1 with one
 * error line printed. */
int virtio_blk_check(const struct board_disk *disk);
int virtio_net_check(const char *spec);

#endif
