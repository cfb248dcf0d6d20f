/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Import/export of SSTP connections: our ".sstp" keyfile format and Windows
 * phonebook (.pbk) files. See nm-sstp-import-export.h and
 * docs/sstp-file-format.md. Every key, default and check comes from the
 * settings table (nm-sstp-settings.h); nothing here lists keys.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "nm-sstp-editor-plugin.h"
#include "nm-sstp-import-export.h"
#include "nm-sstp-settings.h"

/* Groups of the .sstp format. */
#define SSTP_FILE_GROUP_CONNECTION "connection"
#define SSTP_FILE_GROUP_SSTP       "sstp"
#define SSTP_FILE_KEY_ID           "id"

/* Windows RAS VpnStrategy values under which the client dials SSTP (ras.h):
 * VS_SstpOnly 5, VS_SstpFirst 6, and the combinations that fall back to SSTP:
 * VS_PptpSstp 12, VS_L2tpSstp 13, VS_Ikev2Sstp 14. */
static const guint sstp_pbk_strategies[] = { 5, 6, 12, 13, 14 };

/* EAP type number of EAP-TLS (RFC 5216) as phonebooks store it in
 * CustomAuthKey. */
#define SSTP_PBK_EAP_TLS 13

static void
sstp_set_bad_file(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
sstp_set_bad_file(GError **error, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, msg);
	g_free(msg);
}

/* A file name as stored and written: each backslash doubled, so that the
 * utf8safe unescaping every reader applies gives the same name back. */
static char *
sstp_escape_backslashes(const char *value)
{
	GString *out = g_string_sized_new(strlen(value) + 8);

	for (const char *p = value; *p; p++) {
		if (*p == '\\')
			g_string_append_c(out, '\\');
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* ---------------------------------------------------------------------------
 * Text decoding: phonebooks are UTF-16LE with a BOM when Windows writes them,
 * UTF-8 (with or without BOM) when a person or a script did. */

static char *
sstp_decode_text(const guint8 *data, gsize len, GError **error)
{
	const char *from = NULL;
	gsize skip = 0, written = 0;
	GError *local = NULL;
	char *text;

	if (len > NM_SSTP_IMPORT_MAX_BYTES) {
		sstp_set_bad_file(error, _("the file is larger than %u bytes"),
		                  (unsigned) NM_SSTP_IMPORT_MAX_BYTES);
		return NULL;
	}
	if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE) {
		from = "UTF-16LE";
		skip = 2;
	} else if (len >= 2 && data[0] == 0xFE && data[1] == 0xFF) {
		from = "UTF-16BE";
		skip = 2;
	} else if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
		skip = 3;
	} else if (len >= 2 && data[0] != 0 && data[1] == 0) {
		/* UTF-16LE without a BOM: ASCII text with every second byte zero */
		from = "UTF-16LE";
	}

	if (from) {
		if ((len - skip) % 2 != 0) {
			sstp_set_bad_file(error, _("the file is cut in the middle of a UTF-16 character"));
			return NULL;
		}
		text = g_convert((const char *) data + skip, len - skip, "UTF-8", from, NULL, &written,
		                 &local);
		if (!text) {
			sstp_set_bad_file(error, _("the file is not valid %s text: %s"), from,
			                  local->message);
			g_error_free(local);
			return NULL;
		}
		if (strlen(text) != written) {
			g_free(text);
			sstp_set_bad_file(error, _("the file contains NUL characters: it is not a text file"));
			return NULL;
		}
		return text;
	}

	if (memchr(data + skip, '\0', len - skip)) {
		sstp_set_bad_file(error, _("the file contains NUL bytes: it is not a text file"));
		return NULL;
	}
	if (!g_utf8_validate((const char *) data + skip, len - skip, NULL)) {
		sstp_set_bad_file(error, _("the file is neither UTF-8 nor UTF-16 text"));
		return NULL;
	}
	return g_strndup((const char *) data + skip, len - skip);
}

/* One line of an INI-like file, whitespace and the CR of CRLF stripped. */
typedef struct {
	guint number;
	char *text;
	char *value; /* after a key=value split: the value; text is then the key */
} SstpLine;

