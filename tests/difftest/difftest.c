/* Instruction-level differential tester: random but valid A64 instruction
 * blocks per instruction class, run on our CPU and on Unicorn 2
 * (UC_CPU_ARM64_MAX) from the same random state, compared register by
 * register (X0-X30, SP, NZCV, FPCR, FPSR, V0-V31) and over the data region.
 *
 *   difftest --class CLASS|all --count N [--seed S] [--block-len K] [--block B]
 *            [--verbose] [--list-undef] [--max-report N] [--allow-undef]
 *            [--qemu-runner PATH | --no-qemu] [--ref-vs-qemu] [--dump] [--list-forms]
 *
 * Classes: dp, ldst, excl, fp, simd, simdfp, crypto, flags (instruction
 * forms in forms.c), mixed (all forms in one block, for interactions such as
 * FCMP feeding CSEL or loads feeding FP) and reserved (encodings the tables
 * call reserved, which must stay UNDEFINED) and unadv (instructions of
 * optional features: UNDEFINED unless the model's ID registers advertise
 * them).  Block b of class c with seed s is a pure function of
 * (s, c, b): --block b --verbose reproduces any report.
 *
 * Layout: code page at CODE_BASE (block, then BRK #0), data region of
 * DATA_SIZE at DATA_BASE.  Memory classes keep x24-x28 and SP as base
 * registers (tracked through writeback), x20/x21 as small index registers;
 * generated instructions write only the other registers.
 *
 * On a mismatch: the seed, the block (disassembled with capstone when
 * available), and the first diverging instruction found by re-running
 * prefixes, with its operands and the differing state; if qemu-aarch64 and
 * the static helper difftest-qemu-runner (qemu_runner.c) are available, the
 * prefix is also run there and the verdict says which side qemu agrees with.
 * An encoding our CPU treats as UNDEFINED while Unicorn executes it counts
 * as a mismatch, reported once per form (--list-undef: per-form coverage).
 *
 * Exit status: 0 = no mismatch, 1 = mismatches (wrong results, or encodings
 * our CPU treats as UNDEFINED while Unicorn executes them, unless
 * --allow-undef), 2 = usage/setup.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdnoreturn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <unicorn/unicorn.h>
#ifdef HAVE_CAPSTONE
#include <capstone/capstone.h>
#endif

#include "cpu.h"
#include "difftest.h"

/* ---- memory layout ------------------------------------------------------- */

#define CODE_BASE 0x10000ull
#define CODE_SIZE 0x1000u
#define DATA_BASE 0x100000ull
#define DATA_SIZE 0x10000u
#define DATA_END (DATA_BASE + DATA_SIZE)
#define MAX_BLOCK 256
#define INSN_NOP 0xd503201fu
/* Every engine sees the same code page: the block, then BRK #0 (our CPU
 * leaves cpu_run() there, Unicorn stops at its address, the qemu helper
 * catches its SIGTRAP), so literal loads that read it agree too. */
#define INSN_END 0xd4200000u
#define INSN_CLREX 0xd5033f5fu

/* Registers the memory classes reserve: bases point into the data region,
 * index registers hold small non-negative values; neither is ever written
 * by a generated instruction (except base writeback, which the generator
 * tracks). */
static const int base_regs[] = { 24, 25, 26, 27, 28, 31 /* SP */ };
static const int idx_regs[] = { 20, 21 };
static const int data_regs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                 16, 17, 18, 19, 22, 23, 29, 30, 31 };
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *class_names[NUM_CLASSES] = { "dp", "ldst", "excl", "fp", "simd", "simdfp", "crypto", "flags", "reserved", "mixed", "unadv" };
#define CLS_RESERVED 8
#define CLS_MIXED 9
#define CLS_UNADV 10
static bool is_excl_like(int c) { return c == 2 || c == CLS_MIXED; }

/* ---- known differences of the reference ---------------------------------
 * Where Unicorn (2.0.1, QEMU 5.0 based) is known to differ from the
 * architecture, an entry here either keeps a form out of generation or masks
 * a state component in the comparison of blocks that contain it.  Every
 * entry must name the reason and how it was verified (qemu-aarch64 7.2 /
 * Arm ARM pseudocode). */
enum { IGN_GEN = 1, IGN_FPSR = 2 };
struct exclusion {
    const char *form;       /* form name */
    const char *when;       /* encodings of the form, in the "bad" syntax of forms.c ("" = all) */
    unsigned what;
    const char *reason;
    /* compiled */
    int nm;
    uint32_t mask[MAX_BAD], val[MAX_BAD];
};
#define EXCL(f, w, x, r) { .form = f, .when = w, .what = x, .reason = r }
static struct exclusion exclusions[] = {
    /* Unicorn 2.0.1 executes LSE atomics through TCG's non-atomic fallback,
     * which (before QEMU commit "tcg: Fix do_nonatomic_op_* vs signed
     * operations") loads memory zero-extended and compares it with the
     * unextended 64-bit Rs, so byte/halfword/word LD{S,U}{MAX,MIN} pick the
     * wrong operand, e.g. LDSMAXB with [m]=0x95, Ws=0xffffffff leaves 0x95
     * (Arm ARM: max(-107, -1) = -1 -> 0xff).  qemu-aarch64 7.2 agrees with
     * the architecture (checked with tests/difftest/qemu_runner.c: excl seed 5,
     * every arbitrated mismatch "agrees with OURS").  The 64-bit forms are
     * still generated. */
    EXCL("LDSMAX", "size=0; size=1; size=2", IGN_GEN, "Unicorn: non-atomic fallback compares unextended Rs"),
    EXCL("LDSMIN", "size=0; size=1; size=2", IGN_GEN, "Unicorn: non-atomic fallback compares unextended Rs"),
    EXCL("LDUMAX", "size=0; size=1; size=2", IGN_GEN, "Unicorn: non-atomic fallback compares unextended Rs"),
    EXCL("LDUMIN", "size=0; size=1; size=2", IGN_GEN, "Unicorn: non-atomic fallback compares unextended Rs"),
    { .form = NULL },
};

/* ---- random numbers ------------------------------------------------------ */

static uint64_t rng_state;
static inline uint64_t rnd(void)
{
    /* xorshift64* */
    uint64_t x = rng_state;
    x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1dull;
}
static inline uint32_t rndn(uint32_t n) { return (uint32_t)((rnd() >> 32) * n >> 32); }
static uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t z = a * 0x9e3779b97f4a7c15ull + b + 0x632be59bd9b4e019ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return z ? z : 1;
}

static uint64_t rnd_int64(void)
{
    static const uint64_t special[] = { 0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000,
                                        0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
                                        ~0ull, ~1ull, 0xffffffff80000000ull };
    switch (rndn(8)) {
    case 0: return special[rndn(NELEM(special))];
    case 1: return rndn(64);
    case 2: return (uint64_t)-(int64_t)rndn(64);
    case 3: return rnd() >> rndn(64);
    case 4: return (uint32_t)rnd();
    default: return rnd();
    }
}

/* One lane of "interesting" floating-point bits of the given size. */
static uint64_t rnd_fp(int size)
{
    int eb = size == 8 ? 11 : size == 4 ? 8 : 5, mb = size * 8 - 1 - eb;
    uint64_t sign = (uint64_t)rndn(2) << (size * 8 - 1), emax = (1ull << eb) - 1, m = rnd() & ((1ull << mb) - 1);
    uint64_t e;
    switch (rndn(12)) {
    case 0: e = 0, m = 0; break;                                  /* zero */
    case 1: e = 0; break;                                         /* denormal */
    case 2: e = emax, m = 0; break;                               /* infinity */
    case 3: e = emax, m |= 1ull << (mb - 1); break;               /* quiet NaN */
    case 4: e = emax, m &= ~(1ull << (mb - 1)), m |= 1; break;    /* signalling NaN */
    case 5: e = emax - 1; break;                                  /* huge */
    case 6: e = 1; break;                                         /* tiny normal */
    case 7: e = (emax >> 1) + rndn(size * 8 + 2), m &= ~((1ull << mb) - 1) >> rndn(mb); break; /* integer-ish */
    case 8: e = (emax >> 1) - 1 + rndn(3), m = rndn(2) ? 0 : 1ull << (mb - 1); break; /* 0.5, 1, 1.5, 2 */
    default: e = (emax >> 1) - 20 + rndn(40); break;              /* ordinary */
    }
    return sign | e << mb | m;
}

static void rnd_vreg(uint64_t v[2])
{
    switch (rndn(8)) {
    case 0: v[0] = rnd(), v[1] = rnd(); break;
    case 1: v[0] = rnd_int64(), v[1] = rnd_int64(); break;
    case 2: case 3: for (int i = 0; i < 2; i++) v[i] = rnd_fp(8); break;
    case 4: case 5: for (int i = 0; i < 2; i++) v[i] = rnd_fp(4) | rnd_fp(4) << 32; break;
    default:
        for (int i = 0; i < 2; i++)
            v[i] = rnd_fp(2) | rnd_fp(2) << 16 | rnd_fp(2) << 32 | rnd_fp(2) << 48;
        break;
    }
}

