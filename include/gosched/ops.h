/* gosched/ops.h — the __begin twins of every suspending operation.
 *
 * For each `R go_x(args)` marked GO_SUSPEND in gosched.h, `go_x__begin(args)`
 * is what a resumable frame calls at that suspension point.  It returns
 * GO_READY when the operation completed at once, or GO_WAIT when the
 * goroutine is parked and the frame must return GO_SUSPEND.  Either way the
 * operation's value (R) is then go__result().  Before the call the frame has
 * stored the state it resumes at; a __begin never blocks the thread.
 */
#ifndef GOSCHED_OPS_H
#define GOSCHED_OPS_H

#ifdef __cplusplus
extern "C" {
#endif

int go_yield__begin(void);

int go_send__begin(go_chan *c, const void *elem);
int go_recv__begin(go_chan *c, void *elem);            /* result: bool ok */
int go_select__begin(go_case *cases, int n);           /* result: index */
int go_select_timeout__begin(go_case *cases, int n, int64_t ns);   /* result: index or -1 */

int go_sleep__begin(int64_t ns);

/* results: those of the POSIX calls (-1: errno is set when the frame resumes) */
int go_read__begin(int fd, void *buf, size_t n);
int go_write__begin(int fd, const void *buf, size_t n);
int go_accept__begin(int fd, struct sockaddr *addr, socklen_t *addrlen);
int go_connect__begin(int fd, const struct sockaddr *addr, socklen_t addrlen);
int go_fd_wait__begin(int fd, int events, int64_t timeout_ns);

int go_mutex_lock__begin(go_mutex *m);
int go_rwmutex_lock__begin(go_rwmutex *m);
int go_rwmutex_rlock__begin(go_rwmutex *m);
int go_wg_wait__begin(go_wg *wg);
int go_once_do__begin(go_once *o, void (*fn)(void *), void *arg);
int go_cond_wait__begin(go_cond *c, go_mutex *m);
int go_sema_acquire__begin(go_sema *s);

#ifdef __cplusplus
}
#endif
#endif
