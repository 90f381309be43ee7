/* test_netpoll.c — the netpoller with hand-written frames: readiness both
 * ways over socketpairs and pipes (ping-pong, bulk transfer with partial
 * writes, many pairs at once), accept/connect on loopback, go_fd_close
 * waking waiters with EBADF, go_fd_wait (ready, timeout, poll), goroutines
 * waiting on fds are not deadlocked, and the blocking fallbacks of plain
 * threads.  Every byte sent is checked on arrival. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gosched.h>

#include "frames.h"

#include "death.h"

static void nonblocking_pair(int sv[2])
{
    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv), 0);
}

/* ---- a nested frame: read or write exactly n bytes ---------------------------- */

struct xfer {
    go_frame hdr;
    int fd;
    bool writing;
    char *buf;
    size_t n, done;
    int err;              /* errno of a failed call; 0: all n moved, or EOF (done < n) */
};

static int xfer__resume(go_frame *f)
{
    struct xfer *fr = (struct xfer *)f;
    GO_BEGIN(fr);
    while (fr->done < fr->n) {
        if (fr->writing)
            GO_AWAIT(fr, go_write__begin(fr->fd, fr->buf + fr->done, fr->n - fr->done));
        else
            GO_AWAIT(fr, go_read__begin(fr->fd, fr->buf + fr->done, fr->n - fr->done));
        {
            ssize_t r = GO_RESULT(ssize_t);
            if (r < 0)
                fr->err = errno;
            if (r <= 0)
                return GO_DONE;
            fr->done += (size_t)r;
        }
    }
    GO_END(fr);
}
static const go_func_info xfer__info = GO_FUNC_INFO(xfer__resume, struct xfer);

static go_frame *xfer_init(struct xfer *x, int fd, bool writing, void *buf, size_t n)
{
    *x = (struct xfer){ .hdr = GO_FRAME_INIT(&xfer__info), .fd = fd, .writing = writing,
                        .buf = buf, .n = n };
    return &x->hdr;
}

/* ---- ping-pong over socketpairs ----------------------------------------------- */

struct pp_state {
    int pairs, rounds;
    go_wg wg;
    _Atomic int bad, ok;
};

/* One end: the initiator sends i and waits for i + 1 back; the other end
 * answers each i with i + 1. */
struct pp_end {
    go_frame hdr;
    struct pp_state *st;
    int fd;
    bool initiator;
    int i;
    uint32_t v;
    struct xfer x;
};

static int pp_end__resume(go_frame *f)
{
    struct pp_end *fr = (struct pp_end *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->st->rounds; fr->i++) {
        if (fr->initiator) {
            fr->v = (uint32_t)fr->i;
            GO_AWAIT_CALL(fr, xfer_init(&fr->x, fr->fd, true, &fr->v, sizeof fr->v));
        }
        GO_AWAIT_CALL(fr, xfer_init(&fr->x, fr->fd, false, &fr->v, sizeof fr->v));
        if (fr->x.done != sizeof fr->v || fr->v != (uint32_t)fr->i + fr->initiator) {
            atomic_fetch_add(&fr->st->bad, 1);
            break;
        }
        if (!fr->initiator) {
            fr->v++;
            GO_AWAIT_CALL(fr, xfer_init(&fr->x, fr->fd, true, &fr->v, sizeof fr->v));
        }
    }
    if (fr->i == fr->st->rounds)
        atomic_fetch_add(&fr->st->ok, 1);
    go_fd_close(fr->fd);
    go_wg_done(&fr->st->wg);
    GO_END(fr);
}
static const go_func_info pp_end__info = GO_FUNC_INFO(pp_end__resume, struct pp_end);

struct pp_main {
    go_frame hdr;
    int ret;
    struct pp_state *s;
};

static int pp_main__resume(go_frame *f)
{
    struct pp_main *fr = (struct pp_main *)f;
    struct pp_state *st = fr->s;
    GO_BEGIN(fr);
    go_wg_add(&st->wg, 2 * st->pairs);
    for (int p = 0; p < st->pairs; p++) {
        int sv[2];
        nonblocking_pair(sv);
        for (int e = 0; e < 2; e++) {
            struct pp_end *end = zalloc_frame(&pp_end__info);
            end->st = st;
            end->fd = sv[e];
            end->initiator = e == 0;
            go_spawn(&end->hdr);
        }
    }
    GO_AWAIT(fr, go_wg_wait__begin(&st->wg));
    GO_END(fr);
}
static const go_func_info pp_main__info = GO_FUNC_INFO(pp_main__resume, struct pp_main);

