/* An old-style (K&R) GO_FUNC definition called with too few arguments:
 * clang only warns (undefined behaviour at run time); found by fuzzing,
 * when gotransform exited 0 with output that did not compile. */
#include <gosched.h>
#include <stdio.h>

GO_FUNC static int app(x)
    int x;
{
    go_yield();
    printf("%d\n", x);
    return 0;
}

GO_FUNC static int twice(void)
{
    return app(1) + app();   // expect-error: 17:21: GO_FUNC 'app' takes 1 argument, but this call passes 0
}

int main(void) { return go_main(app()); }   // expect-error: 20:33: GO_FUNC 'app' takes 1 argument, but this call passes 0
