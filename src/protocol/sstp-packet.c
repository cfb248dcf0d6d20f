/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSTP packet encoding and decoding ([MS-SSTP] 2.2).
 *
 * The decoder is strict about everything the spec defines (version,
 * lengths, attribute counts, which attributes a message may carry) and
 * names the Status Info an Abort must carry for each refusal. Reserved
 * bits and bytes are ignored on receipt and written as zero, as [MS-SSTP]
 * 2.2.1/2.2.4 require ("MUST be ignored on receipt").
 */
#include "sstp-packet.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define SSTP_CTRL_HEADER_LEN   8   /* packet header + message type + attribute count */
#define SSTP_ATTR_HEADER_LEN   4
#define SSTP_LEN_MASK          0x0fff

/* Fixed attribute lengths, including the 4-byte attribute header. */
#define SSTP_ATTR_ENCAP_LEN         6
#define SSTP_ATTR_STATUS_MIN_LEN    12
#define SSTP_ATTR_BINDING_LEN       104
#define SSTP_ATTR_BINDING_REQ_LEN   40

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void set_error(struct sstp_parse_error *err, uint32_t status, uint8_t attr_id,
                      const char *message)
{
	if (!err)
		return;
	err->status = status;
	err->attr_id = attr_id;
	err->message = message;
}

int sstp_packet_frame_length(const uint8_t *buf, size_t len, struct sstp_parse_error *err)
{
	size_t pkt_len;

	if (len < SSTP_HEADER_LEN)
		return 0;
	if (buf[0] != SSTP_VERSION) {
		set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
		          "unsupported SSTP version (expected 0x10): stream cannot be delineated");
		return -1;
	}
	/* The top 4 bits of the length field are reserved: ignored. */
	pkt_len = get_be16(buf + 2) & SSTP_LEN_MASK;
	if (pkt_len < SSTP_HEADER_LEN) {
		set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
		          "SSTP length field shorter than the header: stream cannot be delineated");
		return -1;
	}
	return (int)pkt_len;
}

/* Which attributes may a message carry, and which must it carry? */
struct msg_rules {
	bool allow_encap;
	bool allow_status;
	bool allow_binding;
	bool allow_binding_req;
	uint8_t required;          /* attribute id that must be present, 0 if none */
};

static bool msg_rules_for(uint16_t type, struct msg_rules *r)
{
	memset(r, 0, sizeof(*r));
	switch (type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		r->allow_encap = true;
		/* [MS-SSTP] 3.3.1.1.1: a request carrying a Status Info with a
		 * non-zero status is answered with a NAK, not an Abort, so the
		 * attribute itself is legal here. */
		r->allow_status = true;
		r->required = SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID;
		return true;
	case SSTP_MSG_CALL_CONNECT_ACK:
		r->allow_binding_req = true;
		r->required = SSTP_ATTR_CRYPTO_BINDING_REQ;
		return true;
	case SSTP_MSG_CALL_CONNECT_NAK:
		r->allow_status = true;
		r->required = SSTP_ATTR_STATUS_INFO;
		return true;
	case SSTP_MSG_CALL_CONNECTED:
		r->allow_binding = true;
		r->required = SSTP_ATTR_CRYPTO_BINDING;
		return true;
	case SSTP_MSG_CALL_ABORT:
	case SSTP_MSG_CALL_DISCONNECT:
		/* SHOULD carry one Status Info; none is legal. */
		r->allow_status = true;
		return true;
	case SSTP_MSG_CALL_DISCONNECT_ACK:
	case SSTP_MSG_ECHO_REQUEST:
	case SSTP_MSG_ECHO_RESPONSE:
		return true;
	default:
		return false;
	}
}

static bool attr_allowed(const struct msg_rules *r, uint8_t id)
{
	switch (id) {
	case SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID: return r->allow_encap;
	case SSTP_ATTR_STATUS_INFO:              return r->allow_status;
	case SSTP_ATTR_CRYPTO_BINDING:           return r->allow_binding;
	case SSTP_ATTR_CRYPTO_BINDING_REQ:       return r->allow_binding_req;
	default:                                 return false;
	}
}

/* Is alen (whole attribute, header included) right for attribute id? */
static bool attr_length_ok(uint8_t id, size_t alen)
{
	switch (id) {
	case SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID: return alen == SSTP_ATTR_ENCAP_LEN;
	case SSTP_ATTR_STATUS_INFO:              return alen >= SSTP_ATTR_STATUS_MIN_LEN;
	case SSTP_ATTR_CRYPTO_BINDING:           return alen == SSTP_ATTR_BINDING_LEN;
	case SSTP_ATTR_CRYPTO_BINDING_REQ:       return alen == SSTP_ATTR_BINDING_REQ_LEN;
	default:                                 return false;
	}
}

