/* test_cond.c — go_cond: signal wakes exactly one waiter, in FIFO order;
 * broadcast wakes all; every wait returns holding the mutex; a bounded
 * producer/consumer queue conserves its items, with goroutines and plain
 * threads on both sides. */
#include <pthread.h>

#include "sync_test.h"

static go_mutex mu;
static go_cond cond;
static go_wg wg;
static atomic_int holders, max_holders;
static atomic_int not_holding;       /* wait returned without the mutex */

/* Called right after a wait returned: we must hold mu, alone. */
static void check_holding(void)
{
    if (!(__atomic_load_n(&mu.state, __ATOMIC_RELAXED) & 1))
        atomic_fetch_add(&not_holding, 1);
    atomic_max(&max_holders, atomic_fetch_add(&holders, 1) + 1);
}

static void release_holding(void)
{
    atomic_fetch_sub(&holders, 1);
}

/* ---- signal wakes one, FIFO; broadcast wakes all ----------------------------------- */

enum { MAX_WAITERS = 64 };
static int waiting;                  /* under mu */
static atomic_int woken;
static int woken_order[MAX_WAITERS];

struct waiter {
    go_frame hdr;
    int id;
};

static int waiter__resume(go_frame *f)
{
    struct waiter *fr = (struct waiter *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_mutex_lock__begin(&mu));
    waiting++;
    GO_AWAIT(fr, go_cond_wait__begin(&cond, &mu));
    check_holding();
    woken_order[atomic_fetch_add(&woken, 1)] = fr->id;
    release_holding();
    go_mutex_unlock(&mu);
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info waiter__info = GO_FUNC_INFO(waiter__resume, struct waiter);

struct wake_main {
    go_frame hdr;
    int ret;
    int n, k, spin;
    bool broadcast;
    int seen;
};

static int wake_main__resume(go_frame *f)
{
    struct wake_main *fr = (struct wake_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&wg, fr->n);
    /* queue the waiters one by one, so their order on the cond is known */
    for (fr->k = 0; fr->k < fr->n; fr->k++) {
        struct waiter *w = NEW_FRAME(struct waiter, waiter__info);
        w->id = fr->k;
        go_spawn(&w->hdr);
        for (;;) {
            GO_AWAIT(fr, go_mutex_lock__begin(&mu));
            fr->seen = waiting;
            go_mutex_unlock(&mu);
            if (fr->seen == fr->k + 1)
                break;       /* it counted itself and is on the cond's queue */
            GO_AWAIT(fr, go_yield__begin());
        }
    }
    /* signal alternately holding mu (the waiter moves to mu's queue) and
     * not holding it (the waiter is handed mu and woken at once) */
    if (fr->broadcast) {
        GO_AWAIT(fr, go_mutex_lock__begin(&mu));
        go_cond_broadcast(&cond);
        go_mutex_unlock(&mu);
    } else {
        for (fr->k = 0; fr->k < fr->n; fr->k++) {
            if (fr->k % 2 == 0) {
                GO_AWAIT(fr, go_mutex_lock__begin(&mu));
                go_cond_signal(&cond);
                go_mutex_unlock(&mu);
            } else {
                go_cond_signal(&cond);
            }
            while (atomic_load(&woken) < fr->k + 1)
                GO_AWAIT(fr, go_yield__begin());
            /* give a second (wrong) wake-up time to show */
            for (fr->spin = 0; fr->spin < 50; fr->spin++)
                GO_AWAIT(fr, go_yield__begin());
            if (atomic_load(&woken) != fr->k + 1)
                fr->ret = 1;
        }
    }
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    GO_END(fr);
}
static const go_func_info wake_main__info = GO_FUNC_INFO(wake_main__resume, struct wake_main);

START_TEST(signal_wakes_one_in_order)
{
    struct wake_main *root = NEW_FRAME(struct wake_main, wake_main__info);
    root->n = 8;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    for (int k = 0; k < 8; k++)
        ck_assert_int_eq(woken_order[k], k);
    ck_assert_int_eq(atomic_load(&not_holding), 0);
    ck_assert_int_eq(atomic_load(&max_holders), 1);
}
END_TEST

START_TEST(broadcast_wakes_all)
{
    struct wake_main *root = NEW_FRAME(struct wake_main, wake_main__info);
    root->n = MAX_WAITERS;
    root->broadcast = true;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    ck_assert_int_eq(atomic_load(&woken), MAX_WAITERS);
    ck_assert_int_eq(atomic_load(&not_holding), 0);
    ck_assert_int_eq(atomic_load(&max_holders), 1);
    ck_assert_ptr_null(cond.waiters.first);
    ck_assert_uint_eq(mu.state, 0);
}
END_TEST

/* ---- producer/consumer over a bounded queue ------------------------------------------ */

enum { CAP = 8, PRODUCERS = 4, CONSUMERS = 4, MAX_ITEMS = 4 * 40000 + 2 * 40000 };
static go_cond not_empty, not_full;
static int ring[CAP], head, len;     /* under mu */
static int produced, consumed, total;
static unsigned char seen[MAX_ITEMS];
static int duplicates;

static void put_locked(int v)
{
    ring[(head + len) % CAP] = v;
    len++;
    produced++;
}

static void take_locked(void)
{
    int v = ring[head];
    head = (head + 1) % CAP;
    len--;
    consumed++;
    if (seen[v]++)
        duplicates++;
}

struct producer {
    go_frame hdr;
    int first, n, i;
};

static int producer__resume(go_frame *f)
{
    struct producer *fr = (struct producer *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        GO_AWAIT(fr, go_mutex_lock__begin(&mu));
        while (len == CAP) {
            GO_AWAIT(fr, go_cond_wait__begin(&not_full, &mu));
            check_holding();
            release_holding();
        }
        put_locked(fr->first + fr->i);
        go_cond_signal(&not_empty);
        go_mutex_unlock(&mu);
    }
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info producer__info = GO_FUNC_INFO(producer__resume, struct producer);

struct consumer {
    go_frame hdr;
};

static int consumer__resume(go_frame *f)
{
    struct consumer *fr = (struct consumer *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_mutex_lock__begin(&mu));
        while (len == 0 && consumed < total) {
            GO_AWAIT(fr, go_cond_wait__begin(&not_empty, &mu));
            check_holding();
            release_holding();
        }
        if (consumed == total) {
            go_cond_broadcast(&not_empty);      /* let the other consumers out */
            go_mutex_unlock(&mu);
            break;
        }
        take_locked();
        go_cond_signal(&not_full);
        go_mutex_unlock(&mu);
    }
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info consumer__info = GO_FUNC_INFO(consumer__resume, struct consumer);

static int plain_first, plain_n;
static atomic_int plain_started;

static void *plain_producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < plain_n; i++) {
        go_mutex_lock(&mu);
        if (i == 0)
            atomic_fetch_add(&plain_started, 1);
        while (len == CAP) {
            go_cond_wait(&not_full, &mu);
            check_holding();
            release_holding();
        }
        put_locked(plain_first + i);
        go_cond_signal(&not_empty);
        go_mutex_unlock(&mu);
    }
    go_wg_done(&wg);
    return NULL;
}

