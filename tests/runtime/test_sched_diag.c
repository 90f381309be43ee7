/* test_sched_diag.c — what the scheduler says: go_dump's format, panics and
 * fatal errors (from a goroutine and from a plain thread), a suspending
 * function called from code gotransform did not lower, GOSCHED_PROCS. */
#define _GNU_SOURCE
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <gosched.h>

#include "frames.h"

#include "../../libsched/internal.h"
#include "death.h"

/* The line of this file holding `marker` (outside this function's calls). */
/* ---- go_dump ---------------------------------------------------------------- */

static char *dump_text;
static go_chan *dump_chan;   /* freed after go_run_main: its waiters are abandoned */

struct blocked {
    go_frame hdr;
    go_chan *c;
};
static int blocked__resume(go_frame *f)
{
    struct blocked *fr = (struct blocked *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_recv__begin(fr->c, NULL));   /* BLOCKED_LINE */
    GO_END(fr);
}
static const go_func_info blocked__info = GO_FUNC_INFO(blocked__resume, struct blocked);

/* A frame described the way gotransform describes them: lines[state]. */
static const int described_lines[] = { 200, 210, 220 };
struct described {
    go_frame hdr;
};
static int described__resume(go_frame *f)
{
    struct described *fr = (struct described *)f;
    fr->hdr.state = 2;
    go_yield__begin();
    return GO_SUSPEND;
}
static const go_func_info described__info = {
    .resume = described__resume, .name = "worker", .file = "/src/app.c",
    .lines = described_lines, .nstates = 3, .frame_size = sizeof(struct described),
};

struct dump_main {
    go_frame hdr;
    int ret;
    go_chan *c;
    int i;
};
static int dump_main__resume(go_frame *f)
{
    struct dump_main *fr = (struct dump_main *)f;
    GO_BEGIN(fr);
    fr->c = dump_chan = go_chan_make(1, 0);
    for (fr->i = 0; fr->i < 2; fr->i++) {
        struct blocked *b = go_frame_alloc(&blocked__info);
        b->c = fr->c;
        go_spawn(&b->hdr);
    }
    go_spawn(&((struct described *)go_frame_alloc(&described__info))->hdr);
    for (fr->i = 0; fr->i < 3; fr->i++)   /* let the others run and block */
        GO_AWAIT(fr, go_yield__begin());  /* DUMP_LOOP_LINE */
    {
        size_t len;
        FILE *out = open_memstream(&dump_text, &len);
        go_dump(out);
        fclose(out);
    }
    GO_END(fr);
}
static const go_func_info dump_main__info = GO_FUNC_INFO(dump_main__resume, struct dump_main);

START_TEST(dump_format)
{
    setenv("GOSCHED_PROCS", "1", 1);   /* the others are parked, not running elsewhere */
    struct dump_main *m = go_frame_alloc(&dump_main__info);
    go_run_main(&m->hdr, &m->ret);
    go_chan_free(dump_chan);
    char want[1024];
    snprintf(want, sizeof want, "goroutine 1 [running]:\n\tdump_main() at %s:%d\n\n",
             __FILE__, line_of("DUMP_LOOP_LINE"));
    ck_assert_msg(strncmp(dump_text, want, strlen(want)) == 0, "want\n%s\ngot\n%s", want,
                  dump_text);
    for (int id = 2; id <= 3; id++) {
        snprintf(want, sizeof want, "goroutine %d [chan receive]:\n\tblocked() at %s:%d\n", id,
                 __FILE__, line_of("BLOCKED_LINE"));
        ck_assert_msg(strstr(dump_text, want), "want\n%s\nin\n%s", want, dump_text);
    }
    ck_assert_msg(strstr(dump_text, "goroutine 4 [runnable]:\n\tworker() at /src/app.c:220\n"),
                  "%s", dump_text);
    free(dump_text);
}
END_TEST

/* ---- panics and fatal errors --------------------------------------------------- */

struct inner {
    go_frame hdr;
};
static int inner__resume(go_frame *f)
{
    (void)f;
    go__panic_at(__FILE__, __LINE__, "boom %d", 7);   /* PANIC_LINE */
}
static const go_func_info inner__info = GO_FUNC_INFO(inner__resume, struct inner);

struct outer {
    go_frame hdr;
    int ret;
    struct inner in;
};
static int outer__resume(go_frame *f)
{
    struct outer *fr = (struct outer *)f;
    GO_BEGIN(fr);
    fr->in.hdr = GO_FRAME_INIT(&inner__info);
    GO_AWAIT_CALL(fr, &fr->in.hdr);   /* OUTER_LINE */
    GO_END(fr);
}
static const go_func_info outer__info = GO_FUNC_INFO(outer__resume, struct outer);