/* Store one attribute whose id, length and placement were already checked.
 * v points at the value (after the 4-byte header), vlen bytes. */
static int attr_store(struct sstp_control *c, uint8_t id, const uint8_t *v, size_t vlen,
                      struct sstp_parse_error *err)
{
	struct sstp_status_info *si;

	switch (id) {
	case SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID:
		if (c->has_encap_protocol)
			goto duplicate;
		c->has_encap_protocol = true;
		c->encap_protocol = get_be16(v);
		return 0;
	case SSTP_ATTR_STATUS_INFO:
		if (c->n_status >= SSTP_MAX_STATUS_INFO) {
			set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, id,
			          "too many Status Info attributes in one message");
			return -1;
		}
		si = &c->status[c->n_status++];
		/* v[0..2] reserved */
		si->attr_id = v[3];
		si->status = get_be32(v + 4);
		vlen -= 8;
		si->value_len = (uint16_t)(vlen < SSTP_MAX_STATUS_VALUE ? vlen : SSTP_MAX_STATUS_VALUE);
		memcpy(si->value, v + 8, si->value_len);
		return 0;
	case SSTP_ATTR_CRYPTO_BINDING:
		if (c->has_binding)
			goto duplicate;
		c->has_binding = true;
		c->binding_hash = v[3];
		memcpy(c->binding_nonce, v + 4, SSTP_NONCE_LEN);
		memcpy(c->binding_cert_hash, v + 4 + SSTP_NONCE_LEN, SSTP_HASH_SLOT_LEN);
		memcpy(c->binding_mac, v + 4 + SSTP_NONCE_LEN + SSTP_HASH_SLOT_LEN, SSTP_HASH_SLOT_LEN);
		return 0;
	case SSTP_ATTR_CRYPTO_BINDING_REQ:
		if (c->has_binding_req)
			goto duplicate;
		c->has_binding_req = true;
		c->binding_req_hash_bitmask = v[3];
		memcpy(c->binding_req_nonce, v + 4, SSTP_NONCE_LEN);
		return 0;
	default:
		break;
	}
	set_error(err, SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE, id, "unrecognized attribute");
	return -1;

duplicate:
	set_error(err, SSTP_STATUS_DUPLICATE_ATTRIBUTE, id, "attribute present twice");
	return -1;
}

static bool attr_present(const struct sstp_control *c, uint8_t id)
{
	switch (id) {
	case SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID: return c->has_encap_protocol;
	case SSTP_ATTR_STATUS_INFO:              return c->n_status > 0;
	case SSTP_ATTR_CRYPTO_BINDING:           return c->has_binding;
	case SSTP_ATTR_CRYPTO_BINDING_REQ:       return c->has_binding_req;
	default:                                 return false;
	}
}

static int parse_control(const uint8_t *buf, size_t len, struct sstp_control *c,
                         struct sstp_parse_error *err)
{
	struct msg_rules rules;
	unsigned num_attrs, i;
	size_t off;

	if (len < SSTP_CTRL_HEADER_LEN) {
		set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
		          "control packet shorter than 8 bytes");
		return -1;
	}
	c->msg_type = get_be16(buf + 4);
	num_attrs = get_be16(buf + 6);
	if (!msg_rules_for(c->msg_type, &rules)) {
		set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0, "unknown control message type");
		return -1;
	}

	off = SSTP_CTRL_HEADER_LEN;
	for (i = 0; i < num_attrs; i++) {
		size_t remaining = len - off;
		size_t alen;
		uint8_t id;

		if (remaining == 0) {
			set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
			          "fewer attributes than the attribute count announces");
			return -1;
		}
		if (remaining < SSTP_ATTR_HEADER_LEN) {
			set_error(err, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH,
			          remaining >= 2 ? buf[off + 1] : 0, "truncated attribute header");
			return -1;
		}
		/* buf[off] is reserved */
		id = buf[off + 1];
		alen = get_be16(buf + off + 2) & SSTP_LEN_MASK;
		if (alen < SSTP_ATTR_HEADER_LEN || alen > remaining) {
			set_error(err, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, id,
			          "attribute length outside the packet");
			return -1;
		}
		if (id < SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID || id > SSTP_ATTR_CRYPTO_BINDING_REQ) {
			set_error(err, SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE, id, "unrecognized attribute");
			return -1;
		}
		if (!attr_length_ok(id, alen)) {
			set_error(err, SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH, id,
			          "wrong attribute length");
			return -1;
		}
		if (!attr_allowed(&rules, id)) {
			if (id == SSTP_ATTR_STATUS_INFO)
				set_error(err, SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG, id,
				          "Status Info not allowed in this message");
			else
				set_error(err, SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG, id,
				          "attribute not allowed in this message");
			return -1;
		}
		if (attr_store(c, id, buf + off + SSTP_ATTR_HEADER_LEN, alen - SSTP_ATTR_HEADER_LEN,
		               err) < 0)
			return -1;
		off += alen;
	}
	if (off != len) {
		set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
		          "bytes after the last announced attribute");
		return -1;
	}
	if (rules.required && !attr_present(c, rules.required)) {
		set_error(err, SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING, rules.required,
		          "required attribute missing");
		return -1;
	}
	return 0;
}

