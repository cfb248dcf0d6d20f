/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the SSTP packet layer and the client state machine.
 *
 * 1. frame_length() and parse() on the raw input; an accepted packet is
 *    re-encoded with the library's encoders, which must give back the
 *    input (reserved bits masked) and decode to the same message.
 * 2. The input as a stream from the server into a client state machine:
 *    each framed packet becomes a CONTROL / DATA / INVALID event, and the
 *    reserved bits of byte 1 (ignored by the parser) pick an extra local
 *    event (auth done, timer, disconnect, abort) so the fuzzer can steer
 *    the machine through every state. Invariants are checked after every
 *    step; Call Connected is built and verified when the machine asks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sstp-packet.h"
#include "sstp-crypto.h"
#include "sstp-state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz-sstp-packet: invariant broken: %s\n", what);
		abort();
	}
}

/* The input with every reserved bit and byte zeroed: what an encoder
 * writes for the same message. Only called on accepted packets, so the
 * attribute walk stays inside len. */
static void mask_reserved(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t off = 8;

	memcpy(out, in, len);
	out[1] &= 0x01;
	out[2] &= 0x0f;
	if (!(out[1] & 0x01))
		return;
	while (off + 4 <= len) {
		size_t alen = (size_t)((out[off + 2] & 0x0f) << 8 | out[off + 3]);

		out[off] = 0;
		out[off + 2] &= 0x0f;
		/* Status Info, Crypto Binding and its Request start with 3 reserved bytes. */
		if (out[off + 1] != SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID && alen >= 7) {
			out[off + 4] = 0;
			out[off + 5] = 0;
			out[off + 6] = 0;
		}
		check(alen >= 4, "accepted packet has an attribute shorter than its header");
		off += alen;
	}
}

/* Re-encode an accepted packet where an encoder exists for it. */
static void check_reencode(const uint8_t *in, size_t len, const struct sstp_packet *p)
{
	uint8_t out[SSTP_MAX_PACKET_LEN];
	uint8_t masked[SSTP_MAX_PACKET_LEN];
	const struct sstp_control *c = &p->ctrl;
	struct sstp_packet again;
	struct sstp_parse_error err;
	size_t n = 0;

	if (!p->is_control) {
		check(p->data == in + SSTP_HEADER_LEN, "data does not point into the input");
		check(p->data_len == len - SSTP_HEADER_LEN, "data length");
		n = sstp_packet_build_data(out, sizeof(out), p->data, p->data_len);
		check(n == len, "data re-encoding length");
	} else {
		switch (c->msg_type) {
		case SSTP_MSG_CALL_CONNECT_REQUEST:
			if (c->encap_protocol == SSTP_ENCAP_PPP && c->n_status == 0)
				n = sstp_packet_build_call_connect_request(out, sizeof(out));
			break;
		case SSTP_MSG_CALL_CONNECT_ACK:
			n = sstp_packet_build_call_connect_ack(out, sizeof(out),
			                                       c->binding_req_hash_bitmask,
			                                       c->binding_req_nonce);
			break;
		case SSTP_MSG_CALL_CONNECTED:
			n = sstp_packet_build_call_connected(out, sizeof(out), c->binding_hash,
			                                     c->binding_nonce, c->binding_cert_hash,
			                                     c->binding_mac);
			break;
		case SSTP_MSG_CALL_CONNECT_NAK:
		case SSTP_MSG_CALL_ABORT:
		case SSTP_MSG_CALL_DISCONNECT:
			if (c->n_status == 1 && c->status[0].value_len == 0)
				n = sstp_packet_build_with_status(out, sizeof(out),
				                                  (enum sstp_msg_type)c->msg_type,
				                                  c->status[0].attr_id,
				                                  c->status[0].status);
			else if (c->n_status == 0 && c->msg_type != SSTP_MSG_CALL_CONNECT_NAK)
				n = sstp_packet_build_empty(out, sizeof(out),
				                            (enum sstp_msg_type)c->msg_type);
			break;
		default:
			n = sstp_packet_build_empty(out, sizeof(out), (enum sstp_msg_type)c->msg_type);
			check(n == 8, "message without attributes must have an encoder");
			break;
		}
		if (n == 0)
			return;
		check(n == len, "control re-encoding length");
	}
	mask_reserved(in, len, masked);
	check(memcmp(masked, out, len) == 0, "re-encoding differs from the input");
	check(sstp_packet_parse(out, n, &again, &err) == 0, "re-encoding is refused");
	check(again.is_control == p->is_control, "re-encoding changes the packet kind");
	if (p->is_control)
		check(memcmp(&again.ctrl, c, sizeof(*c)) == 0, "re-encoding decodes differently");
	else
		check(again.data_len == p->data_len &&
		      memcmp(again.data, p->data, p->data_len) == 0, "re-encoded data differs");
}