/* ---- architectural state ------------------------------------------------- */

struct state {
    uint64_t x[31];
    uint64_t sp;
    uint32_t nzcv, fpcr, fpsr;
    uint64_t v[32][2];
};

/* ---- form table compilation ---------------------------------------------- */

static int field_index(const struct form *f, const char *name)
{
    for (int i = 0; i < f->nfields; i++)
        if (!strcmp(f->fields[i].name, name))
            return i;
    return -1;
}

static noreturn void table_error(const struct form *f, const char *msg)
{
    fprintf(stderr, "difftest: form %s: %s\n", f->name, msg);
    exit(2);
}

static void compile_form(struct form *f)
{
    int pos = 32;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", f->pat);
    for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
        char *colon = strchr(tok, ':');
        if (colon) {
            struct field *fl = &f->fields[f->nfields++];
            if (f->nfields > MAX_FIELDS)
                table_error(f, "too many fields");
            *colon = 0;
            snprintf(fl->name, sizeof fl->name, "%s", tok);
            fl->width = (uint8_t)atoi(colon[1] == 's' ? colon + 2 : colon + 1);
            pos -= fl->width;
            fl->lo = (uint8_t)pos;
        } else {
            for (char *p = tok; *p; p++) {
                pos--;
                if (*p == 'x')
                    continue;
                if (*p != '0' && *p != '1')
                    table_error(f, "bad pattern character");
                f->fixmask |= 1u << pos;
                f->fixval |= (uint32_t)(*p - '0') << pos;
            }
        }
        if (pos < 0)
            table_error(f, "pattern longer than 32 bits");
    }
    if (pos != 0)
        table_error(f, "pattern shorter than 32 bits");
    /* reserved combinations */
    snprintf(buf, sizeof buf, "%s", f->bad ? f->bad : "");
    char *save1;
    for (char *conj = strtok_r(buf, ";", &save1); conj; conj = strtok_r(NULL, ";", &save1)) {
        uint32_t m = 0, v = 0;
        char *save2;
        int n = 0;
        for (char *t = strtok_r(conj, " ", &save2); t; t = strtok_r(NULL, " ", &save2)) {
            char *eq = strchr(t, '=');
            if (!eq)
                table_error(f, "bad 'bad' term");
            *eq = 0;
            int fi = field_index(f, t);
            if (fi < 0)
                table_error(f, "unknown field in 'bad'");
            const struct field *fl = &f->fields[fi];
            const char *val = eq + 1;
            if (val[0] == 'b') {
                int len = (int)strlen(val + 1);
                if (len != fl->width)
                    table_error(f, "'bad' bit string width differs from field");
                for (int k = 0; k < len; k++) {
                    char ch = val[1 + k];
                    int bit = fl->lo + fl->width - 1 - k;
                    if (ch == 'x')
                        continue;
                    m |= 1u << bit;
                    v |= (uint32_t)(ch - '0') << bit;
                }
            } else {
                uint32_t fm = ((1u << fl->width) - 1) << fl->lo;
                m |= fm;
                v |= ((uint32_t)atoi(val) << fl->lo) & fm;
            }
            n++;
        }
        if (!n)
            continue;
        if (f->nbad >= MAX_BAD)
            table_error(f, "too many 'bad' entries");
        f->badmask[f->nbad] = m;
        f->badval[f->nbad++] = v;
    }
}

static int form_by_name(const char *name)
{
    for (int i = 0; i < num_forms; i++)
        if (!strcmp(forms[i].name, name))
            return i;
    fprintf(stderr, "difftest: no form %s\n", name);
    exit(2);
}

static bool excluded(int fi, uint32_t insn, unsigned what)
{
    for (const struct exclusion *e = exclusions; e->form; e++) {
        if (!(e->what & what) || strcmp(e->form, forms[fi].name))
            continue;
        if (!e->nm)
            return true;
        for (int k = 0; k < e->nm; k++)
            if ((insn & e->mask[k]) == e->val[k])
                return true;
    }
    return false;
}

/* Compile the exclusions' encoding conditions with the form's fields. */
static void compile_exclusions(void)
{
    for (struct exclusion *e = exclusions; e->form; e++) {
        struct form tmp = forms[form_by_name(e->form)];
        tmp.bad = e->when;
        tmp.nbad = 0;
        tmp.nfields = 0;
        tmp.fixmask = tmp.fixval = 0;
        compile_form(&tmp);
        e->nm = tmp.nbad;
        memcpy(e->mask, tmp.badmask, sizeof e->mask);
        memcpy(e->val, tmp.badval, sizeof e->val);
    }
}

/* ---- generator ------------------------------------------------------------ */

struct block {
    int n;
    uint32_t insn[MAX_BLOCK];
    int form[MAX_BLOCK];   /* -1 = filler (NOP replacing an UNDEFINED insn, prologue) */
};

struct gen {
    int cls;               /* class index */
    bool mem;              /* class uses base/index registers */
    bool mon_open;         /* exclusives class: the local monitor is known to be Open */
    int last_rn;           /* shape of the last store-exclusive (-1: none) */
    bool last_pair;
    unsigned last_size;
    uint64_t base[32];     /* simulated base register values (31 = SP) */
    uint64_t idx[32];
    struct block *b;
};

static int class_forms[NUM_CLASSES][1024];
static int class_nforms[NUM_CLASSES];

static inline uint32_t put(uint32_t insn, int lo, int width, uint32_t v)
{
    uint32_t m = ((1u << width) - 1) << lo;
    return (insn & ~m) | ((v << lo) & m);
}

static int pick(const int *set, int n) { return set[rndn((uint32_t)n)]; }

static bool valid(const struct form *f, uint32_t insn)
{
    for (int k = 0; k < f->nbad; k++)
        if ((insn & f->badmask[k]) == f->badval[k])
            return false;
    return !f->ok || f->ok(insn);
}

/* Random fill of every field; register fields of memory forms get data
 * registers (Rn/Rm are set by fix_mem). */
static const int dest_regs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                                 16, 17, 18, 19, 22, 23, 29, 30 };

static uint32_t fill(const struct form *f, bool mem, bool mixed)
{
    uint32_t insn = f->fixval | ((uint32_t)rnd() & ~f->fixmask);
    for (int i = 0; i < f->nfields; i++) {
        const struct field *fl = &f->fields[i];
        uint32_t v = (uint32_t)rnd();
        if (mem && fl->width == 5 && !(f->flags & FL_VT && (!strcmp(fl->name, "rt") || !strcmp(fl->name, "rt2"))) &&
            (!strcmp(fl->name, "rt") || !strcmp(fl->name, "rt2") || !strcmp(fl->name, "rs")))
            v = (uint32_t)pick(data_regs, NELEM(data_regs));
        else if (mixed && fl->width == 5 && !strcmp(fl->name, "rd"))
            v = (uint32_t)pick(dest_regs, NELEM(dest_regs));   /* never a base/index register or SP */
        else if (fl->width >= 6 && rndn(4) == 0)
            v = rndn(2) ? rndn(4) : ~rndn(4);   /* small / all-ones-ish immediates */
        insn = put(insn, fl->lo, fl->width, v);
    }
    return insn;
}

static bool in_region(uint64_t a, uint64_t len) { return a >= DATA_BASE && a + len <= DATA_END; }
static bool base_ok(uint64_t v, int r)
{
    return v >= DATA_BASE + 0x1000 && v <= DATA_END - 0x1000 && (r != 31 || !(v & 15));
}


/* Choose base/index registers and offsets of a memory form so that the access
 * stays inside the data region; updates the simulated base on writeback. */
