#include <gosched.h>
#include <stdio.h>
#include <string.h>

struct point { int x, y; };
typedef struct { int a[3]; const char *name; } rec_t;

GO_FUNC static int fib(int n) {
    if (n < 2)
        return n;
    return fib(n - 1) + fib(n - 2);
}

GO_FUNC static int twice(int v) {
    go_yield();
    return 2 * v;
}

GO_FUNC static struct point mkpt(int x, int y) {
    go_yield();
    struct point p = { x, y };
    return p;
}

GO_FUNC static int yes(int v) { go_yield(); return v != 0; }

GO_FUNC static int loops(int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
        int s = i * 10;          /* shadows */
        go_yield();
        {
            int s = 1;           /* shadows again */
            go_yield();
            s += 1;
            printf("inner s=%d\n", s);
        }
        printf("mid s=%d\n", s);
    }
    int k = 0;
    while (twice(k) < 10) {
        k++;
        if (k == 2)
            continue;
        s += k;
    }
    do {
        k--;
        if (k == 3) continue;
        go_yield();
        s += k;
    } while (yes(k > 0));
    for (int j = 0; twice(j) < 8; j += twice(1) / 2) {
        if (j == 1)
            continue;
        s += j * 100;
    }
    return s;
}

GO_FUNC static int sw(int v) {
    int r = 0;
    switch (twice(v)) {
    case 2:
        go_yield();
        r = 1;
        /* fallthrough */
    case 4: {
        int t = twice(r + 5);
        r += t;
        break;
    }
    default:
        r = -1;
        break;
    }
    int i = 0;
again:
    go_yield();
    if (++i < 3)
        goto again;
    return r + i;
}

static int side;
static int bump(int v) { side = side * 10 + v; return v; }

GO_FUNC static int logic(int a) {
    int r = 0;
    if (a && yes(a))
        r += 1;
    if (!a || yes(a - 1))
        r += 10;
    r += a ? twice(a) : twice(100);
    r += (bump(1), twice(3));
    r = yes(0) && bump(7) ? 1000 : r;
    int x = (a > 1) ? fib(a) : (bump(2), fib(3));
    return r + x;
}

GO_FUNC static int data(int n) {
    int arr[4] = { 1, 2, 3, 4 };
    const int c = n * 2;
    char buf[16] = "hi";
    struct point p = mkpt(n, c);
    rec_t rec = { { 7, 8, 9 }, "rec" };
    int *ptr = &arr[1];
    static int calls;
    calls++;
    go_yield();
    *ptr += twice(c);
    buf[2] = '!';
    struct point *pp = &(struct point){ 5, 6 };
    go_yield();
    int sum = 0;
    for (int i = 0; i < 4; i++)
        sum += arr[i];
    printf("%s %d %d %d %s %d %d %d calls=%d\n", buf, p.x, p.y, rec.a[1], rec.name, sum, pp->x, pp->y, calls);
    int s2 = fib(n) + fib(n + 1) * twice(fib(3));
    return s2 + (int)sizeof(twice(3));
}

GO_FUNC static int app(int n) {
    printf("fib %d\n", fib(n));
    printf("loops %d\n", loops(3));
    printf("sw %d %d %d\n", sw(1), sw(2), sw(3));
    for (int a = 0; a < 4; a++) {
        side = 0;
        int l = logic(a);
        printf("logic %d %d side=%d\n", a, l, side);
    }
    printf("data %d\n", data(5));
    return 0;
}

int main(void) {
    return go_main(app(10));
}
