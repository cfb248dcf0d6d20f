/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the async HDLC framing (src/protocol/hdlc.c). The library is
 * compared against deliberately simple reference code written here from
 * RFC 1662 (bitwise FCS, byte-by-byte encoder), and round trips are
 * checked with the input cut at every byte and in random pieces.
 * Random data comes from g_test_rand_*(), so a failure is reproducible
 * with the --seed that the test run prints.
 */
#include "hdlc.h"

#include <glib.h>
#include <string.h>

/* ---- reference code, straight from RFC 1662 ---- */

static uint16_t
ref_fcs16(uint16_t fcs, const uint8_t *data, size_t len)
{
	size_t i;
	int bit;

	for (i = 0; i < len; i++) {
		fcs ^= data[i];
		for (bit = 0; bit < 8; bit++)
			fcs = (fcs & 1) ? (uint16_t) ((fcs >> 1) ^ 0x8408) : (uint16_t) (fcs >> 1);
	}
	return fcs;
}

static bool
ref_needs_escape(uint8_t b, bool escape_ctrl)
{
	return b == 0x7e || b == 0x7d || (escape_ctrl && b < 0x20);
}

/* escape_ctrl: escape bytes < 0x20 too (what hdlc_encode() does); without
 * it, this is what pppd sends once the async map is 0. */
static size_t
ref_encode(const uint8_t *frame, size_t len, uint8_t *out, bool escape_ctrl)
{
	uint16_t fcs = (uint16_t) ~ref_fcs16(0xffff, frame, len);
	size_t o = 0;
	size_t i;

	out[o++] = 0x7e;
	for (i = 0; i < len + 2; i++) {
		uint8_t b = i < len ? frame[i] : (i == len ? (uint8_t) (fcs & 0xff) : (uint8_t) (fcs >> 8));

		if (ref_needs_escape(b, escape_ctrl)) {
			out[o++] = 0x7d;
			b ^= 0x20;
		}
		out[o++] = b;
	}
	out[o++] = 0x7e;
	return o;
}

/* ---- helpers ---- */

struct collected {
	GPtrArray *frames;      /* of GBytes */
	guint stop_after;       /* callback returns false when this many seen; 0 = never */
};

static bool
collect_frame(void *ctx, const uint8_t *frame, size_t len)
{
	struct collected *c = ctx;

	g_ptr_array_add(c->frames, g_bytes_new(frame, len));
	return c->stop_after == 0 || c->frames->len % c->stop_after != 0;
}

static void
collected_init(struct collected *c)
{
	c->frames = g_ptr_array_new_with_free_func((GDestroyNotify) g_bytes_unref);
	c->stop_after = 0;
}

static void
collected_clear(struct collected *c)
{
	g_ptr_array_unref(c->frames);
}

static void
assert_frame(struct collected *c, guint index, const uint8_t *data, size_t len)
{
	gsize got_len;
	const uint8_t *got;

	g_assert_cmpuint(index, <, c->frames->len);
	got = g_bytes_get_data(g_ptr_array_index(c->frames, index), &got_len);
	g_assert_cmpmem(got, got_len, data, len);
}

static void
random_bytes(uint8_t *buf, size_t len)
{
	/* Half of the frames are biased towards the bytes that need
	 * escaping, so escape handling is exercised densely too. */
	bool biased = g_test_rand_bit();
	size_t i;

	for (i = 0; i < len; i++) {
		if (biased && g_test_rand_int_range(0, 4) == 0)
			buf[i] = (uint8_t) (g_test_rand_bit() ? 0x7d : (g_test_rand_bit() ? 0x7e : 0x03));
		else
			buf[i] = (uint8_t) g_test_rand_int_range(0, 256);
	}
}

static void
decoder_assert_no_errors(const struct hdlc_decoder *d)
{
	g_assert_cmpuint(d->frames_bad_fcs, ==, 0);
	g_assert_cmpuint(d->frames_too_long, ==, 0);
	g_assert_cmpuint(d->frames_too_short, ==, 0);
	g_assert_cmpuint(d->frames_bad_escape, ==, 0);
}

/* ---- FCS ---- */

static void
test_fcs_known_vectors(void)
{
	const uint8_t check[] = "123456789";
	uint8_t framed[11];
	uint16_t fcs;

	/* The check value of the PPP FCS-16 (CRC-16/X-25): 0x906e. */
	fcs = (uint16_t) ~hdlc_fcs16(HDLC_FCS_INIT, check, 9);
	g_assert_cmphex(fcs, ==, 0x906e);
	g_assert_cmphex(hdlc_fcs16(HDLC_FCS_INIT, check, 0), ==, 0xffff);

	/* Appending the complemented FCS low byte first gives the "good
	 * final FCS" residue of RFC 1662 C.2. */
	memcpy(framed, check, 9);
	framed[9] = (uint8_t) (fcs & 0xff);
	framed[10] = (uint8_t) (fcs >> 8);
	g_assert_cmphex(hdlc_fcs16(HDLC_FCS_INIT, framed, 11), ==, HDLC_FCS_GOOD);

	/* Incremental use gives the same result as one call. */
	g_assert_cmphex(hdlc_fcs16(hdlc_fcs16(HDLC_FCS_INIT, check, 4), check + 4, 5), ==,
	                hdlc_fcs16(HDLC_FCS_INIT, check, 9));
}

