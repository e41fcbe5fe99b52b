/* Differential testing of AArch32 (A32) against Unicorn's ARM mode, shared by
 * the unit test (tests/unit/test_a32.c, seconds) and the long-run tool
 * (tests/difftest/difftest-a32.c, scripts/difftest-a32).
 *
 * A case is a random register state (R0-R14 rich in edge values, random
 * NZCV, Q and GE) and one or a few random instructions of a class, followed
 * by SVC.  Both implementations run in User mode from the same state and
 * memory; R0-R14, NZCV, Q, GE, T, the PC where execution stopped and the
 * data memory must match.  Generators emit only encodings the Arm ARM
 * defines: UNPREDICTABLE shapes (PC/SP where forbidden, writeback onto a
 * transferred register, misaligned doubleword/multiple accesses, which the
 * reference does not fault) are not generated, so neither side's choice for
 * them is compared. */
#ifndef NESTVM_TEST_A32_DIFF_H
#define NESTVM_TEST_A32_DIFF_H

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "cpu_harness.h"

/* Layout inside the harness memory [HARNESS_BASE, +HARNESS_SIZE). */
#define A32_CODE_BASE HARNESS_BASE
#define A32_CODE_SIZE 0x40000u
#define A32_DATA_BASE (HARNESS_BASE + 0x80000u)
#define A32_DATA_SIZE 0x4000u
#define A32_DATA_MID (A32_DATA_BASE + A32_DATA_SIZE / 2)
#define A32_BR_BASE (HARNESS_BASE + 0x50000u) /* branch class: a field of SVCs */
#define A32_BR_SIZE 0x10000u
#define A32_SVC 0xef000000u
#define A32_MAX_INSNS 16

enum a32_class { A32C_DP, A32C_MUL, A32C_MISC, A32C_LDST, A32C_EXCL, A32C_BRANCH, A32C_SEQ, A32C_COUNT };
static const char *const a32_class_names[A32C_COUNT] = { "dp", "mul", "misc", "ldst", "excl", "branch", "seq" };

struct a32_state {
    uint32_t r[15];
    uint32_t cpsr;      /* NZCV Q GE (and T after a run) */
    uint32_t pc;        /* after a run: where execution stopped */
};

struct a32_case {
    uint32_t insn[A32_MAX_INSNS];
    unsigned n;
    bool branch;        /* run the reference for exactly one instruction */
    bool mem;
    unsigned npoke;     /* words to store into the data area first */
    uint32_t poke_addr[2], poke_val[2];
};

struct a32_stats {
    uint64_t cases, insns, mismatches, undef_ours, undef_ref;
};

/* ---- random ------------------------------------------------------------------- */

static uint64_t a32_rng = 0x2545F4914F6CDD1Dull;
static inline uint64_t a32_rnd(void)
{
    uint64_t x = a32_rng;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return a32_rng = x;
}
static inline unsigned a32_rndn(unsigned n) { return (unsigned)(a32_rnd() % n); }

static uint32_t a32_edge(void)
{
    static const uint32_t edges[] = {
        0, 1, 2, 0xffffffffu, 0x80000000u, 0x7fffffffu, 0x8000u, 0x7fffu, 0xffffu, 0xffff8000u, 0xff, 0x80,
        0x7f, 0xffffff80u, 0x80008000u, 0x7fff7fffu, 0x00010001u, 0xfffefffeu, 0x80808080u, 0x7f7f7f7fu,
        31, 32, 33, 63, 64, 255, 256, 0xfffffffeu, 0x80000001u, 0x40000000u, 0xc0000000u,
    };
    switch (a32_rndn(6)) {
    case 0: case 1: return edges[a32_rndn(sizeof(edges) / sizeof(edges[0]))];
    case 2: return a32_rndn(300);
    case 3: return (uint32_t)-(int32_t)a32_rndn(300);
    case 4: return (uint32_t)a32_rnd() >> a32_rndn(32);
    default: return (uint32_t)a32_rnd();
    }
}

