/* sysmon.c — the system monitor (Go's sysmon, retake and preemptone) and
 * cooperative preemption.
 *
 * sysmon is a thread that runs without a P.  It wakes every 20 µs while it
 * finds something to do, backing off to 10 ms after 50 idle rounds, and
 * sleeps on its futex word without a timeout while every P is idle (the
 * next P that leaves the idle list wakes it).  Each round it:
 *   - polls the network when no M has for 10 ms;
 *   - starts an M when a timer is overdue (all Ms may be busy);
 *   - retake: a P whose M has run the same goroutine for 10 ms gets a
 *     preemption request; a P whose M has been in a GO_BLOCKING call for a
 *     whole round (20 µs or more) is taken from it and handed to another M
 *     when there is other work (or after 10 ms in any case).
 *
 * Preemption is cooperative: the request is a per-M flag (the thread-local
 * go__preempt_flag, whose address the M registers in m->preempt), which
 * gotransform's checks at loop back-edges and GO_FUNC entry read with one
 * load (frame.h: go_preempt_requested).  go_preempt__begin clears it and
 * yields the goroutine to the global queue, as Go's gopreempt_m.
 *
 * Invariants: sysmon's per-P observations (struct sysmon_p) are its own;
 * it reads P fields owned by other Ms only through atomic loads (status,
 * schedtick, syscalltick, m); m->preempt is set before the M takes a P and
 * cleared, under sched.lock, before its thread exits.
 */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diag.h"
#include "netpoll.h"
#include "sysmon.h"

#define MS 1000000LL
enum {
    DELAY_MIN_US = 20,
    DELAY_MAX_US = 10000,
    IDLE_ROUNDS_BEFORE_BACKOFF = 50,
};
static const int64_t FORCE_PREEMPT_NS = 10 * MS;   /* a time slice */
static const int64_t SYSCALL_RETAKE_NS = 10 * MS;  /* retake even without other work */
static const int64_t NETPOLL_STALE_NS = 10 * MS;   /* poll if nobody has for this long */
static const int64_t RESTART_LOOK_NS = 1 * MS;     /* after a preemption: see the next G start */

_Thread_local uint32_t go__preempt_flag __attribute__((tls_model("initial-exec")));

struct sysmon_p {              /* what sysmon last saw of a P */
    uint32_t schedtick, syscalltick;
    int64_t schedwhen, syscallwhen;
    bool preempting;           /* asked its goroutine to yield; no switch seen since */
};

static struct {
    pthread_t thread;
    _Atomic uint32_t note;     /* futex word: 1 = woken */
    _Atomic bool stop;
    struct sysmon_p *ps;
} sysmon;

bool go__sysmon_waiting;

/* ---- preemption ------------------------------------------------------------- */

void go_preempt__begin(void)
{
    __atomic_store_n(&go__preempt_flag, 0, __ATOMIC_RELAXED);
    go_g *g = go__curg();
    if (GO__UNLIKELY(!g))
        go__fatal("go_preempt__begin outside a goroutine");
    g->yielding = true;
    g->preempted = true;
    g->result = 0;
}

/* Under sched.lock: an M that exits clears m->preempt under it first, so
 * the flag written is never in the thread-local storage of a thread gone. */
void go__preemptone_locked(go_p *p)
{
    go_m *m = __atomic_load_n(&p->m, __ATOMIC_ACQUIRE);
    if (m && m->preempt)
        __atomic_store_n(m->preempt, 1, __ATOMIC_RELAXED);
}

void go__preemptone(go_p *p)
{
    go__lock_acquire(&go__sched.lock);
    go__preemptone_locked(p);
    go__lock_release(&go__sched.lock);
}

/* ---- sleeping and waking ------------------------------------------------------ */

static void futex_wait(_Atomic uint32_t *word, const struct timespec *ts)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, 0, ts, NULL, 0);
}

/* Sleep for us microseconds, or until woken. */
static void sysmon_sleep(int64_t us)
{
    if (atomic_exchange(&sysmon.note, 0))
        return;
    struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };
    futex_wait(&sysmon.note, &ts);
    atomic_store(&sysmon.note, 0);
}

