/* test_chan_stress.c — conservation under contention: many producers and
 * consumers (goroutines and plain threads) over buffered and unbuffered
 * channels, with plain operations, selects on both sides, polling, and
 * closes racing pending selects.  Producers send distinct values; every
 * receipt marks the value in a bitmap with an atomic exchange, so a value
 * received twice fails at once, and at the end every value must have been
 * received: none lost, none duplicated.
 */
#include "test_chan_util.h"

/* ---- the bitmap ---------------------------------------------------------------- */

static struct {
    int nvalues;
    _Atomic unsigned char *seen;
    _Atomic long received;
} S;

static void stress_reset(int nvalues)
{
    free((void *)S.seen);
    S.nvalues = nvalues;
    S.seen = calloc((size_t)nvalues, 1);
    atomic_store(&S.received, 0);
}

static void mark(int v)
{
    if (v < 0 || v >= S.nvalues)
        ck_abort_msg("received %d, not a value that was sent", v);
    if (atomic_exchange_explicit(&S.seen[v], 1, memory_order_relaxed))
        ck_abort_msg("value %d received twice", v);
    atomic_fetch_add_explicit(&S.received, 1, memory_order_relaxed);
}

static void assert_all_received(void)
{
    for (int v = 0; v < S.nvalues; v++)
        if (!atomic_load(&S.seen[v]))
            ck_abort_msg("value %d lost (%ld of %d received)", v, atomic_load(&S.received),
                         S.nvalues);
    ck_assert_int_eq(atomic_load(&S.received), S.nvalues);
}

/* ---- goroutines ---------------------------------------------------------------- */

/* Sends [from, to) on c, then a token on done. */
FRAME(producer, go_chan *c, *done; int from, to, v;);
static int producer__resume(go_frame *f_)
{
    SELF(producer);
    GO_BEGIN(fr);
    for (fr->v = fr->from; fr->v < fr->to; fr->v++) {
        GO_AWAIT(fr, go_send__begin(fr->c, &fr->v));
    }
    GO_AWAIT(fr, go_send__begin(fr->done, NULL));
    GO_END(fr);
}

/* Sends [from, to), each to whichever of a and b is ready first. */
FRAME(select_producer, go_chan *a, *b, *done; int from, to, v; go_case cases[2];);
static int select_producer__resume(go_frame *f_)
{
    SELF(select_producer);
    GO_BEGIN(fr);
    for (fr->v = fr->from; fr->v < fr->to; fr->v++) {
        fr->cases[0] = (go_case)GO_CASE_SEND(fr->a, &fr->v);
        fr->cases[1] = (go_case)GO_CASE_SEND(fr->b, &fr->v);
        GO_AWAIT(fr, go_select__begin(fr->cases, 2));
    }
    GO_AWAIT(fr, go_send__begin(fr->done, NULL));
    GO_END(fr);
}

/* Receives from c until it is closed, then a token on done. */
FRAME(consumer, go_chan *c, *done; int v;);
static int consumer__resume(go_frame *f_)
{
    SELF(consumer);
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
        if (!GO_RESULT(bool))
            break;
        mark(fr->v);
    }
    GO_AWAIT(fr, go_send__begin(fr->done, NULL));
    GO_END(fr);
}

/* Receives from a and b by select until both are closed (a closed channel
 * becomes a nil case, as in Go), then a token on done. */
FRAME(select_consumer, go_chan *a, *b, *done; int v; go_case cases[2];);
static int select_consumer__resume(go_frame *f_)
{
    SELF(select_consumer);
    GO_BEGIN(fr);
    fr->cases[0] = (go_case)GO_CASE_RECV(fr->a, &fr->v);
    fr->cases[1] = (go_case)GO_CASE_RECV(fr->b, &fr->v);
    while (fr->cases[0].chan || fr->cases[1].chan) {
        GO_AWAIT(fr, go_select__begin(fr->cases, 2));
        int k = GO_RESULT(int);
        if (fr->cases[k].ok)
            mark(fr->v);
        else
            fr->cases[k].chan = NULL;
    }
    GO_AWAIT(fr, go_send__begin(fr->done, NULL));
    GO_END(fr);
}

