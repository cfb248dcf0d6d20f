/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSTP crypto binding ([MS-SSTP] 3.2.5.2): certificate hash, HLAK, CMK,
 * Compound MAC and the Call Connected message that carries them.
 */
#include "sstp-crypto.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* The CMK seed: ASCII, 29 bytes, no NUL. */
static const char cmk_seed[] = "SSTP inner method derived CMK";
#define CMK_SEED_LEN (sizeof(cmk_seed) - 1)

size_t sstp_hash_len(enum sstp_hash hash)
{
	switch (hash) {
	case SSTP_HASH_SHA1:   return 20;
	case SSTP_HASH_SHA256: return 32;
	default:               return 0;
	}
}

enum sstp_hash sstp_hash_choose(uint8_t bitmask)
{
	if (bitmask & SSTP_HASH_SHA256)
		return SSTP_HASH_SHA256;
	if (bitmask & SSTP_HASH_SHA1)
		return SSTP_HASH_SHA1;
	return SSTP_HASH_NONE;
}

static const EVP_MD *hash_md(enum sstp_hash hash)
{
	switch (hash) {
	case SSTP_HASH_SHA1:   return EVP_sha1();
	case SSTP_HASH_SHA256: return EVP_sha256();
	default:               return NULL;
	}
}

int sstp_crypto_cert_hash(enum sstp_hash hash, const uint8_t *der, size_t der_len,
                          uint8_t out[SSTP_HASH_SLOT_LEN])
{
	const EVP_MD *md = hash_md(hash);
	unsigned int n = 0;

	memset(out, 0, SSTP_HASH_SLOT_LEN);
	if (!md || !der || der_len == 0)
		return -1;
	if (!EVP_Digest(der, der_len, out, &n, md, NULL) || n != sstp_hash_len(hash)) {
		memset(out, 0, SSTP_HASH_SLOT_LEN);
		return -1;
	}
	return 0;
}

void sstp_crypto_hlak_mschapv2(const uint8_t send_key[16], const uint8_t recv_key[16],
                               uint8_t hlak[SSTP_HLAK_LEN])
{
	memcpy(hlak, send_key, 16);
	memcpy(hlak + 16, recv_key, 16);
}

void sstp_crypto_hlak_eap(const uint8_t *key, size_t key_len, uint8_t hlak[SSTP_HLAK_LEN])
{
	memset(hlak, 0, SSTP_HLAK_LEN);
	if (!key)
		return;
	memcpy(hlak, key, key_len < SSTP_HLAK_LEN ? key_len : SSTP_HLAK_LEN);
}

void sstp_crypto_hlak_zero(uint8_t hlak[SSTP_HLAK_LEN])
{
	memset(hlak, 0, SSTP_HLAK_LEN);
}

/* RFC 3079 3.4: the MS-CHAPv2 master keys are the first 16 bytes of a SHA-1 digest;
 * pppd 2.4.9 hands over those 16, pppd 2.5 the whole 20-byte digest. */
#define MSCHAPV2_KEY_LEN 16
#define MSCHAPV2_DIGEST_LEN 20

static bool mschapv2_key_len_ok(size_t len)
{
	return len == MSCHAPV2_KEY_LEN || len == MSCHAPV2_DIGEST_LEN;
}

