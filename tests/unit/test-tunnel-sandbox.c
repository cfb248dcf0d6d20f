/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The worker's privilege drop (src/tunnel/tunnel-sandbox.c), for real, in
 * child processes of this test (needs root: skipped otherwise):
 *   - without the tunnel user: a dynamic uid = gid in 61184-65519, in no
 *     passwd, no groups, no capabilities, no_new_privs and seccomp (as the
 *     kernel reports them in /proc/PID/status), root cannot be regained;
 *   - the filter: what the loop does still works (read, write, poll,
 *     malloc, getrandom, signalling itself), and opening a file, making a
 *     socket, fork, exec, signalling another process, executable memory,
 *     ptrace and ioctl fail with EPERM instead of killing the process;
 *   - a uid another worker holds (its lock) is never taken;
 *   - an existing user is used as is; root as the tunnel user, or a lock
 *     folder others can write to, is refused with a message.
 * The end-to-end check of the same, with pppd and a server, is in
 * tests/unit/test-tunnel-guest.sh.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "tunnel-sandbox.h"

struct child {
	pid_t pid;
	int go;       /* parent -> child: one byte per step */
	int report;   /* child -> parent: one line per step */
};

static char *lock_dir;

/* ---- in the child (no GLib after the drop: plain calls, one line out) ---- */

static void
say(int fd, const char *line)
{
	(void) !write(fd, line, strlen(line));
}

static bool
denied(long r)
{
	return r == -1 && errno == EPERM;
}

/* The first thing that does not behave as the filter says, or NULL. */
static const char *
check_filter(void)
{
	char buf[16];
	int p[2] = { -1, -1 };
	void *m;
	char *big;
	char *const argv[] = { "/bin/true", NULL };

	/* What the loop uses keeps working. */
	if (write(STDERR_FILENO, "", 0) != 0 || getrandom(buf, sizeof(buf), 0) != (ssize_t) sizeof(buf))
		return "write or getrandom refused";
	big = malloc(4 << 20);  /* above the mmap threshold: mmap and munmap */
	if (!big)
		return "malloc refused";
	memset(big, 1, 4 << 20);
	free(big);
	if (kill(getpid(), 0) != 0)
		return "kill(self) refused";
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return "mmap of plain memory refused";
	/* SO_LINGER (a dead server's connection is reset): on stderr, not a socket, the call
	 * gets through the filter to the kernel's ENOTSOCK; any other option is refused. */
	{
		struct linger l = { 1, 0 };
		int one = 1;

		if (setsockopt(STDERR_FILENO, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) == 0 || errno != ENOTSOCK)
			return "setsockopt SO_LINGER refused";
		if (!denied(setsockopt(STDERR_FILENO, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one))))
			return "setsockopt SO_KEEPALIVE allowed";
	}
	/* What it does not use fails with EPERM. */
	if (!denied(mprotect(m, 4096, PROT_READ | PROT_EXEC)))
		return "mprotect PROT_EXEC allowed";
	if (mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED)
		return "mmap PROT_EXEC allowed";
	if (!denied(open("/dev/null", O_RDONLY)) || !denied(openat(AT_FDCWD, "/dev/null", O_RDONLY)))
		return "open allowed";
	if (!denied(socket(AF_INET, SOCK_STREAM, 0)) || !denied(socket(AF_UNIX, SOCK_DGRAM, 0)))
		return "socket allowed";
	if (!denied(pipe(p)))
		return "pipe allowed";
	if (!denied(fork()))
		return "fork allowed";
	if (!denied(execv(argv[0], argv)))
		return "execve allowed";
	if (!denied(kill(1, 0)) || !denied(kill(getppid(), 0)))
		return "kill of another process allowed";
	if (!denied(ptrace(PTRACE_TRACEME, 0, NULL, NULL)))
		return "ptrace allowed";
	if (!denied(ioctl(STDERR_FILENO, FIONREAD, &p[0])))
		return "ioctl allowed";
	if (!denied(setuid(0)))
		return "setuid allowed";
	return NULL;
}

static void
child_main(const struct tunnel_sandbox_config *cfg, int go, int report)
{
	struct tunnel_sandbox_result res;
	char line[400], err[300], c;
	const char *bad;

	if (read(go, &c, 1) != 1)
		_exit(2);
	if (tunnel_sandbox_enter(cfg, &res, err, sizeof(err)) != 0) {
		snprintf(line, sizeof(line), "error %s\n", err);
		say(report, line);
		_exit(1);
	}
	snprintf(line, sizeof(line), "entered %u %u %d %d %d\n", (unsigned) res.uid, (unsigned) res.gid,
	         res.dynamic, res.changed_identity, res.filtered);
	say(report, line);
	if (read(go, &c, 1) != 1)
		_exit(2);
	bad = check_filter();
	snprintf(line, sizeof(line), "checks %s\n", bad ? bad : "ok");
	say(report, line);
	_exit(bad ? 1 : 0);
}

