#!/bin/sh
# Run every built fuzz target for a bounded time on its seed corpus.
# Usage: run-fuzzers.sh BUILDDIR SRCDIR [SECONDS]
# Fails (exit 1) on any crash, leak or sanitizer report.
set -u
builddir=$1 srcdir=$2 seconds=${3:-30}
status=0 ran=0 failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for bin in "$builddir"/tests/fuzz/fuzz-*; do
    [ -x "$bin" ] || continue
    case "$bin" in *.o|*.c) continue ;; esac
    name=$(basename "$bin"); name=${name#fuzz-}
    seeds="$srcdir/tests/fuzz/corpus/$name"
    mkdir -p "$work/$name"
    [ -d "$seeds" ] && cp -r "$seeds"/. "$work/$name"/
    echo "== fuzz-$name: ${seconds}s"
    ran=$((ran + 1))
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
              -artifact_prefix="$work/" "$work/$name" >"$work/$name.log" 2>&1; then
        grep -E '^(stat::number_of_executed_units|Done)' "$work/$name.log" | tail -2
    else
        failed=$((failed + 1)); status=1
        echo "fuzz-$name FAILED:"; tail -40 "$work/$name.log"
    fi
done
echo "fuzz: $((ran - failed)) passed, $failed failed"
[ "$ran" -gt 0 ] || { echo "no fuzz target was built"; exit 1; }
exit $status
