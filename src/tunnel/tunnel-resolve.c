/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * getaddrinfo() in a thread the caller can give up on (see tunnel-resolve.h).
 */
#include "tunnel-resolve.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tunnel-tls.h"

/* Shared by the caller and the resolver thread. Whoever lets go last
 * frees it, so the caller can return at once on a signal or the deadline. */
struct resolve_job {
	atomic_int  refs;
	atomic_bool done;       /* rc, err and res are final */
	int         done_fd;    /* eventfd: the thread writes it when done */
	char       *host;
	char        port[8];
	int         rc;         /* getaddrinfo()'s return value */
	int         err;        /* its errno, for EAI_SYSTEM */
	struct addrinfo *res;
};

static void
job_unref(struct resolve_job *j)
{
	if (atomic_fetch_sub(&j->refs, 1) != 1)
		return;
	if (j->res)
		freeaddrinfo(j->res);
	close(j->done_fd);
	free(j->host);
	free(j);
}

static struct resolve_job *
job_new(const char *host, const char *port)
{
	struct resolve_job *j;

	if (strlen(port) >= sizeof(j->port)) {
		errno = EINVAL;
		return NULL;
	}
	j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	j->host = strdup(host);
	j->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!j->host || j->done_fd < 0) {
		int errsv = errno;

		if (j->done_fd >= 0)
			close(j->done_fd);
		free(j->host);
		free(j);
		errno = errsv;
		return NULL;
	}
	memcpy(j->port, port, strlen(port) + 1);
	atomic_init(&j->refs, 2);
	atomic_init(&j->done, false);
	return j;
}

static void *
resolve_thread(void *arg)
{
	struct resolve_job *j = arg;
	const struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                                .ai_protocol = IPPROTO_TCP };
	const uint64_t one = 1;

	j->rc = getaddrinfo(j->host, j->port, &hints, &j->res);
	j->err = errno;
	atomic_store(&j->done, true);
	/* Cannot block or fail: one write to a counter nobody else adds to. */
	(void) !write(j->done_fd, &one, sizeof(one));
	job_unref(j);
	return NULL;
}

/* Detached, with every signal blocked: signals belong to the main
 * thread's signalfd, and a thread with SIGTERM unblocked would take the
 * default action (exit without disconnecting) for the whole process. */
static int
start_thread(struct resolve_job *j)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t tid;
	int r;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&tid, &attr, resolve_thread, j);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

static enum tunnel_resolve_result
take_result(struct resolve_job *j, struct addrinfo **res, char *why, size_t why_cap)
{
	enum tunnel_resolve_result out = TUNNEL_RESOLVED;

	if (j->rc == 0) {
		*res = j->res;
		j->res = NULL;
	} else {
		snprintf(why, why_cap, "%s", j->rc == EAI_SYSTEM ? strerror(j->err) : gai_strerror(j->rc));
		out = TUNNEL_RESOLVE_FAILED;
	}
	job_unref(j);
	return out;
}

enum tunnel_resolve_result
tunnel_resolve(const char *host, const char *port, int64_t deadline, int cancel_fd,
               struct addrinfo **res, char *why, size_t why_cap)
{
	struct resolve_job *j;
	int r, errsv;

	*res = NULL;
	/* An address needs no name server and cannot block: no thread, whose
	 * stack and malloc arena would stay resident for the whole session. */
	{
		const struct addrinfo numeric = { .ai_flags = AI_NUMERICHOST, .ai_family = AF_UNSPEC,
		                                  .ai_socktype = SOCK_STREAM, .ai_protocol = IPPROTO_TCP };

		r = getaddrinfo(host, port, &numeric, res);
		if (r == 0)
			return TUNNEL_RESOLVED;
		*res = NULL;
	}
	j = job_new(host, port);
	if (!j) {
		snprintf(why, why_cap, "cannot set up the resolver: %s", strerror(errno));
		return TUNNEL_RESOLVE_FAILED;
	}
	r = start_thread(j);
	if (r != 0) {
		atomic_store(&j->refs, 1);
		job_unref(j);
		snprintf(why, why_cap, "cannot start the resolver thread: %s", strerror(r));
		return TUNNEL_RESOLVE_FAILED;
	}

	r = tunnel_wait_fd(j->done_fd, POLLIN, deadline, cancel_fd);
	if (r == 1 && atomic_load(&j->done))
		return take_result(j, res, why, why_cap);
	/* Give up on the thread: it frees the job when getaddrinfo() returns. */
	errsv = errno;
	job_unref(j);
	if (r == -2)
		return TUNNEL_RESOLVE_CANCELLED;
	if (r == 0)
		return TUNNEL_RESOLVE_TIMEOUT;
	snprintf(why, why_cap, "waiting for the resolver: %s", strerror(errsv));
	return TUNNEL_RESOLVE_FAILED;
}
