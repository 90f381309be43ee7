/* alloc.c — free caches of Gs and frames.
 *
 * Gs: a bounded per-P cache (Go's gfput/gfget); when full, half of it moves
 * to the global stack gfree (under sched.lock), and an empty cache refills
 * from there.  Both are arrays of pointers used as stacks, as are the frame
 * caches below: Gs and blocks move between them without being touched (they
 * were often freed on another P: they are in another CPU's cache), and an
 * allocation loads the next few ahead.  New Gs are carved from 64-G slabs
 * (per P; sched.gslab, under sched.lock, without a P) pushed on
 * sched.gslabs when made, and freed only by go_run_main's shutdown: walking
 * the slabs visits every G.  Slabs with abandoned goroutines outlive their
 * run (see `abandoned`).
 *
 * Frames: size classes of 16 bytes up to 1 KiB; each class has a bounded
 * per-P cache and a global overflow stack (under frame_lock), which a full
 * cache spills half of itself to and an empty one refills from.  Blocks of
 * a class are carved from 16-KiB frame slabs (per P and class; one global
 * carve per class, under frame_lock, for threads without a P), so a block
 * costs its class size and nothing more, and blocks move freely between
 * caches; a frame freed on a thread without a P goes to the global stack.
 * Frame slabs stay on the push-only list frame_slabs for the life of the
 * process: their blocks are reused by later go_run_mains, frames of abandoned
 * goroutines and frames a caller keeps across runs stay valid and reachable,
 * and no block is ever given back to free().  Bigger frames are plain
 * malloc/free.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "proc.h"

enum {
    GCACHE_BATCH = GO_GCACHE_MAX / 2,   /* Gs moved to or from gfree at a time */
    GCACHE_PREFETCH = 4,                /* Gs loaded ahead of go__g_alloc */
};
enum {
    FCACHE_BATCH = GO_FCACHE_MAX / 2,   /* blocks moved to or from the global stack at a time */
    FCACHE_PREFETCH = 4,                /* blocks loaded ahead of go_frame_alloc */
};
enum { FSLAB_BYTES = 16384 - 32 };   /* with malloc's header, in 4 pages */

typedef struct frame_slab frame_slab;
struct frame_slab {
    frame_slab *next;
    alignas(16) char blocks[];
};

static _Atomic(frame_slab *) frame_slabs;   /* every frame slab, push-only */
/* A growable stack of pointers, under the lock of its owner. */
typedef struct ptr_stack {
    void **items;
    uint32_t n, cap;
} ptr_stack;

static go__lock frame_lock;
static ptr_stack frame_global[GO_FRAME_NCLASS];              /* under frame_lock */
static go_frame_carve frame_global_carve[GO_FRAME_NCLASS];   /* under frame_lock */
static _Atomic uint32_t frame_global_n[GO_FRAME_NCLASS];   /* lock-free peek at .n */

static ptr_stack gfree;              /* idle Gs beyond the P caches, under sched.lock */
static _Atomic uint32_t gfree_n;     /* lock-free peek at gfree.n */

/* ---- pointer stacks ---------------------------------------------------- */

/* Make room for `more` pointers on top of s (the items may move). */
static void ptr_stack_reserve(ptr_stack *s, uint32_t more)
{
    if (s->n + more <= s->cap)
        return;
    uint32_t cap = s->cap ? s->cap : 256;
    while (cap < s->n + more)
        cap *= 2;
    void **items = realloc(s->items, cap * sizeof *items);
    if (!items)
        go__fatal("out of memory caching free goroutines and frames");
    s->items = items;
    s->cap = cap;
}

static void ptr_stack_push(ptr_stack *s, void *const *items, uint32_t n)
{
    if (!n)
        return;   /* (items may be NULL: no memcpy) */
    ptr_stack_reserve(s, n);
    memcpy(s->items + s->n, items, n * sizeof *items);
    s->n += n;
}

/* Pop up to max pointers into out; returns how many. */
static uint32_t ptr_stack_pop(ptr_stack *s, void **out, uint32_t max)
{
    uint32_t n = s->n < max ? s->n : max;
    if (!n)
        return 0;   /* (s->items may be NULL: no memcpy) */
    s->n -= n;
    memcpy(out, s->items + s->n, n * sizeof *out);
    return n;
}

static void ptr_stack_free(ptr_stack *s)
{
    free(s->items);
    *s = (ptr_stack){ 0 };
}

/* Start loading items[i] (if i < n: i wraps below 0), which an allocation
 * is about to return. */
static inline void prefetch_item(void *const *items, uint32_t n, uint32_t i)
{
    if (i < n)
        __builtin_prefetch(items[i], 1);
}

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

go_g *go__g_alloc(go_p *p)
{
    if (!p)
        return g_new(NULL);
    if (!p->ngfree && atomic_load_explicit(&gfree_n, memory_order_relaxed)) {
        go__lock_acquire(&go__sched.lock);
        p->ngfree = ptr_stack_pop(&gfree, p->gfree, GCACHE_BATCH);
        atomic_store_explicit(&gfree_n, gfree.n, memory_order_relaxed);
        go__lock_release(&go__sched.lock);
        for (uint32_t i = 2; i <= GCACHE_PREFETCH; i++)
            prefetch_item(p->gfree, p->ngfree, p->ngfree - i);
    }
    if (!p->ngfree)
        return g_new(p);
    go_g *g = p->gfree[--p->ngfree];
    prefetch_item(p->gfree, p->ngfree, p->ngfree - GCACHE_PREFETCH);
    /* A reused G: only its first cache line is touched.  The caller sets top,
     * created_at, id and status; retry is NULL since the goroutine that used
     * it ended (execute clears retry before calling it); ext stays with the
     * G, its locals table NULL (goexit frees it); the other fields are set
     * by whatever operation reads them. */
    g->saved_errno = 0;
    g->result = 0;
    return g;
}

