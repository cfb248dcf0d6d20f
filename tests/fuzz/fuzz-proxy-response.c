/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the HTTP proxy side of src/protocol/sstp-http.c.
 * Input: "host NUL user NUL password NUL answer". The first three build
 * the CONNECT request (which must never carry an extra line, whatever the
 * strings hold); the answer goes through the parser and the proxy
 * verdict, which must agree with the status.
 */
#include "sstp-http.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Next NUL terminated field of the input, copied into out[cap]. */
static size_t
take_field(const uint8_t *data, size_t size, size_t off, char *out, size_t cap)
{
	size_t n = 0;

	while (off < size && data[off] != 0) {
		if (n + 1 < cap)
			out[n++] = (char) data[off];
		off++;
	}
	out[n] = '\0';
	return off < size ? off + 1 : off;
}

static size_t
count_crlf(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '\r' && s[i + 1] == '\n')
			n++;
	return n;
}

static void
check_request(const char *req, size_t len, size_t lines)
{
	/* exactly the lines we wrote: no CR or LF from the strings */
	if (len != strlen(req) || count_crlf(req, len) != lines)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((req[i] == '\r' && req[i + 1] != '\n') ||
		    (req[i] == '\n' && (i == 0 || req[i - 1] != '\r')))
			abort();
	if (len < 4 || memcmp(req + len - 4, "\r\n\r\n", 4) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char host[300], user[200], password[200], cred[300], req[1024];
	struct sstp_http_response r;
	enum sstp_http_result res;
	size_t off = 0, n, c;

	off = take_field(data, size, off, host, sizeof(host));
	off = take_field(data, size, off, user, sizeof(user));
	off = take_field(data, size, off, password, sizeof(password));

	c = sstp_http_basic_credentials(cred, sizeof(cred), user, password);
	if (c > 0 && strlen(cred) != c)
		abort();
	n = sstp_http_build_connect(req, sizeof(req), host, 443, c > 0 ? cred : NULL);
	if (n > 0)
		check_request(req, n, c > 0 ? 5 : 4);
	n = sstp_http_build_request(req, sizeof(req), host, 443,
	                            "{00000000-0000-4000-8000-000000000000}");
	if (n > 0)
		check_request(req, n, 5);

	res = sstp_http_response_parse(data + off, size - off, &r);
	if (res == SSTP_HTTP_COMPLETE) {
		enum sstp_proxy_verdict v = sstp_http_proxy_verdict(&r);

		if ((v == SSTP_PROXY_OK) != (r.status >= 200 && r.status < 300))
			abort();
		if ((v == SSTP_PROXY_AUTH_REQUIRED) != (r.status == 407))
			abort();
		if (r.proxy_realm[0] != '\0' && !r.proxy_auth_basic)
			abort();
		if (r.header_len > size - off)
			abort();
	} else if (res == SSTP_HTTP_ERROR) {
		if (r.error == NULL)
			abort();
	} else if (res != SSTP_HTTP_INCOMPLETE) {
		abort();
	}
	return 0;
}
