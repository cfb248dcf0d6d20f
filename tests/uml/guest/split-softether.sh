# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/guest/split-softether.sh - runs INSIDE the UML guest (see test-split-softether.sh).
# Environment: BUILDDIR, SRCDIR, SSTP_SERVER (198.51.100.1), SSTP_USER, SSTP_PASSWORD_FILE,
# SSTP_CA (the CA certificate the harness made).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=split
nmlog=$UML_OUT/NetworkManager.log

# The profile as a keyfile (0600, guest tmpfs): the password goes through no command line.
# $1: extra [vpn] lines
write_profile() {
	nm_guest_write_vpn_profile "$conn" 0c0ffee0-5b1e-4d2a-9b7e-2f1c5a7d9e01 "$SSTP_PASSWORD_FILE" ignore \
		"gateway=$SSTP_SERVER" "ca-cert=$SSTP_CA" "$@"
}

# The worker's log lines (NetworkManager logs them) of the worker with PID $1.
worker_lines() {
	grep -a "nm-sstp-tunnel\[$1\]" "$nmlog"
}

ppp_dev() {
	ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^ppp[0-9]/ { print $2; exit }'
}

up() {
	nm_guest_up "$conn" "nmcli-up-$1" "nmcli connection up $conn ($1)"
	wpid=$(nm_guest_worker_pid)
	dev=$(ppp_dev)
}

down() {
	nm_guest_down "$conn" "nmcli-down-$1" "nmcli connection down $conn ($1)"
	nm_guest_check_nothing_left "nothing left after deactivation ($1)" 30
}

tap_check "vec0 has the guest address" \
	guest_wait_for 10 ip -4 addr show dev vec0 to "${UML_GUEST_ADDR%/*}"
nm_guest_setup vec0 "$SSTP_SERVER"

# ---- 1. dhcp-inform on (the default) -------------------------------------------

write_profile ""
up inform
# The answer may come after activation (the worker holds the IPv4 configuration only a
# moment); it then reaches NetworkManager as an update. Wait for it, a few seconds at most:
# if it never comes, the checks below fail.
guest_wait_for 10 sh -c "nmcli -g IP4.ROUTE connection show '$conn' | grep -q 'dst = 203.0.113.0/24,'" ||
	tap_diag "no route from the DHCP answer in NetworkManager after 10 s"
ip route >"$UML_OUT/ip-route.txt" 2>&1
nmcli -g IP4.ROUTE,IP4.DOMAIN connection show "$conn" >"$UML_OUT/nmcli-routes.txt" 2>&1
tap_diag "ip route:"
while IFS= read -r line; do tap_diag "  $line"; done <"$UML_OUT/ip-route.txt"
tap_diag "nmcli -g IP4.ROUTE,IP4.DOMAIN connection show $conn:"
while IFS= read -r line; do tap_diag "  $line"; done <"$UML_OUT/nmcli-routes.txt"

tap_check "worker: asked the server with a DHCPINFORM" \
	sh -c "grep -a 'nm-sstp-tunnel\[${wpid:-0}\]' '$nmlog' | grep -q 'asking the server for split routes'"
tap_check "worker log: server pushed 2 routes and DNS domain corp.test" \
	sh -c "grep -a 'nm-sstp-tunnel\[${wpid:-0}\]' '$nmlog' | grep -q 'DHCP: server .* pushed 2 routes and DNS domain corp.test'"
tap_check "kernel route 203.0.113.0/24 on the tunnel device (${dev:-none})" \
	sh -c "ip -4 route show 203.0.113.0/24 | grep -q 'dev ${dev:-ppp0}'"
tap_check "kernel route 198.19.0.0/16 on the tunnel device" \
	sh -c "ip -4 route show 198.19.0.0/16 | grep -q 'dev ${dev:-ppp0}'"
# SecureNAT names 198.18.0.1 (its LAN router) as gateway: through a point-to-point link the
# route goes into the tunnel, not "via" an address the kernel could not reach.
tap_check "pushed routes have no 'via': straight into the tunnel" \
	sh -c "! ip -4 route show 203.0.113.0/24 | grep -q via"
tap_check "203.0.113.7 is reached through the tunnel" \
	sh -c "ip -4 route get 203.0.113.7 | grep -q 'dev ${dev:-ppp0}'"
tap_check "never-default honoured: no default route through the tunnel" \
	sh -c "! ip -4 route show default | grep -q 'dev ${dev:-ppp0}'"
tap_check "IP4.ROUTE lists 203.0.113.0/24" grep -q 'dst = 203.0.113.0/24' "$UML_OUT/nmcli-routes.txt"
tap_check "IP4.ROUTE lists 198.19.0.0/16" grep -q 'dst = 198.19.0.0/16' "$UML_OUT/nmcli-routes.txt"
tap_check "IP4.DOMAIN is corp.test" grep -qx 'corp.test' "$UML_OUT/nmcli-routes.txt"
# SecureNAT answers the ping itself: the DHCP exchange did not disturb the tunnel.
tap_check "ping 198.18.0.1 through the tunnel" ping -c 2 -W 5 -I "${dev:-ppp0}" 198.18.0.1
pppd_pid=$(nm_guest_client_pppd_pids | head -n 1)
tap_check "pppd runs with nodeflate and nobsdcomp (no compression: the INFORM stays readable)" \
	sh -c "tr '\\0' '\\n' </proc/${pppd_pid:-0}/cmdline | grep -qx nodeflate &&
	       tr '\\0' '\\n' </proc/${pppd_pid:-0}/cmdline | grep -qx nobsdcomp"
worker_lines "${wpid:-0}" | grep -a 'DHCP' >"$UML_OUT/worker-dhcp.txt"
tap_diag "worker's DHCP lines:"
while IFS= read -r line; do tap_diag "  $line"; done <"$UML_OUT/worker-dhcp.txt"
down inform
tap_check "the pushed routes left with the connection" \
	sh -c "! ip -4 route show 203.0.113.0/24 | grep -q ."

# ---- 2. dhcp-inform=no: nothing is asked ---------------------------------------

write_profile "dhcp-inform=no"
up off
tap_check "worker log: DHCPINFORM is off" \
	sh -c "grep -a 'nm-sstp-tunnel\[${wpid:-0}\]' '$nmlog' | grep -q 'DHCPINFORM is off'"
tap_check "worker sent no DHCPINFORM" \
	sh -c "! grep -a 'nm-sstp-tunnel\[${wpid:-0}\]' '$nmlog' | grep -q -e '> DHCPINFORM' -e ']: asking the server'"
tap_check "the worker ran with --no-dhcp-inform (from the settings table)" \
	sh -c "grep -a 'nm-sstp-tunnel\[${wpid:-0}\]' '$nmlog' | grep -q 'starting .*pppd' &&
	       ! grep -a 'nm-sstp-tunnel\[${wpid:-0}\]' '$nmlog' | grep 'starting .*pppd' | grep -q nodeflate"
tap_check "no route 203.0.113.0/24" sh -c "! ip -4 route show 203.0.113.0/24 | grep -q ."
nmcli -g IP4.ROUTE,IP4.DOMAIN connection show "$conn" >"$UML_OUT/nmcli-routes-off.txt" 2>&1
tap_check "IP4.DOMAIN has no corp.test" sh -c "! grep -q corp.test '$UML_OUT/nmcli-routes-off.txt'"
tap_check "the tunnel works all the same (ping 198.18.0.1)" ping -c 2 -W 5 -I "${dev:-ppp0}" 198.18.0.1
down off

tap_check "no password in NetworkManager's log" nm_guest_no_password_in "$nmlog"
nm_guest_finish
tap_finish
