/* parked — n goroutines (default 1,000,000) blocked on one channel: the
 * memory a parked goroutine costs.  Each goroutine signals `started`, then
 * blocks receiving from `release`.  Main reads VmRSS before spawning and
 * once all have started, then closes `release`; every goroutine wakes, counts
 * itself and exits.  check is that count (n).  Twin: go/parked.go.
 * Metrics: bytes_per_g = RSS growth / n; rss_mib = the RSS with all parked.
 */
#include <gosched.h>

#include "bench.h"

GO_FUNC static void parked(go_chan *release, go_wg *started, go_wg *finished, int64_t *woken) {
    go_wg_done(started);
    go_recv(release, NULL);   /* closed by main: returns false */
    __atomic_fetch_add(woken, 1, __ATOMIC_RELAXED);
    go_wg_done(finished);
}

GO_FUNC static int app(int64_t n) {
    go_chan *release = go_chan_make(sizeof(int64_t), 0);
    go_wg started = GO_WG_INIT, finished = GO_WG_INIT;
    int64_t woken = 0;
    int64_t before = bench_rss_bytes();
    go_wg_add(&started, n);
    go_wg_add(&finished, n);
    for (int64_t i = 0; i < n; i++)
        go(parked(release, &started, &finished, &woken));
    go_wg_wait(&started);
    int64_t after = bench_rss_bytes();

    go_chan_close(release);
    go_wg_wait(&finished);
    go_chan_free(release);
    printf("bench=parked procs=%d n=%" PRId64 " check=%" PRId64 " bytes_per_g=%.1f rss_mib=%.1f\n",
           go_procs(), n, __atomic_load_n(&woken, __ATOMIC_RELAXED),
           (double)(after - before) / (double)n, (double)after / (1024.0 * 1024.0));
    return 0;
}

int main(int argc, char **argv) {
    return go_main(app(bench_arg(argc, argv, 1, 1000000, 1, "[goroutines]")));
}
