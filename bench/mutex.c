/* mutex — 8 goroutines each do n (default 1,000,000) increments of one
 * counter under one go_mutex.  check is the final count, 8n.
 * Twin: go/mutex.go (sync.Mutex).  Metric: ns per locked increment.
 */
#include <gosched.h>

#include "bench.h"

enum { WORKERS = 8 };

GO_FUNC static void increment(go_mutex *mu, int64_t *counter, int64_t n, go_wg *wg) {
    for (int64_t i = 0; i < n; i++) {
        go_mutex_lock(mu);
        (*counter)++;
        go_mutex_unlock(mu);
    }
    go_wg_done(wg);
}

GO_FUNC static int app(int64_t n) {
    go_mutex mu = GO_MUTEX_INIT;
    go_wg wg = GO_WG_INIT;
    int64_t counter = 0;
    int64_t start = bench_now_ns();
    go_wg_add(&wg, WORKERS);
    for (int w = 0; w < WORKERS; w++)
        go(increment(&mu, &counter, n, &wg));
    go_wg_wait(&wg);
    int64_t elapsed = bench_now_ns() - start;
    printf("bench=mutex procs=%d n=%" PRId64 " check=%" PRId64 " ns_per_lock=%.1f\n",
           go_procs(), n, counter, (double)elapsed / (double)(WORKERS * n));
    return 0;
}

int main(int argc, char **argv) {
    return go_main(app(bench_arg(argc, argv, 1, 1000000, 1, "[increments per goroutine]")));
}
