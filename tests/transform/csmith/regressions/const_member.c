/* A struct with a const member, as a GO_FUNC's result, parameter, hoisted
 * local and temporary (csmith seeds 3, 4, 7, ...). */
#include <gosched.h>
#include <stdio.h>

struct S { const int k; int v; };
static struct S g = { 1, 2 };

GO_FUNC static struct S get(void) { go_yield(); return g; }
GO_FUNC static int use(struct S s) { go_yield(); return s.k + s.v; }
GO_FUNC static int app(void)
{
    struct S l = g;
    go_yield();
    int r = use(get()) + l.k;
    printf("%d\n", r);
    return 0;
}
int main(void) { return go_main(app()); }
