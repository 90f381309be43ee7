/* Preemption of loops that never suspend (issue 4's proof).  With one P:
 *   - a goroutine spinning in `for (;;) x++;` forever does not stop a
 *     ticker goroutine from ticking on time: sysmon asks the spinner to
 *     yield after its 10 ms slice and the loop's check does.  Every tick
 *     arrives and the median lateness is bounded loosely (the machine may be
 *     loaded by other tests); bench/preempt measures it on a quiet one;
 *   - a long computing loop, preempted many times, gives the same result as
 *     the same loop in a plain function: the check spills its C locals to
 *     the frame and reloads them on resume;
 *   - a GO_NOPREEMPT function has no checks and still computes correctly.
 * The spinner is abandoned when go_main returns, as in Go. */
#include <gosched.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

enum { TICKS = 21, PERIOD_MS = 10, LATE_MS = 100 };

static atomic_int ticks;

GO_FUNC static void forever(void)
{
    unsigned long x = 0;
    for (;;)
        x++;
}

static uint64_t fnv_plain(uint64_t n, uint64_t seed)
{
    uint64_t h = seed;
    for (uint64_t i = 0; i < n; i++) {
        h ^= i;
        h *= 1099511628211u;
    }
    return h;
}

GO_FUNC static void fnv(uint64_t n, uint64_t seed, uint64_t *out, int *ticks_during)
{
    int t0 = atomic_load(&ticks);
    uint64_t h = seed;
    for (uint64_t i = 0; i < n; i++) {
        h ^= i;
        h *= 1099511628211u;
    }
    *ticks_during = atomic_load(&ticks) - t0;
    *out = h;
}

GO_FUNC GO_NOPREEMPT static uint64_t triangle(uint64_t n)
{
    uint64_t s = 0;
    for (uint64_t i = 1; i <= n; i++)
        s += i;
    return s;
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

/* Receives TICKS ticks; *late: the median lateness of their receipt, ms. */
GO_FUNC static void ticker(go_wg *wg, int64_t *late)
{
    int64_t lateness[TICKS];
    go_ticker *t = go_ticker_make(PERIOD_MS * GO_MILLISECOND);
    int64_t start = go_now();
    for (int i = 0; i < TICKS; i++) {
        int64_t at;
        go_recv(go_ticker_chan(t), &at);
        lateness[i] = go_now() - due(start, at);
        atomic_fetch_add(&ticks, 1);
    }
    go_ticker_stop(t);
    qsort(lateness, TICKS, sizeof lateness[0], cmp_i64);
    *late = lateness[TICKS / 2] / GO_MILLISECOND;
    go_wg_done(wg);
}

GO_FUNC static int app(void)
{
    go_wg wg = GO_WG_INIT;
    int64_t late = 0;
    uint64_t h = 0;
    int during = 0;
    go(forever());
    go_wg_add(&wg, 1);
    go(ticker(&wg, &late));
    fnv(200000000, 14695981039346656037u, &h, &during);
    go_wg_wait(&wg);
    printf("ticker: %d ticks, median lateness under %d ms: %s\n", atomic_load(&ticks), LATE_MS,
           late < LATE_MS ? "yes" : "no");
    printf("loop preempted and resumed: %s\n",
           go_procs() > 1 || during > 0 ? "yes" : "no");
    printf("loop result matches: %s\n",
           h == fnv_plain(200000000, 14695981039346656037u) ? "yes" : "no");
    printf("GO_NOPREEMPT: %" PRIu64 "\n", triangle(1000));
    return 0;
}

int main(void)
{
    return go_main(app());
}
