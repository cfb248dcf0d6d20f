/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The HTTP parts of SSTP (MS-SSTP 3.2.5.1, docs/sstp-protocol.md section 1):
 * the header-only SSTP_DUPLEX_POST request, the HTTP proxy CONNECT request,
 * and one parser for the answers to both. The parser reads bytes from an
 * untrusted peer, so it is strict about structure (status line, header
 * lines, sizes), lenient about the usual variations (LF-only line ends,
 * odd whitespace, folded lines, any header name case) and copies only
 * sanitised text out.
 */
#include "sstp-http.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static const char hex_upper[] = "0123456789ABCDEF";

void
sstp_guid_format(const uint8_t random16[16], char out[SSTP_GUID_STRLEN + 1])
{
	uint8_t b[16];
	size_t o = 0;
	size_t i;

	memcpy(b, random16, sizeof(b));
	/* RFC 4122 section 4.4: version 4 in the high nibble of byte 6,
	 * variant 10xx in the high bits of byte 8. */
	b[6] = (uint8_t) ((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t) ((b[8] & 0x3f) | 0x80);

	out[o++] = '{';
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex_upper[b[i] >> 4];
		out[o++] = hex_upper[b[i] & 0x0f];
	}
	out[o++] = '}';
	out[o] = '\0';
}

bool
sstp_guid_normalize(const char *in, char out[SSTP_GUID_STRLEN + 1])
{
	size_t len, i, o = 0;
	bool braced;

	if (in == NULL)
		return false;
	len = strlen(in);
	braced = len > 0 && in[0] == '{';
	if (len != (braced ? SSTP_GUID_STRLEN : SSTP_GUID_STRLEN - 2))
		return false;
	if (braced) {
		if (in[len - 1] != '}')
			return false;
		in++;
		len -= 2;
	}
	out[o++] = '{';
	for (i = 0; i < len; i++) {
		char c = in[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return false;
		} else if (c >= 'a' && c <= 'f') {
			c = (char) (c - 'a' + 'A');
		} else if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
			return false;
		}
		out[o++] = c;
	}
	out[o++] = '}';
	out[o] = '\0';
	return true;
}

/* A value that goes into a request header verbatim: non-empty, visible
 * ASCII only (no space, no CR/LF or other control, no 8-bit bytes), so it
 * can neither split the request nor inject a header. */
static bool
header_token_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char) *s;

		if (c <= 0x20 || c >= 0x7f)
			return false;
	}
	return true;
}

/* "host" or "host:port" as it goes into Host and the CONNECT target. A bare
 * IPv6 address (it has a colon and no brackets) is bracketed, as
 * RFC 3986 requires, so its colons cannot be mistaken for the port. */
static bool
format_authority(char *out, size_t cap, const char *host, uint16_t port, bool with_port)
{
	bool bracket = strchr(host, ':') != NULL && host[0] != '[';
	int n;

	if (with_port)
		n = snprintf(out, cap, "%s%s%s:%u", bracket ? "[" : "", host,
		             bracket ? "]" : "", (unsigned) port);
	else
		n = snprintf(out, cap, "%s%s%s", bracket ? "[" : "", host, bracket ? "]" : "");
	return n > 0 && (size_t) n < cap;
}

size_t
sstp_http_build_request(char *out, size_t cap, const char *host, uint16_t port,
                        const char *correlation_guid)
{
	char authority[300];
	int n;

	if (out == NULL || !header_token_ok(host) || !header_token_ok(correlation_guid))
		return 0;
	if (!format_authority(authority, sizeof(authority), host, port, port != 443))
		return 0;
	n = snprintf(out, cap,
	             "SSTP_DUPLEX_POST " SSTP_HTTP_URI " HTTP/1.1\r\n"
	             "Host: %s\r\n"
	             "Content-Length: 18446744073709551615\r\n"
	             "SSTPCORRELATIONID: %s\r\n"
	             "\r\n",
	             authority, correlation_guid);
	if (n <= 0 || (size_t) n >= cap)
		return 0;
	return (size_t) n;
}

