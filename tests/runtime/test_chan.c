/* test_chan.c — channel semantics: FIFO order, capacity, rendezvous, zero-size
 * elements, close (waking receivers and senders), draining after close,
 * len/cap, the non-blocking operations, nil channels, plain threads talking
 * to goroutines, and misuse reports.
 */
#include "test_chan_util.h"

/* ---- shared goroutines ----------------------------------------------------- */

/* Sends from, from+1, ..., to-1 on c, then closes c if asked and sends a
 * token on done (if any). */
FRAME(sender, go_chan *c; go_chan *done; int from, to, i; bool close_after;);
static int sender__resume(go_frame *f_)
{
    SELF(sender);
    GO_BEGIN(fr);
    for (fr->i = fr->from; fr->i < fr->to; fr->i++) {
        GO_AWAIT(fr, go_send__begin(fr->c, &fr->i));
    }
    if (fr->close_after)
        go_chan_close(fr->c);
    if (fr->done) {
        GO_AWAIT(fr, go_send__begin(fr->done, NULL));
    }
    GO_END(fr);
}

/* Receives one value from c into v (initially `v`) and reports {ok, v} on
 * results. */
struct outcome { bool ok; int v; };
FRAME(receive_once, go_chan *c; go_chan *results; int v; struct outcome out;);
static int receive_once__resume(go_frame *f_)
{
    SELF(receive_once);
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
    fr->out.ok = GO_RESULT(bool);
    fr->out.v = fr->v;
    GO_AWAIT(fr, go_send__begin(fr->results, &fr->out));
    GO_END(fr);
}

/* ---- len, cap, make ------------------------------------------------------- */

START_TEST(len_and_cap)
{
    go_chan *c = go_chan_make(sizeof(int), 3);
    ck_assert_int_eq(go_chan_cap(c), 3);
    ck_assert_int_eq(go_chan_len(c), 0);
    for (int i = 0; i < 3; i++) {
        ck_assert(go_try_send(c, &i));
        ck_assert_int_eq(go_chan_len(c), i + 1);
    }
    int v = 99;
    ck_assert(!go_try_send(c, &v));
    ck_assert_int_eq(go_chan_len(c), 3);
    ck_assert(go_try_recv(c, &v, NULL));
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(go_chan_len(c), 2);
    go_chan_free(c);

    go_chan *u = go_chan_make(64, 0);
    ck_assert_int_eq(go_chan_cap(u), 0);
    ck_assert_int_eq(go_chan_len(u), 0);
    go_chan_free(u);

    ck_assert_int_eq(go_chan_cap(NULL), 0);
    ck_assert_int_eq(go_chan_len(NULL), 0);
    go_chan_free(NULL);
}
END_TEST

/* ---- FIFO order ------------------------------------------------------------ */

/* One producer: values arrive in the order sent, then ok = false. */
FRAME(fifo_main, int ret; size_t cap; int n; go_chan *c; int v, expect;);
static int fifo_main__resume(go_frame *f_)
{
    SELF(fifo_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), fr->cap);
    SPAWN(sender, .c = fr->c, .from = 0, .to = fr->n, .close_after = true);
    for (;;) {
        fr->v = -1;
        GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
        if (!GO_RESULT(bool))
            break;
        EXPECT_EQ(fr->v, fr->expect);
        EXPECT(go_chan_len(fr->c) <= (int)fr->cap);
        fr->expect++;
    }
    ck_assert_int_eq(fr->v, 0);
    ck_assert_int_eq(fr->expect, fr->n);
    go_chan_free(fr->c);
    fr->ret = 7;
    GO_END(fr);
}

START_TEST(fifo_one_producer)
{
    size_t caps[] = { 0, 1, 2, 16, 1000 };
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++)
        ck_assert_int_eq(RUN(fifo_main, .cap = caps[k], .n = SCALE(50000, 5000)), 7);
}
END_TEST

/* Receives n tokens from done, then closes c. */
FRAME(closer, go_chan *done, *c; int n;);
static int closer__resume(go_frame *f_)
{
    SELF(closer);
    GO_BEGIN(fr);
    while (fr->n-- > 0) {
        GO_AWAIT(fr, go_recv__begin(fr->done, NULL));
    }
    go_chan_close(fr->c);
    GO_END(fr);
}

