/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sstp-test-server: a strict SSTP server for the project's end-to-end tests,
 * behaving like Windows RRAS and accel-ppp where it matters to a client:
 * it checks the HTTP request, offers a configurable hash set, runs its own
 * pppd (which authenticates the client), derives the HLAK itself from the
 * relayed MS-CHAPv2 exchange, keeps NCP and data frames blocked until a
 * Call Connected with the right nonce, certificate hash and Compound MAC
 * has arrived, and can inject faults. One call per run unless --loop.
 *
 * Exit status: 0 the crypto binding was verified, 1 usage or setup error,
 * 2 the binding check failed, 3 the call ended before a binding was
 * verified (TLS, HTTP, negotiation, authentication, faults).
 * With --loop: the status of the last call when SIGTERM/SIGINT arrives.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "hdlc.h"
#include "server-auth.h"
#include "server-eaptls.h"
#include "server-eap.h"
#include "server-peap.h"
#include "server-http.h"
#include "server-log.h"
#include "server-pppd.h"
#include "sstp-crypto.h"
#include "sstp-packet.h"

#define EXIT_VERIFIED      0
#define EXIT_USAGE         1
#define EXIT_BINDING_BAD   2
#define EXIT_NOT_VERIFIED  3

#define HTTP_TIMEOUT_S      60
#define TEARDOWN_ABORT_MS   3000     /* T_A1 */
#define TEARDOWN_DISC_MS    5000     /* T_D1 */
#define MAX_NAKS            3
#define MAX_DROP_LOG_LINES  20
#define PTY_OUT_CAP         65536
#define HELD_CAP            32768
#define RX_CAP              16384

/* ---- options ------------------------------------------------------------ */

struct faults {
	bool nak_first;
	bool nak_always;
	int abort_after;            /* seconds after Call Connected, -1 off */
	int silent_after;           /* seconds after Call Connected, -1 off */
	bool bad_version;           /* the ACK carries version 0x11 */
	bool oversized_length;      /* the ACK's length field says 4095 */
	int http_status;            /* 0, 403 or 500 */
	bool no_ack;
	const char *fault_file;     /* --fault-file: one KIND@MOMENT for the next call */
};

/* --fault-file: a fault taught on command, for one call (the fault matrix
 * of tests/uml/test-nm-faults.sh). KIND at MOMENT: */
enum fault_kind { FK_NONE = 0, FK_ABORT, FK_DISCONNECT, FK_SILENT, FK_RESET, FK_CLOSE };
enum fault_moment {
	FM_TLS = 0,      /* before the TLS handshake */
	FM_HTTP,         /* HTTP request read, not answered */
	FM_NEGOTIATION,  /* Call Connect Request received, not answered */
	FM_AUTH,         /* the client's first PPP authentication frame */
	FM_IPCP,         /* binding verified, pppd's NCP frames just released */
	FM_CONNECTED,    /* connected: fires on SIGUSR1 */
};
static const char *const fault_kind_names[] = { "none", "abort", "disconnect", "silent", "reset",
                                                "close" };
static const char *const fault_moment_names[] = { "tls", "http", "negotiation", "auth", "ipcp",
                                                  "connected" };

struct options {
	const char *cert;
	const char *key;
	const char *listen_addr;
	unsigned port;
	const char *port_file;
	const char *log_file;
	const char *expect_host;    /* Host and SNI must be this (accel-ppp host-name) */
	int auth_record_fd;         /* --auth-record: challenges and responses seen, -1: none */
	uint8_t hash_bitmask;
	unsigned hello_s;
	unsigned negotiation_s;
	bool loop;
	struct faults faults;
	struct server_pppd_config ppp;
	char password[MSCHAPV2_MAX_PASSWORD + 1];
	enum server_eap_mode eap_mode; /* --eap: pppd requires EAP, see server-eap.h */
	int eap_offer;              /* --eap-offer: 13 (EAP-TLS) or 25 (PEAP), 0 none */
	bool peap;                  /* --eap peap: PEAP through RADIUS, see server-peap.h */
	unsigned radius_port;       /* --radius-port (127.0.0.1) */
	const char *radius_secret;  /* --radius-secret FILE */
	bool peap_wrong_hlak;       /* --peap-wrong-hlak */
	char workdir[PATH_MAX];
	bool own_workdir;
	char eaptls_keys[PATH_MAX + 16]; /* --eap-tls: <workdir>/eaptls-keys */
};

/* ---- one call ----------------------------------------------------------- */

enum call_state {
	CALL_REQUEST_PENDING,       /* HTTP done, waiting for Call Connect Request */
	CALL_CONNECTED_PENDING,     /* ACK sent, PPP running, waiting for Call Connected */
	CALL_CONNECTED,             /* binding verified */
	CALL_ABORT_PENDING,         /* we sent Abort */
	CALL_DISCONNECT_ACK_PENDING,/* we sent Disconnect */
	CALL_CLOSED,
};

struct call {
	const struct options *opt;
	SSL *ssl;
	int fd;
	enum call_state state;
	const uint8_t *cert_der;
	size_t cert_der_len;

	uint8_t rx[RX_CAP];
	size_t rx_len;

	uint8_t nonce[SSTP_NONCE_LEN];
	unsigned requests;          /* Call Connect Requests seen */
	unsigned naks;
	bool pppd_started;
	bool pppd_spoke;            /* pppd wrote its first frame: it owns the tty now */
	struct server_pppd pppd;
	struct hdlc_decoder dec;
	uint8_t pty_out[PTY_OUT_CAP];
	size_t pty_out_len;
	uint8_t held[HELD_CAP];     /* pppd frames waiting for the binding: u16 len + frame */
	uint8_t eap_frame[2048];    /* a pppd or client frame EAP may correct */
	size_t held_len;

	struct server_auth auth;
	struct server_eaptls eaptls;
	struct server_eap eap;
	struct server_peap peap;
	uint8_t peap_to_client[PEAP_FRAME_MAX];
	uint8_t peap_to_pppd[PEAP_FRAME_MAX];
	bool call_connected_deferred;
	uint8_t call_connected[SSTP_CALL_CONNECTED_LEN];
	bool verified;
	bool binding_failed;
	bool silent;
	bool reset;                 /* fault reset: close with RST, no TLS close_notify */
	enum fault_kind fault;      /* armed from --fault-file for this call */
	enum fault_moment fault_at;

	/* deadlines in monotonic ms, 0 = off */
	int64_t negotiation_deadline;
	int64_t hello_deadline;
	int64_t abort_at;
	int64_t silent_at;
	int64_t teardown_deadline;
	bool rx_activity;
	bool echo_outstanding;

	/* counters for the summary line */
	uint64_t frames_from_client;
	uint64_t frames_to_client;
	uint64_t dropped_before_binding;
	uint64_t held_pppd_frames;
	uint64_t dropped_pty_overflow;
	uint64_t echo_answered;
	const char *end_reason;
};

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t got_usr1;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_signal = sig;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *hash_name(uint8_t h)
{
	switch (h) {
	case SSTP_HASH_SHA1: return "sha1";
	case SSTP_HASH_SHA256: return "sha256";
	case SSTP_HASH_SHA1 | SSTP_HASH_SHA256: return "sha1,sha256";
	default: return "none";
	}
}

static void log_openssl_errors(const char *what)
{
	unsigned long e;
	char buf[256];

	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		server_log("%s: %s", what, buf);
	}
}

static void call_close(struct call *c, const char *reason)
{
	if (c->state != CALL_CLOSED) {
		c->state = CALL_CLOSED;
		c->end_reason = reason;
	}
}

/* ---- TLS output --------------------------------------------------------- */

/* Write all of buf. The socket is non-blocking; a write that cannot go
 * out waits for the socket (10 s at most) rather than keeping an output
 * queue: the peer is a test client that always reads. */
static bool tls_send(struct call *c, const uint8_t *buf, size_t len)
{
	int64_t give_up = now_ms() + 10000;

	if (c->silent || c->state == CALL_CLOSED)
		return false;
	while (len > 0) {
		int n = SSL_write(c->ssl, buf, (int) len);
		if (n > 0) {
			buf += n;
			len -= (size_t) n;
			continue;
		}
		int err = SSL_get_error(c->ssl, n);
		if ((err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) && now_ms() < give_up) {
			struct pollfd p = { .fd = c->fd,
			                    .events = err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN };
			poll(&p, 1, 100);
			continue;
		}
		log_openssl_errors("tls write");
		server_log("tls write failed (error %d)", err);
		call_close(c, "tls write failed");
		return false;
	}
	return true;
}

