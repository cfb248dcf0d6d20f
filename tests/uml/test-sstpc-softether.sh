#!/bin/bash
# tests/uml/test-sstpc-softether.sh - baseline end to end: Debian's sstp-client (sstpc) and
# pppd in a User-Mode-Linux guest connect to SoftEther VPN Server (real SSTP, patched private
# copy) running on the host side of the test's own network namespace.
#
#   host netns sstp-sc-PID:  umltap0 198.51.100.1/24, vpnserver listening on :443
#   UML guest (in that ns):  vec0 198.51.100.2/24, sstpc + pppd -> ppp0 198.18.0.x
#   inside the tunnel:       SecureNAT gateway/DNS 198.18.0.1
#
# Logs stay in $top_builddir/tests/uml/logs/sstpc-softether/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/softether.sh"

uml_require
softether_require
for tool in sstpc; do
	command -v "$tool" >/dev/null || tap_skip_all "missing $tool (apt-get install sstp-client)"
done

out=$(uml_outdir sstpc-softether) || tap_bail_out "cannot create the output folder"
se=$out/softether
ns=sstp-sc-$$
tap=umltap0

user=alice
softether_host_setup "$ns" "$tap" "$se" "$user" "$out/password" "(SHA-256 checked before and after)"

uml_run_guest "$out" "$here/guest/sstpc-softether.sh" \
	--netns "$ns" --tap "$tap" --guest-addr "$UML_GUEST_ADDR/$UML_PREFIX_LEN" --timeout 300 -- \
	SSTP_SERVER="$UML_HOST_ADDR" SSTP_USER="$user" SSTP_PASSWORD_FILE="$out/password" \
	SSTP_CA="$se/pki/ca.pem" SSTP_GATEWAY=198.18.0.1

# The server side saw an SSTP session (guards against a client that only thinks it is up).
if grep -q 'SSTP' "$se/vpnserver.log" && grep -q -i 'session' "$se/vpnserver.log"; then
	tap_ok "vpnserver logged the SSTP session"
else
	tap_not_ok "vpnserver logged the SSTP session"
	tap_diag_file "$se/vpnserver.log" 30
fi

uml_timing_diag "$out"
tap_finish
