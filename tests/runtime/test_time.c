/* test_time.c — timers with hand-written frames: go_sleep (minimum duration,
 * deadline order, many sleepers), go_after (value, cancel by freeing),
 * tickers (period, dropped ticks, stop), go_select_timeout (hit, not hit,
 * racing a channel: every value received exactly once), plain threads, and
 * the deadlock check around sleepers.
 *
 * Timing assertions are generous (noisy CI machines): at least the duration,
 * and not absurdly late. */
#define _GNU_SOURCE
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <gosched.h>

#include "frames.h"

#include "../../libsched/proc.h"
#include "death.h"

#define LATE_MAX (1000 * MS)   /* "absurdly late" */

/* ---- go_sleep: minimum duration, ns <= 0 ------------------------------------ */

struct sleep_state {
    int64_t ns, t0, elapsed, zero_elapsed;
};
MAIN_FRAME(sleep_once, sleep_state);

static int sleep_once__resume(go_frame *f)
{
    struct sleep_once *fr = (struct sleep_once *)f;
    struct sleep_state *st = fr->s;
    GO_BEGIN(fr);
    st->t0 = go_now();
    GO_AWAIT(fr, go_sleep__begin(0));
    GO_AWAIT(fr, go_sleep__begin(-5));
    st->zero_elapsed = go_now() - st->t0;
    st->t0 = go_now();
    GO_AWAIT(fr, go_sleep__begin(st->ns));
    st->elapsed = go_now() - st->t0;
    GO_END(fr);
}
static const go_func_info sleep_once__info = GO_FUNC_INFO(sleep_once__resume, struct sleep_once);

START_TEST(sleep_minimum_duration)
{
    struct sleep_state st = { .ns = 30 * MS }, *s = &st;
    run_main_with(&sleep_once__info, s);
    ck_assert_int_ge(s->elapsed, 30 * MS);
    ck_assert_int_lt(s->elapsed, 30 * MS + LATE_MAX);
    ck_assert_int_lt(s->zero_elapsed, 100 * MS);
}
END_TEST

/* ---- many sleepers: all wake, after their deadline, in deadline order ----- */

struct order {
    _Atomic int seq;
    int n;
    int *woke;             /* woke[k] = index of the k-th sleeper to wake */
    int64_t *deadline;     /* each sleeper's exact deadline (its timer's) */
    int64_t *late;         /* wake time - deadline */
    go_wg wg;
};

struct sleeper {
    go_frame hdr;
    struct order *o;
    int idx;
    int64_t ns;
};

static int sleeper__resume(go_frame *f)
{
    struct sleeper *fr = (struct sleeper *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_sleep__begin(fr->ns));
    {
        int64_t now = go_now();
        struct order *o = fr->o;
        o->deadline[fr->idx] = go__curg()->ext->timer.when;
        o->late[fr->idx] = now - o->deadline[fr->idx];
        o->woke[atomic_fetch_add(&o->seq, 1)] = fr->idx;
        go_wg_done(&o->wg);
    }
    GO_END(fr);
}
static const go_func_info sleeper__info = GO_FUNC_INFO(sleeper__resume, struct sleeper);

MAIN_FRAME(sleepers_main, order);

static int sleepers_main__resume(go_frame *f)
{
    struct sleepers_main *fr = (struct sleepers_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&fr->s->wg, fr->s->n);
    for (int i = 0; i < fr->s->n; i++) {
        struct sleeper *s = go_frame_alloc(&sleeper__info);
        s->o = fr->s;
        s->idx = i;
        s->ns = (int64_t)(1 + rand() % 100) * MS + rand() % 1000 * GO_MICROSECOND;
        go_spawn(&s->hdr);
    }
    GO_AWAIT(fr, go_wg_wait__begin(&fr->s->wg));
    GO_END(fr);
}
static const go_func_info sleepers_main__info =
    GO_FUNC_INFO(sleepers_main__resume, struct sleepers_main);

