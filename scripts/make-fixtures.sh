#!/usr/bin/env bash
# Regenerates tests/fixtures/ from tests/programs/*.go with real Go toolchains.
#
# For every Go version V in $VERSIONS, every mode M in {nl, opt} and every program P:
#   tests/fixtures/goV/M/P.o        go tool compile [-N -l] -trimpath "$PWD" -o ... P.go
#                                   (run inside tests/programs, so the object records "P.go")
#   tests/fixtures/goV/M/P.objdump  go tool objdump P.o (the full listing)
#   tests/fixtures/goV/M/P.stdout   stdout of the natively built program
#   tests/fixtures/goV/M/P.stderr   its stderr (println output, panic messages and traces)
#   tests/fixtures/goV/M/P.exit     its exit status, a number and a newline
#   tests/fixtures/goV/M/P.fmt      for a program with a P.fmtref file: what that code prints
#                                   with fmt (built into the native program only)
# A program with a line `//go:build go1.N` has no fixtures for releases before go1.N.
# nl = -N -l (no optimisation, no inlining); opt = the default optimisation.
# Plus tests/fixtures/go1.15-darwin/nl/deferr.{o,objdump} (GOOS=darwin GOARCH=amd64, the
# seed's environment; nothing is run), checked against the seed listing,
# tests/fixtures/go1.25-nodwarf5/nl/deferr.{o,objdump} (GOEXPERIMENT=nodwarf5), and a copy of
# the seed in tests/fixtures/seed/.
#
# Environment:
#   GO_TOOLCHAINS  folder holding goV/usr/lib/go-V (default: <project>/.toolchains; if a
#                  toolchain is missing there, scripts/get-go-toolchains.sh is called)
#   VERSIONS       space-separated subset of "1.15 1.19 1.21 1.22 1.23 1.24 1.25 1.26 1.27"
#   PROGRAMS       space-separated program names (default: all tests/programs/*.go)
#   SEED_DIR       where the seed is copied from (default: /work/shared/seed; if that is
#                  missing, the copy in tests/fixtures/seed is only used for the check)
# Nothing is downloaded except by get-go-toolchains.sh. Running it twice gives identical files.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tc=${GO_TOOLCHAINS:-$top/.toolchains}
versions=${VERSIONS:-"1.15 1.19 1.21 1.22 1.23 1.24 1.25 1.26 1.27"}
progdir=$top/tests/programs
fixdir=$top/tests/fixtures
seeddir=${SEED_DIR:-/work/shared/seed}
# Without the shared seed, check against the copy kept in the fixtures.
[ -d "$seeddir" ] || seeddir=$fixdir/seed

if [ -z "${PROGRAMS:-}" ]; then
  PROGRAMS=$(cd "$progdir" && ls -- *.go | sed 's/\.go$//' | LC_ALL=C sort | tr '\n' ' ')
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

# Runs a go command of toolchain $1 in a clean, private environment (GOPATH mode, no cgo,
# no network toolchain switching, no user go.env). Words like VAR=value may follow via env.
gorun() {
  local v=$1; shift
  local goroot; goroot=$(goroot_of "$v")
  env -i PATH="$goroot/bin:/usr/bin:/bin" LANG=C LC_ALL=C \
    HOME="$tmp/home" GOPATH="$tmp/gopath" GOCACHE="$tmp/cache-$v" GOENV=off \
    GOROOT="$goroot" GOTOOLCHAIN=local GO111MODULE=off CGO_ENABLED=0 \
    GOOS=linux GOARCH=amd64 GOAMD64=v1 GOTMPDIR="$tmp" \
    "$@"
}

# Fails if a generated file records an absolute path of this machine.
leak_re="$top|$tmp|$tc|/home/|/Users/|/tmp/|/root/"
check_paths() {
  local f
  for f in "$@"; do
    if LC_ALL=C grep -a -q -E "$leak_re" "$f"; then
      echo "error: $f records an absolute path:" >&2
      LC_ALL=C grep -a -o -E ".{0,40}($leak_re).{0,40}" "$f" >&2
      exit 1
    fi
  done
}

# Prints "function position bytes" for each instruction of c and c.func1 in a listing.
codeof() {
  awk -F'\t' '
    /^TEXT/ { f = $1; sub(/ gofile.*/, "", f); sub(/^TEXT /, "", f)
              keep = (f == "%22%22.c(SB)" || f == "%22%22.c.func1(SB)") }
    keep && /^  / { n = 0
                    for (i = 1; i <= NF; i++) if ($i != "") x[++n] = $i
                    sub(/^ +/, "", x[1]); sub(/^gofile\.\./, "", x[1])
                    print f, x[1], x[3] }' "$1"
}