int sstp_packet_parse(const uint8_t *buf, size_t len, struct sstp_packet *out,
                      struct sstp_parse_error *err)
{
	size_t pkt_len;

	memset(out, 0, sizeof(*out));
	set_error(err, SSTP_STATUS_NO_ERROR, 0, NULL);

	if (len < SSTP_HEADER_LEN || len > SSTP_MAX_PACKET_LEN) {
		set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0, "packet shorter than its header");
		return -1;
	}
	if (buf[0] != SSTP_VERSION) {
		set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
		          "unsupported SSTP version (expected 0x10)");
		return -1;
	}
	/* buf[1] bits 7..1 and the top 4 bits of the length are reserved. */
	pkt_len = get_be16(buf + 2) & SSTP_LEN_MASK;
	if (pkt_len != len) {
		set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
		          "length field does not match the packet length");
		return -1;
	}
	out->is_control = (buf[1] & 0x01) != 0;
	if (!out->is_control) {
		if (len == SSTP_HEADER_LEN) {
			set_error(err, SSTP_STATUS_INVALID_FRAME_RECEIVED, 0,
			          "data packet without a PPP frame");
			return -1;
		}
		out->data = buf + SSTP_HEADER_LEN;
		out->data_len = len - SSTP_HEADER_LEN;
		return 0;
	}
	if (parse_control(buf, len, &out->ctrl, err) < 0) {
		/* Leave no half-filled control message behind. */
		memset(&out->ctrl, 0, sizeof(out->ctrl));
		return -1;
	}
	return 0;
}

/* ---- encoders ---- */

static void put_header(uint8_t *out, bool control, size_t len)
{
	out[0] = SSTP_VERSION;
	out[1] = control ? 0x01 : 0x00;
	put_be16(out + 2, (uint16_t)len);
}

static void put_ctrl_header(uint8_t *out, size_t len, uint16_t type, uint16_t num_attrs)
{
	put_header(out, true, len);
	put_be16(out + 4, type);
	put_be16(out + 6, num_attrs);
}

static void put_attr_header(uint8_t *out, uint8_t id, size_t alen)
{
	out[0] = 0;
	out[1] = id;
	put_be16(out + 2, (uint16_t)alen);
}

size_t sstp_packet_build_data_header(uint8_t *out, size_t cap, size_t ppp_frame_len)
{
	if (cap < SSTP_HEADER_LEN || ppp_frame_len == 0 || ppp_frame_len > SSTP_MAX_PPP_FRAME_LEN)
		return 0;
	put_header(out, false, SSTP_HEADER_LEN + ppp_frame_len);
	return SSTP_HEADER_LEN;
}

size_t sstp_packet_build_data(uint8_t *out, size_t cap, const uint8_t *frame, size_t frame_len)
{
	if (frame_len == 0 || frame_len > SSTP_MAX_PPP_FRAME_LEN ||
	    cap < SSTP_HEADER_LEN + frame_len)
		return 0;
	/* memmove: the caller may already have the frame at out + 4. */
	memmove(out + SSTP_HEADER_LEN, frame, frame_len);
	put_header(out, false, SSTP_HEADER_LEN + frame_len);
	return SSTP_HEADER_LEN + frame_len;
}