/* Polls a and b with the non-blocking receive, yielding when neither is
 * ready, until both are closed. */
FRAME(polling_consumer, go_chan *a, *b, *done; int v; bool open_a, open_b;);
static int polling_consumer__resume(go_frame *f_)
{
    SELF(polling_consumer);
    GO_BEGIN(fr);
    fr->open_a = fr->open_b = true;
    while (fr->open_a || fr->open_b) {
        bool ok, got = false;
        if (fr->open_a && go_try_recv(fr->a, &fr->v, &ok)) {
            got = true;
            if (ok)
                mark(fr->v);
            else
                fr->open_a = false;
        }
        if (fr->open_b && go_try_recv(fr->b, &fr->v, &ok)) {
            got = true;
            if (ok)
                mark(fr->v);
            else
                fr->open_b = false;
        }
        if (!got) {
            GO_AWAIT(fr, go_yield__begin());
        }
    }
    GO_AWAIT(fr, go_send__begin(fr->done, NULL));
    GO_END(fr);
}

/* Receives n tokens from done, then closes a and b (b may be NULL). */
FRAME(closer, go_chan *done, *a, *b; int n;);
static int closer__resume(go_frame *f_)
{
    SELF(closer);
    GO_BEGIN(fr);
    while (fr->n-- > 0) {
        GO_AWAIT(fr, go_recv__begin(fr->done, NULL));
    }
    go_chan_close(fr->a);
    if (fr->b)
        go_chan_close(fr->b);
    GO_END(fr);
}

/* ---- plain threads --------------------------------------------------------------- */

struct thread_job {
    go_chan *a, *b;       /* data channels (b may be NULL) */
    go_chan *ready;       /* a token when the thread has started using channels */
    go_chan *done;        /* a token when finished */
    int from, to;         /* producer: the values to send */
    pthread_t thread;
};

static void *thread_producer(void *arg)
{
    struct thread_job *j = arg;
    go_chan_send_blocking(j->ready, NULL);
    for (int v = j->from; v < j->to; v++) {
        if (!j->b) {
            go_chan_send_blocking(j->a, &v);
        } else {
            go_case cases[] = { GO_CASE_SEND(j->a, &v), GO_CASE_SEND(j->b, &v) };
            go_select(cases, 2);
        }
    }
    go_chan_send_blocking(j->done, NULL);
    return NULL;
}

static void *thread_consumer(void *arg)
{
    struct thread_job *j = arg;
    go_chan_send_blocking(j->ready, NULL);
    int v;
    if (!j->b) {
        while (go_chan_recv_blocking(j->a, &v))
            mark(v);
    } else {
        go_case cases[] = { GO_CASE_RECV(j->a, &v), GO_CASE_RECV(j->b, &v) };
        while (cases[0].chan || cases[1].chan) {
            int k = go_select(cases, 2);
            if (cases[k].ok)
                mark(v);
            else
                cases[k].chan = NULL;
        }
    }
    go_chan_send_blocking(j->done, NULL);
    return NULL;
}

/* ---- plain operations: producers and consumers over one channel ------------------- */

enum { NPRODUCERS = 8, NCONSUMERS = 8 };

/* Goroutines and a plain thread on each side; the main goroutine starts the
 * threads and waits, runnable, until both have used a channel (so the
 * runtime knows plain threads take part), then waits for the consumers. */
FRAME(plain_main, int ret; size_t cap; int per; go_chan *c, *produced, *consumed, *ready;
      struct thread_job *jobs; int i;);
