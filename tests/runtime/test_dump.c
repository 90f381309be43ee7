/* test_dump.c — goroutine dumps: SIGQUIT in a child whose goroutines wait
 * at known lines (each state, nested chains, frames described by lines[]
 * tables), the same goroutines in a deadlock report, wait times of a minute
 * and more, go_dump while goroutines run on every M (consistent frames, no
 * races), and go_run_main's handling of SIGQUIT and of its helper thread. */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <gosched.h>

#include "frames.h"

#include "../../libsched/proc.h"
#include "death.h"
#include "sync_test.h"

/* The line of this file holding `marker` (outside this function's calls). */
/* ---- goroutines waiting at known lines ---------------------------------- */

static go_chan *ch_recv, *ch_send, *ch_sel1, *ch_sel2, *ch_desc;
static go_mutex mu;
static go_wg wg;

struct inner {
    go_frame hdr;
};
static int inner__resume(go_frame *f)
{
    struct inner *fr = (struct inner *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_recv__begin(ch_recv, NULL));   /* INNER_LINE */
    GO_END(fr);
}
static const go_func_info inner__info = GO_FUNC_INFO(inner__resume, struct inner);

struct middle {
    go_frame hdr;
    struct inner in;
};
static int middle__resume(go_frame *f)
{
    struct middle *fr = (struct middle *)f;
    GO_BEGIN(fr);
    fr->in.hdr = GO_FRAME_INIT(&inner__info);
    GO_AWAIT_CALL(fr, &fr->in.hdr);   /* MIDDLE_LINE */
    GO_END(fr);
}
static const go_func_info middle__info = GO_FUNC_INFO(middle__resume, struct middle);

struct outer {
    go_frame hdr;
    struct middle *mid;   /* a heap child frame, as for recursion */
};
static int outer__resume(go_frame *f)
{
    struct outer *fr = (struct outer *)f;
    GO_BEGIN(fr);
    fr->mid = go_frame_alloc(&middle__info);
    GO_AWAIT_CALL(fr, &fr->mid->hdr);   /* OUTER_LINE */
    GO_END(fr);
}
static const go_func_info outer__info = GO_FUNC_INFO(outer__resume, struct outer);

struct sender {
    go_frame hdr;
    int v;
};
static int sender__resume(go_frame *f)
{
    struct sender *fr = (struct sender *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_send__begin(ch_send, &fr->v));   /* SEND_LINE */
    GO_END(fr);
}
static const go_func_info sender__info = GO_FUNC_INFO(sender__resume, struct sender);

struct selecter {
    go_frame hdr;
    go_case cases[2];
};
static int selecter__resume(go_frame *f)
{
    struct selecter *fr = (struct selecter *)f;
    GO_BEGIN(fr);
    fr->cases[0] = (go_case)GO_CASE_RECV(ch_sel1, NULL);
    fr->cases[1] = (go_case)GO_CASE_RECV(ch_sel2, NULL);
    GO_AWAIT(fr, go_select__begin(fr->cases, 2));   /* SELECT_LINE */
    GO_END(fr);
}
static const go_func_info selecter__info = GO_FUNC_INFO(selecter__resume, struct selecter);

struct locker {
    go_frame hdr;
};
static int locker__resume(go_frame *f)
{
    struct locker *fr = (struct locker *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_mutex_lock__begin(&mu));   /* LOCK_LINE */
    GO_END(fr);
}
static const go_func_info locker__info = GO_FUNC_INFO(locker__resume, struct locker);

struct waiter {
    go_frame hdr;
};
static int waiter__resume(go_frame *f)
{
    struct waiter *fr = (struct waiter *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_wg_wait__begin(&wg));   /* WG_LINE */
    GO_END(fr);
}
static const go_func_info waiter__info = GO_FUNC_INFO(waiter__resume, struct waiter);

/* A frame described as gotransform describes them: lines[state]. */
static const int described_lines[] = { 200, 210, 220 };
struct described {
    go_frame hdr;
};
static int described__resume(go_frame *f)
{
    struct described *fr = (struct described *)f;
    if (fr->hdr.state == 2)
        return GO_DONE;
    fr->hdr.state = 2;
    return go_recv__begin(ch_desc, NULL) == GO_WAIT ? GO_SUSPEND : GO_DONE;
}
static const go_func_info described__info = {
    .resume = described__resume, .name = "worker", .file = "/src/app.c",
    .lines = described_lines, .nstates = 3, .frame_size = sizeof(struct described),
};

