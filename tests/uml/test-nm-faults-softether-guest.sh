# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-faults-softether-guest.sh - runs INSIDE the UML guest (see
# test-nm-faults-softether.sh): the fault matrix against SoftEther, one case after the other.
# Environment: BUILDDIR, SRCDIR, SSTP_USER, SSTP_PASSWORD_FILE (nm-guest.sh), SSTP_SERVER
# (198.51.100.1), SSTP_CA, SSTP_GATEWAY (198.18.0.1), CTL (the host agent's request folder),
# NM_FAULT_CYCLES.
#
# Each case: NetworkManager's first final VpnStateChanged (state, reason) after the fault; the
# time from the fault (the host's clock for server faults, brought to the guest's; the guest's
# clock before a client-side kill or "down") to that signal (dbus-monitor's stamp); what is
# left once it settled; whether the next "nmcli connection up" works at once.

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"
. "$UML_LIB_DIR/nm-faults-guest.sh"

hello=5
cycles=${NM_FAULT_CYCLES:-10}
conn=sstp-se-faults
matrix=$UML_OUT/fault-matrix.txt
syslog=$UML_OUT/syslog.log
clock_offset=0
ctl_seq=0
declare -A next_up=()
rows=()
prev_case=

# ctl ACTION: the host agent does ACTION to SoftEther (disconnect, stop, cont, kill, start,
# sessions); sets CTL_T0 CTL_T1 (host clock, before and after, brought to the guest's clock),
# CTL_RC, CTL_INFO.
ctl() {
	ctl_send "$1" && ctl_wait "$1"
}

# (in two steps for a request that waits for something the guest does next: stop-at-PHASE)
ctl_send() {
	ctl_seq=$((ctl_seq + 1))
	echo "$ctl_seq $1" >"$CTL/req.tmp" && mv "$CTL/req.tmp" "$CTL/req"
	# the agent took it (it looks every 50 ms)
	guest_wait_for 10 grep -q " $ctl_seq $1\$" "$CTL/agent.log"
}

ctl_wait() {
	local line t0 t1
	guest_wait_for 90 test -s "$CTL/done-$ctl_seq" || { CTL_RC=timeout; return 1; }
	line=$(cat "$CTL/done-$ctl_seq")
	read -r t0 t1 CTL_RC CTL_INFO <<<"$line"
	CTL_T0=$(awk -v t="$t0" -v o="$clock_offset" 'BEGIN { printf "%.3f", t - o }')
	CTL_T1=$(awk -v t="$t1" -v o="$clock_offset" 'BEGIN { printf "%.3f", t - o }')
	guest_log "ctl $1: rc $CTL_RC, $CTL_INFO, host time $(seconds_between "$t0" "$t1") s"
	[ "$CTL_RC" = 0 ]
}

# The host's clock against the guest's: offset = host - guest. The agent stamps a request
# after the guest wrote it (it looks every 50 ms): host stamp - guest's write time is at least
# the true offset, the least of three is kept. A host time brought to the guest's clock with it
# is never later than the true one, so a time to detect is never too short.
ctl_clock() {
	local g0 o best=
	for _ in 1 2 3; do
		g0=$(now)
		ctl clock || return 1
		o=$(awk -v h="$CTL_T0" -v g="$g0" 'BEGIN { printf "%.3f", h - g }')
		best=$(awk -v a="${best:-$o}" -v b="$o" 'BEGIN { print (b < a ? b : a) }')
	done
	clock_offset=$best
	tap_diag "host clock - guest clock: at most $clock_offset s"
}

# What is left of a session: empty when nothing.
leftovers_cheap() {
	local l=
	nm_guest_no_worker || l="$l worker"
	nm_guest_no_client_pppd || l="$l pppd"
	nm_guest_no_ppp_device || l="$l ppp-device"
	# the tunnel's routes, and NetworkManager's host route to the server
	! ip route show table all 2>/dev/null | grep -Eq "dev ppp|198\\.18\\.0\\.|^${SSTP_SERVER//./\\.} " ||
		l="$l route"
	! ss -Htan state all "( dst $SSTP_SERVER and dport = :443 )" 2>/dev/null | grep -qv TIME-WAIT ||
		l="$l socket"
	echo "${l# }"
}

