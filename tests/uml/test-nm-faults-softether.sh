#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-faults-softether.sh - the fault matrix against a real SoftEther VPN Server
# (the faults that apply to a server we did not write), through a real NetworkManager and
# nmcli in a UML guest: SoftEther disconnects the session administratively (vpncmd
# SessionDisconnect), the vpnserver process is killed (SIGKILL) and started again, it goes
# silent (SIGSTOP, then SIGCONT), "nmcli connection down" during the handshake (SoftEther held
# by SIGSTOP in TLS; later phases as the service logs them), pppd and nm-sstp-tunnel killed,
# and up/down cycles with the service's descriptors and RSS compared. For each: NetworkManager's
# final state and reason, the time from the fault to NetworkManager's signal, what is left
# (worker, pppd, ppp device, route, DNS, socket), and whether the next "up" works at once. The
# table is printed at the end of the log (logs/nm-faults-softether/fault-matrix.txt).
#
#   host netns sstp-nmfse-PID: umltap0 198.51.100.1/24, vpnserver on :443 (no route out)
#   UML guest (in that ns):    vec0 198.51.100.2/24, NetworkManager, service, worker, pppd
#   inside the tunnel:         SecureNAT gateway/DNS 198.18.0.1
#
# The server runs on the host side, the cases in the guest: the guest asks for each server
# fault through a request file in the shared output folder, and this script's agent does it
# and answers with the host's clock before and after (the guest's clock is compared with it
# once, see ctl_clock in the guest script). NM_FAULT_CYCLES=N sets the up/down cycles (10; 0:
# none), NM_FAULT_ONLY=REGEX runs only the matching cases (by hand, e.g. to prove a check).
# Logs: $top_builddir/tests/uml/logs/nm-faults-softether/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/softether.sh"
. "$here/lib/nm-host.sh"

nm_host_require
softether_test_setup nm-faults-softether sstp-nmfse
out=$SOFTETHER_TEST_OUT se=$SOFTETHER_TEST_DIR ns=$SOFTETHER_TEST_NS tap=$SOFTETHER_TEST_TAP
ctl=$out/ctl
rm -rf "$ctl"
mkdir -p "$ctl"

now() {
	date +%s.%N
}

# vpncmd commands on the DEFAULT hub; output (without the banner) on stdout.
hub_cmd() {
	printf 'Hub %s\n' "$SOFTETHER_HUB" >"$ctl/cmd"
	printf '%s\n' "$@" >>"$ctl/cmd"
	: >"$ctl/vpncmd.out"
	_softether_ns_exec "$ns" "$se" vpncmd localhost:443 /SERVER "/IN:$ctl/cmd" >"$ctl/vpncmd.out" 2>&1
	local rc=$?
	cat "$ctl/vpncmd.out" >>"$se/vpncmd.log"
	return $rc
}

# Names of the SSTP sessions on the hub (SecureNAT's own session is not one).
sstp_sessions() {
	hub_cmd SessionList >/dev/null
	awk -F'|' '$1 ~ /^Session Name/ && $2 ~ /SSTP/ { print $2 }' "$ctl/vpncmd.out"
}

# One request: "SEQ ACTION". Answer in ctl/done-SEQ: "T_BEFORE T_AFTER RC INFO".
agent_do() {
	local action=$1 t0 t1 rc=0 info='' pid s
	t0=$(now)
	case $action in
	clock) ;;
	disconnect)
		# (the session list first: the fault's time is that of SessionDisconnect's vpncmd)
		local -a lines=()
		for s in $(sstp_sessions); do
			lines+=("SessionDisconnect $s")
		done
		info=${lines[*]}
		if [ ${#lines[@]} -eq 0 ]; then
			rc=1
		else
			t0=$(now)
			hub_cmd "${lines[@]}" || rc=$?
		fi ;;
	sessions) info=$(sstp_sessions | wc -l) ;;
	stop-at-*)
		# SIGSTOP as soon as the guest's service logs the next "tunnel phase: P" (its syslog
		# lines come through the shared folder): SoftEther then holds the call in P.
		local phase=${action#stop-at-} n0
		n0=$(grep -a -c "tunnel phase: $phase\$" "$out/syslog.log")
		rc=1
		for _ in $(seq 1500); do
			if [ "$(grep -a -c "tunnel phase: $phase\$" "$out/syslog.log")" -gt "$n0" ]; then
				t0=$(now)
				pid=$(softether_server_pid "$ns") && kill -STOP "$pid" && rc=0
				break
			fi
			sleep 0.02
		done
		info="$phase ${pid:-}" ;;
	stop | cont | kill)
		pid=$(softether_server_pid "$ns") || rc=1
		[ -z "$pid" ] || kill "-${action^^}" "$pid" || rc=$?
		info=$pid ;;
	start)
		# (the shell that ran the killed server is reaped first)
		wait "$SOFTETHER_PID" 2>/dev/null
		softether_start_again "$ns" "$se" || rc=$?
		info=$(softether_server_pid "$ns") ;;
	*) rc=2 ;;
	esac
	t1=$(now)
	echo "$t0 $t1 $rc ${info//$'\n'/ }" >"$ctl/done.tmp"
	mv "$ctl/done.tmp" "$ctl/done-$2"
}

# (it ends with this script, however that ends: a stray agent would answer the next run's requests)
agent() {
	local seq action last=''
	while kill -0 "$main_pid" 2>/dev/null; do
		if [ -s "$ctl/req" ] && read -r seq action <"$ctl/req" && [ "$seq" != "$last" ]; then
			last=$seq
			echo "$(now) $seq $action" >>"$ctl/agent.log"
			agent_do "$action" "$seq"
		fi
		sleep 0.05
	done
}

main_pid=$$
agent &
agent_pid=$!
uml_cleanup_push kill "$agent_pid"

t_start=$(date +%s)
nm_host_run_guest "$out" "$here/test-nm-faults-softether-guest.sh" \
	--netns "$ns" --tap "$tap" --guest-addr "$UML_GUEST_ADDR/$UML_PREFIX_LEN" --timeout 900 -- \
	SSTP_SERVER="$UML_HOST_ADDR" SSTP_CA="$se/pki/ca.pem" SSTP_GATEWAY=198.18.0.1 \
	"CTL=$ctl" "NM_FAULT_CYCLES=${NM_FAULT_CYCLES:-10}" "NM_FAULT_ONLY=${NM_FAULT_ONLY:-}"
kill "$agent_pid" 2>/dev/null
wait "$agent_pid" 2>/dev/null

# SoftEther's side: no SSTP session left once the guest is done.
left=$(sstp_sessions | wc -l)
tap_is "SoftEther has no SSTP session left" "$left" 0
tap_diag "guest run: $(($(date +%s) - t_start)) s"
[ ! -s "$out/fault-matrix.txt" ] || tap_diag_file "$out/fault-matrix.txt" 100
[ ! -s "$out/cycles.txt" ] || tap_diag_file "$out/cycles.txt" 5

# The server that runs now may be a restarted one (not SOFTETHER_PID's child): stop it by PID.
if pid=$(softether_server_pid "$ns"); then
	kill -CONT "$pid" 2>/dev/null
	kill -TERM "$pid" 2>/dev/null
fi
softether_stop
tap_finish
