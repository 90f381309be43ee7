/* pingpong — two goroutines, two unbuffered channels: main sends v on ping,
 * the echo goroutine sends v+1 back on pong, n times (default 1,000,000).
 * check is the final v, which equals n.  Twin: go/pingpong.go.
 * Metric: ns per round trip (two channel hand-offs, two goroutine switches).
 */
#include <gosched.h>

#include "bench.h"

GO_FUNC static void echo(go_chan *ping, go_chan *pong) {
    int64_t v;
    while (go_recv(ping, &v)) {
        v++;
        go_send(pong, &v);
    }
    go_chan_close(pong);
}

GO_FUNC static int app(int64_t n) {
    go_chan *ping = go_chan_make(sizeof(int64_t), 0);
    go_chan *pong = go_chan_make(sizeof(int64_t), 0);
    go(echo(ping, pong));
    int64_t v = 0;
    int64_t start = bench_now_ns();
    for (int64_t i = 0; i < n; i++) {
        go_send(ping, &v);
        go_recv(pong, &v);
    }
    int64_t elapsed = bench_now_ns() - start;
    go_chan_close(ping);
    go_recv(pong, NULL);   /* closed by echo: neither channel is used any more */
    go_chan_free(ping);
    go_chan_free(pong);
    printf("bench=pingpong procs=%d n=%" PRId64 " check=%" PRId64 " ns_per_roundtrip=%.1f\n",
           go_procs(), n, v, (double)elapsed / (double)n);
    return 0;
}

int main(int argc, char **argv) {
    return go_main(app(bench_arg(argc, argv, 1, 1000000, 1, "[round trips]")));
}
