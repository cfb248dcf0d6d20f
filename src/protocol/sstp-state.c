/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSTP client state machine ([MS-SSTP] 3.1.1.1 and 3.2.1.1) as a pure
 * function. Normal states: CALL_DISCONNECTED, CONNECT_REQUEST_SENT,
 * CONNECT_ACK_RECEIVED, CALL_CONNECTED. Teardown states: the four *_PENDING
 * ones, in which (almost) everything received is ignored. CLOSED is final.
 */
#include "sstp-state.h"

#include <string.h>

#include "sstp-crypto.h"

void sstp_client_init(struct sstp_client *c, unsigned hello_ms)
{
	memset(c, 0, sizeof(*c));
	c->state = SSTP_STATE_CALL_DISCONNECTED;
	c->close_reason = SSTP_CLOSE_NONE;
	c->peer_status = SSTP_STATUS_NO_ERROR;
	c->hash = SSTP_HASH_NONE;
	c->hello_ms = hello_ms ? hello_ms : SSTP_TIMER_HELLO_MS;
}

static bool state_is_teardown(enum sstp_state s)
{
	return s == SSTP_STATE_CALL_ABORT_PENDING ||
	       s == SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING ||
	       s == SSTP_STATE_CALL_DISCONNECT_ACK_PENDING ||
	       s == SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING;
}

static void arm(struct sstp_actions *out, unsigned ms)
{
	out->set_timer = true;
	out->cancel_timer = false;
	out->timer_ms = ms;
}

static void go_closed(struct sstp_client *c, struct sstp_actions *out)
{
	c->state = SSTP_STATE_CLOSED;
	out->close = true;
	out->cancel_timer = true;
	out->set_timer = false;
	out->timer_ms = 0;
}

/* We start an abort: send Abort, wait T_A1 for the peer's Abort. */
static void start_abort(struct sstp_client *c, struct sstp_actions *out, uint32_t status,
                        uint8_t attr_id, enum sstp_close_reason reason, const char *log)
{
	out->send_abort = true;
	out->abort_status = status;
	out->abort_attr_id = attr_id;
	out->log = log;
	c->close_reason = reason;
	c->echo_outstanding = false;
	c->state = SSTP_STATE_CALL_ABORT_PENDING;
	arm(out, SSTP_TIMER_ABORT_PENDING_MS);
}

/* Status of the first Status Info of a peer message, NO_ERROR if none. */
static uint32_t first_status(const struct sstp_control *ctrl)
{
	return ctrl->n_status > 0 ? ctrl->status[0].status : SSTP_STATUS_NO_ERROR;
}

/* Peer Abort / Disconnect in a normal state: same handling in all of them. */
static bool handle_peer_teardown(struct sstp_client *c, const struct sstp_control *ctrl,
                                 struct sstp_actions *out)
{
	switch (ctrl->msg_type) {
	case SSTP_MSG_CALL_DISCONNECT:
		c->peer_status = first_status(ctrl);
		c->close_reason = SSTP_CLOSE_PEER_DISCONNECT;
		c->state = SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING;
		out->send_disconnect_ack = true;
		out->log = "server disconnected the call";
		arm(out, SSTP_TIMER_DISCONNECT_TIMEOUT_MS);
		return true;
	case SSTP_MSG_CALL_ABORT:
		/* Answer with our own Abort so that a collision resolves on both
		 * sides ([MS-SSTP] 3.1.2.1), then wait T_A2. */
		c->peer_status = first_status(ctrl);
		c->close_reason = SSTP_CLOSE_PEER_ABORT;
		c->state = SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING;
		out->send_abort = true;
		out->abort_status = SSTP_STATUS_NO_ERROR;
		out->abort_attr_id = SSTP_ATTR_NO_ERROR;
		out->log = "server aborted the call";
		arm(out, SSTP_TIMER_ABORT_TIMEOUT_MS);
		return true;
	default:
		return false;
	}
}

static void on_ack(struct sstp_client *c, const struct sstp_control *ctrl,
                   struct sstp_actions *out)
{
	enum sstp_hash hash;

	if (!ctrl->has_binding_req) {
		start_abort(c, out, SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING,
		            SSTP_ATTR_CRYPTO_BINDING_REQ, SSTP_CLOSE_NEGOTIATION_FAILED,
		            "Call Connect ACK without Crypto Binding Request");
		return;
	}
	hash = sstp_hash_choose(ctrl->binding_req_hash_bitmask);
	if (hash == SSTP_HASH_NONE) {
		start_abort(c, out, SSTP_STATUS_VALUE_NOT_SUPPORTED, SSTP_ATTR_CRYPTO_BINDING_REQ,
		            SSTP_CLOSE_NEGOTIATION_FAILED,
		            "server offers no supported crypto binding hash (SHA1/SHA256)");
		return;
	}
	c->hash_bitmask = ctrl->binding_req_hash_bitmask;
	c->hash = hash;
	memcpy(c->nonce, ctrl->binding_req_nonce, SSTP_NONCE_LEN);
	c->state = SSTP_STATE_CONNECT_ACK_RECEIVED;
	out->start_ppp = true;
	out->log = hash == SSTP_HASH_SHA256 ? "Call Connect ACK received (SHA256 binding)"
	                                    : "Call Connect ACK received (SHA1 binding)";
	/* Negotiation timer again: PPP authentication must finish in time. */
	arm(out, SSTP_TIMER_NEGOTIATION_MS);
}

