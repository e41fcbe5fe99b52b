/* VMSAv8-32 stage-1 translation (src/cpu/vmsa32.c) through the MMU entry
 * points mmu_fill and mmu_at32/mmu_at, with EL1 in AArch32 (HCR_EL2.RW = 0
 * on the test-only model "test-aarch32-el1").  Tables are built in flat RAM;
 * expectations are the Arm ARM's (G5), written out here independently of the
 * walker: short descriptors (sections, supersections, large and small pages,
 * domains, AP with and without AFE, XN/PXN, PAN, WXN/UWXN, TTBCR.N, PD0/PD1),
 * long descriptors (T0SZ/T1SZ, levels, APTable/XNTable/PXNTable, AF,
 * 40-bit output), stage 2 on the walk, the PAR formats and the TLB tags.
 * Then a differential run against Unicorn's ARM MMU (QEMU's) with ATS1C*. */
#include <stdlib.h>
#include <string.h>

#include "cpu.h"
#include "system.h"
#include "sysreg.h"
#include "test.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (4u << 20)
#include "flat_ram.h"

#define L1 (RAM_BASE + 0x100000)     /* TTBR0 short table (16 KiB) */
#define L1B (RAM_BASE + 0x104000)    /* TTBR1 short table */
#define L2T (RAM_BASE + 0x108000)    /* second-level tables, 1 KiB each */
#define LPT (RAM_BASE + 0x110000)    /* long-descriptor tables, 4 KiB each */
#define S2T (RAM_BASE + 0x200000)    /* stage-2 tables */
#define DATA_PA (RAM_BASE + 0x300000)

#define SCTLR_M (1u << 0)
#define SCTLR_WXN (1u << 19)
#define SCTLR_UWXN (1u << 20)
#define SCTLR_TRE (1u << 28)
#define SCTLR_AFE (1u << 29)

static struct cpu *c;

static uint32_t *w32(uint64_t pa) { return (uint32_t *)(ram + (pa - RAM_BASE)); }

static void reset(void)
{
    memset(ram, 0, RAM_SIZE);
    c->sr.hcr_el2 = 0;              /* RW = 0: EL1 is AArch32 */
    c->sr.sctlr_el1 = SCTLR_M;
    c->sr.tcr_el1 = 0;
    c->sr.ttbr0_el1 = L1;
    c->sr.ttbr1_el1 = L1B;
    c->sr.dacr32_el2 = 0x55555555;  /* every domain Client */
    c->sr.mair_el1 = 0;
    cpu_tlb_flush(c);
    memset(c->large_page_mask, 0, sizeof(c->large_page_mask));
}

/* Short descriptors.  ap is AP[2:0]. */
static uint32_t sect(uint32_t pa, unsigned ap, unsigned dom, uint32_t extra)
{
    return (pa & 0xfff00000u) | 2 | (ap & 3) << 10 | (ap >> 2) << 15 | dom << 5 | extra;
}
#define S_PXN 1u
#define S_XN (1u << 4)
static uint32_t supersect(uint64_t pa, unsigned ap, unsigned junk_dom)
{
    return ((uint32_t)pa & 0xff000000u) | (uint32_t)(pa >> 32 & 15) << 20 | (uint32_t)(pa >> 36 & 15) << 5 |
           1u << 18 | 2 | (ap & 3) << 10 | (ap >> 2) << 15 | (junk_dom ? 0 : 0);
}
static uint32_t ptable(uint64_t l2, unsigned dom, bool pxn) { return ((uint32_t)l2 & 0xfffffc00u) | 1 | dom << 5 | (uint32_t)pxn << 2; }
static uint32_t small(uint32_t pa, unsigned ap, bool xn) { return (pa & 0xfffff000u) | 2 | xn | (ap & 3) << 4 | (ap >> 2) << 9; }
static uint32_t large(uint32_t pa, unsigned ap, bool xn)
{
    return (pa & 0xffff0000u) | 1 | (ap & 3) << 4 | (ap >> 2) << 9 | (uint32_t)xn << 15;
}
static void set_l1(uint64_t table, uint32_t va, uint32_t d) { *w32(table + (va >> 20) * 4) = d; }
static void set_l2(uint64_t l2, uint32_t va, uint32_t d) { *w32(l2 + (va >> 12 & 0xff) * 4) = d; }

struct res {
    bool ok;
    uint64_t pa;
    uint32_t fsc;
    bool a32_short, stage2, s1ptw;
    unsigned domain;
    uint64_t ipa;
    bool r, w, x;
};

/* mmu_fill at mmu_idx for acc; the PA is read back from the entry. */
static struct res fill(enum mmu_idx idx, uint64_t va, enum access_kind acc)
{
    struct res r = { 0 };
    struct tlb_entry e = { TLB_INVALID, TLB_INVALID, TLB_INVALID, 0 };
    struct exc_info exc = { 0 };
    c->mmu_idx = idx;
    c->tlb = c->tlbs[idx];
    r.ok = mmu_fill(c, va, acc, &e, &exc);
    if (r.ok) {
        uint64_t tag = acc == ACC_READ ? e.tag_r : acc == ACC_WRITE ? e.tag_w : e.tag_x;
        if (tag == TLB_INVALID)
            r.ok = false;
        else if (tag & TLB_MMIO)
            r.pa = (va & TLB_PAGE_MASK) + e.addend + (va & ~TLB_PAGE_MASK);
        else
            r.pa = (uint64_t)((uint8_t *)(uintptr_t)((va & TLB_PAGE_MASK) + e.addend) - ram) + RAM_BASE +
                   (va & ~TLB_PAGE_MASK);
        r.r = e.tag_r != TLB_INVALID;
        r.w = e.tag_w != TLB_INVALID;
        r.x = e.tag_x != TLB_INVALID;
    } else {
        r.fsc = exc.iss & 0x3f;
        r.a32_short = exc.a32_short;
        r.domain = exc.a32_domain;
        r.stage2 = exc.stage2;
        r.s1ptw = exc.s1ptw;
        r.ipa = exc.ipa;
    }
    return r;
}

static const enum mmu_idx EL0 = MMU_EL10_0, EL1 = MMU_EL10_1, EL1PAN = MMU_EL10_1_PAN;

#define EXPECT_OK(expr, want_pa)                                                                                   \
    do {                                                                                                          \
        struct res r_ = (expr);                                                                                    \
        CHECK(r_.ok);                                                                                             \
        if (r_.ok)                                                                                                \
            CHECK_EQ(r_.pa, (want_pa));                                                                           \
        else                                                                                                      \
            fprintf(stderr, "  (fault fsc %#x)\n", r_.fsc);                                                       \
    } while (0)
#define EXPECT_FAULT(expr, want_fsc)                                                                               \
    do {                                                                                                          \
        struct res r_ = (expr);                                                                                    \
        CHECK(!r_.ok);                                                                                            \
        CHECK_EQ(r_.fsc, (want_fsc));                                                                             \
    } while (0)

/* The Arm ARM's AP[2:0] table (AFE = 0): bit 0 priv read, 1 priv write, 2
 * user read, 3 user write. */
static unsigned ap_rights(unsigned ap)
{
    switch (ap) {
    case 1: return 0x3;   /* PL1 RW */
    case 2: return 0x7;   /* PL1 RW, PL0 RO */
    case 3: return 0xf;   /* full */
    case 5: return 0x1;   /* PL1 RO */
    case 6: case 7: return 0x5;   /* RO at both */
    default: return 0;    /* 000 no access, 100 reserved */
    }
}
/* AFE = 1: AP[2:1], AP[0] the access flag. */
static unsigned ap21_rights(unsigned ap21)
{
    static const unsigned t[4] = { 0x3, 0xf, 0x1, 0x5 };
    return t[ap21];
}

static void check_rights(uint32_t va, uint64_t pa, unsigned rights, bool afe_page_level, uint32_t perm_fsc,
                         unsigned dom)
{
    (void)afe_page_level;
    for (int el = 0; el < 2; el++) {
        for (int acc = 0; acc < 3; acc++) {
            unsigned rr = el ? rights & 3 : rights >> 2;
            bool want = acc == ACC_READ ? rr & 1 : acc == ACC_WRITE ? (rr >> 1) & 1 : rr & 1;
            struct res r = fill(el ? EL1 : EL0, va, (enum access_kind)acc);
            CHECK_EQ(r.ok, want);
            if (r.ok && want) {
                CHECK_EQ(r.pa, pa);
            } else if (!r.ok) {
                CHECK_EQ(r.fsc, perm_fsc);
                CHECK(r.a32_short);
                CHECK_EQ(r.domain, dom);
            }
            if (r.ok != want)
                fprintf(stderr, "  va %#x el%d acc %d rights %#x\n", va, el, acc, rights);
        }
    }
}

