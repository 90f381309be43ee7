#include <gosched.h>
GO_FUNC int app(void) { go_yield(); return 0; }
GO_FUNC int f(void)
{
    return go_main(app());  // expect-error: 5:12: go_main() cannot be used inside a GO_FUNC
}
