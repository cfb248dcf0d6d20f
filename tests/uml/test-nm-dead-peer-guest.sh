# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-dead-peer-guest.sh - runs INSIDE the UML guest (see test-nm-dead-peer.sh).
# Environment: see lib/nm-guest.sh (BUILDDIR, SRCDIR, SERVER, CERT, KEY, PIN, SSTP_USER,
# SSTP_PASSWORD_FILE).

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-dead-peer
hello=10        # the settings table's minimum
silent_after=3  # seconds after the verified binding

now() {
	date +%s.%N
}

seconds_between() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'
}

vpn_went_down() {
	nm_guest_has_vpn_state "$NM_VPN_STATE_FAILED" || nm_guest_has_vpn_state "$NM_VPN_STATE_DISCONNECTED"
}

nm_guest_setup

nm_guest_start_server dead-peer "$SSTP_PASSWORD_FILE" --fault "silent-after=$silent_after" ||
	tap_bail_out "sstp-test-server does not listen"
nm_guest_write_vpn_profile "$conn" 3b0a8c6e-51f4-4a0e-9d55-0c2f6c3e7d42 "$SSTP_PASSWORD_FILE" ignore \
	"gateway=127.0.0.1:$NM_SERVER_PORT" "cert-pin-sha256=$PIN" "hello-interval=$hello"

nm_guest_up "$conn" nmcli-up "nmcli connection up $conn"
tap_check "NetworkManager signalled VpnStateChanged(activated)" \
	nm_guest_has_vpn_state "$NM_VPN_STATE_ACTIVATED"
tap_check "pppd runs with lcp-echo-interval 0 (only SSTP's hello can notice)" \
	sh -c "tr '\\0' ' ' </proc/$(nm_guest_client_pppd_pids | head -n 1)/cmdline | grep -q 'lcp-echo-interval 0'"

if guest_wait_for 60 grep -q 'fault silent-after: sending nothing' "$NM_SERVER_LOG"; then
	# the server's own wall-clock time of its last word (the guest's clock, as dbus-monitor's)
	silent_since=$(sed -n 's/.*fault silent-after: sending nothing.* at=\([0-9.]*\).*/\1/p' "$NM_SERVER_LOG")
	tap_ok "the server went silent ${silent_after} s after the binding"
else
	silent_since=$(now)
	tap_not_ok "the server went silent ${silent_after} s after the binding"
	tap_diag_file "$NM_SERVER_LOG" 10
fi

# [MS-SSTP]'s hello timer runs from the last packet: an Echo Request one interval after it,
# the end one more interval later, so at most 2 intervals after the server's last word.
# The poll allows twice that plus 20 s of NetworkManager's and the guest's slowness.
if guest_wait_for $((4 * hello + 20)) vpn_went_down; then
	tap_ok "NetworkManager saw the VPN go down"
else
	tap_not_ok "NetworkManager saw the VPN go down"
	tap_diag "VpnStateChanged (state reason): $(nm_guest_vpn_states | tr '\n' ',')"
fi
# When NetworkManager saw it: the time of its first failed/disconnected signal (dbus-monitor).
down_at=$(awk '/member=VpnStateChanged/ { split($2, t, "="); at = t[2]; n = 0; next }
	$1 == "uint32" && n++ == 0 && ($2 == 6 || $2 == 7) { print at; exit }' "$NM_GUEST_SIGNALS")
detect=$(seconds_between "$silent_since" "${down_at:-0}")
tap_diag "NetworkManager saw it ${detect} s after the server's last word (hello interval $hello s, spec bound $((2 * hello)) s)"
echo "dead_peer_seconds=$detect" >>"$UML_OUT/timing"
tap_check "detected within 2 hello intervals of the server's last word (+20 s for NetworkManager and the guest)" \
	awk -v d="$detect" -v b=$((2 * hello + 20)) 'BEGIN { exit !(d > 0 && d <= b) }'
# The worker's message states the silence it measured; the true silence is at least the time
# from the server's last word to NetworkManager's signal, less NetworkManager's own reaction.
said=$(grep -a -o 'nothing received for [0-9]* s' "$UML_OUT/NetworkManager.log" "$UML_OUT/syslog.log" |
	head -n 1 | sed 's/.*for \([0-9]*\) s/\1/')
tap_diag "the worker said: nothing received for ${said:-?} s"
tap_check "the worker's message states the true silence (<= 2 intervals, and not less than seen here - 5 s)" \
	awk -v n="${said:-x}" -v d="$detect" -v h=$hello \
	'BEGIN { exit !(n ~ /^[0-9]+$/ && n <= 2 * h + 1 && n >= d - 5) }'
tap_diag "VpnStateChanged (state reason): $(nm_guest_vpn_states | tr '\n' ' ')"
tap_check "the worker sent an SSTP Echo Request to the silent server" \
	grep -q 'nm-sstp-tunnel.*> ECHO_REQUEST' "$UML_OUT/NetworkManager.log"
tap_check "the service logged a dead peer (worker exit status 8)" \
	grep -q 'connection failed: .*exit status 8' "$UML_OUT/syslog.log"
tap_is "the connection is no longer active" \
	"$(nmcli -g GENERAL.STATE connection show "$conn" 2>/dev/null)" ""
nm_guest_check_nothing_left "nothing left: no worker, no pppd, no ppp device, no service"
nm_guest_stop_server
tap_check "server: the binding was verified before it went silent" \
	grep -q 'binding verified' "$NM_SERVER_LOG"
tap_diag "server: $(grep 'call ended' "$NM_SERVER_LOG")"

nm_guest_finish
tap_finish
