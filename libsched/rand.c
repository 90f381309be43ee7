/* rand.c — fast per-thread pseudo-random numbers (wyrand) for scheduling
 * decisions: steal order, select case order.  Each thread seeds its own
 * state lazily from its address and the clock; not for cryptography. */
#include "internal.h"

static _Thread_local uint64_t rand_state;

static uint64_t rand_seed(void)
{
    uint64_t s = (uint64_t)(uintptr_t)&rand_state ^ (uint64_t)go__nanotime();
    return s | 1;
}

uint32_t go__rand(void)
{
    if (GO__UNLIKELY(rand_state == 0))
        rand_state = rand_seed();
    rand_state += 0xa0761d6478bd642full;
    __uint128_t m = (__uint128_t)rand_state * (rand_state ^ 0xe7037ed1a0b428dbull);
    return (uint32_t)((uint64_t)(m >> 64) ^ (uint64_t)m);
}
