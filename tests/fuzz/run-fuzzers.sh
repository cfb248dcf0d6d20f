#!/bin/sh
# Run every built fuzz target for a bounded time on its seed corpus.
# Usage: run-fuzzers.sh [--long] BUILDDIR SRCDIR [SECONDS] [TARGET...]
#   SECONDS   per target (default 30; CI's bounded run)
#   --long    the on-demand long run: 1200 s (20 min) per target unless SECONDS is
#             given; afterwards each target's corpus (seeds + what it found) is
#             minimised with -merge=1 into BUILDDIR/fuzz-corpus/NAME/, to review
#             and copy into tests/fuzz/corpus/NAME/ when it adds coverage
#   TARGET    only these (e.g. import tunnel-options); default every fuzz-* built
# Prints each target's executions, exec/s and coverage (cov: edges, ft: features).
# Fails (exit 1) on any crash, leak or sanitizer report.
set -u
long=no
if [ "${1:-}" = "--long" ]; then long=yes; shift; fi
[ $# -ge 2 ] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
builddir=$1 srcdir=$2
if [ $long = yes ]; then seconds=${3:-1200}; else seconds=${3:-30}; fi
[ $# -ge 3 ] && shift 3 || shift $#
only=$*
status=0 ran=0 failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for bin in "$builddir"/tests/fuzz/fuzz-*; do
    [ -x "$bin" ] || continue
    case "$bin" in *.o|*.c) continue ;; esac
    name=$(basename "$bin"); name=${name#fuzz-}
    if [ -n "$only" ]; then
        case " $only " in *" $name "*) ;; *) continue ;; esac
    fi
    seeds="$srcdir/tests/fuzz/corpus/$name"
    mkdir -p "$work/$name"
    [ -d "$seeds" ] && cp -r "$seeds"/. "$work/$name"/
    echo "== fuzz-$name: ${seconds}s"
    ran=$((ran + 1))
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
              -artifact_prefix="$work/" "$work/$name" >"$work/$name.log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$name.log")
        cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE|INITED)' "$work/$name.log" | tail -1 |
              sed -n 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*\(corp: [0-9/]*[a-zA-Z]*\).*/\1 \2 \3/p')
        echo "fuzz-$name: ${execs:-?} runs, ${rate:-?} exec/s, $cov"
        if [ $long = yes ]; then
            rm -rf "$builddir/fuzz-corpus/$name" && mkdir -p "$builddir/fuzz-corpus/$name"
            "$bin" -merge=1 "$builddir/fuzz-corpus/$name" "$work/$name" >"$work/$name.merge" 2>&1 &&
                echo "fuzz-$name: minimised corpus $(ls "$builddir/fuzz-corpus/$name" | wc -l) files in $builddir/fuzz-corpus/$name"
        fi
    else
        failed=$((failed + 1)); status=1
        echo "fuzz-$name FAILED:"; tail -40 "$work/$name.log"
        for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
            [ -e "$crash" ] || continue
            mkdir -p "$builddir/fuzz-artifacts" && cp "$crash" "$builddir/fuzz-artifacts/$name-$(basename "$crash")" &&
                echo "input kept: $builddir/fuzz-artifacts/$name-$(basename "$crash")"; rm -f "$crash"
        done
    fi
done
echo "fuzz: $((ran - failed)) passed, $failed failed"
[ "$ran" -gt 0 ] || { echo "no fuzz target was built"; exit 1; }
exit $status
