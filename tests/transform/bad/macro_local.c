#include <gosched.h>
#define BUMP() (count++)
GO_FUNC int f(void)
{
    int count = 0;
    go_yield();
    BUMP();  // expect-error: 7:5: 'count' lives in the frame of 'f' but is named inside the body of macro 'BUMP'
    return count;
}
