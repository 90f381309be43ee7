/* test_mutex.c — go_mutex: mutual exclusion, the starvation bound, trylock,
 * misuse, and sharing with plain threads. */
#include <pthread.h>

#include "death.h"
#include "sync_test.h"

/* ---- mutual exclusion ------------------------------------------------------ */

static go_mutex mu;
static go_wg done_wg;
static int counter;                  /* plain int: protected by mu only */
static atomic_int holders, max_holders;

static void enter(void)
{
    atomic_max(&max_holders, atomic_fetch_add(&holders, 1) + 1);
}

static void leave(void)
{
    atomic_fetch_sub(&holders, 1);
}

/* n locked increments; yield_holding: yield inside the critical section
 * every `every` iterations (forces parking on every P count), else yield
 * outside it. */
struct incr {
    go_frame hdr;
    int n, every;
    bool yield_holding;
    int i;
};

static int incr__resume(go_frame *f)
{
    struct incr *fr = (struct incr *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        GO_AWAIT(fr, go_mutex_lock__begin(&mu));
        enter();
        counter++;
        if (fr->yield_holding && fr->i % fr->every == 0)
            GO_AWAIT(fr, go_yield__begin());
        leave();
        go_mutex_unlock(&mu);
        if (!fr->yield_holding && fr->i % fr->every == 0)
            GO_AWAIT(fr, go_yield__begin());
    }
    go_wg_done(&done_wg);
    GO_END(fr);
}
static const go_func_info incr__info = GO_FUNC_INFO(incr__resume, struct incr);

struct excl_main {
    go_frame hdr;
    int ret;
    int workers, n, every;
    bool yield_holding;
};

static int excl_main__resume(go_frame *f)
{
    struct excl_main *fr = (struct excl_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&done_wg, fr->workers);
    for (int k = 0; k < fr->workers; k++) {
        struct incr *w = NEW_FRAME(struct incr, incr__info);
        w->n = fr->n;
        w->every = fr->every;
        w->yield_holding = fr->yield_holding;
        go_spawn(&w->hdr);
    }
    GO_AWAIT(fr, go_wg_wait__begin(&done_wg));
    GO_END(fr);
}
static const go_func_info excl_main__info = GO_FUNC_INFO(excl_main__resume, struct excl_main);

static void run_exclusion(int workers, int n, int every, bool yield_holding)
{
    struct excl_main *root = NEW_FRAME(struct excl_main, excl_main__info);
    root->workers = workers;
    root->n = n;
    root->every = every;
    root->yield_holding = yield_holding;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    ck_assert_int_eq(counter, workers * n);
    ck_assert_int_eq(atomic_load(&max_holders), 1);
    ck_assert_uint_eq(mu.state, 0);
}

START_TEST(exclusion_tight)
{
    run_exclusion(8, SCALE(200000, 50000), 1024, false);
}
END_TEST

START_TEST(exclusion_yield_outside)
{
    run_exclusion(8, SCALE(50000, 20000), 1, false);
}
END_TEST

START_TEST(exclusion_yield_holding)
{
    run_exclusion(8, SCALE(20000, 10000), 4, true);
}
END_TEST

/* ---- starvation bound --------------------------------------------------------
 * Two hogs re-lock in a loop, yielding only now and then (or, harder on one
 * P, yielding while they hold the mutex); without starvation mode a woken
 * waiter would lose nearly every race to them.  The victim must get the
 * mutex within a bounded time (Go: about 1 ms of waiting). */

static atomic_bool victim_done;
static atomic_long hog_rounds[2];
static int64_t victim_wait_ns;

struct hog {
    go_frame hdr;
    int64_t deadline;
    bool yield_holding;
    int id;
};

