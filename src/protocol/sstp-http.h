/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP parts of SSTP: the SSTP_DUPLEX_POST request and the server's
 * answer, and HTTP proxy CONNECT. Pure: no I/O, no globals; random bytes
 * for the correlation GUID come from the caller.
 */
#ifndef SSTP_HTTP_H
#define SSTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SSTP_HTTP_URI            "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
#define SSTP_HTTP_MAX_HEADER     8192   /* an answer whose header is longer is refused */
#define SSTP_GUID_STRLEN         38     /* {8-4-4-4-12}, without NUL */

/* Format 16 random bytes as a braced RFC 4122 version-4 GUID
 * ("{XXXXXXXX-XXXX-4XXX-YXXX-XXXXXXXXXXXX}", upper case) into out[39]. */
void sstp_guid_format(const uint8_t random16[16], char out[SSTP_GUID_STRLEN + 1]);

/* Whether `in` is a GUID: 8-4-4-4-12 hexadecimal digits, braces around it
 * optional (the connection UUID the old plugin stored is written without).
 * If so, writes it braced and upper case into out[39] and returns true. */
bool sstp_guid_normalize(const char *in, char out[SSTP_GUID_STRLEN + 1]);

/* Build the request. host is the Host header value (a name, an IPv4
 * address or a bracketed IPv6 address; a port is added only if not 443).
 * Returns the length written (no NUL counted), or 0 if cap is too small or
 * host contains characters that cannot appear in a header. */
size_t sstp_http_build_request(char *out, size_t cap, const char *host, uint16_t port,
                               const char *correlation_guid);

/* Build "CONNECT host:port HTTP/1.1" for an HTTP proxy, with the
 * SSTPVERSION header and, if basic_credentials_b64 is not NULL, a
 * Proxy-Authorization: Basic header. Returns length or 0. */
size_t sstp_http_build_connect(char *out, size_t cap, const char *host, uint16_t port,
                               const char *basic_credentials_b64);

/* Base64 of "user:password" for Basic auth. Returns length or 0. */
size_t sstp_http_basic_credentials(char *out, size_t cap, const char *user, const char *password);

enum sstp_http_result {
	SSTP_HTTP_INCOMPLETE = 0,   /* need more bytes */
	SSTP_HTTP_COMPLETE   = 1,   /* header parsed; header_len bytes consumed */
	SSTP_HTTP_ERROR      = -1,  /* malformed or too long; error says why */
};

struct sstp_http_response {
	int      status;                /* e.g. 200 */
	char     reason[128];           /* reason phrase, sanitised, may be empty */
	size_t   header_len;            /* bytes up to and including the blank line */
	bool     has_content_length;
	uint64_t content_length;
	char     server[128];           /* Server: header, sanitised, may be empty */
	/* proxy answers */
	bool     proxy_auth_basic;      /* Proxy-Authenticate offers Basic */
	bool     proxy_auth_present;    /* any Proxy-Authenticate header */
	char     proxy_realm[128];
	const char *error;              /* static text when SSTP_HTTP_ERROR */
};

/* Parse the answer at the start of buf (accepts CRLF or bare LF line ends).
 * Bytes after header_len belong to the next layer and must be kept. */
enum sstp_http_result sstp_http_response_parse(const uint8_t *buf, size_t len,
                                               struct sstp_http_response *resp);

/* Interpretations of a parsed answer. */
enum sstp_proxy_verdict {
	SSTP_PROXY_OK,              /* 2xx: tunnel established */
	SSTP_PROXY_AUTH_REQUIRED,   /* 407; see proxy_auth_basic */
	SSTP_PROXY_REFUSED,         /* anything else */
};
enum sstp_proxy_verdict sstp_http_proxy_verdict(const struct sstp_http_response *resp);

#endif
