/* System-level architecture inside the CPU: exception levels, exception entry
 * and return, interrupts, translation contexts and the MMU. */
#ifndef NESTVM_SYSTEM_H
#define NESTVM_SYSTEM_H

#include "uop.h"

/* Translation context bits (struct xlat.ctx / struct block.ctx). */
#define CTX_EL_MASK 3u          /* current EL */
#define CTX_IL (1u << 2)        /* PSTATE.IL: every instruction is an Illegal State exception */
#define CTX_FP_OK (1u << 3)     /* FP/SIMD accessible at the current EL */
#define CTX_E2H (1u << 4)       /* HCR_EL2.E2H (EL2 present) */
#define CTX_TGE (1u << 5)       /* HCR_EL2.TGE */
#define CTX_EL2 (1u << 6)       /* the CPU implements EL2 */
#define CTX_USER (1u << 7)      /* user-mode emulation */
/* Self-hosted debug (debug.c), only when debug exceptions are enabled here. */
#define CTX_DBG_BKPT (1u << 12) /* breakpoints armed: each instruction checks them */
#define CTX_DBG_SS (1u << 13)   /* software step active-not-pending: one-instruction blocks */
#define CTX_DBG_SSP (1u << 14)  /* software step active-pending: step exception now */
#define CTX_DBG_MASK (CTX_DBG_BKPT | CTX_DBG_SS | CTX_DBG_SSP)

/* AArch32 execution state (c->a32.ctx; zero in AArch64): PSTATE.nRW, T,
 * ITSTATE and M[3:0] (register banking is resolved at translation time). */
#define CTX_T32 (1u << 11)
#define CTX_A32 (1u << 15)
#define CTX_IT_SHIFT 16
#define CTX_IT_MASK (0xffu << CTX_IT_SHIFT)
#define CTX_M_SHIFT 24
#define CTX_M_MASK (0xfu << CTX_M_SHIFT)
#define CTX_A32_STATE (CTX_A32 | CTX_T32 | CTX_IT_MASK | CTX_M_MASK)
/* AArch32 at EL0/EL1 below an AArch32 EL1 with FPEXC.EN = 0: FP/SIMD
 * instructions are UNDEFINED, except VMRS/VMSR of FPSID, FPEXC and MVFRx at
 * EL1 (decode_fp_check).  Separate from CTX_FP_OK, whose traps go to EL2. */
#define CTX_FPEXC_OFF (1u << 28)

/* At EL1 only: HCR_EL2.NV/NV1/NV2 (FEAT_NV, FEAT_NV2; see nv.c). */
#define CTX_NV (1u << 8)
#define CTX_NV1 (1u << 9)
#define CTX_NV2 (1u << 10)

/* The EL a translation context runs at (user-mode emulation is EL0). */
static inline unsigned ctx_el(uint32_t ctx)
{
    return (ctx & CTX_USER) ? 0 : ctx & CTX_EL_MASK;
}

uint32_t sys_ctx(struct cpu *c);
uint64_t sys_effective_va(struct cpu *c, uint64_t va);

/* Reset a vCPU to its initial state at el (1 or 2), pc, with x0 = arg. */
void sys_reset(struct cpu *c, unsigned el, uint64_t pc);

/* Synchronous exception entry for c->exc (ec, iss, far) with preferred
 * return address pc: picks the target EL, writes the syndrome, vectors. */
void sys_take_sync(struct cpu *c, struct exc_info *exc, uint64_t pc);
/* Turn a translation fault description into the final EC/ISS (same EL or
 * lower, instruction or data, stage 1 or 2). */
void sys_finish_abort(struct cpu *c, struct exc_info *exc, uint64_t pc);
/* Take a pending, unmasked interrupt if there is one. */
void sys_check_interrupts(struct cpu *c);
/* ERET from the current EL (illegal returns set PSTATE.IL). */
void sys_eret(struct cpu *c);
/* Would a WFI wake up now? */
bool sys_wfi_wakeup(struct cpu *c);
/* PSTATE changed (EL, SPSel, PAN ...): recompute the cached state. */
void sys_pstate_changed(struct cpu *c, uint32_t old_pstate);

