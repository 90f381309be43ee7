/* env.h — runtime settings read from the environment (env.c). */
#ifndef LIBSCHED_ENV_H
#define LIBSCHED_ENV_H

#include "internal.h"

#define GO_MAX_PROCS 1024

/* GOSCHED_PROCS, or the CPU count; stops the program on a bad value. */
int go__env_procs(void);

/* GOSCHED_SEED: true and *seed when set (a decimal integer below 2^64);
 * stops the program on a bad value. */
bool go__env_seed(uint64_t *seed);

#endif
