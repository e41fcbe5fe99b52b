/* a32-check: a 32-bit ARM (armhf) program that exercises the integer, VFP and
 * Advanced SIMD instructions a compiler emits, and prints one digest line per
 * section.  The same static binary runs under qemu-arm on the host (the
 * reference) and inside a guest (an arm64 kernel's compat layer, or a 32-bit
 * kernel at AArch32 EL1): the outputs must match line for line.
 *
 * Built by guest/build-a32-check twice, as A32 (-marm) and as T32 (-mthumb).
 * Inputs come from a fixed pseudo-random sequence, so the program is
 * deterministic; volatile keeps the compiler from folding the arithmetic. */
#include <arm_neon.h>
#include <fenv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t digest;
static void mix(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        digest = (digest ^ b[i]) * 0x100000001b3ull;
}
#define MIX(v) do { __typeof__(v) t_ = (v); mix(&t_, sizeof t_); } while (0)
#define MIXA(a) mix((a), sizeof(a))

static uint32_t rng_state = 0x12345678;
static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

/* Interesting floats: specials, tiny, huge, and random bit patterns. */
static float rf(void)
{
    static const uint32_t special[] = { 0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
                                        0x00000001, 0x807fffff, 0x3f800000, 0xbf800000, 0x4b000000, 0x3effffff,
                                        0x7f7fffff, 0x00800000 };
    uint32_t r = rnd(), bits;
    if (r % 4 == 0)
        bits = special[(r >> 8) % (sizeof special / sizeof special[0])];
    else if (r % 4 == 1)
        bits = rnd();
    else
        bits = (rnd() & 0x807fffff) | ((120 + (rnd() % 16)) << 23);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}
static double rd(void)
{
    uint64_t bits = (uint64_t)rnd() << 32 | rnd();
    uint32_t k = rnd() % 4;
    if (k == 0)
        bits = (bits & 0x800fffffffffffffull) | ((uint64_t)(1020 + rnd() % 8) << 52);
    else if (k == 1)
        return (double)rf();
    double d;
    memcpy(&d, &bits, 8);
    return d;
}

static void section(const char *name)
{
    printf("%s %016llx\n", name, (unsigned long long)digest);
    digest = 0xcbf29ce484222325ull;
}

static void integer(void)
{
    for (int i = 0; i < 2000; i++) {
        volatile uint32_t a = rnd(), b = rnd() | 1, s = rnd() % 40;
        volatile int32_t sa = (int32_t)a, sb = (int32_t)b;
        MIX(a / b); MIX(sa / sb); MIX(a % b); MIX((uint64_t)a * b); MIX((int64_t)sa * sb);
        MIX(a << (s & 31)); MIX(sa >> (s & 31)); MIX(__builtin_clz(a | 1)); MIX(__builtin_ctz(b));
        MIX(__builtin_popcount(a)); MIX(__builtin_bswap32(a)); MIX((uint64_t)a << 32 | b);
        volatile uint64_t la = (uint64_t)a << 20 ^ b, lb = (uint64_t)b << 7 | 1;
        MIX(la / lb); MIX(la % lb); MIX((int64_t)la >> (s & 63));
    }
    section("integer");
}

static void vfp_single(void)
{
    static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        for (int i = 0; i < 500; i++) {
            volatile float a = rf(), b = rf(), c = rf();
            MIX(a + b); MIX(a - b); MIX(a * b); MIX(a / b); MIX(sqrtf(fabsf(a))); MIX(fmaf(a, b, c));
            MIX(a * b + c); MIX(-(a * b) - c); MIX(fabsf(a)); MIX(-a);
            MIX((double)a); MIX(a < b); MIX(a <= b); MIX(a == b); MIX(isunordered(a, b));
            MIX((int32_t)(a * 1e3f)); MIX((uint32_t)fabsf(b * 1e6f)); MIX((float)(int32_t)rnd());
            MIX((float)rnd()); MIX(rintf(a)); MIX(nearbyintf(b)); MIX(lrintf(fminf(fmaxf(a, -1e9f), 1e9f)));
            MIX(fminf(a, b)); MIX(fmaxf(a, b)); MIX(roundf(a)); MIX(floorf(b)); MIX(ceilf(a)); MIX(truncf(b));
        }
    }
    fesetround(FE_TONEAREST);
    MIX(fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    section("vfp-single");
}

