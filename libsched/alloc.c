/* alloc.c — free caches of Gs and frames.
 *
 * Gs: a bounded per-P cache (Go's gfput/gfget); when full, half of it moves
 * to sched.gfree (under sched.lock), and an empty cache refills from there.
 * Both are arrays of G pointers, used as stacks: Gs move between them
 * without being touched (another P freed them: they are in another CPU's
 * cache), and go__g_alloc loads the next few ahead.  New Gs are carved from 64-G slabs (per P; sched.gslab, under
 * sched.lock, without a P) pushed on sched.gslabs when made, and freed only
 * by go_run_main's shutdown: walking the slabs visits every G.  Slabs with
 * abandoned goroutines outlive their run (see `abandoned`).
 *
 * Frames: size classes of 16 bytes up to 1 KiB; each class has a bounded
 * per-P free list and a global overflow stack of batches (under
 * frame_lock): a P spills half of a full list, or refills an empty one, as
 * one batch in O(1), without walking blocks that are usually in another
 * CPU's cache (the batch's first block records its length).  Blocks of
 * a class are carved from 16-KiB frame slabs (per P and class; one global
 * carve per class, under frame_lock, for threads without a P), so a block
 * costs its class size and nothing more, and blocks move freely between
 * lists; a frame freed on a thread without a P goes to the global list.
 * Frame slabs stay on the push-only list frame_slabs for the life of the
 * process: their blocks are reused by later go_run_mains, frames of abandoned
 * goroutines and frames a caller keeps across runs stay valid and reachable,
 * and no block is ever given back to free().  Bigger frames are plain
 * malloc/free.  A free block keeps its list link in its first word.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

enum {
    GCACHE_BATCH = GO_GCACHE_MAX / 2,   /* Gs moved to or from sched.gfree at a time */
    GCACHE_PREFETCH = 4,                /* Gs loaded ahead of go__g_alloc */
};
enum { FCACHE_MAX = 128 };
enum { FSLAB_BYTES = 16384 - 32 };   /* with malloc's header, in 4 pages */

typedef struct frame_slab frame_slab;
struct frame_slab {
    frame_slab *next;
    alignas(16) char blocks[];
};

static _Atomic(frame_slab *) frame_slabs;   /* every frame slab, push-only */
/* A free block heading a batch on a global stack: the batch is a chain of
 * free blocks linked through their first word, as on a P's list. */
typedef struct frame_batch frame_batch;
struct frame_batch {
    void *next;                  /* the chain's second block, or NULL */
    frame_batch *below;          /* the next batch on the stack */
    uint32_t n;                  /* blocks in the chain */
};
_Static_assert(sizeof(frame_batch) <= sizeof(go_frame), "every free block can head a batch");

typedef struct frame_stack {
    frame_batch *top;
    uint32_t n;                  /* blocks in all its batches */
} frame_stack;

static go__lock frame_lock;
static frame_stack frame_global[GO_FRAME_NCLASS];            /* under frame_lock */
static go_frame_carve frame_global_carve[GO_FRAME_NCLASS];   /* under frame_lock */
static _Atomic uint32_t frame_global_n[GO_FRAME_NCLASS];   /* lock-free peek at .n */

/* ---- Gs ---------------------------------------------------------------- */

_Static_assert(offsetof(go_g, ext) + sizeof(go_gext *) <= 64,
               "the fields a G's whole life touches fit in its first cache line");

static go_gslab *gslab_new(void)
{
    go_gslab *s = aligned_alloc(64, sizeof *s);
    if (!s)
        go__fatal("out of memory allocating goroutines");
    memset(s, 0, sizeof *s);
    go_gslab *head = atomic_load_explicit(&go__sched.gslabs, memory_order_relaxed);
    do
        s->next = head;
    while (!atomic_compare_exchange_weak_explicit(&go__sched.gslabs, &head, s,
               memory_order_release, memory_order_relaxed));
    return s;
}

/* A never-used (all-zero) G from the slab *slab, refilled when used up. */
static go_g *g_carve(go_gslab **slab, uint32_t *used)
{
    if (!*slab || *used == GO_GSLAB_N) {
        *slab = gslab_new();
        *used = 0;
    }
    return &(*slab)->slots[(*used)++].g;
}

