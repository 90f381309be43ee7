/* test_select.c — select: nil cases, default, closed channels, uniform choice
 * among ready cases, send and receive cases mixed, the same channel twice,
 * wake-ups by close, selects on plain threads, and misuse reports.  After a
 * select returns, none of its waiters may be left on a channel.
 */
#include "test_chan_util.h"

#define CASE_SEND(c, p) ((go_case)GO_CASE_SEND(c, p))
#define CASE_RECV(c, p) ((go_case)GO_CASE_RECV(c, p))

/* Sends from, from+1, ..., to-1 on c, then a token on done (if any). */
FRAME(sender, go_chan *c; go_chan *done; int from, to, i;);
static int sender__resume(go_frame *f_)
{
    SELF(sender);
    GO_BEGIN(fr);
    for (fr->i = fr->from; fr->i < fr->to; fr->i++) {
        GO_AWAIT(fr, go_send__begin(fr->c, &fr->i));
    }
    if (fr->done) {
        GO_AWAIT(fr, go_send__begin(fr->done, NULL));
    }
    GO_END(fr);
}

/* ---- nil cases, default, no cases ------------------------------------------ */

START_TEST(nil_cases_never_chosen)
{
    go_chan *c = go_chan_make(sizeof(int), 1);
    int v = 0, out = -1;
    for (int i = 0; i < 1000; i++) {
        EXPECT(go_try_send(c, &i));
        go_case cases[] = { CASE_RECV(NULL, &out), CASE_SEND(NULL, &v), CASE_RECV(c, &out),
                            CASE_RECV(NULL, NULL) };
        EXPECT_EQ(go_select_default(cases, 4), 2);
        EXPECT(cases[2].ok);
        EXPECT_EQ(out, i);
    }
    go_case nils[] = { CASE_RECV(NULL, &out), CASE_SEND(NULL, &v) };
    ck_assert_int_eq(go_select_default(nils, 2), -1);
    ck_assert_int_eq(go_select_default(NULL, 0), -1);
    /* Not ready, not nil: default too. */
    go_case empty[] = { CASE_RECV(c, &out), CASE_RECV(NULL, &out) };
    ck_assert_int_eq(go_select_default(empty, 2), -1);
    go_chan_free(c);
}
END_TEST

/* Goroutines blocked in a select with no case that can ever run. */
FRAME(select_forever, int kind; _Atomic int *passed; go_case cases[2];);
static int select_forever__resume(go_frame *f_)
{
    SELF(select_forever);
    GO_BEGIN(fr);
    if (fr->kind == 0) {
        GO_AWAIT(fr, go_select__begin(NULL, 0));
    } else {
        fr->cases[0] = CASE_RECV(NULL, NULL);
        fr->cases[1] = CASE_SEND(NULL, NULL);
        GO_AWAIT(fr, go_select__begin(fr->cases, 2));
    }
    atomic_store(fr->passed, 1);
    GO_END(fr);
}

static _Atomic int forever_passed;

