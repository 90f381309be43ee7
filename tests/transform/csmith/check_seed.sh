#!/usr/bin/env bash
# check_seed.sh <seed> [workdir] — one csmith differential check of gotransform.
#
# Generates csmith program <seed>, its go variant (go_variant: every function a
# GO_FUNC, go_yield() at every statement), and builds and runs three programs:
#   plain  the csmith program as generated
#   seq    the go variant with -DGOSCHED_SEQUENTIAL (no transformation)
#   go     the go variant transformed by gotransform, linked with libsched
# All three must print the same checksum.
#
# Exit status: 0 pass, 77 skipped (csmith's own program fails, loops or is
# too slow with a yield at every statement), 1 FAILURE (gotransform rejects
# the go variant, its output does not compile, or the go program crashes,
# hangs or prints another checksum), 2 harness error.  One line on stdout says
# which: "PASS|SKIP|FAIL|ERROR seed N: reason".  The work directory is kept
# on failure and error, removed otherwise unless KEEP=1.
#
# Environment (CTest sets them; run.sh too):
#   GOTRANSFORM  gotransform executable        GO_VARIANT  go_variant executable
#   LIBSCHED     libsched.a                    GOSCHED_INCLUDE  include/ of this repository
#   CC (gcc), CSMITH (csmith), CSMITH_INCLUDE (/usr/include/csmith),
#   CSMITH_OPTIONS (replaces the default generation options),
#   PLAIN_TIMEOUT (2 s), GO_TIMEOUT (30 s),
#   MODE: yields (default: go_yield() at every statement) or compute (no
#   yields, so every loop only computes, built -DGOSCHED_PREEMPT_ALWAYS: every
#   preemption check yields, spilling and reloading the loop's C locals)
set -uo pipefail

seed=${1:?usage: check_seed.sh <seed> [workdir]}
work=${2:-$(mktemp -d "${TMPDIR:-/tmp}/csmith-$seed.XXXXXX")}
: "${GOTRANSFORM:?}" "${GO_VARIANT:?}" "${LIBSCHED:?}" "${GOSCHED_INCLUDE:?}"
CC=${CC:-gcc}
CSMITH=${CSMITH:-csmith}
CSMITH_INCLUDE=${CSMITH_INCLUDE:-/usr/include/csmith}
# Small programs (a few hundred lines) that finish quickly; main(void) so the
# go variant's main stays simple.  All three builds use the same compiler and
# flags, so implementation-defined behaviour cannot tell them apart.
CSMITH_OPTIONS=${CSMITH_OPTIONS:---no-argc --max-funcs 6 --max-block-depth 4}
PLAIN_TIMEOUT=${PLAIN_TIMEOUT:-2}
GO_TIMEOUT=${GO_TIMEOUT:-30}
mkdir -p "$work"
cd "$work" || exit 2

verdict() {   # verdict <status> <word> <reason>
    echo "$2 seed $seed: $3"
    if [[ $1 == 0 || $1 == 77 ]] && [[ ${KEEP:-0} != 1 ]]; then
        cd / && rm -rf "$work"
    else
        echo "  (files in $work)"
    fi
    exit "$1"
}

cflags=(-std=gnu11 -O1 -w -I"$GOSCHED_INCLUDE" -I"$CSMITH_INCLUDE")
# shellcheck disable=SC2086
$CSMITH --seed "$seed" $CSMITH_OPTIONS -o prog.c >csmith.log 2>&1 || verdict 77 SKIP "csmith failed"
$CC "${cflags[@]}" prog.c -o plain >cc-plain.log 2>&1 || verdict 77 SKIP "csmith's program does not compile"
timeout "$PLAIN_TIMEOUT" ./plain >plain.out 2>plain.err
rc=$?
((rc == 124)) && verdict 77 SKIP "csmith's program runs longer than ${PLAIN_TIMEOUT}s"
((rc != 0)) && verdict 77 SKIP "csmith's program exits with $rc"

MODE=${MODE:-yields}
variant_flags=() go_cflags=()
[[ $MODE == compute ]] && variant_flags=(--no-yields) go_cflags=(-DGOSCHED_PREEMPT_ALWAYS)
"$GO_VARIANT" "${variant_flags[@]}" prog.c -o prog.go.c -- -I"$CSMITH_INCLUDE" >variant.log 2>&1 ||
    verdict 2 ERROR "go_variant failed: $(head -c 300 variant.log)"
$CC "${cflags[@]}" -DGOSCHED_SEQUENTIAL prog.go.c -o seq "$LIBSCHED" -lpthread >cc-seq.log 2>&1 ||
    verdict 2 ERROR "the go variant does not compile with -DGOSCHED_SEQUENTIAL"
timeout "$GO_TIMEOUT" ./seq >seq.out 2>seq.err
rc=$?
((rc == 124)) && verdict 77 SKIP "the go variant runs longer than ${GO_TIMEOUT}s sequentially"
((rc != 0)) && verdict 2 ERROR "the sequential go variant exits with $rc"
cmp -s plain.out seq.out || verdict 2 ERROR "the sequential go variant prints another checksum"

"$GOTRANSFORM" prog.go.c -o prog.tr.c -- -I"$GOSCHED_INCLUDE" -I"$CSMITH_INCLUDE" >transform.log 2>&1
rc=$?
((rc != 0)) && verdict 1 FAIL "gotransform exits with $rc: $(grep -m1 error: transform.log | head -c 300)"
$CC "${cflags[@]}" "${go_cflags[@]}" prog.tr.c -o go "$LIBSCHED" -lpthread >cc-go.log 2>&1 ||
    verdict 1 FAIL "the transformed program does not compile: $(grep -m1 error: cc-go.log | head -c 300)"
timeout "$GO_TIMEOUT" ./go >go.out 2>go.err
rc=$?
((rc == 124)) && verdict 1 FAIL "the transformed program hangs (>${GO_TIMEOUT}s; sequential: fine)"
((rc != 0)) && verdict 1 FAIL "the transformed program exits with $rc: $(head -c 300 go.err)"
cmp -s seq.out go.out || verdict 1 FAIL "checksum differs: $(tr '\n' ' ' <seq.out) vs $(tr '\n' ' ' <go.out)"
verdict 0 PASS "$(tr -d '\n' <go.out)"
