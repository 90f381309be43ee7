/* test_rwmutex.c — go_rwmutex: readers share, writers exclude everyone, a
 * stream of readers does not starve a writer, trylock/tryrlock, misuse
 * panics, and plain threads as readers and writers. */
#include <pthread.h>

#include "death.h"
#include "sync_test.h"

static go_rwmutex rw;
static go_wg wg;
static atomic_int readers_in, writers_in, max_readers_in;
static atomic_int violations;
static int shared;                   /* written by writers only */
static atomic_bool stop;

static void reader_enter(void)
{
    atomic_max(&max_readers_in, atomic_fetch_add(&readers_in, 1) + 1);
    if (atomic_load(&writers_in) != 0)
        atomic_fetch_add(&violations, 1);
}

static void writer_enter(void)
{
    if (atomic_fetch_add(&writers_in, 1) != 0 || atomic_load(&readers_in) != 0)
        atomic_fetch_add(&violations, 1);
}

/* ---- readers are concurrent ---------------------------------------------------- */

struct patient_reader {
    go_frame hdr;
    int64_t deadline;
};

static int patient_reader__resume(go_frame *f)
{
    struct patient_reader *fr = (struct patient_reader *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_rwmutex_rlock__begin(&rw));
    reader_enter();
    /* stay inside until two readers have been inside at once (or give up) */
    fr->deadline = now_ns() + 2000000000;
    while (atomic_load(&max_readers_in) < 2 && now_ns() < fr->deadline)
        GO_AWAIT(fr, go_yield__begin());
    atomic_fetch_sub(&readers_in, 1);
    go_rwmutex_runlock(&rw);
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info patient_reader__info = GO_FUNC_INFO(patient_reader__resume, struct patient_reader);

struct concurrent_main {
    go_frame hdr;
    int ret;
};

static int concurrent_main__resume(go_frame *f)
{
    struct concurrent_main *fr = (struct concurrent_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&wg, 4);
    for (int k = 0; k < 4; k++)
        go_spawn(&NEW_FRAME(struct patient_reader, patient_reader__info)->hdr);
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    GO_END(fr);
}
static const go_func_info concurrent_main__info = GO_FUNC_INFO(concurrent_main__resume, struct concurrent_main);

START_TEST(readers_concurrent)
{
    ck_assert_int_eq(RUN_MAIN(NEW_FRAME(struct concurrent_main, concurrent_main__info)), 0);
    ck_assert_int_ge(atomic_load(&max_readers_in), 2);
    ck_assert_int_eq(rw.readers, 0);
}
END_TEST

/* ---- writers exclude readers and each other ------------------------------------- */

struct writer {
    go_frame hdr;
    int n, i;
};

static int writer__resume(go_frame *f)
{
    struct writer *fr = (struct writer *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        GO_AWAIT(fr, go_rwmutex_lock__begin(&rw));
        writer_enter();
        shared++;
        if (fr->i % 3 == 0)
            GO_AWAIT(fr, go_yield__begin());
        atomic_fetch_sub(&writers_in, 1);
        go_rwmutex_unlock(&rw);
    }
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info writer__info = GO_FUNC_INFO(writer__resume, struct writer);

static atomic_long reads;

struct reader {
    go_frame hdr;
    int n, i, seen;
};

static int reader__resume(go_frame *f)
{
    struct reader *fr = (struct reader *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        GO_AWAIT(fr, go_rwmutex_rlock__begin(&rw));
        reader_enter();
        if (shared < fr->seen)       /* writes only go forward */
            atomic_fetch_add(&violations, 1);
        fr->seen = shared;
        if (fr->i % 2 == 0)
            GO_AWAIT(fr, go_yield__begin());
        atomic_fetch_sub(&readers_in, 1);
        go_rwmutex_runlock(&rw);
        atomic_fetch_add(&reads, 1);
    }
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info reader__info = GO_FUNC_INFO(reader__resume, struct reader);

enum { WRITERS = 4, READERS = 8, PLAIN = 2 };
static pthread_t threads[PLAIN];
static int plain_n;
static atomic_int plain_started;

static void *plain_writer(void *arg)
{
    (void)arg;
    for (int i = 0; i < plain_n; i++) {
        go_rwmutex_lock(&rw);
        if (i == 0)
            atomic_fetch_add(&plain_started, 1);
        writer_enter();
        shared++;
        atomic_fetch_sub(&writers_in, 1);
        go_rwmutex_unlock(&rw);
    }
    go_wg_done(&wg);
    return NULL;
}

static void *plain_reader(void *arg)
{
    (void)arg;
    for (int i = 0; i < plain_n; i++) {
        go_rwmutex_rlock(&rw);
        if (i == 0)
            atomic_fetch_add(&plain_started, 1);
        reader_enter();
        atomic_fetch_sub(&readers_in, 1);
        go_rwmutex_runlock(&rw);
        atomic_fetch_add(&reads, 1);
    }
    go_wg_done(&wg);
    return NULL;
}

struct mixed_main {
    go_frame hdr;
    int ret;
    int n;
    bool plain;
};

static int mixed_main__resume(go_frame *f)
{
    struct mixed_main *fr = (struct mixed_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&wg, WRITERS + READERS + (fr->plain ? PLAIN : 0));
    if (fr->plain) {
        pthread_create(&threads[0], NULL, plain_writer, NULL);
        pthread_create(&threads[1], NULL, plain_reader, NULL);
    }
    for (int k = 0; k < WRITERS + READERS; k++) {
        if (k % 3 == 0) {
            struct writer *w = NEW_FRAME(struct writer, writer__info);
            w->n = fr->n;
            go_spawn(&w->hdr);
        } else {
            struct reader *r = NEW_FRAME(struct reader, reader__info);
            r->n = fr->n;
            go_spawn(&r->hdr);
        }
    }
    while (fr->plain && atomic_load(&plain_started) < PLAIN)
        GO_AWAIT(fr, go_yield__begin());
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    GO_END(fr);
}
static const go_func_info mixed_main__info = GO_FUNC_INFO(mixed_main__resume, struct mixed_main);

static void run_mixed(bool plain)
{
    struct mixed_main *root = NEW_FRAME(struct mixed_main, mixed_main__info);
    root->n = SCALE(20000, 10000);
    root->plain = plain;
    plain_n = root->n;
    ck_assert_int_eq(RUN_MAIN(root), 0);
    if (plain)
        for (int k = 0; k < PLAIN; k++)
            pthread_join(threads[k], NULL);
    ck_assert_int_eq(atomic_load(&violations), 0);
    ck_assert_int_eq(shared, (WRITERS + (plain ? 1 : 0)) * plain_n);
    ck_assert_int_eq(atomic_load(&reads), (long)(READERS + (plain ? 1 : 0)) * plain_n);
    ck_assert_int_eq(rw.readers, 0);
    ck_assert_int_eq(rw.departing, 0);
    ck_assert_uint_eq(rw.w.state, 0);
}

START_TEST(writers_exclusive)
{
    run_mixed(false);
}
END_TEST

START_TEST(shared_with_plain_threads)
{
    run_mixed(true);
}
END_TEST

/* ---- a stream of readers does not starve a writer --------------------------------- */

static atomic_long reader_rounds;
static int64_t writer_wait_ns;
static atomic_bool writer_done;

struct stream_reader {
    go_frame hdr;
    int64_t deadline;
};

static int stream_reader__resume(go_frame *f)
{
    struct stream_reader *fr = (struct stream_reader *)f;
    GO_BEGIN(fr);
    fr->deadline = now_ns() + 5000000000;
    while (!atomic_load(&stop) && now_ns() < fr->deadline) {
        GO_AWAIT(fr, go_rwmutex_rlock__begin(&rw));
        busy_ns(1000);
        GO_AWAIT(fr, go_yield__begin());     /* others join while we hold */
        go_rwmutex_runlock(&rw);
        atomic_fetch_add(&reader_rounds, 1);
    }
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info stream_reader__info = GO_FUNC_INFO(stream_reader__resume, struct stream_reader);

struct late_writer {
    go_frame hdr;
    int64_t t0;
};

static int late_writer__resume(go_frame *f)
{
    struct late_writer *fr = (struct late_writer *)f;
    GO_BEGIN(fr);
    while (atomic_load(&reader_rounds) < 200)
        GO_AWAIT(fr, go_yield__begin());
    fr->t0 = now_ns();
    GO_AWAIT(fr, go_rwmutex_lock__begin(&rw));
    writer_wait_ns = now_ns() - fr->t0;
    atomic_store(&writer_done, true);
    go_rwmutex_unlock(&rw);
    atomic_store(&stop, true);
    go_wg_done(&wg);
    GO_END(fr);
}
static const go_func_info late_writer__info = GO_FUNC_INFO(late_writer__resume, struct late_writer);

struct stream_main {
    go_frame hdr;
    int ret;
};

static int stream_main__resume(go_frame *f)
{
    struct stream_main *fr = (struct stream_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&wg, 7);
    for (int k = 0; k < 6; k++)
        go_spawn(&NEW_FRAME(struct stream_reader, stream_reader__info)->hdr);
    go_spawn(&NEW_FRAME(struct late_writer, late_writer__info)->hdr);
    GO_AWAIT(fr, go_wg_wait__begin(&wg));
    GO_END(fr);
}
static const go_func_info stream_main__info = GO_FUNC_INFO(stream_main__resume, struct stream_main);

START_TEST(writer_not_starved)
{
    ck_assert_int_eq(RUN_MAIN(NEW_FRAME(struct stream_main, stream_main__info)), 0);
    ck_assert_msg(atomic_load(&writer_done), "the writer never got the lock");
    ck_assert_msg(writer_wait_ns < 500000000, "the writer waited %lld ms",
                  (long long)(writer_wait_ns / 1000000));
}
END_TEST

/* ---- trylock / tryrlock -------------------------------------------------------------- */

START_TEST(try_variants)
{
    go_rwmutex m = GO_RWMUTEX_INIT;
    ck_assert(go_rwmutex_tryrlock(&m));
    ck_assert(go_rwmutex_tryrlock(&m));
    ck_assert(!go_rwmutex_trylock(&m));          /* readers inside */
    go_rwmutex_runlock(&m);
    go_rwmutex_runlock(&m);
    ck_assert(go_rwmutex_trylock(&m));
    ck_assert(!go_rwmutex_tryrlock(&m));         /* a writer inside */
    ck_assert(!go_rwmutex_trylock(&m));
    go_rwmutex_unlock(&m);
    go_rwmutex_rlock(&m);                        /* plain thread, free */
    void (*runlock)(go_rwmutex *) = (go_rwmutex_runlock);
    runlock(&m);
    go_rwmutex_lock(&m);
    void (*unlock)(go_rwmutex *) = (go_rwmutex_unlock);
    unlock(&m);
    ck_assert_int_eq(m.readers, 0);
    ck_assert_uint_eq(m.w.state, 0);
}
END_TEST

/* ---- misuse ------------------------------------------------------------------------------ */

struct bad_runlock {
    go_frame hdr;
    int ret;
};

static const int bad_runlock_line = __LINE__ + 5;
static int bad_runlock__resume(go_frame *f)
{
    struct bad_runlock *fr = (struct bad_runlock *)f;
    GO_BEGIN(fr);
    go_rwmutex_runlock(&rw);
    GO_END(fr);
}
static const go_func_info bad_runlock__info = GO_FUNC_INFO(bad_runlock__resume, struct bad_runlock);

static void die_runlock(void)
{
    RUN_MAIN(NEW_FRAME(struct bad_runlock, bad_runlock__info));
}

static void die_unlock(void)
{
    go_rwmutex_rlock(&rw);
    go_rwmutex_unlock(&rw);
}

static void die_runlock_of_write_locked(void)
{
    go_rwmutex_lock(&rw);
    go_rwmutex_runlock(&rw);
}

START_TEST(misuse)
{
    death d;
    char where[64];
    death_run(die_runlock, &d);
    ck_assert_msg(death_signal(&d) || death_exit_code(&d), "the child did not die");
    ck_assert_msg(strstr(d.err, "sync: RUnlock of unlocked RWMutex"), "%s", d.err);
    snprintf(where, sizeof where, "test_rwmutex.c:%d", bad_runlock_line);
    ck_assert_msg(strstr(d.err, where), "no %s in: %s", where, d.err);

    death_run(die_unlock, &d);
    ck_assert_msg(strstr(d.err, "sync: Unlock of unlocked RWMutex"), "%s", d.err);

    death_run(die_runlock_of_write_locked, &d);
    ck_assert_msg(strstr(d.err, "sync: RUnlock of unlocked RWMutex"), "%s", d.err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rwmutex");
    ADD_TEST(s, readers_concurrent);
    ADD_TEST(s, writers_exclusive);
    ADD_TEST(s, shared_with_plain_threads);
    ADD_TEST(s, writer_not_starved);
    ADD_TEST(s, try_variants);
    ADD_TEST(s, misuse);
    return run_suite(s);
}
