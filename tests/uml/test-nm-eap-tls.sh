#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/uml/test-nm-eap-tls.sh - connection-type tls (EAP-TLS) under a real NetworkManager
# (UML guest) against the project's strict sstp-test-server, whose own pppd requires EAP-TLS
# (--eap-tls) and whose binding check uses the whole EAP-TLS key material. One boot, several
# attempts in a row: an unencrypted key, a passphrase-protected key (passphrase from
# vpn.secrets), a PKCS#12 file (pppd 2.5; refused with a message on 2.4.9), and the failures:
# a certificate of another CA, an expired certificate, a wrong and a missing passphrase.
# The certificates are made here for this run only (openssl); nothing outside the output
# folder is written. Logs: $top_builddir/tests/uml/logs/nm-eap-tls/ (eaptls/ holds the
# certificates, server-*.log the strict server's lines).

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

# eaptls_make_certs (CA, the server pppd's certificate, the client "alice"), then alice's key
# passphrase-protected and as PKCS#12, an expired client certificate and one from another CA.
make_certs() {
	local d=$1
	eaptls_make_certs "$d" passphrase || return 1
	(
		set -e
		cd "$d"
		eaptls_ca other-ca "Other CA"
		eaptls_cert other alice other-ca
		# expired: openssl ca is the one that takes an explicit validity period
		mkdir -p expired-ca && : >expired-ca/index.txt && echo 01 >expired-ca/serial
		cat >expired-ca/ca.cnf <<-CNF
		[ca]
		default_ca = x
		[x]
		database = expired-ca/index.txt
		serial = expired-ca/serial
		new_certs_dir = expired-ca
		default_md = sha256
		policy = p
		[p]
		commonName = supplied
		CNF
		# shellcheck disable=SC2086
		openssl req $EAPTLS_NEWKEY -subj "/CN=alice" -keyout expired.key -out expired.csr
		openssl ca -batch -config expired-ca/ca.cnf -cert ca.pem -keyfile ca.key \
			-startdate 20200101000000Z -enddate 20200102000000Z -in expired.csr -out expired.pem
		# the same key as alice.key, passphrase-protected (PKCS#8, AES-256)
		openssl pkcs8 -topk8 -v2 aes-256-cbc -in alice.key -out alice-enc.key \
			-passout "file:passphrase"
		openssl pkcs12 -export -in alice.pem -inkey alice.key -out alice.p12 \
			-passout "file:passphrase"
		rm -f ./*.csr
		chmod 600 ./*.key ./*.p12
	) >>"$d/openssl.log" 2>&1
}

NM_HOST_OUT=$(uml_outdir nm-eap-tls) || tap_bail_out "cannot create the output folder"
nm_host_server_files "$NM_HOST_OUT" || tap_bail_out "cannot make the test certificate and passwords"
make_certs "$NM_HOST_OUT/eaptls" || tap_bail_out "cannot make the EAP-TLS certificates (see eaptls/openssl.log)"
nm_host_run_guest "$NM_HOST_OUT" "$here/test-nm-eap-tls-guest.sh" --timeout 600 -- \
	"EAPTLS_DIR=$NM_HOST_OUT/eaptls" \
	"EAPTLS_SHIM=$NM_HOST_BUILDDIR/tests/server/.libs/eaptls-keys-shim.so"
tap_finish
