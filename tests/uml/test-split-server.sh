#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-split-server.sh - split routes and the DNS domain under NetworkManager against
# the project's strict sstp-test-server, with dnsmasq answering the DHCPINFORM in the network
# namespace of the server's pppd (a DHCP server that honours option 55, sends classless routes
# in option 121, a domain and a search list). Then the same without dnsmasq: nobody answers,
# the worker gives up after its retries and the connection comes up without split routes.
# Everything runs in the UML guest (loopback and a namespace the guest script makes).
# Logs: $top_builddir/tests/uml/logs/split-server/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
command -v dnsmasq >/dev/null || tap_skip_all "missing dnsmasq (apt-get install dnsmasq-base)"

nm_host_strict_server_test split-server "$here/guest/split-server.sh"
tap_finish
