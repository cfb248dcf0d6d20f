/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests of nm-sstp-service's pure parts: the worker's ip4/ip6 status
 * messages turned into NetworkManager's dictionaries (key names, GVariant
 * types, byte order), and which secret a connection still lacks.
 */
#include "config.h"

#include <arpa/inet.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <NetworkManager.h>

#include "nm-sstp-settings.h"
#include "nm-sstp-service-config.h"
#include "nm-sstp-service-secrets.h"
#include "sstp-ipc.h"
#include "test-vpn-setting.h"

/* Builds a message with the real encoder and parser. pairs: key, value, ..., NULL */
static struct sstp_ipc_msg *
make_msg(const char *type, ...)
{
	char out[SSTP_IPC_MAX_MESSAGE];
	struct sstp_ipc_writer w;
	struct sstp_ipc_msg *msg = g_new0(struct sstp_ipc_msg, 1);
	const char *key;
	va_list ap;
	size_t n;

	sstp_ipc_writer_init(&w, out, sizeof(out), type);
	va_start(ap, type);
	while ((key = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);

		sstp_ipc_writer_add(&w, key, value);
	}
	va_end(ap);
	n = sstp_ipc_writer_finish(&w);
	g_assert_cmpuint(n, >, 0);
	g_assert_cmpint(sstp_ipc_parse(out, n, msg, NULL), ==, 0);
	return msg;
}

static guint32
ip4(const char *text)
{
	struct in_addr addr;

	g_assert_cmpint(inet_pton(AF_INET, text, &addr), ==, 1);
	return addr.s_addr;
}

/* The value of key, asserting its exact GVariant type. */
static GVariant *
lookup_typed(GVariant *dict, const char *key, const char *type)
{
	GVariant *value = g_variant_lookup_value(dict, key, NULL);

	g_assert_nonnull(value);
	g_assert_cmpstr(g_variant_get_type_string(value), ==, type);
	return value;
}

static void
assert_u32(GVariant *dict, const char *key, guint32 expected)
{
	GVariant *value = lookup_typed(dict, key, "u");

	g_assert_cmpuint(g_variant_get_uint32(value), ==, expected);
	g_variant_unref(value);
}

static void
assert_bool(GVariant *dict, const char *key, gboolean expected)
{
	GVariant *value = lookup_typed(dict, key, "b");

	g_assert_cmpint(g_variant_get_boolean(value), ==, expected);
	g_variant_unref(value);
}

static void
assert_bytes(GVariant *dict, const char *key, const guint8 *expected, gsize len)
{
	GVariant *value = lookup_typed(dict, key, "ay");
	gsize n = 0;
	const guint8 *bytes = g_variant_get_fixed_array(value, &n, 1);

	g_assert_cmpmem(bytes, n, expected, len);
	g_variant_unref(value);
}

static void
test_generic_ipv4_gateway(void)
{
	struct sstp_ipc_msg *msg = make_msg("ip4", "ifname", "ppp0", "address", "10.77.0.2",
	                                    "peer", "10.77.0.1", "mtu", "1400", "ipv6", "no",
	                                    "gateway", "198.51.100.7", NULL);
	gboolean has_ip6 = TRUE;
	GError *error = NULL;
	GVariant *dict = sstp_config_build_generic(msg, &has_ip6, &error);
	GVariant *value;

	g_assert_no_error(error);
	g_assert_nonnull(dict);
	g_variant_ref_sink(dict);
	value = lookup_typed(dict, NM_VPN_PLUGIN_CONFIG_TUNDEV, "s");
	g_assert_cmpstr(g_variant_get_string(value, NULL), ==, "ppp0");
	g_variant_unref(value);
	/* Network byte order in memory, read as a native guint32. */
	assert_u32(dict, NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY, ip4("198.51.100.7"));
	assert_u32(dict, NM_VPN_PLUGIN_CONFIG_MTU, 1400);
	assert_bool(dict, NM_VPN_PLUGIN_CONFIG_HAS_IP4, TRUE);
	assert_bool(dict, NM_VPN_PLUGIN_CONFIG_HAS_IP6, FALSE);
	g_assert_false(has_ip6);
	g_variant_unref(dict);
	g_free(msg);
}