struct desc_parent {
    go_frame hdr;
    struct described child;
};
static int desc_parent__resume(go_frame *f)
{
    struct desc_parent *fr = (struct desc_parent *)f;
    GO_BEGIN(fr);
    fr->child.hdr = GO_FRAME_INIT(&described__info);
    GO_AWAIT_CALL(fr, &fr->child.hdr);   /* DESC_CALL_LINE */
    GO_END(fr);
}
static const go_func_info desc_parent__info = GO_FUNC_INFO(desc_parent__resume, struct desc_parent);

struct sleeper {
    go_frame hdr;
};
static int sleeper__resume(go_frame *f)
{
    struct sleeper *fr = (struct sleeper *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_sleep__begin(3600 * 1000000000LL));   /* SLEEP_LINE */
    GO_END(fr);
}
static const go_func_info sleeper__info = GO_FUNC_INFO(sleeper__resume, struct sleeper);

static int quiet_pipe[2];   /* nothing is ever written */

struct io_waiter {
    go_frame hdr;
};
static int io_waiter__resume(go_frame *f)
{
    struct io_waiter *fr = (struct io_waiter *)f;
    GO_BEGIN(fr);
    GO_AWAIT(fr, go_fd_wait__begin(quiet_pipe[0], POLLIN, -1));   /* IO_LINE */
    GO_END(fr);
}
static const go_func_info io_waiter__info = GO_FUNC_INFO(io_waiter__resume, struct io_waiter);

struct spinner {
    go_frame hdr;
};
static int spinner__resume(go_frame *f)
{
    struct spinner *fr = (struct spinner *)f;
    GO_BEGIN(fr);
    for (;;)
        GO_AWAIT(fr, go_yield__begin());   /* SPIN_LINE */
    GO_END(fr);
}
static const go_func_info spinner__info = GO_FUNC_INFO(spinner__resume, struct spinner);

enum { N_BLOCKED = 6, N_BLOCKED_SIGQUIT = 8 };

/* SIGQUIT goes to a plain thread waiting in pause(): under ThreadSanitizer a
 * signal is handled when its thread next enters the C library, and an idle M
 * sleeping in a raw futex syscall may not for ever (the test then hung);
 * the handler is the runtime's either way. */
static pthread_t quit_target;

struct scene_main {
    go_frame hdr;
    int ret;
    bool sigquit;   /* with a spinner, then SIGQUIT; else a deadlock */
};
static int scene_main__resume(go_frame *f)
{
    struct scene_main *fr = (struct scene_main *)f;
    GO_BEGIN(fr);
    ch_recv = go_chan_make(1, 0);
    ch_send = go_chan_make(1, 0);
    ch_sel1 = go_chan_make(1, 0);
    ch_sel2 = go_chan_make(1, 0);
    ch_desc = go_chan_make(1, 0);
    go_mutex_trylock(&mu);
    go_wg_add(&wg, 1);
    go_spawn(go_frame_alloc(&outer__info));                      /* 2 */
    go_spawn(go_frame_alloc(&sender__info));                     /* 3 */
    go_spawn(go_frame_alloc(&selecter__info));                   /* 4 */
    go_spawn(go_frame_alloc(&locker__info));                     /* 5 */
    go_spawn(go_frame_alloc(&waiter__info));                     /* 6 */
    go_spawn(go_frame_alloc(&desc_parent__info));                /* 7 */
    if (fr->sigquit) {
        go_spawn(go_frame_alloc(&sleeper__info));                /* 8 */
        pipe2(quiet_pipe, O_NONBLOCK | O_CLOEXEC);
        go_spawn(go_frame_alloc(&io_waiter__info));              /* 9 */
        go_spawn(go_frame_alloc(&spinner__info));                /* 10 */
    }
    while (go_stats().parks < (fr->sigquit ? N_BLOCKED_SIGQUIT : N_BLOCKED))
        GO_AWAIT(fr, go_yield__begin());
    if (fr->sigquit)
        pthread_kill(quit_target, SIGQUIT);
    GO_AWAIT(fr, go_recv__begin(NULL, NULL));   /* MAIN_WAIT_LINE */
    GO_END(fr);
}
static const go_func_info scene_main__info = GO_FUNC_INFO(scene_main__resume, struct scene_main);

