/* gotransform.h — the internal seam of gotransform (see docs/transform.md).
 *
 * Pipeline: parse (parse.c) → analyse each GO_FUNC (analyse.c: mirror tree,
 * locals, suspension points, what must live in the frame, rejections) →
 * lower statements and expressions into edits (lower.c) → emit frames,
 * resume functions and glue, apply the edits to the original text (emit.c,
 * edits.c).  diag.c prints clang-style errors.
 *
 * Invariants:
 *   - every offset is a byte offset into the main file's text (gt_ctx.src);
 *   - an edit replaces [start, end) of the original text; the text it puts
 *     there occupies exactly the lines [start, end) occupied (padding with
 *     newlines, or a #line directive when it needs more), so everything after
 *     it keeps its line number;
 *   - generated code never contains a newline except inside a block emitted
 *     with ob_block(), which is followed by a #line directive.
 */
#ifndef GOTRANSFORM_H
#define GOTRANSFORM_H

#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- public library entry (used by the CLI and by fuzz targets) -------- */

typedef struct gt_request {
    const char *path;              /* the input file */
    const char *contents;          /* NULL: read path; else its text (unsaved file) */
    size_t contents_len;
    const char *const *flags;      /* compiler flags (after `--`) */
    int nflags;
    const char *builddir;          /* compile_commands.json directory, or NULL */
    bool want_report;
} gt_request;

typedef struct gt_result {
    char *text;                    /* transformed C (NULL on error) */
    size_t len;
    char *report;                  /* --report text, or NULL */
    char **deps;                   /* the input and every file it includes */
    int ndeps;
} gt_result;

/* Transforms one translation unit.  Diagnostics go to `diag` (may be NULL).
 * Returns 0 on success, non-zero when the input has errors. */
int gt_transform(const gt_request *req, gt_result *res, FILE *diag);
void gt_result_free(gt_result *res);

/* ---- strings ------------------------------------------------------------ */

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

void sb_putn(strbuf *b, const char *s, size_t n);
void sb_put(strbuf *b, const char *s);
void sb_printf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_take(strbuf *b);          /* returns the string ("" if empty); b is reset */
char *xstrdup(const char *s);
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void xfree(void *p);
void arena_release(void);        /* frees every x*alloc block */
char *cx_string(CXString s);       /* copies and disposes */

#define VEC_PUSH(v, n, cap, x)                                                \
    do {                                                                      \
        if ((n) == (cap)) {                                                   \
            (cap) = (cap) ? 2 * (cap) : 8;                                    \
            (v) = xrealloc((v), (cap) * sizeof *(v));                         \
        }                                                                     \
        (v)[(n)++] = (x);                                                     \
    } while (0)

/* ---- source text ---------------------------------------------------------- */

typedef struct gt_source {
    const char *path;              /* as given (diagnostics) */
    char *abspath;                 /* for #line and go_func_info.file */
    char *line_path;               /* abspath escaped for a string literal */
    const char *text;
    unsigned size;
    unsigned *line_start;          /* line_start[i] = offset of line i+1 */
    unsigned nlines;
} gt_source;

unsigned src_line(const gt_source *s, unsigned off);   /* 1-based */
unsigned src_col(const gt_source *s, unsigned off);    /* 1-based */

/* ---- diagnostics ------------------------------------------------------------ */

typedef struct gt_diags {
    FILE *out;
    const gt_source *src;
    int errors;
} gt_diags;