static unsigned a32_cond(void)
{
    return a32_rndn(2) ? 14 : a32_rndn(15);
}

/* A register 0-14, sometimes one from a small set so operands repeat. */
static unsigned a32_reg(void)
{
    return a32_rndn(4) == 0 ? a32_rndn(3) : a32_rndn(15);
}

/* ---- generators: each fills c->insn and may adjust the state ------------------------- */

static uint32_t gen_dp(struct a32_state *s)
{
    (void)s;
    uint32_t cond = a32_cond(), opc, sbit;
    do {
        opc = a32_rndn(16);
        sbit = a32_rndn(2);
    } while (opc >= 8 && opc <= 11 && !sbit);
    unsigned rd = a32_reg(), rn = a32_rndn(10) == 0 ? 15 : a32_reg(), rm = a32_rndn(10) == 0 ? 15 : a32_reg();
    /* (0) fields: Rn of MOV/MVN, Rd of TST/TEQ/CMP/CMN */
    bool no_rn = opc == 13 || opc == 15, no_rd = opc >= 8 && opc <= 11;
    if (no_rn)
        rn = 0;
    if (no_rd)
        rd = 0;
    switch (a32_rndn(3)) {
    case 0:
        return cond << 28 | 1u << 25 | opc << 21 | sbit << 20 | rn << 16 | rd << 12 | a32_rndn(16) << 8 | a32_rndn(256);
    case 1:
        return cond << 28 | opc << 21 | sbit << 20 | rn << 16 | rd << 12 | a32_rndn(32) << 7 | a32_rndn(4) << 5 | rm;
    default: {
        unsigned rs = a32_reg();
        rn = no_rn ? 0 : a32_reg(), rm = a32_reg();
        if (a32_rndn(2))
            s->r[rs] = a32_rndn(2) ? a32_rndn(40) : (uint32_t)a32_rnd(); /* amounts around 32 */
        return cond << 28 | opc << 21 | sbit << 20 | rn << 16 | rd << 12 | rs << 8 | a32_rndn(4) << 5 | 1u << 4 | rm;
    }
    }
}

static uint32_t gen_mul(struct a32_state *s)
{
    (void)s;
    uint32_t cond = a32_cond();
    unsigned rd = a32_reg(), ra = a32_reg(), rm = a32_reg(), rn = a32_reg();
    switch (a32_rndn(5)) {
    case 0: {   /* MUL..SMLAL */
        unsigned op = a32_rndn(8), sb = (op == 2 || op == 3) ? 0 : a32_rndn(2);
        bool wide = op >= 4 || op == 2;
        while (wide && ra == rd)
            ra = a32_reg();
        if (op == 0)
            ra = 0;
        return cond << 28 | op << 21 | sb << 20 | rd << 16 | ra << 12 | rm << 8 | 0x90 | rn;
    }
    case 1: {   /* halfword multiplies */
        unsigned op = a32_rndn(4), m = a32_rndn(2), n = a32_rndn(2);
        if (op == 2)
            while (ra == rd)
                ra = a32_reg();
        if (op == 3 || (op == 1 && n))
            ra = 0;
        return cond << 28 | 0x01000000u | op << 21 | rd << 16 | ra << 12 | rm << 8 | 0x80 | m << 6 | n << 5 | rn;
    }
    case 2: {   /* dual / most-significant-word multiplies, divides */
        static const uint8_t forms[][2] = { { 0, 0 }, { 0, 1 }, { 0, 2 }, { 0, 3 }, { 4, 0 }, { 4, 1 }, { 4, 2 },
                                            { 4, 3 }, { 5, 0 }, { 5, 1 }, { 5, 6 }, { 5, 7 }, { 1, 0 }, { 3, 0 } };
        unsigned f = a32_rndn(sizeof(forms) / sizeof(forms[0]));
        unsigned op1 = forms[f][0], op2 = forms[f][1];
        if (op1 == 4)
            while (ra == rd)
                ra = a32_reg();
        if (op1 == 1 || op1 == 3 || ((op1 == 0 || op1 == 5) && op2 < 2 && a32_rndn(3) == 0))
            ra = 15;    /* SMUAD/SMUSD/SMMUL, and the divides' fixed field */
        return cond << 28 | 0x07000000u | op1 << 20 | rd << 16 | ra << 12 | rm << 8 | op2 << 5 | 0x10 | rn;
    }
    case 3:     /* USAD8 / USADA8 */
        if (a32_rndn(3) == 0)
            ra = 15;
        return cond << 28 | 0x07800010u | rd << 16 | ra << 12 | rm << 8 | rn;
    default:    /* MUL with flags, often */
        return cond << 28 | 0x00100090u | rd << 16 | rm << 8 | rn;
    }
}