static void vfp_double(void)
{
    static const int modes[] = { FE_TONEAREST, FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO };
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        for (int i = 0; i < 500; i++) {
            volatile double a = rd(), b = rd(), c = rd();
            MIX(a + b); MIX(a - b); MIX(a * b); MIX(a / b); MIX(sqrt(fabs(a))); MIX(fma(a, b, c));
            MIX(a * b + c); MIX((float)a); MIX(a > b); MIX(a >= b); MIX(a != b);
            MIX((int32_t)fmin(fmax(a, -2e9), 2e9)); MIX((uint32_t)fmin(fabs(b), 4e9)); MIX((double)(int32_t)rnd());
            MIX((int64_t)fmin(fmax(a * 1e6, -9e18), 9e18)); MIX((double)(int64_t)((uint64_t)rnd() << 31));
            MIX(rint(a)); MIX(fmin(a, b)); MIX(fmax(a, b)); MIX(floor(a)); MIX(ceil(b)); MIX(round(c));
        }
    }
    fesetround(FE_TONEAREST);
    MIX(fetestexcept(FE_ALL_EXCEPT));
    feclearexcept(FE_ALL_EXCEPT);
    section("vfp-double");
}

static void neon_integer(void)
{
    uint8_t buf[256];
    for (int round = 0; round < 300; round++) {
        for (int i = 0; i < 256; i++)
            buf[i] = (uint8_t)rnd();
        uint8x16_t a = vld1q_u8(buf), b = vld1q_u8(buf + 16);
        uint16x8_t h = vld1q_u16((const uint16_t *)(buf + 32)), g = vld1q_u16((const uint16_t *)(buf + 48));
        uint32x4_t w = vld1q_u32((const uint32_t *)(buf + 64)), v = vld1q_u32((const uint32_t *)(buf + 80));
        int16x8_t sh = vreinterpretq_s16_u16(h), sg = vreinterpretq_s16_u16(g);
        int32x4_t sw = vreinterpretq_s32_u32(w);
        uint8x16_t r8[] = { vaddq_u8(a, b), vsubq_u8(a, b), vqaddq_u8(a, b), vqsubq_u8(a, b), vhaddq_u8(a, b),
                            vrhaddq_u8(a, b), vabdq_u8(a, b), vmaxq_u8(a, b), vminq_u8(a, b), vmulq_u8(a, b),
                            vcgtq_u8(a, b), vceqq_u8(a, b), vtstq_u8(a, b), vbslq_u8(a, b, vdupq_n_u8(0x5a)),
                            vextq_u8(a, b, 5), vrev64q_u8(a), vcntq_u8(a), vclzq_u8(b),
                            vreinterpretq_u8_p8(vmulq_p8(vreinterpretq_p8_u8(a), vreinterpretq_p8_u8(b))),
                            vcombine_u8(vtbl2_u8((uint8x8x2_t){ { vget_low_u8(a), vget_high_u8(a) } },
                                                 vand_u8(vget_low_u8(b), vdup_n_u8(0x1f))),
                                        vtbx1_u8(vget_high_u8(b), vget_low_u8(a), vget_high_u8(a))),
                            vqshlq_u8(a, vreinterpretq_s8_u8(b)), vrshlq_u8(a, vreinterpretq_s8_u8(b)),
                            vshrq_n_u8(a, 3), vsraq_n_u8(a, b, 2), vsliq_n_u8(a, b, 4), vsriq_n_u8(a, b, 5),
                            vqshlq_n_u8(a, 3), vrshrq_n_u8(b, 7) };
        MIXA(r8);
        uint16x8_t r16[] = { vmovl_u8(vget_low_u8(a)), vaddl_u8(vget_low_u8(a), vget_high_u8(b)),
                             vmull_u8(vget_low_u8(a), vget_low_u8(b)), vabdl_u8(vget_high_u8(a), vget_low_u8(b)),
                             vpaddlq_u8(a), vpadalq_u8(h, b), vmlaq_u16(h, g, h), vmlsq_n_u16(h, g, 77),
                             vreinterpretq_u16_s16(vqdmulhq_s16(sh, sg)), vreinterpretq_u16_s16(vqrdmulhq_s16(sh, sg)),
                             vreinterpretq_u16_s16(vqabsq_s16(sh)), vreinterpretq_u16_s16(vqnegq_s16(sg)),
                             vreinterpretq_u16_s16(vshlq_s16(sh, vshrq_n_s16(sg, 12))),
                             vreinterpretq_u16_s16(vclsq_s16(sh)), vmulq_lane_u16(h, vget_low_u16(g), 2),
                             vcombine_u16(vmovn_u32(w), vqmovn_u32(v)),
                             vreinterpretq_u16_s16(vcombine_s16(vqmovn_s32(sw), vqrshrn_n_s32(sw, 9))),
                             vcombine_u16(vqmovun_s32(sw), vshrn_n_u32(v, 7)) };
        MIXA(r16);
        uint32x4_t r32[] = { vaddq_u32(w, v), vmulq_u32(w, v), vmlaq_u32(w, v, w), vpaddlq_u16(h),
                             vreinterpretq_u32_s32(vqdmull_s16(vget_low_s16(sh), vget_high_s16(sg))),
                             vreinterpretq_u32_s32(vqdmlal_s16(sw, vget_low_s16(sh), vget_low_s16(sg))),
                             vmull_n_u16(vget_high_u16(h), 1234), vshll_n_u16(vget_low_u16(g), 16),
                             vrsqrteq_u32(w), vrecpeq_u32(v), vcgeq_u32(w, v),
                             vreinterpretq_u32_s32(vrshrq_n_s32(sw, 17)), vqsubq_u32(w, v),
                             vreinterpretq_u32_u64(vpaddlq_u32(w)),
                             vreinterpretq_u32_u64(vmull_u32(vget_low_u32(w), vget_high_u32(v))) };
        MIXA(r32);
        uint8x16x2_t z = vzipq_u8(a, b), u = vuzpq_u8(a, b), t = vtrnq_u8(a, b);
        MIX(z); MIX(u); MIX(t);
        /* structure loads and stores, lanes, all lanes */
        uint8x8x3_t l3 = vld3_u8(buf + 100);
        uint16x4x4_t l4 = vld4_u16((const uint16_t *)(buf + 130));
        uint32x2x2_t l2 = vld2_lane_u32((const uint32_t *)(buf + 200), (uint32x2x2_t){ { vget_low_u32(w), vget_high_u32(v) } }, 1);
        uint8x8x4_t d4 = vld4_dup_u8(buf + 210);
        MIX(l3); MIX(l4); MIX(l2); MIX(d4);
        uint8_t out[64] = { 0 };
        vst3_u8(out, l3);
        vst4_lane_u16((uint16_t *)(out + 30), l4, 3);
        vst2q_u8(out + 32, z);
        MIXA(out);
    }
    section("neon-integer");
}