void diag_error(gt_diags *d, unsigned off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A libclang diagnostic, printed as clang prints it; returns true for errors. */
bool diag_clang(gt_diags *d, CXDiagnostic cd);

/* ---- the mirror tree of a function body ------------------------------------- */

enum gt_call_kind {
    CALL_PLAIN,        /* an ordinary call */
    CALL_SUSPEND,      /* a GO_SUSPENDING runtime operation: a suspension point */
    CALL_GOFUNC,       /* a nested GO_FUNC call: a suspension point */
    CALL_SPAWN,        /* go(f(...)) */
    CALL_MAIN,         /* go_main(f(...)) */
    CALL_BLOCKING,     /* GO_BLOCKING(expr): the `,` node; a suspension point at its end */
};

typedef struct gt_node gt_node;
struct gt_node {
    CXCursor cur;
    enum CXCursorKind kind;
    unsigned start, end;           /* extent in the main file */
    gt_node *parent;
    gt_node **kids;
    int nkids, capkids, idx;
    /* analysis */
    bool unevaluated;              /* inside sizeof/_Alignof: no suspension, no code */
    bool has_susp;                 /* this subtree evaluates a suspension point */
    enum gt_call_kind call;        /* CallExpr only */
    struct gt_func *callee;        /* CALL_GOFUNC/SPAWN/MAIN */
    char *callee_name;             /* CALL_SUSPEND */
    const struct gt_macro *glue;   /* CALL_SPAWN/MAIN: the go()/go_main() invocation */
    struct gt_local *local;        /* VarDecl: its local; DeclRefExpr: the referenced local */
    struct gt_field *hoist;        /* CompoundLiteralExpr kept in the frame */
    int cont_label;                /* loop lowered to for(;;): its `continue` label */
    bool lowered;                  /* suspension point: its state and label were emitted */
    struct gt_node *check;         /* loop: its preemption check point (synthetic node) */
    struct gt_spill *spills;       /* loop whose check spills (see analyse.c): what it copies */
    int nspills;
    bool check_spills;             /* loop: the check keeps C locals (a loop that never suspends) */
};

/* ---- locals and frame fields --------------------------------------------- */

typedef struct gt_field {
    char *name;                    /* unique within the frame */
    char *type_decl;               /* declaration text "T name" */
    gt_node *scope;                /* scope owning the storage (NULL: whole function) */
    long long size, align;         /* for --report; -1 if unknown */
} gt_field;

/* A C local that a spilling preemption check copies into the frame before
 * it yields and back when the goroutine resumes. */
typedef struct gt_spill {
    struct gt_local *local;
    gt_field *field;
} gt_spill;

typedef struct gt_local {
    CXCursor decl;
    char *name;
    CXType type;
    gt_node *decl_node;            /* the VarDecl (NULL for parameters) */
    gt_node *scope;                /* CompoundStmt or ForStmt owning it (NULL: params) */
    bool is_param, is_static, addr_taken, hoisted, is_vla, has_cleanup;
    gt_field *field;               /* when hoisted or a parameter */
    gt_node **refs;                /* its evaluated references */
    int nrefs, caprefs;
} gt_local;

/* ---- GO_FUNCs ------------------------------------------------------------- */

typedef struct gt_func {
    char *name, *usr;
    CXCursor decl;                 /* the latest declaration seen (prototype source) */
    bool is_static;
    bool defined_here;             /* its definition is in the main file */
    bool defined_in_header;        /* defined in an included file: not rewritable */
    CXCursor def;
    unsigned def_start, def_end;   /* definition extent in the main file */
    int def_order;                 /* index among the main file's definitions */
    /* emission state (per TU) */
    bool head_emitted, info_declared, bind_emitted, main_emitted, frame_emitted;
    bool used_in_main;             /* some go_main(f(...)) needs f__main */
    /* analysis of its body (defined_here only) */
    gt_node *body;
    gt_local **locals;
    int nlocals, caplocals;
    gt_field **fields;
    int nfields, capfields;
    struct gt_func **inline_callees;   /* children embedded in the frame's union */
    int ninline, capinline;
    bool heap_children;
    int *lines;                    /* lines[k] = line of suspension point k */
    int nstates, capstates;
    int *spawn_lines;              /* line of each go(...) in its body: f__site<k> records */
    int nspawns, capspawns;
    char *fr;                      /* name of the frame pointer in the resume function */
    bool nopreempt;                /* GO_NOPREEMPT: no preemption checks at all */
    int entry_check;               /* state of the preemption check at entry */
    int nchecks;                   /* preemption checks (entry and loops) */
    int nunchecked;                /* loops left without a check (see analyse.c) */
    int ntemps, nconts;
    struct gt_func **callees;      /* GO_FUNCs it calls, spawns or runs (first use order) */
    int ncallees, capcallees;
    long long frame_size, frame_align;   /* computed layout, for --report */
} gt_func;

/* A struct/union declared inside a GO_FUNC, moved to file scope. */
typedef struct gt_moved_tag {
    CXCursor decl;
    char *name;                    /* "struct f__tag1"; NULL: cannot be moved */
    gt_func *owner;                /* emitted before this function's frame */
    unsigned start, end;           /* the definition in the main file */
} gt_moved_tag;

/* A macro invocation in the main file. */
typedef struct gt_macro {
    unsigned start, end;
    char *name;
} gt_macro;

/* ---- edits ----------------------------------------------------------------- */

typedef struct gt_edit {
    unsigned start, end;
    char *text;
    int seq;
} gt_edit;

typedef struct gt_ctx gt_ctx;

/* Output builder: generated text plus rendered source ranges, keeping track
 * of the source line the text stands on. */
typedef struct ob {
    strbuf sb;
    unsigned line;
    gt_ctx *ctx;
} ob;

void ob_init(ob *b, gt_ctx *ctx, unsigned off);
void ob_gen(ob *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ob_block(ob *b, const char *lines);       /* multi-line block + #line */
void ob_src(ob *b, unsigned a, unsigned z);    /* expression text: pads forward only */
void ob_src_stmt(ob *b, unsigned a, unsigned z);   /* statement text: exact line */
char *ob_finish(ob *b, unsigned end);          /* exact sync to line_of(end) */

/* Replaces [start, end) with text (from ob_finish).  Returns false (and
 * reports) on a conflicting edit. */
bool edit_add(gt_ctx *ctx, unsigned start, unsigned end, char *text);
/* Like edit_add, but first drops an edit of exactly [start, end): for a
 * text built by render()ing that range, which already contains it. */
bool edit_replace(gt_ctx *ctx, unsigned start, unsigned end, char *text);
/* Replaces [start, end) with one line of generated text (padded). */
bool edit_simple(gt_ctx *ctx, unsigned start, unsigned end, const char *text);
void render(gt_ctx *ctx, unsigned a, unsigned z, strbuf *out);

/* ---- the translation unit -------------------------------------------------- */

struct gt_ctx {
    CXTranslationUnit tu;
    CXFile main_file;
    gt_source src;
    gt_diags diags;
    /* pre-pass */
    char **suspend_usrs;
    int nsuspend, capsuspend;
    char **blocking_usrs;          /* annotate("go_blocking"): the GO_BLOCKING marker */
    int nblocking, capblocking;
    char **fn_names;               /* every function declared (for __begin twins) */
    int nfn_names, capfn_names;
    gt_func **funcs;
    int nfuncs, capfuncs;
    gt_macro *macros;
    int nmacros, capmacros;
    long long hdr_size, hdr_align; /* sizeof/_Alignof(go_frame) */
    long long ptr_size;            /* sizeof(void *) on the target */
    long long max_align;           /* _Alignof(max_align_t): what go_frame_alloc gives */
    /* local struct/union types moved to file scope */
    gt_moved_tag *moved;
    int nmoved, capmoved;
    gt_func *cur_func;             /* the GO_FUNC being analysed */
    bool tags_frozen;              /* no new moves once lowering started */
    /* edits */
    gt_edit *edits;
    int nedits, capedits, edit_seq;    /* sorted (edits.c) */
};

/* parse.c */
int parse_tu(gt_ctx *ctx, const gt_request *req, CXIndex index, char ***deps, int *ndeps);
bool usr_is_suspend(const gt_ctx *ctx, const char *usr);
bool usr_is_blocking(const gt_ctx *ctx, const char *usr);
gt_func *func_by_usr(const gt_ctx *ctx, const char *usr);
bool fn_name_declared(const gt_ctx *ctx, const char *name);

/* locations */
bool cursor_range(gt_ctx *ctx, CXCursor c, unsigned *start, unsigned *end);
unsigned cursor_offset(gt_ctx *ctx, CXCursor c);
const gt_macro *macro_at(const gt_ctx *ctx, unsigned start, unsigned end);
bool range_rewritable(const gt_ctx *ctx, unsigned start, unsigned end);
unsigned stmt_full_end(gt_ctx *ctx, gt_node *n, bool *ok);

/* analyse.c */
gt_node *tree_build(gt_ctx *ctx, CXCursor c);
gt_node *skip_wrappers_up(gt_node *n);
gt_node *skip_wrappers_down(gt_node *n);
char *op_token(gt_ctx *ctx, gt_node *n);     /* operator of a Binary/CompoundAssign/Unary/Conditional node */
bool analyse_func(gt_ctx *ctx, gt_func *f);
gt_node *analyse_plain(gt_ctx *ctx, CXCursor def, bool *ok);   /* non-GO_FUNC definitions/decls */
void for_roles(gt_ctx *ctx, gt_node *n, gt_node **init, gt_node **cond, gt_node **inc, gt_node **body);
gt_node *var_init(gt_node *vardecl);
bool is_scope_node(gt_node *n);

/* types.c */
char *type_decl(gt_ctx *ctx, CXType t, const char *name, bool strip_top_quals, bool param_adjust);
char *type_name(gt_ctx *ctx, CXType t, bool strip_top_quals);
const char *local_tag_name(gt_ctx *ctx, CXCursor decl);
bool type_is_vla(CXType t);
bool type_has_const_member(CXType t);
bool type_is_local_typedef(CXType t);
bool type_is_array(CXType t);
bool type_is_record(CXType t);
bool type_is_void(CXType t);
bool type_is_scalar_result(CXType t);

/* lower.c */
bool lower_func(gt_ctx *ctx, gt_func *f);
bool lower_plain(gt_ctx *ctx, gt_node *root, gt_func ***callees, int *ncallees);
/* A new frame field named after base (unique in the frame), declared by
 * type_decl_text with '@' standing for the name. */
gt_field *frame_field(gt_func *f, const char *base, CXType t, const char *type_decl_text, gt_node *scope);
/* Reports (at off) a field that needs more alignment than frames have. */
bool field_align_ok(gt_ctx *ctx, const gt_field *fd, unsigned off, const char *what);

/* emit.c */
void emit_func(gt_ctx *ctx, gt_func *f, strbuf *report);
void emit_plain(gt_ctx *ctx, unsigned start, gt_func **callees, int ncallees);
void emit_prototype_removal(gt_ctx *ctx, CXCursor proto);
char *emit_output(gt_ctx *ctx, size_t *len);

#endif
