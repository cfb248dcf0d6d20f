/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * TCP, proxy, TLS and HTTP set-up of the tunnel (see tunnel-tls.h).
 *
 * The certificate is checked right after the handshake and before the
 * first HTTP byte goes out: a server that fails the check never sees the
 * SSTP request (nor, later, any credential).
 */
#include "tunnel-tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
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
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "sstp-exit.h"
#include "sstp-http.h"
#include "tunnel-log.h"
#include "tunnel-resolve.h"

#define CONNECT_DEADLINE_MS     30000   /* name resolution and all addresses together */
#define TCP_CONNECT_TIMEOUT_MS  20000   /* one address (within the deadline) */
#define PROXY_TIMEOUT_MS        30000
#define TLS_TIMEOUT_MS          30000
#define HTTP_TIMEOUT_MS         60000   /* [MS-SSTP]: client waits at most 60 s */
#define PROBE_TIMEOUT_MS        5000    /* the second look after a failed handshake */

int64_t
tunnel_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
tunnel_wait_fd(int fd, short events, int64_t deadline, int cancel_fd)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = cancel_fd, .events = POLLIN } };
		int64_t left = deadline - tunnel_now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(p, cancel_fd >= 0 ? 2 : 1, left > 60000 ? 60000 : (int) left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (cancel_fd >= 0 && (p[1].revents & POLLIN))
			return -2;
		if (p[0].revents)
			return 1;
	}
}

void
tunnel_conn_init(struct tunnel_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void
conn_free(struct tunnel_conn *c, bool notify)
{
	if (c->ssl) {
		/* Best effort close_notify; never wait for the peer's. */
		if (notify)
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	if (c->fd >= 0)
		close(c->fd);
	free(c->cert_der);
	free(c->leftover);
	tunnel_conn_init(c);
}

void
tunnel_conn_close(struct tunnel_conn *c)
{
	conn_free(c, true);
}

void
tunnel_conn_abort(struct tunnel_conn *c)
{
	/* A zero linger time makes close() send a reset and drop what is still
	 * queued: the kernel keeps nothing for a server that does not read. */
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (c->fd >= 0 && setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) != 0)
		tlog_debug("SO_LINGER: %s", strerror(errno));
	conn_free(c, false);
}

/* ---- TCP ------------------------------------------------------------- */

/* Resolution cannot hold up SIGTERM and shares one deadline with the
 * connect attempts (tunnel-resolve.h). */
static int
resolve(const char *host, const char *port, const char *what, int64_t deadline, int cancel_fd,
        struct addrinfo **res)
{
	char why[256] = "";

	tlog_debug("resolving %s %s", what, host);
	switch (tunnel_resolve(host, port, deadline, cancel_fd, res, why, sizeof(why))) {
	case TUNNEL_RESOLVED:
		return 0;
	case TUNNEL_RESOLVE_CANCELLED:
		return TUNNEL_CANCELLED;
	case TUNNEL_RESOLVE_TIMEOUT:
		return tunnel_fail(SSTP_EXIT_CONNECT, "cannot resolve %s \"%s\": the name servers did not "
		                   "answer within %d s (check them, e.g. in /etc/resolv.conf, or give an "
		                   "address)", what, host, CONNECT_DEADLINE_MS / 1000);
	case TUNNEL_RESOLVE_FAILED:
	default:
		return tunnel_fail(SSTP_EXIT_CONNECT, "cannot resolve %s \"%s\": %s", what, host, why);
	}
}

static int
tcp_connect(const char *host, uint16_t port, int cancel_fd, struct tunnel_conn *c, const char *what)
{
	struct addrinfo *res = NULL, *ai;
	char port_str[8], last_err[256] = "no address";
	int64_t deadline = tunnel_now_ms() + CONNECT_DEADLINE_MS;
	int r;

	snprintf(port_str, sizeof(port_str), "%u", (unsigned) port);
	r = resolve(host, port_str, what, deadline, cancel_fd, &res);
	if (r != 0)
		return r;

	for (ai = res; ai && tunnel_now_ms() < deadline; ai = ai->ai_next) {
		char ip[INET6_ADDRSTRLEN] = "?";
		int fd, soerr = 0;
		socklen_t slen = sizeof(soerr);
		int64_t start = tunnel_now_ms();
		int64_t until = start + TCP_CONNECT_TIMEOUT_MS < deadline ? start + TCP_CONNECT_TIMEOUT_MS
		                                                          : deadline;

		if (ai->ai_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *) ai->ai_addr)->sin_addr, ip, sizeof(ip));
		else if (ai->ai_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr, ip, sizeof(ip));
		else
			continue;

		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
		if (fd < 0) {
			snprintf(last_err, sizeof(last_err), "%s: socket: %s", ip, strerror(errno));
			continue;
		}
		tlog_debug("connecting to %s port %u", ip, (unsigned) port);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			if (errno != EINPROGRESS) {
				snprintf(last_err, sizeof(last_err), "%s: %s", ip, strerror(errno));
				close(fd);
				continue;
			}
			r = tunnel_wait_fd(fd, POLLOUT, until, cancel_fd);
			if (r == -2) {
				close(fd);
				freeaddrinfo(res);
				return TUNNEL_CANCELLED;
			}
			if (r == 0) {
				snprintf(last_err, sizeof(last_err), "%s: no answer within %d s", ip,
				         (int) ((until - start) / 1000));
				close(fd);
				continue;
			}
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) != 0 || soerr != 0) {
				snprintf(last_err, sizeof(last_err), "%s: %s", ip, strerror(soerr ? soerr : errno));
				close(fd);
				continue;
			}
		}
		c->fd = fd;
		snprintf(c->peer_ip, sizeof(c->peer_ip), "%s", ip);
		tlog_info("connected to %s %s (%s) port %u", what, host, ip, (unsigned) port);
		freeaddrinfo(res);
		return 0;
	}
	freeaddrinfo(res);
	if (tunnel_now_ms() >= deadline)
		return tunnel_fail(SSTP_EXIT_CONNECT, "cannot connect to %s %s port %u: gave up after %d s "
		                   "(last: %s)", what, host, (unsigned) port, CONNECT_DEADLINE_MS / 1000,
		                   last_err);
	return tunnel_fail(SSTP_EXIT_CONNECT, "cannot connect to %s %s port %u: %s", what, host,
	                   (unsigned) port, last_err);
}

