/* gosched/frame.h — the lowering ABI: what a resumable GO_FUNC is made of.
 *
 * gotransform targets exactly these definitions, and they are small enough to
 * write by hand (see docs/abi.md and tests/abi_*.c).
 *
 * A goroutine is a chain of frames. Each frame starts with a go_frame header;
 * the G points at its innermost frame and the scheduler resumes that frame's
 * resume function directly.  A resume function returns one of:
 *   GO_DONE     the function returned; the scheduler pops to the parent frame
 *               (the parent reads the child's result, then frees it if the
 *               child came from go_frame_alloc);
 *   GO_CALL     the frame pushed a child frame with go_frame_call(); the
 *               scheduler resumes the child (no native recursion);
 *   GO_SUSPEND  an operation's __begin function answered GO_WAIT: the G is
 *               parked (or yielded) and will be resumed later at the state the
 *               frame stored before returning.
 *
 * Invariants:
 *   - frames never move: pointers into a frame stay valid while it lives;
 *   - state 0 means "not started"; a frame stores the number of its next
 *     resume point in `state` before every GO_CALL / GO_SUSPEND return;
 *   - a frame's memory is touched only by the M running its G.
 */
#ifndef GOSCHED_FRAME_H
#define GOSCHED_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct go_frame go_frame;
typedef int (*go_resume_fn)(go_frame *frame);

/* Static description of one resumable function, shared by all its frames. */
typedef struct go_func_info {
    go_resume_fn resume;
    const char *name;     /* the user's function name, for dumps */
    const char *file;     /* the user's source file */
    const int *lines;     /* lines[state] = source line of resume point `state`
                             (lines[0]: the function's first line); NULL when
                             `state` itself is a line number (hand-written
                             frames using GO_BEGIN/GO_AWAIT) */
    uint32_t nstates;     /* entries in lines[] */
    uint32_t frame_size;  /* sizeof the whole frame, for go_frame_alloc */
} go_func_info;

struct go_frame {
    const go_func_info *info;
    go_frame *parent;     /* the caller's frame; NULL for a goroutine's root */
    int32_t state;        /* 0: not started; k: resume at point k */
    uint32_t flags;       /* GO_FRAME_HEAP: from go_frame_alloc */
};

#define GO_FRAME_HEAP 1u

/* What a resume function returns. */
enum { GO_DONE = 0, GO_SUSPEND = 1, GO_CALL = 2 };
/* What an operation's __begin function returns. */
enum { GO_READY = 0, GO_WAIT = 1 };

/* Header initialiser for a frame described by `info`. */
#define GO_FRAME_INIT(info_ptr) ((go_frame){ .info = (info_ptr) })

/* Frames from the current P's cache (or malloc outside a goroutine).  The
 * header of the returned memory is set to {info, NULL, 0, GO_FRAME_HEAP};
 * the rest is uninitialised. */
void *go_frame_alloc(const go_func_info *info);
void go_frame_free(void *frame);

/* Push `child` (header initialised, parameters stored) as the callee of
 * `parent`, which must have stored its resume state; the caller returns
 * GO_CALL right after. */
void go_frame_call(go_frame *parent, go_frame *child);

/* Start a goroutine whose root frame is `root` (typically from
 * go_frame_alloc; freed by the runtime when the goroutine ends). */
void go_spawn(go_frame *root);

/* Where a go(...) is: dumps print "created by func() at file:line" under
 * the goroutine it started.  gotransform emits one static record per go(...)
 * in a GO_FUNC and calls go_spawn_at; the record must outlive the goroutine. */
typedef struct go_spawn_site {
    const char *func;
    const char *file;
    int line;
} go_spawn_site;
void go_spawn_at(go_frame *root, const go_spawn_site *site);

/* Run the scheduler with `root` as the main goroutine; returns *result (or 0
 * when result is NULL) as soon as the root frame returns.  `result` points
 * into the root frame and is read before the frame is freed. */
int go_run_main(go_frame *root, const int *result);

/* The value of the last operation of the current goroutine: every
 * `R go_x(args)` marked GO_SUSPEND has a twin `int go_x__begin(args)` that
 * returns GO_READY (done; result available now) or GO_WAIT (the goroutine
 * must return GO_SUSPEND; result available when it is resumed). */
intptr_t go__result(void);

/* ---- Preemption -------------------------------------------------------------
 * sysmon asks a goroutine that has run for 10 ms to yield by setting a flag
 * of its thread.  gotransform inserts the check at loop back-edges and at
 * GO_FUNC entry; one load of a thread-local word and a branch:
 *
 *     if (go_preempt_requested()) {
 *         fr->hdr.state = K;
 *         go_preempt__begin();       (clears the flag; the goroutine yields
 *         return GO_SUSPEND;          to the global run queue)
 *     L_K:;
 *     }
 */
#ifdef __cplusplus
extern thread_local uint32_t go__preempt_flag __attribute__((tls_model("initial-exec")));
#else
extern _Thread_local uint32_t go__preempt_flag __attribute__((tls_model("initial-exec")));
#endif

