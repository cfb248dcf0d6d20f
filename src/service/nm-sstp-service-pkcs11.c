/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <glib-unix.h>

#include "sstp-harden.h"
#include "nm-sstp-settings.h"
#include "nm-sstp-service-log.h"
#include "nm-sstp-service-pkcs11.h"

/* The OpenSSL configuration pppd gets (OPENSSL_CONF): it replaces the
 * system's for pppd alone, and sets the pkcs11 engine's module. init = 1:
 * pppd only makes the engine the default (ENGINE_set_default), which leaves
 * libp11 0.4.13's engine (no methods of its own) uninitialised, and then
 * ENGINE_load_private_key() fails with "not initialised" (Debian 13). */
#define PKCS11_OPENSSL_CONF_TEXT                                                          \
	"# Written by nm-sstp-service for one connection; removed when it ends.\n"         \
	"openssl_conf = nm_sstp_init\n"                                                      \
	"[nm_sstp_init]\n"                                                                   \
	"engines = nm_sstp_engines\n"                                                        \
	"[nm_sstp_engines]\n"                                                                \
	"pkcs11 = nm_sstp_pkcs11\n"                                                          \
	"[nm_sstp_pkcs11]\n"                                                                 \
	"engine_id = pkcs11\n"                                                               \
	"MODULE_PATH = " P11_KIT_CLIENT "\n"                                                 \
	"init = 1\n"

struct SstpPkcs11 {
	char *dir;            /* the activation's private folder (files') */
	char *sock_path;
	char *conf_path;
	int listen_fd;
	guint watch;
	GHashTable *children; /* pid → its child watch: "p11-kit remote" serving a connection */
	/* Prepared before any fork (no allocation in the child). */
	char **argv;
	char **envp;
	const SstpFilesUser *user; /* files' entry; NULL: root */
	pid_t service;
};

/*****************************************************************************/
/* Before starting: what pppd needs */

/* pppd's EAP-TLS loads OpenSSL engines only after reading its own
 * configuration file, and an engine that file sets up would win over ours. */
static gboolean
pkcs11_check_pppd_conf(GError **error)
{
	/* Tests name another file (the service's environment is NetworkManager's,
	 * not a user's). */
	const char *conf = g_getenv("NM_SSTP_PPPD_OPENSSL_CONF");
	char *text = NULL;
	gboolean ok = TRUE;

	if (!conf || !*conf)
		conf = SSTP_PPPD_OPENSSL_CONF;
	if (!g_file_get_contents(conf, &text, NULL, NULL)) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("a PKCS#11 URI needs %s: pppd uses OpenSSL engines (here: the PKCS#11 "
		              "one) only when that file exists. An administrator can create it "
		              "empty (touch %s)"),
		            conf, conf);
		return FALSE;
	}
	if (g_strstr_len(text, -1, "engines") || g_strstr_len(text, -1, "MODULE_PATH")) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("%s configures OpenSSL engines, which pppd would use instead of the "
		              "profile user's own token: a PKCS#11 URI is refused while it does"),
		            conf);
		ok = FALSE;
	}
	g_free(text);
	return ok;
}

static gboolean
pkcs11_check_programs(GError **error)
{
	if (access(P11_KIT_PATH, X_OK) != 0 || access(P11_KIT_CLIENT, R_OK) != 0) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("a PKCS#11 URI needs p11-kit (%s) and its client module (%s): install "
		              "p11-kit and p11-kit-modules"),
		            P11_KIT_PATH, P11_KIT_CLIENT);
		return FALSE;
	}
	return TRUE;
}

static char **
pkcs11_envp(const char *name, const char *home)
{
	GPtrArray *env = g_ptr_array_new();

	g_ptr_array_add(env, g_strconcat("HOME=", home, NULL));
	g_ptr_array_add(env, g_strconcat("USER=", name, NULL));
	g_ptr_array_add(env, g_strconcat("LOGNAME=", name, NULL));
	g_ptr_array_add(env, g_strdup("PATH=/usr/bin:/bin"));
	g_ptr_array_add(env, NULL);
	return (char **) g_ptr_array_free(env, FALSE);
}

