/* sched.c — the scheduler: Gs run by Ms holding Ps (Go's proc.go, for
 * stackless frames).
 *
 * Running a G means resuming its innermost frame (g->top) in a loop:
 *   GO_CALL     the frame pushed a child: resume the new top;
 *   GO_DONE     pop to the parent (which reads the child's result and frees
 *               it); no parent: the goroutine is over;
 *   GO_SUSPEND  the G parks (go__park: status WAITING, then unlockf) or, when
 *               yielding, goes to the tail of the local run queue (the
 *               global queue when preempted, or back from a GO_BLOCKING
 *               call that lost its P).
 * No native recursion: a 10,000-deep call chain uses one C stack frame.
 * Under GOSCHED_SEED, seed.c makes the choices below (which G next, when to
 * yield) from the seed.
 * errno is saved in the G at a suspension and restored before it resumes.
 *
 * Finding work (schedule → find_runnable), in Go's order: the P's expired
 * timers; every 61st tick the global queue first (fairness); runnext,
 * capped at RUNNEXT_STREAK_MAX runs in a row so a ping-pong pair cannot
 * starve the ring; the local ring; the global queue; a non-blocking poll of
 * the network when goroutines wait on fds; the expired timers of every P;
 * stealing from random Ps (4 passes, runnext on the last); then the M gives
 * up its P and sleeps: in epoll_wait until the earliest timer of all Ps or
 * an fd event, if no other M does (poll_until_work), else on its futex word.
 *
 * Spinning (Go's "worker thread parking/unparking"): at most half of the
 * busy Ps have a spinning (work-looking) M.  When work appears and there is
 * an idle P and no spinner, wakep starts one.  A spinner that finds work
 * calls wakep to keep one spinner while there may be more.  A spinner that
 * gives up first decrements nmspinning and then re-checks every run queue,
 * so work submitted concurrently is never left without an M.  Work pushed
 * to a running P's local queue is never lost either: that P runs it.
 *
 * Invariants:
 *   - a G's frames are touched only by the M running it (status RUNNING);
 *   - a parked G is published (status WAITING, unlockf called) only after
 *     its resume function has returned;
 *   - an M holds a P while it runs Gs; an idle M holds none and is on
 *     sched.midle (or just woken with m->nextp set) or in epoll_wait; an M
 *     in a GO_BLOCKING call holds none and its P is SYSCALL (blocking.c).
 */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "env.h"
#include "netpoll.h"
#include "proc.h"
#include "sysmon.h"

enum {
    STEAL_TRIES = 4,
    GLOBAL_QUEUE_TICKS = 61,     /* check the global queue first every 61 ticks */
    RUNNEXT_STREAK_MAX = 64,     /* then take the ring's head instead */
};

struct go_sched go__sched;
_Thread_local go_g *go__curg_tls __attribute__((tls_model("initial-exec")));
_Thread_local go_m *go__m_tls __attribute__((tls_model("initial-exec")));

static go_stats_t last_stats;    /* go_stats() after go_run_main returned */

/* Steal order: a random start and a stride coprime with nprocs visit every
 * P once. */
static uint32_t *steal_strides;
static uint32_t steal_nstrides;

static void check_dead(void);
static void sched_stop(void);

/* ---- idle lists (sched.lock held) --------------------------------------- */

static void pidle_put(go_p *p)
{
    atomic_store_explicit(&p->status, GO_P_IDLE, memory_order_relaxed);
    __atomic_store_n(&p->m, NULL, __ATOMIC_RELAXED);
    p->link = go__sched.pidle;
    go__sched.pidle = p;
    atomic_fetch_add(&go__sched.npidle, 1);
}

static go_p *pidle_get(void)
{
    go_p *p = go__sched.pidle;
    if (p) {
        go__sched.pidle = p->link;
        atomic_fetch_sub(&go__sched.npidle, 1);
        if (GO__UNLIKELY(go__sysmon_waiting))
            go__sysmon_wake_locked();   /* a P turns busy: sysmon watches again */
    }
    return p;
}

static void mput(go_m *m)
{
    m->link = go__sched.midle;
    go__sched.midle = m;
    go__sched.nmidle++;
    if (go__sched.nmidle == go__sched.mcount)
        check_dead();
}

static go_m *mget(void)
{
    go_m *m = go__sched.midle;
    if (m) {
        go__sched.midle = m->link;
        go__sched.nmidle--;
    }
    return m;
}

static void acquirep(go_m *m, go_p *p)
{
    m->p = p;
    __atomic_store_n(&p->m, m, __ATOMIC_RELEASE);   /* sysmon reads it */
    atomic_store_explicit(&p->status, GO_P_RUNNING, memory_order_relaxed);
}

/* ---- global run queue ---------------------------------------------------- */