static bool fix_mem(struct gen *g, const struct form *f, uint32_t *pinsn)
{
    uint32_t insn = *pinsn;
    bool vt = f->flags & FL_VT;
    for (int tries = 0; tries < 64; tries++) {
        int rn = pick(base_regs, NELEM(base_regs));
        uint64_t b = g->base[rn], addr = b, nb = b;
        uint64_t len;
        bool wb = false;
        insn = put(insn, 5, 5, (uint32_t)rn);
        switch (f->mem) {
        case M_UIMM: {
            unsigned size = bits(insn, 31, 30);
            len = vt && bits(insn, 23, 23) ? 16 : 1u << size;
            uint32_t imm = rndn(2) ? rndn(4096) : rndn(64);
            if (tries == 63)
                imm = 0;
            addr = b + imm * len;
            insn = put(insn, 10, 12, imm);
            break;
        }
        case M_SIMM9: {
            unsigned size = bits(insn, 31, 30), mode = bits(insn, 11, 10);
            len = vt && bits(insn, 23, 23) ? 16 : 1u << size;
            int32_t imm = (int32_t)rndn(512) - 256;
            if (rn == 31 && (mode & 1))
                imm &= ~15;
            if (tries == 63)
                imm = 0;
            insn = put(insn, 12, 9, (uint32_t)imm);
            wb = mode & 1;
            addr = mode == 1 ? b : b + (uint64_t)(int64_t)imm;
            nb = b + (uint64_t)(int64_t)imm;
            break;
        }
        case M_REG: {
            unsigned size = bits(insn, 31, 30);
            len = vt && bits(insn, 23, 23) ? 16 : 1u << size;
            int rm = pick(idx_regs, NELEM(idx_regs));
            insn = put(insn, 16, 5, (uint32_t)rm);
            int sh = bits(insn, 12, 12) ? __builtin_ctzll(len) : 0;
            addr = b + (g->idx[rm] << sh);
            break;
        }
        case M_PAIR: {
            unsigned opc = bits(insn, 31, 30), mode = bits(insn, 24, 23);
            uint64_t esz = vt ? 4u << opc : opc == 2 ? 8 : 4;
            len = 2 * esz;
            int32_t imm = (int32_t)rndn(128) - 64;
            if (rn == 31 && (mode & 1) && esz < 16)
                imm &= esz == 8 ? ~1 : ~3;
            if (tries == 63)
                imm = 0;
            insn = put(insn, 15, 7, (uint32_t)imm);
            wb = mode & 1;
            int64_t off = (int64_t)imm * (int64_t)esz;
            addr = mode == 1 ? b : b + (uint64_t)off;
            nb = b + (uint64_t)off;
            if (bits(insn, 22, 22) && bits(insn, 4, 0) == bits(insn, 14, 10)) {
                /* load pair with Rt == Rt2 is CONSTRAINED UNPREDICTABLE */
                int rt2;
                do
                    rt2 = vt ? (int)rndn(32) : pick(data_regs, NELEM(data_regs));
                while ((uint32_t)rt2 == bits(insn, 4, 0));
                insn = put(insn, 10, 5, (uint32_t)rt2);
            }
            break;
        }
        case M_LIT: {
            unsigned opc = bits(insn, 31, 30);
            len = vt ? 4u << opc : opc == 1 ? 8 : 4;
            uint64_t pc = CODE_BASE + 4ull * (uint64_t)g->b->n;
            uint64_t target = CODE_BASE + 4ull * rndn((CODE_SIZE - (uint32_t)len) / 4 + 1);
            insn = put(insn, 5, 19, (uint32_t)((int64_t)(target - pc) >> 2));
            *pinsn = insn;
            return true;
        }
        case M_VMULT:
        case M_VSINGLE: {
            unsigned q = bits(insn, 30, 30);
            if (f->mem == M_VMULT) {
                static const uint8_t nregs[16] = { 4, 0, 4, 0, 3, 0, 3, 1, 2, 0, 2 };
                len = (uint64_t)nregs[bits(insn, 15, 12)] * (q ? 16 : 8);
            } else {
                unsigned op = bits(insn, 15, 13), size = bits(insn, 11, 10);
                unsigned selem = ((op & 1) << 1 | bits(insn, 21, 21)) + 1;
                unsigned esz = op >> 1 == 0 ? 1 : op >> 1 == 1 ? 2 : op >> 1 == 2 ? (size == 0 ? 4 : 8) : 1u << size;
                len = (uint64_t)selem * esz;
            }
            if (bits(insn, 23, 23)) {
                wb = true;
                int rm = rndn(2) ? 31 : pick(idx_regs, NELEM(idx_regs));
                insn = put(insn, 16, 5, (uint32_t)rm);
                nb = b + (rm == 31 ? len : g->idx[rm]);
            }
            break;
        }
        default:
            return false;
        }
        if (in_region(addr, len) && (!wb || base_ok(nb, rn))) {
            if (wb)
                g->base[rn] = nb;
            *pinsn = insn;
            return true;
        }
    }
    return false;
}

static void emit_insn(struct gen *g, uint32_t insn, int fi)
{
    struct block *b = g->b;
    b->insn[b->n] = insn;
    b->form[b->n++] = fi;
}

static int pick_data_not(const int *avoid, int navoid, bool no_zr)
{
    for (;;) {
        int r = pick(data_regs, NELEM(data_regs));
        bool bad = no_zr && r == 31;
        for (int i = 0; i < navoid; i++)
            bad |= r == avoid[i];
        if (!bad)
            return r;
    }
}

/* A store-exclusive of the given shape to [Xn]; leaves the monitor open. */
static void emit_stx(struct gen *g, bool pair, unsigned size, int rn)
{
    int sfi = form_by_name(pair ? "STXP" : "STXR");
    uint32_t s = forms[sfi].fixval;
    s = put(s, 30, pair ? 1 : 2, size);
    s = put(s, 15, 1, rndn(2));
    int rt = pick(data_regs, NELEM(data_regs)), rt2 = pick(data_regs, NELEM(data_regs));
    int avoid[3] = { rt, pair ? rt2 : rt, rn };
    int rs = pick_data_not(avoid, 3, true);
    s = put(put(put(s, 0, 5, (uint32_t)rt), 5, 5, (uint32_t)rn), 16, 5, (uint32_t)rs);
    if (pair)
        s = put(s, 10, 5, (uint32_t)rt2);
    emit_insn(g, s, sfi);
    g->mon_open = true;
    g->last_rn = rn, g->last_pair = pair, g->last_size = size;
}

/* Exclusives/atomics: [Xn] addressing with naturally aligned bases, plus the
 * sequences that make them meaningful (LDXR+STXR, preloaded CAS/CASP). */
static bool gen_excl(struct gen *g, int fi, uint32_t insn)
{
    const struct form *f = &forms[fi];
    int rn = -1;
    for (int tries = 0; tries < 16 && rn < 0; tries++) {   /* exclusives and atomics need aligned bases */
        int r = pick(base_regs, NELEM(base_regs));
        if (!(g->base[r] & 15))
            rn = r;
    }
    if (rn < 0)
        return false;
    insn = put(insn, 5, 5, (uint32_t)rn);
    if (f->flags & FL_CASP) {
        static const int even[] = { 0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 22, 30 };
        int rs = pick(even, NELEM(even)), rt = pick(even, NELEM(even));
        insn = put(put(insn, 16, 5, (uint32_t)rs), 0, 5, (uint32_t)rt);
        if (rndn(2)) {  /* LDXP Rs, Rs+1, [Xn]: CASP then compares equal */
            uint32_t l = forms[form_by_name("LDXP")].fixval;
            l = put(l, 30, 1, bits(insn, 30, 30));
            l = put(put(put(l, 0, 5, (uint32_t)rs), 10, 5, (uint32_t)rs + 1), 5, 5, (uint32_t)rn);
            emit_insn(g, l, form_by_name("LDXP"));
            g->mon_open = false;
        }
        emit_insn(g, insn, fi);
        return true;
    }
    if (f->flags & FL_CAS && rndn(2)) {  /* LDAR Rs, [Xn]: CAS then succeeds */
        uint32_t l = forms[form_by_name("LDAR")].fixval;
        l = put(put(put(l, 30, 2, bits(insn, 31, 30)), 0, 5, bits(insn, 20, 16)), 5, 5, (uint32_t)rn);
        emit_insn(g, l, form_by_name("LDAR"));
    }
    if (f->flags & FL_PAIRREG && bits(insn, 4, 0) == bits(insn, 14, 10)) {
        int a[1] = { (int)bits(insn, 4, 0) };
        insn = put(insn, 10, 5, (uint32_t)pick_data_not(a, 1, false));
    }
    emit_insn(g, insn, fi);
    if (f->flags & FL_LDX) {
        g->mon_open = false;
        unsigned r = rndn(8);
        bool pair = f->flags & FL_PAIRREG;
        unsigned size = pair ? bits(insn, 30, 30) : bits(insn, 31, 30);
        if (r == 5)   /* CLREX in between: the store-exclusive must fail */
            emit_insn(g, INSN_CLREX, form_by_name("CLREX"));
        if (r <= 5)
            emit_stx(g, pair, size, rn);
    }
    return true;
}

static void init_state(struct gen *g, struct state *st, uint8_t *data)
{
    for (int i = 0; i < 31; i++)
        st->x[i] = rnd_int64();
    st->nzcv = (uint32_t)rndn(16) << 28;
    st->fpcr = 0;
    if (rndn(2))
        st->fpcr = (uint32_t)rndn(4) << 22 | (uint32_t)rndn(2) << 24 | (uint32_t)rndn(2) << 25 | (uint32_t)rndn(2) << 26;
    st->fpsr = 0;
    for (int i = 0; i < 32; i++)
        rnd_vreg(st->v[i]);
    for (uint32_t i = 0; i < DATA_SIZE; i += 8) {
        uint64_t v = rndn(4) ? rnd() : rnd_int64();
        memcpy(data + i, &v, 8);
    }
    st->sp = DATA_BASE + 0x6000 + 16ull * rndn(0x400);
    memset(g->base, 0, sizeof g->base);
    if (g->mem) {
        bool excl = g->cls == 2, mixed = g->cls == CLS_MIXED;
        for (int i = 0; i < NELEM(base_regs); i++) {
            int r = base_regs[i];
            uint64_t v = excl ? DATA_BASE + 0x1000 + 16ull * rndn(16)
                              : DATA_BASE + 0x6000 + (r == 31 || mixed || rndn(2) ? 16ull * rndn(0x400) : rndn(0x4000));
            g->base[r] = v;
            if (r == 31)
                st->sp = v;
            else
                st->x[r] = v;
        }
        for (int i = 0; i < NELEM(idx_regs); i++)
            g->idx[idx_regs[i]] = st->x[idx_regs[i]] = rndn(256);
    }
}

