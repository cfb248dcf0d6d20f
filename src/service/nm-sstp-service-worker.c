/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "sstp-harden.h"
#include "nm-sstp-service-log.h"
#include "nm-sstp-service-worker.h"

/* Target descriptor numbers in the worker (docs/architecture.md). */
#define SSTP_WORKER_OPTIONS_FD 3
#define SSTP_WORKER_STATUS_FD  4

struct SstpWorker {
	GSubprocess *process;
	GCancellable *cancellable;  /* cancels the wait when the worker is freed early */
	char pid_string[24];

	int status_fd;              /* read end of the status pipe, -1 when closed */
	guint status_source;
	struct sstp_ipc_splitter splitter;

	guint kill_source;
	gboolean stopping;
	gboolean exited;

	char *error_message;
	int error_code;

	SstpWorkerCallbacks callbacks;
	gpointer user_data;
};

void
sstp_worker_wipe_words(GPtrArray *words)
{
	guint i;

	if (!words)
		return;
	for (i = 0; i < words->len; i++) {
		char *word = g_ptr_array_index(words, i);

		if (word)
			explicit_bzero(word, strlen(word));
	}
}

/* Runs in the child between fork and exec: async-signal-safe calls only.
 * If the service dies, the worker gets SIGTERM and disconnects cleanly
 * instead of keeping an unsupervised tunnel up; if it died already
 * (user_data: its pid, saved before the fork), no worker starts. */
static void
sstp_worker_child_setup(gpointer user_data)
{
	pid_t service = (pid_t) GPOINTER_TO_INT(user_data);

	if (sstp_follow_parent(service, SIGTERM) != 0)
		_exit(SSTP_WORKER_ORPHAN_EXIT);
}

/* Moves fd to a number >= 10 so that the launcher's dup2() onto 3 and 4
 * cannot overwrite a descriptor it still has to map. */
static int
sstp_worker_fd_high(int fd, GError **error)
{
	int high;

	if (fd >= 10)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	if (high < 0) {
		int errsv = errno;

		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv),
		            "cannot duplicate a pipe descriptor: %s", g_strerror(errsv));
		close(fd);
		return -1;
	}
	close(fd);
	return high;
}

/* Writes the whole options stream into the pipe before the worker starts:
 * the pipe is sized to hold it, so the write can never block and no
 * SIGPIPE is possible (the read end is still open here). */
static gboolean
sstp_worker_write_options(int fd, const GPtrArray *words, GError **error)
{
	gsize total = 0;
	gsize off = 0;
	char *buf;
	guint i;
	int capacity;
	gboolean ok = TRUE;

	for (i = 0; i < words->len && g_ptr_array_index(words, i); i++)
		total += strlen(g_ptr_array_index(words, i)) + 1;

	capacity = fcntl(fd, F_GETPIPE_SZ);
	if (capacity >= 0 && (gsize) capacity < total && total <= G_MAXINT)
		capacity = fcntl(fd, F_SETPIPE_SZ, (int) total);
	if (capacity < 0 || (gsize) capacity < total) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
		            "the worker options (%" G_GSIZE_FORMAT " bytes) do not fit into a pipe",
		            total);
		return FALSE;
	}
	if (fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
		int errsv = errno;

		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv),
		            "cannot set up the options pipe: %s", g_strerror(errsv));
		return FALSE;
	}

	buf = g_malloc(total + 1);
	for (i = 0; i < words->len && g_ptr_array_index(words, i); i++) {
		const char *word = g_ptr_array_index(words, i);
		gsize len = strlen(word) + 1;

		memcpy(buf + off, word, len);
		off += len;
	}

	off = 0;
	while (off < total) {
		ssize_t n = write(fd, buf + off, total - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int errsv = n < 0 ? errno : EIO;

			g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errsv),
			            "cannot write the worker options: %s", g_strerror(errsv));
			ok = FALSE;
			break;
		}
		off += (gsize) n;
	}
	explicit_bzero(buf, total);
	g_free(buf);
	return ok;
}