/* Several producers: each producer's values arrive in its own order. */
enum { NPROD = 4 };
FRAME(fifo_multi_main, int ret; size_t cap; int n; go_chan *c, *done; int v; int next[NPROD];);
static int fifo_multi_main__resume(go_frame *f_)
{
    SELF(fifo_multi_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), fr->cap);
    fr->done = go_chan_make(0, 0);
    for (int p = 0; p < NPROD; p++)
        SPAWN(sender, .c = fr->c, .done = fr->done, .from = p << 24, .to = (p << 24) + fr->n);
    SPAWN(closer, .done = fr->done, .c = fr->c, .n = NPROD);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
        if (!GO_RESULT(bool))
            break;
        int p = fr->v >> 24;
        EXPECT(p < NPROD);
        EXPECT_EQ(fr->v & 0xffffff, fr->next[p]);
        fr->next[p]++;
    }
    for (int p = 0; p < NPROD; p++)
        ck_assert_int_eq(fr->next[p], fr->n);
    go_chan_free(fr->c);
    go_chan_free(fr->done);
    GO_END(fr);
}

START_TEST(fifo_per_producer)
{
    size_t caps[] = { 0, 1, 8 };
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++)
        ck_assert_int_eq(RUN(fifo_multi_main, .cap = caps[k], .n = SCALE(20000, 2000)), 0);
}
END_TEST

/* ---- capacity 1 and unbuffered rendezvous ---------------------------------- */

/* Sends one value, then records that the send returned. */
FRAME(send_then_mark, go_chan *c; int v; _Atomic int *sent;);
static int send_then_mark__resume(go_frame *f_)
{
    SELF(send_then_mark);
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_send__begin(fr->c, &fr->v));
    atomic_store(fr->sent, 1);
    GO_END(fr);
}

static _Atomic int sent_flag;

/* cap 1: the first send completes at once, the second waits for a receive.
 * cap 0: even the first waits for the receiver. */
FRAME(capacity_main, int ret; go_chan *c; int v, i;);
static int capacity_main__resume(go_frame *f_)
{
    SELF(capacity_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), 1);
    fr->v = 1;
    GO_AWAIT(fr, go_send__begin(fr->c, &fr->v));     /* buffered: returns at once */
    ck_assert_int_eq(go_chan_len(fr->c), 1);
    fr->v = 2;
    ck_assert(!go_try_send(fr->c, &fr->v));
    atomic_store(&sent_flag, 0);
    SPAWN(send_then_mark, .c = fr->c, .v = 2, .sent = &sent_flag);
    while (waiting(fr->c, GO_DIR_SEND) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    ck_assert_int_eq(atomic_load(&sent_flag), 0);    /* blocked: buffer full */
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
    ck_assert_int_eq(fr->v, 1);
    /* The blocked sender's value moved into the freed slot. */
    ck_assert_int_eq(go_chan_len(fr->c), 1);
    ck_assert_int_eq(waiting(fr->c, GO_DIR_SEND), 0);
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
    ck_assert_int_eq(fr->v, 2);
    while (!atomic_load(&sent_flag)) {
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_free(fr->c);

    /* Unbuffered: the sender stays blocked until a receiver arrives. */
    fr->c = go_chan_make(sizeof(int), 0);
    atomic_store(&sent_flag, 0);
    SPAWN(send_then_mark, .c = fr->c, .v = 42, .sent = &sent_flag);
    for (fr->i = 0; fr->i < 100; fr->i++) {
        GO_AWAIT(fr, go_yield__begin());
    }
    ck_assert_int_eq(atomic_load(&sent_flag), 0);
    ck_assert_int_eq(waiting(fr->c, GO_DIR_SEND), 1);
    ck_assert_int_eq(go_chan_len(fr->c), 0);
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
    ck_assert(GO_RESULT(bool));
    ck_assert_int_eq(fr->v, 42);
    while (!atomic_load(&sent_flag)) {
        GO_AWAIT(fr, go_yield__begin());
    }

    /* And a receiver waits for the sender: direct hand-off into its frame. */
    SPAWN(sender, .c = fr->c, .from = 7, .to = 8);
    fr->v = 0;
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
    ck_assert_int_eq(fr->v, 7);
    go_chan_free(fr->c);
    GO_END(fr);
}

START_TEST(capacity_and_rendezvous)
{
    ck_assert_int_eq(RUN(capacity_main), 0);
}
END_TEST

/* ---- zero-size elements ---------------------------------------------------- */

FRAME(zero_size_main, int ret; size_t cap; int n, got; go_chan *c;);
static int zero_size_main__resume(go_frame *f_)
{
    SELF(zero_size_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(0, fr->cap);
    SPAWN(sender, .c = fr->c, .from = 0, .to = fr->n, .close_after = true);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->c, NULL));
        if (!GO_RESULT(bool))
            break;
        fr->got++;
    }
    ck_assert_int_eq(fr->got, fr->n);
    go_chan_free(fr->c);
    GO_END(fr);
}

