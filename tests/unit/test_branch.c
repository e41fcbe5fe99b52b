/* Direct branches through both executors (host code and interpreter): every
 * condition against every NZCV, CBZ/CBNZ on 32- and 64-bit values, BL's link
 * register, and a counted loop whose blocks chain to themselves.  Expected
 * values come from the Arm ARM's ConditionHolds() written out here, not from
 * the CPU's own table.  Also stores into code that was already translated. */
#include "cpu_harness.h"
#include "test.h"

static bool condition_holds(unsigned cond, unsigned nzcv)
{
    bool n = nzcv >> 3 & 1, z = nzcv >> 2 & 1, c = nzcv >> 1 & 1, v = nzcv & 1, r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = n == v && !z; break;
    default: r = true; break;
    }
    if ((cond & 1) && cond != 15)
        r = !r;
    return r;
}

/* insn at 0 branches to +12 when taken: x0 = 2 if taken, else 1. */
static uint64_t run_branch(struct harness *h, uint32_t insn, uint32_t nzcv, uint64_t x1)
{
    const uint32_t prog[] = {
        insn,
        0xd2800020, /* movz x0, #1 */
        0xd4000001, /* svc #0 */
        0xd2800040, /* movz x0, #2 */
        0xd4000001, /* svc #0 */
    };
    harness_load(h, prog, 5);
    h->cpu->nzcv = nzcv << 28;
    h->cpu->x[1] = x1;
    h->cpu->x[0] = 0;
    CHECK_EQ(cpu_run(h->cpu), CPU_EXIT_SVC);
    return h->cpu->x[0];
}

/* Stores into translated code: the next execution runs the new instruction,
 * on another page (f, called before and after) and on the store's own page
 * (g, the next block); then one page rewritten on every loop iteration. */
static void test_code_writes(struct harness *h)
{
    static const uint32_t prog[] = {
        0x94000400, /* 0x00: bl f */
        0xaa0003e7, /*       mov x7, x0 */
        0xb90000c5, /*       str w5, [x6]     f: movz x0, #2 */
        0x940003fd, /*       bl f */
        0xaa0003e8, /* 0x10: mov x8, x0 */
        0xb9000149, /*       str w9, [x10]    g: movz x0, #4 */
        0x14000001, /*       b g */
        0xd2800060, /* g:    movz x0, #3 */
        0xaa0003eb, /* 0x20: mov x11, x0 */
        0xd280006c, /*       movz x12, #3 */
        0xb90000cd, /* 1:    str w13, [x6]    f: movz x0, #k */
        0x940003f5, /*       bl f */
        0x8b0001ce, /* 0x30: add x14, x14, x0 */
        0x110081ad, /*       add w13, w13, #32  (k + 1) */
        0xf100058c, /*       subs x12, x12, #1 */
        0x54ffff61, /*       b.ne 1b */
        0xd4000001, /* 0x40: svc #0 */
    };
    uint32_t code[0x1008 / 4] = { 0 };
    memcpy(code, prog, sizeof(prog));
    code[0x1000 / 4] = 0xd2800020;      /* f: movz x0, #1 */
    code[0x1004 / 4] = 0xd65f03c0;      /*    ret */
    harness_load(h, code, sizeof(code) / 4);
    struct cpu *c = h->cpu;
    c->x[5] = 0xd2800040;               /* movz x0, #2 */
    c->x[6] = HARNESS_BASE + 0x1000;
    c->x[9] = 0xd2800080;               /* movz x0, #4 */
    c->x[10] = HARNESS_BASE + 0x1c;
    c->x[13] = 0xd28000a0;              /* movz x0, #5 */
    c->x[14] = 0;
    CHECK_EQ(cpu_run(c), CPU_EXIT_SVC);
    CHECK_EQ(c->x[7], 1);
    CHECK_EQ(c->x[8], 2);
    CHECK_EQ(c->x[11], 4);
    CHECK_EQ(c->x[14], 5 + 6 + 7);
}

static void test_executor(const char *jit)
{
    setenv("NESTVM_JIT", jit, 1);
    struct harness h;
    harness_init(&h);
    for (unsigned cond = 0; cond < 16; cond++)
        for (unsigned nzcv = 0; nzcv < 16; nzcv++)
            CHECK_EQ(run_branch(&h, 0x54000060 | cond, nzcv, 0), condition_holds(cond, nzcv) ? 2 : 1);
    static const uint64_t vals[] = { 0, 1, 1ull << 32, 1ull << 63, 0xffffffffull, ~0ull };
    for (unsigned i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        uint64_t v = vals[i];
        CHECK_EQ(run_branch(&h, 0xb4000061, 0, v), v == 0 ? 2 : 1);             /* cbz x1 */
        CHECK_EQ(run_branch(&h, 0xb5000061, 0, v), v != 0 ? 2 : 1);             /* cbnz x1 */
        CHECK_EQ(run_branch(&h, 0x34000061, 0, v), (uint32_t)v == 0 ? 2 : 1);   /* cbz w1 */
        CHECK_EQ(run_branch(&h, 0x35000061, 0, v), (uint32_t)v != 0 ? 2 : 1);   /* cbnz w1 */
    }
    CHECK_EQ(run_branch(&h, 0x14000003, 0, 0), 2);                              /* b */
    CHECK_EQ(run_branch(&h, 0x94000003, 0, 0), 2);                              /* bl */
    CHECK_EQ(h.cpu->x[30], HARNESS_BASE + 4);
    /* movz x2,#1000; movz x3,#0; 1: add x3,x3,#3; subs x2,x2,#1; b.ne 1b; svc */
    static const uint32_t loop[] = { 0xd2807d02, 0xd2800003, 0x91000c63, 0xf1000442, 0x54ffffc1, 0xd4000001 };
    harness_load(&h, loop, 6);
    CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_SVC);
    CHECK_EQ(h.cpu->x[3], 3000);
    CHECK_EQ(h.cpu->x[2], 0);
    CHECK_EQ(h.cpu->nzcv, 0x60000000);  /* Z and C from the last subs */
    test_code_writes(&h);
    harness_free(&h);
}

int main(void)
{
    test_executor("1");
    test_executor("0");
    return test_report("branch");
}
