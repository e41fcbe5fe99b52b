/* GICv3 model for the software backend: distributor, one redistributor per
 * vCPU and the system-register CPU interface (single security state, affinity
 * routing always on, no LPIs/ITS yet). */
#ifndef NESTVM_HV_GIC_H
#define NESTVM_HV_GIC_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "hv.h"

struct cpu;
struct gic;

#define GIC_MAX_CPUS 8

/* kick(opaque, cpu) is called (with the GIC lock held) when a CPU's IRQ or FIQ
 * line is asserted, to wake it from WFI. */
struct gic *gic_new(const struct hv_gic_config *cfg, void (*kick)(void *opaque, unsigned cpu), void *opaque);
void gic_free(struct gic *g);
/* Attach vCPU idx (its CPU's interrupt lines are driven from now on). */
void gic_attach_cpu(struct gic *g, unsigned idx, struct cpu *c, uint64_t mpidr);

/* MMIO to the distributor or a redistributor; false if addr is outside both. */
bool gic_mmio(struct gic *g, unsigned cpu_idx, uint64_t addr, unsigned size, bool write, uint64_t *data);
/* ICC_* system registers of vCPU cpu_idx (key = SYSREG_KEY). */
bool gic_sysreg_read(struct gic *g, unsigned cpu_idx, uint32_t key, uint64_t *val);
bool gic_sysreg_write(struct gic *g, unsigned cpu_idx, uint32_t key, uint64_t val);

/* The same encodings at EL1 when EL2 virtualizes them (HCR_EL2.IMO/FMO):
 * the virtual CPU interface (ICV_*) of vCPU cpu_idx. */
bool gic_vsysreg_read(struct gic *g, unsigned cpu_idx, uint32_t key, uint64_t *val);
bool gic_vsysreg_write(struct gic *g, unsigned cpu_idx, uint32_t key, uint64_t val);

/* Interrupt inputs. */
void gic_set_spi(struct gic *g, unsigned intid, bool level);
void gic_set_ppi(struct gic *g, unsigned cpu_idx, unsigned intid, bool level);
/* Print a CPU's interrupt state (debugging). */
void gic_debug_dump(struct gic *g, unsigned cpu_idx, FILE *f);

#endif
