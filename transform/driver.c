/* driver.c — the gotransform command line.
 *
 *   gotransform in.c -o out.c [-p builddir] [--report] [-MD -MF out.d [-MT target]]
 *               [-- compiler flags]
 *
 * Writes out.c only when the input transformed without error (then out.d, if
 * asked); on error prints clang-style diagnostics and exits 1 (2 for usage).
 */
#include "gotransform.h"

#include <stdlib.h>
#include <string.h>

static int usage(const char *msg)
{
    if (msg)
        fprintf(stderr, "gotransform: error: %s\n", msg);
    fputs("usage: gotransform in.c -o out.c [-p builddir] [--report] [-MD -MF out.d [-MT target]]\n"
          "                   [-- compiler flags]\n",
          stderr);
    return 2;
}

static void put_dep_path(FILE *f, const char *p)
{
    for (; *p; p++) {
        if (*p == ' ' || *p == '#')
            fputc('\\', f);
        if (*p == '$')
            fputc('$', f);
        fputc(*p, f);
    }
}

static bool write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(text, 1, len, f) == len;
    ok &= fclose(f) == 0;
    return ok;
}

int main(int argc, char **argv)
{
    gt_request req = { 0 };
    const char *out = NULL, *depfile = NULL, *deptarget = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            req.flags = (const char *const *)argv + i + 1;
            req.nflags = argc - i - 1;
            break;
        } else if (!strcmp(a, "-o") && i + 1 < argc) {
            out = argv[++i];
        } else if (!strcmp(a, "-p") && i + 1 < argc) {
            req.builddir = argv[++i];
        } else if (!strcmp(a, "-MF") && i + 1 < argc) {
            depfile = argv[++i];
        } else if (!strcmp(a, "-MT") && i + 1 < argc) {
            deptarget = argv[++i];
        } else if (!strcmp(a, "-MD")) {
            /* -MF says where; -MD alone is accepted for symmetry with compilers */
        } else if (!strcmp(a, "--report")) {
            req.want_report = true;
        } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(NULL);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            char *m = xprintf("unknown option '%s'", a);
            return usage(m);
        } else if (!req.path) {
            req.path = a;
        } else {
            return usage("more than one input file");
        }
    }
    if (!req.path)
        return usage("no input file");
    if (!out)
        return usage("no output file (-o)");

    gt_result res;
    if (gt_transform(&req, &res, stderr) != 0) {
        gt_result_free(&res);
        return 1;
    }
    if (!write_file(out, res.text, res.len)) {
        fprintf(stderr, "gotransform: error: cannot write '%s'\n", out);
        remove(out);
        gt_result_free(&res);
        return 1;
    }
    if (depfile) {
        FILE *f = fopen(depfile, "w");
        if (!f) {
            fprintf(stderr, "gotransform: error: cannot write '%s'\n", depfile);
            gt_result_free(&res);
            return 1;
        }
        put_dep_path(f, deptarget ? deptarget : out);
        fputc(':', f);
        for (int i = 0; i < res.ndeps; i++) {
            fputs(" \\\n  ", f);
            put_dep_path(f, res.deps[i]);
        }
        fputc('\n', f);
        fclose(f);
    }
    if (res.report)
        fputs(res.report, stdout);
    gt_result_free(&res);
    return 0;
}
