/* AArch32 at EL1 in system mode (docs/aarch32.md, phase 4), MMU off.
 *
 * Without EL2: cpu_a32_reset_el1 starts A32 code in SVC mode; the AArch32
 * vectors (VBAR) branch to handlers that end the run with HVC #n (the
 * VMM's firmware exit without EL2, n = 1 und, 2 svc, 3 prefetch abort,
 * 4 data abort, 6 irq, 7 fiq) and return with MOVS PC, LR / RFE / SUBS PC,
 * LR.  Checked after each exit: the mode, LR_<mode>, SPSR_<mode>, the masks,
 * DFSR/IFSR/DFAR, banked registers, MRS/MSR (CPSR, SPSR, banked), CPS,
 * SRS/RFE, LDM/STM ^ (user registers and exception return to usr T32),
 * WFI at EL0, T from SCTLR.TE.
 *
 * With EL2 (AArch64): ERET into each AArch32 EL1 mode (HCR_EL2.RW = 0),
 * HVC from AArch32 EL1 to EL2 (0x600 vector, EC 0x12, AArch32 SPSR), the
 * HCR_EL2/HSTR_EL2 traps of CP15 accesses (EC 0x03/0x04), the *32_EL2 and
 * SPSR_<mode> registers at EL2, and the illegal returns. */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "test.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (2u << 20)
#define CODE RAM_BASE
#define CODE_T (RAM_BASE + 0x200)
#define VEC (RAM_BASE + 0x1000)
#define VEC_T (RAM_BASE + 0x2000)
#define EL2CODE (RAM_BASE + 0x3000)
#define VEC_EL2 (RAM_BASE + 0x4000)
#define GUEST (RAM_BASE + 0x5000)
#define DATA (RAM_BASE + 0x8000)
#define STACK (RAM_BASE + 0x10000)

#include "flat_ram.h"

#define M_USR 0x10
#define M_FIQ 0x11
#define M_IRQ 0x12
#define M_SVC 0x13
#define M_ABT 0x17
#define M_UND 0x1b
#define M_SYS 0x1f
#define PSR_AIF 0x1c0u
#define SCTLR_TE (1ull << 30)
#define HCR_RW_BIT (1ull << 31)

static const uint32_t vec_a32[] = {
    0xeafffffe, /*   0: b . */
    0xea000005, /*   4: b h_und */
    0xea000006, /*   8: b h_svc */
    0xea000008, /*   c: b h_pabt */
    0xea000009, /*  10: b h_dabt */
    0xeafffffe, /*  14: b . */
    0xea000009, /*  18: b h_irq */
    0xea00000a, /*  1c: b h_fiq */
    0xe1400071, /*  20: h_und: hvc 1 */
    0xe1b0f00e, /*  24: movs pc, lr */
    0xf96d0513, /*  28: h_svc: srsdb sp!, #19 */
    0xe1400072, /*  2c: hvc 2 */
    0xf8bd0a00, /*  30: rfeia sp! */
    0xe1400073, /*  34: h_pabt: hvc 3 */
    0xe160006e, /*  38: eret (SUBS PC, LR, #0 at EL1) */
    0xe1400074, /*  3c: h_dabt: hvc 4 */
    0xe25ef004, /*  40: subs pc, lr, #4 */
    0xe1400076, /*  44: h_irq: hvc 6 */
    0xe25ef004, /*  48: subs pc, lr, #4 */
    0xe1400077, /*  4c: h_fiq: hvc 7 */
    0xe25ef004, /*  50: subs pc, lr, #4 */
};

static const uint32_t main_a32[] = {
    0xf102001f, /*   0: cps #31 */
    0xe3a00001, /*   4: mov r0, #1 */
    0xef000042, /*   8: svc 0x42 */
    0xe7f000f0, /*   c: udf #0 */
    0xe1200077, /*  10: bkpt 0x0007 */
    0xe8930030, /*  14: ldm r3, {r4, r5}      r3 misaligned */
    0xe10f6000, /*  18: mrs r6, CPSR */
    0xe127f301, /*  1c: msr SP_und, r1 */
    0xe1027300, /*  20: mrs r7, LR_svc */
    0xe1428300, /*  24: mrs r8, SPSR_svc */
    0xe164f309, /*  28: msr SPSR_abt, r9 */
    0xf1080080, /*  2c: cpsie i               IRQ pending */
    0xe321f0d3, /*  30: msr CPSR_c, #0xd3     svc */
    0xe8da6000, /*  34: ldm r10, {sp, lr}^ */
    0xe8cb6000, /*  38: stmia r11, {sp, lr}^ */
    0xe14fc000, /*  3c: mrs r12, SPSR */
    0xe1400979, /*  40: hvc 0x99 */
};

/* At CODE + 0x100: exception return to usr T32. */
static const uint32_t to_usr[] = {
    0xe16ff000, /*   0: msr SPSR_fsxc, r0 */
    0xe8d18004, /*   4: ldm r1, {r2, pc}^ */
};

static const uint16_t usr_t32[] = {
    0xdf03,         /*   0: svc 3 */
    0xde00,         /*   2: udf #0 */
    0xbf30,         /*   4: wfi */
    0xb672,         /*   6: cpsid i    (a NOP at EL0) */
    0xf7e0, 0x8001, /*   8: hvc #1     (UNDEFINED at EL0) */
};

/* T32 vectors (SCTLR.TE): 0x04 hvc #0x11, 0x08 hvc #0x55. */
static const uint16_t vec_t32[] = { 0xe7fe, 0xbf00, 0xf7e0, 0x8011, 0xf7e0, 0x8055 };

/* EL2 (AArch64): HCR_EL2 = x0, SPSR_EL2 = x1, ELR_EL2 = x2, the AArch32
 * registers from x3 and back into x4-x10, then ERET. */
