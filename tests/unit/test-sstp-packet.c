/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/protocol/sstp-packet.c: every message encoded
 * byte-exact and decoded back, every rejection with its Status Info,
 * truncation at every length, PPP helpers and names.
 */
#include <glib.h>
#include <string.h>

#include "sstp-packet.h"

static const uint8_t request_bytes[14] = {
	0x10, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x06, 0x00, 0x01,
};

static void fill_nonce(uint8_t nonce[SSTP_NONCE_LEN], uint8_t seed)
{
	for (unsigned i = 0; i < SSTP_NONCE_LEN; i++)
		nonce[i] = (uint8_t)(seed + i * 7);
}

/* Parse from an exactly sized heap copy, so that a read past len is caught
 * by valgrind / ASan rather than hitting neighbouring stack bytes. */
static int parse_exact(const uint8_t *buf, size_t len, struct sstp_packet *p,
                       struct sstp_parse_error *err)
{
	uint8_t *copy = g_malloc(len ? len : 1);
	int rc;

	memcpy(copy, buf, len);
	rc = sstp_packet_parse(copy, len, p, err);
	/* p->data points into copy: the caller gets a pointer it must not use
	 * after this, so tests compare data through parse_exact_data(). */
	if (rc == 0 && !p->is_control)
		p->data = buf + (p->data - copy);
	g_free(copy);
	return rc;
}

static void expect_reject(const uint8_t *buf, size_t len, uint32_t status, uint8_t attr_id)
{
	struct sstp_packet p;
	struct sstp_parse_error err = { 0 };

	g_assert_cmpint(parse_exact(buf, len, &p, &err), ==, -1);
	g_assert_cmpstr(sstp_status_name(err.status), ==, sstp_status_name(status));
	g_assert_cmpuint(err.attr_id, ==, attr_id);
	g_assert_nonnull(err.message);
	/* A refused control packet leaves no half-decoded attributes. */
	g_assert_false(p.ctrl.has_encap_protocol);
	g_assert_cmpuint(p.ctrl.n_status, ==, 0);
	g_assert_false(p.ctrl.has_binding);
	g_assert_false(p.ctrl.has_binding_req);
}

static void expect_accept(const uint8_t *buf, size_t len, struct sstp_packet *p)
{
	struct sstp_parse_error err = { 0 };
	int rc = parse_exact(buf, len, p, &err);

	if (rc != 0)
		g_error("packet refused: %s (%s)", err.message, sstp_status_name(err.status));
	g_assert_cmpuint(err.status, ==, SSTP_STATUS_NO_ERROR);
}

/* ---- encoders, byte-exact, and decoded back ---- */

static void test_call_connect_request(void)
{
	uint8_t buf[32];
	struct sstp_packet p;

	memset(buf, 0xAA, sizeof(buf));
	g_assert_cmpuint(sstp_packet_build_call_connect_request(buf, sizeof(buf)), ==, 14);
	g_assert_cmpmem(buf, 14, request_bytes, sizeof(request_bytes));
	g_assert_cmpuint(buf[14], ==, 0xAA);  /* nothing written past the packet */

	g_assert_cmpint(sstp_packet_frame_length(buf, 14, NULL), ==, 14);
	expect_accept(buf, 14, &p);
	g_assert_true(p.is_control);
	g_assert_cmpuint(p.ctrl.msg_type, ==, SSTP_MSG_CALL_CONNECT_REQUEST);
	g_assert_true(p.ctrl.has_encap_protocol);
	g_assert_cmpuint(p.ctrl.encap_protocol, ==, SSTP_ENCAP_PPP);
	g_assert_cmpuint(p.ctrl.n_status, ==, 0);
	g_assert_false(p.ctrl.has_binding_req);
	g_assert_false(p.ctrl.has_binding);
}

static void test_call_connect_ack(void)
{
	uint8_t nonce[SSTP_NONCE_LEN], buf[64];
	static const uint8_t head[16] = {
		0x10, 0x01, 0x00, 0x30, 0x00, 0x02, 0x00, 0x01,
		0x00, 0x04, 0x00, 0x28, 0x00, 0x00, 0x00, 0x03,
	};
	struct sstp_packet p;

	fill_nonce(nonce, 0x41);
	memset(buf, 0xAA, sizeof(buf));
	g_assert_cmpuint(sstp_packet_build_call_connect_ack(buf, sizeof(buf), 0x03, nonce), ==, 48);
	g_assert_cmpmem(buf, 16, head, sizeof(head));
	g_assert_cmpmem(buf + 16, 32, nonce, sizeof(nonce));
	g_assert_cmpuint(buf[48], ==, 0xAA);

	expect_accept(buf, 48, &p);
	g_assert_cmpuint(p.ctrl.msg_type, ==, SSTP_MSG_CALL_CONNECT_ACK);
	g_assert_true(p.ctrl.has_binding_req);
	g_assert_cmpuint(p.ctrl.binding_req_hash_bitmask, ==, 0x03);
	g_assert_cmpmem(p.ctrl.binding_req_nonce, 32, nonce, 32);
}

static void test_with_status(void)
{
	static const struct { enum sstp_msg_type type; uint8_t attr; uint32_t status; } cases[] = {
		{ SSTP_MSG_CALL_CONNECT_NAK, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID,
		  SSTP_STATUS_VALUE_NOT_SUPPORTED },
		{ SSTP_MSG_CALL_ABORT, SSTP_ATTR_NO_ERROR, SSTP_STATUS_INVALID_FRAME_RECEIVED },
		{ SSTP_MSG_CALL_DISCONNECT, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR },
		{ SSTP_MSG_CALL_ABORT, 0x7f, 0x01020304 },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint8_t buf[24], expect[20] = {
			0x10, 0x01, 0x00, 0x14, 0x00, (uint8_t)cases[i].type, 0x00, 0x01,
			0x00, 0x02, 0x00, 0x0c, 0x00, 0x00, 0x00, cases[i].attr,
			(uint8_t)(cases[i].status >> 24), (uint8_t)(cases[i].status >> 16),
			(uint8_t)(cases[i].status >> 8), (uint8_t)cases[i].status,
		};
		struct sstp_packet p;

		memset(buf, 0xAA, sizeof(buf));
		g_assert_cmpuint(sstp_packet_build_with_status(buf, sizeof(buf), cases[i].type,
		                                               cases[i].attr, cases[i].status), ==, 20);
		g_assert_cmpmem(buf, 20, expect, sizeof(expect));
		g_assert_cmpuint(buf[20], ==, 0xAA);

		expect_accept(buf, 20, &p);
		g_assert_cmpuint(p.ctrl.msg_type, ==, cases[i].type);
		g_assert_cmpuint(p.ctrl.n_status, ==, 1);
		g_assert_cmpuint(p.ctrl.status[0].attr_id, ==, cases[i].attr);
		g_assert_cmpuint(p.ctrl.status[0].status, ==, cases[i].status);
		g_assert_cmpuint(p.ctrl.status[0].value_len, ==, 0);
	}
	/* Only NAK, Abort and Disconnect carry a Status Info. */
	{
		uint8_t buf[24];

		g_assert_cmpuint(sstp_packet_build_with_status(buf, sizeof(buf), SSTP_MSG_ECHO_REQUEST,
		                                               0, 0), ==, 0);
		g_assert_cmpuint(sstp_packet_build_with_status(buf, sizeof(buf),
		                                               SSTP_MSG_CALL_CONNECT_REQUEST, 0, 0), ==, 0);
	}
}

