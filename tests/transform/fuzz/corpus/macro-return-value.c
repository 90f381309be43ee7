/* The same with a value: `CHECK(a > 0);` becomes
 * `{ fr->__ret = (CHECK(fr->a > 0)); return GO_DONE; }`, which does not
 * compile ("expected expression before 'if'"); gotransform exits 0.
 * (fuzz_transform found it as RECV_OR_FAIL(c, &v) with an undeclared callee.) */
#include <gosched.h>
#include <stdio.h>

#define CHECK(x) if (!(x)) return -1

GO_FUNC static int f(int a)
{
    go_yield();
    CHECK(a > 0);
    return a;
}

GO_FUNC static int app(void)
{
    printf("%d %d\n", f(1), f(0));
    return 0;
}

int main(void) { return go_main(app()); }
