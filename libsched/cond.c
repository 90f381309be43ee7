/* cond.c — go_cond: Go's sync.Cond, with wait morphing.
 *
 * go_cond_wait(c, m) must return with m locked, yet a frame suspends only
 * once per operation.  So the relock is not a second wait of the caller: it
 * is done for the waiter by whoever wakes it.
 *
 *   wait:      queue the G's wait record on c (under c->lock), unlock m, park.
 *              The record names m (w->elem) and the G's g->retry is the mutex
 *              waiter's retry, go__mutex_lock_retry.
 *   signal:    pop the first waiter (FIFO) and "morph" it into a locker of m
 *              (go__mutex_lock_for): if m is free, lock it on the waiter's
 *              behalf and wake the waiter, which resumes holding m; else
 *              move the still-parked waiter onto m's queue, without waking
 *              it.  From there it is an ordinary mutex waiter: the unlock
 *              that wakes it lets it compete in g->retry or hands m over, so
 *              it resumes only holding m.
 *   broadcast: morph every waiter, in order.
 *
 * The usual pattern — signal while holding m — therefore wakes no one: the
 * waiter moves to m's queue and is woken once, by the signaller's unlock,
 * when it can actually run.  A broadcast does not stampede on m either.
 * (A moved waiter still shows "sync.Cond.Wait" in dumps until it is woken.)
 *
 * Invariants: a waiter is on c's queue or on m's queue, never both, and
 * leaves c's queue only under c->lock; lock order is c->lock, then m->lock.
 */
#include "sync.h"

int go_cond_wait__begin(go_cond *c, go_mutex *m)
{
    go_g *g = go__curg();
    go__waiter *w = &g->wait;
    w->g = g;
    w->elem = m;
    go__waiter_reset(w);
    go__lock_acquire(&c->lock);
    go__waitq_push(&c->waiters, w);
    go__mutex_unlock_at(m, NULL, 0);
    g->retry = go__mutex_lock_retry;
    go__park("sync.Cond.Wait", go__sync_unlockf, &c->lock);
    return GO_WAIT;
}

void go_cond_wait(go_cond *c, go_mutex *m)
{
    if (go__curg())
        go__not_in_go_func("go_cond_wait");
    go__note_plain_thread();
    go__waiter w = { .g = NULL, .elem = m };
    go__lock_acquire(&c->lock);
    go__waitq_push(&c->waiters, &w);
    go__mutex_unlock_at(m, NULL, 0);
    go__lock_release(&c->lock);
    go__thread_wait(&w);
    if (!w.success)
        go__mutex_lock_thread(m, &w, true);
}

void go_cond_signal(go_cond *c)
{
    go__lock_acquire(&c->lock);
    go__waiter *w = go__waitq_pop(&c->waiters);
    go__lock_release(&c->lock);
    if (w)
        go__mutex_lock_for(w->elem, w);
}

void go_cond_broadcast(go_cond *c)
{
    go__lock_acquire(&c->lock);
    go__waiter *w = go__waitq_take_all(&c->waiters);
    go__lock_release(&c->lock);
    while (w) {
        go__waiter *next = w->next;
        go__mutex_lock_for(w->elem, w);
        w = next;
    }
}
