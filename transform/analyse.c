/* analyse.c — what a GO_FUNC's body is made of.
 *
 * libclang has no parent links for statements, so each body is mirrored once
 * into gt_node trees (kids in visiting order, extents as main-file offsets).
 * On that tree this file finds:
 *   - locals (VarDecl, with clang_equalCursors identity, so shadowed names
 *     stay distinct) and parameters;
 *   - calls: GO_SUSPENDING operations and nested GO_FUNC calls (suspension
 *     points, unless under sizeof), GO_BLOCKING(expr), go(...)/go_main(...)
 *     glue, and a preemption check point in every loop (a suspension point
 *     in a loop that can suspend, a spilling check in one that cannot);
 *   - has_susp on every node whose subtree evaluates a suspension point;
 *   - which locals live in the frame: those whose value can be used after a
 *     suspension point (textual liveness), address-taken ones followed by a
 *     suspension point in their scope; compound literals likewise;
 *   - the rejections of docs/transform.md that do not depend on lowering.
 * Plain (non-GO_FUNC) code is checked for suspension calls, direct GO_FUNC
 * calls and GO_FUNC addresses.
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

/* ---- the mirror tree ------------------------------------------------------------ */

struct tb {
    gt_ctx *ctx;
    gt_node *parent;
};

static gt_node *node_new(gt_ctx *ctx, CXCursor c, gt_node *parent)
{
    gt_node *n = xcalloc(1, sizeof *n);
    n->cur = c;
    n->kind = clang_getCursorKind(c);
    n->parent = parent;
    if (!cursor_range(ctx, c, &n->start, &n->end)) {
        n->start = parent ? parent->start : 0;
        n->end = n->start;
    }
    if (parent) {
        n->idx = parent->nkids;
        VEC_PUSH(parent->kids, parent->nkids, parent->capkids, n);
    }
    return n;
}

static enum CXChildVisitResult tb_visit(CXCursor c, CXCursor p, CXClientData data)
{
    (void)p;
    struct tb *t = data;
    gt_node *n = node_new(t->ctx, c, t->parent);
    struct tb sub = { t->ctx, n };
    clang_visitChildren(c, tb_visit, &sub);
    return CXChildVisit_Continue;
}

gt_node *tree_build(gt_ctx *ctx, CXCursor c)
{
    gt_node *root = node_new(ctx, c, NULL);
    struct tb t = { ctx, root };
    clang_visitChildren(c, tb_visit, &t);
    return root;
}

static bool is_wrapper(gt_node *n)
{
    return n->kind == CXCursor_ParenExpr ||
           (n->kind == CXCursor_UnexposedExpr && n->nkids == 1);
}

gt_node *skip_wrappers_up(gt_node *n)
{
    while (n->parent && is_wrapper(n->parent))
        n = n->parent;
    return n;
}

gt_node *skip_wrappers_down(gt_node *n)
{
    while (is_wrapper(n) && n->nkids == 1)
        n = n->kids[0];
    return n;
}

bool is_scope_node(gt_node *n)
{
    return n->kind == CXCursor_CompoundStmt || n->kind == CXCursor_ForStmt;
}

static gt_node *scope_of(gt_node *n)
{
    for (gt_node *p = n->parent; p; p = p->parent)
        if (is_scope_node(p))
            return p;
    return NULL;
}

gt_node *var_init(gt_node *v)
{
    CXCursor init = clang_Cursor_getVarDeclInitializer(v->cur);
    if (clang_Cursor_isNull(init))
        return NULL;
    for (int i = v->nkids - 1; i >= 0; i--)
        if (clang_equalCursors(v->kids[i]->cur, init))
            return v->kids[i];
    /* the initializer cursor may be wrapped differently: take the last expression kid */
    for (int i = v->nkids - 1; i >= 0; i--)
        if (clang_isExpression(v->kids[i]->kind))
            return v->kids[i];
    return NULL;
}

/* ---- small text helpers ------------------------------------------------------ */

static unsigned skip_ws(const gt_source *s, unsigned a, unsigned z)
{
    while (a < z) {
        char ch = s->text[a];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v')
            a++;
        else if (ch == '/' && a + 1 < z && s->text[a + 1] == '*') {
            const char *e = strstr(s->text + a + 2, "*/");
            a = e ? (unsigned)(e - s->text) + 2 : z;
        } else if (ch == '/' && a + 1 < z && s->text[a + 1] == '/') {
            while (a < z && s->text[a] != '\n')
                a++;
        } else if (ch == '\\' && a + 1 < z && s->text[a + 1] == '\n')
            a += 2;
        else
            break;
    }
    return a;
}

