/* emit.c — what each GO_FUNC becomes, and the final text.
 *
 * For a GO_FUNC `R f(P...)` defined in this file, a block inserted before its
 * definition (then `#line` back to the user's line):
 *     struct f__frame { go_frame hdr; R __ret; P...; <locals and temporaries>;
 *                       union { <inline child frames>; go_frame *go__heap; } __callee; };
 *     static int f__resume(go_frame *);  static const int f__lines[];  f__info
 * Locals of disjoint scopes (sibling blocks, different statements' temporaries)
 * share storage through anonymous unions, so every field is still FR->name.
 * The definition itself becomes `static int f__resume(go_frame *go__self)`
 * with a switch+goto dispatch on hdr.state.
 *
 * For every GO_FUNC g used before its frame is known (recursion, defined
 * later, or in another file) the block first declares, from g's prototype:
 *     struct g__head { go_frame hdr; R __ret; P...; };   (the frame's prefix)
 *     extern (or static) const go_func_info g__info;
 * and, once per file, the helpers the lowering calls:
 *     go_frame *g__bind(void *mem, P...)   stores the arguments, returns &hdr
 *     int g__main(go_frame *)             go_run_main with &frame->__ret
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

/* ---- layout (for --report) -------------------------------------------------------- */

typedef struct lay {
    long long off, align;
    bool unknown;
} lay;

static void lay_add(lay *l, long long size, long long align)
{
    if (size < 0 || align <= 0) {
        l->unknown = true;
        return;
    }
    l->off = (l->off + align - 1) / align * align + size;
    if (align > l->align)
        l->align = align;
}

static long long lay_size(const lay *l)
{
    long long a = l->align > 0 ? l->align : 1;
    return (l->off + a - 1) / a * a;
}

/* ---- the frame struct --------------------------------------------------------------- */

typedef struct grp grp;
struct grp {
    gt_node *scope;
    gt_field **fields;
    int n, cap;
    grp **kids;
    int nk, capk;
};

static grp *grp_find(grp **all, int n, gt_node *scope)
{
    for (int i = 0; i < n; i++)
        if (all[i]->scope == scope)
            return all[i];
    return NULL;
}

/* Emits group g's members; returns its layout (size, align) in *out. */
static void emit_grp(strbuf *b, grp *g, int indent, lay *out)
{
    for (int i = 0; i < g->n; i++) {
        sb_printf(b, "%*s%s;\n", indent, "", g->fields[i]->type_decl);
        lay_add(out, g->fields[i]->size, g->fields[i]->align);
    }
    if (g->nk == 0)
        return;
    lay u = { 0, 1, false };
    long long usize = 0;
    bool as_union = g->nk > 1;
    if (as_union)
        sb_printf(b, "%*sunion {\n", indent, "");
    int in = as_union ? indent + 4 : indent;
    for (int i = 0; i < g->nk; i++) {
        lay s = { 0, 1, false };
        sb_printf(b, "%*sstruct {\n", in, "");
        emit_grp(b, g->kids[i], in + 4, &s);
        sb_printf(b, "%*s};\n", in, "");
        if (s.unknown)
            u.unknown = true;
        if (lay_size(&s) > usize)
            usize = lay_size(&s);
        if (s.align > u.align)
            u.align = s.align;
    }
    if (as_union)
        sb_printf(b, "%*s};\n", indent, "");
    if (u.unknown)
        out->unknown = true;
    lay_add(out, (usize + u.align - 1) / u.align * u.align, u.align);
}

