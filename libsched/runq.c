/* runq.c — a P's local run queue (lock-free) and the global run queue.
 *
 * Ring invariants (Go's runq):
 *   - only the owner stores `tail`, with release order, after writing the
 *     slot; consumers load `tail` with acquire order;
 *   - any consumer (owner or thief) commits by CAS on `head` (release);
 *     a thief copies slots first and CASes after, so a failed CAS just
 *     discards the copy;
 *   - tail - head <= GO_RUNQ_SIZE at all times;
 *   - runnext is swapped by the owner and CASed to NULL by consumers;
 *   - with one P there are no thieves: its owner is the only consumer, and
 *     takes from runnext and the ring with plain stores instead of CAS (the
 *     locked instructions are a good part of a goroutine switch).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"

static inline go_g *slot_load(go_runq *q, uint32_t i)
{
    return atomic_load_explicit(&q->slots[i % GO_RUNQ_SIZE], memory_order_relaxed);
}

static inline void slot_store(go_runq *q, uint32_t i, go_g *g)
{
    atomic_store_explicit(&q->slots[i % GO_RUNQ_SIZE], g, memory_order_relaxed);
}

/* The ring is full: move half of it plus g to the global queue.  Fails
 * (false) when consumers moved `head` meanwhile; the caller retries. */
static bool runq_put_slow(go_p *p, go_g *g, uint32_t h, uint32_t t)
{
    go_runq *q = &p->runq;
    go_g *batch[GO_GCHUNK_SIZE];
    uint32_t n = (t - h) / 2;
    if (n != GO_GCHUNK_SIZE - 1)
        go__fatal("runq_put_slow: queue is not full");
    for (uint32_t i = 0; i < n; i++)
        batch[i] = slot_load(q, h + i);
    if (!atomic_compare_exchange_strong_explicit(&q->head, &h, h + n,
            memory_order_release, memory_order_relaxed))
        return false;
    batch[n] = g;
    go__globrunq_put(batch, n + 1);
    return true;
}

/* g at the tail of p's ring.  Not inlined: go__runq_put's runnext path
 * (a readied G) then saves no registers. */
static __attribute__((noinline)) void runq_put_tail(go_p *p, go_g *g)
{
    go_runq *q = &p->runq;
    for (;;) {
        uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
        uint32_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
        if (t - h < GO_RUNQ_SIZE) {
            slot_store(q, t, g);
            atomic_store_explicit(&q->tail, t + 1, memory_order_release);
            return;
        }
        if (runq_put_slow(p, g, h, t))
            return;
    }
}

void go__runq_put(go_p *p, go_g *g, bool next)
{
    go_runq *q = &p->runq;
    if (next) {
        /* Thieves only ever take runnext (CAS to NULL), and only the owner
         * fills it: an empty runnext is filled with a plain store, and so is
         * a full one when nobody steals. */
        go_g *old = atomic_load_explicit(&q->runnext, memory_order_relaxed);
        if (old == NULL || !go__runq_stealable()) {
            atomic_store_explicit(&q->runnext, g, memory_order_release);
        } else if (!atomic_compare_exchange_strong_explicit(&q->runnext, &old, g,
                       memory_order_acq_rel, memory_order_relaxed)) {
            atomic_store_explicit(&q->runnext, g, memory_order_release);
            old = NULL;   /* a thief took it meanwhile */
        }
        if (old == NULL)
            return;
        g = old;   /* kick the old runnext to the tail */
    }
    runq_put_tail(p, g);
}

void go__runq_put_array(go_p *p, go_g *const *gs, uint32_t n)
{
    go_runq *q = &p->runq;
    uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
    if (t - h + n > GO_RUNQ_SIZE)
        go__fatal("runq_put_array: run queue overflow");
    for (uint32_t i = 0; i < n; i++)
        slot_store(q, t + i, gs[i]);
    atomic_store_explicit(&q->tail, t + n, memory_order_release);
}

/* Queued Gs are usually cold (spawned or parked long ago), and running one
 * touches the G and then its frame: start loading the next ones now, h + 1
 * to h + 3 of the Gs queued at h (head) and t (tail) before this pop.  Not
 * the stale slots past the tail: they may name Gs that already ran and are
 * being reused on another P.  (A queued G may be stolen and run meanwhile:
 * reading its g->top is a benign race, kept out of ThreadSanitizer builds.) */
static inline void prefetch_next(go_runq *q, uint32_t h, uint32_t t)
{
#if !defined(__SANITIZE_THREAD__)
    if (t - h > 3)
        __builtin_prefetch(slot_load(q, h + 3), 1);
    if (t - h > 1)   /* that G was prefetched two pops ago */
        __builtin_prefetch(slot_load(q, h + 1)->top, 1);
#else
    (void)q;
    (void)h;
    (void)t;
#endif
}

go_g *go__runq_get_head(go_p *p)
{
    go_runq *q = &p->runq;
    for (;;) {
        uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
        uint32_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
        if (t == h)
            return NULL;
        go_g *g = slot_load(q, h);
        if (!go__runq_stealable())
            atomic_store_explicit(&q->head, h + 1, memory_order_release);
        else if (!atomic_compare_exchange_weak_explicit(&q->head, &h, h + 1,
                     memory_order_release, memory_order_relaxed))
            continue;
        prefetch_next(q, h, t);
        return g;
    }
}

