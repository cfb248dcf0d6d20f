/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The auth dialog's secrets are wiped before their memory is freed
 * (auth-dialog/nm-sstp-auth-secrets.c): a known value replaced by what the
 * user typed, every value at the end, and the values of the secrets table
 * NetworkManager wrote on stdin.
 *
 * Linked with -Wl,--wrap=g_free: each g_free() of that file goes through
 * __wrap_g_free() below, which looks at a watched buffer at the moment it
 * is freed. Looking afterwards would be a use-after-free, not a test.
 */
#include "config.h"

#include <string.h>

#include <glib.h>

#include "nm-sstp-auth-secrets.h"

void __wrap_g_free(gpointer mem);
void __real_g_free(gpointer mem);

static struct {
	const char *buf;     /* the buffer to look at when it is freed */
	size_t len;
	gboolean freed;
	gboolean wiped;      /* its len bytes were all zero then */
} watch;

void
__wrap_g_free(gpointer mem)
{
	if (mem && mem == watch.buf) {
		watch.freed = TRUE;
		watch.wiped = TRUE;
		for (size_t i = 0; i < watch.len; i++) {
			if (watch.buf[i] != 0)
				watch.wiped = FALSE;
		}
		watch.buf = NULL;
	}
	__real_g_free(mem);
}

static void
watch_buffer(const char *buf)
{
	watch.buf = buf;
	watch.len = strlen(buf);
	watch.freed = FALSE;
	watch.wiped = FALSE;
}

/* The password dialog's answer replaces a known (stale) value. */
static void
test_set_value_wipes_old(void)
{
	NMSstpAuthRequest req;

	memset(&req, 0, sizeof(req));
	req.value[NM_SSTP_SECRET_PASSWORD] = g_strdup("stale-password");
	watch_buffer(req.value[NM_SSTP_SECRET_PASSWORD]);
	nm_sstp_auth_request_set_value(&req, NM_SSTP_SECRET_PASSWORD, "typed-password");
	g_assert_true(watch.freed);
	g_assert_true(watch.wiped);
	g_assert_cmpstr(req.value[NM_SSTP_SECRET_PASSWORD], ==, "typed-password");

	watch_buffer(req.value[NM_SSTP_SECRET_PASSWORD]);
	nm_sstp_auth_request_set_value(&req, NM_SSTP_SECRET_PASSWORD, NULL);
	g_assert_true(watch.freed);
	g_assert_true(watch.wiped);
	g_assert_null(req.value[NM_SSTP_SECRET_PASSWORD]);
	nm_sstp_auth_request_clear(&req);
}

static void
test_clear_wipes(void)
{
	NMSstpAuthRequest req;

	memset(&req, 0, sizeof(req));
	req.value[NM_SSTP_SECRET_PROXY_PASSWORD] = g_strdup("proxy-secret");
	watch_buffer(req.value[NM_SSTP_SECRET_PROXY_PASSWORD]);
	nm_sstp_auth_request_clear(&req);
	g_assert_true(watch.freed);
	g_assert_true(watch.wiped);
	g_assert_null(req.value[NM_SSTP_SECRET_PROXY_PASSWORD]);
}

/* The table is still alive here, so its values can be read. */
static void
test_secrets_table_wiped(void)
{
	GHashTable *secrets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	char *value = g_strdup("from-networkmanager");
	size_t len = strlen(value);

	g_hash_table_insert(secrets, g_strdup("password"), value);
	nm_sstp_auth_secrets_wipe(secrets);
	for (size_t i = 0; i < len; i++)
		g_assert_cmpint(value[i], ==, 0);
	nm_sstp_auth_secrets_wipe(NULL);
	g_hash_table_unref(secrets);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/auth-secrets/set-value-wipes-old", test_set_value_wipes_old);
	g_test_add_func("/auth-secrets/clear-wipes", test_clear_wipes);
	g_test_add_func("/auth-secrets/secrets-table-wiped", test_secrets_table_wiped);
	return g_test_run();
}