/* ---- plain I/O for the proxy phase ---------------------------------- */

static int
plain_send_all(int fd, const char *buf, size_t len, int64_t deadline, int cancel_fd)
{
	size_t off = 0;

	while (off < len) {
		ssize_t w = send(fd, buf + off, len - off, MSG_NOSIGNAL);
		if (w > 0) {
			off += (size_t) w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return -1;
		int r = tunnel_wait_fd(fd, POLLOUT, deadline, cancel_fd);
		if (r <= 0)
			return r == -2 ? -2 : -1;
	}
	return 0;
}

/* Read an HTTP answer header from the proxy. Reads byte-wise-ish with
 * MSG_PEEK so not one byte past the header is consumed (TLS follows). */
static int
proxy_read_answer(int fd, struct sstp_http_response *resp, int cancel_fd)
{
	char buf[SSTP_HTTP_MAX_HEADER];
	size_t len = 0;
	int64_t deadline = tunnel_now_ms() + PROXY_TIMEOUT_MS;

	for (;;) {
		ssize_t n;
		enum sstp_http_result pr;

		if (len >= sizeof(buf))
			return tunnel_fail(SSTP_EXIT_CONNECT, "the proxy's answer is longer than %zu bytes",
			                   sizeof(buf));
		n = recv(fd, buf + len, 1, 0);
		if (n == 0)
			return tunnel_fail(SSTP_EXIT_CONNECT, "the proxy closed the connection without answering");
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			int r = tunnel_wait_fd(fd, POLLIN, deadline, cancel_fd);
			if (r == -2)
				return TUNNEL_CANCELLED;
			if (r == 0)
				return tunnel_fail(SSTP_EXIT_CONNECT, "the proxy did not answer within %d s",
				                   PROXY_TIMEOUT_MS / 1000);
			if (r < 0)
				return tunnel_fail(SSTP_EXIT_CONNECT, "proxy: %s", strerror(errno));
			continue;
		}
		if (n < 0)
			return tunnel_fail(SSTP_EXIT_CONNECT, "reading the proxy's answer: %s", strerror(errno));
		len++;
		if (buf[len - 1] != '\n')
			continue;
		pr = sstp_http_response_parse((const uint8_t *) buf, len, resp);
		if (pr == SSTP_HTTP_COMPLETE)
			return 0;
		if (pr == SSTP_HTTP_ERROR)
			return tunnel_fail(SSTP_EXIT_CONNECT, "malformed answer from the proxy: %s",
			                   resp->error ? resp->error : "?");
	}
}

