/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing of nm-sstp-tunnel's command line and of the --options-fd stream.
 *
 * Hand-written rather than getopt_long(): the options stream must be parsed
 * exactly like argv, twice in one process, and getopt keeps global state.
 */
#include "tunnel-options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "sstp-http.h"
#include "sstp-ipc.h"
#include "sstp-validate.h"

enum opt_id {
	OPT_CA_CERT, OPT_PIN, OPT_NO_VERIFY, OPT_HOST, OPT_NO_SNI, OPT_TLS_MIN,
	OPT_PROXY, OPT_PROXY_USER, OPT_PROXY_PASSWORD_FILE, OPT_PROXY_PASSWORD,
	OPT_USER, OPT_PASSWORD_FILE, OPT_PASSWORD, OPT_HELLO, OPT_PPPD, OPT_PPPD_PLUGIN, OPT_PKCS11_DIR,
	OPT_DEBUG, OPT_NO_DHCP_INFORM, OPT_NO_PEER_DNS, OPT_VERSION, OPT_HELP, OPT_OPTIONS_FD,
	OPT_STATUS_FD,
	/* sstpc's spellings (sstpc(8)) where the meaning is ours too */
	OPT_TLS_EXT, OPT_LOG_LEVEL, OPT_UUID,
	/* sstpc options with no counterpart here: refused with the reason */
	OPT_SSTPC_ONLY,
};

struct opt_def {
	const char *name;
	enum opt_id id;
	bool has_arg;
	bool stream_only;     /* carries a secret: only in the options stream */
	bool argv_only;       /* meaningless inside the stream */
	const char *why_not;  /* OPT_SSTPC_ONLY: why there is no such option here */
};

static const struct opt_def opt_defs[] = {
	{ "ca-cert",             OPT_CA_CERT,             true,  false, false },
	{ "pin-sha256",          OPT_PIN,                 true,  false, false },
	{ "no-verify",           OPT_NO_VERIFY,           false, false, false },
	{ "host",                OPT_HOST,                true,  false, false },
	{ "no-sni",              OPT_NO_SNI,              false, false, false },
	{ "tls-min",             OPT_TLS_MIN,             true,  false, false },
	{ "proxy",               OPT_PROXY,               true,  false, false },
	{ "proxy-user",          OPT_PROXY_USER,          true,  false, false },
	{ "proxy-password-file", OPT_PROXY_PASSWORD_FILE, true,  false, false },
	{ "proxy-password",      OPT_PROXY_PASSWORD,      true,  true,  false },
	{ "user",                OPT_USER,                true,  false, false },
	{ "password-file",       OPT_PASSWORD_FILE,       true,  false, false },
	{ "password",            OPT_PASSWORD,            true,  true,  false },
	{ "hello",               OPT_HELLO,               true,  false, false },
	{ "pppd",                OPT_PPPD,                true,  false, false },
	{ "pppd-plugin",         OPT_PPPD_PLUGIN,         true,  false, false },
	{ "pkcs11-dir",          OPT_PKCS11_DIR,          true,  false, false },
	{ "debug",               OPT_DEBUG,               false, false, false },
	{ "no-dhcp-inform",      OPT_NO_DHCP_INFORM,      false, false, false },
	{ "no-peer-dns",         OPT_NO_PEER_DNS,         false, false, false },
	{ "version",             OPT_VERSION,             false, false, true },
	{ "help",                OPT_HELP,                false, false, true },
	{ "options-fd",          OPT_OPTIONS_FD,          true,  false, true },
	{ "status-fd",           OPT_STATUS_FD,           true,  false, false },
	/* sstpc's names: scripts written for sstpc keep working. */
	{ "cert-warn",           OPT_NO_VERIFY,           false, false, false },
	{ "ca-path",             OPT_CA_CERT,             true,  false, false },
	{ "ca-dir",              OPT_CA_CERT,             true,  false, false },
	{ "tls-ext",             OPT_TLS_EXT,             false, false, false },
	{ "log-level",           OPT_LOG_LEVEL,           true,  false, false },
	{ "uuid",                OPT_UUID,                true,  false, false },
	{ "log-stderr",          OPT_TLS_EXT,             false, false, false },
	{ "log-syslog",          OPT_SSTPC_ONLY,          false, false, false,
	  "the log goes to standard error (NetworkManager's service forwards it to the journal)" },
	{ "nolaunchpppd",        OPT_SSTPC_ONLY,          false, false, false,
	  "nm-sstp-tunnel always starts pppd itself (it cannot run as pppd's pty program)" },
	{ "ipparam",             OPT_SSTPC_ONLY,          true,  false, false,
	  "the pppd plugin talks to nm-sstp-tunnel over an inherited socket, no name is needed" },
	{ "save-server-route",   OPT_SSTPC_ONLY,          false, false, false,
	  "routes are NetworkManager's to set (nmcli); by hand, add the host route yourself" },
	{ "priv-user",           OPT_SSTPC_ONLY,          true,  false, false,
	  "nm-sstp-tunnel drops to its own system user once pppd runs (configure --with-tunnel-user)" },
	{ "priv-group",          OPT_SSTPC_ONLY,          true,  false, false,
	  "nm-sstp-tunnel drops to its own system user once pppd runs (configure --with-tunnel-user)" },
	{ "priv-dir",            OPT_SSTPC_ONLY,          true,  false, false,
	  "nm-sstp-tunnel restricts itself with a seccomp filter, not a chroot" },
};

