#include <gosched.h>
GO_FUNC int f(void)
{
    struct local { int a; } s = { 1 };  // expect-error: 4:29: cannot be named outside the function
    go_yield();
    return s.a;
}
