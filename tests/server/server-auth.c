/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server-auth.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "server-log.h"

#define CHAP_CHALLENGE 1
#define CHAP_RESPONSE  2
#define CHAP_SUCCESS   3
#define CHAP_FAILURE   4
#define PAP_REQUEST    1
#define PAP_ACK        2
#define PAP_NAK        3
#define CHAP_MD5_VALUE_LEN 16
#define MSCHAPV2_RESPONSE_VALUE_LEN 49   /* peer challenge 16, reserved 8, NT 24, flags 1 */

void server_auth_init(struct server_auth *a, const char *password)
{
	memset(a, 0, sizeof(*a));
	a->password = password;
	a->method = "none";
	a->record_fd = -1;
}

/* For --auth-record: "WHAT HEX" lines, so a test can look for them in client logs. */
static void auth_record(const struct server_auth *a, const char *what, const uint8_t *p, size_t n)
{
	char line[160];
	size_t used;

	if (a->record_fd < 0)
		return;
	used = (size_t) snprintf(line, sizeof(line), "%s ", what);
	for (size_t i = 0; i < n && used + 3 < sizeof(line); i++)
		used += (size_t) snprintf(line + used, sizeof(line) - used, "%02x", p[i]);
	line[used++] = '\n';
	if (write(a->record_fd, line, used) != (ssize_t) used)
		server_log("warning: cannot write the auth record");
}

int server_ppp_split(const uint8_t *frame, size_t len, const uint8_t **payload,
                     size_t *payload_len)
{
	size_t off = 0;
	int proto;

	if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03)
		off = 2;
	if (off >= len)
		return -1;
	if (frame[off] & 0x01) {          /* compressed (PFC) one-byte protocol */
		proto = frame[off];
		off += 1;
	} else {
		if (off + 2 > len)
			return -1;
		proto = (frame[off] << 8) | frame[off + 1];
		off += 2;
	}
	*payload = frame + off;
	*payload_len = len - off;
	return proto;
}

bool server_ppp_frame_allowed_before_binding(const uint8_t *frame, size_t len)
{
	const uint8_t *payload;
	size_t payload_len;
	int proto = server_ppp_split(frame, len, &payload, &payload_len);

	return proto == PPP_PROTO_LCP || proto == PPP_PROTO_PAP || proto == PPP_PROTO_CHAP ||
	       proto == PPP_PROTO_EAP;
}

/* Code, id and the length the packet claims, checked against what arrived.
 * Returns the usable length or 0. */
static size_t auth_packet(const uint8_t *p, size_t len, uint8_t *code, uint8_t *id)
{
	size_t claimed;

	if (len < 4)
		return 0;
	claimed = ((size_t) p[2] << 8) | p[3];
	if (claimed < 4 || claimed > len)
		return 0;
	*code = p[0];
	*id = p[1];
	return claimed;
}

const uint8_t *server_eap_packet(const uint8_t *frame, size_t len, size_t *eap_len)
{
	const uint8_t *payload;
	size_t plen, n;
	uint8_t code, id;

	if (server_ppp_split(frame, len, &payload, &plen) != PPP_PROTO_EAP)
		return NULL;
	n = auth_packet(payload, plen, &code, &id);
	if (n == 0)
		return NULL;
	*eap_len = n;
	return payload;
}

