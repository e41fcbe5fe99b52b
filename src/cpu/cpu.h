/* The A64 CPU: architectural state and the interface the rest of nestvm uses.
 *
 * One struct cpu per vCPU.  Execution translates guest basic blocks once into
 * predecoded micro-ops (struct uop, see uop.h), caches them, and runs them.
 * Memory goes through a software TLB whose misses are served by the
 * environment (user-mode address space or the system MMU).
 */
#ifndef NESTVM_CPU_H
#define NESTVM_CPU_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* General-purpose register file slots.  Register number 31 means XZR or SP
 * depending on the instruction; the translator maps it to one of these slots
 * so that handlers never test for it at run time. */
enum {
    REG_ZR = 31,   /* always reads 0, never written */
    REG_SP = 32,   /* the current stack pointer (SP_ELx selected by PSTATE.SP) */
    REG_SINK = 33, /* writes to XZR land here and are ignored */
    /* AArch32: translator temporaries (a PC operand, a result bound for the
     * PC); never architectural state. */
    REG_T0 = 34,
    REG_T1 = 35,
    NUM_XSLOTS = 36,
};

/* Vector register slots: V0-V31 and three AArch32 temporaries. */
enum { VREG_T0 = 32, VREG_T1 = 33, VREG_T2 = 34, NUM_VSLOTS = 35 };

/* PSTATE.NZCV kept in its architectural position (bits 31:28). */
#define NZCV_N (1u << 31)
#define NZCV_Z (1u << 30)
#define NZCV_C (1u << 29)
#define NZCV_V (1u << 28)

typedef union vreg {
    uint8_t b[16];
    uint16_t h[8];
    uint32_t s[4];
    uint64_t d[2];
    int8_t sb[16];
    int16_t sh[8];
    int32_t ss[4];
    int64_t sd[2];
    float f[4];
    double df[2];
    unsigned __int128 q;
} __attribute__((aligned(16))) vreg;

/* Software TLB: direct mapped, 4 KiB entries.  A tag is the page-aligned
 * virtual address; TLB_INVALID never matches.  addend turns a guest VA into a
 * host pointer.  A set low bit in a tag (TLB_SLOW) forces the slow path, e.g.
 * for writes to pages that hold translated code. */
#define TLB_BITS 10
#define TLB_SIZE (1u << TLB_BITS)
#define TLB_PAGE_BITS 12
#define TLB_PAGE_SIZE (1ull << TLB_PAGE_BITS)
#define TLB_PAGE_MASK (~(TLB_PAGE_SIZE - 1))
#define TLB_INVALID (~0ull)
#define TLB_SLOW 1ull
#define TLB_MMIO 2ull   /* device page: addend maps VA to PA, never to host memory */
#define TLB_WATCH 4ull  /* page overlaps an armed watchpoint: accesses take the slow path */
#define TLB_A32_DOMAIN 0x1fu   /* struct cpu.tlb_a32: short-descriptor domain + 1, 0 for none */
#define TLB_A32_NG 0x80u       /* struct cpu.tlb_a32: a non-global (nG) AArch32 translation */

struct tlb_entry {
    uint64_t tag_r, tag_w, tag_x;
    uintptr_t addend;
};

enum access_kind { ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2 };

/* Why cpu_run() returned. */
enum cpu_exit {
    CPU_EXIT_NONE = 0,
    CPU_EXIT_SVC,       /* user mode: SVC executed; imm16 in exc.esr ISS; pc = next insn */
    CPU_EXIT_FAULT,     /* user mode: data/instruction abort; exc has details; pc = faulting insn */
    CPU_EXIT_UNDEF,     /* user mode: undefined instruction at pc */
    CPU_EXIT_BRK,       /* user mode: BRK #imm at pc */
    CPU_EXIT_ALIGN,     /* user mode: alignment fault (SP or PC alignment, atomics) */
    CPU_EXIT_REQUEST,   /* cpu_request_exit() was called */
    CPU_EXIT_HLT,
    CPU_EXIT_MMIO,      /* system mode: c->mmio describes an access to perform (see cpu_mmio_complete) */
    CPU_EXIT_WFI,       /* system mode: WFI/WFE with nothing pending; pc is past it */
    CPU_EXIT_HVC,       /* system mode: HVC/SMC to the VMM's firmware (PSCI); x0.. hold the call */
};

