/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/protocol/sstp-crypto.c: the three crypto binding test
 * vectors of docs/sstp-protocol.md §4 byte-exact (CMK, Compound MAC and the
 * whole 112-byte Call Connected), and the server-side verification.
 *
 * The expected CMKs were computed independently (Python's hmac module, from
 * the formula in §4); the test also recomputes each with GLib's own HMAC
 * implementation, so OpenSSL is checked against a second implementation.
 */
#include <glib.h>
#include <string.h>

#include "sstp-crypto.h"

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
	g_assert_cmpuint(strlen(hex), ==, 2 * n);
	for (size_t i = 0; i < n; i++) {
		int hi = g_ascii_xdigit_value(hex[2 * i]);
		int lo = g_ascii_xdigit_value(hex[2 * i + 1]);

		g_assert_cmpint(hi, >=, 0);
		g_assert_cmpint(lo, >=, 0);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
}

struct vector {
	const char *name;
	enum sstp_hash hash;
	const char *send_key;     /* MS-CHAPv2 send key, or the 32-byte EAP-TLS key */
	const char *recv_key;     /* NULL for EAP-TLS */
	const char *nonce;
	const char *cert_hash;
	const char *cmk;
	const char *mac;
};

static const struct vector vectors[] = {
	{ "A (MS-SSTP 4.7, SHA256, MS-CHAPv2)", SSTP_HASH_SHA256,
	  "2A1BB40D55AB0F5EF32F06F2B3CC73C4", "8FD3FAC41D7A1315A19228D9024CA164",
	  "412B489AEBD7ECC7D08966F26BE7CD72B231A0E9210D7C91B308862B0344C435",
	  "7993EF314C493DACE9F02D60E7E61C84B6690AAFE9D7AEEA92CBBE8AD599422D",
	  "ECF59AC9FE155CF0A9E7D66ADC1B363C1AD7BA91A9217F0CEC2A534298828DF6",
	  "52A68EFD8CFFBF52770B8F0FE8EC73716583AF6D611EB6D179B3B20840985449" },
	{ "B (SHA1, MS-CHAPv2)", SSTP_HASH_SHA1,
	  "4B3128F43925D9006EEFB1C4E86515A1", "D88E56BAB3CA2BDF0373B7F5A8A13B19",
	  "0F1A2D58D4A3E3000FAD3CE4906E07B707AA9E441CCEAC5CBD7B2CC1C9D86CDF",
	  "5826B629BDA59B8E6FD8DCD2622FD34C534805A5",
	  "A98B862A38CC7E224B42CD128586ACB22F0BD1E9",
	  "69915DD583D8062FEF16F61DB2F03290EC27CB6C" },
	{ "C (SHA256, EAP-TLS)", SSTP_HASH_SHA256,
	  "BB2C17EDBAA643B3D511EB9848792B7CAB5F5D709FE9BDF89B5DEAF5A8C17DB7", NULL,
	  "388A1ECBF302BA02F9F372CE37488EC36B71A28B5E1B19FBE44D5465A631C463",
	  "7FF150176FA8E38A1F402D11FF89FF11B66505AD7F9AE81205277BA4A6B9EF9D",
	  "8BEC8243ED1D4E115DF606DF5042BE07946294375498F857F6612567C3C63592",
	  "FE6473C7D183914E483FEA1B12A6E760A4DA16B62FAB12A0A1E54E0EC325B24E" },
};

static void vector_hlak(const struct vector *v, uint8_t hlak[SSTP_HLAK_LEN])
{
	if (v->recv_key) {
		uint8_t send[16], recv[16];

		hex_to_bytes(v->send_key, send, 16);
		hex_to_bytes(v->recv_key, recv, 16);
		sstp_crypto_hlak_mschapv2(send, recv, hlak);
		g_assert_cmpmem(hlak, 16, send, 16);
		g_assert_cmpmem(hlak + 16, 16, recv, 16);
	} else {
		uint8_t key[32];

		hex_to_bytes(v->send_key, key, 32);
		sstp_crypto_hlak_eap(key, sizeof(key), hlak);
		g_assert_cmpmem(hlak, 32, key, 32);
	}
}