static const uint32_t el2_code[] = {
    0xd51c1100, /*   0: msr hcr_el2, x0 */
    0xd51c4001, /*   4: msr spsr_el2, x1 */
    0xd51c4022, /*   8: msr elr_el2, x2 */
    0xd51c3003, /*   c: msr dacr32_el2, x3 */
    0xd51c5023, /*  10: msr ifsr32_el2, x3 */
    0xd51c5303, /*  14: msr fpexc32_el2, x3 */
    0xd51c4323, /*  18: msr spsr_abt, x3 */
    0xd51c4343, /*  1c: msr spsr_und, x3 */
    0xd51c4303, /*  20: msr spsr_irq, x3 */
    0xd51c4363, /*  24: msr spsr_fiq, x3 */
    0xd53c3004, /*  28: mrs x4, dacr32_el2 */
    0xd53c5025, /*  2c: mrs x5, ifsr32_el2 */
    0xd53c5306, /*  30: mrs x6, fpexc32_el2 */
    0xd53c4327, /*  34: mrs x7, spsr_abt */
    0xd53c4348, /*  38: mrs x8, spsr_und */
    0xd53c4309, /*  3c: mrs x9, spsr_irq */
    0xd53c436a, /*  40: mrs x10, spsr_fiq */
    0xd5033fdf, /*  44: isb */
    0xd69f03e0, /*  48: eret */
};
/* EL2 vectors: 0x600 (lower, AArch32, synchronous) exits with smc #6 and
 * returns with ELR_EL2 += x25; 0x680 smc #7; 0x200 (EL2 itself) smc #8;
 * the others smc #9. */
static const uint32_t vec2_sync32[] = { 0xd40000c3, 0xd53c4038, 0x8b190318, 0xd51c4038, 0xd69f03e0 };
static const uint32_t vec2_irq32[] = { 0xd40000e3, 0xd69f03e0 };
static const uint32_t vec2_cur[] = { 0xd4000103 };
static const uint32_t vec2_other[] = { 0xd4000123 };

/* AArch32 EL1 code run from EL2. */
static const uint32_t guest[] = {
    0xe10f0000, /*   0: mrs r0, CPSR */
    0xe1a0100d, /*   4: mov r1, sp */
    0xe1412374, /*   8: hvc 0x1234 */
    0xee01bf10, /*   c: mcr p15, 0, r11, c1, c0, 0   SCTLR (TVM) */
    0xee102f10, /*  10: mrc p15, 0, r2, c0, c0, 0    MIDR */
    0xee103f11, /*  14: mrc p15, 0, r3, c0, c1, 0    ID_PFR0 (TID3) */
    0xec4bcf02, /*  18: mcrr p15, 0, r12, r11, c2    TTBR0 (TVM, HSTR.T2) */
    0xee116f10, /*  1c: mrc p15, 0, r6, c1, c0, 0    SCTLR (TRVM) */
    0xe1400071, /*  20: hvc 1 */
};

/* T32 vectors and handlers (SCTLR.TE = 1), as vec_a32. */
static const uint16_t vec_t32_full[] = {
    0xf7ff, 0xbffe, /*   0: b.w . */
    0xf000, 0xb80c, /*   4: b.w h_und */
    0xf000, 0xb80e, /*   8: b.w h_svc */
    0xf000, 0xb812, /*   c: b.w h_pabt */
    0xf000, 0xb814, /*  10: b.w h_dabt */
    0xf7ff, 0xbffe, /*  14: b.w . */
    0xf000, 0xb814, /*  18: b.w h_irq */
    0xf000, 0xb816, /*  1c: b.w h_fiq */
    0xf7e0, 0x8001, /*  20: h_und: hvc #1 */
    0xf3de, 0x8f00, /*  24: subs pc, lr, #0 */
    0xe82d, 0xc013, /*  28: h_svc: srsdb sp!, #19 */
    0xf7e0, 0x8002, /*  2c: hvc #2 */
    0xe9bd, 0xc000, /*  30: rfeia sp! */
    0xf7e0, 0x8003, /*  34: h_pabt: hvc #3 */
    0xf3de, 0x8f00, /*  38: subs pc, lr, #0 */
    0xf7e0, 0x8004, /*  3c: h_dabt: hvc #4 */
    0xf3de, 0x8f04, /*  40: subs pc, lr, #4 */
    0xf7e0, 0x8006, /*  44: h_irq: hvc #6 */
    0xf3de, 0x8f04, /*  48: subs pc, lr, #4 */
    0xf7e0, 0x8007, /*  4c: h_fiq: hvc #7 */
    0xf3de, 0x8f04, /*  50: subs pc, lr, #4 */
};

static const uint16_t main_t32[] = {
    0xf3af, 0x811f, /*   0: cps #31 */
    0x2005,         /*   4: movs r0, #5 */
    0xdf01,         /*   6: svc 1 */
    0xde01,         /*   8: udf #1 */
    0xf3e3, 0x8130, /*   a: mrs r1, SP_svc */
    0xf382, 0x8530, /*   e: msr SP_abt, r2 */
    0xf3f6, 0x8330, /*  12: mrs r3, SPSR_und */
    0xb673,         /*  16: cpsid if */
    0xf855, 0x4e04, /*  18: ldrt r4, [r5, #4] */
    0xbf30,         /*  1c: wfi */
    0xf7e0, 0x8099, /*  1e: hvc #153 */
};

/* AArch32 EL1 code for the HCR_EL2 TWI/TSC/IMO/VI checks (at GUEST + 0x100). */
static const uint32_t guest2[] = {
    0xe320f003, /*   0: wfi */
    0xe1600070, /*   4: smc 0 */
    0xf1080080, /*   8: cpsie i */
    0xe320f000, /*   c: nop */
    0xe1400072, /*  10: hvc 2 */
};

/* Maintenance operations and the GIC CPU interface (at GUEST + 0x200). */
static const uint32_t guest3[] = {
    0xee080f17, /*   0: mcr p15, 0, r0, c8, c7, 0     TLBIALL (TTLB) */
    0xee070f15, /*   4: mcr p15, 0, r0, c7, c5, 0     ICIALLU (TPU) */
    0xee070f5e, /*   8: mcr p15, 0, r0, c7, c14, 2    DCCISW (TSW) */
    0xee070f3a, /*   c: mcr p15, 0, r0, c7, c10, 1    DCCMVAC (TPC) */
    0xee070f18, /*  10: mcr p15, 0, r0, c7, c8, 0     ATS1CPR */
    0xee171f14, /*  14: mrc p15, 0, r1, c7, c4, 0     PAR */
    0xe1400073, /*  18: hvc 3 */
    0xee1c0f1c, /*  1c: mrc p15, 0, r0, c12, c12, 0   ICC_IAR1 */
    0xee0c0f3c, /*  20: mcr p15, 0, r0, c12, c12, 1   ICC_EOIR1 */
    0xec421f0c, /*  24: mcrr p15, 0, r1, r2, c12      ICC_SGI1R */
    0xee043f16, /*  28: mcr p15, 0, r3, c4, c6, 0     ICC_PMR */
    0xe1400777, /*  2c: hvc 0x77 */
};

static void load(uint64_t pa, const void *p, size_t n) { memcpy(ram + (pa - RAM_BASE), p, n); }
static uint32_t rd32(uint64_t pa) { uint32_t v; memcpy(&v, ram + (pa - RAM_BASE), 4); return v; }
static void wr32(uint64_t pa, uint32_t v) { memcpy(ram + (pa - RAM_BASE), &v, 4); }

