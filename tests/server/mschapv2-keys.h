/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MS-CHAPv2 MPPE key derivation for the test server (RFC 2759 + RFC 3079).
 *
 * The test server snoops the MS-CHAPv2 exchange it relays and derives the
 * keys pppd derived, so that it can check the client's crypto binding
 * without trusting anything the client says. MD4 is implemented here:
 * OpenSSL 3's default provider has none, and depending on the legacy
 * provider being installed inside the UML guest is one more way to fail.
 */
#ifndef MSCHAPV2_KEYS_H
#define MSCHAPV2_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define MSCHAPV2_NT_RESPONSE_LEN 24
#define MSCHAPV2_KEY_LEN         16
#define MSCHAPV2_HLAK_LEN        32
/* Longest password accepted (pppd's MAXSECRETLEN is 256 bytes). */
#define MSCHAPV2_MAX_PASSWORD    256

/* RFC 1320 MD4 of len bytes. */
void md4_digest(const uint8_t *data, size_t len, uint8_t out[16]);

/* NtPasswordHash: MD4 of the password as UTF-16LE. The password is taken
 * as UTF-8; returns 0, or -1 if it is not valid UTF-8, too long, or has
 * code points outside the BMP (MS-CHAPv2 hashes UTF-16 code units; a
 * surrogate pair is encoded as two units, which we do too). */
int mschapv2_nt_password_hash(const char *password, uint8_t out[16]);

/* HashNtPasswordHash: MD4 of the 16-byte hash. */
void mschapv2_hash_nt_password_hash(const uint8_t hash[16], uint8_t out[16]);

/* GetMasterKey (RFC 3079 3.4): first 16 bytes of
 * SHA1(PasswordHashHash || NTResponse || Magic1). Returns 0 or -1. */
int mschapv2_master_key(const uint8_t password_hash_hash[16],
                        const uint8_t nt_response[MSCHAPV2_NT_RESPONSE_LEN],
                        uint8_t master_key[16]);

/* GetAsymmetricStartKey (RFC 3079 3.4) for a 128-bit key. is_send and
 * is_server select Magic2 or Magic3 exactly as in the RFC. Returns 0 or -1. */
int mschapv2_asymmetric_start_key(const uint8_t master_key[16], int is_send, int is_server,
                                  uint8_t key[MSCHAPV2_KEY_LEN]);

/* Everything the server needs from one exchange: its send and receive
 * keys and the SSTP HLAK (server Receive || Send, which equals the
 * client's Send || Receive). Returns 0 or -1 (bad password encoding or an
 * OpenSSL failure). */
struct mschapv2_server_keys {
	uint8_t send_key[MSCHAPV2_KEY_LEN];
	uint8_t recv_key[MSCHAPV2_KEY_LEN];
	uint8_t hlak[MSCHAPV2_HLAK_LEN];
};
int mschapv2_server_keys(const char *password,
                         const uint8_t nt_response[MSCHAPV2_NT_RESPONSE_LEN],
                         struct mschapv2_server_keys *out);

#endif
