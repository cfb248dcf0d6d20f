/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSTP editor under a real X server, built twice: SSTP_TEST_GTK=3
 * (nm-connection-editor's toolkit) and SSTP_TEST_GTK=4 (GNOME Settings').
 *
 * The plugin is loaded as NetworkManager's clients load it
 * (nm_vpn_editor_plugin_load() on the built libnm-vpn-plugin-sstp.so, which
 * loads the editor library for the GTK in this process). Fields are set
 * programmatically and the NMSettingVpn that update_connection() produces is
 * checked; invalid input must be marked and must fail update_connection().
 * Screenshots of the main page and of every Advanced page are written to
 * the build directory (tests/unit/screenshot-gtkN-*.png) for a person to
 * look at.
 *
 * Without a DISPLAY the test starts its own Xvfb (-displayfd picks a free
 * display; PR_SET_PDEATHSIG and an explicit kill by PID end it), or reports
 * a TAP skip saying why when there is no Xvfb.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <NetworkManager.h>
#include <nma-cert-chooser.h>

#include "nm-sstp-editor-plugin.h"
#include "nm-sstp-settings.h"

#if SSTP_TEST_GTK == 4
#define GTKV "gtk4"
#else
#define GTKV "gtk3"
#endif

static GPid xvfb_pid;

/* ---------------------------------------------------------------------------
 * An X server for the test */

static void
xvfb_child_setup(gpointer user_data)
{
	/* Xvfb ends with us even if an assertion aborts the test. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/* Starts Xvfb on a free display; returns a skip reason or NULL. */
static char *
xvfb_start(void)
{
	g_autofree char *xvfb = g_find_program_in_path("Xvfb");
	g_autoptr(GError) error = NULL;
	g_autoptr(GIOChannel) channel = NULL;
	g_autofree char *line = NULL;
	char display[32];
	int out_fd = -1;
	guint64 number;
	char *argv[] = { NULL, "-displayfd", "1", "-screen", "0", "1280x1024x24",
		         "-nolisten", "tcp", NULL };

	if (!xvfb)
		return g_strdup("no DISPLAY and no Xvfb installed (apt-get install xvfb)");
	argv[0] = xvfb;
	if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD
	                                                    | G_SPAWN_STDERR_TO_DEV_NULL,
	                              xvfb_child_setup, NULL, &xvfb_pid, NULL, &out_fd, NULL,
	                              &error))
		return g_strdup_printf("cannot start Xvfb: %s", error->message);

	/* Xvfb writes the display number once it accepts connections. */
	channel = g_io_channel_unix_new(out_fd);
	g_io_channel_set_close_on_unref(channel, TRUE);
	if (g_io_channel_read_line(channel, &line, NULL, NULL, &error) != G_IO_STATUS_NORMAL
	    || !g_ascii_string_to_unsigned(g_strstrip(line), 10, 0, 65535, &number, NULL)) {
		kill(xvfb_pid, SIGTERM);
		waitpid(xvfb_pid, NULL, 0);
		xvfb_pid = 0;
		return g_strdup("Xvfb did not report a display number");
	}
	g_snprintf(display, sizeof(display), ":%u", (unsigned) number);
	g_setenv("DISPLAY", display, TRUE);
	return NULL;
}

static void
xvfb_stop(void)
{
	if (xvfb_pid > 0) {
		kill(xvfb_pid, SIGTERM);
		waitpid(xvfb_pid, NULL, 0);
		xvfb_pid = 0;
	}
}

/* ---------------------------------------------------------------------------
 * GTK3/GTK4 helpers for the test */

#if SSTP_TEST_GTK != 4
static void
add_child(GtkWidget *child, gpointer user_data)
{
	g_ptr_array_add(user_data, child);
}
#endif

static void
collect_children(GtkWidget *widget, GPtrArray *out)
{
#if SSTP_TEST_GTK == 4
	GtkWidget *child;

	for (child = gtk_widget_get_first_child(widget); child;
	     child = gtk_widget_get_next_sibling(child))
		g_ptr_array_add(out, child);
#else
	if (GTK_IS_CONTAINER(widget))
		gtk_container_forall(GTK_CONTAINER(widget), add_child, out);
#endif
}

static GtkWidget *
find_named(GtkWidget *widget, const char *name)
{
	g_autoptr(GPtrArray) children = g_ptr_array_new();
	guint i;

	if (g_strcmp0(gtk_widget_get_name(widget), name) == 0)
		return widget;
	collect_children(widget, children);
	for (i = 0; i < children->len; i++) {
		GtkWidget *found = find_named(g_ptr_array_index(children, i), name);

		if (found)
			return found;
	}
	return NULL;
}

static GtkWidget *
find_toplevel_named(const char *name)
{
	GtkWidget *found = NULL;
#if SSTP_TEST_GTK == 4
	GListModel *list = gtk_window_get_toplevels();
	guint i;

	for (i = 0; i < g_list_model_get_n_items(list) && !found; i++) {
		GtkWidget *w = g_list_model_get_item(list, i);

		if (g_strcmp0(gtk_widget_get_name(w), name) == 0)
			found = w;
		g_object_unref(w);
	}
#else
	GList *list = gtk_window_list_toplevels(), *l;

	for (l = list; l && !found; l = l->next) {
		if (g_strcmp0(gtk_widget_get_name(l->data), name) == 0)
			found = l->data;
	}
	g_list_free(list);
#endif
	return found;
}

static GtkWidget *
must_find(GtkWidget *root, const char *name)
{
	GtkWidget *w = find_named(root, name);

	if (!w)
		g_error("no widget named %s", name);
	return w;
}

static void
entry_set(GtkWidget *entry, const char *text)
{
#if SSTP_TEST_GTK == 4
	gtk_editable_set_text(GTK_EDITABLE(entry), text);
#else
	gtk_entry_set_text(GTK_ENTRY(entry), text);
#endif
}

static const char *
entry_get(GtkWidget *entry)
{
#if SSTP_TEST_GTK == 4
	return gtk_editable_get_text(GTK_EDITABLE(entry));
#else
	return gtk_entry_get_text(GTK_ENTRY(entry));
#endif
}

static void
check_set(GtkWidget *check, gboolean active)
{
#if SSTP_TEST_GTK == 4
	gtk_check_button_set_active(GTK_CHECK_BUTTON(check), active);
#else
	gtk_toggle_button_set_active(GTK_TOGGLE_BUTTON(check), active);
#endif
}

static gboolean
check_get(GtkWidget *check)
{
#if SSTP_TEST_GTK == 4
	return gtk_check_button_get_active(GTK_CHECK_BUTTON(check));
#else
	return gtk_toggle_button_get_active(GTK_TOGGLE_BUTTON(check));
#endif
}

static int
spin_get(GtkWidget *spin)
{
	return gtk_spin_button_get_value_as_int(GTK_SPIN_BUTTON(spin));
}

static void
spin_set(GtkWidget *spin, int value)
{
	gtk_spin_button_set_value(GTK_SPIN_BUTTON(spin), value);
}

