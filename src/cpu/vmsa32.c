/* VMSAv8-32 stage-1 translation of the EL1&0 regime when EL1 uses AArch32
 * (Arm ARM G5): short descriptors (TTBCR.EAE = 0) walked here, long
 * descriptors through the VMSAv8-64 walk core (mmu_lpae_walk) with the
 * AArch32 register layout and permission rules.  Stage 2 stays AArch64's
 * (mmu_stage2).  The registers are their AArch64 views: SCTLR =
 * sctlr_el1[31:0], TTBCR = tcr_el1[31:0], TTBCR2 = tcr_el1[63:32], DACR =
 * dacr32_el2, PRRR/MAIR0 = mair_el1[31:0], NMRR/MAIR1 = mair_el1[63:32].
 * docs/aarch32.md ("VMSAv8-32") has the fault and PAR conventions. */
#include "mmu-internal.h"

#define SCTLR_M (1u << 0)
#define SCTLR_WXN (1u << 19)
#define SCTLR_UWXN (1u << 20)
#define SCTLR_TRE (1u << 28)
#define SCTLR_AFE (1u << 29)

#define TTBCR_PD0 (1u << 4)
#define TTBCR_PD1 (1u << 5)
#define TTBCR_EPD0 (1u << 7)
#define TTBCR_EPD1 (1u << 23)
#define TTBCR_EAE (1u << 31)

/* Domain fault status codes as ESR_ELx reports them for AArch32 stage 1. */
#define FSC_DOMAIN(l) ((l) == 1 ? 0x3du : 0x3eu)

/* Short-descriptor FS[4:0] by AArch64 status code (0: none, reported as a
 * section translation fault). */
static const uint8_t short_fs[64] = {
    [0x21] = 0x01,                  /* alignment */
    [0x22] = 0x02,                  /* debug */
    [0x09] = 0x03, [0x0a] = 0x06,   /* access flag: section, page */
    [0x04] = 0x05, [0x05] = 0x05,   /* translation: section (level 0: a VA beyond 32 bits) */
    [0x06] = 0x07,                  /* translation: page */
    [0x10] = 0x08,                  /* synchronous external abort */
    [0x3d] = 0x09, [0x3e] = 0x0b,   /* domain: section, page */
    [0x15] = 0x0c, [0x16] = 0x0e,   /* synchronous external abort on the walk: level 1, 2 */
    [0x0d] = 0x0d, [0x0e] = 0x0f,   /* permission: section, page */
    [0x30] = 0x10,                  /* TLB conflict */
    [0x34] = 0x14,                  /* lockdown */
    [0x11] = 0x16,                  /* SError */
    [0x18] = 0x19,                  /* synchronous parity/ECC */
    [0x1d] = 0x1c, [0x1e] = 0x1e,   /* parity/ECC on the walk: level 1, 2 */
};

uint32_t vmsa32_short_fs(uint32_t fsc)
{
    uint32_t fs = short_fs[fsc & 0x3f];
    return fs ? fs : 0x05;
}

/* A 32-bit short descriptor at IPA ipa (stage 2 translates it when on). */
static bool read_desc32(struct cpu *c, uint64_t ipa, bool s2, enum access_kind acc, unsigned level, uint32_t *desc,
                        struct exc_info *exc)
{
    uint64_t pa = ipa;
    if (s2) {
        bool r, w, x;
        if (!mmu_stage2(c, ipa, acc, true, &pa, &r, &w, &x, exc))
            return false;
    }
    uint8_t *p = c->env.ram_ptr(c->env.opaque, pa & TLB_PAGE_MASK);
    if (!p) {
        mmu_fault(exc, acc, 0x14 + level);   /* synchronous external abort on the walk */
        return false;
    }
    __atomic_load((uint32_t *)(p + (pa & ~TLB_PAGE_MASK & ~3ull)), desc, __ATOMIC_RELAXED);
    return true;
}

/* Permissions at el from the decoded access rights (AArch32.CheckPermission):
 * WXN makes writable memory XN at the EL that can write it, UWXN makes
 * EL0-writable memory PXN, an instruction fetch needs read permission, and
 * PAN takes data accesses away from EL1 where EL0 has access. */
