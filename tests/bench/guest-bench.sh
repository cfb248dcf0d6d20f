# shellcheck shell=bash
# tests/bench/guest-bench.sh - runs INSIDE the UML guest (see run-bench.sh). For each client
# in BENCH_CLIENTS, one after the other against the same server: connect, time the setup,
# move BENCH_BYTES through the tunnel with iperf3 (guest -> server, then server -> guest),
# read the CPU ticks of the client process and of its pppd around each transfer, read their
# peak RSS, disconnect. Everything measured goes as KEY=VALUE lines into
# $UML_OUT/raw-CLIENT-ROUND.txt; run-bench.sh turns them into the table. With BENCH_ROUNDS
# > 1 the clients take turns: sstpc, ours, sstpc, ours, ...
#
# Environment (from run-bench.sh):
#   BENCH_CLIENTS       e.g. "sstpc ours"
#   BENCH_ROUNDS        how many times each client is measured (default 1)
#   BENCH_SYSCALLS      when not empty: after the measured transfers, one more of this many
#                       bytes each way with "strace -c" on the client process (not measured)
#   BENCH_BYTES         iperf3 -n value (e.g. 100M; iperf3 reads M as MiB)
#   BENCH_MODE          softether | strict
#   BENCH_IPERF_ADDR    iperf3 server address, reachable only through the tunnel
#   BENCH_TUNNEL        path of nm-sstp-tunnel (build tree)
#   BENCH_PLUGIN        path of nm-sstp-pppd-plugin.so (build tree)
#   SSTP_SERVER, SSTP_PORT, SSTP_USER, SSTP_PASSWORD_FILE (0600, password on line 1),
#   SSTP_CA (softether) / SSTP_SERVER_BIN, SSTP_CERT, SSTP_KEY (strict: run in this guest)
#
# The password is never on a command line: sstpc runs in pppd's "pty" mode and pppd reads it
# from the guest's private 0600 /etc/ppp/chap-secrets (tmpfs); nm-sstp-tunnel reads it with
# --password-file from the 0600 file.

. "$UML_LIB_DIR/guest-lib.sh"

clk_tck=$(getconf CLK_TCK)
client_pid=
pppd_pid=
starter_pid=
server_pid=
iperf_pid=
strict_ns=bench-srv

now() {
	date +%s.%N
}

# "utime stime" of PID in clock ticks (fields 14 and 15 of /proc/PID/stat; the command name
# in field 2 may hold spaces, so count from the closing parenthesis). In UML, stime is the
# guest kernel's work for the process (its syscalls: TLS socket, pty), which is expensive.
cpu_ticks() {
	local stat f
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo "-1 -1"; return; }
	# after ") " the state is f[0] (field 3 of the line): utime is f[11], stime f[12]
	read -r -a f <<<"${stat##*) }"
	echo "${f[11]} ${f[12]}"
}

vm_hwm_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

# memory only this process holds (heap, stacks, written library data): Private_Dirty
private_dirty_kb() {
	awk '/^Private_Dirty:/ { print $2 }' "/proc/$1/smaps_rollup" 2>/dev/null
}

# "syscr syscw voluntary_ctxt_switches" of PID: read and write system calls (/proc/PID/io,
# counted by the kernel, no strace) and how often it slept (in poll(), for the worker)
io_calls() {
	local r w v
	r=$(awk '/^syscr:/ { print $2 }' "/proc/$1/io" 2>/dev/null)
	w=$(awk '/^syscw:/ { print $2 }' "/proc/$1/io" 2>/dev/null)
	v=$(awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
	echo "${r:--1} ${w:--1} ${v:--1}"
}

# busy and total jiffies of the whole guest (first line of /proc/stat)
guest_jiffies() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat
}

ppp0_bytes() {
	echo "$(cat /sys/class/net/ppp0/statistics/tx_bytes 2>/dev/null) $(cat /sys/class/net/ppp0/statistics/rx_bytes 2>/dev/null)"
}

# descendants of PID named NAME (pppd runs sstpc through "sh -c")
find_descendant() {
	local root=$1 name=$2 pid
	for pid in $(pgrep -x "$name"); do
		local p=$pid
		while [ -n "$p" ] && [ "$p" -gt 1 ]; do
			if [ "$p" = "$root" ]; then
				echo "$pid"
				return 0
			fi
			p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		done
	done
	return 1
}