/* Exception syndrome classes (ESR_ELx.EC) used across the CPU. */
enum {
    EC_UNKNOWN = 0x00,
    EC_WFX = 0x01,
    EC_FP_ACCESS = 0x07,
    EC_SVC32 = 0x11,
    EC_ILLEGAL_STATE = 0x0e,
    EC_SVC64 = 0x15,
    EC_HVC64 = 0x16,
    EC_SMC64 = 0x17,
    EC_SYSREG = 0x18,
    EC_IABORT_LOWER = 0x20,
    EC_IABORT_SAME = 0x21,
    EC_PC_ALIGN = 0x22,
    EC_DABORT_LOWER = 0x24,
    EC_DABORT_SAME = 0x25,
    EC_SP_ALIGN = 0x26,
    EC_FP_EXC64 = 0x2c,
    EC_BKPT_LOWER = 0x30,
    EC_BKPT_SAME = 0x31,
    EC_SSTEP_LOWER = 0x32,
    EC_SSTEP_SAME = 0x33,
    EC_WATCH_LOWER = 0x34,
    EC_WATCH_SAME = 0x35,
    EC_SERROR = 0x2f,
    EC_BKPT32 = 0x38,
    EC_BRK64 = 0x3c,
};

struct exc_info {
    uint32_t ec;        /* exception class */
    uint32_t iss;       /* syndrome */
    uint64_t far;       /* faulting address where applicable */
    int access;         /* enum access_kind for aborts */
    bool perm;          /* abort was a permission fault (page mapped) */
    /* System mode. */
    unsigned target_el; /* 0: architectural default routing */
    bool stage2;        /* abort: stage-2 fault (goes to EL2) */
    bool s1ptw;         /* abort: on a stage-1 table walk */
    uint64_t ipa;       /* abort: faulting IPA for stage-2 faults (HPFAR) */
    uint32_t insn;      /* abort: the faulting instruction (for the ISV syndrome) */
    bool il16;          /* AArch32: a 16-bit T32 instruction (ESR.IL = 0) */
    /* Stage-1 abort from a VMSAv8-32 short-descriptor walk (TTBCR.EAE = 0):
     * the DFSR/IFSR short format applies, a32_domain is the descriptor's
     * domain.  iss keeps the AArch64 status code (domain faults are 0x3d
     * section / 0x3e page, as in ESR_ELx for AArch32 stage 1). */
    bool a32_short;
    uint8_t a32_domain;
};

/* Interrupt lines into a vCPU (struct cpu.irq_lines). */
#define CPU_IRQ (1u << 0)
#define CPU_FIQ (1u << 1)
#define CPU_VIRQ (1u << 2)
#define CPU_VFIQ (1u << 3)
#define CPU_VSERR (1u << 4)

struct cpu;
struct block;

/* What the CPU needs from its environment.
 * User mode: tlb_fill serves the emulated process's address space.
 * System mode (tlb_fill NULL): the CPU's own MMU translates and asks ram_ptr
 * for the host memory behind a physical page; everything that is not RAM is
 * MMIO, reported as a CPU_EXIT_MMIO exit. */
struct cpu_env {
    /* Translate va for an access.  On success fill *e's tag for that access kind
     * and its addend and return true; otherwise fill exc and return false. */
    bool (*tlb_fill)(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e,
                     struct exc_info *exc);
    /* Host address of the RAM page containing pa, or NULL if pa is not RAM. */
    void *(*ram_ptr)(void *opaque, uint64_t pa);
    /* A generic timer register changed: re-evaluate timer interrupts. */
    void (*timer_update)(void *opaque, struct cpu *c);
    /* A broadcast TLB invalidation (TLBI ...IS) for the regimes in mask:
     * forward it to the other vCPUs of the VM. */
    void (*tlbi_broadcast)(void *opaque, struct cpu *c, unsigned mmu_idx_mask);
    /* Instruction-cache invalidation is broadcast (IC IVAU, IC IALLUIS): the
     * other vCPUs must drop translations of host memory [host, host+len),
     * or all of them when host is NULL. */
    void (*ic_broadcast)(void *opaque, struct cpu *c, const void *host, size_t len);
    /* GIC CPU interface system registers (key = SYSREG_KEY); false = UNDEFINED. */
    bool (*gic_read)(void *opaque, struct cpu *c, uint32_t key, uint64_t *val);
    bool (*gic_write)(void *opaque, struct cpu *c, uint32_t key, uint64_t val);
    void *opaque;
};

