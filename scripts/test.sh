#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite in the
# release, asan (ASan+UBSan) and tsan presets.  Usage: scripts/test.sh [preset...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
presets=("$@")
if ((${#presets[@]} == 0)); then presets=(release asan tsan); fi
jobs=$(nproc)
for p in "${presets[@]}"; do
  echo "=== $p ==="
  start=$SECONDS
  cmake --preset "$p" >/dev/null
  cmake --build --preset "$p" -j"$jobs"
  ctest --preset "$p" -j"$jobs"
  echo "=== $p: passed in $((SECONDS - start)) s ==="
done