static void *wait_for_signals(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static void run_scene(bool sigquit)
{
    if (sigquit)
        pthread_create(&quit_target, NULL, wait_for_signals, NULL);
    struct scene_main *m = go_frame_alloc(&scene_main__info);
    m->sigquit = sigquit;
    go_run_main(&m->hdr, &m->ret);
}

static void sigquit_child(void) { run_scene(true); }

/* As Go does, an inherited SIG_IGN (background jobs of a shell) is overridden. */
static void ignored_sigquit_child(void)
{
    signal(SIGQUIT, SIG_IGN);
    run_scene(true);
}
static void deadlock_child(void) { run_scene(false); }

/* The blocks of goroutines 1 to 7, as both reports print them. */
static void scene_blocks(char *out, size_t size)
{
    const char *f = __FILE__;
    snprintf(out, size,
             "goroutine 1 [chan receive (nil chan)]:\n\tscene_main() at %s:%d\n\n"
             "goroutine 2 [chan receive]:\n\tinner() at %s:%d\n\tmiddle() at %s:%d\n"
             "\touter() at %s:%d\n\n"
             "goroutine 3 [chan send]:\n\tsender() at %s:%d\n\n"
             "goroutine 4 [select]:\n\tselecter() at %s:%d\n\n"
             "goroutine 5 [sync.Mutex.Lock]:\n\tlocker() at %s:%d\n\n"
             "goroutine 6 [sync.WaitGroup.Wait]:\n\twaiter() at %s:%d\n\n"
             "goroutine 7 [chan receive]:\n\tworker() at /src/app.c:220\n"
             "\tdesc_parent() at %s:%d\n",
             f, line_of("MAIN_WAIT_LINE"), f, line_of("INNER_LINE"), f, line_of("MIDDLE_LINE"),
             f, line_of("OUTER_LINE"), f, line_of("SEND_LINE"), f, line_of("SELECT_LINE"),
             f, line_of("LOCK_LINE"), f, line_of("WG_LINE"), f, line_of("DESC_CALL_LINE"));
}

START_TEST(sigquit_dumps_every_goroutine_and_exits_2)
{
    death d;
    death_run(sigquit_child, &d);
    char blocks[4096], want[8192];
    scene_blocks(blocks, sizeof blocks);
    snprintf(want, sizeof want,
             "SIGQUIT: quit\n\n%s\n"
             "goroutine 8 [sleep]:\n\tsleeper() at %s:%d\n\n"
             "goroutine 9 [IO wait]:\n\tio_waiter() at %s:%d\n\n"
             "goroutine 10 [runnable]:\n\tspinner() at %s:%d\n",
             blocks, __FILE__, line_of("SLEEP_LINE"), __FILE__, line_of("IO_LINE"), __FILE__,
             line_of("SPIN_LINE"));
    ck_assert_msg(strcmp(d.err, want) == 0, "want\n%s\ngot\n%s", want, d.err);
    ck_assert_int_eq(death_exit_code(&d), 2);
}
END_TEST

START_TEST(sigquit_ignored_before_still_dumps)
{
    death d;
    death_run(ignored_sigquit_child, &d);
    ck_assert_msg(strncmp(d.err, "SIGQUIT: quit\n\ngoroutine 1 [", 28) == 0, "%s", d.err);
    ck_assert_int_eq(death_exit_code(&d), 2);
}
END_TEST

START_TEST(deadlock_report_same_format)
{
    death d;
    death_run(deadlock_child, &d);
    char blocks[4096], want[8192];
    scene_blocks(blocks, sizeof blocks);
    snprintf(want, sizeof want, "fatal error: all goroutines are asleep - deadlock!\n\n%s", blocks);
    ck_assert_msg(strcmp(d.err, want) == 0, "want\n%s\ngot\n%s", want, d.err);
    ck_assert_int_eq(death_exit_code(&d), 2);
}
END_TEST

/* ---- waits of a minute and more ------------------------------------------ */

static char *wait_text;

static void age_waiting(go_g *g, void *arg)
{
    if (atomic_load(&g->status) == GO_G_WAITING)
        g->wait_since -= *(int64_t *)arg;
}

struct aged_main {
    go_frame hdr;
    int ret;
};
static int aged_main__resume(go_frame *f)
{
    struct aged_main *fr = (struct aged_main *)f;
    GO_BEGIN(fr);
    ch_recv = go_chan_make(1, 0);
    go_spawn(go_frame_alloc(&outer__info));
    ch_send = go_chan_make(1, 0);
    go_spawn(go_frame_alloc(&sender__info));
    while (go_stats().parks < 2)
        GO_AWAIT(fr, go_yield__begin());
    {
        int64_t age = 125 * 1000000000LL;   /* 2 minutes 5 s */
        go__for_each_g(age_waiting, &age);
        size_t len;
        FILE *out = open_memstream(&wait_text, &len);
        go_dump(out);
        fclose(out);
    }
    GO_END(fr);
}
static const go_func_info aged_main__info = GO_FUNC_INFO(aged_main__resume, struct aged_main);

START_TEST(wait_of_minutes_is_shown)
{
    setenv("GOSCHED_PROCS", "1", 1);
    struct aged_main *m = go_frame_alloc(&aged_main__info);
    go_run_main(&m->hdr, &m->ret);
    ck_assert_msg(strstr(wait_text, "goroutine 2 [chan receive, 2 minutes]:\n\tinner() at "),
                  "%s", wait_text);
    ck_assert_msg(strstr(wait_text, "goroutine 3 [chan send, 2 minutes]:\n\tsender() at "),
                  "%s", wait_text);
    /* the dumping goroutine itself runs: no wait */
    ck_assert_msg(strncmp(wait_text, "goroutine 1 [running]:\n", 23) == 0, "%s", wait_text);
    free(wait_text);
    go_chan_free(ch_recv);
    go_chan_free(ch_send);
}
END_TEST

/* ---- go_dump while goroutines run on every M ------------------------------ */

/* Ping-pong pairs and yielders switch all the time; the main goroutine and
 * a plain thread dump again and again.  Every block must name a goroutine
 * that is running (no frames), or show frames at the lines it can wait at. */

struct pinger {
    go_frame hdr;
    go_chan *to, *from;
    int i, n;
    go_wg *done;
};
static int pinger__resume(go_frame *f)
{
    struct pinger *fr = (struct pinger *)f;
    GO_BEGIN(fr);
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        GO_AWAIT(fr, go_send__begin(fr->to, &fr->i));   /* PING_SEND */
        GO_AWAIT(fr, go_recv__begin(fr->from, NULL));   /* PING_RECV */
    }
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
        GO_AWAIT(fr, go_recv__begin(fr->from, &fr->v));   /* PONG_RECV */
        if (!GO_RESULT(bool))
            break;
        GO_AWAIT(fr, go_send__begin(fr->to, &fr->v));     /* PONG_SEND */
    }
    GO_END(fr);
}
static const go_func_info ponger__info = GO_FUNC_INFO(ponger__resume, struct ponger);

