/* lower.c — statement and expression lowering of a GO_FUNC body into edits.
 *
 * Rules (docs/transform.md has the reasoning):
 *   - every reference to a frame-resident local or parameter becomes FR->x;
 *   - a suspension point k becomes
 *         FR->hdr.state = k; if (go_x__begin(args) != GO_WAIT) { goto go__Lk; }
 *         return GO_SUSPEND; go__Lk: ;
 *     (a nested GO_FUNC call: bind the child frame, go_frame_call, return
 *     GO_CALL, go__Lk), then its value is read into a frame temporary that
 *     replaces the call in the expression;
 *   - these "pre-statements" go before the statement that contains the
 *     suspension, which is wrapped in braces; &&, ||, ?: and , whose later
 *     operand suspends become if/else so only the operands C would evaluate
 *     run, in C's order; loop conditions with suspensions move inside a
 *     for(;;) so they run on every iteration (continue → goto the condition);
 *   - declarations of frame-resident locals become assignments in place;
 *   - GO_BLOCKING(expr) is enter/expr/exit with a suspension point at the
 *     exit; every loop checks for preemption at the start of its body, a
 *     loop that cannot suspend by spilling its C locals (check_text; the
 *     entry check is emitted with the resume function).
 * Statements are lowered inner first: an outer rewrite renders its parts
 * with the inner edits already applied.
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

typedef struct lw {
    gt_ctx *ctx;
    gt_func *f;                    /* NULL for plain functions */
    const char *fr;
    gt_node *stmt;                 /* statement being lowered: scope of its temps */
    bool ok;
    gt_func ***callees;            /* where used callees are recorded */
    int *ncallees, *capcallees;
} lw;

static void fail(lw *L, unsigned off, const char *msg)
{
    diag_error(&L->ctx->diags, off, "%s", msg);
    L->ok = false;
}

static void use_callee(lw *L, gt_func *g)
{
    for (int i = 0; i < *L->ncallees; i++)
        if ((*L->callees)[i] == g)
            return;
    VEC_PUSH(*L->callees, *L->ncallees, *L->capcallees, g);
}

/* ---- frame fields ------------------------------------------------------------ */

static bool field_name_taken(gt_func *f, const char *name)
{
    if (!strcmp(name, "hdr") || !strcmp(name, "__ret") || !strcmp(name, "__callee"))
        return true;
    for (int i = 0; i < f->nfields; i++)
        if (!strcmp(f->fields[i]->name, name))
            return true;
    return false;
}

gt_field *frame_field(gt_func *f, const char *base, CXType t, const char *tmpl, gt_node *scope)
{
    gt_field *fd = xcalloc(1, sizeof *fd);
    if (!strncmp(base, "__", 2)) {       /* a temporary: __t1, __cl2, ... */
        do {
            xfree(fd->name);
            fd->name = xprintf("%s%d", base, ++f->ntemps);
        } while (field_name_taken(f, fd->name));
    } else {
        fd->name = xstrdup(base);
        for (int k = 1; field_name_taken(f, fd->name); k++) {
            xfree(fd->name);
            fd->name = xprintf("%s__%d", base, k);
        }
    }
    const char *at = strchr(tmpl, '@');
    fd->type_decl = at ? xprintf("%.*s%s%s", (int)(at - tmpl), tmpl, fd->name, at + 1)
                       : xprintf("%s %s", tmpl, fd->name);
    fd->scope = scope;
    if (t.kind == CXType_Invalid) {
        fd->size = fd->align = 4;
    } else {
        fd->size = clang_Type_getSizeOf(t);
        fd->align = clang_Type_getAlignOf(t);
    }
    VEC_PUSH(f->fields, f->nfields, f->capfields, fd);
    return fd;
}

bool field_align_ok(gt_ctx *ctx, const gt_field *fd, unsigned off, const char *what)
{
    long long max = ctx->max_align > 0 ? ctx->max_align : 16;
    if (fd->align <= max)
        return true;
    diag_error(&ctx->diags, off,
               "%s needs %lld-byte alignment, but goroutine frames are only %lld-byte aligned "
               "(go_frame_alloc); keep it in a heap buffer", what, fd->align, max);
    return false;
}

static gt_field *temp(lw *L, CXType t, unsigned off)
{
    char *td = t.kind == CXType_Invalid ? xstrdup("int @") : type_decl(L->ctx, t, "@", true, false);
    if (!td) {
        fail(L, off, "the type of this value cannot be named outside the function");
        td = xstrdup("int @");
    }
    gt_node *scope = L->stmt && L->stmt != L->f->body ? L->stmt : NULL;
    gt_field *fd = frame_field(L->f, "__t", t, td, scope);
    xfree(td);
    if (!field_align_ok(L->ctx, fd, off, "this value"))
        L->ok = false;
    return fd;
}

static int new_state(lw *L, gt_node *n)
{
    gt_func *f = L->f;
    VEC_PUSH(f->lines, f->nstates, f->capstates, (int)src_line(&L->ctx->src, n->start));
    return f->nstates - 1;
}

static bool rewritable(lw *L, gt_node *n)
{
    if (n->end > n->start && range_rewritable(L->ctx, n->start, n->end))
        return true;
    fail(L, n->start,
         "cannot lower this suspension point: the code around it comes from a macro body "
         "(call the suspending function directly)");
    return false;
}

/* ---- leaf edits ---------------------------------------------------------------- */

static void leaf_refs(lw *L, gt_node *n)
{
    if (n->kind == CXCursor_DeclRefExpr && n->local && n->local->field) {
        gt_local *l = n->local;
        size_t len = strlen(l->name);
        bool exact = n->end - n->start == len && !strncmp(L->ctx->src.text + n->start, l->name, len);
        if (!exact || !range_rewritable(L->ctx, n->start, n->end)) {
            const gt_macro *m = macro_at(L->ctx, n->start, n->end);
            diag_error(&L->ctx->diags, n->start,
                       "'%s' lives in the frame of '%s' but is named inside the body of macro "
                       "'%s'; pass it to the macro as an argument", l->name, L->f->name,
                       m ? m->name : "?");
            L->ok = false;
        } else {
            char *t = xprintf("%s->%s", L->fr, l->field->name);
            edit_simple(L->ctx, n->start, n->end, t);
            xfree(t);
        }
    }
    for (int i = 0; i < n->nkids; i++)
        leaf_refs(L, n->kids[i]);
}

