/* A GO_FUNC declared here and defined in crosstu_worker.c: callers build its
 * frame from the prototype (struct square_sum__head) and allocate the full
 * size from square_sum__info. */
#include <gosched.h>
GO_FUNC long square_sum(go_chan *in);
GO_FUNC void feed(go_chan *out, int n, go_wg *wg);
