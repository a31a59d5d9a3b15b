#!/usr/bin/env bash
# Fetches the Go toolchains the fixtures are made with (Go 1.15, 1.19, 1.21-1.27) from
# Debian's archive without touching the machine's apt configuration, checking the archive's
# signatures with Debian's keyring, and unpacks them
# under $GO_TOOLCHAINS (default: .toolchains in the project). Needed to remake the fixtures and
# by the tests of Go source input (tests/imports_test.sh: Go 1.15, 1.22 and 1.27), which
# scripts/test.sh fetches into a cache outside the clone.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${GO_TOOLCHAINS:-$top/.toolchains}
versions=${GO_VERSIONS:-1.15 1.19 1.21 1.22 1.23 1.24 1.25 1.26 1.27}
have=1
for v in $versions; do [ -x "$dest/go$v/usr/lib/go-$v/bin/go" ] || have=0; done
if [ $have = 1 ]; then exit 0; fi
mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
mirror=${mirror:-http://deb.debian.org/debian}
state=$dest/apt
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$dest/debs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$state/sources.list" <<SRC
deb [signed-by=$keyring] $mirror bullseye main
deb [signed-by=$keyring] $mirror bookworm main
deb [signed-by=$keyring] $mirror bookworm-backports main
deb [signed-by=$keyring] $mirror trixie main
deb [signed-by=$keyring] $mirror trixie-backports main
deb [signed-by=$keyring] $mirror sid main
SRC
apt_opts=(-o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache"
  -o Dir::State::Status=/dev/null)
apt-get "${apt_opts[@]}" update >/dev/null
cd "$dest/debs"
for v in $versions; do
  root=$dest/go$v
  if [ -x "$root/usr/lib/go-$v/bin/go" ]; then continue; fi
  apt-get "${apt_opts[@]}" download "golang-$v-go" "golang-$v-src"
  mkdir -p "$root"
  for deb in golang-"$v"-go_*.deb golang-"$v"-src_*.deb; do dpkg -x "$deb" "$root"; done
  goroot=$root/usr/lib/go-$v
  for l in src test pkg/include; do
    if [ -L "$goroot/$l" ]; then rm "$goroot/$l"; cp -a "$root/usr/share/go-$v/$l" "$goroot/$l"; fi
  done
  # Old go commands want a VERSION file for "go version"; the package ships it.
  echo "go$v: $("$goroot/bin/go" version)"
done
