/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Least privilege for nm-sstp-tunnel: see tunnel-sandbox.h and
 * docs/architecture.md ("Least privilege") for what and why.
 */
#include <config.h>

#include "tunnel-sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif
#ifdef SSTP_SANITIZERS
#include <sanitizer/common_interface_defs.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define SSTP_HAVE_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
#define SSTP_HAVE_LSAN 1
#endif
#endif
#endif

#include "sstp-exit.h"
#include "tunnel-log.h"

#ifndef TUNNEL_USER
#define TUNNEL_USER "nm-sstp"
#endif
/* tmpfs on every systemd-era system: stale lock files go at boot. */
#define TUNNEL_LOCK_DIR "/run/nm-sstp-tunnel"
/* systemd's lock files for the dynamic users of its services. */
#define SYSTEMD_DYNAMIC_UID_DIR "/run/systemd/dynamic-uid"

static bool sandbox_active;
/* The lock on our dynamic uid: held (open) for the life of the process. */
static int dynamic_lock_fd = -1;

static int
fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, cap, fmt, ap);
	va_end(ap);
	return -1;
}

bool
tunnel_sandbox_active(void)
{
	return sandbox_active;
}

/* ---- which identity ------------------------------------------------------ */

/* 1: the user exists (uid/gid set), 0: it does not, -1: NSS failed. The
 * reentrant call: an abandoned resolver thread may be inside NSS too. */
static int
lookup_user(const char *name, uid_t *uid, gid_t *gid)
{
	char buf[4096];
	struct passwd pw, *found = NULL;
	int r = getpwnam_r(name, &pw, buf, sizeof(buf), &found);

	if (r != 0 && r != ENOENT && r != ESRCH) {
		errno = r;
		return -1;
	}
	if (!found)
		return 0;
	*uid = pw.pw_uid;
	*gid = pw.pw_gid;
	return 1;
}

/* A dynamic id must be unknown to passwd and group (which with nss-systemd
 * also lists systemd's own dynamic users) and not locked by systemd. Any
 * doubt (a lookup error, an entry too large for the buffer) means taken. */
static bool
id_unknown(unsigned id)
{
	char buf[4096], path[64];
	struct passwd pw, *pwp = NULL;
	struct group gr, *grp = NULL;

	if (getpwuid_r((uid_t) id, &pw, buf, sizeof(buf), &pwp) != 0 || pwp)
		return false;
	if (getgrgid_r((gid_t) id, &gr, buf, sizeof(buf), &grp) != 0 || grp)
		return false;
	snprintf(path, sizeof(path), SYSTEMD_DYNAMIC_UID_DIR "/%u", id);
	return access(path, F_OK) != 0 && errno == ENOENT;
}

/* The lock folder must be root's alone: whoever can write there can make a
 * worker take (or never find) a uid. */
static int
open_lock_dir(const char *dir, char *err, size_t cap)
{
	struct stat st;
	int fd;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return fail(err, cap, "cannot create %s for the dynamic uid locks: %s", dir, strerror(errno));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(err, cap, "cannot open %s: %s", dir, strerror(errno));
	if (fstat(fd, &st) != 0 || st.st_uid != 0 || (st.st_mode & 022) != 0) {
		close(fd);
		return fail(err, cap, "%s must be a folder owned by root and writable by root only", dir);
	}
	return fd;
}

