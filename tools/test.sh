#!/usr/bin/env bash
# The README's second command: install, build and run every test, in the
# normal build and in the AddressSanitizer + UndefinedBehaviorSanitizer build;
# then the tests with threads (label `threads`) in a ThreadSanitizer build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
tools/setup.sh build -DQUIPU_BUILD_BENCH=ON
(cd build && ctest --output-on-failure -j "$jobs")
tools/setup.sh build-asan -DQUIPU_SANITIZE=ON -DQUIPU_BUILD_BENCH=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest --output-on-failure -j "$jobs")
QUIPU_TARGET="api_tests c_api_test" tools/setup.sh build-tsan -DQUIPU_TSAN=ON -DQUIPU_BUILD_BENCH=OFF
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tests/tsan.supp" \
   ctest --output-on-failure -j "$jobs" -L threads)
