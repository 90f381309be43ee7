#include <gosched.h>
int main(void)
{
    go_yield();  // expect-error: 4:5: 'go_yield' can suspend: call it inside a GO_FUNC
    return 0;
}