static gboolean
pkcs11_write_conf(SstpPkcs11 *p, GError **error)
{
	int fd = open(p->conf_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	const char *text = PKCS11_OPENSSL_CONF_TEXT;
	gsize len = strlen(text);
	gboolean ok = fd >= 0 && write(fd, text, len) == (ssize_t) len;

	if (fd >= 0 && close(fd) != 0)
		ok = FALSE;
	if (!ok) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("cannot write %s: %s"), p->conf_path, g_strerror(errno));
	}
	return ok;
}

static gboolean
pkcs11_listen(SstpPkcs11 *p, GError **error)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (strlen(p->sock_path) >= sizeof(sa.sun_path)) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("the socket name %s is too long"), p->sock_path);
		return FALSE;
	}
	memcpy(sa.sun_path, p->sock_path, strlen(p->sock_path) + 1);
	p->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->listen_fd < 0 || bind(p->listen_fd, (struct sockaddr *) &sa, sizeof(sa)) != 0 ||
	    listen(p->listen_fd, 8) != 0) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("cannot listen on %s: %s"), p->sock_path, g_strerror(errno));
		return FALSE;
	}
	return TRUE;
}

/*****************************************************************************/
/* Serving one connection */

/* After fork(): async-signal-safe calls only. */
static void G_GNUC_NORETURN
pkcs11_child(const SstpPkcs11 *p, int cfd)
{
	sigset_t none;

	/* A signal mask survives exec: p11-kit remote gets none of the service's. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (p->user && !sstp_files_child_become(p->user))
		_exit(126);
	/* SIGKILL, as at teardown (sstp_pkcs11_free()): the user's modules
	 * may ignore SIGTERM, and nobody is left to end this process. */
	if (sstp_follow_parent(p->service, SIGKILL) != 0)
		_exit(126);
	if (dup2(cfd, STDIN_FILENO) < 0 || dup2(cfd, STDOUT_FILENO) < 0)
		_exit(126);
	/* stderr stays the service's: p11-kit's messages reach its log. */
	if (close_range(STDERR_FILENO + 1, ~0U, 0) != 0) {
		for (int fd = STDERR_FILENO + 1; fd < 1024; fd++)
			close(fd);
	}
	if (chdir("/") != 0)
		_exit(126);
	execve(P11_KIT_PATH, p->argv, p->envp);
	_exit(127);
}

static void
pkcs11_child_ended(GPid pid, gint status, gpointer data)
{
	SstpPkcs11 *p = data;

	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		sstp_log(LOG_WARNING, "PKCS#11: p11-kit remote (as %s) ended with status %d",
		         p->user ? p->user->name : "root", WEXITSTATUS(status));
	g_hash_table_remove(p->children, GINT_TO_POINTER(pid));
	g_spawn_close_pid(pid);
}

static gboolean
pkcs11_accept(int fd, GIOCondition cond, gpointer data)
{
	SstpPkcs11 *p = data;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	pid_t pid;
	int cfd;

	(void) cond;
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0)
		return G_SOURCE_CONTINUE;
	/* Only pppd (root) has any business here; the folder lets nobody else
	 * in, and this says so twice. */
	if (getsockopt(cfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != 0) {
		sstp_log(LOG_WARNING, "PKCS#11: refused a connection that is not root's");
		close(cfd);
		return G_SOURCE_CONTINUE;
	}
	pid = fork();
	if (pid == 0)
		pkcs11_child(p, cfd);
	close(cfd);
	if (pid < 0) {
		sstp_log(LOG_WARNING, "PKCS#11: cannot start p11-kit remote: %s", g_strerror(errno));
		return G_SOURCE_CONTINUE;
	}
	sstp_log(LOG_INFO, "PKCS#11: pppd's token access served by p11-kit remote as %s (pid %d)",
	         p->user ? p->user->name : "root", (int) pid);
	g_hash_table_insert(p->children, GINT_TO_POINTER(pid),
	                    GUINT_TO_POINTER(g_child_watch_add(pid, pkcs11_child_ended, p)));
	return G_SOURCE_CONTINUE;
}

