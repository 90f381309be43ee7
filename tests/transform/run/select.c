/* select with compound-literal cases (they live in the frame while parked),
 * a WaitGroup, a mutex, and goroutines spawned in a loop. */
#include <gosched.h>
#include <stdio.h>

static go_mutex mu = GO_MUTEX_INIT;
static long total;

GO_FUNC static void producer(go_chan *out, int from, int n, go_wg *wg)
{
    for (int i = from; i < from + n; i++)
        go_send(out, &i);
    go_wg_done(wg);
}

GO_FUNC static void closer(go_wg *wg, go_chan *c, go_wg *finished)
{
    go_wg_wait(wg);
    go_chan_close(c);
    go_wg_done(finished);
}

GO_FUNC static void consumer(go_chan *a, go_chan *b, go_chan *done, go_wg *finished)
{
    int v, open_a = 1, open_b = 1;
    long sum = 0, count = 0;
    while (open_a || open_b) {
        go_case cases[2] = { GO_CASE_RECV(open_a ? a : NULL, &v), GO_CASE_RECV(open_b ? b : NULL, &v) };
        int i = go_select(cases, 2);
        if (!cases[i].ok) {
            if (i == 0) open_a = 0; else open_b = 0;
            continue;
        }
        sum += v;
        count++;
    }
    go_mutex_lock(&mu);
    total += sum;
    go_mutex_unlock(&mu);
    printf("consumer: %ld values\n", count);
    go_send(done, &(int){ 1 });
    go_wg_done(finished);
}

GO_FUNC static int app(int n)
{
    go_chan *a = go_chan_make(sizeof(int), 0), *b = go_chan_make(sizeof(int), 3);
    go_chan *done = go_chan_make(sizeof(int), 0);
    go_wg wa = GO_WG_INIT, wb = GO_WG_INIT, finished = GO_WG_INIT;
    for (int k = 0; k < 4; k++) {
        go_wg_add(&wa, 1);
        go(producer(a, k * n, n, &wa));
        go_wg_add(&wb, 1);
        go(producer(b, 10000 + k * n, n, &wb));
    }
    go_wg_add(&finished, 3);
    go(closer(&wa, a, &finished));
    go(closer(&wb, b, &finished));
    go(consumer(a, b, done, &finished));
    int one = 0;
    go_select((go_case[]){ GO_CASE_RECV(done, &one) }, 1);
    printf("one=%d total=%ld\n", one, total);
    go_wg_wait(&finished);        /* nobody touches the channels any more */
    go_chan_free(a);
    go_chan_free(b);
    go_chan_free(done);
    return 0;
}

int main(void)
{
    return go_main(app(100));
}
