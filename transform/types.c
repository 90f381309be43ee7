/* types.c — C declarators built from libclang types.
 *
 * Source text cannot be copied for declarations (in `int a, *b` the extent of
 * b is just `b`), so frame fields, temporaries and casts are spelled from the
 * CXType: pointers, arrays and function types are built recursively around
 * the name; everything else (builtins, typedef names, tags, _Atomic) is the
 * type's own spelling.  Typedef names are kept.  A type that cannot be named
 * at file scope (a struct declared inside the function, an anonymous tag, a
 * variable-length array) yields NULL: the caller reports it.
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

static CXType unwrap_sugar(CXType t)
{
    if (t.kind == CXType_Elaborated)
        return clang_Type_getNamedType(t);
    return t;
}

/* Declared inside a function (local typedef or tag)? */
static bool decl_is_local(CXType t)
{
    CXCursor d = clang_getTypeDeclaration(unwrap_sugar(t));
    if (clang_Cursor_isNull(d))
        return false;
    CXCursor p = clang_getCursorSemanticParent(d);
    enum CXCursorKind k = clang_getCursorKind(p);
    return k == CXCursor_FunctionDecl;
}

static bool decl_is_anonymous(CXType t)
{
    CXType u = unwrap_sugar(t);
    if (u.kind != CXType_Record && u.kind != CXType_Enum)
        return false;
    CXCursor d = clang_getTypeDeclaration(u);
    if (clang_Cursor_isNull(d))
        return false;
    return clang_Cursor_isAnonymous(d);
}

static char *quals(CXType t)
{
    strbuf b = { 0 };
    if (clang_isConstQualifiedType(t))
        sb_put(&b, " const");
    if (clang_isVolatileQualifiedType(t))
        sb_put(&b, " volatile");
    if (clang_isRestrictQualifiedType(t))
        sb_put(&b, " restrict");
    return sb_take(&b);
}

static bool is_array_or_fn(CXType t)
{
    switch (t.kind) {
    case CXType_ConstantArray:
    case CXType_IncompleteArray:
    case CXType_VariableArray:
    case CXType_DependentSizedArray:
    case CXType_FunctionProto:
    case CXType_FunctionNoProto:
        return true;
    case CXType_Unexposed:
    case CXType_Elaborated: {
        CXType c = clang_getCanonicalType(t);
        return c.kind != t.kind && is_array_or_fn(c);
    }
    default:
        return false;
    }
}

static char *build(gt_ctx *ctx, CXType t, const char *inner, bool strip);

/* ---- struct/union types declared inside a GO_FUNC ---------------------------
 * A frame field of such a type needs the type at file scope: its definition
 * is moved there under a new tag (f__tag1, f__anon2; see emit.c and
 * lower.c), if all its members can be named there too.  Registration
 * happens while the frame is laid out (analysis); afterwards only known
 * tags are named. */

static enum CXVisitorResult field_nameable(CXCursor field, CXClientData data)
{
    void **d = data;
    char *t = type_decl(d[0], clang_getCursorType(field), "m", false, false);
    if (!t) {
        *(bool *)d[1] = false;
        return CXVisit_Break;
    }
    xfree(t);
    return CXVisit_Continue;
}

/* A name used in the definition that only exists inside the function
 * (a local enum constant in an array size, a local variable in typeof)? */
static enum CXChildVisitResult names_local(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor r = clang_getCursorReferenced(c);
        for (CXCursor p = clang_getCursorSemanticParent(r); !clang_Cursor_isNull(p) &&
                                                            !clang_isTranslationUnit(clang_getCursorKind(p));
             p = clang_getCursorSemanticParent(p))
            if (clang_getCursorKind(p) == CXCursor_FunctionDecl) {
                *(bool *)data = true;
                return CXChildVisit_Break;
            }
    }
    return CXChildVisit_Recurse;
}

