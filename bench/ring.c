/* ring — g goroutines (default 10,000) in a ring of unbuffered channels pass
 * one token round: main injects n (default 10,000,000) at node 0; a node that
 * receives t > 0 sends t-1 to the next node (one hop), the node that receives
 * 0 tells main.  Main then closes every channel, each node reports how many
 * hops it forwarded and exits; check is the sum, which equals n.
 * Twin: go/ring.go.  Metric: ns per hop.
 */
#include <gosched.h>

#include "bench.h"

GO_FUNC static void node(go_chan *in, go_chan *out, go_chan *done, int64_t *forwarded, go_wg *exited) {
    int64_t token, count = 0;
    while (go_recv(in, &token)) {
        if (token == 0) {
            go_send(done, &token);
            continue;
        }
        token--;
        count++;
        go_send(out, &token);
    }
    *forwarded = count;
    go_wg_done(exited);
}

GO_FUNC static int app(int64_t hops, int64_t size) {
    go_chan **ring = malloc((size_t)size * sizeof *ring);
    int64_t *forwarded = calloc((size_t)size, sizeof *forwarded);
    if (!ring || !forwarded)
        return 1;
    for (int64_t i = 0; i < size; i++)
        ring[i] = go_chan_make(sizeof(int64_t), 0);
    go_chan *done = go_chan_make(sizeof(int64_t), 0);
    go_wg exited = GO_WG_INIT;
    go_wg_add(&exited, size);
    for (int64_t i = 0; i < size; i++)
        go(node(ring[i], ring[(i + 1) % size], done, &forwarded[i], &exited));

    int64_t start = bench_now_ns();
    go_send(ring[0], &hops);
    go_recv(done, NULL);
    int64_t elapsed = bench_now_ns() - start;

    for (int64_t i = 0; i < size; i++)
        go_chan_close(ring[i]);
    go_wg_wait(&exited);
    int64_t sum = 0;
    for (int64_t i = 0; i < size; i++) {
        sum += forwarded[i];
        go_chan_free(ring[i]);
    }
    go_chan_free(done);
    free(ring);
    free(forwarded);
    printf("bench=ring procs=%d n=%" PRId64 " goroutines=%" PRId64 " check=%" PRId64 " ns_per_hop=%.1f\n",
           go_procs(), hops, size, sum, (double)elapsed / (double)hops);
    return 0;
}

int main(int argc, char **argv) {
    const char *usage = "[hops [goroutines]]";
    int64_t hops = bench_arg(argc, argv, 1, 10000000, 1, usage);
    int64_t size = bench_arg(argc, argv, 2, 10000, 1, usage);
    return go_main(app(hops, size));
}
