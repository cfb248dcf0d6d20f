#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-ip-settings.sh - NetworkManager's own IP settings of the VPN connection
# (ipv4.method disabled / manual, ipv4.ignore-auto-dns, ipv6.method ignore / disabled,
# ipv4.routes, ipv4.dns-search, ipv4.never-default) become the pppd options the old plugin
# gave, and mean what they say, under a real NetworkManager (UML guest) against the strict
# sstp-test-server on the guest's loopback: one boot, one profile after the other. Each
# profile's checks say what pppd negotiated and what NetworkManager shows (nmcli -g). The same
# run checks tls-server-name (the TLS name for a gateway given as an address) and a uuid that
# is not a GUID (a random correlation id is sent).
# Logs: $top_builddir/tests/uml/logs/nm-ip-settings/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
nm_host_strict_server_test nm-ip-settings "$here/test-nm-ip-settings-guest.sh"
tap_finish
