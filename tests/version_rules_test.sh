#!/usr/bin/env bash
# Every per-release fact lives in the release tables: code asks a profile for a behaviour and
# never compares Go version numbers. This test fails on any comparison involving a `minor`
# (the Go 1.x release number) outside the table files, which are the only places that may
# select by it:
#   loader/goversion.cpp            GoProfile rows, matchVersion, x86asmRulesFor
#   loader/go_tables.inc            generated builtin/relocation/symbol-kind tables
#   loader/dwarf_abbrev.cpp         the compilers' DWARF abbrev tables, one per release
#   runtime_stubs/runtime_profile.cpp  RuntimeProfile rows
# Usage: version_rules_test.sh [PROJECT_DIR]
set -uo pipefail
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$top" || exit 2
tables='^(loader/goversion\.cpp|loader/go_tables\.inc|loader/dwarf_abbrev\.cpp|runtime_stubs/runtime_profile\.cpp):'
# `minor` (or `minor_`, `goMinor`, ...) on either side of ==, !=, <, <=, >, >= (not `->minor`).
pattern='[Mm]inor_?[[:space:]]*(==|!=|<=|>=|<|>)|(==|!=|<=|>=|[^-]>|<)[[:space:]]*[A-Za-z_.()]*[Mm]inor\b'
hits=$(grep -rnE "$pattern" loader runtime_stubs emulator --include='*.cpp' --include='*.h' \
         --include='*.inc' | grep -vE "$tables" | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//')
files=$(find loader runtime_stubs emulator -name '*.cpp' -o -name '*.h' | wc -l)
if [ "$files" -lt 20 ]; then
  echo "version_rules_test: only $files sources found under $top: wrong folder?" >&2
  exit 1
fi
if [ -n "$hits" ]; then
  echo "version_rules_test: Go version comparisons outside the release tables (add a behaviour to"
  echo "GoProfile or RuntimeProfile and ask it instead):"
  echo "$hits"
  exit 1
fi
echo "version_rules_test: no version comparisons in $files sources outside the release tables"
