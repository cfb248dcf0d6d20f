/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server-pppd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "server-eaptls.h"
#include "server-log.h"

/* Write a whole file with the given mode (created fresh, never followed
 * through a symlink). */
static int write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[PATH_MAX];
	size_t len = strlen(text), off = 0;
	int fd;

	if ((size_t) snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		server_log("error: path too long: %s/%s", dir, name);
		return -1;
	}
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		server_log("error: cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			server_log("error: cannot write %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t) n;
	}
	if (fchmod(fd, mode) < 0 || close(fd) < 0) {
		server_log("error: cannot finish %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* pppd's secrets syntax has quoting and escapes; the fixture refuses the
 * characters that would need more than a backslash's own escape instead of
 * trusting our escaping. A backslash is allowed: Windows logins are
 * DOMAIN\user, and profiles with a domain must be tested as they are. */
static bool secret_word_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '#')
			return false;
	return true;
}

/* `s` as a quoted word of pppd's secrets files: pppd reads "\\" inside
 * quotes as one backslash. False when it does not fit. */
static bool secret_word_quote(const char *s, char *out, size_t out_len)
{
	size_t o = 0;

	if (out_len < 3)
		return false;
	out[o++] = '"';
	for (; *s; s++) {
		if (o + (*s == '\\' ? 2 : 1) + 2 > out_len)
			return false;
		if (*s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o++] = '"';
	out[o] = '\0';
	return true;
}

static bool option_word_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F') || *p == '.' || *p == ':'))
			return false;
	return true;
}

int server_pppd_write_files(const struct server_pppd_config *cfg)
{
	char dir[PATH_MAX], opts[2048], secrets[1024], user_word[400], password_word[600];
	int n;

	if (!secret_word_ok(cfg->user) || !secret_word_ok(cfg->password)) {
		server_log("error: user and password must be non-empty and must not contain "
		           "control characters, '\"' or '#'");
		return -1;
	}
	if (!option_word_ok(cfg->local_ip) || !option_word_ok(cfg->remote_ip) ||
	    (cfg->dns != NULL && !option_word_ok(cfg->dns))) {
		server_log("error: --local-ip, --remote-ip and --dns must be IPv4 addresses");
		return -1;
	}
	if ((size_t) snprintf(dir, sizeof(dir), "%s/etc-ppp", cfg->workdir) >= sizeof(dir)) {
		server_log("error: work folder path too long");
		return -1;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		server_log("error: cannot create %s: %s", dir, strerror(errno));
		return -1;
	}

	/* Our /etc/ppp/options: pppd reads it first; it must not bring back
	 * Debian's defaults. */
	if (write_file(dir, "options", "# sstp-test-server: private /etc/ppp\n", 0644) < 0)
		return -1;

	n = snprintf(opts, sizeof(opts),
	             "# written by sstp-test-server for one call\n"
	             "nodetach\n"
	             "logfd 2\n"
	             "name sstp-test-server\n"
	             "auth\n"
	             "%s\n"
	             "local\n"
	             "nodefaultroute\n"
	             "nobsdcomp\n"
	             "nodeflate\n"
	             "mtu %u\n"
	             "mru %u\n"
	             "%s:%s\n"
	             "%s%s%s"
	             "%s\n"
	             "%s"
	             "%s",
	             cfg->auth,
	             cfg->mtu, cfg->mtu,
	             cfg->local_ip, cfg->remote_ip,
	             cfg->dns ? "ms-dns " : "", cfg->dns ? cfg->dns : "", cfg->dns ? "\n" : "",
	             cfg->ipv6 ? "+ipv6" : "noipv6",
	             cfg->mppe ? "require-mppe-128\n" : "",
	             cfg->debug ? "debug\n" : "");
	if (n < 0 || (size_t) n >= sizeof(opts)) {
		server_log("error: pppd options too long");
		return -1;
	}
	if (write_file(dir, "sstp-server.options", opts, 0600) < 0)
		return -1;

	/* client server secret addresses. With EAP-TLS none: pppd's EAP server
	 * picks EAP-TLS only for a peer it has no CHAP secret for. */
	if (!secret_word_quote(cfg->user, user_word, sizeof(user_word)) ||
	    !secret_word_quote(cfg->password, password_word, sizeof(password_word))) {
		server_log("error: user or password too long");
		explicit_bzero(password_word, sizeof(password_word));
		return -1;
	}
	n = snprintf(secrets, sizeof(secrets), "%s * %s *\n", user_word, password_word);
	explicit_bzero(password_word, sizeof(password_word));
	if (cfg->eaptls_dir != NULL)
		n = snprintf(secrets, sizeof(secrets), "# EAP-TLS only\n");
	if (n < 0 || (size_t) n >= sizeof(secrets)) {
		server_log("error: user or password too long");
		return -1;
	}
	if (write_file(dir, "chap-secrets", secrets, 0600) < 0 ||
	    write_file(dir, "pap-secrets", secrets, 0600) < 0) {
		explicit_bzero(secrets, sizeof(secrets));
		return -1;
	}
	explicit_bzero(secrets, sizeof(secrets));
	if (cfg->eaptls_dir != NULL &&
	    (server_eaptls_secrets_line(cfg->eaptls_dir, secrets, sizeof(secrets)) < 0 ||
	     write_file(dir, "eaptls-server", secrets, 0600) < 0))
		return -1;
	return 0;
}