static int
proxy_connect(const struct tunnel_options *o, int cancel_fd, struct tunnel_conn *c)
{
	bool with_auth = false;

	for (int attempt = 0; attempt < 2; attempt++) {
		char req[2048], b64[1024];
		struct sstp_http_response resp;
		size_t n;
		int r;

		r = tcp_connect(o->proxy_host, o->proxy_port, cancel_fd, c, "proxy");
		if (r != 0)
			return r;
		if (with_auth) {
			if (sstp_http_basic_credentials(b64, sizeof(b64), o->proxy_user,
			                                o->proxy_password ? o->proxy_password : "") == 0)
				return tunnel_fail(SSTP_EXIT_USAGE, "cannot encode the proxy credentials");
		}
		n = sstp_http_build_connect(req, sizeof(req), o->server, o->port, with_auth ? b64 : NULL);
		OPENSSL_cleanse(b64, sizeof(b64));
		if (n == 0)
			return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot build the proxy CONNECT request");
		tlog_debug("proxy: CONNECT %s port %u%s", o->server, (unsigned) o->port,
		           with_auth ? " (with Basic credentials)" : "");
		r = plain_send_all(c->fd, req, n, tunnel_now_ms() + PROXY_TIMEOUT_MS, cancel_fd);
		OPENSSL_cleanse(req, sizeof(req));
		if (r == -2)
			return TUNNEL_CANCELLED;
		if (r != 0)
			return tunnel_fail(SSTP_EXIT_CONNECT, "sending the CONNECT request to the proxy: %s",
			                   strerror(errno));
		memset(&resp, 0, sizeof(resp));
		r = proxy_read_answer(c->fd, &resp, cancel_fd);
		if (r != 0)
			return r;
		switch (sstp_http_proxy_verdict(&resp)) {
		case SSTP_PROXY_OK:
			tlog_info("proxy: tunnel to %s port %u established", o->server, (unsigned) o->port);
			return 0;
		case SSTP_PROXY_AUTH_REQUIRED:
			if (with_auth)
				return tunnel_fail(SSTP_EXIT_HTTP, "the proxy refused the credentials of \"%s\" "
				                   "(HTTP 407)", o->proxy_user);
			if (!o->proxy_user)
				return tunnel_fail(SSTP_EXIT_HTTP, "the proxy wants authentication (HTTP 407): "
				                   "give --proxy-user and --proxy-password-file");
			if (resp.proxy_auth_present && !resp.proxy_auth_basic)
				return tunnel_fail(SSTP_EXIT_HTTP, "the proxy wants an authentication scheme "
				                   "other than Basic, which is the only one supported");
			/* Proxies often close after a 407: start over on a new connection. */
			close(c->fd);
			c->fd = -1;
			with_auth = true;
			continue;
		case SSTP_PROXY_REFUSED:
			return tunnel_fail(SSTP_EXIT_HTTP, "the proxy refused CONNECT to %s port %u: HTTP %d %s",
			                   o->server, (unsigned) o->port, resp.status, resp.reason);
		}
	}
	return tunnel_fail(SSTP_EXIT_INTERNAL, "proxy: unexpected state");
}

/* ---- certificate checks --------------------------------------------- */

/* First error seen by the verify callback (one connection per process). */
static struct {
	int   err;
	int   depth;
	X509 *cert;
} verify_first;

static int
verify_cb(int preverify_ok, X509_STORE_CTX *ctx)
{
	if (!preverify_ok && verify_first.err == 0) {
		X509 *cert = X509_STORE_CTX_get_current_cert(ctx);
		verify_first.err = X509_STORE_CTX_get_error(ctx);
		verify_first.depth = X509_STORE_CTX_get_error_depth(ctx);
		if (cert && X509_up_ref(cert))
			verify_first.cert = cert;
	}
	/* Keep going: the verdict is taken after the handshake, from the
	 * first error, so the message can name it precisely. */
	return 1;
}

static void
format_time(const ASN1_TIME *t, char *out, size_t cap)
{
	struct tm tm;

	if (t && ASN1_TIME_to_tm(t, &tm) == 1)
		strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(out, cap, "(unknown date)");
}

static void
cert_subject_cn(X509 *cert, char *out, size_t cap)
{
	X509_NAME *name = cert ? X509_get_subject_name(cert) : NULL;
	int idx = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;

	snprintf(out, cap, "(no common name)");
	if (idx >= 0) {
		ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, s);
		if (n > 0) {
			size_t k = 0;
			for (int i = 0; i < n && k + 1 < cap; i++)
				out[k++] = (utf8[i] < 0x20 || utf8[i] == 0x7f) ? '?' : (char) utf8[i];
			out[k] = '\0';
		}
		OPENSSL_free(utf8);
	}
}

static void
cert_issuer_cn(X509 *cert, char *out, size_t cap)
{
	X509_NAME *name = cert ? X509_get_issuer_name(cert) : NULL;
	char *line = name ? X509_NAME_oneline(name, NULL, 0) : NULL;

	snprintf(out, cap, "%s", line ? line : "?");
	OPENSSL_free(line);
}

/* The names a certificate is for: its DNS/IP subjectAltNames, else its CN. */
static void
cert_names(X509 *cert, char *out, size_t cap)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans); i++) {
		GENERAL_NAME *gn = sk_GENERAL_NAME_value(sans, i);
		char item[300] = "";

		if (gn->type == GEN_DNS) {
			const unsigned char *d = ASN1_STRING_get0_data(gn->d.dNSName);
			int n = ASN1_STRING_length(gn->d.dNSName);
			int k = 0;
			for (; k < n && k < (int) sizeof(item) - 1; k++)
				item[k] = (d[k] < 0x21 || d[k] > 0x7e) ? '?' : (char) d[k];
			item[k] = '\0';
		} else if (gn->type == GEN_IPADD) {
			const unsigned char *d = ASN1_STRING_get0_data(gn->d.iPAddress);
			int n = ASN1_STRING_length(gn->d.iPAddress);
			if (n == 4)
				inet_ntop(AF_INET, d, item, sizeof(item));
			else if (n == 16)
				inet_ntop(AF_INET6, d, item, sizeof(item));
		}
		if (!item[0])
			continue;
		if (len + strlen(item) + 3 >= cap)
			break;
		len += (size_t) snprintf(out + len, cap - len, "%s%s", len ? ", " : "", item);
	}
	GENERAL_NAMES_free(sans);
	if (len == 0)
		cert_subject_cn(cert, out, cap);
}