static void globrunq_put_locked(go_g *const *gs, uint32_t n)
{
    go__gqueue_push(&go__sched.runq, gs, n);
    atomic_store_explicit(&go__sched.runqsize, go__sched.runq.size, memory_order_relaxed);
}

void go__globrunq_put(go_g *const *gs, uint32_t n)
{
    go__lock_acquire(&go__sched.lock);
    globrunq_put_locked(gs, n);
    go__lock_release(&go__sched.lock);
}

/* Take a fair share of the global queue (at most max when max > 0): return
 * one G and move the rest to p's ring, which the caller knows is empty.
 * sched.lock held. */
static go_g *globrunq_get(go_p *p, int64_t max)
{
    int64_t n = go__sched.runq.size;
    if (n == 0)
        return NULL;
    if (n > n / go__sched.nprocs + 1)
        n = n / go__sched.nprocs + 1;
    if (max > 0 && n > max)
        n = max;
    if (n > GO_RUNQ_SIZE / 2)
        n = GO_RUNQ_SIZE / 2;
    go_g *gs[GO_RUNQ_SIZE / 2];
    uint32_t got = go__gqueue_pop(&go__sched.runq, gs, (uint32_t)n);
    atomic_store_explicit(&go__sched.runqsize, go__sched.runq.size, memory_order_relaxed);
    go__runq_put_array(p, gs + 1, got - 1);
    return gs[0];
}

static inline bool globrunq_maybe_nonempty(void)
{
    return atomic_load_explicit(&go__sched.runqsize, memory_order_relaxed) != 0;
}

/* ---- M parking and starting ------------------------------------------------ */

static void note_sleep(go_m *m)
{
    int64_t t0 = go__nanotime();
    while (atomic_load_explicit(&m->park, memory_order_acquire) == 0)
        go__futex_wait(&m->park, 0);
    atomic_store_explicit(&m->park, 0, memory_order_relaxed);
    atomic_fetch_add_explicit(&go__sched.idle_ns, go__nanotime() - t0, memory_order_relaxed);
}

static void note_wakeup(go_m *m)
{
    atomic_store_explicit(&m->park, 1, memory_order_release);
    go__futex_wake(&m->park, 1);
}

/* Park this M (which holds no P) until startm hands it a P.  False when it
 * was woken because the runtime is stopping. */
static bool stopm(go_m *m)
{
    go__lock_acquire(&go__sched.lock);
    if (atomic_load_explicit(&go__sched.stopping, memory_order_relaxed)) {
        go__lock_release(&go__sched.lock);
        return false;
    }
    mput(m);
    go__lock_release(&go__sched.lock);
    note_sleep(m);
    go_p *p = m->nextp;
    if (!p)
        return false;
    m->nextp = NULL;
    acquirep(m, p);
    return true;
}

static void *mstart(void *arg);

static void spinning_begin(go_m *m)
{
    m->spinning = true;
    m->spin_since = go__nanotime();
}

static void spinning_end(go_m *m)
{
    m->spinning = false;
    if (atomic_fetch_sub(&go__sched.nmspinning, 1) <= 0)
        go__fatal("scheduler: negative nmspinning");
    atomic_fetch_add_explicit(&go__sched.spinning_ns, go__nanotime() - m->spin_since,
                              memory_order_relaxed);
}

/* Run p (an idle P if NULL) on an idle or new M.  With `spinning`, the
 * caller counted the new M in nmspinning. */
static void startm(go_p *p, bool spinning)
{
    go__lock_acquire(&go__sched.lock);
    if (!p)
        p = pidle_get();
    if (!p || atomic_load_explicit(&go__sched.stopping, memory_order_relaxed)) {
        if (p)
            pidle_put(p);
        go__lock_release(&go__sched.lock);
        if (spinning && atomic_fetch_sub(&go__sched.nmspinning, 1) <= 0)
            go__fatal("startm: negative nmspinning");
        return;
    }
    go_m *m = mget();
    if (m) {
        go__lock_release(&go__sched.lock);
        m->nextp = p;
        if (spinning)
            spinning_begin(m);
        note_wakeup(m);
        return;
    }
    /* A new M, created under the lock so that shutdown sees its thread. */
    m = calloc(1, sizeof *m);
    if (!m)
        go__fatal("out of memory allocating an M");
    m->id = go__sched.mcount++;
    m->nextp = p;
    if (spinning)
        spinning_begin(m);
    m->alllink = go__sched.allm;
    go__sched.allm = m;
    if (pthread_create(&m->thread, NULL, mstart, m) != 0)
        go__fatal("pthread_create failed: cannot start an M");
    go__lock_release(&go__sched.lock);
}

/* Work appeared: start a spinning M if a P is idle and nobody spins. */
static inline void wakep(void)
{
    if (atomic_load_explicit(&go__sched.npidle, memory_order_relaxed) == 0)
        return;
    int zero = 0;
    if (atomic_load_explicit(&go__sched.nmspinning, memory_order_relaxed) != 0 ||
        !atomic_compare_exchange_strong(&go__sched.nmspinning, &zero, 1))
        return;
    startm(NULL, true);
}

