#!/usr/bin/env bash
# fuzz.sh [seconds] [libFuzzer options...] — a fuzzing session of fuzz_transform.
#
# Needs a build tree configured with -DCMAKE_C_COMPILER=clang -DGOSCHED_FUZZ=ON
# (BUILD, default build/fuzz).  Starts from corpus/ plus the transform tests'
# sources, works in $BUILD/fuzz-work/corpus, writes crash/leak/timeout inputs
# to crashes/ (fork mode: the session goes on after a crash), and at the end
# merges what found new coverage back into corpus/ (commit it).  Every output
# of a successful transform is re-parsed (GT_FUZZ_RECOMPILE=1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
BUILD=$(cd "${BUILD:-$root/build/fuzz}" && pwd)
seconds=${1:-600}
shift || true
cmake --build "$BUILD" --target fuzz_transform >/dev/null
fuzzer=$BUILD/tests/transform/fuzz/fuzz_transform
work=$BUILD/fuzz-work
mkdir -p "$work/corpus" "$here/crashes" "$here/corpus"
export GT_FUZZ_RECOMPILE=1 LIBCLANG_DISABLE_CRASH_RECOVERY=1
"$fuzzer" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
    -dict="$here/transform.dict" -artifact_prefix="$here/crashes/" "$@" \
    "$work/corpus" "$here/corpus" "$here"/../{golden,run,diff,bad} >"$work/log.txt" 2>&1 || true
grep -E '^#[0-9]+: cov' "$work/log.txt" | tail -n 1
grep -E '^(SUMMARY|.*Test unit written|INFO: fuzzed for)' "$work/log.txt" || true
"$fuzzer" -merge=1 "$here/corpus" "$work/corpus" 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new' || true