static bool
cert_has_ip_san(X509 *cert)
{
	GENERAL_NAMES *sans = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL);
	bool found = false;

	for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans) && !found; i++)
		found = sk_GENERAL_NAME_value(sans, i)->type == GEN_IPADD;
	GENERAL_NAMES_free(sans);
	return found;
}

/* An address is matched against IP subjectAltNames only, never against
 * the CN (RFC 2818 3.1, and OpenSSL). A certificate with none would else
 * get "certificate is for 192.0.2.1, not 192.0.2.1" when its CN is that
 * address, as self-made ones often are. */
static int
name_mismatch(X509 *leaf, const char *want, int err)
{
	char names[512];

	cert_names(leaf, names, sizeof(names));
	if (err == X509_V_ERR_IP_ADDRESS_MISMATCH && !cert_has_ip_san(leaf))
		return tunnel_fail(SSTP_EXIT_TLS, "name mismatch: certificate for %s has no IP address "
		                   "subjectAltName, and a common name never counts for an address such as %s "
		                   "(reissue it with IP:%s in its subjectAltName, use --host with a name it "
		                   "is for, or accept it with --pin-sha256)", names, want, want);
	return tunnel_fail(SSTP_EXIT_TLS, "name mismatch: certificate is for %s, not %s "
	                   "(use --host if the server is known by another name)", names, want);
}

static void
format_fingerprint(const uint8_t *d, size_t n, char *out, size_t cap)
{
	size_t k = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && k + 4 < cap; i++)
		k += (size_t) snprintf(out + k, cap - k, "%s%02X", i ? ":" : "", d[i]);
}

static int
certificate_check(const struct tunnel_options *o, struct tunnel_conn *c, X509 *leaf, const char *want)
{
	uint8_t digest[SHA256_DIGEST_LENGTH];
	char fp[3 * SHA256_DIGEST_LENGTH + 1];
	long result;

	SHA256(c->cert_der, c->cert_der_len, digest);
	format_fingerprint(digest, sizeof(digest), fp, sizeof(fp));
	tlog_info("server certificate SHA-256 %s", fp);

	if (o->has_pin) {
		char want_fp[sizeof(fp)];
		if (CRYPTO_memcmp(digest, o->pin_sha256, sizeof(digest)) != 0) {
			format_fingerprint(o->pin_sha256, sizeof(o->pin_sha256), want_fp, sizeof(want_fp));
			return tunnel_fail(SSTP_EXIT_TLS, "certificate pin mismatch: the server's certificate "
			                   "has SHA-256 %s, the pin is %s", fp, want_fp);
		}
		tlog_info("certificate accepted: it matches the --pin-sha256 pin");
		return 0;
	}
	if (o->no_verify) {
		tlog_warn("*** --no-verify: the server certificate is NOT checked; anyone on the path can "
		          "impersonate the server and read the traffic ***");
		return 0;
	}

	result = SSL_get_verify_result(c->ssl);
	if (result == X509_V_OK && verify_first.err == 0) {
		tlog_info("certificate for %s verified", want);
		return 0;
	}
	{
		int err = verify_first.err ? verify_first.err : (int) result;
		X509 *cert = verify_first.cert ? verify_first.cert : leaf;
		bool is_leaf = verify_first.cert ? verify_first.depth == 0 : true;
		char who[300], when[64], issuer[512];

		if (is_leaf)
			snprintf(who, sizeof(who), "%s", want);
		else {
			char cn[256];
			cert_subject_cn(cert, cn, sizeof(cn));
			snprintf(who, sizeof(who), "the CA \"%s\" (in the chain of %s)", cn, want);
		}
		switch (err) {
		case X509_V_ERR_CERT_HAS_EXPIRED:
			format_time(X509_get0_notAfter(cert), when, sizeof(when));
			return tunnel_fail(SSTP_EXIT_TLS, "certificate for %s expired on %s", who, when);
		case X509_V_ERR_CERT_NOT_YET_VALID:
			format_time(X509_get0_notBefore(cert), when, sizeof(when));
			return tunnel_fail(SSTP_EXIT_TLS, "certificate for %s is not valid before %s "
			                   "(check this machine's clock)", who, when);
		case X509_V_ERR_HOSTNAME_MISMATCH:
		case X509_V_ERR_IP_ADDRESS_MISMATCH:
			return name_mismatch(leaf, want, err);
		case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
			/* The certificate is its own authority: no CA file helps,
			 * a pin of the fingerprint logged above does. */
			return tunnel_fail(SSTP_EXIT_TLS, "certificate for %s is self-signed: if it is "
			                   "your server's (compare the fingerprint with the one on the "
			                   "server), accept exactly it with --pin-sha256 %s "
			                   "(cert-pin-sha256 in a NetworkManager profile)", who, fp);
		case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
			cert_issuer_cn(cert, issuer, sizeof(issuer));
			return tunnel_fail(SSTP_EXIT_TLS, "certificate for %s is signed by an unknown certificate "
			                   "authority (issuer %s): give its CA with --ca-cert, or check that "
			                   "you reach the right server", who, issuer);
		case X509_V_ERR_INVALID_PURPOSE:
			return tunnel_fail(SSTP_EXIT_TLS, "certificate for %s is not meant for a TLS server "
			                   "(its extended key usage lacks serverAuth)", who);
		default:
			return tunnel_fail(SSTP_EXIT_TLS, "certificate for %s rejected: %s", who,
			                   X509_verify_cert_error_string(err));
		}
	}
}

