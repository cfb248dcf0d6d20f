/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sstp-harden.h"
#include "nm-sstp-settings.h"
#include "nm-sstp-service-files.h"
#include "nm-sstp-service-log.h"
#include "nm-sstp-service-pkcs11.h"

/* The folder of every service's copies when the service is root (no
 * NM_SSTP_RUNTIME_DIR): root-only, on tmpfs. */
#define FILES_ROOT_RUNTIME_DIR "/run/nm-sstp"

/* getgrouplist() never needs more (NGROUPS_MAX of Linux). */
#define FILES_MAX_GROUPS 65536

/* How the reading child ended (its exit status). */
enum {
	FILES_CHILD_OK = 0,
	FILES_CHILD_IDENTITY = 10, /* could not take the user's identity */
	FILES_CHILD_UNREADABLE,    /* missing, or not readable by that user */
	FILES_CHILD_NOT_REGULAR,   /* FIFO, device, socket, directory */
	FILES_CHILD_TOO_BIG,
	FILES_CHILD_IO,            /* a read or write failed */
};

typedef SstpFilesUser FilesUser;

struct SstpFiles {
	GPtrArray *users; /* FilesUser; empty: read as the service (root) */
	char *dir;        /* the private folder, NULL until the first copy */
	int dir_fd;
	GPtrArray *names; /* copies in dir */
	GPtrArray *paths; /* the same, as full paths handed out */
	SstpPkcs11 *pkcs11; /* the token relay, in dir (nm-sstp-service-pkcs11.h) */
};

/* What the service read: key material, wiped before it is freed. */
typedef struct {
	guint8 *data;
	gsize len;
	gsize size;
} FilesBuf;

/*****************************************************************************/
/* Who reads */

static void
files_user_free(gpointer data)
{
	FilesUser *user = data;

	g_free(user->name);
	g_free(user->home);
	g_free(user->groups);
	g_free(user);
}

/* The user's uid, primary gid and all groups, looked up before any fork:
 * name service lookups are not async-signal-safe. */
static FilesUser *
files_user_new(const char *name, GError **error)
{
	struct passwd pw;
	struct passwd *found = NULL;
	gsize buf_size = 16384;
	char *buf = g_malloc(buf_size);
	FilesUser *user;
	int n, r;

	while ((r = getpwnam_r(name, &pw, buf, buf_size, &found)) == ERANGE && buf_size < 1024 * 1024) {
		buf_size *= 2;
		buf = g_realloc(buf, buf_size);
	}
	if (r != 0 || !found) {
		char *shown = nm_sstp_settings_escape_for_display(name);

		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("connection.permissions names the user “%s”, who does not exist here; "
		              "remove that entry or create the user"),
		            shown);
		g_free(shown);
		g_free(buf);
		return NULL;
	}

	user = g_new0(FilesUser, 1);
	user->name = g_strdup(name);
	user->home = g_strdup(pw.pw_dir);
	user->uid = pw.pw_uid;
	user->gid = pw.pw_gid;
	user->switch_ids = !(geteuid() == pw.pw_uid && getegid() == pw.pw_gid);
	g_free(buf);

	n = 32;
	user->groups = g_new(gid_t, n);
	for (;;) {
		int want = n;

		if (getgrouplist(user->name, user->gid, user->groups, &want) >= 0) {
			user->n_groups = want;
			break;
		}
		/* want is the number needed; some libcs leave it unchanged. */
		n = want > n ? want : n * 2;
		if (n > FILES_MAX_GROUPS) {
			/* The primary group alone: fewer rights, never more. */
			user->groups[0] = user->gid;
			user->n_groups = 1;
			break;
		}
		user->groups = g_renew(gid_t, user->groups, n);
	}
	return user;
}

