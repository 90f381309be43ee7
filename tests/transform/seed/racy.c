/* A racy program for GOSCHED_SEED (seed.cmake runs it).  Workers append
 * their letter to a shared log at points where the schedule decides who
 * goes first: after go_yield, after a select between two ready channels
 * (the chosen case is logged too), after a loop that only computes (where
 * a preemption check may yield), and after an unbuffered hand-off.  The
 * log is the interleaving; the program checks conservation itself (every
 * worker logged every step, every value sent was received once) and prints
 * "ok" or what is wrong, then the log. */
#include <gosched.h>
#include <stdio.h>
#include <string.h>

enum { WORKERS = 6, STEPS = 5, LOG_MAX = WORKERS * STEPS * 2 + 1 };

static char trace[LOG_MAX];
static int ntrace;

static void note(char c)
{
    if (ntrace < LOG_MAX - 1)
        trace[ntrace++] = c;
}

GO_FUNC static unsigned spin(unsigned n)
{
    unsigned h = 2166136261u;
    for (unsigned i = 0; i < n; i++)
        h = (h ^ i) * 16777619u;
    return h;
}

GO_FUNC static void worker(int id, go_chan *a, go_chan *b, go_chan *hand, go_wg *wg)
{
    char me = (char)('a' + id);
    int v;
    for (int step = 0; step < STEPS; step++) {
        switch (step % 4) {
        case 0:
            go_yield();
            break;
        case 1: {
            go_case cases[2] = { GO_CASE_RECV(a, &v), GO_CASE_RECV(b, &v) };
            note(go_select(cases, 2) == 0 ? 'A' : 'B');
            break;
        }
        case 2:
            if (spin(20000) == 0)
                note('!');
            break;
        default:
            if (id % 2 == 0) {
                v = id;
                go_send(hand, &v);
            } else {
                go_recv(hand, &v);
                note((char)('0' + v));
            }
            break;
        }
        note(me);
    }
    go_wg_done(wg);
}

GO_FUNC static int app(void)
{
    go_chan *a = go_chan_make(sizeof(int), WORKERS * STEPS);
    go_chan *b = go_chan_make(sizeof(int), WORKERS * STEPS);
    go_chan *hand = go_chan_make(sizeof(int), 0);
    for (int i = 0; i < WORKERS * STEPS; i++) {   /* every select finds both ready */
        go_send(a, &i);
        go_send(b, &i);
    }
    go_wg wg = GO_WG_INIT;
    go_wg_add(&wg, WORKERS);
    for (int id = 0; id < WORKERS; id++)
        go(worker(id, a, b, hand, &wg));
    go_wg_wait(&wg);

    int per[WORKERS] = { 0 }, received = 0;
    for (int i = 0; i < ntrace; i++) {
        if (trace[i] >= 'a' && trace[i] < 'a' + WORKERS)
            per[trace[i] - 'a']++;
        if (trace[i] >= '0' && trace[i] <= '9')
            received++;
    }
    bool ok = received == WORKERS / 2;
    for (int id = 0; id < WORKERS; id++)
        ok = ok && per[id] == STEPS;
    printf("%s %.*s\n", ok ? "ok" : "LOST", ntrace, trace);
    go_chan_free(a);
    go_chan_free(b);
    go_chan_free(hand);
    return ok ? 0 : 1;
}

int main(void)
{
    return go_main(app());
}