static GArray *
sstp_split_lines(char *text)
{
	GArray *lines = g_array_new(FALSE, FALSE, sizeof(SstpLine));
	char *p = text;
	guint number = 0;

	while (p && *p) {
		char *nl = strchr(p, '\n');
		SstpLine line;

		if (nl)
			*nl = '\0';
		number++;
		line.number = number;
		line.text = g_strstrip(p);
		line.value = NULL;
		g_array_append_val(lines, line);
		p = nl ? nl + 1 : NULL;
	}
	return lines;
}

/* "[name]" → name (in place). FALSE if the line starts with '[' but is not
 * a well-formed group header. */
static gboolean
sstp_parse_group(char *text, char **out_name)
{
	gsize n = strlen(text);

	if (n < 2 || text[n - 1] != ']')
		return FALSE;
	text[n - 1] = '\0';
	*out_name = g_strstrip(text + 1);
	return **out_name != '\0';
}

/* "key = value" → key, value (in place, stripped). */
static gboolean
sstp_parse_pair(char *text, char **out_key, char **out_value)
{
	char *eq = strchr(text, '=');

	if (!eq)
		return FALSE;
	*eq = '\0';
	*out_key = g_strstrip(text);
	*out_value = g_strstrip(eq + 1);
	return **out_key != '\0';
}

/* Shorten a line for an error message; never used on secrets (the parsers
 * refuse secret keys before quoting anything of their values). */
static char *
sstp_quote_line(const char *text)
{
	return nm_sstp_settings_escape_for_display(text);
}

/* ---------------------------------------------------------------------------
 * The connection an import produces. */

static NMConnection *
sstp_connection_new(const char *id, NMSettingVpn **out_vpn)
{
	NMConnection *connection = nm_simple_connection_new();
	NMSetting *s_con = nm_setting_connection_new();
	NMSetting *s_vpn = nm_setting_vpn_new();
	NMSetting *s_ip4 = nm_setting_ip4_config_new();
	g_autofree char *uuid = nm_utils_uuid_generate();

	g_object_set(s_con, NM_SETTING_CONNECTION_ID, id, NM_SETTING_CONNECTION_UUID, uuid,
	             NM_SETTING_CONNECTION_TYPE, NM_SETTING_VPN_SETTING_NAME, NULL);
	g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_DBUS_SERVICE, NULL);
	g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO, NULL);
	nm_connection_add_setting(connection, s_con);
	nm_connection_add_setting(connection, s_vpn);
	nm_connection_add_setting(connection, s_ip4);
	*out_vpn = NM_SETTING_VPN(s_vpn);
	return connection;
}

/* The name for a connection from a file without one: the file's base name
 * without its extension. */
static char *
sstp_id_from_file_name(const char *file_name)
{
	g_autofree char *base = NULL;
	char *dot;

	if (!file_name)
		return g_strdup(_("SSTP VPN connection"));
	base = g_path_get_basename(file_name);
	dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	if (!*base || !g_utf8_validate(base, -1, NULL))
		return g_strdup(_("SSTP VPN connection"));
	return g_steal_pointer(&base);
}

/* ---------------------------------------------------------------------------
 * Our format: .sstp */

