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

/* Parameters of the packed families below. */
enum jit_aop { JOP_ADD, JOP_ADDS, JOP_SUB, JOP_SUBS };      /* add/sub (S: NZCV) */
enum jit_lop { JOP_AND, JOP_ORR, JOP_EOR, JOP_ANDS };      /* logical (ANDS: NZ, C = V = 0) */
/* Second-operand forms: SRC(v, e) is v shifted by e, or v extended then
 * shifted left by e. */
enum jit_src { JS_LSL, JS_LSR, JS_ASR, JS_ROR, JS_UXTB, JS_UXTH, JS_UXTW, JS_SXTB, JS_SXTH, JS_SXTW, JS_COUNT };
/* Memory accesses: the access (LD: x[a] = value, zero- or sign-extended to
 * 64 (X) or 32 (W) bits; ST: store the low bits of x[a]; P: pairs, x[a] at va
 * and x[c] at va + size/2; loads read both, then write x[c], then x[a])... */
enum jit_mop {
    JM_LDX, JM_LDW, JM_LDH, JM_LDB, JM_LDSBX, JM_LDSHX, JM_LDSWX, JM_LDSBW, JM_LDSHW,
    JM_STX, JM_STW, JM_STH, JM_STB, JM_PLDX, JM_PLDW, JM_PLDSW, JM_PSTX, JM_PSTW, JM_COUNT
};
/* ...at the address of the mode: off va = x[b] + imm; pre also x[b] = va;
 * post va = x[b], then x[b] = va + imm; rx va = x[b] + (x[c] << e); ruw/rsw
 * with x[c]'s low half zero/sign-extended; the _SP modes use x[REG_SP] as base
 * and first raise the SP alignment fault if it is not 16-byte aligned.  The
 * writeback comes after the access (a load into the base loses to it). */
enum jit_amode { JA_OFF, JA_PRE, JA_POST, JA_RX, JA_RUW, JA_RSW, JA_OFF_SP, JA_PRE_SP, JA_POST_SP, JA_COUNT };

/* Handlers whose exact semantics the code generator reproduces inline.  Each
 * instruction-class file lists its own (handlers stay static there); the
 * meaning of each kind is the handler body named in the comment.  Whoever
 * changes a listed handler's semantics must change or drop its entry.
 * Width w: 1 = 64-bit operation, 0 = 32-bit (result zero-extended). */