START_TEST(zero_size_elements)
{
    ck_assert_int_eq(RUN(zero_size_main, .cap = 0, .n = 1000), 0);
    ck_assert_int_eq(RUN(zero_size_main, .cap = 5, .n = 1000), 0);

    go_chan *c = go_chan_make(0, 5);
    for (int i = 0; i < 5; i++)
        ck_assert(go_try_send(c, NULL));
    ck_assert(!go_try_send(c, NULL));
    ck_assert_int_eq(go_chan_len(c), 5);
    bool ok = false;
    ck_assert(go_try_recv(c, NULL, &ok));
    ck_assert(ok);
    ck_assert_int_eq(go_chan_len(c), 4);
    go_chan_free(c);
}
END_TEST

/* ---- close ------------------------------------------------------------------ */

/* Receivers blocked on an empty channel get ok = false and a zeroed value. */
enum { NRECV = 8 };
FRAME(close_wakes_receivers_main, int ret; size_t cap; go_chan *c, *results; int i;
      struct outcome out;);
static int close_wakes_receivers_main__resume(go_frame *f_)
{
    SELF(close_wakes_receivers_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), fr->cap);
    fr->results = go_chan_make(sizeof(struct outcome), NRECV);
    for (int i = 0; i < NRECV; i++)
        SPAWN(receive_once, .c = fr->c, .results = fr->results, .v = 0x5a5a5a5a);
    while (waiting(fr->c, GO_DIR_RECV) < NRECV) {
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_close(fr->c);
    ck_assert_int_eq(waiting(fr->c, GO_DIR_RECV), 0);
    for (fr->i = 0; fr->i < NRECV; fr->i++) {
        GO_AWAIT(fr, go_recv__begin(fr->results, &fr->out));
        ck_assert(!fr->out.ok);
        ck_assert_int_eq(fr->out.v, 0);
    }
    go_chan_free(fr->c);
    go_chan_free(fr->results);
    GO_END(fr);
}

START_TEST(close_wakes_receivers)
{
    ck_assert_int_eq(RUN(close_wakes_receivers_main, .cap = 0), 0);
    ck_assert_int_eq(RUN(close_wakes_receivers_main, .cap = 4), 0);
}
END_TEST

/* A buffered channel closed with values in it delivers them, then ok = false
 * with a zeroed value, for ever. */
START_TEST(drain_after_close_plain_thread)
{
    go_chan *c = go_chan_make(sizeof(int), 4);
    for (int i = 1; i <= 3; i++)
        ck_assert(go_try_send(c, &i));
    go_chan_close(c);
    ck_assert_int_eq(go_chan_len(c), 3);
    int v;
    ck_assert(go_chan_recv_blocking(c, &v));
    ck_assert_int_eq(v, 1);
    bool ok = false;
    ck_assert(go_try_recv(c, &v, &ok));
    ck_assert(ok);
    ck_assert_int_eq(v, 2);
    ck_assert(go_recv(c, &v));
    ck_assert_int_eq(v, 3);
    for (int k = 0; k < 3; k++) {
        v = 77;
        ck_assert(!go_chan_recv_blocking(c, &v));
        ck_assert_int_eq(v, 0);
        v = 77;
        ok = true;
        ck_assert(go_try_recv(c, &v, &ok));
        ck_assert(!ok);
        ck_assert_int_eq(v, 0);
        ck_assert(go_try_recv(c, NULL, NULL));
    }
    ck_assert_int_eq(go_chan_len(c), 0);
    go_chan_free(c);
}
END_TEST