void go__g_free(go_p *p, go_g *g)
{
    atomic_store_explicit(&g->status, GO_G_IDLE, memory_order_relaxed);
    if (!p) {
        go__lock_acquire(&go__sched.lock);
        void *b = g;
        ptr_stack_push(&gfree, &b, 1);
        atomic_store_explicit(&gfree_n, gfree.n, memory_order_relaxed);
        go__lock_release(&go__sched.lock);
        return;
    }
    p->gfree[p->ngfree++] = g;
    if (p->ngfree < GO_GCACHE_MAX)
        return;
    /* Full: the oldest half moves to gfree; the recently freed, likely still
     * in this CPU's cache, stay. */
    go__lock_acquire(&go__sched.lock);
    ptr_stack_push(&gfree, p->gfree, GCACHE_BATCH);
    atomic_store_explicit(&gfree_n, gfree.n, memory_order_relaxed);
    go__lock_release(&go__sched.lock);
    p->ngfree = GO_GCACHE_MAX - GCACHE_BATCH;
    memmove(p->gfree, p->gfree + GCACHE_BATCH, p->ngfree * sizeof *p->gfree);
}

/* ---- frames ------------------------------------------------------------- */

static inline uint32_t frame_class(uint32_t size)
{
    return (size + GO_FRAME_CLASS_STEP - 1) / GO_FRAME_CLASS_STEP - 1;
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

/* c (of class cls) is empty: refill half of it from the global stack,
 * else carve a new block. */
static void *frame_refill(go_p *p, go_frame_cache *c, uint32_t cls)
{
    if (atomic_load_explicit(&frame_global_n[cls], memory_order_relaxed)) {
        go__lock_acquire(&frame_lock);
        c->n = ptr_stack_pop(&frame_global[cls], c->blocks, FCACHE_BATCH);
        atomic_store_explicit(&frame_global_n[cls], frame_global[cls].n, memory_order_relaxed);
        go__lock_release(&frame_lock);
        for (uint32_t i = 2; i <= FCACHE_PREFETCH; i++)
            prefetch_item(c->blocks, c->n, c->n - i);
        if (c->n)
            return c->blocks[--c->n];
    }
    return frame_carve(&p->fcarve[cls], cls);
}

/* c (of class cls) is full: its oldest half goes to the global stack. */
static void frame_spill(go_frame_cache *c, uint32_t cls)
{
    go__lock_acquire(&frame_lock);
    ptr_stack_push(&frame_global[cls], c->blocks, FCACHE_BATCH);
    atomic_store_explicit(&frame_global_n[cls], frame_global[cls].n, memory_order_relaxed);
    go__lock_release(&frame_lock);
    c->n = GO_FCACHE_MAX - FCACHE_BATCH;
    memmove(c->blocks, c->blocks + FCACHE_BATCH, c->n * sizeof *c->blocks);
}

/* Allocation without a P: the global stack, else the global carve. */
static void *frame_alloc_global(uint32_t cls)
{
    void *b;
    go__lock_acquire(&frame_lock);
    if (!ptr_stack_pop(&frame_global[cls], &b, 1))
        b = frame_carve(&frame_global_carve[cls], cls);
    atomic_store_explicit(&frame_global_n[cls], frame_global[cls].n, memory_order_relaxed);
    go__lock_release(&frame_lock);
    return b;
}

static void frame_free_global(void *b, uint32_t cls)
{
    go__lock_acquire(&frame_lock);
    ptr_stack_push(&frame_global[cls], &b, 1);
    atomic_store_explicit(&frame_global_n[cls], frame_global[cls].n, memory_order_relaxed);
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
        go_frame_cache *c = p ? &p->frames[cls] : NULL;
        if (c && c->n) {
            f = c->blocks[--c->n];
            prefetch_item(c->blocks, c->n, c->n - FCACHE_PREFETCH);
        } else if (c) {
            f = frame_refill(p, c, cls);
        } else {
            f = frame_alloc_global(cls);
        }
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
    go_frame_cache *c = &p->frames[cls];
    c->blocks[c->n++] = f;
    if (GO__UNLIKELY(c->n == GO_FCACHE_MAX))
        frame_spill(c, cls);
}

/* ---- shutdown ------------------------------------------------------------ */

/* Hand p's free frames and the rest of its slabs to the global stacks. */
void go__frame_cache_drain(go_p *p)
{
    go__lock_acquire(&frame_lock);
    for (uint32_t cls = 0; cls < GO_FRAME_NCLASS; cls++) {
        ptr_stack *global = &frame_global[cls];
        go_frame_cache *c = &p->frames[cls];
        ptr_stack_push(global, c->blocks, c->n);
        c->n = 0;
        go_frame_carve *carve = &p->fcarve[cls];
        for (; (size_t)(carve->end - carve->next) >= class_size(cls); carve->next += class_size(cls)) {
            void *b = carve->next;
            ptr_stack_push(global, &b, 1);
        }
        atomic_store_explicit(&frame_global_n[cls], global->n, memory_order_relaxed);
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
    ptr_stack_free(&gfree);
    atomic_store_explicit(&gfree_n, 0, memory_order_relaxed);
}
