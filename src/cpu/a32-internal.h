/* AArch32 inside the CPU: the uops and translation helpers shared by the
 * A32 (a32.c) and T32 (t32.c) translators.  See docs/aarch32.md. */
#ifndef NESTVM_A32_INTERNAL_H
#define NESTVM_A32_INTERNAL_H

#include "uop.h"
#include "system.h"

typedef struct cpu cpu_t;
typedef const struct uop uop_t;

#define A32_SHIFT_RRX 4     /* shift type 3 with amount 0 (immediate forms) */

/* The X slot of R<r> (r < 15) in mode M[3:0]: Arm ARM "Mapping of AArch32
 * registers to AArch64 registers". */
static inline unsigned a32_slot(unsigned mode, unsigned r)
{
    if (r < 8)
        return r;
    if (mode == 0x1) /* fiq: R8_fiq-R12_fiq, SP_fiq, LR_fiq = X24-X30 */
        return 24 + (r - 8);
    if (r < 13)
        return r;
    switch (mode) {
    case 0x2: return r == 13 ? 17 : 16;   /* irq */
    case 0x3: return r == 13 ? 19 : 18;   /* svc */
    case 0x7: return r == 13 ? 21 : 20;   /* abt */
    case 0xb: return r == 13 ? 23 : 22;   /* und */
    case 0xa: return r == 13 ? 15 : 14;   /* hyp: SP_hyp, LR_usr */
    default: return r;                    /* usr, sys */
    }
}

static inline unsigned a32_ctx_mode(const struct xlat *x) { return (x->ctx & CTX_M_MASK) >> CTX_M_SHIFT; }
static inline bool a32_ctx_t32(const struct xlat *x) { return x->ctx & CTX_T32; }

/* The value a read of the PC gives: the instruction's address + 8 (A32) or
 * + 4 (T32). */
static inline uint32_t a32_pc_read(const struct xlat *x) { return (uint32_t)x->pc + (a32_ctx_t32(x) ? 4 : 8); }

/* Slot of R<r> for writing (r < 15). */
static inline uint8_t a32_wreg(const struct xlat *x, unsigned r) { return (uint8_t)a32_slot(a32_ctx_mode(x), r); }

/* Destination slot for R<rd>: REG_T0 for the PC (followed by a branch uop). */
static inline uint8_t a32_dreg(const struct xlat *x, unsigned rd) { return rd == 15 ? REG_T0 : a32_wreg(x, rd); }

/* DecodeImmShift: the shift type (A32_SHIFT_RRX for ROR #0) and amount. */
static inline unsigned a32_imm_shift_amount(unsigned type, unsigned imm5, unsigned *t)
{
    *t = type;
    if (type == 3 && imm5 == 0) {
        *t = A32_SHIFT_RRX;
        return 1;
    }
    if ((type == 1 || type == 2) && imm5 == 0)
        return 32;
    return imm5;
}

/* Slot holding R<r> for reading; the PC (r = 15) becomes the constant
 * PC value (aligned: Align(PC, 4)) in the temporary tmp. */
uint8_t a32_rreg(struct xlat *x, unsigned r, unsigned tmp);
uint8_t a32_rreg_aligned(struct xlat *x, unsigned r, unsigned tmp);
/* BXWritePC from slot; ends the block. */
void a32_emit_bx(struct xlat *x, unsigned slot);

/* Data processing by A32 opcode (AND EOR SUB RSB ADD ADC SBC RSC TST TEQ CMP
 * CMN ORR MOV BIC MVN) x S.  Operand 2 in the uop: e = 0 immediate (imm,
 * f = 1: carry out is imm<31>), 1 register c shifted by type f, amount d,
 * 2 register c shifted by type f by register d; b = Rn; a = Rd. */
#define A32_OP_ORN 16   /* T32 only */
extern const uop_fn a32_dp_fns[17][2];
/* Emit a data-processing uop of opcode opc with operand 2 from tmpl (e, f,
 * c, d, imm); Rd = 15 writes the PC (ALUWritePC: BXWritePC in A32,
 * BranchWritePC in T32). */
bool a32_emit_dp(struct xlat *x, unsigned opc, unsigned s, unsigned rn, unsigned rd, struct uop *tmpl);

enum { UN_CLZ, UN_REV, UN_REV16, UN_RBIT, UN_REVSH };
bool a32_emit_unary(struct xlat *x, unsigned op, unsigned rd, unsigned rm);
bool a32_emit_sat(struct xlat *x, bool uns, unsigned sat_to, unsigned rd, unsigned rn, unsigned sh, unsigned imm5);
bool a32_emit_sat16(struct xlat *x, bool uns, unsigned sat_to, unsigned rd, unsigned rn);
bool a32_emit_bfx(struct xlat *x, bool sign, unsigned wm1, unsigned lsb, unsigned rd, unsigned rn);
bool a32_emit_msr(struct xlat *x, unsigned r, unsigned mask, uint8_t slot, uint32_t imm);

