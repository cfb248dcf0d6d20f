#!/bin/bash
# tests/bench/run-bench.sh - tunnel benchmark: Debian's sstpc and our nm-sstp-tunnel, one after
# the other in the same User-Mode-Linux guest against the same SSTP server, side by side:
# iperf3 throughput both ways through the tunnel, CPU seconds of the client process (and of
# its pppd) per 100 MB moved, setup time (process start -> address on ppp0) and peak RSS.
# Not a test (not in make check): a measurement to rerun by hand. Needs root.
#
# Usage (from a build tree, or with --builddir):
#   tests/bench/run-bench.sh [--bytes 100M] [--server softether|strict] [--clients "sstpc ours"]
#                            [--rounds N] [--syscalls BYTES] [--builddir DIR] [--out DIR]
#                            [--timeout SECONDS]
#   tests/bench/run-bench.sh --report OUT    (the table again from an earlier run's OUT)
#
#   --bytes N      iperf3 -n for each direction (K/M/G = KiB/MiB/GiB, iperf3's units); 100M
#   --server       softether (default): SoftEther VPN Server on the host side of a private
#                  network namespace; the iperf3 server sits behind a local bridge of its hub
#                  (a tap in that namespace holding 198.18.0.2), so it is reachable from the
#                  guest only through the tunnel.
#                  strict: the project's sstp-test-server inside the guest on 127.0.0.1, its
#                  pppd and the iperf3 server in a guest namespace (10.77.0.1). Server, client
#                  and iperf3 then share the guest's one CPU.
#   --clients      which clients, in this order (default "sstpc ours")
#   --rounds N     measure each client N times, taking turns (default 1); cells then show
#                  the median and the range
#   --syscalls N   after the measured transfers, one more of N bytes each way with strace -c
#                  on the client process: system calls per MB (not part of the other figures)
#   --builddir     build tree with src/tunnel/nm-sstp-tunnel (default $top_builddir, else .)
#   --out          output folder (default BUILDDIR/tests/bench/logs/run-bench)
#
# Output: a table on stdout, the same in OUT/results.txt, raw figures in OUT/raw.txt (one
# CLIENT.ROUND.KEY=VALUE line per counter and figure), iperf3 JSON and all logs in OUT.
# Exit status: that of the guest script (0 when every step of every run worked).
#
# Inside UML the CPU is slow and shared with the server and the host's other work: the
# figures compare the clients with each other, nothing more.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
uml=$here/../uml
. "$uml/lib/tap.sh"
. "$uml/lib/uml.sh"
. "$uml/lib/softether.sh"

bytes=100M
server=softether
clients="sstpc ours"
rounds=1
syscalls=
report=
builddir=${top_builddir:-.}
out=
limit=1200

usage() {
	sed -n '2,/^[^#]/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
	exit "${1:-2}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--bytes) bytes=${2:-}; shift 2 ;;
	--server) server=${2:-}; shift 2 ;;
	--clients) clients=${2:-}; shift 2 ;;
	--rounds) rounds=${2:-}; shift 2 ;;
	--syscalls) syscalls=${2:-}; shift 2 ;;
	--builddir) builddir=${2:-}; shift 2 ;;
	--out) out=${2:-}; shift 2 ;;
	--timeout) limit=${2:-}; shift 2 ;;
	--report) report=${2:-}; shift 2 ;;
	-h | --help) usage 0 ;;
	*) echo "run-bench.sh: unknown argument: $1" >&2; usage ;;
	esac
done

die() {
	echo "run-bench.sh: $*" >&2
	exit 1
}

