/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "nm-sstp-service-log.h"

static int log_level = LOG_NOTICE;
static gboolean log_to_syslog = FALSE;

void
sstp_log_init(int level, gboolean use_syslog)
{
	log_level = CLAMP(level, LOG_EMERG, LOG_DEBUG);
	log_to_syslog = use_syslog;
	if (log_to_syslog)
		openlog("nm-sstp-service", LOG_PID, LOG_DAEMON);
}

int
sstp_log_get_level(void)
{
	return log_level;
}

static const char *
sstp_log_level_name(int level)
{
	switch (level) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

void
sstp_log(int level, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (level > log_level)
		return;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);

	if (log_to_syslog)
		syslog(level, "%s", msg);
	else {
		/* NetworkManager collects stderr into its own log; the stream
		 * may be a file, so flush each line. */
		fprintf(stderr, "nm-sstp-service[%ld] %s: %s\n", (long) getpid(),
		        sstp_log_level_name(level), msg);
		fflush(stderr);
	}
	g_free(msg);
}
