/* util.c — growable strings, checked allocation, source line tables.
 *
 * Every x*alloc block is linked into one arena list, released whole by
 * arena_release() when gt_transform() returns: the passes allocate freely
 * (trees, strings, edits) without ownership bookkeeping, and the library
 * entry leaks nothing between calls (fuzzing, sanitizers).  Allocation
 * failure aborts.  Not thread-safe: one gt_transform() at a time.
 */
#include "gotransform.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *prev, *next;
    alignas(max_align_t) unsigned char data[];
} block;

static block arena = { &arena, &arena };

static void *oom(void)
{
    fputs("gotransform: out of memory\n", stderr);
    abort();
}

static void *link_block(block *b)
{
    b->next = arena.next;
    b->prev = &arena;
    arena.next->prev = b;
    arena.next = b;
    return b->data;
}

void *xcalloc(size_t n, size_t size)
{
    block *b = calloc(1, sizeof(block) + (n ? n : 1) * (size ? size : 1));
    return b ? link_block(b) : oom();
}

void *xrealloc(void *p, size_t size)
{
    if (!p)
        return xcalloc(1, size);
    block *b = (block *)((unsigned char *)p - offsetof(block, data));
    b->prev->next = b->next;
    b->next->prev = b->prev;
    block *nb = realloc(b, sizeof(block) + (size ? size : 1));
    if (!nb) {
        link_block(b);
        return oom();
    }
    return link_block(nb);
}

void xfree(void *p)
{
    if (!p)
        return;
    block *b = (block *)((unsigned char *)p - offsetof(block, data));
    b->prev->next = b->next;
    b->next->prev = b->prev;
    free(b);
}

void arena_release(void)
{
    while (arena.next != &arena)
        xfree(arena.next->data);
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xcalloc(n, 1), s, n);
}

void sb_putn(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_put(strbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_vprintf(strbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = xrealloc(b->s, b->cap);
    }
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sb_printf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(b, fmt, ap);
    va_end(ap);
}

char *sb_take(strbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

char *xprintf(const char *fmt, ...)
{
    strbuf b = { 0 };
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&b, fmt, ap);
    va_end(ap);
    return sb_take(&b);
}

char *cx_string(CXString s)
{
    const char *c = clang_getCString(s);
    char *r = xstrdup(c ? c : "");
    clang_disposeString(s);
    return r;
}

unsigned src_line(const gt_source *s, unsigned off)
{
    unsigned lo = 0, hi = s->nlines;      /* largest i with line_start[i] <= off */
    while (hi - lo > 1) {
        unsigned mid = (lo + hi) / 2;
        if (s->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

unsigned src_col(const gt_source *s, unsigned off)
{
    return off - s->line_start[src_line(s, off) - 1] + 1;
}
