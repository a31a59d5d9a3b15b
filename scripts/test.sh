#!/usr/bin/env bash
# Set up, build and pass the whole test suite: the normal build, then again under
# AddressSanitizer + UndefinedBehaviorSanitizer; in between, the installed library and CMake
# package are tested from outside (scripts/test-installed.sh builds examples/ against them).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh" "$top/build"
# Go source input is tested with Debian's Go 1.15, 1.22 and 1.27 (signed packages, unpacked into
# a cache outside the clone, as the go command's build cache is).
cache=${XDG_CACHE_HOME:-$HOME/.cache}/godefer-emu
export GO_TOOLCHAINS=${GO_TOOLCHAINS:-$cache/toolchains} GOCACHE_BASE=${GOCACHE_BASE:-$cache/gocache}
GO_VERSIONS="1.15 1.22 1.27" "$top/scripts/get-go-toolchains.sh"
(cd "$top/build" && ctest --output-on-failure -j"$(nproc)")
"$top/scripts/test-installed.sh" "$top/build"
if [ "${GODEFER_SKIP_SANITIZERS:-0}" != 1 ]; then
  # -Og -g1: the tests run 2-5 times faster than at -O0 (as fast as at -O1) and it compiles
  # faster than -O1 -g; line tables are what the sanitizers' reports need. (GCC 12 warns about
  # std::regex's internals, maybe-uninitialized, falsely when optimising.)
  "$top/scripts/setup.sh" "$top/build-asan" -DCMAKE_BUILD_TYPE=Debug -DGODEFER_SANITIZE=ON \
    -DGODEFER_BENCH=OFF "-DCMAKE_CXX_FLAGS_DEBUG=-g1 -Og -Wno-maybe-uninitialized"
  # The sanitizer pass runs a subset: the Go source tests on Go 1.27 -N -l only, and not the
  # sweeps that repeat the normal pass's checks over every fixture (the importing corpus, the
  # reflect programs' native comparison, each program stepped against a fast run, to its end and
  # back, every register of every step, every state at a 1 M-instruction interval). Everything
  # else runs, the Go test corpus on Go 1.27 -N -l among it.
  sweeps='^imports_corpus$|ReflectPrograms|^FastRun\.AgreesWith|^Timeline\.EveryProgramToTheEndAndBack$'
  sweeps+='|^Trace\.RegistersTheDecoderNames|IsRestoredByReverseStepi/1048576$'
  (cd "$top/build-asan" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     IMPORT_RELEASES=1.27 IMPORT_MODES=-N-l OS_RELEASES=1.27 \
     ctest --output-on-failure -j"$(nproc)" -E "$sweeps")
fi
