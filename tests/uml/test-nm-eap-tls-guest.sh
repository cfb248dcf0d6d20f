# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-eap-tls-guest.sh - runs INSIDE the UML guest (see test-nm-eap-tls.sh).
# Environment: see lib/nm-guest.sh, plus EAPTLS_DIR (certificates, keys, passphrase) and
# EAPTLS_SHIM (the server's eaptls-keys-shim.so).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-eap-tls
# NMVpnConnectionStateReason values nm-guest.sh does not name
NM_VPN_REASON_SERVICE_START_FAILED=8
NM_VPN_REASON_NO_SECRETS=9
D=$EAPTLS_DIR
pppd_version=$(pppd --version 2>&1 | awk '{ print $NF; exit }')
case $pppd_version in
2.4.*) pppd25= ;;
*) pppd25=1 ;;
esac
tap_diag "client pppd $pppd_version"

# write_profile CERT KEY SECRET_LINE: a tls profile as a keyfile (0600, guest tmpfs), so the
# passphrase goes through no command line. SECRET_LINE: "" (no passphrase saved) or the
# [vpn-secrets] line.
write_profile() {
	local cert=$1 key=$2 secret=$3
	nm_guest_write_keyfile "$conn" <<-PROFILE
	[connection]
	id=$conn
	uuid=4d1f6b0e-7a51-4c2e-9a3b-0e6f2c1d5a77
	type=vpn
	autoconnect=false

	[vpn]
	service-type=org.freedesktop.NetworkManager.sstp
	gateway=127.0.0.1:$NM_SERVER_PORT
	cert-pin-sha256=$PIN
	tls-sni=no
	connection-type=tls
	tls-identity=alice
	tls-ca-cert=$D/ca.pem
	tls-user-cert=$cert
	${key:+tls-user-key=$key}
	tls-user-key-secret-flags=0

	[vpn-secrets]
	$secret

	[ipv4]
	method=auto
	never-default=true

	[ipv6]
	method=ignore
	PROFILE
}

passphrase_line() {
	local p
	IFS= read -r p <"$D/passphrase"
	echo "tls-user-key-secret=$p"
}

# Read from its file (grep -f): a check with the passphrase on its own argv would find itself.
# One grep over every process (process creation is slow in UML).
passphrase_nowhere() {
	local found
	found=$(grep -lsaF -f "$D/passphrase" /proc/[0-9]*/cmdline /proc/[0-9]*/environ)
	[ -z "$found" ] || { echo "found in: $found" >&2; return 1; }
}

# up_ok NAME CERT KEY SECRET_LINE [ping]: connect, disconnect, check the binding the server
# verified (and a ping through the tunnel with "ping").
up_ok() {
	local name=$1 t0=$SECONDS
	nm_guest_server_mark
	write_profile "$2" "$3" "$4"
	if nm_guest_up "$conn" "nmcli-up-$name" "$name: nmcli connection up (EAP-TLS)"; then
		[ "${5:-}" != ping ] ||
			guest_check_ping "$name: ping 10.77.0.1 crosses the tunnel" ping 10.77.0.1 ppp0
		[ -z "$4" ] || tap_check "$name: the passphrase is on no process's argv or environment" \
			passphrase_nowhere
		nm_guest_down "$conn" "nmcli-down-$name" "$name: nmcli connection down"
	fi
	nm_guest_check_nothing_left "$name: nothing left after the connection" 30
	guest_wait_for 30 nm_guest_server_has 'call ended'
	nm_guest_server_lines >"$UML_OUT/server-$name.log"
	tap_check "$name: the EAP identity is tls-identity (alice), not the host name" \
		grep -q 'eap identity id=[0-9]* user=alice$' "$UML_OUT/server-$name.log"
	tap_check "$name: the server's pppd accepted alice's certificate (eap-tls success)" \
		grep -q 'eap-tls success id=.*HLAK = the client.s MasterSendKey, 32 of 128 bytes' "$UML_OUT/server-$name.log"
	tap_check "$name: server: binding verified with the 32-byte HLAK (method eap-tls)" \
		grep -q 'binding verified hash=sha256 method=eap-tls' "$UML_OUT/server-$name.log"
	tap_check "$name: server: clean call (exit 0)" \
		grep -q 'call ended reason=.* verified=yes exit=0' "$UML_OUT/server-$name.log"
	grep -a '^binding\|eap-tls success' "$UML_OUT/server-$name.log" | sed "s/^/$name: /" \
		>>"$UML_OUT/binding-lines.log"
	tap_diag "$name: $((SECONDS - t0)) s"
}

