/* CPU models: each is a documented feature set expressed as ID register
 * values.  Everything else (Linux HWCAPs, decode gating) derives from these
 * fields, so a model advertises exactly what the CPU implements. */
#include <string.h>

#include "cpu.h"
#include "model.h"

/* ID_AA64ISAR0_EL1: AES=2 (AES+PMULL), SHA1=1, SHA2=2 (SHA256+SHA512),
 * CRC32=1, Atomic=2 (LSE), RDM=1, SHA3=1, DP=1, FHM=1, TS=2 (FlagM2). */
#define ISAR0_BASE (2ull << 4 | 1ull << 8 | 2ull << 12 | 1ull << 16 | 2ull << 20 | 1ull << 28 | \
                    1ull << 32 | 1ull << 44 | 1ull << 48 | 2ull << 52)
/* ID_AA64ISAR1_EL1: DPB=1 (DC CVAP), JSCVT=1, FCMA=1, LRCPC=1, FRINTTS=1, SB=1. */
#define ISAR1_BASE (1ull << 0 | 1ull << 12 | 1ull << 16 | 1ull << 20 | 1ull << 32 | 1ull << 36)
/* ID_AA64PFR0_EL1: EL0=EL1=AArch64 only (PFR0_A32 adds AArch32), FP and AdvSIMD without FP16,
 * GIC system registers, CSV2/CSV3 (not affected by Spectre v2 / Meltdown). */
#define PFR0_BASE (1ull << 0 | 1ull << 4 | 0ull << 16 | 0ull << 20 | 1ull << 24 | 1ull << 56 | 1ull << 60)
/* ID_AA64MMFR0_EL1: PARange=48 bits, 16-bit ASIDs, 4K/16K/64K granules. */
#define MMFR0_BASE (5ull << 0 | 2ull << 4 | 1ull << 20 | 0ull << 24 | 0ull << 28)
/* ID_AA64MMFR1_EL1: HPDS=1 (hierarchical permission disables), PAN=1.
 * (VH is added when the VM has EL2.) */
#define MMFR1_BASE (1ull << 12 | 1ull << 20)
/* ID_AA64MMFR2_EL1: NV=2, FEAT_NV and FEAT_NV2 (reported only when the VM
 * has EL2, see nv.c). */
#define MMFR2_BASE (2ull << 24)
/* ID_AA64DFR0_EL1: Armv8.0 debug (DebugVer 6), 6 breakpoints (BRPs 5), of
 * which 2 context-aware (CTX_CMPs 1), 4 watchpoints (WRPs 3), no PMU; the
 * comparators src/cpu/debug.c implements (DBG_NUM_*). */
#define DFR0_BASE (6ull << 0 | 5ull << 12 | 3ull << 20 | 1ull << 28)
/* AArch32 at EL0 and EL1 (docs/aarch32.md): the AArch32 ID registers of
 * what the CPU implements there.
 *  ID_PFR0: A32 (State0=1), T32 with Thumb-2 (State1=3), trivial Jazelle
 *           (State2=1: BXJ is BX).
 *  ID_PFR1: ProgMod=1 (the AArch32 modes), GenTimer=1 (the CP15 timer
 *           registers), GIC=1 (ICC_* through CP15); no AArch32 EL2 or EL3.
 *  ID_ISAR0: Divide=2 (SDIV/UDIV in A32 and T32), Debug=1 (BKPT),
 *           CmpBranch=1 (CBZ), BitField=1, BitCount=1 (CLZ); no SWP.
 *  ID_ISAR1: Jazelle=1, Interwork=3, Immediate=1, IfThen=1, Extend=2,
 *           Except_AR=1 (SRS, RFE, CPS), Except=1 (LDM/STM with ^); no
 *           SETEND (Endian=0: little-endian only).
 *  ID_ISAR2: Reversal=2, PSR_AR=1, MultU=2, MultS=3, Mult=2, MemHint=4,
 *           LoadStore=2 (LDRD/STRD, load-acquire/store-release).
 *  ID_ISAR3: Saturate=1, SIMD=3, SVC=1, SynchPrim=2, TabBranch=1,
 *           T32Copy=1, TrueNOP=1.
 *  ID_ISAR4: Unpriv=2, WithShifts=4, Writeback=1, Barrier=1; no SMC (no
 *           EL3).
 *  ID_ISAR5: SEVL=1, AES=2 (with PMULL), SHA1=1, SHA2=1, RDM=1 (from the
 *           AArch64 model's fields, all set in ISAR0_BASE); no CRC32.
 *  ID_ISAR6: JSCVT=1 (VJCVT).
 *  MVFR0: 32 D registers, single and double precision with divide and
 *         square root, directed rounding; no short vectors, no FP traps.
 *  MVFR1: FTZ and default NaN control, half-precision conversions (FP and
 *         Advanced SIMD), Advanced SIMD integer, single-precision float,
 *         loads/stores and fused multiply-add.
 *  MVFR2: FPMisc=4 (VSEL ... VRINT, VCVT{A,N,P,M}), SIMDMisc=3.
 *  ID_MMFR0: VMSAv7 with PXN and long descriptors (VMSA=5), shareability
 *           levels; ID_MMFR1-4: cache/TLB maintenance and barrier forms, as
 *           an Armv8.2 core reports them (no AArch32 PAN advertised).
 *  ID_DFR0: 0 (no AArch32 debug or PMU). */
