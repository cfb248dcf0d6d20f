/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Throughput of the async HDLC hot path (src/protocol/hdlc.c): frames and
 * then deframes MEGABYTES of FRAME_SIZE-byte frames of random bytes (like
 * encrypted IP traffic) and prints MB/s of payload both ways. Not a test:
 * it only measures, for comparing changes to the hot path.
 *   tests/bench/hdlc-bench [MEGABYTES (200)] [FRAME_SIZE (1400)]
 */
#include "hdlc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POOL_FRAMES 64          /* distinct payloads cycled through */
#define READ_CHUNK  65536       /* bytes per decode call, like a pty read */

struct bench_sink {
	uint64_t frames;
	uint64_t bytes;
	uint64_t limit;         /* stop decoding after this many frames */
	uint8_t  mix;           /* touches the frames so nothing is skipped */
};

static bool
bench_on_frame(void *ctx, const uint8_t *frame, size_t len)
{
	struct bench_sink *s = ctx;

	s->frames++;
	s->bytes += len;
	s->mix ^= frame[len / 2];
	return s->frames < s->limit;
}

/* Frame like pppd does once LCP has set the async map to 0: only flag and
 * escape are escaped. The library's encoder escapes all control bytes too,
 * so this is the other shape of stream the decoder sees. */
static size_t
bench_encode_accm0(const uint8_t *frame, size_t len, uint8_t *out)
{
	uint16_t fcs = (uint16_t) ~hdlc_fcs16(HDLC_FCS_INIT, frame, len);
	uint8_t tail[2] = { (uint8_t) (fcs & 0xff), (uint8_t) (fcs >> 8) };
	size_t o = 0;
	size_t i;

	out[o++] = HDLC_FLAG;
	for (i = 0; i < len + 2; i++) {
		uint8_t b = i < len ? frame[i] : tail[i - len];

		if (b == HDLC_FLAG || b == HDLC_ESCAPE) {
			out[o++] = HDLC_ESCAPE;
			b ^= HDLC_TRANS;
		}
		out[o++] = b;
	}
	out[o++] = HDLC_FLAG;
	return o;
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static uint64_t
xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Decode stream (cycled, fed in READ_CHUNK pieces cut anywhere) until
 * frames frames came out; returns the seconds taken or -1 on a mismatch. */
static double
bench_decode(struct hdlc_decoder *dec, const uint8_t *stream, size_t stream_len,
             uint64_t frames, size_t frame_size)
{
	struct bench_sink sink = { 0, 0, frames, 0 };
	double t0;

	hdlc_decoder_init(dec);
	t0 = now_seconds();
	while (sink.frames < frames) {
		size_t off;

		for (off = 0; off < stream_len && sink.frames < frames; off += READ_CHUNK) {
			size_t n = stream_len - off < READ_CHUNK ? stream_len - off : READ_CHUNK;

			hdlc_decode(dec, stream + off, n, bench_on_frame, &sink);
		}
	}
	t0 = now_seconds() - t0;
	if (dec->frames_bad_fcs || dec->frames_too_long || sink.bytes != frames * frame_size) {
		fprintf(stderr, "decode mismatch: %llu ok, %llu bad fcs\n",
		        (unsigned long long) dec->frames_ok, (unsigned long long) dec->frames_bad_fcs);
		return -1;
	}
	return t0;
}

int
main(int argc, char **argv)
{
	size_t megabytes = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
	size_t frame_size = argc > 2 ? strtoul(argv[2], NULL, 10) : 1400;
	uint64_t total, frames, i, seed = 0x9e3779b97f4a7c15ull;
	uint8_t *pool, *out, *stream;
	size_t stream_len = 0, out_len = 0, enc_cap;
	struct hdlc_decoder *dec;
	uint64_t check = 0;
	double t0, t_enc, t_dec, t_dec0, escape_overhead;

	if (megabytes == 0 || frame_size == 0 || frame_size > HDLC_MAX_FRAME) {
		fprintf(stderr, "usage: %s [MEGABYTES>0] [FRAME_SIZE 1..%d]\n", argv[0], HDLC_MAX_FRAME);
		return 1;
	}
	total = (uint64_t) megabytes * 1000000;
	frames = total / frame_size;
	enc_cap = HDLC_ENCODED_MAX(frame_size);

	pool = malloc(POOL_FRAMES * frame_size);
	out = malloc(READ_CHUNK + enc_cap);
	/* the decode input: every pool frame encoded once, cycled */
	stream = malloc(POOL_FRAMES * enc_cap);
	dec = malloc(sizeof(*dec));
	if (!pool || !out || !stream || !dec) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	for (i = 0; i < POOL_FRAMES * frame_size; i++)
		pool[i] = (uint8_t) (xorshift64(&seed) >> 32);

	/* Encode: frames go into a buffer that is "written" when full. */
	t0 = now_seconds();
	for (i = 0; i < frames; i++) {
		const uint8_t *f = pool + (i % POOL_FRAMES) * frame_size;

		out_len += hdlc_encode(f, frame_size, out + out_len, enc_cap);
		if (out_len >= READ_CHUNK) {
			check += out[out_len - 2];
			out_len = 0;
		}
	}
	t_enc = now_seconds() - t0;

	for (i = 0; i < POOL_FRAMES; i++)
		stream_len += hdlc_encode(pool + i * frame_size, frame_size,
		                          stream + stream_len, enc_cap);
	escape_overhead = (double) stream_len / (double) (POOL_FRAMES * frame_size) - 1.0;
	t_dec = bench_decode(dec, stream, stream_len, frames, frame_size);
	if (t_dec < 0)
		return 1;

	stream_len = 0;
	for (i = 0; i < POOL_FRAMES; i++)
		stream_len += bench_encode_accm0(pool + i * frame_size, frame_size,
		                                 stream + stream_len);
	t_dec0 = bench_decode(dec, stream, stream_len, frames, frame_size);
	if (t_dec0 < 0)
		return 1;

	printf("hdlc: %llu frames of %zu bytes (%.0f MB payload, %.1f%% escape overhead)\n",
	       (unsigned long long) frames, frame_size, (double) total / 1e6,
	       100.0 * escape_overhead);
	printf("encode: %8.1f MB/s   (%.3f s)\n", (double) total / 1e6 / t_enc, t_enc);
	printf("decode: %8.1f MB/s   (%.3f s)  stream from hdlc_encode()\n",
	       (double) total / 1e6 / t_dec, t_dec);
	printf("decode: %8.1f MB/s   (%.3f s)  stream escaping only 7d/7e (pppd, ACCM 0)\n",
	       (double) total / 1e6 / t_dec0, t_dec0);
	if (check == 1)   /* keeps the encoder's output observable */
		printf(" \n");
	free(pool);
	free(out);
	free(stream);
	free(dec);
	return 0;
}
