/* Preemption checks and GO_BLOCKING.  With one P, a goroutine spinning in a
 * loop (its only suspension point a nested call that never waits) must
 * still let the main goroutine's timer fire: sysmon asks it to yield and the
 * loop's back-edge check does.  GO_BLOCKING runs a blocking read while the P
 * may serve others, and its value comes back through the frame. */
#include <gosched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

static atomic_int stop;

GO_FUNC static long step(long n) { return n + 1; }

GO_FUNC static void spinner(go_wg *wg, long *count)
{
    long n = 0;
    while (!atomic_load(&stop))
        n = step(n);
    *count = n;
    go_wg_done(wg);
}

GO_FUNC static int app(void)
{
    go_wg wg = GO_WG_INIT;
    long count = 0;
    go_wg_add(&wg, 1);
    go(spinner(&wg, &count));
    go_sleep(20 * GO_MILLISECOND);   /* needs the spinner to be preempted */
    atomic_store(&stop, 1);
    go_wg_wait(&wg);
    printf("spinner preempted: %s\n", count > 0 ? "yes" : "no");

    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    ssize_t w = write(fds[1], "hello", 5);
    char buf[8] = { 0 };
    ssize_t r = GO_BLOCKING(read(fds[0], buf, sizeof buf - 1));
    printf("blocking read: %zd %zd %s\n", w, r, buf);
    close(fds[0]);
    close(fds[1]);
    return 0;
}

int main(void)
{
    return go_main(app());
}
