/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for src/protocol/sstp-state.c: every client transition of
 * docs/sstp-protocol.md §3, with the actions and timer values of each.
 */
#include <glib.h>
#include <string.h>

#include "sstp-state.h"
#include "sstp-crypto.h"

static const uint8_t lcp_frame[] = { 0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04 };
static const uint8_t ipcp_frame[] = { 0x80, 0x21, 0x01, 0x01, 0x00, 0x04 };
static const uint8_t ip_frame[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x00 };

/* An action set with nothing in it. */
static void assert_no_action(const struct sstp_actions *a)
{
	g_assert_false(a->send_connect_request);
	g_assert_false(a->send_call_connected);
	g_assert_false(a->send_echo_request);
	g_assert_false(a->send_echo_response);
	g_assert_false(a->send_disconnect);
	g_assert_false(a->send_disconnect_ack);
	g_assert_false(a->send_abort);
	g_assert_false(a->start_ppp);
	g_assert_false(a->deliver_data);
	g_assert_false(a->set_timer);
	g_assert_false(a->cancel_timer);
	g_assert_false(a->close);
}

static struct sstp_actions step(struct sstp_client *c, const struct sstp_event *ev)
{
	struct sstp_actions a;

	memset(&a, 0x5a, sizeof(a));  /* step() must fill every field */
	sstp_client_step(c, ev, &a);
	return a;
}

static struct sstp_actions step_type(struct sstp_client *c, enum sstp_event_type type)
{
	struct sstp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = type;
	return step(c, &ev);
}

/* The timer expires at now_ms of the caller's clock; the last SSTP packet
 * arrived at last_rx_ms. Explicit times: no test here depends on a clock. */
static struct sstp_actions step_timer_at(struct sstp_client *c, uint64_t now_ms, uint64_t last_rx_ms)
{
	struct sstp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SSTP_EV_TIMER;
	ev.now_ms = now_ms;
	ev.last_rx_ms = last_rx_ms;
	return step(c, &ev);
}

/* A timer other than hello expires, a packet having just arrived: only
 * the hello timer counts from the last packet. */
static struct sstp_actions step_timeout(struct sstp_client *c)
{
	return step_timer_at(c, 100000, 100000);
}

static struct sstp_actions step_ctrl(struct sstp_client *c, const struct sstp_control *ctrl)
{
	struct sstp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SSTP_EV_CONTROL;
	ev.ctrl = ctrl;
	return step(c, &ev);
}

static struct sstp_actions step_msg(struct sstp_client *c, uint16_t type)
{
	struct sstp_control ctrl;

	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.msg_type = type;
	return step_ctrl(c, &ctrl);
}

static struct sstp_actions step_msg_status(struct sstp_client *c, uint16_t type, uint32_t status)
{
	struct sstp_control ctrl;

	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.msg_type = type;
	ctrl.n_status = 1;
	ctrl.status[0].attr_id = 0;
	ctrl.status[0].status = status;
	return step_ctrl(c, &ctrl);
}

static struct sstp_actions step_data(struct sstp_client *c, const uint8_t *d, size_t n)
{
	struct sstp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SSTP_EV_DATA;
	ev.data = d;
	ev.data_len = n;
	return step(c, &ev);
}

static void make_ack(struct sstp_control *ctrl, uint8_t bitmask)
{
	memset(ctrl, 0, sizeof(*ctrl));
	ctrl->msg_type = SSTP_MSG_CALL_CONNECT_ACK;
	ctrl->has_binding_req = true;
	ctrl->binding_req_hash_bitmask = bitmask;
	for (unsigned i = 0; i < SSTP_NONCE_LEN; i++)
		ctrl->binding_req_nonce[i] = (uint8_t)(0xc0 + i);
}

static void assert_timer(const struct sstp_actions *a, unsigned ms)
{
	g_assert_true(a->set_timer);
	g_assert_cmpuint(a->timer_ms, ==, ms);
}

static void assert_abort(const struct sstp_client *c, const struct sstp_actions *a,
                         uint32_t status, enum sstp_close_reason reason)
{
	g_assert_true(a->send_abort);
	g_assert_cmpstr(sstp_status_name(a->abort_status), ==, sstp_status_name(status));
	g_assert_cmpint(c->state, ==, SSTP_STATE_CALL_ABORT_PENDING);
	assert_timer(a, SSTP_TIMER_ABORT_PENDING_MS);
	g_assert_false(a->close);
	g_assert_cmpstr(sstp_close_reason_name(c->close_reason), ==, sstp_close_reason_name(reason));
	g_assert_nonnull(a->log);
}

static void assert_closed(const struct sstp_client *c, const struct sstp_actions *a)
{
	g_assert_cmpint(c->state, ==, SSTP_STATE_CLOSED);
	g_assert_true(a->close);
	g_assert_true(a->cancel_timer);
	g_assert_false(a->set_timer);
}