static char *trimmed(const gt_source *s, unsigned a, unsigned z)
{
    a = skip_ws(s, a, z);
    while (z > a && strchr(" \t\r\n\f\v", s->text[z - 1]))
        z--;
    char *r = xcalloc(z - a + 1, 1);
    memcpy(r, s->text + a, z - a);
    return r;
}

static bool all_op_chars(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!strchr("+-*/%<>=!&|^~,?:", *s))
            return false;
    return true;
}

char *op_token(gt_ctx *ctx, gt_node *n)
{
    const gt_source *s = &ctx->src;
    char *op = NULL;
    switch (n->kind) {
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator:
        if (n->nkids == 2 && n->kids[0]->end <= n->kids[1]->start)
            op = trimmed(s, n->kids[0]->end, n->kids[1]->start);
        break;
    case CXCursor_UnaryOperator:
        if (n->nkids == 1) {
            gt_node *k = n->kids[0];
            op = k->start > n->start ? trimmed(s, n->start, k->start) : trimmed(s, k->end, n->end);
        }
        break;
    default:
        break;
    }
    if (op && !all_op_chars(op)) {
        xfree(op);
        op = NULL;
    }
    return op;
}

/* Roles of a ForStmt's children, recovered from the ';' inside its parentheses. */
void for_roles(gt_ctx *ctx, gt_node *n, gt_node **init, gt_node **cond, gt_node **inc,
               gt_node **body)
{
    *init = *cond = *inc = NULL;
    *body = n->nkids ? n->kids[n->nkids - 1] : NULL;
    const gt_source *s = &ctx->src;
    unsigned semi[2] = { 0, 0 };
    int nsemi = 0, depth = 0;
    unsigned a = skip_ws(s, n->start, n->end);
    if (strncmp(s->text + a, "for", 3) != 0 || !range_rewritable(ctx, n->start, n->start + 3)) {
        /* a for produced by a macro: only the unambiguous shapes */
        if (n->nkids == 4) {
            *init = n->kids[0];
            *cond = n->kids[1];
            *inc = n->kids[2];
        }
        return;
    }
    for (unsigned k = a + 3; k < n->end && nsemi < 2; k++) {
        k = skip_ws(s, k, n->end);
        char ch = s->text[k];
        if (ch == '"' || ch == '\'') {
            for (k++; k < n->end && s->text[k] != ch; k++)
                if (s->text[k] == '\\')
                    k++;
        } else if (ch == '(')
            depth++;
        else if (ch == ')')
            depth--;
        else if (ch == ';' && depth == 1)
            semi[nsemi++] = k;
    }
    for (int i = 0; i + 1 < n->nkids; i++) {
        gt_node *k = n->kids[i];
        if (k->start < semi[0] || (k->kind == CXCursor_DeclStmt && k->start <= semi[0]))
            *init = k;
        else if (k->start < semi[1])
            *cond = k;
        else
            *inc = k;
    }
}

/* ---- GO_FUNC bodies -------------------------------------------------------- */

typedef struct an {
    gt_ctx *ctx;
    gt_func *f;                    /* NULL for plain code */
    gt_node **susp;                /* suspension points, source order */
    int nsusp, capsusp;
    gt_node **spilling;            /* loops whose check spills C locals */
    int nspilling, capspilling;
    gt_node **all;                 /* susp and the checks of spilling loops */
    int nall, capall;
    gt_node **lits;                /* compound literals */
    int nlits, caplits;
    gt_node *first_alloca;
    bool ok;
} an;

static const char *const setjmp_names[] = {
    "setjmp", "_setjmp", "__setjmp", "sigsetjmp", "__sigsetjmp", "longjmp", "_longjmp",
    "siglongjmp", "__longjmp_chk", "__builtin_setjmp", "__builtin_longjmp", NULL,
};

static bool is_setjmp(const char *name)
{
    for (int i = 0; setjmp_names[i]; i++)
        if (!strcmp(name, setjmp_names[i]))
            return true;
    return false;
}

static gt_local *local_of(gt_func *f, CXCursor decl)
{
    if (!f)
        return NULL;
    for (int i = 0; i < f->nlocals; i++)
        if (clang_equalCursors(f->locals[i]->decl, decl))
            return f->locals[i];
    return NULL;
}