static void send_control_empty(struct call *c, enum sstp_msg_type type)
{
	uint8_t pkt[16];
	size_t n = sstp_packet_build_empty(pkt, sizeof(pkt), type);

	if (n > 0)
		tls_send(c, pkt, n);
}

static void send_control_status(struct call *c, enum sstp_msg_type type, uint8_t attr,
                                uint32_t status)
{
	uint8_t pkt[32];
	size_t n = sstp_packet_build_with_status(pkt, sizeof(pkt), type, attr, status);

	if (n > 0)
		tls_send(c, pkt, n);
}

/* Local abort: [MS-SSTP] Call_Abort_Pending, wait T_A1 for the peer's Abort. */
static void call_abort(struct call *c, uint8_t attr, uint32_t status, const char *why)
{
	if (c->state == CALL_ABORT_PENDING || c->state == CALL_CLOSED)
		return;
	server_log("sent abort status=%s attr=%u: %s", sstp_status_name(status), attr, why);
	send_control_status(c, SSTP_MSG_CALL_ABORT, attr, status);
	c->state = CALL_ABORT_PENDING;
	c->end_reason = why;
	c->teardown_deadline = now_ms() + TEARDOWN_ABORT_MS;
}

static void call_disconnect(struct call *c, const char *why)
{
	if (c->state == CALL_ABORT_PENDING || c->state == CALL_DISCONNECT_ACK_PENDING ||
	    c->state == CALL_CLOSED)
		return;
	server_log("sent disconnect: %s", why);
	send_control_status(c, SSTP_MSG_CALL_DISCONNECT, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR);
	c->state = CALL_DISCONNECT_ACK_PENDING;
	c->end_reason = why;
	c->teardown_deadline = now_ms() + TEARDOWN_DISC_MS;
}

/* The wall clock, so that a test compares it with NetworkManager's D-Bus
 * signal times (dbus-monitor prints the same clock). */
static void log_fault(const struct call *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	server_log("fault %s@%s at=%lld.%03ld", fault_kind_names[c->fault],
	           fault_moment_names[c->fault_at], (long long) ts.tv_sec, ts.tv_nsec / 1000000);
}

/* Fire the armed fault if it belongs to this moment. Returns true when it
 * fired: the caller then does nothing more with what it was handling. */
static bool fault_fire(struct call *c, enum fault_moment at)
{
	if (c->fault == FK_NONE || c->fault_at != at)
		return false;
	log_fault(c);
	switch (c->fault) {
	case FK_ABORT:
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR, "fault abort");
		break;
	case FK_DISCONNECT:
		call_disconnect(c, "fault disconnect");
		break;
	case FK_SILENT:
		/* sends nothing more and waits for the client to leave */
		c->silent = true;
		c->hello_deadline = 0;
		c->negotiation_deadline = 0;
		break;
	case FK_RESET: {
		/* now, not after the server's pppd has been stopped (up to 3 s) */
		struct linger l = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(c->fd);
		c->fd = -1;
		c->reset = true;
		call_close(c, "fault reset");
		break;
	}
	case FK_CLOSE:
		/* TLS close_notify at once, no SSTP message before it */
		if (c->ssl && SSL_is_init_finished(c->ssl))
			SSL_shutdown(c->ssl);
		c->silent = true;  /* nothing more, not even a second close_notify */
		call_close(c, "fault close_notify");
		break;
	case FK_NONE:
		break;
	}
	c->fault = FK_NONE;
	return true;
}

/* Before TLS or in the HTTP phase (blocking socket): silent waits until the
 * client gives up; reset and close end at once. The wait outlasts the
 * client's own timers (TLS 30 s, HTTP 60 s) and NetworkManager's (60 s), so
 * that a test of those timers sees the client give up, not this server. */
#define SILENT_WAIT_S 180

static bool set_timeouts(int fd, unsigned seconds);

static void wait_for_client_to_leave(struct call *c)
{
	uint8_t buf[4096];

	set_timeouts(c->fd, SILENT_WAIT_S);
	while (recv(c->fd, buf, sizeof(buf), 0) > 0)
		;
}

static void send_ppp_to_client(struct call *c, const uint8_t *frame, size_t len)
{
	uint8_t pkt[SSTP_MAX_PACKET_LEN];
	size_t n = sstp_packet_build_data(pkt, sizeof(pkt), frame, len);

	if (n == 0)
		return;
	if (tls_send(c, pkt, n))
		c->frames_to_client++;
}

/* ---- towards pppd ------------------------------------------------------- */

static void pty_queue_frame(struct call *c, const uint8_t *frame, size_t len)
{
	size_t n;

	if (PTY_OUT_CAP - c->pty_out_len < HDLC_ENCODED_MAX(len)) {
		c->dropped_pty_overflow++;
		return;
	}
	n = hdlc_encode(frame, len, c->pty_out + c->pty_out_len, PTY_OUT_CAP - c->pty_out_len);
	c->pty_out_len += n;
}

static void pty_flush(struct call *c)
{
	/* Until pppd has written its first frame it may still flush the tty
	 * while taking it over: client frames wait here until then. */
	if (!c->pppd_spoke || c->pty_out_len == 0 || c->pppd.master < 0)
		return;
	ssize_t n = write(c->pppd.master, c->pty_out, c->pty_out_len);
	if (n > 0) {
		memmove(c->pty_out, c->pty_out + n, c->pty_out_len - (size_t) n);
		c->pty_out_len -= (size_t) n;
	}
}

/* ---- binding ------------------------------------------------------------ */

static void flush_held_frames(struct call *c)
{
	size_t off = 0;

	while (off + 2 <= c->held_len) {
		size_t len = ((size_t) c->held[off] << 8) | c->held[off + 1];
		send_ppp_to_client(c, c->held + off + 2, len);
		off += 2 + len;
	}
	c->held_len = 0;
}

static void verify_call_connected(struct call *c)
{
	const char *why = NULL;
	const char *hash = hash_name(c->call_connected[15]);

	if (sstp_crypto_verify_call_connected(c->call_connected, c->opt->hash_bitmask,
	                                      c->auth.hlak, c->nonce, c->cert_der,
	                                      c->cert_der_len, &why) == 0) {
		int64_t now = now_ms();
		server_log("binding verified hash=%s method=%s", hash, c->auth.method);
		c->verified = true;
		c->state = CALL_CONNECTED;
		c->negotiation_deadline = 0;
		c->hello_deadline = now + (int64_t) c->opt->hello_s * 1000;
		c->rx_activity = false;
		if (c->opt->faults.abort_after >= 0)
			c->abort_at = now + (int64_t) c->opt->faults.abort_after * 1000;
		if (c->opt->faults.silent_after >= 0)
			c->silent_at = now + (int64_t) c->opt->faults.silent_after * 1000;
		if (c->held_len > 0)
			server_log("released %llu held pppd frames",
			           (unsigned long long) c->held_pppd_frames);
		flush_held_frames(c);
		fault_fire(c, FM_IPCP);
		return;
	}
	server_log("binding FAILED: %s (hash=%s method=%s)", why ? why : "unknown", hash,
	           c->auth.method);
	/* Name the one wrong HLAK a client is known to use: 16 bytes of the
	 * EAP-TLS MasterSendKey and 16 zero bytes (pppd 2.4.9 keeps no more). */
	if (c->eaptls.have_short &&
	    sstp_crypto_verify_call_connected(c->call_connected, c->opt->hash_bitmask,
	                                      c->eaptls.hlak_short, c->nonce, c->cert_der,
	                                      c->cert_der_len, &why) == 0)
		server_log("binding check: the client's MAC matches an HLAK of the first 16 bytes of "
		           "the EAP-TLS MasterSendKey and 16 zero bytes, not the 32-byte "
		           "MasterSendKey MS-SSTP asks for");
	c->binding_failed = true;
	call_abort(c, SSTP_ATTR_CRYPTO_BINDING, SSTP_STATUS_VALUE_NOT_SUPPORTED,
	           "crypto binding mismatch");
}