static void on_nak(struct sstp_client *c, const struct sstp_control *ctrl,
                   struct sstp_actions *out)
{
	c->peer_status = first_status(ctrl);
	if (c->nak_count >= SSTP_MAX_NAK_RETRIES) {
		start_abort(c, out, SSTP_STATUS_RETRY_COUNT_EXCEEDED, SSTP_ATTR_NO_ERROR,
		            SSTP_CLOSE_NEGOTIATION_FAILED,
		            "server keeps refusing the Call Connect Request (NAK)");
		return;
	}
	c->nak_count++;
	out->send_connect_request = true;
	out->log = "Call Connect NAK received: sending the request again";
	arm(out, SSTP_TIMER_NEGOTIATION_MS);
}

static void on_unexpected(struct sstp_client *c, struct sstp_actions *out, const char *log)
{
	enum sstp_close_reason reason = c->state == SSTP_STATE_CALL_CONNECTED
	                                ? SSTP_CLOSE_PROTOCOL_ERROR
	                                : SSTP_CLOSE_NEGOTIATION_FAILED;

	start_abort(c, out, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_ATTR_NO_ERROR, reason, log);
}

static void on_control(struct sstp_client *c, const struct sstp_control *ctrl,
                       struct sstp_actions *out)
{
	switch (c->state) {
	case SSTP_STATE_CALL_ABORT_PENDING:
		/* Only the peer's Abort counts: T_A1 -> T_A2. */
		if (ctrl->msg_type == SSTP_MSG_CALL_ABORT) {
			c->peer_status = first_status(ctrl);
			c->state = SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING;
			arm(out, SSTP_TIMER_ABORT_TIMEOUT_MS);
		}
		return;
	case SSTP_STATE_CALL_DISCONNECT_ACK_PENDING:
		if (ctrl->msg_type == SSTP_MSG_CALL_DISCONNECT_ACK) {
			out->log = "Call Disconnect acknowledged";
			go_closed(c, out);
		} else if (ctrl->msg_type == SSTP_MSG_CALL_DISCONNECT) {
			/* Both sides disconnect at once: a Disconnect is always
			 * answered; we still wait only T_D2 since the peer is
			 * tearing down too. */
			c->peer_status = first_status(ctrl);
			out->send_disconnect_ack = true;
			c->state = SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING;
			arm(out, SSTP_TIMER_DISCONNECT_TIMEOUT_MS);
		}
		return;
	case SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING:
	case SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING:
	case SSTP_STATE_CLOSED:
		return;  /* everything is ignored while the timer runs out */
	default:
		break;
	}

	if (handle_peer_teardown(c, ctrl, out))
		return;

	switch (c->state) {
	case SSTP_STATE_CONNECT_REQUEST_SENT:
		if (ctrl->msg_type == SSTP_MSG_CALL_CONNECT_ACK)
			on_ack(c, ctrl, out);
		else if (ctrl->msg_type == SSTP_MSG_CALL_CONNECT_NAK)
			on_nak(c, ctrl, out);
		else
			on_unexpected(c, out, "unexpected message while waiting for Call Connect ACK");
		return;
	case SSTP_STATE_CONNECT_ACK_RECEIVED:
		on_unexpected(c, out, "unexpected message during PPP authentication");
		return;
	case SSTP_STATE_CALL_CONNECTED:
		if (ctrl->msg_type == SSTP_MSG_ECHO_REQUEST) {
			out->send_echo_response = true;
		} else if (ctrl->msg_type == SSTP_MSG_ECHO_RESPONSE) {
			c->echo_outstanding = false;
		} else {
			on_unexpected(c, out, "unexpected message in Call_Connected");
		}
		return;
	case SSTP_STATE_CALL_DISCONNECTED:
	default:
		on_unexpected(c, out, "message received before the Call Connect Request was sent");
		return;
	}
}

