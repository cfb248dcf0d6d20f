# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-legacy-profile-guest.sh - runs INSIDE the UML guest (see
# test-nm-legacy-profile.sh). Environment: see lib/nm-guest.sh (BUILDDIR, SRCDIR, SERVER,
# CERT, KEY, SSTP_USER, SSTP_PASSWORD_FILE).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-legacy
uuid=9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57
profile=$GUEST_NM_DIR/system-connections/$conn.nmconnection

pppd_argv() {
	tr '\0' ' ' <"/proc/$(nm_guest_client_pppd_pids | head -n 1)/cmdline" 2>/dev/null
}

nm_guest_setup

nm_guest_start_server legacy "$SSTP_PASSWORD_FILE" --ipv6 || tap_bail_out "sstp-test-server does not listen"

# What the old plugin's editor saved (NetworkManager's keyfile of that time, keys sorted):
# ignore-cert-warn instead of a CA or pin, tls-ext for SNI, the refuse-* list with only
# MS-CHAPv2 left, lcp-echo-* from "Send PPP echo packets", its own copy of the uuid.
IFS= read -r password <"$SSTP_PASSWORD_FILE"
nm_guest_write_keyfile "$conn" <<PROFILE
[connection]
id=$conn
uuid=$uuid
type=vpn
autoconnect=false
permissions=

[vpn]
gateway=127.0.0.1:$NM_SERVER_PORT
ignore-cert-warn=yes
lcp-echo-failure=5
lcp-echo-interval=30
no-vj-comp=yes
nobsdcomp=yes
nodeflate=yes
password-flags=0
refuse-chap=yes
refuse-eap=yes
refuse-mschap=yes
refuse-pap=yes
tls-ext=yes
user=$SSTP_USER
uuid=$uuid
service-type=org.freedesktop.NetworkManager.sstp

[vpn-secrets]
password=$password

[ipv4]
dns-search=
method=auto
never-default=true

[ipv6]
addr-gen-mode=stable-privacy
dns-search=
ip6-privacy=0
method=auto
never-default=true

[proxy]
PROFILE
unset password
sum_before=$(sha256sum <"$profile")
tap_is "NetworkManager loaded the profile as it is (vpn.service-type)" \
	"$(nmcli -g vpn.service-type connection show "$conn" 2>/dev/null)" org.freedesktop.NetworkManager.sstp

nm_guest_up "$conn" nmcli-up "nmcli connection up $conn (old plugin's profile)" ||
	tap_diag "$(grep 'nm-sstp-service' "$UML_OUT/syslog.log" | tail -n 5)"
tap_is "state is activated" "$(nmcli -g GENERAL.STATE connection show "$conn" 2>/dev/null)" activated
tap_is "IPv4 address" "$(nmcli -g IP4.ADDRESS connection show "$conn" 2>/dev/null)" "10.77.0.2/32"
guest_check_ping "ping 10.77.0.1 crosses the tunnel" ping 10.77.0.1 ppp0
argv=$(pppd_argv)
tap_diag "pppd: $argv"
for words in refuse-eap refuse-pap refuse-chap refuse-mschap nobsdcomp nodeflate novj \
	"lcp-echo-failure 5" "lcp-echo-interval 30"; do
	case " $argv " in
	*" $words "*) tap_ok "old key reaches pppd: $words" ;;
	*) tap_not_ok "old key reaches pppd: $words" ;;
	esac
done
tap_check "ignore-cert-warn=yes: the worker accepted the self-signed certificate, with a warning" \
	grep -q 'nm-sstp-tunnel.*--no-verify: the server certificate is NOT checked' "$UML_OUT/NetworkManager.log"
tap_check "no password on any process's argv" nm_guest_no_password_on_any_argv

nm_guest_down "$conn" nmcli-down "nmcli connection down $conn"
nm_guest_check_nothing_left "nothing left: no worker, no pppd, no ppp device, no service"
nm_guest_stop_server
tap_is "server: binding verified, clean call (exit 0)" "$NM_SERVER_STATUS" 0
tap_is "the profile file is unchanged" "$(sha256sum <"$profile")" "$sum_before"
tap_check "no password in NetworkManager's log" nm_guest_no_password_in "$UML_OUT/NetworkManager.log"
tap_check "no password in the service's log" nm_guest_no_password_in "$UML_OUT/syslog.log"

nm_guest_finish
tap_finish
