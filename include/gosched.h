/* gosched.h — Go's concurrency model for C: the public API.
 *
 * Users write GO_FUNC functions in straight-line C; gotransform rewrites them
 * into resumable frames (see gosched/frame.h) run by libsched as goroutines.
 * The names in this file are a contract (docs/api.md); extend, never rename.
 *
 * Three ways a file including this header is compiled:
 *   - parsed by gotransform (__GOTRANSFORM__ defined): marks become clang
 *     annotations and go()/go_main() keep the call visible to the type checker;
 *   - GOSCHED_SEQUENTIAL defined: the sequential oracle, where go(f(x)) calls
 *     f(x) in place, go_main(f(x)) is f(x), and every suspending function is
 *     a plain call (it blocks the calling thread if it must wait);
 *   - otherwise, the transformed output of gotransform, or plain C files that
 *     only use the non-suspending API.
 * A suspending function called on a plain thread blocks that thread; called
 * from a goroutine outside a GO_FUNC it stops the program with a message.
 */
#ifndef GOSCHED_H
#define GOSCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <gosched/frame.h>
#include <gosched/waiter.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- marking, spawning, running ---------------------------------------- */

/* GO_NOPREEMPT, next to GO_FUNC, opts a function out of preemption checks
 * (at its entry and in its loops): for hot code that knows it is short. */
#if defined(__clang__) && defined(__GOTRANSFORM__)
#define GO_FUNC __attribute__((annotate("go_func")))
#define GO_SUSPENDING __attribute__((annotate("go_suspend")))
#define GO_NOPREEMPT __attribute__((annotate("go_nopreempt")))
#else
#define GO_FUNC
#define GO_SUSPENDING
#define GO_NOPREEMPT
#endif

#if defined(GOSCHED_SEQUENTIAL) || defined(__GOTRANSFORM__)
#define go(call) ((void)(call))
#define go_main(call) (call)
#else
#if defined(__GNUC__) && (!defined(__clang__) || __clang_major__ >= 14)
void go__needs_gotransform(void) __attribute__((error(
    "go(...) and go_main(...) need gotransform: use gotransform_target() "
    "or compile with -DGOSCHED_SEQUENTIAL")));
#else
void go__needs_gotransform(void);
#endif
#define go(call) go__needs_gotransform()
#define go_main(call) (go__needs_gotransform(), 0)
#endif

GO_SUSPENDING void go_yield(void);
int64_t go_id(void);       /* current goroutine's id (1 = main), 0 outside */
int go_procs(void);        /* number of Ps (GOSCHED_PROCS, default: CPUs) */

/* ---- channels ----------------------------------------------------------- */

typedef struct go_chan go_chan;

go_chan *go_chan_make(size_t elem_size, size_t cap);
void go_chan_close(go_chan *c);
void go_chan_free(go_chan *c);
int go_chan_len(go_chan *c);
int go_chan_cap(go_chan *c);
GO_SUSPENDING void go_send(go_chan *c, const void *elem);
GO_SUSPENDING bool go_recv(go_chan *c, void *elem);
bool go_try_send(go_chan *c, const void *elem);
bool go_try_recv(go_chan *c, void *elem, bool *ok);
/* For plain pthreads and callbacks: block the calling thread. */
void go_chan_send_blocking(go_chan *c, const void *elem);
bool go_chan_recv_blocking(go_chan *c, void *elem);

/* ---- select ------------------------------------------------------------- */

enum { GO_DIR_SEND = 1, GO_DIR_RECV = 2 };

typedef struct go_case {
    go_chan *chan;     /* NULL: never ready */
    void *elem;        /* send: the value; receive: destination or NULL */
    int dir;           /* GO_DIR_SEND or GO_DIR_RECV */
    bool ok;           /* receive: true for a value, false for closed */
    go__waiter w;      /* runtime-private: this case's wait record */
} go_case;

#define GO_CASE_SEND(c, p) { .chan = (c), .elem = (void *)(p), .dir = GO_DIR_SEND }
#define GO_CASE_RECV(c, p) { .chan = (c), .elem = (p), .dir = GO_DIR_RECV }

GO_SUSPENDING int go_select(go_case *cases, int n);   /* index of the case run */
int go_select_default(go_case *cases, int n);      /* index, or -1 if none ready */

/* ---- time: int64_t nanoseconds of CLOCK_MONOTONIC ----------------------- */

#define GO_NANOSECOND ((int64_t)1)
#define GO_MICROSECOND ((int64_t)1000)
#define GO_MILLISECOND ((int64_t)1000000)
#define GO_SECOND ((int64_t)1000000000)

int64_t go_now(void);                         /* monotonic clock, ns */
GO_SUSPENDING void go_sleep(int64_t ns);      /* returns at once if ns <= 0 */

/* A channel of int64_t, capacity 1, that receives go_now() once, ns from
 * now.  It owns its timer: go_chan_free it when done (also before it fired,
 * which cancels it). */
go_chan *go_after(int64_t ns);