enum jit_kind {
    JK_NONE,
    JK_MOVI,                    /* x[a] = imm */
    JK_MOV64, JK_MOV32,         /* x[a] = x[b] (32: zero-extended low half) */
    JK_ADD64_IMM, JK_ADD32_IMM, /* x[a] = x[b] + imm */
    JK_ADDS64_IMM, JK_ADDS32_IMM, JK_SUBS64_IMM, JK_SUBS32_IMM,   /* with NZCV */
    JK_ADD64_RR, JK_SUB64_RR, JK_ADD32_RR, JK_SUB32_RR,           /* x[a] = x[b] op x[c] */
    JK_CSET,                    /* x[a] = ConditionHolds(e) ? imm : 0 */
    JK_CSEL64, JK_CSEL32, JK_CSINC64, JK_CSINC32, /* x[a] = holds(e) ? x[b] : x[c] (+1) */
    JK_CSINV64, JK_CSINV32, JK_CSNEG64, JK_CSNEG32, /* ... : ~x[c] / -x[c] */
    JK_MVN64, JK_MVN32,         /* x[a] = ~x[c] */
    JK_MOVK,                    /* v = (x[a] & ~(0xffff << e)) | imm; x[a] = f ? v : (u32)v */
    JK_UBF,                     /* x[a] = (x[b] << e) >> f (64-bit logical) */
    JK_AND_MASK,                /* x[a] = x[b] & imm (64-bit) */
    JK_SBF64, JK_SBF32,         /* x[a] = (s64)(x[b] << e) >> f (32: truncated) */
    JK_BFM,                     /* x[a] = (x[a] & imm) | ((x[b] << e) >> f) */
    JK_EXTR64, JK_EXTR32,       /* x[a] = (x[c] >> e) | (x[b] << (W - e)), 1 <= e < W */
    JK_MUL64, JK_MUL32,         /* x[a] = x[b] * x[c] */
    JK_MADD64, JK_MADD32, JK_MSUB64, JK_MSUB32, /* x[a] = x[d] +/- x[b] * x[c] */
    /* x[a] = x[d] +/- (u64)(u32)x[b] * (u32)x[c], or sign-extended (S) */
    JK_UMADDL, JK_UMSUBL, JK_SMADDL, JK_SMSUBL,
    JK_UMULH, JK_SMULH,         /* x[a] = high 64 bits of x[b] * x[c] */
    JK_SHV_0,                   /* JK_SHV(w, sh), sh <= JS_ROR: x[a] = x[b] sh (x[c] mod W) */
    /* CCMP/CCMN: holds(e) ? NZCV of x[b] -/+ (x[c] | f) : nzcv = imm */
    JK_CCMP64_R = JK_SHV_0 + 8, JK_CCMP32_R, JK_CCMN64_R, JK_CCMN32_R,
    JK_CCMP64_I, JK_CCMP32_I, JK_CCMN64_I, JK_CCMN32_I,
    JK_LOGRR_0,                 /* + op * 2 + w, op < JOP_ANDS: x[a] = x[b] op x[c] */
    JK_LOGI_0 = JK_LOGRR_0 + 6, /* JK_LOGI(op, w): x[a] = x[b] op imm (w 0: imm < 2^32) */
    JK_SHI_0 = JK_LOGI_0 + 8,   /* JK_SHI(w, sh), sh <= JS_ROR: x[a] = SRC(x[b], e) */
    JK_AS_0 = JK_SHI_0 + 8,     /* JK_AS(op, w, src): x[a] = x[b] op SRC(x[c], e) */
    JK_LOG_0 = JK_AS_0 + 8 * JS_COUNT, /* JK_LOG(op, w, sh): x[a] = x[b] op (SRC(x[c], e) ^ imm) */
    JK_MEM_0 = JK_LOG_0 + 8 * JS_COUNT, /* JK_MEM(op, mode) */
    /* block ends (chain_direct): B/op_goto to imm (slot 0); BL also x30 = pc + 4;
     * conditional: taken -> imm (slot 0), else pc + 4 (slot 1) */
    JK_B = JK_MEM_0 + JM_COUNT * JA_COUNT,
    JK_BL, JK_BCOND, JK_CBZ64, JK_CBNZ64, JK_CBZ32, JK_CBNZ32,
    JK_TBZ, JK_TBNZ,            /* taken if bit e of x[a] is 0 / 1 */
    /* indirect (chain_to(c, target, -1)): BR/RET to x[b]; BLR also x30 = pc + 4
     * after reading x[b] */
    JK_BR, JK_BLR,
    JK_COUNT
};
#define JK_LOGRR(op, w) (JK_LOGRR_0 + (op) * 2 + (w))
#define JK_LOGI(op, w) (JK_LOGI_0 + (op) * 2 + (w))
#define JK_SHI(w, sh) (JK_SHI_0 + (w) * 4 + (sh))
#define JK_SHV(w, sh) (JK_SHV_0 + (w) * 4 + (sh))
#define JK_AS(op, w, src) (JK_AS_0 + ((op) * 2 + (w)) * JS_COUNT + (src))
#define JK_LOG(op, w, sh) (JK_LOG_0 + ((op) * 2 + (w)) * JS_COUNT + (sh))
#define JK_MEM(op, mode) (JK_MEM_0 + (op) * JA_COUNT + (mode))

struct jit_known {
    uop_fn fn;
    enum jit_kind kind;
};
extern const struct jit_known dp_jit_known[], ldst_jit_known[], branch_jit_known[];   /* NULL-terminated */

#endif
