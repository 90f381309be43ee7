/* proc.h — the scheduler's private structures: P, M and the global sched
 * record shared by sched.c, runq.c, alloc.c, dump.c and fatal.c.
 *
 * G  a goroutine (internal.h): a frame chain plus a header.
 * P  a processor: the right to run Gs.  Holds a local run queue, free caches
 *    of Gs and frames, and counters.  GOSCHED_PROCS of them.
 * M  an OS thread (pthread) running the schedule loop.  An M runs Gs only
 *    while it holds a P; an M without work parks on its futex word.
 *
 * Invariants:
 *   - a P is owned by at most one M (p->m) or is on the idle list;
 *   - only the owner of a P touches its caches and pushes to its run queue;
 *   - sched.lock guards the idle P and M lists, the global run queue, the G
 *     overflow cache, mcount and the shutdown handshake;
 *   - every G of a go_run_main lives in a slab on sched.gslabs (a push-only
 *     list) until go_run_main frees them all; a G never in use is all zero
 *     (status GO_G_IDLE).
 */
#ifndef LIBSCHED_PROC_H
#define LIBSCHED_PROC_H

#include <pthread.h>

#include "internal.h"
#include "runq.h"
#include "timer.h"

/* ---- frame cache size classes: 16-byte steps up to 1 KiB ---------------- */

#define GO_FRAME_CLASS_STEP 16u
#define GO_FRAME_CLASS_MAX 1024u
#define GO_FRAME_NCLASS (GO_FRAME_CLASS_MAX / GO_FRAME_CLASS_STEP)

#define GO_FCACHE_MAX 64  /* free blocks a P keeps per class */

typedef struct go_frame_cache {
    uint32_t n;
    void *blocks[GO_FCACHE_MAX];  /* free blocks of one class: a stack */
} go_frame_cache;

/* Unused tail of a frame slab, carved one block at a time. */
typedef struct go_frame_carve {
    char *next, *end;
} go_frame_carve;

/* ---- G slabs: Gs are carved from them, 64 at a time ------------------- */

#define GO_GSLAB_N 64
#define GO_GCACHE_MAX 64   /* idle Gs a P keeps */

typedef struct go_gslot {
    go_g g;
} __attribute__((aligned(64))) go_gslot;   /* no false sharing between Gs */

typedef struct go_gslab go_gslab;
struct go_gslab {
    go_gslab *next;
    go_gslot slots[GO_GSLAB_N];
};

/* ---- per-P counters (written by the owner, summed by go_stats) ---------- */

typedef struct go_p_counters {
    _Atomic uint64_t steals;     /* successful runq steals by this P */
    _Atomic uint64_t parks;      /* Gs parked on this P */
    _Atomic uint64_t switches;   /* Gs resumed on this P */
    _Atomic uint64_t spawns;     /* go_spawn on this P */
    _Atomic uint64_t exits;      /* goroutines that returned on this P */
} go_p_counters;

/* Owner-only increment, readable by other threads (no RMW needed). */
#define GO__COUNT(c) \
    atomic_store_explicit(&(c), atomic_load_explicit(&(c), memory_order_relaxed) + 1, \
                          memory_order_relaxed)

enum go_pstatus {
    GO_P_IDLE,
    GO_P_RUNNING,
    GO_P_SYSCALL,     /* its M is in a GO_BLOCKING call; sysmon may retake it */
};

typedef struct go_p go_p;
typedef struct go_m go_m;

struct go_p {
    go_runq runq;
    int id;
    _Atomic uint32_t status;      /* enum go_pstatus (read by thieves) */
    go_m *m;                      /* owner while running */
    go_p *link;                   /* idle list */
    uint32_t schedtick;           /* incremented on every schedule (sysmon reads it) */
    uint32_t syscalltick;         /* incremented on every blocking call (sysmon reads it) */
    uint32_t runnext_streak;      /* consecutive Gs run from runnext */
    uint64_t rand_state;          /* go__rand's state under GOSCHED_SEED (seed.c) */

    int64_t goid_next, goid_end;  /* batch of goroutine ids */

    void *gfree[GO_GCACHE_MAX];   /* cache of idle Gs (go_g *): a stack */
    uint32_t ngfree;
    go_gslab *gslab;              /* slab new Gs are carved from */
    uint32_t gslab_used;
    go_frame_cache frames[GO_FRAME_NCLASS];
    go_frame_carve fcarve[GO_FRAME_NCLASS];

    go_timers timers;             /* timer heap (timer.h) */

