#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-faults-phases.sh - the fault matrix's second half, beside
# test-nm-faults.sh (same guest script, NM_FAULT_SET=phases; its own guest, so that make -j
# runs both at once): faults at the moments before "connected", while the strict server holds
# the call in that phase (silent there). pppd, nm-sstp-tunnel and nm-sstp-service killed
# (SIGKILL), NetworkManager restarted, the server killed and started again, in the TLS
# handshake, the HTTP exchange, the SSTP negotiation, PPP authentication or IPCP; the server
# silent from the TLS handshake, the HTTP request or the Call Connect Request on (the worker's
# timer for each phase must end the attempt); the device under the VPN losing its IPv4 address,
# or its link, while connected. For each: NetworkManager's final state and reason, the time to
# see it, what is left, and whether the next "up" works at once. The table is printed at the
# end of the log (and kept in logs/nm-faults-phases/fault-matrix.txt).
# NM_FAULT_ONLY=REGEX runs only the matching cases (by hand).
# Logs: $top_builddir/tests/uml/logs/nm-faults-phases/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
NM_HOST_OUT=$(uml_outdir nm-faults-phases) || tap_bail_out "cannot create the output folder"
nm_host_server_files "$NM_HOST_OUT" || tap_bail_out "cannot make the test certificate and passwords"
nm_host_run_guest "$NM_HOST_OUT" "$here/test-nm-faults-guest.sh" --timeout 1500 -- \
	NM_FAULT_SET=phases "NM_FAULT_ONLY=${NM_FAULT_ONLY:-}"
[ ! -s "$NM_HOST_OUT/fault-matrix.txt" ] || tap_diag_file "$NM_HOST_OUT/fault-matrix.txt" 100
tap_finish