/* Runs n sleepers; every one wakes once, after its deadline, not absurdly
 * late.  With one P they run in deadline order — asserted only when n cannot
 * overflow the P's run queue (a burst of more than half of it moves to the
 * global queue, as in Go, and is no longer run in order). */
static void sleepers(int n, bool check_order)
{
    struct order o = { .n = n };
    o.woke = calloc(o.n, sizeof *o.woke);
    o.deadline = calloc(o.n, sizeof *o.deadline);
    o.late = calloc(o.n, sizeof *o.late);
    srand(7);
    run_main_with(&sleepers_main__info, &o);
    ck_assert_int_eq(atomic_load(&o.seq), o.n);
    bool *seen = calloc(o.n, sizeof *seen);
    for (int k = 0; k < o.n; k++) {
        ck_assert(!seen[o.woke[k]]);
        seen[o.woke[k]] = true;
    }
    for (int i = 0; i < o.n; i++) {
        ck_assert_int_ge(o.late[i], 0);
        ck_assert_int_lt(o.late[i], LATE_MAX);
    }
    /* One P: one heap, fired in deadline order, readied at the run queue's
     * tail, run in that order. */
    if (check_order && go_procs() == 1)
        for (int k = 1; k < o.n; k++)
            ck_assert_msg(o.deadline[o.woke[k - 1]] <= o.deadline[o.woke[k]],
                          "wake %d (deadline %lld) before wake %d (deadline %lld)", k - 1,
                          (long long)o.deadline[o.woke[k - 1]], k,
                          (long long)o.deadline[o.woke[k]]);
    free(seen);
    free(o.woke);
    free(o.deadline);
    free(o.late);
}

START_TEST(sleepers_wake_in_deadline_order)
{
    sleepers(SCALE(2000, 500), false);
    sleepers(120, true);
}
END_TEST

/* ---- go_after ------------------------------------------------------------------ */

struct after_state {
    int64_t t0, got, elapsed;
    bool ok;
    go_chan *c;
};
MAIN_FRAME(after_main, after_state);

static int after_main__resume(go_frame *f)
{
    struct after_main *fr = (struct after_main *)f;
    struct after_state *st = fr->s;
    GO_BEGIN(fr);
    /* freed before it fires: cancelled (ASan would see a late send) */
    go_chan_free(go_after(5 * MS));
    st->t0 = go_now();
    st->c = go_after(20 * MS);
    GO_AWAIT(fr, go_recv__begin(st->c, &st->got));
    st->ok = GO_RESULT(bool);
    st->elapsed = go_now() - st->t0;
    go_chan_free(st->c);
    /* outlive the cancelled timer's deadline */
    GO_AWAIT(fr, go_sleep__begin(10 * MS));
    /* ns <= 0: delivered at once */
    st->c = go_after(0);
    GO_AWAIT(fr, go_recv__begin(st->c, NULL));
    go_chan_free(st->c);
    GO_END(fr);
}
static const go_func_info after_main__info = GO_FUNC_INFO(after_main__resume, struct after_main);

START_TEST(after_delivers_time_once)
{
    struct after_state st = { 0 }, *m = &st;
    run_main_with(&after_main__info, m);
    ck_assert(m->ok);
    ck_assert_int_ge(m->elapsed, 20 * MS);
    ck_assert_int_lt(m->elapsed, 20 * MS + LATE_MAX);
    ck_assert_int_ge(m->got, m->t0 + 20 * MS);
    ck_assert_int_le(m->got, m->t0 + m->elapsed);
}
END_TEST

/* ---- tickers ------------------------------------------------------------------- */

enum { TICKS = 10 };

struct ticker_state {
    int i;
    int64_t t0, ticks[TICKS], buffered;
    go_ticker *t;
};
MAIN_FRAME(ticker_main, ticker_state);

