/* timer.h — per-P timer heaps (timer.c) as the scheduler sees them.
 *
 * Each P owns a 4-ary min-heap of timers ordered by `when` (Go's
 * runtime/time.go), guarded by its own lock so that any M may run the
 * expired timers of any P, idle ones included.  `when0` mirrors the
 * earliest deadline (0: empty) for lock-free peeks: the schedule loop reads
 * its own P's on every round, an M about to sleep reads every P's.
 */
#ifndef LIBSCHED_TIMER_H
#define LIBSCHED_TIMER_H

#include "internal.h"

/* A heap entry carries its timer's deadline: sifting reads the array
 * only, not the timers scattered over memory. */
typedef struct go_timer_entry {
    int64_t when;
    go_timer *t;
} go_timer_entry;

typedef struct go_timers {
    go__lock lock;
    uint32_t n, cap;              /* heap size and capacity */
    go_timer_entry *heap;         /* heap[0] has the earliest `when` */
    _Atomic int64_t when0;        /* heap[0].when, 0 when empty */
} go_timers;

struct go_p;

/* Run p's expired timers (when <= now).  True when any ran. */
bool go__timers_run(struct go_p *p, int64_t now);

/* Run the expired timers of every P; true when any ran. */
bool go__timers_run_all(void);

/* Earliest deadline over all Ps, 0 when no timer is queued. */
int64_t go__timers_next(void);

/* go_run_main's end (every M stopped): forget every queued timer, free the
 * heaps. */
void go__timers_shutdown(void);

/* p's timers are due by `now`?  (now is read lazily: 0 means not yet.) */
static inline bool go__timers_due(go_timers *ts, int64_t *now)
{
    int64_t w = atomic_load_explicit(&ts->when0, memory_order_relaxed);
    if (GO__LIKELY(w == 0))
        return false;
    if (*now == 0)
        *now = go__nanotime();
    return w <= *now;
}

#endif
