# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-wrong-password-guest.sh - runs INSIDE the UML guest (see
# test-nm-wrong-password.sh). Environment: see lib/nm-guest.sh (BUILDDIR, SRCDIR, SERVER,
# CERT, KEY, PIN, SSTP_USER, SSTP_PASSWORD_FILE, WRONG_PASSWORD_FILE).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-wrong-password
attempts=3

# Saved in the profile (password-flags=0): NetworkManager has nothing to ask, the login
# simply fails. The keyfile keeps the password off every command line.
write_profile() {
	nm_guest_write_vpn_profile "$conn" 0f3c5a52-8a47-4d7e-b7b1-3c0d8e5f1a21 "$WRONG_PASSWORD_FILE" \
		ignore "gateway=127.0.0.1:$NM_SERVER_PORT" "cert-pin-sha256=$PIN"
}

nm_guest_setup

for i in $(seq "$attempts"); do
	nm_guest_start_server "wrong-$i" "$SSTP_PASSWORD_FILE" || tap_bail_out "sstp-test-server does not listen"
	write_profile
	nm_guest_up_fails "$conn" "wrong-$i" "attempt $i: activation with a refused password fails" \
		"$NM_VPN_REASON_LOGIN_FAILED" \
		"attempt $i: NetworkManager: VPN failed, reason login-failed ($NM_VPN_REASON_LOGIN_FAILED)"
	tap_check "attempt $i: the service logged the worker's login failure (exit status 6)" \
		grep -q 'exit status 6' "$UML_OUT/failure-wrong-$i.log"
	nm_guest_check_nothing_left "attempt $i: nothing left: no worker, no pppd, no ppp device, no service"
	nm_guest_stop_server
	tap_check "attempt $i: the server's pppd refused the password (MS-CHAPv2 failure)" \
		grep -q 'mschapv2 failure' "$NM_SERVER_LOG"
	tap_is "attempt $i: server: call ended before a verified binding (exit 3)" "$NM_SERVER_STATUS" 3
done

tap_check "the refused password is in no log" \
	sh -c "! grep -qF -f '$WRONG_PASSWORD_FILE' '$UML_OUT/NetworkManager.log' '$UML_OUT/syslog.log'"
nm_guest_finish
tap_finish
