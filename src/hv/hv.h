/* hv: the hypervisor API of nestvm, modeled on Apple's Hypervisor.framework
 * (hv_vm_config_set_el2_enabled & co.), in C for Linux hosts.
 *
 * A VM has guest-physical memory (host memory mapped at IPAs), vCPUs and an
 * interrupt controller (GICv3).  hv_vcpu_run() executes a vCPU until it needs
 * the VMM: an MMIO access outside the interrupt controller, a call to the
 * firmware (PSCI over HVC/SMC), a system event, or a cancel.  Backends: the
 * software CPU (any host) and, on arm64 hosts, KVM.  The board and devices use
 * only this API.
 */
#ifndef NESTVM_HV_H
#define NESTVM_HV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int hv_return_t;
enum {
    HV_SUCCESS = 0,
    HV_ERROR = -1,
    HV_BAD_ARGUMENT = -2,
    HV_NO_RESOURCES = -3,
    HV_UNSUPPORTED = -4,
    HV_BUSY = -5,
};
const char *hv_strerror(hv_return_t r);

enum hv_backend { HV_BACKEND_AUTO, HV_BACKEND_SOFT, HV_BACKEND_KVM };

struct hv_vm_config {
    enum hv_backend backend;
    bool el2_enabled;       /* vCPUs start at EL2 with the virtualization extensions */
    unsigned ipa_bits;      /* guest physical address size (default 40) */
    const char *cpu_model;  /* soft backend: CPU model name (NULL = default) */
    /* vCPUs reset into AArch32 EL1 (Supervisor mode, MMU off, A/I/F masked):
     * for 32-bit kernels.  Needs a CPU with AArch32 at EL1 and no EL2. */
    bool el1_aarch32;
};

void hv_vm_config_init(struct hv_vm_config *cfg);
static inline void hv_vm_config_set_el2_enabled(struct hv_vm_config *cfg, bool on) { cfg->el2_enabled = on; }
/* Whether this host/backend can give guests EL2; *why explains a "no". */
hv_return_t hv_vm_config_get_el2_supported(enum hv_backend backend, bool *supported, const char **why);
/* Largest vCPU count the backend supports. */
unsigned hv_max_vcpus(enum hv_backend backend);

typedef struct hv_vm hv_vm_t;
typedef struct hv_vcpu hv_vcpu_t;

hv_return_t hv_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out);
void hv_vm_destroy(hv_vm_t *vm);
/* Which backend a VM runs on. */
enum hv_backend hv_vm_backend(hv_vm_t *vm);
/* Why the last failed hv_vm_create() (or other call) on this thread failed,
 * as one sentence naming what the host lacks; NULL when there is no detail. */
const char *hv_last_error(void);
/* The backend answers PSCI calls itself (KVM): vCPU power state is its own,
 * vCPUs other than 0 are created powered off and start when the guest calls
 * CPU_ON, so the VMM runs every vCPU from the start and sees no HV_EXIT_HVC
 * for PSCI, only HV_EXIT_SYSTEM_EVENT for off and reset. */
bool hv_vm_psci_internal(hv_vm_t *vm);

enum { HV_MEMORY_READ = 1, HV_MEMORY_WRITE = 2, HV_MEMORY_EXEC = 4 };
/* Map size bytes of host memory (page aligned) at guest physical ipa. */
hv_return_t hv_vm_map(hv_vm_t *vm, void *host, uint64_t ipa, size_t size, unsigned flags);
/* Host pointer for [ipa, ipa+len) if it lies inside one mapping, else NULL. */
void *hv_vm_host_ptr(hv_vm_t *vm, uint64_t ipa, size_t len);
/* Tell the VM that the VMM (a device doing DMA) wrote guest memory. */
void hv_vm_notify_write(hv_vm_t *vm, uint64_t ipa, size_t len);