size_t
sstp_http_build_connect(char *out, size_t cap, const char *host, uint16_t port,
                        const char *basic_credentials_b64)
{
	char authority[300];
	int n;

	if (out == NULL || !header_token_ok(host) || port == 0)
		return 0;
	if (basic_credentials_b64 != NULL && !header_token_ok(basic_credentials_b64))
		return 0;
	if (!format_authority(authority, sizeof(authority), host, port, true))
		return 0;
	n = snprintf(out, cap,
	             "CONNECT %s HTTP/1.1\r\n"
	             "Host: %s\r\n"
	             "SSTPVERSION: 1.0\r\n"
	             "%s%s%s"
	             "\r\n",
	             authority, authority,
	             basic_credentials_b64 ? "Proxy-Authorization: Basic " : "",
	             basic_credentials_b64 ? basic_credentials_b64 : "",
	             basic_credentials_b64 ? "\r\n" : "");
	if (n <= 0 || (size_t) n >= cap) {
		/* The buffer may hold part of the credentials. */
		if (cap > 0)
			OPENSSL_cleanse(out, cap);
		return 0;
	}
	return (size_t) n;
}

/* Longest "user:password" accepted for Basic auth; far above any real one. */
#define BASIC_PLAIN_MAX 1024

size_t
sstp_http_basic_credentials(char *out, size_t cap, const char *user, const char *password)
{
	unsigned char plain[BASIC_PLAIN_MAX];
	size_t ulen, plen, need;
	int n;

	if (out == NULL || user == NULL || password == NULL)
		return 0;
	ulen = strlen(user);
	plen = strlen(password);
	/* RFC 7617: the user-id cannot contain a colon, the server would
	 * split it there. */
	if (strchr(user, ':') != NULL || ulen + 1 + plen > sizeof(plain))
		return 0;
	need = 4 * ((ulen + 1 + plen + 2) / 3) + 1;   /* + NUL from EVP_EncodeBlock */
	if (cap < need)
		return 0;

	memcpy(plain, user, ulen);
	plain[ulen] = ':';
	memcpy(plain + ulen + 1, password, plen);
	n = EVP_EncodeBlock((unsigned char *) out, plain, (int) (ulen + 1 + plen));
	OPENSSL_cleanse(plain, sizeof(plain));
	if (n < 0)
		return 0;
	return (size_t) n;
}

/* ---- response parser ---- */

static bool
is_ows(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static uint8_t
ascii_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t) (c + 32) : c;
}

static bool
span_equals_nocase(const uint8_t *s, size_t n, const char *word)
{
	size_t i;

	if (strlen(word) != n)
		return false;
	for (i = 0; i < n; i++)
		if (ascii_lower(s[i]) != ascii_lower((uint8_t) word[i]))
			return false;
	return true;
}

/* Copy n bytes into out[cap] as a printable ASCII C string: whitespace
 * runs become one space, other control and 8-bit bytes become '?', the
 * ends are trimmed and the result is truncated to fit. */
static void
copy_sanitised(char *out, size_t cap, const uint8_t *s, size_t n)
{
	size_t o = 0;
	size_t i;
	bool pending_space = false;

	for (i = 0; i < n && o + 1 < cap; i++) {
		uint8_t c = s[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			pending_space = o > 0;
			continue;
		}
		if (pending_space) {
			out[o++] = ' ';
			pending_space = false;
			if (o + 1 >= cap)
				break;
		}
		out[o++] = (c > 0x20 && c < 0x7f) ? (char) c : '?';
	}
	if (cap > 0)
		out[o] = '\0';
}

/* One line of the header: [start, end) without the line end. */
struct line {
	const uint8_t *start;
	const uint8_t *end;
};

