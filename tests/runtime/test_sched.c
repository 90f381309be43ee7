/* test_sched.c — the scheduler core with hand-written frames: spawning and
 * exiting, goroutine ids, yield order, runnext, nested calls without native
 * recursion, errno across suspensions, frame caches, work stealing, idle CPU,
 * repeated go_run_main, the deadlock report. */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gosched.h>

#include "frames.h"

#include "../../libsched/internal.h"
#include "death.h"

/* ---- a goroutine that bumps a counter (and records its id and thread) --- */

struct bump {
    go_frame hdr;
    _Atomic int *counter;
    int64_t *ids;
    pthread_t *threads;
    int idx;
    int work_us;            /* busy CPU work before finishing */
};

static void burn_us(int us)
{
    struct timespec t0, t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    do
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000 + (t.tv_nsec - t0.tv_nsec) / 1000 < us);
}

static int bump__resume(go_frame *f)
{
    struct bump *fr = (struct bump *)f;
    if (fr->ids)
        fr->ids[fr->idx] = go_id();
    if (fr->threads)
        fr->threads[fr->idx] = pthread_self();
    if (fr->work_us)
        burn_us(fr->work_us);
    atomic_fetch_add(fr->counter, 1);
    return GO_DONE;
}
static const go_func_info bump__info = GO_FUNC_INFO(bump__resume, struct bump);

/* main: spawn n bumps, yield until all ran; returns 7. */
struct spawner {
    go_frame hdr;
    int ret;
    int n, i;
    _Atomic int counter;
    int64_t *ids;
    pthread_t *threads;
    int work_us;
    int batch;              /* wait for each batch of this many (0: no) */
};

static int spawner__resume(go_frame *f)
{
    struct spawner *fr = (struct spawner *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        struct bump *b = go_frame_alloc(&bump__info);
        b->counter = &fr->counter;
        b->ids = fr->ids;
        b->threads = fr->threads;
        b->idx = fr->i;
        b->work_us = fr->work_us;
        go_spawn(&b->hdr);
        /* batches that fit the local run queue: other Ps must steal them */
        if (fr->batch && (fr->i + 1) % fr->batch == 0)
            while (atomic_load(&fr->counter) < fr->i + 1)
                GO_AWAIT(fr, go_yield__begin());
    }
    while (atomic_load(&fr->counter) < fr->n)
        GO_AWAIT(fr, go_yield__begin());
    fr->ret = 7;
    GO_END(fr);
}
static const go_func_info spawner__info = GO_FUNC_INFO(spawner__resume, struct spawner);

static struct spawner *spawner_new(int n)
{
    struct spawner *s = go_frame_alloc(&spawner__info);
    memset((char *)s + sizeof s->hdr, 0, sizeof *s - sizeof s->hdr);
    s->n = n;
    return s;
}

START_TEST(spawn_and_exit)
{
    enum { N = 1000 };
    struct spawner *s = spawner_new(N);
    int64_t *ids = calloc(N, sizeof *ids);
    s->ids = ids;
    ck_assert_int_eq(go_id(), 0);
    ck_assert_int_eq(go_run_main(&s->hdr, &s->ret), 7);
    ck_assert_int_eq(go_id(), 0);
    /* every goroutine ran once with a unique id, none is 0 or main's 1 */
    int64_t *sorted = malloc(N * sizeof *sorted);
    memcpy(sorted, ids, N * sizeof *sorted);
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            ck_assert_msg(sorted[i] != sorted[j], "ids %d and %d are both %lld", i, j,
                          (long long)sorted[i]);
    for (int i = 0; i < N; i++)
        ck_assert_int_gt(ids[i], 1);
    go_stats_t st = go_stats();
    ck_assert_uint_eq(st.spawns, N);
    ck_assert_int_eq(st.goroutines, 0);   /* all returned, main too */
    ck_assert_int_eq(st.procs, go_procs());
    free(sorted);
    free(ids);
}
END_TEST

/* ---- main's id is 1, every run ------------------------------------------- */

struct idcheck {
    go_frame hdr;
    int ret;
};
static int idcheck__resume(go_frame *f)
{
    struct idcheck *fr = (struct idcheck *)f;
    fr->ret = (int)go_id();
    return GO_DONE;
}
static const go_func_info idcheck__info = GO_FUNC_INFO(idcheck__resume, struct idcheck);

