/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "mschapv2-keys.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* ---- MD4, RFC 1320 ---------------------------------------------------- */

struct md4_ctx {
	uint32_t a, b, c, d;
};

static uint32_t md4_rotl(uint32_t x, unsigned s)
{
	return (x << s) | (x >> (32 - s));
}

static uint32_t md4_f(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | (~x & z); }
static uint32_t md4_g(uint32_t x, uint32_t y, uint32_t z) { return (x & y) | (x & z) | (y & z); }
static uint32_t md4_h(uint32_t x, uint32_t y, uint32_t z) { return x ^ y ^ z; }

/* One 64-byte block. The three rounds are written as loops over the
 * RFC's word orders and shift amounts rather than 48 spelled-out lines. */
static void md4_block(struct md4_ctx *ctx, const uint8_t block[64])
{
	static const unsigned r1_shift[4] = { 3, 7, 11, 19 };
	static const unsigned r2_shift[4] = { 3, 5, 9, 13 };
	static const unsigned r3_shift[4] = { 3, 9, 11, 15 };
	static const unsigned r2_order[16] = { 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15 };
	static const unsigned r3_order[16] = { 0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15 };
	uint32_t x[16];
	uint32_t v[4] = { ctx->a, ctx->b, ctx->c, ctx->d };

	for (unsigned i = 0; i < 16; i++)
		x[i] = (uint32_t) block[4 * i] | ((uint32_t) block[4 * i + 1] << 8) |
		       ((uint32_t) block[4 * i + 2] << 16) | ((uint32_t) block[4 * i + 3] << 24);

	/* Each step updates v[(4 - i) % 4] from the other three, in the
	 * rotation a, d, c, b the RFC uses. */
	for (unsigned i = 0; i < 16; i++) {
		unsigned t = (4 - i % 4) % 4;
		uint32_t *w = &v[t];
		uint32_t b = v[(t + 1) % 4], c = v[(t + 2) % 4], d = v[(t + 3) % 4];
		*w = md4_rotl(*w + md4_f(b, c, d) + x[i], r1_shift[i % 4]);
	}
	for (unsigned i = 0; i < 16; i++) {
		unsigned t = (4 - i % 4) % 4;
		uint32_t *w = &v[t];
		uint32_t b = v[(t + 1) % 4], c = v[(t + 2) % 4], d = v[(t + 3) % 4];
		*w = md4_rotl(*w + md4_g(b, c, d) + x[r2_order[i]] + 0x5a827999u, r2_shift[i % 4]);
	}
	for (unsigned i = 0; i < 16; i++) {
		unsigned t = (4 - i % 4) % 4;
		uint32_t *w = &v[t];
		uint32_t b = v[(t + 1) % 4], c = v[(t + 2) % 4], d = v[(t + 3) % 4];
		*w = md4_rotl(*w + md4_h(b, c, d) + x[r3_order[i]] + 0x6ed9eba1u, r3_shift[i % 4]);
	}
	ctx->a += v[0];
	ctx->b += v[1];
	ctx->c += v[2];
	ctx->d += v[3];
	OPENSSL_cleanse(x, sizeof(x));
}

void md4_digest(const uint8_t *data, size_t len, uint8_t out[16])
{
	struct md4_ctx ctx = { 0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u };
	uint8_t tail[128];
	size_t full = len - len % 64;
	size_t rest = len - full;
	size_t tail_len = rest < 56 ? 64 : 128;
	uint64_t bits = (uint64_t) len * 8;

	for (size_t off = 0; off < full; off += 64)
		md4_block(&ctx, data + off);

	memset(tail, 0, sizeof(tail));
	if (rest > 0)
		memcpy(tail, data + full, rest);
	tail[rest] = 0x80;
	for (unsigned i = 0; i < 8; i++)
		tail[tail_len - 8 + i] = (uint8_t) (bits >> (8 * i));
	md4_block(&ctx, tail);
	if (tail_len == 128)
		md4_block(&ctx, tail + 64);

	uint32_t words[4] = { ctx.a, ctx.b, ctx.c, ctx.d };
	for (unsigned i = 0; i < 4; i++)
		for (unsigned j = 0; j < 4; j++)
			out[4 * i + j] = (uint8_t) (words[i] >> (8 * j));
	OPENSSL_cleanse(tail, sizeof(tail));
}

/* ---- RFC 2759 / RFC 3079 ---------------------------------------------- */

