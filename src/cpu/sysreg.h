/* System registers: one table describes every register the CPU implements
 * (encoding, who may access it, where it lives or how it is computed). */
#ifndef NESTVM_SYSREG_H
#define NESTVM_SYSREG_H

#include "uop.h"

/* Encoding key: op0:op1:CRn:CRm:op2 as in MRS/MSR bits [20:5]. */
#define SYSREG_KEY(op0, op1, crn, crm, op2) \
    ((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | (uint32_t)(crm) << 3 | (uint32_t)(op2))

/* Translate MRS/MSR of the register with this key; false = UNDEFINED. */
bool sysreg_trans_read(struct xlat *x, uint32_t key, uint8_t rt_slot);
bool sysreg_trans_write(struct xlat *x, uint32_t key, uint8_t rt_slot);

/* Does key name a register EL2 may read (write) with MRS (MSR)? */
bool sysreg_exists_at_el2(uint32_t key, bool write);

/* Name of a register (for traces and tests), or NULL. */
const char *sysreg_name(uint32_t key);

/* The counter frequency the generic timer presents (Hz). */
#define CNT_FREQ_HZ 62500000ull
#define CNT_NS_PER_TICK 16ull   /* 1e9 / CNT_FREQ_HZ, exact */
uint64_t cpu_counter_now(void);

#endif
