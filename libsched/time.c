/* time.c — the runtime's clock: CLOCK_MONOTONIC in nanoseconds. */
#include <time.h>

#include "internal.h"

int64_t go__nanotime(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
