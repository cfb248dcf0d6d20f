/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host-bench: the worker's data path on the host, with no UML and no kernel
 * PPP. Not a test: it prints figures (run-host-bench.sh puts them next to
 * `openssl speed` on the same core).
 *
 * One program, two roles:
 *  - run by hand: a small SSTP server on 127.0.0.1 (TLS with a throw-away
 *    self-signed certificate the worker pins, HTTP 200, Call Connect ACK,
 *    then a sink or source of data packets; it checks no crypto binding). It
 *    starts nm-sstp-tunnel with --pppd pointing at this same program;
 *  - run by the worker as its "pppd" (HOST_BENCH_PPPD in the environment):
 *    a stand-in that reports auth-up on the plugin socket (fd 3), then writes
 *    HDLC-framed IPv4 frames on the pty as fast as it can, one write per
 *    frame as pppd's ppp_async does ("up"), or reads and decodes them ("down").
 *    It escapes what pppd escapes with nm-sstp-pppd-plugin.so, which sets
 *    the transmit async map on the pty to 0: only 0x7d and 0x7e; with
 *    --escape-controls every control byte too, as pppd without the plugin
 *    does for a server that does not negotiate the async map (SoftEther).
 *
 * The server waits for the stand-in's first frame through the tunnel after
 * Call Connected, answers "go", and times the transfer from there: up ends
 * when it has received --bytes of IP payload, down when the stand-in reports
 * (an IPCP frame up the tunnel) that it has decoded --bytes of them. CPU:
 * utime+stime of the worker from /proc over the same span.
 *
 * Usage: host-bench --tunnel PATH [--bytes MB] [--frame N] [--dir up|down]
 *                   [--cpu N] [--batch N] [--ktls] [--escape-controls] [--verify]
 *
 * --verify (up only): the server checks that every data packet is the next
 * frame the stand-in wrote, byte for byte, in order (the payloads come from a
 * fixed generator both know), and exits 1 at the first that is not. A test
 * (tests/unit/test-tunnel-bulk.sh) uses it: the worker's batched pty reads
 * and multi-packet TLS records must lose, split or reorder nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "hdlc.h"
#include "sstp-ipc.h"
#include "sstp-packet.h"

#define GO_LEN 24
static const uint8_t ip_hdr[4] = { 0xff, 0x03, 0x00, 0x21 };
#define N_FRAMES 16

/* Frame k's payload: bytes as varied as encrypted traffic (so about one in
 * 128 is escaped), the same in the stand-in and the server. */
static void
frame_payload(unsigned k, uint8_t *out, size_t n)
{
	uint32_t x = 0x9e3779b9u * (k + 1);

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[i] = (uint8_t) (x >> 24);
	}
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	fprintf(stderr, "host-bench: %s: %s\n", what, errno ? strerror(errno) : "failed");
	ERR_print_errors_fp(stderr);
	exit(1);
}

/* ---- the pppd stand-in ---------------------------------------------------- */

struct sink {
	uint64_t ip_bytes;
	uint64_t target;
	bool go;
};

static bool
on_frame_stand_in(void *ctx, const uint8_t *frame, size_t len)
{
	struct sink *s = ctx;

	if (len >= 4 && memcmp(frame, ip_hdr, 4) == 0) {
		if (!s->go)
			s->go = true;
		else
			s->ip_bytes += len - 4;
	}
	return true;
}