static go_g *g_new(go_p *p)
{
    if (p)
        return g_carve(&p->gslab, &p->gslab_used);
    go__lock_acquire(&go__sched.lock);
    go_g *g = g_carve(&go__sched.gslab, &go__sched.gslab_used);
    go__lock_release(&go__sched.lock);
    return g;
}

void go__for_each_g(void (*fn)(go_g *g, void *arg), void *arg)
{
    for (go_gslab *s = atomic_load_explicit(&go__sched.gslabs, memory_order_acquire); s;
         s = s->next)
        for (int i = 0; i < GO_GSLAB_N; i++)
            fn(&s->slots[i].g, arg);
}

/* Under sched.lock: push n idle Gs on sched.gfree. */
static void gfree_push(go_g *const *gs, uint32_t n)
{
    uint32_t have = atomic_load_explicit(&go__sched.ngfree, memory_order_relaxed);
    if (have + n > go__sched.gfree_cap) {
        uint32_t cap = go__sched.gfree_cap ? go__sched.gfree_cap : 256;
        while (cap < have + n)
            cap *= 2;
        go_g **more = realloc(go__sched.gfree, cap * sizeof *more);
        if (!more)
            go__fatal("out of memory caching idle goroutines");
        go__sched.gfree = more;
        go__sched.gfree_cap = cap;
    }
    memcpy(go__sched.gfree + have, gs, n * sizeof *gs);
    atomic_store_explicit(&go__sched.ngfree, have + n, memory_order_relaxed);
}

/* Under sched.lock: pop up to max idle Gs from sched.gfree into gs. */
static uint32_t gfree_pop(go_g **gs, uint32_t max)
{
    uint32_t have = atomic_load_explicit(&go__sched.ngfree, memory_order_relaxed);
    uint32_t n = have < max ? have : max;
    memcpy(gs, go__sched.gfree + have - n, n * sizeof *gs);
    atomic_store_explicit(&go__sched.ngfree, have - n, memory_order_relaxed);
    return n;
}

/* Start loading a G that a coming go__g_alloc returns: a G freed on
 * another P is in that CPU's cache, and its address is known without
 * touching it. */
static inline void gcache_prefetch(go_p *p, uint32_t i)
{
    if (i < p->ngfree)
        __builtin_prefetch(p->gfree[i], 1);
}

go_g *go__g_alloc(go_p *p)
{
    if (!p)
        return g_new(NULL);
    if (!p->ngfree && atomic_load_explicit(&go__sched.ngfree, memory_order_relaxed)) {
        go__lock_acquire(&go__sched.lock);
        p->ngfree = gfree_pop(p->gfree, GCACHE_BATCH);
        go__lock_release(&go__sched.lock);
        for (uint32_t i = 1; i < GCACHE_PREFETCH; i++)
            gcache_prefetch(p, p->ngfree - 1 - i);
    }
    if (!p->ngfree)
        return g_new(p);
    go_g *g = p->gfree[--p->ngfree];
    gcache_prefetch(p, p->ngfree - GCACHE_PREFETCH);   /* (wraps when too few) */
    /* A reused G: only its first cache line is touched.  The caller sets top,
     * id and status; retry and locals are NULL since the goroutine that used
     * it ended (execute clears retry before calling it, goexit frees the
     * locals); ext stays with the G; the other fields are set by whatever
     * operation reads them. */
    g->saved_errno = 0;
    g->result = 0;
    return g;
}

void go__g_free(go_p *p, go_g *g)
{
    atomic_store_explicit(&g->status, GO_G_IDLE, memory_order_relaxed);
    if (!p) {
        go__lock_acquire(&go__sched.lock);
        gfree_push(&g, 1);
        go__lock_release(&go__sched.lock);
        return;
    }
    p->gfree[p->ngfree++] = g;
    if (p->ngfree < GO_GCACHE_MAX)
        return;
    /* Full: the oldest half moves to sched.gfree; the recently freed, likely
     * still in this CPU's cache, stay. */
    go__lock_acquire(&go__sched.lock);
    gfree_push(p->gfree, GCACHE_BATCH);
    go__lock_release(&go__sched.lock);
    p->ngfree = GO_GCACHE_MAX - GCACHE_BATCH;
    memmove(p->gfree, p->gfree + GCACHE_BATCH, p->ngfree * sizeof *p->gfree);
}

