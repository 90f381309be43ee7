#!/usr/bin/env bash
# run.sh <first-seed> <count> — the long csmith check of gotransform: runs
# check_seed.sh for seeds first .. first+count-1, JOBS at a time, and prints
# one line per failure, then the totals and the failures grouped by reason.
#
#   BUILD=build/release  a configured build tree of this repository (gotransform,
#                        go_variant and libsched are built first)
#   OUT=$BUILD/csmith-run  results: results.txt (every verdict), seed-N/ kept
#                        for every failure and harness error
#   JOBS=$(nproc)        seeds checked in parallel
#   CSMITH_OPTIONS, CC, PLAIN_TIMEOUT, GO_TIMEOUT: passed on to check_seed.sh
# Exit status: 0 when no seed failed.
set -euo pipefail

first=${1:?usage: run.sh <first-seed> <count>}
count=${2:?usage: run.sh <first-seed> <count>}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
BUILD=$(cd "${BUILD:-$root/build/release}" && pwd)
OUT=${OUT:-$BUILD/csmith-run}
JOBS=${JOBS:-$(nproc)}

cmake --build "$BUILD" --target gotransform go_variant sched >/dev/null
rm -rf "$OUT"
mkdir -p "$OUT/bin"
# A snapshot of the tools, so rebuilding the tree during the run changes nothing.
cp "$BUILD/transform/gotransform" "$BUILD/tests/transform/csmith/go_variant" \
   "$BUILD/libsched/libsched.a" "$OUT/bin/"
export GOTRANSFORM=$OUT/bin/gotransform GO_VARIANT=$OUT/bin/go_variant LIBSCHED=$OUT/bin/libsched.a
export GOSCHED_INCLUDE=$root/include OUT
echo "gotransform of commit $(git -C "$root" log -1 --format='%h %cd' --date=iso -- transform)" \
     "(uncommitted changes: $(git -C "$root" status --porcelain -- transform | wc -l) files)"

start=$(date +%s)
seq "$first" $((first + count - 1)) |
    xargs -P "$JOBS" -I{} sh -c '"$0" {} "$OUT/seed-{}" | sed -n 1p' "$here/check_seed.sh" |
    tee "$OUT/results.txt" | grep -E '^(FAIL|ERROR)' || true
end=$(date +%s)

results=$OUT/results.txt
n() { grep -c "^$1 " "$results" || true; }
echo "seeds $first..$((first + count - 1)): tried $count, passed $(n PASS), skipped $(n SKIP)," \
     "failed $(n FAIL), harness errors $(n ERROR) in $((end - start)) s"
if grep -q '^SKIP' "$results"; then
    echo "skipped, by reason:"
    sed -n 's/^SKIP seed [0-9]*: //p' "$results" | sort | uniq -c | sort -rn
fi
if grep -qE '^(FAIL|ERROR)' "$results"; then
    echo "failures, by reason (file:line:col and quoted names elided):"
    sed -nE 's/^(FAIL|ERROR) seed [0-9]*: //p' "$results" |
        sed -E "s#[^ ]*\.c:[0-9]+:[0-9]+:##g; s/‘[^’]*’/‘…’/g; s/'[^']*'/'…'/g; s/[0-9A-F]{8}/…/g" |
        sort | uniq -c | sort -rn
    exit 1
fi
