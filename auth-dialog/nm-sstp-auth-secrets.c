/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <NetworkManager.h>

#include "nm-sstp-auth-secrets.h"
#include "nm-sstp-settings.h"

#define VPN_MESSAGE_HINT "x-vpn-message:"
#define UI_GROUP         "VPN Plugin UI"

/* Secret keys, in NMSstpSecretId order, with the data key whose flags
 * govern each. */
static const char *const secret_keys[NM_SSTP_SECRET_COUNT] = {
	NM_SSTP_KEY_PASSWORD,
	NM_SSTP_KEY_PROXY_PASSWORD,
	NM_SSTP_KEY_TLS_USER_KEY_SECRET,
};

const char *
nm_sstp_auth_secret_key(NMSstpSecretId id)
{
	g_return_val_if_fail(id < NM_SSTP_SECRET_COUNT, NULL);
	return secret_keys[id];
}

const char *
nm_sstp_auth_secret_label(NMSstpSecretId id)
{
	switch (id) {
	case NM_SSTP_SECRET_PASSWORD:
		return _("_Password:");
	case NM_SSTP_SECRET_PROXY_PASSWORD:
		return _("P_roxy password:");
	case NM_SSTP_SECRET_KEY_PASSPHRASE:
		return _("Private _key passphrase:");
	default:
		g_return_val_if_reached(NULL);
	}
}

static NMSettingSecretFlags
secret_flags(GHashTable *data, NMSstpSecretId id)
{
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;

	nm_vpn_service_plugin_get_secret_flags(data, secret_keys[id], &flags);
	return flags;
}

static gboolean
data_is(GHashTable *data, const char *key, const char *value)
{
	const char *v = g_hash_table_lookup(data, key);

	return v && strcmp(v, value) == 0;
}

static gboolean
data_set(GHashTable *data, const char *key)
{
	const char *v = g_hash_table_lookup(data, key);

	return v && v[0];
}

/* Is the EAP-TLS private key protected by a passphrase, or on a PKCS#11
 * token (the secret is then its PIN; without tls-user-key the certificate's
 * URI names the key)? */
static gboolean
tls_key_is_encrypted(GHashTable *data)
{
	const char *path = g_hash_table_lookup(data, NM_SSTP_KEY_TLS_USER_KEY);
	gboolean encrypted = FALSE;

	if (nm_sstp_settings_is_pkcs11_uri(path) ||
	    ((!path || !path[0]) &&
	     nm_sstp_settings_is_pkcs11_uri(g_hash_table_lookup(data, NM_SSTP_KEY_TLS_USER_CERT))))
		return TRUE;
	if (!path || !path[0])
		return FALSE;
	if (!nm_utils_file_is_private_key(path, &encrypted))
		return FALSE;
	return encrypted;
}

void
nm_sstp_auth_request_init(NMSstpAuthRequest *req, GHashTable *data, GHashTable *secrets,
                          const char *const *hints)
{
	unsigned i;

	memset(req, 0, sizeof(*req));

	if (hints && hints[0]) {
		/* The service said exactly what it needs. */
		for (; *hints; hints++) {
			if (g_str_has_prefix(*hints, VPN_MESSAGE_HINT)) {
				if (!req->prompt)
					req->prompt = g_strdup(*hints + strlen(VPN_MESSAGE_HINT));
				continue;
			}
			for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
				if (strcmp(*hints, secret_keys[i]) == 0)
					req->need[i] = TRUE;
			}
		}
	} else {
		/* A missing connection-type means password (older profiles). */
		if (data_is(data, NM_SSTP_KEY_CONNECTION_TYPE, "tls"))
			req->need[NM_SSTP_SECRET_KEY_PASSPHRASE] = tls_key_is_encrypted(data);
		else
			req->need[NM_SSTP_SECRET_PASSWORD] = TRUE;

		if (data_set(data, NM_SSTP_KEY_PROXY_SERVER) && data_set(data, NM_SSTP_KEY_PROXY_USER))
			req->need[NM_SSTP_SECRET_PROXY_PASSWORD] = TRUE;
	}

	for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
		NMSettingSecretFlags flags = secret_flags(data, i);
		const char *v;

		/* Without hints, a secret marked not-required is never asked;
		 * with hints the service has decided already. */
		if (!(hints && hints[0]) && (flags & NM_SETTING_SECRET_FLAG_NOT_REQUIRED))
			req->need[i] = FALSE;
		if (!req->need[i] || (flags & NM_SETTING_SECRET_FLAG_NOT_SAVED))
			continue;
		v = secrets ? g_hash_table_lookup(secrets, secret_keys[i]) : NULL;
		if (v && v[0])
			req->value[i] = g_strdup(v);
	}
}

void
nm_sstp_auth_request_decide(NMSstpAuthRequest *req, GHashTable *data, gboolean reprompt)
{
	unsigned i;

	for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
		NMSettingSecretFlags flags = secret_flags(data, i);

		if (!req->need[i])
			continue;
		req->ask[i] = reprompt || !req->value[i] || (flags & NM_SETTING_SECRET_FLAG_NOT_SAVED);
	}
}

