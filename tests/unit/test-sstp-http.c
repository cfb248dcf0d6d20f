/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the HTTP parts of SSTP (src/protocol/sstp-http.c): the exact
 * bytes of the requests, the GUID, Basic credentials, and the answer
 * parser on the shapes real servers and proxies send plus broken ones.
 */
#include "sstp-http.h"

#include <glib.h>
#include <string.h>

/* ---- GUID ---- */

static void
test_guid_known(void)
{
	uint8_t bytes[16];
	char out[SSTP_GUID_STRLEN + 1];
	unsigned i;

	memset(bytes, 0, sizeof(bytes));
	sstp_guid_format(bytes, out);
	g_assert_cmpstr(out, ==, "{00000000-0000-4000-8000-000000000000}");

	memset(bytes, 0xff, sizeof(bytes));
	sstp_guid_format(bytes, out);
	g_assert_cmpstr(out, ==, "{FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF}");

	for (i = 0; i < 16; i++)
		bytes[i] = (uint8_t) (i * 0x11);
	sstp_guid_format(bytes, out);
	g_assert_cmpstr(out, ==, "{00112233-4455-4677-8899-AABBCCDDEEFF}");
}

/* The old plugin's uuid key holds the connection UUID, without braces. */
static void
test_guid_normalize(void)
{
	static const char *const bad[] = {
		"", "not-a-guid", "9d5e7c1a2b4f4e618a3c6f0d2e9b1c57", "{9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57",
		"9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57}", "9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c5g",
		"9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57x", "9d5e7c1a+2b4f-4e61-8a3c-6f0d2e9b1c57",
		"{9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57}\r\nX: y", NULL
	};
	char out[SSTP_GUID_STRLEN + 1];
	unsigned i;

	g_assert_true(sstp_guid_normalize("9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57", out));
	g_assert_cmpstr(out, ==, "{9D5E7C1A-2B4F-4E61-8A3C-6F0D2E9B1C57}");
	g_assert_true(sstp_guid_normalize("{00112233-4455-6677-8899-aabbccddeeff}", out));
	g_assert_cmpstr(out, ==, "{00112233-4455-6677-8899-AABBCCDDEEFF}");
	for (i = 0; bad[i]; i++)
		g_assert_false(sstp_guid_normalize(bad[i], out));
	g_assert_false(sstp_guid_normalize(NULL, out));
}

static void
test_guid_random(void)
{
	uint8_t bytes[16];
	char out[SSTP_GUID_STRLEN + 2];
	unsigned i, k;

	for (k = 0; k < 1000; k++) {
		for (i = 0; i < 16; i++)
			bytes[i] = (uint8_t) g_test_rand_int_range(0, 256);
		memset(out, 'x', sizeof(out));
		sstp_guid_format(bytes, out);
		g_assert_cmpuint(strlen(out), ==, SSTP_GUID_STRLEN);
		g_assert_cmpint(out[SSTP_GUID_STRLEN + 1], ==, 'x');   /* wrote 39 bytes only */
		g_assert_cmpint(out[0], ==, '{');
		g_assert_cmpint(out[37], ==, '}');
		for (i = 1; i < 37; i++) {
			if (i == 9 || i == 14 || i == 19 || i == 24)
				g_assert_cmpint(out[i], ==, '-');
			else
				g_assert_nonnull(strchr("0123456789ABCDEF", out[i]));
		}
		/* version 4, RFC 4122 variant */
		g_assert_cmpint(out[15], ==, '4');
		g_assert_nonnull(strchr("89AB", out[20]));
		/* the other random bits come through: first byte as given */
		g_assert_cmpint(out[1], ==, "0123456789ABCDEF"[bytes[0] >> 4]);
		g_assert_cmpint(out[36], ==, "0123456789ABCDEF"[bytes[15] & 15]);
	}
}

/* ---- requests ---- */

#define GUID "{12345678-9ABC-4DEF-8123-456789ABCDEF}"

