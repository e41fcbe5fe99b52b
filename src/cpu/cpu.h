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
    NUM_XSLOTS = 34,
};

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
};

/* Exception syndrome classes (ESR_ELx.EC) used across the CPU. */
enum {
    EC_UNKNOWN = 0x00,
    EC_WFX = 0x01,
    EC_FP_ACCESS = 0x07,
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
    EC_SERROR = 0x2f,
    EC_BRK64 = 0x3c,
};

struct exc_info {
    uint32_t ec;        /* exception class */
    uint32_t iss;       /* syndrome */
    uint64_t far;       /* faulting address where applicable */
    int access;         /* enum access_kind for aborts */
    bool perm;          /* abort was a permission fault (page mapped) */
};

struct cpu;
struct block;

/* What the CPU needs from its environment.  In user mode, translate() serves
 * the emulated process's address space; in system mode, the MMU. */
struct cpu_env {
    /* Translate va for an access.  On success fill *e's tag for that access kind
     * and its addend and return true; otherwise fill exc and return false. */
    bool (*tlb_fill)(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e,
                     struct exc_info *exc);
    void *opaque;
};

struct block_cache;

struct cpu {
    /* Hot state first. */
    uint64_t x[NUM_XSLOTS];
    uint64_t pc;
    uint32_t nzcv;
    uint32_t fpcr, fpsr;
    vreg v[32];

    struct tlb_entry tlb[TLB_SIZE];

    /* The block being executed (for the pc of a faulting uop). */
    const struct block *blk;
    volatile int exit_request;   /* checked between blocks */
    volatile int external_exit;  /* cpu_request_exit() was called */

    /* Exclusive monitor (local). */
    uint64_t excl_addr;     /* ~0 when open */
    uint64_t excl_val[2];
    int excl_size;

    /* Thread-local system registers visible at EL0. */
    uint64_t tpidr_el0, tpidrro_el0;

    /* Feature/ID state. */
    const struct cpu_model *model;

    /* User-mode behaviour: exceptions leave cpu_run() instead of vectoring. */
    bool user_mode;

    struct exc_info exc;
    enum cpu_exit exit_reason;
    jmp_buf jmp;

    struct cpu_env env;
    struct block_cache *bc;

    uint64_t insn_count_hint; /* blocks executed, for statistics */
};

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
};

const struct cpu_model *cpu_model_find(const char *name);
const struct cpu_model *cpu_model_default(void);
void cpu_model_list(void (*cb)(const struct cpu_model *m, void *opaque), void *opaque);

/* Lifecycle. */
struct cpu *cpu_new(const struct cpu_model *model, const struct cpu_env *env, bool user_mode);
void cpu_free(struct cpu *c);

/* Run until an exit condition.  Returns the reason (also in c->exit_reason). */
enum cpu_exit cpu_run(struct cpu *c);

/* Ask a running cpu_run() to return soon (safe from other threads/signals). */
void cpu_request_exit(struct cpu *c);

/* Drop all TLB entries / translated code. */
void cpu_tlb_flush(struct cpu *c);
void cpu_tlb_flush_page(struct cpu *c, uint64_t va);
void cpu_code_invalidate_all(struct cpu *c);
/* The guest's code in [addr, addr+len) may have changed. */
void cpu_code_invalidate_range(struct cpu *c, uint64_t addr, uint64_t len);

/* Read/write guest memory through the CPU's translation (false on fault). */
bool cpu_mem_read(struct cpu *c, uint64_t va, void *buf, size_t len);
bool cpu_mem_write(struct cpu *c, uint64_t va, const void *buf, size_t len);

#endif
