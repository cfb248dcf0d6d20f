#!/bin/bash
# tests/uml/lib/uml-run.sh - boot a User-Mode-Linux guest, run one script in it, return its status.
#
# Usage:
#   uml-run.sh [--netns NS --tap IFNAME [--guest-addr CIDR]] [--mem SIZE] [--timeout SECONDS]
#              OUTDIR SCRIPT [KEY=VALUE ...]
#
#   OUTDIR      host folder (absolute path without spaces, must exist) that the guest mounts
#               read-write at the same path; logs and results come back through it.
#   SCRIPT      bash script run inside the guest (as root, cwd OUTDIR, in the writable overlay).
#   KEY=VALUE   environment for SCRIPT (values may hold any characters; they travel in
#               OUTDIR/guest.env, not on the kernel command line). UML_OUT, UML_LIB_DIR and
#               UML_SCRIPT are always set.
#   --netns NS --tap IFNAME
#               boot inside network namespace NS (made by the caller, e.g. uml_netns_create),
#               attached to tap IFNAME there: the guest sees it as vec0 (gro=1: without it
#               server-to-client TCP collapses).
#   --guest-addr CIDR   address the guest puts on vec0 before SCRIPT runs (e.g. 198.51.100.2/24).
#   --mem SIZE          guest memory (default 512M).
#   --timeout SECONDS   wall-clock limit for the whole boot-run-poweroff (default 300).
#
# UML_ROOT=DIR (environment): boot DIR instead of the host's / as the guest's root, e.g. the
#               Debian 13 root of tests/platform/debian13-root.sh; its /sbin/uml-host-init runs
#               this folder's guest-init.sh. The source tree (the folder three levels above
#               this one) and $top_builddir are then mounted copy-on-write at their host paths,
#               so that the guest finds the scripts and the programs built for that root.
#
# Exit status: SCRIPT's exit status; 124 when the guest ran out of time; 125 when the guest
# never reported a status (boot or setup failure: see OUTDIR/console.log).
#
# Files in OUTDIR: console.log (kernel and init messages), guest.log (SCRIPT's stdout and
# stderr), status (SCRIPT's exit status), guest.env, uml/ (UML's pid file and mconsole socket).
#
# SSTP_SANITIZER_DIR (environment, set by tests/run-test.sh): the guest gets UBSAN_OPTIONS
# with its reports in OUTDIR/sanitizer/, copied there after the run.
#
# The guest is always run under timeout(1), in its own process group; anything of that group
# still alive afterwards is killed by PID. The guest ends itself with poweroff -f.

set -u

uml_run_usage() {
	sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 125
}

UML_RUN_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) || exit 125
netns= tap= guest_addr= mem=512M limit=300

while [ $# -gt 0 ]; do
	case $1 in
	--netns) netns=$2; shift 2 ;;
	--tap) tap=$2; shift 2 ;;
	--guest-addr) guest_addr=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--timeout) limit=$2; shift 2 ;;
	--help|-h) uml_run_usage ;;
	--) shift; break ;;
	-*) echo "uml-run.sh: unknown option $1" >&2; uml_run_usage ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || uml_run_usage
out=$1 script=$2
shift 2