static void
test_fcs_matches_bitwise(void)
{
	uint8_t buf[300];
	unsigned v, pos, i;

	/* Every byte value at every offset modulo 8 goes through each of
	 * the eight lookup tables. */
	for (v = 0; v < 256; v++) {
		for (pos = 0; pos < 16; pos++) {
			memset(buf, 0x55, sizeof(buf));
			buf[pos] = (uint8_t) v;
			g_assert_cmphex(hdlc_fcs16(HDLC_FCS_INIT, buf, 17), ==,
			                ref_fcs16(HDLC_FCS_INIT, buf, 17));
			g_assert_cmphex(hdlc_fcs16((uint16_t) (v * 257), buf, 16), ==,
			                ref_fcs16((uint16_t) (v * 257), buf, 16));
		}
	}
	for (i = 0; i < 2000; i++) {
		size_t len = (size_t) g_test_rand_int_range(0, sizeof(buf) + 1);
		uint16_t start = (uint16_t) g_test_rand_int_range(0, 0x10000);

		random_bytes(buf, len);
		g_assert_cmphex(hdlc_fcs16(start, buf, len), ==, ref_fcs16(start, buf, len));
	}
}

/* ---- encoder ---- */

static void
test_encode_known_frame(void)
{
	/* flag, escape, a control byte, space and 'A' */
	const uint8_t frame[] = { 0x7e, 0x7d, 0x1f, 0x20, 0x41 };
	uint16_t fcs = (uint16_t) ~ref_fcs16(0xffff, frame, sizeof(frame));
	uint8_t expect[32];
	uint8_t out[HDLC_ENCODED_MAX(sizeof(frame))];
	size_t e = 0, n;

	expect[e++] = 0x7e;
	expect[e++] = 0x7d; expect[e++] = 0x5e;
	expect[e++] = 0x7d; expect[e++] = 0x5d;
	expect[e++] = 0x7d; expect[e++] = 0x3f;
	expect[e++] = 0x20;
	expect[e++] = 0x41;
	/* the FCS bytes are escaped like any other */
	if (ref_needs_escape((uint8_t) (fcs & 0xff), true)) {
		expect[e++] = 0x7d;
		expect[e++] = (uint8_t) ((fcs & 0xff) ^ 0x20);
	} else {
		expect[e++] = (uint8_t) (fcs & 0xff);
	}
	if (ref_needs_escape((uint8_t) (fcs >> 8), true)) {
		expect[e++] = 0x7d;
		expect[e++] = (uint8_t) ((fcs >> 8) ^ 0x20);
	} else {
		expect[e++] = (uint8_t) (fcs >> 8);
	}
	expect[e++] = 0x7e;

	n = hdlc_encode(frame, sizeof(frame), out, sizeof(out));
	g_assert_cmpmem(out, n, expect, e);
}

static void
test_encode_escapes_exactly(void)
{
	uint8_t frame[256];
	uint8_t out[HDLC_ENCODED_MAX(256)];
	uint8_t ref[HDLC_ENCODED_MAX(256)];
	size_t n, r, i, escapes = 0;
	unsigned v;

	for (v = 0; v < 256; v++)
		frame[v] = (uint8_t) v;
	n = hdlc_encode(frame, sizeof(frame), out, sizeof(out));
	r = ref_encode(frame, sizeof(frame), ref, true);
	g_assert_cmpmem(out, n, ref, r);

	/* Walk the output: only flags at the ends, every byte < 0x20, 0x7d
	 * and 0x7e escaped, nothing else escaped. */
	g_assert_cmphex(out[0], ==, 0x7e);
	g_assert_cmphex(out[n - 1], ==, 0x7e);
	v = 0;
	for (i = 1; i < n - 1 && v < 256; i++, v++) {
		g_assert_cmphex(out[i], !=, 0x7e);
		g_assert_cmphex(out[i], >=, 0x20);
		if (v < 0x20 || v == 0x7d || v == 0x7e) {
			g_assert_cmphex(out[i], ==, 0x7d);
			g_assert_cmphex(out[i + 1], ==, v ^ 0x20);
			i++;
			escapes++;
		} else {
			g_assert_cmphex(out[i], ==, v);
		}
	}
	g_assert_cmpuint(v, ==, 256);
	g_assert_cmpuint(escapes, ==, 34);

	/* Random frames agree with the reference byte for byte. */
	for (i = 0; i < 500; i++) {
		size_t len = (size_t) g_test_rand_int_range(0, 257);

		random_bytes(frame, len);
		n = hdlc_encode(frame, len, out, sizeof(out));
		r = ref_encode(frame, len, ref, true);
		g_assert_cmpmem(out, n, ref, r);
	}
}

