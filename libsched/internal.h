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

/* A timer (timer.c): fires f(arg, now) once at `when` (go__nanotime), or
 * every `period` ns when period > 0.  It sits in at most one P's heap (p,
 * idx: under that heap's lock); f runs on an M holding a P, with no runtime
 * lock held; `running` counts the fs in progress. */
typedef struct go_timer go_timer;
struct go_timer {
    int64_t when;
    int64_t period;
    void (*f)(void *arg, int64_t now);
    void *arg;
    _Atomic(struct go_p *) p;    /* heap holding it; NULL when not queued */
    int32_t idx;                 /* position in that heap */
    _Atomic uint32_t running;    /* fs executing now */
};

/* A goroutine's pending fd operation (io.c), redone by g->retry when the
 * netpoller readies it. */
typedef struct go_io {
    void *buf;                   /* read/write: the buffer; accept: addr */
    uintptr_t arg;               /* read/write: length; accept: socklen_t *; fd_wait: events */
    int fd;
    uint32_t gen;                /* the fd's close generation when the op began */
    int err;                     /* non-zero: complete with -1 and this errno */
    uint8_t op;                  /* what to redo (io.c) */
    uint8_t interest;            /* POLLIN / POLLOUT bits waited for */
    bool timed_out;              /* go_fd_wait: the deadline passed */
    bool queued;                 /* on its fd's wait queue (netpoll.c, under the fd's lock) */
    bool has_deadline;           /* go_fd_wait: the G's timer holds the deadline */
} go_io;

/* What only goroutines that sleep, select with a timeout or wait on fds
 * need: made on a G's first such operation (go__g_ext) and kept with the G
 * when it is reused, so that other goroutines do not pay for it. */
typedef struct go_gext {
    go_timer timer;              /* go_sleep, select and fd deadlines */
    go_io io;                    /* go_read & co. while the fd is not ready */
    struct go_local_table *locals; /* goroutine-local values (local.c), NULL until set */
} go_gext;

typedef struct go_g go_g;
struct go_g {
    /* First cache line: what spawning, running and ending a goroutine touch
     * (go_spawn and go__g_alloc set them when a G is reused; the other
     * fields keep what the G's last goroutine left, and every operation sets
     * the ones it reads). */
    go_frame *top;               /* innermost frame: resumed next */
    go_g *schedlink;             /* list link (Gs readied together: netpoll, go__inject) */
    int64_t id;
    _Atomic uint32_t status;     /* enum go_gstatus */
    int saved_errno;             /* errno across suspensions */
    intptr_t result;             /* value of the last operation (go__result) */

    /* called by the scheduler before resuming a woken G (cleared first, with
     * go__curg() set); returns false when it parked the G again with
     * go__park (e.g. a mutex waiter that lost the race): the scheduler then
     * completes that park as after GO_SUSPEND */
    bool (*retry)(go_g *g);
    const go_spawn_site *created_at;   /* its go(...), for dumps; NULL: unknown */
    go_gext *ext;                /* timer, fd and local state, NULL until first needed */

    /* set by go__park, consumed by the scheduler after the frame returns */
    void (*unlockf)(void *arg);
    void *unlock_arg;
    bool yielding;               /* go_yield: requeue instead of parking */
    bool preempted;              /* with yielding: requeue on the global queue */
    _Atomic bool in_blocking;    /* inside GO_BLOCKING: dumps say "syscall" (blocking.c) */

    const char *wait_reason;     /* "chan receive", "select", "sync.Mutex.Lock", … */
    int64_t wait_since;          /* go__coarse_nanotime() when parked; 0: unknown */

    go__waiter wait;             /* the wait record of plain operations */
    _Atomic uint32_t select_done;/* select: 0 → 1 by the one waker that wins */
    go_case *select_cases;       /* select in progress: its cases */
    int select_n;
};

/* Current goroutine of this thread, NULL on a plain thread or between Gs.
 * initial-exec, as go__preempt_flag: a plain load, not a __tls_get_addr
 * call that would make every function using it save registers. */
extern _Thread_local go_g *go__curg_tls __attribute__((tls_model("initial-exec")));
static inline go_g *go__curg(void) { return go__curg_tls; }

/* Park the current G (see the protocol above).  reason names the wait in
 * dumps; unlockf(arg) runs after the G is off the CPU (unlockf may be NULL). */
void go__park(const char *reason, void (*unlockf)(void *arg), void *arg);

/* Make a parked G runnable: into the current P's runnext when called from a
 * goroutine's M, else onto the global queue; wakes an idle M if needed. */
void go__ready(go_g *g);
/* The same, but at the tail of the local run queue: Gs readied in a batch
 * (timers, the netpoller) then run in the order they were readied. */
void go__ready_tail(go_g *g);

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

/* Inline fast paths (one atomic exchange each, as Go inlines its lock's
 * uncontended case); lock.c has the rest. */
void go__lock_acquire_slow(go__lock *l, uint32_t v);
void go__lock_release_slow(go__lock *l, uint32_t v);
bool go__lock_try(go__lock *l);

static inline void go__lock_acquire(go__lock *l)
{
    uint32_t v = atomic_exchange_explicit((_Atomic uint32_t *)&l->key, 1, memory_order_acquire);
    if (__builtin_expect(v != 0, 0))
        go__lock_acquire_slow(l, v);
}

static inline void go__lock_release(go__lock *l)
{
    uint32_t v = atomic_exchange_explicit((_Atomic uint32_t *)&l->key, 0, memory_order_release);
    if (__builtin_expect(v != 1, 0))
        go__lock_release_slow(l, v);
}

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

/* ---- timers (timer.c) ------------------------------------------------------
 * go__timer_start queues t (t->when, f and arg set, t not queued) on the
 * current P's heap, or a random P's without one.  go__timer_stop dequeues t
 * if queued and returns once no f of t is running: true when it dequeued. */
void go__timer_start(go_timer *t);
bool go__timer_stop(go_timer *t);

/* g's extension (the current G's), made on first use. */
go_gext *go__g_ext_make(go_g *g);
static inline go_gext *go__g_ext(go_g *g)
{
    return __builtin_expect(g->ext != NULL, 1) ? g->ext : go__g_ext_make(g);
}

/* Block a plain thread until go__wake(w) or `deadline` (go__nanotime);
 * false on timeout (w may still be woken later). */
bool go__thread_wait_until(go__waiter *w, int64_t deadline);

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
/* A step of a goroutine switch's hot path: inlined even where the compiler
 * would not (one call and one register save/restore less per switch). */
#define GO__HOT_INLINE inline __attribute__((always_inline))

#endif