case $out in
/*) ;;
*) echo "uml-run.sh: OUTDIR must be an absolute path: $out" >&2; exit 125 ;;
esac
case "$out$script$UML_RUN_LIB_DIR" in
*[[:space:]]*) echo "uml-run.sh: paths must not contain spaces" >&2; exit 125 ;;
esac
[ -d "$out" ] || { echo "uml-run.sh: no such folder: $out" >&2; exit 125; }
[ -r "$script" ] || { echo "uml-run.sh: cannot read guest script: $script" >&2; exit 125; }
script=$(cd "$(dirname "$script")" && pwd)/$(basename "$script")
case "$limit" in
'' | *[!0-9]*) echo "uml-run.sh: --timeout needs whole seconds" >&2; exit 125 ;;
esac
if [ -n "$netns" ] && [ -z "$tap" ]; then
	echo "uml-run.sh: --netns needs --tap" >&2
	exit 125
fi
# The guest's /run is its own tmpfs: nothing it must read may live under the host's /run.
case "$out:$script:$UML_RUN_LIB_DIR" in
/run/* | *:/run/*) echo "uml-run.sh: the guest cannot see host paths under /run" >&2; exit 125 ;;
esac

rm -f "$out/status" "$out/status.tmp" "$out/console.log" "$out/guest.log"
rm -rf "$out/uml"
mkdir -p "$out/uml" || exit 125

# The guest's environment: shell-quoted assignments, sourced by guest-init.sh.
{
	printf 'UML_OUT=%q\n' "$out"
	printf 'UML_LIB_DIR=%q\n' "$UML_RUN_LIB_DIR"
	printf 'UML_SCRIPT=%q\n' "$script"
	[ -z "$guest_addr" ] || printf 'UML_GUEST_ADDR=%q\n' "$guest_addr"
	# Sanitizer reports (tests/run-test.sh): written in the guest under OUTDIR, the only
	# folder it can write that the host sees; copied to SSTP_SANITIZER_DIR after the run.
	# The guest runs UBSan-only code (tests/sanitizer.am).
	if [ -n "${SSTP_SANITIZER_DIR:-}" ]; then
		rm -rf "$out/sanitizer" && mkdir -p "$out/sanitizer" || exit 125
		printf 'UBSAN_OPTIONS=%q\n' "log_path=$out/sanitizer/ubsan:halt_on_error=1:print_stacktrace=1:exitcode=23"
	fi
	for kv in "$@"; do
		case $kv in
		[A-Za-z_]*=*) printf '%s=%q\n' "${kv%%=*}" "${kv#*=}" ;;
		*) echo "uml-run.sh: not KEY=VALUE: $kv" >&2; exit 125 ;;
		esac
	done
} >"$out/guest.env" || exit 125
chmod 600 "$out/guest.env"

# Debian 12's linux.uml cannot restore FPU state on hosts with AVX-512/AMX without the
# ptrace shim (see ../uml-xstate-shim.c). Use the one the build made, else compile it here.
shim=${UML_XSTATE_SHIM:-}
# (Not a sanitizer build's: linux.uml has no sanitizer runtime to give it.)
if [ -z "$shim" ] && [ -n "${top_builddir:-}" ] && [ -r "$top_builddir/tests/uml/.libs/uml-xstate-shim.so" ] &&
	! grep -qa -e 'libasan\.so' -e 'libubsan\.so' "$top_builddir/tests/uml/.libs/uml-xstate-shim.so"; then
	shim=$top_builddir/tests/uml/.libs/uml-xstate-shim.so
fi
if [ -z "$shim" ]; then
	shim=$out/uml/uml-xstate-shim.so
	if ! ${CC:-cc} -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -shared -fPIC -o "$shim" \
		"$UML_RUN_LIB_DIR/../uml-xstate-shim.c" -ldl >"$out/uml/shim-build.log" 2>&1; then
		echo "uml-run.sh: cannot build the ptrace shim (see $out/uml/shim-build.log); trying without" >&2
		shim=
	fi
fi
preload=()
[ -z "$shim" ] || preload=(env "LD_PRELOAD=$shim")

# Another root: the guest cannot see host paths until guest-init.sh mounts them.
root=${UML_ROOT:-/} init=$UML_RUN_LIB_DIR/guest-init.sh host_dirs=
if [ "$root" != / ]; then
	[ -x "$root/sbin/uml-host-init" ] || {
		echo "uml-run.sh: $root has no /sbin/uml-host-init (tests/platform/debian13-root.sh makes it)" >&2
		exit 125
	}
	init=/sbin/uml-host-init
	host_dirs=$(cd "$UML_RUN_LIB_DIR/../../.." && pwd)
	if [ -n "${top_builddir:-}" ]; then
		host_dirs=$host_dirs:$(cd "$top_builddir" && pwd)
	fi
	case "$root$host_dirs" in
	*[[:space:]]*) echo "uml-run.sh: paths must not contain spaces" >&2; exit 125 ;;
	esac
fi

umid=sstp-$$-$RANDOM
cmd=("${preload[@]}" /usr/bin/linux.uml "mem=$mem" root=/dev/root rootfstype=hostfs "rootflags=$root" ro
	"init=$init" con=null con0=fd:0,fd:1
	"umid=$umid" "uml_dir=$out/uml"
	"UML_OUT=$out" "UML_LIB_DIR=$UML_RUN_LIB_DIR")
[ -z "$host_dirs" ] || cmd+=("UML_HOST_DIRS=$host_dirs")
if [ -n "$tap" ]; then
	cmd+=("vec0:transport=tap,ifname=$tap,gro=1")
fi
prefix=()
if [ -n "$netns" ]; then
	prefix=(ip netns exec "$netns")
fi

# timeout(1) puts itself and linux.uml in a new process group; $! is its PID and so the
# group's ID. ip netns exec execs its command, so the PID stays the same.
uml_group=
uml_run_reap() {
	local pids pid
	[ -n "$uml_group" ] || return 0
	pids=$(ps -e -o pid=,pgid= | awk -v g="$uml_group" '$2 == g { print $1 }')
	for pid in $pids; do
		kill -KILL "$pid" 2>/dev/null
	done
	uml_group=
}
uml_run_interrupted() {
	uml_run_reap
	exit 124
}
trap uml_run_interrupted INT TERM HUP

start=$(date +%s.%N)
TMPDIR=/dev/shm "${prefix[@]}" timeout -k 10 "$limit" "${cmd[@]}" </dev/null >"$out/console.log" 2>&1 &
uml_group=$!
wait "$uml_group"
rc=$?
end=$(date +%s.%N)
# Guest processes are host processes in that group; none may outlive the run.
sleep 0.2
uml_run_reap
trap - INT TERM HUP
awk -v a="$start" -v b="$end" 'BEGIN { printf "\numl-run: %.1f s from start to power-off\n", b - a }' >>"$out/console.log"

if [ -n "${SSTP_SANITIZER_DIR:-}" ] && [ -d "$out/sanitizer" ]; then
	for f in "$out"/sanitizer/*; do
		[ -s "$f" ] && cp "$f" "$SSTP_SANITIZER_DIR/$(basename "$out")-guest-$(basename "$f")"
	done
	# A report the runtime could not write to its file (UBSan in the sandboxed worker
	# starts at its first report, when open() is refused) still shows on stderr, which
	# the guest's logs keep.
	grep -s -a -H -E "runtime error: |ERROR: [A-Za-z]*Sanitizer|Can't open file: $out/sanitizer" \
		"$out"/*.log >"$SSTP_SANITIZER_DIR/$(basename "$out")-guest-logs" || true
fi

if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "uml-run.sh: guest did not finish within $limit s (see $out/console.log)" >&2
	exit 124
fi
if [ ! -s "$out/status" ]; then
	echo "uml-run.sh: guest reported no status (linux.uml exit $rc; see $out/console.log)" >&2
	exit 125
fi
status=$(cat "$out/status")
case $status in
'' | *[!0-9]*) echo "uml-run.sh: bad status '$status'" >&2; exit 125 ;;
esac
exit "$status"
