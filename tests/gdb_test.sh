#!/usr/bin/env bash
# gdb drives the stub (godefer-emu --gdb): Debian's gdb in batch mode on the seed's deferr.o
# (Go 1.15, darwin) and deferr.o of Go 1.15, 1.22 and the newest release. The story: break in the closure by name, continue, bt, info
# registers, the result slot (found with `monitor print &i`) read with x/gx as 1, a write
# watchpoint stopping when the closure makes it 2, reverse-stepi back to the breakpoint where it
# is 1 again, reverse-continue back to `return 1`, and kill. Then bad input: a malformed packet
# and a client that vanishes. Usage: tests/gdb_test.sh PATH/TO/godefer-emu
set -u
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
fx=$top/tests/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"; kill $(jobs -p) 2>/dev/null' EXIT
if ! command -v gdb >/dev/null; then
  echo "gdb_test: gdb is not installed (scripts/setup.sh installs it)"
  exit 1
fi
pass=0 fail=0
expect() { # name, text, regex...
  local name=$1 text=$2
  shift 2
  for re in "$@"; do
    if ! grep -Eq -- "$re" <<<"$text"; then
      fail=$((fail + 1))
      echo "FAIL $name: no match for /$re/ in:"
      echo "$text" | sed 's/^/    /' | head -60
      return
    fi
  done
  pass=$((pass + 1))
}
# Starts the stub on a free port; sets $port and $pid.
start_stub() { # object, extra args...
  local obj=$1
  shift
  rm -f "$work/stub.err"
  "$bin" --gdb :0 --gdb-elf "$work/sym.elf" --source-dir "$top/tests/programs" "$obj" "$@" \
    2>"$work/stub.err" &
  pid=$!
  port=
  for _ in $(seq 100); do
    port=$(grep -o '127\.0\.0\.1:[0-9]*' "$work/stub.err" 2>/dev/null | head -1 | cut -d: -f2)
    [ -n "$port" ] && break
    sleep 0.05
  done
}
cat > "$work/story.py" <<'PY'
import gdb, re
# The closure's captured i (DWARF), else c's own i up the stack (Go 1.15 has only the source).
for _ in range(4):
    out = gdb.execute("monitor print &i", to_string=True)
    m = re.search(r"= (0x[0-9a-f]+)", out)
    if m:
        break
    gdb.execute("monitor up", to_string=True)
addr = m.group(1)
print("slot of i:", addr)
gdb.execute("x/gx %s" % addr)
gdb.execute("watch *(long*)%s" % addr)
gdb.execute("continue")
gdb.execute("x/gx %s" % addr)
gdb.execute("delete 2")
print("== reverse-stepi")
gdb.execute("reverse-stepi")
gdb.execute("x/gx %s" % addr)
print("== reverse-continue")
gdb.execute("reverse-continue")
gdb.execute("x/gx %s" % addr)
print("== reverse-continue")
gdb.execute("reverse-continue")
gdb.execute("x/gx %s" % addr)
PY
for v in go1.15-darwin go1.15 go1.22 go1.27; do # go1.15-darwin: the seed's object
  start_stub "$fx/$v/nl/deferr.o" c
  out=$(timeout 60 gdb -batch -nx "$work/sym.elf" -ex "target remote :$port" \
    -ex "break main.c.func1" -ex "continue" -ex "bt" -ex "info registers rip rsp fs_base" \
    -ex "source $work/story.py" -ex "kill" 2>&1)
  wait "$pid"
  rc=$?
  expect "gdb-story-$v" "$out" \
    'Breakpoint 1 at 0x[0-9a-f]+: file deferr\.go, line 9\.' \
    'Breakpoint 1, main\.c\.func1 \(\) at deferr\.go:9' \
    '#0  main\.c\.func1 \(\) at deferr\.go:9' \
    '#[0-9]  0x[0-9a-f]+ in main.*c.* \(\) at deferr\.go:1[23]' \
    '^rip +0x[0-9a-f]+ +0x[0-9a-f]+ <main\.c\.func1(\+[0-9]+)?>' \
    '^fs_base +0x' \
    ':	0x0000000000000001' \
    'Old value = 1' 'New value = 2' \
    ':	0x0000000000000002' \
    '== reverse-stepi' ':	0x0000000000000001' \
    '== reverse-continue' 'Breakpoint 1, main\.c\.func1 \(\) at deferr\.go:9' \
    ':	0x0000000000000001' \
    '== reverse-continue' 'No more reverse-execution history' ':	0x0000000000000000' \
    'killed'
  [ "$rc" = 0 ] || { fail=$((fail + 1)); echo "FAIL gdb-story-$v: stub exit $rc"; cat "$work/stub.err"; }
done

# The run to its end reaches gdb as the exit status; a panic as status 2.
start_stub "$fx/go1.22/nl/panicexit.o"
out=$(timeout 60 gdb -batch -nx "$work/sym.elf" -ex "target remote :$port" -ex "continue" 2>&1)
wait "$pid"
rc=$?
expect gdb-panic-exit "$out" 'exited with code 02'
[ "$rc" = 2 ] || { fail=$((fail + 1)); echo "FAIL gdb-panic-exit: stub exit $rc (want 2)"; }

# Bad input: a malformed packet (bad checksum) is refused with '-', an unknown one gets an empty
# reply, then the client vanishes: the stub ends cleanly.
start_stub "$fx/go1.22/nl/deferr.o" c
reply=$(python3 - "$port" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
def pkt(p):
    return b"$" + p + b"#" + b"%02x" % (sum(p) % 256)
s.sendall(b"$g#00")          # wrong checksum
s.sendall(pkt(b"qNoSuchThing"))
s.sendall(pkt(b"m zz,4"))    # not hex
s.sendall(pkt(b"?"))
import time; time.sleep(0.5)
print(s.recv(65536).decode())
s.close()
PY
)
wait "$pid"
rc=$?
expect gdb-bad-packets "$reply" '^-\+\$#00\+\$E01#a6\+\$S05#b8'
[ "$rc" = 0 ] || { fail=$((fail + 1)); echo "FAIL gdb-bad-packets: stub exit $rc"; }

# Listening needs a port it can have; a bad one stops the command before anything is written
# (the symbol file's default place is beside the object).
cp "$fx/go1.22/nl/deferr.o" "$work/copy.o"
out=$("$bin" --gdb 127.0.0.1:notaport "$work/copy.o" c 2>&1)
rc=$?
expect gdb-bad-port "$out" '^godefer-emu: --gdb 127\.0\.0\.1:notaport: notaport is not a port number$'
[ "$rc" = 3 ] || { fail=$((fail + 1)); echo "FAIL gdb-bad-port: exit $rc (want 3)"; }
[ ! -e "$work/copy.o.elf" ] || { fail=$((fail + 1)); echo "FAIL gdb-bad-port: wrote $work/copy.o.elf"; }

echo "gdb: $pass passed, $fail failed"
[ "$fail" = 0 ]
