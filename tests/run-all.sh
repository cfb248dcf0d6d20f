#!/bin/sh
# Build from scratch and run every test: unit tests, end-to-end tests in
# User-Mode Linux (make check) on Debian 12 in a sanitizer build, make distcheck (the release
# tarball built and tested out of tree), a bounded run of every fuzz target, and the
# same tests on Debian 13 (tests/platform/run-debian13.sh: its own root, built once and
# cached, the project built inside it).
# Usage (as root on Debian 12): tests/run-all.sh
# FUZZ_SECONDS (default 30) bounds each fuzz target.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$srcdir/_build}
fuzzbuild=${FUZZ_BUILD_DIR:-$srcdir/_build-fuzz}
fuzz_seconds=${FUZZ_SECONDS:-30}
jobs=$(nproc 2>/dev/null || echo 2)

"$srcdir/tests/install-deps.sh" || exit 1

cd "$srcdir" && NOCONFIGURE=1 ./autogen.sh >/dev/null 2>&1 || { echo "autogen failed"; exit 1; }

mkdir -p "$build" && cd "$build" || exit 1
"$srcdir/configure" --enable-werror >configure.out 2>&1 || { tail -30 configure.out; exit 1; }
make -j"$jobs" >make.out 2>&1 || { tail -60 make.out; exit 1; }
# Debian 12's make check runs in a sanitizer build (README.md, "Sanitizers"): ASan, UBSan and
# LeakSanitizer over the same tests, any report fails one. The plain build above is only
# built; Debian 13 below runs its make check.
sanbuild=${SAN_BUILD_DIR:-$srcdir/_build-san}
mkdir -p "$sanbuild" && cd "$sanbuild" || exit 1
"$srcdir/configure" --enable-werror --enable-sanitizers >configure.out 2>&1 || { tail -30 configure.out; exit 1; }
make -j"$jobs" >make.out 2>&1 || { tail -60 make.out; exit 1; }
debian12_start=$(date +%s)
make -j"$jobs" check >check.out 2>&1
check_status=$?
# Per-test results from the TAP driver
grep -E '^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR):' check.out | grep -v '^PASS' || true
for log in $(find . -name '*.log' ! -name config.log ! -name test-suite.log); do
    if grep -q '^not ok' "$log" 2>/dev/null; then echo "---- $log"; grep -B2 -A20 '^not ok' "$log" | head -60; fi
done
sed -n '/^=\{10,\}$/,/^=\{10,\}$/p' check.out | grep -E '^# ' || true
echo "debian12 (pppd $(pppd --version 2>&1 | awk '{print $NF}'), NetworkManager $(NetworkManager --version)): make check with sanitizers $(($(date +%s) - debian12_start)) s"

# The release tarball: make distcheck builds it, then configures, builds, tests (make check:
# the UML tests are skipped there, they just ran from this tree), installs and uninstalls it
# out of tree with a read-only source. About 5 minutes on 2 cores.
cd "$build" || exit 1
distcheck_start=$(date +%s)
if SSTP_TESTS_SKIP_UML=1 make -j"$jobs" distcheck >distcheck.out 2>&1; then
    distcheck_pass=1 distcheck_fail=0
else
    distcheck_pass=0 distcheck_fail=1
    grep -E '^(FAIL|ERROR|XPASS):' distcheck.out; tail -40 distcheck.out
fi
echo "distcheck: $([ $distcheck_fail = 0 ] && echo passed || echo FAILED)," \
    "$(($(date +%s) - distcheck_start)) s ($(grep -h '^# PASS:' distcheck.out | awk '{print $3}') tests passed from the tarball)"

# Fuzzing: a separate instrumented build of the parsers only.
mkdir -p "$fuzzbuild" && cd "$fuzzbuild" || exit 1
fuzz_status=0
if "$srcdir/configure" CC=clang CFLAGS="-g -O1 -fsanitize=fuzzer-no-link,address,undefined" \
        --enable-fuzzing --without-gnome >configure.out 2>&1 \
   && make -j"$jobs" fuzz-targets >make.out 2>&1; then
    "$srcdir/tests/fuzz/run-fuzzers.sh" "$fuzzbuild" "$srcdir" "$fuzz_seconds" | tee fuzz.out
    fuzz_status=$?
    fuzz_pass=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' fuzz.out)
    fuzz_fail=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' fuzz.out)
else
    tail -40 configure.out make.out; fuzz_status=1; fuzz_pass=0; fuzz_fail=1
fi

# The second platform: Debian 13 (pppd 2.5, NetworkManager 1.52), built inside its own root
# and tested there, User-Mode Linux guests included (tests/platform/run-debian13.sh).
platform_start=$(date +%s)
BUILD_DIR=$build "$srcdir/tests/platform/run-debian13.sh" | tee "$build/debian13.out"
d13_status=$?
d13_line=$(grep '^debian13: [0-9]* passed, [0-9]* failed, [0-9]* skipped$' "$build/debian13.out")
d13_pass=$(echo "$d13_line" | awk '{print $2}')
d13_fail=$(echo "$d13_line" | awk '{print $4}')
d13_skip=$(echo "$d13_line" | awk '{print $6}')
[ -n "$d13_line" ] || d13_fail=1
[ $d13_status -eq 0 ] || [ "${d13_fail:-0}" -gt 0 ] || d13_fail=1
echo "debian13: $(($(date +%s) - platform_start)) s"

# One closing line over everything: make check's TAP results (Debian 12), make distcheck
# (one result), the fuzzers and the Debian 13 platform.
cd "$sanbuild" || exit 1
sum() { grep -h "^# $1:" check.out | awk '{s+=$3} END {print s+0}'; }
pass=$(( $(sum PASS) + $(sum XFAIL) + distcheck_pass + ${fuzz_pass:-0} + ${d13_pass:-0} ))
fail=$(( $(sum FAIL) + $(sum XPASS) + $(sum ERROR) + distcheck_fail + ${fuzz_fail:-0} + ${d13_fail:-0} ))
skip=$(( $(sum SKIP) + ${d13_skip:-0} ))
[ $check_status -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "$pass passed, $fail failed, $skip skipped"
[ $check_status -eq 0 ] && [ $distcheck_fail -eq 0 ] && [ $fuzz_status -eq 0 ] && [ "${d13_fail:-1}" -eq 0 ]
