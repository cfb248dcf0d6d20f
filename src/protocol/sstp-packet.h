/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SSTP packet encoding and decoding ([MS-SSTP] 2.2). Pure: no I/O, no globals.
 *
 * Every function takes explicit buffer lengths. Decoders never read past
 * `len`; encoders never write past `cap` and return 0 when it is too small.
 */
#ifndef SSTP_PACKET_H
#define SSTP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SSTP_VERSION            0x10
#define SSTP_HEADER_LEN         4
#define SSTP_MAX_PACKET_LEN     4095    /* 12-bit length field */
#define SSTP_MAX_PPP_FRAME_LEN  (SSTP_MAX_PACKET_LEN - SSTP_HEADER_LEN)
#define SSTP_NONCE_LEN          32
#define SSTP_HASH_SLOT_LEN      32      /* SHA1 values are zero-padded to 32 */
#define SSTP_CALL_CONNECTED_LEN 112
#define SSTP_MAX_STATUS_INFO    8       /* more than this in one message is refused */
#define SSTP_MAX_STATUS_VALUE   64      /* offending attribute value kept from a Status Info */

enum sstp_msg_type {
	SSTP_MSG_CALL_CONNECT_REQUEST = 0x0001,
	SSTP_MSG_CALL_CONNECT_ACK     = 0x0002,
	SSTP_MSG_CALL_CONNECT_NAK     = 0x0003,
	SSTP_MSG_CALL_CONNECTED       = 0x0004,
	SSTP_MSG_CALL_ABORT           = 0x0005,
	SSTP_MSG_CALL_DISCONNECT      = 0x0006,
	SSTP_MSG_CALL_DISCONNECT_ACK  = 0x0007,
	SSTP_MSG_ECHO_REQUEST         = 0x0008,
	SSTP_MSG_ECHO_RESPONSE        = 0x0009,
};

enum sstp_attr_id {
	SSTP_ATTR_NO_ERROR                 = 0x00,
	SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID = 0x01,
	SSTP_ATTR_STATUS_INFO              = 0x02,
	SSTP_ATTR_CRYPTO_BINDING           = 0x03,
	SSTP_ATTR_CRYPTO_BINDING_REQ       = 0x04,
};

enum sstp_status {
	SSTP_STATUS_NO_ERROR                          = 0,
	SSTP_STATUS_DUPLICATE_ATTRIBUTE               = 1,
	SSTP_STATUS_UNRECOGNIZED_ATTRIBUTE            = 2,
	SSTP_STATUS_INVALID_ATTRIB_VALUE_LENGTH       = 3,
	SSTP_STATUS_VALUE_NOT_SUPPORTED               = 4,
	SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED         = 5,
	SSTP_STATUS_RETRY_COUNT_EXCEEDED              = 6,
	SSTP_STATUS_INVALID_FRAME_RECEIVED            = 7,
	SSTP_STATUS_NEGOTIATION_TIMEOUT               = 8,
	SSTP_STATUS_ATTRIB_NOT_SUPPORTED_IN_MSG       = 9,
	SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING        = 10,
	SSTP_STATUS_STATUS_INFO_NOT_SUPPORTED_IN_MSG  = 11,
};

/* Hash protocol bits (Crypto Binding Request bitmask / Crypto Binding byte). */
enum sstp_hash {
	SSTP_HASH_NONE   = 0x00,
	SSTP_HASH_SHA1   = 0x01,
	SSTP_HASH_SHA256 = 0x02,
};

#define SSTP_ENCAP_PPP 0x0001

struct sstp_status_info {
	uint8_t  attr_id;          /* attribute the status refers to */
	uint32_t status;           /* enum sstp_status */
	uint16_t value_len;        /* bytes kept in value[] (truncated to SSTP_MAX_STATUS_VALUE) */
	uint8_t  value[SSTP_MAX_STATUS_VALUE];
};

/* A decoded control message. Only attributes that were present are valid. */
struct sstp_control {
	uint16_t msg_type;         /* enum sstp_msg_type */

	bool     has_encap_protocol;
	uint16_t encap_protocol;

	unsigned n_status;
	struct sstp_status_info status[SSTP_MAX_STATUS_INFO];

	bool     has_binding_req;
	uint8_t  binding_req_hash_bitmask;          /* SSTP_HASH_* bits */
	uint8_t  binding_req_nonce[SSTP_NONCE_LEN];

	bool     has_binding;
	uint8_t  binding_hash;                      /* exactly one SSTP_HASH_* bit */
	uint8_t  binding_nonce[SSTP_NONCE_LEN];
	uint8_t  binding_cert_hash[SSTP_HASH_SLOT_LEN];
	uint8_t  binding_mac[SSTP_HASH_SLOT_LEN];
};

struct sstp_packet {
	bool is_control;
	/* data packet: the PPP frame, pointing into the caller's buffer */
	const uint8_t *data;
	size_t data_len;
	/* control packet */
	struct sstp_control ctrl;
};

/* Why a packet was refused: the Status Info an Abort should carry. */
struct sstp_parse_error {
	uint32_t status;           /* enum sstp_status */
	uint8_t  attr_id;          /* attribute at fault, 0 if none */
	const char *message;       /* static English text for logs */
};

/*
 * Framing: how long is the packet at the start of buf?
 * Returns the total packet length (4..4095) once the 4-byte header is
 * available (the caller then waits until that many bytes are buffered),
 * 0 if fewer than 4 bytes are available, and -1 if the stream cannot be
 * delineated (bad version, length < 4): the connection must be dropped.
 * err (may be NULL) is filled on -1.
 */
