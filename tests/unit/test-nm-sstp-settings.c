/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the vpn.data key table (src/common/nm-sstp-settings.c): every
 * key's sanitizer, whole-profile validation (old NetworkManager-sstp
 * profiles included), the worker's argument words, secrets never showing up
 * in messages, and the generated man page listing every key.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "nm-sstp-settings.h"
#include "sstp-validate.h"
#include "tunnel-options.h"

#define SERVICE_TYPE "org.freedesktop.NetworkManager.sstp"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

/* A vpn setting from NULL-terminated key, value lists. */
static NMSettingVpn *
profile_new(const char *const *data, const char *const *secrets)
{
	NMSettingVpn *s = NM_SETTING_VPN(nm_setting_vpn_new());
	gsize i;

	g_object_set(s, NM_SETTING_VPN_SERVICE_TYPE, SERVICE_TYPE, NULL);
	for (i = 0; data && data[i]; i += 2)
		nm_setting_vpn_add_data_item(s, data[i], data[i + 1]);
	for (i = 0; secrets && secrets[i]; i += 2)
		nm_setting_vpn_add_secret(s, secrets[i], secrets[i + 1]);
	return s;
}

static void
collect_warning(const char *msg, gpointer user_data)
{
	g_ptr_array_add((GPtrArray *) user_data, g_strdup(msg));
}

/* Compare the argument words with the expected NULL-terminated list, word by
 * word, and say which word differs. */
static void
assert_words(GPtrArray *args, const char *const *expected)
{
	guint i;

	g_assert_nonnull(args);
	g_assert_cmpuint(args->len, >, 0);
	g_assert_null(args->pdata[args->len - 1]);
	for (i = 0; expected[i]; i++) {
		if (i >= args->len - 1)
			g_error("argument %u missing, expected “%s”", i, expected[i]);
		if (g_strcmp0(args->pdata[i], expected[i]) != 0)
			g_error("argument %u is “%s”, expected “%s”", i, (char *) args->pdata[i],
			        expected[i]);
	}
	if (i != args->len - 1)
		g_error("extra argument %u “%s”", i, (char *) args->pdata[i]);
}

static char *
normalize(const char *key, const char *value)
{
	char *out = NULL;
	GError *error = NULL;

	if (!nm_sstp_settings_normalize_value(key, value, &out, &error))
		g_error("%s=%s rejected: %s", key, value, error->message);
	return out;
}

/* The bad value must be rejected with a message naming the key, showing
 * the value for ordinary keys and never for secrets. */
static void
assert_rejected(const NMSstpKey *key, const char *value)
{
	GError *error = NULL;
	char *shown;

	if (nm_sstp_settings_validate_value(key->name, value, &error))
		g_error("%s accepted the bad value “%s”", key->name, value);
	g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
	if (!strstr(error->message, key->name))
		g_error("message for %s does not name the key: %s", key->name, error->message);
	shown = nm_sstp_settings_escape_for_display(value);
	if (key->type == NM_SSTP_KEY_SECRET) {
		if (strstr(error->message, shown) || strstr(error->message, value))
			g_error("message for secret %s shows the value: %s", key->name, error->message);
	} else if (!strstr(error->message, shown)) {
		g_error("message for %s does not show the value “%s”: %s", key->name, shown,
		        error->message);
	}
	g_free(shown);
	g_error_free(error);
}

static void
assert_accepted(const NMSstpKey *key, const char *value)
{
	GError *error = NULL;

	if (!nm_sstp_settings_validate_value(key->name, value, &error))
		g_error("%s rejected the good value “%s”: %s", key->name, value, error->message);
}

/* ------------------------------------------------------------------------ */
/* The table itself                                                          */

static void
test_table_consistent(void)
{
	const NMSstpKey *keys;
	gsize n, i, j;

	keys = nm_sstp_settings_keys(&n);
	g_assert_cmpuint(n, >=, 50);
	for (i = 0; i < n; i++) {
		const NMSstpKey *k = &keys[i];

		g_assert_nonnull(k->name);
		g_assert_nonnull(k->summary);
		g_assert_nonnull(k->description);
		g_assert_nonnull(k->section);
		g_assert_nonnull(k->sanitize);
		g_assert_true(nm_sstp_settings_lookup(k->name) == k);
		if (k->legacy_alias)
			g_assert_true(nm_sstp_settings_lookup(k->legacy_alias) == k);
		if (k->default_value)
			assert_accepted(k, k->default_value);
		if (k->type == NM_SSTP_KEY_ENUM)
			g_assert_nonnull(k->enum_values);
		if (k->type == NM_SSTP_KEY_UINT || k->type == NM_SSTP_KEY_SECRET_FLAGS)
			g_assert_cmpuint(k->min, <=, k->max);
		if (k->map != NM_SSTP_MAP_NONE)
			g_assert_nonnull(k->option);
		if (k->type == NM_SSTP_KEY_SECRET) {
			const NMSstpKey *f = nm_sstp_settings_lookup(k->flags_key);

			g_assert_nonnull(f);
			g_assert_cmpint(f->type, ==, NM_SSTP_KEY_SECRET_FLAGS);
		}
		for (j = i + 1; j < n; j++) {
			g_assert_cmpstr(k->name, !=, keys[j].name);
			if (k->legacy_alias)
				g_assert_cmpstr(k->legacy_alias, !=, keys[j].name);
		}
	}
}

/* Every key the old plugin understood is in the table with its spelling. */
static void
test_table_has_old_keys(void)
{
	static const char *const old_keys[] = {
		"gateway", "uuid", "user", "password", "domain", "ca-cert", "connection-type",
		"ignore-cert-warn", "no-secret", "refuse-eap", "refuse-pap", "refuse-chap",
		"refuse-mschap", "refuse-mschapv2", "require-mppe", "require-mppe-40",
		"require-mppe-128", "mppe-stateful", "nobsdcomp", "nodeflate", "no-vj-comp",
		"lcp-echo-failure", "lcp-echo-interval", "unit", "mtu", "proxy-server", "proxy-port",
		"proxy-user", "proxy-password", "crl-file", "tls-ext", "tls-ca-cert", "tls-identity",
		"tls-subject-name", "tls-user-cert", "tls-user-key", "tls-user-key-secret",
		"tls-verify-key-usage", "tls-verify-method", "tls-remotename", "tls-max-version",
		"tls-user-key-secret-flags", "password-flags", "proxy-password-flags", NULL
	};
	gsize i;

	for (i = 0; old_keys[i]; i++) {
		if (!nm_sstp_settings_lookup(old_keys[i]))
			g_error("old key %s is missing", old_keys[i]);
	}
}

/* ------------------------------------------------------------------------ */
/* Sanitizers: every key, driven by its type                                 */

