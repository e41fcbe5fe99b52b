/* Differential testing of AArch32 VFP (A32 and T32) against Unicorn's ARM
 * mode, on the harness of a32_diff.h.
 *
 * A case is a random state -- R0-R14, NZCV, the 32 D registers rich in
 * floating-point edge values (zeros, infinities, quiet and signalling NaNs,
 * denormals, integers and halves near conversion limits) and FPSCR with
 * random NZCV, cumulative flags, rounding mode, FZ, DN and AHP -- and one or
 * a few random VFP instructions of a class, followed by SVC.  R0-R14, the
 * CPSR, the pc, D0-D31, FPSCR and the data memory must match.
 *
 * Generators emit only encodings the Arm ARM defines; left out: FPSCR.Len/
 * Stride nonzero during data processing (short vectors: the reference runs
 * them), misaligned VLDR/VLDM (the reference does not fault), and the
 * half-precision (FEAT_FP16) arithmetic, which nestvm does not
 * implement in AArch32.  The FPSCR trap enables (15:8) and the reserved
 * bits are compared as RAZ (the reference keeps them). */
#ifndef NESTVM_TEST_A32_VFP_DIFF_H
#define NESTVM_TEST_A32_VFP_DIFF_H

#include "a32_diff.h"

enum vfp_class {
    VC_LDST, VC_XFER, VC_ARITH, VC_UNARY, VC_CMP, VC_CVT, VC_V8, VC_SEQ,
    VC_T_LDST, VC_T_XFER, VC_T_ARITH, VC_T_UNARY, VC_T_CMP, VC_T_CVT, VC_T_V8, VC_T_SEQ,
    VC_COUNT
};
static const char *const vfp_class_names[VC_COUNT] = {
    "vldst", "vxfer", "varith", "vunary", "vcmp", "vcvt", "v8", "vseq",
    "tvldst", "tvxfer", "tvarith", "tvunary", "tvcmp", "tvcvt", "tv8", "tvseq",
};

/* FPSCR bits both sides hold: NZCV QC AHP DN FZ RMode Stride Len and the
 * cumulative flags (FZ16, 19, is RES0 on both: no FEAT_FP16). */
#define VFP_FPSCR_MASK 0xffff009fu

struct vfp_state {
    struct a32_state core;
    uint64_t d[32];
    uint32_t fpscr;
};

/* ---- random values ------------------------------------------------------------------------ */

static uint32_t vfp_rnd_single(void)
{
    static const uint32_t edges[] = {
        0, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u, 0x7f800001u, 0xffa00000u,
        0x00000001u, 0x807fffffu, 0x00800000u, 0x80800000u, 0x7f7fffffu, 0xff7fffffu, 0x3f800000u, 0xbf800000u,
        0x3f000000u, 0x3fc00000u, 0x40200000u, 0xc0200000u, 0x4f000000u, 0xcf000000u, 0x4f800000u, 0x4effffffu,
        0xcf000001u, 0x46fffe00u, 0xc7000000u, 0x477fff00u, 0x477fff80u, 0x3effffffu, 0x00400000u, 0x7fbfffffu,
        0x0d800000u, 0x33800000u, 0x477fe000u, 0x38800000u, 0x387fc000u,
    };
    switch (a32_rndn(8)) {
    case 0: case 1: case 2: return edges[a32_rndn(sizeof(edges) / sizeof(edges[0]))];
    case 3: /* moderate magnitudes, often integral after scaling */
        return (uint32_t)a32_rndn(2) << 31 | (uint32_t)(120 + a32_rndn(40)) << 23 | ((uint32_t)a32_rnd() & 0x7fffffu);
    case 4: /* denormals */
        return (uint32_t)a32_rndn(2) << 31 | ((uint32_t)a32_rnd() & 0x7fffffu);
    case 5: /* NaNs with payloads */
        return (uint32_t)a32_rndn(2) << 31 | 0x7f800000u | (((uint32_t)a32_rnd() & 0x7fffffu) | 1);
    case 6: /* tiny and huge normals (results near the ends of the range) */
        return (uint32_t)a32_rndn(2) << 31 | (uint32_t)(a32_rndn(2) ? 1 + a32_rndn(30) : 0xfe - a32_rndn(30)) << 23 |
               ((uint32_t)a32_rnd() & 0x7fffffu);
    default: return (uint32_t)a32_rnd();
    }
}

