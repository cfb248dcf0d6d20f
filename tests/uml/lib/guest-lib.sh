# tests/uml/lib/guest-lib.sh - helpers for scripts that run INSIDE the UML guest (uml-run.sh).
# Source it as the first thing:  . "$UML_LIB_DIR/guest-lib.sh"
# It also sources tap.sh with TAP_FILE=$UML_OUT/guest.tap, so guest checks are written with
# tap_ok/tap_not_ok/tap_check/tap_is and the host script re-numbers them with tap_import.
#
#   guest_wait_for SECONDS CMD [ARG…]   poll CMD (every 0.2 s) until it succeeds; 1 on timeout
#   guest_install_file SRC DEST [MODE]  copy SRC to DEST (creating folders) - in the guest's
#                                       overlay only, the host never sees it
#   guest_modprobe MODULE…              load UML kernel modules
#   guest_start_dbus                    system dbus-daemon; sets GUEST_DBUS_PID
#   guest_start_udev                    systemd-udevd + trigger + settle; sets GUEST_UDEV_PID
#   guest_start_nm [CONF_SNIPPET]       dbus + udev if not running, then NetworkManager with a
#                                       private config (plus the optional snippet file appended),
#                                       log in $UML_OUT/NetworkManager.log; waits until nmcli
#                                       answers; sets GUEST_NM_PID
#   guest_stop PID…                     TERM, wait up to 5 s, then KILL (processes it started)
#   guest_ppp0_ipv4                     ppp0's IPv4 address/prefix (empty while it has none)
#   guest_ppp0_up                       ppp0 has an IPv4 address (a function, so that
#                                       guest_wait_for asks again on every try)
#   guest_elapsed_since START [DIGITS]  seconds since START (date +%s.%N), DIGITS decimals (1)
#   guest_check_ping DESC LOG ADDR [DEV] three pings to ADDR (out of DEV if given) checked as
#                                       DESC; output in $UML_OUT/LOG.log, shown on failure
#   guest_install_ip_up_recorder        /etc/ppp/ip-up (the guest's own tmpfs) records in
#                                       $UML_OUT/ip-up-PID.txt the descriptors pppd's child
#                                       scripts inherit and whether the password (from
#                                       $SSTP_PASSWORD_FILE) is in their environment or argv
#   guest_check_ip_up [PREFIX [SAVE_AS]] check that record: the script ran, holds no socket of ours
#                                       and no password; TAP descriptions start with PREFIX;
#                                       the record is then renamed $UML_OUT/SAVE_AS if given
#
# Environment set by uml-run.sh: UML_OUT (output folder, read-write, same path as on the host),
# UML_LIB_DIR, UML_SCRIPT, UML_GUEST_ADDR (when --guest-addr was given), plus the caller's
# KEY=VALUE words.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
TAP_FILE=$UML_OUT/guest.tap
: >"$TAP_FILE"
# shellcheck source=tap.sh
. "$UML_LIB_DIR/tap.sh"

guest_log() {
	printf '[guest %s] %s\n' "$(date +%T.%N | cut -c1-12)" "$*" >&2
}

guest_wait_for() {
	local limit=$1 deadline
	shift
	deadline=$(($(date +%s) + limit))
	while ! "$@" >/dev/null 2>&1; do
		if [ "$(date +%s)" -ge "$deadline" ]; then
			return 1
		fi
		sleep 0.2
	done
	return 0
}

guest_install_file() {
	local src=$1 dest=$2 mode=${3:-0644}
	mkdir -p "$(dirname "$dest")" || return 1
	install -m "$mode" "$src" "$dest"
}

guest_modprobe() {
	local m
	for m in "$@"; do
		modprobe "$m" || { guest_log "modprobe $m failed"; return 1; }
	done
}

guest_stop() {
	local pid i
	for pid in "$@"; do
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null || continue
		for i in $(seq 25); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$pid" 2>/dev/null
	done
	return 0
}

GUEST_DBUS_PID=
guest_start_dbus() {
	[ -z "$GUEST_DBUS_PID" ] || return 0
	mkdir -p /run/dbus /var/lib/dbus || return 1
	[ -s /etc/machine-id ] || dbus-uuidgen --ensure=/etc/machine-id
	dbus-daemon --system --nofork --nopidfile --nosyslog >"$UML_OUT/dbus.log" 2>&1 &
	GUEST_DBUS_PID=$!
	if ! guest_wait_for 30 test -S /run/dbus/system_bus_socket; then
		guest_log "dbus-daemon did not come up"
		return 1
	fi
	return 0
}

GUEST_UDEV_PID=
guest_start_udev() {
	[ -z "$GUEST_UDEV_PID" ] || return 0
	/lib/systemd/systemd-udevd >"$UML_OUT/udevd.log" 2>&1 &
	GUEST_UDEV_PID=$!
	guest_wait_for 30 test -S /run/udev/control || { guest_log "udevd did not come up"; return 1; }
	udevadm trigger --action=add >/dev/null 2>&1
	udevadm settle --timeout=30 >/dev/null 2>&1
	return 0
}

