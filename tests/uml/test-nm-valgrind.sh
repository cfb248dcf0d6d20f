#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-valgrind.sh - one real connection with nm-sstp-service and nm-sstp-tunnel
# under valgrind memcheck: NetworkManager in a User-Mode-Linux guest starts the service
# (through valgrind --trace-children, which follows it into the worker; pppd is not ours and
# is skipped), against the strict sstp-test-server; connect, ping, disconnect, and both
# programs end on their own, so memcheck's leak check runs at their exit. Fails on any
# invalid access or use of uninitialised memory and on any definite leak; suppressions
# only for library one-time allocations (tests/valgrind.supp, each explained).
# Logs: $top_builddir/tests/uml/logs/nm-valgrind/ (valgrind-PID.log per process).

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

# valgrind runs in the guest, whose root is the host's or UML_ROOT's (Debian 13).
[ -x "${UML_ROOT:-}/usr/bin/valgrind" ] || tap_skip_all "missing valgrind in the guest root ${UML_ROOT:-/} (apt-get install valgrind)"
nm_host_require
nm_host_strict_server_test nm-valgrind "$here/test-nm-valgrind-guest.sh"
tap_finish