/* The lock file of one candidate, locked; -1 if another worker holds it. */
static int
lock_candidate(int dirfd, unsigned id)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), "uid-%u", id);
	fd = openat(dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A uid/gid (same number) of the dynamic range that nobody uses, locked for
 * the life of this process. The search starts at a place set by our pid, so
 * workers started together rarely try the same numbers; the lock, not the
 * start, is what keeps two workers apart. */
static unsigned dynamic_id_at(pid_t pid, unsigned i);

static int
pick_dynamic_id(const char *lock_dir, uid_t *uid, char *err, size_t cap)
{
	const unsigned span = TUNNEL_DYNAMIC_UID_MAX - TUNNEL_DYNAMIC_UID_MIN + 1;
	pid_t self = getpid();
	int dirfd = open_lock_dir(lock_dir, err, cap);

	if (dirfd < 0)
		return -1;
	for (unsigned i = 0; i < span; i++) {
		unsigned id = dynamic_id_at(self, i);
		int fd = lock_candidate(dirfd, id);

		if (fd < 0)
			continue;
		if (!id_unknown(id)) {
			close(fd);
			continue;
		}
		close(dirfd);
		dynamic_lock_fd = fd;
		*uid = (uid_t) id;
		return 0;
	}
	close(dirfd);
	return fail(err, cap, "no free dynamic uid in %u-%u (locks in %s); create the user %s",
	            TUNNEL_DYNAMIC_UID_MIN, TUNNEL_DYNAMIC_UID_MAX, lock_dir, TUNNEL_USER);
}

/* The free ids a child found (tunnel_sandbox_lookup_user()), in its order:
 * lock one and check systemd's lock folder (no NSS needed for that). */
static int
pick_listed_id(const char *lock_dir, const struct tunnel_sandbox_user *u, uid_t *uid, char *err,
               size_t cap)
{
	char path[64];
	int dirfd = open_lock_dir(lock_dir, err, cap);

	if (dirfd < 0)
		return -1;
	for (unsigned i = 0; i < u->n_free && i < TUNNEL_SANDBOX_FREE_IDS; i++) {
		unsigned id = u->free_ids[i];
		int fd;

		if (id < TUNNEL_DYNAMIC_UID_MIN || id > TUNNEL_DYNAMIC_UID_MAX)
			continue;
		fd = lock_candidate(dirfd, id);
		if (fd < 0)
			continue;
		snprintf(path, sizeof(path), SYSTEMD_DYNAMIC_UID_DIR "/%u", id);
		if (access(path, F_OK) == 0 || errno != ENOENT) {
			close(fd);
			continue;
		}
		close(dirfd);
		dynamic_lock_fd = fd;
		*uid = (uid_t) id;
		return 0;
	}
	close(dirfd);
	return 1;    /* none of them: search the whole range */
}

/* The order pick_dynamic_id() tries ids in, for a process with this pid. */
static unsigned
dynamic_id_at(pid_t pid, unsigned i)
{
	const unsigned span = TUNNEL_DYNAMIC_UID_MAX - TUNNEL_DYNAMIC_UID_MIN + 1;

	return TUNNEL_DYNAMIC_UID_MIN + ((unsigned) pid % span + i) % span;
}

int
tunnel_sandbox_lookup_user(const char *name, struct tunnel_sandbox_user *out)
{
	const unsigned span = TUNNEL_DYNAMIC_UID_MAX - TUNNEL_DYNAMIC_UID_MIN + 1;
	pid_t parent = getpid(), pid;
	int p[2], status;
	ssize_t n;

	memset(out, 0, sizeof(*out));
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		struct tunnel_sandbox_user u;

		memset(&u, 0, sizeof(u));
		u.found = name && name[0] ? lookup_user(name, &u.uid, &u.gid) : 0;
		u.error = u.found < 0 ? errno : 0;
		for (unsigned i = 0; u.found == 0 && i < span && u.n_free < TUNNEL_SANDBOX_FREE_IDS; i++) {
			unsigned id = dynamic_id_at(parent, i);

			if (id_unknown(id))
				u.free_ids[u.n_free++] = id;
		}
		_exit(write(p[1], &u, sizeof(u)) == (ssize_t) sizeof(u) ? 0 : 1);
	}
	close(p[1]);
	do
		n = read(p[0], out, sizeof(*out));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n != (ssize_t) sizeof(*out) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	return 0;
}

