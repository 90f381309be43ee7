/* test_blocking.c — GO_BLOCKING hand-off with hand-lowered frames
 * (GO_BLOCKING_CALL, the lowering gotransform emits): blocking C calls in
 * many goroutines run side by side and do not stop other goroutines from
 * making progress; the call's value and errno survive the hand-off, also
 * when the goroutine comes back without its P and resumes on another; a
 * dump shows a goroutine inside a blocking call as "syscall". */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gosched.h>

#include "frames.h"

/* ---- 20 goroutines in GO_BLOCKING(usleep(200 ms)) ------------------------- */

enum { BLOCKERS = 20 };
static const int64_t BLOCK_NS = 200 * MS;

struct handoff_state {
    go_wg blocked;                 /* the blockers */
    _Atomic int done, bad;
    _Atomic bool stop;             /* ends the ticker goroutine */
    _Atomic int64_t ticks;         /* progress of the other goroutine */
    int64_t t0, elapsed;
    int64_t ticks_during;          /* its progress while every blocker slept */
    bool all_blocked_then;
};

struct blocker {
    go_frame hdr;
    struct handoff_state *st;
    int r;
    int64_t id;
};

static int blocker__resume(go_frame *f)
{
    struct blocker *fr = (struct blocker *)f;
    GO_BEGIN(fr);
    fr->id = go_id();
    GO_BLOCKING_CALL(fr, fr->r = usleep(BLOCK_NS / 1000));
    if (fr->r != 0 || go_id() != fr->id)
        atomic_fetch_add(&fr->st->bad, 1);
    atomic_fetch_add(&fr->st->done, 1);
    go_wg_done(&fr->st->blocked);
    GO_END(fr);
}
static const go_func_info blocker__info = GO_FUNC_INFO(blocker__resume, struct blocker);

/* Other work: counts 1 ms sleeps until told to stop. */
struct ticker_g {
    go_frame hdr;
    struct handoff_state *st;
};

static int ticker_g__resume(go_frame *f)
{
    struct ticker_g *fr = (struct ticker_g *)f;
    GO_BEGIN(fr);
    while (!atomic_load(&fr->st->stop)) {
        GO_AWAIT(fr, go_sleep__begin(1 * MS));
        atomic_fetch_add(&fr->st->ticks, 1);
    }
    GO_END(fr);
}
static const go_func_info ticker_g__info = GO_FUNC_INFO(ticker_g__resume, struct ticker_g);

struct handoff_main {
    go_frame hdr;
    int ret;
    struct handoff_state *s;
};

static int handoff_main__resume(go_frame *f)
{
    struct handoff_main *fr = (struct handoff_main *)f;
    struct handoff_state *st = fr->s;
    GO_BEGIN(fr);
    {
        struct ticker_g *t = go_frame_alloc(&ticker_g__info);
        t->st = st;
        go_spawn(&t->hdr);
    }
    st->t0 = go_now();
    go_wg_add(&st->blocked, BLOCKERS);
    for (int i = 0; i < BLOCKERS; i++) {
        struct blocker *b = zalloc_frame(&blocker__info);
        b->st = st;
        go_spawn(&b->hdr);
    }
    /* sample the other goroutine's progress while the blockers sleep */
    GO_AWAIT(fr, go_sleep__begin(50 * MS));
    st->ticks_during = atomic_load(&st->ticks);
    GO_AWAIT(fr, go_sleep__begin(100 * MS));
    st->ticks_during = atomic_load(&st->ticks) - st->ticks_during;
    st->all_blocked_then = atomic_load(&st->done) == 0;
    GO_AWAIT(fr, go_wg_wait__begin(&st->blocked));
    st->elapsed = go_now() - st->t0;
    atomic_store(&st->stop, true);
    GO_END(fr);
}
static const go_func_info handoff_main__info = GO_FUNC_INFO(handoff_main__resume, struct handoff_main);

START_TEST(blocking_calls_hand_off_their_p)
{
    struct handoff_state st = { 0 };
    run_main_with(&handoff_main__info, &st);
    ck_assert_int_eq(atomic_load(&st.done), BLOCKERS);
    ck_assert_int_eq(atomic_load(&st.bad), 0);
    /* side by side: about one call's time, not BLOCKERS / procs of them */
    ck_assert_int_ge(st.elapsed, BLOCK_NS);
    ck_assert_msg(st.elapsed < 5 * BLOCK_NS, "%d blocking calls took %lld ms", BLOCKERS,
                  (long long)(st.elapsed / MS));
    /* meanwhile the other goroutine went on sleeping 1 ms at a time */
    if (st.all_blocked_then)
        ck_assert_msg(st.ticks_during >= 10, "%lld ticks in 100 ms of blocking calls",
                      (long long)st.ticks_during);
}
END_TEST

/* ---- value and errno through the slow path --------------------------------- */

struct errno_state {
    _Atomic bool stop;
    int r1, e1, r2, e2;
    int64_t id1, id2;
};

/* Keeps every P busy (with the preemption check), so that a blocking call
 * loses its P and its goroutine comes back through the global queue. */
