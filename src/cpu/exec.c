/* The executor: block cache, translation loop, dispatcher, memory slow paths
 * and exception plumbing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "uop.h"
#include "system.h"
#include "debug.h"
#include "jit.h"

#define BLOCK_HASH_BITS 16
#define JC_BITS 13
#define ARENA_SIZE (64u << 20)
#define CODE_PAGES_BITS 14

struct block_cache {
    struct block *hash[1u << BLOCK_HASH_BITS];
    /* Direct-mapped front of the hash.  The key and the host page are kept in
     * the entry so that a hit touches no block (blocks are scattered over the
     * arena: dereferencing one is a likely cache miss). */
    struct jc_entry {
        uint64_t pc;
        uintptr_t host_page;
        struct block *b;
        uint32_t ctx;
    } jc[1u << JC_BITS];
    uint8_t *arena;
    size_t used;
    /* Pages holding translated code (open addressing on page: 0 = empty,
     * page | 1 = live, CODE_PAGE_GONE = dropped), each with its blocks. */
    struct code_page {
        uint64_t page;
        struct block *blocks;   /* linked through the blocks' headers */
        bool whole;     /* also holds the tail of a block listed elsewhere:
                           a write drops every translation */
    } code_pages[1u << CODE_PAGES_BITS];
    unsigned ncode_pages;       /* slots not empty */
    bool flush_pending;
    /* Pages written since the last dispatch: their blocks are dropped there. */
    uint64_t drop_pages[16];
    unsigned ndrop;
    struct jit *jit;        /* host code for blocks, NULL = interpret */
    struct uop scratch[BLOCK_MAX_INSNS * 8];
    /* A one-instruction block that is never cached (MMIO restart). */
    _Alignas(64) uint8_t single[sizeof(struct block) + 16 * sizeof(struct uop)];
};

/* Bit n of cond_table[cond] says whether cond holds for NZCV == n. */
const uint16_t cond_table[16] = {
#define N(v) ((v) >> 3 & 1)
#define Z(v) ((v) >> 2 & 1)
#define C(v) ((v) >> 1 & 1)
#define V(v) ((v) & 1)
#define ROW(expr)                                                                     \
    (uint16_t)(((expr(0)) << 0) | ((expr(1)) << 1) | ((expr(2)) << 2) | ((expr(3)) << 3) | \
               ((expr(4)) << 4) | ((expr(5)) << 5) | ((expr(6)) << 6) | ((expr(7)) << 7) | \
               ((expr(8)) << 8) | ((expr(9)) << 9) | ((expr(10)) << 10) |                 \
               ((expr(11)) << 11) | ((expr(12)) << 12) | ((expr(13)) << 13) |             \
               ((expr(14)) << 14) | ((expr(15)) << 15))
#define EQ(v) Z(v)
#define NE(v) !Z(v)
#define CS(v) C(v)
#define CC(v) !C(v)
#define MI(v) N(v)
#define PL(v) !N(v)
#define VS(v) V(v)
#define VC(v) !V(v)
#define HI(v) (C(v) && !Z(v))
#define LS(v) !(C(v) && !Z(v))
#define GE(v) (N(v) == V(v))
#define LT(v) (N(v) != V(v))
#define GT(v) (!Z(v) && N(v) == V(v))
#define LE(v) !(!Z(v) && N(v) == V(v))
#define AL(v) 1
    ROW(EQ), ROW(NE), ROW(CS), ROW(CC), ROW(MI), ROW(PL), ROW(VS), ROW(VC),
    ROW(HI), ROW(LS), ROW(GE), ROW(LT), ROW(GT), ROW(LE), ROW(AL), ROW(AL),
};

typedef const struct uop *(*block_code_fn)(struct cpu *c);

static unsigned block_hash(uint64_t pc, uint32_t ctx)
{
    return (unsigned)(((pc >> 2) ^ ctx) * 0x9E3779B97F4A7C15ull >> (64 - BLOCK_HASH_BITS));
}

static unsigned jc_index(uint64_t pc)
{
    return (unsigned)((pc >> 2) ^ (pc >> (2 + JC_BITS))) & ((1u << JC_BITS) - 1);
}

/* In front of every cached block in the arena: the next block of its page. */
struct block_hdr {
    struct block *page_next;
    uint64_t pad;
};
static struct block_hdr *hdr_of(struct block *b) { return (struct block_hdr *)((uint8_t *)b - sizeof(struct block_hdr)); }
#define CODE_PAGE_GONE 2ull

/* Run uops from u on: a chained block that has host code runs as code, any
 * other uop through its handler. */
static inline void run_from(struct cpu *c, const struct uop *u)
{
    while (u) {
        const struct block *b = c->blk;
        if (u == b->uops && b->code)
            u = ((block_code_fn)b->code)(c);
        else
            u = u->fn(c, u);
    }
}

static void interp_exec(struct cpu *c, const struct block *b)
{
    const struct uop *u = b->uops;
    while ((u = u->fn(c, u)))
        ;
}

