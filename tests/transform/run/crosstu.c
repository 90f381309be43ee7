#include "crosstu.h"
#include <stdio.h>

GO_FUNC static int app(int n)
{
    go_chan *c = go_chan_make(sizeof(int), 2);
    go(feed(c, n));
    long s = square_sum(c);
    printf("sum of squares below %d: %ld\n", n, s);
    return 0;
}

int main(void)
{
    return go_main(app(50));
}