static void test_empty(void)
{
	static const enum sstp_msg_type ok[] = {
		SSTP_MSG_CALL_ABORT, SSTP_MSG_CALL_DISCONNECT, SSTP_MSG_CALL_DISCONNECT_ACK,
		SSTP_MSG_ECHO_REQUEST, SSTP_MSG_ECHO_RESPONSE,
	};
	static const enum sstp_msg_type refused[] = {
		SSTP_MSG_CALL_CONNECT_REQUEST, SSTP_MSG_CALL_CONNECT_ACK, SSTP_MSG_CALL_CONNECT_NAK,
		SSTP_MSG_CALL_CONNECTED, (enum sstp_msg_type)0x000a,
	};
	uint8_t buf[16];

	for (unsigned i = 0; i < G_N_ELEMENTS(ok); i++) {
		uint8_t expect[8] = { 0x10, 0x01, 0x00, 0x08, 0x00, (uint8_t)ok[i], 0x00, 0x00 };
		struct sstp_packet p;

		memset(buf, 0xAA, sizeof(buf));
		g_assert_cmpuint(sstp_packet_build_empty(buf, sizeof(buf), ok[i]), ==, 8);
		g_assert_cmpmem(buf, 8, expect, sizeof(expect));
		g_assert_cmpuint(buf[8], ==, 0xAA);
		expect_accept(buf, 8, &p);
		g_assert_true(p.is_control);
		g_assert_cmpuint(p.ctrl.msg_type, ==, ok[i]);
		g_assert_cmpuint(p.ctrl.n_status, ==, 0);
	}
	for (unsigned i = 0; i < G_N_ELEMENTS(refused); i++)
		g_assert_cmpuint(sstp_packet_build_empty(buf, sizeof(buf), refused[i]), ==, 0);
}

static void test_call_connected_layout(void)
{
	uint8_t nonce[32], cert[32], mac[32], buf[128];
	static const uint8_t head[16] = {
		0x10, 0x01, 0x00, 0x70, 0x00, 0x04, 0x00, 0x01,
		0x00, 0x03, 0x00, 0x68, 0x00, 0x00, 0x00, 0x02,
	};
	struct sstp_packet p;

	fill_nonce(nonce, 1);
	fill_nonce(cert, 2);
	fill_nonce(mac, 3);
	memset(buf, 0xAA, sizeof(buf));
	g_assert_cmpuint(sstp_packet_build_call_connected(buf, sizeof(buf), SSTP_HASH_SHA256,
	                                                  nonce, cert, mac), ==, 112);
	g_assert_cmpmem(buf, 16, head, sizeof(head));
	g_assert_cmpmem(buf + 16, 32, nonce, 32);
	g_assert_cmpmem(buf + 48, 32, cert, 32);
	g_assert_cmpmem(buf + 80, 32, mac, 32);
	g_assert_cmpuint(buf[112], ==, 0xAA);

	expect_accept(buf, 112, &p);
	g_assert_cmpuint(p.ctrl.msg_type, ==, SSTP_MSG_CALL_CONNECTED);
	g_assert_true(p.ctrl.has_binding);
	g_assert_cmpuint(p.ctrl.binding_hash, ==, SSTP_HASH_SHA256);
	g_assert_cmpmem(p.ctrl.binding_nonce, 32, nonce, 32);
	g_assert_cmpmem(p.ctrl.binding_cert_hash, 32, cert, 32);
	g_assert_cmpmem(p.ctrl.binding_mac, 32, mac, 32);

	/* NULL MAC: the all-zero slot the Compound MAC is computed over. */
	g_assert_cmpuint(sstp_packet_build_call_connected(buf, sizeof(buf), SSTP_HASH_SHA1,
	                                                  nonce, cert, NULL), ==, 112);
	for (unsigned i = 80; i < 112; i++)
		g_assert_cmpuint(buf[i], ==, 0);
	g_assert_cmpuint(buf[15], ==, SSTP_HASH_SHA1);
}

static void test_data(void)
{
	uint8_t frame[SSTP_MAX_PPP_FRAME_LEN + 1];
	uint8_t *buf = g_malloc(SSTP_MAX_PACKET_LEN + 8);
	struct sstp_packet p;
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };

	for (unsigned i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)(i * 13 + 5);

	g_assert_cmpuint(sstp_packet_build_data(buf, 64, lcp, sizeof(lcp)), ==, 12);
	g_assert_cmpuint(buf[0], ==, 0x10);
	g_assert_cmpuint(buf[1], ==, 0x00);
	g_assert_cmpuint(buf[2], ==, 0x00);
	g_assert_cmpuint(buf[3], ==, 12);
	g_assert_cmpmem(buf + 4, 8, lcp, sizeof(lcp));
	expect_accept(buf, 12, &p);
	g_assert_false(p.is_control);
	g_assert_cmpuint(p.data_len, ==, 8);
	g_assert_true(p.data == buf + 4);
	g_assert_cmpmem(p.data, p.data_len, lcp, sizeof(lcp));

	/* Largest frame: 4091 bytes in a 4095-byte packet (0x0FFF). */
	g_assert_cmpuint(sstp_packet_build_data(buf, SSTP_MAX_PACKET_LEN, frame,
	                                        SSTP_MAX_PPP_FRAME_LEN), ==, SSTP_MAX_PACKET_LEN);
	g_assert_cmpuint(buf[2], ==, 0x0f);
	g_assert_cmpuint(buf[3], ==, 0xff);
	g_assert_cmpint(sstp_packet_frame_length(buf, SSTP_MAX_PACKET_LEN, NULL), ==, 4095);
	expect_accept(buf, SSTP_MAX_PACKET_LEN, &p);
	g_assert_cmpuint(p.data_len, ==, SSTP_MAX_PPP_FRAME_LEN);
	g_assert_cmpmem(p.data, p.data_len, frame, SSTP_MAX_PPP_FRAME_LEN);

	/* One byte more cannot be expressed in 12 bits; an empty frame is no frame. */
	g_assert_cmpuint(sstp_packet_build_data(buf, SSTP_MAX_PACKET_LEN + 8, frame,
	                                        SSTP_MAX_PPP_FRAME_LEN + 1), ==, 0);
	g_assert_cmpuint(sstp_packet_build_data(buf, 64, frame, 0), ==, 0);
	g_assert_cmpuint(sstp_packet_build_data_header(buf, 64, 0), ==, 0);
	g_assert_cmpuint(sstp_packet_build_data_header(buf, 64, SSTP_MAX_PPP_FRAME_LEN + 1), ==, 0);

	/* Header only, the frame already in place after it (the worker's zero-copy path). */
	memcpy(buf + 4, lcp, sizeof(lcp));
	memset(buf, 0xAA, 4);
	g_assert_cmpuint(sstp_packet_build_data_header(buf, 4, sizeof(lcp)), ==, 4);
	g_assert_cmpuint(buf[3], ==, 12);
	expect_accept(buf, 12, &p);
	g_assert_cmpmem(p.data, p.data_len, lcp, sizeof(lcp));

	/* build_data with the frame already at out + 4 (overlap) keeps it intact. */
	g_assert_cmpuint(sstp_packet_build_data(buf, 64, buf + 4, sizeof(lcp)), ==, 12);
	g_assert_cmpmem(buf + 4, 8, lcp, sizeof(lcp));
	g_free(buf);
}

