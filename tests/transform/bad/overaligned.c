#include <gosched.h>
GO_FUNC int f(void)
{
    _Alignas(64) char line[64] = { 0 };  // expect-error: 4:23: needs 64-byte alignment
    go_yield();
    return line[0];
}
