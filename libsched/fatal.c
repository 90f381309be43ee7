/* fatal.c — stopping the program with a Go-style message on stderr.
 *
 *   panic: <msg>                    misuse by the program (go__panic_at);
 *                                   abort(), so a debugger or core catches it
 *                                   (stdout is flushed first, so what the
 *                                   program printed before is not lost)
 *   fatal error: <msg>              the runtime cannot go on (go__fatal);
 *                                   exit status 2, as Go
 * followed by a blank line and the current goroutine's block (its id and
 * frame chain, the given file:line first), or "[plain thread]" when the
 * caller is not a goroutine.
 */
#include <stdarg.h>
#include <stdlib.h>

#include "proc.h"

void go__dump_frames(FILE *out, go_g *g, const char *file, int line);

static void report(const char *kind, const char *file, int line, const char *fmt, va_list ap)
{
    go_g *g = go__curg();
    flockfile(stderr);
    fprintf(stderr, "%s: ", kind);
    vfprintf(stderr, fmt, ap);
    fputs("\n\n", stderr);
    if (g) {
        fprintf(stderr, "goroutine %lld [running]:\n", (long long)g->id);
        go__dump_frames(stderr, g, file, line);
        go__dump_created_by(stderr, g);
    } else {
        fputs("[plain thread]\n", stderr);
        if (file)
            fprintf(stderr, "\tat %s:%d\n", file, line);
    }
    funlockfile(stderr);
    fflush(stderr);
}

void go__panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fflush(stdout);
    report("panic", file, line, fmt, ap);
    va_end(ap);
    abort();
}

void go__fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report("fatal error", NULL, 0, fmt, ap);
    va_end(ap);
    exit(2);
}

void go__not_in_go_func(const char *fn)
{
    go_g *g = go__curg();
    go__panic_at(NULL, 0,
                 "%s called on goroutine %lld from a function that gotransform did not "
                 "lower (mark it GO_FUNC)", fn, g ? (long long)g->id : 0LL);
}