/* Drive a fresh client to a state through the normal path. */
static void client_to(struct sstp_client *c, enum sstp_state target)
{
	struct sstp_control ack;
	struct sstp_actions a;

	sstp_client_init(c, 0);
	if (target == SSTP_STATE_CALL_DISCONNECTED)
		return;
	a = step_type(c, SSTP_EV_START);
	g_assert_true(a.send_connect_request);
	if (target == SSTP_STATE_CONNECT_REQUEST_SENT)
		return;
	make_ack(&ack, 0x02);
	a = step_ctrl(c, &ack);
	g_assert_true(a.start_ppp);
	if (target == SSTP_STATE_CONNECT_ACK_RECEIVED)
		return;
	a = step_type(c, SSTP_EV_PPP_AUTH_DONE);
	g_assert_true(a.send_call_connected);
	g_assert_cmpint(c->state, ==, SSTP_STATE_CALL_CONNECTED);
}

/* ---- establishment ---- */

static void test_init(void)
{
	struct sstp_client c;

	sstp_client_init(&c, 0);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_DISCONNECTED);
	g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_NONE);
	g_assert_cmpuint(c.hello_ms, ==, SSTP_TIMER_HELLO_MS);
	g_assert_cmpuint(c.nak_count, ==, 0);
	sstp_client_init(&c, 5000);
	g_assert_cmpuint(c.hello_ms, ==, 5000);
}

static void test_happy_path(void)
{
	struct sstp_client c;
	struct sstp_control ack;
	struct sstp_actions a;

	sstp_client_init(&c, 0);
	a = step_type(&c, SSTP_EV_START);
	g_assert_true(a.send_connect_request);
	assert_timer(&a, SSTP_TIMER_NEGOTIATION_MS);
	g_assert_false(a.send_abort);
	g_assert_false(a.close);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CONNECT_REQUEST_SENT);

	/* A second START is a caller bug: ignored. */
	a = step_type(&c, SSTP_EV_START);
	assert_no_action(&a);

	make_ack(&ack, 0x03);
	a = step_ctrl(&c, &ack);
	g_assert_true(a.start_ppp);
	g_assert_false(a.send_abort);
	assert_timer(&a, SSTP_TIMER_NEGOTIATION_MS);  /* restarted after the ACK */
	g_assert_cmpint(c.state, ==, SSTP_STATE_CONNECT_ACK_RECEIVED);
	g_assert_cmpint(c.hash, ==, SSTP_HASH_SHA256);
	g_assert_cmpuint(c.hash_bitmask, ==, 0x03);
	g_assert_cmpmem(c.nonce, 32, ack.binding_req_nonce, 32);

	/* PPP control frames flow both ways now, data frames do not. */
	a = step_data(&c, lcp_frame, sizeof(lcp_frame));
	g_assert_true(a.deliver_data);
	g_assert_false(a.send_abort);
	a = step_data(&c, ipcp_frame, sizeof(ipcp_frame));
	g_assert_true(a.deliver_data);
	g_assert_true(sstp_client_may_send_ppp(&c, lcp_frame, sizeof(lcp_frame)));
	g_assert_false(sstp_client_may_send_ppp(&c, ip_frame, sizeof(ip_frame)));

	a = step_type(&c, SSTP_EV_PPP_AUTH_DONE);
	g_assert_true(a.send_call_connected);
	assert_timer(&a, SSTP_TIMER_HELLO_MS);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_CONNECTED);
	g_assert_true(sstp_client_may_send_ppp(&c, ip_frame, sizeof(ip_frame)));

	a = step_data(&c, ip_frame, sizeof(ip_frame));
	g_assert_true(a.deliver_data);
	g_assert_false(a.set_timer);

	/* Echo Request answered in Call_Connected, timer untouched. */
	a = step_msg(&c, SSTP_MSG_ECHO_REQUEST);
	g_assert_true(a.send_echo_response);
	g_assert_false(a.set_timer);
	g_assert_false(a.send_abort);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_CONNECTED);

	/* AUTH_DONE again: nothing. */
	a = step_type(&c, SSTP_EV_PPP_AUTH_DONE);
	assert_no_action(&a);
	g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_NONE);
}

static void test_ack_sha1(void)
{
	struct sstp_client c;
	struct sstp_control ack;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
	make_ack(&ack, 0x01);
	a = step_ctrl(&c, &ack);
	g_assert_true(a.start_ppp);
	g_assert_cmpint(c.hash, ==, SSTP_HASH_SHA1);
}

