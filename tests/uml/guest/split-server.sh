# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/guest/split-server.sh - runs INSIDE the UML guest (see test-split-server.sh).
# Environment: BUILDDIR, SRCDIR, SERVER, CERT, KEY, PIN, SSTP_USER, SSTP_PASSWORD_FILE.
#
#   sstp-test-server on 127.0.0.1; its pppd in namespace splitsrv: ppp0 10.77.0.1 peer 10.77.0.2
#   dnsmasq in splitsrv (DHCP only): 121 = 198.19.0.0/16 (on link), 203.0.113.0/24 via the peer,
#       100.64.23.4/20 (host bits set: the worker installs 100.64.16.0/20), 0.0.0.0/0 (refused:
#       the default route is the profile's choice); domain corp.test, search corp.test
#       eng.corp.test
#   198.19.0.1 on splitsrv's lo: a host only the pushed route 198.19.0.0/16 leads to

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=split
ns=splitsrv
nmlog=$UML_OUT/NetworkManager.log
dnsmasq_pid=

write_profile() {
	nm_guest_write_vpn_profile "$conn" 5a1e7c3d-8f0b-4e9a-a2c4-6b3d1e9f0a02 "$SSTP_PASSWORD_FILE" ignore \
		"gateway=127.0.0.1:$NM_SERVER_PORT" "cert-pin-sha256=$PIN" tls-sni=no
}

start_dnsmasq() {
	rm -f "$UML_OUT/dnsmasq.pid"
	ip netns exec "$ns" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
		--interface='ppp*' --leasefile-ro --pid-file="$UML_OUT/dnsmasq.pid" \
		--log-dhcp --log-facility="$UML_OUT/dnsmasq.log" \
		--dhcp-range=10.77.0.0,static,255.255.255.0 \
		--dhcp-option=121,198.19.0.0/16,0.0.0.0,203.0.113.0/24,10.77.0.1,100.64.23.4/20,10.77.0.1,0.0.0.0/0,10.77.0.1 \
		--dhcp-option=option:domain-name,corp.test \
		--dhcp-option=option:domain-search,corp.test,eng.corp.test &
	dnsmasq_pid=$!
	guest_wait_for 10 test -s "$UML_OUT/dnsmasq.pid"
}

up() {
	nm_guest_up "$conn" "nmcli-up-$1" "nmcli connection up $conn ($1)"
	wpid=$(nm_guest_worker_pid)
}

down() {
	nm_guest_down "$conn" "nmcli-down-$1" "nmcli connection down $conn ($1)"
	nm_guest_check_nothing_left "nothing left after deactivation ($1)" 30
	nm_guest_stop_server
	tap_is "server: binding verified, clean call ($1)" "$NM_SERVER_STATUS" 0
}

worker_has() {
	grep -a "nm-sstp-tunnel\[${wpid:-0}\]" "$nmlog" | grep -q -- "$1"
}

# UDP datagrams the guest's kernel received for a port nobody listens on (a DHCPACK that
# slipped through to pppd would be one: nothing listens on port 68).
udp_noports() {
	awk '$1 == "Udp:" && $2 ~ /^[0-9]+$/ { print $3 }' /proc/net/snmp
}

nm_guest_setup
tap_check "namespace $ns for the server's pppd" sh -c "ip netns add $ns && ip -n $ns link set lo up &&
	ip -n $ns addr add 198.19.0.1/32 dev lo"
tap_check "dnsmasq (DHCP only) runs in $ns" start_dnsmasq

# ---- 1. a DHCP server answers ----------------------------------------------------

nm_guest_start_server inform "$SSTP_PASSWORD_FILE" --netns "$ns" ||
	tap_bail_out "sstp-test-server does not listen"