static void on_call_connected(struct call *c, const uint8_t *pkt, size_t len)
{
	if (c->state != CALL_CONNECTED_PENDING) {
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
		           "call connected in the wrong state");
		return;
	}
	if (len != SSTP_CALL_CONNECTED_LEN || c->call_connected_deferred) {
		call_abort(c, SSTP_ATTR_CRYPTO_BINDING, SSTP_STATUS_INVALID_FRAME_RECEIVED,
		           len != SSTP_CALL_CONNECTED_LEN ? "call connected of the wrong size" :
		                                            "second call connected");
		return;
	}
	memcpy(c->call_connected, pkt, SSTP_CALL_CONNECTED_LEN);
	server_log("call connected received hash=%s", hash_name(pkt[15]));
	if (c->auth.state != SERVER_AUTH_DONE) {
		/* accel-ppp does the same: the HLAK is not known before pppd
		 * has accepted the client. */
		server_log("call connected before ppp authentication finished: deferred");
		c->call_connected_deferred = true;
		return;
	}
	verify_call_connected(c);
}

/* ---- frames from pppd --------------------------------------------------- */

static bool on_pppd_frame(void *ctx, const uint8_t *frame, size_t len)
{
	struct call *c = ctx;

	if (!c->pppd_spoke) {
		c->pppd_spoke = true;
		server_log("pppd wrote its first frame: relaying");
	}
	server_auth_from_pppd(&c->auth, frame, len);
	if (c->opt->ppp.eaptls_dir)
		server_eaptls_from_pppd(&c->eaptls, &c->auth, frame, len);
	if (c->opt->peap) {
		size_t to_pppd_len;

		if (server_peap_from_pppd(&c->peap, &c->auth, frame, len, c->peap_to_pppd, &to_pppd_len)) {
			if (to_pppd_len)
				pty_queue_frame(c, c->peap_to_pppd, to_pppd_len);
			return true;
		}
	}
	if (c->eap.mode != SERVER_EAP_OFF && len <= sizeof(c->eap_frame)) {
		uint8_t out[EAP_FRAME_MAX];
		size_t out_len;

		/* a copy, which EAP may correct before it goes on */
		memcpy(c->eap_frame, frame, len);
		frame = c->eap_frame;
		switch (server_eap_from_pppd(&c->eap, &c->auth, c->eap_frame, len, out, &out_len)) {
		case SERVER_EAP_DROP:
			if (out_len)
				send_ppp_to_client(c, out, out_len);
			return true;
		case SERVER_EAP_REPLY_BACK:
			pty_queue_frame(c, out, out_len);
			return true;
		default:
			break;
		}
	}
	if (c->call_connected_deferred && c->auth.state == SERVER_AUTH_DONE &&
	    c->state == CALL_CONNECTED_PENDING) {
		c->call_connected_deferred = false;
		/* the Success goes out first, as it would have without deferral */
		send_ppp_to_client(c, frame, len);
		verify_call_connected(c);
		return true;
	}

	switch (c->state) {
	case CALL_CONNECTED_PENDING:
		if (server_ppp_frame_allowed_before_binding(frame, len)) {
			send_ppp_to_client(c, frame, len);
		} else if (HELD_CAP - c->held_len >= len + 2) {
			c->held[c->held_len] = (uint8_t) (len >> 8);
			c->held[c->held_len + 1] = (uint8_t) len;
			memcpy(c->held + c->held_len + 2, frame, len);
			c->held_len += len + 2;
			c->held_pppd_frames++;
		}
		break;
	case CALL_CONNECTED:
		send_ppp_to_client(c, frame, len);
		break;
	default:
		break;
	}
	return true;
}

/* ---- packets from the client -------------------------------------------- */

static void send_ack(struct call *c)
{
	uint8_t pkt[64];
	size_t n;
	char hex[2 * SSTP_NONCE_LEN + 1];

	if (RAND_bytes(c->nonce, sizeof(c->nonce)) != 1) {
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR, "no random bytes for the nonce");
		return;
	}
	n = sstp_packet_build_call_connect_ack(pkt, sizeof(pkt), c->opt->hash_bitmask, c->nonce);
	if (n == 0) {
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR, "cannot build the ACK");
		return;
	}
	if (c->opt->faults.bad_version) {
		pkt[0] = 0x11;
		server_log("fault bad-version: the ACK carries version 0x11");
	}
	if (c->opt->faults.oversized_length) {
		pkt[2] = 0x0f;
		pkt[3] = 0xff;
		server_log("fault oversized-length: the ACK's length field says 4095, %zu bytes sent", n);
	}
	if (!tls_send(c, pkt, n))
		return;
	server_log("sent ack hashes=%s nonce=%s", hash_name(c->opt->hash_bitmask),
	           server_log_hex(c->nonce, sizeof(c->nonce), hex, sizeof(hex)));
	c->state = CALL_CONNECTED_PENDING;
	c->negotiation_deadline = now_ms() + (int64_t) c->opt->negotiation_s * 1000;

	if (server_pppd_start(&c->opt->ppp, &c->pppd) < 0) {
		server_pppd_stop(&c->pppd, 1000);
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR, "cannot start pppd");
		return;
	}
	c->pppd_started = true;
}

static void on_connect_request(struct call *c, const struct sstp_control *ctrl)
{
	const struct faults *f = &c->opt->faults;

	c->requests++;
	if (c->state != CALL_REQUEST_PENDING) {
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
		           "call connect request in the wrong state");
		return;
	}
	server_log("call connect request received protocol=%u",
	           ctrl->has_encap_protocol ? ctrl->encap_protocol : 0);
	if (fault_fire(c, FM_NEGOTIATION))
		return;
	if (f->no_ack) {
		server_log("fault no-ack: not answering the call connect request");
		return;
	}
	bool bad_protocol = !ctrl->has_encap_protocol || ctrl->encap_protocol != SSTP_ENCAP_PPP;
	if (bad_protocol || f->nak_always || (f->nak_first && c->requests == 1)) {
		c->naks++;
		if (c->naks > MAX_NAKS) {
			call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_RETRY_COUNT_EXCEEDED,
			           "too many call connect requests refused");
			return;
		}
		send_control_status(c, SSTP_MSG_CALL_CONNECT_NAK, SSTP_ATTR_ENCAPSULATED_PROTOCOL_ID,
		                    SSTP_STATUS_VALUE_NOT_SUPPORTED);
		server_log("sent nak status=VALUE_NOT_SUPPORTED (%s) count=%u",
		           bad_protocol ? "protocol is not PPP" :
		           f->nak_always ? "fault nak-always" : "fault nak-first", c->naks);
		return;
	}
	send_ack(c);
}

static void on_control(struct call *c, const uint8_t *pkt, size_t len,
                       const struct sstp_control *ctrl)
{
	const char *name = sstp_msg_type_name(ctrl->msg_type);
	uint32_t status = ctrl->n_status > 0 ? ctrl->status[0].status : 0;

	/* Teardown states ignore everything but the messages that end them. */
	if (c->state == CALL_ABORT_PENDING) {
		if (ctrl->msg_type == SSTP_MSG_CALL_ABORT) {
			server_log("client abort status=%s (answer to ours)", sstp_status_name(status));
			call_close(c, c->end_reason ? c->end_reason : "aborted");
		}
		return;
	}
	if (c->state == CALL_DISCONNECT_ACK_PENDING) {
		if (ctrl->msg_type == SSTP_MSG_CALL_DISCONNECT_ACK) {
			server_log("disconnect ack received");
			call_close(c, c->end_reason ? c->end_reason : "disconnected");
		} else if (ctrl->msg_type == SSTP_MSG_CALL_DISCONNECT) {
			send_control_empty(c, SSTP_MSG_CALL_DISCONNECT_ACK);
			server_log("client disconnect status=%s (crossed ours); sent disconnect ack",
			           sstp_status_name(status));
			call_close(c, "disconnect crossed");
		}
		return;
	}

	switch (ctrl->msg_type) {
	case SSTP_MSG_CALL_CONNECT_REQUEST:
		on_connect_request(c, ctrl);
		break;
	case SSTP_MSG_CALL_CONNECTED:
		on_call_connected(c, pkt, len);
		break;
	case SSTP_MSG_ECHO_REQUEST:
		if (c->state != CALL_CONNECTED) {
			call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
			           "echo request before call connected");
			break;
		}
		if (!c->silent) {
			send_control_empty(c, SSTP_MSG_ECHO_RESPONSE);
			c->echo_answered++;
		}
		break;
	case SSTP_MSG_ECHO_RESPONSE:
		if (c->echo_outstanding) {
			server_log("echo response received");
			c->echo_outstanding = false;
		} else {
			server_log("unsolicited echo response ignored");
		}
		break;
	case SSTP_MSG_CALL_DISCONNECT:
		server_log("client disconnect status=%s", sstp_status_name(status));
		send_control_empty(c, SSTP_MSG_CALL_DISCONNECT_ACK);
		server_log("sent disconnect ack");
		call_close(c, "client disconnect");
		break;
	case SSTP_MSG_CALL_ABORT:
		server_log("client abort status=%s", sstp_status_name(status));
		send_control_status(c, SSTP_MSG_CALL_ABORT, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR);
		call_close(c, "client abort");
		break;
	case SSTP_MSG_CALL_DISCONNECT_ACK:
		server_log("unexpected disconnect ack ignored");
		break;
	default:
		/* ACK, NAK: server-to-client messages */
		server_log("client sent %s, which only a server sends", name);
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
		           "server-only message from the client");
		break;
	}
}

