/* fan_in — one consumer selects over several producers' channels, with an
 * idle timeout and an overall deadline (Go's fan-in with `select` and
 * `time.After`).
 *
 * Four producers send readings {producer, seq, value} on their own
 * channels, each at its own pace (go_sleep between readings), and close
 * their channel when done — except producer 3, which sends a few readings
 * and then stalls without closing (it waits for `quit`).  The consumer
 * loops on one go_select_timeout over the four channels plus a go_after
 * deadline:
 *   - a reading: checked (each channel delivers its producer's readings in
 *     order) and added to that producer's totals;
 *   - a closed channel: its case becomes a nil channel (never ready again),
 *     as Go programs set a drained channel variable to nil;
 *   - nothing for IDLE_MS: the producers still open are reported stalled
 *     and the loop ends;
 *   - the deadline (10 s, far beyond the run): a failure.
 * Then it closes `quit`, waits for every producer to return (a WaitGroup)
 * and prints, whatever the interleaving was:
 *     producer 0: 60 readings, sum 1830, closed
 *     producer 1: 40 readings, sum 820, closed
 *     producer 2: 20 readings, sum 210, closed
 *     producer 3: 5 readings, sum 15, stalled
 *     every producer returned
 */
#include <gosched.h>
#include <stdio.h>

enum { NPRODUCERS = 4, STALLED = 3, IDLE_MS = 500 };   /* far above the paces, even under tsan */

struct reading {
    int producer;
    int seq;      /* 1, 2, ... per producer */
    int value;    /* seq: sums are n(n+1)/2 */
};

static const int readings_of[NPRODUCERS] = { 60, 40, 20, 5 };
static const int64_t pace_of[NPRODUCERS] = { 100 * GO_MICROSECOND, 200 * GO_MICROSECOND,
                                             500 * GO_MICROSECOND, 0 };

GO_FUNC static void produce(int id, go_chan *out, go_chan *quit, go_wg *returned) {
    for (int seq = 1; seq <= readings_of[id]; seq++) {
        struct reading r = { id, seq, seq };
        go_send(out, &r);
        go_sleep(pace_of[id]);
    }
    if (id == STALLED)
        go_recv(quit, NULL);   /* a producer that stopped without closing */
    else
        go_chan_close(out);
    go_wg_done(returned);
}

GO_FUNC static int app(void) {
    static go_wg returned = GO_WG_INIT;
    go_chan *chans[NPRODUCERS];
    go_chan *quit = go_chan_make(0, 0);   /* carries no values: only closed */
    go_wg_add(&returned, NPRODUCERS);
    for (int p = 0; p < NPRODUCERS; p++) {
        chans[p] = go_chan_make(sizeof(struct reading), 0);
        go(produce(p, chans[p], quit, &returned));
    }

    go_chan *deadline = go_after(10 * GO_SECOND);
    struct reading r;
    int64_t fired_at;
    go_case cases[NPRODUCERS + 1];
    for (int p = 0; p < NPRODUCERS; p++)
        cases[p] = (go_case)GO_CASE_RECV(chans[p], &r);
    cases[NPRODUCERS] = (go_case)GO_CASE_RECV(deadline, &fired_at);

    int count[NPRODUCERS] = { 0 }, open = NPRODUCERS, status = 0;
    long sum[NPRODUCERS] = { 0 };
    while (open > 0) {
        int i = go_select_timeout(cases, NPRODUCERS + 1, IDLE_MS * GO_MILLISECOND);
        if (i == -1)                      /* idle: whoever is still open has stalled */
            break;
        if (i == NPRODUCERS) {
            printf("deadline passed with %d producers open\n", open);
            status = 1;
            break;
        }
        if (!cases[i].ok) {               /* closed and drained */
            cases[i].chan = NULL;
            open--;
            continue;
        }
        if (r.producer != i || r.seq != count[i] + 1) {
            printf("producer %d: reading %d of producer %d out of order\n", i, r.seq, r.producer);
            status = 1;
        }
        count[i]++;
        sum[i] += r.value;
    }
    go_chan_close(quit);
    go_wg_wait(&returned);
    go_chan_free(deadline);
    go_chan_free(quit);

    for (int p = 0; p < NPRODUCERS; p++) {
        printf("producer %d: %d readings, sum %ld, %s\n", p, count[p], sum[p],
               cases[p].chan ? "stalled" : "closed");
        go_chan_free(chans[p]);
    }
    printf("every producer returned\n");
    return status;
}

int main(void) {
    return go_main(app());
}