static uint64_t vfp_rnd_double(void)
{
    static const uint64_t edges[] = {
        0, 0x8000000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull,
        0xfff8000000000000ull, 0x7ff0000000000001ull, 0xfff4000000000000ull, 1, 0x800fffffffffffffull,
        0x0010000000000000ull, 0x7fefffffffffffffull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
        0x3fe0000000000000ull, 0x3ff8000000000000ull, 0x4004000000000000ull, 0x41e0000000000000ull,
        0xc1e0000000000000ull, 0x41efffffffe00000ull, 0x41f0000000000000ull, 0xc1e0000000200000ull,
        0x40dfffc000000000ull, 0x40efffe000000000ull, 0x3fdfffffffffffffull, 0x47efffffe0000000ull,
        0x36a0000000000000ull, 0x3810000000000000ull, 0x380fffffe0000000ull, 0x3f10000000000000ull,
        0x40effff000000000ull,
    };
    switch (a32_rndn(8)) {
    case 0: case 1: case 2: return edges[a32_rndn(sizeof(edges) / sizeof(edges[0]))];
    case 3: return (uint64_t)a32_rndn(2) << 63 | (uint64_t)(1000 + a32_rndn(80)) << 52 | (a32_rnd() & 0xfffffffffffffull);
    case 4: return (uint64_t)a32_rndn(2) << 63 | (a32_rnd() & 0xfffffffffffffull);
    case 5: return (uint64_t)a32_rndn(2) << 63 | 0x7ff0000000000000ull | ((a32_rnd() & 0xfffffffffffffull) | 1);
    case 6: /* near the single-precision range (conversions) */
        return (uint64_t)a32_rndn(2) << 63 | (uint64_t)(a32_rndn(2) ? 0x380 - 30 + a32_rndn(60) : 0x47f - 5 + a32_rndn(10)) << 52 |
               (a32_rnd() & 0xfffffffffffffull);
    default: return a32_rnd();
    }
}

static uint16_t vfp_rnd_half(void)
{
    static const uint16_t edges[] = { 0, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7d00, 0x7c01, 0x0001, 0x83ff,
                                      0x0400, 0x7bff, 0xfbff, 0x3c00, 0xbc00, 0x3555 };
    return a32_rndn(2) ? edges[a32_rndn(sizeof(edges) / sizeof(edges[0]))] : (uint16_t)a32_rnd();
}

static uint64_t vfp_rnd_dreg(void)
{
    switch (a32_rndn(5)) {
    case 0: case 1: return (uint64_t)vfp_rnd_single() << 32 | vfp_rnd_single();
    case 2: return vfp_rnd_double();
    case 3: /* halves, and integers (for conversions) */
        if (a32_rndn(2))
            return (uint64_t)vfp_rnd_half() << 48 | (uint64_t)vfp_rnd_half() << 32 | (uint64_t)vfp_rnd_half() << 16 |
                   vfp_rnd_half();
        return (uint64_t)a32_edge() << 32 | a32_edge();
    default: return a32_rnd();
    }
}

static uint32_t vfp_rnd_fpscr(void)
{
    uint32_t v = (uint32_t)a32_rndn(16) << 28 | (uint32_t)a32_rndn(4) << 22;
    if (a32_rndn(4) == 0)
        v |= 1u << 24;  /* FZ */
    if (a32_rndn(4) == 0)
        v |= 1u << 25;  /* DN */
    if (a32_rndn(8) == 0)
        v |= 1u << 26;  /* AHP */
    if (a32_rndn(8) == 0)
        v |= 1u << 27;  /* QC */
    if (a32_rndn(2))
        v |= (uint32_t)a32_rnd() & 0x9f;
    return v;
}

static void vfp_random_state(struct vfp_state *s)
{
    a32_random_state(&s->core);
    for (int i = 0; i < 32; i++)
        s->d[i] = vfp_rnd_dreg();
    s->fpscr = vfp_rnd_fpscr();
}

/* ---- encodings ---------------------------------------------------------------------------- */

