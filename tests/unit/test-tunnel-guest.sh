# tests/unit/test-tunnel-guest.sh - runs INSIDE the UML guest (see
# test-tunnel-uml.sh): nm-sstp-tunnel against sstp-test-server on 127.0.0.1.
# Environment: SERVER, TUNNEL, PLUGIN, CERT, KEY, SSTP_USER,
# SSTP_PASSWORD_FILE, WRONG_PASSWORD_FILE.

. "$UML_LIB_DIR/guest-lib.sh"

# start_server NAME ARGS...: one call; sets $port, $slog, $server_pid
start_server() {
	local name=$1
	slog=$UML_OUT/server-$name.log
	shift
	rm -f "$UML_OUT/port" "$slog"
	"$SERVER" --cert "$CERT" --key "$KEY" --user "$SSTP_USER" \
		--password-file "$SSTP_PASSWORD_FILE" --port 0 --port-file "$UML_OUT/port" \
		--log "$slog" --pppd-debug --negotiation-timeout 30 \
		--auth-record "$UML_OUT/auth-record-$name.txt" "$@" &
	server_pid=$!
	guest_wait_for 20 test -s "$UML_OUT/port"
	port=$(cat "$UML_OUT/port" 2>/dev/null)
}

wait_server() {
	if guest_wait_for 30 sh -c "! kill -0 $server_pid 2>/dev/null"; then
		wait "$server_pid"
		server_status=$?
	else
		guest_stop "$server_pid"
		wait "$server_pid"
		server_status=killed
	fi
}

# start_tunnel NAME PASSWORD_FILE|none ARGS... [-- PPPD...]: sets $tunnel_pid, $tlog, $status
start_tunnel() {
	local name=$1 pw=$2
	shift 2
	tlog=$UML_OUT/tunnel-$name.log
	status=$UML_OUT/status-$name.txt
	local -a pw_args=(--password-file "$pw")
	# (PASSWORD_FILE "none": a profile without a password)
	[ "$pw" != none ] || pw_args=()
	"$TUNNEL" --pppd-plugin "$PLUGIN" --ca-cert "$CERT" --host sstp.test --debug \
		--user "$SSTP_USER" "${pw_args[@]}" --status-fd 5 "$@" \
		>"$tlog" 2>&1 5>"$status" &
	tunnel_pid=$!
}

# stop_tunnel: SIGTERM, wait; sets $tunnel_status
stop_tunnel() {
	kill -TERM "$tunnel_pid" 2>/dev/null
	wait_tunnel
}
wait_tunnel() {
	if guest_wait_for 30 sh -c "! kill -0 $tunnel_pid 2>/dev/null"; then
		wait "$tunnel_pid"
		tunnel_status=$?
	else
		guest_stop "$tunnel_pid"
		wait "$tunnel_pid"
		tunnel_status=killed
	fi
}

tap_check "PPP kernel modules load" guest_modprobe ppp_generic ppp_async ppp_mppe

# An ip-up script for the worker's pppd (the guest's /etc/ppp is its own tmpfs; the
# server's pppd gets a private /etc/ppp of its own), from lib/guest-lib.sh: it records
# which descriptors pppd's child scripts inherit and whether the password is in their
# environment or arguments.
guest_install_ip_up_recorder

