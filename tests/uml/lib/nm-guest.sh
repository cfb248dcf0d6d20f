# tests/uml/lib/nm-guest.sh - NetworkManager with our plugin, INSIDE the UML guest. Shared by
# the NetworkManager end-to-end tests (test-nm-*-guest.sh) and tests/demo.sh.
# Source it after guest-lib.sh:   . "$UML_LIB_DIR/guest-lib.sh"; . "$UML_LIB_DIR/nm-guest.sh"
#
# Environment (words given to uml_run by the host side, see nm-host.sh): BUILDDIR (build tree),
# SRCDIR (source tree); for the strict server also SERVER, CERT, KEY, SSTP_USER; for the secret
# checks SSTP_PASSWORD_FILE (0600 file, the password on its first line).
#
#   nm_guest_install_plugin       our service (through a wrapper that adds the build tree's
#                                 worker and pppd plugin), its .name file (pointing at the
#                                 build tree's auth dialog if built) and D-Bus policy, in the
#                                 guest's overlay only
#   nm_guest_setup [vec0 GATEWAY] the whole setup, as TAP checks: modules, syslog catcher,
#                                 plugin, D-Bus signal recorder, NetworkManager, a primary
#                                 connection (a VPN needs one underneath): a dummy0 with a
#                                 default route, or vec0 ($UML_GUEST_ADDR, default via GATEWAY)
#   nm_guest_finish               stop what nm_guest_setup started
#   nm_guest_start_server NAME PASSWORD_FILE [OPTION…]
#                                 sstp-test-server on the guest's 127.0.0.1 (a free port), log
#                                 $UML_OUT/server-NAME.log; sets NM_SERVER_PID, NM_SERVER_PORT,
#                                 NM_SERVER_LOG
#   nm_guest_stop_server          wait for it to end (30 s; it ends after its one call), else
#                                 stop it; sets NM_SERVER_STATUS (its exit status or "killed")
#   nm_guest_server_mark          with one server for several calls (--loop): remember where
#                                 its log ends, before a call
#   nm_guest_server_lines         the log lines written since that mark
#   nm_guest_server_has PATTERN   one of them matches PATTERN (grep)
#   nm_guest_write_keyfile NAME   stdin becomes the keyfile NAME.nmconnection (mode 0600, guest
#                                 tmpfs), then nmcli connection reload
#   nm_guest_write_vpn_profile CONN UUID PASSWORD_FILE IPV6 [VPN_LINE…]
#                                 an sstp VPN keyfile via nm_guest_write_keyfile: user
#                                 $SSTP_USER, the password from PASSWORD_FILE saved in it
#                                 (password-flags=0), the VPN_LINEs (gateway=…, cert-pin-sha256=…)
#                                 in [vpn]; IPv4 auto, never-default; IPv6 "ignore" or "auto"
#                                 (then never-default too)
#   nm_guest_up CONN LOG DESC [NMCLI_ARG…]
#   nm_guest_down CONN LOG DESC   "nmcli connection up/down CONN" (150/90 s at most), output in
#                                 $UML_OUT/LOG.log, checked as DESC (on failure: its first
#                                 lines); returns nmcli's status
#   nm_guest_worker_pid           PID of our nm-sstp-tunnel (empty if none)
#   nm_guest_client_pppd_pids     PIDs of pppd processes started by our worker (argv has
#                                 "sstp-sock"; the test server's own pppd does not)
#   nm_guest_no_worker / nm_guest_no_service / nm_guest_no_client_pppd / nm_guest_no_ppp_device
#   nm_guest_nothing_left         all four of the above
#   nm_guest_check_nothing_left DESC [SECONDS]
#                                 check (within SECONDS, default 60) that nothing is left,
#                                 as DESC; on failure, show what is
#   nm_guest_supply_password CONN the password for an nmcli-made profile, off every command
#                                 line; sets NM_GUEST_UP_ARGS for "nmcli connection up"
#   nm_guest_no_password_in FILE… / nm_guest_no_password_on_any_argv
#   nm_guest_vpn_states           "STATE REASON" of every VpnStateChanged signal NetworkManager
#                                 sent so far (numbers: NMVpnConnectionState/…StateReason)
#   nm_guest_failed_count         how many VpnStateChanged(failed) were recorded so far
#   nm_guest_last_failed_reason   the reason of the last one
#   nm_guest_up_fails CONN NAME DESC [WANT_REASON [REASON_DESC]]
#                                 "nmcli connection up CONN" must fail (output in
#                                 $UML_OUT/nmcli-up-NAME.log), checked as DESC; NetworkManager
#                                 must then report the VPN failed (30 s) and, with WANT_REASON,
#                                 with that reason, checked as REASON_DESC (default "NAME:
#                                 NetworkManager: VPN failed, reason WANT_REASON"). The attempt's
#                                 syslog lines go to $UML_OUT/client-NAME.log, the service's
#                                 lines saying why to $UML_OUT/failure-NAME.log. Sets
#                                 NM_GUEST_FAILED_REASON (empty: no new failure); 1 if a check failed
#   nm_guest_has_vpn_state STATE [REASON]
#                                 a VpnStateChanged with STATE (and REASON) was recorded
#   tap_todo_is DESC GOT WANT WHY a check of a known, reported bug: "not ok … # TODO WHY"
#                                 (automake's TAP driver counts it as an expected failure)