static void
sstp_worker_dispatch(SstpWorker *worker, const char *data, size_t len)
{
	struct sstp_ipc_msg *msg = NULL;

	while (len > 0) {
		const char *msg_data;
		size_t msg_len = 0;
		size_t consumed = 0;
		enum sstp_ipc_split_result r;
		const char *why = NULL;

		r = sstp_ipc_splitter_feed(&worker->splitter, data, len, &consumed, &msg_data, &msg_len);
		data += consumed;
		len -= consumed;

		if (r == SSTP_IPC_SPLIT_OVERSIZED) {
			sstp_log(LOG_WARNING, "nm-sstp-tunnel sent an oversized status message; skipped");
			continue;
		}
		if (r != SSTP_IPC_SPLIT_MESSAGE) {
			if (consumed == 0)
				break;
			continue;
		}

		if (!msg)
			msg = g_new(struct sstp_ipc_msg, 1);
		if (sstp_ipc_parse(msg_data, msg_len, msg, &why) < 0) {
			sstp_log(LOG_WARNING, "nm-sstp-tunnel sent a malformed status message (%s); skipped",
			         why ? why : "?");
			continue;
		}

		if (strcmp(msg->type, "error") == 0) {
			const char *message = sstp_ipc_get(msg, "message");
			const char *code = sstp_ipc_get(msg, "code");
			guint64 value;

			g_free(worker->error_message);
			worker->error_message = g_strdup(message);
			if (code && g_ascii_string_to_unsigned(code, 10, 0, 255, &value, NULL))
				worker->error_code = (int) value;
		}
		if (worker->callbacks.message)
			worker->callbacks.message(worker, msg, worker->user_data);
	}
	g_free(msg);
}

static void
sstp_worker_close_status(SstpWorker *worker)
{
	if (worker->status_source) {
		g_source_remove(worker->status_source);
		worker->status_source = 0;
	}
	if (worker->status_fd >= 0) {
		close(worker->status_fd);
		worker->status_fd = -1;
	}
}

