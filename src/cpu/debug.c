/* AArch64 self-hosted debug: breakpoints, watchpoints, software step, OS
 * lock (Arm ARM D2; pseudocode AArch64.CheckBreakpoint, AArch64.
 * WatchpointMatch, AArch64.StateMatch, AArch64.GenerateDebugExceptionsFrom,
 * DebugExceptionReturnSS).  Only the Non-secure state exists (no EL3). */
#include "debug.h"
#include "system.h"

#define MDCR_TDE (1ull << 8)
#define OSLSR_OSLK (1ull << 1)
#define IFSC_DEBUG 0x22u        /* ESR ISS[5:0] of debug exceptions */

/* DBGBCR/DBGWCR fields. */
#define BCR_E(v) ((v) & 1)
#define BCR_PMC(v) ((unsigned)((v) >> 1) & 3)
#define BCR_BAS(v) ((unsigned)((v) >> 5) & 0xf)
#define BCR_HMC(v) ((unsigned)((v) >> 13) & 1)
#define BCR_SSC(v) ((unsigned)((v) >> 14) & 3)
#define BCR_LBN(v) ((unsigned)((v) >> 16) & 0xf)
#define BCR_BT(v) ((unsigned)((v) >> 20) & 0xf)
#define WCR_LSC(v) ((unsigned)((v) >> 3) & 3)
#define WCR_BAS(v) ((unsigned)((v) >> 5) & 0xff)
#define WCR_MASK(v) ((unsigned)((v) >> 24) & 0x1f)

unsigned debug_target_el(const struct cpu *c)
{
    bool to_el2 = c->el2_enabled && ((c->sr.mdcr_el2 & MDCR_TDE) || (c->sr.hcr_el2 & HCR_TGE));
    return to_el2 ? 2 : 1;
}

/* AArch64.GenerateDebugExceptionsFrom(from_el, mask). */
static bool enabled_from(const struct cpu *c, unsigned el, bool dmask)
{
    if (c->sr.oslsr_el1 & OSLSR_OSLK)
        return false;
    if ((c->sr.osdlr_el1 & 1) && !(c->sr.dbgprcr_el1 & 1))   /* double lock */
        return false;
    unsigned target = debug_target_el(c);
    if (el == target)
        return (c->sr.mdscr_el1 & MDSCR_KDE) && !dmask;
    return target > el;
}

static bool enabled_now(const struct cpu *c)
{
    return enabled_from(c, c->el, c->pstate & PSTATE_D);
}

void debug_update(struct cpu *c)
{
    uint64_t mdscr = c->sr.mdscr_el1;
    uint8_t armed = 0;
    uint64_t sig = 0;
    if (mdscr & MDSCR_SS)
        armed |= DBG_SS;
    if (mdscr & MDSCR_MDE) {
        for (unsigned n = 0; n < DBG_NUM_BRP; n++)
            if (BCR_E(c->sr.dbgbcr[n]))
                armed |= DBG_BKPT;
        for (unsigned n = 0; n < DBG_NUM_WRP; n++)
            if (BCR_E(c->sr.dbgwcr[n])) {
                armed |= DBG_WATCH;
                sig = (sig ^ c->sr.dbgwcr[n] ^ (c->sr.dbgwvr[n] << 1) ^ n) * 0x9E3779B97F4A7C15ull + 1;
            }
    }
    c->dbg.armed = armed;
    if (sig != c->dbg.watch_sig) {
        /* Watched pages changed: TLB entries must be marked afresh. */
        c->dbg.watch_sig = sig;
        cpu_tlb_flush(c);
    }
}

uint32_t debug_ctx(struct cpu *c)
{
    if (!enabled_now(c))
        return 0;
    uint32_t ctx = 0;
    if (c->dbg.armed & DBG_SS)
        ctx |= (c->pstate & PSTATE_SS) ? CTX_DBG_SS : CTX_DBG_SSP;
    if (c->dbg.armed & DBG_BKPT)
        ctx |= CTX_DBG_BKPT;
    return ctx;
}

/* ---- breakpoints and watchpoints: state and value matching ---------------- */

/* In the EL2&0 regime (E2H and EL2, or EL0 with TGE). */
static bool in_el20(const struct cpu *c)
{
    bool e2h = c->el2_enabled && (c->sr.hcr_el2 & HCR_E2H);
    return e2h && (c->el == 2 || (c->el == 0 && (c->sr.hcr_el2 & HCR_TGE)));
}

/* AArch64.StateMatch for the Non-secure state: SSC/HMC/PxC against the
 * current EL. */
static bool state_match(const struct cpu *c, unsigned ssc, unsigned hmc, unsigned pxc)
{
    if (ssc == 2)                   /* Secure state only */
        return false;
    switch (c->el) {
    case 0: return pxc >> 1 & 1;
    case 1: return pxc & 1;
    case 2: return c->el2_enabled && ((hmc && (ssc << 2 | pxc) != 8) || ssc == 3);
    default: return false;
    }
}

