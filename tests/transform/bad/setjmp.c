#include <gosched.h>
#include <setjmp.h>
static jmp_buf env;
GO_FUNC void f(void)
{
    if (setjmp(env))  // expect-error: 6:9: cannot be used in a GO_FUNC
        return;
    go_yield();
}
