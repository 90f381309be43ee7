/* netpoll.c — the network poller: epoll (Go's netpoll_epoll.go and
 * netpoll.go, for raw fds).
 *
 * Each fd a goroutine has waited on has a record (go_pollfd), found by fd
 * number in a two-level table that only grows during a run.  A goroutine
 * that must wait links its g->wait into the record's queue with the
 * directions it waits for (g->ext->io.interest), and the fd is armed in epoll
 * EPOLLONESHOT for the union of its waiters' directions: one epoll_ctl per
 * wait, and no registration survives a plain close() of the fd, so a reused
 * fd number never inherits a stale one (a record does not need to know
 * whether the fd was closed).  An event readies every waiter of the
 * directions it reports; each retries its syscall (g->retry, io.c) and
 * waits again on EAGAIN, which re-arms the fd.
 *
 * Invariants:
 *   - a record's queue, and the arming of its fd, change only under its
 *     lock; g->ext->io.timed_out is written under it;
 *   - a goroutine is queued (and counted in `waiters`) only while WAITING:
 *     it is queued by its unlockf, after it left the CPU; io.queued says
 *     whether it is (its wait record's links may be stale from an earlier
 *     operation, so they are not asked);
 *   - `gen` counts go_fd_close calls: a goroutine whose operation began
 *     before a close is never queued after it (it gets EBADF).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "netpoll.h"
#include "proc.h"

#define BREAK_KEY UINT64_MAX
enum { POLLFD_CHUNK = 4096, POLLFD_CHUNKS = 4096, EVENTS_MAX = 128 };

typedef struct go_pollfd {
    go__lock lock;
    _Atomic uint32_t gen;        /* go_fd_close calls on this fd number */
    go__waitq waiters;           /* g->wait of goroutines waiting on the fd */
} go_pollfd;

go_netpoll go__poller;
static _Atomic(go_pollfd *) pollfds[POLLFD_CHUNKS];   /* chunks of POLLFD_CHUNK records */

/* ---- lifetime --------------------------------------------------------------- */

void go__netpoll_start(void)
{
    atomic_store(&go__poller.waiters, 0);
    atomic_store(&go__poller.wake_sig, 0);
    atomic_store(&go__poller.poll_until, 0);
    atomic_store(&go__poller.lastpoll, go__nanotime());
}

void go__netpoll_init(void)
{
    if (GO__LIKELY(go__netpoll_inited()))
        return;
    go__lock_acquire(&go__poller.init_lock);
    if (!go__netpoll_inited()) {
        int saved = errno;
        go__poller.epfd = epoll_create1(EPOLL_CLOEXEC);
        go__poller.breakfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        struct epoll_event ev = { .events = EPOLLIN, .data.u64 = BREAK_KEY };
        if (go__poller.epfd < 0 || go__poller.breakfd < 0 ||
            epoll_ctl(go__poller.epfd, EPOLL_CTL_ADD, go__poller.breakfd, &ev) != 0)
            go__fatal("netpoll: cannot create the epoll instance (errno %d)", errno);
        errno = saved;
        atomic_store_explicit(&go__poller.inited, true, memory_order_release);
    }
    go__lock_release(&go__poller.init_lock);
}

void go__netpoll_shutdown(void)
{
    if (go__netpoll_inited()) {
        close(go__poller.epfd);
        close(go__poller.breakfd);
        atomic_store(&go__poller.inited, false);
    }
    for (int i = 0; i < POLLFD_CHUNKS; i++)
        free(atomic_exchange(&pollfds[i], NULL));
}

/* ---- fd records ----------------------------------------------------------------- */

/* fd's record, made on first use; NULL for an fd out of range. */
static go_pollfd *pollfd_get(int fd)
{
    if (fd < 0 || fd >= POLLFD_CHUNK * POLLFD_CHUNKS)
        return NULL;
    _Atomic(go_pollfd *) *slot = &pollfds[fd / POLLFD_CHUNK];
    go_pollfd *chunk = atomic_load_explicit(slot, memory_order_acquire);
    if (GO__UNLIKELY(!chunk)) {
        go_pollfd *fresh = calloc(POLLFD_CHUNK, sizeof *fresh);
        if (!fresh)
            go__fatal("out of memory allocating fd records");
        if (atomic_compare_exchange_strong_explicit(slot, &chunk, fresh, memory_order_acq_rel,
                                                    memory_order_acquire))
            chunk = fresh;
        else
            free(fresh);
    }
    return &chunk[fd % POLLFD_CHUNK];
}

