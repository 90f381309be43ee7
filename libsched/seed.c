/* seed.c — reproducible schedules (GOSCHED_SEED=n), which Go lacks.
 *
 * With a seed every scheduling choice comes from it: each P's random
 * numbers (select's case order, the steal order) are seeded from n and the
 * P's id instead of the clock; and with one P, where nothing else decides,
 * the next G to run is drawn uniformly from runnext and the local queue
 * (instead of runnext, then first in, first out), and before resuming a G
 * the scheduler asks it, one time in PREEMPT_ONE_IN, to yield at its next
 * preemption check.  So with one P a program replays the same interleaving
 * for the same seed, and different seeds explore different ones.
 *
 * What still comes from outside: timers and fd readiness (real time and
 * the kernel), sysmon's preemption of a goroutine that runs 10 ms without a
 * switch, mutex starvation mode (1 ms), plain threads, and with more than
 * one P the threads' timing.
 *
 * Invariant: the chosen-G pick runs only when nprocs == 1, so no thief
 * touches the P's queue while the owner rearranges it.
 */
#include "env.h"
#include "proc.h"

enum { PREEMPT_ONE_IN = 8 };

/* splitmix64: distinct, well-mixed states from consecutive inputs. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void go__seed_init(void)
{
    uint64_t seed;
    go__sched.seeded = go__env_seed(&seed);
    if (!go__sched.seeded)
        return;
    for (int i = 0; i < go__sched.nprocs; i++)
        go__sched.allp[i]->rand_state = mix(seed ^ mix((uint64_t)i)) | 1;
}

go_g *go__seed_pick(go_p *p)
{
    return go__runq_get_chosen(p, go__rand());
}

void go__seed_before_resume(void)
{
    if (go__randn(PREEMPT_ONE_IN) == 0)
        __atomic_store_n(&go__preempt_flag, 1, __ATOMIC_RELAXED);
}