static void on_data(struct sstp_client *c, const uint8_t *data, size_t len,
                    struct sstp_actions *out)
{
	switch (c->state) {
	case SSTP_STATE_CALL_CONNECTED:
		out->deliver_data = true;
		return;
	case SSTP_STATE_CONNECT_ACK_RECEIVED:
		/* LCP, authentication and NCP frames may flow after the ACK;
		 * network data only once Call Connected is sent. */
		if (sstp_ppp_frame_is_control(data, len))
			out->deliver_data = true;
		else
			start_abort(c, out, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_ATTR_NO_ERROR,
			            SSTP_CLOSE_NEGOTIATION_FAILED,
			            "PPP data frame received before Call Connected");
		return;
	case SSTP_STATE_CALL_DISCONNECTED:
	case SSTP_STATE_CONNECT_REQUEST_SENT:
		start_abort(c, out, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_ATTR_NO_ERROR,
		            SSTP_CLOSE_NEGOTIATION_FAILED,
		            "data packet received before the Call Connect ACK");
		return;
	default:
		return;  /* teardown or closed: dropped */
	}
}

static void on_invalid(struct sstp_client *c, const struct sstp_parse_error *err,
                       struct sstp_actions *out)
{
	uint32_t status = err->status;

	if (state_is_teardown(c->state) || c->state == SSTP_STATE_CLOSED)
		return;
	if (status == SSTP_STATUS_NO_ERROR)
		status = SSTP_STATUS_INVALID_FRAME_RECEIVED;
	start_abort(c, out, status, err->attr_id,
	            c->state == SSTP_STATE_CALL_CONNECTED ? SSTP_CLOSE_PROTOCOL_ERROR
	                                                  : SSTP_CLOSE_NEGOTIATION_FAILED,
	            err->message ? err->message : "invalid SSTP packet received");
}

/* The hello timer of Call_Connected ([MS-SSTP] 3.1.2.2): it runs from the
 * last received packet. One silent interval sends an Echo Request; if
 * nothing at all arrives in the next one, the peer is dead: at most two
 * intervals after the last packet, whatever the timing of the expiries. */
static void on_hello_timer(struct sstp_client *c, uint64_t now, uint64_t last_rx,
                           struct sstp_actions *out)
{
	uint64_t silence = now > last_rx ? now - last_rx : 0;

	if (c->echo_outstanding && last_rx > c->echo_sent_ms)
		c->echo_outstanding = false;  /* anything after the echo counts */
	if (!c->echo_outstanding) {
		if (silence < c->hello_ms) {
			/* The peer spoke during the interval: the timer
			 * restarts from its last packet. */
			arm(out, (unsigned) (c->hello_ms - silence));
			return;
		}
		c->echo_outstanding = true;
		c->echo_sent_ms = now;
		c->dead_at_ms = last_rx + 2 * (uint64_t) c->hello_ms;
		if (c->dead_at_ms < now + SSTP_TIMER_ECHO_GRACE_MS)
			c->dead_at_ms = now + SSTP_TIMER_ECHO_GRACE_MS;
		out->send_echo_request = true;
		arm(out, (unsigned) (c->dead_at_ms - now));
		return;
	}
	if (now < c->dead_at_ms) {
		arm(out, (unsigned) (c->dead_at_ms - now));
		return;
	}
	c->close_reason = SSTP_CLOSE_DEAD_PEER;
	c->silence_ms = silence;
	c->peer_unresponsive = true;
	out->log = "server stopped answering (no reply to Echo Request)";
	go_closed(c, out);
}

static void on_timer(struct sstp_client *c, const struct sstp_event *ev, struct sstp_actions *out)
{
	switch (c->state) {
	case SSTP_STATE_CONNECT_REQUEST_SENT:
	case SSTP_STATE_CONNECT_ACK_RECEIVED:
		start_abort(c, out, SSTP_STATUS_NEGOTIATION_TIMEOUT, SSTP_ATTR_NO_ERROR,
		            SSTP_CLOSE_NEGOTIATION_FAILED,
		            c->state == SSTP_STATE_CONNECT_REQUEST_SENT
		            ? "no Call Connect ACK from the server in time"
		            : "PPP authentication did not finish in time");
		return;
	case SSTP_STATE_CALL_CONNECTED:
		on_hello_timer(c, ev->now_ms, ev->last_rx_ms, out);
		return;
	case SSTP_STATE_CALL_ABORT_PENDING:
		out->log = "no Call Abort from the server: closing";
		c->peer_unresponsive = true;
		go_closed(c, out);
		return;
	case SSTP_STATE_CALL_DISCONNECT_ACK_PENDING:
		out->log = "no Call Disconnect Ack from the server: closing";
		c->peer_unresponsive = true;
		go_closed(c, out);
		return;
	case SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING:
	case SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING:
		go_closed(c, out);
		return;
	default:
		return;  /* no timer runs in CALL_DISCONNECTED or CLOSED */
	}
}