static bool is_loop(gt_node *n)
{
    return n->kind == CXCursor_WhileStmt || n->kind == CXCursor_DoStmt ||
           n->kind == CXCursor_ForStmt;
}

static int rewrite_continues(lw *L, gt_node *n, int label)
{
    int count = 0;
    for (int i = 0; i < n->nkids; i++) {
        gt_node *k = n->kids[i];
        if (k->kind == CXCursor_ContinueStmt) {
            if (strncmp(L->ctx->src.text + k->start, "continue", 8) ||
                !range_rewritable(L->ctx, k->start, k->end)) {
                fail(L, k->start, "cannot lower a 'continue' produced by a macro in a loop "
                                  "whose condition suspends");
                continue;
            }
            char *t = xprintf("goto go__c%d", label);
            edit_simple(L->ctx, k->start, k->end, t);
            xfree(t);
            count++;
        } else if (!is_loop(k)) {
            count += rewrite_continues(L, k, label);
        }
    }
    return count;
}

static bool loop_needs_rewrite(lw *L, gt_node *n, gt_node **body)
{
    if (n->kind == CXCursor_DoStmt && n->nkids == 2) {
        *body = n->kids[0];
        return n->kids[1]->has_susp;
    }
    if (n->kind == CXCursor_ForStmt) {
        gt_node *init, *cond, *inc;
        for_roles(L->ctx, n, &init, &cond, &inc, body);
        return (cond && cond->has_susp) || (inc && inc->has_susp);
    }
    return false;
}

static void continue_labels(lw *L, gt_node *n)
{
    gt_node *body = NULL;
    if (loop_needs_rewrite(L, n, &body) && body) {
        int label = L->f->nconts + 1;
        if (rewrite_continues(L, body, label) > 0) {
            n->cont_label = label;
            L->f->nconts++;
        }
    }
    for (int i = 0; i < n->nkids; i++)
        continue_labels(L, n->kids[i]);
}

/* ---- expressions ------------------------------------------------------------------ */

static void lower_expr(lw *L, gt_node *n, ob *pre);
static void assign_open(lw *L, ob *b, CXType t, const char *dst, bool paren);
static void assign_close(ob *b, CXType t, const char *dst, bool paren);

static void src(ob *b, gt_node *n) { ob_src(b, n->start, n->end); }

/* The struct a callee's frame is known as here: its full frame when defined
 * earlier in this file (or it is the current function), else its prefix. */
static const char *callee_struct(lw *L, gt_func *g)
{
    if (g->defined_here && L->f && (g == L->f || g->def_order < L->f->def_order))
        return "frame";
    return "head";
}

static char *args_text(lw *L, gt_node *call, ob *b)
{
    /* renders ", a0, a1" into b; returns NULL on a macro-made argument */
    for (int i = 1; i < call->nkids; i++) {
        gt_node *a = call->kids[i];
        if (!(call->start < a->start && a->end < call->end) ||
            !range_rewritable(L->ctx, a->start, a->end)) {
            fail(L, a->start, "cannot lower this call: its argument comes from a macro body");
            return NULL;
        }
        ob_gen(b, ", ");
        src(b, a);
    }
    return "";
}

static void glue(lw *L, gt_node *n)
{
    gt_func *g = n->callee;
    const gt_macro *m = n->glue;
    use_callee(L, g);
    ob b;
    ob_init(&b, L->ctx, m->start);
    if (n->call == CALL_MAIN) {
        CXType rt = clang_getResultType(clang_getCursorType(g->decl));
        if (clang_getCanonicalType(rt).kind != CXType_Int) {
            fail(L, n->start, "go_main() needs a GO_FUNC returning int");
            return;
        }
        g->used_in_main = true;
        ob_gen(&b, "%s__main(%s__bind(go_frame_alloc(&%s__info)", g->name, g->name, g->name);
    } else if (L->f) {
        VEC_PUSH(L->f->spawn_lines, L->f->nspawns, L->f->capspawns,
                 (int)src_line(&L->ctx->src, m->start));
        ob_gen(&b, "go_spawn_at(%s__bind(go_frame_alloc(&%s__info)", g->name, g->name);
    } else {
        ob_gen(&b, "go_spawn(%s__bind(go_frame_alloc(&%s__info)", g->name, g->name);
    }
    if (!args_text(L, n, &b)) {
        xfree(ob_finish(&b, m->end));
        return;
    }
    if (n->call == CALL_SPAWN && L->f)
        ob_gen(&b, "), &%s__site%d)", L->f->name, L->f->nspawns - 1);
    else
        ob_gen(&b, "))");
    edit_add(L->ctx, m->start, m->end, ob_finish(&b, m->end));
}

static void hoist_literal(lw *L, gt_node *n)
{
    if (!range_rewritable(L->ctx, n->start, n->end)) {
        fail(L, n->start, "this compound literal lives across a suspension point but is "
                          "produced by a macro; declare a local variable instead");
        return;
    }
    CXType t = clang_getCursorType(n->cur);
    char *tp = type_decl(L->ctx, t, type_is_array(t) ? "(*)" : "*", true, false);
    ob b;
    ob_init(&b, L->ctx, n->start);
    ob_gen(&b, "(*(%s)__builtin_memcpy((void *)&%s->%s, (const void *)&", tp ? tp : "void *", L->fr, n->hoist->name);
    ob_src(&b, n->start, n->end);
    ob_gen(&b, ", sizeof %s->%s))", L->fr, n->hoist->name);
    edit_add(L->ctx, n->start, n->end, ob_finish(&b, n->end));
    xfree(tp);
}