case $bytes in
[1-9]*[0-9KMG] | [1-9]) case ${bytes%[KMG]} in *[!0-9]*) die "--bytes: a number with an optional K, M or G" ;; esac ;;
*) die "--bytes: a number with an optional K, M or G (e.g. 100M)" ;;
esac
case $syscalls in
'' | [1-9]*[0-9KMG] | [1-9]) case ${syscalls%[KMG]} in *[!0-9]*) die "--syscalls: a number with an optional K, M or G" ;; esac ;;
*) die "--syscalls: a number with an optional K, M or G (e.g. 10M)" ;;
esac
[ -z "$syscalls" ] || command -v strace >/dev/null || die "--syscalls needs strace (apt-get install strace)"
case $server in
softether | strict) ;;
*) die "--server: softether or strict" ;;
esac
for c in $clients; do
	case $c in
	sstpc | ours) ;;
	*) die "--clients: words sstpc and ours" ;;
	esac
done
case $limit in '' | *[!0-9]*) die "--timeout: whole seconds" ;; esac
case $rounds in '' | *[!0-9]* | 0) die "--rounds: a whole number > 0" ;; esac

# bench_run: prepare the server, boot the guest, run the clients; sets out and rc
bench_run() {
	builddir=$(cd "$builddir" 2>/dev/null && pwd) || die "no build tree at $builddir"
	tunnel=$builddir/src/tunnel/nm-sstp-tunnel
	plugin=$builddir/src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so
	test_server=$builddir/tests/server/sstp-test-server
	for c in $clients; do
		if [ "$c" = ours ]; then
			[ -x "$tunnel" ] || die "$tunnel is not built (make in $builddir, or --clients sstpc)"
			[ -r "$plugin" ] || die "$plugin is not built"
		else
			command -v sstpc >/dev/null || die "sstpc missing (apt-get install sstp-client)"
		fi
	done
	command -v iperf3 >/dev/null || die "iperf3 missing (apt-get install iperf3)"
	command -v jq >/dev/null || die "jq missing (apt-get install jq)"
	reason=$(uml_skip_reason)
	[ -z "$reason" ] || die "cannot run User-Mode Linux here: $reason"
	if [ "$server" = softether ]; then
		reason=$(softether_skip_reason)
		[ -z "$reason" ] || die "cannot run SoftEther: $reason"
	else
		[ -x "$test_server" ] || die "$test_server is not built"
	fi

	[ -n "$out" ] || out=$builddir/tests/bench/logs/run-bench
	case $out in /*) ;; *) out=$PWD/$out ;; esac
	rm -rf "$out" || die "cannot remove the old $out"
	mkdir -p "$(dirname "$out")" || die "cannot create $(dirname "$out")"
	mkdir -m 0700 "$out" || die "cannot create $out"
	started=$(date -u +%Y-%m-%dT%H:%MZ)
	printf '%s=%q\n' clients "$clients" rounds "$rounds" bytes "$bytes" server "$server" \
		syscalls "$syscalls" started "$started" >"$out/run.conf"
	export top_builddir=$builddir   # uml-run.sh finds the built ptrace shim there

	# A fresh random password, in a 0600 file only.
	uml_random_password "$out/password"
	user=bench

	guest_env=()
	ns=sstp-bench-$$
	tap=umltap0
	uml_netns_create "$ns" "$tap" "$UML_HOST_ADDR/$UML_PREFIX_LEN" || die "cannot create namespace $ns"

	if [ "$server" = softether ]; then
		se=$out/softether
		iperf_addr=198.18.0.2
		echo "starting SoftEther in namespace $ns ..." >&2
		softether_prepare "$se" || die "cannot prepare the patched vpnserver copy"
		softether_start "$ns" "$se" || die "vpnserver did not start (see $se/vpnserver.log)"
		softether_setup_sstp "$ns" "$se" "$user" "$out/password" || die "vpncmd setup failed (see $se/vpncmd.log)"
		# A local bridge from hub DEFAULT to a new tap "tap_bench" in the namespace (tap mode:
		# frames SoftEther writes arrive as ordinary received packets, and the tap hands it
		# plain frames, no offloads). The iperf3 server listens on its address in the tunnel's
		# subnet; the namespace has no other route to it, and the guest reaches it via ppp0.
		# The hub's packet log (every TCP connection, DHCP) only costs the server time here.
		printf '%s\n' "BridgeCreate DEFAULT /DEVICE:bench /TAP:yes" "Hub DEFAULT" "LogDisable packet" >"$se/bridge.cmd"
		softether_vpncmd "$ns" "$se" "$se/bridge.cmd" || die "BridgeCreate failed (see $se/vpncmd.log)"
		for _ in $(seq 50); do
			ip -n "$ns" link show tap_bench >/dev/null 2>&1 && break
			sleep 0.2
		done
		ip -n "$ns" addr add "$iperf_addr/24" dev tap_bench || die "no tap_bench in $ns (see $se/vpnserver.log)"
		ip -n "$ns" link set tap_bench up || die "cannot bring tap_bench up"
		ip netns exec "$ns" iperf3 -s -B "$iperf_addr" >"$out/iperf-server.log" 2>&1 &
		iperf_pid=$!
		uml_cleanup_push kill -TERM "$iperf_pid"
		guest_env=(SSTP_SERVER="$UML_HOST_ADDR" SSTP_PORT=443 SSTP_CA="$se/pki/ca.pem")
	else
		iperf_addr=10.77.0.1
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-subj /CN=sstp.test -days 2 -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null ||
			die "cannot make a test certificate"
		guest_env=(SSTP_SERVER=127.0.0.1 SSTP_PORT=0 SSTP_SERVER_BIN="$test_server"
			SSTP_CERT="$out/cert.pem" SSTP_KEY="$out/key.pem")
	fi

	echo "running the guest (clients: $clients; $bytes each way) ..." >&2
	uml_run --netns "$ns" --tap "$tap" --guest-addr "$UML_GUEST_ADDR/$UML_PREFIX_LEN" --timeout "$limit" \
		"$out" "$here/guest-bench.sh" \
		BENCH_CLIENTS="$clients" BENCH_ROUNDS="$rounds" BENCH_SYSCALLS="$syscalls" BENCH_BYTES="$bytes" BENCH_MODE="$server" \
		BENCH_IPERF_ADDR="$iperf_addr" BENCH_TUNNEL="$tunnel" BENCH_PLUGIN="$plugin" \
		SSTP_USER="$user" SSTP_PASSWORD_FILE="$out/password" "${guest_env[@]}"
	rc=$?
	[ "$rc" -eq 0 ] || echo "run-bench.sh: guest script ended with status $rc (see $out/guest.log, $out/guest.tap)" >&2
}

if [ -n "$report" ]; then
	# only the table again, from an earlier run's folder
	out=$(cd "$report" 2>/dev/null && pwd) || die "no folder $report"
	[ -r "$out/run.conf" ] || die "$out/run.conf missing: not a run-bench.sh output folder"
	. "$out/run.conf"
	rc=$(cat "$out/status" 2>/dev/null || echo 125)
else
	bench_run
fi

# ---- results ---------------------------------------------------------------------------

# value FILE KEY: the value of KEY=... in FILE (empty when missing)
value() {
	sed -n "s/^$2=//p" "$1" 2>/dev/null | tail -n 1
}

# iperf_mbits FILE: receiver's bits per second / 1e6; iperf_bytes FILE: bytes the receiver
# got. Not the sender's count: the sender stops at --bytes written into its socket, and
# what is still in its send buffer then has not crossed the tunnel while CPU was counted.
iperf_mbits() {
	jq -r '.end.sum_received.bits_per_second / 1e6 | . * 10 | round / 10' "$1" 2>/dev/null
}
iperf_bytes() {
	jq -r '.end.sum_received.bytes' "$1" 2>/dev/null
}

# per100 TICKS BYTES CLK_TCK: CPU seconds per 100 MB (10^8 bytes)
per100() {
	awk -v t="$1" -v b="$2" -v hz="$3" 'BEGIN {
		if (t == "" || b == "" || b == "null" || b <= 0 || t < 0) exit
		printf "%.2f", t / hz / b * 1e8 }'
}

# figures ROUND_FILE IPERF_PREFIX: one KEY=VALUE line per figure of one client run
figures() {
	local r=$1 jp=$2 hz d b pb k
	hz=$(value "$r" clk_tck)
	echo "setup=$(value "$r" setup_s)"
	echo "attempts=$(value "$r" attempts)"
	for d in up down; do
		[ "$(value "$r" "${d}_iperf_rc")" = 0 ] || continue
		b=$(iperf_bytes "$jp-$d.json")
		echo "$d.bytes=$b"
		echo "$d.mbit=$(iperf_mbits "$jp-$d.json")"
		echo "$d.cpu=$(per100 "$(value "$r" "${d}_client_ticks")" "$b" "$hz")"
		echo "$d.user=$(per100 "$(value "$r" "${d}_client_utime_ticks")" "$b" "$hz")"
		echo "$d.sys=$(per100 "$(value "$r" "${d}_client_stime_ticks")" "$b" "$hz")"
		echo "$d.pppd=$(per100 "$(value "$r" "${d}_pppd_ticks")" "$b" "$hz")"
		echo "$d.both=$(per100 "$(awk -v a="$(value "$r" "${d}_client_ticks")" \
			-v c="$(value "$r" "${d}_pppd_ticks")" 'BEGIN { if (a != "" && c != "") print a + c }')" "$b" "$hz")"
		echo "$d.busy=$(awk -v a="$(value "$r" "${d}_guest_busy_jiffies")" -v t="$(value "$r" "${d}_guest_total_jiffies")" \
			'BEGIN { if (t > 0) printf "%.0f", 100 * a / t }')"
		for k in syscr syscw sleeps; do
			awk -v c="$(value "$r" "${d}_client_$k")" -v b="$b" -v k="$d.$k" \
				'BEGIN { if (c != "" && b > 0) printf "%s=%.0f\n", k, c / b * 1e6 }'
		done
		# the transfer really crossed ppp0: its counter in the sending direction >= payload
		if [ "$d" = up ]; then k=tx; else k=rx; fi
		pb=$(value "$r" "${d}_ppp0_${k}_bytes")
		if [ -n "$b" ] && [ "$b" != null ] && [ -n "$pb" ] && [ "$pb" -ge "$b" ]; then
			echo "$d.ppp0=1"
		else
			echo "$d.ppp0=0"
		fi
	done
	for d in up down; do
		awk -v c="$(value "$r" "${d}_strace_calls")" -v b="$(value "$r" "${d}_strace_bytes")" \
			'BEGIN { if (c > 0 && b > 0) printf "'"$d"'.calls=%.0f\n", c / b * 1e6 }'
	done
	echo "hwm=$(value "$r" client_hwm_kb)"
	echo "pd=$(value "$r" client_private_dirty_kb)"
	echo "rtt=$(value "$r" ping_rtt_ms)"
	echo "pppd_hwm=$(value "$r" pppd_hwm_kb)"
}

# All figures of all runs: raw.txt has "CLIENT.ROUND.KEY=VALUE" lines (the guest's counters
# and the figures made from them).
raw=$out/raw.txt
: >"$raw"
for c in $clients; do
	for r in "$out"/raw-"$c"-*.txt; do
		[ -r "$r" ] || continue
		n=$(value "$r" round)
		sed "s/^/$c.$n./" "$r" >>"$raw"
		figures "$r" "$out/iperf-$c-$n" | sed "s/^/$c.$n./" >>"$raw"
	done
done
rounds_done() {
	sed -n "s/^$1\.\([0-9]*\)\.client=.*/\1/p" "$raw" | sort -un | wc -l
}