static void test_sections(void)
{
    reset();
    set_l1(L1, 0x12300000, sect(DATA_PA, 3, 5, 0));
    EXPECT_OK(fill(EL1, 0x12345678, ACC_READ), DATA_PA + 0x45678);
    EXPECT_OK(fill(EL0, 0x12345678, ACC_WRITE), DATA_PA + 0x45678);
    EXPECT_OK(fill(EL0, 0x123fff00, ACC_EXEC), DATA_PA + 0xfff00);
    /* The fill covers the whole 1 MiB for TLBI by VA. */
    CHECK_EQ(c->large_page_mask[EL0], ~0xfffffull);
    /* Unmapped: section translation fault. */
    struct res r = fill(EL1, 0x12400000, ACC_READ);
    CHECK(!r.ok);
    CHECK_EQ(r.fsc, 0x05);
    CHECK(r.a32_short);
    /* Reserved domain bits of the PA are the descriptor's, not the VA's. */
    set_l1(L1, 0xfff00000, sect(0x40200000, 3, 0, 0));
    EXPECT_OK(fill(EL1, 0xfffffffc, ACC_READ), 0x402ffffc);

    /* Every AP value at EL0/EL1, read/write/exec, AFE = 0, section and page. */
    for (unsigned ap = 0; ap < 8; ap++) {
        reset();
        set_l1(L1, 0x00100000, sect(DATA_PA, ap, 7, 0));
        check_rights(0x00123450, DATA_PA + 0x23450, ap_rights(ap), false, 0x0d, 7);
        set_l1(L1, 0x00200000, ptable(L2T, 9, false));
        set_l2(L2T, 0x00203000, small(DATA_PA + 0x5000, ap, false));
        check_rights(0x00203abc, DATA_PA + 0x5abc, ap_rights(ap), false, 0x0e, 9);
    }
    /* AFE = 1: AP[2:1] rights, AP[0] = 0 is an access flag fault. */
    for (unsigned ap = 0; ap < 8; ap++) {
        reset();
        c->sr.sctlr_el1 |= SCTLR_AFE;
        set_l1(L1, 0x00100000, sect(DATA_PA, ap, 7, 0));
        set_l1(L1, 0x00200000, ptable(L2T, 9, false));
        set_l2(L2T, 0x00203000, small(DATA_PA + 0x5000, ap, false));
        if (ap & 1) {
            check_rights(0x00123450, DATA_PA + 0x23450, ap21_rights(ap >> 1), false, 0x0d, 7);
            check_rights(0x00203abc, DATA_PA + 0x5abc, ap21_rights(ap >> 1), false, 0x0e, 9);
        } else {
            for (int el = 0; el < 2; el++) {
                r = fill(el ? EL1 : EL0, 0x00123450, ACC_READ);
                CHECK(!r.ok);
                CHECK_EQ(r.fsc, 0x09);
                CHECK_EQ(r.domain, 7);
                r = fill(el ? EL1 : EL0, 0x00203abc, ACC_WRITE);
                CHECK(!r.ok);
                CHECK_EQ(r.fsc, 0x0a);
                CHECK_EQ(r.domain, 9);
            }
        }
    }
}

static void test_pages(void)
{
    reset();
    set_l1(L1, 0x00500000, ptable(L2T + 0x400, 3, false));
    set_l2(L2T + 0x400, 0x00507000, small(DATA_PA + 0x9000, 3, false));
    for (uint32_t i = 0; i < 16; i++)   /* a large page is repeated 16 times */
        set_l2(L2T + 0x400, 0x00510000 + i * 0x1000, large(0x40050000, 3, false));
    EXPECT_OK(fill(EL0, 0x00507123, ACC_READ), DATA_PA + 0x9123);
    EXPECT_OK(fill(EL0, 0x0051abcd, ACC_READ), 0x4005abcd);
    CHECK_EQ(c->large_page_mask[EL0], ~0xffffull);
    /* A missing second-level entry: page translation fault, with the domain. */
    struct res r = fill(EL1, 0x00508000, ACC_READ);
    CHECK(!r.ok);
    CHECK_EQ(r.fsc, 0x06);
    CHECK_EQ(r.domain, 3);
    /* Large page XN at bit 15, small page XN at bit 0. */
    set_l2(L2T + 0x400, 0x00520000, large(0x40060000, 3, true));
    EXPECT_FAULT(fill(EL0, 0x00520000, ACC_EXEC), 0x0e);
    EXPECT_OK(fill(EL0, 0x00520000, ACC_READ), 0x40060000);
    set_l2(L2T + 0x400, 0x00530000, small(0x40070000, 3, true));
    EXPECT_FAULT(fill(EL1, 0x00530000, ACC_EXEC), 0x0e);
    /* PXN in the first-level table descriptor: EL1 cannot execute, EL0 can. */
    set_l1(L1, 0x00600000, ptable(L2T + 0x800, 3, true));
    set_l2(L2T + 0x800, 0x00601000, small(0x40071000, 1, false));
    set_l2(L2T + 0x800, 0x00602000, small(0x40072000, 3, false));
    EXPECT_FAULT(fill(EL1, 0x00601000, ACC_EXEC), 0x0e);
    EXPECT_OK(fill(EL1, 0x00601000, ACC_READ), 0x40071000);
    EXPECT_OK(fill(EL0, 0x00602000, ACC_EXEC), 0x40072000);
    /* Section PXN (bit 0, descriptor type 0b11) and XN. */
    set_l1(L1, 0x00700000, sect(0x40100000, 3, 0, S_PXN));
    EXPECT_FAULT(fill(EL1, 0x00700000, ACC_EXEC), 0x0d);
    EXPECT_OK(fill(EL0, 0x00700000, ACC_EXEC), 0x40100000);
    EXPECT_OK(fill(EL1, 0x00700000, ACC_WRITE), 0x40100000);
    set_l1(L1, 0x00800000, sect(0x40100000, 1, 0, S_XN));
    EXPECT_FAULT(fill(EL1, 0x00800000, ACC_EXEC), 0x0d);
    EXPECT_OK(fill(EL1, 0x00800000, ACC_WRITE), 0x40100000);
    /* The TLB entry carries every permission of the EL, not just acc's:
     * AP 010 at EL0 is read and execute, no write. */
    set_l1(L1, 0x00900000, sect(0x40100000, 2, 0, 0));
    r = fill(EL0, 0x00900000, ACC_READ);
    CHECK(r.ok && r.r && !r.w && r.x);
    r = fill(EL1, 0x00900000, ACC_READ);
    CHECK(r.ok && r.r && r.w && r.x);
}

static void test_supersections_domains(void)
{
    reset();
    /* Supersection: PA[39:32] from bits 23:20 and 8:5, domain 0 whatever
     * bits 8:5 hold. */
    set_l1(L1, 0x20000000, supersect(0xa540000000ull + 0x1000000 * 0, 3, 0));
    for (int i = 1; i < 16; i++)
        *w32(L1 + (0x20000000u >> 20) * 4 + i * 4) = *w32(L1 + (0x20000000u >> 20) * 4);
    EXPECT_OK(fill(EL1, 0x20abcdef, ACC_READ), 0xa540abcdefull);
    CHECK_EQ(c->large_page_mask[EL1], ~0xffffffull);
    c->sr.dacr32_el2 = 0x55555554;   /* domain 0 No access */
    cpu_tlb_flush(c);
    struct res r = fill(EL1, 0x20abcdef, ACC_READ);
    CHECK(!r.ok);
    CHECK_EQ(r.fsc, 0x3d);
    CHECK_EQ(r.domain, 0);

    /* Each domain type: No access and reserved fault (section 0x3d, page
     * 0x3e); Client checks AP; Manager checks nothing, not even XN. */
    for (unsigned dt = 0; dt < 4; dt++) {
        reset();
        c->sr.dacr32_el2 = (0x55555555u & ~(3u << 22)) | dt << 22;   /* domain 11 */
        set_l1(L1, 0x00100000, sect(DATA_PA, 0 /* no access */, 11, S_XN | S_PXN));
        set_l1(L1, 0x00200000, ptable(L2T, 11, true));
        set_l2(L2T, 0x00200000, small(DATA_PA, 0, true));
        set_l1(L1, 0x00300000, sect(DATA_PA, 3, 10, 0));   /* another domain: unaffected */
        for (int el = 0; el < 2; el++) {
            for (int acc = 0; acc < 3; acc++) {
                struct res s = fill(el ? EL1 : EL0, 0x00100000, (enum access_kind)acc);
                struct res p = fill(el ? EL1 : EL0, 0x00200000, (enum access_kind)acc);
                EXPECT_OK(fill(el ? EL1 : EL0, 0x00300000, (enum access_kind)acc), DATA_PA);
                if (dt == 3) {
                    CHECK(s.ok && p.ok);
                } else {
                    CHECK(!s.ok && !p.ok);
                    CHECK_EQ(s.fsc, dt == 1 ? 0x0d : 0x3d);
                    CHECK_EQ(p.fsc, dt == 1 ? 0x0e : 0x3e);
                    CHECK_EQ(s.domain, 11);
                    CHECK_EQ(p.domain, 11);
                }
            }
        }
    }
    /* Priority: a page translation fault before the domain fault, an access
     * flag fault before it too. */
    reset();
    c->sr.dacr32_el2 = 0;
    c->sr.sctlr_el1 |= SCTLR_AFE;
    set_l1(L1, 0x00200000, ptable(L2T, 4, false));
    EXPECT_FAULT(fill(EL1, 0x00201000, ACC_READ), 0x06);
    set_l1(L1, 0x00100000, sect(DATA_PA, 2 /* AP[0] = 0 */, 4, 0));
    EXPECT_FAULT(fill(EL1, 0x00100000, ACC_READ), 0x09);
    /* The access flag is checked in a Manager domain too. */
    c->sr.dacr32_el2 = 0xffffffff;
    cpu_tlb_flush(c);
    EXPECT_FAULT(fill(EL1, 0x00100000, ACC_READ), 0x09);
}

