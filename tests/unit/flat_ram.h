/* System-mode CPU tests: guest RAM is one host buffer at RAM_BASE (the test
 * defines RAM_BASE and RAM_SIZE before including this), and map4k() builds
 * 4K-granule, 48-bit stage-1 tables in it, taking table pages from
 * next_table upwards. */
#ifndef NESTVM_TEST_FLAT_RAM_H
#define NESTVM_TEST_FLAT_RAM_H

#include <stdint.h>
#include <string.h>

static uint8_t *ram;
static uint64_t next_table;

static void *ram_ptr(void *opaque, uint64_t pa)
{
    (void)opaque;
    return pa - RAM_BASE < RAM_SIZE ? ram + (pa - RAM_BASE) : NULL;
}

static uint64_t *host(uint64_t pa) { return (uint64_t *)(ram + (pa - RAM_BASE)); }

/* Map the 4 KiB page va -> pa under the table at root: a page descriptor
 * with AF, AttrIndx 0 and the extra attribute bits attrs (e.g. AP). */
static void map4k(uint64_t root, uint64_t va, uint64_t pa, uint64_t attrs)
{
    uint64_t table = root;
    for (int level = 0;; level++) {
        uint64_t *e = host(table) + ((va >> (39 - 9 * level)) & 511);
        if (level == 3) {
            *e = pa | 1ull << 10 | attrs | 3;
            return;
        }
        if (!(*e & 1)) {
            *e = next_table | 3;
            memset(host(next_table), 0, 4096);
            next_table += 4096;
        }
        table = *e & 0x0000fffffffff000ull;
    }
}

/* Stage-2 tables at root (3 pages) for the 2 MiB at RAM_BASE, with VTCR_EL2
 * = S2_VTCR: 4K pages (AF, inner shareable, S2AP RW, normal WB) mapping
 * every IPA to itself but page, which maps to to, or to nothing if to is 0. */
#define S2_VTCR (32 | 1u << 6 | 1u << 8 | 1u << 10 | 3u << 12 | 1u << 31)   /* 4K, IPA 32 bits, SL1 */

static inline void s2_tables(uint64_t root, uint64_t page, uint64_t to)
{
    uint64_t l2 = root + 0x1000, l3 = root + 0x2000;
    memset(host(root), 0, 0x3000);
    host(root)[RAM_BASE >> 30] = l2 | 3;
    host(l2)[0] = l3 | 3;
    for (unsigned i = 0; i < 512; i++) {
        uint64_t ipa = RAM_BASE + ((uint64_t)i << 12), out = ipa == page ? to : ipa;
        if (out)
            host(l3)[i] = out | 1ull << 10 | 3ull << 8 | 3ull << 6 | 0xfull << 2 | 3;
    }
}

#endif
