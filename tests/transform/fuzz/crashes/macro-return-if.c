/* A `return` inside an `if` that a macro expands to: gotransform replaces the
 * whole invocation with `{ return GO_DONE; }`, dropping the condition — the
 * transformed program prints 0, the sequential one 3, and gotransform exits 0. */
#include <gosched.h>
#include <stdio.h>

#define BAIL_IF(x) if (x) return

static int count;

GO_FUNC static void step(int i)
{
    go_yield();
    BAIL_IF(i > 2);
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
