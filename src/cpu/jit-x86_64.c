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

#define KNOWN_BITS 8
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

enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12 };

struct as {
    uint8_t *p;
};

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

/* reg64 = x[slot] */
static void ld_x(struct as *a, unsigned reg, unsigned slot) { rbx_mem(a, true, (const uint8_t[]){ 0x8b }, 1, reg, xoff(slot)); }
/* reg32 = x[slot] (zero-extended) */
static void ld_w(struct as *a, unsigned reg, unsigned slot) { rbx_mem(a, false, (const uint8_t[]){ 0x8b }, 1, reg, xoff(slot)); }
/* x[slot] = reg64 */
static void st_x(struct as *a, unsigned reg, unsigned slot) { rbx_mem(a, true, (const uint8_t[]){ 0x89 }, 1, reg, xoff(slot)); }

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

/* rax = x[b] op rhs, where rhs is imm (rhs_reg < 0) or rcx; w = 64-bit. */
enum alu { ALU_ADD, ALU_SUB };

static void alu_rax(struct as *a, bool w, enum alu op, int rhs_reg, uint64_t imm)
{
    if (w)
        b1(a, 0x48);
    if (rhs_reg < 0) {
        b1(a, op == ALU_ADD ? 0x05 : 0x2d);  /* add/sub eax|rax, imm32 */
        b4(a, (uint32_t)imm);
    } else {
        b1(a, op == ALU_ADD ? 0x01 : 0x29);  /* add/sub eax|rax, ecx|rcx */
        b1(a, 0xc8);
    }
}

/* rcx = x[c] << e (w: 64-bit, else 32-bit zero-extended) */
static void shifted_rcx(struct as *a, bool w, unsigned c, unsigned e)
{
    if (w)
        ld_x(a, RCX, c);
    else
        ld_w(a, RCX, c);
    if (e) {
        if (w)
            b1(a, 0x48);
        b1(a, 0xc1);
        b1(a, 0xe1);
        b1(a, (uint8_t)e);                  /* shl ecx|rcx, e */
    }
}

/* NZCV from the host flags of the preceding add/sub into c->nzcv.  edx, esi,
 * edi and r8d were zeroed before the arithmetic (xor would clobber flags). */
static void flags_zero_regs(struct as *a)
{
    static const uint8_t z[] = { 0x31, 0xd2, 0x31, 0xf6, 0x31, 0xff, 0x45, 0x31, 0xc0 };
    bytes(a, z, sizeof(z));
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
    bool w = k == JK_CSEL64 || k == JK_CSINC64;
    switch (k) {
    case JK_CSET:
        cond_to_cf(a, u->e);
        b1(a, 0x48); b1(a, 0x19); b1(a, 0xc0);            /* sbb rax, rax: -CF */
        mov_imm(a, RDX, u->imm);
        b1(a, 0x48); b1(a, 0x21); b1(a, 0xd0);            /* and rax, rdx */
        st_x(a, RAX, u->a);
        return true;
    case JK_CSEL64: case JK_CSEL32: case JK_CSINC64: case JK_CSINC32:
        cond_to_cf(a, u->e);
        if (w)
            ld_x(a, RAX, u->c);
        else
            ld_w(a, RAX, u->c);
        if (k == JK_CSINC64)
            bytes(a, (const uint8_t[]){ 0x48, 0x8d, 0x40, 0x01 }, 4);   /* lea rax, [rax + 1] */
        else if (k == JK_CSINC32)
            bytes(a, (const uint8_t[]){ 0x8d, 0x40, 0x01 }, 3);         /* lea eax, [rax + 1] */
        rbx_mem(a, w, (const uint8_t[]){ 0x0f, 0x42 }, 2, RAX, xoff(u->b)); /* cmovc eax|rax, x[b] */
        st_x(a, RAX, u->a);
        return true;
    default:
        return false;
    }
}

