#!/usr/bin/env bash
# Installs what Quipu needs from Debian 12 packages (when missing) and builds
# it in build/ (or in $1 with the CMake options that follow; the build type
# is Release unless they name another). Builds every
# target, or only those named in $QUIPU_TARGET when set; installs the Debian
# packages named in $QUIPU_EXTRA_PACKAGES too (tools/fuzz.sh: clang).
# Usage: [QUIPU_TARGET="quipu_shell ..."] [QUIPU_EXTRA_PACKAGES="..."]
#        tools/setup.sh [BUILD_DIR [CMAKE_OPTION...]]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ make cmake pkg-config git tao-pegtl-dev librocksdb-dev libboost-container-dev
          libfmt-dev catch2 libcli11-dev libre2-dev libedit-dev zlib1g-dev libserd-dev libsimdjson-dev
          libjemalloc-dev python3-dev python3-pybind11)
read -ra extra <<<"${QUIPU_EXTRA_PACKAGES:-}"
packages+=("${extra[@]}")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) == 0 ]] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=${1:-build}
shift || true
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
read -ra targets <<<"${QUIPU_TARGET:-}"
cmake --build "$build" -j "$(nproc)" ${targets[0]:+--target "${targets[@]}"}
