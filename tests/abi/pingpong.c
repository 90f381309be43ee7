/* pingpong.c — two goroutines, two unbuffered channels, written by hand
 * against the lowering ABI; the twin of bench/go/pingpong.go:
 *
 *     go func() {
 *         for v := range ping { pong <- v + 1 }
 *         close(pong)
 *     }()
 *     for i := 0; i < n; i++ { ping <- v; v = <-pong }
 *     close(ping)
 *     <-pong       // (C frees its channels: wait until the echo is done)
 *
 * Prints "<n> round trips, <ns> ns per round trip".  Usage: pingpong [n].
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gosched.h>

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* for v := range ping { pong <- v + 1 }; close(pong) */
struct echo {
    go_frame hdr;
    go_chan *ping, *pong;
    int v;
};

static int echo__resume(go_frame *f)
{
    struct echo *fr = (struct echo *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->ping, &fr->v));
        if (!GO_RESULT(bool))
            break;
        fr->v++;
        GO_AWAIT(fr, go_send__begin(fr->pong, &fr->v));
    }
    go_chan_close(fr->pong);
    GO_END(fr);
}
static const go_func_info echo__info = GO_FUNC_INFO(echo__resume, struct echo);

struct app {
    go_frame hdr;
    int ret;
    int n, i, v;
    go_chan *ping, *pong;
    int64_t start;       /* then the elapsed time */
};

static int app__resume(go_frame *f)
{
    struct app *fr = (struct app *)f;
    GO_BEGIN(fr);
    fr->ping = go_chan_make(sizeof(int), 0);
    fr->pong = go_chan_make(sizeof(int), 0);
    struct echo *e = go_frame_alloc(&echo__info);
    e->ping = fr->ping;
    e->pong = fr->pong;
    go_spawn(&e->hdr);

    fr->start = now_ns();
    fr->v = 0;
    for (fr->i = 0; fr->i < fr->n; fr->i++) {
        GO_AWAIT(fr, go_send__begin(fr->ping, &fr->v));
        GO_AWAIT(fr, go_recv__begin(fr->pong, &fr->v));
    }
    go_chan_close(fr->ping);
    fr->start = now_ns() - fr->start;
    /* Wait for the echo goroutine to close pong: then neither channel is
     * used any more. */
    GO_AWAIT(fr, go_recv__begin(fr->pong, NULL));
    go_chan_free(fr->ping);
    go_chan_free(fr->pong);
    printf("%d round trips, %.1f ns per round trip\n", fr->v, (double)fr->start / fr->n);
    fr->ret = fr->v == fr->n ? 0 : 1;
    GO_END(fr);
}
static const go_func_info app__info = GO_FUNC_INFO(app__resume, struct app);

int main(int argc, char **argv)
{
    struct app *a = go_frame_alloc(&app__info);
    a->n = argc > 1 ? atoi(argv[1]) : 1000000;
    if (a->n <= 0)
        a->n = 1;
    return go_run_main(&a->hdr, &a->ret);
}
