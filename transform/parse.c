/* parse.c — from a path and flags (or compile_commands.json) to a libclang
 * translation unit, plus the pre-pass every later step relies on:
 *   - the USRs of functions annotated go_suspend and go_func, found on any
 *     redeclaration of any top-level function (headers included), and
 *     which GO_FUNCs are also go_nopreempt;
 *   - the macro invocations of the main file (for macro-safe rewriting and to
 *     find go(...) / go_main(...));
 *   - the main file's text and line table; the include list for -MF.
 * Also the location helpers: extents as main-file offsets, and whether a
 * range can be rewritten textually given the macros around it.
 */
#include "gotransform.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- flags ------------------------------------------------------------------ */

typedef struct args {
    char **v;
    int n, cap;
} args;

static void args_push(args *a, const char *s) { VEC_PUSH(a->v, a->n, a->cap, xstrdup(s)); }

/* Flags from the compilation database entry for `path`, without the
 * compiler, the output, -c, dependency-file options and the source itself. */
static bool cdb_flags(const char *builddir, const char *abspath, args *out, gt_diags *d)
{
    CXCompilationDatabase_Error err;
    CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(builddir, &err);
    if (err != CXCompilationDatabase_NoError) {
        if (d->out)
            fprintf(d->out, "gotransform: error: no compile_commands.json in '%s'\n", builddir);
        return false;
    }
    CXCompileCommands cmds = clang_CompilationDatabase_getCompileCommands(db, abspath);
    bool found = cmds && clang_CompileCommands_getSize(cmds) > 0;
    if (found) {
        CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, 0);
        char *dir = cx_string(clang_CompileCommand_getDirectory(cmd));
        char *file = cx_string(clang_CompileCommand_getFilename(cmd));
        unsigned n = clang_CompileCommand_getNumArgs(cmd);
        char *wd = xprintf("-working-directory=%s", dir);
        args_push(out, wd);
        xfree(wd);
        for (unsigned i = 1; i < n; i++) {
            char *a = cx_string(clang_CompileCommand_getArg(cmd, i));
            bool skip_next = !strcmp(a, "-o") || !strcmp(a, "-MF") || !strcmp(a, "-MT") ||
                             !strcmp(a, "-MQ");
            bool skip = skip_next || !strcmp(a, "-c") || !strcmp(a, "-MD") || !strcmp(a, "-MMD") ||
                        !strcmp(a, "-MP") || !strcmp(a, "-M") || !strcmp(a, "-MM") ||
                        !strcmp(a, file) || !strcmp(a, abspath) || !strcmp(a, "--");
            if (!skip)
                args_push(out, a);
            xfree(a);
            if (skip_next)
                i++;
        }
        xfree(dir);
        xfree(file);
    } else if (d->out) {
        fprintf(d->out, "gotransform: error: '%s' is not in %s/compile_commands.json\n", abspath,
                builddir);
    }
    clang_CompileCommands_dispose(cmds);
    clang_CompilationDatabase_dispose(db);
    return found;
}

/* ---- source ---------------------------------------------------------------------- */

static void source_lines(gt_source *s)
{
    unsigned cap = 64;
    s->line_start = xcalloc(cap, sizeof *s->line_start);
    s->nlines = 0;
    s->line_start[s->nlines++] = 0;
    for (unsigned i = 0; i < s->size; i++)
        if (s->text[i] == '\n') {
            if (s->nlines == cap) {
                cap *= 2;
                s->line_start = xrealloc(s->line_start, cap * sizeof *s->line_start);
            }
            s->line_start[s->nlines++] = i + 1;
        }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    strbuf b = { 0 };
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_putn(&b, buf, n);
    fclose(f);
    *len = b.len;
    return sb_take(&b);
}

static char *escape_literal(const char *s)
{
    strbuf b = { 0 };
    for (; *s; s++) {
        if (*s == '\\' || *s == '"')
            sb_putn(&b, "\\", 1);
        sb_putn(&b, s, 1);
    }
    return sb_take(&b);
}

/* ---- pre-pass --------------------------------------------------------------------- */

struct annot { const char *what; bool yes; };

static enum CXChildVisitResult annot_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    struct annot *a = data;
    if (clang_getCursorKind(c) == CXCursor_AnnotateAttr) {
        char *s = cx_string(clang_getCursorSpelling(c));
        if (!strcmp(s, a->what))
            a->yes = true;
        xfree(s);
    }
    return CXChildVisit_Continue;
}