static int
choose_identity(const struct tunnel_sandbox_config *cfg, struct tunnel_sandbox_result *res, char *err,
                size_t cap)
{
	const struct tunnel_sandbox_user *u = cfg->looked_up;
	const char *lock_dir = cfg->lock_dir ? cfg->lock_dir : TUNNEL_LOCK_DIR;
	int found = 0;

	if (cfg->user && cfg->user[0]) {
		if (u) {
			found = u->found;
			res->uid = u->uid;
			res->gid = u->gid;
			errno = u->error;
		} else {
			found = lookup_user(cfg->user, &res->uid, &res->gid);
		}
		if (found < 0)
			return fail(err, cap, "cannot look up the user %s: %s", cfg->user, strerror(errno));
	}
	if (found) {
		if (res->uid == 0 || res->gid == 0)
			return fail(err, cap, "the user %s has uid %u, gid %u: the tunnel user must not be root "
			            "nor in group 0", cfg->user, (unsigned) res->uid, (unsigned) res->gid);
		return 0;
	}
	if (u && u->n_free > 0) {
		int r = pick_listed_id(lock_dir, u, &res->uid, err, cap);

		if (r < 0)
			return -1;
		if (r == 0)
			goto picked;
	}
	if (pick_dynamic_id(lock_dir, &res->uid, err, cap) != 0)
		return -1;
picked:
	res->gid = (gid_t) res->uid;
	res->dynamic = true;
	return 0;
}

/* ---- dropping it --------------------------------------------------------- */

static bool
holds_root_id(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
		return true;
	return ru == 0 || eu == 0 || su == 0 || rg == 0 || eg == 0 || sg == 0;
}

/* The bounding set can only shrink, and only with CAP_SETPCAP: while we are
 * still root. Drops every capability the kernel knows (EINVAL past the last). */
static int
drop_bounding_set(char *err, size_t cap)
{
	for (unsigned long c = 0;; c++) {
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL && c > 0)
			return 0;
		return fail(err, cap, "cannot drop capability %lu from the bounding set: %s", c, strerror(errno));
	}
}

/* Groups first (needs CAP_SETGID), then gid, then uid last: after it no
 * capability is left to change the others. Real, effective and saved ids
 * all change, so nothing can switch back. glibc applies each call to every
 * thread of the process. */
static int
change_identity(uid_t uid, gid_t gid, char *err, size_t cap)
{
	if (setgroups(0, NULL) != 0)
		return fail(err, cap, "cannot clear the supplementary groups: %s", strerror(errno));
	if (setresgid(gid, gid, gid) != 0)
		return fail(err, cap, "cannot change to gid %u: %s", (unsigned) gid, strerror(errno));
	if (setresuid(uid, uid, uid) != 0)
		return fail(err, cap, "cannot change to uid %u: %s", (unsigned) uid, strerror(errno));
	return 0;
}

/* Trust, but check: the ids are what we asked for, no group is left, and
 * the way back is closed. */
static int
verify_identity(uid_t uid, gid_t gid, char *err, size_t cap)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;

	if (getresuid(&ru, &eu, &su) != 0 || ru != uid || eu != uid || su != uid)
		return fail(err, cap, "the uid did not change to %u everywhere", (unsigned) uid);
	if (getresgid(&rg, &eg, &sg) != 0 || rg != gid || eg != gid || sg != gid)
		return fail(err, cap, "the gid did not change to %u everywhere", (unsigned) gid);
	if (getgroups(0, NULL) != 0)
		return fail(err, cap, "supplementary groups are left");
	if (setuid(0) == 0 || setgid(0) == 0)
		return fail(err, cap, "root could be regained after the drop");
	return 0;
}

/* After a uid change from root the kernel has cleared the effective and
 * permitted sets; the inheritable set and the ambient set it leaves alone.
 * Set all to nothing (always allowed) and read them back. */
static int
clear_capabilities(char *err, size_t cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	/* EINVAL on kernels before 4.3, which have no ambient set. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
		return fail(err, cap, "cannot clear the ambient capabilities: %s", strerror(errno));
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) != 0)
		return fail(err, cap, "cannot clear the capabilities: %s", strerror(errno));
	if (syscall(SYS_capget, &hdr, data) != 0)
		return fail(err, cap, "cannot read the capabilities back: %s", strerror(errno));
	for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		if (data[i].effective || data[i].permitted || data[i].inheritable)
			return fail(err, cap, "capabilities are left after clearing them");
	return 0;
}

/* The kernel sets "dumpable" to fs.suid_dumpable on any change of
 * credentials, undoing main()'s PR_SET_DUMPABLE 0 (sstp-harden.h) where an
 * administrator set it to 1; a dumpable worker could be traced by another
 * process of the same (static) user. Put it back. */
static int
keep_undumpable(char *err, size_t cap)
{
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0)
		return 0;
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return fail(err, cap, "cannot make the worker undumpable again: %s", strerror(errno));
	return 0;
}

