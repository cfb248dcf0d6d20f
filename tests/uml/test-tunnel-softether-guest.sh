# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-tunnel-softether-guest.sh - runs INSIDE the UML guest (see
# test-tunnel-softether.sh): nm-sstp-tunnel + pppd + our plugin against SoftEther.
#
# Environment: TUNNEL, PLUGIN, SSTP_SERVER (198.51.100.1), SSTP_HOST (vpn.sstp.test, the
# certificate's CN and DNS SAN), SSTP_USER, SSTP_PASSWORD_FILE (0600, password on its first
# line), SSTP_CA, SSTP_GATEWAY (198.18.0.1), SOFTETHER_DIR (its logs, readable here because
# the output folder is mounted into the guest).

. "$UML_LIB_DIR/guest-lib.sh"

ppp0_gone() {
	! ip link show dev ppp0 >/dev/null 2>&1
}
pppd_running() {
	pgrep -x pppd >/dev/null
}
worker_gone() {
	! kill -0 "$tunnel_pid" 2>/dev/null
}

# start_tunnel NAME ARGS... (ARGS before the server; pppd options after the server):
# the worker with --debug, stderr in $tlog, status pipe in $status; sets $tunnel_pid.
start_tunnel() {
	local name=$1
	shift
	tlog=$UML_OUT/tunnel-$name.log
	status=$UML_OUT/status-$name.txt
	"$TUNNEL" --pppd-plugin "$PLUGIN" --ca-cert "$SSTP_CA" --debug \
		--user "$SSTP_USER" --password-file "$SSTP_PASSWORD_FILE" --status-fd 5 "$@" \
		>"$tlog" 2>&1 5>"$status" &
	tunnel_pid=$!
}
# wait_tunnel: up to 30 s for the worker to end (then KILL); sets $tunnel_status
wait_tunnel() {
	if guest_wait_for 30 worker_gone; then
		wait "$tunnel_pid"
		tunnel_status=$?
	else
		guest_stop "$tunnel_pid"
		wait "$tunnel_pid"
		tunnel_status=killed
	fi
}
# count_lines FILE PATTERN: how many lines of FILE match PATTERN (0 if none)
count_lines() {
	local n
	n=$(grep -c -- "$2" "$1" 2>/dev/null)
	echo "${n:-0}"
}

tap_check "PPP kernel modules load" guest_modprobe ppp_generic ppp_async ppp_mppe
tap_check "vec0 has the guest address" guest_wait_for 10 ip -4 addr show dev vec0 to "${UML_GUEST_ADDR%/*}"

# An ip-up script for pppd (lib/guest-lib.sh): it records the descriptors pppd's child
# scripts inherit and whether the password is in their environment or arguments.
guest_install_ip_up_recorder

# ---- 1. by name: --host vpn.sstp.test, MS-CHAPv2 -------------------------------------

start=$(date +%s.%N)
start_tunnel softether --host "$SSTP_HOST" "$SSTP_SERVER" -- refuse-eap
if guest_wait_for 60 guest_ppp0_up; then
	connect_time=$(guest_elapsed_since "$start")
	tap_ok "nm-sstp-tunnel + pppd bring up ppp0 against SoftEther (${connect_time} s)"
	echo "tunnel_softether_connect_seconds=$connect_time" >>"$UML_OUT/timing"
else
	tap_not_ok "nm-sstp-tunnel + pppd bring up ppp0 against SoftEther"
	tap_diag_file "$tlog" 40
fi

tap_check "the certificate was verified for $SSTP_HOST with the test CA" \
	grep -q "certificate for $SSTP_HOST verified" "$tlog"
tap_check "PPP authenticated with MS-CHAPv2 (EAP refused)" \
	grep -q 'PPP authentication done (method mschapv2' "$tlog"

addr=$(guest_ppp0_ipv4)
case $addr in
198.18.0.*) tap_ok "ppp0 address $addr comes from SecureNAT's DHCP range" ;;
*) tap_not_ok "ppp0 address in 198.18.0.0/24 (got '$addr')" ;;
esac

guest_wait_for 10 grep -q '^phase=connected$' "$status"
tap_check "status pipe: ip4 with ppp0's address, DNS $SSTP_GATEWAY and gateway $SSTP_SERVER" \
	sh -c "grep -q '^ip4\$' '$status' && grep -q '^address=${addr%/*}\$' '$status' &&
	       grep -q '^dns=$SSTP_GATEWAY\$' '$status' && grep -q '^gateway=$SSTP_SERVER\$' '$status' &&
	       grep -q '^phase=connected\$' '$status'"

# Route the tunnel network through ppp0 whatever peer address IPCP gave.
ip route replace 198.18.0.0/24 dev ppp0 2>/dev/null
guest_check_ping "ping $SSTP_GATEWAY through the tunnel" ping "$SSTP_GATEWAY" ppp0

# ---- 2. secrets while the tunnel is up -------------------------------------------------

