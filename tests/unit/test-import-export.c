/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Import/export of SSTP connections: the .sstp keyfile round-trips every
 * non-secret key of the settings table; Windows phonebooks (UTF-16 with BOM,
 * UTF-8, CRLF, several entries) give their first SSTP entry; broken files
 * give an error that names the line. The last tests load the built base
 * plugin the way nmcli does and import/export through it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "nm-sstp-editor-plugin.h"
#include "nm-sstp-import-export.h"
#include "nm-sstp-settings.h"

static char *
fixture(const char *name)
{
	return g_build_filename(SSTP_FIXTURES_DIR, name, NULL);
}

static NMConnection *
import_fixture(const char *name, GError **error)
{
	g_autofree char *path = fixture(name);

	return nm_sstp_import_file(path, error);
}

static const char *
vpn_item(NMConnection *connection, const char *key)
{
	return nm_setting_vpn_get_data_item(nm_connection_get_setting_vpn(connection), key);
}

/* A valid value of `key` that differs from the table default, chosen from the
 * key's type and range only (no list of keys here). */
static char *
value_for_key(const NMSstpKey *key)
{
	const char *def = key->default_value;
	guint i;

	switch (key->type) {
	case NM_SSTP_KEY_BOOL:
		return g_strdup(g_strcmp0(def, "yes") == 0 ? "no" : "yes");
	case NM_SSTP_KEY_UINT:
	case NM_SSTP_KEY_SECRET_FLAGS: {
		guint v = key->max > key->min ? key->max - 1 : key->min;

		if (def && (guint) atoi(def) == v)
			v = key->min;
		return g_strdup_printf("%u", v);
	}
	case NM_SSTP_KEY_ENUM:
		for (i = 0; key->enum_values && key->enum_values[i]; i++) {
			if (g_strcmp0(key->enum_values[i], def) != 0)
				return g_strdup(key->enum_values[i]);
		}
		return g_strdup(key->enum_values[0]);
	case NM_SSTP_KEY_PATH:
		/* the user certificate and key as PKCS#11 URIs: kept as they are */
		if (key->flags & NM_SSTP_KEY_FLAG_PKCS11)
			return g_strdup_printf("pkcs11:token=My%%20Card;id=%%01;object=%s", key->name);
		return g_strdup_printf("/etc/sstp-test/%s.pem", key->name);
	case NM_SSTP_KEY_HOSTPORT:
		return g_strdup("vpn.example.com:8443");
	case NM_SSTP_KEY_HOST:
		return g_strdup("proxy.example.com");
	case NM_SSTP_KEY_SHA256_HEX:
		return g_strdup("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
	case NM_SSTP_KEY_STRING:
	default:
		return g_strdup_printf("v-%s", key->name);
	}
}

/* A connection with every non-secret key of the table set to a valid
 * non-default value, and every secret set too (so the test sees them
 * dropped). */
static NMConnection *
connection_with_every_key(void)
{
	NMConnection *connection = nm_simple_connection_new();
	NMSetting *s_con = nm_setting_connection_new();
	NMSettingVpn *s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());
	const NMSstpKey *keys;
	gsize n, i;

	g_object_set(s_con, NM_SETTING_CONNECTION_ID, "Every key = ünïcode [test]",
	             NM_SETTING_CONNECTION_UUID, "4f2b8c1e-7a3d-4e5f-9b6a-1c2d3e4f5a6b",
	             NM_SETTING_CONNECTION_TYPE, NM_SETTING_VPN_SETTING_NAME, NULL);
	g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_DBUS_SERVICE, NULL);

	keys = nm_sstp_settings_keys(&n);
	g_assert_cmpuint(n, >, 10);
	for (i = 0; i < n; i++) {
		g_autofree char *value = value_for_key(&keys[i]);
		g_autoptr(GError) error = NULL;

		/* The generated value must itself be valid, or the test proves nothing. */
		g_assert_true(nm_sstp_settings_validate_value(keys[i].name, value, &error));
		g_assert_no_error(error);
		if (keys[i].type == NM_SSTP_KEY_SECRET)
			nm_setting_vpn_add_secret(s_vpn, keys[i].name, "s3cr3t-value");
		else
			nm_setting_vpn_add_data_item(s_vpn, keys[i].name, value);
	}
	nm_connection_add_setting(connection, s_con);
	nm_connection_add_setting(connection, NM_SETTING(s_vpn));
	return connection;
}

