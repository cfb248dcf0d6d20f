#!/bin/sh
# Build from scratch and run every test: unit tests, end-to-end tests in
# User-Mode Linux (make check), and a bounded run of every fuzz target.
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
make -j"$jobs" check >check.out 2>&1
check_status=$?
# Per-test results from the TAP driver
grep -E '^(PASS|FAIL|XFAIL|XPASS|SKIP|ERROR):' check.out | grep -v '^PASS' || true
for log in $(find . -name '*.log' ! -name config.log ! -name test-suite.log); do
    if grep -q '^not ok' "$log" 2>/dev/null; then echo "---- $log"; grep -B2 -A20 '^not ok' "$log" | head -60; fi
done
sed -n '/^=\{10,\}$/,/^=\{10,\}$/p' check.out | grep -E '^# ' || true

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

# pppd 2.5: the plugin must keep compiling against its API (headers from
# Debian 13's ppp-dev, downloaded into a temporary folder, not installed).
"$srcdir/tests/check-pppd-2.5.sh" "$srcdir" | tee "$build/pppd25.out"
p25_pass=$(grep -c '^ok ' "$build/pppd25.out")
p25_fail=$(grep -c '^not ok ' "$build/pppd25.out")

# One closing line over everything: make check's TAP results, the fuzzers
# and the pppd 2.5 build.
cd "$build" || exit 1
sum() { grep -h "^# $1:" check.out | awk '{s+=$3} END {print s+0}'; }
pass=$(( $(sum PASS) + $(sum XFAIL) + ${fuzz_pass:-0} + p25_pass ))
fail=$(( $(sum FAIL) + $(sum XPASS) + $(sum ERROR) + ${fuzz_fail:-0} + p25_fail ))
skip=$(sum SKIP)
[ $check_status -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "$pass passed, $fail failed, $skip skipped"
[ $check_status -eq 0 ] && [ $fuzz_status -eq 0 ] && [ "$p25_fail" -eq 0 ]
