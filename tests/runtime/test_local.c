/* test_local.c — goroutine-local storage: values are per goroutine and
 * survive suspensions and moves between Ms, a new goroutine (even on a
 * reused G) starts with NULL, each value still set at a goroutine's end is
 * destroyed exactly once (on that goroutine), destructors may set values
 * again, abandoned goroutines are not destroyed, plain threads have their
 * own values, destroyed at thread exit. */
#define _GNU_SOURCE
#include <pthread.h>

#include "sync_test.h"

/* A value owned by one goroutine; its destructor records who destroyed it. */
struct value {
    int owner;                  /* index of the goroutine that set it */
    _Atomic int destroyed;
    int64_t destroyed_by;       /* go_id() in the destructor */
};

static void value_destroy(void *p)
{
    struct value *v = p;
    v->destroyed_by = go_id();
    atomic_fetch_add(&v->destroyed, 1);
}

static go_local_key key_zero;   /* zero-initialised: no destructor */
static go_local_key key_dtor = GO_LOCAL_KEY_INIT(value_destroy);

/* ---- isolation, suspensions, exactly-once destruction ------------------- */

static struct value *values;    /* one per worker */
static int64_t *worker_ids;
static _Atomic int mismatches;
static go_chan *iso_chan;

struct worker {
    go_frame hdr;
    int idx, i, rounds;
    go_chan *c;                 /* shared, buffered: suspends on full/empty */
    go_wg *wg;
};
static int worker__resume(go_frame *f)
{
    struct worker *fr = (struct worker *)f;
    GO_BEGIN(fr);
    if (go_local_get(&key_dtor) || go_local_get(&key_zero))
        atomic_fetch_add(&mismatches, 1);
    worker_ids[fr->idx] = go_id();
    go_local_set(&key_dtor, &values[fr->idx]);
    go_local_set(&key_zero, (void *)(intptr_t)(fr->idx + 1));
    for (fr->i = 0; fr->i < fr->rounds; fr->i++) {
        if (fr->i % 2)
            GO_AWAIT(fr, go_yield__begin());
        else
            GO_AWAIT(fr, go_send__begin(fr->c, &fr->idx));
        if (go_local_get(&key_dtor) != &values[fr->idx] ||
            go_local_get(&key_zero) != (void *)(intptr_t)(fr->idx + 1))
            atomic_fetch_add(&mismatches, 1);
    }
    go_wg_done(fr->wg);
    GO_END(fr);
}
static const go_func_info worker__info = GO_FUNC_INFO(worker__resume, struct worker);

struct drain {
    go_frame hdr;
    go_chan *c;
};
static int drain__resume(go_frame *f)
{
    struct drain *fr = (struct drain *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->c, NULL));
        if (!GO_RESULT(bool))
            break;
    }
    GO_END(fr);
}
static const go_func_info drain__info = GO_FUNC_INFO(drain__resume, struct drain);

struct iso_main {
    go_frame hdr;
    int ret, n, rounds, i;
    go_chan *c;
    go_wg wg;
};
static int iso_main__resume(go_frame *f)
{
    struct iso_main *fr = (struct iso_main *)f;
    GO_BEGIN(fr);
    fr->c = iso_chan = go_chan_make(sizeof(int), 4);
    for (fr->i = 0; fr->i < 2; fr->i++) {
        struct drain *d = NEW_FRAME(struct drain, drain__info);
        d->c = fr->c;
        go_spawn(&d->hdr);
    }
    go_wg_add(&fr->wg, fr->n);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        struct worker *w = NEW_FRAME(struct worker, worker__info);
        w->idx = fr->i;
        w->rounds = fr->rounds;
        w->c = fr->c;
        w->wg = &fr->wg;
        go_spawn(&w->hdr);
    }
    GO_AWAIT(fr, go_wg_wait__begin(&fr->wg));
    go_chan_close(fr->c);
    /* the main goroutine's own values are untouched by the workers' */
    if (go_local_get(&key_dtor) || go_local_get(&key_zero))
        atomic_fetch_add(&mismatches, 1);
    GO_END(fr);
}
static const go_func_info iso_main__info = GO_FUNC_INFO(iso_main__resume, struct iso_main);

