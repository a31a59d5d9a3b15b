#!/usr/bin/env bash
# Installs what godefer-emu needs on Debian bookworm (all from Debian's packages) and builds it.
# Usage: scripts/setup.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
shift || true
pkgs=(build-essential cmake pkg-config libunicorn-dev libzydis-dev libspdlog-dev libfmt-dev
      libcli11-dev nlohmann-json3-dev libedit-dev libssl-dev libgtest-dev libgmock-dev libbenchmark-dev
      tmux gdb chromium ccache)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node and npm for the DAP tests' client: Debian's, unless the machine already has them.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi
# The DAP tests' client (@vscode/debugadapter-testsupport), as pinned in its lockfile.
if [ ! -d "$top/tests/dap/node_modules/@vscode/debugadapter-testsupport" ]; then
  (cd "$top/tests/dap" && npm ci --no-audit --no-fund --loglevel=error)
fi
# ccache keeps the compiler's outputs between builds (in ~/.cache/ccache), whatever folder the
# clone is in (paths under the project are hashed relative to it).
export CCACHE_BASEDIR="$top" CCACHE_NOHASHDIR=1
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
