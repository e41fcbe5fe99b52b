/* Differential testing of AArch32 Advanced SIMD (A32 and T32) against
 * Unicorn's ARM mode (UC_CPU_ARM_MAX, FPEXC.EN set), for
 * tests/unit/test_a32_neon.c.  Built on a32_diff.h's harness (the shared
 * code/data layout, the Unicorn engine, the random source).
 *
 * A case is one random encoding of a class (random fields over the class's
 * encoding space: the UNDEFINED shapes are compared too), in A32 or T32 (T32
 * sometimes inside an IT block), run from a random state: R0-R14, all 32 D
 * registers (integer edge values, or for float classes NaNs, infinities,
 * zeros, denormals, normals), the FPSCR with random flags, QC and mode bits
 * (Advanced SIMD must ignore the modes: standard FPSCR value).  R0-R14,
 * D0-D31, FPSCR (QC, cumulative flags), the stopping point and the data
 * memory must match; an exception (UNDEFINED, alignment fault) must happen on
 * both sides or neither.  Encodings outside what nestvm implements are not
 * generated: FEAT_FP16 forms. */
#ifndef NESTVM_TEST_A32_NEON_DIFF_H
#define NESTVM_TEST_A32_NEON_DIFF_H

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "a32_diff.h"
#pragma GCC diagnostic pop

enum n_class {
    NC_LDM, NC_LD1, NC_LDALL, NC_3SAME, NC_3SAMEF, NC_1IMM, NC_SHIFT, NC_3DIFF, NC_SCALAR, NC_2MISC, NC_2MISCF,
    NC_PERM, NC_COUNT
};
static const char *const n_class_names[NC_COUNT] = {
    "vldstm", "vldst1", "vldall", "3same", "3samef", "1imm", "shift", "3diff", "scalar", "2misc", "2miscf", "perm",
};

struct n_state {
    struct a32_state core;
    uint64_t d[32];
    uint32_t fpscr;
};

struct n_stats {
    uint64_t cases, mismatches, exc_both, undef_ours, undef_ref;
};

static inline uint32_t n_bits(unsigned w) { return (uint32_t)a32_rnd() & ((1u << w) - 1); }

static uint32_t n_f32(void)
{
    static const uint32_t sp[] = {
        0x7fc00000u, 0xffc00001u, 0x7f800001u, 0xff812345u, 0x7f800000u, 0xff800000u, 0, 0x80000000u,
        0x00000001u, 0x807fffffu, 0x00400000u, 0x3f800000u, 0xbf800000u, 0x40000000u, 0x4f000000u, 0xcf000000u,
        0x4f800000u, 0x7f7fffffu, 0x00800000u, 0x3fc00000u, 0x40400000u, 0x5f000000u, 0x3effffffu, 0x4b400001u,
    };
    switch (a32_rndn(5)) {
    case 0: case 1: return sp[a32_rndn(sizeof(sp) / sizeof(sp[0]))];
    case 2: return (uint32_t)a32_rnd() & 0x807fffffu;  /* denormals and zeros */
    case 3: return (uint32_t)(a32_rndn(2) << 31) | (uint32_t)(0x3f000000u + a32_rndn(0x02000000u));  /* near 1 */
    default: return (uint32_t)a32_rnd();
    }
}

static uint64_t n_dval(bool fp)
{
    if (fp)
        return (uint64_t)n_f32() << 32 | n_f32();
    switch (a32_rndn(4)) {
    case 0: return (uint64_t)a32_edge() << 32 | a32_edge();
    case 1: { /* 16-bit and 8-bit edges */
        static const uint16_t e16[] = { 0, 1, 0x7fff, 0x8000, 0xffff, 0x7f, 0x80, 0xff, 0x8080, 0x7f7f, 0x100, 0xfffe };
        uint64_t v = 0;
        for (int i = 0; i < 4; i++)
            v |= (uint64_t)e16[a32_rndn(12)] << (16 * i);
        return v;
    }
    case 2: return a32_rnd() >> a32_rndn(64);
    default: return a32_rnd();
    }
}

