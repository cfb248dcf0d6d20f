#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/demo.sh - see the whole thing work, on a fresh Debian 12 machine, as root:
#
#     tests/demo.sh
#
# 1. installs the packages the build and the tests need (tests/install-deps.sh);
# 2. builds the tree in _build (autogen.sh, configure, make) unless that is already done;
# 3. boots a User-Mode-Linux guest (the host kernel has no PPP) running NetworkManager, with
#    our plugin installed in the guest's overlay only (nothing is installed on the host), and
#    the project's strict SSTP test server on the guest's loopback; creates the connection
#    with nmcli, brings it up, prints its IP configuration and a ping through it, brings it
#    down, and says at the end whether it all worked.
#
# Nothing is left running; no network namespace is made on the host. Logs stay in
# _build/tests/uml/logs/demo/. Environment: DEMO_BUILDDIR (default SRCDIR/_build),
# DEMO_SKIP_DEPS=1 (do not run install-deps.sh). The same file is the guest's script
# (DEMO_GUEST=1); the guest steps are the tests' own (tests/uml/lib/nm-guest.sh).

set -u

# ---- inside the guest -----------------------------------------------------------------

demo_guest() {
	. "$UML_LIB_DIR/guest-lib.sh"
	. "$UML_LIB_DIR/nm-guest.sh"
	local conn=demo-sstp

	# fd 3: what the person reads (guest.log, shown live); everything else: details log.
	exec 3>&1 >>"$UML_OUT/demo-details.log" 2>&1
	step() { printf '\n==> %s\n' "$*" >&3; }
	say() { printf '    %s\n' "$*" >&3; }
	# "$ command" as a person would type it (words with spaces or commas quoted), then its output.
	show() {
		local word line='$'
		for word in "$@"; do
			case $word in
			*[' ,"$']*) line="$line '$word'" ;;
			*) line="$line $word" ;;
			esac
		done
		printf '%s\n' "$line" >&3
		"$@" >&3 2>&1
	}

	step "Inside the UML guest: Linux $(uname -r), NetworkManager $(NetworkManager --version)"
	nm_guest_setup
	if grep -q '^not ok' "$TAP_FILE"; then
		say "setting up failed:"
		grep '^not ok' "$TAP_FILE" | sed 's/^/    /' >&3
		return 1
	fi
	say "NetworkManager runs with its own bus, udev and a dummy primary connection."
	say "Our plugin is installed in the guest's overlay only (the host sees none of it):"
	show grep -v '^#' /usr/lib/NetworkManager/VPN/nm-sstp-service.name

	step "Starting the strict SSTP test server on the guest's 127.0.0.1"
	if ! nm_guest_start_server demo "$SSTP_PASSWORD_FILE" --ipv6; then
		tap_not_ok "sstp-test-server listens"
		say "sstp-test-server did not start (see $UML_OUT/server-demo.log)"
		return 1
	fi
	say "listening on port $NM_SERVER_PORT; it checks the crypto binding as Windows RRAS does;"
	say "its pppd (10.77.0.1) runs in a network namespace of its own."

	step "Creating the VPN connection with nmcli"
	show nmcli connection add type vpn vpn-type sstp con-name "$conn" autoconnect no \
		vpn.data "gateway=127.0.0.1:$NM_SERVER_PORT, user=$SSTP_USER, cert-pin-sha256=$PIN, password-flags=2" \
		ipv4.never-default yes ipv6.never-default yes
	tap_check "nmcli connection add" nmcli -g connection.id connection show "$conn"
	if tap_check "password supplied off the command line" nm_guest_supply_password "$conn"; then
		say "password: $NM_GUEST_PASSWORD_HOW"
	fi

	step "Bringing it up"
	printf '$ nmcli connection up %s %s\n' "$conn" "${NM_GUEST_UP_ARGS[*]}" >&3
	if timeout 150 nmcli --wait 120 connection up "$conn" "${NM_GUEST_UP_ARGS[@]}" >&3 2>&1; then
		tap_ok "nmcli connection up"
	else
		tap_not_ok "nmcli connection up"
		say "NetworkManager's reasons are in $UML_OUT/NetworkManager.log"
	fi

	step "The VPN's IP configuration, as NetworkManager sees it"
	show nmcli -f GENERAL.STATE,IP4,IP6 connection show "$conn"
	tap_is "state is activated" "$(nmcli -g GENERAL.STATE connection show "$conn" 2>/dev/null)" activated
	tap_is "IPv4 address 10.77.0.2" "$(nmcli -g IP4.ADDRESS connection show "$conn" 2>/dev/null)" "10.77.0.2/32"

	step "The tunnel device and the routes"
	show ip addr show dev ppp0
	show ip route
	show ip -6 route show dev ppp0

	step "A ping through the tunnel (10.77.0.1: the server's end, in the server's own namespace)"
	if show ping -c 3 -W 5 -I ppp0 10.77.0.1; then
		tap_ok "ping through the tunnel"
	else
		tap_not_ok "ping through the tunnel"
	fi

	step "Bringing it down"
	show nmcli --wait 60 connection down "$conn"
	if guest_wait_for 60 nm_guest_nothing_left; then
		tap_ok "nothing left after nmcli connection down"
		say "No nm-sstp-tunnel, no pppd, no ppp device and no nm-sstp-service are left."
	else
		tap_not_ok "nothing left after nmcli connection down"
		say "left over:"
		nm_guest_show_leftovers
	fi

	step "What the strict server says"
	nm_guest_stop_server
	grep -E '^(tls handshake ok|binding verified|binding FAILED|call ended)' "$NM_SERVER_LOG" |
		sed 's/^/    /' >&3
	tap_is "server: binding verified, clean call (exit 0)" "$NM_SERVER_STATUS" 0

	nm_guest_finish
	tap_finish
}