static gboolean
files_add_users(SstpFiles *files, NMConnection *connection, GError **error)
{
	NMSettingConnection *s_con = nm_connection_get_setting_connection(connection);
	guint n = s_con ? nm_setting_connection_get_num_permissions(s_con) : 0;
	guint i;

	for (i = 0; i < n; i++) {
		const char *type = NULL;
		const char *item = NULL;
		FilesUser *user;

		if (!nm_setting_connection_get_permission(s_con, i, &type, &item, NULL) || !item)
			continue;
		if (g_strcmp0(type, "user") != 0) {
			/* Unknown today; whoever it names, reading as root would be wrong. */
			g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
			            _("connection.permissions holds an entry of type “%s”; only user "
			              "entries are supported"),
			            type ? type : "?");
			return FALSE;
		}
		user = files_user_new(item, error);
		if (!user)
			return FALSE;
		g_ptr_array_add(files->users, user);
	}
	return TRUE;
}

/*****************************************************************************/
/* The reading child. It runs after fork() in a multi-threaded process:
 * async-signal-safe calls only (no malloc, no stdio, no GLib, no name
 * service lookup). setgroups() and setres[ug]id() are plain system calls
 * here: the child has a single thread to change. */

gboolean
sstp_files_child_become(const SstpFilesUser *user)
{
	if (!user->switch_ids)
		return TRUE;
	if (setgroups((size_t) user->n_groups, user->groups) != 0)
		return FALSE;
	if (setresgid(user->gid, user->gid, user->gid) != 0)
		return FALSE;
	if (setresuid(user->uid, user->uid, user->uid) != 0)
		return FALSE;
	/* The uid change made the process dumpable again where
	 * fs.suid_dumpable says so: its memory is the service's, with the
	 * profile's secrets, and the user must not ptrace it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return TRUE;
}

/* "/proc/self/fd/N" into out (at least 32 bytes), without snprintf. */
static void
files_child_proc_path(char *out, int fd)
{
	static const char prefix[] = "/proc/self/fd/";
	char digits[12];
	size_t n = 0;
	size_t pos = sizeof(prefix) - 1;
	unsigned int v = (unsigned int) fd;

	do {
		digits[n++] = (char) ('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(digits));
	memcpy(out, prefix, pos);
	while (n > 0)
		out[pos++] = digits[--n];
	out[pos] = '\0';
}

static gboolean
files_child_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return FALSE;
		buf += n;
		len -= (size_t) n;
	}
	return TRUE;
}

static int
files_child_copy(int in_fd, int out_fd)
{
	char buf[16384];
	size_t total = 0;

	for (;;) {
		ssize_t n = read(in_fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return FILES_CHILD_IO;
		if (n == 0)
			return FILES_CHILD_OK;
		total += (size_t) n;
		if (total > SSTP_FILES_MAX_SIZE)
			return FILES_CHILD_TOO_BIG;
		if (!files_child_write_all(out_fd, buf, (size_t) n))
			return FILES_CHILD_IO;
	}
}

/* Opens path as the user (user NULL: as the service), refuses anything but
 * a regular file and writes its bytes to out_fd. The type is checked on an
 * O_PATH descriptor, which opens nothing: a FIFO cannot block us and a
 * device never sees an open(). The file is then opened for reading through
 * /proc/self/fd, which is the same inode (no second path lookup a symlink
 * could redirect) and checks the user's read permission. */
static void G_GNUC_NORETURN
files_child(const FilesUser *user, const char *path, int out_fd, pid_t service)
{
	char proc_path[32];
	struct stat st;
	int fd;
	int rfd;

	if (user && !sstp_files_child_become(user))
		_exit(FILES_CHILD_IDENTITY);
	/* Set after the identity change, which clears it: if the service dies,
	 * so does this child (a read on a hung file system could outlive it). */
	if (sstp_follow_parent(service, SIGKILL) != 0)
		_exit(FILES_CHILD_IO);

	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0)
		_exit(FILES_CHILD_UNREADABLE);
	if (!S_ISREG(st.st_mode))
		_exit(FILES_CHILD_NOT_REGULAR);
	files_child_proc_path(proc_path, fd);
	rfd = open(proc_path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (rfd < 0)
		_exit(FILES_CHILD_UNREADABLE);
	_exit(files_child_copy(rfd, out_fd));
}

/*****************************************************************************/
/* The service's side of one read */

static void
files_buf_clear(FilesBuf *buf)
{
	if (buf->data) {
		explicit_bzero(buf->data, buf->size);
		g_free(buf->data);
	}
	buf->data = NULL;
	buf->len = 0;
	buf->size = 0;
}

/* Grows by copying, so that no unwiped copy of a key is left in freed
 * memory (g_realloc would leave one). */
static void
files_buf_append(FilesBuf *buf, const guint8 *data, gsize len)
{
	if (buf->len + len > buf->size) {
		gsize size = MAX(buf->size * 2, 65536);
		guint8 *bigger;

		while (size < buf->len + len)
			size *= 2;
		bigger = g_malloc(size);
		if (buf->len)
			memcpy(bigger, buf->data, buf->len);
		if (buf->data) {
			explicit_bzero(buf->data, buf->size);
			g_free(buf->data);
		}
		buf->data = bigger;
		buf->size = size;
	}
	memcpy(buf->data + buf->len, data, len);
	buf->len += len;
}

typedef enum {
	FILES_DRAIN_EOF,
	FILES_DRAIN_TIMEOUT,
	FILES_DRAIN_TOO_BIG,
	FILES_DRAIN_ERROR,
} FilesDrain;

/* Reads the child's pipe to its end, never past the deadline. */
static FilesDrain
files_drain(int fd, FilesBuf *buf, gint64 deadline)
{
	guint8 chunk[16384];
	FilesDrain result;

	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
		ssize_t n;
		int r;

		if (left_ms <= 0) {
			result = FILES_DRAIN_TIMEOUT;
			break;
		}
		r = poll(&pfd, 1, (int) MIN(left_ms, G_MAXINT));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			result = FILES_DRAIN_TIMEOUT;
			break;
		}
		n = r > 0 ? read(fd, chunk, sizeof(chunk)) : -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			result = FILES_DRAIN_ERROR;
			break;
		}
		if (n == 0) {
			result = FILES_DRAIN_EOF;
			break;
		}
		if (buf->len + (gsize) n > SSTP_FILES_MAX_SIZE) {
			result = FILES_DRAIN_TOO_BIG;
			break;
		}
		files_buf_append(buf, chunk, (gsize) n);
	}
	explicit_bzero(chunk, sizeof(chunk));
	return result;
}