/* CMK with GLib's HMAC: a second implementation of the same formula. */
static void glib_cmk(enum sstp_hash hash, const uint8_t hlak[32], uint8_t *out, size_t l)
{
	static const char seed[] = "SSTP inner method derived CMK";
	GHmac *h = g_hmac_new(hash == SSTP_HASH_SHA1 ? G_CHECKSUM_SHA1 : G_CHECKSUM_SHA256,
	                      hlak, 32);
	uint8_t tail[3] = { (uint8_t)l, 0x00, 0x01 };
	gsize n = l;

	g_hmac_update(h, (const guchar *)seed, strlen(seed));
	g_hmac_update(h, tail, sizeof(tail));
	g_hmac_get_digest(h, out, &n);
	g_assert_cmpuint(n, ==, l);
	g_hmac_unref(h);
}

static void test_vector(gconstpointer data)
{
	const struct vector *v = data;
	size_t l = sstp_hash_len(v->hash);
	uint8_t hlak[32], nonce[32], cert[32], cmk[32], want_cmk[32], glib[32];
	uint8_t mac[32], pkt[SSTP_CALL_CONNECTED_LEN], want[SSTP_CALL_CONNECTED_LEN];
	static const uint8_t head[15] = {
		0x10, 0x01, 0x00, 0x70, 0x00, 0x04, 0x00, 0x01, 0x00, 0x03, 0x00, 0x68, 0, 0, 0,
	};

	vector_hlak(v, hlak);
	hex_to_bytes(v->nonce, nonce, 32);
	memset(cert, 0, sizeof(cert));
	hex_to_bytes(v->cert_hash, cert, l);
	memset(want_cmk, 0, sizeof(want_cmk));
	hex_to_bytes(v->cmk, want_cmk, l);
	memset(mac, 0, sizeof(mac));
	hex_to_bytes(v->mac, mac, l);

	/* CMK: all L bytes, zero-padded slot. */
	memset(cmk, 0xAA, sizeof(cmk));
	g_assert_cmpint(sstp_crypto_cmk(v->hash, hlak, cmk), ==, 0);
	g_assert_cmpmem(cmk, 32, want_cmk, 32);
	glib_cmk(v->hash, hlak, glib, l);
	g_assert_cmpmem(cmk, l, glib, l);

	/* The whole 112-byte message, byte by byte. */
	memcpy(want, head, sizeof(head));
	want[15] = (uint8_t)v->hash;
	memcpy(want + 16, nonce, 32);
	memcpy(want + 48, cert, 32);
	memcpy(want + 80, mac, 32);
	memset(pkt, 0xAA, sizeof(pkt));
	g_assert_cmpint(sstp_crypto_build_call_connected(v->hash, hlak, nonce, cert, pkt), ==, 0);
	g_assert_cmpmem(pkt, sizeof(pkt), want, sizeof(want));
	if (l == 20) {
		for (size_t i = 48 + 20; i < 80; i++)
			g_assert_cmpuint(pkt[i], ==, 0);
		for (size_t i = 80 + 20; i < 112; i++)
			g_assert_cmpuint(pkt[i], ==, 0);
	}
}

/* SHA1: whatever sits in the 12 unused bytes of the cert hash slot, the
 * message carries zeros there (and the MAC is the vector's). */
static void test_sha1_slot_padding(void)
{
	const struct vector *v = &vectors[1];
	uint8_t hlak[32], nonce[32], cert[32], mac[20], pkt[112];

	vector_hlak(v, hlak);
	hex_to_bytes(v->nonce, nonce, 32);
	memset(cert, 0xee, sizeof(cert));
	hex_to_bytes(v->cert_hash, cert, 20);
	hex_to_bytes(v->mac, mac, 20);
	g_assert_cmpint(sstp_crypto_build_call_connected(SSTP_HASH_SHA1, hlak, nonce, cert, pkt),
	                ==, 0);
	for (size_t i = 68; i < 80; i++)
		g_assert_cmpuint(pkt[i], ==, 0);
	g_assert_cmpmem(pkt + 80, 20, mac, 20);
}

