#!/usr/bin/env bash
# tests/load/echo_10k.sh — the full echo load test: 10,000 connections open
# at once on examples/echo_server, every byte checked, under GOSCHED_PROCS
# 1, 2 and 8 (tests/load/echo_load.c says what it does).
#
#   tests/load/echo_10k.sh [BUILD_DIR] [CONNS]
#
# BUILD_DIR (default build/release) must hold a configured and built tree
# (examples/echo_server, tests/load/echo_load).  Exits 0 if every run
# passed, 77 if the hard limit of open files is too low, 1 otherwise.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build/release}
conns=${2:-10000}
client=$build/tests/load/echo_load
server=$build/examples/echo_server
for f in "$client" "$server"; do
  [[ -x $f ]] || { echo "echo_10k: $f is not built" >&2; exit 1; }
done
status=0
for procs in 1 2 8; do
  start=$(date +%s%N)
  rc=0
  GOSCHED_PROCS=$procs "$client" -n "$conns" -r 3 -t 300 "$server" || rc=$?
  if ((rc == 77)); then exit 77; fi
  ms=$((($(date +%s%N) - start) / 1000000))
  printf 'GOSCHED_PROCS=%d: exit %d in %d.%03d s\n' "$procs" "$rc" $((ms / 1000)) $((ms % 1000))
  ((rc == 0)) || status=1
done
exit $status