static void
test_encode_capacity(void)
{
	uint8_t frame[100];
	uint8_t ref[HDLC_ENCODED_MAX(100)];
	uint8_t out[HDLC_ENCODED_MAX(100) + 16];
	size_t exact, i;

	for (i = 0; i < 100; i++)
		frame[i] = (uint8_t) (i * 7);
	exact = ref_encode(frame, sizeof(frame), ref, true);
	g_assert_cmpuint(exact, <, HDLC_ENCODED_MAX(100));

	/* Exactly enough room: works and writes nothing past it. */
	memset(out, 0xaa, sizeof(out));
	g_assert_cmpuint(hdlc_encode(frame, sizeof(frame), out, exact), ==, exact);
	g_assert_cmpmem(out, exact, ref, exact);
	for (i = exact; i < sizeof(out); i++)
		g_assert_cmphex(out[i], ==, 0xaa);

	/* One byte short, or no room at all: refused, nothing written. */
	memset(out, 0xaa, sizeof(out));
	g_assert_cmpuint(hdlc_encode(frame, sizeof(frame), out, exact - 1), ==, 0);
	g_assert_cmpuint(hdlc_encode(frame, sizeof(frame), out, 0), ==, 0);
	for (i = 0; i < sizeof(out); i++)
		g_assert_cmphex(out[i], ==, 0xaa);

	/* An empty frame is just flag, FCS, flag. */
	g_assert_cmpuint(hdlc_encode(frame, 0, out, sizeof(out)), ==,
	                 ref_encode(frame, 0, ref, true));
}

/* hdlc_encode_min(): byte for byte the reference without control escapes,
 * for every length around the 8-byte steps of its scan and with the two
 * special bytes at every position in a word; the decoder takes it back;
 * the buffer rule is the one of hdlc_encode(). */
static void
test_encode_min(void)
{
	static uint8_t frame[HDLC_MAX_FRAME];
	static uint8_t out[HDLC_ENCODED_MAX(HDLC_MAX_FRAME)];
	static uint8_t ref[HDLC_ENCODED_MAX(HDLC_MAX_FRAME)];
	struct hdlc_decoder *d = g_new(struct hdlc_decoder, 1);
	struct collected c;
	size_t n, r, len, pos, exact;
	unsigned v;

	collected_init(&c);
	hdlc_decoder_init(d);
	for (v = 0; v < 256; v++)
		frame[v] = (uint8_t) v;
	n = hdlc_encode_min(frame, 256, out, sizeof(out));
	r = ref_encode(frame, 256, ref, false);
	g_assert_cmpmem(out, n, ref, r);
	/* control bytes go out as they are */
	g_assert_cmphex(out[1], ==, 0x00);
	g_assert_cmphex(out[2], ==, 0x01);

	for (len = 0; len <= 40; len++) {
		for (pos = 0; pos < len; pos++) {
			for (v = 0; v < 2; v++) {
				memset(frame, 0x41, len);
				frame[pos] = v ? HDLC_FLAG : HDLC_ESCAPE;
				n = hdlc_encode_min(frame, len, out, sizeof(out));
				r = ref_encode(frame, len, ref, false);
				g_assert_cmpmem(out, n, ref, r);
			}
		}
	}
	for (len = 1; len <= HDLC_MAX_FRAME; len += (len < 64 ? 1 : 61)) {
		random_bytes(frame, len);
		n = hdlc_encode_min(frame, len, out, sizeof(out));
		r = ref_encode(frame, len, ref, false);
		g_assert_cmpmem(out, n, ref, r);
		g_assert_cmpuint(hdlc_decode(d, out, n, collect_frame, &c), ==, n);
		assert_frame(&c, c.frames->len - 1, frame, len);
		/* exact room is enough, one byte less is refused */
		exact = n;
		g_assert_cmpuint(hdlc_encode_min(frame, len, out, exact), ==, exact);
		g_assert_cmpmem(out, exact, ref, r);
		g_assert_cmpuint(hdlc_encode_min(frame, len, out, exact - 1), ==, 0);
	}
	decoder_assert_no_errors(d);
	collected_clear(&c);
	g_free(d);
}

/* ---- decoder ---- */

