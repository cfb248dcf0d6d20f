/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSTP connection editor: the page nm-connection-editor (GTK3) and GNOME
 * Settings (GTK4) show for vpn-type sstp, and its Advanced dialog.
 *
 * One source for both toolkits; the few calls that differ are wrapped in the
 * sstp_ui_*() helpers below. The main page comes from nm-sstp-dialog.ui;
 * every other key of the settings table gets a row on the Advanced dialog
 * page named by the key's `section`, built at run time from the table. So the
 * widgets, their defaults (placeholders), ranges and checks all come from
 * nm-sstp-settings.h and no key list lives here.
 *
 * Invalid input marks the field with the "error" style class and a tooltip
 * that gives the table's reason, makes update_connection() fail (which
 * disables Save in the host), and disables OK in the Advanced dialog.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gtk/gtk.h>
#include <nma-cert-chooser.h>
#include <nma-ui-utils.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "nm-sstp-editor-plugin.h"
#include "nm-sstp-editor.h"
#include "nm-sstp-settings.h"

#define SSTP_UI_RESOURCE "/org/freedesktop/network-manager-sstp/nm-sstp-dialog.ui"

/* The id of the "not set" item of enums without a default. */
#define SSTP_COMBO_UNSET ""

#if GTK_CHECK_VERSION(4, 0, 0)
#define SSTP_GTK4 1
#else
#define SSTP_GTK4 0
#endif

/* ---------------------------------------------------------------------------
 * GTK3/GTK4 differences */

static const char *
sstp_ui_entry_get_text(GtkWidget *entry)
{
#if SSTP_GTK4
	return gtk_editable_get_text(GTK_EDITABLE(entry));
#else
	return gtk_entry_get_text(GTK_ENTRY(entry));
#endif
}

static void
sstp_ui_entry_set_text(GtkWidget *entry, const char *text)
{
#if SSTP_GTK4
	gtk_editable_set_text(GTK_EDITABLE(entry), text ? text : "");
#else
	gtk_entry_set_text(GTK_ENTRY(entry), text ? text : "");
#endif
}

static gboolean
sstp_ui_check_get(GtkWidget *check)
{
#if SSTP_GTK4
	return gtk_check_button_get_active(GTK_CHECK_BUTTON(check));
#else
	return gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(check));
#endif
}

static void
sstp_ui_check_set(GtkWidget *check, gboolean active)
{
#if SSTP_GTK4
	gtk_check_button_set_active(GTK_CHECK_BUTTON(check), active);
#else
	gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), active);
#endif
}

static void
sstp_ui_mark_error(GtkWidget *widget, gboolean error)
{
#if SSTP_GTK4
	if (error)
		gtk_widget_add_css_class(widget, "error");
	else
		gtk_widget_remove_css_class(widget, "error");
#else
	GtkStyleContext *style = gtk_widget_get_style_context(widget);

	if (error)
		gtk_style_context_add_class(style, "error");
	else
		gtk_style_context_remove_class(style, "error");
#endif
}

static void
sstp_ui_label_wrap(GtkWidget *label)
{
#if SSTP_GTK4
	gtk_label_set_wrap(GTK_LABEL(label), TRUE);
#else
	gtk_label_set_line_wrap(GTK_LABEL(label), TRUE);
#endif
}

/* GTK3 widgets start hidden, GTK4 ones visible. */
static void
sstp_ui_show(GtkWidget *widget)
{
#if !SSTP_GTK4
	gtk_widget_show(widget);
#endif
}

static void
sstp_ui_box_append(GtkWidget *box, GtkWidget *child)
{
#if SSTP_GTK4
	gtk_box_append(GTK_BOX(box), child);
#else
	gtk_box_pack_start(GTK_BOX(box), child, TRUE, TRUE, 0);
#endif
}

static void
sstp_ui_box_remove(GtkWidget *box, GtkWidget *child)
{
#if SSTP_GTK4
	gtk_box_remove(GTK_BOX(box), child);
#else
	gtk_container_remove(GTK_CONTAINER(box), child);
#endif
}

static GtkWidget *
sstp_ui_scrolled_new(GtkWidget *child)
{
	GtkWidget *scrolled;

#if SSTP_GTK4
	scrolled = gtk_scrolled_window_new();
	gtk_scrolled_window_set_child(GTK_SCROLLED_WINDOW(scrolled), child);
#else
	scrolled = gtk_scrolled_window_new(NULL, NULL);
	gtk_container_add(GTK_CONTAINER(scrolled), child);
#endif
	gtk_scrolled_window_set_policy(GTK_SCROLLED_WINDOW(scrolled), GTK_POLICY_NEVER,
	                               GTK_POLICY_AUTOMATIC);
	gtk_scrolled_window_set_propagate_natural_height(GTK_SCROLLED_WINDOW(scrolled), TRUE);
	gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(scrolled), 520);
	return scrolled;
}

static GtkWindow *
sstp_ui_window_of(GtkWidget *widget)
{
#if SSTP_GTK4
	GtkRoot *root = gtk_widget_get_root(widget);

	return GTK_IS_WINDOW(root) ? GTK_WINDOW(root) : NULL;
#else
	GtkWidget *top = gtk_widget_get_toplevel(widget);

	return (top && gtk_widget_is_toplevel(top) && GTK_IS_WINDOW(top)) ? GTK_WINDOW(top) : NULL;
#endif
}

static void
sstp_ui_window_show(GtkWidget *window)
{
#if SSTP_GTK4
	gtk_window_present(GTK_WINDOW(window));
#else
	gtk_widget_show(window);
#endif
}