/* The go()/go_main() invocation whose single argument is exactly this call. */
static const gt_macro *glue_macro(gt_ctx *ctx, gt_node *call)
{
    const gt_macro *best = NULL;
    for (int i = 0; i < ctx->nmacros; i++) {
        const gt_macro *m = &ctx->macros[i];
        if ((strcmp(m->name, "go") && strcmp(m->name, "go_main")) || !(m->start < call->start) ||
            !(call->end < m->end))
            continue;
        if (!best || m->end - m->start < best->end - best->start)
            best = m;
    }
    if (!best)
        return NULL;
    const gt_source *s = &ctx->src;
    unsigned a = best->start + (unsigned)strlen(best->name);
    a = skip_ws(s, a, best->end);
    if (s->text[a] != '(' || s->text[best->end - 1] != ')')
        return NULL;
    char *arg = trimmed(s, a + 1, best->end - 1);
    char *callt = trimmed(s, call->start, call->end);
    bool whole = !strcmp(arg, callt);
    xfree(arg);
    xfree(callt);
    return whole ? best : NULL;
}

static bool is_callee_position(gt_node *ref)
{
    gt_node *n = skip_wrappers_up(ref);
    return n->parent && n->parent->kind == CXCursor_CallExpr && n->idx == 0;
}

/* A call of GO_FUNC g passes as many arguments as g has parameters (the
 * frame has a field per parameter).  C only warns when an old-style (K&R)
 * definition is called with another number; a declaration without a
 * prototype says nothing. */
static bool arity_ok(an *A, gt_node *call, gt_func *g, const char *name)
{
    CXCursor d = g->decl;
    if ((clang_getCursorType(d).kind != CXType_FunctionProto && !clang_isCursorDefinition(d)) ||
        clang_isFunctionTypeVariadic(clang_getCursorType(d)))
        return true;                   /* (a variadic GO_FUNC is rejected elsewhere) */
    int want = clang_Cursor_getNumArguments(d), got = clang_Cursor_getNumArguments(call->cur);
    if (want < 0 || got < 0 || want == got)
        return true;
    diag_error(&A->ctx->diags, call->start, "GO_FUNC '%s' takes %d argument%s, but this call passes %d",
               name, want, want == 1 ? "" : "s", got);
    return false;
}

static void classify_call(an *A, gt_node *n, bool uneval)
{
    gt_ctx *ctx = A->ctx;
    CXCursor callee = clang_getCursorReferenced(n->cur);
    if (clang_Cursor_isNull(callee) || clang_getCursorKind(callee) != CXCursor_FunctionDecl)
        return;
    char *usr = cx_string(clang_getCursorUSR(callee));
    char *name = cx_string(clang_getCursorSpelling(callee));
    gt_func *g = func_by_usr(ctx, usr);
    if (g && !uneval && !arity_ok(A, n, g, name))
        A->ok = false;             /* and classify it anyway: no follow-on errors */
    if (usr_is_suspend(ctx, usr)) {
        if (!A->f) {
            diag_error(&ctx->diags, n->start,
                       "'%s' can suspend: call it inside a GO_FUNC (plain-thread code that "
                       "blocks belongs in a file gotransform does not transform)", name);
            A->ok = false;
        } else if (!uneval) {
            n->call = CALL_SUSPEND;
            n->callee_name = xstrdup(name);
            VEC_PUSH(A->susp, A->nsusp, A->capsusp, n);
        }
    } else if (g && g->defined_in_header) {
        diag_error(&ctx->diags, n->start,
                   "GO_FUNC '%s' is defined in an included file; gotransform rewrites only the "
                   "file it is given: define it in a .c file and declare it in the header", name);
        A->ok = false;
    } else if (g && clang_isFunctionTypeVariadic(clang_getCursorType(g->decl))) {
        diag_error(&ctx->diags, n->start, "a GO_FUNC cannot be variadic ('%s' takes '...')", name);
        A->ok = false;
    } else if (g && g->is_static && !g->defined_here && !uneval) {
        diag_error(&ctx->diags, n->start, "static GO_FUNC '%s' is used but never defined", name);
        A->ok = false;
    } else if (g && uneval) {
        n->callee = g;             /* sizeof(f(x)): only its type is used */
    } else if (g) {
        const gt_macro *m = glue_macro(ctx, n);
        n->callee = g;
        if (m) {
            n->glue = m;
            n->call = strcmp(m->name, "go") ? CALL_MAIN : CALL_SPAWN;
            if (n->call == CALL_MAIN && A->f) {
                diag_error(&ctx->diags, m->start, "go_main() cannot be used inside a GO_FUNC");
                A->ok = false;
            }
        } else if (!A->f) {
            diag_error(&ctx->diags, n->start,
                       "'%s' is a GO_FUNC: call it from a GO_FUNC, or start it with go(%s(...)) "
                       "or go_main(%s(...))", name, name, name);
            A->ok = false;
        } else if (!uneval) {
            n->call = CALL_GOFUNC;
            VEC_PUSH(A->susp, A->nsusp, A->capsusp, n);
        }
    } else if (A->f && is_setjmp(name)) {
        diag_error(&ctx->diags, n->start,
                   "'%s' cannot be used in a GO_FUNC: its frame is not a native stack frame", name);
        A->ok = false;
    } else if (A->f && (!strcmp(name, "alloca") || !strcmp(name, "__builtin_alloca") ||
                        !strcmp(name, "__builtin_alloca_with_align"))) {
        if (!A->first_alloca)
            A->first_alloca = n;
    }
    xfree(usr);
    xfree(name);
}

