/* rand.c — fast pseudo-random numbers (wyrand) for scheduling decisions:
 * steal order, select case order.  Each thread seeds its own state lazily
 * from its address and the clock; under GOSCHED_SEED the state of the P the
 * thread holds is used instead (seed.c seeds it), so the numbers follow the
 * P, not whichever thread runs it.  Not for cryptography. */
#include "proc.h"

static _Thread_local uint64_t rand_state;

static uint64_t rand_seed(void)
{
    uint64_t s = (uint64_t)(uintptr_t)&rand_state ^ (uint64_t)go__nanotime();
    return s | 1;
}

uint32_t go__rand(void)
{
    uint64_t *state = &rand_state;
    if (GO__UNLIKELY(go__sched.seeded)) {
        go_p *p = go__curp();
        if (p)
            state = &p->rand_state;
    }
    if (GO__UNLIKELY(*state == 0))
        *state = rand_seed();
    *state += 0xa0761d6478bd642full;
    __uint128_t m = (__uint128_t)*state * (*state ^ 0xe7037ed1a0b428dbull);
    return (uint32_t)((uint64_t)(m >> 64) ^ (uint64_t)m);
}