static int
set_no_new_privs(char *err, size_t cap)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return fail(err, cap, "cannot set no_new_privs: %s", strerror(errno));
	return 0;
}

/* ---- the system call filter ---------------------------------------------- */

#ifdef HAVE_SECCOMP
/* What the poll loop and the teardown after it call (tunnel-loop.c,
 * tunnel-pppd.c's stop path, tunnel-log.c, OpenSSL's record layer, glibc's
 * malloc and exit), checked with strace -f -c on pppd 2.4.9 and 2.5. Old and
 * new variants are both listed where glibc versions differ. Not here, so
 * EPERM: anything that opens or creates (open, openat, socket, pipe, dup,
 * memfd_create), execve, fork and clone, ptrace and process_vm_*, mount,
 * bpf, io_uring, ioctl (nothing after the drop needs one), setuid and the
 * like, prctl, chmod/chown/unlink, connect/bind/listen/accept. */
static const char *const allowed_calls[] = {
	/* descriptors already open: TLS socket, pty master, plugin socket,
	 * signalfd, status pipe, stderr */
	"read", "readv", "write", "writev", "recvfrom", "recvmsg", "sendto", "sendmsg", "close",
	"poll", "ppoll",
	/* the loop's timers (tunnel-loop.c; the timerfd is made before the drop) */
	"timerfd_settime",
	/* pppd: reaping it (works across uids, it is our child) */
	"wait4", "waitid",
	/* time: tunnel_now_ms(), usleep() (no vDSO under UML, so real calls) */
	"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
	/* malloc (mmap, mprotect: only without PROT_EXEC, below) */
	"brk", "munmap", "mremap", "madvise",
	/* OpenSSL and glibc locks; OpenSSL's random generator reseeding */
	"futex", "sched_yield", "getrandom",
	/* signals: the signalfd's mask, abort(), restarted waits */
	"rt_sigprocmask", "rt_sigaction", "rt_sigreturn", "restart_syscall",
	/* logging (the pid in each line) */
	"getpid", "gettid",
	"exit", "exit_group",
#ifdef SSTP_SANITIZERS
	/* Only in a sanitizer build: ASan asks for the signal stack
	 * (sigaltstack(NULL, &old)) before every call that does not return
	 * (exit, abort), and aborts when refused. */
	"sigaltstack",
#endif
};

static int
add_rule(scmp_filter_ctx ctx, const char *name, unsigned n_args, const struct scmp_arg_cmp *args,
         char *err, size_t cap)
{
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	/* A call this architecture does not have (time on arm64...): nothing to allow. */
	if (nr == __NR_SCMP_ERROR)
		return 0;
	r = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, n_args, args);
	if (r != 0)
		return fail(err, cap, "seccomp: cannot allow %s: %s", name, strerror(-r));
	return 0;
}

/* Calls allowed only with some arguments: signals to ourselves only
 * (tunnel_status_lost() SIGTERMs the worker, abort() raises SIGABRT), memory
 * that can never become executable, and of all socket options only SO_LINGER
 * (tunnel_conn_abort(): a reset, not FIN, to a server that stopped answering). */
