/* sieve.c — Go's concurrent prime sieve, written by hand against the
 * lowering ABI; the twin of bench/go/sieve.go:
 *
 *     func generate(ch chan<- int) { for i := 2; ; i++ { ch <- i } }
 *     func filter(in <-chan int, out chan<- int, prime int) {
 *         for { i := <-in; if i%prime != 0 { out <- i } }
 *     }
 *     ch := make(chan int); go generate(ch)
 *     for i := 0; i < n; i++ {
 *         prime = <-ch; ch1 := make(chan int); go filter(ch, ch1, prime); ch = ch1
 *     }
 *
 * Prints "prime <n> = <p> in <ms> ms" (the 1000th prime is 7919).  The
 * generator and filters are still running when main returns; like Go's,
 * they are abandoned, and the channels are freed once go_run_main has
 * returned.  Usage: sieve [n].
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

struct generate {
    go_frame hdr;
    go_chan *ch;
    int i;
};

static int generate__resume(go_frame *f)
{
    struct generate *fr = (struct generate *)f;
    GO_BEGIN(fr);
    for (fr->i = 2;; fr->i++) {
        GO_AWAIT(fr, go_send__begin(fr->ch, &fr->i));
    }
    GO_END(fr);
}
static const go_func_info generate__info = GO_FUNC_INFO(generate__resume, struct generate);

struct filter {
    go_frame hdr;
    go_chan *in, *out;
    int prime, i;
};

static int filter__resume(go_frame *f)
{
    struct filter *fr = (struct filter *)f;
    GO_BEGIN(fr);
    for (;;) {
        GO_AWAIT(fr, go_recv__begin(fr->in, &fr->i));
        if (fr->i % fr->prime != 0) {
            GO_AWAIT(fr, go_send__begin(fr->out, &fr->i));
        }
    }
    GO_END(fr);
}
static const go_func_info filter__info = GO_FUNC_INFO(filter__resume, struct filter);

struct app {
    go_frame hdr;
    int ret;
    int n, k, prime;
    go_chan *ch;
    go_chan **chans;     /* every channel made, n + 1 of them */
    int64_t start;
};

static int app__resume(go_frame *f)
{
    struct app *fr = (struct app *)f;
    GO_BEGIN(fr);
    fr->start = now_ns();
    fr->ch = fr->chans[0] = go_chan_make(sizeof(int), 0);
    struct generate *g = go_frame_alloc(&generate__info);
    g->ch = fr->ch;
    go_spawn(&g->hdr);
    for (fr->k = 0; fr->k < fr->n; fr->k++) {
        GO_AWAIT(fr, go_recv__begin(fr->ch, &fr->prime));
        go_chan *next = fr->chans[fr->k + 1] = go_chan_make(sizeof(int), 0);
        struct filter *flt = go_frame_alloc(&filter__info);
        flt->in = fr->ch;
        flt->out = next;
        flt->prime = fr->prime;
        go_spawn(&flt->hdr);
        fr->ch = next;
    }
    printf("prime %d = %d in %lld ms\n", fr->n, fr->prime,
           (long long)((now_ns() - fr->start) / 1000000));
    fr->ret = 0;
    GO_END(fr);
}
static const go_func_info app__info = GO_FUNC_INFO(app__resume, struct app);

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    if (n <= 0)
        n = 1;
    go_chan **chans = calloc((size_t)n + 1, sizeof *chans);
    struct app *a = go_frame_alloc(&app__info);
    a->n = n;
    a->chans = chans;
    int ret = go_run_main(&a->hdr, &a->ret);
    for (int i = 0; i <= n; i++)
        go_chan_free(chans[i]);
    free(chans);
    return ret;
}