/* Every encoder refuses a buffer one byte too small and writes nothing. */
static void test_encoders_respect_cap(void)
{
	uint8_t nonce[32] = { 0 }, cert[32] = { 0 }, buf[128];
	static const uint8_t frame[5] = { 0xc0, 0x21, 1, 2, 3 };

	memset(buf, 0xAA, sizeof(buf));
	g_assert_cmpuint(sstp_packet_build_call_connect_request(buf, 13), ==, 0);
	g_assert_cmpuint(sstp_packet_build_call_connect_ack(buf, 47, 2, nonce), ==, 0);
	g_assert_cmpuint(sstp_packet_build_with_status(buf, 19, SSTP_MSG_CALL_ABORT, 0, 7), ==, 0);
	g_assert_cmpuint(sstp_packet_build_empty(buf, 7, SSTP_MSG_ECHO_REQUEST), ==, 0);
	g_assert_cmpuint(sstp_packet_build_call_connected(buf, 111, 2, nonce, cert, NULL), ==, 0);
	g_assert_cmpuint(sstp_packet_build_data(buf, 8, frame, sizeof(frame)), ==, 0);
	g_assert_cmpuint(sstp_packet_build_data_header(buf, 3, 5), ==, 0);
	for (unsigned i = 0; i < sizeof(buf); i++)
		g_assert_cmpuint(buf[i], ==, 0xAA);
}

/* ---- framing ---- */