static void sysmon_wake(void)
{
    atomic_store(&sysmon.note, 1);
    syscall(SYS_futex, (uint32_t *)&sysmon.note, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

void go__sysmon_wake_locked(void)
{
    go__sysmon_waiting = false;
    int saved = errno;
    sysmon_wake();
    errno = saved;
}

/* Every P is idle: nothing to preempt or retake, and the idle Ms poll the
 * network and sleep for the timers themselves.  Sleep until a P turns busy.
 * False when sysmon should rather run its round. */
static bool sysmon_wait_busy(void)
{
    go__lock_acquire(&go__sched.lock);
    bool all_idle = atomic_load(&go__sched.npidle) == go__sched.nprocs &&
                    !atomic_load(&sysmon.stop);
    go__sysmon_waiting = all_idle;
    go__lock_release(&go__sched.lock);
    if (!all_idle)
        return false;
    while (!atomic_exchange(&sysmon.note, 0))
        futex_wait(&sysmon.note, NULL);
    return true;
}

/* ---- one round ------------------------------------------------------------------- */

/* Preempt and retake (see the top); the number of Ps retaken.  *next is
 * when sysmon should look again to preempt on time rather than a backed-off
 * delay late (INT64_MAX: no need): when the earliest slice ends, or soon
 * after a preemption request, to see when the next goroutine starts. */
static uint32_t retake(int64_t now, int64_t *next)
{
    uint32_t n = 0;
    *next = INT64_MAX;
    for (int i = 0; i < go__sched.nprocs; i++) {
        go_p *p = go__sched.allp[i];
        struct sysmon_p *sp = &sysmon.ps[i];
        uint32_t s = atomic_load_explicit(&p->status, memory_order_acquire);
        bool sysretake = false;
        if (s == GO_P_RUNNING || s == GO_P_SYSCALL) {
            uint32_t t = __atomic_load_n(&p->schedtick, __ATOMIC_RELAXED);
            int64_t end = sp->schedwhen + FORCE_PREEMPT_NS;
            if (sp->schedtick != t) {
                sp->schedtick = t;
                sp->schedwhen = now;
                sp->preempting = false;
                end = now + FORCE_PREEMPT_NS;
            } else if (end <= now) {
                go__preemptone(p);
                sysretake = true;   /* in a blocking call the request waits: retake too */
                /* once per request: a goroutine that never checks is not
                 * worth waking up for */
                end = sp->preempting ? INT64_MAX : now + RESTART_LOOK_NS;
                sp->preempting = true;
            }
            if (end < *next)
                *next = end;
        }
        if (s != GO_P_SYSCALL)
            continue;
        uint32_t t = __atomic_load_n(&p->syscalltick, __ATOMIC_RELAXED);
        if (!sysretake && sp->syscalltick != t) {
            sp->syscalltick = t;    /* a new call: retake from the next round on */
            sp->syscallwhen = now;
            continue;
        }
        /* No other work and Ms to spare: leave the P for a while. */
        if (go__runq_empty(&p->runq) &&
            atomic_load(&go__sched.nmspinning) + atomic_load(&go__sched.npidle) > 0 &&
            sp->syscallwhen + SYSCALL_RETAKE_NS > now)
            continue;
        uint32_t expect = GO_P_SYSCALL;
        if (atomic_compare_exchange_strong(&p->status, &expect, GO_P_IDLE)) {
            n++;
            go__handoffp(p);
        }
    }
    return n;
}

static void sysmon_poll_network(int64_t now)
{
    int64_t last = atomic_load(&go__poller.lastpoll);
    if (!go__netpoll_inited() || last == 0 || last + NETPOLL_STALE_NS >= now ||
        !atomic_compare_exchange_strong(&go__poller.lastpoll, &last, now))
        return;
    go__inject(go__netpoll(0));
}

static void *sysmon_main(void *arg)
{
    (void)arg;
    uint32_t idle = 0;
    int64_t delay = DELAY_MIN_US, slice_end = INT64_MAX;
    while (!atomic_load(&sysmon.stop)) {
        if (idle == 0)
            delay = DELAY_MIN_US;
        else if (idle > IDLE_ROUNDS_BEFORE_BACKOFF)
            delay *= 2;
        if (delay > DELAY_MAX_US)
            delay = DELAY_MAX_US;
        int64_t until_slice_end = (slice_end - go__nanotime()) / 1000;
        sysmon_sleep(until_slice_end < delay ? until_slice_end < DELAY_MIN_US ? DELAY_MIN_US
                                                                               : until_slice_end
                                             : delay);
        if (atomic_load(&sysmon.stop))
            break;
        if (atomic_load(&go__sched.npidle) == go__sched.nprocs && sysmon_wait_busy()) {
            idle = 0;
            continue;
        }
        int64_t now = go__nanotime();
        sysmon_poll_network(now);
        int64_t next = go__timers_next();
        if (next && next < now)
            go__startm_idle();   /* overdue timers: maybe every M is busy */
        if (retake(now, &slice_end))
            idle = 0;
        else
            idle++;
    }
    return NULL;
}

/* ---- lifetime ------------------------------------------------------------------- */

void go__sysmon_start(void)
{
    sysmon.ps = calloc((size_t)go__sched.nprocs, sizeof *sysmon.ps);
    if (!sysmon.ps)
        go__fatal("out of memory starting sysmon");
    atomic_store(&sysmon.stop, false);
    atomic_store(&sysmon.note, 0);
    go__sysmon_waiting = false;
    /* Signals go to the program's own threads; not a plain thread either. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    atomic_fetch_add(&go__helper_threads, 1);
    if (pthread_create(&sysmon.thread, NULL, sysmon_main, NULL) != 0)
        go__fatal("pthread_create failed: cannot start sysmon");
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void go__sysmon_stop(void)
{
    go__lock_acquire(&go__sched.lock);
    atomic_store(&sysmon.stop, true);
    go__sysmon_waiting = false;
    sysmon_wake();
    go__lock_release(&go__sched.lock);
    pthread_join(sysmon.thread, NULL);
    atomic_fetch_sub(&go__helper_threads, 1);
    free(sysmon.ps);
    sysmon.ps = NULL;
}
