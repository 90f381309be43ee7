#include <gosched.h>
GO_FUNC static int missing(int n);
GO_FUNC int f(void)
{
    return missing(1);  // expect-error: 5:12: static GO_FUNC 'missing' is used but never defined
}