cd "$progdir"
for v in $versions; do
  for mode in nl opt; do
    out=$fixdir/go$v/$mode
    mkdir -p "$out"
    if [ "$mode" = nl ]; then
      cflags=(-N -l); gcflags=("-gcflags=all=-N -l")
    else
      cflags=(); gcflags=()
    fi
    for p in $PROGRAMS; do
      rm -f "$out/$p".*
      # A program that needs a newer Go says so with a `//go:build go1.N` line: older
      # releases get no fixtures for it (the tests run it where its fixtures exist).
      need=$(sed -n 's|^//go:build go1\.\([0-9][0-9]*\)$|\1|p' "$p.go")
      if [ -n "$need" ] && [ "${v#1.}" -lt "$need" ]; then
        echo "go$v $mode $p: skipped (needs go1.$need)" >&2
        continue
      fi
      echo "go$v $mode $p" >&2
      gorun "$v" go tool compile "${cflags[@]}" -trimpath "$PWD" -o "$out/$p.o" "$p.go"
      gorun "$v" go tool objdump "$out/$p.o" > "$out/$p.objdump"
      bin=$tmp/bin/$p-$v-$mode
      gorun "$v" go build -trimpath "${gcflags[@]}" -o "$bin" "$p.go"
      set +e
      env -i PATH=/usr/bin:/bin LANG=C LC_ALL=C timeout 60 "$bin" \
        > "$out/$p.stdout" 2> "$out/$p.stderr"
      echo $? > "$out/$p.exit"
      set -e
      # P.fmtref: Go code added to the native build (not to the object) that prints P's values
      # with fmt when VALUES_FMT is set, for the tests to compare the tool's %v/%+v forms with:
      # tests/fixtures/goV/M/P.fmt.
      if [ -f "$p.fmtref" ]; then
        fdir=$tmp/fmt-$p-$v-$mode
        mkdir -p "$fdir"
        cp "$p.go" "$fdir/"
        cp "$p.fmtref" "$fdir/zz_fmtref.go"
        (cd "$fdir" && gorun "$v" go build -trimpath "${gcflags[@]}" -o "$bin-fmt" .)
        env -i PATH=/usr/bin:/bin LANG=C LC_ALL=C VALUES_FMT=1 timeout 60 "$bin-fmt" \
          > "$out/$p.fmt"
      fi
      check_paths "$out/$p".*
    done
  done
done

# deferr.go built -N -l by Go $1 under the environment settings $3... into go$1-$2/nl, with its
# listing; nothing is run. Sets $out.
variant_deferr() {
  local v=$1 tag=$2
  shift 2
  out=$fixdir/go$v-$tag/nl
  mkdir -p "$out"
  rm -f "$out"/deferr.*
  echo "go$v-$tag nl deferr" >&2
  gorun "$v" env "$@" go tool compile -N -l -trimpath "$PWD" -o "$out/deferr.o" deferr.go
  gorun "$v" go tool objdump "$out/deferr.o" > "$out/deferr.objdump"
  check_paths "$out"/deferr.*
}

# The seed's environment: Go 1.15, macOS/amd64, -N -l, no -p.
case " $versions " in *" 1.15 "*)
  case " $PROGRAMS " in *" deferr "*)
    variant_deferr 1.15 darwin GOOS=darwin
    # The code of c and c.func1 must equal the seed listing: the same instruction bytes
    # and line numbers (addresses differ: the seed's object held a longer source path).
    if [ -f "$seeddir/deferr-objdump.txt" ]; then
      if diff <(codeof "$seeddir/deferr-objdump.txt") <(codeof "$out/deferr.objdump") >&2; then
        echo "go1.15-darwin deferr.o: c and c.func1 match the seed" \
          "($(codeof "$out/deferr.objdump" | wc -l) instructions)" >&2
      else
        echo "error: go1.15-darwin deferr.o differs from the seed listing" >&2
        exit 1
      fi
    fi
  ;; esac
;; esac

# Go 1.25 with GOEXPERIMENT=nodwarf5: DWARF 4 forms on linux, told apart by the header's
# experiment list (nothing is run: the code is that of go1.25/nl/deferr.o).
case " $versions " in *" 1.25 "*)
  case " $PROGRAMS " in *" deferr "*)
    variant_deferr 1.25 nodwarf5 GOEXPERIMENT=nodwarf5
  ;; esac
;; esac

# A copy of the seed, so the project is self-contained.
if [ -d "$seeddir" ] && [ "$seeddir" != "$fixdir/seed" ]; then
  mkdir -p "$fixdir/seed"
  cp "$seeddir/deferr-objdump.txt" "$seeddir/deferr.go" "$seeddir/README.md" "$fixdir/seed/"
fi
echo "fixtures written to $fixdir" >&2
