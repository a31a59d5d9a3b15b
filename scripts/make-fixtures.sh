#!/usr/bin/env bash
# Regenerates tests/fixtures/ from tests/programs/*.go with real Go toolchains.
#
# For every Go version V in $VERSIONS, every mode M in {nl, opt} and every program P:
#   tests/fixtures/goV/M/P.o        go tool compile [-N -l] -trimpath "$PWD" -o ... P.go
#                                   (run inside tests/programs, so the object records "P.go")
#   tests/fixtures/goV/M/P.objdump  go tool objdump P.o (full listing)
#   tests/fixtures/goV/M/P.stdout   stdout of the natively built program
#   tests/fixtures/goV/M/P.stderr   stderr of it (println output, panic traces)
#   tests/fixtures/goV/M/P.exit     its exit status, a number and a newline
# plus tests/fixtures/go1.15-darwin/nl/deferr.{o,objdump} (GOOS=darwin GOARCH=amd64, the
# seed's environment; nothing is run) and a copy of the seed in tests/fixtures/seed/.
#
# Environment:
#   GO_TOOLCHAINS  folder holding goV/usr/lib/go-V (default: <project>/.toolchains; if a
#                  toolchain is missing there, scripts/get-go-toolchains.sh is called)
#   VERSIONS       space-separated subset of "1.15 1.19 1.21 1.22 1.23 1.24"
#   PROGRAMS       space-separated subset of program names (default: all tests/programs/*.go)
# Nothing is downloaded except by get-go-toolchains.sh. The output is deterministic.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tc=${GO_TOOLCHAINS:-$top/.toolchains}
versions=${VERSIONS:-"1.15 1.19 1.21 1.22 1.23 1.24"}
progdir=$top/tests/programs
fixdir=$top/tests/fixtures
seeddir=${SEED_DIR:-/work/shared/seed}

if [ -z "${PROGRAMS:-}" ]; then
  PROGRAMS=$(cd "$progdir" && ls *.go | sed 's/\.go$//' | LC_ALL=C sort | tr '\n' ' ')
fi

goroot_of() { echo "$tc/go$1/usr/lib/go-$1"; }

missing=0
for v in $versions; do
  [ -x "$(goroot_of "$v")/bin/go" ] || missing=1
done
if [ "$missing" = 1 ]; then
  GO_TOOLCHAINS=$tc "$top/scripts/get-go-toolchains.sh"
fi

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/gopath" "$tmp/bin"

# Runs a go command of toolchain $1 in a clean, private environment.
# Extra VAR=value words before the command are passed through env.
gorun() {
  local v=$1; shift
  local goroot; goroot=$(goroot_of "$v")
  env -i PATH="$goroot/bin:/usr/bin:/bin" LANG=C LC_ALL=C \
    HOME="$tmp/home" GOPATH="$tmp/gopath" GOCACHE="$tmp/cache-$v" GOENV=off \
    GOROOT="$goroot" GOTOOLCHAIN=local GO111MODULE=off CGO_ENABLED=0 \
    GOOS=linux GOARCH=amd64 GOAMD64=v1 GOTMPDIR="$tmp" \
    "$@"
}

# Checks that an object records no absolute path of this machine.
check_paths() {
  local f=$1
  if strings -a "$f" | grep -E -q "$top|$tmp|$tc|/home/|/Users/|/tmp/"; then
    echo "error: $f records an absolute path:" >&2
    strings -a "$f" | grep -E "$top|$tmp|$tc|/home/|/Users/|/tmp/" >&2
    exit 1
  fi
}

cd "$progdir"
for v in $versions; do
  for mode in nl opt; do
    out=$fixdir/go$v/$mode
    mkdir -p "$out"
    if [ "$mode" = nl ]; then cflags=(-N -l); gcflags=("-gcflags=all=-N -l"); else cflags=(); gcflags=(); fi
    for p in $PROGRAMS; do
      echo "go$v $mode $p" >&2
      rm -f "$out/$p".*
      gorun "$v" go tool compile "${cflags[@]}" -trimpath "$PWD" -o "$out/$p.o" "$p.go"
      check_paths "$out/$p.o"
      gorun "$v" go tool objdump "$out/$p.o" > "$out/$p.objdump"
      bin=$tmp/bin/$p-$v-$mode
      gorun "$v" go build -trimpath "${gcflags[@]}" -o "$bin" "$p.go"
      set +e
      env -i PATH=/usr/bin:/bin LANG=C LC_ALL=C timeout 60 "$bin" \
        > "$out/$p.stdout" 2> "$out/$p.stderr"
      echo $? > "$out/$p.exit"
      set -e
    done
  done
done

# The seed's environment: Go 1.15, macOS/amd64, -N -l, no -p.
case " $versions " in *" 1.15 "*)
  case " $PROGRAMS " in *" deferr "*)
    out=$fixdir/go1.15-darwin/nl
    mkdir -p "$out"
    rm -f "$out"/deferr.*
    gorun 1.15 env GOOS=darwin go tool compile -N -l -trimpath "$PWD" -o "$out/deferr.o" deferr.go
    check_paths "$out/deferr.o"
    gorun 1.15 go tool objdump "$out/deferr.o" > "$out/deferr.objdump"
  ;; esac
;; esac

# A copy of the seed, so the project is self-contained.
if [ -d "$seeddir" ]; then
  mkdir -p "$fixdir/seed"
  cp "$seeddir/deferr-objdump.txt" "$seeddir/deferr.go" "$seeddir/README.md" "$fixdir/seed/"
fi
echo "fixtures written to $fixdir" >&2
