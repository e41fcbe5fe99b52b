/* Host code for translated blocks (x86_64 hosts).
 *
 * The interpreter runs a block as `while ((u = u->fn(c, u)));`: one indirect
 * call per uop through a pointer loaded from memory.  Here each block becomes
 * straight-line host code.  rbx holds the cpu, r12 the block's first uop.
 *
 *  - Common integer uops (moves, add/sub with and without flags, loads and
 *    stores with the software-TLB hit path) are generated inline; what they
 *    compute is exactly their handler's body, listed per class file in
 *    *_jit_known (see jit.h).  A TLB miss calls the handler, which redoes the
 *    access through the slow path.
 *  - Every other uop is a direct call of its handler:
 *        mov rdi, rbx ; lea rsi, [r12 + i*sizeof(uop)] ; call handler
 *        lea rcx, [r12 + (i+1)*sizeof(uop)] ; cmp rax, rcx ; jne leave
 *  - Leaving with rax = the uop a handler returned: if it is the first uop of
 *    the block now in c->blk (a chained branch) and that block has code, jump
 *    into its body; otherwise return rax to the caller's loop (NULL, an
 *    interpreted block, the middle of a block).
 *  - Register cache: the guest registers a block's inline uops use most
 *    live in r13-r15 for the whole block (loaded at its body's start), so a
 *    value flows between instructions in a register instead of through a
 *    store and a forwarded load.  Writes go through to c->x as well, so
 *    memory is always current (handlers, faults and every other reader see
 *    the architectural state); after any call the cached registers are
 *    reloaded, because the handler may have written them.  A branch to the
 *    block itself (a loop) skips the reload.
 *
 * Faults longjmp out of handlers as in the interpreter; generated code keeps
 * no state of its own across calls, so that is safe.  Semantics are the
 * interpreter's, so the executor stays swappable per block (NESTVM_JIT=0).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "jit.h"

#if defined(__x86_64__)

struct jit {
    uint8_t *base;
    size_t size, used;
};

/* ---- handler -> inline kind ---------------------------------------------- */

#define KNOWN_BITS 10
static struct jit_known known[1u << KNOWN_BITS];
static pthread_once_t known_once = PTHREAD_ONCE_INIT;

static unsigned known_slot(uop_fn fn)
{
    return (unsigned)(((uintptr_t)fn * 0x9E3779B97F4A7C15ull) >> (64 - KNOWN_BITS));
}

static void known_add(const struct jit_known *list)
{
    for (; list->fn; list++) {
        unsigned i = known_slot(list->fn);
        while (known[i].fn)
            i = (i + 1) & ((1u << KNOWN_BITS) - 1);
        known[i] = *list;
    }
}

static void known_init(void)
{
    known_add(dp_jit_known);
    known_add(ldst_jit_known);
    known_add(branch_jit_known);
}

static enum jit_kind kind_of(uop_fn fn)
{
    for (unsigned i = known_slot(fn);; i = (i + 1) & ((1u << KNOWN_BITS) - 1)) {
        if (known[i].fn == fn)
            return known[i].kind;
        if (!known[i].fn)
            return JK_NONE;
    }
}

/* ---- a small x86_64 assembler ---------------------------------------------- */

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* Host registers of the register cache. */
#define NCACHE 3
static const uint8_t cache_reg[NCACHE] = { R13, R14, R15 };

/* The assembler also tracks one guest register held in rax: after rax was
 * stored to (or loaded from) x[rax_slot], a load of that slot becomes a
 * register move, so a result feeding the next instruction does not wait for
 * a store-to-load forward.  Stores stay (write-through): memory is always
 * current.  The knowledge is valid only while nothing was emitted since it
 * was established (p == valid_at), except by emitters that preserve rax and
 * say so with keep(); a jump target therefore never inherits it. */
struct as {
    uint8_t *p;
    uint8_t *valid_at;
    unsigned rax_slot;
    /* Register cache: guest slot held by cache_reg[i] (ncached in use). */
    unsigned ncached;
    uint8_t cslot[NCACHE];
    uint8_t *loop_entry;    /* the body after the cache loads (a branch to the block itself) */
    unsigned *uses;         /* a counting pass: guest register reads and writes per slot */
};

static bool rax_holds(const struct as *a, unsigned slot) { return a->valid_at == a->p && a->rax_slot == slot; }
/* The code emitted since start left rax (and x[rax_slot]) alone. */
static void keep(struct as *a, const uint8_t *start)
{
    if (a->valid_at == start)
        a->valid_at = a->p;
}
static void rax_is(struct as *a, unsigned slot)
{
    a->rax_slot = slot;
    a->valid_at = a->p;
}

static void b1(struct as *a, uint8_t v) { *a->p++ = v; }
static void b4(struct as *a, uint32_t v) { memcpy(a->p, &v, 4); a->p += 4; }
static void b8(struct as *a, uint64_t v) { memcpy(a->p, &v, 8); a->p += 8; }
static void bytes(struct as *a, const uint8_t *v, size_t n) { memcpy(a->p, v, n); a->p += n; }

/* op reg, [rbx + disp32] (or the store direction, per opcode); w = REX.W. */
static void rbx_mem(struct as *a, bool w, const uint8_t *op, size_t oplen, unsigned reg, int32_t disp)
{
    uint8_t rex = (uint8_t)(0x40 | (w ? 8 : 0) | (reg >= 8 ? 4 : 0));
    if (rex != 0x40)
        b1(a, rex);
    bytes(a, op, oplen);
    b1(a, (uint8_t)(0x80 | (reg & 7) << 3 | RBX));
    b4(a, (uint32_t)disp);
}

static int32_t xoff(unsigned slot) { return (int32_t)(offsetof(struct cpu, x) + 8 * slot); }

/* The host register caching slot, or -1. */
static int cached(const struct as *a, unsigned slot)
{
    for (unsigned i = 0; i < a->ncached; i++)
        if (a->cslot[i] == slot)
            return cache_reg[i];
    return -1;
}
/* mov hreg, reg64 (reg < 8, hreg >= 8) */
static void mov_to_cache(struct as *a, unsigned h, unsigned reg)
{
    b1(a, 0x49);
    b1(a, 0x89);
    b1(a, (uint8_t)(0xc0 | reg << 3 | (h & 7)));
}
/* mov reg64|reg32, hreg */
static void mov_from_cache(struct as *a, bool w, unsigned reg, unsigned h)
{
    b1(a, w ? 0x49 : 0x41);
    b1(a, 0x8b);
    b1(a, (uint8_t)(0xc0 | reg << 3 | (h & 7)));
}
/* Load every cached register from c->x (block entry, after calls). */
static void reload_cached(struct as *a)
{
    for (unsigned i = 0; i < a->ncached; i++)
        rbx_mem(a, true, (const uint8_t[]){ 0x8b }, 1, cache_reg[i], xoff(a->cslot[i]));
}