static void
sstp_ui_window_destroy(GtkWidget *window)
{
#if SSTP_GTK4
	gtk_window_destroy(GTK_WINDOW(window));
#else
	gtk_widget_destroy(window);
#endif
}

/* ---------------------------------------------------------------------------
 * The editor object */

typedef enum {
	SSTP_FIELD_ENTRY,  /* GtkEntry: strings, numbers, paths, hosts */
	SSTP_FIELD_SECRET, /* GtkEntry with the libnma storage menu */
	SSTP_FIELD_CHECK,  /* GtkCheckButton: yes/no */
	SSTP_FIELD_COMBO,  /* GtkComboBoxText: enums */
	SSTP_FIELD_CERT,   /* NMACertChooser: the server CA certificate */
} SstpFieldKind;

typedef struct {
	const NMSstpKey *key;
	SstpFieldKind kind;
	GtkWidget *widget;
	GtkWidget *label;     /* NULL for check buttons and the cert chooser */
	gboolean advanced;    /* on the Advanced dialog, not the main page */
	char *tooltip;        /* the normal tooltip (the key's description) */
	char *error;          /* the current validation error, or NULL */
} SstpField;

#define SSTP_TYPE_EDITOR (sstp_editor_get_type())
G_DECLARE_FINAL_TYPE(SstpEditor, sstp_editor, SSTP, EDITOR, GObject)

struct _SstpEditor {
	GObject parent;
	GtkBuilder *builder;
	GtkWidget *widget;      /* the main page (ours: one reference) */
	GtkWidget *notebook;    /* the Advanced pages (ours: one reference) */
	GtkWidget *dialog;      /* the Advanced dialog while it is open */
	GtkSizeGroup *main_labels;
	GPtrArray *fields;      /* SstpField*, in table order */
	GHashTable *snapshot;   /* key name → value of advanced fields at dialog open */
	NMSettingVpn *original; /* the connection's setting as given (unknown keys kept) */
	char *auto_subject;     /* the tls-subject-name the editor filled in, if any */
};

static void sstp_editor_interface_init(NMVpnEditorInterface *iface);

G_DEFINE_TYPE_WITH_CODE(SstpEditor, sstp_editor, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(NM_TYPE_VPN_EDITOR, sstp_editor_interface_init))

static void
sstp_field_free(gpointer data)
{
	SstpField *field = data;

	g_clear_object(&field->widget);
	g_free(field->tooltip);
	g_free(field->error);
	g_free(field);
}

static SstpField *
sstp_editor_find_field(SstpEditor *self, const char *name)
{
	guint i;

	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);

		if (strcmp(field->key->name, name) == 0)
			return field;
	}
	return NULL;
}

static const char *
sstp_tr(const char *msgid)
{
	return msgid ? g_dgettext(GETTEXT_PACKAGE, msgid) : NULL;
}

/* ---------------------------------------------------------------------------
 * Values in and out of the widgets */

/* The field's current value as the settings table expects it; NULL when the
 * field is empty (unset). g_free() it. */
static char *
sstp_field_get_value(SstpField *field)
{
	const char *text;
	char *value = NULL;
	NMSetting8021xCKScheme scheme = NM_SETTING_802_1X_CK_SCHEME_UNKNOWN;

	switch (field->kind) {
	case SSTP_FIELD_CHECK:
		return g_strdup(sstp_ui_check_get(field->widget) ? "yes" : "no");
	case SSTP_FIELD_COMBO:
		text = gtk_combo_box_get_active_id(GTK_COMBO_BOX(field->widget));
		return text && *text ? g_strdup(text) : NULL;
	case SSTP_FIELD_CERT:
		value = nma_cert_chooser_get_cert(NMA_CERT_CHOOSER(field->widget), &scheme);
		if (value && !*value)
			g_clear_pointer(&value, g_free);
		return value;
	case SSTP_FIELD_SECRET:
		text = sstp_ui_entry_get_text(field->widget);
		return *text ? g_strdup(text) : NULL;
	case SSTP_FIELD_ENTRY:
	default:
		value = g_strstrip(g_strdup(sstp_ui_entry_get_text(field->widget)));
		if (!*value)
			g_clear_pointer(&value, g_free);
		return value;
	}
}

static void
sstp_field_set_value(SstpField *field, const char *value)
{
	switch (field->kind) {
	case SSTP_FIELD_CHECK: {
		const char *v = value ? value : field->key->default_value;

		sstp_ui_check_set(field->widget, v && (g_ascii_strcasecmp(v, "yes") == 0
		                                       || g_ascii_strcasecmp(v, "true") == 0
		                                       || strcmp(v, "1") == 0));
		break;
	}
	case SSTP_FIELD_COMBO: {
		const char *v = value && *value ? value : field->key->default_value;

		if (!v)
			v = SSTP_COMBO_UNSET;
		if (!gtk_combo_box_set_active_id(GTK_COMBO_BOX(field->widget), v)) {
			/* A value the table does not know: show it, validation marks it. */
			gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(field->widget), v, v);
			gtk_combo_box_set_active_id(GTK_COMBO_BOX(field->widget), v);
		}
		break;
	}
	case SSTP_FIELD_CERT:
		if (value && *value)
			nma_cert_chooser_set_cert(NMA_CERT_CHOOSER(field->widget), value,
			                          NM_SETTING_802_1X_CK_SCHEME_PATH);
		else
			nma_cert_chooser_set_cert(NMA_CERT_CHOOSER(field->widget), NULL,
			                          NM_SETTING_802_1X_CK_SCHEME_UNKNOWN);
		break;
	case SSTP_FIELD_SECRET:
	case SSTP_FIELD_ENTRY:
	default:
		sstp_ui_entry_set_text(field->widget, value);
		break;
	}
}

