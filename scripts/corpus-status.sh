#!/usr/bin/env bash
# Runs every program of the Go test corpus (tests/fixtures/corpus) with the built unit-test
# binary and rewrites tests/corpus/expected-failures.txt from the results, for review with
# `git diff`: one `goV MODE PROGRAM  REASON` line per program that does not match its native run
# (REASON: the first line of the emulator's error, or what differs). Prints a summary: programs,
# passing and failing per release and mode, and the most frequent reasons.
#
# Usage: scripts/corpus-status.sh [BUILD_DIR]   (default: build; needs tests/godefer_unit_tests)
# Environment: JOBS (parallel shards, default: the number of cores).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
bin=$build/tests/godefer_unit_tests
jobs=${JOBS:-$(nproc)}
list=$top/tests/corpus/expected-failures.txt
export LC_ALL=C
[ -x "$bin" ] || { echo "error: $bin is not built" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pids=()
for ((i = 0; i < jobs; i++)); do
  GTEST_TOTAL_SHARDS=$jobs GTEST_SHARD_INDEX=$i GODEFER_CORPUS_REPORT=$tmp/report \
    "$bin" --gtest_filter='GoCorpus_*' --gtest_brief=1 > "$tmp/log$i" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do
  wait "$pid" || true # listed or not, failures are what this script reports
done
[ -s "$tmp/report" ] || { echo "error: no corpus program ran" >&2; cat "$tmp/log0" >&2; exit 1; }
sort "$tmp/report" > "$tmp/all"

mkdir -p "$(dirname "$list")"
{
  echo "# Programs of the Go test corpus (tests/fixtures/corpus) that do not match their native"
  echo "# run today: release mode program  reason. Written by scripts/corpus-status.sh; reviewed"
  echo "# by hand. tests/unit/corpus_test.cpp fails when a listed program passes (remove its line)"
  echo "# or an unlisted one fails."
  awk '{ r = $0; sub(/^[^ ]+ [^ ]+ [^ ]+  /, "", r) } r != "ok"' "$tmp/all"
} > "$list"

echo "release mode: programs, passing, failing"
awk '{ k = $1 " " $2; n[k]++; r = $0; sub(/^[^ ]+ [^ ]+ [^ ]+  /, "", r)
       if (r == "ok") ok[k]++ }
     END { for (k in n) printf "  %s: %d, %d, %d\n", k, n[k], ok[k], n[k] - ok[k] }' "$tmp/all" |
  sort
echo "most frequent reasons (positions and values left out):"
awk '{ r = $0; sub(/^[^ ]+ [^ ]+ [^ ]+  /, "", r) } r != "ok" { print r }' "$tmp/all" |
  sed -E -e 's/^[^ ]+\.o: //' -e 's/ \((called from|at) [^)]*\)?$//' \
    -e 's/ (reached )?at [^ ]+\+0x[0-9a-f]+.*$//' \
    -e 's/^(output differs: (stderr|stdout)) line [0-9]+: "(([^ "]+ ?){1,3}).*/\1: "\3..."/' \
    -e 's/^(output differs: exit status) .*/\1/' -e 's/0x[0-9a-f]+/0x?/g' |
  sort | uniq -c | sort -rn | head -"${TOP:-25}"
echo "wrote $list ($(grep -vc '^#' "$list") programs)"