# up_fails NAME CERT KEY SECRET_LINE WANT_REASON WHERE: activation fails, NetworkManager's
# reason (VpnStateChanged) is WANT_REASON, nothing is left; the service's "connection failed"
# line goes to failure-NAME.log. WHERE: "server" (the server refuses the login) or "local"
# (refused before any connection: the server must not have seen one).
up_fails() {
	local name=$1 want=$5 where=$6 t0=$SECONDS t1
	nm_guest_server_mark
	write_profile "$2" "$3" "$4"
	nm_guest_up_fails "$conn" "$name" "$name: activation fails" "$want"
	t1=$SECONDS
	nm_guest_check_nothing_left "$name: nothing left: no worker, no pppd, no ppp device, no service" 30
	tap_check "$name: no private copy of the profile's files is left" \
		sh -c '! ls -A /run/nm-sstp 2>/dev/null | grep -q .'
	if [ "$where" = local ]; then
		tap_check "$name: refused before connecting: the server saw no connection" \
			sh -c "! tail -n +$((NM_SERVER_MARK + 1)) '$NM_SERVER_LOG' | grep -q 'accepted connection'"
	else
		guest_wait_for 30 nm_guest_server_has 'call ended'
		nm_guest_server_lines >"$UML_OUT/server-$name.log"
		tap_check "$name: the server's pppd refused the certificate (eap-tls failure)" \
			grep -q 'eap-tls failure' "$UML_OUT/server-$name.log"
	fi
	tap_diag "$name: $((t1 - t0)) s to the failure, $((SECONDS - t0)) s in all"
}

nm_guest_setup
nm_guest_start_server loop "$SSTP_PASSWORD_FILE" --loop --eap-tls "$D" --eap-tls-shim "$EAPTLS_SHIM" ||
	tap_bail_out "sstp-test-server does not listen"

up_ok plain "$D/alice.pem" "$D/alice.key" "" ping
up_ok passphrase "$D/alice.pem" "$D/alice-enc.key" "$(passphrase_line)"

if [ -n "$pppd25" ]; then
	# the PKCS#12 file holds certificate and key; pppd 2.5 reads it itself (pkcs12)
	up_ok pkcs12 "$D/alice.p12" "" "$(passphrase_line)"
else
	up_fails pkcs12 "$D/alice.p12" "" "$(passphrase_line)" "$NM_VPN_REASON_SERVICE_START_FAILED" local
	tap_check "pkcs12: pppd $pppd_version: the service says PKCS#12 needs pppd 2.5 and how to convert" \
		grep -q 'is a PKCS#12 file (.p12/.pfx), which needs pppd 2.5 or later (this is pppd 2.4.9): convert it to PEM (openssl pkcs12' "$UML_OUT/failure-pkcs12.log"
fi

up_fails other-ca "$D/other.pem" "$D/other.key" "" "$NM_VPN_REASON_LOGIN_FAILED" server
tap_check "other-ca: the message names the certificate and what the server checks" \
	grep -q 'connection failed: PPP authentication failed: the server refused the client certificate (EAP-TLS)' \
	"$UML_OUT/failure-other-ca.log"
up_fails expired "$D/expired.pem" "$D/expired.key" "" "$NM_VPN_REASON_LOGIN_FAILED" local
tap_check "expired: the message says the certificate expired, and when" \
	grep -q 'connection failed: the client certificate (tls-user-cert) expired on Jan  2 00:00:00 2020 GMT' \
	"$UML_OUT/failure-expired.log"
up_fails wrong-passphrase "$D/alice.pem" "$D/alice-enc.key" "tls-user-key-secret=not-the-passphrase" \
	"$NM_VPN_REASON_LOGIN_FAILED" local
tap_check "wrong-passphrase: the message says the passphrase is wrong" \
	grep -q 'connection failed: the private key (tls-user-key) cannot be decrypted: the passphrase in tls-user-key-secret is wrong' \
	"$UML_OUT/failure-wrong-passphrase.log"
# No passphrase saved (flags 0) for an encrypted key: the service asks NetworkManager for
# tls-user-key-secret, and no agent can give it here.
up_fails no-passphrase "$D/alice.pem" "$D/alice-enc.key" "" "$NM_VPN_REASON_NO_SECRETS" local

guest_stop "$NM_SERVER_PID"
wait "$NM_SERVER_PID"
NM_SERVER_PID=
tap_check "the passphrase is in no log" \
	sh -c "! grep -qaF -f '$D/passphrase' '$UML_OUT/NetworkManager.log' '$UML_OUT/syslog.log' $UML_OUT/server-*.log"

nm_guest_finish
tap_finish