START_TEST(socketpair_ping_pong)
{
    struct pp_state st = { .pairs = 1, .rounds = SCALE(5000, 500) };
    run_main_with(&pp_main__info, &st);
    ck_assert_int_eq(atomic_load(&st.bad), 0);
    ck_assert_int_eq(atomic_load(&st.ok), 2);
}
END_TEST

START_TEST(many_socketpairs_at_once)
{
    struct pp_state st = { .pairs = SCALE(200, 30), .rounds = SCALE(100, 30) };
    run_main_with(&pp_main__info, &st);
    ck_assert_int_eq(atomic_load(&st.bad), 0);
    ck_assert_int_eq(atomic_load(&st.ok), 2 * st.pairs);
}
END_TEST

/* ---- bulk transfer through a pipe: full pipe, partial writes ----------------- */

enum { BULK_CHUNK = 100000 };

struct bulk_state {
    size_t total;
    uint64_t sent_sum, recv_sum;
    size_t received;
    int wfd, rfd;
    go_wg wg;
};

struct bulk_writer {
    go_frame hdr;
    struct bulk_state *st;
    size_t off;
    unsigned char buf[BULK_CHUNK];
    struct xfer x;
};

static int bulk_writer__resume(go_frame *f)
{
    struct bulk_writer *fr = (struct bulk_writer *)f;
    GO_BEGIN(fr);
    for (fr->off = 0; fr->off < fr->st->total; fr->off += BULK_CHUNK) {
        for (size_t k = 0; k < BULK_CHUNK; k++) {
            fr->buf[k] = (unsigned char)((fr->off + k) * 2654435761u >> 13);
            fr->st->sent_sum += fr->buf[k] * (fr->off + k + 1);
        }
        GO_AWAIT_CALL(fr, xfer_init(&fr->x, fr->st->wfd, true, fr->buf, BULK_CHUNK));
        ck_assert_uint_eq(fr->x.done, BULK_CHUNK);
    }
    go_fd_close(fr->st->wfd);   /* EOF for the reader */
    go_wg_done(&fr->st->wg);
    GO_END(fr);
}
static const go_func_info bulk_writer__info = GO_FUNC_INFO(bulk_writer__resume, struct bulk_writer);

struct bulk_reader {
    go_frame hdr;
    struct bulk_state *st;
    unsigned char buf[4096 + 123];   /* not a divisor of the chunk */
};

static int bulk_reader__resume(go_frame *f)
{
    struct bulk_reader *fr = (struct bulk_reader *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_read__begin(fr->st->rfd, fr->buf, sizeof fr->buf));
        {
            ssize_t r = GO_RESULT(ssize_t);
            ck_assert_int_ge(r, 0);
            if (r == 0)
                break;
            for (ssize_t k = 0; k < r; k++)
                fr->st->recv_sum += fr->buf[k] * (fr->st->received + (size_t)k + 1);
            fr->st->received += (size_t)r;
        }
    }
    go_fd_close(fr->st->rfd);
    go_wg_done(&fr->st->wg);
    GO_END(fr);
}
static const go_func_info bulk_reader__info = GO_FUNC_INFO(bulk_reader__resume, struct bulk_reader);

struct bulk_main {
    go_frame hdr;
    int ret;
    struct bulk_state *s;
};

static int bulk_main__resume(go_frame *f)
{
    struct bulk_main *fr = (struct bulk_main *)f;
    struct bulk_state *st = fr->s;
    GO_BEGIN(fr);
    go_wg_add(&st->wg, 2);
    {
        struct bulk_reader *r = go_frame_alloc(&bulk_reader__info);
        r->st = st;
        go_spawn(&r->hdr);
        struct bulk_writer *w = go_frame_alloc(&bulk_writer__info);
        w->st = st;
        go_spawn(&w->hdr);
    }
    GO_AWAIT(fr, go_wg_wait__begin(&st->wg));
    GO_END(fr);
}
static const go_func_info bulk_main__info = GO_FUNC_INFO(bulk_main__resume, struct bulk_main);

START_TEST(pipe_bulk_transfer)
{
    int p[2];
    ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    struct bulk_state st = { .total = (size_t)SCALE(40, 10) * BULK_CHUNK, .rfd = p[0], .wfd = p[1] };
    run_main_with(&bulk_main__info, &st);
    ck_assert_uint_eq(st.received, st.total);
    ck_assert_uint_eq(st.recv_sum, st.sent_sum);
}
END_TEST

