#include <gosched.h>
GO_FUNC int f(go_chan *c)
{
    int v;
    return GO_BLOCKING(go_recv(c, &v));  // expect-error: 5:24: nothing may suspend inside GO_BLOCKING
}