/* The child's exit status as FILES_CHILD_*, or FILES_CHILD_IO when it was
 * killed (by us after a timeout, or by the user it ran as). */
static int
files_reap(pid_t pid)
{
	int status = 0;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return FILES_CHILD_IO;
	}
	if (!WIFEXITED(status))
		return FILES_CHILD_IO;
	return WEXITSTATUS(status);
}

static void
files_set_read_error(GError **error, int child, FilesDrain drain, const FilesUser *user,
                     const char *key, const char *path)
{
	char *shown = nm_sstp_settings_escape_for_display(path);
	int code = NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS;

	if (drain == FILES_DRAIN_TIMEOUT)
		g_set_error(error, NM_VPN_PLUGIN_ERROR, code,
		            _("%s “%s” could not be read within %d seconds; choose a file on a local "
		              "disk"),
		            key, shown, SSTP_FILES_READ_SECONDS);
	else if (drain == FILES_DRAIN_TOO_BIG || child == FILES_CHILD_TOO_BIG)
		g_set_error(error, NM_VPN_PLUGIN_ERROR, code,
		            _("%s “%s” is larger than %u MiB; choose the certificate, key or list "
		              "file itself"),
		            key, shown, SSTP_FILES_MAX_SIZE / (1024u * 1024u));
	else if (child == FILES_CHILD_NOT_REGULAR)
		g_set_error(error, NM_VPN_PLUGIN_ERROR, code,
		            _("%s “%s” is not a regular file (it is a folder, FIFO, socket or "
		              "device); choose the certificate, key or list file itself"),
		            key, shown);
	else if (child == FILES_CHILD_UNREADABLE && user)
		/* The same words whether the file is missing or only root may
		 * read it: the service must not tell a user more than ls would.
		 * TRANSLATORS: a setting name (tls-user-key), a file name and a
		 * user name; the same words must fit a file that is missing. */
		g_set_error(error, NM_VPN_PLUGIN_ERROR, code,
		            _("%s “%s”: user “%s” cannot read it (it does not exist or that user "
		              "may not read it); choose a file that user can read"),
		            key, shown, user->name);
	else if (child == FILES_CHILD_UNREADABLE)
		g_set_error(error, NM_VPN_PLUGIN_ERROR, code,
		            _("%s “%s” cannot be read; check that the file exists"), key, shown);
	else if (child == FILES_CHILD_IDENTITY && user)
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("%s “%s” cannot be read as user “%s”: the service could not take that "
		              "user's identity (it has to run as root)"),
		            key, shown, user->name);
	else
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("%s “%s”: reading it failed; try again"), key, shown);
	g_free(shown);
}

