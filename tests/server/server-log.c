/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server-log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static int log_fd = 2;

void server_log_set_fd(int fd)
{
	log_fd = fd;
}

int server_log_fd(void)
{
	return log_fd;
}

void server_log(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n, saved_errno = errno;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t) n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* one write per line; a short write to a log is not worth a retry loop */
	if (write(log_fd, line, (size_t) n) < 0) {
		/* nowhere left to report it */
	}
	errno = saved_errno;
}

char *server_log_sanitize(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	if (cap == 0)
		return out;
	for (size_t i = 0; i < len && n + 1 < cap; i++)
		out[n++] = (in[i] > 0x20 && in[i] < 0x7f && in[i] != '"') ? (char) in[i] : '?';
	out[n] = '\0';
	return out;
}

char *server_log_hex(const uint8_t *in, size_t len, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 0;

	if (cap == 0)
		return out;
	for (size_t i = 0; i < len && n + 2 < cap; i++) {
		out[n++] = digits[in[i] >> 4];
		out[n++] = digits[in[i] & 0x0f];
	}
	out[n] = '\0';
	return out;
}