/* ---- renegotiation -------------------------------------------------- */

/* Set once the server's renegotiation was refused (one connection per
 * process, as for verify_first). */
static bool renegotiation_refused;

/* The certificate is checked once, after the first handshake. A TLS 1.2
 * renegotiation is a new handshake that can bring another certificate,
 * which nothing would check, so SSL_OP_NO_RENEGOTIATION refuses it.
 * OpenSSL then answers the server's HelloRequest with a no_renegotiation
 * warning alert and carries on, and the server may carry on too. A server
 * that wants a new handshake mid-session is not one to keep talking to:
 * the reason goes to the log and the status descriptor now, and shutting
 * the socket down makes the next read or write fail in whatever phase
 * the worker is. */
static void
info_cb(const SSL *ssl, int where, int value)
{
	if (!(where & SSL_CB_WRITE_ALERT) || value != ((SSL3_AL_WARNING << 8) | SSL_AD_NO_RENEGOTIATION))
		return;
	if (renegotiation_refused)
		return;
	renegotiation_refused = true;
	tunnel_fail(SSTP_EXIT_TLS, "the server asked to renegotiate TLS: refused, as a new handshake could "
	            "bring a certificate that is not checked (the server's administrator can turn TLS "
	            "renegotiation off, or enable TLS 1.3, which has none)");
	shutdown(SSL_get_fd(ssl), SHUT_RDWR);
}

static void
openssl_error_text(char *out, size_t cap)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, out, cap);
	else
		snprintf(out, cap, "%s", errno ? strerror(errno) : "connection closed");
	ERR_clear_error();
}

static int
load_trust(const struct tunnel_options *o, SSL_CTX *ctx)
{
	struct stat st;
	char why[256];

	if (!o->ca_cert) {
		if (SSL_CTX_set_default_verify_paths(ctx) != 1)
			tlog_warn("cannot load the system certificate store");
		return 0;
	}
	if (stat(o->ca_cert, &st) != 0)
		return tunnel_fail(SSTP_EXIT_USAGE, "--ca-cert %s: %s", o->ca_cert, strerror(errno));
	if (S_ISDIR(st.st_mode) ? SSL_CTX_load_verify_dir(ctx, o->ca_cert) != 1
	                        : SSL_CTX_load_verify_file(ctx, o->ca_cert) != 1) {
		openssl_error_text(why, sizeof(why));
		return tunnel_fail(SSTP_EXIT_USAGE, "--ca-cert %s: cannot load certificates: %s", o->ca_cert, why);
	}
	return 0;
}

/* ---- why a handshake failed ------------------------------------------ */

/* Two kinds of server fail our handshake in ways OpenSSL only calls a
 * handshake failure or a protocol version alert: a MikroTik RouterOS SSTP
 * server without a certificate offers only anonymous ciphers, and old
 * servers offer only TLS 1.0 or 1.1. After a failed handshake the worker
 * takes a second look with a ClientHello that offers those too (any version
 * up to 1.2, every cipher, anonymous ones included) and reads the server's
 * choice from its ServerHello. The probe goes no further: the socket is
 * shut down as soon as the ServerHello is seen, so nothing is ever
 * negotiated with what the probe offers. */
struct tls_probe {
	bool     hello;        /* a ServerHello arrived */
	unsigned version;      /* its version field, e.g. 0x0301 for TLS 1.0 */
	uint8_t  cipher[2];    /* its cipher suite */
};

static void
probe_msg_cb(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
             void *arg)
{
	const uint8_t *b = buf;
	struct tls_probe *seen = arg;
	size_t sid;

	(void) version;
	if (write_p || content_type != SSL3_RT_HANDSHAKE || seen->hello)
		return;
	/* type (1), length (3), version (2), random (32), session id (1 + n),
	 * cipher suite (2) */
	if (len < 39 || b[0] != SSL3_MT_SERVER_HELLO)
		return;
	sid = b[38];
	if (len < 39 + sid + 2)
		return;
	seen->version = (unsigned) b[4] << 8 | b[5];
	memcpy(seen->cipher, b + 39 + sid, 2);
	seen->hello = true;
	shutdown(SSL_get_fd(ssl), SHUT_RDWR);
}