static unsigned mode_of(const struct cpu *c) { return cpu_a32_cpsr(c) & 0x1f; }

static struct cpu *new_cpu(const char *model, bool el2)
{
    memset(ram, 0, RAM_SIZE);
    load(VEC, vec_a32, sizeof(vec_a32));
    load(CODE, main_a32, sizeof(main_a32));
    load(CODE + 0x100, to_usr, sizeof(to_usr));
    load(CODE_T, usr_t32, sizeof(usr_t32));
    load(VEC_T, vec_t32, sizeof(vec_t32));
    load(EL2CODE, el2_code, sizeof(el2_code));
    for (unsigned i = 0; i < 16; i++)
        load(VEC_EL2 + i * 0x80, vec2_other, sizeof(vec2_other));
    load(VEC_EL2 + 0x200, vec2_cur, sizeof(vec2_cur));
    load(VEC_EL2 + 0x600, vec2_sync32, sizeof(vec2_sync32));
    load(VEC_EL2 + 0x680, vec2_irq32, sizeof(vec2_irq32));
    load(GUEST, guest, sizeof(guest));
    load(GUEST + 0x100, guest2, sizeof(guest2));
    load(GUEST + 0x200, guest3, sizeof(guest3));
    load(VEC_T + 0x100, vec_t32_full, sizeof(vec_t32_full));
    load(CODE + 0x800, main_t32, sizeof(main_t32));
    struct cpu_env env = { .ram_ptr = ram_ptr };
    struct cpu *c = cpu_new(cpu_model_find_test(model), &env, false);
    c->el2_enabled = el2;
    return c;
}

/* Run to an HVC #n exit (the firmware exit without EL2). */
static void expect_hvc(struct cpu *c, unsigned n)
{
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->exc.iss & 0xffff, n);
}

static void test_exceptions(void)
{
    struct cpu *c = new_cpu("test-aarch32-el1", false);
    cpu_a32_reset_el1(c, CODE, 0, ~0u, 0x1234);
    CHECK_EQ(cpu_a32_cpsr(c) & 0x3f, M_SVC);
    CHECK_EQ(c->pstate & PSR_AIF, PSR_AIF);
    CHECK_EQ(c->el, 1);
    CHECK_EQ(c->x[1], 0xffffffff);
    CHECK_EQ(c->x[2], 0x1234);
    CHECK(c->el1_a32_reset);
    c->sr.vbar_el1 = VEC;
    c->x[19] = STACK;                   /* SP_svc */
    c->x[3] = DATA + 2;
    c->x[1] = 0xabcd0123;
    c->x[9] = 0x600001d7;
    c->x[10] = DATA + 0x100;
    c->x[11] = DATA + 0x200;
    c->x[13] = 0x13131313;              /* SP_usr/SP_sys */
    wr32(DATA + 0x100, 0xaaaa5555);
    wr32(DATA + 0x104, 0xbbbb6666);
    uint32_t sys = PSR_AIF | M_SYS;

    /* SVC from sys: SRS pushed LR_svc and SPSR_svc, vector VBAR + 8. */
    expect_hvc(c, 2);
    CHECK_EQ(mode_of(c), M_SVC);
    CHECK_EQ(c->el, 1);
    CHECK_EQ(c->x[18], CODE + 0xc);     /* LR_svc: the next instruction */
    CHECK_EQ(c->sr.spsr_el1, sys);
    CHECK_EQ(c->x[19], STACK - 8);
    CHECK_EQ(rd32(STACK - 8), CODE + 0xc);
    CHECK_EQ(rd32(STACK - 4), sys);
    CHECK_EQ(c->pc, VEC + 0x30);
    CHECK_EQ(c->x[0], 1);

    /* UDF: und mode, LR = UDF + 4; MOVS PC, LR returns past it. */
    expect_hvc(c, 1);
    CHECK_EQ(mode_of(c), M_UND);
    CHECK_EQ(c->x[22], CODE + 0x10);
    CHECK_EQ(c->sr.spsr_und, sys);
    CHECK_EQ(c->x[19], STACK);          /* RFE wrote SP_svc back */

    /* BKPT: Prefetch Abort, IFSR = debug event (short format), LR + 4. */
    expect_hvc(c, 3);
    CHECK_EQ(mode_of(c), M_ABT);
    CHECK_EQ(c->x[20], CODE + 0x14);
    CHECK_EQ(c->sr.ifsr32_el2, 0x2);
    CHECK_EQ(c->sr.spsr_abt, sys);

    /* Misaligned LDM: Data Abort, DFSR alignment (short), DFAR, LR + 8. */
    expect_hvc(c, 4);
    CHECK_EQ(mode_of(c), M_ABT);
    CHECK_EQ(c->x[20], CODE + 0x1c);
    CHECK_EQ(c->sr.esr_el1, 0x1);
    CHECK_EQ((uint32_t)c->sr.far_el1, DATA + 2);
    CHECK_EQ(c->pstate & PSR_AIF, PSR_AIF);

    /* MRS/MSR and banked registers from sys; CPSIE I takes the pending
     * IRQ at the next boundary: irq mode, LR_irq = next + 4, I and A set. */
    cpu_set_irq(c, CPU_IRQ, true);
    expect_hvc(c, 6);
    cpu_set_irq(c, CPU_IRQ, false);
    CHECK_EQ(mode_of(c), M_IRQ);
    CHECK_EQ(c->x[16], CODE + 0x34);
    CHECK_EQ(c->sr.spsr_irq, sys & ~0x80u);
    CHECK_EQ(c->pstate & PSR_AIF, PSR_AIF);
    CHECK_EQ(c->x[6], sys);             /* MRS CPSR */
    CHECK_EQ(c->x[23], 0xabcd0123);     /* SP_und written from sys */
    CHECK_EQ(c->x[7], CODE + 0xc);      /* LR_svc */
    CHECK_EQ(c->x[8], sys);             /* SPSR_svc */
    CHECK_EQ(c->sr.spsr_abt, 0x600001d7);

    /* MSR CPSR_c to svc, LDM/STM ^ (user SP/LR), MRS SPSR. */
    expect_hvc(c, 0x99);
    CHECK_EQ(mode_of(c), M_SVC);
    CHECK_EQ(c->pstate & PSR_AIF, 0x1c0);
    CHECK_EQ(c->x[13], 0xaaaa5555);
    CHECK_EQ(c->x[14], 0xbbbb6666);
    CHECK_EQ(c->x[19], STACK);          /* SP_svc untouched */
    CHECK_EQ(rd32(DATA + 0x200), 0xaaaa5555);
    CHECK_EQ(rd32(DATA + 0x204), 0xbbbb6666);
    CHECK_EQ(c->x[12], sys);

    /* LDM ^ with the PC: exception return to usr T32 (SPSR from MSR). */
    c->pc = CODE + 0x100;
    c->x[0] = 0x80000000u | 0x20 | M_USR;     /* N, T, usr, nothing masked */
    c->x[1] = DATA + 0x300;
    wr32(DATA + 0x300, 0x22222222);
    wr32(DATA + 0x304, CODE_T);
    expect_hvc(c, 2);                   /* svc #3 from usr T32 */
    CHECK_EQ(c->x[2], 0x22222222);
    CHECK_EQ(mode_of(c), M_SVC);
    CHECK_EQ(c->x[18], CODE_T + 2);
    CHECK_EQ(c->sr.spsr_el1, 0x80000000u | 0x20 | M_USR);
    CHECK(!(c->a32.ctx & (1u << 11)));  /* SCTLR.TE = 0: A32 handler */

    expect_hvc(c, 1);                   /* udf (T16): LR_und = + 2 */
    CHECK_EQ(c->x[22], CODE_T + 4);
    CHECK_EQ(c->sr.spsr_und, 0x80000000u | 0x20 | M_USR);

    CHECK_EQ(cpu_run(c), CPU_EXIT_WFI); /* WFI at EL0, nothing pending */
    CHECK_EQ(c->pc, CODE_T + 6);
    CHECK_EQ(c->el, 0);
    CHECK_EQ(mode_of(c), M_USR);

    expect_hvc(c, 1);                   /* HVC at EL0: UNDEFINED */
    CHECK_EQ(c->x[22], CODE_T + 0xa);
    CHECK_EQ(c->sr.spsr_und, 0x80000000u | 0x20 | M_USR);   /* CPSID ignored */

    /* SCTLR.TE: exceptions are taken to T32. */
    cpu_a32_reset_el1(c, CODE + 0x300, 0, 0, 0);
    wr32(CODE + 0x300, 0xef000001);     /* svc #1 */
    c->sr.vbar_el1 = VEC_T;
    c->sr.sctlr_el1 |= SCTLR_TE;
    expect_hvc(c, 0x55);
    CHECK(c->a32.ctx & (1u << 11));
    CHECK_EQ(c->x[18], CODE + 0x304);
    CHECK_EQ(c->sr.spsr_el1, PSR_AIF | M_SVC);
    cpu_free(c);
}

