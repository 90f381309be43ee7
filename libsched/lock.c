/* lock.c — futex-based runtime lock, and blocking a plain thread.
 *
 * go__lock (Go's lock_futex.go): key 0 = unlocked, 1 = locked, 2 = locked
 * with possible sleepers.  Acquire spins briefly, then marks the key 2 and
 * sleeps in the kernel; release wakes one sleeper only when the key was 2,
 * so an uncontended lock/unlock is two atomic instructions and no syscall
 * (inline in internal.h; the contended paths are here).
 *
 * Plain threads (not Ms) wait for a go__waiter's `wake` word to turn 1.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proc.h"

enum { UNLOCKED = 0, LOCKED = 1, SLEEPING = 2 };
enum { ACTIVE_SPIN = 4, ACTIVE_SPIN_CNT = 30, PASSIVE_SPIN = 1 };

void go__futex_wait(_Atomic uint32_t *addr, uint32_t val)
{
    int saved = errno;   /* the caller may be mid-goroutine: keep its errno */
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
    errno = saved;
}

void go__futex_wake(_Atomic uint32_t *addr, int n)
{
    int saved = errno;
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
    errno = saved;
}

static inline _Atomic uint32_t *lock_key(go__lock *l)
{
    return (_Atomic uint32_t *)&l->key;
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/* go__lock_acquire (internal.h) found the key v != UNLOCKED. */
void go__lock_acquire_slow(go__lock *l, uint32_t v)
{
    _Atomic uint32_t *key = lock_key(l);
    /* wait is LOCKED or SLEEPING: whatever we take the lock with must keep
     * a SLEEPING mark so the sleepers are not forgotten. */
    uint32_t wait = v;
    for (;;) {
        for (int i = 0; i < ACTIVE_SPIN; i++) {
            while (atomic_load_explicit(key, memory_order_relaxed) == UNLOCKED) {
                uint32_t expect = UNLOCKED;
                if (atomic_compare_exchange_weak_explicit(key, &expect, wait,
                        memory_order_acquire, memory_order_relaxed))
                    return;
            }
            for (int k = 0; k < ACTIVE_SPIN_CNT; k++)
                cpu_relax();
        }
        for (int i = 0; i < PASSIVE_SPIN; i++) {
            while (atomic_load_explicit(key, memory_order_relaxed) == UNLOCKED) {
                uint32_t expect = UNLOCKED;
                if (atomic_compare_exchange_weak_explicit(key, &expect, wait,
                        memory_order_acquire, memory_order_relaxed))
                    return;
            }
            sched_yield();
        }
        v = atomic_exchange_explicit(key, SLEEPING, memory_order_acquire);
        if (v == UNLOCKED)
            return;
        wait = SLEEPING;
        go__futex_wait(key, SLEEPING);
    }
}

bool go__lock_try(go__lock *l)
{
    uint32_t expect = UNLOCKED;
    return atomic_compare_exchange_strong_explicit(lock_key(l), &expect, LOCKED,
            memory_order_acquire, memory_order_relaxed);
}

/* go__lock_release (internal.h) found the key v != LOCKED. */
void go__lock_release_slow(go__lock *l, uint32_t v)
{
    _Atomic uint32_t *key = lock_key(l);
    if (GO__UNLIKELY(v == UNLOCKED))
        go__fatal("unlock of unlocked runtime lock");
    if (v == SLEEPING)
        go__futex_wake(key, 1);
}

/* ---- plain threads ------------------------------------------------------ */

void go__thread_wait(go__waiter *w)
{
    _Atomic uint32_t *wake = (_Atomic uint32_t *)&w->wake;
    go__note_plain_thread();
    while (atomic_load_explicit(wake, memory_order_acquire) == 0)
        go__futex_wait(wake, 0);
}

void go__wake(go__waiter *w)
{
    if (w->g) {
        go__ready(w->g);
        return;
    }
    /* After the store the waiter may return and reuse its memory; a futex
     * wake on a stale address is harmless (every futex waiter re-checks). */
    _Atomic uint32_t *wake = (_Atomic uint32_t *)&w->wake;
    atomic_store_explicit(wake, 1, memory_order_release);
    go__futex_wake(wake, 1);
}