static void test_ack_no_usable_hash(void)
{
	static const uint8_t masks[] = { 0x00, 0x04, 0xfc };

	for (unsigned i = 0; i < G_N_ELEMENTS(masks); i++) {
		struct sstp_client c;
		struct sstp_control ack;
		struct sstp_actions a;

		client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
		make_ack(&ack, masks[i]);
		a = step_ctrl(&c, &ack);
		g_assert_false(a.start_ppp);
		assert_abort(&c, &a, SSTP_STATUS_VALUE_NOT_SUPPORTED, SSTP_CLOSE_NEGOTIATION_FAILED);
		g_assert_cmpuint(a.abort_attr_id, ==, SSTP_ATTR_CRYPTO_BINDING_REQ);
		/* T_A1 runs out without the server's Abort: closed. */
		a = step_timeout(&c);
		assert_closed(&c, &a);
		g_assert_false(a.send_abort);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_NEGOTIATION_FAILED);
	}
}

static void test_ack_without_binding_request(void)
{
	struct sstp_client c;
	struct sstp_control ack;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
	make_ack(&ack, 0x02);
	ack.has_binding_req = false;
	a = step_ctrl(&c, &ack);
	g_assert_false(a.start_ppp);
	assert_abort(&c, &a, SSTP_STATUS_REQUIRED_ATTRIBUTE_MISSING, SSTP_CLOSE_NEGOTIATION_FAILED);
	g_assert_cmpuint(a.abort_attr_id, ==, SSTP_ATTR_CRYPTO_BINDING_REQ);
}

/* NAK: the request is sent again SSTP_MAX_NAK_RETRIES times, then Abort. */
static void test_nak_retries_then_abort(void)
{
	struct sstp_client c;
	struct sstp_actions a;
	struct sstp_control ack;

	client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
	for (unsigned i = 1; i <= SSTP_MAX_NAK_RETRIES; i++) {
		a = step_msg_status(&c, SSTP_MSG_CALL_CONNECT_NAK, SSTP_STATUS_VALUE_NOT_SUPPORTED);
		g_assert_true(a.send_connect_request);
		g_assert_false(a.send_abort);
		assert_timer(&a, SSTP_TIMER_NEGOTIATION_MS);
		g_assert_cmpint(c.state, ==, SSTP_STATE_CONNECT_REQUEST_SENT);
		g_assert_cmpuint(c.nak_count, ==, i);
		g_assert_cmpuint(c.peer_status, ==, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	}
	a = step_msg_status(&c, SSTP_MSG_CALL_CONNECT_NAK, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	g_assert_false(a.send_connect_request);
	assert_abort(&c, &a, SSTP_STATUS_RETRY_COUNT_EXCEEDED, SSTP_CLOSE_NEGOTIATION_FAILED);
	g_assert_cmpuint(c.peer_status, ==, SSTP_STATUS_VALUE_NOT_SUPPORTED);

	/* A late ACK is ignored in Call_Abort_Pending... */
	make_ack(&ack, 0x02);
	a = step_ctrl(&c, &ack);
	assert_no_action(&a);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_ABORT_PENDING);
	/* ...the server's Abort moves to T_A2, then closed. */
	a = step_msg_status(&c, SSTP_MSG_CALL_ABORT, SSTP_STATUS_NO_ERROR);
	g_assert_false(a.send_abort);
	assert_timer(&a, SSTP_TIMER_ABORT_TIMEOUT_MS);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING);
	a = step_timeout(&c);
	assert_closed(&c, &a);
	g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_NEGOTIATION_FAILED);
}

/* A NAK after a retry succeeded still counts from where it was. */
static void test_nak_then_ack(void)
{
	struct sstp_client c;
	struct sstp_control ack;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
	a = step_msg_status(&c, SSTP_MSG_CALL_CONNECT_NAK, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	g_assert_true(a.send_connect_request);
	make_ack(&ack, 0x02);
	a = step_ctrl(&c, &ack);
	g_assert_true(a.start_ppp);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CONNECT_ACK_RECEIVED);
	/* A NAK after the ACK is unexpected. */
	a = step_msg_status(&c, SSTP_MSG_CALL_CONNECT_NAK, SSTP_STATUS_VALUE_NOT_SUPPORTED);
	assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_CLOSE_NEGOTIATION_FAILED);
}

static void test_negotiation_timeout(void)
{
	static const enum sstp_state states[] = {
		SSTP_STATE_CONNECT_REQUEST_SENT, SSTP_STATE_CONNECT_ACK_RECEIVED,
	};

	for (unsigned i = 0; i < G_N_ELEMENTS(states); i++) {
		struct sstp_client c;
		struct sstp_actions a;

		client_to(&c, states[i]);
		/* Packets arriving (PPP frames) do not extend negotiation. */
		a = step_timeout(&c);
		assert_abort(&c, &a, SSTP_STATUS_NEGOTIATION_TIMEOUT, SSTP_CLOSE_NEGOTIATION_FAILED);
		a = step_timeout(&c);
		assert_closed(&c, &a);
	}
}

/* ---- hello / echo ---- */