static void test_frame_length(void)
{
	struct sstp_parse_error err = { 0 };
	uint8_t buf[8] = { 0x10, 0x01, 0x00, 0x0e, 0, 0, 0, 0 };

	for (size_t k = 0; k < 4; k++)
		g_assert_cmpint(sstp_packet_frame_length(buf, k, &err), ==, 0);
	g_assert_cmpint(sstp_packet_frame_length(buf, 4, &err), ==, 14);
	g_assert_cmpint(sstp_packet_frame_length(buf, 8, &err), ==, 14);

	/* The 4 reserved bits of the length field are masked off. */
	buf[2] = 0xf0;
	g_assert_cmpint(sstp_packet_frame_length(buf, 4, &err), ==, 14);
	buf[2] = 0x00;

	/* Version 0x11 (what sstp-client wrongly accepts) cannot be delineated. */
	buf[0] = 0x11;
	g_assert_cmpint(sstp_packet_frame_length(buf, 4, &err), ==, -1);
	g_assert_cmpuint(err.status, ==, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	g_assert_nonnull(err.message);
	buf[0] = 0x10;

	for (uint8_t l = 0; l < 4; l++) {
		buf[3] = l;
		memset(&err, 0, sizeof(err));
		g_assert_cmpint(sstp_packet_frame_length(buf, 4, &err), ==, -1);
		g_assert_cmpuint(err.status, ==, SSTP_STATUS_INVALID_FRAME_RECEIVED);
	}
	buf[3] = 4;
	g_assert_cmpint(sstp_packet_frame_length(buf, 4, NULL), ==, 4);
	buf[3] = 0;
	g_assert_cmpint(sstp_packet_frame_length(buf, 4, NULL), ==, -1);  /* err may be NULL */
}

/* ---- rejections ---- */

static void test_reject_header(void)
{
	uint8_t buf[16];

	memcpy(buf, request_bytes, 14);
	buf[0] = 0x20;
	expect_reject(buf, 14, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);

	/* Length field disagrees with the packet length, both ways. */
	memcpy(buf, request_bytes, 14);
	buf[14] = 0;
	expect_reject(buf, 15, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
	buf[3] = 0x0d;
	expect_reject(buf, 14, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);

	/* Control packet too short to hold type and attribute count. */
	{
		static const uint8_t short_ctrl[6] = { 0x10, 0x01, 0x00, 0x06, 0x00, 0x08 };
		static const uint8_t hdr_only[4] = { 0x10, 0x01, 0x00, 0x04 };
		static const uint8_t empty_data[4] = { 0x10, 0x00, 0x00, 0x04 };

		expect_reject(short_ctrl, 6, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
		expect_reject(hdr_only, 4, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
		expect_reject(empty_data, 4, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
	}
	/* Shorter than a header at all. */
	expect_reject(request_bytes, 3, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
}

static void test_reject_msg_type(void)
{
	static const uint16_t bad[] = { 0x0000, 0x000a, 0x0100, 0xffff };
	uint8_t buf[8] = { 0x10, 0x01, 0x00, 0x08, 0, 0, 0, 0 };

	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		buf[4] = (uint8_t)(bad[i] >> 8);
		buf[5] = (uint8_t)bad[i];
		expect_reject(buf, 8, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
	}
}

static void test_reject_attr_count(void)
{
	uint8_t buf[14];

	/* Announces no attribute but carries one. */
	memcpy(buf, request_bytes, 14);
	buf[7] = 0;
	expect_reject(buf, 14, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
	/* Announces two, carries one. */
	buf[7] = 2;
	expect_reject(buf, 14, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
	/* Announces 65535. */
	buf[6] = 0xff;
	buf[7] = 0xff;
	expect_reject(buf, 14, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0);
}

static void test_reject_attr_length(void)
{
	uint8_t buf[128], nonce[32] = { 0 };
	size_t n;

	/* Encapsulated Protocol ID: attribute length below the header size. */
	for (uint8_t l = 0; l < 4; l++) {
		memcpy(buf, request_bytes, 14);
		buf[11] = l;
		expect_reject(buf, 14, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
		              SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);
	}
	/* Short but inside the packet (5 of 6). */
	memcpy(buf, request_bytes, 14);
	buf[11] = 5;
	expect_reject(buf, 14, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
	              SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);
	/* Longer than what is left of the packet. */
	buf[11] = 7;
	expect_reject(buf, 14, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
	              SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);
	buf[10] = 0x0f;
	buf[11] = 0xff;
	expect_reject(buf, 14, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
	              SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);
	/* Longer than 6 and inside the packet: inexact for a fixed-size attribute. */
	memcpy(buf, request_bytes, 14);
	buf[3] = 16;
	buf[11] = 8;
	buf[14] = 0;
	buf[15] = 0;
	expect_reject(buf, 16, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
	              SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);

	/* Status Info below 12. */
	n = sstp_packet_build_with_status(buf, sizeof(buf), SSTP_MSG_CALL_ABORT, 0, 7);
	g_assert_cmpuint(n, ==, 20);
	buf[3] = 19;
	buf[11] = 11;
	expect_reject(buf, 19, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, SSTP_ATTR_STATUS_INFO);

	/* Crypto Binding Request: 40 exactly, so 39 and 41 are refused. */
	n = sstp_packet_build_call_connect_ack(buf, sizeof(buf), 2, nonce);
	g_assert_cmpuint(n, ==, 48);
	buf[3] = 47;
	buf[11] = 39;
	expect_reject(buf, 47, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
	              SSTP_ATTR_CRYPTO_BINDING_REQ);
	buf[3] = 49;
	buf[11] = 41;
	buf[48] = 0;
	expect_reject(buf, 49, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
	              SSTP_ATTR_CRYPTO_BINDING_REQ);

	/* Crypto Binding: 104 exactly. */
	n = sstp_packet_build_call_connected(buf, sizeof(buf), 2, nonce, nonce, NULL);
	g_assert_cmpuint(n, ==, 112);
	buf[3] = 111;
	buf[11] = 103;
	expect_reject(buf, 111, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, SSTP_ATTR_CRYPTO_BINDING);
	buf[3] = 113;
	buf[11] = 105;
	buf[112] = 0;
	expect_reject(buf, 113, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, SSTP_ATTR_CRYPTO_BINDING);

	/* Fewer than 4 bytes left for an attribute header. */
	{
		uint8_t t[11] = { 0x10, 0x01, 0x00, 0x0b, 0x00, 0x05, 0x00, 0x01, 0x00, 0x02, 0x00 };

		expect_reject(t, 11, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, SSTP_ATTR_STATUS_INFO);
	}
}

/* Append one attribute to a control packet under construction. */
static size_t add_attr(uint8_t *buf, size_t off, uint8_t id, const uint8_t *value, size_t vlen)
{
	buf[off] = 0;
	buf[off + 1] = id;
	buf[off + 2] = (uint8_t)((vlen + 4) >> 8);
	buf[off + 3] = (uint8_t)(vlen + 4);
	memcpy(buf + off + 4, value, vlen);
	return off + 4 + vlen;
}

static size_t finish_ctrl(uint8_t *buf, size_t len, uint16_t type, uint16_t nattr)
{
	buf[0] = 0x10;
	buf[1] = 0x01;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	buf[4] = (uint8_t)(type >> 8);
	buf[5] = (uint8_t)type;
	buf[6] = (uint8_t)(nattr >> 8);
	buf[7] = (uint8_t)nattr;
	return len;
}

static const uint8_t encap_value[2] = { 0x00, 0x01 };
static const uint8_t status_value[8] = { 0, 0, 0, 1, 0, 0, 0, 4 };
static uint8_t binding_req_value[36] = { 0, 0, 0, 2 };
static uint8_t binding_value[100] = { 0, 0, 0, 2 };

static void test_reject_duplicate(void)
{
	uint8_t buf[256];
	size_t off;

	off = add_attr(buf, 8, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID, encap_value, 2);
	off = add_attr(buf, off, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID, encap_value, 2);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_REQUEST, 2);
	expect_reject(buf, off, SSTP_STATUS_DUPLICATE_ATTRIBUTE, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);

	off = add_attr(buf, 8, SSTP_ATTR_CRYPTO_BINDING_REQ, binding_req_value, 36);
	off = add_attr(buf, off, SSTP_ATTR_CRYPTO_BINDING_REQ, binding_req_value, 36);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_ACK, 2);
	expect_reject(buf, off, SSTP_STATUS_DUPLICATE_ATTRIBUTE, SSTP_ATTR_CRYPTO_BINDING_REQ);

	off = add_attr(buf, 8, SSTP_ATTR_CRYPTO_BINDING, binding_value, 100);
	off = add_attr(buf, off, SSTP_ATTR_CRYPTO_BINDING, binding_value, 100);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECTED, 2);
	expect_reject(buf, off, SSTP_STATUS_DUPLICATE_ATTRIBUTE, SSTP_ATTR_CRYPTO_BINDING);
}

static void test_status_info_repeat(void)
{
	uint8_t buf[512], value[8 + 70];
	struct sstp_packet p;
	size_t off;

	/* A NAK may list several refused attributes. */
	off = add_attr(buf, 8, SSTP_ATTR_STATUS_INFO, status_value, 8);
	memcpy(value, status_value, 8);
	value[3] = SSTP_ATTR_CRYPTO_BINDING_REQ;
	value[7] = SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE;
	off = add_attr(buf, off, SSTP_ATTR_STATUS_INFO, value, 8);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_NAK, 2);
	expect_accept(buf, off, &p);
	g_assert_cmpuint(p.ctrl.n_status, ==, 2);
	g_assert_cmpuint(p.ctrl.status[0].attr_id, ==, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);
	g_assert_cmpuint(p.ctrl.status[0].status, ==, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	g_assert_cmpuint(p.ctrl.status[1].attr_id, ==, SSTP_ATTR_CRYPTO_BINDING_REQ);
	g_assert_cmpuint(p.ctrl.status[1].status, ==, SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE);

	/* The offending value is kept, truncated to SSTP_MAX_STATUS_VALUE. */
	for (unsigned i = 0; i < 70; i++)
		value[8 + i] = (uint8_t)(0x80 + i);
	off = add_attr(buf, 8, SSTP_ATTR_STATUS_INFO, value, 8 + 2);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_NAK, 1);
	expect_accept(buf, off, &p);
	g_assert_cmpuint(p.ctrl.status[0].value_len, ==, 2);
	g_assert_cmpmem(p.ctrl.status[0].value, 2, value + 8, 2);
	off = add_attr(buf, 8, SSTP_ATTR_STATUS_INFO, value, 8 + 70);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_NAK, 1);
	expect_accept(buf, off, &p);
	g_assert_cmpuint(p.ctrl.status[0].value_len, ==, SSTP_MAX_STATUS_VALUE);
	g_assert_cmpmem(p.ctrl.status[0].value, SSTP_MAX_STATUS_VALUE, value + 8,
	                SSTP_MAX_STATUS_VALUE);

	/* Eight are kept, a ninth is refused. */
	off = 8;
	for (unsigned i = 0; i < SSTP_MAX_STATUS_INFO; i++)
		off = add_attr(buf, off, SSTP_ATTR_STATUS_INFO, status_value, 8);
	finish_ctrl(buf, off, SSTP_MSG_CALL_ABORT, SSTP_MAX_STATUS_INFO);
	expect_accept(buf, off, &p);
	g_assert_cmpuint(p.ctrl.n_status, ==, SSTP_MAX_STATUS_INFO);
	off = add_attr(buf, off, SSTP_ATTR_STATUS_INFO, status_value, 8);
	finish_ctrl(buf, off, SSTP_MSG_CALL_ABORT, SSTP_MAX_STATUS_INFO + 1);
	expect_reject(buf, off, SSTP_STATUS_INVALID_FRAME_RECEIVED, SSTP_ATTR_STATUS_INFO);
}

static void test_reject_unknown_attr(void)
{
	static const uint8_t ids[] = { 0x00, 0x05, 0x80, 0xff };
	uint8_t buf[64];

	for (unsigned i = 0; i < G_N_ELEMENTS(ids); i++) {
		size_t off = add_attr(buf, 8, ids[i], status_value, 8);

		finish_ctrl(buf, off, SSTP_MSG_CALL_ABORT, 1);
		expect_reject(buf, off, SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE, ids[i]);
	}
}

static void test_reject_not_allowed(void)
{
	uint8_t buf[256];
	size_t off;

	/* Encapsulated protocol in an ACK (with its required attribute). */
	off = add_attr(buf, 8, SSTP_ATTR_CRYPTO_BINDING_REQ, binding_req_value, 36);
	off = add_attr(buf, off, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID, encap_value, 2);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_ACK, 2);
	expect_reject(buf, off, SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG,
	              SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);

	/* Crypto Binding Request in a Call Connect Request. */
	off = add_attr(buf, 8, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID, encap_value, 2);
	off = add_attr(buf, off, SSTP_ATTR_CRYPTO_BINDING_REQ, binding_req_value, 36);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_REQUEST, 2);
	expect_reject(buf, off, SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG,
	              SSTP_ATTR_CRYPTO_BINDING_REQ);

	/* Crypto Binding in an Abort. */
	off = add_attr(buf, 8, SSTP_ATTR_CRYPTO_BINDING, binding_value, 100);
	finish_ctrl(buf, off, SSTP_MSG_CALL_ABORT, 1);
	expect_reject(buf, off, SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG, SSTP_ATTR_CRYPTO_BINDING);

	/* Status Info where none is allowed has its own status. */
	{
		static const uint16_t types[] = {
			SSTP_MSG_CALL_DISCONNECT_ACK, SSTP_MSG_ECHO_REQUEST, SSTP_MSG_ECHO_RESPONSE,
		};

		for (unsigned i = 0; i < G_N_ELEMENTS(types); i++) {
			off = add_attr(buf, 8, SSTP_ATTR_STATUS_INFO, status_value, 8);
			finish_ctrl(buf, off, types[i], 1);
			expect_reject(buf, off, SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG,
			              SSTP_ATTR_STATUS_INFO);
		}
		/* Also in the messages whose only attribute is a fixed one. */
		off = add_attr(buf, 8, SSTP_ATTR_CRYPTO_BINDING_REQ, binding_req_value, 36);
		off = add_attr(buf, off, SSTP_ATTR_STATUS_INFO, status_value, 8);
		finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_ACK, 2);
		expect_reject(buf, off, SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG,
		              SSTP_ATTR_STATUS_INFO);
	}
}

