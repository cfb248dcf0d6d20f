/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small RADIUS client (RFC 2865, EAP over RADIUS RFC 3579) for the test
 * server's --eap peap: it carries the client's EAP Responses to a RADIUS
 * server on loopback (hostapd in the tests) and brings back its EAP
 * Requests, the final Access-Accept or Access-Reject, and on Accept the
 * MS-MPPE-Send-Key and MS-MPPE-Recv-Key (RFC 2548 2.4.2/2.4.3, decrypted
 * with the shared secret). Every reply is checked: its identifier, its
 * Response Authenticator and its Message-Authenticator.
 * Blocking I/O with a short timeout: the server waits for a loopback reply.
 */
#ifndef SERVER_RADIUS_H
#define SERVER_RADIUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIUS_SECRET_MAX 64
#define RADIUS_STATE_MAX  253
#define RADIUS_EAP_MAX    4096
#define RADIUS_KEY_MAX    64

#define RADIUS_ACCESS_ACCEPT    2
#define RADIUS_ACCESS_REJECT    3
#define RADIUS_ACCESS_CHALLENGE 11

struct radius_client {
	int fd;                                  /* connected UDP socket, -1: none */
	uint8_t secret[RADIUS_SECRET_MAX];
	size_t secret_len;
	uint8_t state[RADIUS_STATE_MAX];         /* State of the last Challenge */
	size_t state_len;
	uint8_t next_id;
};

struct radius_reply {
	int code;                                /* RADIUS_ACCESS_* */
	uint8_t eap[RADIUS_EAP_MAX];             /* the EAP-Message attributes joined */
	size_t eap_len;
	uint8_t send_key[RADIUS_KEY_MAX];        /* MS-MPPE-Send-Key, on Accept */
	size_t send_key_len;
	uint8_t recv_key[RADIUS_KEY_MAX];        /* MS-MPPE-Recv-Key, on Accept */
	size_t recv_key_len;
};

/* port on 127.0.0.1; secret_file holds the shared secret (first line).
 * Returns 0, or -1 after logging why. */
int radius_client_open(struct radius_client *rc, unsigned port, const char *secret_file);
void radius_client_close(struct radius_client *rc);

/* One Access-Request carrying `eap` (an EAP Response) for `user`, and its
 * checked reply. Returns 0, or -1 after logging why (no reply, bad reply). */
int radius_client_exchange(struct radius_client *rc, const char *user, const uint8_t *eap,
                           size_t eap_len, struct radius_reply *r);

#endif