GUEST_NM_PID=
GUEST_NM_DIR=/run/uml-nm
guest_start_nm() {
	local snippet=${1:-}
	guest_start_dbus || return 1
	guest_start_udev || return 1
	mkdir -p "$GUEST_NM_DIR/conf.d" "$GUEST_NM_DIR/system-connections" /var/lib/NetworkManager || return 1
	chmod 700 "$GUEST_NM_DIR/system-connections"
	# A private configuration: no host profiles, no DNS handling, no polkit (all is root).
	cat >"$GUEST_NM_DIR/NetworkManager.conf" <<-'EOF'
	[main]
	plugins=keyfile
	no-auto-default=*
	dns=none
	rc-manager=unmanaged
	auth-polkit=false

	[keyfile]
	path=/run/uml-nm/system-connections

	[logging]
	level=TRACE
	domains=ALL,VPN_PLUGIN:TRACE
	EOF
	if [ -n "$snippet" ]; then
		cat "$snippet" >>"$GUEST_NM_DIR/NetworkManager.conf" || return 1
	fi
	# stdbuf: the VPN service's stdout is a file NM hands it, fully buffered otherwise.
	stdbuf -oL -eL NetworkManager --no-daemon --debug \
		--config="$GUEST_NM_DIR/NetworkManager.conf" \
		--config-dir="$GUEST_NM_DIR/conf.d" \
		--system-config-dir="$GUEST_NM_DIR/conf.d" \
		--intern-config="$GUEST_NM_DIR/intern.conf" \
		--state-file="$GUEST_NM_DIR/NetworkManager.state" \
		>"$UML_OUT/NetworkManager.log" 2>&1 &
	GUEST_NM_PID=$!
	if ! guest_wait_for 90 nmcli -t general status; then
		guest_log "NetworkManager did not answer on D-Bus"
		return 1
	fi
	return 0
}

guest_ppp0_ipv4() {
	ip -4 -o addr show dev ppp0 2>/dev/null | awk '{ print $4 }'
}

guest_ppp0_up() {
	[ -n "$(guest_ppp0_ipv4)" ]
}

guest_elapsed_since() {
	awk -v a="$1" -v b="$(date +%s.%N)" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, b - a }'
}

# pppd's child scripts must inherit neither the plugin's socketpair end (close-on-exec) nor
# the password. grep takes the pattern from the password file: nothing secret on its command
# line.
guest_install_ip_up_recorder() {
	cat >/etc/ppp/ip-up <<EOF || return 1
#!/bin/sh
out=$UML_OUT/ip-up-\$\$.txt
for fd in /proc/\$\$/fd/*; do echo "fd \${fd##*/} \$(readlink "\$fd")"; done >"\$out.tmp"
# Which kind of socket each one is (the inode's line in /proc/net/*), for the log.
for ino in \$(sed -n 's/^fd [0-9]* socket:\[\([0-9]*\)\]\$/\\1/p' "\$out.tmp"); do
	for t in unix netlink packet tcp tcp6 udp udp6 raw raw6; do
		grep -qw "\$ino" /proc/net/\$t 2>/dev/null && echo "socket \$ino: \$t: \$(grep -w "\$ino" /proc/net/\$t | head -1)"
	done
done >>"\$out.tmp"
if grep -qaF -f '$SSTP_PASSWORD_FILE' /proc/\$\$/environ /proc/\$\$/cmdline; then
	echo "password: FOUND" >>"\$out.tmp"
else
	echo "password: absent" >>"\$out.tmp"
fi
mv "\$out.tmp" "\$out"
EOF
	chmod 755 /etc/ppp/ip-up
}

guest_check_ip_up() {
	local prefix=${1:-} save_as=${2:-} f
	guest_wait_for 10 sh -c "ls $UML_OUT/ip-up-[0-9]*.txt >/dev/null 2>&1"
	set -- "$UML_OUT"/ip-up-[0-9]*.txt
	f=$1
	if [ ! -e "$f" ]; then
		tap_not_ok "${prefix}pppd's ip-up script ran"
		return 1
	fi
	# pppd 2.5 leaves its own NETLINK_ROUTE socket open in the scripts it runs (pppd's
	# doing, not ours); any other socket, the plugin's AF_UNIX socketpair above all, fails.
	local sockets netlink
	sockets=$(grep -c '^fd [0-9]* socket:' "$f")
	netlink=$(grep -c '^socket [0-9]*: netlink: ' "$f")
	if grep -q '^fd [0-9]* /' "$f" && [ "$sockets" -eq "$netlink" ] && grep -q '^password: absent$' "$f"; then
		local note=
		[ "$netlink" -eq 0 ] || note=", $netlink of them pppd's own netlink socket"
		tap_ok "${prefix}pppd's ip-up script inherits no socket of ours and no password ($(grep -c '^fd ' "$f") fds$note)"
	else
		tap_not_ok "${prefix}pppd's ip-up script inherits no socket of ours and no password"
		tap_diag_file "$f" 20
	fi
	[ -z "$save_as" ] || mv "$f" "$UML_OUT/$save_as"
}

guest_check_ping() {
	local desc=$1 log=$UML_OUT/$2.log addr=$3 dev=${4:-}
	if ping -c 3 -W 5 ${dev:+-I "$dev"} "$addr" >"$log" 2>&1; then
		tap_ok "$desc"
	else
		tap_not_ok "$desc"
		tap_diag_file "$log" 10
		return 1
	fi
}
