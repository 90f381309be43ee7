#include <gosched.h>
#define RECV_OR_FAIL(c, p) if (!go_recv(c, p)) return -1
GO_FUNC int f(go_chan *c)
{
    int v;
    RECV_OR_FAIL(c, &v);  // expect-error: 6:5: macro
    return v;
}
