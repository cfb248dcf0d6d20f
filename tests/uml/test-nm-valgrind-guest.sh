# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-valgrind-guest.sh - runs INSIDE the UML guest (see test-nm-valgrind.sh).
# Environment: BUILDDIR, SRCDIR, SERVER, CERT, KEY, PIN, SSTP_USER, SSTP_PASSWORD_FILE.

. "$UML_LIB_DIR/guest-lib.sh"
. "$UML_LIB_DIR/nm-guest.sh"

conn=sstp-valgrind
# --trace-children: the service's worker runs under memcheck too; pppd (not ours) and the
# shells around are skipped. Definite leaks are errors, so the error count says it all.
NM_GUEST_SERVICE_PREFIX="valgrind --tool=memcheck --log-file=$UML_OUT/valgrind-%p.log \
--trace-children=yes --trace-children-skip=*/pppd,*/sh,*/bash --child-silent-after-fork=yes \
--leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite \
--track-origins=yes --num-callers=40 --suppressions=$SRCDIR/tests/valgrind.supp"

# NetworkManager gives a VPN service 5 s to appear on D-Bus; under memcheck in a UML guest
# it needs more. So the service is started here, on its plain bus name (the .name file
# without supports-multiple-connections, NM_GUEST_SINGLE_CONNECTION), and NetworkManager
# uses it: everything after the bus name (Connect, secrets, the worker, pppd, the IP
# configuration, Disconnect, the exit once idle) is the normal path.
NM_GUEST_SINGLE_CONNECTION=1
nm_guest_setup

service_has_name() {
	dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.NetworkManager.sstp 2>/dev/null |
		grep -q 'boolean true'
}
"$NM_GUEST_WRAPPER" >"$UML_OUT/service.out" 2>&1 &
tap_check "nm-sstp-service under memcheck owns its bus name" guest_wait_for 180 service_has_name

nm_guest_start_server good "$SSTP_PASSWORD_FILE" || tap_bail_out "sstp-test-server does not listen"
nm_guest_write_vpn_profile "$conn" 0d6c1a36-3d0e-4c7b-9f53-5f2b1b0e2c77 "$SSTP_PASSWORD_FILE" ignore \
	"gateway=127.0.0.1:$NM_SERVER_PORT" "cert-pin-sha256=$PIN" tls-sni=no refuse-eap=yes
nm_guest_up "$conn" nmcli-up "nmcli connection up $conn (service and worker under valgrind)"
guest_check_ping "ping 10.77.0.1 crosses the tunnel" ping 10.77.0.1 ppp0
nm_guest_down "$conn" nmcli-down "nmcli connection down $conn"
nm_guest_stop_server
tap_is "server: binding verified, clean call (exit 0)" "$NM_SERVER_STATUS" 0
# Both end on their own (the worker after Call Disconnect, the service once idle): only
# then has memcheck looked for leaks.
tap_check "the service and the worker end on their own" \
	guest_wait_for 180 sh -c "! pgrep -f 'valgrin[d].*nm-sstp-(service|tunnel)|memchec[k].*nm-sstp' >/dev/null"

service_logs=$(grep -l -E '^==[0-9]+== Command: [^ ]*/nm-sstp-service( |$)' "$UML_OUT"/valgrind-*.log 2>/dev/null)
worker_logs=$(grep -l -E '^==[0-9]+== Command: [^ ]*/nm-sstp-tunnel( |$)' "$UML_OUT"/valgrind-*.log 2>/dev/null)
tap_check "memcheck ran the service" test -n "$service_logs"
tap_check "memcheck ran the worker" test -n "$worker_logs"
for log in $service_logs $worker_logs; do
	prog=$(sed -n 's/^==[0-9]*== Command: \([^ ]*\).*/\1/p' "$log" | head -1)
	prog=$(basename "$prog")
	summary=$(sed -n 's/^==[0-9]*== ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
	if [ "$summary" = 0 ]; then
		tap_ok "$prog: no memcheck error, no definite leak ($(basename "$log"))"
	else
		tap_not_ok "$prog: no memcheck error, no definite leak ($(basename "$log"): ${summary:-no summary})"
		tap_diag_file "$log" 80
	fi
	tap_diag "$prog: $(grep -E 'definitely lost|indirectly lost|possibly lost|suppressed:' "$log" | sed 's/^==[0-9]*== *//' | tr '\n' ';')"
done

nm_guest_finish
tap_finish
