/* The executor: block cache, translation loop, dispatcher, memory slow paths
 * and exception plumbing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "uop.h"

#define BLOCK_HASH_BITS 16
#define JC_BITS 12
#define ARENA_SIZE (64u << 20)
#define CODE_PAGES_BITS 12

struct block_cache {
    struct block *hash[1u << BLOCK_HASH_BITS];
    struct block *jc[1u << JC_BITS];   /* direct-mapped front of the hash */
    uint8_t *arena;
    size_t used;
    /* Pages holding translated code (open addressing, 0 = empty, page | 1). */
    uint64_t code_pages[1u << CODE_PAGES_BITS];
    unsigned ncode_pages;
    bool flush_pending;
    struct uop scratch[BLOCK_MAX_INSNS * 8];
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

static void interp_exec(struct cpu *c, const struct block *b)
{
    const struct uop *u = b->uops;
    while ((u = u->fn(c, u)))
        ;
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
    cpu_tlb_flush(c);
    return c;
}

void cpu_free(struct cpu *c)
{
    if (!c)
        return;
    munmap(c->bc->arena, ARENA_SIZE);
    free(c->bc);
    free(c);
}

void cpu_request_exit(struct cpu *c)
{
    __atomic_store_n(&c->external_exit, 1, __ATOMIC_RELEASE);
    __atomic_store_n(&c->exit_request, 1, __ATOMIC_RELEASE);
}

/* ---- TLB ----------------------------------------------------------------- */

void cpu_tlb_flush(struct cpu *c)
{
    for (unsigned i = 0; i < TLB_SIZE; i++) {
        c->tlb[i].tag_r = c->tlb[i].tag_w = c->tlb[i].tag_x = TLB_INVALID;
        c->tlb[i].addend = 0;
    }
}

void cpu_tlb_flush_page(struct cpu *c, uint64_t va)
{
    struct tlb_entry *e = tlb_entry_for(c, va);
    if ((e->tag_r & TLB_PAGE_MASK) == (va & TLB_PAGE_MASK) || (e->tag_w & TLB_PAGE_MASK) == (va & TLB_PAGE_MASK) ||
        (e->tag_x & TLB_PAGE_MASK) == (va & TLB_PAGE_MASK))
        e->tag_r = e->tag_w = e->tag_x = TLB_INVALID;
}

/* ---- code pages ---------------------------------------------------------- */

static unsigned code_page_slot(uint64_t page)
{
    return (unsigned)((page >> TLB_PAGE_BITS) * 0x9E3779B97F4A7C15ull >> (64 - CODE_PAGES_BITS));
}

static bool is_code_page(struct block_cache *bc, uint64_t page)
{
    for (unsigned i = code_page_slot(page), n = 0; n < (1u << CODE_PAGES_BITS); n++, i = (i + 1) & ((1u << CODE_PAGES_BITS) - 1)) {
        if (bc->code_pages[i] == 0)
            return false;
        if (bc->code_pages[i] == (page | 1))
            return true;
    }
    return false;
}

static void add_code_page(struct cpu *c, uint64_t page)
{
    struct block_cache *bc = c->bc;
    if (is_code_page(bc, page))
        return;
    if (bc->ncode_pages >= (1u << CODE_PAGES_BITS) / 2) {
        /* Table full: start over (rare; means a very large code footprint). */
        bc->flush_pending = true;
        c->exit_request = 1;
        return;
    }
    unsigned i = code_page_slot(page);
    while (bc->code_pages[i])
        i = (i + 1) & ((1u << CODE_PAGES_BITS) - 1);
    bc->code_pages[i] = page | 1;
    bc->ncode_pages++;
    /* Writes to this page must now take the slow path. */
    struct tlb_entry *e = tlb_entry_for(c, page);
    if (e->tag_w == page)
        e->tag_w = page | TLB_SLOW;
}

static void block_cache_reset(struct cpu *c)
{
    struct block_cache *bc = c->bc;
    memset(bc->hash, 0, sizeof(bc->hash));
    memset(bc->jc, 0, sizeof(bc->jc));
    memset(bc->code_pages, 0, sizeof(bc->code_pages));
    bc->ncode_pages = 0;
    bc->used = 0;
    bc->flush_pending = false;
    /* Write entries flagged slow for code pages may now be fast again. */
    for (unsigned i = 0; i < TLB_SIZE; i++)
        if (c->tlb[i].tag_w != TLB_INVALID)
            c->tlb[i].tag_w &= ~TLB_SLOW;
}