static void
test_roundtrip_all_lengths(void)
{
	static uint8_t frame[HDLC_MAX_FRAME];
	static uint8_t enc[HDLC_ENCODED_MAX(HDLC_MAX_FRAME)];
	struct hdlc_decoder *d = g_new(struct hdlc_decoder, 1);
	struct collected c;
	size_t len;

	collected_init(&c);
	hdlc_decoder_init(d);
	for (len = 1; len <= HDLC_MAX_FRAME; len++) {
		size_t n;

		random_bytes(frame, len);
		n = hdlc_encode(frame, len, enc, sizeof(enc));
		g_assert_cmpuint(hdlc_decode(d, enc, n, collect_frame, &c), ==, n);
		g_assert_cmpuint(c.frames->len, ==, len);
		assert_frame(&c, (guint) (len - 1), frame, len);
	}
	g_assert_cmpuint(d->frames_ok, ==, HDLC_MAX_FRAME);
	decoder_assert_no_errors(d);
	collected_clear(&c);
	g_free(d);
}

/* Decode buf as two pieces cut at every offset and check that exactly the
 * expected frames come out. */
static void
check_every_split(const uint8_t *buf, size_t len, uint8_t *const *frames,
                  const size_t *lens, guint count)
{
	struct hdlc_decoder *d = g_new(struct hdlc_decoder, 1);
	size_t cut;
	guint i;

	for (cut = 0; cut <= len; cut++) {
		struct collected c;

		collected_init(&c);
		hdlc_decoder_init(d);
		g_assert_cmpuint(hdlc_decode(d, buf, cut, collect_frame, &c), ==, cut);
		g_assert_cmpuint(hdlc_decode(d, buf + cut, len - cut, collect_frame, &c), ==, len - cut);
		g_assert_cmpuint(c.frames->len, ==, count);
		for (i = 0; i < count; i++)
			assert_frame(&c, i, frames[i], lens[i]);
		decoder_assert_no_errors(d);
		collected_clear(&c);
	}
	g_free(d);
}

static void
test_split_every_byte(void)
{
	/* Small frames full of bytes that need escaping, one of 1 byte,
	 * frames sharing a flag, and a maximum size frame. */
	static uint8_t big[HDLC_MAX_FRAME];
	static uint8_t buf[3 * HDLC_ENCODED_MAX(HDLC_MAX_FRAME)];
	uint8_t f1[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x7e, 0x7d, 0x00, 0x5d, 0x5e };
	uint8_t f2[] = { 0x7d };
	uint8_t f3[40];
	uint8_t *frames[4] = { f1, f2, f3, big };
	size_t lens[4] = { sizeof(f1), sizeof(f2), sizeof(f3), sizeof(big) };
	size_t len = 0, n;

	random_bytes(f3, sizeof(f3));
	random_bytes(big, sizeof(big));

	len += hdlc_encode(f1, sizeof(f1), buf + len, sizeof(buf) - len);
	len += hdlc_encode(f2, sizeof(f2), buf + len, sizeof(buf) - len);
	/* f3 shares its opening flag with the closing flag of f2 */
	n = hdlc_encode(f3, sizeof(f3), buf + len, sizeof(buf) - len);
	memmove(buf + len, buf + len + 1, n - 1);
	len += n - 1;
	check_every_split(buf, len, frames, lens, 3);

	len += hdlc_encode(big, sizeof(big), buf + len, sizeof(buf) - len);
	check_every_split(buf, len, frames, lens, 4);
}

static void
test_random_chunks(void)
{
	const guint count = 600;
	uint8_t **frames = g_new(uint8_t *, count);
	size_t *lens = g_new(size_t, count);
	size_t cap = count * HDLC_ENCODED_MAX(HDLC_MAX_FRAME);
	uint8_t *buf = g_malloc(cap);
	struct hdlc_decoder *d = g_new(struct hdlc_decoder, 1);
	size_t len = 0, off = 0;
	struct collected c;
	guint i, round;

	for (i = 0; i < count; i++) {
		/* mostly small frames, some up to the maximum */
		lens[i] = g_test_rand_bit() ? (size_t) g_test_rand_int_range(1, 200)
		                            : (size_t) g_test_rand_int_range(1, HDLC_MAX_FRAME + 1);
		frames[i] = g_malloc(lens[i]);
		random_bytes(frames[i], lens[i]);
		/* alternate the library encoder and pppd-style (ACCM 0)
		 * encoding, and sometimes add idle flags between frames */
		if (i % 2)
			len += hdlc_encode(frames[i], lens[i], buf + len, cap - len);
		else
			len += ref_encode(frames[i], lens[i], buf + len, false);
		if (g_test_rand_int_range(0, 8) == 0)
			buf[len++] = 0x7e;
	}

	for (round = 0; round < 3; round++) {
		collected_init(&c);
		hdlc_decoder_init(d);
		for (off = 0; off < len;) {
			/* chunk sizes: tiny, medium or large */
			size_t max = round == 0 ? 8 : (round == 1 ? 1500 : 70000);
			size_t n = (size_t) g_test_rand_int_range(1, (gint32) max + 1);

			if (n > len - off)
				n = len - off;
			g_assert_cmpuint(hdlc_decode(d, buf + off, n, collect_frame, &c), ==, n);
			off += n;
		}
		g_assert_cmpuint(c.frames->len, ==, count);
		for (i = 0; i < count; i++)
			assert_frame(&c, i, frames[i], lens[i]);
		g_assert_cmpuint(d->frames_ok, ==, count);
		decoder_assert_no_errors(d);
		collected_clear(&c);
	}

	for (i = 0; i < count; i++)
		g_free(frames[i]);
	g_free(frames);
	g_free(lens);
	g_free(buf);
	g_free(d);
}