/* The stored value of a key in a setting: the data item (or the secret),
 * under its name or its legacy spelling; NULL when absent. No default. */
static const char *
sstp_setting_raw_value(NMSettingVpn *s_vpn, const NMSstpKey *key)
{
	const char *v;

	if (key->type == NM_SSTP_KEY_SECRET) {
		v = nm_setting_vpn_get_secret(s_vpn, key->name);
		if (!v && key->legacy_alias)
			v = nm_setting_vpn_get_secret(s_vpn, key->legacy_alias);
		return v;
	}
	v = nm_setting_vpn_get_data_item(s_vpn, key->name);
	if (!v && key->legacy_alias)
		v = nm_setting_vpn_get_data_item(s_vpn, key->legacy_alias);
	return v;
}

static gboolean
sstp_editor_is_tls(SstpEditor *self)
{
	SstpField *field = sstp_editor_find_field(self, NM_SSTP_KEY_CONNECTION_TYPE);
	g_autofree char *value = field ? sstp_field_get_value(field) : NULL;

	return g_strcmp0(value, NM_SSTP_CONTYPE_TLS) == 0;
}

/* Whether a key matters for the chosen authentication type. */
static gboolean
sstp_field_applies(SstpEditor *self, SstpField *field)
{
	gboolean tls = sstp_editor_is_tls(self);

	if ((field->key->flags & NM_SSTP_KEY_FLAG_TLS_ONLY) && !tls)
		return FALSE;
	if ((field->key->flags & NM_SSTP_KEY_FLAG_PASSWORD_ONLY) && tls)
		return FALSE;
	return TRUE;
}

/* ---------------------------------------------------------------------------
 * tls-subject-name from the user certificate */

/* The name the original plugin took from a user certificate, so profiles
 * made here match profiles made there: the subject's emailAddress (Active
 * Directory puts user@domain there), else its commonName. NULL when the file
 * is not a PEM or DER certificate. */
static char *
sstp_cert_subject_name(const char *path)
{
	BIO *bio;
	X509 *cert;
	X509_NAME *name;
	char *result = NULL;
	int idx;

	bio = BIO_new_file(path, "rb");
	if (!bio)
		goto out;
	cert = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (!cert && BIO_reset(bio) == 0)
		cert = d2i_X509_bio(bio, NULL);
	BIO_free(bio);
	if (!cert)
		goto out;

	name = X509_get_subject_name(cert);
	idx = X509_NAME_get_index_by_NID(name, NID_pkcs9_emailAddress, -1);
	if (idx < 0)
		idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	if (idx >= 0) {
		unsigned char *utf8 = NULL;
		int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));

		if (n > 0 && g_utf8_validate((const char *) utf8, n, NULL))
			result = g_strndup((const char *) utf8, n);
		OPENSSL_free(utf8);
	}
	X509_free(cert);
out:
	/* the editor never reports OpenSSL's queue; leave it empty */
	ERR_clear_error();
	return result;
}

/* When the user certificate changes, fill tls-subject-name from it, unless
 * the person typed a name of their own there. */
static void
sstp_editor_update_subject(SstpEditor *self, SstpField *cert_field)
{
	SstpField *subject = sstp_editor_find_field(self, NM_SSTP_KEY_TLS_SUBJECT_NAME);
	g_autofree char *path = sstp_field_get_value(cert_field);
	g_autofree char *current = NULL;
	g_autofree char *name = NULL;

	if (!subject || !path || !g_path_is_absolute(path))
		return;
	current = sstp_field_get_value(subject);
	if (current && g_strcmp0(current, self->auto_subject) != 0)
		return;
	name = sstp_cert_subject_name(path);
	if (!name)
		return;
	g_free(self->auto_subject);
	self->auto_subject = g_strdup(name);
	sstp_field_set_value(subject, name);
}

/* ---------------------------------------------------------------------------
 * Validation */

/* Check one field against the table; mark it and remember the reason. */
static gboolean
sstp_field_validate(SstpEditor *self, SstpField *field)
{
	g_autofree char *value = sstp_field_get_value(field);
	GError *error = NULL;

	g_clear_pointer(&field->error, g_free);

	if (value && !nm_sstp_settings_validate_value(field->key->name, value, &error)) {
		field->error = g_strdup(error->message);
		g_error_free(error);
	} else if (!value && (field->key->flags & NM_SSTP_KEY_FLAG_REQUIRED)
	           && sstp_field_applies(self, field)) {
		field->error = g_strdup_printf(_("“%s” is required: %s"), field->key->name,
		                               sstp_tr(field->key->summary));
	}

	sstp_ui_mark_error(field->widget, field->error != NULL);
	gtk_widget_set_tooltip_text(field->widget, field->error ? field->error : field->tooltip);
	return field->error == NULL;
}

/* Validate every field; returns the first invalid one (main page first). */
static SstpField *
sstp_editor_validate_all(SstpEditor *self)
{
	SstpField *first = NULL;
	guint pass, i;

	for (i = 0; i < self->fields->len; i++)
		sstp_field_validate(self, g_ptr_array_index(self->fields, i));
	for (pass = 0; pass < 2 && !first; pass++) {
		for (i = 0; i < self->fields->len && !first; i++) {
			SstpField *field = g_ptr_array_index(self->fields, i);

			if (field->error && field->advanced == (pass == 1))
				first = field;
		}
	}
	return first;
}

