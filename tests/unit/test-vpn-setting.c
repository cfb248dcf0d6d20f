/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <string.h>

#include "nm-sstp-settings.h"
#include "test-vpn-setting.h"

void test_vpn_setting_fill(NMSettingVpn *s_vpn, const char *first_key, va_list ap)
{
	g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_DBUS_SERVICE, NULL);
	nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_GATEWAY, "vpn.example.com");
	for (const char *key = first_key; key; key = va_arg(ap, const char *)) {
		const char *value = va_arg(ap, const char *);

		if (g_str_has_prefix(key, "secret:"))
			nm_setting_vpn_add_secret(s_vpn, key + strlen("secret:"), value);
		else
			nm_setting_vpn_add_data_item(s_vpn, key, value);
	}
}
