/* Pointer authentication (FEAT_PAuth, Armv8.3) with an IMPLEMENTATION
 * DEFINED algorithm, for models that advertise ID_AA64ISAR1_EL1.API/GPI
 * (the `max` model).
 *
 * Pointer handling follows the Arm ARM pseudocode: AddPAC, Auth, Strip,
 * CalculateBottomPACBit, EffectiveTBI, and the AddPACxx/AuthXX wrappers with
 * their SCTLR_ELx.EnIA/EnIB/EnDA/EnDB enables and HCR_EL2.API traps.  This is
 * FEAT_PAuth without EPAC/PAuth2/FPAC: a pointer with bad extension bits
 * gets PAC bit top_bit-1 inverted, and a failed authentication puts the
 * error code key_number:NOT(key_number) in bits 54:53 (TBI) or 62:61, which
 * makes the pointer non-canonical so that its later use faults.
 *
 * The PAC function (ComputePAC) is ours, see pauth_compute().  Translation
 * specialises on the mode: in user-mode emulation the Linux EL0 setup is a
 * constant (all four keys enabled, TBI0 = TBI1 = 1 with TBID clear, 48-bit
 * VAs, so the PAC is bits 54:48 of every pointer), so those handlers do no
 * register lookups; system mode reads SCTLR/TCR/HCR of the current regime.
 *
 * HCR_EL2.APK (EL1 key-register accesses trap to EL2 while it is 0) is a
 * trap group of the key registers' rows (traps.c).  Not implemented:
 * HCR_EL2.NV traps of ERETAA/ERETAB, and TCR_ELx.TBIDx for instruction
 * fetch itself (only the PAC position honours TBID).
 */
#include "uop.h"
#include "nv.h"
#include "system.h"

#define EC_PAC 0x09             /* PAC instruction trapped by HCR_EL2.API */

enum { KEY_IA, KEY_IB, KEY_DA, KEY_DB, KEY_GA };

/* ---- the IMPLEMENTATION DEFINED PAC function ------------------------------
 *
 * ComputePAC(data, modifier, key<127:64>, key<63:0>) -> 64 bits, of which
 * AddPAC keeps 7 to 31 bits (54:bottom, and 63:56 without TBI).  QARMA-64,
 * the architected algorithm, costs a few hundred operations in software and
 * dominates PAC-heavy code (every non-leaf function signs and authenticates
 * its return address).  This is two rounds of wyhash's multiply-fold mixer,
 * mum(a, b) = lo64(a * b) ^ hi64(a * b) on the full 128-bit product:
 *
 *   x   = mum(data ^ key_lo ^ P0, modifier ^ key_hi ^ P1)
 *   PAC = mum(x ^ P2, data ^ key_hi ^ P3)
 *
 * Two 64x64->128 multiplies and a few XORs: ~10 cycles of latency on x86-64
 * and AArch64 hosts, against ~30 for four rounds of a 64-bit
 * multiply-xorshift finalizer (measured 2.4x faster).  Every input bit
 * reaches every output bit: flipping any single bit of the pointer, the
 * modifier or either key half flips each of PAC bits 63:48 with probability
 * 0.47..0.53 (measured over 4000 random inputs per bit), so a wrong
 * modifier or key is caught with probability 1 - 2^-(PAC bits), as with
 * QARMA.  It is not a cryptographic MAC: it stops accidental and casual
 * forgery (the point in an emulator), not an attacker who can collect many
 * PACs.  Software cannot tell the difference: the architecture leaves the
 * algorithm to the implementation when ID_AA64ISAR1_EL1.API/GPI are set. */