static NMConnection *
sstp_import_sstp_lines(GArray *lines, const char *file_name, GError **error)
{
	g_autoptr(GHashTable) values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	g_autofree char *id = NULL;
	enum { GROUP_NONE, GROUP_CONNECTION, GROUP_SSTP, GROUP_OTHER } group = GROUP_NONE;
	gboolean seen_connection = FALSE, seen_sstp = FALSE;
	NMConnection *connection;
	NMSettingVpn *s_vpn;
	GError *local = NULL;
	const NMSstpKey *keys;
	gsize n_keys, i;

	for (i = 0; i < lines->len; i++) {
		SstpLine *line = &g_array_index(lines, SstpLine, i);
		char *name, *key, *value;
		const NMSstpKey *k;
		char *normalized = NULL;

		if (!*line->text || line->text[0] == '#' || line->text[0] == ';')
			continue;

		if (line->text[0] == '[') {
			g_autofree char *shown = sstp_quote_line(line->text);

			if (!sstp_parse_group(line->text, &name)) {
				sstp_set_bad_file(error, _("line %u: “%s” is not a valid [group] header"),
				                  line->number, shown);
				return NULL;
			}
			if (strcmp(name, SSTP_FILE_GROUP_CONNECTION) == 0) {
				if (seen_connection) {
					sstp_set_bad_file(error, _("line %u: group [%s] appears twice"),
					                  line->number, name);
					return NULL;
				}
				seen_connection = TRUE;
				group = GROUP_CONNECTION;
			} else if (strcmp(name, SSTP_FILE_GROUP_SSTP) == 0) {
				if (seen_sstp) {
					sstp_set_bad_file(error, _("line %u: group [%s] appears twice"),
					                  line->number, name);
					return NULL;
				}
				seen_sstp = TRUE;
				group = GROUP_SSTP;
			} else {
				/* Reserved for later versions of the format: skipped. */
				group = GROUP_OTHER;
			}
			continue;
		}

		{
			g_autofree char *shown = sstp_quote_line(line->text);

			if (!sstp_parse_pair(line->text, &key, &value)) {
				sstp_set_bad_file(error,
				                  _("line %u: “%s” is neither key=value nor a [group] header"),
				                  line->number, shown);
				return NULL;
			}
		}
		if (group == GROUP_NONE) {
			g_autofree char *shown = sstp_quote_line(key);

			sstp_set_bad_file(error, _("line %u: key “%s” comes before any [group] header"),
			                  line->number, shown);
			return NULL;
		}
		if (group == GROUP_OTHER)
			continue;

		if (group == GROUP_CONNECTION) {
			if (strcmp(key, SSTP_FILE_KEY_ID) != 0) {
				g_autofree char *shown = sstp_quote_line(key);

				sstp_set_bad_file(error, _("line %u: unknown key “%s” in [%s]"),
				                  line->number, shown, SSTP_FILE_GROUP_CONNECTION);
				return NULL;
			}
			if (id) {
				sstp_set_bad_file(error, _("line %u: key “%s” appears twice"),
				                  line->number, key);
				return NULL;
			}
			if (!*value) {
				sstp_set_bad_file(error, _("line %u: the connection name is empty"),
				                  line->number);
				return NULL;
			}
			id = g_strdup(value);
			continue;
		}

		k = nm_sstp_settings_lookup(key);
		if (!k) {
			g_autofree char *shown = sstp_quote_line(key);

			sstp_set_bad_file(error, _("line %u: unknown key “%s” in [%s]"), line->number,
			                  shown, SSTP_FILE_GROUP_SSTP);
			return NULL;
		}
		if (k->type == NM_SSTP_KEY_SECRET) {
			sstp_set_bad_file(error,
			                  _("line %u: “%s” is a secret; secrets are never read from or "
			                    "written to connection files"),
			                  line->number, k->name);
			return NULL;
		}
		if (g_hash_table_contains(values, k->name)) {
			sstp_set_bad_file(error, _("line %u: key “%s” appears twice"), line->number,
			                  k->name);
			return NULL;
		}
		if (!nm_sstp_settings_normalize_value(k->name, value, &normalized, &local)) {
			sstp_set_bad_file(error, _("line %u: %s"), line->number, local->message);
			g_error_free(local);
			return NULL;
		}
		/* A stored file name is read with the old utf8safe escapes by
		 * everyone (the service too): a backslash that is part of the name
		 * is stored doubled, else it would start an escape on the next
		 * read ("\\T" becoming "T"; found by tests/fuzz/fuzz-import.c). */
		if (normalized && k->type == NM_SSTP_KEY_PATH && strchr(normalized, '\\')) {
			char *escaped = sstp_escape_backslashes(normalized);

			g_free(normalized);
			normalized = escaped;
		}
		if (normalized)
			g_hash_table_insert(values, (gpointer) k->name, normalized);
	}

	if (!seen_sstp) {
		sstp_set_bad_file(error, _("the file has no [%s] group: it is not an SSTP connection "
		                           "file"),
		                  SSTP_FILE_GROUP_SSTP);
		return NULL;
	}

	if (!id)
		id = sstp_id_from_file_name(file_name);
	connection = sstp_connection_new(id, &s_vpn);

	/* Table order, so the setting reads the same however the file was
	 * ordered. */
	keys = nm_sstp_settings_keys(&n_keys);
	for (i = 0; i < n_keys; i++) {
		const char *v = g_hash_table_lookup(values, keys[i].name);

		if (v)
			nm_setting_vpn_add_data_item(s_vpn, keys[i].name, v);
	}

	if (!nm_sstp_settings_validate(s_vpn, NULL, NULL, &local)) {
		sstp_set_bad_file(error, "%s", local->message);
		g_error_free(local);
		g_object_unref(connection);
		return NULL;
	}
	return connection;
}

