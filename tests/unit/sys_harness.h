/* A system-mode CPU for EL1/EL2 unit tests: 1 MiB of RAM at RAM_BASE, MMU
 * off, EL2 implemented.  Every vector of VBAR_EL1 is "smc #1" and every
 * vector of VBAR_EL2 "smc #2", so sys_run() tells where an exception went:
 * 0 = none (the program's final "smc #0"), 1 = EL1, 2 = EL2.  (SMC leaves
 * the CPU to the VMM's firmware from EL1/EL2 unless HCR_EL2.TSC traps it.) */
#ifndef NESTVM_TEST_SYS_HARNESS_H
#define NESTVM_TEST_SYS_HARNESS_H

#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "test.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (1u << 20)
#define VEC1 (RAM_BASE + 0x10000)
#define VEC2 (RAM_BASE + 0x20000)
#define DATA (RAM_BASE + 0x30000)
#define SMC(n) (0xd4000003u | (uint32_t)(n) << 5)
#define SVC0 0xd4000001u

static uint8_t *ram;
static struct cpu *sc;

static void *sys_ram_ptr(void *opaque, uint64_t pa)
{
    (void)opaque;
    return pa - RAM_BASE < RAM_SIZE ? ram + (pa - RAM_BASE) : NULL;
}

static void sys_init(const char *model)
{
    if (sc)
        cpu_free(sc);
    if (!ram)
        ram = calloc(1, RAM_SIZE);
    struct cpu_env env = { .ram_ptr = sys_ram_ptr };
    sc = cpu_new(cpu_model_find(model), &env, false);
    sc->el2_enabled = true;
    cpu_power_on_reset(sc, RAM_BASE);
    for (int i = 0; i < 16; i++) {
        uint32_t w1 = SMC(1), w2 = SMC(2);
        memcpy(ram + (VEC1 - RAM_BASE) + i * 0x80, &w1, 4);
        memcpy(ram + (VEC2 - RAM_BASE) + i * 0x80, &w2, 4);
    }
    sc->sr.vbar_el1 = VEC1;
    sc->sr.vbar_el2 = VEC2;
    sc->sr.hcr_el2 = 1ull << 31;    /* RW */
}

static void sys_set_el(unsigned el, uint32_t extra_pstate)
{
    uint32_t old = sc->pstate;
    sc->pstate = el << 2 | (el ? 1u : 0u) | PSTATE_DAIF | extra_pstate;
    sys_pstate_changed(sc, old);
}

/* Run prog (n words) at RAM_BASE at el: 0, 1 or 2 as above; 99 on other exits. */
static unsigned sys_run(unsigned el, const uint32_t *prog, size_t n)
{
    memcpy(ram, prog, n * 4);
    sys_set_el(el, 0);
    sc->pc = RAM_BASE;
    cpu_code_invalidate_all(sc);
    enum cpu_exit r = cpu_run(sc);
    if (r != CPU_EXIT_HVC)
        return 99;
    return sc->exc.iss;
}

/* One instruction, then the exit (EL0 ends with SVC, which goes to EL1). */
static unsigned sys_run1(unsigned el, uint32_t insn)
{
    uint32_t prog[2] = { insn, el ? SMC(0) : SVC0 };
    return sys_run(el, prog, 2);
}

#endif
