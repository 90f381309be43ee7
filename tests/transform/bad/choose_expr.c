#include <gosched.h>
GO_FUNC int f(go_chan *c)
{
    int v;
    return __builtin_choose_expr(1, go_recv(c, &v), 0);  // expect-error: 5:12: __builtin_choose_expr
}
