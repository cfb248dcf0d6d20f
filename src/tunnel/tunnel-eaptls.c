/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

/* pppd reaches PKCS#11 tokens through OpenSSL's ENGINE API (deprecated in
 * OpenSSL 3, and the only one pppd 2.4.9 and 2.5 use): the check below
 * takes the same path, so that it finds what pppd would. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "tunnel-eaptls.h"

#include "sstp-exit.h"
#include "tunnel-log.h"

#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include <openssl/bio.h>
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

/* The value of pppd option `name` after "--" (the last one wins, as in pppd). */
static const char *
pppd_option(const struct tunnel_options *o, const char *name)
{
	const char *v = NULL;

	for (size_t i = 0; i + 1 < o->n_pppd_args; i++) {
		if (strcmp(o->pppd_args[i], name) == 0)
			v = o->pppd_args[++i];
	}
	return v;
}

bool
tunnel_eaptls_in_use(const struct tunnel_options *o)
{
	return pppd_option(o, "cert") || pppd_option(o, "pkcs12");
}

/* OpenSSL's passphrase callback: the profile's passphrase, or none. */
static int
passphrase_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pass = u;
	size_t n = pass ? strlen(pass) : 0;

	(void) rwflag;
	if (size <= 0 || n >= (size_t) size)
		return 0;
	memcpy(buf, pass ? pass : "", n);
	return (int) n;
}

/* The date as OpenSSL prints it ("Jan  2 00:00:00 2020 GMT"). */
static void
asn1_time_text(const ASN1_TIME *t, char *out, size_t cap)
{
	BIO *b = BIO_new(BIO_s_mem());
	int n = 0;

	out[0] = '\0';
	if (b && ASN1_TIME_print(b, t))
		n = BIO_read(b, out, (int) cap - 1);
	out[n > 0 ? n : 0] = '\0';
	BIO_free(b);
}

/* Each check returns 0, SSTP_EXIT_AUTH (the credentials will not do: the
 * login would fail) or SSTP_EXIT_USAGE (not a certificate or key at all). */
static int
check_validity(X509 *cert, const char *what, char *err, size_t cap)
{
	char when[64];

	if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
		asn1_time_text(X509_get0_notAfter(cert), when, sizeof(when));
		snprintf(err, cap, "the client certificate (%s) expired on %s: the server will refuse "
		         "it; ask its issuer for a new one", what, when);
		return SSTP_EXIT_AUTH;
	}
	if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
		asn1_time_text(X509_get0_notBefore(cert), when, sizeof(when));
		snprintf(err, cap, "the client certificate (%s) is not valid before %s: check this "
		         "computer's clock", what, when);
		return SSTP_EXIT_AUTH;
	}
	return 0;
}

/* An encrypted PEM key says so in its header lines ("BEGIN ENCRYPTED PRIVATE
 * KEY", "Proc-Type: 4,ENCRYPTED"), wherever it is in the file. */