static void
test_every_key_sanitizer(void)
{
	const NMSstpKey *keys;
	gsize n, i, j;
	char buf[32];

	keys = nm_sstp_settings_keys(&n);
	for (i = 0; i < n; i++) {
		const NMSstpKey *k = &keys[i];

		/* Control characters are refused by every key. */
		assert_rejected(k, "a\nb");
		assert_rejected(k, "x\x1by");

		switch (k->type) {
		case NM_SSTP_KEY_STRING:
			assert_accepted(k, "alice");
			assert_accepted(k, "Jürgen Müller");
			break;
		case NM_SSTP_KEY_BOOL:
			assert_accepted(k, "yes");
			assert_accepted(k, "no");
			assert_accepted(k, "true");
			assert_accepted(k, "0");
			assert_rejected(k, "maybe");
			assert_rejected(k, "yes ");
			break;
		case NM_SSTP_KEY_UINT:
		case NM_SSTP_KEY_SECRET_FLAGS:
			g_snprintf(buf, sizeof buf, "%u", k->min);
			assert_accepted(k, buf);
			g_snprintf(buf, sizeof buf, "%u", k->max);
			assert_accepted(k, buf);
			g_snprintf(buf, sizeof buf, "%u", k->max + 1);
			assert_rejected(k, buf);
			if (k->min > 0) {
				g_snprintf(buf, sizeof buf, "%u", k->min - 1);
				assert_rejected(k, buf);
			}
			assert_rejected(k, "-1");
			assert_rejected(k, "12x");
			assert_rejected(k, " 5");
			assert_rejected(k, "99999999999999999999");
			break;
		case NM_SSTP_KEY_ENUM:
			for (j = 0; k->enum_values[j]; j++)
				assert_accepted(k, k->enum_values[j]);
			assert_rejected(k, "bogus");
			break;
		case NM_SSTP_KEY_PATH:
			assert_accepted(k, "/etc/ssl/certs/ca.pem");
			assert_accepted(k, "/home/bob/My Certs/ca.pem");
			assert_rejected(k, "ca.pem");
			assert_rejected(k, "~/ca.pem");
			assert_rejected(k, "/tmp/a\\012b"); /* escaped newline */
			assert_rejected(k, "/tmp/a\\000b"); /* escaped NUL: would cut the name short */
			assert_rejected(k, "/tmp/a\\400b"); /* the same, wrapped to one byte */
			break;
		case NM_SSTP_KEY_SECRET:
			assert_accepted(k, "correct horse battery staple");
			assert_accepted(k, "pä$$wörd\\\"'");
			assert_rejected(k, "hunter2\r\n");
			break;
		case NM_SSTP_KEY_HOSTPORT:
			assert_accepted(k, "vpn.example.com");
			assert_accepted(k, "vpn.example.com:8443");
			assert_rejected(k, "vpn example.com");
			assert_rejected(k, "vpn.example.com:0");
			break;
		case NM_SSTP_KEY_HOST:
			assert_accepted(k, "proxy.example.com");
			assert_accepted(k, "192.0.2.7");
			assert_rejected(k, "proxy example.com");
			assert_rejected(k, "http://proxy.example.com");
			break;
		case NM_SSTP_KEY_SHA256_HEX:
			assert_accepted(k, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
			assert_rejected(k, "0123456789abcdef");
			assert_rejected(k, "g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
			break;
		}
	}
}

static void
test_gateway(void)
{
	static const char *const good[] = {
		"vpn.example.com", "vpn.example.com",
		"VPN-1.example.com:443", "VPN-1.example.com:443",
		"vpn.example.com:0443", "vpn.example.com:443",
		"192.0.2.1", "192.0.2.1",
		"192.0.2.1:8443", "192.0.2.1:8443",
		"[2001:db8::1]", "[2001:db8::1]",
		"[2001:db8::1]:443", "[2001:db8::1]:443",
		"2001:db8::1", "[2001:db8::1]", /* bare, as the old plugin allowed */
		"xn--bcher-kva.example", "xn--bcher-kva.example",
		"b\xc3\xbc" "cher.example", "xn--bcher-kva.example", /* g_hostname_to_ascii() */
		"b\xc3\xbc" "cher.example:444", "xn--bcher-kva.example:444",
		"host_name.corp", "host_name.corp",
		"vpn.example.com.", "vpn.example.com",
		"vpn.example.com.:443", "vpn.example.com:443",
		NULL
	};
	static const char *const bad[] = {
		" vpn.example.com", "vpn.example.com ", "vpn..example.com", ".vpn.example.com",
		":443", "vpn.example.com:", "vpn.example.com:65536", "vpn.example.com:-1",
		"vpn.example.com:https", "[2001:db8::1", "[2001:db8::1]443", "[192.0.2.1]",
		"2001:db8::zz", "999.1.1.1", "192.0.2", "b\xff" "cher.example", "https://vpn.example.com",
		"user@vpn.example.com", "vpn.example.com/path", "a;rm -rf", "-vpn.example.com",
		"vpn.-x.example.com", ".", "vpn.example.com..", NULL
	};
	const NMSstpKey *k = nm_sstp_settings_lookup("gateway");
	gsize i;

	for (i = 0; good[i]; i += 2) {
		char *out = normalize("gateway", good[i]);

		g_assert_cmpstr(out, ==, good[i + 1]);
		g_free(out);
	}
	for (i = 0; bad[i]; i++)
		assert_rejected(k, bad[i]);
}

/* One validator: the worker's command line accepts exactly the ASCII
 * gateways the table does, and the table's hello-interval range is the
 * worker's --hello. International names: the table converts them (the worker
 * has no GLib), the worker refuses them with the advice to give the xn-- form,
 * and takes the form the table hands it. */
static void
test_same_checks_as_worker(void)
{
	static const char *const values[] = {
		"vpn.example.com", "vpn.example.com:8443", "192.0.2.1", "[2001:db8::1]:443", "2001:db8::1",
		"b\xc3\xbc" "cher.example", "host_name.corp", "vpn.example.com.",
		"vpn..example.com", "vpn.example.com:0", "vpn.example.com:65536", "[192.0.2.1]",
		"999.1.1.1", "192.0.2", "a;b", "-vpn.example.com", "[2001:db8::1", "b\xff" "cher.example",
		"vpn.example.com:https", ":443", NULL
	};
	const NMSstpKey *hello = nm_sstp_settings_lookup("hello-interval");
	gsize i;

	for (i = 0; values[i]; i++) {
		char err[256] = "";
		char *host = NULL;
		uint16_t port = 0;
		bool is_ip = false;
		char *normalized = NULL;
		gboolean table_ok = nm_sstp_settings_normalize_value("gateway", values[i], &normalized, NULL);
		gboolean worker_ok = tunnel_parse_host_port(values[i], 443, &host, &port, &is_ip, err,
		                                            sizeof(err)) == 0;
		gboolean ascii = TRUE;
		const char *p;

		for (p = values[i]; *p; p++)
			ascii = ascii && (guchar) *p < 0x80;
		if (ascii && table_ok != worker_ok)
			g_error("gateway %s: table %s, worker %s (%s)", values[i], table_ok ? "accepts" : "refuses",
			        worker_ok ? "accepts" : "refuses", err);
		if (!ascii) {
			if (worker_ok)
				g_error("gateway %s: the worker took a non-ASCII name", values[i]);
			if (table_ok && !strstr(err, "ASCII form (xn--"))
				g_error("gateway %s: the worker's error does not say what to give: %s", values[i], err);
		}
		free(host);
		host = NULL;
		/* What the service hands the worker (nm_sstp_settings_worker_args()):
		 * always taken, and the same host. */
		if (table_ok) {
			if (tunnel_parse_host_port(normalized, 443, &host, &port, &is_ip, err, sizeof(err)) != 0)
				g_error("gateway %s: the worker refuses the table's form %s: %s", values[i],
				        normalized, err);
			if (!g_str_has_prefix(normalized, host) && !g_str_has_prefix(normalized + 1, host))
				g_error("gateway %s: the worker made %s of %s", values[i], host, normalized);
			free(host);
		}
		g_free(normalized);
	}
	g_assert_cmpuint(hello->min, ==, SSTP_HELLO_MIN);
	g_assert_cmpuint(hello->max, ==, SSTP_HELLO_MAX);
	g_assert_cmpstr(hello->default_value, ==, "60");
}

static void
test_normalization(void)
{
	static const char *const cases[] = {
		"ignore-cert-warn", "TRUE", "yes",
		"refuse-pap", "1", "yes",
		"refuse-pap", "False", "no",
		"mtu", "01400", "1400",
		"connection-type", "TLS", "tls",
		"ca-cert", "/home/bob/my\\040ca.pem", "/home/bob/my ca.pem",
		"ca-cert", "/home/bob/back\\\\slash.pem", "/home/bob/back\\slash.pem",
		"ca-cert", "/home/bob/caf\\303\\251.pem", "/home/bob/café.pem",
		"ca-cert", "/home/bob/a\\qb.pem", "/home/bob/aqb.pem", /* \\ before any other character: that character */
		"ca-cert", "/home/bob/end\\", "/home/bob/end\\", /* a lone trailing backslash stays */
		"cert-pin-sha256",
		"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"proxy-server", "[2001:db8::2]", "2001:db8::2",
		"tls-ext", "yes", "yes",
		NULL
	};
	gsize i;
	char *out = (char *) "x";

	for (i = 0; cases[i]; i += 3) {
		char *got = normalize(cases[i], cases[i + 1]);

		if (g_strcmp0(got, cases[i + 2]) != 0)
			g_error("%s=%s normalized to “%s”, expected “%s”", cases[i], cases[i + 1], got,
			        cases[i + 2]);
		g_free(got);
	}

	/* Empty means unset: valid, and no value. */
	g_assert_true(nm_sstp_settings_normalize_value("mtu", "", &out, NULL));
	g_assert_null(out);
}

static void
test_unknown_key_value(void)
{
	GError *error = NULL;

	g_assert_false(nm_sstp_settings_validate_value("frobnicate", "1", &error));
	g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
	g_assert_nonnull(strstr(error->message, "frobnicate"));
	g_error_free(error);
}

static void
test_escape_for_display(void)
{
	char *s, *long_value;

	s = nm_sstp_settings_escape_for_display("a\nb\\c\"d");
	g_assert_cmpstr(s, ==, "a\\x0ab\\\\c\\\"d");
	g_free(s);

	s = nm_sstp_settings_escape_for_display("caf\xc3\xa9 \xff");
	g_assert_cmpstr(s, ==, "café \\xff");
	g_free(s);

	long_value = g_strnfill(200, 'x');
	s = nm_sstp_settings_escape_for_display(long_value);
	g_assert_cmpuint(g_utf8_strlen(s, -1), ==, 65);
	g_assert_true(g_str_has_suffix(s, "…"));
	g_free(s);
	g_free(long_value);
}

/* ------------------------------------------------------------------------ */
/* Whole profiles                                                            */

/* A profile as the old NetworkManager-sstp editor wrote it: its spellings,
 * ignore-cert-warn, tls-ext, no connection-type, the uuid and no-secret it
 * stored, and refuse-eap=no: EAP allowed, as the old plugin allowed it. */
static void
test_old_profile(void)
{
	static const char *const data[] = {
		"gateway", "vpn.example.com",
		"user", "bob",
		"domain", "CORP",
		"password-flags", "0",
		"ignore-cert-warn", "yes",
		"ca-cert", "/etc/ssl/certs/corp\\040ca.pem",
		"refuse-eap", "no",
		"refuse-pap", "yes",
		"refuse-chap", "yes",
		"refuse-mschap", "no",
		"refuse-mschapv2", "no",
		"require-mppe", "no",
		"nobsdcomp", "yes",
		"nodeflate", "yes",
		"no-vj-comp", "yes",
		"lcp-echo-failure", "5",
		"lcp-echo-interval", "30",
		"tls-ext", "yes",
		"tls-verify-key-usage", "no",
		"uuid", "6d2a6ad6-3c06-4d4c-8a9a-0d1b7b0c6a11",
		"no-secret", "true",
		NULL
	};
	static const char *const secrets[] = { "password", "s3cret", NULL };
	static const char *const expected[] = {
		"--ca-cert", "/etc/ssl/certs/corp ca.pem",
		"--no-verify",
		"--tls-min", "1.2",
		"--hello", "60",
		"--uuid", "6d2a6ad6-3c06-4d4c-8a9a-0d1b7b0c6a11",
		"--user", "CORP\\bob",
		"--password", "s3cret",
		"vpn.example.com",
		"--",
		"noauth", "refuse-pap", "refuse-chap", "nobsdcomp", "nodeflate", "novj",
		"mtu", "1400", "mru", "1400", "lcp-echo-failure", "5", "lcp-echo-interval", "30",
		NULL
	};
	NMSettingVpn *s = profile_new(data, secrets);
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	GPtrArray *args;

	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(warnings->len, ==, 0);
	g_assert_false(nm_sstp_settings_is_tls(s));
	g_assert_true(nm_sstp_settings_get_bool(s, "tls-sni"));
	g_assert_true(nm_sstp_settings_get_bool(s, "ignore-cert-warn"));

	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	assert_words(args, expected);
	g_ptr_array_unref(args);

	g_ptr_array_unref(warnings);
	g_object_unref(s);
}

/* tls-ext=no keeps its old meaning (no SNI); the new spelling wins over it. */
static void
test_legacy_alias(void)
{
	static const char *const old_no[] = { "gateway", "vpn.example.com", "tls-ext", "no", NULL };
	static const char *const both[] = {
		"gateway", "vpn.example.com", "tls-ext", "no", "tls-sni", "yes", NULL
	};
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	NMSettingVpn *s;
	GPtrArray *args;
	guint i;
	gboolean found;

	s = profile_new(old_no, NULL);
	g_assert_false(nm_sstp_settings_get_bool(s, "tls-sni"));
	args = nm_sstp_settings_worker_args(s, FALSE, NULL);
	g_assert_nonnull(args);
	found = FALSE;
	for (i = 0; i + 1 < args->len; i++)
		found = found || !strcmp(args->pdata[i], "--no-sni");
	g_assert_true(found);
	g_ptr_array_unref(args);
	g_object_unref(s);

	s = profile_new(both, NULL);
	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, NULL));
	g_assert_cmpuint(warnings->len, ==, 1);
	g_assert_nonnull(strstr(warnings->pdata[0], "tls-ext"));
	g_assert_true(nm_sstp_settings_get_bool(s, "tls-sni"));
	g_object_unref(s);
	g_ptr_array_unref(warnings);
}

