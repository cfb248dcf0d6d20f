#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-eap-password.sh - password logins over EAP under a real NetworkManager
# (UML guest) against the project's strict sstp-test-server, whose pppd requires EAP
# (tests/server/server-eap.h): EAP-MSCHAPv2 binds with its MS-CHAPv2 keys, EAP-MD5 with a
# zero HLAK (MS-SSTP 3.2.5.2), the EAP identity is the profile's user (not the host name),
# a server asking for EAP-TLS or PEAP is declined (root's /etc/ppp/eaptls-client is never
# used), and refuse-eap=yes against an EAP-only server ends in login-failed with a message
# a person can act on, nothing left running.
# Logs: $top_builddir/tests/uml/logs/nm-eap-password/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
nm_host_strict_server_test nm-eap-password "$here/test-nm-eap-password-guest.sh"
tap_finish