static void emit_frame_struct(gt_ctx *ctx, gt_func *f, strbuf *b)
{
    grp **all = NULL;
    int n = 0, cap = 0;
    grp *root = xcalloc(1, sizeof *root);
    VEC_PUSH(all, n, cap, root);
    for (int i = 0; i < f->nfields; i++) {
        gt_field *fd = f->fields[i];
        grp *g = grp_find(all, n, fd->scope);
        if (!g) {
            g = xcalloc(1, sizeof *g);
            g->scope = fd->scope;
            VEC_PUSH(all, n, cap, g);
        }
        VEC_PUSH(g->fields, g->n, g->cap, fd);
    }
    for (int i = 1; i < n; i++) {         /* attach each group to its nearest enclosing one */
        grp *parent = root;
        for (gt_node *p = all[i]->scope->parent; p; p = p->parent) {
            grp *g = grp_find(all, n, p);
            if (g) {
                parent = g;
                break;
            }
        }
        VEC_PUSH(parent->kids, parent->nk, parent->capk, all[i]);
    }
    lay l = { 0, 1, false };
    sb_printf(b, "struct %s__frame {\n    go_frame hdr;\n", f->name);
    lay_add(&l, ctx->hdr_size > 0 ? ctx->hdr_size : 24, ctx->hdr_align > 0 ? ctx->hdr_align : 8);
    CXType rt = clang_getResultType(clang_getCursorType(f->def));
    if (!type_is_void(rt)) {
        char *d = type_decl(ctx, rt, "__ret", true, false);
        sb_printf(b, "    %s;\n", d ? d : "int __ret");
        xfree(d);
        lay_add(&l, clang_Type_getSizeOf(rt), clang_Type_getAlignOf(rt));
    }
    emit_grp(b, root, 4, &l);
    if (f->ninline || f->heap_children) {
        lay u = { 0, 1, false };
        long long usize = 0;
        sb_put(b, "    union {\n");
        for (int i = 0; i < f->ninline; i++) {
            gt_func *g = f->inline_callees[i];
            sb_printf(b, "        struct %s__frame %s;\n", g->name, g->name);
            if (g->frame_size > usize)
                usize = g->frame_size;
            if (g->frame_align > u.align)
                u.align = g->frame_align;
            if (g->frame_size < 0)
                u.unknown = true;
        }
        if (f->heap_children) {
            sb_put(b, "        go_frame *go__heap;\n");
            if (usize < 8)
                usize = 8;
            if (u.align < 8)
                u.align = 8;
        }
        sb_put(b, "    } __callee;\n");
        lay_add(&l, u.unknown ? -1 : usize, u.align);
    }
    sb_put(b, "};\n");
    f->frame_size = l.unknown ? -1 : lay_size(&l);
    f->frame_align = l.align;
    for (int i = 0; i < n; i++) {
        xfree(all[i]->fields);
        xfree(all[i]->kids);
        xfree(all[i]);
    }
    xfree(all);
}

/* ---- declarations of callees ----------------------------------------------------------- */

static void emit_callee_decls(gt_ctx *ctx, gt_func *g, strbuf *b)
{
    CXType ft = clang_getCursorType(g->decl);
    CXType rt = clang_getResultType(ft);
    int np = clang_getNumArgTypes(ft);
    if (!g->frame_emitted && !g->head_emitted) {
        sb_printf(b, "struct %s__head {\n    go_frame hdr;\n", g->name);
        if (!type_is_void(rt)) {
            char *d = type_decl(ctx, rt, "__ret", true, false);
            sb_printf(b, "    %s;\n", d ? d : "int __ret");
            xfree(d);
        }
        for (int i = 0; i < np; i++) {
            char *nm = xprintf("go__a%d", i);
            char *d = type_decl(ctx, clang_getArgType(ft, (unsigned)i), nm, true, true);
            sb_printf(b, "    %s;\n", d ? d : "int ?");
            xfree(d);
            xfree(nm);
        }
        sb_put(b, "};\n");
        g->head_emitted = true;
    }
    if (!g->info_declared) {
        sb_printf(b, "%s const go_func_info %s__info;\n", g->is_static ? "static" : "extern",
                  g->name);
        g->info_declared = true;
    }
    const char *s = g->frame_emitted ? "frame" : "head";
    if (!g->bind_emitted) {
        sb_printf(b, "static inline go_frame *%s__bind(void *go__mem", g->name);
        for (int i = 0; i < np; i++) {
            char *nm = xprintf("go__a%d", i);
            char *d = type_decl(ctx, clang_getArgType(ft, (unsigned)i), nm, true, true);
            sb_printf(b, ", %s", d ? d : "int ?");
            xfree(d);
            xfree(nm);
        }
        sb_printf(b, ") { struct %s__%s *go__c = go__mem;", g->name, s);
        for (int i = 0; i < np; i++) {
            const char *field = NULL;
            char *tmp = NULL;
            if (g->frame_emitted) {
                int k = 0;
                for (int j = 0; j < g->nlocals; j++)
                    if (g->locals[j]->is_param && k++ == i)
                        field = g->locals[j]->field->name;
            }
            if (!field)
                field = tmp = xprintf("go__a%d", i);
            CXType at = clang_getArgType(ft, (unsigned)i);
            if (type_is_record(at) && type_has_const_member(clang_getCanonicalType(at)))
                sb_printf(b, " __builtin_memcpy(&go__c->%s, &go__a%d, sizeof go__a%d);", field, i, i);
            else
                sb_printf(b, " go__c->%s = go__a%d;", field, i);
            xfree(tmp);
        }
        sb_put(b, " return &go__c->hdr; }\n");
        g->bind_emitted = true;
    }
    if (g->used_in_main && !g->main_emitted) {
        sb_printf(b, "static inline int %s__main(go_frame *go__f) { return go_run_main(go__f, "
                     "&((struct %s__%s *)go__f)->__ret); }\n", g->name, g->name, s);
        g->main_emitted = true;
    }
}

