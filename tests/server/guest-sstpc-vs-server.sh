# tests/server/guest-sstpc-vs-server.sh - runs INSIDE the UML guest (see
# test-server-sstpc.sh). Debian's sstpc + pppd against sstp-test-server, both
# on the guest's 127.0.0.1; the server's pppd lives in its own network
# namespace (--netns new), so a ping of 10.77.0.1 from the client really
# crosses the tunnel.
#
# sstpc 1.0.18 often dies or stalls right after the HTTP answer when the TLS
# handshake completes inside its first write (loopback is fast enough to hit
# that): the server therefore runs with --loop and the client is restarted
# until the server has sent its ACK. Only the last call counts.
#
# Environment: SERVER (path of sstp-test-server), CERT, KEY (server PEM files),
# SSTP_USER, SSTP_PASSWORD_FILE (0600 file, password on its first line).

. "$UML_LIB_DIR/guest-lib.sh"

count_lines() {
	grep -c -- "$1" "$slog" 2>/dev/null
}

server_pid=
client_pid=

# start_server NAME ARGS…: --loop server on a free port; sets $port and $slog
start_server() {
	slog=$UML_OUT/server-$1.log
	shift
	rm -f "$UML_OUT/port" "$slog"
	"$SERVER" --cert "$CERT" --key "$KEY" --user "$SSTP_USER" \
		--password-file "$SSTP_PASSWORD_FILE" --port 0 --port-file "$UML_OUT/port" \
		--log "$slog" --pppd-debug --loop --negotiation-timeout 30 "$@" &
	server_pid=$!
	guest_wait_for 20 test -s "$UML_OUT/port"
	port=$(cat "$UML_OUT/port" 2>/dev/null)
}

# stop_server: once every accepted call has ended, SIGTERM the --loop server;
# its exit status is that of the last call. Sets $server_status.
stop_server() {
	guest_wait_for 30 sh -c "[ \$(grep -c '^call ended' '$slog') -ge \$(grep -c '^accepted connection' '$slog') ]"
	kill -TERM "$server_pid" 2>/dev/null
	if guest_wait_for 15 sh -c "! kill -0 $server_pid"; then
		wait "$server_pid"
		server_status=$?
	else
		guest_stop "$server_pid"
		wait "$server_pid"
		server_status=killed
	fi
	server_pid=
}

# sstpc in pty mode with its pppd plugin: the plugin hands pppd's MPPE keys to
# sstpc, which sends Call Connected right after authentication. The password
# is only in the guest's private /etc/ppp/chap-secrets. With PLUGIN=no the
# plugin lines are left out: sstpc then has no keys.
start_client_plugin() {
	local name=$1 auth=$2 plugin_lines=
	local peer=sstp-$name
	[ "${PLUGIN:-yes}" = no ] ||
		plugin_lines="plugin sstp-pppd-plugin.so
sstp-sock /var/run/sstpc/sstpc-$peer"
	cat >/etc/ppp/peers/$peer <<-PEER
	pty "sstpc --ipparam $peer --nolaunchpppd --log-level 3 --log-stderr --cert-warn 127.0.0.1:$port 2>>$UML_OUT/sstpc-$name.log"
	name $SSTP_USER
	remotename $peer
	ipparam $peer
	$plugin_lines
	$auth
	noauth
	nodefaultroute
	noipdefault
	nobsdcomp
	nodeflate
	lcp-echo-interval 0
	logfile $UML_OUT/pppd-client-$name.log
	debug
	PEER
	pppd call "$peer" nodetach >/dev/null 2>&1 &
	client_pid=$!
}

# sstpc starting pppd itself (--password on argv: acceptable only in this
# throw-away guest, never in our client). It then loads its plugin itself.
start_client_launch() {
	local password
	IFS= read -r password <"$SSTP_PASSWORD_FILE"
	sstpc --log-level 3 --log-stderr --cert-warn --user "$SSTP_USER" --password "$password" \
		127.0.0.1:"$port" noauth refuse-pap refuse-chap refuse-mschap refuse-eap \
		nodefaultroute noipdefault nobsdcomp \
		nodeflate lcp-echo-interval 0 logfile "$UML_OUT/pppd-client-launch.log" debug \
		nodetach >>"$UML_OUT/sstpc-launch.log" 2>&1 &
	client_pid=$!
}

