/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A PKCS#11 module with no slots that a profile's user may register in their
 * own p11-kit configuration (~/.config/pkcs11/modules/) and that makes
 * "p11-kit remote" hard to end: it ignores SIGTERM from the moment it is
 * loaded, and it never lets the process exit (its destructor, which runs at
 * exit, waits for ever), so the remote, once its client has gone, stays.
 * C_Finalize() itself returns: a client's C_Finalize() reaches it over RPC
 * and must not hang (that would stop the worker's token check instead).
 *
 * test-nm-eap-tls-pkcs11.sh loads it next to the user's real token: the
 * service runs every p11-kit remote as that user with that configuration, and
 * must end such a process at teardown (SIGKILL) instead of waiting for it for
 * ever. Test code only; never installed.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

/* SIGPIPE too: p11-kit remote writing to a client that has gone would
 * otherwise die of it before reaching exit. */
__attribute__((constructor)) static void
stuck_loaded(void)
{
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
}

__attribute__((destructor)) static void
stuck_unloaded(void)
{
	for (;;)
		pause();
}

static CK_RV
stuck_initialize(CK_VOID_PTR args)
{
	(void) args;
	return CKR_OK;
}

static CK_RV
stuck_finalize(CK_VOID_PTR reserved)
{
	(void) reserved;
	return CKR_OK;
}

static CK_RV
stuck_get_info(CK_INFO_PTR info)
{
	memset(info, ' ', sizeof(*info));
	info->cryptokiVersion.major = 2;
	info->cryptokiVersion.minor = 40;
	info->flags = 0;
	info->libraryVersion.major = 1;
	info->libraryVersion.minor = 0;
	return CKR_OK;
}

static CK_RV
stuck_get_slot_list(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
	(void) token_present;
	(void) list;
	*count = 0;
	return CKR_OK;
}

static CK_RV stuck_get_function_list(CK_FUNCTION_LIST_PTR_PTR list);

/* Everything else stays NULL: with no slot, nobody calls it. */
static CK_FUNCTION_LIST stuck_functions = {
	.version = { 2, 40 },
	.C_Initialize = stuck_initialize,
	.C_Finalize = stuck_finalize,
	.C_GetInfo = stuck_get_info,
	.C_GetFunctionList = stuck_get_function_list,
	.C_GetSlotList = stuck_get_slot_list,
};

static CK_RV
stuck_get_function_list(CK_FUNCTION_LIST_PTR_PTR list)
{
	*list = &stuck_functions;
	return CKR_OK;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list);

CK_RV
C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	return stuck_get_function_list(list);
}