/* ---------------------------------------------------------------------------
 * Windows phonebooks: .pbk */

typedef struct {
	char *name;      /* points into the text */
	guint line;      /* line of the [name] header */
	GHashTable *keys; /* lower-case key → SstpLine* (first occurrence wins) */
} SstpPbkEntry;

static void
sstp_pbk_entry_clear(gpointer data)
{
	SstpPbkEntry *entry = data;

	g_hash_table_unref(entry->keys);
}

static const SstpLine *
sstp_pbk_get(const SstpPbkEntry *entry, const char *key_lower)
{
	return g_hash_table_lookup(entry->keys, key_lower);
}

static const char *
sstp_pbk_value(const SstpLine *line)
{
	return line->value;
}

static gboolean
sstp_pbk_is_sstp(const SstpPbkEntry *entry, gboolean *out_is_sstp, GError **error)
{
	const SstpLine *line = sstp_pbk_get(entry, "vpnstrategy");
	guint64 strategy;
	const char *value;
	gsize i;

	*out_is_sstp = FALSE;
	if (!line)
		return TRUE;
	value = sstp_pbk_value(line);
	if (!g_ascii_string_to_unsigned(value, 10, 0, G_MAXUINT32, &strategy, NULL)) {
		g_autofree char *shown = sstp_quote_line(value);

		sstp_set_bad_file(error, _("line %u: VpnStrategy “%s” is not a number"), line->number,
		                  shown);
		return FALSE;
	}
	for (i = 0; i < G_N_ELEMENTS(sstp_pbk_strategies); i++) {
		if (strategy == sstp_pbk_strategies[i])
			*out_is_sstp = TRUE;
	}
	return TRUE;
}

static NMConnection *
sstp_pbk_entry_to_connection(const SstpPbkEntry *entry, GError **error)
{
	const SstpLine *phone = sstp_pbk_get(entry, "phonenumber");
	const SstpLine *auth_key = sstp_pbk_get(entry, "customauthkey");
	g_autofree char *gateway = NULL;
	NMConnection *connection;
	NMSettingVpn *s_vpn;
	GError *local = NULL;
	const char *value;

	if (!phone || !*sstp_pbk_value(phone)) {
		g_autofree char *shown = sstp_quote_line(entry->name);

		sstp_set_bad_file(error,
		                  _("line %u: entry “%s” has no PhoneNumber (the server address)"),
		                  phone ? phone->number : entry->line, shown);
		return NULL;
	}
	value = sstp_pbk_value(phone);
	if (!nm_sstp_settings_normalize_value(NM_SSTP_KEY_GATEWAY, value, &gateway, &local)) {
		sstp_set_bad_file(error, _("line %u: %s"), phone->number, local->message);
		g_error_free(local);
		return NULL;
	}

	connection = sstp_connection_new(entry->name, &s_vpn);
	nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_GATEWAY, gateway);

	/* CustomAuthKey is the EAP type Windows uses; 13 is EAP-TLS (a user
	 * certificate). Everything else stays password authentication, the
	 * table's default. */
	if (auth_key) {
		guint64 eap_type;

		if (g_ascii_string_to_unsigned(sstp_pbk_value(auth_key), 10, 0,
		                               G_MAXUINT32, &eap_type, NULL)
		    && eap_type == SSTP_PBK_EAP_TLS)
			nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_CONNECTION_TYPE,
			                             NM_SSTP_CONTYPE_TLS);
	}
	return connection;
}

