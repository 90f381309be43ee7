/* diag.h — the runtime's diagnostics, as the scheduler sees them:
 *   diagthread.c  the diagnostics thread of a go_run_main and the coarse
 *                 clock it keeps;
 *   freeze.c      freezing the world for a consistent view of every
 *                 goroutine (go_dump, SIGQUIT);
 *   sigquit.c     SIGQUIT: dump every goroutine and exit 2;
 *   trace.c       GOSCHED_TRACE: the periodic scheduler line;
 *   local.c       goroutine-local storage, destroyed when a goroutine ends.
 * Nothing here is public.
 */
#ifndef LIBSCHED_DIAG_H
#define LIBSCHED_DIAG_H

#include "proc.h"

/* ---- diagthread.c -------------------------------------------------------- */

/* Called by go_run_main once the scheduler is set up, and after the main
 * goroutine returned (before the scheduler is freed). */
void go__diag_start(void);
void go__diag_stop(void);

/* Wake the diagnostics thread with a command byte; async-signal-safe. */
void go__diag_notify(char cmd);

/* Runtime threads that are not Ms (the diagnostics thread): the deadlock
 * check does not count them as plain threads. */
extern _Atomic int go__helper_threads;

/* CLOCK_MONOTONIC in ns, refreshed every second by the diagnostics thread
 * (0 outside a run): the time a goroutine parked, for "[…, 2 minutes]".
 * Alone on its cache line; read at every park. */
struct go_coarse_clock {
    _Alignas(64) _Atomic int64_t ns;
    char pad[64 - sizeof(int64_t)];
};
extern struct go_coarse_clock go__coarse_clock;

static inline int64_t go__coarse_nanotime(void)
{
    return atomic_load_explicit(&go__coarse_clock.ns, memory_order_relaxed);
}

/* ---- freeze.c ------------------------------------------------------------ */

/* > 0 while the world is frozen: an M stops before running a G.  Read by
 * every G switch, written only by freezes: alone on its cache line. */
struct go_freeze_flag {
    _Alignas(64) _Atomic uint32_t n;
    char pad[64 - sizeof(uint32_t)];
};
extern struct go_freeze_flag go__freezing;

/* How long a freeze waits for running goroutines to reach their next
 * switch before showing them as running. */
#define GO_FREEZE_WAIT_NS (50 * 1000000LL)

/* Stop every M before it runs another G; wait up to wait_ns for the Gs
 * running now (the caller's excepted) to stop.  Nestable. */
void go__world_freeze(int64_t wait_ns);
void go__world_thaw(void);

/* execute() found go__freezing set after marking g RUNNING: put g back
 * to RUNNABLE, sleep until the world thaws, mark it RUNNING again. */
void go__freeze_point(go_g *g);

/* ---- dump.c -------------------------------------------------------------- */

/* go_dump without freezing: the world is frozen or stopped by the caller. */
void go__dump_all(FILE *out);

/* ---- sigquit.c ----------------------------------------------------------- */

void go__sigquit_install(void);
void go__sigquit_restore(void);
noreturn void go__sigquit_dump(void);   /* on the diagnostics thread */

/* ---- trace.c ------------------------------------------------------------- */

/* GOSCHED_TRACE in ms, 0 when unset; stops the program on a bad value. */
int64_t go__trace_period_ms(void);
void go__trace_print(FILE *out, int64_t elapsed_ms);

/* ---- local.c ------------------------------------------------------------- */

/* The goroutine g (the current one) ended: destroy its local values. */
void go__local_exit(go_g *g);

#endif