static int ticker_main__resume(go_frame *f)
{
    struct ticker_main *fr = (struct ticker_main *)f;
    struct ticker_state *st = fr->s;
    GO_BEGIN(fr);
    st->t0 = go_now();
    st->t = go_ticker_make(5 * MS);
    for (st->i = 0; st->i < TICKS; st->i++)
        GO_AWAIT(fr, go_recv__begin(go_ticker_chan(st->t), &st->ticks[st->i]));
    /* a slow receiver: ticks are dropped, one stays buffered */
    GO_AWAIT(fr, go_sleep__begin(40 * MS));
    st->buffered = go_chan_len(go_ticker_chan(st->t));
    ck_assert(go_try_recv(go_ticker_chan(st->t), NULL, NULL));
    go_ticker_stop(st->t);
    GO_END(fr);
}
static const go_func_info ticker_main__info = GO_FUNC_INFO(ticker_main__resume, struct ticker_main);

START_TEST(ticker_period_drop_and_stop)
{
    struct ticker_state st = { 0 }, *m = &st;
    run_main_with(&ticker_main__info, m);
    for (int i = 0; i < TICKS; i++) {
        /* tick i fired at or after t0 + (i+1) periods; strictly increasing */
        ck_assert_int_ge(m->ticks[i], m->t0 + (i + 1) * 5 * MS);
        if (i)
            ck_assert_int_gt(m->ticks[i], m->ticks[i - 1]);
    }
    ck_assert_int_lt(m->ticks[TICKS - 1], m->t0 + TICKS * 5 * MS + LATE_MAX);
    ck_assert_int_eq(m->buffered, 1);   /* capacity 1: the others were dropped */
}
END_TEST

struct ticker_recv {
    go_frame hdr;
    go_ticker *t;
};
static int ticker_recv__resume(go_frame *f)
{
    struct ticker_recv *fr = (struct ticker_recv *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_recv__begin(go_ticker_chan(fr->t), NULL));
    GO_END(fr);
}
static const go_func_info ticker_recv__info = GO_FUNC_INFO(ticker_recv__resume, struct ticker_recv);

struct misuse_state {
    go_ticker *t;
};
MAIN_FRAME(ticker_misuse, misuse_state);
static int ticker_misuse__resume(go_frame *f)
{
    struct ticker_misuse *fr = (struct ticker_misuse *)f;
    struct misuse_state *st = fr->s;
    GO_BEGIN(fr);
    st->t = go_ticker_make(1000 * MS);
    {
        struct ticker_recv *r = go_frame_alloc(&ticker_recv__info);
        r->t = st->t;
        go_spawn(&r->hdr);
    }
    GO_AWAIT(fr, go_sleep__begin(20 * MS));
    go_ticker_stop(st->t);   /* the receiver still waits on its channel */
    GO_END(fr);
}
static const go_func_info ticker_misuse__info = GO_FUNC_INFO(ticker_misuse__resume, struct ticker_misuse);

static void ticker_stop_with_receiver(void)
{
    struct misuse_state st = { 0 };
    run_main_with(&ticker_misuse__info, &st);
}

START_TEST(ticker_stop_while_received_from_panics)
{
    death d;
    death_run(ticker_stop_with_receiver, &d);
    ck_assert_msg(strstr(d.err, "panic: go_ticker_stop: a goroutine is still receiving"), "%s",
                  d.err);
    ck_assert_int_ne(d.status, 0);
}
END_TEST

/* ---- go_select_timeout ---------------------------------------------------------- */

struct late_sender {
    go_frame hdr;
    go_chan *c;
    int64_t delay;
    int v;
};
static int late_sender__resume(go_frame *f)
{
    struct late_sender *fr = (struct late_sender *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_sleep__begin(fr->delay));
    GO_AWAIT(fr, go_send__begin(fr->c, &fr->v));
    GO_END(fr);
}
static const go_func_info late_sender__info = GO_FUNC_INFO(late_sender__resume, struct late_sender);

static void spawn_late_sender(go_chan *c, int64_t delay, int v)
{
    struct late_sender *s = go_frame_alloc(&late_sender__info);
    s->c = c;
    s->delay = delay;
    s->v = v;
    go_spawn(&s->hdr);
}

