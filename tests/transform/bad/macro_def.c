#include <gosched.h>
#define WORKER(name) GO_FUNC void name(void) { go_yield(); }
WORKER(w1)  // expect-error: 3:1: is defined by a macro