static void
test_generic_ipv6_gateway_and_pending(void)
{
	static const guint8 gw[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07};
	struct sstp_ipc_msg *msg = make_msg("ip4", "ifname", "ppp3", "address", "10.77.0.2",
	                                    "ipv6", "pending", "gateway", "2001:db8::7", NULL);
	gboolean has_ip6 = FALSE;
	GError *error = NULL;
	GVariant *dict = sstp_config_build_generic(msg, &has_ip6, &error);

	g_assert_no_error(error);
	g_variant_ref_sink(dict);
	assert_bytes(dict, NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY, gw, sizeof(gw));
	assert_bool(dict, NM_VPN_PLUGIN_CONFIG_HAS_IP6, TRUE);
	g_assert_true(has_ip6);
	/* no mtu key in the message: none in the dictionary */
	g_assert_null(g_variant_lookup_value(dict, NM_VPN_PLUGIN_CONFIG_MTU, NULL));
	g_variant_unref(dict);
	g_free(msg);
}

static void
assert_generic_fails(struct sstp_ipc_msg *msg, const char *needle1, const char *needle2)
{
	GError *error = NULL;

	g_assert_null(sstp_config_build_generic(msg, NULL, &error));
	g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
	g_assert_nonnull(strstr(error->message, needle1));
	if (needle2)
		g_assert_nonnull(strstr(error->message, needle2));
	g_error_free(error);
	g_free(msg);
}

static void
test_generic_bad(void)
{
	assert_generic_fails(make_msg("ip4", "ifname", "ppp0", "address", "10.77.0.2", NULL),
	                     "gateway", "missing");
	assert_generic_fails(make_msg("ip4", "ifname", "ppp0", "gateway", "vpn.example.com", NULL),
	                     "gateway", "vpn.example.com");
	assert_generic_fails(make_msg("ip4", "ifname", "ppp0", "gateway", "0.0.0.0", NULL),
	                     "gateway", "0.0.0.0");
	assert_generic_fails(make_msg("ip4", "ifname", "../etc", "gateway", "198.51.100.7", NULL),
	                     "ifname", "../etc");
	assert_generic_fails(make_msg("ip4", "gateway", "198.51.100.7", NULL), "ifname", "missing");
	assert_generic_fails(make_msg("ip4", "ifname", "ppp0", "gateway", "198.51.100.7", "mtu",
	                              "70000", NULL),
	                     "mtu", "70000");
	assert_generic_fails(make_msg("ip4", "ifname", "ppp0", "gateway", "198.51.100.7", "mtu",
	                              "-1", NULL),
	                     "mtu", "-1");
}

static void
test_ip4(void)
{
	struct sstp_ipc_msg *msg = make_msg("ip4", "ifname", "ppp0", "address", "10.77.0.2",
	                                    "peer", "10.77.0.1", "dns", "10.77.0.53", "dns",
	                                    "192.0.2.53", "wins", "10.77.0.139", "gateway",
	                                    "198.51.100.7", NULL);
	GError *error = NULL;
	GVariant *dict = sstp_config_build_ip4(msg, TRUE, &error);
	GVariant *list;

	g_assert_no_error(error);
	g_variant_ref_sink(dict);
	assert_u32(dict, NM_VPN_PLUGIN_IP4_CONFIG_ADDRESS, ip4("10.77.0.2"));
	assert_u32(dict, NM_VPN_PLUGIN_IP4_CONFIG_PTP, ip4("10.77.0.1"));
	assert_u32(dict, NM_VPN_PLUGIN_IP4_CONFIG_PREFIX, 32);
	assert_bool(dict, NM_VPN_PLUGIN_IP4_CONFIG_NEVER_DEFAULT, TRUE);

	list = lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_DNS, "au");
	g_assert_cmpuint(g_variant_n_children(list), ==, 2);
	g_assert_cmpuint(g_variant_get_uint32(g_variant_get_child_value(list, 0)), ==,
	                 ip4("10.77.0.53"));
	g_assert_cmpuint(g_variant_get_uint32(g_variant_get_child_value(list, 1)), ==,
	                 ip4("192.0.2.53"));
	g_variant_unref(list);

	list = lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_NBNS, "au");
	g_assert_cmpuint(g_variant_n_children(list), ==, 1);
	g_variant_unref(list);
	g_variant_unref(dict);
	g_free(msg);

	/* no peer, no dns: neither key; never-default FALSE is still explicit */
	msg = make_msg("ip4", "ifname", "ppp0", "address", "10.77.0.2", NULL);
	dict = g_variant_ref_sink(sstp_config_build_ip4(msg, FALSE, &error));
	g_assert_no_error(error);
	g_assert_null(g_variant_lookup_value(dict, NM_VPN_PLUGIN_IP4_CONFIG_PTP, NULL));
	g_assert_null(g_variant_lookup_value(dict, NM_VPN_PLUGIN_IP4_CONFIG_DNS, NULL));
	assert_bool(dict, NM_VPN_PLUGIN_IP4_CONFIG_NEVER_DEFAULT, FALSE);
	g_variant_unref(dict);
	g_free(msg);
}

