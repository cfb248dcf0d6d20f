/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nm-sstp-auth-dialog: asks for the secrets of an SSTP VPN connection on
 * behalf of a NetworkManager secret agent (nm-applet, GNOME Shell, nmcli).
 *
 * NetworkManager writes the connection's data and known secrets on stdin
 * (DATA_KEY=/DATA_VAL=/SECRET_KEY=/SECRET_VAL= ... DONE). We answer on
 * stdout with "key\nvalue\n" pairs and an empty line, then wait for QUIT;
 * or, with --external-ui-mode, describe the prompt as a keyfile and let
 * GNOME Shell draw it. Secrets saved by the agent are looked up in the
 * keyring (libsecret) before anybody is asked.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <libsecret/secret.h>
#include <NetworkManager.h>
#include <nma-vpn-password-dialog.h>

#include "nm-sstp-auth-secrets.h"
#include "nm-sstp-settings.h"
#include "sstp-harden.h"

/* The schema NetworkManager's agents store VPN secrets under. */
static const SecretSchema nm_secret_schema = {
	"org.freedesktop.NetworkManager.Connection",
	SECRET_SCHEMA_DONT_MATCH_NAME,
	{
		{ "connection-uuid", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "setting-name", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "setting-key", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	}
};

static char *
keyring_lookup(const char *uuid, const char *key)
{
	GError *error = NULL;
	char *value;

	value = secret_password_lookup_sync(&nm_secret_schema, NULL, &error,
	                                    "connection-uuid", uuid,
	                                    "setting-name", NM_SETTING_VPN_SETTING_NAME,
	                                    "setting-key", key,
	                                    NULL);
	if (error) {
		/* No keyring (e.g. a headless session) is not an error here:
		 * the user is asked instead. Never print the key's value. */
		g_debug("keyring lookup of %s failed: %s", key, error->message);
		g_error_free(error);
	}
	if (!value)
		return NULL;
	{
		char *copy = g_strdup(value);

		secret_password_free(value);
		return copy;
	}
}

static gboolean
ask_with_dialog(NMSstpAuthRequest *req, const char *vpn_name)
{
	static const struct {
		void (*show)(NMAVpnPasswordDialog *, gboolean);
		void (*label)(NMAVpnPasswordDialog *, const char *);
		void (*set)(NMAVpnPasswordDialog *, const char *);
		const char *(*get)(NMAVpnPasswordDialog *);
	} slots[3] = {
		{ nma_vpn_password_dialog_set_show_password, nma_vpn_password_dialog_set_password_label,
		  nma_vpn_password_dialog_set_password, nma_vpn_password_dialog_get_password },
		{ nma_vpn_password_dialog_set_show_password_secondary,
		  nma_vpn_password_dialog_set_password_secondary_label,
		  nma_vpn_password_dialog_set_password_secondary,
		  nma_vpn_password_dialog_get_password_secondary },
		{ nma_vpn_password_dialog_set_show_password_ternary,
		  nma_vpn_password_dialog_set_password_ternary_label,
		  nma_vpn_password_dialog_set_password_ternary,
		  nma_vpn_password_dialog_get_password_ternary },
	};
	int slot_of[NM_SSTP_SECRET_COUNT];
	NMAVpnPasswordDialog *dialog;
	char *prompt;
	gboolean ok;
	unsigned i;
	int used = 0;

	prompt = req->prompt ? g_strdup(req->prompt)
	                     : g_strdup_printf(_("You need to authenticate to access the Virtual Private Network “%s”."),
	                                       vpn_name);
	dialog = NMA_VPN_PASSWORD_DIALOG(nma_vpn_password_dialog_new(_("Authenticate VPN"), prompt, NULL));
	g_free(prompt);

	for (i = 0; i < 3; i++)
		slots[i].show(dialog, FALSE);
	for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
		slot_of[i] = -1;
		if (!req->need[i])
			continue;
		slot_of[i] = used;
		slots[used].show(dialog, TRUE);
		slots[used].label(dialog, nm_sstp_auth_secret_label(i));
		if (req->value[i])
			slots[used].set(dialog, req->value[i]);
		used++;
	}

	gtk_widget_show(GTK_WIDGET(dialog));
	ok = nma_vpn_password_dialog_run_and_block(dialog);
	if (ok) {
		for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
			if (slot_of[i] < 0)
				continue;
			nm_sstp_auth_request_set_value(req, i, slots[slot_of[i]].get(dialog));
		}
	}
	gtk_widget_destroy(GTK_WIDGET(dialog));
	return ok;
}

/* NetworkManager closes our stdin or writes QUIT once it has read the
 * reply; exiting earlier can lose it. Give up after 20 s. */
static void
wait_for_quit(void)
{
	char buf[64];
	size_t have = 0;
	gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;

	while (g_get_monotonic_time() < deadline) {
		ssize_t n = read(STDIN_FILENO, buf + have, sizeof(buf) - 1 - have);

		if (n == 0)
			return;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				g_usleep(G_USEC_PER_SEC / 10);
				continue;
			}
			return;
		}
		have += (size_t) n;
		buf[have] = '\0';
		if (strstr(buf, "QUIT") || have >= sizeof(buf) - 1)
			return;
	}
}