FRAME(drain_main, int ret; go_chan *c; int v, i;);
static int drain_main__resume(go_frame *f_)
{
    SELF(drain_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), 8);
    SPAWN(sender, .c = fr->c, .from = 100, .to = 105, .close_after = true);
    /* Let the sender fill the buffer and close before we look. */
    while (go_chan_len(fr->c) < 5) {
        GO_AWAIT(fr, go_yield__begin());
    }
    for (fr->i = 100; fr->i < 105; fr->i++) {
        GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
        ck_assert(GO_RESULT(bool));
        ck_assert_int_eq(fr->v, fr->i);
    }
    fr->v = -1;
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
    ck_assert(!GO_RESULT(bool));
    ck_assert_int_eq(fr->v, 0);
    go_chan_free(fr->c);
    GO_END(fr);
}

START_TEST(drain_after_close_goroutine)
{
    ck_assert_int_eq(RUN(drain_main), 0);
}
END_TEST

/* ---- non-blocking operations ------------------------------------------------ */

START_TEST(try_ops_plain)
{
    int v = 5;
    bool ok = true;
    /* nil: never ready */
    ck_assert(!go_try_send(NULL, &v));
    ck_assert(!go_try_recv(NULL, &v, &ok));
    ck_assert(ok);

    /* unbuffered, nobody waiting: both would block */
    go_chan *u = go_chan_make(sizeof(int), 0);
    ck_assert(!go_try_send(u, &v));
    ck_assert(!go_try_recv(u, &v, &ok));
    go_chan_close(u);
    v = 9;
    ck_assert(go_try_recv(u, &v, &ok));
    ck_assert(!ok);
    ck_assert_int_eq(v, 0);
    go_chan_free(u);

    /* buffered: empty, then full */
    go_chan *c = go_chan_make(sizeof(int), 2);
    ck_assert(!go_try_recv(c, &v, NULL));
    v = 1;
    ck_assert(go_try_send(c, &v));
    v = 2;
    ck_assert(go_try_send(c, &v));
    v = 3;
    ck_assert(!go_try_send(c, &v));
    ck_assert(go_try_recv(c, &v, &ok));
    ck_assert(ok);
    ck_assert_int_eq(v, 1);
    go_chan_close(c);
    ck_assert(go_try_recv(c, &v, &ok));
    ck_assert(ok);
    ck_assert_int_eq(v, 2);
    ck_assert(go_try_recv(c, &v, &ok));
    ck_assert(!ok);
    go_chan_free(c);
}
END_TEST