go_g *go__runq_get_chosen(go_p *p, uint32_t r)
{
    go_runq *q = &p->runq;
    go_g *next = atomic_load_explicit(&q->runnext, memory_order_relaxed);
    uint32_t h = atomic_load_explicit(&q->head, memory_order_relaxed);
    uint32_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
    uint32_t n = t - h + (next != NULL);
    if (n == 0)
        return NULL;
    uint32_t k = (uint32_t)(((uint64_t)r * n) >> 32);
    if (k == t - h) {
        atomic_store_explicit(&q->runnext, NULL, memory_order_relaxed);
        return next;
    }
    go_g *g = slot_load(q, h + k);          /* swap it to the head, take the head */
    slot_store(q, h + k, slot_load(q, h));
    atomic_store_explicit(&q->head, h + 1, memory_order_relaxed);
    return g;
}

/* Copy about half of victim's queue into thief's ring starting at slot
 * `batch_head`; returns how many were taken. */
static uint32_t runq_grab(go_p *victim, go_runq *batch, uint32_t batch_head,
                          bool steal_runnext)
{
    go_runq *q = &victim->runq;
    for (;;) {
        uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
        uint32_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
        uint32_t n = t - h;
        n = n - n / 2;
        if (n == 0) {
            if (!steal_runnext)
                return 0;
            go_g *next = atomic_load_explicit(&q->runnext, memory_order_relaxed);
            if (next == NULL)
                return 0;
            /* The victim may be about to run the G it just readied; give it
             * a moment so a producer/consumer pair does not ping-pong between
             * Ps (a channel hand-off takes well under a microsecond). */
            if (atomic_load_explicit(&victim->status, memory_order_relaxed) == GO_P_RUNNING)
                usleep(3);
            if (!atomic_compare_exchange_strong_explicit(&q->runnext, &next, NULL,
                    memory_order_acquire, memory_order_relaxed))
                continue;
            slot_store(batch, batch_head, next);
            return 1;
        }
        if (n > GO_RUNQ_SIZE / 2)   /* inconsistent h and t: reload */
            continue;
        for (uint32_t i = 0; i < n; i++)
            slot_store(batch, batch_head + i, slot_load(q, h + i));
        if (atomic_compare_exchange_weak_explicit(&q->head, &h, h + n,
                memory_order_release, memory_order_relaxed))
            return n;
    }
}

go_g *go__runq_steal(go_p *thief, go_p *victim, bool steal_runnext)
{
    go_runq *q = &thief->runq;
    uint32_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);
    uint32_t n = runq_grab(victim, q, t, steal_runnext);
    if (n == 0)
        return NULL;
    GO__COUNT(thief->count.steals);
    n--;
    go_g *g = slot_load(q, t + n);
    if (n == 0)
        return g;
    uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
    if (t - h + n >= GO_RUNQ_SIZE)
        go__fatal("runq_steal: run queue overflow");
    atomic_store_explicit(&q->tail, t + n, memory_order_release);
    return g;
}

/* ---- global queue ------------------------------------------------------- */

enum { GCHUNK_SPARES = 64 };

static go_gchunk *gchunk_new(go_gqueue *q)
{
    go_gchunk *c = q->free;
    if (c) {
        q->free = c->next;
        q->nfree--;
    } else if (!(c = malloc(sizeof *c))) {
        go__fatal("out of memory growing the global run queue");
    }
    c->next = NULL;
    c->head = c->tail = 0;
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    return c;
}

void go__gqueue_push(go_gqueue *q, go_g *const *gs, uint32_t n)
{
    q->size += n;
    while (n) {
        go_gchunk *c = q->tail;
        if (!c || c->tail == GO_GCHUNK_SIZE)
            c = gchunk_new(q);
        uint32_t k = GO_GCHUNK_SIZE - c->tail;
        if (k > n)
            k = n;
        memcpy(&c->gs[c->tail], gs, k * sizeof *gs);
        c->tail += k;
        gs += k;
        n -= k;
    }
}

uint32_t go__gqueue_pop(go_gqueue *q, go_g **out, uint32_t max)
{
    uint32_t n = 0;
    while (n < max && q->head) {
        go_gchunk *c = q->head;
        uint32_t k = c->tail - c->head;
        if (k > max - n)
            k = max - n;
        memcpy(out + n, &c->gs[c->head], k * sizeof *out);
        c->head += k;
        n += k;
        if (c->head == c->tail) {
            q->head = c->next;
            if (!q->head)
                q->tail = NULL;
            if (q->nfree < GCHUNK_SPARES) {
                c->next = q->free;
                q->free = c;
                q->nfree++;
            } else {
                free(c);
            }
        }
    }
    q->size -= n;
    return n;
}

void go__gqueue_free(go_gqueue *q)
{
    for (go_gchunk *lists[2] = { q->head, q->free }, **l = lists; l < lists + 2; l++)
        for (go_gchunk *c = *l, *next; c; c = next) {
            next = c->next;
            free(c);
        }
    memset(q, 0, sizeof *q);
}
