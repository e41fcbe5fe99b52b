/* Instruction-level differential tester of the A64 CPU against Unicorn:
 * shared definitions between the generator tables (forms.c) and the driver
 * (difftest.c). */
#ifndef NESTVM_DIFFTEST_H
#define NESTVM_DIFFTEST_H

#include <stdbool.h>
#include <stdint.h>

/* Instruction classes (a form may belong to several). */
enum {
    C_DP = 1 << 0,      /* integer data processing */
    C_LDST = 1 << 1,    /* loads/stores into the data region */
    C_EXCL = 1 << 2,    /* exclusives, acquire/release, LSE atomics */
    C_FP = 1 << 3,      /* scalar FP */
    C_SIMD = 1 << 4,    /* AdvSIMD integer */
    C_SIMDFP = 1 << 5,  /* AdvSIMD FP */
    C_CRYPTO = 1 << 6,  /* AES, SHA1/2/512, SHA3, PMULL */
    C_FLAGS = 1 << 7,   /* NZCV producers and consumers */
    C_RESERVED = 1 << 8,/* reserved encodings of the non-memory forms (derived, not listed) */
    C_MIXED = 1 << 9,   /* every form of every class in one block (derived, not listed) */
    C_UNADV = 1 << 10,  /* instructions of features the model may not advertise */
    NUM_CLASSES = 11,
};

/* How a memory form addresses the data region (the driver's generator fills
 * Rn/Rm/offsets so that every access stays inside the region). */
enum memkind {
    M_NONE = 0,
    M_UIMM,     /* [Xn|SP, #imm12 * size] */
    M_SIMM9,    /* unscaled / post / unprivileged / pre: idx field bits 11:10 */
    M_REG,      /* [Xn|SP, Rm, extend #s] */
    M_PAIR,     /* LDP/STP family, imm7 scaled, bits 24:23 = index mode */
    M_LIT,      /* PC-relative literal inside the code page */
    M_VMULT,    /* LD1-4/ST1-4 multiple structures (bit 23 = post-index) */
    M_VSINGLE,  /* LD1-4/ST1-4 single structure and LDnR (bit 23 = post-index) */
    M_BASE,     /* [Xn|SP] only, naturally aligned (exclusives, atomics, LDAR) */
};

/* ID registers naming features (C_UNADV forms). */
enum feat_reg { FR_NONE = 0, FR_ISAR0, FR_ISAR1, FR_PFR0, FR_PFR1 };

/* Form flags. */
enum {
    FL_VT = 1 << 0,     /* Rt/Rt2 are SIMD&FP registers */
    FL_NOGEN = 1 << 1,  /* only emitted as part of a sequence (e.g. STXR after LDXR) */
    FL_LDX = 1 << 2,    /* load exclusive: followed by its matching store exclusive */
    FL_CAS = 1 << 3,    /* CAS: optionally preceded by a load of the compare value */
    FL_CASP = 1 << 4,   /* CASP: even register pairs, optional preload */
    FL_PAIRREG = 1 << 5,/* LDXP/STXP: Rt2 is a data register too */
};

#define MAX_FIELDS 16
#define MAX_BAD 16

struct field {
    char name[12];
    uint8_t lo, width;
};

struct form {
    /* from the table */
    const char *name;
    unsigned cls;
    const char *pat;     /* decodegen-like pattern, MSB first: bits 0/1/x, fields name:W */
    const char *bad;     /* reserved combinations: "f=v f=v; f=v" (v decimal or bBITS with x) */
    int mem;             /* enum memkind */
    unsigned flags;
    /* optional extra validity check (true = acceptable) */
    bool (*ok)(uint32_t insn);
    /* C_UNADV: the ID register field that advertises the feature (value >= min) */
    int feat_reg;        /* enum feat_reg */
    uint8_t feat_shift, feat_min;
    /* compiled */
    uint32_t fixmask, fixval;
    int nfields;
    struct field fields[MAX_FIELDS];
    int nbad;
    uint32_t badmask[MAX_BAD], badval[MAX_BAD];
};

extern struct form forms[];
extern const int num_forms;

static inline uint32_t bits(uint32_t insn, int hi, int lo)
{
    return (insn >> lo) & ((1u << (hi - lo + 1)) - 1);
}

#endif