/* Is `func` at `line` a place where the dump test's goroutines wait? */
static bool waits_there(const char *func, int line)
{
    if (strcmp(func, "pinger") == 0)
        return line == line_of("PING_SEND") || line == line_of("PING_RECV");
    if (strcmp(func, "ponger") == 0)
        return line == line_of("PONG_RECV") || line == line_of("PONG_SEND");
    return strcmp(func, "dumper") == 0 &&
           (line == line_of("DUMPER_YIELD") || line == line_of("DUMPER_WAIT"));
}

/* Checks a dump block by block: a header, then one frame line (these
 * goroutines make no nested calls), or no frames for one running
 * elsewhere.  Returns a description of the first bad block, or NULL. */
static const char *check_dump(char *text)
{
    static char bad[512];
    char frame_fmt[600];
    snprintf(frame_fmt, sizeof frame_fmt, "\t%%63[a-z_]() at %s:%%d", __FILE__);
    bool first = true;
    for (char *save, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        long long id;
        char state[64];
        if (sscanf(l, "goroutine %lld [%63[^]]]:", &id, state) != 2)
            return snprintf(bad, sizeof bad, "bad header: %.80s", l), bad;
        char *frame = strtok_r(NULL, "\n", &save);
        if (!frame)
            return snprintf(bad, sizeof bad, "no frame line after %.80s", l), bad;
        bool current = first && go_id() == id;
        first = false;
        if (strcmp(state, "running") == 0 && !current) {
            if (strcmp(frame, "\tgoroutine running on other thread; frames unavailable"))
                return snprintf(bad, sizeof bad, "running, with frames: %.80s", frame), bad;
            continue;
        }
        if (current && strncmp(frame, "\tdumper() at ", 13) == 0)
            continue;   /* before its first GO_AWAIT, its state is 0: no line */
        char func[64];
        int line = 0;
        int got = sscanf(frame, frame_fmt, func, &line);
        if (got == 1 && strcmp(state, "runnable") == 0 && strstr(frame, __FILE__) &&
            strlen(strstr(frame, __FILE__)) == strlen(__FILE__))
            continue;   /* not started yet: state 0, no line (hand-written frame) */
        if (got != 2 || !waits_there(func, line))
            return snprintf(bad, sizeof bad, "goroutine %lld [%s]: %.120s", id, state, frame),
                   bad;
    }
    return NULL;
}

