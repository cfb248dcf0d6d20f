/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the async HDLC decoder (src/protocol/hdlc.c).
 * Input: 2 bytes that seed how the stream is cut into chunks, then the
 * stream. Checks, besides memory safety:
 *  - the frames and counters do not depend on how the input is cut:
 *    one call, chunks, and stopping after every frame and resuming all
 *    give the same result;
 *  - every decoded frame fits the limit, and encoding it again and
 *    decoding that gives back exactly that frame.
 */
#include "hdlc.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_frames {
	uint8_t *bytes;         /* all frames, back to back */
	size_t  *lens;
	size_t   count;
	size_t   used;
	bool     stop_each;     /* callback returns false after every frame */
};

static bool
fuzz_collect(void *ctx, const uint8_t *frame, size_t len)
{
	struct fuzz_frames *f = ctx;

	if (len > HDLC_MAX_FRAME)
		abort();
	memcpy(f->bytes + f->used, frame, len);
	f->used += len;
	f->lens[f->count++] = len;
	return !f->stop_each;
}

static void
fuzz_frames_alloc(struct fuzz_frames *f, size_t size)
{
	/* a frame needs at least 3 input bytes, so size bounds it all */
	f->bytes = malloc(size + 1);
	f->lens = malloc((size / 3 + 1) * sizeof(size_t));
	f->count = 0;
	f->used = 0;
	f->stop_each = false;
	if (f->bytes == NULL || f->lens == NULL)
		abort();
}

static void
fuzz_frames_free(struct fuzz_frames *f)
{
	free(f->bytes);
	free(f->lens);
}

static bool
fuzz_same(const struct fuzz_frames *a, const struct fuzz_frames *b,
          const struct hdlc_decoder *da, const struct hdlc_decoder *db)
{
	return a->count == b->count && a->used == b->used &&
	       memcmp(a->lens, b->lens, a->count * sizeof(size_t)) == 0 &&
	       memcmp(a->bytes, b->bytes, a->used) == 0 &&
	       da->frames_ok == db->frames_ok && da->frames_bad_fcs == db->frames_bad_fcs &&
	       da->frames_too_long == db->frames_too_long &&
	       da->frames_too_short == db->frames_too_short &&
	       da->frames_bad_escape == db->frames_bad_escape;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hdlc_decoder d_whole, d_chunked, d_stop, d_check;
	static uint8_t enc[HDLC_ENCODED_MAX(HDLC_MAX_FRAME)];
	struct fuzz_frames whole, chunked, stopped, check;
	const uint8_t *stream;
	size_t len, off, i, at;
	uint32_t rng;

	if (size < 2)
		return 0;
	rng = (uint32_t) data[0] << 8 | data[1];
	stream = data + 2;
	len = size - 2;

	/* 1. the whole stream in one call */
	fuzz_frames_alloc(&whole, len);
	hdlc_decoder_init(&d_whole);
	if (hdlc_decode(&d_whole, stream, len, fuzz_collect, &whole) != len)
		abort();
	if (d_whole.frames_ok != whole.count)
		abort();

	/* 2. in chunks of 1..64 bytes chosen by the seed */
	fuzz_frames_alloc(&chunked, len);
	hdlc_decoder_init(&d_chunked);
	for (off = 0; off < len;) {
		size_t n;

		rng = rng * 1103515245u + 12345u;
		n = 1 + (rng >> 16) % 64;
		if (n > len - off)
			n = len - off;
		if (hdlc_decode(&d_chunked, stream + off, n, fuzz_collect, &chunked) != n)
			abort();
		off += n;
	}
	if (!fuzz_same(&whole, &chunked, &d_whole, &d_chunked))
		abort();

	/* 3. stopping after every frame and resuming where it stopped */
	fuzz_frames_alloc(&stopped, len);
	stopped.stop_each = true;
	hdlc_decoder_init(&d_stop);
	for (off = 0; off < len;) {
		size_t before = stopped.count;
		size_t r = hdlc_decode(&d_stop, stream + off, len - off, fuzz_collect, &stopped);

		if (r == 0 || r > len - off)
			abort();
		/* stopped early only right after a flag that ended a frame */
		if (r < len - off && (stopped.count != before + 1 || stream[off + r - 1] != HDLC_FLAG))
			abort();
		off += r;
	}
	if (!fuzz_same(&whole, &stopped, &d_whole, &d_stop))
		abort();

	/* 4. without the FCS check the framing verdicts are the same and the
	 * frames with a bad FCS are delivered too */
	hdlc_decoder_init(&d_check);
	hdlc_decoder_skip_fcs(&d_check);
	if (hdlc_decode(&d_check, stream, len, NULL, NULL) != len)
		abort();
	if (d_check.frames_ok != d_whole.frames_ok + d_whole.frames_bad_fcs || d_check.frames_bad_fcs ||
	    d_check.frames_too_long != d_whole.frames_too_long ||
	    d_check.frames_too_short != d_whole.frames_too_short ||
	    d_check.frames_bad_escape != d_whole.frames_bad_escape)
		abort();

	/* 5. every frame survives encode + decode, with both escape sets */
	fuzz_frames_alloc(&check, HDLC_ENCODED_MAX(HDLC_MAX_FRAME));
	for (i = 0, at = 0; i < 2 * whole.count; i++) {
		size_t k = i / 2;
		size_t n = (i & 1) ? hdlc_encode_min(whole.bytes + at, whole.lens[k], enc, sizeof(enc))
		                   : hdlc_encode(whole.bytes + at, whole.lens[k], enc, sizeof(enc));

		if (n == 0 || n > HDLC_ENCODED_MAX(whole.lens[k]))
			abort();
		check.count = 0;
		check.used = 0;
		hdlc_decoder_init(&d_check);
		if (hdlc_decode(&d_check, enc, n, fuzz_collect, &check) != n)
			abort();
		if (check.count != 1 || check.lens[0] != whole.lens[k] ||
		    memcmp(check.bytes, whole.bytes + at, whole.lens[k]) != 0 ||
		    d_check.frames_bad_fcs || d_check.frames_too_long ||
		    d_check.frames_too_short || d_check.frames_bad_escape)
			abort();
		if (i & 1)
			at += whole.lens[k];
	}

	fuzz_frames_free(&whole);
	fuzz_frames_free(&chunked);
	fuzz_frames_free(&stopped);
	fuzz_frames_free(&check);
	return 0;
}
