/* freeze.c — stopping the world for a consistent view of every goroutine
 * (go_dump, the SIGQUIT dump, the deadlock report).
 *
 * A frame is touched only by the M running its G, so the frame chain of a
 * G that is not running is stable for as long as no M starts running it.
 * A freeze makes that hold for every G at once:
 *   - go__world_freeze raises go__freezing, then issues a process-wide
 *     memory barrier (membarrier(2));
 *   - an M about to run a G stores the G's status RUNNING, then reads
 *     go__freezing (execute() in sched.c; a compiler barrier keeps the
 *     order); when it is set, go__freeze_point puts the G back to RUNNABLE
 *     and sleeps until the world thaws.
 * This is an asymmetric Dekker handshake: the barrier makes the freezer's
 * side a full fence on every thread, so either the M saw the flag and does
 * not run the G, or its RUNNING store is visible to the freezer.  After
 * go__world_freeze, every G that is not RUNNING stays put — readied,
 * spawned or yielding Gs included, since any M that picks one up freezes —
 * and Gs that are RUNNING can only stop (park, yield, exit), never start.
 * An M pays one load of a read-mostly word per G it runs; the load
 * acquires, so that what a dumper read before its thaw (a release) happens
 * before the M writes the G's fields (a plain load on x86).
 *
 * The Gs running at the freeze are asked to yield at their next
 * preemption check (as sysmon does after 10 ms) and waited for, up to
 * wait_ns: they reach their next switch within microseconds unless they
 * compute without a check or block in C.  Those are then shown as running,
 * without frames, as Go shows "goroutine running on other thread".
 *
 * Without membarrier (before Linux 4.14 for the expedited command, or under
 * a seccomp filter) MEMBARRIER_CMD_GLOBAL is tried, then a 1 ms sleep: an
 * M's store then has long left its CPU's store buffer, which is what the
 * barrier guarantees formally.
 *
 * Status stores that publish a G (RUNNABLE, WAITING) are release stores and
 * the dumper's loads acquire, so the frames the dumper reads happen-before
 * in the memory model (and for ThreadSanitizer).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"
#include "sysmon.h"

struct go_freeze_flag go__freezing;

static long membarrier(int cmd)
{
    return syscall(SYS_membarrier, cmd, 0, 0);
}

/* A full memory barrier on every thread of the process. */
static void process_barrier(void)
{
    static _Atomic int registered;   /* 0: not tried, 1: registered, -1: failed */
    int reg = atomic_load(&registered);
    if (reg == 0) {
        reg = membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0 ? 1 : -1;
        atomic_store(&registered, reg);
    }
    if (reg == 1 && membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0)
        return;
    if (membarrier(MEMBARRIER_CMD_GLOBAL) == 0)
        return;
    nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
}

struct running {
    go_g **gs;
    size_t n, cap;
    go_g *self;
};

static void collect_running(go_g *g, void *arg)
{
    struct running *r = arg;
    if (g == r->self ||
        atomic_load_explicit(&g->status, memory_order_acquire) != GO_G_RUNNING ||
        atomic_load_explicit(&g->in_blocking, memory_order_relaxed))
        return;   /* (one in a blocking C call will not stop soon) */
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        go_g **more = realloc(r->gs, cap * sizeof *more);
        if (!more)
            return;   /* not waited for: shown as running */
        r->gs = more;
        r->cap = cap;
    }
    r->gs[r->n++] = g;
}

/* Wait until none of the Gs running at the freeze still runs, or until
 * the deadline. */
static void wait_running(int64_t wait_ns)
{
    struct running r = { .self = go__curg() };
    go__for_each_g(collect_running, &r);
    int64_t deadline = go__nanotime() + wait_ns;
    long pause_ns = 20000;
    while (r.n) {
        if (atomic_load_explicit(&r.gs[r.n - 1]->status, memory_order_acquire) != GO_G_RUNNING) {
            r.n--;
            continue;
        }
        if (go__nanotime() >= deadline)
            break;
        nanosleep(&(struct timespec){ .tv_nsec = pause_ns }, NULL);
        if (pause_ns < 1000000)
            pause_ns *= 2;
    }
    free(r.gs);
}

/* Ask the goroutine on every P to yield.  That needs sched.lock; a freeze
 * made under it (the deadlock report, when nothing runs) or racing a
 * holder skips this and only waits. */
static void preempt_running(void)
{
    if (!go__lock_try(&go__sched.lock))
        return;
    for (int i = 0; i < go__sched.nprocs; i++)
        go__preemptone_locked(go__sched.allp[i]);
    go__lock_release(&go__sched.lock);
}

void go__world_freeze(int64_t wait_ns)
{
    atomic_fetch_add(&go__freezing.n, 1);
    if (!atomic_load(&go__sched.running))
        return;   /* no Ms */
    process_barrier();
    preempt_running();
    wait_running(wait_ns);
}

void go__world_thaw(void)
{
    if (atomic_fetch_sub(&go__freezing.n, 1) == 1)
        go__futex_wake(&go__freezing.n, INT_MAX);
}

void go__freeze_point(go_g *g)
{
    do {
        atomic_store_explicit(&g->status, GO_G_RUNNABLE, memory_order_release);
        uint32_t f;
        while ((f = atomic_load_explicit(&go__freezing.n, memory_order_acquire)) != 0)
            go__futex_wait(&go__freezing.n, f);
        atomic_store_explicit(&g->status, GO_G_RUNNING, memory_order_relaxed);
        atomic_signal_fence(memory_order_seq_cst);
    } while (atomic_load_explicit(&go__freezing.n, memory_order_acquire));
}