/* Every period_ns (> 0), go_now() is sent on the ticker's channel (int64_t,
 * capacity 1) unless a tick is still unread: a slow receiver misses ticks,
 * as in Go.  go_ticker_stop stops it and frees it and its channel: call it
 * after the last receive (it panics if a goroutine is still receiving). */
typedef struct go_ticker go_ticker;
go_ticker *go_ticker_make(int64_t period_ns);
go_chan *go_ticker_chan(go_ticker *t);
void go_ticker_stop(go_ticker *t);

/* go_select with a timeout: the index of the case run, or -1 when none was
 * ready within ns (ns <= 0: go_select_default). */
GO_SUSPENDING int go_select_timeout(go_case *cases, int n, int64_t ns);

/* Timers need the runtime: go_after and go_ticker_make stop the program
 * when go_run_main is not running.  go_sleep and go_select_timeout also
 * work on plain threads (they block the thread). */

/* ---- I/O on non-blocking fds ---------------------------------------------
 * The POSIX calls, with their arguments and results, on fds in O_NONBLOCK
 * mode: where the call would fail with EAGAIN (connect: EINPROGRESS), the
 * goroutine waits for the fd in the netpoller while its thread runs others,
 * then the call is made again.  -1 sets errno, which is the goroutine's own.
 * go_accept's new fd is non-blocking and close-on-exec (accept4).
 * go_fd_wait waits until fd is ready for `events` (POLLIN, POLLOUT) and
 * returns poll(2)'s revents, 0 after timeout_ns (< 0: no timeout; 0: just
 * look), or -1.  Close an fd a goroutine may be waiting on with go_fd_close:
 * the waiters get -1 / EBADF (epoll cannot see a plain close).  On a plain
 * thread these block the thread in poll(2). */
GO_SUSPENDING ssize_t go_read(int fd, void *buf, size_t n);
GO_SUSPENDING ssize_t go_write(int fd, const void *buf, size_t n);
GO_SUSPENDING int go_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
GO_SUSPENDING int go_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);
GO_SUSPENDING int go_fd_wait(int fd, int events, int64_t timeout_ns);
int go_fd_close(int fd);

/* ---- blocking C calls ------------------------------------------------------
 * GO_BLOCKING(expr) evaluates expr — a call that may block its thread
 * (file I/O, DNS, sleep, a blocking library) — while the goroutine's P runs
 * other goroutines: once the call has lasted about 20 µs and goroutines
 * are waiting to run, the P is handed to another thread (Go's system-call
 * hand-off).  Its value is expr's; errno is kept.  Outside a GO_FUNC, and
 * without gotransform, it is just (expr). */
#if defined(__clang__) && defined(__GOTRANSFORM__)
void go__blocking_marker(void) __attribute__((annotate("go_blocking")));
#define GO_BLOCKING(expr) (go__blocking_marker(), (expr))
#else
#define GO_BLOCKING(expr) (expr)
#endif

/* ---- sync: every all-zero value is valid (unlocked, empty) ------------- */

typedef struct go_mutex {
    uint32_t state;
    go__lock lock;
    go__waitq waiters;
} go_mutex;
#define GO_MUTEX_INIT { 0 }
GO_SUSPENDING void go_mutex_lock(go_mutex *m);
bool go_mutex_trylock(go_mutex *m);
void go_mutex_unlock(go_mutex *m);

typedef struct go_rwmutex {
    go_mutex w;            /* held by a writer, and while a writer waits */
    int32_t readers;       /* active readers; negative while a writer waits */
    int32_t departing;     /* readers the waiting writer still waits for */
    int64_t rsem, wsem;    /* semaphores the readers and the writer sleep on */
    go__lock lock;
    go__waitq rwait, wwait;
} go_rwmutex;
#define GO_RWMUTEX_INIT { 0 }
GO_SUSPENDING void go_rwmutex_lock(go_rwmutex *m);
GO_SUSPENDING void go_rwmutex_rlock(go_rwmutex *m);
bool go_rwmutex_trylock(go_rwmutex *m);
bool go_rwmutex_tryrlock(go_rwmutex *m);
void go_rwmutex_unlock(go_rwmutex *m);
void go_rwmutex_runlock(go_rwmutex *m);

typedef struct go_wg {
    uint64_t state;        /* counter << 32 | number of waiters */
    go__lock lock;
    go__waitq waiters;
} go_wg;
#define GO_WG_INIT { 0 }
void go_wg_add(go_wg *wg, int64_t delta);
void go_wg_done(go_wg *wg);
GO_SUSPENDING void go_wg_wait(go_wg *wg);

typedef struct go_once {
    uint32_t done;         /* 0: not run, 1: running, 2: done */
    go__lock lock;
    go__waitq waiters;
} go_once;
#define GO_ONCE_INIT { 0 }
/* Runs fn(arg) once; every caller returns after it has completed.  fn is a
 * plain C function (it runs on the caller's thread and must not suspend). */
GO_SUSPENDING void go_once_do(go_once *o, void (*fn)(void *), void *arg);

