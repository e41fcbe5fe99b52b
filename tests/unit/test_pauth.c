/* FEAT_PAuth (src/cpu/pauth.c) on the `max` model.
 *
 * Unicorn and QEMU implement QARMA, and our PAC function is IMPLEMENTATION
 * DEFINED, so PAC values cannot be compared with them.  Instead the
 * expected results come from a reference model written here bit by bit from
 * the Arm ARM pseudocode (AddPAC, Auth, Strip, CalculateBottomPACBit,
 * EffectiveTBI), using the CPU's pauth_compute() as ComputePAC; and the PAC
 * function itself is checked statistically (a changed modifier or key makes
 * authentication fail about 1 - 2^-bits of the time).
 *
 * Encodings (aarch64-linux-gnu-as -march=armv8.3-a):
 *   dac10020 pacia x0, x1       dac107e2 pacib x2, sp     dac10883 pacda x3, x4
 *   dac11cc5 autdb x5, x6       dac123e7 paciza x7        dac13fe8 autdzb x8
 *   dac143e9 xpaci x9           dac147ea xpacd x10        9adf3020 pacga x0, x1, sp
 *   d71f0822 braa x1, x2        d61f0c7f brabz x3         d73f089f blraa x4, sp
 *   d63f0cbf blrabz x5          d65f0bff retaa            d65f0fff retab
 *   d69f0bff eretaa             d69f0fff eretab
 *   f8600420 ldraa x0, [x1, #-4096]      f8bfffe2 ldrab x2, [sp, #4088]!
 *   d503211f pacia1716  d50321df autib1716  d503233f paciasp  d50323ff autibsp
 *   d50320ff xpaclri    d503231f paciaz
 */
#include "cpu_harness.h"
#include "system.h"
#include "test.h"

uint64_t pauth_compute(uint64_t data, uint64_t modifier, uint64_t key_hi, uint64_t key_lo);

/* ---- random numbers ------------------------------------------------------- */

static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

/* A pointer of one of the shapes software uses, or garbage. */
static uint64_t rnd_ptr(void)
{
    switch (rndn(5)) {
    case 0: return rnd() & 0x0000ffffffffffffull;                               /* user */
    case 1: return rnd() | 0xffff000000000000ull;                               /* kernel */
    case 2: return (rnd() & 0x0000ffffffffffffull) | rnd() << 56;               /* tagged user */
    case 3: return (rnd() | 0x00ff000000000000ull) & ~0xff00000000000000ull;    /* bit 55 set, TBI-canonical */
    default: return rnd();                                                      /* bad extension */
    }
}

/* ---- encodings ------------------------------------------------------------ */

#define SVC0 0xd4000001u
#define SMC0 0xd4000003u
#define SMC1 0xd4000023u
static uint32_t enc_dp1(unsigned opcode, unsigned rn, unsigned rd) { return 0xdac10000u | opcode << 10 | rn << 5 | rd; }
static uint32_t enc_pac(bool aut, unsigned key, bool z, unsigned rn, unsigned rd)
{
    return enc_dp1((unsigned)z << 3 | (unsigned)aut << 2 | key, z ? 31 : rn, rd);
}
static uint32_t enc_pacga(unsigned rm, unsigned rn, unsigned rd) { return 0x9ac03000u | rm << 16 | rn << 5 | rd; }
static uint32_t enc_hint(unsigned op) { return 0xd503201fu | op << 5; }
static uint32_t enc_bra(unsigned z, unsigned op, unsigned m, unsigned rn, unsigned rm)
{
    return 0xd61f0800u | z << 24 | op << 21 | m << 10 | rn << 5 | rm;
}
static uint32_t enc_ldra(unsigned m, int off, bool w, unsigned rn, unsigned rt)
{
    unsigned s10 = (unsigned)(off / 8) & 0x3ff;
    return 0xf8200400u | m << 23 | (s10 >> 9) << 22 | (s10 & 0x1ff) << 12 | (unsigned)w << 11 | rn << 5 | rt;
}

/* ---- reference model (Arm ARM pseudocode, bit by bit) --------------------- */

static unsigned bit(uint64_t x, int i) { return (unsigned)(x >> i & 1); }

/* ptr with bits [top_of_field:bottom] replaced by sel, keeping 63:56 with TBI. */
static uint64_t ref_extend(uint64_t ptr, bool tbi, int bottom, unsigned sel)
{
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        unsigned b = i < bottom ? bit(ptr, i) : (tbi && i >= 56) ? bit(ptr, i) : sel;
        r |= (uint64_t)b << i;
    }
    return r;
}

static uint64_t ref_add(uint64_t ptr, uint64_t mod, const uint64_t key[2], bool tbi, int bottom, unsigned sel)
{
    uint64_t pac = pauth_compute(ref_extend(ptr, tbi, bottom, sel), mod, key[1], key[0]);
    int top = tbi ? 55 : 63;
    bool zeros = true, ones = true;
    for (int i = bottom; i <= top; i++) {
        zeros &= !bit(ptr, i);
        ones &= bit(ptr, i);
    }
    if (!zeros && !ones)
        pac ^= 1ull << (top - 1);
    uint64_t r = 0;
    for (int i = 0; i < 64; i++) {
        unsigned b = i < bottom ? bit(ptr, i) : i <= 54 ? bit(pac, i) : i == 55 ? sel : tbi ? bit(ptr, i) : bit(pac, i);
        r |= (uint64_t)b << i;
    }
    return r;
}

static uint64_t ref_auth(uint64_t ptr, uint64_t mod, const uint64_t key[2], bool tbi, int bottom, unsigned keynum)
{
    uint64_t orig = ref_extend(ptr, tbi, bottom, bit(ptr, 55));
    uint64_t pac = pauth_compute(orig, mod, key[1], key[0]);
    bool ok = true;
    for (int i = bottom; i <= 54; i++)
        ok &= bit(pac, i) == bit(ptr, i);
    if (!tbi)
        for (int i = 56; i <= 63; i++)
            ok &= bit(pac, i) == bit(ptr, i);
    if (ok)
        return orig;
    uint64_t err = keynum ? 2 : 1;      /* key_number:NOT(key_number) */
    int at = tbi ? 53 : 61;
    return (orig & ~(3ull << at)) | err << at;
}

