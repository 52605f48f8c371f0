#!/usr/bin/env bash
# The Debian package as an administrator meets it, unpacked into a scratch
# root (no root needed, the system untouched): its control fields, its
# files, the installed executables running the demo, the unit's command
# line serving and stopping cleanly; and `cmake --install` placing the same
# files.
#
#   install_test.sh BUILD_DIR SOURCE_DIR VERSION
set -euo pipefail

build=$1
source_dir=$2
version=$3
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
fail() { echo "install_test: $*" >&2; failures=$((failures + 1)); }

# Its own output folder: other tests run at the same time.
cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; exit 1; }
deb=$work/out/csp-ledger_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || { echo "install_test: cpack made no $deb:" >&2; ls "$work/out" >&2; exit 1; }

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = csp-ledger ] || fail "Package is $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version is $(field Version)"
[ -n "$(field Maintainer)" ] || fail "no Maintainer"
[ "$(field Section)" = database ] || fail "Section is $(field Section)"
depends=$(field Depends)
for runtime in libc6 libstdc++6 libsqlite3-0 libpq5 libssl3 libspdlog1.10 libfmt9 adduser; do
  [[ ", $depends," == *", $runtime"* ]] || fail "Depends lacks $runtime: $depends"
done

root=$work/root
dpkg-deb -x "$deb" "$root"
installed=(
  usr/bin/csp-ledger
  usr/bin/csp-ledgerd
  usr/share/csp-ledger/catalogue.json
  usr/share/man/man1/csp-ledger.1
  usr/share/man/man1/csp-ledgerd.1
  usr/share/bash-completion/completions/csp-ledger
  usr/lib/systemd/system/csp-ledgerd.service
  usr/lib/sysusers.d/csp-ledger.conf
  usr/lib/tmpfiles.d/csp-ledger.conf
  usr/share/doc/csp-ledger/README.md
  usr/share/doc/csp-ledger/docs/DESIGN.md
  usr/share/doc/csp-ledger/docs/web-view.png
)
for file in "${installed[@]}"; do [ -e "$root/$file" ] || fail "the package has no /$file"; done
[ "$(ls "$root/usr/bin")" = "$(printf 'csp-ledger\ncsp-ledgerd')" ] || fail "usr/bin holds $(ls "$root/usr/bin" | tr '\n' ' ')"
unwanted=$(cd "$root" && find . -path '*test*' -o -path '*bench*' -o -name '*.a' -o -path '*/include/*')
[ -z "$unwanted" ] || fail "tests, benches or build files are packaged: $unwanted"

dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "the package has no executable $script"
  sh -n "$work/control/$script" || fail "$script is not valid sh"
done
grep -q 'systemd-sysusers csp-ledger.conf' "$work/control/postinst" || fail "postinst does not create the user"
# What postinst makes from the sysusers.d and tmpfiles.d files, made in a
# scratch root; the folders' owners need root to set.
if [ "$(id -u)" -eq 0 ] && command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
  sysroot=$work/sysroot
  mkdir -p "$sysroot/etc"
  systemd-sysusers --root="$sysroot" "$root/usr/lib/sysusers.d/csp-ledger.conf" >/dev/null 2>&1 ||
    fail "systemd-sysusers refuses the package's sysusers.d file"
  systemd-tmpfiles --root="$sysroot" --create "$root/usr/lib/tmpfiles.d/csp-ledger.conf" ||
    fail "systemd-tmpfiles refuses the package's tmpfiles.d file"
  # By number: the scratch root's users are not this system's.
  expected="$(grep '^csp-ledger:' "$sysroot/etc/passwd" | cut -d: -f3-4) 700"
  state=$(stat -c '%u:%g %a' "$sysroot/var/lib/csp-ledger" 2>/dev/null || echo missing)
  [ "$state" = "$expected" ] || fail "/var/lib/csp-ledger is $state, expected $expected (the csp-ledger user's)"
fi

bin=$root/usr/bin
[ "$("$bin/csp-ledger" --version)" = "csp-ledger $version" ] || fail "csp-ledger --version printed $("$bin/csp-ledger" --version)"
[ "$("$bin/csp-ledgerd" --version)" = "csp-ledgerd $version" ] || fail "csp-ledgerd --version printed $("$bin/csp-ledgerd" --version)"