/* EL2 ERETs into mode m with SP_<m> = sp; the guest's HVC is taken to EL2. */
static struct cpu *el2_to_mode(unsigned m, uint64_t hcr, const char *model)
{
    struct cpu *c = new_cpu(model, true);
    cpu_power_on_reset(c, EL2CODE);
    c->sr.vbar_el2 = VEC_EL2;
    c->x[0] = hcr;
    c->x[1] = 0x1c0 | m;
    c->x[2] = GUEST;
    c->x[3] = 0x5a5a5a5a;
    c->x[11] = 0x00c50838;              /* an SCTLR value, MMU off */
    c->x[12] = 0x11111000;
    c->x[25] = 0;
    return c;
}

static void expect_el2(struct cpu *c, unsigned n, uint32_t ec, uint32_t iss)
{
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->exc.iss & 0xffff, n);
    CHECK_EQ(c->el, 2);
    CHECK_EQ(c->a32.ctx, 0);
    CHECK_EQ(c->sr.esr_el2 >> 26, ec);
    CHECK_EQ(c->sr.esr_el2 & 0x1ffffff, iss);
}

static void test_el2(void)
{
    static const unsigned modes[] = { M_SVC, M_ABT, M_UND, M_IRQ, M_FIQ, M_SYS };
    static const unsigned sp_slot[] = { 19, 21, 23, 17, 29, 13 };
    for (unsigned i = 0; i < 6; i++) {
        struct cpu *c = el2_to_mode(modes[i], 0, "test-aarch32-el1");
        c->x[sp_slot[i]] = 0x1000 + i;
        c->x[13] = i == 5 ? 0x1005 : 0x13;
        expect_el2(c, 6, 0x12, 0x1234);
        CHECK_EQ(c->x[4], 0x5a5a5a5a);  /* the *32_EL2 registers */
        CHECK_EQ(c->x[5], 0x5a5a5a5a);
        CHECK_EQ(c->x[6], 0x5a5a5a5a);
        CHECK_EQ(c->x[7], 0x5a5a5a5a);
        CHECK_EQ(c->x[8], 0x5a5a5a5a);
        CHECK_EQ(c->x[9], 0x5a5a5a5a);
        CHECK_EQ(c->x[10], 0x5a5a5a5a);
        CHECK_EQ(c->sr.hcr_el2 & HCR_RW_BIT, 0);
        CHECK_EQ(c->x[0], 0x1c0 | modes[i]);
        CHECK_EQ(c->x[1], 0x1000 + i);
        CHECK_EQ(c->sr.elr_el2, GUEST + 0xc);
        CHECK_EQ(c->sr.spsr_el2, 0x1c0 | modes[i]);
        CHECK_EQ(c->pc, VEC_EL2 + 0x604);
        cpu_free(c);
    }

    /* HCR_EL2 traps of CP15 accesses from AArch32 EL1 (EC 0x03/0x04). */
    struct cpu *c = el2_to_mode(M_SVC, (1ull << 26) | (1ull << 18) | (1ull << 30), "test-aarch32-el1");
    expect_el2(c, 6, 0x12, 0x1234);
    /* MCR SCTLR with TVM: CV, COND = AL, CRn 1, Rt 7, write. */
    expect_el2(c, 6, 0x03, 1u << 24 | 14u << 20 | 1u << 10 | 11u << 5);
    CHECK_EQ(c->sr.elr_el2, GUEST + 0xc);
    CHECK_EQ(c->sr.spsr_el2, 0x1c0 | M_SVC);
    c->x[25] = 4;
    /* MIDR: not trapped; ID_PFR0 with TID3: Opc2 0, CRn 0, CRm 1, Rt 3, read. */
    expect_el2(c, 6, 0x03, 1u << 24 | 14u << 20 | 3u << 5 | 1u << 1 | 1);
    CHECK_EQ(c->x[2], (uint32_t)c->sr.vpidr_el2);  /* MIDR reads VPIDR_EL2 below EL2 */
    /* MCRR TTBR0 with TVM: CRm 2, Rt 12, Rt2 11, write. */
    expect_el2(c, 6, 0x04, 1u << 24 | 14u << 20 | 11u << 10 | 12u << 5 | 2u << 1);
    /* MRC SCTLR with TRVM. */
    expect_el2(c, 6, 0x03, 1u << 24 | 14u << 20 | 1u << 10 | 6u << 5 | 1);
    expect_el2(c, 6, 0x12, 1);
    cpu_free(c);

    /* HSTR_EL2.T2 traps the MCRR of TTBR0 (CRm 2), T0 the MIDR read. */
    c = el2_to_mode(M_SVC, 0, "test-aarch32-el1");
    c->sr.hstr_el2 = 1u << 2 | 1u << 0;
    expect_el2(c, 6, 0x12, 0x1234);
    c->x[25] = 0;
    expect_el2(c, 6, 0x03, 1u << 24 | 14u << 20 | 2u << 5 | 1);     /* MIDR */
    CHECK_EQ((uint32_t)c->sr.sctlr_el1, 0x00c50838);       /* SCTLR written by MCR */
    c->x[25] = 4;
    expect_el2(c, 6, 0x03, 1u << 24 | 14u << 20 | 3u << 5 | 1u << 1 | 1);    /* ID_PFR0 */
    expect_el2(c, 6, 0x04, 1u << 24 | 14u << 20 | 11u << 10 | 12u << 5 | 2u << 1);
    c->sr.hstr_el2 = 0;
    c->x[25] = 0;
    expect_el2(c, 6, 0x12, 1);
    CHECK_EQ(c->sr.ttbr0_el1, 0x00c5083811111000ull);
    CHECK_EQ(c->x[6], 0x00c50838);      /* SCTLR read back */
    cpu_free(c);

    /* HCR_EL2.RW = 1: a return to an AArch32 EL1 mode is illegal (IL set,
     * still EL2: the Illegal Execution state exception at EL2). */
    c = el2_to_mode(M_SVC, HCR_RW_BIT, "test-aarch32-el1");
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->exc.iss & 0xffff, 8);
    CHECK_EQ(c->sr.esr_el2 >> 26, 0x0e);
    cpu_free(c);

    /* Without AArch32 EL1 the *32_EL2 registers are UNDEFINED and
     * HCR_EL2.RW is RAO/WI. */
    c = el2_to_mode(M_SVC, 0, "test-aarch32-el0");
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->exc.iss & 0xffff, 8);
    CHECK_EQ(c->sr.esr_el2 >> 26, 0);
    CHECK_EQ(c->sr.elr_el2, EL2CODE + 0xc);
    CHECK_EQ(c->sr.hcr_el2 & HCR_RW_BIT, HCR_RW_BIT);
    cpu_free(c);
}