static void
test_many_frames_one_buffer(void)
{
	const guint count = 2000;
	uint8_t frame[64];
	size_t cap = count * HDLC_ENCODED_MAX(sizeof(frame));
	uint8_t *buf = g_malloc(cap);
	struct hdlc_decoder d;
	struct collected c;
	size_t len = 0;
	guint i;

	for (i = 0; i < count; i++) {
		memset(frame, (int) (i & 0xff), sizeof(frame));
		frame[0] = (uint8_t) (i >> 8);
		len += hdlc_encode(frame, 1 + i % sizeof(frame), buf + len, cap - len);
	}
	collected_init(&c);
	hdlc_decoder_init(&d);
	g_assert_cmpuint(hdlc_decode(&d, buf, len, collect_frame, &c), ==, len);
	g_assert_cmpuint(c.frames->len, ==, count);
	for (i = 0; i < count; i++) {
		memset(frame, (int) (i & 0xff), sizeof(frame));
		frame[0] = (uint8_t) (i >> 8);
		assert_frame(&c, i, frame, 1 + i % sizeof(frame));
	}
	decoder_assert_no_errors(&d);
	collected_clear(&c);
	g_free(buf);
}

/* Unneeded escapes are legal (the receiver un-escapes whatever follows
 * 0x7d), and so is 0x7d 0x7d (data byte 0x5d). */
static void
test_decode_any_escape(void)
{
	const uint8_t frame[] = { 0x41, 0x5d, 0x00, 0x7e };
	uint16_t fcs = (uint16_t) ~ref_fcs16(0xffff, frame, sizeof(frame));
	uint8_t buf[32];
	size_t n = 0, i;
	struct hdlc_decoder d;
	struct collected c;

	buf[n++] = 0x7e;
	buf[n++] = 0x7d; buf[n++] = 0x41 ^ 0x20;      /* needless escape */
	buf[n++] = 0x7d; buf[n++] = 0x7d;             /* 0x5d, escaped as 7d 7d */
	buf[n++] = 0x00;                              /* control byte not escaped */
	buf[n++] = 0x7d; buf[n++] = 0x5e;
	buf[n++] = 0x7d;                              /* both FCS bytes escaped */
	buf[n++] = (uint8_t) (fcs & 0xff) ^ 0x20;
	buf[n++] = 0x7d;
	buf[n++] = (uint8_t) (fcs >> 8) ^ 0x20;
	buf[n++] = 0x7e;

	for (i = 0; i <= n; i++) {
		collected_init(&c);
		hdlc_decoder_init(&d);
		hdlc_decode(&d, buf, i, collect_frame, &c);
		hdlc_decode(&d, buf + i, n - i, collect_frame, &c);
		g_assert_cmpuint(c.frames->len, ==, 1);
		assert_frame(&c, 0, frame, sizeof(frame));
		decoder_assert_no_errors(&d);
		collected_clear(&c);
	}
}

/* Encode three frames, with the middle one produced by mutate(). */
static size_t
build_three(uint8_t *buf, size_t cap, const uint8_t *a, size_t alen,
            const uint8_t *mid, size_t midlen, const uint8_t *b, size_t blen)
{
	size_t len = 0;

	len += hdlc_encode(a, alen, buf, cap);
	memcpy(buf + len, mid, midlen);
	len += midlen;
	len += hdlc_encode(b, blen, buf + len, cap - len);
	return len;
}

static void
assert_neighbours_survive(const uint8_t *buf, size_t len, const uint8_t *a, size_t alen,
                          const uint8_t *b, size_t blen, struct hdlc_decoder *d)
{
	struct collected c;
	size_t cut;

	/* whole, and cut at every byte: same verdict */
	for (cut = 0; cut <= len; cut++) {
		collected_init(&c);
		hdlc_decoder_init(d);
		hdlc_decode(d, buf, cut, collect_frame, &c);
		hdlc_decode(d, buf + cut, len - cut, collect_frame, &c);
		g_assert_cmpuint(c.frames->len, ==, 2);
		assert_frame(&c, 0, a, alen);
		assert_frame(&c, 1, b, blen);
		g_assert_cmpuint(d->frames_ok, ==, 2);
		collected_clear(&c);
	}
}