/* Linux EL0 in user-mode emulation: TBI, 48-bit VAs. */
static uint64_t user_add(uint64_t p, uint64_t m, const uint64_t k[2]) { return ref_add(p, m, k, true, 48, bit(p, 55)); }
static uint64_t user_auth(uint64_t p, uint64_t m, const uint64_t k[2], unsigned kn) { return ref_auth(p, m, k, true, 48, kn); }
static uint64_t user_strip(uint64_t p) { return ref_extend(p, true, 48, bit(p, 55)); }

/* System mode, EL1&0 regime with TCR_EL1 = tcr (EffectiveTBI,
 * CalculateBottomPACBit with TxSZ clamped to 16..39, AddPAC's selbit). */
static bool sys_tbi(uint64_t tcr, uint64_t p, bool insn)
{
    unsigned hi = bit(p, 55);
    unsigned tbi = bit(tcr, hi ? 38 : 37), tbid = bit(tcr, hi ? 52 : 51);
    return tbi && (!insn || !tbid);
}
static int sys_bottom(uint64_t tcr, unsigned sel)
{
    int tsz = (int)((sel ? tcr >> 16 : tcr) & 63);
    tsz = tsz > 39 ? 39 : tsz < 16 ? 16 : tsz;
    return 64 - tsz;
}
static uint64_t sys_add(uint64_t tcr, uint64_t p, uint64_t m, const uint64_t k[2], bool insn)
{
    bool tbi = sys_tbi(tcr, p, insn);
    bool use55 = insn ? (bit(tcr, 38) && !bit(tcr, 52)) || (bit(tcr, 37) && !bit(tcr, 51))
                      : bit(tcr, 38) || bit(tcr, 37);
    unsigned sel = bit(p, use55 ? 55 : 63);
    return ref_add(p, m, k, tbi, sys_bottom(tcr, sel), sel);
}
static uint64_t sys_auth(uint64_t tcr, uint64_t p, uint64_t m, const uint64_t k[2], bool insn, unsigned kn)
{
    return ref_auth(p, m, k, sys_tbi(tcr, p, insn), sys_bottom(tcr, bit(p, 55)), kn);
}
static uint64_t sys_strip(uint64_t tcr, uint64_t p, bool insn)
{
    return ref_extend(p, sys_tbi(tcr, p, insn), sys_bottom(tcr, bit(p, 55)), bit(p, 55));
}

/* ---- user-mode runs -------------------------------------------------------- */

static struct harness h;

static void use_model(const char *name)
{
    if (h.cpu)
        cpu_free(h.cpu);
    struct cpu_env env = { .tlb_fill = harness_fill, .opaque = &h };
    h.cpu = cpu_new(cpu_model_find(name), &env, true);
}

static void random_regs(struct cpu *c)
{
    for (int i = 0; i < 31; i++)
        c->x[i] = rnd();
    c->x[REG_SP] = rnd() & ~15ull;
    for (int k = 0; k < 5; k++)
        c->sr.apkey[k][0] = rnd(), c->sr.apkey[k][1] = rnd();
}

static enum cpu_exit run_prog(const uint32_t *prog, size_t n)
{
    memcpy(h.mem, prog, n * 4);
    h.cpu->pc = HARNESS_BASE;
    cpu_code_invalidate_all(h.cpu);
    return cpu_run(h.cpu);
}

static enum cpu_exit run1(uint32_t insn)
{
    uint32_t prog[2] = { insn, SVC0 };
    return run_prog(prog, 2);
}

static uint64_t reg_or_sp(const struct cpu *c, unsigned r) { return r == 31 ? c->x[REG_SP] : c->x[r]; }

#define N 3000

/* Every PAC/AUT/XPAC/PACGA form against the reference model. */
static void test_user_forms(void)
{
    use_model("max");
    struct cpu *c = h.cpu;
    for (int t = 0; t < N; t++) {
        random_regs(c);
        unsigned key = rndn(4), rd = rndn(31), rn = rndn(32), rm = rndn(32);
        bool aut = rndn(2), z = rndn(4) == 0;
        uint64_t ptr = rnd_ptr();
        c->x[rd] = ptr;
        uint64_t mod = z ? 0 : rn == rd ? ptr : reg_or_sp(c, rn);
        uint64_t want = aut ? user_auth(ptr, mod, c->sr.apkey[key], key & 1) : user_add(ptr, mod, c->sr.apkey[key]);
        uint64_t sp = c->x[REG_SP];
        CHECK_EQ(run1(enc_pac(aut, key, z, rn, rd)), CPU_EXIT_SVC);
        CHECK_EQ(c->x[rd], want);
        CHECK_EQ(c->x[REG_SP], sp);

        /* XPACI / XPACD */
        unsigned d = rndn(2);
        c->x[rd] = ptr;
        CHECK_EQ(run1(enc_dp1(0x10 | d, 31, rd)), CPU_EXIT_SVC);
        CHECK_EQ(c->x[rd], user_strip(ptr));

        /* PACGA Xd, Xn, Xm|SP */
        unsigned gn = rndn(31);
        uint64_t gmod = reg_or_sp(c, rm), gval = c->x[gn];
        CHECK_EQ(run1(enc_pacga(rm, gn, rd)), CPU_EXIT_SVC);
        CHECK_EQ(c->x[rd], pauth_compute(gval, gmod, c->sr.apkey[4][1], c->sr.apkey[4][0]) & 0xffffffff00000000ull);
    }
    /* rd = 31: PACIA xzr, x1 writes nothing */
    random_regs(c);
    uint64_t x1 = c->x[1];
    CHECK_EQ(run1(enc_pac(false, 0, false, 1, 31)), CPU_EXIT_SVC);
    CHECK_EQ(c->x[1], x1);
    /* Z forms with Rn != 31 are unallocated */
    CHECK_EQ(run1(enc_dp1(0x08, 3, 4)), CPU_EXIT_UNDEF);
    /* XPAC with Rn != 31, and opcodes 0x12.. of opcode2 00001 */
    CHECK_EQ(run1(enc_dp1(0x10, 3, 4)), CPU_EXIT_UNDEF);
    CHECK_EQ(run1(enc_dp1(0x12, 31, 4)), CPU_EXIT_UNDEF);
    CHECK_EQ(run1(enc_dp1(0x20, 31, 4)), CPU_EXIT_UNDEF);
    /* 32-bit (sf = 0) PACGA / PACIA are unallocated */
    CHECK_EQ(run1(enc_pacga(1, 2, 3) & 0x7fffffffu), CPU_EXIT_UNDEF);
    CHECK_EQ(run1(enc_pac(false, 0, false, 1, 2) & 0x7fffffffu), CPU_EXIT_UNDEF);
}

