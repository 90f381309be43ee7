/* Suspensions inside expressions: conditions, &&, ||, ?:, comma,
 * arguments, compound assignment, initialisers. */
#include <gosched.h>

int plain(int);

GO_FUNC int expressions(go_chan *c, int a)
{
    int v = 0;
    if (a && go_recv(c, &v))
        v++;
    while (a || go_recv(c, &v))
        a--;
    int x = a ? go_recv(c, &v) : -1;
    x += (plain(1), go_recv(c, &v));
    x = plain(go_recv(c, &v)) + go_select((go_case[]){ GO_CASE_RECV(c, &v) }, 1);
    for (int i = 0; go_recv(c, &i); i += go_recv(c, &v))
        x++;
    return x + v;
}