void go__wakep(void)
{
    wakep();
}

void go__startm_idle(void)
{
    if (atomic_load_explicit(&go__sched.npidle, memory_order_relaxed))
        startm(NULL, false);
}

bool go__acquire_idle_p(go_m *m)
{
    go__lock_acquire(&go__sched.lock);
    go_p *p = pidle_get();
    go__lock_release(&go__sched.lock);
    if (p)
        acquirep(m, p);
    return p != NULL;
}

/* Go's handoffp: p, retaken from a blocking call by sysmon, gets an M when
 * there is work for it (or no M would otherwise look for work), else goes
 * idle; its timers still wake some M. */
void go__handoffp(go_p *p)
{
    if (!go__runq_empty(&p->runq) || globrunq_maybe_nonempty()) {
        startm(p, false);
        return;
    }
    int zero = 0;
    if (atomic_load(&go__sched.nmspinning) + atomic_load(&go__sched.npidle) == 0 &&
        atomic_compare_exchange_strong(&go__sched.nmspinning, &zero, 1)) {
        startm(p, true);
        return;
    }
    go__lock_acquire(&go__sched.lock);
    if (go__sched.runq.size ||
        (atomic_load(&go__sched.npidle) == go__sched.nprocs - 1 &&
         atomic_load(&go__poller.lastpoll) != 0)) {
        /* work, or this is the last busy P and nobody polls the network */
        go__lock_release(&go__sched.lock);
        startm(p, false);
        return;
    }
    int64_t when = atomic_load_explicit(&p->timers.when0, memory_order_relaxed);
    pidle_put(p);
    go__lock_release(&go__sched.lock);
    if (when)
        go__netpoll_wake_for(when);
}

/* ---- making parked Gs runnable ------------------------------------------------ */

static inline void ready_status(go_g *g)
{
    if (GO__UNLIKELY(atomic_load_explicit(&g->status, memory_order_relaxed) != GO_G_WAITING))
        go__fatal("go__ready of goroutine %lld, which is not waiting", (long long)g->id);
    atomic_store_explicit(&g->status, GO_G_RUNNABLE, memory_order_release);
}

void go__inject(go_g *list)
{
    if (!list)
        return;
    go_p *p = go__curp();
    if (p) {
        while (list) {
            go_g *g = list;
            list = g->schedlink;
            ready_status(g);
            go__runq_put(p, g, false);
        }
        wakep();
        return;
    }
    enum { BATCH = 64 };
    go_g *batch[BATCH];
    uint32_t n = 0, total = 0;
    while (list) {
        go_g *g = list;
        list = g->schedlink;
        ready_status(g);
        batch[n++] = g;
        total++;
        if (n == BATCH || !list) {
            go__globrunq_put(batch, n);
            n = 0;
        }
    }
    while (total-- && atomic_load_explicit(&go__sched.npidle, memory_order_relaxed))
        startm(NULL, false);
}

/* ---- finding work ----------------------------------------------------------- */

static GO__HOT_INLINE go_g *local_get(go_p *p)
{
    if (GO__UNLIKELY(p->runnext_streak >= RUNNEXT_STREAK_MAX)) {
        p->runnext_streak = 0;
        go_g *g = go__runq_get_head(p);
        if (g)
            return g;
    }
    go_g *g = go__runq_take_next(&p->runq, go__runq_stealable());
    if (g) {
        p->runnext_streak++;
        return g;
    }
    g = go__runq_get_head(p);
    if (g)
        p->runnext_streak = 0;
    return g;
}

/* The next G of p's own queue; under GOSCHED_SEED with one P, the seed's
 * choice. */
static go_g *local_next(go_p *p)
{
    if (GO__UNLIKELY(go__sched.seeded && go__sched.nprocs == 1))
        return go__seed_pick(p);
    return local_get(p);
}

static go_g *steal_work(go_p *p)
{
    uint32_t n = (uint32_t)go__sched.nprocs;
    for (int i = 0; i < STEAL_TRIES; i++) {
        bool steal_runnext = i == STEAL_TRIES - 1;
        uint32_t r = go__rand();
        uint32_t pos = r % n;
        uint32_t stride = steal_strides[(r / n) % steal_nstrides];
        for (uint32_t k = 0; k < n; k++, pos = (pos + stride) % n) {
            if (atomic_load_explicit(&go__sched.stopping, memory_order_relaxed))
                return NULL;
            go_p *victim = go__sched.allp[pos];
            if (victim == p ||
                atomic_load_explicit(&victim->status, memory_order_relaxed) == GO_P_IDLE)
                continue;   /* an idle P's queue is empty */
            go_g *g = go__runq_steal(p, victim, steal_runnext);
            if (g)
                return g;
        }
    }
    return NULL;
}