/* A plain TCP connection to the address the failed handshake used: quiet
 * (the first failure is the one reported) and short. */
static int
probe_connect(const struct tunnel_conn *c, uint16_t port, int64_t deadline, int cancel_fd)
{
	struct sockaddr_storage sa;
	socklen_t sa_len;
	int fd, soerr = 0;
	socklen_t slen = sizeof(soerr);

	memset(&sa, 0, sizeof(sa));
	if (inet_pton(AF_INET, c->peer_ip, &((struct sockaddr_in *) &sa)->sin_addr) == 1) {
		((struct sockaddr_in *) &sa)->sin_family = AF_INET;
		((struct sockaddr_in *) &sa)->sin_port = htons(port);
		sa_len = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, c->peer_ip, &((struct sockaddr_in6 *) &sa)->sin6_addr) == 1) {
		((struct sockaddr_in6 *) &sa)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *) &sa)->sin6_port = htons(port);
		sa_len = sizeof(struct sockaddr_in6);
	} else
		return -1;
	fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *) &sa, sa_len) != 0
	    && (errno != EINPROGRESS || tunnel_wait_fd(fd, POLLOUT, deadline, cancel_fd) != 1
	        || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) != 0 || soerr != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Fills *seen from a second handshake with the server of c (not through a
 * proxy: then the server's address is not ours to dial). */
static void
tls_probe_server(const struct tunnel_options *o, const struct tunnel_conn *c, int cancel_fd,
                 struct tls_probe *seen, char *cipher_name, size_t cap)
{
	int64_t deadline = tunnel_now_ms() + PROBE_TIMEOUT_MS;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	int fd;

	memset(seen, 0, sizeof(*seen));
	snprintf(cipher_name, cap, "?");
	if (o->proxy_host || (fd = probe_connect(c, o->port, deadline, cancel_fd)) < 0)
		return;
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx && (ssl = SSL_new(ctx)) != NULL) {
		/* Security level 0: anything the server might pick is offered. */
		SSL_set_min_proto_version(ssl, 0);
		SSL_set_max_proto_version(ssl, TLS1_2_VERSION);
		SSL_set_cipher_list(ssl, "ALL:aNULL:eNULL:@SECLEVEL=0");
		SSL_set_msg_callback(ssl, probe_msg_cb);
		SSL_set_msg_callback_arg(ssl, seen);
		SSL_set_fd(ssl, fd);
		for (;;) {
			int ret = SSL_connect(ssl), err;

			if (ret == 1 || seen->hello)
				break;
			err = SSL_get_error(ssl, ret);
			if ((err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
			    || tunnel_wait_fd(fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline,
			                      cancel_fd) != 1)
				break;
		}
		if (seen->hello) {
			const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, seen->cipher);

			if (cipher)
				snprintf(cipher_name, cap, "%s", SSL_CIPHER_get_name(cipher));
			else
				snprintf(cipher_name, cap, "0x%02X%02X", seen->cipher[0], seen->cipher[1]);
			/* (an unknown suite is not called anonymous) */
			if (!cipher || SSL_CIPHER_get_auth_nid(cipher) != NID_auth_null)
				seen->cipher[0] = seen->cipher[1] = 0xff;
		}
	}
	ERR_clear_error();
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
}

static const char *
tls_version_name(unsigned v)
{
	switch (v) {
	case 0x0300: return "SSL 3.0";
	case 0x0301: return "TLS 1.0";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	default: return NULL;
	}
}

/* The error for a failed handshake: what the probe saw when it explains
 * the failure, else OpenSSL's reason (why). */
static int
tls_handshake_fail(const struct tunnel_options *o, const struct tunnel_conn *c, int cancel_fd,
                   const char *want, const char *why)
{
	struct tls_probe seen;
	char cipher[64], version[32];
	bool anonymous, old;
	const char *name;

	tls_probe_server(o, c, cancel_fd, &seen, cipher, sizeof(cipher));
	anonymous = seen.hello && !(seen.cipher[0] == 0xff && seen.cipher[1] == 0xff);
	old = seen.hello && seen.version < 0x0303;
	name = tls_version_name(seen.version);
	if (name)
		snprintf(version, sizeof(version), "%s", name);
	else
		snprintf(version, sizeof(version), "version 0x%04x", seen.version);
	if (anonymous)
		return tunnel_fail(SSTP_EXIT_TLS, "TLS handshake with %s failed: the server offers only "
		                   "anonymous TLS (%s%s%s), without a certificate, so nothing proves who it "
		                   "is and this client refuses it. A MikroTik RouterOS SSTP server does this "
		                   "when no certificate is set: give the server a certificate", want,
		                   old ? version : "", old ? ", " : "", cipher);
	if (old)
		return tunnel_fail(SSTP_EXIT_TLS, "TLS handshake with %s failed: the server offers only "
		                   "%s, and this client needs TLS 1.2 or later (RFC 8996 retired TLS 1.0 "
		                   "and 1.1): the server's administrator must enable TLS 1.2", want,
		                   version);
	return tunnel_fail(SSTP_EXIT_TLS, "TLS handshake with %s failed: %s", want, why);
}