/* mov reg, rax|eax (reg < 8) */
static void mov_from_rax(struct as *a, bool w, unsigned reg)
{
    if (w)
        b1(a, 0x48);
    b1(a, 0x89);
    b1(a, (uint8_t)(0xc0 | reg));
}

static void count_use(struct as *a, unsigned slot)
{
    if (a->uses && slot < NUM_XSLOTS)
        a->uses[slot]++;
}

/* reg64 = x[slot] */
static void ld_x(struct as *a, unsigned reg, unsigned slot)
{
    uint8_t *start = a->p;
    count_use(a, slot);
    if (rax_holds(a, slot)) {
        if (reg != RAX) {
            mov_from_rax(a, true, reg);
            keep(a, start);
        }
        return;
    }
    int h = cached(a, slot);
    if (h >= 0)
        mov_from_cache(a, true, reg, (unsigned)h);
    else
        rbx_mem(a, true, (const uint8_t[]){ 0x8b }, 1, reg, xoff(slot));
    if (reg == RAX)
        rax_is(a, slot);
    else
        keep(a, start);
}
/* reg32 = x[slot] (zero-extended) */
static void ld_w(struct as *a, unsigned reg, unsigned slot)
{
    uint8_t *start = a->p;
    count_use(a, slot);
    if (rax_holds(a, slot) && reg < 8) {
        mov_from_rax(a, false, reg);    /* for rax itself this truncates: no longer x[slot] */
        if (reg != RAX)
            keep(a, start);
        return;
    }
    int h = cached(a, slot);
    if (h >= 0)
        mov_from_cache(a, false, reg, (unsigned)h);
    else
        rbx_mem(a, false, (const uint8_t[]){ 0x8b }, 1, reg, xoff(slot));
    if (reg != RAX)
        keep(a, start);
}
/* x[slot] = reg64 (and its cache register); writes to XZR are dropped. */
static void st_x(struct as *a, unsigned reg, unsigned slot)
{
    if (slot == REG_SINK)
        return;
    count_use(a, slot);
    uint8_t *start = a->p;
    bool held = a->valid_at == a->p;
    int h = cached(a, slot);
    if (h >= 0)
        mov_to_cache(a, (unsigned)h, reg);
    rbx_mem(a, true, (const uint8_t[]){ 0x89 }, 1, reg, xoff(slot));
    if (reg == RAX)
        rax_is(a, slot);
    else if (held && a->rax_slot != slot)
        keep(a, start);
}

/* mov reg64, imm (any value) */
static void mov_imm(struct as *a, unsigned reg, uint64_t v)
{
    if (v <= 0xffffffffull) {               /* mov r32, imm32 zero-extends */
        if (reg >= 8)
            b1(a, 0x41);
        b1(a, (uint8_t)(0xb8 + (reg & 7)));
        b4(a, (uint32_t)v);
    } else {
        b1(a, (uint8_t)(0x48 | (reg >= 8 ? 1 : 0)));
        b1(a, (uint8_t)(0xb8 + (reg & 7)));
        b8(a, v);
    }
}

/* lea reg, [r12 + disp32] */
static void lea_r12(struct as *a, unsigned reg, int32_t disp)
{
    b1(a, (uint8_t)(0x49 | (reg >= 8 ? 4 : 0)));
    b1(a, 0x8d);
    b1(a, (uint8_t)(0x84 | (reg & 7) << 3));
    b1(a, 0x24);
    b4(a, (uint32_t)disp);
}

static bool fits_s32(uint64_t v) { return (int64_t)v == (int32_t)v; }

static void call_abs(struct as *a, const void *fn)
{
    intptr_t rel = (intptr_t)(uintptr_t)fn - (intptr_t)(uintptr_t)(a->p + 5);
    if (rel == (int32_t)rel) {
        b1(a, 0xe8);
        b4(a, (uint32_t)(int32_t)rel);
    } else {
        mov_imm(a, RAX, (uint64_t)(uintptr_t)fn);
        b1(a, 0xff);
        b1(a, 0xd0);                        /* call rax */
    }
}

/* ---- inline uops ------------------------------------------------------------- */

/* Register-register ALU op (x86 "op r/m, reg" opcode) on rax..rdi; w = 64-bit. */
enum { X_ADD = 0x01, X_OR = 0x09, X_AND = 0x21, X_SUB = 0x29, X_XOR = 0x31, X_CMP = 0x39, X_TEST = 0x85, X_MOV = 0x89 };

static void rr(struct as *a, bool w, uint8_t opc, unsigned dst, unsigned src)
{
    if (w)
        b1(a, 0x48);
    b1(a, opc);
    b1(a, (uint8_t)(0xc0 | src << 3 | dst));
}

/* op eax|rax, imm32 (sign-extended at 64 bits) */
static void rax_imm(struct as *a, bool w, uint8_t opc, uint32_t imm)
{
    if (w)
        b1(a, 0x48);
    b1(a, (uint8_t)(opc + 4));              /* the accumulator short form */
    b4(a, imm);
}

/* Shift reg by the constant n (0 emits nothing). */
static void shift_imm(struct as *a, bool w, enum jit_src sh, unsigned reg, unsigned n)
{
    static const uint8_t ext[] = { [JS_LSL] = 4, [JS_LSR] = 5, [JS_ASR] = 7, [JS_ROR] = 1 };
    if (!n)
        return;
    if (w)
        b1(a, 0x48);
    b1(a, 0xc1);
    b1(a, (uint8_t)(0xc0 | ext[sh] << 3 | reg));
    b1(a, (uint8_t)n);
}

/* reg = SRC(x[slot], e) at width w (extensions computed at 64 bits: only the
 * low 32 bits are used by 32-bit operations). */
static void src_operand_(struct as *a, bool w, enum jit_src src, unsigned reg, unsigned slot, unsigned e);
static void src_operand(struct as *a, bool w, enum jit_src src, unsigned reg, unsigned slot, unsigned e)
{
    uint8_t *start = a->p;
    bool held = a->valid_at == a->p;
    unsigned rs = a->rax_slot;
    src_operand_(a, w, src, reg, slot, e);
    if (reg != RAX && held) {   /* ld_x/ld_w may have moved valid_at already */
        a->rax_slot = rs;
        a->valid_at = start;
        keep(a, start);
    }
}