/* ---- struct/union types moved out of a GO_FUNC (types.c) -------------------- */

struct moved_walk {
    gt_ctx *ctx;
    bool *done;
    strbuf *b;
};

static void emit_moved_tag(gt_ctx *ctx, int i, bool *done, strbuf *b);

/* Members held by value must be complete first. */
static enum CXVisitorResult moved_member(CXCursor field, CXClientData data)
{
    struct moved_walk *w = data;
    CXType t = clang_getCanonicalType(clang_getCursorType(field));
    while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
        t = clang_getCanonicalType(clang_getArrayElementType(t));
    if (t.kind != CXType_Record)
        return CXVisit_Continue;
    CXCursor d = clang_getTypeDeclaration(t);
    for (int k = 0; k < w->ctx->nmoved; k++)
        if (w->ctx->moved[k].name && clang_equalCursors(w->ctx->moved[k].decl, d))
            emit_moved_tag(w->ctx, k, w->done, w->b);
    return CXVisit_Continue;
}

static void emit_moved_tag(gt_ctx *ctx, int i, bool *done, strbuf *b)
{
    if (done[i])
        return;
    done[i] = true;
    gt_moved_tag *m = &ctx->moved[i];
    struct moved_walk w = { ctx, done, b };
    clang_Type_visitFields(clang_getCursorType(m->decl), moved_member, &w);
    unsigned brace = m->start;
    while (brace < m->end && ctx->src.text[brace] != '{')
        brace++;
    sb_printf(b, "%s ", m->name);
    render(ctx, brace, m->end, b);
    sb_put(b, ";\n");
}

/* ---- GO_FUNC definitions --------------------------------------------------------------- */

