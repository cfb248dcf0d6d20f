/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test server's own pppd: a pty the server owns (raw, no echo), and a
 * pppd child that authenticates the client.
 *
 * Namespaces (decided here, so no test has to set them up): the child
 * always unshares its mount namespace and bind-mounts a private folder
 * over /etc/ppp, holding our own `options` (so Debian's global `auth lock
 * crtscts modem ...` never applies), the server options file and a 0600
 * chap-secrets / pap-secrets with the test user. Nothing on the host's
 * /etc/ppp is read or written. For the network namespace:
 *   "new"  (default) unshare(CLONE_NEWNET) and bring lo up: the server's
 *          ppp interface is then invisible to the client, so a ping of the
 *          server's tunnel address really crosses the tunnel;
 *   NAME   join /run/netns/NAME (made by the test with `ip netns add`),
 *          e.g. to run iperf3 -s next to the server's ppp interface;
 *   "same" stay in the server's namespace (only for debugging).
 * All of this needs root, which the end-to-end tests have.
 */
#ifndef SERVER_PPPD_H
#define SERVER_PPPD_H

#include <stdbool.h>
#include <sys/types.h>

struct server_pppd_config {
	const char *workdir;       /* private 0700 folder for the files below */
	const char *user;
	const char *password;
	const char *auth;          /* pppd option: "require-mschap-v2", "require-pap", "require-chap" */
	bool ipv6;                 /* +ipv6 */
	bool mppe;                 /* require-mppe-128 */
	bool debug;                /* pppd debug */
	const char *local_ip;      /* e.g. 10.77.0.1 */
	const char *remote_ip;     /* e.g. 10.77.0.2 */
	const char *dns;           /* ms-dns, may be NULL */
	unsigned mtu;              /* mtu and mru */
	const char *netns;         /* "new", "same" or a name in /run/netns */
	const char *pppd_path;     /* "pppd" unless overridden */
	const char *eaptls_dir;    /* --eap-tls: writes eaptls-server for its files, NULL: none */
	const char *eaptls_shim;   /* preloaded into pppd with eaptls_dir (eaptls-keys-shim.so) */
	const char *eaptls_keys;   /* where the shim writes the key material */
};

struct server_pppd {
	pid_t pid;                 /* 0 when not running */
	int master;                /* pty master, non-blocking */
	int slave;                 /* kept open so the master never sees a hangup while pppd starts */
	int pidfd;                 /* readable when pppd exits */
	char device[64];
};

/* Write <workdir>/etc-ppp/{options,sstp-server.options,chap-secrets,pap-secrets}
 * (and eaptls-server with eaptls_dir).
 * Returns 0, or -1 after logging why. */
int server_pppd_write_files(const struct server_pppd_config *cfg);

/* Open the pty and start pppd on it. Returns 0, or -1 after logging why. */
int server_pppd_start(const struct server_pppd_config *cfg, struct server_pppd *p);

/* Reap pppd if it has exited; returns its exit status (>= 0), or -1 if it
 * is still running. */
int server_pppd_reap(struct server_pppd *p);

/* SIGTERM pppd, wait up to timeout_ms, then SIGKILL; close the pty. */
void server_pppd_stop(struct server_pppd *p, unsigned timeout_ms);

#endif
