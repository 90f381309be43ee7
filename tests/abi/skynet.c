/* skynet.c — the skynet benchmark with hand-written frames, as Go's version:
 *
 *     func skynet(c chan int, num, size, div int) {
 *         if size == 1 { c <- num; return }
 *         rc := make(chan int)
 *         var sum int
 *         for i := 0; i < div; i++ {
 *             go skynet(rc, num+i*(size/div), size/div, div)
 *         }
 *         for i := 0; i < div; i++ { sum += <-rc }
 *         c <- sum
 *     }
 *
 * 1,000,000 leaves, 10 children per node (1,111,111 goroutines), one
 * unbuffered channel per inner node.  Prints the sum (499999500000) and the
 * elapsed milliseconds.  Usage: skynet [leaves] (a power of 10).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gosched.h>

enum { DIV = 10 };

struct skynet {
    go_frame hdr;
    go_chan *c;          /* where the result goes */
    int64_t num, size;
    go_chan *rc;         /* children's results */
    int64_t sum, v;
    int i;
};

static const go_func_info skynet__info;

static void spawn_skynet(go_chan *c, int64_t num, int64_t size)
{
    struct skynet *f = go_frame_alloc(&skynet__info);
    f->c = c;
    f->num = num;
    f->size = size;
    go_spawn(&f->hdr);
}

static int skynet__resume(go_frame *f)
{
    struct skynet *fr = (struct skynet *)f;
    GO_BEGIN(fr);
    if (fr->size == 1) {
        fr->v = fr->num;
        GO_AWAIT(fr, go_send__begin(fr->c, &fr->v));
        return GO_DONE;
    }
    fr->rc = go_chan_make(sizeof(int64_t), 0);
    fr->sum = 0;
    for (fr->i = 0; fr->i < DIV; fr->i++)
        spawn_skynet(fr->rc, fr->num + fr->i * (fr->size / DIV), fr->size / DIV);
    for (fr->i = 0; fr->i < DIV; fr->i++) {
        GO_AWAIT(fr, go_recv__begin(fr->rc, &fr->v));
        fr->sum += fr->v;
    }
    go_chan_free(fr->rc);
    fr->v = fr->sum;
    GO_AWAIT(fr, go_send__begin(fr->c, &fr->v));
    GO_END(fr);
}
static const go_func_info skynet__info = GO_FUNC_INFO(skynet__resume, struct skynet);

struct app {
    go_frame hdr;
    int ret;
    int64_t leaves, sum;
    go_chan *c;
    struct timespec t0;
};

static int app__resume(go_frame *f)
{
    struct app *fr = (struct app *)f;
    GO_BEGIN(fr);
    clock_gettime(CLOCK_MONOTONIC, &fr->t0);
    fr->c = go_chan_make(sizeof(int64_t), 0);
    spawn_skynet(fr->c, 0, fr->leaves);
    GO_AWAIT(fr, go_recv__begin(fr->c, &fr->sum));
    go_chan_free(fr->c);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - fr->t0.tv_sec) * 1000 + (t1.tv_nsec - fr->t0.tv_nsec) / 1000000;
    printf("Result: %lld in %ld ms.\n", (long long)fr->sum, ms);
    fr->ret = 0;
    GO_END(fr);
}
static const go_func_info app__info = GO_FUNC_INFO(app__resume, struct app);

int main(int argc, char **argv)
{
    struct app *a = go_frame_alloc(&app__info);
    a->leaves = argc > 1 ? atoll(argv[1]) : 1000000;
    return go_run_main(&a->hdr, &a->ret);
}
