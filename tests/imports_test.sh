#!/usr/bin/env bash
# Programs that import packages (tests/programs/imports/*.go and, when given, more
# directories), built from source by each release's go command and run under godefer-emu
# (`godefer-emu --go GO -q PROG.go`, -N -l, and again with -O): stdout, stderr and the exit
# status must equal the native binary's, built by the same go command.
# Usage: tests/imports_test.sh GODEFER [DIR...]
# Toolchains: $GO_TOOLCHAINS/go1.X/usr/lib/go-1.X/bin/go (scripts/get-go-toolchains.sh);
# releases: $IMPORT_RELEASES (default "1.15 1.22 1.27"), modes: $IMPORT_MODES (default "-N-l -O"). Without a toolchain the test fails
# under CI and is skipped (exit 77) on a developer's machine.
set -uo pipefail
emu=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
top=$(cd "$(dirname "$0")/.." && pwd)
tc=${GO_TOOLCHAINS:-$top/.toolchains}
dirs=("$top/tests/programs/imports" "$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 runs=0 missing=()
for v in ${IMPORT_RELEASES:-1.15 1.22 1.27}; do
  go=$tc/go$v/usr/lib/go-$v/bin/go
  if [ ! -x "$go" ]; then
    missing+=("go$v")
    continue
  fi
  export GOCACHE=${GOCACHE_BASE:-$work}/gocache-$v GOFLAGS= GO111MODULE=off GOPATH=$work/gopath
  for d in "${dirs[@]}"; do
    for prog in "$d"/*.go; do
      name=$(basename "$prog" .go)
      if ! (cd "$work" && "$go" build -o "$work/native" "$prog") 2>"$work/build.err"; then
        echo "FAIL go$v $name: the native build failed:"; cat "$work/build.err"
        fails=$((fails + 1))
        continue
      fi
      (cd "$work" && ./native >"$work/n.out" 2>"$work/n.err")
      nrc=$?
      # A throw on the system stack prints the runtime's own frames ("runtime stack:", Go 1.15's
      # checkdead), addresses inside the native runtime that the model has no code for: the
      # comparison stops before them.
      if grep -qx 'runtime stack:' "$work/n.err"; then
        awk '/^runtime stack:$/ { exit } { lines[n++] = $0 }
             END { if (n && lines[n-1] == "") n--; for (i = 0; i < n; i++) print lines[i] }' \
          "$work/n.err" >"$work/n.err.cut" && mv "$work/n.err.cut" "$work/n.err"
      fi
      for mode in ${IMPORT_MODES:--N-l -O}; do
        opt=()
        [ "$mode" = -O ] && opt=(-O)
        runs=$((runs + 1))
        (cd "$work" && timeout 120 "$emu" --go "$go" -q "${opt[@]}" "$prog" >"$work/e.out" 2>"$work/e.err")
        erc=$?
        if ! cmp -s "$work/n.out" "$work/e.out" || ! cmp -s "$work/n.err" "$work/e.err" ||
          [ "$nrc" != "$erc" ]; then
          echo "FAIL go$v $name $mode: exit $erc (native $nrc)"
          diff <(cat "$work/n.out"; echo "--- stderr"; cat "$work/n.err") \
            <(cat "$work/e.out"; echo "--- stderr"; cat "$work/e.err") | head -20
          fails=$((fails + 1))
        fi
      done
    done
  done
done
if [ ${#missing[@]} -gt 0 ]; then
  msg="no Go toolchain for ${missing[*]} under $tc (scripts/get-go-toolchains.sh fetches them)"
  if [ -n "${CI:-}" ]; then
    echo "FAIL: $msg"
    exit 1
  fi
  echo "SKIPPED: $msg"
  [ "$runs" -eq 0 ] && exit 77
fi
echo "$runs runs, $fails failed"
[ "$fails" -eq 0 ]
