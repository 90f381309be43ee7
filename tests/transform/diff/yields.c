/* go_yield() at every statement, through every statement form; goroutines
 * report through a buffered channel (so the sequential oracle never blocks)
 * and the results are combined order-independently. */
#include <gosched.h>
#include <stdio.h>

enum { WORKERS = 6 };

GO_FUNC static int collatz(long n)
{
    go_yield();
    int steps = 0;
    go_yield();
    while (go_yield(), n != 1) {
        go_yield();
        if (n % 2 == 0) {
            go_yield();
            n /= 2;
        } else {
            go_yield();
            n = 3 * n + 1;
        }
        go_yield();
        steps++;
    }
    go_yield();
    return steps;
}

GO_FUNC static int classify(int v)
{
    go_yield();
    switch (v % 4) {
    case 0:
        go_yield();
        return 10;
    case 1: {
        go_yield();
        int r = 20;
        go_yield();
        return r + 1;
    }
    case 2:
        go_yield();
        /* fallthrough */
    default:
        go_yield();
        break;
    }
    go_yield();
    return 30;
}

GO_FUNC static int gotos(int n)
{
    int acc = 0;
    go_yield();
    int i = 0;
top:
    go_yield();
    if (i >= n)
        goto out;
    go_yield();
    acc += (go_yield(), i) * 2;
    i++;
    go_yield();
    goto top;
out:
    go_yield();
    return acc;
}

GO_FUNC static void worker(go_chan *out, int id, go_wg *wg)
{
    go_yield();
    int sum = 0;
    for (int i = 0; go_yield(), i < 10; go_yield(), i++) {
        go_yield();
        if (i % 3 == 0) {
            go_yield();
            continue;
        }
        go_yield();
        sum += collatz(id * 10 + i) + classify(i) + gotos(i);
        go_yield();
    }
    do {
        go_yield();
        sum++;
    } while (go_yield(), sum % 7 != 0);
    go_yield();
    go_send(out, &sum);
    go_yield();
    go_wg_done(wg);
}

GO_FUNC static int app(void)
{
    go_chan *c = go_chan_make(sizeof(int), WORKERS);
    go_wg wg = GO_WG_INIT;
    go_yield();
    for (int w = 1; w <= WORKERS; w++) {
        go_yield();
        go_wg_add(&wg, 1);
        go(worker(c, w, &wg));
    }
    long total = 0, xor = 0;
    for (int w = 0; w < WORKERS; w++) {
        int v;
        go_yield();
        go_recv(c, &v);
        total += v;
        xor ^= v;
    }
    go_yield();
    printf("total %ld xor %ld\n", total, xor);
    go_wg_wait(&wg);
    go_chan_free(c);
    return 0;
}

int main(void)
{
    return go_main(app());
}