static uint32_t gen_misc(struct a32_state *s)
{
    uint32_t cond = a32_cond();
    unsigned rd = a32_reg(), rn = a32_reg(), rm = a32_reg();
    switch (a32_rndn(16)) {
    case 0: return cond << 28 | 0x03000000u | a32_rndn(16) << 16 | rd << 12 | a32_rndn(4096);        /* MOVW */
    case 1: return cond << 28 | 0x03400000u | a32_rndn(16) << 16 | rd << 12 | a32_rndn(4096);        /* MOVT */
    case 2: return cond << 28 | 0x016f0f10u | rd << 12 | rm;                                           /* CLZ */
    case 3: {   /* REV REV16 RBIT REVSH */
        unsigned o = a32_rndn(4);
        return cond << 28 | 0x06bf0f30u | (o >> 1) << 22 | rd << 12 | (o & 1) << 7 | rm;
    }
    case 4: {   /* SBFX / UBFX */
        unsigned lsb = a32_rndn(32), w = 1 + a32_rndn(32 - lsb);
        return cond << 28 | 0x07a00050u | a32_rndn(2) << 22 | (w - 1) << 16 | rd << 12 | lsb << 7 | rn;
    }
    case 5: {   /* BFI / BFC */
        unsigned lsb = a32_rndn(32), msb = lsb + a32_rndn(32 - lsb);
        if (a32_rndn(4) == 0)
            rn = 15;
        return cond << 28 | 0x07c00010u | msb << 16 | rd << 12 | lsb << 7 | rn;
    }
    case 6: {   /* extend (and add) */
        static const uint8_t ops[] = { 0, 2, 3, 4, 6, 7 };
        unsigned op = ops[a32_rndn(6)];
        if (a32_rndn(3) == 0)
            rn = 15;
        return cond << 28 | 0x06800070u | op << 20 | rn << 16 | rd << 12 | a32_rndn(4) << 10 | rm;
    }
    case 7:     /* PKHBT / PKHTB */
        return cond << 28 | 0x06800010u | rn << 16 | rd << 12 | a32_rndn(32) << 7 | a32_rndn(2) << 6 | rm;
    case 8:     /* SEL */
        return cond << 28 | 0x06800fb0u | rn << 16 | rd << 12 | rm;
    case 9:     /* SSAT / USAT */
        return cond << 28 | 0x06a00010u | a32_rndn(2) << 22 | a32_rndn(32) << 16 | rd << 12 | a32_rndn(32) << 7 |
               a32_rndn(2) << 6 | rn;
    case 10:    /* SSAT16 / USAT16 */
        return cond << 28 | 0x06a00f30u | a32_rndn(2) << 22 | a32_rndn(16) << 16 | rd << 12 | rn;
    case 11:    /* QADD QSUB QDADD QDSUB */
        return cond << 28 | 0x01000050u | a32_rndn(4) << 21 | rn << 16 | rd << 12 | rm;
    case 12: {  /* parallel add/subtract */
        static const uint8_t op2s[] = { 0, 1, 2, 3, 4, 7 };
        return cond << 28 | 0x06000f10u | a32_rndn(2) << 22 | (1 + a32_rndn(3)) << 20 | rn << 16 | rd << 12 |
               op2s[a32_rndn(6)] << 5 | rm;
    }
    case 13:    /* MRS Rd, APSR */
        return cond << 28 | 0x010f0000u | rd << 12;
    case 14: {  /* MSR APSR_{nzcvq,g}, Rn / #imm */
        unsigned mask = 4u * (1 + a32_rndn(3));
        if (a32_rndn(2))
            return cond << 28 | 0x0120f000u | mask << 16 | rn;
        return cond << 28 | 0x0320f000u | mask << 16 | a32_rndn(16) << 8 | a32_rndn(256);
    }
    default: {  /* hints: NOP SEV SEVL (YIELD, WFE, WFI stop the reference) */
        static const uint8_t hints[] = { 0, 4, 5 };
        (void)s;
        return cond << 28 | 0x0320f000u | hints[a32_rndn(3)];
    }
    }
}

