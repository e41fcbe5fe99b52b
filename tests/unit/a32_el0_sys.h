/* AArch32 EL0 under an AArch64 EL1 in system mode, for test_a32_sys.c,
 * test_a32_vfp_sys.c and test_a32_neon_sys.c: flat RAM (flat_ram.h) with
 * identity-mapped stage-1 tables; EL1 code at CODE_EL1 sets VBAR_EL1 = x20
 * and ERETs to ELR = x21, SPSR = x22; every EL1 vector is "hvc #5" except
 * the synchronous one from lower AArch32 (0x600), which exits with "hvc #0"
 * and, run again, adds x25 to ELR_EL1 and ERETs.  EL0 code goes at CODE_A32
 * and CODE_T32, data at DATA. */
#ifndef NESTVM_TEST_A32_EL0_SYS_H
#define NESTVM_TEST_A32_EL0_SYS_H

#include "cpu.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (2u << 20)
#define CODE_EL1 RAM_BASE
#define VEC_EL1 (RAM_BASE + 0x1000)
#define CODE_A32 (RAM_BASE + 0x4000)
#define CODE_T32 (RAM_BASE + 0x5000)
#define DATA (RAM_BASE + 0x6000)
#define TABLES (RAM_BASE + 0x100000)

#include "flat_ram.h"

static const uint32_t el0_prog_el1[] = {
    0xd518c014, /* msr vbar_el1, x20 */
    0xd5184035, /* msr elr_el1, x21 */
    0xd5184016, /* msr spsr_el1, x22 */
    0xd69f03e0, /* eret */
};
static const uint32_t el0_vec_sync[] = {
    0xd4000002, /* hvc #0 */
    0xd5384038, /* mrs x24, elr_el1 */
    0x8b190318, /* add x24, x24, x25 */
    0xd5184038, /* msr elr_el1, x24 */
    0xd69f03e0, /* eret */
};
static const uint32_t el0_vec_other[] = {
    0xd40000a2, /* hvc #5 */
};

/* EL1&0 stage 1 on with the tables at TABLES: T0SZ 16, 4K granule,
 * inner/outer WB, inner shareable, EPD1, IPS 48 bits. */
static void el0_mmu_on(struct cpu *c)
{
    c->sr.ttbr0_el1 = TABLES;
    c->sr.tcr_el1 = 16 | 1ull << 8 | 1ull << 10 | 3ull << 12 | 1ull << 23 | 5ull << 32;
    c->sr.mair_el1 = 0xff;
    c->sr.sctlr_el1 |= 1;   /* M */
    cpu_tlb_flush(c);
}

/* A CPU of the test-only model at CODE_EL1, about to enter EL0 at entry
 * with spsr; RAM cleared but for the programs above and the tables. */
static struct cpu *el0_setup(const char *model, uint32_t spsr, uint64_t entry)
{
    memset(ram, 0, RAM_SIZE);
    memcpy(host(CODE_EL1), el0_prog_el1, sizeof(el0_prog_el1));
    for (unsigned i = 0; i < 16; i++)
        memcpy((uint8_t *)host(VEC_EL1) + i * 0x80, el0_vec_other, sizeof(el0_vec_other));
    memcpy((uint8_t *)host(VEC_EL1) + 0x600, el0_vec_sync, sizeof(el0_vec_sync));
    next_table = TABLES + 4096;
    memset(host(TABLES), 0, 4096);
    map4k(TABLES, CODE_EL1, CODE_EL1, 0);
    map4k(TABLES, VEC_EL1, VEC_EL1, 0);
    map4k(TABLES, CODE_A32, CODE_A32, 1ull << 6 /* EL0 too */);
    map4k(TABLES, CODE_T32, CODE_T32, 1ull << 6 /* EL0 too */);
    map4k(TABLES, DATA, DATA, 1ull << 6 /* EL0 too */);
    struct cpu_env env = { .ram_ptr = ram_ptr };
    struct cpu *c = cpu_new(cpu_model_find_test(model), &env, false);
    cpu_power_on_reset(c, CODE_EL1);
    el0_mmu_on(c);
    c->x[20] = VEC_EL1;
    c->x[21] = entry;
    c->x[22] = spsr;
    return c;
}

#endif
