/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging to stderr ("nm-sstp-tunnel: ..."), the status pipe (--status-fd)
 * and the record of why the worker fails (exit code + message), which ends
 * up both in the log and in the final `error` status message.
 *
 * Rule: no secret ever goes through these functions.
 */
#ifndef TUNNEL_LOG_H
#define TUNNEL_LOG_H

#include <stdbool.h>
#include <stddef.h>

void tunnel_log_set_debug(bool on);
bool tunnel_log_debug_enabled(void);

void tlog_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tlog_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tlog_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tlog_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Record a failure: logs it as an error and remembers the first one
 * (code from sstp-exit.h). Returns code, for `return tunnel_fail(...)`. */
int tunnel_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tunnel_fail_code(void);
const char *tunnel_fail_message(void);

/* Status pipe. fd < 0 disables it. Write errors are remembered and
 * further messages dropped. */
void tunnel_status_set_fd(int fd);
/* The status fd, -1 if there is none or it broke. */
int tunnel_status_fd(void);
/* The service is gone (its end of the status pipe is closed, a write
 * failed with EPIPE): log it and SIGTERM ourselves, so the tunnel comes
 * down as if the service had stopped it. Once only. */
void tunnel_status_lost(void);
void tunnel_status_state(const char *phase);
/* Send a ready-made message (built with sstp_ipc_writer). */
void tunnel_status_send(const char *msg, size_t len);
/* `error` message with the recorded failure (or code/message given). */
void tunnel_status_error(int code, const char *message);

#endif
