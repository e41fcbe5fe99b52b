/* The MMU: VMSAv8-64 stage-1 and stage-2 translation table walks (4K, 16K
 * and 64K granules) feeding the software TLB.  Follows the Arm ARM's
 * AArch64.TranslateAddress / AArch64.S1Walk / AArch64.S2Walk. */
#include "mmu-internal.h"


enum regime { REGIME_EL10, REGIME_EL2, REGIME_EL20 };

/* Read a translation table descriptor at physical address pa. */
static bool read_desc(struct cpu *c, uint64_t pa, uint64_t *desc)
{
    uint8_t *p = c->env.ram_ptr(c->env.opaque, pa & TLB_PAGE_MASK);
    if (!p)
        return false;
    __atomic_load(( uint64_t *)(p + (pa & ~TLB_PAGE_MASK & ~7ull)), desc, __ATOMIC_RELAXED);
    return true;
}

static unsigned granule_bits_tg0(unsigned tg0)
{
    return tg0 == 1 ? 16 : tg0 == 2 ? 14 : 12;
}

static unsigned granule_bits_tg1(unsigned tg1)
{
    return tg1 == 1 ? 14 : tg1 == 3 ? 16 : 12;
}

static unsigned pa_bits(unsigned ps)
{
    static const unsigned bits[8] = { 32, 36, 40, 42, 44, 48, 52, 48 };
    return bits[ps & 7];
}

void mmu_fault(struct exc_info *exc, enum access_kind acc, uint32_t fsc)
{
    exc->ec = acc == ACC_EXEC ? EC_IABORT_LOWER : EC_DABORT_LOWER;
    exc->iss = fsc;
    exc->perm = (fsc & 0x3c) == 0x0c;
}

/* Stage 2: translate an IPA for the EL1&0 regime.  s1ptw: this is a stage-1
 * walk's table access. */
bool mmu_stage2(struct cpu *c, uint64_t ipa, enum access_kind acc, bool s1ptw, uint64_t *pa, bool *r, bool *w,
                bool *x, struct exc_info *exc)
{
    uint64_t vtcr = c->sr.vtcr_el2;
    unsigned t0sz = vtcr & 0x3f;
    unsigned g = granule_bits_tg0((unsigned)(vtcr >> 14) & 3);
    unsigned stride = g - 3;
    unsigned sl0 = (unsigned)(vtcr >> 6) & 3;
    unsigned inputsize = 64 - t0sz;
    int level;
    if (g == 12)
        level = 2 - (int)sl0;
    else
        level = 3 - (int)sl0;
    unsigned pabits = pa_bits((unsigned)(vtcr >> 16) & 7);
    if (level < 0 || inputsize > 48 || inputsize < 24 || ipa >> inputsize)
        goto translation_fault0;
    uint64_t table = c->sr.vttbr_el2 & 0x0000fffffffffffeull;
    {
        /* The start level may use up to 16 concatenated tables. */
        unsigned shift0 = g + stride * (unsigned)(3 - level);
        if (inputsize <= shift0 || inputsize - shift0 > stride + 4)
            goto translation_fault0;
    }
    for (bool first = true;; level++, first = false) {
        unsigned shift = g + stride * (unsigned)(3 - level);
        unsigned bits = first ? inputsize - shift : stride;
        uint64_t idx = (ipa >> shift) & ((1ull << bits) - 1);
        uint64_t desc;
        if (!read_desc(c, (table & ~7ull) + idx * 8, &desc)) {
            mmu_fault(exc, acc, 0x14 + (uint32_t)level);
            goto s2_fault;
        }
        if (!(desc & 1) || (level == 3 && !(desc & 2))) {
            mmu_fault(exc, acc, FSC_TRANSLATION((uint32_t)level));
            goto s2_fault;
        }
        if (level < 3 && (desc & 2)) {
            table = desc & 0x0000ffffffffffffull & ~((1ull << g) - 1);
            continue;
        }
        /* Block or page. */
        if (level < 3 && ((g == 12 && level < 1) || (g != 12 && level < 2))) {
            mmu_fault(exc, acc, FSC_TRANSLATION((uint32_t)level));
            goto s2_fault;
        }
        uint64_t out = (desc & 0x0000ffffffffffffull & ~((1ull << shift) - 1)) | (ipa & ((1ull << shift) - 1));
        if (out >> pabits) {
            mmu_fault(exc, acc, FSC_ADDR_SIZE((uint32_t)level));
            goto s2_fault;
        }
        if (!(desc & (1ull << 10))) {
            mmu_fault(exc, acc, FSC_ACCESS((uint32_t)level));
            goto s2_fault;
        }
        unsigned s2ap = (unsigned)(desc >> 6) & 3;
        *r = s2ap & 1;
        *w = s2ap & 2;
        *x = !(desc >> 54 & 1);
        bool ok = acc == ACC_READ ? *r : acc == ACC_WRITE ? *w : (*x && *r);
        if (s1ptw)
            ok = *r;    /* walks only read */
        if (!ok) {
            mmu_fault(exc, acc, FSC_PERMISSION((uint32_t)level));
            goto s2_fault;
        }
        *pa = out;
        return true;
    }
translation_fault0:
    mmu_fault(exc, acc, FSC_TRANSLATION(0));
s2_fault:
    exc->stage2 = true;
    exc->s1ptw = s1ptw;
    exc->ipa = ipa;
    return false;
}

