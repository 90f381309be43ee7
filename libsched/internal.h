/* internal.h — the seam between libsched's parts (scheduler, channels,
 * select, sync): the G, parking and readying, locks, wait queues, fatal
 * errors.  Nothing here is public.
 *
 * The parking protocol (Go's gopark, adapted to stackless frames):
 *   1. an operation's __begin runs on the goroutine's M, takes the lock(s) of
 *      the object it waits on, links the G's waiter(s) into the object's
 *      wait queue, calls go__park(reason, unlockf, arg) and returns GO_WAIT
 *      with the lock(s) still held;
 *   2. the frame returns GO_SUSPEND up to the scheduler loop;
 *   3. only then does the scheduler mark the G waiting-and-off-CPU and call
 *      unlockf(arg).  From that moment a waker may go__ready() the G, and
 *      another M may resume it — its frame is no longer in use here.
 * So two Ms never run one frame, and a wake-up can never be lost: a waker
 * needs the object's lock, which is held until the G is fully parked.
 */
#ifndef LIBSCHED_INTERNAL_H
#define LIBSCHED_INTERNAL_H

#include <gosched.h>
#include <stdatomic.h>
#include <stdnoreturn.h>

/* ---- goroutines ---------------------------------------------------------- */

enum go_gstatus {
    GO_G_IDLE,       /* in a free cache */
    GO_G_RUNNABLE,   /* in a run queue or runnext */
    GO_G_RUNNING,    /* an M is resuming its frames */
    GO_G_WAITING,    /* parked; go__ready makes it runnable */
    GO_G_DEAD,       /* its root frame returned */
};

typedef struct go_g go_g;
struct go_g {
    go_frame *top;               /* innermost frame: resumed next */
    go_g *schedlink;             /* free list link */
    int64_t id;
    _Atomic uint32_t status;     /* enum go_gstatus */
    int saved_errno;             /* errno across suspensions */
    intptr_t result;             /* value of the last operation (go__result) */

    /* set by go__park, consumed by the scheduler after the frame returns */
    void (*unlockf)(void *arg);
    void *unlock_arg;
    bool yielding;               /* go_yield: requeue instead of parking */

    /* called by the scheduler before resuming a woken G (cleared first, with
     * go__curg() set); returns false when it parked the G again with
     * go__park (e.g. a mutex waiter that lost the race): the scheduler then
     * completes that park as after GO_SUSPEND */
    bool (*retry)(go_g *g);

    const char *wait_reason;     /* "chan receive", "select", "sync.Mutex.Lock", … */
    int64_t wait_since;          /* go__coarse_nanotime() when parked; 0: unknown */
    struct go_local_table *locals; /* goroutine-local values (local.c), NULL until set */

    go__waiter wait;             /* the wait record of plain operations */
    _Atomic uint32_t select_done;/* select: 0 → 1 by the one waker that wins */
    go_case *select_cases;       /* select in progress: its cases */
    int select_n;
};

/* Current goroutine of this thread, NULL on a plain thread or between Gs. */
extern _Thread_local go_g *go__curg_tls;
static inline go_g *go__curg(void) { return go__curg_tls; }

/* Park the current G (see the protocol above).  reason names the wait in
 * dumps; unlockf(arg) runs after the G is off the CPU (unlockf may be NULL). */
void go__park(const char *reason, void (*unlockf)(void *arg), void *arg);

/* Make a parked G runnable: into the current P's runnext when called from a
 * goroutine's M, else onto the global queue; wakes an idle M if needed. */
void go__ready(go_g *g);

/* Wake a waiter: go__ready its G, or futex-wake its plain thread. */
void go__wake(go__waiter *w);

/* Block a plain thread until go__wake(w) (w->g must be NULL). */
void go__thread_wait(go__waiter *w);

/* Called by the channel/sync API when it runs on a plain (non-M) thread:
 * from then on, during this go_run_main, the deadlock check is off (such a
 * thread may send later; Go does the same for c-archive builds). */
void go__note_plain_thread(void);

/* A suspending function was called by name on a goroutine's M (from a
 * function that gotransform did not lower): stop with a clear message. */
noreturn void go__not_in_go_func(const char *fn);

/* ---- locks --------------------------------------------------------------- */

void go__lock_acquire(go__lock *l);
void go__lock_release(go__lock *l);
bool go__lock_try(go__lock *l);

/* ---- wait queues (caller holds the owner's lock) -------------------------
 * q->first is stored atomically (relaxed: a plain store) so that lock-free
 * "would block" checks may read it (chan.c: Go's full()/empty()). */

static inline void go__waitq_push(go__waitq *q, go__waiter *w)
{
    w->next = NULL;
    w->prev = q->last;
    if (q->last)
        q->last->next = w;
    else
        __atomic_store_n(&q->first, w, __ATOMIC_RELAXED);
    q->last = w;
}

static inline void go__waitq_remove(go__waitq *q, go__waiter *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        __atomic_store_n(&q->first, w->next, __ATOMIC_RELAXED);
    if (w->next)
        w->next->prev = w->prev;
    else
        q->last = w->prev;
    w->next = w->prev = NULL;
}

static inline go__waiter *go__waitq_pop(go__waitq *q)
{
    go__waiter *w = q->first;
    if (w)
        go__waitq_remove(q, w);
    return w;
}

/* ---- misc ---------------------------------------------------------------- */

int64_t go__nanotime(void);            /* CLOCK_MONOTONIC */
uint32_t go__rand(void);               /* per-M fast random */
static inline uint32_t go__randn(uint32_t n) { return (uint32_t)(((uint64_t)go__rand() * n) >> 32); }

/* Go-style fatal errors: "panic: <msg>" (misuse) or "fatal error: <msg>"
 * (runtime), then "goroutine N [running]:" with the user's file:line, then
 * abort.  file may be NULL: the current frame's resume point is named. */
noreturn void go__panic_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
noreturn void go__fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define GO__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define GO__LIKELY(x) __builtin_expect(!!(x), 1)

#endif