/* A blocking select with nil cases is woken only through its real case. */
FRAME(nil_blocking_main, int ret; go_chan *c; int i, v; go_case cases[3];);
static int nil_blocking_main__resume(go_frame *f_)
{
    SELF(nil_blocking_main);
    GO_BEGIN(fr);
    SPAWN(select_forever, .kind = 0, .passed = &forever_passed);
    SPAWN(select_forever, .kind = 1, .passed = &forever_passed);
    fr->c = go_chan_make(sizeof(int), 0);
    SPAWN(sender, .c = fr->c, .from = 0, .to = 100);
    for (fr->i = 0; fr->i < 100; fr->i++) {
        fr->cases[0] = CASE_RECV(NULL, &fr->v);
        fr->cases[1] = CASE_RECV(fr->c, &fr->v);
        fr->cases[2] = CASE_SEND(NULL, &fr->v);
        GO_AWAIT(fr, go_select__begin(fr->cases, 3));
        EXPECT_EQ(GO_RESULT(int), 1);
        EXPECT(fr->cases[1].ok);
        EXPECT_EQ(fr->v, fr->i);
    }
    for (fr->i = 0; fr->i < 100; fr->i++) {
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_free(fr->c);
    GO_END(fr);
}

START_TEST(nil_cases_blocking)
{
    ck_assert_int_eq(RUN(nil_blocking_main), 0);
    ck_assert_int_eq(atomic_load(&forever_passed), 0);
}
END_TEST

/* ---- closed channels ---------------------------------------------------------- */

START_TEST(closed_channels)
{
    go_chan *open = go_chan_make(sizeof(int), 0);
    go_chan *closed = go_chan_make(sizeof(int), 0);
    go_chan_close(closed);
    int a = 5, b = 6;
    for (int i = 0; i < 100; i++) {
        go_case cases[] = { CASE_RECV(open, &a), CASE_RECV(closed, &b) };
        b = 6;
        EXPECT_EQ(go_select_default(cases, 2), 1);
        EXPECT(!cases[1].ok);
        EXPECT_EQ(b, 0);
        EXPECT_EQ(a, 5);
        b = 6;
        EXPECT_EQ(go_select(cases, 2), 1);   /* ready: the plain thread does not block */
        EXPECT(!cases[1].ok);
        EXPECT_EQ(b, 0);
    }

    /* Buffered and closed: values first, then ok = false. */
    go_chan *c = go_chan_make(sizeof(int), 2);
    for (int i = 1; i <= 2; i++)
        ck_assert(go_try_send(c, &i));
    go_chan_close(c);
    for (int i = 1; i <= 3; i++) {
        go_case cases[] = { CASE_RECV(c, &a) };
        a = 9;
        ck_assert_int_eq(go_select_default(cases, 1), 0);
        ck_assert(cases[0].ok == (i <= 2));
        ck_assert_int_eq(a, i <= 2 ? i : 0);
    }
    go_chan_free(open);
    go_chan_free(closed);
    go_chan_free(c);
}
END_TEST

/* A select blocked on two channels, woken by the close of one. */
FRAME(woken_by_close_main, int ret; go_chan *a, *b; int va, vb; go_case cases[2];);
FRAME(close_when_waiting, go_chan *a, *b;);
static int close_when_waiting__resume(go_frame *f_)
{
    SELF(close_when_waiting);
    GO_BEGIN(fr);
    while (waiting(fr->a, GO_DIR_RECV) == 0 || waiting(fr->b, GO_DIR_RECV) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_close(fr->b);
    GO_END(fr);
}

static int woken_by_close_main__resume(go_frame *f_)
{
    SELF(woken_by_close_main);
    GO_BEGIN(fr);
    fr->a = go_chan_make(sizeof(int), 0);
    fr->b = go_chan_make(sizeof(int), 3);
    SPAWN(close_when_waiting, .a = fr->a, .b = fr->b);
    fr->va = fr->vb = 77;
    fr->cases[0] = CASE_RECV(fr->a, &fr->va);
    fr->cases[1] = CASE_RECV(fr->b, &fr->vb);
    GO_AWAIT(fr, go_select__begin(fr->cases, 2));
    ck_assert_int_eq(GO_RESULT(int), 1);
    ck_assert(!fr->cases[1].ok);
    ck_assert_int_eq(fr->vb, 0);
    ck_assert_int_eq(fr->va, 77);
    ck_assert_int_eq(waiting(fr->a, GO_DIR_RECV), 0);
    ck_assert_int_eq(waiting(fr->b, GO_DIR_RECV), 0);
    go_chan_free(fr->a);
    go_chan_free(fr->b);
    GO_END(fr);
}

START_TEST(woken_by_close)
{
    ck_assert_int_eq(RUN(woken_by_close_main), 0);
}
END_TEST

/* ---- uniform choice among ready cases ------------------------------------------ */

/* Chi-square statistic of counts against the uniform distribution; with
 * df <= 3, a value above 35 has probability below 1e-6. */
static double chi_square(const long *counts, int n, long total)
{
    double expect = (double)total / n, chi = 0;
    for (int i = 0; i < n; i++)
        chi += (counts[i] - expect) * (counts[i] - expect) / expect;
    return chi;
}

static void assert_uniform(const long *counts, int n, long total)
{
    double chi = chi_square(counts, n, total);
    ck_assert_msg(chi < 35, "not uniform: n=%d chi2=%.1f counts %ld %ld %ld %ld", n, chi,
                  counts[0], counts[1], n > 2 ? counts[2] : 0, n > 3 ? counts[3] : 0);
}

enum { FAIR_ROUNDS = 100000 };

/* Every case ready each time: receive from n full channels (capacity 1) or
 * send to n empty ones, refilling or draining the chosen one. */
START_TEST(fairness_plain)
{
    for (int n = 2; n <= 4; n++) {
        for (int dir = GO_DIR_SEND; dir <= GO_DIR_RECV; dir++) {
            go_chan *c[4];
            go_case cases[4];
            long counts[4] = { 0 };
            int v = 0;
            for (int i = 0; i < n; i++) {
                c[i] = go_chan_make(sizeof(int), 1);
                if (dir == GO_DIR_RECV)
                    ck_assert(go_try_send(c[i], &i));
                cases[i] = dir == GO_DIR_RECV ? CASE_RECV(c[i], &v) : CASE_SEND(c[i], &v);
            }
            for (int r = 0; r < FAIR_ROUNDS; r++) {
                int k = go_select_default(cases, n);
                EXPECT(k >= 0 && k < n);
                counts[k]++;
                if (dir == GO_DIR_RECV) {
                    EXPECT_EQ(v, k);
                    EXPECT(go_try_send(c[k], &k));
                } else {
                    EXPECT(go_try_recv(c[k], NULL, NULL));
                }
            }
            assert_uniform(counts, n, FAIR_ROUNDS);
            for (int i = 0; i < n; i++)
                go_chan_free(c[i]);
        }
    }
}
END_TEST

/* The same from a goroutine, through go_select__begin. */
FRAME(fairness_main, int ret; int n, r, v; go_chan *c[4]; go_case cases[4]; long counts[4];);
static int fairness_main__resume(go_frame *f_)
{
    SELF(fairness_main);
    GO_BEGIN(fr);
    for (int i = 0; i < fr->n; i++) {
        fr->c[i] = go_chan_make(sizeof(int), 1);
        ck_assert(go_try_send(fr->c[i], &i));
        fr->cases[i] = CASE_RECV(fr->c[i], &fr->v);
    }
    for (fr->r = 0; fr->r < FAIR_ROUNDS; fr->r++) {
        GO_AWAIT(fr, go_select__begin(fr->cases, fr->n));
        int k = GO_RESULT(int);
        EXPECT(k >= 0 && k < fr->n);
        EXPECT_EQ(fr->v, k);
        fr->counts[k]++;
        EXPECT(go_try_send(fr->c[k], &k));
    }
    assert_uniform(fr->counts, fr->n, FAIR_ROUNDS);
    for (int i = 0; i < fr->n; i++)
        go_chan_free(fr->c[i]);
    GO_END(fr);
}

START_TEST(fairness_goroutine)
{
    for (int n = 2; n <= 4; n++)
        ck_assert_int_eq(RUN(fairness_main, .n = n), 0);
}
END_TEST

/* ---- send and receive cases mixed ----------------------------------------------- */

/* Round k: the partner receives on a (k even) or sends k on b (k odd). */
FRAME(mixed_partner, go_chan *a, *b; int n, k, v;);
static int mixed_partner__resume(go_frame *f_)
{
    SELF(mixed_partner);
    GO_BEGIN(fr);
    for (fr->k = 0; fr->k < fr->n; fr->k++) {
        if (fr->k % 2 == 0) {
            GO_AWAIT(fr, go_recv__begin(fr->a, &fr->v));
            EXPECT_EQ(fr->v, fr->k);
        } else {
            GO_AWAIT(fr, go_send__begin(fr->b, &fr->k));
        }
    }
    GO_END(fr);
}

FRAME(mixed_main, int ret; size_t cap; int n, k, x, y; go_chan *a, *b; go_case cases[2];);
static int mixed_main__resume(go_frame *f_)
{
    SELF(mixed_main);
    GO_BEGIN(fr);
    fr->a = go_chan_make(sizeof(int), 0);
    fr->b = go_chan_make(sizeof(int), 0);
    SPAWN(mixed_partner, .a = fr->a, .b = fr->b, .n = fr->n);
    for (fr->k = 0; fr->k < fr->n; fr->k++) {
        fr->x = fr->k;
        fr->y = -1;
        fr->cases[0] = CASE_SEND(fr->a, &fr->x);
        fr->cases[1] = CASE_RECV(fr->b, &fr->y);
        GO_AWAIT(fr, go_select__begin(fr->cases, 2));
        EXPECT_EQ(GO_RESULT(int), fr->k % 2);
        if (fr->k % 2) {
            EXPECT(fr->cases[1].ok);
            EXPECT_EQ(fr->y, fr->k);
        }
    }
    ck_assert_int_eq(waiting(fr->a, GO_DIR_SEND) + waiting(fr->b, GO_DIR_RECV), 0);
    go_chan_free(fr->a);
    go_chan_free(fr->b);
    GO_END(fr);
}

START_TEST(mixed_send_and_receive)
{
    ck_assert_int_eq(RUN(mixed_main, .n = SCALE(20000, 2000)), 0);
}
END_TEST

/* ---- the same channel in several cases -------------------------------------------- */

/* Two receive cases on one channel: each chosen about half the time. */
FRAME(twice_recv_main, int ret; int n, k, v; go_chan *c; go_case cases[2]; long counts[2];);
static int twice_recv_main__resume(go_frame *f_)
{
    SELF(twice_recv_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), 0);
    SPAWN(sender, .c = fr->c, .from = 0, .to = fr->n);
    for (fr->k = 0; fr->k < fr->n; fr->k++) {
        fr->cases[0] = CASE_RECV(fr->c, &fr->v);
        fr->cases[1] = CASE_RECV(fr->c, &fr->v);
        GO_AWAIT(fr, go_select__begin(fr->cases, 2));
        fr->counts[GO_RESULT(int)]++;
        EXPECT_EQ(fr->v, fr->k);
        EXPECT_EQ(select_waiting(fr->c), 0);
    }
    ck_assert_msg(fr->counts[0] > fr->n / 10 && fr->counts[1] > fr->n / 10, "%ld / %ld",
                  fr->counts[0], fr->counts[1]);
    go_chan_free(fr->c);
    GO_END(fr);
}

/* Send and receive cases on one unbuffered channel: the select's own cases
 * never pair up; a partner completes one of them. */
FRAME(twice_both_main, int ret; int n, k, x, y; go_chan *c; go_case cases[2];);
FRAME(twice_partner, go_chan *c; int n, k, v;);
static int twice_partner__resume(go_frame *f_)
{
    SELF(twice_partner);
    GO_BEGIN(fr);
    for (fr->k = 0; fr->k < fr->n; fr->k++) {
        if (fr->k % 2 == 0) {
            GO_AWAIT(fr, go_recv__begin(fr->c, &fr->v));
            EXPECT_EQ(fr->v, fr->k);
        } else {
            GO_AWAIT(fr, go_send__begin(fr->c, &fr->k));
        }
    }
    GO_END(fr);
}

static int twice_both_main__resume(go_frame *f_)
{
    SELF(twice_both_main);
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), 0);
    SPAWN(twice_partner, .c = fr->c, .n = fr->n);
    for (fr->k = 0; fr->k < fr->n; fr->k++) {
        fr->x = fr->k;
        fr->cases[0] = CASE_SEND(fr->c, &fr->x);
        fr->cases[1] = CASE_RECV(fr->c, &fr->y);
        GO_AWAIT(fr, go_select__begin(fr->cases, 2));
        EXPECT_EQ(GO_RESULT(int), fr->k % 2);
        if (fr->k % 2)
            EXPECT_EQ(fr->y, fr->k);
        EXPECT_EQ(select_waiting(fr->c), 0);
    }

    /* Buffered, capacity 1: empty → only the send is ready; full → only the
     * receive. */
    go_chan_free(fr->c);
    fr->c = go_chan_make(sizeof(int), 1);
    for (fr->k = 0; fr->k < 100; fr->k++) {
        fr->x = fr->k;
        fr->cases[0] = CASE_SEND(fr->c, &fr->x);
        fr->cases[1] = CASE_RECV(fr->c, &fr->y);
        GO_AWAIT(fr, go_select__begin(fr->cases, 2));
        EXPECT_EQ(GO_RESULT(int), fr->k % 2);
        if (fr->k % 2)
            EXPECT_EQ(fr->y, fr->k - 1);
    }
    go_chan_free(fr->c);
    GO_END(fr);
}