if [ "${DEMO_GUEST:-}" = 1 ] && [ -n "${UML_OUT:-}" ]; then
	demo_guest
	exit $?
fi

# ---- on the host ------------------------------------------------------------------------

srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
builddir=${DEMO_BUILDDIR:-$srcdir/_build}
started=$(date +%s)

say() { printf '%s\n' "$*"; }
step() { printf '\n=== %s\n' "$*"; }
fail() {
	printf '\nRESULT: FAILED - %s\n' "$*"
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	fail "run it as root (it installs packages and boots a User-Mode-Linux guest)"
fi

if [ "${DEMO_SKIP_DEPS:-}" != 1 ]; then
	step "Installing the build and test dependencies (tests/install-deps.sh)"
	"$srcdir/tests/install-deps.sh" || fail "tests/install-deps.sh failed"
	say "all packages are installed"
fi

step "Building in $builddir"
mkdir -p "$builddir" || fail "cannot create $builddir"
blog=$builddir/demo-build.log
: >"$blog"
if [ ! -x "$srcdir/configure" ]; then
	say "autogen.sh (a fresh checkout has no configure script yet)"
	(cd "$srcdir" && NOCONFIGURE=1 ./autogen.sh) >>"$blog" 2>&1 ||
		{ tail -n 20 "$blog"; fail "autogen.sh failed (log: $blog)"; }
fi
if [ ! -f "$builddir/Makefile" ]; then
	say "configure"
	(cd "$builddir" && "$srcdir/configure") >>"$blog" 2>&1 ||
		{ tail -n 20 "$blog"; fail "configure failed (log: $blog)"; }
fi
# make is a no-op when the tree is built; the test server and the UML shim are check programs.
say "make (log: $blog)"
(cd "$builddir" && make -j"$(nproc)" &&
	make -j"$(nproc)" tests/server/sstp-test-server tests/uml/uml-xstate-shim.la) >>"$blog" 2>&1 ||
	{ tail -n 30 "$blog"; fail "the build failed (log: $blog)"; }
say "built: nm-sstp-service, nm-sstp-tunnel, nm-sstp-pppd-plugin.so, sstp-test-server"

. "$srcdir/tests/uml/lib/tap.sh"
. "$srcdir/tests/uml/lib/uml.sh"
. "$srcdir/tests/uml/lib/nm-host.sh"
reason=$(uml_skip_reason)
[ -z "$reason" ] || fail "this machine cannot run the UML guest: $reason"
trap uml_cleanup_run EXIT

out=$(top_builddir=$builddir uml_outdir demo) || fail "cannot create the log folder"
nm_host_server_files "$out" || fail "cannot make the server certificate"
NM_HOST_SRCDIR=$srcdir
NM_HOST_BUILDDIR=$builddir
words=()
while IFS= read -r word; do
	words+=("$word")
done < <(nm_host_guest_words "$out")

step "Booting the User-Mode-Linux guest (the host kernel has no PPP; this takes a minute)"
: >"$out/guest.log"
tail -n +1 -F "$out/guest.log" 2>/dev/null &
tail_pid=$!
uml_run --timeout 600 "$out" "$srcdir/tests/demo.sh" DEMO_GUEST=1 "${words[@]}"
rc=$?
sleep 1
kill "$tail_pid" 2>/dev/null
wait "$tail_pid" 2>/dev/null

step "Cleaning up"
left=$(pgrep -f "uml_dir=$out/uml" || true)
if [ -z "$left" ]; then
	say "the guest has powered off; no process of it is left; no namespace was made on the host"
else
	say "still running (ending them): $left"
	for pid in $left; do
		kill "$pid" 2>/dev/null
	done
fi
say "logs: $out"
say "took $(($(date +%s) - started)) s"

if [ "$rc" -eq 0 ] && ! grep -q '^not ok' "$out/guest.tap" 2>/dev/null &&
	grep -q '^ok' "$out/guest.tap" 2>/dev/null; then
	cat <<-EOF

	RESULT: IT WORKED. NetworkManager started our plugin, the SSTP tunnel came up (TLS, the
	crypto binding verified by the strict server, PPP with IPv4 and IPv6), a ping crossed it,
	and it came down leaving nothing behind.
	EOF
	exit 0
fi
say ""
say "RESULT: FAILED. What went wrong:"
case $rc in
124) say "  the guest hit its time limit" ;;
125) say "  the guest never reported (see $out/console.log)" ;;
esac
grep '^not ok' "$out/guest.tap" 2>/dev/null | sed 's/^not ok [0-9]* - /  - /'
say "details: $out/guest.log, $out/demo-details.log, $out/NetworkManager.log"
exit 1