START_TEST(repeated_run_main)
{
    for (int round = 0; round < 20; round++) {
        struct idcheck *c = go_frame_alloc(&idcheck__info);
        ck_assert_int_eq(go_run_main(&c->hdr, &c->ret), 1);
        struct spawner *s = spawner_new(100);
        ck_assert_int_eq(go_run_main(&s->hdr, &s->ret), 7);
        ck_assert_uint_eq(go_stats().spawns, 100);
    }
    /* a NULL result gives 0 */
    struct idcheck *c = go_frame_alloc(&idcheck__info);
    ck_assert_int_eq(go_run_main(&c->hdr, NULL), 0);
}
END_TEST

/* ---- yield fairness and runnext, with one P --------------------------------- */

static char order_log[512];
static _Atomic int order_len;

static void log_char(char c)
{
    order_log[atomic_fetch_add(&order_len, 1)] = c;
}

struct yielder {
    go_frame hdr;
    char name;
    int i, n;
    _Atomic int *done;
};
static int yielder__resume(go_frame *f)
{
    struct yielder *fr = (struct yielder *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        log_char(fr->name);
        GO_AWAIT(fr, go_yield__begin());
    }
    atomic_fetch_add(fr->done, 1);
    GO_END(fr);
}
static const go_func_info yielder__info = GO_FUNC_INFO(yielder__resume, struct yielder);

struct yield_main {
    go_frame hdr;
    int ret;
    int nkids, rounds;
    _Atomic int done;
    int i;
};
static int yield_main__resume(go_frame *f)
{
    struct yield_main *fr = (struct yield_main *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->nkids; fr->i++) {
        struct yielder *y = go_frame_alloc(&yielder__info);
        y->name = (char)('A' + fr->i);
        y->n = fr->rounds;
        y->done = &fr->done;
        go_spawn(&y->hdr);
    }
    while (atomic_load(&fr->done) < fr->nkids)
        GO_AWAIT(fr, go_yield__begin());
    GO_END(fr);
}
static const go_func_info yield_main__info = GO_FUNC_INFO(yield_main__resume, struct yield_main);

static void run_yielders(int nkids, int rounds)
{
    atomic_store(&order_len, 0);
    memset(order_log, 0, sizeof order_log);
    struct yield_main *m = go_frame_alloc(&yield_main__info);
    m->nkids = nkids;
    m->rounds = rounds;
    atomic_store(&m->done, 0);
    go_run_main(&m->hdr, NULL);
}

START_TEST(yield_alternates)
{
    setenv("GOSCHED_PROCS", "1", 1);
    run_yielders(2, 100);
    ck_assert_int_eq(atomic_load(&order_len), 200);
    for (int i = 0; i + 1 < 200; i++)
        ck_assert_msg(order_log[i] != order_log[i + 1], "no alternation at %d: %s", i, order_log);
}
END_TEST

START_TEST(runnext_lifo_of_one)
{
    /* Spawning puts the new G in runnext and kicks the previous one to the
     * tail: with one P, A B C spawned then a yield run as C A B. */
    setenv("GOSCHED_PROCS", "1", 1);
    run_yielders(3, 1);
    ck_assert_str_eq(order_log, "CAB");
}
END_TEST

/* GOSCHED_SEED with one P: the same seed replays the same interleaving,
 * different seeds give different ones, and every yield is still logged. */
