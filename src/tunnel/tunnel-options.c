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

#include "sstp-ipc.h"

enum opt_id {
	OPT_CA_CERT, OPT_PIN, OPT_NO_VERIFY, OPT_HOST, OPT_NO_SNI, OPT_TLS_MIN,
	OPT_PROXY, OPT_PROXY_USER, OPT_PROXY_PASSWORD_FILE, OPT_PROXY_PASSWORD,
	OPT_USER, OPT_PASSWORD_FILE, OPT_PASSWORD, OPT_HELLO, OPT_PPPD, OPT_PPPD_PLUGIN,
	OPT_DEBUG, OPT_NO_DHCP_INFORM, OPT_UUID, OPT_NO_PEER_DNS, OPT_VERSION, OPT_HELP, OPT_OPTIONS_FD, OPT_STATUS_FD,
};

struct opt_def {
	const char *name;
	enum opt_id id;
	bool has_arg;
	bool stream_only;     /* carries a secret: only in the options stream */
	bool argv_only;       /* meaningless inside the stream */
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
	{ "debug",               OPT_DEBUG,               false, false, false },
	{ "no-dhcp-inform",      OPT_NO_DHCP_INFORM,      false, false, false },
	{ "uuid",                OPT_UUID,                true,  false, false },
	{ "no-peer-dns",         OPT_NO_PEER_DNS,         false, false, false },
	{ "version",             OPT_VERSION,             false, false, true },
	{ "help",                OPT_HELP,                false, false, true },
	{ "options-fd",          OPT_OPTIONS_FD,          true,  false, true },
	{ "status-fd",           OPT_STATUS_FD,           true,  false, false },
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
	free(o->uuid);
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
	for (size_t i = 0; i < o->n_pppd_args; i++)
		free(o->pppd_args[i]);
	free(o->pppd_args);
	OPENSSL_cleanse(o->pin_sha256, sizeof(o->pin_sha256));
	tunnel_options_init(o);
}

/* A DNS name (RFC 1123 labels; '_' tolerated as some internal names use it). */
bool
tunnel_hostname_valid(const char *name)
{
	size_t len = strlen(name), label = 0;

	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		      || c == '-' || c == '_'))
			return false;
		if (c == '-' && label == 0)
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

static bool
is_ipv4(const char *s)
{
	struct in_addr a;
	return inet_pton(AF_INET, s, &a) == 1;
}

static bool
is_ipv6(const char *s)
{
	struct in6_addr a;
	return inet_pton(AF_INET6, s, &a) == 1;
}

static int
parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
tunnel_parse_host_port(const char *s, uint16_t default_port, char **host, uint16_t *port,
                       bool *is_ip, char *err, size_t err_len)
{
	char buf[300];
	const char *port_str = NULL;
	char *h;
	size_t len = strlen(s);

	if (len == 0 || len >= sizeof(buf))
		return set_err(err, err_len, "invalid server \"%s\": empty or too long", s);
	memcpy(buf, s, len + 1);
	h = buf;

	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close)
			return set_err(err, err_len, "invalid server \"%s\": missing ']'", s);
		*close = '\0';
		h = buf + 1;
		if (close[1] == ':')
			port_str = close + 2;
		else if (close[1] != '\0')
			return set_err(err, err_len, "invalid server \"%s\": junk after ']'", s);
		if (!is_ipv6(h))
			return set_err(err, err_len, "invalid server \"%s\": not an IPv6 address", s);
		*is_ip = true;
	} else if (is_ipv6(buf)) {
		/* a bare IPv6 address: no port possible */
		*is_ip = true;
	} else {
		char *colon = strchr(buf, ':');
		if (colon) {
			if (strchr(colon + 1, ':'))
				return set_err(err, err_len,
				               "invalid server \"%s\": write IPv6 addresses as [ADDRESS]:PORT", s);
			*colon = '\0';
			port_str = colon + 1;
		}
		if (is_ipv4(h))
			*is_ip = true;
		else if (tunnel_hostname_valid(h))
			*is_ip = false;
		else
			return set_err(err, err_len, "invalid server \"%s\": not a host name or address", s);
	}

	*port = default_port;
	if (port_str) {
		unsigned long p;
		if (parse_uint(port_str, 1, 65535, &p) != 0)
			return set_err(err, err_len, "invalid port in \"%s\" (1-65535)", s);
		*port = (uint16_t) p;
	}
	*host = strdup(h);
	return *host ? 0 : set_err(err, err_len, "out of memory");
}

static int
parse_pin(const char *s, uint8_t out[32], char *err, size_t err_len)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = s; *p; p++) {
		int v;
		char c = *p;
		if (c == ':')
			continue;
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else
			return set_err(err, err_len, "--pin-sha256: '%c' is not a hex digit", c);
		if (hi < 0) {
			hi = v;
		} else {
			if (n >= 32)
				return set_err(err, err_len, "--pin-sha256: more than 32 bytes (64 hex digits)");
			out[n++] = (uint8_t) (hi << 4 | v);
			hi = -1;
		}
	}
	if (n != 32 || hi >= 0)
		return set_err(err, err_len, "--pin-sha256 needs a SHA-256 (64 hex digits, colons allowed)");
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
	case OPT_HOST:
		if (!tunnel_hostname_valid(v) && !is_ipv4(v) && !is_ipv6(v))
			return set_err(err, err_len, "--host \"%s\" is not a valid host name", v);
		return replace_str(&o->host, v, err, err_len);
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
		if (parse_uint(v, 5, 3600, &n) != 0)
			return set_err(err, err_len, "--hello needs a number of seconds from 5 to 3600");
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
	case OPT_DEBUG:
		o->debug = true;
		return 0;
	case OPT_NO_DHCP_INFORM:
		o->no_dhcp_inform = true;
		return 0;
	case OPT_UUID:
		/* Any printable value: one that is not a GUID is replaced by a
		 * random one when the request is built (and the log says so). */
		if (!*v || strlen(v) > 64 || !sstp_ipc_value_valid(v, strlen(v)))
			return set_err(err, err_len, "--uuid: empty, longer than 64 bytes, or holds a control "
			               "character");
		return replace_str(&o->uuid, v, err, err_len);
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
			/* the positional SERVER[:PORT] */
			if (o->server)
				return set_err(err, err_len, "more than one server given (\"%s\" and \"%s\")",
				               o->server, a);
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
	OPENSSL_cleanse(words, sizeof(words));
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
