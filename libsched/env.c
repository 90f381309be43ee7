/* env.c — runtime settings from the environment.
 *
 * GOSCHED_PROCS: number of Ps, a decimal integer in [1, GO_MAX_PROCS];
 * unset or empty means the number of CPUs this process may run on.  Any
 * other value stops the program with a clear message (exit status 2).
 * GOSCHED_SEED: a reproducible schedule (seed.c), a decimal integer; unset
 * or empty means none. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "env.h"

static int online_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int go__env_procs(void)
{
    const char *s = getenv("GOSCHED_PROCS");
    if (!s || !*s) {
        int n = online_cpus();
        return n > GO_MAX_PROCS ? GO_MAX_PROCS : n;
    }
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (errno || *end || end == s || n < 1 || n > GO_MAX_PROCS)
        go__fatal("GOSCHED_PROCS=\"%s\": want an integer from 1 to %d", s, GO_MAX_PROCS);
    return (int)n;
}

bool go__env_seed(uint64_t *seed)
{
    const char *s = getenv("GOSCHED_SEED");
    if (!s || !*s)
        return false;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (errno || *end || end == s || *s == '-')
        go__fatal("GOSCHED_SEED=\"%s\": want a non-negative decimal integer", s);
    *seed = n;
    return true;
}