# NMVpnConnectionState and NMVpnConnectionStateReason (libnm's nm-vpn-dbus-interface.h),
# for the scripts that source this file.
# shellcheck disable=SC2034
NM_VPN_STATE_ACTIVATED=5
NM_VPN_STATE_FAILED=6
NM_VPN_STATE_DISCONNECTED=7
NM_VPN_REASON_USER_DISCONNECTED=2
NM_VPN_REASON_SERVICE_STOPPED=4
NM_VPN_REASON_CONNECT_TIMEOUT=6
NM_VPN_REASON_LOGIN_FAILED=10

NM_GUEST_WRAPPER=/run/nm-sstp-service-uninstalled
NM_GUEST_SIGNALS=$UML_OUT/dbus-signals.log
NM_GUEST_SYSLOG_PID=
NM_GUEST_MONITOR_PID=
NM_SERVER_PID=
NM_SERVER_PORT=
NM_SERVER_LOG=
NM_SERVER_STATUS=
NM_SERVER_MARK=0

# NetworkManager starts program= with --bus-name; the wrapper adds the build tree's worker
# and pppd plugin, and in a sanitizer run the guest's UBSAN_OPTIONS (uml-run.sh), so that
# the service, the worker, pppd's plugin write their reports where the test looks.
# NM_GUEST_SERVICE_PREFIX (words, set before nm_guest_setup): a command the service runs
# under, e.g. valgrind (test-nm-valgrind-guest.sh). NM_GUEST_SINGLE_CONNECTION=1: the .name
# file without supports-multiple-connections, so NetworkManager talks to the service on its
# plain bus name and uses one already running there (started by the test, which then has more
# than NetworkManager's 5 s to appear). Any installed sstp plugin files are replaced, in the guest's overlay only.
nm_guest_install_plugin() {
	cat >"$NM_GUEST_WRAPPER" <<-WRAPPER || return 1
	#!/bin/sh
	${UBSAN_OPTIONS:+UBSAN_OPTIONS='$UBSAN_OPTIONS'; export UBSAN_OPTIONS}
	exec ${NM_GUEST_SERVICE_PREFIX:-} "$BUILDDIR/src/service/nm-sstp-service" --tunnel "$BUILDDIR/src/tunnel/nm-sstp-tunnel" \\
		--pppd-plugin "$BUILDDIR/src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so" "\$@"
	WRAPPER
	chmod 755 "$NM_GUEST_WRAPPER" || return 1
	mkdir -p /usr/lib/NetworkManager/VPN || return 1
	# The build tree's auth dialog, when built: nmcli runs it (--external-ui-mode) to learn
	# which secrets to ask for, e.g. for "nmcli connection up NAME passwd-file FILE".
	local dialog="$BUILDDIR/auth-dialog/nm-sstp-auth-dialog"
	[ -x "$dialog" ] && [ -z "${NM_GUEST_NO_AUTH_DIALOG:-}" ] || dialog=
	sed -e "s|^program=.*|program=$NM_GUEST_WRAPPER|" \
		${NM_GUEST_SINGLE_CONNECTION:+-e '/^supports-multiple-connections=/d'} \
		-e "s|^auth-dialog=.*|${dialog:+auth-dialog=$dialog}|" \
		"$BUILDDIR/src/service/nm-sstp-service.name" \
		>/usr/lib/NetworkManager/VPN/nm-sstp-service.name || return 1
	guest_install_file "$SRCDIR/src/service/nm-sstp-service.conf" \
		/usr/share/dbus-1/system.d/nm-sstp-service.conf
}

