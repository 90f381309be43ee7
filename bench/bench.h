/* bench.h — what the C benchmarks share: a monotonic clock, the resident set
 * size, the size arguments, and the shape of the one result line.
 *
 * Every benchmark, C and Go twin alike, prints exactly one line:
 *
 *     bench=<name> procs=<P> n=<size> check=<value> <metric>=<number> [<key>=<value>...]
 *
 * `check` is a value the work itself determines (a sum, a count, a prime), so
 * the work cannot be optimised away and a wrong result is caught: bench/compare
 * and the CTest smoke tests match it against the expected value.  <metric> is
 * named after its unit (ms, ns_per_hop, bytes_per_g, ...); lower is better.
 * Timings cover the measured work only, not the runtime's start-up.
 */
#ifndef BENCH_H
#define BENCH_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline int64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* VmRSS of this process in bytes (0 if /proc is not readable). */
static inline int64_t bench_rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return 0;
    char line[256];
    int64_t kib = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kib = strtoll(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kib * 1024;
}

/* argv[i] as an integer >= min, or `fallback` when absent; exits with a
 * usage message when present but not such an integer. */
static inline int64_t bench_arg(int argc, char **argv, int i, int64_t fallback, int64_t min,
                                const char *usage)
{
    if (argc <= i)
        return fallback;
    char *end;
    long long v = strtoll(argv[i], &end, 10);
    if (end == argv[i] || *end != '\0' || v < min) {
        fprintf(stderr, "usage: %s %s\n", argv[0], usage);
        exit(2);
    }
    return v;
}

#endif