static void test_hello_echo_dead_peer(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	/* Call Connected at t=0 with hello 7 s: the timer runs 7 s. */
	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	c.hello_ms = 7000;

	/* A packet at 3 s: the expiry at 7 s restarts the timer for what is
	 * left of the interval after that packet (3 + 7 = 10 s). */
	a = step_timer_at(&c, 7000, 3000);
	g_assert_false(a.send_echo_request);
	assert_timer(&a, 3000);
	g_assert_false(c.echo_outstanding);

	/* Nothing since: Echo Request at 10 s, the peer has until 3 + 2 * 7. */
	a = step_timer_at(&c, 10000, 3000);
	g_assert_true(a.send_echo_request);
	assert_timer(&a, 7000);
	g_assert_true(c.echo_outstanding);
	g_assert_false(a.close);

	/* The Echo Response arrives at 12 s: alive again, and the expiry at
	 * 17 s restarts from it (12 + 7 = 19 s). */
	a = step_msg(&c, SSTP_MSG_ECHO_RESPONSE);
	g_assert_false(a.send_abort);
	g_assert_false(c.echo_outstanding);
	a = step_timer_at(&c, 17000, 12000);
	g_assert_false(a.send_echo_request);
	g_assert_false(a.close);
	assert_timer(&a, 2000);

	/* Quiet since 12 s: echo at 19 s; still quiet: dead peer at 26 s,
	 * exactly two intervals after the last packet, closed without an
	 * Abort, and the silence is the true one. */
	a = step_timer_at(&c, 19000, 12000);
	g_assert_true(a.send_echo_request);
	assert_timer(&a, 7000);
	a = step_timer_at(&c, 26000, 12000);
	assert_closed(&c, &a);
	g_assert_false(a.send_abort);
	g_assert_false(a.send_disconnect);
	g_assert_false(a.send_echo_request);
	g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_DEAD_PEER);
	g_assert_cmpuint(c.silence_ms, ==, 14000);
	g_assert_true(c.peer_unresponsive);  /* the caller resets the connection */
	g_assert_nonnull(a.log);
}

/* The case: a packet just after the timer was armed. Detection is
 * at most two intervals after it, not almost three (a timer that only
 * restarts a whole interval at each expiry would close at 30.5 s here). */
static void test_hello_two_intervals_at_most(void)
{
	struct sstp_client c;
	struct sstp_actions a;
	uint64_t now = 0;

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	c.hello_ms = 10000;
	a = step_timer_at(&c, 10000, 500);
	assert_timer(&a, 500);
	now = 10000 + a.timer_ms;
	a = step_timer_at(&c, now, 500);
	g_assert_true(a.send_echo_request);
	now += a.timer_ms;
	a = step_timer_at(&c, now, 500);
	assert_closed(&c, &a);
	g_assert_cmpuint(now, ==, 500 + 2 * 10000);
	g_assert_cmpuint(c.silence_ms, ==, 2 * 10000);
}

/* An expiry that comes early (the caller's timer is coarse) waits for the
 * rest; one that comes late (the loop was held up past the deadline)
 * still gives the Echo Request a moment for its answer. */
static void test_hello_early_and_late_expiry(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	c.hello_ms = 10000;
	a = step_timer_at(&c, 10000, 0);
	g_assert_true(a.send_echo_request);
	a = step_timer_at(&c, 19990, 0);
	g_assert_false(a.close);
	g_assert_false(a.send_echo_request);
	assert_timer(&a, 10);
	a = step_timer_at(&c, 20000, 0);
	assert_closed(&c, &a);

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	c.hello_ms = 10000;
	a = step_timer_at(&c, 50000, 0);
	g_assert_true(a.send_echo_request);
	assert_timer(&a, SSTP_TIMER_ECHO_GRACE_MS);
	a = step_timer_at(&c, 50000 + SSTP_TIMER_ECHO_GRACE_MS, 0);
	assert_closed(&c, &a);
	g_assert_cmpuint(c.silence_ms, ==, 50000 + SSTP_TIMER_ECHO_GRACE_MS);
}

/* Any packet after the Echo Request counts, not only the Echo Response. */
static void test_hello_rx_after_echo(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	a = step_timer_at(&c, SSTP_TIMER_HELLO_MS, 0);
	g_assert_true(a.send_echo_request);
	/* a data packet 1 s after the echo */
	a = step_timer_at(&c, 2 * SSTP_TIMER_HELLO_MS, SSTP_TIMER_HELLO_MS + 1000);
	g_assert_false(a.close);
	g_assert_false(a.send_echo_request);
	g_assert_false(c.echo_outstanding);
	assert_timer(&a, 1000);
	/* The next quiet interval starts over with an echo, not a close. */
	a = step_timer_at(&c, 2 * SSTP_TIMER_HELLO_MS + 1000, SSTP_TIMER_HELLO_MS + 1000);
	g_assert_true(a.send_echo_request);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_CONNECTED);
}