#if defined(__SANITIZE_THREAD__)
#define GO__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GO__TSAN 1
#endif
#endif

/* A volatile load: read on every check, yet no barrier to the compiler for
 * other memory (gcc treats an atomic load as one: a loop's variables in the
 * frame would be reloaded on every iteration).  ThreadSanitizer gets the
 * relaxed atomic load it understands.  docs/abi.md has measured costs. */
static inline bool go_preempt_requested(void)
{
#if defined(GOSCHED_PREEMPT_ALWAYS)   /* a testing aid: every check yields (csmith/check_seed.sh) */
    return true;
#elif defined(GO__TSAN)
    return __builtin_expect(__atomic_load_n(&go__preempt_flag, __ATOMIC_RELAXED) != 0, 0);
#else
    return __builtin_expect(*(volatile uint32_t *)&go__preempt_flag != 0, 0);
#endif
}
void go_preempt__begin(void);

/* ---- Blocking C calls ---------------------------------------------------------
 * GO_BLOCKING(expr) (gosched.h) lowers to
 *
 *     go__blocking_enter();           (the P may now serve other goroutines)
 *     tmp = (expr);                   (or `expr;` when the value is unused)
 *     fr->hdr.state = K;
 *     if (go__blocking_exit() == GO_WAIT)
 *         return GO_SUSPEND;          (no P to come back to: the goroutine
 *     L_K:;                            is queued and resumes at K on another)
 *     ... tmp is the value of GO_BLOCKING(expr); errno is expr's
 *
 * tmp lives in the frame when it is used after L_K.  Nothing may suspend
 * between enter and exit: expr is plain C (it may call the non-suspending
 * API). */
void go__blocking_enter(void);
int go__blocking_exit(void);

/* ---- Writing frames by hand (protothreads style) --------------------------
 *
 *   struct counter { go_frame hdr; go_chan *c; int i; };
 *   static int counter__resume(go_frame *f) {
 *       struct counter *fr = (struct counter *)f;
 *       GO_BEGIN(fr);
 *       for (fr->i = 0; fr->i < 10; fr->i++)
 *           GO_AWAIT(fr, go_send__begin(fr->c, &fr->i));
 *       GO_END(fr);
 *   }
 *   static const go_func_info counter__info = GO_FUNC_INFO(counter__resume, struct counter);
 *
 * The state is the source line of each GO_AWAIT, so a dump names the line.
 * These macros use the case-label (Duff's device) dispatch: a GO_AWAIT must
 * not sit inside a `switch` of its own, and needs a line of its own.
 * gotransform emits switch+goto dispatch instead, which has neither limit.
 */
#define GO_FUNC_INFO(resume_fn, frame_type)                                   \
    { .resume = (resume_fn), .name = #resume_fn, .file = __FILE__,            \
      .lines = NULL, .nstates = 0, .frame_size = sizeof(frame_type) }

#if defined(__GNUC__) && __GNUC__ >= 7
#define GO__FALLTHROUGH __attribute__((fallthrough))
#else
#define GO__FALLTHROUGH ((void)0)
#endif

#define GO_BEGIN(fr)  switch ((fr)->hdr.state) { case 0:

/* Await an operation's __begin call; its value is then GO_RESULT(type). */
#define GO_AWAIT(fr, begin_call)                                              \
    do {                                                                      \
        (fr)->hdr.state = __LINE__;                                           \
        if ((begin_call) == GO_WAIT)                                          \
            return GO_SUSPEND;                                                \
        GO__FALLTHROUGH; case __LINE__:;                                      \
    } while (0)

/* Call a nested resumable function whose frame `child` (a go_frame *) was
 * initialised by the caller; read its result from the child frame after. */
#define GO_AWAIT_CALL(fr, child)                                              \
    do {                                                                      \
        (fr)->hdr.state = __LINE__;                                           \
        go_frame_call(&(fr)->hdr, (child));                                   \
        return GO_CALL;                                                       \
        case __LINE__:;                                                       \
    } while (0)

#define GO_RESULT(type) ((type)go__result())

/* The preemption check, for loops of hand-written frames. */
#define GO_PREEMPT_CHECK(fr)                                                  \
    do {                                                                      \
        if (go_preempt_requested()) {                                         \
            (fr)->hdr.state = __LINE__;                                       \
            go_preempt__begin();                                              \
            return GO_SUSPEND;                                                \
        case __LINE__:;                                                       \
        }                                                                     \
    } while (0)

/* Run `stmt` (a blocking C call, e.g. `fr->r = read(...)`) as GO_BLOCKING
 * does; keep what it computes in the frame. */
#define GO_BLOCKING_CALL(fr, stmt)                                            \
    do {                                                                      \
        go__blocking_enter();                                                 \
        stmt;                                                                 \
        (fr)->hdr.state = __LINE__;                                           \
        if (go__blocking_exit() == GO_WAIT)                                   \
            return GO_SUSPEND;                                                \
        GO__FALLTHROUGH; case __LINE__:;                                      \
    } while (0)

#define GO_END(fr)  } return GO_DONE

#ifdef __cplusplus
}
#endif
#endif