static void
test_request_exact(void)
{
	const char *expect =
		"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n"
		"Host: vpn.example.com\r\n"
		"Content-Length: 18446744073709551615\r\n"
		"SSTPCORRELATIONID: " GUID "\r\n"
		"\r\n";
	char out[512];
	size_t n;

	n = sstp_http_build_request(out, sizeof(out), "vpn.example.com", 443, GUID);
	g_assert_cmpuint(n, ==, strlen(expect));
	g_assert_cmpstr(out, ==, expect);

	/* exactly enough room (with the NUL), and one byte less */
	g_assert_cmpuint(sstp_http_build_request(out, strlen(expect) + 1, "vpn.example.com", 443, GUID),
	                 ==, strlen(expect));
	g_assert_cmpuint(sstp_http_build_request(out, strlen(expect), "vpn.example.com", 443, GUID),
	                 ==, 0);
}

static void
test_request_host_forms(void)
{
	char out[512];

	g_assert_cmpuint(sstp_http_build_request(out, sizeof(out), "vpn.example.com", 8443, GUID), >, 0);
	g_assert_nonnull(strstr(out, "\r\nHost: vpn.example.com:8443\r\n"));

	g_assert_cmpuint(sstp_http_build_request(out, sizeof(out), "192.0.2.7", 443, GUID), >, 0);
	g_assert_nonnull(strstr(out, "\r\nHost: 192.0.2.7\r\n"));

	g_assert_cmpuint(sstp_http_build_request(out, sizeof(out), "[2001:db8::1]", 443, GUID), >, 0);
	g_assert_nonnull(strstr(out, "\r\nHost: [2001:db8::1]\r\n"));

	/* a bare IPv6 address gets brackets, so the port stays separate */
	g_assert_cmpuint(sstp_http_build_request(out, sizeof(out), "2001:db8::1", 444, GUID), >, 0);
	g_assert_nonnull(strstr(out, "\r\nHost: [2001:db8::1]:444\r\n"));
}

static void
test_request_rejects_bad_host(void)
{
	const char *bad[] = {
		"", "vpn.example.com\r\nX-Evil: 1", "vpn\n.example.com", "vpn example.com",
		"vpn\texample.com", "vpn\x01.com", "vpn\x7f.com", "vpn\xc3\xa9.com",
	};
	char out[512];
	unsigned i;

	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_assert_cmpuint(sstp_http_build_request(out, sizeof(out), bad[i], 443, GUID), ==, 0);
		g_assert_cmpuint(sstp_http_build_connect(out, sizeof(out), bad[i], 443, NULL), ==, 0);
	}
	g_assert_cmpuint(sstp_http_build_request(out, sizeof(out), NULL, 443, GUID), ==, 0);
	g_assert_cmpuint(sstp_http_build_request(out, sizeof(out), "vpn", 443, "{a b}"), ==, 0);
	g_assert_cmpuint(sstp_http_build_request(out, sizeof(out), "vpn", 443, NULL), ==, 0);
}

static void
test_connect(void)
{
	const char *plain =
		"CONNECT vpn.example.com:443 HTTP/1.1\r\n"
		"Host: vpn.example.com:443\r\n"
		"SSTPVERSION: 1.0\r\n"
		"\r\n";
	const char *auth =
		"CONNECT [2001:db8::2]:8443 HTTP/1.1\r\n"
		"Host: [2001:db8::2]:8443\r\n"
		"SSTPVERSION: 1.0\r\n"
		"Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n"
		"\r\n";
	char out[512];

	g_assert_cmpuint(sstp_http_build_connect(out, sizeof(out), "vpn.example.com", 443, NULL),
	                 ==, strlen(plain));
	g_assert_cmpstr(out, ==, plain);

	g_assert_cmpuint(sstp_http_build_connect(out, sizeof(out), "2001:db8::2", 8443,
	                                         "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="), ==, strlen(auth));
	g_assert_cmpstr(out, ==, auth);

	/* credentials that would break the header are refused */
	g_assert_cmpuint(sstp_http_build_connect(out, sizeof(out), "vpn", 443, "abc\r\nX: y"), ==, 0);
	g_assert_cmpuint(sstp_http_build_connect(out, sizeof(out), "vpn", 443, ""), ==, 0);
	/* too small */
	g_assert_cmpuint(sstp_http_build_connect(out, strlen(plain), "vpn.example.com", 443, NULL), ==, 0);
}