static int plain_main__resume(go_frame *f_)
{
    SELF(plain_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), fr->cap);
    fr->produced = go_chan_make(0, 0);
    fr->consumed = go_chan_make(0, 0);
    fr->ready = go_chan_make(0, 2);
    fr->jobs[0] = (struct thread_job){ .a = fr->c, .ready = fr->ready, .done = fr->produced,
                                       .from = NPRODUCERS * fr->per,
                                       .to = (NPRODUCERS + 1) * fr->per };
    fr->jobs[1] = (struct thread_job){ .a = fr->c, .ready = fr->ready, .done = fr->consumed };
    pthread_create(&fr->jobs[0].thread, NULL, thread_producer, &fr->jobs[0]);
    pthread_create(&fr->jobs[1].thread, NULL, thread_consumer, &fr->jobs[1]);
    while (go_chan_len(fr->ready) < 2) {
        GO_AWAIT(fr, go_yield__begin());
    }
    for (int p = 0; p < NPRODUCERS; p++)
        SPAWN(producer, .c = fr->c, .done = fr->produced, .from = p * fr->per,
              .to = (p + 1) * fr->per);
    for (int k = 0; k < NCONSUMERS; k++)
        SPAWN(consumer, .c = fr->c, .done = fr->consumed);
    SPAWN(closer, .done = fr->produced, .a = fr->c, .n = NPRODUCERS + 1);
    for (fr->i = 0; fr->i < NCONSUMERS + 1; fr->i++) {
        GO_AWAIT(fr, go_recv__begin(fr->consumed, NULL));
    }
    GO_END(fr);
}

/* After the threads have finished: free the channels they used. */
static void join_and_free(struct thread_job *jobs)
{
    pthread_join(jobs[0].thread, NULL);
    pthread_join(jobs[1].thread, NULL);
    go_chan_free(jobs[0].a);
    go_chan_free(jobs[0].b);
    go_chan_free(jobs[0].ready);
    go_chan_free(jobs[0].done);
    go_chan_free(jobs[1].done);
}

static void run_plain(size_t cap, int per)
{
    stress_reset((NPRODUCERS + 1) * per);
    struct thread_job jobs[2];
    ck_assert_int_eq(RUN(plain_main, .cap = cap, .per = per, .jobs = jobs), 0);
    join_and_free(jobs);
    assert_all_received();
}

START_TEST(plain_unbuffered)
{
    run_plain(0, SCALE(50000, 10000));
}
END_TEST

START_TEST(plain_buffered)
{
    run_plain(4, SCALE(50000, 10000));
    run_plain(1, SCALE(20000, 4000));
}
END_TEST

/* ---- selects on both sides, polling, closes while selects wait -------------------- */

/* a is unbuffered (select waiters on both of its sides), b is buffered.
 * Producers select a send to a or b; consumers select a receive from a or
 * b, poll both, or are a plain thread selecting.  When every producer is
 * done the closer closes a and b while consumers wait in their selects. */
FRAME(select_main, int ret; int per; go_chan *a, *b, *produced, *consumed, *ready;
      struct thread_job *jobs; int i;);
static int select_main__resume(go_frame *f_)
{
    SELF(select_main);
    GO_BEGIN(fr);
    fr->a = go_chan_make(sizeof(int), 0);
    fr->b = go_chan_make(sizeof(int), 3);
    fr->produced = go_chan_make(0, 0);
    fr->consumed = go_chan_make(0, 0);
    fr->ready = go_chan_make(0, 2);
    fr->jobs[0] = (struct thread_job){ .a = fr->a, .b = fr->b, .ready = fr->ready,
                                       .done = fr->produced, .from = NPRODUCERS * fr->per,
                                       .to = (NPRODUCERS + 1) * fr->per };
    fr->jobs[1] = (struct thread_job){ .a = fr->a, .b = fr->b, .ready = fr->ready,
                                       .done = fr->consumed };
    pthread_create(&fr->jobs[0].thread, NULL, thread_producer, &fr->jobs[0]);
    pthread_create(&fr->jobs[1].thread, NULL, thread_consumer, &fr->jobs[1]);
    while (go_chan_len(fr->ready) < 2) {
        GO_AWAIT(fr, go_yield__begin());
    }
    for (int p = 0; p < NPRODUCERS; p++)
        SPAWN(select_producer, .a = fr->a, .b = fr->b, .done = fr->produced,
              .from = p * fr->per, .to = (p + 1) * fr->per);
    for (int k = 0; k < NCONSUMERS - 2; k++)
        SPAWN(select_consumer, .a = fr->a, .b = fr->b, .done = fr->consumed);
    SPAWN(polling_consumer, .a = fr->a, .b = fr->b, .done = fr->consumed);
    SPAWN(consumer, .c = fr->a, .done = fr->consumed);
    SPAWN(closer, .done = fr->produced, .a = fr->a, .b = fr->b, .n = NPRODUCERS + 1);
    for (fr->i = 0; fr->i < NCONSUMERS + 1; fr->i++) {
        GO_AWAIT(fr, go_recv__begin(fr->consumed, NULL));
    }
    ck_assert_int_eq(select_waiting(fr->a) + select_waiting(fr->b), 0);
    GO_END(fr);
}

