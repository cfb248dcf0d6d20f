/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One nm-sstp-tunnel process, as the service runs it
 * (docs/architecture.md):
 *   argv: PATH --options-fd 3 --status-fd 4 [--debug]    (no setting, no secret)
 *   fd 3: a pipe holding every option and secret as NUL-terminated words,
 *         written completely and closed before the process starts
 *   fd 4: the status pipe; its messages are parsed with sstp-ipc and handed
 *         to the owner one by one
 * The process is watched with GSubprocess, whose signalling is race-free:
 * once the child has been reaped it is never signalled, so a reused PID is
 * never hit.
 */
#ifndef NM_SSTP_SERVICE_WORKER_H
#define NM_SSTP_SERVICE_WORKER_H

#include <glib.h>

#include "sstp-ipc.h"

typedef struct SstpWorker SstpWorker;

/* Exit status of a child whose service died between fork() and the
 * PR_SET_PDEATHSIG that would have told it: it exits before exec instead
 * of starting an unsupervised worker. */
#define SSTP_WORKER_ORPHAN_EXIT 125

typedef struct {
	/* One status message (error messages too; they are also remembered,
	 * see sstp_worker_get_error_message()). */
	void (*message)(SstpWorker *worker, const struct sstp_ipc_msg *msg, gpointer user_data);
	/* The process has ended and been reaped, and the status pipe has been
	 * read to its end. exit_status is the exit code, or -1 when the process
	 * was killed by signal term_sig. Called once; the callee may free the
	 * worker. */
	void (*exited)(SstpWorker *worker, int exit_status, int term_sig, gpointer user_data);
} SstpWorkerCallbacks;

/* words: the options stream, a GPtrArray of strings (a trailing NULL
 * element is allowed). Nothing in words reaches argv, the environment or a
 * log; the caller still owns and wipes them (sstp_worker_wipe_words()). */
SstpWorker *sstp_worker_start(const char *path, const GPtrArray *words, gboolean debug,
                              const SstpWorkerCallbacks *callbacks, gpointer user_data,
                              GError **error);

/* Asks the worker to end (SIGTERM: it sends Call Disconnect and waits for
 * the server's ack), and kills it (SIGKILL) if it is still there after
 * grace_seconds. Does nothing once the process has exited or a stop is
 * already under way. */
void sstp_worker_stop(SstpWorker *worker, guint grace_seconds);

gboolean sstp_worker_has_exited(const SstpWorker *worker);
gboolean sstp_worker_is_stopping(const SstpWorker *worker);

/* The process id as text for logs, or "-" once it has exited. */
const char *sstp_worker_get_pid_string(const SstpWorker *worker);

/* The last "error" status message: its text (NULL if none came) and code
 * (-1 if none). */
const char *sstp_worker_get_error_message(const SstpWorker *worker);
int sstp_worker_get_error_code(const SstpWorker *worker);

/* Frees the worker. If the process is still running it is killed and
 * reaped by GLib in the background; no callback is called any more. */
void sstp_worker_free(SstpWorker *worker);

/* Overwrites every word with zeros (they may hold passwords). */
void sstp_worker_wipe_words(GPtrArray *words);

#endif
