#!/usr/bin/env bash
# Rewrites the golden REPL transcripts (tests/golden/repl/NAME.txt) from the current build: each
# NAME.cmds names its command line on its first line (`# args: ...`) and is fed to godefer-emu on
# stdin from the repository root, stdout and stderr together, exactly as tests/unit/repl_test.cpp
# runs it. Review the diff before committing it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bin=${GODEFER_EMU:-build/emulator/godefer-emu}
[ -x "$bin" ] || { echo "no $bin: build first (or set GODEFER_EMU)" >&2; exit 1; }
for cmds in tests/golden/repl/*.cmds; do
  args=$(sed -n '1s/^# args: //p' "$cmds")
  [ -n "$args" ] || { echo "$cmds: the first line must be '# args: ...'" >&2; exit 1; }
  # shellcheck disable=SC2086 # the args line is split into words on purpose
  NO_COLOR=1 "$bin" $args < "$cmds" > "${cmds%.cmds}.txt" 2>&1 || true
  echo "wrote ${cmds%.cmds}.txt"
done
git --no-pager diff --stat -- tests/golden/repl || true