# PPP options both clients get, so the two pppd instances negotiate the same link:
# MS-CHAPv2 only (SoftEther offers EAP first and then rejects pppd's fallback), no
# compression, no echo, MTU/MRU 1400 (nm-sstp-tunnel's default).
common_pppd_options="noauth refuse-eap refuse-pap refuse-chap refuse-mschap nodefaultroute noipdefault noipv6 nobsdcomp nodeflate lcp-echo-interval 0 mtu 1400 mru 1400"

start_sstpc() {
	local peer=sstp-bench ca_opt
	if [ "$BENCH_MODE" = strict ]; then
		ca_opt=--cert-warn
	else
		ca_opt="--ca-cert $SSTP_CA"
	fi
	cat >/etc/ppp/peers/$peer <<-EOF
	pty "sstpc --ipparam $peer --nolaunchpppd --log-level 1 --log-stderr $ca_opt $SSTP_SERVER:$SSTP_PORT 2>>$UML_OUT/sstpc.log"
	name $SSTP_USER
	remotename $peer
	ipparam $peer
	plugin sstp-pppd-plugin.so
	sstp-sock /var/run/sstpc/sstpc-$peer
	$common_pppd_options
	logfile $UML_OUT/pppd-sstpc.log
	EOF
	pppd call "$peer" nodetach >/dev/null 2>&1 &
	starter_pid=$!
	pppd_pid=$starter_pid
}

start_ours() {
	local ca_opt
	if [ "$BENCH_MODE" = strict ]; then
		ca_opt="--no-verify"
	else
		ca_opt="--ca-cert $SSTP_CA"
	fi
	# shellcheck disable=SC2086
	"$BENCH_TUNNEL" $ca_opt --user "$SSTP_USER" --password-file "$SSTP_PASSWORD_FILE" \
		--pppd-plugin "$BENCH_PLUGIN" "$SSTP_SERVER:$SSTP_PORT" -- \
		$common_pppd_options logfile "$UML_OUT/pppd-ours.log" \
		>>"$UML_OUT/ours.log" 2>&1 &
	starter_pid=$!
	client_pid=$starter_pid
}

# strict mode: a fresh sstp-test-server for each client (its pppd and the iperf3 server live
# in namespace $strict_ns, so the traffic really crosses the tunnel)
start_strict_server() {
	local name=$1
	rm -f "$UML_OUT/port"
	# shellcheck disable=SC2153 # SSTP_CERT and SSTP_KEY come from run-bench.sh
	"$SSTP_SERVER_BIN" --cert "$SSTP_CERT" --key "$SSTP_KEY" --user "$SSTP_USER" \
		--password-file "$SSTP_PASSWORD_FILE" --port 0 --port-file "$UML_OUT/port" \
		--log "$UML_OUT/server-$name.log" --loop --negotiation-timeout 30 \
		--mtu 1400 --netns "$strict_ns" &
	server_pid=$!
	guest_wait_for 20 test -s "$UML_OUT/port" || return 1
	SSTP_PORT=$(cat "$UML_OUT/port")
}

stop_strict_server() {
	[ -n "$server_pid" ] || return 0
	guest_stop "$server_pid"
	wait "$server_pid" 2>/dev/null
	server_pid=
}

stop_client() {
	guest_stop "$starter_pid"
	wait "$starter_pid" 2>/dev/null
	# pppd (sstpc case) or nm-sstp-tunnel stop their children; make sure.
	[ -z "$client_pid" ] || guest_stop "$client_pid"
	[ -z "$pppd_pid" ] || guest_stop "$pppd_pid"
	guest_wait_for 15 sh -c '! ip link show dev ppp0' || guest_log "ppp0 still there after stop"
	starter_pid='' client_pid='' pppd_pid=
}