/* ---- accept / connect on loopback ----------------------------------------------- */

enum { CLIENTS = 20, MSG = 64 };

struct net_state {
    int lfd;
    struct sockaddr_in addr;
    go_wg wg;
    _Atomic int echoed, bad;
};

/* One accepted connection: echo until EOF. */
struct echo {
    go_frame hdr;
    struct net_state *st;
    int fd;
    ssize_t r;
    char buf[MSG];
    struct xfer x;
};

static int echo__resume(go_frame *f)
{
    struct echo *fr = (struct echo *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_read__begin(fr->fd, fr->buf, sizeof fr->buf));
        fr->r = GO_RESULT(ssize_t);
        if (fr->r <= 0)
            break;
        GO_AWAIT_CALL(fr, xfer_init(&fr->x, fr->fd, true, fr->buf, (size_t)fr->r));
    }
    go_fd_close(fr->fd);
    GO_END(fr);
}
static const go_func_info echo__info = GO_FUNC_INFO(echo__resume, struct echo);

struct server {
    go_frame hdr;
    struct net_state *st;
    int i;
};

static int server__resume(go_frame *f)
{
    struct server *fr = (struct server *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < CLIENTS; fr->i++) {
        GO_AWAIT(fr, go_accept__begin(fr->st->lfd, NULL, NULL));
        {
            int fd = GO_RESULT(int);
            ck_assert_int_ge(fd, 0);
            ck_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
            struct echo *e = go_frame_alloc(&echo__info);
            e->st = fr->st;
            e->fd = fd;
            go_spawn(&e->hdr);
        }
    }
    go_fd_close(fr->st->lfd);
    go_wg_done(&fr->st->wg);
    GO_END(fr);
}
static const go_func_info server__info = GO_FUNC_INFO(server__resume, struct server);

struct client {
    go_frame hdr;
    struct net_state *st;
    int id, fd;
    char out[MSG], in[MSG];
    struct xfer x;
};

static int client__resume(go_frame *f)
{
    struct client *fr = (struct client *)f;
    GO_BEGIN(fr);
    fr->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fr->fd, 0);
    GO_AWAIT(fr, go_connect__begin(fr->fd, (struct sockaddr *)&fr->st->addr, sizeof fr->st->addr));
    ck_assert_msg(GO_RESULT(int) == 0, "connect: %s", strerror(errno));
    for (int k = 0; k < MSG; k++)
        fr->out[k] = (char)(fr->id * 31 + k);
    GO_AWAIT_CALL(fr, xfer_init(&fr->x, fr->fd, true, fr->out, MSG));
    GO_AWAIT_CALL(fr, xfer_init(&fr->x, fr->fd, false, fr->in, MSG));
    if (fr->x.done == MSG && memcmp(fr->in, fr->out, MSG) == 0)
        atomic_fetch_add(&fr->st->echoed, 1);
    else
        atomic_fetch_add(&fr->st->bad, 1);
    go_fd_close(fr->fd);
    go_wg_done(&fr->st->wg);
    GO_END(fr);
}
static const go_func_info client__info = GO_FUNC_INFO(client__resume, struct client);

struct net_main {
    go_frame hdr;
    int ret;
    struct net_state *s;
};

static int net_main__resume(go_frame *f)
{
    struct net_main *fr = (struct net_main *)f;
    struct net_state *st = fr->s;
    GO_BEGIN(fr);
    go_wg_add(&st->wg, 1 + CLIENTS);
    {
        struct server *s = go_frame_alloc(&server__info);
        s->st = st;
        go_spawn(&s->hdr);
    }
    for (int i = 0; i < CLIENTS; i++) {
        struct client *c = zalloc_frame(&client__info);
        c->st = st;
        c->id = i;
        go_spawn(&c->hdr);
    }
    GO_AWAIT(fr, go_wg_wait__begin(&st->wg));
    GO_END(fr);
}
static const go_func_info net_main__info = GO_FUNC_INFO(net_main__resume, struct net_main);