static NMConnection *
sstp_import_pbk_lines(GArray *lines, GError **error)
{
	g_autoptr(GArray) entries = g_array_new(FALSE, TRUE, sizeof(SstpPbkEntry));
	g_autoptr(GString) others = g_string_new(NULL);
	SstpPbkEntry *current = NULL;
	guint i;

	g_array_set_clear_func(entries, sstp_pbk_entry_clear);

	for (i = 0; i < lines->len; i++) {
		SstpLine *line = &g_array_index(lines, SstpLine, i);
		char *name, *key, *value;

		if (!*line->text || line->text[0] == ';' || line->text[0] == '#')
			continue;
		if (line->text[0] == '[') {
			SstpPbkEntry entry;
			g_autofree char *shown = sstp_quote_line(line->text);

			if (!sstp_parse_group(line->text, &name)) {
				sstp_set_bad_file(error, _("line %u: “%s” is not a valid [entry name] header"),
				                  line->number, shown);
				return NULL;
			}
			entry.name = name;
			entry.line = line->number;
			entry.keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
			g_array_append_val(entries, entry);
			current = &g_array_index(entries, SstpPbkEntry, entries->len - 1);
			continue;
		}
		{
			g_autofree char *shown = sstp_quote_line(line->text);

			if (!sstp_parse_pair(line->text, &key, &value)) {
				sstp_set_bad_file(error,
				                  _("line %u: “%s” is neither Key=Value nor an [entry name] "
				                    "header"),
				                  line->number, shown);
				return NULL;
			}
			if (!current) {
				sstp_set_bad_file(error, _("line %u: “%s” comes before any [entry name] header"),
				                  line->number, shown);
				return NULL;
			}
		}
		line->value = value;
		/* The first occurrence counts: later ones belong to sub-sections
		 * (alternate devices and numbers) of the same entry. */
		{
			char *lower = g_ascii_strdown(key, -1);

			if (g_hash_table_contains(current->keys, lower))
				g_free(lower);
			else
				g_hash_table_insert(current->keys, lower, line);
		}
	}

	if (entries->len == 0) {
		sstp_set_bad_file(error, _("the file has no [entry] sections: it is neither a "
		                           "Windows phonebook (.pbk) nor an SSTP connection file"));
		return NULL;
	}

	for (i = 0; i < entries->len; i++) {
		SstpPbkEntry *entry = &g_array_index(entries, SstpPbkEntry, i);
		const SstpLine *strategy = sstp_pbk_get(entry, "vpnstrategy");
		gboolean is_sstp;
		g_autofree char *shown = NULL;

		if (!sstp_pbk_is_sstp(entry, &is_sstp, error))
			return NULL;
		if (is_sstp)
			return sstp_pbk_entry_to_connection(entry, error);

		shown = sstp_quote_line(entry->name);
		g_string_append_printf(others, "%s“%s” (%s%s)", others->len ? ", " : "", shown,
		                       strategy ? "VpnStrategy " : _("no VpnStrategy"),
		                       strategy ? sstp_pbk_value(strategy) : "");
	}

	sstp_set_bad_file(error,
	                  _("the phonebook has no SSTP entry (VpnStrategy 5, 6, 12, 13 or 14); "
	                    "its entries: %s"),
	                  others->str);
	return NULL;
}

/* ---------------------------------------------------------------------------
 * Entry points */

/* TRUE when the first group header of the text is one of ours. */
static gboolean
sstp_text_is_sstp_format(GArray *lines)
{
	guint i;

	for (i = 0; i < lines->len; i++) {
		const char *text = g_array_index(lines, SstpLine, i).text;

		if (!*text || text[0] == '#' || text[0] == ';')
			continue;
		return strcmp(text, "[" SSTP_FILE_GROUP_CONNECTION "]") == 0
		       || strcmp(text, "[" SSTP_FILE_GROUP_SSTP "]") == 0;
	}
	return FALSE;
}

NMConnection *
nm_sstp_import_data(const guint8 *data, gsize len, const char *file_name, GError **error)
{
	g_autofree char *text = NULL;
	g_autoptr(GArray) lines = NULL;

	g_return_val_if_fail(data || len == 0, NULL);

	text = sstp_decode_text(data, len, error);
	if (!text)
		return NULL;
	lines = sstp_split_lines(text);
	if (sstp_text_is_sstp_format(lines))
		return sstp_import_sstp_lines(lines, file_name, error);
	return sstp_import_pbk_lines(lines, error);
}

NMConnection *
nm_sstp_import_file(const char *path, GError **error)
{
	g_autofree char *contents = NULL;
	gsize len = 0;
	GError *local = NULL;

	g_return_val_if_fail(path, NULL);

	if (!g_file_get_contents(path, &contents, &len, &local)) {
		g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
		                    local->message);
		g_error_free(local);
		return NULL;
	}
	return nm_sstp_import_data((const guint8 *) contents, len, path, error);
}

/* Values are written as they are: no quoting, so they must be one line and
 * keep their outer characters when the reader strips whitespace. */
static gboolean
sstp_export_check_value(const char *what, const char *value, GError **error)
{
	gsize n = strlen(value);

	if (strpbrk(value, "\r\n")
	    || (n > 0 && (g_ascii_isspace(value[0]) || g_ascii_isspace(value[n - 1])))) {
		sstp_set_bad_file(error,
		                  _("cannot export “%s”: its value has a line break or starts or ends "
		                    "with a space"),
		                  what);
		return FALSE;
	}
	return TRUE;
}

