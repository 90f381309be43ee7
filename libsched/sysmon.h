/* sysmon.h — the system monitor thread (sysmon.c) as the scheduler sees it. */
#ifndef LIBSCHED_SYSMON_H
#define LIBSCHED_SYSMON_H

#include "proc.h"

/* Started by go_run_main before the main goroutine runs, stopped (joined)
 * after it returned; counted in go__helper_threads (diag.h). */
void go__sysmon_start(void);
void go__sysmon_stop(void);

/* sysmon sleeps until a P turns busy (every P was idle): sched.lock. */
extern bool go__sysmon_waiting;
/* A P left the idle list while sysmon waits: wake it (sched.lock held). */
void go__sysmon_wake_locked(void);

/* Ask the goroutine running on p to yield at its next preemption check
 * (_locked: with sched.lock held). */
void go__preemptone(go_p *p);
void go__preemptone_locked(go_p *p);

#endif