/* A GO_FUNC call under sizeof: f no longer exists, but its type does. */
static void unevaluated_call(lw *L, gt_node *n)
{
    CXType t = clang_getCursorType(n->cur);
    char *tp = type_is_void(t) ? NULL : type_decl(L->ctx, t, "*", false, false);
    char *v = tp ? xprintf("(*(%s)0)", tp) : xstrdup("((void)0)");
    if (range_rewritable(L->ctx, n->start, n->end))
        edit_simple(L->ctx, n->start, n->end, v);
    xfree(tp);
    xfree(v);
}

/* Edits that do not depend on suspension: compound literals kept in the
 * frame, go()/go_main() glue. */
static void lower_pure(lw *L, gt_node *n)
{
    for (int i = 0; i < n->nkids; i++)
        lower_pure(L, n->kids[i]);
    if (n->kind == CXCursor_CompoundLiteralExpr && n->hoist)
        hoist_literal(L, n);
    if (n->kind == CXCursor_CallExpr && (n->call == CALL_SPAWN || n->call == CALL_MAIN))
        glue(L, n);
    if (n->kind == CXCursor_CallExpr && n->unevaluated && n->callee)
        unevaluated_call(L, n);
}

/* A suspension point: pre-statements into `pre`; the call is replaced by its
 * value (a frame temporary) when want_value. */
static void suspend_call(lw *L, gt_node *n, ob *pre, bool want_value)
{
    gt_ctx *ctx = L->ctx;
    const char *FR = L->fr;
    if (!rewritable(L, n))
        return;
    gt_node *up = skip_wrappers_up(n);
    if (up->parent && up->parent->start == n->start && up->parent->end == n->end &&
        macro_at(ctx, n->start, n->end) && !clang_isStatement(up->parent->kind) &&
        up->parent->kind != CXCursor_VarDecl) {
        fail(L, n->start, "a suspension point cannot be part of a larger macro; call the "
                          "suspending function directly");
        return;
    }
    for (int i = 1; i < n->nkids; i++) {
        gt_node *a = n->kids[i];
        if (!(n->start < a->start && a->end < n->end) ||
            !range_rewritable(ctx, a->start, a->end)) {
            fail(L, a->start, "cannot lower this suspension point: its argument comes from a "
                              "macro body (call the suspending function directly)");
            return;
        }
    }
    for (int i = 1; i < n->nkids; i++)
        lower_expr(L, n->kids[i], pre);
    CXType rt = clang_getCursorType(n->cur);
    bool is_void = type_is_void(rt);
    int k = new_state(L, n);
    n->lowered = true;
    gt_field *t = NULL;
    if (n->call == CALL_SUSPEND) {
        char *twin = xprintf("%s__begin", n->callee_name);
        if (!fn_name_declared(ctx, twin)) {
            diag_error(&ctx->diags, n->start,
                       "'%s' is marked GO_SUSPENDING but '%s' is not declared (see gosched/ops.h)",
                       n->callee_name, twin);
            L->ok = false;
        }
        if (!type_is_scalar_result(rt)) {
            fail(L, n->start, "a GO_SUSPENDING operation must return void, an integer or a "
                              "pointer (its value passes through go__result())");
        }
        ob_gen(pre, "%s->hdr.state = %d; if (%s(", FR, k, twin);
        xfree(twin);
        for (int i = 1; i < n->nkids; i++) {
            if (i > 1)
                ob_gen(pre, ", ");
            src(pre, n->kids[i]);
        }
        /* `if (… == GO_WAIT) return …; label:` would trip gcc's
         * -Wimplicit-fallthrough when it ends a case; this form does not */
        ob_gen(pre, ") != GO_WAIT) { goto go__L%d; } return GO_SUSPEND; go__L%d: ; ", k, k);
        if (want_value && !is_void) {
            t = temp(L, rt, n->start);
            char *tn = type_name(ctx, rt, true);
            ob_gen(pre, "%s->%s = (%s)go__result(); ", FR, t->name, tn ? tn : "long");
            xfree(tn);
        }
    } else {
        gt_func *g = n->callee, *f = L->f;
        use_callee(L, g);
        bool inline_child = g->defined_here && g != f && g->def_order < f->def_order;
        if (inline_child) {
            bool known = false;
            for (int i = 0; i < f->ninline; i++)
                known |= f->inline_callees[i] == g;
            if (!known)
                VEC_PUSH(f->inline_callees, f->ninline, f->capinline, g);
            ob_gen(pre, "%s->hdr.state = %d; %s->__callee.%s.hdr = GO_FRAME_INIT(&%s__info); "
                        "go_frame_call(&%s->hdr, %s__bind(&%s->__callee.%s",
                   FR, k, FR, g->name, g->name, FR, g->name, FR, g->name);
            args_text(L, n, pre);
            ob_gen(pre, ")); return GO_CALL; go__L%d: ; ", k);
            if (want_value && !is_void) {
                t = temp(L, rt, n->start);
                char *dst = xprintf("%s->%s", FR, t->name);
                assign_open(L, pre, rt, dst, false);
                ob_gen(pre, "%s->__callee.%s.__ret", FR, g->name);
                assign_close(pre, rt, dst, false);
                ob_gen(pre, "; ");
                xfree(dst);
            }
        } else {
            f->heap_children = true;
            ob_gen(pre, "%s->hdr.state = %d; %s->__callee.go__heap = %s__bind(go_frame_alloc(&%s__info)",
                   FR, k, FR, g->name, g->name);
            args_text(L, n, pre);
            ob_gen(pre, "); go_frame_call(&%s->hdr, %s->__callee.go__heap); return GO_CALL; "
                        "go__L%d: ; ", FR, FR, k);
            if (want_value && !is_void) {
                t = temp(L, rt, n->start);
                char *dst = xprintf("%s->%s", FR, t->name);
                assign_open(L, pre, rt, dst, false);
                ob_gen(pre, "((struct %s__%s *)%s->__callee.go__heap)->__ret", g->name,
                       callee_struct(L, g), FR);
                assign_close(pre, rt, dst, false);
                ob_gen(pre, "; ");
                xfree(dst);
            }
            ob_gen(pre, "go_frame_free(%s->__callee.go__heap); ", FR);
        }
    }
    if (want_value) {
        char *v = t ? xprintf("%s->%s", FR, t->name) : xstrdup("((void)0)");
        edit_simple(ctx, n->start, n->end, v);
        xfree(v);
    }
}