static void src_operand_(struct as *a, bool w, enum jit_src src, unsigned reg, unsigned slot, unsigned e)
{
    uint8_t m = (uint8_t)(0xc0 | reg << 3 | reg);
    switch (src) {
    case JS_LSL: case JS_LSR: case JS_ASR: case JS_ROR:
        (w ? ld_x : ld_w)(a, reg, slot);
        shift_imm(a, w, src, reg, e);
        return;
    case JS_UXTB: ld_w(a, reg, slot); bytes(a, (const uint8_t[]){ 0x0f, 0xb6, m }, 3); break;       /* movzx r32, r8 */
    case JS_UXTH: ld_w(a, reg, slot); bytes(a, (const uint8_t[]){ 0x0f, 0xb7, m }, 3); break;       /* movzx r32, r16 */
    case JS_UXTW: ld_w(a, reg, slot); break;
    case JS_SXTB: ld_x(a, reg, slot); bytes(a, (const uint8_t[]){ 0x48, 0x0f, 0xbe, m }, 4); break; /* movsx r64, r8 */
    case JS_SXTH: ld_x(a, reg, slot); bytes(a, (const uint8_t[]){ 0x48, 0x0f, 0xbf, m }, 4); break; /* movsx r64, r16 */
    case JS_SXTW: ld_x(a, reg, slot); bytes(a, (const uint8_t[]){ 0x48, 0x63, m }, 3); break;       /* movsxd r64, r32 */
    default: return;
    }
    shift_imm(a, true, JS_LSL, reg, e);
}

/* NZCV from the host flags of the preceding add/sub into c->nzcv.  edx, esi,
 * edi and r8d were zeroed before the arithmetic (xor would clobber flags). */
static void flags_zero_regs(struct as *a)
{
    static const uint8_t z[] = { 0x31, 0xd2, 0x31, 0xf6, 0x31, 0xff, 0x45, 0x31, 0xc0 };
    uint8_t *start = a->p;
    bytes(a, z, sizeof(z));
    keep(a, start);
}

static void flags_store(struct as *a, bool sub)
{
    static const uint8_t s1[] = {
        0x0f, 0x98, 0xc2,           /* sets dl      N */
        0x40, 0x0f, 0x94, 0xc6,     /* sete sil     Z */
    };
    bytes(a, s1, sizeof(s1));
    /* C: carry for add, NOT borrow for sub */
    static const uint8_t cadd[] = { 0x40, 0x0f, 0x92, 0xc7 }; /* setb dil */
    static const uint8_t csub[] = { 0x40, 0x0f, 0x93, 0xc7 }; /* setae dil */
    bytes(a, sub ? csub : cadd, 4);
    static const uint8_t s2[] = {
        0x41, 0x0f, 0x90, 0xc0,     /* seto r8b     V */
        0x8d, 0x14, 0x56,           /* lea edx, [rsi + rdx*2] */
        0x8d, 0x14, 0x57,           /* lea edx, [rdi + rdx*2] */
        0x41, 0x8d, 0x14, 0x50,     /* lea edx, [r8 + rdx*2] */
        0xc1, 0xe2, 0x1c,           /* shl edx, 28 */
    };
    bytes(a, s2, sizeof(s2));
    rbx_mem(a, false, (const uint8_t[]){ 0x89 }, 1, RDX, (int32_t)offsetof(struct cpu, nzcv));
}

/* NZCV = N and Z of the preceding logical op (which cleared CF and OF). */
static void flags_store_nz(struct as *a)
{
    static const uint8_t s[] = {
        0x0f, 0x98, 0xc2,           /* sets dl */
        0x0f, 0x94, 0xc1,           /* sete cl */
        0x0f, 0xb6, 0xd2,           /* movzx edx, dl */
        0x0f, 0xb6, 0xc9,           /* movzx ecx, cl */
        0x8d, 0x14, 0x51,           /* lea edx, [rcx + rdx*2] */
        0xc1, 0xe2, 0x1e,           /* shl edx, 30 */
    };
    bytes(a, s, sizeof(s));
    rbx_mem(a, false, (const uint8_t[]){ 0x89 }, 1, RDX, (int32_t)offsetof(struct cpu, nzcv));
}

/* CF = ConditionHolds(cond) for the current NZCV (eax, ecx clobbered). */
static void cond_to_cf(struct as *a, unsigned cond)
{
    rbx_mem(a, false, (const uint8_t[]){ 0x8b }, 1, RAX, (int32_t)offsetof(struct cpu, nzcv)); /* mov eax, nzcv */
    b1(a, 0xc1); b1(a, 0xe8); b1(a, 28);                  /* shr eax, 28 */
    b1(a, 0xb9); b4(a, cond_table[cond & 15]);            /* mov ecx, table row */
    b1(a, 0x0f); b1(a, 0xa3); b1(a, 0xc1);                /* bt ecx, eax */
}

static bool gen_csel(struct as *a, enum jit_kind k, const struct uop *u)
{
    bool w;
    switch (k) {
    case JK_CSET:
        cond_to_cf(a, u->e);
        b1(a, 0x48); b1(a, 0x19); b1(a, 0xc0);            /* sbb rax, rax: -CF */
        mov_imm(a, RDX, u->imm);
        rr(a, true, X_AND, RAX, RDX);
        st_x(a, RAX, u->a);
        return true;
    case JK_CSEL64: case JK_CSINC64: case JK_CSINV64: case JK_CSNEG64: w = true; break;
    case JK_CSEL32: case JK_CSINC32: case JK_CSINV32: case JK_CSNEG32: w = false; break;
    default:
        return false;
    }
    /* rdx = the alternative, then cmov the selected x[b] over it */
    (w ? ld_x : ld_w)(a, RDX, u->c);
    switch (k) {
    case JK_CSINC64: bytes(a, (const uint8_t[]){ 0x48, 0xff, 0xc2 }, 3); break;   /* inc rdx */
    case JK_CSINC32: bytes(a, (const uint8_t[]){ 0xff, 0xc2 }, 2); break;         /* inc edx */
    case JK_CSINV64: bytes(a, (const uint8_t[]){ 0x48, 0xf7, 0xd2 }, 3); break;   /* not rdx */
    case JK_CSINV32: bytes(a, (const uint8_t[]){ 0xf7, 0xd2 }, 2); break;         /* not edx */
    case JK_CSNEG64: bytes(a, (const uint8_t[]){ 0x48, 0xf7, 0xda }, 3); break;   /* neg rdx */
    case JK_CSNEG32: bytes(a, (const uint8_t[]){ 0xf7, 0xda }, 2); break;         /* neg edx */
    default: break;
    }
    cond_to_cf(a, u->e);
    rbx_mem(a, w, (const uint8_t[]){ 0x0f, 0x42 }, 2, RDX, xoff(u->b)); /* cmovc edx|rdx, x[b] */
    st_x(a, RDX, u->a);
    return true;
}

/* rax = x[b] op rhs (rhs: rcx, or the constant v) with the flags of op. */
static void arith(struct as *a, bool w, uint8_t opc, unsigned b, bool use_imm, uint64_t v)
{
    (w ? ld_x : ld_w)(a, RAX, b);
    if (!use_imm) {
        rr(a, w, opc, RAX, RCX);
    } else if (!w || fits_s32(v)) {
        rax_imm(a, w, opc, (uint32_t)v);
    } else {
        mov_imm(a, RCX, v);
        rr(a, w, opc, RAX, RCX);
    }
}

