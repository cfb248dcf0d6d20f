/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nm-sstp-tunnel: SSTP client worker. Started by nm-sstp-service with
 * --options-fd/--status-fd, or by hand like sstpc. See nm-sstp-tunnel(8).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include "sstp-exit.h"
#include "sstp-harden.h"
#include "sstp-validate.h"
#include "tunnel-eaptls.h"
#include "tunnel-log.h"
#include "tunnel-sandbox.h"
#include "tunnel-loop.h"
#include "tunnel-options.h"
#include "tunnel-tls.h"

#ifndef NM_SSTP_PPPD_PLUGIN
#error "NM_SSTP_PPPD_PLUGIN must be defined by the build"
#endif

static void
print_usage(FILE *f)
{
	fprintf(f,
	        "Usage: nm-sstp-tunnel [OPTION...] SERVER[:PORT] [-- PPPD-OPTION...]\n"
	        "\n"
	        "Connect to an SSTP VPN server (port 443 by default) and run pppd over it.\n"
	        "SERVER is a host name, an IPv4 address or an [IPv6] address.\n"
	        "\n"
	        "Server certificate:\n"
	        "  --ca-cert FILE          trust these CA certificates (default: system store)\n"
	        "  --pin-sha256 HEX        accept exactly the certificate with this SHA-256\n"
	        "                          (of its DER; colons allowed), even if no CA signed it\n"
	        "  --no-verify             do not check the certificate at all (insecure)\n"
	        "  --host NAME             name for SNI, the Host header and the certificate\n"
	        "                          check (default: SERVER when it is a name)\n"
	        "  --no-sni                do not send SNI\n"
	        "  --tls-min 1.2|1.3       lowest TLS version accepted (default 1.2)\n"
	        "Proxy:\n"
	        "  --proxy http://HOST:PORT          connect through an HTTP proxy (CONNECT)\n"
	        "  --proxy-user USER                 user for the proxy (Basic auth)\n"
	        "  --proxy-password-file FILE        file whose first line is the proxy password\n"
	        "PPP authentication:\n"
	        "  --user USER             user name (DOMAIN\\user allowed)\n"
	        "  --password-file FILE    file whose first line is the password (- = stdin)\n"
	        "Other:\n"
	        "  --hello SECONDS         SSTP hello (keep-alive) interval, " SSTP_STRINGIFY(SSTP_HELLO_MIN)
	        "-" SSTP_STRINGIFY(SSTP_HELLO_MAX) " (default " SSTP_STRINGIFY(SSTP_HELLO_DEFAULT) ")\n"
	        "  --pppd PATH             pppd to run (default " PPPD_PATH ")\n"
	        "  --pppd-plugin PATH      pppd plugin (default " NM_SSTP_PPPD_PLUGIN ")\n"
	        "  --pkcs11-dir DIR        the service's PKCS#11 relay for pppd (DIR/p11.sock,\n"
	        "                          DIR/openssl.cnf; see nm-sstp-settings(5))\n"
	        "  --no-dhcp-inform        do not ask the server for split routes and the DNS\n"
	        "                          domain (DHCPINFORM through the tunnel)\n"
	        "  --no-peer-dns           do not ask the server for DNS servers (no usepeerdns)\n"
	        "  --uuid GUID             correlation id sent to the server (default: random)\n"
	        "  --debug                 log SSTP/PPP control packets (never secrets)\n"
	        "  --options-fd N          read more options, NUL-separated, from fd N\n"
	        "  --status-fd N           write status messages to fd N\n"
	        "  --version, --help\n"
	        "sstpc's spellings: --cert-warn (= --no-verify), --ca-path/--ca-dir DIR\n"
	        "(= --ca-cert), --tls-ext (SNI, on by default), --log-level N (3 and up =\n"
	        "--debug), --log-stderr.\n"
	        "\n"
	        "Words after -- (or, as with sstpc, after SERVER) are passed to pppd unchanged.\n"
	        "Needs root: pppd takes its plugin only from root.\n"
	        "Exit status: 0 disconnected, 1 usage, 2 connection, 3 TLS/certificate, 4 HTTP,\n"
	        "5 SSTP negotiation, 6 PPP authentication, 7 server disconnect/abort, 8 dead server,\n"
	        "9 pppd failure, 10 internal error. See nm-sstp-tunnel(8).\n");
}