void server_auth_from_client(struct server_auth *a, const uint8_t *frame, size_t len)
{
	const uint8_t *p;
	size_t plen, n;
	uint8_t code, id;
	int proto = server_ppp_split(frame, len, &p, &plen);

	if (proto == PPP_PROTO_CHAP) {
		n = auth_packet(p, plen, &code, &id);
		if (n == 0 || code != CHAP_RESPONSE)
			return;
		if (n >= 5 + CHAP_MD5_VALUE_LEN && p[4] == CHAP_MD5_VALUE_LEN) {
			/* CHAP-MD5 derives no keys: a zero HLAK once pppd says Success. */
			a->method = "chap";
			a->have_response = true;
			a->chap_md5 = true;
			a->response_id = id;
			auth_record(a, "chap-md5-response", p + 5, CHAP_MD5_VALUE_LEN);
			server_log_sanitize(p + 5 + CHAP_MD5_VALUE_LEN, n - 5 - CHAP_MD5_VALUE_LEN,
			                    a->user, sizeof(a->user));
			server_log("chap-md5 response id=%u user=%s", id, a->user);
			return;
		}
		if (n < 5 + MSCHAPV2_RESPONSE_VALUE_LEN || p[4] != MSCHAPV2_RESPONSE_VALUE_LEN) {
			server_log("chap response id=%u is not an MS-CHAPv2 response (value size %u)",
			           id, n >= 5 ? p[4] : 0);
			return;
		}
		a->method = "mschapv2";
		a->have_response = true;
		a->response_id = id;
		memcpy(a->nt_response, p + 5 + 24, MSCHAPV2_NT_RESPONSE_LEN);
		auth_record(a, "mschapv2-peer-challenge", p + 5, 16);
		auth_record(a, "mschapv2-nt-response", a->nt_response, MSCHAPV2_NT_RESPONSE_LEN);
		server_log_sanitize(p + 5 + MSCHAPV2_RESPONSE_VALUE_LEN,
		                    n - 5 - MSCHAPV2_RESPONSE_VALUE_LEN, a->user, sizeof(a->user));
		server_log("mschapv2 response id=%u user=%s", id, a->user);
	} else if (proto == PPP_PROTO_PAP) {
		n = auth_packet(p, plen, &code, &id);
		if (n == 0 || code != PAP_REQUEST)
			return;
		a->method = "pap";
		if (n >= 5 && (size_t) 5 + p[4] <= n)
			server_log_sanitize(p + 5, p[4], a->user, sizeof(a->user));
		server_log("pap request id=%u user=%s", id, a->user);
	}
}

void server_auth_from_pppd(struct server_auth *a, const uint8_t *frame, size_t len)
{
	const uint8_t *p;
	size_t plen, n;
	uint8_t code, id;
	int proto = server_ppp_split(frame, len, &p, &plen);

	if (proto == PPP_PROTO_CHAP) {
		n = auth_packet(p, plen, &code, &id);
		if (n == 0)
			return;
		if (code == CHAP_CHALLENGE) {
			server_log("mschapv2 challenge id=%u", id);
			if (n >= 5 && (size_t) 5 + p[4] <= n)
				auth_record(a, "chap-challenge", p + 5, p[4]);
		} else if (code == CHAP_SUCCESS) {
			struct mschapv2_server_keys keys;
			if (!a->have_response || a->response_id != id) {
				server_log("chap success id=%u without a matching response", id);
				return;
			}
			if (a->chap_md5) {
				memset(a->hlak, 0, sizeof(a->hlak));
				a->state = SERVER_AUTH_DONE;
				server_log("chap-md5 success id=%u: HLAK is zero", id);
				return;
			}
			if (mschapv2_server_keys(a->password, a->nt_response, &keys) < 0) {
				server_log("error: cannot derive the MS-CHAPv2 keys");
				a->state = SERVER_AUTH_FAILED;
				return;
			}
			memcpy(a->hlak, keys.hlak, sizeof(a->hlak));
			OPENSSL_cleanse(&keys, sizeof(keys));
			a->method = "mschapv2";
			a->state = SERVER_AUTH_DONE;
			server_log("mschapv2 success id=%u: keys derived", id);
		} else if (code == CHAP_FAILURE) {
			a->state = SERVER_AUTH_FAILED;
			server_log("%s failure id=%u: pppd refused user=%s", a->chap_md5 ? "chap-md5" : "mschapv2",
			           id, a->user);
		}
	} else if (proto == PPP_PROTO_PAP) {
		n = auth_packet(p, plen, &code, &id);
		if (n == 0)
			return;
		if (code == PAP_ACK) {
			memset(a->hlak, 0, sizeof(a->hlak));
			a->method = "pap";
			a->state = SERVER_AUTH_DONE;
			server_log("pap ack id=%u: HLAK is zero", id);
		} else if (code == PAP_NAK) {
			a->state = SERVER_AUTH_FAILED;
			server_log("pap nak id=%u: pppd refused user=%s", id, a->user);
		}
	}
}
