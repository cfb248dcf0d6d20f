/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tunnel-log.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sstp-ipc.h"

static bool debug_on;
static int status_fd = -1;
static bool status_broken;
static int fail_code;
static char fail_message[512];

void
tunnel_log_set_debug(bool on)
{
	debug_on = on;
}

bool
tunnel_log_debug_enabled(void)
{
	return debug_on;
}

static void
vlog(const char *level, const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "nm-sstp-tunnel[%ld]: %s", (long) getpid(), level);

	if (n < 0)
		return;
	if ((size_t) n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t) n, fmt, ap);
	/* One write per line so lines from pppd (same stderr) do not interleave. */
	n = (int) strlen(line);
	if ((size_t) n >= sizeof(line) - 1)
		n = (int) sizeof(line) - 2;
	line[n++] = '\n';
	while (write(STDERR_FILENO, line, (size_t) n) < 0 && errno == EINTR)
		;
}

void
tlog_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void
tlog_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void
tlog_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void
tlog_debug(const char *fmt, ...)
{
	va_list ap;
	if (!debug_on)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap);
	va_end(ap);
}

int
tunnel_fail(int code, const char *fmt, ...)
{
	char msg[sizeof(fail_message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tlog_error("%s", msg);
	if (fail_code == 0) {
		fail_code = code;
		memcpy(fail_message, msg, sizeof(fail_message));
	}
	return code;
}

int
tunnel_fail_code(void)
{
	return fail_code;
}

const char *
tunnel_fail_message(void)
{
	return fail_message;
}

void
tunnel_status_set_fd(int fd)
{
	status_fd = fd;
	status_broken = false;
}

int
tunnel_status_fd(void)
{
	return status_broken ? -1 : status_fd;
}

void
tunnel_status_lost(void)
{
	if (status_fd < 0 || status_broken)
		return;
	status_broken = true;
	tlog_warn("the status pipe is closed: nm-sstp-service is gone, so nothing would take the "
	          "tunnel down any more; disconnecting");
	/* Stop exactly as on the service's own SIGTERM: once the worker is
	 * set up the signal is blocked and lands on its signalfd, which every
	 * wait (name resolution, TLS, the poll loop) watches. Before that
	 * nothing is up yet and the default action, exit, is right too. */
	kill(getpid(), SIGTERM);
}

void
tunnel_status_send(const char *msg, size_t len)
{
	size_t off = 0;

	if (status_fd < 0 || status_broken || len == 0)
		return;
	/* Small messages on a pipe: a blocking write is fine, the service
	 * reads them as they come. */
	while (off < len) {
		ssize_t w = write(status_fd, msg + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EPIPE) {
			tunnel_status_lost();
			return;
		}
		if (w < 0) {
			status_broken = true;
			tlog_warn("status pipe: %s (no more status messages)", strerror(errno));
			return;
		}
		off += (size_t) w;
	}
}

void
tunnel_status_state(const char *phase)
{
	char buf[128];
	struct sstp_ipc_writer w;
	size_t n;

	tlog_debug("phase: %s", phase);
	sstp_ipc_writer_init(&w, buf, sizeof(buf), "state");
	sstp_ipc_writer_add(&w, "phase", phase);
	n = sstp_ipc_writer_finish(&w);
	tunnel_status_send(buf, n);
}

/* Replace what cannot go into an IPC value (control characters, bad
 * UTF-8 from a server's reason phrase...) so the message is never lost. */
static void
sanitize_value(const char *in, char *out, size_t cap)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *) in; *p && n + 1 < cap; p++)
		out[n++] = (*p < 0x20 || *p >= 0x7f) ? '?' : (char) *p;
	out[n] = '\0';
}

void
tunnel_status_error(int code, const char *message)
{
	char buf[1024], codebuf[16], clean[600];
	struct sstp_ipc_writer w;
	size_t n;

	if (!sstp_ipc_value_valid(message, strlen(message)))
		sanitize_value(message, clean, sizeof(clean));
	else
		snprintf(clean, sizeof(clean), "%s", message);
	snprintf(codebuf, sizeof(codebuf), "%d", code);
	sstp_ipc_writer_init(&w, buf, sizeof(buf), "error");
	sstp_ipc_writer_add(&w, "code", codebuf);
	sstp_ipc_writer_add(&w, "message", clean);
	n = sstp_ipc_writer_finish(&w);
	tunnel_status_send(buf, n);
}