static void
sstp_editor_update_dialog_ok(SstpEditor *self)
{
	gboolean ok = TRUE;
	guint i;

	if (!self->dialog)
		return;
	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);

		if (field->advanced && field->error)
			ok = FALSE;
	}
	gtk_dialog_set_response_sensitive(GTK_DIALOG(self->dialog), GTK_RESPONSE_OK, ok);
}

/* A widget whose visibility the editor manages: in GTK3 a host's
 * gtk_widget_show_all() must not show it again. */
static void
sstp_ui_set_visible(GtkWidget *widget, gboolean visible)
{
#if !SSTP_GTK4
	gtk_widget_set_no_show_all(widget, TRUE);
#endif
	gtk_widget_set_visible(widget, visible);
}

/* Main-page fields that do not apply are hidden; advanced ones are greyed. */
static void
sstp_editor_update_mode(SstpEditor *self)
{
	GObject *hint = gtk_builder_get_object(self->builder, "tls-hint");
	GObject *show = gtk_builder_get_object(self->builder, "show-password");
	SstpField *password = sstp_editor_find_field(self, NM_SSTP_KEY_PASSWORD);
	guint i;

	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);
		gboolean applies = sstp_field_applies(self, field);

		if (field->advanced) {
			gtk_widget_set_sensitive(field->widget, applies);
			if (field->label)
				gtk_widget_set_sensitive(field->label, applies);
		} else {
			sstp_ui_set_visible(field->widget, applies);
			if (field->label)
				sstp_ui_set_visible(field->label, applies);
		}
	}
	if (hint)
		sstp_ui_set_visible(GTK_WIDGET(hint), sstp_editor_is_tls(self));
	if (show && password)
		sstp_ui_set_visible(GTK_WIDGET(show), gtk_widget_get_visible(password->widget));
}

static void
sstp_editor_field_changed(SstpEditor *self, SstpField *field)
{
	if (strcmp(field->key->name, NM_SSTP_KEY_CONNECTION_TYPE) == 0) {
		sstp_editor_update_mode(self);
		sstp_editor_validate_all(self);
	} else
		sstp_field_validate(self, field);
	if (strcmp(field->key->name, NM_SSTP_KEY_TLS_USER_CERT) == 0)
		sstp_editor_update_subject(self, field);
	sstp_editor_update_dialog_ok(self);
	g_signal_emit_by_name(self, "changed");
}

/* Signal handlers carry the field; the editor is the field widget's data. */
static void
sstp_on_widget_changed(GtkWidget *widget, gpointer user_data)
{
	SstpField *field = user_data;
	SstpEditor *self = g_object_get_data(G_OBJECT(widget), "sstp-editor");

	sstp_editor_field_changed(self, field);
}

/* ---------------------------------------------------------------------------
 * Building the widgets */

/* A label text with a mnemonic: the first letter not yet used on the page
 * (`used` holds the taken ones). Underscores in the text are doubled. */
static char *
sstp_label_with_mnemonic(const char *text, GString *used, gboolean colon)
{
	GString *out = g_string_new(NULL);
	gboolean placed = FALSE;
	const char *p;

	for (p = text; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		if (c == '_') {
			g_string_append(out, "__");
			continue;
		}
		if (!placed && c < 128 && g_ascii_isalnum((char) c)
		    && !strchr(used->str, g_ascii_tolower((char) c))) {
			g_string_append_c(used, g_ascii_tolower((char) c));
			g_string_append_c(out, '_');
			placed = TRUE;
		}
		g_string_append_unichar(out, c);
	}
	if (!placed) {
		/* Every letter is taken: share the first one. GTK then moves the
		 * focus between the widgets with that mnemonic in turn. */
		g_string_free(out, TRUE);
		out = g_string_new(NULL);
		for (p = text; *p; p = g_utf8_next_char(p)) {
			gunichar c = g_utf8_get_char(p);

			if (c == '_') {
				g_string_append(out, "__");
				continue;
			}
			if (!placed && c < 128 && g_ascii_isalpha((char) c)) {
				g_string_append_c(out, '_');
				placed = TRUE;
			}
			g_string_append_unichar(out, c);
		}
	}
	if (colon) {
		/* TRANSLATORS: the suffix after a field label ("Gateway" + ":");
		 * French, for example, puts a non-breaking space before it. */
		g_string_append(out, _(":"));
	}
	return g_string_free(out, FALSE);
}

static void
sstp_on_file_chosen(GtkNativeDialog *chooser, int response, gpointer user_data)
{
	GtkWidget *entry = user_data;

	if (response == GTK_RESPONSE_ACCEPT) {
#if SSTP_GTK4
		g_autoptr(GFile) file = gtk_file_chooser_get_file(GTK_FILE_CHOOSER(chooser));
		g_autofree char *path = file ? g_file_get_path(file) : NULL;
#else
		g_autofree char *path = gtk_file_chooser_get_filename(GTK_FILE_CHOOSER(chooser));
#endif
		if (path)
			sstp_ui_entry_set_text(entry, path);
	}
	g_object_unref(chooser);
}

static void
sstp_open_file_chooser(GtkEntry *entry)
{
	GtkFileChooserNative *chooser;

	chooser = gtk_file_chooser_native_new(_("Choose a file"),
	                                      sstp_ui_window_of(GTK_WIDGET(entry)),
	                                      GTK_FILE_CHOOSER_ACTION_OPEN, _("_Select"),
	                                      _("_Cancel"));
	gtk_native_dialog_set_modal(GTK_NATIVE_DIALOG(chooser), TRUE);
	g_signal_connect(chooser, "response", G_CALLBACK(sstp_on_file_chosen), entry);
	gtk_native_dialog_show(GTK_NATIVE_DIALOG(chooser));
}

