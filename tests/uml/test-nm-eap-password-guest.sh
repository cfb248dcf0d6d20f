# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-eap-password-guest.sh - runs INSIDE the UML guest (see
# test-nm-eap-password.sh). Environment: see lib/nm-guest.sh.

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-eap
pppd_version=$(pppd --version 2>&1 | awk '{print $NF; exit}')

write_profile() {
	nm_guest_write_vpn_profile "$conn" 6b1d0f0e-4a57-4c0b-9d43-2f0e5a7c9e31 "$SSTP_PASSWORD_FILE" \
		ignore "gateway=127.0.0.1:$NM_SERVER_PORT" "cert-pin-sha256=$PIN" "$@"
}

# One login that must succeed: up, the binding line, down, nothing left. PROFILE_EXTRA:
# more vpn.data keys.
PROFILE_EXTRA=
login_ok() {
	local name=$1 method=$2
	shift 2
	nm_guest_start_server "$name" "$SSTP_PASSWORD_FILE" "$@" ||
		tap_bail_out "sstp-test-server does not listen"
	# shellcheck disable=SC2086 # words on purpose
	write_profile $PROFILE_EXTRA
	syslog_before=$(wc -l <"$UML_OUT/syslog.log")
	nm_guest_up "$conn" "nmcli-up-$name" "$name: nmcli connection up succeeds"
	tail -n +"$((syslog_before + 1))" "$UML_OUT/syslog.log" >"$UML_OUT/client-$name.log"
	nm_guest_down "$conn" "nmcli-down-$name" "$name: nmcli connection down succeeds"
	nm_guest_check_nothing_left "$name: nothing left after down"
	nm_guest_stop_server
	tap_check "$name: strict server verified the binding (method $method)" \
		grep -q "^binding verified hash=sha256 method=$method\$" "$NM_SERVER_LOG"
	tap_diag "pppd $pppd_version: $(grep -m1 '^binding verified' "$NM_SERVER_LOG")"
	tap_check "$name: the EAP identity is the profile's user, not the host name" \
		grep -q "^eap identity id=[0-9]* user=$SSTP_USER\$" "$NM_SERVER_LOG"
	if ! grep -q '^binding verified' "$NM_SERVER_LOG"; then
		tap_diag_file "$NM_SERVER_LOG" 30
		tap_diag_file "$UML_OUT/client-$name.log" 30
	fi
}

nm_guest_setup

# 1. EAP-MSCHAPv2: HLAK = the MS-CHAPv2 master keys pppd derived inside EAP (32 bytes).
# With refuse-pap=yes nothing asks the plugin for the user name before EAP sends its
# identity: without "user" on pppd's command line that identity was the host name.
PROFILE_EXTRA=refuse-pap=yes
login_ok eap-mschapv2 eap-mschapv2 --eap mschapv2
tap_check "eap-mschapv2: the worker used the MS-CHAPv2 master keys" \
	grep -q 'PPP authentication done (method eap-mschapv2, MS-CHAPv2 master keys)' \
	"$UML_OUT/NetworkManager.log"

# 2. EAP-MD5 derives no keys: a zero HLAK (MS-SSTP 3.2.5.2), which this server accepts.
login_ok eap-md5 eap-md5 --eap md5
PROFILE_EXTRA=
tap_check "eap-md5: the worker used a zero HLAK" \
	grep -q 'PPP authentication done (method eap-md5, no keys (zero HLAK))' \
	"$UML_OUT/NetworkManager.log"

# 3. The server asks for EAP-TLS first. Root's /etc/ppp/eaptls-client holds a usable
# certificate and key for this user (a canary): pppd must not use them with a password
# profile; the plugin declines with a Nak for EAP-MSCHAPv2, and that login binds.
canary=$UML_OUT/canary-eaptls
mkdir -p "$canary" && chmod 700 "$canary"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$SSTP_USER" \
	-keyout "$canary/key.pem" -out "$canary/cert.pem" >/dev/null 2>&1 ||
	tap_bail_out "cannot make the canary certificate"
(umask 077 && printf '%s * %s - %s %s\n' "$SSTP_USER" "$canary/cert.pem" "$canary/cert.pem" \
	"$canary/key.pem" >/etc/ppp/eaptls-client)
for offer in tls peap; do
	login_ok "offer-$offer" eap-mschapv2 --eap mschapv2 --eap-offer "$offer"
	case $offer in tls) what=EAP-TLS ;; *) what=PEAP ;; esac
	tap_check "offer-$offer: the client declined $what with a Nak for EAP-MSCHAPv2 (26)" \
		grep -q "^eap: the client declined $what with a Nak for type 26\$" "$NM_SERVER_LOG"
	tap_check "offer-$offer: the client did not go ahead with $what" \
		sh -c "! grep -q 'went ahead with the method' '$NM_SERVER_LOG'"
	tap_check "offer-$offer: the plugin said why it declined" \
		grep -q "the server asks for .*; this connection logs in with a password" \
		"$UML_OUT/client-offer-$offer.log"
done