/* GO_BLOCKING(expr): the call runs between go__blocking_enter() and
 * go__blocking_exit(); the goroutine may have to wait for a P at the exit
 * (a suspension point), so the value goes through a frame temporary. */
static void blocking_point(lw *L, gt_node *n, ob *pre, bool want_value)
{
    gt_ctx *ctx = L->ctx;
    const char *FR = L->fr;
    gt_node *e = skip_wrappers_down(n->kids[1]);
    if (!rewritable(L, n))
        return;
    if (!(n->start < e->start && e->end < n->end) || !range_rewritable(ctx, e->start, e->end)) {
        fail(L, n->start, "cannot lower this GO_BLOCKING(...): write the blocking call as its "
                          "argument");
        return;
    }
    if (e->has_susp) {
        fail(L, e->start, "nothing may suspend inside GO_BLOCKING(...)");
        return;
    }
    if (!fn_name_declared(ctx, "go__blocking_enter") || !fn_name_declared(ctx, "go__blocking_exit")) {
        fail(L, n->start, "GO_BLOCKING needs go__blocking_enter/go__blocking_exit (gosched/frame.h)");
        return;
    }
    lower_pure(L, e);
    CXType t = clang_getCursorType(n->cur);
    int k = new_state(L, n);
    n->lowered = true;
    gt_field *tmp = want_value && !type_is_void(t) ? temp(L, t, n->start) : NULL;
    ob_gen(pre, "go__blocking_enter(); ");
    if (tmp) {
        char *dst = xprintf("%s->%s", FR, tmp->name);
        assign_open(L, pre, t, dst, true);
        src(pre, e);
        assign_close(pre, t, dst, true);
        xfree(dst);
    } else {
        ob_gen(pre, "(void)(");
        src(pre, e);
        ob_gen(pre, ")");
    }
    ob_gen(pre, "; %s->hdr.state = %d; if (go__blocking_exit() != GO_WAIT) { goto go__L%d; } "
                "return GO_SUSPEND; go__L%d: ; ", FR, k, k, k);
    if (want_value) {
        char *v = tmp ? xprintf("%s->%s", FR, tmp->name) : xstrdup("((void)0)");
        edit_simple(ctx, n->start, n->end, v);
        xfree(v);
    }
}

static bool is_designator(lw *L, gt_node *n)
{
    char ch = L->ctx->src.text[n->start];
    return ch == '.' || ch == '[';
}

static void lower_expr(lw *L, gt_node *n, ob *pre)
{
    if (!n->has_susp) {
        lower_pure(L, n);
        return;
    }
    const char *FR = L->fr;
    switch (n->kind) {
    case CXCursor_CallExpr:
        if (n->call == CALL_SUSPEND || n->call == CALL_GOFUNC) {
            suspend_call(L, n, pre, true);
            return;
        }
        break;
    case CXCursor_BinaryOperator: {
        if (n->call == CALL_BLOCKING) {
            blocking_point(L, n, pre, true);
            return;
        }
        char *op = op_token(L->ctx, n);
        if (!op) {
            const gt_macro *m = macro_at(L->ctx, n->start, n->end);
            diag_error(&L->ctx->diags, n->start,
                       "cannot lower a suspension point inside the expansion of macro '%s'; "
                       "store its value in a variable first", m ? m->name : "?");
            L->ok = false;
            return;
        }
        gt_node *a = n->kids[0], *b = n->kids[1];
        bool logical = !strcmp(op, "&&") || !strcmp(op, "||");
        bool comma = !strcmp(op, ",");
        if ((logical || comma) && b->has_susp) {
            if (!rewritable(L, n)) {
                xfree(op);
                return;
            }
            lower_expr(L, a, pre);
            if (comma) {
                ob_gen(pre, "(void)(");
                src(pre, a);
                ob_gen(pre, "); ");
                lower_expr(L, b, pre);
                ob bb;
                ob_init(&bb, L->ctx, n->start);
                ob_gen(&bb, "(");
                ob_src(&bb, b->start, b->end);
                ob_gen(&bb, ")");
                edit_add(L->ctx, n->start, n->end, ob_finish(&bb, n->end));
            } else {
                gt_field *t = temp(L, (CXType){ .kind = CXType_Invalid }, n->start);
                ob_gen(pre, "if (");
                src(pre, a);
                if (!strcmp(op, "&&"))
                    ob_gen(pre, ") { ");
                else
                    ob_gen(pre, ") %s->%s = 1; else { ", FR, t->name);
                lower_expr(L, b, pre);
                ob_gen(pre, "%s->%s = !!(", FR, t->name);
                src(pre, b);
                if (!strcmp(op, "&&"))
                    ob_gen(pre, "); } else %s->%s = 0; ", FR, t->name);
                else
                    ob_gen(pre, "); } ");
                char *v = xprintf("%s->%s", FR, t->name);
                edit_simple(L->ctx, n->start, n->end, v);
                xfree(v);
            }
            xfree(op);
            return;
        }
        xfree(op);
        break;
    }
    case CXCursor_ConditionalOperator: {
        if (n->nkids != 3)
            break;
        gt_node *c = n->kids[0], *a = n->kids[1], *b = n->kids[2];
        if (!a->has_susp && !b->has_susp)
            break;
        if (!rewritable(L, n))
            return;
        lower_expr(L, c, pre);
        CXType rt = clang_getCursorType(n->cur);
        gt_field *t = type_is_void(rt) ? NULL : temp(L, rt, n->start);
        ob_gen(pre, "if (");
        src(pre, c);
        ob_gen(pre, ") { ");
        for (int side = 0; side < 2; side++) {
            gt_node *x = side ? b : a;
            if (side)
                ob_gen(pre, "} else { ");
            lower_expr(L, x, pre);
            char *dst = t ? xprintf("%s->%s", FR, t->name) : NULL;
            if (t)
                assign_open(L, pre, rt, dst, true);
            else
                ob_gen(pre, "(void)(");
            src(pre, x);
            if (t)
                assign_close(pre, rt, dst, true);
            else
                ob_gen(pre, ")");
            ob_gen(pre, "; ");
            xfree(dst);
        }
        ob_gen(pre, "} ");
        char *v = t ? xprintf("%s->%s", FR, t->name) : xstrdup("((void)0)");
        edit_simple(L->ctx, n->start, n->end, v);
        xfree(v);
        return;
    }
    case CXCursor_StmtExpr:
        fail(L, n->start, "a suspension point cannot be inside a GNU statement expression");
        return;
    case CXCursor_GenericSelectionExpr:
        fail(L, n->start, "a suspension point cannot be inside _Generic");
        return;
    case CXCursor_UnexposedExpr:
        if (n->nkids != 1 && !is_designator(L, n)) {
            const char *s = L->ctx->src.text + n->start;
            if (!strncmp(s, "__builtin_choose_expr", 21))
                fail(L, n->start, "a suspension point cannot be inside __builtin_choose_expr");
            else
                fail(L, n->start, "cannot lower a suspension point inside this expression "
                                  "(e.g. the GNU 'a ?: b' form; write 'a ? a : b')");
            return;
        }
        break;
    default:
        break;
    }
    for (int i = 0; i < n->nkids; i++)
        lower_expr(L, n->kids[i], pre);
    if (n->kind == CXCursor_CompoundLiteralExpr && n->hoist)
        hoist_literal(L, n);
    if (n->kind == CXCursor_CallExpr && (n->call == CALL_SPAWN || n->call == CALL_MAIN))
        glue(L, n);
}