/* Sign, then authenticate with the same or a different modifier/key. */
static void test_user_roundtrip(void)
{
    use_model("max");
    struct cpu *c = h.cpu;
    int same_ok = 0, same_n = 0, mod_fail = 0, key_fail = 0, nbad = 0;
    for (int t = 0; t < N; t++) {
        random_regs(c);
        unsigned key = rndn(4), rd = rndn(29), rn = 29, rm = 30;
        bool z = rndn(2);
        uint64_t ptr = rnd_ptr();
        bool canon = ((ptr >> 48) & 0xff) == 0 || ((ptr >> 48) & 0xff) == 0xff;
        uint64_t m1 = z ? 0 : c->x[rn];
        /* same modifier */
        c->x[rd] = ptr;
        uint32_t prog[3] = { enc_pac(false, key, z, rn, rd), enc_pac(true, key, z, rn, rd), SVC0 };
        CHECK_EQ(run_prog(prog, 3), CPU_EXIT_SVC);
        uint64_t signed_ptr = user_add(ptr, m1, c->sr.apkey[key]);
        CHECK_EQ(c->x[rd], user_auth(signed_ptr, m1, c->sr.apkey[key], key & 1));
        if (canon) {
            same_n++;
            same_ok += c->x[rd] == ptr;
        } else {
            nbad++;
            /* a bad extension never authenticates (AddPAC flipped PAC bit 54) */
            CHECK_EQ(c->x[rd] >> 53 & 3, (key & 1) ? 2 : 1);
        }
        if (!canon)
            continue;
        /* different modifier */
        c->x[rd] = ptr;
        c->x[rm] = c->x[rn] ^ (1ull << rndn(64));
        uint32_t prog2[3] = { enc_pac(false, key, false, rn, rd), enc_pac(true, key, false, rm, rd), SVC0 };
        CHECK_EQ(run_prog(prog2, 3), CPU_EXIT_SVC);
        uint64_t want = user_auth(user_add(ptr, c->x[rn], c->sr.apkey[key]), c->x[rm], c->sr.apkey[key], key & 1);
        CHECK_EQ(c->x[rd], want);
        if (c->x[rd] != ptr) {
            mod_fail++;
            /* error code key_number:NOT(key_number) in bits 54:53 */
            CHECK_EQ(c->x[rd] >> 53 & 3, (key & 1) ? 2 : 1);
            CHECK_EQ(c->x[rd] & ~(3ull << 53), ptr & ~(3ull << 53));
        }
        /* the other key of the same kind (A <-> B) */
        c->x[rd] = ptr;
        uint32_t prog3[3] = { enc_pac(false, key, false, rn, rd), enc_pac(true, key ^ 1, false, rn, rd), SVC0 };
        CHECK_EQ(run_prog(prog3, 3), CPU_EXIT_SVC);
        want = user_auth(user_add(ptr, c->x[rn], c->sr.apkey[key]), c->x[rn], c->sr.apkey[key ^ 1], (key ^ 1) & 1);
        CHECK_EQ(c->x[rd], want);
        key_fail += c->x[rd] != ptr;
    }
    CHECK_EQ(same_ok, same_n);
    CHECK(nbad > 100);
    /* 7 PAC bits: a forgery passes with probability 1/128. */
    int n = same_n;
    printf("roundtrip: %d/%d same, %d/%d wrong modifier and %d/%d wrong key rejected\n", same_ok, same_n, mod_fail, n,
           key_fail, n);
    CHECK(mod_fail >= n - n / 40);
    CHECK(key_fail >= n - n / 40);
}

/* PAC distribution: each of the 7 user PAC bits is set about half the time. */
static void test_pac_bits(void)
{
    uint64_t key[2] = { rnd(), rnd() };
    int count[64] = { 0 };
    const int n = 20000;
    uint64_t base = 0x0000aaaabbbb0000ull;
    for (int i = 0; i < n; i++) {
        uint64_t p = user_add(base + (uint64_t)i * 16, 0x0000ffffffffe000ull, key);  /* consecutive pointers */
        for (int b = 48; b < 55; b++)
            count[b] += bit(p, b);
    }
    for (int b = 48; b < 55; b++)
        CHECK(count[b] > n * 45 / 100 && count[b] < n * 55 / 100);
}

static const unsigned pac_hints[] = { 7, 8, 10, 12, 14, 24, 25, 26, 27, 28, 29, 30, 31 };

