/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include <NetworkManager.h>

#include "nm-sstp-service-config.h"

static void
sstp_config_set_error(GError **error, const char *type, const char *key, const char *value,
                      const char *why)
{
	if (value)
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            "%s message: %s=\"%s\" %s", type, key, value, why);
	else
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            "%s message: %s %s", type, key, why);
}

/* IPv4 address as NetworkManager wants it: the in_addr bytes read as a
 * native guint32 (that is, network byte order in memory). */
static gboolean
sstp_config_parse_ip4(const char *text, guint32 *out)
{
	struct in_addr addr;

	if (inet_pton(AF_INET, text, &addr) != 1)
		return FALSE;
	*out = addr.s_addr;
	return TRUE;
}

static GVariant *
sstp_config_bytes_variant(const guint8 *bytes, gsize len)
{
	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, bytes, len, 1);
}

static gboolean
sstp_config_add_ip4_list(GVariantBuilder *dict, const struct sstp_ipc_msg *msg,
                         const char *msg_key, const char *nm_key, GError **error)
{
	GVariantBuilder list;
	const char *values[SSTP_IPC_MAX_FIELDS];
	size_t n, i;

	n = sstp_ipc_get_all(msg, msg_key, values, G_N_ELEMENTS(values));
	if (n == 0)
		return TRUE;
	n = MIN(n, G_N_ELEMENTS(values));

	g_variant_builder_init(&list, G_VARIANT_TYPE("au"));
	for (i = 0; i < n; i++) {
		guint32 addr;

		if (!sstp_config_parse_ip4(values[i], &addr) || addr == 0) {
			g_variant_builder_clear(&list);
			sstp_config_set_error(error, msg->type, msg_key, values[i],
			                      "is not an IPv4 address");
			return FALSE;
		}
		g_variant_builder_add(&list, "u", addr);
	}
	g_variant_builder_add(dict, "{sv}", nm_key, g_variant_builder_end(&list));
	return TRUE;
}

GVariant *
sstp_config_build_generic(const struct sstp_ipc_msg *ip4, gboolean *out_has_ip6, GError **error)
{
	GVariantBuilder dict;
	const char *ifname = sstp_ipc_get(ip4, "ifname");
	const char *gateway = sstp_ipc_get(ip4, "gateway");
	const char *mtu = sstp_ipc_get(ip4, "mtu");
	const char *ipv6 = sstp_ipc_get(ip4, "ipv6");
	guint32 gw4;
	struct in6_addr gw6;
	gboolean has_ip6 = g_strcmp0(ipv6, "pending") == 0;

	if (!ifname || !nm_utils_is_valid_iface_name(ifname, NULL)) {
		sstp_config_set_error(error, ip4->type, "ifname", ifname,
		                      ifname ? "is not an interface name" : "is missing");
		return NULL;
	}
	if (!gateway) {
		sstp_config_set_error(error, ip4->type, "gateway", NULL, "is missing");
		return NULL;
	}

	g_variant_builder_init(&dict, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_CONFIG_TUNDEV, g_variant_new_string(ifname));

	/* NetworkManager adds a host route to this address through the
	 * physical device, so that the tunnel's own packets never enter it. */
	if (sstp_config_parse_ip4(gateway, &gw4) && gw4 != 0)
		g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY,
		                      g_variant_new_uint32(gw4));
	else if (inet_pton(AF_INET6, gateway, &gw6) == 1 && !IN6_IS_ADDR_UNSPECIFIED(&gw6))
		g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY,
		                      sstp_config_bytes_variant(gw6.s6_addr, sizeof(gw6.s6_addr)));
	else {
		g_variant_builder_clear(&dict);
		sstp_config_set_error(error, ip4->type, "gateway", gateway, "is not an IP address");
		return NULL;
	}

	if (mtu) {
		guint64 value;

		if (!g_ascii_string_to_unsigned(mtu, 10, 68, 65535, &value, NULL)) {
			g_variant_builder_clear(&dict);
			sstp_config_set_error(error, ip4->type, "mtu", mtu,
			                      "is not a number from 68 to 65535");
			return NULL;
		}
		g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_CONFIG_MTU,
		                      g_variant_new_uint32((guint32) value));
	}

	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP4, g_variant_new_boolean(TRUE));
	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_CONFIG_HAS_IP6,
	                      g_variant_new_boolean(has_ip6));
	if (out_has_ip6)
		*out_has_ip6 = has_ip6;
	return g_variant_builder_end(&dict);
}