const char *local_tag_name(gt_ctx *ctx, CXCursor decl)
{
    for (int i = 0; i < ctx->nmoved; i++)
        if (clang_equalCursors(ctx->moved[i].decl, decl))
            return ctx->moved[i].name;
    if (ctx->tags_frozen || !ctx->cur_func)
        return NULL;
    enum CXCursorKind k = clang_getCursorKind(decl);
    unsigned s, e;
    if ((k != CXCursor_StructDecl && k != CXCursor_UnionDecl) || !clang_isCursorDefinition(decl) ||
        !cursor_range(ctx, decl, &s, &e) || !range_rewritable(ctx, s, e))
        return NULL;
    /* anonymous when '{' follows the keyword (libclang 16+ would spell an
     * anonymous struct by its typedef name) */
    const char *t = ctx->src.text;
    unsigned k2 = s;
    while (k2 < e && t[k2] != ' ' && t[k2] != '\t' && t[k2] != '\n' && t[k2] != '{')
        k2++;
    while (k2 < e && (t[k2] == ' ' || t[k2] == '\t' || t[k2] == '\n' || t[k2] == '\r'))
        k2++;
    bool anonymous = k2 >= e || t[k2] == '{';
    char *tag = cx_string(clang_getCursorSpelling(decl));
    gt_moved_tag m = { decl, NULL, ctx->cur_func, s, e };
    m.name = xprintf("%s %s__%s%d", k == CXCursor_StructDecl ? "struct" : "union",
                     ctx->cur_func->name, anonymous || !*tag ? "anon" : tag, ctx->nmoved + 1);
    xfree(tag);
    VEC_PUSH(ctx->moved, ctx->nmoved, ctx->capmoved, m);   /* before the members: self-reference */
    int idx = ctx->nmoved - 1;
    bool ok = true, local = false;
    void *d[2] = { ctx, &ok };
    clang_Type_visitFields(clang_getCursorType(decl), field_nameable, d);
    clang_visitChildren(decl, names_local, &local);
    ok &= !local;
    if (!ok) {
        ctx->moved[idx].name = NULL;
        return NULL;
    }
    return ctx->moved[idx].name;
}

static char *with_inner(const char *base, const char *inner)
{
    return *inner ? xprintf("%s %s", base, inner) : xstrdup(base);
}

static char *build_base(gt_ctx *ctx, CXType t, const char *inner, bool strip)
{
    if (decl_is_anonymous(t) && !decl_is_local(t))
        return NULL;
    if (decl_is_local(t)) {
        CXType u = unwrap_sugar(t);
        if (u.kind == CXType_Record) {         /* moved to file scope, or NULL */
            const char *tag = local_tag_name(ctx, clang_getTypeDeclaration(u));
            if (!tag)
                return NULL;
            char *base = xprintf("%s%s", !strip && clang_isConstQualifiedType(t) ? "const " : "",
                                 tag);
            char *r = with_inner(base, inner);
            xfree(base);
            return r;
        }
        if (u.kind == CXType_Enum)             /* its integer type: values convert */
            return build(ctx, clang_getEnumDeclIntegerType(clang_getTypeDeclaration(u)), inner,
                         strip);
        if (u.kind != CXType_Typedef)
            return NULL;
        CXType c = clang_getCanonicalType(t);
        if (c.kind == CXType_Typedef)
            return NULL;
        return build(ctx, c, inner, strip);
    }
    char *sp = cx_string(clang_getTypeSpelling(t));
    if (strstr(sp, "(unnamed") || strstr(sp, "(anonymous")) {
        xfree(sp);
        return NULL;
    }
    char *base = sp;
    if (strip) {
        for (;;) {
            if (!strncmp(base, "const ", 6))
                base += 6;
            else if (!strncmp(base, "restrict ", 9))
                base += 9;
            else
                break;
        }
    }
    char *r = with_inner(base, inner);
    xfree(sp);
    return r;
}

static char *build(gt_ctx *ctx, CXType t, const char *inner, bool strip)
{
    char *r = NULL, *in2 = NULL;
    switch (t.kind) {
    case CXType_Pointer:
    case CXType_BlockPointer: {
        char *q = strip ? xstrdup("") : quals(t);
        CXType pt = clang_getPointeeType(t);
        in2 = *q && *inner ? xprintf("*%s %s", q + 1, inner) : *q ? xprintf("*%s", q + 1)
                                                                 : xprintf("*%s", inner);
        xfree(q);
        if (is_array_or_fn(pt)) {
            char *p = xprintf("(%s)", in2);
            xfree(in2);
            in2 = p;
        }
        r = build(ctx, pt, in2, false);
        break;
    }
    case CXType_ConstantArray:
        in2 = xprintf("%s[%lld]", inner, clang_getArraySize(t));
        r = build(ctx, clang_getArrayElementType(t), in2, strip);
        break;
    case CXType_IncompleteArray:
        in2 = xprintf("%s[]", inner);
        r = build(ctx, clang_getArrayElementType(t), in2, strip);
        break;
    case CXType_VariableArray:
    case CXType_DependentSizedArray:
        return NULL;
    case CXType_FunctionProto: {
        strbuf b = { 0 };
        sb_printf(&b, "%s(", inner);
        int n = clang_getNumArgTypes(t);
        for (int i = 0; i < n; i++) {
            char *a = build(ctx, clang_getArgType(t, (unsigned)i), "", false);
            if (!a) {
                xfree(sb_take(&b));
                return NULL;
            }
            sb_printf(&b, "%s%s", i ? ", " : "", a);
            xfree(a);
        }
        if (clang_isFunctionTypeVariadic(t))
            sb_put(&b, n ? ", ..." : "...");
        else if (n == 0)
            sb_put(&b, "void");
        sb_put(&b, ")");
        in2 = sb_take(&b);
        r = build(ctx, clang_getResultType(t), in2, false);
        break;
    }
    case CXType_FunctionNoProto:
        in2 = xprintf("%s()", inner);
        r = build(ctx, clang_getResultType(t), in2, false);
        break;
    case CXType_Unexposed:
    case CXType_Auto: {
        CXType c = clang_getCanonicalType(t);
        if (c.kind == t.kind)
            return NULL;
        return build(ctx, c, inner, strip);
    }
    case CXType_Elaborated:
    case CXType_Typedef: {
        /* A typedef of an array/function keeps its name; typeof() names a local. */
        char *sp = cx_string(clang_getTypeSpelling(t));
        bool is_typeof = strstr(sp, "typeof") != NULL;
        xfree(sp);
        if (is_typeof)
            return build(ctx, clang_getCanonicalType(t), inner, strip);
        return build_base(ctx, t, inner, strip);
    }
    default:
        return build_base(ctx, t, inner, strip);
    }
    xfree(in2);
    return r;
}