START_TEST(seeded_schedule_replays)
{
    enum { SEEDS = 6, KIDS = 4, ROUNDS = 5 };
    char logs[SEEDS][KIDS * ROUNDS + 1];
    setenv("GOSCHED_PROCS", "1", 1);
    for (int seed = 0; seed < SEEDS; seed++) {
        char val[16];
        snprintf(val, sizeof val, "%d", seed + 1);
        setenv("GOSCHED_SEED", val, 1);
        for (int run = 0; run < 2; run++) {
            run_yielders(KIDS, ROUNDS);
            ck_assert_int_eq(atomic_load(&order_len), KIDS * ROUNDS);
            for (int k = 0; k < KIDS; k++) {
                int n = 0;
                for (int i = 0; i < KIDS * ROUNDS; i++)
                    n += order_log[i] == 'A' + k;
                ck_assert_int_eq(n, ROUNDS);
            }
            if (run == 0)
                memcpy(logs[seed], order_log, sizeof logs[seed]);
            else
                ck_assert_msg(!memcmp(logs[seed], order_log, sizeof logs[seed]),
                              "seed %d replayed %s as %s", seed + 1, logs[seed], order_log);
        }
    }
    int distinct = 0;
    for (int i = 0; i < SEEDS; i++) {
        bool seen = false;
        for (int j = 0; j < i; j++)
            seen = seen || !memcmp(logs[i], logs[j], sizeof logs[i]);
        distinct += !seen;
    }
    ck_assert_msg(distinct >= SEEDS - 1, "only %d different schedules over %d seeds", distinct,
                  SEEDS);
    unsetenv("GOSCHED_SEED");
}
END_TEST

/* ---- runnext is capped: a ping-pong pair cannot starve the queue ------------------- */

struct pp_shared {
    go_chan *ab, *ba;
    _Atomic int rounds, stop, done;
};

struct pinger {
    go_frame hdr;
    struct pp_shared *sh;
    int x;
};
static int pinger__resume(go_frame *f)
{
    struct pinger *fr = (struct pinger *)f;
    GO_BEGIN(fr);
    while (!atomic_load(&fr->sh->stop) && atomic_load(&fr->sh->rounds) < 100000) {
        atomic_fetch_add(&fr->sh->rounds, 1);
        GO_AWAIT(fr, go_send__begin(fr->sh->ab, &fr->x));
        GO_AWAIT(fr, go_recv__begin(fr->sh->ba, &fr->x));
    }
    go_chan_close(fr->sh->ab);
    atomic_fetch_add(&fr->sh->done, 1);
    GO_END(fr);
}
static const go_func_info pinger__info = GO_FUNC_INFO(pinger__resume, struct pinger);

struct ponger {
    go_frame hdr;
    struct pp_shared *sh;
    int x;
};
static int ponger__resume(go_frame *f)
{
    struct ponger *fr = (struct ponger *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->sh->ab, &fr->x));
        if (!GO_RESULT(bool))
            break;
        GO_AWAIT(fr, go_send__begin(fr->sh->ba, &fr->x));
    }
    atomic_fetch_add(&fr->sh->done, 1);
    GO_END(fr);
}
static const go_func_info ponger__info = GO_FUNC_INFO(ponger__resume, struct ponger);

struct pp_main {
    go_frame hdr;
    int ret;
    struct pp_shared sh;
};
static int pp_main__resume(go_frame *f)
{
    struct pp_main *fr = (struct pp_main *)f;
    GO_BEGIN(fr);
    fr->sh.ab = go_chan_make(sizeof(int), 0);
    fr->sh.ba = go_chan_make(sizeof(int), 0);
    struct pinger *a = go_frame_alloc(&pinger__info);
    a->sh = &fr->sh;
    go_spawn(&a->hdr);
    struct ponger *b = go_frame_alloc(&ponger__info);
    b->sh = &fr->sh;
    go_spawn(&b->hdr);
    /* main goes to the tail of the queue; the pair then hands the P back
     * and forth through runnext */
    GO_AWAIT(fr, go_yield__begin());
    fr->ret = atomic_load(&fr->sh.rounds);
    atomic_store(&fr->sh.stop, 1);
    while (atomic_load(&fr->sh.done) < 2)
        GO_AWAIT(fr, go_yield__begin());
    go_chan_free(fr->sh.ab);
    go_chan_free(fr->sh.ba);
    GO_END(fr);
}
static const go_func_info pp_main__info = GO_FUNC_INFO(pp_main__resume, struct pp_main);

START_TEST(runnext_cannot_starve_queue)
{
    setenv("GOSCHED_PROCS", "1", 1);
    struct pp_main *m = go_frame_alloc(&pp_main__info);
    memset(&m->sh, 0, sizeof m->sh);
    int rounds = go_run_main(&m->hdr, &m->ret);
    /* 64 runnext runs in a row (32 rounds), then the queue's head runs */
    ck_assert_int_ge(rounds, 1);
    ck_assert_int_le(rounds, 40);
}
END_TEST

/* ---- nested calls: results, heap children, 10,000-deep recursion ---------- */

