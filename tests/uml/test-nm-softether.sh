#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-softether.sh - our plugin under a real NetworkManager against a server
# none of us wrote: SoftEther VPN Server (MS-CHAPv2; EAP only for certificates, so the
# service connects a second time with EAP refused) on the host side of the
# test's own namespace; NetworkManager, our service, worker and pppd in the UML guest.
# The profile is made with "nmcli connection add type vpn vpn-type sstp" and verifies the
# server with the CA certificate the harness made (ca-cert=). Checks activation, the
# SecureNAT address and DNS NetworkManager shows, a ping to the SecureNAT gateway through
# the tunnel, and that "nmcli connection down" leaves no worker, pppd or ppp device.
#
#   host netns sstp-nmse-PID:  umltap0 198.51.100.1/24, vpnserver on :443
#   UML guest (in that ns):    vec0 198.51.100.2/24 (NetworkManager's primary connection)
#   inside the tunnel:         SecureNAT gateway/DNS 198.18.0.1, client 198.18.0.10-100
#
# Logs: $top_builddir/tests/uml/logs/nm-softether/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/softether.sh"
. "$here/lib/nm-host.sh"

nm_host_require
softether_test_setup nm-softether sstp-nmse
out=$SOFTETHER_TEST_OUT se=$SOFTETHER_TEST_DIR ns=$SOFTETHER_TEST_NS tap=$SOFTETHER_TEST_TAP

nm_host_run_guest "$out" "$here/test-nm-softether-guest.sh" \
	--netns "$ns" --tap "$tap" --guest-addr "$UML_GUEST_ADDR/$UML_PREFIX_LEN" --timeout 600 -- \
	SSTP_SERVER="$UML_HOST_ADDR" SSTP_CA="$se/pki/ca.pem" SSTP_GATEWAY=198.18.0.1

# The server side saw the session (guards against a client that only thinks it is up).
if grep -q 'SSTP' "$se/vpnserver.log" && grep -q -i 'session' "$se/vpnserver.log"; then
	tap_ok "vpnserver logged the SSTP session"
else
	tap_not_ok "vpnserver logged the SSTP session"
	tap_diag_file "$se/vpnserver.log" 30
fi
tap_finish
