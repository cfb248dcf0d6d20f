# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-eap-tls-pkcs11-guest.sh - runs INSIDE the UML guest (see
# test-nm-eap-tls-pkcs11.sh). Environment: see lib/nm-guest.sh, plus EAPTLS_DIR (certificates,
# keys, the PIN) and EAPTLS_SHIM (the server's eaptls-keys-shim.so).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-eap-tls-pkcs11
user=sstp-p11
NM_VPN_REASON_SERVICE_START_FAILED=8
D=$EAPTLS_DIR
tap_diag "client pppd $(pppd --version 2>&1 | awk '{ print $NF; exit }')"

# The user's token (SoftHSM, in the user's home, made as that user) and root's (SoftHSM's
# system configuration, a folder only root may enter): both hold alice's key and
# certificate, so a login through root's token would succeed if a profile could reach it.
make_tokens() {
	local home=/home/$user pin
	IFS= read -r pin <"$D/pin"
	useradd -m -d "$home" -s /bin/sh "$user" || return 1
	install -m 644 "$D/ca.pem" "$home/ca.pem" || return 1
	install -o "$user" -m 600 "$D/alice.key" "$home/alice.key" || return 1
	install -o "$user" -m 644 "$D/alice.pem" "$home/alice.pem" || return 1
	# shellcheck disable=SC2016 # expanded by the user's shell; $1 is the PIN
	su -s /bin/sh "$user" -c '
		set -e
		mkdir -p ~/.config/softhsm2 ~/tokens
		printf "directories.tokendir = %s/tokens\nobjectstore.backend = file\n" "$HOME" \
			>~/.config/softhsm2/softhsm2.conf
		softhsm2-util --init-token --free --label alice-tok --pin "$1" --so-pin "$1"
		softhsm2-util --import ~/alice.key --token alice-tok --pin "$1" --label alice --id 01
		GNUTLS_PIN=$1 p11tool --login --write --load-certificate ~/alice.pem --label alice \
			--id 01 "pkcs11:token=alice-tok"
		rm ~/alice.key' sh "$pin" || return 1
	mkdir -p /etc/softhsm /var/lib/softhsm/tokens && chmod 700 /var/lib/softhsm/tokens || return 1
	printf 'directories.tokendir = /var/lib/softhsm/tokens\nobjectstore.backend = file\n' \
		>/etc/softhsm/softhsm2.conf || return 1
	softhsm2-util --init-token --free --label root-tok --pin "$pin" --so-pin "$pin" &&
		softhsm2-util --import "$D/alice.key" --token root-tok --pin "$pin" --label alice --id 01 &&
		GNUTLS_PIN=$pin p11tool --login --write --load-certificate "$D/alice.pem" --label alice \
			--id 01 "pkcs11:token=root-tok"
}

# The p11-kit remotes running, by program: "p11-kit remote" re-executes itself as
# p11-kit-remote with argv[0] "remote", so its command line never says "p11-kit".
p11_remotes() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case $exe in */p11-kit-remote | */bin/p11-kit) printf '%s ' "${p#/proc/}" ;; esac
	done
}
no_p11_remote() {
	[ -z "$(p11_remotes)" ]
}