/* `(go__blocking_marker(), (expr))`: what GO_BLOCKING(expr) expands to
 * when gotransform parses. */
static bool is_blocking_comma(an *A, gt_node *n)
{
    if (n->nkids != 2)
        return false;
    gt_node *m = skip_wrappers_down(n->kids[0]);
    if (m->kind != CXCursor_CallExpr)
        return false;
    CXCursor callee = clang_getCursorReferenced(m->cur);
    if (clang_Cursor_isNull(callee))
        return false;
    char *usr = cx_string(clang_getCursorUSR(callee));
    bool yes = usr_is_blocking(A->ctx, usr);
    xfree(usr);
    return yes;
}

static gt_node *loop_body(gt_node *n)
{
    if (n->kind == CXCursor_WhileStmt && n->nkids == 2)
        return n->kids[1];
    if (n->kind == CXCursor_DoStmt && n->nkids == 2)
        return n->kids[0];
    if (n->kind == CXCursor_ForStmt && n->nkids > 0)
        return n->kids[n->nkids - 1];
    return NULL;
}

static bool spawns(const gt_node *n)
{
    if (n->call == CALL_SPAWN)
        return true;
    for (int i = 0; i < n->nkids; i++)
        if (spawns(n->kids[i]))
            return true;
    return false;
}

static bool in_stmt_expr(const gt_node *n)
{
    for (const gt_node *p = n->parent; p; p = p->parent)
        if (p->kind == CXCursor_StmtExpr)
            return true;
    return false;
}

/* l's lifetime has begun at offset p and its scope contains p. */
static bool in_scope_at(const gt_local *l, unsigned p)
{
    return l->decl_node && l->scope && l->decl_node->end <= p && p >= l->scope->start &&
           p < l->scope->end;
}

/* Every loop gets a preemption check at the start of its body (so on every
 * back-edge, `continue` included), unless its function is GO_NOPREEMPT.
 *   - A loop that contains a suspension point or a go() spawn: the check is
 *     a synthetic suspension point, which the hoisting decisions take into
 *     account.  A spawning loop must be preemptible or, on one P, it runs to
 *     its end before any goroutine it made.
 *   - Any other loop (a loop that computes): its locals must stay in
 *     registers, so the check spills them — copies the C locals live there
 *     into frame slots before it yields, back after (spill_sets).  Locals
 *     that cannot be copied (unspillable) are hoisted as for a suspension
 *     point.  A loop with a variable-length array or a cleanup variable in
 *     scope, or inside a statement expression, cannot be jumped into, and
 *     alloca memory cannot be copied: such loops get no check. */
static void preemption_checks(an *A, gt_node *n)
{
    for (int i = 0; i < n->nkids; i++)
        preemption_checks(A, n->kids[i]);
    gt_node *body = loop_body(n);
    if (!body || n->unevaluated || A->f->nopreempt)
        return;
    gt_node *c = xcalloc(1, sizeof *c);
    c->kind = CXCursor_NullStmt;
    c->parent = body;
    c->start = c->end = body->start +
                        (body->kind == CXCursor_CompoundStmt && A->ctx->src.text[body->start] == '{');
    if (n->has_susp || spawns(body)) {
        n->check = c;
        VEC_PUSH(A->susp, A->nsusp, A->capsusp, c);
        return;
    }
    bool jumpable = !in_stmt_expr(n) && !A->first_alloca;   /* alloca memory is not copied */
    for (int i = 0; i < A->f->nlocals; i++) {
        gt_local *l = A->f->locals[i];
        if (!l->is_param && !l->is_static && in_scope_at(l, c->start) &&
            (l->is_vla || l->has_cleanup))
            jumpable = false;
    }
    if (!jumpable) {
        xfree(c);
        A->f->nunchecked++;
        return;
    }
    n->check = c;
    n->check_spills = true;
    VEC_PUSH(A->spilling, A->nspilling, A->capspilling, n);
}

