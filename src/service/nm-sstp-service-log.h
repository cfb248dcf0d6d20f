/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging of nm-sstp-service: syslog levels (LOG_ERR .. LOG_DEBUG), to
 * syslog or to stderr, with the threshold NetworkManager hands every VPN
 * service in NM_VPN_LOG_LEVEL / NM_VPN_LOG_SYSLOG.
 *
 * Nothing logged here may contain a secret: callers log setting names,
 * never setting values of secrets.
 */
#ifndef NM_SSTP_SERVICE_LOG_H
#define NM_SSTP_SERVICE_LOG_H

#include <glib.h>
#include <syslog.h>

/* level: a syslog level, messages at or below it are written. */
void sstp_log_init(int level, gboolean use_syslog);
int sstp_log_get_level(void);
void sstp_log(int level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