static void check_parse(const uint8_t *data, size_t size)
{
	struct sstp_parse_error err;
	struct sstp_packet p;
	int fl;

	memset(&err, 0, sizeof(err));
	fl = sstp_packet_frame_length(data, size, &err);
	check(fl >= -1 && fl <= SSTP_MAX_PACKET_LEN, "frame length range");
	if (fl == -1)
		check(err.status != SSTP_STATUS_NO_ERROR && err.message, "framing error unnamed");
	if (fl > 0)
		check(fl >= SSTP_HEADER_LEN, "frame shorter than a header");

	/* Whatever the length, parse() must not crash and must name refusals. */
	if (sstp_packet_parse(data, size, &p, &err) < 0)
		check(err.status != SSTP_STATUS_NO_ERROR && err.message, "refusal unnamed");
	else
		check(fl == (int)size, "accepted packet whose framing disagrees");

	if (fl > 0 && (size_t)fl <= size) {
		if (sstp_packet_parse(data, (size_t)fl, &p, &err) == 0)
			check_reencode(data, (size_t)fl, &p);
		else
			check(err.status != SSTP_STATUS_NO_ERROR && err.message, "refusal unnamed");
	}
	if (size > 0) {
		int proto = sstp_ppp_frame_protocol(data, size);

		check(proto >= -1 && proto <= 0xffff, "PPP protocol range");
		check(sstp_ppp_frame_is_control(data, size) == (proto >= 0x8000), "PPP control class");
		/* The login an LCP Configure-Request asks for: only from an LCP frame, and
		 * the CHAP algorithm only with CHAP. */
		uint8_t alg = 0xee;
		uint16_t auth = sstp_ppp_lcp_auth_request(data, size, &alg);
		check(auth == 0 || proto == 0xc021, "auth request outside LCP");
		check(alg == 0 || auth == 0xc223, "CHAP algorithm without CHAP");
		check(sstp_ppp_auth_name(auth, alg) != NULL, "auth name");
	}
}

static bool state_is_teardown(enum sstp_state s)
{
	return s == SSTP_STATE_CALL_ABORT_PENDING || s == SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING ||
	       s == SSTP_STATE_CALL_DISCONNECT_ACK_PENDING ||
	       s == SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING;
}

/* The machine asked for Call Connected: build it and check a server
 * would accept it. */
