/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Async HDLC-like framing (RFC 1662) between the worker and pppd's pty.
 * Pure: no I/O, no globals. The decoder is streaming: it keeps its state
 * across calls, so input may be split anywhere.
 */
#ifndef HDLC_H
#define HDLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HDLC_FLAG        0x7e
#define HDLC_ESCAPE      0x7d
#define HDLC_TRANS       0x20
#define HDLC_FCS_INIT    0xffff
#define HDLC_FCS_GOOD    0xf0b8
/* Largest frame kept (payload without FCS). SSTP cannot carry more than
 * 4091 bytes; anything longer is counted as oversized and dropped. */
#define HDLC_MAX_FRAME   4091

/* Worst case encoded size of a frame: every byte and both FCS bytes
 * escaped, plus two flags. */
#define HDLC_ENCODED_MAX(len) (2 * ((size_t) (len) + 2) + 2)

uint16_t hdlc_fcs16(uint16_t fcs, const uint8_t *data, size_t len);

struct hdlc_decoder {
	uint8_t  frame[HDLC_MAX_FRAME + 2];   /* + FCS */
	size_t   len;
	bool     escaped;
	bool     overflow;        /* current frame grew past the limit: drop at next flag */
	uint16_t fcs;             /* FCS of the last frame checked (computed once per frame, at its flag) */
	bool     skip_fcs;        /* set by hdlc_decoder_skip_fcs() */
	/* statistics */
	uint64_t frames_ok;
	uint64_t frames_bad_fcs;
	uint64_t frames_too_long;
	uint64_t frames_too_short; /* fewer than FCS + 1 byte (ignored silently per RFC 1662) */
	uint64_t frames_bad_escape; /* 0x7d directly before a flag (abort sequence) */
};

void hdlc_decoder_init(struct hdlc_decoder *d);

/* For a link that cannot corrupt bytes: deliver frames without computing
 * their FCS. Flags, escapes, aborts and the length limits are still
 * checked, and the last two bytes of each frame are still taken as its FCS
 * and removed. The FCS guards against line noise; the worker's pty to its
 * own pppd is a kernel buffer copy with nothing that could flip a bit, and
 * the frame goes on inside TLS, whose record MAC covers it end to end. On
 * that path the check was a full pass over every byte uploaded (a tenth
 * of the worker's CPU on the host benchmark) that could never fail.
 * Frames from the network side (the test server's pty from a remote pppd
 * is the same, but it is a test) keep the check. */
void hdlc_decoder_skip_fcs(struct hdlc_decoder *d);

/* Called once per good frame, without flags and FCS. The frame buffer is
 * only valid during the call. Return false to stop decoding early (the
 * rest of the input is then kept unconsumed: see hdlc_decode()). */
typedef bool (*hdlc_frame_cb)(void *ctx, const uint8_t *frame, size_t len);

/* Feed len bytes. Returns the number of bytes consumed: len, unless the
 * callback returned false, in which case it is the offset just after the
 * closing flag of the frame that was delivered last. */
size_t hdlc_decode(struct hdlc_decoder *d, const uint8_t *in, size_t len,
                   hdlc_frame_cb cb, void *ctx);

/* Frame one PPP frame: flag, escaped payload and FCS (low byte first),
 * flag. Escapes 0x7e, 0x7d and every byte < 0x20, which is valid whatever
 * async map was negotiated. Returns bytes written, or 0 if cap is smaller
 * than needed (HDLC_ENCODED_MAX(len) is always enough). */
size_t hdlc_encode(const uint8_t *frame, size_t len, uint8_t *out, size_t cap);

/* The same frame for a receiver that takes control bytes as they are (an
 * async map of 0 on its receive side: pppd with "receive-all"): escapes
 * only 0x7e and 0x7d, and copies the runs between them in bulk. Same
 * return value and buffer rule as hdlc_encode(). */
size_t hdlc_encode_min(const uint8_t *frame, size_t len, uint8_t *out, size_t cap);

#endif
