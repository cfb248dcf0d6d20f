/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include "nm-sstp-settings.h"
#include "nm-sstp-service-secrets.h"

static gboolean
sstp_secret_wanted(NMSettingVpn *s_vpn, const char *name)
{
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;
	const char *value;

	nm_setting_get_secret_flags(NM_SETTING(s_vpn), name, &flags, NULL);
	if (flags & NM_SETTING_SECRET_FLAG_NOT_REQUIRED)
		return FALSE;
	value = nm_setting_vpn_get_secret(s_vpn, name);
	return value == NULL;
}

static gboolean
sstp_secrets_key_is_encrypted(const char *path)
{
	gboolean encrypted = FALSE;

	/* The service runs as root and can read the key; if it cannot tell
	 * (no file, not a key), the worker reports the real problem later. */
	if (!path || !*path)
		return FALSE;
	if (!nm_utils_file_is_private_key(path, &encrypted))
		return nm_utils_file_is_pkcs12(path);
	return encrypted;
}

static gboolean
sstp_secrets_nonempty(NMSettingVpn *s_vpn, const char *key)
{
	const char *value = nm_setting_vpn_get_data_item(s_vpn, key);

	return value && *value;
}

const char *
sstp_secrets_missing(NMSettingVpn *s_vpn)
{
	if (nm_sstp_settings_is_tls(s_vpn)) {
		const char *raw = nm_sstp_settings_get(s_vpn, NM_SSTP_KEY_TLS_USER_KEY);
		char *key = NULL;
		gboolean encrypted;

		/* Paths may be stored in NetworkManager's utf8safe escaping. */
		if (!raw || !nm_sstp_settings_normalize_value(NM_SSTP_KEY_TLS_USER_KEY, raw, &key, NULL))
			key = NULL;
		encrypted = sstp_secrets_key_is_encrypted(key);
		g_free(key);
		if (encrypted && sstp_secret_wanted(s_vpn, NM_SSTP_KEY_TLS_USER_KEY_SECRET))
			return NM_SSTP_KEY_TLS_USER_KEY_SECRET;
	} else if (sstp_secret_wanted(s_vpn, NM_SSTP_KEY_PASSWORD))
		return NM_SSTP_KEY_PASSWORD;

	if (sstp_secrets_nonempty(s_vpn, NM_SSTP_KEY_PROXY_SERVER)
	    && sstp_secrets_nonempty(s_vpn, NM_SSTP_KEY_PROXY_USER)
	    && sstp_secret_wanted(s_vpn, NM_SSTP_KEY_PROXY_PASSWORD))
		return NM_SSTP_KEY_PROXY_PASSWORD;
	return NULL;
}
