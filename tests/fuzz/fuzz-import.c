/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the importers (properties/nm-sstp-import-export.c, the
 * GTK-free core that nmcli and the editors use): .sstp files and Windows .pbk
 * phonebooks, chosen by content as nm_sstp_import_data() does. A file a user
 * downloads must never crash or leak; and whatever exports must import again
 * (the .sstp format is our own).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm-sstp-import-export.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
quiet_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static gboolean once;
	NMConnection *conn, *again;
	GError *error = NULL;
	char *text;

	if (!once) {
		/* g_warning() and friends would abort under G_DEBUG=fatal-warnings:
		 * an importer's messages are errors to return, not crashes. */
		g_log_set_default_handler(quiet_log, NULL);
		once = TRUE;
	}
	conn = nm_sstp_import_data(data, size, "fuzz.sstp", &error);
	if (!conn) {
		if (!error || !error->message)
			abort();
		g_clear_error(&error);
		return 0;
	}
	text = nm_sstp_export_to_string(conn, &error);
	/* Export may refuse (an EAP-TLS .pbk entry has no user certificate
	 * yet), with a message; what it writes, our import must read back. */
	if (!text) {
		if (!error || !error->message)
			abort();
	} else {
		again = nm_sstp_import_data((const guint8 *) text, strlen(text), "again.sstp", &error);
		if (!again) {
			fprintf(stderr, "our export does not import: %s\n---\n%s---\n",
			        error ? error->message : "?", text);
			abort();
		}
		g_object_unref(again);
		g_free(text);
	}
	g_clear_error(&error);
	g_object_unref(conn);
	return 0;
}