/* After dropping the P: is there a busy P with queued work, and an idle P
 * to run it with? */
static go_p *check_runqs_no_p(void)
{
    for (int i = 0; i < go__sched.nprocs; i++) {
        go_p *victim = go__sched.allp[i];
        if (atomic_load_explicit(&victim->status, memory_order_relaxed) == GO_P_IDLE ||
            go__runq_empty(&victim->runq))
            continue;
        go__lock_acquire(&go__sched.lock);
        go_p *p = pidle_get();
        go__lock_release(&go__sched.lock);
        return p;
    }
    return NULL;
}

/* m holds no P and found nothing: sleep in epoll_wait until the next timer
 * or an fd event, if it is the M to do so (no other M is in epoll_wait, and
 * there are timers or fd waiters).  True when m holds a P again; *gp is
 * then a G the poll readied, or NULL.  Otherwise (false), make sure the M
 * in epoll_wait wakes for the earliest timer; the caller parks m. */
static bool poll_until_work(go_m *m, go_g **gp)
{
    *gp = NULL;
    if (!go__netpoll_inited())
        return false;
    int64_t until = go__timers_next();
    if ((atomic_load(&go__poller.waiters) > 0 || until) &&
        atomic_exchange(&go__poller.lastpoll, 0) != 0) {
        atomic_store(&go__poller.poll_until, until);
        int64_t now = go__nanotime();
        int64_t delay = until == 0 ? -1 : until > now ? until - now : 0;
        go_g *list = NULL;
        if (!atomic_load(&go__sched.stopping))   /* sched_stop breaks a poll after this */
            list = go__netpoll(delay);
        atomic_store(&go__poller.poll_until, 0);
        atomic_store(&go__poller.lastpoll, go__nanotime());
        if (!go__acquire_idle_p(m)) {
            go__inject(list);
            return false;
        }
        if (list) {
            *gp = list;
            go__inject(list->schedlink);
            ready_status(*gp);
        }
        return true;
    }
    if (until) {
        int64_t pu = atomic_load(&go__poller.poll_until);
        if (pu == 0 || pu > until)
            go__netpoll_break();
    }
    return false;
}

/* Find a runnable G for m, parking m while there is none.  NULL when the
 * runtime is stopping. */
static go_g *find_runnable(go_m *m)
{
    go_g *g;
    for (;;) {
        if (atomic_load_explicit(&go__sched.stopping, memory_order_relaxed))
            return NULL;
        if (GO__UNLIKELY(!m->p) && !stopm(m))
            return NULL;   /* it lost its P in a blocking call: wait for one */
        go_p *p = m->p;

        int64_t now = 0;
        if (go__timers_due(&p->timers, &now))
            go__timers_run(p, now);

        if (p->schedtick % GLOBAL_QUEUE_TICKS == 0 && globrunq_maybe_nonempty()) {
            go__lock_acquire(&go__sched.lock);
            g = globrunq_get(p, 1);
            go__lock_release(&go__sched.lock);
            if (g)
                return g;
        }
        if ((g = local_next(p)))
            return g;
        if (globrunq_maybe_nonempty()) {
            go__lock_acquire(&go__sched.lock);
            g = globrunq_get(p, 0);
            go__lock_release(&go__sched.lock);
            if (g)
                return g;
        }

        /* Goroutines wait on fds and no M sleeps in epoll_wait: poll. */
        if (go__netpoll_worth_polling() && (g = go__netpoll(0))) {
            go__inject(g->schedlink);
            ready_status(g);
            return g;
        }
        /* Expired timers of every P: idle ones have nobody else. */
        if (go__timers_run_all() && (g = local_next(p)))
            return g;

        int busy = go__sched.nprocs - atomic_load_explicit(&go__sched.npidle, memory_order_relaxed);
        if (m->spinning ||
            2 * atomic_load_explicit(&go__sched.nmspinning, memory_order_relaxed) < busy) {
            if (!m->spinning) {
                atomic_fetch_add(&go__sched.nmspinning, 1);
                spinning_begin(m);
            }
            if ((g = steal_work(p)))
                return g;
        }

        /* Nothing: give up the P, then park. */
        go__lock_acquire(&go__sched.lock);
        if (go__sched.runq.size) {
            g = globrunq_get(p, 0);
            go__lock_release(&go__sched.lock);
            return g;
        }
        m->p = NULL;
        pidle_put(p);
        go__lock_release(&go__sched.lock);

        if (m->spinning) {
            /* Drop nmspinning first, then look again: a G readied while we
             * were the last spinner did not start another M. */
            spinning_end(m);
            if ((p = check_runqs_no_p())) {
                acquirep(m, p);
                atomic_fetch_add(&go__sched.nmspinning, 1);
                spinning_begin(m);
                continue;
            }
        }
        if (poll_until_work(m, &g)) {
            if (g)
                return g;
            continue;
        }
        if (!stopm(m))
            return NULL;
    }
}