static void
test_bad_fcs(void)
{
	const uint8_t a[] = { 0xff, 0x03, 0x00, 0x21, 0x45 };
	const uint8_t b[] = { 0xff, 0x03, 0xc0, 0x21, 0x09 };
	uint8_t mid[HDLC_ENCODED_MAX(200)];
	uint8_t payload[200];
	uint8_t buf[1024];
	struct hdlc_decoder d;
	size_t midlen, len, i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t) (0x30 + i % 64);   /* nothing to escape */
	midlen = hdlc_encode(payload, sizeof(payload), mid, sizeof(mid));
	mid[50] ^= 0x01;                              /* one flipped bit */
	len = build_three(buf, sizeof(buf), a, sizeof(a), mid, midlen, b, sizeof(b));
	assert_neighbours_survive(buf, len, a, sizeof(a), b, sizeof(b), &d);
	g_assert_cmpuint(d.frames_bad_fcs, ==, 1);

	/* a corrupted FCS byte itself */
	midlen = hdlc_encode(payload, sizeof(payload), mid, sizeof(mid));
	mid[midlen - 2] ^= 0x80;
	len = build_three(buf, sizeof(buf), a, sizeof(a), mid, midlen, b, sizeof(b));
	assert_neighbours_survive(buf, len, a, sizeof(a), b, sizeof(b), &d);
	g_assert_cmpuint(d.frames_bad_fcs, ==, 1);
}

/* hdlc_decoder_skip_fcs(): a frame with a wrong FCS is delivered (its two
 * last bytes still taken off), while the checks of the framing itself
 * stay: too short, abort, too long. */
static void
test_skip_fcs(void)
{
	uint8_t payload[200], mid[HDLC_ENCODED_MAX(200)];
	const uint8_t shorty[] = { 0x7e, 0x41, 0x42, 0x7e };
	const uint8_t aborted[] = { 0x7e, 0x41, 0x42, 0x43, 0x44, 0x7d, 0x7e };
	static uint8_t toolong[HDLC_MAX_FRAME + 8];
	struct hdlc_decoder d;
	struct collected c;
	size_t midlen, i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t) (0x30 + i % 64);
	midlen = hdlc_encode(payload, sizeof(payload), mid, sizeof(mid));
	mid[midlen - 2] ^= 0x80;                      /* a wrong FCS */
	mid[50] ^= 0x01;                              /* and a flipped bit */

	collected_init(&c);
	hdlc_decoder_init(&d);
	hdlc_decode(&d, mid, midlen, collect_frame, &c);
	g_assert_cmpuint(c.frames->len, ==, 0);
	g_assert_cmpuint(d.frames_bad_fcs, ==, 1);

	hdlc_decoder_init(&d);
	hdlc_decoder_skip_fcs(&d);
	hdlc_decode(&d, mid, midlen, collect_frame, &c);
	g_assert_cmpuint(c.frames->len, ==, 1);
	payload[49] ^= 0x01;
	assert_frame(&c, 0, payload, sizeof(payload));
	g_assert_cmpuint(d.frames_ok, ==, 1);

	hdlc_decode(&d, shorty, sizeof(shorty), collect_frame, &c);
	hdlc_decode(&d, aborted, sizeof(aborted), collect_frame, &c);
	toolong[0] = 0x7e;
	memset(toolong + 1, 0x41, sizeof(toolong) - 2);
	toolong[sizeof(toolong) - 1] = 0x7e;
	hdlc_decode(&d, toolong, sizeof(toolong), collect_frame, &c);
	g_assert_cmpuint(c.frames->len, ==, 1);
	g_assert_cmpuint(d.frames_too_short, ==, 1);
	g_assert_cmpuint(d.frames_bad_escape, ==, 1);
	g_assert_cmpuint(d.frames_too_long, ==, 1);
	g_assert_cmpuint(d.frames_bad_fcs, ==, 0);
	collected_clear(&c);
}

static void
test_abort_sequence(void)
{
	const uint8_t a[] = { 0x01, 0x02, 0x03 };
	const uint8_t b[] = { 0x04, 0x05, 0x06 };
	/* a frame cut short by 0x7d 0x7e, and a bare 0x7d 0x7e */
	const uint8_t mid[] = { 0x7e, 0x41, 0x42, 0x43, 0x44, 0x7d, 0x7e, 0x7d, 0x7e };
	uint8_t buf[256];
	struct hdlc_decoder d;
	size_t len;

	len = build_three(buf, sizeof(buf), a, sizeof(a), mid, sizeof(mid), b, sizeof(b));
	assert_neighbours_survive(buf, len, a, sizeof(a), b, sizeof(b), &d);
	g_assert_cmpuint(d.frames_bad_escape, ==, 2);
	g_assert_cmpuint(d.frames_bad_fcs, ==, 0);
}