static void walk(an *A, gt_node *n, bool uneval)
{
    gt_ctx *ctx = A->ctx;
    if (n->kind == CXCursor_UnaryExpr)
        uneval = true;             /* sizeof / _Alignof operands are not evaluated */
    n->unevaluated = uneval;
    switch (n->kind) {
    case CXCursor_VarDecl:
        if (A->f) {
            gt_local *l = xcalloc(1, sizeof *l);
            l->decl = n->cur;
            l->name = cx_string(clang_getCursorSpelling(n->cur));
            l->type = clang_getCursorType(n->cur);
            l->decl_node = n;
            l->scope = scope_of(n);
            enum CX_StorageClass sc = clang_Cursor_getStorageClass(n->cur);
            l->is_static = sc == CX_SC_Static || sc == CX_SC_Extern;
            l->is_vla = type_is_vla(l->type);
            l->addr_taken = type_is_array(l->type);
            for (int i = 0; i < n->nkids; i++) {
                gt_node *k = n->kids[i];
                if (k->kind == CXCursor_UnexposedAttr && k->end - k->start >= 7 &&
                    !strncmp(ctx->src.text + k->start, "cleanup", 7))
                    l->has_cleanup = true;
            }
            n->local = l;
            VEC_PUSH(A->f->locals, A->f->nlocals, A->f->caplocals, l);
        }
        break;
    case CXCursor_DeclRefExpr: {
        CXCursor ref = clang_getCursorReferenced(n->cur);
        enum CXCursorKind rk = clang_getCursorKind(ref);
        if (rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl) {
            n->local = local_of(A->f, ref);
            if (n->local && !uneval)
                VEC_PUSH(n->local->refs, n->local->nrefs, n->local->caprefs, n);
            if (n->local && !uneval) {
                gt_node *u = skip_wrappers_up(n);
                while (u->parent && (u->parent->kind == CXCursor_MemberRefExpr ||
                                     u->parent->kind == CXCursor_ArraySubscriptExpr) &&
                       u->idx == 0)
                    u = skip_wrappers_up(u->parent);
                if (u->parent && u->parent->kind == CXCursor_UnaryOperator) {
                    char *op = op_token(ctx, u->parent);
                    if (op && !strcmp(op, "&"))
                        n->local->addr_taken = true;
                    xfree(op);
                }
            }
        } else if (rk == CXCursor_FunctionDecl && !is_callee_position(n)) {
            char *usr = cx_string(clang_getCursorUSR(ref));
            gt_func *g = func_by_usr(ctx, usr);
            if (g) {
                diag_error(&ctx->diags, n->start,
                           "cannot take the address of GO_FUNC '%s' (it has no native entry "
                           "point; start it with go() or call it)", g->name);
                A->ok = false;
            }
            xfree(usr);
        }
        break;
    }
    case CXCursor_CallExpr:
        classify_call(A, n, uneval);
        break;
    case CXCursor_BinaryOperator:
        if (A->f && !uneval && is_blocking_comma(A, n)) {
            n->call = CALL_BLOCKING;
            VEC_PUSH(A->susp, A->nsusp, A->capsusp, n);
        }
        break;
    case CXCursor_CompoundLiteralExpr:
        if (A->f && !uneval)
            VEC_PUSH(A->lits, A->nlits, A->caplits, n);
        break;
    default:
        break;
    }
    for (int i = 0; i < n->nkids; i++)
        walk(A, n->kids[i], uneval);
    if ((n->call == CALL_SUSPEND || n->call == CALL_GOFUNC || n->call == CALL_BLOCKING) &&
        !uneval)
        n->has_susp = true;
    for (int i = 0; i < n->nkids; i++)
        if (n->kids[i]->has_susp)
            n->has_susp = true;
}

static bool is_ident_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The points after which a local's value must be in the frame: the
 * suspension points, and for a local a spilling check cannot copy
 * (unspillable) the spilling checks too. */
typedef struct points {
    gt_node **v;
    int n;
} points;

static bool unspillable(const gt_local *l)
{
    return l->addr_taken || type_has_const_member(l->type);
}

static points points_for(const an *A, const gt_local *l)
{
    return !l || unspillable(l) ? (points){ A->all, A->nall } : (points){ A->susp, A->nsusp };
}

static bool point_in(points P, unsigned a, unsigned z)
{
    for (int i = 0; i < P.n; i++)
        if (P.v[i]->start >= a && P.v[i]->start < z)
            return true;
    return false;
}

/* A point ending after `a` (so a suspension whose arguments contain `a`
 * counts) and starting before `z`. */
