/* app — the consumer project's program: a producer goroutine sends 1..100
 * through a buffered channel and closes it; app sums the values through a
 * nested GO_FUNC call that suspends in app's own goroutine.
 * Output: "consumer: sum of 1..100 = 5050". */
#include <gosched.h>
#include <stdio.h>

#include "report.h"

GO_FUNC static void produce(go_chan *out, int n) {
    for (int i = 1; i <= n; i++)
        go_send(out, &i);
    go_chan_close(out);
}

GO_FUNC static int sum_all(go_chan *in) {
    int v, sum = 0;
    while (go_recv(in, &v))
        sum += v;
    return sum;
}

GO_FUNC static int app(int n) {
    go_chan *c = go_chan_make(sizeof(int), 4);
    go(produce(c, n));
    int sum = sum_all(c);
    go_chan_free(c);
    printf(REPORT_PREFIX "sum of 1..%d = %d\n", n, sum);
    return sum == n * (n + 1) / 2 ? 0 : 1;
}

int main(void) {
    return go_main(app(100));
}
