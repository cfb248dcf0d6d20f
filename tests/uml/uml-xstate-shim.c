/* uml-xstate-shim.c - LD_PRELOAD shim that lets Debian 12's linux.uml (6.1) run on hosts with
 * a large XSAVE area (AVX-512, AMX).
 *
 * Why: UML saves and restores the FPU state of every guest thread with
 * PTRACE_GETREGSET/PTRACE_SETREGSET(NT_X86_XSTATE) on a buffer of a size fixed at build time
 * (832 bytes: legacy area, XSAVE header, AVX upper halves). The host kernel accepts a short
 * GETREGSET but refuses any SETREGSET whose length is not its full XSAVE size (11008 bytes
 * with AMX) with EFAULT, and UML then kills the guest's init ("ptrace set fp regs failed,
 * errno = 14", "Attempted to kill init"). Newer UML kernels size the buffer at run time;
 * Debian 12 ships 6.1.
 *
 * What: ptrace() is interposed. For NT_X86_XSTATE requests shorter than the host's size:
 * - GETREGSET reads the full state into a side buffer kept per caller buffer (UML uses one
 *   buffer per guest thread, inside its task structure) and copies UML's part back;
 * - SETREGSET takes the side buffer of that caller buffer (or the tracee's current state when
 *   there is none), lays UML's bytes over it, keeps the XSTATE_BV bits of the features UML's
 *   buffer does not cover, and writes the full size.
 * So the state beyond UML's 832 bytes (AVX-512, AMX) follows each guest thread as well.
 * Everything else goes to the real ptrace(). The shim does nothing on hosts whose XSAVE size
 * UML's buffer already matches.
 *
 * Only the UML process loads this (uml-run.sh sets LD_PRELOAD for linux.uml alone). All ptrace
 * calls of UML come from its one tracing thread, so the table needs no lock.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* Standard-format XSAVE layout (Intel SDM vol. 1, 13.4). */
#define XSAVE_LEGACY_END 512u   /* x87 and SSE state */
#define XSAVE_HEADER_END 576u   /* XSTATE_BV at offset 512 */
#define XSAVE_AVX_END 832u      /* AVX upper halves */
#define XSAVE_MAX_SIZE 65536u   /* larger than any x86 XSAVE area */

#define SHIM_SLOT_COUNT 4096u

struct shim_slot {
	const void *owner;      /* UML's buffer address */
	unsigned char *state;   /* full-size copy, XSAVE_MAX_SIZE bytes, mmap()ed */
	int valid;              /* state holds a full GETREGSET result */
};

static struct shim_slot shim_slots[SHIM_SLOT_COUNT];
static size_t shim_full_size;   /* host XSAVE size; 0 until first learned */
static unsigned char *shim_scratch;

typedef long (*shim_ptrace_fn)(int request, ...);

static long shim_raw_regset(long request, pid_t pid, unsigned long type, struct iovec *iov)
{
	return syscall(SYS_ptrace, request, (long)pid, (long)type, (long)iov);
}

