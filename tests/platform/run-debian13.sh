#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/platform/run-debian13.sh - the second test platform: Debian 13 (trixie) with
# pppd 2.5, NetworkManager 1.52, OpenSSL 3.5 and GTK 4 of trixie.
#
# Usage (root, from anywhere): tests/platform/run-debian13.sh [TEST...]
#   1. debian13-root.sh gives the cached Debian 13 root (built once, from Debian's packages).
#   2. The project is built inside that root (a throw-away overlay of it, in private mount,
#      PID and network namespaces) against trixie's own headers and libraries, into
#      $DEBIAN13_BUILD_DIR (default SRCDIR/_build-debian13).
#   3. Every test that does not need User-Mode Linux runs there too (make check with those
#      tests: unit tests, the GTK4 editor under Xvfb, the auth dialog, nmcli import/export).
#   4. Every test that boots User-Mode Linux (those that source tests/uml/lib/uml.sh) runs
#      from the host as on Debian 12, with UML_ROOT set to the Debian 13 root: the guest is
#      Debian 13 with the programs built in step 2; the servers on the host side (SoftEther)
#      are the same as on Debian 12.
# TEST... limits step 4 to those scripts (paths relative to SRCDIR) and skips step 3.
# Prints TAP-style lines per test and ends with "debian13: N passed, N failed, N skipped".
# Logs: BUILD/check-chroot.out, BUILD/tests/uml/logs/, BUILD/platform-logs/.
set -u
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
here=$srcdir/tests/platform
build=${DEBIAN13_BUILD_DIR:-$srcdir/_build-debian13}
host_build=${BUILD_DIR:-$srcdir/_build}
jobs=$(nproc 2>/dev/null || echo 2)
pass=0 fail=0 skip=0

summary() {
	echo "debian13: $pass passed, $fail failed, $skip skipped"
}
die() {
	echo "not ok - debian13: $*"
	fail=$((fail + 1))
	summary
	exit 1
}

root=$("$here/debian13-root.sh") || die "cannot build the Debian 13 root"
# The generated autotools files come from the host's autotools (the root has other
# versions): regenerate them here when a .am or configure.ac is newer, as make would.
if [ ! -x "$srcdir/configure" ] || [ -n "$(find "$srcdir" -path "$srcdir/_build*" -prune -o \
	\( -name '*.am' -o -name configure.ac \) -newer "$srcdir/Makefile.in" -print 2>/dev/null)" ]; then
	(cd "$srcdir" && NOCONFIGURE=1 ./autogen.sh >/dev/null 2>&1) || die "autogen.sh failed"
fi
mkdir -p "$build" "$build/platform-logs" || die "cannot create $build"
case "$srcdir$build$root" in
*[[:space:]]*) die "paths must not contain spaces" ;;
esac

# Run "$@" inside a writable overlay of the root, with the source and build trees at their
# host paths, in private mount, PID and network namespaces (only loopback): nothing it
# starts outlives it, nothing it does reaches the host's network or the cached root.
in_root() {
	unshare --mount --propagation private --pid --fork --kill-child --net \
		/bin/bash -s "$root" "$srcdir" "$build" "$@" <<'INNER'
set -eu
root=$1 srcdir=$2 build=$3
shift 3
# A tmpfs over /mnt, seen only in this mount namespace: nothing is created on the host.
top=/mnt
mount -t tmpfs tmpfs "$top"
mkdir -p "$top/upper" "$top/work" "$top/root"
mount -t overlay overlay -o "lowerdir=$root,upperdir=$top/upper,workdir=$top/work" "$top/root"
r=$top/root
mount -t proc proc "$r/proc"
mount -t sysfs sysfs "$r/sys"
mount --rbind /dev "$r/dev"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
mount -t tmpfs -o mode=1777 tmpfs "$r/dev/shm"
mount -t tmpfs -o mode=0755 tmpfs "$r/run"
mkdir -p "$r$srcdir" "$r$build"
mount --bind "$srcdir" "$r$srcdir"
mount --bind "$build" "$r$build"
ip link set lo up
[ -s "$r/etc/machine-id" ] || echo 0123456789abcdef0123456789abcdef >"$r/etc/machine-id"
cd "$r$build"
exec chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	LANG=C.UTF-8 LC_ALL=C.UTF-8 /bin/bash -c 'cd "$1" && shift && exec "$@"' sh "$build" "$@"
INNER
}

# ---- 2. build -----------------------------------------------------------------------------
start=$(date +%s)
if in_root sh -c "'$srcdir/configure' --enable-werror >configure.out 2>&1 && make -j$jobs >make.out 2>&1 && make -j$jobs check TESTS= >make-check-build.out 2>&1"; then
	echo "ok - debian13: built against $(in_root sh -c 'echo pppd $(pkg-config --modversion pppd), libnm $(pkg-config --modversion libnm), OpenSSL $(pkg-config --modversion openssl), GTK $(pkg-config --modversion gtk4)') in $(($(date +%s) - start)) s"
	pass=$((pass + 1))
