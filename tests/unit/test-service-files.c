/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of the private copies of a profile's files
 * (src/service/nm-sstp-service-files.[ch]):
 *   - a copy holds the original's bytes, is 0600 in a 0700 folder under
 *     NM_SSTP_RUNTIME_DIR, and is gone (with its folder) after
 *     sstp_files_free();
 *   - for a profile restricted to "nobody", a root-only file is refused
 *     with exactly the message of a missing file, also through a symlink;
 *   - a FIFO, a folder, a device and a socket are refused, quickly, for
 *     restricted and system-wide profiles alike;
 *   - a file swapped for a symlink to a root-only file after the copy was
 *     made changes nothing the worker gets, and a new read is refused;
 *   - with several users listed, every one of them must be able to read
 *     the file; an unknown user is refused;
 *   - the worker's words name copies, never the original files, and only
 *     for the keys the connection type uses.
 * The tests that need another user run as root with the existing user
 * "nobody" and skip otherwise; no user is created. Files live in a
 * temporary folder that is removed at the end.
 */
#include "config.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <NetworkManager.h>

#include "nm-sstp-settings.h"
#include "nm-sstp-service-files.h"
#include "test-vpn-setting.h"

/* A guard against a read that blocks (a FIFO opened for reading), not a
 * timing requirement: SIGALRM ends the test as a failure. */
#define HANG_GUARD_SECONDS 30

static char *runtime_dir; /* NM_SSTP_RUNTIME_DIR, 0700 */
static char *files_dir;   /* the test's files, 0755 so that nobody can reach them */

static gboolean
nobody_usable(void)
{
	return geteuid() == 0 && getpwnam("nobody") != NULL;
}

static gboolean
have_nobody(void)
{
	if (nobody_usable())
		return TRUE;
	g_test_skip("needs root and the user nobody");
	return FALSE;
}

static char *
write_file(const char *name, const char *content, mode_t mode)
{
	char *path = g_build_filename(files_dir, name, NULL);

	g_assert_true(g_file_set_contents(path, content, -1, NULL));
	g_assert_cmpint(chmod(path, mode), ==, 0);
	return path;
}

/* A connection (vpn setting with the given pairs, NULL-terminated) whose
 * connection.permissions lists `users` (comma-separated, NULL: none). */
static NMConnection *
make_connection(const char *users, const char *first_key, ...)
{
	NMConnection *conn = nm_simple_connection_new();
	NMSettingConnection *s_con = NM_SETTING_CONNECTION(nm_setting_connection_new());
	NMSettingVpn *s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());
	va_list ap;

	if (users) {
		char **names = g_strsplit(users, ",", -1);
		guint i;

		for (i = 0; names[i]; i++)
			g_assert_true(nm_setting_connection_add_permission(s_con, "user", names[i], NULL));
		g_strfreev(names);
	}
	va_start(ap, first_key);
	test_vpn_setting_fill(s_vpn, first_key, ap);
	va_end(ap);
	nm_connection_add_setting(conn, NM_SETTING(s_con));
	nm_connection_add_setting(conn, NM_SETTING(s_vpn));
	return conn;
}

static SstpFiles *
files_for(const char *users)
{
	NMConnection *conn = make_connection(users, NULL);
	GError *error = NULL;
	SstpFiles *files = sstp_files_new(conn, &error);

	g_assert_no_error(error);
	g_assert_nonnull(files);
	g_object_unref(conn);
	return files;
}

/* The message of a refused copy (asserting there is one). */
static char *
copy_error(const char *users, const char *key, const char *path)
{
	SstpFiles *files = files_for(users);
	GError *error = NULL;
	char *message;

	alarm(HANG_GUARD_SECONDS);
	g_assert_null(sstp_files_copy(files, key, path, &error));
	alarm(0);
	g_assert_nonnull(error);
	g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
	g_test_message("%s: %s", path, error->message);
	message = g_strdup(error->message);
	g_error_free(error);
	sstp_files_free(files);
	return message;
}

