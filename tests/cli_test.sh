#!/usr/bin/env bash
# The command-line contract (docs/design.md): outputs and exit statuses of godefer-emu.
# Usage: tests/cli_test.sh PATH/TO/godefer-emu
set -u
bin=$1
top=$(cd "$(dirname "$0")/.." && pwd)
fx=$top/tests/fixtures
pass=0 fail=0
check() { # name, want-status, want-stdout-regex, command...
  local name=$1 want=$2 re=$3
  shift 3
  local out rc
  out=$("$@" 2>/tmp/godefer-cli-err.$$)
  rc=$?
  if [ "$rc" = "$want" ] && [[ "$out" =~ $re ]]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: status $rc (want $want), stdout: ${out:0:300}"
    head -3 /tmp/godefer-cli-err.$$
  fi
}
check_err() { # name, want-status, want-stderr-regex, command...
  local name=$1 want=$2 re=$3
  shift 3
  local err rc
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" = "$want" ] && [[ "$err" =~ $re ]] && [ "$(printf '%s\n' "$err" | wc -l)" -le "${MAXLINES:-1}" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: status $rc (want $want), stderr: ${err:0:300}"
  fi
}

check quiet-seed 0 '^2$' "$bin" -q "$fx/go1.15-darwin/nl/deferr.o" c
check quiet-listing 0 '^2$' "$bin" -q "$fx/seed/deferr-objdump.txt" main.c
check quiet-quoted-name 0 '^2$' "$bin" -q "$fx/go1.24/opt/deferr.o" '"".c'
check expect-ok 0 '^55$' "$bin" -q "$fx/go1.22/nl/recursion.o" fib 10 --expect 55
check expect-mismatch 1 '^55$' "$bin" -q "$fx/go1.22/nl/recursion.o" fib 10 --expect 56
check negative-arg 0 '^-1$' "$bin" -q "$fx/go1.19/nl/recursion.o" fib -1
check trace-story 0 'i = 1.*i = 2.*c returned i = 2' "$bin" --no-color --source-dir "$top/tests/programs" "$fx/go1.15/nl/deferr.o" c
check json-last-line 0 '\{"event":"return","function":"main.c","results":\[\{"name":"i","type":"int","value":2\}\]\}$' "$bin" --json "$fx/go1.21/nl/deferr.o" c
check intel-syntax 0 'mov rcx, gs:\[0x30\]' "$bin" --syntax intel --no-color "$fx/go1.15-darwin/nl/deferr.o" c
check objdump-seed 0 '^TEXT %22%22\.c\(SB\)' "$bin" objdump -s '\.c$' "$fx/go1.15-darwin/nl/deferr.o"
MAXLINES=20 check_err panic-exit 2 'panic: boom' "$bin" -q "$fx/go1.24/nl/panicexit.o"
MAXLINES=10 check_err verbose-log 0 'runtime functions with a model: .*runtime\.deferreturn' "$bin" -v -q "$fx/go1.23/nl/deferr.o" c
check_err not-an-object 3 '^godefer-emu: .*passwd: not a Go object' "$bin" -q /etc/passwd c
check_err missing-file 3 '^godefer-emu: /nonexistent.o: cannot open file: No such file or directory$' "$bin" -q /nonexistent.o c
check_err directory 3 "^godefer-emu: $fx: no Go files in the directory\$" "$bin" -q "$fx" c
# Go source input: what the go command cannot do is said in one line, with its own words.
src=$(mktemp -d)
printf 'package main\n\nfunc main() { undefined() }\n' >"$src/bad.go"
MAXLINES=3 check_err go-compile-error 3 "^godefer-emu: $src/bad.go: the go command could not build it:" "$bin" --go /bin/false -q "$src/bad.go"
check_err go-missing 3 "^godefer-emu: cannot run the go command \`/nonexistent/go\`: No such file or directory \(install Go or give --go PATH\)\$" "$bin" --go /nonexistent/go -q "$src/bad.go"
check_err go-importcfg 3 "^godefer-emu: --importcfg is for objects compiled by hand; $src/bad.go is Go source, which the go command builds\$" "$bin" --importcfg /dev/null -q "$src/bad.go"
printf 'packagefile fmt\n' >"$src/importcfg"
check_err importcfg-bad-line 3 "^godefer-emu: $src/importcfg:1: \`packagefile\` needs PATH=VALUE\$" "$bin" --importcfg "$src/importcfg" -q "$fx/go1.22/nl/deferr.o" c
printf 'bogus x=y\n' >"$src/importcfg"
check_err importcfg-bad-verb 3 "^godefer-emu: $src/importcfg:1: unknown importcfg directive \`bogus\`\$" "$bin" --importcfg "$src/importcfg" -q "$fx/go1.22/nl/deferr.o" c
check_err importcfg-missing 3 "^godefer-emu: /nonexistent.cfg: cannot open importcfg\$" "$bin" --importcfg /nonexistent.cfg -q "$fx/go1.22/nl/deferr.o" c
printf 'packagefile sync=/nonexistent/sync.a\n' >"$src/importcfg"
check importcfg-unused 0 '^2$' "$bin" --importcfg "$src/importcfg" -q "$fx/go1.22/nl/deferr.o" c
rm -rf "$src"
empty=$(mktemp)
check_err empty-file 3 "^godefer-emu: $empty: empty file, not an object file\$" "$bin" -q "$empty" c
rm -f "$empty"
check_err extra-argument 3 '^godefer-emu: main.c takes 0 argument\(s\), 1 given$' "$bin" -q "$fx/go1.27/nl/deferr.o" c 5
check_err uint-negative 3 '^godefer-emu: main.udiv: argument -1 is out of range for parameter a uint32 \(0\.\.4294967295\)$' "$bin" -q "$fx/go1.27/nl/divzero.o" udiv -1 2
check uint-in-range 0 '^3$' "$bin" -q "$fx/go1.27/nl/divzero.o" udiv 7 2
# Arguments of every type the command line can give, read by the parameter types; results of
# any type; --expect by position, by name and in %+v form.
vx=$fx/go1.22/nl/values.o
check typed-args 0 '^ababab!$' "$bin" -q "$vx" greet '"ab"' 3 true
check string-word 0 '^xy$' "$bin" -q "$vx" greet xy 1 false
check float-args 0 '^\+3\.750000e\+000$' "$bin" -q "$vx" scale 1.5 2.5
check float-args-1.27 0 '^3\.75$' "$bin" -q "$fx/go1.27/nl/values.o" scale 1.5 2.5
check slice-arg 0 '^46$' "$bin" -q "$vx" sum '[1 2 3 40]'
check bytes-arg 0 '^3$' "$bin" -q "$vx" count '"banana"' 97
check struct-result 0 '^\{-3 4\}$' "$bin" -q "$vx" mkPoint -3 4
check struct-json 0 '"results":\[\{"name":"~r0","plus":"\{X:-3 Y:4\}","text":"\{-3 4\}","type":"main.P","value":\{"X":-3,"Y":4\}\}\]' "$bin" --json "$vx" mkPoint -3 4
check struct-trace 0 'mkPoint returned ~r0 = \{X:-3 Y:4\}' "$bin" --no-color "$vx" mkPoint -3 4
check expect-line 0 '^\{5 6\} true$' "$bin" -q "$vx" pair --expect '{5 6} true'
check expect-names 0 '^\{5 6\} true$' "$bin" -q "$vx" pair --expect 'p={5 6}' --expect ok=true
check expect-plus 0 '^\{5 6\} true$' "$bin" -q "$vx" pair --expect 'p={X:5 Y:6}'
MAXLINES=3 check_err expect-name-diff 1 '\- p=\{5 7\}.*\+ p=\{5 6\} \(%\+v: \{X:5 Y:6\}\)' "$bin" -q "$vx" pair --expect 'p={5 7}'
check expect-commas 0 '^-7 x false' "$bin" -q "$fx/go1.22/nl/results.o" mixed --expect '-7,x,false,+1.000000e-001'
check_err bad-bool 3 '^godefer-emu: main.greet: argument yes for parameter loud bool is not true or false$' "$bin" -q "$vx" greet x 2 yes
check_err int8-range 3 '^godefer-emu: main.narrow: argument 128 is out of range for parameter a int8 \(-128\.\.127\)$' "$bin" -q "$vx" narrow 128 0 0 0
check_err bad-slice 3 'argument a for parameter xs \[\]int is not an integer$' "$bin" -q "$vx" sum '[1 a]'
check_err closure-direct 3 '^godefer-emu: main.c.func1 is a closure that captures i: called directly it has no closure context; call main.c, which makes it$' "$bin" -q "$fx/go1.22/nl/deferr.o" c.func1
check_err no-such-function 3 'no function nosuch' "$bin" -q "$fx/go1.21/nl/deferr.o" nosuch
check_err bad-integer 3 'argument x1 for parameter n int is not an integer' "$bin" -q "$fx/go1.21/nl/recursion.o" fib x1
check_err limit 3 'instruction limit \(100\) reached at ' "$bin" -q --max-insns 100 "$fx/go1.21/nl/recursion.o" deep 300
check_err time-limit 3 'time limit \(0\.5 s\) reached in code entered at main\.spin \(spin\.go:7\)' "$bin" -q --time-limit 0.5 "$fx/go1.24/opt/spin.o" spin 1000000000000
check_err time-limit-counted 3 'time limit \(0\.5 s\) reached at main\.spin' "$bin" -q --max-insns 100000000000000 --time-limit 0.5 "$fx/go1.24/opt/spin.o" spin 1000000000000
MAXLINES=2 check_err bad-time-limit 3 '^--time-limit: Value -1 not in range' "$bin" -q --time-limit -1 "$fx/go1.24/opt/spin.o" spin 1
MAXLINES=5 check_err stack-overflow 2 'fatal error: stack overflow' "$bin" -q --stack-size 65536 "$fx/go1.22/nl/recursion.o" deep 300
trunc=$(mktemp)
head -c 3000 "$fx/go1.22/nl/deferr.o" > "$trunc"
check_err truncated 3 "^godefer-emu: $trunc: " "$bin" -q "$trunc" c
check_err truncated-objdump 3 "^godefer-emu: $trunc: " "$bin" objdump "$trunc"
# Today's Go: every release's deferr.o returns 2 from c.
for v in go1.25 go1.26 go1.27; do
  check "quiet-$v" 0 '^2$' "$bin" -q "$fx/$v/nl/deferr.o" c