/* Reads what is available; FALSE once the pipe is at its end or broken. */
static gboolean
sstp_worker_read_status(SstpWorker *worker)
{
	char buf[4096];

	for (;;) {
		ssize_t n = read(worker->status_fd, buf, sizeof(buf));

		if (n > 0) {
			sstp_worker_dispatch(worker, buf, (size_t) n);
			if (worker->status_fd < 0)
				return FALSE;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return TRUE;
		if (n < 0)
			sstp_log(LOG_WARNING, "cannot read the status pipe of nm-sstp-tunnel: %s",
			         g_strerror(errno));
		return FALSE;
	}
}

static gboolean
sstp_worker_status_cb(int fd, GIOCondition condition, gpointer user_data)
{
	SstpWorker *worker = user_data;

	(void) fd;
	(void) condition;
	if (sstp_worker_read_status(worker))
		return G_SOURCE_CONTINUE;

	/* The source is removed by returning G_SOURCE_REMOVE. */
	worker->status_source = 0;
	close(worker->status_fd);
	worker->status_fd = -1;
	return G_SOURCE_REMOVE;
}

static gboolean
sstp_worker_kill_cb(gpointer user_data)
{
	SstpWorker *worker = user_data;

	worker->kill_source = 0;
	sstp_log(LOG_WARNING, "nm-sstp-tunnel (pid %s) did not end after SIGTERM; killing it",
	         worker->pid_string);
	g_subprocess_force_exit(worker->process);
	return G_SOURCE_REMOVE;
}

static void
sstp_worker_wait_cb(GObject *source, GAsyncResult *result, gpointer user_data)
{
	GError *error = NULL;
	SstpWorker *worker;
	int exit_status = -1;
	int term_sig = 0;

	if (!g_subprocess_wait_finish(G_SUBPROCESS(source), result, &error)) {
		/* Cancelled: the worker has been freed, user_data is gone. */
		g_error_free(error);
		return;
	}
	worker = user_data;
	worker->exited = TRUE;
	if (worker->kill_source) {
		g_source_remove(worker->kill_source);
		worker->kill_source = 0;
	}

	if (g_subprocess_get_if_exited(worker->process))
		exit_status = g_subprocess_get_exit_status(worker->process);
	else if (g_subprocess_get_if_signaled(worker->process))
		term_sig = g_subprocess_get_term_sig(worker->process);

	/* The last messages (the error message above all) may still be in
	 * the pipe: read them before telling anyone about the exit. Only
	 * what is there now: a grandchild holding the write end must not
	 * make us wait. */
	if (worker->status_fd >= 0)
		sstp_worker_read_status(worker);
	sstp_worker_close_status(worker);

	if (term_sig)
		sstp_log(LOG_INFO, "nm-sstp-tunnel (pid %s) was killed by signal %d", worker->pid_string,
		         term_sig);
	else
		sstp_log(LOG_INFO, "nm-sstp-tunnel (pid %s) exited with status %d", worker->pid_string,
		         exit_status);
	g_strlcpy(worker->pid_string, "-", sizeof(worker->pid_string));

	/* Last statement: the callee may free the worker. */
	worker->callbacks.exited(worker, exit_status, term_sig, worker->user_data);
}

SstpWorker *
sstp_worker_start(const char *path, const GPtrArray *words, gboolean debug,
                  const SstpWorkerCallbacks *callbacks, gpointer user_data, GError **error)
{
	SstpWorker *worker;
	GSubprocessLauncher *launcher;
	int options_pipe[2];
	int status_pipe[2];
	const char *argv[8];
	int argc = 0;
	const char *identifier;

	g_return_val_if_fail(callbacks && callbacks->exited, NULL);

	if (!g_unix_open_pipe(options_pipe, FD_CLOEXEC, error))
		return NULL;
	if (!g_unix_open_pipe(status_pipe, FD_CLOEXEC, error)) {
		close(options_pipe[0]);
		close(options_pipe[1]);
		return NULL;
	}

	if (!sstp_worker_write_options(options_pipe[1], words, error)) {
		close(options_pipe[0]);
		close(options_pipe[1]);
		close(status_pipe[0]);
		close(status_pipe[1]);
		return NULL;
	}
	/* The worker reads to end-of-file: close our write end now. */
	close(options_pipe[1]);

	options_pipe[0] = sstp_worker_fd_high(options_pipe[0], error);
	if (options_pipe[0] < 0) {
		close(status_pipe[0]);
		close(status_pipe[1]);
		return NULL;
	}
	status_pipe[1] = sstp_worker_fd_high(status_pipe[1], error);
	if (status_pipe[1] < 0) {
		close(options_pipe[0]);
		close(status_pipe[0]);
		return NULL;
	}

	argv[argc++] = path;
	argv[argc++] = "--options-fd";
	argv[argc++] = G_STRINGIFY(SSTP_WORKER_OPTIONS_FD);
	argv[argc++] = "--status-fd";
	argv[argc++] = G_STRINGIFY(SSTP_WORKER_STATUS_FD);
	if (debug)
		argv[argc++] = "--debug";
	argv[argc] = NULL;

	/* stdin is /dev/null, stdout and stderr are the service's (they end
	 * up in NetworkManager's log). The launcher owns both pipe ends from
	 * here on and closes them in this process when it is freed. */
	launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
	g_subprocess_launcher_take_fd(launcher, options_pipe[0], SSTP_WORKER_OPTIONS_FD);
	g_subprocess_launcher_take_fd(launcher, status_pipe[1], SSTP_WORKER_STATUS_FD);
	g_subprocess_launcher_set_child_setup(launcher, sstp_worker_child_setup,
	                                      GINT_TO_POINTER((gint) getpid()), NULL);

	worker = g_new0(SstpWorker, 1);
	worker->status_fd = status_pipe[0];
	worker->error_code = -1;
	worker->callbacks = *callbacks;
	worker->user_data = user_data;
	sstp_ipc_splitter_init(&worker->splitter);

	worker->process = g_subprocess_launcher_spawnv(launcher, argv, error);
	g_object_unref(launcher);
	if (!worker->process) {
		close(worker->status_fd);
		g_free(worker);
		return NULL;
	}

	identifier = g_subprocess_get_identifier(worker->process);
	g_strlcpy(worker->pid_string, identifier ? identifier : "?", sizeof(worker->pid_string));
	sstp_log(LOG_INFO, "started %s (pid %s)", path, worker->pid_string);

	g_unix_set_fd_nonblocking(worker->status_fd, TRUE, NULL);
	worker->status_source = g_unix_fd_add(worker->status_fd, G_IO_IN | G_IO_HUP | G_IO_ERR,
	                                      sstp_worker_status_cb, worker);

	worker->cancellable = g_cancellable_new();
	g_subprocess_wait_async(worker->process, worker->cancellable, sstp_worker_wait_cb, worker);
	return worker;
}

void
sstp_worker_stop(SstpWorker *worker, guint grace_seconds)
{
	if (worker->exited || worker->stopping)
		return;
	worker->stopping = TRUE;
	sstp_log(LOG_INFO, "stopping nm-sstp-tunnel (pid %s)", worker->pid_string);
	g_subprocess_send_signal(worker->process, SIGTERM);
	worker->kill_source = g_timeout_add_seconds(grace_seconds, sstp_worker_kill_cb, worker);
}

gboolean
sstp_worker_has_exited(const SstpWorker *worker)
{
	return worker->exited;
}

gboolean
sstp_worker_is_stopping(const SstpWorker *worker)
{
	return worker->stopping;
}

const char *
sstp_worker_get_pid_string(const SstpWorker *worker)
{
	return worker->pid_string;
}

const char *
sstp_worker_get_error_message(const SstpWorker *worker)
{
	return worker->error_message;
}

int
sstp_worker_get_error_code(const SstpWorker *worker)
{
	return worker->error_code;
}

void
sstp_worker_free(SstpWorker *worker)
{
	if (!worker)
		return;
	if (!worker->exited) {
		g_cancellable_cancel(worker->cancellable);
		g_subprocess_force_exit(worker->process);
	}
	if (worker->kill_source)
		g_source_remove(worker->kill_source);
	sstp_worker_close_status(worker);
	g_clear_object(&worker->cancellable);
	g_clear_object(&worker->process);
	g_free(worker->error_message);
	g_free(worker);
}
