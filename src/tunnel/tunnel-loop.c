/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The poll loop of nm-sstp-tunnel.
 *
 * Each round, in this order:
 *   1. signals (signalfd): stop request, pppd exit;
 *   2. the plugin socket, always before the pty: auth-up must turn into
 *      Call Connected before the first NCP frame pppd wrote after it;
 *   3. TLS: read every record available (SSL_read until WANT_READ, which
 *      also drains SSL_pending) and parse every complete SSTP packet;
 *      then write the queued output in large writes;
 *   4. the pty: read it (again at once while reads fill its 4 KiB buffer,
 *      64 KiB a round at most), HDLC-decode every frame into SSTP data
 *      packets appended to the TLS output queue, written out at each full
 *      record; write queued frames to pppd;
 *   5. the timer of the SSTP state machine (all timers are one timerfd;
 *      the clock is read only when it may be due);
 *   6. the DHCPINFORM for split routes (tunnel-dhcp.c): send or retry it,
 *      release the held ip4 message once it is answered or its short wait
 *      is over, and send a second one when a late answer brings routes.
 * Backpressure instead of drops: the pty is not read while the TLS output
 * is above its high-water mark, and TLS is not read while the output to
 * pppd is above its own.
 */
#include "tunnel-loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>

#include "hdlc.h"
#include "sstp-crypto.h"
#include "sstp-exit.h"
#include "sstp-ipc.h"
#include "sstp-packet.h"
#include "sstp-state.h"
#include "tunnel-buf.h"
#include "tunnel-dhcp.h"
#include "tunnel-eaptls.h"
#include "tunnel-log.h"
#include "tunnel-pppd.h"
#include "tunnel-sandbox.h"

#define TLS_TX_HIGH        (32 * 1024)
#define PTY_TX_HIGH        (32 * 1024)
#define PTY_READ_CHUNK     (64 * 1024)
/* Linux's n_tty read buffer (N_TTY_BUF_SIZE 4096) gives at most 4095 bytes a read. */
#define PTY_LDISC_BUF      4095
#define PTY_ROUND_BUDGET   (64 * 1024) /* pty bytes read in one round at most */
#define TLS_RECORD         16384       /* TLS's largest record: write once that much is queued */
#define TLS_READ_CHUNK     (16 * 1024)
#define TEARDOWN_FLUSH_MS  2000
#define PPPD_STOP_MS       5000
/* Room left in the ip4 message for the gateway line and the final empty
 * line (an IPv6 address is at most 45 characters). */
#define IP4_GATEWAY_RESERVE 64
/* The clock is read after poll() only when a timer fired, poll() timed
 * out, a packet from the server is still to be stamped, or after this many
 * rounds (see the loop); a packet that arrived in a round without a clock
 * read is stamped at the next round's read, at most RX_STAMP_MS later. */
#define CLOCK_READ_ROUNDS  64
#define RX_STAMP_MS        1000

struct tunnel {
	struct tunnel_options *o;
	struct tunnel_conn *conn;
	struct tunnel_pppd pppd;
	int sigfd;

	struct sstp_client sc;
	int64_t timer_deadline;        /* -1: no timer */
	bool rx_activity;              /* an SSTP packet arrived in this round of the loop */
	bool rx_unstamped;             /* ... in a round without a clock read: not yet in last_rx_ms */
	int64_t last_rx_ms;            /* when the last SSTP packet arrived (hello timer) */
	const char *last_sstp_log;     /* last text from the state machine */

	struct tbuf tls_rx, tls_tx, pty_tx;
	struct hdlc_decoder *dec;
	uint8_t *pty_chunk;

	bool pppd_ready;               /* pppd has written its first frame */
	bool pty_full;                 /* the last pty write was short: wait for POLLOUT */
	bool read_wants_write;
	bool write_wants_read;
	bool conn_lost;
	char conn_lost_msg[320];
	bool sstp_closed;
	int64_t close_deadline;
	bool stop_requested;
	bool pppd_gone;                /* pppd ended before the SSTP session */
	bool ppp_auth_done;            /* the plugin sent auth-up */
	bool ppp_auth_refused;         /* the server sent pppd an authentication failure */
	bool eap_rejected;             /* the server asked for EAP, then rejected it (plugin) */
	bool peap_declined;            /* the server asked for PEAP; the plugin declined it */
	bool peap_failed;              /* pppd's PEAP client stopped before the login ended */
	char peap_why[160];            /* OpenSSL's reason, from the plugin, may be empty */
	bool ppp_auth_none;            /* ... and pppd did not authenticate at all */
	uint16_t server_auth_proto;    /* the login the server's LCP asked for, 0: none */
	uint8_t server_chap_alg;
	int  fatal_code;
	char fatal_msg[300];

	uint8_t hlak[SSTP_HLAK_LEN];
	bool connected_reported;

	/* DHCPINFORM: the ip4 message waits a moment (tunnel_dhcp_hold_ms()) for
	 * the answer, so that a server that answers gives NetworkManager one
	 * complete configuration; an answer after that goes out as a second
	 * ip4 message marked update=dhcp. See docs/architecture.md. */
	struct tunnel_dhcp dhcp;
	bool ip4_held;
	int64_t ip4_hold_until;
	int64_t connect_request_ms;    /* Call Connect Request sent ... */
	int64_t sstp_rtt_ms;           /* ... until its ACK: a round trip, -1: unknown */
	bool ip4_sent;                 /* the first ip4 message went out */
	bool ip4_dhcp_sent;            /* ... and one with the DHCP keys */
	struct sstp_ipc_writer ip4_w;  /* the ip4 message, written up to the DHCP keys */
	char ip4_buf[SSTP_IPC_MAX_MESSAGE];
	size_t ip4_fields;
	size_t ip4_ipcp_dns;
	uint64_t frames_to_server, frames_to_pppd, frames_dropped_gate;
};

static void tunnel_step(struct tunnel *t, const struct sstp_event *ev);

static void
local_failure(struct tunnel *t, int code, const char *msg)
{
	struct sstp_event ev = { .type = SSTP_EV_LOCAL_DISCONNECT };

	if (t->fatal_code == 0) {
		t->fatal_code = code;
		snprintf(t->fatal_msg, sizeof(t->fatal_msg), "%s", msg);
	}
	tlog_error("%s", msg);
	if (!t->sstp_closed)
		tunnel_step(t, &ev);
}

static void
queue_control(struct tunnel *t, const uint8_t *pkt, size_t n)
{
	if (n == 0) {
		local_failure(t, SSTP_EXIT_INTERNAL, "cannot build an SSTP control packet");
		return;
	}
	if (n >= 6)
		tlog_debug("> %s (%zu bytes)", sstp_msg_type_name((uint16_t) (pkt[4] << 8 | pkt[5])), n);
	if (!tbuf_append(&t->tls_tx, pkt, n))
		local_failure(t, SSTP_EXIT_INTERNAL, "out of memory");
}

