#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-split-softether.sh - split routes and the DNS domain from SoftEther's
# SecureNAT DHCP server (DhcpSet /PUSHROUTE, /DOMAIN), asked for with a DHCPINFORM by
# nm-sstp-tunnel and applied by NetworkManager: NetworkManager, our service, the worker and
# pppd in the UML guest; vpnserver on the host side of the test's own namespace. Then the
# same profile with dhcp-inform=no: nothing is asked, no pushed route.
#
#   host netns sstp-split-PID:  umltap0 198.51.100.1/24, vpnserver on :443
#   UML guest (in that ns):     vec0 198.51.100.2/24 (NetworkManager's primary connection)
#   inside the tunnel:          SecureNAT 198.18.0.1, client 198.18.0.10-100
#   pushed routes:              203.0.113.0/24 and 198.19.0.0/16 (via 198.18.0.1, a router
#                               on the server's side: the worker routes them into the tunnel)
#
# Logs: $top_builddir/tests/uml/logs/split-softether/ (NetworkManager.log has the worker's
# lines).

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/softether.sh"
. "$here/lib/nm-host.sh"

nm_host_require
softether_test_setup split-softether sstp-split
out=$SOFTETHER_TEST_OUT se=$SOFTETHER_TEST_DIR ns=$SOFTETHER_TEST_NS tap=$SOFTETHER_TEST_TAP
# The split-tunnel part: SecureNAT's DHCP server pushes two routes and a domain.
cat >"$se/split.cmd" <<-CMDS
Hub $SOFTETHER_HUB
DhcpSet /START:198.18.0.10 /END:198.18.0.100 /MASK:255.255.255.0 /EXPIRE:7200 /GW:198.18.0.1 /DNS:198.18.0.1 /DNS2:none /DOMAIN:corp.test /LOG:yes /PUSHROUTE:"203.0.113.0/255.255.255.0/198.18.0.1,198.19.0.0/255.255.0.0/198.18.0.1"
DhcpGet
CMDS
if softether_vpncmd "$ns" "$se" "$se/split.cmd"; then
	tap_ok "SecureNAT DHCP pushes 203.0.113.0/24, 198.19.0.0/16 and domain corp.test"
else
	tap_not_ok "SecureNAT DHCP pushes 203.0.113.0/24, 198.19.0.0/16 and domain corp.test"
	tap_diag_file "$se/vpncmd.log" 30
fi

nm_host_run_guest "$out" "$here/guest/split-softether.sh" \
	--netns "$ns" --tap "$tap" --guest-addr "$UML_GUEST_ADDR/$UML_PREFIX_LEN" --timeout 600 -- \
	SSTP_SERVER="$UML_HOST_ADDR" SSTP_CA="$se/pki/ca.pem"

tap_finish