static void
test_roundtrip_every_key(void)
{
	g_autoptr(NMConnection) original = connection_with_every_key();
	g_autoptr(NMConnection) imported = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL;
	NMSettingVpn *s_orig, *s_new;
	const NMSstpKey *keys;
	gsize n, i;

	text = nm_sstp_export_to_string(original, &error);
	g_assert_no_error(error);
	g_assert_nonnull(text);
	g_assert_null(strstr(text, "s3cr3t-value"));

	imported = nm_sstp_import_data((const guint8 *) text, strlen(text), "ignored.sstp", &error);
	g_assert_no_error(error);
	g_assert_nonnull(imported);
	g_assert_cmpstr(nm_connection_get_id(imported), ==, "Every key = ünïcode [test]");

	s_orig = nm_connection_get_setting_vpn(original);
	s_new = nm_connection_get_setting_vpn(imported);
	g_assert_cmpstr(nm_setting_vpn_get_service_type(s_new), ==, NM_SSTP_DBUS_SERVICE);
	keys = nm_sstp_settings_keys(&n);
	for (i = 0; i < n; i++) {
		g_autofree char *expected = NULL;

		if (keys[i].type == NM_SSTP_KEY_SECRET) {
			g_assert_null(nm_setting_vpn_get_secret(s_new, keys[i].name));
			g_assert_null(nm_setting_vpn_get_data_item(s_new, keys[i].name));
			continue;
		}
		g_assert_true(nm_sstp_settings_normalize_value(
		    keys[i].name, nm_setting_vpn_get_data_item(s_orig, keys[i].name), &expected, NULL));
		if (g_strcmp0(nm_setting_vpn_get_data_item(s_new, keys[i].name), expected) != 0)
			g_error("key %s: exported %s, imported %s", keys[i].name, expected,
			        nm_setting_vpn_get_data_item(s_new, keys[i].name));
	}
	g_assert_cmpuint(nm_setting_vpn_get_num_data_items(s_new), ==,
	                 nm_setting_vpn_get_num_data_items(s_orig));

	/* The imported connection is complete enough for NetworkManager. */
	g_assert_true(nm_connection_normalize(imported, NULL, NULL, &error));
	g_assert_no_error(error);
}

/* Export → file → import, through the file functions. */
static void
test_roundtrip_file(void)
{
	g_autoptr(NMConnection) imported = NULL;
	g_autoptr(NMConnection) again = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("sstp-ie-XXXXXX", &error);
	g_autofree char *path = NULL;
	g_autofree char *a = NULL, *b = NULL;

	g_assert_no_error(error);
	imported = import_fixture("full.sstp", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_connection_get_id(imported), ==, "Example Corp");
	g_assert_cmpstr(vpn_item(imported, NM_SSTP_KEY_GATEWAY), ==, "vpn.example.com:8443");
	g_assert_cmpstr(vpn_item(imported, NM_SSTP_KEY_MTU), ==, "1350");
	g_assert_cmpstr(vpn_item(imported, NM_SSTP_KEY_TLS_SERVER_NAME), ==, "vpn.example.com");

	path = g_build_filename(dir, "out.sstp", NULL);
	g_assert_true(nm_sstp_export_file(path, imported, &error));
	g_assert_no_error(error);
	again = nm_sstp_import_file(path, &error);
	g_assert_no_error(error);
	a = nm_sstp_export_to_string(imported, NULL);
	b = nm_sstp_export_to_string(again, NULL);
	g_assert_cmpstr(a, ==, b);
	g_unlink(path);
	g_rmdir(dir);
}

static void
test_minimal_uses_file_name(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(NMConnection) c = import_fixture("minimal.sstp", &error);

	g_assert_no_error(error);
	g_assert_cmpstr(nm_connection_get_id(c), ==, "minimal");
	g_assert_cmpstr(vpn_item(c, NM_SSTP_KEY_GATEWAY), ==, "vpn.example.com");
	g_assert_cmpuint(nm_setting_vpn_get_num_data_items(nm_connection_get_setting_vpn(c)), ==, 1);
}