/* Register fields: a single S<r> is Vx:X, a double D<r> X:Vx. */
static uint32_t vd_f(unsigned r, bool dbl) { return dbl ? (r & 15) << 12 | (r >> 4) << 22 : (r >> 1) << 12 | (r & 1) << 22; }
static uint32_t vn_f(unsigned r, bool dbl) { return dbl ? (r & 15) << 16 | (r >> 4) << 7 : (r >> 1) << 16 | (r & 1) << 7; }
static uint32_t vm_f(unsigned r, bool dbl) { return dbl ? (r & 15) | (r >> 4) << 5 : (r >> 1) | (r & 1) << 5; }
static unsigned vrnd(void) { return a32_rndn(4) == 0 ? a32_rndn(3) : a32_rndn(32); }

/* A generated instruction: an A32 word (cond in 31:28; 1111 for the
 * unconditional forms). */
struct vfp_gen {
    uint32_t w[8];
    unsigned n;
    bool mem;
};

static void vg_add(struct vfp_gen *g, uint32_t w) { g->w[g->n++] = w; }

/* A data address, word aligned, with room for +-1020 bytes and 128 bytes
 * of transfer either way. */
static uint32_t vfp_addr(void)
{
    return A32_DATA_MID - 0x400 + 4 * a32_rndn(0x200);
}

/* Set while a sequence is generated: then FPSCR.Len/Stride stay 0 (the
 * reference runs short vectors, which ARMv8 does not have), and R10-R13
 * are the only bases and R9 the only VMSR source, which no other
 * instruction writes. */
static bool vfp_in_seq;

static void gen_v_ldst(struct vfp_state *s, struct vfp_gen *g, bool thumb)
{
    unsigned cond = a32_cond(), l = a32_rndn(2), sz = a32_rndn(2);
    unsigned rn = vfp_in_seq ? 10 + a32_rndn(4) : thumb ? treg() : a32_reg();
    g->mem = true;
    if (a32_rndn(2)) {  /* VLDR/VSTR */
        unsigned u = a32_rndn(2), imm8 = a32_rndn(256);
        unsigned r = a32_rndn(32);
        if (l && a32_rndn(8) == 0)
            rn = 15, u = 1;     /* literal (Align(PC, 4)): from the code area */
        else if (!vfp_in_seq)
            s->core.r[rn] = vfp_addr();
        vg_add(g, cond << 28 | 0x0d000a00u | u << 23 | l << 20 | rn << 16 | vd_f(r, sz) | sz << 8 | imm8);
        return;
    }
    /* VLDM/VSTM IA (writeback or not), DB! ; VPUSH/VPOP through SP */
    unsigned mode = a32_rndn(3), regs = 1 + a32_rndn(sz ? 16 : 32);
    if (a32_rndn(3))
        regs = 1 + a32_rndn(4);
    unsigned first = a32_rndn(32 - regs + 1);
    if (sz && regs > 16)
        regs = 16;
    if (sz)
        first = a32_rndn(32 - regs + 1);
    unsigned p = mode == 2, uu = mode != 2, w = mode == 2 ? 1 : mode;
    if (a32_rndn(4) == 0 && !vfp_in_seq)
        rn = 13;
    if (!vfp_in_seq)
        s->core.r[rn] = vfp_addr();
    unsigned imm8 = sz ? 2 * regs + (a32_rndn(8) == 0) : regs;   /* odd: FLDMX/FSTMX */
    vg_add(g, cond << 28 | 0x0c000a00u | p << 24 | uu << 23 | w << 21 | l << 20 | rn << 16 | vd_f(first, sz) | sz << 8 |
                  imm8);
}

static unsigned vfp_rt(bool thumb)
{
    if (vfp_in_seq) {   /* keep off the bases and R9 (VMSR's source) */
        unsigned r = a32_rndn(10);
        return r == 9 ? 14 : r;
    }
    return thumb ? treg() : a32_reg();
}

