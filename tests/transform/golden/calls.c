/* Nested GO_FUNC calls: an inline child (callee defined before), a heap child
 * (recursion), and a callee only declared here (defined in another file). */
#include <gosched.h>

GO_FUNC int later(int k);             /* defined in another translation unit */

GO_FUNC static int leaf(int k)
{
    go_yield();
    return k + 1;
}

GO_FUNC static int fib(int n)
{
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

GO_FUNC int calls(int n)
{
    int a = leaf(n);
    int b = fib(a);
    leaf(b);
    return later(a + b);
}