/* AArch32 EL1 (a32-el1.c): exception entry to an AArch32 EL1 mode (a
 * synchronous one with its preferred return address, IRQ/FIQ at c->pc),
 * and the modes' ELs and SPSRs. */
void a32_take_sync(struct cpu *c, struct exc_info *exc, uint64_t pc);
void a32_take_interrupt(struct cpu *c, bool fiq);
int a32_mode_el(unsigned m);
uint64_t *a32_spsr_ptr(struct cpu *c, unsigned m);

/* AArch32 (context ctx): ISS[24:14] of a stage-2 data abort on insn, the
 * instruction syndrome when ESR_ELx.ISV may be 1, else 0 (a32-sys.c). */
uint32_t a32_abort_isv(uint32_t insn, uint32_t ctx);

/* MMU: translate va for acc in the current regime and fill a TLB entry. */
bool mmu_fill(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e, struct exc_info *exc);
/* The EL1&0 regime's TLB tables (bit n = enum mmu_idx n). */
#define MASK_EL10 (1u << MMU_EL10_0 | 1u << MMU_EL10_1 | 1u << MMU_EL10_1_PAN)
/* TLB maintenance of the regimes in mask: all of them, or (by_va) the page
 * of va, unless a block larger than a page covers it (then all); is: also
 * on the other vCPUs (the broadcast forms). */
void cpu_tlbi(struct cpu *c, unsigned mask, bool by_va, uint64_t va, bool is);

/* AT instructions: translate without filling the TLB; returns PAR_EL1. */
uint64_t mmu_at(struct cpu *c, uint64_t va, unsigned el, bool write, bool stage2);

/* AArch32 ATS1CPR/ATS1CPW/ATS1CUR/ATS1CUW (el 1/1/0/0) and ATS1CPRP/ATS1CPWP
 * (pan = PSTATE.PAN) from EL1 when it uses AArch32: stage-1 translation of
 * va in the EL1&0 regime (VMSAv8-32), without filling the TLB.  true: *par
 * is the new PAR (PAR_EL1), the 32-bit format zero-extended when TTBCR.EAE
 * is 0, the 64-bit one (LPAE = 1) when it is 1, F = 1 with the fault status
 * for a stage-1 fault.  false: the stage-1 walk took a stage-2 fault, *exc
 * is that Data Abort to EL2 (stage2, s1ptw, ipa, iss, far = va, access) and
 * PAR is unchanged.  docs/aarch32.md, "VMSAv8-32". */
bool mmu_at32(struct cpu *c, uint32_t va, unsigned el, bool write, bool pan, uint64_t *par, struct exc_info *exc);
/* A write of DACR (DACR32_EL2) that drops, instead of the whole EL1&0 TLB,
 * only the entries short-descriptor walks filled from the domains whose
 * field changes (what a write must invalidate; docs/aarch32.md). */
void mmu_dacr_write(struct cpu *c, uint32_t dacr);
/* EL1 in AArch32: drop the EL1&0 TLB entries of non-global (nG)
 * translations, all a change of the ASID (CONTEXTIDR[7:0] with short
 * descriptors, TTBRn[55:48] with long ones) or of TTBR0/TTBR1 must drop:
 * global entries may stay in a TLB across those (docs/aarch32.md). */
void mmu_a32_drop_non_global(struct cpu *c);
/* The VMSAv8-32 short-descriptor fault status FS[4:0] (DFSR/IFSR bits 10 and
 * 3:0, PAR bits 5:1) for an abort's AArch64 status code (exc_info.iss[5:0])
 * when exc_info.a32_short is set. */
uint32_t vmsa32_short_fs(uint32_t fsc);

/* ESR_ELx layout helpers. */
#define ESR_IL (1u << 25)
static inline uint32_t esr_make(uint32_t ec, uint32_t iss) { return ec << 26 | ESR_IL | (iss & 0x1ffffff); }

/* Fault status codes (DFSC/IFSC). */
#define FSC_ADDR_SIZE(l) (0x00u + (l))
#define FSC_TRANSLATION(l) (0x04u + (l))
#define FSC_ACCESS(l) (0x08u + (l))
#define FSC_PERMISSION(l) (0x0cu + (l))
#define FSC_SYNC_EXTERNAL 0x10u
#define FSC_ALIGNMENT 0x21u

#endif
