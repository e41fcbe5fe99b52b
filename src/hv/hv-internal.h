/* Between the hv front (hv.c) and its backends.
 *
 * Each backend defines its own struct hv_vm and struct hv_vcpu whose first
 * member is `const struct hv_ops *ops`; hv.c dispatches every public call
 * through it.  A backend reports why something failed with hv_set_error(). */
#ifndef NESTVM_HV_INTERNAL_H
#define NESTVM_HV_INTERNAL_H

#include "hv.h"

struct hv_ops {
    enum hv_backend backend;
    void (*vm_destroy)(hv_vm_t *vm);
    hv_return_t (*vm_map)(hv_vm_t *vm, void *host, uint64_t ipa, size_t size, unsigned flags);
    void *(*vm_host_ptr)(hv_vm_t *vm, uint64_t ipa, size_t len);
    void (*vm_notify_write)(hv_vm_t *vm, uint64_t ipa, size_t len);
    bool psci_internal;     /* see hv_vm_psci_internal() */
    hv_return_t (*gic_create)(hv_vm_t *vm, const struct hv_gic_config *cfg);
    hv_return_t (*gic_set_spi)(hv_vm_t *vm, unsigned intid, bool level);
    hv_return_t (*vcpu_create)(hv_vm_t *vm, unsigned id, hv_vcpu_t **out, struct hv_vcpu_exit **exit);
    void (*vcpu_destroy)(hv_vcpu_t *v);
    hv_return_t (*vcpu_run)(hv_vcpu_t *v);
    void (*vcpu_exit)(hv_vcpu_t *v);    /* one vCPU of hv_vcpus_exit() */
    hv_return_t (*vcpu_reset)(hv_vcpu_t *v, uint64_t pc, uint64_t arg0);
    hv_return_t (*vcpu_get_reg)(hv_vcpu_t *v, enum hv_reg reg, uint64_t *value);
    hv_return_t (*vcpu_set_reg)(hv_vcpu_t *v, enum hv_reg reg, uint64_t value);
    hv_return_t (*vcpu_get_sys_reg)(hv_vcpu_t *v, uint32_t key, uint64_t *value);
    uint64_t (*vcpu_mpidr)(hv_vcpu_t *v);
    unsigned (*vcpu_id)(hv_vcpu_t *v);
};

/* The ops pointer every backend object starts with. */
#define HV_OPS(obj) (*(const struct hv_ops *const *)(obj))

hv_return_t soft_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out);

/* KVM (kvm.c on arm64 Linux hosts; elsewhere hv.c answers "not here"). */
hv_return_t kvm_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out);
/* Can KVM run a VM with this config?  false with *why filled otherwise. */
bool kvm_usable(bool el2, const char **why);
unsigned kvm_max_vcpus(void);

/* ---- guest memory: the table of mapped regions every backend keeps ----
 * Regions are only added (a VM's RAM is mapped once, before its vCPUs run);
 * lookups take no lock: an entry is complete before the count covers it.
 * The backend serialises hv_regions_check() .. hv_regions_add() under its own
 * lock, with whatever it must tell its kernel (KVM) in between. */
#define HV_MAX_REGIONS 32

struct hv_region {
    uint64_t ipa, size;
    uint8_t *host;
};

struct hv_region_table {
    struct hv_region r[HV_MAX_REGIONS];
    unsigned n;
    unsigned max;           /* the backend's limit, <= HV_MAX_REGIONS */
};

/* Whether [ipa, ipa+size) at host may be added: HV_BAD_ARGUMENT when not
 * page aligned, empty, wrapping, beyond ipa_bits or overlapping a region;
 * HV_NO_RESOURCES when the table is full. */
hv_return_t hv_regions_check(const struct hv_region_table *t, const void *host, uint64_t ipa, size_t size,
                             unsigned ipa_bits);
/* Append a checked region; it becomes entry t->n as it was before the call. */
void hv_regions_add(struct hv_region_table *t, void *host, uint64_t ipa, size_t size);

/* Host pointer for [ipa, ipa+len) if it lies inside one region, else NULL.
 * Inline: the software MMU looks up every translation table descriptor. */
static inline void *hv_regions_find(const struct hv_region_table *t, uint64_t ipa, size_t len)
{
    unsigned n = __atomic_load_n(&t->n, __ATOMIC_ACQUIRE);
    for (unsigned i = 0; i < n; i++) {
        const struct hv_region *r = &t->r[i];
        if (ipa - r->ipa < r->size && len <= r->size - (ipa - r->ipa))
            return r->host + (ipa - r->ipa);
    }
    return NULL;
}

/* Record the reason of a failure for hv_last_error() (printf format). */
void hv_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
