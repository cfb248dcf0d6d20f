# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/lib/nm-faults-guest.sh - sourced INSIDE the UML guest by the fault matrices
# (test-nm-faults-guest.sh with the strict server, test-nm-faults-softether-guest.sh with
# SoftEther): timing, NetworkManager's final VPN signal, up/down, the next "up" after a case,
# and the service's figures. Each matrix defines its own leftovers_cheap and leftovers (what
# can stay behind differs by server), and sets conn, syslog or signals, next_up and prev_case.

now() {
	date +%s.%N
}

seconds_between() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

# "TIME STATE REASON" of the first failed/disconnected VpnStateChanged from time MARK on.
final_after() {
	awk -v mark="$1" '
		/member=VpnStateChanged/ { split($2, t, "="); at = t[2]; n = 0; next }
		$1 == "uint32" && at >= mark { v[n++] = $2; if (n == 2 && (v[0] == 6 || v[0] == 7)) { print at, v[0], v[1]; exit } }' \
		"$NM_GUEST_SIGNALS"
}

final_seen() {
	[ -n "$(final_after "$1")" ]
}

state_name() {
	case $1 in 5) echo activated ;; 6) echo failed ;; 7) echo disconnected ;; *) echo "state-$1" ;; esac
}

reason_name() {
	case $1 in
	0) echo unknown ;; 1) echo none ;; 2) echo user-disconnected ;; 3) echo device-disconnected ;;
	4) echo service-stopped ;; 5) echo ip-config-invalid ;; 6) echo connect-timeout ;;
	7) echo service-start-timeout ;; 8) echo service-start-failed ;; 9) echo no-secrets ;;
	10) echo login-failed ;; 11) echo connection-removed ;; *) echo "reason-$1" ;;
	esac
}

nothing_left() {
	[ -z "$(leftovers)" ]
}

# Wait up to SECONDS for nothing to be left; the log says what was left on the way.
wait_nothing_left() {
	local deadline=$(($(date +%s) + $1)) l last=
	while l=$(leftovers_cheap); [ -n "$l" ]; do
		[ "$l" = "$last" ] || guest_log "left for now: $l"
		last=$l
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

up() {
	timeout 90 nmcli --wait 60 connection up "$1" >>"$UML_OUT/nmcli.log" 2>&1
}

# (returns once NetworkManager's signal for it is recorded: the next case's mark is later)
down() {
	local m r
	m=$(now)
	timeout 60 nmcli --wait 40 connection down "$1" >>"$UML_OUT/nmcli.log" 2>&1
	r=$?
	guest_wait_for 10 final_seen "$m"
	return $r
}

# The next "up" after a case: it must work at once. Credits the previous case.
up_after_case() {
	local t0 ok=yes
	t0=$(now)
	guest_log "up after ${prev_case:-nothing}"
	up "$conn" || ok=no
	guest_log "up: $ok"
	[ -z "$prev_case" ] || next_up[$prev_case]="$ok ($(seconds_between "$t0" "$(now)") s)"
	prev_case=
	[ "$ok" = yes ]
}

# A case whose fault came with no following "up" of its own: prove the next one works.
settle_prev() {
	[ -n "$prev_case" ] || return 0
	up_after_case && down "$conn"
}

traffic_stop() {
	[ -z "${TRAFFIC_PID:-}" ] || kill "$TRAFFIC_PID" 2>/dev/null
	wait "$TRAFFIC_PID" 2>/dev/null
	TRAFFIC_PID=
}

service_pid() {
	pgrep -f "^$BUILDDIR/src/service/nm-sstp-service" | head -n 1
}

service_figures() {
	local pid
	pid=$(service_pid)
	[ -n "$pid" ] || { echo "- - -"; return; }
	echo "$pid $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status") $(ls "/proc/$pid/fd" | wc -l)"
}