static void
send_call_connected(struct tunnel *t)
{
	uint8_t cert_hash[SSTP_HASH_SLOT_LEN];
	uint8_t pkt[SSTP_CALL_CONNECTED_LEN];

	if (sstp_crypto_cert_hash(t->sc.hash, t->conn->cert_der, t->conn->cert_der_len, cert_hash) != 0
	    || sstp_crypto_build_call_connected(t->sc.hash, t->hlak, t->sc.nonce, cert_hash, pkt) != 0) {
		OPENSSL_cleanse(t->hlak, sizeof(t->hlak));
		local_failure(t, SSTP_EXIT_INTERNAL, "cannot compute the SSTP crypto binding");
		return;
	}
	OPENSSL_cleanse(t->hlak, sizeof(t->hlak));
	tlog_info("SSTP: crypto binding sent (%s)", t->sc.hash == SSTP_HASH_SHA256 ? "SHA-256" : "SHA-1");
	queue_control(t, pkt, sizeof(pkt));
}

/* Debug only: what PPP negotiates, frame by frame ("<" from the server, ">" to it). pppd
 * is never asked for its own `debug` packet dumps, which print challenges and
 * responses (tunnel-pppd.c); this summary names authentication packets only. */
static void
log_ppp_frame(const char *dir, const uint8_t *frame, size_t len)
{
	char what[160];

	if (tunnel_log_debug_enabled() && sstp_ppp_frame_describe(frame, len, what, sizeof(what)))
		tlog_debug("%s PPP %s", dir, what);
}

static void
deliver_to_pppd(struct tunnel *t, const uint8_t *frame, size_t len)
{
	uint8_t *out;
	size_t n;

	/* Only around the DHCPINFORM exchange; one bool test otherwise. */
	if (t->dhcp.watching && tunnel_dhcp_from_server(&t->dhcp, frame, len, tunnel_now_ms()))
		return;
	out = tbuf_reserve(&t->pty_tx, HDLC_ENCODED_MAX(len));
	if (!out) {
		local_failure(t, SSTP_EXIT_INTERNAL, "out of memory");
		return;
	}
	/* pppd runs with "receive-all" (tunnel-pppd.c): once it has written
	 * its first frame its receive async map is 0 (lcp_lowerup() sets it
	 * before the first Configure-Request) and control bytes need no
	 * escape, which makes the encoder a bulk copy. LCP keeps the full
	 * escapes: lcp_down() puts pppd's map back to all ones (it ignores
	 * receive-all there) until LCP is up again, and in that time only
	 * LCP frames reach pppd at all. Frames queued before pppd is
	 * ready were encoded in full, which is always valid. */
	if (t->pppd_ready && sstp_ppp_frame_protocol(frame, len) != 0xc021)
		n = hdlc_encode_min(frame, len, out, HDLC_ENCODED_MAX(len));
	else
		n = hdlc_encode(frame, len, out, HDLC_ENCODED_MAX(len));
	tbuf_commit(&t->pty_tx, n);
	t->frames_to_pppd++;
	log_ppp_frame("<", frame, len);
}

static void
start_pppd(struct tunnel *t)
{
	int r;

	tunnel_status_state("ppp");
	r = tunnel_pppd_start(t->o, &t->pppd);
	/* Root was needed for that alone: everything the network sends from
	 * here on is handled unprivileged (tunnel-sandbox.h). */
	if (r == 0)
		r = tunnel_sandbox_drop_after_pppd();
	if (r != 0) {
		/* tunnel_pppd_start logged the reason already. */
		local_failure(t, r, tunnel_fail_message()[0] ? tunnel_fail_message() : "cannot start pppd");
	}
}

static void
apply_actions(struct tunnel *t, const struct sstp_actions *a, const struct sstp_event *ev)
{
	uint8_t pkt[64];

	if (a->log) {
		t->last_sstp_log = a->log;
		tlog_info("SSTP: %s", a->log);
	}
	if (a->send_connect_request) {
		t->connect_request_ms = tunnel_now_ms();
		queue_control(t, pkt, sstp_packet_build_call_connect_request(pkt, sizeof(pkt)));
	}
	if (a->send_call_connected)
		send_call_connected(t);
	if (a->send_echo_request)
		queue_control(t, pkt, sstp_packet_build_empty(pkt, sizeof(pkt), SSTP_MSG_ECHO_REQUEST));
	if (a->send_echo_response)
		queue_control(t, pkt, sstp_packet_build_empty(pkt, sizeof(pkt), SSTP_MSG_ECHO_RESPONSE));
	if (a->send_disconnect)
		queue_control(t, pkt, sstp_packet_build_with_status(pkt, sizeof(pkt), SSTP_MSG_CALL_DISCONNECT,
		                                                     SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR));
	if (a->send_disconnect_ack)
		queue_control(t, pkt, sstp_packet_build_empty(pkt, sizeof(pkt), SSTP_MSG_CALL_DISCONNECT_ACK));
	if (a->send_abort)
		queue_control(t, pkt, sstp_packet_build_with_status(pkt, sizeof(pkt), SSTP_MSG_CALL_ABORT,
		                                                     a->abort_attr_id, a->abort_status));
	if (a->deliver_data && ev && ev->data)
		deliver_to_pppd(t, ev->data, ev->data_len);
	if (a->cancel_timer)
		t->timer_deadline = -1;
	if (a->set_timer) {
		t->timer_deadline = tunnel_now_ms() + a->timer_ms;
	}
	if (a->start_ppp && t->pppd.pid == 0) {
		/* The ACK is here: one round trip since the request. */
		if (t->connect_request_ms > 0)
			t->sstp_rtt_ms = tunnel_now_ms() - t->connect_request_ms;
		start_pppd(t);
	}
	if (a->close && !t->sstp_closed) {
		t->sstp_closed = true;
		t->close_deadline = tunnel_now_ms() + TEARDOWN_FLUSH_MS;
		tlog_debug("SSTP: session closed (%s)", sstp_close_reason_name(t->sc.close_reason));
	}
}

static void
tunnel_step(struct tunnel *t, const struct sstp_event *ev)
{
	struct sstp_actions a;
	enum sstp_state before = t->sc.state;

	memset(&a, 0, sizeof(a));
	sstp_client_step(&t->sc, ev, &a);
	if (before != t->sc.state)
		tlog_debug("SSTP: %s -> %s", sstp_state_name(before), sstp_state_name(t->sc.state));
	apply_actions(t, &a, ev);
}

/* ---- SSTP input ------------------------------------------------------- */

/* A CHAP (also MS-CHAPv2) Failure, PAP Authenticate-Nak or EAP Failure from
 * the server: it refused our credentials. These protocols are never
 * PFC-compressed, so the code follows a 2-byte protocol field. */
static bool
ppp_frame_is_auth_refusal(const uint8_t *frame, size_t len)
{
	int proto = sstp_ppp_frame_protocol(frame, len);
	size_t off = (len >= 2 && frame[0] == 0xff && frame[1] == 0x03) ? 4 : 2;

	if (off >= len)
		return false;
	return (proto == 0xc223 && frame[off] == 4) || (proto == 0xc023 && frame[off] == 3)
	       || (proto == 0xc227 && frame[off] == 4);
}

