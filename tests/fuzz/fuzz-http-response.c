/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the HTTP answer parser (src/protocol/sstp-http.c)
 * as used for the SSTP server's answer. Checks, besides memory safety:
 * a result is always one of the three, an error always has a message,
 * a complete header lies inside the input and the limit, every copied
 * string is printable ASCII and terminated, and the answer cut anywhere
 * before its end is "incomplete" (never an error, never complete).
 */
#include "sstp-http.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_printable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n == cap)
		abort();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sstp_http_response r, prefix;
	enum sstp_http_result res = sstp_http_response_parse(data, size, &r);

	switch (res) {
	case SSTP_HTTP_INCOMPLETE:
		if (size >= SSTP_HTTP_MAX_HEADER || r.error != NULL)
			abort();
		break;
	case SSTP_HTTP_ERROR:
		if (r.error == NULL || r.error[0] == '\0')
			abort();
		break;
	case SSTP_HTTP_COMPLETE:
		if (r.error != NULL || r.header_len == 0 || r.header_len > size ||
		    r.header_len > SSTP_HTTP_MAX_HEADER)
			abort();
		if (r.status < 100 || r.status > 599)
			abort();
		check_printable(r.reason, sizeof(r.reason));
		check_printable(r.server, sizeof(r.server));
		check_printable(r.proxy_realm, sizeof(r.proxy_realm));
		if (r.proxy_auth_basic && !r.proxy_auth_present)
			abort();
		/* the bytes after the header do not matter */
		if (sstp_http_response_parse(data, r.header_len, &prefix) != SSTP_HTTP_COMPLETE ||
		    prefix.header_len != r.header_len || prefix.status != r.status ||
		    prefix.content_length != r.content_length ||
		    strcmp(prefix.server, r.server) != 0)
			abort();
		/* one byte short, and half: still waiting */
		if (sstp_http_response_parse(data, r.header_len - 1, &prefix) != SSTP_HTTP_INCOMPLETE)
			abort();
		if (sstp_http_response_parse(data, r.header_len / 2, &prefix) != SSTP_HTTP_INCOMPLETE)
			abort();
		(void) sstp_http_proxy_verdict(&r);
		break;
	default:
		abort();
	}
	return 0;
}
