/* Inside the CPU: micro-ops, blocks, the translator context and the memory
 * fast paths shared by all instruction classes.
 *
 * Model: a guest basic block is translated once into an array of struct uop.
 * Each uop carries a handler and its operands, already extracted and
 * specialised at translation time (register 31 resolved to XZR or SP, sizes
 * and shifts chosen), so the executor is a tight loop of indirect calls:
 *
 *     while ((u = u->fn(c, u)));
 *
 * A handler returns the next uop: u + 1 normally, the first uop of a chained
 * block after a branch, or NULL to go back to the dispatcher.  A handler that
 * faults calls cpu_raise*() which longjmps out of the block.
 *
 * Conventions for trans_ functions (one per decode pattern, see *.decode):
 *   - return false if the encoding is unallocated; the decoder then tries
 *     later patterns and finally makes the instruction UNDEFINED;
 *   - emit one or more uops with emit(); set x->end for instructions that may
 *     change the pc or the translation context (branches, exceptions, ...);
 *   - use rx/rsp/wx/wsp to map register numbers to slots.
 */
#ifndef NESTVM_UOP_H
#define NESTVM_UOP_H

#include <stdnoreturn.h>
#include <string.h>

#include "cpu.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

struct uop;
typedef const struct uop *(*uop_fn)(struct cpu *c, const struct uop *u);

struct uop {
    uop_fn fn;
    uint64_t imm;       /* immediate / target / precomputed constant */
    uint32_t insn;      /* raw instruction, for handlers that re-read fields */
    uint8_t a, b, c, d; /* operands: usually rd, rn, rm, ra slots */
    uint16_t idx;       /* instruction index within the block */
    uint8_t e, f;       /* small extra operands (shift, size, cond ...) */
};

#define BLOCK_MAX_INSNS 128

struct block {
    uint64_t pc;            /* guest VA of the first instruction */
    uintptr_t host_page;    /* host address of the guest page it came from */
    uint32_t ctx;           /* translation context (0 in user mode) */
    uint32_t ninsn, nuops;
    struct block *hash_next;
    /* Direct successors, chained lazily; only within the same guest page so
     * that invalidating a page drops every chain into it. */
    struct block *chain[2];
    /* Swappable executor: the interpreter, or generated host code (code). */
    void (*exec)(struct cpu *c, const struct block *b);
    const void *code;
    struct uop uops[];
};

struct xlat {
    struct cpu *cpu;
    uint64_t pc;        /* pc of the instruction being translated */
    uint64_t block_pc;
    uint32_t ctx;       /* translation context (system mode: EL, regime ...) */
    uint32_t insn;
    unsigned idx;       /* its index in the block (T32: halfwords from the start) */
    /* T32: ITSTATE of the instruction being translated; an IT instruction
     * sets it_next to the state of the next one, with bit 8 set. */
    uint16_t it, it_next;
    bool end;           /* set: the block ends after this instruction */
    unsigned nuops;
    struct uop *uops;   /* scratch buffer */
    unsigned cap;
};

/* Append a uop for the current instruction (fields zeroed, idx/insn set). */
struct uop *emit(struct xlat *x, uop_fn fn);

/* Register slot mapping. */
static inline uint8_t rx(unsigned r) { return (uint8_t)r; }                     /* 31 = XZR */
static inline uint8_t rsp(unsigned r) { return r == 31 ? REG_SP : (uint8_t)r; } /* 31 = SP */
static inline uint8_t wx(unsigned r) { return r == 31 ? REG_SINK : (uint8_t)r; }
static inline uint8_t wsp(unsigned r) { return r == 31 ? REG_SP : (uint8_t)r; }

/* pc of the instruction a uop belongs to, for A64 handlers. */
static inline uint64_t uop_pc(const struct cpu *c, const struct uop *u)
{
    return c->blk->pc + 4ull * u->idx;
}
/* The same in any execution state (T32 blocks count idx in halfwords), for
 * paths shared with AArch32: faults, MMIO, debug. */