static void gen_block(struct gen *g, int k)
{
    struct block *b = g->b;
    int c = g->cls;
    b->n = 0;
    if (c == CLS_UNADV) {
        int fi = class_forms[c][rndn((uint32_t)class_nforms[c])];
        emit_insn(g, fill(&forms[fi], false, false), fi);
        return;
    }
    if (c == CLS_RESERVED) {
        /* one encoding that a form's "bad" list or validity check rejects */
        for (;;) {
            int fi = class_forms[c][rndn((uint32_t)class_nforms[c])];
            const struct form *f = &forms[fi];
            for (int tries = 0; tries < 256; tries++) {
                uint32_t insn = fill(f, false, false);
                if (!valid(f, insn)) {
                    emit_insn(g, insn, fi);
                    return;
                }
            }
        }
    }
    if (is_excl_like(c)) { /* open exclusive monitors must not leak between blocks */
        emit_insn(g, INSN_CLREX, form_by_name("CLREX"));
        g->mon_open = true;
    }
    bool fpsr_probe = c == 3 || c == 4 || c == 5 || c == CLS_MIXED;
    while (b->n < k) {
        if (fpsr_probe && rndn(c == 4 || c == CLS_MIXED ? 4 : 2) == 0) {
            /* FPSR flags are cumulative: one inexact result early in a block
             * would hide a missing IXC later.  Capture FPSR into a random
             * register and clear it, so flags are checked per short run. */
            int mrs = form_by_name("MRS_FPSR"), msr = form_by_name("MSR_FPSR");
            emit_insn(g, forms[mrs].fixval | (uint32_t)(g->mem ? pick(dest_regs, NELEM(dest_regs)) : (int)rndn(31)), mrs);
            emit_insn(g, forms[msr].fixval | 31, msr);
        }
        if (is_excl_like(c) && g->mon_open && rndn(c == 2 ? 10 : 40) == 0) {
            /* A store-exclusive with the monitor Open must fail (status 1,
             * no write); with it Exclusive for another address the result
             * would be IMPLEMENTATION DEFINED, so only Open is generated. */
            int rn = pick(base_regs, NELEM(base_regs));
            if (g->last_rn >= 0 && rndn(2) && !(g->base[g->last_rn] & 15)) {   /* same shape as the last pair */
                emit_stx(g, g->last_pair, g->last_size, g->last_rn);
            } else if (!(g->base[rn] & 15)) {
                bool pair = rndn(2);
                emit_stx(g, pair, pair ? rndn(2) : rndn(4), rn);
            }
            continue;
        }
        int fi = class_forms[c][rndn((uint32_t)class_nforms[c])];
        const struct form *f = &forms[fi];
        uint32_t insn = 0;
        bool got = false;
        for (int tries = 0; tries < 64 && !got; tries++) {
            insn = fill(f, g->mem, c == CLS_MIXED);
            got = valid(f, insn) && !excluded(fi, insn, IGN_GEN);
        }
        if (!got)
            continue;
        if (f->mem == M_BASE) {
            gen_excl(g, fi, insn);
            continue;
        }
        if (f->mem != M_NONE && !fix_mem(g, f, &insn))
            continue;
        emit_insn(g, insn, fi);
        if (!strcmp(f->name, "CLREX"))
            g->mon_open = true;
    }
}

/* ---- running on our CPU --------------------------------------------------- */

static uint8_t our_code[CODE_SIZE] __attribute__((aligned(4096)));
static uint8_t our_data[DATA_SIZE] __attribute__((aligned(4096)));
static struct cpu *ours;

static bool env_fill(struct cpu *c, uint64_t va, enum access_kind acc, struct tlb_entry *e, struct exc_info *exc)
{
    (void)c;
    uint8_t *host;
    uint64_t base;
    if (va >= CODE_BASE && va < CODE_BASE + CODE_SIZE)
        host = our_code, base = CODE_BASE;
    else if (va >= DATA_BASE && va < DATA_END)
        host = our_data, base = DATA_BASE;
    else {
        exc->ec = acc == ACC_EXEC ? EC_IABORT_LOWER : EC_DABORT_LOWER;
        return false;
    }
    e->tag_r = e->tag_w = e->tag_x = va & TLB_PAGE_MASK;
    e->addend = (uintptr_t)host - base;
    return true;
}

struct result {
    int status;      /* 0 ok, else RS_* */
    int at;          /* failing instruction index */
    uint64_t info;   /* exit reason / error code / far */
};
enum { RS_OK = 0, RS_UNDEF, RS_FAULT, RS_OTHER };

static void layout_code(uint8_t *page, const struct block *b, int n)
{
    memset(page, 0, CODE_SIZE);
    memcpy(page, b->insn, (size_t)n * 4);
    uint32_t end = INSN_END;
    memcpy(page + (size_t)n * 4, &end, 4);
}

static struct result run_ours(const struct state *in, const uint8_t *data_in, const struct block *b, int n,
                              struct state *out, uint8_t *data_out)
{
    struct cpu *c = ours;
    struct result r = { 0, 0, 0 };
    layout_code(our_code, b, n);
    cpu_code_invalidate_all(c);
    memcpy(our_data, data_in, DATA_SIZE);
    memcpy(c->x, in->x, sizeof in->x);
    c->x[REG_ZR] = 0;
    c->x[REG_SP] = in->sp;
    c->nzcv = in->nzcv;
    c->fpcr = in->fpcr;
    c->fpsr = in->fpsr;
    for (int i = 0; i < 32; i++)
        c->v[i].d[0] = in->v[i][0], c->v[i].d[1] = in->v[i][1];
    c->pc = CODE_BASE;
    c->excl_addr = ~0ull;
    enum cpu_exit why = cpu_run(c);
    memcpy(out->x, c->x, sizeof out->x);
    out->sp = c->x[REG_SP];
    out->nzcv = c->nzcv;
    out->fpcr = c->fpcr;
    out->fpsr = c->fpsr;
    for (int i = 0; i < 32; i++)
        out->v[i][0] = c->v[i].d[0], out->v[i][1] = c->v[i].d[1];
    memcpy(data_out, our_data, DATA_SIZE);
    if (why == CPU_EXIT_BRK && c->pc == CODE_BASE + 4ull * (uint64_t)n)
        return r;
    r.at = (int)((c->pc - CODE_BASE) / 4);
    r.info = why;
    r.status = why == CPU_EXIT_UNDEF ? RS_UNDEF : why == CPU_EXIT_FAULT || why == CPU_EXIT_ALIGN ? RS_FAULT : RS_OTHER;
    if (why == CPU_EXIT_FAULT)
        r.info = c->exc.far;
    return r;
}

/* ---- running on Unicorn --------------------------------------------------- */

static uc_engine *uc;
static uint8_t ref_code[CODE_SIZE];

static int uc_xreg(int i)
{
    return i < 29 ? UC_ARM64_REG_X0 + i : i == 29 ? UC_ARM64_REG_X29 : UC_ARM64_REG_X30;
}

static void ref_open(void)
{
    if (uc_open(UC_ARCH_ARM64, UC_MODE_ARM, &uc) != UC_ERR_OK) {
        fprintf(stderr, "difftest: uc_open failed\n");
        exit(2);
    }
    uc_ctl_set_cpu_model(uc, UC_CPU_ARM64_MAX);
    uc_mem_map(uc, CODE_BASE, CODE_SIZE, UC_PROT_ALL);
    uc_mem_map(uc, DATA_BASE, DATA_SIZE, UC_PROT_READ | UC_PROT_WRITE);
    uint64_t cpacr = 3ull << 20;
    uc_reg_write(uc, UC_ARM64_REG_CPACR_EL1, &cpacr);
}

