# tests/uml/lib/uml.sh - host-side helpers for end-to-end tests in a User-Mode-Linux guest.
# Source it from a bash test script (after tap.sh). Functions:
#
#   uml_skip_reason                 print why this machine cannot run the UML tests (empty: it can)
#   uml_require                     tap_skip_all with that reason when there is one
#   uml_outdir NAME                 create an empty output folder for test NAME and print its path:
#                                   $UML_OUT_BASE/NAME, default $top_builddir/tests/uml/logs/NAME
#                                   (/var/tmp/sstp-uml/tests/uml/logs/NAME without top_builddir);
#                                   mode 0700, kept after the test
#   uml_cleanup_push CMD [ARG…]     run CMD at exit (last pushed runs first); uml_require installs
#                                   the EXIT/INT/TERM trap
#   uml_netns_create NS TAP CIDR    new network namespace NS with lo up and tap TAP holding CIDR
#                                   (e.g. 198.51.100.1/24); no default route, nothing else; it is
#                                   deleted at exit
#   uml_netns_delete NS             delete it now
#   uml_range_free PREFIX           true when no host interface address or route starts with
#                                   PREFIX (e.g. "198.51.100."): never reuse a range the host has
#   uml_run [uml-run.sh options] OUTDIR SCRIPT [KEY=VALUE…]
#                                   boot the guest (see uml-run.sh); returns the script's status
#   uml_run_guest OUTDIR SCRIPT [uml-run.sh options] -- [KEY=VALUE…]
#                                   uml_run, then import the guest's TAP lines ("# TODO"
#                                   failures are not counted) and check "guest script passed"
#                                   (on failure: the tail of guest.log and console.log);
#                                   returns the script's status
#   uml_timing_diag OUTDIR          the run's timing figures as TAP diagnostics
#   uml_random_password FILE        24 random letters and digits in FILE (mode 0600): the
#                                   password goes into no command line or environment
#
# Address plan of these tests (each test has its own namespace, so tests may run in parallel):
#   198.51.100.1/24  host side of the tap in the test's namespace (SoftEther / test servers)
#   198.51.100.2/24  the guest's vec0
#   198.18.0.0/24    addresses inside the tunnel (SoftEther SecureNAT: gateway .1, DHCP .10-.100)

UML_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UML_HOST_ADDR=198.51.100.1
UML_GUEST_ADDR=198.51.100.2
UML_PREFIX_LEN=24
UML_TUNNEL_NET=198.18.0.

_uml_cleanups=()

uml_cleanup_push() {
	local quoted
	quoted=$(printf '%q ' "$@")
	_uml_cleanups+=("$quoted")
}

uml_cleanup_run() {
	local i
	for ((i = ${#_uml_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_uml_cleanups[$i]}" >/dev/null 2>&1
	done
	_uml_cleanups=()
}

_uml_trap_installed=
_uml_install_trap() {
	[ -z "$_uml_trap_installed" ] || return 0
	_uml_trap_installed=1
	trap 'uml_cleanup_run' EXIT
	trap 'uml_cleanup_run; trap - EXIT; exit 130' INT TERM HUP
}

uml_range_free() {
	if ip -4 -o addr show 2>/dev/null | awk '{ print $4 }' | grep -q "^${1//./\\.}"; then
		return 1
	fi
	if ip -4 route show 2>/dev/null | grep -q "^${1//./\\.}"; then
		return 1
	fi
	return 0
}

uml_skip_reason() {
	local tool
	# tests/run-all.sh's make distcheck: the same tests already ran in its make check.
	if [ -n "${SSTP_TESTS_SKIP_UML:-}" ]; then
		echo "SSTP_TESTS_SKIP_UML is set (make distcheck in tests/run-all.sh: make check ran them)"
		return 0
	fi
	if [ ! -x /usr/bin/linux.uml ]; then
		echo "no /usr/bin/linux.uml (apt-get install user-mode-linux)"
		return 0
	fi
	if [ ! -d "/usr/lib/uml/modules" ]; then
		echo "no /usr/lib/uml/modules (user-mode-linux package incomplete)"
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "UML tests need root (network namespaces, hostfs output folder)"
		return 0
	fi
	for tool in ip modprobe timeout setsid ps awk pppd; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			echo "missing host tool: $tool"
			return 0
		fi
	done
	if [ ! -e /dev/net/tun ]; then
		echo "no /dev/net/tun"
		return 0
	fi
	if ! uml_range_free 198.51.100. || ! uml_range_free 198.18.0.; then
		echo "the host already uses 198.51.100.0/24 or 198.18.0.0/24"
		return 0
	fi
	return 0
}

uml_require() {
	local reason
	reason=$(uml_skip_reason)
	if [ -n "$reason" ]; then
		tap_skip_all "$reason"
	fi
	_uml_install_trap
}

uml_outdir() {
	local base dir
	base=${UML_OUT_BASE:-${top_builddir:-/var/tmp/sstp-uml}/tests/uml/logs}
	mkdir -p "$base" || return 1
	base=$(cd "$base" && pwd) || return 1
	dir=$base/$1
	rm -rf "$dir"
	mkdir -m 0700 -p "$dir" || return 1
	printf '%s\n' "$dir"
}

uml_netns_create() {
	local ns=$1 tap=$2 cidr=$3
	_uml_install_trap
	ip netns add "$ns" || return 1
	uml_cleanup_push uml_netns_delete "$ns"
	ip -n "$ns" link set lo up || return 1
	ip -n "$ns" tuntap add dev "$tap" mode tap || return 1
	ip -n "$ns" addr add "$cidr" dev "$tap" || return 1
	ip -n "$ns" link set "$tap" up || return 1
}

uml_netns_delete() {
	local ns=$1 pids pid
	# Anything still running in the namespace was started by this test: end it by PID.
	pids=$(ip netns pids "$ns" 2>/dev/null)
	for pid in $pids; do
		kill -TERM "$pid" 2>/dev/null
	done
	[ -z "$pids" ] || sleep 1
	for pid in $(ip netns pids "$ns" 2>/dev/null); do
		kill -KILL "$pid" 2>/dev/null
	done
	ip netns delete "$ns" 2>/dev/null
	return 0
}

uml_run() {
	"$UML_LIB_DIR/uml-run.sh" "$@"
}

# The host side of every guest run: what the guest checked becomes part of this test's TAP
# output, and the guest's exit status is one more check (a guest that died before writing
# its TAP lines still fails the test).
uml_run_guest() {
	local out=$1 script=$2 rc todo
	local -a opts=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	uml_run "${opts[@]}" "$out" "$script" "$@"
	rc=$?
	tap_import "$out/guest.tap"
	# "# TODO" lines are expected failures (known, reported bugs): not counted.
	todo=$(grep -c '^not ok .* # TODO ' "$out/guest.tap" 2>/dev/null)
	TAP_FAILED=$((TAP_FAILED - ${todo:-0}))
	if [ "$rc" -eq 0 ]; then
		tap_ok "guest script passed"
	else
		tap_not_ok "guest script passed (exit $rc)"
		tap_diag_file "$out/guest.log" 30
		tap_diag_file "$out/console.log" 15
	fi
	return "$rc"
}

uml_timing_diag() {
	[ ! -r "$1/timing" ] || tap_diag "$(cat "$1/timing")"
	tap_diag "$(grep 'uml-run:' "$1/console.log")"
}

# 24 letters and digits: distinctive enough that finding it anywhere means it leaked.
uml_random_password() {
	(
		umask 077
		head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 >"$1"
		echo >>"$1"
	)
}