/* ---- statements ------------------------------------------------------------------ */

static void lower_stmt(lw *L, gt_node *n);

static unsigned full_end(lw *L, gt_node *n)
{
    bool ok = true;
    unsigned e = stmt_full_end(L->ctx, n, &ok);
    if (!ok)
        fail(L, n->start, "cannot lower this statement: its ';' comes from a macro");
    return e;
}

static void sub_stmt(lw *L, ob *b, gt_node *s)
{
    ob_src_stmt(b, s->start, full_end(L, s));
}

static void finish_stmt(lw *L, gt_node *n, ob *b, unsigned end)
{
    if (!range_rewritable(L->ctx, n->start, end)) {
        fail(L, n->start, "cannot lower this statement: it is (partly) produced by a macro");
        xfree(ob_finish(b, end));
        return;
    }
    edit_add(L->ctx, n->start, end, ob_finish(b, end));
}

static const gt_moved_tag *moved_tag(gt_ctx *ctx, gt_node *n)
{
    if (n->kind != CXCursor_StructDecl && n->kind != CXCursor_UnionDecl &&
        n->kind != CXCursor_TypeRef)
        return NULL;
    CXCursor d = n->kind == CXCursor_TypeRef ? clang_getCursorReferenced(n->cur) : n->cur;
    for (int i = 0; i < ctx->nmoved; i++)
        if (ctx->moved[i].name && clang_equalCursors(ctx->moved[i].decl, d))
            return &ctx->moved[i];
    return NULL;
}

/* A struct/union moved to file scope (types.c): its definition here becomes
 * a reference to the moved one (or disappears with a declaration that only
 * defined it), and every use of its tag takes the new tag. */
static void moved_tag_edits(lw *L, gt_node *n)
{
    const gt_moved_tag *m = moved_tag(L->ctx, n);
    if (m && n->kind == CXCursor_TypeRef) {
        edit_simple(L->ctx, n->start, n->end, strchr(m->name, ' ') + 1);
    } else if (m && n->parent && n->parent->kind != CXCursor_VarDecl &&
               n->parent->kind != CXCursor_TypedefDecl) {
        bool alone = n->parent->kind == CXCursor_DeclStmt;
        for (int i = 0; alone && i < n->parent->nkids; i++)
            alone = moved_tag(L->ctx, n->parent->kids[i]) != NULL;
        if (alone)
            edit_simple(L->ctx, n->parent->start, n->parent->end, "");
        else
            edit_simple(L->ctx, n->start, n->end, m->name);
    }
    for (int i = 0; i < n->nkids; i++)
        moved_tag_edits(L, n->kids[i]);
}

/* `dst = (value)`, around the value the caller emits.  A struct or union
 * with a const member can only be initialised in C, so it is initialised
 * into a block-local copy that is then copied into the frame field. */
static bool needs_copy(CXType t)
{
    return type_is_record(t) && type_has_const_member(clang_getCanonicalType(t));
}

/* paren: the value may be a comma expression (a `return` or `?:` operand). */
static void assign_open(lw *L, ob *b, CXType t, const char *dst, bool paren)
{
    char *v = needs_copy(t) ? type_decl(L->ctx, t, "go__v", true, false) : NULL;
    if (v)
        ob_gen(b, "{ %s = %s", v, paren ? "(" : "");
    else
        ob_gen(b, "%s = %s", dst, paren ? "(" : "");
    xfree(v);
}

static void assign_close(ob *b, CXType t, const char *dst, bool paren)
{
    if (needs_copy(t))
        ob_gen(b, "%s; __builtin_memcpy(&%s, &go__v, sizeof go__v); }", paren ? ")" : "", dst);
    else if (paren)
        ob_gen(b, ")");
}