static gboolean
has_error_class(GtkWidget *widget)
{
#if SSTP_TEST_GTK == 4
	return gtk_widget_has_css_class(widget, "error");
#else
	return gtk_style_context_has_class(gtk_widget_get_style_context(widget), "error");
#endif
}

static char *
tooltip_dup(GtkWidget *widget)
{
#if SSTP_TEST_GTK == 4
	return g_strdup(gtk_widget_get_tooltip_text(widget));
#else
	return gtk_widget_get_tooltip_text(widget);
#endif
}

static GtkWidget *
window_with(GtkWidget *child)
{
#if SSTP_TEST_GTK == 4
	GtkWidget *window = gtk_window_new();

	gtk_window_set_child(GTK_WINDOW(window), child);
	gtk_window_present(GTK_WINDOW(window));
#else
	GtkWidget *window = gtk_window_new(GTK_WINDOW_TOPLEVEL);

	gtk_container_add(GTK_CONTAINER(window), child);
	gtk_widget_show(window);
#endif
	gtk_window_set_title(GTK_WINDOW(window), "SSTP editor test");
	return window;
}

static void
window_destroy(GtkWidget *window)
{
#if SSTP_TEST_GTK == 4
	gtk_window_destroy(GTK_WINDOW(window));
#else
	gtk_widget_destroy(window);
#endif
}

static int
widget_width(GtkWidget *w)
{
#if SSTP_TEST_GTK == 4
	return gtk_widget_get_width(w);
#else
	return gtk_widget_get_allocated_width(w);
#endif
}

static int
widget_height(GtkWidget *w)
{
#if SSTP_TEST_GTK == 4
	return gtk_widget_get_height(w);
#else
	return gtk_widget_get_allocated_height(w);
#endif
}

static gboolean
deadline_passed(gpointer user_data)
{
	*(gboolean *) user_data = TRUE;
	return G_SOURCE_REMOVE;
}

/* Run the main loop until the window is mapped and laid out, then until
 * nothing is pending. The deadline only turns a hang into a failure. */
static void
wait_until_shown(GtkWidget *window)
{
	gboolean expired = FALSE;
	guint id = g_timeout_add_seconds(20, deadline_passed, &expired);

	while (!expired && !(gtk_widget_get_mapped(window) && widget_width(window) > 1))
		g_main_context_iteration(NULL, TRUE);
	g_assert_false(expired);
	g_source_remove(id);
	/* a few more frames so that deferred layout and drawing settle */
	for (int i = 0; i < 5; i++) {
		gboolean tick = FALSE;

		id = g_timeout_add(50, deadline_passed, &tick);
		while (!tick)
			g_main_context_iteration(NULL, TRUE);
	}
}

static void
save_screenshot(GtkWidget *window, const char *what)
{
	g_autofree char *path = g_strdup_printf("%s/screenshot-%s-%s.png", SSTP_SCREENSHOT_DIR, GTKV,
	                                        what);
	int w = widget_width(window), h = widget_height(window);

	g_assert_cmpint(w, >, 50);
	g_assert_cmpint(h, >, 50);
#if SSTP_TEST_GTK == 4
	{
		g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new(window);
		GtkSnapshot *snapshot = gtk_snapshot_new();
		g_autoptr(GskRenderNode) node = NULL;
		g_autoptr(GdkTexture) texture = NULL;
		GskRenderer *renderer = gtk_native_get_renderer(GTK_NATIVE(window));

		gdk_paintable_snapshot(paintable, snapshot, w, h);
		node = gtk_snapshot_free_to_node(snapshot);
		g_assert_nonnull(node);
		texture = gsk_renderer_render_texture(renderer, node, &GRAPHENE_RECT_INIT(0, 0, w, h));
		g_assert_true(gdk_texture_save_to_png(texture, path));
	}
#else
	{
		cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
		cairo_t *cr = cairo_create(surface);

		gtk_widget_draw(window, cr);
		cairo_destroy(cr);
		g_assert_cmpint(cairo_surface_write_to_png(surface, path), ==, CAIRO_STATUS_SUCCESS);
		cairo_surface_destroy(surface);
	}
#endif
	g_test_message("screenshot: %s (%dx%d)", path, w, h);
}

/* ---------------------------------------------------------------------------
 * Fixture: the plugin, an editor for a connection, the page in a window */

typedef struct {
	NMVpnEditorPlugin *plugin;
	NMConnection *connection;
	NMVpnEditor *editor;
	GtkWidget *page;
	GtkWidget *window;
	guint changed;
} Fixture;

static void
on_changed(NMVpnEditor *editor, gpointer user_data)
{
	((Fixture *) user_data)->changed++;
}

static NMConnection *
new_connection(void)
{
	NMConnection *connection = nm_simple_connection_new();
	NMSetting *s_con = nm_setting_connection_new();
	NMSettingVpn *s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());

	g_object_set(s_con, NM_SETTING_CONNECTION_ID, "Test SSTP", NM_SETTING_CONNECTION_UUID,
	             "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", NM_SETTING_CONNECTION_TYPE,
	             NM_SETTING_VPN_SETTING_NAME, NULL);
	g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_DBUS_SERVICE, NULL);
	nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_GATEWAY, "vpn.example.com");
	nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_USER, "bob");
	nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_MTU, "1300");
	nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_REFUSE_PAP, "yes");
	nm_setting_vpn_add_data_item(s_vpn, "x-from-a-newer-version", "kept");
	nm_setting_vpn_add_secret(s_vpn, NM_SSTP_KEY_PASSWORD, "old-password");
	nm_connection_add_setting(connection, s_con);
	nm_connection_add_setting(connection, NM_SETTING(s_vpn));
	return connection;
}

static void
fixture_setup(Fixture *f, gconstpointer data)
{
	g_autoptr(GError) error = NULL;

	f->plugin = nm_vpn_editor_plugin_load(SSTP_BASE_PLUGIN, NM_SSTP_DBUS_SERVICE, &error);
	g_assert_no_error(error);
	f->connection = new_connection();
	f->editor = nm_vpn_editor_plugin_get_editor(f->plugin, f->connection, &error);
	g_assert_no_error(error);
	g_assert_nonnull(f->editor);
	g_signal_connect(f->editor, "changed", G_CALLBACK(on_changed), f);
	f->page = GTK_WIDGET(nm_vpn_editor_get_widget(f->editor));
	g_assert_true(GTK_IS_WIDGET(f->page));
	f->window = window_with(f->page);
	wait_until_shown(f->window);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
	GtkWidget *dialog = find_toplevel_named("sstp-advanced-dialog");

	if (dialog)
		gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
	window_destroy(f->window);
	g_clear_object(&f->editor);
	g_clear_object(&f->connection);
	g_clear_object(&f->plugin);
}

/* update_connection() into a fresh connection; NULL + error on failure */
static NMSettingVpn *
update(Fixture *f, NMConnection **out_connection, GError **error)
{
	NMConnection *c = nm_simple_connection_new();

	nm_connection_add_setting(c, nm_setting_duplicate(
	                                 NM_SETTING(nm_connection_get_setting_connection(f->connection))));
	if (!nm_vpn_editor_update_connection(f->editor, c, error)) {
		g_object_unref(c);
		return NULL;
	}
	*out_connection = c;
	return nm_connection_get_setting_vpn(c);
}

