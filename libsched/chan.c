/* chan.c — channels: Go's hchan algorithm (runtime/chan.go) for goroutines
 * made of frames and for plain threads.
 *
 * Invariants (Go's):
 *   At least one of c->sendq and c->recvq is empty, except for an unbuffered
 *   channel with one select blocked on it for both sending and receiving, in
 *   which case both queues may hold that select's waiters.
 *   For buffered channels, also:
 *     c->qcount > 0 implies that c->recvq is empty;
 *     c->qcount < c->cap implies that c->sendq is empty.
 *   Once closed, a channel has no waiting sender, ever.
 *
 * All fields are read and written with c->lock held, except the lock-free
 * "would block" checks of go_try_send / go_try_recv (see there), which read
 * one word at a time: closed, qcount, or the first link of a wait queue.
 *
 * A value always moves during a call that holds the lock: a sender that finds
 * a waiting receiver copies straight into the receiver's slot (in its frame,
 * or on its thread's stack), a receiver that finds a waiting sender takes the
 * sender's value; otherwise the value goes through the ring buffer.  A
 * blocked operation waits in the G's embedded waiter (g->wait) or, on a
 * plain thread, in a waiter on the thread's stack: nothing is allocated.
 *
 * Close wakes every waiter: receivers complete with ok = false and a zeroed
 * value; senders complete with success = false and panic "send on closed
 * channel" when they resume.  A goroutine sender does so through g->retry,
 * which the closer sets (it owns the parked G at that moment) and the
 * scheduler calls before resuming the G; a plain-thread sender checks
 * success itself.  The common path pays nothing for it.
 */
#include "chan.h"

#include <limits.h>
#include <stdlib.h>

/* Go's limits: an element under 64 KiB; the buffer's bytes must be
 * addressable.  Length and capacity are reported as int. */
#define CHAN_MAX_ELEM_SIZE ((size_t)1 << 16)
#define CHAN_MAX_CAP ((size_t)INT_MAX)
#define CHAN_MAX_BUF_BYTES ((size_t)PTRDIFF_MAX / 2)

go_chan *go_chan_make(size_t elem_size, size_t cap)
{
    size_t bytes;
    if (elem_size >= CHAN_MAX_ELEM_SIZE || cap > CHAN_MAX_CAP ||
        __builtin_mul_overflow(elem_size, cap, &bytes) || bytes > CHAN_MAX_BUF_BYTES)
        go__panic_at(NULL, 0, "makechan: size out of range");
    go_chan *c = calloc(1, sizeof *c + bytes);
    if (!c)
        go__fatal("out of memory allocating a channel of %zu bytes", sizeof *c + bytes);
    c->elem_size = elem_size;
    c->cap = cap;
    return c;
}

void go_chan_free(go_chan *c)
{
    if (c && GO__UNLIKELY(c->timer))
        go__chan_timer_free(c->timer);
    free(c);
}

int go_chan_len(go_chan *c)
{
    return c ? (int)chan_count(c) : 0;
}

int go_chan_cap(go_chan *c)
{
    return c ? (int)c->cap : 0;
}

static void chan_unlock(void *c)
{
    go__lock_release(&((go_chan *)c)->lock);
}

/* Link the waiter of a blocking operation into q (c locked). */
static void chan_enqueue(go__waitq *q, go__waiter *w, go_g *g, go_chan *c, void *elem)
{
    w->g = g;
    w->elem = elem;
    w->chan = c;
    w->success = false;
    w->is_select = false;
    go__waitq_push(q, w);
}

/* ---- send ----------------------------------------------------------------- */

/* The send on locked c completes now when it can: then c is unlocked and
 * the result is true.  False: the sender must wait, c still locked. */
static GO__HOT_INLINE bool chan_send_now(go_chan *c, const void *elem, const char *file, int line)
{
    if (GO__UNLIKELY(atomic_load_explicit(&c->closed, memory_order_relaxed))) {
        go__lock_release(&c->lock);
        go__panic_at(file, line, "send on closed channel");
    }
    go__waiter *w = chan_dequeue(&c->recvq);
    if (w) {
        chan_give(c, w, elem);
        go__lock_release(&c->lock);
        chan_wake(w);
        return true;
    }
    if (chan_count(c) < c->cap) {
        chan_buf_put(c, elem);
        go__lock_release(&c->lock);
        return true;
    }
    return false;
}