#define A32_IDS                                                                                        \
    .id_pfr0 = 0x00000131, .id_pfr1 = 0x10010001, .id_dfr0 = 0,                                         \
    .id_isar = { 0x02101110, 0x13112110, 0x21232042, 0x01112131, 0x00010142, 0x01001121, 0x00000001 }, \
    .id_mmfr = { 0x10201105, 0x40000000, 0x01260000, 0x02102211, 0x00021110 },                          \
    .mvfr0 = 0x10110222, .mvfr1 = 0x12111111, .mvfr2 = 0x00000043
/* ID_AA64PFR0_EL1.EL0 = EL1 = 0b0010: AArch64 and AArch32 at EL0 and EL1. */
#define PFR0_A32 ((PFR0_BASE & ~0xffull) | 0x22ull)

/* CTR_EL0: 64-byte lines, PIPT I-cache, IDC (no D-cache clean needed for
 * instruction coherence); DIC clear, so software invalidates the I-cache. */
#define CTR_BASE (1ull << 31 | 1ull << 28 | 4ull << 24 | 4ull << 20 | 4ull << 16 | 3ull << 14 | 4ull)

/* A model: what its rows change against the default model's fields. */
#define MODEL(name_, doc_, isar1_, pfr0_, mmfr2_, midr_part_, ...)                                   \
    {                                                                                               \
        .name = name_, .doc = doc_, .id_aa64isar0 = ISAR0_BASE, .id_aa64isar1 = isar1_,              \
        .id_aa64pfr0 = pfr0_, .id_aa64mmfr0 = MMFR0_BASE, .id_aa64mmfr1 = MMFR1_BASE,                \
        .id_aa64mmfr2 = mmfr2_, .id_aa64dfr0 = DFR0_BASE,                                           \
        .midr = 0x4eull << 24 | 0xfull << 16 | (midr_part_) << 4, /* implementer 'N' (nestvm) */    \
        .ctr = CTR_BASE, .dczid = 4 /* DC ZVA zeroes 64 bytes */, __VA_ARGS__                        \
    }

static const struct cpu_model models[] = {
    MODEL("default",
          "ARMv8.2-A class core chosen for emulation speed: FP/AdvSIMD, crypto (AES, PMULL, SHA1/2/512/3), "
          "CRC32, LSE atomics, RDM, DotProd, FHM, FlagM/FlagM2, FRINTTS, JSCVT, FCMA, RCpc; AArch32 at EL0 and "
          "EL1 (A32/T32, VFP, Advanced SIMD, crypto); with --nested FEAT_NV and FEAT_NV2 (recursive nesting). "
          "No pointer authentication (QARMA dominates emulation time), no SVE, no MTE.",
          ISAR1_BASE, PFR0_A32, MMFR2_BASE, 0x001ull, A32_IDS),
    /* API=1, GPI=1: address and generic authentication, IMPDEF algorithm. */
    MODEL("max",
          "Every feature nestvm implements, including pointer authentication (FEAT_PAuth) with an "
          "IMPLEMENTATION DEFINED algorithm chosen for speed (not QARMA; see src/cpu/pauth.c).",
          ISAR1_BASE | 1ull << 8 | 1ull << 28, PFR0_A32, MMFR2_BASE, 0x002ull, A32_IDS),
    MODEL("no-nv2",
          "The default model with FEAT_NV but without FEAT_NV2: a guest hypervisor's EL2 register accesses "
          "all trap. Linux 6.16+ needs NV2 for its nested mode and falls back to plain VHE.",
          ISAR1_BASE, PFR0_A32, 1ull << 24, 0x003ull, A32_IDS),
};

/* Test-only models: found by cpu_model_find_test() alone, so no command
 * line or configuration can select them. */
