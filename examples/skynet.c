/* skynet — the skynet benchmark as a program: a tree of goroutines, each
 * node spawning 10 children, down to 1,000,000 leaves (argv[1] may give
 * another power of 10).  Leaf k sends k to its parent; each node sums its
 * children's values and sends the sum up; the root prints the total,
 * 499999500000 for a million leaves.  1,111,111 goroutines are created; each
 * node frees its channel once it has received its ten values.
 */
#include <gosched.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum { DIV = 10 };

GO_FUNC static void skynet(go_chan *parent, int64_t num, int64_t size) {
    if (size == 1) {
        go_send(parent, &num);
        return;
    }
    go_chan *rc = go_chan_make(sizeof(int64_t), 0);
    for (int64_t i = 0; i < DIV; i++)
        go(skynet(rc, num + i * (size / DIV), size / DIV));
    int64_t sum = 0;
    for (int i = 0; i < DIV; i++) {
        int64_t v;
        go_recv(rc, &v);
        sum += v;
    }
    go_chan_free(rc);
    go_send(parent, &sum);
}

GO_FUNC static int app(int64_t leaves) {
    go_chan *c = go_chan_make(sizeof(int64_t), 0);
    go(skynet(c, 0, leaves));
    int64_t sum;
    go_recv(c, &sum);
    go_chan_free(c);
    printf("%" PRId64 "\n", sum);
    return 0;
}

static int is_power_of_div(int64_t n) {
    while (n > 1 && n % DIV == 0)
        n /= DIV;
    return n == 1;
}

int main(int argc, char **argv) {
    int64_t leaves = argc > 1 ? strtoll(argv[1], NULL, 10) : 1000000;
    if (!is_power_of_div(leaves)) {
        fprintf(stderr, "usage: skynet [leaves, a power of %d]\n", DIV);
        return 2;
    }
    return go_main(app(leaves));
}
