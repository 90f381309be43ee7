/* mutex.c — go_mutex: Go's sync.Mutex, for goroutines and plain threads.
 *
 * m->state = LOCKED | WOKEN | STARVING | waiters << WAITER_SHIFT, as in Go.
 *
 * Normal mode: waiters queue FIFO, but a woken waiter does not own the
 * mutex: it competes with arriving lockers, which have the edge of already
 * running.  Here the competition happens in g->retry, which the scheduler
 * calls before resuming the woken G: it either takes the mutex — the frame
 * resumes holding it — or queues the G again, at the head, and parks it; the
 * frame never knows.  Starvation mode: a woken waiter that has waited more
 * than 1 ms and loses again sets STARVING; from then on unlock hands the
 * mutex directly to the first waiter — it sets LOCKED again for it and wakes
 * it with w->success — and arrivals, seeing STARVING, queue at the tail
 * without trying.  The mutex returns to normal mode when it hands off to its
 * last waiter or to one that waited less than 1 ms.
 *
 * Plain threads run the same steps with a waiter on their stack, blocking in
 * go__thread_wait.  No spinning before parking: measured on the 2-CPU build
 * machine (8 goroutines x 1M locked increments, 10-run means), Go-style
 * spinning (canSpin's conditions, 4 x 30 pauses) was slower: 99 ms against
 * 68 ms with GOSCHED_PROCS=2, 88 against 69 with 8 (Go 1.19: 115 and 88).
 *
 * Invariants:
 *   - the waiter count in state equals the length of m->waiters whenever
 *     m->lock is free: both change only together under m->lock (Go keeps a
 *     separate semaphore count instead; this is simpler and allocation-free);
 *   - STARVING is set only under m->lock, together with a new waiter, so
 *     STARVING implies at least one queued waiter;
 *   - WOKEN marks a woken waiter on its way to compete: unlocks wake no one
 *     else meanwhile; the woken waiter clears it at its next state change;
 *   - lock-free state changes only set or clear LOCKED (fast paths, trylock).
 * The uncontended lock and unlock are one atomic instruction each.
 */
#include "sync.h"

enum {
    MUTEX_LOCKED = 1u << 0,
    MUTEX_WOKEN = 1u << 1,
    MUTEX_STARVING = 1u << 2,
    MUTEX_WAITER_SHIFT = 3,
    MUTEX_WAITER = 1u << MUTEX_WAITER_SHIFT,
};

#define STARVATION_THRESHOLD_NS 1000000

static inline uint32_t state_load(go_mutex *m)
{
    return __atomic_load_n(&m->state, __ATOMIC_RELAXED);
}