static void on_data(struct call *c, const uint8_t *frame, size_t len)
{
	c->frames_from_client++;
	switch (c->state) {
	case CALL_REQUEST_PENDING:
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_UNACCEPTED_FRAME_RECEIVED,
		           "data packet before the call connect request");
		break;
	case CALL_CONNECTED_PENDING:
		if (!server_ppp_frame_allowed_before_binding(frame, len)) {
			const uint8_t *payload;
			size_t payload_len;
			int proto = server_ppp_split(frame, len, &payload, &payload_len);
			c->dropped_before_binding++;
			if (c->dropped_before_binding <= MAX_DROP_LOG_LINES)
				server_log("dropped client frame before call connected proto=0x%04x len=%zu",
				           proto < 0 ? 0 : (unsigned) proto, len);
			break;
		}
		if (c->fault_at == FM_AUTH) {
			int proto = sstp_ppp_frame_protocol(frame, len);
			if ((proto == 0xc223 || proto == 0xc023 || proto == 0xc227) &&
			    fault_fire(c, FM_AUTH))
				break;
		}
		server_auth_from_client(&c->auth, frame, len);
		if (c->opt->ppp.eaptls_dir)
			server_eaptls_from_client(&c->auth, frame, len);
		if (c->opt->peap) {
			size_t to_client_len, to_pppd_len;
			bool consumed = server_peap_from_client(&c->peap, &c->auth, frame, len,
			                                        c->peap_to_client, &to_client_len,
			                                        c->peap_to_pppd, &to_pppd_len);

			if (!consumed)
				pty_queue_frame(c, frame, len);
			if (to_client_len)
				send_ppp_to_client(c, c->peap_to_client, to_client_len);
			if (to_pppd_len)
				pty_queue_frame(c, c->peap_to_pppd, to_pppd_len);
			if (c->call_connected_deferred && c->auth.state == SERVER_AUTH_DONE) {
				c->call_connected_deferred = false;
				verify_call_connected(c);
			}
			break;
		}
		if (c->eap.mode != SERVER_EAP_OFF && len <= sizeof(c->eap_frame)) {
			uint8_t out[EAP_FRAME_MAX];
			size_t out_len;
			enum server_eap_verdict v;

			memcpy(c->eap_frame, frame, len);
			v = server_eap_from_client(&c->eap, &c->auth, c->eap_frame, len, out, &out_len);
			if (v == SERVER_EAP_REPLY_BACK) {
				send_ppp_to_client(c, out, out_len);
				break;
			}
			pty_queue_frame(c, c->eap_frame, len);
			if (v == SERVER_EAP_FORWARD_AND_REPLY) {
				send_ppp_to_client(c, out, out_len);
				if (c->call_connected_deferred && c->auth.state == SERVER_AUTH_DONE) {
					c->call_connected_deferred = false;
					verify_call_connected(c);
				}
			}
			break;
		}
		pty_queue_frame(c, frame, len);
		break;
	case CALL_CONNECTED:
		pty_queue_frame(c, frame, len);
		break;
	default:
		break;
	}
}

/* Parse every complete packet in c->rx. */
static void process_rx(struct call *c)
{
	size_t off = 0;

	while (c->state != CALL_CLOSED) {
		struct sstp_parse_error err = { 0 };
		struct sstp_packet pkt;
		int flen = sstp_packet_frame_length(c->rx + off, c->rx_len - off, &err);

		if (flen == 0)
			break;
		if (flen < 0) {
			/* cannot find packet boundaries: close without a word */
			server_log("client stream unusable: %s", err.message ? err.message : "bad header");
			call_close(c, "undelimitable packet");
			break;
		}
		if ((size_t) flen > c->rx_len - off)
			break;
		c->rx_activity = true;
		if (sstp_packet_parse(c->rx + off, (size_t) flen, &pkt, &err) < 0) {
			server_log("client sent an invalid packet: %s",
			           err.message ? err.message : "invalid");
			call_abort(c, err.attr_id, err.status, "invalid packet from the client");
		} else if (pkt.is_control) {
			on_control(c, c->rx + off, (size_t) flen, &pkt.ctrl);
		} else if (c->state != CALL_ABORT_PENDING && c->state != CALL_DISCONNECT_ACK_PENDING) {
			on_data(c, pkt.data, pkt.data_len);
		}
		off += (size_t) flen;
	}
	if (off > 0) {
		memmove(c->rx, c->rx + off, c->rx_len - off);
		c->rx_len -= off;
	}
}

static void read_tls(struct call *c)
{
	while (c->state != CALL_CLOSED) {
		if (c->rx_len == sizeof(c->rx)) {
			/* cannot happen with packets <= 4095 bytes, kept as a guard */
			call_close(c, "receive buffer full");
			return;
		}
		int n = SSL_read(c->ssl, c->rx + c->rx_len, (int) (sizeof(c->rx) - c->rx_len));
		if (n > 0) {
			c->rx_len += (size_t) n;
			process_rx(c);
			continue;
		}
		int err = SSL_get_error(c->ssl, n);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
			return;
		if (err == SSL_ERROR_ZERO_RETURN) {
			server_log("client closed the TLS connection (close_notify)");
			call_close(c, "client closed TLS");
		} else if (err == SSL_ERROR_SSL &&
		           ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			server_log("client closed the connection without close_notify");
			call_close(c, "client closed TCP");
		} else {
			log_openssl_errors("tls read");
			server_log("client connection lost (TLS error %d)", err);
			call_close(c, "connection lost");
		}
		return;
	}
}

static void read_pty(struct call *c)
{
	uint8_t buf[16384];
	ssize_t n = read(c->pppd.master, buf, sizeof(buf));

	if (n > 0)
		hdlc_decode(&c->dec, buf, (size_t) n, on_pppd_frame, c);
}

/* ---- timers ------------------------------------------------------------- */

static void run_timers(struct call *c)
{
	int64_t now = now_ms();

	if (c->teardown_deadline && now >= c->teardown_deadline) {
		c->teardown_deadline = 0;
		server_log("teardown timer expired");
		call_close(c, c->end_reason ? c->end_reason : "teardown timeout");
		return;
	}
	if (c->negotiation_deadline && now >= c->negotiation_deadline &&
	    (c->state == CALL_REQUEST_PENDING || c->state == CALL_CONNECTED_PENDING)) {
		c->negotiation_deadline = 0;
		server_log("negotiation timeout: no %s within %u s",
		           c->state == CALL_REQUEST_PENDING ? "call connect request" :
		                                              "verified call connected",
		           c->opt->negotiation_s);
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NEGOTIATION_TIMEOUT, "negotiation timeout");
		return;
	}
	if (c->state != CALL_CONNECTED)
		return;
	if (c->abort_at && now >= c->abort_at) {
		c->abort_at = 0;
		server_log("fault abort-after: aborting the call");
		call_abort(c, SSTP_ATTR_NO_ERROR, SSTP_STATUS_NO_ERROR, "fault abort-after");
		return;
	}
	if (c->silent_at && now >= c->silent_at) {
		c->silent_at = 0;
		c->hello_deadline = 0;
		{
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			server_log("fault silent-after: sending nothing from now on at=%lld.%03ld",
			           (long long) ts.tv_sec, ts.tv_nsec / 1000000);
		}
		c->silent = true;
	}
	if (c->hello_deadline && now >= c->hello_deadline) {
		if (c->rx_activity) {
			c->echo_outstanding = false;
		} else if (!c->echo_outstanding) {
			send_control_empty(c, SSTP_MSG_ECHO_REQUEST);
			server_log("sent echo request");
			c->echo_outstanding = true;
		} else {
			server_log("client dead: nothing received for two hello intervals");
			call_close(c, "dead client");
			return;
		}
		c->rx_activity = false;
		c->hello_deadline = now + (int64_t) c->opt->hello_s * 1000;
	}
}