int go_send__begin(go_chan *c, const void *elem)
{
    if (GO__UNLIKELY(!c)) {
        go__park("chan send (nil chan)", NULL, NULL);
        return GO_WAIT;
    }
    go__lock_acquire(&c->lock);
    if (chan_send_now(c, elem, NULL, 0))
        return GO_READY;
    go_g *g = go__curg();
    chan_enqueue(&c->sendq, &g->wait, g, c, (void *)elem);
    go__park("chan send", chan_unlock, c);
    return GO_WAIT;
}

/* A goroutine sender woken by close resumes here instead of in its frame. */
static bool chan_send_closed(go_g *g)
{
    (void)g;
    go__panic_at(NULL, 0, "send on closed channel");
}

static void chan_send_thread(go_chan *c, const void *elem)
{
    go__note_plain_thread();
    if (!c)
        chan_thread_block_forever();
    go__lock_acquire(&c->lock);
    if (chan_send_now(c, elem, NULL, 0))
        return;
    go__waiter w = { 0 };
    chan_enqueue(&c->sendq, &w, NULL, c, (void *)elem);
    go__lock_release(&c->lock);
    go__thread_wait(&w);
    if (!w.success)
        go__panic_at(NULL, 0, "send on closed channel");
}

void go_send(go_chan *c, const void *elem)
{
    if (go__curg())
        go__not_in_go_func("go_send");
    chan_send_thread(c, elem);
}

void go_chan_send_blocking(go_chan *c, const void *elem)
{
    if (go__curg())
        go__not_in_go_func("go_chan_send_blocking");
    chan_send_thread(c, elem);
}

/* ---- receive -------------------------------------------------------------- */

/* The receive on locked c completes now when it can: then c is unlocked,
 * *ok is set and the result is true.  False: the receiver must wait, c
 * still locked. */
static GO__HOT_INLINE bool chan_recv_now(go_chan *c, void *elem, bool *ok)
{
    if (atomic_load_explicit(&c->closed, memory_order_relaxed) && chan_count(c) == 0) {
        go__lock_release(&c->lock);
        chan_zero(c, elem);
        *ok = false;
        return true;
    }
    go__waiter *w = chan_dequeue(&c->sendq);
    if (w) {
        chan_take(c, w, elem);
        go__lock_release(&c->lock);
        chan_wake(w);
        *ok = true;
        return true;
    }
    if (chan_count(c) > 0) {
        chan_buf_take(c, elem);
        go__lock_release(&c->lock);
        *ok = true;
        return true;
    }
    return false;
}

int go_recv__begin(go_chan *c, void *elem)
{
    if (GO__UNLIKELY(!c)) {
        go__park("chan receive (nil chan)", NULL, NULL);
        return GO_WAIT;
    }
    go_g *g = go__curg();
    bool ok;
    go__lock_acquire(&c->lock);
    if (chan_recv_now(c, elem, &ok)) {
        g->result = ok;
        return GO_READY;
    }
    chan_enqueue(&c->recvq, &g->wait, g, c, elem);
    go__park("chan receive", chan_unlock, c);
    return GO_WAIT;
}

static bool chan_recv_thread(go_chan *c, void *elem)
{
    go__note_plain_thread();
    if (!c)
        chan_thread_block_forever();
    bool ok;
    go__lock_acquire(&c->lock);
    if (chan_recv_now(c, elem, &ok))
        return ok;
    go__waiter w = { 0 };
    chan_enqueue(&c->recvq, &w, NULL, c, elem);
    go__lock_release(&c->lock);
    go__thread_wait(&w);
    return w.success;
}

bool go_recv(go_chan *c, void *elem)
{
    if (go__curg())
        go__not_in_go_func("go_recv");
    return chan_recv_thread(c, elem);
}