static bool
is_ip_literal(const char *s)
{
	uint8_t buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int
tunnel_tls_connect(const struct tunnel_options *o, int cancel_fd, struct tunnel_conn *c)
{
	const char *want = o->host ? o->host : o->server;
	X509 *leaf;
	int64_t deadline;
	int r, der_len;
	unsigned char *p;

	tunnel_status_state("connecting");
	r = o->proxy_host ? proxy_connect(o, cancel_fd, c) : tcp_connect(o->server, o->port, cancel_fd, c, "server");
	if (r != 0)
		return r;

	tunnel_status_state("tls");
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (!c->ctx)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot create a TLS context");
	SSL_CTX_set_min_proto_version(c->ctx, o->tls_min == 13 ? TLS1_3_VERSION : TLS1_2_VERSION);
	/* A pin (or --no-verify) decides alone (certificate_check): no CA store
	 * then. The system store is a bundle of ~150 certificates that OpenSSL
	 * parses in full when loading it, a good part of the set-up time on a
	 * slow machine. */
	if (!o->has_pin && !o->no_verify && (r = load_trust(o, c->ctx)) != 0)
		return r;
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, verify_cb);
	SSL_CTX_set_options(c->ctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_info_callback(c->ctx, info_cb);

	c->ssl = SSL_new(c->ctx);
	if (!c->ssl)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot create a TLS session");
	SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	/* Without read-ahead OpenSSL reads each record with two recv() calls
	 * (header, then body). With it, one recv() fills a 64 KiB buffer that
	 * may hold several records: far fewer system calls on the download
	 * path. Everything read ahead stays visible through SSL_has_pending(),
	 * which the loop checks before it polls. */
	SSL_set_read_ahead(c->ssl, 1);
	SSL_set_default_read_buffer_len(c->ssl, 64 * 1024);
	{
		X509_VERIFY_PARAM *param = SSL_get0_param(c->ssl);
		X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
		X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (is_ip_literal(want)) {
			if (X509_VERIFY_PARAM_set1_ip_asc(param, want) != 1)
				return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot set the expected address %s", want);
		} else if (SSL_set1_host(c->ssl, want) != 1) {
			return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot set the expected name %s", want);
		}
	}
	/* RFC 6066: SNI is a host name only, never an address or host:port. */
	if (!o->no_sni && !is_ip_literal(want)) {
		if (SSL_set_tlsext_host_name(c->ssl, want) != 1)
			return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot set SNI %s", want);
		tlog_debug("TLS: SNI %s", want);
	}
	SSL_set_fd(c->ssl, c->fd);

	memset(&verify_first, 0, sizeof(verify_first));
	renegotiation_refused = false;
	deadline = tunnel_now_ms() + TLS_TIMEOUT_MS;
	for (;;) {
		int ret = SSL_connect(c->ssl), err;
		char why[256];

		if (ret == 1)
			break;
		err = SSL_get_error(c->ssl, ret);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			r = tunnel_wait_fd(c->fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, cancel_fd);
			if (r == -2)
				return TUNNEL_CANCELLED;
			if (r == 0)
				return tunnel_fail(SSTP_EXIT_TLS, "TLS handshake with %s did not finish within %d s",
				                   want, TLS_TIMEOUT_MS / 1000);
			if (r < 0)
				return tunnel_fail(SSTP_EXIT_TLS, "TLS handshake: %s", strerror(errno));
			continue;
		}
		errno = 0;
		if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
			snprintf(why, sizeof(why), "the server closed the connection");
		else
			openssl_error_text(why, sizeof(why));
		return tls_handshake_fail(o, c, cancel_fd, want, why);
	}
	tlog_info("TLS: %s, %s", SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));

	leaf = SSL_get1_peer_certificate(c->ssl);
	if (!leaf)
		return tunnel_fail(SSTP_EXIT_TLS, "the server sent no certificate");
	der_len = i2d_X509(leaf, NULL);
	if (der_len <= 0 || !(c->cert_der = malloc((size_t) der_len))) {
		X509_free(leaf);
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot encode the server certificate");
	}
	p = c->cert_der;
	i2d_X509(leaf, &p);
	c->cert_der_len = (size_t) der_len;

	r = certificate_check(o, c, leaf, want);
	X509_free(leaf);
	X509_free(verify_first.cert);
	verify_first.cert = NULL;
	return r;
}

/* ---- SSTP_DUPLEX_POST ------------------------------------------------ */

static int
tls_write_all(struct tunnel_conn *c, const void *buf, size_t len, int64_t deadline, int cancel_fd)
{
	size_t off = 0;

	while (off < len) {
		size_t done = 0;
		int ret = SSL_write_ex(c->ssl, (const char *) buf + off, len - off, &done), err, r;

		if (ret == 1) {
			off += done;
			continue;
		}
		err = SSL_get_error(c->ssl, ret);
		if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
			return -1;
		r = tunnel_wait_fd(c->fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, cancel_fd);
		if (r <= 0)
			return r == -2 ? -2 : -1;
	}
	return 0;
}

