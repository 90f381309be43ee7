#include <gosched.h>
#include <stdio.h>

GO_FUNC static void producer(go_chan *out, int n) {
    for (int i = 0; i < n; i++)
        go_send(out, &i);
    go_chan_close(out);
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
    go(producer(c, n));
    int total = sum(c);
    printf("total %d\n", total);
    return 0;
}

int main(void) {
    return go_main(app(10));
}
