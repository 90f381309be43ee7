/* once.c — go_once: fn runs exactly once; every caller returns after it has
 * completed (Go's sync.Once).
 *
 * done goes 0 (not run) → 1 (running) → 2 (done), each step under the lock;
 * the caller that makes it 1 runs fn without the lock, then stores 2 and
 * wakes everyone who queued meanwhile.  Once done is 2 a caller returns
 * after one acquire load.
 */
#include "sync.h"

enum { ONCE_NOT_RUN = 0, ONCE_RUNNING = 1, ONCE_DONE = 2 };

static inline bool once_done(go_once *o)
{
    return __atomic_load_n(&o->done, __ATOMIC_ACQUIRE) == ONCE_DONE;
}

static void once_run(go_once *o, void (*fn)(void *), void *arg)
{
    __atomic_store_n(&o->done, ONCE_RUNNING, __ATOMIC_RELAXED);
    go__lock_release(&o->lock);
    fn(arg);
    go__lock_acquire(&o->lock);
    __atomic_store_n(&o->done, ONCE_DONE, __ATOMIC_RELEASE);
    go__waiter *waiters = go__waitq_take_all(&o->waiters);
    go__lock_release(&o->lock);
    go__wake_chain(waiters);
}

/* Returns true once fn has completed (run here or by another caller); false
 * with w queued behind the running call and o->lock held. */
static bool once_do_or_queue(go_once *o, void (*fn)(void *), void *arg, go__waiter *w)
{
    go__lock_acquire(&o->lock);
    switch (__atomic_load_n(&o->done, __ATOMIC_RELAXED)) {
    case ONCE_NOT_RUN:
        once_run(o, fn, arg);
        return true;
    case ONCE_RUNNING:
        go__waiter_reset(w);
        go__waitq_push(&o->waiters, w);
        return false;
    default:
        go__lock_release(&o->lock);
        return true;
    }
}

int go_once_do__begin(go_once *o, void (*fn)(void *), void *arg)
{
    if (GO__LIKELY(once_done(o)))
        return GO_READY;
    go_g *g = go__curg();
    g->wait.g = g;
    if (once_do_or_queue(o, fn, arg, &g->wait))
        return GO_READY;
    go__park("sync.Once.Do", go__sync_unlockf, &o->lock);
    return GO_WAIT;
}

void go_once_do(go_once *o, void (*fn)(void *), void *arg)
{
    if (go__curg())
        go__not_in_go_func("go_once_do");
    if (once_done(o))
        return;
    go__note_plain_thread();
    go__waiter w = { .g = NULL };
    if (once_do_or_queue(o, fn, arg, &w))
        return;
    go__lock_release(&o->lock);
    go__thread_wait(&w);
}
