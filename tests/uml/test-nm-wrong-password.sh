#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-wrong-password.sh - a saved password the server refuses, under a real
# NetworkManager (UML guest) against the project's strict sstp-test-server on the guest's
# loopback: activation fails with NetworkManager's own reason login-failed (its
# VpnStateChanged signal: state failed, reason login-failed), three times in a row, and no
# worker, pppd, ppp device or service is left.
# Logs: $top_builddir/tests/uml/logs/nm-wrong-password/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
nm_host_strict_server_test nm-wrong-password "$here/test-nm-wrong-password-guest.sh"
tap_finish
