/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSTP client state machine ([MS-SSTP] 3.2) as a pure function:
 * (state, event) -> (new state, actions). The caller owns the sockets and
 * the clock: it performs the actions and keeps one timer, armed for
 * actions->timer_ms whenever actions->set_timer is true.
 */
#ifndef SSTP_STATE_H
#define SSTP_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "sstp-packet.h"

/* Spec timers, in milliseconds. */
#define SSTP_TIMER_NEGOTIATION_MS   60000
#define SSTP_TIMER_HELLO_MS         60000
#define SSTP_TIMER_ABORT_PENDING_MS  3000   /* T_A1 */
#define SSTP_TIMER_ABORT_TIMEOUT_MS  1000   /* T_A2 */
#define SSTP_TIMER_DISCONNECT_ACK_MS 5000   /* T_D1 */
#define SSTP_TIMER_DISCONNECT_TIMEOUT_MS 1000 /* T_D2 */
/* The least time an Echo Request gets for its answer when the caller's
 * loop was held up (e.g. suspended) past the 2-interval deadline. */
#define SSTP_TIMER_ECHO_GRACE_MS    1000
/* Call Connect Requests resent after a NAK: the first 3 NAKs are answered
 * with a new request, the 4th aborts with RETRY_COUNT_EXCEEDED. */
#define SSTP_MAX_NAK_RETRIES        3

enum sstp_state {
	SSTP_STATE_CALL_DISCONNECTED = 0,
	SSTP_STATE_CONNECT_REQUEST_SENT,
	SSTP_STATE_CONNECT_ACK_RECEIVED,
	SSTP_STATE_CALL_CONNECTED,
	SSTP_STATE_CALL_ABORT_PENDING,
	SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING,
	SSTP_STATE_CALL_DISCONNECT_ACK_PENDING,
	SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING,
	SSTP_STATE_CLOSED,              /* terminal: close TLS and TCP */
};

enum sstp_event_type {
	SSTP_EV_START,           /* HTTPS handshake done */
	SSTP_EV_CONTROL,         /* a valid control packet (ev.ctrl) */
	SSTP_EV_DATA,            /* a data packet arrived (frame in ev.data/len) */
	SSTP_EV_INVALID,         /* well framed but invalid packet (ev.error) */
	SSTP_EV_PPP_AUTH_DONE,   /* pppd finished authentication: send Call Connected */
	SSTP_EV_TIMER,           /* the armed timer expired (ev.now_ms, ev.last_rx_ms) */
	SSTP_EV_LOCAL_DISCONNECT,/* user asked to stop, or pppd ended */
	SSTP_EV_LOCAL_ABORT,     /* local fatal error (ev.abort_status) */
};

struct sstp_event {
	enum sstp_event_type type;
	const struct sstp_control *ctrl;        /* SSTP_EV_CONTROL */
	const uint8_t *data;                    /* SSTP_EV_DATA */
	size_t data_len;
	struct sstp_parse_error error;          /* SSTP_EV_INVALID */
	uint32_t abort_status;                  /* SSTP_EV_LOCAL_ABORT */
	/* SSTP_EV_TIMER: the caller's monotonic clock now, and when the last
	 * SSTP packet (data or control) arrived, same clock. The hello timer
	 * is restarted by every received packet; rather than re-arming it per
	 * packet on the hot path, the caller records the arrival time and the
	 * machine, when the timer expires, re-arms it for what is left of the
	 * interval after that last packet. */
	uint64_t now_ms;
	uint64_t last_rx_ms;
};

/* Why the machine reached SSTP_STATE_CLOSED; maps to the worker's exit code. */
enum sstp_close_reason {
	SSTP_CLOSE_NONE = 0,
	SSTP_CLOSE_LOCAL_DISCONNECT,     /* we disconnected, clean */
	SSTP_CLOSE_PEER_DISCONNECT,      /* server sent Call Disconnect */
	SSTP_CLOSE_PEER_ABORT,           /* server sent Call Abort */
	SSTP_CLOSE_NEGOTIATION_FAILED,   /* NAKs, timeout, no usable hash, bad ACK */
	SSTP_CLOSE_PROTOCOL_ERROR,       /* invalid packet from the server: we aborted */
	SSTP_CLOSE_DEAD_PEER,            /* hello unanswered */
	SSTP_CLOSE_LOCAL_ABORT,          /* local error: we aborted */
};

struct sstp_client {
	enum sstp_state state;
	enum sstp_close_reason close_reason;
	uint32_t peer_status;            /* Status Info of a peer Abort/Disconnect/NAK */
	unsigned nak_count;
	bool echo_outstanding;           /* hello timer fired, Echo Request sent */
	uint64_t echo_sent_ms;           /* when (caller's clock) */
	uint64_t dead_at_ms;             /* give up then if nothing arrives: last packet + 2 intervals */
	uint64_t silence_ms;             /* SSTP_CLOSE_DEAD_PEER: time from the last packet to the close */
	bool peer_unresponsive;          /* closed by a timer the server should have stopped (dead
	                                  * peer, no Disconnect Ack, no Abort): it may not be reading,
	                                  * so the caller resets the connection instead of FIN */
	uint8_t hash_bitmask;            /* from the ACK */
	enum sstp_hash hash;             /* chosen hash */
	uint8_t nonce[SSTP_NONCE_LEN];   /* from the ACK */
	unsigned hello_ms;               /* hello interval (default SSTP_TIMER_HELLO_MS) */
};

struct sstp_actions {
	bool send_connect_request;
	bool send_call_connected;        /* caller builds it with sstp-crypto using c->nonce/hash */
	bool send_echo_request;
	bool send_echo_response;
	bool send_disconnect;            /* with Status Info NO_ERROR */
	bool send_disconnect_ack;
	bool send_abort;
	uint32_t abort_status;           /* Status Info for send_abort */
	uint8_t abort_attr_id;
	bool start_ppp;                  /* ACK accepted: start pppd now */
	bool deliver_data;               /* pass ev.data to pppd */
	bool set_timer;                  /* (re)arm the timer for timer_ms */
	bool cancel_timer;
	unsigned timer_ms;
	bool close;                      /* state is CLOSED: tear down TLS/TCP */
	const char *log;                 /* static text worth logging, or NULL */
};

void sstp_client_init(struct sstp_client *c, unsigned hello_ms);
void sstp_client_step(struct sstp_client *c, const struct sstp_event *ev, struct sstp_actions *out);

/* The caller may skip SSTP_EV_DATA in Call_Connected (hot path): data is
 * always delivered there. In other states it must pass data through step(),
 * which delivers PPP control frames after the ACK and aborts otherwise. */

/* May a PPP frame from pppd be sent now? (control frames after the ACK,
 * everything in Call_Connected, nothing otherwise) */
bool sstp_client_may_send_ppp(const struct sstp_client *c, const uint8_t *frame, size_t len);

const char *sstp_state_name(enum sstp_state s);
const char *sstp_close_reason_name(enum sstp_close_reason r);

#endif