else
	tail -n 40 "$build/configure.out" "$build/make.out" "$build/make-check-build.out" 2>/dev/null | sed 's/^/# /'
	die "the build inside the Debian 13 root failed"
fi
grep -q '^#define PPPD_API_2_5 1' "$build/config.h" || die "configure did not find pppd 2.5 in the Debian 13 root"

# Tests that boot User-Mode Linux: one rule (they source lib/uml.sh), no second list.
all_tests=$(make -s -C "$build" -f Makefile -f - print-tests <<<'print-tests: ; @echo $(TESTS)')
uml_tests= chroot_tests=
for t in $all_tests; do
	if grep -q 'lib/uml\.sh"' "$srcdir/$t" 2>/dev/null; then
		uml_tests="$uml_tests $t"
	else
		chroot_tests="$chroot_tests $t"
	fi
done
[ $# -eq 0 ] || uml_tests=$*

skipped_note() {
	[ "$1" -eq 0 ] || echo ", $1 skipped"
}
report() { # NAME PASSED FAILED SKIPPED LOG: add one test to the totals and say how it went
	local name=$1 p=$2 f=$3 s=$4 log=$5
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	if [ "$f" -gt 0 ]; then
		echo "not ok - debian13: $name ($p passed, $f failed; log: $log)"
		grep -B2 -A15 -E '^(not ok |ERROR|FAIL)' "$log" | grep -v '# TODO' | head -40 | sed 's/^/# /'
	else
		echo "ok - debian13: $name ($p passed$(skipped_note "$s"))"
	fi
	grep -E '^1\.\.0 # SKIP|^ok .*# SKIP' "$log" | sed "s|^|# $name: |"
}
count_log() { # NAME LOG STATUS: a test script's TAP lines (and its exit status)
	local name=$1 log=$2 status=$3 p f s
	p=$(grep -c '^ok ' "$log")
	s=$(grep -c -E '^ok .*# SKIP|^1\.\.0 # SKIP' "$log")
	f=$(grep -E '^not ok ' "$log" | grep -vc '# TODO')
	p=$((p - $(grep -c '^ok .*# SKIP' "$log")))
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	report "$name" "$p" "$f" "$s" "$log"
}

# ---- 3. tests without UML, inside the root ------------------------------------------------
if [ $# -eq 0 ]; then
	in_root make -j"$jobs" check TESTS="$chroot_tests" >"$build/check-chroot.out" 2>&1
	status=$?
	# automake's .trs files hold each result, ERRORs (a crash, too few tests) included.
	for t in $chroot_tests; do
		trs=$build/${t%.sh}.trs log=$build/${t%.sh}.log
		[ -r "$trs" ] || trs=$build/$t.trs log=$build/$t.log
		if [ ! -r "$trs" ]; then
			echo "not ok - debian13: $t left no result"
			fail=$((fail + 1))
			continue
		fi
		report "$t" "$(grep -c -E '^:test-result: (PASS|XFAIL)' "$trs")" \
			"$(grep -c -E '^:test-result: (FAIL|XPASS|ERROR)' "$trs")" \
			"$(grep -c '^:test-result: SKIP' "$trs")" "$log"
	done
	if [ $status -ne 0 ] && [ $fail -eq 0 ]; then
		tail -n 30 "$build/check-chroot.out" | sed 's/^/# /'
		die "make check inside the Debian 13 root failed"
	fi
fi

# ---- 4. UML tests: the host's harness and servers, the Debian 13 root as the guest -------
# The ptrace shim is LD_PRELOADed into the host's linux.uml: it must be the host's build.
shim=$host_build/tests/uml/.libs/uml-xstate-shim.so
[ -r "$shim" ] || shim=
run_uml_test() {
	local t=$1 log name
	name=$(basename "$t" .sh)
	log=$build/platform-logs/$name.log
	env top_builddir="$build" top_srcdir="$srcdir" UML_ROOT="$root" \
		${shim:+UML_XSTATE_SHIM="$shim"} SSTP_TEST_PLATFORM=debian13 \
		bash "$srcdir/$t" >"$log" 2>&1
	echo $? >"$log.status"
}
running=0
for t in $uml_tests; do
	run_uml_test "$t" &
	running=$((running + 1))
	if [ $running -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
for t in $uml_tests; do
	log=$build/platform-logs/$(basename "$t" .sh).log
	count_log "$t" "$log" "$(cat "$log.status" 2>/dev/null || echo 1)"
done
summary
[ $fail -eq 0 ]