/* message with `path` replaced by "PATH" */
static char *
without_path(const char *message, const char *path)
{
	char **parts = g_strsplit(message, path, -1);
	char *joined = g_strjoinv("PATH", parts);

	g_assert_cmpuint(g_strv_length(parts), >, 1);   /* the path is named */
	g_strfreev(parts);
	return joined;
}

static void
assert_file_content(const char *path, const char *expected)
{
	char *content = NULL;

	g_assert_true(g_file_get_contents(path, &content, NULL, NULL));
	g_assert_cmpstr(content, ==, expected);
	g_free(content);
}

/* copy is a private copy: in its own 0700 folder right under the runtime
 * folder, 0600, owned by the service's user. Returns the folder. */
static char *
assert_private_copy(const char *copy, const char *original)
{
	char *dir = g_path_get_dirname(copy);
	char *parent = g_path_get_dirname(dir);
	struct stat st;

	g_assert_cmpstr(copy, !=, original);
	g_assert_cmpstr(parent, ==, runtime_dir);
	g_assert_cmpint(lstat(dir, &st), ==, 0);
	g_assert_true(S_ISDIR(st.st_mode));
	g_assert_cmpint(st.st_mode & 07777, ==, 0700);
	g_assert_cmpint(lstat(copy, &st), ==, 0);
	g_assert_true(S_ISREG(st.st_mode));
	g_assert_cmpint(st.st_mode & 07777, ==, 0600);
	g_assert_cmpint(st.st_uid, ==, geteuid());
	g_free(parent);
	return dir;
}

/*****************************************************************************/

/* System-wide profile: read as the service (root), copied, removed. */
static void
test_copy_system_profile(void)
{
	char *path = write_file("root-only.pem", "root-only content\n", 0600);
	SstpFiles *files = files_for(NULL);
	GError *error = NULL;
	const char *copy;
	char *copy_path;
	char *dir;

	copy = sstp_files_copy(files, NM_SSTP_KEY_CA_CERT, path, &error);
	g_assert_no_error(error);
	g_assert_nonnull(copy);
	dir = assert_private_copy(copy, path);
	assert_file_content(copy, "root-only content\n");
	g_assert_true(g_str_has_suffix(copy, "/ca-cert.pem"));

	copy_path = g_strdup(copy);
	sstp_files_free(files);
	g_assert_false(g_file_test(copy_path, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));

	g_unlink(path);
	g_free(copy_path);
	g_free(dir);
	g_free(path);
}

/* A service killed with its folder full (SIGKILL: no cleanup) leaves copies
 * behind; the next service to make a folder removes every folder nobody
 * holds, and only those: a living service's stays. */