uint64_t uop_pc_any(const struct cpu *c, const struct uop *u);

/* ---- exceptions ---------------------------------------------------------- */

/* Raise a synchronous exception for the instruction of u with preferred
 * return address pc.  Never returns (longjmps to the run loop). */
noreturn void cpu_raise(struct cpu *c, uint64_t pc, uint32_t ec, uint32_t iss, uint64_t far);
noreturn void cpu_raise_undef(struct cpu *c, const struct uop *u);
/* Raise the abort a translation reported in exc for an access of u to va
 * (as a load or store of u would: sys_finish_abort, then the exception). */
noreturn void cpu_raise_abort(struct cpu *c, const struct uop *u, struct exc_info *exc, uint64_t va,
                              enum access_kind acc);
/* Leave the run loop with reason r, with c->pc already set. */
noreturn void cpu_exit_now(struct cpu *c, enum cpu_exit r);

/* ---- condition codes ----------------------------------------------------- */

extern const uint16_t cond_table[16];
static inline bool cond_holds(uint32_t nzcv, unsigned cond)
{
    return cond_table[cond] >> (nzcv >> 28) & 1;
}

static inline uint32_t nzcv_add64(uint64_t a, uint64_t b, uint64_t carry_in, uint64_t *res)
{
    unsigned __int128 u = (unsigned __int128)a + b + carry_in;
    uint64_t r = (uint64_t)u;
    *res = r;
    return ((uint32_t)(r >> 63) << 31) | ((r == 0) << 30) |
           ((uint32_t)(u >> 64) << 29) | ((uint32_t)(((a ^ r) & (b ^ r)) >> 63) << 28);
}

static inline uint32_t nzcv_add32(uint32_t a, uint32_t b, uint32_t carry_in, uint32_t *res)
{
    uint64_t u = (uint64_t)a + b + carry_in;
    uint32_t r = (uint32_t)u;
    *res = r;
    return ((r >> 31) << 31) | ((r == 0) << 30) | ((uint32_t)(u >> 32) << 29) |
           ((((a ^ r) & (b ^ r)) >> 31) << 28);
}

/* ---- memory -------------------------------------------------------------- */

uint64_t mem_ld_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size);
void mem_st_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, uint64_t val);
/* Host pointer for an access of size bytes at va that must not cross a page
 * (faults are raised for u); used for atomics, exclusives and 128-bit accesses. */
void *mem_ptr_slow(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, enum access_kind acc);

static inline struct tlb_entry *tlb_entry_for(struct cpu *c, uint64_t va)
{
    return &c->tlb[(va >> TLB_PAGE_BITS) & (TLB_SIZE - 1)];
}

/* Fast translation; NULL when the slow path is needed. */
static inline void *mem_fast(struct cpu *c, uint64_t va, unsigned size, enum access_kind acc)
{
    struct tlb_entry *e = tlb_entry_for(c, va);
    uint64_t tag = acc == ACC_WRITE ? e->tag_w : e->tag_r;
    if (likely(tag == (va & TLB_PAGE_MASK) && (va & ~TLB_PAGE_MASK) <= TLB_PAGE_SIZE - size))
        return (void *)(uintptr_t)(va + e->addend);
    return NULL;
}

/* Host pointer valid for size bytes, for read-modify-write operations. */
static inline void *mem_ptr(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, enum access_kind acc)
{
    void *p = mem_fast(c, va, size, acc);
    return likely(p != NULL) ? p : mem_ptr_slow(c, u, va, size, acc);
}

#define DEFINE_LD(name, type, size)                                                    \
    static inline uint64_t name(struct cpu *c, const struct uop *u, uint64_t va)       \
    {                                                                                  \
        void *p = mem_fast(c, va, size, ACC_READ);                                     \
        if (likely(p != NULL)) {                                                       \
            type v;                                                                    \
            memcpy(&v, p, size);                                                       \
            return v;                                                                  \
        }                                                                              \
        return (type)mem_ld_slow(c, u, va, size);                                      \
    }
