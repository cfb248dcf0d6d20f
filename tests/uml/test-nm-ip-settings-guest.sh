# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-ip-settings-guest.sh - runs INSIDE the UML guest (see
# test-nm-ip-settings.sh). Environment: see lib/nm-guest.sh (BUILDDIR, SRCDIR, SERVER, CERT,
# KEY, SSTP_USER, SSTP_PASSWORD_FILE).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

# The client's pppd command line while it runs (empty when none).
pppd_argv() {
	local pid
	pid=$(nm_guest_client_pppd_pids | head -n 1)
	[ -z "$pid" ] || tr '\0' ' ' <"/proc/$pid/cmdline"
}

# argv_has DESC WORDS: the client's pppd got WORDS (in this order, side by side)
argv_has() {
	case " $argv " in
	*" $2 "*) tap_ok "$1" ;;
	*) tap_not_ok "$1"; tap_diag "pppd: $argv" ;;
	esac
}

argv_lacks() {
	case " $argv " in
	*" $2 "*) tap_not_ok "$1"; tap_diag "pppd: $argv" ;;
	*) tap_ok "$1" ;;
	esac
}

# show CONN: what pppd negotiated (ppp0 as the kernel has it) and what NetworkManager shows
# (nmcli -g FIELD connection show CONN, kept for nm_field: nmcli is slow in a busy guest)
declare -A shown
show() {
	local f
	tap_diag "$1: ppp0: $(ip -o addr show dev ppp0 2>/dev/null | awk '{ printf "%s %s%s; ", $3, $4, ($5 == "peer" ? " peer " $6 : "") }')"
	shown=()
	for f in GENERAL.STATE IP4.ADDRESS IP4.GATEWAY IP4.ROUTE IP4.DNS IP4.DOMAIN IP4.SEARCHES \
		IP6.ADDRESS IP6.ROUTE IP6.DNS; do
		shown[$f]=$(nmcli -g "$f" connection show "$1" 2>&1 | sed 's/\\:/:/g')
		tap_diag "$1: nmcli -g $f: '${shown[$f]}'"
	done
}

# a field of the last show (values " | "-separated, colons unescaped)
nm_field() {
	printf '%s' "${shown[$1]:-}"
}

# profile CONN UUID IPV4_LINES IPV6_LINES [VPN_LINE...]: a keyfile with the saved password
profile() {
	local conn=$1 uuid=$2 ip4=$3 ip6=$4
	shift 4
	nm_guest_write_vpn_profile_ip "$conn" "$uuid" "$SSTP_PASSWORD_FILE" "$ip4" "$ip6" "$@"
}

# finish CONN: down, nothing left, the server's call was clean
finish() {
	nm_guest_down "$1" "down-$1" "$1: nmcli connection down"
	nm_guest_check_nothing_left "$1: nothing left (worker, pppd, ppp device, service)"
	nm_guest_stop_server
	tap_is "$1: server: binding verified, clean call (exit 0)" "$NM_SERVER_STATUS" 0
}

nm_guest_setup

# ---- 1. ipv4.method manual with an address; ipv6.method ignore ---------------
# The address is a wish (ipcp-accept-local): this server assigns 10.77.0.2 and
# wins, as with the old plugin. NetworkManager adds the profile's address as well.
# Also: tls-server-name checks the certificate (given as CA) for a gateway that
# is an address, and is the SNI; an international name (bücher.sstp.test) reaches
# the worker, which has no IDNA code, in its xn-- form (the service converts it),
# and the certificate names that form; uuid not-a-guid gives a random id.
conn=ip4-manual
nm_guest_start_server "$conn" "$SSTP_PASSWORD_FILE" --ipv6 --dns 10.77.0.53 ||
	tap_bail_out "sstp-test-server does not listen"
profile "$conn" 5b1e0c4a-7d2f-4e83-9a61-2c4d6e8f0a1b \
	"method=manual
address1=10.77.0.50/32,10.77.0.1" \
	"method=ignore" \
	"gateway=127.0.0.1:$NM_SERVER_PORT" "ca-cert=$CERT" "tls-server-name=bücher.sstp.test" "uuid=not-a-guid" \
	"dhcp-inform=no"
nm_guest_up "$conn" "up-$conn" "$conn: nmcli connection up" ||
	tap_diag "$(grep -a 'nm-sstp' "$UML_OUT/syslog.log" | tail -n 5)"
argv=$(pppd_argv)
tap_diag "$conn: pppd: $argv"
show "$conn"
argv_has "$conn: pppd asks for the profile's address (as the old plugin did)" \
	"10.77.0.50:10.77.0.1 ipcp-accept-local ipcp-accept-remote"
argv_has "$conn: ipv6.method ignore: pppd noipv6" noipv6
argv_has "$conn: DNS not ignored: pppd usepeerdns" usepeerdns
tap_check "$conn: IPCP asked the server for 10.77.0.50" \
	grep -aq 'rcvd \[IPCP ConfReq id=0x[0-9a-f]* .*<addr 10.77.0.50>' "$NM_SERVER_LOG"
tap_check "$conn: pppd negotiated the server's address (it wins): ppp0 is 10.77.0.2 peer 10.77.0.1" \
	sh -c "ip -4 -o addr show dev ppp0 | grep -q 'inet 10.77.0.2 peer 10.77.0.1/32'"
tap_check "$conn: NetworkManager added the profile's address to ppp0" \
	sh -c "ip -4 -o addr show dev ppp0 | grep -q 'inet 10.77.0.50/32'"
tap_is "$conn: NetworkManager: the profile's address and the negotiated one" \
	"$(nm_field IP4.ADDRESS "$conn")" "10.77.0.50/32 | 10.77.0.2/32"
