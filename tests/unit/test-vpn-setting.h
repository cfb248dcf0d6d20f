/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * For the service's unit tests: a vpn setting as NetworkManager would hand it to
 * nm-sstp-service, built from KEY, VALUE pairs.
 */
#ifndef TEST_VPN_SETTING_H
#define TEST_VPN_SETTING_H

#include <stdarg.h>

#include <NetworkManager.h>

/* Sets our service type and gateway vpn.example.com, then adds the KEY, VALUE
 * pairs of ap up to a NULL key: "secret:KEY" adds KEY as a secret, any other
 * KEY as a data item (a later one replaces an earlier one, the gateway too). */
void test_vpn_setting_fill(NMSettingVpn *s_vpn, const char *first_key, va_list ap);

#endif
