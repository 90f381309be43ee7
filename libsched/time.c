/* time.c — the clock and the time API: go_now, go_sleep, go_after, tickers
 * (Go's time.Sleep, time.After and time.Ticker on runtime timers).
 *
 * go_sleep parks the goroutine and queues its timer from its unlockf, so the
 * timer can only fire once the goroutine is off the CPU; the timer readies
 * it at the tail of the run queue (a batch of expired sleepers then runs
 * in deadline order).  go_after and tickers send the firing time, without
 * blocking, on a channel of capacity 1 (a slow receiver misses ticks, as in
 * Go); their timer is owned by the channel (c->timer): go_chan_free stops
 * and frees it, go_ticker_stop frees both.
 */
#include <errno.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "chan.h"
#include "proc.h"

int64_t go__nanotime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t go_now(void)
{
    return go__nanotime();
}

/* now + ns, saturating. */
static int64_t deadline_after(int64_t ns)
{
    int64_t now = go__nanotime();
    return ns > INT64_MAX - now ? INT64_MAX : now + ns;
}

/* ---- plain threads ----------------------------------------------------------- */

bool go__thread_wait_until(go__waiter *w, int64_t deadline)
{
    _Atomic uint32_t *wake = (_Atomic uint32_t *)&w->wake;
    go__note_plain_thread();
    int saved = errno;
    bool woken;
    while (!(woken = atomic_load_explicit(wake, memory_order_acquire))) {
        int64_t left = deadline - go__nanotime();
        if (left <= 0)
            break;
        struct timespec ts = { .tv_sec = left / 1000000000, .tv_nsec = left % 1000000000 };
        syscall(SYS_futex, (uint32_t *)wake, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
    }
    errno = saved;
    return woken;
}

static void sleep_thread(int64_t ns)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t end = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + ns;
    ts = (struct timespec){ .tv_sec = end / 1000000000, .tv_nsec = end % 1000000000 };
    int saved = errno;
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
    errno = saved;
}

/* ---- go_sleep ----------------------------------------------------------------- */

static void sleep_fire(void *g, int64_t now)
{
    (void)now;
    go__ready_tail(g);
}

static void sleep_park_commit(void *g)
{
    go__timer_start(&((go_g *)g)->ext->timer);
}

int go_sleep__begin(int64_t ns)
{
    go_g *g = go__curg();
    g->result = 0;
    if (ns <= 0)
        return GO_READY;
    go_timer *t = &go__g_ext(g)->timer;
    t->f = sleep_fire;
    t->arg = g;
    t->period = 0;
    t->when = deadline_after(ns);
    go__park("sleep", sleep_park_commit, g);
    return GO_WAIT;
}

void go_sleep(int64_t ns)
{
    if (go__curg())
        go__not_in_go_func("go_sleep");
    if (ns > 0)
        sleep_thread(ns);
}

/* ---- timer channels ------------------------------------------------------------ */

/* Send the firing time unless the buffer is full (Go's sendTime). */
static void send_time(void *c, int64_t now)
{
    go__try_send_at(c, &now, NULL, 0);
}

/* A channel of int64_t, capacity 1, fed by a timer it owns. */
static go_chan *timer_chan_make(go_timer *t, int64_t first, int64_t period)
{
    if (!atomic_load(&go__sched.running))
        go__fatal("timers need the runtime: call go_after and go_ticker_make while "
                  "go_run_main runs");
    go_chan *c = go_chan_make(sizeof(int64_t), 1);
    t->f = send_time;
    t->arg = c;
    t->period = period;
    t->when = deadline_after(first);
    c->timer = t;
    go__timer_start(t);
    return c;
}

go_chan *go_after(int64_t ns)
{
    go_timer *t = calloc(1, sizeof *t);
    if (!t)
        go__fatal("out of memory allocating a timer");
    return timer_chan_make(t, ns > 0 ? ns : 0, 0);
}

void go__chan_timer_free(go_timer *t)
{
    go__timer_stop(t);
    free(t);   /* a ticker's timer is its first member */
}

struct go_ticker {
    go_timer timer;     /* first: the ticker is freed through its timer */
};

go_ticker *go_ticker_make(int64_t period_ns)
{
    if (period_ns <= 0)
        go__panic_at(NULL, 0, "non-positive interval for go_ticker_make");
    go_ticker *tk = calloc(1, sizeof *tk);
    if (!tk)
        go__fatal("out of memory allocating a ticker");
    timer_chan_make(&tk->timer, period_ns, period_ns);
    return tk;
}

go_chan *go_ticker_chan(go_ticker *t)
{
    return t ? t->timer.arg : NULL;
}

void go_ticker_stop(go_ticker *t)
{
    if (!t)
        return;
    go_chan *c = t->timer.arg;
    go__lock_acquire(&c->lock);
    bool receivers = !chan_waitq_empty(&c->recvq);
    go__lock_release(&c->lock);
    if (receivers)
        go__panic_at(NULL, 0, "go_ticker_stop: a goroutine is still receiving from the "
                              "ticker's channel (stop it after the last receive)");
    go_chan_free(c);   /* stops the timer, frees it (the ticker) and the channel */
}
