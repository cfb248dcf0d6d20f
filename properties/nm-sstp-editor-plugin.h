/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The base editor plugin for vpn-type sstp: libnm-vpn-plugin-sstp.so.
 * No GTK here; the editor proper lives in a GTK3 or a GTK4 library that this
 * plugin loads from its own directory when a client asks for an editor.
 */
#ifndef NM_SSTP_EDITOR_PLUGIN_H
#define NM_SSTP_EDITOR_PLUGIN_H

#include <NetworkManager.h>

#include "nm-sstp-settings.h"

#define NM_SSTP_EDITOR_LIB_GTK3 "libnm-vpn-plugin-sstp-editor.so"
#define NM_SSTP_EDITOR_LIB_GTK4 "libnm-gtk4-vpn-plugin-sstp-editor.so"

/* The symbol both editor libraries export. */
#define NM_SSTP_EDITOR_FACTORY_SYMBOL "nm_vpn_editor_factory_sstp"

typedef NMVpnEditor *(*NMSstpEditorFactory)(NMVpnEditorPlugin *plugin,
                                            NMConnection *connection,
                                            GError **error);

#endif
