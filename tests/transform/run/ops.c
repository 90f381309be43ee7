/* Every GO_SUSPENDING operation of gosched.h, lowered and run once against
 * the real runtime: results pass through go__result() with their types
 * (bool, int, ssize_t), arguments (pointers into the frame) stay valid
 * while the goroutine waits. */
#include <gosched.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int once_runs;
static void once_fn(void *arg) { once_runs += *(int *)arg; }

GO_FUNC static void releaser(go_sema *s, go_cond *cv, go_mutex *m, int *ready)
{
    go_sleep(GO_MILLISECOND);
    go_sema_release(s);
    go_mutex_lock(m);
    *ready = 1;
    go_cond_signal(cv);
    go_mutex_unlock(m);
}

GO_FUNC static void writer(int fd)
{
    go_sleep(GO_MILLISECOND);
    ssize_t n = go_write(fd, "ping", 4);
    (void)n;
}

GO_FUNC static int app(void)
{
    go_yield();
    go_chan *c = go_chan_make(sizeof(int), 1);
    int v = 7, got = 0;
    go_send(c, &v);
    bool ok = go_recv(c, &got);
    printf("send/recv: %d %d\n", ok, got);

    go_send(c, &v);
    int idx = go_select((go_case[]){ GO_CASE_RECV(NULL, &got), GO_CASE_RECV(c, &got) }, 2);
    int tmo = go_select_timeout((go_case[]){ GO_CASE_RECV(c, &got) }, 1, GO_MILLISECOND);
    printf("select: %d, timeout: %d\n", idx, tmo);
    go_chan_free(c);

    int64_t t0 = go_now();
    go_sleep(2 * GO_MILLISECOND);
    printf("slept: %s\n", go_now() - t0 >= 2 * GO_MILLISECOND ? "yes" : "no");

    go_mutex m = GO_MUTEX_INIT;
    go_mutex_lock(&m);
    go_mutex_unlock(&m);
    go_rwmutex rw = GO_RWMUTEX_INIT;
    go_rwmutex_rlock(&rw);
    go_rwmutex_runlock(&rw);
    go_rwmutex_lock(&rw);
    go_rwmutex_unlock(&rw);
    go_wg wg = GO_WG_INIT;
    go_wg_wait(&wg);
    go_once once = GO_ONCE_INIT;
    int inc = 5;
    go_once_do(&once, once_fn, &inc);
    go_once_do(&once, once_fn, &inc);
    printf("once: %d\n", once_runs);

    go_sema s = GO_SEMA_INIT(0);
    go_cond cv = GO_COND_INIT;
    int ready = 0;
    go(releaser(&s, &cv, &m, &ready));
    go_sema_acquire(&s);
    go_mutex_lock(&m);
    while (!ready)
        go_cond_wait(&cv, &m);
    go_mutex_unlock(&m);
    printf("sema, cond: %d\n", ready);

    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    go(writer(fds[1]));
    int ev = go_fd_wait(fds[0], POLLIN, -1);
    char buf[8] = { 0 };
    ssize_t n = go_read(fds[0], buf, sizeof buf - 1);
    printf("fd_wait: %d, read: %zd %s\n", (ev & POLLIN) != 0, n, buf);
    go_fd_close(fds[0]);
    go_fd_close(fds[1]);
    go_sleep(GO_MILLISECOND);
    return 0;
}

int main(void)
{
    return go_main(app());
}