static void test_pan_wxn(void)
{
    reset();
    set_l1(L1, 0x00100000, sect(DATA_PA, 3, 0, 0));   /* user RW */
    set_l1(L1, 0x00200000, sect(DATA_PA, 1, 0, 0));   /* PL1 only */
    set_l1(L1, 0x00300000, sect(DATA_PA, 6, 0, 0));   /* RO both */
    EXPECT_FAULT(fill(EL1PAN, 0x00100000, ACC_READ), 0x0d);
    EXPECT_FAULT(fill(EL1PAN, 0x00100000, ACC_WRITE), 0x0d);
    EXPECT_FAULT(fill(EL1PAN, 0x00300000, ACC_READ), 0x0d);
    EXPECT_OK(fill(EL1PAN, 0x00200000, ACC_WRITE), DATA_PA);
    EXPECT_OK(fill(EL1PAN, 0x00100000, ACC_EXEC), DATA_PA);   /* PAN is about data */
    EXPECT_OK(fill(EL1, 0x00100000, ACC_READ), DATA_PA);
    /* PAN does not apply in a Manager domain (no permission check). */
    c->sr.dacr32_el2 = 3;
    cpu_tlb_flush(c);
    EXPECT_OK(fill(EL1PAN, 0x00100000, ACC_READ), DATA_PA);

    /* WXN: writable means XN at the EL that can write. */
    reset();
    c->sr.sctlr_el1 |= SCTLR_WXN;
    set_l1(L1, 0x00100000, sect(DATA_PA, 3, 0, 0));   /* RW both */
    set_l1(L1, 0x00200000, sect(DATA_PA, 2, 0, 0));   /* PL1 RW, PL0 RO */
    set_l1(L1, 0x00300000, sect(DATA_PA, 7, 0, 0));   /* RO */
    EXPECT_FAULT(fill(EL0, 0x00100000, ACC_EXEC), 0x0d);
    EXPECT_FAULT(fill(EL1, 0x00100000, ACC_EXEC), 0x0d);
    EXPECT_OK(fill(EL0, 0x00200000, ACC_EXEC), DATA_PA);
    EXPECT_FAULT(fill(EL1, 0x00200000, ACC_EXEC), 0x0d);
    EXPECT_OK(fill(EL1, 0x00300000, ACC_EXEC), DATA_PA);
    /* UWXN: EL0-writable is PXN; EL0 still executes. Without it EL1 may. */
    reset();
    set_l1(L1, 0x00100000, sect(DATA_PA, 3, 0, 0));
    EXPECT_OK(fill(EL1, 0x00100000, ACC_EXEC), DATA_PA);
    c->sr.sctlr_el1 |= SCTLR_UWXN;
    cpu_tlb_flush(c);
    EXPECT_FAULT(fill(EL1, 0x00100000, ACC_EXEC), 0x0d);
    EXPECT_OK(fill(EL0, 0x00100000, ACC_EXEC), DATA_PA);
}

static void test_ttbcr_split(void)
{
    for (unsigned n = 0; n < 8; n++) {
        reset();
        c->sr.tcr_el1 = n;
        /* TTBR0's table is 16 KiB >> N, aligned to that; put it there. */
        uint64_t t0 = L1 + 0x4000 - (0x4000u >> n);
        c->sr.ttbr0_el1 = t0 | 0x5b;   /* attribute bits: ignored */
        memset(w32(t0), 0, 0x4000u >> n);
        uint32_t top0 = n ? (0xffffffffu >> n) : 0xffffffffu;   /* last TTBR0 VA */
        set_l1(t0, top0 & (0xfff00000u >> n) & (top0), sect(0x40100000, 3, 0, 0));
        *w32(t0 + ((top0 >> 20) & (0xfffu >> n)) * 4) = sect(0x40100000, 3, 0, 0);
        EXPECT_OK(fill(EL1, top0, ACC_READ), 0x401fffff);
        if (n) {
            uint32_t first1 = top0 + 1;
            set_l1(L1B, first1, sect(0x40200000, 3, 0, 0));
            EXPECT_OK(fill(EL1, first1 + 8, ACC_READ), 0x40200008);
            /* PD1: TTBR1 walks disabled (section translation fault). */
            c->sr.tcr_el1 = n | 1u << 5;
            cpu_tlb_flush(c);
            EXPECT_FAULT(fill(EL1, first1 + 8, ACC_READ), 0x05);
            EXPECT_OK(fill(EL1, top0, ACC_READ), 0x401fffff);
        }
        /* PD0: TTBR0 walks disabled. */
        c->sr.tcr_el1 = n | 1u << 4;
        cpu_tlb_flush(c);
        EXPECT_FAULT(fill(EL1, top0, ACC_READ), 0x05);
    }
}

/* ---- long descriptors ---------------------------------------------------- */

#define LD_AF (1ull << 10)
#define LD_AP(x) ((uint64_t)(x) << 6)
#define LD_PXN (1ull << 53)
#define LD_XN (1ull << 54)
#define APT0 (1ull << 61)
#define APT1 (1ull << 62)
#define XNT (1ull << 60)
#define PXNT (1ull << 59)
static uint64_t *w64(uint64_t pa) { return (uint64_t *)(ram + (pa - RAM_BASE)); }

