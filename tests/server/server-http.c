/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server-http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "server-log.h"
#include "sstp-http.h"

#define SSTP_CONTENT_LENGTH "18446744073709551615"

/* Find the end of the header block: CRLF CRLF (bare LF LF accepted too). */
static size_t find_header_end(const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (buf[i + 1] == '\n')
			return i + 2;
		if (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

static bool is_guid(const char *s)
{
	/* {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} */
	if (strlen(s) != SSTP_GUID_STRLEN || s[0] != '{' || s[37] != '}')
		return false;
	for (int i = 1; i < 37; i++) {
		bool dash = (i == 9 || i == 14 || i == 19 || i == 24);
		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') ||
		                           (s[i] >= 'a' && s[i] <= 'f') ||
		                           (s[i] >= 'A' && s[i] <= 'F')))
			return false;
	}
	return true;
}

static enum server_http_result bad(struct server_http_request *req, const char *why)
{
	req->error = why;
	return SERVER_HTTP_BAD;
}

/* Trim spaces and tabs around [*start, *end). */
static void trim(const char **start, const char **end)
{
	while (*start < *end && (**start == ' ' || **start == '\t'))
		(*start)++;
	while (*end > *start && ((*end)[-1] == ' ' || (*end)[-1] == '\t' || (*end)[-1] == '\r'))
		(*end)--;
}

enum server_http_result server_http_parse_request(const uint8_t *buf, size_t len,
                                                  struct server_http_request *req)
{
	static const char method[] = "SSTP_DUPLEX_POST ";
	static const char uri[] = SSTP_HTTP_URI;
	char text[SERVER_HTTP_MAX_REQUEST + 1];
	unsigned n_host = 0, n_length = 0, n_correlation = 0;
	size_t end;

	memset(req, 0, sizeof(*req));
	end = find_header_end(buf, len);
	if (end == 0) {
		if (len >= SERVER_HTTP_MAX_REQUEST)
			return bad(req, "request header longer than 8192 bytes");
		return SERVER_HTTP_INCOMPLETE;
	}
	if (end > SERVER_HTTP_MAX_REQUEST)
		return bad(req, "request header longer than 8192 bytes");
	req->header_len = end;
	memcpy(text, buf, end);
	text[end] = '\0';
	if (strlen(text) != end)
		return bad(req, "NUL byte in the request header");

	/* request line */
	char *line_end = strchr(text, '\n');
	const char *p = text;
	if (strncmp(p, method, sizeof(method) - 1) != 0)
		return bad(req, "method is not SSTP_DUPLEX_POST");
	p += sizeof(method) - 1;
	if (strncasecmp(p, uri, sizeof(uri) - 1) != 0)
		return bad(req, "URI is not " SSTP_HTTP_URI);
	p += sizeof(uri) - 1;
	if (*p == '?') {
		req->has_query = true;
		while (*p && *p != ' ' && p < line_end)
			p++;
	}
	if (strncmp(p, " HTTP/1.1", 9) != 0 || (p[9] != '\r' && p[9] != '\n'))
		return bad(req, "version is not HTTP/1.1");

	/* header lines */
	for (char *line = line_end + 1; *line && *line != '\r' && *line != '\n';) {
		char *nl = strchr(line, '\n');
		char *colon = memchr(line, ':', (size_t) (nl - line));
		const char *name = line, *name_end, *value, *value_end = nl;

		if (colon == NULL)
			return bad(req, "header line without a colon");
		if (line[0] == ' ' || line[0] == '\t')
			return bad(req, "folded header line");
		name_end = colon;
		value = colon + 1;
		trim(&name, &name_end);
		trim(&value, &value_end);
		size_t name_len = (size_t) (name_end - name), value_len = (size_t) (value_end - value);

		if (name_len == 4 && strncasecmp(name, "Host", 4) == 0) {
			n_host++;
			if (value_len == 0)
				return bad(req, "empty Host header");
			server_log_sanitize((const uint8_t *) value, value_len, req->host, sizeof(req->host));
		} else if (name_len == 14 && strncasecmp(name, "Content-Length", 14) == 0) {
			n_length++;
			if (value_len != strlen(SSTP_CONTENT_LENGTH) ||
			    memcmp(value, SSTP_CONTENT_LENGTH, value_len) != 0)
				return bad(req, "Content-Length is not 18446744073709551615");
		} else if (name_len == 17 && strncasecmp(name, "SSTPCORRELATIONID", 17) == 0) {
			n_correlation++;
			server_log_sanitize((const uint8_t *) value, value_len, req->correlation,
			                    sizeof(req->correlation));
			req->correlation_is_guid = is_guid(req->correlation);
		} else if (name_len == 17 && strncasecmp(name, "Transfer-Encoding", 17) == 0) {
			return bad(req, "Transfer-Encoding is not allowed");
		}
		line = nl + 1;
	}
	if (n_host != 1)
		return bad(req, n_host == 0 ? "no Host header" : "more than one Host header");
	if (n_length != 1)
		return bad(req, n_length == 0 ? "no Content-Length header" :
		                                "more than one Content-Length header");
	if (n_correlation == 0)
		return bad(req, "no SSTPCORRELATIONID header");
	if (n_correlation > 1)
		return bad(req, "more than one SSTPCORRELATIONID header");
	return SERVER_HTTP_OK;
}

size_t server_http_build_response(char *out, size_t cap, int status)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	const char *reason;
	int n;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	switch (status) {
	case 200: reason = "OK"; break;
	case 400: reason = "Bad Request"; break;
	case 403: reason = "Forbidden"; break;
	case 404: reason = "Not Found"; break;
	default: status = 500; reason = "Internal Server Error"; break;
	}
	if (status == 200)
		n = snprintf(out, cap,
		             "HTTP/1.1 200 OK\r\n"
		             "Content-Length: " SSTP_CONTENT_LENGTH "\r\n"
		             "Server: Microsoft-HTTPAPI/2.0\r\n"
		             "Date: %s\r\n"
		             "\r\n", date);
	else
		n = snprintf(out, cap,
		             "HTTP/1.1 %d %s\r\n"
		             "Content-Length: 0\r\n"
		             "Connection: close\r\n"
		             "Server: Microsoft-HTTPAPI/2.0\r\n"
		             "Date: %s\r\n"
		             "\r\n", status, reason, date);
	if (n < 0 || (size_t) n >= cap)
		return 0;
	return (size_t) n;
}