tap_is "$conn: NetworkManager: the profile's gateway" "$(nm_field IP4.GATEWAY "$conn")" "10.77.0.1"
tap_check "$conn: pppd got the server's DNS (usepeerdns)" \
	grep -aq 'primary   DNS address 10.77.0.53' "$UML_OUT/syslog.log"
tap_is "$conn: NetworkManager: no IPv6 address" "$(nm_field IP6.ADDRESS "$conn")" ""
tap_check "$conn: no IPv6 on ppp0" sh -c "! ip -6 -o addr show dev ppp0 | grep -q inet6"
tap_check "$conn: tls-server-name: the certificate was checked for xn--bcher-kva.sstp.test" \
	grep -aq 'certificate for xn--bcher-kva.sstp.test verified' "$UML_OUT/NetworkManager.log"
tap_check "$conn: tls-server-name: the server got SNI and Host xn--bcher-kva.sstp.test" \
	grep -aq 'http request ok host=xn--bcher-kva.sstp.test:[0-9]* sni=xn--bcher-kva.sstp.test ' \
	"$NM_SERVER_LOG"
tap_check "$conn: uuid not a GUID: a random GUID was sent as correlation id" \
	grep -aq 'correlation={[0-9A-F-]*} guid=yes' "$NM_SERVER_LOG"
finish "$conn"

# ---- 2. ipv4.method disabled: an IPv6-only tunnel ---------------------------
conn=ip4-disabled
nm_guest_start_server "$conn" "$SSTP_PASSWORD_FILE" --ipv6 || tap_bail_out "sstp-test-server does not listen"
profile "$conn" 8c2d4e6f-1a3b-4c5d-8e7f-9a0b1c2d3e4f "method=disabled" "method=auto
never-default=true" \
	"gateway=127.0.0.1:$NM_SERVER_PORT" "cert-pin-sha256=$PIN"
nm_guest_up "$conn" "up-$conn" "$conn: nmcli connection up" ||
	tap_diag "$(grep -a 'nm-sstp' "$UML_OUT/syslog.log" | tail -n 5)"
argv=$(pppd_argv)
tap_diag "$conn: pppd: $argv"
show "$conn"
argv_has "$conn: pppd noip" noip
tap_is "$conn: state is activated" "$(nm_field GENERAL.STATE "$conn")" activated
tap_is "$conn: no IPv4 on ppp0 (no IPCP)" "$(guest_ppp0_ipv4)" ""
tap_is "$conn: NetworkManager: no IPv4 address" "$(nm_field IP4.ADDRESS "$conn")" ""
ip6=$(nm_field IP6.ADDRESS "$conn")
case $ip6 in
fe80::*/64) tap_ok "$conn: NetworkManager: the IPv6 link-local address from IPV6CP ($ip6)" ;;
*) tap_not_ok "$conn: NetworkManager: the IPv6 link-local address from IPV6CP"; tap_diag "IP6.ADDRESS: '$ip6'" ;;
esac
tap_check "$conn: ppp0 has that address" \
	sh -c "ip -6 -o addr show dev ppp0 scope link | grep -q ' ${ip6%/64}[ /]'"
finish "$conn"

# ---- 3. ignore-auto-dns, dns-search, routes, never-default; ipv6.method disabled
conn=ip4-options
nm_guest_start_server "$conn" "$SSTP_PASSWORD_FILE" --ipv6 --dns 10.77.0.53 ||
	tap_bail_out "sstp-test-server does not listen"
profile "$conn" 2e4f6a8c-0b1d-4f3e-9c5a-7b9d1f3e5a7c \
	"method=auto
ignore-auto-dns=true
dns-search=corp.example;
route1=203.0.113.0/24
never-default=true" \
	"method=disabled" \
	"gateway=127.0.0.1:$NM_SERVER_PORT" "cert-pin-sha256=$PIN" "dhcp-inform=no"
nm_guest_up "$conn" "up-$conn" "$conn: nmcli connection up" ||
	tap_diag "$(grep -a 'nm-sstp' "$UML_OUT/syslog.log" | tail -n 5)"
argv=$(pppd_argv)
tap_diag "$conn: pppd: $argv"
show "$conn"
argv_lacks "$conn: ipv4.ignore-auto-dns: no usepeerdns" usepeerdns
argv_has "$conn: ipv6.method disabled: pppd noipv6" noipv6
tap_check "$conn: IPCP asked for no DNS server" \
	sh -c "! grep -aq 'rcvd \[IPCP ConfReq .*ms-dns' '$NM_SERVER_LOG'"
tap_is "$conn: pppd negotiated the server's address" "$(guest_ppp0_ipv4)" "10.77.0.2"
tap_is "$conn: NetworkManager: the negotiated address" "$(nm_field IP4.ADDRESS "$conn")" "10.77.0.2/32"
tap_is "$conn: NetworkManager: no DNS server" "$(nm_field IP4.DNS "$conn")" ""
tap_is "$conn: NetworkManager: the profile's search domain" "$(nm_field IP4.SEARCHES "$conn")" "corp.example"
tap_check "$conn: the profile's route goes through ppp0" \
	sh -c "ip -4 route show 203.0.113.0/24 | grep -q 'dev ppp0'"
tap_check "$conn: never-default: no default route through ppp0" \
	sh -c "! ip -4 route show default | grep -q 'dev ppp0'"
tap_is "$conn: NetworkManager: no IPv6 address" "$(nm_field IP6.ADDRESS "$conn")" ""
finish "$conn"

tap_check "no password on any process's argv" nm_guest_no_password_on_any_argv
tap_check "no password in the service's log" nm_guest_no_password_in "$UML_OUT/syslog.log"

nm_guest_finish
tap_finish