/* With a partner waiting, the non-blocking operations hand off directly. */
FRAME(try_partner_main, int ret; go_chan *c, *results; int v; struct outcome out;);
static int try_partner_main__resume(go_frame *f_)
{
    SELF(try_partner_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), 0);
    fr->results = go_chan_make(sizeof(struct outcome), 1);
    SPAWN(receive_once, .c = fr->c, .results = fr->results, .v = -1);
    while (waiting(fr->c, GO_DIR_RECV) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    fr->v = 31;
    ck_assert(go_try_send(fr->c, &fr->v));
    GO_AWAIT(fr, go_recv__begin(fr->results, &fr->out));
    ck_assert(fr->out.ok);
    ck_assert_int_eq(fr->out.v, 31);

    SPAWN(sender, .c = fr->c, .from = 64, .to = 65);
    while (waiting(fr->c, GO_DIR_SEND) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    bool ok = false;
    ck_assert(go_try_recv(fr->c, &fr->v, &ok));
    ck_assert(ok);
    ck_assert_int_eq(fr->v, 64);
    go_chan_free(fr->c);
    go_chan_free(fr->results);
    GO_END(fr);
}

START_TEST(try_ops_with_partner)
{
    ck_assert_int_eq(RUN(try_partner_main), 0);
}
END_TEST

/* ---- nil channels block for ever -------------------------------------------- */

FRAME(nil_op, int dir; _Atomic int *passed;);
static int nil_op__resume(go_frame *f_)
{
    SELF(nil_op);
    GO_BEGIN(fr);
    if (fr->dir == GO_DIR_SEND) {
        GO_AWAIT(fr, go_send__begin(NULL, NULL));
    } else {
        GO_AWAIT(fr, go_recv__begin(NULL, NULL));
    }
    atomic_store(fr->passed, 1);
    GO_END(fr);
}

static _Atomic int nil_passed;

FRAME(nil_main, int ret; int i;);
static int nil_main__resume(go_frame *f_)
{
    SELF(nil_main);
    GO_BEGIN(fr);
    SPAWN(nil_op, .dir = GO_DIR_SEND, .passed = &nil_passed);
    SPAWN(nil_op, .dir = GO_DIR_RECV, .passed = &nil_passed);
    for (fr->i = 0; fr->i < 200; fr->i++) {
        GO_AWAIT(fr, go_yield__begin());
    }
    GO_END(fr);
}

static void *nil_recv_thread(void *arg)
{
    int v;
    go_chan_recv_blocking(NULL, &v);
    atomic_store((_Atomic int *)arg, 1);
    return NULL;
}

START_TEST(nil_channel_blocks)
{
    ck_assert_int_eq(RUN(nil_main), 0);
    ck_assert_int_eq(atomic_load(&nil_passed), 0);

    static _Atomic int thread_passed;
    pthread_t t;
    pthread_create(&t, NULL, nil_recv_thread, &thread_passed);
    pthread_detach(t);
    sleep_ms(50);
    ck_assert_int_eq(atomic_load(&thread_passed), 0);
}
END_TEST

/* ---- plain threads and goroutines over one channel ------------------------- */

struct thread_args { go_chan *to_g, *from_g; int n; };

/* The thread sends i, the goroutine answers 2i + 1. */
static void *echo_client_thread(void *arg)
{
    struct thread_args *a = arg;
    for (int i = 0; i < a->n; i++) {
        go_chan_send_blocking(a->to_g, &i);
        int v = -1;
        EXPECT(go_chan_recv_blocking(a->from_g, &v));
        EXPECT_EQ(v, 2 * i + 1);
    }
    go_chan_close(a->to_g);
    return NULL;
}

/* Plain threads are started from the main goroutine, which waits (runnable,
 * yielding) until the thread has used a channel: from then on the runtime
 * knows a plain thread takes part and does not report a deadlock while the
 * goroutines wait for it. */
FRAME(echo_server_main, int ret; struct thread_args *a; pthread_t *t; int v;);
static int echo_server_main__resume(go_frame *f_)
{
    SELF(echo_server_main);
    GO_BEGIN(fr);
    pthread_create(fr->t, NULL, echo_client_thread, fr->a);
    while (waiting(fr->a->to_g, GO_DIR_SEND) == 0 && go_chan_len(fr->a->to_g) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->a->to_g, &fr->v));
        if (!GO_RESULT(bool))
            break;
        fr->v = 2 * fr->v + 1;
        GO_AWAIT(fr, go_send__begin(fr->a->from_g, &fr->v));
        fr->ret++;
    }
    GO_END(fr);
}

START_TEST(plain_thread_and_goroutine)
{
    size_t caps[] = { 0, 1, 3 };
    for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
        struct thread_args a = {
            go_chan_make(sizeof(int), caps[k]), go_chan_make(sizeof(int), caps[k]), SCALE(20000, 2000)
        };
        pthread_t t;
        ck_assert_int_eq(RUN(echo_server_main, .a = &a, .t = &t), a.n);
        pthread_join(t, NULL);
        go_chan_free(a.to_g);
        go_chan_free(a.from_g);
    }
}
END_TEST

/* A plain thread blocked in a send, woken by a goroutine's receive, and a
 * plain thread blocked in a receive, woken by a goroutine's close. */
static void *blocked_sender_thread(void *arg)
{
    int v = 1234;
    go_chan_send_blocking(arg, &v);
    return NULL;
}

static void *blocked_receiver_thread(void *arg)
{
    int v = 99;
    bool ok = go_chan_recv_blocking(arg, &v);
    return (void *)(intptr_t)(ok ? -1 : v);
}