static bool point_ends_in(points P, unsigned a, unsigned z)
{
    for (int i = 0; i < P.n; i++)
        if (P.v[i]->end > a && P.v[i]->start < z)
            return true;
    return false;
}

static bool has_label(gt_node *n)
{
    if (n->kind == CXCursor_LabelStmt)
        return true;
    for (int i = 0; i < n->nkids; i++)
        if (has_label(n->kids[i]))
            return true;
    return false;
}

static bool is_stmt_list(gt_node *n)
{
    return n->kind == CXCursor_CompoundStmt || n->kind == CXCursor_LabelStmt ||
           n->kind == CXCursor_CaseStmt || n->kind == CXCursor_DefaultStmt;
}

static bool refs_in(const gt_local *l, unsigned a, unsigned z)
{
    for (int i = 0; i < l->nrefs; i++)
        if (l->refs[i]->start >= a && l->refs[i]->end <= z)
            return true;
    return false;
}

/* Can a reference of l run after point p, in the same lifetime of l?  Yes
 * when it comes later in the text, or belongs to the statement of p
 * (lowering evaluates the rest of that statement after a suspension), or
 * sits in a loop, inside l's scope, around p.  Blocks with labels are not
 * asked (see the caller). */
static bool used_after(const gt_local *l, const gt_node *p)
{
    const gt_node *top = p;
    while (top->parent && !is_stmt_list(top->parent))
        top = top->parent;
    for (int k = 0; k < l->nrefs; k++)
        if (l->refs[k]->start > p->start ||
            (l->refs[k]->start >= top->start && l->refs[k]->end <= top->end))
            return true;
    for (gt_node *q = p->parent; q; q = q->parent) {
        bool loop = q->kind == CXCursor_WhileStmt || q->kind == CXCursor_DoStmt ||
                    q->kind == CXCursor_ForStmt;
        if (loop && refs_in(l, q->start, q->end))
            return true;
        if (q == l->scope)
            break;
    }
    return false;
}

/* Is l used after one of the points P of its scope? */
static bool live_across(points P, const gt_local *l)
{
    for (int i = 0; i < P.n; i++)
        if (P.v[i]->start >= l->decl_node->start && P.v[i]->start < l->scope->end &&
            used_after(l, P.v[i]))
            return true;
    return false;
}

/* What each spilling check copies: the C locals (not in the frame) whose
 * lifetime spans the check and that are used after it.  A check that would
 * have to copy a local it cannot name (shadowed at the loop) or whose type
 * cannot be named outside the function is dropped. */
static void spill_sets(an *A, gt_func *f)
{
    gt_local **copy = xcalloc(f->nlocals ? f->nlocals : 1, sizeof *copy);
    for (int i = 0; i < A->nspilling; i++) {
        gt_node *loop = A->spilling[i], *c = loop->check;
        bool ok = true;
        int n = 0;
        for (int k = 0; k < f->nlocals && ok; k++) {
            gt_local *l = f->locals[k];
            if (l->is_param || l->is_static || l->hoisted || !in_scope_at(l, c->start) ||
                !used_after(l, c))
                continue;
            for (int j = 0; j < f->nlocals; j++) {
                gt_local *m = f->locals[j];
                if (m != l && !m->is_param && in_scope_at(m, c->start) &&
                    m->decl_node->start > l->decl_node->start && !strcmp(m->name, l->name))
                    ok = false;                       /* l is shadowed here */
            }
            copy[n++] = l;
        }
        char **td = xcalloc(n ? n : 1, sizeof *td);
        for (int k = 0; k < n; k++)
            if (!(td[k] = type_decl(A->ctx, copy[k]->type, "@", true, false)))
                ok = false;
        if (ok) {
            loop->spills = xcalloc(n ? n : 1, sizeof *loop->spills);
            for (int k = 0; k < n; k++)
                loop->spills[loop->nspills++] =
                    (gt_spill){ copy[k], frame_field(f, "__s", copy[k]->type, td[k], loop) };
        } else {
            loop->check = NULL;
            f->nunchecked++;
        }
        for (int k = 0; k < n; k++)
            xfree(td[k]);
        xfree(td);
    }
    xfree(copy);
}

static bool in_static_init(gt_node *n)
{
    for (gt_node *p = n->parent; p; p = p->parent)
        if (p->kind == CXCursor_VarDecl && p->local && p->local->is_static)
            return true;
    return false;
}