/* T32 at EL1 with T32 vectors: CPS, SVC/SRS/RFE, UDF/SUBS PC, LR, banked
 * registers, CPSID, LDRT, WFI; the long-descriptor DFSR format. */
static void test_t32(void)
{
    struct cpu *c = new_cpu("test-aarch32-el1", false);
    cpu_a32_reset_el1(c, (CODE + 0x800) | 1, 0, 0, 0);
    CHECK_EQ(cpu_a32_cpsr(c) & 0x3f, 0x20 | M_SVC);
    c->sr.vbar_el1 = VEC_T + 0x100;
    c->sr.sctlr_el1 |= SCTLR_TE;
    c->x[19] = STACK;
    c->x[2] = 0x2222;
    c->x[5] = DATA;
    c->x[23] = 0x2323;
    wr32(DATA + 4, 0x44444444);
    uint32_t sys = 0x20 | PSR_AIF | M_SYS;

    expect_hvc(c, 2);                   /* svc #1 (16-bit) from sys T32 */
    CHECK(c->a32.ctx & (1u << 11));
    CHECK_EQ(mode_of(c), M_SVC);
    CHECK_EQ(c->x[18], CODE + 0x808);
    CHECK_EQ(c->sr.spsr_el1, sys);
    CHECK_EQ(rd32(STACK - 8), CODE + 0x808);
    CHECK_EQ(c->x[0], 5);

    expect_hvc(c, 1);                   /* udf #1: LR_und = + 2 */
    CHECK_EQ(c->x[22], CODE + 0x80a);
    CHECK_EQ(c->sr.spsr_und, sys);

    CHECK_EQ(cpu_run(c), CPU_EXIT_WFI);
    CHECK_EQ(c->pc, CODE + 0x81e);
    CHECK_EQ(c->x[1], STACK);           /* SP_svc from sys */
    CHECK_EQ(c->x[21], 0x2222);         /* SP_abt written */
    CHECK_EQ(c->x[3], sys);             /* SPSR_und */
    CHECK_EQ(c->x[4], 0x44444444);      /* LDRT at EL1 */
    CHECK_EQ(mode_of(c), M_SYS);
    expect_hvc(c, 0x99);

    /* TTBCR.EAE: the long-descriptor DFSR (LPAE, status 0x21). */
    cpu_a32_reset_el1(c, CODE + 0x14, 0, 0, 0);
    c->sr.vbar_el1 = VEC;
    c->x[3] = DATA + 1;
    c->sr.tcr_el1 = 1ull << 31;
    expect_hvc(c, 4);
    CHECK_EQ(c->sr.esr_el1, 1u << 9 | 0x21);
    CHECK_EQ(c->x[20], CODE + 0x1c);
    cpu_free(c);
}

/* Under EL2: WFI (TWI) and SMC (TSC) traps, a physical IRQ routed to EL2
 * (IMO, vector 0x680), a virtual IRQ (VI) taken in irq mode. */
static void test_el2_irq(void)
{
    struct cpu *c = el2_to_mode(M_SVC, (1ull << 13) | (1ull << 19) | (1ull << 4), "test-aarch32-el1");
    c->x[2] = GUEST + 0x100;
    c->x[25] = 4;
    expect_el2(c, 6, 0x01, 1u << 24 | 14u << 20);
    CHECK_EQ(c->sr.elr_el2, GUEST + 0x100);
    expect_el2(c, 6, 0x13, 1u << 24 | 14u << 20 | 1u << 19);
    CHECK_EQ(c->sr.elr_el2, GUEST + 0x104);
    /* Routed to EL2 by IMO, CPSR.I does not mask it. */
    cpu_set_irq(c, CPU_IRQ, true);
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->exc.iss & 0xffff, 7);
    CHECK_EQ(c->pc, VEC_EL2 + 0x684);
    CHECK_EQ(c->sr.elr_el2, GUEST + 0x108);
    CHECK_EQ(c->sr.spsr_el2, 0x1c0 | M_SVC);
    cpu_set_irq(c, CPU_IRQ, false);
    /* HCR_EL2.VI: the virtual IRQ goes to the AArch32 irq mode once CPSIE
     * unmasks it. */
    c->sr.vbar_el1 = VEC;
    c->sr.hcr_el2 |= 1ull << 7;
    c->exit_request = 1;
    expect_el2(c, 6, 0x12, 6);
    CHECK_EQ(c->sr.spsr_el2, 0x1c0 | M_IRQ);
    CHECK_EQ(c->x[16], GUEST + 0x10c + 4);
    CHECK_EQ(c->sr.spsr_irq, 0x140 | M_SVC);
    cpu_free(c);
}

