/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The worker's poll loop: SSTP over the established HTTPS connection on one
 * side, pppd's pty and plugin socket on the other, signals and one timer.
 */
#ifndef TUNNEL_LOOP_H
#define TUNNEL_LOOP_H

#include "tunnel-options.h"
#include "tunnel-tls.h"

/* Run the session until it ends; tears down TLS and pppd. Returns the
 * exit code; a failure is recorded with tunnel_fail(). */
int tunnel_loop_run(struct tunnel_options *o, struct tunnel_conn *conn, int sigfd);

#endif
