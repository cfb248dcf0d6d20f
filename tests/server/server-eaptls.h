/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EAP-TLS behind the strict server (--eap-tls DIR): the server's pppd is
 * the EAP-TLS authenticator (its /etc/ppp/eaptls-server names DIR's
 * server-cert.pem, server-key.pem and ca.pem), and eaptls-keys-shim.so
 * hands the server the key material pppd derived. The HLAK the client must
 * use is the client's MasterSendKey: the first 32 bytes of that material
 * (MS-SSTP 3.2.5.2; RFC 5216 2.3).
 */
#ifndef SERVER_EAPTLS_H
#define SERVER_EAPTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server-auth.h"

struct server_eaptls {
	const char *keys_path;    /* the file the shim writes */
	bool have_short;
	uint8_t hlak_short[MSCHAPV2_HLAK_LEN]; /* first 16 bytes + 16 zero bytes */
};

/* The line of /etc/ppp/eaptls-server for the files in dir, into out.
 * Returns 0, or -1 after logging why (a path pppd's syntax cannot hold). */
int server_eaptls_secrets_line(const char *dir, char *out, size_t cap);

/* Frames from the client (the EAP identity, for the log) and from pppd
 * (EAP Success: HLAK from the key material; EAP Failure: refused). */
void server_eaptls_from_client(struct server_auth *a, const uint8_t *frame, size_t len);
void server_eaptls_from_pppd(struct server_eaptls *e, struct server_auth *a,
                             const uint8_t *frame, size_t len);

#endif
