#!/usr/bin/env bash
# Installs what is missing, builds in release mode and runs the demo
# (the concurrent prime sieve written with GO_FUNC, transformed at build time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
exec build/release/examples/primes "${1:-20}"
