/* frames.h — what the runtime tests share for hand-written goroutines:
 * sizes scaled down under tsan, zeroed frames, a main frame that points at
 * the test's own state, and finding a marked line of the test's source.
 *
 * A test's main frame is freed by go_run_main, so its state lives in the
 * test function and the frame holds a pointer to it (MAIN_FRAME's `s`).
 */
#ifndef TESTS_FRAMES_H
#define TESTS_FRAMES_H

#include <gosched.h>
#include <stdio.h>
#include <string.h>

#ifdef GOSCHED_TEST_TSAN
#define SCALE(release_n, tsan_n) (tsan_n)
#else
#define SCALE(release_n, tsan_n) (release_n)
#endif

#define MS GO_MILLISECOND

/* A frame of `info` with everything past the header zeroed. */
static inline void *zalloc_frame(const go_func_info *info)
{
    go_frame *f = go_frame_alloc(info);
    memset((char *)f + sizeof *f, 0, info->frame_size - sizeof *f);
    return f;
}

#define MAIN_FRAME(name, state) \
    struct name {               \
        go_frame hdr;           \
        int ret;                \
        struct state *s;        \
    }

/* Runs a MAIN_FRAME-shaped frame of `info` whose `s` is `state`. */
static inline void run_main_with(const go_func_info *info, void *state)
{
    struct { go_frame hdr; int ret; void *s; } *m = zalloc_frame(info);
    m->s = state;
    go_run_main(&m->hdr, &m->ret);
}

/* The line of `file` that contains `marker` (lines calling line_of are
 * skipped); -1 if the file cannot be read. */
static inline int line_in_file(const char *file, const char *marker)
{
    FILE *src = fopen(file, "r");
    char buf[512];
    int line = 0;
    if (!src)
        return -1;
    while (fgets(buf, sizeof buf, src)) {
        line++;
        if (strstr(buf, marker) && !strstr(buf, "line_of"))
            break;
    }
    fclose(src);
    return line;
}
#define line_of(marker) line_in_file(__FILE__, (marker))

#endif
