/* Stage-1 translation in system mode with each granule (4K, 16K, 64K) and
 * 48-bit VAs: page tables built here in guest RAM identity-map the code and
 * map a VA far from any RAM address onto a data page; the guest enables the
 * MMU, loads and stores through that VA and calls HVC.  Also checks that a
 * read-only page faults on a store and that an unmapped VA is a level-N
 * translation fault with the right FAR. */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "test.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (16u << 20)
#define CODE_PA RAM_BASE
#define DATA_PA (RAM_BASE + 0x800000)
#define TEST_VA 0x0000a5a500000000ull   /* 48-bit, nowhere near RAM */

static uint8_t *ram;
static uint64_t next_table;

static void *ram_ptr(void *opaque, uint64_t pa)
{
    (void)opaque;
    return pa - RAM_BASE < RAM_SIZE ? ram + (pa - RAM_BASE) : NULL;
}

static uint64_t *pa_to_host(uint64_t pa) { return (uint64_t *)(ram + (pa - RAM_BASE)); }

static uint64_t new_table(unsigned gbits)
{
    uint64_t t = next_table;
    next_table += 1ull << gbits;
    memset(pa_to_host(t), 0, 1ull << gbits);
    return t;
}

/* Map one page VA -> PA at the last level; attr bits for the leaf (AP etc). */
static void map_page(uint64_t root, unsigned gbits, uint64_t va, uint64_t pa, uint64_t leaf_attrs)
{
    unsigned stride = gbits - 3, inputsize = 48;
    int level = 4 - (int)((inputsize - gbits + stride - 1) / stride);
    uint64_t table = root;
    for (;; level++) {
        unsigned shift = gbits + stride * (unsigned)(3 - level);
        unsigned bits = inputsize - shift < stride ? inputsize - shift : stride;
        uint64_t *e = pa_to_host(table) + ((va >> shift) & ((1ull << bits) - 1));
        if (level == 3) {
            *e = (pa & ~((1ull << gbits) - 1)) | leaf_attrs | 3;   /* page descriptor */
            return;
        }
        if (!(*e & 1))
            *e = new_table(gbits) | 3;                           /* table descriptor */
        table = *e & 0x0000fffffffff000ull & ~((1ull << gbits) - 1);
    }
}

static const uint32_t prog[] = {
    0xd518a203, /* msr mair_el1, x3 */
    0xd5182042, /* msr tcr_el1, x2 */
    0xd5182001, /* msr ttbr0_el1, x1 */
    0xd5033fdf, /* isb */
    0xd5181004, /* msr sctlr_el1, x4 */
    0xd5033fdf, /* isb */
    0xf94000a0, /* ldr x0, [x5] */
    0xf90004a7, /* str x7, [x5, #8] */
    0xd4000002, /* hvc #0 */
};

static struct cpu *boot(unsigned gbits, uint64_t va, uint64_t data_attrs)
{
    memset(ram, 0, RAM_SIZE);
    next_table = RAM_BASE + 0x100000;
    memcpy(pa_to_host(CODE_PA), prog, sizeof(prog));
    /* Vectors at CODE_PA + 0x800 (same page): current-EL sync -> hvc #0. */
    *(uint32_t *)(ram + 0x800 + 0x200) = 0xd4000002;
    *pa_to_host(DATA_PA) = 0x1122334455667788ull;
    uint64_t root = new_table(gbits);
    const uint64_t af = 1ull << 10, normal = 0 << 2;   /* AttrIndx 0 = normal memory */
    map_page(root, gbits, CODE_PA, CODE_PA, af | normal);                /* identity: code */
    map_page(root, gbits, TEST_VA, DATA_PA, af | normal | data_attrs);   /* the test page */

    struct cpu_env env = { .ram_ptr = ram_ptr };
    struct cpu *c = cpu_new(NULL, &env, false);
    cpu_power_on_reset(c, CODE_PA);
    unsigned tg0 = gbits == 12 ? 0 : gbits == 16 ? 1 : 2;
    c->x[1] = root;
    c->x[2] = 16 /* T0SZ: 48-bit */ | 1ull << 23 /* EPD1 */ | (uint64_t)tg0 << 14 | 5ull << 32 /* IPS 48 */;
    c->x[3] = 0xff;                         /* attr 0: normal write-back */
    c->x[4] = c->sr.sctlr_el1 | 1;         /* M */
    c->x[5] = va;
    c->x[7] = 0xcafef00dull;
    return c;
}

static void test_granule(unsigned gbits)
{
    /* Read-write mapping: the load sees the data page, the store lands there. */
    struct cpu *c = boot(gbits, TEST_VA, 0);
    CHECK_EQ(cpu_run(c), CPU_EXIT_HVC);
    CHECK_EQ(c->x[0], 0x1122334455667788ull);
    CHECK_EQ(pa_to_host(DATA_PA)[1], 0xcafef00dull);
    CHECK_EQ(c->el, 1);
    cpu_free(c);

    /* Read-only (AP[2] = 1): the store is a permission fault at level 3. */
    c = boot(gbits, TEST_VA, 2ull << 6);
    c->sr.vbar_el1 = CODE_PA + 0x800;   /* the sync vector calls HVC */
    enum cpu_exit r = cpu_run(c);
    CHECK_EQ(r, CPU_EXIT_HVC);
    CHECK_EQ(c->pc, CODE_PA + 0x800 + 0x204);
    CHECK_EQ(c->sr.esr_el1 >> 26, EC_DABORT_SAME);
    CHECK_EQ(c->sr.esr_el1 & 0x3f, 0x0f);          /* permission fault, level 3 */
    CHECK_EQ(c->sr.esr_el1 >> 6 & 1, 1);           /* WnR */
    CHECK_EQ(c->sr.far_el1, TEST_VA + 8);
    CHECK_EQ(c->sr.elr_el1, CODE_PA + 0x1c);
    CHECK_EQ(c->x[0], 0x1122334455667788ull);      /* the load before it worked */
    cpu_free(c);

    /* Unmapped VA (another top-level slot): translation fault, FAR = VA. */
    uint64_t far_va = TEST_VA ^ (1ull << 46);
    c = boot(gbits, far_va, 0);
    c->sr.vbar_el1 = CODE_PA + 0x800;
    r = cpu_run(c);
    CHECK_EQ(r, CPU_EXIT_HVC);
    CHECK_EQ(c->pc, CODE_PA + 0x800 + 0x204);
    CHECK_EQ(c->sr.esr_el1 >> 26, EC_DABORT_SAME);
    CHECK_EQ(c->sr.esr_el1 & 0x3c, 0x04);          /* translation fault */
    CHECK_EQ(c->sr.far_el1, far_va);
    CHECK_EQ(c->sr.elr_el1, CODE_PA + 0x18);
    cpu_free(c);
}

int main(void)
{
    ram = aligned_alloc(1 << 16, RAM_SIZE);
    test_granule(12);
    test_granule(14);
    test_granule(16);
    free(ram);
    return test_report("mmu");
}