static void
test_basic_credentials(void)
{
	char out[256];

	/* RFC 7617 section 2 example */
	g_assert_cmpuint(sstp_http_basic_credentials(out, sizeof(out), "Aladdin", "open sesame"),
	                 ==, strlen("QWxhZGRpbjpvcGVuIHNlc2FtZQ=="));
	g_assert_cmpstr(out, ==, "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");

	g_assert_cmpuint(sstp_http_basic_credentials(out, sizeof(out), "user", ""), ==, 8);
	g_assert_cmpstr(out, ==, "dXNlcjo=");
	/* colons in the password are fine, UTF-8 too */
	g_assert_cmpuint(sstp_http_basic_credentials(out, sizeof(out), "u", "p:\xc3\xa9"), >, 0);
	g_assert_cmpstr(out, ==, "dTpwOsOp");

	/* a colon in the user name cannot be represented */
	g_assert_cmpuint(sstp_http_basic_credentials(out, sizeof(out), "dom:user", "x"), ==, 0);
	/* room for the text and its NUL, or nothing */
	g_assert_cmpuint(sstp_http_basic_credentials(out, 9, "user", ""), ==, 8);
	g_assert_cmpuint(sstp_http_basic_credentials(out, 8, "user", ""), ==, 0);
	g_assert_cmpuint(sstp_http_basic_credentials(out, sizeof(out), NULL, "x"), ==, 0);
}

/* ---- answers ---- */

static enum sstp_http_result
parse_str(const char *text, struct sstp_http_response *r)
{
	return sstp_http_response_parse((const uint8_t *) text, strlen(text), r);
}

static void
assert_error(const char *text)
{
	struct sstp_http_response r;

	g_assert_cmpint(parse_str(text, &r), ==, SSTP_HTTP_ERROR);
	g_assert_nonnull(r.error);
	g_assert_cmpuint(strlen(r.error), >, 10);
}

#define WINDOWS_200 \
	"HTTP/1.1 200 \r\n" \
	"Content-Length: 18446744073709551615\r\n" \
	"Server: Microsoft-HTTPAPI/2.0\r\n" \
	"Date: Thu, 01 Feb 2024 10:00:00 GMT\r\n" \
	"\r\n"

static void
test_response_windows_byte_by_byte(void)
{
	/* the answer is followed by the start of an SSTP packet */
	const char sstp[] = "\x10\x01\x00\x30";
	size_t hlen = strlen(WINDOWS_200);
	uint8_t buf[512];
	struct sstp_http_response r;
	size_t len;

	memcpy(buf, WINDOWS_200, hlen);
	memcpy(buf + hlen, sstp, 4);

	for (len = 0; len < hlen; len++) {
		g_assert_cmpint(sstp_http_response_parse(buf, len, &r), ==, SSTP_HTTP_INCOMPLETE);
		g_assert_null(r.error);
	}
	for (len = hlen; len <= hlen + 4; len++) {
		g_assert_cmpint(sstp_http_response_parse(buf, len, &r), ==, SSTP_HTTP_COMPLETE);
		g_assert_cmpuint(r.header_len, ==, hlen);
		g_assert_cmpint(r.status, ==, 200);
		g_assert_cmpstr(r.reason, ==, "");
		g_assert_true(r.has_content_length);
		g_assert_cmpuint(r.content_length, ==, G_MAXUINT64);
		g_assert_cmpstr(r.server, ==, "Microsoft-HTTPAPI/2.0");
		g_assert_false(r.proxy_auth_present);
		g_assert_null(r.error);
		g_assert_cmpint(sstp_http_proxy_verdict(&r), ==, SSTP_PROXY_OK);
	}
}