static bool gen_alu(struct as *a, enum jit_kind k, const struct uop *u)
{
    bool w, flags = false, sub = false, shifted = false, imm = false;
    switch (k) {
    case JK_MOVI:
        mov_imm(a, RAX, u->imm);
        st_x(a, RAX, u->a);
        return true;
    case JK_MOV64: ld_x(a, RAX, u->b); st_x(a, RAX, u->a); return true;
    case JK_MOV32: ld_w(a, RAX, u->b); st_x(a, RAX, u->a); return true;
    case JK_ADD64_IMM: w = true; imm = true; break;
    case JK_ADD32_IMM: w = false; imm = true; break;
    case JK_ADDS64_IMM: w = true; imm = flags = true; break;
    case JK_ADDS32_IMM: w = false; imm = flags = true; break;
    case JK_SUBS64_IMM: w = true; imm = flags = sub = true; break;
    case JK_SUBS32_IMM: w = false; imm = flags = sub = true; break;
    case JK_ADD64_RR: w = true; break;
    case JK_SUB64_RR: w = true; sub = true; break;
    case JK_ADD32_RR: w = false; break;
    case JK_SUB32_RR: w = false; sub = true; break;
    case JK_ADD64_LSL: w = true; shifted = true; break;
    case JK_SUB64_LSL: w = true; shifted = sub = true; break;
    case JK_ADD32_LSL: w = false; shifted = true; break;
    case JK_SUB32_LSL: w = false; shifted = sub = true; break;
    case JK_ADDS64_LSL: w = true; shifted = flags = true; break;
    case JK_SUBS64_LSL: w = true; shifted = flags = sub = true; break;
    case JK_ADDS32_LSL: w = false; shifted = flags = true; break;
    case JK_SUBS32_LSL: w = false; shifted = flags = sub = true; break;
    default: return false;
    }
    uint64_t v = u->imm;
    if (imm) {
        /* 64-bit: imm32 is sign-extended; 32-bit: only the low half counts. */
        if (w && !fits_s32(v))
            return false;
        if (!w)
            v = (uint32_t)v;
    }
    if (flags)
        flags_zero_regs(a);
    if (w)
        ld_x(a, RAX, u->b);
    else
        ld_w(a, RAX, u->b);
    if (!imm)
        shifted_rcx(a, w, u->c, shifted ? u->e : 0);
    alu_rax(a, w, sub ? ALU_SUB : ALU_ADD, imm ? -1 : RCX, v);
    st_x(a, RAX, u->a);                     /* mov keeps the flags */
    if (flags)
        flags_store(a, sub);
    return true;
}