/* ---- frames ------------------------------------------------------------- */

static inline uint32_t frame_class(uint32_t size)
{
    return (size + GO_FRAME_CLASS_STEP - 1) / GO_FRAME_CLASS_STEP - 1;
}

static inline void *list_pop(go_free_list *l)
{
    void *b = l->head;
    l->head = *(void **)b;
    l->n--;
    return b;
}

static inline void list_push(go_free_list *l, void *b)
{
    *(void **)b = l->head;
    l->head = b;
    l->n++;
}

static inline size_t class_size(uint32_t cls)
{
    return (size_t)(cls + 1) * GO_FRAME_CLASS_STEP;
}

/* A never-used block of class cls from *c, on a new slab when used up. */
static void *frame_carve(go_frame_carve *c, uint32_t cls)
{
    size_t size = class_size(cls);
    if ((size_t)(c->end - c->next) < size) {
        frame_slab *s = malloc(FSLAB_BYTES);
        if (!s)
            return NULL;
        frame_slab *head = atomic_load_explicit(&frame_slabs, memory_order_relaxed);
        do
            s->next = head;
        while (!atomic_compare_exchange_weak_explicit(&frame_slabs, &head, s,
                   memory_order_release, memory_order_relaxed));
        c->next = s->blocks;
        c->end = (char *)s + FSLAB_BYTES;
    }
    void *b = c->next;
    c->next += size;
    return b;
}

/* ---- the global stacks (frame_lock held) ---- */

/* Push the chain head (n blocks, NULL-terminated) as one batch. */
static void stack_push(uint32_t cls, void *head, uint32_t n)
{
    frame_stack *s = &frame_global[cls];
    frame_batch *b = head;
    b->below = s->top;
    b->n = n;
    s->top = b;
    s->n += n;
    atomic_store_explicit(&frame_global_n[cls], s->n, memory_order_relaxed);
}

/* Pop the top batch (the stack is not empty): its chain, length in *n. */
static void *stack_pop(uint32_t cls, uint32_t *n)
{
    frame_stack *s = &frame_global[cls];
    frame_batch *b = s->top;
    s->top = b->below;
    s->n -= b->n;
    atomic_store_explicit(&frame_global_n[cls], s->n, memory_order_relaxed);
    *n = b->n;
    return b;
}

/* ---- a P's list ---- */

/* p's list of class cls is empty: take a batch from the global stack, else
 * carve a new block. */
static void *frame_refill(go_p *p, uint32_t cls)
{
    go_free_list *local = &p->frames[cls];
    if (atomic_load_explicit(&frame_global_n[cls], memory_order_relaxed)) {
        go__lock_acquire(&frame_lock);
        if (frame_global[cls].top)
            local->head = stack_pop(cls, &local->n);
        go__lock_release(&frame_lock);
        if (local->head)
            return list_pop(local);
    }
    return frame_carve(&p->fcarve[cls], cls);
}

/* p's list of class cls is full: keep its FCACHE_MAX / 2 most recently
 * freed blocks, push the others as one batch. */
static void frame_spill(go_p *p, uint32_t cls)
{
    go_free_list *local = &p->frames[cls];
    void *last = local->head;   /* of the blocks kept */
    for (uint32_t i = 1; i < FCACHE_MAX / 2; i++)
        last = *(void **)last;
    void *batch = *(void **)last;
    *(void **)last = NULL;
    uint32_t n = local->n - FCACHE_MAX / 2;
    local->n = FCACHE_MAX / 2;
    go__lock_acquire(&frame_lock);
    stack_push(cls, batch, n);
    go__lock_release(&frame_lock);
}

/* ---- without a P: the global stack, else the global carve ---- */

static void *frame_alloc_global(uint32_t cls)
{
    go__lock_acquire(&frame_lock);
    void *b;
    if (frame_global[cls].top) {
        uint32_t n;
        b = stack_pop(cls, &n);
        if (n > 1)
            stack_push(cls, *(void **)b, n - 1);
    } else {
        b = frame_carve(&frame_global_carve[cls], cls);
    }
    go__lock_release(&frame_lock);
    return b;
}