static int
add_conditional_rules(scmp_filter_ctx ctx, char *err, size_t cap)
{
	const scmp_datum_t self = (scmp_datum_t) getpid();
	const struct scmp_arg_cmp to_self = SCMP_A0(SCMP_CMP_EQ, self);
	const struct scmp_arg_cmp no_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	const struct scmp_arg_cmp linger[] = {
		SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET),
		SCMP_A2(SCMP_CMP_EQ, SO_LINGER),
	};

	if (add_rule(ctx, "kill", 1, &to_self, err, cap) != 0
	    || add_rule(ctx, "tgkill", 1, &to_self, err, cap) != 0
	    || add_rule(ctx, "mmap", 1, &no_exec, err, cap) != 0
	    || add_rule(ctx, "mprotect", 1, &no_exec, err, cap) != 0
	    || add_rule(ctx, "setsockopt", 2, linger, err, cap) != 0)
		return -1;
	return 0;
}

static int
build_filter(scmp_filter_ctx ctx, char *err, size_t cap)
{
	int r;

	/* Every thread: a resolver thread given up on (tunnel-resolve.c) may
	 * still be alive, and must not be a way around the filter. */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (r != 0)
		return fail(err, cap, "seccomp: cannot ask for all threads: %s", strerror(-r));
	/* Each refused call is logged by the kernel (audit, else the kernel
	 * log: "type=1326 ... syscall=N"), so an administrator can see what a
	 * new library version wanted. Kernels before 4.14 cannot: no matter. */
	(void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	for (size_t i = 0; i < sizeof(allowed_calls) / sizeof(allowed_calls[0]); i++)
		if (add_rule(ctx, allowed_calls[i], 0, NULL, err, cap) != 0)
			return -1;
	return add_conditional_rules(ctx, err, cap);
}

/* Default action EPERM, not SIGSYS: a call nobody listed (a new glibc or
 * OpenSSL doing things differently, a rare error path) then fails like any
 * refused call and the tunnel goes on or ends with a message, instead of
 * the VPN vanishing with a core-less crash in the field. The call is
 * refused either way; that is the security property. System calls of
 * another ABI (x32, i386 on x86_64) stay libseccomp's default, kill: no
 * honest code of ours makes them. */
static int
install_filter(bool *filtered, char *err, size_t cap)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r;

	*filtered = false;
	if (!ctx)
		return fail(err, cap, "seccomp: cannot create a filter (out of memory?)");
	if (build_filter(ctx, err, cap) != 0) {
		seccomp_release(ctx);
		return -1;
	}
	r = seccomp_load(ctx);
	seccomp_release(ctx);
	/* EINVAL: a kernel built without CONFIG_SECCOMP_FILTER. Not fatal: the
	 * caller warns, and the identity and capability drop still hold. */
	if (r == -EINVAL)
		return 0;
	if (r != 0)
		return fail(err, cap, "seccomp: cannot load the filter: %s", strerror(-r));
	*filtered = true;
	return 0;
}
#else
static int
install_filter(bool *filtered, char *err, size_t cap)
{
	*filtered = false;
	return 0;
}
#endif

/* ---- all of it ----------------------------------------------------------- */

static int
drop_identity(const struct tunnel_sandbox_config *cfg, struct tunnel_sandbox_result *res, char *err,
              size_t cap)
{
	res->uid = getuid();
	res->gid = getgid();
	/* Run by hand by a user (pppd setuid root): nothing to change, and
	 * nothing could be changed. */
	if (!holds_root_id())
		return 0;
	if (choose_identity(cfg, res, err, cap) != 0 || drop_bounding_set(err, cap) != 0
	    || change_identity(res->uid, res->gid, err, cap) != 0
	    || verify_identity(res->uid, res->gid, err, cap) != 0)
		return -1;
	res->changed_identity = true;
	return 0;
}

/* valgrind runs the program's code translated, with its own system calls in
 * between (mapping executable memory among them), and has no support for the
 * filter's seccomp(2) call: under valgrind (a developer's or a test's run,
 * tests/uml/test-nm-valgrind.sh; nobody else can start the worker under it)
 * the filter is left out, with a warning. Natively RUNNING_ON_VALGRIND is a
 * few instructions that give 0. */
static bool
under_valgrind(void)
{
#ifdef HAVE_VALGRIND_VALGRIND_H
	return RUNNING_ON_VALGRIND != 0;
#else
	return false;
#endif
}

