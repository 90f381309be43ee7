/* select.c — select over any mix of send and receive cases: Go's selectgo
 * (runtime/select.go) without heap allocation.
 *
 *   pass 0  poll order: a uniformly random permutation of the cases
 *           (Fisher–Yates); lock order: the cases sorted by channel address
 *           (heap sort: n log n, constant space);
 *   pass 1  with every channel locked, once each, in lock order: run the
 *           first ready case in poll order — so the choice among ready cases
 *           is uniformly random;
 *   pass 2  (none ready, blocking) enqueue each case's own waiter (case->w)
 *           on its channel, park; the scheduler unlocks the channels once the
 *           goroutine is off the CPU (a plain thread unlocks, then sleeps);
 *   pass 3  the one waker that won the select (chan.h: chan_select_win)
 *           completed the winning case and recorded its index; on resuming,
 *           the select locks its channels again and takes its other waiters
 *           off their queues.  A goroutine does this in g->retry, which the
 *           scheduler calls before resuming its frame.
 *
 * Cases with a NULL channel are never ready: pass 1 skips them, they are
 * never enqueued and they sort first in lock order (address 0), where
 * locking skips them.  The same channel may appear in several cases; it is
 * locked once (equal addresses are adjacent in lock order).
 *
 * The lock order outlives go_select__begin's C frame — the unlock after
 * parking and pass 3 run later, from the scheduler — so it is kept in the
 * cases themselves: cases[k].w.spare is the index of the k-th case in lock
 * order.  The poll order is needed only during pass 1 and lives on the C
 * stack, as does the scratch of the sort.
 */
#include "chan.h"

/* Go's limit (case indices fit in 16 bits). */
#define SELECT_MAX_CASES 65536

static inline go_chan *select_lock_chan(go_case *cases, int k)
{
    return cases[cases[k].w.spare].chan;
}

static inline uintptr_t select_sort_key(go_case *cases, int i)
{
    return (uintptr_t)cases[i].chan;
}

/* Pass 0: fill pollorder[0..n) and the lock order (cases[k].w.spare). */
static void select_order(go_case *cases, int n, uint16_t *pollorder, uint16_t *lockorder)
{
    for (int i = 0; i < n; i++) {
        if (cases[i].chan && cases[i].dir != GO_DIR_SEND && cases[i].dir != GO_DIR_RECV)
            go__panic_at(NULL, 0, "select: case %d has direction %d", i, cases[i].dir);
        uint32_t j = go__randn((uint32_t)i + 1);
        pollorder[i] = pollorder[j];
        pollorder[j] = (uint16_t)i;
    }

    /* Heap sort by channel address, starting from the poll order so that
     * cases on one channel are enqueued in random order. */
    for (int i = 0; i < n; i++) {
        int j = i;
        uintptr_t key = select_sort_key(cases, pollorder[i]);
        while (j > 0 && select_sort_key(cases, lockorder[(j - 1) / 2]) < key) {
            int parent = (j - 1) / 2;
            lockorder[j] = lockorder[parent];
            j = parent;
        }
        lockorder[j] = pollorder[i];
    }
    for (int i = n - 1; i >= 0; i--) {
        uint16_t o = lockorder[i];
        uintptr_t key = select_sort_key(cases, o);
        lockorder[i] = lockorder[0];
        int j = 0;
        for (;;) {
            int k = j * 2 + 1;
            if (k >= i)
                break;
            if (k + 1 < i && select_sort_key(cases, lockorder[k]) < select_sort_key(cases, lockorder[k + 1]))
                k++;
            if (key >= select_sort_key(cases, lockorder[k]))
                break;
            lockorder[j] = lockorder[k];
            j = k;
        }
        lockorder[j] = o;
    }

    for (int k = 0; k < n; k++)
        cases[k].w.spare = lockorder[k];
}

static void select_lock(go_case *cases, int n)
{
    go_chan *last = NULL;
    for (int k = 0; k < n; k++) {
        go_chan *c = select_lock_chan(cases, k);
        if (c != last) {
            go__lock_acquire(&c->lock);
            last = c;
        }
    }
}

/* Unlock each channel once.  After parking, a waker may win the select as
 * soon as the first channel is unlocked, and the select's pass 3 may then
 * run on another M; it cannot finish (nor the cases be reused) before it
 * has locked every channel, so reading the cases stays safe up to the last
 * unlock, and nothing is read after it (Go's selparkcommit). */