/* ---- running a G ------------------------------------------------------------ */

/* A yielding G goes to the global queue: preempted (Go's gopreempt_m), or
 * back from a blocking call that lost its P (Go's exitsyscall0: then an
 * idle P, if one appeared meanwhile, runs it instead, and otherwise this M
 * parks in find_runnable until it is given a P). */
static void requeue_global(go_m *m, go_g *g)
{
    g->preempted = false;
    go__lock_acquire(&go__sched.lock);
    go_p *p = m->p ? NULL : pidle_get();
    if (!p)
        globrunq_put_locked(&g, 1);
    go__lock_release(&go__sched.lock);
    if (p) {
        acquirep(m, p);
        go__runq_put(p, g, false);
    }
}

/* The G returned GO_SUSPEND (or its retry re-parked it): requeue a yielding
 * G, else complete the park.  The G must not be touched after unlockf. */
static GO__HOT_INLINE void park_current(go_m *m, go_g *g)
{
    go_p *p = m->p;
    g->saved_errno = *m->errnop;
    if (g->yielding) {
        g->yielding = false;
        atomic_store_explicit(&g->status, GO_G_RUNNABLE, memory_order_release);
        if (GO__UNLIKELY(g->preempted || !p))
            requeue_global(m, g);
        else
            go__runq_put(p, g, false);
        return;
    }
    void (*unlockf)(void *) = g->unlockf;
    void *arg = g->unlock_arg;
    g->unlockf = NULL;
    GO__COUNT(p->count.parks);
    atomic_store_explicit(&g->status, GO_G_WAITING, memory_order_release);
    if (unlockf)
        unlockf(arg);
}

/* The root frame returned: the goroutine is over. */
static void goexit(go_p *p, go_g *g, go_frame *root)
{
    if (GO__UNLIKELY(g->ext && g->ext->locals))
        go__local_exit(g);
    GO__COUNT(p->count.exits);
    if (GO__UNLIKELY(g == go__sched.main_g)) {
        if (go__sched.main_result_ptr)
            go__sched.main_result = *go__sched.main_result_ptr;
        sched_stop();
    }
    if (root->flags & GO_FRAME_HEAP)
        go_frame_free(root);
    if (g->ext && GO__UNLIKELY(atomic_load_explicit(&g->ext->timer.running, memory_order_relaxed)))
        go__timer_stop(&g->ext->timer);   /* the f that readied g may still be returning */
    g->top = NULL;
    atomic_store_explicit(&g->status, GO_G_DEAD, memory_order_relaxed);
    go__g_free(p, g);
}

static void execute(go_m *m, go_g *g)
{
    go_p *p = m->p;
    __atomic_store_n(&p->schedtick, p->schedtick + 1, __ATOMIC_RELAXED);   /* sysmon reads it */
    if (GO__UNLIKELY(__atomic_load_n(&go__preempt_flag, __ATOMIC_RELAXED)))
        __atomic_store_n(&go__preempt_flag, 0, __ATOMIC_RELAXED);   /* meant for the G before */
    if (GO__UNLIKELY(go__sched.seeded))
        go__seed_before_resume();
    GO__COUNT(p->count.switches);
    atomic_store_explicit(&g->status, GO_G_RUNNING, memory_order_relaxed);
    atomic_signal_fence(memory_order_seq_cst);   /* the store, then the load (freeze.c) */
    if (GO__UNLIKELY(atomic_load_explicit(&go__freezing.n, memory_order_acquire)))
        go__freeze_point(g);
    go__curg_tls = g;
    *m->errnop = g->saved_errno;

    if (g->retry) {
        bool (*retry)(go_g *) = g->retry;
        g->retry = NULL;
        if (!retry(g)) {
            park_current(m, g);
            go__curg_tls = NULL;
            return;
        }
    }
    for (;;) {
        go_frame *f = g->top;
        int r = f->info->resume(f);
        if (r == GO_CALL)
            continue;
        if (r == GO_DONE) {
            if (f->parent) {
                g->top = f->parent;
                continue;
            }
            goexit(m->p, g, f);
            break;
        }
        if (GO__UNLIKELY(r != GO_SUSPEND))
            go__panic_at(NULL, 0, "%s returned %d (want GO_DONE, GO_SUSPEND or GO_CALL)",
                         f->info->name, r);
        park_current(m, g);
        break;
    }
    go__curg_tls = NULL;
}

static void schedule(go_m *m)
{
    go_g *g;
    while ((g = find_runnable(m))) {
        if (m->spinning) {
            spinning_end(m);
            wakep();   /* there may be more work: keep one spinner */
        }
        execute(m, g);
    }
    if (m->spinning)
        spinning_end(m);
}