/* On failure *old is refreshed, as in a retry loop. */
static inline bool state_cas(go_mutex *m, uint32_t *old, uint32_t new)
{
    return __atomic_compare_exchange_n(&m->state, old, new, false,
                                       __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static inline bool lock_fast(go_mutex *m)
{
    uint32_t unlocked = 0;
    return __atomic_compare_exchange_n(&m->state, &unlocked, MUTEX_LOCKED, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline bool lockable(uint32_t state)
{
    return !(state & (MUTEX_LOCKED | MUTEX_STARVING));
}

bool go__mutex_acquire_or_queue(go_mutex *m, go__waiter *w, bool woken)
{
    uint32_t keep = woken ? ~(uint32_t)MUTEX_WOKEN : ~0u;
    uint32_t old = state_load(m);
    while (lockable(old))
        if (state_cas(m, &old, (old | MUTEX_LOCKED) & keep))
            return true;

    bool starving = woken && go__nanotime() - w->ticket > STARVATION_THRESHOLD_NS;
    go__lock_acquire(&m->lock);
    old = state_load(m);
    uint32_t new;
    do {
        if (lockable(old)) {
            new = old | MUTEX_LOCKED;
        } else {
            new = old + MUTEX_WAITER;
            if (starving && (old & MUTEX_LOCKED))
                new |= MUTEX_STARVING;
        }
        new &= keep;
    } while (!state_cas(m, &old, new));
    if (lockable(old)) {
        go__lock_release(&m->lock);
        return true;
    }
    go__waiter_reset(w);
    if (woken) {
        go__waitq_push_front(&m->waiters, w);
    } else {
        w->ticket = go__nanotime();
        go__waitq_push(&m->waiters, w);
    }
    return false;
}

bool go__mutex_lock_retry(go_g *g)
{
    go__waiter *w = &g->wait;
    go_mutex *m = w->elem;
    if (w->success || go__mutex_acquire_or_queue(m, w, true))
        return true;
    g->retry = go__mutex_lock_retry;
    go__park("sync.Mutex.Lock", go__sync_unlockf, &m->lock);
    return false;
}

void go__mutex_lock_thread(go_mutex *m, go__waiter *w, bool woken)
{
    while (!go__mutex_acquire_or_queue(m, w, woken)) {
        go__lock_release(&m->lock);
        go__thread_wait(w);
        if (w->success)
            return;
        woken = true;
    }
}

void go__mutex_lock_for(go_mutex *m, go__waiter *w)
{
    if (go__mutex_acquire_or_queue(m, w, false)) {
        w->success = true;
        go__wake(w);
    } else {
        go__lock_release(&m->lock);
    }
}

int go_mutex_lock__begin(go_mutex *m)
{
    if (GO__LIKELY(lock_fast(m)))
        return GO_READY;
    go_g *g = go__curg();
    go__waiter *w = &g->wait;
    w->g = g;
    w->elem = m;
    if (go__mutex_acquire_or_queue(m, w, false))
        return GO_READY;
    g->retry = go__mutex_lock_retry;
    go__park("sync.Mutex.Lock", go__sync_unlockf, &m->lock);
    return GO_WAIT;
}

void go_mutex_lock(go_mutex *m)
{
    if (go__curg())
        go__not_in_go_func("go_mutex_lock");
    go__note_plain_thread();
    if (lock_fast(m))
        return;
    go__waiter w = { .g = NULL, .elem = m };
    go__mutex_lock_thread(m, &w, false);
}

bool go_mutex_trylock(go_mutex *m)
{
    uint32_t old = state_load(m);
    return lockable(old) &&
           __atomic_compare_exchange_n(&m->state, &old, old | MUTEX_LOCKED, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Starvation mode: give the mutex to the first waiter. */
static void unlock_hand_off(go_mutex *m)
{
    go__lock_acquire(&m->lock);
    go__waiter *w = go__waitq_pop(&m->waiters);
    uint32_t delta = MUTEX_LOCKED - MUTEX_WAITER;
    if (state_load(m) >> MUTEX_WAITER_SHIFT == 1 ||
        go__nanotime() - w->ticket <= STARVATION_THRESHOLD_NS)
        delta -= MUTEX_STARVING;
    __atomic_add_fetch(&m->state, delta, __ATOMIC_ACQ_REL);
    w->success = true;
    go__lock_release(&m->lock);
    go__wake(w);
}

/* Normal mode: wake the first waiter to compete, unless someone already
 * holds the mutex again or a woken waiter is on its way. */
static void unlock_wake(go_mutex *m, uint32_t old)
{
    if (old >> MUTEX_WAITER_SHIFT == 0 || (old & (MUTEX_LOCKED | MUTEX_WOKEN)))
        return;
    go__lock_acquire(&m->lock);
    go__waiter *w = NULL;
    old = state_load(m);
    while (old >> MUTEX_WAITER_SHIFT != 0 &&
           !(old & (MUTEX_LOCKED | MUTEX_WOKEN | MUTEX_STARVING))) {
        if (state_cas(m, &old, (old - MUTEX_WAITER) | MUTEX_WOKEN)) {
            w = go__waitq_pop(&m->waiters);
            break;
        }
    }
    go__lock_release(&m->lock);
    if (w)
        go__wake(w);
}

static void unlock_slow(go_mutex *m, uint32_t new, const char *file, int line)
{
    if (!((new + MUTEX_LOCKED) & MUTEX_LOCKED))
        go__panic_at(file, line, "sync: unlock of unlocked mutex");
    if (new & MUTEX_STARVING)
        unlock_hand_off(m);
    else
        unlock_wake(m, new);
}

void go__mutex_unlock_at(go_mutex *m, const char *file, int line)
{
    uint32_t new = __atomic_sub_fetch(&m->state, MUTEX_LOCKED, __ATOMIC_RELEASE);
    if (GO__UNLIKELY(new != 0))
        unlock_slow(m, new, file, line);
}

void (go_mutex_unlock)(go_mutex *m)
{
    go__mutex_unlock_at(m, NULL, 0);
}
