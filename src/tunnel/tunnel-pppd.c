/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <config.h>

#include "tunnel-pppd.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "sstp-harden.h"

#include "sstp-exit.h"
#include "sstp-ipc.h"
#include "tunnel-log.h"
#include "tunnel-tls.h"

/* The fd number the plugin finds its socket on (matches "sstp-sock 3"). */
#define PLUGIN_FD 3
#define MAX_PPPD_ARGS 64

void
tunnel_pppd_init(struct tunnel_pppd *p)
{
	memset(p, 0, sizeof(*p));
	p->master = p->slave = p->sock = -1;
}

static int
set_raw(int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) != 0)
		return -1;
	/* Raw, 8 bit, no echo, no line discipline processing: PPP frames must
	 * cross unchanged, and an echoing pty would bounce the server's frames
	 * straight back to it. */
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(fd, TCSANOW, &t);
}

static int
open_pty(struct tunnel_pppd *p)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (m < 0)
		return -1;
	if (grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, p->slave_path, sizeof(p->slave_path)) != 0) {
		close(m);
		return -1;
	}
	p->slave = open(p->slave_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0) {
		close(m);
		return -1;
	}
	if (set_raw(p->slave) != 0 || set_raw(m) != 0) {
		close(m);
		close(p->slave);
		p->slave = -1;
		return -1;
	}
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	p->master = m;
	return 0;
}

static int
send_credentials(struct tunnel_options *o, int sock)
{
	char buf[SSTP_IPC_MAX_MESSAGE];
	struct sstp_ipc_writer w;
	size_t n;
	ssize_t sent;

	sstp_ipc_writer_init(&w, buf, sizeof(buf), "credentials");
	if (o->user)
		sstp_ipc_writer_add(&w, "user", o->user);
	if (o->password)
		sstp_ipc_writer_add(&w, "password", o->password);
	n = sstp_ipc_writer_finish(&w);
	if (n == 0) {
		OPENSSL_cleanse(buf, sizeof(buf));
		return tunnel_fail(SSTP_EXIT_USAGE, "the user name or password cannot be passed to pppd "
		                   "(control character?)");
	}
	/* The socketpair is new and empty: one small datagram always fits. */
	sent = send(sock, buf, n, MSG_NOSIGNAL);
	OPENSSL_cleanse(buf, sizeof(buf));
	if (sent != (ssize_t) n)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot queue the credentials for pppd: %s",
		                   strerror(errno));
	/* The worker has no further use for the password. */
	if (o->password) {
		OPENSSL_cleanse(o->password, strlen(o->password));
		free(o->password);
		o->password = NULL;
	}
	return 0;
}