leftovers() {
	local l
	l=$(leftovers_cheap)
	! nmcli -g IP4.DNS device show 2>/dev/null | grep -q "${SSTP_GATEWAY//./\\.}" || l="$l dns"
	echo "${l# }"
}

syslog_mark() {
	wc -l <"$syslog"
}

# The service's and worker's words since syslog line MARK (why the tunnel ended).
said_since() {
	tail -n "+$(($1 + 1))" "$syslog" | grep -a 'nm-sstp-service\[' |
		grep -a -E 'error|failed|dead|nothing received|Call|Abort|closed|reset' | head -n 1 |
		sed 's/^<[0-9]*>[A-Z][a-z]* *[0-9]* [0-9:]* nm-sstp-service\[[0-9]*\]: //' | cut -c1-110
}

# record CASE MOMENT T_FAULT MARK SYSLOG_MARK [WANT: failure|user] [BOUND]
record() {
	local case=$1 moment=$2 t_fault=$3 mark=$4 smark=$5 want=${6:-failure} bound=${7:-$hello}
	local fin at st rs detect left sname rname said
	guest_wait_for 60 final_seen "$mark"
	fin=$(final_after "$mark")
	read -r at st rs <<<"${fin:-0 0 0}"
	sname=$(state_name "$st")
	rname=$(reason_name "$rs")
	detect="?"
	[ -z "$fin" ] || [ -z "$t_fault" ] || detect=$(seconds_between "$t_fault" "$at")
	wait_nothing_left 20
	left=$(leftovers)
	[ -z "$left" ] || tap_diag "$case@$moment: left: $left; $(ss -Htanp state all "( dst $SSTP_SERVER and dport = :443 )" | tr '\n' ';')"
	said=$(said_since "$smark")
	guest_log "$case@$moment: NetworkManager: $sname/$rname after $detect s; left: ${left:-none}; said: $said"
	rows+=("$case|$moment|$sname|$rname|$detect|${left:-none}|$said")
	if [ "$want" = user ]; then
		tap_is "$case@$moment: NetworkManager says disconnected by the user" "$sname/$rname" \
			disconnected/user-disconnected
	else
		tap_check "$case@$moment: NetworkManager ends the VPN as failed, not as a login failure or the user's doing (got $sname/$rname)" \
			sh -c "[ '$st' = 6 ] && [ '$rs' != 10 ] && [ '$rs' != 2 ]"
	fi
	tap_check "$case@$moment: NetworkManager saw it within $bound s ($detect s)" \
		awk -v d="$detect" -v b="$bound" 'BEGIN { exit !(d != "?" && d >= 0 && d <= b) }'
	tap_is "$case@$moment: nothing left (worker, pppd, ppp device, route, DNS, socket)" "${left:-none}" none
	prev_case="$case@$moment"
}

traffic_start() {
	stdbuf -oL ping -i 0.2 -W 1 "$SSTP_GATEWAY" >"$UML_OUT/traffic.log" 2>&1 &
	TRAFFIC_PID=$!
	guest_wait_for 10 grep -q 'bytes from' "$UML_OUT/traffic.log"
}

# Up, traffic, then the fault. CASE ACTION: a host action (ctl) or a guest command.
connected_up() {
	up_after_case || { tap_not_ok "$1@connected: up"; return 1; }
	traffic_start || tap_diag "$1@connected: no ping answer before the fault"
}

# SoftEther ends the session itself (vpncmd SessionDisconnect).
case_admin_disconnect() {
	local mark smark
	connected_up admin-disconnect || return
	smark=$(syslog_mark)
	mark=$(now)
	ctl disconnect || tap_diag "admin-disconnect: vpncmd SessionDisconnect failed ($CTL_RC: $CTL_INFO)"
	tap_diag "admin-disconnect: vpncmd SessionDisconnect $CTL_INFO took $(seconds_between "$CTL_T0" "$CTL_T1") s (the time to detect counts from its start)"
	record admin-disconnect connected "$CTL_T0" "$mark" "$smark"
	traffic_stop
}

# vpnserver SIGKILLed, then started again: the next up must work.
case_server_killed() {
	local mark smark
	connected_up server-killed || return
	smark=$(syslog_mark)
	mark=$(now)
	ctl kill || tap_diag "server-killed: kill failed"
	record server-killed connected "$CTL_T0" "$mark" "$smark"
	traffic_stop
	tap_check "server-killed: vpnserver starts again" ctl start
}