static const uint8_t aop_x86[] = { [JOP_ADD] = X_ADD, [JOP_ADDS] = X_ADD, [JOP_SUB] = X_SUB, [JOP_SUBS] = X_SUB };
static const uint8_t lop_x86[] = { [JOP_AND] = X_AND, [JOP_ORR] = X_OR, [JOP_EOR] = X_XOR, [JOP_ANDS] = X_AND };

/* CCMP/CCMN: flags of the compare if the condition holds, else the constant. */
static void gen_ccmp(struct as *a, bool w, bool cmn, bool reg, const struct uop *u)
{
    cond_to_cf(a, u->e);
    b1(a, 0x73); uint8_t *skip = a->p++;                 /* jnc else */
    flags_zero_regs(a);
    if (reg)
        (w ? ld_x : ld_w)(a, RCX, u->c);
    arith(a, w, cmn ? X_ADD : X_SUB, u->b, !reg, u->f);
    flags_store(a, !cmn);
    b1(a, 0xeb); uint8_t *done = a->p++;                 /* jmp done */
    *skip = (uint8_t)(a->p - (skip + 1));
    b1(a, 0xc7); b1(a, 0x83); b4(a, (uint32_t)offsetof(struct cpu, nzcv)); b4(a, (uint32_t)u->imm); /* mov dword nzcv, imm */
    *done = (uint8_t)(a->p - (done + 1));
}

static bool gen_alu(struct as *a, enum jit_kind k, const struct uop *u)
{
    bool w;
    unsigned kk = (unsigned)k;
    if (kk >= JK_AS_0 && kk < JK_LOG_0) {           /* add/sub, shifted or extended */
        unsigned p = kk - JK_AS_0, src = p % JS_COUNT, op = p / JS_COUNT / 2;
        w = p / JS_COUNT % 2;
        bool flags = op == JOP_ADDS || op == JOP_SUBS;
        if (flags)
            flags_zero_regs(a);
        src_operand(a, w, (enum jit_src)src, RCX, u->c, u->e);
        arith(a, w, aop_x86[op], u->b, false, 0);
        st_x(a, RAX, u->a);                         /* mov keeps the flags */
        if (flags)
            flags_store(a, op == JOP_SUBS);
        return true;
    }
    if (kk >= JK_LOG_0 && kk < JK_MEM_0) {          /* logical, shifted register */
        unsigned p = kk - JK_LOG_0, src = p % JS_COUNT, op = p / JS_COUNT / 2;
        w = p / JS_COUNT % 2;
        src_operand(a, w, (enum jit_src)src, RCX, u->c, u->e);
        if (u->imm != 0 && u->imm != ~0ull)
            return false;
        if (u->imm)
            bytes(a, w ? (const uint8_t[]){ 0x48, 0xf7, 0xd1 } : (const uint8_t[]){ 0xf7, 0xd1 }, w ? 3 : 2); /* not rcx */
        arith(a, w, lop_x86[op], u->b, false, 0);
        st_x(a, RAX, u->a);
        if (op == JOP_ANDS)
            flags_store_nz(a);
        return true;
    }
    if (kk >= JK_LOGRR_0 && kk < JK_LOGI_0) {
        unsigned p = kk - JK_LOGRR_0;
        w = p % 2;
        (w ? ld_x : ld_w)(a, RCX, u->c);
        arith(a, w, lop_x86[p / 2], u->b, false, 0);
        st_x(a, RAX, u->a);
        return true;
    }
    if (kk >= JK_LOGI_0 && kk < JK_SHI_0) {
        unsigned p = kk - JK_LOGI_0;
        w = p % 2;
        if (!w && u->imm > 0xffffffffull)
            return false;
        arith(a, w, lop_x86[p / 2], u->b, true, u->imm);
        st_x(a, RAX, u->a);
        if (p / 2 == JOP_ANDS)
            flags_store_nz(a);
        return true;
    }
    if (kk >= JK_SHI_0 && kk < JK_AS_0) {
        unsigned p = kk - JK_SHI_0;
        w = p / 4;
        src_operand(a, w, (enum jit_src)(p % 4), RAX, u->b, u->e);
        st_x(a, RAX, u->a);
        return true;
    }
    if (kk >= JK_SHV_0 && kk < JK_SHV_0 + 8) {      /* LSLV/LSRV/ASRV/RORV */
        static const uint8_t ext[] = { [JS_LSL] = 4, [JS_LSR] = 5, [JS_ASR] = 7, [JS_ROR] = 1 };
        unsigned p = kk - JK_SHV_0;
        w = p / 4;
        (w ? ld_x : ld_w)(a, RAX, u->b);
        (w ? ld_x : ld_w)(a, RCX, u->c);
        if (w)
            b1(a, 0x48);
        b1(a, 0xd3);                                 /* sh eax|rax, cl: x86 masks cl like A64 */
        b1(a, (uint8_t)(0xc0 | ext[p % 4] << 3 | RAX));
        st_x(a, RAX, u->a);
        return true;
    }
    switch (k) {
    case JK_UMADDL: case JK_UMSUBL: case JK_SMADDL: case JK_SMSUBL: {
        if (k == JK_SMADDL || k == JK_SMSUBL) {
            rbx_mem(a, true, (const uint8_t[]){ 0x63 }, 1, RAX, xoff(u->b));  /* movsxd rax, dword x[b] */
            rbx_mem(a, true, (const uint8_t[]){ 0x63 }, 1, RCX, xoff(u->c));  /* movsxd rcx, dword x[c] */
        } else {
            ld_w(a, RAX, u->b);
            ld_w(a, RCX, u->c);
        }
        bytes(a, (const uint8_t[]){ 0x48, 0x0f, 0xaf, 0xc1 }, 4);          /* imul rax, rcx: exact */
        if (k == JK_UMADDL || k == JK_SMADDL) {
            rbx_mem(a, true, (const uint8_t[]){ 0x03 }, 1, RAX, xoff(u->d)); /* add rax, x[d] */
        } else {
            ld_x(a, RCX, u->d);
            rr(a, true, X_SUB, RCX, RAX);
            rr(a, true, X_MOV, RAX, RCX);
        }
        st_x(a, RAX, u->a);
        return true;
    }
    case JK_UMULH: case JK_SMULH:
        ld_x(a, RAX, u->b);
        rbx_mem(a, true, (const uint8_t[]){ 0xf7 }, 1, k == JK_UMULH ? 4 : 5, xoff(u->c)); /* (i)mul qword x[c] */
        st_x(a, RDX, u->a);
        return true;
    case JK_MOVI:
        mov_imm(a, RAX, u->imm);
        st_x(a, RAX, u->a);
        return true;
    case JK_MOV64: ld_x(a, RAX, u->b); st_x(a, RAX, u->a); return true;
    case JK_MOV32: ld_w(a, RAX, u->b); st_x(a, RAX, u->a); return true;
    case JK_ADD64_IMM: case JK_ADD32_IMM: case JK_ADDS64_IMM: case JK_ADDS32_IMM:
    case JK_SUBS64_IMM: case JK_SUBS32_IMM: {
        w = k == JK_ADD64_IMM || k == JK_ADDS64_IMM || k == JK_SUBS64_IMM;
        bool flags = k != JK_ADD64_IMM && k != JK_ADD32_IMM, sub = k == JK_SUBS64_IMM || k == JK_SUBS32_IMM;
        if (flags)
            flags_zero_regs(a);
        /* 32-bit: only the low half of imm counts */
        arith(a, w, sub ? X_SUB : X_ADD, u->b, true, w ? u->imm : (uint32_t)u->imm);
        st_x(a, RAX, u->a);
        if (flags)
            flags_store(a, sub);
        return true;
    }
    case JK_ADD64_RR: case JK_SUB64_RR: case JK_ADD32_RR: case JK_SUB32_RR:
        w = k == JK_ADD64_RR || k == JK_SUB64_RR;
        (w ? ld_x : ld_w)(a, RCX, u->c);
        arith(a, w, (k == JK_SUB64_RR || k == JK_SUB32_RR) ? X_SUB : X_ADD, u->b, false, 0);
        st_x(a, RAX, u->a);
        return true;
    case JK_MVN64: case JK_MVN32:
        w = k == JK_MVN64;
        (w ? ld_x : ld_w)(a, RAX, u->c);
        bytes(a, w ? (const uint8_t[]){ 0x48, 0xf7, 0xd0 } : (const uint8_t[]){ 0xf7, 0xd0 }, w ? 3 : 2); /* not rax */
        st_x(a, RAX, u->a);
        return true;
    case JK_MOVK:
        ld_x(a, RAX, u->a);
        mov_imm(a, RCX, ~(0xffffull << (u->e & 63)));
        rr(a, true, X_AND, RAX, RCX);
        mov_imm(a, RCX, u->imm);
        rr(a, true, X_OR, RAX, RCX);
        if (!u->f)
            rr(a, false, X_MOV, RAX, RAX);      /* mov eax, eax: zero-extend */
        st_x(a, RAX, u->a);
        return true;
    case JK_UBF: case JK_SBF64: case JK_SBF32: case JK_BFM:
        if (u->e > 63 || u->f > 63)
            return false;
        ld_x(a, RAX, u->b);
        shift_imm(a, true, JS_LSL, RAX, u->e);
        shift_imm(a, true, k == JK_SBF64 || k == JK_SBF32 ? JS_ASR : JS_LSR, RAX, u->f);
        if (k == JK_SBF32)
            rr(a, false, X_MOV, RAX, RAX);
        if (k == JK_BFM) {
            mov_imm(a, RCX, u->imm);
            rbx_mem(a, true, (const uint8_t[]){ 0x23 }, 1, RCX, xoff(u->a));   /* and rcx, x[a] */
            rr(a, true, X_OR, RAX, RCX);
        }
        st_x(a, RAX, u->a);
        return true;
    case JK_AND_MASK:
        arith(a, true, X_AND, u->b, true, u->imm);
        st_x(a, RAX, u->a);
        return true;
    case JK_EXTR64: case JK_EXTR32:
        w = k == JK_EXTR64;
        if (u->e == 0 || u->e >= (w ? 64 : 32))
            return false;
        (w ? ld_x : ld_w)(a, RAX, u->c);
        (w ? ld_x : ld_w)(a, RCX, u->b);
        if (w)
            b1(a, 0x48);
        bytes(a, (const uint8_t[]){ 0x0f, 0xac, 0xc8, u->e }, 4); /* shrd eax|rax, ecx|rcx, e */
        st_x(a, RAX, u->a);
        return true;
    case JK_MUL64: case JK_MUL32: case JK_MADD64: case JK_MADD32: case JK_MSUB64: case JK_MSUB32:
        w = k == JK_MUL64 || k == JK_MADD64 || k == JK_MSUB64;
        (w ? ld_x : ld_w)(a, RAX, u->b);
        rbx_mem(a, w, (const uint8_t[]){ 0x0f, 0xaf }, 2, RAX, xoff(u->c));  /* imul eax|rax, x[c] */
        if (k == JK_MADD64 || k == JK_MADD32) {
            rbx_mem(a, w, (const uint8_t[]){ 0x03 }, 1, RAX, xoff(u->d));    /* add eax|rax, x[d] */
        } else if (k == JK_MSUB64 || k == JK_MSUB32) {
            (w ? ld_x : ld_w)(a, RCX, u->d);
            rr(a, w, X_SUB, RCX, RAX);
            rr(a, w, X_MOV, RAX, RCX);
        }
        if (!w)
            rr(a, false, X_MOV, RAX, RAX);
        st_x(a, RAX, u->a);
        return true;
    case JK_CCMP64_R: gen_ccmp(a, true, false, true, u); return true;
    case JK_CCMP32_R: gen_ccmp(a, false, false, true, u); return true;
    case JK_CCMN64_R: gen_ccmp(a, true, true, true, u); return true;
    case JK_CCMN32_R: gen_ccmp(a, false, true, true, u); return true;
    case JK_CCMP64_I: gen_ccmp(a, true, false, false, u); return true;
    case JK_CCMP32_I: gen_ccmp(a, false, false, false, u); return true;
    case JK_CCMN64_I: gen_ccmp(a, true, true, false, u); return true;
    case JK_CCMN32_I: gen_ccmp(a, false, true, false, u); return true;
    default: return false;
    }
}