/* "HTTP/1.x SP 3DIGIT [SP reason]". Lenient about the whitespace. */
static const char *
parse_status_line(const struct line *l, struct sstp_http_response *resp)
{
	const uint8_t *p = l->start;
	const uint8_t *e = l->end;
	const uint8_t *c;

	for (c = p; c < e; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			return "control character in the HTTP status line";
	if (e - p < 8 || memcmp(p, "HTTP/", 5) != 0)
		return "the answer is not HTTP (no \"HTTP/\" status line)";
	if (p[5] != '1' || p[6] != '.' || (p[7] != '0' && p[7] != '1'))
		return "unsupported HTTP version in the status line (expected HTTP/1.0 or HTTP/1.1)";
	p += 8;
	if (p == e || !is_ows(*p))
		return "malformed HTTP status line";
	while (p < e && is_ows(*p))
		p++;
	if (e - p < 3 || p[0] < '1' || p[0] > '5' || p[1] < '0' || p[1] > '9' ||
	    p[2] < '0' || p[2] > '9')
		return "malformed HTTP status code";
	resp->status = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
	p += 3;
	if (p < e && !is_ows(*p))
		return "malformed HTTP status code";
	copy_sanitised(resp->reason, sizeof(resp->reason), p, (size_t) (e - p));
	return NULL;
}

static const char *
parse_content_length(const uint8_t *v, size_t n, struct sstp_http_response *resp)
{
	uint64_t value = 0;
	size_t i;

	if (n == 0)
		return "empty Content-Length header";
	for (i = 0; i < n; i++) {
		unsigned digit;

		if (v[i] < '0' || v[i] > '9')
			return "invalid Content-Length header";
		digit = (unsigned) (v[i] - '0');
		if (value > (UINT64_MAX - digit) / 10)
			return "Content-Length header out of range";
		value = value * 10 + digit;
	}
	if (resp->has_content_length && resp->content_length != value)
		return "conflicting Content-Length headers";
	resp->has_content_length = true;
	resp->content_length = value;
	return NULL;
}

static bool
is_token_char(uint8_t c)
{
	if (c <= 0x20 || c >= 0x7f)
		return false;
	return strchr("\"(),/:;<=>?@[\\]{}", c) == NULL;
}

/* Proxy-Authenticate (RFC 7235 section 4.3): a comma separated list of
 * challenges, each a scheme name followed by auth-params (name=value,
 * value a token or a quoted string) or a token68. Several schemes may
 * share one header. Records whether Basic is offered and its realm. */
static void
parse_proxy_authenticate(const uint8_t *v, size_t n, struct sstp_http_response *resp)
{
	size_t i = 0;
	bool in_basic = false;

	resp->proxy_auth_present = true;
	while (i < n) {
		size_t tok_start, tok_end;

		while (i < n && (is_ows(v[i]) || v[i] == ','))
			i++;
		tok_start = i;
		while (i < n && is_token_char(v[i]))
			i++;
		tok_end = i;
		if (tok_end == tok_start) {
			i++;            /* stray byte: skip it */
			continue;
		}
		while (i < n && is_ows(v[i]))
			i++;
		if (i < n && v[i] == '=' &&
		    !(i + 1 < n && v[i + 1] == '=')) {
			/* auth-param name=value */
			bool is_realm = span_equals_nocase(v + tok_start, tok_end - tok_start, "realm");
			char value[sizeof(resp->proxy_realm)];
			size_t o = 0;

			i++;
			while (i < n && is_ows(v[i]))
				i++;
			if (i < n && v[i] == '"') {
				i++;
				while (i < n && v[i] != '"') {
					if (v[i] == '\\' && i + 1 < n)
						i++;
					if (o + 1 < sizeof(value))
						value[o++] = (char) v[i];
					i++;
				}
				i++;    /* closing quote */
			} else {
				while (i < n && v[i] != ',' && !is_ows(v[i])) {
					if (o + 1 < sizeof(value))
						value[o++] = (char) v[i];
					i++;
				}
			}
			if (in_basic && is_realm)
				copy_sanitised(resp->proxy_realm, sizeof(resp->proxy_realm),
				               (const uint8_t *) value, o);
			continue;
		}
		if (i < n && v[i] == '=') {
			/* token68 ending in padding: belongs to the current scheme */
			while (i < n && v[i] == '=')
				i++;
			continue;
		}
		/* A new challenge starts with its scheme name; a token that
		 * follows a scheme without '=' (token68) is not one, but it
		 * cannot be "Basic" in any real answer either. */
		in_basic = span_equals_nocase(v + tok_start, tok_end - tok_start, "basic");
		if (in_basic)
			resp->proxy_auth_basic = true;
	}
}

/* One logical header field (physical lines first..last, folded lines
 * included). */
static const char *
parse_header_field(const uint8_t *start, const uint8_t *end, struct sstp_http_response *resp)
{
	/* Folded continuation lines become single spaces in the value. */
	uint8_t value[1024];
	size_t vlen = 0;
	const uint8_t *colon = memchr(start, ':', (size_t) (end - start));
	const uint8_t *name_end;
	const uint8_t *p;
	bool truncated = false;

	if (colon == NULL || colon == start)
		return "malformed HTTP header line (no \"name:\")";
	name_end = colon;
	/* Whitespace before the colon is not allowed by RFC 7230, but it is
	 * harmless here: trim it. Inside the name it is an error. */
	while (name_end > start && is_ows(name_end[-1]))
		name_end--;
	for (p = start; p < name_end; p++)
		if (!is_token_char(*p))
			return "malformed HTTP header name";

	for (p = colon + 1; p < end; p++) {
		uint8_t c = *p;

		if (c == '\r' || c == '\n' || c == '\t')
			c = ' ';
		if (c == ' ' && (vlen == 0 || value[vlen - 1] == ' '))
			continue;
		if (vlen == sizeof(value)) {
			truncated = true;
			break;
		}
		value[vlen++] = c;
	}
	while (vlen > 0 && value[vlen - 1] == ' ')
		vlen--;

	if (span_equals_nocase(start, (size_t) (name_end - start), "content-length")) {
		if (truncated)
			return "invalid Content-Length header";
		return parse_content_length(value, vlen, resp);
	}
	if (span_equals_nocase(start, (size_t) (name_end - start), "server"))
		copy_sanitised(resp->server, sizeof(resp->server), value, vlen);
	else if (span_equals_nocase(start, (size_t) (name_end - start), "proxy-authenticate"))
		parse_proxy_authenticate(value, vlen, resp);
	return NULL;
}

/* Next line in [p, limit): sets *l (without CR LF) and returns the byte after
 * its LF, or NULL if no LF is there yet. */
static const uint8_t *
next_line(const uint8_t *p, const uint8_t *limit, struct line *l)
{
	const uint8_t *lf = memchr(p, '\n', (size_t) (limit - p));

	if (lf == NULL)
		return NULL;
	l->start = p;
	l->end = lf;
	if (l->end > l->start && l->end[-1] == '\r')
		l->end--;
	return lf + 1;
}

static enum sstp_http_result
fail(struct sstp_http_response *resp, const char *why)
{
	resp->error = why;
	return SSTP_HTTP_ERROR;
}

enum sstp_http_result
sstp_http_response_parse(const uint8_t *buf, size_t len, struct sstp_http_response *resp)
{
	const uint8_t *limit = buf + (len < SSTP_HTTP_MAX_HEADER ? len : SSTP_HTTP_MAX_HEADER);
	const uint8_t *p = buf;
	const uint8_t *field_start = NULL;   /* logical header being assembled */
	const uint8_t *field_end = NULL;
	const char *why;
	struct line l;
	size_t i;

	memset(resp, 0, sizeof(*resp));

	/* Refuse an answer that cannot become HTTP as soon as possible
	 * instead of waiting for a header end that never comes. */
	for (i = 0; i < len && i < 5; i++)
		if (buf[i] != (uint8_t) "HTTP/"[i])
			return fail(resp, "the answer is not HTTP (no \"HTTP/\" status line)");

	p = next_line(p, limit, &l);
	if (p == NULL)
		goto incomplete;
	why = parse_status_line(&l, resp);
	if (why != NULL)
		return fail(resp, why);

	for (;;) {
		const uint8_t *c;

		p = next_line(p, limit, &l);
		if (p == NULL)
			goto incomplete;
		for (c = l.start; c < l.end; c++)
			if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
				return fail(resp, "control character in HTTP header");

		if (l.start < l.end && is_ows(l.start[0])) {
			/* obs-fold: continues the previous field */
			if (field_start == NULL)
				return fail(resp, "malformed HTTP header (continuation line without a header)");
			field_end = l.end;
			continue;
		}
		if (field_start != NULL) {
			why = parse_header_field(field_start, field_end, resp);
			if (why != NULL)
				return fail(resp, why);
			field_start = NULL;
		}
		if (l.start == l.end)
			break;          /* the blank line */
		field_start = l.start;
		field_end = l.end;
	}
	resp->header_len = (size_t) (p - buf);
	return SSTP_HTTP_COMPLETE;

incomplete:
	if (len >= SSTP_HTTP_MAX_HEADER)
		return fail(resp, "HTTP answer header is too long");
	/* Keep the status of a partial parse out of the caller's hands. */
	memset(resp, 0, sizeof(*resp));
	return SSTP_HTTP_INCOMPLETE;
}

enum sstp_proxy_verdict
sstp_http_proxy_verdict(const struct sstp_http_response *resp)
{
	if (resp->status >= 200 && resp->status <= 299)
		return SSTP_PROXY_OK;
	if (resp->status == 407)
		return SSTP_PROXY_AUTH_REQUIRED;
	return SSTP_PROXY_REFUSED;
}