# iperf3 NAME [-R]: one transfer; records ticks, ppp0 bytes and guest jiffies around it
transfer() {
	local name=$1 prefix=$2
	shift 2
	local c0 p0 c1 p1 b0 b1 j0 j1 t0 rc u0 s0 u1 s1 i0 i1 v0 v1
	c0=$(cpu_ticks "$client_pid") p0=$(cpu_ticks "$pppd_pid") i0=$(io_calls "$client_pid")
	b0=$(ppp0_bytes) j0=$(guest_jiffies)
	t0=$(now)
	timeout 600 iperf3 -c "$BENCH_IPERF_ADDR" -n "$BENCH_BYTES" --connect-timeout 10000 -J "$@" \
		>"$UML_OUT/iperf-$run-$prefix.json" 2>"$UML_OUT/iperf-$run-$prefix.err"
	rc=$?
	c1=$(cpu_ticks "$client_pid") p1=$(cpu_ticks "$pppd_pid") i1=$(io_calls "$client_pid")
	b1=$(ppp0_bytes) j1=$(guest_jiffies)
	{
		read -r u0 s0 v0 <<<"$i0"
		read -r u1 s1 v1 <<<"$i1"
		if [ "$u0" -ge 0 ] && [ "$u1" -ge 0 ]; then
			echo "${prefix}_client_syscr=$((u1 - u0))"
			echo "${prefix}_client_syscw=$((s1 - s0))"
			echo "${prefix}_client_sleeps=$((v1 - v0))"
		fi
		echo "${prefix}_iperf_rc=$rc"
		echo "${prefix}_wall_s=$(guest_elapsed_since "$t0" 2)"
		read -r u0 s0 <<<"$c0"
		read -r u1 s1 <<<"$c1"
		echo "${prefix}_client_utime_ticks=$((u1 - u0))"
		echo "${prefix}_client_stime_ticks=$((s1 - s0))"
		echo "${prefix}_client_ticks=$((u1 + s1 - u0 - s0))"
		read -r u0 s0 <<<"$p0"
		read -r u1 s1 <<<"$p1"
		echo "${prefix}_pppd_ticks=$((u1 + s1 - u0 - s0))"
		read -r u0 s0 <<<"$b0"
		read -r u1 s1 <<<"$b1"
		echo "${prefix}_ppp0_tx_bytes=$((u1 - u0))"
		echo "${prefix}_ppp0_rx_bytes=$((s1 - s0))"
		read -r u0 s0 <<<"$j0"
		read -r u1 s1 <<<"$j1"
		echo "${prefix}_guest_busy_jiffies=$((u1 - u0))"
		echo "${prefix}_guest_total_jiffies=$((s1 - s0))"
	} >>"$raw"
	[ "$rc" -eq 0 ]
}

# syscall_profile: one more transfer each way with strace -c attached to the client process
# (after the measured ones: strace slows everything down). Files syscalls-RUN-up/down.txt;
# raw gets the payload and the total number of calls.
syscall_profile() {
	local d opt spid f calls bytes
	for d in up down; do
		opt=
		[ "$d" = down ] && opt=-R
		f=$UML_OUT/syscalls-$run-$d.txt
		strace -c -f -p "$client_pid" -o "$f" 2>>"$UML_OUT/strace.err" &
		spid=$!
		sleep 1
		# shellcheck disable=SC2086
		timeout 600 iperf3 -c "$BENCH_IPERF_ADDR" -n "$BENCH_SYSCALLS" --connect-timeout 10000 -J $opt \
			>"$UML_OUT/iperf-$run-$d-strace.json" 2>/dev/null
		kill -INT "$spid" 2>/dev/null
		wait "$spid" 2>/dev/null
		# per-syscall lines: % seconds usecs/call calls [errors] name
		calls=$(awk '/^-/ { part++; next } part == 1 && NF >= 5 { n += $4 } END { print n + 0 }' "$f" 2>/dev/null)
		bytes=$(jq -r '.end.sum_received.bytes' "$UML_OUT/iperf-$run-$d-strace.json" 2>/dev/null)
		echo "${d}_strace_calls=$calls" >>"$raw"
		echo "${d}_strace_bytes=$bytes" >>"$raw"
	done
}