size_t sstp_packet_build_call_connect_request(uint8_t *out, size_t cap)
{
	const size_t len = SSTP_CTRL_HEADER_LEN + SSTP_ATTR_ENCAP_LEN;

	if (cap < len)
		return 0;
	put_ctrl_header(out, len, SSTP_MSG_CALL_CONNECT_REQUEST, 1);
	put_attr_header(out + 8, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID, SSTP_ATTR_ENCAP_LEN);
	put_be16(out + 12, SSTP_ENCAP_PPP);
	return len;
}

size_t sstp_packet_build_empty(uint8_t *out, size_t cap, enum sstp_msg_type type)
{
	switch (type) {
	case SSTP_MSG_CALL_ABORT:
	case SSTP_MSG_CALL_DISCONNECT:
	case SSTP_MSG_CALL_DISCONNECT_ACK:
	case SSTP_MSG_ECHO_REQUEST:
	case SSTP_MSG_ECHO_RESPONSE:
		break;
	default:
		return 0;  /* the others must carry attributes */
	}
	if (cap < SSTP_CTRL_HEADER_LEN)
		return 0;
	put_ctrl_header(out, SSTP_CTRL_HEADER_LEN, (uint16_t)type, 0);
	return SSTP_CTRL_HEADER_LEN;
}

size_t sstp_packet_build_with_status(uint8_t *out, size_t cap, enum sstp_msg_type type,
                                     uint8_t attr_id, uint32_t status)
{
	const size_t len = SSTP_CTRL_HEADER_LEN + SSTP_ATTR_STATUS_MIN_LEN;

	if (type != SSTP_MSG_CALL_ABORT && type != SSTP_MSG_CALL_DISCONNECT &&
	    type != SSTP_MSG_CALL_CONNECT_NAK)
		return 0;
	if (cap < len)
		return 0;
	put_ctrl_header(out, len, (uint16_t)type, 1);
	put_attr_header(out + 8, SSTP_ATTR_STATUS_INFO, SSTP_ATTR_STATUS_MIN_LEN);
	out[12] = 0;
	out[13] = 0;
	out[14] = 0;
	out[15] = attr_id;
	put_be32(out + 16, status);
	return len;
}

size_t sstp_packet_build_call_connect_ack(uint8_t *out, size_t cap, uint8_t hash_bitmask,
                                          const uint8_t nonce[SSTP_NONCE_LEN])
{
	const size_t len = SSTP_CTRL_HEADER_LEN + SSTP_ATTR_BINDING_REQ_LEN;

	if (cap < len)
		return 0;
	put_ctrl_header(out, len, SSTP_MSG_CALL_CONNECT_ACK, 1);
	put_attr_header(out + 8, SSTP_ATTR_CRYPTO_BINDING_REQ, SSTP_ATTR_BINDING_REQ_LEN);
	out[12] = 0;
	out[13] = 0;
	out[14] = 0;
	out[15] = hash_bitmask;
	memcpy(out + 16, nonce, SSTP_NONCE_LEN);
	return len;
}

size_t sstp_packet_build_call_connected(uint8_t *out, size_t cap, uint8_t hash,
                                        const uint8_t nonce[SSTP_NONCE_LEN],
                                        const uint8_t cert_hash[SSTP_HASH_SLOT_LEN],
                                        const uint8_t mac[SSTP_HASH_SLOT_LEN])
{
	if (cap < SSTP_CALL_CONNECTED_LEN)
		return 0;
	put_ctrl_header(out, SSTP_CALL_CONNECTED_LEN, SSTP_MSG_CALL_CONNECTED, 1);
	put_attr_header(out + 8, SSTP_ATTR_CRYPTO_BINDING, SSTP_ATTR_BINDING_LEN);
	out[12] = 0;
	out[13] = 0;
	out[14] = 0;
	out[15] = hash;
	memcpy(out + 16, nonce, SSTP_NONCE_LEN);
	memcpy(out + 48, cert_hash, SSTP_HASH_SLOT_LEN);
	if (mac)
		memcpy(out + 80, mac, SSTP_HASH_SLOT_LEN);
	else
		memset(out + 80, 0, SSTP_HASH_SLOT_LEN);
	return SSTP_CALL_CONNECTED_LEN;
}

/* ---- PPP helpers ---- */

int sstp_ppp_frame_protocol(const uint8_t *frame, size_t len)
{
	size_t off = 0;

	if (!frame)
		return -1;
	/* Address/Control, unless ACFC compressed them away. */
	if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03)
		off = 2;
	if (off >= len)
		return -1;
	/* PFC: a protocol whose first byte is odd is the 1-byte compressed form. */
	if (frame[off] & 0x01)
		return frame[off];
	if (len - off < 2)
		return -1;
	/* RFC 1661: the low byte of a protocol number is always odd. */
	if (!(frame[off + 1] & 0x01))
		return -1;
	return get_be16(frame + off);
}

