#include <gosched.h>
#include <stdio.h>

GO_FUNC static void producer(go_chan *out, int n, go_wg *wg) {
    for (int i = 0; i < n; i++)
        go_send(out, &i);
    go_chan_close(out);
    go_wg_done(wg);
}

GO_FUNC static int sum(go_chan *in) {
    int s = 0, v;
    while (go_recv(in, &v)) {
        int sq = v * v;
        s += sq;
    }
    return s;
}

GO_FUNC static int app(int n) {
    go_chan *c = go_chan_make(sizeof(int), 0);
    go_wg wg = GO_WG_INIT;
    go_wg_add(&wg, 1);
    go(producer(c, n, &wg));
    int total = sum(c);
    printf("total %d\n", total);
    go_wg_wait(&wg);
    go_chan_free(c);
    return 0;
}

int main(void) {
    return go_main(app(10));
}
