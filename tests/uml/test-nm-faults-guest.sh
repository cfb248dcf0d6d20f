# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-faults-guest.sh - runs INSIDE the UML guest (see test-nm-faults.sh): the
# fault matrix through the real NetworkManager, one boot, one case after the other.
# Environment: see lib/nm-guest.sh (BUILDDIR, SRCDIR, SERVER, CERT, KEY, PIN, SSTP_USER,
# SSTP_PASSWORD_FILE); NM_FAULT_CYCLES (up/down cycles, default 20); NM_FAULT_ONLY (see below).
#
# Each case: NetworkManager's first final VpnStateChanged (state, reason) after the fault, the
# time from the fault to that signal (the server's own wall-clock stamp of its fault, or the
# guest's clock before a kill; dbus-monitor's stamp of the signal: the same clock), what is
# left once it settled, and whether the next "nmcli connection up" of the same profile works
# at once (the next case's own "up" when it needs one, else a plain up/down). The table goes to
# $UML_OUT/fault-matrix.txt and into the test log.

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"
. "$UML_LIB_DIR/nm-faults-guest.sh"

hello=10
cycles=${NM_FAULT_CYCLES:-20}
conn=sstp-faults
conn_b=sstp-faults-b
conn_c=sstp-faults-c
conn_uuid=5f0c2a4e-8a51-4c3b-9b0e-2f6d1c7e4a10
matrix=$UML_OUT/fault-matrix.txt
fault_file=$UML_OUT/fault-a
srv_pid=
srv_port=
srv_b_pid=
srv_b_port=
srv_c_pid=
srv_c_port=
set=${NM_FAULT_SET:-main}
declare -A next_up=()
rows=()
prev_case=
net_ns_baseline=

