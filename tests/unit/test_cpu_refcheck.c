/* Cross-check of the executor against Unicorn on a tiny program, proving the
 * reference harness itself works. */
#include "cpu_harness.h"
#include "test.h"
#include "unicorn_ref.h"

int main(void)
{
    /* movz x0,#5; movz x1,#0; loop: add x1,x1,#3; sub x0,x0,#1; cbnz x0,loop; adds x2,x1,#1 */
    static const uint32_t prog[] = { 0xd28000a0, 0xd2800001, 0x91000c21, 0xd1000400, 0xb5ffffc0, 0xb1000422, 0xd4000001 };
    struct ref_state ref = { 0 };
    CHECK(ref_run(&ref, HARNESS_BASE, prog, 6, 0, NULL, 0));
    struct harness h;
    harness_init(&h);
    harness_load(&h, prog, 7);
    CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_SVC);
    for (int i = 0; i < 31; i++)
        CHECK_EQ(h.cpu->x[i], ref.x[i]);
    CHECK_EQ(h.cpu->nzcv, ref.nzcv);
    harness_free(&h);
    return test_report("cpu_refcheck");
}
