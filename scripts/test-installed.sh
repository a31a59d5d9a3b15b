#!/usr/bin/env bash
# The installed package, proven from outside: `cmake --install` of BUILD_DIR into a fresh prefix,
# then examples/ configured as a separate project against it (find_package(godefer-emu CONFIG),
# target godefer::emu) and its tests run, and a program compiled with only what
# `pkg-config godefer-emu` says. Usage: test-installed.sh BUILD_DIR
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
work=$build/installed-test
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" --strip > "$work/install.log"
cmake -S "$top/examples" -B "$work/examples" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DGODEFER_PROJECT_DIR="$top" > "$work/configure.log"
cmake --build "$work/examples" -j"$(nproc)" > "$work/build.log"
(cd "$work/examples" && ctest --output-on-failure)

# pkg-config: compile and run a program with nothing but its flags.
cat > "$work/pc.cpp" <<'CPP'
#include <godefer/emu.h>
#include <cstdio>
int main(int argc, char** argv) {
  auto p = godefer::Program::open(argv[1]);
  if (!p) return std::fprintf(stderr, "%s\n", p.error().message.c_str()), 3;
  auto c = p->call("c");
  if (!c) return std::fprintf(stderr, "%s\n", c.error().message.c_str()), 3;
  std::printf("%s\n", c->resultsLine().c_str());
  return c->result("i") == 2 ? 0 : 1;
}
CPP
export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig
# shellcheck disable=SC2046
g++ "$work/pc.cpp" -o "$work/pc" $(pkg-config --cflags --libs godefer-emu) \
  -Wl,-rpath,"$work/prefix/lib"
out=$("$work/pc" "$top/tests/fixtures/go1.22/nl/deferr.o")
if [ "$out" != 2 ]; then
  echo "test-installed: the pkg-config program printed '$out', not 2" >&2
  exit 1
fi
echo "test-installed: examples/ and a pkg-config build pass against $work/prefix"