static void code_exec(struct cpu *c, const struct block *b)
{
    run_from(c, ((block_code_fn)b->code)(c));
}

/* ---- lifecycle ----------------------------------------------------------- */

struct cpu *cpu_new(const struct cpu_model *model, const struct cpu_env *env, bool user_mode)
{
    struct cpu *c;
    if (posix_memalign((void **)&c, 64, sizeof(*c)))
        return NULL;
    memset(c, 0, sizeof(*c));
    c->model = model ? model : cpu_model_default();
    c->env = *env;
    c->user_mode = user_mode;
    c->excl_addr = ~0ull;
    c->mmu_idx = user_mode ? MMU_USER : MMU_EL10_1;
    c->tlb = c->tlbs[c->mmu_idx];
    c->bc = calloc(1, sizeof(*c->bc));
    if (!c->bc) {
        free(c);
        return NULL;
    }
    c->bc->arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (c->bc->arena == MAP_FAILED) {
        free(c->bc);
        free(c);
        return NULL;
    }
    /* NESTVM_JIT=0 interprets every block (for differential runs). */
    const char *jit_env = getenv("NESTVM_JIT");
    if (!jit_env || strcmp(jit_env, "0"))
        c->bc->jit = jit_new(ARENA_SIZE);
    cpu_tlb_flush(c);
    return c;
}

void cpu_free(struct cpu *c)
{
    if (!c)
        return;
    munmap(c->bc->arena, ARENA_SIZE);
    jit_free(c->bc->jit);
    free(c->bc);
    free(c);
}

void cpu_power_on_reset(struct cpu *c, uint64_t pc)
{
    sys_reset(c, c->el2_enabled ? 2 : 1, pc);
}

bool cpu_wfi_should_wake(struct cpu *c)
{
    return sys_wfi_wakeup(c);
}

void cpu_request_tlb_flush(struct cpu *c, unsigned mmu_idx_mask)
{
    __atomic_or_fetch(&c->tlb_flush_request, mmu_idx_mask, __ATOMIC_ACQ_REL);
    __atomic_store_n(&c->exit_request, 1, __ATOMIC_RELEASE);
}

void cpu_request_exit(struct cpu *c)
{
    __atomic_store_n(&c->external_exit, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&c->exit_request, 1, __ATOMIC_RELEASE);
}

/* ---- TLB ----------------------------------------------------------------- */

static void tlb_table_flush(struct tlb_entry *t)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        t[i].tag_r = t[i].tag_w = t[i].tag_x = TLB_INVALID;
        t[i].addend = 0;
    }
}

void cpu_tlb_flush(struct cpu *c)
{
    for (unsigned m = 0; m < NUM_MMU_IDX; m++)
        tlb_table_flush(c->tlbs[m]);
}

void cpu_tlb_flush_mmu_idx(struct cpu *c, unsigned mask)
{
    for (unsigned m = 0; m < NUM_MMU_IDX; m++)
        if (mask >> m & 1)
            tlb_table_flush(c->tlbs[m]);
}

static bool tlb_entry_maps(const struct tlb_entry *e, uint64_t page)
{
    return (e->tag_r & TLB_PAGE_MASK) == page || (e->tag_w & TLB_PAGE_MASK) == page ||
           (e->tag_x & TLB_PAGE_MASK) == page;
}

void cpu_tlb_flush_page(struct cpu *c, uint64_t va)
{
    cpu_tlb_flush_page_mmu_idx(c, va, ~0u);
}

void cpu_tlb_flush_page_mmu_idx(struct cpu *c, uint64_t va, unsigned mask)
{
    uint64_t page = va & TLB_PAGE_MASK;
    unsigned i = (unsigned)(va >> TLB_PAGE_BITS) & (TLB_SIZE - 1);
    for (unsigned m = 0; m < NUM_MMU_IDX; m++) {
        struct tlb_entry *e = &c->tlbs[m][i];
        if ((mask >> m & 1) && tlb_entry_maps(e, page))
            e->tag_r = e->tag_w = e->tag_x = TLB_INVALID;
    }
}

/* ---- code pages ---------------------------------------------------------- */
/* Translated code is tracked by the host address of the page it came from, so
 * every guest alias of that memory (any VA, any regime) is covered. */

static unsigned code_page_slot(uint64_t page)
{
    return (unsigned)((page >> TLB_PAGE_BITS) * 0x9E3779B97F4A7C15ull >> (64 - CODE_PAGES_BITS));
}

static struct code_page *find_code_page(struct block_cache *bc, uint64_t host_page)
{
    if (!bc->ncode_pages)
        return NULL;
    for (unsigned i = code_page_slot(host_page), n = 0; n < (1u << CODE_PAGES_BITS); n++, i = (i + 1) & ((1u << CODE_PAGES_BITS) - 1)) {
        if (bc->code_pages[i].page == 0)
            return NULL;
        if (bc->code_pages[i].page == (host_page | 1))
            return &bc->code_pages[i];
    }
    return NULL;
}

