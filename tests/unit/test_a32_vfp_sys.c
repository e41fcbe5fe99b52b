/* AArch32 VFP at EL0 under an AArch64 EL1 (system mode, the test-only model
 * test-aarch32-el0): with CPACR_EL1.FPEN = 0 a VFP instruction traps to EL1
 * with EC 0x07, IL = 1 and CV = 1, COND the instruction's condition (A32
 * cond field, the IT block's in T32, 0b1110 for the unconditional forms and
 * outside IT blocks); a condition-failed one does not trap; with FPEN = 3 the
 * same code runs.  Harness: a32_el0_sys.h. */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "test.h"
#include "a32_el0_sys.h"

static const uint32_t a32_code[] = {
    0x1e300a81, /* 0: vaddne.f32 s0, s1, s2 */
    0xfe000a81, /* 4: vseleq.f32 s0, s1, s2 (unconditional form) */
    0xeef10a10, /* 8: vmrs r0, fpscr */
    0xef000001, /* c: svc #1 */
};
static const uint16_t t32_code[] = {
    0xbf08,         /* 0: it eq */
    0xee30, 0x0a81, /* 2: vaddeq.f32 s0, s1, s2 */
    0xfe00, 0x0a81, /* 6: vseleq.f32 s0, s1, s2 */
    0xdf02,         /* a: svc #2 */
};

static struct cpu *setup(uint32_t spsr, uint64_t entry)
{
    struct cpu *c = el0_setup("test-aarch32-el0", spsr, entry);
    memcpy(host(CODE_A32), a32_code, sizeof(a32_code));
    memcpy(host(CODE_T32), t32_code, sizeof(t32_code));
    c->sr.cpacr_el1 = 0;    /* FPEN = 0: FP traps at EL0 and EL1 */
    c->x[25] = 0;
    c->v[0].s[1] = 0x3f800000u;     /* s1 = 1.0 */
    c->v[0].s[2] = 0x40000000u;     /* s2 = 2.0 */
    return c;
}

static void expect_sync_il(struct cpu *c, uint32_t ec, bool il, uint32_t iss, uint64_t elr, uint32_t spsr)
{
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->pc, VEC_EL1 + 0x604);
    CHECK_EQ(c->el, 1);
    CHECK_EQ(c->sr.esr_el1 >> 26, ec);
    CHECK_EQ(c->sr.esr_el1 >> 25 & 1, il);
    CHECK_EQ(c->sr.esr_el1 & 0x1ffffff, iss);
    CHECK_EQ(c->sr.elr_el1, elr);
    CHECK_EQ(c->sr.spsr_el1, spsr);
}

static void expect_sync(struct cpu *c, uint32_t ec, uint32_t iss, uint64_t elr, uint32_t spsr)
{
    expect_sync_il(c, ec, true, iss, elr, spsr);
}

#define FP_ISS(cond) (1u << 24 | (uint32_t)(cond) << 20)

static void test_a32(void)
{
    uint32_t z = 0x40000010u, nz = 0x00000010u;    /* usr, Z set / clear */
    struct cpu *c = setup(z, CODE_A32);
    /* VADDNE fails its condition: no trap; VSEL (unconditional) traps, COND 1110. */
    expect_sync(c, EC_FP_ACCESS, FP_ISS(14), CODE_A32 + 4, z);
    CHECK_EQ(c->v[0].s[0], 0);
    /* With Z clear VADDNE traps with COND = NE. */
    c->sr.elr_el1 = CODE_A32;
    c->sr.spsr_el1 = nz;
    expect_sync(c, EC_FP_ACCESS, FP_ISS(1), CODE_A32, nz);
    /* FPEN = 1 still traps EL0. */
    c->sr.cpacr_el1 = 1ull << 20;
    expect_sync(c, EC_FP_ACCESS, FP_ISS(1), CODE_A32, nz);
    /* FPEN = 3: the code runs; s0 = 1 + 2 = 3, then VSELEQ (Z clear) picks s2. */
    c->sr.cpacr_el1 = 3ull << 20;
    c->fpsr = 0x10;     /* IXC */
    expect_sync(c, EC_SVC32, 1, CODE_A32 + 0x10, nz);
    CHECK_EQ(c->v[0].s[0], 0x40000000u);
    CHECK_EQ(c->x[0], 0x10);
    cpu_free(c);
}

static void test_t32(void)
{
    uint32_t spsr = 0x40000000u | 0x20 | 0x10;     /* Z, T32, usr */
    struct cpu *c = setup(spsr, CODE_T32);
    /* VADDEQ in the IT block: COND = EQ, ITSTATE 0x08 (IT[7:2] at 15:10). */
    expect_sync(c, EC_FP_ACCESS, FP_ISS(0), CODE_T32 + 2, spsr | (0x08u >> 2) << 10);
    /* Past it, outside the IT block: VSEL traps with COND 1110. */
    c->sr.elr_el1 = CODE_T32 + 6;
    c->sr.spsr_el1 = spsr;
    expect_sync(c, EC_FP_ACCESS, FP_ISS(14), CODE_T32 + 6, spsr);
    /* Enabled: run it all (VADDEQ executes, VSELEQ picks s1). */
    c->sr.cpacr_el1 = 3ull << 20;
    c->sr.elr_el1 = CODE_T32;
    expect_sync_il(c, EC_SVC32, false, 2, CODE_T32 + 0xc, spsr);
    CHECK_EQ(c->v[0].s[0], 0x3f800000u);
    cpu_free(c);
}

int main(void)
{
    ram = aligned_alloc(4096, RAM_SIZE);
    test_a32();
    test_t32();
    free(ram);
    return test_report("a32_vfp_sys");
}