static void test_cert_hash(void)
{
	static const uint8_t abc[3] = { 'a', 'b', 'c' };
	uint8_t out[32], want[32];

	/* FIPS 180 "abc" digests. */
	g_assert_cmpint(sstp_crypto_cert_hash(SSTP_HASH_SHA256, abc, 3, out), ==, 0);
	hex_to_bytes("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", want, 32);
	g_assert_cmpmem(out, 32, want, 32);

	memset(out, 0xAA, sizeof(out));
	memset(want, 0, sizeof(want));
	g_assert_cmpint(sstp_crypto_cert_hash(SSTP_HASH_SHA1, abc, 3, out), ==, 0);
	hex_to_bytes("A9993E364706816ABA3E25717850C26C9CD0D89D", want, 20);
	g_assert_cmpmem(out, 32, want, 32);

	g_assert_cmpint(sstp_crypto_cert_hash(SSTP_HASH_NONE, abc, 3, out), ==, -1);
	g_assert_cmpint(sstp_crypto_cert_hash((enum sstp_hash)3, abc, 3, out), ==, -1);
	g_assert_cmpint(sstp_crypto_cert_hash(SSTP_HASH_SHA256, NULL, 0, out), ==, -1);
	g_assert_cmpint(sstp_crypto_cert_hash(SSTP_HASH_SHA256, abc, 0, out), ==, -1);
}

static void test_hash_choice(void)
{
	g_assert_cmpuint(sstp_hash_len(SSTP_HASH_SHA1), ==, 20);
	g_assert_cmpuint(sstp_hash_len(SSTP_HASH_SHA256), ==, 32);
	g_assert_cmpuint(sstp_hash_len(SSTP_HASH_NONE), ==, 0);
	g_assert_cmpuint(sstp_hash_len((enum sstp_hash)3), ==, 0);

	g_assert_cmpint(sstp_hash_choose(0x00), ==, SSTP_HASH_NONE);
	g_assert_cmpint(sstp_hash_choose(0x01), ==, SSTP_HASH_SHA1);
	g_assert_cmpint(sstp_hash_choose(0x02), ==, SSTP_HASH_SHA256);
	g_assert_cmpint(sstp_hash_choose(0x03), ==, SSTP_HASH_SHA256);
	g_assert_cmpint(sstp_hash_choose(0xfc), ==, SSTP_HASH_NONE);
	g_assert_cmpint(sstp_hash_choose(0xfd), ==, SSTP_HASH_SHA1);
	g_assert_cmpint(sstp_hash_choose(0xff), ==, SSTP_HASH_SHA256);
}

static void test_hlak_variants(void)
{
	uint8_t key[40], hlak[32];

	for (unsigned i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i + 1);
	/* MSK longer than 32: cut. */
	sstp_crypto_hlak_eap(key, 40, hlak);
	g_assert_cmpmem(hlak, 32, key, 32);
	/* Shorter: zero-padded. */
	memset(hlak, 0xAA, sizeof(hlak));
	sstp_crypto_hlak_eap(key, 16, hlak);
	g_assert_cmpmem(hlak, 16, key, 16);
	for (unsigned i = 16; i < 32; i++)
		g_assert_cmpuint(hlak[i], ==, 0);
	/* No key at all: zeros. */
	memset(hlak, 0xAA, sizeof(hlak));
	sstp_crypto_hlak_eap(NULL, 0, hlak);
	for (unsigned i = 0; i < 32; i++)
		g_assert_cmpuint(hlak[i], ==, 0);
	memset(hlak, 0xAA, sizeof(hlak));
	sstp_crypto_hlak_zero(hlak);
	for (unsigned i = 0; i < 32; i++)
		g_assert_cmpuint(hlak[i], ==, 0);
}

/* The HLAK from the keys pppd hands its plugins: vector A's MS-CHAPv2 keys as pppd 2.4.9
 * gives them (16 bytes) and as pppd 2.5 gives them (the 20-byte SHA-1 digest whose first 16
 * bytes are the key) must both give vector A's Compound MAC. */