/* Translation regimes with their own TLB (so EL0/EL1/EL2 switches need no
 * flush). */
enum mmu_idx {
    MMU_EL10_0,     /* EL0 in the EL1&0 regime */
    MMU_EL10_1,     /* EL1 */
    MMU_EL10_1_PAN, /* EL1 with PSTATE.PAN */
    MMU_EL2,        /* EL2 regime (E2H=0) */
    MMU_EL20_0,     /* EL0 in the EL2&0 regime (E2H=1, TGE=1) */
    MMU_EL20_2,     /* EL2 in the EL2&0 regime */
    MMU_EL20_2_PAN,
    MMU_USER,       /* user-mode emulation */
    NUM_MMU_IDX,
};

/* PSTATE bits other than NZCV, in their SPSR positions. */
#define PSTATE_SP (1u << 0)
#define PSTATE_EL_SHIFT 2
#define PSTATE_M_MASK 0x1fu
#define PSTATE_F (1u << 6)
#define PSTATE_I (1u << 7)
#define PSTATE_A (1u << 8)
#define PSTATE_D (1u << 9)
#define PSTATE_DAIF (0xfu << 6)
#define PSTATE_BTYPE (3u << 10)
#define PSTATE_SSBS (1u << 12)
#define PSTATE_IL (1u << 20)
#define PSTATE_SS (1u << 21)
#define PSTATE_PAN (1u << 22)
#define PSTATE_UAO (1u << 23)
#define PSTATE_DIT (1u << 24)
#define PSTATE_TCO (1u << 25)

/* HCR_EL2 bits used across the CPU and the hv backends. */
#define HCR_VM (1ull << 0)
#define HCR_FMO (1ull << 3)
#define HCR_IMO (1ull << 4)
#define HCR_AMO (1ull << 5)
#define HCR_VF (1ull << 6)
#define HCR_VI (1ull << 7)
#define HCR_TWI (1ull << 13)
#define HCR_TWE (1ull << 14)
#define HCR_TSC (1ull << 19)
#define HCR_TGE (1ull << 27)
#define HCR_RW (1ull << 31)   /* EL1 is AArch64 (0: AArch32, on models with AArch32 EL1) */
#define HCR_HCD (1ull << 29)
#define HCR_E2H (1ull << 34)
#define HCR_API (1ull << 41)
#define HCR_NV (1ull << 42)   /* FEAT_NV: EL1 runs a guest hypervisor */
#define HCR_NV1 (1ull << 43)
#define HCR_AT (1ull << 44)   /* trap EL1 AT S1E0/S1E1 */
#define HCR_NV2 (1ull << 45)  /* FEAT_NV2: EL2 state accesses go to the VNCR page */

/* A pending MMIO access (system mode), see CPU_EXIT_MMIO. */
struct mmio_access {
    uint64_t pa;
    uint64_t data;      /* store data, or load result supplied by the VMM */
    uint8_t size;       /* 1, 2, 4 or 8 */
    bool write;
    bool abort;         /* nothing answered: synchronous external abort */
};
#define MMIO_REPLAY_MAX 8

