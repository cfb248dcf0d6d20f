#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-sstp.sh - the whole plugin under a real NetworkManager:
# NetworkManager 1.42 in a User-Mode-Linux guest starts our nm-sstp-service
# from its .name file (with our D-Bus policy), which runs nm-sstp-tunnel and
# pppd against the project's strict sstp-test-server. Checks activation, the
# IPv4/IPv6 configuration NetworkManager applied, a ping through the tunnel,
# that no secret is on any argv or in the logs, a clean deactivation, and a
# wrong password ending as login-failed. Everything runs on the guest's
# loopback and in namespaces the server makes inside the guest.
# Logs: $top_builddir/tests/uml/logs/nm-sstp/ (NetworkManager.log has the
# service's lines, server-*.log the server's).

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"

uml_require
command -v NetworkManager >/dev/null || tap_skip_all "missing NetworkManager (apt-get install network-manager)"
command -v dbus-daemon >/dev/null || tap_skip_all "missing dbus-daemon"
builddir=$(cd "${top_builddir:-.}" && pwd)
for f in src/service/nm-sstp-service src/tunnel/nm-sstp-tunnel \
	src/pppd-plugin/.libs/nm-sstp-pppd-plugin.so src/service/nm-sstp-service.name \
	tests/server/sstp-test-server; do
	[ -e "$builddir/$f" ] || tap_skip_all "$f is not built"
done

out=$(uml_outdir nm-sstp) || tap_bail_out "cannot create the output folder"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-subj /CN=sstp.test -days 2 -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null ||
	tap_bail_out "cannot make a test certificate"
# The client pins the server certificate: a real check, no "ignore" switch.
pin=$(openssl x509 -in "$out/cert.pem" -outform der | sha256sum | cut -d' ' -f1)
(
	umask 077
	head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$out/password"
	echo >>"$out/password"
	printf 'not-the-password\n' >"$out/wrong-password"
)

uml_run --timeout 600 "$out" "$here/test-nm-sstp-guest.sh" \
	BUILDDIR="$builddir" SRCDIR="$srcdir" SERVER="$builddir/tests/server/sstp-test-server" \
	CERT="$out/cert.pem" KEY="$out/key.pem" PIN="$pin" \
	SSTP_USER=alice SSTP_PASSWORD_FILE="$out/password" WRONG_PASSWORD_FILE="$out/wrong-password"
rc=$?
tap_import "$out/guest.tap"
# "# TODO" lines are expected failures (known, reported bugs): not counted.
todo=$(grep -c '^not ok .* # TODO ' "$out/guest.tap" 2>/dev/null)
TAP_FAILED=$((TAP_FAILED - ${todo:-0}))
if [ "$rc" -eq 0 ]; then
	tap_ok "guest script passed"
else
	tap_not_ok "guest script passed (exit $rc)"
	tap_diag_file "$out/guest.log" 30
	tap_diag_file "$out/console.log" 15
fi
tap_finish