static bool is_code_page(struct block_cache *bc, uint64_t host_page)
{
    return find_code_page(bc, host_page) != NULL;
}

static uint64_t entry_host_page(const struct tlb_entry *e, uint64_t tag)
{
    return ((tag & TLB_PAGE_MASK) + e->addend) & TLB_PAGE_MASK;
}

static void add_code_page(struct cpu *c, uint64_t host_page, struct block *b)
{
    struct block_cache *bc = c->bc;
    struct code_page *cp = find_code_page(bc, host_page);
    if (cp) {
        if (!b) {
            cp->whole = true;
            return;
        }
        hdr_of(b)->page_next = cp->blocks;
        cp->blocks = b;
        return;
    }
    if (bc->ncode_pages >= (1u << CODE_PAGES_BITS) / 2) {
        /* Table full: start over (rare; means a very large code footprint). */
        cpu_code_invalidate_all(c);
        return;
    }
    /* Not present: the first dropped or empty slot on its probe path will do. */
    unsigned i = code_page_slot(host_page);
    while (bc->code_pages[i].page != 0 && bc->code_pages[i].page != CODE_PAGE_GONE)
        i = (i + 1) & ((1u << CODE_PAGES_BITS) - 1);
    if (bc->code_pages[i].page == 0)
        bc->ncode_pages++;
    bc->code_pages[i].page = host_page | 1;
    bc->code_pages[i].whole = !b;
    if (b)
        hdr_of(b)->page_next = NULL;
    bc->code_pages[i].blocks = b;
    /* Writes to this memory must now take the slow path, through every alias. */
    for (unsigned m = 0; m < NUM_MMU_IDX; m++)
        for (unsigned j = 0; j < TLB_SIZE; j++) {
            struct tlb_entry *e = &c->tlbs[m][j];
            if (e->tag_w != TLB_INVALID && !(e->tag_w & TLB_MMIO) && entry_host_page(e, e->tag_w) == host_page)
                e->tag_w |= TLB_SLOW;
        }
}

static void block_cache_reset(struct cpu *c)
{
    struct block_cache *bc = c->bc;
    memset(bc->hash, 0, sizeof(bc->hash));
    memset(bc->jc, 0, sizeof(bc->jc));
    memset(bc->code_pages, 0, sizeof(bc->code_pages));
    bc->ncode_pages = 0;
    bc->ndrop = 0;
    bc->used = 0;
    bc->flush_pending = false;
    jit_reset(bc->jit);
    /* Write entries flagged slow for code pages may now be fast again. */
    for (unsigned m = 0; m < NUM_MMU_IDX; m++)
        for (unsigned i = 0; i < TLB_SIZE; i++)
            if (c->tlbs[m][i].tag_w != TLB_INVALID)
                c->tlbs[m][i].tag_w &= ~TLB_SLOW;
}

/* Invalidation is deferred to the dispatcher so that a block can never run on
 * after the memory holding it was reused. */
void cpu_code_invalidate_all(struct cpu *c)
{
    /* May be called from another vCPU's thread (broadcast maintenance). */
    __atomic_store_n(&c->bc->flush_pending, true, __ATOMIC_RELEASE);
    __atomic_store_n(&c->exit_request, 1, __ATOMIC_RELEASE);
}

/* A store of this vCPU took the slow path: if the page holds translated
 * code, only that page's blocks go, at the next dispatch (the running block
 * may be among them). */
static void code_page_written(struct cpu *c, uint64_t host_page)
{
    struct block_cache *bc = c->bc;
    struct code_page *cp = find_code_page(bc, host_page);
    if (!cp)
        return;
    if (cp->whole) {
        bc->flush_pending = true;
        c->exit_request = 1;
        return;
    }
    for (unsigned i = 0; i < bc->ndrop; i++)
        if (bc->drop_pages[i] == host_page)
            return;
    if (bc->ndrop < sizeof(bc->drop_pages) / sizeof(bc->drop_pages[0]))
        bc->drop_pages[bc->ndrop++] = host_page;
    else
        bc->flush_pending = true;
    c->exit_request = 1;
}

/* Forget the blocks of one host page: out of the hash and the jump cache.
 * Chains lead only between blocks of one page, so none leads into them from
 * a block that stays. */