FRAME(thread_wake_main, int ret; go_chan *c; pthread_t *ts, *tr; int v;);
static int thread_wake_main__resume(go_frame *f_)
{
    SELF(thread_wake_main);
    GO_BEGIN(fr);
    pthread_create(fr->ts, NULL, blocked_sender_thread, fr->c);
    while (waiting(fr->c, GO_DIR_SEND) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
    fr->ret = fr->v;
    pthread_create(fr->tr, NULL, blocked_receiver_thread, fr->c);
    while (waiting(fr->c, GO_DIR_RECV) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_close(fr->c);
    GO_END(fr);
}

START_TEST(plain_thread_woken)
{
    go_chan *c = go_chan_make(sizeof(int), 0);
    pthread_t ts, tr;
    ck_assert_int_eq(RUN(thread_wake_main, .c = c, .ts = &ts, .tr = &tr), 1234);
    void *r;
    pthread_join(ts, NULL);
    pthread_join(tr, &r);
    ck_assert_int_eq((intptr_t)r, 0);
    go_chan_free(c);
}
END_TEST

/* ---- misuse -------------------------------------------------------------------- */

static void close_nil(void)
{
    MARK_LINE(); go_chan_close(NULL);
}

static void close_closed(void)
{
    go_chan *c = go_chan_make(1, 0);
    go_chan_close(c);
    MARK_LINE(); go_chan_close(c);
}

static void try_send_closed(void)
{
    go_chan *c = go_chan_make(sizeof(int), 4);
    go_chan_close(c);
    int v = 1;
    MARK_LINE(); go_try_send(c, &v);
}

/* stdout into the captured pipe (so fully buffered), a line, then a panic. */
static void print_then_panic(void)
{
    dup2(2, 1);
    printf("printed before the panic\n");
    go_chan *c = go_chan_make(1, 0);
    go_chan_close(c);
    go_chan_close(c);
}

static void make_overflow(void) { go_chan_make(SIZE_MAX / 2, 3); }
static void make_huge_elem(void) { go_chan_make(1 << 16, 1); }
static void make_huge_cap(void) { go_chan_make(1, (size_t)1 << 40); }

START_TEST(misuse_close_and_size)
{
    death d;
    death_run(close_nil, &d);
    assert_panic(&d, "close of nil channel", __FILE__);
    death_run(close_closed, &d);
    assert_panic(&d, "close of closed channel", __FILE__);
    death_run(try_send_closed, &d);
    assert_panic(&d, "send on closed channel", __FILE__);
    death_run(print_then_panic, &d);
    const char *printed = strstr(d.err, "printed before the panic\n");
    ck_assert_msg(printed && printed < strstr(d.err, "panic: close of closed channel"),
                  "stdout not flushed before the panic:\n%s", d.err);
    death_run(make_overflow, &d);
    assert_panic(&d, "makechan: size out of range", NULL);
    death_run(make_huge_elem, &d);
    assert_panic(&d, "makechan: size out of range", NULL);
    death_run(make_huge_cap, &d);
    assert_panic(&d, "makechan: size out of range", NULL);
}
END_TEST

/* A goroutine sending on a closed channel panics naming its line. */
FRAME(send_closed_main, int ret; go_chan *c; int v;);
static int send_closed_main__resume(go_frame *f_)
{
    SELF(send_closed_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), 1);
    go_chan_close(fr->c);
    GO_AWAIT(fr, (MARK_LINE(), go_send__begin(fr->c, &fr->v)));
    GO_END(fr);
}

static void send_closed_goroutine(void) { RUN(send_closed_main); }

/* Senders blocked when the channel is closed panic when they resume. */
FRAME(blocked_sender, go_chan *c; int v;);
static int blocked_sender__resume(go_frame *f_)
{
    SELF(blocked_sender);
    GO_BEGIN(fr);
    GO_AWAIT(fr, (MARK_LINE(), go_send__begin(fr->c, &fr->v)));
    GO_END(fr);
}

FRAME(close_with_sender_main, int ret; size_t cap; go_chan *c; int i;);
static int close_with_sender_main__resume(go_frame *f_)
{
    SELF(close_with_sender_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), fr->cap);
    for (fr->i = 0; fr->i < (int)fr->cap; fr->i++)
        ck_assert(go_try_send(fr->c, &fr->i));
    SPAWN(blocked_sender, .c = fr->c);
    while (waiting(fr->c, GO_DIR_SEND) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_close(fr->c);
    /* The sender's panic ends the program before this loop does. */
    for (fr->i = 0; fr->i < 1000000; fr->i++) {
        GO_AWAIT(fr, go_yield__begin());
    }
    GO_END(fr);
}

static void close_with_blocked_sender_unbuffered(void) { RUN(close_with_sender_main, .cap = 0); }
static void close_with_blocked_sender_buffered(void) { RUN(close_with_sender_main, .cap = 2); }

static void close_with_blocked_thread_sender(void)
{
    go_chan *c = go_chan_make(sizeof(int), 0);
    pthread_t t;
    pthread_create(&t, NULL, blocked_sender_thread, c);
    while (waiting(c, GO_DIR_SEND) == 0)
        sleep_ms(1);
    go_chan_close(c);
    pthread_join(t, NULL);
}

START_TEST(misuse_send_on_closed)
{
    death d;
    death_run(send_closed_goroutine, &d);
    assert_panic(&d, "send on closed channel", __FILE__);
    death_run(close_with_blocked_sender_unbuffered, &d);
    assert_panic(&d, "send on closed channel", __FILE__);
    death_run(close_with_blocked_sender_buffered, &d);
    assert_panic(&d, "send on closed channel", __FILE__);
    death_run(close_with_blocked_thread_sender, &d);
    assert_panic(&d, "send on closed channel", NULL);
}
END_TEST

/* The plain blocking functions, called on a goroutine's M, stop the program. */
FRAME(plain_call_main, int ret; int which;);
static int plain_call_main__resume(go_frame *f_)
{
    SELF(plain_call_main);
    GO_BEGIN(fr);
    go_chan *c = go_chan_make(sizeof(int), 1);
    int v = 0;
    switch (fr->which) {
    case 0: go_send(c, &v); break;
    case 1: go_recv(c, &v); break;
    case 2: go_chan_send_blocking(c, &v); break;
    default: go_chan_recv_blocking(c, &v); break;
    }
    GO_END(fr);
}

static void plain_send_in_goroutine(void) { RUN(plain_call_main, .which = 0); }
static void plain_recv_in_goroutine(void) { RUN(plain_call_main, .which = 1); }
static void send_blocking_in_goroutine(void) { RUN(plain_call_main, .which = 2); }
static void recv_blocking_in_goroutine(void) { RUN(plain_call_main, .which = 3); }

START_TEST(misuse_plain_call_in_goroutine)
{
    struct { void (*fn)(void); const char *name; } calls[] = {
        { plain_send_in_goroutine, "go_send" },
        { plain_recv_in_goroutine, "go_recv" },
        { send_blocking_in_goroutine, "go_chan_send_blocking" },
        { recv_blocking_in_goroutine, "go_chan_recv_blocking" },
    };
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++) {
        death d;
        death_run(calls[k].fn, &d);
        ck_assert_msg(strstr(d.err, calls[k].name), "want %s in:\n%s", calls[k].name, d.err);
        ck_assert_int_ne(death_exit_code(&d), 0);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("chan");
    TCase *tc = tcase_create("chan");
    tcase_add_test(tc, len_and_cap);
    tcase_add_test(tc, fifo_one_producer);
    tcase_add_test(tc, fifo_per_producer);
    tcase_add_test(tc, capacity_and_rendezvous);
    tcase_add_test(tc, zero_size_elements);
    tcase_add_test(tc, close_wakes_receivers);
    tcase_add_test(tc, drain_after_close_plain_thread);
    tcase_add_test(tc, drain_after_close_goroutine);
    tcase_add_test(tc, try_ops_plain);
    tcase_add_test(tc, try_ops_with_partner);
    tcase_add_test(tc, nil_channel_blocks);
    tcase_add_test(tc, plain_thread_and_goroutine);
    tcase_add_test(tc, plain_thread_woken);
    tcase_add_test(tc, misuse_close_and_size);
    tcase_add_test(tc, misuse_send_on_closed);
    tcase_add_test(tc, misuse_plain_call_in_goroutine);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
