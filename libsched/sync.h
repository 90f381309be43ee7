/* sync.h — what the sync primitives share: the mutex acquisition path (used
 * by go_mutex, go_rwmutex and go_cond's wait morphing), the semaphore core
 * (go_sema and go_rwmutex), and wait-queue helpers.
 *
 * Conventions of every primitive:
 *   - a waiting goroutine waits in its G's wait record g->wait, a plain thread
 *     in a go__waiter on its stack (w->g == NULL), woken by go__wake;
 *   - w->success == true on wake-up means the waker completed the operation
 *     for the waiter (handed it the mutex, a semaphore unit, …);
 *   - g->retry is set only while a goroutine waits on a mutex: a woken mutex
 *     waiter that was not handed the mutex competes for it in retry (the
 *     scheduler clears g->retry before calling it; a retry that parks the G
 *     again sets it again);
 *   - wakers read w->next before go__wake(w): the woken one may run and reuse
 *     its wait record at once.
 */
#ifndef LIBSCHED_SYNC_H
#define LIBSCHED_SYNC_H

#include "internal.h"

/* unlockf for go__park: releases the object's go__lock once the G is off
 * the CPU. */
static inline void go__sync_unlockf(void *lock)
{
    go__lock_release(lock);
}

/* ---- wait queues ---------------------------------------------------------- */

/* Put w at the head of q (a woken mutex waiter that lost the race). */
static inline void go__waitq_push_front(go__waitq *q, go__waiter *w)
{
    w->prev = NULL;
    w->next = q->first;
    if (q->first)
        q->first->prev = w;
    else
        q->last = w;
    q->first = w;
}

/* Detach every waiter of q: a chain linked by next, NULL-terminated. */
static inline go__waiter *go__waitq_take_all(go__waitq *q)
{
    go__waiter *w = q->first;
    q->first = q->last = NULL;
    return w;
}

/* Wake every waiter of a detached chain, marking each one's operation done. */
static inline void go__wake_chain(go__waiter *w)
{
    while (w) {
        go__waiter *next = w->next;
        w->next = w->prev = NULL;   /* on no queue now (netpoll's pollfd_queued reads prev) */
        w->success = true;
        go__wake(w);
        w = next;
    }
}

/* Prepare a wait record for enqueueing (fields the wakers look at). */
static inline void go__waiter_reset(go__waiter *w)
{
    w->success = false;
    __atomic_store_n(&w->wake, 0, __ATOMIC_RELAXED);
}

/* ---- mutex (mutex.c) -------------------------------------------------------- */

/* One round of Go's lock slow path for the owner of w.  woken: w was woken by
 * an unlock in normal mode (it owns the WOKEN flag and goes back to the head
 * of the queue if it loses again).  Returns true with m locked by w's owner;
 * false with w queued on m and m->lock held — the caller parks (unlockf
 * releases m->lock) or releases it and waits. */
bool go__mutex_acquire_or_queue(go_mutex *m, go__waiter *w, bool woken);

/* g->retry of a goroutine waiting for the mutex w->elem. */
bool go__mutex_lock_retry(go_g *g);

/* Block the plain thread of w until it owns m (woken: as above). */
void go__mutex_lock_thread(go_mutex *m, go__waiter *w, bool woken);

/* Wait morphing: on behalf of the parked owner of w (whose g->retry is
 * go__mutex_lock_retry, or a plain thread), lock m and wake it holding m, or
 * queue it on m without waking it. */
void go__mutex_lock_for(go_mutex *m, go__waiter *w);

/* ---- semaphore core (sema.c) ------------------------------------------------
 * *count >= 0: units available, nobody waits; *count < 0: -*count waiters
 * queued on q (or queueing, under lock).  Units go to waiters in FIFO order,
 * handed off directly (w->success), so a new arrival never overtakes one. */

bool go__sema_try(int64_t *count);
/* Returns true with a unit; false with w queued on q and lock held. */
bool go__sema_acquire_or_queue(int64_t *count, go__lock *lock, go__waitq *q, go__waiter *w);
void go__sema_release_n(int64_t *count, go__lock *lock, go__waitq *q, int64_t n);
/* The slow paths of an acquire, for a goroutine (returns GO_READY or
 * GO_WAIT, parked with `reason`) and for a plain thread (blocks). */
int go__sema_acquire_begin(int64_t *count, go__lock *lock, go__waitq *q, const char *reason);
void go__sema_acquire_thread(int64_t *count, go__lock *lock, go__waitq *q);

#endif
