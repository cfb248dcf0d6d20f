# tests/uml/lib/eaptls-host.sh - certificates for the EAP-TLS tests (test-nm-eap-tls*.sh),
# made by openssl on the host at test time, for the strict server's pppd (--eap-tls DIR) and
# the client. Source it after uml.sh. EC P-256 keys; certificates valid for two days.
#
#   eaptls_make_certs DIR SECRET  DIR (0700) with SECRET, a random passphrase or PIN file
#                                 (uml_random_password), and: the CA (ca.pem, ca.key, "EAP
#                                 test CA"), the server pppd's certificate (server-cert.pem,
#                                 server-key.pem, CN sstp-test-server) and the client alice's
#                                 (alice.pem, alice.key), both signed by the CA; keys mode 0600,
#                                 openssl's output in DIR/openssl.log
#   eaptls_ca NAME CN             a self-signed CA: NAME.pem, NAME.key (in the current folder)
#   eaptls_cert NAME CN CA        NAME.key and NAME.pem (CN), signed by CA.pem/CA.key

# (words: openssl req options)
EAPTLS_NEWKEY="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"

eaptls_ca() {
	# shellcheck disable=SC2086
	openssl req -x509 $EAPTLS_NEWKEY -subj "/CN=$2" -days 2 -keyout "$1.key" -out "$1.pem"
}

eaptls_cert() {
	# shellcheck disable=SC2086
	openssl req $EAPTLS_NEWKEY -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" &&
		openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 2 \
			-out "$1.pem" &&
		rm -f "$1.csr"
}

eaptls_make_certs() {
	local d=$1
	mkdir -p "$d" && chmod 700 "$d" || return 1
	uml_random_password "$d/$2"
	(
		set -e
		cd "$d"
		eaptls_ca ca "EAP test CA"
		eaptls_cert server-cert sstp-test-server ca
		eaptls_cert alice alice ca
		mv server-cert.key server-key.pem
		chmod 600 ./*.key server-key.pem
	) >"$d/openssl.log" 2>&1
}
