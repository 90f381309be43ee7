/* Types declared inside a GO_FUNC used by frame-resident locals: struct
 * and union definitions move to file scope under a new tag (self-reference,
 * nesting by value, anonymous, behind a local typedef); enums become their
 * integer type. */
#include <gosched.h>
#include <stdio.h>
GO_FUNC static int f(int n)
{
    struct pt { int a; struct pt *next; } p = { n, 0 };
    struct pt q = p;
    typedef struct { int b; struct pt inner; } anon_t;
    anon_t r = { 2, { 3, &q } };
    enum color { RED, GREEN = 5 } c = GREEN;
    struct { short s; } unnamed = { 7 };
    go_yield();
    q.a += 1;
    p.next = &q;
    return p.a + p.next->a + r.b + r.inner.next->a + (int)sizeof(struct pt) / (int)sizeof(struct pt) + c + unnamed.s;
}
GO_FUNC static int app(void) { printf("%d\n", f(10)); return 0; }
int main(void) { return go_main(app()); }