/* ---- in the parent ------------------------------------------------------ */

static struct child
spawn(const struct tunnel_sandbox_config *cfg)
{
	struct child ch;
	int go[2], report[2];

	g_assert_cmpint(pipe2(go, O_CLOEXEC), ==, 0);
	g_assert_cmpint(pipe2(report, O_CLOEXEC), ==, 0);
	ch.pid = fork();
	g_assert_cmpint(ch.pid, >=, 0);
	if (ch.pid == 0) {
		close(go[1]);
		close(report[0]);
		child_main(cfg, go[0], report[1]);
	}
	close(go[0]);
	close(report[1]);
	ch.go = go[1];
	ch.report = report[0];
	return ch;
}

/* Next line from the child (without the newline), "" at EOF. */
static char *
next_line(struct child *ch)
{
	GString *s = g_string_new(NULL);
	char c;

	g_assert_cmpint(write(ch->go, "g", 1), ==, 1);
	while (read(ch->report, &c, 1) == 1 && c != '\n')
		g_string_append_c(s, c);
	return g_string_free(s, FALSE);
}

static int
finish(struct child *ch)
{
	int status = 0;

	close(ch->go);
	close(ch->report);
	g_assert_cmpint(waitpid(ch->pid, &status, 0), ==, ch->pid);
	return status;
}

static char *
status_field(pid_t pid, const char *name)
{
	char *path = g_strdup_printf("/proc/%ld/status", (long) pid);
	char *text = NULL, *found = NULL;
	char **lines;
	size_t n = strlen(name);

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i] && !found; i++)
		if (strncmp(lines[i], name, n) == 0 && lines[i][n] == ':')
			found = g_strdup(g_strstrip(lines[i] + n + 1));
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	g_assert_nonnull(found);
	return found;
}

static void
assert_status(pid_t pid, const char *name, const char *want)
{
	char *got = status_field(pid, name);

	g_test_message("child %ld %s: %s", (long) pid, name, got);
	g_assert_cmpstr(got, ==, want);
	g_free(got);
}

static bool
need_root(void)
{
	if (geteuid() == 0)
		return true;
	g_test_skip("needs root: the drop changes the uid");
	return false;
}

static void
test_dynamic(void)
{
	const struct tunnel_sandbox_config cfg = { .user = "nm-sstp-test-no-such-user", .lock_dir = lock_dir,
		                                   .seccomp = true };
	struct child ch;
	unsigned uid = 0, gid = 0;
	int dyn = 0, changed = 0, filtered = 0;
	char *line, *want;

	if (!need_root())
		return;
	ch = spawn(&cfg);
	line = next_line(&ch);
	g_assert_cmpint(sscanf(line, "entered %u %u %d %d %d", &uid, &gid, &dyn, &changed, &filtered), ==, 5);
	g_free(line);
	g_assert_cmpuint(uid, >=, TUNNEL_DYNAMIC_UID_MIN);
	g_assert_cmpuint(uid, <=, TUNNEL_DYNAMIC_UID_MAX);
	g_assert_cmpuint(gid, ==, uid);
	g_assert_true(dyn && changed && filtered);
	g_assert_null(getpwuid(uid));
	want = g_strdup_printf("%u\t%u\t%u\t%u", uid, uid, uid, uid);
	assert_status(ch.pid, "Uid", want);
	assert_status(ch.pid, "Gid", want);
	g_free(want);
	assert_status(ch.pid, "Groups", "");
	assert_status(ch.pid, "CapEff", "0000000000000000");
	assert_status(ch.pid, "CapPrm", "0000000000000000");
	assert_status(ch.pid, "CapInh", "0000000000000000");
	assert_status(ch.pid, "CapBnd", "0000000000000000");
	assert_status(ch.pid, "CapAmb", "0000000000000000");
	assert_status(ch.pid, "NoNewPrivs", "1");
	assert_status(ch.pid, "Seccomp", "2");
	line = next_line(&ch);
	g_assert_cmpstr(line, ==, "checks ok");
	g_free(line);
	g_assert_cmpint(finish(&ch), ==, 0);
}