static uintptr_t shallow_sp, deep_sp;

struct sum {
    go_frame hdr;
    int64_t ret;
    int n;
    struct sum *child;
};
static const go_func_info sum__info;

/* sum(n) = n + sum(n - 1), one frame per level */
static int sum__resume(go_frame *f)
{
    struct sum *fr = (struct sum *)f;
    GO_BEGIN(fr);
    {
        int local;
        uintptr_t sp = (uintptr_t)&local;
        if (fr->n == 10000)
            shallow_sp = sp;
        if (fr->n == 1)
            deep_sp = sp;
    }
    if (fr->n == 0) {
        fr->ret = 0;
        return GO_DONE;
    }
    fr->child = go_frame_alloc(&sum__info);
    fr->child->n = fr->n - 1;
    GO_AWAIT_CALL(fr, &fr->child->hdr);
    fr->ret = fr->n + fr->child->ret;
    go_frame_free(fr->child);
    GO_END(fr);
}
static const go_func_info sum__info = GO_FUNC_INFO(sum__resume, struct sum);

/* an inline (non-heap) child frame, which suspends in the middle */
struct twice {
    go_frame hdr;
    int ret;
    int x;
};
static int twice__resume(go_frame *f)
{
    struct twice *fr = (struct twice *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_yield__begin());
    fr->ret = 2 * fr->x;
    GO_END(fr);
}
static const go_func_info twice__info = GO_FUNC_INFO(twice__resume, struct twice);

struct calls_main {
    go_frame hdr;
    int ret;
    struct sum *s;
    struct twice t;   /* child storage inside the parent frame */
    int acc;
};
static int calls_main__resume(go_frame *f)
{
    struct calls_main *fr = (struct calls_main *)f;
    GO_BEGIN(fr);
    fr->s = go_frame_alloc(&sum__info);
    fr->s->n = 10000;
    GO_AWAIT_CALL(fr, &fr->s->hdr);
    ck_assert_int_eq(fr->s->ret, 50005000);
    go_frame_free(fr->s);
    fr->t.hdr = GO_FRAME_INIT(&twice__info);
    fr->t.x = 21;
    GO_AWAIT_CALL(fr, &fr->t.hdr);
    fr->acc = fr->t.ret;
    fr->ret = fr->acc;
    GO_END(fr);
}
static const go_func_info calls_main__info = GO_FUNC_INFO(calls_main__resume, struct calls_main);

START_TEST(nested_calls)
{
    struct calls_main *m = go_frame_alloc(&calls_main__info);
    ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 42);
    /* depth 1 ran at (about) the same C stack depth as depth 10,000 */
    intptr_t d = (intptr_t)shallow_sp - (intptr_t)deep_sp;
    ck_assert_msg(d > -1024 && d < 1024, "stack moved by %lld bytes: native recursion?",
                  (long long)d);
}
END_TEST

/* ---- errno across suspensions ---------------------------------------------- */

struct errno_g {
    go_frame hdr;
    int value, i;
    _Atomic int *bad, *done;
};
static int errno_g__resume(go_frame *f)
{
    struct errno_g *fr = (struct errno_g *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < 50; fr->i++) {
        errno = fr->value;
        GO_AWAIT(fr, go_yield__begin());
        if (errno != fr->value)
            atomic_fetch_add(fr->bad, 1);
    }
    atomic_fetch_add(fr->done, 1);
    GO_END(fr);
}
static const go_func_info errno_g__info = GO_FUNC_INFO(errno_g__resume, struct errno_g);

struct errno_main {
    go_frame hdr;
    int ret, i;
    _Atomic int bad, done;
};
static int errno_main__resume(go_frame *f)
{
    struct errno_main *fr = (struct errno_main *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < 8; fr->i++) {
        struct errno_g *g = go_frame_alloc(&errno_g__info);
        g->value = 100 + fr->i;
        g->bad = &fr->bad;
        g->done = &fr->done;
        go_spawn(&g->hdr);
    }
    while (atomic_load(&fr->done) < 8)
        GO_AWAIT(fr, go_yield__begin());
    fr->ret = atomic_load(&fr->bad);
    GO_END(fr);
}
static const go_func_info errno_main__info = GO_FUNC_INFO(errno_main__resume, struct errno_main);