/* Loads and stores: the TLB hit path inline, the handler on a miss (or a
 * misaligned SP: the handler raises the fault). */
static bool gen_mem(struct as *a, enum jit_kind k, const struct uop *u, int32_t self_disp)
{
    if ((unsigned)k < JK_MEM_0 || (unsigned)k >= JK_MEM_0 + JM_COUNT * JA_COUNT)
        return false;
    unsigned op = ((unsigned)k - JK_MEM_0) / JA_COUNT, mode = ((unsigned)k - JK_MEM_0) % JA_COUNT;
    static const uint8_t sizes[JM_COUNT] = {
        [JM_LDX] = 8, [JM_LDW] = 4, [JM_LDH] = 2, [JM_LDB] = 1, [JM_LDSBX] = 1, [JM_LDSHX] = 2, [JM_LDSWX] = 4,
        [JM_LDSBW] = 1, [JM_LDSHW] = 2, [JM_STX] = 8, [JM_STW] = 4, [JM_STH] = 2, [JM_STB] = 1,
        [JM_PLDX] = 16, [JM_PLDW] = 8, [JM_PLDSW] = 8, [JM_PSTX] = 16, [JM_PSTW] = 8,
    };
    unsigned size = sizes[op];
    bool store = (op >= JM_STX && op <= JM_STB) || op == JM_PSTX || op == JM_PSTW;
    bool sp = mode >= JA_OFF_SP;
    unsigned m = sp ? mode - JA_OFF_SP : mode;      /* off, pre, post, rx, ruw, rsw */
    unsigned base = sp ? REG_SP : u->b;
    if (m <= JA_POST && !fits_s32(u->imm))
        return false;
    _Static_assert(sizeof(struct tlb_entry) == 32, "tlb entry stride");
    uint8_t *miss_at[3];
    unsigned nmiss = 0;
    if (sp) {   /* test byte [x[SP]], 15 ; jnz miss */
        b1(a, 0xf6); b1(a, 0x83); b4(a, (uint32_t)xoff(REG_SP)); b1(a, 15);
        b1(a, 0x0f); b1(a, 0x85); miss_at[nmiss++] = a->p; b4(a, 0);
    }
    /* rax = va */
    ld_x(a, RAX, base);
    if (m == JA_OFF || m == JA_PRE) {
        if (u->imm)
            rax_imm(a, true, X_ADD, (uint32_t)u->imm);
    } else if (m >= JA_RX) {
        src_operand(a, true, m == JA_RX ? JS_LSL : m == JA_RUW ? JS_UXTW : JS_SXTW, RCX, u->c, u->e);
        rr(a, true, X_ADD, RAX, RCX);
    }
    if (m == JA_PRE || m == JA_POST)
        rr(a, true, X_MOV, RSI, RAX);               /* rsi = va for the writeback */
    /* rcx = &c->tlb[(va >> 12) & (TLB_SIZE - 1)]: the index already scaled
     * by the 32-byte entry size. */
    rbx_mem(a, true, (const uint8_t[]){ 0x8b }, 1, RCX, (int32_t)offsetof(struct cpu, tlb));
    static const uint8_t idx[] = {
        0x48, 0x89, 0xc2,                       /* mov rdx, rax */
        0x48, 0xc1, 0xea, TLB_PAGE_BITS - 5,    /* shr rdx, 12 - 5 */
        0x81, 0xe2,                             /* and edx, (TLB_SIZE - 1) << 5 */
    };
    bytes(a, idx, sizeof(idx));
    b4(a, (TLB_SIZE - 1) << 5);
    bytes(a, (const uint8_t[]){ 0x48, 0x01, 0xd1 }, 3);    /* add rcx, rdx */
    /* rdx = the page of the access's last byte: an access that crosses into
     * the next page cannot match the tag of va's entry (that entry only ever
     * holds pages with va's index), so one compare covers the hit and the
     * page crossing. */
    if (size > 1) {
        bytes(a, (const uint8_t[]){ 0x48, 0x8d, 0x50, (uint8_t)(size - 1) }, 4);   /* lea rdx, [rax + size-1] */
    } else {
        bytes(a, (const uint8_t[]){ 0x48, 0x89, 0xc2 }, 3);                        /* mov rdx, rax */
    }
    bytes(a, (const uint8_t[]){ 0x48, 0x81, 0xe2 }, 3);    /* and rdx, imm32 (sign-extended page mask) */
    b4(a, (uint32_t)TLB_PAGE_MASK);
    /* cmp rdx, [rcx + tag] */
    b1(a, 0x48); b1(a, 0x3b); b1(a, 0x51);
    b1(a, (uint8_t)(store ? offsetof(struct tlb_entry, tag_w) : offsetof(struct tlb_entry, tag_r)));
    b1(a, 0x0f); b1(a, 0x85); miss_at[nmiss++] = a->p; b4(a, 0);      /* jne miss */
    /* rax += addend: host address */
    b1(a, 0x48); b1(a, 0x03); b1(a, 0x41); b1(a, (uint8_t)offsetof(struct tlb_entry, addend));
    switch (op) {
    case JM_STX: case JM_STW: case JM_STH: case JM_STB:
        ld_x(a, RDX, u->a);
        switch (size) {
        case 8: bytes(a, (const uint8_t[]){ 0x48, 0x89, 0x10 }, 3); break;     /* mov [rax], rdx */
        case 4: bytes(a, (const uint8_t[]){ 0x89, 0x10 }, 2); break;           /* mov [rax], edx */
        case 2: bytes(a, (const uint8_t[]){ 0x66, 0x89, 0x10 }, 3); break;     /* mov [rax], dx */
        default: bytes(a, (const uint8_t[]){ 0x88, 0x10 }, 2); break;          /* mov [rax], dl */
        }
        break;
    case JM_PSTX: case JM_PSTW:
        ld_x(a, RDX, u->a);
        ld_x(a, RCX, u->c);
        if (op == JM_PSTX)
            bytes(a, (const uint8_t[]){ 0x48, 0x89, 0x10, 0x48, 0x89, 0x48, 0x08 }, 7); /* mov [rax], rdx; mov [rax+8], rcx */
        else
            bytes(a, (const uint8_t[]){ 0x89, 0x10, 0x89, 0x48, 0x04 }, 5);             /* mov [rax], edx; mov [rax+4], ecx */
        break;
    case JM_PLDX: case JM_PLDW: case JM_PLDSW:
        if (op == JM_PLDX)
            bytes(a, (const uint8_t[]){ 0x48, 0x8b, 0x10, 0x48, 0x8b, 0x48, 0x08 }, 7); /* mov rdx, [rax]; mov rcx, [rax+8] */
        else if (op == JM_PLDW)
            bytes(a, (const uint8_t[]){ 0x8b, 0x10, 0x8b, 0x48, 0x04 }, 5);             /* mov edx, [rax]; mov ecx, [rax+4] */
        else
            bytes(a, (const uint8_t[]){ 0x48, 0x63, 0x10, 0x48, 0x63, 0x48, 0x04 }, 7); /* movsxd rdx, [rax]; movsxd rcx, [rax+4] */
        st_x(a, RCX, u->c);
        st_x(a, RDX, u->a);
        break;
    default: {
        static const struct { uint8_t n, b[4]; } ld[] = {
            [JM_LDX] = { 3, { 0x48, 0x8b, 0x10 } },          /* mov rdx, [rax] */
            [JM_LDW] = { 2, { 0x8b, 0x10 } },                /* mov edx, [rax] */
            [JM_LDH] = { 3, { 0x0f, 0xb7, 0x10 } },          /* movzx edx, word [rax] */
            [JM_LDB] = { 3, { 0x0f, 0xb6, 0x10 } },          /* movzx edx, byte [rax] */
            [JM_LDSBX] = { 4, { 0x48, 0x0f, 0xbe, 0x10 } },  /* movsx rdx, byte [rax] */
            [JM_LDSHX] = { 4, { 0x48, 0x0f, 0xbf, 0x10 } },  /* movsx rdx, word [rax] */
            [JM_LDSWX] = { 3, { 0x48, 0x63, 0x10 } },        /* movsxd rdx, dword [rax] */
            [JM_LDSBW] = { 3, { 0x0f, 0xbe, 0x10 } },        /* movsx edx, byte [rax] */
            [JM_LDSHW] = { 3, { 0x0f, 0xbf, 0x10 } },        /* movsx edx, word [rax] */
        };
        bytes(a, ld[op].b, ld[op].n);
        st_x(a, RDX, u->a);
        break;
    }
    }
    if (m == JA_POST && u->imm)
        b1(a, 0x48), b1(a, 0x81), b1(a, 0xc6), b4(a, (uint32_t)u->imm);   /* add rsi, imm32 */
    if (m == JA_PRE || m == JA_POST)
        st_x(a, RSI, base);
    b1(a, 0xeb); uint8_t *done = a->p++;       /* jmp done */
    for (unsigned i = 0; i < nmiss; i++) {
        int32_t rel = (int32_t)(a->p - (miss_at[i] + 4));
        memcpy(miss_at[i], &rel, 4);
    }
    /* miss: the handler does the whole access (slow path, faults) */
    bytes(a, (const uint8_t[]){ 0x48, 0x89, 0xdf }, 3);  /* mov rdi, rbx */
    lea_r12(a, RSI, self_disp);
    call_abs(a, (const void *)u->fn);
    reload_cached(a);
    *done = (uint8_t)(a->p - (done + 1));
    return true;
}