static void test_long(void)
{
    reset();
    c->sr.tcr_el1 = 1u << 31;   /* EAE, T0SZ = T1SZ = 0: TTBR0 for everything, start at level 1 */
    c->sr.ttbr0_el1 = LPT | 0x12ull << 48;   /* ASID bits: ignored by the walk */
    uint64_t l2 = LPT + 0x1000, l3 = LPT + 0x2000;
    w64(LPT)[0] = 0x40000000ull | LD_AF | LD_AP(1) | 1;             /* 1 GiB block at VA 0 */
    w64(LPT)[1] = l2 | 3;
    w64(LPT)[3] = 0xc000000000ull | LD_AF | LD_AP(1) | 1;           /* 40-bit output */
    w64(l2)[2] = 0x40200000ull | LD_AF | 1;                         /* 2 MiB block, EL1 only */
    w64(l2)[3] = l3 | 3;
    w64(l3)[5] = (DATA_PA + 0x5000) | LD_AF | LD_AP(1) | 3;         /* page */
    w64(l3)[6] = (DATA_PA + 0x6000) | LD_AP(1) | 3;                 /* AF = 0 */
    w64(l3)[7] = (DATA_PA + 0x7000) | LD_AF | LD_AP(3) | 3;         /* RO */
    w64(l3)[8] = (DATA_PA + 0x8000) | LD_AF | LD_AP(1) | LD_PXN | 3;
    w64(l3)[9] = (DATA_PA + 0x9000) | LD_AF | LD_AP(1) | LD_XN | 3;
    w64(l3)[10] = (0x100000000000ull) | LD_AF | LD_AP(1) | 3;       /* PA bit 44: beyond 40 bits */
    EXPECT_OK(fill(EL0, 0x01234567, ACC_WRITE), 0x41234567);
    CHECK_EQ(c->large_page_mask[EL0], ~0x3fffffffull);
    EXPECT_OK(fill(EL1, 0xc0000010, ACC_READ), 0xc000000010ull);
    EXPECT_OK(fill(EL1, 0x40412345, ACC_WRITE), 0x40212345);
    EXPECT_FAULT(fill(EL0, 0x40412345, ACC_READ), 0x0e);
    EXPECT_OK(fill(EL0, 0x40605abc, ACC_WRITE), DATA_PA + 0x5abc);
    EXPECT_FAULT(fill(EL1, 0x40606000, ACC_READ), 0x0b);
    EXPECT_FAULT(fill(EL1, 0x40607000, ACC_WRITE), 0x0f);
    EXPECT_OK(fill(EL0, 0x40607000, ACC_READ), DATA_PA + 0x7000);
    EXPECT_FAULT(fill(EL1, 0x40608000, ACC_EXEC), 0x0f);
    EXPECT_OK(fill(EL0, 0x40608000, ACC_EXEC), DATA_PA + 0x8000);
    EXPECT_FAULT(fill(EL0, 0x40609000, ACC_EXEC), 0x0f);
    EXPECT_FAULT(fill(EL1, 0x40609000, ACC_EXEC), 0x0f);
    EXPECT_FAULT(fill(EL1, 0x4060a000, ACC_READ), 0x03);   /* address size, level 3 */
    EXPECT_FAULT(fill(EL1, 0x4060b000, ACC_READ), 0x07);   /* translation, level 3 */
    EXPECT_FAULT(fill(EL1, 0x80000000, ACC_READ), 0x05);   /* translation, level 1 */
    struct res r = fill(EL1, 0x80000000, ACC_READ);
    CHECK(!r.a32_short);
    /* EL0-writable memory stays executable at EL1 unless UWXN (AArch32). */
    EXPECT_OK(fill(EL1, 0x40605000, ACC_EXEC), DATA_PA + 0x5000);
    c->sr.sctlr_el1 |= SCTLR_UWXN;
    cpu_tlb_flush(c);
    EXPECT_FAULT(fill(EL1, 0x40605000, ACC_EXEC), 0x0f);
    c->sr.sctlr_el1 &= ~SCTLR_UWXN;
    /* PAN. */
    EXPECT_FAULT(fill(EL1PAN, 0x40605000, ACC_READ), 0x0f);
    EXPECT_OK(fill(EL1PAN, 0x40412345, ACC_READ), 0x40212345);

    /* The level-1 table of a 32-bit input is 4 entries: TTBR0.BADDR is
     * aligned to 32 bytes (x = 5), a level-2 start table of T0SZ = 3 to
     * 2^(29-21+3) = 2 KiB. */
    uint64_t small_root = LPT + 0x5e0;
    memcpy(w64(small_root), w64(LPT), 32);
    c->sr.ttbr0_el1 = small_root;
    w64(LPT)[1] = 0;   /* a walk from the 4 KiB-aligned base would fault */
    cpu_tlb_flush(c);
    EXPECT_OK(fill(EL1, 0x40605000, ACC_READ), DATA_PA + 0x5000);
    w64(LPT)[1] = l2 | 3;
    c->sr.tcr_el1 = 1u << 31 | 3;
    c->sr.ttbr0_el1 = l2 + 0x800;   /* upper half of the level-2 table: index 256 and up */
    w64(l2)[256] = 0x40400000ull | LD_AF | 1;
    cpu_tlb_flush(c);
    EXPECT_OK(fill(EL1, 0x00012345, ACC_READ), 0x40412345);
    c->sr.tcr_el1 = 1u << 31;
    c->sr.ttbr0_el1 = LPT;
    cpu_tlb_flush(c);

    /* Hierarchical limits in the level-1 table descriptor. */
    static const struct { uint64_t bits; unsigned el; enum access_kind acc; bool ok; } h[] = {
        { APT0, 0, ACC_READ, false }, { APT0, 1, ACC_WRITE, true }, { APT1, 0, ACC_READ, true },
        { APT1, 0, ACC_WRITE, false }, { APT1, 1, ACC_WRITE, false }, { XNT, 0, ACC_EXEC, false },
        { XNT, 1, ACC_EXEC, false }, { PXNT, 0, ACC_EXEC, true }, { PXNT, 1, ACC_EXEC, false },
        { APT0, 0, ACC_EXEC, false },
    };
    for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
        w64(LPT)[1] = l2 | 3 | h[i].bits;
        cpu_tlb_flush(c);
        r = fill(h[i].el ? EL1 : EL0, 0x40605000, h[i].acc);
        CHECK_EQ(r.ok, h[i].ok);
        if (!r.ok)
            CHECK_EQ(r.fsc, 0x0f);
        /* TTBCR2.HPD0 (tcr_el1 bit 41) disables them. */
        c->sr.tcr_el1 |= 1ull << 41;
        cpu_tlb_flush(c);
        CHECK(fill(h[i].el ? EL1 : EL0, 0x40605000, h[i].acc).ok);
        c->sr.tcr_el1 &= ~(1ull << 41);
    }
    w64(LPT)[1] = l2 | 3;

    /* T0SZ/T1SZ splits.  T0SZ = 1: TTBR0 below 2 GiB (start level 1, two
     * entries), TTBR1 above it. */
    uint64_t t1 = LPT + 0x3000, t1l2 = LPT + 0x4000;
    c->sr.ttbr1_el1 = t1;
    memset(w64(t1), 0, 0x2000);
    c->sr.tcr_el1 = 1u << 31 | 1;
    cpu_tlb_flush(c);
    w64(t1)[3] = 0x40000000ull | LD_AF | 1;   /* T1SZ = 0: TTBR1's table is indexed by VA[31:30] */
    EXPECT_OK(fill(EL1, 0xc0001234, ACC_READ), 0x40001234);
    EXPECT_OK(fill(EL1, 0x01234567, ACC_READ), 0x41234567);
    /* EPD1: TTBR1 walks disabled (level-1 translation fault). */
    c->sr.tcr_el1 |= 1u << 23;
    cpu_tlb_flush(c);
    EXPECT_FAULT(fill(EL1, 0xc0001234, ACC_READ), 0x05);
    EXPECT_OK(fill(EL1, 0x01234567, ACC_READ), 0x41234567);
    /* T0SZ = 2 (1 GiB, start at level 2), T1SZ = 2: the gap faults. */
    c->sr.tcr_el1 = 1u << 31 | 2 | 2u << 16;
    c->sr.ttbr0_el1 = l2;      /* level-2 table: 512 entries x 2 MiB */
    c->sr.ttbr1_el1 = t1l2;
    w64(t1l2)[511] = 0x40200000ull | LD_AF | 1;
    cpu_tlb_flush(c);
    EXPECT_OK(fill(EL1, 0x00412345, ACC_WRITE), 0x40212345);
    EXPECT_OK(fill(EL1, 0xfff00010, ACC_READ), 0x40300010);
    EXPECT_FAULT(fill(EL1, 0x40000000, ACC_READ), 0x05);
    EXPECT_FAULT(fill(EL1, 0xbfffffff, ACC_READ), 0x05);
    /* T0SZ = 0, T1SZ = 2: TTBR0 below the top GiB. */
    c->sr.tcr_el1 = 1u << 31 | 2u << 16;
    c->sr.ttbr0_el1 = LPT;
    cpu_tlb_flush(c);
    EXPECT_OK(fill(EL1, 0x01234567, ACC_READ), 0x41234567);
    EXPECT_FAULT(fill(EL1, 0xbfffffff, ACC_READ), 0x05);   /* TTBR0 level 1, entry 2: none */
    EXPECT_OK(fill(EL1, 0xfff00010, ACC_READ), 0x40300010);   /* TTBR1, level 2 */
    EXPECT_FAULT(fill(EL1, 0xc0000000, ACC_READ), 0x06);
}

/* ---- stage 2 on the walk ------------------------------------------------- */

/* Stage 2: 4K granule, 32-bit IPA, start level 1 (VTCR.SL0 = 1), identity
 * for [RAM_BASE, RAM_BASE + 6 MiB) except what the test changes. */
static uint64_t s2_l3[3];
static void s2_setup(void)
{
    uint64_t l1 = S2T, l2 = S2T + 0x1000;
    memset(w64(S2T), 0, 0x5000);
    w64(l1)[1] = l2 | 3;                    /* IPA 0x40000000-0x7fffffff */
    for (int i = 0; i < 3; i++) {           /* 3 x 2 MiB of 4 KiB pages */
        s2_l3[i] = S2T + 0x2000 + i * 0x1000;
        w64(l2)[i] = s2_l3[i] | 3;
        for (int j = 0; j < 512; j++)
            w64(s2_l3[i])[j] = (RAM_BASE + (uint64_t)(i * 512 + j) * 4096) | LD_AF | 3ull << 6 | 0xf << 2 | 3;
    }
    c->sr.vtcr_el2 = 32 | 1u << 6 | 2u << 16;
    c->sr.vttbr_el2 = S2T;
    c->sr.hcr_el2 = HCR_VM;
}
static uint64_t *s2_entry(uint64_t ipa) { return &w64(s2_l3[(ipa - RAM_BASE) >> 21])[(ipa >> 12) & 511]; }

static void test_stage2(void)
{
    reset();
    s2_setup();
    set_l1(L1, 0x00100000, ptable(L2T, 0, false));
    set_l2(L2T, 0x00100000, small(DATA_PA, 3, false));
    EXPECT_OK(fill(EL1, 0x00100010, ACC_READ), DATA_PA + 0x10);
    /* The first-level table's page has no stage-2 mapping: a stage-2
     * translation fault on the walk (s1ptw, IPA of the descriptor). */
    *s2_entry(L1) = 0;
    cpu_tlb_flush(c);
    struct res r = fill(EL1, 0x00100010, ACC_READ);
    CHECK(!r.ok && r.stage2 && r.s1ptw);
    CHECK_EQ(r.fsc, 0x07);
    CHECK_EQ(r.ipa, L1 + 4);
    CHECK(!r.a32_short);
    /* Remap it: the walk reads the table through stage 2. */
    memcpy(w32(DATA_PA + 0x20000), w32(L1), 4096);
    set_l1(DATA_PA + 0x20000, 0x00100000, sect(0x40400000, 3, 0, 0));
    *s2_entry(L1) = (DATA_PA + 0x20000) | LD_AF | 3ull << 6 | 3;
    cpu_tlb_flush(c);
    EXPECT_OK(fill(EL1, 0x00100010, ACC_READ), 0x40400010);
    /* The output goes through stage 2 too: a read-only stage-2 page. */
    *s2_entry(0x40400000) = 0x40400000 | LD_AF | 1ull << 6 | 3;
    cpu_tlb_flush(c);
    r = fill(EL1, 0x00100010, ACC_WRITE);
    CHECK(!r.ok && r.stage2 && !r.s1ptw);
    CHECK_EQ(r.fsc, 0x0f);
    r = fill(EL1, 0x00100010, ACC_READ);
    CHECK(r.ok && r.r && !r.w);
    /* A second-level table at an IPA stage 2 does not map. */
    *s2_entry(L1) = L1 | LD_AF | 3ull << 6 | 3;
    *s2_entry(L2T) = 0;
    cpu_tlb_flush(c);
    r = fill(EL0, 0x00100010, ACC_READ);
    CHECK(!r.ok && r.stage2 && r.s1ptw);
    CHECK_EQ(r.ipa, L2T + 0x100 * 0 + 0);
    /* Long descriptors walk through stage 2 as well. */
    reset();
    s2_setup();
    c->sr.tcr_el1 = 1u << 31;
    c->sr.ttbr0_el1 = LPT;
    w64(LPT)[0] = 0x40000000ull | LD_AF | LD_AP(1) | 1;
    EXPECT_OK(fill(EL0, 0x00100010, ACC_READ), 0x40100010);
    *s2_entry(LPT) = 0;
    cpu_tlb_flush(c);
    r = fill(EL0, 0x00100010, ACC_READ);
    CHECK(!r.ok && r.stage2 && r.s1ptw);
    CHECK_EQ(r.ipa, LPT);
}