/* buf (cap bytes) takes the answer's header and what came with it. */
static int
http_handshake(const struct tunnel_options *o, int cancel_fd, struct tunnel_conn *c, uint8_t *buf,
               size_t cap)
{
	uint8_t rnd[16];
	char guid[SSTP_GUID_STRLEN + 1];
	char req[1024];
	size_t len = 0, n;
	int64_t deadline = tunnel_now_ms() + HTTP_TIMEOUT_MS;
	const char *host = o->host ? o->host : o->server;
	struct sstp_http_response resp;
	int r;

	tunnel_status_state("http");
	if (o->correlation_id && strlen(o->correlation_id) == SSTP_GUID_STRLEN) {
		/* --uuid (sstpc's): the operator's own id, to find the call in the server's logs */
		memcpy(guid, o->correlation_id, SSTP_GUID_STRLEN + 1);
	} else {
		if (RAND_bytes(rnd, sizeof(rnd)) != 1)
			return tunnel_fail(SSTP_EXIT_INTERNAL, "no random bytes for the correlation id");
		sstp_guid_format(rnd, guid);
	}
	n = sstp_http_build_request(req, sizeof(req), host, o->port, guid);
	if (n == 0)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot build the SSTP HTTP request for %s", host);
	tlog_debug("HTTP: SSTP_DUPLEX_POST to %s, correlation id %s", host, guid);
	r = tls_write_all(c, req, n, deadline, cancel_fd);
	if (r == -2)
		return TUNNEL_CANCELLED;
	if (r != 0)
		return tunnel_fail(SSTP_EXIT_HTTP, "sending the SSTP HTTP request failed");

	for (;;) {
		size_t got = 0;
		int ret, err;
		enum sstp_http_result pr;

		if (len >= cap)
			return tunnel_fail(SSTP_EXIT_HTTP, "the server's HTTP answer is too long");
		ret = SSL_read_ex(c->ssl, buf + len, cap - len, &got);
		if (renegotiation_refused)
			return SSTP_EXIT_TLS;   /* info_cb() gave the reason */
		if (ret == 1) {
			len += got;
			memset(&resp, 0, sizeof(resp));
			pr = sstp_http_response_parse(buf, len, &resp);
			if (pr == SSTP_HTTP_INCOMPLETE)
				continue;
			if (pr == SSTP_HTTP_ERROR)
				return tunnel_fail(SSTP_EXIT_HTTP, "malformed HTTP answer from the server: %s",
				                   resp.error ? resp.error : "?");
			break;
		}
		err = SSL_get_error(c->ssl, ret);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			r = tunnel_wait_fd(c->fd, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline, cancel_fd);
			if (r == -2)
				return TUNNEL_CANCELLED;
			if (r == 0)
				return tunnel_fail(SSTP_EXIT_HTTP, "no answer to the SSTP HTTP request within %d s",
				                   HTTP_TIMEOUT_MS / 1000);
			if (r < 0)
				return tunnel_fail(SSTP_EXIT_HTTP, "waiting for the HTTP answer: %s", strerror(errno));
			continue;
		}
		return tunnel_fail(SSTP_EXIT_HTTP, "the server closed the connection before answering the "
		                   "SSTP HTTP request");
	}

	if (resp.status != 200)
		return tunnel_fail(SSTP_EXIT_HTTP, "the server refused the SSTP request: HTTP %d%s%s%s%s",
		                   resp.status, resp.reason[0] ? " " : "", resp.reason,
		                   resp.server[0] ? ", server " : "", resp.server);
	tlog_info("HTTP: SSTP accepted (%d %s%s%s)", resp.status, resp.reason,
	          resp.server[0] ? ", server " : "", resp.server);
	if (len > resp.header_len) {
		c->leftover_len = len - resp.header_len;
		c->leftover = malloc(c->leftover_len);
		if (!c->leftover)
			return tunnel_fail(SSTP_EXIT_INTERNAL, "out of memory");
		memcpy(c->leftover, buf + resp.header_len, c->leftover_len);
	}
	return 0;
}

int
tunnel_http_handshake(const struct tunnel_options *o, int cancel_fd, struct tunnel_conn *c)
{
	/* A header of up to SSTP_HTTP_MAX_HEADER and a record behind it. On the
	 * heap, not the stack: a 24 KiB frame here, with OpenSSL's calls below
	 * it, would be the deepest the stack ever gets, and those pages stay
	 * resident for the whole session; the heap reuses them. */
	size_t cap = SSTP_HTTP_MAX_HEADER + 16384;
	uint8_t *buf = malloc(cap);
	int r;

	if (!buf)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "out of memory");
	r = http_handshake(o, cancel_fd, c, buf, cap);
	free(buf);
	return r;
}