static int
stand_in(int argc, char **argv)
{
	const char *mode = getenv("HOST_BENCH_PPPD");
	uint64_t target = strtoull(getenv("HOST_BENCH_BYTES") ? getenv("HOST_BENCH_BYTES") : "0", NULL, 10);
	size_t frame = strtoul(getenv("HOST_BENCH_FRAME") ? getenv("HOST_BENCH_FRAME") : "1400", NULL, 10);
	static struct hdlc_decoder dec;
	static uint8_t buf[65536];
	struct sink s = { .target = target };
	char msg[256];
	struct sstp_ipc_writer w;
	size_t n;
	int tty;
	/* LCP Echo-Request: allowed before Call Connected, tells the worker
	 * pppd is there (it writes nothing to the pty before that). */
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0 };
	static const uint8_t done[] = { 0xff, 0x03, 0x80, 0x21, 0x09, 0x01, 0x00, 0x04 };

	if (argc < 2)
		return 1;
	tty = open(argv[1], O_RDWR | O_NOCTTY);
	if (tty < 0)
		die("stand-in: open the pty");
	hdlc_decoder_init(&dec);
	sstp_ipc_writer_init(&w, msg, sizeof(msg), "auth-up");
	sstp_ipc_writer_add(&w, "method", "none");
	n = sstp_ipc_writer_finish(&w);
	if (send(3, msg, n, 0) != (ssize_t) n)
		die("stand-in: auth-up");
	n = hdlc_encode(lcp, sizeof(lcp), buf, sizeof(buf));
	if (write(tty, buf, n) != (ssize_t) n)
		die("stand-in: first frame");
	/* Wait for "go" (the server's first IP frame). */
	while (!s.go) {
		ssize_t r = read(tty, buf, sizeof(buf));
		if (r <= 0)
			die("stand-in: read go");
		hdlc_decode(&dec, buf, (size_t) r, on_frame_stand_in, &s);
	}
	if (strcmp(mode, "up") == 0) {
		/* 16 frames of pseudo-random payload (escapes as in real traffic),
		 * HDLC-encoded once, written one frame per write(). */
		static uint8_t enc[N_FRAMES][2 * 4096 + 16];
		size_t enc_len[N_FRAMES];
		uint8_t raw[4096 + 4];
		uint64_t sent = 0;
		unsigned i = 0;

		if (frame > 4000)
			frame = 4000;
		for (unsigned k = 0; k < N_FRAMES; k++) {
			memcpy(raw, ip_hdr, 4);
			frame_payload(k, raw + 4, frame);
			enc_len[k] = getenv("HOST_BENCH_ESCAPE_CONTROLS")
			             ? hdlc_encode(raw, frame + 4, enc[k], sizeof(enc[k]))
			             : hdlc_encode_min(raw, frame + 4, enc[k], sizeof(enc[k]));
		}
		/* HOST_BENCH_BATCH > 1: that many frames per write(), as if
		 * pppd were far ahead of the worker (how much the wake-up per
		 * frame costs). */
		size_t batch = strtoul(getenv("HOST_BENCH_BATCH") ? getenv("HOST_BENCH_BATCH") : "1", NULL, 10);
		static uint8_t many[N_FRAMES * (2 * 4096 + 16)];

		if (batch < 1 || batch > 16)
			batch = 1;
		while (sent < target) {
			size_t len = 0;
			ssize_t r;

			for (size_t k = 0; k < batch; k++) {
				memcpy(many + len, enc[i], enc_len[i]);
				len += enc_len[i];
				i = (i + 1) % N_FRAMES;
			}
			r = write(tty, many, len);
			if (r < 0 && errno == EINTR)
				continue;
			if (r != (ssize_t) len)
				die("stand-in: write");
			sent += frame * batch;
		}
	} else {
		while (s.ip_bytes < target) {
			ssize_t r = read(tty, buf, sizeof(buf));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				die("stand-in: read");
			hdlc_decode(&dec, buf, (size_t) r, on_frame_stand_in, &s);
		}
		n = hdlc_encode(done, sizeof(done), buf, sizeof(buf));
		if (write(tty, buf, n) != (ssize_t) n)
			die("stand-in: done frame");
	}
	/* Stay until the worker ends (it stops us with SIGTERM or a hangup). */
	while (read(tty, buf, sizeof(buf)) > 0 || errno == EINTR)
		;
	return 0;
}

/* ---- the server ----------------------------------------------------------- */

static EVP_PKEY *
make_cert(X509 **out, char pin[65])
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	unsigned char *der = NULL, md[32];
	unsigned int mdlen;
	int dlen;

	if (!key || !x)
		die("key");
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, key);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
	                           (const unsigned char *) "bench.test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	if (!X509_sign(x, key, EVP_sha256()))
		die("sign");
	dlen = i2d_X509(x, &der);
	EVP_Digest(der, (size_t) dlen, md, &mdlen, EVP_sha256(), NULL);
	OPENSSL_free(der);
	for (unsigned i = 0; i < 32; i++)
		sprintf(pin + 2 * i, "%02x", md[i]);
	*out = x;
	return key;
}