static void *mstart(void *arg)
{
    go_m *m = arg;
    go__m_tls = m;
    m->tid = (pid_t)syscall(SYS_gettid);
    m->preempt = &go__preempt_flag;
    m->errnop = &errno;
    go_p *p = m->nextp;
    m->nextp = NULL;
    acquirep(m, p);
    schedule(m);
    go__lock_acquire(&go__sched.lock);
    m->preempt = NULL;   /* its thread-local flag goes with the thread */
    go__lock_release(&go__sched.lock);
    go__m_tls = NULL;
    return NULL;
}

/* The main goroutine returned: every M leaves its schedule loop. */
static void sched_stop(void)
{
    atomic_store(&go__sched.stopping, true);
    go__lock_acquire(&go__sched.lock);
    go_m *m;
    while ((m = mget()))
        note_wakeup(m);   /* nextp NULL: stopm returns false */
    go__lock_release(&go__sched.lock);
    go__netpoll_break();   /* the M in epoll_wait */
    for (int i = 0; i < go__sched.nprocs; i++)
        go__preemptone(go__sched.allp[i]);   /* busy Ms: yield at the next check */
}

/* ---- deadlock ----------------------------------------------------------------- */

#ifdef GO__TSAN   /* gosched/frame.h: built with ThreadSanitizer */
static const bool under_tsan = true;
#else
static const bool under_tsan = false;
#endif

/* Does thread `tid` block every standard signal (1-31 but KILL and STOP)? */
static bool blocks_every_signal(pid_t tid)
{
    char path[64], line[128];
    unsigned long long mask = 0;
    snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    while (fgets(line, sizeof line, f) && sscanf(line, "SigBlk: %llx", &mask) != 1)
        ;
    fclose(f);
    return (mask & 0x7fffffffull) == 0x7ffbfeffull;
}

/* Threads of this process that are not Ms (sched.lock held): plain threads
 * that may still call into the runtime.  Ms are known by thread id; the
 * runtime's helpers (sysmon, the diagnostics thread) are counted in
 * go__helper_threads.  Under ThreadSanitizer, whose own threads (one or
 * two: after a fork, at the first pthread_create) run with every signal
 * blocked, as the helpers do, threads blocking every signal are left out
 * instead; a plain thread that blocks them all goes unnoticed there. */
static bool plain_threads_alive(void)
{
    DIR *dir = opendir("/proc/self/task");
    if (!dir)
        return true;    /* cannot tell: assume there are */
    int others = 0;
    for (struct dirent *e; (e = readdir(dir));) {
        if (e->d_name[0] == '.')
            continue;
        pid_t tid = (pid_t)atoi(e->d_name);
        bool is_m = false;
        for (go_m *m = go__sched.allm; m && !is_m; m = m->alllink)
            is_m = m->tid == tid;
        others += !is_m && !(under_tsan && blocks_every_signal(tid));
    }
    closedir(dir);
    if (!under_tsan)
        others -= atomic_load(&go__helper_threads);
    return others > 0;
}

/* Every M is idle (sched.lock held): if the main goroutine has not returned,
 * nothing can ever run again.
 *
 * Exception: while a plain (non-M) thread exists, or once one has used the
 * channel/sync API in this go_run_main, the check is off.  Such a thread may
 * send or unlock later, and the runtime cannot know it will not — Go makes
 * the same choice for c-archive/c-shared builds, where foreign threads may
 * call in.  A deadlock involving plain threads therefore hangs instead of
 * being reported; never the reverse. */
static void check_dead(void)
{
    if (atomic_load(&go__sched.stopping) || atomic_load(&go__sched.plain_threads) ||
        plain_threads_alive())
        return;
    /* Goroutines asleep on timers or fds will wake (Go returns here too). */
    if (go__timers_next() || atomic_load(&go__poller.waiters) > 0)
        return;
    if (go__sched.runq.size)
        go__fatal("checkdead: runnable goroutines while every M is idle");
    for (int i = 0; i < go__sched.nprocs; i++)
        if (!go__runq_empty(&go__sched.allp[i]->runq))
            go__fatal("checkdead: runnable goroutines on P %d while every M is idle", i);
    fputs("fatal error: all goroutines are asleep - deadlock!\n\n", stderr);
    go_dump(stderr);
    fflush(stderr);
    exit(2);
}

void go__note_plain_thread(void)
{
    if (!go__m_tls && !atomic_load_explicit(&go__sched.plain_threads, memory_order_relaxed))
        atomic_store(&go__sched.plain_threads, true);
}

/* ---- the API used by frames and the rest of the runtime ------------------------ */

static int64_t new_goid(go_p *p)
{
    enum { GOID_BATCH = 16 };
    if (!p)
        return atomic_fetch_add(&go__sched.goidgen, 1) + 1;
    if (p->goid_next == p->goid_end) {
        p->goid_next = atomic_fetch_add(&go__sched.goidgen, GOID_BATCH) + 1;
        p->goid_end = p->goid_next + GOID_BATCH;
    }
    return p->goid_next++;
}

