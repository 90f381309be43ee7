#include <assert.h>
#include <gosched.h>
GO_FUNC void f(go_chan *c)
{
    int v;
    assert(go_recv(c, &v));  // expect-error: 6:5: inside the expansion of macro 'assert'
}