/* System registers that are plain storage.  Named as in the Arm ARM. */
struct sysregs {
    /* EL1 */
    uint64_t sctlr_el1, actlr_el1, cpacr_el1, ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
    uint64_t vbar_el1, contextidr_el1, tpidr_el1, elr_el1, spsr_el1, esr_el1, far_el1, par_el1;
    uint64_t afsr0_el1, afsr1_el1, cntkctl_el1, csselr_el1;
    /* Debug (storage only) */
    uint64_t mdscr_el1, oslsr_el1, osdlr_el1, dbgprcr_el1, mdccint_el1;
    uint64_t dbgbvr[16], dbgbcr[16], dbgwvr[16], dbgwcr[16];
    uint64_t sp_el[3];   /* banked stack pointers (the current one lives in x[REG_SP]) */
    /* Generic timer */
    uint64_t cntv_ctl_el0, cntv_cval_el0, cntp_ctl_el0, cntp_cval_el0;
    uint64_t cnthp_ctl_el2, cnthp_cval_el2, cnthv_ctl_el2, cnthv_cval_el2;
    uint64_t cntvoff_el2, cnthctl_el2;
    /* EL2 */
    uint64_t hcr_el2, sctlr_el2, actlr_el2, cptr_el2, mdcr_el2, hstr_el2, hacr_el2;
    uint64_t tcr_el2, ttbr0_el2, ttbr1_el2, mair_el2, amair_el2, vbar_el2, contextidr_el2, tpidr_el2;
    uint64_t elr_el2, spsr_el2, esr_el2, far_el2, hpfar_el2, afsr0_el2, afsr1_el2;
    uint64_t vtcr_el2, vttbr_el2, vpidr_el2, vmpidr_el2;
    uint64_t vncr_el2;   /* FEAT_NV2 */
    /* AArch32 EL1 state kept in AArch64 registers (docs/aarch32.md):
     * SPSR_svc is spsr_el1; the other banked SPSRs, and the AArch32-only
     * DACR, IFSR and FPEXC as their *32_EL2 views. */
    uint64_t spsr_abt, spsr_und, spsr_irq, spsr_fiq;
    uint64_t dacr32_el2, ifsr32_el2, fpexc32_el2;
    uint64_t mpidr_el1;
    /* FEAT_PAuth keys APIA, APIB, APDA, APDB, APGA: [k][0] = Key<63:0> (KeyLo),
     * [k][1] = Key<127:64> (KeyHi). */
    uint64_t apkey[5][2];
};

struct block_cache;

struct cpu {
    /* Hot state first. */
    uint64_t x[NUM_XSLOTS];
    uint64_t pc;
    uint32_t nzcv;
    uint32_t fpcr, fpsr;
    /* V0-V31, then VREG_T0.. : AArch32 Advanced SIMD staging slots (a D
     * register operand copied into a low half so the AArch64 vector handlers
     * can run on it); never architectural state. */
    vreg v[NUM_VSLOTS];
    /* AArch32 state (PSTATE.nRW = 1), see docs/aarch32.md.  ctx holds the
     * translation-context bits of that state (CTX_A32, T, ITSTATE, mode) and
     * is 0 in AArch64, so AArch64 never looks at the rest. */
    struct {
        uint32_t ctx;
        uint32_t ge;    /* PSTATE.GE in bits 3:0 */
        uint32_t q;     /* PSTATE.Q, 0 or 1 */
    } a32;

    struct tlb_entry *tlb;  /* the table of the current mmu_idx */

    /* The block being executed (for the pc of a faulting uop). */
    const struct block *blk;
    volatile int exit_request;   /* checked between blocks */
    volatile int external_exit;  /* cpu_request_exit() was called */
    volatile uint32_t irq_lines; /* CPU_IRQ ... as driven by the interrupt controller */
    volatile uint32_t tlb_flush_request; /* mmu_idx mask other vCPUs asked us to flush */

    /* Exclusive monitor (local). */
    uint64_t excl_addr;     /* ~0 when open */
    uint64_t excl_val[2];
    int excl_size;

    /* Thread-local system registers visible at EL0. */
    uint64_t tpidr_el0, tpidrro_el0;

    /* System state (unused in user mode). */
    uint32_t pstate;        /* PSTATE except NZCV, SPSR layout */
    unsigned el;            /* current exception level, cached from pstate */
    enum mmu_idx mmu_idx;
    bool el2_enabled;       /* the CPU implements EL2 (nested virtualization) */
    bool el1_a32_reset;     /* no EL2: EL1 was reset into AArch32 (32-bit boot) */
    uint64_t el10_tlb_hcr;  /* HCR_EL2.{VM,TGE,RW} the EL1&0 TLB tables were filled under */
    struct sysregs sr;
    /* Self-hosted debug (debug.c): what is configured, derived from the
     * debug registers when they are written; zero costs nothing. */
    struct {
        uint8_t armed;          /* DBG_BKPT | DBG_WATCH | DBG_SS */
        bool ss_inflight;       /* a software-stepped instruction is executing */
        uint8_t ss_syndrome;    /* ISV/EX for the next software step exception */
        uint64_t watch_sig;     /* the enabled watchpoints the TLB was marked for */
    } dbg;
    /* MMIO exits: the access the VMM must perform, and the results of those
     * it performed for the instruction being restarted. */
    struct mmio_access mmio;
    struct mmio_access mmio_done[MMIO_REPLAY_MAX];
    unsigned mmio_ndone, mmio_nused;
    uint64_t mmio_va;       /* VA of the MMIO access (for FAR) */

