/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One validator for the values both the settings table (nm-sstp-settings.c,
 * vpn.data) and the worker's command line (tunnel-options.c) take: host names
 * and addresses, ports, the certificate pin, numbers in a range, and the
 * ranges themselves. An ASCII value the service accepts is a value the worker
 * accepts, and the other way round.
 *
 * Plain C (inet_pton for addresses, OPENSSL_hexstr2buf for the pin), no GLib:
 * the worker links this and nothing of GLib (its resident memory is compared
 * with sstpc's). International names are the one difference: only a caller
 * with an IDNA converter (the settings table, g_hostname_to_ascii) passes
 * one as to_ascii and gets the xn-- form; the worker passes NULL and refuses
 * them with a reason that says to give the xn-- form. The service always hands
 * the worker the settings table's normalized (ASCII) value.
 *
 * A failure gives a reason: a static English sentence fragment ("the port must
 * be a number from 1 to 65535"), marked for xgettext in sstp-validate.c.
 * Callers say which key or option it was about; the settings table translates
 * the reason (gettext) when it wraps it in a GError, the worker prints it as is.
 */
#ifndef SSTP_VALIDATE_H
#define SSTP_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SSTP hello timer (seconds): vpn.data hello-interval and --hello. */
#define SSTP_HELLO_MIN     5
#define SSTP_HELLO_MAX     3600
#define SSTP_HELLO_DEFAULT 60

#define SSTP_PIN_SHA256_LEN 32

/* String forms of numeric macros (the worker's --help, the table's default). */
#define SSTP_STRINGIFY_ARG(x) #x
#define SSTP_STRINGIFY(x)  SSTP_STRINGIFY_ARG(x)

typedef enum {
	SSTP_HOST_NAME,
	SSTP_HOST_IPV4,
	SSTP_HOST_IPV6,
} SstpHostKind;

/* Turns a host name holding non-ASCII bytes into its ASCII (xn--) form.
 * Returns a malloc()ed string (the caller free()s it), or NULL with *reason
 * set to a static reason. */
typedef char *(*SstpToAsciiFunc)(const char *name, const char **reason);

/* The reason given for a non-ASCII name when to_ascii is NULL. */
extern const char sstp_validate_reason_non_ascii[];

/* A host without brackets or port: a DNS name, an IPv4 or an IPv6 address,
 * len bytes of host. A non-ASCII name goes through to_ascii (NULL: refused);
 * a trailing dot is dropped (TLS SNI must not carry it). *out (if not NULL)
 * gets the normalized host, free() it. Returns NULL when valid, else the
 * reason. */
const char *sstp_validate_host(const char *host, size_t len, SstpToAsciiFunc to_ascii, char **out,
                               SstpHostKind *kind);

/* HOST, HOST:PORT, [IPV6], [IPV6]:PORT, or a bare IPv6 address (no port
 * then). *out_host gets the normalized host without brackets (free() it),
 * *out_port the port or 0 when none was given. NULL or the reason. */
const char *sstp_validate_host_port(const char *value, SstpToAsciiFunc to_ascii, char **out_host,
                                    SstpHostKind *kind, unsigned *out_port);

/* Plain decimal (digits only: no sign, blank or 0x) from min to max. No
 * reason: callers know what the number is for. */
bool sstp_validate_uint(const char *s, unsigned min, unsigned max, unsigned *out);

/* A TCP port, 1..65535. NULL or the reason. */
const char *sstp_validate_port(const char *s, unsigned *out);

/* A SHA-256 fingerprint: 64 hex digits, optionally ':' between bytes (as
 * openssl x509 -fingerprint prints it). NULL or the reason. */
const char *sstp_validate_pin_sha256(const char *s, uint8_t out[SSTP_PIN_SHA256_LEN]);

#endif