static size_t
build_argv(const struct tunnel_options *o, const struct tunnel_pppd *p, const char **argv)
{
	size_t n = 0;

	argv[n++] = o->pppd_path;
	argv[n++] = p->slave_path;
	/* Our defaults come first so options after "--" can override them.
	 * They neutralise what Debian's /etc/ppp/options sets for modems:
	 * auth (we do not authenticate the server at the PPP level: TLS did),
	 * lock, crtscts and modem (a pty has no lines to lock or watch). */
	argv[n++] = "nodetach";
	argv[n++] = "noauth";
	argv[n++] = "local";
	argv[n++] = "nolock";
	argv[n++] = "nocrtscts";
	argv[n++] = "noipdefault";
	/* pppd's receive async map applies to the pty from this worker,
	 * which sends no line noise: take every control byte as it comes, so
	 * the worker escapes only 0x7d and 0x7e (tunnel-loop.c). */
	argv[n++] = "receive-all";
	/* Ask the server for DNS servers (reported in the ip4 message),
	 * unless the profile ignores them; pppd has no option to undo it. */
	if (!o->no_peer_dns)
		argv[n++] = "usepeerdns";
	/* [MS-SSTP] caps a PPP frame at 4091 bytes; 1400 is the safe MTU for
	 * this TCP-in-TLS tunnel (Windows uses the same). */
	argv[n++] = "mtu";
	argv[n++] = "1400";
	argv[n++] = "mru";
	argv[n++] = "1400";
	/* The DHCPINFORM for split routes travels as a plain IP frame, which
	 * compression would hide from us (docs/dhcp-inform.md). Inside TLS,
	 * compression gains nothing; so refuse it, but not CCP as a whole: a
	 * server that insists on MPPE still connects (then without split
	 * routes, and the log says why). A "deflate" or "bsdcomp" after "--"
	 * overrides this. */
	if (!o->no_dhcp_inform) {
		argv[n++] = "nodeflate";
		argv[n++] = "nobsdcomp";
	}
	/* No pppd "debug", even with --debug: its packet dumps (to stdout and syslog)
	 * print the CHAP challenge and response, which test a password offline. The
	 * worker logs a summary of each PPP control frame instead (tunnel-loop.c). */
	/* pppd needs the name before any password question: EAP sends it as
	 * the identity first, and pppd would send its host name instead (the
	 * plugin's password hooks set it only when asked for a password).
	 * The plugin answers every password question itself, so pppd never
	 * looks this name up in pap-secrets or chap-secrets. */
	if (o->user) {
		argv[n++] = "user";
		argv[n++] = o->user;
	}
	argv[n++] = "plugin";
	argv[n++] = o->pppd_plugin;
	argv[n++] = "sstp-sock";
	argv[n++] = "3";
	for (size_t i = 0; i < o->n_pppd_args && n < MAX_PPPD_ARGS - 1; i++)
		argv[n++] = o->pppd_args[i];
	argv[n] = NULL;
	return n;
}

/* Closes every descriptor from first up, between fork and exec
 * (async-signal-safe calls only). close_range() needs Linux 5.9: older
 * kernels answer ENOSYS (a seccomp filter may say EPERM), and then each
 * number up to the descriptor limit is closed. No descriptor can be
 * above fs.nr_open, 1048576 unless raised: the cap when there is no limit. */
static void
close_fds_from(int first)
{
	long max;

	if (close_range((unsigned) first, ~0U, 0) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 1048576)
		max = 1048576;
	for (long fd = first; fd < max; fd++)
		close((int) fd);
}

static void
child_exec(const char **argv, int sock, int slave, pid_t parent)
{
	sigset_t none;
	int devnull;

	/* The worker blocks signals for its signalfd and ignores SIGPIPE;
	 * both would survive exec. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* The worker drops root once pppd runs and cannot signal it then: if
	 * the worker ends without pppd having left on the pty hangup (see
	 * tunnel_pppd_stop), the kernel sends pppd SIGTERM. Kept across exec,
	 * as root's exec of pppd changes no credentials. */
	if (sstp_follow_parent(parent, SIGTERM) != 0)
		_exit(127);
	/* Own session: a Ctrl-C on the terminal reaches only the worker,
	 * which then disconnects in order and stops pppd itself. */
	setsid();

	if (sock == PLUGIN_FD) {
		fcntl(sock, F_SETFD, 0);
	} else if (dup2(sock, PLUGIN_FD) != PLUGIN_FD) {
		_exit(127);
	}
	/* pppd with nodetach logs to stdout: send that to our stderr. */
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull >= 0 && devnull != STDIN_FILENO)
		dup2(devnull, STDIN_FILENO);
	dup2(STDERR_FILENO, STDOUT_FILENO);
	(void) slave;
	/* Nothing else may leak into pppd or the scripts it runs (e.g. the
	 * service's status pipe, inherited without CLOEXEC). */
	close_fds_from(PLUGIN_FD + 1);
	execv(argv[0], (char *const *) argv);
	{
		char msg[256];
		int n = snprintf(msg, sizeof(msg), "nm-sstp-tunnel: error: cannot execute %s: %s\n",
		                 argv[0], strerror(errno));
		if (n > 0)
			(void) !write(STDERR_FILENO, msg, (size_t) n);
	}
	_exit(127);
}