# secrets_scan NAME LOG...: while the tunnel is up, the password (a random
# string) must be in no process's arguments or environment and in no log.
# grep reads the pattern from the password file, so the password is not on
# grep's own command line either. The password file itself is the positive
# control: it proves the same grep would find the string.
secrets_scan() {
	local name=$1 f n=0 hits=""
	shift
	for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ; do
		[ -r "$f" ] || continue
		n=$((n + 1))
		if grep -qaF -f "$SSTP_PASSWORD_FILE" "$f" 2>/dev/null; then
			hits="$hits $f($(cat "${f%/*}/comm" 2>/dev/null))"
		fi
	done
	for f in "$@"; do
		n=$((n + 1))
		grep -qaF -f "$SSTP_PASSWORD_FILE" "$f" && hits="$hits $f"
	done
	if ! grep -qaF -f "$SSTP_PASSWORD_FILE" "$SSTP_PASSWORD_FILE" || [ "$n" -lt 20 ]; then
		tap_not_ok "$name: password in no /proc/*/cmdline, /proc/*/environ or log (scan broken: $n files)"
	elif [ -n "$hits" ]; then
		tap_not_ok "$name: password in no /proc/*/cmdline, /proc/*/environ or log"
		tap_diag "password found in:$hits"
	else
		tap_ok "$name: password in none of $n /proc/*/cmdline, /proc/*/environ and logs while up"
	fi
}

# auth_record_scan NAME LOG...: the worker runs with --debug, and still nothing in its
# logs may let anyone test the password offline: no CHAP challenge or response that the
# server saw on the wire (--auth-record: one "WHAT HEX" line each) is in any LOG, as
# pppd's own debug packet dumps would print them. With CHAP the record must not be
# empty, or the scan would prove nothing.
auth_record_scan() {
	local name=$1 rec=$UML_OUT/auth-record-$name.txt what hex n=0 hits=""
	shift
	while read -r what hex; do
		n=$((n + 1))
		grep -qiF "${hex:0:16}" "$@" && hits="$hits $what"
	done <"$rec"
	if [ "$n" -eq 0 ] && ! grep -q '^pap ack' "$slog"; then
		tap_not_ok "$name: no CHAP challenge or response in the debug logs (nothing recorded: scan broken)"
	elif [ -n "$hits" ]; then
		tap_not_ok "$name: no CHAP challenge or response in the debug logs"
		tap_diag "found in the logs:$hits"
	else
		tap_ok "$name: no CHAP challenge or response in the debug logs ($n recorded values looked for)"
	fi
}

# privilege_check NAME: while the tunnel is up, the worker that parses what the network
# sends holds no privilege (src/tunnel/tunnel-sandbox.h): one non-root uid and gid,
# the tunnel user's or a dynamic one (61184-65519, in no passwd), no groups, no
# capabilities, no_new_privs, a seccomp filter. The status lines become diagnostics.
# Sets $pppd_pid for pppd_gone_check.
privilege_check() {
	local name=$1 st want=dynamic
	st=$(grep -E '^(Uid|Gid|Groups|CapEff|CapPrm|CapAmb|NoNewPrivs|Seccomp):' "/proc/$tunnel_pid/status")
	tap_diag "$name: the worker's /proc/$tunnel_pid/status while up:" "$st"
	getent passwd nm-sstp >/dev/null && want=$(id -u nm-sstp)
	tap_check "$name: worker runs as one non-root uid and gid ($want), no groups" worker_ids_ok "$st" "$want"
	tap_check "$name: worker has no capabilities, NoNewPrivs 1, Seccomp 2" worker_caps_ok "$st"
	pppd_pid=$(sed -n 's/.*started pppd (pid \([0-9]*\)).*/\1/p' "$tlog")
}
worker_ids_ok() {
	local uid gid
	uid=$(awk '$1 == "Uid:" && $2 == $3 && $2 == $4 && $2 == $5 { print $2 }' <<<"$1")
	gid=$(awk '$1 == "Gid:" && $2 == $3 && $2 == $4 && $2 == $5 { print $2 }' <<<"$1")
	[ -n "$uid" ] && [ -n "$gid" ] && [ "$uid" != 0 ] && [ "$gid" != 0 ] &&
		grep -qxE 'Groups:[[:space:]]*' <<<"$1" || return 1
	if [ "$2" = dynamic ]; then
		[ "$uid" -ge 61184 ] && [ "$uid" -le 65519 ] && ! getent passwd "$uid"
	else
		[ "$uid" = "$2" ]
	fi
}
worker_caps_ok() {
	[ "$(grep -cxE 'Cap(Eff|Prm|Amb):[[:space:]]+0+|NoNewPrivs:[[:space:]]+1|Seccomp:[[:space:]]+2' <<<"$1")" = 5 ]
}

# pppd_gone_check NAME: after SIGTERM the unprivileged worker stopped pppd all the same
# (it hangs up the pty), without waiting for its time limit.
pppd_gone_check() {
	tap_check "$1: pppd (pid ${pppd_pid:-?}) ended on the pty hangup" sh -c "
		[ -n '$pppd_pid' ] && ! kill -0 '$pppd_pid' && ! grep -q 'did not stop within' '$tlog'"
}

# one_run NAME SERVER_ARGS... : connect, check the status pipe, ping, SIGTERM
one_run() {
	local name=$1
	shift
	local t0 secs
	start_server "$name" "$@"
	t0=$(date +%s.%N)
	start_tunnel "$name" "$SSTP_PASSWORD_FILE" "127.0.0.1:$port" -- lcp-echo-interval 0
	if guest_wait_for 60 guest_ppp0_up; then
		# setup time, worker start to an address on ppp0 (a figure, not a check)
		secs=$(guest_elapsed_since "$t0")
		echo "tunnel_strict_${name}_connect_seconds=$secs" >>"$UML_OUT/timing"
		tap_ok "$name: ppp0 is up ($(guest_ppp0_ipv4), $secs s)"
	else
		tap_not_ok "$name: ppp0 is up"
		tap_diag_file "$tlog" 30
		tap_diag_file "$slog" 30
	fi
	guest_wait_for 10 grep -q '^phase=connected$' "$status"
	tap_check "$name: status pipe: ip4 with address, peer, gateway and dns" \
		sh -c "grep -q '^ip4\$' '$status' && grep -q '^address=10.77.0.2\$' '$status' &&
		       grep -q '^peer=10.77.0.1\$' '$status' && grep -q '^gateway=127.0.0.1\$' '$status' &&
		       grep -q '^dns=10.77.0.1\$' '$status' && grep -q '^phase=connected\$' '$status'"
	guest_check_ping "$name: ping 10.77.0.1 crosses the tunnel" "ping-$name" 10.77.0.1 ppp0
	privilege_check "$name"
	secrets_scan "$name" "$tlog" "$status" "$slog" "$UML_OUT/guest.log"
	# pppd ran /etc/ppp/ip-up; it holds no socket (the plugin's socketpair end is
	# close-on-exec) and no password
	guest_check_ip_up "$name: " "ip-up-fds-$name.log"
	stop_tunnel
	wait_server
	tap_is "$name: SIGTERM ends the tunnel with exit 0" "$tunnel_status" 0
	pppd_gone_check "$name"
	tap_check "$name: the server got Call Disconnect and acknowledged it" \
		grep -q '^client disconnect status=NO_ERROR' "$slog"
	tap_is "$name: the server verified the crypto binding (exit 0)" "$server_status" 0
	tap_check "$name: the password is in no log" \
		sh -c "! grep -qF \"\$(cat '$SSTP_PASSWORD_FILE')\" '$tlog' '$status'"
	auth_record_scan "$name" "$tlog" "$status" "$UML_OUT/guest.log"
	guest_wait_for 10 sh -c "! ip link show ppp0 >/dev/null 2>&1"
}

one_run mschapv2-sha256
tap_check "mschapv2-sha256: binding verified with the MS-CHAPv2 keys" \
	grep -q '^binding verified hash=sha256 method=mschapv2$' "$slog"

one_run mschapv2-sha1 --hash sha1
tap_check "mschapv2-sha1: binding verified with SHA-1" \
	grep -q '^binding verified hash=sha1 method=mschapv2$' "$slog"

one_run pap --auth pap
tap_check "pap: binding verified with the zero HLAK" \
	grep -q '^binding verified hash=sha256 method=pap$' "$slog"

one_run chap-md5 --auth chap
tap_check "chap-md5: binding verified with the zero HLAK" \
	grep -q '^binding verified hash=sha256 method=chap$' "$slog"

# A profile without a password must never make pppd use root's system secrets: the
# machine's /etc/ppp/pap-secrets and chap-secrets hold a canary password for the profile's
# user (as a PPPoE login would be), and the server's password is that canary, so anything
# derived from it would log in. The server asks for PAP, CHAP-MD5, then MS-CHAPv2: it
# must accept nothing, and the worker must say that a password is missing.
canary_file=$UML_OUT/canary-password
(umask 077 && head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$canary_file")
for f in pap-secrets chap-secrets; do
	(umask 077 && printf '"%s" * "%s" *\n' "$SSTP_USER" "$(cat "$canary_file")" >"/etc/ppp/$f")
done
for auth in pap chap mschapv2; do
	start_server "canary-$auth" --auth "$auth" --password-file "$canary_file"
	start_tunnel "canary-$auth" none "127.0.0.1:$port" -- lcp-echo-interval 0
	wait_tunnel
	wait_server
	tap_check "no password, canary in /etc/ppp secrets, server asks $auth: the server accepts nothing" \
		sh -c "! grep -qE '^(pap ack|chap-md5 success|mschapv2 success|binding verified)' '$slog'"
	tap_check "no password, server asks $auth: no PAP request or CHAP response reaches the server" \
		sh -c "! grep -qE '^(pap request|chap-md5 response|mschapv2 response)' '$slog'"
	tap_is "no password, server asks $auth: exit 6 (PPP authentication)" "$tunnel_status" 6
	case $auth in
	pap) want=PAP ;;
	chap) want=CHAP-MD5 ;;
	*) want=MS-CHAPv2 ;;
	esac
	tap_check "no password, server asks $auth: the worker says the server requires a login with $want" \
		grep -q "error: the server requires a login with $want and this connection gives none" "$tlog"
	tap_check "no password, server asks $auth: the canary is in no log" \
		sh -c "! grep -qF -f '$canary_file' '$tlog' '$slog' '$status'"
	if [ "$tunnel_status" != 6 ]; then
		tap_diag_file "$tlog" 25
		tap_diag_file "$slog" 15
	fi