static int open_pty(struct server_pppd *p)
{
	struct termios tio;
	const char *name;

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
	    (name = ptsname(p->master)) == NULL) {
		server_log("error: cannot open a pty: %s", strerror(errno));
		return -1;
	}
	snprintf(p->device, sizeof(p->device), "%s", name);
	p->slave = open(p->device, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0) {
		server_log("error: cannot open %s: %s", p->device, strerror(errno));
		return -1;
	}
	/* Raw and without echo from the start: a pty in echo mode would send
	 * the client's frames straight back before pppd takes the line over. */
	if (tcgetattr(p->slave, &tio) < 0) {
		server_log("error: tcgetattr %s: %s", p->device, strerror(errno));
		return -1;
	}
	cfmakeraw(&tio);
	if (tcsetattr(p->slave, TCSANOW, &tio) < 0) {
		server_log("error: tcsetattr %s: %s", p->device, strerror(errno));
		return -1;
	}
	if (fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK) < 0) {
		server_log("error: cannot make the pty non-blocking: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* In the child, after unshare(CLONE_NEWNET): a new namespace has only a
 * down loopback. pppd does not need it, but iperf3 or ping bound to
 * 127.0.0.1 in there would. */
static int loopback_up(void)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = -1;

	if (s < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) == 0)
			ret = 0;
	}
	close(s);
	return ret;
}

/* Runs in the child; never returns. Errors go to fd 2 (the server log). */
static void child_exec_pppd(const struct server_pppd_config *cfg, const struct server_pppd *p)
{
	char etc[PATH_MAX];
	int devnull;

	setsid();
	/* signals the server ignores must not stay ignored in pppd */
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);

	if (strcmp(cfg->netns, "new") == 0) {
		if (unshare(CLONE_NEWNET) < 0) {
			server_log("error: unshare(CLONE_NEWNET): %s", strerror(errno));
			_exit(127);
		}
		if (loopback_up() < 0)
			server_log("warning: cannot bring lo up in the pppd namespace: %s",
			           strerror(errno));
	} else if (strcmp(cfg->netns, "same") != 0) {
		char path[PATH_MAX];
		int fd;
		snprintf(path, sizeof(path), "/run/netns/%s", cfg->netns);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
			server_log("error: cannot join network namespace %s: %s", path, strerror(errno));
			_exit(127);
		}
		close(fd);
	}

	snprintf(etc, sizeof(etc), "%s/etc-ppp", cfg->workdir);
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(etc, "/etc/ppp", NULL, MS_BIND, NULL) < 0) {
		server_log("error: cannot give pppd a private /etc/ppp: %s", strerror(errno));
		_exit(127);
	}

	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(server_log_fd(), 1) < 0 ||
	    dup2(server_log_fd(), 2) < 0) {
		server_log("error: cannot set up pppd's stdio: %s", strerror(errno));
		_exit(127);
	}
	/* Everything else (TLS socket, listening socket, pty master) must not
	 * leak into pppd. */
	syscall(SYS_close_range, 3U, ~0U, 0U);

	/* --eap-tls: the shim hands us the key material pppd derives. */
	if (cfg->eaptls_shim != NULL &&
	    (setenv("LD_PRELOAD", cfg->eaptls_shim, 1) < 0 ||
	     setenv("SSTP_TEST_EAPTLS_KEYS", cfg->eaptls_keys, 1) < 0)) {
		server_log("error: cannot set pppd's environment");
		_exit(127);
	}

	char *argv[] = { (char *) cfg->pppd_path, (char *) p->device,
	                 (char *) "file", (char *) "/etc/ppp/sstp-server.options", NULL };
	execvp(cfg->pppd_path, argv);
	server_log("error: cannot run %s: %s", cfg->pppd_path, strerror(errno));
	_exit(127);
}

int server_pppd_start(const struct server_pppd_config *cfg, struct server_pppd *p)
{
	memset(p, 0, sizeof(*p));
	p->master = p->slave = p->pidfd = -1;
	if (open_pty(p) < 0)
		return -1;

	p->pid = fork();
	if (p->pid < 0) {
		server_log("error: fork: %s", strerror(errno));
		p->pid = 0;
		return -1;
	}
	if (p->pid == 0)
		child_exec_pppd(cfg, p);

	p->pidfd = (int) syscall(SYS_pidfd_open, p->pid, 0);
	if (p->pidfd < 0) {
		server_log("error: pidfd_open: %s", strerror(errno));
		return -1;
	}
	server_log("pppd started pid=%d device=%s netns=%s auth=%s", (int) p->pid, p->device,
	           cfg->netns, cfg->auth);
	return 0;
}

int server_pppd_reap(struct server_pppd *p)
{
	int status;
	pid_t r;

	if (p->pid <= 0)
		return -1;
	r = waitpid(p->pid, &status, WNOHANG);
	if (r != p->pid)
		return -1;
	p->pid = 0;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

void server_pppd_stop(struct server_pppd *p, unsigned timeout_ms)
{
	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
		if (p->pidfd < 0 || poll(&pfd, 1, (int) timeout_ms) <= 0)
			kill(p->pid, SIGKILL);
		/* after SIGKILL the wait cannot block for long */
		int status;
		if (waitpid(p->pid, &status, 0) == p->pid)
			server_log("pppd stopped pid=%d", (int) p->pid);
		p->pid = 0;
	}
	if (p->pidfd >= 0)
		close(p->pidfd);
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	p->pidfd = p->master = p->slave = -1;
}
