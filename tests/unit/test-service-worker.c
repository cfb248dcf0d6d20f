/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The worker supervision of nm-sstp-service (src/service/nm-sstp-service-worker.c)
 * with a small shell stand-in (test-service-worker-helper.sh) that echoes
 * what it received: argv carries only the descriptor options, the options
 * stream arrives whole on fd 3 and ends (EOF), status messages come back on
 * fd 4 and the error message is there when the exit is reported; SIGTERM,
 * and SIGKILL after the grace period. The real nm-sstp-tunnel is driven by
 * test-service-dbus.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib.h>

#include "nm-sstp-service-log.h"
#include "nm-sstp-service-worker.h"

typedef struct {
	GMainLoop *loop;
	GPtrArray *args;
	GPtrArray *opts;
	GPtrArray *types;
	gboolean exited;
	int exit_status;
	int term_sig;
	char *error_at_exit;
	int code_at_exit;
	guint grace;        /* stop tests: seconds between SIGTERM and SIGKILL */
} Fixture;

static char *
helper_path(void)
{
	const char *srcdir = g_getenv("top_srcdir");

	return g_build_filename(srcdir ? srcdir : ".", "tests", "unit",
	                        "test-service-worker-helper.sh", NULL);
}

static void
on_message(SstpWorker *worker, const struct sstp_ipc_msg *msg, gpointer user_data)
{
	Fixture *f = user_data;
	size_t i;

	(void) worker;
	g_ptr_array_add(f->types, g_strdup(msg->type));
	if (strcmp(msg->type, "report") != 0)
		return;
	for (i = 0; i < msg->n_fields; i++) {
		if (strcmp(msg->keys[i], "arg") == 0)
			g_ptr_array_add(f->args, g_strdup(msg->values[i]));
		else if (strcmp(msg->keys[i], "opt") == 0)
			g_ptr_array_add(f->opts, g_strdup(msg->values[i]));
	}
}

static void
on_exited(SstpWorker *worker, int exit_status, int term_sig, gpointer user_data)
{
	Fixture *f = user_data;

	f->exited = TRUE;
	f->exit_status = exit_status;
	f->term_sig = term_sig;
	f->error_at_exit = g_strdup(sstp_worker_get_error_message(worker));
	f->code_at_exit = sstp_worker_get_error_code(worker);
	g_assert_true(sstp_worker_has_exited(worker));
	g_main_loop_quit(f->loop);
}

static const SstpWorkerCallbacks callbacks = {
	.message = on_message,
	.exited = on_exited,
};

static gboolean
on_hang(gpointer user_data)
{
	(void) user_data;
	g_error("the worker test hangs: no exit reported within 60 s");
	return G_SOURCE_REMOVE;
}

static void
fixture_init(Fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->loop = g_main_loop_new(NULL, FALSE);
	f->args = g_ptr_array_new_with_free_func(g_free);
	f->opts = g_ptr_array_new_with_free_func(g_free);
	f->types = g_ptr_array_new_with_free_func(g_free);
	f->code_at_exit = -2;
}

static void
fixture_clear(Fixture *f)
{
	g_main_loop_unref(f->loop);
	g_ptr_array_unref(f->args);
	g_ptr_array_unref(f->opts);
	g_ptr_array_unref(f->types);
	g_free(f->error_at_exit);
}

static GPtrArray *
words_new(const char *first, ...)
{
	GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
	const char *w;
	va_list ap;

	va_start(ap, first);
	for (w = first; w; w = va_arg(ap, const char *))
		g_ptr_array_add(words, g_strdup(w));
	va_end(ap);
	g_ptr_array_add(words, NULL); /* as nm_sstp_settings_worker_args() returns them */
	return words;
}

static gboolean
has_type(Fixture *f, const char *type)
{
	guint i;

	for (i = 0; i < f->types->len; i++) {
		if (strcmp(g_ptr_array_index(f->types, i), type) == 0)
			return TRUE;
	}
	return FALSE;
}