bool sstp_ppp_frame_is_control(const uint8_t *frame, size_t len)
{
	int proto = sstp_ppp_frame_protocol(frame, len);

	return proto >= 0x8000;
}

#define PPP_PROTO_LCP 0xc021
#define LCP_CONFIGURE_REQUEST 1
#define LCP_OPT_AUTH_PROTOCOL 3

uint16_t sstp_ppp_lcp_auth_request(const uint8_t *frame, size_t len, uint8_t *chap_algorithm)
{
	size_t off, end, pkt_len;

	if (chap_algorithm)
		*chap_algorithm = 0;
	/* LCP is never protocol-compressed (RFC 1661 6.5), so the code follows
	 * the optional FF 03 and a 2-byte protocol. */
	if (sstp_ppp_frame_protocol(frame, len) != PPP_PROTO_LCP)
		return 0;
	off = (frame[0] == 0xff && len >= 2 && frame[1] == 0x03) ? 4 : 2;
	if (len - off < 4 || frame[off] != LCP_CONFIGURE_REQUEST)
		return 0;
	pkt_len = get_be16(frame + off + 2);
	if (pkt_len < 4 || pkt_len > len - off)
		return 0;
	end = off + pkt_len;
	off += 4;
	/* Options: type, length (including these 2 bytes), data. */
	while (end - off >= 2) {
		uint8_t type = frame[off], opt_len = frame[off + 1];

		if (opt_len < 2 || opt_len > end - off)
			return 0;
		if (type == LCP_OPT_AUTH_PROTOCOL && opt_len >= 4) {
			uint16_t proto = get_be16(frame + off + 2);

			if (chap_algorithm && proto == 0xc223 && opt_len >= 5)
				*chap_algorithm = frame[off + 4];
			return proto;
		}
		off += opt_len;
	}
	return 0;
}

static const char *ppp_protocol_name(int proto)
{
	switch (proto) {
	case 0xc021: return "LCP";
	case 0xc023: return "PAP";
	case 0xc223: return "CHAP";
	case 0xc227: return "EAP";
	case 0x8021: return "IPCP";
	case 0x8057: return "IPV6CP";
	case 0x80fd: return "CCP";
	case 0x8053: return "ECP";
	default:     return NULL;
	}
}

static bool ppp_protocol_is_auth(int proto)
{
	return proto == 0xc023 || proto == 0xc223 || proto == 0xc227;
}

static const char *ppp_code_name(int proto, uint8_t code)
{
	static const char *const cp[] = {
		NULL, "Configure-Request", "Configure-Ack", "Configure-Nak", "Configure-Reject",
		"Terminate-Request", "Terminate-Ack", "Code-Reject", "Protocol-Reject",
		"Echo-Request", "Echo-Reply", "Discard-Request", "Identification", "Time-Remaining",
		"Reset-Request", "Reset-Ack",
	};
	static const char *const pap[] = { NULL, "Authenticate-Request", "Authenticate-Ack",
		                           "Authenticate-Nak" };
	static const char *const chap[] = { NULL, "Challenge", "Response", "Success", "Failure" };
	static const char *const eap[] = { NULL, "Request", "Response", "Success", "Failure" };

	switch (proto) {
	case 0xc023: return code < 4 ? pap[code] : NULL;
	case 0xc223: return code < 5 ? chap[code] : NULL;
	case 0xc227: return code < 5 ? eap[code] : NULL;
	default:     return code < 16 ? cp[code] : NULL;
	}
}