done
# A release newer than the newest one this build knows: read as that one with one warning line,
# or refused with --strict-version. The version string is rewritten in place (same length).
newer=$(mktemp)
LC_ALL=C sed 's/go1\.27\.3/go1.28.0/g' "$fx/go1.27/nl/deferr.o" > "$newer"
check newer-release 0 '^2$' "$bin" -q "$newer" c
check_err newer-release-warning 0 "^warning: $newer: go1\.28\.0 is newer than the newest release this build knows \(go1\.27\); reading it as go1\.27$" "$bin" -q "$newer" c
check_err newer-release-strict 3 "^godefer-emu: $newer: .*Go version go1\.28\.0 is newer than the newest release this build knows \(go1\.27\); --strict-version refuses" "$bin" -q --strict-version "$newer" c
check_err newer-release-objdump-strict 3 'go1\.28\.0 is newer' "$bin" objdump --strict-version "$newer"
older=$(mktemp)
LC_ALL=C sed 's/go1\.19\.8/go1.18.9/g' "$fx/go1.19/nl/deferr.o" > "$older"
check_err older-gap 3 'unsupported Go version go1\.18\.9 \(supported: go1\.15, go1\.19, go1\.21-go1\.27\)' "$bin" -q "$older" c
# --html: the page is written, nothing is printed unless asked; exit statuses as without it.
page=$(mktemp -d)
check html-silent 0 '^$' "$bin" --html "$page/seed.html" --source-dir "$top/tests/programs" "$fx/go1.22/nl/deferr.o" c
check html-written 0 '^<!DOCTYPE html>' head -c 15 "$page/seed.html"
check html-has-source 0 '^1$' grep -c -m1 'func c() (i int) {' "$page/seed.html"
check html-with-q 0 '^2$' "$bin" -q --html "$page/q.html" "$fx/go1.22/nl/deferr.o" c
check html-with-json 0 '"event":"return"' "$bin" --json --html "$page/j.html" "$fx/go1.22/nl/deferr.o" c
MAXLINES=20 check_err html-panic-exit 2 '^$' "$bin" --html "$page/p.html" "$fx/go1.24/nl/panicexit.o"
check html-panic-page 0 '"status":2' grep -o -m1 '"status":2' "$page/p.html"
check html-cut 0 '"truncated":true' grep -o -m1 '"truncated":true' <(
  "$bin" --html /dev/stdout --html-max-insns 10 "$fx/go1.22/nl/deferr.o" c)
check_err html-unwritable 3 "^godefer-emu: cannot write /nonexistent/dir/x.html: No such file or directory\$" "$bin" --html /nonexistent/dir/x.html "$fx/go1.22/nl/deferr.o" c
check_err html-directory 3 "^godefer-emu: cannot write $page: Is a directory\$" "$bin" --html "$page" "$fx/go1.22/nl/deferr.o" c
MAXLINES=2 check_err html-bad-max 3 '^Could not convert: --html-max-insns = x' "$bin" --html "$page/x.html" --html-max-insns x "$fx/go1.22/nl/deferr.o" c
MAXLINES=2 check_err html-no-file 3 '^--html: 1 required' "$bin" "$fx/go1.22/nl/deferr.o" c --html
check_err html-interactive 3 '^godefer-emu: --html does not go with -i$' "$bin" -i --html "$page/i.html" "$fx/go1.22/nl/deferr.o" c
rm -rf "$page"
rm -f "$trunc" "$newer" "$older" /tmp/godefer-cli-err.$$
echo "cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