/* A profile exactly as KDE Plasma's SSTP editor (plasma-nm, vpn/sstp) has
 * NetworkManager save it, read with libnm's keyfile reader, the @NAME@
 * placeholders filled in (the UML test fills them in the same way). */
static NMConnection *
plasma_profile(const char *file, const char *const *fill)
{
	char *path = g_build_filename(SSTP_FIXTURES_DIR, file, NULL);
	char *text = NULL;
	GKeyFile *kf = g_key_file_new();
	GError *error = NULL;
	NMConnection *conn;
	gsize i;

	if (!g_file_get_contents(path, &text, NULL, &error))
		g_error("%s: %s", path, error->message);
	for (i = 0; fill[i]; i += 2) {
		char **parts = g_strsplit(text, fill[i], -1);

		g_free(text);
		text = g_strjoinv(fill[i + 1], parts);
		g_strfreev(parts);
	}
	g_assert_null(strchr(text, '@'));
	if (!g_key_file_load_from_data(kf, text, (gsize) -1, G_KEY_FILE_NONE, &error))
		g_error("%s: %s", path, error->message);
	conn = nm_keyfile_read(kf, SSTP_FIXTURES_DIR, NM_KEYFILE_HANDLER_FLAGS_NONE, NULL, NULL, &error);
	if (!conn)
		g_error("%s: %s", path, error->message);
	g_key_file_unref(kf);
	g_free(text);
	g_free(path);
	return conn;
}

/* KDE writes proxy-port=0 into every profile (its spin box's default) and
 * keeps proxy-password in vpn.data: the profile connects, without a proxy
 * for port 0, and with the password from vpn.data, which is checked like a
 * secret and never shown. */
