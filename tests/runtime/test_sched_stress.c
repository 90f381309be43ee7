/* test_sched_stress.c — the scheduler under load: spawn storms from many Ps
 * (run queue overflow, global queue, stealing), a spawn tree, many yielders,
 * and plain threads readying goroutines (global queue, idle Ps started).
 * Every goroutine must run exactly once; every value must arrive once. */
#define _GNU_SOURCE
#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <gosched.h>

#include "frames.h"

/* ---- spawn storm: S spawners × K children, each child marks its slot ---- */

struct mark {
    go_frame hdr;
    _Atomic int *slot;
    _Atomic int *left;
};
static int mark__resume(go_frame *f)
{
    struct mark *fr = (struct mark *)f;
    atomic_fetch_add(fr->slot, 1);
    atomic_fetch_sub(fr->left, 1);
    return GO_DONE;
}
static const go_func_info mark__info = GO_FUNC_INFO(mark__resume, struct mark);

struct storm {
    go_frame hdr;
    _Atomic int *slots;
    _Atomic int *left;
    int k, i;
};
static int storm__resume(go_frame *f)
{
    struct storm *fr = (struct storm *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->k; fr->i++) {
        struct mark *m = go_frame_alloc(&mark__info);
        m->slot = &fr->slots[fr->i];
        m->left = fr->left;
        go_spawn(&m->hdr);
        if (fr->i % 1000 == 999)
            GO_AWAIT(fr, go_yield__begin());
    }
    GO_END(fr);
}
static const go_func_info storm__info = GO_FUNC_INFO(storm__resume, struct storm);

enum { SPAWNERS = 8 };

struct storm_main {
    go_frame hdr;
    int ret;
    _Atomic int *slots;
    _Atomic int left;
    int k, i;
};
static int storm_main__resume(go_frame *f)
{
    struct storm_main *fr = (struct storm_main *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < SPAWNERS; fr->i++) {
        struct storm *s = go_frame_alloc(&storm__info);
        s->slots = fr->slots + fr->i * fr->k;
        s->left = &fr->left;
        s->k = fr->k;
        go_spawn(&s->hdr);
    }
    while (atomic_load(&fr->left) > 0)
        GO_AWAIT(fr, go_yield__begin());
    GO_END(fr);
}
static const go_func_info storm_main__info = GO_FUNC_INFO(storm_main__resume, struct storm_main);

START_TEST(spawn_storm_runs_each_once)
{
    int k = SCALE(25000, 5000);
    _Atomic int *slots = calloc((size_t)SPAWNERS * k, sizeof *slots);
    struct storm_main *m = go_frame_alloc(&storm_main__info);
    m->slots = slots;
    m->k = k;
    atomic_store(&m->left, SPAWNERS * k);
    go_run_main(&m->hdr, &m->ret);
    for (int i = 0; i < SPAWNERS * k; i++)
        ck_assert_msg(atomic_load(&slots[i]) == 1, "goroutine %d ran %d times", i,
                      atomic_load(&slots[i]));
    go_stats_t st = go_stats();
    ck_assert_uint_eq(st.spawns, SPAWNERS + SPAWNERS * (uint64_t)k);
    ck_assert_int_eq(st.goroutines, 0);
    free(slots);
}
END_TEST

/* ---- a spawn tree: every node spawns `fan` children down to `depth` ------- */

struct node {
    go_frame hdr;
    int depth, fan, i;
    _Atomic int64_t *count;
};
static const go_func_info node__info;
static int node__resume(go_frame *f)
{
    struct node *fr = (struct node *)f;
    atomic_fetch_add(fr->count, 1);
    if (fr->depth > 0)
        for (fr->i = 0; fr->i < fr->fan; fr->i++) {
            struct node *c = go_frame_alloc(&node__info);
            c->depth = fr->depth - 1;
            c->fan = fr->fan;
            c->count = fr->count;
            go_spawn(&c->hdr);
        }
    return GO_DONE;
}
static const go_func_info node__info = GO_FUNC_INFO(node__resume, struct node);

struct tree_main {
    go_frame hdr;
    int ret;
    _Atomic int64_t count;
    int64_t want;
    int depth;
};
static int tree_main__resume(go_frame *f)
{
    struct tree_main *fr = (struct tree_main *)f;
    GO_BEGIN(fr);
    {
        struct node *root = go_frame_alloc(&node__info);
        root->depth = fr->depth;
        root->fan = 4;
        root->count = &fr->count;
        go_spawn(&root->hdr);
    }
    while (atomic_load(&fr->count) < fr->want)
        GO_AWAIT(fr, go_yield__begin());
    GO_END(fr);
}
static const go_func_info tree_main__info = GO_FUNC_INFO(tree_main__resume, struct tree_main);

START_TEST(spawn_tree)
{
    int depth = SCALE(9, 7);
    int64_t want = 0;
    for (int d = 0, n = 1; d <= depth; d++, n *= 4)
        want += n;
    struct tree_main *m = go_frame_alloc(&tree_main__info);
    atomic_store(&m->count, 0);
    m->want = want;
    m->depth = depth;
    go_run_main(&m->hdr, &m->ret);
    go_stats_t st = go_stats();
    ck_assert_uint_eq(st.spawns, (uint64_t)want);
    ck_assert_int_eq(st.goroutines, 0);
}
END_TEST

/* ---- many yielders ---------------------------------------------------------------- */

struct spinner {
    go_frame hdr;
    int i, n;
    _Atomic int64_t *total;
    _Atomic int *finished;
};
static int spinner__resume(go_frame *f)
{
    struct spinner *fr = (struct spinner *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        atomic_fetch_add(fr->total, 1);
        GO_AWAIT(fr, go_yield__begin());
    }
    atomic_fetch_add(fr->finished, 1);
    GO_END(fr);
}
static const go_func_info spinner__info = GO_FUNC_INFO(spinner__resume, struct spinner);