# vpnserver SIGSTOPped: the hello timer must see it within 2 intervals; then SIGCONT.
case_server_silent() {
	local mark smark n
	connected_up silent || return
	smark=$(syslog_mark)
	mark=$(now)
	ctl stop || tap_diag "silent: SIGSTOP failed"
	# (bound: 2 intervals from the stop, which is after the last packet, plus 3 s for the
	# signal to reach NetworkManager and dbus-monitor in a loaded guest)
	record silent connected "$CTL_T0" "$mark" "$smark" failure $((2 * hello + 3))
	traffic_stop
	n=$(tail -n "+$((smark + 1))" "$syslog" | grep -a -o 'nothing received for [0-9]* s' | head -n 1 | grep -o '[0-9][0-9]*')
	tap_check "silent: the worker says what it saw: nothing received for ${n:-?} s, at most 2 intervals ($((2 * hello)) s)" \
		sh -c "[ -n '$n' ] && [ '$n' -le $((2 * hello)) ]"
	tap_check "silent: vpnserver continues (SIGCONT)" ctl cont
}

# A client-side process killed while connected. CASE COMMAND...
case_client_kill() {
	local name=$1 mark smark t_fault pid
	shift
	connected_up "$name" || return
	smark=$(syslog_mark)
	mark=$(now)
	pid=$("$@" | head -n 1)
	t_fault=$(now)
	[ -n "$pid" ] && kill -KILL "$pid"
	record "$name" connected "$t_fault" "$mark" "$smark"
	traffic_stop
}

# "nmcli connection down" during the handshake. HOW: tls (SoftEther stopped, the worker held
# in TLS), or a phase the service logs ("tunnel phase: P") plus a delay.
case_down_during() {
	local how=$1 phase delay=0 mark smark t_fault up_pid at
	settle_prev
	# (the previous session's connection closes before SoftEther may be stopped)
	wait_nothing_left 20
	smark=$(syslog_mark)
	mark=$(now)
	case $how in
	tls) phase=tls; ctl stop || tap_diag "down@tls: SIGSTOP failed" ;;
	*-held) phase=${how%-held}; ctl_send "stop-at-$phase" ;;
	*+*) phase=${how%+*}; delay=${how#*+} ;;
	*) phase=$how ;;
	esac
	timeout 90 nmcli --wait 60 connection up "$conn" >>"$UML_OUT/nmcli.log" 2>&1 &
	up_pid=$!
	guest_wait_for 30 sh -c "tail -n +$((smark + 1)) '$syslog' | grep -aq 'tunnel phase: $phase\$'" ||
		tap_diag "down@$how: the service never logged phase $phase"
	sleep "$delay"
	# (held: SoftEther stopped by the agent as soon as the phase began: it answers nothing more)
	case $how in *-held) ctl_wait "stop-at-$phase" || tap_diag "down@$how: SIGSTOP failed" ;; esac
	if [ "$how" = tls ]; then
		# the TCP connection is made (the kernel accepts for the stopped server)
		guest_wait_for 10 sh -c "ss -Htn state established '( dst $SSTP_SERVER and dport = :443 )' | grep -q ."
	fi
	at=$(tail -n "+$((smark + 1))" "$syslog" | grep -a -o 'tunnel phase: [a-z]*' | tail -n 1)
	t_fault=$(now)
	down "$conn"
	wait "$up_pid"
	record down "$how (${at#tunnel phase: })" "$t_fault" "$mark" "$smark" user
	case $how in tls | *-held) tap_check "down@$how: vpnserver continues (SIGCONT)" ctl cont ;; esac
}

# ---------------------------------------------------------------------------------------------

t_all=$(now)
tap_check "vec0 has the guest address" \
	guest_wait_for 10 ip -4 addr show dev vec0 to "${UML_GUEST_ADDR%/*}"
nm_guest_setup vec0 "$SSTP_SERVER"
ctl_clock || tap_not_ok "the host agent answers"
# Hello 5 s (the minimum) keeps the silent case short. EAP refused: SoftEther takes EAP only
# for certificates (test-nm-softether.sh covers the service's retry without it).
nm_guest_write_vpn_profile "$conn" 3b8f1d2c-6e4a-4f5b-9c7d-1a2b3c4d5e6f "$SSTP_PASSWORD_FILE" ignore \
	"gateway=$SSTP_SERVER" "ca-cert=$SSTP_CA" "hello-interval=$hello" "refuse-eap=yes"
