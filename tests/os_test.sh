#!/usr/bin/env bash
# The operating system as the model's process shows it (runtime_stubs/system.h): programs that
# import packages (tests/programs/os/*.go), run from source with
# `godefer-emu --go GO -q`, against the same program built by that Go and run natively: stdout,
# stderr and the exit status must be equal, on Go 1.15, 1.22 and 1.27. The native binary runs as
# the model's process is described (runtime_stubs/system.h): argv[0] is the program's name, the
# environment is empty, stdin is empty (/dev/null), stdout and stderr are pipes.
# A program may name, in a line `// native-differs: REGEX`, output lines that differ on purpose
# (the clock's value): lines matching REGEX are left out of both sides.
#
# Usage: tests/os_test.sh PATH/TO/godefer-emu
# Toolchains: $GO_TOOLCHAINS/go1.X/usr/lib/go-1.X (default: <project>/.toolchains). A missing
# toolchain skips its release with a note, unless CI is set: then it fails.
set -u
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
tc=${GO_TOOLCHAINS:-$top/.toolchains}
releases=${OS_RELEASES:-"1.15 1.22 1.27"}
work=$(mktemp -d /tmp/godefer-os.XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0 skipped=0

if ! command -v python3 >/dev/null; then
  echo "FAIL os: python3 is needed to run the native programs with argv[0] set"
  exit 1
fi

for v in $releases; do
  goroot=$tc/go$v/usr/lib/go-$v
  go=$goroot/bin/go
  if [ ! -x "$go" ]; then
    if [ -n "${CI:-}" ]; then
      echo "FAIL go$v: no toolchain at $go (scripts/get-go-toolchains.sh fetches it)"
      fail=$((fail + 1))
    else
      echo "note: go$v skipped: no toolchain at $go"
      skipped=$((skipped + 1))
    fi
    continue
  fi
  export GOCACHE=$work/cache$v GOPATH=$work/gopath GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local
  for src in "$top"/tests/programs/os/*.go; do
    name=$(basename "$src" .go)
    case=go$v/$name
    mkdir -p "$work/$case"
    exe=$work/$case/$name
    if ! (cd "$(dirname "$src")" && "$go" build -o "$exe" "$src") 2>"$work/$case/build.err"; then
      echo "FAIL $case: the native build failed"
      head -5 "$work/$case/build.err"
      fail=$((fail + 1))
      continue
    fi
    python3 -c 'import os, sys; os.execve(sys.argv[1], [sys.argv[2]], {})' "$exe" "$name" \
      </dev/null >"$work/$case/native.out" 2>"$work/$case/native.err"
    native=$?
    (cd "$(dirname "$src")" && "$bin" --go "$go" -q "$name.go") </dev/null \
      >"$work/$case/emu.out" 2>"$work/$case/emu.err"
    emu=$?
    differs=$(sed -n 's|^// native-differs: ||p' "$src")
    for f in native.out native.err emu.out emu.err; do
      if [ -n "$differs" ]; then
        grep -Ev -- "$differs" "$work/$case/$f" >"$work/$case/$f.cmp"
      else
        cp "$work/$case/$f" "$work/$case/$f.cmp"
      fi
    done
    ok=1
    if [ "$native" != "$emu" ]; then
      echo "FAIL $case: exit status $emu, natively $native"
      ok=0
    fi
    for s in out err; do
      if ! cmp -s "$work/$case/native.$s.cmp" "$work/$case/emu.$s.cmp"; then
        echo "FAIL $case: std$s differs (- native, + godefer-emu)"
        diff "$work/$case/native.$s.cmp" "$work/$case/emu.$s.cmp" | head -10
        ok=0
      fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
  done
done
echo "os: $pass passed, $fail failed, $skipped releases skipped"
[ "$fail" = 0 ]