static void gen_v_xfer(struct vfp_state *s, struct vfp_gen *g, bool thumb)
{
    unsigned cond = a32_cond(), rt = vfp_rt(thumb), rt2 = vfp_rt(thumb);
    switch (a32_rndn(9)) {
    case 0: /* VMOV core <-> single */
        vg_add(g, cond << 28 | 0x0e000a10u | a32_rndn(2) << 20 | vn_f(vrnd(), false) | rt << 12);
        break;
    case 1: { /* two cores <-> two singles / a double */
        unsigned op = a32_rndn(2), dbl = a32_rndn(2), m = dbl ? vrnd() : a32_rndn(31);
        while (op && rt2 == rt)
            rt2 = vfp_rt(thumb);
        vg_add(g, cond << 28 | 0x0c400a10u | op << 20 | rt2 << 16 | rt << 12 | dbl << 8 | vm_f(m, dbl));
        break;
    }
    case 2: { /* core -> scalar */
        static const uint8_t shapes[] = { 0x8, 0x9, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x1, 0x3, 0x5, 0x7, 0x0, 0x4 };
        unsigned oo = shapes[a32_rndn(sizeof(shapes))], opc1 = oo >> 2, opc2 = oo & 3, d = vrnd();
        vg_add(g, cond << 28 | 0x0e000b10u | opc1 << 21 | (d & 15) << 16 | rt << 12 | (d >> 4) << 7 | opc2 << 5);
        break;
    }
    case 3: { /* scalar -> core */
        static const uint8_t shapes[] = { 0x8, 0x9, 0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x1, 0x3, 0x5, 0x7, 0x0, 0x4 };
        unsigned oo = shapes[a32_rndn(sizeof(shapes))], opc1 = oo >> 2, opc2 = oo & 3, d = vrnd();
        unsigned u = (oo == 0 || oo == 4) ? 0 : a32_rndn(2);
        vg_add(g, cond << 28 | 0x0e100b10u | u << 23 | opc1 << 21 | (d & 15) << 16 | rt << 12 | (d >> 4) << 7 | opc2 << 5);
        break;
    }
    case 4: { /* VDUP */
        unsigned be = a32_rndn(3), q = a32_rndn(2), d = vrnd();
        if (q)
            d &= ~1u;
        vg_add(g, cond << 28 | 0x0e800b10u | (be >> 1) << 22 | q << 21 | (d & 15) << 16 | rt << 12 | (d >> 4) << 7 |
                      (be & 1) << 5);
        break;
    }
    case 5: /* VMRS Rt, FPSCR */
        vg_add(g, cond << 28 | 0x0ef10a10u | rt << 12);
        break;
    case 6: /* VMRS APSR_nzcv, FPSCR */
        vg_add(g, cond << 28 | 0x0ef1fa10u);
        break;
    default: /* VMSR FPSCR, Rt; then (often) VMRS back */
        if (vfp_in_seq)
            rt = 9;     /* nothing else writes it */
        s->core.r[rt] = (uint32_t)a32_rnd();
        if (a32_rndn(2) || vfp_in_seq)
            s->core.r[rt] &= ~0x00370000u;  /* Len/Stride: see vfp_in_seq */
        vg_add(g, cond << 28 | 0x0ee10a10u | rt << 12);
        if (a32_rndn(2))
            vg_add(g, 14u << 28 | 0x0ef10a10u | rt2 << 12);
        break;
    }
}

static void gen_v_arith(struct vfp_state *s, struct vfp_gen *g, bool thumb)
{
    (void)s, (void)thumb;
    static const uint8_t ops[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13 };
    unsigned op = ops[a32_rndn(sizeof(ops))], sz = a32_rndn(2), cond = a32_cond();
    vg_add(g, cond << 28 | 0x0e000a00u | (op >> 3) << 23 | (op >> 1 & 3) << 20 | (op & 1) << 6 | sz << 8 |
                  vd_f(vrnd(), sz) | vn_f(vrnd(), sz) | vm_f(vrnd(), sz));
}

static void gen_v_unary(struct vfp_state *s, struct vfp_gen *g, bool thumb)
{
    (void)s, (void)thumb;
    unsigned sz = a32_rndn(2), cond = a32_cond(), k = a32_rndn(5);
    if (k == 4) {   /* VMOV (immediate) */
        unsigned imm8 = a32_rndn(256);
        vg_add(g, cond << 28 | 0x0eb00a00u | (imm8 >> 4) << 16 | (imm8 & 15) | sz << 8 | vd_f(vrnd(), sz));
        return;
    }
    /* VMOV reg, VABS, VNEG, VSQRT: opc2 = k >> 1, op = k & 1 */
    vg_add(g, cond << 28 | 0x0eb00a40u | (k >> 1) << 16 | (k & 1) << 7 | sz << 8 | vd_f(vrnd(), sz) | vm_f(vrnd(), sz));
}