# connect START_FUNCTION ARGS…: start the client until the server gets past
# the ACK (see the sstpc start-up race above); 1 if it never does
connect() {
	local attempt acks
	for attempt in 1 2 3 4 5 6 7 8; do
		acks=$(count_lines '^sent ack')
		"$@"
		if guest_wait_for 10 sh -c "[ \$(grep -c '^sent ack' '$slog') -gt $acks ]"; then
			[ "$attempt" -eq 1 ] || tap_diag "$*: sstpc needed $attempt starts"
			return 0
		fi
		guest_stop "$client_pid"
		wait "$client_pid" 2>/dev/null
		client_pid=
		guest_wait_for 10 sh -c "[ \$(grep -c '^call ended' '$slog') -ge \$(grep -c '^accepted connection' '$slog') ]"
	done
	return 1
}

stop_client() {
	guest_stop "$client_pid"
	wait "$client_pid" 2>/dev/null
	client_pid=
}

verdicts() {
	grep -E 'http request|sent ack|binding|dropped|deferred|timeout|summary|call ended|client|failure|pppd exited' \
		"$slog" | sed "s/^/$1: /" >>"$UML_OUT/verdicts.log"
}

# one_run NAME PPPD_AUTH_OPTION SERVER_ARGS…: connect, ping, disconnect
one_run() {
	local name=$1 auth=$2
	shift 2
	start_server "$name" "$@"
	if [ -z "$port" ]; then
		tap_not_ok "$name: server listens"
		tap_diag_file "$slog" 20
		guest_stop "$server_pid"
		server_status=none
		return
	fi
	connect start_client_plugin "$name" "$auth" || tap_diag "$name: sstpc never got an ACK"
	if guest_wait_for 60 test -n "$(guest_ppp0_ipv4)"; then
		tap_ok "$name: sstpc + pppd bring up ppp0 ($(guest_ppp0_ipv4))"
	else
		tap_not_ok "$name: sstpc + pppd bring up ppp0"
		tap_diag_file "$UML_OUT/pppd-client-$name.log" 20
	fi
	if ping -c 3 -W 5 -I ppp0 10.77.0.1 >"$UML_OUT/ping-$name.log" 2>&1; then
		tap_ok "$name: ping 10.77.0.1 crosses the tunnel to the server's namespace"
	else
		tap_not_ok "$name: ping 10.77.0.1 through the tunnel"
		tap_diag_file "$UML_OUT/ping-$name.log" 5
	fi
	# the server's address is on its pppd's interface in another namespace
	if ip -4 -o addr show | grep -q 'inet 10\.77\.0\.1/'; then
		tap_not_ok "$name: the server's tunnel address is not local to the client"
	else
		tap_ok "$name: the server's tunnel address is not local to the client"
	fi
	stop_client
	stop_server
	tap_diag "$name: server exit status $server_status"
	verdicts "$name"
}

tap_check "PPP kernel modules load" guest_modprobe ppp_generic ppp_async ppp_mppe
(
	umask 077
	IFS= read -r password <"$SSTP_PASSWORD_FILE"
	printf '"%s" * "%s" *\n' "$SSTP_USER" "$password" >/etc/ppp/chap-secrets
	printf '"%s" * "%s" *\n' "$SSTP_USER" "$password" >/etc/ppp/pap-secrets
)

one_run mschapv2-sha256 require-mschap-v2
tap_is "mschapv2-sha256: server verified the binding (exit 0)" "$server_status" 0
tap_is "mschapv2-sha256: exactly one 'binding verified hash=sha256 method=mschapv2'" \
	"$(count_lines '^binding verified hash=sha256 method=mschapv2$')" 1

one_run mschapv2-sha1 require-mschap-v2 --hash sha1
tap_is "mschapv2-sha1: server verified the binding (exit 0)" "$server_status" 0
tap_is "mschapv2-sha1: exactly one 'binding verified hash=sha1 method=mschapv2'" \
	"$(count_lines '^binding verified hash=sha1 method=mschapv2$')" 1