/* [MS-SSTP] 3.3.1.1.1: a request with a Status Info is NAKed by the server,
 * so it must decode (the server then looks at the status). */
static void test_request_with_status(void)
{
	uint8_t buf[64];
	struct sstp_packet p;
	size_t off;

	off = add_attr(buf, 8, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID, encap_value, 2);
	off = add_attr(buf, off, SSTP_ATTR_STATUS_INFO, status_value, 8);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_REQUEST, 2);
	expect_accept(buf, off, &p);
	g_assert_true(p.ctrl.has_encap_protocol);
	g_assert_cmpuint(p.ctrl.n_status, ==, 1);
	g_assert_cmpuint(p.ctrl.status[0].status, ==, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	/* Still refused without the protocol id. */
	off = add_attr(buf, 8, SSTP_ATTR_STATUS_INFO, status_value, 8);
	finish_ctrl(buf, off, SSTP_MSG_CALL_CONNECT_REQUEST, 1);
	expect_reject(buf, off, SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING,
	              SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID);
}

static void test_reject_required_missing(void)
{
	static const struct { uint16_t type; uint8_t attr; } cases[] = {
		{ SSTP_MSG_CALL_CONNECT_REQUEST, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID },
		{ SSTP_MSG_CALL_CONNECT_ACK, SSTP_ATTR_CRYPTO_BINDING_REQ },
		{ SSTP_MSG_CALL_CONNECT_NAK, SSTP_ATTR_STATUS_INFO },
		{ SSTP_MSG_CALL_CONNECTED, SSTP_ATTR_CRYPTO_BINDING },
	};
	uint8_t buf[8];

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		finish_ctrl(buf, 8, cases[i].type, 0);
		expect_reject(buf, 8, SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING, cases[i].attr);
	}
}