static void gen_v_cmp(struct vfp_state *s, struct vfp_gen *g, bool thumb)
{
    (void)s, (void)thumb;
    unsigned sz = a32_rndn(2), cond = a32_cond(), e = a32_rndn(2), z = a32_rndn(4) == 0;
    vg_add(g, cond << 28 | 0x0eb40a40u | z << 16 | e << 7 | sz << 8 | vd_f(vrnd(), sz) | (z ? 0 : vm_f(vrnd(), sz)));
    if (a32_rndn(2))
        vg_add(g, 14u << 28 | 0x0ef1fa10u);     /* VMRS APSR_nzcv, FPSCR */
}

static void gen_v_cvt(struct vfp_state *s, struct vfp_gen *g, bool thumb)
{
    (void)s, (void)thumb;
    unsigned sz = a32_rndn(2), cond = a32_cond(), op = a32_rndn(2);
    uint32_t base = cond << 28 | 0x0eb00a40u | sz << 8 | op << 7;
    switch (a32_rndn(10)) {
    case 0: /* VCVTB/T from half */
        vg_add(g, base | 0x2u << 16 | vd_f(vrnd(), sz) | vm_f(vrnd(), false));
        break;
    case 1: /* to half */
        vg_add(g, base | 0x3u << 16 | vd_f(vrnd(), false) | vm_f(vrnd(), sz));
        break;
    case 2: /* between single and double (op = 1), VRINTX (op = 0) */
        if (op)
            vg_add(g, base | 0x7u << 16 | vd_f(vrnd(), !sz) | vm_f(vrnd(), sz));
        else
            vg_add(g, base | 0x7u << 16 | vd_f(vrnd(), sz) | vm_f(vrnd(), sz));
        break;
    case 3: /* VRINTR / VRINTZ */
        vg_add(g, base | 0x6u << 16 | vd_f(vrnd(), sz) | vm_f(vrnd(), sz));
        break;
    case 4: /* from integer */
        vg_add(g, base | 0x8u << 16 | vd_f(vrnd(), sz) | vm_f(vrnd(), false));
        break;
    case 5: case 6: /* to integer, VCVT / VCVTR */
        vg_add(g, base | (0xcu | a32_rndn(2)) << 16 | vd_f(vrnd(), false) | vm_f(vrnd(), sz));
        break;
    case 7: /* VJCVT */
        vg_add(g, (base & ~(0x1u << 8)) | 0x1u << 8 | 0x1u << 7 | 0x9u << 16 | vd_f(vrnd(), false) | vm_f(vrnd(), true));
        break;
    default: { /* fixed point: opc2 1 to_fixed 1 U, sx = op */
        unsigned size = op ? 32 : 16, fbits = a32_rndn(size + 1);
        if (fbits == 0)
            fbits = 1;
        unsigned imm5 = size - fbits;
        unsigned opc2 = 0xa | a32_rndn(2) << 2 | a32_rndn(2);
        vg_add(g, (base & ~0x3fu) | opc2 << 16 | vd_f(vrnd(), sz) | (imm5 & 1) << 5 | imm5 >> 1);
        break;
    }
    }
}

static void gen_v_v8(struct vfp_state *s, struct vfp_gen *g, bool thumb)
{
    (void)s, (void)thumb;
    unsigned sz = a32_rndn(2);
    unsigned d = vrnd(), n = vrnd(), m = vrnd();
    switch (a32_rndn(4)) {
    case 0: /* VSEL */
        vg_add(g, 0xfe000a00u | a32_rndn(4) << 20 | sz << 8 | vd_f(d, sz) | vn_f(n, sz) | vm_f(m, sz));
        break;
    case 1: /* VMAXNM / VMINNM */
        vg_add(g, 0xfe800a00u | a32_rndn(2) << 6 | sz << 8 | vd_f(d, sz) | vn_f(n, sz) | vm_f(m, sz));
        break;
    case 2: /* VRINTA/N/P/M */
        vg_add(g, 0xfeb80a40u | a32_rndn(4) << 16 | sz << 8 | vd_f(d, sz) | vm_f(m, sz));
        break;
    default: /* VCVTA/N/P/M */
        vg_add(g, 0xfebc0a40u | a32_rndn(4) << 16 | a32_rndn(2) << 7 | sz << 8 | vd_f(d, false) | vm_f(m, sz));
        break;
    }
}

typedef void (*vfp_gen_fn)(struct vfp_state *s, struct vfp_gen *g, bool thumb);
static const vfp_gen_fn vfp_gens[7] = { gen_v_ldst, gen_v_xfer, gen_v_arith, gen_v_unary, gen_v_cmp, gen_v_cvt, gen_v_v8 };

