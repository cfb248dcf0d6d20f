/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSTP connection editor (one source, built for GTK3 and for GTK4).
 * The base plugin (nm-sstp-editor-plugin.c) loads the library and calls
 * nm_vpn_editor_factory_sstp().
 */
#ifndef NM_SSTP_EDITOR_H
#define NM_SSTP_EDITOR_H

#include <NetworkManager.h>

NMVpnEditor *nm_vpn_editor_factory_sstp(NMVpnEditorPlugin *plugin, NMConnection *connection,
                                        GError **error);

#endif
