/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server-radius.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "server-log.h"

#define RADIUS_ACCESS_REQUEST 1
#define RADIUS_HDR 20
#define RADIUS_MAX 4096
#define ATTR_USER_NAME 1
#define ATTR_STATE 24
#define ATTR_VENDOR 26
#define ATTR_NAS_IDENTIFIER 32
#define ATTR_EAP_MESSAGE 79
#define ATTR_MESSAGE_AUTH 80
#define VENDOR_MICROSOFT 311
#define MS_MPPE_SEND_KEY 16
#define MS_MPPE_RECV_KEY 17
#define TRIES 3
#define TRY_MS 2000

int radius_client_open(struct radius_client *rc, unsigned port, const char *secret_file)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t) port) };
	char line[RADIUS_SECRET_MAX + 2];
	FILE *f;

	memset(rc, 0, sizeof(*rc));
	rc->fd = -1;
	f = fopen(secret_file, "re");
	if (!f || !fgets(line, sizeof(line), f)) {
		server_log("error: cannot read the RADIUS secret from %s", secret_file);
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	rc->secret_len = strlen(line);
	if (rc->secret_len == 0 || rc->secret_len >= RADIUS_SECRET_MAX) {
		server_log("error: the RADIUS secret in %s is empty or too long", secret_file);
		OPENSSL_cleanse(line, sizeof(line));
		return -1;
	}
	memcpy(rc->secret, line, rc->secret_len);
	OPENSSL_cleanse(line, sizeof(line));
	/* loopback only: the RADIUS server is the test's own */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rc->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (rc->fd < 0 || connect(rc->fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
		server_log("error: RADIUS socket to 127.0.0.1:%u: %s", port, strerror(errno));
		radius_client_close(rc);
		return -1;
	}
	if (RAND_bytes(&rc->next_id, 1) != 1)
		rc->next_id = 1;
	return 0;
}

void radius_client_close(struct radius_client *rc)
{
	if (rc->fd >= 0)
		close(rc->fd);
	rc->fd = -1;
	OPENSSL_cleanse(rc->secret, sizeof(rc->secret));
	rc->secret_len = 0;
}

/* Append attribute type/value; false if it does not fit. */
static bool put_attr(uint8_t *pkt, size_t *len, uint8_t type, const uint8_t *v, size_t vlen)
{
	if (vlen > 253 || *len + 2 + vlen > RADIUS_MAX)
		return false;
	pkt[*len] = type;
	pkt[*len + 1] = (uint8_t) (2 + vlen);
	if (vlen)
		memcpy(pkt + *len + 2, v, vlen);
	*len += 2 + vlen;
	return true;
}

static bool md5(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t out[16])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL) == 1 &&
	          EVP_DigestUpdate(ctx, a, alen) == 1 && (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	          EVP_DigestFinal_ex(ctx, out, NULL) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

static bool hmac_md5(const uint8_t *key, size_t klen, const uint8_t *msg, size_t len, uint8_t out[16])
{
	unsigned int olen = 0;

	return HMAC(EVP_md5(), key, (int) klen, msg, len, out, &olen) != NULL && olen == 16;
}

/* RFC 2548 2.4.2: the key in a Microsoft MPPE key attribute (salt 2 bytes,
 * then the encrypted string: key length, key, padding). */
static bool decrypt_mppe_key(const struct radius_client *rc, const uint8_t req_auth[16],
                             const uint8_t *v, size_t vlen, uint8_t *key, size_t *key_len)
{
	uint8_t plain[256], b[16], seed[RADIUS_SECRET_MAX + 16 + 2];
	size_t clen = vlen - 2, i, j;

	if (vlen < 2 + 16 || clen % 16 != 0 || clen > sizeof(plain))
		return false;
	memcpy(seed, rc->secret, rc->secret_len);
	for (i = 0; i < clen; i += 16) {
		/* b(1) = MD5(S + R + A), b(i) = MD5(S + c(i-1)) */
		if (i == 0) {
			memcpy(seed + rc->secret_len, req_auth, 16);
			memcpy(seed + rc->secret_len + 16, v, 2);
			if (!md5(seed, rc->secret_len + 18, NULL, 0, b))
				return false;
		} else if (!md5(seed, rc->secret_len, v + 2 + i - 16, 16, b)) {
			return false;
		}
		for (j = 0; j < 16; j++)
			plain[i + j] = v[2 + i + j] ^ b[j];
	}
	OPENSSL_cleanse(seed, sizeof(seed));
	if (plain[0] == 0 || plain[0] > clen - 1 || plain[0] > RADIUS_KEY_MAX) {
		OPENSSL_cleanse(plain, sizeof(plain));
		return false;
	}
	*key_len = plain[0];
	memcpy(key, plain + 1, *key_len);
	OPENSSL_cleanse(plain, sizeof(plain));
	return true;
}

/* Check a reply to the request whose authenticator is req_auth, and read it. */
static int parse_reply(const struct radius_client *rc, uint8_t *pkt, size_t len,
                       const uint8_t req_auth[16], struct radius_reply *r)
{
	uint8_t resp_auth[16], want[16], mac[16];
	size_t off, mac_off = 0;
	bool have_mac = false;

	if (len < RADIUS_HDR || (((size_t) pkt[2] << 8) | pkt[3]) != len) {
		server_log("radius: reply of a bad length %zu", len);
		return -1;
	}
	/* Response Authenticator = MD5(Code+ID+Length+RequestAuth+Attributes+Secret) */
	memcpy(resp_auth, pkt + 4, 16);
	memcpy(pkt + 4, req_auth, 16);
	if (!md5(pkt, len, rc->secret, rc->secret_len, want) || CRYPTO_memcmp(want, resp_auth, 16) != 0) {
		server_log("radius: reply with a wrong Response Authenticator (wrong secret?)");
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->code = pkt[0];
	for (off = RADIUS_HDR; off < len;) {
		uint8_t type = pkt[off], alen = off + 1 < len ? pkt[off + 1] : 0;
		const uint8_t *v = pkt + off + 2;
		size_t vlen;

		if (alen < 2 || off + alen > len) {
			server_log("radius: malformed attribute at %zu", off);
			return -1;
		}
		vlen = (size_t) alen - 2;
		if (type == ATTR_EAP_MESSAGE) {
			if (r->eap_len + vlen > sizeof(r->eap)) {
				server_log("radius: EAP-Message too long");
				return -1;
			}
			memcpy(r->eap + r->eap_len, v, vlen);
			r->eap_len += vlen;
		} else if (type == ATTR_MESSAGE_AUTH && vlen == 16) {
			have_mac = true;
			mac_off = off + 2;
		} else if (type == ATTR_STATE && r->code == RADIUS_ACCESS_CHALLENGE) {
			/* kept by the caller (rc is const here): see radius_client_exchange */
		} else if (type == ATTR_VENDOR && vlen >= 6 + 2 &&
		           (((uint32_t) v[0] << 24) | ((uint32_t) v[1] << 16) | ((uint32_t) v[2] << 8) | v[3]) ==
		           VENDOR_MICROSOFT && v[5] >= 2 && (size_t) v[5] + 4 <= vlen) {
			uint8_t vtype = v[4];
			size_t svlen = (size_t) v[5] - 2;

			if (vtype == MS_MPPE_SEND_KEY &&
			    !decrypt_mppe_key(rc, req_auth, v + 6, svlen, r->send_key, &r->send_key_len)) {
				server_log("radius: MS-MPPE-Send-Key cannot be decrypted");
				return -1;
			}
			if (vtype == MS_MPPE_RECV_KEY &&
			    !decrypt_mppe_key(rc, req_auth, v + 6, svlen, r->recv_key, &r->recv_key_len)) {
				server_log("radius: MS-MPPE-Recv-Key cannot be decrypted");
				return -1;
			}
		}
		off += alen;
	}
	/* RFC 3579 3.2: a reply carrying EAP must carry a valid Message-Authenticator,
	 * computed with the request's authenticator in place. */
	if (!have_mac) {
		server_log("radius: reply without Message-Authenticator");
		return -1;
	}
	memcpy(mac, pkt + mac_off, 16);
	memset(pkt + mac_off, 0, 16);
	if (!hmac_md5(rc->secret, rc->secret_len, pkt, len, want) || CRYPTO_memcmp(want, mac, 16) != 0) {
		server_log("radius: reply with a wrong Message-Authenticator");
		return -1;
	}
	return 0;
}

int radius_client_exchange(struct radius_client *rc, const char *user, const uint8_t *eap,
                           size_t eap_len, struct radius_reply *r)
{
	static const uint8_t nas_id[] = "sstp-test-server";
	uint8_t pkt[RADIUS_MAX], reply[RADIUS_MAX], req_auth[16], mac[16];
	size_t len = RADIUS_HDR, off, mac_off;
	uint8_t id = rc->next_id++;
	int tries;

	if (rc->fd < 0 || RAND_bytes(req_auth, sizeof(req_auth)) != 1)
		return -1;
	pkt[0] = RADIUS_ACCESS_REQUEST;
	pkt[1] = id;
	memcpy(pkt + 4, req_auth, 16);
	if (!put_attr(pkt, &len, ATTR_USER_NAME, (const uint8_t *) user, strlen(user)) ||
	    !put_attr(pkt, &len, ATTR_NAS_IDENTIFIER, nas_id, sizeof(nas_id) - 1))
		return -1;
	for (off = 0; off < eap_len; off += 253) {
		size_t n = eap_len - off < 253 ? eap_len - off : 253;

		if (!put_attr(pkt, &len, ATTR_EAP_MESSAGE, eap + off, n)) {
			server_log("radius: EAP message of %zu bytes does not fit", eap_len);
			return -1;
		}
	}
	if (rc->state_len && !put_attr(pkt, &len, ATTR_STATE, rc->state, rc->state_len))
		return -1;
	mac_off = len + 2;
	memset(mac, 0, sizeof(mac));
	if (!put_attr(pkt, &len, ATTR_MESSAGE_AUTH, mac, sizeof(mac)))
		return -1;
	pkt[2] = (uint8_t) (len >> 8);
	pkt[3] = (uint8_t) len;
	if (!hmac_md5(rc->secret, rc->secret_len, pkt, len, mac))
		return -1;
	memcpy(pkt + mac_off, mac, sizeof(mac));

	for (tries = 0; tries < TRIES; tries++) {
		struct pollfd pfd = { .fd = rc->fd, .events = POLLIN };
		ssize_t n;

		if (send(rc->fd, pkt, len, 0) != (ssize_t) len) {
			server_log("radius: send: %s", strerror(errno));
			return -1;
		}
		while (poll(&pfd, 1, TRY_MS) > 0) {
			n = recv(rc->fd, reply, sizeof(reply), 0);
			if (n < 0) {
				server_log("radius: recv: %s", strerror(errno));
				return -1;
			}
			if (n < RADIUS_HDR || reply[1] != id)
				continue;       /* a late reply to an earlier request */
			if (parse_reply(rc, reply, (size_t) n, req_auth, r) < 0)
				return -1;
			/* the State of a Challenge goes back with the next request */
			rc->state_len = 0;
			for (off = RADIUS_HDR; r->code == RADIUS_ACCESS_CHALLENGE && off + 2 <= (size_t) n;
			     off += reply[off + 1]) {
				if (reply[off + 1] < 2)
					break;
				if (reply[off] == ATTR_STATE) {
					rc->state_len = (size_t) reply[off + 1] - 2;
					memcpy(rc->state, reply + off + 2, rc->state_len);
				}
			}
			return 0;
		}
	}
	server_log("radius: no reply from 127.0.0.1 after %d tries", TRIES);
	return -1;
}
