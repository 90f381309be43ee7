/* plain.c — no goroutines: gotransform_target copies it as it is. */
#include "local.h"

int twice(int x) { return 2 * x; }