static _Atomic int dumps_bad;
static char dump_bad_text[1024];
static _Atomic bool dumping_done;

static void dump_and_check(void)
{
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    go_dump(out);
    fclose(out);
    char *copy = strdup(text);
    const char *bad = check_dump(copy);
    if (bad && atomic_fetch_add(&dumps_bad, 1) == 0)
        snprintf(dump_bad_text, sizeof dump_bad_text, "%s\nin\n%.600s", bad, text);
    free(copy);
    free(text);
}

static void *plain_dumper(void *arg)
{
    (void)arg;
    while (!atomic_load(&dumping_done))
        dump_and_check();
    return NULL;
}

static go_chan **pair_chans;
static pthread_t plain_dumper_thread;

struct dumper {
    go_frame hdr;
    int ret, i, pairs, rounds, dumps;
    go_wg done;
};
static int dumper__resume(go_frame *f)
{
    struct dumper *fr = (struct dumper *)f;
    GO_BEGIN(fr);
    pair_chans = calloc(2 * (size_t)fr->pairs, sizeof *pair_chans);
    go_wg_add(&fr->done, fr->pairs);
    for (fr->i = 0; fr->i < fr->pairs; fr->i++) {
        go_chan *a = pair_chans[2 * fr->i] = go_chan_make(sizeof(int), 0);
        go_chan *b = pair_chans[2 * fr->i + 1] = go_chan_make(sizeof(int), 0);
        struct pinger *pi = NEW_FRAME(struct pinger, pinger__info);
        *pi = (struct pinger){ .hdr = pi->hdr, .to = a, .from = b, .n = fr->rounds, .done = &fr->done };
        struct ponger *po = NEW_FRAME(struct ponger, ponger__info);
        *po = (struct ponger){ .hdr = po->hdr, .to = b, .from = a };
        go_spawn(&pi->hdr);
        go_spawn(&po->hdr);
    }
    pthread_create(&plain_dumper_thread, NULL, plain_dumper, NULL);
    for (fr->i = 0; fr->i < fr->dumps; fr->i++) {
        dump_and_check();
        GO_AWAIT(fr, go_yield__begin());   /* DUMPER_YIELD */
    }
    atomic_store(&dumping_done, true);
    GO_AWAIT(fr, go_wg_wait__begin(&fr->done));   /* DUMPER_WAIT */
    for (fr->i = 0; fr->i < 2 * fr->pairs; fr->i++)
        go_chan_close(pair_chans[fr->i]);
    GO_END(fr);
}
static const go_func_info dumper__info = GO_FUNC_INFO(dumper__resume, struct dumper);

