/* gosched/waiter.h — wait records and wait queues (runtime-private layout).
 *
 * They are public only so that go_case and the sync types have a size the
 * compiler knows: a goroutine blocks without allocating, its wait record
 * lives in its G (plain operations) or in its go_case array (select), and a
 * sync object embeds the head of its wait queue.  Fields are not API.
 *
 * Invariants: a waiter is on at most one queue; queue links are only touched
 * with the lock of the object owning the queue held.
 */
#ifndef GOSCHED_WAITER_H
#define GOSCHED_WAITER_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct go_g;
struct go_chan;

typedef struct go__waiter {
    struct go__waiter *next, *prev;
    struct go_g *g;         /* waiting goroutine; NULL for a plain thread */
    void *elem;             /* element slot in the waiter's memory */
    struct go_chan *chan;   /* the channel waited on (select: this case's) */
    uint32_t wake;          /* plain thread: futex word, 0 → 1 on wake-up */
    bool success;           /* chan: got a value (true) / woken by close */
    bool is_select;         /* belongs to a select (the G's cases) */
    uint16_t spare;
    int64_t ticket;         /* sync: arrival time / order, for fairness */
} go__waiter;

/* FIFO of waiters: doubly linked, O(1) removal of any member. */
typedef struct go__waitq {
    go__waiter *first, *last;
} go__waitq;

/* Futex-based lock, zero = unlocked. */
typedef struct go__lock {
    uint32_t key;
} go__lock;

#ifdef __cplusplus
}
#endif
#endif