static void a32_perms(const struct cpu *c, unsigned el, bool pan, bool priv_r, bool priv_w, bool user_r, bool user_w,
                      bool xn, bool pxn, struct walk_out *out)
{
    uint32_t sctlr = (uint32_t)c->sr.sctlr_el1;
    bool wxn = sctlr & SCTLR_WXN, uwxn = sctlr & SCTLR_UWXN;
    if (el == 0) {
        out->r = user_r;
        out->w = user_w;
        out->x = user_r && !xn && !(wxn && user_w);
    } else {
        out->r = priv_r;
        out->w = priv_w;
        out->x = priv_r && !xn && !pxn && !(wxn && priv_w) && !(uwxn && user_w);
        if (pan && user_r)
            out->r = out->w = false;
    }
}

static bool allowed(const struct walk_out *o, enum access_kind acc)
{
    return acc == ACC_READ ? o->r : acc == ACC_WRITE ? o->w : o->x;
}

/* Cache policies (the short descriptors' AA/BB, NMRR.IRn/ORn): 0 Non-cacheable,
 * 1 Write-Back Write-Allocate, 2 Write-Through, 3 Write-Back no Write-Allocate. */
static const uint8_t policy_par_inner[4] = { 0, 5, 6, 7 };
static const uint8_t policy_mair[4] = { 0x4, 0xf, 0xa, 0xe };

enum mtype { MT_SO, MT_DEVICE, MT_NORMAL };

static void set_attrs(struct vmsa32_attrs *a, enum mtype t, unsigned inner, unsigned outer, bool shareable, bool nos)
{
    switch (t) {
    case MT_SO:   /* Strongly-ordered and Device: always shareable */
        a->mair = 0x00, a->inner = 1, a->outer = 0, shareable = true;
        break;
    case MT_DEVICE:
        a->mair = 0x04, a->inner = 3, a->outer = 0, shareable = true;
        break;
    default:
        a->mair = (uint8_t)(policy_mair[outer] << 4 | policy_mair[inner]);
        a->inner = policy_par_inner[inner];
        a->outer = (uint8_t)outer;
        break;
    }
    a->shareable = shareable;
    a->nos = shareable && nos;
    a->sh = !shareable ? 0 : a->nos ? 3 : 2;
}

/* Memory attributes of a short descriptor: TEX[2:0], C, B, S, with TEX remap
 * (SCTLR.TRE: PRRR/NMRR) or without.  Only AT reports them: the memory type
 * changes nothing else here (docs/aarch32.md). */
static void sd_attrs(const struct cpu *c, unsigned tex, unsigned cb, bool s, struct vmsa32_attrs *a)
{
    uint32_t prrr = (uint32_t)c->sr.mair_el1, nmrr = (uint32_t)(c->sr.mair_el1 >> 32);
    if (c->sr.sctlr_el1 & SCTLR_TRE) {
        unsigned n = (tex & 1) << 2 | cb;
        unsigned tr = prrr >> (2 * n) & 3;
        if (tr == 0)
            set_attrs(a, MT_SO, 0, 0, true, false);
        else if (tr == 1)   /* Device is Outer Shareable whatever PRRR.DS0/DS1 say */
            set_attrs(a, MT_DEVICE, 0, 0, true, false);
        else   /* 0b11 is reserved: Normal, as 0b10 */
            set_attrs(a, MT_NORMAL, nmrr >> (2 * n) & 3, nmrr >> (16 + 2 * n) & 3, prrr >> (s ? 19 : 18) & 1,
                      prrr >> (24 + n) & 1);
        return;
    }
    if (tex & 4) {
        set_attrs(a, MT_NORMAL, cb, tex & 3, s, false);
        return;
    }
    switch (tex << 2 | cb) {
    case 0x0: set_attrs(a, MT_SO, 0, 0, true, false); break;
    case 0x1: set_attrs(a, MT_DEVICE, 0, 0, true, false); break;
    case 0x2: set_attrs(a, MT_NORMAL, 2, 2, s, false); break;
    case 0x3: set_attrs(a, MT_NORMAL, 3, 3, s, false); break;
    case 0x7: set_attrs(a, MT_NORMAL, 1, 1, s, false); break;
    case 0x8: case 0x9: case 0xa: case 0xb:
        set_attrs(a, MT_DEVICE, 0, 0, false, false);   /* TEX 010: Device (0b01..0b11 reserved) */
        break;
    default:   /* TEX 001 (Non-cacheable; reserved, IMPLEMENTATION DEFINED) and reserved 011 */
        set_attrs(a, MT_NORMAL, 0, 0, s, false);
        break;
    }
}