/* The hint-space forms: act on max, NOPs on the default model. */
static void test_user_hints(void)
{
    for (int model = 0; model < 2; model++) {
        use_model(model ? "default" : "max");
        struct cpu *c = h.cpu;
        for (int t = 0; t < N / 4; t++) {
            for (size_t i = 0; i < sizeof(pac_hints) / sizeof(pac_hints[0]); i++) {
                unsigned op = pac_hints[i];
                random_regs(c);
                c->x[17] = rnd_ptr();
                c->x[30] = rnd_ptr();
                /* half the time a pointer that authenticates */
                bool good = rndn(2);
                uint64_t x16 = c->x[16], x17 = c->x[17], x30 = c->x[30], sp = c->x[REG_SP];
                unsigned key = (op >> 1) & 1;
                if (good && (op == 12 || op == 14))
                    x17 = c->x[17] = user_add(x17, x16, c->sr.apkey[key]);
                if (good && op >= 28)
                    x30 = c->x[30] = user_add(x30, (op & 1) ? sp : 0, c->sr.apkey[key]);
                CHECK_EQ(run1(enc_hint(op)), CPU_EXIT_SVC);
                uint64_t w17 = x17, w30 = x30;
                if (model == 0) {
                    if (op == 7)
                        w30 = user_strip(x30);
                    else if (op < 16)
                        w17 = op >= 12 ? user_auth(x17, x16, c->sr.apkey[key], key) : user_add(x17, x16, c->sr.apkey[key]);
                    else {
                        uint64_t m = (op & 1) ? sp : 0;
                        w30 = op >= 28 ? user_auth(x30, m, c->sr.apkey[key], key) : user_add(x30, m, c->sr.apkey[key]);
                    }
                }
                CHECK_EQ(c->x[17], w17);
                CHECK_EQ(c->x[30], w30);
                CHECK_EQ(c->x[16], x16);
                CHECK_EQ(c->x[REG_SP], sp);
            }
        }
    }
    /* PACIASP ... AUTIASP around a call, as -mbranch-protection=pac-ret emits */
    use_model("max");
    struct cpu *c = h.cpu;
    random_regs(c);
    c->x[30] = HARNESS_BASE + 0x4000;
    c->x[REG_SP] = HARNESS_BASE + 0x8000;
    /* paciasp; mov x29, x30 (orr x29, xzr, x30); autiasp; svc */
    uint32_t prog[] = { enc_hint(25), 0xaa1e03fdu, enc_hint(29), SVC0 };
    CHECK_EQ(run_prog(prog, 4), CPU_EXIT_SVC);
    CHECK_EQ(c->x[30], HARNESS_BASE + 0x4000);
    CHECK(c->x[29] != HARNESS_BASE + 0x4000);   /* signed (unless the 7-bit PAC is 0) */
    CHECK_EQ(c->x[29] & 0xff80ffffffffffffull, HARNESS_BASE + 0x4000);
}

/* Non-hint encodings are UNDEFINED on the default model. */
static void test_default_undef(void)
{
    use_model("default");
    random_regs(h.cpu);
    const uint32_t words[] = {
        0xdac10020, 0xdac107e2, 0xdac10883, 0xdac11cc5, 0xdac123e7, 0xdac13fe8, 0xdac143e9, 0xdac147ea,
        0x9adf3020, 0xd71f0822, 0xd61f0c7f, 0xd73f089f, 0xd63f0cbf, 0xd65f0bff, 0xd65f0fff, 0xd69f0bff,
        0xd69f0fff, 0xf8600420, 0xf8bfffe2,
    };
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        CHECK_EQ(run1(words[i]), CPU_EXIT_UNDEF);
        CHECK_EQ(h.cpu->pc, HARNESS_BASE);
    }
    for (unsigned op = 0; op < 32; op++) {
        CHECK_EQ(run1(enc_dp1(op, 31, 3)), CPU_EXIT_UNDEF);
        CHECK_EQ(run1(enc_dp1(op, 1, 3)), CPU_EXIT_UNDEF);
    }
}

/* BRAA/BRAB/BLRAA/BLRAB, the Z forms and RETAA/RETAB. */
static void test_user_branches(void)
{
    use_model("max");
    struct cpu *c = h.cpu;
    const uint64_t target = HARNESS_BASE + 0x100;
    /* target: movz x5, #1; svc #0 */
    for (int t = 0; t < 400; t++) {
        unsigned z = rndn(2), op = z ? rndn(2) : rndn(3), m = rndn(2);
        unsigned rn = op == 2 ? 31 : 6 + rndn(23), rm = z ? (rndn(4) ? 6 + rndn(23) : 31) : 31;
        if (rm == rn)
            rm = 31;
        bool good = rndn(4) != 0;
        random_regs(c);
        c->x[5] = 0;
        uint64_t mod = z ? reg_or_sp(c, rm) : op == 2 ? c->x[REG_SP] : 0;
        /* (untagged: BR itself does not apply AArch64.BranchAddr's TBI yet) */
        uint64_t tgt = target;
        uint64_t sgn = user_add(tgt, good ? mod : mod ^ 0x10, c->sr.apkey[m]);
        c->x[op == 2 ? 30 : rn] = sgn;
        uint64_t want = user_auth(sgn, mod, c->sr.apkey[m], m);
        uint32_t prog[0x108 / 4] = { enc_bra(z, op, m, op == 2 ? 31 : rn, rm), SVC0 };
        prog[0x100 / 4] = 0xd2800025u;  /* movz x5, #1 */
        prog[0x104 / 4] = SVC0;
        enum cpu_exit r = run_prog(prog, 0x108 / 4);
        if (want == tgt) {
            CHECK_EQ(r, CPU_EXIT_SVC);
            CHECK_EQ(c->x[5], 1);
            CHECK_EQ(c->pc, target + 8);
            if (op == 1)
                CHECK_EQ(c->x[30], HARNESS_BASE + 4);
        } else {
            /* failed authentication: the fetch at the corrupted pointer faults */
            CHECK(!good);
            CHECK_EQ(r, CPU_EXIT_FAULT);
            CHECK_EQ(c->pc, want);
            CHECK_EQ(c->x[5], 0);
        }
    }
    /* blraa x30, x2: the target is read before the link register is written */
    random_regs(c);
    c->x[30] = user_add(target, c->x[2], c->sr.apkey[0]);
    uint32_t prog[0x108 / 4] = { enc_bra(1, 1, 0, 30, 2), SVC0 };
    prog[0x100 / 4] = 0xd2800025u;
    prog[0x104 / 4] = SVC0;
    CHECK_EQ(run_prog(prog, 0x108 / 4), CPU_EXIT_SVC);
    CHECK_EQ(c->pc, target + 8);
    CHECK_EQ(c->x[30], HARNESS_BASE + 4);
    /* BRAA with op 010 and z = 1 / RETAA with Rn != 31 are unallocated */
    CHECK_EQ(run1(enc_bra(1, 2, 0, 31, 31)), CPU_EXIT_UNDEF);
    CHECK_EQ(run1(enc_bra(0, 2, 0, 3, 31)), CPU_EXIT_UNDEF);
    CHECK_EQ(run1(enc_bra(0, 0, 0, 3, 4)), CPU_EXIT_UNDEF);
    /* ERETAA at EL0: UNDEFINED */
    CHECK_EQ(run1(0xd69f0bff), CPU_EXIT_UNDEF);
}