static void drop_code_page(struct cpu *c, uint64_t host_page)
{
    struct block_cache *bc = c->bc;
    struct code_page *cp = find_code_page(bc, host_page);
    if (!cp)
        return;
    for (struct block *b = cp->blocks; b; b = hdr_of(b)->page_next) {
        struct block **pp = &bc->hash[block_hash(b->pc, b->ctx)];
        while (*pp && *pp != b)
            pp = &(*pp)->hash_next;
        if (*pp)
            *pp = b->hash_next;
        struct jc_entry *j = &bc->jc[jc_index(b->pc)];
        if (j->b == b)
            memset(j, 0, sizeof(*j));
    }
    cp->page = CODE_PAGE_GONE;
    cp->whole = false;
    cp->blocks = NULL;
    /* Writes to it may be fast again. */
    for (unsigned m = 0; m < NUM_MMU_IDX; m++)
        for (unsigned i = 0; i < TLB_SIZE; i++) {
            struct tlb_entry *e = &c->tlbs[m][i];
            if (e->tag_w != TLB_INVALID && (e->tag_w & TLB_SLOW) && !(e->tag_w & TLB_MMIO) &&
                entry_host_page(e, e->tag_w) == host_page)
                e->tag_w &= ~TLB_SLOW;
        }
}

void cpu_code_invalidate_host(struct cpu *c, const void *host, size_t len)
{
    uintptr_t p = (uintptr_t)host & TLB_PAGE_MASK, end = (uintptr_t)host + len;
    for (; p < end; p += TLB_PAGE_SIZE)
        if (is_code_page(c->bc, p)) {
            cpu_code_invalidate_all(c);
            return;
        }
}

void cpu_code_invalidate_range(struct cpu *c, uint64_t addr, uint64_t len)
{
    /* Conservative: any change of mapped code drops all translations. */
    (void)addr, (void)len;
    if (c->bc->ncode_pages)
        cpu_code_invalidate_all(c);
}

/* ---- exceptions ---------------------------------------------------------- */

noreturn void cpu_exit_now(struct cpu *c, enum cpu_exit r)
{
    c->exit_reason = r;
    longjmp(c->jmp, 1);
}

noreturn void cpu_raise(struct cpu *c, uint64_t pc, uint32_t ec, uint32_t iss, uint64_t far)
{
    c->pc = pc;
    c->exc.ec = ec;
    c->exc.iss = iss;
    c->exc.far = far;
    if (c->user_mode) {
        enum cpu_exit r;
        switch (ec) {
        case EC_SVC64: case EC_SVC32: r = CPU_EXIT_SVC; break;
        case EC_BRK64: case EC_BKPT32: r = CPU_EXIT_BRK; break;
        case EC_DABORT_SAME: case EC_DABORT_LOWER:
        case EC_IABORT_SAME: case EC_IABORT_LOWER: r = CPU_EXIT_FAULT; break;
        case EC_PC_ALIGN: case EC_SP_ALIGN: r = CPU_EXIT_ALIGN; break;
        default: r = CPU_EXIT_UNDEF; break;
        }
        cpu_exit_now(c, r);
    }
    sys_take_sync(c, &c->exc, pc);
    /* Continue at the vector: back to the dispatcher. */
    c->exit_reason = CPU_EXIT_NONE;
    longjmp(c->jmp, 1);
}

uint64_t uop_pc_any(const struct cpu *c, const struct uop *u)
{
    const struct block *b = c->blk;
    return b->pc + ((uint64_t)u->idx << ((b->ctx & CTX_T32) ? 1 : 2));
}

noreturn void cpu_raise_undef(struct cpu *c, const struct uop *u)
{
    cpu_raise(c, uop_pc_any(c, u), EC_UNKNOWN, 1u << 25, 0);
}

const struct uop *op_undef(struct cpu *c, const struct uop *u)
{
    cpu_raise_undef(c, u);
}

static const struct uop *op_illegal_state(struct cpu *c, const struct uop *u)
{
    cpu_raise(c, uop_pc_any(c, u), EC_ILLEGAL_STATE, 0, 0);
}

/* ---- memory slow paths --------------------------------------------------- */

/* Address used for translation (top-byte-ignore applied). */
static inline uint64_t effective_va(struct cpu *c, uint64_t va)
{
    if (c->user_mode)   /* Linux enables TBI0 for EL0 */
        return (uint64_t)((int64_t)(va << 8) >> 8);
    return sys_effective_va(c, va);
}

noreturn void cpu_raise_abort(struct cpu *c, const struct uop *u, struct exc_info *exc, uint64_t va, enum access_kind acc)
{
    if (c->probe)
        longjmp(c->jmp, 1);
    c->exc = *exc;
    c->exc.far = va;
    c->exc.access = acc;
    c->exc.insn = u ? u->insn : 0;
    uint64_t pc = u ? uop_pc_any(c, u) : c->pc;
    if (!c->user_mode)
        sys_finish_abort(c, &c->exc, pc);
    cpu_raise(c, pc, c->exc.ec, c->exc.iss, va);
}

static inline uint64_t tag_for(const struct tlb_entry *e, enum access_kind acc)
{
    return acc == ACC_WRITE ? e->tag_w : acc == ACC_EXEC ? e->tag_x : e->tag_r;
}

/* Make the TLB entry for va's page valid for acc, or raise the fault.  va is
 * the effective address. */