/* Invalidation is deferred to the dispatcher so that a block can never run on
 * after the memory holding it was reused. */
void cpu_code_invalidate_all(struct cpu *c)
{
    c->bc->flush_pending = true;
    c->exit_request = 1;
}

void cpu_code_invalidate_range(struct cpu *c, uint64_t addr, uint64_t len)
{
    for (uint64_t p = addr & TLB_PAGE_MASK; p < addr + len; p += TLB_PAGE_SIZE) {
        if (is_code_page(c->bc, p)) {
            cpu_code_invalidate_all(c);
            return;
        }
        if (p + TLB_PAGE_SIZE < p)
            break;
    }
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
        case EC_SVC64: r = CPU_EXIT_SVC; break;
        case EC_BRK64: r = CPU_EXIT_BRK; break;
        case EC_DABORT_SAME: case EC_DABORT_LOWER:
        case EC_IABORT_SAME: case EC_IABORT_LOWER: r = CPU_EXIT_FAULT; break;
        case EC_PC_ALIGN: case EC_SP_ALIGN: r = CPU_EXIT_ALIGN; break;
        default: r = CPU_EXIT_UNDEF; break;
        }
        cpu_exit_now(c, r);
    }
    /* System mode: exception entry is added with the system emulation. */
    cpu_exit_now(c, CPU_EXIT_UNDEF);
}

noreturn void cpu_raise_undef(struct cpu *c, const struct uop *u)
{
    cpu_raise(c, uop_pc(c, u), EC_UNKNOWN, 1u << 25, 0);
}

const struct uop *op_undef(struct cpu *c, const struct uop *u)
{
    cpu_raise_undef(c, u);
}

/* ---- memory slow paths --------------------------------------------------- */

/* Address used for translation: user mode has the top byte ignored (Linux
 * enables TBI0 for EL0), so bits 63:56 are replaced by bit 55's value. */
static uint64_t effective_va(struct cpu *c, uint64_t va)
{
    (void)c;
    return (uint64_t)((int64_t)(va << 8) >> 8);
}

static noreturn void raise_abort(struct cpu *c, const struct uop *u, struct exc_info *exc, uint64_t va, enum access_kind acc)
{
    c->exc = *exc;
    c->exc.far = va;
    c->exc.access = acc;
    cpu_raise(c, u ? uop_pc(c, u) : c->pc, exc->ec, exc->iss, va);
}

/* Make the TLB entry for va's page valid for acc; raise on fault. Returns the
 * entry.  va must already be the effective address. */
static struct tlb_entry *tlb_fill(struct cpu *c, const struct uop *u, uint64_t va, enum access_kind acc)
{
    struct tlb_entry *e = tlb_entry_for(c, va);
    uint64_t page = va & TLB_PAGE_MASK;
    struct tlb_entry ne = { TLB_INVALID, TLB_INVALID, TLB_INVALID, 0 };
    struct exc_info exc = { 0 };
    if (!c->env.tlb_fill(c, page, acc, &ne, &exc))
        raise_abort(c, u, &exc, va, acc);
    if (ne.tag_w != TLB_INVALID && is_code_page(c->bc, page))
        ne.tag_w = page | TLB_SLOW;
    *e = ne;
    return e;
}

static uint8_t *host_ptr(struct cpu *c, const struct uop *u, uint64_t va, enum access_kind acc)
{
    va = effective_va(c, va);
    struct tlb_entry *e = tlb_entry_for(c, va);
    uint64_t page = va & TLB_PAGE_MASK;
    uint64_t tag = acc == ACC_WRITE ? e->tag_w : acc == ACC_EXEC ? e->tag_x : e->tag_r;
    if ((tag & ~TLB_SLOW) != page) {
        e = tlb_fill(c, u, va, acc);
        tag = acc == ACC_WRITE ? e->tag_w : acc == ACC_EXEC ? e->tag_x : e->tag_r;
        if ((tag & ~TLB_SLOW) != page) {
            struct exc_info exc = { .ec = acc == ACC_EXEC ? EC_IABORT_LOWER : EC_DABORT_LOWER, .perm = true };
            raise_abort(c, u, &exc, va, acc);
        }
    }
    if (acc == ACC_WRITE && (tag & TLB_SLOW) && is_code_page(c->bc, page))
        cpu_code_invalidate_all(c);
    return (uint8_t *)(uintptr_t)(va + e->addend);
}

