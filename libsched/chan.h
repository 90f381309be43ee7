/* chan.h — the channel (Go's hchan) and the steps that chan.c and select.c
 * share: waking a waiter, handing a value over, using the ring buffer.
 *
 * The steps on a channel run with c->lock held, except chan_wake, which
 * the waker calls after releasing it (Go readies a G only after unlocking),
 * and the lock-free reads marked as such.  The invariants of the channel
 * are stated at the top of chan.c.
 *
 * Select waiters: each case of a select enqueues the go__waiter embedded in
 * its go_case (is_select = true).  Exactly one wake-up wins a select: the
 * waker that dequeues one of its waiters and flips its done word 0 → 1.  A
 * waiter whose select was already won elsewhere is dropped by the dequeue;
 * the select removes its remaining waiters itself when it resumes.  The done
 * word is g->select_done for a goroutine, and for a plain thread the word of
 * a chan_thread_select record on the thread's stack (w->ticket points to it).
 */
#ifndef LIBSCHED_CHAN_H
#define LIBSCHED_CHAN_H

#include "internal.h"

#include <stddef.h>
#include <string.h>

struct go_chan {
    go__lock lock;
    _Atomic uint32_t closed;   /* 0 → 1 once, under lock; read lock-free */
    _Atomic size_t qcount;     /* elements in buf; written under lock, read lock-free */
    size_t cap;                /* buf size in elements (Go's dataqsiz); immutable */
    size_t elem_size;          /* immutable; may be 0 */
    size_t sendx, recvx;       /* ring indices: next slot to fill / to take */
    go__waitq recvq, sendq;    /* blocked receivers / senders, FIFO */
    go_timer *timer;           /* go_after / ticker: the timer feeding it, owned (time.c) */
    _Alignas(max_align_t) unsigned char buf[];   /* cap * elem_size bytes */
};

/* Stop and free the timer of a go_after / ticker channel (time.c). */
void go__chan_timer_free(go_timer *t);

/* A select on a plain thread (no G): its done word, its winner, and the
 * waiter the thread sleeps on. */
typedef struct chan_thread_select {
    _Atomic uint32_t done;
    int winner;
    go_case *cases;
    go__waiter w;
} chan_thread_select;

static inline go_case *chan_case_of(go__waiter *w)
{
    return (go_case *)((char *)w - offsetof(go_case, w));
}

static inline chan_thread_select *chan_thread_select_of(go__waiter *w)
{
    return (chan_thread_select *)(intptr_t)w->ticket;
}

/* Claim w's select for this wake-up and record which case won; false when
 * another case of the same select has already won. */
static inline bool chan_select_win(go__waiter *w)
{
    uint32_t open = 0;
    if (w->g) {
        if (!atomic_compare_exchange_strong(&w->g->select_done, &open, 1))
            return false;
        w->g->result = chan_case_of(w) - w->g->select_cases;
    } else {
        chan_thread_select *ts = chan_thread_select_of(w);
        if (!atomic_compare_exchange_strong(&ts->done, &open, 1))
            return false;
        ts->winner = (int)(chan_case_of(w) - ts->cases);
    }
    return true;
}

/* Go's waitq.dequeue: the first waiter this wake-up may complete. */
static inline go__waiter *chan_dequeue(go__waitq *q)
{
    go__waiter *w;
    while ((w = go__waitq_pop(q)) != NULL)
        if (!w->is_select || chan_select_win(w))
            return w;
    return NULL;
}

/* Remove a select waiter from q unless a waker has already dequeued it. */
static inline void chan_unqueue(go__waitq *q, go__waiter *w)
{
    if (w->prev || q->first == w)
        go__waitq_remove(q, w);
}

/* Record how a dequeued waiter's operation ended (true: value passed;
 * false: channel closed).  A plain goroutine receive reads it as its result;
 * a select's result is the winning case, recorded by chan_select_win. */
static inline void chan_complete(go__waiter *w, bool success)
{
    w->success = success;
    if (w->g && !w->is_select)
        w->g->result = success;
}

/* Make a completed waiter's goroutine runnable or wake its thread; called
 * after the channel lock is released. */
static inline void chan_wake(go__waiter *w)
{
    if (GO__LIKELY(w->g)) {
        go__ready(w->g);
        return;
    }
    if (w->is_select)
        w = &chan_thread_select_of(w)->w;
    go__wake(w);
}

/* A plain thread's wait that nothing ends: a nil channel, an empty select. */
static inline noreturn void chan_thread_block_forever(void)
{
    go__waiter w = { 0 };
    go__thread_wait(&w);
    go__fatal("a plain thread blocked for ever was woken");
}

/* Lock-free reads of mutable state, as Go's full() and empty(); acquire
 * loads, so that reads after them are not reordered before them. */
static inline bool chan_waitq_empty(go__waitq *q)
{
    return __atomic_load_n(&q->first, __ATOMIC_ACQUIRE) == NULL;
}

static inline size_t chan_count(go_chan *c)
{
    return atomic_load_explicit(&c->qcount, memory_order_relaxed);
}

static inline bool chan_is_closed(go_chan *c)
{
    return atomic_load_explicit(&c->closed, memory_order_acquire) != 0;
}

/* ---- element copies (elem pointers may be NULL for discarded values and
 * for zero-size elements) -------------------------------------------------- */

static inline void chan_copy(go_chan *c, void *dst, const void *src)
{
    size_t n = c->elem_size;
    if (!dst || !n)
        return;
    switch (n) {   /* the common sizes as single moves, not a libc call */
    case 4: memcpy(dst, src, 4); break;
    case 8: memcpy(dst, src, 8); break;
    default: memcpy(dst, src, n); break;
    }
}

static inline void chan_zero(go_chan *c, void *dst)
{
    if (dst && c->elem_size)
        memset(dst, 0, c->elem_size);
}

static inline void *chan_slot(go_chan *c, size_t i)
{
    return c->buf + i * c->elem_size;
}

/* ---- the four ways a send or receive completes without waiting ---------- */

/* Go's send: hand elem straight to the dequeued receiver w. */
static inline void chan_give(go_chan *c, go__waiter *w, const void *elem)
{
    chan_copy(c, w->elem, elem);
    chan_complete(w, true);
}

/* Go's recv: take from the dequeued sender w.  Unbuffered: its value.
 * Buffered (then full): the head of the buffer, and w's value takes the
 * freed slot, which is the tail. */
static inline void chan_take(go_chan *c, go__waiter *w, void *elem)
{
    if (c->cap == 0) {
        chan_copy(c, elem, w->elem);
    } else {
        void *slot = chan_slot(c, c->recvx);
        chan_copy(c, elem, slot);
        chan_copy(c, slot, w->elem);
        if (++c->recvx == c->cap)
            c->recvx = 0;
        c->sendx = c->recvx;
    }
    chan_complete(w, true);
}

/* Append to the buffer (qcount < cap). */
static inline void chan_buf_put(go_chan *c, const void *elem)
{
    chan_copy(c, chan_slot(c, c->sendx), elem);
    if (++c->sendx == c->cap)
        c->sendx = 0;
    atomic_store_explicit(&c->qcount, chan_count(c) + 1, memory_order_relaxed);
}

/* Take the head of the buffer (qcount > 0). */
static inline void chan_buf_take(go_chan *c, void *elem)
{
    void *slot = chan_slot(c, c->recvx);
    chan_copy(c, elem, slot);
    if (++c->recvx == c->cap)
        c->recvx = 0;
    atomic_store_explicit(&c->qcount, chan_count(c) - 1, memory_order_relaxed);
}

#endif
