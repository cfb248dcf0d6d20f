/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The race that the service's child setup closes (nm-sstp-service-worker.c):
 * the service dies after fork() but before its child has set
 * PR_SET_PDEATHSIG, so no signal ever comes and the worker would run with
 * nobody to stop it. That child must exit instead of starting the worker.
 *
 * The race is made certain, not waited for: this program defines prctl(),
 * which the service code linked into it calls instead of the C library's.
 * In the spawned child, before setting PR_SET_PDEATHSIG for real, it kills
 * the parent (a stand-in service: this program run with --as-service) and
 * waits until the child has been reparented. The worker would be the
 * "linger" mode of test-service-worker-helper.sh, which runs until killed.
 * This test is a subreaper, so the orphaned child comes here to be reaped.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "nm-sstp-service-log.h"
#include "nm-sstp-service-worker.h"

/* A guard against hanging forever, not a timing requirement. */
#define HANG_GUARD_SECONDS 30

/* Set in the stand-in service only; its forked child inherits them. */
static gboolean race_armed;
static int race_report_fd = -1;

/* In the service's child, just before PR_SET_PDEATHSIG: tell the test our
 * pid, kill the service and wait until we are someone else's child.
 * Async-signal-safe calls only: this runs between fork and exec. */
static void
lose_parent(void)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	pid_t me = getpid(), parent = getppid();

	(void) !write(race_report_fd, &me, sizeof(me));
	kill(parent, SIGKILL);
	while (getppid() == parent)
		nanosleep(&tick, NULL);
}

/* Same arguments as the C library's, which reads them the same way. */
int
prctl(int option, ...)
{
	unsigned long arg2, arg3, arg4, arg5;
	va_list ap;

	va_start(ap, option);
	arg2 = va_arg(ap, unsigned long);
	arg3 = va_arg(ap, unsigned long);
	arg4 = va_arg(ap, unsigned long);
	arg5 = va_arg(ap, unsigned long);
	va_end(ap);
	if (option == PR_SET_PDEATHSIG && race_armed)
		lose_parent();
	return (int) syscall(SYS_prctl, option, arg2, arg3, arg4, arg5);
}

static void
on_exited(SstpWorker *worker, int exit_status, int term_sig, gpointer user_data)
{
	(void) worker;
	(void) exit_status;
	(void) term_sig;
	(void) user_data;
}

static const SstpWorkerCallbacks callbacks = {
	.exited = on_exited,
};

static char *
helper_path(void)
{
	const char *srcdir = g_getenv("top_srcdir");

	return g_build_filename(srcdir ? srcdir : ".", "tests", "unit",
	                        "test-service-worker-helper.sh", NULL);
}

/* The stand-in service: starts the worker, and is killed by its child. */
static int
run_service(int report_fd)
{
	GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
	char *path = helper_path();
	GError *error = NULL;

	g_ptr_array_add(words, g_strdup("linger"));
	g_ptr_array_add(words, NULL);
	sstp_log_init(LOG_DEBUG, FALSE);
	race_report_fd = report_fd;
	race_armed = TRUE;
	if (!sstp_worker_start(path, words, FALSE, &callbacks, NULL, &error)) {
		fprintf(stderr, "cannot start the worker: %s\n", error->message);
		return 1;
	}
	/* Not reached when the race hook works: the child has killed us. */
	for (;;)
		pause();
}

static pid_t
start_service(int report_fd)
{
	char fd_arg[16];
	pid_t pid;

	snprintf(fd_arg, sizeof(fd_arg), "%d", report_fd);
	pid = fork();
	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		fcntl(report_fd, F_SETFD, 0);
		execl("/proc/self/exe", "test-service-worker-orphan", "--as-service", fd_arg, (char *) NULL);
		_exit(127);
	}
	return pid;
}

/* The pid the service's child reports, or 0 if none comes in time. */
static pid_t
read_child_pid(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	pid_t pid = 0;

	if (poll(&p, 1, HANG_GUARD_SECONDS * 1000) != 1)
		return 0;
	if (read(fd, &pid, sizeof(pid)) != (ssize_t) sizeof(pid))
		return 0;
	return pid;
}

/* Reaps pid; FALSE if it is still running after the guard time. */
static gboolean
reap_within_guard(pid_t pid, int *status)
{
	gint64 deadline = g_get_monotonic_time() + HANG_GUARD_SECONDS * G_USEC_PER_SEC;

	while (g_get_monotonic_time() < deadline) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return TRUE;
		g_usleep(G_USEC_PER_SEC / 20);
	}
	return FALSE;
}

static void
test_service_dies_before_pdeathsig(void)
{
	int report[2], status = 0;
	pid_t service, child;

	g_assert_cmpint(pipe2(report, O_CLOEXEC), ==, 0);
	service = start_service(report[1]);
	close(report[1]);
	child = read_child_pid(report[0]);
	close(report[0]);
	if (child == 0) {
		kill(service, SIGKILL);
		waitpid(service, NULL, 0);
		g_error("the stand-in service's child never reached PR_SET_PDEATHSIG");
	}
	g_assert_cmpint(waitpid(service, &status, 0), ==, service);
	g_assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	if (!reap_within_guard(child, &status)) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		g_error("the child of a dead service went on (pid %ld): the worker ran unsupervised",
		        (long) child);
	}
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, SSTP_WORKER_ORPHAN_EXIT);
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--as-service") == 0)
		return run_service(atoi(argv[2]));

	g_test_init(&argc, &argv, NULL);
	/* Orphans come to us, the service's child above all. */
	g_assert_cmpint(prctl(PR_SET_CHILD_SUBREAPER, 1), ==, 0);
	g_test_add_func("/service/worker/service-dies-before-pdeathsig",
	                test_service_dies_before_pdeathsig);
	return g_test_run();
}