/* One read of path by a child running as user (NULL: as the service). */
static gboolean
files_read_as(const FilesUser *user, const char *key, const char *path, FilesBuf *buf,
              GError **error)
{
	pid_t service = getpid();
	int fds[2];
	pid_t pid;
	FilesDrain drain;
	int child;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		int errsv = errno;

		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("cannot read %s: %s"), key, g_strerror(errsv));
		return FALSE;
	}
	pid = fork();
	if (pid < 0) {
		int errsv = errno;

		close(fds[0]);
		close(fds[1]);
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("cannot read %s: %s"), key, g_strerror(errsv));
		return FALSE;
	}
	if (pid == 0) {
		close(fds[0]);
		files_child(user, path, fds[1], service);
	}
	close(fds[1]);

	drain = files_drain(fds[0], buf, g_get_monotonic_time()
	                                     + (gint64) SSTP_FILES_READ_SECONDS * G_USEC_PER_SEC);
	close(fds[0]);
	if (drain != FILES_DRAIN_EOF)
		kill(pid, SIGKILL);
	child = files_reap(pid);
	if (drain == FILES_DRAIN_EOF && child == FILES_CHILD_OK)
		return TRUE;
	files_set_read_error(error, child, drain, user, key, path);
	files_buf_clear(buf);
	return FALSE;
}

/* Reads path as every listed user (or as the service when none is listed).
 * Each must be able to read it, and all must get the same bytes: a file
 * swapped between two reads is refused rather than taken from whichever
 * user could read it. */
static gboolean
files_read(const SstpFiles *files, const char *key, const char *path, FilesBuf *out,
           GError **error)
{
	guint i;

	if (files->users->len == 0)
		return files_read_as(NULL, key, path, out, error);
	if (!files_read_as(files->users->pdata[0], key, path, out, error))
		return FALSE;
	for (i = 1; i < files->users->len; i++) {
		FilesBuf other = {NULL, 0, 0};
		gboolean same;

		if (!files_read_as(files->users->pdata[i], key, path, &other, error)) {
			files_buf_clear(out);
			return FALSE;
		}
		same = other.len == out->len && (out->len == 0 || memcmp(other.data, out->data, out->len) == 0);
		files_buf_clear(&other);
		if (!same) {
			char *shown = nm_sstp_settings_escape_for_display(path);

			g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
			            _("%s “%s” changed while it was being read; try again"), key, shown);
			g_free(shown);
			files_buf_clear(out);
			return FALSE;
		}
	}
	return TRUE;
}

/*****************************************************************************/
/* The private folder */

static char *
files_runtime_dir(void)
{
	const char *env = g_getenv("NM_SSTP_RUNTIME_DIR");

	if (env && *env)
		return g_strdup(env);
	if (geteuid() == 0)
		return g_strdup(FILES_ROOT_RUNTIME_DIR);
	return g_build_filename(g_get_user_runtime_dir(), "nm-sstp", NULL);
}

static void
files_set_dir_error(GError **error, const char *dir, const char *why)
{
	g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
	            _("cannot make a private folder for the profile's files in %s: %s"), dir, why);
}

/* The folder that holds the activations' folders: ours, and nobody else
 * may write into it (or they could rename ours away). */
