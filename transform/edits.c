/* edits.c — the edit list over the main file's text, and the line-keeping
 * output builder.
 *
 * An edit replaces [start, end) of the original text.  render(a, z) returns
 * the text of [a, z) with the edits inside it applied; when edits nest, the
 * outermost wins (it was built from render() of its parts, so it already
 * contains the inner ones).  Zero-length edits (insertions) sort before
 * replacements at the same offset.  Identical duplicates are dropped (a macro
 * argument used twice gives the same edit twice); different edits of the
 * same range, and partial overlaps, are errors.
 *
 * Line invariant: an edit's text, placed at line_of(start), ends at
 * line_of(end).  ob_* keeps it: generated text has no newline, rendered
 * source ranges are preceded by newline padding (or a #line directive when
 * the builder is already past the range's line), and ob_finish() syncs to the
 * end.  So every line outside an edit keeps its number, and statement text
 * inside an edit keeps its own line.
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

static int edit_cmp(const void *pa, const void *pb)
{
    const gt_edit *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    bool az = a->start == a->end, bz = b->start == b->end;
    if (az != bz)
        return az ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1;           /* outer first */
    return a->seq - b->seq;
}

/* First edit index with start >= a. */
static int first_edit(gt_ctx *ctx, unsigned a)
{
    int lo = 0, hi = ctx->nedits;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (ctx->edits[mid].start < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Where e belongs: after every edit that sorts before or with it. */
static int insert_pos(gt_ctx *ctx, const gt_edit *e)
{
    int lo = first_edit(ctx, e->start), hi = ctx->nedits;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (edit_cmp(&ctx->edits[mid], e) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The edit list stays sorted: each edit is inserted in place (the list is
 * searched by binary search; re-sorting it per edit was quadratic). */
bool edit_add(gt_ctx *ctx, unsigned start, unsigned end, char *text)
{
    for (int i = first_edit(ctx, start); i < ctx->nedits && ctx->edits[i].start == start; i++) {
        gt_edit *e = &ctx->edits[i];
        if (e->end == end && start != end) {
            if (strcmp(e->text, text) == 0) {
                xfree(text);
                return true;
            }
            if (ctx->diags.errors == 0)   /* else a consequence of an earlier error */
                diag_error(&ctx->diags, start,
                           "this code is rewritten in two different ways (a macro argument used "
                           "twice?)");
            xfree(text);
            return false;
        }
    }
    gt_edit e = { start, end, text, ctx->edit_seq++ };
    int at = insert_pos(ctx, &e);
    VEC_PUSH(ctx->edits, ctx->nedits, ctx->capedits, e);   /* grows the array */
    memmove(&ctx->edits[at + 1], &ctx->edits[at],
            (size_t)(ctx->nedits - 1 - at) * sizeof *ctx->edits);
    ctx->edits[at] = e;
    return true;
}

bool edit_replace(gt_ctx *ctx, unsigned start, unsigned end, char *text)
{
    for (int i = first_edit(ctx, start); i < ctx->nedits && ctx->edits[i].start == start;) {
        if (ctx->edits[i].end == end && start != end) {
            xfree(ctx->edits[i].text);
            memmove(&ctx->edits[i], &ctx->edits[i + 1],
                    (size_t)(ctx->nedits - 1 - i) * sizeof *ctx->edits);
            ctx->nedits--;
        } else {
            i++;
        }
    }
    return edit_add(ctx, start, end, text);
}

bool edit_simple(gt_ctx *ctx, unsigned start, unsigned end, const char *text)
{
    ob b;
    ob_init(&b, ctx, start);
    ob_gen(&b, "%s", text);
    return edit_add(ctx, start, end, ob_finish(&b, end));
}

void render(gt_ctx *ctx, unsigned a, unsigned z, strbuf *out)
{
    const char *text = ctx->src.text;
    unsigned pos = a;
    for (int i = first_edit(ctx, a); i < ctx->nedits; i++) {
        gt_edit *e = &ctx->edits[i];
        if (e->start >= z)
            break;
        if (e->start < pos || e->end > z)
            continue;              /* inside an applied edit, or crossing the range end */
        sb_putn(out, text + pos, e->start - pos);
        sb_put(out, e->text);
        pos = e->end;
    }
    sb_putn(out, text + pos, z - pos);
}

/* ---- builder --------------------------------------------------------------- */

void ob_init(ob *b, gt_ctx *ctx, unsigned off)
{
    memset(b, 0, sizeof *b);
    b->ctx = ctx;
    b->line = src_line(&ctx->src, off);
    sb_put(&b->sb, "");
}

void ob_gen(ob *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s;
    {
        va_list ap2;
        va_copy(ap2, ap);
        int n = vsnprintf(NULL, 0, fmt, ap2);
        va_end(ap2);
        s = xcalloc((size_t)n + 1, 1);
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    }
    va_end(ap);
    sb_put(&b->sb, s);
    xfree(s);
}

static void line_directive(ob *b, unsigned line)
{
    sb_printf(&b->sb, "\n#line %u \"%s\"\n", line, b->ctx->src.line_path);
    b->line = line;
}

/* Moves the builder to `line`; when it starts a new line for source text at
 * offset `at`, the indentation in front of `at` is copied too. */
static void sync_line(ob *b, unsigned line, bool exact, unsigned at)
{
    bool fresh = false;
    if (b->line < line)
        while (b->sb.len && b->sb.s[b->sb.len - 1] == ' ')
            b->sb.s[--b->sb.len] = 0;
    while (b->line < line) {
        sb_put(&b->sb, "\n");
        b->line++;
        fresh = true;
    }
    if (exact && b->line > line) {
        line_directive(b, line);
        fresh = true;
    }
    if (fresh) {
        const gt_source *s = &b->ctx->src;
        unsigned ls = s->line_start[line - 1];
        unsigned k = ls;
        while (k < at && (s->text[k] == ' ' || s->text[k] == '\t'))
            k++;
        if (k == at)
            sb_putn(&b->sb, s->text + ls, at - ls);
    }
}

void ob_block(ob *b, const char *lines)
{
    unsigned line = b->line;
    sb_put(&b->sb, "\n");
    sb_put(&b->sb, lines);
    if (b->sb.len && b->sb.s[b->sb.len - 1] != '\n')
        sb_put(&b->sb, "\n");
    sb_printf(&b->sb, "#line %u \"%s\"\n", line, b->ctx->src.line_path);
}

void ob_src(ob *b, unsigned a, unsigned z)
{
    sync_line(b, src_line(&b->ctx->src, a), false, a);
    unsigned before = b->line;
    render(b->ctx, a, z, &b->sb);
    unsigned after = src_line(&b->ctx->src, z) - src_line(&b->ctx->src, a);
    b->line = before + after;
}

void ob_src_stmt(ob *b, unsigned a, unsigned z)
{
    sync_line(b, src_line(&b->ctx->src, a), true, a);
    render(b->ctx, a, z, &b->sb);
    b->line = src_line(&b->ctx->src, z);
}

char *ob_finish(ob *b, unsigned end)
{
    while (b->sb.len && b->sb.s[b->sb.len - 1] == ' ')
        b->sb.s[--b->sb.len] = 0;          /* no trailing blanks from generated text */
    sync_line(b, src_line(&b->ctx->src, end), true, end);
    return sb_take(&b->sb);
}