static GtkWidget *
open_advanced(Fixture *f)
{
	GtkWidget *dialog;

	g_signal_emit_by_name(must_find(f->page, "advanced-button"), "clicked");
	dialog = find_toplevel_named("sstp-advanced-dialog");
	g_assert_nonnull(dialog);
	wait_until_shown(dialog);
	return dialog;
}

/* ---------------------------------------------------------------------------
 * Tests */

static void
test_loads_connection(Fixture *f, gconstpointer data)
{
	g_assert_cmpstr(entry_get(must_find(f->page, NM_SSTP_KEY_GATEWAY)), ==, "vpn.example.com");
	g_assert_cmpstr(entry_get(must_find(f->page, NM_SSTP_KEY_USER)), ==, "bob");
	g_assert_cmpstr(entry_get(must_find(f->page, NM_SSTP_KEY_PASSWORD)), ==, "old-password");
	g_assert_cmpstr(gtk_combo_box_get_active_id(
	                    GTK_COMBO_BOX(must_find(f->page, NM_SSTP_KEY_CONNECTION_TYPE))),
	                ==, NM_SSTP_CONTYPE_PASSWORD);
	/* Advanced fields are not in the page until the dialog opens. */
	g_assert_null(find_named(f->page, NM_SSTP_KEY_MTU));
}

/* The certificate details page is there only for certificate login. */
/* Whether the table has password login use the authentication server's CA
 * (PEAP, pppd 2.5). */
static gboolean
tls_ca_used_with_password(void)
{
	g_autoptr(NMSetting) s = nm_setting_vpn_new();

	nm_setting_vpn_add_data_item(NM_SETTING_VPN(s), NM_SSTP_KEY_CONNECTION_TYPE,
	                             NM_SSTP_CONTYPE_PASSWORD);
	nm_setting_vpn_add_data_item(NM_SETTING_VPN(s), NM_SSTP_KEY_TLS_CA_CERT, "/etc/ca.pem");
	return nm_sstp_settings_key_used(NM_SETTING_VPN(s),
	                                 nm_sstp_settings_lookup(NM_SSTP_KEY_TLS_CA_CERT));
}

static void
test_pages_that_apply(Fixture *f, gconstpointer data)
{
	GtkWidget *dialog = open_advanced(f);
	GtkWidget *notebook = must_find(dialog, "advanced-notebook");
	GtkWidget *identity = must_find(dialog, NM_SSTP_KEY_TLS_IDENTITY);
	GtkWidget *tls_ca = must_find(dialog, NM_SSTP_KEY_TLS_CA_CERT);
	GtkWidget *page = NULL;
	guint hidden = 0;
	int i;

	for (i = 0; i < gtk_notebook_get_n_pages(GTK_NOTEBOOK(notebook)); i++) {
		GtkWidget *p = gtk_notebook_get_nth_page(GTK_NOTEBOOK(notebook), i);

		if (gtk_widget_is_ancestor(identity, p))
			page = p;
	}
	g_assert_nonnull(page);
	for (i = 0; i < gtk_notebook_get_n_pages(GTK_NOTEBOOK(notebook)); i++)
		hidden += !gtk_widget_get_visible(gtk_notebook_get_nth_page(GTK_NOTEBOOK(notebook), i));
	if (tls_ca_used_with_password()) {
		/* password login with pppd 2.5: the authentication server's CA
		 * lets a server ask for PEAP; the page is there for it alone */
		g_test_message("password login: the authentication server's CA is offered");
		g_assert_true(gtk_widget_get_visible(page));
		g_assert_cmpuint(hidden, ==, 0);
		g_assert_true(gtk_widget_get_sensitive(tls_ca));
		g_assert_false(gtk_widget_get_sensitive(identity));
		gtk_notebook_set_current_page(GTK_NOTEBOOK(notebook),
		                              gtk_notebook_page_num(GTK_NOTEBOOK(notebook), page));
		wait_until_shown(dialog);
		save_screenshot(dialog, "advanced-password");
	} else {
		/* pppd 2.4.9 has no PEAP: nothing on that page applies */
		g_assert_false(gtk_widget_get_visible(page));
		g_assert_cmpuint(hidden, ==, 1);
	}
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(must_find(f->page, NM_SSTP_KEY_CONNECTION_TYPE)),
	                            NM_SSTP_CONTYPE_TLS);
	g_assert_true(gtk_widget_get_visible(page));
	g_assert_true(gtk_widget_get_sensitive(identity));
	g_assert_true(gtk_widget_get_sensitive(tls_ca));
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
}

static void
test_update_connection(Fixture *f, gconstpointer data)
{
	g_autoptr(NMConnection) result = NULL;
	g_autoptr(GError) error = NULL;
	NMSettingVpn *s_vpn;
	GtkWidget *dialog;
	guint changed_before = f->changed;

	entry_set(must_find(f->page, NM_SSTP_KEY_GATEWAY), "new.example.com:8443");
	entry_set(must_find(f->page, NM_SSTP_KEY_USER), "alice");
	entry_set(must_find(f->page, NM_SSTP_KEY_PASSWORD), "n3w-secret");
	entry_set(must_find(f->page, NM_SSTP_KEY_DOMAIN), "CORP");
	g_assert_cmpuint(f->changed, >, changed_before);

	dialog = open_advanced(f);
	g_assert_cmpint(spin_get(must_find(dialog, NM_SSTP_KEY_MTU)), ==, 1300);
	/* "Allow PAP" is the opposite of refuse-pap=yes */
	g_assert_false(check_get(must_find(dialog, NM_SSTP_KEY_REFUSE_PAP)));
	g_assert_true(check_get(must_find(dialog, NM_SSTP_KEY_REFUSE_CHAP)));
	/* dhcp-inform defaults to on: the check shows the table default */
	g_assert_true(check_get(must_find(dialog, NM_SSTP_KEY_DHCP_INFORM)));
	check_set(must_find(dialog, NM_SSTP_KEY_DHCP_INFORM), FALSE);
	check_set(must_find(dialog, NM_SSTP_KEY_REFUSE_CHAP), FALSE);
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(must_find(dialog, NM_SSTP_KEY_TLS_MIN_VERSION)),
	                            "1.3");
	entry_set(must_find(dialog, NM_SSTP_KEY_PROXY_SERVER), "proxy.example.com");
	spin_set(must_find(dialog, NM_SSTP_KEY_PROXY_PORT), 3128);
	entry_set(must_find(dialog, NM_SSTP_KEY_TLS_SERVER_NAME), "vpn.example.com");
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
	g_assert_null(find_toplevel_named("sstp-advanced-dialog"));

	s_vpn = update(f, &result, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_setting_vpn_get_service_type(s_vpn), ==, NM_SSTP_DBUS_SERVICE);
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_GATEWAY), ==,
	                "new.example.com:8443");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_USER), ==, "alice");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_DOMAIN), ==, "CORP");
	g_assert_cmpstr(nm_setting_vpn_get_secret(s_vpn, NM_SSTP_KEY_PASSWORD), ==, "n3w-secret");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_DHCP_INFORM), ==, "no");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REFUSE_CHAP), ==, "yes");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REFUSE_PAP), ==, "yes");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_MIN_VERSION), ==, "1.3");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_MTU), ==, "1300");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_PROXY_SERVER), ==,
	                "proxy.example.com");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_PROXY_PORT), ==, "3128");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_SERVER_NAME), ==,
	                "vpn.example.com");
	/* defaults are not written; unknown keys are kept */
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_IGN_CERT_WARN));
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_SNI));
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_MAX_VERSION));
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_VERIFY_METHOD));
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_CONNECTION_TYPE));
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, "x-from-a-newer-version"), ==, "kept");
	g_assert_true(nm_sstp_settings_validate(s_vpn, NULL, NULL, &error));
	g_assert_no_error(error);
}