static void n_random_state(struct n_state *s, bool fp)
{
    for (int i = 0; i < 15; i++)
        s->core.r[i] = a32_edge();
    s->core.cpsr = (uint32_t)a32_rndn(16) << 28;
    for (int i = 0; i < 32; i++)
        s->d[i] = n_dval(fp);
    /* random QC, cumulative flags and modes (AHP stays 0: IEEE half) */
    s->fpscr = (a32_rndn(4) ? 0 : 1u << 27) | (a32_rndn(2) ? 0 : (uint32_t)a32_rnd() & 0x9fu) |
               (a32_rndn(2) ? 0 : (uint32_t)a32_rnd() & 0x03c00000u);
}

/* Register fields: mostly any, sometimes from a small set (aliasing);
 * Q forms mostly even. */
static unsigned n_vreg(bool q)
{
    unsigned r = a32_rndn(4) == 0 ? a32_rndn(4) : a32_rndn(32);
    if (q && a32_rndn(16))
        r &= ~1u;
    return r;
}

/* Place D:Vd, N:Vn, M:Vm into an A32 word. */
static uint32_t n_regs(uint32_t w, unsigned vd, unsigned vn, unsigned vm)
{
    return w | (vd >> 4) << 22 | (vd & 15) << 12 | (vn >> 4) << 7 | (vn & 15) << 16 | (vm >> 4) << 5 | (vm & 15);
}

static bool n_want_fp;  /* the class wants float register contents */

/* Loads and stores: the base register points into the data area (aligned
 * or not), the index register is 15, 13 or a small offset. */
static uint32_t n_gen_ldst(struct n_state *s, enum n_class cls)
{
    uint32_t w;
    unsigned vd = n_vreg(false);
    for (;;) {
        if (cls == NC_LDM) {
            w = 0xf4000000u | n_bits(1) << 21 | n_bits(4) << 8 | n_bits(2) << 6 | n_bits(2) << 4;
            unsigned type = w >> 8 & 15;
            if (type > 10 && a32_rndn(8))
                continue;
            /* keep d + registers within D0-D31 (UNPREDICTABLE otherwise) */
            static const uint8_t span[11] = { 4, 7, 4, 4, 3, 5, 3, 1, 2, 3, 2 };
            if (type <= 10 && vd + span[type] > 32)
                vd = 32 - span[type];
        } else if (cls == NC_LD1) {
            w = 0xf4800000u | n_bits(1) << 21 | a32_rndn(3) << 10 | n_bits(2) << 8 | n_bits(4) << 4;
            unsigned n = (w >> 8 & 3) + 1;
            if (vd + 2 * (n - 1) > 31)
                vd = 31 - 2 * (n - 1);
        } else {
            w = 0xf4a00c00u | n_bits(2) << 8 | n_bits(2) << 6 | n_bits(1) << 5 | n_bits(1) << 4;
            unsigned n = (w >> 8 & 3) + 1;
            if (vd + 2 * (n - 1) + 1 > 31)
                vd = 31 - 2 * (n - 1) - 1;
        }
        break;
    }
    unsigned rn = a32_rndn(13), rm;
    switch (a32_rndn(4)) {
    case 0: case 1: rm = 15; break;
    case 2: rm = 13; break;
    default:
        do
            rm = a32_rndn(13);
        while (rm == rn);
        s->core.r[rm] = (uint32_t)((int32_t)a32_rndn(129) - 64);
        break;
    }
    if (rm == 13 && rn == 13)
        rn = 0;
    /* The reference does not check the alignment the align fields ask
     * for: an unaligned base goes with those fields clear (the faults are
     * checked by directed tests). */
    uint32_t base = A32_DATA_MID + ((uint32_t)a32_rndn(512) - 256);
    if (a32_rndn(3)) {
        base &= ~31u;
    } else if (cls == NC_LDM) {
        w &= ~0x30u;
    } else if (cls == NC_LD1) {
        w &= (w >> 10 & 3) == 2 ? ~0x30u : ~0x10u;
    } else {
        w &= ~0x10u;
    }
    s->core.r[rn] = base;
    return n_regs(w, vd, 0, 0) | rn << 16 | rm;
}