START_TEST(isolated_across_suspensions_destroyed_once)
{
    int n = SCALE(200, 40), rounds = SCALE(200, 50);
    values = calloc((size_t)n, sizeof *values);
    worker_ids = calloc((size_t)n, sizeof *worker_ids);
    atomic_store(&mismatches, 0);
    struct iso_main *m = NEW_FRAME(struct iso_main, iso_main__info);
    m->n = n;
    m->rounds = rounds;
    RUN_MAIN(m);
    go_chan_free(iso_chan);   /* the drains may be abandoned on it */
    ck_assert_int_eq(atomic_load(&mismatches), 0);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(atomic_load(&values[i].destroyed), 1);
        ck_assert_int_eq(values[i].destroyed_by, worker_ids[i]);   /* on its goroutine */
    }
    free(values);
    free(worker_ids);
}
END_TEST

/* ---- a new goroutine starts with NULL, even on a reused G ----------------- */

struct setter {
    go_frame hdr;
    go_chan *done;
    int saw_value;
};
static int setter__resume(go_frame *f)
{
    struct setter *fr = (struct setter *)f;
    GO_BEGIN(fr);
    fr->saw_value = go_local_get(&key_dtor) != NULL || go_local_get(&key_zero) != NULL;
    go_local_set(&key_zero, fr);
    go_local_set(&key_dtor, NULL);   /* a NULL value: nothing to destroy */
    GO_AWAIT(fr, go_send__begin(fr->done, &fr->saw_value));
    GO_END(fr);
}
static const go_func_info setter__info = GO_FUNC_INFO(setter__resume, struct setter);

struct fresh_main {
    go_frame hdr;
    int ret, i, n, saw;
    go_chan *done;
};
static int fresh_main__resume(go_frame *f)
{
    struct fresh_main *fr = (struct fresh_main *)f;
    GO_BEGIN(fr);
    fr->done = go_chan_make(sizeof(int), 0);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        struct setter *s = NEW_FRAME(struct setter, setter__info);
        s->done = fr->done;
        go_spawn(&s->hdr);
        GO_AWAIT(fr, go_recv__begin(fr->done, &fr->saw));
        fr->ret += fr->saw;
    }
    go_chan_free(fr->done);
    GO_END(fr);
}
static const go_func_info fresh_main__info = GO_FUNC_INFO(fresh_main__resume, struct fresh_main);

START_TEST(new_goroutine_starts_null)
{
    struct fresh_main *m = NEW_FRAME(struct fresh_main, fresh_main__info);
    m->n = SCALE(2000, 300);
    ck_assert_int_eq(RUN_MAIN(m), 0);
    ck_assert_uint_eq(go_stats().spawns, (uint64_t)SCALE(2000, 300));
}
END_TEST

/* ---- replacing, clearing, key_make, destructors that set again ----------- */

static struct value replaced, kept, cleared;
static _Atomic int again_calls;
static go_local_key key_made;
static go_local_key key_again;   /* its destructor sets key_again again, for ever */
static go_local_key key_second;  /* set by key_first's destructor */
static struct value second_value;

static void again_destroy(void *p)
{
    atomic_fetch_add(&again_calls, 1);
    go_local_set(&key_again, p);
}

static void first_destroy(void *p)
{
    value_destroy(p);
    go_local_set(&key_second, &second_value);
}

static go_local_key key_first = GO_LOCAL_KEY_INIT(first_destroy);

struct rules_main {
    go_frame hdr;
    int ret;
};
static int rules_main__resume(go_frame *f)
{
    struct rules_main *fr = (struct rules_main *)f;
    key_made = go_local_key_make(value_destroy);
    key_again = go_local_key_make(again_destroy);
    key_second = go_local_key_make(value_destroy);
    go_local_set(&key_made, &replaced);
    go_local_set(&key_made, &kept);        /* replaced: not destroyed */
    go_local_set(&key_dtor, &cleared);
    go_local_set(&key_dtor, NULL);         /* cleared: not destroyed */
    go_local_set(&key_again, &again_calls);
    go_local_set(&key_first, &replaced);   /* its destructor sets key_second */
    fr->ret = go_local_get(&key_made) == &kept && go_local_get(&key_dtor) == NULL;
    return GO_DONE;
}
static const go_func_info rules_main__info = GO_FUNC_INFO(rules_main__resume, struct rules_main);

