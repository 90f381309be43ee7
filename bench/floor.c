/* floor — the scheduler's floor: one goroutine yields n times (default
 * 10,000,000), so each iteration is a frame that returns GO_SUSPEND, goes
 * back to a run queue and is resumed.  check is the number of yields.
 * Twin: go/floor.go (runtime.Gosched, for reference).  Metric: ns per yield.
 */
#include <gosched.h>

#include "bench.h"

GO_FUNC static int app(int64_t n) {
    int64_t yields = 0;
    int64_t start = bench_now_ns();
    for (; yields < n; yields++)
        go_yield();
    int64_t elapsed = bench_now_ns() - start;
    printf("bench=floor procs=%d n=%" PRId64 " check=%" PRId64 " ns_per_yield=%.1f\n",
           go_procs(), n, yields, (double)elapsed / (double)n);
    return 0;
}

int main(int argc, char **argv) {
    return go_main(app(bench_arg(argc, argv, 1, 10000000, 1, "[yields]")));
}