static gboolean
files_check_runtime_dir(const char *dir, GError **error)
{
	struct stat st;

	if (g_mkdir_with_parents(dir, 0700) != 0 || lstat(dir, &st) != 0) {
		files_set_dir_error(error, dir, g_strerror(errno));
		return FALSE;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		files_set_dir_error(error, dir,
		                    _("it is not a folder that only this service's user may write to"));
		return FALSE;
	}
	return TRUE;
}

/* A folder whose service died without cleaning up (SIGKILL, a crash) would
 * keep copies of a user's certificate and key, and the PKCS#11 socket, until
 * reboot. Each service holds an flock on its folder for as long as it lives
 * (the kernel drops it when the process dies, however it dies), so a folder
 * nobody holds is a dead service's: remove its files (there are no
 * subfolders) and the folder. Called with the base folder locked, so that a
 * folder just made and not yet locked is never taken for a dead one. */
static void
files_sweep_dead(int base_fd, const char *base)
{
	DIR *d;
	struct dirent *e;
	int fd = dup(base_fd);

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		int dfd;
		DIR *sub;
		struct dirent *f;

		if (!g_str_has_prefix(e->d_name, "files-") || strlen(e->d_name) != strlen("files-XXXXXX"))
			continue;
		dfd = openat(base_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dfd < 0)
			continue;
		if (flock(dfd, LOCK_EX | LOCK_NB) != 0) {
			close(dfd);
			continue;
		}
		sub = fdopendir(dfd);
		if (!sub) {
			close(dfd);
			continue;
		}
		while ((f = readdir(sub))) {
			if (strcmp(f->d_name, ".") != 0 && strcmp(f->d_name, "..") != 0)
				unlinkat(dfd, f->d_name, 0);
		}
		closedir(sub);
		if (unlinkat(base_fd, e->d_name, AT_REMOVEDIR) == 0)
			sstp_log(LOG_INFO, "removed %s/%s, left by a service that ended without cleaning up",
			         base, e->d_name);
		else
			sstp_log(LOG_WARNING, "cannot remove %s/%s, left by a service that ended: %s", base,
			         e->d_name, g_strerror(errno));
	}
	closedir(d);
}

static gboolean
files_make_dir(SstpFiles *files, GError **error)
{
	char *base;
	char *dir = NULL;
	int base_fd;

	if (files->dir)
		return TRUE;
	base = files_runtime_dir();
	if (!files_check_runtime_dir(base, error)) {
		g_free(base);
		return FALSE;
	}
	base_fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (base_fd < 0 || flock(base_fd, LOCK_EX) != 0) {
		files_set_dir_error(error, base, g_strerror(errno));
		goto out;
	}
	files_sweep_dead(base_fd, base);
	dir = g_build_filename(base, "files-XXXXXX", NULL);
	if (!g_mkdtemp_full(dir, 0700)) {
		files_set_dir_error(error, base, g_strerror(errno));
		goto out;
	}
	files->dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* Held until the service ends (see files_sweep_dead()). */
	if (files->dir_fd < 0 || flock(files->dir_fd, LOCK_EX | LOCK_NB) != 0) {
		files_set_dir_error(error, dir, g_strerror(errno));
		if (files->dir_fd >= 0)
			close(files->dir_fd);
		files->dir_fd = -1;
		g_rmdir(dir);
		goto out;
	}
	files->dir = g_steal_pointer(&dir);
out:
	if (base_fd >= 0)
		close(base_fd);
	g_free(dir);
	g_free(base);
	return files->dir != NULL;
}

/* The copy's name: the key, plus the original's extension when it looks
 * like one (".p12" chooses pppd's pkcs12 option, see the settings table). */
static char *
files_copy_name(const char *key, const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	gsize i, ext_len;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base)
		return g_strdup(key);
	ext_len = strlen(dot + 1);
	if (ext_len == 0 || ext_len > 8)
		return g_strdup(key);
	for (i = 1; i <= ext_len; i++) {
		if (!g_ascii_isalnum(dot[i]))
			return g_strdup(key);
	}
	return g_strconcat(key, dot, NULL);
}

