/* io.c — go_read, go_write, go_accept, go_connect, go_fd_wait, go_fd_close:
 * POSIX calls on non-blocking fds that suspend the goroutine instead of
 * answering EAGAIN (Go's internal/poll over runtime/netpoll.go).
 *
 * An operation tries its syscall at once.  When the fd is not ready, the
 * arguments go into g->ext->io, the goroutine parks ("IO wait") and its unlockf
 * queues it on the fd's record and arms epoll (netpoll.c).  When the
 * netpoller readies it, g->retry redoes the syscall before the frame
 * resumes — the frame never calls again — and parks once more on EAGAIN.
 * The outcome is go__result() and, for -1, the goroutine's own errno.
 *
 * Invariants:
 *   - g->ext->io is written by the goroutine before it parks and read by the
 *     netpoller only while the goroutine is queued on the fd;
 *   - go_fd_wait's deadline timer is stopped before the operation returns,
 *     so no deadline of a finished operation fires later.
 * Without a goroutine (a plain thread, or GOSCHED_SEQUENTIAL), each call
 * blocks its thread in poll(2) instead.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "netpoll.h"
#include "proc.h"

enum { IO_READ = 1, IO_WRITE, IO_ACCEPT, IO_CONNECT, IO_WAIT };

/* Directions a waiter is woken for; POLLERR: errors and hang-ups (always). */
static uint8_t io_interest(int events)
{
    uint8_t interest = POLLERR;
    if (events & (POLLIN | POLLPRI | POLLRDHUP))
        interest |= POLLIN;
    if (events & POLLOUT)
        interest |= POLLOUT;
    return interest;
}

/* poll(2) of one fd for `events` without waiting: its revents, or -1. */
static int io_poll_now(int fd, int events)
{
    struct pollfd p = { .fd = fd, .events = (short)events };
    int r;
    while ((r = poll(&p, 1, 0)) < 0 && errno == EINTR)
        ;
    return r < 0 ? -1 : p.revents;
}

/* Try io's syscall once: true when it completed (*res, and errno for -1),
 * false when the fd is not ready. */