/* Echo only belongs to Call_Connected. */
static void test_echo_before_connected(void)
{
	static const enum sstp_state states[] = {
		SSTP_STATE_CONNECT_REQUEST_SENT, SSTP_STATE_CONNECT_ACK_RECEIVED,
	};
	static const uint16_t msgs[] = { SSTP_MSG_ECHO_REQUEST, SSTP_MSG_ECHO_RESPONSE };

	for (unsigned i = 0; i < G_N_ELEMENTS(states); i++) {
		for (unsigned m = 0; m < G_N_ELEMENTS(msgs); m++) {
			struct sstp_client c;
			struct sstp_actions a;

			client_to(&c, states[i]);
			a = step_msg(&c, msgs[m]);
			g_assert_false(a.send_echo_response);
			assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
			             SSTP_CLOSE_NEGOTIATION_FAILED);
		}
	}
}

/* ---- peer teardown ---- */

static const enum sstp_state normal_states[] = {
	SSTP_STATE_CONNECT_REQUEST_SENT, SSTP_STATE_CONNECT_ACK_RECEIVED,
	SSTP_STATE_CALL_CONNECTED,
};

static void test_peer_disconnect(void)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(normal_states); i++) {
		struct sstp_client c;
		struct sstp_actions a;

		client_to(&c, normal_states[i]);
		a = step_msg_status(&c, SSTP_MSG_CALL_DISCONNECT, SSTP_STATUS_NO_ERROR);
		g_assert_true(a.send_disconnect_ack);
		g_assert_false(a.send_abort);
		g_assert_false(a.close);
		assert_timer(&a, SSTP_TIMER_DISCONNECT_TIMEOUT_MS);
		g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_PEER_DISCONNECT);
		g_assert_cmpuint(c.peer_status, ==, SSTP_STATUS_NO_ERROR);

		/* Everything is ignored until T_D2 runs out. */
		a = step_msg(&c, SSTP_MSG_ECHO_REQUEST);
		assert_no_action(&a);
		a = step_msg(&c, SSTP_MSG_CALL_DISCONNECT);
		assert_no_action(&a);
		a = step_data(&c, ip_frame, sizeof(ip_frame));
		assert_no_action(&a);
		a = step_type(&c, SSTP_EV_LOCAL_DISCONNECT);
		assert_no_action(&a);
		g_assert_false(sstp_client_may_send_ppp(&c, lcp_frame, sizeof(lcp_frame)));
		a = step_timeout(&c);
		assert_closed(&c, &a);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_PEER_DISCONNECT);
	}
}

static void test_peer_disconnect_with_status(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	a = step_msg_status(&c, SSTP_MSG_CALL_DISCONNECT, SSTP_STATUS_NEGOTIATION_TIMEOUT);
	g_assert_true(a.send_disconnect_ack);
	g_assert_cmpuint(c.peer_status, ==, SSTP_STATUS_NEGOTIATION_TIMEOUT);
}

static void test_peer_abort(void)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(normal_states); i++) {
		struct sstp_client c;
		struct sstp_actions a;

		client_to(&c, normal_states[i]);
		a = step_msg_status(&c, SSTP_MSG_CALL_ABORT, SSTP_STATUS_INVALID_FRAME_RECEIVED);
		g_assert_true(a.send_abort);    /* answered with our own Abort */
		g_assert_false(a.send_disconnect_ack);
		g_assert_false(a.close);
		assert_timer(&a, SSTP_TIMER_ABORT_TIMEOUT_MS);
		g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_PEER_ABORT);
		g_assert_cmpuint(c.peer_status, ==, SSTP_STATUS_INVALID_FRAME_RECEIVED);

		a = step_msg(&c, SSTP_MSG_CALL_ABORT);
		assert_no_action(&a);
		a = step_msg(&c, SSTP_MSG_CALL_DISCONNECT);
		assert_no_action(&a);
		a = step_type(&c, SSTP_EV_LOCAL_ABORT);
		assert_no_action(&a);
		a = step_timeout(&c);
		assert_closed(&c, &a);
		g_assert_false(a.send_abort);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_PEER_ABORT);
	}
}

/* Abort without Status Info: peer_status is NO_ERROR, not garbage. */
static void test_peer_abort_without_status(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	c.peer_status = 99;
	a = step_msg(&c, SSTP_MSG_CALL_ABORT);
	g_assert_true(a.send_abort);
	g_assert_cmpuint(c.peer_status, ==, SSTP_STATUS_NO_ERROR);
}

/* ---- local teardown ---- */

