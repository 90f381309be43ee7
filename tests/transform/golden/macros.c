/* Macros around suspension points and frame-resident locals: locals passed
 * as macro arguments are rewritten in place; a macro that is exactly one
 * suspending call is lowered; multi-line statements keep their lines. */
#include <gosched.h>

#define SEND(ch, p) go_send(ch, p)
#define MAX(a, b) ((a) > (b) ? (a) : (b))

GO_FUNC int macros(go_chan *c, go_wg *wg)
{
    int v = 0, best = 0;
    go_wg_add(wg, 1);
    go_recv(c, &v);
    SEND(c, &v);
    best = MAX(best, v);
    int total = v +
                go_recv(c,
                        &v) +
                best;
    go_wg_done(wg);
    return total;
}
