# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-softether-guest.sh - runs INSIDE the UML guest (see test-nm-softether.sh).
# Environment: BUILDDIR, SRCDIR, SSTP_SERVER (198.51.100.1), SSTP_USER, SSTP_PASSWORD_FILE,
# SSTP_CA (the CA certificate the harness made), SSTP_GATEWAY (198.18.0.1).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-softether

tap_check "vec0 has the guest address" \
	guest_wait_for 10 ip -4 addr show dev vec0 to "${UML_GUEST_ADDR%/*}"
nm_guest_setup vec0 "$SSTP_SERVER"

# The profile as a person would make it: nmcli, no keyfile. No connection-type and no
# refuse-eap: EAP is allowed (as with the old plugin), and SoftEther must still log in.
if nmcli connection add type vpn vpn-type sstp con-name "$conn" autoconnect no \
	vpn.data "gateway=$SSTP_SERVER, user=$SSTP_USER, ca-cert=$SSTP_CA, password-flags=2" \
	>"$UML_OUT/nmcli-add.log" 2>&1; then
	tap_ok "nmcli connection add type vpn vpn-type sstp"
else
	tap_not_ok "nmcli connection add type vpn vpn-type sstp"
	tap_diag_file "$UML_OUT/nmcli-add.log" 5
fi

# The password is never on a command line (see nm_guest_supply_password).
tap_check "password supplied off the command line" nm_guest_supply_password "$conn"
tap_diag "password: $NM_GUEST_PASSWORD_HOW"

nm_guest_up "$conn" nmcli-up "nmcli connection up $conn" "${NM_GUEST_UP_ARGS[@]}"
tap_is "state is activated" "$(nmcli -g GENERAL.STATE connection show "$conn" 2>/dev/null)" activated
tap_check "NetworkManager signalled VpnStateChanged(activated)" \
	nm_guest_has_vpn_state "$NM_VPN_STATE_ACTIVATED"

nmcli -g IP4.ADDRESS,IP4.DNS connection show "$conn" >"$UML_OUT/ip4.txt" 2>&1
tap_diag "nmcli -g IP4.ADDRESS,IP4.DNS connection show $conn:"
tap_diag "$(cat "$UML_OUT/ip4.txt")"
addr=$(sed -n 1p "$UML_OUT/ip4.txt")
case $addr in
198.18.0.*/32) tap_ok "IP4.ADDRESS $addr is from SecureNAT's DHCP range" ;;
*) tap_not_ok "IP4.ADDRESS from SecureNAT's DHCP range (got '$addr')" ;;
esac
tap_is "IP4.DNS is SecureNAT's DNS" "$(sed -n 2p "$UML_OUT/ip4.txt")" "$SSTP_GATEWAY"

dev=$(ip -o link show 2>/dev/null | awk -F': ' '$2 ~ /^ppp[0-9]/ { print $2; exit }')
tap_check "NetworkManager put ${addr%/*} on the tunnel device (${dev:-none})" \
	sh -c "ip -4 -o addr show dev '${dev:-ppp0}' | grep -q 'inet ${addr%/*}[ /]'"
guest_check_ping "ping $SSTP_GATEWAY through the tunnel" ping "$SSTP_GATEWAY" "${dev:-ppp0}"
pppd_pid=$(nm_guest_client_pppd_pids | head -n 1)
# EAP is allowed by default, but this SoftEther asks for EAP, then EAP-TLS, and answers the
# plugin's Nak (for EAP-MSCHAPv2) with an LCP Protocol-Reject of EAP: the service connects
# again once with refuse-eap, and SoftEther then offers MS-CHAPv2.
tap_check "first attempt: the plugin declined SoftEther's EAP-TLS request" \
	grep -q 'nm-sstp: the server asks for EAP-TLS (a certificate); this connection logs in with a password' \
	"$UML_OUT/syslog.log"
tap_check "first attempt: the worker said SoftEther rejected EAP (not a wrong password)" \
	grep -q 'connection failed: the server asked for EAP and rejected it when this connection declined a certificate login' \
	"$UML_OUT/syslog.log"
tap_check "the service connected again with EAP refused after SoftEther rejected EAP" \
	grep -q 'the server takes EAP only for certificates; connecting again with EAP refused' \
	"$UML_OUT/syslog.log"
tap_check "the pppd that logged in runs with refuse-eap (added by the service for the retry)" \
	sh -c "tr '\\0' '\\n' </proc/${pppd_pid:-0}/cmdline | grep -qx refuse-eap"
tap_diag "SoftEther login: $(grep -o 'PPP authentication done ([^)]*)' "$UML_OUT/NetworkManager.log" | head -n 1)"
tap_check "no password on any process's argv" nm_guest_no_password_on_any_argv

nm_guest_down "$conn" nmcli-down "nmcli connection down $conn"
tap_check "NetworkManager signalled VpnStateChanged(disconnected, user-disconnected)" \
	guest_wait_for 30 nm_guest_has_vpn_state "$NM_VPN_STATE_DISCONNECTED" "$NM_VPN_REASON_USER_DISCONNECTED"
nm_guest_check_nothing_left "nothing left: no worker, no pppd, no ppp device, no service"
tap_check "no password in NetworkManager's log" nm_guest_no_password_in "$UML_OUT/NetworkManager.log"
tap_check "no password in the service's log" nm_guest_no_password_in "$UML_OUT/syslog.log"

nm_guest_finish
tap_finish
