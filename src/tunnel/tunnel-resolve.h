/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Name resolution that a signal and a deadline can end.
 *
 * getaddrinfo() cannot be interrupted: with a name server that never
 * answers it blocks for as long as resolv.conf's timeouts allow (minutes
 * with "timeout:30 attempts:5"), and SIGTERM from the service would wait
 * for it. So it runs in a thread of its own while the caller waits on an
 * eventfd, the cancel fd (the worker's signalfd) and the deadline. A thread
 * given up on finishes (or not) on its own and frees what it holds; the
 * worker exits soon after anyway. An address (no name) is converted at
 * once, without a thread.
 */
#ifndef TUNNEL_RESOLVE_H
#define TUNNEL_RESOLVE_H

#include <stddef.h>
#include <stdint.h>
#include <netdb.h>

enum tunnel_resolve_result {
	TUNNEL_RESOLVED = 0,       /* *res holds the addresses: freeaddrinfo() them */
	TUNNEL_RESOLVE_FAILED,     /* the resolver's answer is in why */
	TUNNEL_RESOLVE_TIMEOUT,    /* no answer before the deadline */
	TUNNEL_RESOLVE_CANCELLED,  /* cancel_fd became readable (a signal) */
};

/* TCP addresses of host:port (any family). deadline is from
 * tunnel_now_ms(); cancel_fd < 0: no cancelling. why (why_cap bytes) gets
 * a message for TUNNEL_RESOLVE_FAILED. */
enum tunnel_resolve_result tunnel_resolve(const char *host, const char *port, int64_t deadline,
                                          int cancel_fd, struct addrinfo **res, char *why,
                                          size_t why_cap);

#endif