static void
test_plasma_nm_profiles(void)
{
	static const char *const fill[] = {
		"@GATEWAY@", "vpn.example.com", "@USER@", "alice", "@PASSWORD@", "s3cret",
		"@CA_CERT@", "/etc/ssl/certs/corp.pem", "@PROXY_PORT@", "3128",
		"@PROXY_PASSWORD@", "pr0xy-pw", NULL
	};
	static const char *const minimal_expected[] = {
		"--no-verify", "--tls-min", "1.2", "--hello", "60", "--user", "alice",
		"--password", "s3cret", "vpn.example.com", "--",
		"noauth", "mtu", "1400", "mru", "1400", "lcp-echo-failure", "0",
		"lcp-echo-interval", "0", NULL
	};
	static const char *const full_expected[] = {
		"--ca-cert", "/etc/ssl/certs/corp.pem", "--no-verify", "--tls-min", "1.2",
		"--hello", "60", "--user", "CORP\\alice", "--proxy", "http://127.0.0.1:3128",
		"--proxy-user", "kde-proxy-user", "--password", "s3cret", "--proxy-password", "pr0xy-pw",
		"vpn.example.com", "--",
		"noauth", "refuse-eap", "refuse-pap", "refuse-chap", "refuse-mschap", "require-mppe-128",
		"mppe-stateful", "nobsdcomp", "nodeflate", "novj", "mtu", "1400", "mru", "1400",
		"lcp-echo-failure", "5", "lcp-echo-interval", "30", "unit", "7", NULL
	};
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	NMConnection *conn;
	NMSettingVpn *s;
	GPtrArray *args;
	guint i;

	conn = plasma_profile("plasma-nm-minimal.nmconnection", fill);
	s = nm_connection_get_setting_vpn(conn);
	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, &error));
	g_assert_no_error(error);
	/* proxy-port=0 without a proxy server: nothing to warn about */
	g_assert_cmpuint(warnings->len, ==, 0);
	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	assert_words(args, minimal_expected);
	g_ptr_array_unref(args);
	g_object_unref(conn);

	conn = plasma_profile("plasma-nm-full.nmconnection", fill);
	s = nm_connection_get_setting_vpn(conn);
	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(warnings->len, ==, 1);
	g_assert_nonnull(strstr(warnings->pdata[0], "“proxy-password” is a secret but is stored in "
	                                           "vpn.data"));
	g_assert_null(strstr(warnings->pdata[0], "pr0xy-pw"));
	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	assert_words(args, full_expected);
	g_ptr_array_unref(args);
	/* Without secrets (what may be logged): no proxy password either. */
	args = nm_sstp_settings_worker_args(s, FALSE, &error);
	g_assert_no_error(error);
	for (i = 0; i + 1 < args->len; i++)
		g_assert_cmpstr(args->pdata[i], !=, "pr0xy-pw");
	g_ptr_array_unref(args);
	/* The secret wins over the copy in vpn.data. */
	nm_setting_vpn_add_secret(s, "proxy-password", "from-secrets");
	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	for (i = 0; i + 1 < args->len; i++)
		g_assert_cmpstr(args->pdata[i], !=, "pr0xy-pw");
	g_ptr_array_unref(args);
	/* A bad one in vpn.data fails like a bad secret: key named, value not shown. */
	nm_setting_vpn_remove_secret(s, "proxy-password");
	nm_setting_vpn_add_data_item(s, "proxy-password", "bad\nvalue-shown");
	g_assert_false(nm_sstp_settings_validate(s, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "proxy-password"));
	g_assert_null(strstr(error->message, "value-shown"));
	g_clear_error(&error);
	/* proxy-port 0 or empty with a proxy server: no proxy, with a warning. */
	nm_setting_vpn_add_data_item(s, "proxy-password", "pr0xy-pw");
	for (i = 0; i < 2; i++) {
		guint j;

		nm_setting_vpn_add_data_item(s, "proxy-port", i == 0 ? "0" : "");
		g_ptr_array_set_size(warnings, 0);
		g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, &error));
		g_assert_no_error(error);
		g_assert_cmpuint(warnings->len, ==, 2);
		g_assert_nonnull(strstr(warnings->pdata[1], "connecting without proxy"));
		args = nm_sstp_settings_worker_args(s, TRUE, &error);
		g_assert_no_error(error);
		for (j = 0; j + 1 < args->len; j++) {
			g_assert_cmpstr(args->pdata[j], !=, "--proxy");
			g_assert_cmpstr(args->pdata[j], !=, "pr0xy-pw");
		}
		g_ptr_array_unref(args);
	}
	g_object_unref(conn);
	g_ptr_array_unref(warnings);
}

/* tls-server-name names the server for the TLS checks when the gateway is an
 * address; uuid reaches the worker whatever it holds (the worker sends it
 * only when it is a GUID). */
static void
test_tls_server_name_and_uuid(void)
{
	static const char *const data[] = {
		"gateway", "192.0.2.7:4443", "tls-server-name", "VPN.Example.com.", "uuid", "not-a-guid",
		NULL
	};
	static const char *const expected[] = {
		"--tls-min", "1.2", "--host", "VPN.Example.com", "--hello", "60", "--uuid", "not-a-guid",
		"192.0.2.7:4443", "--", "noauth", "mtu", "1400", "mru", "1400",
		"lcp-echo-failure", "0", "lcp-echo-interval", "0", NULL
	};
	NMSettingVpn *s = profile_new(data, NULL);
	GError *error = NULL;
	GPtrArray *args;

	args = nm_sstp_settings_worker_args(s, FALSE, &error);
	g_assert_no_error(error);
	assert_words(args, expected);
	g_ptr_array_unref(args);
	assert_rejected(nm_sstp_settings_lookup("tls-server-name"), "vpn.example.com:443");
	assert_rejected(nm_sstp_settings_lookup("tls-server-name"), "https://vpn.example.com");
	g_object_unref(s);
}

/* Unknown keys are reported and ignored, never fatal. */
static void
test_unknown_keys_warned(void)
{
	static const char *const data[] = {
		"gateway", "vpn.example.com", "frobnicate", "1", "password", "in-the-wrong-place", NULL
	};
	static const char *const secrets[] = { "otp", "123456", "password", "pw", NULL };
	NMSettingVpn *s = profile_new(data, secrets);
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	gboolean seen_frob = FALSE, seen_otp = FALSE, seen_pw = FALSE;
	guint i;

	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, &error));
	g_assert_no_error(error);
	g_assert_cmpuint(warnings->len, ==, 3);
	for (i = 0; i < warnings->len; i++) {
		const char *w = warnings->pdata[i];

		seen_frob = seen_frob || strstr(w, "frobnicate");
		seen_otp = seen_otp || strstr(w, "otp");
		seen_pw = seen_pw || strstr(w, "password");
		g_assert_null(strstr(w, "123456"));
		g_assert_null(strstr(w, "in-the-wrong-place"));
	}
	g_assert_true(seen_frob && seen_otp && seen_pw);

	/* Also without a callback. */
	g_assert_true(nm_sstp_settings_validate(s, NULL, NULL, &error));
	g_assert_no_error(error);

	g_ptr_array_unref(warnings);
	g_object_unref(s);
}

static void
test_bad_values_fail(void)
{
	static const char *const data[] = { "gateway", "vpn.example.com", "mtu", "9000", NULL };
	NMSettingVpn *s = profile_new(data, NULL);
	GError *error = NULL;

	g_assert_false(nm_sstp_settings_validate(s, NULL, NULL, &error));
	g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
	g_assert_nonnull(strstr(error->message, "mtu"));
	g_assert_nonnull(strstr(error->message, "9000"));
	g_assert_nonnull(strstr(error->message, "4091"));
	g_clear_error(&error);

	g_assert_null(nm_sstp_settings_worker_args(s, TRUE, &error));
	g_assert_nonnull(strstr(error->message, "mtu"));
	g_clear_error(&error);
	g_object_unref(s);
}

static void
test_required(void)
{
	static const char *const no_gateway[] = { "user", "bob", NULL };
	static const char *const tls_no_cert[] = {
		"gateway", "vpn.example.com", "connection-type", "tls", NULL
	};
	NMSettingVpn *s;
	GError *error = NULL;

	s = profile_new(no_gateway, NULL);
	g_assert_false(nm_sstp_settings_validate(s, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "gateway"));
	g_clear_error(&error);
	g_object_unref(s);

	s = profile_new(tls_no_cert, NULL);
	g_assert_false(nm_sstp_settings_validate(s, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "tls-user-cert"));
	g_clear_error(&error);
	g_object_unref(s);
}

/* No message of any kind shows a secret's value. */
static void
test_secrets_never_echoed(void)
{
	const NMSstpKey *keys;
	gsize n, i;

	keys = nm_sstp_settings_keys(&n);
	for (i = 0; i < n; i++) {
		const char *data[] = { "gateway", "vpn.example.com", NULL };
		const char *secrets[] = { keys[i].name, "Tr0ub4dor\n&3", NULL };
		NMSettingVpn *s;
		GError *error = NULL;

		if (keys[i].type != NM_SSTP_KEY_SECRET)
			continue;
		s = profile_new(data, secrets);
		g_assert_false(nm_sstp_settings_validate(s, NULL, NULL, &error));
		g_assert_nonnull(strstr(error->message, keys[i].name));
		g_assert_null(strstr(error->message, "Tr0ub4dor"));
		g_clear_error(&error);
		g_assert_null(nm_sstp_settings_worker_args(s, TRUE, &error));
		g_assert_null(strstr(error->message, "Tr0ub4dor"));
		g_clear_error(&error);
		g_object_unref(s);
	}
}

