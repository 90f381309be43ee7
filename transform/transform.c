/* transform.c — gt_transform(): the whole pipeline for one translation unit,
 * callable as a library function (the CLI in driver.c, fuzz targets).
 *
 * Order matters: every GO_FUNC and plain function of the main file is
 * analysed before anything is lowered (errors stop the run with no output);
 * lowering decides inline versus heap children from definition order; the
 * emission walks the main file's definitions in source order, so a callee's
 * frame struct is "known" exactly when it was defined earlier.
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

typedef struct top {
    CXCursor cur;
    gt_func *gofunc;               /* a GO_FUNC definition */
    gt_node *plain;                /* a plain function's tree */
    unsigned start;
    gt_func **callees;
    int ncallees;
} top;

typedef struct tops {
    gt_ctx *ctx;
    top *v;
    int n, cap;
} tops;

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    tops *T = data;
    gt_ctx *ctx = T->ctx;
    unsigned s, e;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (!cursor_range(ctx, c, &s, &e))
        return CXChildVisit_Continue;
    if (k != CXCursor_FunctionDecl && k != CXCursor_VarDecl)
        return CXChildVisit_Continue;
    top t = { .cur = c, .start = s };
    if (k == CXCursor_FunctionDecl) {
        char *usr = cx_string(clang_getCursorUSR(c));
        gt_func *f = func_by_usr(ctx, usr);
        xfree(usr);
        if (f && clang_isCursorDefinition(c)) {
            t.gofunc = f;
            f->def_order = T->n;
        } else if (f) {
            if (f->is_static)
                emit_prototype_removal(ctx, c);
            return CXChildVisit_Continue;
        } else if (!clang_isCursorDefinition(c)) {
            return CXChildVisit_Continue;
        }
    }
    VEC_PUSH(T->v, T->n, T->cap, t);
    return CXChildVisit_Continue;
}

/* Every go(...) / go_main(...) of the main file must wrap a GO_FUNC call. */
static void mark_glue(gt_node *n, bool *used, const gt_ctx *ctx)
{
    if (n->glue)
        used[n->glue - ctx->macros] = true;
    for (int i = 0; i < n->nkids; i++)
        mark_glue(n->kids[i], used, ctx);
}

int gt_transform(const gt_request *req, gt_result *res, FILE *diag)
{
    memset(res, 0, sizeof *res);
    gt_ctx *ctx = xcalloc(1, sizeof *ctx);
    ctx->diags.out = diag;
    ctx->diags.src = &ctx->src;
    CXIndex index = clang_createIndex(0, 0);
    int rc = 1;
    char **deps = NULL;
    int ndeps = 0;
    if (parse_tu(ctx, req, index, &deps, &ndeps) != 0)
        goto out;

    tops T = { .ctx = ctx };
    clang_visitChildren(clang_getTranslationUnitCursor(ctx->tu), top_visit, &T);

    bool ok = true;
    bool *used = xcalloc((size_t)ctx->nmacros + 1, sizeof *used);
    for (int i = 0; i < T.n; i++) {
        top *t = &T.v[i];
        if (t->gofunc) {
            ok &= analyse_func(ctx, t->gofunc);
            if (t->gofunc->body)
                mark_glue(t->gofunc->body, used, ctx);
        } else {
            bool pok = true;
            t->plain = analyse_plain(ctx, t->cur, &pok);
            ok &= pok;
            mark_glue(t->plain, used, ctx);
        }
    }
    for (int i = 0; i < ctx->nmacros; i++) {
        const gt_macro *m = &ctx->macros[i];
        if (!used[i] && (!strcmp(m->name, "go") || !strcmp(m->name, "go_main"))) {
            diag_error(&ctx->diags, m->start,
                       "%s(...) takes exactly one call of a GO_FUNC, e.g. %s(worker(ch))",
                       m->name, m->name);
            ok = false;
        }
    }
    xfree(used);
    ctx->cur_func = NULL;
    ctx->tags_frozen = true;       /* the frames' types are known: no more moves */
    if (!ok)
        goto out;

    for (int i = 0; i < T.n; i++) {
        top *t = &T.v[i];
        if (t->gofunc) {
            ok &= lower_func(ctx, t->gofunc);
        } else {
            ok &= lower_plain(ctx, t->plain, &t->callees, &t->ncallees);
        }
    }
    if (!ok || ctx->diags.errors)
        goto out;

    strbuf report = { 0 };
    for (int i = 0; i < T.n; i++) {
        top *t = &T.v[i];
        if (t->gofunc)
            emit_func(ctx, t->gofunc, req->want_report ? &report : NULL);
        else if (t->ncallees)
            emit_plain(ctx, t->start, t->callees, t->ncallees);
    }
    if (ctx->diags.errors) {
        xfree(sb_take(&report));
        goto out;
    }
    char *text = emit_output(ctx, &res->len);
    res->text = malloc(res->len + 1);
    memcpy(res->text, text, res->len + 1);
    if (req->want_report) {
        char *r = sb_take(&report);
        res->report = strdup(r);
    }
    rc = 0;
out:
    if (deps) {           /* the result outlives the arena: plain malloc */
        res->deps = calloc((size_t)ndeps + 1, sizeof *res->deps);
        for (int i = 0; i < ndeps; i++)
            res->deps[i] = strdup(deps[i]);
        res->ndeps = ndeps;
    }
    if (ctx->tu)
        clang_disposeTranslationUnit(ctx->tu);
    clang_disposeIndex(index);
    arena_release();
    return rc;
}

void gt_result_free(gt_result *res)
{
    free(res->text);
    free(res->report);
    for (int i = 0; i < res->ndeps; i++)
        free(res->deps[i]);
    free(res->deps);
    memset(res, 0, sizeof *res);
}
