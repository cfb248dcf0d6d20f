/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Everything up to the SSTP byte stream: name resolution, TCP connect with
 * timeout, HTTP proxy CONNECT, TLS with certificate checks, and the
 * SSTP_DUPLEX_POST exchange. All on one non-blocking socket, each wait
 * bounded by a timeout and cut short by a signal (cancel_fd readable).
 */
#ifndef TUNNEL_TLS_H
#define TUNNEL_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <openssl/ssl.h>

#include "tunnel-options.h"

/* Returned instead of an exit code when a signal asked us to stop. */
#define TUNNEL_CANCELLED 1000

struct tunnel_conn {
	int       fd;
	SSL_CTX  *ctx;
	SSL      *ssl;
	char      peer_ip[INET6_ADDRSTRLEN];  /* address the TCP connection uses */
	uint8_t  *cert_der;                   /* server leaf certificate */
	size_t    cert_der_len;
	uint8_t  *leftover;                   /* bytes after the HTTP answer */
	size_t    leftover_len;
};

void tunnel_conn_init(struct tunnel_conn *c);
/* Sends close_notify (best effort, non-blocking) and frees everything. */
void tunnel_conn_close(struct tunnel_conn *c);
/* The peer is gone (dead-peer timeout): reset the connection and free everything, without
 * close_notify, so that no socket outlives the worker retransmitting a FIN. */
void tunnel_conn_abort(struct tunnel_conn *c);

/* TCP (+ proxy) + TLS + certificate check. Returns 0, an SSTP_EXIT_* code
 * (already logged via tunnel_fail) or TUNNEL_CANCELLED. */
int tunnel_tls_connect(const struct tunnel_options *o, int cancel_fd, struct tunnel_conn *c);

/* Send SSTP_DUPLEX_POST and wait for "200". Same return convention. */
int tunnel_http_handshake(const struct tunnel_options *o, int cancel_fd, struct tunnel_conn *c);

/* Wait until fd has events or the deadline passes; 1 ready, 0 timeout,
 * -2 cancelled (cancel_fd readable), -1 error. deadline is from
 * tunnel_now_ms(). */
int tunnel_wait_fd(int fd, short events, int64_t deadline, int cancel_fd);
int64_t tunnel_now_ms(void);

#endif