static struct tlb_entry *tlb_fill(struct cpu *c, const struct uop *u, uint64_t va, enum access_kind acc)
{
    struct tlb_entry *e = tlb_entry_for(c, va);
    uint64_t page = va & TLB_PAGE_MASK;
    struct tlb_entry ne = { TLB_INVALID, TLB_INVALID, TLB_INVALID, 0 };
    struct exc_info exc = { 0 };
    bool ok = c->env.tlb_fill ? c->env.tlb_fill(c, page, acc, &ne, &exc) : mmu_fill(c, va, acc, &ne, &exc);
    if (!ok)
        cpu_raise_abort(c, u, &exc, va, acc);
    if (tag_for(&ne, acc) == TLB_INVALID) {
        /* The environment mapped the page but not for this access. */
        exc.ec = acc == ACC_EXEC ? EC_IABORT_LOWER : EC_DABORT_LOWER;
        exc.perm = true;
        cpu_raise_abort(c, u, &exc, va, acc);
    }
    if (ne.tag_w != TLB_INVALID && !(ne.tag_w & TLB_MMIO) && is_code_page(c->bc, entry_host_page(&ne, ne.tag_w)))
        ne.tag_w |= TLB_SLOW;
    if (unlikely(c->dbg.armed & DBG_WATCH))
        debug_tlb_mark(c, page, &ne);
    *e = ne;
    return e;
}

/* Resolve an access that does not cross a page: a host pointer for RAM, or
 * NULL with *pa set for MMIO. */
static uint8_t *resolve(struct cpu *c, const struct uop *u, uint64_t va, enum access_kind acc, uint64_t *pa,
                        unsigned size)
{
    uint64_t orig_va = va;
    va = effective_va(c, va);
    struct tlb_entry *e = tlb_entry_for(c, va);
    uint64_t page = va & TLB_PAGE_MASK;
    uint64_t tag = tag_for(e, acc);
    if ((tag & TLB_PAGE_MASK) != page || tag == TLB_INVALID) {
        e = tlb_fill(c, u, va, acc);
        tag = tag_for(e, acc);
    }
    if (unlikely(tag & TLB_WATCH))
        debug_watch_check(c, u, orig_va, size, acc);
    if (tag & TLB_MMIO) {
        *pa = va + e->addend;
        c->mmio_va = va;
        return NULL;
    }
    if (acc == ACC_WRITE && (tag & TLB_SLOW))
        code_page_written(c, entry_host_page(e, tag));
    return (uint8_t *)(uintptr_t)(va + e->addend);
}

/* MMIO with restartable exits: the first time an instruction reaches an MMIO
 * access, the CPU exits to the VMM with the access described in c->mmio and
 * the pc at the instruction.  The VMM performs it and the instruction is
 * re-executed alone, its MMIO accesses served from mmio_done in order. */
static uint64_t mmio_access(struct cpu *c, const struct uop *u, uint64_t pa, unsigned size, bool write, uint64_t val)
{
    if (c->mmio_nused < c->mmio_ndone) {
        struct mmio_access *d = &c->mmio_done[c->mmio_nused++];
        if (d->pa == pa && d->size == size && d->write == write) {
            if (d->abort) {
                c->mmio_ndone = c->mmio_nused = 0;
                struct exc_info exc = { .ec = EC_DABORT_LOWER, .iss = FSC_SYNC_EXTERNAL };
                cpu_raise_abort(c, u, &exc, c->mmio_va, write ? ACC_WRITE : ACC_READ);
            }
            return d->data;
        }
        /* Divergent replay (guest memory changed under us): start afresh. */
        c->mmio_ndone = c->mmio_nused = 0;
    }
    if (c->mmio_ndone >= MMIO_REPLAY_MAX) {
        struct exc_info exc = { .ec = EC_DABORT_LOWER, .iss = 0x10 };
        cpu_raise_abort(c, u, &exc, pa, write ? ACC_WRITE : ACC_READ);
    }
    c->mmio.pa = pa;
    c->mmio.size = (uint8_t)size;
    c->mmio.write = write;
    c->mmio.abort = false;
    c->mmio.data = write ? val : 0;
    c->pc = u ? uop_pc_any(c, u) : c->pc;
    cpu_exit_now(c, CPU_EXIT_MMIO);
}

void cpu_mmio_abort(struct cpu *c)
{
    struct mmio_access d = c->mmio;
    d.abort = true;
    c->mmio_done[c->mmio_ndone++] = d;
}

void cpu_mmio_complete(struct cpu *c, uint64_t data)
{
    struct mmio_access d = c->mmio;
    if (!d.write)
        d.data = d.size == 8 ? data : data & ((1ull << (d.size * 8)) - 1);
    c->mmio_done[c->mmio_ndone++] = d;
}

static uint64_t load_bytes(struct cpu *c, const struct uop *u, uint64_t va, unsigned size)
{
    uint64_t pa = 0, v = 0;
    uint8_t *p = resolve(c, u, va, ACC_READ, &pa, size);
    if (p)
        memcpy(&v, p, size);
    else
        v = mmio_access(c, u, pa, size, false, 0);
    return v;
}