/* UTF-8 to UTF-16LE; returns bytes written or -1. */
static int utf8_to_utf16le(const char *in, uint8_t *out, size_t cap)
{
	const uint8_t *p = (const uint8_t *) in;
	size_t n = 0;

	while (*p) {
		uint32_t cp;
		unsigned extra;

		if (p[0] < 0x80) {
			cp = p[0];
			extra = 0;
		} else if ((p[0] & 0xe0) == 0xc0) {
			cp = p[0] & 0x1f;
			extra = 1;
		} else if ((p[0] & 0xf0) == 0xe0) {
			cp = p[0] & 0x0f;
			extra = 2;
		} else if ((p[0] & 0xf8) == 0xf0) {
			cp = p[0] & 0x07;
			extra = 3;
		} else {
			return -1;
		}
		for (unsigned i = 1; i <= extra; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates and out-of-range values are invalid */
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		p += extra + 1;

		if (cp >= 0x10000) {
			uint32_t v = cp - 0x10000;
			uint16_t hi = (uint16_t) (0xd800 + (v >> 10)), lo = (uint16_t) (0xdc00 + (v & 0x3ff));
			if (n + 4 > cap)
				return -1;
			out[n++] = (uint8_t) hi;
			out[n++] = (uint8_t) (hi >> 8);
			out[n++] = (uint8_t) lo;
			out[n++] = (uint8_t) (lo >> 8);
		} else {
			if (n + 2 > cap)
				return -1;
			out[n++] = (uint8_t) cp;
			out[n++] = (uint8_t) (cp >> 8);
		}
	}
	return (int) n;
}

int mschapv2_nt_password_hash(const char *password, uint8_t out[16])
{
	uint8_t unicode[2 * MSCHAPV2_MAX_PASSWORD];
	int n;

	if (strlen(password) > MSCHAPV2_MAX_PASSWORD)
		return -1;
	n = utf8_to_utf16le(password, unicode, sizeof(unicode));
	if (n < 0)
		return -1;
	md4_digest(unicode, (size_t) n, out);
	OPENSSL_cleanse(unicode, sizeof(unicode));
	return 0;
}

void mschapv2_hash_nt_password_hash(const uint8_t hash[16], uint8_t out[16])
{
	md4_digest(hash, 16, out);
}

static int sha1_parts(const uint8_t *const parts[], const size_t lens[], unsigned n,
                      uint8_t out[20])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int out_len = 0;
	int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;

	for (unsigned i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, &out_len) == 1 && out_len == 20;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

static const char magic1[] = "This is the MPPE Master Key";
static const char magic2[] =
	"On the client side, this is the send key; on the server side, it is the receive key.";
static const char magic3[] =
	"On the client side, this is the receive key; on the server side, it is the send key.";

int mschapv2_master_key(const uint8_t password_hash_hash[16],
                        const uint8_t nt_response[MSCHAPV2_NT_RESPONSE_LEN],
                        uint8_t master_key[16])
{
	const uint8_t *parts[3] = { password_hash_hash, nt_response, (const uint8_t *) magic1 };
	size_t lens[3] = { 16, MSCHAPV2_NT_RESPONSE_LEN, sizeof(magic1) - 1 };
	uint8_t digest[20];

	if (sha1_parts(parts, lens, 3, digest) < 0)
		return -1;
	memcpy(master_key, digest, 16);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

int mschapv2_asymmetric_start_key(const uint8_t master_key[16], int is_send, int is_server,
                                  uint8_t key[MSCHAPV2_KEY_LEN])
{
	uint8_t pad1[40], pad2[40];
	const char *s;
	uint8_t digest[20];

	if (is_send)
		s = is_server ? magic3 : magic2;
	else
		s = is_server ? magic2 : magic3;
	/* both magics are 84 bytes without their NUL */
	memset(pad1, 0x00, sizeof(pad1));
	memset(pad2, 0xf2, sizeof(pad2));
	const uint8_t *parts[4] = { master_key, pad1, (const uint8_t *) s, pad2 };
	size_t lens[4] = { 16, sizeof(pad1), strlen(s), sizeof(pad2) };

	if (sha1_parts(parts, lens, 4, digest) < 0)
		return -1;
	memcpy(key, digest, MSCHAPV2_KEY_LEN);
	OPENSSL_cleanse(digest, sizeof(digest));
	return 0;
}

int mschapv2_server_keys(const char *password,
                         const uint8_t nt_response[MSCHAPV2_NT_RESPONSE_LEN],
                         struct mschapv2_server_keys *out)
{
	uint8_t hash[16], hash_hash[16], master[16];
	int ret = -1;

	if (mschapv2_nt_password_hash(password, hash) < 0)
		goto out;
	mschapv2_hash_nt_password_hash(hash, hash_hash);
	if (mschapv2_master_key(hash_hash, nt_response, master) < 0)
		goto out;
	if (mschapv2_asymmetric_start_key(master, 1, 1, out->send_key) < 0 ||
	    mschapv2_asymmetric_start_key(master, 0, 1, out->recv_key) < 0)
		goto out;
	/* [MS-SSTP] 3.2.5.2: HLAK = client MasterSendKey || MasterReceiveKey,
	 * and the client's send key is the server's receive key. */
	memcpy(out->hlak, out->recv_key, MSCHAPV2_KEY_LEN);
	memcpy(out->hlak + MSCHAPV2_KEY_LEN, out->send_key, MSCHAPV2_KEY_LEN);
	ret = 0;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(hash_hash, sizeof(hash_hash));
	OPENSSL_cleanse(master, sizeof(master));
	return ret;
}