static void neon_float(void)
{
    for (int round = 0; round < 600; round++) {
        float fa[4], fb[4], fc[4];
        for (int i = 0; i < 4; i++)
            fa[i] = rf(), fb[i] = rf(), fc[i] = rf();
        float32x4_t a = vld1q_f32(fa), b = vld1q_f32(fb), c = vld1q_f32(fc);
        float32x4_t rf4[] = { vaddq_f32(a, b), vsubq_f32(a, b), vmulq_f32(a, b), vmlaq_f32(c, a, b),
                              vmlsq_f32(c, a, b), vfmaq_f32(c, a, b), vabdq_f32(a, b), vmaxq_f32(a, b),
                              vminq_f32(a, b), vrecpeq_f32(a), vrsqrteq_f32(b), vrecpsq_f32(a, b),
                              vrsqrtsq_f32(a, b), vabsq_f32(a), vnegq_f32(b), vmulq_n_f32(a, 3.5f),
                              vcombine_f32(vpadd_f32(vget_low_f32(a), vget_high_f32(b)),
                                           vpmax_f32(vget_low_f32(b), vget_high_f32(c))),
                              vcvtq_f32_s32(vcvtq_s32_f32(a)), vcvtq_f32_u32(vcvtq_u32_f32(b)),
                              vcvtq_n_f32_s32(vreinterpretq_s32_f32(c), 7) };
        MIXA(rf4);
        uint32x4_t cmp[] = { vceqq_f32(a, b), vcgeq_f32(a, b), vcgtq_f32(a, c), vcageq_f32(a, b),
                             vcaltq_f32(b, c), vcvtq_n_u32_f32(a, 3) };
        MIXA(cmp);
    }
    section("neon-float");
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    digest = 0xcbf29ce484222325ull;
    integer();
    vfp_single();
    vfp_double();
    neon_integer();
    neon_float();
    printf("a32-check done\n");
    return 0;
}
