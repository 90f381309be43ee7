/* test_once.c — go_once: fn runs exactly once under 100 racing goroutines
 * (and plain threads), and every caller returns after its effect is visible. */
#include <pthread.h>

#include "sync_test.h"

enum { RACERS = 100, PLAIN_RACERS = 4 };

static go_once once;
static go_wg wg;
static atomic_int runs;
static int effect;                   /* plain int written by fn only */
static int seen[RACERS + PLAIN_RACERS];

static void init_fn(void *arg)
{
    atomic_fetch_add(&runs, 1);
    busy_ns(2000000);                /* long enough for everyone to queue */
    effect = *(int *)arg;
}

static int value = 42;

struct racer {
    go_frame hdr;
    int id;
};

static int racer__resume(go_frame *f)
{
    struct racer *fr = (struct racer *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_once_do__begin(&once, init_fn, &value));
    seen[fr->id] = effect;
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info racer__info = GO_FUNC_INFO(racer__resume, struct racer);

static atomic_int plain_started;

static void *plain_racer(void *arg)
{
    int id = (int)(intptr_t)arg;
    atomic_fetch_add(&plain_started, 1);
    go_once_do(&once, init_fn, &value);
    seen[id] = effect;
    go_wg_done(&wg);
    return NULL;
}

static pthread_t threads[PLAIN_RACERS];

struct once_main {
    go_frame hdr;
    int ret;
    bool with_threads;
};

static int once_main__resume(go_frame *f)
{
    struct once_main *fr = (struct once_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&wg, RACERS + (fr->with_threads ? PLAIN_RACERS : 0));
    if (fr->with_threads)
        for (int k = 0; k < PLAIN_RACERS; k++)
            pthread_create(&threads[k], NULL, plain_racer, (void *)(intptr_t)(RACERS + k));
    for (int k = 0; k < RACERS; k++) {
        struct racer *r = NEW_FRAME(struct racer, racer__info);
        r->id = k;
        go_spawn(&r->hdr);
    }
    while (fr->with_threads && atomic_load(&plain_started) < PLAIN_RACERS)
        GO_AWAIT(fr, go_yield__begin());
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    GO_END(fr);
}
static const go_func_info once_main__info = GO_FUNC_INFO(once_main__resume, struct once_main);

static void run_once_race(bool with_threads)
{
    struct once_main *root = NEW_FRAME(struct once_main, once_main__info);
    root->with_threads = with_threads;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    if (with_threads)
        for (int k = 0; k < PLAIN_RACERS; k++)
            pthread_join(threads[k], NULL);
    ck_assert_int_eq(atomic_load(&runs), 1);
    int n = RACERS + (with_threads ? PLAIN_RACERS : 0);
    int wrong = 0;
    for (int k = 0; k < n; k++)
        wrong += seen[k] != 42;
    ck_assert_int_eq(wrong, 0);
    ck_assert_ptr_null(once.waiters.first);
}

START_TEST(racing_goroutines)
{
    run_once_race(false);
}
END_TEST

START_TEST(racing_goroutines_and_plain_threads)
{
    run_once_race(true);
}
END_TEST

static void count_fn(void *arg)
{
    ++*(int *)arg;
}

START_TEST(plain_thread_only)
{
    go_once o = GO_ONCE_INIT;
    int n = 0;
    go_once_do(&o, count_fn, &n);
    go_once_do(&o, count_fn, &n);
    ck_assert_int_eq(go_once_do__begin(&o, count_fn, &n), GO_READY);
    ck_assert_int_eq(n, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("once");
    ADD_TEST(s, racing_goroutines);
    ADD_TEST(s, racing_goroutines_and_plain_threads);
    ADD_TEST(s, plain_thread_only);
    return run_suite(s);
}
