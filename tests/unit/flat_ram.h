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

#endif