/* Read the whole options stream. Returns a malloc'ed buffer (caller
 * wipes it) or NULL with an error logged. */
static char *
read_options_stream(int fd, size_t *len_out)
{
	size_t cap = TUNNEL_MAX_OPTIONS_STREAM, len = 0;
	char *buf = malloc(cap);

	if (!buf) {
		tunnel_fail(SSTP_EXIT_INTERNAL, "out of memory");
		return NULL;
	}
	for (;;) {
		ssize_t n;
		if (len == cap) {
			OPENSSL_cleanse(buf, cap);
			free(buf);
			tunnel_fail(SSTP_EXIT_USAGE, "options stream longer than %zu bytes", cap);
			return NULL;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			OPENSSL_cleanse(buf, cap);
			free(buf);
			tunnel_fail(SSTP_EXIT_USAGE, "cannot read the options stream (fd %d): %s", fd, strerror(errno));
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t) n;
	}
	*len_out = len;
	return buf;
}

static int
setup_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static int
finish(struct tunnel_options *o, int code)
{
	if (code != SSTP_EXIT_OK) {
		const char *msg = tunnel_fail_message();
		if (tunnel_fail_code() == 0 || !msg[0])
			msg = "failed";
		tunnel_status_error(code, msg);
	}
	tunnel_options_clear(o);
	return code;
}