static uint32_t n_gen(struct n_state *s, enum n_class cls)
{
    uint32_t w;
    bool q = a32_rndn(2);
    unsigned u = a32_rndn(2);
    n_want_fp = false;
    for (;;) {
        switch (cls) {
        case NC_LDM: case NC_LD1: case NC_LDALL:
            return n_gen_ldst(s, cls);
        case NC_3SAME: {
            unsigned opc = a32_rndn(12), o1 = a32_rndn(2);
            w = 0xf2000000u | u << 24 | n_bits(2) << 20 | opc << 8 | q << 6 | o1 << 4;
            return n_regs(w, n_vreg(q), n_vreg(q), n_vreg(q));
        }
        case NC_3SAMEF: {
            unsigned opc = 12 + a32_rndn(4), o1 = a32_rndn(2);
            if (opc == 13 && o1 && u && a32_rndn(8))
                continue;   /* VMUL: below */
            n_want_fp = true;
            w = 0xf2000000u | u << 24 | (a32_rndn(2) << 21) | opc << 8 | q << 6 | o1 << 4;
            if (opc == 13 && o1 && u)
                w &= ~(1u << 21);   /* the reference runs VMUL.F32 with bit 21 set, UNDEFINED in the Arm ARM */
            return n_regs(w, n_vreg(q), n_vreg(q), n_vreg(q));
        }
        case NC_1IMM:
            w = 0xf2800010u | u << 24 | n_bits(3) << 16 | n_bits(4) << 8 | q << 6 | n_bits(1) << 5 | n_bits(4);
            return n_regs(w, n_vreg(q), 0, 0);
        case NC_SHIFT: {
            unsigned l = a32_rndn(4) == 0, imm6 = n_bits(6), opc = n_bits(4);
            if (!l && imm6 < 8)
                imm6 |= 8u << a32_rndn(3);
            if (opc == 12 || opc == 13)
                continue;   /* FP16 fixed point */
            if (opc >= 14)
                n_want_fp = true;
            w = 0xf2800010u | u << 24 | imm6 << 16 | opc << 8 | l << 7 | q << 6;
            bool wide = opc >= 8 && opc <= 10;
            return n_regs(w, n_vreg(q || opc == 10), 0, n_vreg(q || (opc >= 8 && opc <= 9)) ) & (wide ? ~0u : ~0u);
        }
        case NC_3DIFF: {
            unsigned opc = n_bits(4), sz = a32_rndn(3);
            if ((opc == 9 || opc == 11 || opc == 13) && u && a32_rndn(8))
                continue;   /* below */
            w = 0xf2800000u | u << 24 | sz << 20 | opc << 8;
            if (opc == 9 || opc == 11 || opc == 13)
                w &= ~(1u << 24);   /* the reference ignores U of VQDMLAL/VQDMLSL/VQDMULL (UNDEFINED) */
            bool nq = opc == 1 || opc == 3 || opc == 4 || opc == 6, mq = opc == 4 || opc == 6;
            bool dq = !(opc == 4 || opc == 6);
            return n_regs(w, n_vreg(dq), n_vreg(nq), n_vreg(mq));
        }
        case NC_SCALAR: {
            unsigned opc = n_bits(4), sz = 1 + a32_rndn(2);
            if ((opc & 3) == 1) {
                n_want_fp = true;
                if (sz == 1)
                    continue;   /* FP16 */
            }
            w = 0xf2800040u | u << 24 | sz << 20 | opc << 8;
            return n_regs(w, n_vreg(true), n_vreg(u), n_vreg(false));
        }
        case NC_2MISC: case NC_2MISCF: {
            unsigned opc1 = n_bits(2), opc2 = n_bits(4), sz = n_bits(2);
            bool fp = (opc1 == 1 && (opc2 & 8)) || (opc1 == 2 && opc2 >= 8) || opc1 == 3;
            if (fp != (cls == NC_2MISCF))
                continue;
            if (fp && a32_rndn(4))
                sz = opc1 == 2 && (opc2 == 12 || opc2 == 14) ? 1 : 2;   /* mostly defined sizes */
            if (fp && sz == 1 && !(opc1 == 2 && (opc2 == 12 || opc2 == 14)))
                continue;   /* FP16 */
            n_want_fp = fp;
            if (opc1 == 1 && opc2 == 5)
                q = 1;  /* the reference runs SHA1H with bit 6 clear (UNDEFINED) */
            w = 0xf3b00000u | sz << 18 | opc1 << 16 | opc2 << 7 | q << 6;
            bool narrow = opc1 == 2 && (opc2 == 4 || opc2 == 5);
            bool wd = opc1 == 2 && (opc2 == 6 || opc2 == 14), wm = opc1 == 2 && opc2 == 12;
            unsigned vd = n_vreg((q && !narrow) || wd), vm = n_vreg(q || narrow || wm);
            if (opc1 == 2 && opc2 >= 1 && opc2 <= 3 && vd == vm)
                vm ^= 2;    /* UNPREDICTABLE */
            return n_regs(w, vd, 0, vm);
        }
        default: /* NC_PERM: VEXT, VTBL/VTBX, VDUP, VSWP/VTRN/VUZP/VZIP, VREV */
            switch (a32_rndn(5)) {
            case 0:
                w = 0xf2b00000u | n_bits(4) << 8 | q << 6;
                return n_regs(w, n_vreg(q), n_vreg(q), n_vreg(q));
            case 1: {
                unsigned len = n_bits(2), vn = a32_rndn(32 - len);
                w = 0xf3b00800u | len << 8 | n_bits(1) << 6;
                return n_regs(w, n_vreg(false), vn, n_vreg(false));
            }
            case 2:
                w = 0xf3b00c00u | n_bits(4) << 16 | q << 6;
                return n_regs(w, n_vreg(q), 0, n_vreg(false));
            case 3: { /* d == m is UNPREDICTABLE for VTRN/VUZP/VZIP */
                unsigned op = a32_rndn(4), vd = n_vreg(q), vm = n_vreg(q);
                if (op && vd == vm)
                    vm ^= 2;
                w = 0xf3b20000u | n_bits(2) << 18 | op << 7 | q << 6;
                return n_regs(w, vd, 0, vm);
            }
            default:
                w = 0xf3b00000u | n_bits(2) << 18 | a32_rndn(3) << 7 | q << 6;
                return n_regs(w, n_vreg(q), 0, n_vreg(q));
            }
        }
    }
}

