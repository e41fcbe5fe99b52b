/* IEEE 754 arithmetic with Arm semantics (FPCR modes, FPSR flags, NaN rules),
 * shared by scalar FP and AdvSIMD. */
#ifndef NESTVM_FPU_H
#define NESTVM_FPU_H

#include "cpu.h"

#endif