/* A base register value inside the data area, aligned to align. */
static uint32_t a32_base(unsigned align)
{
    return (uint32_t)(A32_DATA_MID - 0x800 + a32_rndn(0x1000)) & ~(align - 1);
}

static uint32_t gen_ldst(struct a32_state *s)
{
    uint32_t cond = a32_cond();
    unsigned p, u = a32_rndn(2), w, l = a32_rndn(2), rn = a32_rndn(15), rt, rm;
    do {
        p = a32_rndn(2), w = a32_rndn(2);
    } while (!p && w);   /* no T forms: compared as plain forms below */
    bool wback = !p || w;
    do rt = a32_reg(); while (wback && rt == rn);
    do rm = a32_reg(); while (rm == rn);
    switch (a32_rndn(4)) {
    case 0: {   /* LDR/STR/LDRB/STRB (immediate); literal loads sometimes */
        unsigned b = a32_rndn(2);
        if (!wback && l && u && a32_rndn(8) == 0)
            rn = 15;    /* literal, forwards: stays inside the code area */
        else
            s->r[rn] = a32_base(1);
        return cond << 28 | 0x04000000u | p << 24 | u << 23 | b << 22 | w << 21 | l << 20 | rn << 16 | rt << 12 |
               a32_rndn(4096);
    }
    case 1: {   /* register offset: offsets kept inside the data area */
        unsigned b = a32_rndn(2), type = a32_rndn(4), imm5 = a32_rndn(32);
        uint32_t small = a32_rndn(256);
        s->r[rn] = a32_base(1);
        if (type == 0) {
            imm5 &= 3;
            s->r[rm] = small;
        } else if (type == 3 && imm5 == 0) {    /* RRX: keep the carry in clear */
            s->cpsr &= ~(1u << 29);
            s->r[rm] = small << 1;
        } else if (imm5 == 0) {                 /* LSR/ASR #32: 0 or -1 */
            s->r[rm] = a32_edge();
        } else {
            s->r[rm] = (uint32_t)((uint64_t)small << imm5) & (type == 2 ? 0x7fffffffu : ~0u);
        }
        return cond << 28 | 0x06000000u | p << 24 | u << 23 | b << 22 | w << 21 | l << 20 | rn << 16 | rt << 12 |
               imm5 << 7 | type << 5 | rm;
    }
    case 2: {   /* halfword, signed byte/halfword, doubleword */
        unsigned op2 = 1 + a32_rndn(3), imm = a32_rndn(256), reg = a32_rndn(2);
        bool dual = !l && op2 >= 2;
        if (dual) {
            rt = 2 * a32_rndn(7);
            while (wback && (rn == rt || rn == rt + 1))
                rn = a32_rndn(15);
            while (rm == rn || (op2 == 2 && (rm == rt || rm == rt + 1)))
                rm = a32_rndn(15);
            imm &= ~3u;
            s->r[rn] = a32_base(4);
            s->r[rm] = 4 * a32_rndn(64);
        } else {
            s->r[rn] = a32_base(1);
            s->r[rm] = a32_rndn(256);
        }
        if (reg)
            return cond << 28 | p << 24 | u << 23 | w << 21 | l << 20 | rn << 16 | rt << 12 | 0x90 | op2 << 5 | rm;
        return cond << 28 | p << 24 | u << 23 | 1u << 22 | w << 21 | l << 20 | rn << 16 | rt << 12 | (imm >> 4) << 8 |
               0x90 | op2 << 5 | (imm & 15);
    }
    default: {  /* LDM/STM, all four modes */
        unsigned list;
        w = a32_rndn(2);
        do {
            list = (unsigned)a32_rnd() & 0x7fff;
            if (a32_rndn(4) == 0)
                list &= (unsigned)a32_rnd();
            if (w && (list >> rn & 1) && (l || (list & ((1u << rn) - 1))))
                list &= ~(1u << rn);
        } while (!list);
        if (!l && a32_rndn(4) == 0)
            list |= 1u << 15;   /* STM of the PC: PC + 8 */
        s->r[rn] = a32_base(4);
        return cond << 28 | 0x08000000u | a32_rndn(2) << 24 | u << 23 | w << 21 | l << 20 | rn << 16 | list;
    }
    }
}