/* A password profile with every key that changes the words. */
static void
test_full_profile_args(void)
{
	static const char *const data[] = {
		"gateway", "[2001:db8::1]:8443",
		"connection-type", "password",
		"user", "alice",
		"ca-cert", "/etc/ssl/corp.pem",
		"cert-pin-sha256", "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
		"tls-sni", "no",
		"tls-min-version", "1.3",
		"hello-interval", "30",
		"dhcp-inform", "no",
		"proxy-server", "proxy.example.com",
		"proxy-port", "3128",
		"proxy-user", "pxuser",
		"refuse-eap", "yes",
		"refuse-pap", "yes",
		"refuse-chap", "yes",
		"refuse-mschap", "yes",
		"refuse-mschapv2", "no",
		"require-mppe", "yes",
		"require-mppe-40", "no",
		"require-mppe-128", "yes",
		"mppe-stateful", "yes",
		"nobsdcomp", "yes",
		"nodeflate", "yes",
		"no-vj-comp", "yes",
		"nopcomp", "yes",
		"noacomp", "yes",
		"mtu", "1350",
		"mru", "1360",
		"lcp-echo-failure", "4",
		"lcp-echo-interval", "20",
		"unit", "7",
		/* tls keys are kept but unused in password mode */
		"tls-user-cert", "/home/alice/alice.pem",
		NULL
	};
	static const char *const secrets[] = {
		"password", "pw with spaces", "proxy-password", "pxpw", "tls-user-key-secret", "kp", NULL
	};
	static const char *const expected_no_secrets[] = {
		"--ca-cert", "/etc/ssl/corp.pem",
		"--pin-sha256", "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
		"--no-sni",
		"--tls-min", "1.3",
		"--hello", "30",
		"--no-dhcp-inform",
		"--user", "alice",
		"--proxy", "http://proxy.example.com:3128",
		"--proxy-user", "pxuser",
		"[2001:db8::1]:8443",
		"--",
		"noauth", "refuse-eap", "refuse-pap", "refuse-chap", "refuse-mschap",
		"require-mppe", "require-mppe-128", "mppe-stateful",
		"nobsdcomp", "nodeflate", "novj", "nopcomp", "noaccomp",
		"mtu", "1350", "mru", "1360", "lcp-echo-failure", "4", "lcp-echo-interval", "20",
		"unit", "7",
		NULL
	};
	static const char *const expected_secrets[] = {
		"--ca-cert", "/etc/ssl/corp.pem",
		"--pin-sha256", "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
		"--no-sni",
		"--tls-min", "1.3",
		"--hello", "30",
		"--no-dhcp-inform",
		"--user", "alice",
		"--proxy", "http://proxy.example.com:3128",
		"--proxy-user", "pxuser",
		"--password", "pw with spaces",
		"--proxy-password", "pxpw",
		"[2001:db8::1]:8443",
		"--",
		"noauth", "refuse-eap", "refuse-pap", "refuse-chap", "refuse-mschap",
		"require-mppe", "require-mppe-128", "mppe-stateful",
		"nobsdcomp", "nodeflate", "novj", "nopcomp", "noaccomp",
		"mtu", "1350", "mru", "1360", "lcp-echo-failure", "4", "lcp-echo-interval", "20",
		"unit", "7",
		NULL
	};
	NMSettingVpn *s = profile_new(data, secrets);
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	GPtrArray *args;

	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, &error));
	g_assert_cmpuint(warnings->len, ==, 0);

	args = nm_sstp_settings_worker_args(s, FALSE, &error);
	g_assert_no_error(error);
	assert_words(args, expected_no_secrets);
	g_ptr_array_unref(args);

	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	assert_words(args, expected_secrets);
	g_ptr_array_unref(args);

	g_ptr_array_unref(warnings);
	g_object_unref(s);
}

/* Certificate login: EAP-TLS options for pppd, identity as user, the key
 * passphrase as --password; password-only keys are left out. */
static void
test_tls_profile_args(void)
{
	static const char *const data[] = {
		"gateway", "vpn.example.com",
		"connection-type", "tls",
		"user", "bob",
		"domain", "CORP",
		"tls-identity", "alice@corp.example",
		"tls-subject-name", "CN=alice",
		"tls-user-cert", "/home/alice/alice.pem",
		"tls-user-key", "/home/alice/alice.key",
		"crl-file", "/etc/ssl/crl.pem",
		"tls-max-version", "1.2",
		"tls-verify-method", "name",
		"tls-remotename", "radius.corp.example",
		"tls-verify-key-usage", "yes",
		NULL
	};
	static const char *const secrets[] = { "tls-user-key-secret", "keypass", "password", "pw", NULL };
	static const char *const expected[] = {
		"--tls-min", "1.2",
		"--hello", "60",
		"--user", "alice@corp.example",
		"--password", "keypass",
		"vpn.example.com",
		"--",
		"noauth", "need-peer-eap",
		"capath", "/etc/ssl/certs",
		"cert", "/home/alice/alice.pem",
		"key", "/home/alice/alice.key",
		"crl", "/etc/ssl/crl.pem",
#ifdef PPPD_API_2_5
		"tls-verify-method", "name", "remotename", "radius.corp.example",
		"tls-verify-key-usage",
#endif
		"max-tls-version", "1.2",
		"mtu", "1400", "mru", "1400", "lcp-echo-failure", "0", "lcp-echo-interval", "0",
		NULL
	};
	NMSettingVpn *s = profile_new(data, secrets);
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GError *error = NULL;
	GPtrArray *args;
	char *user;

	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, &error));
	g_assert_no_error(error);
#ifdef PPPD_API_2_5
	g_assert_cmpuint(warnings->len, ==, 0);
#else
	/* tls-verify-method, tls-remotename, tls-verify-key-usage */
	g_assert_cmpuint(warnings->len, ==, 3);
#endif
	g_assert_true(nm_sstp_settings_is_tls(s));
	user = nm_sstp_settings_ppp_user(s);
	g_assert_cmpstr(user, ==, "alice@corp.example");
	g_free(user);

	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	assert_words(args, expected);
	g_ptr_array_unref(args);

	/* With a CA file, "ca FILE" instead of the system directory. */
	nm_setting_vpn_add_data_item(s, "tls-ca-cert", "/etc/ssl/radius-ca.pem");
	args = nm_sstp_settings_worker_args(s, FALSE, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(args->pdata[6], ==, "vpn.example.com");
	g_assert_cmpstr(args->pdata[9], ==, "need-peer-eap");
	g_assert_cmpstr(args->pdata[10], ==, "ca");
	g_assert_cmpstr(args->pdata[11], ==, "/etc/ssl/radius-ca.pem");
	g_ptr_array_unref(args);

	g_ptr_array_unref(warnings);
	g_object_unref(s);
}

/* pppd reads root's /etc/ppp/eaptls-client unless cert and key (or pkcs12)
 * are both options: a PEM certificate without tls-user-key is named as the
 * key too. A PKCS#12 file needs pppd 2.5: refused with a way out before. */
static void
test_tls_never_eaptls_client(void)
{
	static const char *const pem[] = {
		"gateway", "vpn.example.com", "connection-type", "tls", "tls-identity", "alice",
		"tls-user-cert", "/home/alice/both.pem", NULL
	};
	static const char *const p12[] = {
		"gateway", "vpn.example.com", "connection-type", "tls", "tls-identity", "alice",
		"tls-user-cert", "/home/alice/alice.p12", "tls-user-key", "/home/alice/unused.key", NULL
	};
	NMSettingVpn *s;
	GPtrArray *args;
	GError *error = NULL;
	gboolean key = FALSE, cert = FALSE;
	guint i;

	s = profile_new(pem, NULL);
	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	for (i = 0; i + 1 < args->len; i++) {
		if (!g_strcmp0(args->pdata[i], "key"))
			key = !g_strcmp0(args->pdata[i + 1], "/home/alice/both.pem");
		if (!g_strcmp0(args->pdata[i], "cert"))
			cert = !g_strcmp0(args->pdata[i + 1], "/home/alice/both.pem");
	}
	g_assert_true(key);
	g_assert_true(cert);
	g_ptr_array_unref(args);
	g_object_unref(s);

	s = profile_new(p12, NULL);
	args = nm_sstp_settings_worker_args(s, TRUE, &error);
#ifdef PPPD_API_2_5
	g_assert_no_error(error);
	for (i = 0; i + 1 < args->len; i++) {
		g_assert_cmpstr(args->pdata[i], !=, "key");
		g_assert_cmpstr(args->pdata[i], !=, "cert");
		if (!g_strcmp0(args->pdata[i], "pkcs12"))
			g_assert_cmpstr(args->pdata[i + 1], ==, "/home/alice/alice.p12");
	}
	g_ptr_array_unref(args);
#else
	g_assert_null(args);
	g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
	g_assert_nonnull(strstr(error->message, "PKCS#12"));
	g_assert_nonnull(strstr(error->message, "needs pppd 2.5"));
	g_assert_nonnull(strstr(error->message, "openssl pkcs12"));
	g_clear_error(&error);
#endif
	g_object_unref(s);
}