START_TEST(errno_preserved)
{
    struct errno_main *m = go_frame_alloc(&errno_main__info);
    atomic_store(&m->bad, 0);
    atomic_store(&m->done, 0);
    ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 0);
}
END_TEST

/* ---- frame caches --------------------------------------------------------------- */

struct blob100 { go_frame hdr; char pad[100]; };
struct blob4k { go_frame hdr; char pad[4000]; };
static int noop__resume(go_frame *f) { (void)f; return GO_DONE; }
static const go_func_info blob100__info = GO_FUNC_INFO(noop__resume, struct blob100);
static const go_func_info blob4k__info = GO_FUNC_INFO(noop__resume, struct blob4k);

struct reuse_main {
    go_frame hdr;
    int ret;
};
static int reuse_main__resume(go_frame *f)
{
    struct reuse_main *fr = (struct reuse_main *)f;
    void *a = go_frame_alloc(&blob100__info);
    go_frame_free(a);
    void *b = go_frame_alloc(&blob100__info);
    int reused = a == b;   /* the P's cache hands back the block just freed */
    go_frame *h = b;
    int header_ok = h->info == &blob100__info && h->parent == NULL && h->state == 0 &&
                    h->flags == GO_FRAME_HEAP;
    memset((char *)b + sizeof(go_frame), 0xab, 100);
    go_frame_free(b);
    void *big = go_frame_alloc(&blob4k__info);
    memset((char *)big + sizeof(go_frame), 0xcd, 4000);
    go_frame_free(big);
    /* many frames at once: beyond the per-P bound, through the global list */
    void *many[1000];
    for (int i = 0; i < 1000; i++)
        many[i] = go_frame_alloc(&blob100__info);
    for (int i = 0; i < 1000; i++)
        go_frame_free(many[i]);
    for (int i = 0; i < 1000; i++)
        many[i] = go_frame_alloc(&blob100__info);
    for (int i = 0; i < 1000; i++)
        go_frame_free(many[i]);
    fr->ret = reused * 10 + header_ok;
    return GO_DONE;
}
static const go_func_info reuse_main__info = GO_FUNC_INFO(reuse_main__resume, struct reuse_main);

START_TEST(frame_alloc_reuse)
{
    /* outside a goroutine: plain malloc, header set */
    go_frame *f = go_frame_alloc(&blob100__info);
    ck_assert_ptr_eq(f->info, &blob100__info);
    ck_assert_ptr_null(f->parent);
    ck_assert_int_eq(f->state, 0);
    ck_assert_uint_eq(f->flags, GO_FRAME_HEAP);
    go_frame_free(f);
    struct reuse_main *m = go_frame_alloc(&reuse_main__info);
    ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 11);
}
END_TEST

/* ---- stealing ---------------------------------------------------------------------- */

START_TEST(work_is_stolen)
{
    /* One goroutine spawns them all on its P; the other P's M must steal. */
    setenv("GOSCHED_PROCS", "2", 1);
    enum { N = SCALE(1000, 200) };
    struct spawner *s = spawner_new(N);
    pthread_t *threads = calloc(N, sizeof *threads);
    s->threads = threads;
    s->work_us = 1000;
    s->batch = 200;
    ck_assert_int_eq(go_run_main(&s->hdr, &s->ret), 7);
    int ran_on_first = 0;
    for (int i = 0; i < N; i++)
        if (pthread_equal(threads[i], threads[0]))
            ran_on_first++;
    go_stats_t st = go_stats();
    /* both Ms did work (how much depends on the OS: the machine may be busy) */
    ck_assert_msg(ran_on_first > 0 && ran_on_first < N,
                  "%d of %d goroutines ran on one thread", ran_on_first, N);
    ck_assert_uint_gt(st.steals, 0);
    ck_assert_uint_ge(st.switches, N);
    free(threads);
}
END_TEST

/* ---- plain threads: go__thread_wait / go__wake both ways ---------------------------- */

struct handshake {
    go_frame hdr;
    int ret;
};

static go__waiter thread_waiter;          /* the plain thread's */
static go__waiter *_Atomic goroutine_waiter;
static _Atomic int handshake_noted;