static bool params_and_locals(an *A, gt_func *f, gt_node *root)
{
    gt_ctx *ctx = A->ctx;
    int pi = 0;
    for (int i = 0; i < root->nkids; i++) {
        gt_node *k = root->kids[i];
        if (k->kind != CXCursor_ParmDecl)
            continue;
        gt_local *l = xcalloc(1, sizeof *l);
        l->decl = k->cur;
        l->name = cx_string(clang_getCursorSpelling(k->cur));
        if (!*l->name) {
            xfree(l->name);
            l->name = xprintf("__p%d", pi);
        }
        pi++;
        l->type = clang_getCursorType(k->cur);
        l->is_param = l->hoisted = true;
        char *decl_name = xstrdup(l->name);
        char *td = type_decl(ctx, l->type, "@", true, true);
        if (!td) {
            diag_error(&ctx->diags, k->start,
                       "the type of parameter '%s' cannot be named outside the function",
                       l->name);
            A->ok = false;
        } else {
            l->field = frame_field(f, decl_name, l->type, td, NULL);
            xfree(td);
            char *what = xprintf("parameter '%s'", l->name);
            if (!field_align_ok(ctx, l->field, k->start, what))
                A->ok = false;
            xfree(what);
            CXType c = clang_getCanonicalType(l->type);
            if (type_is_array(c) || c.kind == CXType_FunctionProto ||
                c.kind == CXType_FunctionNoProto)      /* adjusted to a pointer */
                l->field->size = l->field->align = ctx->ptr_size > 0 ? ctx->ptr_size : -1;
        }
        xfree(decl_name);
        k->local = l;
        VEC_PUSH(f->locals, f->nlocals, f->caplocals, l);
    }
    return A->ok;
}

/* The declaration template (see frame_field) with the variable's alignment
 * specifier kept: `_Alignas(N)` in front, `__attribute__((aligned(N)))`
 * behind.  *align: N when it is a number, -1 when it is not; NULL when the
 * variable has none. */
static char *alignment_of(gt_ctx *ctx, gt_node *v, const char *td, long long *align)
{
    const char *t = ctx->src.text;
    for (int i = 0; i < v->nkids; i++) {
        gt_node *k = v->kids[i];
        if (k->kind != CXCursor_AlignedAttr || !range_rewritable(ctx, k->start, k->end))
            continue;
        bool spec = !strncmp(t + k->start, "_Alignas", 8) || !strncmp(t + k->start, "alignas", 7);
        unsigned open = k->start;
        while (open < ctx->src.size && t[open] != '(')
            open++;
        unsigned close = open;
        for (int depth = 0; close < ctx->src.size; close++) {
            if (t[close] == '(')
                depth++;
            else if (t[close] == ')' && --depth == 0)
                break;
        }
        if (close >= ctx->src.size)
            return NULL;
        char *arg = xprintf("%.*s", (int)(close - open - 1), t + open + 1);
        char *end;
        long long n = strtoll(arg, &end, 0);
        *align = *end == 0 && n > 0 ? n : -1;
        char *r = spec ? xprintf("_Alignas(%s) %s", arg, td)
                       : xprintf("%s __attribute__((aligned(%s)))", td, arg);
        xfree(arg);
        return r;
    }
    return NULL;
}