/* A G became runnable on a thread without a P: global queue, and an idle
 * P gets an M. */
static void ready_global(go_g *g)
{
    go__note_plain_thread();
    go__globrunq_put(&g, 1);
    if (atomic_load_explicit(&go__sched.npidle, memory_order_relaxed))
        startm(NULL, false);
}

void go_spawn(go_frame *root)
{
    go_spawn_at(root, NULL);
}

void go_spawn_at(go_frame *root, const go_spawn_site *site)
{
    if (GO__UNLIKELY(!atomic_load_explicit(&go__sched.running, memory_order_relaxed)))
        go__fatal("go_spawn called outside go_run_main");
    go_p *p = go__curp();
    go_g *g = go__g_alloc(p);
    root->parent = NULL;
    g->top = root;
    g->created_at = site;
    g->id = new_goid(p);
    atomic_store_explicit(&g->status, GO_G_RUNNABLE, memory_order_release);
    if (GO__UNLIKELY(!p)) {
        atomic_fetch_add_explicit(&go__sched.count.spawns, 1, memory_order_relaxed);
        ready_global(g);
        return;
    }
    GO__COUNT(p->count.spawns);
    go__runq_put(p, g, true);
    wakep();
}

static inline void ready(go_g *g, bool next)
{
    ready_status(g);
    go_p *p = go__curp();
    if (GO__UNLIKELY(!p)) {
        ready_global(g);
        return;
    }
    if (!next || !go__runq_fill_next(&p->runq, g))
        go__runq_put(p, g, next);
    wakep();
}

void go__ready(go_g *g)
{
    ready(g, true);
}

void go__ready_tail(go_g *g)
{
    ready(g, false);
}

void go__park(const char *reason, void (*unlockf)(void *arg), void *arg)
{
    go_g *g = go__curg();
    if (GO__UNLIKELY(!g))
        go__fatal("go__park outside a goroutine (%s)", reason);
    if (GO__UNLIKELY(!go__m_tls->p))
        go__panic_at(NULL, 0, "%s inside GO_BLOCKING: nothing may suspend there", reason);
    g->wait_reason = reason;
    g->wait_since = go__coarse_nanotime();
    g->unlockf = unlockf;
    g->unlock_arg = arg;
}

void go_frame_call(go_frame *parent, go_frame *child)
{
    go_g *g = go__curg();
    if (GO__UNLIKELY(!g || g->top != parent))
        go__fatal("go_frame_call: the parent is not the running goroutine's innermost frame");
    child->parent = parent;
    g->top = child;
}

intptr_t go__result(void)
{
    go_g *g = go__curg();
    return g ? g->result : 0;
}

int go_yield__begin(void)
{
    go_g *g = go__curg();
    if (!g) {
        sched_yield();
        return GO_READY;
    }
    g->yielding = true;
    g->result = 0;
    return GO_WAIT;
}

void go_yield(void)
{
    if (go__curg())
        go__not_in_go_func("go_yield");
    sched_yield();
}

int64_t go_id(void)
{
    go_g *g = go__curg();
    return g ? g->id : 0;
}

int go_procs(void)
{
    if (atomic_load(&go__sched.running))
        return go__sched.nprocs;
    return go__env_procs();
}

/* ---- statistics ------------------------------------------------------------------ */

static go_stats_t stats_sum(void)
{
    go_stats_t s = { .procs = go__sched.nprocs };
    uint64_t exits = 0;
    for (int i = 0; i <= go__sched.nprocs; i++) {
        go_p_counters *c = i < go__sched.nprocs ? &go__sched.allp[i]->count : &go__sched.count;
        s.steals += atomic_load_explicit(&c->steals, memory_order_relaxed);
        s.parks += atomic_load_explicit(&c->parks, memory_order_relaxed);
        s.switches += atomic_load_explicit(&c->switches, memory_order_relaxed);
        s.spawns += atomic_load_explicit(&c->spawns, memory_order_relaxed);
        exits += atomic_load_explicit(&c->exits, memory_order_relaxed);
    }
    s.goroutines = 1 + (int64_t)s.spawns - (int64_t)exits;   /* 1: the main goroutine */
    s.threads = go__sched.mcount;
    s.idle_threads = go__sched.nmidle;
    s.spinning_threads = atomic_load(&go__sched.nmspinning);
    s.idle_procs = atomic_load(&go__sched.npidle);
    s.runqueue = s.runnable = go__sched.runq.size;
    for (int i = 0; i < go__sched.nprocs; i++)
        s.runnable += go__runq_len(&go__sched.allp[i]->runq);
    s.idle_ms = atomic_load(&go__sched.idle_ns) / 1000000;
    s.spinning_ms = atomic_load(&go__sched.spinning_ns) / 1000000;
    return s;
}

