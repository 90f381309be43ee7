/* go_variant.c — turns a csmith program into its "go" variant, the input of
 * the csmith differential test (see run.sh):
 *   - every function of the main file except main is marked GO_FUNC
 *     (definitions and prototypes alike);
 *   - `go_yield();` is inserted before every statement of every compound
 *     statement (after its case/default/labels, so a jump lands on a yield),
 *     and a non-compound body of if/else/for/while/do that is a simple
 *     statement becomes `{ go_yield(); S; }`;
 *   - `int main (void) {...}` becomes `GO_FUNC static int csmith_main(void)
 *     {...}`, and a new `int main(void) { return go_main(csmith_main()); }`
 *     is appended;
 *   - `#include <gosched.h>` is prepended.
 * With --no-yields no go_yield() is inserted: every loop then only computes,
 * which exercises the preemption checks that spill C locals (check_seed.sh
 * builds that variant with -DGOSCHED_PREEMPT_ALWAYS: every check yields).
 * Invariants: every edit is an insertion except the replacement of main's
 * header; all edits are computed on libclang extents of the main file, so
 * the rest of the text is kept byte for byte.
 *
 *   go_variant [--no-yields] in.c -o out.c [-- compiler flags, e.g. -I/usr/include/csmith]
 * Exit status 0 on success, 1 when the input does not parse or has no
 * `main(void)` (csmith --no-argc).
 */
#include <clang-c/Index.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct edit {
    unsigned start, end;     /* replaced range; start == end: insertion */
    const char *text;
    int seq;                 /* insertion order, to keep equal offsets stable */
} edit;

typedef struct rewriter {
    CXTranslationUnit tu;
    const char *text;
    unsigned size;
    edit *edits;
    int nedits, capedits;
    bool has_main;
    bool no_yields;                /* --no-yields: mark functions only */
} rewriter;

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("go_variant: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void add_edit(rewriter *rw, unsigned start, unsigned end, const char *text)
{
    if (rw->nedits == rw->capedits) {
        rw->capedits = rw->capedits ? 2 * rw->capedits : 256;
        rw->edits = xrealloc(rw->edits, (size_t)rw->capedits * sizeof *rw->edits);
    }
    rw->edits[rw->nedits] = (edit){ start, end, text, rw->nedits };
    rw->nedits++;
}

/* The extent of c as main-file offsets; false if it is not in the main file. */
static bool extent(CXCursor c, unsigned *start, unsigned *end)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXSourceLocation a = clang_getRangeStart(r), z = clang_getRangeEnd(r);
    if (!clang_Location_isFromMainFile(a) || !clang_Location_isFromMainFile(z))
        return false;
    clang_getFileLocation(a, NULL, NULL, NULL, start);
    clang_getFileLocation(z, NULL, NULL, NULL, end);
    return *start <= *end;
}

/* The direct children of a cursor (free with kids_free). */
typedef struct kids {
    CXCursor *v;
    int n, cap;
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    kids *k = data;
    if (k->n == k->cap) {
        k->cap = k->cap ? 2 * k->cap : 8;
        k->v = xrealloc(k->v, (size_t)k->cap * sizeof *k->v);
    }
    k->v[k->n++] = c;
    return CXChildVisit_Continue;
}

static kids children(CXCursor c)
{
    kids k = { 0 };
    clang_visitChildren(c, collect, &k);
    return k;
}

static void kids_free(kids *k) { free(k->v); }

/* The statement a jump to c lands on: the sub-statement of case/default/labels. */
static CXCursor landing(CXCursor c)
{
    for (;;) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_CaseStmt && k != CXCursor_DefaultStmt && k != CXCursor_LabelStmt)
            return c;
        kids ks = children(c);
        bool leaf = ks.n == 0;
        if (!leaf)
            c = ks.v[ks.n - 1];
        kids_free(&ks);
        if (leaf)
            return c;
    }
}

static bool is_simple_stmt(enum CXCursorKind k)
{
    return clang_isExpression(k) || k == CXCursor_ReturnStmt || k == CXCursor_BreakStmt ||
           k == CXCursor_ContinueStmt || k == CXCursor_GotoStmt || k == CXCursor_NullStmt;
}

/* A simple statement used as a loop or if body: `{ go_yield(); S; }`.  Its
 * extent stops before the `;` (except a null statement's). */
static void wrap_body(rewriter *rw, CXCursor body)
{
    enum CXCursorKind k = clang_getCursorKind(body);
    unsigned s, e;
    if (!is_simple_stmt(k) || !extent(body, &s, &e))
        return;
    if (k != CXCursor_NullStmt) {
        while (e < rw->size && (rw->text[e] == ' ' || rw->text[e] == '\t' || rw->text[e] == '\n'))
            e++;
        if (e >= rw->size || rw->text[e] != ';')
            return;
        e++;
    }
    add_edit(rw, s, s, "{ go_yield(); ");
    add_edit(rw, e, e, " }");
}