static uint64_t sext49(uint64_t v) { return (uint64_t)((int64_t)(v << 15) >> 15); }

/* Context comparison of breakpoint n (BT = 001x, 011x, 10xx): CONTEXTIDR
 * and/or VMID. */
static bool context_match(const struct cpu *c, unsigned n)
{
    if (n < DBG_NUM_BRP - DBG_NUM_CTX)
        return false;
    uint64_t bcr = c->sr.dbgbcr[n], bvr = c->sr.dbgbvr[n];
    unsigned bt = BCR_BT(bcr);
    bool el10_guest = c->el2_enabled && c->el < 2 && !in_el20(c);
    uint64_t ctxid = in_el20(c) ? c->sr.contextidr_el2 : c->sr.contextidr_el1;
    bool cid = (uint32_t)ctxid == (uint32_t)bvr;
    bool vmid = el10_guest && ((c->sr.vttbr_el2 >> 48) & 0xff) == ((bvr >> 32) & 0xff);
    switch (bt >> 1) {
    case 1: return cid;                                             /* CONTEXTIDR_EL1 */
    case 3: return c->el2_enabled && (uint32_t)c->sr.contextidr_el2 == (uint32_t)(bvr >> 32);   /* CONTEXTIDR_EL2 */
    case 4: return vmid;                                            /* VMID */
    case 5: return vmid && cid;                                     /* VMID + CONTEXTIDR_EL1 */
    default: return false;
    }
}

/* The linked context breakpoint LBN of an address comparison matches. */
static bool linked_match(const struct cpu *c, unsigned lbn)
{
    if (lbn >= DBG_NUM_BRP)
        return false;
    uint64_t l = c->sr.dbgbcr[lbn];
    unsigned bt = BCR_BT(l);
    if (!BCR_E(l) || !(bt & 1) || bt == 1 || (bt >> 1) == 2)   /* must be a linked context type */
        return false;
    return context_match(c, lbn);
}

/* AArch64.BreakpointMatch for an A64 instruction at pc. */
static bool breakpoint_match(const struct cpu *c, unsigned n, uint64_t pc)
{
    uint64_t bcr = c->sr.dbgbcr[n];
    if (!BCR_E(bcr) || !state_match(c, BCR_SSC(bcr), BCR_HMC(bcr), BCR_PMC(bcr)))
        return false;
    unsigned bt = BCR_BT(bcr);
    switch (bt) {
    case 0: case 1:                 /* address match, unlinked / linked */
        if (!(BCR_BAS(bcr) & 1))    /* A64: BAS 1111 (or 0000: never) */
            return false;
        if ((sext49(c->sr.dbgbvr[n]) & ~3ull) != (pc & ~3ull))
            return false;
        return bt == 0 || linked_match(c, BCR_LBN(bcr));
    case 2: case 6: case 8: case 10:    /* unlinked context match */
        return context_match(c, n);
    default:
        return false;               /* linked context types only match through links */
    }
}

static noreturn void raise_debug(struct cpu *c, uint64_t pc, uint32_t ec_lower, uint32_t iss, bool far_valid, uint64_t far)
{
    unsigned target = debug_target_el(c);
    if (target < c->el)
        target = c->el;
    if (far_valid) {
        if (target == 2)
            c->sr.far_el2 = far;
        else
            c->sr.far_el1 = far;
    }
    c->exc.target_el = target;
    cpu_raise(c, pc, target == c->el ? ec_lower + 1 : ec_lower, iss, far);
}

static const struct uop *op_bkpt_check(struct cpu *c, const struct uop *u)
{
    if (unlikely(c->dbg.armed & DBG_BKPT) && enabled_now(c) && (c->sr.mdscr_el1 & MDSCR_MDE)) {
        uint64_t pc = uop_pc(c, u);
        for (unsigned n = 0; n < DBG_NUM_BRP; n++)
            if (breakpoint_match(c, n, pc))
                raise_debug(c, pc, EC_BKPT_LOWER, IFSC_DEBUG, false, 0);
    }
    return u + 1;
}

/* Does watchpoint n cover any byte of [va, va + size)? */
static bool watch_covers(const struct cpu *c, unsigned n, uint64_t va, unsigned size)
{
    uint64_t wcr = c->sr.dbgwcr[n], wvr = sext49(c->sr.dbgwvr[n]);
    unsigned mask = WCR_MASK(wcr);
    if (mask >= 3) {                /* a naturally aligned 2^MASK-byte range */
        uint64_t lo = wvr & ~((1ull << mask) - 1), hi = lo + (1ull << mask);
        return va < hi && va + size > lo;
    }
    unsigned bas = WCR_BAS(wcr);
    uint64_t base = wvr & ~7ull;
    if (wvr & 4)                    /* word-aligned WVR: BAS[3:0] select bytes 4-7 */
        bas = (bas & 0xf) << 4;
    for (unsigned i = 0; i < 8; i++)
        if ((bas >> i & 1) && base + i >= va && base + i < va + size)
            return true;
    return false;
}