/* ---- PAR ----------------------------------------------------------------- */

static uint64_t at32(uint32_t va, unsigned el, bool write, bool pan)
{
    uint64_t par = 0xdead;
    struct exc_info exc = { 0 };
    CHECK(mmu_at32(c, va, el, write, pan, &par, &exc));
    return par;
}

static void test_par(void)
{
    reset();
    set_l1(L1, 0x00100000, sect(DATA_PA, 2, 6, 0));
    for (int i = 0; i < 16; i++)
        set_l1(L1, 0x20000000 + i * 0x100000, supersect(0x3456000000ull, 3, 0));
    /* Short format: PA[31:12], F = 0, LPAE = 0; attributes from TEX/C/B:
     * TEX 000 C 0 B 0 is Strongly-ordered (Inner 001, shareable). */
    CHECK_EQ(at32(0x00123456, 1, true, false), (DATA_PA + 0x23000) | 1u << 4 | 1u << 7);
    /* Fault: F = 1, FS in bits 5:1 (permission, section 0b01101). */
    CHECK_EQ(at32(0x00123456, 0, true, false), 1 | 0x0d << 1);
    CHECK_EQ(at32(0x00123456, 1, false, true), 1 | 0x0d << 1);   /* ATS1CPRP with PAN */
    /* Domain (section 0b01001), translation (page 0b00111). */
    c->sr.dacr32_el2 = 0;
    CHECK_EQ(at32(0x00123456, 1, false, false), 1 | 0x09 << 1);
    c->sr.dacr32_el2 = 0x55555555;
    set_l1(L1, 0x00200000, ptable(L2T, 0, false));
    CHECK_EQ(at32(0x00200000, 1, false, false), 1 | 0x07 << 1);
    /* Supersection: SS = 1, PA[31:24] in 31:24, PA[39:32] in 23:16. */
    CHECK_EQ(at32(0x20abcdef, 1, false, false) & ~0xfcull, 0x56340002ull);
    /* Memory attributes: TEX 101 (outer WB-WA), C 1 B 1 (inner WB no WA), S. */
    set_l1(L1, 0x00300000, sect(DATA_PA, 3, 0, 5u << 12 | 3u << 2 | 1u << 16));
    CHECK_EQ(at32(0x00300000, 1, false, false), DATA_PA | 1u << 2 | 7u << 4 | 1u << 7);
    /* TEX remap: index TEX[0]:C:B = 3; PRRR TR3 = Normal, NMRR IR3 = WT,
     * OR3 = WB-WA; S = 1 uses PRRR.NS1, NOS3 set. */
    c->sr.sctlr_el1 |= SCTLR_TRE;
    set_l1(L1, 0x00400000, sect(DATA_PA, 3, 0, 3u << 2 | 1u << 16));
    c->sr.mair_el1 = (uint64_t)(2u << 6 | 1u << 22) << 32 | 2u << 6 | 1u << 19 | 1u << 27;
    CHECK_EQ(at32(0x00400000, 1, false, false), DATA_PA | 1u << 2 | 6u << 4 | 1u << 7 | 1u << 10);
    /* TEX 101 C 1 B 1 is index 7: PRRR TR7 = 0 (Strongly-ordered). */
    CHECK_EQ(at32(0x00300000, 1, false, false), DATA_PA | 1u << 4 | 1u << 7);
    c->sr.sctlr_el1 &= ~SCTLR_TRE;

    /* Long format: LPAE = 1, PA[39:12], ATTR from MAIR0/1 by AttrIndx, SH. */
    c->sr.tcr_el1 = 1u << 31;
    c->sr.ttbr0_el1 = LPT;
    c->sr.mair_el1 = 0x44ull << 40;   /* AttrIndx 5 */
    w64(LPT)[0] = 0x40000000ull | LD_AF | LD_AP(1) | 5u << 2 | 3u << 8 | 1;
    CHECK_EQ(at32(0x00123456, 0, true, false), 0x40123000ull | 0x44ull << 56 | 3u << 7 | 1u << 11);
    /* Fault: F = 1, FST (translation level 1) in 6:1, LPAE = 1. */
    CHECK_EQ(at32(0x40000000, 1, false, false), 1 | 0x05 << 1 | 1u << 11);
    CHECK_EQ(at32(0x00123456, 1, false, true), 1 | 0x0d << 1 | 1u << 11);

    /* From AArch64 EL2 (AT S1E1R): the 64-bit format even for short
     * descriptors, domain faults as FST 0x3d/0x3e. */
    reset();
    set_l1(L1, 0x00100000, sect(DATA_PA, 2, 6, 0));
    set_l1(L1, 0x00200000, ptable(L2T, 6, false));
    set_l2(L2T, 0x00200000, small(DATA_PA, 3, false));
    c->sr.dacr32_el2 = 0;
    CHECK_EQ(mmu_at(c, 0x00100000, 1, false, false), 1 | 0x3d << 1 | 1u << 11);
    CHECK_EQ(mmu_at(c, 0x00200000, 1, false, false), 1 | 0x3e << 1 | 1u << 11);
    c->sr.dacr32_el2 = 0x55555555;
    CHECK_EQ(mmu_at(c, 0x00100000, 1, false, false) & 0xfffffffff801ull, DATA_PA | 1u << 11);
    CHECK_EQ(mmu_at(c, 0x00100000, 0, true, false), 1 | 0x0d << 1 | 1u << 11);

    /* ATS1C* from EL1 with stage 2: a stage-2 fault on the walk is an
     * abort, not a PAR value. */
    reset();
    s2_setup();
    set_l1(L1, 0x00100000, sect(DATA_PA, 3, 0, 0));
    CHECK_EQ(at32(0x00100000, 1, false, false) & ~0xfffull, DATA_PA);   /* stage 1 only: the IPA */
    *s2_entry(L1) = 0;
    uint64_t par = 0x1234;
    struct exc_info exc = { 0 };
    CHECK(!mmu_at32(c, 0x00100000, 1, false, false, &par, &exc));
    CHECK(exc.stage2 && exc.s1ptw);
    CHECK_EQ(exc.far, 0x00100000);
    CHECK_EQ(par, 0x1234);
}

static void test_misc(void)
{
    /* MMU off: flat, everything permitted. */
    reset();
    c->sr.sctlr_el1 = 0;
    EXPECT_OK(fill(EL0, 0x40001234, ACC_WRITE), 0x40001234);
    /* The fault codes' short forms. */
    CHECK_EQ(vmsa32_short_fs(0x05), 0x05);
    CHECK_EQ(vmsa32_short_fs(0x06), 0x07);
    CHECK_EQ(vmsa32_short_fs(0x09), 0x03);
    CHECK_EQ(vmsa32_short_fs(0x0a), 0x06);
    CHECK_EQ(vmsa32_short_fs(0x3d), 0x09);
    CHECK_EQ(vmsa32_short_fs(0x3e), 0x0b);
    CHECK_EQ(vmsa32_short_fs(0x0d), 0x0d);
    CHECK_EQ(vmsa32_short_fs(0x0e), 0x0f);
    CHECK_EQ(vmsa32_short_fs(0x15), 0x0c);
    CHECK_EQ(vmsa32_short_fs(0x16), 0x0e);
    CHECK_EQ(vmsa32_short_fs(0x21), 0x01);
    CHECK_EQ(vmsa32_short_fs(0x10), 0x08);
    /* A walk outside RAM: external abort on the walk (level 1). */
    reset();
    c->sr.ttbr0_el1 = 0x10000000;
    struct res r = fill(EL1, 0, ACC_READ);
    CHECK(!r.ok && r.a32_short);
    CHECK_EQ(r.fsc, 0x15);
    /* HCR_EL2.RW changes the stage-1 format: the EL1&0 TLB is flushed. */
    reset();
    set_l1(L1, 0x00100000, sect(DATA_PA, 3, 0, 0));
    struct tlb_entry *e = &c->tlbs[EL1][(0x00100000 >> 12) & (TLB_SIZE - 1)];
    CHECK(fill(EL1, 0x00100000, ACC_READ).ok);
    *e = (struct tlb_entry){ 0x00100000, TLB_INVALID, TLB_INVALID, 0 };
    CHECK(cpu_sysreg_set(c, SYSREG_KEY(3, 4, 1, 1, 0), HCR_RW));
    CHECK_EQ(e->tag_r, TLB_INVALID);
    *e = (struct tlb_entry){ 0x00100000, TLB_INVALID, TLB_INVALID, 0 };
    CHECK(cpu_sysreg_set(c, SYSREG_KEY(3, 4, 1, 1, 0), 0));
    CHECK_EQ(e->tag_r, TLB_INVALID);
}