static inline uint64_t mum(uint64_t a, uint64_t b)
{
    unsigned __int128 r = (unsigned __int128)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t pauth_compute(uint64_t data, uint64_t modifier, uint64_t key_hi, uint64_t key_lo);
uint64_t pauth_compute(uint64_t data, uint64_t modifier, uint64_t key_hi, uint64_t key_lo)
{
    uint64_t x = mum(data ^ key_lo ^ 0xa0761d6478bd642full, modifier ^ key_hi ^ 0xe7037ed1a0b428dbull);
    return mum(x ^ 0x8ebc6af09c88c6e3ull, data ^ key_hi ^ 0x589965cc75374cc3ull);
}

/* ---- pointer formats ------------------------------------------------------ */

/* The pointer with its PAC field replaced by the extension bits sel. */
static inline uint64_t pac_extend(uint64_t ptr, bool tbi, unsigned bottom, unsigned sel)
{
    uint64_t low = (1ull << bottom) - 1;
    uint64_t ext = sel ? ~low : 0;
    if (tbi)
        return (ptr & 0xff00000000000000ull) | (ext & 0x00ffffffffffffffull) | (ptr & low);
    return ext | (ptr & low);
}

/* Bits holding the PAC: 54:bottom, and 63:56 without TBI. */
static inline uint64_t pac_field(bool tbi, unsigned bottom)
{
    uint64_t m = ((1ull << 55) - 1) & ~((1ull << bottom) - 1);
    return tbi ? m : m | 0xff00000000000000ull;
}

static inline uint64_t add_pac(uint64_t ptr, uint64_t mod, const uint64_t key[2], bool tbi, unsigned bottom,
                               unsigned sel)
{
    uint64_t pac = pauth_compute(pac_extend(ptr, tbi, bottom, sel), mod, key[1], key[0]);
    unsigned top = tbi ? 55 : 63;
    uint64_t ext = (top == 63 ? ~0ull : (1ull << (top + 1)) - 1) & ~((1ull << bottom) - 1);
    uint64_t e = ptr & ext;
    if (e != 0 && e != ext)
        pac ^= 1ull << (top - 1);   /* bad extension: the PAC cannot authenticate */
    uint64_t f = pac_field(tbi, bottom);
    return (ptr & ~f & ~(1ull << 55)) | (uint64_t)sel << 55 | (pac & f);
}

static inline uint64_t auth_pac(uint64_t ptr, uint64_t mod, const uint64_t key[2], bool tbi, unsigned bottom,
                                unsigned keynum)
{
    uint64_t orig = pac_extend(ptr, tbi, bottom, (unsigned)(ptr >> 55 & 1));
    uint64_t pac = pauth_compute(orig, mod, key[1], key[0]);
    if (likely(((pac ^ ptr) & pac_field(tbi, bottom)) == 0))
        return orig;
    uint64_t err = keynum ? 2 : 1;  /* key_number:NOT(key_number) */
    unsigned at = tbi ? 53 : 61;
    return (orig & ~(3ull << at)) | err << at;
}

/* ---- the current regime (system mode) ------------------------------------ */

static inline bool e2h(const struct cpu *c) { return c->el2_enabled && (c->sr.hcr_el2 & HCR_E2H); }
static inline bool host_el0(const struct cpu *c)
{
    return c->el == 0 && e2h(c) && (c->sr.hcr_el2 & HCR_TGE);
}

/* Enable bit of key k in SCTLR_ELx: EnIA 31, EnIB 30, EnDA 27, EnDB 13. */
static const uint8_t en_bit[4] = { 31, 30, 27, 13 };

/* HCR_EL2.API clear traps PAC instructions from EL0/EL1 to EL2. */
static inline void check_trap(struct cpu *c, const struct uop *u)
{
    if (c->el < 2 && c->el2_enabled && !(c->sr.hcr_el2 & HCR_API) && !host_el0(c)) {
        c->exc.target_el = 2;
        cpu_raise(c, uop_pc(c, u), EC_PAC, 0, 0);
    }
}

/* AddPACxx / AuthXX prologue: false when the key is disabled (the pointer
 * is returned unchanged); raises the EL2 trap when enabled and trapped. */
static inline bool key_enabled(struct cpu *c, const struct uop *u, unsigned k)
{
    uint64_t sctlr = (c->el == 2 || host_el0(c)) ? c->sr.sctlr_el2 : c->sr.sctlr_el1;
    if (!(sctlr >> en_bit[k] & 1))
        return false;
    check_trap(c, u);
    return true;
}

struct regime {
    uint64_t tcr;
    bool two;       /* upper and lower VA ranges (EL1&0, EL2&0) */
};

static inline struct regime cur_regime(const struct cpu *c)
{
    if (c->el == 2 && !e2h(c))
        return (struct regime){ c->sr.tcr_el2, false };
    if (c->el == 2 || host_el0(c))
        return (struct regime){ c->sr.tcr_el2, true };
    return (struct regime){ c->sr.tcr_el1, true };
}

static inline bool effective_tbi(struct regime r, uint64_t ptr, bool insn)
{
    unsigned hi = (unsigned)(ptr >> 55 & 1);
    unsigned tbi, tbid;
    if (r.two) {
        tbi = (unsigned)(r.tcr >> (37 + hi)) & 1;
        tbid = (unsigned)(r.tcr >> (51 + hi)) & 1;
    } else {
        tbi = (unsigned)(r.tcr >> 20) & 1;
        tbid = (unsigned)(r.tcr >> 29) & 1;
    }
    return tbi && (!insn || !tbid);
}

/* CalculateBottomPACBit: 64 - TxSZ, TxSZ clamped to 16..39 (no FEAT_LVA,
 * no FEAT_TTST; the out-of-range choice is Constraint_FORCE). */
static inline unsigned bottom_bit(struct regime r, unsigned sel)
{
    unsigned tsz = (unsigned)(r.two && sel ? r.tcr >> 16 : r.tcr) & 63;
    if (tsz > 39)
        tsz = 39;
    if (tsz < 16)
        tsz = 16;
    return 64 - tsz;
}

/* AddPAC's choice of the range bit. */
static inline unsigned add_selbit(struct regime r, uint64_t ptr, bool insn, bool tbi)
{
    if (r.two) {
        uint64_t t = r.tcr;
        bool use55 = insn ? ((t >> 38 & 1) && !(t >> 52 & 1)) || ((t >> 37 & 1) && !(t >> 51 & 1))
                          : (t >> 38 & 1) || (t >> 37 & 1);
        return (unsigned)(ptr >> (use55 ? 55 : 63) & 1);
    }
    return (unsigned)(ptr >> (tbi ? 55 : 63) & 1);
}

/* ---- the operations, specialised for user mode at translation time ------- */

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Linux EL0: TBI on, PAC in bits 54:48 of every pointer. */
#define USER_BOTTOM 48

static ALWAYS_INLINE uint64_t do_add(struct cpu *c, const struct uop *u, bool user, unsigned k, uint64_t ptr,
                                     uint64_t mod)
{
    if (user)
        return add_pac(ptr, mod, c->sr.apkey[k], true, USER_BOTTOM, (unsigned)(ptr >> 55 & 1));
    if (!key_enabled(c, u, k))
        return ptr;
    struct regime r = cur_regime(c);
    bool insn = k < KEY_DA;
    bool tbi = effective_tbi(r, ptr, insn);
    unsigned sel = add_selbit(r, ptr, insn, tbi);
    return add_pac(ptr, mod, c->sr.apkey[k], tbi, bottom_bit(r, sel), sel);
}

static ALWAYS_INLINE uint64_t do_auth(struct cpu *c, const struct uop *u, bool user, unsigned k, uint64_t ptr,
                                      uint64_t mod)
{
    if (user)
        return auth_pac(ptr, mod, c->sr.apkey[k], true, USER_BOTTOM, k & 1);
    if (!key_enabled(c, u, k))
        return ptr;
    struct regime r = cur_regime(c);
    bool tbi = effective_tbi(r, ptr, k < KEY_DA);
    return auth_pac(ptr, mod, c->sr.apkey[k], tbi, bottom_bit(r, (unsigned)(ptr >> 55 & 1)), k & 1);
}

static ALWAYS_INLINE uint64_t do_strip(struct cpu *c, const struct uop *u, bool user, bool data, uint64_t ptr)
{
    unsigned sel = (unsigned)(ptr >> 55 & 1);
    if (user)
        return pac_extend(ptr, true, USER_BOTTOM, sel);
    check_trap(c, u);
    struct regime r = cur_regime(c);
    return pac_extend(ptr, effective_tbi(r, ptr, !data), bottom_bit(r, sel), sel);
}

/* Handlers come in pairs NAME_user / NAME_sys.  Operands:
 *   a: pointer source slot, d: destination slot, b: modifier slot,
 *   e: key (KEY_*), f: flags (below), imm: offset (LDRAA). */
#define F_LINK 1    /* branch with link */
#define F_WBACK 2   /* LDRAA writeback */
#define F_SPBASE 4  /* LDRAA base is SP: check alignment */

#define PAIR(name, body)                                                                         \
    static ALWAYS_INLINE const struct uop *name##_impl(struct cpu *c, const struct uop *u, bool user) \
    body                                                                                         \
    static const struct uop *name##_user(struct cpu *c, const struct uop *u) { return name##_impl(c, u, true); } \
    static const struct uop *name##_sys(struct cpu *c, const struct uop *u) { return name##_impl(c, u, false); }

PAIR(op_pac, {
    c->x[u->d] = do_add(c, u, user, u->e, c->x[u->a], c->x[u->b]);
    return u + 1;
})

PAIR(op_aut, {
    c->x[u->d] = do_auth(c, u, user, u->e, c->x[u->a], c->x[u->b]);
    return u + 1;
})

PAIR(op_xpaci, {
    c->x[u->d] = do_strip(c, u, user, false, c->x[u->a]);
    return u + 1;
})

PAIR(op_xpacd, {
    c->x[u->d] = do_strip(c, u, user, true, c->x[u->a]);
    return u + 1;
})

PAIR(op_pacga, {
    if (!user)
        check_trap(c, u);
    c->x[u->d] = pauth_compute(c->x[u->a], c->x[u->b], c->sr.apkey[KEY_GA][1], c->sr.apkey[KEY_GA][0]) &
                 0xffffffff00000000ull;
    return u + 1;
})

/* BRAA, BLRAA, RETAA and the Z forms: authenticate, then branch. */
PAIR(op_bra, {
    uint64_t target = do_auth(c, u, user, u->e, c->x[u->a], c->x[u->b]);
    if (u->f & F_LINK)
        c->x[30] = uop_pc(c, u) + 4;
    return chain_to(c, target, -1);
})

PAIR(op_ldra, {
    if (u->f & F_SPBASE && unlikely(c->x[REG_SP] & 15))
        cpu_raise(c, uop_pc(c, u), EC_SP_ALIGN, 0, c->x[REG_SP]);
    uint64_t va = do_auth(c, u, user, u->e, c->x[u->a], 0) + u->imm;
    uint64_t v = ld64(c, u, va);
    if (u->f & F_WBACK)
        c->x[u->a] = va;
    c->x[u->d] = v;
    return u + 1;
})

/* ERETAA/ERETAB: ELR authenticated with SP as the modifier, at the current
 * EL, before the return changes EL and SP. */
static const struct uop *op_ereta(struct cpu *c, const struct uop *u)
{
    uint64_t elr = c->el == 2 ? c->sr.elr_el2 : c->sr.elr_el1;
    uint64_t target = do_auth(c, u, false, u->e, elr, c->x[REG_SP]);
    sys_eret(c);
    c->pc = target;
    return NULL;    /* translation context changed */
}

/* ---- translation ---------------------------------------------------------- */

static bool has_pauth(const struct xlat *x)
{
    uint64_t i1 = x->cpu->model->id_aa64isar1;
    return (i1 >> 4 & 0xf) || (i1 >> 8 & 0xf);         /* APA, API */
}

static bool has_pacg(const struct xlat *x)
{
    uint64_t i1 = x->cpu->model->id_aa64isar1;
    return (i1 >> 24 & 0xf) || (i1 >> 28 & 0xf);        /* GPA, GPI */
}

static bool is_user(const struct xlat *x) { return x->ctx & CTX_USER; }

static struct uop *emit2(struct xlat *x, uop_fn user_fn, uop_fn sys_fn)
{
    return emit(x, is_user(x) ? user_fn : sys_fn);
}

static void emit_pac(struct xlat *x, bool aut, unsigned key, uint8_t src, uint8_t dst, uint8_t mod)
{
    struct uop *u = aut ? emit2(x, op_aut_user, op_aut_sys) : emit2(x, op_pac_user, op_pac_sys);
    u->a = src;
    u->d = dst;
    u->b = mod;
    u->e = (uint8_t)key;
}

bool trans_PAC_AUT(struct xlat *x, const arg_PAC_AUT *a)
{
    if (!has_pauth(x) || (a->z && a->rn != 31))
        return false;
    emit_pac(x, a->aut, a->d << 1 | a->b, rx(a->rd), wx(a->rd), a->z ? REG_ZR : rsp(a->rn));
    return true;
}

bool trans_XPAC(struct xlat *x, const arg_XPAC *a)
{
    if (!has_pauth(x))
        return false;
    struct uop *u = a->d ? emit2(x, op_xpacd_user, op_xpacd_sys) : emit2(x, op_xpaci_user, op_xpaci_sys);
    u->a = rx(a->rd);
    u->d = wx(a->rd);
    return true;
}

bool trans_PACGA(struct xlat *x, const arg_PACGA *a)
{
    if (!has_pacg(x))
        return false;
    struct uop *u = emit2(x, op_pacga_user, op_pacga_sys);
    u->a = rx(a->rn);
    u->b = rsp(a->rm);
    u->d = wx(a->rd);
    return true;
}

bool trans_BRA(struct xlat *x, const arg_BRA *a)
{
    if (!has_pauth(x))
        return false;
    unsigned key = a->m ? KEY_IB : KEY_IA;
    uint8_t ptr, mod;
    if (a->z) {                         /* BRAA, BLRAA: modifier Xm|SP */
        if (a->op > 1)
            return false;
        ptr = rx(a->rn);
        mod = rsp(a->rm);
    } else {
        if (a->rm != 31)
            return false;
        switch (a->op) {
        case 0: case 1:                 /* BRAAZ, BLRAAZ */
            ptr = rx(a->rn);
            mod = REG_ZR;
            break;
        case 2:                         /* RETAA */
            if (a->rn != 31)
                return false;
            ptr = 30;
            mod = REG_SP;
            break;
        case 4: {                       /* ERETAA */
            if (a->rn != 31 || is_user(x) || (x->ctx & CTX_EL_MASK) == 0)
                return false;
            if (x->ctx & CTX_NV)
                return nv_trans_eret(x, 2 | (key == KEY_IB));  /* ERETAA/ERETAB trap to EL2 */
            emit(x, op_ereta)->e = (uint8_t)key;
            x->end = true;
            return true;
        }
        default:
            return false;
        }
    }
    struct uop *u = emit2(x, op_bra_user, op_bra_sys);
    u->a = ptr;
    u->b = mod;
    u->e = (uint8_t)key;
    u->f = a->op == 1 ? F_LINK : 0;
    x->end = true;
    return true;
}

bool trans_LDRA(struct xlat *x, const arg_LDRA *a)
{
    if (!has_pauth(x))
        return false;
    /* Writeback with Rt == Rn (not SP) is CONSTRAINED UNPREDICTABLE: we
     * write back, then load into Rt (the loaded value wins). */
    struct uop *u = emit2(x, op_ldra_user, op_ldra_sys);
    int64_t off = (int64_t)(((uint64_t)a->s << 9 | a->imm9) << 54) >> 51;   /* S:imm9 << 3, signed */
    u->a = rsp(a->rn);
    u->d = wx(a->rt);
    u->e = a->m ? KEY_DB : KEY_DA;
    u->f = (uint8_t)((a->w ? F_WBACK : 0) | (a->rn == 31 ? F_SPBASE : 0));
    u->imm = (uint64_t)off;
    return true;
}

/* Hint-space instructions (HINT #op, CRm:op2): PACIA1716 ... XPACLRI.  On a
 * model without PAuth they stay NOPs (the caller's default). */
bool pauth_trans_hint(struct xlat *x, unsigned op);
bool pauth_trans_hint(struct xlat *x, unsigned op)
{
    if (!has_pauth(x))
        return false;
    if (op == 7) {                      /* XPACLRI */
        struct uop *u = emit2(x, op_xpaci_user, op_xpaci_sys);
        u->a = u->d = 30;
        return true;
    }
    if (op == 8 || op == 10 || op == 12 || op == 14) {  /* PACIA1716 PACIB1716 AUTIA1716 AUTIB1716 */
        emit_pac(x, op >= 12, (op >> 1) & 1, 17, 17, 16);
        return true;
    }
    if (op >= 24 && op <= 31) {         /* PACIAZ PACIASP PACIBZ PACIBSP AUTIAZ AUTIASP AUTIBZ AUTIBSP */
        emit_pac(x, op >= 28, (op >> 1) & 1, 30, 30, (op & 1) ? REG_SP : REG_ZR);
        return true;
    }
    return false;
}
