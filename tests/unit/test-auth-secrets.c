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

/* Without hints (nmcli --ask before the service asks), a key or a
 * certificate on a PKCS#11 token needs the key password: the token's PIN. */
static void
test_pkcs11_needs_pin(void)
{
	const char *cases[][3] = {
		{ "pkcs11:token=t;object=a", "pkcs11:token=t;object=a", "1" },
		{ "pkcs11:token=t;object=a", NULL, "1" },
		{ "/nonexistent/alice.pem", "pkcs11:token=t;object=a", "1" },
		{ "/nonexistent/alice.pem", "/nonexistent/alice.key", "0" },
	};
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		GHashTable *data = g_hash_table_new(g_str_hash, g_str_equal);
		GHashTable *secrets = g_hash_table_new(g_str_hash, g_str_equal);
		NMSstpAuthRequest req;

		g_hash_table_insert(data, (char *) "connection-type", (char *) "tls");
		g_hash_table_insert(data, (char *) "tls-user-cert", (char *) cases[i][0]);
		if (cases[i][1])
			g_hash_table_insert(data, (char *) "tls-user-key", (char *) cases[i][1]);
		nm_sstp_auth_request_init(&req, data, secrets, NULL);
		g_assert_cmpint(req.need[NM_SSTP_SECRET_KEY_PASSPHRASE], ==, cases[i][2][0] == '1');
		nm_sstp_auth_request_clear(&req);
		g_hash_table_unref(data);
		g_hash_table_unref(secrets);
	}
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/auth-secrets/set-value-wipes-old", test_set_value_wipes_old);
	g_test_add_func("/auth-secrets/clear-wipes", test_clear_wipes);
	g_test_add_func("/auth-secrets/secrets-table-wiped", test_secrets_table_wiped);
	g_test_add_func("/auth-secrets/pkcs11-needs-pin", test_pkcs11_needs_pin);
	return g_test_run();
}
