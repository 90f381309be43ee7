/* fuzz_transform.c — libFuzzer target over gotransform's whole pipeline.
 *
 * Each input is the text of a C file, handed to gt_transform() as an unsaved
 * file with the flags a user build passes (-I of this repository's include/,
 * so `#include <gosched.h>` resolves).  The property: gt_transform() returns
 * 0 with output or non-zero with diagnostics — it never crashes, hangs,
 * leaks or trips ASan/UBSan.  With GT_FUZZ_RECOMPILE=1 in the environment, an
 * input that transforms must also give output that libclang parses without
 * errors (abort otherwise), which catches "valid input, invalid output".
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

static const char *const flags[] = { "-I" GOSCHED_INCLUDE_DIR, "-std=gnu11" };
static FILE *sink;
static bool recompile;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    const char *r = getenv("GT_FUZZ_RECOMPILE");
    recompile = r && strcmp(r, "0") != 0;
    return 0;
}

/* The transformed text must parse: errors are printed and abort. */
static void check_output(const gt_result *res)
{
    CXIndex index = clang_createIndex(0, 1);
    struct CXUnsavedFile out = { "/fuzz/output.c", res->text, (unsigned long)res->len };
    CXTranslationUnit tu = NULL;
    clang_parseTranslationUnit2(index, out.Filename, flags, 2, &out, 1, CXTranslationUnit_None, &tu);
    bool bad = !tu;
    for (unsigned i = 0; tu && i < clang_getNumDiagnostics(tu); i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            CXString s = clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
            fprintf(stderr, "transformed output does not compile: %s\n", clang_getCString(s));
            clang_disposeString(s);
            bad = true;
        }
        clang_disposeDiagnostic(d);
    }
    if (tu)
        clang_disposeTranslationUnit(tu);
    clang_disposeIndex(index);
    if (bad) {
        fprintf(stderr, "---- output\n%.*s\n----\n", (int)res->len, res->text);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gt_request req = {
        .path = "/fuzz/input.c",
        .contents = (const char *)data,
        .contents_len = size,
        .flags = flags,
        .nflags = 2,
        .want_report = true,
    };
    gt_result res;
    if (gt_transform(&req, &res, sink) == 0 && recompile)
        check_output(&res);
    gt_result_free(&res);
    return 0;
}