/* mmu_dacr_write drops the entries of the domains whose field changes,
 * keeps the others (and those of long-descriptor walks). */
static struct tlb_entry *slot(enum mmu_idx idx, uint32_t va) { return &c->tlbs[idx][(va >> 12) & (TLB_SIZE - 1)]; }
static void fill_slot(enum mmu_idx idx, uint32_t va)
{
    struct exc_info exc = { 0 };
    c->mmu_idx = idx;
    c->tlb = c->tlbs[idx];
    bool ok = mmu_fill(c, va, ACC_READ, slot(idx, va), &exc);
    CHECK(ok);
    if (!ok)
        fprintf(stderr, "  fill_slot %d %#x: fsc %#x\n", idx, va, exc.iss);
}

static void test_dacr_write(void)
{
    reset();
    set_l1(L1, 0x00100000, sect(DATA_PA, 3, 3, 0));
    set_l1(L1, 0x00200000, sect(DATA_PA, 3, 5, 0));
    set_l1(L1, 0x00300000, ptable(L2T, 5, false));
    set_l2(L2T, 0x00300000, small(DATA_PA, 1, false));   /* PL1 only: PAN allows it */
    fill_slot(EL1, 0x00100000);
    fill_slot(EL0, 0x00100000);
    fill_slot(EL0, 0x00200000);
    fill_slot(EL1PAN, 0x00300000);
    CHECK_EQ(slot(EL0, 0x00200000)->tag_r, 0x00200000);
    mmu_dacr_write(c, 0x55555555);   /* unchanged: nothing dropped */
    CHECK_EQ(slot(EL0, 0x00200000)->tag_r, 0x00200000);
    mmu_dacr_write(c, 0x55555555 & ~(3u << 10));   /* domain 5: No access */
    CHECK_EQ(c->sr.dacr32_el2, 0x55555555 & ~(3u << 10));
    CHECK_EQ(slot(EL1, 0x00100000)->tag_r, 0x00100000);
    CHECK_EQ(slot(EL0, 0x00100000)->tag_r, 0x00100000);
    CHECK_EQ(slot(EL0, 0x00200000)->tag_r, TLB_INVALID);
    CHECK_EQ(slot(EL1PAN, 0x00300000)->tag_r, TLB_INVALID);
    EXPECT_FAULT(fill(EL0, 0x00200000, ACC_READ), 0x3d);
    EXPECT_FAULT(fill(EL1, 0x00300000, ACC_READ), 0x3e);
    mmu_dacr_write(c, 0xffffffff);   /* domain 3 Client -> Manager too */
    CHECK_EQ(slot(EL1, 0x00100000)->tag_r, TLB_INVALID);
    /* Long-descriptor entries do not depend on DACR. */
    reset();
    c->sr.tcr_el1 = 1u << 31;
    c->sr.ttbr0_el1 = LPT;
    w64(LPT)[0] = 0x40000000ull | LD_AF | LD_AP(1) | 1;
    fill_slot(EL0, 0x00100000);
    mmu_dacr_write(c, 0);
    CHECK_EQ(slot(EL0, 0x00100000)->tag_r, 0x00100000);
}

/* An ASID or TTBR change drops the non-global entries only. */
static void test_non_global(void)
{
    reset();
    set_l1(L1, 0x00100000, sect(DATA_PA, 3, 0, 1u << 17));   /* nG section */
    set_l1(L1, 0x00200000, sect(DATA_PA, 3, 0, 0));          /* global */
    set_l1(L1, 0x00300000, ptable(L2T, 0, false));
    set_l2(L2T, 0x00300000, small(DATA_PA, 3, false) | 1u << 11);   /* nG small page */
    set_l2(L2T, 0x00301000, small(DATA_PA, 3, false));
    fill_slot(EL0, 0x00100000);
    fill_slot(EL1, 0x00200000);
    fill_slot(EL1, 0x00300000);
    fill_slot(EL1, 0x00301000);
    mmu_a32_drop_non_global(c);
    CHECK_EQ(slot(EL0, 0x00100000)->tag_r, TLB_INVALID);
    CHECK_EQ(slot(EL1, 0x00200000)->tag_r, 0x00200000);
    CHECK_EQ(slot(EL1, 0x00300000)->tag_r, TLB_INVALID);
    CHECK_EQ(slot(EL1, 0x00301000)->tag_r, 0x00301000);
    reset();
    c->sr.tcr_el1 = 1u << 31;
    c->sr.ttbr0_el1 = LPT;
    w64(LPT)[0] = 0x40000000ull | LD_AF | LD_AP(1) | 1u << 11 | 1;
    w64(LPT)[1] = 0x40000000ull | LD_AF | LD_AP(1) | 1;
    fill_slot(EL0, 0x00100000);
    fill_slot(EL0, 0x40200000);
    mmu_a32_drop_non_global(c);
    CHECK_EQ(slot(EL0, 0x00100000)->tag_r, TLB_INVALID);
    CHECK_EQ(slot(EL0, 0x40200000)->tag_r, 0x40200000);
}

/* End to end: A32 code at EL0 fetched, loading and storing through the
 * walks (the TLB fill path of exec.c), leaving at a load from a non-RAM
 * physical address (an MMIO exit, no exception involved). */
static void run_el0(uint32_t code_va, uint32_t data_va, uint32_t mmio_va)
{
    static const uint32_t prog[] = {
        0xe5940000,   /* ldr r0, [r4] */
        0xe5840004,   /* str r0, [r4, #4] */
        0xe5951000,   /* ldr r1, [r5] */
    };
    memcpy(w32(DATA_PA + 0x8000), prog, sizeof(prog));
    *w32(DATA_PA + 0x10) = 0xcafef00d;
    *w32(DATA_PA + 0x14) = 0;
    c->x[4] = data_va;
    c->x[5] = mmio_va;
    uint32_t old = c->pstate;
    c->pstate = PSTATE_DAIF;   /* EL0 */
    sys_pstate_changed(c, old);
    cpu_a32_enter(c, code_va, 0x10);
    cpu_code_invalidate_all(c);
    CHECK_EQ(cpu_run(c), CPU_EXIT_MMIO);
    CHECK(!c->mmio.write);
    CHECK_EQ(c->mmio.size, 4);
    CHECK_EQ(c->x[0], 0xcafef00d);
    CHECK_EQ(*w32(DATA_PA + 0x14), 0xcafef00d);
}

static void test_end_to_end(void)
{
    reset();
    set_l1(L1, 0x00000000, ptable(L2T, 2, false));
    set_l2(L2T, 0x00008000, small(DATA_PA + 0x8000, 2 /* PL0 read-only */, false));
    set_l1(L1, 0x00100000, sect(DATA_PA, 3, 2, S_XN));
    for (int i = 0; i < 16; i++)
        set_l1(L1, 0x20000000 + i * 0x100000, supersect(0x1234000000ull, 3, 0));
    run_el0(0x00008000, 0x00100010, 0x20123450);
    CHECK_EQ(c->mmio.pa, 0x1234123450ull);

    reset();
    c->sr.tcr_el1 = 1u << 31;
    c->sr.ttbr0_el1 = LPT;
    uint64_t l2 = LPT + 0x1000, l3 = LPT + 0x2000;
    w64(LPT)[0] = l2 | 3;
    w64(LPT)[2] = 0xab80000000ull | LD_AF | LD_AP(1) | 1;      /* 1 GiB at VA 2 GiB, 40-bit PA */
    w64(l2)[0] = l3 | 3;
    w64(l3)[8] = (DATA_PA + 0x8000) | LD_AF | LD_AP(3) | 3;    /* code at VA 0x8000 */
    w64(l2)[1] = (DATA_PA & ~0x1fffffull) | LD_AF | LD_AP(1) | LD_XN | 1;   /* VA 2 MiB: 2 MiB block */
    run_el0(0x00008000, 0x00200000 + (uint32_t)(DATA_PA & 0x1fffff) + 0x10, 0x80654320);
    CHECK_EQ(c->mmio.pa, 0xab80654320ull);
}

/* ---- differential: Unicorn's ARM MMU (QEMU) ------------------------------ */

/* Random short-descriptor cases: a first-level entry (fault, section,
 * supersection, page table with a fault/large/small page), random AP, domain,
 * XN/PXN, attribute and ignored bits; random TTBCR.N, PD0/PD1, DACR, AFE,
 * WXN/UWXN.  Unicorn (Cortex-A15: LPAE, PXN, WXN) runs A32 code in SVC mode
 * that writes the CP15 registers, turns the MMU on and runs ATS1CPR/CPW/
 * CUR/CUW; the four PARs are compared with mmu_at32's.  The code runs from
 * an identity section (VA 0x403xxxxx, domain 0 forced Client/Manager) that
 * the cases keep away from.  Three places where QEMU 5 (Unicorn 2.0) is
 * not the Arm ARM are steered around: it checks the domain straight after
 * the first-level descriptor (before a page's translation fault and before
 * the access flag), checks the access flag only in Client domains, and its
 * short-format PAR has no attributes or SS layout (PA[31:12] and F/FS only
 * are compared; PA[31:24] for supersections). */
#include <unicorn/unicorn.h>