/* Single loads/stores: addressing flags in uop.f. */
#define AM_P 1
#define AM_U 2
#define AM_W 4
#define AM_REG 8
struct uop *a32_emit_ldst(struct xlat *x, uop_fn fn, unsigned p, unsigned uu, unsigned w, unsigned rn, uint8_t rt_slot);

/* The T32 translation loop (t32.c). */
unsigned t32_translate(struct xlat *x, const uint8_t *host, unsigned off, unsigned max_insns);

/* Handlers (operands as documented at each in a32.c). */
#define A32_HANDLERS(X)                                                                          \
    X(goto) X(skip) X(movi) X(b) X(bl) X(blx_imm) X(bcond) X(bx) X(movt) X(mul) X(hmul) X(smuld)  \
    X(usada8) X(unary) X(qaddsub) X(sat) X(sat16) X(bfx) X(bfi) X(extend) X(pkh) X(sel)          \
    X(parallel) X(mrs) X(msr) X(svc) X(bkpt) X(ldr) X(ldrb) X(ldrh) X(ldrsb) X(ldrsh) X(str)     \
    X(strb) X(strh) X(ldrd) X(strd) X(ldm) X(stm) X(ldrex) X(strex) X(clrex) X(fence) X(setit)
#define A32_DECLARE(n) const struct uop *op_a32_##n(cpu_t *c, uop_t *u);
A32_HANDLERS(A32_DECLARE)
#undef A32_DECLARE
/* Continue at pc from a block end: chains (slot 0 taken, 1 fall-through,
 * -1 computed target) while the AArch32 state of the context is unchanged. */
const struct uop *a32_jump(cpu_t *c, uint64_t pc, int slot);
const struct uop *op_t32_bwp(cpu_t *c, uop_t *u);
const struct uop *op_t32_cbz(cpu_t *c, uop_t *u);
const struct uop *op_t32_tbb(cpu_t *c, uop_t *u);

/* MRC/MCR (wide: MRRC/MCRR) at AArch32 EL0 through the table of a32-sys.c;
 * false when UNDEFINED. */
bool a32_trans_cp(struct xlat *x, unsigned cp, bool wide, bool read, unsigned opc1, unsigned crn, unsigned crm,
                  unsigned opc2, unsigned rt, unsigned rt2);
/* A 16-bit T32 instruction (ESR.IL = 0 when it is trapped). */
static inline bool a32_il16(const cpu_t *c, uop_t *u) { return (c->blk->ctx & CTX_T32) && u->insn <= 0xffff; }

/* Advanced SIMD (a32-neon.c): an A32 instruction of its spaces (false when
 * UNDEFINED or not one); the A32 form of a T32 one (0 when not one). */
bool a32_neon_insn(struct xlat *x, uint32_t insn);
uint32_t t32_neon_to_a32(uint32_t insn);

void a32_emit_bx_reg(struct xlat *x, unsigned rm, bool link, uint32_t ret);
noreturn void a32_align_fault(cpu_t *c, uop_t *u, uint64_t va, bool write);

/* AArch32 EL1 (a32-el1.c): MRS/MSR at EL1, hints, exception return to the
 * value in slot (SPSR of the current mode), CPS, SRS/RFE, banked registers.
 * false when UNDEFINED. */
bool a32_trans_mrs(struct xlat *x, unsigned r, uint8_t slot);
bool a32_trans_msr_priv(struct xlat *x, unsigned r, unsigned mask, uint8_t slot, uint32_t imm);
bool a32_trans_hint(struct xlat *x, unsigned op, unsigned len);
bool a32_trans_excret(struct xlat *x, uint8_t slot);
bool a32_trans_cps(struct xlat *x, unsigned imod, unsigned m, unsigned aif, unsigned mode, unsigned len);
bool a32_trans_banked(struct xlat *x, bool write, unsigned r, unsigned sysm, unsigned reg);
/* VMRS/VMSR of FPSID (0), MVFR2/1/0 (5/6/7), FPEXC (8) at EL1. */
bool a32_trans_vfp_sysreg(struct xlat *x, bool read, unsigned reg, unsigned rt);

/* Alignment fault of an AArch32 access at va (MemA, LDRD, LDM ...). */
noreturn void a32_align_fault(cpu_t *c, uop_t *u, uint64_t va, bool write);

/* VFP: the cp10/cp11 space (a32-vfp.c).  insn is an A32 word; a T32
 * instruction whose first halfword is 1110 11xx/1111 1110 is the same word.
 * cond != 1111: loads/stores, transfers and data processing, conditional;
 * cond == 1111: the ARMv8 unconditional forms (1111 1110). */
static inline bool a32_vfp_space(uint32_t insn)
{
    if ((insn >> 9 & 7) != 5)
        return false;
    unsigned op = insn >> 24 & 0xf;
    return (insn >> 28) == 15 ? op == 0xe : op >= 0xc && op <= 0xe;
}
/* Translates a word of a32_vfp_space; false when UNDEFINED. */
bool a32_vfp_translate(struct xlat *x, uint32_t insn);

#endif