#if SSTP_GTK4
static void
sstp_on_icon_press(GtkEntry *entry, GtkEntryIconPosition pos, gpointer user_data)
{
	sstp_open_file_chooser(entry);
}
#else
static void
sstp_on_icon_press(GtkEntry *entry, GtkEntryIconPosition pos, GdkEvent *event,
                   gpointer user_data)
{
	sstp_open_file_chooser(entry);
}
#endif

static const char *
sstp_enum_display_name(const NMSstpKey *key, const char *value)
{
	if (strcmp(key->name, NM_SSTP_KEY_CONNECTION_TYPE) == 0) {
		if (strcmp(value, NM_SSTP_CONTYPE_PASSWORD) == 0)
			return _("Password");
		if (strcmp(value, NM_SSTP_CONTYPE_TLS) == 0)
			return _("Certificate (EAP-TLS)");
	}
	return value;
}

static void
sstp_fill_combo(GtkWidget *combo, const NMSstpKey *key)
{
	guint i;

	/* Without a table default, "unset" is a choice of its own, so that
	 * opening and saving the editor adds nothing. */
	if (!key->default_value)
		gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(combo), SSTP_COMBO_UNSET, _("Not set"));

	for (i = 0; key->enum_values && key->enum_values[i]; i++)
		gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(combo), key->enum_values[i],
		                          sstp_enum_display_name(key, key->enum_values[i]));
}

/* A widget for `key` on an Advanced page; the label (if any) in *out_label. */
static GtkWidget *
sstp_make_advanced_widget(const NMSstpKey *key, SstpFieldKind kind, GString *mnemonics,
                          GtkWidget **out_label)
{
	g_autofree char *text = NULL;
	GtkWidget *widget;

	*out_label = NULL;
	if (kind == SSTP_FIELD_CHECK) {
		text = sstp_label_with_mnemonic(sstp_tr(key->summary), mnemonics, FALSE);
		return gtk_check_button_new_with_mnemonic(text);
	}

	if (kind == SSTP_FIELD_COMBO) {
		widget = gtk_combo_box_text_new();
		sstp_fill_combo(widget, key);
	} else {
		widget = gtk_entry_new();
		gtk_entry_set_activates_default(GTK_ENTRY(widget), TRUE);
		if (kind == SSTP_FIELD_SECRET) {
			gtk_entry_set_visibility(GTK_ENTRY(widget), FALSE);
			gtk_entry_set_input_purpose(GTK_ENTRY(widget), GTK_INPUT_PURPOSE_PASSWORD);
		} else if (key->default_value && *key->default_value) {
			g_autofree char *placeholder = g_strdup_printf(_("Default: %s"),
			                                               key->default_value);

			gtk_entry_set_placeholder_text(GTK_ENTRY(widget), placeholder);
		}
		if (key->type == NM_SSTP_KEY_PATH) {
			gtk_entry_set_icon_from_icon_name(GTK_ENTRY(widget), GTK_ENTRY_ICON_SECONDARY,
			                                  "document-open-symbolic");
			gtk_entry_set_icon_tooltip_text(GTK_ENTRY(widget), GTK_ENTRY_ICON_SECONDARY,
			                                _("Choose a file"));
			g_signal_connect(widget, "icon-press", G_CALLBACK(sstp_on_icon_press), NULL);
		}
	}
	gtk_widget_set_hexpand(widget, TRUE);

	text = sstp_label_with_mnemonic(sstp_tr(key->summary), mnemonics, TRUE);
	*out_label = gtk_label_new_with_mnemonic(text);
	gtk_label_set_mnemonic_widget(GTK_LABEL(*out_label), widget);
	gtk_label_set_xalign(GTK_LABEL(*out_label), 1.0);
	sstp_ui_label_wrap(*out_label);
	gtk_label_set_max_width_chars(GTK_LABEL(*out_label), 40);
	gtk_label_set_justify(GTK_LABEL(*out_label), GTK_JUSTIFY_RIGHT);
	return widget;
}

/* A notebook tab for a table section: the title up to its first " (" (the
 * rest explains, for the man page), the whole title as tooltip. */
static GtkWidget *
sstp_tab_label_new(const char *section)
{
	const char *title = section ? sstp_tr(section) : _("Other");
	const char *paren = strstr(title, " (");
	g_autofree char *shown = paren ? g_strndup(title, paren - title) : g_strdup(title);
	GtkWidget *tab = gtk_label_new(shown);

	if (paren)
		gtk_widget_set_tooltip_text(tab, title);
	return tab;
}

typedef struct {
	const char *section;
	GtkWidget *grid;
	GString *mnemonics;
	int rows;
	gboolean half_row; /* the last row holds one check button, in column 0 */
} SstpPage;

static SstpPage *
sstp_editor_get_page(SstpEditor *self, GPtrArray *pages, const char *section)
{
	SstpPage *page;
	GtkWidget *scrolled, *tab;
	guint i;

	for (i = 0; i < pages->len; i++) {
		page = g_ptr_array_index(pages, i);
		if (g_strcmp0(page->section, section) == 0)
			return page;
	}
	page = g_new0(SstpPage, 1);
	page->section = section;
	/* O and C belong to the dialog's OK and Cancel buttons */
	page->mnemonics = g_string_new("oc");
	page->grid = gtk_grid_new();
	gtk_grid_set_row_spacing(GTK_GRID(page->grid), 6);
	gtk_grid_set_column_spacing(GTK_GRID(page->grid), 12);
	gtk_widget_set_margin_start(page->grid, 12);
	gtk_widget_set_margin_end(page->grid, 12);
	gtk_widget_set_margin_top(page->grid, 12);
	gtk_widget_set_margin_bottom(page->grid, 12);
	sstp_ui_show(page->grid);
	scrolled = sstp_ui_scrolled_new(page->grid);
	sstp_ui_show(scrolled);
	tab = sstp_tab_label_new(section);
	sstp_ui_show(tab);
	gtk_notebook_append_page(GTK_NOTEBOOK(self->notebook), scrolled, tab);
	g_ptr_array_add(pages, page);
	return page;
}

