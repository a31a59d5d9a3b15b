#!/usr/bin/env bash
# Regenerates tests/fixtures/corpus/ from the Go distribution's own test programs
# ($GOROOT/test of each release) with that release's toolchain.
#
# A program is selected when, as the Go test runner (cmd/internal/testdir, test/run.go) reads it:
#   - its recipe, the first non-blank line that is not a build constraint, is exactly `// run`
#     (no flags, no arguments; not runoutput, rundir, buildrun, ...);
#   - it has no import declaration at all;
#   - its build constraints (`//go:build`, or `// +build` lines where the release reads them),
#     if any, hold on linux/amd64 for that release (tags: linux, amd64, gc, unix from Go 1.19,
#     go1.1..go1.N of the release, gcflags_noopt in the nl mode; every other tag is false);
#   - it is a single-file program: top-level test/*.go and *.go in the subdirectories
#     (fixedbugs/, ken/, chan/, typeparam/, ...), never a file inside a NAME.dir/ of a
#     multi-file test.
# For every release V in $VERSIONS, mode M in {nl, opt} and selected program P (path under
# test/ without .go, e.g. `235` or `fixedbugs/bug000`):
#   tests/fixtures/corpus/goV/M/P.o       go tool compile -p main [-N -l] -trimpath "$PWD" -o ... P.go
#                                         (run in P's folder, as make-fixtures.sh compiles, but
#                                         with the -p main that go build passes to the compiler)
#   tests/fixtures/corpus/goV/M/P.stdout  stdout of the natively built program
#   tests/fixtures/corpus/goV/M/P.stderr  its stderr
#   tests/fixtures/corpus/goV/M/P.exit    its exit status, a number and a newline
# nl = -N -l (no optimisation, no inlining); opt = the default optimisation. The native binary
# is built by the same toolchain in the same private environment as make-fixtures.sh's
# (`go build -trimpath [-gcflags='all=-N -l']`) and run twice under `env -i` with a time
# limit; a program that fails to compile or build, does not finish in $RUN_TIMEOUT seconds, or
# prints differently in the two runs (up to a goroutine traceback) is left out and listed with
# the reason in tests/fixtures/corpus/SKIPPED.txt. No listings or sources are stored: the
# release and P name the source in that release's Go source package (golang-1.X-src).
#
# Environment:
#   GO_TOOLCHAINS  folder holding goV/usr/lib/go-V (default: <project>/.toolchains; if a
#                  toolchain is missing there, scripts/get-go-toolchains.sh is called)
#   VERSIONS       space-separated releases (default "1.15 1.22 1.27")
#   JOBS           parallel jobs (default: the number of cores)
#   RUN_TIMEOUT    seconds a native run may take (default 10). The longest native run,
#                  Go 1.15's divmod built -N -l, takes 2 s on an idle machine of 2 cores but passed
#                  10 s with JOBS=2 on one loaded 7-fold: on a busy machine it may be skipped.
#   LIST_ONLY=1    only print the selected programs ("1.N MODE PROGRAM" lines)
#   CORPUS_DIR     write there instead of tests/fixtures/corpus
# Running it twice gives identical files.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tc=${GO_TOOLCHAINS:-$top/.toolchains}
versions=${VERSIONS:-"1.15 1.22 1.27"}
jobs=${JOBS:-$(nproc)}
run_timeout=${RUN_TIMEOUT:-10}
corpus=${CORPUS_DIR:-$top/tests/fixtures/corpus}
export LC_ALL=C

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
mkdir -p "$tmp/home" "$tmp/gopath" "$tmp/bin" "$tmp/skip"

# The recipe of a test file as the Go test runner reads it: the first line that is neither
# blank nor a build constraint, without its leading "//", trimmed.
recipe() {
  awk '{ line = $0; t = line; gsub(/^[ \t]+|[ \t\r]+$/, "", t)
         if (t ~ /^\/\/go:build/ || t ~ /^\/\/ *\+build/) next
         sub(/^\/\//, "", t); gsub(/^[ \t]+|[ \t]+$/, "", t)
         if (t == "") next
         print t; exit }' "$1"
}

