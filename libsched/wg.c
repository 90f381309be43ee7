/* wg.c — go_wg: Go's sync.WaitGroup.
 *
 * Invariants:
 *   - count changes lock-free; the change that brings it to zero takes the
 *     lock and wakes every waiter queued so far;
 *   - a waiter reads count under the lock and queues only if it is not zero,
 *     so it is queued before the change to zero takes the lock: no wake-up is
 *     lost;
 *   - as in Go, Adds that start a new round must happen after the previous
 *     round's Waits returned (a waiter of the old round is released by the
 *     old round's zero even if a new Add raced with it).
 */
#include "sync.h"

void go__wg_add_at(go_wg *wg, int64_t delta, const char *file, int line)
{
    int64_t v = __atomic_add_fetch(&wg->count, delta, __ATOMIC_ACQ_REL);
    if (GO__LIKELY(v > 0))
        return;
    if (GO__UNLIKELY(v < 0))
        go__panic_at(file, line, "sync: negative WaitGroup counter");
    go__lock_acquire(&wg->lock);
    go__waiter *waiters = go__waitq_take_all(&wg->waiters);
    go__lock_release(&wg->lock);
    go__wake_chain(waiters);
}

void (go_wg_add)(go_wg *wg, int64_t delta)
{
    go__wg_add_at(wg, delta, NULL, 0);
}

void (go_wg_done)(go_wg *wg)
{
    go__wg_add_at(wg, -1, NULL, 0);
}

static inline bool wg_zero(go_wg *wg)
{
    return __atomic_load_n(&wg->count, __ATOMIC_ACQUIRE) == 0;
}

/* Returns false with w queued and wg->lock held. */
static bool wg_zero_or_queue(go_wg *wg, go__waiter *w)
{
    go__lock_acquire(&wg->lock);
    if (wg_zero(wg)) {
        go__lock_release(&wg->lock);
        return true;
    }
    go__waiter_reset(w);
    go__waitq_push(&wg->waiters, w);
    return false;
}

int go_wg_wait__begin(go_wg *wg)
{
    if (wg_zero(wg))
        return GO_READY;
    go_g *g = go__curg();
    g->wait.g = g;
    if (wg_zero_or_queue(wg, &g->wait))
        return GO_READY;
    go__park("sync.WaitGroup.Wait", go__sync_unlockf, &wg->lock);
    return GO_WAIT;
}

void go_wg_wait(go_wg *wg)
{
    if (go__curg())
        go__not_in_go_func("go_wg_wait");
    go__note_plain_thread();
    go__waiter w = { .g = NULL };
    if (wg_zero(wg) || wg_zero_or_queue(wg, &w))
        return;
    go__lock_release(&wg->lock);
    go__thread_wait(&w);
}
