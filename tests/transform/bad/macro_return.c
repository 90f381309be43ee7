/* A `return` produced by a macro (here inside the `if` the macro expands
 * to) cannot be rewritten in place: rejected, never lowered without its
 * condition.  Found by the fuzz target (tests/transform/fuzz). */
#include <gosched.h>
#include <stdio.h>

#define BAIL_IF(x) if (x) return

static int count;

GO_FUNC static void step(int i)
{
    go_yield();
    BAIL_IF(i > 2); // expect-error: 14:5: cannot lower a 'return' produced by a macro
    count++;
}

GO_FUNC static int app(void)
{
    for (int i = 0; i < 5; i++)
        step(i);
    printf("%d\n", count);
    return 0;
}

int main(void) { return go_main(app()); }