/* The deadlock check is off once a plain thread used the runtime (and may
 * use it again); a plain thread that has not yet done so when every
 * goroutine blocks is not known to the runtime.  So these tests let their
 * plain thread announce itself before go_run_main (the note lasts until the
 * end of the next go_run_main). */
static void *handshake_thread(void *arg)
{
    (void)arg;
    go__note_plain_thread();
    atomic_store(&handshake_noted, 1);
    go__thread_wait(&thread_waiter);            /* woken by the goroutine */
    go__waiter *w;
    while (!(w = atomic_load(&goroutine_waiter)))
        sched_yield();
    go__wake(w);                                /* go__ready without a P */
    return NULL;
}

static void publish_waiter(void *arg)
{
    atomic_store(&goroutine_waiter, (go__waiter *)arg);
}

static int handshake__resume(go_frame *f)
{
    struct handshake *fr = (struct handshake *)f;
    GO_BEGIN(fr);
    go__wake(&thread_waiter);
    go__curg()->wait.g = go__curg();
    go__park("handshake", publish_waiter, &go__curg()->wait);
    GO_AWAIT(fr, GO_WAIT);
    fr->ret = (int)go_id();
    GO_END(fr);
}
static const go_func_info handshake__info = GO_FUNC_INFO(handshake__resume, struct handshake);

START_TEST(thread_wait_and_wake)
{
    for (int round = 0; round < 20; round++) {
        memset(&thread_waiter, 0, sizeof thread_waiter);
        atomic_store(&goroutine_waiter, NULL);
        atomic_store(&handshake_noted, 0);
        pthread_t t;
        pthread_create(&t, NULL, handshake_thread, NULL);
        while (!atomic_load(&handshake_noted))
            sched_yield();
        struct handshake *m = go_frame_alloc(&handshake__info);
        ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 1);
        pthread_join(t, NULL);
    }
}
END_TEST

/* ---- idle Ms use no CPU ---------------------------------------------------------------- */

enum { IDLE_RECEIVERS = 4 };

static double cpu_ms_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

struct idle_io {
    go_chan *hello, *start, *data, *done;
    _Atomic int noted;
    double cpu_ms, wall_ms;
};

/* The plain thread: announce itself (see handshake_thread), wait for the
 * start signal, then 300 ms while every goroutine is blocked. */
static void *idle_sender(void *arg)
{
    struct idle_io *io = arg;
    int v = 0;
    go_chan_send_blocking(io->hello, &v);   /* buffered: does not block */
    atomic_store(&io->noted, 1);
    go_chan_recv_blocking(io->start, &v);
    struct timespec w0, w1, d = { 0, 300 * 1000000 };
    double c0 = cpu_ms_now();
    clock_gettime(CLOCK_MONOTONIC, &w0);
    nanosleep(&d, NULL);
    io->cpu_ms = cpu_ms_now() - c0;
    clock_gettime(CLOCK_MONOTONIC, &w1);
    io->wall_ms = (w1.tv_sec - w0.tv_sec) * 1e3 + (w1.tv_nsec - w0.tv_nsec) / 1e6;
    for (v = 0; v < IDLE_RECEIVERS; v++)
        go_chan_send_blocking(io->data, &v);
    return NULL;
}

struct idle_recv {
    go_frame hdr;
    struct idle_io *io;
    int v;
};
static int idle_recv__resume(go_frame *f)
{
    struct idle_recv *fr = (struct idle_recv *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_recv__begin(fr->io->data, &fr->v));
    GO_AWAIT(fr, go_send__begin(fr->io->done, &fr->v));
    GO_END(fr);
}
static const go_func_info idle_recv__info = GO_FUNC_INFO(idle_recv__resume, struct idle_recv);

struct idle_main {
    go_frame hdr;
    int ret;
    struct idle_io *io;
    int i, v, sum;
};
static int idle_main__resume(go_frame *f)
{
    struct idle_main *fr = (struct idle_main *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < IDLE_RECEIVERS; fr->i++) {
        struct idle_recv *r = go_frame_alloc(&idle_recv__info);
        r->io = fr->io;
        go_spawn(&r->hdr);
    }
    GO_AWAIT(fr, go_send__begin(fr->io->start, &fr->i));
    for (fr->i = 0; fr->i < IDLE_RECEIVERS; fr->i++) {
        GO_AWAIT(fr, go_recv__begin(fr->io->done, &fr->v));
        fr->sum += fr->v;
    }
    fr->ret = fr->sum;
    GO_END(fr);
}
static const go_func_info idle_main__info = GO_FUNC_INFO(idle_main__resume, struct idle_main);