/* Loads and stores: the TLB hit path inline, the handler on a miss. */
static bool gen_mem(struct as *a, enum jit_kind k, const struct uop *u, int32_t self_disp)
{
    unsigned size;
    bool store, rx;
    switch (k) {
    case JK_LDX_OFF: size = 8; store = false; rx = false; break;
    case JK_LDW_OFF: size = 4; store = false; rx = false; break;
    case JK_LDH_OFF: size = 2; store = false; rx = false; break;
    case JK_LDB_OFF: size = 1; store = false; rx = false; break;
    case JK_STX_OFF: size = 8; store = true; rx = false; break;
    case JK_STW_OFF: size = 4; store = true; rx = false; break;
    case JK_STH_OFF: size = 2; store = true; rx = false; break;
    case JK_STB_OFF: size = 1; store = true; rx = false; break;
    case JK_LDX_RX: size = 8; store = false; rx = true; break;
    case JK_LDW_RX: size = 4; store = false; rx = true; break;
    case JK_LDH_RX: size = 2; store = false; rx = true; break;
    case JK_LDB_RX: size = 1; store = false; rx = true; break;
    case JK_STX_RX: size = 8; store = true; rx = true; break;
    case JK_STW_RX: size = 4; store = true; rx = true; break;
    case JK_STH_RX: size = 2; store = true; rx = true; break;
    case JK_STB_RX: size = 1; store = true; rx = true; break;
    default: return false;
    }
    if (!rx && !fits_s32(u->imm))
        return false;
    _Static_assert(sizeof(struct tlb_entry) == 32, "tlb entry stride");
    /* rax = va */
    ld_x(a, RAX, u->b);
    if (rx) {
        shifted_rcx(a, true, u->c, u->e);
        alu_rax(a, true, ALU_ADD, RCX, 0);
    } else if (u->imm) {
        alu_rax(a, true, ALU_ADD, -1, u->imm);
    }
    /* rcx = &c->tlb[(va >> 12) & (TLB_SIZE - 1)] */
    rbx_mem(a, true, (const uint8_t[]){ 0x8b }, 1, RCX, (int32_t)offsetof(struct cpu, tlb));
    static const uint8_t idx[] = {
        0x48, 0x89, 0xc2,                       /* mov rdx, rax */
        0x48, 0xc1, 0xea, TLB_PAGE_BITS,        /* shr rdx, 12 */
        0x81, 0xe2,                             /* and edx, TLB_SIZE - 1 */
    };
    bytes(a, idx, sizeof(idx));
    b4(a, TLB_SIZE - 1);
    static const uint8_t idx2[] = {
        0x48, 0xc1, 0xe2, 0x05,                 /* shl rdx, 5 */
        0x48, 0x01, 0xd1,                       /* add rcx, rdx */
        0x48, 0x89, 0xc2,                       /* mov rdx, rax */
        0x48, 0x81, 0xe2,                       /* and rdx, imm32 (sign-extended page mask) */
    };
    bytes(a, idx2, sizeof(idx2));
    b4(a, (uint32_t)TLB_PAGE_MASK);
    /* cmp rdx, [rcx + tag] */
    b1(a, 0x48); b1(a, 0x3b); b1(a, 0x51);
    b1(a, (uint8_t)(store ? offsetof(struct tlb_entry, tag_w) : offsetof(struct tlb_entry, tag_r)));
    b1(a, 0x75); uint8_t *miss1 = a->p++;      /* jne miss */
    uint8_t *miss2 = NULL;
    if (size > 1) {
        static const uint8_t in_page[] = {
            0x89, 0xc2,                         /* mov edx, eax */
            0x81, 0xe2, 0xff, 0x0f, 0x00, 0x00, /* and edx, 0xfff */
            0x81, 0xfa,                         /* cmp edx, imm32 */
        };
        bytes(a, in_page, sizeof(in_page));
        b4(a, (uint32_t)(TLB_PAGE_SIZE - size));
        b1(a, 0x77); miss2 = a->p++;            /* ja miss */
    }
    /* rax += addend: host address */
    b1(a, 0x48); b1(a, 0x03); b1(a, 0x41); b1(a, (uint8_t)offsetof(struct tlb_entry, addend));
    if (store) {
        ld_x(a, RDX, u->a);
        switch (size) {
        case 8: b1(a, 0x48); b1(a, 0x89); b1(a, 0x10); break;           /* mov [rax], rdx */
        case 4: b1(a, 0x89); b1(a, 0x10); break;                        /* mov [rax], edx */
        case 2: b1(a, 0x66); b1(a, 0x89); b1(a, 0x10); break;           /* mov [rax], dx */
        default: b1(a, 0x88); b1(a, 0x10); break;                       /* mov [rax], dl */
        }
    } else {
        switch (size) {
        case 8: b1(a, 0x48); b1(a, 0x8b); b1(a, 0x00); break;           /* mov rax, [rax] */
        case 4: b1(a, 0x8b); b1(a, 0x00); break;                        /* mov eax, [rax] */
        case 2: b1(a, 0x0f); b1(a, 0xb7); b1(a, 0x00); break;           /* movzx eax, word [rax] */
        default: b1(a, 0x0f); b1(a, 0xb6); b1(a, 0x00); break;          /* movzx eax, byte [rax] */
        }
        st_x(a, RAX, u->a);
    }
    b1(a, 0xeb); uint8_t *done = a->p++;       /* jmp done */
    uint8_t *miss = a->p;
    *miss1 = (uint8_t)(miss - (miss1 + 1));
    if (miss2)
        *miss2 = (uint8_t)(miss - (miss2 + 1));
    /* miss: the handler does the whole access (slow path, faults) */
    bytes(a, (const uint8_t[]){ 0x48, 0x89, 0xdf }, 3);  /* mov rdi, rbx */
    lea_r12(a, RSI, self_disp);
    call_abs(a, (const void *)u->fn);
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

/* Bytes of the block prologue (pushes, cpu into rbx, uops into r12). */
#define JIT_BODY_OFFSET 18
/* Worst-case bytes per uop and for the block frame. */
#define UOP_BYTES 192
#define END_BYTES 256
#define FRAME_BYTES 96

const void *jit_block(struct jit *j, const struct block *b)
{
    if (!j || b->nuops == 0)
        return NULL;
    size_t need = FRAME_BYTES + END_BYTES + (size_t)b->nuops * UOP_BYTES;
    if (j->used + need > j->size)
        return NULL;   /* full until the block cache is next reset */
    uint8_t *start = j->base + j->used;
    struct as as = { start }, *a = &as;

    static const uint8_t prologue[] = {
        0x53,                   /* push rbx */
        0x41, 0x54,             /* push r12 */
        0x41, 0x55,             /* push r13 (keeps rsp 16-aligned at calls) */
        0x48, 0x89, 0xfb,       /* mov rbx, rdi */
        0x49, 0xbc,             /* movabs r12, imm64 */
    };
    bytes(a, prologue, sizeof(prologue));
    b8(a, (uint64_t)(uintptr_t)b->uops);
    _Static_assert(sizeof(prologue) + 8 == JIT_BODY_OFFSET, "body offset");
    /* Chained entry point (JIT_BODY_OFFSET): r12 = uops[0], frame set up. */

    struct fixups fx = { .n = 0 };
    for (unsigned i = 0; i < b->nuops; i++) {
        const struct uop *u = &b->uops[i];
        int32_t disp = (int32_t)(i * sizeof(struct uop));
        uint8_t *mark = a->p;
        enum jit_kind k = kind_of(u->fn);
        /* An inline uop never ends the block's straight line; the last uop of
         * a block is a branch or goto (a call), so falling off cannot happen. */
        if (k != JK_NONE && i + 1 < b->nuops) {
            if (gen_alu(a, k, u) || gen_csel(a, k, u) || gen_mem(a, k, u, disp))
                continue;
            a->p = mark;
        }
        if (k != JK_NONE && i + 1 == b->nuops && gen_branch(a, &fx, k, b, u))
            break;
        bytes(a, (const uint8_t[]){ 0x48, 0x89, 0xdf }, 3);  /* mov rdi, rbx */
        lea_r12(a, RSI, disp);
        call_abs(a, (const void *)u->fn);
        if (i + 1 == b->nuops)
            break;              /* the last uop always leaves */
        lea_r12(a, RCX, disp + (int32_t)sizeof(struct uop));
        bytes(a, (const uint8_t[]){ 0x48, 0x39, 0xc8 }, 3);  /* cmp rax, rcx */
        jmp_leave(a, &fx, true);                            /* jne leave */
    }
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
    static const uint8_t epilogue[] = { 0x41, 0x5d, 0x41, 0x5c, 0x5b, 0xc3 }; /* pop r13; pop r12; pop rbx; ret */
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