/* ---- block ends: direct branches ---------------------------------------------- */

/* Jumps to the block's leaving sequence, patched once it is placed. */
struct fixups {
    uint8_t *at[BLOCK_MAX_INSNS * 8 + 8];
    unsigned n;
};

static void jmp_leave(struct as *a, struct fixups *fx, bool is_jne)
{
    if (is_jne) {
        b1(a, 0x0f);
        b1(a, 0x85);
    } else {
        b1(a, 0xe9);
    }
    if (fx->n < sizeof(fx->at) / sizeof(fx->at[0]))
        fx->at[fx->n++] = a->p;
    b4(a, 0);
}

/* chain_direct(c, target, slot) with its result in rax, then leave. */
static void gen_chain(struct as *a, struct fixups *fx, int slot, uint64_t target)
{
    rbx_mem(a, true, (const uint8_t[]){ 0x8b }, 1, RDX, (int32_t)offsetof(struct cpu, blk));    /* mov rdx, c->blk */
    b1(a, 0x48); b1(a, 0x8b); b1(a, 0x82);                                 /* mov rax, [rdx + chain[slot]] */
    b4(a, (uint32_t)(offsetof(struct block, chain) + 8 * (unsigned)slot));
    b1(a, 0x48); b1(a, 0x85); b1(a, 0xc0);                                 /* test rax, rax */
    b1(a, 0x74); uint8_t *s1 = a->p++;                                     /* jz slow */
    _Static_assert(sizeof(((struct cpu *)0)->exit_request) == 4, "exit_request is an int");
    b1(a, 0x83); b1(a, 0xbb); b4(a, (uint32_t)offsetof(struct cpu, exit_request)); b1(a, 0); /* cmp dword [..], 0 */
    b1(a, 0x75); uint8_t *s2 = a->p++;                                     /* jne slow */
    rbx_mem(a, true, (const uint8_t[]){ 0x89 }, 1, RAX, (int32_t)offsetof(struct cpu, blk));    /* c->blk = rax */
    b1(a, 0x48); b1(a, 0x05); b4(a, (uint32_t)offsetof(struct block, uops)); /* add rax, uops */
    /* The block itself (a loop): its cached registers are current. */
    b1(a, 0x4c); b1(a, 0x39); b1(a, 0xe0);                                 /* cmp rax, r12 */
    b1(a, 0x0f); b1(a, 0x84);                                              /* je loop_entry */
    b4(a, (uint32_t)(int32_t)(a->loop_entry - (a->p + 4)));
    jmp_leave(a, fx, false);
    *s1 = (uint8_t)(a->p - (s1 + 1));
    *s2 = (uint8_t)(a->p - (s2 + 1));
    bytes(a, (const uint8_t[]){ 0x48, 0x89, 0xdf }, 3);                     /* mov rdi, rbx */
    mov_imm(a, RSI, target);
    b1(a, 0xba); b4(a, (uint32_t)slot);                                    /* mov edx, slot */
    call_abs(a, (const void *)chain_to);
    jmp_leave(a, fx, false);
}