static void test_local_disconnect(void)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(normal_states); i++) {
		struct sstp_client c;
		struct sstp_actions a;

		client_to(&c, normal_states[i]);
		a = step_type(&c, SSTP_EV_LOCAL_DISCONNECT);
		g_assert_true(a.send_disconnect);
		g_assert_false(a.send_abort);
		assert_timer(&a, SSTP_TIMER_DISCONNECT_ACK_MS);
		g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_DISCONNECT_ACK_PENDING);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_LOCAL_DISCONNECT);

		/* Other messages are ignored while waiting for the ack. */
		a = step_msg(&c, SSTP_MSG_ECHO_REQUEST);
		assert_no_action(&a);
		a = step_msg(&c, SSTP_MSG_CALL_ABORT);
		assert_no_action(&a);
		a = step_data(&c, lcp_frame, sizeof(lcp_frame));
		assert_no_action(&a);

		a = step_msg(&c, SSTP_MSG_CALL_DISCONNECT_ACK);
		assert_closed(&c, &a);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_LOCAL_DISCONNECT);
		g_assert_false(c.peer_unresponsive);  /* it answered: a normal close */
	}
}

static void test_local_disconnect_timeout(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	a = step_type(&c, SSTP_EV_LOCAL_DISCONNECT);
	g_assert_true(a.send_disconnect);
	g_assert_false(c.peer_unresponsive);
	a = step_timeout(&c);
	assert_closed(&c, &a);
	g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_LOCAL_DISCONNECT);
	/* No ack in time: the server may not be reading (SIGSTOPped SoftEther). */
	g_assert_true(c.peer_unresponsive);
}

/* Both sides disconnect at once: the peer's Disconnect is still answered. */
static void test_disconnect_collision(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	step_type(&c, SSTP_EV_LOCAL_DISCONNECT);
	a = step_msg(&c, SSTP_MSG_CALL_DISCONNECT);
	g_assert_true(a.send_disconnect_ack);
	assert_timer(&a, SSTP_TIMER_DISCONNECT_TIMEOUT_MS);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_DISCONNECT_TIMEOUT_PENDING);
	a = step_timeout(&c);
	assert_closed(&c, &a);
}

static void test_local_disconnect_before_start(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	sstp_client_init(&c, 0);
	a = step_type(&c, SSTP_EV_LOCAL_DISCONNECT);
	g_assert_false(a.send_disconnect);  /* nothing was said to the server yet */
	assert_closed(&c, &a);
	g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_LOCAL_DISCONNECT);

	sstp_client_init(&c, 0);
	a = step_type(&c, SSTP_EV_LOCAL_ABORT);
	g_assert_false(a.send_abort);
	assert_closed(&c, &a);
	g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_LOCAL_ABORT);
}

static void test_local_abort(void)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(normal_states); i++) {
		struct sstp_client c;
		struct sstp_event ev;
		struct sstp_actions a;

		client_to(&c, normal_states[i]);
		memset(&ev, 0, sizeof(ev));
		ev.type = SSTP_EV_LOCAL_ABORT;
		ev.abort_status = SSTP_STATUS_INVALID_FRAME_RECEIVED;
		a = step(&c, &ev);
		assert_abort(&c, &a, SSTP_STATUS_INVALID_FRAME_RECEIVED, SSTP_CLOSE_LOCAL_ABORT);

		/* Only the peer's Abort counts now; a Disconnect is ignored. */
		a = step_msg(&c, SSTP_MSG_CALL_DISCONNECT);
		assert_no_action(&a);
		a = step_msg(&c, SSTP_MSG_ECHO_REQUEST);
		assert_no_action(&a);
		a = step_type(&c, SSTP_EV_LOCAL_DISCONNECT);
		assert_no_action(&a);
		a = step_msg_status(&c, SSTP_MSG_CALL_ABORT, SSTP_STATUS_NO_ERROR);
		g_assert_false(a.send_abort);
		assert_timer(&a, SSTP_TIMER_ABORT_TIMEOUT_MS);
		g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_ABORT_TIMEOUT_PENDING);
		a = step_timeout(&c);
		assert_closed(&c, &a);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_LOCAL_ABORT);
		g_assert_false(c.peer_unresponsive);  /* its Abort came */
	}
}

/* ---- unexpected and invalid input ---- */

static void test_unexpected_messages(void)
{
	struct sstp_client c;
	struct sstp_control ack;
	struct sstp_actions a;

	/* ACK twice. */
	client_to(&c, SSTP_STATE_CONNECT_ACK_RECEIVED);
	make_ack(&ack, 0x02);
	a = step_ctrl(&c, &ack);
	g_assert_false(a.start_ppp);
	assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_CLOSE_NEGOTIATION_FAILED);

	/* ACK in Call_Connected: a protocol error. */
	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	a = step_ctrl(&c, &ack);
	assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_CLOSE_PROTOCOL_ERROR);

	/* Client-to-server messages coming back. */
	client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
	a = step_msg(&c, SSTP_MSG_CALL_CONNECT_REQUEST);
	assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_CLOSE_NEGOTIATION_FAILED);
	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	a = step_msg(&c, SSTP_MSG_CALL_CONNECTED);
	assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_CLOSE_PROTOCOL_ERROR);
	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	a = step_msg(&c, SSTP_MSG_CALL_DISCONNECT_ACK);
	assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_CLOSE_PROTOCOL_ERROR);

	/* Anything before START. */
	sstp_client_init(&c, 0);
	a = step_msg(&c, SSTP_MSG_ECHO_REQUEST);
	g_assert_true(a.send_abort);
	g_assert_cmpint(c.state, ==, SSTP_STATE_CALL_ABORT_PENDING);
}