#define UC_CODE (RAM_BASE + 0x3ff000)
#define UC_SECT 0x403u
static uint32_t uc_mcr(unsigned opc1, unsigned crn, unsigned crm, unsigned opc2, unsigned rt)
{
    return 0xee000f10u | opc1 << 21 | crn << 16 | rt << 12 | opc2 << 5 | crm;
}
static uint32_t uc_mrrc(unsigned crm, unsigned rt, unsigned rt2) { return 0xec500f00u | rt2 << 16 | rt << 12 | crm; }

static uc_engine *uc_ref;

/* r1 TTBR0, r2 TTBR1, r3 TTBCR, r4 DACR, r5 SCTLR, r6 VA, r7 PRRR, r8 NMRR,
 * r0 SCTLR with M clear.  PARs: CPR r9:r10, CPW r11:r12, CUR r1:r2, CUW r3:r4. */
static uint32_t uc_mcrr(unsigned opc1, unsigned crm, unsigned rt, unsigned rt2)
{
    return 0xec400f00u | rt2 << 16 | rt << 12 | opc1 << 4 | crm;
}

/* Long descriptors: TTBR0/TTBR1 by MCRR with r9/r10 as their high halves. */
static const uint32_t *uc_prog(size_t *n, bool lpae)
{
    static uint32_t p[32];
    size_t i = 0;
    p[i++] = uc_mcr(0, 1, 0, 0, 0);     /* SCTLR: MMU off */
    p[i++] = uc_mcr(0, 2, 0, 2, 3);     /* TTBCR */
    if (lpae) {
        p[i++] = uc_mcrr(0, 2, 1, 9);   /* TTBR0 */
        p[i++] = uc_mcrr(1, 2, 2, 10);  /* TTBR1 */
    } else {
        p[i++] = uc_mcr(0, 2, 0, 0, 1); /* TTBR0 */
        p[i++] = uc_mcr(0, 2, 0, 1, 2); /* TTBR1 */
    }
    p[i++] = uc_mcr(0, 3, 0, 0, 4);     /* DACR */
    p[i++] = uc_mcr(0, 10, 2, 0, 7);    /* PRRR */
    p[i++] = uc_mcr(0, 10, 2, 1, 8);    /* NMRR */
    p[i++] = uc_mcr(0, 8, 7, 0, 0);     /* TLBIALL */
    p[i++] = uc_mcr(0, 1, 0, 0, 5);     /* SCTLR */
    p[i++] = uc_mcr(0, 7, 8, 0, 6);     /* ATS1CPR */
    p[i++] = uc_mrrc(7, 9, 10);
    p[i++] = uc_mcr(0, 7, 8, 1, 6);     /* ATS1CPW */
    p[i++] = uc_mrrc(7, 11, 12);
    p[i++] = uc_mcr(0, 7, 8, 2, 6);     /* ATS1CUR */
    p[i++] = uc_mrrc(7, 1, 2);
    p[i++] = uc_mcr(0, 7, 8, 3, 6);     /* ATS1CUW */
    p[i++] = uc_mrrc(7, 3, 4);
    p[i++] = uc_mcr(0, 1, 0, 0, 0);     /* MMU off */
    *n = i;
    return p;
}

static bool uc_run(const uint32_t *regs, unsigned nregs, bool lpae, uint64_t par[4])
{
    if (!uc_ref) {
        if (uc_open(UC_ARCH_ARM, UC_MODE_ARM, &uc_ref) != UC_ERR_OK)
            return false;
        uc_ctl_set_cpu_model(uc_ref, UC_CPU_ARM_CORTEX_A15);
        uc_mem_map(uc_ref, RAM_BASE, RAM_SIZE, UC_PROT_ALL);
    }
    size_t n;
    const uint32_t *p = uc_prog(&n, lpae);
    uc_mem_write(uc_ref, UC_CODE, p, n * 4);
    uc_mem_write(uc_ref, L1, ram + (L1 - RAM_BASE), LPT + 0x20000 - L1);
    uint32_t cpsr = 0x1d3;
    uc_reg_write(uc_ref, UC_ARM_REG_CPSR, &cpsr);
    for (unsigned i = 0; i < nregs; i++)
        uc_reg_write(uc_ref, UC_ARM_REG_R0 + i, &regs[i]);
    if (uc_emu_start(uc_ref, UC_CODE, UC_CODE + n * 4, 0, 0) != UC_ERR_OK)
        return false;
    static const int pr[4][2] = { { 9, 10 }, { 11, 12 }, { 1, 2 }, { 3, 4 } };
    for (int k = 0; k < 4; k++) {
        uint32_t lo, hi;
        uc_reg_read(uc_ref, UC_ARM_REG_R0 + pr[k][0], &lo);
        uc_reg_read(uc_ref, UC_ARM_REG_R0 + pr[k][1], &hi);
        par[k] = (uint64_t)hi << 32 | lo;
    }
    return true;
}

static uint32_t rbase(unsigned low_bits)
{
    uint32_t b = rnd() & 1 ? (uint32_t)(RAM_BASE + rnd() % RAM_SIZE) : (uint32_t)rnd();
    return b & ~((1u << low_bits) - 1);
}

static void test_unicorn_short(unsigned count)
{
    unsigned agree = 0, errors = 0, shown = 0, faults = 0;
    for (unsigned i = 0; i < count; i++) {
        reset();
        memset(ram + (L1 - RAM_BASE), 0, L2T + 0x4000 - L1);
        unsigned n = rnd() % 8;
        uint32_t va;
        do
            va = (uint32_t)rnd() & (rnd() & 1 ? ~3u : ~0u);
        while (va >> 20 == UC_SECT);
        bool code1 = n >= 2;   /* the code's VA 0x403xxxxx is TTBR1's */
        bool use1 = n && (va >> (32 - n)) != 0;
        uint32_t dacr = (uint32_t)rnd();
        dacr = (dacr & ~3u) | (rnd() & 1 ? 1 : 3);
        uint32_t sctlr = 0x00c50078u | 1;   /* RAO bits (XP, U, ...) and M */
        bool afe = rnd() % 10 < 3;
        if (afe)
            sctlr |= SCTLR_AFE;
        if (rnd() % 10 < 3)
            sctlr |= SCTLR_TRE;
        if (rnd() % 10 < 2)
            sctlr |= SCTLR_WXN;
        if (rnd() % 10 < 2)
            sctlr |= SCTLR_UWXN;
        uint32_t ttbcr = n;
        if (rnd() % 10 < 2)
            ttbcr |= code1 ? 1u << 4 : 1u << 5;
        uint64_t t0 = L1 + 0x4000 - (0x4000u >> n);
        /* The code's identity section, in both tables: PL1 read-only (so WXN
         * leaves it executable), AP[0] = 1 (the access flag under AFE). */
        uint32_t code_sect = sect(UC_SECT << 20, 5, 0, 0);
        *w32(L1B + UC_SECT * 4) = code_sect;
        if (n <= 1)
            *w32(t0 + UC_SECT * 4) = code_sect;
        uint64_t l1a = use1 ? L1B + (va >> 20) * 4 : t0 + ((va >> 20) & (0xfffu >> n)) * 4;
        unsigned kind = rnd() % 20;   /* 0-1 fault, 2-8 section, 9-11 supersection, 12- table */
        uint32_t d1, d2 = 0;
        unsigned dom;
        if (kind < 2) {
            d1 = (uint32_t)rnd() & ~3u;
            dom = d1 >> 5 & 15;
        } else if (kind < 9) {
            d1 = (rbase(20) | ((uint32_t)rnd() & 0xfffff & ~(1u << 18))) | 2;
            dom = d1 >> 5 & 15;
        } else if (kind < 12) {
            d1 = rbase(24) | ((uint32_t)rnd() & 0xffffff) | 1u << 18 | 2;
            dom = 0;
        } else {
            uint64_t l2 = L2T + (rnd() % 16) * 0x400;
            d1 = (uint32_t)l2 | ((uint32_t)rnd() & 0x3fc & ~0x10u) | 1;
            dom = d1 >> 5 & 15;
            unsigned k2 = rnd() % 10;
            if (k2 < 1)
                d2 = (uint32_t)rnd() & ~3u;
            else if (k2 < 4)
                d2 = rbase(16) | ((uint32_t)rnd() & 0xfffc) | 1;
            else
                d2 = rbase(12) | ((uint32_t)rnd() & 0xffc) | 2 | ((uint32_t)rnd() & 1);
            unsigned dac = dacr >> (2 * dom) & 3;
            if ((dac == 0 || dac == 2) && !(d2 & 3))
                d2 |= 2;   /* QEMU reports the domain fault first */
            if (afe && dac != 1 && (d2 & 3))
                d2 |= 1u << 4;   /* AP[0]: QEMU checks the access flag in Client domains only */
            *w32(l2 + (va >> 12 & 0xff) * 4) = d2;
        }
        if (kind >= 2 && kind < 12 && afe && (dacr >> (2 * dom) & 3) != 1)
            d1 |= 1u << 10;
        *w32(l1a) = d1;
        uint32_t prrr = (uint32_t)rnd(), nmrr = (uint32_t)rnd();

        uint32_t regs[9] = { sctlr & ~1u, (uint32_t)t0, L1B, ttbcr, dacr, sctlr, va, prrr, nmrr };
        uint64_t want[4];
        if (!uc_run(regs, 9, false, want)) {
            errors++;
            continue;
        }
        c->sr.sctlr_el1 = sctlr;
        c->sr.ttbr0_el1 = t0;
        c->sr.ttbr1_el1 = L1B;
        c->sr.tcr_el1 = ttbcr;
        c->sr.dacr32_el2 = dacr;
        c->sr.mair_el1 = (uint64_t)nmrr << 32 | prrr;
        cpu_tlb_flush(c);
        bool bad = false;
        uint64_t got[4];
        for (int k = 0; k < 4; k++) {
            got[k] = at32(va, k < 2 ? 1 : 0, k & 1, false);
            uint64_t mask = (got[k] & 1) ? 0x7f : (kind >= 9 && kind < 12) ? 0xff000001ull : 0xfffff001ull;
            if ((got[k] & mask) != (want[k] & mask))
                bad = true;
            faults += got[k] & 1;
        }
        if (bad) {
            test_failures++;
            if (shown++ < 10)
                fprintf(stderr,
                        "unicorn diff: va %#x n %u ttbcr %#x dacr %#x sctlr %#x l1 %#x l2 %#x\n"
                        "  ours   %#llx %#llx %#llx %#llx\n  theirs %#llx %#llx %#llx %#llx\n",
                        va, n, ttbcr, dacr, sctlr, d1, d2, (unsigned long long)got[0], (unsigned long long)got[1],
                        (unsigned long long)got[2], (unsigned long long)got[3], (unsigned long long)want[0],
                        (unsigned long long)want[1], (unsigned long long)want[2], (unsigned long long)want[3]);
        } else {
            agree++;
        }
        test_checks++;
    }
    printf("unicorn short descriptors: %u cases agree, %u ATS faults among them, %u errors\n", agree, faults,
           errors);
    CHECK_EQ(errors, 0);
}

