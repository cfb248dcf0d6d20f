#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# nm-sstp-tunnel + its pppd plugin against the strict sstp-test-server, for
# real, inside a User-Mode-Linux guest (the host kernel has no PPP): the
# server checks the crypto binding (nonce, cert hash, Compound MAC from the
# MS-CHAPv2 keys) as Windows RRAS does. Both ends on the guest's 127.0.0.1,
# the server's pppd in its own network namespace so the ping crosses the
# tunnel. Logs stay in $top_builddir/tests/uml/logs/tunnel/.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
uml=$here/../uml
. "$uml/lib/tap.sh"
. "$uml/lib/uml.sh"

uml_require
# (the guest runs a sanitizer build's UBSan-only copy, tests/sanitizer.am)
builddir=$(cd "${SSTP_GUEST_BUILDDIR:-${top_builddir:-.}}" && pwd)
server=$builddir/tests/server/sstp-test-server
tunnel=$builddir/src/tunnel/nm-sstp-tunnel
plugin=$builddir/src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so
[ -x "$server" ] || tap_skip_all "sstp-test-server is not built"
[ -x "$tunnel" ] || tap_skip_all "nm-sstp-tunnel is not built"
[ -r "$plugin" ] || tap_skip_all "nm-sstp-pppd-plugin.so is not built"

out=$(uml_outdir tunnel) || tap_bail_out "cannot create the output folder"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=sstp.test -addext subjectAltName=DNS:sstp.test -days 2 \
	-keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null ||
	tap_bail_out "cannot make a test certificate"
uml_random_password "$out/password"
(umask 077 && echo "not-the-password" >"$out/wrong-password")

uml_run_guest "$out" "$here/test-tunnel-guest.sh" --timeout 400 -- \
	SERVER="$server" TUNNEL="$tunnel" PLUGIN="$plugin" CERT="$out/cert.pem" KEY="$out/key.pem" \
	SSTP_USER=alice SSTP_PASSWORD_FILE="$out/password" WRONG_PASSWORD_FILE="$out/wrong-password"
uml_timing_diag "$out"
tap_finish