struct hog {
    go_frame hdr;
    _Atomic bool *stop;
};
static int hog__resume(go_frame *f)
{
    struct hog *fr = (struct hog *)f;
    GO_BEGIN(fr);
    while (!atomic_load_explicit(fr->stop, memory_order_relaxed))
        GO_PREEMPT_CHECK(fr);
    GO_END(fr);
}
static const go_func_info hog__info = GO_FUNC_INFO(hog__resume, struct hog);

struct errno_main {
    go_frame hdr;
    int ret;
    struct errno_state *s;
    int r;
};

static int errno_main__resume(go_frame *f)
{
    struct errno_main *fr = (struct errno_main *)f;
    struct errno_state *st = fr->s;
    GO_BEGIN(fr);
    /* fast path: the P is still there */
    GO_BLOCKING_CALL(fr, fr->r = (int)read(-1, NULL, 0));
    st->r1 = fr->r;
    st->e1 = errno;
    st->id1 = go_id();
    for (int i = 0; i < go_procs(); i++) {
        struct hog *h = go_frame_alloc(&hog__info);
        h->stop = &st->stop;
        go_spawn(&h->hdr);
    }
    /* slow path: the hogs take the P while we sleep */
    GO_BLOCKING_CALL(fr, {
        usleep(30000);
        fr->r = (int)write(-1, "x", 1);
    });
    st->r2 = fr->r;
    st->e2 = errno;
    st->id2 = go_id();
    atomic_store(&st->stop, true);
    GO_END(fr);
}
static const go_func_info errno_main__info = GO_FUNC_INFO(errno_main__resume, struct errno_main);

START_TEST(value_and_errno_survive_hand_off)
{
    struct errno_state st = { 0 };
    run_main_with(&errno_main__info, &st);
    ck_assert_int_eq(st.r1, -1);
    ck_assert_int_eq(st.e1, EBADF);
    ck_assert_int_eq(st.r2, -1);
    ck_assert_int_eq(st.e2, EBADF);
    ck_assert_int_eq(st.id1, 1);
    ck_assert_int_eq(st.id2, 1);
}
END_TEST

/* ---- a goroutine in a blocking call shows as "syscall" in a dump ---------- */

struct syscall_state {
    go_wg done;
    char *dump;                    /* go_dump's text while the sleeper slept */
    size_t len;
};

struct sleeper {
    go_frame hdr;
    struct syscall_state *st;
    int r;
};
static int sleeper__resume(go_frame *f)
{
    struct sleeper *fr = (struct sleeper *)f;
    GO_BEGIN(fr);
    GO_BLOCKING_CALL(fr, fr->r = usleep(300000));
    go_wg_done(&fr->st->done);
    GO_END(fr);
}
static const go_func_info sleeper__info = GO_FUNC_INFO(sleeper__resume, struct sleeper);

MAIN_FRAME(syscall_main, syscall_state);
static int syscall_main__resume(go_frame *f)
{
    struct syscall_main *fr = (struct syscall_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&fr->s->done, 1);
    struct sleeper *z = zalloc_frame(&sleeper__info);
    z->st = fr->s;
    go_spawn(&z->hdr);
    GO_AWAIT(fr, go_sleep__begin(50 * MS));   /* the sleeper is in usleep now */
    FILE *out = open_memstream(&fr->s->dump, &fr->s->len);
    go_dump(out);
    fclose(out);
    GO_AWAIT(fr, go_wg_wait__begin(&fr->s->done));
    GO_END(fr);
}
static const go_func_info syscall_main__info = GO_FUNC_INFO(syscall_main__resume, struct syscall_main);

START_TEST(blocking_call_dumps_as_syscall)
{
    struct syscall_state st = { .done = GO_WG_INIT };
    run_main_with(&syscall_main__info, &st);
    ck_assert_msg(strstr(st.dump, "goroutine 2 [syscall]:\n\tgoroutine in a GO_BLOCKING call"),
                  "dump:\n%s", st.dump);
    free(st.dump);
}
END_TEST

/* ---- a plain thread, and outside the runtime: just the call -------------- */

struct plain_frame {
    go_frame hdr;
    int r;
};

static int plain_frame__resume(go_frame *f)
{
    struct plain_frame *fr = (struct plain_frame *)f;
    GO_BEGIN(fr);
    GO_BLOCKING_CALL(fr, fr->r = 17);
    GO_END(fr);
}

START_TEST(blocking_outside_the_runtime_is_the_call)
{
    /* The lowering called by hand where no goroutine runs: enter and exit
     * have nothing to hand off. */
    struct plain_frame fr = { .hdr = { 0 } };
    ck_assert_int_eq(plain_frame__resume(&fr.hdr), GO_DONE);
    ck_assert_int_eq(fr.r, 17);
    ck_assert_int_eq(GO_BLOCKING(3 + 4), 7);
}
END_TEST

static Suite *blocking_suite(void)
{
    Suite *s = suite_create("blocking");
    TCase *tc = tcase_create("blocking");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, blocking_calls_hand_off_their_p);
    tcase_add_test(tc, value_and_errno_survive_hand_off);
    tcase_add_test(tc, blocking_outside_the_runtime_is_the_call);
    tcase_add_test(tc, blocking_call_dumps_as_syscall);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(blocking_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
