/* Integer AdvSIMD: generated widening, narrowing, pairwise-long and
 * across-lanes handlers. */
#include "simd-internal.h"

SIMD_LONG_LIST(GEN_LONG)
SIMD_WIDE_LIST(GEN_WIDE)
SIMD_LONGX_LIST(GEN_LONGX)
SIMD_NARROW_LIST(GEN_NARROW)
SIMD_PAIRL_LIST(GEN_PAIRL)

GEN_ACR(addv, ut, a, acc + v)
GEN_ACR(saddlv, sw, (st)a, acc + v)
GEN_ACR(uaddlv, uw, a, acc + v)
GEN_ACR(smaxv, st, (st)a, v > acc ? v : acc)
GEN_ACR(umaxv, ut, a, v > acc ? v : acc)
GEN_ACR(sminv, st, (st)a, v < acc ? v : acc)
GEN_ACR(uminv, ut, a, v < acc ? v : acc)
