#include <gosched.h>
GO_FUNC void f(int n, ...)  // expect-error: 2:14: a GO_FUNC cannot be variadic
{
    go_yield();
}