void debug_watch_check(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, enum access_kind acc)
{
    if (!u || !(c->dbg.armed & DBG_WATCH) || !enabled_now(c) || !(c->sr.mdscr_el1 & MDSCR_MDE) || acc == ACC_EXEC)
        return;
    bool write = acc == ACC_WRITE;
    for (unsigned n = 0; n < DBG_NUM_WRP; n++) {
        uint64_t wcr = c->sr.dbgwcr[n];
        if (!BCR_E(wcr) || !(WCR_LSC(wcr) & (write ? 2 : 1)))
            continue;
        if (!state_match(c, BCR_SSC(wcr), BCR_HMC(wcr), BCR_PMC(wcr)))
            continue;
        if ((wcr >> 20 & 1) && !linked_match(c, BCR_LBN(wcr)))
            continue;
        if (watch_covers(c, n, va, size))
            raise_debug(c, uop_pc(c, u), EC_WATCH_LOWER, (write ? 1u << 6 : 0) | IFSC_DEBUG, true, va);
    }
}

void debug_tlb_mark(struct cpu *c, uint64_t page, struct tlb_entry *e)
{
    page &= TLB_PAGE_MASK;
    for (unsigned n = 0; n < DBG_NUM_WRP; n++) {
        uint64_t wcr = c->sr.dbgwcr[n];
        if (!BCR_E(wcr))
            continue;
        if (!watch_covers(c, n, page, (unsigned)TLB_PAGE_SIZE))
            continue;
        if ((WCR_LSC(wcr) & 1) && e->tag_r != TLB_INVALID)
            e->tag_r |= TLB_WATCH;
        if ((WCR_LSC(wcr) & 2) && e->tag_w != TLB_INVALID)
            e->tag_w |= TLB_WATCH;
    }
}

/* ---- software step ------------------------------------------------------- */

/* Load-exclusive (LDXR, LDAXR, LDXP, LDAXP): ESR.EX of the step exception. */
static bool is_load_exclusive(uint32_t insn)
{
    return (insn & 0x3f400000u) == 0x08400000u && !(insn >> 23 & 1);
}

/* Active-not-pending: the instruction runs; the dispatcher must regain
 * control right after it (no chaining) to make the step pending. */
static const struct uop *op_step_begin(struct cpu *c, const struct uop *u)
{
    c->dbg.ss_inflight = true;
    c->dbg.ss_syndrome = is_load_exclusive(u->insn) ? 3 : 1;
    c->exit_request = 1;
    return u + 1;
}

/* Active-pending: the step exception is taken before the instruction. */
static const struct uop *op_step_pending(struct cpu *c, const struct uop *u)
{
    uint32_t syn = c->dbg.ss_syndrome;
    uint32_t iss = IFSC_DEBUG | ((syn & 1) ? 1u << 24 : 0) | ((syn & 2) ? 1u << 6 : 0);
    c->dbg.ss_syndrome = 0;
    raise_debug(c, uop_pc(c, u), EC_SSTEP_LOWER, iss, false, 0);
}

void debug_step_done(struct cpu *c)
{
    c->dbg.ss_inflight = false;
    if (c->pstate & PSTATE_SS)
        c->pstate &= ~PSTATE_SS;    /* the step completed: active-pending */
    else
        c->dbg.ss_syndrome = 0;     /* an exception was taken instead */
}

void debug_ss_advance(struct cpu *c)
{
    if (c->dbg.ss_inflight) {
        c->pstate &= ~PSTATE_SS;
        c->dbg.ss_syndrome = 0;
    }
}

uint32_t debug_eret_ss(struct cpu *c, uint64_t spsr, unsigned dest_el)
{
    c->dbg.ss_syndrome = 0;
    if (!(c->sr.mdscr_el1 & MDSCR_SS) || enabled_now(c))
        return 0;
    if (!enabled_from(c, dest_el, spsr & PSTATE_D))
        return 0;
    return (uint32_t)spsr & PSTATE_SS;
}

/* ---- translation --------------------------------------------------------- */

bool debug_trans_before(struct xlat *x)
{
    if (x->ctx & CTX_DBG_SSP) {
        emit(x, op_step_pending);
        x->end = true;
        return true;
    }
    if (x->ctx & CTX_DBG_SS)
        emit(x, op_step_begin);
    if (x->ctx & CTX_DBG_BKPT)
        emit(x, op_bkpt_check);
    return false;
}

void debug_trans_after(struct xlat *x)
{
    if ((x->ctx & CTX_DBG_SS) && !x->end) {
        struct uop *g = emit(x, op_goto_nochain);
        g->imm = x->pc + 4;
        x->end = true;
    }
}
