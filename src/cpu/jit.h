/* Native code for translated blocks: the executor that replaces the
 * interpreter per block where the host has a code generator (x86_64). */
#ifndef NESTVM_JIT_H
#define NESTVM_JIT_H

#include "uop.h"

struct jit;

/* A code arena of size bytes; NULL when the host has no generator or cannot
 * map executable memory (blocks are then interpreted). */
struct jit *jit_new(size_t size);
void jit_free(struct jit *j);
/* Forget all code (with the block cache). */
void jit_reset(struct jit *j);
/* Code for b, a function `const struct uop *code(struct cpu *)` that runs
 * b's uops and returns the first one that is not the next in b (or NULL);
 * NULL when the arena is full. */
const void *jit_block(struct jit *j, const struct block *b);

/* Handlers whose exact semantics the code generator reproduces inline.  Each
 * instruction-class file lists its own (handlers stay static there); the
 * meaning of each kind is the handler body named in the comment. */
enum jit_kind {
    JK_NONE,
    JK_MOVI,                    /* x[a] = imm */
    JK_MOV64, JK_MOV32,         /* x[a] = x[b] (32: zero-extended low half) */
    JK_ADD64_IMM, JK_ADD32_IMM, /* x[a] = x[b] + imm */
    JK_ADDS64_IMM, JK_ADDS32_IMM, JK_SUBS64_IMM, JK_SUBS32_IMM,   /* with NZCV */
    JK_ADD64_RR, JK_SUB64_RR, JK_ADD32_RR, JK_SUB32_RR,           /* x[a] = x[b] op x[c] */
    JK_ADD64_LSL, JK_SUB64_LSL, JK_ADD32_LSL, JK_SUB32_LSL,       /* x[a] = x[b] op (x[c] << e) */
    JK_ADDS64_LSL, JK_SUBS64_LSL, JK_ADDS32_LSL, JK_SUBS32_LSL,   /* with NZCV */
    /* loads/stores of x[a] at x[b] + imm (OFF) or x[b] + (x[c] << e) (RX) */
    JK_LDX_OFF, JK_LDW_OFF, JK_LDH_OFF, JK_LDB_OFF, JK_STX_OFF, JK_STW_OFF, JK_STH_OFF, JK_STB_OFF,
    JK_LDX_RX, JK_LDW_RX, JK_LDH_RX, JK_LDB_RX, JK_STX_RX, JK_STW_RX, JK_STH_RX, JK_STB_RX,
    JK_COUNT
};

struct jit_known {
    uop_fn fn;
    enum jit_kind kind;
};
extern const struct jit_known dp_jit_known[], ldst_jit_known[];   /* NULL-terminated */

#endif