struct select_state {
    go_chan *c, *never;
    go_case cases[2];
    int v, hit, miss, zero, none;
    int64_t t0, hit_elapsed, miss_elapsed;
};
MAIN_FRAME(select_main, select_state);

static int select_main__resume(go_frame *f)
{
    struct select_main *fr = (struct select_main *)f;
    struct select_state *st = fr->s;
    GO_BEGIN(fr);
    st->c = go_chan_make(sizeof(int), 0);
    st->never = go_chan_make(sizeof(int), 0);

    /* timeout hit: nothing is ever sent */
    st->cases[0] = (go_case)GO_CASE_RECV(st->never, &st->v);
    st->t0 = go_now();
    GO_AWAIT(fr, go_select_timeout__begin(st->cases, 1, 20 * MS));
    st->hit = GO_RESULT(int);
    st->hit_elapsed = go_now() - st->t0;

    /* timeout not hit: a value comes after 10 ms, the timeout is 10 s */
    spawn_late_sender(st->c, 10 * MS, 42);
    st->cases[0] = (go_case)GO_CASE_RECV(st->never, NULL);
    st->cases[1] = (go_case)GO_CASE_RECV(st->c, &st->v);
    st->t0 = go_now();
    GO_AWAIT(fr, go_select_timeout__begin(st->cases, 2, 10000 * MS));
    st->miss = GO_RESULT(int);
    st->miss_elapsed = go_now() - st->t0;

    /* ns <= 0 polls; n == 0 with a timeout is a sleep */
    GO_AWAIT(fr, go_select_timeout__begin(st->cases, 2, 0));
    st->zero = GO_RESULT(int);
    GO_AWAIT(fr, go_select_timeout__begin(NULL, 0, 5 * MS));
    st->none = GO_RESULT(int);
    go_chan_free(st->c);
    go_chan_free(st->never);
    GO_END(fr);
}
static const go_func_info select_main__info = GO_FUNC_INFO(select_main__resume, struct select_main);

START_TEST(select_timeout_hit_and_not_hit)
{
    struct select_state st = { 0 }, *m = &st;
    run_main_with(&select_main__info, m);
    ck_assert_int_eq(m->hit, -1);
    ck_assert_int_ge(m->hit_elapsed, 20 * MS);
    ck_assert_int_lt(m->hit_elapsed, 20 * MS + LATE_MAX);
    ck_assert_int_eq(m->miss, 1);
    ck_assert_int_eq(m->v, 42);
    ck_assert(m->cases[1].ok);
    ck_assert_int_lt(m->miss_elapsed, 5000 * MS);
    ck_assert_int_eq(m->zero, -1);
    ck_assert_int_eq(m->none, -1);
}
END_TEST

/* A timer racing a channel: the sender sleeps about as long as the select's
 * timeout.  When the timeout wins, the value is taken by a plain receive
 * afterwards: every value is received exactly once either way. */
struct race_state {
    int i, n, v, by_select, by_timeout;
    go_chan *c;
    go_case cases[1];
    uint8_t *got;
};
MAIN_FRAME(race_main, race_state);

static int race_main__resume(go_frame *f)
{
    struct race_main *fr = (struct race_main *)f;
    struct race_state *st = fr->s;
    GO_BEGIN(fr);
    st->c = go_chan_make(sizeof(int), 0);
    for (st->i = 0; st->i < st->n; st->i++) {
        spawn_late_sender(st->c, (st->i % 3) * 100 * GO_MICROSECOND, st->i);
        st->cases[0] = (go_case)GO_CASE_RECV(st->c, &st->v);
        st->v = -1;
        GO_AWAIT(fr, go_select_timeout__begin(st->cases, 1, 100 * GO_MICROSECOND));
        if (GO_RESULT(int) == 0) {
            st->by_select++;
        } else {
            ck_assert_int_eq(st->v, -1);   /* the losing case left no value */
            st->by_timeout++;
            GO_AWAIT(fr, go_recv__begin(st->c, &st->v));
        }
        ck_assert_int_eq(st->v, st->i);
        st->got[st->v]++;
    }
    go_chan_free(st->c);
    GO_END(fr);
}
static const go_func_info race_main__info = GO_FUNC_INFO(race_main__resume, struct race_main);