# The service logs to syslog when NetworkManager says so (NM_VPN_LOG_SYSLOG=1): keep those
# lines, the guest has no syslog daemon.
nm_guest_start_syslog() {
	python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    os.unlink("/dev/log")
except OSError:
    pass
s.bind("/dev/log")
os.chmod("/dev/log", 0o666)
out = open(sys.argv[1], "ab", 0)
while True:
    out.write(s.recv(65536) + b"\n")
' "$UML_OUT/syslog.log" &
	NM_GUEST_SYSLOG_PID=$!
	guest_wait_for 10 test -S /dev/log
}

# NetworkManager's own word on each VPN state change (state and reason) is the
# VpnStateChanged signal; its log does not print the reason.
nm_guest_start_dbus_monitor() {
	stdbuf -oL dbus-monitor --system \
		"type='signal',interface='org.freedesktop.NetworkManager.VPN.Connection',member='VpnStateChanged'" \
		>"$NM_GUEST_SIGNALS" 2>&1 &
	NM_GUEST_MONITOR_PID=$!
	guest_wait_for 10 grep -q 'NameAcquired' "$NM_GUEST_SIGNALS"
}

nm_guest_setup() {
	tap_check "kernel modules load" guest_modprobe ppp_generic ppp_async ppp_mppe dummy ipv6
	tap_check "syslog catcher listens on /dev/log" nm_guest_start_syslog
	nm_guest_install_plugin || tap_bail_out "cannot install the plugin files in the guest overlay"
	tap_check "NetworkManager starts" guest_start_nm
	tap_check "D-Bus recorder for VpnStateChanged runs" nm_guest_start_dbus_monitor
	# A VPN needs an active connection with a default route underneath: a dummy device when
	# the server is on the guest's loopback, else the guest's vec0 (then NetworkManager's
	# host route to the VPN server goes out of vec0 too, not into the dummy).
	if [ "${1:-}" = vec0 ]; then
		# vec0 exists before udevd starts, and "udevadm trigger" does nothing in the guest's
		# chroot ("Running in chroot, ignoring request"), so udev never announced vec0 and
		# NetworkManager keeps it unmanaged (platform-init). Have the kernel announce it
		# again (what trigger does), now that udevd and NetworkManager listen.
		echo add >/sys/class/net/vec0/uevent
		guest_wait_for 30 sh -c '! nmcli -g GENERAL.STATE device show vec0 | grep -q unmanaged' ||
			udevadm info /sys/class/net/vec0 >&2
		nmcli connection add type ethernet ifname vec0 con-name primary ipv4.method manual \
			ipv4.addresses "$UML_GUEST_ADDR" ipv4.gateway "$2" ipv6.method ignore >/dev/null
	else
		nmcli connection add type dummy ifname dummy0 con-name primary ipv4.method manual \
			ipv4.addresses 192.0.2.1/24 ipv4.gateway 192.0.2.254 ipv6.method ignore >/dev/null
	fi
	tap_check "primary connection up" nmcli --wait 60 connection up primary
}

nm_guest_finish() {
	[ -z "$NM_SERVER_PID" ] || guest_stop "$NM_SERVER_PID"
	guest_stop "$GUEST_NM_PID" "$NM_GUEST_MONITOR_PID" "$NM_GUEST_SYSLOG_PID"
}

