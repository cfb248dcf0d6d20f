/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server half of SSTP's HTTPS handshake ([MS-SSTP] 3.3.5.1): parse the
 * client's SSTP_DUPLEX_POST request and build the answer. Pure: no I/O.
 */
#ifndef SERVER_HTTP_H
#define SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SERVER_HTTP_MAX_REQUEST 8192
#define SERVER_HTTP_MAX_VALUE   256

struct server_http_request {
	size_t header_len;                     /* bytes up to and including the blank line */
	char host[SERVER_HTTP_MAX_VALUE];      /* sanitised for logging */
	char correlation[SERVER_HTTP_MAX_VALUE];
	bool correlation_is_guid;              /* braced 8-4-4-4-12 hex */
	bool has_query;                        /* "?tenantid=..." after the URI */
	const char *error;                     /* why the request is refused */
};

enum server_http_result {
	SERVER_HTTP_INCOMPLETE = 0,
	SERVER_HTTP_OK = 1,
	SERVER_HTTP_BAD = -1,   /* req->error says why; answer 400 */
};

/* Parse the request at the start of buf. Checks method, URI, version,
 * Host (exactly one), Content-Length (exactly one, 18446744073709551615)
 * and SSTPCORRELATIONID (present). Bytes after header_len are SSTP. */
enum server_http_result server_http_parse_request(const uint8_t *buf, size_t len,
                                                  struct server_http_request *req);

/* "HTTP/1.1 <status> <reason>" with the SSTP Content-Length (200) or
 * Content-Length: 0 and Connection: close (errors), a Server and a Date
 * header. Returns length, or 0 if cap is too small. */
size_t server_http_build_response(char *out, size_t cap, int status);

#endif