tap_check "first up works" up "$conn"
tap_check "the VPN's DNS server is in NetworkManager's view while up (the DNS leftover check can see one)" \
	sh -c "nmcli -g IP4.DNS device show | grep -q '${SSTP_GATEWAY//./\\.}'"
tap_diag "routes while up: $(ip route show table all | grep -E "dev ppp|^${SSTP_SERVER//./\\.} " | tr '\n' ';')"
tap_check "ping through the tunnel" ping -c 2 -W 5 "$SSTP_GATEWAY"
down "$conn"
tap_check "nothing left after the first down" guest_wait_for 20 nothing_left
t0=$(now)

# Cases that end before the VPN is up alternate with cases while it is up: a case's next "up"
# (which must work at once) is then the following case's own. NM_FAULT_ONLY=REGEX: only the
# matching cases.
run_case() {
	[ -z "${NM_FAULT_ONLY:-}" ] || [[ $* =~ $NM_FAULT_ONLY ]] || return 0
	"$@"
}
run_case case_admin_disconnect
run_case case_down_during tls
run_case case_server_killed
run_case case_down_during ppp
run_case case_server_silent
run_case case_client_kill kill-pppd nm_guest_client_pppd_pids
run_case case_down_during ppp-held
run_case case_client_kill kill-tunnel nm_guest_worker_pid
settle_prev

tap_diag "fault matrix: $(seconds_between "$t0" "$(now)") s"
{
	printf '| fault | moment | NM state | NM reason | detect (s) | leftovers | next up | the service said |\n'
	printf '|---|---|---|---|---|---|---|---|\n'
	for r in "${rows[@]}"; do
		IFS='|' read -r c m s rs d l said <<<"$r"
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$c" "$m" "$s" "$rs" "$d" "$l" "${next_up[$c@$m]:-?}" "$said"
	done
} >"$matrix"
for r in "${rows[@]}"; do
	IFS='|' read -r c m _ <<<"$r"
	tap_is "$c@$m: the next up of the same profile works at once" "${next_up[$c@$m]%% *}" yes
done

if [ "$cycles" = 0 ]; then
	nm_guest_finish
	tap_finish
	exit
fi

# --- up/down cycles: the service's memory and descriptors -------------------------------------
# NetworkManager starts a service per activation (see test-nm-faults-guest.sh): compared are the
# service of the 2nd activation and that of the last, while up.
t0=$(now)
up "$conn" && down "$conn"
up "$conn"
read -r pid0 rss0 fd0 <<<"$(service_figures)"
down "$conn"
ok=0
for _ in $(seq "$cycles"); do
	up "$conn" && down "$conn" && ok=$((ok + 1))
done
up "$conn"
read -r pid1 rss1 fd1 <<<"$(service_figures)"
down "$conn"
tap_is "$cycles up/down cycles all worked" "$ok" "$cycles"
echo "service 2nd activation pid=$pid0 rss_kb=$rss0 fds=$fd0; activation $((cycles + 3)) pid=$pid1 rss_kb=$rss1 fds=$fd1; cycles=$cycles, $(seconds_between "$t0" "$(now)") s" >"$UML_OUT/cycles.txt"
tap_diag "$(cat "$UML_OUT/cycles.txt")"
tap_is "no descriptor growth in the service" "$fd1" "$fd0"
# RSS moves by a page or two with GLib's allocator: growth means more than 256 kB.
tap_check "no memory growth in the service (RSS $rss0 -> $rss1 kB)" \
	sh -c "[ -n '$rss1' ] && [ '$rss1' -le $((${rss0:-0} + 256)) ]"
guest_wait_for 30 nm_guest_no_service
# (a graceful close of the last session takes a round trip with SoftEther)
wait_nothing_left 20 || tap_diag "left: $(ss -Htan state all "( dst $SSTP_SERVER and dport = :443 )" | tr '\n' ';')"
tap_is "nothing left after the cycles, no service" "$(leftovers)$(nm_guest_no_service || echo ' service')" ""

tap_diag "guest script: $(seconds_between "$t_all" "$(now)") s"
nm_guest_finish
tap_finish