/* LDRAA/LDRAB, with and without writeback. */
static void test_user_ldra(void)
{
    use_model("max");
    struct cpu *c = h.cpu;
    const uint64_t data = HARNESS_BASE + 0x40000;
    for (int t = 0; t < 1000; t++) {
        random_regs(c);
        unsigned m = rndn(2), rn = rndn(32), rt = rndn(31);
        bool w = rndn(2), good = rndn(4) != 0;
        if (w && rn == rt)
            rt = (rt + 1) % 31;
        int off = ((int)rndn(1024) - 512) * 8;
        uint64_t base = data - (uint64_t)(int64_t)off;
        if (rn == 31)
            base &= ~15ull;
        uint64_t addr = base + (uint64_t)(int64_t)off;
        uint64_t val = rnd();
        memcpy(h.mem + (addr - HARNESS_BASE), &val, 8);
        uint64_t sgn = user_add(base, good ? 0 : 1, c->sr.apkey[2 + m]);
        if (rn == 31)
            c->x[REG_SP] = sgn;
        else
            c->x[rn] = sgn;
        uint64_t want = user_auth(sgn, 0, c->sr.apkey[2 + m], m);
        enum cpu_exit r = run1(enc_ldra(m, off, w, rn, rt));
        if (want == base) {
            CHECK_EQ(r, CPU_EXIT_SVC);
            CHECK_EQ(c->x[rt], val);
            if (rn != rt)
                CHECK_EQ(reg_or_sp(c, rn), w ? addr : sgn);
        } else {
            CHECK(!good);
            CHECK_EQ(r, CPU_EXIT_FAULT);
            CHECK_EQ(c->pc, HARNESS_BASE);
            CHECK_EQ(reg_or_sp(c, rn), sgn);
        }
    }
    /* A load through a pointer that failed AUTDA faults: autda x1, x2; ldr x0, [x1] */
    random_regs(c);
    c->x[1] = user_add(data, c->x[2] ^ 1, c->sr.apkey[2]);
    uint32_t prog[] = { enc_pac(true, 2, false, 2, 1), 0xf9400020u, SVC0 };
    if (user_auth(c->x[1], c->x[2], c->sr.apkey[2], 0) != data) {
        CHECK_EQ(run_prog(prog, 3), CPU_EXIT_FAULT);
        CHECK_EQ(c->pc, HARNESS_BASE + 4);
        CHECK_EQ(c->x[1] >> 53 & 3, 1);
    }
}

/* ---- system mode ------------------------------------------------------------ */

#define RAM_BASE 0x40000000ull
#define VEC1 (RAM_BASE + 0x1000)
#define VEC2 (RAM_BASE + 0x2000)

static struct cpu *sc;
static uint8_t *ram;

static void *sys_ram_ptr(void *opaque, uint64_t pa)
{
    (void)opaque;
    if (pa < RAM_BASE || pa >= RAM_BASE + HARNESS_SIZE)
        return NULL;
    return ram + (pa - RAM_BASE);
}

static void sys_init(const char *model)
{
    if (sc)
        cpu_free(sc);
    if (!ram)
        ram = calloc(1, HARNESS_SIZE);
    struct cpu_env env = { .ram_ptr = sys_ram_ptr };
    sc = cpu_new(cpu_model_find(model), &env, false);
    sc->el2_enabled = true;
    cpu_power_on_reset(sc, RAM_BASE);
    for (int i = 0; i < 16; i++) {
        uint32_t w = SMC1;
        memcpy(ram + (VEC1 - RAM_BASE) + i * 0x80, &w, 4);
        memcpy(ram + (VEC2 - RAM_BASE) + i * 0x80, &w, 4);
    }
    sc->sr.vbar_el1 = VEC1;
    sc->sr.vbar_el2 = VEC2;
    sc->sr.hcr_el2 = 1ull << 31 | 1ull << 40 | 1ull << 41;     /* RW, APK, API */
}

/* Run prog at el (1 or 2, SP_ELx): returns the SMC immediate it exited with
 * (0: end of program, 1: an exception vector). */
static unsigned sys_run(unsigned el, const uint32_t *prog, size_t n)
{
    memcpy(ram, prog, n * 4);
    uint32_t old = sc->pstate;
    sc->pstate = el << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF;
    sys_pstate_changed(sc, old);
    sc->pc = RAM_BASE;
    cpu_code_invalidate_all(sc);
    enum cpu_exit r = cpu_run(sc);
    CHECK_EQ(r, CPU_EXIT_HVC);
    return r == CPU_EXIT_HVC ? sc->exc.iss : 99;
}

static unsigned sys_run1(unsigned el, uint32_t insn)
{
    uint32_t prog[2] = { insn, SMC0 };
    return sys_run(el, prog, 2);
}

static void sys_random_regs(void)
{
    for (int i = 0; i < 31; i++)
        sc->x[i] = rnd();
    for (int k = 0; k < 5; k++)
        sc->sr.apkey[k][0] = rnd(), sc->sr.apkey[k][1] = rnd();
}