START_TEST(accept_connect_loopback)
{
    struct net_state st = { 0 };
    st.lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(st.lfd, 0);
    st.addr.sin_family = AF_INET;
    st.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(st.lfd, (struct sockaddr *)&st.addr, sizeof st.addr), 0);
    socklen_t len = sizeof st.addr;
    ck_assert_int_eq(getsockname(st.lfd, (struct sockaddr *)&st.addr, &len), 0);
    ck_assert_int_eq(listen(st.lfd, 128), 0);
    run_main_with(&net_main__info, &st);
    ck_assert_int_eq(atomic_load(&st.bad), 0);
    ck_assert_int_eq(atomic_load(&st.echoed), CLIENTS);
}
END_TEST

/* ---- go_fd_close while goroutines wait -------------------------------------------- */

struct close_state {
    int fd;
    go_wg wg;
    ssize_t read_r;
    int read_err, wait_r, wait_err;
    int64_t wait_elapsed;
};

struct close_reader {
    go_frame hdr;
    struct close_state *st;
    char c;
};
static int close_reader__resume(go_frame *f)
{
    struct close_reader *fr = (struct close_reader *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_read__begin(fr->st->fd, &fr->c, 1));
    fr->st->read_r = GO_RESULT(ssize_t);
    fr->st->read_err = errno;
    go_wg_done(&fr->st->wg);
    GO_END(fr);
}
static const go_func_info close_reader__info = GO_FUNC_INFO(close_reader__resume, struct close_reader);

struct close_waiter {
    go_frame hdr;
    struct close_state *st;
    int64_t t0;
};
static int close_waiter__resume(go_frame *f)
{
    struct close_waiter *fr = (struct close_waiter *)f;
    GO_BEGIN(fr);
    fr->t0 = go_now();
    GO_AWAIT(fr, go_fd_wait__begin(fr->st->fd, POLLIN, 10000 * MS));   /* a deadline too */
    fr->st->wait_r = GO_RESULT(int);
    fr->st->wait_err = errno;
    fr->st->wait_elapsed = go_now() - fr->t0;
    go_wg_done(&fr->st->wg);
    GO_END(fr);
}
static const go_func_info close_waiter__info = GO_FUNC_INFO(close_waiter__resume, struct close_waiter);

struct close_main {
    go_frame hdr;
    int ret;
    struct close_state *s;
};

static int close_main__resume(go_frame *f)
{
    struct close_main *fr = (struct close_main *)f;
    struct close_state *st = fr->s;
    GO_BEGIN(fr);
    go_wg_add(&st->wg, 2);
    {
        struct close_reader *r = go_frame_alloc(&close_reader__info);
        r->st = st;
        go_spawn(&r->hdr);
        struct close_waiter *w = go_frame_alloc(&close_waiter__info);
        w->st = st;
        go_spawn(&w->hdr);
    }
    GO_AWAIT(fr, go_sleep__begin(20 * MS));
    ck_assert_int_eq(go_fd_close(st->fd), 0);
    GO_AWAIT(fr, go_wg_wait__begin(&st->wg));
    GO_END(fr);
}
static const go_func_info close_main__info = GO_FUNC_INFO(close_main__resume, struct close_main);

START_TEST(close_while_waiting)
{
    int sv[2];
    nonblocking_pair(sv);
    struct close_state st = { .fd = sv[0] };
    run_main_with(&close_main__info, &st);
    ck_assert_int_eq(st.read_r, -1);
    ck_assert_int_eq(st.read_err, EBADF);
    ck_assert_int_eq(st.wait_r, -1);
    ck_assert_int_eq(st.wait_err, EBADF);
    ck_assert_int_lt(st.wait_elapsed, 5000 * MS);
    close(sv[1]);
}
END_TEST

/* ---- go_fd_wait ------------------------------------------------------------------ */

struct wait_state {
    int sv[2];
    int timed_out, writable, polled, readable;
    int64_t timeout_elapsed, ready_elapsed;
};

struct late_writer {
    go_frame hdr;
    int fd;
};
static int late_writer__resume(go_frame *f)
{
    struct late_writer *fr = (struct late_writer *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_sleep__begin(10 * MS));
    GO_AWAIT(fr, go_write__begin(fr->fd, "!", 1));
    GO_END(fr);
}
static const go_func_info late_writer__info = GO_FUNC_INFO(late_writer__resume, struct late_writer);

struct wait_main {
    go_frame hdr;
    int ret;
    struct wait_state *s;
    int64_t t0;
};