/* ---- interrupt controller (GICv3) ---- */
struct hv_gic_config {
    uint64_t distributor_base;      /* 64 KiB */
    uint64_t redistributor_base;    /* 128 KiB per vCPU */
    unsigned spi_count;             /* SPIs, INTIDs 32 .. 32+spi_count-1 (multiple of 32) */
};
hv_return_t hv_gic_create(hv_vm_t *vm, const struct hv_gic_config *cfg);
/* Drive a shared peripheral interrupt line (level). */
hv_return_t hv_gic_set_spi(hv_vm_t *vm, unsigned intid, bool level);

/* PPIs used by the architecture (INTIDs). */
#define HV_PPI_VTIMER 27        /* EL1 virtual timer */
#define HV_PPI_PTIMER 30        /* EL1 physical timer */
#define HV_PPI_HTIMER 26        /* EL2 physical timer */
#define HV_PPI_HVTIMER 28       /* EL2 virtual timer (VHE) */
#define HV_PPI_MAINT 25         /* GIC maintenance interrupt */

/* ---- vCPUs ---- */
enum hv_exit_reason {
    HV_EXIT_NONE,
    HV_EXIT_MMIO,       /* exit.mmio: perform it; for a read, set exit.mmio.data before the next run */
    HV_EXIT_HVC,        /* firmware call: HVC (el2 disabled) or SMC (el2 enabled); args in x0..x7, imm in exit.hvc.imm */
    HV_EXIT_SYSTEM_EVENT, /* backend handled PSCI itself (KVM): exit.system_event */
    HV_EXIT_CANCELED,   /* hv_vcpus_exit() */
    HV_EXIT_INTERNAL_ERROR, /* exit.message says why */
};

enum hv_system_event { HV_SYSTEM_OFF, HV_SYSTEM_RESET };

struct hv_vcpu_exit {
    enum hv_exit_reason reason;
    union {
        /* mmio: set abort (instead of data) when nothing is at addr: the guest
         * then takes a synchronous external abort. */
        struct { uint64_t addr; uint64_t data; unsigned size; bool write; bool abort; } mmio;
        struct { uint32_t imm; bool smc; } hvc;
        struct { enum hv_system_event type; } system_event;
    };
    char message[160];
};

/* Create vCPU number id (its MPIDR affinity is derived from id).  The exit
 * structure is owned by the vCPU and valid until it is destroyed. */
hv_return_t hv_vcpu_create(hv_vm_t *vm, unsigned id, hv_vcpu_t **out, struct hv_vcpu_exit **exit);
void hv_vcpu_destroy(hv_vcpu_t *v);
/* Run until an exit.  Must be called on one thread per vCPU. */
hv_return_t hv_vcpu_run(hv_vcpu_t *v);
/* Make the given vCPUs return HV_EXIT_CANCELED soon (any thread). */
void hv_vcpus_exit(hv_vcpu_t *const *vcpus, unsigned count);

/* Put a vCPU in its reset state at pc: EL2h when EL2 is enabled, else EL1h
 * (AArch32 Supervisor mode with el1_aarch32); MMU off, interrupts masked,
 * x0 (r0) = arg0. */
hv_return_t hv_vcpu_reset(hv_vcpu_t *v, uint64_t pc, uint64_t arg0);

enum hv_reg {
    HV_REG_X0 = 0,          /* ... HV_REG_X0 + 30 = X30 */
    HV_REG_SP = 31,         /* SP of the current EL */
    HV_REG_PC = 32,
    HV_REG_PSTATE = 33,     /* SPSR layout, NZCV included (AArch32: the CPSR, M[4] = 1) */
};
/* A vCPU in AArch32 has 32-bit registers: a write keeps the low 32 bits. */
hv_return_t hv_vcpu_get_reg(hv_vcpu_t *v, enum hv_reg reg, uint64_t *value);
hv_return_t hv_vcpu_set_reg(hv_vcpu_t *v, enum hv_reg reg, uint64_t value);
/* System registers by encoding (op0, op1, CRn, CRm, op2 packed as in MRS). */
hv_return_t hv_vcpu_get_sys_reg(hv_vcpu_t *v, uint32_t key, uint64_t *value);
/* MPIDR_EL1 value of a vCPU. */
uint64_t hv_vcpu_mpidr(hv_vcpu_t *v);
unsigned hv_vcpu_id(hv_vcpu_t *v);

#endif
