/* select — one consumer selects over 8 unbuffered channels, each fed by its
 * own producer; producer k sends its eighth of 0..n-1 (default n =
 * 4,000,000) and closes its channel, whose case the consumer then disables
 * (a NULL channel is never ready, as Go's nil channel).  check is the sum,
 * n(n-1)/2.  Twin: go/select.go.  Metric: ns per item.
 */
#include <gosched.h>

#include "bench.h"

enum { CHANNELS = 8 };

GO_FUNC static void feed(go_chan *c, int64_t from, int64_t to) {
    for (int64_t v = from; v < to; v++)
        go_send(c, &v);
    go_chan_close(c);
}

GO_FUNC static int app(int64_t n) {
    go_chan *chans[CHANNELS];
    go_case cases[CHANNELS];
    int64_t v;
    for (int k = 0; k < CHANNELS; k++) {
        chans[k] = go_chan_make(sizeof(int64_t), 0);
        cases[k] = (go_case)GO_CASE_RECV(chans[k], &v);
    }
    int64_t start = bench_now_ns();
    for (int k = 0; k < CHANNELS; k++)
        go(feed(chans[k], n * k / CHANNELS, n * (k + 1) / CHANNELS));
    int64_t sum = 0;
    for (int open = CHANNELS; open > 0;) {
        int k = go_select(cases, CHANNELS);
        if (cases[k].ok) {
            sum += v;
        } else {
            cases[k].chan = NULL;
            open--;
        }
    }
    int64_t elapsed = bench_now_ns() - start;
    for (int k = 0; k < CHANNELS; k++)
        go_chan_free(chans[k]);
    printf("bench=select procs=%d n=%" PRId64 " check=%" PRId64 " ns_per_item=%.1f\n",
           go_procs(), n, sum, (double)elapsed / (double)n);
    return 0;
}

int main(int argc, char **argv) {
    return go_main(app(bench_arg(argc, argv, 1, 4000000, 1, "[items]")));
}