/* What the DHCPINFORM brought (route=, domain=, search=) in the types
 * NetworkManager parses: routes aau of [dest, prefix, next hop, metric]
 * with addresses in network byte order, domain s, domains as. */
static void
test_ip4_dhcp(void)
{
	struct sstp_ipc_msg *msg = make_msg("ip4", "ifname", "ppp0", "address", "198.18.0.10",
	                                    "peer", "198.18.0.1", "route", "203.0.113.0/24",
	                                    "route", "192.0.2.128/25", "route", "198.19.7.7/32",
	                                    "domain", "corp.test", "search", "corp.test",
	                                    "search", "eng.corp.test", "search", "lab.example",
	                                    "gateway", "198.51.100.7", NULL);
	GError *error = NULL;
	GVariant *dict = sstp_config_build_ip4(msg, TRUE, &error);
	GVariant *routes, *route, *value;
	const guint32 *r;
	gsize n = 0;
	static const struct {
		const char *dest;
		guint32 prefix;
	} expected[] = { { "203.0.113.0", 24 }, { "192.0.2.128", 25 }, { "198.19.7.7", 32 } };

	g_assert_no_error(error);
	g_variant_ref_sink(dict);

	routes = lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_ROUTES, "aau");
	g_assert_cmpuint(g_variant_n_children(routes), ==, G_N_ELEMENTS(expected));
	for (gsize i = 0; i < G_N_ELEMENTS(expected); i++) {
		route = g_variant_get_child_value(routes, i);
		r = g_variant_get_fixed_array(route, &n, sizeof(guint32));
		g_assert_cmpuint(n, ==, 4);
		g_assert_cmpuint(r[0], ==, ip4(expected[i].dest));   /* network byte order */
		g_assert_cmpuint(r[1], ==, expected[i].prefix);
		g_assert_cmpuint(r[2], ==, 0);                       /* through the tunnel */
		g_assert_cmpuint(r[3], ==, 0);                       /* NetworkManager's VPN metric */
		g_variant_unref(route);
	}
	g_variant_unref(routes);
	value = lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_DOMAIN, "s");
	g_assert_cmpstr(g_variant_get_string(value, NULL), ==, "corp.test");
	g_variant_unref(value);
	/* the domain is not repeated in the search list */
	value = lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_DOMAINS, "as");
	g_assert_cmpuint(g_variant_n_children(value), ==, 2);
	g_assert_cmpstr(g_variant_get_string(g_variant_get_child_value(value, 0), NULL), ==, "eng.corp.test");
	g_assert_cmpstr(g_variant_get_string(g_variant_get_child_value(value, 1), NULL), ==, "lab.example");
	g_variant_unref(value);
	g_variant_unref(dict);
	g_free(msg);

	/* no DHCP keys: none of the three NetworkManager keys */
	msg = make_msg("ip4", "ifname", "ppp0", "address", "10.77.0.2", NULL);
	dict = g_variant_ref_sink(sstp_config_build_ip4(msg, FALSE, &error));
	g_assert_no_error(error);
	g_assert_null(g_variant_lookup_value(dict, NM_VPN_PLUGIN_IP4_CONFIG_ROUTES, NULL));
	g_assert_null(g_variant_lookup_value(dict, NM_VPN_PLUGIN_IP4_CONFIG_DOMAIN, NULL));
	g_assert_null(g_variant_lookup_value(dict, NM_VPN_PLUGIN_IP4_CONFIG_DOMAINS, NULL));
	g_variant_unref(dict);
	g_free(msg);
}