# The strict server in --loop mode, faults taught through a file read at each call.
# NAME PORT(0: any) LOCAL_IP REMOTE_IP [LISTEN_ADDR [OPTION…]]
start_srv() {
	local name=$1 port=$2 local_ip=$3 remote_ip=$4 listen=${5:-127.0.0.1} pf=$UML_OUT/port-$1
	shift $(($# < 5 ? $# : 5))
	rm -f "$pf"
	"$SERVER" --cert "$CERT" --key "$KEY" --user "$SSTP_USER" --password-file "$SSTP_PASSWORD_FILE" \
		--listen "$listen" --port "$port" --port-file "$pf" --log "$UML_OUT/server-$name.log" --loop \
		--local-ip "$local_ip" --remote-ip "$remote_ip" --dns "$local_ip" \
		--negotiation-timeout 30 --fault-file "$UML_OUT/fault-$name" "$@" &
	LAST_SRV_PID=$!
	guest_wait_for 20 test -s "$pf" || return 1
	LAST_SRV_PORT=$(cat "$pf")
}

profile() {
	local name=$1 uuid=$2 port=$3 host=${4:-127.0.0.1}
	shift $(($# < 4 ? $# : 4))
	nm_guest_write_vpn_profile "$name" "$uuid" "$SSTP_PASSWORD_FILE" ignore \
		"gateway=$host:$port" "cert-pin-sha256=$PIN" "hello-interval=$hello" "dhcp-inform=no" "$@"
}

# Marks are times: dbus-monitor stamps each signal with the guest's clock.
signals_mark() {
	now
}

# (one ls for all processes: a process per PID costs seconds in UML)
net_namespaces() {
	ls -l /proc/[0-9]*/ns/net 2>/dev/null | awk '{ print $NF }' | sort -u | wc -l
}

# What is left of a session: empty when nothing. (Cheap checks first: in the wait loop.)
leftovers_cheap() {
	local l=
	! pgrep -f "^$BUILDDIR/src/tunnel/nm-sstp-tunnel" >/dev/null || l="$l worker"
	[ -z "$(nm_guest_client_pppd_pids)" ] || l="$l pppd"
	nm_guest_no_ppp_device || l="$l ppp-device"
	! ip route show table all 2>/dev/null | grep -Eq 'dev ppp|10\.7[78]\.0\.' || l="$l route"
	local st
	st=$(ss -Htan state all "( dport = :$srv_port or dport = :${srv_b_port:-1} or dport = :${srv_c_port:-1} )" 2>/dev/null |
		awk '$1 != "TIME-WAIT" { print $1 }' | sort -u | tr '\n' ',')
	[ -z "$st" ] || l="$l socket(${st%,})"
	[ "$(net_namespaces)" -le "$net_ns_baseline" ] || l="$l namespace"
	echo "${l# }"
}

leftovers() {
	local l
	l=$(leftovers_cheap)
	! nmcli -g IP4.DNS device show 2>/dev/null | grep -q '10\.7[78]\.0\.1' || l="$l dns"
	echo "${l# }"
}

active() {
	[ -n "$(nmcli -g GENERAL.STATE connection show "$1" 2>/dev/null)" ]
}

# record CASE MOMENT T_FAULT MARK [WANT: failure|user|restart]
record() {
	local case=$1 moment=$2 t_fault=$3 mark=$4 want=${5:-failure} fin at st rs detect left sname rname gone
	guest_log "$case@$moment: fault done"
	# (a stopped NetworkManager sends no final signal: no long wait for one)
	if [ "$want" = restart ]; then guest_wait_for 5 final_seen "$mark"; else guest_wait_for 60 final_seen "$mark"; fi
	fin=$(final_after "$mark")
	read -r at st rs <<<"${fin:-0 0 0}"
	sname=$(state_name "$st")
	rname=$(reason_name "$rs")
	if [ -n "$fin" ] && [ -n "$t_fault" ]; then
		detect=$(seconds_between "$t_fault" "$at")
	else
		detect="?"
	fi
	if [ -z "$fin" ] && [ "$want" = restart ]; then
		# A stopped NetworkManager sends no signal: what counts is that the restarted one
		# shows no active VPN (the service quits when NetworkManager leaves the bus).
		active "$conn" || { sname=inactive; rname="NM restarted${NM_STOP_GONE:+ (all gone ${NM_STOP_GONE%%, left:*} after the stop)}"; }
	fi
	guest_log "$case@$moment: NetworkManager: $sname/$rname"
	# (an upper bound: each look costs the guest about a second under load)
	wait_nothing_left 20
	gone=$(seconds_between "${t_fault:-$(now)}" "$(now)")
	left=$(leftovers)
	guest_log "$case@$moment: leftovers: ${left:-none}"
	rows+=("$case|$moment|$sname|$rname|$detect|${left:-none}|$gone")
	case $want in
	user)
		tap_is "$case@$moment: NetworkManager says disconnected by the user" "$sname/$rname" \
			disconnected/user-disconnected ;;
	restart)
		tap_check "$case@$moment: the VPN is not active after NetworkManager's restart (got $sname/$rname)" \
			sh -c "! nmcli -g GENERAL.STATE connection show $conn | grep -q ." ;;
	*)
		# A fault is never the user's doing, never a wrong password.
		tap_check "$case@$moment: NetworkManager ends the VPN as failed or disconnected, not as a login failure (got $sname/$rname, $detect s)" \
			sh -c "[ '$st' = 6 -o '$st' = 7 ] && [ '$rs' != 10 ] && [ '$rs' != 2 ]" ;;
	esac
	# Seen through the fault itself, not through the hello timer's fallback (which would take 2
	# intervals): a bound of one interval, far above what any case takes here even under load.
	if [ "$want" != restart ]; then
		local bound=${RECORD_BOUND:-$hello}
		[ "$case" != silent ] || [ -n "${RECORD_BOUND:-}" ] || bound=$((2 * hello + 20))
		tap_check "$case@$moment: NetworkManager saw it within $bound s ($detect s)" \
			awk -v d="$detect" -v b="$bound" 'BEGIN { exit !(d != "?" && d >= 0 && d <= b) }'
	fi
	tap_is "$case@$moment: nothing left (worker, pppd, ppp device, route, DNS, socket, namespace)" "${left:-none}" none
	prev_case="$case@$moment"
}

traffic_start() {
	stdbuf -oL ping -i 0.2 -W 1 "$1" >"$UML_OUT/traffic.log" 2>&1 &
	TRAFFIC_PID=$!
	guest_wait_for 10 grep -q 'bytes from' "$UML_OUT/traffic.log"
}

# A server fault before the VPN is up: "up" must fail. KIND MOMENT
case_server_early() {
	local kind=$1 moment=$2 mark t_fault
	settle_prev
	echo "$kind@$moment" >"$fault_file"
	mark=$(signals_mark)
	if up "$conn"; then
		tap_not_ok "$kind@$moment: nmcli connection up fails"
	fi
	t_fault=$(sed -n "s/.*fault $kind@$moment at=\([0-9.]*\).*/\1/p" "$UML_OUT/server-a.log" | tail -n 1)
	[ -n "$t_fault" ] || tap_diag "$kind@$moment: the server never reached the fault"
	record "$kind" "$moment" "$t_fault" "$mark"
}

# A server fault while connected and passing traffic (SIGUSR1 fires it). KIND
case_server_connected() {
	local kind=$1 mark t_fault
	echo "$kind@connected" >"$fault_file"
	up_after_case || { tap_not_ok "$kind@connected: up"; return; }
	traffic_start 10.77.0.1 || tap_diag "$kind@connected: no ping answer before the fault"
	mark=$(signals_mark)
	kill -USR1 "$srv_pid"
	guest_wait_for 10 grep -q "fault $kind@connected at=" "$UML_OUT/server-a.log"
	t_fault=$(sed -n "s/.*fault $kind@connected at=\([0-9.]*\).*/\1/p" "$UML_OUT/server-a.log" | tail -n 1)
	record "$kind" connected "$t_fault" "$mark"
	traffic_stop
}

# A fault on the client side while connected: CASE COMMAND…
case_client_connected() {
	local name=$1 mark t_fault
	shift
	up_after_case || { tap_not_ok "$name: up"; return; }
	traffic_start 10.77.0.1 || tap_diag "$name: no ping answer before the fault"
	mark=$(signals_mark)
	t_fault=$(now)
	"$@"
	traffic_stop
	record "$name" connected "$t_fault" "$mark" "${WANT:-failure}"
	traffic_stop
}

# "nmcli connection down" while the server holds the call in MOMENT (silent there).
case_down_during() {
	local moment=$1 mark t_fault
	settle_prev
	echo "silent@$moment" >"$fault_file"
	mark=$(signals_mark)
	timeout 90 nmcli --wait 60 connection up "$conn" >>"$UML_OUT/nmcli.log" 2>&1 &
	local up_pid=$!
	guest_wait_for 30 grep -q "fault silent@$moment at=" "$UML_OUT/server-a.log" ||
		tap_diag "down@$moment: the server never reached $moment"
	t_fault=$(now)
	down "$conn"
	wait "$up_pid"
	record down "$moment" "$t_fault" "$mark" user
}

kill_first() {
	local pid
	pid=$("$@" | head -n 1)
	[ -n "$pid" ] && kill -KILL "$pid"
}

# NetworkManager stopped (TERM) and started again, as guest_start_nm does. With
# RESTART_WATCH set: how long after the stop the worker, pppd and the rest were gone (before
# the new NetworkManager starts), in NM_STOP_GONE.
restart_nm() {
	local t
	t=$(now)
	guest_stop "$GUEST_NM_PID"
	if [ -n "${RESTART_WATCH:-}" ]; then
		wait_nothing_left 30
		NM_STOP_GONE="$(seconds_between "$t" "$(now)") s, left: $(leftovers_cheap)"
		guest_log "NetworkManager stopped: $NM_STOP_GONE"
	fi
	stdbuf -oL -eL NetworkManager --no-daemon --debug \
		--config="$GUEST_NM_DIR/NetworkManager.conf" \
		--config-dir="$GUEST_NM_DIR/conf.d" \
		--system-config-dir="$GUEST_NM_DIR/conf.d" \
		--intern-config="$GUEST_NM_DIR/intern.conf" \
		--state-file="$GUEST_NM_DIR/NetworkManager.state" \
		>>"$UML_OUT/NetworkManager.log" 2>&1 &
	GUEST_NM_PID=$!
	guest_wait_for 90 nmcli -t general status
	guest_wait_for 30 sh -c 'nmcli -g GENERAL.STATE connection show primary | grep -q activated' ||
		nmcli --wait 30 connection up primary >/dev/null 2>&1
}

server_restart() {
	kill -KILL "$srv_pid"
	wait "$srv_pid" 2>/dev/null
	start_srv a "$srv_port" 10.77.0.1 10.77.0.2 || tap_diag "the server did not start again on $srv_port"
	srv_pid=$LAST_SRV_PID
}

# The device under the VPN goes away. (NetworkManager 1.42 keeps a dummy device activated
# when it is only set down, seen here: a dummy has no carrier; so the device is deleted.)
# Brought back with the primary profile once NetworkManager saw it, for the next cases.
link_down() {
	ip link delete dummy0
	guest_wait_for 30 final_seen "$mark"
	nmcli --wait 30 connection up primary >/dev/null 2>&1
}

# --- faults while the server holds a phase (NM_FAULT_SET=phases) -----------------------------
# The server, taught "silent@MOMENT", goes silent at that moment and keeps the call there: the
# worker waits in that phase (TLS handshake, HTTP answer, SSTP negotiation, PPP authentication,
# IPCP) when the fault strikes.

# How many times the server logged "fault KIND@MOMENT" so far (its log grows across restarts).
fault_count() {
	grep -c "fault $1 at=" "$UML_OUT/server-a.log" 2>/dev/null
}

# Start "nmcli connection up" in the background with the server holding MOMENT; returns once the
# server is there. Sets HOLD_UP_PID.
hold_at() {
	local moment=$1 n
	n=$(fault_count "silent@$moment")
	echo "silent@$moment" >"$fault_file"
	timeout 90 nmcli --wait 60 connection up "$conn" >>"$UML_OUT/nmcli.log" 2>&1 &
	HOLD_UP_PID=$!
	guest_wait_for 40 sh -c "[ \"\$(grep -c 'fault silent@$moment at=' '$UML_OUT/server-a.log')\" -gt $n ]" ||
		tap_diag "hold at $moment: the server never reached $moment"
}

# A process killed, NetworkManager restarted or the server killed while the server holds the
# call in MOMENT: CASE MOMENT COMMAND… (WANT as in record)
case_during() {
	local name=$1 moment=$2 mark t_fault
	shift 2
	settle_prev
	mark=$(signals_mark)
	hold_at "$moment"
	t_fault=$(now)
	"$@"
	# (an "nmcli connection up" whose NetworkManager went away waits out its --wait 60: seen)
	[ "${WANT:-}" != restart ] || kill "$HOLD_UP_PID" 2>/dev/null
	wait "$HOLD_UP_PID"
	record "$name" "$moment" "$t_fault" "$mark" "${WANT:-failure}"
}

# The server silent from MOMENT on (nothing else): the worker's timer for that phase (or
# NetworkManager's own 60 s) must end the attempt. MOMENT BOUND(s)
case_silent_early() {
	local moment=$1 mark t_fault
	settle_prev
	# NetworkManager gives a VPN 60 s to connect (vpn.timeout), counted from before TLS:
	# the worker's 60 s HTTP and negotiation timers are seen only with a longer one.
	if [ -n "${NM_TIMEOUT:-}" ]; then
		profile "$conn" "$conn_uuid" "$srv_port" 127.0.0.1 "timeout=$NM_TIMEOUT"
		tap_is "silent@$moment: the profile's vpn.timeout" "$(nmcli -g vpn.timeout connection show "$conn")" "$NM_TIMEOUT"
	fi
	echo "silent@$moment" >"$fault_file"
	mark=$(signals_mark)
	if timeout 150 nmcli --wait 120 connection up "$conn" >>"$UML_OUT/nmcli.log" 2>&1; then
		tap_not_ok "silent@$moment: nmcli connection up fails"
	fi
	[ -z "${NM_TIMEOUT:-}" ] || profile "$conn" "$conn_uuid" "$srv_port"
	t_fault=$(sed -n "s/.*fault silent@$moment at=\([0-9.]*\).*/\1/p" "$UML_OUT/server-a.log" | tail -n 1)
	RECORD_BOUND=$2 record silent "$moment" "$t_fault" "$mark"
}

# The device under the VPN loses its IPv4 address, or its link, while connected. The server
# listens on that device's address (192.0.2.1), so the tunnel's path is that address's. CASE
# COMMAND… Either NetworkManager or the worker ends the VPN (the worker's hello timer: 2
# intervals), or it stays up and still passes traffic (then "nmcli connection down"); either
# way nothing may be left once it is down, and the next "up" works once the device is back.
case_parent() {
	local name=$1 saved_conn=$conn saved_port=$srv_port mark t_fault
	shift
	settle_prev
	conn=$conn_c
	srv_port=$srv_c_port
	if up_after_case; then
		traffic_start 10.78.0.1 || tap_diag "$name: no ping answer before the fault"
		mark=$(signals_mark)
		t_fault=$(now)
		"$@"
		if guest_wait_for $((2 * hello + 10)) final_seen "$mark"; then
			RECORD_BOUND=$((2 * hello + 10)) record "$name" connected "$t_fault" "$mark"
		else
			# (the path survived: say so, then end it the ordinary way)
			local left
			tap_check "$name@connected: the VPN still active and passing traffic after $((2 * hello + 10)) s" \
				sh -c "nmcli -g GENERAL.STATE connection show $conn | grep -q activated && ping -c 2 -W 5 10.78.0.1"
			down "$conn"
			wait_nothing_left 20
			left=$(leftovers)
			rows+=("$name|connected|stays activated, traffic passes|(down by hand: $(reason_name "$(final_after "$mark" | awk '{ print $3 }')"))|-|${left:-none}|-")
			tap_is "$name@connected: nothing left after the down" "${left:-none}" none
			prev_case="$name@connected"
		fi
		traffic_stop
	else
		tap_not_ok "$name: up"
	fi
	# the device back as it was, for the next cases
	ip link set dummy0 up
	nmcli --wait 30 connection up primary >/dev/null 2>&1
	settle_prev
	conn=$saved_conn
	srv_port=$saved_port
}

addr_flush() {
	ip -4 addr flush dev dummy0
}

link_set_down() {
	ip link set dummy0 down
}

server_kill_restart() {
	kill -KILL "$srv_pid"
	wait "$srv_pid" 2>/dev/null
	start_srv a "$srv_port" 10.77.0.1 10.77.0.2 || tap_diag "the server did not start again on $srv_port"
	srv_pid=$LAST_SRV_PID
}

# ---------------------------------------------------------------------------------------------

nm_guest_setup
net_ns_baseline=$(net_namespaces)
start_srv a 0 10.77.0.1 10.77.0.2 || tap_bail_out "sstp-test-server does not listen"
srv_pid=$LAST_SRV_PID
srv_port=$LAST_SRV_PORT
profile "$conn" "$conn_uuid" "$srv_port"
tap_check "first up works" up "$conn"
tap_check "the VPN's DNS server is in NetworkManager's view while up (the DNS leftover check can see one)" \
	sh -c "nmcli -g IP4.DNS device show | grep -q '10\.77\.0\.1'"
tap_check "ping through the tunnel" ping -c 2 -W 5 10.77.0.1
down "$conn"
guest_wait_for 20 nothing_left
t0=$(now)
: >"$matrix"

# Cases that end before the VPN is up (server faults at each moment, "nmcli connection down"
# in each phase: the server holds the call there, silent) alternate with cases while it is up
# and passing traffic. A case's next "up" (which must work at once) is the following case's
# own "up" when that one needs the VPN up, else a plain up/down first.
early=()
for moment in tls http; do
	for kind in reset close; do early+=("case_server_early $kind $moment"); done
done
for moment in negotiation auth ipcp; do
	for kind in abort disconnect reset close; do early+=("case_server_early $kind $moment"); done
done
for moment in tls http negotiation auth ipcp; do early+=("case_down_during $moment"); done
connected=(
	"case_server_connected abort"
	"case_server_connected disconnect"
	"case_server_connected reset"
	"case_server_connected close"
	"case_server_connected silent"
	"case_client_connected kill-pppd kill_first nm_guest_client_pppd_pids"
	"case_client_connected kill-tunnel kill_first nm_guest_worker_pid"
	"case_client_connected kill-service kill_first service_pid"
	"WANT=restart case_client_connected restart-NM restart_nm"
	"case_client_connected link-down link_down"
	"case_client_connected server-killed server_restart"
	"WANT=user case_client_connected down down $conn"
)
# NM_FAULT_ONLY=REGEX: only the cases whose line matches (to run one case by hand, e.g. while
# proving that a check can fail); NM_FAULT_CYCLES=0 leaves out the cycles and two profiles.
only=${NM_FAULT_ONLY:-}
run_case() {
	[ -z "$only" ] || [[ $1 =~ $only ]] || return 0
	eval "$1"
}
# NM_FAULT_SET=phases (test-nm-faults-phases.sh): the process kills, NetworkManager's restart
# and the server's kill at moments before "connected", silence before it (one moment per timer
# of the worker: TLS, HTTP, negotiation), the device under the VPN losing its address or link.
phases=(
	"case_during kill-tunnel tls kill_first nm_guest_worker_pid"
	"case_during kill-tunnel negotiation kill_first nm_guest_worker_pid"
	"case_during kill-pppd auth kill_first nm_guest_client_pppd_pids"
	"case_during kill-pppd ipcp kill_first nm_guest_client_pppd_pids"
	"case_during kill-service http kill_first service_pid"
	"case_during kill-service auth kill_first service_pid"
	"RESTART_WATCH=1 WANT=restart case_during restart-NM auth restart_nm"
	"case_during server-killed tls server_kill_restart"
	"case_during server-killed auth server_kill_restart"
	"case_silent_early tls 40"
	"NM_TIMEOUT=90 case_silent_early http 70"
	"NM_TIMEOUT=90 case_silent_early negotiation 70"
	"case_parent addr-lost addr_flush"
	"case_parent link-down link_set_down"
)
if [ "$set" = phases ]; then
	start_srv c 0 10.78.0.1 10.78.0.2 192.0.2.1 --hello "$hello" || tap_bail_out "the server on dummy0's address does not listen"
	srv_c_pid=$LAST_SRV_PID
	srv_c_port=$LAST_SRV_PORT
	profile "$conn_c" 3b8f1d2e-6a4c-4e97-b1d0-8c5e2f7a9d14 "$srv_c_port" 192.0.2.1
	for c in "${phases[@]}"; do
		run_case "$c"
	done
else
	for i in "${!early[@]}"; do
		run_case "${early[$i]}"
		[ "$i" -ge "${#connected[@]}" ] || run_case "${connected[$i]}"
	done
fi
settle_prev

tap_diag "fault matrix: $(seconds_between "$t0" "$(now)") s"
{
	printf '| fault | moment | NM state | NM reason | detect (s) | leftovers | all gone by (s) | next up |\n'
	printf '|---|---|---|---|---|---|---|---|\n'
	for r in "${rows[@]}"; do
		IFS='|' read -r c m s rs d l g <<<"$r"
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$m" "$s" "$rs" "$d" "$l" "$g" "${next_up[$c@$m]:-?}"
	done
} >"$matrix"
for r in "${rows[@]}"; do
	IFS='|' read -r c m s rs d l g <<<"$r"
	tap_is "$c@$m: the next up of the same profile works at once" "${next_up[$c@$m]%% *}" yes
done

if [ "$cycles" = 0 ] || [ "$set" = phases ]; then
	guest_stop "$srv_pid" $srv_c_pid
	nm_guest_finish
	tap_finish
	exit
fi

# --- up/down cycles: the service's memory, descriptors and processes --------------------------
# NetworkManager (1.42 and 1.52 alike) starts a service per activation, on a bus name of its
# own, and it quits once the VPN is down (with --persist they would pile up, one per cycle:
# seen here). So the figures compared are those of the service of the 2nd and of the last
# activation, while up, and the guest's user-space processes once everything is down.
# User-space processes only (not kernel threads: children of kthreadd, PID 2), listed in FILE.
# User-space processes, without kernel threads and without udevd's workers: udevd forks one
# per device event and lets it linger a few seconds, so a ppp device that just went away can
# leave one behind at either count (seen: 13 before, 12 after, the difference a udev-worker).
# Nor NetworkManager's dispatcher: D-Bus starts it for a state change and it quits when idle
# (seen on Debian 13: 12 before, 11 after, the difference an nm-dispatcher).
user_processes() {
	ps -e -o pid=,ppid=,stat=,args= |
		awk '$1 != 2 && $2 != 2 && $4 != "(udev-worker)" && $4 !~ /nm-dispatcher$/' |
		grep -v ' ps -e -o ' >"$1"
	wc -l <"$1"
}

all_down() {
	nothing_left && nm_guest_no_service
}

t0=$(now)
up "$conn" && down "$conn"
up "$conn"
read -r pid0 rss0 fd0 <<<"$(service_figures)"
down "$conn"
guest_wait_for 60 all_down
procs0=$(user_processes "$UML_OUT/processes-before.txt")
ok=0
for i in $(seq "$cycles"); do
	up "$conn" && down "$conn" && ok=$((ok + 1))
done
up "$conn"
read -r pid1 rss1 fd1 <<<"$(service_figures)"
down "$conn"
guest_wait_for 60 all_down
procs1=$(user_processes "$UML_OUT/processes-after.txt")
tap_is "$cycles up/down cycles all worked" "$ok" "$cycles"
tap_diag "service of the 2nd activation (pid $pid0): RSS ${rss0} kB, ${fd0} fds; of the $((cycles + 3))th (pid $pid1): RSS ${rss1} kB, ${fd1} fds; guest user-space processes when all is down: ${procs0} before, ${procs1} after; $(seconds_between "$t0" "$(now)") s"
echo "service 2nd activation pid=$pid0 rss_kb=$rss0 fds=$fd0; activation $((cycles + 3)) pid=$pid1 rss_kb=$rss1 fds=$fd1; user-space processes when down: $procs0 -> $procs1; cycles=$cycles" >"$UML_OUT/cycles.txt"
tap_is "no descriptor growth in the service" "$fd1" "$fd0"
tap_is "no process growth (user space, all down)" "$procs1" "$procs0" ||
	diff <(awk '{ $1 = ""; $2 = ""; print }' "$UML_OUT/processes-before.txt" | sort) \
		<(awk '{ $1 = ""; $2 = ""; print }' "$UML_OUT/processes-after.txt" | sort) | head -5 |
		while IFS= read -r line; do tap_diag "$line"; done
# RSS moves by a page or two with GLib's allocator: growth means more than 256 kB.
tap_check "no memory growth in the service (RSS $rss0 -> $rss1 kB)" \
	sh -c "[ -n '$rss1' ] && [ '$rss1' -le $((${rss0:-0} + 256)) ]"
tap_is "nothing left after the cycles, no service" "$(leftovers)$(nm_guest_no_service || echo ' service')" ""

# --- two profiles at once, to two servers -----------------------------------------------------
start_srv b 0 10.78.0.1 10.78.0.2 || tap_bail_out "second sstp-test-server does not listen"
srv_b_pid=$LAST_SRV_PID
srv_b_port=$LAST_SRV_PORT
profile "$conn_b" 9d2e6b1a-3c47-4f80-a5d9-7e1b0c4f2a63 "$srv_b_port"
tap_check "two profiles: first up" up "$conn"
tap_check "two profiles: second up" up "$conn_b"
tap_is "two profiles: two ppp devices" "$(ip -o link show | grep -c ': ppp[0-9]')" 2
tap_check "two profiles: traffic through the first" ping -c 2 -W 5 10.77.0.1
tap_check "two profiles: traffic through the second" ping -c 2 -W 5 10.78.0.1
tap_check "two profiles: the first goes down alone" down "$conn"
tap_check "two profiles: the second still up and passing traffic" \
	sh -c "nmcli -g GENERAL.STATE connection show $conn_b | grep -q activated && ping -c 2 -W 5 10.78.0.1"
tap_is "two profiles: one ppp device left" "$(ip -o link show | grep -c ': ppp[0-9]')" 1
tap_check "two profiles: the first up again beside the second" up "$conn"
tap_check "two profiles: the second goes down alone" down "$conn_b"
tap_check "two profiles: the first still passes traffic" ping -c 2 -W 5 10.77.0.1
down "$conn"
tap_check "two profiles: nothing left" guest_wait_for 20 nothing_left

guest_stop "$srv_pid" "$srv_b_pid"
nm_guest_finish
tap_finish