/* Reserved bits and bytes are ignored on receipt ([MS-SSTP] 2.2.1, 2.2.4). */
static void test_reserved_ignored(void)
{
	uint8_t buf[64], nonce[32];
	struct sstp_packet p;

	memcpy(buf, request_bytes, 14);
	buf[1] = 0xff;      /* 7 reserved bits + C */
	buf[2] |= 0xf0;     /* R bits of the packet length */
	buf[8] = 0xff;      /* attribute reserved byte */
	buf[10] |= 0xf0;    /* R bits of the attribute length */
	g_assert_cmpint(sstp_packet_frame_length(buf, 14, NULL), ==, 14);
	expect_accept(buf, 14, &p);
	g_assert_cmpuint(p.ctrl.msg_type, ==, SSTP_MSG_CALL_CONNECT_REQUEST);
	g_assert_cmpuint(p.ctrl.encap_protocol, ==, 1);

	fill_nonce(nonce, 9);
	sstp_packet_build_call_connect_ack(buf, sizeof(buf), 0x02, nonce);
	buf[12] = buf[13] = buf[14] = 0xee;  /* reserved bytes of the value */
	expect_accept(buf, 48, &p);
	g_assert_cmpuint(p.ctrl.binding_req_hash_bitmask, ==, 0x02);
	g_assert_cmpmem(p.ctrl.binding_req_nonce, 32, nonce, 32);

	/* The C bit still decides: reserved bits set on a data packet. */
	buf[0] = 0x10;
	buf[1] = 0xfe;
	buf[2] = 0xf0;
	buf[3] = 0x06;
	buf[4] = 0xc0;
	buf[5] = 0x21;
	expect_accept(buf, 6, &p);
	g_assert_false(p.is_control);
	g_assert_cmpuint(p.data_len, ==, 2);
}

/* Values are not judged by the parser: that is for the state machine / server. */
static void test_values_passed_through(void)
{
	uint8_t buf[16];
	struct sstp_packet p;

	memcpy(buf, request_bytes, 14);
	buf[13] = 0x02;  /* protocol 2: not PPP; the server answers with a NAK */
	expect_accept(buf, 14, &p);
	g_assert_cmpuint(p.ctrl.encap_protocol, ==, 2);
}

/* ---- truncation ---- */

static void check_truncations(const uint8_t *pkt, size_t n)
{
	uint8_t *copy = g_malloc(n);
	struct sstp_packet p;
	struct sstp_parse_error err;

	for (size_t k = 0; k < n; k++) {
		int fl;

		/* Exactly k bytes on the heap: any read beyond is a valgrind/ASan error. */
		uint8_t *cut = g_malloc(k ? k : 1);

		memcpy(cut, pkt, k);
		fl = sstp_packet_frame_length(cut, k, &err);
		g_assert_cmpint(fl, ==, k < 4 ? 0 : (int)n);
		memset(&err, 0, sizeof(err));
		g_assert_cmpint(sstp_packet_parse(cut, k, &p, &err), ==, -1);
		g_assert_cmpuint(err.status, !=, SSTP_STATUS_NO_ERROR);
		g_assert_nonnull(err.message);

		/* Now with a length field that agrees with the cut: the
		 * attributes are what is short. */
		if (k >= 4 && pkt[1] & 0x01) {
			cut[2] = (uint8_t)(k >> 8);
			cut[3] = (uint8_t)k;
			memset(&err, 0, sizeof(err));
			g_assert_cmpint(sstp_packet_parse(cut, k, &p, &err), ==, -1);
			g_assert_cmpuint(err.status, !=, SSTP_STATUS_NO_ERROR);
		}
		g_free(cut);
	}
	/* And the whole packet in an exact buffer is fine. */
	memcpy(copy, pkt, n);
	g_assert_cmpint(sstp_packet_parse(copy, n, &p, &err), ==, 0);
	g_free(copy);
}

static void test_truncation(void)
{
	uint8_t buf[128], nonce[32];
	size_t n;
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };

	fill_nonce(nonce, 0x55);
	n = sstp_packet_build_call_connect_request(buf, sizeof(buf));
	check_truncations(buf, n);
	n = sstp_packet_build_call_connect_ack(buf, sizeof(buf), 3, nonce);
	check_truncations(buf, n);
	n = sstp_packet_build_call_connected(buf, sizeof(buf), 2, nonce, nonce, nonce);
	check_truncations(buf, n);
	n = sstp_packet_build_with_status(buf, sizeof(buf), SSTP_MSG_CALL_CONNECT_NAK, 1, 4);
	check_truncations(buf, n);
	n = sstp_packet_build_with_status(buf, sizeof(buf), SSTP_MSG_CALL_ABORT, 0, 7);
	check_truncations(buf, n);
	n = sstp_packet_build_empty(buf, sizeof(buf), SSTP_MSG_ECHO_REQUEST);
	check_truncations(buf, n);
	n = sstp_packet_build_data(buf, sizeof(buf), lcp, sizeof(lcp));
	check_truncations(buf, n);
}

/* Bytes after len never change the result (nor are they read: valgrind). */
static void test_bytes_beyond_len_ignored(void)
{
	uint8_t a[160], b[160], nonce[32];
	struct sstp_packet pa, pb;
	struct sstp_parse_error ea, eb;
	size_t n;

	fill_nonce(nonce, 0x10);
	memset(a, 0x00, sizeof(a));
	memset(b, 0xff, sizeof(b));
	n = sstp_packet_build_call_connected(a, sizeof(a), 1, nonce, nonce, nonce);
	memcpy(b, a, n);
	g_assert_cmpint(sstp_packet_parse(a, n, &pa, &ea), ==, 0);
	g_assert_cmpint(sstp_packet_parse(b, n, &pb, &eb), ==, 0);
	g_assert_cmpmem(&pa.ctrl, sizeof(pa.ctrl), &pb.ctrl, sizeof(pb.ctrl));
}

/* ---- PPP helpers ---- */

