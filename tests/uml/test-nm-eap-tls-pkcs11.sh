#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-eap-tls-pkcs11.sh - EAP-TLS with the client's key and certificate on a
# PKCS#11 token (SoftHSM), under a real NetworkManager (UML guest), against the strict
# sstp-test-server (--eap-tls). The profile belongs to an unprivileged user of the guest
# whose own SoftHSM token holds alice's key and certificate; the service reaches it only as
# that user (p11-kit remote, src/service/nm-sstp-service-pkcs11.h). Root has a token of its
# own holding the same key and certificate: a profile naming it must fail with a message, as
# must a wrong PIN, and a missing /etc/ppp/openssl.cnf (pppd loads engines only with it).
# Logs: $top_builddir/tests/uml/logs/nm-eap-tls-pkcs11/.

set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/uml.sh"
. "$here/lib/nm-host.sh"
. "$here/lib/eaptls-host.sh"

nm_host_require
command -v openssl >/dev/null || tap_skip_all "missing openssl (apt-get install openssl)"
[ -e "$NM_HOST_BUILDDIR/tests/server/.libs/eaptls-keys-shim.so" ] ||
	tap_skip_all "tests/server/eaptls-keys-shim.la is not built (make builds it)"
for t in softhsm2-util:softhsm2 p11tool:gnutls-bin p11-kit:p11-kit; do
	command -v "${t%%:*}" >/dev/null || tap_skip_all "missing ${t%%:*} (apt-get install ${t#*:})"
done
openssl engine -t pkcs11 >/dev/null 2>&1 ||
	tap_skip_all "missing OpenSSL's pkcs11 engine (apt-get install libengine-pkcs11-openssl)"

NM_HOST_OUT=$(uml_outdir nm-eap-tls-pkcs11) || tap_bail_out "cannot create the output folder"
nm_host_server_files "$NM_HOST_OUT" || tap_bail_out "cannot make the test certificate and passwords"
eaptls_make_certs "$NM_HOST_OUT/eaptls" pin || tap_bail_out "cannot make the EAP-TLS certificates (see eaptls/openssl.log)"
nm_host_run_guest "$NM_HOST_OUT" "$here/test-nm-eap-tls-pkcs11-guest.sh" --timeout 600 -- \
	"EAPTLS_DIR=$NM_HOST_OUT/eaptls" \
	"EAPTLS_SHIM=$NM_HOST_BUILDDIR/tests/server/.libs/eaptls-keys-shim.so" \
	"P11_STUCK_MODULE=$NM_HOST_BUILDDIR/tests/uml/.libs/p11-stuck-module.so"
tap_finish
