/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PKCS#11 tokens for EAP-TLS (tls-user-cert / tls-user-key given as
 * "pkcs11:" URIs), reached only through the profile's user.
 *
 * pppd runs as root, and its EAP-TLS loads the certificate and key through
 * OpenSSL's "pkcs11" engine (libp11), whose default module is p11-kit's
 * proxy: as root that is every token root may use. A user's profile must not
 * reach those. So:
 *   - the service listens on a socket in the activation's private folder
 *     (0700, root; nm-sstp-service-files.h), which only root can reach;
 *   - each connection to it (from root only, SO_PEERCRED) is served by
 *     "p11-kit remote TOKEN-URI..." in a child that has taken the profile's
 *     one user's uid, gid and groups (root for a profile without
 *     permissions), with that user's HOME: the token is opened by the user's
 *     own p11-kit and module configuration, with the user's rights, and only
 *     the tokens the URIs name are served;
 *   - pppd gets (from the worker, --pkcs11-dir) P11_KIT_SERVER_ADDRESS for
 *     that socket, PKCS11_MODULE_PATH and an OpenSSL configuration
 *     (OPENSSL_CONF, root's file in the same folder) that both set the
 *     engine's module to p11-kit-client.so, never the proxy.
 * The user never touches the socket's path, so cannot point root's client
 * at another server. The PIN is tls-user-key-secret: it goes the way of the
 * key passphrase (plugin → pppd → engine → this socket).
 *
 * pppd loads engines only when its own OpenSSL configuration
 * /etc/ppp/openssl.cnf exists; that file is root's, and an engine it set up
 * would be used instead of ours: a profile with a URI is refused when the
 * file is missing or configures engines, with a message that says so.
 */
#ifndef NM_SSTP_SERVICE_PKCS11_H
#define NM_SSTP_SERVICE_PKCS11_H

#include <glib.h>
#include <NetworkManager.h>

#include "nm-sstp-service-files.h"

/* pppd's OpenSSL configuration (pppd's PPP_PATH_OPENSSLCONFFILE). */
#ifndef SSTP_PPPD_OPENSSL_CONF
#define SSTP_PPPD_OPENSSL_CONF "/etc/ppp/openssl.cnf"
#endif

/* The socket and OpenSSL configuration's names in sstp_pkcs11_dir(). */
#define SSTP_PKCS11_SOCKET "p11.sock"
#define SSTP_PKCS11_OPENSSL_CONF "openssl.cnf"

/* Starts the relay for s_vpn's token URIs in files' folder, as files' one
 * user. NULL + a message a person can act on. */
SstpPkcs11 *sstp_pkcs11_start(SstpFiles *files, NMSettingVpn *s_vpn, GError **error);

/* The folder holding SSTP_PKCS11_SOCKET and SSTP_PKCS11_OPENSSL_CONF. */
const char *sstp_pkcs11_dir(const SstpPkcs11 *p);

/* Stops listening, ends the children still serving, removes the socket and
 * the configuration. NULL is allowed. */
void sstp_pkcs11_free(SstpPkcs11 *p);

#endif
