#!/usr/bin/env bash
# bench/transform/bench.sh — how long gotransform takes against a plain
# `clang -fsyntax-only` of the same file with the same flags (the aim: at most
# 1.5x).  Inputs: every examples/*.c, and a big generated file, a csmith
# program whose every function is a GO_FUNC with go_yield() at every statement
# (tests/transform/csmith/go_variant).  Prints, per file, the median wall time
# of each over RUNS runs (hyperfine when installed) and the ratio.
#
#   BUILD=build/release  a configured build tree (gotransform and go_variant are built)
#   RUNS=10  CLANG=<the clang of the libclang gotransform links, else clang>
#   BIG_OPTIONS="--seed 7 --no-argc --max-funcs 40 --max-block-size 6"
#     csmith options for the big file
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${BUILD:-$root/build/release}" && pwd)
RUNS=${RUNS:-10}
BIG_OPTIONS=${BIG_OPTIONS:---seed 7 --no-argc --max-funcs 40 --max-block-size 6}
cmake --build "$BUILD" --target gotransform go_variant >/dev/null
gt=$BUILD/transform/gotransform
libclang=$(sed -n 's/^LIBCLANG_LIBRARY:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
if [[ -z ${CLANG:-} ]]; then
    CLANG=clang
    [[ -x $(dirname "$libclang")/../bin/clang ]] && CLANG=$(cd "$(dirname "$libclang")/../bin" && pwd)/clang
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-transform.XXXXXX")
trap 'rm -rf "$work"' EXIT

# median_ms <command...>: the median wall time of RUNS runs, in ms.
median_ms() {
    if command -v hyperfine >/dev/null; then
        hyperfine -N --style none --warmup 2 --runs "$RUNS" --export-csv "$work/t.csv" \
            "$(printf '%q ' "$@")" >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; return 1; }
        awk -F, 'NR == 2 { printf "%.1f", $4 * 1000 }' "$work/t.csv"
    else
        "$@" >/dev/null
        for ((i = 0; i < RUNS; i++)); do
            local t0
            t0=$(date +%s%N)
            "$@" >/dev/null
            echo $((($(date +%s%N) - t0) / 1000))
        done | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", (v[int((NR + 1) / 2)] + v[int(NR / 2) + 1]) / 2000 }'
    fi
}

# bench <name> <file> <flags...>
bench() {
    local name=$1 file=$2
    shift 2
    "$gt" "$file" -o "$work/out.c" -- "$@" || { echo "$name: gotransform fails"; return 1; }
    local lines gofuncs t_gt t_cc
    lines=$(wc -l <"$file")
    gofuncs=$(grep -E '^\s*GO_FUNC' "$file" | grep -vc ';\s*$' || true)   # definitions
    t_gt=$(median_ms "$gt" "$file" -o "$work/out.c" -- "$@")
    t_cc=$(median_ms "$CLANG" -fsyntax-only "$@" "$file")
    printf '%-16s %6d lines %5d GO_FUNC  gotransform %8.1f ms  clang -fsyntax-only %8.1f ms  ratio %.2f\n' \
        "$name" "$lines" "$gofuncs" "$t_gt" "$t_cc" "$(awk -v a="$t_gt" -v b="$t_cc" 'BEGIN { print a / b }')"
}

echo "gotransform: $gt (libclang $libclang); compiler: $CLANG; median of $RUNS runs"
for ex in "$root"/examples/*.c; do
    bench "$(basename "$ex")" "$ex" -std=gnu11 -I"$root/include"
done
csmith_include=${CSMITH_INCLUDE:-/usr/include/csmith}
# shellcheck disable=SC2086
(cd "$work" && csmith $BIG_OPTIONS -o big.c >/dev/null)   # csmith writes platform.info into its cwd
"$BUILD/tests/transform/csmith/go_variant" "$work/big.c" -o "$work/big.go.c" -- -I"$csmith_include"
bench "csmith-big" "$work/big.go.c" -std=gnu11 -I"$root/include" -I"$csmith_include"
