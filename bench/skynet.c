/* skynet — a tree of goroutines, 10 children per node, down to n leaves
 * (default 1,000,000; a power of 10).  Leaf k sends k to its parent over an
 * unbuffered channel, each node sends the sum of its children up; the root's
 * sum is n(n-1)/2 (499999500000).  1,111,111 goroutines in all.
 * Twin: go/skynet.go.  Metric: ms for the whole tree.
 */
#include <gosched.h>

#include "bench.h"

enum { DIV = 10 };

GO_FUNC static void skynet(go_chan *parent, int64_t num, int64_t size) {
    if (size == 1) {
        go_send(parent, &num);
        return;
    }
    go_chan *rc = go_chan_make(sizeof(int64_t), 0);
    for (int64_t i = 0; i < DIV; i++)
        go(skynet(rc, num + i * (size / DIV), size / DIV));
    int64_t sum = 0;
    for (int i = 0; i < DIV; i++) {
        int64_t v;
        go_recv(rc, &v);
        sum += v;
    }
    go_chan_free(rc);
    go_send(parent, &sum);
}

GO_FUNC static int app(int64_t leaves) {
    int64_t start = bench_now_ns();
    go_chan *c = go_chan_make(sizeof(int64_t), 0);
    go(skynet(c, 0, leaves));
    int64_t sum;
    go_recv(c, &sum);
    go_chan_free(c);
    double ms = (double)(bench_now_ns() - start) / 1e6;
    printf("bench=skynet procs=%d n=%" PRId64 " check=%" PRId64 " ms=%.1f\n", go_procs(), leaves, sum, ms);
    return 0;
}

int main(int argc, char **argv) {
    int64_t leaves = bench_arg(argc, argv, 1, 1000000, 1, "[leaves, a power of 10]");
    int64_t n = leaves;
    while (n % DIV == 0)
        n /= DIV;
    if (n != 1) {
        fprintf(stderr, "usage: %s [leaves, a power of 10]\n", argv[0]);
        return 2;
    }
    return go_main(app(leaves));
}