struct yield_main {
    go_frame hdr;
    int ret, i, g, n;
    _Atomic int64_t total;
    _Atomic int finished;
};
static int yield_main__resume(go_frame *f)
{
    struct yield_main *fr = (struct yield_main *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->g; fr->i++) {
        struct spinner *s = go_frame_alloc(&spinner__info);
        s->n = fr->n;
        s->total = &fr->total;
        s->finished = &fr->finished;
        go_spawn(&s->hdr);
    }
    while (atomic_load(&fr->finished) < fr->g)
        GO_AWAIT(fr, go_yield__begin());
    fr->ret = atomic_load(&fr->total) == (int64_t)fr->g * fr->n;
    GO_END(fr);
}
static const go_func_info yield_main__info = GO_FUNC_INFO(yield_main__resume, struct yield_main);

START_TEST(many_yielders)
{
    struct yield_main *m = go_frame_alloc(&yield_main__info);
    m->g = 300;
    m->n = SCALE(1000, 300);
    atomic_store(&m->total, 0);
    atomic_store(&m->finished, 0);
    ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 1);
    ck_assert_int_eq(go_stats().goroutines, 0);
}
END_TEST

/* ---- plain threads wake goroutines (go__ready without a P) -------------------------- */

enum { SENDERS = 4, RECEIVERS = 4 };

struct plain_io {
    go_chan *hello, *c, *finished;
    int per_sender;
    _Atomic int next;
    _Atomic int *seen;
};

/* The runtime turns its deadlock check off once a plain thread has used a
 * channel; a plain thread that has not yet done so when every goroutine is
 * blocked is unknown to it.  So each sender says hello (a buffered send)
 * before go_run_main starts. */
static void *plain_sender(void *arg)
{
    struct plain_io *io = arg;
    int base = atomic_fetch_add(&io->next, 1) * io->per_sender;
    go_chan_send_blocking(io->hello, &base);
    for (int i = 0; i < io->per_sender; i++) {
        int v = base + i;
        go_chan_send_blocking(io->c, &v);
    }
    go_chan_send_blocking(io->finished, &base);
    return NULL;
}

struct sink {
    go_frame hdr;
    struct plain_io *io;
    go_chan *done;
    int v, n;
};
static int sink__resume(go_frame *f)
{
    struct sink *fr = (struct sink *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->io->c, &fr->v));
        if (!GO_RESULT(bool))
            break;
        atomic_fetch_add(&fr->io->seen[fr->v], 1);
        fr->n++;
    }
    GO_AWAIT(fr, go_send__begin(fr->done, &fr->n));
    GO_END(fr);
}
static const go_func_info sink__info = GO_FUNC_INFO(sink__resume, struct sink);

struct plain_main {
    go_frame hdr;
    int ret;
    struct plain_io *io;
    go_chan *done;
    int i, n, total;
};
static int plain_main__resume(go_frame *f)
{
    struct plain_main *fr = (struct plain_main *)f;
    GO_BEGIN(fr);
    fr->done = go_chan_make(sizeof(int), RECEIVERS);
    for (fr->i = 0; fr->i < RECEIVERS; fr->i++) {
        struct sink *s = go_frame_alloc(&sink__info);
        s->io = fr->io;
        s->done = fr->done;
        s->n = 0;
        go_spawn(&s->hdr);
    }
    for (fr->i = 0; fr->i < SENDERS; fr->i++)
        GO_AWAIT(fr, go_recv__begin(fr->io->finished, &fr->n));
    go_chan_close(fr->io->c);
    for (fr->i = 0; fr->i < RECEIVERS; fr->i++) {
        GO_AWAIT(fr, go_recv__begin(fr->done, &fr->n));
        fr->total += fr->n;
    }
    go_chan_free(fr->done);
    fr->ret = fr->total;
    GO_END(fr);
}
static const go_func_info plain_main__info = GO_FUNC_INFO(plain_main__resume, struct plain_main);

START_TEST(plain_threads_ready_goroutines)
{
    struct plain_io io = {
        .hello = go_chan_make(sizeof(int), SENDERS),
        .c = go_chan_make(sizeof(int), 0),
        .finished = go_chan_make(sizeof(int), 0),
        .per_sender = SCALE(20000, 5000),
    };
    int n = SENDERS * io.per_sender;
    io.seen = calloc((size_t)n, sizeof *io.seen);
    pthread_t threads[SENDERS];
    for (int i = 0; i < SENDERS; i++)
        pthread_create(&threads[i], NULL, plain_sender, &io);
    while (go_chan_len(io.hello) < SENDERS)
        sched_yield();
    struct plain_main *m = go_frame_alloc(&plain_main__info);
    m->io = &io;
    m->total = 0;
    ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), n);
    for (int i = 0; i < SENDERS; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < n; i++)
        ck_assert_msg(atomic_load(&io.seen[i]) == 1, "value %d seen %d times", i,
                      atomic_load(&io.seen[i]));
    free(io.seen);
    go_chan_free(io.hello);
    go_chan_free(io.c);
    go_chan_free(io.finished);
}
END_TEST

static Suite *stress_suite(void)
{
    Suite *s = suite_create("sched_stress");
    TCase *tc = tcase_create("stress");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, spawn_storm_runs_each_once);
    tcase_add_test(tc, spawn_tree);
    tcase_add_test(tc, many_yielders);
    tcase_add_test(tc, plain_threads_ready_goroutines);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stress_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