static void
test_parse_route(void)
{
	static const char *const bad[] = {
		"10.0.0.0", "10.0.0.0/", "10.0.0.0/0", "0.0.0.0/0", "10.0.0.0/33", "10.0.0.0/+8",
		"10.0.0.0/ 8", "10.1.0.0/8", "10.0.0.1/31", "10.0.0/8", "/8", "fe80::/64",
		"10.0.0.0/8x", "10.0.0.0.0/8", "",
	};
	guint32 dest = 1, prefix = 1;

	g_assert_true(sstp_config_parse_route("203.0.113.0/24", &dest, &prefix));
	g_assert_cmpmem(&dest, 4, "\xcb\x00\x71\x00", 4);   /* 203.0.113.0 as in_addr */
	g_assert_cmpuint(prefix, ==, 24);
	g_assert_true(sstp_config_parse_route("10.0.0.1/32", &dest, &prefix));
	g_assert_cmpuint(prefix, ==, 32);
	g_assert_true(sstp_config_parse_route("128.0.0.0/1", &dest, &prefix));
	g_assert_cmpuint(prefix, ==, 1);
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		if (sstp_config_parse_route(bad[i], &dest, &prefix))
			g_error("route \"%s\" accepted", bad[i]);
	}
	g_assert_false(sstp_config_parse_route(NULL, &dest, &prefix));

	g_assert_true(sstp_config_domain_valid("corp.test"));
	g_assert_true(sstp_config_domain_valid("a_b-c.example"));
	g_assert_false(sstp_config_domain_valid("corp.test."));
	g_assert_false(sstp_config_domain_valid("corp..test"));
	g_assert_false(sstp_config_domain_valid(".corp"));
	g_assert_false(sstp_config_domain_valid("corp test"));
	g_assert_false(sstp_config_domain_valid(""));
	g_assert_false(sstp_config_domain_valid(NULL));
}

static void
test_ip4_bad(void)
{
	static const char *const cases[][3] = {
		{"address", "10.77.0", "address"},
		{"address", "0.0.0.0", "address"},
		{"peer", "fe80::1", "peer"},
		{"dns", "10.77.0.256", "dns"},
		{"wins", "x", "wins"},
		{"route", "10.1.0.0/8", "route"},
		{"route", "0.0.0.0/0", "route"},
		{"domain", "corp..test", "domain"},
		{"search", "a;b", "search"},
	};
	guint i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct sstp_ipc_msg *msg;
		GError *error = NULL;

		if (strcmp(cases[i][0], "address") == 0)
			msg = make_msg("ip4", "address", cases[i][1], NULL);
		else
			msg = make_msg("ip4", "address", "10.77.0.2", cases[i][0], cases[i][1], NULL);
		g_assert_null(sstp_config_build_ip4(msg, FALSE, &error));
		g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
		g_assert_nonnull(strstr(error->message, cases[i][2]));
		g_assert_nonnull(strstr(error->message, cases[i][1]));
		g_error_free(error);
		g_free(msg);
	}
}