# 4. No password (password-flags=4, not required) and a server that asks for EAP, the canary
# still in /etc/ppp/eaptls-client: with nothing to answer EAP with, the plugin refuses EAP at
# LCP; pppd would otherwise look in /etc/ppp/srp-secrets and eaptls-client for a secret
# (and find the canary). The server never sees an EAP identity; the login fails.
nm_guest_start_server no-password "$SSTP_PASSWORD_FILE" --eap mschapv2 --eap-offer tls ||
	tap_bail_out "sstp-test-server does not listen"
nm_guest_write_keyfile "$conn" <<-PROFILE
[connection]
id=$conn
uuid=6b1d0f0e-4a57-4c0b-9d43-2f0e5a7c9e31
type=vpn
autoconnect=false

[vpn]
service-type=org.freedesktop.NetworkManager.sstp
user=$SSTP_USER
password-flags=4
gateway=127.0.0.1:$NM_SERVER_PORT
cert-pin-sha256=$PIN

[ipv4]
method=auto
never-default=true

[ipv6]
method=ignore
PROFILE
nm_guest_up_fails "$conn" no-password "no password, EAP server: activation fails"
nm_guest_check_nothing_left "no password: nothing left: no worker, no pppd, no ppp device, no service"
nm_guest_stop_server
tap_check "no password: pppd refused EAP (the server saw no EAP identity)" \
	sh -c "! grep -q '^eap identity' '$NM_SERVER_LOG'"
tap_diag "message: $(grep -m1 -o 'connection failed: [^(]*' "$UML_OUT/client-no-password.log")"
rm -f /etc/ppp/eaptls-client
# 4b. PEAP (inner EAP-MSCHAPv2), pppd 2.5's client: the strict server relays EAP to a real
# PEAP server, hostapd as a RADIUS server on the guest's loopback, and binds with the
# MS-MPPE-Recv-Key of its Access-Accept (the MSK's first 32 bytes, MS-SSTP 3.2.5.2). The
# profile names the CA of hostapd's certificate (tls-ca-cert); without it the plugin
# declines PEAP, with another CA pppd refuses the certificate, with a wrong password
# hostapd rejects: each ends in a failed activation, nothing left.
peap_fails() {
	local name=$1 password_file=$2 why=$3
	shift 3
	nm_guest_start_server "$name" "$SSTP_PASSWORD_FILE" "${peap_args[@]}" ||
		tap_bail_out "sstp-test-server does not listen"
	nm_guest_write_vpn_profile "$conn" 6b1d0f0e-4a57-4c0b-9d43-2f0e5a7c9e31 "$password_file" \
		ignore "gateway=127.0.0.1:$NM_SERVER_PORT" "cert-pin-sha256=$PIN" "$@"
	nm_guest_up_fails "$conn" "$name" "$name: activation fails ($why)" \
		"$NM_VPN_REASON_LOGIN_FAILED" "$name: NetworkManager reason login-failed"
	nm_guest_check_nothing_left "$name: nothing left: no worker, no pppd, no ppp device, no service"
	nm_guest_stop_server
	tap_check "$name: the server verified no binding" \
		sh -c "! grep -q '^binding verified' '$NM_SERVER_LOG'"
}
case $pppd_version in
2.4.*) tap_skip "PEAP login with a verified binding" "pppd $pppd_version has no PEAP client" ;;
*)
	command -v hostapd >/dev/null || tap_bail_out "hostapd (the PEAP server) is not installed"
	peap=$UML_OUT/peap
	mkdir -p "$peap" && chmod 755 "$peap"
	(
		cd "$peap" &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=peap-test-ca \
			-keyout ca.key -out ca.pem &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other-ca \
			-keyout other-ca.key -out other-ca.pem &&
		openssl req -newkey rsa:2048 -nodes -subj /CN=radius.test -keyout server.key \
			-out server.csr &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
			-out server.pem
	) >"$peap/openssl.log" 2>&1 || tap_bail_out "cannot make the PEAP certificates"
	chmod 644 "$peap/ca.pem" "$peap/other-ca.pem"
	IFS= read -r password <"$SSTP_PASSWORD_FILE"
	uml_secret=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
	(
		umask 077
		# hostapd's user file: PEAP outside (version 0, the one pppd and Windows speak;
		# hostapd starts with 1), EAP-MSCHAPv2 inside ([2]: phase 2)
		printf '"%s"\tPEAP\t[ver=0]\n"%s"\tMSCHAPV2\t"%s"\t[2]\n' "$SSTP_USER" "$SSTP_USER" "$password" \
			>"$peap/eap_users"
		printf '127.0.0.1/32\t%s\n' "$uml_secret" >"$peap/clients"
		printf '%s\n' "$uml_secret" >"$peap/secret"
		# RADIUS server only (driver=none): the guest's own network, loopback clients
		cat >"$peap/hostapd.conf" <<-CONF
		driver=none
		logger_stdout=-1
		logger_stdout_level=1
		eap_server=1
		eap_user_file=$peap/eap_users
		ca_cert=$peap/ca.pem
		server_cert=$peap/server.pem
		private_key=$peap/server.key
		radius_server_clients=$peap/clients
		radius_server_auth_port=18120
		fragment_size=1000
		CONF
	)
	unset password
	hostapd "$peap/hostapd.conf" >"$UML_OUT/hostapd.log" 2>&1 &
	hostapd_pid=$!
	guest_wait_for 20 grep -q 'AP-ENABLED\|interface state .*->ENABLED' "$UML_OUT/hostapd.log" ||
		tap_bail_out "hostapd did not start (see hostapd.log)"
	peap_args=(--eap peap --radius-port 18120 --radius-secret "$peap/secret")

	PROFILE_EXTRA="tls-ca-cert=$peap/ca.pem"
	login_ok peap peap "${peap_args[@]}"
	PROFILE_EXTRA=
	tap_check "peap: the server's HLAK is the 32-byte MS-MPPE-Recv-Key" \
		grep -q '^peap: radius access-accept user=.*HLAK = MS-MPPE-Recv-Key, 32 bytes' \
		"$NM_SERVER_LOG"
	tap_diag "$(grep -m1 '^peap: radius access-accept' "$NM_SERVER_LOG")"
	tap_check "peap: the worker used the EAP master send key" \
		grep -q 'PPP authentication done (method peap, EAP master send key)' \
		"$UML_OUT/NetworkManager.log"

	peap_fails peap-no-ca "$SSTP_PASSWORD_FILE" "no CA for the PEAP server named"
	tap_check "peap-no-ca: the plugin declined PEAP and said what to set" \
		grep -q 'the server asks for PEAP; .*set tls-ca-cert' "$UML_OUT/client-peap-no-ca.log"
	tap_check "peap-no-ca: no TLS with the PEAP server began (no certificate went to pppd)" \
		sh -c "! grep -q 'peap: radius access-challenge: eap request id=[0-9]* type=25 len=[0-9][0-9][0-9]' '$NM_SERVER_LOG'"
	tap_check "peap-no-ca: the failure names PEAP and tls-ca-cert, not the password" \
		grep -q 'connection failed: PPP authentication failed: the server asked for PEAP, which this connection declined.*tls-ca-cert' \
		"$UML_OUT/client-peap-no-ca.log"
	tap_diag "message: $(grep -m1 -o 'connection failed: [^(]*' "$UML_OUT/client-peap-no-ca.log")"

	peap_fails peap-untrusted "$SSTP_PASSWORD_FILE" "the PEAP server's certificate is not signed by tls-ca-cert" \
		"tls-ca-cert=$peap/other-ca.pem"
	tap_check "peap-untrusted: the MS-CHAPv2 response never reached the PEAP server" \
		sh -c "! grep -q '^peap: radius access-accept' '$NM_SERVER_LOG'"
	tap_check "peap-untrusted: the failure says the certificate could not be verified and names tls-ca-cert" \
		grep -q "connection failed: PPP authentication failed: PEAP's TLS handshake .*certificate verify failed.*tls-ca-cert" \
		"$UML_OUT/client-peap-untrusted.log"
	tap_diag "message: $(grep -m1 -o 'connection failed: [^(]*' "$UML_OUT/client-peap-untrusted.log")"

	peap_fails peap-wrong-password "$WRONG_PASSWORD_FILE" "wrong password" "tls-ca-cert=$peap/ca.pem"
	tap_check "peap-wrong-password: the PEAP server rejected the user" \
		grep -q '^peap: radius access-reject' "$NM_SERVER_LOG"
	tap_diag "message: $(grep -m1 -o 'connection failed: [^(]*' "$UML_OUT/client-peap-wrong-password.log")"

	guest_stop "$hostapd_pid"
	wait "$hostapd_pid" 2>/dev/null
	;;
