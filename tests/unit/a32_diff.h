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
#define A32_BR_BASE (HARNESS_BASE + 0x50000u) /* branch landings: a field of A32 SVCs */
#define A32_BR_SIZE 0x10000u
#define A32_TBR_BASE (HARNESS_BASE + 0x60000u) /* and of T32 SVCs */
#define A32_SVC 0xef000000u
#define T32_SVC 0xdf00u
#define A32_MAX_INSNS 16

enum a32_class {
    A32C_DP, A32C_MUL, A32C_MISC, A32C_LDST, A32C_EXCL, A32C_BRANCH, A32C_SEQ,
    T32C_T16, T32C_DP, T32C_MUL, T32C_LDST, T32C_EXCL, T32C_BRANCH, T32C_IT, T32C_SEQ,
    A32C_COUNT
};
static const char *const a32_class_names[A32C_COUNT] = {
    "dp", "mul", "misc", "ldst", "excl", "branch", "seq",
    "t16", "t32dp", "t32mul", "tldst", "texcl", "tbranch", "tit", "tseq",
};

struct a32_state {
    uint32_t r[15];
    uint32_t cpsr;      /* NZCV Q GE (and T after a run) */
    uint32_t pc;        /* after a run: where execution stopped */
};

struct a32_case {
    uint32_t insn[A32_MAX_INSNS];
    unsigned n;
    bool thumb;         /* T32: insn[i] is hw1 << 16 | hw2 when wide[i], else hw1 */
    bool wide[A32_MAX_INSNS];
    bool branch;        /* run the reference for one instruction */
    bool to_field;      /* run the reference until a landing field or the end */
    unsigned pad;       /* trailing SVCs (landing places) among insn[], not counted */
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

/* The reference sets Q for SMLAD/SMLADX when the sum of the two products
 * overflows even if adding Ra brings the result back into range; the Arm
 * ARM tests the complete result once (only both products being 2^30, all
 * four halves 0x8000, overflow there).  Keep the state out of that case. */
static void smlad_avoid_ref_quirk(struct a32_state *s, unsigned rn, unsigned rm)
{
    if (s->r[rn] == 0x80008000u && s->r[rm] == 0x80008000u)
        s->r[rn] ^= 1;
}

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
        if (op1 == 0 && op2 < 2 && ra != 15)
            smlad_avoid_ref_quirk(s, rn, rm);
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
    default: {  /* hints (NOP SEV SEVL; YIELD, WFE, WFI stop the reference), barriers, preloads */
        static const uint8_t hints[] = { 0, 4, 5 };
        switch (a32_rndn(4)) {
        case 0: return 0xf57ff040u | (4 + a32_rndn(3)) << 4 | 0xf;     /* DSB DMB ISB SY */
        case 1: return 0xf550f000u | a32_rndn(2) << 23 | a32_rndn(2) << 22 | rn << 16 | a32_rndn(4096); /* PLD(W) */
        case 2: return 0xf450f000u | a32_rndn(2) << 23 | rn << 16 | a32_rndn(4096);                     /* PLI */
        default: return cond << 28 | 0x0320f000u | hints[a32_rndn(3)];
        }
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
    p = a32_rndn(2), w = a32_rndn(2);   /* P = 0, W = 1: LDRT/STRT..., plain at EL0 */
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
        if (dual && !p && w)
            w = 0;  /* no LDRDT/STRDT */
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

/* A branch target in the landing field of its instruction set (bit 0 set
 * for T32, any halfword there). */
static uint32_t a32_target(bool thumb)
{
    if (thumb)
        return ((A32_TBR_BASE + 0x100 + a32_rndn(A32_BR_SIZE - 0x200)) & ~1u) | 1;
    return (A32_BR_BASE + 0x100 + a32_rndn(A32_BR_SIZE - 0x200)) & ~3u;
}

/* Branches and writes to the PC, landing in a field of SVCs. */
static uint32_t gen_branch(struct a32_state *s, uint32_t pc, struct a32_case *k)
{
    uint32_t cond = a32_cond();
    unsigned rm = a32_rndn(15);
    uint32_t target = a32_target(false);
    switch (a32_rndn(7)) {
    case 0: case 1: {   /* B / BL */
        int32_t off = (int32_t)(target - (pc + 8)) >> 2;
        return cond << 28 | 0x0a000000u | a32_rndn(2) << 24 | ((uint32_t)off & 0xffffff);
    }
    case 2: {   /* BLX (immediate): to T32 */
        int32_t off = (int32_t)((a32_target(true) & ~1u) - (pc + 8));
        return 0xfa000000u | ((uint32_t)off >> 1 & 1) << 24 | ((uint32_t)(off >> 2) & 0xffffff);
    }
    case 3: {   /* BX / BLX (register), to either state */
        unsigned l = a32_rndn(2);
        s->r[rm] = a32_target(a32_rndn(3) == 0);
        return cond << 28 | 0x012fff10u | l << 5 | rm;
    }
    case 4: {   /* MOV/ADD pc (interworking: BXWritePC) */
        s->r[rm] = a32_target(a32_rndn(3) == 0);
        return cond << 28 | 0x01a0f000u | rm;
    }
    case 5: {   /* LDR pc, [Rn, #imm] */
        unsigned rn = a32_rndn(15), imm = a32_rndn(64) * 4;
        s->r[rn] = a32_base(4);
        k->poke_addr[k->npoke] = s->r[rn] + imm;
        k->poke_val[k->npoke++] = a32_target(a32_rndn(3) == 0);
        return cond << 28 | 0x0590f000u | rn << 16 | imm;
    }
    default: {  /* LDM with the PC (pop), IA or IB */
        unsigned rn = a32_rndn(15), p = a32_rndn(2);
        unsigned list = ((unsigned)a32_rnd() & 0x7fff & ~(1u << rn)) | 0x8000;
        s->r[rn] = a32_base(4);
        k->poke_addr[k->npoke] = s->r[rn] + 4 * (unsigned)__builtin_popcount(list) - (p ? 0 : 4);
        k->poke_val[k->npoke++] = a32_target(a32_rndn(3) == 0);
        return cond << 28 | 0x08900000u | p << 24 | a32_rndn(2) << 21 | rn << 16 | list;
    }
    }
}

/* ---- T32 generators ------------------------------------------------------------------------------ */

static inline void t_add16(struct a32_case *k, uint32_t hw)
{
    k->wide[k->n] = false;
    k->insn[k->n++] = hw & 0xffff;
}

static inline void t_add32(struct a32_case *k, uint32_t hw1, uint32_t hw2)
{
    k->wide[k->n] = true;
    k->insn[k->n++] = hw1 << 16 | (hw2 & 0xffff);
}

static unsigned lo(void) { return a32_rndn(8); }
/* A register for 32-bit T32 operands: not SP or PC (UNPREDICTABLE there). */
static unsigned treg(void) { unsigned r = a32_rndn(14); return r == 13 ? 14 : r; }

/* 16-bit data processing (no memory, no branches). */
static void gen_t16_dp(struct a32_state *s, struct a32_case *k, bool in_it)
{
    (void)s;
    switch (a32_rndn(12)) {
    case 0: {   /* shift (immediate) / MOVS */
        unsigned op = a32_rndn(3), imm5 = a32_rndn(32);
        if (in_it && op == 0 && imm5 == 0)
            imm5 = 1;
        t_add16(k, op << 11 | imm5 << 6 | lo() << 3 | lo());
        break;
    }
    case 1: t_add16(k, 0x1800 | a32_rndn(2) << 9 | lo() << 6 | lo() << 3 | lo()); break;   /* ADD/SUB reg */
    case 2: t_add16(k, 0x1c00 | a32_rndn(2) << 9 | lo() << 6 | lo() << 3 | lo()); break;   /* ADD/SUB imm3 */
    case 3: case 4: t_add16(k, 0x2000 | a32_rndn(4) << 11 | lo() << 8 | a32_rndn(256)); break;
    case 5: case 6: case 7: t_add16(k, 0x4000 | a32_rndn(16) << 6 | lo() << 3 | lo()); break;
    case 8: {   /* ADD/CMP/MOV with high registers (no PC writes here) */
        unsigned op = a32_rndn(3), d, m;
        do {
            d = a32_rndn(15), m = a32_rndn(16);
        } while ((op == 1 && ((d < 8 && m < 8) || m == 15)) || (op != 1 && m == 15 && a32_rndn(2)));
        t_add16(k, 0x4400 | op << 8 | (d >> 3) << 7 | m << 3 | (d & 7));
        break;
    }
    case 9: t_add16(k, 0xb200 | a32_rndn(4) << 6 | lo() << 3 | lo()); break;               /* SXTH.. */
    case 10: {  /* REV REV16 REVSH */
        static const uint8_t ops[3] = { 0, 1, 3 };
        t_add16(k, 0xba00 | ops[a32_rndn(3)] << 6 | lo() << 3 | lo());
        break;
    }
    default:    /* ADR, ADD Rd, SP, #imm, ADD/SUB SP, #imm */
        switch (a32_rndn(3)) {
        case 0: t_add16(k, 0xa000 | lo() << 8 | a32_rndn(256)); break;
        case 1: t_add16(k, 0xa800 | lo() << 8 | a32_rndn(256)); break;
        default: t_add16(k, 0xb000 | a32_rndn(2) << 7 | a32_rndn(128)); break;
        }
        break;
    }
}

/* A ThumbExpandImm-able imm12 (no zero byte in the replicated forms). */
static unsigned t_imm12(void)
{
    unsigned imm12;
    do
        imm12 = a32_rndn(4096);
    while ((imm12 >> 10) == 0 && (imm12 >> 8 & 3) != 0 && (imm12 & 0xff) == 0);
    return imm12;
}

/* 32-bit data processing. */
static void gen_t32_dp(struct a32_state *s, struct a32_case *k)
{
    static const uint8_t dp_ops[] = { 0, 1, 2, 3, 4, 8, 10, 11, 13, 14 };
    unsigned rd = treg(), rn = treg(), rm = treg();
    switch (a32_rndn(14)) {
    case 0: case 1: case 2: {   /* modified immediate / shifted register */
        unsigned op = dp_ops[a32_rndn(10)], sb = a32_rndn(2), imm;
        bool reg = a32_rndn(2);
        if (sb && (op == 0 || op == 4 || op == 8 || op == 13) && a32_rndn(4) == 0)
            rd = 15;    /* TST TEQ CMN CMP */
        if ((op == 2 || op == 3) && a32_rndn(3) == 0)
            rn = 15;    /* MOV MVN */
        if (reg) {
            imm = a32_rndn(32);
            t_add32(k, 0xea00 | op << 5 | sb << 4 | rn, (imm >> 2) << 12 | rd << 8 | (imm & 3) << 6 | a32_rndn(4) << 4 | rm);
        } else {
            imm = t_imm12();
            t_add32(k, 0xf000 | (imm >> 11) << 10 | op << 5 | sb << 4 | rn, (imm >> 8 & 7) << 12 | rd << 8 | (imm & 0xff));
        }
        break;
    }
    case 3: {   /* ADDW SUBW MOVW MOVT */
        static const uint8_t ops[4] = { 0x00, 0x0a, 0x04, 0x0c };
        unsigned op = ops[a32_rndn(4)], imm = a32_rndn(4096);
        if (op <= 0x0a && a32_rndn(5) == 0)
            rn = a32_rndn(3) ? 13 : 15;
        if (op == 0x04 || op == 0x0c)
            rn = a32_rndn(16);
        t_add32(k, 0xf200 | (imm >> 11) << 10 | op << 4 | rn, (imm >> 8 & 7) << 12 | rd << 8 | (imm & 0xff));
        break;
    }
    case 4: {   /* SSAT USAT (16) */
        unsigned u = a32_rndn(2), sh = a32_rndn(2), amt = a32_rndn(32), sat = a32_rndn(32);
        if (sh && amt == 0)
            sat &= 15;
        t_add32(k, 0xf300 | u << 7 | sh << 5 | rn, (amt >> 2) << 12 | rd << 8 | (amt & 3) << 6 | sat);
        break;
    }
    case 5: {   /* SBFX UBFX BFI BFC */
        unsigned lsb = a32_rndn(32), which = a32_rndn(3);
        if (which < 2) {
            unsigned w = 1 + a32_rndn(32 - lsb);
            t_add32(k, 0xf340 | which << 7 | rn, (lsb >> 2) << 12 | rd << 8 | (lsb & 3) << 6 | (w - 1));
        } else {
            unsigned msb = lsb + a32_rndn(32 - lsb);
            if (a32_rndn(4) == 0)
                rn = 15;
            t_add32(k, 0xf360 | rn, (lsb >> 2) << 12 | rd << 8 | (lsb & 3) << 6 | msb);
        }
        break;
    }
    case 6: {   /* shifts by register */
        if (a32_rndn(2))
            s->r[rm] = a32_rndn(40);
        t_add32(k, 0xfa00 | a32_rndn(4) << 5 | a32_rndn(2) << 4 | rn, 0xf000 | rd << 8 | rm);
        break;
    }
    case 7: {   /* extend and add */
        if (a32_rndn(3) == 0)
            rn = 15;
        t_add32(k, 0xfa00 | a32_rndn(6) << 4 | rn, 0xf080 | rd << 8 | a32_rndn(4) << 4 | rm);
        break;
    }
    case 8: {   /* parallel add/subtract */
        static const uint8_t op1s[6] = { 0, 1, 2, 4, 5, 6 };
        t_add32(k, 0xfa80 | op1s[a32_rndn(6)] << 4 | rn, 0xf000 | rd << 8 | a32_rndn(2) << 6 | a32_rndn(3) << 4 | rm);
        break;
    }
    case 9: t_add32(k, 0xfa80 | rn, 0xf080 | rd << 8 | a32_rndn(4) << 4 | rm); break;       /* QADD.. */
    case 10: t_add32(k, 0xfa90 | rm, 0xf080 | rd << 8 | a32_rndn(4) << 4 | rm); break;      /* REV.. */
    case 11: t_add32(k, 0xfaa0 | rn, 0xf080 | rd << 8 | rm); break;                        /* SEL */
    case 12: t_add32(k, 0xfab0 | rm, 0xf080 | rd << 8 | rm); break;                        /* CLZ */
    default:    /* MRS / MSR APSR */
        if (a32_rndn(2))
            t_add32(k, 0xf3ef, 0x8000 | rd << 8);
        else
            t_add32(k, 0xf380 | rn, 0x8000 | (4u * (1 + a32_rndn(3))) << 8);
        break;
    }
}

static void gen_t32_mul(struct a32_state *s, struct a32_case *k)
{
    (void)s;
    unsigned rd = treg(), rn = treg(), rm = treg(), ra = treg();
    if (a32_rndn(2)) {  /* 1111 1011 0 op1 */
        static const uint8_t forms[][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 1, 1 }, { 1, 2 }, { 1, 3 }, { 2, 0 }, { 2, 1 },
                                            { 3, 0 }, { 3, 1 }, { 4, 0 }, { 4, 1 }, { 5, 0 }, { 5, 1 }, { 6, 0 }, { 6, 1 }, { 7, 0 } };
        unsigned f = a32_rndn(sizeof(forms) / sizeof(forms[0]));
        if (a32_rndn(3) == 0 && !(forms[f][0] == 0 && forms[f][1] == 1) && forms[f][0] != 6)
            ra = 15;
        if (forms[f][0] == 2 && ra != 15)
            smlad_avoid_ref_quirk(s, rn, rm);
        t_add32(k, 0xfb00 | forms[f][0] << 4 | rn, ra << 12 | rd << 8 | forms[f][1] << 4 | rm);
    } else {            /* 1111 1011 1 op1: long multiplies, divides */
        static const uint8_t forms[][2] = { { 0, 0 }, { 1, 15 }, { 2, 0 }, { 3, 15 }, { 4, 0 }, { 4, 8 }, { 4, 9 }, { 4, 10 },
                                            { 4, 11 }, { 4, 12 }, { 4, 13 }, { 5, 12 }, { 5, 13 }, { 6, 0 }, { 6, 6 } };
        unsigned f = a32_rndn(sizeof(forms) / sizeof(forms[0])), lo_ = treg(), hi = treg();
        if (forms[f][0] == 1 || forms[f][0] == 3)
            lo_ = 15;
        else
            while (hi == lo_)
                hi = treg();
        t_add32(k, 0xfb80 | forms[f][0] << 4 | rn, lo_ << 12 | hi << 8 | forms[f][1] << 4 | rm);
    }
}

/* T32 loads and stores. */
static void gen_t_ldst(struct a32_state *s, struct a32_case *k)
{
    unsigned rt, rn, rm;
    switch (a32_rndn(11)) {
    case 0: t_add16(k, 0x4800 | lo() << 8 | a32_rndn(256)); break;        /* LDR literal */
    case 1:     /* register offset */
        rn = lo();
        do rm = lo(); while (rm == rn);
        s->r[rn] = a32_base(1);
        s->r[rm] = a32_rndn(256);
        t_add16(k, 0x5000 | a32_rndn(8) << 9 | rm << 6 | rn << 3 | lo());
        break;
    case 2:     /* immediate: word/byte, halfword, SP */
        rn = lo();
        s->r[rn] = a32_base(1);
        switch (a32_rndn(3)) {
        case 0: t_add16(k, 0x6000 | a32_rndn(4) << 11 | a32_rndn(32) << 6 | rn << 3 | lo()); break;
        case 1: t_add16(k, 0x8000 | a32_rndn(2) << 11 | a32_rndn(32) << 6 | rn << 3 | lo()); break;
        default: s->r[13] = a32_base(4); t_add16(k, 0x9000 | a32_rndn(2) << 11 | lo() << 8 | a32_rndn(256)); break;
        }
        break;
    case 3: {   /* PUSH / POP (no PC) / STM / LDM */
        unsigned list = (unsigned)a32_rnd() & 0xff;
        if (!list)
            list = 1;
        switch (a32_rndn(4)) {
        case 0: s->r[13] = a32_base(4); t_add16(k, 0xb400 | a32_rndn(2) << 8 | list); break;
        case 1: s->r[13] = a32_base(4); t_add16(k, 0xbc00 | list); break;
        case 2:
            rn = lo();
            if ((list >> rn & 1) && (list & ((1u << rn) - 1)))
                list &= ~(1u << rn);
            if (!list)
                list = 1u << ((rn + 1) & 7);
            s->r[rn] = a32_base(4);
            t_add16(k, 0xc000 | rn << 8 | list);
            break;
        default:
            rn = lo();
            s->r[rn] = a32_base(4);
            t_add16(k, 0xc800 | rn << 8 | list);
            break;
        }
        break;
    }
    case 4: case 5: {   /* 32-bit imm12 / imm8 */
        unsigned sz = a32_rndn(3), sg = sz < 2 ? a32_rndn(2) : 0, l = sg ? 1 : a32_rndn(2);
        rn = treg();
        do rt = treg(); while (rt == rn);
        s->r[rn] = a32_base(1);
        if (a32_rndn(2)) {
            t_add32(k, 0xf880 | sg << 8 | sz << 5 | l << 4 | rn, rt << 12 | a32_rndn(4096));
        } else {
            unsigned p, w;
            do p = a32_rndn(2), w = a32_rndn(2); while (!p && !w);
            t_add32(k, 0xf800 | sg << 8 | sz << 5 | l << 4 | rn, rt << 12 | 0x800 | p << 10 | a32_rndn(2) << 9 | w << 8 | a32_rndn(256));
        }
        break;
    }
    case 6: {   /* 32-bit register offset */
        unsigned sz = a32_rndn(3), sg = sz < 2 ? a32_rndn(2) : 0, l = sg ? 1 : a32_rndn(2);
        rn = treg(), rt = treg();
        do rm = treg(); while (rm == rn);
        s->r[rn] = a32_base(1);
        s->r[rm] = a32_rndn(256);
        t_add32(k, 0xf800 | sg << 8 | sz << 5 | l << 4 | rn, rt << 12 | a32_rndn(4) << 4 | rm);
        break;
    }
    case 7: {   /* 32-bit literal (forwards, inside the code area) */
        unsigned sz = a32_rndn(3), sg = sz < 2 ? a32_rndn(2) : 0;
        t_add32(k, 0xf89f | sg << 8 | sz << 5, treg() << 12 | a32_rndn(4096));
        break;
    }
    case 8: {   /* LDRD / STRD */
        unsigned p, w, l = a32_rndn(2), rt2;
        do p = a32_rndn(2), w = a32_rndn(2); while (!p && !w);
        rn = treg();
        do rt = treg(); while (w && rt == rn);
        do rt2 = treg(); while ((w && rt2 == rn) || (l && rt2 == rt));
        s->r[rn] = a32_base(4);
        t_add32(k, 0xe840 | p << 8 | a32_rndn(2) << 7 | w << 5 | l << 4 | rn, rt << 12 | rt2 << 8 | a32_rndn(256));
        break;
    }
    default: {  /* LDM / STM (IA, DB) */
        unsigned l = a32_rndn(2), w = a32_rndn(2), list;
        rn = treg();
        do {
            list = (unsigned)a32_rnd() & 0x5fff;
            if (w)
                list &= ~(1u << rn);
        } while (__builtin_popcount(list) < 2);
        s->r[rn] = a32_base(4);
        t_add32(k, 0xe800 | (a32_rndn(2) ? 0x80 : 0x100) | w << 5 | l << 4 | rn, list);
        break;
    }
    }
}

static void gen_t_excl(struct a32_state *s, struct a32_case *k)
{
    static const uint8_t sizes[4] = { 1, 2, 4, 8 };
    unsigned sz = a32_rndn(4), size = sizes[sz], ord = a32_rndn(2), rn = treg(), rt, rt2, rd;
    do rt = treg(); while (rt == rn);
    do rt2 = treg(); while (rt2 == rt || rt2 == rn);
    do rd = treg(); while (rd == rn || rd == rt || rd == rt2);
    s->r[rn] = a32_base(8);
    t_add32(k, 0xf3bf, 0x8f2f);     /* CLREX */
    uint32_t ld1, ld2, st1, st2;
    if (size == 4 && !ord) {        /* LDREX / STREX with an offset */
        unsigned imm = a32_rndn(8);
        ld1 = 0xe850 | rn, ld2 = rt << 12 | 0xf00 | imm;
        st1 = 0xe840 | rn, st2 = rt2 << 12 | rd << 8 | imm;
    } else {
        unsigned op = (ord ? 0xc : 0x4) | (sz == 0 ? 0 : sz == 1 ? 1 : sz == 2 ? 2 : 3);
        if (!ord && sz == 2)
            op = 0x4;   /* no word form here: byte */
        unsigned lrt2 = size == 8 ? rt2 : 15, srt2 = size == 8 ? rd : 15;
        unsigned srd = size == 8 ? a32_rndn(2) : rd;
        if (size == 8) {    /* STREXD Rd, Rt, Rt2: rd distinct from all */
            do srd = treg(); while (srd == rn || srd == rt || srd == rd);
        }
        ld1 = 0xe8d0 | rn, ld2 = rt << 12 | lrt2 << 8 | op << 4 | 0xf;
        st1 = 0xe8c0 | rn, st2 = rt << 12 | srt2 << 8 | op << 4 | (size == 8 ? srd : rd);
        if (a32_rndn(5) == 0 && size != 8) {  /* LDA / STL */
            unsigned aop = 0x8 | (sz == 0 ? 0 : sz == 1 ? 1 : 2);
            if (a32_rndn(2))
                t_add32(k, 0xe8d0 | rn, rt << 12 | 0xf00 | aop << 4 | 0xf);
            else
                t_add32(k, 0xe8c0 | rn, rt << 12 | 0xf00 | aop << 4 | 0xf);
            return;
        }
    }
    switch (a32_rndn(3)) {
    case 0: t_add32(k, st1, st2); break;
    case 1: t_add32(k, ld1, ld2); break;
    default: t_add32(k, ld1, ld2); t_add32(k, st1, st2); break;
    }
}

/* T32 branches; targets in the landing fields. */
static void gen_t_branch(struct a32_state *s, struct a32_case *k, uint32_t pc)
{
    uint32_t tt = a32_target(true) & ~1u;
    int32_t off = (int32_t)(tt - (pc + 4));
    unsigned rm = a32_rndn(15);
    switch (a32_rndn(12)) {
    case 0:     /* B.W to the field, or B (16-bit) forwards into SVCs */
        if (a32_rndn(2)) {
            uint32_t o = (uint32_t)off, sb = o >> 24 & 1;
            uint32_t j1 = (~(o >> 23) ^ sb) & 1, j2 = (~(o >> 22) ^ sb) & 1;
            t_add32(k, 0xf000 | sb << 10 | (o >> 12 & 0x3ff), 0x9000 | j1 << 13 | j2 << 11 | (o >> 1 & 0x7ff));
        } else {
            t_add16(k, 0xe000 | a32_rndn(6));
            for (unsigned i = 0; i < 8; i++)
                t_add16(k, T32_SVC);
            k->pad = 8;
        }
        break;
    case 1: case 2: {   /* BL / BLX (to A32) */
        bool blx = a32_rndn(2);
        if (blx) {
            uint32_t at = a32_target(false);
            off = (int32_t)(at - ((pc + 4) & ~3u));
        }
        uint32_t o = (uint32_t)off, sb = o >> 24 & 1;
        uint32_t j1 = (~(o >> 23) ^ sb) & 1, j2 = (~(o >> 22) ^ sb) & 1;
        t_add32(k, 0xf000 | sb << 10 | (o >> 12 & 0x3ff), 0xc000 | j1 << 13 | (blx ? 0 : 1) << 12 | j2 << 11 | (o >> 1 & 0x7ff));
        break;
    }
    case 3: {   /* BX / BLX (register) */
        s->r[rm] = a32_target(a32_rndn(2));
        t_add16(k, 0x4700 | a32_rndn(2) << 7 | rm << 3);
        break;
    }
    case 4: {   /* MOV pc, Rm / ADD pc, Rm (BranchWritePC, stays T32) */
        if (a32_rndn(2)) {
            s->r[rm] = a32_target(true) & ~(uint32_t)a32_rndn(2);
            t_add16(k, 0x4687 | rm << 3);
        } else {
            s->r[rm] = (a32_target(true) & ~1u) - (pc + 4);
            t_add16(k, 0x4487 | rm << 3);
        }
        break;
    }
    case 5: {   /* CBZ / CBNZ: forwards within 126 bytes; the code that follows is SVCs */
        unsigned rn = lo(), imm = a32_rndn(6);    /* lands on one of the SVCs */
        s->r[rn] = a32_rndn(2) ? 0 : a32_edge();
        t_add16(k, 0xb100 | a32_rndn(2) << 11 | (imm >> 5) << 9 | (imm & 31) << 3 | rn);
        for (unsigned i = 0; i < 8; i++)
            t_add16(k, T32_SVC);
        k->pad = 8;
        break;
    }
    case 6: {   /* B<c> (16-bit), short forwards into SVCs */
        unsigned cond = a32_rndn(14), imm = a32_rndn(6);
        t_add16(k, 0xd000 | cond << 8 | imm);
        for (unsigned i = 0; i < 8; i++)
            t_add16(k, T32_SVC);
        k->pad = 8;
        break;
    }
    case 7: {   /* B<c>.W to the field */
        unsigned cond = a32_rndn(14);
        uint32_t o = (uint32_t)off;
        t_add32(k, 0xf000 | (o >> 20 & 1) << 10 | cond << 6 | (o >> 12 & 0x3f),
                0x8000 | (o >> 18 & 1) << 13 | (o >> 19 & 1) << 11 | (o >> 1 & 0x7ff));
        break;
    }
    case 8: {   /* POP {.., pc} */
        unsigned list = (unsigned)a32_rnd() & 0xff;
        s->r[13] = a32_base(4);
        k->poke_addr[k->npoke] = s->r[13] + 4 * (unsigned)__builtin_popcount(list);
        k->poke_val[k->npoke++] = a32_target(a32_rndn(2));
        t_add16(k, 0xbd00 | list);
        break;
    }
    case 9: {   /* LDR pc, [Rn, #imm12] */
        unsigned rn = treg(), imm = a32_rndn(64) * 4;
        s->r[rn] = a32_base(4);
        k->poke_addr[k->npoke] = s->r[rn] + imm;
        k->poke_val[k->npoke++] = a32_target(a32_rndn(2));
        t_add32(k, 0xf8d0 | rn, 0xf000 | imm);
        break;
    }
    default: {  /* TBB / TBH with an inline table after the instruction is hard: table in data */
        unsigned rn = treg(), rmm, h = a32_rndn(2);
        do rmm = treg(); while (rmm == rn);
        s->r[rn] = a32_base(4);
        s->r[rmm] = a32_rndn(16);
        /* the entry makes the target land on one of the SVCs that follow */
        uint32_t entry = 1 + a32_rndn(6);
        uint32_t addr = s->r[rn] + (h ? 2 * s->r[rmm] : s->r[rmm]);
        k->poke_addr[k->npoke] = addr & ~3u;
        k->poke_val[k->npoke++] = entry << (8 * (addr & 3));   /* the word holding it: other bytes 0 */
        t_add32(k, 0xe8d0 | rn, 0xf000 | h << 4 | rmm);
        for (unsigned i = 0; i < 8; i++)
            t_add16(k, T32_SVC);
        k->pad = 8;
        break;
    }
    }
}

/* An IT block: IT and 1-4 instructions (16-bit data processing, whose flag
 * setting depends on being inside the block, and 32-bit ones). */
/* The address the next instruction of k will have (cases start at pc0). */
static uint32_t it_case_pc0;
static uint32_t pc_of_next(const struct a32_case *k)
{
    uint32_t pc = it_case_pc0;
    for (unsigned i = 0; i < k->n; i++)
        pc += k->wide[i] ? 4 : 2;
    return pc;
}

static void gen_t_it(struct a32_state *s, struct a32_case *k)
{
    unsigned firstcond = a32_rndn(14), n = 1 + a32_rndn(4), mask;
    /* mask: n-1 then/else bits from the top, then a 1 */
    mask = 1u << (4 - n);
    for (unsigned i = 0; i < n - 1; i++)
        mask |= a32_rndn(2) << (3 - i);
    if (a32_rndn(3) == 0 && n > 1)
        t_add16(k, 0x2000 | lo() << 8 | a32_rndn(256));     /* a MOVS before: flags */
    t_add16(k, 0xbf00 | firstcond << 4 | mask);
    bool br = a32_rndn(3) == 0;     /* a branch as the last instruction of the block */
    for (unsigned i = 0; i < n - br; i++) {
        if (a32_rndn(3))
            gen_t16_dp(s, k, true);
        else
            gen_t32_dp(s, k);
    }
    if (br) {   /* immediate forms: earlier instructions may write any register */
        uint32_t here = pc_of_next(k);
        if (a32_rndn(3)) {  /* B.W / BL to the T32 field */
            uint32_t o = (a32_target(true) & ~1u) - (here + 4), sb = o >> 24 & 1;
            uint32_t j1 = (~(o >> 23) ^ sb) & 1, j2 = (~(o >> 22) ^ sb) & 1;
            t_add32(k, 0xf000 | sb << 10 | (o >> 12 & 0x3ff), 0x9000 | a32_rndn(2) << 14 | j1 << 13 | j2 << 11 | (o >> 1 & 0x7ff));
        } else {            /* BLX to the A32 field */
            uint32_t o = a32_target(false) - ((here + 4) & ~3u), sb = o >> 24 & 1;
            uint32_t j1 = (~(o >> 23) ^ sb) & 1, j2 = (~(o >> 22) ^ sb) & 1;
            t_add32(k, 0xf000 | sb << 10 | (o >> 12 & 0x3ff), 0xc000 | j1 << 13 | j2 << 11 | (o >> 1 & 0x7ff));
        }
        k->to_field = true;
        k->mem = true;
    }
}

/* ---- running ----------------------------------------------------------------------------------- */

struct a32_diff {
    struct harness h;
    uc_engine *uc;
    uint32_t next_code;     /* rotating code slots: no stale translations */
    uint8_t data_ours[A32_DATA_SIZE], data_ref[A32_DATA_SIZE];
    bool verbose;
    bool quiet;             /* print no mismatches (surveys) */
    int last_exit, last_err;    /* the last case: our exit, the reference's error */
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
    /* Everything but the data is SVCs (A32; the T32 field below), so that
     * stray execution stops at once; data: random, the same on both sides. */
    for (unsigned i = 0; i < HARNESS_SIZE; i += 4)
        memcpy(&d->h.mem[i], &(uint32_t){ A32_SVC }, 4);
    for (unsigned i = 0; i < A32_DATA_SIZE; i++)
        d->h.mem[A32_DATA_BASE - HARNESS_BASE + i] = (uint8_t)a32_rnd();
    for (unsigned i = 0; i < A32_BR_SIZE; i += 4)
        memcpy(&d->h.mem[A32_BR_BASE - HARNESS_BASE + i], &(uint32_t){ A32_SVC }, 4);
    for (unsigned i = 0; i < A32_BR_SIZE; i += 2)
        memcpy(&d->h.mem[A32_TBR_BASE - HARNESS_BASE + i], &(uint16_t){ T32_SVC }, 2);
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
    case T32C_T16:
        k->thumb = true;
        gen_t16_dp(s, k, false);
        break;
    case T32C_DP: k->thumb = true; gen_t32_dp(s, k); break;
    case T32C_MUL: k->thumb = true; gen_t32_mul(s, k); break;
    case T32C_LDST: k->thumb = true; k->mem = true; gen_t_ldst(s, k); break;
    case T32C_EXCL: k->thumb = true; k->mem = true; gen_t_excl(s, k); break;
    case T32C_BRANCH: k->thumb = true; k->mem = true; k->branch = true; gen_t_branch(s, k, pc); break;
    case T32C_IT: k->thumb = true; it_case_pc0 = pc; gen_t_it(s, k); break;
    case T32C_SEQ: {
        unsigned n = 4 + a32_rndn(8);
        k->thumb = true;
        while (k->n < n) {
            switch (a32_rndn(4)) {
            case 0: gen_t16_dp(s, k, false); break;
            case 1: gen_t32_dp(s, k); break;
            case 2: gen_t32_mul(s, k); break;
            default:
                if (k->n + 5 < A32_MAX_INSNS) {
                    gen_t_it(s, k);
                    if (k->to_field) {  /* branches only in the IT class */
                        k->n = 0;
                        k->to_field = false;
                    }
                }
                break;
            }
        }
        break;
    }
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

static void a32_ref_stop(uc_engine *uc, uint64_t addr, uint32_t size, void *opaque)
{
    (void)addr, (void)size, (void)opaque;
    uc_emu_stop(uc);
}

/* The pieces every differential runner (integer, VFP, Advanced SIMD) shares. */

/* Write case k and the closing SVC to a fresh code slot on both sides;
 * returns the slot's address, *end that of the SVC. */
static uint32_t a32_place_case(struct a32_diff *d, const struct a32_case *k, uint32_t *end)
{
    uint8_t code[4 * (A32_MAX_INSNS + 1)];
    uint32_t need = 0;
    for (unsigned i = 0; i < k->n; i++) {
        if (!k->thumb) {
            memcpy(code + need, &k->insn[i], 4);
            need += 4;
        } else if (k->wide[i]) {
            uint16_t hw[2] = { (uint16_t)(k->insn[i] >> 16), (uint16_t)k->insn[i] };
            memcpy(code + need, hw, 4);
            need += 4;
        } else {
            memcpy(code + need, &(uint16_t){ (uint16_t)k->insn[i] }, 2);
            need += 2;
        }
    }
    uint32_t end_off = need;
    if (k->thumb) {
        memcpy(code + need, &(uint16_t){ T32_SVC }, 2);
        need += 2;
    } else {
        memcpy(code + need, &(uint32_t){ A32_SVC }, 4);
        need += 4;
    }
    if (d->next_code + need > A32_CODE_BASE + A32_CODE_SIZE) {
        d->next_code = A32_CODE_BASE;
        cpu_code_invalidate_all(d->h.cpu);
    }
    uint32_t pc = d->next_code;
    d->next_code += (need + 3) & ~3u;
    memcpy(&d->h.mem[pc - HARNESS_BASE], code, need);
    uc_mem_write(d->uc, pc, code, need);
    uc_ctl_remove_cache(d->uc, pc, pc + need);
    *end = pc + end_off;
    return pc;
}

/* Run ours from R0-R14 = s0->r (the banked X slots cleared) at pc with
 * cpsr; *o gets R0-R14, NZCV Q GE T and where it stopped (at the SVC). */
static enum cpu_exit a32_ours_run(struct cpu *c, const struct a32_state *s0, uint32_t pc, uint32_t cpsr,
                                  struct a32_state *o)
{
    for (int i = 0; i < 15; i++)
        c->x[i] = s0->r[i];
    for (int i = 15; i < 31; i++)
        c->x[i] = 0;
    cpu_a32_enter(c, pc, cpsr);
    enum cpu_exit r = cpu_run(c);
    for (int i = 0; i < 15; i++)
        o->r[i] = (uint32_t)c->x[i];
    o->cpsr = cpu_a32_cpsr(c) & 0xfe0ffc20u;
    /* SVC leaves the pc after it. */
    o->pc = r == CPU_EXIT_SVC ? (uint32_t)c->pc - ((o->cpsr & 0x20) ? 2 : 4) : (uint32_t)c->pc;
    return r;
}

/* The reference's R0-R14 and CPSR, in and out (pc: where it stopped). */
static void a32_ref_set(struct a32_diff *d, const struct a32_state *s0, uint32_t cpsr)
{
    uc_reg_write(d->uc, UC_ARM_REG_CPSR, &cpsr);
    for (int i = 0; i < 15; i++)
        uc_reg_write(d->uc, a32_uc_reg(i), &s0->r[i]);
}

static void a32_ref_get(struct a32_diff *d, struct a32_state *rs)
{
    uint32_t v;
    for (int i = 0; i < 15; i++)
        uc_reg_read(d->uc, a32_uc_reg(i), &rs->r[i]);
    uc_reg_read(d->uc, UC_ARM_REG_CPSR, &v);
    rs->cpsr = v & 0xfe0ffc20u;
    uc_reg_read(d->uc, UC_ARM_REG_PC, &rs->pc);
}

/* The data areas of both sides: equal?  Then made equal (ours copied) for
 * the next case. */
static bool a32_mem_same(struct a32_diff *d)
{
    memcpy(d->data_ours, &d->h.mem[A32_DATA_BASE - HARNESS_BASE], A32_DATA_SIZE);
    uc_mem_read(d->uc, A32_DATA_BASE, d->data_ref, A32_DATA_SIZE);
    return !memcmp(d->data_ours, d->data_ref, A32_DATA_SIZE);
}

static void a32_mem_sync(struct a32_diff *d)
{
    memcpy(d->data_ours, &d->h.mem[A32_DATA_BASE - HARNESS_BASE], A32_DATA_SIZE);
    uc_mem_write(d->uc, A32_DATA_BASE, d->data_ours, A32_DATA_SIZE);
}

/* Where ours and the reference disagree on R0-R14, CPSR or the stopping
 * point (NULL: nowhere). */
static const char *a32_core_diff(const struct a32_state *o, const struct a32_state *rs)
{
    if (memcmp(o->r, rs->r, sizeof(o->r)))
        return "core registers";
    if (o->cpsr != rs->cpsr)
        return "CPSR (NZCV Q GE T)";
    return o->pc != rs->pc ? "pc" : NULL;
}

/* A mismatch report: the case's first line, and show[i] for each Ri that differs. */
static void a32_print_mismatch(const char *cname, const char *why, int r, int err, const struct a32_case *k)
{
    printf("MISMATCH class %s (%s), ours exit %d, ref err %d:", cname, why, r, err);
    for (unsigned i = 0; i < k->n; i++)
        printf(k->thumb && !k->wide[i] ? " %04x" : " %08x", k->insn[i]);
    if (k->thumb)
        printf(" (T32)");
}

static void a32_print_regs(const uint32_t show[15], const struct a32_state *o, const struct a32_state *rs)
{
    for (int i = 0; i < 15; i++)
        if (o->r[i] != rs->r[i])
            printf(" r%d=%08x", i, show[i]);
}

/* Directed tests: n A32 words at a fresh code slot, run on ours only. */
static inline enum cpu_exit a32_run_words(struct a32_diff *d, const uint32_t *w, unsigned n, uint32_t cpsr)
{
    uint32_t pc = d->next_code;
    d->next_code += 4 * n;
    memcpy(&d->h.mem[pc - HARNESS_BASE], w, 4 * n);
    cpu_a32_enter(d->h.cpu, pc, cpsr);
    return cpu_run(d->h.cpu);
}

/* Run a case on both sides from state s.  Returns true when they agree. */
static bool a32_run_case(struct a32_diff *d, const struct a32_case *k, const struct a32_state *s0,
                         struct a32_stats *st, const char *cname)
{
    uint32_t end;
    uint32_t pc = a32_place_case(d, k, &end);
    for (unsigned i = 0; i < k->npoke; i++) {
        memcpy(&d->h.mem[k->poke_addr[i] - HARNESS_BASE], &k->poke_val[i], 4);
        uc_mem_write(d->uc, k->poke_addr[i], &k->poke_val[i], 4);
    }
    uint32_t cpsr = s0->cpsr | 0x10 | (k->thumb ? 0x20 : 0);

