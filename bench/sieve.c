/* sieve — the concurrent prime sieve (Go's classic): a generator sends 2, 3,
 * 4, ... down an unbuffered channel, and each prime found adds a filter
 * goroutine that drops its multiples.  check is the n-th prime (default
 * n = 5,000: 48611).  Twin: go/sieve.go.  Metric: ms.
 *
 * The generator and the filters are still blocked when app returns; go_main
 * abandons them, as Go's main does.  app records every channel it makes and
 * main frees them once go_main has returned and no goroutine runs.
 */
#include <gosched.h>

#include "bench.h"

static go_chan **chans;
static int64_t nchans;

static go_chan *make_chan(void) {
    return chans[nchans++] = go_chan_make(sizeof(int64_t), 0);
}

GO_FUNC static void generate(go_chan *out) {
    for (int64_t i = 2;; i++)
        go_send(out, &i);
}

GO_FUNC static void filter(go_chan *in, go_chan *out, int64_t prime) {
    int64_t i;
    while (go_recv(in, &i))
        if (i % prime != 0)
            go_send(out, &i);
}

GO_FUNC static int app(int64_t n) {
    int64_t start = bench_now_ns();
    go_chan *ch = make_chan();
    go(generate(ch));
    int64_t prime = 0;
    for (int64_t k = 0; k < n; k++) {
        go_recv(ch, &prime);
        go_chan *next = make_chan();
        go(filter(ch, next, prime));
        ch = next;
    }
    double ms = (double)(bench_now_ns() - start) / 1e6;
    printf("bench=sieve procs=%d n=%" PRId64 " check=%" PRId64 " ms=%.1f\n", go_procs(), n, prime, ms);
    return 0;
}

int main(int argc, char **argv) {
    int64_t n = bench_arg(argc, argv, 1, 5000, 1, "[primes]");
    chans = calloc((size_t)n + 1, sizeof *chans);
    if (!chans)
        return 1;
    int status = go_main(app(n));
    for (int64_t i = 0; i < nchans; i++)
        go_chan_free(chans[i]);
    free(chans);
    return status;
}
