/* fp instruction class. */
#include "uop.h"
