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
  status=0
  NO_COLOR=1 "$bin" $args < "$cmds" > "${cmds%.cmds}.txt" 2>&1 || status=$?
  # A transcript may end in a guest's exit status (a panic is 2); the emulator's own failures
  # (1 an --expect mismatch, 3 could not load or run) mean the transcript is not worth keeping.
  case $status in
    0 | 2) echo "wrote ${cmds%.cmds}.txt (exit $status)" ;;
    *) echo "${cmds}: godefer-emu exited $status; see ${cmds%.cmds}.txt" >&2; exit 1 ;;
  esac
done
if git rev-parse --git-dir > /dev/null 2>&1; then
  git --no-pager diff --stat -- tests/golden/repl
fi
