/* test_wg.c — go_wg: every waiter released after the last Done and not
 * before, Wait on zero, reuse over rounds, the negative-counter panic with
 * the caller's line, and plain threads on either side. */
#include <pthread.h>

#include "death.h"
#include "sync_test.h"

enum { WORKERS = 16, WAITERS = 8 };

static go_wg wg, all_done;
static atomic_int finished;          /* workers past their work, this round */
static atomic_int released;          /* waiters past Wait, this round */
static atomic_int early;             /* waiters that saw finished < WORKERS */

struct worker {
    go_frame hdr;
    int i, yields;
};

static int worker__resume(go_frame *f)
{
    struct worker *fr = (struct worker *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->yields; fr->i++)
        GO_AWAIT(fr, go_yield__begin());
    atomic_fetch_add(&finished, 1);
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info worker__info = GO_FUNC_INFO(worker__resume, struct worker);

struct waiter {
    go_frame hdr;
};

static int waiter__resume(go_frame *f)
{
    struct waiter *fr = (struct waiter *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    if (atomic_load(&finished) != WORKERS)
        atomic_fetch_add(&early, 1);
    atomic_fetch_add(&released, 1);
    go_wg_done(&all_done);
    GO_END(fr);
}
static const go_func_info waiter__info = GO_FUNC_INFO(waiter__resume, struct waiter);

/* Runs `rounds` rounds on the same two WaitGroups. */
struct rounds_main {
    go_frame hdr;
    int ret;
    int rounds, round;
};

static int rounds_main__resume(go_frame *f)
{
    struct rounds_main *fr = (struct rounds_main *)f;
    GO_BEGIN(fr);
    for (fr->round = 0; fr->round < fr->rounds; fr->round++) {
        atomic_store(&finished, 0);
        atomic_store(&released, 0);
        go_wg_add(&wg, WORKERS);
        go_wg_add(&all_done, WAITERS);
        for (int k = 0; k < WAITERS; k++)
            go_spawn(&NEW_FRAME(struct waiter, waiter__info)->hdr);
        for (int k = 0; k < WORKERS; k++) {
            struct worker *w = NEW_FRAME(struct worker, worker__info);
            w->yields = k % 4;
            go_spawn(&w->hdr);
        }
        GO_AWAIT(fr, go_wg_wait__begin(&all_done));
        if (atomic_load(&released) != WAITERS || atomic_load(&finished) != WORKERS)
            fr->ret = 1;
        /* zero again: Wait returns at once */
        GO_AWAIT(fr, go_wg_wait__begin(&wg));
    }
    GO_END(fr);
}
static const go_func_info rounds_main__info = GO_FUNC_INFO(rounds_main__resume, struct rounds_main);

START_TEST(waiters_released_and_reuse)
{
    struct rounds_main *root = NEW_FRAME(struct rounds_main, rounds_main__info);
    root->rounds = SCALE(200, 100);
    ck_assert_int_eq(RUN_MAIN(root), 0);
    ck_assert_int_eq(atomic_load(&early), 0);
    ck_assert_uint_eq(wg.state, 0);
    ck_assert_ptr_null(wg.waiters.first);
}
END_TEST

START_TEST(wait_on_zero)
{
    go_wg z = GO_WG_INIT;
    go_wg_wait(&z);                 /* plain thread: returns at once */
    ck_assert_int_eq(go_wg_wait__begin(&z), GO_READY);
    go_wg_add(&z, 2);
    go_wg_done(&z);
    void (*done)(go_wg *) = (go_wg_done);   /* callable by address */
    void (*add)(go_wg *, int64_t) = (go_wg_add);
    done(&z);
    add(&z, 0);
    go_wg_wait(&z);
    ck_assert_uint_eq(z.state, 0);
}
END_TEST

/* ---- a wg freed by its waiter as soon as Wait returns -------------------- */

/* Go allows it: once Wait has returned, the last Done no longer touches the
 * WaitGroup.  ASan catches a Done that does (a use after free). */
struct heap_doner {
    go_frame hdr;
    go_wg *wg;
};

static int heap_doner__resume(go_frame *f)
{
    struct heap_doner *fr = (struct heap_doner *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_yield__begin());
    go_wg_done(fr->wg);
    GO_END(fr);
}
static const go_func_info heap_doner__info = GO_FUNC_INFO(heap_doner__resume, struct heap_doner);

struct free_main {
    go_frame hdr;
    int ret;
    int round;
    go_wg *wg;
};

static int free_main__resume(go_frame *f)
{
    struct free_main *fr = (struct free_main *)f;
    GO_BEGIN(fr);
    for (fr->round = 0; fr->round < SCALE(5000, 1000); fr->round++) {
        fr->wg = calloc(1, sizeof *fr->wg);
        go_wg_add(fr->wg, 2);
        for (int k = 0; k < 2; k++) {
            struct heap_doner *d = NEW_FRAME(struct heap_doner, heap_doner__info);
            d->wg = fr->wg;
            go_spawn(&d->hdr);
        }
        if (fr->round % 2)          /* let the Dones run first: Wait sees zero */
            GO_AWAIT(fr, go_yield__begin());
        GO_AWAIT(fr, go_wg_wait__begin(fr->wg));
        if (fr->wg->state != 0)
            fr->ret = 1;
        free(fr->wg);
    }
    GO_END(fr);
}
static const go_func_info free_main__info = GO_FUNC_INFO(free_main__resume, struct free_main);

START_TEST(freed_by_waiter)
{
    ck_assert_int_eq(RUN_MAIN(NEW_FRAME(struct free_main, free_main__info)), 0);
}
END_TEST

/* ---- plain threads ---------------------------------------------------------- */

static go_wg no_work;
static atomic_int started;

static void *plain_done(void *arg)
{
    (void)arg;
    /* a plain blocking call marks this thread as an API user (no false
     * deadlock report while the goroutine sleeps on us) */
    go_wg_wait(&no_work);
    atomic_fetch_add(&started, 1);
    usleep(1000);
    atomic_fetch_add(&finished, 1);
    go_wg_done(&wg);
    return NULL;
}

static pthread_t threads[WORKERS];

/* Goroutine waits for plain threads' Done. */
struct plain_main {
    go_frame hdr;
    int ret;
};

static int plain_main__resume(go_frame *f)
{
    struct plain_main *fr = (struct plain_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&wg, WORKERS);
    for (int k = 0; k < WORKERS; k++)
        pthread_create(&threads[k], NULL, plain_done, NULL);
    while (atomic_load(&started) < WORKERS)
        GO_AWAIT(fr, go_yield__begin());
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    fr->ret = atomic_load(&finished);
    GO_END(fr);
}
static const go_func_info plain_main__info = GO_FUNC_INFO(plain_main__resume, struct plain_main);

static void *plain_waiter(void *arg)
{
    (void)arg;
    go_wg_wait(&wg);
    if (atomic_load(&finished) != WORKERS)
        atomic_fetch_add(&early, 1);
    atomic_fetch_add(&released, 1);
    return NULL;
}

/* Plain threads wait for goroutines' Done. */
struct spawner_main {
    go_frame hdr;
    int ret;
};

static int spawner_main__resume(go_frame *f)
{
    struct spawner_main *fr = (struct spawner_main *)f;
    GO_BEGIN(fr);
    for (int k = 0; k < WAITERS; k++)
        pthread_create(&threads[k], NULL, plain_waiter, NULL);
    for (int k = 0; k < WORKERS; k++) {
        struct worker *w = NEW_FRAME(struct worker, worker__info);
        w->yields = 50 + k;
        go_spawn(&w->hdr);
    }
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    GO_END(fr);
}
static const go_func_info spawner_main__info = GO_FUNC_INFO(spawner_main__resume, struct spawner_main);

START_TEST(plain_threads)
{
    ck_assert_int_eq(RUN_MAIN(NEW_FRAME(struct plain_main, plain_main__info)), WORKERS);
    for (int k = 0; k < WORKERS; k++)
        pthread_join(threads[k], NULL);

    atomic_store(&finished, 0);
    go_wg_add(&wg, WORKERS);        /* before the plain waiters start */
    ck_assert_int_eq(RUN_MAIN(NEW_FRAME(struct spawner_main, spawner_main__info)), 0);
    for (int k = 0; k < WAITERS; k++)
        pthread_join(threads[k], NULL);
    ck_assert_int_eq(atomic_load(&released), WAITERS);
    ck_assert_int_eq(atomic_load(&early), 0);
}
END_TEST

/* ---- misuse ------------------------------------------------------------------- */

struct negative {
    go_frame hdr;
    int ret;
};

static const int negative_line = __LINE__ + 7;
static int negative__resume(go_frame *f)
{
    struct negative *fr = (struct negative *)f;
    GO_BEGIN(fr);
    go_wg_add(&wg, 1);
    go_wg_done(&wg);
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info negative__info = GO_FUNC_INFO(negative__resume, struct negative);

static void die_negative(void)
{
    RUN_MAIN(NEW_FRAME(struct negative, negative__info));
}

static void die_negative_add(void)
{
    go_wg_add(&wg, -3);
}

START_TEST(negative_counter)
{
    death d;
    char where[64];
    death_run(die_negative, &d);
    ck_assert_msg(death_signal(&d) || death_exit_code(&d), "the child did not die");
    ck_assert_msg(strstr(d.err, "sync: negative WaitGroup counter"), "%s", d.err);
    snprintf(where, sizeof where, "test_wg.c:%d", negative_line);
    ck_assert_msg(strstr(d.err, where), "no %s in: %s", where, d.err);

    death_run(die_negative_add, &d);
    ck_assert_msg(strstr(d.err, "sync: negative WaitGroup counter"), "%s", d.err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("wg");
    ADD_TEST(s, waiters_released_and_reuse);
    ADD_TEST(s, wait_on_zero);
    ADD_TEST(s, freed_by_waiter);
    ADD_TEST(s, plain_threads);
    ADD_TEST(s, negative_counter);
    return run_suite(s);
}