static gboolean
files_write_copy(SstpFiles *files, const char *name, const FilesBuf *buf, GError **error)
{
	gsize off = 0;
	int errsv = 0;
	int fd;

	fd = openat(files->dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		errsv = errno;
	while (fd >= 0 && errsv == 0 && off < buf->len) {
		ssize_t n = write(fd, buf->data + off, buf->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			errsv = n < 0 ? errno : EIO;
		else
			off += (gsize) n;
	}
	if (fd >= 0 && close(fd) != 0 && errsv == 0)
		errsv = errno;
	if (errsv == 0)
		return TRUE;
	if (fd >= 0)
		unlinkat(files->dir_fd, name, 0);
	g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
	            _("cannot keep a private copy of %s in %s: %s"), name, files->dir,
	            g_strerror(errsv));
	return FALSE;
}

/*****************************************************************************/

SstpFiles *
sstp_files_new(NMConnection *connection, GError **error)
{
	SstpFiles *files = g_new0(SstpFiles, 1);

	files->users = g_ptr_array_new_with_free_func(files_user_free);
	files->names = g_ptr_array_new_with_free_func(g_free);
	files->paths = g_ptr_array_new_with_free_func(g_free);
	files->dir_fd = -1;
	if (!files_add_users(files, connection, error)) {
		sstp_files_free(files);
		return NULL;
	}
	return files;
}

const char *
sstp_files_copy(SstpFiles *files, const char *key, const char *path, GError **error)
{
	FilesBuf buf = {NULL, 0, 0};
	char *name;
	gboolean ok;

	g_return_val_if_fail(files && key && path, NULL);
	if (!files_read(files, key, path, &buf, error))
		return NULL;
	name = files_copy_name(key, path);
	ok = files_make_dir(files, error) && files_write_copy(files, name, &buf, error);
	files_buf_clear(&buf);
	if (!ok) {
		g_free(name);
		return NULL;
	}
	g_ptr_array_add(files->paths, g_build_filename(files->dir, name, NULL));
	g_ptr_array_add(files->names, name);
	return g_ptr_array_index(files->paths, files->paths->len - 1);
}

const char *
sstp_files_dir(SstpFiles *files, GError **error)
{
	g_return_val_if_fail(files, NULL);
	return files_make_dir(files, error) ? files->dir : NULL;
}

gboolean
sstp_files_one_user(const SstpFiles *files, const SstpFilesUser **user, GError **error)
{
	g_return_val_if_fail(files && user, FALSE);
	*user = NULL;
	if (files->users->len == 0)
		return TRUE;
	if (files->users->len == 1) {
		*user = g_ptr_array_index(files->users, 0);
		return TRUE;
	}
	g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
	            _("a PKCS#11 token is used as the one user the profile belongs to, but "
	              "connection.permissions lists %u users: keep one"),
	            files->users->len);
	return FALSE;
}

void
sstp_files_free(SstpFiles *files)
{
	guint i;

	if (!files)
		return;
	/* Its socket and configuration are in dir. */
	g_clear_pointer(&files->pkcs11, sstp_pkcs11_free);
	for (i = 0; files->dir_fd >= 0 && i < files->names->len; i++)
		unlinkat(files->dir_fd, g_ptr_array_index(files->names, i), 0);
	/* Removed while still locked: unlocked, another service would take it
	 * for a dead one's (files_sweep_dead()). */
	if (files->dir && g_rmdir(files->dir) != 0)
		sstp_log(LOG_WARNING, "cannot remove the folder of private copies %s: %s", files->dir,
		         g_strerror(errno));
	if (files->dir_fd >= 0)
		close(files->dir_fd);
	g_free(files->dir);
	g_ptr_array_unref(files->users);
	g_ptr_array_unref(files->names);
	g_ptr_array_unref(files->paths);
	g_free(files);
}

/* In `out` (a duplicate of s_vpn), every file name that reaches the worker
 * or pppd becomes the name of a private copy. */