static struct result run_ref(const struct state *in, const uint8_t *data_in, const struct block *b, int n,
                             struct state *out, uint8_t *data_out)
{
    struct result r = { 0, 0, 0 };
    layout_code(ref_code, b, n);
    uc_mem_write(uc, CODE_BASE, ref_code, CODE_SIZE);
    uc_ctl_remove_cache(uc, CODE_BASE, CODE_BASE + CODE_SIZE);
    uc_mem_write(uc, DATA_BASE, data_in, DATA_SIZE);
    for (int i = 0; i < 31; i++)
        uc_reg_write(uc, uc_xreg(i), &in->x[i]);
    uc_reg_write(uc, UC_ARM64_REG_SP, &in->sp);
    uint64_t nzcv = in->nzcv, fpcr = in->fpcr, fpsr = in->fpsr;
    uc_reg_write(uc, UC_ARM64_REG_NZCV, &nzcv);
    uc_reg_write(uc, UC_ARM64_REG_FPCR, &fpcr);
    uc_reg_write(uc, UC_ARM64_REG_FPSR, &fpsr);
    for (int i = 0; i < 32; i++)
        uc_reg_write(uc, UC_ARM64_REG_Q0 + i, in->v[i]);
    uc_err err = uc_emu_start(uc, CODE_BASE, CODE_BASE + 4ull * (uint64_t)n, 0, 0);
    for (int i = 0; i < 31; i++)
        uc_reg_read(uc, uc_xreg(i), &out->x[i]);
    uc_reg_read(uc, UC_ARM64_REG_SP, &out->sp);
    uc_reg_read(uc, UC_ARM64_REG_NZCV, &nzcv);
    uc_reg_read(uc, UC_ARM64_REG_FPCR, &fpcr);
    uc_reg_read(uc, UC_ARM64_REG_FPSR, &fpsr);
    out->nzcv = (uint32_t)nzcv, out->fpcr = (uint32_t)fpcr, out->fpsr = (uint32_t)fpsr;
    for (int i = 0; i < 32; i++)
        uc_reg_read(uc, UC_ARM64_REG_Q0 + i, out->v[i]);
    uc_mem_read(uc, DATA_BASE, data_out, DATA_SIZE);
    if (err != UC_ERR_OK) {
        uint64_t pc;
        uc_reg_read(uc, UC_ARM64_REG_PC, &pc);
        r.at = (int)((pc - CODE_BASE) / 4);
        r.info = err;
        r.status = err == UC_ERR_INSN_INVALID || err == UC_ERR_EXCEPTION ? RS_UNDEF : RS_FAULT;
    }
    return r;
}

/* ---- qemu-aarch64 as the arbiter ------------------------------------------
 * When ours and Unicorn disagree, the block can also be run under
 * qemu-aarch64 (user mode, -cpu max without SVE/SME) through the static
 * helper tests/difftest/qemu_runner.c, to see which side is right. */

static const char *qemu_runner;   /* NULL: no arbitration */

struct io_state {
    uint64_t x[31];
    uint64_t sp;
    uint32_t nzcv, fpcr, fpsr, pad;
    uint64_t v[32][2];
};
struct io_out {
    uint32_t status, at;
    struct io_state st;
};

static bool full_write(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t r = write(fd, c, n);
        if (r <= 0)
            return false;
        c += r, n -= (size_t)r;
    }
    return true;
}

static bool full_read(int fd, void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r <= 0)
            return false;
        c += r, n -= (size_t)r;
    }
    return true;
}

static struct result run_qemu(const struct state *in, const uint8_t *data_in, const struct block *b, int n,
                              struct state *out, uint8_t *data_out)
{
    struct result r = { RS_OTHER, -1, 0 };
    static uint8_t page[CODE_SIZE];
    layout_code(page, b, n);
    int pin[2], pout[2];
    if (pipe(pin) || pipe(pout))
        return r;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pin[0], 0), dup2(pout[1], 1);
        close(pin[0]), close(pin[1]), close(pout[0]), close(pout[1]);
        execlp("qemu-aarch64", "qemu-aarch64", "-cpu", "max,sve=off,sme=off", qemu_runner, (char *)NULL);
        _exit(127);
    }
    close(pin[0]), close(pout[1]);
    struct io_state s;
    memset(&s, 0, sizeof s);
    memcpy(s.x, in->x, sizeof s.x);
    s.sp = in->sp, s.nzcv = in->nzcv, s.fpcr = in->fpcr, s.fpsr = in->fpsr;
    memcpy(s.v, in->v, sizeof s.v);
    bool ok = full_write(pin[1], page, CODE_SIZE) && full_write(pin[1], data_in, DATA_SIZE) &&
              full_write(pin[1], &s, sizeof s);
    close(pin[1]);
    struct io_out o;
    ok = ok && full_read(pout[0], &o, sizeof o) && full_read(pout[0], data_out, DATA_SIZE);
    close(pout[0]);
    int wst;
    waitpid(pid, &wst, 0);
    if (!ok)
        return r;
    memcpy(out->x, o.st.x, sizeof out->x);
    out->sp = o.st.sp, out->nzcv = o.st.nzcv, out->fpcr = o.st.fpcr, out->fpsr = o.st.fpsr;
    memcpy(out->v, o.st.v, sizeof out->v);
    r.at = (int)o.at;
    r.info = o.status;
    r.status = o.status == 0 && o.at == (uint32_t)n ? RS_OK : o.status == SIGILL ? RS_UNDEF : RS_FAULT;
    return r;
}

/* ---- comparison and reporting --------------------------------------------- */

static uint32_t fpsr_mask = ~0u;   /* narrowed per block by exclusions */

static int compare(const struct state *a, const uint8_t *da, const struct state *b, const uint8_t *db, FILE *out)
{
    int nd = 0;
#define DIFF(...) do { nd++; if (out) fprintf(out, __VA_ARGS__); } while (0)
    for (int i = 0; i < 31; i++)
        if (a->x[i] != b->x[i])
            DIFF("      x%-2d ours %016" PRIx64 "  ref %016" PRIx64 "\n", i, a->x[i], b->x[i]);
    if (a->sp != b->sp)
        DIFF("      sp  ours %016" PRIx64 "  ref %016" PRIx64 "\n", a->sp, b->sp);
    if (a->nzcv != b->nzcv)
        DIFF("      nzcv ours %x  ref %x\n", a->nzcv >> 28, b->nzcv >> 28);
    if (a->fpcr != b->fpcr)
        DIFF("      fpcr ours %08x  ref %08x\n", a->fpcr, b->fpcr);
    if ((a->fpsr ^ b->fpsr) & fpsr_mask)
        DIFF("      fpsr ours %08x  ref %08x\n", a->fpsr, b->fpsr);
    for (int i = 0; i < 32; i++)
        if (a->v[i][0] != b->v[i][0] || a->v[i][1] != b->v[i][1])
            DIFF("      v%-2d ours %016" PRIx64 ":%016" PRIx64 "  ref %016" PRIx64 ":%016" PRIx64 "\n", i, a->v[i][1],
                 a->v[i][0], b->v[i][1], b->v[i][0]);
    if (memcmp(da, db, DATA_SIZE)) {
        for (uint32_t o = 0; o < DATA_SIZE; o += 8) {
            if (memcmp(da + o, db + o, 8)) {
                uint64_t x, y;
                memcpy(&x, da + o, 8), memcpy(&y, db + o, 8);
                DIFF("      mem[%#" PRIx64 "] ours %016" PRIx64 "  ref %016" PRIx64 "\n", (uint64_t)(DATA_BASE + o), x, y);
            }
        }
    }
#undef DIFF
    return nd;
}

#ifdef HAVE_CAPSTONE
static csh cs;
static bool cs_ok;
#endif

static const char *disasm(uint32_t insn, uint64_t pc, char *buf, size_t len)
{
#ifdef HAVE_CAPSTONE
    if (cs_ok) {
        cs_insn *ci;
        size_t n = cs_disasm(cs, (const uint8_t *)&insn, 4, pc, 1, &ci);
        if (n) {
            snprintf(buf, len, "%.31s %.120s", ci->mnemonic, ci->op_str);
            cs_free(ci, n);
            return buf;
        }
    }
#endif
    (void)pc;
    snprintf(buf, len, ".inst 0x%08x", insn);
    return buf;
}

static const char *form_name(int fi) { return fi < 0 ? "(filler)" : forms[fi].name; }

static void print_block(FILE *o, const struct block *b, int mark)
{
    char d[160];
    for (int i = 0; i < b->n; i++)
        fprintf(o, "  %s %3d  %08x  %-16s %s\n", i == mark ? "=>" : "  ", i, b->insn[i], form_name(b->form[i]),
                disasm(b->insn[i], CODE_BASE + 4ull * (uint64_t)i, d, sizeof d));
}

/* Registers the instruction names in its fields, with their values before it. */
static void print_inputs(FILE *o, const struct state *s, uint32_t insn, int fi)
{
    if (fi < 0)
        return;
    const struct form *f = &forms[fi];
    fprintf(o, "    state before: nzcv=%x fpcr=%08x fpsr=%08x sp=%016" PRIx64 "\n", s->nzcv >> 28, s->fpcr, s->fpsr,
            s->sp);
    for (int i = 0; i < f->nfields; i++) {
        const struct field *fl = &f->fields[i];
        if (fl->name[0] != 'r' || fl->width < 4)
            continue;
        unsigned r = bits(insn, fl->lo + fl->width - 1, fl->lo);
        if (r < 31)
            fprintf(o, "    %-4s=%-2u x: %016" PRIx64 "  v: %016" PRIx64 ":%016" PRIx64 "\n", fl->name, r, s->x[r],
                    s->v[r][1], s->v[r][0]);
        else
            fprintf(o, "    %-4s=31 zr/sp: %016" PRIx64 "  v: %016" PRIx64 ":%016" PRIx64 "\n", fl->name, s->sp,
                    s->v[r][1], s->v[r][0]);
    }
}