static void
handle_packet(struct tunnel *t, const uint8_t *buf, size_t len)
{
	struct sstp_packet pkt;
	struct sstp_parse_error perr;
	struct sstp_event ev;

	t->rx_activity = true;
	memset(&perr, 0, sizeof(perr));
	if (sstp_packet_parse(buf, len, &pkt, &perr) != 0) {
		tlog_warn("invalid SSTP packet from the server: %s", perr.message ? perr.message : "?");
		memset(&ev, 0, sizeof(ev));
		ev.type = SSTP_EV_INVALID;
		ev.error = perr;
		tunnel_step(t, &ev);
		return;
	}
	if (!pkt.is_control) {
		/* Hot path: in Call_Connected data always goes to pppd. */
		if (t->sc.state == SSTP_STATE_CALL_CONNECTED) {
			deliver_to_pppd(t, pkt.data, pkt.data_len);
			return;
		}
		/* Before Call Connected only: remember a refused login, which
		 * the exit code must report even if the server's Call
		 * Disconnect overtakes pppd's own exit status (see exit_code). */
		if (!t->ppp_auth_done && !t->ppp_auth_refused
		    && ppp_frame_is_auth_refusal(pkt.data, pkt.data_len)) {
			t->ppp_auth_refused = true;
			tlog_debug("the server refused the PPP credentials");
		}
		/* And what login the server wants, to say so if pppd cannot give it. */
		if (!t->ppp_auth_done && !t->server_auth_proto)
			t->server_auth_proto = sstp_ppp_lcp_auth_request(pkt.data, pkt.data_len,
			                                                 &t->server_chap_alg);
		memset(&ev, 0, sizeof(ev));
		ev.type = SSTP_EV_DATA;
		ev.data = pkt.data;
		ev.data_len = pkt.data_len;
		tunnel_step(t, &ev);
		return;
	}
	tlog_debug("< %s (%zu bytes)", sstp_msg_type_name(pkt.ctrl.msg_type), len);
	if (pkt.ctrl.n_status > 0)
		tlog_debug("  status info: attribute %u, %s", pkt.ctrl.status[0].attr_id,
		           sstp_status_name(pkt.ctrl.status[0].status));
	memset(&ev, 0, sizeof(ev));
	ev.type = SSTP_EV_CONTROL;
	ev.ctrl = &pkt.ctrl;
	tunnel_step(t, &ev);
}

static void
process_rx(struct tunnel *t)
{
	while (!t->conn_lost) {
		struct sstp_parse_error perr;
		int plen;

		memset(&perr, 0, sizeof(perr));
		plen = sstp_packet_frame_length(tbuf_head(&t->tls_rx), t->tls_rx.len, &perr);
		if (plen == 0)
			return;
		if (plen < 0) {
			/* Cannot find packet boundaries: the stream is unusable.
			 * [MS-SSTP]: close without sending anything. */
			snprintf(t->fatal_msg, sizeof(t->fatal_msg), "the server sent data that is not SSTP (%s)",
			         perr.message ? perr.message : "bad header");
			t->fatal_code = SSTP_EXIT_NEGOTIATION;
			tlog_error("%s", t->fatal_msg);
			t->conn_lost = true;
			t->sstp_closed = true;
			return;
		}
		if (t->tls_rx.len < (size_t) plen)
			return;
		handle_packet(t, tbuf_head(&t->tls_rx), (size_t) plen);
		tbuf_consume(&t->tls_rx, (size_t) plen);
	}
}

static void
conn_lost(struct tunnel *t, const char *why)
{
	if (t->conn_lost)
		return;
	t->conn_lost = true;
	snprintf(t->conn_lost_msg, sizeof(t->conn_lost_msg), "%s", why);
	if (!t->sstp_closed)
		tlog_warn("%s", why);
}

static void
tls_error(struct tunnel *t, int err, const char *op)
{
	char why[256], msg[300];
	unsigned long e = ERR_get_error();

	if (err == SSL_ERROR_ZERO_RETURN)
		snprintf(msg, sizeof(msg), "the server closed the TLS session");
	else if (err == SSL_ERROR_SYSCALL && e == 0)
		snprintf(msg, sizeof(msg), "the server closed the connection%s%s",
		         errno ? ": " : "", errno ? strerror(errno) : "");
	else {
		ERR_error_string_n(e, why, sizeof(why));
		snprintf(msg, sizeof(msg), "TLS %s failed: %s", op, why);
	}
	ERR_clear_error();
	conn_lost(t, msg);
}

static void
tls_read(struct tunnel *t)
{
	t->read_wants_write = false;
	while (!t->conn_lost && t->pty_tx.len < PTY_TX_HIGH) {
		uint8_t *p = tbuf_reserve(&t->tls_rx, TLS_READ_CHUNK);
		size_t got = 0;
		int ret, err;

		if (!p) {
			local_failure(t, SSTP_EXIT_INTERNAL, "out of memory");
			return;
		}
		errno = 0;
		ret = SSL_read_ex(t->conn->ssl, p, TLS_READ_CHUNK, &got);
		if (ret == 1) {
			tbuf_commit(&t->tls_rx, got);
			process_rx(t);
			/* With read-ahead, nothing pending means OpenSSL has
			 * used up what the last recv() brought: poll() will say
			 * when the socket has more. Trying again here would only
			 * cost a recv() failing with EAGAIN per round. */
			if (!SSL_has_pending(t->conn->ssl))
				return;
			continue;
		}
		err = SSL_get_error(t->conn->ssl, ret);
		if (err == SSL_ERROR_WANT_READ)
			return;
		if (err == SSL_ERROR_WANT_WRITE) {
			t->read_wants_write = true;
			return;
		}
		tls_error(t, err, "read");
		return;
	}
}

static void
tls_flush(struct tunnel *t)
{
	t->write_wants_read = false;
	while (!t->conn_lost && t->tls_tx.len > 0) {
		size_t done = 0;
		int ret, err;

		errno = 0;
		ret = SSL_write_ex(t->conn->ssl, tbuf_head(&t->tls_tx), t->tls_tx.len, &done);
		if (ret == 1) {
			tbuf_consume(&t->tls_tx, done);
			continue;
		}
		err = SSL_get_error(t->conn->ssl, ret);
		if (err == SSL_ERROR_WANT_WRITE)
			return;
		if (err == SSL_ERROR_WANT_READ) {
			t->write_wants_read = true;
			return;
		}
		tls_error(t, err, "write");
		return;
	}
}

/* ---- pppd side -------------------------------------------------------- */

static bool
on_ppp_frame(void *ctx, const uint8_t *frame, size_t len)
{
	struct tunnel *t = ctx;
	uint8_t *out;

	if (!sstp_client_may_send_ppp(&t->sc, frame, len)) {
		t->frames_dropped_gate++;
		tlog_debug("PPP frame (protocol 0x%04x) not allowed in state %s: dropped",
		           sstp_ppp_frame_protocol(frame, len), sstp_state_name(t->sc.state));
		return true;
	}
	tunnel_dhcp_watch_to_server(&t->dhcp, frame, len);
	log_ppp_frame(">", frame, len);
	out = tbuf_reserve(&t->tls_tx, SSTP_HEADER_LEN + len);
	if (!out) {
		local_failure(t, SSTP_EXIT_INTERNAL, "out of memory");
		return false;
	}
	tbuf_commit(&t->tls_tx, sstp_packet_build_data(out, SSTP_HEADER_LEN + len, frame, len));
	t->frames_to_server++;
	return true;
}