static void panic_in_goroutine(void)
{
    struct outer *m = go_frame_alloc(&outer__info);
    go_run_main(&m->hdr, &m->ret);
}

START_TEST(panic_names_goroutine_and_lines)
{
    death d;
    death_run(panic_in_goroutine, &d);
    ck_assert_int_eq(death_signal(&d), SIGABRT);
    char want[1024];
    snprintf(want, sizeof want,
             "panic: boom 7\n\ngoroutine 1 [running]:\n\tinner() at %s:%d\n\touter() at %s:%d\n",
             __FILE__, line_of("PANIC_LINE"), __FILE__, line_of("OUTER_LINE"));
    ck_assert_msg(strcmp(d.err, want) == 0, "want\n%s\ngot\n%s", want, d.err);
}
END_TEST

static void panic_on_plain_thread(void)
{
    go__panic_at("/src/x.c", 12, "bad %s", "thing");
}

START_TEST(panic_on_a_plain_thread)
{
    death d;
    death_run(panic_on_plain_thread, &d);
    ck_assert_int_eq(death_signal(&d), SIGABRT);
    ck_assert_str_eq(d.err, "panic: bad thing\n\n[plain thread]\n\tat /src/x.c:12\n");
}
END_TEST

static void fatal_on_plain_thread(void)
{
    go__fatal("out of %s", "luck");
}

START_TEST(fatal_exits_2)
{
    death d;
    death_run(fatal_on_plain_thread, &d);
    ck_assert_int_eq(death_exit_code(&d), 2);
    ck_assert_str_eq(d.err, "fatal error: out of luck\n\n[plain thread]\n");
}
END_TEST

/* go_yield() called by name from a frame (as from a function gotransform did
 * not lower) */
struct unlowered {
    go_frame hdr;
    int ret;
};
static int unlowered__resume(go_frame *f)
{
    (void)f;
    go_yield();
    return GO_DONE;
}
static const go_func_info unlowered__info = GO_FUNC_INFO(unlowered__resume, struct unlowered);

static void call_unlowered(void)
{
    struct unlowered *m = go_frame_alloc(&unlowered__info);
    go_run_main(&m->hdr, &m->ret);
}

START_TEST(suspending_call_outside_go_func)
{
    death d;
    death_run(call_unlowered, &d);
    ck_assert_int_eq(death_signal(&d), SIGABRT);
    ck_assert_msg(strstr(d.err, "panic: go_yield called on goroutine 1 from a function that "
                                "gotransform did not lower (mark it GO_FUNC)\n\n"
                                "goroutine 1 [running]:\n\tunlowered() at "),
                  "%s", d.err);
}
END_TEST

/* ---- GOSCHED_PROCS --------------------------------------------------------------- */

struct procs_main {
    go_frame hdr;
    int ret;
};
static int procs_main__resume(go_frame *f)
{
    ((struct procs_main *)f)->ret = go_procs();
    return GO_DONE;
}
static const go_func_info procs_main__info = GO_FUNC_INFO(procs_main__resume, struct procs_main);

static void run_procs_main(void)
{
    struct procs_main *m = go_frame_alloc(&procs_main__info);
    go_run_main(&m->hdr, &m->ret);
}

START_TEST(procs_setting)
{
    setenv("GOSCHED_PROCS", "3", 1);
    ck_assert_int_eq(go_procs(), 3);
    struct procs_main *m = go_frame_alloc(&procs_main__info);
    ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 3);
    ck_assert_int_eq(go_stats().procs, 3);
    unsetenv("GOSCHED_PROCS");
    ck_assert_int_ge(go_procs(), 1);

    static const char *const bad[] = { "0", "-2", "abc", "4x", "1000000", " " };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        setenv("GOSCHED_PROCS", bad[i], 1);
        death d;
        death_run(run_procs_main, &d);
        ck_assert_int_eq(death_exit_code(&d), 2);
        char want[128];
        snprintf(want, sizeof want, "fatal error: GOSCHED_PROCS=\"%s\": want an integer from 1 to ",
                 bad[i]);
        ck_assert_msg(strncmp(d.err, want, strlen(want)) == 0, "for %s: %s", bad[i], d.err);
    }
}
END_TEST

static Suite *diag_suite(void)
{
    Suite *s = suite_create("sched_diag");
    TCase *tc = tcase_create("diag");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, dump_format);
    tcase_add_test(tc, panic_names_goroutine_and_lines);
    tcase_add_test(tc, panic_on_a_plain_thread);
    tcase_add_test(tc, fatal_exits_2);
    tcase_add_test(tc, suspending_call_outside_go_func);
    tcase_add_test(tc, procs_setting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(diag_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
