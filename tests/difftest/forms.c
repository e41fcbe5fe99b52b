/* Generator tables for the differential tester: one entry per instruction
 * form, written as a decodegen-like bit pattern (MSB first; 0/1 fixed bits,
 * x random bits, name:W random fields) plus the reserved combinations to
 * avoid ("bad": ';'-separated conjunctions of field=value, value decimal or
 * bBITS with x wildcards) and an optional validity function.
 *
 * Only features the CPU model advertises are listed (no FP16, SM3/SM4,
 * BF16, I8MM, RCpc2, LOR, PAuth, MTE, SVE): encodings of those must stay
 * UNDEFINED on our CPU while Unicorn's "max" CPU executes them.
 *
 * Register fields named rd/rn/rm/ra/rt/rt2/rs are filled by the driver
 * (memory forms get base/index registers that point into the data region).
 */
#include "difftest.h"

/* ---- validity helpers ---------------------------------------------------- */

static bool ok_logimm(uint32_t i)
{
    unsigned sf = bits(i, 31, 31), n = bits(i, 22, 22), imms = bits(i, 15, 10);
    if (!sf && n)
        return false;
    unsigned v = (n << 6) | (~imms & 0x3f);
    if (!v)
        return false;
    int len = 31 - __builtin_clz(v);
    if (len < 1)
        return false;
    unsigned levels = (1u << len) - 1;
    return (imms & levels) != levels;
}

static bool ok_bitfield(uint32_t i)
{
    unsigned sf = bits(i, 31, 31), n = bits(i, 22, 22);
    if (sf != n)
        return false;
    return sf || (bits(i, 21, 16) < 32 && bits(i, 15, 10) < 32);
}

static bool ok_extr(uint32_t i)
{
    unsigned sf = bits(i, 31, 31), n = bits(i, 22, 22);
    return sf == n && (sf || bits(i, 15, 10) < 32);
}

/* LD1-4/ST1-4 multiple structures: opcode bits 15:12. */
static bool ok_vmult(uint32_t i)
{
    unsigned op = bits(i, 15, 12), q = bits(i, 30, 30), size = bits(i, 11, 10);
    switch (op) {
    case 0x0: case 0x4: case 0x8: return !(size == 3 && q == 0);
    case 0x2: case 0x6: case 0x7: case 0xa: return true;
    default: return false;
    }
}

/* LD1-4/ST1-4 single structure and LDnR: opcode bits 15:13, S bit 12. */
static bool ok_vsingle(uint32_t i)
{
    unsigned op = bits(i, 15, 14), s = bits(i, 12, 12), size = bits(i, 11, 10), l = bits(i, 22, 22);
    switch (op) {
    case 0: return true;
    case 1: return !(size & 1);
    case 2: return size == 0 || (size == 1 && s == 0);
    default: return l && !s;
    }
}

/* ---- the table ----------------------------------------------------------- */

#define E(n, c, p, b) { .name = n, .cls = c, .pat = p, .bad = b }
#define EK(n, c, p, b, k) { .name = n, .cls = c, .pat = p, .bad = b, .ok = k }
#define EM(n, c, p, b, m, f) { .name = n, .cls = c, .pat = p, .bad = b, .mem = m, .flags = f }
#define EF(n, p, r, sh, mn) { .name = n, .cls = C_UNADV, .pat = p, .bad = "", .feat_reg = r, .feat_shift = sh, .feat_min = mn }
#define EMK(n, c, p, b, m, f, k) { .name = n, .cls = c, .pat = p, .bad = b, .mem = m, .flags = f, .ok = k }

/* AdvSIMD size constraints */
#define SZ_ALL "size=3 q=0"      /* 8B..2D, no 1D */
#define SZ_NO64 "size=3"         /* 8B..4S */
#define SZ_HS "size=0; size=3"   /* 4H..4S */
#define SZ_D "size=b0x; size=2" /* scalar: D only */
#define FPT "ftype=2; ftype=3"   /* scalar FP: S and D only (no FEAT_FP16) */
#define VFP "sz=1 q=0"           /* vector FP: 2S, 4S, 2D */

#define DPI(n, c) (C_DP | (c))
#define SIMD3(n, u, op, b) E(n, C_SIMD, "0 q:1 " u " 01110 size:2 1 rm:5 " op " 1 rn:5 rd:5", b)
#define SIMD3D(n, u, op, b) E(n, C_SIMD, "0 q:1 " u " 01110 size:2 1 rm:5 " op " 00 rn:5 rd:5", b)
#define SIMD2(n, u, op, b) E(n, C_SIMD, "0 q:1 " u " 01110 size:2 10000 " op " 10 rn:5 rd:5", b)
#define SSC3(n, u, op, b) E(n, C_SIMD, "01 " u " 11110 size:2 1 rm:5 " op " 1 rn:5 rd:5", b)
#define SSC2(n, u, op, b) E(n, C_SIMD, "01 " u " 11110 size:2 10000 " op " 10 rn:5 rd:5", b)
#define SHI(n, u, op, b) E(n, C_SIMD, "0 q:1 " u " 011110 immh:4 immb:3 " op " 1 rn:5 rd:5", b)
#define SSHI(n, u, op, b) E(n, C_SIMD, "01 " u " 111110 immh:4 immb:3 " op " 1 rn:5 rd:5", b)
#define SIDX(n, u, op, b) E(n, C_SIMD, "0 q:1 " u " 01111 size:2 l:1 m:1 rm:4 " op " h:1 0 rn:5 rd:5", b)
#define SSIDX(n, u, op, b) E(n, C_SIMD, "01 " u " 11111 size:2 l:1 m:1 rm:4 " op " h:1 0 rn:5 rd:5", b)
#define FP3(n, u, a, op) E(n, C_SIMDFP, "0 q:1 " u " 01110 " a " sz:1 1 rm:5 " op " 1 rn:5 rd:5", VFP)
#define FP2(n, u, a, op) E(n, C_SIMDFP, "0 q:1 " u " 01110 " a " sz:1 10000 " op " 10 rn:5 rd:5", VFP)
#define SFP3(n, u, a, op) E(n, C_SIMDFP, "01 " u " 11110 " a " sz:1 1 rm:5 " op " 1 rn:5 rd:5", "")
#define SFP2(n, u, a, op) E(n, C_SIMDFP, "01 " u " 11110 " a " sz:1 10000 " op " 10 rn:5 rd:5", "")
#define FPDP2(n, op) E(n, C_FP, "0 0 0 11110 ftype:2 1 rm:5 " op " 10 rn:5 rd:5", FPT)
#define FPDP1(n, op) E(n, C_FP, "0 0 0 11110 ftype:2 1 " op " 10000 rn:5 rd:5", FPT)