/* Reads what pppd wrote. A read gives at most what the pty's line
 * discipline holds (PTY_LDISC_BUF, under three 1400-byte frames), however
 * much pppd has queued behind it: in Call_Connected a read that filled it is
 * followed by another at once instead of a poll() round, and the frames go
 * to TLS as soon as a full record's worth (TLS_RECORD) is queued, so that a
 * busy upload costs about one read per 4 KiB and one write per 16 KiB.
 * PTY_ROUND_BUDGET bounds one round, so that the server's ACKs, signals and
 * the plugin are not kept waiting. */
static void
pty_read(struct tunnel *t)
{
	size_t budget = PTY_ROUND_BUDGET;

	while (t->tls_tx.len < TLS_TX_HIGH && !t->sstp_closed) {
		ssize_t n = read(t->pppd.master, t->pty_chunk, PTY_READ_CHUNK);

		if (n > 0) {
			if (!t->pppd_ready) {
				t->pppd_ready = true;
				tlog_debug("pppd wrote its first frame: releasing %zu queued bytes", t->pty_tx.len);
			}
			hdlc_decode(t->dec, t->pty_chunk, (size_t) n, on_ppp_frame, t);
			/* Before Call_Connected the plugin socket must be read
			 * between pty reads (see the top of this file). */
			if ((size_t) n < PTY_LDISC_BUF || (size_t) n >= budget
			    || t->sc.state != SSTP_STATE_CALL_CONNECTED)
				return;
			budget -= (size_t) n;
			if (t->tls_tx.len >= TLS_RECORD && !t->write_wants_read)
				tls_flush(t);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		/* EAGAIN: drained. EIO: pppd closed its side (it is ending;
		 * SIGCHLD will tell). */
		return;
	}
}

static void
pty_flush(struct tunnel *t)
{
	while (t->pppd_ready && t->pty_tx.len > 0) {
		size_t want = t->pty_tx.len;
		ssize_t n = write(t->pppd.master, tbuf_head(&t->pty_tx), want);
		if (n > 0) {
			tbuf_consume(&t->pty_tx, (size_t) n);
			/* A short write means the pty had no more room: the next
			 * write would only fail with EAGAIN (on the host benchmark
			 * a third of the download's system calls). POLLOUT says
			 * when pppd has read. */
			if ((size_t) n < want) {
				t->pty_full = true;
				return;
			}
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			t->pty_full = true;
		if (n < 0 && errno != EAGAIN) {
			/* pppd is going away; drop what it will never read. */
			tlog_debug("pty write: %s", strerror(errno));
			tbuf_consume(&t->pty_tx, t->pty_tx.len);
		}
		return;
	}
}

/* ---- plugin messages -------------------------------------------------- */

static void
handle_auth_up(struct tunnel *t, const struct sstp_ipc_msg *m)
{
	const char *method = sstp_ipc_get(m, "method");
	uint8_t sk[64], rk[64];
	int sl = sstp_ipc_get_hex(m, "send-key", sk, sizeof(sk));
	int rl = sstp_ipc_get_hex(m, "recv-key", rk, sizeof(rk));
	struct sstp_event ev = { .type = SSTP_EV_PPP_AUTH_DONE };
	const char *hlak_kind = "no keys (zero HLAK)";

	if (!method)
		method = "none";
	switch (sstp_crypto_hlak_from_ppp(method, sk, sl > 0 ? (size_t) sl : 0,
	                                  rk, rl > 0 ? (size_t) rl : 0, t->hlak)) {
	case SSTP_HLAK_FROM_MSCHAPV2:
		hlak_kind = "MS-CHAPv2 master keys";
		break;
	case SSTP_HLAK_FROM_EAP:
		hlak_kind = "EAP master send key";
		break;
	case SSTP_HLAK_FROM_BAD_KEYS:
		/* A server that checks the binding will abort the call: say why here. */
		tlog_warn("the pppd plugin passed %s keys of %d and %d bytes, which this version "
		          "cannot use for the crypto binding; a server that checks it will refuse "
		          "the connection", method, sl, rl);
		break;
	case SSTP_HLAK_FROM_NOTHING:
		break;
	}
	OPENSSL_cleanse(sk, sizeof(sk));
	OPENSSL_cleanse(rk, sizeof(rk));
	tlog_info("PPP authentication done (method %s, %s)", method, hlak_kind);
	t->ppp_auth_done = true;
	t->ppp_auth_none = strcmp(method, "none") == 0;
	tunnel_step(t, &ev);
	/* The step above has sent Call Connected with it, or it never will
	 * (an auth-up in the wrong state): either way the HLAK is done with. */
	OPENSSL_cleanse(t->hlak, sizeof(t->hlak));
}

/* Copies the fields of m named in keys; returns how many. */
static size_t
status_copy_keys(struct sstp_ipc_writer *w, const struct sstp_ipc_msg *m, const char *const *keys,
                 size_t n_keys)
{
	size_t n = 0;

	for (size_t i = 0; i < m->n_fields; i++)
		for (size_t k = 0; k < n_keys; k++)
			if (strcmp(m->keys[i], keys[k]) == 0) {
				sstp_ipc_writer_add(w, m->keys[i], m->values[i]);
				n++;
			}
	return n;
}

static void
status_finish_send(struct sstp_ipc_writer *w, const char *type, const char *gateway)
{
	size_t n;

	if (gateway && gateway[0])
		sstp_ipc_writer_add(w, "gateway", gateway);
	n = sstp_ipc_writer_finish(w);
	if (n == 0) {
		tlog_warn("cannot relay the %s message to the service", type);
		return;
	}
	tunnel_status_send(w->out, n);
}

static void
relay_status(const struct sstp_ipc_msg *m, const char *type, const char *const *keys, size_t n_keys,
             const char *gateway)
{
	char buf[SSTP_IPC_MAX_MESSAGE];
	struct sstp_ipc_writer w;

	sstp_ipc_writer_init(&w, buf, sizeof(buf), type);
	status_copy_keys(&w, m, keys, n_keys);
	status_finish_send(&w, type, gateway);
}

static void
report_connected(struct tunnel *t)
{
	if (!t->connected_reported) {
		t->connected_reported = true;
		tunnel_status_state("connected");
	}
}

/* The ip4 message: the ip-up keys, what the DHCPINFORM brought if it has
 * been answered, the gateway. update: the second one, after a late answer. */
static void
send_ip4(struct tunnel *t, bool update)
{
	char buf[SSTP_IPC_MAX_MESSAGE];
	struct sstp_ipc_writer w = t->ip4_w;
	size_t fields = t->ip4_fields + 1;   /* + 1: the gateway field added last */

	/* A copy: the ip-up part is kept for a later update. */
	memcpy(buf, t->ip4_buf, t->ip4_w.len);
	w.out = buf;
	w.cap = sizeof(buf);
	if (update) {
		sstp_ipc_writer_add(&w, "update", "dhcp");
		fields++;
	}
	if (tunnel_dhcp_has_keys(&t->dhcp, t->ip4_ipcp_dns))
		t->ip4_dhcp_sent = true;
	tunnel_dhcp_add_keys(&t->dhcp, &w, fields, IP4_GATEWAY_RESERVE, t->ip4_ipcp_dns);
	status_finish_send(&w, "ip4", t->conn->peer_ip);
}

static void
release_ip4(struct tunnel *t)
{
	t->ip4_held = false;
	t->ip4_sent = true;
	if (t->dhcp.phase == TUNNEL_DHCP_WAITING)
		tlog_debug("DHCP: no answer yet: the IPv4 configuration goes to NetworkManager "
		           "without it; a later answer follows as an update");
	send_ip4(t, false);
	report_connected(t);
}

static void
handle_ip_up(struct tunnel *t, const struct sstp_ipc_msg *m)
{
	static const char *const ip4_keys[] = { "ifname", "address", "peer", "dns", "wins", "mtu", "ipv6" };
	const char *dns[2] = { NULL, NULL };
	size_t ndns = sstp_ipc_get_all(m, "dns", dns, 2);

	if (t->ip4_held || t->ip4_sent) {
		tlog_debug("plugin: another ip-up: ignored");
		return;
	}
	tlog_info("IPv4 up on %s: address %s, peer %s%s%s%s%s",
	          sstp_ipc_get(m, "ifname") ? sstp_ipc_get(m, "ifname") : "?",
	          sstp_ipc_get(m, "address") ? sstp_ipc_get(m, "address") : "?",
	          sstp_ipc_get(m, "peer") ? sstp_ipc_get(m, "peer") : "?",
	          ndns > 0 ? ", DNS " : "", ndns > 0 ? dns[0] : "",
	          ndns > 1 ? " " : "", ndns > 1 ? dns[1] : "");
	sstp_ipc_writer_init(&t->ip4_w, t->ip4_buf, sizeof(t->ip4_buf), "ip4");
	t->ip4_fields = status_copy_keys(&t->ip4_w, m, ip4_keys, sizeof(ip4_keys) / sizeof(ip4_keys[0]));
	t->ip4_ipcp_dns = ndns;
	if (tunnel_dhcp_ip_up(&t->dhcp, sstp_ipc_get(m, "address"), sstp_ipc_get(m, "peer"), tunnel_now_ms())) {
		int hold = tunnel_dhcp_hold_ms(t->sstp_rtt_ms);

		tlog_debug("DHCP: waiting up to %d ms for the answer (round trip to the server %lld ms)",
		           hold, (long long) t->sstp_rtt_ms);
		t->ip4_held = true;
		t->ip4_hold_until = tunnel_now_ms() + hold;
		return;
	}
	release_ip4(t);
}

/* poll() timeout for the DHCPINFORM and the held ip4 message, -1: none. */
static int
dhcp_timeout_ms(const struct tunnel *t, int64_t now)
{
	int dw = tunnel_dhcp_timeout_ms(&t->dhcp, now);

	if (t->ip4_held) {
		int hw = t->ip4_hold_until > now ? (int) (t->ip4_hold_until - now) : 0;
		if (dw < 0 || hw < dw)
			dw = hw;
	}
	return dw;
}

/* After every poll round: cheap unless an INFORM is outstanding. */
static void
dhcp_run(struct tunnel *t)
{
	uint8_t frame[DHCP_INFORM_FRAME_LEN];
	size_t n;

	/* A late answer: what it brought goes out as an update. */
	if (t->ip4_sent && !t->ip4_dhcp_sent && t->dhcp.answered) {
		if (tunnel_dhcp_has_keys(&t->dhcp, t->ip4_ipcp_dns)) {
			tlog_info("DHCP: the answer came after the IPv4 configuration went to "
			          "NetworkManager: sending what it brought as an update");
			send_ip4(t, true);
		}
		t->ip4_dhcp_sent = true;
	}
	if (t->dhcp.phase != TUNNEL_DHCP_WAITING && !t->ip4_held)
		return;
	n = tunnel_dhcp_step(&t->dhcp, tunnel_now_ms(), frame, sizeof(frame));
	if (n > 0 && !t->sstp_closed) {
		/* The same path as a frame from pppd: SSTP state gating,
		 * one data packet, the TLS output queue. */
		on_ppp_frame(t, frame, n);
		if (!t->write_wants_read)
			tls_flush(t);
	}
	if (t->ip4_held && (t->dhcp.phase == TUNNEL_DHCP_DONE || tunnel_now_ms() >= t->ip4_hold_until))
		release_ip4(t);
}

static void
handle_plugin_message(struct tunnel *t, const struct sstp_ipc_msg *m)
{
	static const char *const ip6_keys[] = { "ifname", "local-iid", "peer-iid" };

	tlog_debug("plugin: %s", m->type);
	if (strcmp(m->type, "auth-up") == 0) {
		handle_auth_up(t, m);
	} else if (strcmp(m->type, "eap-rejected") == 0) {
		/* The service may connect again with refuse-eap (nm-sstp-service.c). */
		t->eap_rejected = true;
		tlog_info("the server asked for EAP and then rejected it: it takes EAP only for "
		          "certificates");
		relay_status(m, "eap-rejected", NULL, 0, NULL);
	} else if (strcmp(m->type, "peap-declined") == 0) {
		t->peap_declined = true;
	} else if (strcmp(m->type, "peap-failed") == 0) {
		const char *why = sstp_ipc_get(m, "why");

		t->peap_failed = true;
		snprintf(t->peap_why, sizeof(t->peap_why), "%s", why ? why : "");
	} else if (strcmp(m->type, "ip-up") == 0) {
		handle_ip_up(t, m);
	} else if (strcmp(m->type, "ip6-up") == 0) {
		/* (with the gateway: without IPv4 this is the tunnel's only config) */
		relay_status(m, "ip6", ip6_keys, sizeof(ip6_keys) / sizeof(ip6_keys[0]), t->conn->peer_ip);
		tlog_info("IPv6 up on %s: local %s, peer %s",
		          sstp_ipc_get(m, "ifname") ? sstp_ipc_get(m, "ifname") : "?",
		          sstp_ipc_get(m, "local-iid") ? sstp_ipc_get(m, "local-iid") : "?",
		          sstp_ipc_get(m, "peer-iid") ? sstp_ipc_get(m, "peer-iid") : "?");
		/* While ip4 waits for the DHCPINFORM, "connected" waits with it. */
		if (!t->ip4_held)
			report_connected(t);
	}
	/* Unknown types: ignored (forward compatible). */
}

static void
plugin_read(struct tunnel *t)
{
	static struct sstp_ipc_msg msg;
	char buf[SSTP_IPC_MAX_MESSAGE + 1];

	while (t->pppd.sock >= 0) {
		ssize_t n = recv(t->pppd.sock, buf, sizeof(buf), MSG_DONTWAIT);
		const char *why = NULL;
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			/* pppd (and its plugin) are gone. */
			close(t->pppd.sock);
			t->pppd.sock = -1;
			return;
		}
		r = sstp_ipc_parse(buf, (size_t) n, &msg, &why);
		/* auth-up carries the MPPE keys in hex: no copy of any message
		 * outlives its handling (msg is static, buf stays on the stack). */
		OPENSSL_cleanse(buf, (size_t) n);
		if (r != 0) {
			OPENSSL_cleanse(msg.buf, sizeof(msg.buf));
			tlog_warn("ignoring a malformed message from the pppd plugin: %s", why);
			continue;
		}
		handle_plugin_message(t, &msg);
		OPENSSL_cleanse(msg.buf, sizeof(msg.buf));
	}
}

/* ---- signals ---------------------------------------------------------- */

static void
request_stop(struct tunnel *t, int signo)
{
	struct sstp_event ev = { .type = SSTP_EV_LOCAL_DISCONNECT };

	if (t->stop_requested) {
		tlog_warn("second %s: stopping now", strsignal(signo));
		t->sstp_closed = true;
		t->close_deadline = tunnel_now_ms();
		return;
	}
	t->stop_requested = true;
	tlog_info("%s: disconnecting", strsignal(signo));
	if (!t->sstp_closed)
		tunnel_step(t, &ev);
}

static void
handle_pppd_exit(struct tunnel *t)
{
	struct sstp_event ev = { .type = SSTP_EV_LOCAL_DISCONNECT };
	char msg[256];

	tunnel_pppd_exit_code(t->pppd.wait_status, msg, sizeof(msg));
	tlog_info("%s", msg);
	if (!t->sstp_closed) {
		t->pppd_gone = true;
		tunnel_step(t, &ev);
	}
}

static void
signals_read(struct tunnel *t)
{
	struct signalfd_siginfo si;

	while (read(t->sigfd, &si, sizeof(si)) == (ssize_t) sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
		case SIGHUP:
			request_stop(t, (int) si.ssi_signo);
			break;
		default:
			break;
		}
	}
	if (t->pppd.pid > 0 && !t->pppd.exited && tunnel_pppd_reap(&t->pppd))
		handle_pppd_exit(t);
}