static void test_invalid_packet(void)
{
	struct sstp_client c;
	struct sstp_event ev;
	struct sstp_actions a;

	memset(&ev, 0, sizeof(ev));
	ev.type = SSTP_EV_INVALID;
	ev.error.status = SSTP_STATUS_DUPLICATE_ATTRIBUTE;
	ev.error.attr_id = SSTP_ATTR_CRYPTO_BINDING_REQ;
	ev.error.message = "attribute present twice";

	client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
	a = step(&c, &ev);
	assert_abort(&c, &a, SSTP_STATUS_DUPLICATE_ATTRIBUTE, SSTP_CLOSE_NEGOTIATION_FAILED);
	g_assert_cmpuint(a.abort_attr_id, ==, SSTP_ATTR_CRYPTO_BINDING_REQ);
	g_assert_cmpstr(a.log, ==, "attribute present twice");
	/* In a teardown state invalid packets are ignored too. */
	a = step(&c, &ev);
	assert_no_action(&a);

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	a = step(&c, &ev);
	assert_abort(&c, &a, SSTP_STATUS_DUPLICATE_ATTRIBUTE, SSTP_CLOSE_PROTOCOL_ERROR);

	/* An error without a status still aborts with a meaningful one. */
	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	memset(&ev.error, 0, sizeof(ev.error));
	a = step(&c, &ev);
	assert_abort(&c, &a, SSTP_STATUS_INVALID_FRAME_RECEIVED, SSTP_CLOSE_PROTOCOL_ERROR);
}

static void test_data_gating(void)
{
	struct sstp_client c;
	struct sstp_actions a;

	/* Data before the ACK: abort. */
	client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
	a = step_data(&c, lcp_frame, sizeof(lcp_frame));
	g_assert_false(a.deliver_data);
	assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_CLOSE_NEGOTIATION_FAILED);

	client_to(&c, SSTP_STATE_CALL_DISCONNECTED);
	a = step_data(&c, lcp_frame, sizeof(lcp_frame));
	g_assert_false(a.deliver_data);
	g_assert_true(a.send_abort);

	/* A PPP data frame after the ACK but before Call Connected: abort. */
	client_to(&c, SSTP_STATE_CONNECT_ACK_RECEIVED);
	a = step_data(&c, ip_frame, sizeof(ip_frame));
	g_assert_false(a.deliver_data);
	assert_abort(&c, &a, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED, SSTP_CLOSE_NEGOTIATION_FAILED);

	/* In Call_Connected everything is delivered. */
	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	a = step_data(&c, ip_frame, sizeof(ip_frame));
	g_assert_true(a.deliver_data);
	a = step_data(&c, lcp_frame, sizeof(lcp_frame));
	g_assert_true(a.deliver_data);
}

static void test_may_send_ppp(void)
{
	struct sstp_client c;

	client_to(&c, SSTP_STATE_CALL_DISCONNECTED);
	g_assert_false(sstp_client_may_send_ppp(&c, lcp_frame, sizeof(lcp_frame)));
	client_to(&c, SSTP_STATE_CONNECT_REQUEST_SENT);
	g_assert_false(sstp_client_may_send_ppp(&c, lcp_frame, sizeof(lcp_frame)));
	client_to(&c, SSTP_STATE_CONNECT_ACK_RECEIVED);
	g_assert_true(sstp_client_may_send_ppp(&c, lcp_frame, sizeof(lcp_frame)));
	g_assert_true(sstp_client_may_send_ppp(&c, ipcp_frame, sizeof(ipcp_frame)));
	g_assert_false(sstp_client_may_send_ppp(&c, ip_frame, sizeof(ip_frame)));
	g_assert_false(sstp_client_may_send_ppp(&c, lcp_frame, 1));
	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	g_assert_true(sstp_client_may_send_ppp(&c, ip_frame, sizeof(ip_frame)));
	g_assert_false(sstp_client_may_send_ppp(&c, ip_frame, 0));
	g_assert_false(sstp_client_may_send_ppp(&c, ip_frame, SSTP_MAX_PPP_FRAME_LEN + 1));
	step_type(&c, SSTP_EV_LOCAL_DISCONNECT);
	g_assert_false(sstp_client_may_send_ppp(&c, ip_frame, sizeof(ip_frame)));
}

