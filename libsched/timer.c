/* timer.c — per-P timer heaps (Go's runtime/time.go, simplified).
 *
 * Every P has a 4-ary min-heap of timers keyed by `when`, under its own
 * lock.  A timer is queued on the heap of the P that starts it (a random P
 * when started without one), and run by whichever M looks first: the P's
 * own schedule loop on every round, or any M about to go idle, which runs
 * the expired timers of every P.  An M with nothing to do sleeps in the
 * netpoller until the earliest deadline of all Ps (sched.c), and starting a
 * timer earlier than that deadline wakes it (go__netpoll_wake_for).
 *
 * Invariants:
 *   - t->p is the P whose heap holds t, NULL when t is not queued; it
 *     changes only under that heap's lock, and t->idx is t's position;
 *   - heap[i].when == heap[i].t->when, and heap[i].when >=
 *     heap[(i - 1) / 4].when; when0 = heap[0].when, or 0 when empty;
 *   - f runs with no lock held.  A one-shot timer leaves its heap before f
 *     runs; a periodic one is re-queued at its next deadline first (missed
 *     periods are skipped, as Go's tickers do).  t->running counts the fs
 *     in progress; go__timer_stop waits for it to reach 0, so after stop
 *     returns no f of t runs and t may be freed or reused.
 */
#include <sched.h>
#include <stdlib.h>

#include "netpoll.h"
#include "proc.h"

enum { HEAP_ARITY = 4 };

/* ---- the heap (ts->lock held) ---------------------------------------------- */

static void heap_place(go_timer_entry *h, uint32_t i, go_timer_entry e)
{
    h[i] = e;
    e.t->idx = (int32_t)i;
}

static void heap_up(go_timer_entry *h, uint32_t i)
{
    go_timer_entry e = h[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / HEAP_ARITY;
        if (e.when >= h[parent].when)
            break;
        heap_place(h, i, h[parent]);
        i = parent;
    }
    heap_place(h, i, e);
}

static void heap_down(go_timer_entry *h, uint32_t n, uint32_t i)
{
    go_timer_entry e = h[i];
    for (;;) {
        uint32_t first = i * HEAP_ARITY + 1;
        if (first >= n)
            break;
        uint32_t best = first;
        for (uint32_t c = first + 1; c < first + HEAP_ARITY && c < n; c++)
            if (h[c].when < h[best].when)
                best = c;
        if (h[best].when >= e.when)
            break;
        heap_place(h, i, h[best]);
        i = best;
    }
    heap_place(h, i, e);
}

static void heap_sync_when0(go_timers *ts)
{
    atomic_store_explicit(&ts->when0, ts->n ? ts->heap[0].when : 0, memory_order_relaxed);
}

static void heap_push(go_timers *ts, go_timer *t)
{
    if (ts->n == ts->cap) {
        uint32_t cap = ts->cap ? 2 * ts->cap : 64;
        go_timer_entry *h = realloc(ts->heap, cap * sizeof *h);
        if (!h)
            go__fatal("out of memory growing a timer heap to %u timers", cap);
        ts->heap = h;
        ts->cap = cap;
    }
    ts->heap[ts->n] = (go_timer_entry){ t->when, t };
    heap_up(ts->heap, ts->n++);
}

static void heap_remove(go_timers *ts, uint32_t i)
{
    go_timer_entry last = ts->heap[--ts->n];
    if (i == ts->n)
        return;
    heap_place(ts->heap, i, last);
    heap_down(ts->heap, ts->n, i);
    heap_up(ts->heap, (uint32_t)last.t->idx);
}

/* ---- starting and stopping ------------------------------------------------- */

go_gext *go__g_ext_make(go_g *g)
{
    g->ext = calloc(1, sizeof *g->ext);
    if (!g->ext)
        go__fatal("out of memory allocating a goroutine's timer");
    return g->ext;
}

void go__timer_start(go_timer *t)
{
    go_p *p = go__curp();
    if (!p) {
        if (GO__UNLIKELY(!atomic_load(&go__sched.running)))
            go__fatal("a timer was started outside go_run_main");
        p = go__sched.allp[go__randn((uint32_t)go__sched.nprocs)];
    }
    go__netpoll_init();   /* an idle M sleeps for timers in epoll_wait */
    if (t->when < 1)
        t->when = 1;
    go_timers *ts = &p->timers;
    go__lock_acquire(&ts->lock);
    heap_push(ts, t);
    bool earliest = t->idx == 0;
    if (earliest)
        heap_sync_when0(ts);
    atomic_store_explicit(&t->p, p, memory_order_release);
    int64_t when = t->when;
    go__lock_release(&ts->lock);
    if (earliest)
        go__netpoll_wake_for(when);
}

bool go__timer_stop(go_timer *t)
{
    bool removed = false;
    go_p *p;
    while (!removed && (p = atomic_load_explicit(&t->p, memory_order_acquire))) {
        go_timers *ts = &p->timers;
        go__lock_acquire(&ts->lock);
        if (atomic_load_explicit(&t->p, memory_order_relaxed) == p) {
            heap_remove(ts, (uint32_t)t->idx);
            heap_sync_when0(ts);
            atomic_store_explicit(&t->p, NULL, memory_order_relaxed);
            removed = true;
        }
        go__lock_release(&ts->lock);
    }
    while (atomic_load_explicit(&t->running, memory_order_acquire))
        sched_yield();
    return removed;
}

/* ---- running --------------------------------------------------------------- */

bool go__timers_run(go_p *p, int64_t now)
{
    go_timers *ts = &p->timers;
    bool ran = false;
    go__lock_acquire(&ts->lock);
    while (ts->n && ts->heap[0].when <= now) {
        go_timer *t = ts->heap[0].t;
        void (*f)(void *, int64_t) = t->f;
        void *arg = t->arg;
        if (t->period > 0) {
            t->when += t->period * (1 + (now - t->when) / t->period);
            ts->heap[0].when = t->when;
            heap_down(ts->heap, ts->n, 0);
        } else {
            heap_remove(ts, 0);
            atomic_store_explicit(&t->p, NULL, memory_order_relaxed);
        }
        heap_sync_when0(ts);
        atomic_fetch_add_explicit(&t->running, 1, memory_order_relaxed);
        go__lock_release(&ts->lock);

        f(arg, now);
        atomic_fetch_sub_explicit(&t->running, 1, memory_order_release);
        ran = true;
        go__lock_acquire(&ts->lock);
    }
    go__lock_release(&ts->lock);
    return ran;
}

bool go__timers_run_all(void)
{
    int64_t now = 0;
    bool ran = false;
    for (int i = 0; i < go__sched.nprocs; i++) {
        go_p *p = go__sched.allp[i];
        if (go__timers_due(&p->timers, &now))
            ran |= go__timers_run(p, now);
    }
    return ran;
}

int64_t go__timers_next(void)
{
    int64_t next = 0;
    for (int i = 0; i < go__sched.nprocs; i++) {
        int64_t w = atomic_load_explicit(&go__sched.allp[i]->timers.when0, memory_order_relaxed);
        if (w && (next == 0 || w < next))
            next = w;
    }
    return next;
}

void go__timers_shutdown(void)
{
    for (int i = 0; i < go__sched.nprocs; i++) {
        go_timers *ts = &go__sched.allp[i]->timers;
        for (uint32_t k = 0; k < ts->n; k++)
            atomic_store_explicit(&ts->heap[k].t->p, NULL, memory_order_relaxed);
        free(ts->heap);
        ts->heap = NULL;
        ts->n = ts->cap = 0;
        atomic_store_explicit(&ts->when0, 0, memory_order_relaxed);
    }
}
