/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared value checks of the settings table and the worker: see
 * sstp-validate.h. No GLib here: the worker links this file.
 */
#include "config.h"

#include "sstp-validate.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

/* Marks a reason for xgettext (po/Makevars: --keyword=N_); the settings
 * table translates it when it wraps it. */
#define N_(s) s

const char sstp_validate_reason_non_ascii[] =
	N_("an international name must be given in its ASCII form (xn--…, as “idn2 NAME” prints "
	   "it)");

bool
sstp_validate_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long long v = 0;
	const char *p;

	if (!s || !*s)
		return false;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		v = v * 10 + (unsigned long long) (*p - '0');
		if (v > 0xffffffffULL)
			return false;
	}
	if (v < min || v > max)
		return false;
	if (out)
		*out = (unsigned) v;
	return true;
}

const char *
sstp_validate_port(const char *s, unsigned *out)
{
	if (!sstp_validate_uint(s, 1, 65535, out))
		return N_("the port must be a number from 1 to 65535");
	return NULL;
}

static bool
is_ascii_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* LDH labels ('_' tolerated, some internal names have it) of 1..63
 * characters, 253 in all. */
static const char *
validate_dns_name(const char *s)
{
	size_t i, label = 0, len = strlen(s);

	if (len == 0)
		return N_("the host name is empty");
	if (len > 253)
		return N_("the host name is longer than 253 characters");
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '.') {
			if (label == 0)
				return N_("the host name has an empty label (“..”)");
			label = 0;
			continue;
		}
		if (!is_ascii_alnum(c) && c != '-' && c != '_')
			return N_("a host name may only hold letters, digits, '-', '_' and '.'");
		if (c == '-' && label == 0)
			return N_("a label of the host name may not start with '-'");
		if (++label > 63)
			return N_("a label of the host name is longer than 63 characters");
	}
	if (label == 0)
		return N_("the host name has an empty label (“..”)");
	return NULL;
}

static bool
is_ipv4_like(const char *s)
{
	for (; *s; s++) {
		if (!(*s >= '0' && *s <= '9') && *s != '.')
			return false;
	}
	return true;
}

static bool
has_non_ascii(const char *s)
{
	for (; *s; s++) {
		if ((unsigned char) *s >= 0x80)
			return true;
	}
	return false;
}

const char *
sstp_validate_host(const char *host, size_t len, SstpToAsciiFunc to_ascii, char **out,
                   SstpHostKind *kind)
{
	unsigned char addr[16];
	const char *reason;
	SstpHostKind k;
	char *copy;
	size_t n;

	if (len == 0)
		return N_("the host is empty");
	/* Longer than any name or address; also keeps a NUL out. */
	if (len > 1024 || memchr(host, '\0', len))
		return N_("the host name is longer than 253 characters");
	copy = strndup(host, len);
	if (!copy)
		return N_("out of memory");

	if (strchr(copy, ':')) {
		if (inet_pton(AF_INET6, copy, addr) != 1) {
			free(copy);
			return N_("not a valid IPv6 address");
		}
		k = SSTP_HOST_IPV6;
		goto done;
	}
	if (is_ipv4_like(copy)) {
		if (inet_pton(AF_INET, copy, addr) != 1) {
			free(copy);
			return N_("not a valid IPv4 address");
		}
		k = SSTP_HOST_IPV4;
		goto done;
	}

	/* A name. International names become their xn-- form where the caller
	 * can convert them; ASCII ones stay as written (an IDNA conversion
	 * would lower-case them). */
	if (has_non_ascii(copy)) {
		char *ascii;

		if (!to_ascii) {
			free(copy);
			return sstp_validate_reason_non_ascii;
		}
		reason = NULL;
		ascii = to_ascii(copy, &reason);
		free(copy);
		if (!ascii)
			return reason ? reason : N_("a host name may only hold letters, digits, '-', '_' and '.'");
		copy = ascii;
	}
	n = strlen(copy);
	if (n > 1 && copy[n - 1] == '.')
		copy[n - 1] = '\0';
	reason = validate_dns_name(copy);
	if (reason) {
		free(copy);
		return reason;
	}
	k = SSTP_HOST_NAME;
done:
	if (kind)
		*kind = k;
	if (out)
		*out = copy;
	else
		free(copy);
	return NULL;
}

const char *
sstp_validate_host_port(const char *value, SstpToAsciiFunc to_ascii, char **out_host,
                        SstpHostKind *kind, unsigned *out_port)
{
	const char *host, *port_str = NULL, *colon, *reason;
	size_t host_len;
	unsigned port = 0;

	if (value[0] == '[') {
		const char *end = strchr(value, ']');

		if (!end)
			return N_("missing ']' after the IPv6 address");
		host = value + 1;
		host_len = (size_t) (end - host);
		if (end[1] == ':')
			port_str = end + 2;
		else if (end[1] != '\0')
			return N_("only :PORT may follow the ']'");
		if (!memchr(host, ':', host_len))
			return N_("brackets are only for IPv6 addresses");
	} else {
		colon = strchr(value, ':');
		host = value;
		if (colon && strchr(colon + 1, ':')) {
			/* Two or more colons: a bare IPv6 address (the old plugin
			 * took these); no port possible. */
			host_len = strlen(value);
		} else {
			host_len = colon ? (size_t) (colon - value) : strlen(value);
			if (colon)
				port_str = colon + 1;
		}
	}
	if (port_str && (reason = sstp_validate_port(port_str, &port)))
		return reason;
	reason = sstp_validate_host(host, host_len, to_ascii, out_host, kind);
	if (reason)
		return reason;
	if (out_port)
		*out_port = port;
	return NULL;
}

const char *
sstp_validate_pin_sha256(const char *s, uint8_t out[SSTP_PIN_SHA256_LEN])
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
		return N_("must be 64 hexadecimal digits (a SHA-256 fingerprint, colons allowed)");
	}
	if (out)
		memcpy(out, buf, SSTP_PIN_SHA256_LEN);
	OPENSSL_cleanse(buf, SSTP_PIN_SHA256_LEN);
	OPENSSL_free(buf);
	return NULL;
}
