/* Feature queries over a CPU model's ID registers. */
#ifndef NESTVM_MODEL_H
#define NESTVM_MODEL_H

#include "cpu.h"

/* Linux arm64 HWCAP / HWCAP2 bits (uapi/asm/hwcap.h). */
#define HWCAP_FP (1ull << 0)
#define HWCAP_ASIMD (1ull << 1)
#define HWCAP_EVTSTRM (1ull << 2)
#define HWCAP_AES (1ull << 3)
#define HWCAP_PMULL (1ull << 4)
#define HWCAP_SHA1 (1ull << 5)
#define HWCAP_SHA2 (1ull << 6)
#define HWCAP_CRC32 (1ull << 7)
#define HWCAP_ATOMICS (1ull << 8)
#define HWCAP_FPHP (1ull << 9)
#define HWCAP_ASIMDHP (1ull << 10)
#define HWCAP_CPUID (1ull << 11)
#define HWCAP_ASIMDRDM (1ull << 12)
#define HWCAP_JSCVT (1ull << 13)
#define HWCAP_FCMA (1ull << 14)
#define HWCAP_LRCPC (1ull << 15)
#define HWCAP_DCPOP (1ull << 16)
#define HWCAP_SHA3 (1ull << 17)
#define HWCAP_SM3 (1ull << 18)
#define HWCAP_SM4 (1ull << 19)
#define HWCAP_ASIMDDP (1ull << 20)
#define HWCAP_SHA512 (1ull << 21)
#define HWCAP_SVE (1ull << 22)
#define HWCAP_ASIMDFHM (1ull << 23)
#define HWCAP_DIT (1ull << 24)
#define HWCAP_USCAT (1ull << 25)
#define HWCAP_ILRCPC (1ull << 26)
#define HWCAP_FLAGM (1ull << 27)
#define HWCAP_SSBS (1ull << 28)
#define HWCAP_SB (1ull << 29)
#define HWCAP_PACA (1ull << 30)
#define HWCAP_PACG (1ull << 31)
#define HWCAP2_DCPODP (1ull << 0)
#define HWCAP2_FLAGM2 (1ull << 7)
#define HWCAP2_FRINT (1ull << 8)
#define HWCAP2_RNG (1ull << 16)

void cpu_model_hwcaps(const struct cpu_model *m, uint64_t *hwcap, uint64_t *hwcap2);

#endif