static void
test_ip6(void)
{
	static const guint8 local[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
	                                 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55};
	static const guint8 peer[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
	struct sstp_ipc_msg *msg = make_msg("ip6", "ifname", "ppp0", "local-iid",
	                                    "0211:22ff:fe33:4455", "peer-iid", "0:0:0:1", NULL);
	GError *error = NULL;
	GVariant *dict = sstp_config_build_ip6(msg, FALSE, &error);

	g_assert_no_error(error);
	g_variant_ref_sink(dict);
	assert_bytes(dict, NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS, local, sizeof(local));
	assert_bytes(dict, NM_VPN_PLUGIN_IP6_CONFIG_PTP, peer, sizeof(peer));
	assert_u32(dict, NM_VPN_PLUGIN_IP6_CONFIG_PREFIX, 64);
	assert_bool(dict, NM_VPN_PLUGIN_IP6_CONFIG_NEVER_DEFAULT, FALSE);
	g_variant_unref(dict);
	g_free(msg);

	msg = make_msg("ip6", "local-iid", "0:0:0:0", NULL);
	g_assert_null(sstp_config_build_ip6(msg, FALSE, &error));
	g_assert_nonnull(strstr(error->message, "local-iid"));
	g_clear_error(&error);
	g_free(msg);

	msg = make_msg("ip6", "local-iid", "1:2:3:4", "peer-iid", "1:2:3", NULL);
	g_assert_null(sstp_config_build_ip6(msg, FALSE, &error));
	g_assert_nonnull(strstr(error->message, "peer-iid"));
	g_clear_error(&error);
	g_free(msg);
}

static void
test_parse_iid(void)
{
	static const guint8 expected[8] = {0xab, 0xcd, 0x00, 0x01, 0x12, 0x34, 0x00, 0x0f};
	static const char *const bad[] = {
		"", "1:2:3", "1:2:3:4:5", "12345:0:0:1", "g:0:0:1", "+1:0:0:1", "1::2:3", "0:0:0:0",
		"1:2:3:4 ", " 1:2:3:4", "-0:0:0:1",
	};
	guint8 iid[8];
	guint i;

	g_assert_true(sstp_config_parse_iid("abcd:1:1234:f", iid));
	g_assert_cmpmem(iid, 8, expected, 8);
	g_assert_true(sstp_config_parse_iid("ABCD:0001:1234:000F", iid));
	g_assert_cmpmem(iid, 8, expected, 8);
	for (i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_false(sstp_config_parse_iid(bad[i], iid));
	g_assert_false(sstp_config_parse_iid(NULL, iid));
}

/*****************************************************************************/

static NMSettingVpn *
make_vpn(const char *first_key, ...)
{
	NMSettingVpn *s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());
	va_list ap;

	va_start(ap, first_key);
	test_vpn_setting_fill(s_vpn, first_key, ap);
	va_end(ap);
	return s_vpn;
}

/* s_vpn (taken) in a connection restricted to `user`, or to nobody in
 * particular (system-wide) when user is NULL. */
static void
assert_missing_for(NMSettingVpn *s_vpn, const char *user, const char *expected)
{
	NMConnection *conn = nm_simple_connection_new();
	NMSettingConnection *s_con = NM_SETTING_CONNECTION(nm_setting_connection_new());

	if (user)
		g_assert_true(nm_setting_connection_add_permission(s_con, "user", user, NULL));
	nm_connection_add_setting(conn, NM_SETTING(s_con));
	nm_connection_add_setting(conn, NM_SETTING(s_vpn));
	g_assert_cmpstr(sstp_secrets_missing(conn), ==, expected);
	g_object_unref(conn);
}

static void
assert_missing(NMSettingVpn *s_vpn, const char *expected)
{
	assert_missing_for(s_vpn, NULL, expected);
}

static void
test_secrets_password(void)
{
	assert_missing(make_vpn(NULL, NULL), NM_SSTP_KEY_PASSWORD);
	assert_missing(make_vpn(NM_SSTP_KEY_USER, "bob", NULL), NM_SSTP_KEY_PASSWORD);
	assert_missing(make_vpn("secret:password", "x", NULL), NULL);
	/* an empty password is a password */
	assert_missing(make_vpn("secret:password", "", NULL), NULL);
	/* 2: not saved (asked each time), 4: not required */
	assert_missing(make_vpn(NM_SSTP_KEY_PASSWORD_FLAGS, "2", NULL), NM_SSTP_KEY_PASSWORD);
	assert_missing(make_vpn(NM_SSTP_KEY_PASSWORD_FLAGS, "4", NULL), NULL);
	/* EAP-TLS needs no password */
	assert_missing(make_vpn(NM_SSTP_KEY_CONNECTION_TYPE, NM_SSTP_CONTYPE_TLS, NULL), NULL);
}

static void
test_secrets_proxy(void)
{
	assert_missing(make_vpn("secret:password", "x", NM_SSTP_KEY_PROXY_SERVER, "proxy.example",
	                        NM_SSTP_KEY_PROXY_PORT, "3128", NM_SSTP_KEY_PROXY_USER, "alice", NULL),
	               NM_SSTP_KEY_PROXY_PASSWORD);
	assert_missing(make_vpn("secret:password", "x", NM_SSTP_KEY_PROXY_SERVER, "proxy.example",
	                        NM_SSTP_KEY_PROXY_PORT, "3128", NM_SSTP_KEY_PROXY_USER, "alice",
	                        "secret:proxy-password", "y", NULL),
	               NULL);
	assert_missing(make_vpn("secret:password", "x", NM_SSTP_KEY_PROXY_SERVER, "proxy.example",
	                        NM_SSTP_KEY_PROXY_PORT, "3128", NM_SSTP_KEY_PROXY_USER, "alice",
	                        NM_SSTP_KEY_PROXY_PASSWORD_FLAGS, "4", NULL),
	               NULL);
	/* KDE's editor keeps the proxy password in vpn.data: nothing to ask */
	assert_missing(make_vpn("secret:password", "x", NM_SSTP_KEY_PROXY_SERVER, "proxy.example",
	                        NM_SSTP_KEY_PROXY_PORT, "3128", NM_SSTP_KEY_PROXY_USER, "alice",
	                        NM_SSTP_KEY_PROXY_PASSWORD, "y", NM_SSTP_KEY_PROXY_PASSWORD_FLAGS, "1",
	                        NULL),
	               NULL);
	/* ... and writes proxy-port=0 into every profile: no proxy, nothing to ask */
	assert_missing(make_vpn("secret:password", "x", NM_SSTP_KEY_PROXY_SERVER, "proxy.example",
	                        NM_SSTP_KEY_PROXY_PORT, "0", NM_SSTP_KEY_PROXY_USER, "alice", NULL),
	               NULL);
	/* no proxy user: no proxy password */
	assert_missing(make_vpn("secret:password", "x", NM_SSTP_KEY_PROXY_SERVER, "proxy.example",
	                        NULL),
	               NULL);
	/* the password is asked first */
	assert_missing(make_vpn(NM_SSTP_KEY_PROXY_SERVER, "proxy.example", NM_SSTP_KEY_PROXY_USER,
	                        "alice", NULL),
	               NM_SSTP_KEY_PASSWORD);
}

/*****************************************************************************/
/* The connection's own IP settings as pppd and worker words */

/* words: what sstp_config_ip_args() adds to a minimal options stream for
 * a connection whose ipv4/ipv6 settings get the given properties
 * ("method", "manual" etc.; "address" and "gateway" for ipv4). */
static char *
ip_words(const char *m4, const char *address, const char *gateway, gboolean ignore_auto_dns,
         const char *m6, gboolean *out_no_ip4, gboolean *out_no_ip6, GError **error)
{
	NMConnection *conn = nm_simple_connection_new();
	NMSettingIPConfig *s4 = NM_SETTING_IP_CONFIG(nm_setting_ip4_config_new());
	NMSettingIPConfig *s6 = NM_SETTING_IP_CONFIG(nm_setting_ip6_config_new());
	GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
	char *joined = NULL;

	g_object_set(s4, NM_SETTING_IP_CONFIG_METHOD, m4, NM_SETTING_IP_CONFIG_IGNORE_AUTO_DNS,
	             ignore_auto_dns, NM_SETTING_IP_CONFIG_GATEWAY, gateway, NULL);
	if (address) {
		NMIPAddress *a = nm_ip_address_new(AF_INET, address, 32, NULL);

		nm_setting_ip_config_add_address(s4, a);
		nm_ip_address_unref(a);
	}
	g_object_set(s6, NM_SETTING_IP_CONFIG_METHOD, m6, NULL);
	nm_connection_add_setting(conn, NM_SETTING(s4));
	nm_connection_add_setting(conn, NM_SETTING(s6));
	g_ptr_array_add(words, g_strdup("vpn.example.com"));
	g_ptr_array_add(words, g_strdup("--"));
	g_ptr_array_add(words, g_strdup("noauth"));
	g_ptr_array_add(words, NULL);
	if (sstp_config_ip_args(conn, words, out_no_ip4, out_no_ip6, error)) {
		g_assert_null(words->pdata[words->len - 1]);
		joined = g_strjoinv(" ", (char **) words->pdata);
	}
	g_ptr_array_unref(words);
	g_object_unref(conn);
	return joined;
}

static void
test_ip_args(void)
{
	gboolean no4 = TRUE, no6 = TRUE;
	GError *error = NULL;
	char *w;

	/* NetworkManager's defaults: nothing to add */
	w = ip_words("auto", NULL, NULL, FALSE, "auto", &no4, &no6, &error);
	g_assert_cmpstr(w, ==, "vpn.example.com -- noauth");
	g_assert_false(no4);
	g_assert_false(no6);
	g_free(w);
	w = ip_words("disabled", NULL, NULL, FALSE, "auto", &no4, &no6, &error);
	g_assert_cmpstr(w, ==, "vpn.example.com -- noauth noip");
	g_assert_true(no4);
	g_assert_false(no6);
	g_free(w);
	w = ip_words("manual", "10.77.0.50", "10.77.0.1", FALSE, "ignore", &no4, &no6, &error);
	g_assert_cmpstr(w, ==, "vpn.example.com -- noauth 10.77.0.50:10.77.0.1 ipcp-accept-local "
	                       "ipcp-accept-remote noipv6");
	g_assert_false(no4);
	g_assert_true(no6);
	g_free(w);
	w = ip_words("manual", "10.77.0.50", NULL, FALSE, "auto", NULL, NULL, &error);
	g_assert_cmpstr(w, ==, "vpn.example.com -- noauth 10.77.0.50: ipcp-accept-local "
	                       "ipcp-accept-remote");
	g_free(w);
	w = ip_words("auto", NULL, NULL, TRUE, "disabled", NULL, NULL, &error);
	g_assert_cmpstr(w, ==, "--no-peer-dns vpn.example.com -- noauth noipv6");
	g_free(w);
	/* no IPv4 DNS to ignore when there is no IPv4 */
	w = ip_words("disabled", NULL, NULL, TRUE, "auto", NULL, NULL, &error);
	g_assert_cmpstr(w, ==, "vpn.example.com -- noauth noip");
	g_free(w);
	g_assert_no_error(error);
	/* a tunnel for nothing */
	w = ip_words("disabled", NULL, NULL, FALSE, "ignore", NULL, NULL, &error);
	g_assert_null(w);
	g_assert_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS);
	g_assert_nonnull(strstr(error->message, "neither IPv4 nor IPv6"));
	g_clear_error(&error);
}

