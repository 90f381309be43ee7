#include <gosched.h>
static void release(int *p) { (void)p; }
GO_FUNC void f(void)
{
    __attribute__((cleanup(release))) int token = 1;  // expect-error: 5:43: cleanup attribute
    go_yield();
    (void)token;
}