/* LDREX/STREX pairs (and acquire/release forms), one address. */
static unsigned gen_excl(struct a32_state *s, uint32_t *out)
{
    static const uint8_t sizes[4] = { 4, 8, 1, 2 };
    unsigned sz = a32_rndn(4), size = sizes[sz], rn = a32_rndn(15);
    unsigned ord = a32_rndn(2);     /* 1: LDAEX/STLEX */
    unsigned rt, rt2, rd;
    do rt = size == 8 ? 2 * a32_rndn(7) : a32_rndn(15); while (rt == rn || (size == 8 && rt + 1 == rn));
    do rd = a32_rndn(15); while (rd == rn || rd == rt || (size == 8 && rd == rt + 1));
    do rt2 = size == 8 ? 2 * a32_rndn(7) : a32_rndn(15); while (rt2 == rd || (size == 8 && rt2 + 1 == rd));
    s->r[rn] = a32_base(8);
    uint32_t x98 = ord ? 0x2 : 0x3;
    if (a32_rndn(5) == 0 && size != 8) {    /* LDA / STL */
        uint32_t ld = 0xe1900c9fu | sz << 21 | rn << 16 | rt << 12;
        uint32_t st = 0xe180fc90u | sz << 21 | rn << 16 | rt2;
        out[0] = a32_rndn(2) ? ld : st;
        return 1;
    }
    uint32_t ldrex = 0xe1900c9fu | sz << 21 | rn << 16 | rt << 12 | x98 << 8;
    uint32_t strex = 0xe1800c90u | sz << 21 | rn << 16 | rd << 12 | x98 << 8 | rt2;
    unsigned n = 0;
    out[n++] = 0xf57ff01fu;     /* CLREX: the monitor state of earlier cases does not matter */
    switch (a32_rndn(4)) {
    case 0: out[n++] = strex; break;                                   /* monitor closed: fails */
    case 1: out[n++] = ldrex; break;
    case 2: out[n++] = ldrex; out[n++] = 0xf57ff01fu; out[n++] = strex; break;   /* CLREX between */
    default: out[n++] = ldrex; out[n++] = strex; break;
    }
    return n;
}