static void sd_fault(struct exc_info *exc, enum access_kind acc, uint32_t fsc, unsigned domain)
{
    mmu_fault(exc, acc, fsc);
    exc->a32_short = true;
    exc->a32_domain = (uint8_t)domain;
}

/* Short-descriptor walk (AArch32.TranslationTableWalkSD and the checks after
 * it): faults in the Arm ARM's priority order Translation (level 1, then 2),
 * Access flag, Domain, Permission. */
static bool sd_translate(struct cpu *c, unsigned el, bool pan, uint32_t va, enum access_kind acc,
                         struct walk_out *out, struct exc_info *exc, bool s2, struct vmsa32_attrs *attrs)
{
    uint32_t ttbcr = (uint32_t)c->sr.tcr_el1;
    unsigned n = ttbcr & 7;
    bool use1 = n && (va >> (32 - n)) != 0;
    if (ttbcr & (use1 ? TTBCR_PD1 : TTBCR_PD0)) {
        sd_fault(exc, acc, FSC_TRANSLATION(1), 0);
        return false;
    }
    uint64_t l1 = use1 ? ((uint32_t)c->sr.ttbr1_el1 & 0xffffc000u) | (va >> 20) << 2
                       : ((uint32_t)c->sr.ttbr0_el1 & 0xffffffffu << (14 - n)) |
                             ((va >> 20) & (0xfffu >> n)) << 2;
    uint32_t d1;
    if (!read_desc32(c, l1, s2, acc, 1, &d1, exc)) {
        exc->a32_short = !exc->stage2;
        return false;
    }
    unsigned domain = d1 >> 5 & 15, level, ap, tex, cb;
    bool xn, pxn, s, ng;
    uint64_t pa, size;
    switch (d1 & 3) {
    case 0:
        sd_fault(exc, acc, FSC_TRANSLATION(1), domain);
        return false;
    case 1: {   /* page table */
        uint32_t d2;
        if (!read_desc32(c, (d1 & 0xfffffc00u) | (va >> 12 & 0xff) << 2, s2, acc, 2, &d2, exc)) {
            exc->a32_short = !exc->stage2;
            exc->a32_domain = (uint8_t)domain;
            return false;
        }
        level = 2;
        pxn = d1 >> 2 & 1;
        if (!(d2 & 3)) {
            sd_fault(exc, acc, FSC_TRANSLATION(2), domain);
            return false;
        }
        ap = (d2 >> 4 & 3) | (d2 >> 9 & 1) << 2;
        cb = d2 >> 2 & 3;
        s = d2 >> 10 & 1;
        ng = d2 >> 11 & 1;
        if (d2 & 2) {   /* small page */
            xn = d2 & 1;
            tex = d2 >> 6 & 7;
            size = 0x1000;
            pa = (d2 & 0xfffff000u) | (va & 0xfff);
        } else {        /* large page */
            xn = d2 >> 15 & 1;
            tex = d2 >> 12 & 7;
            size = 0x10000;
            pa = (d2 & 0xffff0000u) | (va & 0xffff);
        }
        break;
    }
    default:    /* section or supersection; bit 0 is PXN */
        level = 1;
        pxn = d1 & 1;
        xn = d1 >> 4 & 1;
        ap = (d1 >> 10 & 3) | (d1 >> 15 & 1) << 2;
        tex = d1 >> 12 & 7;
        cb = d1 >> 2 & 3;
        s = d1 >> 16 & 1;
        ng = d1 >> 17 & 1;
        if (d1 & (1u << 18)) {   /* supersection: domain 0, PA[35:32] in 23:20, PA[39:36] in 8:5 */
            domain = 0;
            size = 0x1000000;
            pa = (d1 & 0xff000000u) | (uint64_t)(d1 >> 20 & 15) << 32 | (uint64_t)(d1 >> 5 & 15) << 36 |
                 (va & 0xffffff);
        } else {
            size = 0x100000;
            pa = (d1 & 0xfff00000u) | (va & 0xfffff);
        }
        break;
    }
    uint32_t sctlr = (uint32_t)c->sr.sctlr_el1;
    if ((sctlr & SCTLR_AFE) && !(ap & 1)) {   /* AP[0] is the access flag */
        sd_fault(exc, acc, FSC_ACCESS(level), domain);
        return false;
    }
    unsigned dac = (unsigned)(c->sr.dacr32_el2 >> (2 * domain)) & 3;
    if (dac == 0 || dac == 2) {   /* No access; 0b10 is reserved and treated as No access */
        sd_fault(exc, acc, FSC_DOMAIN(level), domain);
        return false;
    }
    out->block_size = size;
    out->domain = (uint8_t)(domain + 1);
    out->ng = ng;
    if (dac == 3) {
        /* Manager: no permission check at all (AP, XN, PXN, WXN, PAN). */
        out->r = out->w = out->x = true;
    } else {
        bool priv_r, priv_w, user_r, user_w;
        if (sctlr & SCTLR_AFE) {   /* simplified model: AP[2:1] */
            priv_r = true;
            priv_w = !(ap & 4);
            user_r = ap & 2;
            user_w = (ap & 6) == 2;
        } else {
            static const uint8_t rights[8] = {
                /* bit 0 priv_r, 1 priv_w, 2 user_r, 3 user_w */
                0x0, 0x3, 0x7, 0xf, 0x0 /* reserved */, 0x1, 0x5, 0x5,
            };
            unsigned rt = rights[ap];
            priv_r = rt & 1, priv_w = rt & 2, user_r = rt & 4, user_w = rt & 8;
        }
        a32_perms(c, el, pan, priv_r, priv_w, user_r, user_w, xn, pxn, out);
        if (!allowed(out, acc)) {
            sd_fault(exc, acc, FSC_PERMISSION(level), domain);
            return false;
        }
    }
    if (attrs) {
        sd_attrs(c, tex, cb, s, attrs);
        attrs->ss = size == 0x1000000;
    }
    out->pa = pa;
    return true;
}