void emit_func(gt_ctx *ctx, gt_func *f, strbuf *report)
{
    strbuf blk = { 0 };
    const char *FR = f->fr;
    bool *done = xcalloc((size_t)ctx->nmoved + 1, sizeof *done);
    for (int i = 0; i < ctx->nmoved; i++)
        if (ctx->moved[i].owner == f && ctx->moved[i].name)
            emit_moved_tag(ctx, i, done, &blk);
    xfree(done);
    emit_frame_struct(ctx, f, &blk);
    f->frame_emitted = true;
    sb_printf(&blk, "static int %s__resume(go_frame *go__self);\n", f->name);
    sb_printf(&blk, "static const int %s__lines[] = {", f->name);
    for (int i = 0; i < f->nstates; i++)
        sb_printf(&blk, "%s%d", i ? ", " : " ", f->lines[i]);
    sb_put(&blk, " };\n");
    sb_printf(&blk, "%sconst go_func_info %s__info = { .resume = %s__resume, .name = \"%s\", "
                    ".file = \"%s\", .lines = %s__lines, .nstates = %d, "
                    ".frame_size = sizeof(struct %s__frame) };\n",
              f->is_static ? "static " : "", f->name, f->name, f->name, ctx->src.line_path,
              f->name, f->nstates, f->name);
    f->info_declared = true;
    for (int k = 0; k < f->nspawns; k++)
        sb_printf(&blk, "static const go_spawn_site %s__site%d = { \"%s\", \"%s\", %d };\n", f->name,
                  k, f->name, ctx->src.line_path, f->spawn_lines[k]);
    for (int i = 0; i < f->ncallees; i++)
        emit_callee_decls(ctx, f->callees[i], &blk);

    ob b;
    ob_init(&b, ctx, f->def_start);
    ob_block(&b, blk.s);
    xfree(sb_take(&blk));
    ob_gen(&b, "static int %s__resume(go_frame *go__self) { struct %s__frame *%s = (struct %s__frame *)go__self; switch (%s->hdr.state) {",
           f->name, f->name, FR, f->name, FR);
    for (int k = 1; k < f->nstates; k++)
        ob_gen(&b, " case %d: goto go__L%d;", k, k);
    ob_gen(&b, " default: break; }");
    if (!f->nopreempt)
        ob_gen(&b, " if (go_preempt_requested()) { %s->hdr.state = %d; go_preempt__begin(); "
                   "return GO_SUSPEND; go__L%d: ; }",
               FR, f->entry_check, f->entry_check);
    ob_src_stmt(&b, f->body->start + 1, f->body->end - 1);
    ob_gen(&b, " return GO_DONE; }");
    edit_add(ctx, f->def_start, f->def_end, ob_finish(&b, f->def_end));

    if (report) {
        sb_printf(report, "%s: frame ", f->name);
        if (f->frame_size >= 0)
            sb_printf(report, "%lld bytes", f->frame_size);
        else
            sb_put(report, "of unknown size");
        int npoints = f->nstates - 1 - f->nchecks;
        sb_printf(report, ", %d suspension point%s, %d preemption check%s", npoints,
                  npoints == 1 ? "" : "s", f->nchecks, f->nchecks == 1 ? "" : "s");
        if (f->nopreempt)
            sb_put(report, " (GO_NOPREEMPT)");
        if (f->nunchecked)
            sb_printf(report, ", %d loop%s without a check (a VLA, cleanup variable, alloca or "
                      "shadowed local in scope, or inside a statement expression)",
                      f->nunchecked, f->nunchecked == 1 ? "" : "s");
        if (f->heap_children)
            sb_put(report, ", child frames from the heap (recursion or callee size unknown here)");
        else if (f->ninline)
            sb_put(report, ", child frames inline");
        sb_put(report, "\n");
    }
}

void emit_plain(gt_ctx *ctx, unsigned start, gt_func **callees, int ncallees)
{
    strbuf blk = { 0 };
    for (int i = 0; i < ncallees; i++)
        emit_callee_decls(ctx, callees[i], &blk);
    if (!blk.len)
        return;
    ob b;
    ob_init(&b, ctx, start);
    ob_block(&b, blk.s);
    xfree(sb_take(&blk));
    edit_add(ctx, start, start, ob_finish(&b, start));
}

/* A prototype of a static GO_FUNC: f itself no longer exists after lowering. */
void emit_prototype_removal(gt_ctx *ctx, CXCursor proto)
{
    gt_node n = { .kind = CXCursor_FunctionDecl };
    if (!cursor_range(ctx, proto, &n.start, &n.end))
        return;
    bool ok = true;
    unsigned end = stmt_full_end(ctx, &n, &ok);
    if (ok && range_rewritable(ctx, n.start, end))
        edit_simple(ctx, n.start, end, "");
}

char *emit_output(gt_ctx *ctx, size_t *len)
{
    strbuf out = { 0 };
    sb_printf(&out, "#line 1 \"%s\"\n", ctx->src.line_path);
    render(ctx, 0, ctx->src.size, &out);
    *len = out.len;
    return sb_take(&out);
}
