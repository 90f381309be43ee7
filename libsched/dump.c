/* dump.c — goroutine dumps, Go style (go_dump, SIGQUIT, the deadlock
 * report, panics):
 *
 *     goroutine 7 [chan receive, 2 minutes]:
 *     	worker() at /abs/path/prog.c:31
 *     	app() at /abs/path/prog.c:50
 *     created by main_loop() at /abs/path/prog.c:77
 *
 * One block per live goroutine, the caller's first, then by id; frames from
 * the innermost to the root (the chain of nested GO_FUNC calls).  A frame's
 * line is info->lines[state], or the state itself for hand-written frames
 * (their state is the line of their GO_AWAIT).  The state is the wait
 * reason of a parked goroutine; as in Go, the wait is shown once it
 * reaches a minute (wait_since is the coarse clock at the park: exact to
 * about a second).
 *
 * go_dump freezes the world (freeze.c) while it reads: every goroutine not
 * running stays put, so its frames are read while no M touches them.  A
 * goroutine still running on another M is shown without frames.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static const char *state_name(go_g *g, uint32_t status)
{
    switch (status) {
    case GO_G_RUNNING:
        return atomic_load_explicit(&g->in_blocking, memory_order_relaxed) ? "syscall" : "running";
    case GO_G_RUNNABLE:
        return "runnable";
    case GO_G_WAITING:
        return g->wait_reason ? g->wait_reason : "waiting";
    case GO_G_DEAD:
        return "dead";
    default:
        return "idle";
    }
}

const char *go__g_state(go_g *g)
{
    return state_name(g, atomic_load_explicit(&g->status, memory_order_acquire));
}

/* "worker__resume" (GO_FUNC_INFO of a hand-written frame) prints as "worker". */
static int name_len(const char *name)
{
    static const char suffix[] = "__resume";
    size_t n = strlen(name), k = sizeof suffix - 1;
    if (n > k && strcmp(name + n - k, suffix) == 0)
        n -= k;
    return (int)n;
}

static void dump_frame(FILE *out, const go_frame *f, int line)
{
    const go_func_info *info = f->info;
    const char *name = info->name ? info->name : "?";
    fprintf(out, "\t%.*s() at %s", name_len(name), name, info->file ? info->file : "?");
    if (line > 0)
        fprintf(out, ":%d", line);
    fputc('\n', out);
}

static int frame_line(const go_frame *f)
{
    const go_func_info *info = f->info;
    if (!info->lines)
        return f->state;
    return f->state >= 0 && (uint32_t)f->state < info->nstates ? info->lines[f->state] : 0;
}

/* The frame chain of g; with `file`, the current position file:line first
 * (it replaces the innermost frame's stored line when it is in that frame's
 * file). */
void go__dump_frames(FILE *out, go_g *g, const char *file, int line)
{
    const go_frame *f = g->top;
    if (file) {
        if (f && f->info->file && strcmp(f->info->file, file) == 0) {
            dump_frame(out, f, line);
            f = f->parent;
        } else {
            fprintf(out, "\tat %s:%d\n", file, line);
        }
    }
    for (; f; f = f->parent)
        dump_frame(out, f, frame_line(f));
}

/* "created by app() at file:line": where g's go(...) is, when known. */
void go__dump_created_by(FILE *out, const go_g *g)
{
    const go_spawn_site *s = g->created_at;
    if (s)
        fprintf(out, "created by %s() at %s:%d\n", s->func, s->file, s->line);
}

void go__dump_g(FILE *out, go_g *g, bool current)
{
    uint32_t st = atomic_load_explicit(&g->status, memory_order_acquire);
    fprintf(out, "goroutine %lld [%s", (long long)g->id, state_name(g, st));
    if (st == GO_G_WAITING && g->wait_since) {
        int64_t minutes = (go__nanotime() - g->wait_since) / (60 * 1000000000LL);
        if (minutes >= 1)
            fprintf(out, ", %lld minutes", (long long)minutes);
    }
    fputs("]:\n", out);
    if (!current && st == GO_G_RUNNING)
        fputs(atomic_load_explicit(&g->in_blocking, memory_order_relaxed)
                  ? "\tgoroutine in a GO_BLOCKING call on other thread; frames unavailable\n"
                  : "\tgoroutine running on other thread; frames unavailable\n",
              out);
    else
        go__dump_frames(out, g, NULL, 0);
    go__dump_created_by(out, g);
}

static int by_id(const void *a, const void *b)
{
    int64_t x = (*(go_g *const *)a)->id, y = (*(go_g *const *)b)->id;
    return (x > y) - (x < y);
}

struct g_list {
    go_g **gs;
    size_t n, cap;
    go_g *skip;
    bool oom;
};

static void collect(go_g *g, void *arg)
{
    struct g_list *l = arg;
    uint32_t st = atomic_load_explicit(&g->status, memory_order_acquire);
    if (st == GO_G_IDLE || st == GO_G_DEAD || g == l->skip || l->oom)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        go_g **more = realloc(l->gs, cap * sizeof *more);
        if (!more) {
            l->oom = true;
            return;
        }
        l->gs = more;
        l->cap = cap;
    }
    l->gs[l->n++] = g;
}

void go__dump_all(FILE *out)
{
    go_g *cur = go__curg();
    struct g_list l = { .skip = cur };
    go__for_each_g(collect, &l);
    if (l.n)
        qsort(l.gs, l.n, sizeof *l.gs, by_id);
    flockfile(out);
    if (cur) {
        go__dump_g(out, cur, true);
        if (l.n)
            fputc('\n', out);
    }
    for (size_t i = 0; i < l.n; i++) {
        go__dump_g(out, l.gs[i], false);
        if (i + 1 < l.n)
            fputc('\n', out);
    }
    if (l.oom)
        fputs("(out of memory listing goroutines: dump truncated)\n", out);
    funlockfile(out);
    fflush(out);
    free(l.gs);
}

void go_dump(FILE *out)
{
    go__world_freeze(GO_FREEZE_WAIT_NS);
    go__dump_all(out);
    go__world_thaw();
}