static int poll_timeout(const struct call *c)
{
	int64_t now = now_ms(), next = now + 1000;
	int64_t deadlines[] = { c->teardown_deadline, c->negotiation_deadline, c->abort_at,
	                        c->silent_at, c->hello_deadline };

	for (size_t i = 0; i < sizeof(deadlines) / sizeof(deadlines[0]); i++)
		if (deadlines[i] && deadlines[i] < next)
			next = deadlines[i];
	return next <= now ? 0 : (int) (next - now);
}

/* ---- the main loop of one call ------------------------------------------ */

static void call_loop(struct call *c)
{
	bool signal_seen = false;

	while (c->state != CALL_CLOSED) {
		struct pollfd p[3];
		int n = 0, i_tls, i_pty = -1, i_pid = -1;

		/* SIGTERM/SIGINT: end the call cleanly (Disconnect, wait for
		 * the Ack); the teardown timer bounds the wait. */
		if (got_signal && !signal_seen) {
			signal_seen = true;
			server_log("terminated by signal %d", (int) got_signal);
			if (c->state == CALL_DISCONNECT_ACK_PENDING || c->state == CALL_ABORT_PENDING)
				call_close(c, "signal");
			else
				call_disconnect(c, "server terminated");
		}
		if (got_usr1) {
			got_usr1 = 0;
			if (c->state == CALL_CONNECTED && !fault_fire(c, FM_CONNECTED))
				server_log("SIGUSR1: no fault armed for the connected call");
		}
		if (c->state == CALL_CLOSED)
			break;
		i_tls = n;
		p[n++] = (struct pollfd) { .fd = c->fd, .events = POLLIN };
		if (c->pppd.master >= 0) {
			i_pty = n;
			p[n++] = (struct pollfd) {
				.fd = c->pppd.master,
				.events = (short) (POLLIN | (c->pppd_spoke && c->pty_out_len ? POLLOUT : 0)) };
		}
		if (c->pppd.pidfd >= 0) {
			i_pid = n;
			p[n++] = (struct pollfd) { .fd = c->pppd.pidfd, .events = POLLIN };
		}
		if (poll(p, (nfds_t) n, poll_timeout(c)) < 0) {
			if (errno == EINTR)
				continue;
			server_log("error: poll: %s", strerror(errno));
			call_close(c, "internal error");
			break;
		}
		if (p[i_tls].revents)
			read_tls(c);
		if (i_pty >= 0 && (p[i_pty].revents & POLLIN))
			read_pty(c);
		if (i_pty >= 0 && (p[i_pty].revents & POLLOUT))
			pty_flush(c);
		else if (c->pppd_spoke && c->pty_out_len)
			pty_flush(c);
		if (i_pid >= 0 && (p[i_pid].revents & POLLIN)) {
			int status = server_pppd_reap(&c->pppd);
			if (status >= 0) {
				server_log("pppd exited status=%d", status);
				close(c->pppd.pidfd);
				c->pppd.pidfd = -1;
				/* drain what pppd wrote last (LCP Terminate) before
				 * closing the pty */
				if (c->pppd.master >= 0) {
					read_pty(c);
					close(c->pppd.master);
					c->pppd.master = -1;
				}
				if (c->state == CALL_CONNECTED_PENDING || c->state == CALL_CONNECTED)
					call_disconnect(c, "pppd exited");
			}
		}
		run_timers(c);
	}
}

/* ---- TLS + HTTP handshake ----------------------------------------------- */

static int sni_callback(SSL *ssl, int *al, void *arg)
{
	/* nothing to select: the name is read back after the handshake */
	return SSL_TLSEXT_ERR_OK;
}

static bool set_timeouts(int fd, unsigned seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0 &&
	       setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == 0;
}

/* Returns true when the client got 200 and the SSTP phase begins. */
static bool https_handshake(struct call *c)
{
	const struct options *o = c->opt;
	struct server_http_request req;
	enum server_http_result r = SERVER_HTTP_INCOMPLETE;
	char answer[512], sni[SERVER_HTTP_MAX_VALUE];
	const char *name;
	size_t n;
	int status = 200;

	set_timeouts(c->fd, HTTP_TIMEOUT_S);
	if (c->fault_at == FM_TLS && c->fault != FK_NONE) {
		bool silent = c->fault == FK_SILENT;
		fault_fire(c, FM_TLS);
		c->silent = true;  /* no TLS to close: FIN (close) or RST (reset) */
		if (silent)
			wait_for_client_to_leave(c);
		c->end_reason = "fault before TLS";
		return false;
	}
	if (SSL_accept(c->ssl) != 1) {
		log_openssl_errors("tls handshake");
		server_log("tls handshake FAILED");
		c->end_reason = "tls handshake failed";
		return false;
	}
	name = SSL_get_servername(c->ssl, TLSEXT_NAMETYPE_host_name);
	if (name)
		server_log_sanitize((const uint8_t *) name, strlen(name), sni, sizeof(sni));
	else
		snprintf(sni, sizeof(sni), "(none)");
	server_log("tls handshake ok version=%s cipher=%s", SSL_get_version(c->ssl),
	           SSL_get_cipher_name(c->ssl));

	while (r == SERVER_HTTP_INCOMPLETE) {
		int got = SSL_read(c->ssl, c->rx + c->rx_len, (int) (sizeof(c->rx) - c->rx_len));
		if (got <= 0) {
			server_log("http request FAILED: connection closed or timed out after %zu bytes",
			           c->rx_len);
			c->end_reason = "no http request";
			return false;
		}
		c->rx_len += (size_t) got;
		r = server_http_parse_request(c->rx, c->rx_len, &req);
	}
	if (r == SERVER_HTTP_BAD) {
		server_log("http request BAD: %s", req.error);
		status = 400;
	} else {
		server_log("http request ok host=%s sni=%s correlation=%s guid=%s%s", req.host, sni,
		           req.correlation, req.correlation_is_guid ? "yes" : "no",
		           req.has_query ? " query=yes" : "");
		if (o->expect_host &&
		    (strcasecmp(req.host, o->expect_host) != 0 || name == NULL ||
		     strcasecmp(name, o->expect_host) != 0)) {
			server_log("http request refused: host=%s sni=%s, expected %s for both", req.host,
			           sni, o->expect_host);
			status = 404;
		} else if (o->faults.http_status) {
			status = o->faults.http_status;
			server_log("fault http-%d", status);
		}
	}
	if (c->fault_at == FM_HTTP && c->fault != FK_NONE) {
		bool silent = c->fault == FK_SILENT;
		fault_fire(c, FM_HTTP);
		if (silent)
			wait_for_client_to_leave(c);
		c->silent = silent || c->reset;
		c->end_reason = "fault in HTTP";
		return false;
	}
	n = server_http_build_response(answer, sizeof(answer), status);
	if (n == 0 || SSL_write(c->ssl, answer, (int) n) != (int) n) {
		log_openssl_errors("tls write");
		server_log("http answer could not be sent");
		c->end_reason = "http answer failed";
		return false;
	}
	server_log("sent http %d", status);
	if (status != 200) {
		c->end_reason = "http refused";
		return false;
	}
	/* keep any SSTP bytes that came with the request */
	memmove(c->rx, c->rx + req.header_len, c->rx_len - req.header_len);
	c->rx_len -= req.header_len;
	return true;
}