static double
proc_cpu_s(pid_t pid)
{
	char path[64], line[1024], *p;
	unsigned long ut = 0, st = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long) pid);
	f = fopen(path, "r");
	if (!f || !fgets(line, sizeof(line), f)) {
		if (f)
			fclose(f);
		return 0;
	}
	fclose(f);
	p = strrchr(line, ')');
	/* after ")": state(3) ... utime is field 14, stime 15 */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return 0;
	return (double) (ut + st) / (double) sysconf(_SC_CLK_TCK);
}

static long
proc_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long) pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key), NULL, 10);
	fclose(f);
	return v;
}

/* Reads TLS into buf until one complete SSTP packet is at its head. */
static size_t
read_packet(SSL *ssl, uint8_t *buf, size_t *have, size_t cap)
{
	for (;;) {
		struct sstp_parse_error e;
		int plen = *have >= 4 ? sstp_packet_frame_length(buf, *have, &e) : 0;
		size_t got;

		if (plen < 0)
			die("bad SSTP packet from the worker");
		if (plen > 0 && *have >= (size_t) plen)
			return (size_t) plen;
		if (SSL_read_ex(ssl, buf + *have, cap - *have, &got) != 1)
			die("TLS read");
		*have += got;
	}
}

static void
consume(uint8_t *buf, size_t *have, size_t n)
{
	memmove(buf, buf + n, *have - n);
	*have -= n;
}