static void store_bytes(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, uint64_t val)
{
    uint64_t pa = 0;
    uint8_t *p = resolve(c, u, va, ACC_WRITE, &pa, size);
    if (p)
        memcpy(p, &val, size);
    else
        (void)mmio_access(c, u, pa, size, true, val);
}

uint64_t mem_ld_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size)
{
    unsigned off = (unsigned)(effective_va(c, va) & ~TLB_PAGE_MASK);
    if (off + size <= TLB_PAGE_SIZE)
        return load_bytes(c, u, va, size);
    /* Crossing a page: both translations are checked before anything is read. */
    unsigned n0 = (unsigned)TLB_PAGE_SIZE - off;
    uint64_t pa = 0;
    (void)resolve(c, u, va + n0, ACC_READ, &pa, size - n0);
    uint64_t lo = 0, hi = 0;
    for (unsigned i = 0; i < n0; i++)
        lo |= load_bytes(c, u, va + i, 1) << (8 * i);
    for (unsigned i = n0; i < size; i++)
        hi |= load_bytes(c, u, va + i, 1) << (8 * (i - n0));
    return lo | hi << (8 * n0);
}

void mem_st_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, uint64_t val)
{
    unsigned off = (unsigned)(effective_va(c, va) & ~TLB_PAGE_MASK);
    if (off + size <= TLB_PAGE_SIZE) {
        store_bytes(c, u, va, size, val);
        return;
    }
    unsigned n0 = (unsigned)TLB_PAGE_SIZE - off;
    uint64_t pa = 0;
    (void)resolve(c, u, va, ACC_WRITE, &pa, n0);
    (void)resolve(c, u, va + n0, ACC_WRITE, &pa, size - n0);
    for (unsigned i = 0; i < size; i++)
        store_bytes(c, u, va + i, 1, val >> (8 * i));
}

void *mem_ptr_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, enum access_kind acc)
{
    if (((effective_va(c, va) & ~TLB_PAGE_MASK) + size) > TLB_PAGE_SIZE) {
        /* Callers align first; a crossing access here is an alignment fault. */
        struct exc_info exc = { .ec = EC_DABORT_LOWER, .iss = 0x21 };
        cpu_raise_abort(c, u, &exc, va, acc);
    }
    uint64_t pa = 0;
    if (acc == ACC_WRITE)
        (void)resolve(c, u, va, ACC_READ, &pa, size);
    uint8_t *p = resolve(c, u, va, acc, &pa, size);
    if (!p) {
        /* Atomics and cache-line operations on devices: external abort. */
        struct exc_info exc = { .ec = EC_DABORT_LOWER, .iss = 0x10 };
        cpu_raise_abort(c, u, &exc, va, acc);
    }
    return p;
}

static void copy_guest(struct cpu *c, uint64_t va, uint8_t *buf, size_t len, enum access_kind acc)
{
    while (len) {
        uint64_t off = effective_va(c, va) & ~TLB_PAGE_MASK;
        size_t n = TLB_PAGE_SIZE - off < len ? TLB_PAGE_SIZE - off : len;
        uint64_t pa;
        uint8_t *p = resolve(c, NULL, va, acc, &pa, (unsigned)n);
        if (!p)
            longjmp(c->jmp, 1);
        if (acc == ACC_WRITE)
            memcpy(p, buf, n);
        else
            memcpy(buf, p, n);
        buf += n, va += n, len -= n;
    }
}

/* Guest memory access from outside the run loop: faults become false and
 * leave the CPU state untouched. */
static bool copy_guest_checked(struct cpu *c, uint64_t va, uint8_t *buf, size_t len, enum access_kind acc)
{
    jmp_buf saved;
    memcpy(saved, c->jmp, sizeof(saved));
    enum cpu_exit saved_reason = c->exit_reason;
    uint64_t saved_pc = c->pc;
    struct exc_info saved_exc = c->exc;
    bool saved_probe = c->probe;
    bool ok = false;
    c->probe = true;
    if (!setjmp(c->jmp)) {
        copy_guest(c, va, buf, len, acc);
        ok = true;
    }
    memcpy(c->jmp, saved, sizeof(saved));
    c->exit_reason = saved_reason;
    c->pc = saved_pc;
    c->exc = saved_exc;
    c->probe = saved_probe;
    return ok;
}

bool cpu_mem_read(struct cpu *c, uint64_t va, void *buf, size_t len)
{
    return copy_guest_checked(c, va, buf, len, ACC_READ);
}

bool cpu_mem_write(struct cpu *c, uint64_t va, const void *buf, size_t len)
{
    return copy_guest_checked(c, va, (uint8_t *)(uintptr_t)buf, len, ACC_WRITE);
}

/* ---- translation --------------------------------------------------------- */