static void
test_oversize(void)
{
	static uint8_t frame[HDLC_MAX_FRAME + 1];
	static uint8_t mid[HDLC_ENCODED_MAX(HDLC_MAX_FRAME + 1) + 120000];
	static uint8_t buf[sizeof(mid) + 64];
	const uint8_t a[] = { 0xaa, 0xbb };
	const uint8_t b[] = { 0xcc, 0xdd };
	struct hdlc_decoder d;
	struct collected c;
	size_t midlen, len, i;

	/* exactly the maximum: accepted */
	random_bytes(frame, HDLC_MAX_FRAME);
	collected_init(&c);
	hdlc_decoder_init(&d);
	len = hdlc_encode(frame, HDLC_MAX_FRAME, buf, sizeof(buf));
	hdlc_decode(&d, buf, len, collect_frame, &c);
	g_assert_cmpuint(c.frames->len, ==, 1);
	assert_frame(&c, 0, frame, HDLC_MAX_FRAME);
	collected_clear(&c);

	/* one byte more, plain bytes: dropped and counted */
	memset(frame, 0x55, sizeof(frame));
	midlen = hdlc_encode(frame, HDLC_MAX_FRAME + 1, mid, sizeof(mid));
	len = build_three(buf, sizeof(buf), a, sizeof(a), mid, midlen, b, sizeof(b));
	assert_neighbours_survive(buf, len, a, sizeof(a), b, sizeof(b), &d);
	g_assert_cmpuint(d.frames_too_long, ==, 1);
	g_assert_cmpuint(d.frames_bad_fcs, ==, 0);

	/* one byte more, every byte escaped (overflow inside the byte loop) */
	memset(frame, 0x7d, sizeof(frame));
	midlen = hdlc_encode(frame, HDLC_MAX_FRAME + 1, mid, sizeof(mid));
	len = build_three(buf, sizeof(buf), a, sizeof(a), mid, midlen, b, sizeof(b));
	assert_neighbours_survive(buf, len, a, sizeof(a), b, sizeof(b), &d);
	g_assert_cmpuint(d.frames_too_long, ==, 1);

	/* 100 kB without a flag, then one, then an abort inside the next
	 * oversized run: the abort wins for that one */
	midlen = 0;
	for (i = 0; i < 100000; i++)
		mid[midlen++] = (uint8_t) (0x30 + i % 7);
	mid[midlen++] = 0x7e;
	for (i = 0; i < 5000; i++)
		mid[midlen++] = 0x7d;       /* 2500 escaped 0x5d: too long... */
	for (i = 0; i < 5000; i++)
		mid[midlen++] = 0x31;
	mid[midlen++] = 0x7d;           /* ...then aborted */
	mid[midlen++] = 0x7e;
	len = build_three(buf, sizeof(buf), a, sizeof(a), mid, midlen, b, sizeof(b));
	collected_init(&c);
	hdlc_decoder_init(&d);
	g_assert_cmpuint(hdlc_decode(&d, buf, len, collect_frame, &c), ==, len);
	g_assert_cmpuint(c.frames->len, ==, 2);
	assert_frame(&c, 1, b, sizeof(b));
	g_assert_cmpuint(d.frames_too_long, ==, 1);
	g_assert_cmpuint(d.frames_bad_escape, ==, 1);
	collected_clear(&c);
}

static void
test_short_frames(void)
{
	/* idle flags, 1 and 2 byte frames, then a 1-byte payload frame */
	const uint8_t junk[] = { 0x7e, 0x7e, 0x7e, 0x41, 0x7e, 0x41, 0x42, 0x7e, 0x7d, 0x41, 0x7e };
	const uint8_t one[] = { 0x99 };
	uint8_t buf[64];
	struct hdlc_decoder d;
	struct collected c;
	size_t len;

	memcpy(buf, junk, sizeof(junk));
	len = sizeof(junk);
	len += hdlc_encode(one, sizeof(one), buf + len, sizeof(buf) - len);
	collected_init(&c);
	hdlc_decoder_init(&d);
	g_assert_cmpuint(hdlc_decode(&d, buf, len, collect_frame, &c), ==, len);
	g_assert_cmpuint(c.frames->len, ==, 1);
	assert_frame(&c, 0, one, 1);
	g_assert_cmpuint(d.frames_too_short, ==, 3);
	g_assert_cmpuint(d.frames_bad_fcs, ==, 0);
	g_assert_cmpuint(d.frames_ok, ==, 1);
	collected_clear(&c);

	/* bytes before the first flag with a valid FCS are a frame too
	 * (pppd may omit the opening flag of back to back frames) */
	len = hdlc_encode(one, sizeof(one), buf, sizeof(buf));
	collected_init(&c);
	hdlc_decoder_init(&d);
	hdlc_decode(&d, buf + 1, len - 1, collect_frame, &c);
	g_assert_cmpuint(c.frames->len, ==, 1);
	assert_frame(&c, 0, one, 1);
	collected_clear(&c);
}