char *type_decl(gt_ctx *ctx, CXType t, const char *name, bool strip, bool param_adjust)
{
    if (param_adjust) {
        CXType c = clang_getCanonicalType(t);
        if (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray ||
            c.kind == CXType_VariableArray || c.kind == CXType_DependentSizedArray) {
            CXType elem = t.kind == c.kind ? clang_getArrayElementType(t)
                                           : clang_getArrayElementType(c);
            char *in = xprintf("*%s", name);
            if (is_array_or_fn(elem)) {
                char *p = xprintf("(%s)", in);
                xfree(in);
                in = p;
            }
            char *r = build(ctx, elem, in, false);
            xfree(in);
            return r;
        }
        if (c.kind == CXType_FunctionProto || c.kind == CXType_FunctionNoProto) {
            char *in = xprintf("(*%s)", name);
            char *r = build(ctx, t, in, false);
            xfree(in);
            return r;
        }
    }
    return build(ctx, t, name, strip);
}

char *type_name(gt_ctx *ctx, CXType t, bool strip) { return type_decl(ctx, t, "", strip, false); }

/* A typedef declared inside the function (frame fields use its canonical type). */
bool type_is_local_typedef(CXType t)
{
    CXType u = unwrap_sugar(t);
    return u.kind == CXType_Typedef && decl_is_local(t);
}

static enum CXVisitorResult const_field_visit(CXCursor field, CXClientData data)
{
    if (type_has_const_member(clang_getCursorType(field))) {
        *(bool *)data = true;
        return CXVisit_Break;
    }
    return CXVisit_Continue;
}

/* A const-qualified type, or a struct/union (or array of them) with a const
 * member at any depth: C only lets such an object be initialised, not assigned. */
bool type_has_const_member(CXType t)
{
    if (clang_isConstQualifiedType(t))
        return true;
    CXType c = clang_getCanonicalType(t);
    while (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray) {
        c = clang_getCanonicalType(clang_getArrayElementType(c));
        if (clang_isConstQualifiedType(c))
            return true;
    }
    if (c.kind != CXType_Record)
        return false;
    bool found = false;
    clang_Type_visitFields(c, const_field_visit, &found);
    return found;
}

bool type_is_vla(CXType t)
{
    for (;;) {
        CXType c = clang_getCanonicalType(t);
        if (c.kind == CXType_VariableArray || c.kind == CXType_DependentSizedArray)
            return true;
        if (c.kind != CXType_ConstantArray && c.kind != CXType_IncompleteArray)
            return false;
        t = clang_getArrayElementType(c);
    }
}

bool type_is_array(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    return c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray ||
           c.kind == CXType_VariableArray || c.kind == CXType_DependentSizedArray;
}

bool type_is_record(CXType t) { return clang_getCanonicalType(t).kind == CXType_Record; }

bool type_is_void(CXType t) { return clang_getCanonicalType(t).kind == CXType_Void; }

/* Results an operation can pass through go__result() (an intptr_t). */
bool type_is_scalar_result(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    return (c.kind >= CXType_Bool && c.kind <= CXType_Int128) || c.kind == CXType_Pointer ||
           c.kind == CXType_Enum || c.kind == CXType_Void;
}