/* The GIC CPU interface as seen by the env: the last accesses. */
static uint32_t gic_keys[8];
static uint64_t gic_vals[8];
static unsigned gic_n;

static bool fake_gic_read(void *opaque, struct cpu *c, uint32_t key, uint64_t *val)
{
    (void)opaque, (void)c;
    gic_keys[gic_n & 7] = key;
    gic_vals[gic_n++ & 7] = 0;
    *val = 0x1b;
    return true;
}

static bool fake_gic_write(void *opaque, struct cpu *c, uint32_t key, uint64_t val)
{
    (void)opaque, (void)c;
    gic_keys[gic_n & 7] = key;
    gic_vals[gic_n++ & 7] = val;
    return true;
}

#define SYSKEY(op0, op1, crn, crm, op2) ((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))

/* Cache/TLB/AT operations execute, and trap by HCR_EL2 TTLB/TPU/TSW/TPCP;
 * ICC_* accesses reach the env by their AArch64 keys (SGI1R by MCRR). */
static void test_maint_gic(void)
{
    struct cpu *c = el2_to_mode(M_SVC, 0, "test-aarch32-el1");
    c->env.gic_read = fake_gic_read;
    c->env.gic_write = fake_gic_write;
    c->x[2] = GUEST + 0x200;
    c->x[11] = DATA;
    c->x[25] = 0;
    /* The guest's r0 is HCR_EL2's value (0): DCCMVAC/ATS1CPR of address 0
     * would be MMIO; start the guest with r0 = DATA instead. */
    load(EL2CODE + 0x44, (const uint32_t[]){ 0xaa0b03e0 }, 4);     /* mov x0, x11 (replaces isb) */
    expect_el2(c, 6, 0x12, 3);
    CHECK_EQ(c->x[1] & 0xfffff000u, DATA);
    CHECK_EQ(c->x[1] & 1, 0);
    gic_n = 0;
    c->x[1] = 0x00010001;
    c->x[2] = 0x00020000;
    c->x[3] = 0xf0;
    expect_el2(c, 6, 0x12, 0x77);
    CHECK_EQ(gic_n, 4);
    CHECK_EQ(gic_keys[0], SYSKEY(3, 0, 12, 12, 0));
    CHECK_EQ(c->x[0], 0x1b);
    CHECK_EQ(gic_keys[1], SYSKEY(3, 0, 12, 12, 1));
    CHECK_EQ(gic_vals[1], 0x1b);
    CHECK_EQ(gic_keys[2], SYSKEY(3, 0, 12, 11, 5));
    CHECK_EQ(gic_vals[2], 0x0002000000010001ull);
    CHECK_EQ(gic_keys[3], SYSKEY(3, 0, 4, 6, 0));
    CHECK_EQ(gic_vals[3], 0xf0);
    cpu_free(c);

    /* Each operation traps with its own HCR_EL2 control only. */
    static const struct { uint64_t hcr; uint32_t iss; uint64_t at; } traps[] = {
        { 1ull << 25, 8u << 10 | 7u << 1, 0x0 },                   /* TTLB: TLBIALL */
        { 1ull << 24, 7u << 10 | 5u << 1, 0x4 },                   /* TPU: ICIALLU */
        { 1ull << 22, 2u << 17 | 7u << 10 | 14u << 1, 0x8 },       /* TSW: DCCISW */
        { 1ull << 23, 1u << 17 | 7u << 10 | 10u << 1, 0xc },       /* TPC: DCCMVAC */
    };
    for (unsigned i = 0; i < 4; i++) {
        c = el2_to_mode(M_SVC, traps[i].hcr, "test-aarch32-el1");
        load(EL2CODE + 0x44, (const uint32_t[]){ 0xaa0b03e0 }, 4);     /* mov x0, x11 */
        c->x[11] = DATA;
        c->x[2] = GUEST + 0x200;
        c->x[25] = 4;
        expect_el2(c, 6, 0x03, 1u << 24 | 14u << 20 | traps[i].iss);
        CHECK_EQ(c->sr.elr_el2, GUEST + 0x200 + traps[i].at);
        expect_el2(c, 6, 0x12, 3);
        cpu_free(c);
    }
}

/* SCTLR.V: the vectors at 0xFFFF0000 (here a second view of VEC's page). */
static void *high_ram_ptr(void *opaque, uint64_t pa)
{
    if (pa - 0xffff0000ull < 0x1000)
        return ram + (VEC - RAM_BASE) + (pa - 0xffff0000ull);
    return ram_ptr(opaque, pa);
}

static void test_high_vectors(void)
{
    struct cpu *c = new_cpu("test-aarch32-el1", false);
    c->env.ram_ptr = high_ram_ptr;
    cpu_a32_reset_el1(c, CODE + 0x300, 0, 0, 0);
    wr32(CODE + 0x300, 0xef000001);     /* svc #1 */
    c->sr.vbar_el1 = VEC_T;             /* ignored with V = 1 */
    c->sr.sctlr_el1 |= 1u << 13;
    c->x[19] = STACK;
    expect_hvc(c, 2);
    CHECK_EQ(c->pc, 0xffff0030ull);
    CHECK_EQ(c->x[18], CODE + 0x304);
    cpu_free(c);
}

/* ERET from EL2 to usr below an AArch32 EL1: the usr SVC is taken by the
 * AArch32 EL1 (svc mode), whose HVC reaches EL2. */
static void test_el2_usr(void)
{
    struct cpu *c = el2_to_mode(M_USR, 0, "test-aarch32-el1");
    wr32(GUEST + 0x400, 0xef000007);    /* svc #7 */
    c->x[2] = GUEST + 0x400;
    c->x[19] = STACK;
    c->sr.vbar_el1 = VEC;
    expect_el2(c, 6, 0x12, 2);
    CHECK_EQ(c->sr.spsr_el2, 0x1c0 | M_SVC);
    CHECK_EQ(c->sr.spsr_el1, 0x1c0 | M_USR);
    CHECK_EQ(c->x[18], GUEST + 0x404);
    CHECK_EQ(c->sr.elr_el2, VEC + 0x30);
    cpu_free(c);
}