bool analyse_func(gt_ctx *ctx, gt_func *f)
{
    an A = { .ctx = ctx, .f = f, .ok = true };
    CXCursor def = f->def;
    ctx->cur_func = f;
    if (clang_isFunctionTypeVariadic(clang_getCursorType(def))) {
        diag_error(&ctx->diags, cursor_offset(ctx, def),
                   "a GO_FUNC cannot be variadic ('%s' takes '...')", f->name);
        return false;
    }
    gt_node *root = tree_build(ctx, def);
    f->body = root->nkids ? root->kids[root->nkids - 1] : NULL;
    if (!f->body || f->body->kind != CXCursor_CompoundStmt) {
        diag_error(&ctx->diags, f->def_start, "cannot find the body of GO_FUNC '%s'", f->name);
        return false;
    }
    const char *t = ctx->src.text;
    if (t[f->body->start] != '{' || t[f->body->end - 1] != '}' ||
        macro_at(ctx, f->body->start, f->body->start + 1) ||
        macro_at(ctx, f->body->end - 1, f->body->end)) {
        diag_error(&ctx->diags, f->def_start,
                   "GO_FUNC '%s' is defined by a macro: gotransform rewrites source text, so its "
                   "body must be written in the file", f->name);
        return false;
    }
    /* the frame pointer's name must not capture a name the body uses */
    f->fr = "fr";
    for (unsigned k = f->def_start; k + 2 <= f->def_end; k++) {
        const char *t = ctx->src.text;
        if (t[k] == 'f' && t[k + 1] == 'r' && (k == 0 || !is_ident_char(t[k - 1])) &&
            !is_ident_char(t[k + 2])) {
            f->fr = "go__fr";
            break;
        }
    }
    if (!params_and_locals(&A, f, root))
        return false;
    walk(&A, root, false);
    preemption_checks(&A, f->body);
    for (int i = 0; i < A.nsusp; i++)
        VEC_PUSH(A.all, A.nall, A.capall, A.susp[i]);
    for (int i = 0; i < A.nspilling; i++)
        VEC_PUSH(A.all, A.nall, A.capall, A.spilling[i]->check);

    /* which locals live in the frame */
    for (int i = 0; i < f->nlocals; i++) {
        gt_local *l = f->locals[i];
        if (l->is_param || l->is_static || !l->scope)
            continue;
        /* An object lives from the entry of its block: a goto back above its
         * declaration can carry its address across an earlier suspension. */
        points P = points_for(&A, l);
        bool after = point_in(P, l->decl_node->start, l->scope->end);
        bool anywhere = point_in(P, l->scope->start, l->scope->end);
        if (l->has_cleanup && after) {
            diag_error(&ctx->diags, cursor_offset(ctx, l->decl),
                       "'%s' has a cleanup attribute and a suspension point in its scope: the "
                       "cleanup would not run when the goroutine's frame is resumed elsewhere",
                       l->name);
            A.ok = false;
            continue;
        }
        if (l->addr_taken || l->is_vla)
            l->hoisted = after || (anywhere && has_label(l->scope));
        else
            l->hoisted = after && (has_label(l->scope) || live_across(P, l));
        if (!l->hoisted)
            continue;
        if (l->is_vla) {
            diag_error(&ctx->diags, cursor_offset(ctx, l->decl),
                       "variable-length array '%s' lives across a suspension point; use a heap "
                       "buffer (malloc) instead", l->name);
            A.ok = false;
            continue;
        }
        char *td = type_decl(ctx, l->type, "@", true, false);
        if (!td) {
            diag_error(&ctx->diags, cursor_offset(ctx, l->decl),
                       "the type of '%s' cannot be named outside the function, but '%s' lives "
                       "across a suspension point; declare the type at file scope", l->name,
                       l->name);
            A.ok = false;
            continue;
        }
        gt_node *scope = l->scope == f->body ? NULL : l->scope;
        long long align = 0;
        char *aligned = alignment_of(ctx, l->decl_node, td, &align);
        l->field = frame_field(f, l->name, l->type, aligned ? aligned : td, scope);
        if (align > l->field->align)
            l->field->align = align;
        if (align < 0)
            l->field->size = -1;
        xfree(aligned);
        xfree(td);
        char *what = xprintf("'%s'", l->name);
        if (!field_align_ok(ctx, l->field, cursor_offset(ctx, l->decl), what))
            A.ok = false;
        xfree(what);
    }
    /* compound literals whose block continues past a suspension point */
    for (int i = 0; i < A.nlits; i++) {
        gt_node *n = A.lits[i];
        gt_node *scope = scope_of(n);
        if (!scope || in_static_init(n) || !point_ends_in(points_for(&A, NULL), n->start, scope->end))
            continue;
        CXType t = clang_getCursorType(n->cur);
        char *td = type_decl(ctx, t, "@", true, false);
        if (!td || type_is_vla(t)) {
            diag_error(&ctx->diags, n->start,
                       "this compound literal lives across a suspension point but its type "
                       "cannot be named outside the function");
            A.ok = false;
            xfree(td);
            continue;
        }
        n->hoist = frame_field(f, "__cl", t, td, scope == f->body ? NULL : scope);
        xfree(td);
        if (!field_align_ok(ctx, n->hoist, n->start, "this compound literal"))
            A.ok = false;
    }
    spill_sets(&A, f);
    if (A.first_alloca && A.nsusp > 0) {
        diag_error(&ctx->diags, A.first_alloca->start,
                   "alloca() memory would live across a suspension point of '%s'; use a heap "
                   "buffer (malloc) instead", f->name);
        A.ok = false;
    }
    xfree(A.susp);
    xfree(A.spilling);
    xfree(A.all);
    xfree(A.lits);
    ctx->cur_func = NULL;
    return A.ok;
}

gt_node *analyse_plain(gt_ctx *ctx, CXCursor def, bool *ok)
{
    an A = { .ctx = ctx, .f = NULL, .ok = true };
    gt_node *root = tree_build(ctx, def);
    walk(&A, root, false);
    xfree(A.susp);
    xfree(A.lits);
    *ok = A.ok;
    return root;
}
