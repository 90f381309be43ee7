/* Harder corners: nested ?: with suspensions, suspensions on both sides of
 * a compound assignment, a comma in a for increment, goto into a rewritten
 * loop, pointers to frame locals written by a nested call that suspends,
 * do { } while (0) bodies, break/continue inside switch inside loops whose
 * condition suspends, return from deep inside loops. */
#include <gosched.h>
#include <stdio.h>

struct triple { int v[3]; };

GO_FUNC static int id(int v) { go_yield(); return v; }

GO_FUNC static void store(int *dst, int v)
{
    go_yield();
    *dst = v;
    go_yield();
}

GO_FUNC static int pick(int a, int b)
{
    return a ? id(1) : b ? id(2) : id(3);
}

GO_FUNC static int deep(int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; id(j) < n; j++)
            while (id(i + j) >= 0) {
                if (i * j == 6)
                    return id(i * 100 + j);
                break;
            }
    return -1;
}

GO_FUNC static int tricky(int n)
{
    int arr[8] = { 0 };
    int acc = 0;
    arr[id(2)] += id(5);
    arr[id(3)] = arr[id(2)] * id(2);
    for (int i = 0; i < n; i++, go_yield())
        acc += arr[i % 8];
    int k = 0;
    if (n > 100)
        goto inside;
    while (id(k) < 5) {
inside:
        switch (id(k % 3)) {
        case 0:
            k++;
            continue;
        case 1:
            k += 2;
            break;
        default:
            k++;
            if (k > 7)
                break;
            continue;
        }
        acc += k;
    }
    int cell = 0;
    store(&cell, 42);
    acc += cell;
    do {
        acc += id(1);
        if (acc > 1000)
            break;
    } while (0);
    struct triple s = { { 1, 2, 3 } };
    s.v[id(1)] += id(s.v[id(2)]);
    acc += s.v[1];
    acc += (id(1), id(2), id(3));
    acc += pick(0, 0) * 100 + pick(0, 1) * 10 + pick(1, 0);
    return acc + deep(5);
}

GO_FUNC static int app(void)
{
    for (int n = 0; n < 20; n += 3)
        printf("%d: %d\n", n, tricky(n));
    printf("deep: %d %d\n", deep(3), deep(10));
    return 0;
}

int main(void)
{
    return go_main(app());
}