static void
assert_error_mentions(GError *error, const char *a, const char *b)
{
	g_assert_nonnull(error);
	g_test_message("error: %s", error->message);
	if (a && !strstr(error->message, a))
		g_error("error “%s” lacks “%s”", error->message, a);
	if (b && !strstr(error->message, b))
		g_error("error “%s” lacks “%s”", error->message, b);
}

static void
test_sstp_errors(void)
{
	struct {
		const char *file;
		const char *mention1;
		const char *mention2;
	} cases[] = {
		{ "broken-line.sstp", "line 6", "not a key value pair" },
		{ "bad-value.sstp", "line 3", "mtu" },
		{ "unknown-key.sstp", "line 3", "no-such-key" },
		{ "secret.sstp", "line 4", "secret" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(NMConnection) c = import_fixture(cases[i].file, &error);

		g_assert_null(c);
		assert_error_mentions(error, cases[i].mention1, cases[i].mention2);
		/* the secret's value is never echoed */
		g_assert_null(strstr(error->message, "hunter2"));
	}
}

static void
test_sstp_errors_inline(void)
{
	struct {
		const char *text;
		const char *mention1;
		const char *mention2;
	} cases[] = {
		{ "[sstp]\ngateway=a.example.com\ngateway=b.example.com\n", "line 3", "twice" },
		{ "[sstp]\n[sstp]\ngateway=a.example.com\n", "line 2", "twice" },
		{ "[sstp\ngateway=a.example.com\n", "line 1", NULL },
		{ "[connection]\nid=x\n", "no [sstp] group", NULL },
		{ "[sstp]\nmtu=1400\n", "gateway", NULL },
		{ "[sstp]\ngateway=a.example.com\nrefuse-pap=maybe\n", "line 3", "refuse-pap" },
		{ "[connection]\nname=x\n[sstp]\ngateway=a.example.com\n", "line 2", "name" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(NMConnection) c = nm_sstp_import_data((const guint8 *) cases[i].text,
		                                                strlen(cases[i].text), NULL, &error);

		g_assert_null(c);
		assert_error_mentions(error, cases[i].mention1, cases[i].mention2);
	}
}

static void
test_pbk_utf16_bom_crlf(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(NMConnection) c = import_fixture("azure-p2s.pbk", &error);

	g_assert_no_error(error);
	g_assert_cmpstr(nm_connection_get_id(c), ==, "ContosoVNet");
	g_assert_cmpstr(vpn_item(c, NM_SSTP_KEY_GATEWAY), ==,
	                "azuregateway-0f3a1c52-7d4e-4b21-9c1a-2e5f6d7c8b9a-5e8d1f2a3b4c.vpn.azure.com");
	/* CustomAuthKey=13: EAP-TLS */
	g_assert_cmpstr(vpn_item(c, NM_SSTP_KEY_CONNECTION_TYPE), ==, NM_SSTP_CONTYPE_TLS);
	g_assert_true(nm_connection_normalize(c, NULL, NULL, &error));
	g_assert_no_error(error);
}

static void
test_pbk_multi_picks_first_sstp(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(NMConnection) c = import_fixture("utf8-crlf-multi.pbk", &error);

	g_assert_no_error(error);
	/* The L2TP and IKEv2 entries before it are skipped; of the two SSTP
	 * entries the first is taken, and of its phone numbers the first. */
	g_assert_cmpstr(nm_connection_get_id(c), ==, "Corp SSTP");
	g_assert_cmpstr(vpn_item(c, NM_SSTP_KEY_GATEWAY), ==, "vpn.corp.example.com:8443");
	g_assert_null(vpn_item(c, NM_SSTP_KEY_CONNECTION_TYPE));
}

static void
test_pbk_utf16_without_bom(void)
{
	const char *text = "[NoBom]\r\nVpnStrategy=6\r\nPhoneNumber=203.0.113.7\r\n";
	g_autoptr(GError) error = NULL;
	g_autofree char *utf16 = NULL;
	gsize len = 0;
	g_autoptr(NMConnection) c = NULL;

	utf16 = g_convert(text, -1, "UTF-16LE", "UTF-8", NULL, &len, &error);
	g_assert_no_error(error);
	c = nm_sstp_import_data((const guint8 *) utf16, len, "x.pbk", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_connection_get_id(c), ==, "NoBom");
	g_assert_cmpstr(vpn_item(c, NM_SSTP_KEY_GATEWAY), ==, "203.0.113.7");
}

static void
test_pbk_errors(void)
{
	struct {
		const char *file;
		const char *mention1;
		const char *mention2;
	} cases[] = {
		{ "no-sstp.pbk", "Office L2TP", "Home IKEv2" },
		{ "broken-line.pbk", "line 4", "this line has no equals sign" },
		{ "broken-section.pbk", "line 7", "Unclosed entry" },
		{ "bad-phone.pbk", "line 5", "gateway" },
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		g_autoptr(NMConnection) c = import_fixture(cases[i].file, &error);

		g_assert_null(c);
		assert_error_mentions(error, cases[i].mention1, cases[i].mention2);
	}
}

static void
test_not_text(void)
{
	const guint8 binary[] = { 0x7f, 'E', 'L', 'F', 0, 0, 1, 2, 0xff, 0xfe };
	const char latin1[] = "[Caf\xe9]\nVpnStrategy=5\nPhoneNumber=a.example.com\n";
	g_autoptr(GError) e1 = NULL;
	g_autoptr(GError) e2 = NULL;
	g_autoptr(GError) e3 = NULL;
	g_autofree guint8 *big = g_malloc0(NM_SSTP_IMPORT_MAX_BYTES + 1);

	g_assert_null(nm_sstp_import_data(binary, sizeof(binary), NULL, &e1));
	g_assert_nonnull(e1);
	g_assert_null(nm_sstp_import_data((const guint8 *) latin1, strlen(latin1), NULL, &e2));
	assert_error_mentions(e2, "UTF-8", NULL);
	g_assert_null(nm_sstp_import_data(big, NM_SSTP_IMPORT_MAX_BYTES + 1, NULL, &e3));
	assert_error_mentions(e3, "larger", NULL);
}

static void
test_export_refuses_bad_values(void)
{
	g_autoptr(NMConnection) c = NULL;
	g_autoptr(GError) error = NULL;
	NMSettingVpn *s_vpn;

	c = import_fixture("minimal.sstp", &error);
	g_assert_no_error(error);
	s_vpn = nm_connection_get_setting_vpn(c);
	nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_MTU, "99999");
	g_assert_null(nm_sstp_export_to_string(c, &error));
	assert_error_mentions(error, "mtu", NULL);
}

/* Found by tests/fuzz/fuzz-import.c: an EAP-TLS phonebook entry imports
 * without a user certificate (the user picks it in the editor), and its
 * export used to write a .sstp that our own import refuses. Export now
 * says what is missing instead. */
static void
test_export_refuses_incomplete(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(NMConnection) c = import_fixture("azure-p2s.pbk", &error);
	g_autofree char *text = NULL;

	g_assert_no_error(error);
	text = nm_sstp_export_to_string(c, &error);
	g_assert_null(text);
	assert_error_mentions(error, "tls-user-cert", NULL);
}

/* Found by tests/fuzz/fuzz-import.c: a file name holding a backslash was
 * stored and exported with a single backslash, which every later read (the
 * service's too) takes as the start of an old utf8safe escape ("\\T" became
 * "T", "\\v" a control character). It is stored and written doubled. */
static void
test_roundtrip_backslash_path(void)
{
	static const char file[] = "[sstp]\ngateway=vpn.example.com\nca-cert=/etc/ssl/odd\\\\Tname.pem\n";
	g_autoptr(GError) error = NULL;
	g_autoptr(NMConnection) c = NULL, again = NULL;
	g_autofree char *text = NULL;

	c = nm_sstp_import_data((const guint8 *) file, strlen(file), "b.sstp", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_setting_vpn_get_data_item(nm_connection_get_setting_vpn(c), "ca-cert"), ==,
	                "/etc/ssl/odd\\\\Tname.pem");
	text = nm_sstp_export_to_string(c, &error);
	g_assert_no_error(error);
	g_assert_nonnull(strstr(text, "ca-cert=/etc/ssl/odd\\\\Tname.pem\n"));
	again = nm_sstp_import_data((const guint8 *) text, strlen(text), "b.sstp", &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_setting_vpn_get_data_item(nm_connection_get_setting_vpn(again), "ca-cert"), ==,
	                "/etc/ssl/odd\\\\Tname.pem");
}

static void
test_suggested_filename(void)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(NMConnection) c = import_fixture("full.sstp", &error);
	g_autofree char *name = NULL;

	g_assert_no_error(error);
	g_object_set(nm_connection_get_setting_connection(c), NM_SETTING_CONNECTION_ID, "a/b", NULL);
	name = nm_sstp_export_suggested_filename(c);
	g_assert_cmpstr(name, ==, "a_b.sstp");
}