static gboolean
files_replace_paths(SstpFiles *files, NMSettingVpn *s_vpn, NMSettingVpn *out, GError **error)
{
	const NMSstpKey *keys;
	gsize n, i;

	keys = nm_sstp_settings_keys(&n);
	for (i = 0; i < n; i++) {
		const NMSstpKey *k = &keys[i];
		const char *raw;
		const char *copy;
		char *path = NULL;

		if (k->type != NM_SSTP_KEY_PATH || !nm_sstp_settings_key_used(s_vpn, k))
			continue;
		raw = nm_sstp_settings_get(s_vpn, k->name);
		/* Paths may be stored in NetworkManager's utf8safe escaping. */
		if (!raw || !nm_sstp_settings_normalize_value(k->name, raw, &path, NULL) || !path)
			continue;
		/* A token's object is no file: reached through the PKCS#11 relay
		 * (nm-sstp-service-pkcs11.h), as the same user. */
		if (nm_sstp_settings_is_pkcs11_uri(path)) {
			g_free(path);
			continue;
		}
		copy = sstp_files_copy(files, k->name, path, error);
		g_free(path);
		if (!copy)
			return FALSE;
		if (k->legacy_alias)
			nm_setting_vpn_remove_data_item(out, k->legacy_alias);
		nm_setting_vpn_add_data_item(out, k->name, copy);
	}
	return TRUE;
}

static gboolean
files_is_guid(const char *v)
{
	char inner[37];
	size_t len = strlen(v);

	if (len == 38 && v[0] == '{' && v[37] == '}')
		v++;
	else if (len != 36)
		return FALSE;
	memcpy(inner, v, 36);
	inner[36] = '\0';
	return g_uuid_string_is_valid(inner);
}

/* The old plugin sent the connection's UUID as the SSTP correlation id, and a
 * stable id lets the server's administrator find this user's sessions: a
 * uuid key that holds a GUID is sent, else the connection's UUID. */
static void
files_set_correlation_id(NMConnection *connection, NMSettingVpn *copied)
{
	const char *v = nm_setting_vpn_get_data_item(copied, NM_SSTP_KEY_UUID);
	const char *uuid = nm_connection_get_uuid(connection);

	if (v && files_is_guid(v))
		return;
	if (v && *v)
		sstp_log(LOG_WARNING, "the uuid setting is not a GUID; the connection's UUID is sent "
		         "as the correlation id instead");
	if (uuid && files_is_guid(uuid))
		nm_setting_vpn_add_data_item(copied, NM_SSTP_KEY_UUID, uuid);
	else
		nm_setting_vpn_remove_data_item(copied, NM_SSTP_KEY_UUID);
}

GPtrArray *
sstp_files_worker_args(NMConnection *connection, SstpFiles **files, GError **error)
{
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(connection);
	NMSettingVpn *copied;
	GPtrArray *words = NULL;
	GError *local = NULL;

	g_clear_pointer(files, sstp_files_free);
	if (!s_vpn) {
		g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
		                    _("the connection has no VPN setting"));
		return NULL;
	}
	/* No file is read for a setting that is refused anyway. */
	if (!nm_sstp_settings_validate(s_vpn, NULL, NULL, error))
		return NULL;
	*files = sstp_files_new(connection, &local);
	if (*files) {
		copied = NM_SETTING_VPN(nm_setting_duplicate(NM_SETTING(s_vpn)));
		files_set_correlation_id(connection, copied);
		if (files_replace_paths(*files, s_vpn, copied, &local))
			words = nm_sstp_settings_worker_args(copied, TRUE, &local);
		if (words && nm_sstp_settings_uses_pkcs11(s_vpn)) {
			(*files)->pkcs11 = sstp_pkcs11_start(*files, s_vpn, &local);
			if ((*files)->pkcs11) {
				g_ptr_array_insert(words, 0, g_strdup("--pkcs11-dir"));
				g_ptr_array_insert(words, 1,
				                   g_strdup(sstp_pkcs11_dir((*files)->pkcs11)));
			} else {
				g_clear_pointer(&words, g_ptr_array_unref);
			}
		}
		g_object_unref(copied);
	}
	if (!words) {
		sstp_log(LOG_WARNING, "cannot start the tunnel: %s", local->message);
		g_propagate_error(error, local);
		g_clear_pointer(files, sstp_files_free);
	}
	return words;
}