gboolean
nm_sstp_auth_request_needs_prompt(const NMSstpAuthRequest *req)
{
	unsigned i;

	for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
		if (req->ask[i])
			return TRUE;
	}
	return FALSE;
}

/* Freed memory is handed out again as it is: a secret must be wiped first.
 * explicit_bzero(), not memset(): a store right before free() may be
 * optimised away. */
static void
secret_free(char *value)
{
	if (!value)
		return;
	explicit_bzero(value, strlen(value));
	g_free(value);
}

void
nm_sstp_auth_request_set_value(NMSstpAuthRequest *req, NMSstpSecretId id, const char *value)
{
	g_return_if_fail(id < NM_SSTP_SECRET_COUNT);
	secret_free(req->value[id]);
	req->value[id] = g_strdup(value);
}

void
nm_sstp_auth_request_clear(NMSstpAuthRequest *req)
{
	unsigned i;

	for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
		secret_free(req->value[i]);
		req->value[i] = NULL;
	}
	g_clear_pointer(&req->prompt, g_free);
}

void
nm_sstp_auth_secrets_wipe(GHashTable *secrets)
{
	GHashTableIter iter;
	gpointer value;

	if (!secrets)
		return;
	g_hash_table_iter_init(&iter, secrets);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		if (value)
			explicit_bzero(value, strlen(value));
	}
}

/* A value goes on one line of the reply; NetworkManager cannot take a
 * newline inside a secret, so such a value is dropped rather than cut. */
static gboolean
value_fits_line(const char *v)
{
	return v && !strchr(v, '\n');
}

GString *
nm_sstp_auth_format_reply(const NMSstpAuthRequest *req)
{
	GString *out = g_string_new(NULL);
	gboolean any = FALSE;
	unsigned i;

	for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
		if (!req->need[i] || !value_fits_line(req->value[i]))
			continue;
		g_string_append_printf(out, "%s\n%s\n", secret_keys[i], req->value[i]);
		any = TRUE;
	}
	/* Nothing needed at all: say so, or the agent reports "no secrets". */
	if (!any) {
		gboolean needed = FALSE;

		for (i = 0; i < NM_SSTP_SECRET_COUNT; i++)
			needed |= req->need[i];
		if (!needed)
			g_string_append(out, NM_SSTP_KEY_NOSECRET "\ntrue\n");
	}
	g_string_append(out, "\n\n");
	return out;
}

static char *
strip_mnemonic(const char *label)
{
	GString *s = g_string_new(NULL);

	for (; *label; label++) {
		if (*label != '_')
			g_string_append_c(s, *label);
	}
	return g_string_free(s, FALSE);
}

char *
nm_sstp_auth_format_external_ui(const NMSstpAuthRequest *req, const char *vpn_name,
                                gboolean allow_interaction)
{
	GKeyFile *kf = g_key_file_new();
	char *title, *text;
	gboolean any = FALSE;
	unsigned i;

	g_key_file_set_integer(kf, UI_GROUP, "Version", 2);
	title = g_strdup_printf(_("Authenticate VPN %s"), vpn_name ? vpn_name : "");
	g_key_file_set_string(kf, UI_GROUP, "Title", title);
	g_free(title);
	if (req->prompt)
		text = g_strdup(req->prompt);
	else
		text = g_strdup_printf(_("Passwords or secrets are required to access the VPN network “%s”."),
		                       vpn_name ? vpn_name : "");
	g_key_file_set_string(kf, UI_GROUP, "Description", text);
	g_free(text);

	for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
		char *label;

		if (!req->need[i])
			continue;
		any = TRUE;
		/* GNOME Shell shows labels without mnemonics. */
		label = strip_mnemonic(nm_sstp_auth_secret_label(i));
		g_key_file_set_string(kf, secret_keys[i], "Value", req->value[i] ? req->value[i] : "");
		g_key_file_set_string(kf, secret_keys[i], "Label", label);
		g_key_file_set_boolean(kf, secret_keys[i], "IsSecret", TRUE);
		g_key_file_set_boolean(kf, secret_keys[i], "ShouldAsk", allow_interaction && req->ask[i]);
		g_free(label);
	}
	if (!any) {
		g_key_file_set_string(kf, NM_SSTP_KEY_NOSECRET, "Value", "true");
		g_key_file_set_string(kf, NM_SSTP_KEY_NOSECRET, "Label", "");
		g_key_file_set_boolean(kf, NM_SSTP_KEY_NOSECRET, "IsSecret", TRUE);
		g_key_file_set_boolean(kf, NM_SSTP_KEY_NOSECRET, "ShouldAsk", FALSE);
	}
	text = g_key_file_to_data(kf, NULL, NULL);
	g_key_file_unref(kf);
	return text;
}
