/* Between the hv front (hv.c) and its backends. */
#ifndef NESTVM_HV_INTERNAL_H
#define NESTVM_HV_INTERNAL_H

#include "hv.h"

hv_return_t soft_vm_create(const struct hv_vm_config *cfg, hv_vm_t **out);

#endif