static bool parse_fault_command(const char *s, enum fault_kind *kind, enum fault_moment *at)
{
	const char *sep = strchr(s, '@');
	size_t klen = sep ? (size_t) (sep - s) : 0;

	*kind = FK_NONE;
	for (size_t i = 1; sep && i < sizeof(fault_kind_names) / sizeof(fault_kind_names[0]); i++)
		if (strlen(fault_kind_names[i]) == klen && strncmp(s, fault_kind_names[i], klen) == 0)
			*kind = (enum fault_kind) i;
	if (*kind == FK_NONE)
		return false;
	for (size_t i = 0; i < sizeof(fault_moment_names) / sizeof(fault_moment_names[0]); i++)
		if (strcmp(sep + 1, fault_moment_names[i]) == 0) {
			*at = (enum fault_moment) i;
			/* Abort and Disconnect are SSTP messages: not before SSTP */
			return !((*kind == FK_ABORT || *kind == FK_DISCONNECT) && *at <= FM_HTTP);
		}
	return false;
}

/* --fault-file: read and remove it, so the fault is for this call only. */
static void fault_arm(struct call *c)
{
	char line[64];
	int fd, n;

	if (!c->opt->faults.fault_file)
		return;
	fd = open(c->opt->faults.fault_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = (int) read(fd, line, sizeof(line) - 1);
	close(fd);
	unlink(c->opt->faults.fault_file);
	if (n <= 0)
		return;
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (!parse_fault_command(line, &c->fault, &c->fault_at)) {
		c->fault = FK_NONE;
		server_log("fault file: unknown fault \"%s\" ignored", line);
		return;
	}
	server_log("fault armed %s@%s", fault_kind_names[c->fault], fault_moment_names[c->fault_at]);
}

static int serve_one(const struct options *o, SSL_CTX *ctx, int lfd, const uint8_t *der,
                     size_t der_len)
{
	struct sockaddr_storage peer;
	socklen_t peer_len = sizeof(peer);
	char addr[INET6_ADDRSTRLEN] = "?";
	struct call *c;
	int fd, ret;

	fd = accept4(lfd, (struct sockaddr *) &peer, &peer_len, SOCK_CLOEXEC);
	if (fd < 0)
		return -1;
	if (peer.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *) &peer)->sin_addr, addr, sizeof(addr));
	else if (peer.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *) &peer)->sin6_addr, addr, sizeof(addr));
	server_log("accepted connection from %s", addr);

	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		close(fd);
		server_log("error: out of memory");
		return EXIT_USAGE;
	}
	c->opt = o;
	c->fd = fd;
	c->cert_der = der;
	c->cert_der_len = der_len;
	c->pppd.master = c->pppd.slave = c->pppd.pidfd = -1;
	hdlc_decoder_init(&c->dec);
	server_auth_init(&c->auth, o->password);
	c->auth.record_fd = o->auth_record_fd;
	c->eaptls.keys_path = o->eaptls_keys;
	c->eap.mode = o->eap_mode;
	c->eap.offer = o->eap_offer;
	fault_arm(c);
	c->peap.rc.fd = -1;
	c->peap.wrong_hlak = o->peap_wrong_hlak;
	if (o->peap && radius_client_open(&c->peap.rc, o->radius_port, o->radius_secret) < 0)
		c->auth.state = SERVER_AUTH_FAILED;
	c->ssl = SSL_new(ctx);
	if (c->ssl == NULL || SSL_set_fd(c->ssl, fd) != 1) {
		log_openssl_errors("tls");
		c->end_reason = "tls setup failed";
	} else if (https_handshake(c)) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		c->state = CALL_REQUEST_PENDING;
		/* the server's negotiation timer also covers the wait for the
		 * request ([MS-SSTP] 3.3.2: Call_Connect_Request_Pending) */
		c->negotiation_deadline = now_ms() + (int64_t) o->negotiation_s * 1000;
		process_rx(c);
		call_loop(c);
	}

	if (c->ssl && !c->silent && !c->reset)
		SSL_shutdown(c->ssl);
	if (c->pppd_started)
		server_pppd_stop(&c->pppd, 3000);
	ret = c->verified && !c->binding_failed ? EXIT_VERIFIED :
	      c->binding_failed ? EXIT_BINDING_BAD : EXIT_NOT_VERIFIED;
	server_log("summary frames_from_client=%llu frames_to_client=%llu "
	           "dropped_before_binding=%llu held_pppd_frames=%llu echo_answered=%llu "
	           "pty_overflow_drops=%llu",
	           (unsigned long long) c->frames_from_client,
	           (unsigned long long) c->frames_to_client,
	           (unsigned long long) c->dropped_before_binding,
	           (unsigned long long) c->held_pppd_frames,
	           (unsigned long long) c->echo_answered,
	           (unsigned long long) c->dropped_pty_overflow);
	server_log("call ended reason=%s verified=%s exit=%d",
	           c->end_reason ? c->end_reason : "unknown", c->verified ? "yes" : "no", ret);
	SSL_free(c->ssl);
	if (c->fd >= 0)
		close(c->fd);
	OPENSSL_cleanse(c->auth.hlak, sizeof(c->auth.hlak));
	OPENSSL_cleanse(&c->eaptls, sizeof(c->eaptls));
	radius_client_close(&c->peap.rc);
	OPENSSL_cleanse(&c->peap, sizeof(c->peap));
	free(c);
	return ret;
}

/* ---- setup -------------------------------------------------------------- */

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: sstp-test-server --cert PEM --key PEM --user NAME --password-file FILE [options]\n"
	"A strict SSTP test server: checks the client's crypto binding like Windows RRAS.\n"
	"  --listen ADDR          address to listen on (default 127.0.0.1)\n"
	"  --port N               port (default 0: pick a free one; see --port-file)\n"
	"  --port-file FILE       write the port number there once listening\n"
	"  --log FILE             log here instead of stderr (pppd logs there too)\n"
	"  --hash sha256|sha1|both  hashes offered in the ACK (default sha256)\n"
	"  --auth mschapv2|pap|chap  what pppd requires (chap: CHAP-MD5; default mschapv2)\n"
	"  --eap mschapv2|md5     pppd requires EAP instead (EAP-MSCHAPv2 corrected on the wire,\n"
	"                         see server-eap.h; EAP-MD5 as pppd does it)\n"
	"  --eap peap             pppd requires EAP; PEAP runs against a RADIUS server on\n"
	"                         127.0.0.1 (see server-peap.h): --radius-port PORT,\n"
	"                         --radius-secret FILE; --peap-wrong-hlak takes the HLAK from\n"
	"                         MS-MPPE-Send-Key instead (to show a test can fail)\n"
	"  --eap-offer tls|peap   with --eap mschapv2: ask the client for EAP-TLS or PEAP first\n"
	"  --local-ip A --remote-ip A --dns A|none   (default 10.77.0.1, 10.77.0.2, 10.77.0.1)\n"
	"  --mtu N                pppd mtu and mru (default 1400)\n"
	"  --ipv6                 also negotiate IPv6CP\n"
	"  --mppe                 require MPPE-128\n"
	"  --netns new|same|NAME  network namespace of the server's pppd (default new)\n"
	"  --pppd PATH            pppd to run (default pppd)\n"
	"  --pppd-debug           pppd debug logging\n"
	"  --auth-record FILE     write the CHAP challenges and responses seen on the wire to\n"
	"                         FILE (0600), so a test can check that no client log holds them\n"
	"  --eap-tls DIR          pppd requires EAP-TLS (its eaptls-server: DIR/server-cert.pem,\n"
	"                         DIR/server-key.pem, DIR/ca.pem); needs --eap-tls-shim\n"
	"  --eap-tls-shim SO      eaptls-keys-shim.so, preloaded into pppd for the key material\n"
	"  --workdir DIR          private folder for pppd's files (default: a new 0700 one)\n"
	"  --hello S              echo interval in seconds (default 60)\n"
	"  --negotiation-timeout S  HTTP answer to request, and ACK to verified\n"
	"                         Call Connected (default 60 each)\n"
	"  --expect-host NAME     Host and SNI must both be NAME, else 404 (accel-ppp host-name)\n"
	"  --fault F              nak-first, nak-always, abort-after=N, silent-after=N,\n"
	"                         bad-version, oversized-length, http-403, http-500, no-ack\n"
	"  --fault-file FILE      at each call, read KIND@MOMENT from FILE and remove it:\n"
	"                         KIND abort|disconnect|silent|reset|close (close_notify),\n"
	"                         MOMENT tls|http|negotiation|auth|ipcp|connected (SIGUSR1)\n"
	"  --loop                 serve calls one after the other until SIGTERM\n"
	"Exit status: 0 binding verified, 1 usage/setup, 2 binding failed, 3 no binding.\n");
}

