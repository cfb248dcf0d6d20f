/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSTP connection editor: the page nm-connection-editor (GTK3) and GNOME
 * Settings (GTK4) show for vpn-type sstp, and its Advanced dialog.
 *
 * One source for both toolkits; the few calls that differ are wrapped in the
 * sstp_ui_*() helpers below. The main page comes from nm-sstp-dialog.ui;
 * every other key of the settings table gets a row on the Advanced dialog
 * page named by the key's `section`, under the heading of its `group`,
 * built at run time from the table. Labels, tooltips, defaults, ranges and
 * checks all come from nm-sstp-settings.h and no key list lives here; what
 * is written here by key is only how some keys depend on each other (MPPE,
 * and compression that DHCPINFORM turns off), as the pptp editor does.
 *
 * Invalid input marks the field with the "error" style class and a tooltip
 * that names the field as the person sees it and gives the table's reason,
 * makes update_connection() fail (which disables Save in the host), and
 * disables OK in the Advanced dialog.
 *
 * What is saved keeps meaning what it meant: a field the person did not
 * change is written back exactly as it was loaded (same key spelling, same
 * value, or absent), whatever the widget shows for it.
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
	gtk_scrolled_window_set_max_content_height(GTK_SCROLLED_WINDOW(scrolled), 640);
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
	SSTP_FIELD_ENTRY,     /* GtkEntry: strings, paths, hosts */
	SSTP_FIELD_SECRET,    /* GtkEntry with the libnma storage menu */
	SSTP_FIELD_CHECK,     /* GtkCheckButton: yes/no (maybe negated, see the table) */
	SSTP_FIELD_COMBO,     /* GtkComboBoxText: enums */
	SSTP_FIELD_SPIN,      /* GtkSpinButton: numbers in the table's range */
	SSTP_FIELD_CERT,      /* NMACertChooser: the server CA certificate */
	SSTP_FIELD_USER_CERT, /* the user's NMACertChooser: its certificate, */
	SSTP_FIELD_USER_KEY,  /* ... its private key */
	SSTP_FIELD_USER_PASS, /* ... and its key password (a secret) */
} SstpFieldKind;