static bool stage2_enabled(const struct cpu *c, enum regime rg)
{
    return rg == REGIME_EL10 && c->el2_enabled && (c->sr.hcr_el2 & HCR_VM) && !(c->sr.hcr_el2 & HCR_TGE);
}

bool mmu_el10_stage2(const struct cpu *c)
{
    return stage2_enabled(c, REGIME_EL10);
}

bool mmu_lpae_walk(struct cpu *c, uint64_t va, enum access_kind acc, struct lpae_walk *w, struct exc_info *exc)
{
    unsigned g = w->g, stride = g - 3;
    int level = 4 - (int)((w->inputsize - g + stride - 1) / stride);
    uint64_t table = w->table;
    w->ap_no_el0 = w->ap_ro = w->xn_t = w->pxn_t = false;
    for (;; level++) {
        unsigned shift = g + stride * (unsigned)(3 - level);
        unsigned bits = w->inputsize - shift < stride ? w->inputsize - shift : stride;
        uint64_t idx = (va >> shift) & ((1ull << bits) - 1);
        uint64_t desc_ipa = (table & ~7ull) + idx * 8, desc_pa = desc_ipa;
        uint64_t desc;
        if (w->s2) {
            bool r, wr, x;
            if (!mmu_stage2(c, desc_ipa, acc, true, &desc_pa, &r, &wr, &x, exc))
                return false;
        }
        if (!read_desc(c, desc_pa, &desc)) {
            mmu_fault(exc, acc, 0x14 + (uint32_t)level);
            return false;
        }
        if (!(desc & 1) || (level == 3 && !(desc & 2))) {
            mmu_fault(exc, acc, FSC_TRANSLATION((uint32_t)level));
            return false;
        }
        if (level < 3 && (desc & 2)) {
            if (!w->hpd) {
                w->ap_no_el0 |= desc >> 61 & 1;
                w->ap_ro |= desc >> 62 & 1;
                w->xn_t |= desc >> 60 & 1;
                w->pxn_t |= desc >> 59 & 1;
            }
            table = desc & 0x0000ffffffffffffull & ~((1ull << g) - 1);
            if (table >> w->pabits) {
                mmu_fault(exc, acc, FSC_ADDR_SIZE((uint32_t)level));
                return false;
            }
            continue;
        }
        if (level < 3 && ((g == 12 && level < 1) || (g != 12 && level < 2))) {
            mmu_fault(exc, acc, FSC_TRANSLATION((uint32_t)level));
            return false;
        }
        uint64_t out_addr = (desc & 0x0000ffffffffffffull & ~((1ull << shift) - 1)) | (va & ((1ull << shift) - 1));
        if (out_addr >> w->pabits) {
            mmu_fault(exc, acc, FSC_ADDR_SIZE((uint32_t)level));
            return false;
        }
        if (!(desc & (1ull << 10))) {
            mmu_fault(exc, acc, FSC_ACCESS((uint32_t)level));
            return false;
        }
        w->desc = desc;
        w->out_addr = out_addr;
        w->level = (unsigned)level;
        w->shift = shift;
        return true;
    }
}

/* Translation of va in regime rg for an access from el.  Stage 2 (when
 * enabled) always translates the stage-1 table walk; s2_output says whether
 * it also translates the output address (false for AT S1E*: PAR gets the IPA). */
