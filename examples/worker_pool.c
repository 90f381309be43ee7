/* worker_pool — a fixed pool of workers draining a job queue (Go by
 * Example's "worker pools", with a WaitGroup to close the results).
 *
 * A feeder queues jobs 1..NJOBS on a buffered channel and closes it; NWORKERS
 * workers each take jobs until the queue is closed and drained and send
 * {job, job²} on the results channel; a closer waits for the workers'
 * WaitGroup and closes the results, so app's receive loop ends exactly when
 * every result is in.  app checks that every job came back exactly once with
 * the right answer, then prints
 *     4 workers, 1000 jobs, each done once, sum of squares 333833500
 * Channels are freed once nothing can touch them: results after the loop saw
 * it closed (the close was its last use), jobs once every worker is done.
 */
#include <gosched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum { NWORKERS = 4, NJOBS = 1000 };

struct result {
    int job;
    int64_t square;
};

GO_FUNC static void feed(go_chan *jobs) {
    for (int j = 1; j <= NJOBS; j++)
        go_send(jobs, &j);
    go_chan_close(jobs);
}

GO_FUNC static void worker(go_chan *jobs, go_chan *results, go_wg *wg) {
    int job;
    while (go_recv(jobs, &job)) {
        struct result r = { job, (int64_t)job * job };
        go_send(results, &r);
    }
    go_wg_done(wg);
}

GO_FUNC static void close_when_done(go_wg *wg, go_chan *results) {
    go_wg_wait(wg);
    go_chan_close(results);
}

GO_FUNC static int app(void) {
    static bool seen[NJOBS + 1];
    static go_wg workers = GO_WG_INIT;
    go_chan *jobs = go_chan_make(sizeof(int), 64);
    go_chan *results = go_chan_make(sizeof(struct result), 64);

    go(feed(jobs));
    go_wg_add(&workers, NWORKERS);
    for (int w = 0; w < NWORKERS; w++)
        go(worker(jobs, results, &workers));
    go(close_when_done(&workers, results));

    int count = 0;
    int64_t sum = 0;
    struct result r;
    while (go_recv(results, &r)) {
        if (r.job < 1 || r.job > NJOBS || seen[r.job] || r.square != (int64_t)r.job * r.job) {
            fprintf(stderr, "worker_pool: bad or repeated result for job %d\n", r.job);
            return 1;
        }
        seen[r.job] = true;
        count++;
        sum += r.square;
    }
    go_chan_free(results);
    go_chan_free(jobs);
    if (count != NJOBS) {
        fprintf(stderr, "worker_pool: %d results for %d jobs\n", count, NJOBS);
        return 1;
    }
    printf("%d workers, %d jobs, each done once, sum of squares %lld\n",
           NWORKERS, NJOBS, (long long)sum);
    return 0;
}

int main(void) {
    return go_main(app());
}