nm_guest_start_server() {
	local name=$1 password_file=$2
	shift 2
	NM_SERVER_LOG=$UML_OUT/server-$name.log
	NM_SERVER_MARK=0
	rm -f "$UML_OUT/port"
	"$SERVER" --cert "$CERT" --key "$KEY" --user "$SSTP_USER" --password-file "$password_file" \
		--port 0 --port-file "$UML_OUT/port" --log "$NM_SERVER_LOG" --pppd-debug \
		--negotiation-timeout 30 "$@" &
	NM_SERVER_PID=$!
	guest_wait_for 20 test -s "$UML_OUT/port"
	NM_SERVER_PORT=$(cat "$UML_OUT/port" 2>/dev/null)
	[ -n "$NM_SERVER_PORT" ]
}

nm_guest_stop_server() {
	[ -n "$NM_SERVER_PID" ] || return 0
	if guest_wait_for 30 sh -c "! kill -0 $NM_SERVER_PID"; then
		wait "$NM_SERVER_PID"
		NM_SERVER_STATUS=$?
	else
		guest_stop "$NM_SERVER_PID"
		wait "$NM_SERVER_PID"
		# shellcheck disable=SC2034 # read by the sourcing script
		NM_SERVER_STATUS=killed
	fi
	NM_SERVER_PID=
}

# One server for every attempt (--loop: one call after the other): each attempt reads the
# lines its call added to the server's log.
nm_guest_server_mark() {
	NM_SERVER_MARK=$(wc -l <"$NM_SERVER_LOG")
}
nm_guest_server_lines() {
	tail -n +"$((NM_SERVER_MARK + 1))" "$NM_SERVER_LOG"
}
nm_guest_server_has() {
	nm_guest_server_lines | grep -q -- "$1"
}

# A keyfile (0600, guest tmpfs): a password in it never goes through a command line.
nm_guest_write_keyfile() {
	local file=$GUEST_NM_DIR/system-connections/$1.nmconnection
	(umask 077 && cat >"$file") || return 1
	chmod 600 "$file"
	nmcli connection reload
}

# Every sstp profile of these tests saves its password in the keyfile (password-flags=0), so
# NetworkManager has nothing to ask and the password goes through no command line.
# nm_guest_write_vpn_profile_ip CONN UUID PASSWORD_FILE IPV4_LINES IPV6_LINES [VPN_LINE...]
nm_guest_write_vpn_profile_ip() {
	local conn=$1 uuid=$2 password_file=$3 ipv4_lines=$4 ipv6_lines=$5 password vpn_lines
	shift 5
	IFS= read -r password <"$password_file" || return 1
	vpn_lines=$(printf '%s\n' "$@")
	nm_guest_write_keyfile "$conn" <<-PROFILE
	[connection]
	id=$conn
	uuid=$uuid
	type=vpn
	autoconnect=false

	[vpn]
	service-type=org.freedesktop.NetworkManager.sstp
	user=$SSTP_USER
	password-flags=0
	$vpn_lines

	[vpn-secrets]
	password=$password

	[ipv4]
	$ipv4_lines

	[ipv6]
	$ipv6_lines
	PROFILE
}

# nm_guest_write_vpn_profile CONN UUID PASSWORD_FILE IPV6_METHOD [VPN_LINE...]: IPv4 auto and
# never the default route; IPv6 by IPV6_METHOD.
nm_guest_write_vpn_profile() {
	local conn=$1 uuid=$2 password_file=$3 ipv6=$4 ipv6_lines
	shift 4
	ipv6_lines="method=$ipv6"
	[ "$ipv6" != auto ] || ipv6_lines="$ipv6_lines
never-default=true"
	nm_guest_write_vpn_profile_ip "$conn" "$uuid" "$password_file" "method=auto
never-default=true" "$ipv6_lines" "$@"
}

