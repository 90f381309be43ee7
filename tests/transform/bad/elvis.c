#include <gosched.h>
GO_FUNC int f(go_chan *c, int a)
{
    int v;
    return a ?: go_recv(c, &v);  // expect-error: 5:12: 'a ?: b'
}