/* Branches and writes to the PC, landing in a field of SVCs. */
static uint32_t gen_branch(struct a32_state *s, uint32_t pc, struct a32_case *k)
{
    uint32_t cond = a32_cond();
    unsigned rm = a32_rndn(15);
    uint32_t target = (A32_BR_BASE + 0x100 + a32_rndn(A32_BR_SIZE - 0x200)) & ~3u;
    switch (a32_rndn(7)) {
    case 0: case 1: {   /* B / BL */
        int32_t off = (int32_t)(target - (pc + 8)) >> 2;
        return cond << 28 | 0x0a000000u | a32_rndn(2) << 24 | ((uint32_t)off & 0xffffff);
    }
    case 2: {   /* BLX (immediate): to T32 */
        int32_t off = (int32_t)(target + 2 * a32_rndn(2) - (pc + 8));
        return 0xfa000000u | ((uint32_t)off >> 1 & 1) << 24 | ((uint32_t)(off >> 2) & 0xffffff);
    }
    case 3: {   /* BX / BLX (register), to either state */
        unsigned l = a32_rndn(2);
        s->r[rm] = a32_rndn(3) == 0 ? (target | 1) + 2 * a32_rndn(2) : target;
        return cond << 28 | 0x012fff10u | l << 5 | rm;
    }
    case 4: {   /* MOV/ADD pc (interworking: BXWritePC) */
        s->r[rm] = a32_rndn(3) == 0 ? (target | 1) : target;
        return cond << 28 | 0x01a0f000u | rm;
    }
    case 5: {   /* LDR pc, [Rn, #imm] */
        unsigned rn = a32_rndn(15), imm = a32_rndn(64) * 4;
        s->r[rn] = a32_base(4);
        k->poke_addr[k->npoke] = s->r[rn] + imm;
        k->poke_val[k->npoke++] = a32_rndn(3) == 0 ? (target | 1) : target;
        return cond << 28 | 0x0590f000u | rn << 16 | imm;
    }
    default: {  /* LDM with the PC (pop), IA or IB */
        unsigned rn = a32_rndn(15), p = a32_rndn(2);
        unsigned list = ((unsigned)a32_rnd() & 0x7fff & ~(1u << rn)) | 0x8000;
        s->r[rn] = a32_base(4);
        k->poke_addr[k->npoke] = s->r[rn] + 4 * (unsigned)__builtin_popcount(list) - (p ? 0 : 4);
        k->poke_val[k->npoke++] = a32_rndn(3) == 0 ? (target | 1) : target;
        return cond << 28 | 0x08900000u | p << 24 | a32_rndn(2) << 21 | rn << 16 | list;
    }
    }
}

/* ---- running ----------------------------------------------------------------------------------- */

struct a32_diff {
    struct harness h;
    uc_engine *uc;
    uint32_t next_code;     /* rotating code slots: no stale translations */
    uint8_t data_ours[A32_DATA_SIZE], data_ref[A32_DATA_SIZE];
    bool verbose;
};

static void a32_diff_init(struct a32_diff *d)
{
    memset(d, 0, sizeof(*d));
    harness_init(&d->h);
    if (uc_open(UC_ARCH_ARM, UC_MODE_ARM, &d->uc) != UC_ERR_OK) {
        fprintf(stderr, "uc_open(ARM) failed\n");
        exit(1);
    }
    uc_ctl_set_cpu_model(d->uc, UC_CPU_ARM_MAX);
    uc_mem_map(d->uc, HARNESS_BASE, HARNESS_SIZE, UC_PROT_ALL);
    /* Data: random, the same on both sides.  Branch field: SVCs. */
    for (unsigned i = 0; i < A32_DATA_SIZE; i++)
        d->h.mem[A32_DATA_BASE - HARNESS_BASE + i] = (uint8_t)a32_rnd();
    for (unsigned i = 0; i < A32_BR_SIZE; i += 4)
        memcpy(&d->h.mem[A32_BR_BASE - HARNESS_BASE + i], &(uint32_t){ A32_SVC }, 4);
    uc_mem_write(d->uc, HARNESS_BASE, d->h.mem, HARNESS_SIZE);
    d->next_code = A32_CODE_BASE;
}

static void a32_diff_free(struct a32_diff *d)
{
    uc_close(d->uc);
    harness_free(&d->h);
}

/* Unicorn's ids of R0-R14 (R13/R14 are SP/LR, not R0 + n). */
static int a32_uc_reg(int i)
{
    return i < 13 ? UC_ARM_REG_R0 + i : i == 13 ? UC_ARM_REG_SP : UC_ARM_REG_LR;
}

static void a32_random_state(struct a32_state *s)
{
    for (int i = 0; i < 15; i++)
        s->r[i] = a32_edge();
    s->cpsr = (uint32_t)a32_rndn(16) << 28 | (uint32_t)a32_rndn(2) << 27 | (uint32_t)a32_rndn(16) << 16;
}

