#!/usr/bin/env bash
# Builds godefer-emu and its benchmarks (Release, in build-bench/), runs godefer_bench
# (Google Benchmark: emulator throughput untraced and traced, in-process start-up), then times
# the real command `godefer-emu -q tests/fixtures/go1.15-darwin/nl/deferr.o c` over RUNS runs
# and prints a short summary; beside it, /bin/true and bench/bare_start.c (the engine's own start,
# linked as godefer-emu links it).
#
# Environment:
#   BUILD_DIR        build folder (default: <project>/build-bench)
#   RUNS             start-up runs of the command and of /bin/true (default: 50)
#   BENCH_MIN_TIME   --benchmark_min_time, seconds per benchmark (default: 2)
#   BENCH_FILTER     --benchmark_filter regex (default: all)
#   GODEFER_SKIP_BUILD=1  use the existing build as it is
# Needs only bash, awk and the Debian packages scripts/setup.sh installs (no hyperfine).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-bench}
runs=${RUNS:-50}
min_time=${BENCH_MIN_TIME:-2}
filter=${BENCH_FILTER:-.}

if [ "${GODEFER_SKIP_BUILD:-0}" != 1 ]; then
  "$top/scripts/setup.sh" "$build" -DCMAKE_BUILD_TYPE=Release -DGODEFER_TESTS=OFF \
    -DGODEFER_BENCH=ON
fi
bench=$build/bench/godefer_bench
emu=$build/emulator/godefer-emu
for f in "$bench" "$emu"; do
  [ -x "$f" ] || { echo "bench.sh: $f is missing (build failed?)" >&2; exit 1; }
done

csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
echo "== godefer_bench (min time ${min_time}s per benchmark)"
"$bench" --benchmark_min_time="$min_time" --benchmark_filter="$filter" \
  --benchmark_out="$csv" --benchmark_out_format=csv

# The real command, process start included: RUNS runs, wall time of each.
obj=$top/tests/fixtures/go1.15-darwin/nl/deferr.o
out=$("$emu" -q "$obj" c)
if [ "$out" != 2 ]; then
  echo "bench.sh: godefer-emu -q deferr.o c printed '$out', not 2" >&2
  exit 1
