#!/usr/bin/env bash
# Rewrites the golden traces under tests/golden from the current build and shows the diff, for
# an intended change of the trace format. Review the diff before committing it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin=${GODEFER_EMU:-build/emulator/godefer-emu}
mkdir -p tests/golden
"$bin" --no-color --source-dir tests/programs tests/fixtures/go1.15-darwin/nl/deferr.o c \
  > tests/golden/seed-trace.txt
git --no-pager diff --stat -- tests/golden || true