#ifdef SSTP_SANITIZERS
/* Only in a sanitizer build (configure --enable-sanitizers, tests/run-test.sh).
 * The runtime opens its report file (log_path) at the first report, and after
 * the drop open() is refused: ASan opens it when asked for its name, so ask
 * now (UBSan alone starts lazily and cannot; tests/uml/lib/uml-run.sh also
 * looks for its "Can't open file" line). LeakSanitizer's check at exit stops
 * the threads with ptrace from a clone, which the sandbox refuses (seccomp,
 * undumpable): it would end the worker with a LeakSanitizer error. Check
 * now instead, which also cancels the check at exit; what leaks after the
 * drop is valgrind's to find (tests/unit/test-tunnel-valgrind.sh). */
static void
sanitizers_before_sandbox(void)
{
	(void) __sanitizer_get_report_path();
#ifdef SSTP_HAVE_LSAN
	__lsan_do_leak_check();
#endif
}
#endif

int
tunnel_sandbox_enter(const struct tunnel_sandbox_config *cfg, struct tunnel_sandbox_result *res,
                     char *err, size_t cap)
{
	memset(res, 0, sizeof(*res));
#ifdef SSTP_SANITIZERS
	sanitizers_before_sandbox();
#endif
	if (drop_identity(cfg, res, err, cap) != 0 || clear_capabilities(err, cap) != 0
	    || keep_undumpable(err, cap) != 0 || set_no_new_privs(err, cap) != 0)
		return -1;
	if (cfg->seccomp && !under_valgrind() && install_filter(&res->filtered, err, cap) != 0)
		return -1;
	sandbox_active = true;
	return 0;
}

static void
log_result(const struct tunnel_sandbox_config *cfg, const struct tunnel_sandbox_result *res)
{
	const char *filter = res->filtered ? "a system call filter" : "NO system call filter";

	if (!res->changed_identity)
		tlog_info("privileges dropped: staying uid %u gid %u (not started as root), no capabilities, "
		          "no_new_privs, %s", (unsigned) res->uid, (unsigned) res->gid, filter);
	else if (res->dynamic)
		tlog_info("privileges dropped: dynamic uid %u gid %u (there is no user %s), no capabilities, "
		          "no_new_privs, %s", (unsigned) res->uid, (unsigned) res->gid, cfg->user, filter);
	else
		tlog_info("privileges dropped: user %s (uid %u gid %u), no capabilities, no_new_privs, %s",
		          cfg->user, (unsigned) res->uid, (unsigned) res->gid, filter);
#ifdef HAVE_SECCOMP
	if (cfg->seccomp && under_valgrind())
		tlog_warn("running under valgrind: no system call filter (valgrind cannot run under one)");
	else if (cfg->seccomp && !res->filtered)
		tlog_warn("this kernel cannot filter system calls (no CONFIG_SECCOMP_FILTER): the "
		          "tunnel runs unprivileged but without the filter");
#else
	tlog_warn("built --without-seccomp: the tunnel runs unprivileged but without a system call filter");
#endif
}

/* TUNNEL_USER as looked up by tunnel_sandbox_prepare(), if it could. */
static struct tunnel_sandbox_user prepared_user;
static bool prepared;

void
tunnel_sandbox_prepare(void)
{
	if (geteuid() == 0 && tunnel_sandbox_lookup_user(TUNNEL_USER, &prepared_user) == 0)
		prepared = true;
}

int
tunnel_sandbox_drop_after_pppd(void)
{
	const struct tunnel_sandbox_config cfg = {
		.user = TUNNEL_USER,
		.looked_up = prepared ? &prepared_user : NULL,
		.lock_dir = TUNNEL_LOCK_DIR,
#ifdef HAVE_SECCOMP
		.seccomp = true,
#endif
	};
	struct tunnel_sandbox_result res;
	char err[300];

	if (tunnel_sandbox_enter(&cfg, &res, err, sizeof(err)) != 0)
		return tunnel_fail(SSTP_EXIT_INTERNAL, "cannot drop privileges after starting pppd: %s", err);
	log_result(&cfg, &res);
	return 0;
}
