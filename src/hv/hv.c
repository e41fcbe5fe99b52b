/* hv: configuration, capability queries, backend selection, and the public
 * calls, dispatched to the backend that owns the VM or vCPU. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hv-internal.h"
#include "gic.h"

const char *hv_strerror(hv_return_t r)
{
    switch (r) {
    case HV_SUCCESS: return "success";
    case HV_ERROR: return "error";
    case HV_BAD_ARGUMENT: return "bad argument";
    case HV_NO_RESOURCES: return "no resources";
    case HV_UNSUPPORTED: return "unsupported";
    case HV_BUSY: return "busy";
    default: return "unknown error";
    }
}

static __thread char last_error[256];

void hv_set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
}

const char *hv_last_error(void)
{
    return last_error[0] ? last_error : NULL;
}

void hv_vm_config_init(struct hv_vm_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->backend = HV_BACKEND_AUTO;
    cfg->ipa_bits = 40;
}

/* AUTO: KVM when this host's KVM can run the VM as configured (the software
 * CPU model option belongs to the software CPU), else the software CPU. */
static enum hv_backend resolve(enum hv_backend b, bool el2, const char *cpu_model)
{
    if (b != HV_BACKEND_AUTO)
        return b;
    return !cpu_model && kvm_usable(el2, NULL) ? HV_BACKEND_KVM : HV_BACKEND_SOFT;
}

hv_return_t hv_vm_config_get_el2_supported(enum hv_backend backend, bool *supported, const char **why)
{
    switch (resolve(backend, true, NULL)) {
    case HV_BACKEND_SOFT:
        *supported = true;
        if (why)
            *why = "the software CPU implements EL2 and the virtualization extensions";
        return HV_SUCCESS;
    case HV_BACKEND_KVM:
        *supported = kvm_usable(true, why);
        if (*supported && why)
            *why = "the host KVM offers nested virtualization (KVM_CAP_ARM_EL2)";
        return HV_SUCCESS;
    default:
        *supported = false;
        if (why)
            *why = "unknown backend";
        return HV_BAD_ARGUMENT;
    }
}

unsigned hv_max_vcpus(enum hv_backend backend)
{
    switch (resolve(backend, false, NULL)) {
    case HV_BACKEND_SOFT: return GIC_MAX_CPUS;
    case HV_BACKEND_KVM: return kvm_max_vcpus();
    default: return 0;
    }
}

hv_return_t hv_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out)
{
    last_error[0] = 0;
    if (cfg->ipa_bits && (cfg->ipa_bits < 32 || cfg->ipa_bits > 52)) {
        hv_set_error("a guest physical address size of %u bits is out of range (32-52)", cfg->ipa_bits);
        return HV_BAD_ARGUMENT;
    }
    switch (resolve(cfg->backend, cfg->el2_enabled, cfg->cpu_model)) {
    case HV_BACKEND_SOFT:
        if (cfg->ipa_bits > 48) {
            hv_set_error("the software CPU supports guest physical addresses of up to 48 bits, not %u", cfg->ipa_bits);
            return HV_UNSUPPORTED;
        }
        return soft_vm_create(cfg, out);
    case HV_BACKEND_KVM:
        return kvm_vm_create(cfg, out);
    default:
        return HV_BAD_ARGUMENT;
    }
}

/* ---- guest memory regions (both backends) -------------------------------- */

hv_return_t hv_regions_check(const struct hv_region_table *t, const void *host, uint64_t ipa, size_t size,
                             unsigned ipa_bits)
{
    if (((uintptr_t)host | ipa | size) & 0xfff || !size || ipa + size < ipa || ((ipa + size - 1) >> ipa_bits))
        return HV_BAD_ARGUMENT;
    for (unsigned i = 0; i < t->n; i++)
        if (ipa < t->r[i].ipa + t->r[i].size && t->r[i].ipa < ipa + size)
            return HV_BAD_ARGUMENT;
    return t->n == t->max ? HV_NO_RESOURCES : HV_SUCCESS;
}

void hv_regions_add(struct hv_region_table *t, void *host, uint64_t ipa, size_t size)
{
    t->r[t->n] = (struct hv_region){ ipa, size, host };
    __atomic_store_n(&t->n, t->n + 1, __ATOMIC_RELEASE);
}

/* ---- dispatch ------------------------------------------------------------ */

void hv_vm_destroy(hv_vm_t *vm)
{
    if (vm)
        HV_OPS(vm)->vm_destroy(vm);
}

enum hv_backend hv_vm_backend(hv_vm_t *vm)
{
    return HV_OPS(vm)->backend;
}

bool hv_vm_psci_internal(hv_vm_t *vm)
{
    return HV_OPS(vm)->psci_internal;
}

hv_return_t hv_vm_map(hv_vm_t *vm, void *host, uint64_t ipa, size_t size, unsigned flags)
{
    return HV_OPS(vm)->vm_map(vm, host, ipa, size, flags);
}

void *hv_vm_host_ptr(hv_vm_t *vm, uint64_t ipa, size_t len)
{
    return HV_OPS(vm)->vm_host_ptr(vm, ipa, len);
}

void hv_vm_notify_write(hv_vm_t *vm, uint64_t ipa, size_t len)
{
    HV_OPS(vm)->vm_notify_write(vm, ipa, len);
}

hv_return_t hv_gic_create(hv_vm_t *vm, const struct hv_gic_config *cfg)
{
    last_error[0] = 0;
    return HV_OPS(vm)->gic_create(vm, cfg);
}

hv_return_t hv_gic_set_spi(hv_vm_t *vm, unsigned intid, bool level)
{
    return HV_OPS(vm)->gic_set_spi(vm, intid, level);
}

hv_return_t hv_vcpu_create(hv_vm_t *vm, unsigned id, hv_vcpu_t **out, struct hv_vcpu_exit **exit)
{
    last_error[0] = 0;
    return HV_OPS(vm)->vcpu_create(vm, id, out, exit);
}

void hv_vcpu_destroy(hv_vcpu_t *v)
{
    if (v)
        HV_OPS(v)->vcpu_destroy(v);
}

hv_return_t hv_vcpu_run(hv_vcpu_t *v)
{
    return HV_OPS(v)->vcpu_run(v);
}

void hv_vcpus_exit(hv_vcpu_t *const *vcpus, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (vcpus[i])
            HV_OPS(vcpus[i])->vcpu_exit(vcpus[i]);
}

hv_return_t hv_vcpu_reset(hv_vcpu_t *v, uint64_t pc, uint64_t arg0)
{
    return HV_OPS(v)->vcpu_reset(v, pc, arg0);
}

hv_return_t hv_vcpu_get_reg(hv_vcpu_t *v, enum hv_reg reg, uint64_t *value)
{
    return HV_OPS(v)->vcpu_get_reg(v, reg, value);
}

hv_return_t hv_vcpu_set_reg(hv_vcpu_t *v, enum hv_reg reg, uint64_t value)
{
    return HV_OPS(v)->vcpu_set_reg(v, reg, value);
}

hv_return_t hv_vcpu_get_sys_reg(hv_vcpu_t *v, uint32_t key, uint64_t *value)
{
    return HV_OPS(v)->vcpu_get_sys_reg(v, key, value);
}

uint64_t hv_vcpu_mpidr(hv_vcpu_t *v)
{
    return HV_OPS(v)->vcpu_mpidr(v);
}

unsigned hv_vcpu_id(hv_vcpu_t *v)
{
    return HV_OPS(v)->vcpu_id(v);
}