static int wait_main__resume(go_frame *f)
{
    struct wait_main *fr = (struct wait_main *)f;
    struct wait_state *st = fr->s;
    GO_BEGIN(fr);
    fr->t0 = go_now();
    GO_AWAIT(fr, go_fd_wait__begin(st->sv[0], POLLIN, 20 * MS));
    st->timed_out = GO_RESULT(int);
    st->timeout_elapsed = go_now() - fr->t0;
    GO_AWAIT(fr, go_fd_wait__begin(st->sv[0], POLLOUT, -1));
    st->writable = GO_RESULT(int);
    GO_AWAIT(fr, go_fd_wait__begin(st->sv[0], POLLIN, 0));
    st->polled = GO_RESULT(int);
    {
        struct late_writer *w = go_frame_alloc(&late_writer__info);
        w->fd = st->sv[1];
        go_spawn(&w->hdr);
    }
    fr->t0 = go_now();
    GO_AWAIT(fr, go_fd_wait__begin(st->sv[0], POLLIN, 10000 * MS));
    st->readable = GO_RESULT(int);
    st->ready_elapsed = go_now() - fr->t0;
    GO_END(fr);
}
static const go_func_info wait_main__info = GO_FUNC_INFO(wait_main__resume, struct wait_main);

START_TEST(fd_wait_ready_timeout_poll)
{
    struct wait_state st = { 0 };
    nonblocking_pair(st.sv);
    run_main_with(&wait_main__info, &st);
    ck_assert_int_eq(st.timed_out, 0);
    ck_assert_int_ge(st.timeout_elapsed, 20 * MS);
    ck_assert_int_lt(st.timeout_elapsed, 1000 * MS);
    ck_assert_int_eq(st.writable, POLLOUT);
    ck_assert_int_eq(st.polled, 0);
    ck_assert_int_eq(st.readable, POLLIN);
    ck_assert_int_ge(st.ready_elapsed, 10 * MS);
    ck_assert_int_lt(st.ready_elapsed, 5000 * MS);
    close(st.sv[0]);
    close(st.sv[1]);
}
END_TEST

/* ---- waiting on an fd is not a deadlock ---------------------------------------- */

struct nodead_state {
    int rfd;
    ssize_t r;
    char c;
};

struct nodead_main {
    go_frame hdr;
    int ret;
    struct nodead_state *s;
};

static int nodead_main__resume(go_frame *f)
{
    struct nodead_main *fr = (struct nodead_main *)f;
    struct nodead_state *st = fr->s;
    GO_BEGIN(fr);
    /* no timer, no other goroutine: only another process will write */
    GO_AWAIT(fr, go_read__begin(st->rfd, &st->c, 1));
    st->r = GO_RESULT(ssize_t);
    GO_END(fr);
}
static const go_func_info nodead_main__info = GO_FUNC_INFO(nodead_main__resume, struct nodead_main);

START_TEST(fd_waiter_is_not_deadlocked)
{
    int p[2];
    ck_assert_int_eq(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    pid_t child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        usleep(100000);
        _exit(write(p[1], "z", 1) == 1 ? 0 : 1);
    }
    close(p[1]);
    struct nodead_state st = { .rfd = p[0] };
    run_main_with(&nodead_main__info, &st);   /* a false deadlock report would exit(2) */
    ck_assert_int_eq(st.r, 1);
    ck_assert_int_eq(st.c, 'z');
    int status;
    waitpid(child, &status, 0);
    close(p[0]);
}
END_TEST

/* After go_fd_close woke the last fd waiter, a real deadlock is still
 * reported: the M that slept in epoll_wait for that fd goes idle.  Main
 * yields for 20 ms meanwhile, so that with two Ps or more the reader's
 * M is the one in epoll_wait when main closes the fd. */
struct dead_reader {
    go_frame hdr;
    int fd;
    go_chan *never;
    char c;
};
static int dead_reader__resume(go_frame *f)
{
    struct dead_reader *fr = (struct dead_reader *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_read__begin(fr->fd, &fr->c, 1));   /* -1, EBADF */
    GO_AWAIT(fr, go_recv__begin(fr->never, NULL));     /* for ever */
    GO_END(fr);
}
static const go_func_info dead_reader__info = GO_FUNC_INFO(dead_reader__resume, struct dead_reader);