/* EL1 with random TCR_EL1 (TBI0/1, TBID0/1, T0SZ/T1SZ in and out of range). */
static void test_sys_forms(void)
{
    sys_init("max");
    const uint64_t en = 1ull << 31 | 1ull << 30 | 1ull << 27 | 1ull << 13;
    for (int t = 0; t < N; t++) {
        sys_random_regs();
        uint64_t tcr = (uint64_t)rndn(64) | (uint64_t)rndn(64) << 16 | (uint64_t)rndn(4) << 37 | (uint64_t)rndn(4) << 51;
        if (rndn(2))
            tcr = (tcr & ~0x3f003full) | 16 | 16 << 16 | (rndn(2) ? 25 : 16);
        sc->sr.tcr_el1 = tcr;
        unsigned key = rndn(4), rd = rndn(31), rn = rndn(31), kind = rndn(4);
        if (rn == rd)
            rn = (rn + 1) % 31;
        bool enabled = rndn(8) != 0;
        static const int enb[4] = { 31, 30, 27, 13 };   /* EnIA EnIB EnDA EnDB */
        sc->sr.sctlr_el1 |= en;
        if (!enabled)
            sc->sr.sctlr_el1 &= ~(1ull << enb[key]);
        uint64_t ptr = rnd_ptr(), mod = sc->x[rn];
        sc->x[rd] = ptr;
        uint64_t want;
        uint32_t insn;
        bool insn_key = key < 2;
        if (kind == 0) {
            insn = enc_pac(false, key, false, rn, rd);
            want = enabled ? sys_add(tcr, ptr, mod, sc->sr.apkey[key], insn_key) : ptr;
        } else if (kind == 1) {
            insn = enc_pac(true, key, false, rn, rd);
            want = enabled ? sys_auth(tcr, ptr, mod, sc->sr.apkey[key], insn_key, key & 1) : ptr;
        } else if (kind == 2) {
            /* round trip through the instruction pair */
            uint32_t prog[3] = { enc_pac(false, key, false, rn, rd), enc_pac(true, key, false, rn, rd), SMC0 };
            CHECK_EQ(sys_run(1, prog, 3), 0);
            want = enabled ? sys_auth(tcr, sys_add(tcr, ptr, mod, sc->sr.apkey[key], insn_key), mod, sc->sr.apkey[key],
                                      insn_key, key & 1)
                           : ptr;
            CHECK_EQ(sc->x[rd], want);
            continue;
        } else {
            insn = enc_dp1(0x10 | (key >> 1), 31, rd);  /* XPACI / XPACD: no enable bit */
            want = sys_strip(tcr, ptr, key < 2);
        }
        CHECK_EQ(sys_run1(1, insn), 0);
        CHECK_EQ(sc->x[rd], want);
    }
    /* Round trips succeed for canonical pointers, TBI off, 39-bit VAs */
    sc->sr.tcr_el1 = 25 | 25 << 16;
    sc->sr.sctlr_el1 |= en;
    for (int t = 0; t < 200; t++) {
        sys_random_regs();
        uint64_t ptr = rnd() & ((1ull << 39) - 1);
        if (rndn(2))
            ptr |= ~((1ull << 39) - 1);
        sc->x[3] = ptr;
        uint32_t prog[3] = { enc_pac(false, 0, false, 4, 3), enc_pac(true, 0, false, 4, 3), SMC0 };
        CHECK_EQ(sys_run(1, prog, 3), 0);
        CHECK_EQ(sc->x[3], ptr);
    }
}

/* HCR_EL2.API = 0 traps enabled PAC instructions (and XPAC, PACGA) from EL1
 * to EL2 with EC 0x09; a disabled key returns the pointer without trapping. */
static void test_sys_traps(void)
{
    sys_init("max");
    sys_random_regs();
    sc->sr.hcr_el2 &= ~(1ull << 41);
    sc->sr.sctlr_el1 |= 1ull << 31;
    uint64_t x3 = sc->x[3];
    uint32_t prog[] = { 0xd503201fu, enc_pac(false, 0, false, 4, 3), SMC0 };
    CHECK_EQ(sys_run(1, prog, 3), 1);
    CHECK_EQ(sc->el, 2);
    CHECK_EQ(sc->sr.esr_el2 >> 26, 0x09);
    CHECK_EQ(sc->sr.esr_el2 & 0x1ffffff, 0);
    CHECK_EQ(sc->sr.elr_el2, RAM_BASE + 4);
    CHECK_EQ(sc->pc, VEC2 + 0x400 + 4);
    CHECK_EQ(sc->x[3], x3);
    /* key disabled: no trap, no change */
    sc->sr.sctlr_el1 &= ~(1ull << 31);
    CHECK_EQ(sys_run1(1, enc_pac(false, 0, false, 4, 3)), 0);
    CHECK_EQ(sc->x[3], x3);
    CHECK_EQ(sys_run1(1, enc_hint(25)), 0);   /* PACIASP: likewise */
    /* XPACI and PACGA have no enable: they trap */
    CHECK_EQ(sys_run1(1, enc_dp1(0x10, 31, 3)), 1);
    CHECK_EQ(sc->sr.esr_el2 >> 26, 0x09);
    CHECK_EQ(sys_run1(1, enc_pacga(1, 2, 3)), 1);
    CHECK_EQ(sc->sr.esr_el2 >> 26, 0x09);
    /* at EL2 nothing traps */
    sc->sr.sctlr_el2 |= 1ull << 31;
    sc->sr.tcr_el2 = 16;
    sc->x[3] = 0x1234560;
    uint64_t x4 = sc->x[4];
    CHECK_EQ(sys_run1(2, enc_pac(false, 0, false, 4, 3)), 0);
    /* EL2 without E2H: one VA range, TCR_EL2.TBI (bit 20) clear */
    CHECK_EQ(sc->x[3], ref_add(0x1234560, x4, sc->sr.apkey[0], false, 48, 0));
    sc->sr.tcr_el2 = 20 | 1ull << 20;
    sc->x[3] = 0xab00000001234560ull;
    CHECK_EQ(sys_run1(2, enc_pac(false, 0, false, 4, 3)), 0);
    CHECK_EQ(sc->x[3], ref_add(0xab00000001234560ull, x4, sc->sr.apkey[0], true, 44, 0));
    sc->sr.tcr_el2 |= 1ull << 29;   /* TBID: instruction pointers lose TBI */
    sc->x[3] = 0x0000000001234560ull;
    CHECK_EQ(sys_run1(2, enc_pac(false, 0, false, 4, 3)), 0);
    CHECK_EQ(sc->x[3], ref_add(0x1234560, x4, sc->sr.apkey[0], false, 44, 0));
}

