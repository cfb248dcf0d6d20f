/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * LD_PRELOAD shim for test-tunnel-session.sh: close_range() fails with
 * ENOSYS, as on Linux before 5.9, so the test sees what the worker's pppd
 * child inherits when it has to close descriptors one by one. Says on
 * stderr that it was called, so the test knows the shim was in effect.
 */
#include <errno.h>
#include <unistd.h>

int close_range(unsigned int first, unsigned int last, int flags);

int
close_range(unsigned int first, unsigned int last, int flags)
{
	static const char msg[] = "close-range-enosys: close_range() -> ENOSYS\n";

	(void) first;
	(void) last;
	(void) flags;
	(void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
	errno = ENOSYS;
	return -1;
}
