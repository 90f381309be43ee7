/* test_sema.c — go_sema: never more than n holders, FIFO wake-up,
 * tryacquire, and plain threads sharing it with goroutines. */
#include <pthread.h>

#include "sync_test.h"

enum { UNITS = 3, WORKERS = 16 };

static go_sema sem = GO_SEMA_INIT(UNITS);
static go_wg wg;
static atomic_int holders, max_holders;
static atomic_long acquisitions;

static void hold(void)
{
    atomic_max(&max_holders, atomic_fetch_add(&holders, 1) + 1);
    atomic_fetch_add(&acquisitions, 1);
}

struct worker {
    go_frame hdr;
    int n, i;
};

static int worker__resume(go_frame *f)
{
    struct worker *fr = (struct worker *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        GO_AWAIT(fr, go_sema_acquire__begin(&sem));
        hold();
        GO_AWAIT(fr, go_yield__begin());
        atomic_fetch_sub(&holders, 1);
        go_sema_release(&sem);
    }
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info worker__info = GO_FUNC_INFO(worker__resume, struct worker);

static atomic_int plain_started;
static int plain_n;

static void *plain_worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < plain_n; i++) {
        go_sema_acquire(&sem);
        if (i == 0)
            atomic_fetch_add(&plain_started, 1);
        hold();
        sched_yield();
        atomic_fetch_sub(&holders, 1);
        go_sema_release(&sem);
    }
    go_wg_done(&wg);
    return NULL;
}

enum { PLAIN = 2 };
static pthread_t threads[PLAIN];

struct bound_main {
    go_frame hdr;
    int ret;
    int n, plain;
};

static int bound_main__resume(go_frame *f)
{
    struct bound_main *fr = (struct bound_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&wg, WORKERS + fr->plain);
    for (int k = 0; k < fr->plain; k++)
        pthread_create(&threads[k], NULL, plain_worker, NULL);
    for (int k = 0; k < WORKERS; k++) {
        struct worker *w = NEW_FRAME(struct worker, worker__info);
        w->n = fr->n;
        go_spawn(&w->hdr);
    }
    while (atomic_load(&plain_started) < fr->plain)
        GO_AWAIT(fr, go_yield__begin());
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    GO_END(fr);
}
static const go_func_info bound_main__info = GO_FUNC_INFO(bound_main__resume, struct bound_main);

static void run_bound(int plain)
{
    struct bound_main *root = NEW_FRAME(struct bound_main, bound_main__info);
    root->n = SCALE(5000, 2000);
    root->plain = plain;
    plain_n = root->n;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    for (int k = 0; k < plain; k++)
        pthread_join(threads[k], NULL);
    ck_assert_int_le(atomic_load(&max_holders), UNITS);
    ck_assert_int_ge(atomic_load(&max_holders), 2);  /* the units were shared */
    ck_assert_int_eq(atomic_load(&acquisitions), (long)(WORKERS + plain) * plain_n);
    ck_assert_int_eq(sem.count, UNITS);
    ck_assert_ptr_null(sem.waiters.first);
}

START_TEST(never_more_than_n_holders)
{
    run_bound(0);
}
END_TEST

START_TEST(shared_with_plain_threads)
{
    run_bound(PLAIN);
}
END_TEST

/* ---- FIFO: waiters queued in a known order are served in that order -------- */

enum { QUEUED = 10 };
static go_sema gate;                 /* starts empty */
static atomic_int queued;
static int order[QUEUED];
static atomic_int served;

struct fifo_waiter {
    go_frame hdr;
    int id;
};

static int fifo_waiter__resume(go_frame *f)
{
    struct fifo_waiter *fr = (struct fifo_waiter *)f;
    GO_BEGIN(fr);
    atomic_fetch_add(&queued, 1);
    GO_AWAIT(fr, go_sema_acquire__begin(&gate));
    order[atomic_fetch_add(&served, 1)] = fr->id;
    GO_END(fr);
}
static const go_func_info fifo_waiter__info = GO_FUNC_INFO(fifo_waiter__resume, struct fifo_waiter);

struct fifo_main {
    go_frame hdr;
    int ret;
    int k;
};

static int fifo_main__resume(go_frame *f)
{
    struct fifo_main *fr = (struct fifo_main *)f;
    GO_BEGIN(fr);
    for (fr->k = 0; fr->k < QUEUED; fr->k++) {
        struct fifo_waiter *w = NEW_FRAME(struct fifo_waiter, fifo_waiter__info);
        w->id = fr->k;
        go_spawn(&w->hdr);
        /* the waiter is queued once count says so */
        while (__atomic_load_n(&gate.count, __ATOMIC_ACQUIRE) != -(fr->k + 1))
            GO_AWAIT(fr, go_yield__begin());
    }
    fr->ret = go_sema_tryacquire(&gate);    /* no unit while waiters queue */
    for (fr->k = 0; fr->k < QUEUED; fr->k++) {
        go_sema_release(&gate);
        while (atomic_load(&served) != fr->k + 1)
            GO_AWAIT(fr, go_yield__begin());
    }
    GO_END(fr);
}
static const go_func_info fifo_main__info = GO_FUNC_INFO(fifo_main__resume, struct fifo_main);

START_TEST(fifo_wake_up)
{
    ck_assert_int_eq(RUN_MAIN(NEW_FRAME(struct fifo_main, fifo_main__info)), 0);
    for (int k = 0; k < QUEUED; k++)
        ck_assert_int_eq(order[k], k);
    ck_assert_int_eq(gate.count, 0);
}
END_TEST

START_TEST(tryacquire)
{
    go_sema s = GO_SEMA_INIT(2);
    ck_assert(go_sema_tryacquire(&s));
    ck_assert(go_sema_tryacquire(&s));
    ck_assert(!go_sema_tryacquire(&s));
    go_sema_release(&s);
    ck_assert(go_sema_tryacquire(&s));
    go_sema_release(&s);
    go_sema_release(&s);
    go_sema_acquire(&s);              /* plain thread, a unit is free */
    go_sema_release(&s);
    ck_assert_int_eq(s.count, 2);
    go_sema zero = GO_SEMA_INIT(0);
    ck_assert(!go_sema_tryacquire(&zero));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sema");
    ADD_TEST(s, never_more_than_n_holders);
    ADD_TEST(s, shared_with_plain_threads);
    ADD_TEST(s, fifo_wake_up);
    ADD_TEST(s, tryacquire);
    return run_suite(s);
}
