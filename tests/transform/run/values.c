/* Structs and arrays through GO_FUNC parameters and results, recursion and
 * mutual recursion (heap child frames), a static GO_FUNC used before its
 * definition, void nested calls. */
#include <gosched.h>
#include <stdio.h>

struct vec { int x, y; };

GO_FUNC static struct vec add(struct vec a, struct vec b);
GO_FUNC static int is_odd(int n);

GO_FUNC static int is_even(int n)
{
    if (n == 0)
        return 1;
    go_yield();
    return is_odd(n - 1);
}

GO_FUNC static int is_odd(int n)
{
    if (n == 0)
        return 0;
    return is_even(n - 1);
}

GO_FUNC static long depth(int n)
{
    if (n == 0)
        return 0;
    long d = depth(n - 1);
    return d + n;
}

GO_FUNC static void fill(int *out, const int in[4], int n)
{
    for (int i = 0; i < n; i++) {
        go_yield();
        out[i] = in[i] * in[i];
    }
}

GO_FUNC static int app(int n)
{
    struct vec v = { 1, 2 };
    for (int i = 0; i < n; i++)
        v = add(v, (struct vec){ i, -i });
    printf("vec %d %d\n", v.x, v.y);
    printf("even(10)=%d even(7)=%d\n", is_even(10), is_even(7));
    printf("depth(2000)=%ld\n", depth(2000));
    int sq[4];
    fill(sq, (int[4]){ 1, 2, 3, 4 }, 4);
    printf("squares %d %d %d %d\n", sq[0], sq[1], sq[2], sq[3]);
    return 0;
}

GO_FUNC static struct vec add(struct vec a, struct vec b)
{
    go_yield();
    return (struct vec){ a.x + b.x, a.y + b.y };
}

int main(void)
{
    return go_main(app(5));
}