/* PKCS#11 (--pkcs11-dir, nm-sstp-service-pkcs11.h): pppd's OpenSSL engine
 * must load p11-kit's client module, talking to the service's socket, never
 * the proxy (root's tokens). pppd inherits the worker's environment; the
 * worker's own OpenSSL read its configuration long before (the TLS
 * connection is up), so OPENSSL_CONF changes only pppd's. Anything these
 * variables held before is replaced, and without --pkcs11-dir they are
 * removed: nothing but the service chooses pppd's module. */
static int
pkcs11_env(const struct tunnel_options *o)
{
	char buf[4200];
	int r = 0;

	if (!o->pkcs11_dir) {
		unsetenv("P11_KIT_SERVER_ADDRESS");
		unsetenv("PKCS11_MODULE_PATH");
		return 0;
	}
	if ((size_t) snprintf(buf, sizeof(buf), "unix:path=%s/p11.sock", o->pkcs11_dir) >= sizeof(buf))
		return tunnel_fail(SSTP_EXIT_USAGE, "--pkcs11-dir is too long");
	r |= setenv("P11_KIT_SERVER_ADDRESS", buf, 1);
	r |= setenv("PKCS11_MODULE_PATH", P11_KIT_CLIENT, 1);
	snprintf(buf, sizeof(buf), "%s/openssl.cnf", o->pkcs11_dir);
	r |= setenv("OPENSSL_CONF", buf, 1);
	if (r != 0)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot set pppd's PKCS#11 environment");
	return 0;
}

int
tunnel_pppd_start(struct tunnel_options *o, struct tunnel_pppd *p)
{
	const char *argv[MAX_PPPD_ARGS];
	int sv[2];
	size_t argc;
	pid_t pid, self = getpid();
	int r;

	if (o->n_pppd_args > MAX_PPPD_ARGS - 24)
		return tunnel_fail(SSTP_EXIT_USAGE, "too many pppd options (at most %d)", MAX_PPPD_ARGS - 24);
	if (open_pty(p) != 0)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot create a pty for pppd: %s", strerror(errno));
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot create the plugin socket: %s", strerror(errno));
	p->sock = sv[0];
	r = send_credentials(o, sv[0]);
	if (r != 0) {
		close(sv[1]);
		return r;
	}
	argc = build_argv(o, p, argv);
	r = pkcs11_env(o);
	if (r != 0) {
		close(sv[1]);
		return r;
	}
	if (tunnel_log_debug_enabled()) {
		char line[2048];
		size_t len = 0;
		for (size_t i = 0; i < argc && len < sizeof(line) - 1; i++)
			len += (size_t) snprintf(line + len, sizeof(line) - len, "%s%s", i ? " " : "", argv[i]);
		tlog_debug("starting %s", line);
	}

	pid = fork();
	if (pid < 0) {
		close(sv[1]);
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot fork pppd: %s", strerror(errno));
	}
	if (pid == 0)
		child_exec(argv, sv[1], p->slave, self);
	close(sv[1]);
	fcntl(p->sock, F_SETFL, fcntl(p->sock, F_GETFL) | O_NONBLOCK);
	p->pid = pid;
	tlog_info("started pppd (pid %ld) on %s", (long) pid, p->slave_path);
	return 0;
}

bool
tunnel_pppd_reap(struct tunnel_pppd *p)
{
	int status;
	pid_t r;

	if (p->pid <= 0 || p->exited)
		return p->exited;
	r = waitpid(p->pid, &status, WNOHANG);
	if (r == p->pid) {
		p->exited = true;
		p->wait_status = status;
	}
	return p->exited;
}

