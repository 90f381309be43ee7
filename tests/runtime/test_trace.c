/* test_trace.c — GOSCHED_TRACE: a child runs ping-pong pairs for ~150 ms
 * with GOSCHED_TRACE=10; every stderr line must have Go's schedtrace format
 * followed by our counters, one run-queue length per P, times increasing,
 * counters moving.  Off when unset or 0; a bad value stops the program.
 * go_stats() reports the same numbers. */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <gosched.h>

#include "death.h"
#include "sync_test.h"

/* ---- a workload of ping-pong pairs and yielders --------------------------- */

struct pinger {
    go_frame hdr;
    go_chan *to, *from;
    int64_t until;
    int v;
    go_wg *done;
};
static int pinger__resume(go_frame *f)
{
    struct pinger *fr = (struct pinger *)f;
    GO_BEGIN(fr);
    while (now_ns() < fr->until) {
        GO_AWAIT(fr, go_send__begin(fr->to, &fr->v));
        GO_AWAIT(fr, go_recv__begin(fr->from, &fr->v));
        GO_AWAIT(fr, go_yield__begin());
    }
    go_chan_close(fr->to);
    go_wg_done(fr->done);
    GO_END(fr);
}
static const go_func_info pinger__info = GO_FUNC_INFO(pinger__resume, struct pinger);

struct ponger {
    go_frame hdr;
    go_chan *to, *from;
    int v;
};
static int ponger__resume(go_frame *f)
{
    struct ponger *fr = (struct ponger *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->from, &fr->v));
        if (!GO_RESULT(bool))
            break;
        fr->v++;
        GO_AWAIT(fr, go_send__begin(fr->to, &fr->v));
    }
    GO_END(fr);
}
static const go_func_info ponger__info = GO_FUNC_INFO(ponger__resume, struct ponger);

enum { PAIRS = 4 };
static go_chan *chans[2 * PAIRS];

struct load_main {
    go_frame hdr;
    int ret, i;
    int64_t ms;
    go_wg done;
};
static int load_main__resume(go_frame *f)
{
    struct load_main *fr = (struct load_main *)f;
    GO_BEGIN(fr);
    go_wg_add(&fr->done, PAIRS);
    for (fr->i = 0; fr->i < PAIRS; fr->i++) {
        go_chan *a = chans[2 * fr->i] = go_chan_make(sizeof(int), 0);
        go_chan *b = chans[2 * fr->i + 1] = go_chan_make(sizeof(int), 0);
        struct pinger *pi = NEW_FRAME(struct pinger, pinger__info);
        pi->to = a;
        pi->from = b;
        pi->until = now_ns() + fr->ms * 1000000;
        pi->done = &fr->done;
        struct ponger *po = NEW_FRAME(struct ponger, ponger__info);
        po->to = b;
        po->from = a;
        go_spawn(&pi->hdr);
        go_spawn(&po->hdr);
    }
    GO_AWAIT(fr, go_wg_wait__begin(&fr->done));
    GO_END(fr);
}
static const go_func_info load_main__info = GO_FUNC_INFO(load_main__resume, struct load_main);

static void run_load(int64_t ms)
{
    struct load_main *m = NEW_FRAME(struct load_main, load_main__info);
    m->ms = ms;
    RUN_MAIN(m);
    for (int i = 0; i < 2 * PAIRS; i++)
        go_chan_free(chans[i]);
}

static void traced_child(void)
{
    setenv("GOSCHED_TRACE", "10", 1);
    run_load(150);
}

/* ---- the trace line ---------------------------------------------------------- */

struct trace_line {
    long long ms, runqueue, goroutines;
    int procs, idleprocs, threads, spinning, idlethreads;
    int nqueues;
    unsigned long long steals, parks, switches;
};

/* Parses one line (without its newline); false if it is not exactly the
 * format. */
static bool parse_line(const char *l, struct trace_line *t)
{
    int n = 0;
    if (sscanf(l, "SCHED %lldms: gomaxprocs=%d idleprocs=%d threads=%d spinningthreads=%d "
                  "idlethreads=%d runqueue=%lld [%n",
               &t->ms, &t->procs, &t->idleprocs, &t->threads, &t->spinning, &t->idlethreads,
               &t->runqueue, &n) != 7 || n == 0)
        return false;
    l += n;
    t->nqueues = 0;
    while (*l != ']') {
        unsigned len;
        if (t->nqueues && *l++ != ' ')
            return false;
        if (sscanf(l, "%u%n", &len, &n) != 1 || len > 257)
            return false;
        l += n;
        t->nqueues++;
    }
    n = 0;
    if (sscanf(l, "] goroutines=%lld steals=%llu parks=%llu switches=%llu%n", &t->goroutines,
               &t->steals, &t->parks, &t->switches, &n) != 4)
        return false;
    return l[n] == '\0';
}

