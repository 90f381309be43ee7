/* timers — n goroutines (default 100,000) each sleep a random 1–100 ms;
 * each records how late it woke (its wake-up time minus the time it asked
 * to sleep until; go_sleep reads the clock a few ns after that).  check is the number that woke (n).  Hand-written frames
 * against the lowering ABI (no gotransform needed).
 * Metrics: tail_us, the 99th percentile of the lateness; median_us and
 * max_us; ms, the whole run.
 *
 *     bench=timers procs=<P> n=<n> check=<n> tail_us=<x> median_us=<y> max_us=<z> ms=<t>
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gosched.h>

struct bench {
    int64_t n;
    int64_t *late;          /* lateness of sleeper i, ns */
    int64_t woke;
    go_wg wg;
};

struct sleeper {
    go_frame hdr;
    struct bench *b;
    int64_t i, ns, deadline;
};

static int sleeper__resume(go_frame *f)
{
    struct sleeper *fr = (struct sleeper *)f;
    GO_BEGIN(fr);
    fr->deadline = go_now() + fr->ns;
    GO_AWAIT(fr, go_sleep__begin(fr->ns));
    fr->b->late[fr->i] = go_now() - fr->deadline;
    __atomic_fetch_add(&fr->b->woke, 1, __ATOMIC_RELAXED);
    go_wg_done(&fr->b->wg);
    GO_END(fr);
}
static const go_func_info sleeper__info = GO_FUNC_INFO(sleeper__resume, struct sleeper);

struct app {
    go_frame hdr;
    int ret;
    struct bench *b;
};

static int app__resume(go_frame *f)
{
    struct app *fr = (struct app *)f;
    GO_BEGIN(fr);
    go_wg_add(&fr->b->wg, fr->b->n);
    uint64_t seed = 88172645463325252ull;
    for (int64_t i = 0; i < fr->b->n; i++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        struct sleeper *s = go_frame_alloc(&sleeper__info);
        s->b = fr->b;
        s->i = i;
        s->ns = GO_MILLISECOND + (int64_t)(seed % (99 * GO_MILLISECOND));
        go_spawn(&s->hdr);
    }
    GO_AWAIT(fr, go_wg_wait__begin(&fr->b->wg));
    GO_END(fr);
}
static const go_func_info app__info = GO_FUNC_INFO(app__resume, struct app);

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    struct bench b = { .n = argc > 1 ? strtoll(argv[1], NULL, 10) : 100000 };
    if (b.n < 1) {
        fprintf(stderr, "usage: %s [goroutines]\n", argv[0]);
        return 2;
    }
    b.late = calloc((size_t)b.n, sizeof *b.late);
    struct app *a = go_frame_alloc(&app__info);
    a->b = &b;
    int64_t t0 = go_now();
    go_run_main(&a->hdr, &a->ret);
    int64_t ms = (go_now() - t0) / GO_MILLISECOND;
    qsort(b.late, (size_t)b.n, sizeof *b.late, by_value);
    printf("bench=timers procs=%d n=%" PRId64 " check=%" PRId64 " tail_us=%.1f median_us=%.1f "
           "max_us=%.1f ms=%" PRId64 "\n",
           go_procs(), b.n, b.woke, b.late[b.n * 99 / 100] / 1e3,
           b.late[b.n / 2] / 1e3, b.late[b.n - 1] / 1e3, ms);
    free(b.late);
    return 0;
}