static void
test_invalid_input_blocks_save(Fixture *f, gconstpointer data)
{
	g_autoptr(NMConnection) result = NULL;
	g_autoptr(GError) error = NULL;
	GtkWidget *gateway = must_find(f->page, NM_SSTP_KEY_GATEWAY);
	GtkWidget *dialog, *mtu, *pin;
	g_autofree char *tooltip = NULL;

	g_assert_false(has_error_class(gateway));
	entry_set(gateway, "bad host name");
	g_assert_true(has_error_class(gateway));
	/* the field as the person sees it, not the key */
	tooltip = tooltip_dup(gateway);
	g_assert_nonnull(strstr(tooltip, "“Gateway”"));
	g_assert_null(strstr(tooltip, "gateway"));
	g_assert_null(update(f, &result, &error));
	g_assert_nonnull(error);
	g_assert_nonnull(strstr(error->message, "“Gateway”"));
	g_clear_error(&error);

	entry_set(gateway, "");
	g_assert_true(has_error_class(gateway));
	g_assert_null(update(f, &result, &error));
	g_assert_nonnull(strstr(error->message, "required"));
	g_clear_error(&error);

	entry_set(gateway, "ok.example.com");
	g_assert_false(has_error_class(gateway));

	/* An advanced field: marked, OK disabled, Save blocked. */
	dialog = open_advanced(f);
	pin = must_find(dialog, NM_SSTP_KEY_CERT_PIN_SHA256);
	entry_set(pin, "12:34");
	g_assert_true(has_error_class(pin));
	g_clear_pointer(&tooltip, g_free);
	tooltip = tooltip_dup(pin);
	g_assert_nonnull(strstr(tooltip, "Server, “Server certificate fingerprint”: "));
	g_assert_null(strstr(tooltip, "cert-pin"));
	g_assert_null(update(f, &result, &error));
	g_assert_nonnull(strstr(error->message, "“Server certificate fingerprint”"));
	g_clear_error(&error);
	/* a proxy host needs its port (else the proxy would not be used) */
	entry_set(must_find(dialog, NM_SSTP_KEY_PROXY_SERVER), "proxy.example.com");
	g_assert_true(has_error_class(must_find(dialog, NM_SSTP_KEY_PROXY_PORT)));
	spin_set(must_find(dialog, NM_SSTP_KEY_PROXY_PORT), 3128);
	g_assert_false(has_error_class(must_find(dialog, NM_SSTP_KEY_PROXY_PORT)));
	entry_set(must_find(dialog, NM_SSTP_KEY_PROXY_SERVER), "");
	spin_set(must_find(dialog, NM_SSTP_KEY_PROXY_PORT), 0);
	entry_set(must_find(dialog, NM_SSTP_KEY_PROXY_SERVER), "proxy.example.com");
	g_assert_null(update(f, &result, &error));
	g_assert_nonnull(strstr(error->message, "“Server certificate fingerprint”"));
	g_clear_error(&error);
	entry_set(pin, "");
	g_assert_null(update(f, &result, &error));
	g_assert_nonnull(strstr(error->message, "HTTP proxy, “Port”: "));
	g_clear_error(&error);
	entry_set(must_find(dialog, NM_SSTP_KEY_PROXY_SERVER), "");
	entry_set(pin, "12:34");

	/* numbers cannot leave the table's range */
	mtu = must_find(dialog, NM_SSTP_KEY_MTU);
	spin_set(mtu, 12);
	g_assert_cmpint(spin_get(mtu), ==, 576);
	spin_set(mtu, 99999);
	g_assert_cmpint(spin_get(mtu), ==, 4091);
	/* an unset number shows "Not set" whole, not cut off */
	{
		int width = 0;

		g_object_get(must_find(dialog, NM_SSTP_KEY_PROXY_PORT), "width-chars", &width, NULL);
		g_assert_cmpint(width, >=, (int) g_utf8_strlen("Not set", -1));
	}

	/* Cancel puts the old values back. */
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL);
	g_assert_false(has_error_class(pin));
	g_assert_cmpint(spin_get(mtu), ==, 1300);
	g_assert_nonnull(update(f, &result, &error));
	g_assert_no_error(error);
}

/* What libnma's chooser does when the person picks a file (setting it from
 * code emits nothing). */
static void
chooser_pick(GtkWidget *chooser, const char *cert, const char *key, const char *password)
{
	if (cert)
		nma_cert_chooser_set_cert(NMA_CERT_CHOOSER(chooser), cert,
		                          NM_SETTING_802_1X_CK_SCHEME_PATH);
	if (key)
		nma_cert_chooser_set_key(NMA_CERT_CHOOSER(chooser), key,
		                         NM_SETTING_802_1X_CK_SCHEME_PATH);
	if (password)
		nma_cert_chooser_set_key_password(NMA_CERT_CHOOSER(chooser), password);
	g_signal_emit_by_name(chooser, "changed");
}

static void
test_tls_mode(Fixture *f, gconstpointer data)
{
	g_autoptr(NMConnection) result = NULL;
	g_autoptr(GError) error = NULL;
	NMSettingVpn *s_vpn;
	GtkWidget *dialog, *chooser;
	g_autofree char *cert_email = g_build_filename(SSTP_FIXTURES_DIR, "user-cert.pem", NULL);
	g_autofree char *cert_cn = g_build_filename(SSTP_FIXTURES_DIR, "user-cert-cn-only.pem", NULL);

	chooser = must_find(f->page, NM_SSTP_KEY_TLS_USER_CERT);
	g_assert_true(NMA_IS_CERT_CHOOSER(chooser));
	g_assert_false(gtk_widget_get_visible(chooser));
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(must_find(f->page, NM_SSTP_KEY_CONNECTION_TYPE)),
	                            NM_SSTP_CONTYPE_TLS);
	g_assert_false(gtk_widget_get_visible(must_find(f->page, NM_SSTP_KEY_USER)));
	g_assert_false(gtk_widget_get_visible(must_find(f->page, NM_SSTP_KEY_PASSWORD)));
	/* the certificate login is on the main page, not behind Advanced */
	g_assert_true(gtk_widget_get_visible(chooser));
#if SSTP_TEST_GTK == 3
	/* nm-connection-editor may call gtk_widget_show_all() on the page */
	gtk_widget_show_all(f->window);
	g_assert_false(gtk_widget_get_visible(must_find(f->page, NM_SSTP_KEY_USER)));