static void
test_dead_service_folder(void)
{
	char *path = write_file("dead.pem", "copied by a service that dies\n", 0600);
	char dead_dir[4096] = "";
	char *live_dir = g_build_filename(runtime_dir, "files-LIVE01", NULL);
	char *live_file = g_build_filename(live_dir, "ca-cert.pem", NULL);
	SstpFiles *alive, *next;
	GError *error = NULL;
	const char *alive_copy, *copy;
	int fds[2], live_fd, status;
	ssize_t n;
	pid_t pid;

	/* One killed at once, the way SIGKILL would. */
	g_assert_cmpint(pipe(fds), ==, 0);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		SstpFiles *f = files_for(NULL);
		const char *c = sstp_files_copy(f, NM_SSTP_KEY_CA_CERT, path, NULL);
		char *d = c ? g_path_get_dirname(c) : g_strdup("");

		if (write(fds[1], d, strlen(d)) < 0)
			_exit(2);
		kill(getpid(), SIGKILL);
		_exit(3);
	}
	close(fds[1]);
	n = read(fds[0], dead_dir, sizeof(dead_dir) - 1);
	close(fds[0]);
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	g_assert_cmpint(n, >, 0);
	dead_dir[n] = '\0';
	g_assert_true(g_file_test(dead_dir, G_FILE_TEST_IS_DIR));

	/* One alive in this process, one alive elsewhere (a lock of its own). */
	alive = files_for(NULL);
	alive_copy = sstp_files_copy(alive, NM_SSTP_KEY_CA_CERT, path, &error);
	g_assert_no_error(error);
	g_assert_cmpint(g_mkdir(live_dir, 0700), ==, 0);
	g_assert_true(g_file_set_contents(live_file, "x", -1, NULL));
	live_fd = open(live_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	g_assert_cmpint(live_fd, >=, 0);
	g_assert_cmpint(flock(live_fd, LOCK_EX | LOCK_NB), ==, 0);

	next = files_for(NULL);
	copy = sstp_files_copy(next, NM_SSTP_KEY_CA_CERT, path, &error);
	g_assert_no_error(error);
	g_assert_nonnull(copy);
	g_assert_false(g_file_test(dead_dir, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(alive_copy, G_FILE_TEST_IS_REGULAR));
	g_assert_true(g_file_test(live_file, G_FILE_TEST_IS_REGULAR));
	g_assert_true(g_file_test(copy, G_FILE_TEST_IS_REGULAR));

	sstp_files_free(next);
	sstp_files_free(alive);
	close(live_fd);
	g_unlink(live_file);
	g_rmdir(live_dir);
	g_unlink(path);
	g_free(live_file);
	g_free(live_dir);
	g_free(path);
}

static void
test_copy_as_user(void)
{
	char *path;
	SstpFiles *files;
	GError *error = NULL;
	const char *copy;
	char *dir;

	if (!have_nobody())
		return;
	path = write_file("user.key", "what nobody can read\n", 0644);
	files = files_for("nobody");
	copy = sstp_files_copy(files, NM_SSTP_KEY_TLS_USER_KEY, path, &error);
	g_assert_no_error(error);
	dir = assert_private_copy(copy, path);
	assert_file_content(copy, "what nobody can read\n");
	g_assert_true(g_str_has_suffix(copy, "/tls-user-key.key"));
	sstp_files_free(files);
	g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
	g_unlink(path);
	g_free(dir);
	g_free(path);
}

/* A file only root can read, read for a profile of nobody: refused, and
 * the message is the one of a file that does not exist, so that the
 * service says nothing about it ls would not say. Through a symlink too. */
static void
test_root_only_like_missing(void)
{
	char *secret;
	char *missing;
	char *link;
	char *msg_secret, *msg_missing, *msg_link;
	char *a, *b, *c;

	if (!have_nobody())
		return;
	secret = write_file("secret.key", "root-only secret\n", 0600);
	missing = g_build_filename(files_dir, "absent.key", NULL);
	link = g_build_filename(files_dir, "link.key", NULL);
	g_assert_cmpint(symlink(secret, link), ==, 0);

	msg_secret = copy_error("nobody", NM_SSTP_KEY_TLS_USER_KEY, secret);
	msg_missing = copy_error("nobody", NM_SSTP_KEY_TLS_USER_KEY, missing);
	msg_link = copy_error("nobody", NM_SSTP_KEY_TLS_USER_KEY, link);
	a = without_path(msg_secret, secret);
	b = without_path(msg_missing, missing);
	c = without_path(msg_link, link);
	g_assert_cmpstr(a, ==, b);
	g_assert_cmpstr(c, ==, b);
	g_assert_nonnull(strstr(b, NM_SSTP_KEY_TLS_USER_KEY));
	g_assert_nonnull(strstr(b, "“nobody”"));
	g_assert_nonnull(strstr(b, "cannot read"));

	g_unlink(link);
	g_unlink(secret);
	g_free(a);
	g_free(b);
	g_free(c);
	g_free(msg_secret);
	g_free(msg_missing);
	g_free(msg_link);
	g_free(secret);
	g_free(missing);
	g_free(link);
}

static char *
make_socket(const char *name)
{
	char *path = g_build_filename(files_dir, name, NULL);
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpuint(strlen(path), <, sizeof(sun.sun_path));
	strcpy(sun.sun_path, path);
	g_assert_cmpint(bind(fd, (struct sockaddr *) &sun, sizeof(sun)), ==, 0);
	close(fd);
	g_assert_cmpint(chmod(path, 0666), ==, 0);
	return path;
}

static void
assert_not_regular(const char *users, const char *path)
{
	char *message = copy_error(users, NM_SSTP_KEY_CA_CERT, path);

	g_assert_nonnull(strstr(message, "not a regular file"));
	g_assert_nonnull(strstr(message, NM_SSTP_KEY_CA_CERT));
	g_free(message);
}

/* Nothing but a regular file is read; a FIFO nobody writes to would block
 * an open() for reading forever. */
static void
test_non_regular(void)
{
	char *fifo = g_build_filename(files_dir, "fifo.pem", NULL);
	char *folder = g_build_filename(files_dir, "folder.pem", NULL);
	char *sock = make_socket("socket.pem");
	const char *const paths[] = {fifo, folder, sock, "/dev/null"};
	guint i;

	g_assert_cmpint(mkfifo(fifo, 0666), ==, 0);
	g_assert_cmpint(g_mkdir(folder, 0755), ==, 0);
	for (i = 0; i < G_N_ELEMENTS(paths); i++) {
		assert_not_regular(NULL, paths[i]);
		if (nobody_usable())
			assert_not_regular("nobody", paths[i]);
	}
	g_unlink(fifo);
	g_rmdir(folder);
	g_unlink(sock);
	g_free(fifo);
	g_free(folder);
	g_free(sock);
}

/* The check is the read: the copy is what nobody could read when it was
 * made. Swapping the file for a symlink to a root-only file afterwards
 * changes nothing the worker is given, and a new read is refused. */
static void
test_symlink_swap(void)
{
	char *path;
	char *secret;
	SstpFiles *files;
	GError *error = NULL;
	const char *copy;
	char *message;

	if (!have_nobody())
		return;
	path = write_file("swapped.pem", "the user's certificate\n", 0644);
	secret = write_file("shadow-like", "root-only secret\n", 0600);
	files = files_for("nobody");
	copy = sstp_files_copy(files, NM_SSTP_KEY_TLS_USER_CERT, path, &error);
	g_assert_no_error(error);

	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(symlink(secret, path), ==, 0);
	/* What root (pppd) opens is the copy: still the user's bytes. */
	assert_file_content(copy, "the user's certificate\n");
	message = copy_error("nobody", NM_SSTP_KEY_TLS_USER_CERT, path);
	g_assert_nonnull(strstr(message, "cannot read"));

	sstp_files_free(files);
	g_unlink(path);
	g_unlink(secret);
	g_free(message);
	g_free(path);
	g_free(secret);
}

/* Every listed user must be able to read the file, whatever the order:
 * with "the first user" a profile listing another user first could make
 * root read that user's key for the one who activates it. */
static void
test_several_users(void)
{
	char *path;
	char *message;
	SstpFiles *files;
	GError *error = NULL;

	if (!have_nobody())
		return;
	path = write_file("shared.pem", "shared\n", 0600);
	message = copy_error("root,nobody", NM_SSTP_KEY_CA_CERT, path);
	g_assert_nonnull(strstr(message, "“nobody”"));
	g_free(message);
	message = copy_error("nobody,root", NM_SSTP_KEY_CA_CERT, path);
	g_assert_nonnull(strstr(message, "“nobody”"));
	g_free(message);

	g_assert_cmpint(chmod(path, 0644), ==, 0);
	files = files_for("root,nobody");
	g_assert_nonnull(sstp_files_copy(files, NM_SSTP_KEY_CA_CERT, path, &error));
	g_assert_no_error(error);
	sstp_files_free(files);
	g_unlink(path);
	g_free(path);
}

static void
test_unknown_user(void)
{
	NMConnection *conn = make_connection("no-such-user-sstp-test", NULL);
	GError *error = NULL;

	g_assert_null(sstp_files_new(conn, &error));
	g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
	g_test_message("%s", error->message);
	g_assert_nonnull(strstr(error->message, "no-such-user-sstp-test"));
	g_error_free(error);
	g_object_unref(conn);
}

static void
test_too_big(void)
{
	char *path = g_build_filename(files_dir, "huge.pem", NULL);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	char *message;

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(ftruncate(fd, SSTP_FILES_MAX_SIZE + 1), ==, 0);
	close(fd);
	message = copy_error(NULL, NM_SSTP_KEY_CRL_REVOCATION_FILE, path);
	g_assert_nonnull(strstr(message, "larger than"));
	g_free(message);
	g_unlink(path);
	g_free(path);
}

/* The word after `option` (asserting it is there once). */
static const char *
word_after(GPtrArray *words, const char *option)
{
	const char *found = NULL;
	guint i;

	for (i = 0; i + 1 < words->len && words->pdata[i + 1]; i++) {
		if (g_strcmp0(words->pdata[i], option) == 0) {
			g_assert_null(found);
			found = words->pdata[i + 1];
		}
	}
	g_assert_nonnull(found);
	return found;
}

static void
assert_word_is_copy(GPtrArray *words, const char *option, const char *original,
                    const char *content)
{
	const char *copy = word_after(words, option);
	char *dir = assert_private_copy(copy, original);

	assert_file_content(copy, content);
	g_free(dir);
}

/* Every file name the worker and pppd get is a private copy. */
static void
test_worker_args(void)
{
	/* Without root and nobody: a system-wide profile, read as ourselves. */
	const char *users = nobody_usable() ? "nobody" : NULL;
	char *ca = write_file("server-ca.pem", "server CA\n", 0644);
	char *eap_ca = write_file("eap-ca.crt", "EAP CA\n", 0644);
	char *cert = write_file("user.pem", "user certificate\n", 0644);
	char *key = write_file("user.key", "user key\n", 0644);
	char *crl = write_file("revoked.crl", "CRL\n", 0644);
	NMConnection *conn;
	SstpFiles *files = NULL;
	GError *error = NULL;
	GPtrArray *words;
	guint i;

	conn = make_connection(users, NM_SSTP_KEY_CONNECTION_TYPE, NM_SSTP_CONTYPE_TLS,
	                       NM_SSTP_KEY_CA_CERT, ca, NM_SSTP_KEY_TLS_CA_CERT, eap_ca,
	                       NM_SSTP_KEY_TLS_USER_CERT, cert, NM_SSTP_KEY_TLS_USER_KEY, key,
	                       NM_SSTP_KEY_CRL_REVOCATION_FILE, crl, NM_SSTP_KEY_TLS_IDENTITY, "bob",
	                       "secret:" NM_SSTP_KEY_TLS_USER_KEY_SECRET, "passphrase", NULL);
	words = sstp_files_worker_args(conn, &files, &error);
	g_assert_no_error(error);
	g_assert_nonnull(words);
	g_assert_nonnull(files);
	/* No word names an original file. */
	for (i = 0; i < words->len && words->pdata[i]; i++)
		g_assert_null(strstr(words->pdata[i], files_dir));
	assert_word_is_copy(words, "--ca-cert", ca, "server CA\n");
	assert_word_is_copy(words, "ca", eap_ca, "EAP CA\n");
	assert_word_is_copy(words, "cert", cert, "user certificate\n");
	assert_word_is_copy(words, "key", key, "user key\n");
	assert_word_is_copy(words, "crl", crl, "CRL\n");
	g_assert_cmpstr(word_after(words, "--password"), ==, "passphrase");
	g_ptr_array_unref(words);
	g_object_unref(conn);

	/* An unreadable file stops it, and no copy is left. */
	g_assert_cmpint(chmod(crl, 0000), ==, 0);
	if (!users)
		g_assert_cmpint(g_unlink(crl), ==, 0);
	conn = make_connection(users, NM_SSTP_KEY_CONNECTION_TYPE, NM_SSTP_CONTYPE_TLS,
	                       NM_SSTP_KEY_TLS_USER_CERT, cert, NM_SSTP_KEY_CRL_REVOCATION_FILE, crl,
	                       NULL);
	g_assert_null(sstp_files_worker_args(conn, &files, &error));
	g_assert_nonnull(error);
	g_test_message("%s", error->message);
	g_assert_nonnull(strstr(error->message, NM_SSTP_KEY_CRL_REVOCATION_FILE));
	g_assert_null(files);
	g_clear_error(&error);
	g_object_unref(conn);

	/* Keys the connection type does not use are not read at all. */
	conn = make_connection(users, NM_SSTP_KEY_USER, "bob", NM_SSTP_KEY_TLS_USER_KEY, crl,
	                       "secret:" NM_SSTP_KEY_PASSWORD, "x", NULL);
	words = sstp_files_worker_args(conn, &files, &error);
	g_assert_no_error(error);
	g_assert_nonnull(words);
	g_ptr_array_unref(words);
	sstp_files_free(files);
	g_object_unref(conn);

	g_unlink(ca);
	g_unlink(eap_ca);
	g_unlink(cert);
	g_unlink(key);
	g_unlink(crl);
	g_free(ca);
	g_free(eap_ca);
	g_free(cert);
	g_free(key);
	g_free(crl);
}

/* The correlation id: the uuid key when it is a GUID, else the connection's
 * UUID (what the old plugin sent); never a value that is not a GUID. */
static void
test_correlation_id(void)
{
	static const char conn_uuid[] = "2b0e6c4a-7d1f-4a8e-9c3b-5f6a7d8e9f01";
	static const struct {
		const char *key_value;   /* NULL: no uuid key */
		const char *sent;
	} cases[] = {
		{ NULL, conn_uuid },
		{ "not-a-guid", conn_uuid },
		{ "{9D5E7C1A-2B4F-4E61-8A3C-6F0D2E9B1C57}", "{9D5E7C1A-2B4F-4E61-8A3C-6F0D2E9B1C57}" },
		{ "9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57", "9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		NMConnection *conn = make_connection(NULL, NM_SSTP_KEY_USER, "bob",
		                                     "secret:" NM_SSTP_KEY_PASSWORD, "x",
		                                     cases[i].key_value ? NM_SSTP_KEY_UUID : NULL,
		                                     cases[i].key_value, NULL);
		SstpFiles *files = NULL;
		GError *error = NULL;
		GPtrArray *words;

		g_object_set(nm_connection_get_setting_connection(conn), NM_SETTING_CONNECTION_UUID,
		             conn_uuid, NULL);
		words = sstp_files_worker_args(conn, &files, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(word_after(words, "--uuid"), ==, cases[i].sent);
		g_ptr_array_unref(words);
		sstp_files_free(files);
		g_object_unref(conn);
	}
}

/* PKCS#11 URIs: no file is read for them; the relay needs pppd's OpenSSL
 * configuration (missing, or configuring engines: refused with the file's
 * name) and one user; when it starts, the worker gets --pkcs11-dir with
 * the socket and an OpenSSL configuration (root's, 0600) that names
 * p11-kit's client module. */
static char *
pkcs11_error(const char *users)
{
	NMConnection *conn = make_connection(users, "gateway", "vpn.example.com",
	                                     "connection-type", "tls", "tls-identity", "alice",
	                                     "tls-user-cert", "pkcs11:token=t;object=alice",
	                                     NULL);
	SstpFiles *files = NULL;
	GError *error = NULL;
	char *message;

	g_assert_null(sstp_files_worker_args(conn, &files, &error));
	g_assert_null(files);
	g_assert_nonnull(error);
	g_test_message("%s", error->message);
	message = g_strdup(error->message);
	g_error_free(error);
	g_object_unref(conn);
	return message;
}

static void
test_pkcs11(void)
{
	char *conf = g_build_filename(files_dir, "openssl.cnf", NULL);
	char *msg;
	NMConnection *conn;
	SstpFiles *files = NULL;
	GError *error = NULL;
	GPtrArray *words;
	char *path, *text = NULL;
	struct stat st;

	if (!have_nobody())
		return;
	g_setenv("NM_SSTP_PPPD_OPENSSL_CONF", conf, TRUE);
	msg = pkcs11_error("nobody");
	g_assert_nonnull(strstr(msg, "a PKCS#11 URI needs"));
	g_assert_nonnull(strstr(msg, conf));
	g_assert_null(strstr(msg, "cannot read it"));
	g_free(msg);
	g_assert_true(g_file_set_contents(conf, "[e]\nengines = x\n", -1, NULL));
	msg = pkcs11_error("nobody");
	g_assert_nonnull(strstr(msg, "configures OpenSSL engines"));
	g_free(msg);
	g_assert_true(g_file_set_contents(conf, "", -1, NULL));
	msg = pkcs11_error("root,nobody");
	g_assert_nonnull(strstr(msg, "lists 2 users: keep one"));
	g_free(msg);

	if (access(P11_KIT_PATH, X_OK) != 0 || access(P11_KIT_CLIENT, R_OK) != 0) {
		g_test_skip("needs p11-kit and p11-kit-modules");
	} else {
		conn = make_connection("nobody", "gateway", "vpn.example.com", "connection-type", "tls",
		                       "tls-identity", "alice", "tls-user-cert",
		                       "pkcs11:token=t;object=alice", NULL);
		words = sstp_files_worker_args(conn, &files, &error);
		g_assert_no_error(error);
		g_assert_cmpstr(g_ptr_array_index(words, 0), ==, "--pkcs11-dir");
		path = g_build_filename(g_ptr_array_index(words, 1), "p11.sock", NULL);
		g_assert_cmpint(lstat(path, &st), ==, 0);
		g_assert_true(S_ISSOCK(st.st_mode));
		g_free(path);
		path = g_build_filename(g_ptr_array_index(words, 1), "openssl.cnf", NULL);
		g_assert_cmpint(lstat(path, &st), ==, 0);
		g_assert_cmpint(st.st_mode & 07777, ==, 0600);
		g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
		g_assert_nonnull(strstr(text, "MODULE_PATH = " P11_KIT_CLIENT "\n"));
		g_free(text);
		g_free(path);
		g_ptr_array_unref(words);
		sstp_files_free(files);
		g_object_unref(conn);
	}
	g_unsetenv("NM_SSTP_PPPD_OPENSSL_CONF");
	g_unlink(conf);
	g_free(conf);
}

int
main(int argc, char **argv)
{
	int ret;

	g_test_init(&argc, &argv, NULL);
	runtime_dir = g_dir_make_tmp("test-service-run-XXXXXX", NULL);
	files_dir = g_dir_make_tmp("test-service-files-XXXXXX", NULL);
	g_assert_nonnull(runtime_dir);
	g_assert_nonnull(files_dir);
	g_assert_cmpint(chmod(files_dir, 0755), ==, 0);
	g_setenv("NM_SSTP_RUNTIME_DIR", runtime_dir, TRUE);

	g_test_add_func("/service/files/copy-system-profile", test_copy_system_profile);
	g_test_add_func("/service/files/copy-as-user", test_copy_as_user);
	g_test_add_func("/service/files/dead-service-folder", test_dead_service_folder);
	g_test_add_func("/service/files/root-only-like-missing", test_root_only_like_missing);
	g_test_add_func("/service/files/non-regular", test_non_regular);
	g_test_add_func("/service/files/symlink-swap", test_symlink_swap);
	g_test_add_func("/service/files/several-users", test_several_users);
	g_test_add_func("/service/files/unknown-user", test_unknown_user);
	g_test_add_func("/service/files/too-big", test_too_big);
	g_test_add_func("/service/files/worker-args", test_worker_args);
	g_test_add_func("/service/files/correlation-id", test_correlation_id);
	g_test_add_func("/service/files/pkcs11", test_pkcs11);
	ret = g_test_run();

	/* Both folders must be empty again: no copy was left behind. */
	g_assert_cmpint(g_rmdir(files_dir), ==, 0);
	g_assert_cmpint(g_rmdir(runtime_dir), ==, 0);
	g_free(files_dir);
	g_free(runtime_dir);
	return ret;
}
