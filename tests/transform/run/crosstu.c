#include "crosstu.h"
#include <stdio.h>

GO_FUNC static int app(int n)
{
    go_chan *c = go_chan_make(sizeof(int), 2);
    go_wg wg = GO_WG_INIT;
    go_wg_add(&wg, 1);
    go(feed(c, n, &wg));
    long s = square_sum(c);
    printf("sum of squares below %d: %ld\n", n, s);
    go_wg_wait(&wg);
    go_chan_free(c);
    return 0;
}

int main(void)
{
    return go_main(app(50));
}