static void
test_response_lf_only_and_whitespace(void)
{
	const char *text =
		"HTTP/1.0   200   Connection established  \n"
		"content-LENGTH:    42   \n"
		"SERVER:\tsquid/5.7\n"
		"Proxy-Agent : squid\n"        /* space before the colon: tolerated */
		"\n"
		"extra";
	struct sstp_http_response r;

	g_assert_cmpint(parse_str(text, &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpuint(r.header_len, ==, strlen(text) - strlen("extra"));
	g_assert_cmpint(r.status, ==, 200);
	g_assert_cmpstr(r.reason, ==, "Connection established");
	g_assert_cmpuint(r.content_length, ==, 42);
	g_assert_cmpstr(r.server, ==, "squid/5.7");

	/* mixed line ends */
	g_assert_cmpint(parse_str("HTTP/1.1 204 No Content\nServer: a\r\n\nrest", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpuint(r.header_len, ==, strlen("HTTP/1.1 204 No Content\nServer: a\r\n\n"));
	g_assert_cmpint(sstp_http_proxy_verdict(&r), ==, SSTP_PROXY_OK);
}

static void
test_response_folded_header(void)
{
	struct sstp_http_response r;

	g_assert_cmpint(parse_str("HTTP/1.1 200 OK\r\nServer: Some\r\n   Server\r\n\tName\r\nX: y\r\n\r\n", &r),
	                ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpstr(r.server, ==, "Some Server Name");
	/* a continuation line with nothing to continue */
	assert_error("HTTP/1.1 200 OK\r\n  Server: x\r\n\r\n");
}

static void
test_response_refusals(void)
{
	struct sstp_http_response r;

	g_assert_cmpint(parse_str("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n", &r),
	                ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpint(r.status, ==, 403);
	g_assert_cmpstr(r.reason, ==, "Forbidden");
	g_assert_cmpint(sstp_http_proxy_verdict(&r), ==, SSTP_PROXY_REFUSED);

	g_assert_cmpint(parse_str("HTTP/1.0 500 Internal Server Error\r\n\r\n", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpint(r.status, ==, 500);
	g_assert_cmpstr(r.reason, ==, "Internal Server Error");
	g_assert_false(r.has_content_length);
	g_assert_cmpint(sstp_http_proxy_verdict(&r), ==, SSTP_PROXY_REFUSED);

	g_assert_cmpint(parse_str("HTTP/1.1 100 Continue\r\n\r\n", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpint(sstp_http_proxy_verdict(&r), ==, SSTP_PROXY_REFUSED);
	g_assert_cmpint(parse_str("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpint(sstp_http_proxy_verdict(&r), ==, SSTP_PROXY_REFUSED);
}

static void
test_response_proxy_auth(void)
{
	struct sstp_http_response r;

	/* Basic with a quoted realm */
	g_assert_cmpint(parse_str("HTTP/1.1 407 Proxy Authentication Required\r\n"
	                          "Proxy-Authenticate: Basic realm=\"Corp \\\"Proxy\\\"\"\r\n"
	                          "Content-Length: 0\r\n\r\n", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpint(r.status, ==, 407);
	g_assert_cmpint(sstp_http_proxy_verdict(&r), ==, SSTP_PROXY_AUTH_REQUIRED);
	g_assert_true(r.proxy_auth_present);
	g_assert_true(r.proxy_auth_basic);
	g_assert_cmpstr(r.proxy_realm, ==, "Corp \"Proxy\"");

	/* no Proxy-Authenticate at all */
	g_assert_cmpint(parse_str("HTTP/1.1 407 Proxy Authentication Required\r\n\r\n", &r),
	                ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpint(sstp_http_proxy_verdict(&r), ==, SSTP_PROXY_AUTH_REQUIRED);
	g_assert_false(r.proxy_auth_present);
	g_assert_false(r.proxy_auth_basic);
	g_assert_cmpstr(r.proxy_realm, ==, "");

	/* Digest only: a realm that is not Basic's is not reported */
	g_assert_cmpint(parse_str("HTTP/1.1 407 Auth\r\n"
	                          "Proxy-Authenticate: Digest realm=\"d\", nonce=\"abc, Basic realm=x\", qop=\"auth\"\r\n"
	                          "\r\n", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_true(r.proxy_auth_present);
	g_assert_false(r.proxy_auth_basic);
	g_assert_cmpstr(r.proxy_realm, ==, "");

	/* several challenges in one header, names in odd case, token realm */
	g_assert_cmpint(parse_str("HTTP/1.1 407 Auth\n"
	                          "proxy-authenticate: Negotiate, NTLM, bAsIc ReAlM=squid, charset=\"UTF-8\"\n"
	                          "\n", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_true(r.proxy_auth_basic);
	g_assert_cmpstr(r.proxy_realm, ==, "squid");

	/* separate headers, Basic last, token68 before it */
	g_assert_cmpint(parse_str("HTTP/1.1 407 Auth\r\n"
	                          "Proxy-Authenticate: Negotiate YIIabc==\r\n"
	                          "Proxy-Authenticate: Basic realm=\"r2\"\r\n"
	                          "\r\n", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_true(r.proxy_auth_basic);
	g_assert_cmpstr(r.proxy_realm, ==, "r2");

	/* Basic without a realm */
	g_assert_cmpint(parse_str("HTTP/1.1 407 Auth\r\nProxy-Authenticate: Basic\r\n\r\n", &r),
	                ==, SSTP_HTTP_COMPLETE);
	g_assert_true(r.proxy_auth_basic);
	g_assert_cmpstr(r.proxy_realm, ==, "");

	/* "Basicx" is not Basic */
	g_assert_cmpint(parse_str("HTTP/1.1 407 Auth\r\nProxy-Authenticate: Basicx realm=a\r\n\r\n", &r),
	                ==, SSTP_HTTP_COMPLETE);
	g_assert_false(r.proxy_auth_basic);
}

static void
test_response_garbage(void)
{
	struct sstp_http_response r;
	const uint8_t tls_alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };

	/* refused as soon as the first byte shows it is not HTTP */
	assert_error("<");
	assert_error("<html><body>Not Found</body></html>");
	assert_error("SSH-2.0-OpenSSH_9.2\r\n");
	assert_error("HTTX/1.1 200 OK\r\n\r\n");
	g_assert_cmpint(sstp_http_response_parse(tls_alert, sizeof(tls_alert), &r), ==, SSTP_HTTP_ERROR);
	g_assert_nonnull(r.error);

	/* HTTP/0.9 and other versions, broken status lines */
	assert_error("HTTP/0.9 200 OK\r\n\r\n");
	assert_error("HTTP/2 200\r\n\r\n");
	assert_error("HTTP/1.12 200 OK\r\n\r\n");
	assert_error("HTTP/1.1\r\n\r\n");
	assert_error("HTTP/1.1 OK\r\n\r\n");
	assert_error("HTTP/1.1 20\r\n\r\n");
	assert_error("HTTP/1.1 2000 OK\r\n\r\n");
	assert_error("HTTP/1.1 200OK\r\n\r\n");
	assert_error("HTTP/1.1 600 Weird\r\n\r\n");
	assert_error("HTTP/1.1 200 O\001K\r\n\r\n");
	/* a broken status line is refused before the header ends */
	assert_error("HTTP/1.1 OK\r\nServer: x\r\n");

	/* broken header lines */
	assert_error("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n");
	assert_error("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n");
	assert_error("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n");
	assert_error("HTTP/1.1 200 OK\r\nServer: a\001b\r\n\r\n");
	assert_error("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n");
	assert_error("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
	assert_error("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n");
	assert_error("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n");
	assert_error("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
	/* a NUL in the header */
	g_assert_cmpint(sstp_http_response_parse((const uint8_t *) "HTTP/1.1 200 OK\r\nA: \0\r\n\r\n", 25, &r),
	                ==, SSTP_HTTP_ERROR);
}

static void
test_response_missing_reason(void)
{
	struct sstp_http_response r;

	g_assert_cmpint(parse_str("HTTP/1.1 200\r\n\r\n", &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpint(r.status, ==, 200);
	g_assert_cmpstr(r.reason, ==, "");
	g_assert_cmpuint(r.header_len, ==, 16);
	/* equal duplicate Content-Length is fine */
	g_assert_cmpint(parse_str("HTTP/1.1 200\nContent-Length: 7\nContent-Length: 7\n\n", &r),
	                ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpuint(r.content_length, ==, 7);
}

static void
test_response_overlong(void)
{
	GString *s = g_string_new("HTTP/1.1 200 OK\r\n");
	struct sstp_http_response r;
	size_t before;

	/* grow the header to exactly SSTP_HTTP_MAX_HEADER bytes */
	while (s->len + 2 + 12 < SSTP_HTTP_MAX_HEADER)
		g_string_append(s, "X-Pad: 12\r\n");
	before = s->len;
	g_string_append(s, "X-P: ");
	while (s->len + 2 + 2 < SSTP_HTTP_MAX_HEADER)
		g_string_append_c(s, 'a');
	g_string_append(s, "\r\n\r\n");
	g_assert_cmpuint(s->len, ==, SSTP_HTTP_MAX_HEADER);
	g_assert_cmpint(parse_str(s->str, &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpuint(r.header_len, ==, SSTP_HTTP_MAX_HEADER);

	/* one byte more: refused, whole or still open */
	g_string_insert_c(s, (gssize) before + 5, 'b');
	assert_error(s->str);
	g_string_truncate(s, SSTP_HTTP_MAX_HEADER);
	assert_error(s->str);

	/* below the limit without the blank line: wait */
	g_string_truncate(s, SSTP_HTTP_MAX_HEADER - 100);
	g_assert_cmpint(parse_str(s->str, &r), ==, SSTP_HTTP_INCOMPLETE);

	/* a server that streams header lines forever */
	g_string_assign(s, "HTTP/1.1 200 OK\r\n");
	while (s->len < 3 * SSTP_HTTP_MAX_HEADER)
		g_string_append(s, "X: y\r\n");
	assert_error(s->str);
	g_string_free(s, TRUE);
}

static void
test_response_sanitised(void)
{
	GString *s = g_string_new("HTTP/1.1 200 \xc3\xa9t\xc3\xa9 ok\r\nServer: ");
	struct sstp_http_response r;
	unsigned i;

	for (i = 0; i < 300; i++)
		g_string_append_c(s, (char) ('a' + i % 26));
	g_string_append(s, "\r\nProxy-Authenticate: Basic realm=\"tab\there\x80\"\r\n\r\n");
	g_assert_cmpint(parse_str(s->str, &r), ==, SSTP_HTTP_COMPLETE);
	g_assert_cmpstr(r.reason, ==, "??t?? ok");
	g_assert_cmpuint(strlen(r.server), ==, sizeof(r.server) - 1);
	g_assert_true(g_str_has_prefix(r.server, "abcdefghijklmnopqrstuvwxyzabc"));
	g_assert_cmpstr(r.proxy_realm, ==, "tab here?");
	for (i = 0; r.server[i]; i++)
		g_assert_true(g_ascii_isprint(r.server[i]));
	g_string_free(s, TRUE);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sstp-http/guid/known", test_guid_known);
	g_test_add_func("/sstp-http/guid/random", test_guid_random);
	g_test_add_func("/sstp-http/guid/normalize", test_guid_normalize);
	g_test_add_func("/sstp-http/request/exact", test_request_exact);
	g_test_add_func("/sstp-http/request/host-forms", test_request_host_forms);
	g_test_add_func("/sstp-http/request/bad-host", test_request_rejects_bad_host);
	g_test_add_func("/sstp-http/connect", test_connect);
	g_test_add_func("/sstp-http/basic-credentials", test_basic_credentials);
	g_test_add_func("/sstp-http/response/windows-byte-by-byte", test_response_windows_byte_by_byte);
	g_test_add_func("/sstp-http/response/lf-only-whitespace", test_response_lf_only_and_whitespace);
	g_test_add_func("/sstp-http/response/folded", test_response_folded_header);
	g_test_add_func("/sstp-http/response/refusals", test_response_refusals);
	g_test_add_func("/sstp-http/response/proxy-auth", test_response_proxy_auth);
	g_test_add_func("/sstp-http/response/garbage", test_response_garbage);
	g_test_add_func("/sstp-http/response/missing-reason", test_response_missing_reason);
	g_test_add_func("/sstp-http/response/overlong", test_response_overlong);
	g_test_add_func("/sstp-http/response/sanitised", test_response_sanitised);
	return g_test_run();
}
