#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/run-host-bench.sh - the worker's data path on the host: nm-sstp-tunnel between
# host-bench's pppd stand-in (HDLC frames on the pty, one write per frame as pppd does) and its
# small TLS server on 127.0.0.1, both directions, everything on one core; next to
# `openssl speed -evp aes-256-gcm` on that core at the record sizes the worker uses. No UML,
# no kernel PPP, no root needed (as root the worker drops to a dynamic uid as usual).
# Not a test: figures to rerun by hand.
#
# Usage (from a build tree): tests/bench/run-host-bench.sh [--megabytes 200] [--frame 1400]
#                                                          [--cpu 0] [--rounds 3]
# CPU figures are CPU seconds (the worker's utime+stime from /proc; openssl speed's user
# time), so they hold on a busy machine better than MB/s of wall time, which does not.
set -u
mb=200 frame=1400 cpu=0 rounds=3
while [ $# -gt 0 ]; do
	case $1 in
	--megabytes) mb=$2; shift 2 ;;
	--frame) frame=$2; shift 2 ;;
	--cpu) cpu=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	*) echo "usage: $0 [--megabytes N] [--frame N] [--cpu N] [--rounds N]" >&2; exit 2 ;;
	esac
done
build=${top_builddir:-.}
tunnel=$build/src/tunnel/nm-sstp-tunnel
bench=$build/tests/bench/host-bench
[ -x "$bench" ] || make -C "$build" tests/bench/host-bench >/dev/null || exit 1
[ -x "$tunnel" ] || { echo "$tunnel is not built" >&2; exit 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq "$rounds"); do
	for d in up down; do
		"$bench" --tunnel "$tunnel" --bytes "$mb" --frame "$frame" --dir "$d" --cpu "$cpu" \
			2>/dev/null | sed "s/^/$d /" >>"$out"
	done
done
# openssl speed: user CPU time per byte, on the same core, at the worker's record sizes
# (up: one SSTP packet per record when pppd's frames come one at a time; down: 16 KiB).
rec=$((frame + 8))
aes=$(taskset -c "$cpu" openssl speed -evp aes-256-gcm -bytes "$rec" -seconds 2 2>/dev/null |
	awk '/^AES-256-GCM/ { sub(/k$/, "", $2); printf "%.0f", $2 / 1000 }')
aes16=$(taskset -c "$cpu" openssl speed -evp aes-256-gcm -bytes 16384 -seconds 2 2>/dev/null |
	awk '/^AES-256-GCM/ { sub(/k$/, "", $2); printf "%.0f", $2 / 1000 }')

echo "Host data path: nm-sstp-tunnel, $mb MB each way, $frame-byte IP frames, all on CPU $cpu;"
echo "median of $rounds; $(date -u +%Y-%m-%d), $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"
echo "$(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version | cut -d' ' -f1-2), cipher $(field cipher <"$out" | head -1)"
printf '%-44s %12s %12s\n' "" up down
for d in up down; do
	eval "${d}_mbs=\$(grep '^$d ' \"\$out\" | field worker_MB_per_cpu_s | median)"
	eval "${d}_ms=\$(grep '^$d ' \"\$out\" | field worker_cpu_ms_per_MB | median)"
	eval "${d}_wall=\$(grep '^$d ' \"\$out\" | field MB_per_s | median)"
	eval "${d}_hwm=\$(grep '^$d ' \"\$out\" | field worker_hwm_kb | median)"
	eval "${d}_pd=\$(grep '^$d ' \"\$out\" | field worker_private_dirty_kb | median)"
done
printf '%-44s %12s %12s\n' "worker CPU ms per MB" "$up_ms" "$down_ms"
printf '%-44s %12s %12s\n' "worker MB per CPU second" "$up_mbs" "$down_mbs"
printf '%-44s %12s %12s\n' "AES-256-GCM MB per CPU second (openssl speed)" "${aes:-?} ($rec B)" "${aes16:-?} (16 KiB)"
awk -v u="$up_mbs" -v d="$down_mbs" -v a="${aes:-0}" -v b="${aes16:-0}" 'BEGIN {
	if (a > 0 && b > 0)
		printf "%-44s %11.1f%% %11.1f%%\n", "worker / AES-256-GCM", 100 * u / a, 100 * d / b }'
printf '%-44s %12s %12s\n' "MB/s wall (the stand-in and server share the core)" "$up_wall" "$down_wall"
printf '%-44s %12s %12s\n' "worker VmHWM / Private_Dirty (KiB)" "$up_hwm/$up_pd" "$down_hwm/$down_pd"
echo "raw: up_mb_per_cpu_s=$up_mbs down_mb_per_cpu_s=$down_mbs aes_record_mb_per_cpu_s=${aes:-} aes_16k_mb_per_cpu_s=${aes16:-} up_ms_per_mb=$up_ms down_ms_per_mb=$down_ms hwm_kb=$up_hwm private_dirty_kb=$up_pd"
