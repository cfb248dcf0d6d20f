#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-dead-peer.sh - the server goes silent in the middle of a session, under
# a real NetworkManager (UML guest) with the strict sstp-test-server on the guest's loopback
# (--fault silent-after=N: after the binding it sends nothing more, no echo answers, no PPP).
# A profile with hello-interval=10: the worker sends an SSTP Echo Request one interval after
# the last packet and gives up one interval later (the message says how long it heard nothing);
# NetworkManager sees the VPN go down within 2 intervals, and no worker,
# pppd, ppp device or service is left.
# Logs: $top_builddir/tests/uml/logs/nm-dead-peer/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
nm_host_strict_server_test nm-dead-peer "$here/test-nm-dead-peer-guest.sh"
tap_finish
