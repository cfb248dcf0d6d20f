#!/bin/sh
# nmcli import/export through the built plugin, as a user would run them:
#   nmcli connection import type sstp file X
#   nmcli connection export NAME FILE
# NetworkManager and a system bus of its own run in private PID, mount and
# network namespaces: /run, /etc/NetworkManager, /var/lib/NetworkManager and
# the VPN plugin directory are tmpfs there, so nothing on the host changes,
# and everything started here dies with the namespace.
# Needs root, unshare, dbus-daemon, NetworkManager and nmcli; else skipped.
set -u
builddir="${top_builddir:?}"
srcdir="${top_srcdir:?}"
# nmcli is not an ASan program: a sanitizer build's UBSan-only copy (tests/sanitizer.am)
plugin="${SSTP_GUEST_BUILDDIR:-$builddir}/properties/.libs/libnm-vpn-plugin-sstp.so"
fixtures="$srcdir/tests/unit/fixtures"

if [ "${1:-}" != "--inside" ]; then
    for tool in unshare dbus-daemon NetworkManager nmcli; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            echo "1..0 # SKIP $tool not installed"
            exit 0
        fi
    done
    if [ "$(id -u)" != 0 ]; then
        echo "1..0 # SKIP needs root (private namespaces for NetworkManager)"
        exit 0
    fi
    if ! unshare --pid --fork --mount --net true 2>/dev/null; then
        echo "1..0 # SKIP cannot create PID, mount and network namespaces here"
        exit 0
    fi
    # The whole run, NetworkManager included, ends with this PID namespace.
    exec timeout -s KILL 120 unshare --pid --fork --kill-child --mount-proc \
        --mount --propagation private --net "$0" --inside
fi

work=$(mktemp -d /tmp/sstp-nmcli-XXXXXX)
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$work/out" 2>/dev/null; }
check() { if eval "$2" >"$work/out" 2>&1; then ok "$1"; else fail "$1"; fi; }
show() { nmcli -g "$1" connection show "$2"; }
cleanup() {
    [ -n "${nm_pid:-}" ] && kill "$nm_pid" 2>/dev/null
    [ -n "${bus_pid:-}" ] && kill "$bus_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

echo "1..9"

mount -t tmpfs tmpfs /run &&
mkdir -p /run/dbus /run/NetworkManager &&
mount -t tmpfs tmpfs /usr/lib/NetworkManager/VPN &&
mkdir -p /etc/NetworkManager && mount -t tmpfs tmpfs /etc/NetworkManager &&
mkdir -p /etc/NetworkManager/system-connections /etc/NetworkManager/VPN &&
mkdir -p /var/lib/NetworkManager && mount -t tmpfs tmpfs /var/lib/NetworkManager || {
    echo "Bail out! cannot set up the private mounts"; exit 1; }

# What the service's .name file says for the editor plugin (plugin= is the
# only key nmcli needs for import/export).
cat > /usr/lib/NetworkManager/VPN/nm-sstp-service.name <<EOF
[VPN Connection]
name=sstp
service=org.freedesktop.NetworkManager.sstp
program=/bin/false

[libnm]
plugin=$plugin
EOF
cat > "$work/nm.conf" <<EOF
[main]
plugins=keyfile
no-auto-default=*
dns=none
rc-manager=unmanaged
auth-polkit=false
EOF
ip link set lo up 2>/dev/null

dbus-daemon --system --fork --print-pid >"$work/bus.pid" || { echo "Bail out! dbus-daemon"; exit 1; }
bus_pid=$(cat "$work/bus.pid")
NetworkManager --no-daemon --debug --config="$work/nm.conf" >"$work/nm.log" 2>&1 &
nm_pid=$!
i=0
until nmcli -t general status >/dev/null 2>&1; do
    i=$((i + 1))
    if [ $i -gt 300 ] || ! kill -0 "$nm_pid" 2>/dev/null; then
        echo "Bail out! NetworkManager did not answer"; sed 's/^/# /' "$work/nm.log" | tail -20; exit 1
    fi
    sleep 0.1
done

check "import a UTF-8 phonebook with several entries" \
    "nmcli connection import type sstp file '$fixtures/utf8-crlf-multi.pbk'"
# -g prints one field a line and escapes ':' in values
nmcli -g connection.type,vpn.service-type,vpn.data connection show 'Corp SSTP' >"$work/shown" 2>&1
first_two_lines() { sed -n 1,2p "$work/shown" | tr '\n' ' '; }
check "the first SSTP entry became a vpn connection of type sstp" \
    "cat '$work/shown'; [ \"\$(first_two_lines)\" = 'vpn org.freedesktop.NetworkManager.sstp ' ]"
check "its gateway is the entry's PhoneNumber" \
    "grep -F 'gateway = vpn.corp.example.com\\:8443' '$work/shown'"
check "import a UTF-16 phonebook with a BOM" \
    "nmcli connection import type sstp file '$fixtures/azure-p2s.pbk'"
check "import an .sstp file" \
    "nmcli connection import type sstp file '$fixtures/full.sstp'"
check "export it again" \
    "nmcli connection export 'Example Corp' '$work/out.sstp'"
# Same settings as the fixture: compare the [sstp] lines, order-independent.
sstp_lines() { sed -n '/^\[sstp\]/,$p' "$1" | grep = | sort; }
sstp_lines "$fixtures/full.sstp" >"$work/expected"
sstp_lines "$work/out.sstp" >"$work/got" 2>/dev/null
check "the export holds the same settings as the imported file" \
    "diff -u '$work/expected' '$work/got'"
check "a broken phonebook fails and names the line" \
    "nmcli connection import type sstp file '$fixtures/broken-line.pbk' 2>&1 | grep 'line 4'"
check "a phonebook without SSTP entries fails and says so" \
    "nmcli connection import type sstp file '$fixtures/no-sstp.pbk' 2>&1 | grep 'no SSTP entry'"

[ $failed -eq 0 ]