uint64_t mem_ld_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size)
{
    uint64_t v = 0;
    if (((effective_va(c, va) & ~TLB_PAGE_MASK) + size) <= TLB_PAGE_SIZE) {
        memcpy(&v, host_ptr(c, u, va, ACC_READ), size);
        return v;
    }
    /* Crossing a page: check both pages before reading anything. */
    uint8_t *p0 = host_ptr(c, u, va, ACC_READ);
    unsigned n0 = (unsigned)(TLB_PAGE_SIZE - (effective_va(c, va) & ~TLB_PAGE_MASK));
    uint8_t *p1 = host_ptr(c, u, va + n0, ACC_READ);
    uint8_t buf[16];
    memcpy(buf, p0, n0);
    memcpy(buf + n0, p1, size - n0);
    memcpy(&v, buf, size);
    return v;
}

void mem_st_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, uint64_t val)
{
    if (((effective_va(c, va) & ~TLB_PAGE_MASK) + size) <= TLB_PAGE_SIZE) {
        memcpy(host_ptr(c, u, va, ACC_WRITE), &val, size);
        return;
    }
    unsigned n0 = (unsigned)(TLB_PAGE_SIZE - (effective_va(c, va) & ~TLB_PAGE_MASK));
    uint8_t *p0 = host_ptr(c, u, va, ACC_WRITE);
    uint8_t *p1 = host_ptr(c, u, va + n0, ACC_WRITE);
    uint8_t buf[8];
    memcpy(buf, &val, size);
    memcpy(p0, buf, n0);
    memcpy(p1, buf + n0, size - n0);
}

void *mem_ptr_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, enum access_kind acc)
{
    if (((effective_va(c, va) & ~TLB_PAGE_MASK) + size) > TLB_PAGE_SIZE) {
        /* Callers align first; a crossing access here is an alignment fault. */
        struct exc_info exc = { .ec = EC_DABORT_LOWER, .iss = 0x21 };
        raise_abort(c, u, &exc, va, acc);
    }
    if (acc == ACC_WRITE)
        (void)host_ptr(c, u, va, ACC_READ);
    return host_ptr(c, u, va, acc);
}

static void copy_guest(struct cpu *c, uint64_t va, uint8_t *buf, size_t len, enum access_kind acc)
{
    while (len) {
        uint64_t off = effective_va(c, va) & ~TLB_PAGE_MASK;
        size_t n = TLB_PAGE_SIZE - off < len ? TLB_PAGE_SIZE - off : len;
        uint8_t *p = host_ptr(c, NULL, va, acc);
        if (acc == ACC_WRITE)
            memcpy(p, buf, n);
        else
            memcpy(buf, p, n);
        buf += n, va += n, len -= n;
    }
}

