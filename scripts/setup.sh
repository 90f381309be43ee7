#!/usr/bin/env bash
# Installs what building and testing need, when missing (Debian 12).
# Usage: scripts/setup.sh [--bench]   (--bench adds Go 1.19, for bench/compare)
set -euo pipefail

packages=(build-essential cmake pkg-config check libclang-dev clang csmith libcsmith-dev)
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(golang-1.19-go)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