bench_client() {
	local name=$1 round=$2 t0 setup addr
	run=$name-$round
	raw=$UML_OUT/raw-$run.txt
	printf '%s\n' "client=$name" "round=$round" "clk_tck=$clk_tck" >"$raw"

	if [ "$BENCH_MODE" = strict ]; then
		if ! start_strict_server "$run"; then
			tap_not_ok "$run: sstp-test-server listens"
			tap_diag_file "$UML_OUT/server-$run.log" 20
			return 1
		fi
	fi

	# sstpc 1.0.18 sometimes stalls right after the HTTP exchange (see
	# tests/server/guest-sstpc-vs-server.sh): each client gets up to 4 attempts of 40 s; the
	# setup time is that of the attempt that worked, the attempts are counted.
	local attempt ok=
	for attempt in 1 2 3 4; do
		t0=$(now)
		"start_$name"
		if guest_wait_for 40 guest_ppp0_up; then
			ok=1
			break
		fi
		tap_diag "$run: attempt $attempt got no address on ppp0 within 40 s"
		stop_client
	done
	echo "attempts=$attempt" >>"$raw"
	if [ -z "$ok" ]; then
		tap_not_ok "$run: ppp0 gets an address"
		echo "error=no address on ppp0 in 4 attempts" >>"$raw"
		tap_diag_file "$UML_OUT/pppd-$name.log" 30
		tap_diag_file "$UML_OUT/$name.log" 30
		stop_strict_server
		return 1
	fi
	setup=$(guest_elapsed_since "$t0" 2)
	addr=$(guest_ppp0_ipv4)
	tap_ok "$run: ppp0 has $addr after $setup s (attempt $attempt)"
	echo "setup_s=$setup" >>"$raw"
	echo "ppp0_addr=$addr" >>"$raw"

	if [ "$name" = sstpc ]; then
		client_pid=$(find_descendant "$pppd_pid" sstpc)
	else
		pppd_pid=$(find_descendant "$client_pid" pppd)
	fi
	echo "client_pid=$client_pid pppd_pid=$pppd_pid" >>"$UML_OUT/pids.log"
	if [ -z "$client_pid" ] || [ -z "$pppd_pid" ]; then
		tap_not_ok "$run: found the client process and its pppd"
		echo "error=client or pppd process not found" >>"$raw"
		stop_client
		stop_strict_server
		return 1
	fi

	# The iperf3 server is only reachable through ppp0.
	[ "$BENCH_MODE" = strict ] || ip route replace "${BENCH_IPERF_ADDR%.*}.0/24" dev ppp0
	if ! guest_wait_for 30 ping -c 1 -W 2 -I ppp0 "$BENCH_IPERF_ADDR"; then
		tap_not_ok "$run: ping $BENCH_IPERF_ADDR through ppp0"
		echo "error=iperf3 server not reachable through ppp0" >>"$raw"
		stop_client
		stop_strict_server
		return 1
	fi
	ip route get "$BENCH_IPERF_ADDR" >>"$UML_OUT/route-$name.log" 2>&1
	# latency through the idle tunnel: average ping RTT (ms) to the iperf3 server
	ping -c 20 -i 0.2 -W 2 "$BENCH_IPERF_ADDR" >"$UML_OUT/ping-$run.log" 2>&1
	echo "ping_rtt_ms=$(sed -n 's|.*min/avg/max[^=]*= [0-9.]*/\([0-9.]*\)/.*|\1|p' "$UML_OUT/ping-$run.log")" >>"$raw"

	if transfer "$name" up; then
		tap_ok "$run: iperf3 guest -> server"
	else
		tap_not_ok "$run: iperf3 guest -> server"
		tap_diag_file "$UML_OUT/iperf-$run-up.err" 10
	fi
	if transfer "$name" down -R; then
		tap_ok "$run: iperf3 server -> guest"
	else
		tap_not_ok "$run: iperf3 server -> guest"
		tap_diag_file "$UML_OUT/iperf-$run-down.err" 10
	fi
	{
		echo "client_hwm_kb=$(vm_hwm_kb "$client_pid")"
		echo "client_private_dirty_kb=$(private_dirty_kb "$client_pid")"
		echo "pppd_hwm_kb=$(vm_hwm_kb "$pppd_pid")"
		echo "client_total_utime_stime_ticks=$(cpu_ticks "$client_pid")"
		echo "pppd_total_utime_stime_ticks=$(cpu_ticks "$pppd_pid")"
	} >>"$raw"
	# where the client's memory is (by mapping), for whoever compares it
	cat "/proc/$client_pid/smaps" >"$UML_OUT/smaps-$run.txt" 2>/dev/null || true
	[ -z "${BENCH_SYSCALLS:-}" ] || syscall_profile
	stop_client
	stop_strict_server
	return 0
}

tap_check "PPP kernel modules load" guest_modprobe ppp_generic ppp_async ppp_mppe
[ -z "${UML_GUEST_ADDR:-}" ] ||
	tap_check "vec0 has the guest address" guest_wait_for 10 ip -4 addr show dev vec0 to "${UML_GUEST_ADDR%/*}"

IFS= read -r password <"$SSTP_PASSWORD_FILE"
(
	umask 077
	printf '"%s" * "%s" *\n' "$SSTP_USER" "$password" >/etc/ppp/chap-secrets
)
unset password

if [ "$BENCH_MODE" = strict ]; then
	# The server's pppd gets 10.77.0.1 in this namespace; iperf3 waits there for it.
	ip netns add "$strict_ns" && ip -n "$strict_ns" link set lo up
	ip netns exec "$strict_ns" iperf3 -s >"$UML_OUT/iperf-server.log" 2>&1 &
	iperf_pid=$!
fi

for round in $(seq "${BENCH_ROUNDS:-1}"); do
	for c in $BENCH_CLIENTS; do
		bench_client "$c" "$round"
	done
done

[ -z "$iperf_pid" ] || guest_stop "$iperf_pid"
ip -d addr >"$UML_OUT/ip-addr.log" 2>&1
tap_finish
