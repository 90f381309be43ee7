/* spawn — n goroutines (default 10,000,000) that each only signal a
 * WaitGroup; main spawns them all, then waits.  check is n, printed once the
 * wait has returned (it returns only after n signals).
 * Twin: go/spawn.go.  Metric: ns per goroutine (spawn, run, exit).
 */
#include <gosched.h>

#include "bench.h"

GO_FUNC static void signal_done(go_wg *wg) {
    go_wg_done(wg);
}

GO_FUNC static int app(int64_t n) {
    go_wg wg = GO_WG_INIT;
    int64_t start = bench_now_ns();
    go_wg_add(&wg, n);
    int64_t spawned = 0;
    for (; spawned < n; spawned++)
        go(signal_done(&wg));
    go_wg_wait(&wg);
    int64_t elapsed = bench_now_ns() - start;
    printf("bench=spawn procs=%d n=%" PRId64 " check=%" PRId64 " ns_per_g=%.1f\n",
           go_procs(), n, spawned, (double)elapsed / (double)n);
    return 0;
}

int main(int argc, char **argv) {
    return go_main(app(bench_arg(argc, argv, 1, 10000000, 1, "[goroutines]")));
}