# write_profile TOKEN PIN_LINE [PERMISSIONS]: the user's tls profile (connection.permissions:
# the user, or PERMISSIONS; "none" for a system profile) as a keyfile (0600, guest tmpfs), so
# the PIN goes through no command line.
write_profile() {
	local token=$1 secret=$2 perm=${3:-user:$user;}
	[ "$perm" != none ] || perm=
	nm_guest_write_keyfile "$conn" <<-PROFILE
	[connection]
	id=$conn
	uuid=6a0e3f52-1c7d-4b8e-9f21-3d5c7e9a1b44
	type=vpn
	autoconnect=false
	permissions=$perm

	[vpn]
	service-type=org.freedesktop.NetworkManager.sstp
	gateway=127.0.0.1:$NM_SERVER_PORT
	cert-pin-sha256=$PIN
	tls-sni=no
	connection-type=tls
	tls-identity=alice
	tls-ca-cert=/home/$user/ca.pem
	tls-user-cert=pkcs11:token=$token;object=alice;type=cert
	tls-user-key=pkcs11:token=$token;object=alice;type=private
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

pin_line() {
	local p
	IFS= read -r p <"$D/pin"
	echo "tls-user-key-secret=$p"
}

# Read from its file (grep -f): a check with the PIN on its own argv would find itself.
pin_nowhere() {
	local found
	found=$(grep -lsaF -f "$D/pin" /proc/[0-9]*/cmdline /proc/[0-9]*/environ)
	[ -z "$found" ] || { echo "found in: $found" >&2; return 1; }
}

# The client pppd (the one with our plugin) has p11-kit's client module mapped, and not the
# proxy (which would open root's tokens).
pppd_uses_client() {
	local pid
	pid=$(nm_guest_client_pppd_pids | head -n 1)
	[ -n "$pid" ] || { echo "no client pppd" >&2; return 1; }
	grep -q p11-kit-client.so "/proc/$pid/maps" && ! grep -q p11-kit-proxy.so "/proc/$pid/maps"
}

# up_fails NAME TOKEN PIN_LINE WANT_REASON: activation fails before any connection, with
# NetworkManager's reason WANT_REASON; the service's message goes to failure-NAME.log.
up_fails() {
	local name=$1 want=$4
	nm_guest_server_mark
	write_profile "$2" "$3"
	nm_guest_up_fails "$conn" "$name" "$name: activation fails" "$want"
	nm_guest_check_nothing_left "$name: nothing left: no worker, no pppd, no ppp device, no service" 30
	tap_check "$name: no p11-kit remote is left" no_p11_remote
	tap_check "$name: nothing is left in /run/nm-sstp (socket, configuration, copies)" \
		sh -c '! ls -A /run/nm-sstp 2>/dev/null | grep -q .'
	tap_check "$name: refused before connecting: the server saw no connection" \
		sh -c "! tail -n +$((NM_SERVER_MARK + 1)) '$NM_SERVER_LOG' | grep -q 'accepted connection'"
}

tap_check "the user $user has a SoftHSM token with alice's key and certificate, root another" \
	make_tokens
nm_guest_setup
nm_guest_start_server loop "$SSTP_PASSWORD_FILE" --loop --eap-tls "$D" --eap-tls-shim "$EAPTLS_SHIM" ||
	tap_bail_out "sstp-test-server does not listen"

# pppd loads OpenSSL engines only when /etc/ppp/openssl.cnf exists (the guest's /etc/ppp is
# a private tmpfs).
rm -f /etc/ppp/openssl.cnf
up_fails no-ppp-openssl-cnf alice-tok "$(pin_line)" "$NM_VPN_REASON_SERVICE_START_FAILED"
tap_check "no-ppp-openssl-cnf: the message names /etc/ppp/openssl.cnf and how to create it" \
	grep -q 'a PKCS#11 URI needs /etc/ppp/openssl.cnf: pppd uses OpenSSL engines.*touch /etc/ppp/openssl.cnf' \
	"$UML_OUT/failure-no-ppp-openssl-cnf.log"
: >/etc/ppp/openssl.cnf

# The user's own token: the login succeeds, through p11-kit remote run as the user.
nm_guest_server_mark
write_profile alice-tok "$(pin_line)"
if nm_guest_up "$conn" nmcli-up-token "token: nmcli connection up (EAP-TLS, key and certificate on the user's token)"; then
	guest_check_ping "token: ping 10.77.0.1 crosses the tunnel" ping 10.77.0.1 ppp0
	tap_check "token: the PIN is on no process's argv or environment" pin_nowhere
	tap_check "token: the client pppd's engine module is p11-kit's client, not the proxy" \
		pppd_uses_client
	nm_guest_down "$conn" nmcli-down-token "token: nmcli connection down"
fi
nm_guest_check_nothing_left "token: nothing left after the connection" 30
tap_check "token: no p11-kit remote is left" no_p11_remote
guest_wait_for 30 nm_guest_server_has 'call ended'
nm_guest_server_lines >"$UML_OUT/server-token.log"
tap_check "token: the server's pppd accepted alice's certificate (eap-tls success)" \
	grep -q 'eap-tls success id=' "$UML_OUT/server-token.log"
tap_check "token: server: binding verified (method eap-tls), clean call" \
	sh -c "grep -q 'binding verified hash=sha256 method=eap-tls' '$UML_OUT/server-token.log' &&
		grep -q 'call ended reason=.* verified=yes exit=0' '$UML_OUT/server-token.log'"
tap_check "token: the service says the token is reached as $user" \
	grep -q "PKCS#11: token pkcs11:token=alice-tok is reached as $user" "$UML_OUT/syslog.log"

# A p11-kit remote that does not end (its user's modules may ignore SIGTERM and hang) must
# neither hold up the service's teardown nor be left behind: the service ends it with
# SIGKILL. The user registers p11-stuck-module.c in their own p11-kit configuration: every
# remote the connection starts then ignores SIGTERM and, once its client has gone, hangs
# at exit (the module's destructor).
stuck_conf=/home/$user/.config/pkcs11/modules/stuck.module
if [ -r "${P11_STUCK_MODULE:-}" ]; then
	install -o "$user" -m 644 "$P11_STUCK_MODULE" "/home/$user/stuck.so" &&
		su -s /bin/sh "$user" -c "mkdir -p ~/.config/pkcs11/modules &&
			printf 'module: %s\n' ~/stuck.so >'$stuck_conf'"
	write_profile alice-tok "$(pin_line)"
	if nm_guest_up "$conn" nmcli-up-stuck "stuck: nmcli connection up (token next to the stuck module)"; then
		remotes=$(p11_remotes)
		tap_check "stuck: p11-kit remotes are left hanging while connected ($remotes)" \
			test -n "$remotes"
		nm_guest_down "$conn" nmcli-down-stuck "stuck: nmcli connection down"
	fi
	nm_guest_check_nothing_left "stuck: nothing left, the service ended too" 40
	tap_check "stuck: no p11-kit remote is left" no_p11_remote
	# The service itself killed: the remotes follow it (they get SIGKILL when it dies).
	if nm_guest_up "$conn" nmcli-up-stuck-kill "stuck-kill: nmcli connection up"; then
		remotes=$(p11_remotes)
		tap_check "stuck-kill: p11-kit remotes are left hanging while connected ($remotes)" \
			test -n "$remotes"
		kill -KILL "$(pgrep -f "^$BUILDDIR/src/service/nm-sstp-service")"
	fi
	nm_guest_check_nothing_left "stuck-kill: nothing left after the service was killed" 40
	tap_check "stuck-kill: no p11-kit remote is left" no_p11_remote
	# Killed, the service could not remove its folder (the PKCS#11 socket and configuration);
	# the next service removes it (checked after wrong-pin below).
	killed_dir=$(ls /run/nm-sstp 2>/dev/null | grep '^files-')
	tap_check "stuck-kill: the killed service's folder is left (${killed_dir:-none})" \
		test -n "$killed_dir"
	rm -f "$stuck_conf"
else
	tap_not_ok "stuck: the test module p11-stuck-module.so was built (libp11-kit-dev missing?)"
fi

# A wrong PIN: refused before connecting, with the reason.
up_fails wrong-pin alice-tok "tls-user-key-secret=not-the-pin" "$NM_VPN_REASON_LOGIN_FAILED"
tap_check "wrong-pin: the message says the token refused the PIN" \
	grep -q 'connection failed: the PKCS#11 token refused the PIN: the PIN in tls-user-key-secret is wrong' \
	"$UML_OUT/failure-wrong-pin.log"
tap_check "wrong-pin: its service removed the folder the killed one left (${killed_dir:-none})" \
	grep -q "removed /run/nm-sstp/${killed_dir:-none}, left by a service that ended without cleaning up" \
	"$UML_OUT/syslog.log"

# Root's token, named by the user's profile, and the user's SoftHSM configuration pointed at
# root's token folder (the user owns that file): the user cannot open the folder, so neither
# can the profile, although root could (and the token holds a certificate the server
# accepts). Were p11-kit remote root's, this login would succeed.
tap_check "root-tok: root itself can use root's token (the test is meaningful)" \
	sh -c "p11tool --list-all-certs 'pkcs11:token=root-tok' | grep -q 'token=root-tok'"
tap_check "root-tok: the user points SoftHSM at root's token folder" \
	su -s /bin/sh "$user" -c 'printf "directories.tokendir = /var/lib/softhsm/tokens\nobjectstore.backend = file\n" >~/.config/softhsm2/softhsm2.conf'
tap_diag "root-tok: the tokens $user sees: $(su -s /bin/sh "$user" -c 'p11-kit list-modules' 2>&1 | grep 'token:' | tr -s ' \n' ' ')"
up_fails root-token root-tok "$(pin_line)" "$NM_VPN_REASON_LOGIN_FAILED"
tap_check "root-token: the message says the certificate is on no token the user can use" \
	grep -q "connection failed: the client certificate (tls-user-cert) is on no PKCS#11 token the profile's user can use" \
	"$UML_OUT/failure-root-token.log"

# The same profile without permissions (a system profile, an administrator's) opens root's
# token as root, and the login succeeds: what failed above is the user's identity, not the
# token or the test.
nm_guest_server_mark
write_profile root-tok "$(pin_line)" none
if nm_guest_up "$conn" nmcli-up-system "system-profile: nmcli connection up with root's token"; then
	nm_guest_down "$conn" nmcli-down-system "system-profile: nmcli connection down"
fi
nm_guest_check_nothing_left "system-profile: nothing left after the connection" 30
guest_wait_for 30 nm_guest_server_has 'call ended'
nm_guest_server_lines >"$UML_OUT/server-system.log"
tap_check "system-profile: the server's pppd accepted alice's certificate from root's token" \
	grep -q 'eap-tls success id=' "$UML_OUT/server-system.log"
tap_check "system-profile: the service says the token is reached as root" \
	grep -q "PKCS#11: token pkcs11:token=root-tok is reached as root" "$UML_OUT/syslog.log"

guest_stop "$NM_SERVER_PID"
wait "$NM_SERVER_PID"
NM_SERVER_PID=
tap_check "the PIN is in no log" \
	sh -c "! grep -qaF -f '$D/pin' '$UML_OUT/NetworkManager.log' '$UML_OUT/syslog.log' $UML_OUT/server-*.log"

nm_guest_finish
tap_finish
