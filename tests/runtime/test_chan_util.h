/* test_chan_util.h — helpers shared by the channel and select tests:
 * declaring, spawning and running hand-written goroutines, white-box
 * counts of a channel's waiters, and checks on death reports.
 */
#ifndef TESTS_TEST_CHAN_UTIL_H
#define TESTS_TEST_CHAN_UTIL_H

#include <check.h>
#include <gosched.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../libsched/chan.h"
#include "death.h"

/* Sizes scale down under ThreadSanitizer. */
#include "frames.h"

/* Checks for hot loops: Check's ck_assert_* report every passing check to
 * the parent process (a write per check); these only call it on failure. */
#define EXPECT(cond)                                                          \
    do {                                                                      \
        if (!(cond))                                                          \
            ck_abort_msg("failed: %s", #cond);                                \
    } while (0)
#define EXPECT_EQ(a, b)                                                       \
    do {                                                                      \
        long long a_ = (long long)(a), b_ = (long long)(b);                   \
        if (a_ != b_)                                                         \
            ck_abort_msg("%s == %s failed: %lld != %lld", #a, #b, a_, b_);    \
    } while (0)

/* FRAME(name, fields): struct name { go_frame hdr; fields }, its resume
 * function (defined by the test as `static int name__resume(go_frame *f_)`)
 * and its go_func_info name__info. */
#define FRAME(name, ...)                                                      \
    struct name { go_frame hdr; __VA_ARGS__ };                                \
    static int name##__resume(go_frame *f_);                                  \
    static const go_func_info name##__info = GO_FUNC_INFO(name##__resume, struct name)

#define SELF(name) struct name *fr = (struct name *)f_

/* New frame of `name` with the given field initialisers (others zero). */
#define NEW(name, ...)                                                        \
    ({                                                                        \
        struct name *n_ = go_frame_alloc(&name##__info);                      \
        *n_ = (struct name){ .hdr = n_->hdr, __VA_ARGS__ };                   \
        n_;                                                                   \
    })

#define SPAWN(name, ...) go_spawn(&NEW(name, __VA_ARGS__)->hdr)

/* Run `name` (which has an `int ret` field) as the main goroutine. */
#define RUN(name, ...)                                                        \
    ({                                                                        \
        struct name *r_ = NEW(name, __VA_ARGS__);                             \
        go_run_main(&r_->hdr, &r_->ret);                                      \
    })

/* Number of waiters in c's send (GO_DIR_SEND) or receive queue. */
static inline int waiting(go_chan *c, int dir)
{
    int n = 0;
    go__lock_acquire(&c->lock);
    for (go__waiter *w = (dir == GO_DIR_SEND ? c->sendq : c->recvq).first; w; w = w->next)
        n++;
    go__lock_release(&c->lock);
    return n;
}

/* Number of select waiters (of any select) in c's two queues. */
static inline int select_waiting(go_chan *c)
{
    int n = 0;
    go__lock_acquire(&c->lock);
    for (go__waiter *w = c->sendq.first; w; w = w->next)
        n += w->is_select;
    for (go__waiter *w = c->recvq.first; w; w = w->next)
        n += w->is_select;
    go__lock_release(&c->lock);
    return n;
}

static inline void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

/* Print, on the same line as a misuse, the line a death report must name. */
#define MARK_LINE() fprintf(stderr, "expect-line=%d\n", __LINE__)

/* The child died abnormally, printing "panic: <msg>" and, when file is not
 * NULL, "<file>:<line>" for the line its MARK_LINE() printed. */
static inline void assert_panic(const death *d, const char *msg, const char *file)
{
    char want[512];
    snprintf(want, sizeof want, "panic: %s", msg);
    ck_assert_msg(strstr(d->err, want), "want \"%s\" in stderr:\n%s", want, d->err);
    if (file) {
        const char *mark = strstr(d->err, "expect-line=");
        ck_assert_msg(mark, "no line mark in stderr:\n%s", d->err);
        snprintf(want, sizeof want, "%s:%d", file, atoi(mark + strlen("expect-line=")));
        ck_assert_msg(strstr(d->err, want), "want \"%s\" in stderr:\n%s", want, d->err);
    }
    ck_assert_msg(death_exit_code(d) != 0, "the child exited with 0; stderr:\n%s", d->err);
}

/* A Check runner with one suite of the given tests. */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