/* Make a case of class cls at code address pc; adjusts the state. */
static void a32_make_case(enum a32_class cls, struct a32_case *k, struct a32_state *s, uint32_t pc)
{
    memset(k, 0, sizeof(*k));
    switch (cls) {
    case A32C_DP: k->insn[k->n++] = gen_dp(s); break;
    case A32C_MUL: k->insn[k->n++] = gen_mul(s); break;
    case A32C_MISC: k->insn[k->n++] = gen_misc(s); break;
    case A32C_LDST: k->insn[k->n++] = gen_ldst(s); k->mem = true; break;
    case A32C_EXCL: k->n = gen_excl(s, k->insn); k->mem = true; break;
    case A32C_BRANCH: k->insn[k->n++] = gen_branch(s, pc, k); k->branch = true; k->mem = true; break;
    default: {  /* sequences: flags and conditions flow between instructions */
        unsigned n = 4 + a32_rndn(8);
        for (unsigned i = 0; i < n; i++) {
            switch (a32_rndn(3)) {
            case 0: k->insn[k->n++] = gen_dp(s); break;
            case 1: k->insn[k->n++] = gen_mul(s); break;
            default: k->insn[k->n++] = gen_misc(s); break;
            }
        }
        break;
    }
    }
}

/* Run a case on both sides from state s.  Returns true when they agree. */
static bool a32_run_case(struct a32_diff *d, const struct a32_case *k, const struct a32_state *s0,
                         struct a32_stats *st, const char *cname)
{
    uint32_t need = 4 * (k->n + 1);
    if (d->next_code + need > A32_CODE_BASE + A32_CODE_SIZE) {
        d->next_code = A32_CODE_BASE;
        cpu_code_invalidate_all(d->h.cpu);
    }
    uint32_t pc = d->next_code;
    d->next_code += need;
    uint32_t words[A32_MAX_INSNS + 1];
    memcpy(words, k->insn, 4 * k->n);
    words[k->n] = A32_SVC;
    memcpy(&d->h.mem[pc - HARNESS_BASE], words, need);
    uc_mem_write(d->uc, pc, words, need);
    for (unsigned i = 0; i < k->npoke; i++) {
        memcpy(&d->h.mem[k->poke_addr[i] - HARNESS_BASE], &k->poke_val[i], 4);
        uc_mem_write(d->uc, k->poke_addr[i], &k->poke_val[i], 4);
    }
    uc_ctl_remove_cache(d->uc, pc, pc + need);

    /* ours */
    struct cpu *c = d->h.cpu;
    for (int i = 0; i < 15; i++)
        c->x[i] = s0->r[i];
    for (int i = 15; i < 31; i++)
        c->x[i] = 0;
    cpu_a32_enter(c, pc, s0->cpsr | 0x10);
    enum cpu_exit r = cpu_run(c);
    struct a32_state o;
    for (int i = 0; i < 15; i++)
        o.r[i] = (uint32_t)c->x[i];
    o.cpsr = cpu_a32_cpsr(c) & 0xf80f0020u;
    bool ours_undef = r == CPU_EXIT_UNDEF;
    /* SVC leaves the pc after it; the branch field's T32 landing is UNDEFINED
     * (no T32 yet), which also stops at the landing pc. */
    o.pc = r == CPU_EXIT_SVC ? (uint32_t)c->pc - 4 : (uint32_t)c->pc;
    bool ours_stopped_ok = r == CPU_EXIT_SVC || (k->branch && r == CPU_EXIT_UNDEF && (o.cpsr & 0x20));

    /* reference */
    uint32_t v;
    uint32_t cpsr = s0->cpsr | 0x10;
    uc_reg_write(d->uc, UC_ARM_REG_CPSR, &cpsr);
    for (int i = 0; i < 15; i++)
        uc_reg_write(d->uc, a32_uc_reg(i), &s0->r[i]);
    uc_err err = k->branch ? uc_emu_start(d->uc, pc, 0xffffffffu, 0, 1) : uc_emu_start(d->uc, pc, pc + 4 * k->n, 0, 0);
    struct a32_state rs;
    for (int i = 0; i < 15; i++)
        uc_reg_read(d->uc, a32_uc_reg(i), &rs.r[i]);
    uc_reg_read(d->uc, UC_ARM_REG_CPSR, &v);
    rs.cpsr = v & 0xf80f0020u;
    uc_reg_read(d->uc, UC_ARM_REG_PC, &rs.pc);
    /* An exception stops the reference at the instruction (its pc). */
    bool ref_undef = err != UC_ERR_OK;