static char *
make_key(const char *dir, const char *name, gboolean encrypted)
{
	char *path = g_build_filename(dir, name, NULL);
	char *cmd;
	int status = -1;
	GError *error = NULL;

	cmd = g_strdup_printf("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 %s "
	                      "-out %s",
	                      encrypted ? "-aes-128-cbc -pass pass:test-passphrase" : "", path);
	g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, &error));
	g_assert_no_error(error);
	g_assert_cmpint(status, ==, 0);
	g_free(cmd);
	return path;
}

static gboolean
have_openssl_program(void)
{
	g_autofree char *path = g_find_program_in_path("openssl");

	return path != NULL;
}

static void
test_secrets_tls_key(void)
{
	char *dir;
	char *plain;
	char *encrypted;

	if (!have_openssl_program()) {
		g_test_skip("no openssl program to make test keys");
		return;
	}
	dir = g_dir_make_tmp("test-service-keys-XXXXXX", NULL);
	g_assert_nonnull(dir);
	plain = make_key(dir, "plain.pem", FALSE);
	encrypted = make_key(dir, "encrypted.pem", TRUE);

	assert_missing(make_vpn(NM_SSTP_KEY_CONNECTION_TYPE, NM_SSTP_CONTYPE_TLS,
	                        NM_SSTP_KEY_TLS_USER_KEY, plain, NULL),
	               NULL);
	assert_missing(make_vpn(NM_SSTP_KEY_CONNECTION_TYPE, NM_SSTP_CONTYPE_TLS,
	                        NM_SSTP_KEY_TLS_USER_KEY, encrypted, NULL),
	               NM_SSTP_KEY_TLS_USER_KEY_SECRET);
	assert_missing(make_vpn(NM_SSTP_KEY_CONNECTION_TYPE, NM_SSTP_CONTYPE_TLS,
	                        NM_SSTP_KEY_TLS_USER_KEY, encrypted, "secret:tls-user-key-secret",
	                        "test-passphrase", NULL),
	               NULL);
	assert_missing(make_vpn(NM_SSTP_KEY_CONNECTION_TYPE, NM_SSTP_CONTYPE_TLS,
	                        NM_SSTP_KEY_TLS_USER_KEY, encrypted,
	                        NM_SSTP_KEY_TLS_USER_KEY_SECRET_FLAGS, "4", NULL),
	               NULL);
	/* the key passphrase matters only in tls mode */
	assert_missing(make_vpn("secret:password", "x", NM_SSTP_KEY_TLS_USER_KEY, encrypted, NULL),
	               NULL);

	g_unlink(plain);
	g_unlink(encrypted);
	g_rmdir(dir);
	g_free(plain);
	g_free(encrypted);
	g_free(dir);
}

