#!/usr/bin/env bash
# Installs the Debian 12 packages cmdsentry needs to build, test, fuzz and benchmark.
# Run as root (or through sudo). Debian packages only.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config clang-14 libclang-rt-14-dev clang-format-14
  libfmt-dev libexpected-dev libsimdjson-dev libpugixml-dev libyaml-cpp-dev libcli11-dev
  libdeflate-dev libarchive-dev libsqlite3-dev libmimalloc-dev libvectorscan-dev
  libgtest-dev libgmock-dev libbenchmark-dev libxml2-dev
  libevtx-utils python3-evtx python3 time jq
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