static bool io_try(go_io *io, intptr_t *res)
{
    for (;;) {
        intptr_t r;
        switch (io->op) {
        case IO_READ:
            r = read(io->fd, io->buf, (size_t)io->arg);
            break;
        case IO_WRITE:
            r = write(io->fd, io->buf, (size_t)io->arg);
            break;
        case IO_ACCEPT:
            r = accept4(io->fd, io->buf, (socklen_t *)io->arg, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (r < 0 && errno == ECONNABORTED)
                continue;   /* that connection is gone: wait for the next */
            break;
        case IO_CONNECT: {
            /* connect(2) answered EINPROGRESS: writable means decided */
            int revents = io_poll_now(io->fd, POLLOUT);
            if (revents == 0)
                return false;
            int err = 0;
            socklen_t len = sizeof err;
            if (revents < 0 || getsockopt(io->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) {
                *res = -1;
                return true;
            }
            if (err)
                errno = err;
            *res = err ? -1 : 0;
            return true;
        }
        default: /* IO_WAIT */
            r = io_poll_now(io->fd, (int)io->arg);
            if (r == 0)
                return false;
            break;
        }
        if (r >= 0) {
            *res = r;
            return true;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return false;
        *res = -1;
        return true;
    }
}

static bool io_deadline_passed(go_g *g)
{
    return g->ext->io.has_deadline && go__nanotime() >= g->ext->timer.when;
}

static bool io_retry(go_g *g);

static void io_park(go_g *g)
{
    g->retry = io_retry;
    go__park("IO wait", go__netpoll_park_commit, g);
}

/* g->retry: the netpoller, a deadline or a close readied g. */
static bool io_retry(go_g *g)
{
    go_io *io = &g->ext->io;
    intptr_t res;
    if (io->err) {
        res = -1;
        errno = io->err;
    } else if (!io_try(io, &res)) {
        if (!io_deadline_passed(g)) {
            io_park(g);   /* woken for another direction, or spuriously */
            return false;
        }
        res = 0;
    }
    if (io->has_deadline) {
        int saved = errno;
        go__timer_stop(&g->ext->timer);
        errno = saved;
    }
    g->result = res;
    return true;
}

/* Start the operation described by io on goroutine g. */
static int io_begin(go_g *g, go_io io)
{
    io.gen = go__netpoll_gen(io.fd);   /* before the try: a close after it is seen */
    intptr_t res;
    if (io_try(&io, &res)) {
        g->result = res;
        return GO_READY;
    }
    go__g_ext(g)->io = io;
    go__netpoll_init();
    io_park(g);
    return GO_WAIT;
}

/* A plain thread's operation: try, and poll(2) while not ready. */
static intptr_t io_block(go_io io)
{
    intptr_t res;
    while (!io_try(&io, &res)) {
        struct pollfd p = { .fd = io.fd, .events = io.interest & (POLLIN | POLLOUT) };
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            return -1;
    }
    return res;
}

/* ---- the operations --------------------------------------------------------- */

int go_read__begin(int fd, void *buf, size_t n)
{
    return io_begin(go__curg(), (go_io){ .op = IO_READ, .fd = fd, .buf = buf, .arg = n,
                                         .interest = io_interest(POLLIN) });
}

ssize_t go_read(int fd, void *buf, size_t n)
{
    if (go__curg())
        go__not_in_go_func("go_read");
    return io_block((go_io){ .op = IO_READ, .fd = fd, .buf = buf, .arg = n,
                             .interest = io_interest(POLLIN) });
}

int go_write__begin(int fd, const void *buf, size_t n)
{
    return io_begin(go__curg(), (go_io){ .op = IO_WRITE, .fd = fd, .buf = (void *)buf, .arg = n,
                                         .interest = io_interest(POLLOUT) });
}

ssize_t go_write(int fd, const void *buf, size_t n)
{
    if (go__curg())
        go__not_in_go_func("go_write");
    return io_block((go_io){ .op = IO_WRITE, .fd = fd, .buf = (void *)buf, .arg = n,
                             .interest = io_interest(POLLOUT) });
}

int go_accept__begin(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return io_begin(go__curg(), (go_io){ .op = IO_ACCEPT, .fd = fd, .buf = addr,
                                         .arg = (uintptr_t)addrlen,
                                         .interest = io_interest(POLLIN) });
}

int go_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    if (go__curg())
        go__not_in_go_func("go_accept");
    return (int)io_block((go_io){ .op = IO_ACCEPT, .fd = fd, .buf = addr,
                                  .arg = (uintptr_t)addrlen, .interest = io_interest(POLLIN) });
}

/* connect(2) itself, once: true when it is decided (*res), false when the
 * connection is in progress. */
static bool connect_start(int fd, const struct sockaddr *addr, socklen_t addrlen, intptr_t *res)
{
    *res = connect(fd, addr, addrlen);
    /* EINTR: the connection goes on asynchronously, as after EINPROGRESS */
    return *res == 0 || (errno != EINPROGRESS && errno != EINTR);
}

int go_connect__begin(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    go_g *g = go__curg();
    intptr_t res;
    uint32_t gen = go__netpoll_gen(fd);
    if (connect_start(fd, addr, addrlen, &res)) {
        g->result = res;
        return GO_READY;
    }
    go__g_ext(g)->io = (go_io){ .op = IO_CONNECT, .fd = fd, .gen = gen,
                                .interest = io_interest(POLLOUT) };
    go__netpoll_init();
    io_park(g);
    return GO_WAIT;
}

int go_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    if (go__curg())
        go__not_in_go_func("go_connect");
    intptr_t res;
    if (connect_start(fd, addr, addrlen, &res))
        return (int)res;
    return (int)io_block((go_io){ .op = IO_CONNECT, .fd = fd, .interest = io_interest(POLLOUT) });
}

int go_fd_wait__begin(int fd, int events, int64_t timeout_ns)
{
    go_g *g = go__curg();
    go_io io = { .op = IO_WAIT, .fd = fd, .arg = (uintptr_t)events, .interest = io_interest(events),
                 .gen = go__netpoll_gen(fd) };
    intptr_t res;
    if (io_try(&io, &res)) {
        g->result = res;
        return GO_READY;
    }
    if (timeout_ns == 0) {
        g->result = 0;
        return GO_READY;
    }
    go_gext *x = go__g_ext(g);
    x->io = io;
    go__netpoll_init();
    if (timeout_ns > 0) {
        /* Started while g still runs: the deadline only readies g once it
         * is queued on the fd, and go__netpoll_park_commit checks
         * timed_out under the fd's lock. */
        int64_t now = go__nanotime();
        x->io.has_deadline = true;
        x->timer.f = go__netpoll_deadline;
        x->timer.arg = g;
        x->timer.period = 0;
        x->timer.when = timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
        go__timer_start(&x->timer);
    }
    io_park(g);
    return GO_WAIT;
}

int go_fd_wait(int fd, int events, int64_t timeout_ns)
{
    if (go__curg())
        go__not_in_go_func("go_fd_wait");
    int64_t deadline = timeout_ns > 0 ? go__nanotime() + timeout_ns : 0;
    for (;;) {
        struct pollfd p = { .fd = fd, .events = (short)events };
        struct timespec ts, *tsp = NULL;
        if (timeout_ns >= 0) {
            int64_t left = timeout_ns > 0 ? deadline - go__nanotime() : 0;
            if (left < 0)
                left = 0;
            ts = (struct timespec){ .tv_sec = left / 1000000000, .tv_nsec = left % 1000000000 };
            tsp = &ts;
        }
        int r = ppoll(&p, 1, tsp, NULL);
        if (r >= 0)
            return r ? p.revents : 0;
        if (errno != EINTR)
            return -1;
    }
}

int go_fd_close(int fd)
{
    return go__netpoll_close(fd);
}