/* Put the generated words into a case: A32 as they are; T32 with the top
 * nibble 1110 and an IT in front for a condition other than AL. */
static void vfp_emit(struct a32_case *k, const struct vfp_gen *g, bool thumb)
{
    for (unsigned i = 0; i < g->n; i++) {
        uint32_t w = g->w[i];
        if (!thumb) {
            k->insn[k->n++] = w;
            continue;
        }
        unsigned cond = w >> 28;
        if (cond != 14 && cond != 15)
            t_add16(k, 0xbf08u | cond << 4);   /* IT <cond> */
        w = (w & 0x0fffffffu) | (cond == 15 ? 0xf0000000u : 0xe0000000u);
        t_add32(k, w >> 16, w & 0xffff);
    }
}

/* T32: an IT block of 2-4 conditional VFP instructions, then and else
 * (VMRS APSR_nzcv inside may change the flags the later ones test). */
static void vfp_it_block(struct vfp_state *s, struct a32_case *k)
{
    unsigned fc = a32_rndn(14), n = 2 + a32_rndn(3), mask = 1u << (4 - n);
    for (unsigned i = 1; i < n; i++)   /* then (fc<0>) or else */
        mask |= (a32_rndn(2) ? (fc & 1) : !(fc & 1)) << (4 - i);
    t_add16(k, 0xbf00u | fc << 4 | mask);
    unsigned done = 0;
    while (done < n) {
        struct vfp_gen g = { .n = 0 };
        vfp_gens[a32_rndn(6)](s, &g, true);     /* not the unconditional forms */
        k->mem |= g.mem;
        for (unsigned j = 0; j < g.n && done < n; j++, done++) {
            uint32_t w = (g.w[j] & 0x0fffffffu) | 0xe0000000u;   /* the IT block's condition */
            t_add32(k, w >> 16, w & 0xffff);
        }
    }
}

static void vfp_make_case(enum vfp_class cls, struct a32_case *k, struct vfp_state *s)
{
    memset(k, 0, sizeof(*k));
    bool thumb = cls >= VC_T_LDST;
    unsigned base = cls % (VC_SEQ + 1);    /* the A32 class of a T32 one */
    k->thumb = thumb;
    vfp_in_seq = base == VC_SEQ;
    if (base == VC_SEQ) {
        for (unsigned r = 10; r < 14; r++)
            s->core.r[r] = vfp_addr();
        unsigned n = 2 + a32_rndn(5);
        for (unsigned i = 0; i < n && k->n + 4 < A32_MAX_INSNS; i++) {
            if (thumb && a32_rndn(3) == 0 && k->n + 6 < A32_MAX_INSNS) {
                vfp_it_block(s, k);
                continue;
            }
            struct vfp_gen g = { .n = 0 };
            vfp_gens[a32_rndn(7)](s, &g, thumb);
            k->mem |= g.mem;
            vfp_emit(k, &g, thumb);
        }
        return;
    }
    struct vfp_gen g = { .n = 0 };
    vfp_gens[base](s, &g, thumb);
    k->mem = g.mem;
    vfp_emit(k, &g, thumb);
}

/* ---- running ----------------------------------------------------------------------------- */

static uint64_t vfp_both_undef;   /* cases UNDEFINED on both sides (should be none) */

static uint32_t vfp_our_fpscr(const struct cpu *c)
{
    return (c->fpsr & 0xf800009fu) | (c->fpcr & 0x07f70000u);
}

/* Run a case on both sides; true when they agree.  Also used by directed
 * tests (k built by hand). */
static bool vfp_run_case(struct a32_diff *d, const struct a32_case *k, const struct vfp_state *s0,
                         struct a32_stats *st, const char *cname)
{
    uint32_t end;
    uint32_t pc = a32_place_case(d, k, &end);
    uint32_t cpsr = s0->core.cpsr | 0x10 | (k->thumb ? 0x20 : 0);

    /* ours */
    struct cpu *c = d->h.cpu;
    for (int i = 0; i < 32; i++)
        c->v[i / 2].d[i % 2] = s0->d[i];
    c->fpsr = s0->fpscr & 0xf800009fu;
    c->fpcr = s0->fpscr & 0x07f70000u;
    struct vfp_state o;
    enum cpu_exit r = a32_ours_run(c, &s0->core, pc, cpsr, &o.core);
    for (int i = 0; i < 32; i++)
        o.d[i] = c->v[i / 2].d[i % 2];
    o.fpscr = vfp_our_fpscr(c) & VFP_FPSCR_MASK;

