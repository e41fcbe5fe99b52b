/* Integer AdvSIMD: generated same-width element-wise handlers (part 1:
 * three-same arithmetic, by-element and pairwise families). */
#include "simd-internal.h"

SIMD_EW_LIST_A(GEN_EW)
SIMD_EWX_LIST(GEN_EWX)
SIMD_PAIR_LIST(GEN_PAIR)