esac

# 5. refuse-eap=yes against a server that only takes EAP: login-failed, a message a
# person can act on, nothing left.
nm_guest_start_server refused "$SSTP_PASSWORD_FILE" --eap mschapv2 ||
	tap_bail_out "sstp-test-server does not listen"
write_profile refuse-eap=yes
nm_guest_up_fails "$conn" refused "refuse-eap=yes, EAP-only server: activation fails" \
	"$NM_VPN_REASON_LOGIN_FAILED" "refuse-eap=yes, EAP-only server: NetworkManager reason login-failed"
msg=$(grep -m1 -o 'the server requires a login with EAP[^"]*' "$UML_OUT/client-refused.log")
case $msg in
*"this connection refuses EAP: allow it (refuse-eap=no"*)
	tap_ok "refuse-eap=yes, EAP-only server: the worker says EAP is refused and how to allow it" ;;
*) tap_not_ok "refuse-eap=yes, EAP-only server: the worker says EAP is refused and how to allow it" ;;
esac
tap_diag "message: $msg"
nm_guest_check_nothing_left "refuse-eap=yes: nothing left: no worker, no pppd, no ppp device, no service"
nm_guest_stop_server

tap_check "the password is in no log" \
	sh -c "! grep -qF -f '$SSTP_PASSWORD_FILE' '$UML_OUT/NetworkManager.log' '$UML_OUT/syslog.log'"
nm_guest_finish
tap_finish