/* Key registers: MSR/MRS at EL1 on max; UNDEFINED on the default model. */
static void test_sys_keys(void)
{
    sys_init("max");
    sys_random_regs();
    /* msr APIAKeyLo_EL1, x0 ... msr APGAKeyHi_EL1, x9; mrs x10..x19 back */
    uint32_t prog[22];
    static const unsigned enc[10][2] = { { 1, 0 }, { 1, 1 }, { 1, 2 }, { 1, 3 }, { 2, 0 },
                                         { 2, 1 }, { 2, 2 }, { 2, 3 }, { 3, 0 }, { 3, 1 } };
    for (int i = 0; i < 10; i++) {
        uint32_t sysreg = 3u << 19 | 0u << 16 | 2u << 12 | enc[i][0] << 8 | enc[i][1] << 5;
        prog[i] = 0xd5000000u | 1u << 20 | sysreg | (unsigned)i;             /* MSR */
        prog[10 + i] = 0xd5200000u | 1u << 20 | sysreg | (unsigned)(10 + i); /* MRS */
    }
    prog[20] = SMC0;
    CHECK_EQ(prog[0], 0xd5182100u);     /* msr apiakeylo_el1, x0 */
    CHECK_EQ(prog[19], 0xd5382333u);    /* mrs x19, apgakeyhi_el1 */
    CHECK_EQ(sys_run(1, prog, 21), 0);
    for (int i = 0; i < 10; i++) {
        CHECK_EQ(sc->sr.apkey[i / 2][i & 1], sc->x[i]);
        CHECK_EQ(sc->x[10 + i], sc->x[i]);
    }
    /* ... and readable at EL2; not at EL0 (UNDEFINED, to EL1) */
    CHECK_EQ(sys_run1(2, 0xd5382101u), 0);
    CHECK_EQ(sc->x[1], sc->sr.apkey[0][0]);
    {
        uint32_t old = sc->pstate;
        sc->pstate = 0;
        sys_pstate_changed(sc, old);
        uint32_t p0[2] = { 0xd5382101u, SMC0 };
        memcpy(ram, p0, sizeof(p0));
        sc->pc = RAM_BASE;
        cpu_code_invalidate_all(sc);
        CHECK_EQ(cpu_run(sc), CPU_EXIT_HVC);
        CHECK_EQ(sc->exc.iss, 1);
        CHECK_EQ(sc->sr.esr_el1 >> 26, 0);
        CHECK_EQ(sc->sr.elr_el1, RAM_BASE);
    }
    sys_init("default");
    CHECK_EQ(sys_run1(1, 0xd5182100u), 1);
    CHECK_EQ(sc->sr.esr_el1 >> 26, 0);
    CHECK_EQ(sc->sr.elr_el1, RAM_BASE);
    CHECK_EQ(sys_run1(1, 0xd5382333u), 1);
    /* default model: PACIASP is a NOP even with EnIA set */
    sc->sr.sctlr_el1 |= 1ull << 31;
    sc->x[30] = 0x1000;
    CHECK_EQ(sys_run1(1, enc_hint(25)), 0);
    CHECK_EQ(sc->x[30], 0x1000);
}

/* ERETAA/ERETAB at EL1, and a failed one faulting at the corrupted address. */
static void test_sys_ereta(void)
{
    sys_init("max");
    for (int t = 0; t < 40; t++) {
        sys_random_regs();
        unsigned m = rndn(2);
        bool good = rndn(3) != 0;
        sc->sr.sctlr_el1 |= 1ull << 31 | 1ull << 30;
        sc->sr.tcr_el1 = 16 | 16 << 16;
        uint32_t prog[0x48 / 4] = { 0xd69f0bffu | m << 10, SMC0 };
        prog[0x40 / 4] = 0xd28000e5u;   /* movz x5, #7 */
        prog[0x44 / 4] = SMC0;
        const uint64_t tgt = RAM_BASE + 0x40;
        memcpy(ram, prog, sizeof(prog));
        uint32_t old = sc->pstate;
        sc->pstate = 1u << PSTATE_EL_SHIFT | PSTATE_SP | PSTATE_DAIF;
        sys_pstate_changed(sc, old);
        sc->x[REG_SP] = RAM_BASE + 0x8000 + rndn(256) * 16;
        uint64_t mod = good ? sc->x[REG_SP] : sc->x[REG_SP] + 16;
        sc->sr.elr_el1 = sys_add(sc->sr.tcr_el1, tgt, mod, sc->sr.apkey[m], true);
        sc->sr.spsr_el1 = 5;    /* EL1h */
        uint64_t want = sys_auth(sc->sr.tcr_el1, sc->sr.elr_el1, sc->x[REG_SP], sc->sr.apkey[m], true, m);
        sc->x[5] = 0;
        sc->pc = RAM_BASE;
        cpu_code_invalidate_all(sc);
        CHECK_EQ(cpu_run(sc), CPU_EXIT_HVC);
        if (want == tgt) {
            CHECK_EQ(sc->exc.iss, 0);
            CHECK_EQ(sc->x[5], 7);
        } else {
            CHECK(!good);
            CHECK_EQ(sc->exc.iss, 1);
            CHECK_EQ(sc->sr.esr_el1 >> 26, EC_IABORT_SAME);
            CHECK_EQ(sc->sr.far_el1, want);
            CHECK_EQ(sc->sr.far_el1 >> 61 & 3, m ? 2 : 1);   /* TBI off: error code in 62:61 */
        }
    }
}