/* Assignment replacing the initializer of a frame-resident local. */
static void init_assign(lw *L, ob *b, gt_local *l, gt_node *init)
{
    const char *FR = L->fr, *x = l->field->name;
    gt_node *core = skip_wrappers_down(init);
    bool list = core->kind == CXCursor_InitListExpr;
    char *tn = type_name(L->ctx, l->type, true);
    if (type_is_array(l->type)) {
        ob_gen(b, "__builtin_memcpy((void *)%s->%s, (const void *)(%s)%s", FR, x, tn ? tn : "?", list ? "" : "{");
        src(b, init);
        ob_gen(b, "%s, sizeof %s->%s)", list ? "" : "}", FR, x);
    } else if (list && type_is_record(l->type)) {
        ob_gen(b, "__builtin_memcpy((void *)&%s->%s, (const void *)&(%s)", FR, x, tn ? tn : "?");
        src(b, init);
        ob_gen(b, ", sizeof %s->%s)", FR, x);
    } else if (list) {
        ob_gen(b, "%s->%s = (%s)", FR, x, tn ? tn : "?");
        src(b, init);
    } else {
        char *dst = xprintf("%s->%s", FR, x);
        assign_open(L, b, l->type, dst, false);
        src(b, init);
        assign_close(b, l->type, dst, false);
        xfree(dst);
    }
    xfree(tn);
}

/* A declaration with frame-resident locals or a suspending initializer.
 * for_init: the declaration of a for loop that is kept (expression list). */
static void lower_decl(lw *L, gt_node *n, ob *b, bool for_init)
{
    bool first = true;
    for (int i = 0; i < n->nkids; i++) {
        gt_node *v = n->kids[i];
        if (moved_tag(L->ctx, v))
            continue;              /* defined at file scope now */
        bool tag = v->kind == CXCursor_EnumDecl || v->kind == CXCursor_StructDecl ||
                   v->kind == CXCursor_UnionDecl;
        if (tag && !for_init) {    /* the type stays here, declared on its own */
            src(b, v);
            ob_gen(b, "; ");
            continue;
        }
        if (v->kind != CXCursor_VarDecl) {
            fail(L, v->start, "cannot lower a declaration that also declares a type here; "
                              "declare the type separately");
            return;
        }
        gt_local *l = v->local;
        gt_node *init = var_init(v);
        if (init)
            lower_expr(L, init, b);
        if (l->field) {
            if (for_init && init && needs_copy(l->type)) {
                fail(L, v->start, "cannot lower this declaration in a for statement (its type "
                                  "has a const member); declare it before the loop");
                return;
            }
            if (!for_init && type_is_local_typedef(l->type)) {
                /* the field uses the canonical type: keep the local typedef used */
                char *sp = cx_string(clang_getTypeSpelling(l->type));
                ob_gen(b, "(void)sizeof (%s); ", sp);
                xfree(sp);
            }
            if (!init)
                continue;
            if (for_init && !first)
                ob_gen(b, ", ");
            init_assign(L, b, l, init);
            if (!for_init)
                ob_gen(b, "; ");
            first = false;
        } else {
            char *d = for_init ? NULL : type_decl(L->ctx, l->type, l->name, false, false);
            if (!d) {
                fail(L, v->start, "cannot lower this declaration; declare this variable in a "
                                  "declaration of its own");
                return;
            }
            ob_gen(b, "%s", d);
            xfree(d);
            if (init) {
                ob_gen(b, " = ");
                src(b, init);
            }
            ob_gen(b, "; ");
        }
    }
    if (for_init)
        ob_gen(b, ";");
}

static bool decl_needs_lowering(gt_node *n)
{
    if (n->has_susp)
        return true;
    for (int i = 0; i < n->nkids; i++)
        if (n->kids[i]->local && n->kids[i]->local->field)
            return true;
    return false;
}

static void decl_stmt(lw *L, gt_node *n, bool for_init)
{
    if (!decl_needs_lowering(n)) {
        lower_pure(L, n);
        return;
    }
    ob b;
    ob_init(&b, L->ctx, n->start);
    lower_decl(L, n, &b, for_init);
    finish_stmt(L, n, &b, n->end);
}

/* The hoisted suspensions of e, then e evaluated for its effects. */
static void eval_for_effect(lw *L, gt_node *e, ob *b)
{
    lower_expr(L, e, b);
    ob_gen(b, "(void)(");
    src(b, e);
    ob_gen(b, "); ");
}

/* "{ <hoisted suspensions of cond> kw (cond) ": the opening of an if or
 * switch whose condition suspends; the caller adds the body and "}". */
static void open_cond_stmt(lw *L, gt_node *n, const char *kw, gt_node *cond, ob *b)
{
    ob_init(b, L->ctx, n->start);
    ob_gen(b, "{ ");
    lower_expr(L, cond, b);
    ob_gen(b, "%s (", kw);
    src(b, cond);
    ob_gen(b, ") ");
}

static void expr_stmt(lw *L, gt_node *n)
{
    if (!n->has_susp) {
        lower_pure(L, n);
        return;
    }
    unsigned end = full_end(L, n);
    ob b;
    ob_init(&b, L->ctx, n->start);
    ob_gen(&b, "{ ");
    gt_node *core = skip_wrappers_down(n);
    if (core->kind == CXCursor_CallExpr &&
        (core->call == CALL_SUSPEND || core->call == CALL_GOFUNC)) {
        suspend_call(L, core, &b, false);
    } else if (core->call == CALL_BLOCKING) {
        blocking_point(L, core, &b, false);
    } else {
        eval_for_effect(L, n, &b);
    }
    ob_gen(&b, "}");
    finish_stmt(L, n, &b, end);
}

static void if_stmt(lw *L, gt_node *n)
{
    gt_node *c = n->kids[0];
    if (!c->has_susp) {
        lower_pure(L, c);
        return;
    }
    unsigned end = full_end(L, n);
    ob b;
    open_cond_stmt(L, n, "if", c, &b);
    sub_stmt(L, &b, n->kids[1]);
    if (n->nkids > 2) {
        ob_gen(&b, " else ");
        sub_stmt(L, &b, n->kids[2]);
    }
    ob_gen(&b, " }");
    finish_stmt(L, n, &b, end);
}