/* ---- statistics ----------------------------------------------------------- */

struct fstat {
    uint64_t gen, ours_undef, ref_undef, fault, mismatch;
    uint64_t arbitrated, qemu_ours, qemu_ref, qemu_neither;
};
static struct fstat *fstats;

struct cstat {
    uint64_t insns, blocks, mismatches, undef, ref_undef, faults;
};

static struct {
    bool verbose, list_undef, allow_undef, ref_vs_qemu, dump, assume_adv;
    int max_report;
    int reported;
} opt = { .max_report = 5 };

static void report_header(const char *what, const char *cls, uint64_t seed, uint64_t blk)
{
    printf("MISMATCH (%s) class %s seed %" PRIu64 " block %" PRIu64
           "   reproduce: difftest --class %s --seed %" PRIu64 " --block %" PRIu64 " --verbose\n",
           what, cls, seed, blk, cls, seed, blk);
}

/* Run prefixes until ours and the reference disagree: the last instruction
 * of the first disagreeing prefix is where execution diverges.  With
 * qemu-aarch64 available, that prefix is also run there to see which side
 * is right.  Attributes the mismatch to the form; prints when asked. */
static void localize(const struct state *st, const uint8_t *data, const struct block *b, bool print)
{
    static struct state so, sr, sq, prev;
    static uint8_t d_o[DATA_SIZE], d_r[DATA_SIZE], d_q[DATA_SIZE];
    prev = *st;
    for (int i = 1; i <= b->n; i++) {
        struct result ro = run_ours(st, data, b, i, &so, d_o);
        struct result rr = run_ref(st, data, b, i, &sr, d_r);
        if (!ro.status && !rr.status && !compare(&so, d_o, &sr, d_r, NULL)) {
            prev = sr;
            continue;
        }
        int k = i - 1, fi = b->form[k];
        struct fstat *fs = fi >= 0 ? &fstats[fi] : NULL;
        if (fs)
            fs->mismatch++;
        const char *verdict = NULL;
        if (qemu_runner && fs && fs->arbitrated < 5) {
            fs->arbitrated++;
            struct result rq = run_qemu(st, data, b, i, &sq, d_q);
            bool q_ours = !rq.status && !ro.status && !compare(&so, d_o, &sq, d_q, NULL);
            bool q_ref = !rq.status && !rr.status && !compare(&sr, d_r, &sq, d_q, NULL);
            if (rq.status == RS_OTHER)
                verdict = "qemu-aarch64 run failed";
            else if (q_ours)
                verdict = "qemu-aarch64 agrees with OURS (Unicorn differs)", fs->qemu_ours++;
            else if (q_ref)
                verdict = "qemu-aarch64 agrees with UNICORN (our CPU is wrong)", fs->qemu_ref++;
            else
                verdict = "qemu-aarch64 agrees with neither", fs->qemu_neither++;
        }
        if (!print)
            return;
        char d[160];
        printf("  first divergence at insn %d: %08x %s  %s\n", k, b->insn[k], form_name(fi),
               disasm(b->insn[k], CODE_BASE + 4ull * (uint64_t)k, d, sizeof d));
        print_inputs(stdout, &prev, b->insn[k], fi);
        if (ro.status || rr.status)
            printf("    ours status %d (%" PRIx64 ")  ref status %d (%" PRIx64 ")\n", ro.status, ro.info, rr.status,
                   rr.info);
        else
            compare(&so, d_o, &sr, d_r, stdout);
        if (verdict) {
            printf("    verdict: %s\n", verdict);
            if (strstr(verdict, "neither"))
                compare(&sq, d_q, &sr, d_r, stdout);
        }
        return;
    }
    if (print)
        printf("  (no prefix diverges: the full block differs only in combination)\n");
}

/* --ref-vs-qemu: screen Unicorn itself against qemu-aarch64 (to find
 * reference bugs before our CPU implements a class).  The divergent
 * instruction is found by re-running prefixes on both references. */
static int ref_vs_qemu(const struct state *st, const uint8_t *data, const struct block *b, const struct state *sr,
                       const uint8_t *d_r, const char *cname, uint64_t seed, uint64_t blkno, struct cstat *cs_)
{
    static struct state sq, s1, s2, prev;
    static uint8_t d_q[DATA_SIZE], d1[DATA_SIZE], d2[DATA_SIZE];
    struct result rq = run_qemu(st, data, b, b->n, &sq, d_q);
    if (!rq.status && !compare(&sq, d_q, sr, d_r, NULL))
        return 0;
    cs_->mismatches++;
    prev = *st;
    for (int i = 1; i <= b->n; i++) {
        struct result r1 = run_ref(st, data, b, i, &s1, d1), r2 = run_qemu(st, data, b, i, &s2, d2);
        if (!r1.status && !r2.status && !compare(&s1, d1, &s2, d2, NULL)) {
            prev = s1;
            continue;
        }
        int k = i - 1, fi = b->form[k];
        if (fi >= 0)
            fstats[fi].mismatch++;
        if (opt.reported++ < opt.max_report || opt.verbose) {
            char d[160];
            printf("UNICORN vs QEMU class %s seed %" PRIu64 " block %" PRIu64 " insn %d: %08x %s  %s\n", cname, seed,
                   blkno, k, b->insn[k], form_name(fi), disasm(b->insn[k], CODE_BASE + 4ull * (uint64_t)k, d, sizeof d));
            print_inputs(stdout, &prev, b->insn[k], fi);
            if (r1.status || r2.status)
                printf("    unicorn status %d  qemu status %d (%" PRIu64 ")\n", r1.status, r2.status, r2.info);
            else
                compare(&s2, d2, &s1, d1, stdout);   /* "ours" = qemu here */
        }
        return 1;
    }
    return 1;
}

/* The "reserved" class: one encoding that the generator tables call
 * reserved.  Unicorn rejects it and ours executes it: a mismatch (our
 * decoder accepts an unallocated encoding).  Both reject: fine.  Unicorn
 * executes it (it is another instruction, or a feature our model does not
 * advertise such as FP16) and ours rejects it: counted, not an error.  Both
 * execute: compared like any block. */
static int test_reserved(const struct state *st, const uint8_t *data, const struct block *b, uint64_t seed,
                         uint64_t blkno, struct cstat *cs_)
{
    static struct state so, sr;
    static uint8_t d_o[DATA_SIZE], d_r[DATA_SIZE];
    struct result rr = run_ref(st, data, b, 1, &sr, d_r);
    struct result ro = run_ours(st, data, b, 1, &so, d_o);
    int fi = b->form[0];
    char d[160];
    cs_->blocks++;
    cs_->insns++;
    if (rr.status == RS_UNDEF && ro.status == RS_UNDEF)
        return 0;
    if (rr.status == RS_UNDEF) {
        cs_->mismatches++;
        fstats[fi].mismatch++;
        if (fstats[fi].mismatch == 1 || opt.verbose)
            printf("RESERVED encoding executed by ours, UNDEFINED on Unicorn: %-16s %08x %s  (seed %" PRIu64
                   " block %" PRIu64 ")\n", forms[fi].name, b->insn[0], disasm(b->insn[0], CODE_BASE, d, sizeof d),
                   seed, blkno);
        return 1;
    }
    if (rr.status) {
        cs_->faults++;
        return 0;
    }
    if (ro.status == RS_UNDEF) {
        cs_->undef++;
        fstats[fi].ours_undef++;
        if (opt.verbose)
            printf("reserved for our model, executed by Unicorn: %-16s %08x %s\n", forms[fi].name, b->insn[0],
                   disasm(b->insn[0], CODE_BASE, d, sizeof d));
        return 0;
    }
    if (ro.status || compare(&so, d_o, &sr, d_r, NULL)) {
        cs_->mismatches++;
        fstats[fi].mismatch++;
        if (opt.reported++ < opt.max_report || opt.verbose) {
            report_header("state, encoding outside the form", "reserved", seed, blkno);
            print_block(stdout, b, 0);
            print_inputs(stdout, st, b->insn[0], fi);
            if (ro.status)
                printf("    ours status %d (%" PRIx64 ")\n", ro.status, ro.info);
            else
                compare(&so, d_o, &sr, d_r, stdout);
        }
        return 1;
    }
    return 0;
}