START_TEST(selects_and_close)
{
    int per = SCALE(30000, 6000);
    stress_reset((NPRODUCERS + 1) * per);
    struct thread_job jobs[2];
    ck_assert_int_eq(RUN(select_main, .per = per, .jobs = jobs), 0);
    join_and_free(jobs);
    assert_all_received();
}
END_TEST

/* ---- close racing the wake-up of a select ------------------------------------------- */

/* Round after round, K selects wait on {receive c, receive quit}; one value
 * is sent on c and quit is closed at once: exactly one select gets the
 * value, every other one sees quit closed — including waiters the close
 * finds on quit that belong to the select that already won on c. */
enum { RACERS = 4 };

FRAME(racer, go_chan *c, *quit, *results; int v; go_case cases[2];);
static int racer__resume(go_frame *f_)
{
    SELF(racer);
    GO_BEGIN(fr);
    fr->v = -1;
    fr->cases[0] = (go_case)GO_CASE_RECV(fr->c, &fr->v);
    fr->cases[1] = (go_case)GO_CASE_RECV(fr->quit, NULL);
    GO_AWAIT(fr, go_select__begin(fr->cases, 2));
    if (GO_RESULT(int) == 0) {
        EXPECT(fr->cases[0].ok);
        mark(fr->v);
    } else {
        EXPECT(!fr->cases[1].ok);
        EXPECT_EQ(fr->v, -1);
    }
    GO_AWAIT(fr, go_send__begin(fr->results, NULL));
    GO_END(fr);
}

FRAME(race_main, int ret; int rounds, r, i; go_chan *c, *quit, *results;);
static int race_main__resume(go_frame *f_)
{
    SELF(race_main);
    GO_BEGIN(fr);
    fr->results = go_chan_make(0, RACERS);
    for (fr->r = 0; fr->r < fr->rounds; fr->r++) {
        fr->c = go_chan_make(sizeof(int), 0);
        fr->quit = go_chan_make(0, 0);
        for (int k = 0; k < RACERS; k++)
            SPAWN(racer, .c = fr->c, .quit = fr->quit, .results = fr->results);
        /* Every other round, let the selects park first. */
        while (fr->r % 2 && select_waiting(fr->c) < RACERS) {
            GO_AWAIT(fr, go_yield__begin());
        }
        GO_AWAIT(fr, go_send__begin(fr->c, &fr->r));
        go_chan_close(fr->quit);
        for (fr->i = 0; fr->i < RACERS; fr->i++) {
            GO_AWAIT(fr, go_recv__begin(fr->results, NULL));
        }
        EXPECT_EQ(select_waiting(fr->c) + select_waiting(fr->quit), 0);
        go_chan_free(fr->c);
        go_chan_free(fr->quit);
    }
    go_chan_free(fr->results);
    GO_END(fr);
}

START_TEST(close_races_select_wakeup)
{
    int rounds = SCALE(20000, 5000);
    stress_reset(rounds);
    ck_assert_int_eq(RUN(race_main, .rounds = rounds), 0);
    assert_all_received();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("chan_stress");
    TCase *tc = tcase_create("chan_stress");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, plain_unbuffered);
    tcase_add_test(tc, plain_buffered);
    tcase_add_test(tc, selects_and_close);
    tcase_add_test(tc, close_races_select_wakeup);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