struct uop *emit(struct xlat *x, uop_fn fn)
{
    if (x->nuops >= x->cap) {
        fprintf(stderr, "nestvm: internal error: block uop buffer overflow\n");
        abort();
    }
    struct uop *u = &x->uops[x->nuops++];
    memset(u, 0, sizeof(*u));
    u->fn = fn;
    u->idx = (uint16_t)x->idx;
    u->insn = x->insn;
    return u;
}

/* Translation context: the state that translation depends on.  a32.ctx is
 * zero in AArch64 (execution state is part of the context, so AArch32
 * blocks never meet the A64 decoder). */
static inline uint32_t current_ctx(struct cpu *c)
{
    return (c->user_mode ? (CTX_USER | CTX_FP_OK) : sys_ctx(c)) | c->a32.ctx;
}

/* Instruction fetch translation: host address of the page holding pc, or
 * NULL if the fetch faults (exc filled). */
static uint8_t *fetch_page(struct cpu *c, uint64_t pc, struct exc_info *exc)
{
    uint64_t page = pc & TLB_PAGE_MASK;
    struct tlb_entry *e = tlb_entry_for(c, pc);
    if (e->tag_x != page) {
        struct tlb_entry ne = { TLB_INVALID, TLB_INVALID, TLB_INVALID, 0 };
        bool ok = c->env.tlb_fill ? c->env.tlb_fill(c, page, ACC_EXEC, &ne, exc) : mmu_fill(c, pc, ACC_EXEC, &ne, exc);
        if (!ok)
            return NULL;
        if (ne.tag_x != page) {   /* not executable, or device memory */
            exc->ec = EC_IABORT_LOWER;
            exc->perm = true;
            exc->iss = exc->iss ? exc->iss : 0x0f;
            return NULL;
        }
        if (ne.tag_w != TLB_INVALID && !(ne.tag_w & TLB_MMIO) && is_code_page(c->bc, entry_host_page(&ne, ne.tag_w)))
            ne.tag_w |= TLB_SLOW;
        if (unlikely(c->dbg.armed & DBG_WATCH))
            debug_tlb_mark(c, page, &ne);
        *e = ne;
    }
    return (uint8_t *)(uintptr_t)(page + e->addend);
}

const uint8_t *xlat_fetch_page(struct xlat *x, uint64_t va)
{
    struct cpu *c = x->cpu;
    struct exc_info exc = { 0 };
    uint8_t *host = fetch_page(c, va, &exc);
    if (!host) {
        c->pc = x->pc;
        cpu_raise_abort(c, NULL, &exc, va, ACC_EXEC);
    }
    add_code_page(c, (uintptr_t)host, NULL);
    return host;
}

static struct block *translate(struct cpu *c, uint64_t pc, uint32_t ctx, unsigned max_insns, bool cache)
{
    struct block_cache *bc = c->bc;
    struct exc_info exc = { 0 };
    uint8_t *host = fetch_page(c, pc, &exc);
    if (!host) {
        c->pc = pc;
        cpu_raise_abort(c, NULL, &exc, pc, ACC_EXEC);
    }
    struct xlat x = { .cpu = c, .block_pc = pc, .ctx = ctx, .uops = bc->scratch,
                      .cap = sizeof(bc->scratch) / sizeof(bc->scratch[0]) };
    unsigned off = (unsigned)(pc & ~TLB_PAGE_MASK);
    unsigned n = 0;
    if (unlikely(ctx & CTX_IL)) {
        /* PSTATE.IL (after an illegal exception return): the next
         * instruction, in either execution state, takes an Illegal
         * Execution state exception (CheckIllegalState). */
        x.pc = pc;
        emit(&x, op_illegal_state);
        n = 1;
    } else if (ctx & CTX_A32)
        n = a32_translate(&x, host, off, max_insns);
    else for (;;) {
        uint32_t insn;
        memcpy(&insn, host + off + 4 * n, 4);
        x.pc = pc + 4ull * n;
        x.insn = insn;
        x.idx = n;
        unsigned before = x.nuops;
        if (!a64_decode(&x, insn)) {
            x.nuops = before;
            emit(&x, op_undef);
            x.end = true;
        }
        n++;
        if (x.end)
            break;
        if (off + 4 * n >= TLB_PAGE_SIZE || n >= max_insns || x.cap - x.nuops < 16) {
            x.idx = n - 1;
            struct uop *g = emit(&x, op_goto);
            g->imm = pc + 4ull * n;
            break;
        }
    }
    size_t sz = sizeof(struct block) + x.nuops * sizeof(struct uop);
    sz = (sz + 63) & ~(size_t)63;
    struct block *b;
    if (!cache) {
        b = (struct block *)bc->single;
    } else {
        size_t off = (bc->used + sizeof(struct block_hdr) + 63) & ~(size_t)63;
        if (off + sz > ARENA_SIZE) {
            block_cache_reset(c);
            off = 64;
        }
        b = (struct block *)(bc->arena + off);
        bc->used = off + sz;
    }
    b->pc = pc;
    b->ctx = ctx;
    b->host_page = (uintptr_t)host;
    b->ninsn = n;
    b->nuops = x.nuops;
    b->chain[0] = b->chain[1] = NULL;
    memcpy(b->uops, x.uops, x.nuops * sizeof(struct uop));
    b->code = cache ? jit_block(bc->jit, b) : NULL;
    b->exec = b->code ? code_exec : interp_exec;
    if (cache) {
        unsigned h = block_hash(pc, ctx);
        b->hash_next = bc->hash[h];
        bc->hash[h] = b;
        add_code_page(c, (uintptr_t)host, b);
    }
    return b;
}