enum sstp_hlak_source sstp_crypto_hlak_from_ppp(const char *method,
                                                const uint8_t *send_key, size_t send_len,
                                                const uint8_t *recv_key, size_t recv_len,
                                                uint8_t hlak[SSTP_HLAK_LEN])
{
	bool have_keys = send_key && recv_key && send_len > 0 && recv_len > 0;

	sstp_crypto_hlak_zero(hlak);
	if (!method || !have_keys)
		return SSTP_HLAK_FROM_NOTHING;
	/* EAP-MSCHAPv2: the MSK's first 32 bytes are the same MS-CHAPv2
	 * master keys (client Send || Receive), which is what pppd sets. */
	if (strcmp(method, "mschapv2") == 0 || strcmp(method, "eap-mschapv2") == 0) {
		if (!mschapv2_key_len_ok(send_len) || !mschapv2_key_len_ok(recv_len))
			return SSTP_HLAK_FROM_BAD_KEYS;
		sstp_crypto_hlak_mschapv2(send_key, recv_key, hlak);
		return SSTP_HLAK_FROM_MSCHAPV2;
	}
	/* EAP-TLS ("eap") and PEAP: pppd sets the client's MSK halves (PEAP's
	 * from its cryptobinding CSK), the send key first. */
	if (strcmp(method, "eap") == 0 || strcmp(method, "peap") == 0) {
		sstp_crypto_hlak_eap(send_key, send_len, hlak);
		return SSTP_HLAK_FROM_EAP;
	}
	/* PAP, CHAP-MD5 and EAP-MD5 derive no keys; keys after them are not ours to use. */
	return SSTP_HLAK_FROM_BAD_KEYS;
}

/* HMAC-H(key, msg) into a 32-byte slot, zero-padded after L bytes. */
static int hmac_slot(enum sstp_hash hash, const uint8_t *key, size_t key_len,
                     const uint8_t *msg, size_t msg_len, uint8_t out[SSTP_HASH_SLOT_LEN])
{
	const EVP_MD *md = hash_md(hash);
	unsigned int n = 0;

	memset(out, 0, SSTP_HASH_SLOT_LEN);
	if (!md)
		return -1;
	/* Output is at most 32 bytes for SHA1/SHA256, so the slot is big enough. */
	if (!HMAC(md, key, (int)key_len, msg, msg_len, out, &n) || n != sstp_hash_len(hash)) {
		OPENSSL_cleanse(out, SSTP_HASH_SLOT_LEN);
		return -1;
	}
	return 0;
}

int sstp_crypto_cmk(enum sstp_hash hash, const uint8_t hlak[SSTP_HLAK_LEN],
                    uint8_t cmk[SSTP_HASH_SLOT_LEN])
{
	uint8_t msg[CMK_SEED_LEN + 3];
	size_t l = sstp_hash_len(hash);

	if (l == 0) {
		memset(cmk, 0, SSTP_HASH_SLOT_LEN);
		return -1;
	}
	memcpy(msg, cmk_seed, CMK_SEED_LEN);
	msg[CMK_SEED_LEN] = (uint8_t)l;             /* L, 16-bit little-endian */
	msg[CMK_SEED_LEN + 1] = (uint8_t)(l >> 8);
	msg[CMK_SEED_LEN + 2] = 0x01;               /* PRF+ block counter: T1 */
	return hmac_slot(hash, hlak, SSTP_HLAK_LEN, msg, sizeof(msg), cmk);
}

int sstp_crypto_build_call_connected(enum sstp_hash hash, const uint8_t hlak[SSTP_HLAK_LEN],
                                     const uint8_t nonce[SSTP_NONCE_LEN],
                                     const uint8_t cert_hash[SSTP_HASH_SLOT_LEN],
                                     uint8_t out[SSTP_CALL_CONNECTED_LEN])
{
	uint8_t cmk[SSTP_HASH_SLOT_LEN];
	uint8_t mac[SSTP_HASH_SLOT_LEN];
	uint8_t slot[SSTP_HASH_SLOT_LEN];
	size_t l = sstp_hash_len(hash);
	int rc;

	if (l == 0)
		return -1;
	/* A SHA1 cert hash uses the first 20 bytes of its slot; the rest is zero
	 * on the wire whatever the caller left there. */
	memset(slot, 0, sizeof(slot));
	memcpy(slot, cert_hash, l);
	sstp_packet_build_call_connected(out, SSTP_CALL_CONNECTED_LEN, (uint8_t)hash, nonce, slot,
	                                 NULL);
	if (sstp_crypto_cmk(hash, hlak, cmk) < 0)
		return -1;
	/* Compound MAC over the whole message with the MAC slot zeroed. */
	rc = hmac_slot(hash, cmk, l, out, SSTP_CALL_CONNECTED_LEN, mac);
	OPENSSL_cleanse(cmk, sizeof(cmk));
	if (rc < 0)
		return -1;
	memcpy(out + 80, mac, SSTP_HASH_SLOT_LEN);
	return 0;
}

