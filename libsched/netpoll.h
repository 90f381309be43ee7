/* netpoll.h — the netpoller (netpoll.c) as the scheduler, timers and io.c
 * see it.
 *
 * One epoll instance per go_run_main, created on first need (a goroutine
 * waiting on an fd, or the first timer: idle Ms sleep for timers in
 * epoll_wait).  At most one M blocks in epoll_wait at a time: the one that
 * swapped `lastpoll` to 0 (Go's sched.lastpoll); it sleeps until
 * `poll_until` (the earliest timer, 0: none) unless go__netpoll_break wakes
 * it earlier.  Other Ms poll without blocking.
 */
#ifndef LIBSCHED_NETPOLL_H
#define LIBSCHED_NETPOLL_H

#include "internal.h"

typedef struct go_netpoll {
    _Atomic bool inited;          /* epfd and breakfd exist */
    int epfd;
    int breakfd;                  /* eventfd: wakes the blocked poller */
    _Atomic uint32_t wake_sig;    /* a break is pending (one write at a time) */
    _Atomic int32_t waiters;      /* goroutines parked on fds */
    _Atomic int64_t lastpoll;     /* 0 while an M blocks in epoll_wait; else when polled last */
    _Atomic int64_t poll_until;   /* the blocked M's deadline, 0: none */
    go__lock init_lock;
} go_netpoll;

extern go_netpoll go__poller;

static inline bool go__netpoll_inited(void)
{
    return atomic_load_explicit(&go__poller.inited, memory_order_acquire);
}

/* Goroutines wait on fds and no M is blocked in epoll_wait: worth polling. */
static inline bool go__netpoll_worth_polling(void)
{
    return atomic_load_explicit(&go__poller.waiters, memory_order_relaxed) > 0 &&
           atomic_load_explicit(&go__poller.lastpoll, memory_order_relaxed) != 0;
}

void go__netpoll_start(void);     /* go_run_main's start */
void go__netpoll_init(void);      /* create the epoll instance if needed */
void go__netpoll_shutdown(void);  /* go_run_main's end: close it, free fd records */

/* Wait up to delay_ns (< 0: for ever, 0: not at all) for fd events, and
 * return the goroutines they readied, linked by schedlink (still WAITING:
 * the caller makes them runnable with go__inject). */
go_g *go__netpoll(int64_t delay_ns);

/* Wake the M blocked in epoll_wait. */
void go__netpoll_break(void);

/* A timer due at `when` was queued: make sure some M wakes up for it (Go's
 * wakeNetPoller). */
void go__netpoll_wake_for(int64_t when);

/* ---- goroutines waiting on fds (io.c) ------------------------------------ */

/* The close generation of fd (go_fd_close bumps it); -1u for a bad fd. */
uint32_t go__netpoll_gen(int fd);

/* unlockf of a goroutine parked on g->io.fd for g->io.interest: queue it
 * and arm epoll, or ready it at once when the fd was closed meanwhile, its
 * deadline passed or epoll refuses the fd (g->io.err says why). */
void go__netpoll_park_commit(void *g);

/* Timer f of go_fd_wait's deadline: g->io.timed_out, and ready g if still
 * queued. */
void go__netpoll_deadline(void *g, int64_t now);

/* go_fd_close: wake every goroutine waiting on fd with EBADF, then close. */
int go__netpoll_close(int fd);

#endif