# Every process's arguments and environment, and every log so far: the worker's --debug
# stderr (pppd's own debug output included), the status pipe, SoftEther's logs, the
# guest's log. The password file is the positive control (the same grep finds it there).
n=0
hits=""
for f in /proc/[0-9]*/cmdline /proc/[0-9]*/environ $(find "$SOFTETHER_DIR" -type f -name '*.log' 2>/dev/null) \
	"$tlog" "$status" "$UML_OUT/guest.log"; do
	[ -r "$f" ] || continue
	n=$((n + 1))
	if grep -qaF -f "$SSTP_PASSWORD_FILE" "$f" 2>/dev/null; then
		case $f in
		/proc/*) hits="$hits $f($(cat "${f%/*}/comm" 2>/dev/null))" ;;
		*) hits="$hits $f" ;;
		esac
	fi
done
if ! grep -qaF -f "$SSTP_PASSWORD_FILE" "$SSTP_PASSWORD_FILE" || [ "$n" -lt 20 ] || ! pppd_running; then
	tap_not_ok "password in no /proc/*/cmdline, /proc/*/environ or log while up (scan broken: $n files)"
elif [ -n "$hits" ]; then
	tap_not_ok "password in no /proc/*/cmdline, /proc/*/environ or log while up"
	tap_diag "password found in:$hits"
else
	tap_ok "password in none of $n /proc/*/cmdline, /proc/*/environ and logs while up"
fi

# pppd ran /etc/ppp/ip-up: the plugin's socketpair end (fd 3 in pppd) is close-on-exec,
# so the script holds no socket; nor has it the password.
guest_check_ip_up

# ---- 3. idle: SoftEther's echoes must be answered --------------------------------------

# SoftEther sends an SSTP Echo Request every few seconds and drops a client that sends
# nothing for ~10 s. Nothing else crosses the tunnel for 25 s (no ping, pppd's own LCP
# echoes are off by default here); only the worker's Echo Responses keep it alive.
echo_req_before=$(count_lines "$tlog" '< ECHO_REQUEST')
echo_resp_before=$(count_lines "$tlog" '> ECHO_RESPONSE')
sleep 25
echo_req=$(($(count_lines "$tlog" '< ECHO_REQUEST') - echo_req_before))
echo_resp=$(($(count_lines "$tlog" '> ECHO_RESPONSE') - echo_resp_before))
if kill -0 "$tunnel_pid" 2>/dev/null && guest_ppp0_up; then
	tap_ok "still connected after 25 s idle"
else
	tap_not_ok "still connected after 25 s idle"
	tap_diag_file "$tlog" 20
fi
if [ "$echo_req" -ge 2 ] && [ "$echo_resp" -ge "$echo_req" ]; then
	tap_ok "SoftEther's Echo Requests were answered while idle ($echo_req requests, $echo_resp responses)"
else
	tap_not_ok "SoftEther's Echo Requests were answered while idle ($echo_req requests, $echo_resp responses)"
fi
if ping -c 2 -W 5 -I ppp0 "$SSTP_GATEWAY" >>"$UML_OUT/ping.log" 2>&1; then
	tap_ok "ping $SSTP_GATEWAY after the idle time"
else
	tap_not_ok "ping $SSTP_GATEWAY after the idle time"
fi

# ---- 4. SIGTERM: Call Disconnect, exit 0, nothing left ----------------------------------

kill -TERM "$tunnel_pid"
wait_tunnel
tap_is "SIGTERM: the worker exits 0" "$tunnel_status" 0
tap_check "SIGTERM: Call Disconnect sent and acknowledged by SoftEther" \
	sh -c "grep -q '> CALL_DISCONNECT (' '$tlog' && grep -q '< CALL_DISCONNECT_ACK' '$tlog'"
tap_check "SIGTERM: no pppd left" guest_wait_for 5 sh -c '! pgrep -x pppd'
tap_check "SIGTERM: ppp0 is gone" guest_wait_for 10 ppp0_gone

# ---- 5. by address: the certificate's IP SAN -------------------------------------------

start=$(date +%s.%N)
start_tunnel ip-san "$SSTP_SERVER" -- refuse-eap
if guest_wait_for 60 guest_ppp0_up; then
	tap_ok "by address: the certificate's IP SAN $SSTP_SERVER verifies, ppp0 is up ($(guest_elapsed_since "$start") s)"
else
	tap_not_ok "by address: the certificate's IP SAN $SSTP_SERVER verifies, ppp0 is up"
	tap_diag_file "$tlog" 30
fi
kill -TERM "$tunnel_pid"
wait_tunnel
tap_is "by address: SIGTERM, exit 0" "$tunnel_status" 0
guest_wait_for 10 ppp0_gone

# ---- 6. a name the certificate does not hold -------------------------------------------

start_tunnel wrong-host --host wrong.sstp.test "$SSTP_SERVER" -- refuse-eap
wait_tunnel
tap_is "--host wrong.sstp.test: exit 3 (certificate)" "$tunnel_status" 3
tap_check "--host wrong.sstp.test: pppd was never started" sh -c "! grep -q 'started pppd' '$tlog'"

tap_finish
