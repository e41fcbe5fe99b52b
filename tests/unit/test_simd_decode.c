/* The integer AdvSIMD decoder must leave the FP/vector-FP encodings (owned
 * by fp.decode) and the 64-bit PMULL (crypto.decode) alone: its trans_
 * functions are called directly here, so this holds whatever the other
 * classes implement. */
#include "cpu_harness.h"
#include "test.h"
#include "uop.h"

static struct harness h;
static struct uop buf[16];
static struct xlat X;

static void xreset(void)
{
    memset(&X, 0, sizeof(X));
    X.cpu = h.cpu;
    X.uops = buf;
    X.cap = 16;
}

#define F(insn, pos, w) (((insn) >> (pos)) & ((1u << (w)) - 1))

/* Offer insn to the simd pattern it matches; true if a trans_ accepted it. */
static bool mine(uint32_t i)
{
    xreset();
    if ((i & 0x9f200400u) == 0x0e200400u) {
        arg_SIMD_3same a = { F(i, 30, 1), F(i, 29, 1), F(i, 22, 2), F(i, 16, 5), F(i, 11, 5), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_3same(&X, &a);
    }
    if ((i & 0xdf200400u) == 0x5e200400u) {
        arg_SIMD_s3same a = { F(i, 29, 1), F(i, 22, 2), F(i, 16, 5), F(i, 11, 5), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_s3same(&X, &a);
    }
    if ((i & 0x9f208400u) == 0x0e008400u) {
        arg_SIMD_3extra a = { F(i, 30, 1), F(i, 29, 1), F(i, 22, 2), F(i, 16, 5), F(i, 11, 4), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_3extra(&X, &a);
    }
    if ((i & 0x9f3e0c00u) == 0x0e200800u) {
        arg_SIMD_2misc a = { F(i, 30, 1), F(i, 29, 1), F(i, 22, 2), F(i, 12, 5), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_2misc(&X, &a);
    }
    if ((i & 0xdf3e0c00u) == 0x5e200800u) {
        arg_SIMD_s2misc a = { F(i, 29, 1), F(i, 22, 2), F(i, 12, 5), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_s2misc(&X, &a);
    }
    if ((i & 0x9f3e0c00u) == 0x0e300800u) {
        arg_SIMD_across a = { F(i, 30, 1), F(i, 29, 1), F(i, 22, 2), F(i, 12, 5), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_across(&X, &a);
    }
    if ((i & 0xdf3e0c00u) == 0x5e300800u) {
        arg_SIMD_spair a = { F(i, 29, 1), F(i, 22, 2), F(i, 12, 5), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_spair(&X, &a);
    }
    if ((i & 0x9ff80400u) == 0x0f000400u) {
        arg_SIMD_modimm a = { F(i, 30, 1), F(i, 29, 1), F(i, 16, 3), F(i, 12, 4), F(i, 11, 1), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_modimm(&X, &a);
    }
    if ((i & 0x9f800400u) == 0x0f000400u) {
        arg_SIMD_shimm a = { F(i, 30, 1), F(i, 29, 1), F(i, 19, 4), F(i, 16, 3), F(i, 11, 5), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_shimm(&X, &a);
    }
    if ((i & 0xdf800400u) == 0x5f000400u) {
        arg_SIMD_sshimm a = { F(i, 29, 1), F(i, 19, 4), F(i, 16, 3), F(i, 11, 5), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_sshimm(&X, &a);
    }
    if ((i & 0x9f000400u) == 0x0f000000u) {
        arg_SIMD_elem a = { F(i, 30, 1), F(i, 29, 1), F(i, 22, 2), F(i, 21, 1), F(i, 20, 1), F(i, 16, 4),
                            F(i, 12, 4), F(i, 11, 1), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_elem(&X, &a);
    }
    if ((i & 0xdf000400u) == 0x5f000000u) {
        arg_SIMD_selem a = { F(i, 29, 1), F(i, 22, 2), F(i, 21, 1), F(i, 20, 1), F(i, 16, 4), F(i, 12, 4),
                             F(i, 11, 1), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_selem(&X, &a);
    }
    if ((i & 0x9f200c00u) == 0x0e200000u) {
        arg_SIMD_3diff a = { F(i, 30, 1), F(i, 29, 1), F(i, 22, 2), F(i, 16, 5), F(i, 12, 4), F(i, 5, 5), F(i, 0, 5) };
        return trans_SIMD_3diff(&X, &a);
    }
    fprintf(stderr, "test bug: %08x matches no simd class here\n", i);
    return true;
}

int main(void)
{
    harness_init(&h);
    int n = 0;
    for (unsigned q = 0; q < 2; q++)
        for (unsigned u = 0; u < 2; u++)
            for (unsigned size = 0; size < 4; size++) {
                uint32_t qus = q << 30 | u << 29 | size << 22;
                /* three same FP (opcodes 11xxx) and the scalar forms */
                for (unsigned op = 0x18; op < 0x20; op++) {
                    CHECK(!mine(0x0e200400u | qus | op << 11 | 0x2a5));
                    CHECK(!mine(0x5e200400u | u << 29 | size << 22 | op << 11 | 0x2a5));
                    n += 2;
                }
                /* three same extra: FCMLA/FCADD/USDOT/BFDOT ... */
                for (unsigned op = 3; op < 16; op++, n++)
                    CHECK(!mine(0x0e008400u | qus | op << 11));
                /* two-reg misc FP opcodes, vector and scalar */
                for (unsigned op = 12; op < 32; op++) {
                    if (op == 18 || op == 19 || op == 20)
                        continue;
                    CHECK(!mine(0x0e200800u | qus | op << 12));
                    CHECK(!mine(0x5e200800u | u << 29 | size << 22 | op << 12));
                    n += 2;
                }
                /* across lanes FP (FMAXNMV, FMAXV, ...) and scalar pairwise FP */
                for (unsigned op = 12; op < 16; op++) {
                    CHECK(!mine(0x0e300800u | qus | op << 12));
                    CHECK(!mine(0x5e300800u | u << 29 | size << 22 | op << 12));
                    n += 2;
                }
                /* by element: FP multiply(-accumulate), FMLAL/FMLSL, FCMLA */
                static const unsigned fpops[2][8] = { { 0, 1, 4, 5, 9, 15, 99 }, { 1, 3, 5, 7, 8, 9, 12, 99 } };
                for (unsigned k = 0; fpops[u][k] != 99; k++) {
                    CHECK(!mine(0x0f000000u | qus | fpops[u][k] << 12 | 0x3a0800u));
                    n++;
                    if (fpops[u][k] != 15 || u) {
                        CHECK(!mine(0x5f000000u | u << 29 | size << 22 | fpops[u][k] << 12 | 0x3a0800u));
                        n++;
                    }
                }
                /* 64-bit PMULL (crypto.decode) */
                if (size == 3 && !u) {
                    CHECK(!mine(0x0e20e000u | qus | 0x21234));
                    n++;
                }
            }
    for (unsigned q = 0; q < 2; q++)
        for (unsigned op = 0; op < 2; op++) {
            /* FMOV (vector, immediate) single/double and half (o2) */
            CHECK(!mine(0x0f00f400u | q << 30 | op << 29 | 0x30123));
            CHECK(!mine(0x0f000c00u | q << 30 | op << 29 | 0x30123));
            n += 2;
            /* SCVTF/UCVTF/FCVTZS/FCVTZU (fixed point) */
            for (unsigned immh = 1; immh < 16; immh++) {
                CHECK(!mine(0x0f00e400u | q << 30 | op << 29 | immh << 19));
                CHECK(!mine(0x0f00fc00u | q << 30 | op << 29 | immh << 19));
                CHECK(!mine(0x5f00e400u | op << 29 | immh << 19));
                CHECK(!mine(0x5f00fc00u | op << 29 | immh << 19));
                n += 4;
            }
        }
    /* and a few integer encodings are accepted (the helper works) */
    CHECK(mine(0x4e228420)); /* add v0.16b, v1.16b, v2.16b */
    CHECK(mine(0x0e22a420)); /* smaxp v0.8b, v1.8b, v2.8b */
    CHECK(mine(0x5ee28420)); /* add d0, d1, d2 */
    printf("simd_decode: %d FP/crypto encodings refused\n", n);
    harness_free(&h);
    return test_report("simd_decode");
}
