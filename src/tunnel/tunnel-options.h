/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Command line of nm-sstp-tunnel (a contract: see nm-sstp-tunnel(8)).
 * Pure parsing: no network, no logging; errors are returned as text so the
 * unit test can check them.
 */
#ifndef TUNNEL_OPTIONS_H
#define TUNNEL_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TUNNEL_MAX_SECRET   255     /* pppd's MAXSECRETLEN - 1 */
#define TUNNEL_MAX_USER     255     /* pppd's MAXNAMELEN - 1 */
#define TUNNEL_MAX_OPTIONS_STREAM (64 * 1024)

struct tunnel_options {
	/* SERVER[:PORT] */
	char    *server;            /* host name or address, without brackets */
	bool     server_is_ip;
	uint16_t port;

	char    *host;              /* --host: SNI, Host header, name check (NULL: server if a name) */
	bool     no_sni;
	char    *ca_cert;           /* NULL: system store */
	bool     has_pin;
	uint8_t  pin_sha256[32];
	bool     no_verify;
	int      tls_min;           /* 12 or 13 */

	char    *proxy_host;        /* --proxy http://HOST:PORT */
	uint16_t proxy_port;
	char    *proxy_user;
	char    *proxy_password;    /* secret */
	char    *proxy_password_file;

	char    *user;
	char    *password;          /* secret */
	char    *password_file;

	unsigned hello_seconds;
	char    *pppd_path;
	char    *pppd_plugin;
	/* --pkcs11-dir: the service's PKCS#11 relay (p11.sock) and the OpenSSL
	 * configuration for pppd (nm-sstp-service-pkcs11.h); NULL: none */
	char    *pkcs11_dir;
	bool     debug;
	char    *correlation_id;    /* --uuid: "{GUID}" for SSTPCORRELATIONID (NULL: random) */
	/* --no-dhcp-inform: do not ask the server for split routes and the DNS
	 * domain with a DHCPINFORM once IPCP is up (docs/dhcp-inform.md). */
	bool     no_dhcp_inform;
	/* --no-peer-dns: pppd without usepeerdns (the profile ignores the
	 * server's DNS servers: ipv4.ignore-auto-dns) */
	bool     no_peer_dns;
	bool     show_version;
	bool     show_help;
	int      options_fd;        /* -1 if none */
	int      status_fd;         /* -1 if none */

	char   **pppd_args;         /* everything after "--", NULL-terminated */
	size_t   n_pppd_args;
};

void tunnel_options_init(struct tunnel_options *o);
/* Wipes the secrets and frees everything. */
void tunnel_options_clear(struct tunnel_options *o);

/*
 * Parse argv-style words (argv[0] excluded: pass argc-1, argv+1).
 * from_stream: the words came from --options-fd, where --password and
 * --proxy-password are allowed (and --options-fd is not).
 * Returns 0, or -1 with a message in err.
 */
int tunnel_options_parse(struct tunnel_options *o, int argc, char *const *argv, bool from_stream,
                         char *err, size_t err_len);

/*
 * Split an options stream (NUL-terminated words) into words and parse them.
 * The buffer is modified in place and the caller wipes it afterwards.
 */
int tunnel_options_parse_stream(struct tunnel_options *o, char *buf, size_t len,
                                char *err, size_t err_len);

/* After all parsing: check required values and combinations, fill defaults
 * (host, pppd paths). Does not read files. */
int tunnel_options_finish(struct tunnel_options *o, const char *default_pppd,
                          const char *default_plugin, char *err, size_t err_len);

/* Read the first line of a password file ("-" is stdin), without the line
 * end. Returns a malloc'ed string or NULL with err set. */
char *tunnel_read_secret_file(const char *path, char *err, size_t err_len);

/* Helpers shared with the TLS code. */
bool tunnel_hostname_valid(const char *name);
/* Parse HOST[:PORT] / [V6][:PORT] / bare IPv6; host is malloc'ed. */
int tunnel_parse_host_port(const char *s, uint16_t default_port, char **host, uint16_t *port,
                           bool *is_ip, char *err, size_t err_len);

#endif
