/* main.c — a GO_FUNC program whose output depends on a header of a linked
 * target (VALUE, GREETING), a source property (ROUNDS) and a quote include. */
#include <gosched.h>
#include <settings.h>
#include <stdio.h>

#include "local.h"

GO_FUNC static void send_rounds(go_chan *out) {
    for (int r = 1; r <= ROUNDS; r++) {
        int v = twice(VALUE) * r;
        go_send(out, &v);
    }
    go_chan_close(out);
}

GO_FUNC static int app(void) {
    go_chan *c = go_chan_make(sizeof(int), 0);
    go(send_rounds(c));
    int v, sum = 0;
    while (go_recv(c, &v))
        sum += v;
    go_chan_free(c);
    printf("%s: value %d, rounds %d, sum %d\n", GREETING, VALUE, ROUNDS, sum);
    return 0;
}

int main(void) {
    return go_main(app());
}
