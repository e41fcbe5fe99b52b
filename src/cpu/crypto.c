/* crypto instruction class. */
#include "uop.h"
