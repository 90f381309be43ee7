/* diag.c — clang-style diagnostics: "file:line:col: error: msg", the source
 * line, and a caret under the column.
 *
 * Every error gotransform reports names a position in the main file; errors
 * found by libclang are printed the same way (with their own file).
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

static void print_source_line(FILE *out, const char *line, size_t len, unsigned col)
{
    fwrite(line, 1, len, out);
    fputc('\n', out);
    for (unsigned i = 1; i < col && i <= len; i++)
        fputc(line[i - 1] == '\t' ? '\t' : ' ', out);
    fputs("^\n", out);
}

static void vreport(gt_diags *d, const char *kind, unsigned off, const char *fmt, va_list ap)
{
    if (!d->out)
        return;
    const gt_source *s = d->src;
    unsigned line = src_line(s, off), col = src_col(s, off);
    fprintf(d->out, "%s:%u:%u: %s: ", s->path, line, col, kind);
    vfprintf(d->out, fmt, ap);
    fputc('\n', d->out);
    unsigned a = s->line_start[line - 1], z = a;
    while (z < s->size && s->text[z] != '\n')
        z++;
    print_source_line(d->out, s->text + a, z - a, col);
}

void diag_error(gt_diags *d, unsigned off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(d, "error", off, fmt, ap);
    va_end(ap);
    d->errors++;
}

/* Prints the line `line` of `file` (the main text, or read from disk). */
static void print_file_line(gt_diags *d, CXFile file, unsigned line, unsigned col)
{
    char *name = cx_string(clang_getFileName(file));
    char *owned = NULL;
    const char *text = NULL;
    size_t size = 0;
    if (d->src && (!strcmp(name, d->src->path) || !strcmp(name, d->src->abspath))) {
        text = d->src->text;
        size = d->src->size;
    } else {
        FILE *f = fopen(name, "rb");
        if (f) {
            strbuf b = { 0 };
            char buf[4096];
            size_t n;
            while ((n = fread(buf, 1, sizeof buf, f)) > 0)
                sb_putn(&b, buf, n);
            fclose(f);
            size = b.len;
            text = owned = sb_take(&b);
        }
    }
    xfree(name);
    if (text) {
        const char *p = text, *end = text + size;
        for (unsigned l = 1; l < line && p < end; p++)
            if (*p == '\n')
                l++;
        const char *q = p;
        while (q < end && *q != '\n')
            q++;
        print_source_line(d->out, p, (size_t)(q - p), col);
    }
    xfree(owned);
}

/* One libclang diagnostic as clang prints it: file:line:col: label: text,
 * then the source line and a caret. */
static void print_clang(gt_diags *d, CXDiagnostic cd, const char *label)
{
    CXSourceLocation loc = clang_getDiagnosticLocation(cd);
    CXFile file;
    unsigned line, col;
    clang_getFileLocation(loc, &file, &line, &col, NULL);
    char *msg = cx_string(clang_getDiagnosticSpelling(cd));
    if (!file) {
        fprintf(d->out, "%s: %s\n", label, msg);
        xfree(msg);
        return;
    }
    char *fname = cx_string(clang_getFileName(file));
    if (d->src && d->src->abspath && !strcmp(fname, d->src->abspath)) {
        xfree(fname);
        fname = xstrdup(d->src->path);
    }
    fprintf(d->out, "%s:%u:%u: %s: %s\n", fname, line, col, label, msg);
    xfree(fname);
    xfree(msg);
    print_file_line(d, file, line, col);
}

/* An error and its notes ("previous declaration is here"). */
bool diag_clang(gt_diags *d, CXDiagnostic cd)
{
    enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(cd);
    if (sev < CXDiagnostic_Error)
        return false;
    CXFile file;
    clang_getSpellingLocation(clang_getDiagnosticLocation(cd), &file, NULL, NULL, NULL);
    if (!file)
        return false;          /* driver diagnostics (e.g. gcc-only flags): ignored */
    if (d->out) {
        print_clang(d, cd, sev == CXDiagnostic_Fatal ? "fatal error" : "error");
        CXDiagnosticSet notes = clang_getChildDiagnostics(cd);
        for (unsigned i = 0; i < clang_getNumDiagnosticsInSet(notes); i++) {
            CXDiagnostic n = clang_getDiagnosticInSet(notes, i);
            if (clang_getDiagnosticSeverity(n) == CXDiagnostic_Note)
                print_clang(d, n, "note");
            clang_disposeDiagnostic(n);
        }
    }
    d->errors++;
    return true;
}