/* PKCS#11 URIs (RFC 7512) for the user certificate and key: what names an
 * object is accepted; what would choose a module, make root read a file or
 * put the PIN into vpn.data is refused with the reason. pppd 2.4.9 gets the
 * URI after a second "pkcs11:" with '/' and '.' encoded (it takes a value
 * holding them for a file name). */
static void
test_pkcs11_uris(void)
{
	static const char *const good[] = {
		"pkcs11:token=alice-tok;object=alice",
		"pkcs11:token=My%20Card;id=%01%02;type=cert",
		"PKCS11:serial=9f8e861bab766fa1;object=a.b/c",
		"pkcs11:model=SoftHSM%20v2;manufacturer=SoftHSM%20project;token=t;object=o;type=private",
		"pkcs11:",
		NULL
	};
	static const char *const bad[][2] = {
		{ "pkcs11:token=t;object=o?pin-value=1234", "PIN must not be in the URI" },
		{ "pkcs11:token=t?pin-source=/root/pin", "pin-source is not accepted" },
		{ "pkcs11:token=t?module-path=/tmp/evil.so", "module-path is not accepted" },
		{ "pkcs11:token=t?module-name=softhsm2", "module-name is not accepted" },
		{ "pkcs11:token=t;colour=red", "unknown attribute “colour”" },
		{ "pkcs11:token=My Card", "percent-encoded" },
		{ "pkcs11:token=a\\b", "percent-encoded" },
		{ "pkcs11:token=%zz", "two hex digits" },
		{ "pkcs11:token=a%00b", "two hex digits" },
		{ "pkcs11:token", "not of the form name=value" },
		{ "alice.pem", "absolute file name (starting with /) or a PKCS#11 URI" },
		{ "engine:foo", "absolute file name" },
	};
	static const char *const keys[] = { "tls-user-cert", "tls-user-key" };
	static const char *const data[] = {
		"gateway", "vpn.example.com", "connection-type", "tls", "tls-identity", "alice",
		"tls-user-cert", "PKCS11:token=alice-tok;object=alice.v2;type=cert", NULL
	};
	NMSettingVpn *s;
	GPtrArray *args;
	GError *error = NULL;
	char **tokens;
	char *v;
	gsize i, k;
	const char *cert = NULL, *key = NULL;

	for (k = 0; k < G_N_ELEMENTS(keys); k++) {
		const NMSstpKey *key_entry = nm_sstp_settings_lookup(keys[k]);

		g_assert_true(key_entry->flags & NM_SSTP_KEY_FLAG_PKCS11);
		for (i = 0; good[i]; i++)
			assert_accepted(key_entry, good[i]);
		for (i = 0; i < G_N_ELEMENTS(bad); i++) {
			assert_rejected(key_entry, bad[i][0]);
			g_assert_false(nm_sstp_settings_validate_value(keys[k], bad[i][0], &error));
			if (!strstr(error->message, bad[i][1]))
				g_error("%s=%s: message lacks “%s”: %s", keys[k], bad[i][0], bad[i][1],
				        error->message);
			g_clear_error(&error);
		}
	}
	/* The scheme is written in lower case: pppd names its engine by it. */
	v = normalize("tls-user-cert", "PKCS11:token=t;object=o");
	g_assert_cmpstr(v, ==, "pkcs11:token=t;object=o");
	g_free(v);
	/* Other keys of type PATH take no URI. */
	assert_rejected(nm_sstp_settings_lookup("ca-cert"), "pkcs11:token=t;object=o");
	assert_rejected(nm_sstp_settings_lookup("tls-ca-cert"), "pkcs11:token=t;object=o");

	/* A certificate URI without tls-user-key: the key is the same URI
	 * without its type; both in pppd's form. Nothing is a PKCS#12 file. */
	s = profile_new(data, NULL);
	g_assert_true(nm_sstp_settings_uses_pkcs11(s));
	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	for (i = 0; i + 1 < args->len; i++) {
		g_assert_cmpstr(args->pdata[i], !=, "pkcs12");
		if (!g_strcmp0(args->pdata[i], "cert"))
			cert = args->pdata[i + 1];
		if (!g_strcmp0(args->pdata[i], "key"))
			key = args->pdata[i + 1];
	}
#ifdef PPPD_API_2_5
	g_assert_cmpstr(cert, ==, "pkcs11:token=alice-tok;object=alice.v2;type=cert");
	g_assert_cmpstr(key, ==, "pkcs11:token=alice-tok;object=alice.v2");
#else
	g_assert_cmpstr(cert, ==, "pkcs11:pkcs11:token=alice-tok;object=alice%2Ev2;type=cert");
	g_assert_cmpstr(key, ==, "pkcs11:pkcs11:token=alice-tok;object=alice%2Ev2");
#endif
	g_ptr_array_unref(args);

	/* The tokens p11-kit serves: the token attributes of each URI, once. */
	nm_setting_vpn_add_data_item(s, "tls-user-key", "pkcs11:object=k;token=alice-tok");
	tokens = nm_sstp_settings_pkcs11_tokens(s);
	g_assert_nonnull(tokens);
	g_assert_cmpstr(tokens[0], ==, "pkcs11:token=alice-tok");
	g_assert_null(tokens[1]);
	g_strfreev(tokens);
	nm_setting_vpn_add_data_item(s, "tls-user-key", "pkcs11:object=k");
	tokens = nm_sstp_settings_pkcs11_tokens(s);
	g_assert_cmpstr(tokens[0], ==, "pkcs11:token=alice-tok");
	g_assert_cmpstr(tokens[1], ==, "pkcs11:");
	g_assert_null(tokens[2]);
	g_strfreev(tokens);

	/* Files only, or password mode: no PKCS#11. */
	nm_setting_vpn_add_data_item(s, "tls-user-cert", "/home/alice/alice.pem");
	nm_setting_vpn_add_data_item(s, "tls-user-key", "/home/alice/alice.key");
	g_assert_false(nm_sstp_settings_uses_pkcs11(s));
	g_assert_null(nm_sstp_settings_pkcs11_tokens(s));
	nm_setting_vpn_add_data_item(s, "tls-user-key", "pkcs11:object=k");
	g_assert_true(nm_sstp_settings_uses_pkcs11(s));
	nm_setting_vpn_add_data_item(s, "connection-type", "password");
	g_assert_false(nm_sstp_settings_uses_pkcs11(s));
	g_object_unref(s);
}

/* The proxy needs both server and port (as with the old plugin); an IPv6
 * proxy is bracketed in the URL; a proxy password without proxy stays out. */
static void
test_proxy(void)
{
	static const char *const half[] = {
		"gateway", "vpn.example.com", "proxy-server", "proxy.example.com", "proxy-user", "u", NULL
	};
	static const char *const v6[] = {
		"gateway", "vpn.example.com", "proxy-server", "2001:db8::2", "proxy-port", "8080", NULL
	};
	static const char *const pw[] = { "proxy-password", "pxpw", NULL };
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	NMSettingVpn *s;
	GPtrArray *args;
	guint i;

	s = profile_new(half, pw);
	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, NULL));
	g_assert_cmpuint(warnings->len, ==, 1);
	g_assert_nonnull(strstr(warnings->pdata[0], "proxy-port"));
	args = nm_sstp_settings_worker_args(s, TRUE, NULL);
	g_assert_nonnull(args);
	for (i = 0; i + 1 < args->len; i++) {
		g_assert_cmpstr(args->pdata[i], !=, "--proxy");
		g_assert_cmpstr(args->pdata[i], !=, "--proxy-password");
		g_assert_cmpstr(args->pdata[i], !=, "pxpw");
	}
	g_ptr_array_unref(args);
	g_object_unref(s);

	s = profile_new(v6, NULL);
	args = nm_sstp_settings_worker_args(s, TRUE, NULL);
	g_assert_nonnull(args);
	g_assert_cmpstr(args->pdata[4], ==, "--proxy");
	g_assert_cmpstr(args->pdata[5], ==, "http://[2001:db8::2]:8080");
	g_assert_cmpstr(args->pdata[6], ==, "vpn.example.com");
	g_ptr_array_unref(args);
	g_object_unref(s);
	g_ptr_array_unref(warnings);
}

