/* trace.c — GOSCHED_TRACE=ms: every ms milliseconds the diagnostics thread
 * prints one line to stderr, Go's GODEBUG=schedtrace=ms line followed by
 * the counters of go_stats():
 *
 *   SCHED 1004ms: gomaxprocs=2 idleprocs=0 threads=3 spinningthreads=0
 *   idlethreads=1 runqueue=0 [3 5] goroutines=12 steals=40 parks=1200
 *   switches=2410
 *
 * (one line): time since go_run_main started; Ps, idle Ps; Ms, spinning
 * and idle Ms; the global run queue and, in brackets, each P's (its
 * runnext included); live goroutines; then steals, parks and goroutine
 * switches since the start.  The numbers are read without stopping
 * anything: each is exact, the line is not a snapshot of one instant.
 *
 * GOSCHED_TRACE unset, empty or 0: no trace.  Any value other than an
 * integer from 0 to 3600000 stops the program (exit status 2), as a bad
 * GOSCHED_PROCS does.
 */
#include <errno.h>
#include <stdlib.h>

#include "diag.h"

enum { TRACE_PERIOD_MAX_MS = 3600000 };

int64_t go__trace_period_ms(void)
{
    const char *s = getenv("GOSCHED_TRACE");
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    long long ms = strtoll(s, &end, 10);
    if (errno || *end || ms < 0 || ms > TRACE_PERIOD_MAX_MS)
        go__fatal("GOSCHED_TRACE=\"%s\": want a period in milliseconds from 0 to %d", s,
                  TRACE_PERIOD_MAX_MS);
    return ms;
}

void go__trace_print(FILE *out, int64_t elapsed_ms)
{
    go_stats_t s = go_stats();
    char *line = NULL;
    size_t len = 0;
    FILE *buf = open_memstream(&line, &len);
    if (!buf)
        return;
    fprintf(buf,
            "SCHED %lldms: gomaxprocs=%d idleprocs=%d threads=%d spinningthreads=%d "
            "idlethreads=%d runqueue=%lld [",
            (long long)elapsed_ms, s.procs, s.idle_procs, s.threads, s.spinning_threads,
            s.idle_threads, (long long)s.runqueue);
    for (int i = 0; i < go__sched.nprocs; i++)
        fprintf(buf, i ? " %u" : "%u", go__runq_len(&go__sched.allp[i]->runq));
    fprintf(buf, "] goroutines=%lld steals=%llu parks=%llu switches=%llu\n",
            (long long)s.goroutines, (unsigned long long)s.steals,
            (unsigned long long)s.parks, (unsigned long long)s.switches);
    if (fclose(buf) == 0)
        fputs(line, out);
    free(line);
}