done
rm -f /etc/ppp/pap-secrets /etc/ppp/chap-secrets

# wrong password: pppd fails authentication, the worker exits 6. The
# server's pppd exits too and the server sends Call Disconnect, which races
# with our pppd's own exit 19 (often pppd still waits for an LCP
# Terminate-Ack then); the worker notes the server's CHAP Failure, so the
# answer is 6 every time, never 7 ("the server disconnected"). Before that
# fix this gave "7 7 6 6 6".
codes=""
for i in 1 2 3 4 5; do
	start_server "wrong$i" --password-file "$WRONG_PASSWORD_FILE"
	start_tunnel "wrong$i" "$SSTP_PASSWORD_FILE" "127.0.0.1:$port" -- lcp-echo-interval 0
	wait_tunnel
	wait_server
	codes="$codes $tunnel_status"
done
tap_is "wrong password, 5 runs: exit 6 (PPP authentication) each time" "$codes" " 6 6 6 6 6"
tap_check "wrong password: status pipe error code=6" grep -q '^code=6$' "$status"

# The same with the race decided against us on purpose: a pppd whose exit
# status reaches the worker 1 s late (the real pppd, wrapped), so the
# server's Call Disconnect always arrives first and the worker stops the
# wrapper (killed by SIGTERM: no pppd exit status at all).
cat >"$UML_OUT/slow-exit-pppd" <<'EOF'
#!/bin/sh
/usr/sbin/pppd "$@"
rc=$?
sleep 1
exit $rc
EOF
chmod 755 "$UML_OUT/slow-exit-pppd"
start_server wrong-slow --password-file "$WRONG_PASSWORD_FILE"
start_tunnel wrong-slow "$SSTP_PASSWORD_FILE" --pppd "$UML_OUT/slow-exit-pppd" "127.0.0.1:$port" \
	-- lcp-echo-interval 0