static void
sstp_page_free(gpointer data)
{
	SstpPage *page = data;

	g_string_free(page->mnemonics, TRUE);
	g_free(page);
}

static SstpFieldKind
sstp_kind_for(const NMSstpKey *key)
{
	switch (key->type) {
	case NM_SSTP_KEY_BOOL:
		return SSTP_FIELD_CHECK;
	case NM_SSTP_KEY_ENUM:
		return SSTP_FIELD_COMBO;
	case NM_SSTP_KEY_SECRET:
		return SSTP_FIELD_SECRET;
	default:
		return SSTP_FIELD_ENTRY;
	}
}

static void
sstp_field_connect(SstpEditor *self, SstpField *field)
{
	const char *signal;

	g_object_set_data(G_OBJECT(field->widget), "sstp-editor", self);
	switch (field->kind) {
	case SSTP_FIELD_CHECK:
		signal = "toggled";
		break;
	default:
		signal = "changed";
		break;
	}
	g_signal_connect(field->widget, signal, G_CALLBACK(sstp_on_widget_changed), field);
}

/* Keys never shown: secret flags (the password entries' storage menus set
 * them) and keys the table marks as having no effect. */
static gboolean
sstp_key_is_hidden(const NMSstpKey *key)
{
	return key->type == NM_SSTP_KEY_SECRET_FLAGS || (key->flags & NM_SSTP_KEY_FLAG_NO_EFFECT);
}

static void
sstp_editor_build_fields(SstpEditor *self, NMSettingVpn *s_vpn)
{
	g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func(sstp_page_free);
	const NMSstpKey *keys;
	gsize n_keys, i;

	keys = nm_sstp_settings_keys(&n_keys);
	for (i = 0; i < n_keys; i++) {
		const NMSstpKey *key = &keys[i];
		SstpField *field;
		GObject *in_ui;

		if (sstp_key_is_hidden(key))
			continue;

		field = g_new0(SstpField, 1);
		field->key = key;
		field->kind = sstp_kind_for(key);
		field->tooltip = g_strdup(sstp_tr(key->description ? key->description : key->summary));

		in_ui = gtk_builder_get_object(self->builder, key->name);
		if (strcmp(key->name, NM_SSTP_KEY_CA_CERT) == 0) {
			/* The server's CA on the main page, with libnma's chooser. */
			GtkWidget *box = GTK_WIDGET(gtk_builder_get_object(self->builder, "ca-cert-box"));

			field->kind = SSTP_FIELD_CERT;
			/* TRANSLATORS: title of libnma's certificate chooser for the
			 * certificate authority that signed the VPN server's certificate. */
			field->widget = nma_cert_chooser_new(_("CA"), NMA_CERT_CHOOSER_FLAG_CERT
			                                                      | NMA_CERT_CHOOSER_FLAG_NO_PASSWORDS);
			nma_cert_chooser_add_to_size_group(NMA_CERT_CHOOSER(field->widget),
			                                   self->main_labels);
			sstp_ui_show(field->widget);
			sstp_ui_box_append(box, field->widget);
		} else if (in_ui && GTK_IS_WIDGET(in_ui)) {
			char label_id[64];
			GObject *label;

			field->widget = GTK_WIDGET(in_ui);
			g_snprintf(label_id, sizeof(label_id), "%s-label", key->name);
			label = gtk_builder_get_object(self->builder, label_id);
			field->label = label ? GTK_WIDGET(label) : NULL;
			if (field->label)
				gtk_size_group_add_widget(self->main_labels, field->label);
			if (field->kind == SSTP_FIELD_COMBO)
				sstp_fill_combo(field->widget, key);
		} else {
			SstpPage *page = sstp_editor_get_page(self, pages, key->section);

			field->advanced = TRUE;
			field->widget = sstp_make_advanced_widget(key, field->kind, page->mnemonics,
			                                          &field->label);
			if (field->label) {
				gtk_grid_attach(GTK_GRID(page->grid), field->label, 0, page->rows, 1, 1);
				gtk_grid_attach(GTK_GRID(page->grid), field->widget, 1, page->rows, 1, 1);
				sstp_ui_show(field->label);
				page->rows++;
				page->half_row = FALSE;
			} else if (page->half_row) {
				/* check buttons go two to a row: long lists stay short */
				gtk_grid_attach(GTK_GRID(page->grid), field->widget, 1, page->rows - 1, 1, 1);
				page->half_row = FALSE;
			} else {
				gtk_grid_attach(GTK_GRID(page->grid), field->widget, 0, page->rows, 1, 1);
				page->rows++;
				page->half_row = TRUE;
			}
			sstp_ui_show(field->widget);
		}

		/* Ours until dispose, whatever the host does with the page. */
		g_object_ref(field->widget);
		gtk_widget_set_name(field->widget, key->name);
		sstp_field_set_value(field, sstp_setting_raw_value(s_vpn, key));
		if (field->kind == SSTP_FIELD_SECRET) {
			NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;

			nm_setting_get_secret_flags(NM_SETTING(s_vpn), key->name, &flags, NULL);
			nma_utils_setup_password_storage(field->widget, flags, NM_SETTING(s_vpn),
			                                 key->name, TRUE, FALSE);
		}
		g_ptr_array_add(self->fields, field);
		sstp_field_connect(self, field);
	}
}