typedef struct {
	const NMSstpKey *key;
	SstpFieldKind kind;
	GtkWidget *widget;
	GtkWidget *label;     /* NULL for check buttons and the cert choosers */
	gboolean advanced;    /* on the Advanced dialog, not the main page */
	const char *page;     /* the Advanced page's title (translated), or NULL */
	GtkWidget *tab;       /* the Advanced page's notebook child, or NULL */
	char *tooltip;        /* the normal tooltip (the table's, translated) or NULL */
	char *error;          /* the current validation error, or NULL */
	/* The value as loaded: what the field showed, and the raw item behind it
	 * (name as spelled in the profile, value or NULL when absent). */
	char *loaded;
	const char *loaded_name;
	char *loaded_raw;
	/* Shown as off and not editable because another choice turns it off
	 * (compression under DHCPINFORM, DHCPINFORM under MPPE); `held` is
	 * the field's own value meanwhile, the one that is saved. */
	gboolean forced;
	char *held;
	/* a certificate-login key that password login uses too (the
	 * authentication server's CA for PEAP, pppd 2.5): the table says so */
	gboolean with_password;
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
	GtkWidget *user_chooser; /* the user certificate's NMACertChooser */
	GtkWidget *mppe_bits;   /* the MPPE key length combo (Advanced, PPP) */
	gboolean updating;      /* dependencies are being applied: no feedback */
	GHashTable *snapshot;   /* key name → value of advanced fields at dialog open */
	NMSettingVpn *original; /* the connection's setting as given (unknown keys kept) */
	NMSettingVpn *pristine; /* the same, never handed to libnma (which sets flags in
	                         * the setting it is given) */
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
	g_free(field->loaded);
	g_free(field->loaded_raw);
	g_free(field->held);
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

/* The table's label, translated; a key the table gives none (a mistake
 * the editor test reports) shows its name rather than nothing. */
static const char *
sstp_key_label(const NMSstpKey *key)
{
	return key->label ? sstp_tr(key->label) : key->name;
}

/* A label as the person reads it: translated, without the mnemonic's
 * underscore. g_free() it. */
static char *
sstp_label_plain(const NMSstpKey *key)
{
	const char *text = sstp_key_label(key);
	GString *out = g_string_new(NULL);
	const char *p;

	for (p = text; *p; p++) {
		if (p[0] == '_' && p[1] == '_') {
			g_string_append_c(out, '_');
			p++;
		} else if (p[0] != '_')
			g_string_append_c(out, p[0]);
	}
	return g_string_free(out, FALSE);
}

static gboolean
sstp_key_is(const NMSstpKey *key, const char *name)
{
	return strcmp(key->name, name) == 0;
}

static gboolean
sstp_bool_value(const char *v)
{
	return v && (g_ascii_strcasecmp(v, "yes") == 0 || g_ascii_strcasecmp(v, "true") == 0
	             || strcmp(v, "1") == 0);
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

	if (field->forced)
		return g_strdup(field->held);

	switch (field->kind) {
	case SSTP_FIELD_CHECK: {
		gboolean on = sstp_ui_check_get(field->widget);

		if (field->key->flags & NM_SSTP_KEY_FLAG_LABEL_NEGATED)
			on = !on;
		return g_strdup(on ? "yes" : "no");
	}
	case SSTP_FIELD_COMBO:
		text = gtk_combo_box_get_active_id(GTK_COMBO_BOX(field->widget));
		return text && *text ? g_strdup(text) : NULL;
	case SSTP_FIELD_SPIN: {
		int v;

		/* take what was typed but not yet confirmed */
		gtk_spin_button_update(GTK_SPIN_BUTTON(field->widget));
		v = gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(field->widget));
		/* below the range: the "not set" of a key without default */
		if (v < (int) field->key->min)
			return NULL;
		return g_strdup_printf("%d", v);
	}
	case SSTP_FIELD_CERT:
	case SSTP_FIELD_USER_CERT:
		value = nma_cert_chooser_get_cert(NMA_CERT_CHOOSER(field->widget), &scheme);
		if (value && !*value)
			g_clear_pointer(&value, g_free);
		return value;
	case SSTP_FIELD_USER_KEY:
		value = nma_cert_chooser_get_key(NMA_CERT_CHOOSER(field->widget), &scheme);
		if (value && !*value)
			g_clear_pointer(&value, g_free);
		return value;
	case SSTP_FIELD_USER_PASS:
		text = nma_cert_chooser_get_key_password(NMA_CERT_CHOOSER(field->widget));
		return text && *text ? g_strdup(text) : NULL;
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

/* The scheme libnma's chooser shows a value with: a PKCS#11 URI (a token's
 * object, chosen in libnma's token dialog) or a file. */
static NMSetting8021xCKScheme
sstp_chooser_scheme(const char *value)
{
	if (!value || !*value)
		return NM_SETTING_802_1X_CK_SCHEME_UNKNOWN;
	return nm_sstp_settings_is_pkcs11_uri(value) ? NM_SETTING_802_1X_CK_SCHEME_PKCS11
	                                             : NM_SETTING_802_1X_CK_SCHEME_PATH;
}

static void
sstp_field_set_value(SstpField *field, const char *value)
{
	if (field->forced) {
		g_free(field->held);
		field->held = g_strdup(value);
		return;
	}
	switch (field->kind) {
	case SSTP_FIELD_CHECK: {
		gboolean on = sstp_bool_value(value ? value : field->key->default_value);

		if (field->key->flags & NM_SSTP_KEY_FLAG_LABEL_NEGATED)
			on = !on;
		sstp_ui_check_set(field->widget, on);
		break;
	}
	case SSTP_FIELD_SPIN: {
		const char *v = value && *value ? value : field->key->default_value;
		guint64 n = 0;

		/* absent without default, or unreadable: "not set", one below
		 * the range (validation of the loaded value marks a bad one) */
		if (!v || !g_ascii_string_to_unsigned(v, 10, field->key->min, field->key->max, &n,
		                                      NULL))
			gtk_spin_button_set_value(GTK_SPIN_BUTTON(field->widget),
			                          (double) field->key->min - 1);
		else
			gtk_spin_button_set_value(GTK_SPIN_BUTTON(field->widget), (double) n);
		break;
	}
	case SSTP_FIELD_USER_CERT:
		nma_cert_chooser_set_cert(NMA_CERT_CHOOSER(field->widget), value && *value ? value : NULL,
		                          sstp_chooser_scheme(value));
		break;
	case SSTP_FIELD_USER_KEY:
		nma_cert_chooser_set_key(NMA_CERT_CHOOSER(field->widget), value && *value ? value : NULL,
		                         sstp_chooser_scheme(value));
		break;
	case SSTP_FIELD_USER_PASS:
		nma_cert_chooser_set_key_password(NMA_CERT_CHOOSER(field->widget), value ? value : "");
		break;
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
sstp_setting_raw_value(NMSettingVpn *s_vpn, const NMSstpKey *key, const char **out_name)
{
	const char *(*get)(NMSettingVpn *, const char *) =
	    key->type == NM_SSTP_KEY_SECRET ? nm_setting_vpn_get_secret : nm_setting_vpn_get_data_item;
	const char *v;

	*out_name = key->name;
	v = get(s_vpn, key->name);
	if (!v && key->legacy_alias) {
		v = get(s_vpn, key->legacy_alias);
		if (v)
			*out_name = key->legacy_alias;
	}
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
		return field->with_password;
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

/* Whether the field of key `name` holds a value. */
static gboolean
sstp_editor_has_value(SstpEditor *self, const char *name)
{
	SstpField *field = sstp_editor_find_field(self, name);
	g_autofree char *value = field ? sstp_field_get_value(field) : NULL;

	return value != NULL;
}

/* Check one field against the table; mark it and remember the reason. */
static gboolean
sstp_field_validate(SstpEditor *self, SstpField *field)
{
	g_autofree char *value = sstp_field_get_value(field);
	g_autofree char *label = sstp_label_plain(field->key);
	g_autofree char *reason = NULL;
	GError *error = NULL;
	gboolean required = (field->key->flags & NM_SSTP_KEY_FLAG_REQUIRED)
	                    || (field->kind == SSTP_FIELD_USER_CERT && sstp_editor_is_tls(self))
	                    || (sstp_key_is(field->key, NM_SSTP_KEY_PROXY_PORT)
	                        && sstp_editor_has_value(self, NM_SSTP_KEY_PROXY_SERVER));

	g_clear_pointer(&field->error, g_free);

	/* A proxy port of 0 means "no port" (KDE's editor writes it into every
	 * profile): a proxy host next to it still lacks its port. */
	if (value && sstp_key_is(field->key, NM_SSTP_KEY_PROXY_PORT) && strcmp(value, "0") == 0)
		g_clear_pointer(&value, g_free);

	/* The table's reason alone ("must be a number from 576 to 4091"): the
	 * person knows the field by its label, not by its key. */
	if (value && field->key->sanitize
	    && !field->key->sanitize(field->key, value, NULL, &error)) {
		reason = g_strdup(error->message);
		g_error_free(error);
	} else if (value && !nm_sstp_settings_validate_value(field->key->name, value, &error)) {
		reason = g_strdup(error->message);
		g_error_free(error);
	} else if (!value && required && sstp_field_applies(self, field)) {
		reason = g_strdup(_("required"));
	}
	if (reason) {
		if (field->advanced)
			/* TRANSLATORS: an error: the Advanced page's title, the
			 * field's label, the reason. */
			field->error = g_strdup_printf(_("%s, “%s”: %s"), field->page, label, reason);
		else
			/* TRANSLATORS: an error: the field's label, the reason. */
			field->error = g_strdup_printf(_("“%s”: %s"), label, reason);
	}

	/* Fields sharing a widget (the user certificate chooser) mark it
	 * together: the first one with an error gives the tooltip. */
	if (field->kind == SSTP_FIELD_USER_CERT || field->kind == SSTP_FIELD_USER_KEY
	    || field->kind == SSTP_FIELD_USER_PASS) {
		const char *shown = NULL;
		guint i;

		for (i = 0; i < self->fields->len && !shown; i++) {
			SstpField *other = g_ptr_array_index(self->fields, i);

			if (other->widget == field->widget && other->error)
				shown = other->error;
		}
		sstp_ui_mark_error(field->widget, shown != NULL);
		gtk_widget_set_tooltip_text(field->widget, shown);
		return field->error == NULL;
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

static void sstp_editor_update_dependencies(SstpEditor *self);

/* Main-page fields that do not apply are hidden; advanced ones are greyed. */
static void
sstp_editor_update_mode(SstpEditor *self)
{
	GObject *show = gtk_builder_get_object(self->builder, "show-password");
	SstpField *password = sstp_editor_find_field(self, NM_SSTP_KEY_PASSWORD);
	guint i;

	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);
		gboolean applies = sstp_field_applies(self, field);

		if (field->advanced) {
			if (!field->forced)
				gtk_widget_set_sensitive(field->widget, applies);
			if (field->label)
				gtk_widget_set_sensitive(field->label, applies);
		} else {
			sstp_ui_set_visible(field->widget, applies);
			if (field->label)
				sstp_ui_set_visible(field->label, applies);
		}
	}
	if (show && password)
		sstp_ui_set_visible(GTK_WIDGET(show), gtk_widget_get_visible(password->widget));
	/* A page where nothing applies (certificate details with password
	 * login) is left out rather than shown all grey. */
	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);
		gboolean any = FALSE;
		guint j;

		if (!field->tab)
			continue;
		for (j = 0; j < self->fields->len && !any; j++) {
			SstpField *other = g_ptr_array_index(self->fields, j);

			any = other->tab == field->tab && sstp_field_applies(self, other);
		}
		sstp_ui_set_visible(field->tab, any);
	}
	/* what depends on other fields has the last word on sensitivity */
	sstp_editor_update_dependencies(self);
}

/* ---------------------------------------------------------------------------
 * Fields that depend on each other */

/* Show a field as off and not editable while another choice turns it off;
 * its own value is kept (and saved) until it is released again. */
static void
sstp_field_force_off(SstpField *field, gboolean force, const char *why)
{
	g_autofree char *own = NULL;

	if (!field || field->forced == force)
		return;
	if (force) {
		own = sstp_field_get_value(field);
		/* the check box shows "off": for a negated label ("Allow …"), yes */
		sstp_ui_check_set(field->widget, FALSE);
		field->held = g_steal_pointer(&own);
		field->forced = TRUE;
		gtk_widget_set_sensitive(field->widget, FALSE);
		g_free(field->tooltip);
		field->tooltip = g_strdup(why);
	} else {
		field->forced = FALSE;
		own = g_steal_pointer(&field->held);
		sstp_field_set_value(field, own);
		gtk_widget_set_sensitive(field->widget, TRUE);
		g_free(field->tooltip);
		field->tooltip = g_strdup(sstp_tr(field->key->tooltip));
	}
	gtk_widget_set_tooltip_text(field->widget, field->tooltip);
}

static gboolean
sstp_editor_bool(SstpEditor *self, const char *name)
{
	SstpField *field = sstp_editor_find_field(self, name);
	g_autofree char *v = field ? sstp_field_get_value(field) : NULL;

	return sstp_bool_value(v);
}

static void
sstp_editor_set_bool(SstpEditor *self, const char *name, gboolean on)
{
	SstpField *field = sstp_editor_find_field(self, name);

	if (field)
		sstp_field_set_value(field, on ? "yes" : "no");
}

/* The MPPE key length combo from the two keys behind it: only 128, only
 * 40, or both/neither (any length). */
static void
sstp_editor_show_mppe_bits(SstpEditor *self)
{
	gboolean b40 = sstp_editor_bool(self, NM_SSTP_KEY_REQUIRE_MPPE_40);
	gboolean b128 = sstp_editor_bool(self, NM_SSTP_KEY_REQUIRE_MPPE_128);

	if (!self->mppe_bits)
		return;
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(self->mppe_bits),
	                            b128 && !b40 ? "128" : b40 && !b128 ? "40" : "any");
}

/* What the worker and pppd do, shown as it will be used:
 *  - MPPE is required when require-mppe, or one of the key lengths, is;
 *    its key length and stateful mode only mean something then; it needs
 *    keys that PAP and CHAP do not give (the pptp editor does the same);
 *  - with MPPE, no DHCPINFORM can pass (docs/dhcp-inform.md);
 *  - with DHCPINFORM the worker turns deflate and BSD compression off. */
static void
sstp_editor_update_dependencies(SstpEditor *self)
{
	SstpField *mppe = sstp_editor_find_field(self, NM_SSTP_KEY_REQUIRE_MPPE);
	SstpField *dhcp = sstp_editor_find_field(self, NM_SSTP_KEY_DHCP_INFORM);
	SstpField *stateful = sstp_editor_find_field(self, NM_SSTP_KEY_MPPE_STATEFUL);
	const char *const weak_auth[] = { NM_SSTP_KEY_REFUSE_PAP, NM_SSTP_KEY_REFUSE_CHAP };
	const char *const compression[] = { NM_SSTP_KEY_NOBSDCOMP, NM_SSTP_KEY_NODEFLATE };
	gboolean on;
	guint i;

	if (self->updating)
		return;
	self->updating = TRUE;

	if (mppe) {
		on = sstp_editor_bool(self, NM_SSTP_KEY_REQUIRE_MPPE);
		if (!on) {
			sstp_editor_set_bool(self, NM_SSTP_KEY_REQUIRE_MPPE_40, FALSE);
			sstp_editor_set_bool(self, NM_SSTP_KEY_REQUIRE_MPPE_128, FALSE);
		}
		sstp_editor_show_mppe_bits(self);
		if (self->mppe_bits)
			gtk_widget_set_sensitive(self->mppe_bits, on);
		if (stateful)
			gtk_widget_set_sensitive(stateful->widget, on);
		for (i = 0; i < G_N_ELEMENTS(weak_auth); i++) {
			SstpField *f = sstp_editor_find_field(self, weak_auth[i]);

			if (!f)
				continue;
			if (on)
				sstp_field_set_value(f, "yes"); /* refused */
			gtk_widget_set_sensitive(f->widget, !on);
			gtk_widget_set_tooltip_text(
			    f->widget, on ? _("Not possible with Point-to-Point encryption (MPPE)")
			                  : f->tooltip);
		}
		sstp_field_force_off(dhcp, on, _("Not possible with Point-to-Point encryption (MPPE)"));
	}
	on = sstp_editor_bool(self, NM_SSTP_KEY_DHCP_INFORM);
	for (i = 0; i < G_N_ELEMENTS(compression); i++)
		sstp_field_force_off(sstp_editor_find_field(self, compression[i]), on,
		                     _("Off while routes are taken from the server"));

	self->updating = FALSE;
}

static void
sstp_on_mppe_bits_changed(GtkComboBox *combo, gpointer user_data)
{
	SstpEditor *self = user_data;
	const char *id = gtk_combo_box_get_active_id(combo);

	if (self->updating || !id)
		return;
	self->updating = TRUE;
	sstp_editor_set_bool(self, NM_SSTP_KEY_REQUIRE_MPPE_40, strcmp(id, "40") == 0);
	sstp_editor_set_bool(self, NM_SSTP_KEY_REQUIRE_MPPE_128, strcmp(id, "128") == 0);
	self->updating = FALSE;
	g_signal_emit_by_name(self, "changed");
}

static void
sstp_editor_field_changed(SstpEditor *self, SstpField *field)
{
	if (self->updating)
		return;
	sstp_editor_update_dependencies(self);
	if (sstp_key_is(field->key, NM_SSTP_KEY_CONNECTION_TYPE)
	    || field->kind == SSTP_FIELD_USER_CERT) {
		sstp_editor_update_mode(self);
		sstp_editor_validate_all(self);
	} else
		sstp_field_validate(self, field);
	/* a proxy host without port would not be used: the port is needed */
	if (sstp_key_is(field->key, NM_SSTP_KEY_PROXY_SERVER))
		sstp_field_validate(self, sstp_editor_find_field(self, NM_SSTP_KEY_PROXY_PORT));
	if (field->kind == SSTP_FIELD_USER_CERT)
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

/* A field label: the table's (translated, with the mnemonic translators
 * chose) and the colon. */
static GtkWidget *
sstp_field_label_new(const NMSstpKey *key, GtkWidget *widget)
{
	/* TRANSLATORS: the suffix after a field label ("Gateway" + ":");
	 * French, for example, puts a non-breaking space before it. */
	g_autofree char *text = g_strconcat(sstp_key_label(key), _(":"), NULL);
	GtkWidget *label = gtk_label_new_with_mnemonic(text);

	gtk_label_set_mnemonic_widget(GTK_LABEL(label), widget);
	gtk_label_set_xalign(GTK_LABEL(label), 1.0);
	return label;
}

static GtkWidget *
sstp_heading_new(const char *text)
{
	GtkWidget *heading = gtk_label_new(text);
	PangoAttrList *attrs = pango_attr_list_new();

	pango_attr_list_insert(attrs, pango_attr_weight_new(PANGO_WEIGHT_BOLD));
	gtk_label_set_attributes(GTK_LABEL(heading), attrs);
	pango_attr_list_unref(attrs);
	gtk_label_set_xalign(GTK_LABEL(heading), 0.0);
	return heading;
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
	if (sstp_key_is(key, NM_SSTP_KEY_CONNECTION_TYPE)) {
		if (strcmp(value, NM_SSTP_CONTYPE_PASSWORD) == 0)
			return _("Password");
		if (strcmp(value, NM_SSTP_CONTYPE_TLS) == 0)
			return _("Certificate (EAP-TLS)");
	} else if (sstp_key_is(key, NM_SSTP_KEY_TLS_VERIFY_METHOD)) {
		if (strcmp(value, "none") == 0)
			return _("Do not check");
		if (strcmp(value, "subject") == 0)
			return _("Whole subject");
		if (strcmp(value, "name") == 0)
			return _("Common name");
		if (strcmp(value, "suffix") == 0)
			return _("End of the common name");
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

/* Numbers: a spin button over the table's range. A key without default
 * gets one more step below the range, shown empty: "not set". */
static gint
sstp_on_spin_input(GtkSpinButton *spin, double *new_value, gpointer user_data)
{
	const NMSstpKey *key = user_data;
	const char *text = sstp_ui_entry_get_text(GTK_WIDGET(spin));

	if (!key->default_value && (!text || !*text)) {
		*new_value = (double) key->min - 1;
		return TRUE;
	}
	return FALSE;
}

static gboolean
sstp_on_spin_output(GtkSpinButton *spin, gpointer user_data)
{
	const NMSstpKey *key = user_data;

	if (!key->default_value
	    && gtk_spin_button_get_value_as_int(spin) < (int) key->min) {
		if (*sstp_ui_entry_get_text(GTK_WIDGET(spin)))
			sstp_ui_entry_set_text(GTK_WIDGET(spin), "");
		return TRUE;
	}
	return FALSE;
}

static GtkWidget *
sstp_spin_new(const NMSstpKey *key)
{
	double lower = key->default_value ? key->min : (double) key->min - 1;
	GtkWidget *spin = gtk_spin_button_new_with_range(lower, key->max, 1);
	g_autofree char *largest = g_strdup_printf("%u", key->max);
	int width;

	gtk_spin_button_set_numeric(GTK_SPIN_BUTTON(spin), FALSE);
	gtk_spin_button_set_digits(GTK_SPIN_BUTTON(spin), 0);
	g_signal_connect(spin, "input", G_CALLBACK(sstp_on_spin_input), (gpointer) key);
	g_signal_connect(spin, "output", G_CALLBACK(sstp_on_spin_output), (gpointer) key);
	gtk_widget_set_halign(spin, GTK_ALIGN_START);
	/* Wide enough for the largest number and for "Not set" in the
	 * person's language, which would otherwise show cut off. */
	width = (int) strlen(largest);
	if (!key->default_value)
		width = MAX(width, (int) g_utf8_strlen(_("Not set"), -1));
#if SSTP_GTK4
	gtk_editable_set_width_chars(GTK_EDITABLE(spin), width);
#else
	gtk_entry_set_width_chars(GTK_ENTRY(spin), width);
#endif
	if (!key->default_value) {
#if SSTP_GTK4
		GtkEditable *text = gtk_editable_get_delegate(GTK_EDITABLE(spin));

		if (GTK_IS_TEXT(text))
			gtk_text_set_placeholder_text(GTK_TEXT(text), _("Not set"));
#else
		gtk_entry_set_placeholder_text(GTK_ENTRY(spin), _("Not set"));
#endif
	}
	return spin;
}

/* A widget for `key` on an Advanced page; the label (if any) in *out_label. */
static GtkWidget *
sstp_make_advanced_widget(const NMSstpKey *key, SstpFieldKind kind, GtkWidget **out_label)
{
	GtkWidget *widget;

	*out_label = NULL;
	if (kind == SSTP_FIELD_CHECK)
		return gtk_check_button_new_with_mnemonic(sstp_key_label(key));

	if (kind == SSTP_FIELD_COMBO) {
		widget = gtk_combo_box_text_new();
		sstp_fill_combo(widget, key);
		gtk_widget_set_hexpand(widget, TRUE);
	} else if (kind == SSTP_FIELD_SPIN) {
		widget = sstp_spin_new(key);
	} else {
		widget = gtk_entry_new();
		gtk_entry_set_activates_default(GTK_ENTRY(widget), TRUE);
		if (kind == SSTP_FIELD_SECRET) {
			gtk_entry_set_visibility(GTK_ENTRY(widget), FALSE);
			gtk_entry_set_input_purpose(GTK_ENTRY(widget), GTK_INPUT_PURPOSE_PASSWORD);
		}
		if (key->type == NM_SSTP_KEY_PATH) {
			gtk_entry_set_icon_from_icon_name(GTK_ENTRY(widget), GTK_ENTRY_ICON_SECONDARY,
			                                  "document-open-symbolic");
			gtk_entry_set_icon_tooltip_text(GTK_ENTRY(widget), GTK_ENTRY_ICON_SECONDARY,
			                                _("Choose a file"));
			g_signal_connect(widget, "icon-press", G_CALLBACK(sstp_on_icon_press), NULL);
		}
		gtk_widget_set_hexpand(widget, TRUE);
	}
	*out_label = sstp_field_label_new(key, widget);
	return widget;
}

/* A notebook tab for a table section: the title up to its first " (" (the
 * rest explains, for the man page). */
static char *
sstp_page_title(const char *section)
{
	const char *title = section ? sstp_tr(section) : _("Other");
	const char *paren = strstr(title, " (");

	return paren ? g_strndup(title, paren - title) : g_strdup(title);
}

typedef struct {
	const char *section;
	char *title;
	GtkWidget *grid;
	GtkWidget *tab;    /* the notebook child */
	const char *group; /* the heading the last row stands under */
	int rows;
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
	page->title = sstp_page_title(section);
	page->grid = gtk_grid_new();
	gtk_grid_set_row_spacing(GTK_GRID(page->grid), 6);
	gtk_grid_set_column_spacing(GTK_GRID(page->grid), 12);
	gtk_widget_set_margin_start(page->grid, 18);
	gtk_widget_set_margin_end(page->grid, 18);
	gtk_widget_set_margin_top(page->grid, 18);
	gtk_widget_set_margin_bottom(page->grid, 18);
	sstp_ui_show(page->grid);
	scrolled = sstp_ui_scrolled_new(page->grid);
	sstp_ui_show(scrolled);
	page->tab = scrolled;
	tab = gtk_label_new(page->title);
	sstp_ui_show(tab);
	gtk_notebook_append_page(GTK_NOTEBOOK(self->notebook), scrolled, tab);
	g_ptr_array_add(pages, page);
	return page;
}

static void
sstp_page_free(gpointer data)
{
	SstpPage *page = data;

	g_free(page->title);
	g_free(page);
}

/* A row of a page; a heading first when the key starts a new group. Rows
 * under a heading are indented. Check buttons stand in the field column,
 * aligned with the fields, unless their group has only check buttons. */
static void
sstp_page_attach(SstpPage *page, const NMSstpKey *key, GtkWidget *label, GtkWidget *widget,
                 gboolean checks_only)
{
	if (key->group && g_strcmp0(page->group, key->group) != 0) {
		GtkWidget *heading = sstp_heading_new(sstp_tr(key->group));

		if (page->rows > 0)
			gtk_widget_set_margin_top(heading, 12);
		gtk_grid_attach(GTK_GRID(page->grid), heading, 0, page->rows++, 2, 1);
		sstp_ui_show(heading);
	}
	page->group = key->group;
	if (label) {
		if (key->group)
			gtk_widget_set_margin_start(label, 12);
		gtk_grid_attach(GTK_GRID(page->grid), label, 0, page->rows, 1, 1);
		gtk_grid_attach(GTK_GRID(page->grid), widget, 1, page->rows++, 1, 1);
		sstp_ui_show(label);
	} else if (checks_only) {
		if (!gtk_widget_get_margin_start(widget))
			gtk_widget_set_margin_start(widget, key->group ? 12 : 0);
		gtk_grid_attach(GTK_GRID(page->grid), widget, 0, page->rows++, 2, 1);
	} else {
		gtk_grid_attach(GTK_GRID(page->grid), widget, 1, page->rows++, 1, 1);
	}
	sstp_ui_show(widget);
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
	case NM_SSTP_KEY_UINT:
		return SSTP_FIELD_SPIN;
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
	case SSTP_FIELD_SPIN:
		signal = "value-changed";
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
	return key->type == NM_SSTP_KEY_SECRET_FLAGS
	       || (key->flags & (NM_SSTP_KEY_FLAG_NO_EFFECT | NM_SSTP_KEY_FLAG_NOT_IN_EDITOR));
}

/* Whether the shown keys of `key`'s section and group are all check
 * buttons (then they need no field column). */
static gboolean
sstp_group_checks_only(const NMSstpKey *keys, gsize n_keys, const NMSstpKey *key)
{
	gsize i;

	for (i = 0; i < n_keys; i++) {
		if (sstp_key_is_hidden(&keys[i]) || g_strcmp0(keys[i].section, key->section) != 0
		    || g_strcmp0(keys[i].group, key->group) != 0)
			continue;
		if (keys[i].type != NM_SSTP_KEY_BOOL)
			return FALSE;
	}
	return TRUE;
}

/* Keeps a widget hidden whenever libnma shows it again. */
static void
sstp_on_show_keep_hidden(GtkWidget *widget, gpointer user_data)
{
	(void) user_data;
	gtk_widget_hide(widget);
}

/* libnma's chooser has a "certificate password" row next to the key
 * password, for a certificate on a token. pppd takes one PIN, the key's
 * (tls-user-key-secret): a second field would be saved nowhere, and it
 * would take the key password's Alt+P. The row is found by the label libnma
 * gives it (its own catalogue, our title) among the labels it hands to a
 * size group, and stays hidden when a token certificate is chosen. */
static void
sstp_cert_chooser_hide_cert_password(GtkWidget *chooser, const char *title)
{
	g_autofree char *escaped = g_strjoinv("__", (char *[]) { (char *) title, NULL });
	g_autofree char *text = g_strdup_printf(g_dgettext("libnma", "%s certificate _password"),
	                                        escaped);
	GtkSizeGroup *group = gtk_size_group_new(GTK_SIZE_GROUP_NONE);
	GSList *widgets, *l;

	nma_cert_chooser_add_to_size_group(NMA_CERT_CHOOSER(chooser), group);
	widgets = g_slist_copy(gtk_size_group_get_widgets(group));
	for (l = widgets; l; l = l->next) {
		GtkWidget *entry;

		gtk_size_group_remove_widget(group, l->data);
		if (!GTK_IS_LABEL(l->data) || g_strcmp0(gtk_label_get_label(l->data), text) != 0)
			continue;
		entry = gtk_label_get_mnemonic_widget(l->data);
		gtk_widget_hide(l->data);
		g_signal_connect_after(l->data, "show", G_CALLBACK(sstp_on_show_keep_hidden), NULL);
		if (entry) {
			gtk_widget_hide(entry);
			g_signal_connect_after(entry, "show", G_CALLBACK(sstp_on_show_keep_hidden), NULL);
		}
	}
	g_slist_free(widgets);
	g_object_unref(group);
}

/* The user certificate, its key and the key password: libnma's chooser on
 * the main page, as NetworkManager-openvpn has it. Files (PEM, or PKCS#12
 * with pppd 2.5) or a PKCS#11 token. */
static GtkWidget *
sstp_editor_user_chooser(SstpEditor *self, NMSettingVpn *s_vpn)
{
	GtkWidget *box;
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;

	if (self->user_chooser)
		return self->user_chooser;
	box = GTK_WIDGET(gtk_builder_get_object(self->builder, "user-cert-box"));
	/* TRANSLATORS: title of libnma's chooser for the user's own
	 * certificate; libnma makes "User certificate", "User private key"
	 * and "User key password" of it. */
	/* Without NMA_CERT_CHOOSER_FLAG_PEM libnma offers PKCS#11 tokens next to
	 * files (where it is built with GCR): the settings take a pkcs11: URI for
	 * both. The token's PIN is the key password (tls-user-key-secret). */
	self->user_chooser = nma_cert_chooser_new(_("User"), NMA_CERT_CHOOSER_FLAG_NONE);
	sstp_cert_chooser_hide_cert_password(self->user_chooser, _("User"));
	nma_cert_chooser_add_to_size_group(NMA_CERT_CHOOSER(self->user_chooser), self->main_labels);
	nm_setting_get_secret_flags(NM_SETTING(s_vpn), NM_SSTP_KEY_TLS_USER_KEY_SECRET, &flags, NULL);
	nma_cert_chooser_setup_key_password_storage(NMA_CERT_CHOOSER(self->user_chooser), flags,
	                                            NM_SETTING(s_vpn),
	                                            NM_SSTP_KEY_TLS_USER_KEY_SECRET, TRUE, FALSE);
	sstp_ui_show(self->user_chooser);
	sstp_ui_box_append(box, self->user_chooser);
	return self->user_chooser;
}

/* The MPPE key length: one combo for require-mppe-40 and -128, whose own
 * check buttons are never shown. */
static void
sstp_page_add_mppe_bits(SstpEditor *self, SstpPage *page, const NMSstpKey *key)
{
	GtkWidget *label, *row;

	self->mppe_bits = gtk_combo_box_text_new();
	gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(self->mppe_bits), "any", _("Any"));
	gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(self->mppe_bits), "128", _("128-bit (most secure)"));
	gtk_combo_box_text_append(GTK_COMBO_BOX_TEXT(self->mppe_bits), "40", _("40-bit (less secure)"));
	gtk_widget_set_name(self->mppe_bits, "mppe-bits");
	gtk_widget_set_halign(self->mppe_bits, GTK_ALIGN_START);
	label = gtk_label_new_with_mnemonic(_("_Key length:"));
	gtk_label_set_mnemonic_widget(GTK_LABEL(label), self->mppe_bits);
	/* under the MPPE check box, indented: it depends on it */
	row = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 12);
#if SSTP_GTK4
	gtk_box_append(GTK_BOX(row), label);
	gtk_box_append(GTK_BOX(row), self->mppe_bits);
#else
	gtk_box_pack_start(GTK_BOX(row), label, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(row), self->mppe_bits, FALSE, FALSE, 0);
#endif
	sstp_ui_show(label);
	sstp_ui_show(self->mppe_bits);
	gtk_widget_set_margin_start(row, 36);
	sstp_page_attach(page, key, NULL, row, TRUE);
	g_signal_connect(self->mppe_bits, "changed", G_CALLBACK(sstp_on_mppe_bits_changed), self);
}

/* libnma labels every chooser "TITLE _certificate", escaping any "_" of the
 * title, so the CA and the user certificate would share Alt+C. Its labels are
 * reachable through nma_cert_chooser_add_to_size_group(): the one shown (a
 * CERT chooser without passwords shows no other) takes the table's label,
 * whose mnemonic translators choose. */
static void
sstp_cert_chooser_relabel(GtkWidget *chooser, const char *text)
{
	GtkSizeGroup *group = gtk_size_group_new(GTK_SIZE_GROUP_NONE);
	GSList *widgets, *l;
	GtkWidget *shown = NULL;
	guint n_shown = 0;

	nma_cert_chooser_add_to_size_group(NMA_CERT_CHOOSER(chooser), group);
	widgets = g_slist_copy(gtk_size_group_get_widgets(group));
	for (l = widgets; l; l = l->next) {
		if (GTK_IS_LABEL(l->data) && gtk_widget_get_visible(l->data)) {
			shown = l->data;
			n_shown++;
		}
		gtk_size_group_remove_widget(group, l->data);
	}
	g_slist_free(widgets);
	g_object_unref(group);
	/* another libnma: its own label stays */
	if (n_shown == 1)
		gtk_label_set_text_with_mnemonic(GTK_LABEL(shown), text);
}

/* Whether password login uses a certificate-login key too: the table is
 * asked with a password profile that sets the key, so the editor keeps no
 * list of its own (tls-ca-cert: the server that asks for PEAP gets it only
 * then, with pppd 2.5). */
static gboolean
sstp_key_used_with_password(const NMSstpKey *key)
{
	g_autoptr(NMSetting) probe = nm_setting_vpn_new();

	nm_setting_vpn_add_data_item(NM_SETTING_VPN(probe), NM_SSTP_KEY_CONNECTION_TYPE,
	                             NM_SSTP_CONTYPE_PASSWORD);
	nm_setting_vpn_add_data_item(NM_SETTING_VPN(probe), key->name, "x");
	return nm_sstp_settings_key_used(NM_SETTING_VPN(probe), key);
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
		const char *raw;

		if (sstp_key_is_hidden(key))
			continue;

		field = g_new0(SstpField, 1);
		field->key = key;
		field->kind = sstp_kind_for(key);
		field->tooltip = g_strdup(sstp_tr(key->tooltip));
		if (key->flags & NM_SSTP_KEY_FLAG_TLS_ONLY)
			field->with_password = sstp_key_used_with_password(key);

		in_ui = gtk_builder_get_object(self->builder, key->name);
		if (sstp_key_is(key, NM_SSTP_KEY_CA_CERT)) {
			/* The server's CA on the main page, with libnma's chooser. */
			GtkWidget *box = GTK_WIDGET(gtk_builder_get_object(self->builder, "ca-cert-box"));

			field->kind = SSTP_FIELD_CERT;
			/* TRANSLATORS: title of libnma's certificate chooser for the
			 * certificate authority that signed the VPN server's certificate. */
			field->widget = nma_cert_chooser_new(_("CA"), NMA_CERT_CHOOSER_FLAG_CERT
			                                                      | NMA_CERT_CHOOSER_FLAG_NO_PASSWORDS);
			nma_cert_chooser_add_to_size_group(NMA_CERT_CHOOSER(field->widget),
			                                   self->main_labels);
			sstp_cert_chooser_relabel(field->widget, sstp_key_label(key));
			sstp_ui_show(field->widget);
			sstp_ui_box_append(box, field->widget);
		} else if (sstp_key_is(key, NM_SSTP_KEY_TLS_USER_CERT)
		           || sstp_key_is(key, NM_SSTP_KEY_TLS_USER_KEY)
		           || sstp_key_is(key, NM_SSTP_KEY_TLS_USER_KEY_SECRET)) {
			field->kind = sstp_key_is(key, NM_SSTP_KEY_TLS_USER_CERT) ? SSTP_FIELD_USER_CERT
			              : sstp_key_is(key, NM_SSTP_KEY_TLS_USER_KEY) ? SSTP_FIELD_USER_KEY
			                                                           : SSTP_FIELD_USER_PASS;
			field->widget = sstp_editor_user_chooser(self, s_vpn);
		} else if (in_ui && GTK_IS_WIDGET(in_ui)) {
			char label_id[64];
			GObject *label;

			field->widget = GTK_WIDGET(in_ui);
			g_snprintf(label_id, sizeof(label_id), "%s-label", key->name);
			label = gtk_builder_get_object(self->builder, label_id);
			field->label = label ? GTK_WIDGET(label) : NULL;
			if (field->label) {
				/* the text is the table's, as on the Advanced pages */
				g_autofree char *text = g_strconcat(sstp_key_label(key), _(":"), NULL);

				gtk_label_set_text_with_mnemonic(GTK_LABEL(field->label), text);
				gtk_size_group_add_widget(self->main_labels, field->label);
			}
			if (field->kind == SSTP_FIELD_COMBO)
				sstp_fill_combo(field->widget, key);
		} else {
			SstpPage *page = sstp_editor_get_page(self, pages, key->section);
			gboolean mppe_bits = sstp_key_is(key, NM_SSTP_KEY_REQUIRE_MPPE_40)
			                     || sstp_key_is(key, NM_SSTP_KEY_REQUIRE_MPPE_128);

			field->advanced = TRUE;
			field->page = g_intern_string(page->title);
			field->tab = page->tab;
			field->widget = sstp_make_advanced_widget(key, field->kind, &field->label);
			/* stateful MPPE depends on MPPE: indented under it */
			if (sstp_key_is(key, NM_SSTP_KEY_MPPE_STATEFUL))
				gtk_widget_set_margin_start(field->widget, 36);
			if (!mppe_bits)
				sstp_page_attach(page, key, field->label, field->widget,
				                 sstp_group_checks_only(keys, n_keys, key));
			else if (!self->mppe_bits)
				sstp_page_add_mppe_bits(self, page, key);
		}

		/* Ours until dispose, whatever the host does with the page (an
		 * unshown widget is ours alone). */
		if (g_object_is_floating(field->widget))
			g_object_ref_sink(field->widget);
		else
			g_object_ref(field->widget);
		if (field->kind != SSTP_FIELD_USER_KEY && field->kind != SSTP_FIELD_USER_PASS)
			gtk_widget_set_name(field->widget, key->name);
		raw = sstp_setting_raw_value(s_vpn, key, &field->loaded_name);
		field->loaded_raw = g_strdup(raw);
		sstp_field_set_value(field, raw);
		gtk_widget_set_tooltip_text(field->widget, field->tooltip);
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

/* What each field shows once everything is loaded and the dependencies
 * applied: a field still showing it at save time was not changed. A loaded
 * value that the table refuses counts as changed: what is shown (and
 * marked) is what will be saved. */
static void
sstp_editor_remember_loaded(SstpEditor *self)
{
	guint i;

	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);

		g_free(field->loaded);
		if (field->loaded_raw
		    && !nm_sstp_settings_validate_value(field->key->name, field->loaded_raw, NULL))
			field->loaded = g_strdup("\001invalid");
		else
			field->loaded = sstp_field_get_value(field);
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
	self->updating = TRUE;
	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);

		if (field->advanced)
			sstp_field_set_value(field, g_hash_table_lookup(self->snapshot, field->key->name));
	}
	self->updating = FALSE;
	sstp_editor_update_dependencies(self);
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
	GtkWidget *content, *ok;

	if (self->dialog) {
		sstp_ui_window_show(self->dialog);
		return;
	}
	/* GTK 4 (GNOME Settings): Cancel and OK in the header bar, as GNOME's
	 * dialogs and NetworkManager-openvpn's have them. A GtkDialog still
	 * (deprecated since 4.10, kept through GTK 4): the one source serves
	 * both toolkits with the same response handling. */
	self->dialog = gtk_dialog_new_with_buttons(_("SSTP Advanced Options"),
	                                           sstp_ui_window_of(self->widget),
	                                           GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT
#if SSTP_GTK4
	                                               | GTK_DIALOG_USE_HEADER_BAR
#endif
	                                           ,
	                                           _("_Cancel"), GTK_RESPONSE_CANCEL, _("_OK"),
	                                           GTK_RESPONSE_OK, NULL);
	gtk_widget_set_name(self->dialog, "sstp-advanced-dialog");
	gtk_dialog_set_default_response(GTK_DIALOG(self->dialog), GTK_RESPONSE_OK);
	ok = gtk_dialog_get_widget_for_response(GTK_DIALOG(self->dialog), GTK_RESPONSE_OK);
	/* the default action looks like one (GNOME's suggested-action) */
#if SSTP_GTK4
	gtk_widget_add_css_class(ok, "suggested-action");
#else
	gtk_style_context_add_class(gtk_widget_get_style_context(ok), "suggested-action");
#endif
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
 * version wrote them), the ones the table says have no effect and the ones
 * other tools set (the old plugin's uuid). */
static void
sstp_copy_unshown_item(const char *key, const char *value, gpointer user_data)
{
	const NMSstpKey *k = nm_sstp_settings_lookup(key);

	if (!k || (k->flags & (NM_SSTP_KEY_FLAG_NO_EFFECT | NM_SSTP_KEY_FLAG_NOT_IN_EDITOR)))
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
	nm_setting_vpn_foreach_data_item(self->pristine, sstp_copy_unshown_item, s_vpn);

	for (i = 0; i < self->fields->len; i++) {
		SstpField *field = g_ptr_array_index(self->fields, i);
		const NMSstpKey *key = field->key;
		g_autofree char *value = sstp_field_get_value(field);
		g_autofree char *normalized = NULL;

		if (field->kind == SSTP_FIELD_SECRET || field->kind == SSTP_FIELD_USER_PASS) {
			NMSettingSecretFlags flags =
			    field->kind == SSTP_FIELD_SECRET
			        ? nma_utils_menu_to_secret_flags(field->widget)
			        : nma_cert_chooser_get_key_password_flags(NMA_CERT_CHOOSER(field->widget));

			if (value
			    && !(flags & (NM_SETTING_SECRET_FLAG_NOT_SAVED
			                  | NM_SETTING_SECRET_FLAG_NOT_REQUIRED)))
				nm_setting_vpn_add_secret(s_vpn, key->name, value);
			/* the default (saved by NetworkManager) is not spelled out
			 * unless the profile had it */
			if (flags != NM_SETTING_SECRET_FLAG_NONE
			    || (key->flags_key
			        && nm_setting_vpn_get_data_item(self->pristine, key->flags_key)))
				nm_setting_set_secret_flags(NM_SETTING(s_vpn), key->name, flags, NULL);
			continue;
		}
		/* Not changed: as it was loaded, spelling and all. */
		if (g_strcmp0(value, field->loaded) == 0) {
			if (field->loaded_raw)
				nm_setting_vpn_add_data_item(s_vpn, field->loaded_name, field->loaded_raw);
			continue;
		}
		if (!value)
			continue;
		/* Check boxes, choices and numbers that show the table default
		 * are left out: the default applies anyway, and the profile
		 * stays short. */
		if ((field->kind == SSTP_FIELD_CHECK || field->kind == SSTP_FIELD_COMBO
		     || field->kind == SSTP_FIELD_SPIN)
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
	self->pristine = NM_SETTING_VPN(nm_setting_duplicate(NM_SETTING(self->original)));
	sstp_editor_build_fields(self, self->original);

	button = gtk_builder_get_object(self->builder, "advanced-button");
	g_signal_connect(button, "clicked", G_CALLBACK(sstp_on_advanced_clicked), self);
	show = gtk_builder_get_object(self->builder, "show-password");
	g_signal_connect(show, "toggled", G_CALLBACK(sstp_on_show_password), self);

	/* A key length alone requires MPPE too (pppd): show it so. */
	if (sstp_editor_bool(self, NM_SSTP_KEY_REQUIRE_MPPE_40)
	    || sstp_editor_bool(self, NM_SSTP_KEY_REQUIRE_MPPE_128))
		sstp_editor_set_bool(self, NM_SSTP_KEY_REQUIRE_MPPE, TRUE);
	sstp_editor_update_mode(self);
	sstp_editor_remember_loaded(self);
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
	g_clear_object(&self->pristine);
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