static void frame_free_global(void *b, uint32_t cls)
{
    *(void **)b = NULL;
    go__lock_acquire(&frame_lock);
    stack_push(cls, b, 1);
    go__lock_release(&frame_lock);
}

void *go_frame_alloc(const go_func_info *info)
{
    uint32_t size = info->frame_size;
    if (size < sizeof(go_frame))
        size = sizeof(go_frame);
    go_frame *f;
    go_p *p = go__curp();
    if (size > GO_FRAME_CLASS_MAX) {
        f = malloc(size);
    } else {
        uint32_t cls = frame_class(size);
        if (p && p->frames[cls].head) {
            f = list_pop(&p->frames[cls]);
            if (p->frames[cls].head)   /* the next one: as for Gs (go__g_alloc) */
                __builtin_prefetch(p->frames[cls].head, 1);
        } else if (p)
            f = frame_refill(p, cls);
        else
            f = frame_alloc_global(cls);
    }
    if (GO__UNLIKELY(!f))
        go__fatal("out of memory allocating a frame of %u bytes", size);
    f->info = info;
    f->parent = NULL;
    f->state = 0;
    f->flags = GO_FRAME_HEAP;
    return f;
}

void go_frame_free(void *frame)
{
    if (!frame)
        return;
    go_frame *f = frame;
    uint32_t size = f->info->frame_size;
    if (size > GO_FRAME_CLASS_MAX) {
        free(f);
        return;
    }
    uint32_t cls = frame_class(size < sizeof(go_frame) ? sizeof(go_frame) : size);
    go_p *p = go__curp();
    if (GO__UNLIKELY(!p)) {
        frame_free_global(f, cls);
        return;
    }
    list_push(&p->frames[cls], f);
    if (GO__UNLIKELY(p->frames[cls].n >= FCACHE_MAX))
        frame_spill(p, cls);
}

/* ---- shutdown ------------------------------------------------------------ */

/* Hand p's free frames and the rest of its slabs to the global stacks. */
void go__frame_cache_drain(go_p *p)
{
    go__lock_acquire(&frame_lock);
    for (uint32_t c = 0; c < GO_FRAME_NCLASS; c++) {
        go_free_list *local = &p->frames[c];
        go_frame_carve *carve = &p->fcarve[c];
        while ((size_t)(carve->end - carve->next) >= class_size(c)) {
            list_push(local, carve->next);
            carve->next += class_size(c);
        }
        if (local->head)
            stack_push(c, local->head, local->n);
        local->head = NULL;
        local->n = 0;
    }
    go__lock_release(&frame_lock);
}

/* Slabs holding goroutines abandoned by a go_run_main (still blocked or
 * runnable when the main goroutine returned), kept with their frames for
 * the life of the process.  As in Go, where the process exits when main
 * returns, their memory — and the channels and buffers only they point to —
 * stays reachable instead of being reported as leaked.  Programs that call
 * go_run_main repeatedly and abandon goroutines each time accumulate it. */
static go_gslab *abandoned;

static bool slab_has_live_g(go_gslab *s)
{
    for (int i = 0; i < GO_GSLAB_N; i++) {
        uint32_t st = atomic_load_explicit(&s->slots[i].g.status, memory_order_relaxed);
        if (st != GO_G_IDLE && st != GO_G_DEAD)
            return true;
    }
    return false;
}

/* Free the slabs without live goroutines; keep the abandoned goroutines (see
 * `abandoned`; frame slabs are never freed).  Called with every M stopped. */
void go__alloc_shutdown(void)
{
    go_gslab *s = atomic_exchange_explicit(&go__sched.gslabs, NULL, memory_order_acquire);
    while (s) {
        go_gslab *next = s->next;
        if (slab_has_live_g(s)) {
            s->next = abandoned;
            abandoned = s;
        } else {
            for (int i = 0; i < GO_GSLAB_N; i++)
                free(s->slots[i].g.ext);
            free(s);
        }
        s = next;
    }
    free(go__sched.gfree);
    go__sched.gfree = NULL;
    go__sched.gfree_cap = 0;
    go__sched.ngfree = 0;
}