/* CLOSED is final: no event does anything. */
static void test_closed_is_final(void)
{
	static const enum sstp_event_type types[] = {
		SSTP_EV_START, SSTP_EV_CONTROL, SSTP_EV_DATA, SSTP_EV_INVALID, SSTP_EV_PPP_AUTH_DONE,
		SSTP_EV_TIMER, SSTP_EV_LOCAL_DISCONNECT, SSTP_EV_LOCAL_ABORT,
	};
	struct sstp_control ctrl;
	struct sstp_client c;
	struct sstp_actions a;

	client_to(&c, SSTP_STATE_CALL_CONNECTED);
	step_timer_at(&c, SSTP_TIMER_HELLO_MS, 0);
	a = step_timer_at(&c, 2 * SSTP_TIMER_HELLO_MS, 0);
	assert_closed(&c, &a);
	memset(&ctrl, 0, sizeof(ctrl));
	ctrl.msg_type = SSTP_MSG_ECHO_REQUEST;
	for (unsigned i = 0; i < G_N_ELEMENTS(types); i++) {
		struct sstp_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.type = types[i];
		ev.ctrl = &ctrl;
		ev.data = ip_frame;
		ev.data_len = sizeof(ip_frame);
		a = step(&c, &ev);
		assert_no_action(&a);
		g_assert_cmpint(c.state, ==, SSTP_STATE_CLOSED);
		g_assert_cmpint(c.close_reason, ==, SSTP_CLOSE_DEAD_PEER);
	}
}

static void test_names(void)
{
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	for (int s = SSTP_STATE_CALL_DISCONNECTED; s <= SSTP_STATE_CLOSED; s++) {
		const char *n = sstp_state_name((enum sstp_state)s);

		g_assert_false(g_hash_table_contains(seen, n));
		g_hash_table_add(seen, (gpointer)n);
	}
	g_assert_cmpstr(sstp_state_name(SSTP_STATE_CALL_CONNECTED), ==, "Call_Connected");
	g_hash_table_remove_all(seen);
	for (int r = SSTP_CLOSE_NONE; r <= SSTP_CLOSE_LOCAL_ABORT; r++) {
		const char *n = sstp_close_reason_name((enum sstp_close_reason)r);

		g_assert_false(g_hash_table_contains(seen, n));
		g_hash_table_add(seen, (gpointer)n);
	}
	g_hash_table_destroy(seen);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sstp-state/init", test_init);
	g_test_add_func("/sstp-state/happy-path", test_happy_path);
	g_test_add_func("/sstp-state/ack/sha1", test_ack_sha1);
	g_test_add_func("/sstp-state/ack/no-usable-hash", test_ack_no_usable_hash);
	g_test_add_func("/sstp-state/ack/no-binding-request", test_ack_without_binding_request);
	g_test_add_func("/sstp-state/nak/retries-then-abort", test_nak_retries_then_abort);
	g_test_add_func("/sstp-state/nak/then-ack", test_nak_then_ack);
	g_test_add_func("/sstp-state/negotiation-timeout", test_negotiation_timeout);
	g_test_add_func("/sstp-state/hello/echo-dead-peer", test_hello_echo_dead_peer);
	g_test_add_func("/sstp-state/hello/two-intervals-at-most", test_hello_two_intervals_at_most);
	g_test_add_func("/sstp-state/hello/early-and-late-expiry", test_hello_early_and_late_expiry);
	g_test_add_func("/sstp-state/hello/rx-after-echo", test_hello_rx_after_echo);
	g_test_add_func("/sstp-state/echo-before-connected", test_echo_before_connected);
	g_test_add_func("/sstp-state/peer/disconnect", test_peer_disconnect);
	g_test_add_func("/sstp-state/peer/disconnect-status", test_peer_disconnect_with_status);
	g_test_add_func("/sstp-state/peer/abort", test_peer_abort);
	g_test_add_func("/sstp-state/peer/abort-without-status", test_peer_abort_without_status);
	g_test_add_func("/sstp-state/local/disconnect", test_local_disconnect);
	g_test_add_func("/sstp-state/local/disconnect-timeout", test_local_disconnect_timeout);
	g_test_add_func("/sstp-state/local/disconnect-collision", test_disconnect_collision);
	g_test_add_func("/sstp-state/local/before-start", test_local_disconnect_before_start);
	g_test_add_func("/sstp-state/local/abort", test_local_abort);
	g_test_add_func("/sstp-state/unexpected", test_unexpected_messages);
	g_test_add_func("/sstp-state/invalid", test_invalid_packet);
	g_test_add_func("/sstp-state/data-gating", test_data_gating);
	g_test_add_func("/sstp-state/may-send-ppp", test_may_send_ppp);
	g_test_add_func("/sstp-state/closed-is-final", test_closed_is_final);
	g_test_add_func("/sstp-state/names", test_names);
	return g_test_run();
}