#endif
	/* no certificate yet: marked, Save blocked, named as shown */
	g_assert_true(has_error_class(chooser));
	g_assert_null(update(f, &result, &error));
	g_assert_nonnull(strstr(error->message, "“User certificate”"));
	g_clear_error(&error);

	/* The subject name follows the certificate (emailAddress, else CN)... */
	chooser_pick(chooser, cert_cn, NULL, NULL);
	g_assert_false(has_error_class(chooser));
	chooser_pick(chooser, NULL, "/etc/sstp/user.key", "key-pass");
	wait_until_shown(f->window);
	save_screenshot(f->window, "main-tls");

	dialog = open_advanced(f);
	g_assert_cmpstr(entry_get(must_find(dialog, NM_SSTP_KEY_TLS_SUBJECT_NAME)), ==, "bob.example");
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
	chooser_pick(chooser, cert_email, NULL, NULL);
	dialog = open_advanced(f);
	g_assert_cmpstr(entry_get(must_find(dialog, NM_SSTP_KEY_TLS_SUBJECT_NAME)), ==,
	                "alice@example.com");
	/* ...until the person types a name of their own. */
	entry_set(must_find(dialog, NM_SSTP_KEY_TLS_SUBJECT_NAME), "typed-by-hand");
	entry_set(must_find(dialog, NM_SSTP_KEY_TLS_IDENTITY), "alice@example.com");
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
	chooser_pick(chooser, cert_cn, NULL, NULL);
	chooser_pick(chooser, cert_email, NULL, NULL);

	s_vpn = update(f, &result, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_CONNECTION_TYPE), ==,
	                NM_SSTP_CONTYPE_TLS);
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_USER_CERT), ==,
	                cert_email);
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_USER_KEY), ==,
	                "/etc/sstp/user.key");
	g_assert_cmpstr(nm_setting_vpn_get_secret(s_vpn, NM_SSTP_KEY_TLS_USER_KEY_SECRET), ==,
	                "key-pass");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_SUBJECT_NAME), ==,
	                "typed-by-hand");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_IDENTITY), ==,
	                "alice@example.com");
	g_assert_true(nm_sstp_settings_is_tls(s_vpn));
}

/* A value of every shown key's type that is not the table default. */
static const char *
roundtrip_value(const NMSstpKey *key, char *buf, gsize len)
{
	switch (key->type) {
	case NM_SSTP_KEY_BOOL:
		/* spelled as an old profile might, to see the spelling kept */
		return g_strcmp0(key->default_value, "yes") == 0 ? "false" : "true";
	case NM_SSTP_KEY_UINT:
		g_snprintf(buf, len, "%u", key->min + 1);
		return buf;
	case NM_SSTP_KEY_SECRET_FLAGS:
		return "0";
	case NM_SSTP_KEY_ENUM: {
		guint n = 0;

		while (key->enum_values[n + 1])
			n++;
		return key->enum_values[n];
	}
	case NM_SSTP_KEY_PATH:
		/* the user certificate and key: an object on a PKCS#11 token,
		 * which libnma's chooser must keep as a URI */
		if (key->flags & NM_SSTP_KEY_FLAG_PKCS11)
			g_snprintf(buf, len, "pkcs11:token=My%%20Card;object=%s", key->name);
		else
			g_snprintf(buf, len, "/etc/sstp/%s.pem", key->name);
		return buf;
	case NM_SSTP_KEY_HOSTPORT:
		return "vpn.example.com:8443";
	case NM_SSTP_KEY_HOST:
		return "proxy.example.com";
	case NM_SSTP_KEY_SHA256_HEX:
		return "AB:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:"
		       "01:23:45:67:89";
	case NM_SSTP_KEY_SECRET:
		return "s3cret";
	case NM_SSTP_KEY_STRING:
	default:
		g_snprintf(buf, len, "%s-value", key->name);
		return buf;
	}
}

static void
roundtrip_compare(NMSettingVpn *before, NMSettingVpn *after)
{
	guint n_before = 0, n_after = 0, i;
	const char **keys = nm_setting_vpn_get_data_keys(before, &n_before);

	for (i = 0; i < n_before; i++)
		g_assert_cmpstr(nm_setting_vpn_get_data_item(after, keys[i]), ==,
		                nm_setting_vpn_get_data_item(before, keys[i]));
	g_free(keys);
	keys = nm_setting_vpn_get_data_keys(after, &n_after);
	for (i = 0; i < n_after; i++) {
		if (!nm_setting_vpn_get_data_item(before, keys[i]))
			g_error("the editor added %s=%s", keys[i], nm_setting_vpn_get_data_item(after, keys[i]));
	}
	g_free(keys);
	g_assert_cmpuint(n_after, ==, n_before);
	keys = nm_setting_vpn_get_secret_keys(before, &n_before);
	for (i = 0; i < n_before; i++)
		g_assert_cmpstr(nm_setting_vpn_get_secret(after, keys[i]), ==,
		                nm_setting_vpn_get_secret(before, keys[i]));
	g_free(keys);
}

/* Load every key, save without touching anything: vpn.data means exactly
 * what it meant (same keys, same spelling, same values), though the editor
 * shows some keys combined (MPPE), negated ("Allow PAP") or held off
 * (compression under DHCPINFORM). */
static void
roundtrip_run(NMSettingVpn *s_in, gboolean open_dialog)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(NMVpnEditorPlugin) plugin = NULL;
	g_autoptr(NMConnection) in = nm_simple_connection_new();
	g_autoptr(NMConnection) out = nm_simple_connection_new();
	g_autoptr(NMVpnEditor) editor = NULL;
	GtkWidget *window;

	nm_connection_add_setting(in, NM_SETTING(s_in));
	plugin = nm_vpn_editor_plugin_load(SSTP_BASE_PLUGIN, NM_SSTP_DBUS_SERVICE, &error);
	g_assert_no_error(error);
	editor = nm_vpn_editor_plugin_get_editor(plugin, in, &error);
	g_assert_no_error(error);
	window = window_with(GTK_WIDGET(nm_vpn_editor_get_widget(editor)));
	wait_until_shown(window);
	if (open_dialog) {
		GtkWidget *dialog;

		g_signal_emit_by_name(must_find(window, "advanced-button"), "clicked");
		dialog = find_toplevel_named("sstp-advanced-dialog");
		wait_until_shown(dialog);
		gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
	}
	g_assert_true(nm_vpn_editor_update_connection(editor, out, &error));
	g_assert_no_error(error);
	roundtrip_compare(nm_connection_get_setting_vpn(in), nm_connection_get_setting_vpn(out));
	window_destroy(window);
}

