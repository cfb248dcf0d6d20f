/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Plain log lines for the test server: one line per event, written with a
 * single write() so that lines from the server and its pppd (which shares
 * the descriptor) never interleave mid-line. Tests grep these lines.
 */
#ifndef SERVER_LOG_H
#define SERVER_LOG_H

#include <stddef.h>
#include <stdint.h>

/* Log to fd (default 2). The fd stays open; pppd inherits it. */
void server_log_set_fd(int fd);
int server_log_fd(void);

void server_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Copy at most cap-1 bytes of untrusted text into out, replacing anything
 * that is not printable ASCII (and spaces/quotes, which would break a
 * key=value line) by '?'. Returns out. */
char *server_log_sanitize(const uint8_t *in, size_t len, char *out, size_t cap);

/* Lower-case hex of len bytes into out (cap >= 2*len+1). Returns out. */
char *server_log_hex(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