    /* ours */
    struct a32_state o;
    enum cpu_exit r = a32_ours_run(d->h.cpu, s0, pc, cpsr, &o);
    bool ours_undef = r == CPU_EXIT_UNDEF;
    bool ours_stopped_ok = r == CPU_EXIT_SVC;

    /* reference */
    a32_ref_set(d, s0, cpsr);
    uint32_t begin = pc | (k->thumb ? 1 : 0);
    uc_err err;
    if (k->to_field) {  /* stop on entering a landing field (before running it) */
        uc_hook hk;
        uc_hook_add(d->uc, &hk, UC_HOOK_CODE, (void *)a32_ref_stop, NULL, A32_BR_BASE, A32_TBR_BASE + A32_BR_SIZE - 1);
        err = uc_emu_start(d->uc, begin, end, 0, 0);
        uc_hook_del(d->uc, hk);
        /* The hook does not always catch the first instruction of a block
         * entered by interworking; then the field's SVC stopped it. */
        uint32_t rpc, rcpsr;
        uc_reg_read(d->uc, UC_ARM_REG_PC, &rpc);
        uc_reg_read(d->uc, UC_ARM_REG_CPSR, &rcpsr);
        uint32_t at = rpc - ((rcpsr & 0x20) ? 2 : 4);
        if (err == UC_ERR_EXCEPTION && at >= A32_BR_BASE && at < A32_TBR_BASE + A32_BR_SIZE) {
            uc_reg_write(d->uc, UC_ARM_REG_PC, &at);
            err = UC_ERR_OK;
        }
    } else {
        err = k->branch ? uc_emu_start(d->uc, begin, 0xffffffffu, 0, 1) : uc_emu_start(d->uc, begin, end, 0, 0);
    }
    struct a32_state rs;
    a32_ref_get(d, &rs);
    /* An exception stops the reference at the instruction (its pc). */
    bool ref_undef = err != UC_ERR_OK;