static void *plain_consumer(void *arg)
{
    (void)arg;
    go_mutex_lock(&mu);
    atomic_fetch_add(&plain_started, 1);
    go_mutex_unlock(&mu);
    for (;;) {
        go_mutex_lock(&mu);
        while (len == 0 && consumed < total) {
            go_cond_wait(&not_empty, &mu);
            check_holding();
            release_holding();
        }
        if (consumed == total) {
            go_cond_broadcast(&not_empty);
            go_mutex_unlock(&mu);
            break;
        }
        take_locked();
        go_cond_signal(&not_full);
        go_mutex_unlock(&mu);
    }
    go_wg_done(&wg);
    return NULL;
}

static pthread_t threads[2];

struct queue_main {
    go_frame hdr;
    int ret;
    int n;
    bool plain;
};

static int queue_main__resume(go_frame *f)
{
    struct queue_main *fr = (struct queue_main *)f;
    GO_BEGIN(fr);
    total = PRODUCERS * fr->n + (fr->plain ? plain_n : 0);
    go_wg_add(&wg, PRODUCERS + CONSUMERS + (fr->plain ? 2 : 0));
    if (fr->plain) {
        plain_first = PRODUCERS * fr->n;
        pthread_create(&threads[0], NULL, plain_producer, NULL);
        pthread_create(&threads[1], NULL, plain_consumer, NULL);
    }
    for (int k = 0; k < CONSUMERS; k++)
        go_spawn(&NEW_FRAME(struct consumer, consumer__info)->hdr);
    for (int k = 0; k < PRODUCERS; k++) {
        struct producer *p = NEW_FRAME(struct producer, producer__info);
        p->first = k * fr->n;
        p->n = fr->n;
        go_spawn(&p->hdr);
    }
    while (atomic_load(&plain_started) < (fr->plain ? 2 : 0))
        GO_AWAIT(fr, go_yield__begin());
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    GO_END(fr);
}
static const go_func_info queue_main__info = GO_FUNC_INFO(queue_main__resume, struct queue_main);

static void run_queue(bool plain)
{
    struct queue_main *root = NEW_FRAME(struct queue_main, queue_main__info);
    root->n = SCALE(40000, 20000);
    root->plain = plain;
    plain_n = root->n / 2;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    if (plain)
        for (int k = 0; k < 2; k++)
            pthread_join(threads[k], NULL);
    ck_assert_int_eq(produced, total);
    ck_assert_int_eq(consumed, total);
    ck_assert_int_eq(duplicates, 0);
    int missing = 0;                 /* no ck_assert per item: each one writes */
    for (int v = 0; v < total; v++)
        missing += seen[v] != 1;
    ck_assert_int_eq(missing, 0);
    ck_assert_int_eq(atomic_load(&not_holding), 0);
    ck_assert_int_eq(atomic_load(&max_holders), 1);
    ck_assert_uint_eq(mu.state, 0);
}

START_TEST(producer_consumer)
{
    run_queue(false);
}
END_TEST

START_TEST(producer_consumer_with_plain_threads)
{
    run_queue(true);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cond");
    ADD_TEST(s, signal_wakes_one_in_order);
    ADD_TEST(s, broadcast_wakes_all);
    ADD_TEST(s, producer_consumer);
    ADD_TEST(s, producer_consumer_with_plain_threads);
    return run_suite(s);
}