static void
test_roundtrip(void)
{
	const NMSstpKey *keys;
	gsize n, i;
	int pass;

	keys = nm_sstp_settings_keys(&n);
	for (pass = 0; pass < 4; pass++) {
		NMSettingVpn *s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());

		g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_DBUS_SERVICE, NULL);
		for (i = 0; i < n; i++) {
			char buf[128];
			const char *v = roundtrip_value(&keys[i], buf, sizeof(buf));

			/* pass 1: every bool "no"/absent-default spelled out */
			if (pass == 1 && keys[i].type == NM_SSTP_KEY_BOOL)
				v = keys[i].default_value ? keys[i].default_value : "no";
			/* pass 2: numbers at the table default, spelled out */
			if (pass == 2 && keys[i].type == NM_SSTP_KEY_UINT && keys[i].default_value)
				v = keys[i].default_value;
			if (keys[i].type == NM_SSTP_KEY_SECRET)
				nm_setting_vpn_add_secret(s_vpn, keys[i].name, v);
			else if (pass == 3 && keys[i].legacy_alias)
				/* pass 3: the old spelling of renamed keys */
				nm_setting_vpn_add_data_item(s_vpn, keys[i].legacy_alias, v);
			else
				nm_setting_vpn_add_data_item(s_vpn, keys[i].name, v);
		}
		/* MPPE only through its key lengths, with DHCPINFORM: the
		 * editor shows MPPE on and DHCPINFORM off, and saves neither */
		if (pass == 2) {
			nm_setting_vpn_remove_data_item(s_vpn, NM_SSTP_KEY_REQUIRE_MPPE);
			nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_REQUIRE_MPPE_40, "yes");
			nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_REQUIRE_MPPE_128, "no");
			nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_DHCP_INFORM, "yes");
		}
		nm_setting_vpn_add_data_item(s_vpn, "x-from-a-newer-version", "kept");
		g_test_message("round trip, pass %d", pass);
		roundtrip_run(NM_SETTING_VPN(nm_setting_duplicate(NM_SETTING(s_vpn))), FALSE);
		roundtrip_run(s_vpn, TRUE);
	}
	/* password login with the authentication server's CA (PEAP with pppd
	 * 2.5): kept, whether or not this pppd uses it */
	{
		NMSettingVpn *s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());

		g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_DBUS_SERVICE, NULL);
		nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_GATEWAY, "vpn.example.com");
		nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_CONNECTION_TYPE,
		                             NM_SSTP_CONTYPE_PASSWORD);
		nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_USER, "bob");
		nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_CA_CERT, "/etc/sstp/ca.pem");
		nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_TLS_CA_CERT, "/etc/sstp/radius-ca.pem");
		g_test_message("round trip, password login with the authentication server's CA");
		roundtrip_run(NM_SETTING_VPN(nm_setting_duplicate(NM_SETTING(s_vpn))), FALSE);
		roundtrip_run(s_vpn, TRUE);
	}
	/* and a short profile stays as short (no defaults or flags added) */
	{
		NMSettingVpn *s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());

		g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, NM_SSTP_DBUS_SERVICE, NULL);
		nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_GATEWAY, "vpn.example.com");
		nm_setting_vpn_add_data_item(s_vpn, NM_SSTP_KEY_USER, "bob");
		g_test_message("round trip, short profile");
		roundtrip_run(NM_SETTING_VPN(nm_setting_duplicate(NM_SETTING(s_vpn))), FALSE);
		roundtrip_run(s_vpn, TRUE);
	}
}

/* The PPP page: MPPE's options depend on it; what DHCPINFORM turns off
 * shows as off; nothing written that the person did not change. */
static void
test_ppp_dependencies(Fixture *f, gconstpointer data)
{
	g_autoptr(NMConnection) result = NULL;
	g_autoptr(GError) error = NULL;
	NMSettingVpn *s_vpn;
	GtkWidget *dialog = open_advanced(f);
	GtkWidget *mppe = must_find(dialog, NM_SSTP_KEY_REQUIRE_MPPE);
	GtkWidget *bits = must_find(dialog, "mppe-bits");
	GtkWidget *stateful = must_find(dialog, NM_SSTP_KEY_MPPE_STATEFUL);
	GtkWidget *pap = must_find(dialog, NM_SSTP_KEY_REFUSE_PAP);
	GtkWidget *chap = must_find(dialog, NM_SSTP_KEY_REFUSE_CHAP);
	GtkWidget *mschap2 = must_find(dialog, NM_SSTP_KEY_REFUSE_MSCHAPV2);
	GtkWidget *dhcp = must_find(dialog, NM_SSTP_KEY_DHCP_INFORM);
	GtkWidget *deflate = must_find(dialog, NM_SSTP_KEY_NODEFLATE);
	GtkWidget *bsd = must_find(dialog, NM_SSTP_KEY_NOBSDCOMP);
	GtkWidget *vj = must_find(dialog, NM_SSTP_KEY_NO_VJ_COMP);

	/* DHCPINFORM is on (the default): deflate and BSD compression show
	 * as off, as the worker turns them off; the others are free */
	g_assert_true(check_get(dhcp));
	g_assert_false(check_get(deflate));
	g_assert_false(gtk_widget_get_sensitive(deflate));
	g_assert_false(check_get(bsd));
	g_assert_false(gtk_widget_get_sensitive(bsd));
	g_assert_true(check_get(vj));
	g_assert_true(gtk_widget_get_sensitive(vj));
	check_set(dhcp, FALSE);
	g_assert_true(check_get(deflate));
	g_assert_true(gtk_widget_get_sensitive(deflate));
	check_set(dhcp, TRUE);
	g_assert_false(check_get(deflate));

	/* MPPE off: its options are greyed */
	g_assert_false(check_get(mppe));
	g_assert_false(gtk_widget_get_sensitive(must_find(dialog, NM_SSTP_KEY_MPPE_STATEFUL)));
	g_assert_false(gtk_widget_get_sensitive(bits));
	g_assert_false(gtk_widget_get_sensitive(stateful));
	g_assert_true(gtk_widget_get_sensitive(chap));
	/* MPPE on: key length and stateful apply; PAP and CHAP give no keys;
	 * no DHCPINFORM can pass */
	check_set(mppe, TRUE);
	g_assert_true(gtk_widget_get_sensitive(bits));
	g_assert_true(gtk_widget_get_sensitive(stateful));
	g_assert_false(check_get(pap));
	g_assert_false(check_get(chap));
	g_assert_false(gtk_widget_get_sensitive(chap));
	g_assert_true(check_get(mschap2));
	g_assert_false(check_get(dhcp));
	g_assert_false(gtk_widget_get_sensitive(dhcp));
	/* ...but compression stays off: the worker still asks for that */
	g_assert_false(check_get(deflate));
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(bits), "128");
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);

	s_vpn = update(f, &result, &error);
	g_assert_no_error(error);
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REQUIRE_MPPE), ==, "yes");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REQUIRE_MPPE_128), ==, "yes");
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REQUIRE_MPPE_40));
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REFUSE_PAP), ==, "yes");
	g_assert_cmpstr(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REFUSE_CHAP), ==, "yes");
	/* held, not changed: DHCPINFORM and compression keep their own values */
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_DHCP_INFORM));
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_NODEFLATE));
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_NOBSDCOMP));

	/* MPPE off again clears the key length */
	dialog = open_advanced(f);
	check_set(must_find(dialog, NM_SSTP_KEY_REQUIRE_MPPE), FALSE);
	g_assert_cmpstr(gtk_combo_box_get_active_id(GTK_COMBO_BOX(must_find(dialog, "mppe-bits"))),
	                ==, "any");
	g_assert_true(check_get(must_find(dialog, NM_SSTP_KEY_DHCP_INFORM)));
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
	g_clear_object(&result);
	s_vpn = update(f, &result, &error);
	g_assert_no_error(error);
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REQUIRE_MPPE));
	g_assert_null(nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_REQUIRE_MPPE_128));
}

