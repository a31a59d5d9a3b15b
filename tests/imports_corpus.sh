#!/usr/bin/env bash
# The Go distribution's own `// run` test programs that import packages, all of them among the
# common standard ones (fmt, strings, strconv, errors, sort, sync, sync/atomic, os, bytes,
# math, unicode/utf8, context, time, io), without build constraints: each is built by its
# release's go command and run natively, then run by `godefer-emu --go GO -q` (-N -l, and -O
# when MODES says so); stdout, stderr and the exit status must match. Programs listed in
# tests/corpus/imports-expected-failures.txt (`go1.X MODE test/NAME.go  reason`) must fail; the
# test fails when an unlisted one fails or a listed one passes.
# Usage: tests/imports_corpus.sh GODEFER [--rewrite]
#   IMPORT_RELEASES (default "1.15 1.22 1.27"), MODES (default "-N-l -O"), GO_TOOLCHAINS.
# --rewrite prints the list of what failed (for review) instead of checking it.
set -uo pipefail
emu=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
rewrite=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
tc=${GO_TOOLCHAINS:-$top/.toolchains}
expected=$top/tests/corpus/imports-expected-failures.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
allowed=" fmt strings strconv errors sort sync sync/atomic os bytes math unicode/utf8 context time io "
fails=0 pass=0 total=0 missing=()
: >"$work/failed"
for v in ${IMPORT_RELEASES:-1.15 1.22 1.27}; do
  goroot=$tc/go$v/usr/lib/go-$v
  go=$goroot/bin/go
  if [ ! -x "$go" ]; then
    missing+=("go$v")
    continue
  fi
  export GOCACHE=${GOCACHE_BASE:-$work}/gocache-$v GOFLAGS= GO111MODULE=off GOPATH=$work/gopath
  vpass=0 vtotal=0
  for f in "$goroot"/test/*.go "$goroot"/test/*/*.go; do
    [ "$(head -1 "$f")" = "// run" ] || continue
    grep -q '^//go:build\|^// +build' "$f" && continue
    imps=$(awk '/^import \(/{f=1;next} f&&/^\)/{f=0} f{print $1} /^import "/{print $2}' "$f" |
      tr -d '"' | grep -v '^$')
    [ -n "$imps" ] || continue
    ok=1
    for i in $imps; do [[ $allowed == *" $i "* ]] || ok=0; done
    [ $ok = 1 ] || continue
    rel=test/${f#"$goroot"/test/}
    dir=$(dirname "$f")
    if ! (cd "$dir" && "$go" build -o "$work/native" "$f") >/dev/null 2>&1; then continue; fi
    (cd "$dir" && timeout 60 "$work/native" >"$work/n.out" 2>"$work/n.err")
    nrc=$?
    for mode in ${MODES:--N-l -O}; do
      opt=()
      [ "$mode" = -O ] && opt=(-O)
      total=$((total + 1)) vtotal=$((vtotal + 1))
      (cd "$dir" && timeout 120 "$emu" --go "$go" -q --time-limit 60 --max-insns 200000000 "${opt[@]}" "$f" \
        >"$work/e.out" 2>"$work/e.err")
      erc=$?
      key="go$v $mode $rel"
      if cmp -s "$work/n.out" "$work/e.out" && cmp -s "$work/n.err" "$work/e.err" &&
        [ "$nrc" = "$erc" ]; then
        pass=$((pass + 1)) vpass=$((vpass + 1))
        if [ -z "$rewrite" ] && grep -qF "$key " "$expected" 2>/dev/null; then
          echo "UNEXPECTED PASS $key (remove it from $expected)"
          fails=$((fails + 1))
        fi
        continue
      fi
      why=$(grep -m1 '^godefer-emu:' "$work/e.err" | cut -c1-160)
      [ -n "$why" ] || why="output differs (exit $erc, native $nrc)"
      echo "$key  $why" >>"$work/failed"
      if [ -z "$rewrite" ] && ! grep -qF "$key " "$expected" 2>/dev/null; then
        echo "FAIL $key: $why"
        fails=$((fails + 1))
      fi
    done
  done
  echo "go$v: $vpass/$vtotal runs match the native run"
done
if [ -n "$rewrite" ]; then
  sort "$work/failed"
  exit 0
fi
if [ ${#missing[@]} -gt 0 ]; then
  msg="no Go toolchain for ${missing[*]} under $tc (scripts/get-go-toolchains.sh fetches them)"
  if [ -n "${CI:-}" ]; then echo "FAIL: $msg"; exit 1; fi
  echo "SKIPPED: $msg"
  [ "$total" -eq 0 ] && exit 77
fi
echo "$pass/$total runs match; $fails unexpected"
[ "$fails" -eq 0 ]