int sstp_packet_frame_length(const uint8_t *buf, size_t len, struct sstp_parse_error *err);

/*
 * Decode one complete packet of exactly len bytes (len as returned by
 * sstp_packet_frame_length). Returns 0 on success, -1 if the packet is well
 * framed but invalid (err says which Status Info the Abort carries).
 * Checks: version, length field == len, message type known,
 * number of attributes matches, attribute lengths in range and exact for
 * fixed-size attributes, no duplicate attributes (except Status Info),
 * attributes allowed in this message type, required attributes present.
 * Reserved bits and bytes are ignored, as [MS-SSTP] 2.2.1/2.2.4 require
 * ("MUST be ignored on receipt"). Status values refused:
 *   bad version, length mismatch, unknown message type, attribute count
 *   mismatch, empty data packet, > SSTP_MAX_STATUS_INFO Status Infos
 *                                        -> INVALID_FRAME_RECEIVED
 *   attribute length < 4, past the packet, or wrong for its type
 *                                        -> INVALID_ATTRIB_VALUE_LENGTH
 *   unknown attribute id (0 or > 4)      -> UNRECOGNIZED_ATTRIBUTE
 *   attribute twice                      -> DUPLICATE_ATTRIBUTE
 *   Status Info where none is allowed    -> STATUS_INFO_NOT_SUPPORTED_IN_MSG
 *   (allowed: NAK, Abort, Disconnect, and Call Connect Request, which a
 *   server NAKs if the status is non-zero, [MS-SSTP] 3.3.1.1.1)
 *   other attribute not allowed here     -> ATTRIB_NOT_SUPPORTED_IN_MSG
 *   required attribute absent            -> REQUIRED_ATTRIBUTE_MISSING
 * The parser does not judge values (protocol id, hash bits): that is the
 * state machine's or the server's job (NAK / Abort with VALUE_NOT_SUPPORTED).
 */
int sstp_packet_parse(const uint8_t *buf, size_t len, struct sstp_packet *out,
                      struct sstp_parse_error *err);

/* Encoders: return bytes written, or 0 if cap is too small / input invalid. */
size_t sstp_packet_build_data_header(uint8_t *out, size_t cap, size_t ppp_frame_len);
size_t sstp_packet_build_data(uint8_t *out, size_t cap, const uint8_t *frame, size_t frame_len);
size_t sstp_packet_build_call_connect_request(uint8_t *out, size_t cap);
/* Messages with no attributes: DISCONNECT_ACK, ECHO_REQUEST, ECHO_RESPONSE
 * (and ABORT/DISCONNECT without Status Info). */
size_t sstp_packet_build_empty(uint8_t *out, size_t cap, enum sstp_msg_type type);
/* ABORT / DISCONNECT / NAK with one Status Info (no offending value). */
size_t sstp_packet_build_with_status(uint8_t *out, size_t cap, enum sstp_msg_type type,
                                     uint8_t attr_id, uint32_t status);
/* Server side (test server): ACK with Crypto Binding Request. */
size_t sstp_packet_build_call_connect_ack(uint8_t *out, size_t cap, uint8_t hash_bitmask,
                                          const uint8_t nonce[SSTP_NONCE_LEN]);

/* Call Connected (112 bytes) from its parts; mac NULL writes a zero MAC slot
 * (what the Compound MAC is computed over). sstp-crypto builds the real one. */
size_t sstp_packet_build_call_connected(uint8_t *out, size_t cap, uint8_t hash,
                                        const uint8_t nonce[SSTP_NONCE_LEN],
                                        const uint8_t cert_hash[SSTP_HASH_SLOT_LEN],
                                        const uint8_t mac[SSTP_HASH_SLOT_LEN]);

/* PPP helpers. A frame's protocol field, with or without FF 03 and with
 * PFC; -1 if the frame is too short to have one. */
int sstp_ppp_frame_protocol(const uint8_t *frame, size_t len);
/* LCP, authentication and NCP frames (protocol >= 0x8000) may flow once the
 * Connect ACK is exchanged; everything else only in Call_Connected. */
bool sstp_ppp_frame_is_control(const uint8_t *frame, size_t len);

/* The login a server's LCP Configure-Request asks for: the protocol of its
 * Authentication-Protocol option (0xc023 PAP, 0xc223 CHAP, 0xc227 EAP) and, for
 * CHAP, the algorithm (5 MD5, 0x80 MS-CHAP, 0x81 MS-CHAPv2; else 0). Returns 0
 * when the frame is no Configure-Request with that option, or is malformed. */
uint16_t sstp_ppp_lcp_auth_request(const uint8_t *frame, size_t len, uint8_t *chap_algorithm);
/* A one-line summary of a PPP control frame for debug logs, e.g.
 * "LCP Configure-Request id=1 len=19 options 2,3,5": protocol, code, id, length and
 * for LCP and the NCPs the option types. Authentication packets (PAP, CHAP, EAP) get
 * no more than their code, id and length: what they carry lets anyone who has it
 * test passwords offline. Writes at most cap bytes (NUL included) and returns false
 * for data frames (protocol below 0x8000) and frames too short to name. */
bool sstp_ppp_frame_describe(const uint8_t *frame, size_t len, char *out, size_t cap);
/* "PAP", "CHAP-MD5", "MS-CHAP", "MS-CHAPv2", "EAP", "CHAP" or "an unknown method". */
const char *sstp_ppp_auth_name(uint16_t protocol, uint8_t chap_algorithm);

const char *sstp_msg_type_name(uint16_t type);
const char *sstp_status_name(uint32_t status);

#endif