static enum CXChildVisitResult visit_stmt(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    rewriter *rw = data;
    unsigned s, e;
    kids ks = children(c);
    switch (clang_getCursorKind(c)) {
    case CXCursor_CompoundStmt:
        for (int i = 0; i < ks.n; i++)
            if (extent(landing(ks.v[i]), &s, &e))
                add_edit(rw, s, s, "go_yield(); ");
        break;
    case CXCursor_IfStmt:        /* cond, then, else? */
        for (int i = 1; i < ks.n; i++)
            wrap_body(rw, ks.v[i]);
        break;
    case CXCursor_ForStmt:       /* the body is the last child */
    case CXCursor_WhileStmt:
        if (ks.n)
            wrap_body(rw, ks.v[ks.n - 1]);
        break;
    case CXCursor_DoStmt:        /* body, cond */
        if (ks.n)
            wrap_body(rw, ks.v[0]);
        break;
    default:
        break;
    }
    kids_free(&ks);
    return CXChildVisit_Recurse;
}

static CXCursor body_of(CXCursor fn)
{
    kids ks = children(fn);
    CXCursor body = clang_getNullCursor();
    if (ks.n && clang_getCursorKind(ks.v[ks.n - 1]) == CXCursor_CompoundStmt)
        body = ks.v[ks.n - 1];
    kids_free(&ks);
    return body;
}

static enum CXChildVisitResult visit_top(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    rewriter *rw = data;
    unsigned s, e;
    if (clang_getCursorKind(c) != CXCursor_FunctionDecl || !extent(c, &s, &e))
        return CXChildVisit_Continue;
    CXString name = clang_getCursorSpelling(c);
    bool is_main = !strcmp(clang_getCString(name), "main");
    clang_disposeString(name);
    CXCursor body = clang_isCursorDefinition(c) ? body_of(c) : clang_getNullCursor();
    if (is_main) {
        unsigned bs, be;
        if (clang_Cursor_isNull(body) || !extent(body, &bs, &be))
            return CXChildVisit_Continue;
        if (clang_Cursor_getNumArguments(c) > 0) {
            fputs("go_variant: main has parameters (generate with csmith --no-argc)\n", stderr);
            exit(1);
        }
        rw->has_main = true;
        add_edit(rw, s, bs, "GO_FUNC static int csmith_main(void)\n");
    } else {
        add_edit(rw, s, s, "GO_FUNC ");
    }
    if (!clang_Cursor_isNull(body) && !rw->no_yields) {
        visit_stmt(body, c, rw);
        clang_visitChildren(body, visit_stmt, rw);
    }
    return CXChildVisit_Continue;
}

static int edit_order(const void *pa, const void *pb)
{
    const edit *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->seq - b->seq;
}

static char *read_file(const char *path, unsigned *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    do {
        if (cap - n < 65536) {
            cap = cap ? 2 * cap : 65536;
            buf = xrealloc(buf, cap + 1);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    *size = (unsigned)n;
    return buf;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *out = NULL;
    bool no_yields = false;
    int nflags = 0;
    const char *const *flags = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            flags = (const char *const *)argv + i + 1;
            nflags = argc - i - 1;
            break;
        } else if (!strcmp(argv[i], "--no-yields")) {
            no_yields = true;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            out = argv[++i];
        } else {
            in = argv[i];
        }
    }
    if (!in || !out) {
        fputs("usage: go_variant [--no-yields] in.c -o out.c [-- compiler flags]\n", stderr);
        return 2;
    }
    rewriter rw = { .no_yields = no_yields };
    rw.text = read_file(in, &rw.size);
    if (!rw.text) {
        fprintf(stderr, "go_variant: cannot read %s\n", in);
        return 1;
    }
    CXIndex index = clang_createIndex(0, 1);
    if (clang_parseTranslationUnit2(index, in, flags, nflags, NULL, 0, CXTranslationUnit_None, &rw.tu) !=
        CXError_Success) {
        fprintf(stderr, "go_variant: cannot parse %s\n", in);
        return 1;
    }
    for (unsigned i = 0; i < clang_getNumDiagnostics(rw.tu); i++) {
        CXDiagnostic d = clang_getDiagnostic(rw.tu, i);
        bool error = clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error;
        clang_disposeDiagnostic(d);
        if (error) {
            fprintf(stderr, "go_variant: %s does not compile\n", in);
            return 1;
        }
    }
    clang_visitChildren(clang_getTranslationUnitCursor(rw.tu), visit_top, &rw);
    if (!rw.has_main) {
        fprintf(stderr, "go_variant: %s has no main\n", in);
        return 1;
    }
    qsort(rw.edits, (size_t)rw.nedits, sizeof *rw.edits, edit_order);

    FILE *f = fopen(out, "wb");
    if (!f) {
        fprintf(stderr, "go_variant: cannot write %s\n", out);
        return 1;
    }
    fputs("#include <gosched.h>\n", f);
    unsigned at = 0;
    for (int i = 0; i < rw.nedits; i++) {
        const edit *ed = &rw.edits[i];
        if (ed->start < at)    /* nested in an earlier replacement */
            continue;
        fwrite(rw.text + at, 1, ed->start - at, f);
        fputs(ed->text, f);
        at = ed->end;
    }
    fwrite(rw.text + at, 1, rw.size - at, f);
    fputs("\nint main(void)\n{\n    return go_main(csmith_main());\n}\n", f);
    bool ok = fclose(f) == 0;
    clang_disposeTranslationUnit(rw.tu);
    clang_disposeIndex(index);
    free(rw.edits);
    free((char *)rw.text);
    return ok ? 0 : 1;
}