/* ---- a compiled program with return-address signing ---------------------- *
 *
 * prog.c, linked at HARNESS_BASE behind "_start: bl entry; svc #0" with
 *   aarch64-linux-gnu-gcc -O2 -march=armv8-a (a) | -march=armv8.3-a (b)
 *     -mbranch-protection=pac-ret -ffreestanding -fno-pic -fno-omit-frame-pointer
 *     -fno-asynchronous-unwind-tables -nostdlib -static -Wl,-Ttext=0x10000
 * and objcopy -O binary -j .text.  (a) uses PACIASP/AUTIASP, (b) PACIASP/RETAA.
 *
 *   static long fib(long n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }   (noinline)
 *   long smash(long x) {                                                      (noinline)
 *       void **fp = __builtin_frame_address(0);
 *       fp[1] = (void *)((long)fp[1] ^ (x << 2));   // corrupt the signed saved LR
 *       __asm__ volatile("" ::: "memory");
 *       return fib(3) + x;
 *   }
 *   long entry(long n, long bad) { return bad ? smash(bad) : fib(n); }
 */
static const uint32_t pacret_a[] = {
    0x9400002d, 0xd4000001, 0xd503201f, 0xd503201f, 0xf100041f, 0x5400032d, 0xd503233f, 0xa9bd7bfd,
    0x910003fd, 0xa9025bf5, 0xd1000816, 0xd1000c15, 0x927ffac1, 0xa90153f3, 0xcb0102b5, 0xd1000414,
    0xd2800013, 0xaa1403e0, 0xd1000a94, 0x97fffff1, 0x8b000273, 0xeb15029f, 0x54ffff61, 0x924002d6,
    0x8b1302c0, 0xa94153f3, 0xa9425bf5, 0xa8c37bfd, 0xd50323bf, 0xd65f03c0, 0xd65f03c0, 0xd503201f,
    0xd503233f, 0xa9bf7bfd, 0xaa0003e2, 0x910003fd, 0xf94007a1, 0xca000821, 0xf90007a1, 0xd2800060,
    0x97ffffdc, 0xa8c17bfd, 0xd50323bf, 0x8b020000, 0xd65f03c0, 0xb4000061, 0xaa0103e0, 0x17fffff1,
    0x17ffffd4,
};
static const uint32_t pacret_b[] = {
    0x9400002c, 0xd4000001, 0xd503201f, 0xd503201f, 0xf100041f, 0x5400030d, 0xd503233f, 0xa9bd7bfd,
    0x910003fd, 0xa9025bf5, 0xd1000816, 0xd1000c15, 0x927ffac1, 0xa90153f3, 0xcb0102b5, 0xd1000414,
    0xd2800013, 0xaa1403e0, 0xd1000a94, 0x97fffff1, 0x8b000273, 0xeb15029f, 0x54ffff61, 0x924002d6,
    0x8b1302c0, 0xa94153f3, 0xa9425bf5, 0xa8c37bfd, 0xd65f0bff, 0xd65f03c0, 0xd503201f, 0xd503201f,
    0xd503233f, 0xa9bf7bfd, 0xaa0003e2, 0x910003fd, 0xf94007a1, 0xca000821, 0xf90007a1, 0xd2800060,
    0x97ffffdc, 0xa8c17bfd, 0x8b020000, 0xd65f0bff, 0xb4000061, 0xaa0103e0, 0x17fffff2, 0x17ffffd5,
};

static void run_pacret(const char *model, const uint32_t *prog, size_t n, uint64_t arg, uint64_t bad)
{
    use_model(model);
    random_regs(h.cpu);
    h.cpu->x[0] = arg;
    h.cpu->x[1] = bad;
    h.cpu->x[REG_SP] = HARNESS_BASE + HARNESS_SIZE - 64;
    memcpy(h.mem, prog, n * 4);
    h.cpu->pc = HARNESS_BASE;
    cpu_code_invalidate_all(h.cpu);
}

static void test_pacret_program(void)
{
    for (int v = 0; v < 2; v++) {
        const uint32_t *p = v ? pacret_b : pacret_a;
        size_t n = v ? sizeof(pacret_b) / 4 : sizeof(pacret_a) / 4;
        /* fib(20) through ~22000 signed/authenticated returns */
        run_pacret("max", p, n, 20, 0);
        CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_SVC);
        CHECK_EQ(h.cpu->x[0], 6765);
        /* a corrupted PAC bit (48) in the saved LR: the return faults at the
         * error-coded address (key A: bit 53), bit 48 restored by Auth */
        run_pacret("max", p, n, 0, 1ull << 46);
        CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_FAULT);
        CHECK_EQ(h.cpu->pc, (HARNESS_BASE + 4) | 1ull << 53);
        /* the default model: PACIASP/AUTIASP are NOPs, RETAA is UNDEFINED */
        run_pacret("default", p, n, 20, 0);
        if (v) {
            CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_UNDEF);
        } else {
            CHECK_EQ(cpu_run(h.cpu), CPU_EXIT_SVC);
            CHECK_EQ(h.cpu->x[0], 6765);
        }
    }
}

int main(void)
{
    h.mem = calloc(1, HARNESS_SIZE);
    test_user_forms();
    test_user_roundtrip();
    test_pac_bits();
    test_user_hints();
    test_default_undef();
    test_user_branches();
    test_user_ldra();
    test_pacret_program();
    test_sys_forms();
    test_sys_traps();
    test_sys_keys();
    test_sys_ereta();
    cpu_free(h.cpu);
    cpu_free(sc);
    free(h.mem);
    free(ram);
    return test_report("pauth");
}
