#include "header_def.h"
GO_FUNC int f(void)
{
    return in_header(1);  // expect-error: 4:12: GO_FUNC 'in_header' is defined in an included file
}