/* A stage-2 data abort from AArch32 EL1 (HCR_EL2.VM, stage 1 off): EL2
 * gets EC 0x24 at 0x600 with the instruction syndrome, SRT the X slot of
 * the banked Rt (LR_svc = X18), FAR and HPFAR. */
#define S2_ROOT (RAM_BASE + 0x100000)
static void test_stage2(void)
{
    struct cpu *c = el2_to_mode(M_SVC, 1ull << 0, "test-aarch32-el1");
    wr32(GUEST + 0x300, 0xe59be000);    /* ldr lr, [r11] */
    c->x[2] = GUEST + 0x300;
    c->x[11] = DATA;
    s2_tables(S2_ROOT, DATA, 0);
    c->sr.vtcr_el2 = S2_VTCR, c->sr.vttbr_el2 = S2_ROOT;
    expect_el2(c, 6, 0x24, 1u << 24 | 2u << 22 | 18u << 16 | 0x07);
    CHECK_EQ(c->sr.esr_el2 >> 25 & 1, 1);
    CHECK_EQ(c->sr.far_el2, DATA);
    CHECK_EQ(c->sr.hpfar_el2, (DATA >> 12) << 4);
    CHECK_EQ(c->sr.elr_el2, GUEST + 0x300);
    CHECK_EQ(c->sr.spsr_el2, 0x1c0 | M_SVC);
    cpu_free(c);
}

/* CP15 round trips at EL1 (MCR Rt = r1, MRC into r2), each register
 * checked in the AArch64 register it aliases (whole, or a 32-bit half). */
static uint32_t cp15(bool read, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2, unsigned rt)
{
    return 0xee000f10u | (read ? 1u << 20 : 0) | opc1 << 21 | crn << 16 | rt << 12 | opc2 << 5 | crm;
}

static void test_cp15_roundtrip(void)
{
    static const struct {
        const char *name;
        uint8_t opc1, crn, crm, opc2;
        size_t off;         /* struct cpu field */
        unsigned shift;     /* 0: bits 31:0, 32: bits 63:32 */
        uint32_t val, back; /* written; read back */
    } regs[] = {
#define F(f) offsetof(struct cpu, f)
        { "TTBCR", 0, 2, 0, 2, F(sr.tcr_el1), 0, 0x80000005, 0x80000005 },
        { "TTBCR2", 0, 2, 0, 3, F(sr.tcr_el1), 32, 0x00000010, 0x00000010 },
        { "DACR", 0, 3, 0, 0, F(sr.dacr32_el2), 0, 0x55555555, 0x55555555 },
        { "DFSR", 0, 5, 0, 0, F(sr.esr_el1), 0, 0x00000a05, 0x00000a05 },
        { "IFSR", 0, 5, 0, 1, F(sr.ifsr32_el2), 0, 0x0000000d, 0x0000000d },
        { "DFAR", 0, 6, 0, 0, F(sr.far_el1), 0, 0xdfa00000, 0xdfa00000 },
        { "IFAR", 0, 6, 0, 2, F(sr.far_el1), 32, 0x1fa00000, 0x1fa00000 },
        { "PRRR", 0, 10, 2, 0, F(sr.mair_el1), 0, 0xff0a81a8, 0xff0a81a8 },
        { "NMRR", 0, 10, 2, 1, F(sr.mair_el1), 32, 0x40e040e0, 0x40e040e0 },
        { "AMAIR1", 0, 10, 3, 1, F(sr.amair_el1), 32, 0x00000007, 0x00000007 },
        { "VBAR", 0, 12, 0, 0, F(sr.vbar_el1), 0, 0xc0008000, 0xc0008000 },
        { "CONTEXTIDR", 0, 13, 0, 1, F(sr.contextidr_el1), 0, 0x00000142, 0x00000142 },
        { "TPIDRPRW", 0, 13, 0, 4, F(sr.tpidr_el1), 0, 0xc1234000, 0xc1234000 },
        { "TPIDRURO", 0, 13, 0, 3, F(tpidrro_el0), 0, 0xb6f00000, 0xb6f00000 },
        { "ACTLR", 0, 1, 0, 1, F(sr.actlr_el1), 0, 0x00000040, 0x00000040 },
        { "PAR", 0, 7, 4, 0, F(sr.par_el1), 0, 0x40001000, 0x40001000 },
        { "CNTKCTL", 0, 14, 1, 0, F(sr.cntkctl_el1), 0, 0x00000003, 0x00000003 },
        { "CSSELR", 2, 0, 0, 0, F(sr.csselr_el1), 0, 0x00000002, 0x00000002 },
        { "CPACR", 0, 1, 0, 2, F(sr.cpacr_el1), 0, 0xc0f00000, 0x00f00000 },
#undef F
    };
    struct cpu *c = new_cpu("test-aarch32-el1", false);
    for (unsigned i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
        cpu_a32_reset_el1(c, CODE + 0x400, 0, 0, 0);
        c->sr.far_el1 = c->sr.tcr_el1 = c->sr.mair_el1 = c->sr.amair_el1 = 0x7777777777777777ull;
        uint32_t prog[] = { cp15(false, regs[i].opc1, regs[i].crn, regs[i].crm, regs[i].opc2, 1),
                            cp15(true, regs[i].opc1, regs[i].crn, regs[i].crm, regs[i].opc2, 2),
                            0xe1400472 /* hvc #0x42 */ };
        load(CODE + 0x400, prog, sizeof(prog));
        cpu_code_invalidate_all(c);
        c->x[1] = regs[i].val;
        expect_hvc(c, 0x42);
        uint64_t field;
        memcpy(&field, (const char *)c + regs[i].off, 8);
        if (strcmp(regs[i].name, "CPACR") == 0) {
            CHECK_EQ(field, 0x300000);      /* FPEN; ASEDIS/D32DIS not kept */
        } else {
            CHECK_EQ((uint32_t)(field >> regs[i].shift), regs[i].val);
            if (regs[i].off == offsetof(struct cpu, sr.far_el1) || regs[i].off == offsetof(struct cpu, sr.tcr_el1) ||
                regs[i].off == offsetof(struct cpu, sr.mair_el1) || regs[i].off == offsetof(struct cpu, sr.amair_el1))
                CHECK_EQ((uint32_t)(field >> (32 - regs[i].shift)), 0x77777777);   /* the other half kept */
        }
        if (c->x[2] != regs[i].back)
            fprintf(stderr, "%s: ", regs[i].name);
        CHECK_EQ(c->x[2], regs[i].back);
    }

    /* MRC with Rt = 15: bits 31:28 to APSR.NZCV (SCTLR.TE and TRE: 0101),
     * then DBGDSCRint (CP14, RAZ) clears them. */
    cpu_a32_reset_el1(c, CODE + 0x400, 0, 0, 0);
    c->sr.sctlr_el1 |= 1u << 30 | 1u << 28;
    const uint32_t nz[] = { 0xee11ff10, 0xe10f3000 /* mrs r3, cpsr */, 0xee10fe11, 0xe10f4000 /* mrs r4, cpsr */,
                            0xe1400472 };
    load(CODE + 0x400, nz, sizeof(nz));
    cpu_code_invalidate_all(c);
    expect_hvc(c, 0x42);
    CHECK_EQ(c->x[3] >> 28, 0x5);
    CHECK_EQ(c->x[4] >> 28, 0x0);
    cpu_free(c);
}