typedef struct go_cond {
    go__lock lock;
    go__waitq waiters;
} go_cond;
#define GO_COND_INIT { 0 }
/* Unlocks m, waits for a signal, locks m again before returning. */
GO_SUSPENDING void go_cond_wait(go_cond *c, go_mutex *m);
void go_cond_signal(go_cond *c);
void go_cond_broadcast(go_cond *c);

typedef struct go_sema {
    int64_t count;
    go__lock lock;
    go__waitq waiters;
} go_sema;
#define GO_SEMA_INIT(n) { .count = (n) }
GO_SUSPENDING void go_sema_acquire(go_sema *s);
bool go_sema_tryacquire(go_sema *s);
void go_sema_release(go_sema *s);

/* ---- diagnostics --------------------------------------------------------- */

/* Every goroutine with its state and the source line where it waits, as
 * SIGQUIT prints them: "goroutine 7 [chan receive, 2 minutes]:" (the wait
 * once it reaches a minute), then its chain of GO_FUNC frames, innermost
 * first, "\tworker() at /path/app.c:31".  Goroutines about to run wait
 * while it reads; one still running elsewhere after 50 ms is shown without
 * frames.  Callable from goroutines and plain threads, not from a signal
 * handler. */
void go_dump(FILE *out);

/* Scheduler counters, summed over Ps: of the running go_run_main, or of the
 * last one once it has returned. */
typedef struct go_stats {
    int64_t goroutines;    /* live goroutines, the main one included */
    int procs;             /* number of Ps */
    int64_t idle_ms;       /* time Ms spent parked, summed over Ms */
    int64_t spinning_ms;   /* time Ms spent looking for work */
    uint64_t steals;       /* successful steals from another P's queue */
    uint64_t parks;        /* goroutines parked (blocked) */
    uint64_t switches;     /* goroutines resumed by an M */
    uint64_t spawns;       /* go_spawn calls (the main goroutine excluded) */
    /* at the moment of the call (GOSCHED_TRACE prints them too) */
    int threads;           /* Ms: OS threads made to run goroutines */
    int idle_threads;      /* Ms parked without work */
    int spinning_threads;  /* Ms looking for work */
    int idle_procs;        /* Ps no M holds */
    int64_t runqueue;      /* goroutines in the global run queue */
    int64_t runnable;      /* goroutines in any run queue (global and every P's) */
} go_stats_t;
go_stats_t go_stats(void);

/* SIGQUIT (during go_run_main, unless the program installed its own
 * handler) prints every goroutine as go_dump does, then exits with status 2.
 * GOSCHED_TRACE=ms prints a scheduler line to stderr every ms milliseconds
 * (Go's schedtrace, then the counters above). */

/* ---- goroutine-local storage --------------------------------------------
 * Values per goroutine, NULL in a new goroutine; when a goroutine ends,
 * each non-NULL value is passed once to its key's destructor (if any).
 * A key is a static object, zero-initialised or GO_LOCAL_KEY_INIT(dtor),
 * or made by go_local_key_make; it must outlive the goroutines using it.
 * As with pthread keys: replacing a value does not destroy the old one;
 * goroutines abandoned when go_main returns are not destroyed; outside a
 * goroutine the values are the thread's own, destroyed when it exits. */
typedef struct go_local_key {
    uint32_t id;                      /* runtime-private: 0 until first use */
    void (*destructor)(void *value);  /* NULL: none */
} go_local_key;
#define GO_LOCAL_KEY_INIT(dtor) { 0, (dtor) }
go_local_key go_local_key_make(void (*destructor)(void *value));
void *go_local_get(go_local_key *key);
void go_local_set(go_local_key *key, void *value);

/* ---- source locations for misuse reports ---------------------------------
 * These calls can stop the program (close of a closed channel, unlock of an
 * unlocked mutex, negative WaitGroup counter, send on a closed channel); the
 * macros pass the caller's line so the message names it.  The functions
 * themselves stay callable by name and by address. */
void go__chan_close_at(go_chan *c, const char *file, int line);
bool go__try_send_at(go_chan *c, const void *elem, const char *file, int line);
void go__mutex_unlock_at(go_mutex *m, const char *file, int line);
void go__rwmutex_unlock_at(go_rwmutex *m, const char *file, int line);
void go__rwmutex_runlock_at(go_rwmutex *m, const char *file, int line);
void go__wg_add_at(go_wg *wg, int64_t delta, const char *file, int line);
#define go_chan_close(c) go__chan_close_at((c), __FILE__, __LINE__)
#define go_try_send(c, e) go__try_send_at((c), (e), __FILE__, __LINE__)
#define go_mutex_unlock(m) go__mutex_unlock_at((m), __FILE__, __LINE__)
#define go_rwmutex_unlock(m) go__rwmutex_unlock_at((m), __FILE__, __LINE__)
#define go_rwmutex_runlock(m) go__rwmutex_runlock_at((m), __FILE__, __LINE__)
#define go_wg_add(wg, d) go__wg_add_at((wg), (d), __FILE__, __LINE__)
#define go_wg_done(wg) go__wg_add_at((wg), -1, __FILE__, __LINE__)

#ifdef __cplusplus
}
#endif

#include <gosched/ops.h>

#endif