/* Whether our CPU model advertises the feature of a C_UNADV form. */
static bool advertised(const struct form *f)
{
    const struct cpu_model *m = ours->model;
    uint64_t r = f->feat_reg == FR_ISAR0 ? m->id_aa64isar0 : f->feat_reg == FR_ISAR1 ? m->id_aa64isar1
               : f->feat_reg == FR_PFR0 ? m->id_aa64pfr0 : f->feat_reg == FR_PFR1 ? m->id_aa64pfr1 : 0;
    unsigned v = (unsigned)(r >> f->feat_shift & 0xf);
    if (f->feat_reg == FR_PFR0 && (f->feat_shift == 16 || f->feat_shift == 20))
        return v != 0xf && v >= f->feat_min;   /* FP/AdvSIMD: 0 = no FP16, 1 = FP16, 0xf = none */
    return v >= f->feat_min;
}

/* The "unadv" class: one instruction of an optional feature.  If the model
 * does not advertise the feature, our CPU must treat it as UNDEFINED
 * (whatever Unicorn's max CPU does); if it does, it is compared. */
static int test_unadv(const struct state *st, const uint8_t *data, const struct block *b, uint64_t seed,
                      uint64_t blkno, struct cstat *cs_)
{
    static struct state so, sr;
    static uint8_t d_o[DATA_SIZE], d_r[DATA_SIZE];
    int fi = b->form[0];
    char d[160];
    cs_->blocks++;
    cs_->insns++;
    struct result ro = run_ours(st, data, b, 1, &so, d_o);
    if (opt.assume_adv) {   /* table check: does Unicorn execute the encoding at all? */
        struct result rr = run_ref(st, data, b, 1, &sr, d_r);
        if (rr.status == RS_UNDEF && fstats[fi].ref_undef++ == 0)
            printf("Unicorn rejects %s %08x\n", forms[fi].name, b->insn[0]);
        return 0;
    }
    if (!advertised(&forms[fi])) {
        if (ro.status == RS_UNDEF)
            return 0;
        cs_->mismatches++;
        if (fstats[fi].mismatch++ == 0 || opt.verbose)
            printf("UNADVERTISED feature executed by ours (must be UNDEFINED): %-12s %08x %s  (seed %" PRIu64
                   " block %" PRIu64 ")\n", forms[fi].name, b->insn[0], disasm(b->insn[0], CODE_BASE, d, sizeof d),
                   seed, blkno);
        return 1;
    }
    struct result rr = run_ref(st, data, b, 1, &sr, d_r);
    if (rr.status) {
        cs_->ref_undef++;
        return 0;
    }
    if (ro.status == RS_UNDEF) {
        cs_->undef++, cs_->mismatches++;
        if (fstats[fi].ours_undef++ == 0)
            printf("UNDEF on ours although advertised: %-12s %08x %s\n", forms[fi].name, b->insn[0],
                   disasm(b->insn[0], CODE_BASE, d, sizeof d));
        return 1;
    }
    if (ro.status || compare(&so, d_o, &sr, d_r, NULL)) {
        cs_->mismatches++;
        fstats[fi].mismatch++;
        if (opt.reported++ < opt.max_report || opt.verbose) {
            report_header("state", "unadv", seed, blkno);
            print_block(stdout, b, 0);
            print_inputs(stdout, st, b->insn[0], fi);
            compare(&so, d_o, &sr, d_r, stdout);
        }
        return 1;
    }
    return 0;
}

/* Test one block; returns number of mismatches found (state + UNDEF). */
static int test_block(int cls, uint64_t seed, uint64_t blkno, int k, struct cstat *cs_)
{
    static struct block b;
    static struct state st, so, sr;
    static uint8_t data[DATA_SIZE], d_o[DATA_SIZE], d_r[DATA_SIZE];
    struct gen g = { .cls = cls, .mem = cls == 1 || cls == 2 || cls == CLS_MIXED, .b = &b, .last_rn = -1 };
    rng_state = mix(mix(seed, (uint64_t)cls), blkno);
    init_state(&g, &st, data);
    gen_block(&g, k);
    int bad = 0;
    if (opt.dump) {
        printf("class %s seed %" PRIu64 " block %" PRIu64 ":\n", class_names[cls], seed, blkno);
        print_block(stdout, &b, -1);
        return 0;
    }
    for (int i = 0; i < b.n; i++)
        if (b.form[i] >= 0)
            fstats[b.form[i]].gen++;
    const char *cname = class_names[cls];
    if (cls == CLS_RESERVED)
        return test_reserved(&st, data, &b, seed, blkno, cs_);
    if (cls == CLS_UNADV)
        return test_unadv(&st, data, &b, seed, blkno, cs_);
    for (int round = 0; round <= b.n; round++) {
        struct result rr = run_ref(&st, data, &b, b.n, &sr, d_r);
        if (rr.status) {
            int at = rr.at;
            if (at < 0 || at >= b.n) {
                printf("difftest: reference stopped outside the block (err %" PRIu64 ")\n", rr.info);
                print_block(stdout, &b, -1);
                return bad + 1;
            }
            if (b.form[at] >= 0) {
                if (rr.status == RS_UNDEF)
                    fstats[b.form[at]].ref_undef++, cs_->ref_undef++;
                else
                    fstats[b.form[at]].fault++, cs_->faults++;
                if (opt.verbose || (rr.status != RS_UNDEF && opt.reported < opt.max_report)) {
                    char d[160];
                    printf("generator: reference %s at insn %d %08x %s (%s), class %s seed %" PRIu64
                           " block %" PRIu64 " (%s)\n", rr.status == RS_UNDEF ? "rejects" : "faults", at, b.insn[at],
                           form_name(b.form[at]), disasm(b.insn[at], CODE_BASE + 4ull * (uint64_t)at, d, sizeof d),
                           cname, seed, blkno, uc_strerror((uc_err)rr.info));
                    if (opt.verbose)
                        print_block(stdout, &b, at);
                }
            }
            b.insn[at] = INSN_NOP, b.form[at] = -1;
            continue;
        }
        if (opt.ref_vs_qemu) {
            bad += ref_vs_qemu(&st, data, &b, &sr, d_r, cname, seed, blkno, cs_);
            break;
        }
        struct result ro = run_ours(&st, data, &b, b.n, &so, d_o);
        if (ro.status) {
            int at = ro.at;
            if (at < 0 || at > b.n) {
                bad++, cs_->mismatches++;
                if (opt.reported++ < opt.max_report || opt.verbose) {
                    report_header("our CPU left the block", cname, seed, blkno);
                    printf("  exit status %d at pc index %d\n", ro.status, at);
                    print_block(stdout, &b, -1);
                }
                return bad;
            }
            int fi = b.form[at];
            char d[160];
            if (ro.status == RS_UNDEF) {
                cs_->undef++;
                if (fi >= 0 && fstats[fi].ours_undef++ == 0)
                    printf("UNDEF on ours, executed by Unicorn: %-16s %08x %s  (class %s seed %" PRIu64
                           " block %" PRIu64 ")\n", form_name(fi), b.insn[at],
                           disasm(b.insn[at], CODE_BASE + 4ull * (uint64_t)at, d, sizeof d), cname, seed, blkno);
                else if (opt.verbose)
                    printf("UNDEF on ours: %s %08x %s\n", form_name(fi), b.insn[at],
                           disasm(b.insn[at], CODE_BASE + 4ull * (uint64_t)at, d, sizeof d));
            } else {
                bad++, cs_->mismatches++, cs_->faults++;
                if (fi >= 0)
                    fstats[fi].mismatch++;
                if (opt.reported++ < opt.max_report || opt.verbose) {
                    report_header(ro.status == RS_FAULT ? "fault on ours only" : "unexpected exit on ours", cname,
                                  seed, blkno);
                    printf("  at insn %d %08x %s %s, exit info %#" PRIx64 "\n", at, b.insn[at], form_name(fi),
                           disasm(b.insn[at], CODE_BASE + 4ull * (uint64_t)at, d, sizeof d), ro.info);
                    print_block(stdout, &b, at);
                }
            }
            b.insn[at] = INSN_NOP, b.form[at] = -1;
            continue;
        }
        /* Blocks containing an FPSR exclusion compare FPSR loosely. */
        fpsr_mask = ~0u;
        for (int i = 0; i < b.n; i++)
            if (b.form[i] >= 0 && excluded(b.form[i], b.insn[i], IGN_FPSR))
                fpsr_mask = 0;
        int nd = compare(&so, d_o, &sr, d_r, NULL);
        if (nd) {
            bad++, cs_->mismatches++;
            if (opt.reported++ < opt.max_report || opt.verbose) {
                report_header("state", cname, seed, blkno);
                print_block(stdout, &b, -1);
                printf("  final differences:\n");
                compare(&so, d_o, &sr, d_r, stdout);
                localize(&st, data, &b, true);
            } else {
                localize(&st, data, &b, false);
            }
        }
        break;
    }
    for (int i = 0; i < b.n; i++)
        cs_->insns += b.form[i] >= 0;
    cs_->blocks++;
    return bad;
}

/* ---- main ------------------------------------------------------------------ */

static volatile uint64_t cur_seed, cur_block;
static volatile int cur_class;