wait_tunnel
wait_server
tap_is "wrong password, Call Disconnect before pppd's exit: still exit 6" "$tunnel_status" 6

# server aborts after the binding: exit 7
start_server abort --fault abort-after=2
start_tunnel abort "$SSTP_PASSWORD_FILE" "127.0.0.1:$port" -- lcp-echo-interval 0
wait_tunnel
wait_server
tap_is "server abort: exit 7" "$tunnel_status" 7

# server goes silent: the hello timer notices (hello 5 s: dead after ~10 s)
start_server silent --fault silent-after=1
start_tunnel silent "$SSTP_PASSWORD_FILE" --hello 5 "127.0.0.1:$port" -- lcp-echo-interval 0
wait_tunnel
guest_stop "$server_pid"; wait "$server_pid" 2>/dev/null
tap_is "silent server: exit 8 (dead peer)" "$tunnel_status" 8

# HTTP refusal: exit 4
start_server http403 --fault http-403
start_tunnel http403 "$SSTP_PASSWORD_FILE" "127.0.0.1:$port"
wait_tunnel
wait_server
tap_is "server answers HTTP 403: exit 4" "$tunnel_status" 4

# NAK once, then ACK: the worker retries
start_server nak --fault nak-first
start_tunnel nak "$SSTP_PASSWORD_FILE" "127.0.0.1:$port" -- lcp-echo-interval 0
if guest_wait_for 60 guest_ppp0_up; then tap_ok "nak-first: retried and connected"
else tap_not_ok "nak-first: retried and connected"; tap_diag_file "$tlog" 20; fi
stop_tunnel
wait_server

tap_finish