one_run pap require-pap --auth pap
tap_is "pap: server verified the binding with a zero HLAK (exit 0)" "$server_status" 0
tap_is "pap: exactly one 'binding verified hash=sha256 method=pap'" \
	"$(count_lines '^binding verified hash=sha256 method=pap$')" 1

# The server holds a different password: its pppd refuses the client and no
# binding is ever checked.
(umask 077; printf 'not-the-password\n' >"$UML_OUT/wrong-password")
start_server wrong-password --password-file "$UML_OUT/wrong-password"
connect start_client_plugin wrong-password require-mschap-v2
guest_wait_for 60 grep -q '^call ended' "$slog" ||
	guest_wait_for 30 grep -q '^mschapv2 failure' "$slog"
stop_client
stop_server
tap_is "wrong password: the call ends without a binding (exit 3)" "$server_status" 3
tap_check "wrong password: the server saw pppd refuse the client" \
	grep -q '^mschapv2 failure id=' "$slog"
tap_check "wrong password: no 'binding verified' line" sh -c "! grep -q 'binding verified' '$slog'"
verdicts wrong-password

# sstpc launching pppd itself, as the brief's command line does
# (sstpc --user U --password P HOST pppd-options): it passes its plugin to
# pppd on its own, so the binding carries the real keys.
start_server launch
connect start_client_launch || tap_diag "launch: sstpc never got an ACK"
guest_wait_for 60 grep -q '^binding ' "$slog"
stop_client
stop_server
tap_is "sstpc launching pppd: binding verified (exit 0)" "$server_status" 0
tap_is "sstpc launching pppd: exactly one 'binding verified hash=sha256 method=mschapv2'" \
	"$(count_lines '^binding verified hash=sha256 method=mschapv2$')" 1
verdicts launch

# sstpc 1.0.18 in pty mode without its plugin has no MPPE keys and never sends
# Call Connected at all (it waits for a plugin that never connects), while its
# pppd goes on to IPCP/IPv6CP. The strict server must keep those NCP frames
# out, and end the call when the negotiation timer expires.
start_server no-plugin --negotiation-timeout 15
PLUGIN=no connect start_client_plugin no-plugin require-mschap-v2 ||
	tap_diag "no-plugin: sstpc never got an ACK"
guest_wait_for 60 grep -q '^call ended' "$slog"
stop_client
stop_server
tap_is "sstpc without plugin: no binding, the call ends (exit 3)" "$server_status" 3
tap_check "sstpc without plugin: its IPCP frames were dropped before Call Connected" \
	grep -q '^dropped client frame before call connected proto=0x8021' "$slog"
tap_check "sstpc without plugin: the negotiation timer ended the call" \
	grep -q '^negotiation timeout: no verified call connected' "$slog"
tap_check "sstpc without plugin: no 'binding verified' line" \
	sh -c "! grep -q 'binding verified' '$slog'"
verdicts no-plugin

# Faults after the binding. abort-after: the server aborts 3 s after the
# binding; the call still counts as verified. The hello interval of 2 s makes
# the server send Echo Requests, which sstpc answers.
start_server abort-after --fault abort-after=3 --hello 2
connect start_client_plugin abort-after require-mschap-v2 || tap_diag "abort-after: no ACK"
guest_wait_for 60 grep -q '^call ended' "$slog"
stop_client
stop_server
tap_is "abort-after: verified, then ended by the server (exit 0)" "$server_status" 0
tap_check "abort-after: the server sent its Abort" grep -q '^fault abort-after: aborting the call' "$slog"
verdicts abort-after

# silent-after: after 2 s the server sends nothing; sstpc 1.0.18 has no SSTP
# hello timer, so only its pppd's LCP echo would notice: the test ends it.
start_server silent-after --fault silent-after=2
connect start_client_plugin silent-after require-mschap-v2 || tap_diag "silent-after: no ACK"
guest_wait_for 60 grep -q '^fault silent-after' "$slog"
sleep 3
stop_client
stop_server
tap_is "silent-after: verified, then silent (exit 0)" "$server_status" 0
tap_check "silent-after: the server went silent" \
	grep -q '^fault silent-after: sending nothing from now on' "$slog"
verdicts silent-after

tap_finish
