/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSTP crypto binding ([MS-SSTP] 3.2.5.2): certificate hash, HLAK, CMK and
 * Compound MAC, and the Call Connected message that carries them.
 * Uses OpenSSL's EVP/HMAC only; no I/O, no globals.
 */
#ifndef SSTP_CRYPTO_H
#define SSTP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sstp-packet.h"

#define SSTP_HLAK_LEN 32

/* 20 for SHA1, 32 for SHA256, 0 for anything else. */
size_t sstp_hash_len(enum sstp_hash hash);

/* Pick the hash from a Crypto Binding Request bitmask: SHA256 if offered,
 * else SHA1, else SSTP_HASH_NONE (the ACK is then unusable). */
enum sstp_hash sstp_hash_choose(uint8_t bitmask);

/* Hash of the DER of the server's leaf certificate; out is zero-padded to 32.
 * Returns 0, or -1 on a bad hash or an OpenSSL failure. */
int sstp_crypto_cert_hash(enum sstp_hash hash, const uint8_t *der, size_t der_len,
                          uint8_t out[SSTP_HASH_SLOT_LEN]);

/* HLAK for MS-CHAPv2: client MasterSendKey || MasterReceiveKey. */
void sstp_crypto_hlak_mschapv2(const uint8_t send_key[16], const uint8_t recv_key[16],
                               uint8_t hlak[SSTP_HLAK_LEN]);
/* HLAK from an EAP MSK / 32-byte send key: first 32 bytes, zero-padded. */
void sstp_crypto_hlak_eap(const uint8_t *key, size_t key_len, uint8_t hlak[SSTP_HLAK_LEN]);
/* PAP, CHAP-MD5, no authentication: all zeros. */
void sstp_crypto_hlak_zero(uint8_t hlak[SSTP_HLAK_LEN]);

/* What the HLAK was made of (sstp_crypto_hlak_from_ppp). */
enum sstp_hlak_source {
	SSTP_HLAK_FROM_NOTHING,   /* zero HLAK: PAP, CHAP-MD5, no authentication, no keys */
	SSTP_HLAK_FROM_MSCHAPV2,  /* MasterSendKey || MasterReceiveKey */
	SSTP_HLAK_FROM_EAP,       /* the EAP method's send key (MSK), first 32 bytes */
	SSTP_HLAK_FROM_BAD_KEYS,  /* keys of a length the method cannot have: zero HLAK */
};

/* The HLAK from what the PPP authentication left behind, as pppd hands it to its
 * plugins: method is the plugin's name for it ("mschapv2", "eap", "chap", "pap",
 * "none"), the keys are mppe_get_send_key()/mppe_get_recv_key() (or pppd 2.4.9's
 * mppe_send_key/mppe_recv_key) with their lengths, 0 when there are none.
 * MS-CHAPv2 keys are 16 bytes from pppd 2.4.9 and 20 from pppd 2.5, which returns the
 * whole SHA-1 digest that RFC 3079 cuts the 128-bit key from: the first 16 bytes of
 * either are the master key. Never fails; the result says what was used. */
enum sstp_hlak_source sstp_crypto_hlak_from_ppp(const char *method,
                                                const uint8_t *send_key, size_t send_len,
                                                const uint8_t *recv_key, size_t recv_len,
                                                uint8_t hlak[SSTP_HLAK_LEN]);

/* CMK = HMAC-H(HLAK, "SSTP inner method derived CMK" || LE16(L) || 0x01); L bytes. */
int sstp_crypto_cmk(enum sstp_hash hash, const uint8_t hlak[SSTP_HLAK_LEN],
                    uint8_t cmk[SSTP_HASH_SLOT_LEN]);

/* Build the 112-byte Call Connected with its Compound MAC. Returns 0 or -1. */
int sstp_crypto_build_call_connected(enum sstp_hash hash, const uint8_t hlak[SSTP_HLAK_LEN],
                                     const uint8_t nonce[SSTP_NONCE_LEN],
                                     const uint8_t cert_hash[SSTP_HASH_SLOT_LEN],
                                     uint8_t out[SSTP_CALL_CONNECTED_LEN]);

/* Server side: check a received Call Connected (112 raw bytes) against what
 * the server expects. Returns 0 if nonce, hash protocol, cert hash and MAC
 * all match; otherwise -1 and *why names the first mismatch. */
int sstp_crypto_verify_call_connected(const uint8_t pkt[SSTP_CALL_CONNECTED_LEN],
                                      uint8_t offered_bitmask,
                                      const uint8_t hlak[SSTP_HLAK_LEN],
                                      const uint8_t nonce[SSTP_NONCE_LEN],
                                      const uint8_t *cert_der, size_t cert_der_len,
                                      const char **why);

#endif