static int hog__resume(go_frame *f)
{
    struct hog *fr = (struct hog *)f;
    GO_BEGIN(fr);
    while (!atomic_load(&victim_done) && now_ns() < fr->deadline) {
        GO_AWAIT(fr, go_mutex_lock__begin(&mu));
        busy_ns(2000);
        if (fr->yield_holding)
            GO_AWAIT(fr, go_yield__begin());
        go_mutex_unlock(&mu);
        /* re-locks at once: a woken waiter competes with a running hog */
        if (atomic_fetch_add(&hog_rounds[fr->id], 1) % 256 == 0)
            GO_AWAIT(fr, go_yield__begin());
    }
    go_wg_done(&done_wg);
    GO_END(fr);
}
static const go_func_info hog__info = GO_FUNC_INFO(hog__resume, struct hog);

struct victim {
    go_frame hdr;
    int64_t t0;
};

static int victim__resume(go_frame *f)
{
    struct victim *fr = (struct victim *)f;
    GO_BEGIN(fr);
    while (atomic_load(&hog_rounds[0]) < 100 || atomic_load(&hog_rounds[1]) < 100)
        GO_AWAIT(fr, go_yield__begin());
    fr->t0 = now_ns();
    GO_AWAIT(fr, go_mutex_lock__begin(&mu));
    victim_wait_ns = now_ns() - fr->t0;
    go_mutex_unlock(&mu);
    atomic_store(&victim_done, true);
    go_wg_done(&done_wg);
    GO_END(fr);
}
static const go_func_info victim__info = GO_FUNC_INFO(victim__resume, struct victim);

struct fair_main {
    go_frame hdr;
    int ret;
    bool yield_holding;
};

static int fair_main__resume(go_frame *f)
{
    struct fair_main *fr = (struct fair_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&done_wg, 3);
    for (int k = 0; k < 2; k++) {
        struct hog *h = NEW_FRAME(struct hog, hog__info);
        h->deadline = now_ns() + 5000000000;
        h->yield_holding = fr->yield_holding;
        h->id = k;
        go_spawn(&h->hdr);
    }
    go_spawn(&NEW_FRAME(struct victim, victim__info)->hdr);
    GO_AWAIT(fr, go_wg_wait__begin(&done_wg));
    GO_END(fr);
}
static const go_func_info fair_main__info = GO_FUNC_INFO(fair_main__resume, struct fair_main);

static void run_fairness(bool yield_holding)
{
    struct fair_main *root = NEW_FRAME(struct fair_main, fair_main__info);
    root->yield_holding = yield_holding;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    ck_assert_msg(atomic_load(&victim_done), "the victim never got the mutex");
    ck_assert_msg(victim_wait_ns < 500000000, "the victim waited %lld ms",
                  (long long)(victim_wait_ns / 1000000));
}

START_TEST(starvation_bound_yield_holding)
{
    run_fairness(true);
}
END_TEST

START_TEST(starvation_bound_relock)
{
    run_fairness(false);
}
END_TEST

/* ---- trylock ------------------------------------------------------------------ */

static atomic_int step;

struct holder {
    go_frame hdr;
};

static int holder__resume(go_frame *f)
{
    struct holder *fr = (struct holder *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_mutex_lock__begin(&mu));
    atomic_store(&step, 1);
    while (atomic_load(&step) != 2)
        GO_AWAIT(fr, go_yield__begin());
    go_mutex_unlock(&mu);
    atomic_store(&step, 3);
    GO_END(fr);
}
static const go_func_info holder__info = GO_FUNC_INFO(holder__resume, struct holder);

static bool try_results[4];

struct try_main {
    go_frame hdr;
    int ret;
};

static int try_main__resume(go_frame *f)
{
    struct try_main *fr = (struct try_main *)f;
    GO_BEGIN(fr);
    go_spawn(&NEW_FRAME(struct holder, holder__info)->hdr);
    while (atomic_load(&step) != 1)
        GO_AWAIT(fr, go_yield__begin());
    try_results[0] = go_mutex_trylock(&mu);    /* held by the holder */
    atomic_store(&step, 2);
    while (atomic_load(&step) != 3)
        GO_AWAIT(fr, go_yield__begin());
    try_results[1] = go_mutex_trylock(&mu);    /* free again */
    try_results[2] = go_mutex_trylock(&mu);    /* held by us */
    go_mutex_unlock(&mu);
    GO_AWAIT(fr, go_mutex_lock__begin(&mu));
    try_results[3] = true;
    go_mutex_unlock(&mu);
    GO_END(fr);
}
static const go_func_info try_main__info = GO_FUNC_INFO(try_main__resume, struct try_main);