START_TEST(pthread_key_rules)
{
    struct rules_main *m = NEW_FRAME(struct rules_main, rules_main__info);
    ck_assert_int_eq(RUN_MAIN(m), 1);
    /* the main goroutine's values are destroyed when it returns, on it */
    ck_assert_int_eq(atomic_load(&kept.destroyed), 1);
    ck_assert_int_eq(kept.destroyed_by, 1);
    ck_assert_int_eq(atomic_load(&cleared.destroyed), 0);
    ck_assert_int_eq(atomic_load(&replaced.destroyed), 1);   /* as key_first's value */
    ck_assert_int_eq(atomic_load(&second_value.destroyed), 1);
    ck_assert_int_eq(atomic_load(&again_calls), 4);          /* bounded rounds */
    ck_assert_uint_ne(key_made.id, key_again.id);
}
END_TEST

/* ---- abandoned goroutines keep their values ------------------------------ */

static struct value *abandoned_value;

struct stuck {
    go_frame hdr;
    go_chan *never;
};
static int stuck__resume(go_frame *f)
{
    struct stuck *fr = (struct stuck *)f;
    GO_BEGIN(fr);
    go_local_set(&key_dtor, abandoned_value);
    GO_AWAIT(fr, go_recv__begin(fr->never, NULL));   /* nil channel: for ever */
    GO_END(fr);
}
static const go_func_info stuck__info = GO_FUNC_INFO(stuck__resume, struct stuck);

struct abandon_main {
    go_frame hdr;
    int ret;
};
static int abandon_main__resume(go_frame *f)
{
    struct abandon_main *fr = (struct abandon_main *)f;
    GO_BEGIN(fr);
    go_spawn(&NEW_FRAME(struct stuck, stuck__info)->hdr);
    while (go_stats().parks == 0)
        GO_AWAIT(fr, go_yield__begin());
    GO_END(fr);
}
static const go_func_info abandon_main__info =
    GO_FUNC_INFO(abandon_main__resume, struct abandon_main);

START_TEST(abandoned_not_destroyed)
{
    abandoned_value = calloc(1, sizeof *abandoned_value);
    struct abandon_main *m = NEW_FRAME(struct abandon_main, abandon_main__info);
    RUN_MAIN(m);
    ck_assert_int_eq(atomic_load(&abandoned_value->destroyed), 0);
    /* now only the abandoned goroutine's table reaches it: not a leak (LSan) */
    abandoned_value = NULL;
}
END_TEST

/* ---- plain threads: their own values, destroyed at thread exit ------------ */

static struct value thread_values[2];
static _Atomic int thread_mismatches;

static void *plain_thread(void *arg)
{
    struct value *v = arg;
    if (go_local_get(&key_dtor))
        atomic_fetch_add(&thread_mismatches, 1);
    go_local_set(&key_dtor, v);
    for (int i = 0; i < 1000; i++)
        if (go_local_get(&key_dtor) != v)
            atomic_fetch_add(&thread_mismatches, 1);
    return NULL;
}

struct sees_null {
    go_frame hdr;
    int ret;
};
static int sees_null__resume(go_frame *f)
{
    struct sees_null *fr = (struct sees_null *)f;
    fr->ret = go_local_get(&key_zero) == NULL;
    go_local_set(&key_zero, fr);
    return GO_DONE;
}
static const go_func_info sees_null__info = GO_FUNC_INFO(sees_null__resume, struct sees_null);

START_TEST(plain_threads_have_their_own)
{
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, plain_thread, &thread_values[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_eq(atomic_load(&thread_mismatches), 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(atomic_load(&thread_values[i].destroyed), 1);
        ck_assert_int_eq(thread_values[i].destroyed_by, 0);   /* not a goroutine */
    }

    /* this thread's value is its own, not its goroutines' (it runs them) */
    static int mine;
    go_local_set(&key_zero, &mine);
    struct sees_null *m = NEW_FRAME(struct sees_null, sees_null__info);
    ck_assert_int_eq(RUN_MAIN(m), 1);
    ck_assert_ptr_eq(go_local_get(&key_zero), &mine);
    go_local_set(&key_zero, NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("local");
    ADD_TEST(s, isolated_across_suspensions_destroyed_once);
    ADD_TEST(s, new_goroutine_starts_null);
    ADD_TEST(s, pthread_key_rules);
    ADD_TEST(s, abandoned_not_destroyed);
    ADD_TEST(s, plain_threads_have_their_own);
    return run_suite(s);
}