# cell CLIENT KEY [median]: the median over the rounds, with min-max when there are
# several (only the median with a third word); "-" when there is none
cell() {
	sed -n "s/^$1\.[0-9]*\.$2=//p" "$raw" | grep -E '^[0-9.]+$' | sort -g | awk -v only="${3:-}" '
		function fmt(x) { return (x == int(x)) ? sprintf("%d", x) : sprintf("%.2f", x) }
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "-"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			s = fmt(m)
			if (NR > 1 && only == "") s = s " (" fmt(v[1]) "-" fmt(v[NR]) ")"
			print s
		}'
}

label() {
	case $1 in
	sstpc) echo "sstpc" ;;
	ours) echo "nm-sstp-tunnel" ;;
	esac
}

{
	echo "SSTP tunnel benchmark - server: $server, $bytes each way (iperf3 TCP), $rounds round(s), ${started:-}"
	echo "In User-Mode Linux: one slow CPU shared by the client, pppd, iperf3$([ "$server" = strict ] && echo ", the server") and the kernel."
	echo "The figures compare the clients with each other, nothing more."
	[ "$rounds" -eq 1 ] || echo "Cells: median over the rounds (min-max)."
	echo
	printf '%-42s' ""
	for c in $clients; do printf '%24s' "$(label "$c")"; done
	echo
	row() {
		local title=$1 key=$2 c
		printf '%-42s' "$title"
		for c in $clients; do printf '%24s' "$(cell "$c" "$key")"; done
		echo
	}
	row "setup: start -> address on ppp0 (s)" setup
	row "connect attempts (sstpc may stall)" attempts
	row "throughput guest -> server (Mbit/s)" up.mbit
	row "throughput server -> guest (Mbit/s)" down.mbit
	row "client CPU s per 100 MB, up" up.cpu
	row "client CPU s per 100 MB, down" down.cpu
	row "  user / kernel time, up" up.user
	row "" up.sys
	row "  user / kernel time, down" down.user
	row "" down.sys
	row "its pppd CPU s per 100 MB, up" up.pppd
	row "its pppd CPU s per 100 MB, down" down.pppd
	row "client + pppd CPU s per 100 MB, up" up.both
	row "client + pppd CPU s per 100 MB, down" down.both
	row "guest CPU busy during transfer %, up" up.busy
	row "guest CPU busy during transfer %, down" down.busy
	if [ -n "$syscalls" ]; then
		row "client read / write calls per MB (/proc/PID/io), up" up.syscr
		row "" up.syscw
		row "client read / write calls per MB (/proc/PID/io), down" down.syscr
		row "" down.syscw
		row "client sleeps (voluntary context switches) per MB, up" up.sleeps
		row "client sleeps (voluntary context switches) per MB, down" down.sleeps
		row "client system calls per MB (strace), up" up.calls
		row "client system calls per MB (strace), down" down.calls
	fi
	row "client peak RSS (VmHWM, KiB)" hwm
	row "client private dirty memory (KiB)" pd
	row "ping RTT through the idle tunnel (ms)" rtt
	row "its pppd peak RSS (VmHWM, KiB)" pppd_hwm
	echo
	echo "client CPU = utime+stime of the tunnel process alone (sstpc; nm-sstp-tunnel), pppd"
	echo "excluded; the pppd rows are the pppd each client runs (the kernel's ppp_async does the"
	echo "framing on the pty, so pppd itself sees control packets only). up = guest -> server."
	echo "100 MB = 10^8 bytes of iperf3 payload received. UML splits user and kernel time its own"
	echo "way: compare the sums. Setup: from starting pppd (sstpc runs under pppd's pty option)"
	echo "or nm-sstp-tunnel until ppp0 has an IPv4 address. Peak RSS: at the end of the run."
	if [ -n "$syscalls" ]; then
		echo
		echo "System calls per MB (10^6 bytes received): strace -c on the client process during one"
		echo "more transfer of $syscalls each way after the measured ones (round 1; errors in brackets):"
		for c in $clients; do
			for d in up down; do
				f=$out/syscalls-$c-1-$d.txt
				b=$(value "$out/raw-$c-1.txt" "${d}_strace_bytes")
				if [ ! -r "$f" ] || [ -z "$b" ] || [ "$b" = null ]; then
					continue
				fi
				printf '  %-15s %-5s' "$(label "$c")" "$d"
				awk -v b="$b" '/^-/ { part++; next }
					part == 1 && NF >= 5 && $4 / b * 1e6 >= 0.5 {
						e = (NF >= 6) ? sprintf(" (%.0f)", $5 / b * 1e6) : ""
						printf "%d %s %.0f%s\n", $4, $NF, $4 / b * 1e6, e
					}' "$f" | sort -rn | cut -d' ' -f2- | tr '\n' ' '
				echo
			done
		done
	fi
	echo
	for c in $clients; do
		n=$(rounds_done "$c")
		bad=$(grep -c "^$c\.[0-9]*\.\(up\|down\)\.ppp0=0" "$raw")
		fails=$(sed -n "s/^$c\.\([0-9]*\)\.error=/round \1: /p" "$raw")
		iperf_fails=$(grep -c "^$c\.[0-9]*\.\(up\|down\)_iperf_rc=[^0]" "$raw")
		printf '%s: %d of %d round(s) measured' "$(label "$c")" \
			"$(grep -c "^$c\.[0-9]*\.setup_s=" "$raw")" "$rounds"
		[ "$n" -eq "$rounds" ] || printf ' (%d started)' "$n"
		[ "$bad" -eq 0 ] && printf '; every transfer crossed ppp0 (its counters >= payload)' ||
			printf '; %d transfer(s) NOT seen on ppp0' "$bad"
		[ "$iperf_fails" -eq 0 ] || printf '; %d iperf3 run(s) FAILED' "$iperf_fails"
		echo
		[ -z "$fails" ] || printf '  FAILED %s\n' "$fails"
		if [ "$server" = strict ]; then
			# the strict server checks the crypto binding and counts what its pty dropped
			printf '  sstp-test-server: binding verified in %d of %d call(s); its pty overflow drops: %s\n' \
				"$(cat "$out"/server-"$c"-*.log 2>/dev/null | grep -c '^binding verified')" \
				"$(cat "$out"/server-"$c"-*.log 2>/dev/null | grep -c '^call ended')" \
				"$(cat "$out"/server-"$c"-*.log 2>/dev/null | sed -n 's/^summary.*pty_overflow_drops=\([0-9]*\).*/\1/p' | tr '\n' ' ')"
		fi
	done
	if [ "$(cell sstpc up.cpu m)" != - ] && [ "$(cell ours up.cpu m)" != - ] &&
		[ "$(cell sstpc down.cpu m)" != - ] && [ "$(cell ours down.cpu m)" != - ]; then
		echo
		awk -v su="$(cell sstpc up.cpu m)" -v sd="$(cell sstpc down.cpu m)" \
			-v ou="$(cell ours up.cpu m)" -v od="$(cell ours down.cpu m)" \
			-v stu="$(cell sstpc up.mbit m)" -v std="$(cell sstpc down.mbit m)" \
			-v otu="$(cell ours up.mbit m)" -v otd="$(cell ours down.mbit m)" 'BEGIN {
			if (su > 0 && sd > 0)
				printf "target CPU per MB <= 1/4 of sstpc: nm-sstp-tunnel needs %.2fx (up), %.2fx (down) of sstpc -> %s\n",
					ou / su, od / sd, (ou <= su / 4 && od <= sd / 4) ? "met" : "NOT met"
			if (stu > 0 && std > 0)
				printf "target throughput >= sstpc:        nm-sstp-tunnel has %.2fx (up), %.2fx (down) of sstpc -> %s\n",
					otu / stu, otd / std, (otu >= stu && otd >= std) ? "met" : "NOT met"
		}'
	fi
	echo
	echo "raw figures: $raw; logs: $out"
} | tee "$out/results.txt"

grep '^not ok' "$out/guest.tap" 2>/dev/null | sed 's/^/guest: /' >&2
exit "$rc"