static bool
file_holds(const char *path, const char *needle)
{
	char line[512];
	FILE *f = fopen(path, "re");
	bool found = false;

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

static int
check_pem(const char *cert_path, const char *key_path, const char *pass, char *err, size_t cap)
{
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	BIO *b;
	int ret = SSTP_EXIT_USAGE;

	b = BIO_new_file(cert_path, "r");
	cert = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	if (!cert) {
		snprintf(err, cap, "the client certificate (tls-user-cert) cannot be read as a PEM "
		         "certificate: choose the certificate file (PEM)%s",
#ifdef PPPD_API_2_5
		         " or a PKCS#12 file named .p12 or .pfx"
#else
		         ""
#endif
		         );
		goto out;
	}
	ret = check_validity(cert, "tls-user-cert", err, cap);
	if (ret != 0)
		goto out;
	ret = SSTP_EXIT_AUTH;
	ERR_clear_error();
	b = BIO_new_file(key_path, "r");
	key = b ? PEM_read_bio_PrivateKey(b, NULL, passphrase_cb, (void *) pass) : NULL;
	BIO_free(b);
	if (!key) {
		bool encrypted = file_holds(key_path, "ENCRYPTED");

		if (encrypted && (!pass || !*pass))
			snprintf(err, cap, "the private key (tls-user-key) is protected by a passphrase "
			         "and the connection has none: enter it as the key's password "
			         "(tls-user-key-secret)");
		else if (encrypted)
			snprintf(err, cap, "the private key (tls-user-key) cannot be decrypted: the "
			         "passphrase in tls-user-key-secret is wrong");
		else {
			snprintf(err, cap, "the private key (tls-user-key) cannot be read as a PEM "
			         "private key: choose the key file of the certificate");
			ret = SSTP_EXIT_USAGE;
		}
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		snprintf(err, cap, "the private key (tls-user-key) does not belong to the client "
		         "certificate (tls-user-cert): choose the key made with that certificate");
		goto out;
	}
	ret = 0;
out:
	ERR_clear_error();
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret;
}

static int
check_pkcs12(const char *path, const char *pass, char *err, size_t cap)
{
	PKCS12 *p12 = NULL;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	BIO *b = BIO_new_file(path, "rb");
	int ret = SSTP_EXIT_USAGE;

	p12 = b ? d2i_PKCS12_bio(b, NULL) : NULL;
	BIO_free(b);
	if (!p12) {
		snprintf(err, cap, "the PKCS#12 file (tls-user-cert) cannot be read: choose a .p12 or "
		         ".pfx file that holds the certificate and its key");
		goto out;
	}
	ret = SSTP_EXIT_AUTH;
	if (!PKCS12_verify_mac(p12, pass ? pass : "", -1) &&
	    !(!pass && PKCS12_verify_mac(p12, NULL, 0))) {
		if (!pass || !*pass)
			snprintf(err, cap, "the PKCS#12 file (tls-user-cert) is protected by a "
			         "passphrase and the connection has none: enter it as the key's "
			         "password (tls-user-key-secret)");
		else
			snprintf(err, cap, "the PKCS#12 file (tls-user-cert) cannot be opened: the "
			         "passphrase in tls-user-key-secret is wrong");
		goto out;
	}
	if (!PKCS12_parse(p12, pass ? pass : "", &key, &cert, &chain) || !cert || !key) {
		snprintf(err, cap, "the PKCS#12 file (tls-user-cert) holds no certificate with its "
		         "private key: export it again with both");
		ret = SSTP_EXIT_USAGE;
		goto out;
	}
	ret = check_validity(cert, "tls-user-cert", err, cap);
out:
	ERR_clear_error();
	PKCS12_free(p12);
	EVP_PKEY_free(key);
	X509_free(cert);
	sk_X509_pop_free(chain, X509_free);
	return ret;
}

/* A URI as the settings gave it to pppd (pppd 2.4.9's form has a second
 * "pkcs11:" in front, see nm-sstp-settings.c). */
static const char *
pkcs11_uri(const char *pppd_value)
{
	if (strncmp(pppd_value, "pkcs11:pkcs11:", 14) == 0)
		return pppd_value + 7;
	return pppd_value;
}

static bool
is_pkcs11(const char *v)
{
	return v && strncmp(v, "pkcs11:", 7) == 0;
}

/* The last OpenSSL error says the token refused the PIN (libp11 reports
 * the PKCS#11 return value by name). */
static bool
pin_refused(void)
{
	unsigned long e;
	bool refused = false;

	while ((e = ERR_get_error()) != 0) {
		const char *r = ERR_reason_error_string(e);

		if (r && (strstr(r, "PIN incorrect") || strstr(r, "PIN locked") ||
		          strstr(r, "PIN invalid") || strstr(r, "PIN len range")))
			refused = true;
	}
	return refused;
}

/* The certificate and key on the token, opened as pppd will: libp11's
 * engine, p11-kit's client module, the service's socket (as the profile's
 * user). */
static int
check_pkcs11(const struct tunnel_options *o, const char *cert_v, const char *key_v, char *err,
             size_t cap)
{
	struct {
		const char *uri;
		X509 *cert;
	} params = {NULL, NULL};
	char addr[4200];
	ENGINE *e;
	EVP_PKEY *key = NULL;
	int ret = SSTP_EXIT_USAGE;

	if (!o->pkcs11_dir) {
		/* Run by hand (as root): pppd uses whatever its engine is set up
		 * with; nothing to check from here. */
		return 0;
	}
	snprintf(addr, sizeof(addr), "unix:path=%s/p11.sock", o->pkcs11_dir);
	if (setenv("P11_KIT_SERVER_ADDRESS", addr, 1) != 0)
		return SSTP_EXIT_INTERNAL;
	e = ENGINE_by_id("pkcs11");
	if (!e) {
		snprintf(err, cap, "a PKCS#11 URI needs OpenSSL's pkcs11 engine, which is not "
		         "installed: install libengine-pkcs11-openssl (libp11)");
		goto out;
	}
	if (!ENGINE_ctrl_cmd_string(e, "MODULE_PATH", P11_KIT_CLIENT, 0) || !ENGINE_init(e)) {
		snprintf(err, cap, "OpenSSL's pkcs11 engine cannot load %s", P11_KIT_CLIENT);
		ENGINE_free(e);
		e = NULL;
		goto out;
	}
	if (cert_v) {
		params.uri = pkcs11_uri(cert_v);
		if (!ENGINE_ctrl_cmd(e, "LOAD_CERT_CTRL", 0, &params, NULL, 0) || !params.cert) {
			snprintf(err, cap, "the client certificate (tls-user-cert) is on no PKCS#11 token "
			         "the profile's user can use: the token is opened with that user's rights "
			         "and p11-kit configuration (p11-kit list-modules, run as that user, "
			         "lists them); check the token is inserted and the URI");
			ret = SSTP_EXIT_AUTH;
			goto out;
		}
		{
			char subject[256];

			X509_NAME_oneline(X509_get_subject_name(params.cert), subject, sizeof(subject));
			tlog_info("PKCS#11: the client certificate on the token is %s", subject);
		}
		ret = check_validity(params.cert, "tls-user-cert", err, cap);
		if (ret != 0)
			goto out;
		ret = SSTP_EXIT_USAGE;
	}
	if (key_v) {
		if (o->password && *o->password &&
		    !ENGINE_ctrl_cmd_string(e, "PIN", o->password, 0)) {
			snprintf(err, cap, "OpenSSL's pkcs11 engine does not take a PIN");
			goto out;
		}
		key = ENGINE_load_private_key(e, pkcs11_uri(key_v), NULL, NULL);
		if (!key) {
			if (pin_refused()) {
				snprintf(err, cap, "the PKCS#11 token refused the PIN: the PIN in "
				         "tls-user-key-secret is wrong");
				ret = SSTP_EXIT_AUTH;
			} else if (!o->password || !*o->password) {
				snprintf(err, cap, "the private key (tls-user-key) on the PKCS#11 token needs "
				         "the token's PIN: enter it as the key's password "
				         "(tls-user-key-secret)");
				ret = SSTP_EXIT_AUTH;
			} else {
				snprintf(err, cap, "the private key (tls-user-key) is on no PKCS#11 token the "
				         "profile's user can use: check the token and the URI");
				ret = SSTP_EXIT_AUTH;
			}
			goto out;
		}
		if (params.cert && X509_check_private_key(params.cert, key) != 1) {
			snprintf(err, cap, "the private key (tls-user-key) does not belong to the client "
			         "certificate (tls-user-cert): choose the key of that certificate");
			goto out;
		}
	}
	ret = 0;
out:
	ERR_clear_error();
	EVP_PKEY_free(key);
	X509_free(params.cert);
	if (e) {
		ENGINE_finish(e);
		ENGINE_free(e);
	}
	return ret;
}

int
tunnel_eaptls_check(const struct tunnel_options *o, char *err, size_t cap)
{
	const char *cert = pppd_option(o, "cert");
	const char *key = pppd_option(o, "key");
	const char *p12 = pppd_option(o, "pkcs12");

	if (p12)
		return check_pkcs12(p12, o->password, err, cap);
	if (is_pkcs11(cert) || is_pkcs11(key)) {
		int r = check_pkcs11(o, is_pkcs11(cert) ? cert : NULL, is_pkcs11(key) ? key : NULL,
		                     err, cap);

		/* A file next to a URI is checked on its own. */
		if (r == 0 && cert && !is_pkcs11(cert)) {
			BIO *b = BIO_new_file(cert, "r");
			X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

			BIO_free(b);
			r = x ? check_validity(x, "tls-user-cert", err, cap) : 0;
			X509_free(x);
		}
		return r;
	}
	if (cert && key)
		return check_pem(cert, key, o->password, err, cap);
	return 0;
}