/* Appends with snprintf semantics; *used never passes cap - 1. */
static void describe_append(char *out, size_t cap, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void describe_append(char *out, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + 1 >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out + *used, cap - *used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*used = (size_t) n >= cap - *used ? cap - 1 : *used + (size_t) n;
}

bool sstp_ppp_frame_describe(const uint8_t *frame, size_t len, char *out, size_t cap)
{
	int proto = sstp_ppp_frame_protocol(frame, len);
	const char *pname = ppp_protocol_name(proto), *cname;
	size_t off, used = 0, pkt_len, end;

	if (!out || cap == 0 || proto < 0x8000)
		return false;
	out[0] = '\0';
	/* Control protocols are never protocol-compressed: 2 bytes. */
	off = (frame[0] == 0xff && len >= 2 && frame[1] == 0x03) ? 4 : 2;
	if (pname)
		describe_append(out, cap, &used, "%s", pname);
	else
		describe_append(out, cap, &used, "protocol 0x%04x", (unsigned) proto);
	if (len - off < 4) {
		describe_append(out, cap, &used, " (%zu bytes, too short)", len - off);
		return true;
	}
	cname = ppp_code_name(proto, frame[off]);
	if (cname)
		describe_append(out, cap, &used, " %s", cname);
	else
		describe_append(out, cap, &used, " code %u", frame[off]);
	pkt_len = get_be16(frame + off + 2);
	describe_append(out, cap, &used, " id=%u len=%zu", frame[off + 1], pkt_len);
	if (ppp_protocol_is_auth(proto)) {
		/* Challenges, responses and identities stay out of every log. */
		if (frame[off] <= 2)
			describe_append(out, cap, &used, " (contents not logged)");
		return true;
	}
	/* Option types of Configure-*: what was asked, acked or refused. */
	if (frame[off] < 1 || frame[off] > 4 || pkt_len < 4 || pkt_len > len - off)
		return true;
	end = off + pkt_len;
	off += 4;
	if (off < end)
		describe_append(out, cap, &used, " options");
	for (bool first = true; end - off >= 2; first = false) {
		uint8_t opt_len = frame[off + 1];

		describe_append(out, cap, &used, "%s%u", first ? " " : ",", frame[off]);
		if (opt_len < 2 || opt_len > end - off) {
			describe_append(out, cap, &used, " (malformed)");
			break;
		}
		off += opt_len;
	}
	return true;
}

const char *sstp_ppp_auth_name(uint16_t protocol, uint8_t chap_algorithm)
{
	switch (protocol) {
	case 0xc023: return "PAP";
	case 0xc227: return "EAP";
	case 0xc223:
		switch (chap_algorithm) {
		case 0x05: return "CHAP-MD5";
		case 0x80: return "MS-CHAP";
		case 0x81: return "MS-CHAPv2";
		default:   return "CHAP";
		}
	default:
		return "an unknown method";
	}
}

/* ---- names ---- */

const char *sstp_msg_type_name(uint16_t type)
{
	switch (type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST: return "CALL_CONNECT_REQUEST";
	case SSTP_MSG_CALL_CONNECT_ACK:     return "CALL_CONNECT_ACK";
	case SSTP_MSG_CALL_CONNECT_NAK:     return "CALL_CONNECT_NAK";
	case SSTP_MSG_CALL_CONNECTED:       return "CALL_CONNECTED";
	case SSTP_MSG_CALL_ABORT:           return "CALL_ABORT";
	case SSTP_MSG_CALL_DISCONNECT:      return "CALL_DISCONNECT";
	case SSTP_MSG_CALL_DISCONNECT_ACK:  return "CALL_DISCONNECT_ACK";
	case SSTP_MSG_ECHO_REQUEST:         return "ECHO_REQUEST";
	case SSTP_MSG_ECHO_RESPONSE:        return "ECHO_RESPONSE";
	default:                            return "UNKNOWN_MESSAGE";
	}
}

const char *sstp_status_name(uint32_t status)
{
	switch (status) {
	case SSTP_STATUS_NO_ERROR:                         return "NO_ERROR";
	case SSTP_STATUS_DUPLICATE_ATTRIBUTE:              return "DUPLICATE_ATTRIBUTE";
	case SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE:           return "UNRECOGNIZED_ATTRIBUTE";
	case SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH:      return "INVALID_ATTRIB_VALUE_LENGTH";
	case SSTP_STATUS_VALUE_NOT_SUPPORTED:              return "VALUE_NOT_SUPPORTED";
	case SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED:        return "UNACCEPTED_FRAME_RECEIVED";
	case SSTP_STATUS_RETRY_COUNT_EXCEEDED:             return "RETRY_COUNT_EXCEEDED";
	case SSTP_STATUS_INVALID_FRAME_RECEIVED:           return "INVALID_FRAME_RECEIVED";
	case SSTP_STATUS_NEGOTIATION_TIMEOUT:              return "NEGOTIATION_TIMEOUT";
	case SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG:      return "ATTRIB_NOT_SUPPORTED_IN_MSG";
	case SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING:       return "REQUIRED_ATTRIBUTE_MISSING";
	case SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG: return "STATUS_INFO_NOT_SUPPORTED_IN_MSG";
	default:                                           return "UNKNOWN_STATUS";
	}
}