static NMSettingVpn *
make_tls_vpn(const char *key_path)
{
	return make_vpn(NM_SSTP_KEY_CONNECTION_TYPE, NM_SSTP_CONTYPE_TLS, NM_SSTP_KEY_TLS_USER_KEY,
	                key_path, NULL);
}

/* Whether a passphrase is asked for must come from what the profile's user
 * can read: an encrypted key only root can read is treated like a missing
 * file (no prompt), so the prompt tells the user nothing about it. */
static void
test_secrets_tls_key_as_user(void)
{
	char *dir;
	char *key;
	char *missing;

	if (geteuid() != 0 || !getpwnam("nobody")) {
		g_test_skip("needs root and the user nobody");
		return;
	}
	if (!have_openssl_program()) {
		g_test_skip("no openssl program to make test keys");
		return;
	}
	dir = g_dir_make_tmp("test-service-keys-XXXXXX", NULL);
	g_assert_nonnull(dir);
	g_assert_cmpint(chmod(dir, 0755), ==, 0);
	key = make_key(dir, "encrypted.pem", TRUE);
	missing = g_build_filename(dir, "missing.pem", NULL);

	g_assert_cmpint(chmod(key, 0644), ==, 0);
	assert_missing_for(make_tls_vpn(key), "nobody", NM_SSTP_KEY_TLS_USER_KEY_SECRET);

	g_assert_cmpint(chmod(key, 0600), ==, 0);
	assert_missing_for(make_tls_vpn(key), "nobody", NULL);
	assert_missing_for(make_tls_vpn(missing), "nobody", NULL);
	/* A system-wide profile (no permissions) is read as root. */
	assert_missing_for(make_tls_vpn(key), NULL, NM_SSTP_KEY_TLS_USER_KEY_SECRET);

	g_unlink(key);
	g_rmdir(dir);
	g_free(key);
	g_free(missing);
	g_free(dir);
}