int
main(int argc, char **argv)
{
	struct tunnel_options o;
	struct tunnel_conn conn;
	char err[512];
	int sigfd, code;

#ifdef M_ARENA_MAX
	/* One malloc arena: the resolver thread (a host name) would otherwise
	 * get one of its own, whose pages stay resident for the whole session
	 * after the thread is gone. It allocates a few blocks, once. */
	mallopt(M_ARENA_MAX, 1);
#endif
	/* Before the first secret arrives (options stream, password files). */
	if (sstp_forbid_core_dumps() != 0)
		tlog_warn("cannot disable core dumps (%s): a crash could leave the password in a core file",
		          strerror(errno));
	tunnel_options_init(&o);
	if (tunnel_options_parse(&o, argc - 1, argv + 1, false, err, sizeof(err)) != 0) {
		fprintf(stderr, "nm-sstp-tunnel: error: %s\n", err);
		/* the status fd may be known even if a later word was bad */
		if (o.status_fd >= 0 && fcntl(o.status_fd, F_GETFD) >= 0) {
			tunnel_status_set_fd(o.status_fd);
			tunnel_status_error(SSTP_EXIT_USAGE, err);
		}
		tunnel_options_clear(&o);
		return SSTP_EXIT_USAGE;
	}
	if (o.show_help) {
		print_usage(stdout);
		tunnel_options_clear(&o);
		return SSTP_EXIT_OK;
	}
	if (o.show_version) {
		printf("nm-sstp-tunnel %s (pppd %s)\n", PACKAGE_VERSION, PPPD_VERSION_STRING);
		tunnel_options_clear(&o);
		return SSTP_EXIT_OK;
	}
	if (o.status_fd >= 0) {
		if (fcntl(o.status_fd, F_GETFD) < 0) {
			fprintf(stderr, "nm-sstp-tunnel: error: --status-fd %d is not open\n", o.status_fd);
			tunnel_options_clear(&o);
			return SSTP_EXIT_USAGE;
		}
		fcntl(o.status_fd, F_SETFD, FD_CLOEXEC);
		tunnel_status_set_fd(o.status_fd);
	}
	tunnel_log_set_debug(o.debug);

	if (o.options_fd >= 0) {
		size_t len = 0;
		char *buf = read_options_stream(o.options_fd, &len);
		int r;

		close(o.options_fd);
		if (!buf)
			return finish(&o, tunnel_fail_code());
		r = tunnel_options_parse_stream(&o, buf, len, err, sizeof(err));
		OPENSSL_cleanse(buf, TUNNEL_MAX_OPTIONS_STREAM);
		free(buf);
		if (r != 0)
			return finish(&o, tunnel_fail(SSTP_EXIT_USAGE, "options stream: %s", err));
		tunnel_log_set_debug(o.debug);
	}
	if (tunnel_options_finish(&o, PPPD_PATH, NM_SSTP_PPPD_PLUGIN, err, sizeof(err)) != 0)
		return finish(&o, tunnel_fail(SSTP_EXIT_USAGE, "%s (see --help)", err));
	/* pppd takes "plugin" and the other options the worker gives it only from
	 * root: say so now, not after the server has been reached. A --pppd
	 * stand-in (tests, wrappers) is the caller's business. */
	if (geteuid() != 0 && strcmp(o.pppd_path, PPPD_PATH) == 0)
		return finish(&o, tunnel_fail(SSTP_EXIT_USAGE, "nm-sstp-tunnel must run as root: the "
		                              "pppd it starts accepts its plugin only from root (run it "
		                              "with sudo, or let NetworkManager start it)"));

	if (o.password_file) {
		o.password = tunnel_read_secret_file(o.password_file, err, sizeof(err));
		if (!o.password)
			return finish(&o, tunnel_fail(SSTP_EXIT_USAGE, "%s", err));
	}
	if (o.proxy_password_file) {
		o.proxy_password = tunnel_read_secret_file(o.proxy_password_file, err, sizeof(err));
		if (!o.proxy_password)
			return finish(&o, tunnel_fail(SSTP_EXIT_USAGE, "%s", err));
	}
	/* connection-type tls: say what is wrong with the certificate or key
	 * before the server sees it (tunnel-eaptls.h). */
	code = tunnel_eaptls_check(&o, err, sizeof(err));
	if (code != 0)
		return finish(&o, tunnel_fail(code, "%s", err));
	if (access(o.pppd_path, X_OK) != 0)
		return finish(&o, tunnel_fail(SSTP_EXIT_USAGE, "pppd %s cannot be executed: %s", o.pppd_path,
		                              strerror(errno)));
	if (access(o.pppd_plugin, R_OK) != 0)
		return finish(&o, tunnel_fail(SSTP_EXIT_USAGE, "pppd plugin %s: %s", o.pppd_plugin,
		                              strerror(errno)));

	/* Still one thread (the resolver's starts in tunnel_tls_connect()):
	 * the user lookup for the privilege drop can run in a child. */
	tunnel_sandbox_prepare();

	sigfd = setup_signals();
	if (sigfd < 0)
		return finish(&o, tunnel_fail(SSTP_EXIT_INTERNAL, "cannot set up signal handling: %s",
		                              strerror(errno)));

	tlog_info("connecting to %s port %u%s%s", o.server, (unsigned) o.port,
	          o.proxy_host ? " through proxy " : "", o.proxy_host ? o.proxy_host : "");
	tunnel_conn_init(&conn);
	code = tunnel_tls_connect(&o, sigfd, &conn);
	if (code == 0)
		code = tunnel_http_handshake(&o, sigfd, &conn);
	/* The proxy password is not needed any more. */
	if (o.proxy_password) {
		OPENSSL_cleanse(o.proxy_password, strlen(o.proxy_password));
		free(o.proxy_password);
		o.proxy_password = NULL;
	}
	if (code == TUNNEL_CANCELLED) {
		/* Given up while waiting for the server's TLS or HTTP answer: it may
		 * not be reading at all (tunnel-tls.h). */
		tlog_info("stopped by a signal before the tunnel was up");
		tunnel_conn_abort(&conn);
		code = SSTP_EXIT_OK;
	} else if (code != 0) {
		tunnel_conn_close(&conn);
	} else {
		code = tunnel_loop_run(&o, &conn, sigfd);
	}
	close(sigfd);
	return finish(&o, code);
}