static bool has_annotation(CXCursor fn, const char *what)
{
    struct annot a = { what, false };
    clang_visitChildren(fn, annot_visit, &a);
    return a.yes;
}

bool usr_is_suspend(const gt_ctx *ctx, const char *usr)
{
    for (int i = 0; i < ctx->nsuspend; i++)
        if (!strcmp(ctx->suspend_usrs[i], usr))
            return true;
    return false;
}

bool usr_is_blocking(const gt_ctx *ctx, const char *usr)
{
    for (int i = 0; i < ctx->nblocking; i++)
        if (!strcmp(ctx->blocking_usrs[i], usr))
            return true;
    return false;
}

gt_func *func_by_usr(const gt_ctx *ctx, const char *usr)
{
    for (int i = 0; i < ctx->nfuncs; i++)
        if (!strcmp(ctx->funcs[i]->usr, usr))
            return ctx->funcs[i];
    return NULL;
}

bool fn_name_declared(const gt_ctx *ctx, const char *name)
{
    for (int i = 0; i < ctx->nfn_names; i++)
        if (!strcmp(ctx->fn_names[i], name))
            return true;
    return false;
}

bool cursor_range(gt_ctx *ctx, CXCursor c, unsigned *start, unsigned *end)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile f1, f2;
    clang_getFileLocation(clang_getRangeStart(r), &f1, NULL, NULL, start);
    clang_getFileLocation(clang_getRangeEnd(r), &f2, NULL, NULL, end);
    if (!f1 || !f2 || !clang_File_isEqual(f1, ctx->main_file) ||
        !clang_File_isEqual(f2, ctx->main_file))
        return false;
    if (*end < *start)
        *end = *start;
    return true;
}

unsigned cursor_offset(gt_ctx *ctx, CXCursor c)
{
    CXFile f;
    unsigned off = 0;
    clang_getFileLocation(clang_getCursorLocation(c), &f, NULL, NULL, &off);
    (void)ctx;
    return off;
}

/* Innermost macro invocation overlapping [start, end), or NULL. */
const gt_macro *macro_at(const gt_ctx *ctx, unsigned start, unsigned end)
{
    const gt_macro *best = NULL;
    for (int i = 0; i < ctx->nmacros; i++) {
        const gt_macro *m = &ctx->macros[i];
        bool overlap = start == end ? (m->start <= start && start < m->end)
                                    : (m->start < end && start < m->end);
        if (overlap && (!best || m->end - m->start < best->end - best->start))
            best = m;
    }
    return best;
}

/* True when [start, end) can be replaced textually: it touches no macro
 * invocation, covers the invocations it touches whole, or lies inside one
 * argument of an invocation (tokens written at the call site). */
bool range_rewritable(const gt_ctx *ctx, unsigned start, unsigned end)
{
    for (int i = 0; i < ctx->nmacros; i++) {
        const gt_macro *m = &ctx->macros[i];
        if (!(m->start < end && start < m->end))
            continue;
        if (start <= m->start && m->end <= end)
            continue;
        if (!(m->start < start && end < m->end))
            return false;
        int depth = 0;                 /* one argument: balanced, no top-level comma */
        for (unsigned k = start; k < end; k++) {
            char ch = ctx->src.text[k];
            if (ch == '(' || ch == '[' || ch == '{')
                depth++;
            else if (ch == ')' || ch == ']' || ch == '}') {
                if (--depth < 0)
                    return false;
            } else if (ch == ',' && depth == 0)
                return false;
        }
        if (depth != 0)
            return false;
    }
    return true;
}

/* Skips blanks and comments from `off`; returns the new offset. */
static unsigned skip_blank(const gt_source *s, unsigned off)
{
    while (off < s->size) {
        char ch = s->text[off];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v')
            off++;
        else if (ch == '/' && off + 1 < s->size && s->text[off + 1] == '*') {
            const char *e = strstr(s->text + off + 2, "*/");
            off = e ? (unsigned)(e - s->text) + 2 : s->size;
        } else if (ch == '/' && off + 1 < s->size && s->text[off + 1] == '/') {
            while (off < s->size && s->text[off] != '\n')
                off++;
        } else if (ch == '\\' && off + 1 < s->size && s->text[off + 1] == '\n')
            off += 2;
        else
            break;
    }
    return off;
}