go_stats_t go_stats(void)
{
    go__lock_acquire(&go__sched.lock);
    go_stats_t s = atomic_load(&go__sched.running) && go__sched.allp ? stats_sum() : last_stats;
    go__lock_release(&go__sched.lock);
    return s;
}

/* ---- go_run_main --------------------------------------------------------------------- */

static uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static void sched_init(int nprocs)
{
    /* Plain threads that used the API before this run and still live are
     * seen by plain_threads_alive(); the thread calling go_run_main is an M. */
    memset(&go__sched, 0, sizeof go__sched);
    go__sched.nprocs = nprocs;
    go__sched.allp = calloc((size_t)nprocs, sizeof *go__sched.allp);
    steal_strides = calloc((size_t)nprocs, sizeof *steal_strides);
    if (!go__sched.allp || !steal_strides)
        go__fatal("out of memory starting the scheduler");
    steal_nstrides = 0;
    for (uint32_t i = 1; i <= (uint32_t)nprocs; i++)
        if (gcd(i, (uint32_t)nprocs) == 1)
            steal_strides[steal_nstrides++] = i;
    for (int i = 0; i < nprocs; i++) {
        go_p *p = aligned_alloc(64, sizeof *p);
        if (!p)
            go__fatal("out of memory starting the scheduler");
        memset(p, 0, sizeof *p);
        p->id = i;
        go__sched.allp[i] = p;
    }
    for (int i = nprocs - 1; i > 0; i--)
        pidle_put(go__sched.allp[i]);
    go__seed_init();
}

/* Every M but the caller's has exited: free everything but the abandoned
 * goroutines (alloc.c keeps them, as Go does until exit). */
static void sched_free(go_m *m0)
{
    go__lock_acquire(&go__sched.lock);
    last_stats = stats_sum();
    atomic_store(&go__sched.running, false);
    atomic_store(&go__sched.plain_threads, false);
    go__lock_release(&go__sched.lock);

    go__alloc_shutdown();   /* no P here: frames freed now go to the global lists */
    go__gqueue_free(&go__sched.runq);
    for (int i = 0; i < go__sched.nprocs; i++) {
        go__frame_cache_drain(go__sched.allp[i]);
        free(go__sched.allp[i]);
    }
    free(go__sched.allp);
    go__sched.allp = NULL;
    free(steal_strides);
    steal_strides = NULL;
    for (go_m *m = go__sched.allm, *next; m; m = next) {
        next = m->alllink;
        if (m != m0)
            free(m);
    }
    free(m0);
}

int go_run_main(go_frame *root, const int *result)
{
    static _Atomic bool claimed;   /* one go_run_main at a time */
    if (go__m_tls || atomic_exchange(&claimed, true))
        go__fatal("go_run_main called while the runtime is running");
    int nprocs = go__env_procs();
    sched_init(nprocs);

    go_m *m0 = calloc(1, sizeof *m0);
    if (!m0)
        go__fatal("out of memory starting the scheduler");
    m0->thread = pthread_self();
    m0->tid = (pid_t)syscall(SYS_gettid);
    go__sched.allm = m0;
    go__sched.mcount = 1;
    go__m_tls = m0;
    m0->preempt = &go__preempt_flag;
    m0->errnop = &errno;
    go_p *p0 = go__sched.allp[0];
    acquirep(m0, p0);

    go_g *g = go__g_alloc(p0);
    root->parent = NULL;
    g->top = root;
    g->created_at = NULL;
    g->id = new_goid(p0);
    atomic_store_explicit(&g->status, GO_G_RUNNABLE, memory_order_relaxed);
    go__sched.main_g = g;
    go__sched.main_result_ptr = result;
    atomic_store(&go__sched.running, true);
    go__diag_start();
    go__netpoll_start();
    go__sysmon_start();
    go__runq_put(p0, g, true);

    schedule(m0);
    go__diag_stop();

    /* The main goroutine returned; sched_stop woke every idle M and the one
     * in epoll_wait, and asked busy ones to yield: they stop when their
     * current G suspends (at its next preemption check, or when an M in a
     * GO_BLOCKING call gets back).  New Ms are no longer started, so allm
     * is final. */
    go__m_tls = NULL;
    m0->p = NULL;
    go__lock_acquire(&go__sched.lock);
    go_m *all = go__sched.allm;
    go__lock_release(&go__sched.lock);
    for (go_m *m = all; m; m = m->alllink)
        if (m != m0)
            pthread_join(m->thread, NULL);
    /* sysmon ran until now: an M that took a new G just as sched_stop asked
     * it to yield (execute clears a request meant for the G before) is
     * preempted at the end of that G's slice. */
    go__sysmon_stop();
    __atomic_store_n(&go__preempt_flag, 0, __ATOMIC_RELAXED);   /* sched_stop's request */
    go__timers_shutdown();
    go__netpoll_shutdown();
    int ret = go__sched.main_result;
    sched_free(m0);
    atomic_store(&claimed, false);
    return ret;
}
