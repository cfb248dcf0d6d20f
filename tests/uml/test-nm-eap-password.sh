#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-eap-password.sh - password logins over EAP under a real NetworkManager
# (UML guest) against the project's strict sstp-test-server, whose pppd requires EAP
# (tests/server/server-eap.h): EAP-MSCHAPv2 binds with its MS-CHAPv2 keys, EAP-MD5 with a
# zero HLAK (MS-SSTP 3.2.5.2), the EAP identity is the profile's user (not the host name),
# a server asking for EAP-TLS is declined (root's /etc/ppp/eaptls-client is never used),
# PEAP with pppd 2.5 against hostapd as the RADIUS/PEAP server binds with the MSK's first
# 32 bytes when the profile names the CA (tls-ca-cert), and fails with a message naming
# tls-ca-cert without it or with another CA (pppd 2.4.9: skipped, no PEAP client), and
# refuse-eap=yes against an EAP-only server ends in login-failed with a message a person
# can act on, nothing left running.
# Logs: $top_builddir/tests/uml/logs/nm-eap-password/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"

nm_host_require
nm_host_strict_server_test nm-eap-password "$here/test-nm-eap-password-guest.sh"
tap_finish