/* Random long-descriptor cases: T0SZ/T1SZ (keeping the code's VA mapped),
 * EPD0/EPD1, a walk of random table/block/page/invalid descriptors with
 * random attribute, AP, AF, XN/PXN and hierarchical bits; the 64-bit PARs (F, FST, PA[39:12], ATTR, SH,
 * LPAE) must agree.  The code runs from a 2 MiB block at 0x40200000. */
static uint64_t ld_desc(unsigned level, uint64_t *next, uint64_t *pool)
{
    unsigned k = rnd() % 10;
    uint64_t attrs = rnd() & (0xfffull << 52 | 0xffcull);
    if (k == 0)
        return rnd() & ~1ull;                                   /* invalid */
    if (level < 3 && k < 6) {                                   /* table */
        *next = *pool;
        *pool += 0x1000;
        memset(w64(*next), 0, 0x1000);
        return *next | (rnd() & (0x1full << 59 | 0xffcull)) | 3;
    }
    if (level == 1 && rnd() % 4)
        return rnd() & ~1ull;                                   /* keep level-1 blocks rare */
    uint64_t oa = (rnd() & 1 ? RAM_BASE + rnd() % RAM_SIZE : rnd()) & 0xfffffff000ull;
    /* No output address bits 47:40: VMSAv8-32 faults on them (Address
     * size), QEMU 5 follows VMSAv7 and ignores them; test_long checks it. */
    if (rnd() % 4)
        attrs |= LD_AF;
    if (level < 3)   /* a block's output address bits below its size are RES0 (QEMU 5 ORs them in) */
        oa &= ~((1ull << (12 + 9 * (3 - level))) - 1);
    /* Type 0b01 at level 3 is reserved (a translation fault). */
    return oa | attrs | (level < 3 ? 1 : rnd() % 8 ? 3 : 1);
}

static void test_unicorn_long(unsigned count)
{
    unsigned agree = 0, errors = 0, shown = 0, faults = 0;
    for (unsigned i = 0; i < count; i++) {
        reset();
        memset(ram + (L1 - RAM_BASE), 0, LPT + 0x20000 - L1);
        unsigned t0sz = rnd() % 8, t1sz = rnd() % 8;
        if (t0sz >= 2)
            t1sz = 0;   /* the code VA 0x403ff000 must stay in a range */
        bool code1 = t0sz >= 2;
        uint32_t ttbcr = 1u << 31 | t0sz | t1sz << 16 | (uint32_t)(rnd() & 3) << 8 | (uint32_t)(rnd() & 0x3f) << 10;
        if (rnd() % 8 == 0)
            ttbcr |= code1 ? 1u << 7 : 1u << 23;
        uint64_t root0 = LPT, root1 = LPT + 0x1000, code_l2 = LPT + 0x2000, pool = LPT + 0x3000;
        uint64_t code_root = code1 ? root1 : root0;
        w64(code_root)[1] = code_l2 | 3;
        w64(code_l2)[1] = 0x40200000ull | LD_AF | LD_AP(2) | 1;
        uint32_t va;
        do
            va = (uint32_t)rnd();
        while (va - 0x40200000u < 0x200000u);
        bool use1 = t1sz ? (va >> (32 - t1sz)) == (0xffffffffu >> (32 - t1sz)) : t0sz && (va >> (32 - t0sz)) != 0;
        unsigned tsz = use1 ? t1sz : t0sz;
        unsigned level = tsz > 1 ? 2 : 1, inputsize = 32 - tsz;
        uint64_t table = use1 ? root1 : root0;
        for (; level <= 3; level++) {
            unsigned shift = 12 + 9 * (3 - level);
            unsigned bits = inputsize - shift < 9 ? inputsize - shift : 9;
            uint64_t *e = &w64(table)[(va >> shift) & ((1u << bits) - 1)];
            if (table == code_root && e == &w64(code_root)[1]) {
                table = code_l2;
                continue;
            }
            if (table == code_l2 && e == &w64(code_l2)[1])
                break;   /* not reached: the VA avoids the code's block */
            uint64_t next = 0;
            *e = ld_desc(level, &next, &pool);
            if (!next || (*e & 3) != 3 || level == 3)
                break;
            table = next;
        }
        uint32_t sctlr = 0x00c50078u | 1;
        if (rnd() % 10 < 2)
            sctlr |= SCTLR_WXN;
        if (rnd() % 10 < 2)
            sctlr |= SCTLR_UWXN;
        uint32_t mair0 = (uint32_t)rnd(), mair1 = (uint32_t)rnd();
        uint32_t asid0 = (uint32_t)(rnd() & 0xff) << 16, asid1 = (uint32_t)(rnd() & 0xff) << 16;
        uint32_t regs[11] = { sctlr & ~1u, (uint32_t)root0, (uint32_t)root1, ttbcr, 0x55555555, sctlr, va,
                              mair0, mair1, asid0, asid1 };
        uint64_t want[4];
        if (!uc_run(regs, 11, true, want)) {
            errors++;
            continue;
        }
        c->sr.sctlr_el1 = sctlr;
        c->sr.ttbr0_el1 = root0 | (uint64_t)asid0 << 32;
        c->sr.ttbr1_el1 = root1 | (uint64_t)asid1 << 32;
        c->sr.tcr_el1 = ttbcr;
        c->sr.mair_el1 = (uint64_t)mair1 << 32 | mair0;
        cpu_tlb_flush(c);
        bool bad = false;
        uint64_t got[4];
        for (int k = 0; k < 4; k++) {
            got[k] = at32(va, k < 2 ? 1 : 0, k & 1, false);
            uint64_t mask = (got[k] & 1) ? 0xb7f : 0xff000ffffffff981ull;
            if ((got[k] & mask) != (want[k] & mask))
                bad = true;
            faults += got[k] & 1;
        }
        if (bad) {
            test_failures++;
            if (shown++ < 10)
                fprintf(stderr,
                        "unicorn diff (long): va %#x ttbcr %#x sctlr %#x\n"
                        "  ours   %#llx %#llx %#llx %#llx\n  theirs %#llx %#llx %#llx %#llx\n",
                        va, ttbcr, sctlr, (unsigned long long)got[0], (unsigned long long)got[1],
                        (unsigned long long)got[2], (unsigned long long)got[3], (unsigned long long)want[0],
                        (unsigned long long)want[1], (unsigned long long)want[2], (unsigned long long)want[3]);
        } else {
            agree++;
        }
        test_checks++;
    }
    printf("unicorn long descriptors: %u cases agree, %u ATS faults among them, %u errors\n", agree, faults, errors);
    CHECK_EQ(errors, 0);
}

int main(void)
{
    ram = aligned_alloc(4096, RAM_SIZE);
    (void)map4k;
    struct cpu_env env = { .ram_ptr = ram_ptr };
    c = cpu_new(cpu_model_find_test("test-aarch32-el1"), &env, false);
    c->el2_enabled = true;
    cpu_power_on_reset(c, RAM_BASE);
    CHECK_EQ(cpu_model_find_test("test-aarch32-el1")->id_aa64pfr0 & 0xff, 0x22);
    CHECK(cpu_model_find("test-aarch32-el1") == NULL);
    reset();
    CHECK(cpu_el1_a32(c));
    test_sections();
    test_pages();
    test_supersections_domains();
    test_pan_wxn();
    test_ttbcr_split();
    test_long();
    test_stage2();
    test_par();
    test_misc();
    test_dacr_write();
    test_non_global();
    test_end_to_end();
    test_unicorn_short(3000);
    test_unicorn_long(3000);
    if (uc_ref)
        uc_close(uc_ref);
    cpu_free(c);
    return test_report("vmsa32");
}
