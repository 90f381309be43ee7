/* rwmutex.c — go_rwmutex: Go's sync.RWMutex (writer preference).
 *
 * A writer first takes the inner mutex w (writers queue there), then
 * subtracts MAX_READERS from `readers`: from that moment arriving readers see
 * a negative count and sleep on rsem, so a stream of readers cannot starve
 * the writer.  The writer then waits on wsem for the readers that were
 * already inside (`departing` counts them down; the last one wakes it).
 * Unlock adds MAX_READERS back, releases rsem once for each reader that
 * queued meanwhile, and unlocks w.
 *
 * A goroutine's Lock can wait twice — for w, then for departing readers — in
 * one suspension: while it waits for w its g->retry is rwmutex_lock_retry,
 * which, once w is won, announces the writer and queues on wsem if needed.
 *
 * Invariants (Go's): readers = arrived readers − (MAX_READERS while a writer
 * holds or waits); departing > 0 only while a writer waits for readers.
 */
#include "sync.h"

#define MAX_READERS (1 << 30)

/* Holding w: stop new readers; true if readers are still inside. */
static bool announce_writer(go_rwmutex *rw)
{
    int32_t r = __atomic_add_fetch(&rw->readers, -MAX_READERS, __ATOMIC_ACQ_REL) + MAX_READERS;
    return r != 0 && __atomic_add_fetch(&rw->departing, r, __ATOMIC_ACQ_REL) != 0;
}

/* Holding w with readers inside: wait for them on wsem. */
static bool wait_readers_or_park(go_rwmutex *rw, go_g *g)
{
    if (go__sema_acquire_or_queue(&rw->wsem, &rw->lock, &rw->wwait, &g->wait))
        return true;
    go__park("sync.RWMutex.Lock", go__sync_unlockf, &rw->lock);
    return false;
}

static bool rwmutex_lock_retry(go_g *g)
{
    go_rwmutex *rw = g->wait.elem;
    if (!g->wait.success && !go__mutex_acquire_or_queue(&rw->w, &g->wait, true)) {
        g->retry = rwmutex_lock_retry;
        go__park("sync.RWMutex.Lock", go__sync_unlockf, &rw->w.lock);
        return false;
    }
    return !announce_writer(rw) || wait_readers_or_park(rw, g);
}

int go_rwmutex_lock__begin(go_rwmutex *rw)
{
    go_g *g = go__curg();
    go__waiter *w = &g->wait;
    w->g = g;
    w->elem = rw;
    if (!go__mutex_acquire_or_queue(&rw->w, w, false)) {
        g->retry = rwmutex_lock_retry;
        go__park("sync.RWMutex.Lock", go__sync_unlockf, &rw->w.lock);
        return GO_WAIT;
    }
    return !announce_writer(rw) || wait_readers_or_park(rw, g) ? GO_READY : GO_WAIT;
}

void go_rwmutex_lock(go_rwmutex *rw)
{
    if (go__curg())
        go__not_in_go_func("go_rwmutex_lock");
    go_mutex_lock(&rw->w);
    if (announce_writer(rw))
        go__sema_acquire_thread(&rw->wsem, &rw->lock, &rw->wwait);
}

bool go_rwmutex_trylock(go_rwmutex *rw)
{
    if (!go_mutex_trylock(&rw->w))
        return false;
    int32_t free = 0;
    if (!__atomic_compare_exchange_n(&rw->readers, &free, -MAX_READERS, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
        go__mutex_unlock_at(&rw->w, NULL, 0);
        return false;
    }
    return true;
}

void go__rwmutex_unlock_at(go_rwmutex *rw, const char *file, int line)
{
    int32_t r = __atomic_add_fetch(&rw->readers, MAX_READERS, __ATOMIC_ACQ_REL);
    if (GO__UNLIKELY(r >= MAX_READERS))
        go__panic_at(file, line, "sync: Unlock of unlocked RWMutex");
    if (r > 0)
        go__sema_release_n(&rw->rsem, &rw->lock, &rw->rwait, r);
    go__mutex_unlock_at(&rw->w, file, line);
}

void (go_rwmutex_unlock)(go_rwmutex *rw)
{
    go__rwmutex_unlock_at(rw, NULL, 0);
}

/* ---- readers ------------------------------------------------------------- */

int go_rwmutex_rlock__begin(go_rwmutex *rw)
{
    if (GO__LIKELY(__atomic_add_fetch(&rw->readers, 1, __ATOMIC_ACQUIRE) >= 0))
        return GO_READY;
    return go__sema_acquire_begin(&rw->rsem, &rw->lock, &rw->rwait, "sync.RWMutex.RLock");
}

void go_rwmutex_rlock(go_rwmutex *rw)
{
    if (go__curg())
        go__not_in_go_func("go_rwmutex_rlock");
    go__note_plain_thread();
    if (__atomic_add_fetch(&rw->readers, 1, __ATOMIC_ACQUIRE) < 0)
        go__sema_acquire_thread(&rw->rsem, &rw->lock, &rw->rwait);
}

bool go_rwmutex_tryrlock(go_rwmutex *rw)
{
    int32_t c = __atomic_load_n(&rw->readers, __ATOMIC_RELAXED);
    while (c >= 0)
        if (__atomic_compare_exchange_n(&rw->readers, &c, c + 1, false,
                                        __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return true;
    return false;
}

void go__rwmutex_runlock_at(go_rwmutex *rw, const char *file, int line)
{
    int32_t r = __atomic_add_fetch(&rw->readers, -1, __ATOMIC_RELEASE);
    if (GO__LIKELY(r >= 0))
        return;
    if (r + 1 == 0 || r + 1 == -MAX_READERS)
        go__panic_at(file, line, "sync: RUnlock of unlocked RWMutex");
    if (__atomic_add_fetch(&rw->departing, -1, __ATOMIC_ACQ_REL) == 0)
        go__sema_release_n(&rw->wsem, &rw->lock, &rw->wwait, 1);
}

void (go_rwmutex_runlock)(go_rwmutex *rw)
{
    go__rwmutex_runlock_at(rw, NULL, 0);
}