    st->cases++;
    st->insns += k->n;
    bool ok = true;
    const char *why = "";
    if (ref_undef || ours_undef) {
        if (ref_undef && !ours_undef) {
            st->undef_ref++;
            ok = false, why = "UNDEFINED on the reference only";
        } else if (!ref_undef && !(k->branch && ours_stopped_ok)) {
            st->undef_ours++;
            ok = false, why = "UNDEFINED on ours only";
        }
        if (ref_undef && ours_undef)
            return true;
    }
    if (ok && !ours_stopped_ok)
        ok = false, why = "ours stopped unexpectedly";
    if (ok && memcmp(o.r, rs.r, sizeof(o.r)))
        ok = false, why = "registers";
    if (ok && o.cpsr != rs.cpsr)
        ok = false, why = "CPSR (NZCV Q GE T)";
    if (ok && o.pc != rs.pc)
        ok = false, why = "pc";
    if (ok && k->mem) {
        memcpy(d->data_ours, &d->h.mem[A32_DATA_BASE - HARNESS_BASE], A32_DATA_SIZE);
        uc_mem_read(d->uc, A32_DATA_BASE, d->data_ref, A32_DATA_SIZE);
        if (memcmp(d->data_ours, d->data_ref, A32_DATA_SIZE))
            ok = false, why = "memory";
    }
    if (!ok) {
        st->mismatches++;
        if (d->verbose || st->mismatches <= 10) {
            printf("MISMATCH class %s (%s), ours exit %d, ref err %d:", cname, why, (int)r, (int)err);
            for (unsigned i = 0; i < k->n; i++)
                printf(" %08x", k->insn[i]);
            printf("\n  in : cpsr %08x", s0->cpsr);
            for (int i = 0; i < 15; i++)
                printf(" r%d=%08x", i, s0->r[i]);
            printf("\n  ours: pc %08x cpsr %08x", o.pc, o.cpsr);
            for (int i = 0; i < 15; i++)
                if (o.r[i] != rs.r[i])
                    printf(" r%d=%08x", i, o.r[i]);
            printf("\n  ref : pc %08x cpsr %08x", rs.pc, rs.cpsr);
            for (int i = 0; i < 15; i++)
                if (o.r[i] != rs.r[i])
                    printf(" r%d=%08x", i, rs.r[i]);
            printf("\n");
        }
    }
    /* Keep the two memories identical for the next case. */
    if (k->mem) {
        memcpy(d->data_ours, &d->h.mem[A32_DATA_BASE - HARNESS_BASE], A32_DATA_SIZE);
        uc_mem_write(d->uc, A32_DATA_BASE, d->data_ours, A32_DATA_SIZE);
    }
    return ok;
}

/* n cases of class cls. */
static void a32_run_class(struct a32_diff *d, enum a32_class cls, uint64_t n, struct a32_stats *st)
{
    for (uint64_t i = 0; i < n; i++) {
        struct a32_state s;
        struct a32_case k;
        a32_random_state(&s);
        a32_make_case(cls, &k, &s, d->next_code);
        if (d->next_code + 4 * (k.n + 1) > A32_CODE_BASE + A32_CODE_SIZE) {
            /* the slot wraps: regenerate at the start (branch offsets depend on pc) */
            d->next_code = A32_CODE_BASE;
            cpu_code_invalidate_all(d->h.cpu);
            a32_random_state(&s);
            a32_make_case(cls, &k, &s, d->next_code);
        }
        a32_run_case(d, &k, &s, st, a32_class_names[cls]);
    }
}

#endif