/* International names in the three host keys reach the worker in their xn--
 * form (the worker has no IDNA conversion and refuses anything else), and
 * the worker's parser takes the words the service hands it. */
static void
test_international_names_to_worker(void)
{
	static const char *const data[] = {
		"gateway", "b\xc3\xbc" "cher.example:444", "tls-server-name", "Vpn.B\xc3\xbc" "cher.example",
		"proxy-server", "proxy.b\xc3\xbc" "cher.example", "proxy-port", "3128", NULL
	};
	NMSettingVpn *s = profile_new(data, NULL);
	struct tunnel_options o;
	GError *error = NULL;
	GPtrArray *args;
	char err[256] = "";
	guint i;

	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	for (i = 0; i < args->len && args->pdata[i]; i++) {
		const char *p;

		for (p = args->pdata[i]; *p; p++)
			g_assert_cmpuint((guchar) *p, <, 0x80);
	}
	tunnel_options_init(&o);
	if (tunnel_options_parse(&o, (int) args->len - 1, (char *const *) args->pdata, TRUE, err,
	                         sizeof(err)) != 0)
		g_error("the worker refuses the service's words: %s", err);
	g_assert_cmpstr(o.server, ==, "xn--bcher-kva.example");
	g_assert_cmpuint(o.port, ==, 444);
	g_assert_cmpstr(o.host, ==, "vpn.xn--bcher-kva.example");
	g_assert_cmpstr(o.proxy_host, ==, "proxy.xn--bcher-kva.example");
	g_assert_cmpuint(o.proxy_port, ==, 3128);
	tunnel_options_clear(&o);
	g_ptr_array_unref(args);
	g_object_unref(s);
}

/* The worker refuses --pin-sha256 with --no-verify: the pin wins. */
static void
test_pin_beats_ignore_cert_warn(void)
{
	static const char *const data[] = {
		"gateway", "vpn.example.com", "ignore-cert-warn", "yes",
		"cert-pin-sha256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		NULL
	};
	NMSettingVpn *s = profile_new(data, NULL);
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *args;
	guint i;

	g_assert_true(nm_sstp_settings_validate(s, collect_warning, warnings, NULL));
	g_assert_cmpuint(warnings->len, ==, 1);
	g_assert_nonnull(strstr(warnings->pdata[0], "ignore-cert-warn"));
	args = nm_sstp_settings_worker_args(s, FALSE, NULL);
	g_assert_nonnull(args);
	g_assert_cmpstr(args->pdata[0], ==, "--pin-sha256");
	for (i = 0; i + 1 < args->len; i++)
		g_assert_cmpstr(args->pdata[i], !=, "--no-verify");
	g_ptr_array_unref(args);
	g_ptr_array_unref(warnings);
	g_object_unref(s);
}

/* The worker needs a user name with a password: say so before starting it. */
static void
test_password_needs_user(void)
{
	static const char *const data[] = { "gateway", "vpn.example.com", NULL };
	static const char *const secrets[] = { "password", "Tr0ub4dor&3", NULL };
	NMSettingVpn *s = profile_new(data, secrets);
	GError *error = NULL;
	GPtrArray *args;

	g_assert_null(nm_sstp_settings_worker_args(s, TRUE, &error));
	g_assert_nonnull(strstr(error->message, "user"));
	g_assert_null(strstr(error->message, "Tr0ub4dor"));
	g_clear_error(&error);

	/* Without secrets there is nothing to complain about. */
	args = nm_sstp_settings_worker_args(s, FALSE, &error);
	g_assert_no_error(error);
	g_ptr_array_unref(args);

	/* A user name of more than 255 bytes once the domain is added. */
	nm_setting_vpn_add_data_item(s, "user", "u");
	{
		char *long_domain = g_strnfill(254, 'D');

		nm_setting_vpn_add_data_item(s, "domain", long_domain);
		g_free(long_domain);
	}
	g_assert_false(nm_sstp_settings_validate(s, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "domain"));
	g_clear_error(&error);
	g_object_unref(s);
}

static void
test_specific_rejections(void)
{
	char *long_secret = g_strnfill(256, 's');

	assert_rejected(nm_sstp_settings_lookup("proxy-user"), "bob:secret");
	assert_rejected(nm_sstp_settings_lookup("domain"), "CORP\\EU");
	assert_rejected(nm_sstp_settings_lookup("password"), long_secret);
	assert_accepted(nm_sstp_settings_lookup("password"), long_secret + 1);
	assert_rejected(nm_sstp_settings_lookup("mtu"), "4092");
	assert_rejected(nm_sstp_settings_lookup("mtu"), "575");
	assert_rejected(nm_sstp_settings_lookup("mru"), "4092");
	assert_rejected(nm_sstp_settings_lookup("hello-interval"), "0");
	/* (0 is KDE's "no port": see test_plasma_nm_profiles) */
	assert_rejected(nm_sstp_settings_lookup("tls-min-version"), "1.1");
	assert_rejected(nm_sstp_settings_lookup("connection-type"), "cert");
	/* An old escaped file name that decodes to bytes that are not UTF-8
	 * (tests/fuzz/fuzz-import.c found it); one that decodes to UTF-8 is fine. */
	assert_rejected(nm_sstp_settings_lookup("ca-cert"), "/etc/ssl/a\\222b.pem");
	assert_accepted(nm_sstp_settings_lookup("ca-cert"), "/etc/ssl/\\303\\251.pem");
	g_free(long_secret);
}

/* An empty value is "unset", as the old plugin treated it: defaults apply,
 * a required key is missing. */
static void
test_empty_values(void)
{
	static const char *const data[] = {
		"gateway", "vpn.example.com", "mtu", "", "ca-cert", "", "ignore-cert-warn", "",
		"tls-ext", "", NULL
	};
	static const char *const no_gateway[] = { "gateway", "", NULL };
	static const char *const expected[] = {
		"--tls-min", "1.2", "--hello", "60", "vpn.example.com", "--",
		"noauth", "mtu", "1400", "mru", "1400",
		"lcp-echo-failure", "0", "lcp-echo-interval", "0", NULL
	};
	NMSettingVpn *s = profile_new(data, NULL);
	GError *error = NULL;
	GPtrArray *args;

	args = nm_sstp_settings_worker_args(s, TRUE, &error);
	g_assert_no_error(error);
	assert_words(args, expected);
	g_ptr_array_unref(args);
	g_object_unref(s);

	s = profile_new(no_gateway, NULL);
	g_assert_false(nm_sstp_settings_validate(s, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "gateway"));
	g_clear_error(&error);
	g_object_unref(s);
}

static void
test_getters(void)
{
	static const char *const data[] = { "gateway", "vpn.example.com", "mtu", "0576", NULL };
	NMSettingVpn *s = profile_new(data, NULL);
	char *user;

	g_assert_cmpuint(nm_sstp_settings_get_uint(s, "mtu"), ==, 576);
	g_assert_cmpuint(nm_sstp_settings_get_uint(s, "hello-interval"), ==, 60);
	g_assert_cmpuint(nm_sstp_settings_get_uint(s, "unit"), ==, 0);
	g_assert_true(nm_sstp_settings_get_bool(s, "dhcp-inform"));
	g_assert_false(nm_sstp_settings_get_bool(s, "ignore-cert-warn"));
	g_assert_cmpstr(nm_sstp_settings_get(s, "connection-type"), ==, "password");
	g_assert_null(nm_sstp_settings_get(s, "ca-cert"));

	/* No user key: vpn.user-name is the fallback. */
	g_assert_null(nm_sstp_settings_ppp_user(s));
	g_object_set(s, NM_SETTING_VPN_USER_NAME, "carol", NULL);
	user = nm_sstp_settings_ppp_user(s);
	g_assert_cmpstr(user, ==, "carol");
	g_free(user);
	nm_setting_vpn_add_data_item(s, "domain", "EXAMPLE");
	user = nm_sstp_settings_ppp_user(s);
	g_assert_cmpstr(user, ==, "EXAMPLE\\carol");
	g_free(user);
	g_object_unref(s);
}

