#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-legacy-profile.sh - a profile written the way the old NetworkManager-sstp
# plugin wrote it (its key spellings: ignore-cert-warn, tls-ext, refuse-*, no-vj-comp,
# lcp-echo-*, uuid; no connection-type; password-flags=0 with the password in vpn.secrets)
# connects unchanged under a real NetworkManager (UML guest) to the strict sstp-test-server
# on the guest's loopback, which verifies the crypto binding; its uuid is the correlation id
# the server sees. Then the two profiles KDE Plasma's editor (plasma-nm) writes, from
# tests/unit/fixtures/plasma-nm-*.nmconnection: the minimal one (proxy-port=0) and the one with
# every field of that editor (proxy-password in vpn.data, used through an HTTP proxy that checks
# it, with a warning and on no argv or log of ours; MPPE-128; unit 7 gives ppp7).
# Logs: $top_builddir/tests/uml/logs/nm-legacy-profile/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
nm_host_strict_server_test nm-legacy-profile "$here/test-nm-legacy-profile-guest.sh"
tap_finish