/* End of a statement including its terminating ';' when its extent stops
 * before it (expressions, return, break, continue, goto, do-while). */
unsigned stmt_full_end(gt_ctx *ctx, gt_node *n, bool *ok)
{
    switch (n->kind) {
    case CXCursor_CompoundStmt:
    case CXCursor_DeclStmt:
        return n->end;
    case CXCursor_IfStmt:
    case CXCursor_WhileStmt:
    case CXCursor_ForStmt:
    case CXCursor_SwitchStmt:
    case CXCursor_LabelStmt:
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        if (n->nkids > 0)
            return stmt_full_end(ctx, n->kids[n->nkids - 1], ok);
        return n->end;
    default:
        break;
    }
    unsigned off = skip_blank(&ctx->src, n->end);
    if (off < ctx->src.size && ctx->src.text[off] == ';')
        return off + 1;
    if (n->end > n->start && ctx->src.text[n->end - 1] == ';')
        return n->end;
    *ok = false;
    return n->end;
}

/* ---- the pass over top-level declarations ------------------------------------------ */

/* go_frame's first field is a pointer: its size is the target's. */
static enum CXChildVisitResult first_field_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    gt_ctx *ctx = data;
    if (clang_getCursorKind(c) != CXCursor_FieldDecl)
        return CXChildVisit_Continue;
    ctx->ptr_size = clang_Type_getSizeOf(clang_getCursorType(c));
    return CXChildVisit_Break;
}

static enum CXChildVisitResult prepass_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    gt_ctx *ctx = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_MacroExpansion) {
        gt_macro m;
        if (cursor_range(ctx, c, &m.start, &m.end)) {
            m.name = cx_string(clang_getCursorSpelling(c));
            VEC_PUSH(ctx->macros, ctx->nmacros, ctx->capmacros, m);
        }
        return CXChildVisit_Continue;
    }
    if (k == CXCursor_StructDecl) {
        char *name = cx_string(clang_getCursorSpelling(c));
        if (!strcmp(name, "go_frame") && clang_isCursorDefinition(c)) {
            CXType t = clang_getCursorType(c);
            ctx->hdr_size = clang_Type_getSizeOf(t);
            ctx->hdr_align = clang_Type_getAlignOf(t);
            clang_visitChildren(c, first_field_visit, ctx);
        }
        xfree(name);
        return CXChildVisit_Continue;
    }
    if (k == CXCursor_TypedefDecl) {
        char *name = cx_string(clang_getCursorSpelling(c));
        if (!strcmp(name, "max_align_t"))
            ctx->max_align = clang_Type_getAlignOf(clang_getTypedefDeclUnderlyingType(c));
        xfree(name);
        return CXChildVisit_Continue;
    }
    if (k != CXCursor_FunctionDecl)
        return CXChildVisit_Continue;
    char *name = cx_string(clang_getCursorSpelling(c));
    if (!fn_name_declared(ctx, name))
        VEC_PUSH(ctx->fn_names, ctx->nfn_names, ctx->capfn_names, xstrdup(name));
    char *usr = cx_string(clang_getCursorUSR(c));
    if (has_annotation(c, "go_suspend") && !usr_is_suspend(ctx, usr))
        VEC_PUSH(ctx->suspend_usrs, ctx->nsuspend, ctx->capsuspend, xstrdup(usr));
    if (has_annotation(c, "go_blocking") && !usr_is_blocking(ctx, usr))
        VEC_PUSH(ctx->blocking_usrs, ctx->nblocking, ctx->capblocking, xstrdup(usr));
    gt_func *f = func_by_usr(ctx, usr);
    if (!f && has_annotation(c, "go_func")) {
        f = xcalloc(1, sizeof *f);
        f->name = xstrdup(name);
        f->usr = xstrdup(usr);
        f->def_order = -1;
        VEC_PUSH(ctx->funcs, ctx->nfuncs, ctx->capfuncs, f);
    }
    if (f) {
        f->decl = c;
        if (has_annotation(c, "go_nopreempt"))
            f->nopreempt = true;
        if (clang_getCursorLinkage(c) == CXLinkage_Internal)
            f->is_static = true;
        unsigned s, e;
        if (clang_isCursorDefinition(c) && !cursor_range(ctx, c, &s, &e))
            f->defined_in_header = true;
        else if (clang_isCursorDefinition(c)) {
            f->defined_here = true;
            f->def = c;
            f->def_start = s;
            f->def_end = e;
        }
    }
    xfree(usr);
    xfree(name);
    return CXChildVisit_Continue;
}

