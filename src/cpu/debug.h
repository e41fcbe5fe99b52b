/* AArch64 self-hosted debug (Arm ARM D2): hardware breakpoints and
 * watchpoints, software step, the OS lock, and the routing and masking of
 * debug exceptions.
 *
 * Cost model: nothing is checked unless c->dbg.armed says something is
 * configured.  Breakpoints and software step are decided per translation
 * context (CTX_DBG_*: blocks translated while they are active carry the
 * checks); watchpoints mark the TLB entries of watched pages TLB_WATCH, so
 * only accesses to those pages leave the memory fast path. */
#ifndef NESTVM_DEBUG_H
#define NESTVM_DEBUG_H

#include "uop.h"

enum { DBG_BKPT = 1, DBG_WATCH = 2, DBG_SS = 4 };

/* Implemented comparators (ID_AA64DFR0_EL1 advertises these). */
#define DBG_NUM_BRP 6
#define DBG_NUM_WRP 4
#define DBG_NUM_CTX 2   /* the last two breakpoints can match contexts */

#define MDSCR_SS (1ull << 0)
#define MDSCR_KDE (1ull << 13)
#define MDSCR_MDE (1ull << 15)

/* A debug register (MDSCR, DBGB*, DBGW*, OS lock) was written. */
void debug_update(struct cpu *c);
/* CTX_DBG_* bits for the current state (only called when c->dbg.armed). */
uint32_t debug_ctx(struct cpu *c);
/* The EL debug exceptions from EL0/EL1 go to (MDCR_EL2.TDE, HCR_EL2.TGE). */
unsigned debug_target_el(const struct cpu *c);

/* Translation (CTX_DBG_* set): the checks in front of an instruction; true
 * if the instruction is replaced by a debug exception. */
bool debug_trans_before(struct xlat *x);
/* After it: with software step, the block ends here. */
void debug_trans_after(struct xlat *x);

/* TLB fill: mark the entry of a page an armed watchpoint overlaps. */
void debug_tlb_mark(struct cpu *c, uint64_t page, struct tlb_entry *e);
/* A TLB_WATCH page is accessed: raise a watchpoint exception if one hits. */
void debug_watch_check(struct cpu *c, const struct uop *u, uint64_t va, unsigned size, enum access_kind acc);

/* The dispatcher regained control after a stepped instruction. */
void debug_step_done(struct cpu *c);
/* PSTATE.SS after an exception return with this SPSR (DebugExceptionReturnSS). */
uint32_t debug_eret_ss(struct cpu *c, uint64_t spsr, unsigned dest_el);
/* SVC/HVC complete the stepped instruction before the exception (SSAdvance). */
void debug_ss_advance(struct cpu *c);

#endif