# The demo with the installed executable: its seven refusals make exit 3.
ledger=$work/var/lib/csp-ledger/ledger.db
mkdir -p "$(dirname "$ledger")"
"$bin/csp-ledger" --db "$ledger" init --admin alice@partner.example --at 2026-01-05T09:00:00Z >/dev/null
status=0
"$bin/csp-ledger" --db "$ledger" run "$source_dir/demo/scenario.jsonl" >"$work/demo.out" 2>&1 || status=$?
[ "$status" -eq 3 ] || { fail "the demo ended with status $status, expected 3"; cat "$work/demo.out" >&2; }
"$bin/csp-ledger" --db "$ledger" audit verify >/dev/null || fail "audit verify failed after the demo"

# The unit's own command line, with its paths moved into the scratch root
# and port 0: it serves the web view from its own binary, and SIGTERM stops
# it with status 0.
unit=$root/usr/lib/systemd/system/csp-ledgerd.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -x "$root$(cut -d' ' -f1 <<<"$exec_start")" ] || fail "ExecStart names $(cut -d' ' -f1 <<<"$exec_start"), not in the package"
grep -qx 'User=csp-ledger' "$unit" || fail "the unit does not run as csp-ledger"
mkdir -p "$work/etc/csp-ledger"
(umask 077; echo "0123456789abcdef0123 alice@partner.example" >"$work/etc/csp-ledger/tokens")
read -r -a command_line <<<"$(sed -e "s|/usr/bin/|$bin/|" -e "s|/var/lib/|$work/var/lib/|" -e "s|/etc/|$work/etc/|" \
                                   -e 's|127.0.0.1:8080|127.0.0.1:0|' -e 's|\$CSP_LEDGERD_FLAGS||' <<<"$exec_start")"
"${command_line[@]}" >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 100); do grep -q 'listening on' "$work/server.out" && break; sleep 0.1; done
if grep -q 'listening on' "$work/server.out"; then
  address=$(sed -n 's/.*listening on //p' "$work/server.out" | head -n1)
  page=$(exec 3<>"/dev/tcp/${address%:*}/${address##*:}" &&
         printf 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3 && cat <&3) || true
  grep -q '^HTTP/1.1 200' <<<"$page" && grep -q '<script src="/app.js"' <<<"$page" ||
    fail "the installed csp-ledgerd does not serve the web view at /: $(head -c 300 <<<"$page")"
  kill -TERM "$server_pid"
  status=0
  wait "$server_pid" || status=$?
  [ "$status" -eq 0 ] || fail "csp-ledgerd exited $status after SIGTERM"
else
  fail "csp-ledgerd did not start from the unit's command line: $(cat "$work/server.err")"
fi
server_pid=""

for page in csp-ledger csp-ledgerd; do
  manual=$root/usr/share/man/man1/$page.1
  warnings=$(groff -man -Tutf8 -ww -z "$manual" 2>&1) || fail "groff failed on $page.1"
  [ -z "$warnings" ] || fail "groff warns about $page.1: $warnings"
  if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$manual" 2>/dev/null | grep -q '^EXIT STATUS' || fail "man -l does not render $page.1"
  fi
done
bash -c 'source "$1" && complete -p csp-ledger' _ "$root/usr/share/bash-completion/completions/csp-ledger" | grep -q '_csp_ledger' ||
  fail "the installed completion does not register for csp-ledger"

# `cmake --install` places the files the package holds.
DESTDIR=$work/destdir cmake --install "$build" --prefix /usr >/dev/null
(cd "$work/destdir" && find . -type f | sort) >"$work/installed.txt"
(cd "$root" && find . -type f | sort) >"$work/packaged.txt"
diff "$work/packaged.txt" "$work/installed.txt" >&2 || fail "cmake --install and the package place different files"

[ "$failures" -eq 0 ] || exit 1
echo "install_test: $(basename "$deb") installs, runs the demo and serves from its unit's command line"
