/* preempt — the cost of the preemption check gotransform inserts at loop
 * back-edges (frame.h: one load of a thread-local word and a branch).
 * Two loops run in a goroutine:
 *   chain  x = x * a + i: a dependent multiply chain (the check is off the
 *          critical path);
 *   sum    x += v[i % 1024]: a loop the compiler vectorises when it has no
 *          check, and cannot with one;
 * each in three lowerings:
 *   plain    no check (the compiler keeps i and x in registers);
 *   frame    GO_PREEMPT_CHECK on the back-edge, i and x in the frame: the
 *            check is a loop exit followed by a call, and gcc and clang then
 *            store i and x to the frame on every iteration;
 *   spill    the check on the back-edge, i and x in C locals, stored to the
 *            frame only on the check's slow path and loaded back when the
 *            goroutine resumes (at the loop's head: the loop keeps a single
 *            entry) — the lowering docs/abi.md recommends;
 *   strip    spill, with the check once per 1024 iterations (an inner loop
 *            without it: the countdown docs/abi.md recommends for loops
 *            without calls).
 * Each variant runs `rounds` times (default 5); the fastest counts.  check
 * is n when every lowering computed the same result as plain, else 0.
 * Metrics: chain_ratio and sum_ratio, the time with the check in the spill
 * lowering over the time without (1.00: free); frame_*_ratio and
 * strip_*_ratio, the same for the frame and strip lowerings; the ns per
 * iteration of each variant.
 *
 *     bench=preempt procs=<P> n=<iterations> check=<n> chain_ratio=<a> sum_ratio=<b> ...
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gosched.h>

enum { VEC = 1024 };

struct loop {
    go_frame hdr;
    uint64_t n, i, x;
    const uint32_t *v;
};

#define LOOP_FRAME(name, body, check)                                         \
    static int name##__resume(go_frame *f)                                    \
    {                                                                         \
        struct loop *fr = (struct loop *)f;                                   \
        GO_BEGIN(fr);                                                         \
        for (; fr->i < fr->n; fr->i++) {                                      \
            body;                                                             \
            check;                                                            \
        }                                                                     \
        GO_END(fr);                                                           \
    }                                                                         \
    static const go_func_info name##__info = GO_FUNC_INFO(name##__resume, struct loop)

#define CHAIN fr->x = fr->x * 6364136223846793005ull + fr->i
#define SUM fr->x += fr->v[fr->i % VEC]

LOOP_FRAME(chain_plain, CHAIN, (void)0);
LOOP_FRAME(chain_frame, CHAIN, GO_PREEMPT_CHECK(fr));
LOOP_FRAME(sum_plain, SUM, (void)0);
LOOP_FRAME(sum_frame, SUM, GO_PREEMPT_CHECK(fr));

/* The spill lowering, written as gotransform would emit it (switch + goto,
 * resume point K = 1 at the loop's head). */
#define SPILL_FRAME(name, strip, body)                                        \
    static int name##__resume(go_frame *f)                                    \
    {                                                                         \
        struct loop *fr = (struct loop *)f;                                   \
        uint64_t i = fr->i, x = fr->x, n = fr->n;                             \
        const uint32_t *v = fr->v;                                            \
        (void)v;                                                              \
        switch (fr->hdr.state) {                                              \
        case 0: goto start;                                                   \
        case 1: goto resume_1;                                                \
        }                                                                     \
    start:                                                                    \
        for (;;) {                                                            \
        resume_1:                                                             \
            if (!(i < n))                                                     \
                break;                                                        \
            for (uint64_t end = n - i > (strip) ? i + (strip) : n; i < end; i++) \
                body;                                                         \
            if (go_preempt_requested()) {                                     \
                fr->i = i;                                                    \
                fr->x = x;                                                    \
                fr->hdr.state = 1;                                            \
                go_preempt__begin();                                          \
                return GO_SUSPEND;                                            \
            }                                                                 \
        }                                                                     \
        fr->i = i;                                                            \
        fr->x = x;                                                            \
        return GO_DONE;                                                       \
    }                                                                         \
    static const go_func_info name##__info = GO_FUNC_INFO(name##__resume, struct loop)

