#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-tunnel-softether.sh - end to end: our worker nm-sstp-tunnel and pppd (with
# our pppd plugin) in a User-Mode-Linux guest connect to SoftEther VPN Server, a real SSTP
# server that the project did not write, running on the host side of the test's own
# network namespace.
#
#   host netns sstp-ts-PID:  umltap0 198.51.100.1/24, vpnserver listening on :443
#   UML guest (in that ns):  vec0 198.51.100.2/24, nm-sstp-tunnel + pppd -> ppp0 198.18.0.x
#   inside the tunnel:       SecureNAT gateway/DNS 198.18.0.1
#
# What the guest (test-tunnel-softether-guest.sh) checks: the certificate is verified with
# the test's own CA, by name (--host vpn.sstp.test) and by the IP SAN; ppp0 gets a SecureNAT
# address; a ping crosses the tunnel; the connection survives 25 s of silence (SoftEther
# drops a client that does not answer its SSTP Echo Requests for ~10 s); while up, the
# password is in no /proc/*/cmdline, /proc/*/environ or log, and pppd's ip-up script
# inherits no socket; SIGTERM sends Call Disconnect (SoftEther acknowledges it), the worker
# exits 0 and no pppd is left. A wrong --host fails with exit 3 before any PPP.
#
# SoftEther facts that matter here (docs: /work/shared/docs/sstp-protocol.md section 6): its
# PPP offers EAP first and rejects pppd's fallback, so pppd gets "refuse-eap" (after "--");
# it starts its PPP side only when the first data packet arrives (the worker never runs
# pppd in "passive" mode: pppd's LCP Configure-Request is that first packet); it rejects
# LCP magic-number, PFC and ACFC, which pppd handles by itself (Configure-Reject, then
# renegotiation without them).
#
# The Debian SoftEther SSTP bug: Debian's vpnserver 5.01.9674 drops every SSTP_DUPLEX_POST
# (a NULL dereference the compiler turned into "return false" in ProtoHandleConnection(),
# fixed upstream in 5611156c). softether_prepare (lib/softether.sh) copies the binary into
# the test's output folder and patches that private copy (65 bytes, SHA-256 checked before
# and after); the installed package is never modified. Other builds are skipped, not run.
# Details: tests/uml/README.md, "The vpnserver patch".
#
# Logs stay in $top_builddir/tests/uml/logs/tunnel-softether/ (tunnel-*.log = the worker's
# --debug stderr with pppd's output, softether/vpnserver.log = SoftEther's server log).

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/softether.sh"

uml_require
softether_require
# (the guest runs a sanitizer build's UBSan-only copy, tests/sanitizer.am)
builddir=$(cd "${SSTP_GUEST_BUILDDIR:-${top_builddir:-.}}" && pwd)
tunnel=$builddir/src/tunnel/nm-sstp-tunnel
plugin=$builddir/src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so
[ -x "$tunnel" ] || tap_skip_all "nm-sstp-tunnel is not built"
[ -r "$plugin" ] || tap_skip_all "nm-sstp-pppd-plugin.so is not built"

out=$(uml_outdir tunnel-softether) || tap_bail_out "cannot create the output folder"
se=$out/softether
ns=sstp-ts-$$
tap=umltap0

# The password: 24 random letters and digits in a 0600 file only (never on a command line),
# distinctive enough that finding it anywhere means it leaked.
user=alice
softether_host_setup "$ns" "$tap" "$se" "$user" "$out/password" "(SHA-256 checked before and after)"

uml_run_guest "$out" "$here/test-tunnel-softether-guest.sh" \
	--netns "$ns" --tap "$tap" --guest-addr "$UML_GUEST_ADDR/$UML_PREFIX_LEN" --timeout 300 -- \
	TUNNEL="$tunnel" PLUGIN="$plugin" SSTP_SERVER="$UML_HOST_ADDR" SSTP_HOST=vpn.sstp.test \
	SSTP_USER="$user" SSTP_PASSWORD_FILE="$out/password" SSTP_CA="$se/pki/ca.pem" \
	SSTP_GATEWAY=198.18.0.1 SOFTETHER_DIR="$se"

# SoftEther's side of the story. Its log has no line per SSTP control message, but it
# shows each SSTP session being created and deleted, its PPP session ending "because the
# upper-layer protocol SSTP has been disconnected" and the TCP connection ending with cause
# code 3 ("Connection has been disconnected."), not a timeout. Two sessions: by name, then
# by address (the wrong --host attempt never gets past TLS); more would mean a reconnect.
# That our Call Disconnect itself reached it is shown by its Call Disconnect Ack in the
# worker's log (guest check).
slog=$se/vpnserver.log
softether_session_counts() {
	local created deleted ppp_ended tcp_closed
	created=$(grep -c '\[SSTP\] .*Session created' "$slog")
	deleted=$(grep -c '\[SSTP\] .*Session deleted' "$slog")
	ppp_ended=$(grep -c 'The PPP session is disconnected because the upper-layer protocol "SSTP" has been disconnected' "$slog")
	tcp_closed=$(grep -c 'terminated by the cause "Connection has been disconnected." (code 3)' "$slog")
	echo "$created $deleted $ppp_ended $tcp_closed"
}
# SoftEther logs a session's end some 0.3-1 s after the client left, and the guest powers
# off right after its last run: give the log up to 10 s to catch up.
for _ in $(seq 50); do
	[ "$(softether_session_counts)" = "2 2 2 2" ] && break
	sleep 0.2
done
tap_is "vpnserver: SSTP sessions created, deleted, PPP ended by the SSTP disconnect, TCP closed (code 3)" \
	"$(softether_session_counts)" "2 2 2 2"

# Every log the test produced, SoftEther's own folders included, after the run. The guest
# already scanned processes and logs while the tunnel was up; this adds what the server
# wrote at teardown. grep reads the pattern from the file (no password on a command line);
# the password file itself is the positive control.
logs=$(find "$out" -type f \( -name '*.log' -o -name '*.txt' -o -name 'status*' \) 2>/dev/null)
nlogs=$(printf '%s\n' "$logs" | grep -c .)
leaks=$(printf '%s\n' "$logs" | xargs -r -d '\n' grep -l -a -F -f "$out/password" 2>/dev/null)
if ! grep -q -a -F -f "$out/password" "$out/password" || [ "$nlogs" -lt 5 ]; then
	tap_not_ok "the password is in none of the logs (scan broken: $nlogs files)"
elif [ -n "$leaks" ]; then
	tap_not_ok "the password is in none of the logs"
	tap_diag "found in: $leaks"
else
	tap_ok "the password is in none of the $nlogs logs (worker, pppd, SoftEther, guest)"
fi

uml_timing_diag "$out"
tap_finish