/* The T32 form of an A32 Advanced SIMD word. */
static uint32_t n_to_t32(uint32_t w)
{
    if ((w >> 25) == 0x79)     /* 1111 001U */
        return 0xef000000u | (w >> 24 & 1) << 28 | (w & 0x00ffffffu);
    return 0xf9000000u | (w & 0x00ffffffu);     /* 1111 0100 */
}

static void n_diff_init(struct a32_diff *a)
{
    uint32_t fpexc = 0x40000000u;
    uc_reg_write(a->uc, UC_ARM_REG_FPEXC, &fpexc);
}

static bool n_cond_holds(uint32_t cpsr, unsigned cond)
{
    bool n = cpsr >> 31 & 1, z = cpsr >> 30 & 1, c = cpsr >> 29 & 1, v = cpsr >> 28 & 1, r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = !z && n == v; break;
    default: r = true; break;
    }
    return (cond & 1) && cond != 15 ? !r : r;
}

/* Run one case; true when the sides agree. */
static bool n_run_case(struct a32_diff *d, uint32_t w, bool thumb, unsigned itcond, const struct n_state *s0,
                       struct n_stats *st, const char *cname)
{
    struct a32_case k = { .thumb = thumb };
    if (!thumb) {
        k.insn[k.n++] = w;
    } else {
        uint32_t t = n_to_t32(w);
        if (itcond < 15)
            t_add16(&k, 0xbf08 | itcond << 4);
        t_add32(&k, t >> 16, t);
    }
    uint32_t end;
    uint32_t pc = a32_place_case(d, &k, &end);
    uint32_t cpsr = s0->core.cpsr | 0x10 | (thumb ? 0x20 : 0);

    /* ours */
    struct cpu *c = d->h.cpu;
    for (int i = 0; i < 32; i++)
        c->v[i / 2].d[i % 2] = s0->d[i];
    c->fpcr = s0->fpscr & 0x07c80000u;
    c->fpsr = s0->fpscr & 0x0800009fu;
    struct n_state o;
    enum cpu_exit r = a32_ours_run(c, &s0->core, pc, cpsr, &o.core);
    for (int i = 0; i < 32; i++)
        o.d[i] = c->v[i / 2].d[i % 2];
    o.fpscr = (c->fpsr & 0x0800009fu);
    bool ours_exc = r != CPU_EXIT_SVC;