struct form forms[] = {
    /* ---- integer data processing (immediate) ---- */
    E("ADD_imm", C_DP | C_FLAGS, "sf:1 0 s:1 100010 sh:1 imm:12 rn:5 rd:5", ""),
    E("SUB_imm", C_DP | C_FLAGS, "sf:1 1 s:1 100010 sh:1 imm:12 rn:5 rd:5", ""),
    EK("AND_imm", C_DP, "sf:1 00 100100 n:1 immr:6 imms:6 rn:5 rd:5", "", ok_logimm),
    EK("ORR_imm", C_DP, "sf:1 01 100100 n:1 immr:6 imms:6 rn:5 rd:5", "", ok_logimm),
    EK("EOR_imm", C_DP, "sf:1 10 100100 n:1 immr:6 imms:6 rn:5 rd:5", "", ok_logimm),
    EK("ANDS_imm", C_DP | C_FLAGS, "sf:1 11 100100 n:1 immr:6 imms:6 rn:5 rd:5", "", ok_logimm),
    E("MOVN", C_DP, "sf:1 00 100101 hw:2 imm:16 rd:5", "sf=0 hw=b1x"),
    E("MOVZ", C_DP, "sf:1 10 100101 hw:2 imm:16 rd:5", "sf=0 hw=b1x"),
    E("MOVK", C_DP, "sf:1 11 100101 hw:2 imm:16 rd:5", "sf=0 hw=b1x"),
    EK("SBFM", C_DP, "sf:1 00 100110 n:1 immr:6 imms:6 rn:5 rd:5", "", ok_bitfield),
    EK("BFM", C_DP, "sf:1 01 100110 n:1 immr:6 imms:6 rn:5 rd:5", "", ok_bitfield),
    EK("UBFM", C_DP, "sf:1 10 100110 n:1 immr:6 imms:6 rn:5 rd:5", "", ok_bitfield),
    EK("EXTR", C_DP, "sf:1 00 100111 n:1 0 rm:5 imms:6 rn:5 rd:5", "", ok_extr),
    E("ADR", C_DP, "0 immlo:2 10000 immhi:19 rd:5", ""),
    E("ADRP", C_DP, "1 immlo:2 10000 immhi:19 rd:5", ""),
    /* ---- integer data processing (register) ---- */
    E("ADD_shreg", C_DP | C_FLAGS, "sf:1 0 s:1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5", "shift=3; sf=0 imm6=b1xxxxx"),
    E("SUB_shreg", C_DP | C_FLAGS, "sf:1 1 s:1 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5", "shift=3; sf=0 imm6=b1xxxxx"),
    E("ADD_extreg", C_DP | C_FLAGS, "sf:1 0 s:1 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5", "imm3=b101; imm3=b11x"),
    E("SUB_extreg", C_DP | C_FLAGS, "sf:1 1 s:1 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5", "imm3=b101; imm3=b11x"),
    E("ADC", C_DP | C_FLAGS, "sf:1 0 s:1 11010000 rm:5 000000 rn:5 rd:5", ""),
    E("SBC", C_DP | C_FLAGS, "sf:1 1 s:1 11010000 rm:5 000000 rn:5 rd:5", ""),
    E("AND_shreg", C_DP, "sf:1 00 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5", "sf=0 imm6=b1xxxxx"),
    E("BIC_shreg", C_DP, "sf:1 00 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5", "sf=0 imm6=b1xxxxx"),
    E("ORR_shreg", C_DP, "sf:1 01 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5", "sf=0 imm6=b1xxxxx"),
    E("ORN_shreg", C_DP, "sf:1 01 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5", "sf=0 imm6=b1xxxxx"),
    E("EOR_shreg", C_DP, "sf:1 10 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5", "sf=0 imm6=b1xxxxx"),
    E("EON_shreg", C_DP, "sf:1 10 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5", "sf=0 imm6=b1xxxxx"),
    E("ANDS_shreg", C_DP | C_FLAGS, "sf:1 11 01010 shift:2 0 rm:5 imm6:6 rn:5 rd:5", "sf=0 imm6=b1xxxxx"),
    E("BICS_shreg", C_DP | C_FLAGS, "sf:1 11 01010 shift:2 1 rm:5 imm6:6 rn:5 rd:5", "sf=0 imm6=b1xxxxx"),
    E("UDIV", C_DP, "sf:1 0 0 11010110 rm:5 000010 rn:5 rd:5", ""),
    E("SDIV", C_DP, "sf:1 0 0 11010110 rm:5 000011 rn:5 rd:5", ""),
    E("LSLV", C_DP, "sf:1 0 0 11010110 rm:5 001000 rn:5 rd:5", ""),
    E("LSRV", C_DP, "sf:1 0 0 11010110 rm:5 001001 rn:5 rd:5", ""),
    E("ASRV", C_DP, "sf:1 0 0 11010110 rm:5 001010 rn:5 rd:5", ""),
    E("RORV", C_DP, "sf:1 0 0 11010110 rm:5 001011 rn:5 rd:5", ""),
    E("CRC32", C_DP, "sf:1 0 0 11010110 rm:5 010 0 sz:2 rn:5 rd:5", "sf=0 sz=3; sf=1 sz=b0x; sf=1 sz=2"),
    E("CRC32C", C_DP, "sf:1 0 0 11010110 rm:5 010 1 sz:2 rn:5 rd:5", "sf=0 sz=3; sf=1 sz=b0x; sf=1 sz=2"),
    E("RBIT", C_DP, "sf:1 1 0 11010110 00000 000000 rn:5 rd:5", ""),
    E("REV16", C_DP, "sf:1 1 0 11010110 00000 000001 rn:5 rd:5", ""),
    E("REV_W", C_DP, "0 1 0 11010110 00000 000010 rn:5 rd:5", ""),
    E("REV32_X", C_DP, "1 1 0 11010110 00000 000010 rn:5 rd:5", ""),
    E("REV_X", C_DP, "1 1 0 11010110 00000 000011 rn:5 rd:5", ""),
    E("CLZ", C_DP, "sf:1 1 0 11010110 00000 000100 rn:5 rd:5", ""),
    E("CLS", C_DP, "sf:1 1 0 11010110 00000 000101 rn:5 rd:5", ""),
    E("MADD", C_DP, "sf:1 00 11011 000 rm:5 0 ra:5 rn:5 rd:5", ""),
    E("MSUB", C_DP, "sf:1 00 11011 000 rm:5 1 ra:5 rn:5 rd:5", ""),
    E("SMADDL", C_DP, "1 00 11011 001 rm:5 0 ra:5 rn:5 rd:5", ""),
    E("SMSUBL", C_DP, "1 00 11011 001 rm:5 1 ra:5 rn:5 rd:5", ""),
    E("SMULH", C_DP, "1 00 11011 010 rm:5 0 11111 rn:5 rd:5", ""),
    E("UMADDL", C_DP, "1 00 11011 101 rm:5 0 ra:5 rn:5 rd:5", ""),
    E("UMSUBL", C_DP, "1 00 11011 101 rm:5 1 ra:5 rn:5 rd:5", ""),
    E("UMULH", C_DP, "1 00 11011 110 rm:5 0 11111 rn:5 rd:5", ""),
    E("CSEL", C_DP | C_FLAGS, "sf:1 0 0 11010100 rm:5 cond:4 0 0 rn:5 rd:5", ""),
    E("CSINC", C_DP | C_FLAGS, "sf:1 0 0 11010100 rm:5 cond:4 0 1 rn:5 rd:5", ""),
    E("CSINV", C_DP | C_FLAGS, "sf:1 1 0 11010100 rm:5 cond:4 0 0 rn:5 rd:5", ""),
    E("CSNEG", C_DP | C_FLAGS, "sf:1 1 0 11010100 rm:5 cond:4 0 1 rn:5 rd:5", ""),
    /* ---- flags ---- */
    E("CCMN_reg", C_FLAGS, "sf:1 0 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4", ""),
    E("CCMP_reg", C_FLAGS, "sf:1 1 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4", ""),
    E("CCMN_imm", C_FLAGS, "sf:1 0 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4", ""),
    E("CCMP_imm", C_FLAGS, "sf:1 1 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4", ""),
    E("RMIF", C_FLAGS, "1 0 1 11010000 imm6:6 00001 rn:5 0 mask:4", ""),
    E("SETF8", C_FLAGS, "0 0 1 11010000 000000 0 0010 rn:5 0 1101", ""),
    E("SETF16", C_FLAGS, "0 0 1 11010000 000000 1 0010 rn:5 0 1101", ""),
    E("CFINV", C_FLAGS, "11010101 00000000 0100 0000 000 11111", ""),
    E("XAFLAG", C_FLAGS, "11010101 00000000 0100 0000 001 11111", ""),
    E("AXFLAG", C_FLAGS, "11010101 00000000 0100 0000 010 11111", ""),
    E("MRS_NZCV", C_FLAGS, "1101010100 1 1 1 011 0100 0010 000 rt:5", ""),
    E("MSR_NZCV", C_FLAGS, "1101010100 0 1 1 011 0100 0010 000 rt:5", ""),