void sstp_client_step(struct sstp_client *c, const struct sstp_event *ev, struct sstp_actions *out)
{
	memset(out, 0, sizeof(*out));

	switch (ev->type) {
	case SSTP_EV_START:
		if (c->state != SSTP_STATE_CALL_DISCONNECTED)
			return;
		c->state = SSTP_STATE_CONNECT_REQUEST_SENT;
		out->send_connect_request = true;
		arm(out, SSTP_TIMER_NEGOTIATION_MS);
		return;
	case SSTP_EV_CONTROL:
		if (ev->ctrl)
			on_control(c, ev->ctrl, out);
		return;
	case SSTP_EV_DATA:
		on_data(c, ev->data, ev->data_len, out);
		return;
	case SSTP_EV_INVALID:
		on_invalid(c, &ev->error, out);
		return;
	case SSTP_EV_PPP_AUTH_DONE:
		if (c->state != SSTP_STATE_CONNECT_ACK_RECEIVED)
			return;
		c->state = SSTP_STATE_CALL_CONNECTED;
		c->echo_outstanding = false;
		out->send_call_connected = true;
		out->log = "PPP authentication done: Call Connected sent";
		arm(out, c->hello_ms);
		return;
	case SSTP_EV_TIMER:
		on_timer(c, ev, out);
		return;
	case SSTP_EV_LOCAL_DISCONNECT:
		if (c->state == SSTP_STATE_CALL_DISCONNECTED) {
			/* Nothing was sent yet: nothing to tear down. */
			c->close_reason = SSTP_CLOSE_LOCAL_DISCONNECT;
			go_closed(c, out);
			return;
		}
		if (state_is_teardown(c->state) || c->state == SSTP_STATE_CLOSED)
			return;
		c->close_reason = SSTP_CLOSE_LOCAL_DISCONNECT;
		c->state = SSTP_STATE_CALL_DISCONNECT_ACK_PENDING;
		c->echo_outstanding = false;
		out->send_disconnect = true;
		arm(out, SSTP_TIMER_DISCONNECT_ACK_MS);
		return;
	case SSTP_EV_LOCAL_ABORT:
		if (c->state == SSTP_STATE_CALL_DISCONNECTED) {
			c->close_reason = SSTP_CLOSE_LOCAL_ABORT;
			go_closed(c, out);
			return;
		}
		if (state_is_teardown(c->state) || c->state == SSTP_STATE_CLOSED)
			return;
		start_abort(c, out, ev->abort_status, SSTP_ATTR_NO_ERROR, SSTP_CLOSE_LOCAL_ABORT,
		            "aborting the call after a local error");
		return;
	}
}

bool sstp_client_may_send_ppp(const struct sstp_client *c, const uint8_t *frame, size_t len)
{
	if (!frame || len == 0 || len > SSTP_MAX_PPP_FRAME_LEN)
		return false;
	switch (c->state) {
	case SSTP_STATE_CALL_CONNECTED:
		return true;
	case SSTP_STATE_CONNECT_ACK_RECEIVED:
		return sstp_ppp_frame_is_control(frame, len);
	default:
		return false;
	}
}

const char *sstp_state_name(enum sstp_state s)
{
	switch (s) {
	case SSTP_STATE_CALL_DISCONNECTED:               return "Call_Disconnected";
	case SSTP_STATE_CONNECT_REQUEST_SENT:            return "Connect_Request_Sent";
	case SSTP_STATE_CONNECT_ACK_RECEIVED:            return "Connect_Ack_Received";
	case SSTP_STATE_CALL_CONNECTED:                  return "Call_Connected";
	case SSTP_STATE_CALL_ABORT_PENDING:              return "Call_Abort_Pending";
	case SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING:      return "Call_Abort_Timeout_Pending";
	case SSTP_STATE_CALL_DISCONNECT_ACK_PENDING:     return "Call_Disconnect_Ack_Pending";
	case SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING: return "Call_Disconnect_Timeout_Pending";
	case SSTP_STATE_CLOSED:                          return "Closed";
	default:                                         return "Unknown_State";
	}
}

const char *sstp_close_reason_name(enum sstp_close_reason r)
{
	switch (r) {
	case SSTP_CLOSE_NONE:               return "none";
	case SSTP_CLOSE_LOCAL_DISCONNECT:   return "local disconnect";
	case SSTP_CLOSE_PEER_DISCONNECT:    return "server disconnected";
	case SSTP_CLOSE_PEER_ABORT:         return "server aborted";
	case SSTP_CLOSE_NEGOTIATION_FAILED: return "SSTP negotiation failed";
	case SSTP_CLOSE_PROTOCOL_ERROR:     return "protocol error from the server";
	case SSTP_CLOSE_DEAD_PEER:          return "server stopped answering";
	case SSTP_CLOSE_LOCAL_ABORT:        return "local error";
	default:                            return "unknown";
	}
}