START_TEST(trylock)
{
    go_mutex m = GO_MUTEX_INIT;
    ck_assert(go_mutex_trylock(&m));
    ck_assert(!go_mutex_trylock(&m));
    go_mutex_unlock(&m);
    ck_assert(go_mutex_trylock(&m));
    go_mutex_unlock(&m);
    ck_assert_uint_eq(m.state, 0);

    ck_assert_int_eq(RUN_MAIN(NEW_FRAME(struct try_main, try_main__info)), 0);
    ck_assert(!try_results[0]);
    ck_assert(try_results[1]);
    ck_assert(!try_results[2]);
    ck_assert(try_results[3]);
    ck_assert_uint_eq(mu.state, 0);
}
END_TEST

/* ---- plain threads and goroutines share a mutex -------------------------------- */

enum { PLAIN_THREADS = 2 };
static atomic_int plain_started;
static int plain_n;

static void *plain_incr(void *arg)
{
    (void)arg;
    for (int i = 0; i < plain_n; i++) {
        go_mutex_lock(&mu);
        enter();
        counter++;
        leave();
        go_mutex_unlock(&mu);
        if (i == 0)
            atomic_fetch_add(&plain_started, 1);
    }
    go_wg_done(&done_wg);
    return NULL;
}

static pthread_t plain_threads[PLAIN_THREADS];

struct mixed_main {
    go_frame hdr;
    int ret;
    int n;
};

static int mixed_main__resume(go_frame *f)
{
    struct mixed_main *fr = (struct mixed_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&done_wg, 4 + PLAIN_THREADS);
    for (int k = 0; k < PLAIN_THREADS; k++)
        pthread_create(&plain_threads[k], NULL, plain_incr, NULL);
    for (int k = 0; k < 4; k++) {
        struct incr *w = NEW_FRAME(struct incr, incr__info);
        w->n = fr->n;
        w->every = 7;
        w->yield_holding = true;
        go_spawn(&w->hdr);
    }
    /* the plain threads used the API before we sleep: no false deadlock */
    while (atomic_load(&plain_started) < PLAIN_THREADS)
        GO_AWAIT(fr, go_yield__begin());
    GO_AWAIT(fr, go_wg_wait__begin(&done_wg));
    GO_END(fr);
}
static const go_func_info mixed_main__info = GO_FUNC_INFO(mixed_main__resume, struct mixed_main);

START_TEST(shared_with_plain_threads)
{
    int n = SCALE(20000, 10000);
    plain_n = n * 4;
    struct mixed_main *root = NEW_FRAME(struct mixed_main, mixed_main__info);
    root->n = n;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    for (int k = 0; k < PLAIN_THREADS; k++)
        pthread_join(plain_threads[k], NULL);
    ck_assert_int_eq(counter, 4 * n + PLAIN_THREADS * plain_n);
    ck_assert_int_eq(atomic_load(&max_holders), 1);
    ck_assert_uint_eq(mu.state, 0);
}
END_TEST

/* ---- misuse ---------------------------------------------------------------------- */

static bool died_with(const death *d, const char *text)
{
    return (death_signal(d) != 0 || death_exit_code(d) != 0) && strstr(d->err, text);
}

struct bad_unlock {
    go_frame hdr;
    int ret;
};

static go_mutex never_locked;