/* Spin buttons carry the table's ranges (one step more below for "not
 * set" when the key has no default). */
static void
test_spin_ranges(Fixture *f, gconstpointer data)
{
	GtkWidget *dialog = open_advanced(f);
	const NMSstpKey *keys;
	gsize n, i;
	guint seen = 0;

	keys = nm_sstp_settings_keys(&n);
	for (i = 0; i < n; i++) {
		GtkWidget *w;
		double lo, hi;

		if (keys[i].type != NM_SSTP_KEY_UINT)
			continue;
		w = find_named(dialog, keys[i].name);
		g_assert_true(GTK_IS_SPIN_BUTTON(w));
		gtk_spin_button_get_range(GTK_SPIN_BUTTON(w), &lo, &hi);
		g_assert_cmpfloat(hi, ==, keys[i].max);
		g_assert_cmpfloat(lo, ==, keys[i].default_value ? keys[i].min : keys[i].min - 1.0);
		seen++;
	}
	g_assert_cmpuint(seen, >=, 6);
	/* "not set" shows empty */
	g_assert_cmpstr(entry_get(must_find(dialog, NM_SSTP_KEY_UNIT_NUM)), ==, "");
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
}

/* No key names and no pppd words where people read: labels and check
 * boxes (tooltips may explain more). */
static void
collect_label_texts(GtkWidget *widget, GPtrArray *out)
{
	g_autoptr(GPtrArray) children = g_ptr_array_new();
	guint i;

	if (GTK_IS_LABEL(widget))
		g_ptr_array_add(out, g_strdup(gtk_label_get_text(GTK_LABEL(widget))));
	collect_children(widget, children);
	for (i = 0; i < children->len; i++)
		collect_label_texts(g_ptr_array_index(children, i), out);
}

static void
test_labels_for_people(Fixture *f, gconstpointer data)
{
	g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
	const char *const jargon[] = { "LCP", "pppd", "EAP identity", "connection-type", NULL };
	const NMSstpKey *keys;
	GtkWidget *dialog, *ok;
	gsize n, i, j;

	collect_label_texts(f->page, texts);
	dialog = open_advanced(f);
	collect_label_texts(dialog, texts);
	keys = nm_sstp_settings_keys(&n);
	/* every key the editor shows has a label for people in the table */
	for (j = 0; j < n; j++) {
		if (keys[j].type != NM_SSTP_KEY_SECRET_FLAGS
		    && !(keys[j].flags & (NM_SSTP_KEY_FLAG_NO_EFFECT | NM_SSTP_KEY_FLAG_NOT_IN_EDITOR))
		    && !keys[j].label)
			g_error("the table gives %s no label for the editor", keys[j].name);
	}
	g_assert_cmpuint(texts->len, >, 30);
	for (i = 0; i < texts->len; i++) {
		const char *t = g_ptr_array_index(texts, i);

		for (j = 0; j < n; j++) {
			/* multi-word key names only: "user" or "mtu" are words */
			if (strchr(keys[j].name, '-') && strstr(t, keys[j].name))
				g_error("label “%s” names the key %s", t, keys[j].name);
		}
		for (j = 0; jargon[j]; j++) {
			if (strstr(t, jargon[j]))
				g_error("label “%s” says %s", t, jargon[j]);
		}
	}
	/* the default action is marked as such */
	ok = gtk_dialog_get_widget_for_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
#if SSTP_TEST_GTK == 4
	g_assert_true(gtk_widget_has_css_class(ok, "suggested-action"));
	/* Cancel and OK in the header bar, at its two ends, as GNOME has them */
	g_assert_nonnull(gtk_widget_get_ancestor(ok, GTK_TYPE_HEADER_BAR));
	g_assert_nonnull(gtk_widget_get_ancestor(
	    gtk_dialog_get_widget_for_response(GTK_DIALOG(dialog), GTK_RESPONSE_CANCEL),
	    GTK_TYPE_HEADER_BAR));
#else
	g_assert_true(gtk_style_context_has_class(gtk_widget_get_style_context(ok), "suggested-action"));
#endif
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
}

/* The mnemonic letter of a label or check button text ("Sho_w" → 'w'). */
static gunichar
mnemonic_of_text(const char *text)
{
	const char *p;

	for (p = text; p && *p; p++) {
		if (p[0] == '_' && p[1] == '_')
			p++;
		else if (p[0] == '_' && p[1])
			return g_unichar_tolower(g_utf8_get_char(p + 1));
	}
	return 0;
}

static void
collect_mnemonics(GtkWidget *widget, GString *keys, guint *count, guint *shared)
{
	g_autoptr(GPtrArray) children = g_ptr_array_new();
	const char *text = NULL;
	guint i;

	if (!gtk_widget_get_visible(widget))
		return;
	if (GTK_IS_LABEL(widget) && gtk_label_get_mnemonic_widget(GTK_LABEL(widget)))
		text = gtk_label_get_label(GTK_LABEL(widget));
#if SSTP_TEST_GTK == 4
	else if (GTK_IS_CHECK_BUTTON(widget))
		text = gtk_check_button_get_label(GTK_CHECK_BUTTON(widget));
#else
	else if (GTK_IS_CHECK_BUTTON(widget))
		text = gtk_button_get_label(GTK_BUTTON(widget));
#endif
	if (text) {
		gunichar c = mnemonic_of_text(text);
		char buf[8] = { 0 };

		if (!c)
			g_error("“%s” has no mnemonic", text);
		g_unichar_to_utf8(c, buf);
		if (strstr(keys->str, buf)) {
			/* allowed (GTK cycles through them), but only where a page has
			 * more labels than letters: the caller counts them */
			g_test_message("mnemonic '%s' of “%s” is shared", buf, text);
			(*shared)++;
		}
		g_string_append(keys, buf);
		(*count)++;
		if (GTK_IS_CHECK_BUTTON(widget))
			return; /* its own label child was just counted */
	}
	collect_children(widget, children);
	for (i = 0; i < children->len; i++)
		collect_mnemonics(g_ptr_array_index(children, i), keys, count, shared);
}

