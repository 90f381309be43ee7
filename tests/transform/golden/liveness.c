/* Which locals live in the frame: only values used after a suspension
 * point (later in the text, in the same statement, or around a loop);
 * address-taken ones whenever a suspension follows them. */
#include <gosched.h>

GO_FUNC int liveness(go_chan *c, int n)
{
    int sum = 0;                          /* frame: used after every send */
    for (int i = 0; i < n; i++) {         /* frame: the loop reads it after the send */
        int sq = i * i;                   /* C local: dead before the send */
        sum += sq;
        go_send(c, &sum);
    }
    int before = sum * 2;                 /* C local: last used before the yield */
    sum += before;
    go_yield();
    int same = 1;                         /* frame: read by the statement that suspends */
    same = same + go_recv(c, &n);
    int addr = 3;                         /* frame: its address is taken, a suspension follows */
    int *p = &addr;                       /* C local: dead before the yield */
    *p += 1;
    go_yield();
    while (n-- > 0) {
        int t = n * 2;                    /* C local: a new one each iteration, dead at the yield */
        sum += t;
        go_yield();
    }
    int last = sum + same + addr;         /* C local: no suspension after it */
    return last;
}