bool go_chan_recv_blocking(go_chan *c, void *elem)
{
    if (go__curg())
        go__not_in_go_func("go_chan_recv_blocking");
    return chan_recv_thread(c, elem);
}

/* ---- non-blocking: Go's selectnbsend / selectnbrecv ----------------------- */

/* Would a send block?  Lock-free, as Go's full(): one read of mutable
 * state (cap is immutable): the receive queue's head, or qcount. */
static bool chan_full(go_chan *c)
{
    if (c->cap == 0)
        return chan_waitq_empty(&c->recvq);
    return atomic_load_explicit(&c->qcount, memory_order_acquire) == c->cap;
}

/* Would a receive block?  Lock-free, as Go's empty(). */
static bool chan_empty(go_chan *c)
{
    if (c->cap == 0)
        return chan_waitq_empty(&c->sendq);
    return atomic_load_explicit(&c->qcount, memory_order_acquire) == 0;
}

bool go__try_send_at(go_chan *c, const void *elem, const char *file, int line)
{
    if (!c)
        return false;
    /* Fast path, without the lock (Go's reasoning): having seen "not closed"
     * and then "not ready", there was a moment when the channel was both,
     * since a closed channel never becomes not ready again; the send would
     * have blocked at that moment. */
    if (!atomic_load_explicit(&c->closed, memory_order_relaxed) && chan_full(c))
        return false;
    go__lock_acquire(&c->lock);
    if (chan_send_now(c, elem, file, line))
        return true;
    go__lock_release(&c->lock);
    return false;
}

bool (go_try_send)(go_chan *c, const void *elem)
{
    return go__try_send_at(c, elem, NULL, 0);
}

bool go_try_recv(go_chan *c, void *elem, bool *ok)
{
    bool ok_unused;
    if (!ok)
        ok = &ok_unused;
    if (!c)
        return false;
    /* Fast path, without the lock (Go's reasoning).  The reads are ordered
     * (acquire loads): empty, then closed, then empty again.
     *   - empty, then not closed: since a channel is never reopened, it was
     *     open when it was seen empty; the receive would have blocked then.
     *   - closed: the close published every value sent before it (release),
     *     so if the channel is still empty it is closed and drained for
     *     ever: ok = false.  Otherwise a value arrived between the first two
     *     reads; take the lock. */
    if (chan_empty(c)) {
        if (!chan_is_closed(c))
            return false;
        if (chan_empty(c)) {
            chan_zero(c, elem);
            *ok = false;
            return true;
        }
    }
    go__lock_acquire(&c->lock);
    if (chan_recv_now(c, elem, ok))
        return true;
    go__lock_release(&c->lock);
    return false;
}

/* ---- close ---------------------------------------------------------------- */

void go__chan_close_at(go_chan *c, const char *file, int line)
{
    if (!c)
        go__panic_at(file, line, "close of nil channel");
    go__lock_acquire(&c->lock);
    if (atomic_load_explicit(&c->closed, memory_order_relaxed)) {
        go__lock_release(&c->lock);
        go__panic_at(file, line, "close of closed channel");
    }
    atomic_store_explicit(&c->closed, 1, memory_order_release);

    /* Complete every waiter under the lock, chained through their (now
     * unused) next links; wake them after unlocking. */
    go__waiter *woken = NULL, **tail = &woken, *w;
    while ((w = chan_dequeue(&c->recvq)) != NULL) {
        chan_zero(c, w->elem);
        chan_complete(w, false);
        *tail = w;
        tail = &w->next;
    }
    while ((w = chan_dequeue(&c->sendq)) != NULL) {
        chan_complete(w, false);
        if (w->g && !w->is_select)
            w->g->retry = chan_send_closed;
        *tail = w;
        tail = &w->next;
    }
    go__lock_release(&c->lock);

    while (woken) {
        w = woken;
        woken = w->next;   /* read before the wake: w may be reused at once */
        chan_wake(w);
    }
}

void (go_chan_close)(go_chan *c)
{
    go__chan_close_at(c, NULL, 0);
}