nm_guest_up() {
	local conn=$1 log=$UML_OUT/$2.log desc=$3
	shift 3
	if timeout 150 nmcli --wait 120 connection up "$conn" "$@" >"$log" 2>&1; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		tap_diag_file "$log" 5
		return 1
	fi
}

nm_guest_down() {
	local conn=$1 log=$UML_OUT/$2.log desc=$3
	if timeout 90 nmcli --wait 60 connection down "$conn" >"$log" 2>&1; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		tap_diag_file "$log" 5
		return 1
	fi
}

# (anchored: the service's own argv names the worker after --tunnel)
nm_guest_worker_pid() {
	pgrep -f "^$BUILDDIR/src/tunnel/nm-sstp-tunnel" | head -n 1
}

nm_guest_client_pppd_pids() {
	local pid
	for pid in $(pgrep -x pppd); do
		if tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qx 'sstp-sock'; then
			echo "$pid"
		fi
	done
}

nm_guest_no_worker() {
	[ -z "$(nm_guest_worker_pid)" ]
}

nm_guest_no_service() {
	! pgrep -f "^$BUILDDIR/src/service/nm-sstp-service" >/dev/null
}

nm_guest_no_client_pppd() {
	[ -z "$(nm_guest_client_pppd_pids)" ]
}

nm_guest_no_ppp_device() {
	! ip -o link show 2>/dev/null | grep -q '^[0-9]*: ppp[0-9]'
}

nm_guest_nothing_left() {
	nm_guest_no_worker && nm_guest_no_client_pppd && nm_guest_no_ppp_device && nm_guest_no_service
}

# Give CONN (made by nmcli with password-flags=2: not saved, asked at each activation) the
# password of $SSTP_PASSWORD_FILE without any command line seeing it. With the auth dialog
# in the .name file, nmcli's agent answers NetworkManager from a 0600 passwd-file:
# NM_GUEST_UP_ARGS=(passwd-file FILE) for "nmcli connection up CONN". Without it, nmcli
# cannot tell which secrets an sstp VPN has; then the password is saved in the profile
# (password-flags=0) through nmcli's editor reading stdin. NM_GUEST_PASSWORD_HOW says which.
NM_GUEST_UP_ARGS=()
NM_GUEST_PASSWORD_HOW=
nm_guest_check_nothing_left() {
	if guest_wait_for "${2:-60}" nm_guest_nothing_left; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		nm_guest_show_leftovers
		return 1
	fi
}

nm_guest_supply_password() {
	local conn=$1 password data
	IFS= read -r password <"$SSTP_PASSWORD_FILE" || return 1
	if grep -q '^auth-dialog=' /usr/lib/NetworkManager/VPN/nm-sstp-service.name; then
		(umask 077 && printf 'vpn.secrets.password:%s\n' "$password" >"$UML_OUT/passwd-file")
		NM_GUEST_UP_ARGS=(passwd-file "$UML_OUT/passwd-file")
		NM_GUEST_PASSWORD_HOW="nmcli connection up $conn passwd-file FILE (0600; password-flags=2)"
		return 0
	fi
	data=$(nmcli -g vpn.data connection show "$conn" | sed 's/password-flags = [0-9]*/password-flags = 0/')
	nmcli connection modify "$conn" vpn.data "$data" || return 1
	# nmcli's editor echoes its input when stdin is not a terminal: keep it out of every log.
	printf 'set vpn.secrets password=%s\nsave\nquit\n' "$password" |
		nmcli connection edit "$conn" >/dev/null 2>&1 || return 1
	NM_GUEST_UP_ARGS=()
	NM_GUEST_PASSWORD_HOW="saved with nmcli connection edit (stdin; password-flags=0)"
}

# Say what is left (diagnostics after a failed nm_guest_nothing_left).
nm_guest_show_leftovers() {
	local pid
	for pid in $(nm_guest_worker_pid) $(nm_guest_client_pppd_pids) \
		$(pgrep -f "^$BUILDDIR/src/service/nm-sstp-service"); do
		tap_diag "left: pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"
	done
	tap_diag "$(ip -o link show 2>/dev/null | grep ': ppp[0-9]')"
}

