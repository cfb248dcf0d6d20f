/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libnm-vpn-plugin-sstp.so: what nm-connection-editor, GNOME Settings and
 * nmcli load for vpn-type sstp. It names the plugin, imports and exports
 * files (nm-sstp-import-export.c) and, only when asked for an editor, loads
 * the editor library matching the GTK major version already in the process.
 * It never links GTK itself: nmcli loads it too.
 */
#include "config.h"

#include <dlfcn.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "nm-sstp-editor-plugin.h"
#include "nm-sstp-import-export.h"

#define SSTP_TYPE_EDITOR_PLUGIN (sstp_editor_plugin_get_type())
G_DECLARE_FINAL_TYPE(SstpEditorPlugin, sstp_editor_plugin, SSTP, EDITOR_PLUGIN, GObject)

struct _SstpEditorPlugin {
	GObject parent;
};

enum {
	PROP_0,
	PROP_NAME,
	PROP_DESC,
	PROP_SERVICE,
};

static void sstp_editor_plugin_interface_init(NMVpnEditorPluginInterface *iface);

G_DEFINE_TYPE_WITH_CODE(SstpEditorPlugin, sstp_editor_plugin, G_TYPE_OBJECT,
                        G_IMPLEMENT_INTERFACE(NM_TYPE_VPN_EDITOR_PLUGIN,
                                              sstp_editor_plugin_interface_init))

/* The GTK major version loaded in this process, 0 when there is none.
 * gtk_get_major_version() exists in GTK3 and GTK4 alike; whichever GTK the
 * client linked answers. */
static guint
sstp_loaded_gtk_major(void)
{
	guint (*get_major)(void);

	get_major = (guint (*)(void)) dlsym(RTLD_DEFAULT, "gtk_get_major_version");
	if (!get_major)
		return 0;
	return get_major();
}

/* The directory this library was loaded from: the editors are installed next
 * to it (and in the build tree libtool puts them next to it too). */
static char *
sstp_plugin_own_dir(GError **error)
{
	Dl_info info;

	if (!dladdr((void *) sstp_plugin_own_dir, &info) || !info.dli_fname) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
		            _("Cannot find the directory of the SSTP VPN plugin"));
		return NULL;
	}
	return g_path_get_dirname(info.dli_fname);
}

/* Load the editor library once per process and keep it: it registers GTypes,
 * so it must never be unloaded. */
static NMSstpEditorFactory
sstp_load_editor_factory(GError **error)
{
	static NMSstpEditorFactory factory;
	static guint factory_gtk;
	const char *lib_name;
	g_autofree char *dir = NULL;
	g_autofree char *path = NULL;
	void *handle;
	guint gtk_major;

	gtk_major = sstp_loaded_gtk_major();
	if (factory && factory_gtk == gtk_major)
		return factory;

	if (gtk_major == 3)
		lib_name = NM_SSTP_EDITOR_LIB_GTK3;
	else if (gtk_major == 4)
		lib_name = NM_SSTP_EDITOR_LIB_GTK4;
	else {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
		            _("No SSTP VPN editor: the program has no GTK 3 or GTK 4 loaded"));
		return NULL;
	}

	dir = sstp_plugin_own_dir(error);
	if (!dir)
		return NULL;
	path = g_build_filename(dir, lib_name, NULL);
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
		            _("No SSTP VPN editor for GTK %u: %s is not installed"),
		            gtk_major, path);
		return NULL;
	}

	handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
	if (!handle) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
		            _("Cannot load the SSTP VPN editor %s: %s"), path, dlerror());
		return NULL;
	}
	factory = (NMSstpEditorFactory) dlsym(handle, NM_SSTP_EDITOR_FACTORY_SYMBOL);
	if (!factory) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_FAILED,
		            _("The SSTP VPN editor %s lacks the symbol %s"),
		            path, NM_SSTP_EDITOR_FACTORY_SYMBOL);
		dlclose(handle);
		return NULL;
	}
	factory_gtk = gtk_major;
	return factory;
}

static NMVpnEditor *
sstp_editor_plugin_get_editor(NMVpnEditorPlugin *plugin, NMConnection *connection,
                              GError **error)
{
	NMSstpEditorFactory factory;

	g_return_val_if_fail(NM_IS_CONNECTION(connection), NULL);

	factory = sstp_load_editor_factory(error);
	if (!factory)
		return NULL;
	return factory(plugin, connection, error);
}

static NMVpnEditorPluginCapability
sstp_editor_plugin_get_capabilities(NMVpnEditorPlugin *plugin)
{
	return NM_VPN_EDITOR_PLUGIN_CAPABILITY_IMPORT | NM_VPN_EDITOR_PLUGIN_CAPABILITY_EXPORT
	       | NM_VPN_EDITOR_PLUGIN_CAPABILITY_IPV6;
}

static NMConnection *
sstp_editor_plugin_import(NMVpnEditorPlugin *plugin, const char *path, GError **error)
{
	return nm_sstp_import_file(path, error);
}

static gboolean
sstp_editor_plugin_export(NMVpnEditorPlugin *plugin, const char *path,
                          NMConnection *connection, GError **error)
{
	return nm_sstp_export_file(path, connection, error);
}

static char *
sstp_editor_plugin_get_suggested_filename(NMVpnEditorPlugin *plugin, NMConnection *connection)
{
	return nm_sstp_export_suggested_filename(connection);
}

static void
sstp_editor_plugin_get_property(GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
	switch (prop_id) {
	case PROP_NAME:
		g_value_set_string(value, _("Secure Socket Tunneling Protocol (SSTP)"));
		break;
	case PROP_DESC:
		g_value_set_string(value, _("Compatible with Microsoft and other SSTP VPN servers."));
		break;
	case PROP_SERVICE:
		g_value_set_string(value, NM_SSTP_DBUS_SERVICE);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, prop_id, pspec);
		break;
	}
}

static void
sstp_editor_plugin_init(SstpEditorPlugin *plugin)
{
}

static void
sstp_editor_plugin_interface_init(NMVpnEditorPluginInterface *iface)
{
	iface->get_editor = sstp_editor_plugin_get_editor;
	iface->get_capabilities = sstp_editor_plugin_get_capabilities;
	iface->import_from_file = sstp_editor_plugin_import;
	iface->export_to_file = sstp_editor_plugin_export;
	iface->get_suggested_filename = sstp_editor_plugin_get_suggested_filename;
}

static void
sstp_editor_plugin_class_init(SstpEditorPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);

	object_class->get_property = sstp_editor_plugin_get_property;
	g_object_class_override_property(object_class, PROP_NAME, NM_VPN_EDITOR_PLUGIN_NAME);
	g_object_class_override_property(object_class, PROP_DESC, NM_VPN_EDITOR_PLUGIN_DESCRIPTION);
	g_object_class_override_property(object_class, PROP_SERVICE, NM_VPN_EDITOR_PLUGIN_SERVICE);
}

NMVpnEditorPlugin *
nm_vpn_editor_plugin_factory(GError **error)
{
	if (error)
		g_return_val_if_fail(*error == NULL, NULL);

	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");

	return g_object_new(SSTP_TYPE_EDITOR_PLUGIN, NULL);
}