static void test_hlak_from_ppp(void)
{
	const struct vector *a = &vectors[0], *c = &vectors[2];
	uint8_t send[20], recv[20], eap[32], hlak[32], want[32], nonce[32], cert[32];
	uint8_t pkt[SSTP_CALL_CONNECTED_LEN], mac[32];

	hex_to_bytes(a->send_key, send, 16);
	hex_to_bytes(a->recv_key, recv, 16);
	/* What SHA-1 put after the key: anything, it must not reach the HLAK. */
	memcpy(send + 16, "\x11\x22\x33\x44", 4);
	memcpy(recv + 16, "\x55\x66\x77\x88", 4);
	vector_hlak(a, want);
	hex_to_bytes(a->nonce, nonce, 32);
	hex_to_bytes(a->cert_hash, cert, 32);
	hex_to_bytes(a->mac, mac, 32);

	for (size_t len = 16; len <= 20; len += 4) {
		memset(hlak, 0xAA, sizeof(hlak));
		g_assert_cmpint(sstp_crypto_hlak_from_ppp("mschapv2", send, len, recv, len, hlak), ==,
		                SSTP_HLAK_FROM_MSCHAPV2);
		g_assert_cmpmem(hlak, 32, want, 32);
		/* EAP-MSCHAPv2 gives the same keys through pppd: the same HLAK. */
		memset(hlak, 0xAA, sizeof(hlak));
		g_assert_cmpint(sstp_crypto_hlak_from_ppp("eap-mschapv2", send, len, recv, len, hlak),
		                ==, SSTP_HLAK_FROM_MSCHAPV2);
		g_assert_cmpmem(hlak, 32, want, 32);
		g_assert_cmpint(sstp_crypto_build_call_connected(SSTP_HASH_SHA256, hlak, nonce, cert, pkt),
		                ==, 0);
		g_assert_cmpmem(pkt + 80, 32, mac, 32);
	}

	/* Lengths no pppd gives: zeros, and the caller is told. */
	memset(want, 0, sizeof(want));
	for (size_t len = 1; len <= sizeof(send); len++) {
		if (len == 16 || len == 20)
			continue;
		memset(hlak, 0xAA, sizeof(hlak));
		g_assert_cmpint(sstp_crypto_hlak_from_ppp("mschapv2", send, len, recv, 16, hlak), ==,
		                SSTP_HLAK_FROM_BAD_KEYS);
		g_assert_cmpmem(hlak, 32, want, 32);
		g_assert_cmpint(sstp_crypto_hlak_from_ppp("mschapv2", send, 16, recv, len, hlak), ==,
		                SSTP_HLAK_FROM_BAD_KEYS);
		g_assert_cmpmem(hlak, 32, want, 32);
	}

	/* No keys (PAP, CHAP-MD5, pppd without MPPE): zeros. */
	memset(hlak, 0xAA, sizeof(hlak));
	g_assert_cmpint(sstp_crypto_hlak_from_ppp("pap", NULL, 0, NULL, 0, hlak), ==,
	                SSTP_HLAK_FROM_NOTHING);
	g_assert_cmpmem(hlak, 32, want, 32);
	memset(hlak, 0xAA, sizeof(hlak));
	g_assert_cmpint(sstp_crypto_hlak_from_ppp("mschapv2", send, 0, recv, 0, hlak), ==,
	                SSTP_HLAK_FROM_NOTHING);
	g_assert_cmpmem(hlak, 32, want, 32);
	g_assert_cmpint(sstp_crypto_hlak_from_ppp(NULL, send, 16, recv, 16, hlak), ==,
	                SSTP_HLAK_FROM_NOTHING);
	/* Keys after a method that derives none are not used. */
	memset(hlak, 0xAA, sizeof(hlak));
	g_assert_cmpint(sstp_crypto_hlak_from_ppp("chap", send, 16, recv, 16, hlak), ==,
	                SSTP_HLAK_FROM_BAD_KEYS);
	g_assert_cmpmem(hlak, 32, want, 32);
	/* EAP-MD5 derives none: zero HLAK (MS-SSTP 3.2.5.2), with or without keys. */
	memset(hlak, 0xAA, sizeof(hlak));
	g_assert_cmpint(sstp_crypto_hlak_from_ppp("eap-md5", NULL, 0, NULL, 0, hlak), ==,
	                SSTP_HLAK_FROM_NOTHING);
	g_assert_cmpmem(hlak, 32, want, 32);
	memset(hlak, 0xAA, sizeof(hlak));
	g_assert_cmpint(sstp_crypto_hlak_from_ppp("eap-md5", send, 16, recv, 16, hlak), ==,
	                SSTP_HLAK_FROM_BAD_KEYS);
	g_assert_cmpmem(hlak, 32, want, 32);

	/* EAP-TLS as pppd 2.5 gives it: 32 bytes each way; the send key is the HLAK. */
	hex_to_bytes(c->send_key, eap, 32);
	g_assert_cmpint(sstp_crypto_hlak_from_ppp("eap", eap, 32, eap, 32, hlak), ==,
	                SSTP_HLAK_FROM_EAP);
	g_assert_cmpmem(hlak, 32, eap, 32);
	/* PEAP (pppd 2.5): the same, its keys being the first 64 bytes of the CSK. */
	memset(hlak, 0xAA, sizeof(hlak));
	g_assert_cmpint(sstp_crypto_hlak_from_ppp("peap", eap, 32, eap, 32, hlak), ==,
	                SSTP_HLAK_FROM_EAP);
	g_assert_cmpmem(hlak, 32, eap, 32);
}