static void
test_early_stop(void)
{
	/* a frame without escapes (decoded in place), one with escapes
	 * (assembled), one split across calls */
	const uint8_t f1[] = { 0x41, 0x42, 0x43 };
	const uint8_t f2[] = { 0x7e, 0x01, 0x7d };
	const uint8_t f3[] = { 0x44, 0x45, 0x46, 0x47 };
	const uint8_t *frames[3] = { f1, f2, f3 };
	const size_t lens[3] = { sizeof(f1), sizeof(f2), sizeof(f3) };
	size_t ends[3];
	uint8_t buf[128];
	struct hdlc_decoder d;
	struct collected c;
	size_t len = 0, off, r;
	guint i;

	for (i = 0; i < 3; i++) {
		len += hdlc_encode(frames[i], lens[i], buf + len, sizeof(buf) - len);
		ends[i] = len;
	}

	collected_init(&c);
	c.stop_after = 1;
	hdlc_decoder_init(&d);
	off = 0;
	for (i = 0; i < 3; i++) {
		r = hdlc_decode(&d, buf + off, len - off, collect_frame, &c);
		/* stops just after the closing flag of the frame delivered */
		g_assert_cmpuint(off + r, ==, ends[i]);
		g_assert_cmpuint(c.frames->len, ==, i + 1);
		assert_frame(&c, i, frames[i], lens[i]);
		off += r;
	}
	g_assert_cmpuint(hdlc_decode(&d, buf + off, len - off, collect_frame, &c), ==, len - off);
	collected_clear(&c);

	/* The same when the frame started in an earlier call. */
	collected_init(&c);
	c.stop_after = 1;
	hdlc_decoder_init(&d);
	g_assert_cmpuint(hdlc_decode(&d, buf, ends[1] - 2, collect_frame, &c), ==, ends[0]);
	off = ends[0];
	r = hdlc_decode(&d, buf + off, ends[1] - 2 - off, collect_frame, &c);
	g_assert_cmpuint(r, ==, ends[1] - 2 - off);   /* no frame completed: all taken */
	off += r;
	r = hdlc_decode(&d, buf + off, len - off, collect_frame, &c);
	g_assert_cmpuint(off + r, ==, ends[1]);
	g_assert_cmpuint(c.frames->len, ==, 2);
	assert_frame(&c, 1, f2, sizeof(f2));
	collected_clear(&c);

	/* A NULL callback only counts. */
	hdlc_decoder_init(&d);
	g_assert_cmpuint(hdlc_decode(&d, buf, len, NULL, NULL), ==, len);
	g_assert_cmpuint(d.frames_ok, ==, 3);
	g_assert_cmpuint(hdlc_decode(&d, buf, 0, NULL, NULL), ==, 0);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hdlc/fcs/known-vectors", test_fcs_known_vectors);
	g_test_add_func("/hdlc/fcs/matches-bitwise", test_fcs_matches_bitwise);
	g_test_add_func("/hdlc/encode/known-frame", test_encode_known_frame);
	g_test_add_func("/hdlc/encode/escapes-exactly", test_encode_escapes_exactly);
	g_test_add_func("/hdlc/encode/capacity", test_encode_capacity);
	g_test_add_func("/hdlc/encode/min", test_encode_min);
	g_test_add_func("/hdlc/decode/roundtrip-all-lengths", test_roundtrip_all_lengths);
	g_test_add_func("/hdlc/decode/split-every-byte", test_split_every_byte);
	g_test_add_func("/hdlc/decode/random-chunks", test_random_chunks);
	g_test_add_func("/hdlc/decode/many-frames-one-buffer", test_many_frames_one_buffer);
	g_test_add_func("/hdlc/decode/any-escape", test_decode_any_escape);
	g_test_add_func("/hdlc/decode/bad-fcs", test_bad_fcs);
	g_test_add_func("/hdlc/decode/skip-fcs", test_skip_fcs);
	g_test_add_func("/hdlc/decode/abort-sequence", test_abort_sequence);
	g_test_add_func("/hdlc/decode/oversize", test_oversize);
	g_test_add_func("/hdlc/decode/short-frames", test_short_frames);
	g_test_add_func("/hdlc/decode/early-stop", test_early_stop);
	return g_test_run();
}