static bool is_single_hash_bit(uint8_t h)
{
	return h == SSTP_HASH_SHA1 || h == SSTP_HASH_SHA256;
}

int sstp_crypto_verify_call_connected(const uint8_t pkt[SSTP_CALL_CONNECTED_LEN],
                                      uint8_t offered_bitmask,
                                      const uint8_t hlak[SSTP_HLAK_LEN],
                                      const uint8_t nonce[SSTP_NONCE_LEN],
                                      const uint8_t *cert_der, size_t cert_der_len,
                                      const char **why)
{
	struct sstp_packet p;
	struct sstp_parse_error err;
	const struct sstp_control *c = &p.ctrl;
	uint8_t expect_cert[SSTP_HASH_SLOT_LEN];
	uint8_t unsigned_pkt[SSTP_CALL_CONNECTED_LEN];
	uint8_t cmk[SSTP_HASH_SLOT_LEN];
	uint8_t mac[SSTP_HASH_SLOT_LEN];
	const char *dummy;
	enum sstp_hash hash;

	if (!why)
		why = &dummy;
	*why = NULL;
	if (sstp_packet_parse(pkt, SSTP_CALL_CONNECTED_LEN, &p, &err) < 0) {
		*why = err.message;
		return -1;
	}
	if (!p.is_control || c->msg_type != SSTP_MSG_CALL_CONNECTED || !c->has_binding) {
		*why = "not a Call Connected message";
		return -1;
	}
	if (!is_single_hash_bit(c->binding_hash) || !(c->binding_hash & offered_bitmask)) {
		*why = "hash protocol not offered in the Call Connect ACK";
		return -1;
	}
	hash = (enum sstp_hash)c->binding_hash;
	if (CRYPTO_memcmp(c->binding_nonce, nonce, SSTP_NONCE_LEN) != 0) {
		*why = "nonce does not match the one sent in the Call Connect ACK";
		return -1;
	}
	if (sstp_crypto_cert_hash(hash, cert_der, cert_der_len, expect_cert) < 0) {
		*why = "cannot hash the server certificate";
		return -1;
	}
	/* Whole 32-byte slot: SHA1's 12 bytes of padding must be zero too. */
	if (CRYPTO_memcmp(c->binding_cert_hash, expect_cert, SSTP_HASH_SLOT_LEN) != 0) {
		*why = "certificate hash does not match the server certificate";
		return -1;
	}
	/* The MAC covers the message as the client sent it, MAC slot zeroed. */
	memcpy(unsigned_pkt, pkt, SSTP_CALL_CONNECTED_LEN);
	memset(unsigned_pkt + 80, 0, SSTP_HASH_SLOT_LEN);
	if (sstp_crypto_cmk(hash, hlak, cmk) < 0 ||
	    hmac_slot(hash, cmk, sstp_hash_len(hash), unsigned_pkt, SSTP_CALL_CONNECTED_LEN, mac) < 0) {
		OPENSSL_cleanse(cmk, sizeof(cmk));
		*why = "cannot compute the Compound MAC";
		return -1;
	}
	OPENSSL_cleanse(cmk, sizeof(cmk));
	if (CRYPTO_memcmp(c->binding_mac, mac, SSTP_HASH_SLOT_LEN) != 0) {
		*why = "Compound MAC does not match (wrong HLAK or tampered message)";
		return -1;
	}
	return 0;
}