/* Find the translated block for (pc, ctx).  In system mode a block is only
 * valid for the physical memory it was translated from: the page pc maps to
 * now must be the block's.  An instruction TLB entry evicted by data accesses
 * is refilled here rather than reported as a miss, which would translate
 * the block again; blocks of other memory at the same pc (another process)
 * stay in the hash and are found by their host page. */
static inline struct block *lookup(struct cpu *c, uint64_t pc, uint32_t ctx)
{
    struct block_cache *bc = c->bc;
    struct jc_entry *j = &bc->jc[jc_index(pc)];
    uintptr_t host_page = 0;
    if (!c->user_mode) {
        struct tlb_entry *e = tlb_entry_for(c, pc);
        if (unlikely(e->tag_x != (pc & TLB_PAGE_MASK))) {
            struct exc_info exc = { 0 };
            if (!fetch_page(c, pc, &exc))
                return NULL;    /* translate() raises the abort */
        }
        host_page = (uintptr_t)((pc & TLB_PAGE_MASK) + e->addend);
    }
    if (likely(j->b && j->pc == pc && j->ctx == ctx && (c->user_mode || j->host_page == host_page)))
        return j->b;
    struct block *b;
    for (b = bc->hash[block_hash(pc, ctx)]; b; b = b->hash_next)
        if (b->pc == pc && b->ctx == ctx && (c->user_mode || b->host_page == host_page))
            break;
    if (!b)
        return NULL;
    *j = (struct jc_entry){ pc, b->host_page, b, ctx };
    return b;
}

const struct uop *chain_to(struct cpu *c, uint64_t pc, int slot)
{
    c->pc = pc;
    if (unlikely(c->exit_request))
        return NULL;
    struct block *cur = (struct block *)c->blk;
    struct block *n;
    if (slot >= 0) {
        n = cur->chain[slot];
        if (likely(n != NULL && n->pc == pc)) {
            c->blk = n;
            return n->uops;
        }
    }
    n = lookup(c, pc, cur->ctx);
    if (!n)
        return NULL;
    if (slot >= 0 && ((pc ^ cur->pc) & TLB_PAGE_MASK) == 0)
        cur->chain[slot] = n;
    c->blk = n;
    return n->uops;
}

const struct uop *op_goto(struct cpu *c, const struct uop *u)
{
    return chain_direct(c, u->imm, 0);
}

/* Translation state changed (EL, MMU regime, ...): leave the block. */
const struct uop *op_goto_nochain(struct cpu *c, const struct uop *u)
{
    c->pc = u->imm;
    return NULL;
}

enum cpu_exit cpu_run(struct cpu *c)
{
    c->exit_reason = CPU_EXIT_NONE;
    if (setjmp(c->jmp)) {
        if (c->exit_reason != CPU_EXIT_NONE)
            return c->exit_reason;
    }
    for (;;) {
        if (unlikely(c->exit_request)) {
            c->exit_request = 0;
            if (c->bc->flush_pending) {
                block_cache_reset(c);
            } else {
                for (unsigned i = 0; i < c->bc->ndrop; i++)
                    drop_code_page(c, c->bc->drop_pages[i]);
                c->bc->ndrop = 0;
            }
            uint32_t flush = __atomic_exchange_n(&c->tlb_flush_request, 0, __ATOMIC_ACQ_REL);
            if (flush)
                cpu_tlb_flush_mmu_idx(c, flush);
            if (c->external_exit) {
                c->external_exit = 0;
                c->exit_reason = CPU_EXIT_REQUEST;
                return CPU_EXIT_REQUEST;
            }
            if (!c->user_mode)
                sys_check_interrupts(c);
        }
        uint32_t ctx = current_ctx(c);
        struct block *b;
        if (unlikely(c->mmio_ndone)) {
            /* Finish the instruction whose MMIO accesses were performed. */
            c->mmio_nused = 0;
            b = translate(c, c->pc, ctx, 1, false);
            c->blk = b;
            const struct uop *u = b->uops;
            c->exit_request = 1;   /* return to the dispatcher after it */
            while ((u = u->fn(c, u)))
                ;
            c->mmio_ndone = c->mmio_nused = 0;
            continue;
        }
        b = lookup(c, c->pc, ctx);
        if (!b)
            b = translate(c, c->pc, ctx, BLOCK_MAX_INSNS, true);
        c->blk = b;
        b->exec(c, b);
    }
}