static bool parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return false;
	*out = (unsigned) v;
	return true;
}

static bool parse_fault(const char *s, struct faults *f)
{
	unsigned v;

	if (strcmp(s, "nak-first") == 0)
		f->nak_first = true;
	else if (strcmp(s, "nak-always") == 0)
		f->nak_always = true;
	else if (strncmp(s, "abort-after=", 12) == 0 && parse_uint(s + 12, 86400, &v))
		f->abort_after = (int) v;
	else if (strncmp(s, "silent-after=", 13) == 0 && parse_uint(s + 13, 86400, &v))
		f->silent_after = (int) v;
	else if (strcmp(s, "bad-version") == 0)
		f->bad_version = true;
	else if (strcmp(s, "oversized-length") == 0)
		f->oversized_length = true;
	else if (strcmp(s, "http-403") == 0)
		f->http_status = 403;
	else if (strcmp(s, "http-500") == 0)
		f->http_status = 500;
	else if (strcmp(s, "no-ack") == 0)
		f->no_ack = true;
	else
		return false;
	return true;
}

static bool read_password(const char *path, char *out, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "sstp-test-server: cannot open %s: %s\n", path, strerror(errno));
		return false;
	}
	n = read(fd, out, cap);
	close(fd);
	if (n < 0 || (size_t) n >= cap) {
		fprintf(stderr, "sstp-test-server: %s: unreadable or longer than %zu bytes\n", path,
		        cap - 1);
		return false;
	}
	out[n] = '\0';
	out[strcspn(out, "\r\n")] = '\0';
	if (out[0] == '\0') {
		fprintf(stderr, "sstp-test-server: %s: empty password\n", path);
		return false;
	}
	return true;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	enum { O_CERT = 256, O_KEY, O_LISTEN, O_PORT, O_PORT_FILE, O_LOG, O_HASH, O_AUTH,
	       O_LOCAL, O_REMOTE, O_DNS, O_MTU, O_IPV6, O_MPPE, O_NETNS, O_PPPD, O_PPPD_DEBUG,
	       O_WORKDIR, O_HELLO, O_NEG, O_EXPECT_HOST, O_FAULT, O_LOOP, O_USER, O_PASSWORD_FILE,
	       O_AUTH_RECORD, O_EAPTLS, O_EAPTLS_SHIM, O_EAP, O_EAP_OFFER, O_FAULT_FILE,
	       O_RADIUS_PORT, O_RADIUS_SECRET, O_PEAP_WRONG_HLAK, O_HELP };
	static const struct option longopts[] = {
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "listen", required_argument, NULL, O_LISTEN },
		{ "port", required_argument, NULL, O_PORT },
		{ "port-file", required_argument, NULL, O_PORT_FILE },
		{ "log", required_argument, NULL, O_LOG },
		{ "hash", required_argument, NULL, O_HASH },
		{ "auth", required_argument, NULL, O_AUTH },
		{ "local-ip", required_argument, NULL, O_LOCAL },
		{ "remote-ip", required_argument, NULL, O_REMOTE },
		{ "dns", required_argument, NULL, O_DNS },
		{ "mtu", required_argument, NULL, O_MTU },
		{ "ipv6", no_argument, NULL, O_IPV6 },
		{ "mppe", no_argument, NULL, O_MPPE },
		{ "netns", required_argument, NULL, O_NETNS },
		{ "pppd", required_argument, NULL, O_PPPD },
		{ "pppd-debug", no_argument, NULL, O_PPPD_DEBUG },
		{ "auth-record", required_argument, NULL, O_AUTH_RECORD },
		{ "eap", required_argument, NULL, O_EAP },
		{ "eap-offer", required_argument, NULL, O_EAP_OFFER },
		{ "radius-port", required_argument, NULL, O_RADIUS_PORT },
		{ "radius-secret", required_argument, NULL, O_RADIUS_SECRET },
		{ "peap-wrong-hlak", no_argument, NULL, O_PEAP_WRONG_HLAK },
		{ "workdir", required_argument, NULL, O_WORKDIR },
		{ "hello", required_argument, NULL, O_HELLO },
		{ "negotiation-timeout", required_argument, NULL, O_NEG },
		{ "expect-host", required_argument, NULL, O_EXPECT_HOST },
		{ "fault", required_argument, NULL, O_FAULT },
		{ "fault-file", required_argument, NULL, O_FAULT_FILE },
		{ "loop", no_argument, NULL, O_LOOP },
		{ "user", required_argument, NULL, O_USER },
		{ "password-file", required_argument, NULL, O_PASSWORD_FILE },
		{ "eap-tls", required_argument, NULL, O_EAPTLS },
		{ "eap-tls-shim", required_argument, NULL, O_EAPTLS_SHIM },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *password_file = NULL;
	int ch;

	o->listen_addr = "127.0.0.1";
	o->hash_bitmask = SSTP_HASH_SHA256;
	o->hello_s = 60;
	o->auth_record_fd = -1;
	o->negotiation_s = 60;
	o->faults.abort_after = -1;
	o->faults.silent_after = -1;
	o->ppp.auth = "require-mschap-v2";
	o->ppp.local_ip = "10.77.0.1";
	o->ppp.remote_ip = "10.77.0.2";
	o->ppp.dns = "10.77.0.1";
	o->ppp.mtu = 1400;
	o->ppp.netns = "new";
	o->ppp.pppd_path = "pppd";

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		unsigned v;
		switch (ch) {
		case O_CERT: o->cert = optarg; break;
		case O_KEY: o->key = optarg; break;
		case O_LISTEN: o->listen_addr = optarg; break;
		case O_PORT:
			if (!parse_uint(optarg, 65535, &o->port))
				goto bad;
			break;
		case O_PORT_FILE: o->port_file = optarg; break;
		case O_LOG: o->log_file = optarg; break;
		case O_HASH:
			if (strcmp(optarg, "sha256") == 0)
				o->hash_bitmask = SSTP_HASH_SHA256;
			else if (strcmp(optarg, "sha1") == 0)
				o->hash_bitmask = SSTP_HASH_SHA1;
			else if (strcmp(optarg, "both") == 0)
				o->hash_bitmask = SSTP_HASH_SHA1 | SSTP_HASH_SHA256;
			else
				goto bad;
			break;
		case O_AUTH:
			if (strcmp(optarg, "mschapv2") == 0)
				o->ppp.auth = "require-mschap-v2";
			else if (strcmp(optarg, "pap") == 0)
				o->ppp.auth = "require-pap";
			else if (strcmp(optarg, "chap") == 0)
				o->ppp.auth = "require-chap";
			else
				goto bad;
			break;
		case O_LOCAL: o->ppp.local_ip = optarg; break;
		case O_REMOTE: o->ppp.remote_ip = optarg; break;
		case O_DNS: o->ppp.dns = strcmp(optarg, "none") == 0 ? NULL : optarg; break;
		case O_MTU:
			if (!parse_uint(optarg, 4091, &v) || v < 576)
				goto bad;
			o->ppp.mtu = v;
			break;
		case O_IPV6: o->ppp.ipv6 = true; break;
		case O_MPPE: o->ppp.mppe = true; break;
		case O_NETNS:
			if (optarg[0] == '\0' || strchr(optarg, '/') || strcmp(optarg, "..") == 0 ||
			    strcmp(optarg, ".") == 0)
				goto bad;
			o->ppp.netns = optarg;
			break;
		case O_PPPD: o->ppp.pppd_path = optarg; break;
		case O_PPPD_DEBUG: o->ppp.debug = true; break;
		case O_AUTH_RECORD:
			o->auth_record_fd = open(optarg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
			if (o->auth_record_fd < 0) {
				fprintf(stderr, "sstp-test-server: %s: %s\n", optarg, strerror(errno));
				return -1;
			}
			break;
		case O_WORKDIR:
			snprintf(o->workdir, sizeof(o->workdir), "%s", optarg);
			break;
		case O_HELLO:
			if (!parse_uint(optarg, 3600, &o->hello_s) || o->hello_s == 0)
				goto bad;
			break;
		case O_NEG:
			if (!parse_uint(optarg, 3600, &o->negotiation_s) || o->negotiation_s == 0)
				goto bad;
			break;
		case O_EXPECT_HOST: o->expect_host = optarg; break;
		case O_EAPTLS: o->ppp.eaptls_dir = optarg; break;
		case O_EAPTLS_SHIM: o->ppp.eaptls_shim = optarg; break;
		case O_EAP:
			if (strcmp(optarg, "mschapv2") == 0)
				o->eap_mode = SERVER_EAP_MSCHAPV2;
			else if (strcmp(optarg, "md5") == 0)
				o->eap_mode = SERVER_EAP_MD5;
			else if (strcmp(optarg, "peap") == 0)
				o->peap = true;
			else
				goto bad;
			o->ppp.auth = "require-eap";
			break;
		case O_RADIUS_PORT:
			if (!parse_uint(optarg, 65535, &o->radius_port) || o->radius_port == 0)
				goto bad;
			break;
		case O_RADIUS_SECRET: o->radius_secret = optarg; break;
		case O_PEAP_WRONG_HLAK: o->peap_wrong_hlak = true; break;
		case O_EAP_OFFER:
			if (strcmp(optarg, "tls") == 0)
				o->eap_offer = 13;
			else if (strcmp(optarg, "peap") == 0)
				o->eap_offer = 25;
			else
				goto bad;
			break;
		case O_FAULT:
			if (!parse_fault(optarg, &o->faults))
				goto bad;
			break;
		case O_FAULT_FILE: o->faults.fault_file = optarg; break;
		case O_LOOP: o->loop = true; break;
		case O_USER: o->ppp.user = optarg; break;
		case O_PASSWORD_FILE: password_file = optarg; break;
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
		continue;
bad:
		fprintf(stderr, "sstp-test-server: bad value for an option: %s\n", optarg);
		return -1;
	}
	if (optind != argc || !o->cert || !o->key || !o->ppp.user || !password_file) {
		usage(stderr);
		return -1;
	}
	if (!read_password(password_file, o->password, sizeof(o->password)))
		return -1;
	o->ppp.password = o->password;
	return 0;
}