static bool gen_branch(struct as *a, struct fixups *fx, enum jit_kind k, const struct block *b, const struct uop *u)
{
    uint64_t next = b->pc + 4ull * u->idx + 4;
    uint8_t *not_taken = NULL;   /* rel32 to patch */
    switch (k) {
    case JK_B:
        gen_chain(a, fx, 0, u->imm);
        return true;
    case JK_BL:
        mov_imm(a, RAX, next);
        st_x(a, RAX, 30);
        gen_chain(a, fx, 0, u->imm);
        return true;
    case JK_BCOND:
        cond_to_cf(a, u->e);
        b1(a, 0x0f); b1(a, 0x83);                                         /* jnc not_taken */
        break;
    case JK_TBZ: case JK_TBNZ:
        if (u->e > 63)
            return false;
        b1(a, 0x48); b1(a, 0x0f); b1(a, 0xba); b1(a, 0xa3);              /* bt qword [x], e */
        b4(a, (uint32_t)xoff(u->a)); b1(a, u->e);
        b1(a, 0x0f); b1(a, k == JK_TBZ ? 0x82 : 0x83);                    /* jc/jnc not_taken */
        break;
    case JK_CBZ64: case JK_CBNZ64: case JK_CBZ32: case JK_CBNZ32:
        if (k == JK_CBZ64 || k == JK_CBNZ64)
            b1(a, 0x48);
        b1(a, 0x83); b1(a, 0xbb); b4(a, (uint32_t)xoff(u->a)); b1(a, 0);  /* cmp [x], 0 */
        b1(a, 0x0f); b1(a, (k == JK_CBZ64 || k == JK_CBZ32) ? 0x85 : 0x84); /* jne/je not_taken */
        break;
    default:
        return false;
    }
    not_taken = a->p;
    b4(a, 0);
    gen_chain(a, fx, 0, u->imm);
    int32_t rel = (int32_t)(a->p - (not_taken + 4));
    memcpy(not_taken, &rel, 4);
    gen_chain(a, fx, 1, next);
    return true;
}

/* ---- blocks -------------------------------------------------------------------- */

struct jit *jit_new(size_t size)
{
    pthread_once(&known_once, known_init);
    struct jit *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    /* Ask for memory within rel32 reach of our own text so handler calls can
     * be direct; far placements still work through an absolute call. */
    uintptr_t text = (uintptr_t)&jit_new;
    void *hint = (void *)((text & ~((uintptr_t)(1u << 21) - 1)) - ((uintptr_t)1 << 30));
    void *m = mmap(hint, size, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) {   /* e.g. a policy that forbids writable+executable memory */
        free(j);
        return NULL;
    }
    j->base = m;
    j->size = size;
    return j;
}

