/* diagthread.c — the diagnostics thread of a go_run_main.
 *
 * One thread per run: started once the scheduler is set up, joined after
 * the main goroutine returned, counted in go__helper_threads so that the
 * deadlock check does not take it for a plain thread that may still send.
 * It sleeps in poll(2) on a pipe and wakes
 *   - on 'q', written by the SIGQUIT handler: dump and exit (sigquit.c);
 *   - on 's', written by go__diag_stop: return;
 *   - every second, to refresh the coarse clock that stamps parked
 *     goroutines (reading CLOCK_MONOTONIC at every park would add 6–30 ns
 *     to a ~40 ns park; the dump only needs minutes);
 *   - every GOSCHED_TRACE milliseconds, to print the scheduler line
 *     (trace.c).
 * It runs with every signal blocked, so the program's handlers run on its
 * own threads, and SIGQUIT wakes it through the pipe from any of them.
 *
 * The pipe is made once per process and never closed: a handler running
 * late on another thread never writes to a closed, or reused, descriptor.
 * Bytes left from an earlier run are drained when a run starts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "diag.h"

enum { CLOCK_PERIOD_MS = 1000 };

struct go_coarse_clock go__coarse_clock;
_Atomic int go__helper_threads;

static int wake_pipe[2] = { -1, -1 };
static pthread_once_t pipe_once = PTHREAD_ONCE_INIT;
static pthread_t thread;
static bool started;
static int64_t trace_period_ms;

static void pipe_make(void)
{
    if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        wake_pipe[0] = wake_pipe[1] = -1;
}

void go__diag_notify(char cmd)
{
    if (wake_pipe[1] >= 0)
        while (write(wake_pipe[1], &cmd, 1) < 0 && errno == EINTR)
            ;
}

static void clock_refresh(void)
{
    atomic_store_explicit(&go__coarse_clock.ns, go__nanotime(), memory_order_relaxed);
}

/* Handle the bytes waiting in the pipe; false on 's'. */
static bool read_commands(void)
{
    char cmd;
    while (read(wake_pipe[0], &cmd, 1) == 1) {
        if (cmd == 'q')
            go__sigquit_dump();
        if (cmd == 's')
            return false;
    }
    return true;
}

static void *diag_main(void *arg)
{
    (void)arg;
    int64_t start = go__nanotime();
    int64_t period_ns = trace_period_ms * 1000000;
    int64_t next_trace = period_ns ? start + period_ns : INT64_MAX;
    for (;;) {
        int64_t now = go__nanotime();
        atomic_store_explicit(&go__coarse_clock.ns, now, memory_order_relaxed);
        if (now >= next_trace) {
            go__trace_print(stderr, (now - start) / 1000000);
            while (next_trace <= now)
                next_trace += period_ns;
        }
        int64_t timeout_ms = CLOCK_PERIOD_MS;
        if (next_trace != INT64_MAX && (next_trace - now + 999999) / 1000000 < timeout_ms)
            timeout_ms = (next_trace - now + 999999) / 1000000;
        struct pollfd pfd = { .fd = wake_pipe[0], .events = POLLIN };
        if (poll(&pfd, 1, (int)timeout_ms) > 0 && !read_commands())
            return NULL;
    }
}

void go__diag_start(void)
{
    trace_period_ms = go__trace_period_ms();
    pthread_once(&pipe_once, pipe_make);
    if (wake_pipe[0] < 0)
        return;   /* no SIGQUIT dump, no trace, no wait times */
    clock_refresh();
    char stale;
    while (read(wake_pipe[0], &stale, 1) == 1)
        ;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    atomic_fetch_add(&go__helper_threads, 1);
    started = pthread_create(&thread, NULL, diag_main, NULL) == 0;
    if (!started) {
        atomic_fetch_sub(&go__helper_threads, 1);
        atomic_store_explicit(&go__coarse_clock.ns, 0, memory_order_relaxed);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started)
        go__sigquit_install();
}

void go__diag_stop(void)
{
    if (!started)
        return;
    go__sigquit_restore();
    go__diag_notify('s');
    pthread_join(thread, NULL);
    atomic_fetch_sub(&go__helper_threads, 1);
    started = false;
    atomic_store_explicit(&go__coarse_clock.ns, 0, memory_order_relaxed);
}
