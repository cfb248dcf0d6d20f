/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EAP between the client and the test server's pppd (--auth eap-mschapv2,
 * --auth eap-md5). pppd (2.4.9 and 2.5) can authenticate EAP-MSCHAPv2 as a
 * server and derives the right keys, but on the wire:
 *   - after the Identity it asks for EAP-MD5 first (pppd clients accept it);
 *   - its MS-CHAPv2 Success carries an MS-CHAPv2-ID one higher than its
 *     Challenge's (RFC 2759 clients match it to the challenge and reject it);
 *   - it never sends EAP-Success after the client's Success acknowledgement.
 * For eap-mschapv2 this module corrects those three, as an EAP front end
 * would: it answers pppd's MD5 request with a Nak proposing EAP-MSCHAPv2
 * (or, with an "offer", sends the client a TLS or PEAP Start in its place
 * and relays the client's answer), rewrites the Success's MS-CHAPv2-ID and
 * sends the EAP-Success itself. It derives the HLAK from the client's
 * NT-Response (the EAP-MSCHAPv2 MSK's first 32 bytes are the MS-CHAPv2
 * master keys, client Send || Receive), and zero for EAP-MD5.
 * Pure: frames in, verdicts and frames out; the caller does the I/O.
 */
#ifndef SERVER_EAP_H
#define SERVER_EAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server-auth.h"

#define EAP_FRAME_MAX 16

enum server_eap_mode {
	SERVER_EAP_OFF = 0,
	SERVER_EAP_MD5,         /* pppd's EAP-MD5 as it is */
	SERVER_EAP_MSCHAPV2,    /* pppd's EAP-MSCHAPv2, corrected */
};

struct server_eap {
	enum server_eap_mode mode;
	int offer;              /* 0, 13 (EAP-TLS) or 25 (PEAP): Start sent instead of MD5 */
	bool have_challenge;
	uint8_t ms_challenge_id;
	bool offered;           /* a Start went to the client */
	bool offer_refused;     /* the client answered it with a Nak */
	bool offer_accepted;    /* the client answered it with the method: a test failure */
	bool have_response;
	uint8_t nt_response[MSCHAPV2_NT_RESPONSE_LEN];
};

enum server_eap_verdict {
	SERVER_EAP_FORWARD,     /* pass the frame on (it may have been corrected in place) */
	SERVER_EAP_DROP,        /* drop it; send `out` (if out_len) to the other side */
	SERVER_EAP_REPLY_BACK,  /* drop it; send `out` back to where it came from */
	SERVER_EAP_FORWARD_AND_REPLY, /* pass it on and send `out` back */
};

/* A frame pppd wrote, on its way to the client. */
enum server_eap_verdict server_eap_from_pppd(struct server_eap *e, struct server_auth *a,
                                             uint8_t *frame, size_t len,
                                             uint8_t out[EAP_FRAME_MAX], size_t *out_len);

/* A frame the client sent, on its way to pppd. */
enum server_eap_verdict server_eap_from_client(struct server_eap *e, struct server_auth *a,
                                               uint8_t *frame, size_t len,
                                               uint8_t out[EAP_FRAME_MAX], size_t *out_len);

#endif
