#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-faults.sh - the fault matrix through a real NetworkManager, in one UML
# guest: the strict sstp-test-server (--loop, faults taught per call with --fault-file and
# fired at the connected moment by SIGUSR1) on the guest's loopback. Server faults (Call
# Abort, Call Disconnect, TCP reset, TLS close_notify without SSTP, silence) at each moment
# (TLS, HTTP, SSTP negotiation, PPP authentication, IPCP, connected with traffic); pppd,
# nm-sstp-tunnel and nm-sstp-service killed; NetworkManager restarted; the underlying device
# down; the server killed and started again; "nmcli connection down" in each phase; up/down
# cycles with the service's RSS and descriptors and the process count before and after; two
# profiles up at once to two servers. For each fault: NetworkManager's final state and
# reason, the time to see it, what is left, and whether the next "up" works at once. The
# table is printed at the end of the log (and kept in logs/nm-faults/fault-matrix.txt).
# NM_FAULT_CYCLES=N sets the number of up/down cycles (default 20; 50 as the issue asks takes
# about twice as long again), NM_FAULT_ONLY=REGEX runs only the matching cases (by hand).
# Logs: $top_builddir/tests/uml/logs/nm-faults/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
NM_HOST_OUT=$(uml_outdir nm-faults) || tap_bail_out "cannot create the output folder"
nm_host_server_files "$NM_HOST_OUT" || tap_bail_out "cannot make the test certificate and passwords"
nm_host_run_guest "$NM_HOST_OUT" "$here/test-nm-faults-guest.sh" --timeout 1800 -- \
	"NM_FAULT_CYCLES=${NM_FAULT_CYCLES:-20}" "NM_FAULT_ONLY=${NM_FAULT_ONLY:-}"
[ ! -s "$NM_HOST_OUT/fault-matrix.txt" ] || tap_diag_file "$NM_HOST_OUT/fault-matrix.txt" 100
[ ! -s "$NM_HOST_OUT/cycles.txt" ] || tap_diag_file "$NM_HOST_OUT/cycles.txt" 5
tap_finish