    /* ---- loads and stores (general registers) ---- */
    EM("STR_uimm", C_LDST, "size:2 111 0 01 00 imm12:12 rn:5 rt:5", "", M_UIMM, 0),
    EM("LDR_uimm", C_LDST, "size:2 111 0 01 01 imm12:12 rn:5 rt:5", "", M_UIMM, 0),
    EM("LDRS_uimm", C_LDST, "size:2 111 0 01 1 opc0:1 imm12:12 rn:5 rt:5", "size=3; size=2 opc0=1", M_UIMM, 0),
    EM("PRFM_uimm", C_LDST, "11 111 0 01 10 imm12:12 rn:5 rt:5", "", M_UIMM, 0),
    EM("STUR", C_LDST, "size:2 111 0 00 00 0 imm9:9 00 rn:5 rt:5", "", M_SIMM9, 0),
    EM("LDUR", C_LDST, "size:2 111 0 00 01 0 imm9:9 00 rn:5 rt:5", "", M_SIMM9, 0),
    EM("LDURS", C_LDST, "size:2 111 0 00 1 opc0:1 0 imm9:9 00 rn:5 rt:5", "size=3; size=2 opc0=1", M_SIMM9, 0),
    EM("PRFUM", C_LDST, "11 111 0 00 10 0 imm9:9 00 rn:5 rt:5", "", M_SIMM9, 0),
    EM("STR_post", C_LDST, "size:2 111 0 00 00 0 imm9:9 01 rn:5 rt:5", "", M_SIMM9, 0),
    EM("LDR_post", C_LDST, "size:2 111 0 00 01 0 imm9:9 01 rn:5 rt:5", "", M_SIMM9, 0),
    EM("LDRS_post", C_LDST, "size:2 111 0 00 1 opc0:1 0 imm9:9 01 rn:5 rt:5", "size=3; size=2 opc0=1", M_SIMM9, 0),
    EM("STR_pre", C_LDST, "size:2 111 0 00 00 0 imm9:9 11 rn:5 rt:5", "", M_SIMM9, 0),
    EM("LDR_pre", C_LDST, "size:2 111 0 00 01 0 imm9:9 11 rn:5 rt:5", "", M_SIMM9, 0),
    EM("LDRS_pre", C_LDST, "size:2 111 0 00 1 opc0:1 0 imm9:9 11 rn:5 rt:5", "size=3; size=2 opc0=1", M_SIMM9, 0),
    EM("STTR", C_LDST, "size:2 111 0 00 00 0 imm9:9 10 rn:5 rt:5", "", M_SIMM9, 0),
    EM("LDTR", C_LDST, "size:2 111 0 00 01 0 imm9:9 10 rn:5 rt:5", "", M_SIMM9, 0),
    EM("LDTRS", C_LDST, "size:2 111 0 00 1 opc0:1 0 imm9:9 10 rn:5 rt:5", "size=3; size=2 opc0=1", M_SIMM9, 0),
    EM("STR_reg", C_LDST, "size:2 111 0 00 00 1 rm:5 option:3 s:1 10 rn:5 rt:5", "option=bx0x", M_REG, 0),
    EM("LDR_reg", C_LDST, "size:2 111 0 00 01 1 rm:5 option:3 s:1 10 rn:5 rt:5", "option=bx0x", M_REG, 0),
    EM("LDRS_reg", C_LDST, "size:2 111 0 00 1 opc0:1 1 rm:5 option:3 s:1 10 rn:5 rt:5", "option=bx0x; size=3; size=2 opc0=1", M_REG, 0),
    EM("PRFM_reg", C_LDST, "11 111 0 00 10 1 rm:5 option:3 s:1 10 rn:5 rt:5", "option=bx0x", M_REG, 0),
    EM("STP", C_LDST, "opc:2 101 0 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5", "opc=bx1", M_PAIR, 0),
    EM("LDP", C_LDST, "opc:2 101 0 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5", "opc=3; opc=1 idx=0", M_PAIR, 0),
    EM("LDR_lit", C_LDST, "opc:2 011 0 00 imm19:19 rt:5", "", M_LIT, 0),
    /* SIMD&FP registers */
    EM("STR_V_uimm", C_LDST, "size:2 111 1 01 o1:1 0 imm12:12 rn:5 rt:5", "o1=1 size=1; o1=1 size=b1x", M_UIMM, FL_VT),
    EM("LDR_V_uimm", C_LDST, "size:2 111 1 01 o1:1 1 imm12:12 rn:5 rt:5", "o1=1 size=1; o1=1 size=b1x", M_UIMM, FL_VT),
    EM("STUR_V", C_LDST, "size:2 111 1 00 o1:1 0 0 imm9:9 00 rn:5 rt:5", "o1=1 size=1; o1=1 size=b1x", M_SIMM9, FL_VT),
    EM("LDUR_V", C_LDST, "size:2 111 1 00 o1:1 1 0 imm9:9 00 rn:5 rt:5", "o1=1 size=1; o1=1 size=b1x", M_SIMM9, FL_VT),
    EM("STR_V_post", C_LDST, "size:2 111 1 00 o1:1 0 0 imm9:9 01 rn:5 rt:5", "o1=1 size=1; o1=1 size=b1x", M_SIMM9, FL_VT),
    EM("LDR_V_post", C_LDST, "size:2 111 1 00 o1:1 1 0 imm9:9 01 rn:5 rt:5", "o1=1 size=1; o1=1 size=b1x", M_SIMM9, FL_VT),
    EM("STR_V_pre", C_LDST, "size:2 111 1 00 o1:1 0 0 imm9:9 11 rn:5 rt:5", "o1=1 size=1; o1=1 size=b1x", M_SIMM9, FL_VT),
    EM("LDR_V_pre", C_LDST, "size:2 111 1 00 o1:1 1 0 imm9:9 11 rn:5 rt:5", "o1=1 size=1; o1=1 size=b1x", M_SIMM9, FL_VT),
    EM("STR_V_reg", C_LDST, "size:2 111 1 00 o1:1 0 1 rm:5 option:3 s:1 10 rn:5 rt:5", "option=bx0x; o1=1 size=1; o1=1 size=b1x", M_REG, FL_VT),
    EM("LDR_V_reg", C_LDST, "size:2 111 1 00 o1:1 1 1 rm:5 option:3 s:1 10 rn:5 rt:5", "option=bx0x; o1=1 size=1; o1=1 size=b1x", M_REG, FL_VT),
    EM("STP_V", C_LDST, "opc:2 101 1 0 idx:2 0 imm7:7 rt2:5 rn:5 rt:5", "opc=3", M_PAIR, FL_VT),
    EM("LDP_V", C_LDST, "opc:2 101 1 0 idx:2 1 imm7:7 rt2:5 rn:5 rt:5", "opc=3", M_PAIR, FL_VT),
    EM("LDR_V_lit", C_LDST, "opc:2 011 1 00 imm19:19 rt:5", "opc=3", M_LIT, FL_VT),
    EMK("ST_mult", C_LDST, "0 q:1 0011000 0 000000 opcode:4 size:2 rn:5 rt:5", "", M_VMULT, FL_VT, ok_vmult),
    EMK("LD_mult", C_LDST, "0 q:1 0011000 1 000000 opcode:4 size:2 rn:5 rt:5", "", M_VMULT, FL_VT, ok_vmult),
    EMK("ST_mult_post", C_LDST, "0 q:1 0011001 0 0 rm:5 opcode:4 size:2 rn:5 rt:5", "", M_VMULT, FL_VT, ok_vmult),
    EMK("LD_mult_post", C_LDST, "0 q:1 0011001 1 0 rm:5 opcode:4 size:2 rn:5 rt:5", "", M_VMULT, FL_VT, ok_vmult),
    EMK("ST_single", C_LDST, "0 q:1 0011010 0 r:1 00000 opcode:3 s:1 size:2 rn:5 rt:5", "opcode=b11x", M_VSINGLE, FL_VT, ok_vsingle),
    EMK("LD_single", C_LDST, "0 q:1 0011010 1 r:1 00000 opcode:3 s:1 size:2 rn:5 rt:5", "", M_VSINGLE, FL_VT, ok_vsingle),
    EMK("ST_single_post", C_LDST, "0 q:1 0011011 0 r:1 rm:5 opcode:3 s:1 size:2 rn:5 rt:5", "opcode=b11x", M_VSINGLE, FL_VT, ok_vsingle),
    EMK("LD_single_post", C_LDST, "0 q:1 0011011 1 r:1 rm:5 opcode:3 s:1 size:2 rn:5 rt:5", "", M_VSINGLE, FL_VT, ok_vsingle),

