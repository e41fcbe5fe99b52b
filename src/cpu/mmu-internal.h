/* Between the VMSAv8-64 walker (mmu.c) and the VMSAv8-32 one (vmsa32.c). */
#ifndef NESTVM_MMU_INTERNAL_H
#define NESTVM_MMU_INTERNAL_H

#include "system.h"

struct walk_out {
    uint64_t pa;            /* output address of the page (4K aligned) */
    uint64_t block_size;    /* size of the block/page that mapped it */
    bool r, w, x;           /* permissions for the access's EL */
    bool device;
    uint8_t domain;         /* VMSAv8-32 short descriptors: the domain + 1; 0 otherwise */
    bool ng;                /* VMSAv8-32: not global */
};

/* One long-descriptor (VMSAv8-64 format) stage-1 walk, up to and including
 * the access flag check: the rules AArch64 and VMSAv8-32 long descriptors
 * share.  Permissions are the caller's. */
struct lpae_walk {
    /* In. */
    uint64_t table;         /* start table (IPA when s2) */
    unsigned g;             /* granule: 12, 14 or 16 */
    unsigned inputsize;     /* VA bits translated; the start level follows */
    unsigned pabits;        /* output size (address size faults) */
    bool hpd;               /* hierarchical permissions disabled */
    bool s2;                /* stage 2 translates the table accesses */
    /* Out. */
    uint64_t desc;          /* the block or page descriptor */
    uint64_t out_addr;      /* its output address for va */
    unsigned level, shift;  /* its level and the log2 of its size */
    bool ap_no_el0, ap_ro, xn_t, pxn_t;   /* APTable[0], APTable[1], XNTable, PXNTable */
};
bool mmu_lpae_walk(struct cpu *c, uint64_t va, enum access_kind acc, struct lpae_walk *w, struct exc_info *exc);

/* Stage 2 of the EL1&0 regime for ipa (s1ptw: a stage-1 table access). */
bool mmu_stage2(struct cpu *c, uint64_t ipa, enum access_kind acc, bool s1ptw, uint64_t *pa, bool *r, bool *w,
                bool *x, struct exc_info *exc);
/* Stage 2 translates the EL1&0 regime now. */
bool mmu_el10_stage2(const struct cpu *c);
/* A stage-1 fault for acc with AArch64 status code fsc. */
void mmu_fault(struct exc_info *exc, enum access_kind acc, uint32_t fsc);

/* VMSAv8-32 (vmsa32.c): the EL1&0 regime when EL1 uses AArch32. */
struct vmsa32_attrs {
    bool ss;                /* short descriptors: a supersection */
    bool lpae;              /* long descriptors (TTBCR.EAE) */
    uint8_t mair;           /* memory type in MAIR format */
    uint8_t sh;             /* shareability as in PAR_EL1.SH (0 non, 2 outer, 3 inner) */
    uint8_t inner, outer;   /* short-format PAR Inner[2:0], Outer[1:0] */
    bool shareable, nos;    /* short-format PAR SH, NOS */
};
bool vmsa32_translate(struct cpu *c, unsigned el, bool pan, uint32_t va, enum access_kind acc, struct walk_out *out,
                      struct exc_info *exc, bool s2_output, struct vmsa32_attrs *attrs);

#endif
