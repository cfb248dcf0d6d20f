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
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

# (skips unless UML, NetworkManager, dbus and the built plugin and server are there)
nm_host_require
out=$(uml_outdir nm-sstp) || tap_bail_out "cannot create the output folder"
# Self-signed certificate, pinned by the client (a real check, no "ignore" switch),
# a random password and a wrong one (0600 files).
nm_host_server_files "$out" || tap_bail_out "cannot make a test certificate"
# Boots the guest, imports its TAP lines ("# TODO" ones not counted) and says
# "guest script passed" (or shows the guest's log).
nm_host_run_guest "$out" "$here/test-nm-sstp-guest.sh" --timeout 600
tap_finish
