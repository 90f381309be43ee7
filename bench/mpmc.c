/* mpmc — 4 producers and 4 consumers share one channel of capacity cap
 * (argv[2]; 128 for the buffered run, 0 for the unbuffered one).  Producer p
 * sends its quarter of 0..n-1 (default n = 10,000,000); consumers sum what
 * they receive until the channel is closed (by main, once every producer is
 * done).  check is the total, n(n-1)/2: every item received exactly once.
 * Twin: go/mpmc.go.  Metric: ns per item.
 */
#include <gosched.h>

#include "bench.h"

enum { PRODUCERS = 4, CONSUMERS = 4 };

GO_FUNC static void produce(go_chan *c, int64_t from, int64_t to, go_wg *wg) {
    for (int64_t v = from; v < to; v++)
        go_send(c, &v);
    go_wg_done(wg);
}

GO_FUNC static void consume(go_chan *c, int64_t *total, go_wg *wg) {
    int64_t v, sum = 0;
    while (go_recv(c, &v))
        sum += v;
    *total = sum;
    go_wg_done(wg);
}

GO_FUNC static int app(int64_t n, int64_t cap) {
    go_chan *c = go_chan_make(sizeof(int64_t), (size_t)cap);
    go_wg producers = GO_WG_INIT, consumers = GO_WG_INIT;
    int64_t totals[CONSUMERS];
    int64_t start = bench_now_ns();
    go_wg_add(&producers, PRODUCERS);
    go_wg_add(&consumers, CONSUMERS);
    for (int p = 0; p < PRODUCERS; p++)
        go(produce(c, n * p / PRODUCERS, n * (p + 1) / PRODUCERS, &producers));
    for (int k = 0; k < CONSUMERS; k++)
        go(consume(c, &totals[k], &consumers));
    go_wg_wait(&producers);
    go_chan_close(c);
    go_wg_wait(&consumers);
    int64_t elapsed = bench_now_ns() - start;
    go_chan_free(c);
    int64_t sum = 0;
    for (int k = 0; k < CONSUMERS; k++)
        sum += totals[k];
    printf("bench=mpmc procs=%d n=%" PRId64 " cap=%" PRId64 " check=%" PRId64 " ns_per_item=%.1f\n",
           go_procs(), n, cap, sum, (double)elapsed / (double)n);
    return 0;
}

int main(int argc, char **argv) {
    const char *usage = "[items [capacity]]";
    int64_t n = bench_arg(argc, argv, 1, 10000000, 1, usage);
    int64_t cap = bench_arg(argc, argv, 2, 128, 0, usage);
    return go_main(app(n, cap));
}
