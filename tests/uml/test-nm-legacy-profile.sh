#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-legacy-profile.sh - a profile written the way the old NetworkManager-sstp
# plugin wrote it (its key spellings: ignore-cert-warn, tls-ext, refuse-*, no-vj-comp,
# lcp-echo-*, uuid; no connection-type; password-flags=0 with the password in vpn.secrets)
# connects unchanged under a real NetworkManager (UML guest) to the strict sstp-test-server
# on the guest's loopback, which verifies the crypto binding.
# Logs: $top_builddir/tests/uml/logs/nm-legacy-profile/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
nm_host_strict_server_test nm-legacy-profile "$here/test-nm-legacy-profile-guest.sh"
tap_finish
