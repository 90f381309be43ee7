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

static char *build(CXType t, const char *inner, bool strip);

static char *with_inner(const char *base, const char *inner)
{
    return *inner ? xprintf("%s %s", base, inner) : xstrdup(base);
}

static char *build_base(CXType t, const char *inner, bool strip)
{
    if (decl_is_anonymous(t))
        return NULL;
    if (decl_is_local(t)) {
        CXType u = unwrap_sugar(t);
        if (u.kind != CXType_Typedef)
            return NULL;
        CXType c = clang_getCanonicalType(t);
        if (c.kind == CXType_Typedef)
            return NULL;
        return build(c, inner, strip);
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

static char *build(CXType t, const char *inner, bool strip)
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
        r = build(pt, in2, false);
        break;
    }
    case CXType_ConstantArray:
        in2 = xprintf("%s[%lld]", inner, clang_getArraySize(t));
        r = build(clang_getArrayElementType(t), in2, strip);
        break;
    case CXType_IncompleteArray:
        in2 = xprintf("%s[]", inner);
        r = build(clang_getArrayElementType(t), in2, strip);
        break;
    case CXType_VariableArray:
    case CXType_DependentSizedArray:
        return NULL;
    case CXType_FunctionProto: {
        strbuf b = { 0 };
        sb_printf(&b, "%s(", inner);
        int n = clang_getNumArgTypes(t);
        for (int i = 0; i < n; i++) {
            char *a = build(clang_getArgType(t, (unsigned)i), "", false);
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
        r = build(clang_getResultType(t), in2, false);
        break;
    }
    case CXType_FunctionNoProto:
        in2 = xprintf("%s()", inner);
        r = build(clang_getResultType(t), in2, false);
        break;
    case CXType_Unexposed:
    case CXType_Auto: {
        CXType c = clang_getCanonicalType(t);
        if (c.kind == t.kind)
            return NULL;
        return build(c, inner, strip);
    }
    case CXType_Elaborated:
    case CXType_Typedef: {
        /* A typedef of an array/function keeps its name; typeof() names a local. */
        char *sp = cx_string(clang_getTypeSpelling(t));
        bool is_typeof = strstr(sp, "typeof") != NULL;
        xfree(sp);
        if (is_typeof)
            return build(clang_getCanonicalType(t), inner, strip);
        return build_base(t, inner, strip);
    }
    default:
        return build_base(t, inner, strip);
    }
    xfree(in2);
    return r;
}

char *type_decl(gt_ctx *ctx, CXType t, const char *name, bool strip, bool param_adjust)
{
    (void)ctx;
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
            char *r = build(elem, in, false);
            xfree(in);
            return r;
        }
        if (c.kind == CXType_FunctionProto || c.kind == CXType_FunctionNoProto) {
            char *in = xprintf("(*%s)", name);
            char *r = build(t, in, false);
            xfree(in);
            return r;
        }
    }
    return build(t, name, strip);
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
