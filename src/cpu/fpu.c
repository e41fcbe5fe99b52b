/* IEEE 754 arithmetic with Arm semantics. */
#include "fpu.h"
