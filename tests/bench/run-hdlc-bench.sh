#!/bin/bash
# tests/bench/run-hdlc-bench.sh - the host-only HDLC framing microbenchmark (hdlc-bench.c):
# builds tests/bench/hdlc-bench in the build tree when it is missing, then runs it for a few
# frame sizes. Needs no root and no UML. Figures depend on the host's load: compare runs
# made one right after the other on the same machine.
#
# Usage (from a build tree, or with --builddir):
#   tests/bench/run-hdlc-bench.sh [--builddir DIR] [--megabytes N] [FRAME_SIZE...]
#   defaults: $top_builddir or ., 200 MB, frame sizes 1400 64 (full-size and small packets)

set -u
builddir=${top_builddir:-.}
megabytes=200
sizes=()

while [ $# -gt 0 ]; do
	case $1 in
	--builddir) builddir=${2:-}; shift 2 ;;
	--megabytes) megabytes=${2:-}; shift 2 ;;
	-h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-hdlc-bench.sh: unknown option $1" >&2; exit 2 ;;
	*) sizes+=("$1"); shift ;;
	esac
done
[ ${#sizes[@]} -gt 0 ] || sizes=(1400 64)
case $megabytes in '' | *[!0-9]* | 0) echo "run-hdlc-bench.sh: --megabytes: a whole number > 0" >&2; exit 2 ;; esac
for s in "${sizes[@]}"; do
	case $s in '' | *[!0-9]* | 0) echo "run-hdlc-bench.sh: frame size must be a whole number > 0: $s" >&2; exit 2 ;; esac
done

cd "$builddir" 2>/dev/null || { echo "run-hdlc-bench.sh: no build tree at $builddir" >&2; exit 1; }
if [ ! -x tests/bench/hdlc-bench ]; then
	make tests/bench/hdlc-bench >&2 || { echo "run-hdlc-bench.sh: cannot build tests/bench/hdlc-bench in $PWD" >&2; exit 1; }
fi
rc=0
for s in "${sizes[@]}"; do
	tests/bench/hdlc-bench "$megabytes" "$s" || rc=1
	echo
done
exit "$rc"
