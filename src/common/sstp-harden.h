/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * No core dumps of our processes that hold secrets (VPN and proxy
 * passwords, MPPE keys): the worker, the service and the auth dialog call
 * this first thing in main(), before any secret is read. A core file, or a
 * crash reporter's copy of one, would keep them on disk.
 *
 * Two settings, because each covers a case the other misses:
 *   - PR_SET_DUMPABLE 0: no core at all while fs.suid_dumpable is 0 (the
 *     kernel's default), and other processes of the same user can no
 *     longer ptrace us or read /proc/PID/mem. execve() resets it, so the
 *     programs we start (pppd) are not affected.
 *   - RLIMIT_CORE 0 (soft and hard): no core file where fs.suid_dumpable
 *     is 2, which dumps even non-dumpable processes; systemd-coredump and
 *     apport honour the limit too. Children inherit it: pppd, which also
 *     gets the password, then writes no core either.
 *
 * Header-only, no GLib: every program can include it.
 */
#ifndef SSTP_HARDEN_H
#define SSTP_HARDEN_H

#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* Returns 0, or -1 with errno set if either setting failed (both are tried). */
static inline int
sstp_forbid_core_dumps(void)
{
	const struct rlimit none = { 0, 0 };
	int r = 0;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		r = -1;
	if (setrlimit(RLIMIT_CORE, &none) != 0)
		r = -1;
	return r;
}

/* In a child between fork() and exec(): have the kernel send sig when the parent
 * dies, so that nothing we start outlives its supervisor. parent is the parent's
 * pid, saved before the fork: a parent that died before the prctl() sends
 * nothing, but the child has been reparented then and getppid() no longer
 * names it. Returns 0, or -1 when the parent is already gone (or prctl failed):
 * the child must _exit(). Async-signal-safe. */
static inline int
sstp_follow_parent(pid_t parent, int sig)
{
	if (prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0)
		return -1;
	return getppid() == parent ? 0 : -1;
}

#endif
