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
nm_host_strict_server_test nm-sstp "$here/test-nm-sstp-guest.sh"
tap_finish
