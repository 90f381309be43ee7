#include <gosched.h>
GO_FUNC int work(int n) { go_yield(); return n; }
int main(void)
{
    return work(3);  // expect-error: 5:12: 'work' is a GO_FUNC
}
