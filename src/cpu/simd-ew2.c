/* Integer AdvSIMD: generated same-width element-wise handlers (part 2:
 * register shifts, two-register misc and shifts by immediate). */
#include "simd-internal.h"

SIMD_EW_LIST_B(GEN_EW)