START_TEST(idle_uses_no_cpu)
{
    struct idle_io io = {
        .hello = go_chan_make(sizeof(int), 1),
        .start = go_chan_make(sizeof(int), 0),
        .data = go_chan_make(sizeof(int), 0),
        .done = go_chan_make(sizeof(int), IDLE_RECEIVERS),
    };
    pthread_t t;
    pthread_create(&t, NULL, idle_sender, &io);
    while (!atomic_load(&io.noted))
        sched_yield();
    struct idle_main *m = go_frame_alloc(&idle_main__info);
    m->io = &io;
    m->sum = 0;
    ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 0 + 1 + 2 + 3);
    pthread_join(t, NULL);
    ck_assert_msg(io.wall_ms >= 290, "slept only %.1f ms", io.wall_ms);
    ck_assert_msg(io.cpu_ms < 30, "the idle runtime burnt %.1f ms of CPU in %.1f ms",
                  io.cpu_ms, io.wall_ms);
    go_chan_free(io.hello);
    go_chan_free(io.start);
    go_chan_free(io.data);
    go_chan_free(io.done);
}
END_TEST

/* Goroutines still blocked when main returns are abandoned, as in Go; a
 * channel only they reach is not a leak (the asan preset's LSan checks this
 * test's process at exit). */
struct orphan {
    go_frame hdr;
    go_chan *c;
};
static int orphan__resume(go_frame *f)
{
    struct orphan *fr = (struct orphan *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_recv__begin(fr->c, NULL));
    GO_END(fr);
}
static const go_func_info orphan__info = GO_FUNC_INFO(orphan__resume, struct orphan);

struct orphan_main {
    go_frame hdr;
    int ret;
};
static int orphan_main__resume(go_frame *f)
{
    struct orphan_main *fr = (struct orphan_main *)f;
    GO_BEGIN(fr);
    for (int i = 0; i < 100; i++) {
        struct orphan *o = go_frame_alloc(&orphan__info);
        o->c = go_chan_make(sizeof(int), (size_t)i % 3);
        go_spawn(&o->hdr);
    }
    GO_AWAIT(fr, go_yield__begin());
    fr->ret = 7;
    GO_END(fr);
}
static const go_func_info orphan_main__info = GO_FUNC_INFO(orphan_main__resume, struct orphan_main);

START_TEST(abandoned_goroutines)
{
    for (int run = 0; run < 3; run++) {
        struct orphan_main *m = go_frame_alloc(&orphan_main__info);
        ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 7);
    }
}
END_TEST

/* A plain thread that has not touched the API yet when every goroutine
 * blocks: its later send must be awaited, not reported as a deadlock. */
static void *late_sender(void *arg)
{
    go_chan *c = arg;
    struct timespec d = { 0, 100 * 1000000 };
    nanosleep(&d, NULL);
    int v = 42;
    go_chan_send_blocking(c, &v);
    return NULL;
}

struct late_main {
    go_frame hdr;
    int ret;
    go_chan *c;
};
static int late_main__resume(go_frame *f)
{
    struct late_main *fr = (struct late_main *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->ret));
    GO_END(fr);
}
static const go_func_info late_main__info = GO_FUNC_INFO(late_main__resume, struct late_main);

static void late_plain_thread_run(void)
{
    go_chan *c = go_chan_make(sizeof(int), 0);
    pthread_t t;
    pthread_create(&t, NULL, late_sender, c);
    struct late_main *m = go_frame_alloc(&late_main__info);
    m->c = c;
    int got = go_run_main(&m->hdr, &m->ret);
    pthread_join(t, NULL);
    go_chan_free(c);
    if (got != 42)
        abort();
}

START_TEST(no_deadlock_while_plain_thread_lives)
{
    death d;
    death_run(late_plain_thread_run, &d);
    ck_assert_msg(death_exit_code(&d) == 0, "exit %d, stderr:\n%s", death_exit_code(&d), d.err);
    ck_assert_str_eq(d.err, "");
}
END_TEST