/* ---- the loop --------------------------------------------------------- */

/* The earliest deadline of any timer, in tunnel_now_ms() time, -1: none.
 * now may be behind the clock: the DHCP timeouts it gives relative to now
 * then come out as their absolute deadline all the same (or now, when due). */
static int64_t
next_deadline(const struct tunnel *t, int64_t now)
{
	int64_t due = t->timer_deadline;
	int dw;

	if (t->sstp_closed && (due < 0 || t->close_deadline < due))
		due = t->close_deadline;
	dw = dhcp_timeout_ms(t, now);
	if (dw >= 0 && (due < 0 || now + dw < due))
		due = now + dw;
	return due;
}

/* Arms the timerfd at due (absolute, CLOCK_MONOTONIC like tunnel_now_ms()),
 * or disarms it (due < 0). A deadline already past fires at once. */
static int
arm_timer(int tfd, int64_t due)
{
	struct itimerspec its;

	memset(&its, 0, sizeof(its));
	if (due >= 0) {
		if (due < 1)
			due = 1;  /* an all-zero it_value would disarm */
		its.it_value.tv_sec = (time_t) (due / 1000);
		its.it_value.tv_nsec = (long) (due % 1000) * 1000000L;
	}
	return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static bool
loop_done(const struct tunnel *t)
{
	if (t->conn_lost)
		return true;
	if (t->sstp_closed)
		return t->tls_tx.len == 0 || tunnel_now_ms() >= t->close_deadline;
	return false;
}

/* Was this word given to pppd after "--" (e.g. refuse-eap from the profile)? */
static bool
pppd_option_given(const struct tunnel_options *o, const char *word)
{
	for (size_t i = 0; i < o->n_pppd_args; i++)
		if (strcmp(o->pppd_args[i], word) == 0)
			return true;
	return false;
}

static int
exit_code(struct tunnel *t)
{
	char pmsg[256] = "";
	int pcode = -1;

	if (t->pppd.exited)
		pcode = tunnel_pppd_exit_code(t->pppd.wait_status, pmsg, sizeof(pmsg));

	if (t->fatal_code)
		return tunnel_fail(t->fatal_code, "%s", t->fatal_msg);
	if (t->stop_requested) {
		tlog_info("disconnected on request");
		return SSTP_EXIT_OK;
	}
	/* With EAP-TLS the worker checked the certificate and key before it
	 * connected (tunnel-eaptls.h): a refusal now is the server's verdict on
	 * the certificate, so name what the server checks. */
	if ((pcode == SSTP_EXIT_AUTH || (t->ppp_auth_refused && !t->ppp_auth_done)) &&
	    tunnel_eaptls_in_use(t->o))
		return tunnel_fail(SSTP_EXIT_AUTH, "PPP authentication failed: the server refused the "
		                   "client certificate (EAP-TLS): it must be issued by a CA the server "
		                   "trusts, for a name it accepts (tls-identity); pppd's log above may "
		                   "name the TLS alert");
	/* pppd's exit 19 then says "refused the user name or password": not so. */
	if (t->eap_rejected && !t->ppp_auth_done)
		return tunnel_fail(SSTP_EXIT_AUTH, "the server asked for EAP and rejected it when this "
		                   "connection declined a certificate login: connect with EAP refused "
		                   "(refuse-eap=yes)");
	/* pppd ends with a fatal error when PEAP's TLS handshake fails, most
	 * often because tls-ca-cert did not sign the server's certificate. */
	if (t->peap_failed && !t->ppp_auth_done)
		return tunnel_fail(SSTP_EXIT_AUTH, "PPP authentication failed: PEAP's TLS handshake with "
		                   "the authentication server failed (%s): its certificate must be "
		                   "signed by the CA in tls-ca-cert",
		                   t->peap_why[0] ? t->peap_why : "no reason given");
	/* A server that insists on PEAP refuses the EAP-MSCHAPv2 the plugin
	 * proposed in its place: name what would allow PEAP, not the password. */
	if (t->peap_declined && !t->ppp_auth_done &&
	    (pcode == SSTP_EXIT_AUTH || t->ppp_auth_refused))
		return tunnel_fail(SSTP_EXIT_AUTH, "PPP authentication failed: the server asked for PEAP, "
		                   "which this connection declined, and refused the login offered "
		                   "instead; PEAP needs pppd 2.5 or later and the CA certificate of the "
		                   "authentication server (tls-ca-cert)");
	/* A server that drops the call after a failed login is still a login
	 * failure for the user. */
	if (pcode == SSTP_EXIT_AUTH)
		return tunnel_fail(pcode, "%s", pmsg);
	/* The same when the server's Call Disconnect came before pppd's exit
	 * 19: pppd then waits up to 2 x 3 s for an LCP Terminate-Ack that the
	 * server, whose PPP is gone, never sends, and stopping it replaces its
	 * status (SIGTERM: 5, hangup: 16). Seeing the refusal go by decides
	 * it without waiting: "wrong password" (6), not "server
	 * disconnected" (7). */
	if (t->ppp_auth_refused && !t->ppp_auth_done)
		return tunnel_fail(SSTP_EXIT_AUTH, "PPP authentication failed: the server refused the "
		                   "user name or password");
	/* The server asked for a login and pppd gave none: it had no password for it (the
	 * plugin never lets pppd take one from /etc/ppp), or the method is refused. Once
	 * the server hangs up, that is what the user must fix, not "disconnected". */
	if (t->server_auth_proto && t->ppp_auth_none && t->sc.close_reason != SSTP_CLOSE_LOCAL_DISCONNECT) {
		const char *login = sstp_ppp_auth_name(t->server_auth_proto, t->server_chap_alg);

		/* The profile's refuse-eap, not a missing password: say which. */
		if (t->server_auth_proto == 0xc227 && pppd_option_given(t->o, "refuse-eap"))
			return tunnel_fail(SSTP_EXIT_AUTH, "the server requires a login with EAP and "
			                   "this connection refuses EAP: allow it (refuse-eap=no, or "
			                   "EAP in the PPP settings of the editor)");

		return tunnel_fail(SSTP_EXIT_AUTH, "the server requires a login with %s and this "
		                   "connection gives none: set its password (or allow %s if it is "
		                   "refused in the PPP settings)", login, login);
	}
	if (t->pppd_gone)
		return pcode > 0 ? tunnel_fail(pcode, "%s", pmsg) : SSTP_EXIT_OK;

	switch (t->sc.close_reason) {
	case SSTP_CLOSE_LOCAL_DISCONNECT:
		return SSTP_EXIT_OK;
	case SSTP_CLOSE_PEER_DISCONNECT:
		return tunnel_fail(SSTP_EXIT_PEER_ABORT, "the server disconnected the call (%s)",
		                   sstp_status_name(t->sc.peer_status));
	case SSTP_CLOSE_PEER_ABORT:
		return tunnel_fail(SSTP_EXIT_PEER_ABORT, "the server aborted the call (%s)",
		                   sstp_status_name(t->sc.peer_status));
	case SSTP_CLOSE_NEGOTIATION_FAILED:
		return tunnel_fail(SSTP_EXIT_NEGOTIATION, "SSTP negotiation failed: %s",
		                   t->last_sstp_log ? t->last_sstp_log : sstp_close_reason_name(t->sc.close_reason));
	case SSTP_CLOSE_PROTOCOL_ERROR:
		return tunnel_fail(SSTP_EXIT_NEGOTIATION, "invalid SSTP packet from the server: %s",
		                   t->last_sstp_log ? t->last_sstp_log : "call aborted");
	case SSTP_CLOSE_DEAD_PEER:
		return tunnel_fail(SSTP_EXIT_DEAD_PEER, "the server stopped answering (nothing received "
		                   "for %llu s, hello interval %u s)",
		                   (unsigned long long) (t->sc.silence_ms + 500) / 1000, t->o->hello_seconds);
	case SSTP_CLOSE_LOCAL_ABORT:
		return tunnel_fail(SSTP_EXIT_INTERNAL, "call aborted after a local error");
	case SSTP_CLOSE_NONE:
		break;
	}
	/* The TLS layer refused something of the server's (a renegotiation) and hung
	 * up itself: that refusal, recorded first, is the reason, in every phase. */
	if (t->conn_lost && tunnel_fail_code() == SSTP_EXIT_TLS)
		return SSTP_EXIT_TLS;
	if (t->conn_lost)
		return tunnel_fail(SSTP_EXIT_PEER_ABORT, "%s", t->conn_lost_msg);
	return tunnel_fail(SSTP_EXIT_INTERNAL, "the session ended for no known reason");
}

int
tunnel_loop_run(struct tunnel_options *o, struct tunnel_conn *conn, int sigfd)
{
	struct tunnel *t = calloc(1, sizeof(*t));
	struct sstp_event ev = { .type = SSTP_EV_START };
	int64_t now, armed = -1;
	unsigned rounds_unread = 0;
	int tfd = -1;
	int code;

	if (!t)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "out of memory");
	t->o = o;
	t->conn = conn;
	t->sigfd = sigfd;
	t->timer_deadline = -1;
	t->sstp_rtt_ms = -1;
	tunnel_pppd_init(&t->pppd);
	tbuf_init(&t->tls_rx);
	tbuf_init(&t->tls_tx);
	tbuf_init(&t->pty_tx);
	t->dec = malloc(sizeof(*t->dec));
	t->pty_chunk = malloc(PTY_READ_CHUNK);
	if (!t->dec || !t->pty_chunk) {
		free(t->dec);
		free(t->pty_chunk);
		free(t);
		return tunnel_fail(SSTP_EXIT_INTERNAL, "out of memory");
	}
	hdlc_decoder_init(t->dec);
	/* Our own pppd on a pty: nothing between us can corrupt a byte (hdlc.h). */
	hdlc_decoder_skip_fcs(t->dec);
	sstp_client_init(&t->sc, o->hello_seconds * 1000);
	tunnel_dhcp_init(&t->dhcp, !o->no_dhcp_inform);

	/* The timers run in the kernel, so that the busy data path needs no
	 * clock read per round: without a vDSO (UML) each is a system call,
	 * a fifth of them. Without a timerfd: poll() timeouts and a clock read
	 * per round, as before. */
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (tfd < 0)
		tlog_debug("timerfd_create: %s: reading the clock every round", strerror(errno));

	tunnel_status_state("sstp");
	tunnel_step(t, &ev);
	if (conn->leftover_len > 0 && tbuf_append(&t->tls_rx, conn->leftover, conn->leftover_len))
		process_rx(t);
	tls_flush(t);

	now = tunnel_now_ms();
	while (!loop_done(t)) {
		struct pollfd pfd[6];
		int n = 0, i_tls = -1, i_pty = -1, i_sock = -1, i_sig, i_status = -1, i_tfd = -1;
		int64_t wait = -1;
		short tls_rev = 0;
		bool fired = false;
		bool pty_alive = t->pppd.pid > 0 && !t->pppd.exited;
		bool tls_may_read = t->pty_tx.len < PTY_TX_HIGH;
		int r;

		pfd[n] = (struct pollfd) { .fd = t->sigfd, .events = POLLIN };
		i_sig = n++;
		if (t->pppd.sock >= 0) {
			pfd[n] = (struct pollfd) { .fd = t->pppd.sock, .events = POLLIN };
			i_sock = n++;
		}
		if (tunnel_status_fd() >= 0) {
			/* Nothing to wait for on it, but a pipe whose reader has
			 * closed (the service is gone) reports POLLERR anyway. */
			pfd[n] = (struct pollfd) { .fd = tunnel_status_fd(), .events = 0 };
			i_status = n++;
		}
		{
			short ev_tls = 0;
			if (tls_may_read || t->write_wants_read)
				ev_tls |= POLLIN;
			if ((t->tls_tx.len > 0 && !t->write_wants_read) || t->read_wants_write)
				ev_tls |= POLLOUT;
			pfd[n] = (struct pollfd) { .fd = t->conn->fd, .events = ev_tls };
			i_tls = n++;
		}
		if (pty_alive) {
			short ev_pty = 0;
			if (t->tls_tx.len < TLS_TX_HIGH && !t->sstp_closed)
				ev_pty |= POLLIN;
			if (t->pppd_ready && t->pty_tx.len > 0)
				ev_pty |= POLLOUT;
			pfd[n] = (struct pollfd) { .fd = t->pppd.master, .events = ev_pty };
			i_pty = n++;
		}

		if (tfd >= 0) {
			int64_t due = next_deadline(t, now);

			if (due != armed) {
				if (arm_timer(tfd, due) != 0) {
					local_failure(t, SSTP_EXIT_INTERNAL, "cannot set the timer");
					break;
				}
				armed = due;
			}
			pfd[n] = (struct pollfd) { .fd = tfd, .events = POLLIN };
			i_tfd = n++;
			if (t->rx_unstamped)
				wait = RX_STAMP_MS;
		} else {
			int64_t due = next_deadline(t, now);

			if (due >= 0)
				wait = due > now ? due - now : 0;
		}
		if (tls_may_read && SSL_has_pending(t->conn->ssl))
			wait = 0;
		if (wait > 60000)
			wait = 60000;

		r = poll(pfd, (nfds_t) n, (int) wait);
		if (r < 0 && errno != EINTR) {
			local_failure(t, SSTP_EXIT_INTERNAL, "poll failed");
			break;
		}

		if (r > 0 && i_tfd >= 0 && (pfd[i_tfd].revents & POLLIN)) {
			uint64_t expiries;

			fired = true;
			if (read(tfd, &expiries, sizeof(expiries)) < 0)
				expiries = 0;
			/* Fired: arm again next round even for the same deadline
			 * (one that is still due fires at once). */
			armed = -2;
		}
		/* The clock only when a timer may be due (the timerfd fired,
		 * poll() timed out, now has not moved for many rounds) or the
		 * last round's packets wait for their time: each read is a
		 * system call where there is no vDSO (UML). Stamping them only
		 * at a timeout would let traffic the other way (pings going
		 * up while the server is silent) delay the stamp, and the dead
		 * peer check with it, by seconds. */
		if (tfd < 0 || r == 0 || fired || t->rx_unstamped ||
		    ++rounds_unread >= CLOCK_READ_ROUNDS) {
			now = tunnel_now_ms();
			rounds_unread = 0;
			/* Later than the packet came, never earlier: the hello
			 * timer can only be late by that much, never early. */
			if (t->rx_unstamped) {
				t->last_rx_ms = now;
				t->rx_unstamped = false;
			}
		}
		if (r > 0)
			tls_rev = pfd[i_tls].revents;

		if (i_status >= 0 && (pfd[i_status].revents & (POLLERR | POLLHUP | POLLNVAL)))
			tunnel_status_lost();
		if (pfd[i_sig].revents)
			signals_read(t);
		/* Before the pty, always: see the comment at the top. */
		if (i_sock >= 0 && pfd[i_sock].revents)
			plugin_read(t);
		/* Read TLS only when the socket said so (or OpenSSL holds data
		 * already): a POLLOUT-only wake-up would cost a recv() that
		 * fails with EAGAIN on every round of the upload path. */
		if ((tls_rev & (POLLIN | POLLERR | POLLHUP)) || (t->read_wants_write && (tls_rev & POLLOUT))
		    || (tls_may_read && SSL_has_pending(t->conn->ssl))) {
			if (t->pty_tx.len < PTY_TX_HIGH)
				tls_read(t);
		}
		if (tls_rev)
			tls_flush(t);
		if (i_pty >= 0 && (pfd[i_pty].revents & POLLIN)) {
			/* Until authentication is done, auth-up may have been
			 * written just after poll() looked at the socket but
			 * before the NCP frames now in the pty: read the socket
			 * once more. Afterwards that ordering no longer matters. */
			if (t->pppd.sock >= 0 && !t->ppp_auth_done)
				plugin_read(t);
			pty_read(t);
		}
		/* A full pty takes nothing before poll() says POLLOUT: writing
		 * anyway costs a write() that fails with EAGAIN. */
		if (i_pty >= 0 && (pfd[i_pty].revents & (POLLOUT | POLLERR | POLLHUP | POLLNVAL)))
			t->pty_full = false;
		if (!t->pty_full)
			pty_flush(t);
		if (t->tls_tx.len > 0 && !t->write_wants_read)
			tls_flush(t);

		/* The packets read in this round arrived by now when the clock
		 * was read after poll (rounds_unread 0): the hello timer counts
		 * from here. Otherwise from the next clock read. */
		if (t->rx_activity) {
			if (rounds_unread == 0)
				t->last_rx_ms = now;
			else
				t->rx_unstamped = true;
			t->rx_activity = false;
		}
		if (t->timer_deadline >= 0 && now >= t->timer_deadline && !t->sstp_closed) {
			struct sstp_event tev = { .type = SSTP_EV_TIMER, .now_ms = (uint64_t) now,
			                          .last_rx_ms = (uint64_t) t->last_rx_ms };
			t->timer_deadline = -1;
			tunnel_step(t, &tev);
			tls_flush(t);
		}
		dhcp_run(t);
	}

	tlog_debug("frames: %llu to the server, %llu to pppd, %llu held back by SSTP state; HDLC: "
	           "%llu bad FCS, %llu too long",
	           (unsigned long long) t->frames_to_server, (unsigned long long) t->frames_to_pppd,
	           (unsigned long long) t->frames_dropped_gate,
	           (unsigned long long) t->dec->frames_bad_fcs, (unsigned long long) t->dec->frames_too_long);

	/* Teardown: TLS first (the server sees close_notify), then pppd. A server
	 * that did not answer in time gets a reset instead (tunnel-tls.h). */
	if (t->sc.peer_unresponsive)
		tunnel_conn_abort(conn);
	else
		tunnel_conn_close(conn);
	if (t->pppd.pid > 0) {
		tunnel_pppd_stop(&t->pppd, sigfd, PPPD_STOP_MS);
		if (!t->pppd_gone && t->pppd.exited) {
			char msg[256];
			tunnel_pppd_exit_code(t->pppd.wait_status, msg, sizeof(msg));
			tlog_debug("%s", msg);
		}
	}
	tunnel_pppd_close(&t->pppd);
	if (tfd >= 0)
		close(tfd);

	code = exit_code(t);

	OPENSSL_cleanse(t->hlak, sizeof(t->hlak));
	tbuf_free(&t->tls_rx);
	tbuf_free(&t->tls_tx);
	tbuf_free(&t->pty_tx);
	free(t->dec);
	free(t->pty_chunk);
	free(t);
	return code;
}