static void crash(int sig)
{
    char buf[200];
    int n = snprintf(buf, sizeof buf,
                     "\ndifftest: signal %d while running class %s seed %" PRIu64 " block %" PRIu64
                     " (reproduce with --block)\n", sig, class_names[cur_class], cur_seed, cur_block);
    if (write(2, buf, (size_t)n) < 0)
        _exit(3);
    _exit(3);
}

/* The qemu-aarch64 helper: --qemu-runner PATH, else difftest-qemu-runner
 * next to this executable; used only if qemu-aarch64 is on PATH. */
static const char *find_qemu_runner(const char *arg)
{
    static char path[4096];
    if (system("command -v qemu-aarch64 >/dev/null 2>&1") != 0)
        return NULL;
    struct stat sb;
    if (arg)
        return stat(arg, &sb) == 0 && sb.st_size > 0 ? arg : NULL;
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 64);
    if (n <= 0)
        return NULL;
    path[n] = 0;
    char *slash = strrchr(path, '/');
    if (!slash)
        return NULL;
    strcpy(slash + 1, "difftest-qemu-runner");
    return stat(path, &sb) == 0 && sb.st_size > 0 ? path : NULL;   /* empty: helper could not be built */
}

static void usage(void)
{
    fprintf(stderr,
            "usage: difftest --class CLASS|all --count N [--seed S] [--block-len K] [--block B]\n"
            "                [--verbose] [--list-undef] [--max-report N] [--allow-undef] [--list-forms]\n"
            "                [--qemu-runner PATH | --no-qemu] [--ref-vs-qemu] [--dump] [--check-unadv-table]\n"
            "classes:");
    for (int i = 0; i < NUM_CLASSES; i++)
        fprintf(stderr, " %s", class_names[i]);
    fprintf(stderr, "\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *cls_arg = NULL;
    uint64_t count = 10000, seed = 1;
    int64_t only_block = -1;
    int k = 32;
    bool list_forms = false, no_qemu = false, k_set = false;
    const char *qemu_arg = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--class") && v) cls_arg = v, i++;
        else if (!strcmp(a, "--count") && v) count = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--seed") && v) seed = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--block-len") && v) k = atoi(v), k_set = true, i++;
        else if (!strcmp(a, "--block") && v) only_block = strtoll(v, NULL, 0), i++;
        else if (!strcmp(a, "--max-report") && v) opt.max_report = atoi(v), i++;
        else if (!strcmp(a, "--verbose")) opt.verbose = true;
        else if (!strcmp(a, "--list-undef")) opt.list_undef = true;
        else if (!strcmp(a, "--allow-undef")) opt.allow_undef = true;
        else if (!strcmp(a, "--list-forms")) list_forms = true;
        else if (!strcmp(a, "--qemu-runner") && v) qemu_arg = v, i++;
        else if (!strcmp(a, "--no-qemu")) no_qemu = true;
        else if (!strcmp(a, "--ref-vs-qemu")) opt.ref_vs_qemu = true;
        else if (!strcmp(a, "--dump")) opt.dump = true;
        else if (!strcmp(a, "--check-unadv-table")) opt.assume_adv = true;
        else usage();
    }
    if (k < 1 || k > MAX_BLOCK - 16)
        usage();
    for (int i = 0; i < num_forms; i++) {
        compile_form(&forms[i]);
        for (int c = 0; c < NUM_CLASSES; c++)
            if (forms[i].cls & (1u << c) && !(forms[i].flags & FL_NOGEN))
                class_forms[c][class_nforms[c]++] = i;
        if (forms[i].mem == M_NONE && (forms[i].nbad || forms[i].ok))
            class_forms[CLS_RESERVED][class_nforms[CLS_RESERVED]++] = i;
        if (!(forms[i].flags & FL_NOGEN) && !(forms[i].cls & C_UNADV))
            class_forms[CLS_MIXED][class_nforms[CLS_MIXED]++] = i;
    }
    compile_exclusions();
    if (list_forms) {
        for (int i = 0; i < num_forms; i++) {
            printf("%-20s %08x/%08x", forms[i].name, forms[i].fixval, forms[i].fixmask);
            for (int c = 0; c < NUM_CLASSES; c++)
                if (forms[i].cls & (1u << c))
                    printf(" %s", class_names[c]);
            printf("\n");
        }
        return 0;
    }
    if (!cls_arg)
        usage();
    unsigned run_mask = 0;
    for (int c = 0; c < NUM_CLASSES; c++)
        if (!strcmp(cls_arg, "all") || !strcmp(cls_arg, class_names[c]))
            run_mask |= 1u << c;
    if (!run_mask)
        usage();
    fstats = calloc((size_t)num_forms, sizeof *fstats);
    if (!no_qemu)
        qemu_runner = find_qemu_runner(qemu_arg);
    if (opt.ref_vs_qemu && !qemu_runner) {
        fprintf(stderr, "difftest: --ref-vs-qemu needs qemu-aarch64 and difftest-qemu-runner\n");
        return 2;
    }

    struct cpu_env env = { .tlb_fill = env_fill, .opaque = NULL };
    ours = cpu_new(NULL, &env, true);
    ref_open();
#ifdef HAVE_CAPSTONE
    cs_ok = cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs) == CS_ERR_OK;
#endif
    signal(SIGSEGV, crash);
    signal(SIGBUS, crash);
    signal(SIGFPE, crash);
    signal(SIGABRT, crash);
    signal(SIGALRM, crash);

    uint64_t total_bad = 0, total_undef = 0;
    for (int c = 0; c < NUM_CLASSES; c++) {
        if (!(run_mask & (1u << c)))
            continue;
        struct cstat cs_ = { 0 };
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cur_class = c;
        cur_seed = seed;
        /* FP classes use shorter blocks: more fresh special operands */
        int kc = k_set ? k : (c == 3 || c == 5) ? 16 : k;
        uint64_t nblocks = c == CLS_RESERVED || c == CLS_UNADV ? count : (count + (uint64_t)kc - 1) / (uint64_t)kc;
        uint64_t first = 0;
        if (only_block >= 0)
            first = (uint64_t)only_block, nblocks = first + 1;
        for (uint64_t bn = first; bn < nblocks; bn++) {
            cur_block = bn;
            alarm(120);   /* watchdog: a block that never ends is reported like a crash */
            test_block(c, seed, bn, kc, &cs_);
        }
        alarm(0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("class %-7s insns %8" PRIu64 " blocks %6" PRIu64 " mismatches %5" PRIu64 " undef-on-ours %6" PRIu64
               " ref-undef %4" PRIu64 " ref-faults %3" PRIu64 " (%.1fs)\n",
               class_names[c], cs_.insns, cs_.blocks, cs_.mismatches, cs_.undef, cs_.ref_undef, cs_.faults, secs);
        total_bad += cs_.mismatches;
        if (c == CLS_RESERVED)
            printf("  (reserved: 'mismatches' = reserved encodings ours executes but Unicorn rejects, or results\n"
                   "   that differ; 'undef-on-ours' = encodings Unicorn executes (FP16, other forms) that our\n"
                   "   model rejects, not an error)\n");
        else
            total_undef += cs_.undef;
    }
    if (opt.list_undef || opt.verbose) {
        printf("\nper-form coverage (forms of the classes run):\n");
        printf("%-20s %-7s %9s %9s %9s %9s  %s\n", "form", "class", "generated", "undef", "ref-undef", "mismatch",
               "qemu agrees with ours/ref/neither");
        for (int i = 0; i < num_forms; i++) {
            const struct fstat *s = &fstats[i];
            unsigned in = forms[i].cls & run_mask;
            if (!in && !(run_mask & (C_RESERVED | C_MIXED) && s->gen))
                continue;
            int c0 = in ? __builtin_ctz(in) : run_mask & C_MIXED ? CLS_MIXED : CLS_RESERVED;
            const char *tag = c0 == CLS_RESERVED ? (s->mismatch ? "  ACCEPTS RESERVED" : "")
                              : c0 == CLS_UNADV ? (s->mismatch ? "  EXECUTES UNADVERTISED" : !advertised(&forms[i]) ? "  (not advertised)" : "")
                              : !s->gen ? "  (not generated)"
                              : s->ours_undef == s->gen ? "  MISSING"
                              : s->ours_undef ? "  PARTIAL"
                              : s->mismatch ? "  WRONG" : "";
            printf("%-20s %-7s %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64, forms[i].name, class_names[c0],
                   s->gen, s->ours_undef, s->ref_undef, s->mismatch);
            if (s->arbitrated)
                printf("  %" PRIu64 "/%" PRIu64 "/%" PRIu64, s->qemu_ours, s->qemu_ref, s->qemu_neither);
            printf("%s\n", tag);
        }
    }
    printf("difftest: %" PRIu64 " mismatches, %" PRIu64 " UNDEFINED on ours but executed by Unicorn\n", total_bad,
           total_undef);
#ifdef HAVE_CAPSTONE
    if (cs_ok)
        cs_close(&cs);
#endif
    uc_close(uc);
    cpu_free(ours);
    return total_bad || (total_undef && !opt.allow_undef) ? 1 : 0;
}
