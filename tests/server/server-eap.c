/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server-eap.h"

#include <string.h>

#include <openssl/crypto.h>

#include "server-log.h"

#define EAP_REQUEST  1
#define EAP_RESPONSE 2
#define EAP_SUCCESS  3
#define EAP_FAILURE  4
#define EAPT_IDENTITY 1
#define EAPT_NAK      3
#define EAPT_MD5      4
#define EAPT_TLS      13
#define EAPT_PEAP     25
#define EAPT_MSCHAPV2 26
#define MS_CHALLENGE 1
#define MS_RESPONSE  2
#define MS_SUCCESS   3
#define MS_FAILURE   4
/* EAP-MSCHAPv2 Response: type, opcode, MS-CHAPv2-ID, MS-Length(2), Value-Size,
 * then peer challenge 16, reserved 8, NT-Response 24, flags 1, name. */
#define MS_RESPONSE_VALUE_LEN 49
#define MS_NT_RESPONSE_OFF    (4 + 6 + 16 + 8)

/* FF 03 C2 27 code id len [type [data]] into out. */
static size_t eap_frame(uint8_t out[EAP_FRAME_MAX], uint8_t code, uint8_t id, int type, int data)
{
	size_t n = 4 + 4 + (type >= 0) + (data >= 0);

	out[0] = 0xff;
	out[1] = 0x03;
	out[2] = 0xc2;
	out[3] = 0x27;
	out[4] = code;
	out[5] = id;
	out[6] = 0;
	out[7] = (uint8_t) (n - 4);
	if (type >= 0)
		out[8] = (uint8_t) type;
	if (data >= 0)
		out[9] = (uint8_t) data;
	return n;
}

static const char *type_name(int type)
{
	switch (type) {
	case EAPT_MD5: return "EAP-MD5";
	case EAPT_TLS: return "EAP-TLS";
	case EAPT_PEAP: return "PEAP";
	case EAPT_MSCHAPV2: return "EAP-MSCHAPv2";
	default: return "another method";
	}
}

enum server_eap_verdict server_eap_from_pppd(struct server_eap *e, struct server_auth *a,
                                             uint8_t *frame, size_t len,
                                             uint8_t out[EAP_FRAME_MAX], size_t *out_len)
{
	size_t n;
	/* frame is ours to change: a Success's MS-CHAPv2-ID is corrected in place */
	uint8_t *p = (uint8_t *) server_eap_packet(frame, len, &n);

	*out_len = 0;
	if (!p || e->mode == SERVER_EAP_OFF)
		return SERVER_EAP_FORWARD;
	if (p[0] == EAP_SUCCESS) {
		/* pppd sends it after EAP-MD5 (and nothing after EAP-MSCHAPv2) */
		if (a->state == SERVER_AUTH_PENDING) {
			memset(a->hlak, 0, sizeof(a->hlak));
			a->method = "eap-md5";
			a->state = SERVER_AUTH_DONE;
			server_log("eap success id=%u after EAP-MD5: HLAK is zero", p[1]);
		}
		return SERVER_EAP_FORWARD;
	}
	if (p[0] == EAP_FAILURE) {
		a->state = SERVER_AUTH_FAILED;
		server_log("eap failure id=%u: pppd refused user=%s", p[1], a->user);
		return SERVER_EAP_FORWARD;
	}
	if (p[0] != EAP_REQUEST || n < 5)
		return SERVER_EAP_FORWARD;
	server_log("eap request id=%u type=%u", p[1], p[4]);
	if (p[4] == EAPT_MD5 && e->mode == SERVER_EAP_MSCHAPV2) {
		if (e->offer) {
			/* In pppd's place, ask the client for EAP-TLS or PEAP: its
			 * answer (a Nak, from a password-mode client) goes to pppd. */
			e->offered = true;
			*out_len = eap_frame(out, EAP_REQUEST, p[1], e->offer, 0x20 /* Start */);
			server_log("eap: sent the client a %s start id=%u instead of pppd's EAP-MD5 request",
			           type_name(e->offer), p[1]);
			return SERVER_EAP_DROP;
		}
		*out_len = eap_frame(out, EAP_RESPONSE, p[1], EAPT_NAK, EAPT_MSCHAPV2);
		server_log("eap: answered pppd's EAP-MD5 request id=%u with a Nak for EAP-MSCHAPv2", p[1]);
		return SERVER_EAP_REPLY_BACK;
	}
	if (p[4] != EAPT_MSCHAPV2 || n < 7)
		return SERVER_EAP_FORWARD;
	if (p[5] == MS_CHALLENGE) {
		e->have_challenge = true;
		e->ms_challenge_id = p[6];
		server_log("eap-mschapv2 challenge id=%u ms-id=%u", p[1], p[6]);
	} else if (p[5] == MS_SUCCESS) {
		struct mschapv2_server_keys keys;

		if (!e->have_challenge || !e->have_response) {
			server_log("eap-mschapv2 success id=%u without a challenge and response", p[1]);
			return SERVER_EAP_FORWARD;
		}
		if (p[6] != e->ms_challenge_id) {
			server_log("eap-mschapv2 success: ms-id %u corrected to the challenge's %u",
			           p[6], e->ms_challenge_id);
			p[6] = e->ms_challenge_id;
		}
		if (mschapv2_server_keys(a->password, e->nt_response, &keys) < 0) {
			server_log("error: cannot derive the MS-CHAPv2 keys");
			a->state = SERVER_AUTH_FAILED;
			return SERVER_EAP_FORWARD;
		}
		memcpy(a->hlak, keys.hlak, sizeof(a->hlak));
		OPENSSL_cleanse(&keys, sizeof(keys));
		a->method = "eap-mschapv2";
		server_log("eap-mschapv2 success id=%u: keys derived", p[1]);
	} else if (p[5] == MS_FAILURE) {
		a->state = SERVER_AUTH_FAILED;
		server_log("eap-mschapv2 failure id=%u: pppd refused user=%s", p[1], a->user);
	}
	return SERVER_EAP_FORWARD;
}