static const int bad_unlock_line = __LINE__ + 5;
static int bad_unlock__resume(go_frame *f)
{
    struct bad_unlock *fr = (struct bad_unlock *)f;
    GO_BEGIN(fr);
    go_mutex_unlock(&never_locked);
    GO_END(fr);
}
static const go_func_info bad_unlock__info = GO_FUNC_INFO(bad_unlock__resume, struct bad_unlock);

static void die_unlock_in_goroutine(void)
{
    RUN_MAIN(NEW_FRAME(struct bad_unlock, bad_unlock__info));
}

static void die_unlock_in_plain_thread(void)
{
    go_mutex m = GO_MUTEX_INIT;
    go_mutex_lock(&m);
    go_mutex_unlock(&m);
    go_mutex_unlock(&m);
}

START_TEST(unlock_of_unlocked)
{
    death d;
    char where[64];
    death_run(die_unlock_in_goroutine, &d);
    ck_assert_msg(died_with(&d, "sync: unlock of unlocked mutex"), "%s", d.err);
    snprintf(where, sizeof where, "test_mutex.c:%d", bad_unlock_line);
    ck_assert_msg(strstr(d.err, where), "no %s in: %s", where, d.err);

    death_run(die_unlock_in_plain_thread, &d);
    ck_assert_msg(died_with(&d, "sync: unlock of unlocked mutex"), "%s", d.err);
}
END_TEST

struct by_name {
    go_frame hdr;
    int ret;
};

static int by_name__resume(go_frame *f)
{
    struct by_name *fr = (struct by_name *)f;
    GO_BEGIN(fr);
    go_mutex_lock(&mu);   /* a suspending call that was not lowered */
    GO_END(fr);
}
static const go_func_info by_name__info = GO_FUNC_INFO(by_name__resume, struct by_name);

static void die_lock_by_name(void)
{
    RUN_MAIN(NEW_FRAME(struct by_name, by_name__info));
}

START_TEST(lock_by_name_in_goroutine)
{
    death d;
    death_run(die_lock_by_name, &d);
    ck_assert_msg(died_with(&d, "go_mutex_lock"), "%s", d.err);
}
END_TEST

/* Locking twice deadlocks; the dump names the wait. */
struct relock {
    go_frame hdr;
    int ret;
};

static int relock__resume(go_frame *f)
{
    struct relock *fr = (struct relock *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_mutex_lock__begin(&mu));
    GO_AWAIT(fr, go_mutex_lock__begin(&mu));
    GO_END(fr);
}
static const go_func_info relock__info = GO_FUNC_INFO(relock__resume, struct relock);

static void die_relock(void)
{
    RUN_MAIN(NEW_FRAME(struct relock, relock__info));
}

START_TEST(self_deadlock_reported)
{
    death d;
    death_run(die_relock, &d);
    ck_assert_msg(died_with(&d, "all goroutines are asleep - deadlock!"), "%s", d.err);
    ck_assert_msg(strstr(d.err, "sync.Mutex.Lock"), "%s", d.err);
}
END_TEST

/* The plain functions stay callable by address. */
START_TEST(callable_by_address)
{
    void (*lock)(go_mutex *) = go_mutex_lock;
    void (*unlock)(go_mutex *) = (go_mutex_unlock);
    go_mutex m = GO_MUTEX_INIT;
    lock(&m);
    ck_assert(!go_mutex_trylock(&m));
    unlock(&m);
    ck_assert_uint_eq(m.state, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mutex");
    ADD_TEST(s, exclusion_tight);
    ADD_TEST(s, exclusion_yield_outside);
    ADD_TEST(s, exclusion_yield_holding);
    ADD_TEST(s, starvation_bound_yield_holding);
    ADD_TEST(s, starvation_bound_relock);
    ADD_TEST(s, trylock);
    ADD_TEST(s, shared_with_plain_threads);
    ADD_TEST(s, unlock_of_unlocked);
    ADD_TEST(s, lock_by_name_in_goroutine);
    ADD_TEST(s, self_deadlock_reported);
    ADD_TEST(s, callable_by_address);
    return run_suite(s);
}