/*****************************************************************************/

SstpPkcs11 *
sstp_pkcs11_start(SstpFiles *files, NMSettingVpn *s_vpn, GError **error)
{
	const SstpFilesUser *user = NULL;
	SstpPkcs11 *p;
	char **tokens;
	const char *dir;
	GPtrArray *argv;
	gsize i;

	g_return_val_if_fail(files && s_vpn, NULL);
	if (!sstp_files_one_user(files, &user, error) || !pkcs11_check_pppd_conf(error) ||
	    !pkcs11_check_programs(error))
		return NULL;
	dir = sstp_files_dir(files, error);
	if (!dir)
		return NULL;
	tokens = nm_sstp_settings_pkcs11_tokens(s_vpn);
	g_return_val_if_fail(tokens != NULL, NULL);

	p = g_new0(SstpPkcs11, 1);
	p->listen_fd = -1;
	p->service = getpid();
	p->user = user;
	p->dir = g_strdup(dir);
	p->sock_path = g_build_filename(dir, SSTP_PKCS11_SOCKET, NULL);
	p->conf_path = g_build_filename(dir, SSTP_PKCS11_OPENSSL_CONF, NULL);
	p->children = g_hash_table_new(NULL, NULL);
	argv = g_ptr_array_new();
	g_ptr_array_add(argv, g_strdup("p11-kit"));
	g_ptr_array_add(argv, g_strdup("remote"));
	for (i = 0; tokens[i]; i++)
		g_ptr_array_add(argv, g_strdup(tokens[i]));
	g_ptr_array_add(argv, NULL);
	p->argv = (char **) g_ptr_array_free(argv, FALSE);
	p->envp = user ? pkcs11_envp(user->name, user->home) : pkcs11_envp("root", "/root");

	if (!pkcs11_write_conf(p, error) || !pkcs11_listen(p, error)) {
		g_strfreev(tokens);
		sstp_pkcs11_free(p);
		return NULL;
	}
	p->watch = g_unix_fd_add(p->listen_fd, G_IO_IN, pkcs11_accept, p);
	for (i = 0; tokens[i]; i++) {
		char *shown = nm_sstp_settings_escape_for_display(tokens[i]);

		sstp_log(LOG_INFO, "PKCS#11: token %s is reached as %s, through %s", shown,
		         user ? user->name : "root", p->sock_path);
		g_free(shown);
	}
	g_strfreev(tokens);
	return p;
}

const char *
sstp_pkcs11_dir(const SstpPkcs11 *p)
{
	return p->dir;
}

void
sstp_pkcs11_free(SstpPkcs11 *p)
{
	GHashTableIter it;
	gpointer pid, watch;

	if (!p)
		return;
	if (p->watch)
		g_source_remove(p->watch);
	if (p->listen_fd >= 0) {
		close(p->listen_fd);
		g_unlink(p->sock_path);
	}
	g_unlink(p->conf_path);
	/* A child still serving has lost its pppd; its child watch goes with
	 * p, so reap here. SIGKILL, not SIGTERM: the child runs the user's
	 * own PKCS#11 modules, which may ignore SIGTERM, and the waitpid()
	 * below must not leave the service hanging on them. */
	g_hash_table_iter_init(&it, p->children);
	while (g_hash_table_iter_next(&it, &pid, &watch)) {
		g_source_remove(GPOINTER_TO_UINT(watch));
		kill(GPOINTER_TO_INT(pid), SIGKILL);
		waitpid(GPOINTER_TO_INT(pid), NULL, 0);
	}
	g_hash_table_unref(p->children);
	g_strfreev(p->argv);
	g_strfreev(p->envp);
	g_free(p->dir);
	g_free(p->sock_path);
	g_free(p->conf_path);
	g_free(p);
}
