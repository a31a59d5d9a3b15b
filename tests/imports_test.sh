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
# Functions called by name (`godefer-emu PROG.go FUNCTION ARGS`): the packages' initialisation
# runs first, the main package's own included; the issue's example traces the deferred Unlock.
for v in ${IMPORT_RELEASES:-1.15 1.22 1.27}; do
  go=$tc/go$v/usr/lib/go-$v/bin/go
  [ -x "$go" ] || continue
  export GOCACHE=${GOCACHE_BASE:-$work}/gocache-$v GOFLAGS= GO111MODULE=off GOPATH=$work/gopath
  progs=$top/tests/programs/imports
  for mode in ${IMPORT_MODES:--N-l -O}; do
    opt=()
    [ "$mode" = -O ] && opt=(-O)
    call() { # want-stdout, arguments...
      local want=$1 out
      shift
      runs=$((runs + 1))
      out=$(cd "$work" && timeout 120 "$emu" --go "$go" "${opt[@]}" "$@" 2>&1)
      if ! [[ $out =~ $want ]]; then
        echo "FAIL go$v $mode $*: want /$want/, got:"
        printf '%s\n' "$out" | tail -5
        fails=$((fails + 1))
      fi
    }
    call '^20$' -q "$progs/locked.go" inc 2
    call '^4$' -q "$progs/initvars.go" lookup c
    call '^2$' -q "$progs/initvars.go" lookup b
    [ "$mode" = -N-l ] && # -O inlines Unlock's fast path into inc
      call 'sync\.\(\*Mutex\)\.Unlock: call .*sync\.\(\*Mutex\)\.Unlock: returned.*inc returned after = 20' --no-color "$progs/locked.go" inc 2
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