fi
# Median wall time of RUNS runs of a command, in ms (bash's clock, no hyperfine).
median_ms() {
  local t=() i t0
  for ((i = 0; i < runs; i++)); do
    t0=$EPOCHREALTIME
    "$@" > /dev/null 2>&1 || true
    t+=("$t0 $EPOCHREALTIME")
  done
  printf '%s\n' "${t[@]}" | awk '{ print ($2 - $1) * 1000 }' | sort -n |
    awk '{ v[NR] = $1 } END { printf "%.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
bare=$build/bench/godefer_bare_start
[ "$("$bare")" = 1 ] || { echo "bench.sh: $bare did not print 1" >&2; exit 1; }
true_ms=$(median_ms /bin/true)
bare_ms=$(median_ms "$bare")
emu_ms=$(median_ms "$emu" -q "$obj" c)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
startup="median $emu_ms ms = $(ratio "$emu_ms" "$true_ms")x /bin/true ($true_ms ms) = $(ratio "$emu_ms" "$bare_ms")x the bare engine's start ($bare_ms ms = $(ratio "$bare_ms" "$true_ms")x /bin/true: open Unicorn, map a page, run one instruction)"

# One line per benchmark from the CSV (after its context lines; names are quoted).
summary=$(awk -F, '
  function rate(r) { return r >= 1e6 ? sprintf("%.1f M", r / 1e6) : sprintf("%.0f k", r / 1e3) }
  !hdr && /^name,/ { hdr = 1; for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i }; next }
  !hdr { next }
  { name = $1; gsub(/"/, "", name); sub(/\/.*/, "", name)
    unit = $(col["time_unit"])
    if ($(col["error_occurred"]) == "true") { printf "%s error: %s\n", name, $(col["error_message"]); next }
    if (("reverse_stepi_ms" in col) && $(col["reverse_stepi_ms"]) + 0 > 0)
      printf "%s after %.0f recorded insns: reverse-stepi %.1f ms, reverse-continue to the start %.1f ms; checkpoints %.1f MiB, peak RSS %.0f MiB\n",
             name, $(col["recorded"]), $(col["reverse_stepi_ms"]), $(col["reverse_continue_ms"]),
             $(col["checkpoint_MiB"]), $(col["peak_RSS_MiB"])
    else if (("halts/s" in col) && $(col["halts/s"]) + 0 > 0)
      printf "%s %s halts/s (%.2f us each)\n", name, rate($(col["halts/s"])), 1e6 / $(col["halts/s"])
    else if (("calls/run" in col) && $(col["calls/run"]) + 0 > 0)
      printf "%s %s insns/s (%.0f insns, %.0f runtime calls per run: %.2f us per call with its share of instructions)\n",
             name, rate($(col["insns/s"])), $(col["insns/run"]), $(col["calls/run"]),
             $(col["cpu_time"]) * ($(col["time_unit"]) == "ms" ? 1000 : 1) / $(col["calls/run"])
    else if (("checkpoints" in col) && $(col["checkpoints"]) + 0 > 0)
      printf "%s %s insns/s (%.0f checkpoints, %.1f MiB)\n", name, rate($(col["insns/s"])),
             $(col["checkpoints"]), $(col["checkpoint_MiB"])
    else if (("insns/s" in col) && $(col["insns/s"]) + 0 > 0)
      printf "%s %s insns/s (%.0f insns per run, %.1f %s cpu per run)\n", name,
             rate($(col["insns/s"])), $(col["insns/run"]), $(col["cpu_time"]), unit
    else
      printf "%s %.0f %s cpu per open+start+run\n", name, $(col["cpu_time"]), unit }' "$csv")

echo
echo "== summary ($(nproc) cores, $(uname -m))"
echo "$summary" | sed \
  -e 's/^BM_SpinBare /spin (stack loads and stores), bare Unicorn, no hooks: /' \
  -e 's/^BM_SpinUntracedOpt /spin, untraced, counted per block:               /' \
  -e 's/^BM_SpinUncountedOpt /spin, untraced, not counted (-q):                /' \
  -e 's/^BM_SumBare /sum (registers only), bare Unicorn, no hooks:     /' \
  -e 's/^BM_SumUntracedOpt /sum, untraced, counted per block:                /' \
  -e 's/^BM_SumUncountedOpt /sum, untraced, not counted (-q):                 /' \
  -e 's/^BM_HaltBare /runtime-call floor, bare Unicorn (stop on unmapped fetch, restart): /' \
  -e 's/^BM_RecdUncounted /recd(100000), -q (a defer per level):            /' \
  -e 's/^BM_SpinRecorded /spin, -i continue, recording:                    /' \
  -e 's/^BM_SumRecorded /sum, -i continue, recording:                     /' \
  -e 's/^BM_ReverseAfter1G /time travel, sum:/' \
  -e 's/^BM_SpinUntraced /spin -N -l, untraced:     /' \
  -e 's/^BM_SpinEvents /spin -N -l, events only:  /' \
  -e 's/^BM_SpinText /spin -N -l, text trace:   /' -e 's/^BM_SpinJson /spin -N -l, JSON trace:   /' \
  -e 's/^BM_StartupDeferr /start-up in-process:  /'
echo "start-up, command:     godefer-emu -q deferr.o c, $runs runs each: $startup"
# The tool against its engine on the same bytes, from the same run.
echo "$summary" | awk '
  function r(x) { return x ~ /k$/ ? 0 : x }
  { v[$1] = $2 }
  END {
    split("Spin Sum", loops, " ")
    for (i = 1; i <= 2; i++) {
      b = v["BM_" loops[i] "Bare"]; c = v["BM_" loops[i] "UntracedOpt"]; u = v["BM_" loops[i] "UncountedOpt"]
      rec = v["BM_" loops[i] "Recorded"]
      if (b && c && u) printf "%s: counted / bare %.2fx, not counted / bare %.2fx", tolower(loops[i]), c / b, u / b
      if (b && c && u && rec) printf ", recording / not counted %.2fx", rec / u
      if (b && c && u) printf "\n"
    }
    if (v["BM_RecdUncounted"] && v["BM_SumUncountedOpt"])
      printf "recd -q: time per instruction %.0fx that of sum -q\n", v["BM_SumUncountedOpt"] / v["BM_RecdUncounted"]
  }'
