/* Preemption checks (docs/transform.md, "Preemption").  Loops that never
 * suspend get a spilling check: C locals live at the loop are copied into the
 * frame only when the goroutine yields, and back when it resumes. */
#include <gosched.h>

GO_FUNC long sum(const long *v, int n)
{
    long s = 0;
    for (int i = 0; i < n; i++)      /* s, i spilled; n, v are parameters */
        s += v[i];
    return s;
}

GO_FUNC int forms(int n)
{
    int a = 0, b;                    /* b: assigned after the loops only */
    while (a < n)
        a += 3;
    do {
        a--;
    } while (a > n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)  /* nested: each loop checks */
            a ^= i * j;
    b = a;
    return b;
}

GO_FUNC int kept(int n)
{
    int buf[8] = { 0 };              /* an array: its address may be held, so it lives in the frame */
    const int k = 7;                 /* const: cannot be reloaded, lives in the frame */
    for (int i = 0; i < n; i++)
        buf[i & 7] += k;
    return buf[0];
}

GO_FUNC int mixed(go_chan *c, int n)
{
    int total = 0;
    for (int r = 0; r < n; r++) {    /* suspends: its check is a suspension point */
        int v;
        go_recv(c, &v);
        for (int i = 0; i < v; i++)  /* computes: spilling check */
            total += i;
    }
    return total;
}

GO_FUNC int unchecked(int n)
{
    int x = 0;
    {
        int x = n;                   /* shadows the outer x, which is live: no check */
        while (x > 0)
            x--;
    }
    int vla[n > 0 ? n : 1];          /* a VLA cannot be jumped past: no check */
    for (int i = 0; i < n; i++)
        vla[i] = i;
    x += __extension__({ int s = 0; for (int i = 0; i < n; i++) s += i; s; });   /* statement expression: no check */
    return x + vla[0];
}

GO_FUNC GO_NOPREEMPT long hot(long n)
{
    long s = 0;
    for (long i = 0; i < n; i++)     /* GO_NOPREEMPT: no checks at all */
        s += i;
    return s;
}