START_TEST(same_channel_twice)
{
    ck_assert_int_eq(RUN(twice_recv_main, .n = SCALE(4000, 1000)), 0);
    ck_assert_int_eq(RUN(twice_both_main, .n = SCALE(4000, 1000)), 0);
}
END_TEST

/* ---- selects on plain threads ------------------------------------------------------- */

struct thread_select_args { go_chan *a, *b; int n; long got_a, got_b; };

/* Receives n values from a and b by blocking selects, checking each
 * channel's values arrive in order. */
static void *select_thread(void *arg)
{
    struct thread_select_args *t = arg;
    int next_a = 0, next_b = 1000000, v;
    for (int i = 0; i < t->n; i++) {
        go_case cases[] = { CASE_RECV(t->a, &v), CASE_RECV(t->b, &v), CASE_RECV(NULL, &v) };
        int k = go_select(cases, 3);
        EXPECT(cases[k].ok);
        if (k == 0) {
            EXPECT_EQ(v, next_a++);
            t->got_a++;
        } else {
            EXPECT_EQ(k, 1);
            EXPECT_EQ(v, next_b++);
            t->got_b++;
        }
    }
    /* A send case, completed by a goroutine's receive. */
    int x = 4242;
    go_case send[] = { CASE_SEND(t->a, &x), CASE_RECV(NULL, NULL) };
    EXPECT_EQ(go_select(send, 2), 0);
    /* Woken by close. */
    v = 9;
    go_case recv[] = { CASE_RECV(t->b, &v) };
    EXPECT_EQ(go_select(recv, 1), 0);
    EXPECT(!recv[0].ok);
    EXPECT_EQ(v, 0);
    return NULL;
}

