/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Least privilege for nm-sstp-tunnel. The worker needs root for one thing:
 * starting pppd. Everything after that (TLS, SSTP, PPP frames, DHCP from
 * the network) runs with no privilege at all:
 *   - an unprivileged identity: the configured system user (TUNNEL_USER,
 *     "nm-sstp", created by sysusers.d), or, where it does not exist, a
 *     dynamic uid/gid of its own in systemd's range 61184-65519 that is in
 *     no passwd/group database and held by a lock, so two workers never
 *     share one; no supplementary groups; real, effective and saved ids all
 *     changed, so nothing can be regained (checked: setuid(0) must fail);
 *   - no capabilities (effective, permitted, inheritable, ambient, bounding);
 *   - no_new_privs;
 *   - a seccomp filter allowing only what the poll loop uses. Calls outside
 *     it fail with EPERM: the tunnel keeps running (or fails with a message)
 *     instead of dying of SIGSYS in the field, and the call still does not
 *     happen. See docs/architecture.md, "Least privilege".
 */
#ifndef TUNNEL_SANDBOX_H
#define TUNNEL_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* systemd's range for dynamic users (UIDS-GIDS.md): no package allocates
 * users there, and systemd's own dynamic users are visible through NSS
 * (nss-systemd) and its lock folder, both checked before taking a uid. */
#define TUNNEL_DYNAMIC_UID_MIN 61184u
#define TUNNEL_DYNAMIC_UID_MAX 65519u

/* What tunnel_sandbox_lookup_user() learnt in a child process. */
#define TUNNEL_SANDBOX_FREE_IDS 8
struct tunnel_sandbox_user {
	int found;             /* 1: the user exists, 0: it does not, -1: the lookup failed */
	int error;             /* errno of a failed lookup */
	uid_t uid;
	gid_t gid;
	/* found == 0: the first dynamic ids (in the order the worker tries
	 * them) that neither passwd nor group knows */
	unsigned n_free;
	unsigned free_ids[TUNNEL_SANDBOX_FREE_IDS];
};

/* Looks name up (and, if it does not exist, the first free dynamic ids) in
 * a short-lived child process, so that the NSS modules the lookup loads
 * (libnss_systemd and the libraries it pulls in: about 360 KB resident)
 * are never mapped into the worker, which keeps running for the whole
 * connection. Call it while the process has a single thread (fork). The
 * result goes to tunnel_sandbox_config.looked_up. Returns 0, or -1 if the
 * child could not run (then the lookup happens in the process itself). */
int tunnel_sandbox_lookup_user(const char *name, struct tunnel_sandbox_user *out);

struct tunnel_sandbox_config {
	const char *user;      /* system user to become; NULL or missing: a dynamic uid */
	const struct tunnel_sandbox_user *looked_up; /* user, from tunnel_sandbox_lookup_user(); NULL: look it up now */
	const char *lock_dir;  /* where dynamic uids are locked (root-owned, made if missing) */
	bool seccomp;          /* install the system call filter */
};

struct tunnel_sandbox_result {
	uid_t uid;
	gid_t gid;
	bool dynamic;          /* uid taken from the dynamic range */
	bool changed_identity; /* false: the worker was not root to begin with */
	bool filtered;         /* the seccomp filter is in place */
};

/* Drops everything listed above, in order: identity (if root), capabilities,
 * no_new_privs, seccomp. Call once, after pppd is started and the worker has
 * opened every descriptor it will use. Returns 0, or -1 with a message in
 * err (cap bytes) that says what failed; the process may then be partly
 * dropped and must not go on. The kernel lacking seccomp filtering is not
 * an error: res->filtered is false and the caller warns. */
int tunnel_sandbox_enter(const struct tunnel_sandbox_config *cfg, struct tunnel_sandbox_result *res,
                         char *err, size_t cap);

/* The worker's call, right after pppd is started: tunnel_sandbox_enter() with
 * TUNNEL_USER, the lock folder /run/nm-sstp-tunnel and the filter (unless
 * built --without-seccomp); logs what it did. Returns 0, or
 * SSTP_EXIT_INTERNAL through tunnel_fail() with the reason. */
int tunnel_sandbox_drop_after_pppd(void);

/* The worker's early call (tunnel-main.c, before any thread): looks
 * TUNNEL_USER up with tunnel_sandbox_lookup_user() for the drop above.
 * Does nothing unless the process is root. */
void tunnel_sandbox_prepare(void);

/* true once tunnel_sandbox_enter() has succeeded in this process. */
bool tunnel_sandbox_active(void);

#endif