static void
test_plumbing(void)
{
	Fixture f;
	GPtrArray *words = words_new("report", "--password", "s3cret with spaces", "vpn.example.com",
	                             "--", "refuse-eap", NULL);
	char *path = helper_path();
	GError *error = NULL;
	SstpWorker *worker;
	guint hang;

	fixture_init(&f);
	worker = sstp_worker_start(path, words, TRUE, &callbacks, &f, &error);
	g_assert_no_error(error);
	g_assert_nonnull(worker);
	hang = g_timeout_add_seconds(60, on_hang, NULL);
	g_main_loop_run(f.loop);
	g_source_remove(hang);

	/* argv: the descriptors and --debug, nothing from the options */
	g_assert_cmpuint(f.args->len, ==, 5);
	g_assert_cmpstr(g_ptr_array_index(f.args, 0), ==, "--options-fd");
	g_assert_cmpstr(g_ptr_array_index(f.args, 1), ==, "3");
	g_assert_cmpstr(g_ptr_array_index(f.args, 2), ==, "--status-fd");
	g_assert_cmpstr(g_ptr_array_index(f.args, 3), ==, "4");
	g_assert_cmpstr(g_ptr_array_index(f.args, 4), ==, "--debug");

	/* fd 3: every word, in order, and then end-of-file (else tr would
	 * never have finished) */
	g_assert_cmpuint(f.opts->len, ==, 6);
	g_assert_cmpstr(g_ptr_array_index(f.opts, 0), ==, "report");
	g_assert_cmpstr(g_ptr_array_index(f.opts, 1), ==, "--password");
	g_assert_cmpstr(g_ptr_array_index(f.opts, 2), ==, "s3cret with spaces");
	g_assert_cmpstr(g_ptr_array_index(f.opts, 3), ==, "vpn.example.com");
	g_assert_cmpstr(g_ptr_array_index(f.opts, 5), ==, "refuse-eap");

	/* the error message written just before exit is known at exit */
	g_assert_true(f.exited);
	g_assert_cmpint(f.exit_status, ==, 6);
	g_assert_cmpint(f.term_sig, ==, 0);
	g_assert_cmpstr(f.error_at_exit, ==, "authentication refused by the test helper");
	g_assert_cmpint(f.code_at_exit, ==, 6);
	g_assert_true(has_type(&f, "error"));

	sstp_worker_wipe_words(words);
	g_assert_cmpmem(g_ptr_array_index(words, 2), 18, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 18);

	sstp_worker_free(worker);
	g_ptr_array_unref(words);
	g_free(path);
	fixture_clear(&f);
}

static void
on_state_stop(SstpWorker *worker, const struct sstp_ipc_msg *msg, gpointer user_data)
{
	Fixture *f = user_data;

	on_message(worker, msg, user_data);
	/* The helper has set up its trap once it talks. */
	if (strcmp(msg->type, "state") == 0)
		sstp_worker_stop(worker, f->grace);
}

static const SstpWorkerCallbacks stop_callbacks = {
	.message = on_state_stop,
	.exited = on_exited,
};

static void
run_stop(const char *mode, guint grace, int *out_status, int *out_sig)
{
	Fixture f;
	GPtrArray *words = words_new(mode, NULL);
	char *path = helper_path();
	GError *error = NULL;
	SstpWorker *worker;
	guint hang;

	fixture_init(&f);
	f.grace = grace;
	worker = sstp_worker_start(path, words, FALSE, &stop_callbacks, &f, &error);
	g_assert_no_error(error);
	hang = g_timeout_add_seconds(60, on_hang, NULL);
	g_main_loop_run(f.loop);
	g_source_remove(hang);

	g_assert_true(f.exited);
	g_assert_true(has_type(&f, "state"));
	g_assert_true(sstp_worker_is_stopping(worker));
	g_assert_cmpstr(sstp_worker_get_pid_string(worker), ==, "-");
	/* no error message came, none is invented */
	g_assert_null(f.error_at_exit);
	g_assert_cmpint(f.code_at_exit, ==, -1);
	*out_status = f.exit_status;
	*out_sig = f.term_sig;

	/* stopping an exited worker does nothing (no signal to a stale pid) */
	sstp_worker_stop(worker, 1);
	sstp_worker_free(worker);
	g_ptr_array_unref(words);
	g_free(path);
	fixture_clear(&f);
}

/* SIGTERM is enough for a worker that handles it. */
static void
test_stop_term(void)
{
	int status = -2, sig = -2;

	run_stop("term", 30, &status, &sig);
	g_assert_cmpint(sig, ==, 0);
	g_assert_cmpint(status, ==, 0);
}

/* A worker that ignores SIGTERM is killed after the grace period. */
static void
test_stop_kill(void)
{
	int status = -2, sig = -2;

	run_stop("ignore-term", 1, &status, &sig);
	g_assert_cmpint(sig, ==, SIGKILL);
	g_assert_cmpint(status, ==, -1);
}

static void
test_spawn_failure(void)
{
	GPtrArray *words = words_new("report", NULL);
	GError *error = NULL;
	Fixture f;

	fixture_init(&f);
	g_assert_null(sstp_worker_start("/nonexistent/nm-sstp-tunnel", words, FALSE, &callbacks, &f,
	                                 &error));
	g_assert_nonnull(error);
	g_error_free(error);
	g_ptr_array_unref(words);
	fixture_clear(&f);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	sstp_log_init(LOG_DEBUG, FALSE);
	g_test_add_func("/service/worker/plumbing", test_plumbing);
	g_test_add_func("/service/worker/stop-term", test_stop_term);
	g_test_add_func("/service/worker/stop-kill", test_stop_kill);
	g_test_add_func("/service/worker/spawn-failure", test_spawn_failure);
	return g_test_run();
}