    /* reference */
    a32_ref_set(d, &s0->core, cpsr);
    for (int i = 0; i < 32; i++)
        uc_reg_write(d->uc, UC_ARM_REG_D0 + i, &s0->d[i]);
    uint32_t fpscr = s0->fpscr;
    uc_reg_write(d->uc, UC_ARM_REG_FPSCR, &fpscr);
    uc_err err = uc_emu_start(d->uc, pc | (thumb ? 1 : 0), end, 0, 0);
    struct n_state rs;
    a32_ref_get(d, &rs.core);
    for (int i = 0; i < 32; i++)
        uc_reg_read(d->uc, UC_ARM_REG_D0 + i, &rs.d[i]);
    uc_reg_read(d->uc, UC_ARM_REG_FPSCR, &fpscr);
    rs.fpscr = fpscr & 0x0800009fu;
    bool ref_exc = err != UC_ERR_OK;

    st->cases++;
    bool ok = true;
    const char *why = "";
    /* A condition-failed UNDEFINED instruction (in an IT block) may be
     * UNDEFINED (ours) or a NOP (the reference): both are permitted. */
    bool cond_failed = thumb && itcond < 15 && !n_cond_holds(s0->core.cpsr, itcond);
    if (ours_exc || ref_exc) {
        if (ours_exc && r == CPU_EXIT_UNDEF && !ref_exc && cond_failed) {
            st->exc_both++;
        } else if (ours_exc && ref_exc) {
            st->exc_both++;
            if (getenv("N_SHOW_EXC"))
                printf("both-exc %s %08x%s ours %d ref %d\n", cname, w, thumb ? " T32" : "", (int)r, (int)err);
        } else if (ours_exc) {
            st->undef_ours++;
            ok = false, why = r == CPU_EXIT_UNDEF ? "UNDEFINED on ours only" : "exception on ours only";
        } else {
            st->undef_ref++;
            ok = false, why = "exception on the reference only";
        }
    } else {
        if (memcmp(o.core.r, rs.core.r, sizeof(o.core.r)))
            ok = false, why = "core registers";
        else if (memcmp(o.d, rs.d, sizeof(o.d)))
            ok = false, why = "D registers";
        else if (o.fpscr != rs.fpscr)
            ok = false, why = "FPSCR";
        else if (o.core.pc != rs.core.pc)
            ok = false, why = "pc";
    }
    if (ok && !ours_exc && !a32_mem_same(d))
        ok = false, why = "memory";
    if (!ok) {
        st->mismatches++;
        if (st->mismatches <= 8) {
            printf("MISMATCH %s (%s): %08x%s it %u, ours exit %d ref err %d\n", cname, why, w, thumb ? " (T32)" : "",
                   itcond, (int)r, (int)err);
            printf("  fpscr in %08x ours %08x ref %08x\n", s0->fpscr, o.fpscr, rs.fpscr);
            for (int i = 0; i < 32; i++)
                if (o.d[i] != rs.d[i] || s0->d[i] != o.d[i])
                    printf("  d%-2d in %016" PRIx64 " ours %016" PRIx64 " ref %016" PRIx64 "\n", i, s0->d[i], o.d[i],
                           rs.d[i]);
            for (int i = 0; i < 15; i++)
                if (o.core.r[i] != rs.core.r[i])
                    printf("  r%d in %08x ours %08x ref %08x\n", i, s0->core.r[i], o.core.r[i], rs.core.r[i]);
        }
    }
    a32_mem_sync(d);
    return ok;
}

static void n_run_class(struct a32_diff *d, enum n_class cls, bool thumb, uint64_t n, struct n_stats *st)
{
    for (uint64_t i = 0; i < n; i++) {
        struct n_state s;
        n_random_state(&s, false);
        uint32_t w = n_gen(&s, cls);
        if (n_want_fp)
            for (int k = 0; k < 32; k++)
                s.d[k] = n_dval(true);
        unsigned itc = 15;
        if (thumb && a32_rndn(4) == 0)
            itc = a32_rndn(14);
        n_run_case(d, w, thumb, itc, &s, st, n_class_names[cls]);
    }
}

#endif
