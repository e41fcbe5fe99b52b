/* FEAT_NV and FEAT_NV2: a guest hypervisor running at EL1 with
 * HCR_EL2.NV set believes it runs at EL2.  Its EL2 register accesses and
 * exception returns trap to the real EL2 (FEAT_NV), or with HCR_EL2.NV2 are
 * turned into loads and stores to the page at VNCR_EL2 (FEAT_NV2).  All
 * decisions are made at translation time from the CTX_NV* bits. */
#ifndef NESTVM_NV_H
#define NESTVM_NV_H

#include "uop.h"

#define EC_ERET_TRAP 0x1a       /* ERET/ERETAA/ERETAB trapped by HCR_EL2.NV */
#define ISS_DABORT_VNCR (1u << 13)

/* ID_AA64MMFR2_EL1.NV of the CPU's model: 0 none, 1 FEAT_NV, 2 FEAT_NV2. */
unsigned nv_level(const struct cpu *c);

/* The CTX_NV* bits for the current state (EL1 under HCR_EL2.NV only). */
uint32_t nv_ctx(const struct cpu *c);

/* HCR_EL2 bits the model does not implement read as zero. */
uint64_t nv_hcr_mask(const struct cpu *c);

/* MRS/MSR at EL1 with CTX_NV: returns 1 when the access was translated
 * (trap, VNCR load/store, CurrentEL), 0 to continue with *key (possibly
 * replaced by the EL1 register it means). */
int nv_trans_sysreg(struct xlat *x, uint32_t *key, uint8_t rt_slot, bool write);

/* SYS at EL1 with CTX_NV: op1=4 operations (TLBI ...E2/..S12E1, AT S1E2 and
 * S12E*) that exist at EL2 trap to EL2.  exists: would it translate at EL2. */
bool nv_trans_sys_trap(struct xlat *x, uint32_t key, unsigned rt);

/* AT S1E0* / S1E1* at EL1: emit the HCR_EL2.AT check. */
void nv_trans_at_check(struct xlat *x, uint32_t key, unsigned rt);

/* ERET (eret_kind 0), ERETAA (2), ERETAB (3) at EL1 with CTX_NV: trap. */
bool nv_trans_eret(struct xlat *x, unsigned eret_kind);

/* SPSR.M[3:2] for an exception taken from EL1 to EL1: reports EL2 under
 * HCR_EL2.NV (and NV1=0 unless NV2). */
bool nv_spsr_reports_el2(const struct cpu *c);

#endif
