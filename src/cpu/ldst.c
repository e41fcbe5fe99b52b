/* ldst instruction class. */
#include "uop.h"