struct dead_main {
    go_frame hdr;
    int ret;
    int fd;
    go_chan *never;
    int64_t t0;
};
static int dead_main__resume(go_frame *f)
{
    struct dead_main *fr = (struct dead_main *)f;
    GO_BEGIN(fr);
    fr->never = go_chan_make(sizeof(int), 0);
    {
        struct dead_reader *r = go_frame_alloc(&dead_reader__info);
        r->fd = fr->fd;
        r->never = fr->never;
        go_spawn(&r->hdr);
    }
    for (fr->t0 = go_now(); go_now() - fr->t0 < 20 * MS;)
        GO_AWAIT(fr, go_yield__begin());
    go_fd_close(fr->fd);
    GO_AWAIT(fr, go_recv__begin(fr->never, NULL));     /* for ever */
    GO_END(fr);
}
static const go_func_info dead_main__info = GO_FUNC_INFO(dead_main__resume, struct dead_main);

static void close_then_deadlock(void)
{
    alarm(20);   /* a hang instead of the report ends here */
    int sv[2];
    nonblocking_pair(sv);
    struct dead_main *m = go_frame_alloc(&dead_main__info);
    m->fd = sv[0];
    go_run_main(&m->hdr, &m->ret);
}

START_TEST(deadlock_reported_after_last_fd_waiter_left)
{
    death d;
    death_run(close_then_deadlock, &d);
    ck_assert_int_eq(death_exit_code(&d), 2);
    ck_assert_msg(strstr(d.err, "all goroutines are asleep - deadlock!"), "%s", d.err);
}
END_TEST

/* ---- plain threads block in poll(2) ------------------------------------------------ */

struct plain_state {
    int sv[2];
    char got[5];
    ssize_t r;
};

static void *plain_reader(void *arg)
{
    struct plain_state *st = arg;
    size_t done = 0;
    while (done < 5) {
        ssize_t r = go_read(st->sv[1], st->got + done, 5 - done);
        if (r <= 0)
            break;
        done += (size_t)r;
    }
    st->r = (ssize_t)done;
    return NULL;
}

struct plain_main {
    go_frame hdr;
    int ret;
    struct plain_state *s;
    pthread_t th;
};

static int plain_main__resume(go_frame *f)
{
    struct plain_main *fr = (struct plain_main *)f;
    struct plain_state *st = fr->s;
    GO_BEGIN(fr);
    pthread_create(&fr->th, NULL, plain_reader, st);
    GO_AWAIT(fr, go_sleep__begin(10 * MS));
    GO_AWAIT(fr, go_write__begin(st->sv[0], "he", 2));
    GO_AWAIT(fr, go_sleep__begin(5 * MS));
    GO_AWAIT(fr, go_write__begin(st->sv[0], "llo", 3));
    pthread_join(fr->th, NULL);
    GO_END(fr);
}
static const go_func_info plain_main__info = GO_FUNC_INFO(plain_main__resume, struct plain_main);

START_TEST(plain_thread_blocks_in_poll)
{
    struct plain_state st = { 0 };
    nonblocking_pair(st.sv);
    run_main_with(&plain_main__info, &st);
    ck_assert_int_eq(st.r, 5);
    ck_assert_int_eq(memcmp(st.got, "hello", 5), 0);
    /* and outside the runtime altogether */
    ck_assert_int_eq(go_write(st.sv[1], "ok", 2), 2);
    char buf[2];
    ck_assert_int_eq(go_read(st.sv[0], buf, 2), 2);
    ck_assert_int_eq(go_fd_wait(st.sv[0], POLLIN, 5 * MS), 0);
    ck_assert_int_eq(go_fd_close(st.sv[0]), 0);
    ck_assert_int_eq(go_fd_close(st.sv[1]), 0);
    ck_assert_int_eq(go_read(-1, buf, 1), -1);
    ck_assert_int_eq(errno, EBADF);
}
END_TEST

static Suite *netpoll_suite(void)
{
    Suite *s = suite_create("netpoll");
    TCase *tc = tcase_create("netpoll");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, socketpair_ping_pong);
    tcase_add_test(tc, many_socketpairs_at_once);
    tcase_add_test(tc, pipe_bulk_transfer);
    tcase_add_test(tc, accept_connect_loopback);
    tcase_add_test(tc, close_while_waiting);
    tcase_add_test(tc, fd_wait_ready_timeout_poll);
    tcase_add_test(tc, fd_waiter_is_not_deadlocked);
    tcase_add_test(tc, deadlock_reported_after_last_fd_waiter_left);
    tcase_add_test(tc, plain_thread_blocks_in_poll);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    SRunner *sr = srunner_create(netpoll_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
