#!/usr/bin/env bash
# The README's second command: install, build and run every test, in the
# normal build and in the AddressSanitizer + UndefinedBehaviorSanitizer build.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
tools/setup.sh build -DQUIPU_BUILD_BENCH=ON
(cd build && ctest --output-on-failure -j "$jobs")
tools/setup.sh build-asan -DQUIPU_SANITIZE=ON -DQUIPU_BUILD_BENCH=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest --output-on-failure -j "$jobs")
