/* runq.h — run queues: a P's local queue with its runnext slot, and the
 * global queue.
 *
 * Local queue (Go's runqput/runqget/runqgrab/runqsteal): a 256-slot ring.
 * Only the owning P pushes (it alone stores `tail`); the owner and thieves
 * consume by CAS on `head` (with one P there are no thieves, and the owner
 * uses plain stores).  `runnext` holds one G that runs before the ring (a
 * just-spawned or just-woken G: producer/consumer locality); it stays
 * stealable, thieves take it on their last pass.  When the ring is full, half
 * of it moves to the global queue.
 *
 * Global queue: a FIFO of arrays of G pointers (chunks), guarded by
 * sched.lock.  Moving Gs in and out copies pointers and never touches the
 * Gs themselves: with a million queued goroutines, walking a list through
 * g->schedlink costs a cache miss per G.
 */
#ifndef LIBSCHED_RUNQ_H
#define LIBSCHED_RUNQ_H

#include "internal.h"

#define GO_RUNQ_SIZE 256u

typedef struct go_runq {
    _Atomic uint32_t head;            /* next slot to consume (CAS) */
    _Atomic uint32_t tail;            /* next free slot (owner only) */
    _Atomic(go_g *) runnext;          /* runs before the ring; NULL if none */
    _Atomic(go_g *) slots[GO_RUNQ_SIZE];
} go_runq;

#define GO_GCHUNK_SIZE (GO_RUNQ_SIZE / 2 + 1)   /* half a ring plus one */

typedef struct go_gchunk go_gchunk;
struct go_gchunk {
    go_gchunk *next;
    uint32_t head, tail;             /* live entries: gs[head, tail) */
    go_g *gs[GO_GCHUNK_SIZE];
};

typedef struct go_gqueue {
    go_gchunk *head, *tail;
    go_gchunk *free;                 /* spare chunks */
    uint32_t nfree;
    int64_t size;                    /* Gs queued */
} go_gqueue;

struct go_p;

/* Put g on p's queue: into runnext when `next` (kicking the old runnext to
 * the tail), else at the tail.  Owner only. */
void go__runq_put(struct go_p *p, go_g *g, bool next);

/* Take q's runnext, NULL when empty.  Owner only.  `stealable` (other Ps
 * may take it: go__runq_stealable): by CAS, and when that fails a thief
 * took it and runnext is empty (only the owner fills it). */
static inline go_g *go__runq_take_next(go_runq *q, bool stealable)
{
    go_g *next = atomic_load_explicit(&q->runnext, memory_order_relaxed);
    if (!next)
        return NULL;
    if (!stealable) {
        atomic_store_explicit(&q->runnext, NULL, memory_order_relaxed);
        return next;
    }
    if (!atomic_compare_exchange_strong_explicit(&q->runnext, &next, NULL,
            memory_order_acquire, memory_order_relaxed))
        return NULL;
    return next;
}

/* Put g into q's runnext if it is empty (as it usually is for a readied G):
 * false when it is full.  Owner only; thieves only ever empty runnext, so
 * filling an empty one is a plain store. */
static inline bool go__runq_fill_next(go_runq *q, go_g *g)
{
    if (atomic_load_explicit(&q->runnext, memory_order_relaxed))
        return false;
    atomic_store_explicit(&q->runnext, g, memory_order_release);
    return true;
}

/* Take the head of the ring only, skipping runnext.  Owner only. */
go_g *go__runq_get_head(struct go_p *p);

/* Take the G chosen by r (uniform over runnext and the ring's Gs), or NULL
 * when empty.  Owner only, and only while no other P exists to steal. */
go_g *go__runq_get_chosen(struct go_p *p, uint32_t r);

/* Steal about half of victim's queue into thief's ring and return one of
 * the stolen Gs (or NULL).  With steal_runnext, take victim's runnext when
 * its ring is empty.  Called by the thief, which owns `thief`. */
go_g *go__runq_steal(struct go_p *thief, struct go_p *victim, bool steal_runnext);

static inline bool go__runq_empty(go_runq *q)
{
    /* Racy snapshot, as Go's runqempty: a G moving between runnext and the
     * ring is seen in one of them because runnext is read last. */
    for (;;) {
        uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
        uint32_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
        go_g *next = atomic_load_explicit(&q->runnext, memory_order_acquire);
        if (t == atomic_load_explicit(&q->tail, memory_order_acquire))
            return h == t && next == NULL;
    }
}

/* Gs queued on q, runnext included: a racy count, for statistics. */
static inline uint32_t go__runq_len(go_runq *q)
{
    uint32_t h = atomic_load_explicit(&q->head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&q->tail, memory_order_acquire);
    uint32_t n = t - h <= GO_RUNQ_SIZE ? t - h : 0;   /* head moved past a stale tail */
    return n + (atomic_load_explicit(&q->runnext, memory_order_relaxed) != NULL);
}

/* Put n Gs (n <= GO_RUNQ_SIZE - queued) at p's tail.  Owner only. */
void go__runq_put_array(struct go_p *p, go_g *const *gs, uint32_t n);

/* Global queue, sched.lock held. */
void go__gqueue_push(go_gqueue *q, go_g *const *gs, uint32_t n);
uint32_t go__gqueue_pop(go_gqueue *q, go_g **out, uint32_t max);
void go__gqueue_free(go_gqueue *q);   /* frees the chunks (shutdown) */

#endif
