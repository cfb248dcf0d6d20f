/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Watches the PPP authentication the server relays between the client and
 * its pppd, and derives the HLAK the client must have used: MS-CHAPv2
 * (the NT-Response from the client's Response, confirmed by pppd's
 * Success) or PAP (pppd's Authenticate-Ack; HLAK all zeros).
 * Pure: frames in, state out.
 */
#ifndef SERVER_AUTH_H
#define SERVER_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mschapv2-keys.h"

#define PPP_PROTO_LCP   0xc021
#define PPP_PROTO_PAP   0xc023
#define PPP_PROTO_CHAP  0xc223
#define PPP_PROTO_EAP   0xc227

enum server_auth_state {
	SERVER_AUTH_PENDING = 0,
	SERVER_AUTH_DONE,       /* hlak valid */
	SERVER_AUTH_FAILED,     /* pppd refused the client */
};

struct server_auth {
	const char *password;                 /* the server's copy, to derive keys */
	enum server_auth_state state;
	const char *method;                   /* "mschapv2", "chap" or "pap" once seen */
	bool have_response;
	bool chap_md5;                        /* that response was CHAP-MD5 */
	int record_fd;                        /* test record of challenges/responses, -1: none */
	uint8_t response_id;
	uint8_t nt_response[MSCHAPV2_NT_RESPONSE_LEN];
	char user[64];                        /* sanitised, for logs */
	uint8_t hlak[MSCHAPV2_HLAK_LEN];
};

void server_auth_init(struct server_auth *a, const char *password);

/* Protocol field and payload of a PPP frame as carried by SSTP (FF 03
 * optional, PFC allowed). Returns the protocol, or -1 if too short. */
int server_ppp_split(const uint8_t *frame, size_t len, const uint8_t **payload,
                     size_t *payload_len);

/* The EAP packet inside a PPP frame (code, id, length, ...), the length it
 * claims checked against what arrived: NULL if the frame is not EAP or the
 * packet is short, else the packet, its claimed length in *eap_len. */
const uint8_t *server_eap_packet(const uint8_t *frame, size_t len, size_t *eap_len);

/* May this frame cross before the client's Call Connected is verified?
 * Only LCP and authentication: NCPs (IPCP, IPv6CP, CCP) and data wait, as
 * accel-ppp keeps its network phase blocked until the binding is checked. */
bool server_ppp_frame_allowed_before_binding(const uint8_t *frame, size_t len);

/* Feed a frame the client sent / pppd sent. Both log what they see. */
void server_auth_from_client(struct server_auth *a, const uint8_t *frame, size_t len);
void server_auth_from_pppd(struct server_auth *a, const uint8_t *frame, size_t len);

#endif
