#include "crosstu.h"

GO_FUNC long square_sum(go_chan *in)
{
    long s = 0;
    int v;
    while (go_recv(in, &v))
        s += (long)v * v;
    return s;
}

GO_FUNC void feed(go_chan *out, int n, go_wg *wg)
{
    for (int i = 0; i < n; i++)
        go_send(out, &i);
    go_chan_close(out);
    go_wg_done(wg);
}
