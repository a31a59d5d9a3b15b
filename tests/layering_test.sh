#!/usr/bin/env bash
# The parts depend one way: loader <- runtime_stubs <- emulator/engine <- emulator/debugger <-
# emulator/frontends/*, and front ends do not include one another except through what they are
# built on (cli may use repl, gdb, dap, trace and html; gdb and dap may use repl; repl and html
# may use trace). Fails on any #include that goes the
# other way. Usage: layering_test.sh [PROJECT_DIR]
set -uo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2
bad=0
check() { # folder, forbidden include prefixes...
  local dir=$1
  shift
  for prefix in "$@"; do
    hits=$(grep -rn "#include \"$prefix" "$dir" --include='*.cpp' --include='*.h' --include='*.c')
    if [ -n "$hits" ]; then
      echo "layering_test: $dir must not include $prefix:"
      echo "$hits"
      bad=1
    fi
  done
}
check loader runtime_stubs/ emulator/
check runtime_stubs emulator/
check emulator/engine emulator/debugger/ emulator/frontends/
check emulator/debugger emulator/frontends/
check emulator/frontends/trace emulator/debugger/ emulator/frontends/repl/ emulator/frontends/cli/
check emulator/frontends/repl emulator/frontends/cli/ emulator/frontends/html/
check emulator/frontends/gdb emulator/frontends/cli/ emulator/frontends/dap/
check emulator/frontends/dap emulator/frontends/cli/ emulator/frontends/gdb/
check emulator/frontends/library emulator/frontends/cli/ emulator/frontends/repl/ emulator/frontends/gdb/
check emulator/frontends/html emulator/debugger/ emulator/frontends/repl/ emulator/frontends/cli/
check emulator/frontends/trace emulator/frontends/html/
if ! grep -rq '#include "loader/' runtime_stubs; then
  echo "layering_test: runtime_stubs includes nothing of loader/: wrong folder?" >&2
  exit 1
fi
[ "$bad" = 0 ] && echo "layering_test: dependencies go one way"
exit "$bad"