    /* ---- exclusives, acquire/release, atomics ---- */
    EM("LDXR", C_EXCL, "size:2 001000 0 1 0 11111 o0:1 11111 rn:5 rt:5", "", M_BASE, FL_LDX),
    EM("STXR", C_EXCL, "size:2 001000 0 0 0 rs:5 o0:1 11111 rn:5 rt:5", "", M_BASE, FL_NOGEN),
    EM("LDXP", C_EXCL, "1 sz:1 001000 0 1 1 11111 o0:1 rt2:5 rn:5 rt:5", "", M_BASE, FL_LDX | FL_PAIRREG),
    EM("STXP", C_EXCL, "1 sz:1 001000 0 0 1 rs:5 o0:1 rt2:5 rn:5 rt:5", "", M_BASE, FL_NOGEN | FL_PAIRREG),
    EM("LDAR", C_EXCL, "size:2 001000 1 1 0 11111 1 11111 rn:5 rt:5", "", M_BASE, 0),
    EM("STLR", C_EXCL, "size:2 001000 1 0 0 11111 1 11111 rn:5 rt:5", "", M_BASE, 0),
    EM("LDAPR", C_EXCL, "size:2 111000 1 0 1 11111 1 100 00 rn:5 rt:5", "", M_BASE, 0),
    EM("CAS", C_EXCL, "size:2 001000 1 l:1 1 rs:5 o0:1 11111 rn:5 rt:5", "", M_BASE, FL_CAS),
    EM("CASP", C_EXCL, "0 sz:1 001000 0 l:1 1 rs:5 o0:1 11111 rn:5 rt:5", "", M_BASE, FL_CASP),
    EM("SWP", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 1 000 00 rn:5 rt:5", "", M_BASE, 0),
    EM("LDADD", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 0 000 00 rn:5 rt:5", "", M_BASE, 0),
    EM("LDCLR", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 0 001 00 rn:5 rt:5", "", M_BASE, 0),
    EM("LDEOR", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 0 010 00 rn:5 rt:5", "", M_BASE, 0),
    EM("LDSET", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 0 011 00 rn:5 rt:5", "", M_BASE, 0),
    EM("LDSMAX", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 0 100 00 rn:5 rt:5", "", M_BASE, 0),
    EM("LDSMIN", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 0 101 00 rn:5 rt:5", "", M_BASE, 0),
    EM("LDUMAX", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 0 110 00 rn:5 rt:5", "", M_BASE, 0),
    EM("LDUMIN", C_EXCL, "size:2 111000 a:1 r:1 1 rs:5 0 111 00 rn:5 rt:5", "", M_BASE, 0),
    E("CLREX", C_EXCL, "11010101 00000011 0011 crm:4 010 11111", ""),
    E("DMB", C_EXCL, "11010101 00000011 0011 crm:4 101 11111", ""),

    /* ---- scalar floating point ---- */
    FPDP2("FMUL", "0000"), FPDP2("FDIV", "0001"), FPDP2("FADD", "0010"), FPDP2("FSUB", "0011"),
    FPDP2("FMAX", "0100"), FPDP2("FMIN", "0101"), FPDP2("FMAXNM", "0110"), FPDP2("FMINNM", "0111"),
    FPDP2("FNMUL", "1000"),
    E("FMADD", C_FP, "0 0 0 11111 ftype:2 0 rm:5 0 ra:5 rn:5 rd:5", FPT),
    E("FMSUB", C_FP, "0 0 0 11111 ftype:2 0 rm:5 1 ra:5 rn:5 rd:5", FPT),
    E("FNMADD", C_FP, "0 0 0 11111 ftype:2 1 rm:5 0 ra:5 rn:5 rd:5", FPT),
    E("FNMSUB", C_FP, "0 0 0 11111 ftype:2 1 rm:5 1 ra:5 rn:5 rd:5", FPT),
    FPDP1("FMOV_reg", "000000"), FPDP1("FABS", "000001"), FPDP1("FNEG", "000010"), FPDP1("FSQRT", "000011"),
    FPDP1("FRINTN", "001000"), FPDP1("FRINTP", "001001"), FPDP1("FRINTM", "001010"), FPDP1("FRINTZ", "001011"),
    FPDP1("FRINTA", "001100"), FPDP1("FRINTX", "001110"), FPDP1("FRINTI", "001111"),
    FPDP1("FRINT32Z", "010000"), FPDP1("FRINT32X", "010001"), FPDP1("FRINT64Z", "010010"), FPDP1("FRINT64X", "010011"),
    E("FCVT", C_FP, "0 0 0 11110 ftype:2 1 0001 opc:2 10000 rn:5 rd:5", "ftype=2; opc=2; ftype=0 opc=0; ftype=1 opc=1; ftype=3 opc=3"),
    E("FCMP", C_FP, "0 0 0 11110 ftype:2 1 rm:5 00 1000 rn:5 e:1 0 000", FPT),
    E("FCMP_zero", C_FP, "0 0 0 11110 ftype:2 1 00000 00 1000 rn:5 e:1 1 000", FPT),
    E("FCCMP", C_FP, "0 0 0 11110 ftype:2 1 rm:5 cond:4 01 rn:5 e:1 nzcv:4", FPT),
    E("FCSEL", C_FP, "0 0 0 11110 ftype:2 1 rm:5 cond:4 11 rn:5 rd:5", FPT),
    E("FMOV_imm", C_FP, "0 0 0 11110 ftype:2 1 imm8:8 100 00000 rd:5", FPT),
    E("FCVT_int", C_FP, "sf:1 0 0 11110 ftype:2 1 rmode:2 00 u:1 000000 rn:5 rd:5", FPT),
    E("FCVTA_int", C_FP, "sf:1 0 0 11110 ftype:2 1 00 10 u:1 000000 rn:5 rd:5", FPT),
    E("CVTF_int", C_FP, "sf:1 0 0 11110 ftype:2 1 00 01 u:1 000000 rn:5 rd:5", FPT),
    E("FMOV_gen", C_FP, "sf:1 0 0 11110 ftype:2 1 00 11 d:1 000000 rn:5 rd:5", FPT "; sf=0 ftype=1; sf=1 ftype=0"),
    E("FMOV_top", C_FP, "1 0 0 11110 10 1 01 11 d:1 000000 rn:5 rd:5", ""),
    E("FJCVTZS", C_FP, "0 0 0 11110 01 1 11 110 000000 rn:5 rd:5", ""),
    E("CVTF_fix", C_FP, "sf:1 0 0 11110 ftype:2 0 00 01 u:1 scale:6 rn:5 rd:5", FPT "; sf=0 scale=b0xxxxx"),
    E("FCVTZ_fix", C_FP, "sf:1 0 0 11110 ftype:2 0 11 00 u:1 scale:6 rn:5 rd:5", FPT "; sf=0 scale=b0xxxxx"),
    E("MRS_FPCR", C_FP, "1101010100 1 1 1 011 0100 0100 000 rt:5", ""),
    E("MRS_FPSR", C_FP, "1101010100 1 1 1 011 0100 0100 001 rt:5", ""),
    E("MSR_FPSR", C_FP, "1101010100 0 1 1 011 0100 0100 001 rt:5", ""),

    /* ---- AdvSIMD integer: three same ---- */
    SIMD3("SHADD", "0", "00000", SZ_NO64), SIMD3("SQADD", "0", "00001", SZ_ALL), SIMD3("SRHADD", "0", "00010", SZ_NO64),
    SIMD3("SHSUB", "0", "00100", SZ_NO64), SIMD3("SQSUB", "0", "00101", SZ_ALL), SIMD3("CMGT", "0", "00110", SZ_ALL),
    SIMD3("CMGE", "0", "00111", SZ_ALL), SIMD3("SSHL", "0", "01000", SZ_ALL), SIMD3("SQSHL", "0", "01001", SZ_ALL),
    SIMD3("SRSHL", "0", "01010", SZ_ALL), SIMD3("SQRSHL", "0", "01011", SZ_ALL), SIMD3("SMAX", "0", "01100", SZ_NO64),
    SIMD3("SMIN", "0", "01101", SZ_NO64), SIMD3("SABD", "0", "01110", SZ_NO64), SIMD3("SABA", "0", "01111", SZ_NO64),
    SIMD3("ADD", "0", "10000", SZ_ALL), SIMD3("CMTST", "0", "10001", SZ_ALL), SIMD3("MLA", "0", "10010", SZ_NO64),
    SIMD3("MUL", "0", "10011", SZ_NO64), SIMD3("SMAXP", "0", "10100", SZ_NO64), SIMD3("SMINP", "0", "10101", SZ_NO64),
    SIMD3("SQDMULH", "0", "10110", SZ_HS), SIMD3("ADDP", "0", "10111", SZ_ALL),
    SIMD3("UHADD", "1", "00000", SZ_NO64), SIMD3("UQADD", "1", "00001", SZ_ALL), SIMD3("URHADD", "1", "00010", SZ_NO64),
    SIMD3("UHSUB", "1", "00100", SZ_NO64), SIMD3("UQSUB", "1", "00101", SZ_ALL), SIMD3("CMHI", "1", "00110", SZ_ALL),
    SIMD3("CMHS", "1", "00111", SZ_ALL), SIMD3("USHL", "1", "01000", SZ_ALL), SIMD3("UQSHL", "1", "01001", SZ_ALL),
    SIMD3("URSHL", "1", "01010", SZ_ALL), SIMD3("UQRSHL", "1", "01011", SZ_ALL), SIMD3("UMAX", "1", "01100", SZ_NO64),
    SIMD3("UMIN", "1", "01101", SZ_NO64), SIMD3("UABD", "1", "01110", SZ_NO64), SIMD3("UABA", "1", "01111", SZ_NO64),
    SIMD3("SUB", "1", "10000", SZ_ALL), SIMD3("CMEQ", "1", "10001", SZ_ALL), SIMD3("MLS", "1", "10010", SZ_NO64),
    SIMD3("PMUL", "1", "10011", "size=b1x; size=1"), SIMD3("UMAXP", "1", "10100", SZ_NO64), SIMD3("UMINP", "1", "10101", SZ_NO64),
    SIMD3("SQRDMULH", "1", "10110", SZ_HS),
    E("AND_BIC_ORR_ORN_v", C_SIMD, "0 q:1 0 01110 size:2 1 rm:5 00011 1 rn:5 rd:5", ""),
    E("EOR_BSL_BIT_BIF_v", C_SIMD, "0 q:1 1 01110 size:2 1 rm:5 00011 1 rn:5 rd:5", ""),
    E("SQRDMLAH_v", C_SIMD, "0 q:1 1 01110 size:2 0 rm:5 1000 0 1 rn:5 rd:5", SZ_HS),
    E("SQRDMLSH_v", C_SIMD, "0 q:1 1 01110 size:2 0 rm:5 1000 1 1 rn:5 rd:5", SZ_HS),
    E("SDOT_v", C_SIMD, "0 q:1 0 01110 10 0 rm:5 1001 0 1 rn:5 rd:5", ""),
    E("UDOT_v", C_SIMD, "0 q:1 1 01110 10 0 rm:5 1001 0 1 rn:5 rd:5", ""),
    /* three different */
    SIMD3D("SADDL", "0", "0000", SZ_NO64), SIMD3D("SADDW", "0", "0001", SZ_NO64), SIMD3D("SSUBL", "0", "0010", SZ_NO64),
    SIMD3D("SSUBW", "0", "0011", SZ_NO64), SIMD3D("ADDHN", "0", "0100", SZ_NO64), SIMD3D("SABAL", "0", "0101", SZ_NO64),
    SIMD3D("SUBHN", "0", "0110", SZ_NO64), SIMD3D("SABDL", "0", "0111", SZ_NO64), SIMD3D("SMLAL", "0", "1000", SZ_NO64),
    SIMD3D("SQDMLAL", "0", "1001", SZ_HS), SIMD3D("SMLSL", "0", "1010", SZ_NO64), SIMD3D("SQDMLSL", "0", "1011", SZ_HS),
    SIMD3D("SMULL", "0", "1100", SZ_NO64), SIMD3D("SQDMULL", "0", "1101", SZ_HS), SIMD3D("PMULL_8", "0", "1110", "size=1; size=2; size=3"),
    SIMD3D("UADDL", "1", "0000", SZ_NO64), SIMD3D("UADDW", "1", "0001", SZ_NO64), SIMD3D("USUBL", "1", "0010", SZ_NO64),
    SIMD3D("USUBW", "1", "0011", SZ_NO64), SIMD3D("RADDHN", "1", "0100", SZ_NO64), SIMD3D("UABAL", "1", "0101", SZ_NO64),
    SIMD3D("RSUBHN", "1", "0110", SZ_NO64), SIMD3D("UABDL", "1", "0111", SZ_NO64), SIMD3D("UMLAL", "1", "1000", SZ_NO64),
    SIMD3D("UMLSL", "1", "1010", SZ_NO64), SIMD3D("UMULL", "1", "1100", SZ_NO64),
    /* two-register misc */
    SIMD2("REV64", "0", "00000", SZ_NO64), SIMD2("REV16_v", "0", "00001", "size=1; size=b1x"),
    SIMD2("SADDLP", "0", "00010", SZ_NO64), SIMD2("SUQADD", "0", "00011", SZ_ALL), SIMD2("CLS_v", "0", "00100", SZ_NO64),
    SIMD2("CNT", "0", "00101", "size=1; size=b1x"), SIMD2("SADALP", "0", "00110", SZ_NO64), SIMD2("SQABS", "0", "00111", SZ_ALL),
    SIMD2("CMGT_zero", "0", "01000", SZ_ALL), SIMD2("CMEQ_zero", "0", "01001", SZ_ALL), SIMD2("CMLT_zero", "0", "01010", SZ_ALL),
    SIMD2("ABS", "0", "01011", SZ_ALL), SIMD2("XTN", "0", "10010", SZ_NO64), SIMD2("SQXTN", "0", "10100", SZ_NO64),
    SIMD2("REV32_v", "1", "00000", "size=b1x"), SIMD2("UADDLP", "1", "00010", SZ_NO64), SIMD2("USQADD", "1", "00011", SZ_ALL),
    SIMD2("CLZ_v", "1", "00100", SZ_NO64), SIMD2("NOT_RBIT", "1", "00101", "size=b1x"), SIMD2("UADALP", "1", "00110", SZ_NO64),
    SIMD2("SQNEG", "1", "00111", SZ_ALL), SIMD2("CMGE_zero", "1", "01000", SZ_ALL), SIMD2("CMLE_zero", "1", "01001", SZ_ALL),
    SIMD2("NEG", "1", "01011", SZ_ALL), SIMD2("SQXTUN", "1", "10010", SZ_NO64), SIMD2("SHLL", "1", "10011", SZ_NO64),
    SIMD2("UQXTN", "1", "10100", SZ_NO64),
    E("URECPE", C_SIMD, "0 q:1 0 01110 1 0 10000 11100 10 rn:5 rd:5", ""),
    E("URSQRTE", C_SIMD, "0 q:1 1 01110 1 0 10000 11100 10 rn:5 rd:5", ""),
    /* across lanes */
    E("SADDLV", C_SIMD, "0 q:1 0 01110 size:2 11000 00011 10 rn:5 rd:5", "size=3; size=2 q=0"),
    E("UADDLV", C_SIMD, "0 q:1 1 01110 size:2 11000 00011 10 rn:5 rd:5", "size=3; size=2 q=0"),
    E("SMAXV", C_SIMD, "0 q:1 0 01110 size:2 11000 01010 10 rn:5 rd:5", "size=3; size=2 q=0"),
    E("UMAXV", C_SIMD, "0 q:1 1 01110 size:2 11000 01010 10 rn:5 rd:5", "size=3; size=2 q=0"),
    E("SMINV", C_SIMD, "0 q:1 0 01110 size:2 11000 11010 10 rn:5 rd:5", "size=3; size=2 q=0"),
    E("UMINV", C_SIMD, "0 q:1 1 01110 size:2 11000 11010 10 rn:5 rd:5", "size=3; size=2 q=0"),
    E("ADDV", C_SIMD, "0 q:1 0 01110 size:2 11000 11011 10 rn:5 rd:5", "size=3; size=2 q=0"),
    /* copy */
    E("DUP_elem", C_SIMD, "0 q:1 0 01110000 imm5:5 0 0000 1 rn:5 rd:5", "imm5=bx0000; q=0 imm5=bx1000"),
    E("DUP_gen", C_SIMD, "0 q:1 0 01110000 imm5:5 0 0001 1 rn:5 rd:5", "imm5=bx0000; q=0 imm5=bx1000"),
    E("SMOV", C_SIMD, "0 q:1 0 01110000 imm5:5 0 0101 1 rn:5 rd:5", "imm5=bx0000; imm5=bx1000; q=0 imm5=bxx100"),
    E("UMOV", C_SIMD, "0 q:1 0 01110000 imm5:5 0 0111 1 rn:5 rd:5",
      "imm5=bx0000; q=0 imm5=bx1000; q=1 imm5=bxxxx1; q=1 imm5=bxxx10; q=1 imm5=bxx100"),
    E("INS_gen", C_SIMD, "0 1 0 01110000 imm5:5 0 0011 1 rn:5 rd:5", "imm5=bx0000"),
    E("INS_elem", C_SIMD, "0 1 1 01110000 imm5:5 0 imm4:4 1 rn:5 rd:5", "imm5=bx0000"),
    E("DUP_scalar", C_SIMD, "01 0 11110000 imm5:5 0 0000 1 rn:5 rd:5", "imm5=bx0000"),
    /* permute, extract, table lookup */
    E("UZP1", C_SIMD, "0 q:1 001110 size:2 0 rm:5 0 001 10 rn:5 rd:5", SZ_ALL),
    E("TRN1", C_SIMD, "0 q:1 001110 size:2 0 rm:5 0 010 10 rn:5 rd:5", SZ_ALL),
    E("ZIP1", C_SIMD, "0 q:1 001110 size:2 0 rm:5 0 011 10 rn:5 rd:5", SZ_ALL),
    E("UZP2", C_SIMD, "0 q:1 001110 size:2 0 rm:5 0 101 10 rn:5 rd:5", SZ_ALL),
    E("TRN2", C_SIMD, "0 q:1 001110 size:2 0 rm:5 0 110 10 rn:5 rd:5", SZ_ALL),
    E("ZIP2", C_SIMD, "0 q:1 001110 size:2 0 rm:5 0 111 10 rn:5 rd:5", SZ_ALL),
    E("EXT", C_SIMD, "0 q:1 101110 00 0 rm:5 0 imm4:4 0 rn:5 rd:5", "q=0 imm4=b1xxx"),
    E("TBL", C_SIMD, "0 q:1 001110 000 rm:5 0 len:2 0 00 rn:5 rd:5", ""),
    E("TBX", C_SIMD, "0 q:1 001110 000 rm:5 0 len:2 1 00 rn:5 rd:5", ""),
    /* shift by immediate */
    SHI("SSHR", "0", "00000", "immh=0; immh=b1xxx q=0"), SHI("SSRA", "0", "00010", "immh=0; immh=b1xxx q=0"),
    SHI("SRSHR", "0", "00100", "immh=0; immh=b1xxx q=0"), SHI("SRSRA", "0", "00110", "immh=0; immh=b1xxx q=0"),
    SHI("SHL", "0", "01010", "immh=0; immh=b1xxx q=0"), SHI("SQSHL_imm", "0", "01110", "immh=0; immh=b1xxx q=0"),
    SHI("SHRN", "0", "10000", "immh=0; immh=b1xxx"), SHI("RSHRN", "0", "10001", "immh=0; immh=b1xxx"),
    SHI("SQSHRN", "0", "10010", "immh=0; immh=b1xxx"), SHI("SQRSHRN", "0", "10011", "immh=0; immh=b1xxx"),
    SHI("SSHLL", "0", "10100", "immh=0; immh=b1xxx"),
    SHI("USHR", "1", "00000", "immh=0; immh=b1xxx q=0"), SHI("USRA", "1", "00010", "immh=0; immh=b1xxx q=0"),
    SHI("URSHR", "1", "00100", "immh=0; immh=b1xxx q=0"), SHI("URSRA", "1", "00110", "immh=0; immh=b1xxx q=0"),
    SHI("SRI", "1", "01000", "immh=0; immh=b1xxx q=0"), SHI("SLI", "1", "01010", "immh=0; immh=b1xxx q=0"),
    SHI("SQSHLU", "1", "01100", "immh=0; immh=b1xxx q=0"), SHI("UQSHL_imm", "1", "01110", "immh=0; immh=b1xxx q=0"),
    SHI("SQSHRUN", "1", "10000", "immh=0; immh=b1xxx"), SHI("SQRSHRUN", "1", "10001", "immh=0; immh=b1xxx"),
    SHI("UQSHRN", "1", "10010", "immh=0; immh=b1xxx"), SHI("UQRSHRN", "1", "10011", "immh=0; immh=b1xxx"),
    SHI("USHLL", "1", "10100", "immh=0; immh=b1xxx"),
    SSHI("SSHR_s", "0", "00000", "immh=b0xxx"), SSHI("SSRA_s", "0", "00010", "immh=b0xxx"),
    SSHI("SRSHR_s", "0", "00100", "immh=b0xxx"), SSHI("SRSRA_s", "0", "00110", "immh=b0xxx"),
    SSHI("SHL_s", "0", "01010", "immh=b0xxx"), SSHI("SQSHL_imm_s", "0", "01110", "immh=0"),
    SSHI("SQSHRN_s", "0", "10010", "immh=0; immh=b1xxx"), SSHI("SQRSHRN_s", "0", "10011", "immh=0; immh=b1xxx"),
    SSHI("USHR_s", "1", "00000", "immh=b0xxx"), SSHI("USRA_s", "1", "00010", "immh=b0xxx"),
    SSHI("URSHR_s", "1", "00100", "immh=b0xxx"), SSHI("URSRA_s", "1", "00110", "immh=b0xxx"),
    SSHI("SRI_s", "1", "01000", "immh=b0xxx"), SSHI("SLI_s", "1", "01010", "immh=b0xxx"),
    SSHI("SQSHLU_s", "1", "01100", "immh=0"), SSHI("UQSHL_imm_s", "1", "01110", "immh=0"),
    SSHI("SQSHRUN_s", "1", "10000", "immh=0; immh=b1xxx"), SSHI("SQRSHRUN_s", "1", "10001", "immh=0; immh=b1xxx"),
    SSHI("UQSHRN_s", "1", "10010", "immh=0; immh=b1xxx"), SSHI("UQRSHRN_s", "1", "10011", "immh=0; immh=b1xxx"),
    /* modified immediate (MOVI/MVNI/ORR/BIC); cmode 1111 is FMOV (below) */
    E("MOVI_family", C_SIMD, "0 q:1 op:1 0111100000 abc:3 cmode:4 0 1 defgh:5 rd:5", "cmode=15"),
    /* scalar three same / three different / two-reg misc / pairwise */
    SSC3("SQADD_s", "0", "00001", ""), SSC3("SQSUB_s", "0", "00101", ""), SSC3("CMGT_s", "0", "00110", SZ_D),
    SSC3("CMGE_s", "0", "00111", SZ_D), SSC3("SSHL_s", "0", "01000", SZ_D), SSC3("SQSHL_s", "0", "01001", ""),
    SSC3("SRSHL_s", "0", "01010", SZ_D), SSC3("SQRSHL_s", "0", "01011", ""), SSC3("ADD_s", "0", "10000", SZ_D),
    SSC3("CMTST_s", "0", "10001", SZ_D), SSC3("SQDMULH_s", "0", "10110", SZ_HS),
    SSC3("UQADD_s", "1", "00001", ""), SSC3("UQSUB_s", "1", "00101", ""), SSC3("CMHI_s", "1", "00110", SZ_D),
    SSC3("CMHS_s", "1", "00111", SZ_D), SSC3("USHL_s", "1", "01000", SZ_D), SSC3("UQSHL_s", "1", "01001", ""),
    SSC3("URSHL_s", "1", "01010", SZ_D), SSC3("UQRSHL_s", "1", "01011", ""), SSC3("SUB_s", "1", "10000", SZ_D),
    SSC3("CMEQ_s", "1", "10001", SZ_D), SSC3("SQRDMULH_s", "1", "10110", SZ_HS),
    E("SQRDMLAH_s", C_SIMD, "01 1 11110 size:2 0 rm:5 1000 0 1 rn:5 rd:5", SZ_HS),
    E("SQRDMLSH_s", C_SIMD, "01 1 11110 size:2 0 rm:5 1000 1 1 rn:5 rd:5", SZ_HS),
    E("SQDMLAL_s", C_SIMD, "01 0 11110 size:2 1 rm:5 1001 00 rn:5 rd:5", SZ_HS),
    E("SQDMLSL_s", C_SIMD, "01 0 11110 size:2 1 rm:5 1011 00 rn:5 rd:5", SZ_HS),
    E("SQDMULL_s", C_SIMD, "01 0 11110 size:2 1 rm:5 1101 00 rn:5 rd:5", SZ_HS),
    SSC2("SUQADD_s", "0", "00011", ""), SSC2("SQABS_s", "0", "00111", ""), SSC2("CMGT_zero_s", "0", "01000", SZ_D),
    SSC2("CMEQ_zero_s", "0", "01001", SZ_D), SSC2("CMLT_zero_s", "0", "01010", SZ_D), SSC2("ABS_s", "0", "01011", SZ_D),
    SSC2("SQXTN_s", "0", "10100", SZ_NO64),
    SSC2("USQADD_s", "1", "00011", ""), SSC2("SQNEG_s", "1", "00111", ""), SSC2("CMGE_zero_s", "1", "01000", SZ_D),
    SSC2("CMLE_zero_s", "1", "01001", SZ_D), SSC2("NEG_s", "1", "01011", SZ_D), SSC2("SQXTUN_s", "1", "10010", SZ_NO64),
    SSC2("UQXTN_s", "1", "10100", SZ_NO64),
    E("ADDP_s", C_SIMD, "01 0 11110 11 11000 11011 10 rn:5 rd:5", ""),
    /* vector / scalar x indexed element (integer) */
    SIDX("MLA_idx", "1", "0000", SZ_HS), SIDX("MLS_idx", "1", "0100", SZ_HS), SIDX("MUL_idx", "0", "1000", SZ_HS),
    SIDX("SMLAL_idx", "0", "0010", SZ_HS), SIDX("SQDMLAL_idx", "0", "0011", SZ_HS), SIDX("SMLSL_idx", "0", "0110", SZ_HS),
    SIDX("SQDMLSL_idx", "0", "0111", SZ_HS), SIDX("SMULL_idx", "0", "1010", SZ_HS), SIDX("SQDMULL_idx", "0", "1011", SZ_HS),
    SIDX("SQDMULH_idx", "0", "1100", SZ_HS), SIDX("SQRDMULH_idx", "0", "1101", SZ_HS),
    SIDX("UMLAL_idx", "1", "0010", SZ_HS), SIDX("UMLSL_idx", "1", "0110", SZ_HS), SIDX("UMULL_idx", "1", "1010", SZ_HS),
    SIDX("SQRDMLAH_idx", "1", "1101", SZ_HS), SIDX("SQRDMLSH_idx", "1", "1111", SZ_HS),
    SIDX("SDOT_idx", "0", "1110", "size=0; size=1; size=3"), SIDX("UDOT_idx", "1", "1110", "size=0; size=1; size=3"),
    SSIDX("SQDMLAL_idx_s", "0", "0011", SZ_HS), SSIDX("SQDMLSL_idx_s", "0", "0111", SZ_HS),
    SSIDX("SQDMULL_idx_s", "0", "1011", SZ_HS), SSIDX("SQDMULH_idx_s", "0", "1100", SZ_HS),
    SSIDX("SQRDMULH_idx_s", "0", "1101", SZ_HS), SSIDX("SQRDMLAH_idx_s", "1", "1101", SZ_HS),
    SSIDX("SQRDMLSH_idx_s", "1", "1111", SZ_HS),

    /* ---- AdvSIMD floating point ---- */
    FP3("FMAXNM_v", "0", "0", "11000"), FP3("FMINNM_v", "0", "1", "11000"), FP3("FMAXNMP_v", "1", "0", "11000"),
    FP3("FMINNMP_v", "1", "1", "11000"), FP3("FMLA_v", "0", "0", "11001"), FP3("FMLS_v", "0", "1", "11001"),
    FP3("FADD_v", "0", "0", "11010"), FP3("FSUB_v", "0", "1", "11010"), FP3("FADDP_v", "1", "0", "11010"),
    FP3("FABD_v", "1", "1", "11010"), FP3("FMULX_v", "0", "0", "11011"), FP3("FMUL_v", "1", "0", "11011"),
    FP3("FCMEQ_v", "0", "0", "11100"), FP3("FCMGE_v", "1", "0", "11100"), FP3("FCMGT_v", "1", "1", "11100"),
    FP3("FACGE_v", "1", "0", "11101"), FP3("FACGT_v", "1", "1", "11101"), FP3("FMAX_v", "0", "0", "11110"),
    FP3("FMIN_v", "0", "1", "11110"), FP3("FMAXP_v", "1", "0", "11110"), FP3("FMINP_v", "1", "1", "11110"),
    FP3("FRECPS_v", "0", "0", "11111"), FP3("FRSQRTS_v", "0", "1", "11111"), FP3("FDIV_v", "1", "0", "11111"),
    E("FMLAL_v", C_SIMDFP, "0 q:1 0 01110 0 0 1 rm:5 1 1101 1 rn:5 rd:5", ""),
    E("FMLSL_v", C_SIMDFP, "0 q:1 0 01110 1 0 1 rm:5 1 1101 1 rn:5 rd:5", ""),
    E("FMLAL2_v", C_SIMDFP, "0 q:1 1 01110 0 0 1 rm:5 1 1001 1 rn:5 rd:5", ""),
    E("FMLSL2_v", C_SIMDFP, "0 q:1 1 01110 1 0 1 rm:5 1 1001 1 rn:5 rd:5", ""),
    E("FCMLA_v", C_SIMDFP, "0 q:1 1 01110 1 sz:1 0 rm:5 1 10 rot:2 1 rn:5 rd:5", VFP),
    E("FCADD_v", C_SIMDFP, "0 q:1 1 01110 1 sz:1 0 rm:5 1 11 r:1 0 1 rn:5 rd:5", VFP),
    E("FCVTN", C_SIMDFP, "0 q:1 0 01110 0 sz:1 10000 10110 10 rn:5 rd:5", ""),
    E("FCVTL", C_SIMDFP, "0 q:1 0 01110 0 sz:1 10000 10111 10 rn:5 rd:5", ""),
    FP2("FRINTN_v", "0", "0", "11000"),
    FP2("FRINTM_v", "0", "0", "11001"), FP2("FCVTNS_v", "0", "0", "11010"), FP2("FCVTMS_v", "0", "0", "11011"),
    FP2("FCVTAS_v", "0", "0", "11100"), FP2("SCVTF_v", "0", "0", "11101"), FP2("FRINT32Z_v", "0", "0", "11110"),
    FP2("FRINT64Z_v", "0", "0", "11111"),
    FP2("FCMGT_zero_v", "0", "1", "01100"), FP2("FCMEQ_zero_v", "0", "1", "01101"), FP2("FCMLT_zero_v", "0", "1", "01110"),
    FP2("FABS_v", "0", "1", "01111"), FP2("FRINTP_v", "0", "1", "11000"), FP2("FRINTZ_v", "0", "1", "11001"),
    FP2("FCVTPS_v", "0", "1", "11010"), FP2("FCVTZS_v", "0", "1", "11011"), FP2("FRECPE_v", "0", "1", "11101"),
    FP2("FRINTA_v", "1", "0", "11000"), FP2("FRINTX_v", "1", "0", "11001"), FP2("FCVTNU_v", "1", "0", "11010"),
    FP2("FCVTMU_v", "1", "0", "11011"), FP2("FCVTAU_v", "1", "0", "11100"), FP2("UCVTF_v", "1", "0", "11101"),
    FP2("FRINT32X_v", "1", "0", "11110"), FP2("FRINT64X_v", "1", "0", "11111"),
    FP2("FCMGE_zero_v", "1", "1", "01100"), FP2("FCMLE_zero_v", "1", "1", "01101"), FP2("FNEG_v", "1", "1", "01111"),
    FP2("FRINTI_v", "1", "1", "11001"), FP2("FCVTPU_v", "1", "1", "11010"), FP2("FCVTZU_v", "1", "1", "11011"),
    FP2("FRSQRTE_v", "1", "1", "11101"), FP2("FSQRT_v", "1", "1", "11111"),
    E("FCVTXN_v", C_SIMDFP, "0 q:1 1 01110 0 1 10000 10110 10 rn:5 rd:5", ""),
    E("FMAXNMV", C_SIMDFP, "0 1 1 01110 0 0 11000 01100 10 rn:5 rd:5", ""),
    E("FMINNMV", C_SIMDFP, "0 1 1 01110 1 0 11000 01100 10 rn:5 rd:5", ""),
    E("FMAXV", C_SIMDFP, "0 1 1 01110 0 0 11000 01111 10 rn:5 rd:5", ""),
    E("FMINV", C_SIMDFP, "0 1 1 01110 1 0 11000 01111 10 rn:5 rd:5", ""),
    E("FMOV_v_imm", C_SIMDFP, "0 q:1 op:1 0111100000 abc:3 1111 0 1 defgh:5 rd:5", "op=1 q=0"),
    E("FMLA_idx", C_SIMDFP, "0 q:1 0 01111 1 sz:1 l:1 m:1 rm:4 0001 h:1 0 rn:5 rd:5", "sz=1 l=1; sz=1 q=0"),
    E("FMLS_idx", C_SIMDFP, "0 q:1 0 01111 1 sz:1 l:1 m:1 rm:4 0101 h:1 0 rn:5 rd:5", "sz=1 l=1; sz=1 q=0"),
    E("FMUL_idx", C_SIMDFP, "0 q:1 0 01111 1 sz:1 l:1 m:1 rm:4 1001 h:1 0 rn:5 rd:5", "sz=1 l=1; sz=1 q=0"),
    E("FMULX_idx", C_SIMDFP, "0 q:1 1 01111 1 sz:1 l:1 m:1 rm:4 1001 h:1 0 rn:5 rd:5", "sz=1 l=1; sz=1 q=0"),
    E("FMLAL_idx", C_SIMDFP, "0 q:1 0 01111 10 l:1 m:1 rm:4 0000 h:1 0 rn:5 rd:5", ""),
    E("FMLSL_idx", C_SIMDFP, "0 q:1 0 01111 10 l:1 m:1 rm:4 0100 h:1 0 rn:5 rd:5", ""),
    E("FMLAL2_idx", C_SIMDFP, "0 q:1 1 01111 10 l:1 m:1 rm:4 1000 h:1 0 rn:5 rd:5", ""),
    E("FMLSL2_idx", C_SIMDFP, "0 q:1 1 01111 10 l:1 m:1 rm:4 1100 h:1 0 rn:5 rd:5", ""),
    E("FCMLA_idx", C_SIMDFP, "0 1 1 01111 10 0 m:1 rm:4 0 rot:2 1 h:1 0 rn:5 rd:5", ""),
    E("FMLA_idx_s", C_SIMDFP, "01 0 11111 1 sz:1 l:1 m:1 rm:4 0001 h:1 0 rn:5 rd:5", "sz=1 l=1"),
    E("FMLS_idx_s", C_SIMDFP, "01 0 11111 1 sz:1 l:1 m:1 rm:4 0101 h:1 0 rn:5 rd:5", "sz=1 l=1"),
    E("FMUL_idx_s", C_SIMDFP, "01 0 11111 1 sz:1 l:1 m:1 rm:4 1001 h:1 0 rn:5 rd:5", "sz=1 l=1"),
    E("FMULX_idx_s", C_SIMDFP, "01 1 11111 1 sz:1 l:1 m:1 rm:4 1001 h:1 0 rn:5 rd:5", "sz=1 l=1"),
    SFP3("FMULX_s", "0", "0", "11011"), SFP3("FCMEQ_s", "0", "0", "11100"), SFP3("FRECPS_s", "0", "0", "11111"),
    SFP3("FRSQRTS_s", "0", "1", "11111"), SFP3("FCMGE_s", "1", "0", "11100"), SFP3("FACGE_s", "1", "0", "11101"),
    SFP3("FABD_s", "1", "1", "11010"), SFP3("FCMGT_s", "1", "1", "11100"), SFP3("FACGT_s", "1", "1", "11101"),
    SFP2("FCVTNS_s", "0", "0", "11010"), SFP2("FCVTMS_s", "0", "0", "11011"), SFP2("FCVTAS_s", "0", "0", "11100"),
    SFP2("SCVTF_s", "0", "0", "11101"), SFP2("FCMGT_zero_s", "0", "1", "01100"), SFP2("FCMEQ_zero_s", "0", "1", "01101"),
    SFP2("FCMLT_zero_s", "0", "1", "01110"), SFP2("FCVTPS_s", "0", "1", "11010"), SFP2("FCVTZS_s", "0", "1", "11011"),
    SFP2("FRECPE_s", "0", "1", "11101"), SFP2("FRECPX_s", "0", "1", "11111"),
    SFP2("FCVTNU_s", "1", "0", "11010"), SFP2("FCVTMU_s", "1", "0", "11011"), SFP2("FCVTAU_s", "1", "0", "11100"),
    SFP2("UCVTF_s", "1", "0", "11101"), SFP2("FCMGE_zero_s", "1", "1", "01100"), SFP2("FCMLE_zero_s", "1", "1", "01101"),
    SFP2("FCVTPU_s", "1", "1", "11010"), SFP2("FCVTZU_s", "1", "1", "11011"), SFP2("FRSQRTE_s", "1", "1", "11101"),
    E("FCVTXN_s", C_SIMDFP, "01 1 11110 0 1 10000 10110 10 rn:5 rd:5", ""),
    E("FMAXNMP_s", C_SIMDFP, "01 1 11110 0 sz:1 11000 01100 10 rn:5 rd:5", ""),
    E("FADDP_s", C_SIMDFP, "01 1 11110 0 sz:1 11000 01101 10 rn:5 rd:5", ""),
    E("FMAXP_s", C_SIMDFP, "01 1 11110 0 sz:1 11000 01111 10 rn:5 rd:5", ""),
    E("FMINNMP_s", C_SIMDFP, "01 1 11110 1 sz:1 11000 01100 10 rn:5 rd:5", ""),
    E("FMINP_s", C_SIMDFP, "01 1 11110 1 sz:1 11000 01111 10 rn:5 rd:5", ""),
    E("SCVTF_fix_v", C_SIMDFP, "0 q:1 0 011110 immh:4 immb:3 11100 1 rn:5 rd:5", "immh=b00xx; immh=b1xxx q=0"),
    E("UCVTF_fix_v", C_SIMDFP, "0 q:1 1 011110 immh:4 immb:3 11100 1 rn:5 rd:5", "immh=b00xx; immh=b1xxx q=0"),
    E("FCVTZS_fix_v", C_SIMDFP, "0 q:1 0 011110 immh:4 immb:3 11111 1 rn:5 rd:5", "immh=b00xx; immh=b1xxx q=0"),
    E("FCVTZU_fix_v", C_SIMDFP, "0 q:1 1 011110 immh:4 immb:3 11111 1 rn:5 rd:5", "immh=b00xx; immh=b1xxx q=0"),
    E("SCVTF_fix_s", C_SIMDFP, "01 0 111110 immh:4 immb:3 11100 1 rn:5 rd:5", "immh=b00xx"),
    E("UCVTF_fix_s", C_SIMDFP, "01 1 111110 immh:4 immb:3 11100 1 rn:5 rd:5", "immh=b00xx"),
    E("FCVTZS_fix_s", C_SIMDFP, "01 0 111110 immh:4 immb:3 11111 1 rn:5 rd:5", "immh=b00xx"),
    E("FCVTZU_fix_s", C_SIMDFP, "01 1 111110 immh:4 immb:3 11111 1 rn:5 rd:5", "immh=b00xx"),

    /* ---- crypto ---- */
    E("AESE", C_CRYPTO, "01001110 00 10100 00100 10 rn:5 rd:5", ""),
    E("AESD", C_CRYPTO, "01001110 00 10100 00101 10 rn:5 rd:5", ""),
    E("AESMC", C_CRYPTO, "01001110 00 10100 00110 10 rn:5 rd:5", ""),
    E("AESIMC", C_CRYPTO, "01001110 00 10100 00111 10 rn:5 rd:5", ""),
    E("SHA1C", C_CRYPTO, "01011110 00 0 rm:5 0 000 00 rn:5 rd:5", ""),
    E("SHA1P", C_CRYPTO, "01011110 00 0 rm:5 0 001 00 rn:5 rd:5", ""),
    E("SHA1M", C_CRYPTO, "01011110 00 0 rm:5 0 010 00 rn:5 rd:5", ""),
    E("SHA1SU0", C_CRYPTO, "01011110 00 0 rm:5 0 011 00 rn:5 rd:5", ""),
    E("SHA256H", C_CRYPTO, "01011110 00 0 rm:5 0 100 00 rn:5 rd:5", ""),
    E("SHA256H2", C_CRYPTO, "01011110 00 0 rm:5 0 101 00 rn:5 rd:5", ""),
    E("SHA256SU1", C_CRYPTO, "01011110 00 0 rm:5 0 110 00 rn:5 rd:5", ""),
    E("SHA1H", C_CRYPTO, "01011110 00 10100 00000 10 rn:5 rd:5", ""),
    E("SHA1SU1", C_CRYPTO, "01011110 00 10100 00001 10 rn:5 rd:5", ""),
    E("SHA256SU0", C_CRYPTO, "01011110 00 10100 00010 10 rn:5 rd:5", ""),
    E("SHA512H", C_CRYPTO, "11001110 011 rm:5 1 0 00 00 rn:5 rd:5", ""),
    E("SHA512H2", C_CRYPTO, "11001110 011 rm:5 1 0 00 01 rn:5 rd:5", ""),
    E("SHA512SU1", C_CRYPTO, "11001110 011 rm:5 1 0 00 10 rn:5 rd:5", ""),
    E("RAX1", C_CRYPTO, "11001110 011 rm:5 1 0 00 11 rn:5 rd:5", ""),
    E("SHA512SU0", C_CRYPTO, "11001110 110 00000 10 00 00 rn:5 rd:5", ""),
    E("EOR3", C_CRYPTO, "11001110 000 rm:5 0 ra:5 rn:5 rd:5", ""),
    E("BCAX", C_CRYPTO, "11001110 001 rm:5 0 ra:5 rn:5 rd:5", ""),
    E("XAR", C_CRYPTO, "11001110 100 rm:5 imm6:6 rn:5 rd:5", ""),
    E("PMULL_64", C_CRYPTO, "0 q:1 0 01110 11 1 rm:5 1110 00 rn:5 rd:5", ""),

    /* ---- features the model may not advertise: each must be UNDEFINED on
     * our CPU unless its ID register field says it is implemented (then it
     * is compared with Unicorn like any other form).  Encodings checked with
     * aarch64-linux-gnu-as -march=armv8.6-a+sve+memtag+sm4+rng+bf16+i8mm+fp16;
     * Unicorn 2.0.1 itself rejects PACGA, BF16, I8MM, MTE and SVE (with
     * CPACR.ZEN clear), so those could only be compared with a newer
     * reference (--check-unadv-table lists what Unicorn rejects). ---- */
    EF("SM3SS1", "11001110 010 rm:5 0 ra:5 rn:5 rd:5", FR_ISAR0, 36, 1),
    EF("SM3TT", "11001110 010 rm:5 10 imm2:2 op:2 rn:5 rd:5", FR_ISAR0, 36, 1),
    EF("SM3PARTW", "11001110 011 rm:5 1100 0 op:1 rn:5 rd:5", FR_ISAR0, 36, 1),
    EF("SM4EKEY", "11001110 011 rm:5 1100 10 rn:5 rd:5", FR_ISAR0, 40, 1),
    EF("SM4E", "11001110 110 00000 100001 rn:5 rd:5", FR_ISAR0, 40, 1),
    EF("FADD_h", "0 0 0 11110 11 1 rm:5 0010 10 rn:5 rd:5", FR_PFR0, 16, 1),
    EF("FMUL_h", "0 0 0 11110 11 1 rm:5 0000 10 rn:5 rd:5", FR_PFR0, 16, 1),
    EF("FMOV_h_imm", "0 0 0 11110 11 1 imm8:8 100 00000 rd:5", FR_PFR0, 16, 1),
    EF("FCVTZS_h", "sf:1 0 0 11110 11 1 11 000 000000 rn:5 rd:5", FR_PFR0, 16, 1),
    EF("FADD_4h", "0 q:1 0 01110 0 1 0 rm:5 00 010 1 rn:5 rd:5", FR_PFR0, 20, 1),
    EF("FABS_4h", "0 q:1 0 01110 1 1111 00 01111 10 rn:5 rd:5", FR_PFR0, 20, 1),
    EF("BFDOT", "0 q:1 1 01110 01 0 rm:5 1 1111 1 rn:5 rd:5", FR_ISAR1, 44, 1),
    EF("BFCVT", "0001 1110 0110 0011 0100 00 rn:5 rd:5", FR_ISAR1, 44, 1),
    EF("SMMLA", "0 1 0 01110 10 0 rm:5 1 0100 1 rn:5 rd:5", FR_ISAR1, 52, 1),
    EF("UMMLA", "0 1 1 01110 10 0 rm:5 1 0100 1 rn:5 rd:5", FR_ISAR1, 52, 1),
    EF("USDOT", "0 q:1 0 01110 10 0 rm:5 1 0011 1 rn:5 rd:5", FR_ISAR1, 52, 1),
    EF("PACIA", "1 1 0 11010110 00001 0 0 0 000 rn:5 rd:5", FR_ISAR1, 4, 1),
    EF("AUTIA", "1 1 0 11010110 00001 0 0 0 100 rn:5 rd:5", FR_ISAR1, 4, 1),
    EF("XPACI", "1 1 0 11010110 00001 0 1 0 000 11111 rd:5", FR_ISAR1, 4, 1),
    EF("PACGA", "1 0 0 11010110 rm:5 001100 rn:5 rd:5", FR_ISAR1, 28, 1),
    EF("IRG", "1 0 0 11010110 rm:5 000100 rn:5 rd:5", FR_PFR1, 8, 2),
    EF("ADDG", "1 0 0 100011 0 uimm6:6 00 uimm4:4 rn:5 rd:5", FR_PFR1, 8, 2),
    EF("MRS_RNDR", "1101010100 1 1 1 011 0010 0100 000 rt:5", FR_ISAR0, 60, 1),
    EF("SVE_ADD", "00000100 size:2 1 rm:5 000000 rn:5 rd:5", FR_PFR0, 32, 1),
};

const int num_forms = sizeof(forms) / sizeof(forms[0]);