static bool translate(struct cpu *c, enum regime rg, unsigned el, bool pan, uint64_t va, enum access_kind acc,
                      struct walk_out *out, struct exc_info *exc, bool s2_output)
{
    uint64_t sctlr = rg == REGIME_EL10 ? c->sr.sctlr_el1 : c->sr.sctlr_el2;
    bool s2 = stage2_enabled(c, rg);
    memset(out, 0, sizeof(*out));
    if (!(sctlr & 1)) {
        /* Stage 1 off: flat, 48-bit PA range. */
        if (va >> 48) {
            mmu_fault(exc, acc, FSC_ADDR_SIZE(0));
            return false;
        }
        out->r = out->w = out->x = true;
        out->block_size = TLB_PAGE_SIZE;
        uint64_t pa = va;
        if (s2 && s2_output) {
            bool r, w, x;
            if (!mmu_stage2(c, va, acc, false, &pa, &r, &w, &x, exc))
                return false;
            out->r = r, out->w = w, out->x = x;
        }
        out->pa = pa & TLB_PAGE_MASK;
        return true;
    }

    uint64_t tcr = rg == REGIME_EL10 ? c->sr.tcr_el1 : c->sr.tcr_el2;
    bool upper = (va >> 55) & 1;
    unsigned g, tsz, ps;
    uint64_t ttbr;
    bool hpd, epd;
    if (rg == REGIME_EL2) {
        if (upper)
            goto fault0;
        tsz = tcr & 0x3f;
        g = granule_bits_tg0((unsigned)(tcr >> 14) & 3);
        ps = (unsigned)(tcr >> 16) & 7;
        ttbr = c->sr.ttbr0_el2;
        hpd = tcr >> 24 & 1;
        epd = false;
    } else {
        if (upper) {
            tsz = (unsigned)(tcr >> 16) & 0x3f;
            g = granule_bits_tg1((unsigned)(tcr >> 30) & 3);
            ttbr = rg == REGIME_EL10 ? c->sr.ttbr1_el1 : c->sr.ttbr1_el2;
            hpd = tcr >> 42 & 1;
            epd = tcr >> 23 & 1;
        } else {
            tsz = tcr & 0x3f;
            g = granule_bits_tg0((unsigned)(tcr >> 14) & 3);
            ttbr = rg == REGIME_EL10 ? c->sr.ttbr0_el1 : c->sr.ttbr0_el2;
            hpd = tcr >> 41 & 1;
            epd = tcr >> 7 & 1;
        }
        ps = (unsigned)(tcr >> 32) & 7;
    }
    if (tsz < 16)
        tsz = 16;
    unsigned inputsize = 64 - tsz;
    /* The bits above the input size must all equal the selected half (the
     * top byte is already stripped when TBI applies). */
    uint64_t top = upper ? ~va : va;
    if (epd || (inputsize < 64 && (top >> inputsize) != 0))
        goto fault0;
    struct lpae_walk wk = {
        .table = ttbr & 0x0000fffffffffffeull, .g = g, .inputsize = inputsize, .pabits = pa_bits(ps),
        .hpd = hpd, .s2 = s2,
    };
    if (!mmu_lpae_walk(c, va, acc, &wk, exc))
        return false;
    uint64_t desc = wk.desc, out_addr = wk.out_addr;
    unsigned level = wk.level;
    bool ap_no_el0 = wk.ap_no_el0, ap_ro = wk.ap_ro, xn_t = wk.xn_t, pxn_t = wk.pxn_t;
    /* Permissions. */
    unsigned ap = (unsigned)(desc >> 6) & 3;
    bool xn = desc >> 54 & 1, pxn = desc >> 53 & 1;
    bool r, w, x;
    if (rg == REGIME_EL2) {
        r = true;
        w = !(ap & 2) && !ap_ro;
        x = !xn && !xn_t;
    } else {
        bool el0_ok = (ap & 1) && !ap_no_el0;
        bool ro = (ap & 2) || ap_ro;
        if (el == 0) {
            r = el0_ok;
            w = el0_ok && !ro;
            x = el0_ok && !xn && !xn_t;   /* UXN (and UXNTable) */
            if (!(ap & 1) || ap_no_el0)
                x = false;
        } else {
            r = true;
            w = !ro;
            x = !pxn && !pxn_t && !(el0_ok && !ro);   /* EL0-writable is never privileged-executable */
            if (pan && el0_ok) {
                r = w = false;   /* PAN: privileged data access to user memory faults */
            }
        }
    }
    if ((sctlr >> 19 & 1) && w)   /* WXN */
        x = false;
    uint64_t pa = out_addr;
    if (s2 && s2_output) {
        bool r2, w2, x2;
        if (!mmu_stage2(c, out_addr, acc, false, &pa, &r2, &w2, &x2, exc))
            return false;
        r = r && r2;
        w = w && w2;
        x = x && x2;
    }
    bool ok = acc == ACC_READ ? r : acc == ACC_WRITE ? w : x;
    if (!ok) {
        mmu_fault(exc, acc, FSC_PERMISSION(level));
        return false;
    }
    out->r = r, out->w = w, out->x = x;
    out->pa = pa & TLB_PAGE_MASK;
    out->block_size = 1ull << wk.shift;
    return true;
fault0:
    mmu_fault(exc, acc, FSC_TRANSLATION(0));
    return false;
}