/* ------------------------------------------------------------------------ */
/* The man page built from the table                                         */

static char *
man_page_read(void)
{
	const char *dirs[] = { g_getenv("top_builddir"), g_getenv("top_srcdir"), NULL };
	char *contents = NULL;
	gsize i;

	for (i = 0; i < G_N_ELEMENTS(dirs); i++) {
		char *path;

		if (!dirs[i])
			continue;
		path = g_build_filename(dirs[i], "src", "common", "nm-sstp-settings.5", NULL);
		g_file_get_contents(path, &contents, NULL, NULL);
		g_free(path);
		if (contents)
			return contents;
	}
	return NULL;
}

/* troff spelling of a key name as the generator writes it (\- for -). */
static char *
man_spelling(const char *name)
{
	GString *s = g_string_new(NULL);
	const char *p;

	for (p = name; *p; p++) {
		if (*p == '-')
			g_string_append(s, "\\-");
		else
			g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

static void
test_man_page_lists_every_key(void)
{
	const NMSstpKey *keys;
	gsize n, i;
	char *page = man_page_read();

	if (!page) {
		/* Under make check the page must be there; run by hand without the
		 * variables there is nothing to look at. */
		if (g_getenv("top_builddir") || g_getenv("top_srcdir"))
			g_error("nm-sstp-settings.5 not found under top_builddir or top_srcdir");
		g_test_skip("top_builddir/top_srcdir not set");
		return;
	}
	g_assert_true(g_str_has_prefix(page, ".\\\""));
	g_assert_nonnull(strstr(page, ".TH NM\\-SSTP\\-SETTINGS 5"));

	keys = nm_sstp_settings_keys(&n);
	for (i = 0; i < n; i++) {
		char *name = man_spelling(keys[i].name);
		char *entry = g_strdup_printf(".TP\n.B %s\n", name);

		if (!strstr(page, entry))
			g_error("the man page has no entry for %s", keys[i].name);
		if (keys[i].legacy_alias) {
			char *alias = man_spelling(keys[i].legacy_alias);

			g_assert_nonnull(strstr(page, alias));
			g_free(alias);
		}
		g_free(entry);
		g_free(name);
	}
	g_free(page);
}

/* The FILES section says how the service reads the files the keys of type
 * PATH name, and lists exactly those keys. */
static void
test_man_page_files_section(void)
{
	const NMSstpKey *keys;
	gsize n, i;
	char *page = man_page_read();
	const char *files;
	const char *end;

	if (!page) {
		if (g_getenv("top_builddir") || g_getenv("top_srcdir"))
			g_error("nm-sstp-settings.5 not found under top_builddir or top_srcdir");
		g_test_skip("top_builddir/top_srcdir not set");
		return;
	}
	files = strstr(page, "\n.SH FILES\n");
	g_assert_nonnull(files);
	end = strstr(files + 1, "\n.SH ");
	g_assert_nonnull(end);
	keys = nm_sstp_settings_keys(&n);
	for (i = 0; i < n; i++) {
		char *name = man_spelling(keys[i].name);
		char *bold = g_strdup_printf("\\fB%s\\fR", name);
		const char *at = strstr(files, bold);

		if ((keys[i].type == NM_SSTP_KEY_PATH) != (at != NULL && at < end))
			g_error("FILES %s %s", keys[i].type == NM_SSTP_KEY_PATH ? "lacks" : "names",
			        keys[i].name);
		g_free(bold);
		g_free(name);
	}
	g_free(page);
}

/* Which keys reach the worker: the service reads (and copies) the files of
 * exactly these, nothing the connection type leaves out. */
static void
test_key_used(void)
{
	static const char *const password[] = { "gateway", "vpn.example.com", NULL };
	static const char *const tls_pem[] = {
		"gateway", "vpn.example.com", "connection-type", "tls",
		"tls-user-cert", "/home/alice/alice.pem", "tls-user-key", "/home/alice/alice.key", NULL
	};
	static const char *const tls_p12[] = {
		"gateway", "vpn.example.com", "connection-type", "tls",
		"tls-user-cert", "/home/alice/alice.p12", "tls-user-key", "/home/alice/alice.p12", NULL
	};
	static const char *const password_peap_ca[] = {
		"gateway", "vpn.example.com", "tls-ca-cert", "/home/alice/radius-ca.pem", NULL
	};
	NMSettingVpn *s;

	s = profile_new(password, NULL);
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("ca-cert")));
	g_assert_false(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-user-cert")));
	g_assert_false(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-user-key")));
	g_assert_false(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("crl-file")));
	g_assert_false(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-ca-cert")));
	g_assert_false(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("password-flags")));
	g_object_unref(s);

	s = profile_new(tls_pem, NULL);
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("ca-cert")));
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-user-cert")));
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-user-key")));
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("crl-file")));
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-ca-cert")));
	g_object_unref(s);

	/* With a password, tls-ca-cert is the CA for PEAP, which only pppd 2.5 has:
	 * used (its file read as the user, `ca FILE` for pppd) only when set there. */
	s = profile_new(password_peap_ca, NULL);
#ifdef PPPD_API_2_5
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-ca-cert")));
#else
	g_assert_false(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-ca-cert")));
#endif
	g_object_unref(s);

	/* pppd 2.5 takes the key from the PKCS#12 file itself. */
	s = profile_new(tls_p12, NULL);
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-user-cert")));
#ifdef PPPD_API_2_5
	g_assert_false(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-user-key")));
#else
	g_assert_true(nm_sstp_settings_key_used(s, nm_sstp_settings_lookup("tls-user-key")));
#endif
	g_object_unref(s);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);

	g_test_add_func("/settings/table/consistent", test_table_consistent);
	g_test_add_func("/settings/pkcs11/uris", test_pkcs11_uris);
	g_test_add_func("/settings/table/old-keys", test_table_has_old_keys);
	g_test_add_func("/settings/sanitize/every-key", test_every_key_sanitizer);
	g_test_add_func("/settings/sanitize/gateway", test_gateway);
	g_test_add_func("/settings/sanitize/normalization", test_normalization);
	g_test_add_func("/settings/sanitize/same-as-worker", test_same_checks_as_worker);
	g_test_add_func("/settings/sanitize/unknown-key", test_unknown_key_value);
	g_test_add_func("/settings/escape-for-display", test_escape_for_display);
	g_test_add_func("/settings/profile/old-plugin", test_old_profile);
	g_test_add_func("/settings/profile/legacy-alias", test_legacy_alias);
	g_test_add_func("/settings/profile/plasma-nm", test_plasma_nm_profiles);
	g_test_add_func("/settings/args/tls-server-name-and-uuid", test_tls_server_name_and_uuid);
	g_test_add_func("/settings/profile/unknown-keys-warned", test_unknown_keys_warned);
	g_test_add_func("/settings/profile/bad-values-fail", test_bad_values_fail);
	g_test_add_func("/settings/profile/required", test_required);
	g_test_add_func("/settings/profile/secrets-never-echoed", test_secrets_never_echoed);
	g_test_add_func("/settings/args/full-profile", test_full_profile_args);
	g_test_add_func("/settings/args/tls-profile", test_tls_profile_args);
	g_test_add_func("/settings/args/tls-never-eaptls-client", test_tls_never_eaptls_client);
	g_test_add_func("/settings/args/proxy", test_proxy);
	g_test_add_func("/settings/args/international-names", test_international_names_to_worker);
	g_test_add_func("/settings/args/pin-beats-ignore-cert-warn", test_pin_beats_ignore_cert_warn);
	g_test_add_func("/settings/args/password-needs-user", test_password_needs_user);
	g_test_add_func("/settings/sanitize/specific", test_specific_rejections);
	g_test_add_func("/settings/profile/empty-values", test_empty_values);
	g_test_add_func("/settings/getters", test_getters);
	g_test_add_func("/settings/man-page/every-key", test_man_page_lists_every_key);
	g_test_add_func("/settings/man-page/files-section", test_man_page_files_section);
	g_test_add_func("/settings/key-used", test_key_used);

	return g_test_run();
}