/* The uid a child would try first (its pid decides) is locked, as a live
 * worker holds it: the child must take another one. */
static void
test_locked_uid_skipped(void)
{
	const struct tunnel_sandbox_config cfg = { .user = NULL, .lock_dir = lock_dir, .seccomp = false };
	const unsigned span = TUNNEL_DYNAMIC_UID_MAX - TUNNEL_DYNAMIC_UID_MIN + 1;
	struct child ch;
	unsigned first, uid = 0;
	char *path, *line;
	int fd;

	if (!need_root())
		return;
	ch = spawn(&cfg);
	first = TUNNEL_DYNAMIC_UID_MIN + (unsigned) ch.pid % span;
	path = g_strdup_printf("%s/uid-%u", lock_dir, first);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(flock(fd, LOCK_EX | LOCK_NB), ==, 0);
	line = next_line(&ch);
	g_assert_cmpint(sscanf(line, "entered %u", &uid), ==, 1);
	g_test_message("uid %u locked, the child took %u", first, uid);
	g_assert_cmpuint(uid, !=, first);
	g_free(line);
	finish(&ch);
	close(fd);
	g_free(path);
}

static void
test_static_user(void)
{
	const struct tunnel_sandbox_config cfg = { .user = "nobody", .lock_dir = lock_dir, .seccomp = true };
	struct passwd *pw = getpwnam("nobody");
	struct child ch;
	unsigned uid = 0, gid = 0;
	int dyn = 1;
	char *line;

	if (!need_root())
		return;
	if (!pw) {
		g_test_skip("no user nobody here");
		return;
	}
	ch = spawn(&cfg);
	line = next_line(&ch);
	g_assert_cmpint(sscanf(line, "entered %u %u %d", &uid, &gid, &dyn), ==, 3);
	g_assert_cmpuint(uid, ==, pw->pw_uid);
	g_assert_cmpuint(gid, ==, pw->pw_gid);
	g_assert_false(dyn);
	g_free(line);
	line = next_line(&ch);
	g_assert_cmpstr(line, ==, "checks ok");
	g_free(line);
	g_assert_cmpint(finish(&ch), ==, 0);
}

static void
expect_refusal(const struct tunnel_sandbox_config *cfg, const char *words)
{
	struct child ch = spawn(cfg);
	char *line = next_line(&ch);

	g_test_message("%s", line);
	g_assert_true(g_str_has_prefix(line, "error "));
	g_assert_nonnull(strstr(line, words));
	g_free(line);
	finish(&ch);
}

static void
test_refusals(void)
{
	const struct tunnel_sandbox_config root = { .user = "root", .lock_dir = lock_dir, .seccomp = true };
	char *open_dir = g_build_filename(lock_dir, "open", NULL);
	const struct tunnel_sandbox_config open_cfg = { .user = NULL, .lock_dir = open_dir, .seccomp = true };

	if (!need_root())
		return;
	expect_refusal(&root, "must not be root");
	g_assert_cmpint(g_mkdir(open_dir, 0700), ==, 0);
	g_assert_cmpint(chmod(open_dir, 0777), ==, 0);
	expect_refusal(&open_cfg, "writable by root only");
	g_rmdir(open_dir);
	g_free(open_dir);
}

static void
remove_lock_dir(void)
{
	GDir *d = g_dir_open(lock_dir, 0, NULL);
	const char *name;

	while (d && (name = g_dir_read_name(d))) {
		char *p = g_build_filename(lock_dir, name, NULL);
		g_remove(p);
		g_free(p);
	}
	if (d)
		g_dir_close(d);
	g_rmdir(lock_dir);
}

int
main(int argc, char **argv)
{
	char *base;
	int r;

	g_test_init(&argc, &argv, NULL);
	/* The folder itself is made by the code under test (root-owned, 0700). */
	base = g_dir_make_tmp("test-tunnel-sandbox-XXXXXX", NULL);
	g_assert_nonnull(base);
	lock_dir = g_build_filename(base, "locks", NULL);
	g_test_add_func("/tunnel-sandbox/dynamic-uid", test_dynamic);
	g_test_add_func("/tunnel-sandbox/locked-uid-skipped", test_locked_uid_skipped);
	g_test_add_func("/tunnel-sandbox/static-user", test_static_user);
	g_test_add_func("/tunnel-sandbox/refusals", test_refusals);
	r = g_test_run();
	remove_lock_dir();
	g_rmdir(base);
	g_free(lock_dir);
	g_free(base);
	return r;
}
