#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/server/test-server-sstpc.sh - sstp-test-server against a client we did
# not write: Debian's sstpc + pppd, inside a User-Mode-Linux guest (the host
# kernel has no PPP). Proves the server's own HLAK derivation against pppd's
# real MPPE keys (MS-CHAPv2, SHA256 and SHA1), the PAP zero HLAK, a refused
# login, sstpc launching pppd itself, and that the strict server keeps a
# plugin-less sstpc (no Call Connected at all) out of the network phase.
# Both ends run on the guest's 127.0.0.1; no network namespace on the host.
# Logs stay in $top_builddir/tests/uml/logs/server-sstpc/ (verdicts.log has
# the server's lines per run).

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
uml=$here/../uml
. "$uml/lib/tap.sh"
. "$uml/lib/uml.sh"

uml_require
command -v sstpc >/dev/null || tap_skip_all "missing sstpc (apt-get install sstp-client)"
[ -r /usr/lib/pppd/2.4.9/sstp-pppd-plugin.so ] || [ -n "$(find /usr/lib/pppd -name sstp-pppd-plugin.so 2>/dev/null)" ] ||
	tap_skip_all "missing sstp-pppd-plugin.so (sstp-client)"
builddir=$(cd "${top_builddir:-.}" && pwd)
server=$builddir/tests/server/sstp-test-server
[ -x "$server" ] || tap_skip_all "sstp-test-server is not built"

out=$(uml_outdir server-sstpc) || tap_bail_out "cannot create the output folder"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=sstp.test -days 2 -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null ||
	tap_bail_out "cannot make a test certificate"
uml_random_password "$out/password"

uml_run_guest "$out" "$here/guest-sstpc-vs-server.sh" --timeout 400 -- \
	SERVER="$server" CERT="$out/cert.pem" KEY="$out/key.pem" \
	SSTP_USER=alice SSTP_PASSWORD_FILE="$out/password"
[ ! -r "$out/verdicts.log" ] || tap_diag_file "$out/verdicts.log" 60
tap_diag "$(grep 'uml-run:' "$out/console.log")"
tap_finish