    d->last_exit = (int)r;
    d->last_err = (int)err;
    st->cases++;
    st->insns += k->n - k->pad;
    bool ok = true;
    const char *why = "";
    if (ref_undef || ours_undef) {
        if (ref_undef && !ours_undef) {
            st->undef_ref++;
            ok = false, why = "UNDEFINED on the reference only";
        } else if (!ref_undef) {
            st->undef_ours++;
            ok = false, why = "UNDEFINED on ours only";
        }
        if (ref_undef && ours_undef)
            return true;
    }
    if (ok && !ours_stopped_ok)
        ok = false, why = "ours stopped unexpectedly";
    if (ok && a32_core_diff(&o, &rs))
        ok = false, why = a32_core_diff(&o, &rs);
    if (ok && k->mem && !a32_mem_same(d))
        ok = false, why = "memory";
    if (!ok) {
        st->mismatches++;
        if (!d->quiet && (d->verbose || st->mismatches <= 10)) {
            a32_print_mismatch(cname, why, (int)r, (int)err, k);
            printf("\n  in : cpsr %08x", s0->cpsr);
            for (int i = 0; i < 15; i++)
                printf(" r%d=%08x", i, s0->r[i]);
            printf("\n  ours: pc %08x cpsr %08x", o.pc, o.cpsr);
            a32_print_regs(o.r, &o, &rs);
            printf("\n  ref : pc %08x cpsr %08x", rs.pc, rs.cpsr);
            a32_print_regs(rs.r, &o, &rs);
            printf("\n");
        }
    }
    if (k->mem)
        a32_mem_sync(d);
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
