#!/usr/bin/env bash
# Set up, build, and run the main job on the bundled example: godefer-emu on deferr.o, function c.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh" "$top/build"
"$top/build/emulator/godefer-emu" --source-dir "$top/tests/programs" \
  "$top/tests/fixtures/go1.15-darwin/nl/deferr.o" c