static void test_ppp_protocol(void)
{
	static const struct { uint8_t f[4]; size_t len; int proto; bool control; } cases[] = {
		{ { 0xff, 0x03, 0xc0, 0x21 }, 4, 0xc021, true },   /* LCP */
		{ { 0xc0, 0x21, 0x01, 0x01 }, 4, 0xc021, true },   /* ACFC */
		{ { 0xff, 0x03, 0xc2, 0x23 }, 4, 0xc223, true },   /* CHAP */
		{ { 0xff, 0x03, 0xc0, 0x23 }, 4, 0xc023, true },   /* PAP */
		{ { 0xff, 0x03, 0xc2, 0x27 }, 4, 0xc227, true },   /* EAP */
		{ { 0xff, 0x03, 0x80, 0x21 }, 4, 0x8021, true },   /* IPCP */
		{ { 0x80, 0x57, 0x01, 0x00 }, 4, 0x8057, true },   /* IPv6CP */
		{ { 0x80, 0xfd, 0x01, 0x00 }, 4, 0x80fd, true },   /* CCP */
		{ { 0xff, 0x03, 0x00, 0x21 }, 4, 0x0021, false },  /* IPv4 */
		{ { 0xff, 0x03, 0x21, 0x45 }, 4, 0x21, false },    /* IPv4, PFC */
		{ { 0x21, 0x45, 0x00, 0x00 }, 4, 0x21, false },    /* IPv4, ACFC + PFC */
		{ { 0x00, 0x57, 0x60, 0x00 }, 4, 0x57, false },    /* IPv6 */
		{ { 0x00, 0xfd, 0x00, 0x00 }, 4, 0xfd, false },    /* compressed datagram */
		{ { 0xc0, 0x00, 0x00, 0x00 }, 1, -1, false },      /* too short */
		{ { 0xff, 0x03, 0x00, 0x00 }, 2, -1, false },      /* only FF 03 */
		{ { 0xff, 0x03, 0xc0, 0x00 }, 3, -1, false },      /* protocol cut */
		{ { 0xc0, 0x20, 0x00, 0x00 }, 2, -1, false },      /* low byte even: invalid */
		{ { 0x00, 0x00, 0x00, 0x00 }, 0, -1, false },
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint8_t *f = g_malloc(cases[i].len ? cases[i].len : 1);

		memcpy(f, cases[i].f, cases[i].len);
		g_assert_cmpint(sstp_ppp_frame_protocol(f, cases[i].len), ==, cases[i].proto);
		g_assert_cmpint(sstp_ppp_frame_is_control(f, cases[i].len), ==, cases[i].control);
		g_free(f);
	}
	g_assert_cmpint(sstp_ppp_frame_protocol(NULL, 4), ==, -1);
}

/* What a server's LCP Configure-Request asks the client to log in with. The frames are
 * as pppd 2.4.9 and 2.5 send them (ACCM, auth, magic number); every shorter cut of
 * each must give 0 or the same answer, never a read past the end. */
static void test_lcp_auth_request(void)
{
	static const uint8_t mschapv2[] = {
		0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x15, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x05, 0xc2, 0x23, 0x81, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78,
	};
	static const uint8_t pap_acfc[] = {
		0xc0, 0x21, 0x01, 0x07, 0x00, 0x0e, 0x03, 0x04, 0xc0, 0x23, 0x05, 0x06, 0x01, 0x02,
		0x03, 0x04,
	};
	static const uint8_t chap_md5[] = {
		0xff, 0x03, 0xc0, 0x21, 0x01, 0x02, 0x00, 0x09, 0x03, 0x05, 0xc2, 0x23, 0x05,
	};
	static const uint8_t eap[] = {
		0xff, 0x03, 0xc0, 0x21, 0x01, 0x02, 0x00, 0x08, 0x03, 0x04, 0xc2, 0x27,
	};
	/* No auth option; a Configure-Ack carrying one; an option running past the
	 * packet's own length; a zero-length option. */
	static const uint8_t none[] = {
		0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x0a, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78,
	};
	static const uint8_t ack[] = {
		0xff, 0x03, 0xc0, 0x21, 0x02, 0x02, 0x00, 0x08, 0x03, 0x04, 0xc0, 0x23,
	};
	static const uint8_t overrun[] = {
		0xff, 0x03, 0xc0, 0x21, 0x01, 0x02, 0x00, 0x07, 0x03, 0x04, 0xc0, 0x23,
	};
	static const uint8_t zero_len[] = {
		0xff, 0x03, 0xc0, 0x21, 0x01, 0x02, 0x00, 0x0a, 0x05, 0x00, 0x03, 0x04, 0xc0, 0x23,
	};
	static const struct {
		const uint8_t *f;
		size_t len;
		uint16_t proto;
		uint8_t alg;
		const char *name;
	} cases[] = {
		{ mschapv2, sizeof(mschapv2), 0xc223, 0x81, "MS-CHAPv2" },
		{ pap_acfc, sizeof(pap_acfc), 0xc023, 0, "PAP" },
		{ chap_md5, sizeof(chap_md5), 0xc223, 0x05, "CHAP-MD5" },
		{ eap, sizeof(eap), 0xc227, 0, "EAP" },
		{ none, sizeof(none), 0, 0, NULL },
		{ ack, sizeof(ack), 0, 0, NULL },
		{ overrun, sizeof(overrun), 0, 0, NULL },
		{ zero_len, sizeof(zero_len), 0, 0, NULL },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint8_t alg = 0xee;

		g_assert_cmpuint(sstp_ppp_lcp_auth_request(cases[i].f, cases[i].len, &alg), ==,
		                 cases[i].proto);
		g_assert_cmpuint(alg, ==, cases[i].alg);
		if (cases[i].name)
			g_assert_cmpstr(sstp_ppp_auth_name(cases[i].proto, alg), ==, cases[i].name);
		for (size_t cut = 0; cut < cases[i].len; cut++) {
			/* A copy of exactly cut bytes, so that ASan sees any overread. */
			uint8_t *copy = g_malloc(cut ? cut : 1);
			uint16_t got;

			memcpy(copy, cases[i].f, cut);
			got = sstp_ppp_lcp_auth_request(copy, cut, NULL);

			g_assert_true(got == 0 || got == cases[i].proto);
			g_free(copy);
		}
	}
	g_assert_cmpuint(sstp_ppp_lcp_auth_request(NULL, 0, NULL), ==, 0);
	g_assert_cmpstr(sstp_ppp_auth_name(0x1234, 0), ==, "an unknown method");
}

/* The debug summary of PPP control frames: negotiation is named, authentication
 * contents never appear, data frames are not described at all. */