SPILL_FRAME(chain_spill, 1, x = x * 6364136223846793005ull + i);
SPILL_FRAME(chain_strip, 1024, x = x * 6364136223846793005ull + i);
SPILL_FRAME(sum_spill, 1, x += v[i % VEC]);
SPILL_FRAME(sum_strip, 1024, x += v[i % VEC]);

enum { NVARIANTS = 8 };
static const go_func_info *const variants[NVARIANTS] = {
    &chain_plain__info, &chain_frame__info, &chain_spill__info, &chain_strip__info,
    &sum_plain__info,   &sum_frame__info,   &sum_spill__info,   &sum_strip__info,
};

struct app {
    go_frame hdr;
    int ret;
    uint64_t n;
    int rounds, r, k;
    int64_t t0, best[NVARIANTS];
    uint64_t result[NVARIANTS];
    uint32_t *v;
    struct loop child;
};

static int app__resume(go_frame *f)
{
    struct app *fr = (struct app *)f;
    GO_BEGIN(fr);
    for (fr->r = 0; fr->r < fr->rounds; fr->r++)
        for (fr->k = 0; fr->k < NVARIANTS; fr->k++) {
            fr->child = (struct loop){ .hdr = GO_FRAME_INIT(variants[fr->k]), .n = fr->n,
                                       .x = 1, .v = fr->v };
            fr->t0 = go_now();
            GO_AWAIT_CALL(fr, &fr->child.hdr);
            {
                int64_t t = go_now() - fr->t0;
                if (fr->r == 0 || t < fr->best[fr->k])
                    fr->best[fr->k] = t;
            }
            fr->result[fr->k] = fr->child.x;
        }
    uint64_t check = fr->n;
    for (int k = 0; k < NVARIANTS; k++)
        if (fr->result[k] != fr->result[k < NVARIANTS / 2 ? 0 : NVARIANTS / 2])
            check = 0;
#define RATIO(k, base) ((double)fr->best[k] / (double)fr->best[base])
#define NS(k) ((double)fr->best[k] / (double)fr->n)
    printf("bench=preempt procs=%d n=%" PRIu64 " check=%" PRIu64 " chain_ratio=%.3f "
           "sum_ratio=%.3f frame_chain_ratio=%.3f frame_sum_ratio=%.3f strip_chain_ratio=%.3f "
           "strip_sum_ratio=%.3f chain_ns=%.3f chain_frame_ns=%.3f chain_spill_ns=%.3f "
           "chain_strip_ns=%.3f sum_ns=%.3f sum_frame_ns=%.3f sum_spill_ns=%.3f "
           "sum_strip_ns=%.3f\n",
           go_procs(), fr->n, check, RATIO(2, 0), RATIO(6, 4), RATIO(1, 0), RATIO(5, 4),
           RATIO(3, 0), RATIO(7, 4), NS(0), NS(1), NS(2), NS(3), NS(4), NS(5), NS(6), NS(7));
    GO_END(fr);
}
static const go_func_info app__info = GO_FUNC_INFO(app__resume, struct app);

int main(int argc, char **argv)
{
    uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000000;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    if (n < 1 || rounds < 1) {
        fprintf(stderr, "usage: %s [iterations [rounds]]\n", argv[0]);
        return 2;
    }
    uint32_t *v = malloc(VEC * sizeof *v);
    for (int i = 0; i < VEC; i++)
        v[i] = (uint32_t)i * 2654435761u;
    struct app *a = go_frame_alloc(&app__info);
    memset((char *)a + sizeof a->hdr, 0, sizeof *a - sizeof a->hdr);
    a->n = n;
    a->rounds = rounds;
    a->v = v;
    go_run_main(&a->hdr, &a->ret);
    free(v);
    return 0;
}