static SSL_CTX *tls_setup(const struct options *o, uint8_t **der, size_t *der_len)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	X509 *leaf;
	int len;

	if (ctx == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, o->key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		log_openssl_errors("tls setup");
		server_log("error: cannot load certificate %s and key %s", o->cert, o->key);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_tlsext_servername_callback(ctx, sni_callback);
	/* the binding covers the leaf certificate exactly as sent */
	leaf = SSL_CTX_get0_certificate(ctx);
	*der = NULL;
	len = leaf ? i2d_X509(leaf, der) : -1;
	if (len <= 0) {
		server_log("error: cannot encode the certificate");
		SSL_CTX_free(ctx);
		return NULL;
	}
	*der_len = (size_t) len;
	return ctx;
}

static int listen_socket(const struct options *o)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;
	unsigned port;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, o->listen_addr, &((struct sockaddr_in *) &ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		((struct sockaddr_in *) &ss)->sin_port = htons((uint16_t) o->port);
		len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, o->listen_addr,
	                     &((struct sockaddr_in6 *) &ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		((struct sockaddr_in6 *) &ss)->sin6_port = htons((uint16_t) o->port);
		len = sizeof(struct sockaddr_in6);
	} else {
		server_log("error: --listen %s is not an IP address", o->listen_addr);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *) &ss, len) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
		server_log("error: cannot listen on %s port %u: %s", o->listen_addr, o->port,
		           strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *) &ss)->sin_port :
	                                       ((struct sockaddr_in6 *) &ss)->sin6_port);
	server_log("listening on %s port %u", o->listen_addr, port);
	if (o->port_file) {
		char tmp[PATH_MAX], text[16];
		int pfd, n = snprintf(text, sizeof(text), "%u\n", port);
		snprintf(tmp, sizeof(tmp), "%s.tmp", o->port_file);
		pfd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (pfd < 0 || write(pfd, text, (size_t) n) != n || close(pfd) < 0 ||
		    rename(tmp, o->port_file) < 0) {
			server_log("error: cannot write %s: %s", o->port_file, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

static void remove_workdir(const struct options *o)
{
	static const char *const files[] = { "options", "sstp-server.options", "chap-secrets",
	                                     "pap-secrets", "eaptls-server" };
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int n = snprintf(path, sizeof(path), "%s/etc-ppp/%s", o->workdir, files[i]);
		if (n > 0 && (size_t) n < sizeof(path))
			unlink(path);
	}
	int n = snprintf(path, sizeof(path), "%s/etc-ppp", o->workdir);
	if (n > 0 && (size_t) n < sizeof(path))
		rmdir(path);
	if (o->eaptls_keys[0])
		unlink(o->eaptls_keys);
	if (o->own_workdir)
		rmdir(o->workdir);
}

int main(int argc, char **argv)
{
	static struct options o;
	struct sigaction sa;
	SSL_CTX *ctx;
	uint8_t *der = NULL;
	size_t der_len = 0;
	int lfd, ret = EXIT_NOT_VERIFIED;

	if (parse_args(argc, argv, &o) < 0)
		return EXIT_USAGE;
	if (o.log_file) {
		int fd = open(o.log_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd < 0) {
			fprintf(stderr, "sstp-test-server: cannot open %s: %s\n", o.log_file,
			        strerror(errno));
			return EXIT_USAGE;
		}
		server_log_set_fd(fd);
	}
	uint8_t probe[16];
	if (mschapv2_nt_password_hash(o.password, probe) < 0) {
		server_log("error: the password is not valid UTF-8 or is too long");
		return EXIT_USAGE;
	}

	if (o.workdir[0] == '\0') {
		snprintf(o.workdir, sizeof(o.workdir), "/tmp/sstp-test-server.XXXXXX");
		if (mkdtemp(o.workdir) == NULL) {
			server_log("error: cannot create a work folder: %s", strerror(errno));
			return EXIT_USAGE;
		}
		o.own_workdir = true;
	}
	o.ppp.workdir = o.workdir;
	if (o.peap && (!o.radius_port || !o.radius_secret)) {
		server_log("error: --eap peap needs --radius-port and --radius-secret");
		return EXIT_USAGE;
	}
	if (o.ppp.eaptls_dir) {
		if (!o.ppp.eaptls_shim) {
			server_log("error: --eap-tls needs --eap-tls-shim");
			remove_workdir(&o);
			return EXIT_USAGE;
		}
		/* EAP-TLS must be the only way in (pppd's server: require-eap). */
		o.ppp.auth = "require-eap";
		snprintf(o.eaptls_keys, sizeof(o.eaptls_keys), "%s/eaptls-keys", o.workdir);
		o.ppp.eaptls_keys = o.eaptls_keys;
	}
	if (server_pppd_write_files(&o.ppp) < 0) {
		remove_workdir(&o);
		return EXIT_USAGE;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;   /* no SA_RESTART: poll and accept return EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	ctx = tls_setup(&o, &der, &der_len);
	lfd = ctx ? listen_socket(&o) : -1;
	if (lfd < 0) {
		SSL_CTX_free(ctx);
		OPENSSL_free(der);
		remove_workdir(&o);
		return EXIT_USAGE;
	}
	server_log("server ready hashes=%s auth=%s netns=%s hello=%u", hash_name(o.hash_bitmask),
	           o.ppp.auth, o.ppp.netns, o.hello_s);

	for (;;) {
		int r = serve_one(&o, ctx, lfd, der, der_len);
		if (r >= 0)
			ret = r;
		if (got_signal || !o.loop)
			break;
	}

	close(lfd);
	SSL_CTX_free(ctx);
	OPENSSL_free(der);
	remove_workdir(&o);
	OPENSSL_cleanse(o.password, sizeof(o.password));
	server_log("server exit status=%d", ret);
	return ret;
}
