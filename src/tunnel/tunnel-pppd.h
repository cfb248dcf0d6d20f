/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting pppd on a pty of our own, with our plugin and an anonymous
 * socketpair (fd 3 in pppd) that carries the credentials to the plugin and
 * the auth-up / ip-up messages back. pppd gets an argv array: no shell.
 */
#ifndef TUNNEL_PPPD_H
#define TUNNEL_PPPD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "tunnel-options.h"

struct tunnel_pppd {
	pid_t pid;            /* 0: not running */
	int   master;         /* pty master, non-blocking */
	int   slave;          /* kept open so the master never reads EIO before pppd opens it */
	int   sock;           /* our end of the socketpair, non-blocking */
	char  slave_path[64];
	bool  exited;
	int   wait_status;
};

void tunnel_pppd_init(struct tunnel_pppd *p);

/* Create the pty and the socketpair, queue the credentials message, fork
 * and exec pppd. Wipes o->password once it is in the socket. Returns 0 or
 * an SSTP_EXIT_* code (logged). */
int tunnel_pppd_start(struct tunnel_options *o, struct tunnel_pppd *p);

/* Reap pppd if it has exited (non-blocking). Returns true if it has. */
bool tunnel_pppd_reap(struct tunnel_pppd *p);

/* Hang up pppd's pty and wait up to timeout_ms for it to exit (after that
 * its parent-death signal, SIGTERM, ends it when the worker exits).
 * sigfd is the signalfd that reports SIGCHLD (-1: poll with sleeps). */
void tunnel_pppd_stop(struct tunnel_pppd *p, int sigfd, int timeout_ms);

/* Close the pty and socket. */
void tunnel_pppd_close(struct tunnel_pppd *p);

/* Map pppd's wait status to an SSTP_EXIT_* code and a message. */
int tunnel_pppd_exit_code(int wait_status, char *msg, size_t cap);

#endif