/* ---- deadlock report ------------------------------------------------------------------------ */

static void unlock_nothing(void *arg) { (void)arg; }

struct stuck {
    go_frame hdr;
    int ret;
};
static int stuck__resume(go_frame *f)
{
    struct stuck *fr = (struct stuck *)f;
    GO_BEGIN(fr);
    go__park("test wait", unlock_nothing, NULL);
    GO_AWAIT(fr, GO_WAIT);   /* STUCK_LINE */
    GO_END(fr);
}
static const go_func_info stuck__info = GO_FUNC_INFO(stuck__resume, struct stuck);

struct stuck_main {
    go_frame hdr;
    int ret;
    struct stuck *inner;
};
static int stuck_main__resume(go_frame *f)
{
    struct stuck_main *fr = (struct stuck_main *)f;
    GO_BEGIN(fr);
    go_spawn(&((struct stuck *)go_frame_alloc(&stuck__info))->hdr);
    go_spawn(&((struct stuck *)go_frame_alloc(&stuck__info))->hdr);
    fr->inner = go_frame_alloc(&stuck__info);
    GO_AWAIT_CALL(fr, &fr->inner->hdr);   /* MAIN_LINE */
    GO_END(fr);
}
static const go_func_info stuck_main__info = GO_FUNC_INFO(stuck_main__resume, struct stuck_main);

static void deadlock_child(void)
{
    struct stuck_main *m = go_frame_alloc(&stuck_main__info);
    go_run_main(&m->hdr, &m->ret);
}

/* The thread that calls go_run_main used the API just before: it becomes
 * an M, so the deadlock is still reported. */
static void deadlock_after_plain_use_child(void)
{
    go_chan *c = go_chan_make(sizeof(int), 1);
    int v = 1;
    go_chan_send_blocking(c, &v);
    go_chan_recv_blocking(c, &v);
    deadlock_child();
}

START_TEST(deadlock_report)
{
    death d;
    death_run(deadlock_child, &d);
    ck_assert_int_eq(death_exit_code(&d), 2);
    ck_assert_msg(strncmp(d.err, "fatal error: all goroutines are asleep - deadlock!\n\n",
                          52) == 0, "got: %s", d.err);
    char want[1024];
    snprintf(want, sizeof want,
             "goroutine 1 [test wait]:\n\tstuck() at %s:%d\n\tstuck_main() at %s:%d\n",
             __FILE__, line_of("STUCK_LINE"), __FILE__, line_of("MAIN_LINE"));
    ck_assert_msg(strstr(d.err, want), "missing\n%s\nin\n%s", want, d.err);
    for (int id = 2; id <= 3; id++) {
        snprintf(want, sizeof want, "goroutine %d [test wait]:\n\tstuck() at %s:%d\n", id,
                 __FILE__, line_of("STUCK_LINE"));
        ck_assert_msg(strstr(d.err, want), "missing\n%s\nin\n%s", want, d.err);
    }
}
END_TEST

START_TEST(deadlock_after_plain_use)
{
    death d;
    death_run(deadlock_after_plain_use_child, &d);
    ck_assert_msg(death_exit_code(&d) == 2, "exit %d, stderr:\n%s", death_exit_code(&d), d.err);
    ck_assert(strstr(d.err, "all goroutines are asleep - deadlock!"));
}
END_TEST

static Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, spawn_and_exit);
    tcase_add_test(tc, repeated_run_main);
    tcase_add_test(tc, yield_alternates);
    tcase_add_test(tc, runnext_lifo_of_one);
    tcase_add_test(tc, seeded_schedule_replays);
    tcase_add_test(tc, runnext_cannot_starve_queue);
    tcase_add_test(tc, nested_calls);
    tcase_add_test(tc, errno_preserved);
    tcase_add_test(tc, frame_alloc_reuse);
    tcase_add_test(tc, work_is_stolen);
    tcase_add_test(tc, thread_wait_and_wake);
    tcase_add_test(tc, idle_uses_no_cpu);
    tcase_add_test(tc, no_deadlock_while_plain_thread_lives);
    tcase_add_test(tc, abandoned_goroutines);
    tcase_add_test(tc, deadlock_report);
    tcase_add_test(tc, deadlock_after_plain_use);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sched_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