void
tunnel_pppd_stop(struct tunnel_pppd *p, int sigfd, int timeout_ms)
{
	int64_t deadline;

	if (p->pid <= 0 || tunnel_pppd_reap(p))
		return;
	/* The SSTP call is gone: hang up pppd's line by closing our side of
	 * the pty. That is what stops pppd, and it needs no privilege (the
	 * worker is unprivileged by now and cannot signal pppd, see
	 * tunnel-sandbox.h): pppd 2.4.9 and 2.5 alike read EOF ("Modem
	 * hangup") and get SIGHUP (the pty is their controlling terminal),
	 * skip the LCP Terminate-Acks that can no longer arrive and exit 16
	 * (or 5). The exit code of the worker does not depend on which. */
	if (p->master >= 0) {
		close(p->master);
		p->master = -1;
	}
	if (p->slave >= 0) {
		close(p->slave);
		p->slave = -1;
	}
	deadline = tunnel_now_ms() + timeout_ms;
	while (!tunnel_pppd_reap(p)) {
		int64_t left = deadline - tunnel_now_ms();
		if (left <= 0) {
			tlog_warn("pppd (pid %ld) did not stop within %d ms of its line hanging up; it gets "
			          "SIGTERM when this worker exits", (long) p->pid, timeout_ms);
			return;
		}
		if (sigfd >= 0) {
			struct pollfd pfd = { .fd = sigfd, .events = POLLIN };
			struct signalfd_siginfo si;
			if (poll(&pfd, 1, left > 100 ? 100 : (int) left) > 0)
				while (read(sigfd, &si, sizeof(si)) == sizeof(si))
					;
		} else {
			usleep(20000);
		}
	}
}

void
tunnel_pppd_close(struct tunnel_pppd *p)
{
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	if (p->sock >= 0)
		close(p->sock);
	p->master = p->slave = p->sock = -1;
}

int
tunnel_pppd_exit_code(int wait_status, char *msg, size_t cap)
{
	int code;

	if (WIFSIGNALED(wait_status)) {
		snprintf(msg, cap, "pppd was killed by signal %d", WTERMSIG(wait_status));
		return SSTP_EXIT_PPP;
	}
	if (!WIFEXITED(wait_status)) {
		snprintf(msg, cap, "pppd ended abnormally");
		return SSTP_EXIT_PPP;
	}
	code = WEXITSTATUS(wait_status);
	/* pppd(8) EXIT STATUS */
	switch (code) {
	case 0:
	case 5:   /* we (or someone) sent it SIGTERM/SIGINT */
		snprintf(msg, cap, "pppd ended (exit %d)", code);
		return SSTP_EXIT_OK;
	case 2:
		snprintf(msg, cap, "pppd rejected its options (exit 2): see its message above");
		return SSTP_EXIT_USAGE;
	case 3:
		snprintf(msg, cap, "pppd must run as root (exit 3)");
		return SSTP_EXIT_PPP;
	case 4:
		snprintf(msg, cap, "pppd: this system lacks kernel support for PPP (exit 4)");
		return SSTP_EXIT_PPP;
	case 10:
		snprintf(msg, cap, "PPP negotiation with the server failed (pppd exit 10)");
		return SSTP_EXIT_PPP;
	case 11:
	case 19:
		snprintf(msg, cap, "PPP authentication failed: the server refused the user name or "
		         "password (pppd exit %d)", code);
		return SSTP_EXIT_AUTH;
	case 15:
		snprintf(msg, cap, "the server stopped answering PPP echo requests (pppd exit 15)");
		return SSTP_EXIT_DEAD_PEER;
	case 16:
		snprintf(msg, cap, "the PPP link was hung up (pppd exit 16)");
		return SSTP_EXIT_PPP;
	case 127:
		snprintf(msg, cap, "pppd could not be executed");
		return SSTP_EXIT_PPP;
	default:
		snprintf(msg, cap, "pppd failed (exit %d, see pppd(8))", code);
		return SSTP_EXIT_PPP;
	}
}
