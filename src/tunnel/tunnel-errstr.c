/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenSSL's error strings, loaded only when an error is to be told (see
 * tunnel-errstr.h).
 */
/* The per-library loaders are deprecated since OpenSSL 3.0 (and still
 * exported); they are the only way to load the strings after
 * OPENSSL_INIT_NO_LOAD_*_STRINGS, whose once-control the loading init
 * options share. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include "tunnel-errstr.h"

#include <stdbool.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#ifndef OPENSSL_NO_DEPRECATED_3_0
static bool loaded;
#endif

void
tunnel_errstr_init(void)
{
#ifndef OPENSSL_NO_DEPRECATED_3_0
	OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_SSL_STRINGS | OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS, NULL);
#endif
}

void
tunnel_errstr_load(void)
{
#ifndef OPENSSL_NO_DEPRECATED_3_0
	if (loaded)
		return;
	loaded = true;
	/* The libraries whose reasons reach a message: TLS, certificates and
	 * their files, keys (EAP-TLS), stores (PKCS#11). */
	ERR_load_ERR_strings();
	ERR_load_SSL_strings();
	ERR_load_X509_strings();
	ERR_load_X509V3_strings();
	ERR_load_PEM_strings();
	ERR_load_ASN1_strings();
	ERR_load_EVP_strings();
	ERR_load_BIO_strings();
	ERR_load_BUF_strings();
	ERR_load_CRYPTO_strings();
	ERR_load_RSA_strings();
	ERR_load_EC_strings();
	ERR_load_PKCS12_strings();
	ERR_load_OSSL_STORE_strings();
	ERR_load_RAND_strings();
	ERR_load_CONF_strings();
#endif
}
