#include <gosched.h>
GO_FUNC int f(go_chan *c)
{
    int v;
    int x = ({ go_recv(c, &v); v + 1; });  // expect-error: 5:13: GNU statement expression
    return x;
}
