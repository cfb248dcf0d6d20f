/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One validator for the values both the settings table (nm-sstp-settings.c,
 * vpn.data) and the worker's command line (tunnel-options.c) take: host names
 * and addresses, ports, the certificate pin, numbers in a range, and the
 * ranges themselves. A value the service accepts is a value the worker
 * accepts, and the other way round.
 *
 * GLib and OpenSSL do the parsing where they can (g_hostname_to_ascii for
 * international names, inet_pton for addresses, OPENSSL_hexstr2buf for the
 * pin). Errors carry only the reason, translated ("the port must be a number
 * from 1 to 65535"); callers say which key or option it was about.
 */
#ifndef SSTP_VALIDATE_H
#define SSTP_VALIDATE_H

#include <glib.h>

G_BEGIN_DECLS

/* SSTP hello timer (seconds): vpn.data hello-interval and --hello. */
#define SSTP_HELLO_MIN     5
#define SSTP_HELLO_MAX     3600
#define SSTP_HELLO_DEFAULT 60

#define SSTP_PIN_SHA256_LEN 32

#define SSTP_VALIDATE_ERROR (sstp_validate_error_quark())
GQuark sstp_validate_error_quark(void);

typedef enum {
	SSTP_HOST_NAME,
	SSTP_HOST_IPV4,
	SSTP_HOST_IPV6,
} SstpHostKind;

/* A host without brackets or port: a DNS name, an IPv4 or an IPv6 address.
 * An international name becomes its ASCII (xn--) form; a trailing dot is
 * dropped (TLS SNI must not carry it). *out (if not NULL) gets the normalized
 * host, g_free() it. len -1: NUL-terminated. */
gboolean sstp_validate_host(const char *host, gssize len, char **out, SstpHostKind *kind,
                            GError **error);

/* HOST, HOST:PORT, [IPV6], [IPV6]:PORT, or a bare IPv6 address (no port
 * then). *out_host gets the normalized host without brackets, *out_port the
 * port or 0 when none was given. */
gboolean sstp_validate_host_port(const char *value, char **out_host, SstpHostKind *kind,
                                 guint *out_port, GError **error);

/* Plain decimal (digits only: no sign, blank or 0x) from min to max. No
 * error: callers know what the number is for. */
gboolean sstp_validate_uint(const char *s, guint min, guint max, guint *out);

/* A TCP port, 1..65535. */
gboolean sstp_validate_port(const char *s, guint *out, GError **error);

/* A SHA-256 fingerprint: 64 hex digits, optionally ':' between bytes (as
 * openssl x509 -fingerprint prints it). */
gboolean sstp_validate_pin_sha256(const char *s, guint8 out[SSTP_PIN_SHA256_LEN], GError **error);

G_END_DECLS

#endif