/* Long-descriptor walk: TTBR0/TTBR1 by T0SZ/T1SZ over a 32-bit input, 4K
 * granule, start at level 1 or 2, 40-bit output. */
static bool ld_translate(struct cpu *c, unsigned el, bool pan, uint32_t va, enum access_kind acc,
                         struct walk_out *out, struct exc_info *exc, bool s2, struct vmsa32_attrs *attrs)
{
    uint64_t tcr = c->sr.tcr_el1;
    unsigned t0sz = tcr & 7, t1sz = tcr >> 16 & 7;
    bool use1, epd;
    unsigned tsz;
    if (t1sz == 0)
        use1 = t0sz && (va >> (32 - t0sz)) != 0;
    else
        use1 = (va >> (32 - t1sz)) == (0xffffffffu >> (32 - t1sz));
    if (use1) {
        tsz = t1sz;
        epd = tcr & TTBCR_EPD1;
    } else {
        tsz = t0sz;
        epd = tcr & TTBCR_EPD0;
        /* Between the two ranges (both sizes set): no table. */
        if (t0sz && (va >> (32 - t0sz)) != 0)
            epd = true;
    }
    if (epd) {
        mmu_fault(exc, acc, FSC_TRANSLATION(1));
        return false;
    }
    uint64_t ttbr = use1 ? c->sr.ttbr1_el1 : c->sr.ttbr0_el1;
    unsigned inputsize = 32 - tsz;
    /* BADDR[39:x]: the start table holds 2^(inputsize - 30) (level 1) or
     * 2^(inputsize - 21) (level 2) descriptors. */
    unsigned x = (tsz > 1 ? inputsize - 21 : inputsize - 30) + 3;
    struct lpae_walk wk = {
        .table = ttbr & 0xffffffffffull & ~((1ull << x) - 1), .g = 12, .inputsize = inputsize, .pabits = 40,
        .hpd = tcr >> (use1 ? 42 : 41) & 1,   /* TTBCR2.HPD1/HPD0 */
        .s2 = s2,
    };
    if (!mmu_lpae_walk(c, va, acc, &wk, exc))
        return false;
    unsigned ap = (unsigned)(wk.desc >> 6) & 3;
    bool user_r = (ap & 1) && !wk.ap_no_el0;
    bool ro = (ap & 2) || wk.ap_ro;
    a32_perms(c, el, pan, true, !ro, user_r, user_r && !ro, (wk.desc >> 54 & 1) || wk.xn_t,
              (wk.desc >> 53 & 1) || wk.pxn_t, out);
    if (!allowed(out, acc)) {
        mmu_fault(exc, acc, FSC_PERMISSION(wk.level));
        return false;
    }
    if (attrs) {
        attrs->mair = (uint8_t)(c->sr.mair_el1 >> (8 * (wk.desc >> 2 & 7)));
        attrs->sh = (uint8_t)(wk.desc >> 8 & 3);
    }
    out->pa = wk.out_addr;
    out->block_size = 1ull << wk.shift;
    out->ng = wk.desc >> 11 & 1;
    return true;
}