DEFINE_LD(ld8, uint8_t, 1)
DEFINE_LD(ld16, uint16_t, 2)
DEFINE_LD(ld32, uint32_t, 4)
DEFINE_LD(ld64, uint64_t, 8)
#undef DEFINE_LD

#define DEFINE_ST(name, type, size)                                                     \
    static inline void name(struct cpu *c, const struct uop *u, uint64_t va, uint64_t val) \
    {                                                                                   \
        void *p = mem_fast(c, va, size, ACC_WRITE);                                     \
        if (likely(p != NULL)) {                                                        \
            type v = (type)val;                                                         \
            memcpy(p, &v, size);                                                        \
            return;                                                                     \
        }                                                                               \
        mem_st_slow(c, u, va, size, val);                                               \
    }
DEFINE_ST(st8, uint8_t, 1)
DEFINE_ST(st16, uint16_t, 2)
DEFINE_ST(st32, uint32_t, 4)
DEFINE_ST(st64, uint64_t, 8)
#undef DEFINE_ST

/* ---- block control ------------------------------------------------------- */

/* Continue at pc after a branch: returns the next block's first uop when it
 * can be chained (slot 0/1 of the current block), else NULL. */
const struct uop *chain_to(struct cpu *c, uint64_t pc, int slot);

/* Fast path of chain_to for direct branches: a block ends at its only branch,
 * so chain slots 0 and 1 always lead to the same targets; c->pc need not be
 * kept up to date while chaining (uop_pc() derives the pc of any uop). */
static inline const struct uop *chain_direct(struct cpu *c, uint64_t pc, int slot)
{
    struct block *n = ((struct block *)c->blk)->chain[slot];
    if (likely(n != NULL && !c->exit_request)) {
        c->blk = n;
        return n->uops;
    }
    return chain_to(c, pc, slot);
}

/* Shared tail handlers. */
const struct uop *op_goto(struct cpu *c, const struct uop *u);  /* pc = imm, chain slot 0 */
const struct uop *op_undef(struct cpu *c, const struct uop *u); /* UNDEFINED at this insn */
/* pc = imm and back to the dispatcher (after changes of translation state). */
const struct uop *op_goto_nochain(struct cpu *c, const struct uop *u);

/* AArch32 translation loop (a32.c): translates from host code at page
 * offset off for x (x->ctx has CTX_A32); returns the instructions taken. */
unsigned a32_translate(struct xlat *x, const uint8_t *host, unsigned off, unsigned max_insns);
/* COND for the syndrome of a trapped AArch32 instruction (CV = 1): the A32
 * condition field (0b1110 for the unconditional space), in T32 the IT
 * block's condition or 0b1110 outside one. */
unsigned a32_trap_cond(const struct xlat *x);
/* Host address of the code page holding va, for a T32 instruction that
 * crosses into it (exec.c); faults as the fetch of the instruction at x->pc. */
const uint8_t *xlat_fetch_page(struct xlat *x, uint64_t va);

/* Decode one instruction into uops (false: UNDEFINED).  The trans_
 * functions it calls are declared by the generated header. */
bool a64_decode(struct xlat *x, uint32_t insn);
#include "a64-decode.h"
/* Unprivileged accesses (LDTR/STTR ...) at EL1, or at EL2 in the EL2&0 host
 * regime, use EL0's permissions: bracket the access with these uops. */
bool unpriv_applies(uint32_t ctx);
const struct uop *op_unpriv_begin(struct cpu *c, const struct uop *u);
const struct uop *op_unpriv_end(struct cpu *c, const struct uop *u);

/* Called by the decoder after an FP/SIMD instruction was translated: if FP is
 * disabled in this context, its uops (from index before) become a trap.
 * AArch32 translators call it too (VFP, Advanced SIMD). */
void decode_fp_check(struct xlat *x, unsigned before);
/* Would decode_fp_check turn the current instruction into a trap? */
bool decode_fp_traps(const struct xlat *x);

#endif