static void
test_mnemonics(Fixture *f, gconstpointer data)
{
	g_autoptr(GString) main_keys = g_string_new(NULL);
	GtkWidget *dialog, *notebook;
	guint count = 0, shared = 0;
	int i;

	collect_mnemonics(f->page, main_keys, &count, &shared);
	g_assert_cmpuint(count, >=, 5);
	g_assert_cmpuint(shared, ==, 0);

	/* certificate login: every page of the dialog is there; on the main
	 * page libnma's user certificate chooser joins ours for the CA */
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(must_find(f->page, NM_SSTP_KEY_CONNECTION_TYPE)),
	                            NM_SSTP_CONTYPE_TLS);
	g_string_truncate(main_keys, 0);
	count = shared = 0;
	collect_mnemonics(f->page, main_keys, &count, &shared);
	g_assert_cmpuint(count, >=, 5);
	g_assert_cmpuint(shared, ==, 0);
	/* a certificate on a token: libnma shows its "certificate password"
	 * again, which pppd has no use for (the PIN is the key password's) */
	nma_cert_chooser_set_cert_uri(NMA_CERT_CHOOSER(must_find(f->page, NM_SSTP_KEY_TLS_USER_CERT)),
	                              "pkcs11:token=My%20Card;object=alice");
	g_string_truncate(main_keys, 0);
	count = shared = 0;
	collect_mnemonics(f->page, main_keys, &count, &shared);
	g_assert_cmpuint(count, >=, 5);
	g_assert_cmpuint(shared, ==, 0);
	dialog = open_advanced(f);
	notebook = must_find(dialog, "advanced-notebook");
	for (i = 0; i < gtk_notebook_get_n_pages(GTK_NOTEBOOK(notebook)); i++) {
		/* the dialog's own buttons: _Cancel and _OK */
		g_autoptr(GString) keys = g_string_new("co");

		count = shared = 0;
		collect_mnemonics(gtk_notebook_get_nth_page(GTK_NOTEBOOK(notebook), i), keys, &count,
		                  &shared);
		g_assert_cmpuint(count, >=, 3);
		/* translators choose them in the strings: no two alike */
		g_assert_cmpuint(shared, ==, 0);
	}
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
}

static void
test_screenshots(Fixture *f, gconstpointer data)
{
	GtkWidget *dialog, *notebook;
	int i, n;

	save_screenshot(f->window, "main");

	/* certificate login: every page of the dialog applies */
	gtk_combo_box_set_active_id(GTK_COMBO_BOX(must_find(f->page, NM_SSTP_KEY_CONNECTION_TYPE)),
	                            NM_SSTP_CONTYPE_TLS);
	dialog = open_advanced(f);
	notebook = must_find(dialog, "advanced-notebook");
	n = gtk_notebook_get_n_pages(GTK_NOTEBOOK(notebook));
	g_assert_cmpint(n, >=, 4);
	for (i = 0; i < n; i++) {
		g_autofree char *name = g_strdup_printf("advanced-%d", i);

		gtk_notebook_set_current_page(GTK_NOTEBOOK(notebook), i);
		wait_until_shown(dialog);
		save_screenshot(dialog, name);
	}
	gtk_dialog_response(GTK_DIALOG(dialog), GTK_RESPONSE_OK);
}

/* A base plugin whose directory has no editor library reports that as an
 * error (run in a subprocess: only this copy of the plugin is loaded). */
static void
test_missing_editor_library(void)
{
	if (g_test_subprocess()) {
		g_autoptr(GError) error = NULL;
		g_autofree char *dir = g_dir_make_tmp("sstp-noeditor-XXXXXX", &error);
		g_autofree char *copy = NULL;
		g_autofree char *contents = NULL;
		g_autoptr(NMVpnEditorPlugin) plugin = NULL;
		g_autoptr(NMConnection) connection = new_connection();
		NMVpnEditor *editor;
		gsize len = 0;

		g_assert_no_error(error);
		copy = g_build_filename(dir, "libnm-vpn-plugin-sstp.so", NULL);
		g_assert_true(g_file_get_contents(SSTP_BASE_PLUGIN, &contents, &len, &error));
		g_assert_true(g_file_set_contents(copy, contents, len, &error));
		plugin = nm_vpn_editor_plugin_load(copy, NM_SSTP_DBUS_SERVICE, &error);
		g_assert_no_error(error);
		editor = nm_vpn_editor_plugin_get_editor(plugin, connection, &error);
		g_assert_null(editor);
		g_assert_nonnull(error);
		g_assert_nonnull(strstr(error->message, "is not installed"));
		g_unlink(copy);
		g_rmdir(dir);
		return;
	}
	g_test_trap_subprocess(NULL, 0, 0);
	g_test_trap_assert_passed();
}

int
main(int argc, char **argv)
{
	g_autofree char *skip = NULL;
	int status;

	/* Quiet, deterministic desktop: no accessibility bus, no dconf, the
	 * software renderer. */
	g_setenv("NO_AT_BRIDGE", "1", TRUE);
	g_setenv("GTK_A11Y", "none", TRUE);
	g_setenv("GSETTINGS_BACKEND", "memory", TRUE);
	g_setenv("GDK_BACKEND", "x11", TRUE);
	g_setenv("GSK_RENDERER", "cairo", TRUE);
	g_unsetenv("WAYLAND_DISPLAY");

	g_test_init(&argc, &argv, NULL);

	if (!g_getenv("DISPLAY") || !*g_getenv("DISPLAY"))
		skip = xvfb_start();
#if SSTP_TEST_GTK == 4
	if (!skip && !gtk_init_check())
		skip = g_strdup_printf("cannot open display %s", g_getenv("DISPLAY"));
#else
	if (!skip && !gtk_init_check(&argc, &argv))
		skip = g_strdup_printf("cannot open display %s", g_getenv("DISPLAY"));
#endif
	if (skip) {
		printf("1..0 # SKIP %s\n", skip);
		xvfb_stop();
		return 0;
	}

	g_test_add_func("/editor/" GTKV "/missing-editor-library", test_missing_editor_library);
	g_test_add("/editor/" GTKV "/loads-connection", Fixture, NULL, fixture_setup,
	           test_loads_connection, fixture_teardown);
	g_test_add("/editor/" GTKV "/update-connection", Fixture, NULL, fixture_setup,
	           test_update_connection, fixture_teardown);
	g_test_add("/editor/" GTKV "/invalid-input-blocks-save", Fixture, NULL, fixture_setup,
	           test_invalid_input_blocks_save, fixture_teardown);
	g_test_add("/editor/" GTKV "/tls-mode", Fixture, NULL, fixture_setup, test_tls_mode,
	           fixture_teardown);
	g_test_add("/editor/" GTKV "/mnemonics", Fixture, NULL, fixture_setup, test_mnemonics,
	           fixture_teardown);
	g_test_add_func("/editor/" GTKV "/roundtrip", test_roundtrip);
	g_test_add("/editor/" GTKV "/pages-that-apply", Fixture, NULL, fixture_setup,
	           test_pages_that_apply, fixture_teardown);
	g_test_add("/editor/" GTKV "/ppp-dependencies", Fixture, NULL, fixture_setup,
	           test_ppp_dependencies, fixture_teardown);
	g_test_add("/editor/" GTKV "/spin-ranges", Fixture, NULL, fixture_setup, test_spin_ranges,
	           fixture_teardown);
	g_test_add("/editor/" GTKV "/labels-for-people", Fixture, NULL, fixture_setup,
	           test_labels_for_people, fixture_teardown);
	g_test_add("/editor/" GTKV "/screenshots", Fixture, NULL, fixture_setup, test_screenshots,
	           fixture_teardown);
	status = g_test_run();
	xvfb_stop();
	return status;
}
