#!/usr/bin/env bash
# The README's second command: install, build and run every test, in three
# builds: build/ (Release, -O3), build-asan/ (RelWithDebInfo with
# AddressSanitizer and UndefinedBehaviorSanitizer), then the tests with
# threads (label `threads`) in build-tsan/ (ThreadSanitizer). Warnings are
# errors in all three (QUIPU_WERROR).
#
#   tools/test.sh                 everything, as CI runs it
#   tools/test.sh --quick [ARGS]  the edit-build-test loop: build/ only, no
#                                 sanitizers; ARGS go to ctest (e.g. -R golden)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)
quick=0
if [[ ${1:-} == --quick ]]; then
  quick=1
  shift
fi
tools/setup.sh build -DCMAKE_BUILD_TYPE=Release -DQUIPU_WERROR=ON -DQUIPU_BUILD_BENCH=ON
(cd build && ctest --output-on-failure -j "$jobs" "$@")
((quick)) && exit 0
tools/setup.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQUIPU_WERROR=ON \
  -DQUIPU_SANITIZE=ON -DQUIPU_BUILD_BENCH=OFF
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest --output-on-failure -j "$jobs")
QUIPU_TARGET="api_tests c_api_test" tools/setup.sh build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DQUIPU_WERROR=ON -DQUIPU_TSAN=ON -DQUIPU_BUILD_BENCH=OFF
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/tests/tsan.supp" \
   ctest --output-on-failure -j "$jobs" -L threads)
