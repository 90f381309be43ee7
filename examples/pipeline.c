/* pipeline — Go's "pipelines and cancellation" (go.dev/blog/pipelines).
 *
 * Part 1, fan-out and fan-in: gen sends 1..100 and closes its channel; three
 * square stages read it until closed and send the squares to one channel;
 * a closer closes that channel once the three are done (a WaitGroup), so app
 * sums exactly the 100 squares.
 * Part 2, cancellation: an endless counter and a square stage select between
 * their channel operation and `done`; app takes the first five squares (in
 * order: one chain of stages keeps it), closes `done`, and waits until both
 * stages have seen it and returned.
 * Output:
 *     sum of squares 1..100: 338350
 *     first squares: 1 4 9 16 25
 *     cancelled: every stage returned
 * Each channel is freed once its last user is known to be done.
 */
#include <gosched.h>
#include <stdio.h>

GO_FUNC static void gen(go_chan *out, int n) {
    for (int i = 1; i <= n; i++)
        go_send(out, &i);
    go_chan_close(out);
}

GO_FUNC static void square(go_chan *in, go_chan *out, go_wg *wg) {
    int v;
    while (go_recv(in, &v)) {
        int sq = v * v;
        go_send(out, &sq);
    }
    go_wg_done(wg);
}

GO_FUNC static void close_when_done(go_wg *wg, go_chan *c) {
    go_wg_wait(wg);
    go_chan_close(c);
}

GO_FUNC static void count_until_done(go_chan *out, go_chan *done, go_wg *returned) {
    for (int i = 1;; i++) {
        go_case cases[2] = { GO_CASE_SEND(out, &i), GO_CASE_RECV(done, NULL) };
        if (go_select(cases, 2) == 1)
            break;
    }
    go_wg_done(returned);
}

GO_FUNC static void square_until_done(go_chan *in, go_chan *out, go_chan *done, go_wg *returned) {
    for (;;) {
        int v;
        go_case recv[2] = { GO_CASE_RECV(in, &v), GO_CASE_RECV(done, NULL) };
        if (go_select(recv, 2) == 1)
            break;
        int sq = v * v;
        go_case send[2] = { GO_CASE_SEND(out, &sq), GO_CASE_RECV(done, NULL) };
        if (go_select(send, 2) == 1)
            break;
    }
    go_wg_done(returned);
}

GO_FUNC static int fan_out_fan_in(void) {
    static go_wg squares_done = GO_WG_INIT;
    go_chan *nums = go_chan_make(sizeof(int), 0);
    go_chan *squares = go_chan_make(sizeof(int), 0);
    go(gen(nums, 100));
    go_wg_add(&squares_done, 3);
    for (int k = 0; k < 3; k++)
        go(square(nums, squares, &squares_done));
    go(close_when_done(&squares_done, squares));

    long sum = 0;
    int sq;
    while (go_recv(squares, &sq))
        sum += sq;
    go_chan_free(squares);
    go_chan_free(nums);
    printf("sum of squares 1..100: %ld\n", sum);
    return sum == 338350 ? 0 : 1;
}

GO_FUNC static int cancellation(void) {
    static go_wg returned = GO_WG_INIT;
    go_chan *nums = go_chan_make(sizeof(int), 0);
    go_chan *squares = go_chan_make(sizeof(int), 0);
    go_chan *done = go_chan_make(0, 0);   /* carries no values: only closed */
    go_wg_add(&returned, 2);
    go(count_until_done(nums, done, &returned));
    go(square_until_done(nums, squares, done, &returned));

    printf("first squares:");
    for (int k = 0; k < 5; k++) {
        int sq;
        go_recv(squares, &sq);
        printf(" %d", sq);
    }
    printf("\n");
    go_chan_close(done);
    go_wg_wait(&returned);
    go_chan_free(done);
    go_chan_free(squares);
    go_chan_free(nums);
    printf("cancelled: every stage returned\n");
    return 0;
}

GO_FUNC static int app(void) {
    int status = fan_out_fan_in();
    return status | cancellation();
}

int main(void) {
    return go_main(app());
}
