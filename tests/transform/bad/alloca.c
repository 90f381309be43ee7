#include <alloca.h>
#include <gosched.h>
GO_FUNC void f(go_chan *c, int n)
{
    char *p = alloca(n);  // expect-error: 5:15: alloca() memory would live across a suspension point
    go_recv(c, p);
}