static int
set_err(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
set_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err && err_len) {
		va_start(ap, fmt);
		vsnprintf(err, err_len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void
free_secret(char **s)
{
	if (*s) {
		OPENSSL_cleanse(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
tunnel_options_init(struct tunnel_options *o)
{
	memset(o, 0, sizeof(*o));
	o->port = 443;
	o->tls_min = 12;
	o->hello_seconds = 60;
	o->options_fd = -1;
	o->status_fd = -1;
}

void
tunnel_options_clear(struct tunnel_options *o)
{
	free(o->server);
	free(o->host);
	free(o->ca_cert);
	free(o->proxy_host);
	free(o->proxy_user);
	free_secret(&o->proxy_password);
	free(o->proxy_password_file);
	free(o->user);
	free_secret(&o->password);
	free(o->password_file);
	free(o->pppd_path);
	free(o->pppd_plugin);
	free(o->pkcs11_dir);
	free(o->correlation_id);
	for (size_t i = 0; i < o->n_pppd_args; i++)
		free(o->pppd_args[i]);
	free(o->pppd_args);
	OPENSSL_cleanse(o->pin_sha256, sizeof(o->pin_sha256));
	tunnel_options_init(o);
}

static int
parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned v;

	if (!sstp_validate_uint(s, (unsigned) min, (unsigned) max, &v))
		return -1;
	*out = v;
	return 0;
}

bool
tunnel_hostname_valid(const char *name)
{
	return sstp_validate_host(name, strlen(name), NULL, NULL, NULL) == NULL;
}

/* The settings table checks the gateway with the same function
 * (src/common/sstp-validate.h), so the service never hands on a server this
 * refuses: it converts an international name to its xn-- form, which is all
 * this takes (the worker has no IDNA code; the reason says what to give). */
int
tunnel_parse_host_port(const char *s, uint16_t default_port, char **host, uint16_t *port,
                       bool *is_ip, char *err, size_t err_len)
{
	const char *reason;
	SstpHostKind kind;
	unsigned p = 0;

	reason = sstp_validate_host_port(s, NULL, host, &kind, &p);
	if (reason)
		return set_err(err, err_len, "invalid server \"%s\": %s", s, reason);
	*is_ip = kind != SSTP_HOST_NAME;
	*port = p ? (uint16_t) p : default_port;
	return 0;
}

static int
parse_pin(const char *s, uint8_t out[32], char *err, size_t err_len)
{
	const char *reason = sstp_validate_pin_sha256(s, out);

	if (reason)
		return set_err(err, err_len, "--pin-sha256: %s", reason);
	return 0;
}

static int
parse_proxy(struct tunnel_options *o, const char *s, char *err, size_t err_len)
{
	char buf[300];
	size_t len;
	bool is_ip;
	char *slash;

	if (strncmp(s, "http://", 7) != 0)
		return set_err(err, err_len, "--proxy must look like http://HOST:PORT");
	len = strlen(s + 7);
	if (len == 0 || len >= sizeof(buf))
		return set_err(err, err_len, "--proxy: missing or too long host");
	memcpy(buf, s + 7, len + 1);
	slash = strchr(buf, '/');
	if (slash) {
		if (slash[1] != '\0')
			return set_err(err, err_len, "--proxy must look like http://HOST:PORT (no path)");
		*slash = '\0';
	}
	if (strchr(buf, '@'))
		return set_err(err, err_len,
		               "--proxy: put the user in --proxy-user and the password in a file, not in the URL");
	free(o->proxy_host);
	o->proxy_host = NULL;
	if (tunnel_parse_host_port(buf, 0, &o->proxy_host, &o->proxy_port, &is_ip, err, err_len) != 0)
		return -1;
	if (o->proxy_port == 0)
		return set_err(err, err_len, "--proxy needs a port: http://HOST:PORT");
	return 0;
}

static bool
secret_valid(const char *s)
{
	/* The secret crosses the IPC socket as a value: same rules. */
	size_t n = strlen(s);
	return n <= TUNNEL_MAX_SECRET && sstp_ipc_value_valid(s, n);
}

static int
replace_str(char **dst, const char *v, char *err, size_t err_len)
{
	char *copy = strdup(v);

	if (!copy)
		return set_err(err, err_len, "out of memory");
	free(*dst);
	*dst = copy;
	return 0;
}

static int
parse_fd(const char *name, const char *v, int *out, char *err, size_t err_len)
{
	unsigned long n;

	if (parse_uint(v, 0, INT_MAX, &n) != 0)
		return set_err(err, err_len, "--%s needs a file descriptor number", name);
	*out = (int) n;
	return 0;
}

static int
apply_option(struct tunnel_options *o, const struct opt_def *d, const char *v,
             char *err, size_t err_len)
{
	unsigned long n;

	switch (d->id) {
	case OPT_CA_CERT:
		if (!*v)
			return set_err(err, err_len, "--ca-cert needs a file name");
		return replace_str(&o->ca_cert, v, err, err_len);
	case OPT_PIN:
		if (parse_pin(v, o->pin_sha256, err, err_len) != 0)
			return -1;
		o->has_pin = true;
		return 0;
	case OPT_NO_VERIFY:
		o->no_verify = true;
		return 0;
	case OPT_HOST: {
		const char *reason;
		char *h = NULL;

		reason = sstp_validate_host(v, strlen(v), NULL, &h, NULL);
		if (reason)
			return set_err(err, err_len, "--host \"%s\" is not a valid host name: %s", v, reason);
		free(o->host);
		o->host = h;
		return 0;
	}
	case OPT_NO_SNI:
		o->no_sni = true;
		return 0;
	case OPT_TLS_MIN:
		if (strcmp(v, "1.2") == 0)
			o->tls_min = 12;
		else if (strcmp(v, "1.3") == 0)
			o->tls_min = 13;
		else
			return set_err(err, err_len, "--tls-min must be 1.2 or 1.3");
		return 0;
	case OPT_PROXY:
		return parse_proxy(o, v, err, err_len);
	case OPT_PROXY_USER:
		if (!*v || strchr(v, ':') || strlen(v) > TUNNEL_MAX_USER || !sstp_ipc_value_valid(v, strlen(v)))
			return set_err(err, err_len, "--proxy-user: empty, too long, or holds ':' or a control character");
		return replace_str(&o->proxy_user, v, err, err_len);
	case OPT_PROXY_PASSWORD_FILE:
		return replace_str(&o->proxy_password_file, v, err, err_len);
	case OPT_PROXY_PASSWORD:
		if (!secret_valid(v))
			return set_err(err, err_len, "the proxy password is too long or holds a control character");
		free_secret(&o->proxy_password);
		return replace_str(&o->proxy_password, v, err, err_len);
	case OPT_USER:
		if (!*v || strlen(v) > TUNNEL_MAX_USER || !sstp_ipc_value_valid(v, strlen(v)))
			return set_err(err, err_len, "--user: empty, longer than %d bytes, or holds a control character",
			               TUNNEL_MAX_USER);
		return replace_str(&o->user, v, err, err_len);
	case OPT_PASSWORD_FILE:
		if (!*v)
			return set_err(err, err_len, "--password-file needs a file name (or - for stdin)");
		return replace_str(&o->password_file, v, err, err_len);
	case OPT_PASSWORD:
		if (!secret_valid(v))
			return set_err(err, err_len, "the password is longer than %d bytes or holds a control character",
			               TUNNEL_MAX_SECRET);
		free_secret(&o->password);
		return replace_str(&o->password, v, err, err_len);
	case OPT_HELLO:
		if (parse_uint(v, SSTP_HELLO_MIN, SSTP_HELLO_MAX, &n) != 0)
			return set_err(err, err_len, "--hello needs a number of seconds from %d to %d",
			               SSTP_HELLO_MIN, SSTP_HELLO_MAX);
		o->hello_seconds = (unsigned) n;
		return 0;
	case OPT_PPPD:
		if (v[0] != '/')
			return set_err(err, err_len, "--pppd needs an absolute path");
		return replace_str(&o->pppd_path, v, err, err_len);
	case OPT_PPPD_PLUGIN:
		if (v[0] != '/')
			return set_err(err, err_len, "--pppd-plugin needs an absolute path");
		return replace_str(&o->pppd_plugin, v, err, err_len);
	case OPT_PKCS11_DIR:
		if (v[0] != '/')
			return set_err(err, err_len, "--pkcs11-dir needs an absolute path");
		return replace_str(&o->pkcs11_dir, v, err, err_len);
	case OPT_DEBUG:
		o->debug = true;
		return 0;
	case OPT_NO_DHCP_INFORM:
		o->no_dhcp_inform = true;
		return 0;
	case OPT_NO_PEER_DNS:
		o->no_peer_dns = true;
		return 0;
	case OPT_VERSION:
		o->show_version = true;
		return 0;
	case OPT_HELP:
		o->show_help = true;
		return 0;
	case OPT_OPTIONS_FD:
		return parse_fd(d->name, v, &o->options_fd, err, err_len);
	case OPT_STATUS_FD:
		return parse_fd(d->name, v, &o->status_fd, err, err_len);
	case OPT_TLS_EXT:
		/* sstpc --tls-ext turns SNI on; it is on here unless --no-sni.
		 * --log-stderr: the log goes there anyway. */
		return 0;
	case OPT_LOG_LEVEL:
		/* sstpc: 0 errors, 1 warnings, 2 info, 3 debug, 4 and up trace. */
		if (parse_uint(v, 0, 6, &n) != 0)
			return set_err(err, err_len, "--log-level needs a level from 0 to 6 (as sstpc's)");
		o->debug = n >= 3;
		return 0;
	case OPT_UUID: {
		/* sstpc sends it as the SSTP correlation id; so do we, as
		 * "{GUID}" in capitals like the random ones. It goes into an
		 * HTTP header: only hex digits, dashes and braces get through. */
		char guid[SSTP_GUID_STRLEN + 1];

		if (!sstp_guid_normalize(v, guid))
			return set_err(err, err_len, "--uuid \"%s\" is not a UUID "
			               "(xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", v);
		return replace_str(&o->correlation_id, guid, err, err_len);
	}
	case OPT_SSTPC_ONLY:
		return set_err(err, err_len, "--%s is an sstpc option nm-sstp-tunnel does not have: %s",
		               d->name, d->why_not);
	}
	return set_err(err, err_len, "internal error: unhandled option");
}

static int
add_pppd_args(struct tunnel_options *o, int argc, char *const *argv, char *err, size_t err_len)
{
	char **args;

	if (argc <= 0)
		return 0;
	args = realloc(o->pppd_args, (o->n_pppd_args + (size_t) argc + 1) * sizeof(char *));
	if (!args)
		return set_err(err, err_len, "out of memory");
	o->pppd_args = args;
	for (int i = 0; i < argc; i++) {
		args[o->n_pppd_args] = strdup(argv[i]);
		if (!args[o->n_pppd_args])
			return set_err(err, err_len, "out of memory");
		o->n_pppd_args++;
		args[o->n_pppd_args] = NULL;
	}
	return 0;
}

int
tunnel_options_parse(struct tunnel_options *o, int argc, char *const *argv, bool from_stream,
                     char *err, size_t err_len)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_def *d = NULL;
		const char *value = NULL;
		size_t name_len;

		if (strcmp(a, "--") == 0)
			return add_pppd_args(o, argc - i - 1, argv + i + 1, err, err_len);

		if (a[0] != '-' || a[1] == '\0') {
			/* the positional SERVER[:PORT]; after it, as with sstpc,
			 * bare words are pppd options (as after "--"). */
			if (o->server) {
				/* never in the stream: the service ends it with "--" */
				if (from_stream)
					return set_err(err, err_len, "more than one server given (\"%s\" and \"%s\")",
					               o->server, a);
				if (add_pppd_args(o, 1, argv + i, err, err_len) != 0)
					return -1;
				continue;
			}
			if (tunnel_parse_host_port(a, 443, &o->server, &o->port, &o->server_is_ip,
			                           err, err_len) != 0)
				return -1;
			continue;
		}
		if (a[1] != '-') {
			if (strcmp(a, "-h") == 0) {
				o->show_help = true;
				continue;
			}
			return set_err(err, err_len, "unknown option \"%s\" (see --help)", a);
		}

		name_len = strcspn(a + 2, "=");
		for (size_t k = 0; k < sizeof(opt_defs) / sizeof(opt_defs[0]); k++) {
			if (strlen(opt_defs[k].name) == name_len
			    && strncmp(opt_defs[k].name, a + 2, name_len) == 0) {
				d = &opt_defs[k];
				break;
			}
		}
		if (!d)
			return set_err(err, err_len, "unknown option \"%.*s\" (see --help)",
			               (int) (name_len + 2), a);
		if (d->stream_only && !from_stream)
			return set_err(err, err_len,
			               "--%s is not accepted on the command line (it would be visible to every "
			               "user); use --%s-file", d->name,
			               d->id == OPT_PASSWORD ? "password" : "proxy-password");
		if (d->argv_only && from_stream)
			return set_err(err, err_len, "--%s is not accepted in the options stream", d->name);

		if (a[2 + name_len] == '=') {
			if (!d->has_arg)
				return set_err(err, err_len, "--%s takes no value", d->name);
			value = a + 2 + name_len + 1;
		} else if (d->has_arg) {
			if (i + 1 >= argc)
				return set_err(err, err_len, "--%s needs a value", d->name);
			value = argv[++i];
		}
		if (apply_option(o, d, value, err, err_len) != 0)
			return -1;
	}
	return 0;
}

int
tunnel_options_parse_stream(struct tunnel_options *o, char *buf, size_t len, char *err, size_t err_len)
{
	char *words[1024];
	int n = 0;
	size_t start = 0;
	int ret;

	if (len > 0 && buf[len - 1] != '\0')
		return set_err(err, err_len, "options stream: the last word is not NUL-terminated");
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\0')
			continue;
		if (n >= (int) (sizeof(words) / sizeof(words[0])))
			return set_err(err, err_len, "options stream: too many words");
		words[n++] = buf + start;
		start = i + 1;
	}
	ret = tunnel_options_parse(o, n, words, true, err, err_len);
	/* (only the words used: wiping all 8 KiB would make the stack that
	 * deep, and keep it resident, for nothing) */
	OPENSSL_cleanse(words, (size_t) n * sizeof(words[0]));
	return ret;
}

int
tunnel_options_finish(struct tunnel_options *o, const char *default_pppd, const char *default_plugin,
                      char *err, size_t err_len)
{
	if (o->show_help || o->show_version)
		return 0;
	if (!o->server)
		return set_err(err, err_len, "no server given (usage: nm-sstp-tunnel [OPTION...] SERVER[:PORT] "
		               "[-- PPPD-OPTION...])");
	if (o->has_pin && o->no_verify)
		return set_err(err, err_len, "--pin-sha256 and --no-verify contradict each other");
	if (o->password && o->password_file)
		return set_err(err, err_len, "give the password once (--password or --password-file)");
	if (o->proxy_password && o->proxy_password_file)
		return set_err(err, err_len, "give the proxy password once");
	if ((o->proxy_user || o->proxy_password || o->proxy_password_file) && !o->proxy_host)
		return set_err(err, err_len, "--proxy-user/--proxy-password-file need --proxy");
	if ((o->proxy_password || o->proxy_password_file) && !o->proxy_user)
		return set_err(err, err_len, "a proxy password needs --proxy-user");
	if ((o->password || o->password_file) && !o->user)
		return set_err(err, err_len, "a password needs --user");
	if (o->options_fd >= 0 && o->options_fd == o->status_fd)
		return set_err(err, err_len, "--options-fd and --status-fd must differ");
	if (!o->host && !o->server_is_ip) {
		o->host = strdup(o->server);
		if (!o->host)
			return set_err(err, err_len, "out of memory");
	}
	if (!o->pppd_path && replace_str(&o->pppd_path, default_pppd, err, err_len) != 0)
		return -1;
	if (!o->pppd_plugin && replace_str(&o->pppd_plugin, default_plugin, err, err_len) != 0)
		return -1;
	return 0;
}

char *
tunnel_read_secret_file(const char *path, char *err, size_t err_len)
{
	char buf[TUNNEL_MAX_SECRET + 3];
	size_t len = 0;
	int fd;
	bool is_stdin = strcmp(path, "-") == 0;
	char *out = NULL;

	if (is_stdin) {
		fd = STDIN_FILENO;
	} else {
		struct stat st;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			set_err(err, err_len, "cannot open password file %s: %s", path, strerror(errno));
			return NULL;
		}
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0077))
			fprintf(stderr, "nm-sstp-tunnel: warning: password file %s can be read by other "
			        "users (chmod 600 it)\n", path);
	}
	/* Read byte-wise up to the first line end so that nothing after it is
	 * consumed from stdin. */
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			set_err(err, err_len, "cannot read password file %s: %s", path, strerror(errno));
			goto out;
		}
		if (r == 0 || c == '\n')
			break;
		if (len >= TUNNEL_MAX_SECRET + 1) {
			set_err(err, err_len, "password in %s is longer than %d bytes", path, TUNNEL_MAX_SECRET);
			goto out;
		}
		buf[len++] = c;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (!secret_valid(buf)) {
		set_err(err, err_len, "password in %s holds a control character or invalid UTF-8", path);
		goto out;
	}
	out = strdup(buf);
	if (!out)
		set_err(err, err_len, "out of memory");
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	if (!is_stdin)
		close(fd);
	return out;
}