static void check_call_connected(const struct sstp_client *c)
{
	static const uint8_t der[16] = { 0x30, 0x0e, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
	uint8_t hlak[SSTP_HLAK_LEN], cert[SSTP_HASH_SLOT_LEN], pkt[SSTP_CALL_CONNECTED_LEN];
	const char *why = NULL;

	check(c->hash == SSTP_HASH_SHA1 || c->hash == SSTP_HASH_SHA256, "Call Connected without hash");
	check(c->hash & c->hash_bitmask, "chosen hash was not offered");
	sstp_crypto_hlak_zero(hlak);
	check(sstp_crypto_cert_hash(c->hash, der, sizeof(der), cert) == 0, "cert hash");
	check(sstp_crypto_build_call_connected(c->hash, hlak, c->nonce, cert, pkt) == 0,
	      "Call Connected build");
	check(sstp_crypto_verify_call_connected(pkt, c->hash_bitmask, hlak, c->nonce, der,
	                                        sizeof(der), &why) == 0, "Call Connected verify");
}

static void step_checked(struct sstp_client *c, const struct sstp_event *ev)
{
	enum sstp_state before = c->state;
	struct sstp_actions a;

	sstp_client_step(c, ev, &a);
	check(c->state <= SSTP_STATE_CLOSED, "state out of range");
	check(a.close == (c->state == SSTP_STATE_CLOSED && before != SSTP_STATE_CLOSED),
	      "close action and CLOSED state disagree");
	if (before == SSTP_STATE_CLOSED)
		check(!a.set_timer && !a.send_abort && !a.deliver_data && !a.send_disconnect,
		      "action after CLOSED");
	if (a.set_timer)
		check(a.timer_ms > 0 && !a.cancel_timer, "timer armed with no duration");
	if (a.send_abort)
		check(c->state == SSTP_STATE_CALL_ABORT_PENDING ||
		      c->state == SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING, "Abort sent outside abort states");
	if (a.deliver_data)
		check(ev->type == SSTP_EV_DATA &&
		      (c->state == SSTP_STATE_CALL_CONNECTED ||
		       (c->state == SSTP_STATE_CONNECT_ACK_RECEIVED &&
		        sstp_ppp_frame_is_control(ev->data, ev->data_len))), "data delivered too early");
	if (a.send_disconnect_ack)
		check(c->state == SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING, "Disconnect Ack state");
	if (state_is_teardown(c->state) || c->state == SSTP_STATE_CLOSED)
		check(c->close_reason != SSTP_CLOSE_NONE, "teardown without a reason");
	if (state_is_teardown(c->state))
		check(a.set_timer || (before == c->state && !a.cancel_timer), "teardown without a timer");
	check(c->nak_count <= SSTP_MAX_NAK_RETRIES, "NAK count past the limit");
	if (a.send_call_connected)
		check_call_connected(c);
	check(sstp_state_name(c->state) && sstp_close_reason_name(c->close_reason), "names");
}

static void local_event(struct sstp_client *c, unsigned which)
{
	struct sstp_event ev;

	memset(&ev, 0, sizeof(ev));
	switch (which) {
	case 1: ev.type = SSTP_EV_PPP_AUTH_DONE; break;
	case 2: ev.type = SSTP_EV_TIMER; ev.now_ms = 120000; ev.last_rx_ms = 119000; break;
	case 3: ev.type = SSTP_EV_TIMER; ev.now_ms = 120000; ev.last_rx_ms = 0; break;
	case 4: ev.type = SSTP_EV_LOCAL_DISCONNECT; break;
	case 5: ev.type = SSTP_EV_LOCAL_ABORT; ev.abort_status = SSTP_STATUS_INVALID_FRAME_RECEIVED; break;
	case 6: ev.type = SSTP_EV_START; break;
	default: return;
	}
	step_checked(c, &ev);
}

static void run_stream(const uint8_t *data, size_t size)
{
	struct sstp_client c;
	struct sstp_event ev;
	size_t off = 0;

	sstp_client_init(&c, 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = SSTP_EV_START;
	step_checked(&c, &ev);

	while (off < size) {
		struct sstp_parse_error err;
		struct sstp_packet p;
		int fl = sstp_packet_frame_length(data + off, size - off, &err);

		if (fl <= 0 || (size_t)fl > size - off)
			break;  /* -1: the worker drops the connection; 0 / short: waits */
		memset(&ev, 0, sizeof(ev));
		if (sstp_packet_parse(data + off, (size_t)fl, &p, &err) < 0) {
			ev.type = SSTP_EV_INVALID;
			ev.error = err;
		} else if (p.is_control) {
			ev.type = SSTP_EV_CONTROL;
			ev.ctrl = &p.ctrl;
		} else {
			ev.type = SSTP_EV_DATA;
			ev.data = p.data;
			ev.data_len = p.data_len;
			(void)sstp_client_may_send_ppp(&c, p.data, p.data_len);
		}
		step_checked(&c, &ev);
		/* Reserved bits 1..3 of byte 1: an extra local event. */
		local_event(&c, (data[off + 1] >> 1) & 0x07);
		off += (size_t)fl;
	}
	/* Let every timer run out: the machine must always reach CLOSED
	 * (Call_Connected needs two quiet hello intervals). Time goes on by
	 * an hour each round, more than any timer: an Echo sent late still
	 * gets its own short wait, which must also run out. */
	for (int i = 0; i < 4 && c.state != SSTP_STATE_CLOSED; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.type = SSTP_EV_TIMER;
		ev.now_ms = 120000 + (uint64_t)i * 3600000;
		ev.last_rx_ms = 0;
		step_checked(&c, &ev);
	}
	if (c.state == SSTP_STATE_CALL_DISCONNECTED)
		local_event(&c, 4);
	check(c.state == SSTP_STATE_CLOSED, "timers do not lead to CLOSED");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_parse(data, size);
	run_stream(data, size);
	return 0;
}