FRAME(thread_select_main, int ret; struct thread_select_args *t; pthread_t *thread;
      go_chan *done; int v;);
static int thread_select_main__resume(go_frame *f_)
{
    SELF(thread_select_main);
    GO_BEGIN(fr);
    fr->done = go_chan_make(0, 2);
    /* Start the thread, and wait until it blocks in its select (so the
     * runtime knows a plain thread takes part). */
    pthread_create(fr->thread, NULL, select_thread, fr->t);
    while (waiting(fr->t->a, GO_DIR_RECV) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    SPAWN(sender, .c = fr->t->a, .from = 0, .to = fr->t->n / 2, .done = fr->done);
    SPAWN(sender, .c = fr->t->b, .from = 1000000, .to = 1000000 + fr->t->n - fr->t->n / 2,
          .done = fr->done);
    GO_AWAIT(fr, go_recv__begin(fr->done, NULL));
    GO_AWAIT(fr, go_recv__begin(fr->done, NULL));
    GO_AWAIT(fr, go_recv__begin(fr->t->a, &fr->v));
    ck_assert_int_eq(fr->v, 4242);
    while (waiting(fr->t->b, GO_DIR_RECV) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_close(fr->t->b);
    go_chan_free(fr->done);
    GO_END(fr);
}

START_TEST(plain_thread_select)
{
    struct thread_select_args t = { go_chan_make(sizeof(int), 0), go_chan_make(sizeof(int), 2),
                                    SCALE(20000, 2000), 0, 0 };
    pthread_t thread;
    ck_assert_int_eq(RUN(thread_select_main, .t = &t, .thread = &thread), 0);
    pthread_join(thread, NULL);
    ck_assert_int_eq(t.got_a, t.n / 2);
    ck_assert_int_eq(t.got_b, t.n - t.n / 2);
    ck_assert_int_eq(waiting(t.a, GO_DIR_RECV) + waiting(t.b, GO_DIR_RECV), 0);
    go_chan_free(t.a);
    go_chan_free(t.b);
}
END_TEST

/* ---- misuse --------------------------------------------------------------------------- */

FRAME(select_send_closed_main, int ret; go_chan *a, *b; int v; go_case cases[2];);
static int select_send_closed_main__resume(go_frame *f_)
{
    SELF(select_send_closed_main);
    GO_BEGIN(fr);
    fr->a = go_chan_make(sizeof(int), 0);
    fr->b = go_chan_make(sizeof(int), 0);
    go_chan_close(fr->b);
    fr->cases[0] = CASE_RECV(fr->a, &fr->v);
    fr->cases[1] = CASE_SEND(fr->b, &fr->v);
    GO_AWAIT(fr, (MARK_LINE(), go_select__begin(fr->cases, 2)));
    GO_END(fr);
}

static void select_send_closed(void) { RUN(select_send_closed_main); }

/* A select blocked with a send case, woken by the close of that channel. */
FRAME(blocked_select_sender, go_chan *a, *b; int v; go_case cases[2];);
static int blocked_select_sender__resume(go_frame *f_)
{
    SELF(blocked_select_sender);
    GO_BEGIN(fr);
    fr->cases[0] = CASE_RECV(fr->a, &fr->v);
    fr->cases[1] = CASE_SEND(fr->b, &fr->v);
    GO_AWAIT(fr, (MARK_LINE(), go_select__begin(fr->cases, 2)));
    GO_END(fr);
}

FRAME(close_blocked_select_main, int ret; go_chan *a, *b; int i;);
static int close_blocked_select_main__resume(go_frame *f_)
{
    SELF(close_blocked_select_main);
    GO_BEGIN(fr);
    fr->a = go_chan_make(sizeof(int), 0);
    fr->b = go_chan_make(sizeof(int), 0);
    SPAWN(blocked_select_sender, .a = fr->a, .b = fr->b);
    while (waiting(fr->b, GO_DIR_SEND) == 0) {
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_close(fr->b);
    /* The select's panic ends the program before this loop does. */
    for (fr->i = 0; fr->i < 1000000; fr->i++) {
        GO_AWAIT(fr, go_yield__begin());
    }
    GO_END(fr);
}

static void close_blocked_select(void) { RUN(close_blocked_select_main); }

static void select_default_send_closed(void)
{
    go_chan *c = go_chan_make(sizeof(int), 1);
    go_chan_close(c);
    int v = 0;
    go_case cases[] = { CASE_SEND(c, &v) };
    go_select_default(cases, 1);
}

static void select_too_many_cases(void)
{
    int n = 65537;
    go_case *cases = calloc((size_t)n, sizeof *cases);
    go_select_default(cases, n);
}

FRAME(plain_select_main, int ret;);
static int plain_select_main__resume(go_frame *f_)
{
    SELF(plain_select_main);
    GO_BEGIN(fr);
    go_select((go_case[]){ CASE_RECV(NULL, NULL) }, 1);
    GO_END(fr);
}

static void plain_select_in_goroutine(void) { RUN(plain_select_main); }

START_TEST(misuse)
{
    death d;
    death_run(select_send_closed, &d);
    assert_panic(&d, "send on closed channel", __FILE__);
    death_run(close_blocked_select, &d);
    assert_panic(&d, "send on closed channel", __FILE__);
    death_run(select_default_send_closed, &d);
    assert_panic(&d, "send on closed channel", NULL);
    death_run(select_too_many_cases, &d);
    assert_panic(&d, "select: 65537 cases", NULL);
    death_run(plain_select_in_goroutine, &d);
    ck_assert_msg(strstr(d.err, "go_select"), "%s", d.err);
    ck_assert_int_ne(death_exit_code(&d), 0);
}
END_TEST

/* The largest select Go allows works (all cases but one nil). */
START_TEST(max_cases)
{
    int n = 65536, v = 0;
    go_case *cases = calloc((size_t)n, sizeof *cases);
    go_chan *c = go_chan_make(sizeof(int), 1);
    for (int i = 0; i < n; i++)
        cases[i] = CASE_RECV(NULL, &v);
    cases[n - 1] = CASE_RECV(c, &v);
    cases[n / 2] = CASE_RECV(c, &v);
    ck_assert_int_eq(go_select_default(cases, n), -1);
    int x = 3;
    ck_assert(go_try_send(c, &x));
    int k = go_select_default(cases, n);
    ck_assert(k == n - 1 || k == n / 2);
    ck_assert_int_eq(v, 3);
    go_chan_free(c);
    free(cases);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("select");
    TCase *tc = tcase_create("select");
    tcase_add_test(tc, nil_cases_never_chosen);
    tcase_add_test(tc, nil_cases_blocking);
    tcase_add_test(tc, closed_channels);
    tcase_add_test(tc, woken_by_close);
    tcase_add_test(tc, fairness_plain);
    tcase_add_test(tc, fairness_goroutine);
    tcase_add_test(tc, mixed_send_and_receive);
    tcase_add_test(tc, same_channel_twice);
    tcase_add_test(tc, plain_thread_select);
    tcase_add_test(tc, misuse);
    tcase_add_test(tc, max_cases);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