/* fd's record if it was ever made. */
static go_pollfd *pollfd_find(int fd)
{
    if (fd < 0 || fd >= POLLFD_CHUNK * POLLFD_CHUNKS)
        return NULL;
    go_pollfd *chunk = atomic_load_explicit(&pollfds[fd / POLLFD_CHUNK], memory_order_acquire);
    return chunk ? &chunk[fd % POLLFD_CHUNK] : NULL;
}

uint32_t go__netpoll_gen(int fd)
{
    go_pollfd *pd = pollfd_get(fd);
    return pd ? atomic_load_explicit(&pd->gen, memory_order_acquire) : UINT32_MAX;
}

static uint32_t pollfd_interest(go_pollfd *pd)
{
    uint32_t interest = 0;
    for (go__waiter *w = pd->waiters.first; w; w = w->next)
        interest |= w->g->ext->io.interest;
    return interest;
}

/* Arm fd for one event of `interest` (POLLIN/POLLOUT bits); 0 or an errno. */
static int pollfd_arm(int fd, uint32_t interest)
{
    struct epoll_event ev = {
        .events = EPOLLONESHOT | (interest & POLLIN ? EPOLLIN | EPOLLRDHUP : 0) |
                  (interest & POLLOUT ? EPOLLOUT : 0),
        .data.u64 = (uint64_t)fd,
    };
    if (epoll_ctl(go__poller.epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
        return 0;
    if (errno == ENOENT && epoll_ctl(go__poller.epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
        return 0;
    return errno;
}

static void pollfd_unqueue(go_pollfd *pd, go_g *g)
{
    go__waitq_remove(&pd->waiters, &g->wait);
    g->ext->io.queued = false;
    /* The last fd waiter gone (closed, timed out) while an M sleeps in
     * epoll_wait for nothing else: wake it, so that it goes idle the
     * ordinary way (and the deadlock check sees it). */
    if (atomic_fetch_sub_explicit(&go__poller.waiters, 1, memory_order_relaxed) == 1 &&
        atomic_load(&go__poller.lastpoll) == 0 && atomic_load(&go__poller.poll_until) == 0)
        go__netpoll_break();
}

void go__netpoll_park_commit(void *arg)
{
    go_g *g = arg;
    int saved = errno;
    go_pollfd *pd = pollfd_get(g->ext->io.fd);
    bool ready_now = true;
    if (!pd) {
        g->ext->io.err = EBADF;
    } else {
        go__lock_acquire(&pd->lock);
        if (atomic_load_explicit(&pd->gen, memory_order_relaxed) != g->ext->io.gen) {
            g->ext->io.err = EBADF;
        } else if (!g->ext->io.timed_out) {
            g->wait.g = g;
            g->wait.is_select = false;
            go__waitq_push(&pd->waiters, &g->wait);
            g->ext->io.queued = true;
            atomic_fetch_add_explicit(&go__poller.waiters, 1, memory_order_relaxed);
            int err = pollfd_arm(g->ext->io.fd, pollfd_interest(pd));
            ready_now = err != 0;
            if (ready_now) {
                pollfd_unqueue(pd, g);
                if (err != EPERM)   /* EPERM: epoll cannot watch it (a file): always ready */
                    g->ext->io.err = err;
            }
        }
        go__lock_release(&pd->lock);
    }
    errno = saved;
    if (ready_now)
        go__ready(g);
}

void go__netpoll_deadline(void *arg, int64_t now)
{
    (void)now;
    go_g *g = arg;
    go_pollfd *pd = pollfd_find(g->ext->io.fd);
    if (!pd)
        return;
    go__lock_acquire(&pd->lock);
    g->ext->io.timed_out = true;
    bool queued = g->ext->io.queued;
    if (queued)
        pollfd_unqueue(pd, g);
    go__lock_release(&pd->lock);
    if (queued)
        go__ready_tail(g);
}

int go__netpoll_close(int fd)
{
    go_pollfd *pd = go__netpoll_inited() ? pollfd_find(fd) : NULL;
    if (!pd)
        return close(fd);
    go_g *woken = NULL, **tail = &woken;
    go__lock_acquire(&pd->lock);
    atomic_fetch_add_explicit(&pd->gen, 1, memory_order_release);
    go__waiter *w;
    while ((w = pd->waiters.first)) {
        pollfd_unqueue(pd, w->g);
        w->g->ext->io.err = EBADF;
        w->g->schedlink = NULL;
        *tail = w->g;
        tail = &w->g->schedlink;
    }
    epoll_ctl(go__poller.epfd, EPOLL_CTL_DEL, fd, NULL);
    int r = close(fd);
    int err = errno;
    go__lock_release(&pd->lock);
    while (woken) {
        go_g *g = woken;
        woken = g->schedlink;   /* read before the G may run */
        go__ready(g);
    }
    errno = err;
    return r;
}

/* ---- polling --------------------------------------------------------------------- */

/* fd reported `events`: take its waiters for those directions onto *tail;
 * re-arm the fd for the directions still waited for. */
static go_g **pollfd_ready(int fd, uint32_t events, go_g **tail)
{
    uint32_t got = 0;
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        got |= POLLIN;
    if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        got |= POLLOUT;
    go_pollfd *pd = pollfd_find(fd);
    if (!pd)
        return tail;
    go__lock_acquire(&pd->lock);
    for (go__waiter *w = pd->waiters.first, *next; w; w = next) {
        next = w->next;
        go_g *g = w->g;
        if (!(g->ext->io.interest & got))
            continue;
        pollfd_unqueue(pd, g);
        g->schedlink = NULL;
        *tail = g;
        tail = &g->schedlink;
    }
    uint32_t rest = pollfd_interest(pd);
    if (rest && pollfd_arm(fd, rest) != 0) {
        /* cannot re-arm (closed behind our back): let them retry */
        while ((pd->waiters.first)) {
            go_g *g = pd->waiters.first->g;
            pollfd_unqueue(pd, g);
            g->schedlink = NULL;
            *tail = g;
            tail = &g->schedlink;
        }
    }
    go__lock_release(&pd->lock);
    return tail;
}

static int epoll_wait_ns(struct epoll_event *evs, int64_t delay)
{
    if (delay <= 0)
        return epoll_wait(go__poller.epfd, evs, EVENTS_MAX, delay < 0 ? -1 : 0);
    struct timespec ts = { .tv_sec = delay / 1000000000, .tv_nsec = delay % 1000000000 };
    int n = epoll_pwait2(go__poller.epfd, evs, EVENTS_MAX, &ts, NULL);
    if (n < 0 && errno == ENOSYS) {   /* before Linux 5.11: milliseconds, rounded up */
        int64_t ms = (delay + 999999) / 1000000;
        n = epoll_wait(go__poller.epfd, evs, EVENTS_MAX, ms > 1000000000 ? 1000000000 : (int)ms);
    }
    return n;
}

go_g *go__netpoll(int64_t delay_ns)
{
    if (!go__netpoll_inited())
        return NULL;
    struct epoll_event evs[EVENTS_MAX];
    int n = epoll_wait_ns(evs, delay_ns);
    if (n < 0) {
        if (errno != EINTR)
            go__fatal("netpoll: epoll_wait failed (errno %d)", errno);
        return NULL;
    }
    go_g *list = NULL, **tail = &list;
    for (int i = 0; i < n; i++) {
        if (evs[i].data.u64 == BREAK_KEY) {
            /* A non-blocking poll leaves the break to the blocked poller. */
            if (delay_ns != 0) {
                uint64_t v;
                ssize_t r = read(go__poller.breakfd, &v, sizeof v);
                (void)r;
                atomic_store(&go__poller.wake_sig, 0);
            }
            continue;
        }
        tail = pollfd_ready((int)evs[i].data.u64, evs[i].events, tail);
    }
    return list;
}

void go__netpoll_break(void)
{
    uint32_t idle = 0;
    if (!go__netpoll_inited() || !atomic_compare_exchange_strong(&go__poller.wake_sig, &idle, 1))
        return;
    int saved = errno;
    uint64_t one = 1;
    ssize_t r = write(go__poller.breakfd, &one, sizeof one);
    (void)r;
    errno = saved;
}

void go__netpoll_wake_for(int64_t when)
{
    if (atomic_load(&go__poller.lastpoll) == 0) {
        int64_t until = atomic_load(&go__poller.poll_until);
        if (until == 0 || until > when)
            go__netpoll_break();
    } else {
        go__wakep();   /* nobody sleeps in epoll_wait: get an M there */
    }
}