/* CPSR.I masks an IRQ for EL1 while in usr mode too. */
static void test_usr_masked_irq(void)
{
    struct cpu *c = new_cpu("test-aarch32-el1", false);
    cpu_a32_reset_el1(c, CODE + 0x100, 0x80 | M_USR, DATA + 0x300, 0);
    c->sr.vbar_el1 = VEC;
    wr32(DATA + 0x304, CODE + 0x500);
    wr32(CODE + 0x500, 0xe7f000f0);     /* udf #0 */
    cpu_set_irq(c, CPU_IRQ, true);
    expect_hvc(c, 1);                   /* the UDF, not the IRQ */
    CHECK_EQ(c->sr.spsr_und, 0x80 | M_USR);
    CHECK_EQ(c->x[22], CODE + 0x504);
    cpu_set_irq(c, CPU_IRQ, false);

    /* MSR CPSR_c with hyp mode (not reachable from EL1): PSTATE.IL, the
     * mode unchanged; the next instruction is UNDEFINED (Illegal Execution
     * state), SPSR_und.IL set. */
    cpu_a32_reset_el1(c, CODE + 0x600, 0, 0, 0);
    c->sr.vbar_el1 = VEC;
    wr32(CODE + 0x600, 0xe321f0da);     /* msr CPSR_c, #0xda */
    wr32(CODE + 0x604, 0xe320f000);     /* nop */
    cpu_code_invalidate_all(c);
    expect_hvc(c, 1);
    CHECK_EQ(c->sr.spsr_und, 1u << 20 | PSR_AIF | M_SVC);
    CHECK_EQ(c->x[22], CODE + 0x608);
    CHECK_EQ(c->pstate & (1u << 20), 0);
    cpu_free(c);
}

/* FPEXC.EN at AArch32 EL1: with CPACR granting cp10/cp11 and EN = 0, VMRS
 * of FPEXC/FPSID/MVFRx works and VFP data processing is UNDEFINED; VMSR
 * FPEXC sets EN.  CPACR.cp10 = 0 makes the VMRS UNDEFINED too.  Under EL2,
 * HCR_EL2.TID3 traps VMRS MVFR0 (EC 0x08). */
static void test_fpexc(void)
{
    static const uint32_t prog[] = {
        0xeef80a10, /*   0: vmrs r0, fpexc */
        0xeef01a10, /*   4: vmrs r1, fpsid */
        0xeef72a10, /*   8: vmrs r2, mvfr0 */
        0xee300a81, /*   c: vadd.f32 s0, s1, s2 */
        0xeee83a10, /*  10: vmsr fpexc, r3 */
        0xee300a81, /*  14: vadd.f32 s0, s1, s2 */
        0xeef84a10, /*  18: vmrs r4, fpexc */
        0xeef65a10, /*  1c: vmrs r5, mvfr1 */
        0xe1400472, /*  20: hvc 0x42 */
    };
    struct cpu *c = new_cpu("test-aarch32-el1", false);
    load(CODE + 0x700, prog, sizeof(prog));
    cpu_a32_reset_el1(c, CODE + 0x700, 0, 0, 0);
    c->sr.vbar_el1 = VEC;
    c->sr.cpacr_el1 = 3u << 20;
    c->x[3] = 0xc0000000;               /* EX is RAZ/WI */
    c->v[0].s[1] = 0x3f800000;          /* s1 = 1.0 */
    c->v[0].s[2] = 0x40000000;          /* s2 = 2.0 */
    expect_hvc(c, 1);
    CHECK_EQ(c->x[22], CODE + 0x710);   /* the VADD was UNDEFINED */
    CHECK_EQ(c->x[0], 0);
    CHECK_EQ(c->x[1] >> 24, 0x4e);
    CHECK_EQ(c->x[2], c->model->mvfr0);
    expect_hvc(c, 0x42);
    CHECK_EQ(c->x[4], 0x40000000);
    CHECK_EQ(c->x[5], c->model->mvfr1);
    CHECK_EQ(c->v[0].s[0], 0x40400000); /* 3.0 */
    CHECK_EQ(c->sr.fpexc32_el2, 0x40000000);

    cpu_a32_reset_el1(c, CODE + 0x700, 0, 0, 0);
    c->sr.cpacr_el1 = 0;
    expect_hvc(c, 1);
    CHECK_EQ(c->x[22], CODE + 0x704);   /* CPACR first: even VMRS FPEXC */
    cpu_free(c);

    c = el2_to_mode(M_SVC, 1ull << 18, "test-aarch32-el1");
    wr32(GUEST + 0x500, 0xeef72a10);    /* vmrs r2, mvfr0 */
    c->x[2] = GUEST + 0x500;
    c->sr.cpacr_el1 = 3u << 20;
    expect_el2(c, 6, 0x08, 1u << 24 | 14u << 20 | 7u << 14 | 7u << 10 | 2u << 5 | 1);
    cpu_free(c);
}

int main(void)
{
    ram = calloc(1, RAM_SIZE);
    test_exceptions();
    test_el2();
    test_t32();
    test_el2_irq();
    test_maint_gic();
    test_high_vectors();
    test_stage2();
    test_el2_usr();
    test_cp15_roundtrip();
    test_usr_masked_irq();
    test_fpexc();
    (void)host;
    free(ram);
    (void)map4k;    /* flat_ram.h: no page tables here (MMU off) */
    return test_report("test_a32_el1");
}