static unsigned char *shim_map_buffer(void)
{
	void *p = mmap(NULL, XSAVE_MAX_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Returns the slot for owner, creating it; NULL when the table is full or memory is short. */
static struct shim_slot *shim_slot_get(const void *owner)
{
	size_t start = ((uintptr_t)owner >> 4) % SHIM_SLOT_COUNT;
	size_t i;

	for (i = 0; i < SHIM_SLOT_COUNT; i++) {
		struct shim_slot *slot = &shim_slots[(start + i) % SHIM_SLOT_COUNT];
		if (slot->owner == owner)
			return slot;
		if (slot->owner == NULL) {
			slot->state = shim_map_buffer();
			if (slot->state == NULL)
				return NULL;
			slot->owner = owner;
			slot->valid = 0;
			return slot;
		}
	}
	return NULL;
}

/* Reads the tracee's full XSAVE state into buf; learns the host size on first use. */
static long shim_get_full(pid_t pid, unsigned char *buf)
{
	struct iovec iov = { buf, XSAVE_MAX_SIZE };
	long rc = shim_raw_regset(PTRACE_GETREGSET, pid, NT_X86_XSTATE, &iov);

	if (rc == 0)
		shim_full_size = iov.iov_len;
	return rc;
}

static uint64_t shim_read_bv(const unsigned char *state)
{
	uint64_t bv;

	memcpy(&bv, state + XSAVE_LEGACY_END, sizeof(bv));
	return bv;
}

/* Features whose state lies entirely inside the first len bytes. */
static uint64_t shim_covered_features(size_t len)
{
	if (len >= XSAVE_AVX_END)
		return 0x7;     /* x87, SSE, AVX */
	if (len >= XSAVE_HEADER_END)
		return 0x3;     /* x87, SSE */
	return 0;
}

static long shim_getregset(pid_t pid, struct iovec *iov)
{
	struct shim_slot *slot;
	unsigned char *buf;
	size_t len = iov->iov_len;
	long rc;

	if (shim_full_size != 0 && len >= shim_full_size)
		return shim_raw_regset(PTRACE_GETREGSET, pid, NT_X86_XSTATE, iov);

	slot = shim_slot_get(iov->iov_base);
	if (slot == NULL) {
		if (shim_scratch == NULL)
			shim_scratch = shim_map_buffer();
		if (shim_scratch == NULL)
			return shim_raw_regset(PTRACE_GETREGSET, pid, NT_X86_XSTATE, iov);
		buf = shim_scratch;
	} else {
		buf = slot->state;
	}
	rc = shim_get_full(pid, buf);
	if (rc != 0)
		return rc;
	if (len > shim_full_size)
		len = shim_full_size;
	memcpy(iov->iov_base, buf, len);
	iov->iov_len = len;
	if (slot != NULL)
		slot->valid = 1;
	return 0;
}

static long shim_setregset(pid_t pid, struct iovec *iov)
{
	struct shim_slot *slot;
	struct iovec full;
	unsigned char *buf;
	size_t len = iov->iov_len;
	uint64_t covered, bv_new, bv_kept;
	long rc;

	if (shim_full_size == 0) {
		/* Learn the host size (and the tracee's state) first. */
		if (shim_scratch == NULL)
			shim_scratch = shim_map_buffer();
		if (shim_scratch == NULL || shim_get_full(pid, shim_scratch) != 0)
			return shim_raw_regset(PTRACE_SETREGSET, pid, NT_X86_XSTATE, iov);
	}
	if (len >= shim_full_size || len < XSAVE_HEADER_END)
		return shim_raw_regset(PTRACE_SETREGSET, pid, NT_X86_XSTATE, iov);

	slot = shim_slot_get(iov->iov_base);
	if (slot != NULL && slot->valid) {
		buf = slot->state;
	} else {
		buf = slot != NULL ? slot->state : shim_scratch;
		if (buf == NULL) {
			shim_scratch = shim_map_buffer();
			buf = shim_scratch;
		}
		if (buf == NULL)
			return shim_raw_regset(PTRACE_SETREGSET, pid, NT_X86_XSTATE, iov);
		rc = shim_get_full(pid, buf);
		if (rc != 0)
			return rc;
		if (slot != NULL)
			slot->valid = 1;
	}

	covered = shim_covered_features(len);
	bv_kept = shim_read_bv(buf) & ~covered;
	memcpy(buf, iov->iov_base, len);
	bv_new = (shim_read_bv(buf) & covered) | bv_kept;
	memcpy(buf + XSAVE_LEGACY_END, &bv_new, sizeof(bv_new));

	full.iov_base = buf;
	full.iov_len = shim_full_size;
	return shim_raw_regset(PTRACE_SETREGSET, pid, NT_X86_XSTATE, &full);
}

long ptrace(enum __ptrace_request request, ...)
{
	static shim_ptrace_fn real_ptrace;
	va_list ap;
	pid_t pid;
	void *addr;
	void *data;

	va_start(ap, request);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);

	if ((request == PTRACE_GETREGSET || request == PTRACE_SETREGSET) &&
	    (uintptr_t)addr == NT_X86_XSTATE && data != NULL) {
		struct iovec *iov = data;
		long rc = request == PTRACE_GETREGSET ? shim_getregset(pid, iov) : shim_setregset(pid, iov);
		return rc;
	}

	if (real_ptrace == NULL) {
		real_ptrace = (shim_ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
		if (real_ptrace == NULL) {
			errno = ENOSYS;
			return -1;
		}
	}
	return real_ptrace(request, pid, addr, data);
}