static void inclusion_visit(CXFile included, CXSourceLocation *stack, unsigned len,
                            CXClientData data)
{
    (void)stack;
    (void)len;
    args *a = data;
    char *name = cx_string(clang_getFileName(included));
    for (int i = 0; i < a->n; i++)
        if (!strcmp(a->v[i], name)) {
            xfree(name);
            return;
        }
    VEC_PUSH(a->v, a->n, a->cap, name);
}

int parse_tu(gt_ctx *ctx, const gt_request *req, CXIndex index, char ***deps, int *ndeps)
{
    gt_diags *d = &ctx->diags;
    gt_source *s = &ctx->src;
    s->path = req->path;
    size_t len = 0;
    char *text;
    if (req->contents) {
        text = xcalloc(req->contents_len + 1, 1);
        memcpy(text, req->contents, req->contents_len);
        len = req->contents_len;
    } else if (!(text = read_file(req->path, &len))) {
        if (d->out)
            fprintf(d->out, "gotransform: error: cannot read '%s'\n", req->path);
        return 1;
    }
    if (len > UINT_MAX / 2) {
        if (d->out)
            fprintf(d->out, "gotransform: error: '%s' is too large\n", req->path);
        return 1;
    }
    s->text = text;
    s->size = (unsigned)len;
    source_lines(s);
    const char *nul = memchr(text, 0, len);
    if (nul) {            /* edits are C strings: refuse rather than truncate */
        diag_error(d, (unsigned)(nul - text), "NUL character in the source file");
        return 1;
    }
    char *real = realpath(req->path, NULL);
    if (real) {
        s->abspath = xstrdup(real);
        free(real);
    } else if (req->path[0] == '/') {
        s->abspath = xstrdup(req->path);
    } else {
        char cwd[PATH_MAX];
        s->abspath = xprintf("%s/%s", getcwd(cwd, sizeof cwd) ? cwd : ".", req->path);
    }
    s->line_path = escape_literal(s->abspath);

    args a = { 0 };
    args_push(&a, "-xc");          /* C, whatever the file is called */
    if (req->builddir && !cdb_flags(req->builddir, s->abspath, &a, d))
        return 1;
    for (int i = 0; i < req->nflags; i++)
        args_push(&a, req->flags[i]);
    args_push(&a, "-D__GOTRANSFORM__");
    args_push(&a, "-Wno-unknown-warning-option");
    args_push(&a, "-Wno-ignored-optimization-argument");

    struct CXUnsavedFile unsaved = { s->abspath, text, (unsigned long)len };
    enum CXErrorCode ec = clang_parseTranslationUnit2(
        index, s->abspath, (const char *const *)a.v, a.n, &unsaved, 1,
        CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing, &ctx->tu);
    for (int i = 0; i < a.n; i++)
        xfree(a.v[i]);
    xfree(a.v);
    if (ec != CXError_Success || !ctx->tu) {
        if (d->out)
            fprintf(d->out, "gotransform: error: cannot parse '%s' (libclang error %d)\n",
                    req->path, (int)ec);
        return 1;
    }
    unsigned nd = clang_getNumDiagnostics(ctx->tu);
    for (unsigned i = 0; i < nd; i++) {
        CXDiagnostic cd = clang_getDiagnostic(ctx->tu, i);
        diag_clang(d, cd);
        clang_disposeDiagnostic(cd);
    }
    if (d->errors)
        return 1;
    ctx->main_file = clang_getFile(ctx->tu, s->abspath);
    ctx->hdr_size = ctx->hdr_align = -1;
    clang_visitChildren(clang_getTranslationUnitCursor(ctx->tu), prepass_visit, ctx);

    args inc = { 0 };
    args_push(&inc, req->path);
    clang_getInclusions(ctx->tu, inclusion_visit, &inc);
    *deps = inc.v;
    *ndeps = inc.n;
    return 0;
}
