/* sema.c — go_sema, a counting semaphore with FIFO hand-off, and the
 * semaphore core that go_rwmutex also sleeps on.
 *
 * One signed count says everything: count >= 0 is the number of free units
 * and nobody waits; count < 0 means -count acquirers are waiting.
 *
 * Invariants:
 *   - an acquirer takes a unit lock-free only while count > 0; otherwise it
 *     decrements count under the lock and, if no unit was free, queues
 *     itself before releasing the lock (it parks holding it);
 *   - a release that finds count < 0 takes the lock and hands its unit to
 *     the first waiter (w->success).  The waiter it is owed is queued by
 *     then: the acquirer decremented count while holding the lock and queued
 *     itself before letting go of it;
 *   - so units go to waiters strictly in arrival order, and an arrival never
 *     takes a unit a waiter is owed.
 */
#include "sync.h"

bool go__sema_try(int64_t *count)
{
    int64_t old = __atomic_load_n(count, __ATOMIC_RELAXED);
    while (old > 0)
        if (__atomic_compare_exchange_n(count, &old, old - 1, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return true;
    return false;
}

bool go__sema_acquire_or_queue(int64_t *count, go__lock *lock, go__waitq *q, go__waiter *w)
{
    if (go__sema_try(count))
        return true;
    go__lock_acquire(lock);
    if (__atomic_fetch_sub(count, 1, __ATOMIC_ACQ_REL) > 0) {
        go__lock_release(lock);
        return true;
    }
    go__waiter_reset(w);
    go__waitq_push(q, w);
    return false;
}

void go__sema_release_n(int64_t *count, go__lock *lock, go__waitq *q, int64_t n)
{
    int64_t old = __atomic_fetch_add(count, n, __ATOMIC_ACQ_REL);
    if (old >= 0)
        return;
    int64_t owed = -old < n ? -old : n;
    go__waiter *chain = NULL, **tail = &chain;
    go__lock_acquire(lock);
    for (; owed > 0; owed--) {
        go__waiter *w = go__waitq_pop(q);
        if (GO__UNLIKELY(!w))
            go__fatal("sync: inconsistent semaphore state");
        *tail = w;
        tail = &w->next;
    }
    go__lock_release(lock);
    go__wake_chain(chain);
}

int go__sema_acquire_begin(int64_t *count, go__lock *lock, go__waitq *q, const char *reason)
{
    go_g *g = go__curg();
    go__waiter *w = &g->wait;
    w->g = g;
    if (go__sema_acquire_or_queue(count, lock, q, w))
        return GO_READY;
    go__park(reason, go__sync_unlockf, lock);
    return GO_WAIT;
}

void go__sema_acquire_thread(int64_t *count, go__lock *lock, go__waitq *q)
{
    go__waiter w = { .g = NULL };
    if (go__sema_acquire_or_queue(count, lock, q, &w))
        return;
    go__lock_release(lock);
    go__thread_wait(&w);
}

int go_sema_acquire__begin(go_sema *s)
{
    if (GO__LIKELY(go__sema_try(&s->count)))
        return GO_READY;
    return go__sema_acquire_begin(&s->count, &s->lock, &s->waiters, "semacquire");
}

void go_sema_acquire(go_sema *s)
{
    if (go__curg())
        go__not_in_go_func("go_sema_acquire");
    go__note_plain_thread();
    go__sema_acquire_thread(&s->count, &s->lock, &s->waiters);
}

bool go_sema_tryacquire(go_sema *s)
{
    return go__sema_try(&s->count);
}

void go_sema_release(go_sema *s)
{
    go__sema_release_n(&s->count, &s->lock, &s->waiters, 1);
}