static const struct cpu_model test_models[] = {
    MODEL("test-aarch64-only",
          "Tests only: the default model without AArch32 (EL0 and EL1 AArch64 only): returns to AArch32 are "
          "illegal.",
          ISAR1_BASE, PFR0_BASE, MMFR2_BASE, 0xf00ull, .id_pfr0 = 0 /* no AArch32 ID registers */),
    MODEL("test-aarch32-el0", "Tests only: AArch32 at EL0, AArch64 at EL1.", ISAR1_BASE,
          (PFR0_BASE & ~0xfull) | 2ull, MMFR2_BASE, 0xf01ull, A32_IDS),
    MODEL("test-aarch32-el1", "Tests only: the default model's AArch32 EL0 and EL1 under another MIDR.",
          ISAR1_BASE, PFR0_A32, MMFR2_BASE, 0xf02ull, A32_IDS),
};

const struct cpu_model *cpu_model_find(const char *name)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        if (!strcmp(models[i].name, name))
            return &models[i];
    return NULL;
}

const struct cpu_model *cpu_model_find_test(const char *name)
{
    for (size_t i = 0; i < sizeof(test_models) / sizeof(test_models[0]); i++)
        if (!strcmp(test_models[i].name, name))
            return &test_models[i];
    return cpu_model_find(name);
}

const struct cpu_model *cpu_model_default(void)
{
    return &models[0];
}

void cpu_model_list(void (*cb)(const struct cpu_model *m, void *opaque), void *opaque)
{
    for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
        cb(&models[i], opaque);
}

static unsigned fld(uint64_t reg, unsigned shift)
{
    return (unsigned)(reg >> shift & 0xf);
}

void cpu_model_hwcaps(const struct cpu_model *m, uint64_t *hwcap, uint64_t *hwcap2)
{
    uint64_t h = 0, h2 = 0;
    uint64_t i0 = m->id_aa64isar0, i1 = m->id_aa64isar1, p0 = m->id_aa64pfr0;
    if (fld(p0, 16) != 0xf) h |= HWCAP_FP;
    if (fld(p0, 16) == 1) h |= HWCAP_FPHP;
    if (fld(p0, 20) != 0xf) h |= HWCAP_ASIMD;
    if (fld(p0, 20) == 1) h |= HWCAP_ASIMDHP;
    if (fld(p0, 48) >= 1) h |= HWCAP_DIT;
    h |= HWCAP_EVTSTRM | HWCAP_CPUID;
    if (fld(i0, 4) >= 1) h |= HWCAP_AES;
    if (fld(i0, 4) >= 2) h |= HWCAP_PMULL;
    if (fld(i0, 8) >= 1) h |= HWCAP_SHA1;
    if (fld(i0, 12) >= 1) h |= HWCAP_SHA2;
    if (fld(i0, 12) >= 2) h |= HWCAP_SHA512;
    if (fld(i0, 16) >= 1) h |= HWCAP_CRC32;
    if (fld(i0, 20) >= 2) h |= HWCAP_ATOMICS;
    if (fld(i0, 28) >= 1) h |= HWCAP_ASIMDRDM;
    if (fld(i0, 32) >= 1) h |= HWCAP_SHA3;
    if (fld(i0, 44) >= 1) h |= HWCAP_ASIMDDP;
    if (fld(i0, 48) >= 1) h |= HWCAP_ASIMDFHM;
    if (fld(i0, 52) >= 1) h |= HWCAP_FLAGM;
    if (fld(i0, 52) >= 2) h2 |= HWCAP2_FLAGM2;
    if (fld(i0, 60) >= 1) h2 |= HWCAP2_RNG;
    if (fld(i1, 0) >= 1) h |= HWCAP_DCPOP;
    if (fld(i1, 0) >= 2) h2 |= HWCAP2_DCPODP;
    if (fld(i1, 12) >= 1) h |= HWCAP_JSCVT;
    if (fld(i1, 16) >= 1) h |= HWCAP_FCMA;
    if (fld(i1, 20) >= 1) h |= HWCAP_LRCPC;
    if (fld(i1, 20) >= 2) h |= HWCAP_ILRCPC;
    if (fld(i1, 32) >= 1) h2 |= HWCAP2_FRINT;
    if (fld(i1, 36) >= 1) h |= HWCAP_SB;
    if (fld(i1, 4) || fld(i1, 8)) h |= HWCAP_PACA;
    if (fld(i1, 24) || fld(i1, 28)) h |= HWCAP_PACG;
    *hwcap = h;
    *hwcap2 = h2;
}