START_TEST(trace_lines_every_period)
{
    death d;
    death_run(traced_child, &d);
    ck_assert_int_eq(death_exit_code(&d), 0);
    struct trace_line first = { 0 }, prev = { 0 }, t;
    int lines = 0;
    char *all = strdup(d.err);
    for (char *save, *l = strtok_r(d.err, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        ck_assert_msg(parse_line(l, &t), "bad line: %s", l);
        ck_assert_int_eq(t.procs, go_procs());
        ck_assert_int_eq(t.nqueues, t.procs);
        ck_assert_int_le(t.idleprocs, t.procs);
        ck_assert_int_ge(t.threads, 1);
        ck_assert_int_le(t.spinning, t.threads);
        ck_assert_int_le(t.idlethreads, t.threads);
        ck_assert_int_ge(t.runqueue, 0);
        ck_assert_int_ge(t.goroutines, 0);   /* 0: a last line after main returned */
        ck_assert_int_le(t.goroutines, 1 + 2 * PAIRS);
        if (lines) {
            ck_assert_int_gt(t.ms, prev.ms);
            ck_assert_uint_ge(t.switches, prev.switches);
            ck_assert_uint_ge(t.parks, prev.parks);
            ck_assert_uint_ge(t.steals, prev.steals);
        } else {
            ck_assert_int_ge(t.ms, 10);
            first = t;
        }
        prev = t;
        lines++;
    }
    /* ~14; under tsan, 8 Ms on 2 CPUs can starve the trace thread */
    ck_assert_msg(lines >= SCALE(5, 2), "%d lines in 150 ms:\n%s", lines, all);
    free(all);
    ck_assert_uint_gt(prev.switches, first.switches);
    ck_assert_uint_gt(prev.parks, first.parks);
}
END_TEST

static void untraced_child(void)
{
    setenv("GOSCHED_TRACE", "0", 1);
    run_load(30);
    unsetenv("GOSCHED_TRACE");
    run_load(30);
}

START_TEST(trace_off)
{
    death d;
    death_run(untraced_child, &d);
    ck_assert_int_eq(death_exit_code(&d), 0);
    ck_assert_str_eq(d.err, "");
}
END_TEST

static const char *bad_value;
static void bad_trace_child(void)
{
    setenv("GOSCHED_TRACE", bad_value, 1);
    run_load(1);
}

START_TEST(trace_bad_value)
{
    static const char *const bad[] = { "abc", "-1", "10x", "3600001", " " };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        bad_value = bad[i];
        death d;
        death_run(bad_trace_child, &d);
        ck_assert_int_eq(death_exit_code(&d), 2);
        char want[256];
        snprintf(want, sizeof want,
                 "fatal error: GOSCHED_TRACE=\"%s\": want a period in milliseconds from 0 to "
                 "3600000\n",
                 bad[i]);
        ck_assert_msg(strncmp(d.err, want, strlen(want)) == 0, "for %s: %s", bad[i], d.err);
    }
}
END_TEST

/* ---- go_stats() ---------------------------------------------------------------- */

struct nop {
    go_frame hdr;
};
static int nop__resume(go_frame *f)
{
    (void)f;
    return GO_DONE;
}
static const go_func_info nop__info = GO_FUNC_INFO(nop__resume, struct nop);

static go_stats_t during;

struct stats_main {
    go_frame hdr;
    int ret;
};
static int stats_main__resume(go_frame *f)
{
    struct stats_main *fr = (struct stats_main *)f;
    GO_BEGIN(fr);
    for (int i = 0; i < 10; i++)
        go_spawn(go_frame_alloc(&nop__info));
    during = go_stats();   /* without yielding: the 10 are queued (or stolen and run) */
    while (go_stats().goroutines > 1)
        GO_AWAIT(fr, go_yield__begin());
    GO_END(fr);
}
static const go_func_info stats_main__info = GO_FUNC_INFO(stats_main__resume, struct stats_main);

START_TEST(stats_fields)
{
    struct stats_main *m = NEW_FRAME(struct stats_main, stats_main__info);
    RUN_MAIN(m);
    ck_assert_int_ge(during.threads, 1);
    ck_assert_int_le(during.idle_threads, during.threads);
    ck_assert_int_le(during.spinning_threads, during.threads);
    ck_assert_int_le(during.idle_procs, during.procs - 1);   /* ours runs */
    ck_assert_int_eq(during.runqueue, 0);                    /* spawns go to the local queue */
    ck_assert_int_le(during.runnable, 10);
    if (during.procs == 1) {
        ck_assert_int_eq(during.runnable, 10);
        ck_assert_int_eq(during.goroutines, 11);
    }
    go_stats_t after = go_stats();
    ck_assert_int_eq(after.goroutines, 0);
    ck_assert_int_eq(after.runnable, 0);
    ck_assert_int_ge(after.threads, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("trace");
    ADD_TEST(s, trace_lines_every_period);
    ADD_TEST(s, trace_off);
    ADD_TEST(s, trace_bad_value);
    ADD_TEST(s, stats_fields);
    return run_suite(s);
}
