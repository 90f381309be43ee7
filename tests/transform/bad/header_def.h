#include <gosched.h>
GO_FUNC static inline int in_header(int n) { go_yield(); return n; }
