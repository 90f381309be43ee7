#include <gosched.h>
GO_FUNC int sum(int n, ...);
GO_FUNC int f(void)
{
    return sum(2, 1, 2);  // expect-error: 5:12: a GO_FUNC cannot be variadic
}
