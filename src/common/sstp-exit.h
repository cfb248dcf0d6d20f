/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Exit codes of nm-sstp-tunnel. A contract: the NetworkManager service,
 * the tests and people's scripts read them. Documented in nm-sstp-tunnel(8).
 */
#ifndef SSTP_EXIT_H
#define SSTP_EXIT_H

enum sstp_exit {
	SSTP_EXIT_OK            = 0,  /* we disconnected cleanly (signal, or pppd ended normally) */
	SSTP_EXIT_USAGE         = 1,  /* bad command line or configuration */
	SSTP_EXIT_CONNECT       = 2,  /* name resolution, TCP or proxy connection failed */
	SSTP_EXIT_TLS           = 3,  /* TLS handshake or certificate check failed */
	SSTP_EXIT_HTTP          = 4,  /* server (or proxy) refused the HTTP request */
	SSTP_EXIT_NEGOTIATION   = 5,  /* SSTP negotiation failed (NAK, timeout, bad packet) */
	SSTP_EXIT_AUTH          = 6,  /* PPP authentication failed */
	SSTP_EXIT_PEER_ABORT    = 7,  /* server aborted or disconnected the call */
	SSTP_EXIT_DEAD_PEER     = 8,  /* server stopped answering (hello timer) */
	SSTP_EXIT_PPP           = 9,  /* pppd failed or ended for another reason */
	SSTP_EXIT_INTERNAL      = 10, /* out of memory, fork failed, ... */
};

#endif