START_TEST(select_timeout_races_channel)
{
    struct race_state st = { .n = SCALE(1000, 200) }, *m = &st;
    m->got = calloc(m->n, 1);
    run_main_with(&race_main__info, m);
    for (int i = 0; i < m->n; i++)
        ck_assert_int_eq(m->got[i], 1);
    ck_assert_int_eq(m->by_select + m->by_timeout, m->n);
    free(m->got);
}
END_TEST

/* ---- plain threads ------------------------------------------------------------- */

START_TEST(plain_thread_sleep_and_select_timeout)
{
    int64_t t0 = go_now();
    go_sleep(20 * MS);
    ck_assert_int_ge(go_now() - t0, 20 * MS);
    go_chan *c = go_chan_make(sizeof(int), 1);
    int v = 0;
    go_case cases[] = { GO_CASE_RECV(c, &v) };
    t0 = go_now();
    ck_assert_int_eq(go_select_timeout(cases, 1, 20 * MS), -1);
    ck_assert_int_ge(go_now() - t0, 20 * MS);
    ck_assert(go_try_send(c, &(int){ 5 }));
    ck_assert_int_eq(go_select_timeout(cases, 1, 20 * MS), 0);
    ck_assert_int_eq(v, 5);
    go_chan_free(c);
}
END_TEST

/* A plain thread receives from a ticker made by a goroutine, and sleeps. */
struct thread_ticks {
    go_ticker *t;
    int got;
};

