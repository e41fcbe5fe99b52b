/* A flat-memory environment for CPU unit tests: guest VA == offset into one
 * host buffer, every page RWX, everything else faults. */
#ifndef NESTVM_TEST_CPU_HARNESS_H
#define NESTVM_TEST_CPU_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu.h"

#define HARNESS_BASE 0x10000ull
#define HARNESS_SIZE (1u << 20)

struct harness {
    struct cpu *cpu;
    uint8_t *mem;
};

static bool harness_fill(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e, struct exc_info *exc)
{
    struct harness *h = c->env.opaque;
    (void)acc;
    if (va < HARNESS_BASE || va >= HARNESS_BASE + HARNESS_SIZE) {
        exc->ec = acc == ACC_EXEC ? EC_IABORT_LOWER : EC_DABORT_LOWER;
        return false;
    }
    e->tag_r = e->tag_w = e->tag_x = va & TLB_PAGE_MASK;
    e->addend = (uintptr_t)h->mem - HARNESS_BASE;
    return true;
}

static inline void harness_init(struct harness *h)
{
    /* Page-aligned like guest RAM: translated-code tracking works on host pages. */
    h->mem = aligned_alloc(4096, HARNESS_SIZE);
    memset(h->mem, 0, HARNESS_SIZE);
    struct cpu_env env = { .tlb_fill = harness_fill, .opaque = h };
    h->cpu = cpu_new(NULL, &env, true);
}

static inline void harness_load(struct harness *h, const uint32_t *code, size_t n)
{
    memcpy(h->mem, code, n * 4);
    h->cpu->pc = HARNESS_BASE;
    cpu_code_invalidate_all(h->cpu);
}

static inline void harness_free(struct harness *h)
{
    cpu_free(h->cpu);
    free(h->mem);
}

#endif