gboolean
sstp_config_parse_route(const char *text, guint32 *out_dest, guint32 *out_prefix)
{
	const char *slash;
	char addr[INET_ADDRSTRLEN];
	guint64 prefix;
	guint32 dest, mask;

	if (!text || !(slash = strchr(text, '/')) || (gsize) (slash - text) >= sizeof(addr))
		return FALSE;
	memcpy(addr, text, (gsize) (slash - text));
	addr[slash - text] = '\0';
	/* Digits only: g_ascii_string_to_unsigned() would take a sign. */
	if (slash[1] == '\0' || strspn(slash + 1, "0123456789") != strlen(slash + 1)
	    || !g_ascii_string_to_unsigned(slash + 1, 10, 1, 32, &prefix, NULL)
	    || !sstp_config_parse_ip4(addr, &dest))
		return FALSE;
	/* The worker clears host bits; a route with them set is not ours. */
	mask = htonl(prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix));
	if ((dest & ~mask) != 0)
		return FALSE;
	*out_dest = dest;
	*out_prefix = (guint32) prefix;
	return TRUE;
}

gboolean
sstp_config_domain_valid(const char *name)
{
	gsize len, label = 0, i;

	if (!name)
		return FALSE;
	len = strlen(name);
	if (len == 0 || len > 253)
		return FALSE;
	for (i = 0; i < len; i++) {
		char c = name[i];

		if (c == '.') {
			if (label == 0)
				return FALSE;
			label = 0;
			continue;
		}
		if (!g_ascii_isalnum(c) && c != '-' && c != '_')
			return FALSE;
		if (++label > 63)
			return FALSE;
	}
	return label > 0;
}

/* route=PREFIX/LEN (repeated): through the tunnel, so next hop 0 and
 * metric 0 (NetworkManager then uses the VPN's route metric). */
static gboolean
sstp_config_add_routes(GVariantBuilder *dict, const struct sstp_ipc_msg *msg, GError **error)
{
	GVariantBuilder routes;
	const char *values[SSTP_IPC_MAX_FIELDS];
	size_t n, i;

	n = sstp_ipc_get_all(msg, "route", values, G_N_ELEMENTS(values));
	if (n == 0)
		return TRUE;
	n = MIN(n, G_N_ELEMENTS(values));

	g_variant_builder_init(&routes, G_VARIANT_TYPE("aau"));
	for (i = 0; i < n; i++) {
		guint32 route[4] = { 0, 0, 0, 0 };

		if (!sstp_config_parse_route(values[i], &route[0], &route[1])) {
			g_variant_builder_clear(&routes);
			sstp_config_set_error(error, msg->type, "route", values[i],
			                      "is not an IPv4 prefix (A.B.C.D/1-32, no host bits)");
			return FALSE;
		}
		g_variant_builder_add_value(&routes, g_variant_new_fixed_array(G_VARIANT_TYPE_UINT32, route, 4,
		                                                               sizeof(guint32)));
	}
	g_variant_builder_add(dict, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_ROUTES, g_variant_builder_end(&routes));
	return TRUE;
}

/* domain= (option 15) goes to DOMAIN, search= (option 119, repeated) to
 * DOMAINS; NetworkManager uses both as search domains. */
static gboolean
sstp_config_add_domains(GVariantBuilder *dict, const struct sstp_ipc_msg *msg, GError **error)
{
	const char *domain = sstp_ipc_get(msg, "domain");
	const char *values[SSTP_IPC_MAX_FIELDS];
	GVariantBuilder list;
	size_t n, i, added = 0;

	if (domain) {
		if (!sstp_config_domain_valid(domain)) {
			sstp_config_set_error(error, msg->type, "domain", domain, "is not a DNS name");
			return FALSE;
		}
	}
	n = MIN(sstp_ipc_get_all(msg, "search", values, G_N_ELEMENTS(values)), G_N_ELEMENTS(values));
	for (i = 0; i < n; i++) {
		if (!sstp_config_domain_valid(values[i])) {
			sstp_config_set_error(error, msg->type, "search", values[i], "is not a DNS name");
			return FALSE;
		}
	}
	if (domain)
		g_variant_builder_add(dict, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_DOMAIN, g_variant_new_string(domain));
	g_variant_builder_init(&list, G_VARIANT_TYPE("as"));
	for (i = 0; i < n; i++) {
		/* The domain is already there: no duplicate. */
		if (domain && g_ascii_strcasecmp(values[i], domain) == 0)
			continue;
		g_variant_builder_add(&list, "s", values[i]);
		added++;
	}
	if (added > 0)
		g_variant_builder_add(dict, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_DOMAINS, g_variant_builder_end(&list));
	else
		g_variant_builder_clear(&list);
	return TRUE;
}