static void test_bad_hash_refused(void)
{
	uint8_t hlak[32] = { 0 }, nonce[32] = { 0 }, cert[32] = { 0 }, cmk[32], pkt[112];

	g_assert_cmpint(sstp_crypto_cmk(SSTP_HASH_NONE, hlak, cmk), ==, -1);
	g_assert_cmpint(sstp_crypto_cmk((enum sstp_hash)3, hlak, cmk), ==, -1);
	g_assert_cmpint(sstp_crypto_build_call_connected(SSTP_HASH_NONE, hlak, nonce, cert, pkt),
	                ==, -1);
	g_assert_cmpint(sstp_crypto_build_call_connected((enum sstp_hash)3, hlak, nonce, cert,
	                                                 pkt), ==, -1);
}

/* ---- server-side verification ---- */

struct verify_fixture {
	uint8_t der[300];        /* stands in for the server certificate's DER */
	uint8_t hlak[32];
	uint8_t nonce[32];
	uint8_t pkt[112];
};

static void verify_setup(struct verify_fixture *f, enum sstp_hash hash)
{
	uint8_t cert[32];

	for (unsigned i = 0; i < sizeof(f->der); i++)
		f->der[i] = (uint8_t)(i * 31 + 7);
	for (unsigned i = 0; i < 32; i++) {
		f->hlak[i] = (uint8_t)(0xA0 + i);
		f->nonce[i] = (uint8_t)(0x30 + 3 * i);
	}
	g_assert_cmpint(sstp_crypto_cert_hash(hash, f->der, sizeof(f->der), cert), ==, 0);
	g_assert_cmpint(sstp_crypto_build_call_connected(hash, f->hlak, f->nonce, cert, f->pkt),
	                ==, 0);
}

static void expect_verify_fails(const struct verify_fixture *f, const uint8_t *pkt,
                                uint8_t offered, const uint8_t *hlak, const char *needle)
{
	const char *why = NULL;

	g_assert_cmpint(sstp_crypto_verify_call_connected(pkt, offered, hlak, f->nonce, f->der,
	                                                  sizeof(f->der), &why), ==, -1);
	g_assert_nonnull(why);
	if (!strstr(why, needle))
		g_error("expected a reason naming \"%s\", got \"%s\"", needle, why);
}