int
main(int argc, char *argv[])
{
	gboolean reprompt = FALSE, allow_interaction = FALSE, external_ui = FALSE;
	/* Freed on every return, the early ones too (LeakSanitizer found them
	 * left over when the connection details could not be read). */
	g_autofree char *vpn_name = NULL;
	g_autofree char *vpn_uuid = NULL;
	g_autofree char *vpn_service = NULL;
	g_auto(GStrv) hints = NULL;
	GHashTable *data = NULL, *secrets = NULL;
	NMSstpAuthRequest req;
	GOptionContext *context;
	GError *error = NULL;
	int status = 1;
	unsigned i;
	GOptionEntry entries[] = {
		{ "reprompt", 'r', 0, G_OPTION_ARG_NONE, &reprompt, N_("Ask again: the previous secrets were wrong"), NULL },
		{ "uuid", 'u', 0, G_OPTION_ARG_STRING, &vpn_uuid, N_("UUID of the VPN connection"), NULL },
		{ "name", 'n', 0, G_OPTION_ARG_STRING, &vpn_name, N_("Name of the VPN connection"), NULL },
		{ "service", 's', 0, G_OPTION_ARG_STRING, &vpn_service, N_("VPN service type"), NULL },
		{ "allow-interaction", 'i', 0, G_OPTION_ARG_NONE, &allow_interaction, N_("Allow user interaction"), NULL },
		{ "external-ui-mode", 0, 0, G_OPTION_ARG_NONE, &external_ui, N_("Describe the prompt for an external UI instead of showing one"), NULL },
		{ "hint", 't', 0, G_OPTION_ARG_STRING_ARRAY, &hints, N_("Secrets the service asked for"), NULL },
		{ NULL }
	};

	/* Before the secrets arrive on stdin or from the keyring. */
	if (sstp_forbid_core_dumps() != 0)
		fprintf(stderr, "nm-sstp-auth-dialog: cannot disable core dumps (%s): a crash could "
		        "leave the password in a core file\n", g_strerror(errno));
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	context = g_option_context_new(_("- SSTP VPN authentication dialog"));
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		fprintf(stderr, "nm-sstp-auth-dialog: %s\n", error->message);
		g_error_free(error);
		g_option_context_free(context);
		return 1;
	}
	g_option_context_free(context);

	if (!vpn_uuid || !vpn_name || !vpn_service) {
		fprintf(stderr, "nm-sstp-auth-dialog: %s\n", _("--uuid, --name and --service are required"));
		return 1;
	}
	if (strcmp(vpn_service, NM_SSTP_DBUS_SERVICE) != 0) {
		fprintf(stderr, "nm-sstp-auth-dialog: ");
		fprintf(stderr, _("service “%s” is not %s"), vpn_service, NM_SSTP_DBUS_SERVICE);
		fputc('\n', stderr);
		return 1;
	}
	if (!nm_vpn_service_plugin_read_vpn_details(STDIN_FILENO, &data, &secrets)) {
		fprintf(stderr, "nm-sstp-auth-dialog: ");
		fprintf(stderr, _("could not read the connection details for “%s” from standard input"), vpn_name);
		fputc('\n', stderr);
		return 1;
	}

	nm_sstp_auth_request_init(&req, data, secrets, (const char *const *) hints);
	for (i = 0; i < NM_SSTP_SECRET_COUNT; i++) {
		NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;

		nm_vpn_service_plugin_get_secret_flags(data, nm_sstp_auth_secret_key(i), &flags);
		/* Agent-owned secrets live in the keyring; not-saved ones nowhere. */
		if (req.need[i] && !req.value[i] && (flags & NM_SETTING_SECRET_FLAG_AGENT_OWNED)
		    && !(flags & NM_SETTING_SECRET_FLAG_NOT_SAVED))
			req.value[i] = keyring_lookup(vpn_uuid, nm_sstp_auth_secret_key(i));
	}
	nm_sstp_auth_request_decide(&req, data, reprompt);

	if (external_ui) {
		char *text = nm_sstp_auth_format_external_ui(&req, vpn_name, allow_interaction);

		fputs(text, stdout);
		fflush(stdout);
		explicit_bzero(text, strlen(text));
		g_free(text);
		status = 0;
		goto out;
	}

	if (nm_sstp_auth_request_needs_prompt(&req)) {
		if (!allow_interaction) {
			fprintf(stderr, "nm-sstp-auth-dialog: ");
			fprintf(stderr, _("secrets for “%s” are needed but interaction is not allowed"), vpn_name);
			fputc('\n', stderr);
			goto out;
		}
		if (!gtk_init_check(&argc, &argv)) {
			fprintf(stderr, "nm-sstp-auth-dialog: ");
			fprintf(stderr, _("cannot open a display to ask for the secrets of “%s”"), vpn_name);
			fputc('\n', stderr);
			goto out;
		}
		if (!ask_with_dialog(&req, vpn_name))
			goto out;   /* cancelled */
	}

	{
		GString *reply = nm_sstp_auth_format_reply(&req);

		fwrite(reply->str, 1, reply->len, stdout);
		fflush(stdout);
		explicit_bzero(reply->str, reply->len);
		g_string_free(reply, TRUE);
	}
	wait_for_quit();
	status = 0;
out:
	nm_sstp_auth_request_clear(&req);
	if (data)
		g_hash_table_unref(data);
	if (secrets) {
		nm_sstp_auth_secrets_wipe(secrets);
		g_hash_table_unref(secrets);
	}
	return status;
}
