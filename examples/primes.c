/* primes — the concurrent prime sieve (DESIGN.md §1, Go's classic example).
 *
 * A generator goroutine sends 2, 3, 4, ... down a channel; each prime found
 * adds a filter goroutine that drops its multiples, so the chain of filters
 * grows as primes are found.  Prints the first n primes (argv[1], default
 * 10), one per line.  All channels are unbuffered: every number is handed
 * from goroutine to goroutine.  The generator and the filters are still
 * blocked when app returns; go_main abandons them, as Go's main does.
 */
#include <gosched.h>
#include <stdio.h>
#include <stdlib.h>

GO_FUNC static void generate(go_chan *out) {
    for (int i = 2;; i++)
        go_send(out, &i);                 /* suspends until a receiver takes it */
}

GO_FUNC static void filter(go_chan *in, go_chan *out, int prime) {
    int i;
    while (go_recv(in, &i))               /* false once `in` is closed and drained */
        if (i % prime != 0)
            go_send(out, &i);
}

GO_FUNC static int app(int n) {
    go_chan *ch = go_chan_make(sizeof(int), 0);   /* elem size, capacity */
    go(generate(ch));                             /* like Go's `go generate(ch)` */
    for (int k = 0; k < n; k++) {
        int prime;
        go_recv(ch, &prime);
        printf("%d\n", prime);
        go_chan *next = go_chan_make(sizeof(int), 0);
        go(filter(ch, next, prime));
        ch = next;
    }
    return 0;
}

int main(int argc, char **argv) {
    return go_main(app(argc > 1 ? atoi(argv[1]) : 10));  /* exits when app returns */
}