static void select_unlock(go_case *cases, int n)
{
    go_chan *last = NULL;
    for (int k = 0; k < n; k++) {
        go_chan *c = select_lock_chan(cases, k);
        if (c != last) {
            if (last)
                go__lock_release(&last->lock);
            last = c;
        }
    }
    if (last)
        go__lock_release(&last->lock);
}

/* Pass 1, all channels locked: run the first ready case in poll order and
 * unlock every channel; or return -1 with the channels still locked. */
static int select_poll(go_case *cases, int n, const uint16_t *pollorder)
{
    for (int k = 0; k < n; k++) {
        int i = pollorder[k];
        go_case *cas = &cases[i];
        go_chan *c = cas->chan;
        go__waiter *w;
        if (!c)
            continue;
        if (cas->dir == GO_DIR_SEND) {
            if (GO__UNLIKELY(atomic_load_explicit(&c->closed, memory_order_relaxed))) {
                select_unlock(cases, n);
                go__panic_at(NULL, 0, "send on closed channel");
            }
            if ((w = chan_dequeue(&c->recvq)) != NULL) {
                chan_give(c, w, cas->elem);
                select_unlock(cases, n);
                chan_wake(w);
                return i;
            }
            if (chan_count(c) < c->cap) {
                chan_buf_put(c, cas->elem);
                select_unlock(cases, n);
                return i;
            }
        } else {
            if ((w = chan_dequeue(&c->sendq)) != NULL) {
                chan_take(c, w, cas->elem);
                cas->ok = true;
                select_unlock(cases, n);
                chan_wake(w);
                return i;
            }
            if (chan_count(c) > 0) {
                chan_buf_take(c, cas->elem);
                cas->ok = true;
                select_unlock(cases, n);
                return i;
            }
            if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
                chan_zero(c, cas->elem);
                cas->ok = false;
                select_unlock(cases, n);
                return i;
            }
        }
    }
    return -1;
}

/* Passes 0 and 1: the case run, or -1 with every channel locked. */
static int select_try(go_case *cases, int n)
{
    if (GO__UNLIKELY(n < 0 || n > SELECT_MAX_CASES))
        go__panic_at(NULL, 0, "select: %d cases (at most %d)", n, SELECT_MAX_CASES);
    uint16_t pollorder[n], lockorder[n];
    select_order(cases, n, pollorder, lockorder);
    select_lock(cases, n);
    return select_poll(cases, n, pollorder);
}

/* Pass 2, all channels locked: enqueue every case's waiter.  g is the
 * goroutine, or NULL and ts the record of a plain thread. */
static void select_enqueue(go_case *cases, int n, go_g *g, chan_thread_select *ts)
{
    for (int k = 0; k < n; k++) {
        go_case *cas = &cases[cases[k].w.spare];
        go_chan *c = cas->chan;
        if (!c)
            continue;
        go__waiter *w = &cas->w;
        w->g = g;
        w->elem = cas->elem;
        w->chan = c;
        w->success = false;
        w->is_select = true;
        w->ticket = (intptr_t)ts;
        go__waitq_push(cas->dir == GO_DIR_SEND ? &c->sendq : &c->recvq, w);
    }
}

/* Pass 3: take the waiters of every case but the winner off their queues
 * (a waker that lost the select may already have dropped some), then
 * finish the winning case: its waker completed it.  won is -1 when a
 * timeout won: then every waiter goes. */
static void select_finish(go_case *cases, int n, int won)
{
    select_lock(cases, n);
    for (int i = 0; i < n; i++) {
        go_case *cas = &cases[i];
        if (i != won && cas->chan)
            chan_unqueue(cas->dir == GO_DIR_SEND ? &cas->chan->sendq : &cas->chan->recvq, &cas->w);
    }
    select_unlock(cases, n);

    if (won < 0)
        return;
    go_case *cas = &cases[won];
    if (cas->dir == GO_DIR_RECV)
        cas->ok = cas->w.success;
    else if (!cas->w.success)
        go__panic_at(NULL, 0, "send on closed channel");
}

/* ---- goroutines ----------------------------------------------------------- */

static void select_park_unlock(void *arg)
{
    go_g *g = arg;
    select_unlock(g->select_cases, g->select_n);
}

/* g->retry of a parked select: pass 3.  g->result is the winning index. */
static bool select_wakeup(go_g *g)
{
    select_finish(g->select_cases, g->select_n, (int)g->result);
    return true;
}