# Whether tag $1 holds for release $2 (1.N) in mode $3 on linux/amd64.
tag_holds() {
  local tag=$1 v=$2 mode=$3
  case $tag in
  linux | amd64 | gc) return 0 ;;
  unix) [ "${v#1.}" -ge 19 ] ;;
  gcflags_noopt) [ "$mode" = nl ] ;;
  go1.[0-9]*) [ "${tag#go1.}" -le "${v#1.}" ] 2>/dev/null ;;
  *) return 1 ;;
  esac
}

# Whether the build constraints in the header of $1 (the lines before `package`) hold for
# release $2 in mode $3. A //go:build line is an expression of tags, !, &&, || and parentheses;
# without one (or in Go 1.15, which reads only those), every // +build line must hold: a line
# holds when one of its space-separated options does, an option when all of its
# comma-separated terms do, a term !T when T does not.
constraints_hold() {
  local file=$1 v=$2 mode=$3 header gob expr tok line opt term ok any all t
  header=$(sed '/^package /q' "$file")
  gob=$(grep -E '^//go:build ' <<<"$header" | head -1 | sed 's#^//go:build ##') || true
  if [ -n "$gob" ] && [ "${v#1.}" -ge 17 ]; then
    expr=""
    for tok in $(sed -E 's/(\(|\)|!|&&|\|\|)/ \1 /g' <<<"$gob"); do
      case $tok in
      '(' | ')' | '!' | '&&' | '||') expr+=" $tok" ;;
      *) if tag_holds "$tok" "$v" "$mode"; then expr+=" 1"; else expr+=" 0"; fi ;;
      esac
    done
    [ "$((expr))" = 1 ]
    return
  fi
  while read -r line; do
    [ -n "$line" ] || continue
    any=1
    for opt in ${line#// +build}; do
      all=0
      for term in ${opt//,/ }; do
        if [ "${term#!}" != "$term" ]; then
          t=${term#!}
          tag_holds "$t" "$v" "$mode" && { all=1; break; }
        else
          tag_holds "$term" "$v" "$mode" || { all=1; break; }
        fi
      done
      [ "$all" = 0 ] && { any=0; break; }
    done
    [ "$any" = 0 ] || return 1
  done < <(grep -E '^// \+build' <<<"$header" || true)
  return 0
}

# The selected programs of release $1, mode $2: paths under test/ without .go, sorted.
select_programs() {
  local v=$1 mode=$2 testdir rel
  testdir=$(goroot_of "$v")/test
  (cd "$testdir" && find . -name '*.go' -not -path '*.dir/*' | sed 's#^\./##' | sort) |
    while read -r rel; do
      [ "$(recipe "$testdir/$rel")" = run ] || continue
      grep -q -E '^[[:space:]]*import([[:space:](]|$)' "$testdir/$rel" && continue
      constraints_hold "$testdir/$rel" "$v" "$mode" || continue
      echo "${rel%.go}"
    done
}

# One program: release $1, mode $2, program $3. Writes its four files or a line in
# $tmp/skip/.
one() {
  local v=$1 mode=$2 p=$3 goroot dir name out bin key cflags gcflags s
  goroot=$(goroot_of "$v")
  dir=$goroot/test/$(dirname "$p")
  name=$(basename "$p")
  out=$corpus/go$v/$mode/$p
  key=$(tr / _ <<<"go$v-$mode-$p")
  bin=$tmp/bin/$key
  if [ "$mode" = nl ]; then
    cflags=(-p main -N -l); gcflags=("-gcflags=all=-N -l")
  else
    cflags=(-p main); gcflags=()
  fi
  gorun() {
    env -i PATH="$goroot/bin:/usr/bin:/bin" LANG=C LC_ALL=C \
      HOME="$tmp/home" GOPATH="$tmp/gopath" GOCACHE="$tmp/cache-$v" GOENV=off \
      GOROOT="$goroot" GOTOOLCHAIN=local GO111MODULE=off CGO_ENABLED=0 \
      GOOS=linux GOARCH=amd64 GOAMD64=v1 GOTMPDIR="$tmp" \
      "$@"
  }
  skip() { # reason
    echo "go$v $mode $p  $1" | sed -e "s#$goroot#\$GOROOT#g" -e "s#$(cd -P "$goroot" && pwd)#\$GOROOT#g" -e "s#$tmp#\$TMP#g" \
      > "$tmp/skip/$key"
    rm -f "$out".o "$out".stdout "$out".stderr "$out".exit
  }
  firstline() { grep -v '^#' "$1" | head -1; }
  mkdir -p "$(dirname "$out")"
  # The physical path: the compiler records what getcwd says (env -i passes no PWD), so a
  # toolchain folder reached through a symbolic link must be trimmed by its real path.
  cd -P "$dir"
  if ! gorun go tool compile "${cflags[@]}" -trimpath "$PWD" -o "$out.o" "$name.go" \
    > "$tmp/$key.log" 2>&1; then
    skip "does not compile: $(firstline "$tmp/$key.log" | sed "s#$(pwd -P)/##g")"
    return 0
  fi
  if ! gorun go build -trimpath "${gcflags[@]}" -o "$bin" "$name.go" > "$tmp/$key.log" 2>&1; then
    skip "does not build natively: $(firstline "$tmp/$key.log" | sed "s#$(pwd -P)/##g")"
    return 0
  fi
  for run in 1 2; do
    set +e
    (cd "$tmp/home" && env -i PATH=/usr/bin:/bin LANG=C LC_ALL=C timeout "$run_timeout" "$bin" \
      > "$tmp/$key.out$run" 2> "$tmp/$key.err$run")
    s=$?
    set -e
    echo "$s" > "$tmp/$key.exit$run"
    if [ "$s" = 124 ]; then
      skip "does not finish natively within ${run_timeout} s"
      rm -f "$bin"
      return 0
    fi
  done
  rm -f "$bin"
  uptotb() { awk '/^goroutine / { exit } { print }' "$1"; }
  if ! cmp -s "$tmp/$key.out1" "$tmp/$key.out2" || ! cmp -s "$tmp/$key.exit1" "$tmp/$key.exit2" ||
    ! cmp -s <(uptotb "$tmp/$key.err1") <(uptotb "$tmp/$key.err2"); then
    skip "nondeterministic: two native runs differ"
    return 0
  fi
  mv "$tmp/$key.out1" "$out.stdout"
  mv "$tmp/$key.err1" "$out.stderr"
  mv "$tmp/$key.exit1" "$out.exit"
  rm -f "$tmp/$key".*
  # No generated file may record an absolute path of this machine.
  if LC_ALL=C grep -a -q -E "$leak_re" "$out".o "$out".stdout "$out".stderr; then
    echo "error: $out records an absolute path:" >&2
    LC_ALL=C grep -a -o -E ".{0,40}($leak_re).{0,40}" "$out".o "$out".stdout "$out".stderr >&2
    exit 1
  fi
}
# What no generated file may contain: paths of this machine (the toolchains' real folder too).
leak_re="$top|$tmp|$tc|$(cd -P "$tc" && pwd)|/work/|/home/|/Users/|/tmp/|/root/"
export -f one goroot_of
export tc tmp top corpus run_timeout leak_re

for v in $versions; do
  for mode in nl opt; do
    select_programs "$v" "$mode" | sed "s#^#$v $mode #"
  done
done > "$tmp/jobs"
if [ "${LIST_ONLY:-0}" = 1 ]; then
  cat "$tmp/jobs"
  exit 0
fi
for v in $versions; do
  for mode in nl opt; do
    rm -rf "${corpus:?}/go$v/$mode"
    mkdir -p "$corpus/go$v/$mode"
  done
done
echo "$(wc -l < "$tmp/jobs") programs to make" >&2

# The first build of each release and mode compiles the runtime; do that once, serially.
for v in $versions; do
  for mode in nl opt; do
    grep -m1 "^$v $mode " "$tmp/jobs" | while read -r a b c; do one "$a" "$b" "$c"; done
  done
done
xargs -r -P "$jobs" -L 1 bash -c 'one "$@"' _ < "$tmp/jobs"

# SKIPPED.txt: the previous lines of the releases not made now, then this run's.
{
  if [ -f "$corpus/SKIPPED.txt" ]; then
    { grep -v '^#' "$corpus/SKIPPED.txt" || true; } | awk -v vs="$versions" '
      BEGIN { n = split(vs, a, " "); for (i = 1; i <= n; i++) now["go" a[i]] = 1 }
      !($1 in now)'
  fi
  cat "$tmp/skip/"* 2>/dev/null || true
} | sort > "$tmp/skipped"
{
  echo "# Programs of \$GOROOT/test that scripts/make-corpus.sh selected but left out."
  echo "# release mode program  reason"
  cat "$tmp/skipped"
} > "$corpus/SKIPPED.txt"
find "$corpus" -type d -empty -delete

# README.md: where the corpus comes from, how it was made, what it holds.
{
  cat <<'HEAD'
# The Go test corpus

The Go distribution's own test programs (`$GOROOT/test`, the tree `go test cmd/internal/testdir`
runs) whose recipe is exactly `// run`, which import nothing and whose build constraints hold on
linux/amd64, compiled and run natively by each release. Generated by `scripts/make-corpus.sh`; do
not edit by hand. `tests/unit/corpus_test.cpp` runs every object's `main.main` in the emulator
and compares it with the native run (stdout, stderr up to the goroutine traceback, exit status);
`tests/corpus/expected-failures.txt` lists the programs that do not match yet
(`scripts/corpus-status.sh` rewrites it from a run). ctest runs one test per release and mode,
`GoCorpus_goV_MODE`; under the sanitizers only the newest release's `nl` programs run, and those
past 20 million instructions are skipped there.

## Layout

```
goV/nl/P.o     go tool compile -p main -N -l -trimpath "$PWD" -o P.o NAME.go  (in NAME.go's folder)
goV/opt/P.o    go tool compile -p main       -trimpath "$PWD" -o P.o NAME.go
goV/M/P.stdout, P.stderr, P.exit   the native run: go build -trimpath [-gcflags='all=-N -l'],
               run under env -i with a time limit
SKIPPED.txt    selected programs left out, with the reason: no compile or build, no end
               within the time limit, or two native runs that differ (up to a traceback)
```

P is the program's path under `$GOROOT/test` without `.go` (`235`, `fixedbugs/bug000`,
`typeparam/list`): with the release it names the source, which is in that release's Debian
`golang-1.X-src` package (and in `.toolchains/goV/usr/lib/go-V/test`). No sources or listings are
stored. The toolchains and the private environment are those of `scripts/make-fixtures.sh`
(GOPATH mode, `GOENV=off`, `CGO_ENABLED=0`, `GOAMD64=v1`; see `tests/fixtures/README.md`), with
one difference: the objects are compiled with `-p main`, as `go build` compiles the native
binary, so that both are the same code (without `-p`, Go 1.21+ optimised builds turn some
assertions that cannot fail into panics). Running the script twice gives identical files.

## Contents

| release | toolchain | mode | programs | skipped |
|---|---|---|---|---|
HEAD
  for v in $(cd "$corpus" && ls -d go*/ | sed 's#^go##; s#/$##' | sort -t. -k1,1n -k2,2n); do
    gv=$(env -i PATH="$(goroot_of "$v")/bin:/usr/bin:/bin" GOROOT="$(goroot_of "$v")" \
      HOME="$tmp/home" GOENV=off GOTOOLCHAIN=local go version | awk '{print $3}')
    for mode in nl opt; do
      n=$(find "$corpus/go$v/$mode" -name '*.o' 2>/dev/null | wc -l)
      k=$(grep -c "^go$v $mode " "$corpus/SKIPPED.txt" || true)
      echo "| go$v | $gv | $mode | $n | $k |"
    done
  done
  files=$(find "$corpus" -type f -not -name README.md | wc -l)
  bytes=$(find "$corpus" -type f -not -name README.md -printf '%s\n' | awk '{s += $1} END {print s}')
  echo
  echo "$files files, $bytes bytes ($(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB) besides this README."
} > "$corpus/README.md"
echo "corpus written to $corpus" >&2