void jit_free(struct jit *j)
{
    if (!j)
        return;
    munmap(j->base, j->size);
    free(j);
}

void jit_reset(struct jit *j)
{
    if (j)
        j->used = 0;
}

/* The register cache's slots: the guest registers the block's inline code
 * reads and writes most often (at least twice), counted by a first pass
 * over the block. */
static void choose_cached(struct as *a, unsigned *uses)
{
    a->ncached = 0;
    while (a->ncached < NCACHE) {
        unsigned best = 0;
        for (unsigned s = 1; s < NUM_XSLOTS; s++)
            if (uses[s] > uses[best])
                best = s;
        if (uses[best] < 2)
            break;
        a->cslot[a->ncached++] = (uint8_t)best;
        uses[best] = 0;
    }
}

/* Bytes of the block prologue (pushes, cpu into rbx, uops into r12). */
#define JIT_BODY_OFFSET 22
/* Worst-case bytes per uop and for the block frame. */
#define UOP_BYTES 192
#define END_BYTES 256
#define FRAME_BYTES 96

/* The uops of b: inline code where known, handler calls otherwise. */
static void emit_body(struct as *a, const struct block *b, struct fixups *fx)
{
    for (unsigned i = 0; i < b->nuops; i++) {
        const struct uop *u = &b->uops[i];
        int32_t disp = (int32_t)(i * sizeof(struct uop));
        struct as mark = *a;
        enum jit_kind k = kind_of(u->fn);
        /* An inline uop never ends the block's straight line; the last uop of
         * a block is a branch or goto (a call), so falling off cannot happen. */
        if (k != JK_NONE && i + 1 < b->nuops) {
            if (gen_alu(a, k, u) || gen_csel(a, k, u) || gen_mem(a, k, u, disp))
                continue;
            *a = mark;
        }
        if (k != JK_NONE && i + 1 == b->nuops && gen_branch(a, fx, k, b, u))
            break;
        bytes(a, (const uint8_t[]){ 0x48, 0x89, 0xdf }, 3);  /* mov rdi, rbx */
        lea_r12(a, RSI, disp);
        call_abs(a, (const void *)u->fn);
        if (i + 1 == b->nuops)
            break;              /* the last uop always leaves */
        reload_cached(a);       /* the handler may have written them */
        lea_r12(a, RCX, disp + (int32_t)sizeof(struct uop));
        bytes(a, (const uint8_t[]){ 0x48, 0x39, 0xc8 }, 3);  /* cmp rax, rcx */
        jmp_leave(a, fx, true);                            /* jne leave */
    }
}

const void *jit_block(struct jit *j, const struct block *b)
{
    if (!j || b->nuops == 0)
        return NULL;
    size_t need = FRAME_BYTES + END_BYTES + (size_t)b->nuops * UOP_BYTES;
    if (j->used + need > j->size)
        return NULL;   /* full until the block cache is next reset */
    uint8_t *start = j->base + j->used;
    struct as as = { .p = start }, *a = &as;

    static const uint8_t prologue[] = {
        0x53,                   /* push rbx */
        0x41, 0x54,             /* push r12 */
        0x41, 0x55,             /* push r13 */
        0x41, 0x56,             /* push r14 */
        0x41, 0x57,             /* push r15 (five pushes keep rsp 16-aligned at calls) */
        0x48, 0x89, 0xfb,       /* mov rbx, rdi */
        0x49, 0xbc,             /* movabs r12, imm64 */
    };
    bytes(a, prologue, sizeof(prologue));
    b8(a, (uint64_t)(uintptr_t)b->uops);
    _Static_assert(sizeof(prologue) + 8 == JIT_BODY_OFFSET, "body offset");
    /* Chained entry point (JIT_BODY_OFFSET): r12 = uops[0], frame set up. */
    /* A counting pass over the body (its code is overwritten) picks the
     * registers to cache. */
    unsigned uses[NUM_XSLOTS] = { 0 };
    struct as counting = { .p = a->p, .loop_entry = a->p, .uses = uses };
    struct fixups scratch = { .n = 0 };
    emit_body(&counting, b, &scratch);
    choose_cached(a, uses);
    reload_cached(a);
    a->loop_entry = a->p;

    struct fixups fx = { .n = 0 };
    emit_body(a, b, &fx);
    uint8_t *leave = a->p;
    /* rax = next uop.  Chain into the code of c->blk if rax starts it. */
    b1(a, 0x48); b1(a, 0x85); b1(a, 0xc0);                 /* test rax, rax */
    b1(a, 0x74); uint8_t *jz1 = a->p++;                    /* jz out */
    rbx_mem(a, true, (const uint8_t[]){ 0x8b }, 1, RDX, (int32_t)offsetof(struct cpu, blk)); /* mov rdx, c->blk */
    b1(a, 0x48); b1(a, 0x8d); b1(a, 0x8a);                 /* lea rcx, [rdx + uops] */
    b4(a, (uint32_t)offsetof(struct block, uops));
    b1(a, 0x48); b1(a, 0x39); b1(a, 0xc8);                 /* cmp rax, rcx */
    b1(a, 0x75); uint8_t *jne2 = a->p++;                   /* jne out */
    b1(a, 0x48); b1(a, 0x8b); b1(a, 0x8a);                 /* mov rcx, [rdx + code] */
    b4(a, (uint32_t)offsetof(struct block, code));
    b1(a, 0x48); b1(a, 0x85); b1(a, 0xc9);                 /* test rcx, rcx */
    b1(a, 0x74); uint8_t *jz3 = a->p++;                    /* jz out */
    b1(a, 0x49); b1(a, 0x89); b1(a, 0xc4);                 /* mov r12, rax */
    b1(a, 0x48); b1(a, 0x83); b1(a, 0xc1); b1(a, JIT_BODY_OFFSET); /* add rcx, body offset */
    b1(a, 0xff); b1(a, 0xe1);                              /* jmp rcx */
    uint8_t *out = a->p;
    *jz1 = (uint8_t)(out - (jz1 + 1));
    *jne2 = (uint8_t)(out - (jne2 + 1));
    *jz3 = (uint8_t)(out - (jz3 + 1));
    static const uint8_t epilogue[] = { 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5b, 0xc3 }; /* pop r15..r12, rbx; ret */
    bytes(a, epilogue, sizeof(epilogue));
    for (unsigned i = 0; i < fx.n; i++) {
        int32_t rel = (int32_t)(leave - (fx.at[i] + 4));
        memcpy(fx.at[i], &rel, 4);
    }
    j->used += (size_t)(a->p - start);
    j->used = (j->used + 15) & ~(size_t)15;
    return start;
}

#else /* no native code generator for this host: every block is interpreted */

struct jit *jit_new(size_t size) { (void)size; return NULL; }
void jit_free(struct jit *j) { (void)j; }
void jit_reset(struct jit *j) { (void)j; }
const void *jit_block(struct jit *j, const struct block *b) { (void)j; (void)b; return NULL; }

#endif
