/* test_preempt.c — cooperative preemption with hand-written frames: CPU-bound
 * goroutines that only run the preemption check (GO_PREEMPT_CHECK, what
 * gotransform inserts at loop back-edges) on every P do not stop a ticker
 * goroutine from ticking on time; go_run_main returns while such goroutines
 * still spin; the check is cleared by the yield it causes. */
#define _GNU_SOURCE
#include <check.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <gosched.h>

#include "frames.h"

#include "../../libsched/internal.h"

/* ---- a goroutine spinning on the CPU, with the check on its back-edge ------ */

struct spinner {
    go_frame hdr;
    _Atomic bool *stop;
    _Atomic uint64_t *total;
    go_wg *done;
    uint64_t n;
};

static int spinner__resume(go_frame *f)
{
    struct spinner *fr = (struct spinner *)f;
    GO_BEGIN(fr);
    while (!atomic_load_explicit(fr->stop, memory_order_relaxed)) {
        fr->n++;
        GO_PREEMPT_CHECK(fr);
    }
    atomic_fetch_add(fr->total, fr->n);
    if (fr->done)
        go_wg_done(fr->done);
    GO_END(fr);
}
static const go_func_info spinner__info = GO_FUNC_INFO(spinner__resume, struct spinner);

static void spawn_spinners(int n, _Atomic bool *stop, _Atomic uint64_t *total, go_wg *done)
{
    for (int i = 0; i < n; i++) {
        struct spinner *s = zalloc_frame(&spinner__info);
        s->stop = stop;
        s->total = total;
        s->done = done;
        go_spawn(&s->hdr);
    }
}

/* ---- a ticker keeps ticking while every P has a spinner -------------------- */

enum { TICKS = 20 };
static const int64_t PERIOD = 5 * MS;

struct fair_state {
    int i;
    _Atomic bool stop;
    _Atomic uint64_t total;
    go_wg done;
    go_ticker *t;
    int64_t t0, received[TICKS];
};
struct fair_main {
    go_frame hdr;
    int ret;
    struct fair_state *s;
};

static int fair_main__resume(go_frame *f)
{
    struct fair_main *fr = (struct fair_main *)f;
    struct fair_state *st = fr->s;
    GO_BEGIN(fr);
    go_wg_add(&st->done, go_procs());
    spawn_spinners(go_procs(), &st->stop, &st->total, &st->done);
    st->t0 = go_now();
    st->t = go_ticker_make(PERIOD);
    for (st->i = 0; st->i < TICKS; st->i++) {
        GO_AWAIT(fr, go_recv__begin(go_ticker_chan(st->t), NULL));
        st->received[st->i] = go_now();
    }
    atomic_store(&st->stop, true);
    GO_AWAIT(fr, go_wg_wait__begin(&st->done));
    go_ticker_stop(st->t);
    GO_END(fr);
}
static const go_func_info fair_main__info = GO_FUNC_INFO(fair_main__resume, struct fair_main);

START_TEST(spinners_do_not_stop_a_ticker)
{
    struct fair_state st = { 0 }, *m = &st;
    run_main_with(&fair_main__info, m);
    ck_assert_uint_gt(atomic_load(&m->total), 0);
    /* Each spinner holds its P for a time slice (10 ms) before sysmon asks
     * it to yield: receipts may lag by a slice or two, never by seconds. */
    int64_t prev = m->t0, worst = 0;
    for (int i = 0; i < TICKS; i++) {
        ck_assert_int_ge(m->received[i], m->t0 + (i + 1) * PERIOD);
        if (m->received[i] - prev > worst)
            worst = m->received[i] - prev;
        prev = m->received[i];
    }
    ck_assert_msg(worst < 500 * MS, "a tick waited %lld ms", (long long)(worst / MS));
    ck_assert_int_lt(m->received[TICKS - 1] - m->t0, TICKS * PERIOD + 2000 * MS);
}
END_TEST

/* ---- go_run_main returns while goroutines still spin ------------------------ */

struct abandon_main {
    go_frame hdr;
    int ret;
};

static _Atomic bool abandon_stop;     /* never set: the spinners outlive the run */
static _Atomic uint64_t abandon_total;

static int abandon_main__resume(go_frame *f)
{
    struct abandon_main *fr = (struct abandon_main *)f;
    GO_BEGIN(fr);
    spawn_spinners(2 * go_procs(), &abandon_stop, &abandon_total, NULL);
    GO_AWAIT(fr, go_sleep__begin(30 * MS));   /* a spinner holds main's P meanwhile */
    fr->ret = 5;
    GO_END(fr);
}
static const go_func_info abandon_main__info = GO_FUNC_INFO(abandon_main__resume, struct abandon_main);

START_TEST(run_main_returns_while_goroutines_spin)
{
    struct abandon_main *m = zalloc_frame(&abandon_main__info);
    int64_t t0 = go_now();
    ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 5);
    ck_assert_int_lt(go_now() - t0, 5000 * MS);
}
END_TEST

/* ---- the request is per thread, and the yield clears it --------------------- */

struct flag_state {
    bool before, after;
    int64_t id_before, id_after;
};
struct flag_main {
    go_frame hdr;
    int ret;
    struct flag_state *s;
};

static int flag_main__resume(go_frame *f)
{
    struct flag_main *fr = (struct flag_main *)f;
    struct flag_state *st = fr->s;
    GO_BEGIN(fr);
    st->before = go_preempt_requested();
    st->id_before = go_id();
    __atomic_store_n(&go__preempt_flag, 1, __ATOMIC_RELAXED);   /* as sysmon does */
    GO_PREEMPT_CHECK(fr);
    st->after = go_preempt_requested();
    st->id_after = go_id();
    GO_END(fr);
}
static const go_func_info flag_main__info = GO_FUNC_INFO(flag_main__resume, struct flag_main);

START_TEST(check_yields_and_clears)
{
    struct flag_state st = { 0 }, *m = &st;
    run_main_with(&flag_main__info, m);
    ck_assert(!m->before);
    ck_assert(!m->after);
    ck_assert_int_eq(m->id_before, m->id_after);
    ck_assert(!go_preempt_requested());   /* a plain thread: never */
}
END_TEST

static Suite *preempt_suite(void)
{
    Suite *s = suite_create("preempt");
    TCase *tc = tcase_create("preempt");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, spinners_do_not_stop_a_ticker);
    tcase_add_test(tc, run_main_returns_while_goroutines_spin);
    tcase_add_test(tc, check_yields_and_clears);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(preempt_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
