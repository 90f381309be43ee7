/* wg.c — go_wg: Go's sync.WaitGroup.
 *
 * state packs the counter (high 32 bits) and the number of queued waiters
 * (low 32 bits) in one word, as Go does, so the change that brings the
 * counter to zero knows whether anybody waits.
 *
 * Invariants:
 *   - the counter changes lock-free; waiters are counted, queued and reset
 *     only under wg->lock;
 *   - the change to zero touches wg again only when it saw waiters; those
 *     cannot return (and free the wg) before it wakes them, so a waiter that
 *     sees zero may free the wg at once;
 *   - a waiter counts itself with a CAS that fails if the counter changed, so
 *     it never queues after the change to zero: no wake-up is lost;
 *   - as in Go, Adds that start a new round must happen after the previous
 *     round's Waits returned.
 */
#include "sync.h"

static inline int32_t wg_counter(uint64_t state) { return (int32_t)(state >> 32); }
static inline uint32_t wg_waiters(uint64_t state) { return (uint32_t)state; }

void go__wg_add_at(go_wg *wg, int64_t delta, const char *file, int line)
{
    uint64_t state = __atomic_add_fetch(&wg->state, (uint64_t)delta << 32, __ATOMIC_ACQ_REL);
    int32_t v = wg_counter(state);
    uint32_t w = wg_waiters(state);
    if (GO__UNLIKELY(v < 0))
        go__panic_at(file, line, "sync: negative WaitGroup counter");
    if (GO__UNLIKELY(delta > 0 && v == delta && w != 0))
        go__panic_at(file, line, "sync: WaitGroup misuse: Add called concurrently with Wait");
    if (GO__LIKELY(v > 0 || w == 0))
        return;
    go__lock_acquire(&wg->lock);
    __atomic_store_n(&wg->state, 0, __ATOMIC_RELEASE);
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
    return wg_counter(__atomic_load_n(&wg->state, __ATOMIC_ACQUIRE)) == 0;
}

/* Returns true if the counter is zero; false with w counted, queued and
 * wg->lock held. */
static bool wg_zero_or_queue(go_wg *wg, go__waiter *w)
{
    go__lock_acquire(&wg->lock);
    uint64_t state = __atomic_load_n(&wg->state, __ATOMIC_ACQUIRE);
    do {
        if (wg_counter(state) == 0) {
            go__lock_release(&wg->lock);
            return true;
        }
    } while (!__atomic_compare_exchange_n(&wg->state, &state, state + 1, true,
                                          __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
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
