/* sync_test.h — helpers shared by the sync primitives' tests: running a
 * hand-written main goroutine, spawning frames, sizes scaled for tsan, time.
 *
 * Goroutines record what they observe in globals; the test asserts after
 * go_run_main has returned, on the test's own thread.
 */
#ifndef TESTS_SYNC_TEST_H
#define TESTS_SYNC_TEST_H

#include <check.h>
#include <gosched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "frames.h"

static inline int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Burn CPU for about ns (a critical section that does some work). */
static inline void busy_ns(int64_t ns)
{
    int64_t end = now_ns() + ns;
    while (now_ns() < end)
        ;
}

/* Allocate a frame of `type` described by `info` (zeroed past the header). */
#define NEW_FRAME(type, info)                                                 \
    ({                                                                        \
        type *f_ = go_frame_alloc(&(info));                                   \
        memset((char *)f_ + sizeof(go_frame), 0, sizeof(type) - sizeof(go_frame)); \
        f_;                                                                   \
    })

/* Run `root` (a frame with `int ret`) as the main goroutine; its result. */
#define RUN_MAIN(root)                                                        \
    ({                                                                        \
        __typeof__(root) r_ = (root);                                         \
        go_run_main(&r_->hdr, &r_->ret);                                      \
    })

/* One test case per test, so CK_RUN_CASE=<test name> runs just that one. */
#define ADD_TEST(suite, test)                                                 \
    do {                                                                      \
        TCase *tc_ = tcase_create(#test);                                     \
        tcase_set_timeout(tc_, 120);                                          \
        tcase_add_test(tc_, test);                                            \
        suite_add_tcase(suite, tc_);                                          \
    } while (0)

static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Atomically raise *max to v. */
static inline void atomic_max(atomic_int *max, int v)
{
    int old = atomic_load(max);
    while (v > old && !atomic_compare_exchange_weak(max, &old, v))
        ;
}

#endif
