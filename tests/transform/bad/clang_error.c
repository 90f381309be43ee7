#include <gosched.h>
GO_FUNC int f(void)
{
    return undeclared_name;  // expect-error: 4:12: use of undeclared identifier 'undeclared_name'
}