# Secret checks read the password from its file (grep -f): a check that put it on its own
# command line would find itself.
nm_guest_no_password_in() {
	! grep -qF -f "$SSTP_PASSWORD_FILE" -- "$@"
}

nm_guest_no_password_on_any_argv() {
	local f
	for f in /proc/[0-9]*/cmdline; do
		if grep -qaF -f "$SSTP_PASSWORD_FILE" "$f" 2>/dev/null; then
			tr '\0' ' ' <"$f" >&2
			return 1
		fi
	done
	return 0
}

# dbus-monitor prints a signal as its header line, then one "uint32 N" line per argument.
nm_guest_vpn_states() {
	awk '/member=VpnStateChanged/ { n = 0; next }
	     $1 == "uint32" { v[n++] = $2; if (n == 2) print v[0], v[1] }' "$NM_GUEST_SIGNALS"
}

# How many times a VPN went to the failed state, and the reason of the last one.
nm_guest_failed_count() {
	nm_guest_vpn_states | awk -v s="$NM_VPN_STATE_FAILED" '$1 == s' | wc -l
}
nm_guest_failed_count_above() {
	[ "$(nm_guest_failed_count)" -gt "$1" ]
}
nm_guest_last_failed_reason() {
	nm_guest_vpn_states | awk -v s="$NM_VPN_STATE_FAILED" '$1 == s { r = $2 } END { print r }'
}

# An activation that must fail, and NetworkManager's reason (see the list at the top). The
# reason is read only from a failure this attempt added: an earlier one's would pass for it.
NM_GUEST_FAILED_REASON=
nm_guest_up_fails() {
	local conn=$1 name=$2 desc=$3 want=${4:-} reason_desc=${5:-"$2: NetworkManager: VPN failed, reason ${4:-}"}
	local before syslog_before rc=0
	before=$(nm_guest_failed_count)
	syslog_before=$(wc -l <"$UML_OUT/syslog.log")
	if timeout 150 nmcli --wait 120 connection up "$conn" >"$UML_OUT/nmcli-up-$name.log" 2>&1; then
		tap_not_ok "$desc"
		rc=1
	else
		tap_ok "$desc"
	fi
	tap_diag "$name: nmcli: $(head -n 1 "$UML_OUT/nmcli-up-$name.log")"
	NM_GUEST_FAILED_REASON=
	if guest_wait_for 30 nm_guest_failed_count_above "$before"; then
		NM_GUEST_FAILED_REASON=$(nm_guest_last_failed_reason)
	fi
	tail -n +"$((syslog_before + 1))" "$UML_OUT/syslog.log" >"$UML_OUT/client-$name.log"
	grep -a 'connection failed\|cannot start\|invalid VPN settings' "$UML_OUT/client-$name.log" \
		>"$UML_OUT/failure-$name.log"
	if [ -z "$NM_GUEST_FAILED_REASON" ]; then
		tap_diag "$name: NetworkManager reported no VPN failure within 30 s"
		tap_diag_file "$UML_OUT/client-$name.log" 30
	else
		tap_diag "$name: service: $(head -n 1 "$UML_OUT/failure-$name.log")"
	fi
	[ -n "$want" ] || return "$rc"
	if ! tap_is "$reason_desc" "$NM_GUEST_FAILED_REASON" "$want"; then
		tap_diag "VpnStateChanged (state reason): $(nm_guest_vpn_states | tr '\n' ',')"
		rc=1
	fi
	return "$rc"
}

# STATE [REASON]
nm_guest_has_vpn_state() {
	nm_guest_vpn_states | awk -v s="$1" -v r="${2:-}" \
		'$1 == s && (r == "" || $2 == r) { found = 1 } END { exit !found }'
}

tap_todo_is() {
	if [ "$2" = "$3" ]; then
		tap_ok "$1"
		return 0
	fi
	TAP_COUNT=$((TAP_COUNT + 1))
	_tap_emit "not ok $TAP_COUNT - $1 # TODO $4"
	tap_diag "got:  '$2'"
	tap_diag "want: '$3'"
}
