/* hv: configuration, capability queries and backend selection. */
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

void hv_vm_config_init(struct hv_vm_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->backend = HV_BACKEND_AUTO;
    cfg->ipa_bits = 40;
}

static enum hv_backend resolve(enum hv_backend b)
{
    /* The KVM backend arrives with arm64 host support; until then AUTO is the
     * software CPU. */
    return b == HV_BACKEND_AUTO ? HV_BACKEND_SOFT : b;
}

hv_return_t hv_vm_config_get_el2_supported(enum hv_backend backend, bool *supported, const char **why)
{
    switch (resolve(backend)) {
    case HV_BACKEND_SOFT:
        *supported = true;
        if (why)
            *why = "the software CPU implements EL2 and the virtualization extensions";
        return HV_SUCCESS;
    default:
        *supported = false;
        if (why)
            *why = "the KVM backend is not available in this build";
        return HV_UNSUPPORTED;
    }
}

unsigned hv_max_vcpus(enum hv_backend backend)
{
    return resolve(backend) == HV_BACKEND_SOFT ? GIC_MAX_CPUS : 0;
}

hv_return_t hv_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out)
{
    if (cfg->ipa_bits && (cfg->ipa_bits < 32 || cfg->ipa_bits > 48))
        return HV_BAD_ARGUMENT;
    switch (resolve(cfg->backend)) {
    case HV_BACKEND_SOFT:
        return soft_vm_create(cfg, out);
    default:
        return HV_UNSUPPORTED;
    }
}