    go_p_counters count;
} __attribute__((aligned(64)));

struct go_m {
    int id;
    go_p *p;                      /* P held, NULL while idle */
    go_p *nextp;                  /* P handed over by startm */
    bool spinning;                /* looking for work; counted in nmspinning */
    int64_t spin_since;           /* when spinning started (stats) */
    _Atomic uint32_t park;        /* futex word: 1 = woken */
    go_m *link;                   /* idle list */
    go_m *alllink;                /* all Ms */
    pthread_t thread;
    pid_t tid;                    /* its thread id, for the deadlock check */
    uint32_t *preempt;            /* this thread's go__preempt_flag (sysmon sets it) */
    int *errnop;                  /* this thread's errno, saved and restored per switch */
    go_p *oldp;                   /* P held before a GO_BLOCKING call */
};

/* Grouped by cache line: read-mostly settings, then words each written by
 * a different kind of event, so that a hot reader is not slowed by a
 * writer of a neighbour (false sharing). */
struct go_sched {
    /* read-mostly during a run */
    go_p **allp;
    int nprocs;
    _Atomic bool running;         /* between go_run_main's start and end */
    _Atomic bool stopping;        /* the main goroutine returned */
    _Atomic bool plain_threads;   /* a plain thread used the API (no deadlock check) */
    bool seeded;                  /* GOSCHED_SEED: scheduling choices from the seed (seed.c) */
    go_g *main_g;
    const int *main_result_ptr;
    int main_result;

    /* read by wakep on every spawn and ready */
    _Alignas(64) _Atomic int npidle;
    _Atomic int nmspinning;

    /* peeked by every M looking for work */
    _Alignas(64) _Atomic int64_t runqsize;   /* mirror of runq.size */

    _Alignas(64) _Atomic int64_t goidgen;
    _Atomic(go_gslab *) gslabs;   /* every slab, so every G */

    /* sched.lock and what it guards */
    _Alignas(64) go__lock lock;
    go_m *midle;                  /* idle Ms */
    int nmidle;
    int mcount;                   /* Ms created (or being created) */
    go_m *allm;
    go_p *pidle;                  /* idle Ps */
    go_gqueue runq;               /* global run queue */
    go_gslab *gslab;              /* slab for Gs made without a P */
    uint32_t gslab_used;

    _Alignas(64) _Atomic int64_t idle_ns, spinning_ns;
    go_p_counters count;          /* counters of work done without a P */
};

extern struct go_sched go__sched;

/* The M of this thread; NULL on a plain thread. */
extern _Thread_local go_m *go__m_tls __attribute__((tls_model("initial-exec")));

/* Can other Ps take from a P's run queue?  Not when it is the only one. */
static inline bool go__runq_stealable(void)
{
    return go__sched.nprocs > 1;
}

static inline go_p *go__curp(void)
{
    go_m *m = go__m_tls;
    return m ? m->p : NULL;
}

/* sched.c */
void go__globrunq_put(go_g *const *gs, uint32_t n);
void go__wakep(void);                 /* work appeared: start a spinning M if useful */
void go__startm_idle(void);           /* run an idle P (if any) on an idle or new M */
void go__handoffp(go_p *p);           /* p was retaken (status IDLE): give it an M or idle it */
bool go__acquire_idle_p(go_m *m);     /* m (without a P) takes an idle P, if any */
/* Make parked Gs (a schedlink list) runnable: onto the current P's queue, or
 * without a P onto the global queue with Ms started for idle Ps. */
void go__inject(go_g *list);

/* seed.c: GOSCHED_SEED */
void go__seed_init(void);             /* reads it; seeds every P (after they exist) */
go_g *go__seed_pick(go_p *p);         /* the next G of p's queue; one P only */
void go__seed_before_resume(void);    /* perhaps ask the G about to run to yield */

/* alloc.c: G and frame caches */
go_g *go__g_alloc(go_p *p);
void go__g_free(go_p *p, go_g *g);
void go__for_each_g(void (*fn)(go_g *g, void *arg), void *arg);
void go__frame_cache_drain(go_p *p);
void go__alloc_shutdown(void);

/* lock.c: futex primitives */
void go__futex_wait(_Atomic uint32_t *addr, uint32_t val);
void go__futex_wake(_Atomic uint32_t *addr, int n);

/* dump.c */
void go__dump_g(FILE *out, go_g *g, bool current);
void go__dump_created_by(FILE *out, const go_g *g);
const char *go__g_state(go_g *g);

#endif