    /* Feature/ID state. */
    const struct cpu_model *model;

    /* User-mode behaviour: exceptions leave cpu_run() instead of vectoring. */
    bool user_mode;
    /* Physical counter value from which a counter read re-evaluates this
     * vCPU's timers (env.timer_update); kept by the timer_update owner. */
    uint64_t timer_poll_at;
    bool probe;     /* memory access on behalf of the VMM: faults are not taken */

    struct exc_info exc;
    enum cpu_exit exit_reason;
    jmp_buf jmp;

    struct cpu_env env;
    struct block_cache *bc;
    struct tlb_entry tlbs[NUM_MMU_IDX][TLB_SIZE];
    /* Per regime: the span covering all blocks larger than a TLB page, so a
     * TLBI by VA inside one drops the whole regime's TLB. */
    uint64_t large_page_addr[NUM_MMU_IDX], large_page_mask[NUM_MMU_IDX];
    /* VMSAv8-32: what each EL1&0 entry (MMU_EL10_0 .. MMU_EL10_1_PAN) was
     * filled from, TLB_A32_*: a DACR write drops only the entries of the
     * domains it changes, an ASID or TTBR change only the non-global ones. */
    uint8_t tlb_a32[MMU_EL10_1_PAN + 1][TLB_SIZE];

    uint64_t insn_count_hint; /* blocks executed, for statistics */
};

/* In the EL2&0 host regime (E2H and TGE): EL0 is controlled from EL2. */
static inline bool cpu_host_regime(const struct cpu *c)
{
    return c->el2_enabled && (c->sr.hcr_el2 & HCR_E2H) && (c->sr.hcr_el2 & HCR_TGE);
}

/* At EL0/EL1 under an EL2 that routes interrupts to itself (IMO/FMO, not
 * TGE): ICC_* accesses reach the virtual CPU interface. */
static inline bool cpu_irq_virtualized(const struct cpu *c)
{
    uint64_t hcr = c->sr.hcr_el2;
    return c->el2_enabled && c->el < 2 && (hcr & (HCR_IMO | HCR_FMO)) && !(hcr & HCR_TGE);
}

/* CPU models: a documented feature set. */
struct cpu_model {
    const char *name;
    const char *doc;
    uint64_t id_aa64isar0, id_aa64isar1, id_aa64isar2;
    uint64_t id_aa64pfr0, id_aa64pfr1;
    uint64_t id_aa64mmfr0, id_aa64mmfr1, id_aa64mmfr2;
    uint64_t id_aa64zfr0, id_aa64dfr0;
    uint64_t midr;
    uint64_t ctr;
    uint64_t dczid;
    uint64_t hwcap, hwcap2;  /* Linux user-mode HWCAP bits these features imply */
    /* AArch32 ID registers (zero on models without AArch32): the
     * ID_PFR*, ID_DFR0, ID_ISAR*, ID_MMFR* and MVFR* registers, read as
     * their *_EL1 views from AArch64 and through CP15/VMRS from AArch32. */
    uint32_t id_pfr0, id_pfr1, id_pfr2, id_dfr0;
    uint32_t id_isar[7], id_mmfr[5];
    uint32_t mvfr0, mvfr1, mvfr2;
};

const struct cpu_model *cpu_model_find(const char *name);
/* The same, also finding the test-only models (unit tests). */
const struct cpu_model *cpu_model_find_test(const char *name);
/* ID_AA64PFR0_EL1.EL0 = 0b0010: the model implements AArch32 at EL0 (the
 * one source of that fact; only test models set it for now). */
static inline bool cpu_model_a32_el0(const struct cpu_model *m) { return (m->id_aa64pfr0 & 0xf) == 2; }
/* ID_AA64PFR0_EL1.EL1 = 0b0010: AArch32 at EL1 (HCR_EL2.RW = 0). */
static inline bool cpu_model_a32_el1(const struct cpu_model *m) { return (m->id_aa64pfr0 >> 4 & 0xf) == 2; }
/* EL1 uses AArch32: below an EL2 whose HCR_EL2.RW is 0, or, without EL2,
 * as reset by a 32-bit boot. */
static inline bool cpu_el1_a32(const struct cpu *c)
{
    if (c->el2_enabled)
        return !(c->sr.hcr_el2 & HCR_RW) && cpu_model_a32_el1(c->model);
    return c->el1_a32_reset;
}
const struct cpu_model *cpu_model_default(void);
void cpu_model_list(void (*cb)(const struct cpu_model *m, void *opaque), void *opaque);