void mmu_dacr_write(struct cpu *c, uint32_t dacr)
{
    uint32_t diff = (uint32_t)c->sr.dacr32_el2 ^ dacr;
    c->sr.dacr32_el2 = dacr;
    if (!diff)
        return;
    unsigned changed = 0;   /* bit d: domain d's field changed */
    for (unsigned d = 0; d < 16; d++)
        if (diff >> (2 * d) & 3)
            changed |= 1u << d;
    for (unsigned m = MMU_EL10_0; m <= MMU_EL10_1_PAN; m++) {
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            unsigned d = c->tlb_a32[m][i] & TLB_A32_DOMAIN;
            if (d && (changed >> (d - 1) & 1)) {
                struct tlb_entry *e = &c->tlbs[m][i];
                e->tag_r = e->tag_w = e->tag_x = TLB_INVALID;
                c->tlb_a32[m][i] = 0;
            }
        }
    }
}

void mmu_a32_drop_non_global(struct cpu *c)
{
    for (unsigned m = MMU_EL10_0; m <= MMU_EL10_1_PAN; m++) {
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            if (c->tlb_a32[m][i] & TLB_A32_NG) {
                struct tlb_entry *e = &c->tlbs[m][i];
                e->tag_r = e->tag_w = e->tag_x = TLB_INVALID;
                c->tlb_a32[m][i] = 0;
            }
        }
    }
}

bool vmsa32_translate(struct cpu *c, unsigned el, bool pan, uint32_t va, enum access_kind acc, struct walk_out *out,
                      struct exc_info *exc, bool s2_output, struct vmsa32_attrs *attrs)
{
    bool s2 = mmu_el10_stage2(c);
    bool lpae = c->sr.tcr_el1 & TTBCR_EAE;
    memset(out, 0, sizeof(*out));
    if (attrs) {
        memset(attrs, 0, sizeof(*attrs));
        attrs->lpae = lpae;
    }
    bool ok;
    if (!(c->sr.sctlr_el1 & SCTLR_M)) {
        /* Stage 1 off: flat, everything permitted. */
        out->r = out->w = out->x = true;
        out->block_size = TLB_PAGE_SIZE;
        out->pa = va;
        if (attrs)
            set_attrs(attrs, MT_SO, 0, 0, true, false);   /* data accesses: Device-nGnRnE */
        ok = true;
    } else if (lpae) {
        ok = ld_translate(c, el, pan, va, acc, out, exc, s2, attrs);
    } else {
        ok = sd_translate(c, el, pan, va, acc, out, exc, s2, attrs);
    }
    if (!ok)
        return false;
    if (s2 && s2_output) {
        bool r2, w2, x2;
        uint64_t ipa = out->pa;
        if (!mmu_stage2(c, ipa, acc, false, &out->pa, &r2, &w2, &x2, exc))
            return false;
        out->r &= r2;
        out->w &= w2;
        out->x &= x2;
    }
    out->pa &= TLB_PAGE_MASK;
    return true;
}
