/* AArch32 Advanced SIMD at EL0 under an AArch64 EL1 (system mode): with
 * CPACR_EL1.FPEN clear an Advanced SIMD instruction (data processing or a
 * structure load, A32 and T32, inside an IT block too) traps to EL1 as
 * EC 0x07 with CV = 1 and the instruction's condition; with FPEN set it runs
 * (harness: a32_el0_sys.h). */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "test.h"
#include "a32_el0_sys.h"

static const uint32_t a32_code[] = {
    0xf2242805, /* vadd.i32 d2, d4, d5 */
    0xf4a0080f, /* vld1.32 {d0[0]}, [r0] */
    0xef000000, /* svc #0 */
};
static const uint16_t t32_code[] = {
    0xbf18,         /* it ne */
    0xef24, 0x2805, /* vaddne.i32 d2, d4, d5 */
    0xf9a0, 0x080f, /* vld1.32 {d0[0]}, [r0] */
    0xdf00,         /* svc #0 */
};

static struct cpu *setup(uint32_t spsr, uint64_t entry, unsigned fpen)
{
    struct cpu *c = el0_setup("test-aarch32-el0", spsr, entry);
    memcpy(host(CODE_A32), a32_code, sizeof(a32_code));
    memcpy(host(CODE_T32), t32_code, sizeof(t32_code));
    *(uint32_t *)host(DATA) = 0xdeadbeef;
    c->sr.cpacr_el1 = (uint64_t)fpen << 20;
    c->x[0] = DATA;
    c->v[2].d[0] = 0x0000000100000002ull;
    c->v[2].d[1] = 0x0000001000000020ull;
    return c;
}

static void expect_fp_trap(struct cpu *c, uint64_t elr, unsigned cond, bool il)
{
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->pc, VEC_EL1 + 0x604);
    CHECK_EQ(c->sr.esr_el1 >> 26, EC_FP_ACCESS);
    CHECK_EQ(c->sr.esr_el1 >> 25 & 1, il);
    CHECK_EQ(c->sr.esr_el1 & 0x1ffffff, 1u << 24 | cond << 20);
    CHECK_EQ(c->sr.elr_el1, elr);
}

/* FP enabled: both instructions run to the SVC; the lane load fills D0[0]. */
static void expect_ran(struct cpu *c)
{
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->sr.esr_el1 >> 26, EC_SVC32);
    CHECK_EQ(c->v[1].d[0], 0x0000001100000022ull);
    CHECK_EQ(c->v[0].d[0] & 0xffffffffu, 0xdeadbeefu);
    cpu_free(c);
}

int main(void)
{
    ram = aligned_alloc(4096, RAM_SIZE);
    /* A32, FPEN = 0: the VADD traps (cond 0b1110 for the unconditional space). */
    struct cpu *c = setup(0x10, CODE_A32, 0);
    expect_fp_trap(c, CODE_A32, 14, true);
    cpu_free(c);
    /* A32, FPEN = 3: both run. */
    expect_ran(setup(0x10, CODE_A32, 3));
    /* T32 in an IT block (Z clear: NE passes): the trap carries COND = NE;
     * FPEN = 1 traps EL0 as well. */
    c = setup(0x30, CODE_T32, 1);
    expect_fp_trap(c, CODE_T32 + 2, 1, true);
    cpu_free(c);
    expect_ran(setup(0x30, CODE_T32, 3));
    free(ram);
    return test_report("test_a32_neon_sys");
}
