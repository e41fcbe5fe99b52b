/* simd instruction class. */
#include "uop.h"