/* ---------------------------------------------------------------------------
 * The Advanced dialog */

static void
sstp_editor_take_snapshot(SstpEditor *self)
{
	guint i;

	if (self->snapshot)
		g_hash_table_unref(self->snapshot);
	self->snapshot = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);

		if (field->advanced)
			g_hash_table_insert(self->snapshot, (gpointer) field->key->name,
			                    sstp_field_get_value(field));
	}
}

static void
sstp_editor_restore_snapshot(SstpEditor *self)
{
	guint i;

	if (!self->snapshot)
		return;
	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);

		if (field->advanced)
			sstp_field_set_value(field, g_hash_table_lookup(self->snapshot, field->key->name));
	}
}

static void
sstp_editor_close_dialog(SstpEditor *self)
{
	GtkWidget *content;

	if (!self->dialog)
		return;
	content = gtk_dialog_get_content_area(GTK_DIALOG(self->dialog));
	sstp_ui_box_remove(content, self->notebook);
	sstp_ui_window_destroy(self->dialog);
	self->dialog = NULL;
	g_clear_pointer(&self->snapshot, g_hash_table_unref);
}

static void
sstp_on_dialog_response(GtkDialog *dialog, int response, gpointer user_data)
{
	SstpEditor *self = user_data;

	if (response != GTK_RESPONSE_OK)
		sstp_editor_restore_snapshot(self);
	sstp_editor_close_dialog(self);
	sstp_editor_validate_all(self);
	g_signal_emit_by_name(self, "changed");
}

static void
sstp_on_advanced_clicked(GtkButton *button, gpointer user_data)
{
	SstpEditor *self = user_data;
	GtkWidget *content;

	if (self->dialog) {
		sstp_ui_window_show(self->dialog);
		return;
	}
	self->dialog = gtk_dialog_new_with_buttons(_("SSTP Advanced Options"),
	                                           sstp_ui_window_of(self->widget),
	                                           GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
	                                           _("_Cancel"), GTK_RESPONSE_CANCEL, _("_OK"),
	                                           GTK_RESPONSE_OK, NULL);
	gtk_widget_set_name(self->dialog, "sstp-advanced-dialog");
	gtk_dialog_set_default_response(GTK_DIALOG(self->dialog), GTK_RESPONSE_OK);
	content = gtk_dialog_get_content_area(GTK_DIALOG(self->dialog));
	sstp_ui_box_append(content, self->notebook);
	sstp_editor_take_snapshot(self);
	sstp_editor_validate_all(self);
	sstp_editor_update_dialog_ok(self);
	g_signal_connect(self->dialog, "response", G_CALLBACK(sstp_on_dialog_response), self);
	sstp_ui_window_show(self->dialog);
}

static void
sstp_on_show_password(GtkWidget *check, gpointer user_data)
{
	SstpEditor *self = user_data;
	SstpField *password = sstp_editor_find_field(self, NM_SSTP_KEY_PASSWORD);

	if (password)
		gtk_entry_set_visibility(GTK_ENTRY(password->widget), sstp_ui_check_get(check));
}

/* ---------------------------------------------------------------------------
 * NMVpnEditor */

static GObject *
sstp_editor_get_widget(NMVpnEditor *editor)
{
	return G_OBJECT(SSTP_EDITOR(editor)->widget);
}

/* TRUE when `value` is what the table uses anyway when the key is absent. */
static gboolean
sstp_is_default(const NMSstpKey *key, const char *value)
{
	g_autofree char *norm_default = NULL;
	g_autofree char *norm_value = NULL;

	if (!key->default_value)
		return key->type == NM_SSTP_KEY_BOOL && g_strcmp0(value, "no") == 0;
	if (!nm_sstp_settings_normalize_value(key->name, key->default_value, &norm_default, NULL)
	    || !nm_sstp_settings_normalize_value(key->name, value, &norm_value, NULL))
		return FALSE;
	return g_strcmp0(norm_default, norm_value) == 0;
}

/* Keys the editor does not show stay as they were: unknown ones (a newer
 * version wrote them) and the ones the table says have no effect. */
static void
sstp_copy_unshown_item(const char *key, const char *value, gpointer user_data)
{
	const NMSstpKey *k = nm_sstp_settings_lookup(key);

	if (!k || (k->flags & NM_SSTP_KEY_FLAG_NO_EFFECT))
		nm_setting_vpn_add_data_item(NM_SETTING_VPN(user_data), key, value);
}

