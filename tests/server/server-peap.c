/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server-peap.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "server-log.h"

#define EAP_REQUEST  1
#define EAP_RESPONSE 2
#define EAP_SUCCESS  3
#define EAP_FAILURE  4
#define EAPT_IDENTITY 1
#define EAPT_MD5      4

/* FF 03 C2 27 + an EAP packet. */
static size_t ppp_eap(uint8_t out[PEAP_FRAME_MAX], const uint8_t *eap, size_t eap_len)
{
	if (eap_len > PEAP_FRAME_MAX - 4)
		return 0;
	out[0] = 0xff;
	out[1] = 0x03;
	out[2] = 0xc2;
	out[3] = 0x27;
	memcpy(out + 4, eap, eap_len);
	return 4 + eap_len;
}

/* pppd's held EAP-MD5 request answered in the client's place: with the
 * server's copy of the password after an Accept, with a wrong value after
 * a Reject (pppd then fails the link as for a wrong password). */
static size_t answer_md5(struct server_peap *s, const struct server_auth *a,
                         uint8_t out[PEAP_FRAME_MAX])
{
	uint8_t eap[5 + 1 + 16 + sizeof(a->user)], value[16];
	size_t ulen = strlen(a->user), n = 4 + 2 + 16 + ulen;
	EVP_MD_CTX *ctx;
	bool ok;

	if (!s->have_md5 || s->md5_answered || !(s->accepted || s->rejected))
		return 0;
	ctx = EVP_MD_CTX_new();
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	     EVP_DigestUpdate(ctx, &s->md5_id, 1) == 1 &&
	     EVP_DigestUpdate(ctx, a->password, strlen(a->password)) == 1 &&
	     EVP_DigestUpdate(ctx, s->md5_value, s->md5_value_len) == 1 &&
	     EVP_DigestFinal_ex(ctx, value, NULL) == 1;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return 0;
	if (s->rejected)
		value[0] ^= 0xff;
	s->md5_answered = true;
	eap[0] = EAP_RESPONSE;
	eap[1] = s->md5_id;
	eap[2] = (uint8_t) (n >> 8);
	eap[3] = (uint8_t) n;
	eap[4] = EAPT_MD5;
	eap[5] = 16;
	memcpy(eap + 6, value, 16);
	memcpy(eap + 22, a->user, ulen);
	OPENSSL_cleanse(value, sizeof(value));
	server_log("peap: answered pppd's EAP-MD5 request id=%u %s", s->md5_id,
	           s->accepted ? "for the accepted client" : "wrongly, as the client was rejected");
	return ppp_eap(out, eap, n);
}

bool server_peap_from_pppd(struct server_peap *s, struct server_auth *a, const uint8_t *frame,
                           size_t len, uint8_t to_pppd[PEAP_FRAME_MAX], size_t *to_pppd_len)
{
	size_t n;
	const uint8_t *p = server_eap_packet(frame, len, &n);

	*to_pppd_len = 0;
	if (!p)
		return false;
	if (p[0] == EAP_REQUEST && n >= 5 && p[4] == EAPT_IDENTITY)
		return false;           /* the identity request goes to the client */
	if (p[0] == EAP_REQUEST && n >= 6 && p[4] == EAPT_MD5 && (size_t) p[5] + 6 <= n) {
		if (!s->have_md5 || s->md5_id != p[1])
			server_log("peap: held pppd's EAP-MD5 request id=%u", p[1]);
		s->have_md5 = true;
		s->md5_id = p[1];
		s->md5_value_len = p[5];
		memcpy(s->md5_value, p + 6, p[5]);
		*to_pppd_len = answer_md5(s, a, to_pppd);
		return true;
	}
	if (p[0] == EAP_SUCCESS || p[0] == EAP_FAILURE) {
		/* the client had the RADIUS server's answer already */
		server_log("peap: pppd's eap %s id=%u kept from the client",
		           p[0] == EAP_SUCCESS ? "success" : "failure", p[1]);
		return true;
	}
	return true;                    /* nothing else of pppd's EAP reaches the client */
}

bool server_peap_from_client(struct server_peap *s, struct server_auth *a, const uint8_t *frame,
                             size_t len, uint8_t to_client[PEAP_FRAME_MAX], size_t *to_client_len,
                             uint8_t to_pppd[PEAP_FRAME_MAX], size_t *to_pppd_len)
{
	static struct radius_reply r;   /* 4 KiB: not on the stack */
	size_t n;
	const uint8_t *p = server_eap_packet(frame, len, &n);
	bool identity;

	*to_client_len = 0;
	*to_pppd_len = 0;
	if (!p || p[0] != EAP_RESPONSE || n < 5)
		return false;
	identity = p[4] == EAPT_IDENTITY;
	if (identity) {
		server_log_sanitize(p + 5, n - 5, a->user, sizeof(a->user));
		server_log("eap identity id=%u user=%s", p[1], a->user);
		if (s->started)
			return false;
		s->started = true;
	} else if (!s->started || s->accepted || s->rejected) {
		return true;
	}
	if (radius_client_exchange(&s->rc, a->user, p, n, &r) < 0) {
		a->state = SERVER_AUTH_FAILED;
		return !identity;
	}
	switch (r.code) {
	case RADIUS_ACCESS_CHALLENGE:
		if (r.eap_len >= 5)
			server_log("peap: radius access-challenge: eap request id=%u type=%u len=%zu",
			           r.eap[1], r.eap[4], r.eap_len);
		*to_client_len = ppp_eap(to_client, r.eap, r.eap_len);
		break;
	case RADIUS_ACCESS_ACCEPT:
		if (r.recv_key_len < 32 || r.send_key_len < 32) {
			server_log("peap: radius access-accept without 32-byte MPPE keys (%zu, %zu)",
			           r.recv_key_len, r.send_key_len);
			a->state = SERVER_AUTH_FAILED;
			s->rejected = true;
			break;
		}
		s->accepted = true;
		memcpy(a->hlak, s->wrong_hlak ? r.send_key : r.recv_key, MSCHAPV2_HLAK_LEN);
		a->method = "peap";
		a->state = SERVER_AUTH_DONE;
		server_log("peap: radius access-accept user=%s: HLAK = MS-MPPE-%s-Key, %d bytes%s",
		           a->user, s->wrong_hlak ? "Send" : "Recv", MSCHAPV2_HLAK_LEN,
		           s->wrong_hlak ? " (--peap-wrong-hlak: the wrong half)" : " (the MSK's first 32)");
		*to_client_len = ppp_eap(to_client, r.eap, r.eap_len);
		break;
	case RADIUS_ACCESS_REJECT:
	default:
		server_log("peap: radius access-reject user=%s (code %d)", a->user, r.code);
		s->rejected = true;
		a->state = SERVER_AUTH_FAILED;
		if (r.eap_len >= 4) {
			*to_client_len = ppp_eap(to_client, r.eap, r.eap_len);
		} else {
			static const uint8_t failure[4] = { EAP_FAILURE, 0, 0, 4 };

			*to_client_len = ppp_eap(to_client, failure, sizeof(failure));
			to_client[5] = p[1];
		}
		break;
	}
	OPENSSL_cleanse(&r, sizeof(r));
	*to_pppd_len = answer_md5(s, a, to_pppd);
	/* the identity goes on to pppd too (it then asks for EAP-MD5) */
	return !identity;
}
