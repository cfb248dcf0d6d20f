# tests/uml/guest/harness.sh - runs INSIDE the guest for ../test-uml-harness.sh: checks what
# the harness promises guest scripts. Exits with $HARNESS_EXIT so the host can check that the
# status comes back.

. "$UML_LIB_DIR/guest-lib.sh"

tap_is "KEY=VALUE words arrive intact" "$HARNESS_WORDS" 'two words, $dollar "quote" *'
tap_is "running as root" "$(id -u)" 0
# What this guest runs, for the host to compare with the root it asked for.
{
	echo "os=$(. /etc/os-release && echo "$ID $VERSION_ID")"
	echo "pppd=$(pppd --version 2>&1 | awk '{print $NF; exit}')"
	echo "networkmanager=$(NetworkManager --version 2>/dev/null)"
} >"$UML_OUT/platform"
tap_is "kernel is UML" "$(uname -m)/$(sed -n 's/^vendor_id[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" "x86_64/User Mode Linux"

# The root is writable (overlay) but the host file must not change: the host checks that too.
if echo "written in the guest" >"$HARNESS_HOST_FILE" 2>/dev/null &&
	[ "$(cat "$HARNESS_HOST_FILE")" = "written in the guest" ]; then
	tap_ok "the root file system is writable (overlay)"
else
	tap_not_ok "the root file system is writable (overlay)"
fi

tap_check "the private /etc/ppp has no Debian options file" test ! -e /etc/ppp/options
tap_check "modprobe ppp_generic gives /dev/ppp" sh -c 'modprobe ppp_generic && test -c /dev/ppp'
tap_check "modprobe tun gives /dev/net/tun" sh -c 'modprobe tun; test -c /dev/net/tun'
tap_check "devpts is mounted with a ptmx" sh -c 'mount | grep -q "^devpts on /dev/pts" && test -c /dev/pts/ptmx'
tap_check "/run is a tmpfs of its own" sh -c 'mount | grep -q "^tmpfs on /run type tmpfs"'
tap_check "the output folder is writable" sh -c 'echo ok >"$UML_OUT/written-by-guest"'

if [ -n "${UML_GUEST_ADDR:-}" ]; then
	tap_check "vec0 has $UML_GUEST_ADDR" guest_wait_for 10 ip -4 addr show dev vec0 to "${UML_GUEST_ADDR%/*}"
	tap_check "the host side $HARNESS_PEER answers ping" ping -c 2 -W 5 "$HARNESS_PEER"
fi

if [ "${HARNESS_NM:-0}" = 1 ]; then
	start=$(date +%s.%N)
	if guest_start_nm; then
		tap_ok "dbus, udev and NetworkManager start; nmcli answers"
		awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "nm_start_seconds=%.1f\n", b - a }' >>"$UML_OUT/timing"
	else
		tap_not_ok "dbus, udev and NetworkManager start; nmcli answers"
		tap_diag_file "$UML_OUT/NetworkManager.log" 20
	fi
	if [ -n "${UML_GUEST_ADDR:-}" ]; then
		tap_check "NetworkManager sees vec0" guest_wait_for 30 sh -c 'nmcli -t -f DEVICE device | grep -qx vec0'
	fi
fi

# No tap_finish here: it exits, and this script must exit with $HARNESS_EXIT.
exit "$HARNESS_EXIT"