static gboolean
sstp_editor_update_connection(NMVpnEditor *editor, NMConnection *connection, GError **error)
{
	SstpEditor *self = SSTP_EDITOR(editor);
	NMSettingVpn *s_vpn;
	SstpField *bad;
	GError *local = NULL;
	guint i;

	bad = sstp_editor_validate_all(self);
	if (bad) {
		g_set_error_literal(error, NM_CONNECTION_ERROR, NM_CONNECTION_ERROR_INVALID_PROPERTY,
		                    bad->error);
		return FALSE;
	}

	s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());
	g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_DBUS_SERVICE, NULL);
	nm_setting_vpn_foreach_data_item(self->original, sstp_copy_unshown_item, s_vpn);

	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);
		const NMSstpKey *key = field->key;
		g_autofree char *value = sstp_field_get_value(field);
		g_autofree char *normalized = NULL;

		if (field->kind == SSTP_FIELD_SECRET) {
			NMSettingSecretFlags flags = nma_utils_menu_to_secret_flags(field->widget);

			if (value
			    && !(flags & (NM_SETTING_SECRET_FLAG_NOT_SAVED
			                  | NM_SETTING_SECRET_FLAG_NOT_REQUIRED)))
				nm_setting_vpn_add_secret(s_vpn, key->name, value);
			nm_setting_set_secret_flags(NM_SETTING(s_vpn), key->name, flags, NULL);
			continue;
		}
		if (!value)
			continue;
		/* Check boxes and choices that show the table default are left
		 * out: the default applies anyway, and the profile stays short. */
		if ((field->kind == SSTP_FIELD_CHECK || field->kind == SSTP_FIELD_COMBO)
		    && sstp_is_default(key, value))
			continue;
		if (!nm_sstp_settings_normalize_value(key->name, value, &normalized, &local)) {
			g_propagate_error(error, local);
			g_object_unref(s_vpn);
			return FALSE;
		}
		if (normalized)
			nm_setting_vpn_add_data_item(s_vpn, key->name, normalized);
	}

	if (!nm_sstp_settings_validate(s_vpn, NULL, NULL, &local)) {
		g_propagate_error(error, local);
		g_object_unref(s_vpn);
		return FALSE;
	}
	nm_connection_add_setting(connection, NM_SETTING(s_vpn));
	return TRUE;
}

/* Widgets are named after their ids in the .ui, so that tests (and CSS)
 * can find them in the widget tree. */
static void
sstp_name_widgets(GtkBuilder *builder)
{
	GSList *objects = gtk_builder_get_objects(builder), *l;

	for (l = objects; l; l = l->next) {
		const char *id;

		if (!GTK_IS_WIDGET(l->data))
			continue;
#if SSTP_GTK4
		id = gtk_buildable_get_buildable_id(GTK_BUILDABLE(l->data));
#else
		id = gtk_buildable_get_name(GTK_BUILDABLE(l->data));
#endif
		if (id)
			gtk_widget_set_name(GTK_WIDGET(l->data), id);
	}
	g_slist_free(objects);
}

static gboolean
sstp_editor_load(SstpEditor *self, NMConnection *connection, GError **error)
{
	NMSettingVpn *s_vpn = connection ? nm_connection_get_setting_vpn(connection) : NULL;
	GObject *button, *show;

	self->builder = gtk_builder_new();
	gtk_builder_set_translation_domain(self->builder, GETTEXT_PACKAGE);
	if (!gtk_builder_add_from_resource(self->builder, SSTP_UI_RESOURCE, error))
		return FALSE;

	self->widget = GTK_WIDGET(gtk_builder_get_object(self->builder, "sstp-main"));
	self->notebook = GTK_WIDGET(gtk_builder_get_object(self->builder, "advanced-notebook"));
	if (!self->widget || !self->notebook) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
		            _("The SSTP editor's interface description is incomplete"));
		return FALSE;
	}
	g_object_ref_sink(self->widget);
	g_object_ref_sink(self->notebook);
	sstp_name_widgets(self->builder);
	self->main_labels = gtk_size_group_new(GTK_SIZE_GROUP_HORIZONTAL);

	self->original = s_vpn ? NM_SETTING_VPN(nm_setting_duplicate(NM_SETTING(s_vpn)))
	                       : NM_SETTING_VPN(nm_setting_vpn_new());
	sstp_editor_build_fields(self, self->original);

	button = gtk_builder_get_object(self->builder, "advanced-button");
	g_signal_connect(button, "clicked", G_CALLBACK(sstp_on_advanced_clicked), self);
	show = gtk_builder_get_object(self->builder, "show-password");
	g_signal_connect(show, "toggled", G_CALLBACK(sstp_on_show_password), self);

	sstp_editor_update_mode(self);
	sstp_editor_validate_all(self);
	return TRUE;
}

static void
sstp_editor_init(SstpEditor *self)
{
	self->fields = g_ptr_array_new_with_free_func(sstp_field_free);
}

static void
sstp_editor_dispose(GObject *object)
{
	SstpEditor *self = SSTP_EDITOR(object);
	guint i;

	sstp_editor_close_dialog(self);
	/* No callbacks into a dying editor from widgets the host still holds. */
	for (i = 0; self->fields && i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);

		g_signal_handlers_disconnect_by_data(field->widget, field);
	}
	g_clear_object(&self->widget);
	g_clear_object(&self->notebook);
	g_clear_object(&self->main_labels);
	g_clear_object(&self->builder);
	g_clear_object(&self->original);
	g_clear_pointer(&self->fields, g_ptr_array_unref);
	g_clear_pointer(&self->auto_subject, g_free);
	G_OBJECT_CLASS(sstp_editor_parent_class)->dispose(object);
}

static void
sstp_editor_class_init(SstpEditorClass *klass)
{
	G_OBJECT_CLASS(klass)->dispose = sstp_editor_dispose;
}

static void
sstp_editor_interface_init(NMVpnEditorInterface *iface)
{
	iface->get_widget = sstp_editor_get_widget;
	iface->update_connection = sstp_editor_update_connection;
}

NMVpnEditor *
nm_vpn_editor_factory_sstp(NMVpnEditorPlugin *plugin, NMConnection *connection, GError **error)
{
	SstpEditor *self;

	g_return_val_if_fail(!error || !*error, NULL);

	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");

	self = g_object_new(SSTP_TYPE_EDITOR, NULL);
	if (!sstp_editor_load(self, connection, error)) {
		g_object_unref(self);
		return NULL;
	}
	return NM_VPN_EDITOR(self);
}