write_profile
noports_before=$(udp_noports)
up inform
dev=$(ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^ppp[0-9]/ { print $2; exit }')
# The answer may come after activation (the worker holds the IPv4 configuration only a
# moment); it then reaches NetworkManager as an update. Wait for it, a few seconds at most:
# if it never comes, the checks below fail.
guest_wait_for 10 sh -c "nmcli -g IP4.ROUTE connection show '$conn' | grep -q 'dst = 198.19.0.0/16,'" ||
	tap_diag "no route from the DHCP answer in NetworkManager after 10 s"
ip route >"$UML_OUT/ip-route.txt" 2>&1
nmcli -g IP4.ROUTE,IP4.DOMAIN connection show "$conn" >"$UML_OUT/nmcli-routes.txt" 2>&1
tap_diag "ip route:"
while IFS= read -r line; do tap_diag "  $line"; done <"$UML_OUT/ip-route.txt"
tap_diag "nmcli -g IP4.ROUTE,IP4.DOMAIN connection show $conn:"
while IFS= read -r line; do tap_diag "  $line"; done <"$UML_OUT/nmcli-routes.txt"
grep -a "nm-sstp-tunnel\[${wpid:-0}\]" "$nmlog" | grep -a -e DHCP -e 'asking the server' >"$UML_OUT/worker-dhcp.txt"
tap_diag "worker's DHCP lines:"
while IFS= read -r line; do tap_diag "  $line"; done <"$UML_OUT/worker-dhcp.txt"

tap_check "dnsmasq saw our DHCPINFORM on the server's ppp0" grep -q 'DHCPINFORM(ppp0) 10.77.0.2' "$UML_OUT/dnsmasq.log"
# 4 pushed: 0.0.0.0/0 refused, 3 kept (one with its host bits cleared).
tap_check "worker log: 4 routes (1 refused) and DNS domain corp.test, search list" \
	worker_has 'pushed 4 routes (1 refused) and DNS domain corp.test, search corp.test eng.corp.test'
tap_check "worker log: 0.0.0.0/0 from the server not used" worker_has 'DHCP: route 0.0.0.0/0 via 10.77.0.1: '
tap_check "worker log: host bits of 100.64.23.0/20 cleared" worker_has 'DHCP: route 100.64.23.0/20 via 10.77.0.1: '
for r in 198.19.0.0/16 203.0.113.0/24 100.64.16.0/20; do
	tap_check "kernel route $r on the tunnel device (${dev:-none})" \
		sh -c "ip -4 route show $r | grep -q 'dev ${dev:-ppp0}'"
	tap_check "IP4.ROUTE lists $r" grep -q "dst = $r," "$UML_OUT/nmcli-routes.txt"
done
tap_check "no default route through the tunnel (never-default; the server's is refused)" \
	sh -c "! ip -4 route show default | grep -q 'dev ${dev:-ppp0}'"
# nmcli -g separates several values with " | "
tap_check "IP4.DOMAIN lists corp.test" grep -qE '(^| )corp\.test( |$)' "$UML_OUT/nmcli-routes.txt"
tap_check "IP4.DOMAIN lists eng.corp.test" grep -qE '(^| )eng\.corp\.test( |$)' "$UML_OUT/nmcli-routes.txt"
if ping -c 2 -W 5 198.19.0.1 >"$UML_OUT/ping.log" 2>&1; then
	tap_ok "ping 198.19.0.1 (only the pushed route leads there) crosses the tunnel"
else
	tap_not_ok "ping 198.19.0.1 (only the pushed route leads there) crosses the tunnel"
	tap_diag_file "$UML_OUT/ping.log" 5
fi
tap_is "the DHCPACK never reached the guest's kernel (UDP NoPorts unchanged)" \
	"$(udp_noports)" "$noports_before"
down inform

# ---- 2. nobody answers: activation does not wait for the retries -------------------

guest_stop "$dnsmasq_pid"
dnsmasq_pid=
nm_guest_start_server silent "$SSTP_PASSWORD_FILE" --netns "$ns" ||
	tap_bail_out "sstp-test-server does not listen"
write_profile
up silent
# Activation came before the worker gave up (it retries at 1 and 3 s, gives up at 5 s):
# NetworkManager got the configuration without waiting for an answer.
if worker_has 'no answer to the DHCPINFORM'; then
	tap_not_ok "activated before the worker gave up on the DHCPINFORM"
else
	tap_ok "activated before the worker gave up on the DHCPINFORM"
fi
tap_is "state is activated" "$(nmcli -g GENERAL.STATE connection show "$conn" 2>/dev/null)" activated
tap_check "worker gives up afterwards: no answer, no split routes" \
	guest_wait_for 20 worker_has 'no answer to the DHCPINFORM'
tap_check "worker sent the INFORM 3 times" worker_has '> DHCPINFORM 3 of 3'
tap_check "no pushed route" sh -c "! ip -4 route show 198.19.0.0/16 | grep -q ."
tap_check "ping 10.77.0.1 through the tunnel" ping -c 2 -W 5 10.77.0.1
down silent

# ---- 3. the answer comes after the configuration went out: its routes still arrive --
# dnsmasq runs but is stopped (SIGSTOP: the INFORMs wait in its socket) until the worker has
# sent NetworkManager the configuration without an answer (the service logs "tunnel up");
# then it answers at once, and the worker sends the answer as an update, which NetworkManager applies
# to the active connection.

nm_guest_start_server late "$SSTP_PASSWORD_FILE" --netns "$ns" ||
	tap_bail_out "sstp-test-server does not listen"
write_profile
if start_dnsmasq && dnsmasq_pid=$(cat "$UML_OUT/dnsmasq.pid") && kill -STOP "$dnsmasq_pid"; then
	tap_ok "dnsmasq (DHCP only) runs, stopped"
else
	tap_not_ok "dnsmasq (DHCP only) runs, stopped"
fi
# the service's log line for the first ip4 message: the configuration went out
sent=$(grep -ac 'tunnel up: interface' "$UML_OUT/syslog.log")
(guest_wait_for 60 sh -c "[ \$(grep -ac 'tunnel up: interface' '$UML_OUT/syslog.log') -gt $sent ]" &&
	kill -CONT "$dnsmasq_pid") &
starter=$!
up late
if wait "$starter"; then
	tap_ok "dnsmasq continues once the configuration went out without the answer"
else
	tap_not_ok "dnsmasq continues once the configuration went out without the answer"
	kill -CONT "$dnsmasq_pid" 2>/dev/null
fi
tap_check "worker: the late answer goes out as an update" \
	guest_wait_for 20 worker_has 'sending what it brought as an update'
tap_check "service: IPv4 configuration updated" \
	guest_wait_for 20 grep -aq "IPv4 configuration updated with the server" "$UML_OUT/syslog.log"
for r in 198.19.0.0/16 203.0.113.0/24 100.64.16.0/20; do
	tap_check "kernel route $r on the tunnel device after the update" \
		guest_wait_for 20 sh -c "ip -4 route show $r | grep -q 'dev ${dev:-ppp0}'"
done
nmcli -g IP4.ROUTE,IP4.DOMAIN connection show "$conn" >"$UML_OUT/nmcli-routes-late.txt" 2>&1
tap_diag "nmcli -g IP4.ROUTE,IP4.DOMAIN connection show $conn (late answer):"
while IFS= read -r line; do tap_diag "  $line"; done <"$UML_OUT/nmcli-routes-late.txt"
tap_check "IP4.ROUTE lists 198.19.0.0/16 after the update" grep -q "dst = 198.19.0.0/16," "$UML_OUT/nmcli-routes-late.txt"
tap_is "still activated after the update" "$(nmcli -g GENERAL.STATE connection show "$conn" 2>/dev/null)" activated
tap_check "no default route through the tunnel after the update" \
	sh -c "! ip -4 route show default | grep -q 'dev ${dev:-ppp0}'"
if ping -c 2 -W 5 198.19.0.1 >"$UML_OUT/ping-late.log" 2>&1; then
	tap_ok "ping 198.19.0.1 through the route of the late answer"
else
	tap_not_ok "ping 198.19.0.1 through the route of the late answer"
	tap_diag_file "$UML_OUT/ping-late.log" 5
fi
down late
guest_stop "$dnsmasq_pid"
dnsmasq_pid=

tap_check "no password in NetworkManager's log" nm_guest_no_password_in "$nmlog"
ip netns del "$ns"
nm_guest_finish
tap_finish