GVariant *
sstp_config_build_ip4(const struct sstp_ipc_msg *ip4, gboolean never_default, GError **error)
{
	GVariantBuilder dict;
	const char *address = sstp_ipc_get(ip4, "address");
	const char *peer = sstp_ipc_get(ip4, "peer");
	guint32 addr;

	if (!address || !sstp_config_parse_ip4(address, &addr) || addr == 0) {
		sstp_config_set_error(error, ip4->type, "address", address,
		                      address ? "is not an IPv4 address" : "is missing");
		return NULL;
	}

	g_variant_builder_init(&dict, G_VARIANT_TYPE_VARDICT);
	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_ADDRESS,
	                      g_variant_new_uint32(addr));

	if (peer) {
		guint32 peer_addr;

		if (!sstp_config_parse_ip4(peer, &peer_addr) || peer_addr == 0) {
			g_variant_builder_clear(&dict);
			sstp_config_set_error(error, ip4->type, "peer", peer, "is not an IPv4 address");
			return NULL;
		}
		g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PTP,
		                      g_variant_new_uint32(peer_addr));
	}

	/* A PPP link: the local address alone, the peer is reached through
	 * the point-to-point address. */
	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_PREFIX, g_variant_new_uint32(32));

	if (!sstp_config_add_ip4_list(&dict, ip4, "dns", NM_VPN_PLUGIN_IP4_CONFIG_DNS, error)
	    || !sstp_config_add_ip4_list(&dict, ip4, "wins", NM_VPN_PLUGIN_IP4_CONFIG_NBNS, error)
	    || !sstp_config_add_routes(&dict, ip4, error)
	    || !sstp_config_add_domains(&dict, ip4, error)) {
		g_variant_builder_clear(&dict);
		return NULL;
	}

	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_IP4_CONFIG_NEVER_DEFAULT,
	                      g_variant_new_boolean(never_default));
	return g_variant_builder_end(&dict);
}

gboolean
sstp_config_parse_iid(const char *text, guint8 out_iid[8])
{
	gchar **groups;
	gboolean ok = TRUE;
	gboolean all_zero = TRUE;
	guint i;

	if (!text)
		return FALSE;
	groups = g_strsplit(text, ":", -1);
	if (g_strv_length(groups) != 4)
		ok = FALSE;
	for (i = 0; ok && i < 4; i++) {
		guint64 value;
		gsize len = strlen(groups[i]);
		gsize j;

		/* g_ascii_string_to_unsigned() would accept a sign; only hex digits here. */
		if (len < 1 || len > 4)
			ok = FALSE;
		for (j = 0; ok && j < len; j++) {
			if (!g_ascii_isxdigit(groups[i][j]))
				ok = FALSE;
		}
		if (ok && !g_ascii_string_to_unsigned(groups[i], 16, 0, 0xffff, &value, NULL))
			ok = FALSE;
		if (ok) {
			out_iid[2 * i] = (guint8) (value >> 8);
			out_iid[2 * i + 1] = (guint8) (value & 0xff);
			if (value != 0)
				all_zero = FALSE;
		}
	}
	g_strfreev(groups);
	return ok && !all_zero;
}

static void
sstp_config_link_local(const guint8 iid[8], guint8 out_addr[16])
{
	memset(out_addr, 0, 16);
	out_addr[0] = 0xfe;
	out_addr[1] = 0x80;
	memcpy(out_addr + 8, iid, 8);
}

