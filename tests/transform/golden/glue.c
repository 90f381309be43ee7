/* go(...) and go_main(...) from plain code and from a GO_FUNC; a GO_FUNC
 * spawned before its definition. */
#include <gosched.h>

GO_FUNC static void worker(go_chan *c, int id);

GO_FUNC static int app(int n)
{
    go_chan *c = go_chan_make(sizeof(int), 0);
    for (int i = 0; i < n; i++)
        go(worker(c, i));
    int sum = 0;
    for (int i = 0; i < n; i++) {
        int v;
        go_recv(c, &v);
        sum += v;
    }
    return sum;
}

GO_FUNC static void worker(go_chan *c, int id)
{
    int v = id * id;
    go_send(c, &v);
}

int main(void)
{
    return go_main(app(4)) == 14 ? 0 : 1;
}
