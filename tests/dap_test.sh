#!/usr/bin/env bash
# The Debug Adapter Protocol server: Microsoft's DebugClient (tests/dap/dap.test.js, node's test
# runner; the client comes from npm, pinned in tests/dap/package-lock.json and installed by
# scripts/setup.sh with `npm ci`), then malformed input on stdin.
# Usage: tests/dap_test.sh PATH/TO/godefer-emu
set -u
bin=$(realpath "$1")
top=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -d "$top/tests/dap/node_modules/@vscode/debugadapter-testsupport" ]; then
  echo "dap_test: run scripts/setup.sh (npm ci in tests/dap) first"
  exit 1
fi
fail=0
(cd "$top/tests/dap" && GODEFER_EMU=$bin node --test dap.test.js) || fail=1

# Malformed messages: a bad JSON body and a header without a length are reported as output
# events and the server goes on; the end of input ends it with status 0.
init='{"seq":1,"type":"request","command":"initialize","arguments":{}}'
out=$(printf 'Content-Length: 5\r\n\r\n{bad}Nonsense: 1\r\n\r\nContent-Length: %d\r\n\r\n%s' "${#init}" "$init" |
  timeout 10 "$bin" dap)
rc=$?
for want in 'malformed JSON body' 'malformed header' '"command":"initialize","request_seq":1' '"success":true'; do
  if ! grep -q -- "$want" <<<"$out"; then
    echo "FAIL dap-malformed: no '$want' in: ${out:0:400}"
    fail=1
  fi
done
[ "$rc" = 0 ] || { echo "FAIL dap-malformed: exit $rc"; fail=1; }
[ "$fail" = 0 ] && echo "dap: all passed"
exit "$fail"