static void test_verify(void)
{
	static const enum sstp_hash hashes[] = { SSTP_HASH_SHA256, SSTP_HASH_SHA1 };

	for (unsigned h = 0; h < G_N_ELEMENTS(hashes); h++) {
		struct verify_fixture f;
		uint8_t bad[112], hlak2[32];
		const char *why = "unset";

		verify_setup(&f, hashes[h]);
		g_assert_cmpint(sstp_crypto_verify_call_connected(f.pkt, 0x03, f.hlak, f.nonce, f.der,
		                                                  sizeof(f.der), &why), ==, 0);
		g_assert_null(why);
		/* why may be NULL. */
		g_assert_cmpint(sstp_crypto_verify_call_connected(f.pkt, hashes[h], f.hlak, f.nonce,
		                                                  f.der, sizeof(f.der), NULL), ==, 0);

		/* Wrong nonce (the MAC is recomputed so only the nonce is wrong). */
		{
			uint8_t cert[32], other_nonce[32];

			memcpy(other_nonce, f.nonce, 32);
			other_nonce[5] ^= 0x01;
			sstp_crypto_cert_hash(hashes[h], f.der, sizeof(f.der), cert);
			sstp_crypto_build_call_connected(hashes[h], f.hlak, other_nonce, cert, bad);
			expect_verify_fails(&f, bad, 0x03, f.hlak, "nonce");
		}
		/* Wrong certificate hash: the client saw another certificate. */
		{
			uint8_t cert[32];
			uint8_t other_der[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

			sstp_crypto_cert_hash(hashes[h], other_der, sizeof(other_der), cert);
			sstp_crypto_build_call_connected(hashes[h], f.hlak, f.nonce, cert, bad);
			expect_verify_fails(&f, bad, 0x03, f.hlak, "certificate hash");
		}
		/* Wrong HLAK on one side: MAC mismatch. */
		memcpy(hlak2, f.hlak, 32);
		hlak2[31] ^= 0x80;
		expect_verify_fails(&f, f.pkt, 0x03, hlak2, "MAC");
		/* Tampered MAC byte, and a tampered byte the MAC covers... */
		memcpy(bad, f.pkt, 112);
		bad[80] ^= 0x01;
		expect_verify_fails(&f, bad, 0x03, f.hlak, "MAC");
		/* ...for SHA1 also the padding after the 20 MAC bytes. */
		if (hashes[h] == SSTP_HASH_SHA1) {
			memcpy(bad, f.pkt, 112);
			bad[111] = 0x01;
			expect_verify_fails(&f, bad, 0x03, f.hlak, "MAC");
			memcpy(bad, f.pkt, 112);
			bad[79] = 0x01;
			expect_verify_fails(&f, bad, 0x03, f.hlak, "certificate hash");
		}
		/* Hash protocol the server did not offer, or two bits at once. */
		expect_verify_fails(&f, f.pkt, (uint8_t)(0x03 & ~hashes[h]), f.hlak, "hash protocol");
		memcpy(bad, f.pkt, 112);
		bad[15] = 0x03;
		expect_verify_fails(&f, bad, 0x03, f.hlak, "hash protocol");
		bad[15] = 0x00;
		expect_verify_fails(&f, bad, 0x03, f.hlak, "hash protocol");
		/* Not a Call Connected at all. */
		memcpy(bad, f.pkt, 112);
		bad[5] = SSTP_MSG_CALL_ABORT;
		why = NULL;
		g_assert_cmpint(sstp_crypto_verify_call_connected(bad, 0x03, f.hlak, f.nonce, f.der,
		                                                  sizeof(f.der), &why), ==, -1);
		g_assert_nonnull(why);
		memcpy(bad, f.pkt, 112);
		bad[0] = 0x11;
		why = NULL;
		g_assert_cmpint(sstp_crypto_verify_call_connected(bad, 0x03, f.hlak, f.nonce, f.der,
		                                                  sizeof(f.der), &why), ==, -1);
		g_assert_nonnull(why);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_data_func("/sstp-crypto/vector/A-sha256-mschapv2", &vectors[0], test_vector);
	g_test_add_data_func("/sstp-crypto/vector/B-sha1-mschapv2", &vectors[1], test_vector);
	g_test_add_data_func("/sstp-crypto/vector/C-sha256-eap-tls", &vectors[2], test_vector);
	g_test_add_func("/sstp-crypto/sha1-slot-padding", test_sha1_slot_padding);
	g_test_add_func("/sstp-crypto/cert-hash", test_cert_hash);
	g_test_add_func("/sstp-crypto/hash-choice", test_hash_choice);
	g_test_add_func("/sstp-crypto/hlak-variants", test_hlak_variants);
	g_test_add_func("/sstp-crypto/hlak-from-ppp", test_hlak_from_ppp);
	g_test_add_func("/sstp-crypto/bad-hash-refused", test_bad_hash_refused);
	g_test_add_func("/sstp-crypto/verify", test_verify);
	return g_test_run();
}