static void while_stmt(lw *L, gt_node *n)
{
    gt_node *c = n->kids[0], *body = n->kids[1];
    if (!c->has_susp) {
        lower_pure(L, c);
        return;
    }
    unsigned end = full_end(L, n);
    ob b;
    ob_init(&b, L->ctx, n->start);
    ob_gen(&b, "for (;;) { ");
    lower_expr(L, c, &b);
    ob_gen(&b, "if (!(");
    src(&b, c);
    ob_gen(&b, ")) break; ");
    sub_stmt(L, &b, body);
    ob_gen(&b, " }");
    finish_stmt(L, n, &b, end);
}

static void do_stmt(lw *L, gt_node *n)
{
    gt_node *body = n->kids[0], *c = n->kids[1];
    if (!c->has_susp) {
        lower_pure(L, c);
        return;
    }
    unsigned end = full_end(L, n);
    ob b;
    ob_init(&b, L->ctx, n->start);
    ob_gen(&b, "for (;;) { ");
    sub_stmt(L, &b, body);
    if (n->cont_label)
        ob_gen(&b, " go__c%d: ;", n->cont_label);
    ob_gen(&b, " ");
    lower_expr(L, c, &b);
    ob_gen(&b, "if (!(");
    src(&b, c);
    ob_gen(&b, ")) break; }");
    finish_stmt(L, n, &b, end);
}

static void for_stmt(lw *L, gt_node *n)
{
    gt_node *init, *c, *inc, *body;
    for_roles(L->ctx, n, &init, &c, &inc, &body);
    bool loop_rewrite = (c && c->has_susp) || (inc && inc->has_susp);
    if (!loop_rewrite && !(init && init->has_susp)) {
        if (init && init->kind == CXCursor_DeclStmt)
            decl_stmt(L, init, true);
        else if (init)
            lower_pure(L, init);
        if (c)
            lower_pure(L, c);
        if (inc)
            lower_pure(L, inc);
        return;
    }
    if (n->nkids - 1 != (init != NULL) + (c != NULL) + (inc != NULL)) {
        fail(L, n->start, "cannot lower this for statement (its header comes from a macro)");
        return;
    }
    unsigned end = full_end(L, n);
    ob b;
    ob_init(&b, L->ctx, n->start);
    ob_gen(&b, "{ ");
    if (init && init->kind == CXCursor_DeclStmt) {
        lower_decl(L, init, &b, false);
    } else if (init) {
        eval_for_effect(L, init, &b);
    }
    if (!loop_rewrite) {
        ob_gen(&b, "for (; ");
        if (c) {
            lower_pure(L, c);
            src(&b, c);
        }
        ob_gen(&b, "; ");
        if (inc) {
            lower_pure(L, inc);
            src(&b, inc);
        }
        ob_gen(&b, ") ");
        sub_stmt(L, &b, body);
        ob_gen(&b, " }");
    } else {
        ob_gen(&b, "for (;;) { ");
        if (c) {
            lower_expr(L, c, &b);
            ob_gen(&b, "if (!(");
            src(&b, c);
            ob_gen(&b, ")) break; ");
        }
        sub_stmt(L, &b, body);
        if (n->cont_label)
            ob_gen(&b, " go__c%d: ;", n->cont_label);
        ob_gen(&b, " ");
        if (inc) {
            eval_for_effect(L, inc, &b);
        }
        ob_gen(&b, "} }");
    }
    finish_stmt(L, n, &b, end);
}

static void switch_stmt(lw *L, gt_node *n)
{
    gt_node *c = n->kids[0];
    if (!c->has_susp) {
        lower_pure(L, c);
        return;
    }
    unsigned end = full_end(L, n);
    ob b;
    open_cond_stmt(L, n, "switch", c, &b);
    sub_stmt(L, &b, n->kids[n->nkids - 1]);
    ob_gen(&b, " }");
    finish_stmt(L, n, &b, end);
}

static void return_stmt(lw *L, gt_node *n)
{
    unsigned end = full_end(L, n);
    if (strncmp(L->ctx->src.text + n->start, "return", 6) ||
        !range_rewritable(L->ctx, n->start, end)) {
        fail(L, n->start, "cannot lower a 'return' produced by a macro in a GO_FUNC; "
                          "write the return statement itself in the function");
        return;
    }
    ob b;
    ob_init(&b, L->ctx, n->start);
    ob_gen(&b, "{ ");
    if (n->nkids > 0) {
        gt_node *e = n->kids[0];
        lower_expr(L, e, &b);
        CXType rt = clang_getResultType(clang_getCursorType(L->f->def));
        char *dst = xprintf("%s->__ret", L->fr);
        if (type_is_void(rt))
            ob_gen(&b, "(void)(");
        else
            assign_open(L, &b, rt, dst, true);
        src(&b, e);
        if (type_is_void(rt))
            ob_gen(&b, ")");
        else
            assign_close(&b, rt, dst, true);
        ob_gen(&b, "; ");
        xfree(dst);
    }
    ob_gen(&b, "return GO_DONE; }");
    finish_stmt(L, n, &b, end);
}

/* The preemption check at the start of a loop's body (see frame.h).  A
 * spilling check stores its C locals into their frame slots before it
 * yields and loads them back when resumed; the stores may read a local not
 * yet assigned on some path (harmless: its value is not used), which gcc
 * would warn about, so they are bracketed by pragmas both compilers accept. */
