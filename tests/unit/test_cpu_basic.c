/* Smoke tests of the executor: decode, block chaining, exits, faults. */
#include "cpu_harness.h"
#include "test.h"

/* movz x0,#5; movz x1,#0; loop: add x1,x1,#3; sub x0,x0,#1; cbnz x0,loop; svc #0x42 */
static const uint32_t loop_prog[] = {
    0xd28000a0, 0xd2800001, 0x91000c21, 0xd1000400, 0xb5ffffc0, 0xd4000841,
};

static void test_loop_and_svc(void)
{
    struct harness h;
    harness_init(&h);
    harness_load(&h, loop_prog, 6);
    enum cpu_exit r = cpu_run(h.cpu);
    CHECK_EQ(r, CPU_EXIT_SVC);
    CHECK_EQ(h.cpu->exc.iss, 0x42);
    CHECK_EQ(h.cpu->x[1], 15);
    CHECK_EQ(h.cpu->x[0], 0);
    CHECK_EQ(h.cpu->pc, HARNESS_BASE + 6 * 4);
    harness_free(&h);
}

/* adds w2, w1, #1 with w1 = 0xffffffff: Z and C set, result 0. */
static void test_flags(void)
{
    static const uint32_t prog[] = { 0x31000422, 0xd4000001 };
    struct harness h;
    harness_init(&h);
    harness_load(&h, prog, 2);
    h.cpu->x[1] = 0xffffffffull;
    CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_SVC);
    CHECK_EQ(h.cpu->x[2], 0);
    CHECK_EQ(h.cpu->nzcv, NZCV_Z | NZCV_C);
    harness_free(&h);
}

/* An undefined word exits with CPU_EXIT_UNDEF at its own pc; a jump outside
 * memory is an instruction abort. */
static void test_undef_and_abort(void)
{
    static const uint32_t prog[] = { 0xd2800000, 0x00000000 };
    struct harness h;
    harness_init(&h);
    harness_load(&h, prog, 2);
    CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_UNDEF);
    CHECK_EQ(h.cpu->pc, HARNESS_BASE + 4);

    static const uint32_t jump[] = { 0xd61f0020 }; /* br x1 */
    harness_load(&h, jump, 1);
    h.cpu->x[1] = 0x4000000;
    CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_FAULT);
    CHECK_EQ(h.cpu->pc, 0x4000000);
    harness_free(&h);
}

int main(void)
{
    test_loop_and_svc();
    test_flags();
    test_undef_and_abort();
    return test_report("cpu_basic");
}