/* Lifecycle. */
struct cpu *cpu_new(const struct cpu_model *model, const struct cpu_env *env, bool user_mode);
void cpu_free(struct cpu *c);

/* Run until an exit condition.  Returns the reason (also in c->exit_reason). */
enum cpu_exit cpu_run(struct cpu *c);

/* Ask a running cpu_run() to return soon (safe from other threads/signals). */
void cpu_request_exit(struct cpu *c);

/* Ask c to flush the TLBs of the regimes in mask at its next block boundary
 * (broadcast TLB maintenance from another vCPU); safe from other threads. */
void cpu_request_tlb_flush(struct cpu *c, unsigned mmu_idx_mask);

/* Drive an interrupt line (CPU_IRQ ...); safe from other threads. */
void cpu_set_irq(struct cpu *c, uint32_t line, bool level);

/* Would a WFI wake now (an interrupt line is up)? */
bool cpu_wfi_should_wake(struct cpu *c);
/* Read a system register by key (SYSREG_KEY) as EL2/EL1 software would. */
bool cpu_sysreg_get(struct cpu *c, uint32_t key, uint64_t *value);
/* Write one by key, without access checks (false: no such plain register). */
bool cpu_sysreg_set(struct cpu *c, uint32_t key, uint64_t value);

/* System mode: reset to EL2 (el2_enabled) or EL1 at pc, MMU off. */
void cpu_power_on_reset(struct cpu *c, uint64_t pc);

/* After CPU_EXIT_MMIO: the VMM performed c->mmio (for a load, with the
 * result in data); the next cpu_run() completes the instruction. */
void cpu_mmio_complete(struct cpu *c, uint64_t data);
/* After CPU_EXIT_MMIO: nothing is at that address; the access becomes a
 * synchronous external abort when the instruction is restarted. */
void cpu_mmio_abort(struct cpu *c);

/* Drop all TLB entries / translated code. */
void cpu_tlb_flush(struct cpu *c);
void cpu_tlb_flush_page(struct cpu *c, uint64_t va);
/* The same for the regimes in mask (bit n = enum mmu_idx n). */
void cpu_tlb_flush_mmu_idx(struct cpu *c, unsigned mask);
void cpu_tlb_flush_page_mmu_idx(struct cpu *c, uint64_t va, unsigned mask);
void cpu_code_invalidate_all(struct cpu *c);
/* Host memory [host, host+len) was written behind the CPU's back (DMA). */
void cpu_code_invalidate_host(struct cpu *c, const void *host, size_t len);
/* The guest's code in [addr, addr+len) may have changed. */
void cpu_code_invalidate_range(struct cpu *c, uint64_t addr, uint64_t len);

/* AArch32 (docs/aarch32.md).  Enter AArch32 at pc with the CPSR value cpsr
 * (NZCV, Q, GE, IT, T, M[3:0]; PSTATE.EL and the masks are the caller's), or
 * read the CPSR back (without A/I/F: a32_cpsr_full has them).  System mode
 * enters it by ERET (sys_eret) on models with AArch32 at EL0/EL1. */
void cpu_a32_enter(struct cpu *c, uint32_t pc, uint32_t cpsr);
uint32_t cpu_a32_cpsr(const struct cpu *c);
/* The whole CPSR as GetPSRFromPSTATE gives it: with A/I/F, SSBS, PAN, IL. */
uint32_t a32_cpsr_full(const struct cpu *c);
/* System mode without EL2: reset EL1 into AArch32 (a 32-bit kernel's
 * boot): SVC mode, MMU and caches off, A/I/F masked, A32 at pc (T32 if bit
 * 0 is set), r0-r2 as given, the other registers zero; sets
 * c->el1_a32_reset.  (Linux's zImage wants r0 = 0, r1 = ~0 (machine type,
 * unused with DT), r2 = the DTB's address.) */
void cpu_a32_reset_el1(struct cpu *c, uint32_t pc, uint32_t r0, uint32_t r1, uint32_t r2);

/* Read/write guest memory through the CPU's translation (false on fault). */
bool cpu_mem_read(struct cpu *c, uint64_t va, void *buf, size_t len);
bool cpu_mem_write(struct cpu *c, uint64_t va, const void *buf, size_t len);

#endif