static char *check_text(lw *L, gt_node *loop)
{
    int k = new_state(L, loop);
    L->f->nchecks++;
    strbuf store = { 0 }, load = { 0 };
    if (loop->nspills) {
        sb_put(&store, "_Pragma(\"GCC diagnostic push\") "
                       "_Pragma(\"GCC diagnostic ignored \\\"-Wpragmas\\\"\") "
                       "_Pragma(\"GCC diagnostic ignored \\\"-Wunknown-warning-option\\\"\") "
                       "_Pragma(\"GCC diagnostic ignored \\\"-Wmaybe-uninitialized\\\"\") "
                       "_Pragma(\"GCC diagnostic ignored \\\"-Wuninitialized\\\"\") ");
        for (int i = 0; i < loop->nspills; i++) {
            const gt_spill *sp = &loop->spills[i];
            sb_printf(&store, "%s->%s = %s; ", L->fr, sp->field->name, sp->local->name);
            sb_printf(&load, " %s = %s->%s;", sp->local->name, L->fr, sp->field->name);
        }
        sb_put(&store, "_Pragma(\"GCC diagnostic pop\") ");
    }
    char *t = xprintf(" if (go_preempt_requested()) { %s%s->hdr.state = %d; go_preempt__begin(); "
                      "return GO_SUSPEND; go__L%d:%s ; } ", store.s ? store.s : "", L->fr, k, k,
                      load.s ? load.s : "");
    xfree(sb_take(&store));
    xfree(sb_take(&load));
    return t;
}

static void loop_check(lw *L, gt_node *loop, gt_node *body)
{
    if (!loop->check || !range_rewritable(L->ctx, body->start, body->end))
        return;
    if (body->kind == CXCursor_CompoundStmt && loop->check->start == body->start + 1) {
        char *t = check_text(L, loop);
        edit_simple(L->ctx, body->start + 1, body->start + 1, t);
        xfree(t);
        return;
    }
    bool ok = true;
    unsigned end = stmt_full_end(L->ctx, body, &ok);
    if (!ok)
        return;                    /* a body whose ';' comes from a macro: no check */
    char *t = check_text(L, loop);
    ob b;
    ob_init(&b, L->ctx, body->start);
    ob_gen(&b, "{%s", t);
    ob_src_stmt(&b, body->start, end);
    ob_gen(&b, " }");
    edit_replace(L->ctx, body->start, end, ob_finish(&b, end));
    xfree(t);
}

static void lower_stmt(lw *L, gt_node *n)
{
    gt_node *saved = L->stmt;
    L->stmt = n;
    switch (n->kind) {
    case CXCursor_CompoundStmt:
        L->stmt = saved;
        for (int i = 0; i < n->nkids; i++)
            lower_stmt(L, n->kids[i]);
        break;
    case CXCursor_LabelStmt:
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        L->stmt = saved;
        for (int i = 0; i + 1 < n->nkids; i++)
            lower_pure(L, n->kids[i]);
        if (n->nkids)
            lower_stmt(L, n->kids[n->nkids - 1]);
        break;
    case CXCursor_IfStmt:
        for (int i = 1; i < n->nkids; i++)
            lower_stmt(L, n->kids[i]);
        if_stmt(L, n);
        break;
    case CXCursor_WhileStmt:
        lower_stmt(L, n->kids[1]);
        loop_check(L, n, n->kids[1]);
        while_stmt(L, n);
        break;
    case CXCursor_DoStmt:
        lower_stmt(L, n->kids[0]);
        loop_check(L, n, n->kids[0]);
        do_stmt(L, n);
        break;
    case CXCursor_ForStmt:
        if (n->nkids) {
            lower_stmt(L, n->kids[n->nkids - 1]);
            loop_check(L, n, n->kids[n->nkids - 1]);
        }
        for_stmt(L, n);
        break;
    case CXCursor_SwitchStmt:
        lower_stmt(L, n->kids[n->nkids - 1]);
        switch_stmt(L, n);
        break;
    case CXCursor_ReturnStmt:
        return_stmt(L, n);
        break;
    case CXCursor_DeclStmt:
        decl_stmt(L, n, false);
        break;
    case CXCursor_NullStmt:
    case CXCursor_GotoStmt:
    case CXCursor_BreakStmt:
    case CXCursor_ContinueStmt:
        break;
    default:
        if (clang_isExpression(n->kind)) {
            expr_stmt(L, n);
        } else if (n->has_susp) {
            fail(L, n->start, "cannot lower a suspension point inside this statement");
        } else {
            lower_pure(L, n);
        }
        break;
    }
    L->stmt = saved;
}

/* Every suspension point must have been lowered: one left as a plain call
 * would run the operation on a goroutine's thread outside its frame. */
static void check_lowered(lw *L, gt_node *n)
{
    if ((n->call == CALL_SUSPEND || n->call == CALL_GOFUNC || n->call == CALL_BLOCKING) &&
        !n->unevaluated && !n->lowered)
        fail(L, n->start, "cannot lower a suspension point in this position");
    for (int i = 0; i < n->nkids; i++)
        check_lowered(L, n->kids[i]);
}

bool lower_func(gt_ctx *ctx, gt_func *f)
{
    lw L = { .ctx = ctx, .f = f, .fr = f->fr, .ok = true,
             .callees = &f->callees, .ncallees = &f->ncallees, .capcallees = &f->capcallees };
    VEC_PUSH(f->lines, f->nstates, f->capstates, (int)src_line(&ctx->src, f->def_start));
    if (!f->nopreempt) {
        f->entry_check = new_state(&L, f->body);
        f->nchecks = 1;
    }
    leaf_refs(&L, f->body);
    moved_tag_edits(&L, f->body);
    continue_labels(&L, f->body);
    lower_stmt(&L, f->body);
    if (L.ok)
        check_lowered(&L, f->body);
    return L.ok;
}

bool lower_plain(gt_ctx *ctx, gt_node *root, gt_func ***callees, int *ncallees)
{
    int cap = 0;
    lw L = { .ctx = ctx, .f = NULL, .fr = "fr", .ok = true,
             .callees = callees, .ncallees = ncallees, .capcallees = &cap };
    lower_pure(&L, root);
    return L.ok;
}