/* The built plugin, loaded as nmcli and the editors load it. */
static void
test_plugin_import_export(void)
{
	g_autoptr(NMVpnEditorPlugin) plugin = NULL;
	g_autoptr(NMConnection) c = NULL;
	g_autoptr(NMConnection) back = NULL;
	g_autoptr(NMVpnEditor) editor = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *pbk = fixture("utf8-crlf-multi.pbk");
	g_autofree char *dir = g_dir_make_tmp("sstp-plugin-XXXXXX", NULL);
	g_autofree char *out = g_build_filename(dir, "out.sstp", NULL);
	g_autofree char *service = NULL;

	plugin = nm_vpn_editor_plugin_load(SSTP_BASE_PLUGIN, NM_SSTP_DBUS_SERVICE, &error);
	g_assert_no_error(error);
	g_assert_nonnull(plugin);
	g_object_get(plugin, NM_VPN_EDITOR_PLUGIN_SERVICE, &service, NULL);
	g_assert_cmpstr(service, ==, NM_SSTP_DBUS_SERVICE);
	g_assert_cmpint(nm_vpn_editor_plugin_get_capabilities(plugin), ==,
	                NM_VPN_EDITOR_PLUGIN_CAPABILITY_IMPORT | NM_VPN_EDITOR_PLUGIN_CAPABILITY_EXPORT
	                    | NM_VPN_EDITOR_PLUGIN_CAPABILITY_IPV6);

	c = nm_vpn_editor_plugin_import(plugin, pbk, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_connection_get_id(c), ==, "Corp SSTP");
	g_assert_true(nm_vpn_editor_plugin_export(plugin, out, c, &error));
	g_assert_no_error(error);
	back = nm_vpn_editor_plugin_import(plugin, out, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_connection_get_id(back), ==, "Corp SSTP");
	g_assert_cmpstr(vpn_item(back, NM_SSTP_KEY_GATEWAY), ==, "vpn.corp.example.com:8443");

	/* No GTK in this process: no editor, and an error that says why. */
	editor = nm_vpn_editor_plugin_get_editor(plugin, c, &error);
	g_assert_null(editor);
	assert_error_mentions(error, "GTK", NULL);

	g_unlink(out);
	g_rmdir(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/import-export/sstp/roundtrip-every-key", test_roundtrip_every_key);
	g_test_add_func("/import-export/sstp/roundtrip-file", test_roundtrip_file);
	g_test_add_func("/import-export/sstp/minimal", test_minimal_uses_file_name);
	g_test_add_func("/import-export/sstp/errors-name-the-line", test_sstp_errors);
	g_test_add_func("/import-export/sstp/errors-inline", test_sstp_errors_inline);
	g_test_add_func("/import-export/sstp/export-refuses-bad-values", test_export_refuses_bad_values);
	g_test_add_func("/import-export/sstp/export-refuses-incomplete", test_export_refuses_incomplete);
	g_test_add_func("/import-export/sstp/roundtrip-backslash-path", test_roundtrip_backslash_path);
	g_test_add_func("/import-export/sstp/suggested-filename", test_suggested_filename);
	g_test_add_func("/import-export/pbk/utf16-bom-crlf", test_pbk_utf16_bom_crlf);
	g_test_add_func("/import-export/pbk/first-sstp-entry", test_pbk_multi_picks_first_sstp);
	g_test_add_func("/import-export/pbk/utf16-without-bom", test_pbk_utf16_without_bom);
	g_test_add_func("/import-export/pbk/errors", test_pbk_errors);
	g_test_add_func("/import-export/not-text", test_not_text);
	g_test_add_func("/import-export/plugin", test_plugin_import_export);
	return g_test_run();
}
