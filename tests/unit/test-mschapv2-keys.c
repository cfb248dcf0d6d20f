/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test server's MS-CHAPv2 key derivation against the published
 * vectors: RFC 1320 (MD4), RFC 2759 section 9.2 and RFC 3079 section 3.5.
 * The server's receive key has no published vector; its expected value was
 * computed with an independent SHA-1 (Python's hashlib) from the RFC's
 * MasterKey and Magic2, and it is cross-checked against the protocol
 * library's HLAK layout.
 */
#include <string.h>

#include <glib.h>

#include "mschapv2-keys.h"
#include "sstp-crypto.h"

static void hex_to_bytes(const char *hex, uint8_t *out, size_t len)
{
	size_t n = 0;

	for (const char *p = hex; *p && n < 2 * len; p++) {
		int v = g_ascii_xdigit_value(*p);
		if (v < 0)
			continue;   /* spaces between bytes, as printed in the RFCs */
		if (n % 2 == 0)
			out[n / 2] = (uint8_t) (v << 4);
		else
			out[n / 2] |= (uint8_t) v;
		n++;
	}
	g_assert_cmpuint(n, ==, 2 * len);
}

static void assert_bytes(const uint8_t *got, const char *expected_hex, size_t len)
{
	uint8_t expected[64];

	g_assert_cmpuint(len, <=, sizeof(expected));
	hex_to_bytes(expected_hex, expected, len);
	if (memcmp(got, expected, len) != 0) {
		char *got_hex = g_malloc(2 * len + 1);
		for (size_t i = 0; i < len; i++)
			g_snprintf(got_hex + 2 * i, 3, "%02x", got[i]);
		g_test_message("got %s, expected %s", got_hex, expected_hex);
		g_free(got_hex);
	}
	g_assert_cmpmem(got, len, expected, len);
}

static const char nt_response_hex[] =
	"82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF";

static void test_md4_rfc1320(void)
{
	static const struct {
		const char *msg;
		const char *digest;
	} v[] = {
		{ "", "31d6cfe0d16ae931b73c59d7e0c089c0" },
		{ "a", "bde52cb31de33e46245e05fbdbd6fb24" },
		{ "abc", "a448017aaf21d8525fc10ae87aa6729d" },
		{ "message digest", "d9130a8164549fe818874806e1c7014b" },
		{ "abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9" },
		{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		  "043f8582f241db351ce627e153e7f0e4" },
		{ "1234567890123456789012345678901234567890"
		  "1234567890123456789012345678901234567890",
		  "e33b4ddc9c38f2199c3e7b164fcc0536" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
		uint8_t out[16];
		md4_digest((const uint8_t *) v[i].msg, strlen(v[i].msg), out);
		assert_bytes(out, v[i].digest, 16);
	}
}

static void test_password_hashes(void)
{
	uint8_t hash[16], hash_hash[16];

	g_assert_cmpint(mschapv2_nt_password_hash("clientPass", hash), ==, 0);
	assert_bytes(hash, "44 EB BA 8D 53 12 B8 D6 11 47 44 11 F5 69 89 AE", 16);
	mschapv2_hash_nt_password_hash(hash, hash_hash);
	assert_bytes(hash_hash, "41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F", 16);
}

static void test_master_and_start_keys(void)
{
	uint8_t hash_hash[16], nt_response[24], master[16], key[16];

	hex_to_bytes("41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F", hash_hash, 16);
	hex_to_bytes(nt_response_hex, nt_response, 24);
	g_assert_cmpint(mschapv2_master_key(hash_hash, nt_response, master), ==, 0);
	assert_bytes(master, "FD EC E3 71 7A 8C 83 8C B3 88 E5 27 AE 3C DD 31", 16);

	/* RFC 3079 3.5.3 SendStartKey128 is derived with Magic3: the server's
	 * send key, which is also the client's receive key. */
	g_assert_cmpint(mschapv2_asymmetric_start_key(master, 1, 1, key), ==, 0);
	assert_bytes(key, "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB", 16);
	g_assert_cmpint(mschapv2_asymmetric_start_key(master, 0, 0, key), ==, 0);
	assert_bytes(key, "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB", 16);

	/* Magic2: the server's receive key = the client's send key. */
	g_assert_cmpint(mschapv2_asymmetric_start_key(master, 0, 1, key), ==, 0);
	assert_bytes(key, "d5f0e9521e3ea9589645e86051c82226", 16);
	g_assert_cmpint(mschapv2_asymmetric_start_key(master, 1, 0, key), ==, 0);
	assert_bytes(key, "d5f0e9521e3ea9589645e86051c82226", 16);
}

static void test_server_keys_and_hlak(void)
{
	uint8_t nt_response[24], lib_hlak[SSTP_HLAK_LEN];
	struct mschapv2_server_keys keys;

	hex_to_bytes(nt_response_hex, nt_response, 24);
	g_assert_cmpint(mschapv2_server_keys("clientPass", nt_response, &keys), ==, 0);
	assert_bytes(keys.send_key, "8B 7C DC 14 9B 99 3A 1B A1 18 CB 15 3F 56 DC CB", 16);
	assert_bytes(keys.recv_key, "d5f0e9521e3ea9589645e86051c82226", 16);
	/* HLAK = server Receive || Send = client Send || Receive */
	assert_bytes(keys.hlak,
	             "d5f0e9521e3ea9589645e86051c82226"
	             "8B7CDC149B993A1BA118CB153F56DCCB", 32);

	/* The client computes it from its own keys with the protocol
	 * library; both sides must end with the same 32 bytes. */
	sstp_crypto_hlak_mschapv2(keys.recv_key, keys.send_key, lib_hlak);
	g_assert_cmpmem(lib_hlak, sizeof(lib_hlak), keys.hlak, sizeof(keys.hlak));

	/* A different password gives different keys. */
	struct mschapv2_server_keys other;
	g_assert_cmpint(mschapv2_server_keys("clientPasS", nt_response, &other), ==, 0);
	g_assert_true(memcmp(other.hlak, keys.hlak, sizeof(keys.hlak)) != 0);
}

static void test_password_encoding(void)
{
	uint8_t a[16], b[16];
	char too_long[MSCHAPV2_MAX_PASSWORD + 2];

	/* UTF-16LE of U+00E9 is E9 00: the same as the Latin-1 byte widened */
	g_assert_cmpint(mschapv2_nt_password_hash("caf\xc3\xa9", a), ==, 0);
	md4_digest((const uint8_t *) "c\0a\0f\0\xe9\0", 8, b);
	g_assert_cmpmem(a, 16, b, 16);
	/* a code point outside the BMP becomes a surrogate pair */
	g_assert_cmpint(mschapv2_nt_password_hash("\xf0\x9f\x98\x80", a), ==, 0);
	md4_digest((const uint8_t *) "\x3d\xd8\x00\xde", 4, b);
	g_assert_cmpmem(a, 16, b, 16);
	/* invalid UTF-8 and overlong input are refused, not hashed */
	g_assert_cmpint(mschapv2_nt_password_hash("\xc3", a), ==, -1);
	g_assert_cmpint(mschapv2_nt_password_hash("\xc0\xaf", a), ==, -1);
	g_assert_cmpint(mschapv2_nt_password_hash("\xed\xa0\x80", a), ==, -1);
	memset(too_long, 'x', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	g_assert_cmpint(mschapv2_nt_password_hash(too_long, a), ==, -1);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mschapv2/md4-rfc1320", test_md4_rfc1320);
	g_test_add_func("/mschapv2/password-hashes-rfc2759", test_password_hashes);
	g_test_add_func("/mschapv2/master-and-start-keys-rfc3079", test_master_and_start_keys);
	g_test_add_func("/mschapv2/server-keys-and-hlak", test_server_keys_and_hlak);
	g_test_add_func("/mschapv2/password-encoding", test_password_encoding);
	return g_test_run();
}