/* Guest memory access from outside the run loop: faults become false. */
static bool copy_guest_checked(struct cpu *c, uint64_t va, uint8_t *buf, size_t len, enum access_kind acc)
{
    jmp_buf saved;
    memcpy(saved, c->jmp, sizeof(saved));
    enum cpu_exit saved_reason = c->exit_reason;
    uint64_t saved_pc = c->pc;
    struct exc_info saved_exc = c->exc;
    bool ok = false;
    if (!setjmp(c->jmp)) {
        copy_guest(c, va, buf, len, acc);
        ok = true;
    }
    memcpy(c->jmp, saved, sizeof(saved));
    c->exit_reason = saved_reason;
    c->pc = saved_pc;
    c->exc = saved_exc;
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

static unsigned block_hash(uint64_t pc, uint32_t ctx)
{
    return (unsigned)(((pc >> 2) ^ ctx) * 0x9E3779B97F4A7C15ull >> (64 - BLOCK_HASH_BITS));
}

static unsigned jc_index(uint64_t pc)
{
    return (unsigned)(pc >> 2) & ((1u << JC_BITS) - 1);
}

/* Fetch an instruction; false if the fetch would fault. */
static bool fetch(struct cpu *c, uint64_t pc, uint32_t *insn)
{
    struct tlb_entry *e = tlb_entry_for(c, pc);
    if (e->tag_x != (pc & TLB_PAGE_MASK)) {
        struct tlb_entry ne = { TLB_INVALID, TLB_INVALID, TLB_INVALID, 0 };
        struct exc_info exc = { 0 };
        if (!c->env.tlb_fill(c, pc & TLB_PAGE_MASK, ACC_EXEC, &ne, &exc) || ne.tag_x != (pc & TLB_PAGE_MASK))
            return false;
        if (ne.tag_w != TLB_INVALID && is_code_page(c->bc, pc & TLB_PAGE_MASK))
            ne.tag_w |= TLB_SLOW;
        *e = ne;
    }
    memcpy(insn, (void *)(uintptr_t)(pc + e->addend), 4);
    return true;
}

static struct block *translate(struct cpu *c, uint64_t pc, uint32_t ctx)
{
    struct block_cache *bc = c->bc;
    if (pc & 3)
        cpu_raise(c, pc, EC_PC_ALIGN, 0, pc);
    uint32_t insn;
    if (!fetch(c, pc, &insn)) {
        struct exc_info exc = { .ec = EC_IABORT_LOWER };
        raise_abort(c, NULL, &exc, pc, ACC_EXEC);
    }
    struct xlat x = { .cpu = c, .block_pc = pc, .uops = bc->scratch, .cap = sizeof(bc->scratch) / sizeof(bc->scratch[0]) };
    uint64_t page = pc & TLB_PAGE_MASK;
    unsigned n = 0;
    for (;;) {
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
        uint64_t next = pc + 4ull * n;
        if ((next & TLB_PAGE_MASK) != page || n >= BLOCK_MAX_INSNS || x.cap - x.nuops < 16 ||
            !fetch(c, next, &insn)) {
            x.idx = n - 1;
            struct uop *g = emit(&x, op_goto);
            g->imm = next;
            break;
        }
    }
    size_t sz = sizeof(struct block) + x.nuops * sizeof(struct uop);
    sz = (sz + 63) & ~(size_t)63;
    if (bc->used + sz > ARENA_SIZE) {
        block_cache_reset(c);
        add_code_page(c, page);
    }
    struct block *b = (struct block *)(bc->arena + bc->used);
    bc->used += sz;
    b->pc = pc;
    b->ctx = ctx;
    b->ninsn = n;
    b->nuops = x.nuops;
    b->chain[0] = b->chain[1] = NULL;
    b->exec = interp_exec;
    memcpy(b->uops, x.uops, x.nuops * sizeof(struct uop));
    unsigned h = block_hash(pc, ctx);
    b->hash_next = bc->hash[h];
    bc->hash[h] = b;
    add_code_page(c, page);
    return b;
}

static inline struct block *lookup(struct cpu *c, uint64_t pc, uint32_t ctx)
{
    struct block_cache *bc = c->bc;
    struct block *b = bc->jc[jc_index(pc)];
    if (likely(b && b->pc == pc && b->ctx == ctx))
        return b;
    for (b = bc->hash[block_hash(pc, ctx)]; b; b = b->hash_next)
        if (b->pc == pc && b->ctx == ctx)
            break;
    if (b)
        bc->jc[jc_index(pc)] = b;
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
    if (!n || n->exec != interp_exec)
        return NULL;
    if (slot >= 0 && ((pc ^ cur->pc) & TLB_PAGE_MASK) == 0)
        cur->chain[slot] = n;
    c->blk = n;
    return n->uops;
}

const struct uop *op_goto(struct cpu *c, const struct uop *u)
{
    return chain_to(c, u->imm, 0);
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
            if (c->bc->flush_pending)
                block_cache_reset(c);
            if (c->external_exit) {
                c->external_exit = 0;
                c->exit_reason = CPU_EXIT_REQUEST;
                return CPU_EXIT_REQUEST;
            }
        }
        struct block *b = lookup(c, c->pc, 0);
        if (!b)
            b = translate(c, c->pc, 0);
        c->blk = b;
        b->exec(c, b);
    }
}