GVariant *
sstp_config_build_ip6(const struct sstp_ipc_msg *ip6, gboolean never_default, GError **error)
{
	GVariantBuilder dict;
	const char *local = sstp_ipc_get(ip6, "local-iid");
	const char *peer = sstp_ipc_get(ip6, "peer-iid");
	guint8 iid[8];
	guint8 addr[16];

	if (!sstp_config_parse_iid(local, iid)) {
		sstp_config_set_error(error, ip6->type, "local-iid", local,
		                      local ? "is not an interface identifier" : "is missing");
		return NULL;
	}
	g_variant_builder_init(&dict, G_VARIANT_TYPE_VARDICT);
	sstp_config_link_local(iid, addr);
	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS,
	                      sstp_config_bytes_variant(addr, sizeof(addr)));

	if (peer) {
		if (!sstp_config_parse_iid(peer, iid)) {
			g_variant_builder_clear(&dict);
			sstp_config_set_error(error, ip6->type, "peer-iid", peer,
			                      "is not an interface identifier");
			return NULL;
		}
		sstp_config_link_local(iid, addr);
		g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PTP,
		                      sstp_config_bytes_variant(addr, sizeof(addr)));
	}

	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_PREFIX, g_variant_new_uint32(64));
	g_variant_builder_add(&dict, "{sv}", NM_VPN_PLUGIN_IP6_CONFIG_NEVER_DEFAULT,
	                      g_variant_new_boolean(never_default));
	return g_variant_builder_end(&dict);
}

void
sstp_config_add_pppd_word(GPtrArray *words, char *word)
{
	g_ptr_array_insert(words, (gint) words->len - 1, word);
}

gboolean
sstp_config_ip_args(NMConnection *connection, GPtrArray *words, gboolean *out_no_ip4,
                    gboolean *out_no_ip6, GError **error)
{
	NMSettingIPConfig *s_ip4 = nm_connection_get_setting_ip4_config(connection);
	NMSettingIPConfig *s_ip6 = nm_connection_get_setting_ip6_config(connection);
	const char *m4 = s_ip4 ? nm_setting_ip_config_get_method(s_ip4) : NULL;
	const char *m6 = s_ip6 ? nm_setting_ip_config_get_method(s_ip6) : NULL;
	gboolean no_ip4 = g_strcmp0(m4, NM_SETTING_IP4_CONFIG_METHOD_DISABLED) == 0;
	gboolean no_ip6 = g_strcmp0(m6, NM_SETTING_IP6_CONFIG_METHOD_IGNORE) == 0
	                  || g_strcmp0(m6, NM_SETTING_IP6_CONFIG_METHOD_DISABLED) == 0;

	g_return_val_if_fail(words && words->len > 0 && !words->pdata[words->len - 1], FALSE);
	if (no_ip4 && no_ip6) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            "ipv4.method is “%s” and ipv6.method “%s”: the tunnel would carry neither "
		            "IPv4 nor IPv6", m4, m6);
		return FALSE;
	}
	if (no_ip4)
		sstp_config_add_pppd_word(words, g_strdup("noip"));
	else if (g_strcmp0(m4, NM_SETTING_IP4_CONFIG_METHOD_MANUAL) == 0
	         && nm_setting_ip_config_get_num_addresses(s_ip4) > 0) {
		NMIPAddress *a = nm_setting_ip_config_get_address(s_ip4, 0);
		const char *gw = nm_setting_ip_config_get_gateway(s_ip4);

		/* Addresses and gateway are validated by libnm: plain IPv4. */
		sstp_config_add_pppd_word(words, g_strdup_printf("%s:%s", nm_ip_address_get_address(a),
		                                                 gw ? gw : ""));
		/* The address is a wish: a server that assigns another wins,
		 * as with the old plugin, rather than IPCP failing. */
		sstp_config_add_pppd_word(words, g_strdup("ipcp-accept-local"));
		sstp_config_add_pppd_word(words, g_strdup("ipcp-accept-remote"));
	}
	if (!no_ip4 && s_ip4 && nm_setting_ip_config_get_ignore_auto_dns(s_ip4))
		g_ptr_array_insert(words, 0, g_strdup("--no-peer-dns"));
	if (no_ip6)
		sstp_config_add_pppd_word(words, g_strdup("noipv6"));
	if (out_no_ip4)
		*out_no_ip4 = no_ip4;
	if (out_no_ip6)
		*out_no_ip6 = no_ip6;
	return TRUE;
}