/* A FIFO as key: the service must not open it and wait for a writer. The
 * alarm turns a hang into a failure. */
static void
test_secrets_tls_key_fifo(void)
{
	char *dir = g_dir_make_tmp("test-service-keys-XXXXXX", NULL);
	char *fifo;

	g_assert_nonnull(dir);
	fifo = g_build_filename(dir, "key.pem", NULL);
	g_assert_cmpint(mkfifo(fifo, 0644), ==, 0);
	alarm(30);
	assert_missing(make_tls_vpn(fifo), NULL);
	alarm(0);
	g_unlink(fifo);
	g_rmdir(dir);
	g_free(fifo);
	g_free(dir);
}

int
main(int argc, char **argv)
{
	char *runtime;
	int ret;

	g_test_init(&argc, &argv, NULL);
	/* The key probe's private copies go here, not to /run. */
	runtime = g_dir_make_tmp("test-service-run-XXXXXX", NULL);
	g_assert_nonnull(runtime);
	g_setenv("NM_SSTP_RUNTIME_DIR", runtime, TRUE);
	g_test_add_func("/service/config/generic-ipv4-gateway", test_generic_ipv4_gateway);
	g_test_add_func("/service/config/generic-ipv6-gateway", test_generic_ipv6_gateway_and_pending);
	g_test_add_func("/service/config/generic-bad", test_generic_bad);
	g_test_add_func("/service/config/ip4", test_ip4);
	g_test_add_func("/service/config/ip4-bad", test_ip4_bad);
	g_test_add_func("/service/config/ip4-dhcp", test_ip4_dhcp);
	g_test_add_func("/service/config/parse-route", test_parse_route);
	g_test_add_func("/service/config/ip6", test_ip6);
	g_test_add_func("/service/config/parse-iid", test_parse_iid);
	g_test_add_func("/service/secrets/password", test_secrets_password);
	g_test_add_func("/service/secrets/proxy", test_secrets_proxy);
	g_test_add_func("/service/config/ip-args", test_ip_args);
	g_test_add_func("/service/secrets/tls-key", test_secrets_tls_key);
	g_test_add_func("/service/secrets/tls-key-as-user", test_secrets_tls_key_as_user);
	g_test_add_func("/service/secrets/tls-key-fifo", test_secrets_tls_key_fifo);
	ret = g_test_run();
	/* Every copy and its folder are gone again: the folder is empty. */
	g_assert_cmpint(g_rmdir(runtime), ==, 0);
	g_free(runtime);
	return ret;
}
