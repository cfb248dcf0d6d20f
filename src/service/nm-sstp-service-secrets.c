/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "nm-sstp-settings.h"
#include "nm-sstp-service-files.h"
#include "nm-sstp-service-secrets.h"

static gboolean
sstp_secret_wanted(NMSettingVpn *s_vpn, const char *name)
{
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;
	const NMSstpKey *key;
	const char *value;

	nm_setting_get_secret_flags(NM_SETTING(s_vpn), name, &flags, NULL);
	if (flags & NM_SETTING_SECRET_FLAG_NOT_REQUIRED)
		return FALSE;
	value = nm_setting_vpn_get_secret(s_vpn, name);
	/* A proxy password in vpn.data counts: KDE's editor stores it there. */
	key = nm_sstp_settings_lookup(name);
	if (!value && key && (key->flags & NM_SSTP_KEY_FLAG_ALSO_DATA))
		value = nm_setting_vpn_get_data_item(s_vpn, name);
	return value == NULL;
}

static gboolean
sstp_secrets_copy_is_encrypted(const char *copy)
{
	gboolean encrypted = FALSE;

	if (!nm_utils_file_is_private_key(copy, &encrypted))
		return nm_utils_file_is_pkcs12(copy);
	return encrypted;
}

/* Looks at a private copy read as the profile's users
 * (nm-sstp-service-files.h), never at the path itself: root must not say
 * whether a file the user cannot read is an encrypted key, nor open a FIFO.
 * A file that cannot be copied asks for nothing; the connection attempt
 * then fails with the reason. */
static gboolean
sstp_secrets_key_is_encrypted(NMConnection *connection, const char *path)
{
	SstpFiles *files;
	const char *copy;
	gboolean encrypted;

	if (!path || !*path)
		return FALSE;
	files = sstp_files_new(connection, NULL);
	copy = files ? sstp_files_copy(files, NM_SSTP_KEY_TLS_USER_KEY, path, NULL) : NULL;
	encrypted = copy && sstp_secrets_copy_is_encrypted(copy);
	sstp_files_free(files);
	return encrypted;
}

static gboolean
sstp_secrets_nonempty(NMSettingVpn *s_vpn, const char *key)
{
	const char *value = nm_setting_vpn_get_data_item(s_vpn, key);

	return value && *value;
}

const char *
sstp_secrets_missing(NMConnection *connection)
{
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(connection);

	if (!s_vpn)
		return NULL;
	if (nm_sstp_settings_is_tls(s_vpn)) {
		const char *raw = nm_sstp_settings_get(s_vpn, NM_SSTP_KEY_TLS_USER_KEY);
		char *key = NULL;
		gboolean encrypted;

		/* The file is read only when its answer matters. */
		if (!sstp_secret_wanted(s_vpn, NM_SSTP_KEY_TLS_USER_KEY_SECRET))
			raw = NULL;
		/* A key on a PKCS#11 token: the secret is its PIN (a token that
		 * needs none: secret flags "not required"). */
		else if (nm_sstp_settings_uses_pkcs11(s_vpn))
			return NM_SSTP_KEY_TLS_USER_KEY_SECRET;
		/* Paths may be stored in NetworkManager's utf8safe escaping. */
		if (!raw || !nm_sstp_settings_normalize_value(NM_SSTP_KEY_TLS_USER_KEY, raw, &key, NULL))
			key = NULL;
		encrypted = sstp_secrets_key_is_encrypted(connection, key);
		g_free(key);
		if (encrypted)
			return NM_SSTP_KEY_TLS_USER_KEY_SECRET;
	} else if (sstp_secret_wanted(s_vpn, NM_SSTP_KEY_PASSWORD))
		return NM_SSTP_KEY_PASSWORD;

	if (sstp_secrets_nonempty(s_vpn, NM_SSTP_KEY_PROXY_SERVER)
	    && nm_sstp_settings_get_uint(s_vpn, NM_SSTP_KEY_PROXY_PORT) != 0
	    && sstp_secrets_nonempty(s_vpn, NM_SSTP_KEY_PROXY_USER)
	    && sstp_secret_wanted(s_vpn, NM_SSTP_KEY_PROXY_PASSWORD))
		return NM_SSTP_KEY_PROXY_PASSWORD;
	return NULL;
}