START_TEST(dump_while_running)
{
    struct dumper *m = NEW_FRAME(struct dumper, dumper__info);
    m->pairs = SCALE(16, 4);
    m->rounds = SCALE(20000, 2000);
    m->dumps = SCALE(50, 10);
    int pairs = m->pairs;
    RUN_MAIN(m);
    pthread_join(plain_dumper_thread, NULL);
    for (int i = 0; i < 2 * pairs; i++)
        go_chan_free(pair_chans[i]);   /* pongers may be abandoned on them */
    free(pair_chans);
    ck_assert_msg(atomic_load(&dumps_bad) == 0, "%s", dump_bad_text);
}
END_TEST

/* ---- go_run_main and SIGQUIT ------------------------------------------------ */

static int threads_now(void)
{
    DIR *dir = opendir("/proc/self/task");
    int n = 0;
    for (struct dirent *e; (e = readdir(dir));)
        n += e->d_name[0] != '.';
    closedir(dir);
    return n;
}

struct handler_main {
    go_frame hdr;
    int ret;
};
static int handler_main__resume(go_frame *f)
{
    struct handler_main *fr = (struct handler_main *)f;
    struct sigaction sa;
    sigaction(SIGQUIT, NULL, &sa);
    fr->ret = sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN;   /* ours, during the run */
    return GO_DONE;
}
static const go_func_info handler_main__info =
    GO_FUNC_INFO(handler_main__resume, struct handler_main);

static void *nothing(void *arg) { return arg; }

START_TEST(sigquit_action_restored_no_thread_left)
{
    pthread_t t;   /* first, so that ThreadSanitizer's helper thread exists */
    pthread_create(&t, NULL, nothing, NULL);
    pthread_join(t, NULL);
    int before = threads_now();
    for (int i = 0; i < 3; i++) {
        struct handler_main *m = go_frame_alloc(&handler_main__info);
        ck_assert_int_eq(go_run_main(&m->hdr, &m->ret), 1);
        struct sigaction sa;
        sigaction(SIGQUIT, NULL, &sa);
        ck_assert_ptr_eq((void *)sa.sa_handler, (void *)SIG_DFL);
        ck_assert_int_eq(threads_now(), before);   /* Ms, sysmon, diagnostics: joined */
    }
}
END_TEST

/* A program's own SIGQUIT handler is left alone. */
static volatile sig_atomic_t got_sigquit;
static void own_handler(int sig)
{
    (void)sig;
    got_sigquit = 1;
}

struct own_main {
    go_frame hdr;
    int ret;
};
static int own_main__resume(go_frame *f)
{
    struct own_main *fr = (struct own_main *)f;
    GO_BEGIN(fr);
    kill(getpid(), SIGQUIT);
    while (!got_sigquit)
        GO_AWAIT(fr, go_yield__begin());
    fr->ret = 5;
    GO_END(fr);
}
static const go_func_info own_main__info = GO_FUNC_INFO(own_main__resume, struct own_main);

static void own_handler_child(void)
{
    signal(SIGQUIT, own_handler);
    struct own_main *m = go_frame_alloc(&own_main__info);
    int r = go_run_main(&m->hdr, &m->ret);
    struct sigaction sa;
    sigaction(SIGQUIT, NULL, &sa);
    fprintf(stderr, "ret %d, handler kept %d\n", r, sa.sa_handler == own_handler);
}

START_TEST(own_sigquit_handler_kept)
{
    death d;
    death_run(own_handler_child, &d);
    ck_assert_int_eq(death_exit_code(&d), 0);
    ck_assert_str_eq(d.err, "ret 5, handler kept 1\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dump");
    ADD_TEST(s, sigquit_dumps_every_goroutine_and_exits_2);
    ADD_TEST(s, sigquit_ignored_before_still_dumps);
    ADD_TEST(s, deadlock_report_same_format);
    ADD_TEST(s, wait_of_minutes_is_shown);
    ADD_TEST(s, dump_while_running);
    ADD_TEST(s, sigquit_action_restored_no_thread_left);
    ADD_TEST(s, own_sigquit_handler_kept);
    return run_suite(s);
}
