#include <gosched.h>
GO_FUNC int f(void)
{
    enum { N = 4 };
    struct local { int a[N]; } s = { { 1 } };  // expect-error: 5:32: cannot be named outside the function
    go_yield();
    return s.a[0];
}
