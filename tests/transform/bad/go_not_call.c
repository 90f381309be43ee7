#include <gosched.h>
int plain(int);
GO_FUNC void f(void)
{
    go(plain(1));  // expect-error: 5:5: go(...) takes exactly one call of a GO_FUNC
}
