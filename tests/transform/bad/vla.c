#include <gosched.h>
GO_FUNC void f(go_chan *c, int n)
{
    int buf[n];  // expect-error: 4:9: variable-length array 'buf' lives across a suspension point
    go_recv(c, buf);
}