int
main(int argc, char **argv)
{
	const char *tunnel = NULL, *dir = "up";
	uint64_t bytes = 200ull * 1000 * 1000;
	size_t frame = 1400;
	int cpu = -1, lfd, fd, status;
	bool ktls = false, verify = false;
	uint64_t checked = 0;
	char pin[65], port_s[32], bytes_s[32], frame_s[32], pwfile[] = "/tmp/host-bench-pw-XXXXXX";
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	static uint8_t rx[1 << 17];
	size_t have = 0, plen;
	uint8_t nonce[SSTP_NONCE_LEN], pkt[256];
	X509 *cert;
	EVP_PKEY *key;
	SSL_CTX *ctx;
	SSL *ssl;
	pid_t worker;
	double t0, t1, c0, c1;
	struct rusage ru0, ru1;
	uint64_t moved = 0;
	long hwm, pd;
	char self[4096];
	ssize_t sn;

	if (getenv("HOST_BENCH_PPPD"))
		return stand_in(argc, argv);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tunnel") == 0 && i + 1 < argc)
			tunnel = argv[++i];
		else if (strcmp(argv[i], "--bytes") == 0 && i + 1 < argc)
			bytes = strtoull(argv[++i], NULL, 10) * 1000 * 1000;
		else if (strcmp(argv[i], "--frame") == 0 && i + 1 < argc)
			frame = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--cpu") == 0 && i + 1 < argc)
			cpu = atoi(argv[++i]);
		else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
			setenv("HOST_BENCH_BATCH", argv[++i], 1);   /* for the stand-in */
		else if (strcmp(argv[i], "--ktls") == 0)
			ktls = true;
		else if (strcmp(argv[i], "--verify") == 0)
			verify = true;
		else if (strcmp(argv[i], "--escape-controls") == 0)
			setenv("HOST_BENCH_ESCAPE_CONTROLS", "1", 1);   /* for the stand-in */
		else {
			fprintf(stderr, "usage: host-bench --tunnel PATH [--bytes MB] [--frame N] "
			                "[--dir up|down] [--cpu N] [--batch N] [--ktls] [--escape-controls] "
			                "[--verify]\n");
			return 1;
		}
	}
	if (!tunnel || frame < 20 || frame > 4000 || (strcmp(dir, "up") && strcmp(dir, "down"))) {
		fprintf(stderr, "host-bench: --tunnel is required; --frame 20..4000; --dir up|down\n");
		return 1;
	}
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		/* inherited by the worker and the stand-in: all on one core */
		if (sched_setaffinity(0, sizeof(set), &set) != 0)
			die("sched_setaffinity");
	}
	sn = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sn <= 0)
		die("readlink /proc/self/exe");
	self[sn] = 0;

	key = make_cert(&cert, pin);
	ctx = SSL_CTX_new(TLS_server_method());
	if (!ctx || SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1)
		die("TLS context");
	if (ktls)
		SSL_CTX_set_options(ctx, SSL_OP_ENABLE_KTLS);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *) &sa, sizeof(sa)) != 0 || listen(lfd, 1) != 0
	    || getsockname(lfd, (struct sockaddr *) &sa, &sl) != 0)
		die("listen");
	snprintf(port_s, sizeof(port_s), "127.0.0.1:%u", ntohs(sa.sin_port));
	snprintf(bytes_s, sizeof(bytes_s), "%llu", (unsigned long long) bytes);
	snprintf(frame_s, sizeof(frame_s), "%zu", frame);
	fd = mkstemp(pwfile);
	if (fd < 0 || write(fd, "bench\n", 6) != 6)
		die("password file");
	close(fd);

	worker = fork();
	if (worker < 0)
		die("fork");
	if (worker == 0) {
		setenv("HOST_BENCH_PPPD", dir, 1);
		setenv("HOST_BENCH_BYTES", bytes_s, 1);
		setenv("HOST_BENCH_FRAME", frame_s, 1);
		execl(tunnel, tunnel, "--pin-sha256", pin, "--no-sni", "--pppd", self, "--pppd-plugin", self,
		      "--no-dhcp-inform", "--user", "bench", "--password-file", pwfile, port_s, (char *) NULL);
		_exit(127);
	}
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		die("accept");
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) != 1)
		die("TLS handshake");
	unlink(pwfile);
	/* HTTP request, then the answer the worker wants. */
	for (;;) {
		size_t got;
		if (SSL_read_ex(ssl, rx + have, sizeof(rx) - have, &got) != 1)
			die("HTTP read");
		have += got;
		if (memmem(rx, have, "\r\n\r\n", 4)) {
			size_t hl = (size_t) ((uint8_t *) memmem(rx, have, "\r\n\r\n", 4) - rx) + 4;
			consume(rx, &have, hl);
			break;
		}
	}
	{
		static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n"
		                         "Server: Microsoft-HTTPAPI/2.0\r\n\r\n";
		if (SSL_write(ssl, ok, (int) strlen(ok)) <= 0)
			die("HTTP write");
	}
	/* Call Connect Request -> ACK; LCP etc. ignored; Call Connected; the
	 * stand-in's first frame. */
	plen = read_packet(ssl, rx, &have, sizeof(rx));
	consume(rx, &have, plen);
	RAND_bytes(nonce, sizeof(nonce));
	plen = sstp_packet_build_call_connect_ack(pkt, sizeof(pkt), 0x02, nonce);
	if (SSL_write(ssl, pkt, (int) plen) <= 0)
		die("ACK");
	{
		bool connected = false;
		while (!connected) {
			plen = read_packet(ssl, rx, &have, sizeof(rx));
			if (rx[1] & 1) {
				uint16_t type = (uint16_t) (rx[4] << 8 | rx[5]);
				connected = type == SSTP_MSG_CALL_CONNECTED;
			}
			consume(rx, &have, plen);
		}
	}
	{
		uint8_t go[GO_LEN] = { 0xff, 0x03, 0x00, 0x21 };
		plen = sstp_packet_build_data(pkt, sizeof(pkt), go, sizeof(go));
		if (SSL_write(ssl, pkt, (int) plen) <= 0)
			die("go");
	}
	if (ktls)
		fprintf(stderr, "host-bench: server kTLS send %s, receive %s\n",
		        BIO_get_ktls_send(SSL_get_wbio(ssl)) ? "on" : "off",
		        BIO_get_ktls_recv(SSL_get_rbio(ssl)) ? "on" : "off");

	getrusage(RUSAGE_SELF, &ru0);
	t0 = now_s();
	c0 = proc_cpu_s(worker);
	if (strcmp(dir, "up") == 0) {
		static uint8_t expect[N_FRAMES][4096];

		if (frame > 4000)
			frame = 4000;   /* as the stand-in does */
		for (unsigned k = 0; k < N_FRAMES; k++)
			frame_payload(k, expect[k], frame);
		while (moved < bytes) {
			plen = read_packet(ssl, rx, &have, sizeof(rx));
			if (!(rx[1] & 1) && plen > 8 && memcmp(rx + 4, ip_hdr, 4) == 0) {
				if (verify && (plen != SSTP_HEADER_LEN + 4 + frame
				               || memcmp(rx + 8, expect[checked % N_FRAMES], frame) != 0)) {
					fprintf(stderr, "host-bench: data packet %llu (%zu bytes) is not frame %llu "
					        "of the stand-in\n", (unsigned long long) checked, plen,
					        (unsigned long long) (checked % N_FRAMES));
					kill(worker, SIGTERM);
					waitpid(worker, &status, 0);
					return 1;
				}
				checked++;
				moved += plen - 8;
			}
			consume(rx, &have, plen);
		}
	} else {
		/* Records of ~16 KB full of data packets; the stand-in's
		 * IPCP frame says when it has decoded everything. */
		static uint8_t out[16384];
		uint8_t f[4096];
		size_t olen = 0, one = SSTP_HEADER_LEN + 4 + frame;
		bool done = false;
		struct pollfd p = { .fd = fd, .events = POLLIN };

		memcpy(f, ip_hdr, 4);
		RAND_bytes(f + 4, (int) frame);
		while (olen + one <= sizeof(out))
			olen += sstp_packet_build_data(out + olen, sizeof(out) - olen, f, frame + 4);
		while (!done) {
			if (SSL_write(ssl, out, (int) olen) <= 0)
				die("TLS write");
			moved += (olen / one) * frame;
			if (SSL_pending(ssl) > 0 || poll(&p, 1, 0) > 0) {
				size_t got;
				if (SSL_read_ex(ssl, rx + have, sizeof(rx) - have, &got) == 1)
					have += got;
				while (have >= 4) {
					struct sstp_parse_error e;
					int l = sstp_packet_frame_length(rx, have, &e);
					if (l <= 0 || have < (size_t) l)
						break;
					if (!(rx[1] & 1) && l >= 8 && rx[6] == 0x80 && rx[7] == 0x21)
						done = true;
					consume(rx, &have, (size_t) l);
				}
			}
		}
		moved = bytes;   /* what the stand-in counted */
	}
	t1 = now_s();
	c1 = proc_cpu_s(worker);
	getrusage(RUSAGE_SELF, &ru1);
	hwm = proc_kb(worker, "VmHWM:");
	pd = -1;
	{
		char path[64], line[256];
		FILE *f;
		long pc = 0, pdirty = 0;
		snprintf(path, sizeof(path), "/proc/%ld/smaps_rollup", (long) worker);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			if (sscanf(line, "Private_Dirty: %ld", &pc) == 1)
				pdirty = pc;
		}
		if (f) {
			fclose(f);
			pd = pdirty;
		}
	}
	/* The worker would wait for our Call Disconnect ACK: hang up instead. */
	kill(worker, SIGTERM);
	shutdown(fd, SHUT_RDWR);
	waitpid(worker, &status, 0);
	{
		double secs = t1 - t0, mb = (double) moved / 1e6;
		double srv = (double) (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec)
		             + (double) (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1e6;
		printf("dir=%s frame=%zu MB=%.0f seconds=%.3f MB_per_s=%.1f worker_cpu_s=%.3f "
		       "worker_cpu_ms_per_MB=%.3f worker_MB_per_cpu_s=%.1f server_cpu_s=%.3f "
		       "worker_hwm_kb=%ld worker_private_dirty_kb=%ld cipher=%s",
		       dir, frame, mb, secs, mb / secs, c1 - c0, (c1 - c0) * 1000 / mb,
		       c1 > c0 ? mb / (c1 - c0) : 0.0, srv, hwm, pd, SSL_get_cipher(ssl));
		if (verify)
			printf(" frames_verified=%llu", (unsigned long long) checked);
		printf("\n");
	}
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	X509_free(cert);
	EVP_PKEY_free(key);
	return 0;
}
