/* Statement forms around suspension points: blocks with shadowing, loops,
 * switch with suspensions inside cases, goto, early return. */
#include <gosched.h>

GO_FUNC int statements(go_chan *c, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++) {
        int s = i;                    /* shadows: a field of its own */
        go_send(c, &s);
    }
    while (s < n) {
        s++;
        if (s == 2)
            continue;
        go_yield();
    }
    do {
        go_yield();
    } while (--n > 0);
    switch (s) {
    case 1:
        go_yield();
        /* fallthrough */
    case 2: {
        int t = s * 2;
        go_send(c, &t);
        break;
    }
    default:
        break;
    }
again:
    if (go_recv(c, &s))
        goto again;
    if (s < 0)
        return -1;
    int unused_after = s + 1;         /* no suspension after it: a plain C local */
    return unused_after;
}
