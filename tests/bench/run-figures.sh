#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/run-figures.sh - every benchmark of tests/bench in one go, and one Markdown table
# of their figures (ours, the other, ratio) for tests/bench/README.md:
#   run-bench.sh against SoftEther and against the strict server (ours vs sstpc),
#   run-connect-bench.sh (nmcli up: ours vs the old plugin),
#   run-host-bench.sh (the worker on the host vs openssl speed aes-256-gcm).
# Needs root and what those need (see README.md). Not a test.
#
# Usage (from a build tree): tests/bench/run-figures.sh [--bytes 100M] [--rounds 3]
#                              [--only "softether strict connect host"] [--report DIR]
# --report DIR: only the table again, from an earlier run's DIR.
# Output: the table on stdout and in DIR/figures.md; DIR = BUILDDIR/tests/bench/logs/figures.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bytes=100M rounds=3 only="softether strict connect host" report=
while [ $# -gt 0 ]; do
	case $1 in
	--bytes) bytes=$2; shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	--report) report=$2; shift 2 ;;
	*) echo "usage: $0 [--bytes N] [--rounds N] [--only LIST] [--report DIR]" >&2; exit 2 ;;
	esac
done
build=$(cd "${top_builddir:-.}" && pwd)
out=${report:-$build/tests/bench/logs/figures}

if [ -z "$report" ]; then
	rm -rf "$out"
	mkdir -p "$out"
	for what in $only; do
		case $what in
		softether | strict)
			top_builddir=$build "$here/run-bench.sh" --server "$what" --bytes "$bytes" \
				--rounds "$rounds" --out "$out/$what" >"$out/$what.log" 2>&1 ;;
		connect)
			top_builddir=$build "$here/run-connect-bench.sh" --rounds "$rounds" \
				>"$out/connect.log" 2>&1
			cp "$build/tests/uml/logs/connect-bench/raw.txt" "$out/connect-raw.txt" 2>/dev/null
			cp "$build/tests/uml/logs/connect-bench/results.txt" "$out/connect-results.txt" 2>/dev/null ;;
		host)
			top_builddir=$build "$here/run-host-bench.sh" --rounds "$rounds" >"$out/host.txt" 2>&1 ;;
		esac
	done
fi

# median of CLIENT.*.KEY in a run-bench raw.txt
med() {
	sed -n "s/^$2\.[0-9]*\.$3=//p" "$1" 2>/dev/null | grep -E '^[0-9.]+$' | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%g", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
cmed() {
	sed -n "s/^$2\.$3\.[0-9]*=//p" "$1" 2>/dev/null | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) printf "%g", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "" && b != "" && b > 0) printf "%.2fx", a / b; else printf "-" }'; }
line() { printf '| %s | %s | %s | %s |\n' "$1" "${2:--}" "${3:--}" "$(ratio "$2" "$3")"; }
hostval() { sed -n "s/^raw: .*$1=\([^ ]*\).*/\1/p" "$out/host.txt"; }

{
	echo "Figures of $(date -u -r "$out" +%Y-%m-%d 2>/dev/null || date -u +%Y-%m-%d), $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs;"
	echo "commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'); medians of $rounds round(s); ratio = ours / other."
	echo
	echo "| figure | ours | other | ratio |"
	echo "| --- | --- | --- | --- |"
	for s in softether strict; do
		raw=$out/$s/raw.txt
		[ -r "$raw" ] || continue
		line "$s: setup, start -> address on ppp0 (s) vs sstpc" "$(med "$raw" ours setup)" "$(med "$raw" sstpc setup)"
		line "$s: Mbit/s up vs sstpc" "$(med "$raw" ours up.mbit)" "$(med "$raw" sstpc up.mbit)"
		line "$s: Mbit/s down vs sstpc" "$(med "$raw" ours down.mbit)" "$(med "$raw" sstpc down.mbit)"
		line "$s: tunnel CPU s per 100 MB up vs sstpc" "$(med "$raw" ours up.cpu)" "$(med "$raw" sstpc up.cpu)"
		line "$s: tunnel CPU s per 100 MB down vs sstpc" "$(med "$raw" ours down.cpu)" "$(med "$raw" sstpc down.cpu)"
		line "$s: peak RSS KiB vs sstpc" "$(med "$raw" ours hwm)" "$(med "$raw" sstpc hwm)"
		[ -z "$(med "$raw" ours rtt)" ] ||
			line "$s: ping RTT ms, idle tunnel, vs sstpc" "$(med "$raw" ours rtt)" "$(med "$raw" sstpc rtt)"
		[ -z "$(med "$raw" ours pd)" ] ||
			line "$s: private dirty KiB vs sstpc" "$(med "$raw" ours pd)" "$(med "$raw" sstpc pd)"
	done
	if [ -r "$out/connect-raw.txt" ]; then
		for s in silent inform; do
			line "nmcli up, server $s DHCPINFORM (s) vs old plugin" \
				"$(cmed "$out/connect-raw.txt" ours $s)" "$(cmed "$out/connect-raw.txt" old $s)"
		done
	fi
	if [ -r "$out/host.txt" ]; then
		line "host: worker MB per CPU s up vs AES-256-GCM (one record per frame)" \
			"$(hostval up_mb_per_cpu_s)" "$(hostval aes_record_mb_per_cpu_s)"
		line "host: worker MB per CPU s down vs AES-256-GCM (16 KiB records)" \
			"$(hostval down_mb_per_cpu_s)" "$(hostval aes_16k_mb_per_cpu_s)"
	fi
} | tee "$out/figures.md"