char *
nm_sstp_export_to_string(NMConnection *connection, GError **error)
{
	g_autoptr(GString) out = g_string_new(NULL);
	NMSettingVpn *s_vpn;
	const char *id;
	const NMSstpKey *keys;
	gsize n_keys, i;
	GError *local = NULL;

	g_return_val_if_fail(NM_IS_CONNECTION(connection), NULL);

	s_vpn = nm_connection_get_setting_vpn(connection);
	if (!s_vpn || g_strcmp0(nm_setting_vpn_get_service_type(s_vpn), NM_SSTP_DBUS_SERVICE) != 0) {
		sstp_set_bad_file(error, _("the connection is not an SSTP VPN connection"));
		return NULL;
	}
	/* Write only what our import reads back: the same checks (an EAP-TLS
	 * profile imported from a .pbk has no user certificate until the user
	 * picks one). */
	if (!nm_sstp_settings_validate(s_vpn, NULL, NULL, &local)) {
		sstp_set_bad_file(error, _("cannot export: %s"), local->message);
		g_error_free(local);
		return NULL;
	}
	id = nm_connection_get_id(connection);

	g_string_append(out, "# SSTP VPN connection (NetworkManager-sstp); format: "
	                     "docs/sstp-file-format.md\n"
	                     "# Secrets (passwords) are never written to this file.\n");
	if (id && *id) {
		if (!sstp_export_check_value(SSTP_FILE_KEY_ID, id, error))
			return NULL;
		g_string_append_printf(out, "[%s]\n%s=%s\n\n", SSTP_FILE_GROUP_CONNECTION,
		                       SSTP_FILE_KEY_ID, id);
	}
	g_string_append_printf(out, "[%s]\n", SSTP_FILE_GROUP_SSTP);

	keys = nm_sstp_settings_keys(&n_keys);
	for (i = 0; i < n_keys; i++) {
		const NMSstpKey *k = &keys[i];
		g_autofree char *normalized = NULL;
		const char *value;

		if (k->type == NM_SSTP_KEY_SECRET)
			continue;
		value = nm_setting_vpn_get_data_item(s_vpn, k->name);
		if (!value && k->legacy_alias)
			value = nm_setting_vpn_get_data_item(s_vpn, k->legacy_alias);
		if (!value || !*value)
			continue;
		if (!nm_sstp_settings_normalize_value(k->name, value, &normalized, &local)) {
			sstp_set_bad_file(error, _("cannot export: %s"), local->message);
			g_error_free(local);
			return NULL;
		}
		if (!normalized)
			continue;
		if (!sstp_export_check_value(k->name, normalized, error))
			return NULL;
		if (k->type == NM_SSTP_KEY_PATH && strchr(normalized, '\\')) {
			/* Import reads file names with the old utf8safe escapes
			 * (a backslash starts one): write each backslash twice so
			 * that the same name comes back (found by
			 * tests/fuzz/fuzz-import.c). */
			g_autofree char *escaped = sstp_escape_backslashes(normalized);

			g_string_append_printf(out, "%s=%s\n", k->name, escaped);
			continue;
		}
		g_string_append_printf(out, "%s=%s\n", k->name, normalized);
	}
	return g_string_free(g_steal_pointer(&out), FALSE);
}

gboolean
nm_sstp_export_file(const char *path, NMConnection *connection, GError **error)
{
	g_autofree char *text = NULL;
	GError *local = NULL;

	g_return_val_if_fail(path, FALSE);

	text = nm_sstp_export_to_string(connection, error);
	if (!text)
		return FALSE;
	if (!g_file_set_contents(path, text, -1, &local)) {
		g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
		                    local->message);
		g_error_free(local);
		return FALSE;
	}
	return TRUE;
}

char *
nm_sstp_export_suggested_filename(NMConnection *connection)
{
	const char *id = connection ? nm_connection_get_id(connection) : NULL;
	g_autofree char *safe = NULL;
	char *p;

	if (!id || !*id)
		return g_strdup("sstp-connection.sstp");
	safe = g_strdup(id);
	for (p = safe; *p; p++) {
		if (*p == '/' || *p == '\\' || (guchar) *p < 0x20)
			*p = '_';
	}
	return g_strdup_printf("%s.sstp", safe);
}