int go_select__begin(go_case *cases, int n)
{
    go_g *g = go__curg();
    if (n == 0) {
        go__park("select (no cases)", NULL, NULL);
        return GO_WAIT;
    }
    int i = select_try(cases, n);
    if (i >= 0) {
        g->result = i;
        return GO_READY;
    }
    atomic_store_explicit(&g->select_done, 0, memory_order_relaxed);
    g->select_cases = cases;
    g->select_n = n;
    g->retry = select_wakeup;
    select_enqueue(cases, n, g, NULL);
    go__park("select", select_park_unlock, g);
    return GO_WAIT;
}

/* ---- with a timeout: a timer that wins the select like a channel would -- */

/* Timer f: claim the select (the same CAS as a channel waker's) and ready
 * the goroutine with the result -1. */
static void select_timeout_fire(void *arg, int64_t now)
{
    (void)now;
    go_g *g = arg;
    uint32_t open = 0;
    if (!atomic_compare_exchange_strong(&g->select_done, &open, 1))
        return;
    g->result = -1;
    go__ready(g);
}

/* The timer is queued before the channels are unlocked: once a waker can
 * win, the timer exists for the select's pass 3 to stop. */
static void select_timeout_park_unlock(void *arg)
{
    go_g *g = arg;
    go__timer_start(&g->ext->timer);
    select_unlock(g->select_cases, g->select_n);
}

static bool select_timeout_wakeup(go_g *g)
{
    go__timer_stop(&g->ext->timer);   /* returns once a losing timer is done with g */
    select_finish(g->select_cases, g->select_n, (int)g->result);
    return true;
}

int go_select_timeout__begin(go_case *cases, int n, int64_t ns)
{
    go_g *g = go__curg();
    if (ns <= 0) {
        g->result = go_select_default(cases, n);
        return GO_READY;
    }
    int i = n ? select_try(cases, n) : -1;
    if (i >= 0) {
        g->result = i;
        return GO_READY;
    }
    int64_t now = go__nanotime();
    go_timer *t = &go__g_ext(g)->timer;
    atomic_store_explicit(&g->select_done, 0, memory_order_relaxed);
    g->select_cases = cases;
    g->select_n = n;
    g->retry = select_timeout_wakeup;
    t->f = select_timeout_fire;
    t->arg = g;
    t->period = 0;
    t->when = ns > INT64_MAX - now ? INT64_MAX : now + ns;
    select_enqueue(cases, n, g, NULL);
    go__park("select", select_timeout_park_unlock, g);
    return GO_WAIT;
}

int go_select_default(go_case *cases, int n)
{
    if (n == 0)
        return -1;
    int i = select_try(cases, n);
    if (i < 0)
        select_unlock(cases, n);
    return i;
}

/* ---- plain threads -------------------------------------------------------- */

static int select_thread(go_case *cases, int n)
{
    go__note_plain_thread();
    if (n == 0)
        chan_thread_block_forever();
    int i = select_try(cases, n);
    if (i >= 0)
        return i;
    chan_thread_select ts = { .cases = cases };
    select_enqueue(cases, n, NULL, &ts);
    select_unlock(cases, n);
    go__thread_wait(&ts.w);
    select_finish(cases, n, ts.winner);
    return ts.winner;
}

int go_select(go_case *cases, int n)
{
    if (go__curg())
        go__not_in_go_func("go_select");
    return select_thread(cases, n);
}

/* A plain thread's select with a timeout: its futex wait times out, then
 * the thread claims its own select; if a waker claimed it first, the
 * thread waits for that waker's wake-up, as it is still completing. */
int go_select_timeout(go_case *cases, int n, int64_t ns)
{
    if (go__curg())
        go__not_in_go_func("go_select_timeout");
    if (ns <= 0)
        return go_select_default(cases, n);
    go__note_plain_thread();
    int64_t now = go__nanotime();
    int64_t deadline = ns > INT64_MAX - now ? INT64_MAX : now + ns;
    int i = n ? select_try(cases, n) : -1;
    if (i >= 0)
        return i;
    chan_thread_select ts = { .cases = cases };
    select_enqueue(cases, n, NULL, &ts);
    select_unlock(cases, n);
    if (!go__thread_wait_until(&ts.w, deadline)) {
        uint32_t open = 0;
        if (atomic_compare_exchange_strong(&ts.done, &open, 1))
            ts.winner = -1;
        else
            go__thread_wait(&ts.w);
    }
    select_finish(cases, n, ts.winner);
    return ts.winner;
}