static enum regime regime_of(enum mmu_idx idx)
{
    switch (idx) {
    case MMU_EL2: return REGIME_EL2;
    case MMU_EL20_0: case MMU_EL20_2: case MMU_EL20_2_PAN: return REGIME_EL20;
    default: return REGIME_EL10;
    }
}

static unsigned el_of(enum mmu_idx idx)
{
    switch (idx) {
    case MMU_EL10_0: case MMU_EL20_0: return 0;
    case MMU_EL10_1: case MMU_EL10_1_PAN: return 1;
    default: return 2;
    }
}

static bool pan_of(enum mmu_idx idx)
{
    return idx == MMU_EL10_1_PAN || idx == MMU_EL20_2_PAN;
}

bool mmu_fill(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e, struct exc_info *exc)
{
    enum mmu_idx idx = c->mmu_idx;
    struct walk_out out;
    enum regime rg = regime_of(idx);
    /* EL1 in AArch32: VMSAv8-32 (vmsa32.c); its VAs are 32-bit. */
    bool a32 = rg == REGIME_EL10 && cpu_el1_a32(c);
    bool a32_short = a32 && (c->sr.sctlr_el1 & 1) && !(c->sr.tcr_el1 >> 31 & 1);
    if (a32 && va >> 32) {
        mmu_fault(exc, acc, FSC_TRANSLATION(a32_short ? 1 : 0));
        exc->a32_short = a32_short;
        return false;
    }
    if (a32 ? !vmsa32_translate(c, el_of(idx), pan_of(idx), (uint32_t)va, acc, &out, exc, true, NULL)
            : !translate(c, rg, el_of(idx), pan_of(idx), va, acc, &out, exc, true))
        return false;
    uint64_t page = va & TLB_PAGE_MASK;
    if (idx <= MMU_EL10_1_PAN) {
        /* The flags describe the entry that replaces the slot's: drop the
         * old one now, so they never describe a different translation. */
        unsigned slot = (unsigned)(va >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
        struct tlb_entry *old = &c->tlbs[idx][slot];
        old->tag_r = old->tag_w = old->tag_x = TLB_INVALID;
        c->tlb_a32[idx][slot] = a32 ? (uint8_t)(out.domain | (out.ng ? TLB_A32_NG : 0)) : 0;
    }
    uint8_t *host = c->env.ram_ptr(c->env.opaque, out.pa);
    if (out.block_size > TLB_PAGE_SIZE) {
        uint64_t mask = ~(out.block_size - 1);
        uint64_t *lpa = &c->large_page_addr[idx], *lpm = &c->large_page_mask[idx];
        if (*lpm == 0) {
            *lpa = va & mask;
            *lpm = mask;
        } else {
            /* Widen the span until it covers both. */
            uint64_t m = *lpm & mask;
            while ((*lpa & m) != (va & m))
                m <<= 1;
            *lpm = m;
            *lpa &= m;
        }
    }
    if (host) {
        e->addend = (uintptr_t)host - page;
        e->tag_r = out.r ? page : TLB_INVALID;
        e->tag_w = out.w ? page : TLB_INVALID;
        e->tag_x = out.x ? page : TLB_INVALID;
    } else {
        /* Device or unbacked: every data access goes to the MMIO path; no
         * instruction fetch from it. */
        e->addend = out.pa - page;
        e->tag_r = out.r ? page | TLB_MMIO : TLB_INVALID;
        e->tag_w = out.w ? page | TLB_MMIO : TLB_INVALID;
        e->tag_x = TLB_INVALID;
        if (acc == ACC_EXEC) {
            mmu_fault(exc, acc, FSC_SYNC_EXTERNAL);
            exc->a32_short = a32_short;
            return false;
        }
    }
    return true;
}

/* The PAR of an AArch32-regime (VMSAv8-32) translation: the 32-bit format
 * when fmt64 is false (short descriptors, ATS1C* from EL1), else the 64-bit
 * one (LPAE = 1).  Both carry the AArch64 status code in their FS/FST
 * position; the 32-bit format has FS[4:0] in bits 5:1 and ExT in bit 6. */
static uint64_t par_a32(const struct walk_out *out, const struct vmsa32_attrs *a, const struct exc_info *exc, bool ok,
                        bool fmt64)
{
    if (!ok) {
        if (fmt64) {
            uint64_t par = 1 | (uint64_t)(exc->iss & 0x3f) << 1 | 1ull << 11;
            if (exc->stage2)
                par |= 1ull << 9 | (uint64_t)exc->s1ptw << 8;
            return par;
        }
        return 1 | (uint64_t)vmsa32_short_fs(exc->iss) << 1;
    }
    if (fmt64)
        return (out->pa & 0xfffffff000ull) | (uint64_t)a->mair << 56 | (uint64_t)a->sh << 7 | 1ull << 11;
    uint64_t pa = a->ss ? (out->pa & 0xff000000u) | (out->pa >> 32 & 0xff) << 16 : out->pa & 0xfffff000u;
    return pa | (uint64_t)a->ss << 1 | (uint64_t)a->outer << 2 | (uint64_t)a->inner << 4 |
           (uint64_t)a->shareable << 7 | (uint64_t)a->nos << 10;
}

/* AT S1E*: PAR_EL1 for a translation (F=1 with the fault status on failure). */
uint64_t mmu_at(struct cpu *c, uint64_t va, unsigned el, bool write, bool with_stage2)
{
    enum regime rg;
    if (el == 2)
        rg = (c->sr.hcr_el2 & HCR_E2H) ? REGIME_EL20 : REGIME_EL2;
    else
        rg = (c->el2_enabled && (c->sr.hcr_el2 & HCR_E2H) && (c->sr.hcr_el2 & HCR_TGE)) ? REGIME_EL20 : REGIME_EL10;
    struct walk_out out;
    struct exc_info exc = { 0 };
    bool pan = (c->pstate & PSTATE_PAN) && el == c->el;
    enum access_kind acc = write ? ACC_WRITE : ACC_READ;
    if (rg == REGIME_EL10 && cpu_el1_a32(c)) {
        /* From AArch64 (EL2): the 64-bit format, whatever TTBCR.EAE. */
        struct vmsa32_attrs a;
        bool ok = !(va >> 32);
        if (ok)
            ok = vmsa32_translate(c, el, pan, (uint32_t)va, acc, &out, &exc, with_stage2, &a);
        else
            mmu_fault(&exc, acc, FSC_TRANSLATION(0));
        return par_a32(&out, &a, &exc, ok, true);
    }
    bool ok = translate(c, rg, el, pan, sys_effective_va(c, va), acc, &out, &exc, with_stage2);
    if (!ok) {
        uint64_t par = 1 | (uint64_t)(exc.iss & 0x3f) << 1;
        if (exc.stage2)
            par |= 1ull << 9 | (uint64_t)exc.s1ptw << 8;
        return par;
    }
    /* Attributes: report Normal write-back (0xff) with inner shareable. */
    return (out.pa | (va & ~TLB_PAGE_MASK & 0)) | 0xffull << 56 | 3ull << 7 | 1ull << 11;
}

bool mmu_at32(struct cpu *c, uint32_t va, unsigned el, bool write, bool pan, uint64_t *par, struct exc_info *exc)
{
    struct walk_out out;
    struct vmsa32_attrs a;
    struct exc_info e = { 0 };
    enum access_kind acc = write ? ACC_WRITE : ACC_READ;
    bool ok = vmsa32_translate(c, el, pan, va, acc, &out, &e, false, &a);
    if (!ok && e.stage2) {
        /* A stage-2 fault on the stage-1 walk is a Data Abort to EL2. */
        *exc = e;
        exc->far = va;
        exc->access = acc;
        return false;
    }
    *par = par_a32(&out, &a, &e, ok, a.lpae);
    return true;
}