enum server_eap_verdict server_eap_from_client(struct server_eap *e, struct server_auth *a,
                                               uint8_t *frame, size_t len,
                                               uint8_t out[EAP_FRAME_MAX], size_t *out_len)
{
	size_t n;
	const uint8_t *p = server_eap_packet(frame, len, &n);

	*out_len = 0;
	if (!p || e->mode == SERVER_EAP_OFF || p[0] != EAP_RESPONSE || n < 5)
		return SERVER_EAP_FORWARD;
	if (p[4] == EAPT_IDENTITY) {
		server_log_sanitize(p + 5, n - 5, a->user, sizeof(a->user));
		server_log("eap identity id=%u user=%s", p[1], a->user);
		return SERVER_EAP_FORWARD;
	}
	if (e->offered && !e->offer_refused && !e->offer_accepted) {
		if (p[4] == EAPT_NAK) {
			e->offer_refused = true;
			server_log("eap: the client declined %s with a Nak for type %u",
			           type_name(e->offer), n >= 6 ? p[5] : 0);
		} else if (p[4] == e->offer) {
			/* It went ahead: with EAP-TLS, a certificate it must not have. */
			e->offer_accepted = true;
			a->state = SERVER_AUTH_FAILED;
			server_log("eap: the client answered the %s start with %s data (it went ahead "
			           "with the method)", type_name(e->offer), type_name(e->offer));
			*out_len = eap_frame(out, EAP_FAILURE, p[1], -1, -1);
			return SERVER_EAP_REPLY_BACK;
		}
		return SERVER_EAP_FORWARD;
	}
	if (p[4] != EAPT_MSCHAPV2 || n < 6)
		return SERVER_EAP_FORWARD;
	if (p[5] == MS_RESPONSE) {
		if (n < MS_NT_RESPONSE_OFF + MSCHAPV2_NT_RESPONSE_LEN || p[9] != MS_RESPONSE_VALUE_LEN) {
			server_log("eap-mschapv2 response id=%u is malformed", p[1]);
			return SERVER_EAP_FORWARD;
		}
		memcpy(e->nt_response, p + MS_NT_RESPONSE_OFF, MSCHAPV2_NT_RESPONSE_LEN);
		e->have_response = true;
		server_log_sanitize(p + 10 + MS_RESPONSE_VALUE_LEN, n - 10 - MS_RESPONSE_VALUE_LEN,
		                    a->user, sizeof(a->user));
		server_log("eap-mschapv2 response id=%u ms-id=%u user=%s", p[1], p[6], a->user);
	} else if (p[5] == MS_SUCCESS && e->mode == SERVER_EAP_MSCHAPV2 &&
	           strcmp(a->method, "eap-mschapv2") == 0 && a->state == SERVER_AUTH_PENDING) {
		/* The client accepted pppd's Success: EAP-Success in pppd's place. */
		a->state = SERVER_AUTH_DONE;
		*out_len = eap_frame(out, EAP_SUCCESS, p[1], -1, -1);
		server_log("eap-mschapv2 success acknowledged id=%u: sent eap success", p[1]);
		return SERVER_EAP_FORWARD_AND_REPLY;
	}
	return SERVER_EAP_FORWARD;
}