static void test_ppp_describe(void)
{
	static const uint8_t lcp_req[] = {
		0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x15, 0x02, 0x06, 0x00, 0x00, 0x00, 0x00,
		0x03, 0x05, 0xc2, 0x23, 0x81, 0x05, 0x06, 0x12, 0x34, 0x56, 0x78,
	};
	/* MS-CHAPv2 Challenge and Response (value sizes 16 and 49) with a name. */
	static const uint8_t chap_chal[] = {
		0xc2, 0x23, 0x01, 0x07, 0x00, 0x1a, 0x10, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe,
		0xef, 0xde, 0xad, 0xbe, 0xef, 0xde, 0xad, 0xbe, 0xef, 's', 'r', 'v',
	};
	static const uint8_t pap_req[] = {
		0xff, 0x03, 0xc0, 0x23, 0x01, 0x02, 0x00, 0x0e, 0x03, 'b', 'o', 'b', 0x03, 's', 'e',
		'k',
	};
	static const uint8_t ipcp_nak[] = {
		0x80, 0x21, 0x03, 0x04, 0x00, 0x0a, 0x03, 0x06, 0x0a, 0x4d, 0x00, 0x02,
	};
	static const uint8_t ipv4[] = { 0x21, 0x45, 0x00, 0x00, 0x14 };
	static const uint8_t odd_proto[] = { 0xc0, 0x25, 0x0b, 0x01, 0x00, 0x04 };
	char out[160];

	g_assert_true(sstp_ppp_frame_describe(lcp_req, sizeof(lcp_req), out, sizeof(out)));
	g_assert_cmpstr(out, ==, "LCP Configure-Request id=1 len=21 options 2,3,5");
	g_assert_true(sstp_ppp_frame_describe(chap_chal, sizeof(chap_chal), out, sizeof(out)));
	g_assert_cmpstr(out, ==, "CHAP Challenge id=7 len=26 (contents not logged)");
	g_assert_true(sstp_ppp_frame_describe(pap_req, sizeof(pap_req), out, sizeof(out)));
	g_assert_cmpstr(out, ==, "PAP Authenticate-Request id=2 len=14 (contents not logged)");
	g_assert_true(sstp_ppp_frame_describe(ipcp_nak, sizeof(ipcp_nak), out, sizeof(out)));
	g_assert_cmpstr(out, ==, "IPCP Configure-Nak id=4 len=10 options 3");
	g_assert_true(sstp_ppp_frame_describe(odd_proto, sizeof(odd_proto), out, sizeof(out)));
	g_assert_cmpstr(out, ==, "protocol 0xc025 Discard-Request id=1 len=4");
	g_assert_false(sstp_ppp_frame_describe(ipv4, sizeof(ipv4), out, sizeof(out)));
	/* A small buffer is cut, still terminated. */
	g_assert_true(sstp_ppp_frame_describe(lcp_req, sizeof(lcp_req), out, 8));
	g_assert_cmpstr(out, ==, "LCP Con");
	/* Every cut of every frame: no overread, no payload byte in the text. */
	for (size_t cut = 0; cut <= sizeof(chap_chal); cut++) {
		uint8_t *copy = g_malloc(cut ? cut : 1);

		memcpy(copy, chap_chal, cut);
		if (sstp_ppp_frame_describe(copy, cut, out, sizeof(out)))
			g_assert_null(strstr(out, "srv"));
		g_free(copy);
	}
	for (size_t cut = 0; cut <= sizeof(lcp_req); cut++) {
		uint8_t *copy = g_malloc(cut ? cut : 1);

		memcpy(copy, lcp_req, cut);
		(void) sstp_ppp_frame_describe(copy, cut, out, sizeof(out));
		g_free(copy);
	}
}

static void test_names(void)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (uint16_t t = SSTP_MSG_CALL_CONNECT_REQUEST; t <= SSTP_MSG_ECHO_RESPONSE; t++) {
		const char *n = sstp_msg_type_name(t);

		g_assert_cmpstr(n, !=, sstp_msg_type_name(0));
		g_assert_false(g_hash_table_contains(seen, n));
		g_hash_table_add(seen, (gpointer)n);
	}
	g_assert_cmpstr(sstp_msg_type_name(SSTP_MSG_CALL_CONNECT_NAK), ==, "CALL_CONNECT_NAK");
	g_assert_cmpstr(sstp_msg_type_name(0x0a), ==, sstp_msg_type_name(0));
	g_hash_table_remove_all(seen);
	for (uint32_t s = 0; s <= SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG; s++) {
		const char *n = sstp_status_name(s);

		g_assert_cmpstr(n, !=, sstp_status_name(12));
		g_assert_false(g_hash_table_contains(seen, n));
		g_hash_table_add(seen, (gpointer)n);
	}
	g_assert_cmpstr(sstp_status_name(SSTP_STATUS_RETRY_COUNT_EXCEEDED), ==,
	                "RETRY_COUNT_EXCEEDED");
	g_assert_cmpstr(sstp_status_name(0xffffffffu), ==, sstp_status_name(12));
	g_hash_table_destroy(seen);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sstp-packet/encode/call-connect-request", test_call_connect_request);
	g_test_add_func("/sstp-packet/ppp/lcp-auth-request", test_lcp_auth_request);
	g_test_add_func("/sstp-packet/ppp/describe", test_ppp_describe);
	g_test_add_func("/sstp-packet/encode/call-connect-ack", test_call_connect_ack);
	g_test_add_func("/sstp-packet/encode/with-status", test_with_status);
	g_test_add_func("/sstp-packet/encode/empty", test_empty);
	g_test_add_func("/sstp-packet/encode/call-connected", test_call_connected_layout);
	g_test_add_func("/sstp-packet/encode/data", test_data);
	g_test_add_func("/sstp-packet/encode/respect-cap", test_encoders_respect_cap);
	g_test_add_func("/sstp-packet/frame-length", test_frame_length);
	g_test_add_func("/sstp-packet/reject/header", test_reject_header);
	g_test_add_func("/sstp-packet/reject/message-type", test_reject_msg_type);
	g_test_add_func("/sstp-packet/reject/attribute-count", test_reject_attr_count);
	g_test_add_func("/sstp-packet/reject/attribute-length", test_reject_attr_length);
	g_test_add_func("/sstp-packet/reject/duplicate", test_reject_duplicate);
	g_test_add_func("/sstp-packet/reject/unknown-attribute", test_reject_unknown_attr);
	g_test_add_func("/sstp-packet/reject/not-allowed", test_reject_not_allowed);
	g_test_add_func("/sstp-packet/reject/required-missing", test_reject_required_missing);
	g_test_add_func("/sstp-packet/request-with-status", test_request_with_status);
	g_test_add_func("/sstp-packet/status-info-repeat", test_status_info_repeat);
	g_test_add_func("/sstp-packet/reserved-ignored", test_reserved_ignored);
	g_test_add_func("/sstp-packet/values-passed-through", test_values_passed_through);
	g_test_add_func("/sstp-packet/truncation", test_truncation);
	g_test_add_func("/sstp-packet/beyond-len", test_bytes_beyond_len_ignored);
	g_test_add_func("/sstp-packet/ppp-protocol", test_ppp_protocol);
	g_test_add_func("/sstp-packet/names", test_names);
	return g_test_run();
}
