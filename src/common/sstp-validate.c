/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared value checks of the settings table and the worker: see
 * sstp-validate.h.
 */
#include "config.h"

#include "sstp-validate.h"

#include <arpa/inet.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

G_DEFINE_QUARK(sstp-validate-error-quark, sstp_validate_error)

static gboolean
validate_fail(GError **error, const char *reason)
{
	g_set_error_literal(error, SSTP_VALIDATE_ERROR, 0, reason);
	return FALSE;
}

gboolean
sstp_validate_uint(const char *s, guint min, guint max, guint *out)
{
	guint64 v = 0;
	const char *p;

	if (!s || !*s)
		return FALSE;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return FALSE;
		v = v * 10 + (guint64) (*p - '0');
		if (v > G_MAXUINT)
			return FALSE;
	}
	if (v < min || v > max)
		return FALSE;
	if (out)
		*out = (guint) v;
	return TRUE;
}

gboolean
sstp_validate_port(const char *s, guint *out, GError **error)
{
	if (!sstp_validate_uint(s, 1, 65535, out))
		return validate_fail(error, _("the port must be a number from 1 to 65535"));
	return TRUE;
}

/* The rules g_hostname_to_ascii() leaves to us: LDH labels ('_' tolerated,
 * some internal names have it) of 1..63 characters, 253 in all. */
static gboolean
validate_dns_name(const char *s, GError **error)
{
	gsize i, label = 0, len = strlen(s);

	if (len == 0)
		return validate_fail(error, _("the host name is empty"));
	if (len > 253)
		return validate_fail(error, _("the host name is longer than 253 characters"));
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return validate_fail(error, _("the host name has an empty label (“..”)"));
			label = 0;
			continue;
		}
		if (!g_ascii_isalnum(c) && c != '-' && c != '_')
			return validate_fail(error, _("a host name may only hold letters, digits, '-', '_' "
			                              "and '.'"));
		if (c == '-' && label == 0)
			return validate_fail(error, _("a label of the host name may not start with '-'"));
		if (++label > 63)
			return validate_fail(error, _("a label of the host name is longer than 63 characters"));
	}
	if (label == 0)
		return validate_fail(error, _("the host name has an empty label (“..”)"));
	return TRUE;
}

static gboolean
validate_ipv4_like(const char *s)
{
	for (; *s; s++) {
		if (!g_ascii_isdigit(*s) && *s != '.')
			return FALSE;
	}
	return TRUE;
}

gboolean
sstp_validate_host(const char *host, gssize len, char **out, SstpHostKind *kind, GError **error)
{
	unsigned char addr[16];
	char *copy, *ascii;
	gsize n;

	if (len < 0)
		len = (gssize) strlen(host);
	if (len == 0)
		return validate_fail(error, _("the host is empty"));
	/* Longer than any name or address; also keeps a NUL out. */
	if (len > 1024 || memchr(host, '\0', (gsize) len))
		return validate_fail(error, _("the host name is longer than 253 characters"));
	copy = g_strndup(host, (gsize) len);

	if (strchr(copy, ':')) {
		if (inet_pton(AF_INET6, copy, addr) != 1) {
			g_free(copy);
			return validate_fail(error, _("not a valid IPv6 address"));
		}
		if (kind)
			*kind = SSTP_HOST_IPV6;
		goto done;
	}
	if (validate_ipv4_like(copy)) {
		if (inet_pton(AF_INET, copy, addr) != 1) {
			g_free(copy);
			return validate_fail(error, _("not a valid IPv4 address"));
		}
		if (kind)
			*kind = SSTP_HOST_IPV4;
		goto done;
	}

	/* A name. International names become their xn-- form; ASCII ones stay
	 * as written (g_hostname_to_ascii() would lower-case them). */
	if (g_hostname_is_non_ascii(copy)) {
		if (!g_utf8_validate(copy, -1, NULL)) {
			g_free(copy);
			return validate_fail(error, _("the value is not valid UTF-8"));
		}
		ascii = g_hostname_to_ascii(copy);
		if (!ascii) {
			g_free(copy);
			return validate_fail(error, _("a host name may only hold letters, digits, '-', '_' "
			                              "and '.'"));
		}
		g_free(copy);
		copy = ascii;
	}
	n = strlen(copy);
	if (n > 1 && copy[n - 1] == '.')
		copy[n - 1] = '\0';
	if (!validate_dns_name(copy, error)) {
		g_free(copy);
		return FALSE;
	}
	if (kind)
		*kind = SSTP_HOST_NAME;
done:
	if (out)
		*out = copy;
	else
		g_free(copy);
	return TRUE;
}

gboolean
sstp_validate_host_port(const char *value, char **out_host, SstpHostKind *kind, guint *out_port,
                        GError **error)
{
	const char *host, *port_str = NULL, *colon;
	gsize host_len;
	SstpHostKind k;
	guint port = 0;

	if (value[0] == '[') {
		const char *end = strchr(value, ']');

		if (!end)
			return validate_fail(error, _("missing ']' after the IPv6 address"));
		host = value + 1;
		host_len = (gsize) (end - host);
		if (end[1] == ':')
			port_str = end + 2;
		else if (end[1] != '\0')
			return validate_fail(error, _("only :PORT may follow the ']'"));
		if (!memchr(host, ':', host_len))
			return validate_fail(error, _("brackets are only for IPv6 addresses"));
	} else {
		colon = strchr(value, ':');
		host = value;
		if (colon && strchr(colon + 1, ':')) {
			/* Two or more colons: a bare IPv6 address (the old plugin
			 * took these); no port possible. */
			host_len = strlen(value);
		} else {
			host_len = colon ? (gsize) (colon - value) : strlen(value);
			if (colon)
				port_str = colon + 1;
		}
	}
	if (port_str && !sstp_validate_port(port_str, &port, error))
		return FALSE;
	if (!sstp_validate_host(host, (gssize) host_len, out_host, &k, error))
		return FALSE;
	if (kind)
		*kind = k;
	if (out_port)
		*out_port = port;
	return TRUE;
}

gboolean
sstp_validate_pin_sha256(const char *s, guint8 out[SSTP_PIN_SHA256_LEN], GError **error)
{
	unsigned char *buf;
	long len = 0;

	/* OPENSSL_hexstr2buf() takes ':' only between bytes, as fingerprints
	 * print it; "" would give an empty buffer. */
	buf = *s ? OPENSSL_hexstr2buf(s, &len) : NULL;
	if (!buf || len != SSTP_PIN_SHA256_LEN) {
		if (buf)
			OPENSSL_free(buf);
		ERR_clear_error();
		return validate_fail(error, _("must be 64 hexadecimal digits (a SHA-256 fingerprint, "
		                              "colons allowed)"));
	}
	if (out)
		memcpy(out, buf, SSTP_PIN_SHA256_LEN);
	OPENSSL_cleanse(buf, SSTP_PIN_SHA256_LEN);
	OPENSSL_free(buf);
	return TRUE;
}
