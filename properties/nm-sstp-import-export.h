/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Import and export of SSTP connections, GTK-free (the base plugin, nmcli and
 * the unit tests use it):
 *   - our own keyfile format ".sstp" (docs/sstp-file-format.md): [connection]
 *     id=..., [sstp] key=value for every non-secret key of the settings table;
 *   - import of Windows phonebook files ".pbk" (rasphone.pbk, and what Azure
 *     point-to-site downloads ship): the first SSTP entry.
 * Keys, defaults and validation come from src/common/nm-sstp-settings.h only.
 */
#ifndef NM_SSTP_IMPORT_EXPORT_H
#define NM_SSTP_IMPORT_EXPORT_H

#include <NetworkManager.h>

/* Files larger than this are refused before parsing. */
#define NM_SSTP_IMPORT_MAX_BYTES (1024 * 1024)

/* Reads `path` and imports it (format chosen by content: a file whose first
 * group is [connection] or [sstp] is ours, anything else is read as a
 * phonebook). Errors name the line when a line is at fault. */
NMConnection *nm_sstp_import_file(const char *path, GError **error);

/* The same for bytes in memory. `file_name` (may be NULL) names the
 * connection when the file has no name of its own. */
NMConnection *nm_sstp_import_data(const guint8 *data, gsize len, const char *file_name,
                                  GError **error);

/* The .sstp text for `connection` (secrets are never written), or NULL and
 * an error when a value cannot be written or is invalid. g_free() it. */
char *nm_sstp_export_to_string(NMConnection *connection, GError **error);

/* nm_sstp_export_to_string() written to `path`. */
gboolean nm_sstp_export_file(const char *path, NMConnection *connection, GError **error);

/* "<connection id>.sstp", with characters unsafe in file names replaced. */
char *nm_sstp_export_suggested_filename(NMConnection *connection);

#endif