    /* reference */
    a32_ref_set(d, &s0->core, cpsr);
    uint32_t fpexc = 0x40000000u, cpacr = 0x00f00000u;
    uc_reg_write(d->uc, UC_ARM_REG_C1_C0_2, &cpacr);
    uc_reg_write(d->uc, UC_ARM_REG_FPEXC, &fpexc);
    uc_reg_write(d->uc, UC_ARM_REG_FPSCR, &s0->fpscr);
    uint32_t fnzcv = s0->fpscr & 0xf0000000u;     /* kept apart by the reference */
    uc_reg_write(d->uc, UC_ARM_REG_FPSCR_NZCV, &fnzcv);
    for (int i = 0; i < 32; i++)
        uc_reg_write(d->uc, UC_ARM_REG_D0 + i, &s0->d[i]);
    uc_err err = uc_emu_start(d->uc, pc | (k->thumb ? 1 : 0), end, 0, 0);
    struct vfp_state rs;
    uint32_t v;
    a32_ref_get(d, &rs.core);
    for (int i = 0; i < 32; i++)
        uc_reg_read(d->uc, UC_ARM_REG_D0 + i, &rs.d[i]);
    uc_reg_read(d->uc, UC_ARM_REG_FPSCR, &v);
    rs.fpscr = v & VFP_FPSCR_MASK;
    bool ref_undef = err != UC_ERR_OK, ours_undef = r == CPU_EXIT_UNDEF;

    st->cases++;
    st->insns += k->n;
    bool ok = true;
    const char *why = "";
    if (ref_undef || ours_undef) {
        if (ref_undef && ours_undef) {
            vfp_both_undef++;
            return true;
        }
        if (ref_undef)
            st->undef_ref++, why = "UNDEFINED on the reference only";
        else
            st->undef_ours++, why = "UNDEFINED on ours only";
        ok = false;
    }
    if (ok && r != CPU_EXIT_SVC)
        ok = false, why = "ours stopped unexpectedly";
    if (ok && a32_core_diff(&o.core, &rs.core))
        ok = false, why = a32_core_diff(&o.core, &rs.core);
    if (ok && memcmp(o.d, rs.d, sizeof(o.d)))
        ok = false, why = "D registers";
    if (ok && o.fpscr != rs.fpscr)
        ok = false, why = "FPSCR";
    if (ok && k->mem && !a32_mem_same(d))
        ok = false, why = "memory";
    if (!ok) {
        st->mismatches++;
        if (!d->quiet && (d->verbose || st->mismatches <= 10)) {
            a32_print_mismatch(cname, why, (int)r, (int)err, k);
            printf("\n  in : cpsr %08x fpscr %08x", s0->core.cpsr, s0->fpscr);
            a32_print_regs(s0->core.r, &o.core, &rs.core);
            for (int i = 0; i < 32; i++)
                if (o.d[i] != rs.d[i])
                    printf(" d%d=%016" PRIx64, i, s0->d[i]);
            printf("\n  ours: pc %08x cpsr %08x fpscr %08x", o.core.pc, o.core.cpsr, o.fpscr);
            a32_print_regs(o.core.r, &o.core, &rs.core);
            for (int i = 0; i < 32; i++)
                if (o.d[i] != rs.d[i])
                    printf(" d%d=%016" PRIx64, i, o.d[i]);
            printf("\n  ref : pc %08x cpsr %08x fpscr %08x", rs.core.pc, rs.core.cpsr, rs.fpscr);
            a32_print_regs(rs.core.r, &o.core, &rs.core);
            for (int i = 0; i < 32; i++)
                if (o.d[i] != rs.d[i])
                    printf(" d%d=%016" PRIx64, i, rs.d[i]);
            printf("\n");
        }
    }
    if (k->mem)
        a32_mem_sync(d);
    return ok;
}

static void vfp_run_class(struct a32_diff *d, enum vfp_class cls, uint64_t n, struct a32_stats *st)
{
    for (uint64_t i = 0; i < n; i++) {
        struct vfp_state s;
        struct a32_case k;
        vfp_random_state(&s);
        vfp_make_case(cls, &k, &s);
        vfp_run_case(d, &k, &s, st, vfp_class_names[cls]);
    }
}

#endif
