#include <gosched.h>
static int global;
#define SEND_GLOBAL(c) go_send(c, &global)
GO_FUNC void f(go_chan *c)
{
    SEND_GLOBAL(c);  // expect-error: 6:5: its argument comes from a macro body
}
