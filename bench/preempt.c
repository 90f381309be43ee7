/* preempt — what the preemption checks gotransform inserts cost a loop that
 * never suspends.  Each loop is a GO_FUNC twice: as users write it (a check
 * at entry and at the top of every iteration: one load of a thread-local
 * word and a branch; the loop's C locals are spilled to the frame only when
 * the check fires) and marked GO_NOPREEMPT (no checks).
 *   chain  x = x * a + i: a dependent multiply chain;
 *   sum    x += v[i % 1024]: a loop the compiler vectorises without the
 *          check and cannot with it (the check is a second loop exit);
 *   scan   a byte search with an early exit, a typical loop with a branch.
 * Each variant runs `rounds` times (default 5), alternating; the fastest
 * counts.  check is n when both forms of every loop computed the same result,
 * else 0.  Metrics: <loop>_ratio = time with checks / time without (1.00:
 * free), and the ns per iteration of each.
 * Then what the checks are for: a ticker (10 ms, 50 ticks) next to a
 * goroutine spinning in a loop that never suspends; tick_late_* is how late
 * the ticker goroutine received its ticks (median and max, ms).  With one P
 * the spinner yields only when sysmon asks (10 ms slices).
 *
 *     bench=preempt procs=<P> n=<iterations> check=<n> chain_ratio=<a> sum_ratio=<b> scan_ratio=<c> ... tick_late_median_ms=<m> tick_late_max_ms=<x>
 */
#include <gosched.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { VEC = 1024 };
#define MUL 6364136223846793005ull

GO_FUNC static uint64_t chain(uint64_t n)
{
    uint64_t x = 1;
    for (uint64_t i = 0; i < n; i++)
        x = x * MUL + i;
    return x;
}

GO_FUNC GO_NOPREEMPT static uint64_t chain_nocheck(uint64_t n)
{
    uint64_t x = 1;
    for (uint64_t i = 0; i < n; i++)
        x = x * MUL + i;
    return x;
}

GO_FUNC static uint64_t sum(const uint32_t *v, uint64_t n)
{
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++)
        x += v[i % VEC];
    return x;
}

GO_FUNC GO_NOPREEMPT static uint64_t sum_nocheck(const uint32_t *v, uint64_t n)
{
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++)
        x += v[i % VEC];
    return x;
}

/* The index of the first byte equal to c in s[0..n), else n. */
GO_FUNC static uint64_t scan(const unsigned char *s, uint64_t n, unsigned char c)
{
    uint64_t i = 0;
    while (i < n && s[i] != c)
        i++;
    return i;
}

GO_FUNC GO_NOPREEMPT static uint64_t scan_nocheck(const unsigned char *s, uint64_t n, unsigned char c)
{
    uint64_t i = 0;
    while (i < n && s[i] != c)
        i++;
    return i;
}

enum { TICKS = 50, PERIOD_MS = 10 };

static atomic_bool stop_spinning;

GO_FUNC static void spinner(void)
{
    uint64_t x = 0;
    while (!atomic_load_explicit(&stop_spinning, memory_order_relaxed))
        x++;
}

/* When the tick sent at `at` was due: the last multiple of the period after
 * start not later than at (a ticker drops ticks a slow receiver missed). */
static int64_t due(int64_t start, int64_t at)
{
    int64_t period = PERIOD_MS * GO_MILLISECOND;
    return start + (at - start) / period * period;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Lateness of TICKS ticks received next to a spinner, sorted, ns. */
GO_FUNC static void tick_lateness(int64_t *late)
{
    atomic_store(&stop_spinning, false);
    go(spinner());
    go_ticker *t = go_ticker_make(PERIOD_MS * GO_MILLISECOND);
    int64_t start = go_now();
    for (int i = 0; i < TICKS; i++) {
        int64_t at;
        go_recv(go_ticker_chan(t), &at);
        late[i] = go_now() - due(start, at);
    }
    go_ticker_stop(t);
    atomic_store(&stop_spinning, true);
    qsort(late, TICKS, sizeof *late, cmp_i64);
}

enum { CHAIN, CHAIN_NOCHECK, SUM, SUM_NOCHECK, SCAN, SCAN_NOCHECK, NVARIANTS };

GO_FUNC static uint64_t run(int k, const uint32_t *v, const unsigned char *s, uint64_t n)
{
    switch (k) {
    case CHAIN: return chain(n);
    case CHAIN_NOCHECK: return chain_nocheck(n);
    case SUM: return sum(v, n);
    case SUM_NOCHECK: return sum_nocheck(v, n);
    case SCAN: return scan(s, n, 1);
    default: return scan_nocheck(s, n, 1);
    }
}

/* Prints the result line from the best times and results of each variant. */
static void report(uint64_t n, const int64_t *best, const uint64_t *result, const int64_t *late)
{
    uint64_t check = n;
    for (int k = 0; k < NVARIANTS; k += 2)
        if (result[k] != result[k + 1])
            check = 0;
    if (result[SCAN] != n)
        check = 0;
#define RATIO(k) ((double)best[k] / (double)best[k + 1])
#define NS(k) ((double)best[k] / (double)n)
    printf("bench=preempt procs=%d n=%" PRIu64 " check=%" PRIu64 " chain_ratio=%.3f sum_ratio=%.3f "
           "scan_ratio=%.3f chain_ns=%.3f chain_nocheck_ns=%.3f sum_ns=%.3f sum_nocheck_ns=%.3f "
           "scan_ns=%.3f scan_nocheck_ns=%.3f tick_late_median_ms=%.2f tick_late_max_ms=%.2f\n",
           go_procs(), n, check, RATIO(CHAIN), RATIO(SUM), RATIO(SCAN), NS(CHAIN),
           NS(CHAIN_NOCHECK), NS(SUM), NS(SUM_NOCHECK), NS(SCAN), NS(SCAN_NOCHECK),
           (double)late[TICKS / 2] / 1e6, (double)late[TICKS - 1] / 1e6);
}

GO_FUNC static int app(uint64_t n, int rounds, const uint32_t *v, const unsigned char *s)
{
    int64_t best[NVARIANTS];
    uint64_t result[NVARIANTS];
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < NVARIANTS; k++) {
            int64_t t0 = go_now();
            result[k] = run(k, v, s, n);
            int64_t t = go_now() - t0;
            if (r == 0 || t < best[k])
                best[k] = t;
        }
    int64_t late[TICKS];
    tick_lateness(late);
    report(n, best, result, late);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1 || rounds < 1) {
        fprintf(stderr, "usage: %s [iterations [rounds]]\n", argv[0]);
        return 2;
    }
    uint32_t *v = malloc(VEC * sizeof *v);
    unsigned char *s = calloc(n, 1);          /* no byte equals 1: scan runs to the end */
    if (!v || !s) {
        fprintf(stderr, "preempt: out of memory\n");
        return 1;
    }
    for (int i = 0; i < VEC; i++)
        v[i] = (uint32_t)i * 2654435761u;
    int rc = go_main(app(n, rounds, v, s));
    free(v);
    free(s);
    return rc;
}
