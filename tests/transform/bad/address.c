#include <gosched.h>
GO_FUNC int work(int n) { go_yield(); return n; }
int (*fp)(int) = work;  // expect-error: 3:18: cannot take the address of GO_FUNC 'work'