static void *thread_ticks_main(void *arg)
{
    struct thread_ticks *tt = arg;
    for (int i = 0; i < 3; i++) {
        int64_t when;
        if (go_chan_recv_blocking(go_ticker_chan(tt->t), &when))
            __atomic_fetch_add(&tt->got, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

struct plain_state {
    pthread_t th;
    struct thread_ticks tt;
};
MAIN_FRAME(plain_main, plain_state);

static int plain_main__resume(go_frame *f)
{
    struct plain_main *fr = (struct plain_main *)f;
    struct plain_state *st = fr->s;
    GO_BEGIN(fr);
    st->tt.t = go_ticker_make(2 * MS);
    pthread_create(&st->th, NULL, thread_ticks_main, &st->tt);
    while (__atomic_load_n(&st->tt.got, __ATOMIC_RELAXED) < 3)
        GO_AWAIT(fr, go_sleep__begin(1 * MS));
    pthread_join(st->th, NULL);
    go_ticker_stop(st->tt.t);
    GO_END(fr);
}
static const go_func_info plain_main__info = GO_FUNC_INFO(plain_main__resume, struct plain_main);

START_TEST(plain_thread_receives_ticks)
{
    struct plain_state st = { 0 }, *m = &st;
    run_main_with(&plain_main__info, m);
    ck_assert_int_eq(m->tt.got, 3);
}
END_TEST

/* ---- goroutines abandoned asleep, then another run -------------------------------- */

struct long_sleeper {
    go_frame hdr;
};
static int long_sleeper__resume(go_frame *f)
{
    struct long_sleeper *fr = (struct long_sleeper *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_sleep__begin(3600 * GO_SECOND));
    GO_END(fr);
}
static const go_func_info long_sleeper__info = GO_FUNC_INFO(long_sleeper__resume, struct long_sleeper);

struct abandon_state {
    int64_t elapsed;
};
MAIN_FRAME(abandon_main, abandon_state);

static int abandon_main__resume(go_frame *f)
{
    struct abandon_main *fr = (struct abandon_main *)f;
    struct abandon_state *st = fr->s;
    GO_BEGIN(fr);
    for (int i = 0; i < 100; i++)
        go_spawn(go_frame_alloc(&long_sleeper__info));
    st->elapsed = go_now();
    GO_AWAIT(fr, go_sleep__begin(5 * MS));   /* after the spawns: they are asleep */
    st->elapsed = go_now() - st->elapsed;
    GO_END(fr);
}
static const go_func_info abandon_main__info = GO_FUNC_INFO(abandon_main__resume, struct abandon_main);

START_TEST(sleepers_abandoned_across_runs)
{
    for (int run = 0; run < 3; run++) {
        struct abandon_state st = { 0 };
        int64_t t0 = go_now();
        run_main_with(&abandon_main__info, &st);
        ck_assert_int_ge(st.elapsed, 5 * MS);
        ck_assert_int_lt(go_now() - t0, LATE_MAX);   /* not an hour */
    }
}
END_TEST

/* ---- deadlock detection --------------------------------------------------------- */

struct blocked_forever {
    go_frame hdr;
    go_chan *c;
};
static int blocked_forever__resume(go_frame *f)
{
    struct blocked_forever *fr = (struct blocked_forever *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_recv__begin(fr->c, NULL));
    GO_END(fr);
}
static const go_func_info blocked_forever__info =
    GO_FUNC_INFO(blocked_forever__resume, struct blocked_forever);

struct dead_main {
    go_frame hdr;
    int ret;
    go_chan *c;
    bool block_after;
};
static int dead_main__resume(go_frame *f)
{
    struct dead_main *fr = (struct dead_main *)f;
    GO_BEGIN(fr);
    fr->c = go_chan_make(sizeof(int), 0);
    {
        struct blocked_forever *b = go_frame_alloc(&blocked_forever__info);
        b->c = fr->c;
        go_spawn(&b->hdr);
    }
    /* every other goroutine is blocked for ever: sleeping is not a deadlock */
    GO_AWAIT(fr, go_sleep__begin(50 * MS));
    if (fr->block_after)
        GO_AWAIT(fr, go_recv__begin(fr->c, NULL));   /* now it is */
    fr->ret = 3;
    GO_END(fr);
}
static const go_func_info dead_main__info = GO_FUNC_INFO(dead_main__resume, struct dead_main);

static void sleep_then_return(void)
{
    struct dead_main *m = zalloc_frame(&dead_main__info);
    exit(go_run_main(&m->hdr, &m->ret));
}

static void sleep_then_deadlock(void)
{
    struct dead_main *m = zalloc_frame(&dead_main__info);
    m->block_after = true;
    exit(go_run_main(&m->hdr, &m->ret));
}

START_TEST(sleeping_is_not_deadlock)
{
    death d;
    death_run(sleep_then_return, &d);
    ck_assert_msg(death_exit_code(&d) == 3, "status %d, stderr: %s", d.status, d.err);
    ck_assert_msg(!strstr(d.err, "deadlock"), "%s", d.err);

    death_run(sleep_then_deadlock, &d);
    ck_assert_int_eq(death_exit_code(&d), 2);
    ck_assert_msg(strstr(d.err, "all goroutines are asleep - deadlock!"), "%s", d.err);
}
END_TEST

static Suite *time_suite(void)
{
    Suite *s = suite_create("time");
    TCase *tc = tcase_create("time");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sleep_minimum_duration);
    tcase_add_test(tc, sleepers_wake_in_deadline_order);
    tcase_add_test(tc, after_delivers_time_once);
    tcase_add_test(tc, ticker_period_drop_and_stop);
    tcase_add_test(tc, ticker_stop_while_received_from_panics);
    tcase_add_test(tc, select_timeout_hit_and_not_hit);
    tcase_add_test(tc, select_timeout_races_channel);
    tcase_add_test(tc, plain_thread_sleep_and_select_timeout);
    tcase_add_test(tc, plain_thread_receives_ticks);
    tcase_add_test(tc, sleeping_is_not_deadlock);
    tcase_add_test(tc, sleepers_abandoned_across_runs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(time_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
