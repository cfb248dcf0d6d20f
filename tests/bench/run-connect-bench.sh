#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/bench/run-connect-bench.sh - connect time under NetworkManager: `nmcli connection up`
# until it returns (the connection is activated), ours against the old plugin
# (network-manager-sstp: sstpc + pppd, configuration handed over at pppd's ip-up), taking
# turns in one User-Mode-Linux guest against the project's strict sstp-test-server on the
# guest's loopback. Two server set-ups:
#   silent  nobody answers DHCPINFORM (Windows RRAS without a DHCP relay, accel-ppp);
#   inform  dnsmasq next to the server's pppd answers it (split routes and a domain).
# The old plugin sends no DHCPINFORM: both set-ups are the same to it.
# Not a test (not in make check): a measurement to rerun by hand. Needs root.
#
# Usage (from a build tree, or with --builddir):
#   tests/bench/run-connect-bench.sh [--rounds N] [--old-plugin DIR|none] [--builddir DIR]
#
#   --rounds N        connects per client and set-up, taking turns (default 3)
#   --old-plugin DIR  the old plugin's files, unpacked as in its package (DIR/usr/lib/...).
#                     Default: Debian's network-manager-sstp, fetched with `apt-get download`
#                     into the output folder and unpacked there (never installed on the host;
#                     the guest copies it into its own throw-away overlay). none: ours only.
#                     It is built for one pppd version: use the package of the guest's release.
#
# Output: a table on stdout and in OUT/results.txt (median, min and max of each cell), one
# CLIENT.SETUP.ROUND=SECONDS line per connect in OUT/raw.txt; logs in OUT =
# BUILDDIR/tests/uml/logs/connect-bench. Exit status: that of the guest script.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
uml=$here/../uml
. "$uml/lib/tap.sh"
. "$uml/lib/uml.sh"
. "$uml/lib/nm-host.sh"

rounds=3
old=
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) rounds=$2; shift 2 ;;
	--old-plugin) old=$2; shift 2 ;;
	--builddir) top_builddir=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds N] [--old-plugin DIR|none] [--builddir DIR]" >&2; exit 2 ;;
	esac
done
case $rounds in
'' | *[!0-9]* | 0) echo "--rounds wants a number above 0" >&2; exit 2 ;;
esac
top_builddir=$(cd "${top_builddir:-.}" && pwd)

nm_host_require
command -v dnsmasq >/dev/null || tap_skip_all "missing dnsmasq (apt-get install dnsmasq-base)"
out=$(uml_outdir connect-bench) || tap_bail_out "cannot create the output folder"
nm_host_server_files "$out" || tap_bail_out "cannot make the test certificate and passwords"

if [ -z "$old" ]; then
	old=$out/old-plugin
	mkdir -p "$old"
	if (cd "$out" && apt-get download network-manager-sstp >"$out/apt-download.log" 2>&1) &&
		dpkg-deb -x "$out"/network-manager-sstp_*.deb "$old"; then
		tap_diag "old plugin: $(basename "$out"/network-manager-sstp_*.deb)"
	else
		tap_diag "cannot fetch network-manager-sstp (see $out/apt-download.log): ours only"
		old=none
	fi
fi
[ "$old" = none ] || old=$(cd "$old" && pwd)

nm_host_run_guest "$out" "$here/guest-connect-bench.sh" --timeout 1800 -- \
	ROUNDS="$rounds" OLD_PLUGIN_ROOT="$old"
status=$?
[ -s "$out/results.txt" ] && cat "$out/results.txt"
exit $status
