#!/usr/bin/env bash
# Compares `godefer-emu objdump` with `go tool objdump` on every package archive of one Go
# release's standard library (linux/amd64, GOAMD64=v1, built into a private cache).
#
#   scripts/objdump-sweep.sh 1.25 [path/to/godefer-emu] [workdir]
#
# Prints one line per archive that differs (mismatching/total lines, first difference) and a
# summary "go1.25: N archives, L lines, M mismatching lines, F archives differ". Listings of
# differing archives stay in workdir/diff/ for reading.
set -euo pipefail

v=${1:?usage: objdump-sweep.sh VERSION [godefer-emu] [workdir]}
root=$(cd "$(dirname "$0")/.." && pwd)
emu=${2:-$root/build/emulator/godefer-emu}
work=${3:-/tmp/objdump-sweep/go$v}
goroot=$root/.toolchains/go$v/usr/lib/go-$v
[[ -x $goroot/bin/go ]] || { echo "no toolchain at $goroot" >&2; exit 2; }
[[ -x $emu ]] || { echo "no godefer-emu at $emu" >&2; exit 2; }
mkdir -p "$work/home" "$work/diff"

gorun() {
  env -i PATH="$goroot/bin:/usr/bin:/bin" LANG=C LC_ALL=C \
    HOME="$work/home" GOPATH="$work/gopath" GOCACHE="$work/cache" GOENV=off \
    GOROOT="$goroot" GOTOOLCHAIN=local GO111MODULE=off CGO_ENABLED=0 \
    GOOS=linux GOARCH=amd64 GOAMD64=v1 GOTMPDIR="$work" GOFLAGS= \
    "$@"
}

gorun go list -export -f '{{if .Export}}{{.ImportPath}} {{.Export}}{{end}}' std >"$work/exports"

archives=0 lines=0 mismatches=0 differ=0
while read -r pkg file; do
  archives=$((archives + 1))
  name=${pkg//\//_}
  gorun go tool objdump "$file" >"$work/want" 2>&1 || true
  "$emu" objdump "$file" >"$work/got" 2>&1 || true
  read -r n m first < <(awk '
    NR == FNR { want[FNR] = $0; nw = FNR; next }
    { have[FNR] = $0; nh = FNR }
    END {
      n = nw > nh ? nw : nh; m = 0; first = 0
      for (i = 1; i <= n; i++) if (!(i in want) || !(i in have) || want[i] != have[i]) {
        m++; if (!first) first = i
      }
      print n, m, first
    }' "$work/want" "$work/got")
  lines=$((lines + n))
  if ((m > 0)); then
    mismatches=$((mismatches + m))
    differ=$((differ + 1))
    cp "$work/want" "$work/diff/$name.want"
    cp "$work/got" "$work/diff/$name.got"
    echo "$pkg: $m of $n lines differ, first at line $first"
  fi
done <"$work/exports"
echo "go$v: $archives archives, $lines lines, $mismatches mismatching lines, $differ archives differ"
