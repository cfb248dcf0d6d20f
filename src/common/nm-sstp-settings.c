/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vpn.data key table of the sstp VPN type and everything driven by it:
 * per-key sanitizers, whole-setting validation and the words of the worker's
 * options stream. See nm-sstp-settings.h.
 */
#include "config.h"

#include "nm-sstp-settings.h"

#include <stdlib.h>
#include <string.h>

#include "sstp-validate.h"

#include <glib/gi18n-lib.h>

/* pppd's EAP-TLS falls back to this CA directory when tls-ca-cert is unset
 * (as the old plugin did). */
#define SETTINGS_SYSTEM_CA_PATH "/etc/ssl/certs"

/* Longest free-form string value we accept (user names are shorter: PPP's
 * MAXNAMELEN is 256 including the NUL). */
#define SETTINGS_STRING_MAX 1024
#define SETTINGS_PPP_NAME_MAX 255   /* pppd's MAXNAMELEN - 1 */
#define SETTINGS_SECRET_MAX 255     /* pppd's MAXSECRETLEN - 1 */
#define SETTINGS_DISPLAY_MAX 64

static gboolean settings_sanitize_string(const NMSstpKey *key, const char *value,
                                         char **out, GError **error);
static gboolean settings_sanitize_domain(const NMSstpKey *key, const char *value,
                                         char **out, GError **error);
static gboolean settings_sanitize_proxy_user(const NMSstpKey *key, const char *value,
                                             char **out, GError **error);
static gboolean settings_sanitize_bool(const NMSstpKey *key, const char *value,
                                       char **out, GError **error);
static gboolean settings_sanitize_uint(const NMSstpKey *key, const char *value,
                                       char **out, GError **error);
static gboolean settings_sanitize_enum(const NMSstpKey *key, const char *value,
                                       char **out, GError **error);
static gboolean settings_sanitize_path(const NMSstpKey *key, const char *value,
                                       char **out, GError **error);
static char *settings_pkcs11_for_pppd(const char *uri, gboolean drop_type);
static gboolean settings_sanitize_path_or_pkcs11(const NMSstpKey *key, const char *value,
                                                 char **out, GError **error);
static gboolean settings_sanitize_secret(const NMSstpKey *key, const char *value,
                                         char **out, GError **error);
static gboolean settings_sanitize_hostport(const NMSstpKey *key, const char *value,
                                           char **out, GError **error);
static gboolean settings_sanitize_host(const NMSstpKey *key, const char *value,
                                       char **out, GError **error);
static gboolean settings_sanitize_sha256(const NMSstpKey *key, const char *value,
                                         char **out, GError **error);

static const char *const settings_contype_values[] = { "password", "tls", NULL };
static const char *const settings_tls_min_values[] = { "1.2", "1.3", NULL };
static const char *const settings_tls_max_values[] = { "1.0", "1.1", "1.2", "1.3", NULL };
static const char *const settings_verify_values[] = { "none", "subject", "name", "suffix", NULL };

#define SECTION_SERVER N_("Server")
#define SECTION_AUTH N_("Authentication")
#define SECTION_EAP_TLS N_("Certificate authentication (connection-type tls, EAP-TLS in pppd)")
#define SECTION_PROXY N_("HTTP proxy")
#define SECTION_PPP N_("PPP")
#define SECTION_LINK N_("Link (PPP packet sizes and link checks)")

static const NMSstpKey settings_table[] = {
	/* ---- Server ---------------------------------------------------- */
	{
		.name = NM_SSTP_KEY_GATEWAY,
		.label = N_("_Gateway"),
		.tooltip = N_("Host name or address of the VPN server, optionally with :port"),
		.type = NM_SSTP_KEY_HOSTPORT,
		.summary = N_("SSTP server: host name, IPv4 address or [IPv6 address], optional :port"),
		.description = N_("The SSTP server to connect to, as HOST or HOST:PORT. HOST is a DNS "
		                  "name (an international name is turned into its xn-- form), an IPv4 "
		                  "address, or an IPv6 address in brackets. The port defaults to 443. "
		                  "The name is also what the server certificate is checked against and "
		                  "what is sent as TLS server name (SNI)."),
		.sanitize = settings_sanitize_hostport,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "SERVER[:PORT] argument of nm-sstp-tunnel",
		.section = SECTION_SERVER,
		.flags = NM_SSTP_KEY_FLAG_REQUIRED,
	},
	{
		.name = NM_SSTP_KEY_CA_CERT,
		/* TRANSLATORS: on the main page next to libnma's "User _certificate":
		 * take another letter than that one's */
		.label = N_("CA c_ertificate"),
		.tooltip = N_("The authority that signed the server’s certificate; empty: the system’s authorities"),
		.type = NM_SSTP_KEY_PATH,
		.summary = N_("CA certificate file (PEM) that the server certificate must chain to"),
		.description = N_("Absolute name of a PEM file with the certificate authorities the "
		                  "server certificate is verified against. When unset, the system's "
		                  "trusted authorities are used."),
		.sanitize = settings_sanitize_path,
		.map = NM_SSTP_MAP_WORKER_VALUE,
		.option = "--ca-cert",
		.section = SECTION_SERVER,
	},
	{
		.name = NM_SSTP_KEY_IGN_CERT_WARN,
		.label = N_("Accept _any server certificate (insecure)"),
		.tooltip = N_("Anyone on the way could read the traffic and the password"),
		.group = N_("Security"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Accept any server certificate (insecure)"),
		.description = N_("With yes the server certificate is not verified at all: any "
		                  "certificate for any name is accepted, as with the old plugin. This "
		                  "lets anyone on the path read the traffic and the login; prefer "
		                  "ca-cert or cert-pin-sha256. Ignored (with a warning) when "
		                  "cert-pin-sha256 is set."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--no-verify when yes and cert-pin-sha256 is unset",
		.section = SECTION_SERVER,
	},
	{
		.name = NM_SSTP_KEY_CERT_PIN_SHA256,
		.label = N_("Server certificate _fingerprint"),
		.tooltip = N_("SHA-256 fingerprint; only this certificate is accepted, even if self-signed"),
		.group = N_("Security"),
		.type = NM_SSTP_KEY_SHA256_HEX,
		.summary = N_("SHA-256 fingerprint the server certificate must have"),
		.description = N_("SHA-256 hash of the DER encoding of the server's certificate, as 64 "
		                  "hexadecimal digits (colons between bytes allowed, e.g. the output of "
		                  "openssl x509 -noout -fingerprint -sha256). When set, a certificate "
		                  "with this fingerprint is accepted even if it is self-signed or does "
		                  "not chain to a trusted authority, and any other certificate is "
		                  "refused."),
		.sanitize = settings_sanitize_sha256,
		.map = NM_SSTP_MAP_WORKER_VALUE,
		.option = "--pin-sha256",
		.section = SECTION_SERVER,
	},
	{
		.name = NM_SSTP_KEY_TLS_SNI,
		.label = N_("Send the server’s host _name"),
		.tooltip = N_("Turn off only for old servers that refuse it (TLS SNI)"),
		.group = N_("Security"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "yes",
		.legacy_alias = NM_SSTP_KEY_TLS_EXT_ENABLE,
		.summary = N_("Send the server name in the TLS handshake (SNI)"),
		.description = N_("With yes (the default) the host name of the gateway is sent as TLS "
		                  "Server Name Indication; servers hosting several names need it. With no "
		                  "it is left out, for old servers that reject it. Never sent for an IP "
		                  "address. The old plugin spelled this key tls-ext and did not send SNI "
		                  "when it was absent."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_WORKER_IF_NO,
		.option = "--no-sni",
		.section = SECTION_SERVER,
	},
	{
		.name = NM_SSTP_KEY_TLS_MIN_VERSION,
		.label = N_("Minimum _TLS version"),
		.group = N_("Security"),
		.type = NM_SSTP_KEY_ENUM,
		.default_value = "1.2",
		.enum_values = settings_tls_min_values,
		.summary = N_("Lowest TLS version accepted for the SSTP connection"),
		.description = N_("The lowest TLS protocol version the client accepts for the connection "
		                  "to the SSTP server: 1.2 or 1.3."),
		.sanitize = settings_sanitize_enum,
		.map = NM_SSTP_MAP_WORKER_VALUE,
		.option = "--tls-min",
		.section = SECTION_SERVER,
	},
	{
		.name = NM_SSTP_KEY_TLS_SERVER_NAME,
		.label = N_("Certificate na_me"),
		.tooltip = N_("The server name on its certificate, when the gateway is an address"),
		.group = N_("Security"),
		.type = NM_SSTP_KEY_HOST,
		.summary = N_("Server name for TLS when the gateway is an address"),
		.description = N_("The name the server certificate is checked against, sent as TLS "
		                  "server name (SNI) and in the HTTP Host header, instead of the host "
		                  "part of gateway. Set it when gateway is an IP address (or a name "
		                  "the certificate does not carry) and the certificate names the "
		                  "server."),
		.sanitize = settings_sanitize_host,
		.map = NM_SSTP_MAP_WORKER_VALUE,
		.option = "--host",
		.section = SECTION_SERVER,
	},
	{
		.name = NM_SSTP_KEY_HELLO_INTERVAL,
		.label = N_("_Keepalive interval (seconds)"),
		.tooltip = N_("How long the server may stay silent before it is asked whether it is still there"),
		.group = N_("Connection"),
		.type = NM_SSTP_KEY_UINT,
		.default_value = SSTP_STRINGIFY(SSTP_HELLO_DEFAULT),
		.min = SSTP_HELLO_MIN,
		.max = SSTP_HELLO_MAX,
		.summary = N_("Seconds of silence before an SSTP echo request is sent"),
		.description = N_("SSTP hello timer in seconds. When nothing arrives from the server "
		                  "for this long an Echo Request is sent; when nothing arrives for "
		                  "another interval the connection is considered dead and closed."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_WORKER_VALUE,
		.option = "--hello",
		.section = SECTION_SERVER,
	},
	{
		.name = NM_SSTP_KEY_DHCP_INFORM,
		.label = N_("Get _routes and DNS domain from the server"),
		.tooltip = N_("Asks the server as Windows does; turns PPP compression off"),
		.group = N_("Connection"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "yes",
		.summary = N_("Ask the server for routes and the DNS domain with DHCPINFORM"),
		.description = N_("With yes the client sends a DHCPINFORM through the tunnel once it "
		                  "is up, as Windows clients do, and takes the routes (split "
		                  "tunnelling) and DNS search domains of the answer. Activation waits "
		                  "a moment (0.2 s plus a few round trips to the server, at most 1 s) "
		                  "for the answer; routes of a later answer are "
		                  "added to the active connection. Not possible "
		                  "while MPPE or PPP compression is in use. Whether the VPN also takes "
		                  "the default route stays the connection's ipv4.never-default."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_WORKER_IF_NO,
		.option = "--no-dhcp-inform",
		.section = SECTION_SERVER,
	},
	{
		.name = NM_SSTP_KEY_UUID,
		.type = NM_SSTP_KEY_STRING,
		.max = 64,
		.summary = N_("Correlation id sent to the server (a GUID)"),
		.description = N_("Sent as the SSTPCORRELATIONID of the connection request when it is "
		                  "a GUID (with or without braces), so that the server's administrator "
		                  "can find this client's sessions in the server's logs; the old plugin "
		                  "stored the connection's UUID here. When unset or not a GUID, the "
		                  "connection's own UUID is sent, as the old plugin did."),
		.sanitize = settings_sanitize_string,
		.map = NM_SSTP_MAP_WORKER_VALUE,
		.option = "--uuid",
		.section = SECTION_SERVER,
		.flags = NM_SSTP_KEY_FLAG_NOT_IN_EDITOR,
	},

	/* ---- Authentication -------------------------------------------- */
	{
		.name = NM_SSTP_KEY_CONNECTION_TYPE,
		.label = N_("_Type"),
		.type = NM_SSTP_KEY_ENUM,
		.default_value = NM_SSTP_CONTYPE_PASSWORD,
		.enum_values = settings_contype_values,
		.summary = N_("How to log in: password (MS-CHAPv2, EAP-MSCHAPv2, CHAP, PAP) or tls "
		              "(certificate)"),
		.description = N_("password: log in with user and password, with whatever the server "
		                  "asks for among MS-CHAPv2, EAP-MSCHAPv2, EAP-MD5, CHAP and PAP (see "
		                  "refuse-eap and the other refuse keys); a server's request for a "
		                  "certificate (EAP-TLS) is declined, and PEAP too unless tls-ca-cert is "
		                  "set (pppd 2.5 or later). tls: log in with a client "
		                  "certificate through EAP-TLS; the keys of the section below apply and "
		                  "the server must authenticate itself with EAP too (pppd need-peer-eap)."),
		.sanitize = settings_sanitize_enum,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "pppd need-peer-eap (tls)",
		.section = SECTION_AUTH,
	},
	{
		.name = NM_SSTP_KEY_USER,
		.label = N_("User _name"),
		.type = NM_SSTP_KEY_STRING,
		.max = SETTINGS_PPP_NAME_MAX,
		.summary = N_("User name"),
		.description = N_("The PPP user name. When unset, the vpn.user-name property of the "
		                  "connection is used. With domain set the name sent is DOMAIN\\user."),
		.sanitize = settings_sanitize_string,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--user [DOMAIN\\]USER",
		.section = SECTION_AUTH,
		.flags = NM_SSTP_KEY_FLAG_PASSWORD_ONLY,
	},
	{
		.name = NM_SSTP_KEY_DOMAIN,
		.label = N_("Windows _domain"),
		.tooltip = N_("Sent as DOMAIN\\user; leave empty if not needed"),
		.type = NM_SSTP_KEY_STRING,
		.max = SETTINGS_PPP_NAME_MAX,
		.summary = N_("Windows domain of the user"),
		.description = N_("Windows (NT) domain; prefixed to the user name as DOMAIN\\user."),
		.sanitize = settings_sanitize_domain,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "part of --user",
		.section = SECTION_AUTH,
		.flags = NM_SSTP_KEY_FLAG_PASSWORD_ONLY,
	},
	{
		.name = NM_SSTP_KEY_PASSWORD,
		.label = N_("_Password"),
		.type = NM_SSTP_KEY_SECRET,
		.max = SETTINGS_SECRET_MAX,
		.summary = N_("Password of the user"),
		.description = N_("The login password, a secret (vpn.secrets). It reaches the worker on "
		                  "a pipe and pppd through its plugin, never a command line, the "
		                  "environment or a file."),
		.sanitize = settings_sanitize_secret,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--password on the options stream",
		.flags_key = NM_SSTP_KEY_PASSWORD_FLAGS,
		.section = SECTION_AUTH,
		.flags = NM_SSTP_KEY_FLAG_PASSWORD_ONLY,
	},
	{
		.name = NM_SSTP_KEY_PASSWORD_FLAGS,
		.type = NM_SSTP_KEY_SECRET_FLAGS,
		.default_value = "0",
		.min = 0,
		.max = 7,
		.summary = N_("Secret flags of password"),
		.description = N_("NetworkManager secret flags of password: 0 saved by "
		                  "NetworkManager, 1 kept by the user's agent (keyring), 2 not saved "
		                  "(asked every time), 4 not required; values add up."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_NONE,
		.section = SECTION_AUTH,
	},
	{
		.name = NM_SSTP_KEY_NOSECRET,
		.type = NM_SSTP_KEY_STRING,
		.max = SETTINGS_STRING_MAX,
		.summary = N_("Placeholder written by the old plugin; ignored"),
		.description = N_("The old plugin wrote this placeholder in vpn.data or vpn.secrets so "
		                  "that NetworkManager always asked its agent. Accepted in both places "
		                  "and ignored."),
		.sanitize = settings_sanitize_string,
		.map = NM_SSTP_MAP_NONE,
		.section = SECTION_AUTH,
		.flags = NM_SSTP_KEY_FLAG_NO_EFFECT | NM_SSTP_KEY_FLAG_ALSO_SECRET,
	},

	/* ---- EAP-TLS ----------------------------------------------------- */
	{
		.name = NM_SSTP_KEY_TLS_IDENTITY,
		.label = N_("_Identity"),
		.tooltip = N_("The name sent to the authentication server; empty: the certificate’s subject name"),
		.group = N_("User"),
		.type = NM_SSTP_KEY_STRING,
		.max = SETTINGS_PPP_NAME_MAX,
		.summary = N_("EAP identity (overrides tls-subject-name)"),
		.description = N_("The identity sent in EAP, usually the user's name as in the "
		                  "certificate. When unset, tls-subject-name is used."),
		.sanitize = settings_sanitize_string,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--user IDENTITY",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY,
	},
	{
		.name = NM_SSTP_KEY_TLS_SUBJECT_NAME,
		.label = N_("Certificate _subject name"),
		.tooltip = N_("Filled in from the user certificate"),
		.group = N_("User"),
		.type = NM_SSTP_KEY_STRING,
		.max = SETTINGS_PPP_NAME_MAX,
		.summary = N_("Subject name of the user certificate (filled in by the editor)"),
		.description = N_("The subject of the user certificate as the editor read it; the EAP "
		                  "identity when tls-identity is unset."),
		.sanitize = settings_sanitize_string,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--user SUBJECT when tls-identity is unset",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY,
	},
	{
		.name = NM_SSTP_KEY_TLS_CA_CERT,
		.label = N_("C_A certificate"),
		.tooltip = N_("The authority that signed the authentication (RADIUS) server’s certificate; empty: the system’s authorities with a certificate login, no PEAP with a password"),
		.group = N_("Authentication server"),
		.type = NM_SSTP_KEY_PATH,
		.summary = N_("CA certificate for the EAP-TLS server certificate"),
		.description = N_("PEM file of the authorities the RADIUS/EAP server's certificate is "
		                  "verified against in EAP-TLS and PEAP (not the SSTP server's, see "
		                  "ca-cert). With EAP-TLS, when unset, pppd uses the system directory "
		                  "/etc/ssl/certs. With a password (pppd 2.5 or later) a server that asks "
		                  "for PEAP gets it only when this is set; otherwise the plugin declines "
		                  "PEAP and proposes EAP-MSCHAPv2."),
		.sanitize = settings_sanitize_path,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "pppd ca FILE, or capath " SETTINGS_SYSTEM_CA_PATH,
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY,
	},
	{
		.name = NM_SSTP_KEY_TLS_USER_CERT,
		.label = N_("User certificate"),
		.type = NM_SSTP_KEY_PATH,
		.summary = N_("User certificate file"),
		.description = N_("The user's certificate (PEM). Required with connection-type tls. "
		                  "With pppd 2.5 or later a PKCS#12 file (.p12 or .pfx) is accepted "
		                  "too and then holds the key as well; with pppd 2.4.9 such a file is "
		                  "refused with the openssl commands that convert it to PEM. Before "
		                  "connecting, an expired or not yet valid certificate is refused "
		                  "with a message (login-failed). Instead of a file, a PKCS#11 URI "
		                  "(RFC 7512, such as pkcs11:token=NAME;object=LABEL) names a certificate on "
		                  "a smart card or other token; see PKCS#11 below."),
		.sanitize = settings_sanitize_path_or_pkcs11,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "pppd cert FILE (pkcs12 FILE for .p12/.pfx with pppd 2.5), or cert URI",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY | NM_SSTP_KEY_FLAG_PKCS11,
	},
	{
		.name = NM_SSTP_KEY_TLS_USER_KEY,
		.label = N_("User private key"),
		.type = NM_SSTP_KEY_PATH,
		.summary = N_("Private key file of the user certificate"),
		.description = N_("The private key of the user certificate (PEM), possibly encrypted "
		                  "with tls-user-key-secret. When unset, tls-user-cert is used as the "
		                  "key file too (it must then hold the key); pppd's "
		                  "/etc/ppp/eaptls-client is never used. A PKCS#11 URI names a key on "
		                  "a token instead, and tls-user-key-secret is then its PIN; when unset "
		                  "next to a certificate URI, that URI (without its type) names the key."),
		.sanitize = settings_sanitize_path_or_pkcs11,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "pppd key FILE or URI",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY | NM_SSTP_KEY_FLAG_PKCS11,
	},
	{
		.name = NM_SSTP_KEY_TLS_USER_KEY_SECRET,
		.label = N_("User key password"),
		.type = NM_SSTP_KEY_SECRET,
		.max = SETTINGS_SECRET_MAX,
		.summary = N_("Passphrase of the private key"),
		.description = N_("The passphrase of tls-user-key (or of the PKCS#12 file), or the PIN "
		                  "of its PKCS#11 token, a secret "
		                  "(vpn.secrets). Handed to pppd by its plugin, never on a command "
		                  "line. Before connecting the key is opened with it: a missing or "
		                  "wrong passphrase ends with a message naming this key "
		                  "(login-failed)."),
		.sanitize = settings_sanitize_secret,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--password on the options stream",
		.flags_key = NM_SSTP_KEY_TLS_USER_KEY_SECRET_FLAGS,
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY,
	},
	{
		.name = NM_SSTP_KEY_TLS_USER_KEY_SECRET_FLAGS,
		.type = NM_SSTP_KEY_SECRET_FLAGS,
		.default_value = "0",
		.min = 0,
		.max = 7,
		.summary = N_("Secret flags of tls-user-key-secret"),
		.description = N_("NetworkManager secret flags of tls-user-key-secret, as for "
		                  "password-flags."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_NONE,
		.section = SECTION_EAP_TLS,
	},
	{
		.name = NM_SSTP_KEY_CRL_REVOCATION_FILE,
		.label = N_("_Revocation list"),
		.tooltip = N_("A file of revoked certificates (CRL)"),
		.group = N_("Authentication server"),
		.type = NM_SSTP_KEY_PATH,
		.summary = N_("Certificate revocation list for EAP-TLS"),
		.description = N_("A PEM file with certificate revocation lists checked in EAP-TLS."),
		.sanitize = settings_sanitize_path,
		.map = NM_SSTP_MAP_PPPD_VALUE,
		.option = "crl",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY,
	},
	{
		.name = NM_SSTP_KEY_TLS_VERIFY_METHOD,
		.label = N_("_Match its name by"),
		.tooltip = N_("How the name below is compared with the authentication server’s certificate"),
		.group = N_("Authentication server"),
		.type = NM_SSTP_KEY_ENUM,
		.enum_values = settings_verify_values,
		.summary = N_("How tls-remotename is matched against the EAP server certificate"),
		.description = N_("none, subject (the whole subject), name (the common name) or suffix "
		                  "(the end of the common name) matched against tls-remotename. Used "
		                  "only when tls-remotename is set; needs pppd 2.5 or later and is "
		                  "ignored with a warning otherwise."),
		.sanitize = settings_sanitize_enum,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "pppd tls-verify-method METHOD remotename NAME",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY | NM_SSTP_KEY_FLAG_PPPD_2_5,
	},
	{
		.name = NM_SSTP_KEY_TLS_REMOTENAME,
		.label = N_("Server _name"),
		.tooltip = N_("The name the authentication server’s certificate must carry"),
		.group = N_("Authentication server"),
		.type = NM_SSTP_KEY_STRING,
		.max = SETTINGS_PPP_NAME_MAX,
		.summary = N_("Expected name of the EAP server certificate"),
		.description = N_("The name the EAP server certificate must carry, matched as "
		                  "tls-verify-method says."),
		.sanitize = settings_sanitize_string,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "pppd remotename NAME, together with tls-verify-method",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY | NM_SSTP_KEY_FLAG_PPPD_2_5,
	},
	{
		.name = NM_SSTP_KEY_TLS_VERIFY_KEY_USAGE,
		.label = N_("Check what the server’s certificate may be _used for"),
		.tooltip = N_("Its key usage must allow a TLS server"),
		.group = N_("Authentication server"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Check the key usage of the EAP server certificate"),
		.description = N_("With yes pppd checks the key usage and extended key usage of the EAP "
		                  "server certificate. Needs pppd 2.5 or later; ignored otherwise."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "tls-verify-key-usage",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY | NM_SSTP_KEY_FLAG_PPPD_2_5,
	},
	{
		.name = NM_SSTP_KEY_TLS_MAX_VERSION,
		.label = N_("Ma_ximum TLS version"),
		.tooltip = N_("Some authentication servers fail with TLS 1.3"),
		.group = N_("Authentication server"),
		.type = NM_SSTP_KEY_ENUM,
		.enum_values = settings_tls_max_values,
		.summary = N_("Highest TLS version used inside EAP-TLS"),
		.description = N_("The highest TLS version pppd uses for EAP-TLS (inside the tunnel; "
		                  "some RADIUS servers fail with TLS 1.3)."),
		.sanitize = settings_sanitize_enum,
		.map = NM_SSTP_MAP_PPPD_VALUE,
		.option = "max-tls-version",
		.section = SECTION_EAP_TLS,
		.flags = NM_SSTP_KEY_FLAG_TLS_ONLY,
	},

	/* ---- Proxy ------------------------------------------------------- */
	{
		.name = NM_SSTP_KEY_PROXY_SERVER,
		.label = N_("_Host"),
		.tooltip = N_("An HTTP proxy to reach the VPN server through; empty: none"),
		.type = NM_SSTP_KEY_HOST,
		.summary = N_("HTTP proxy host"),
		.description = N_("Host name or address of an HTTP proxy to reach the server through "
		                  "with CONNECT. Used only together with proxy-port."),
		.sanitize = settings_sanitize_host,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--proxy http://HOST:PORT",
		.section = SECTION_PROXY,
	},
	{
		.name = NM_SSTP_KEY_PROXY_PORT,
		.label = N_("_Port"),
		.type = NM_SSTP_KEY_UINT,
		.min = 0,
		.max = 65535,
		.summary = N_("HTTP proxy port"),
		.description = N_("TCP port of the HTTP proxy. 0, like an empty value, means no port "
		                  "(KDE's editor writes 0 into every profile)."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "part of --proxy",
		.section = SECTION_PROXY,
	},
	{
		.name = NM_SSTP_KEY_PROXY_USER,
		.label = N_("_User name"),
		.type = NM_SSTP_KEY_STRING,
		.max = SETTINGS_PPP_NAME_MAX,
		.summary = N_("HTTP proxy user name"),
		.description = N_("User name for the proxy's Basic authentication (no ':'). Its "
		                  "password is proxy-password."),
		.sanitize = settings_sanitize_proxy_user,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--proxy-user USER",
		.section = SECTION_PROXY,
	},
	{
		.name = NM_SSTP_KEY_PROXY_PASSWORD,
		.label = N_("Pass_word"),
		.type = NM_SSTP_KEY_SECRET,
		.max = SETTINGS_SECRET_MAX,
		.summary = N_("HTTP proxy password"),
		.description = N_("Password for the proxy, a secret (vpn.secrets). KDE's editor "
		                  "stores it in vpn.data: it is used from there too, with a warning, "
		                  "when vpn.secrets has none."),
		.sanitize = settings_sanitize_secret,
		.map = NM_SSTP_MAP_CUSTOM,
		.option = "--proxy-password on the options stream",
		.flags_key = NM_SSTP_KEY_PROXY_PASSWORD_FLAGS,
		.section = SECTION_PROXY,
		.flags = NM_SSTP_KEY_FLAG_ALSO_DATA,
	},
	{
		.name = NM_SSTP_KEY_PROXY_PASSWORD_FLAGS,
		.type = NM_SSTP_KEY_SECRET_FLAGS,
		.default_value = "0",
		.min = 0,
		.max = 7,
		.summary = N_("Secret flags of proxy-password"),
		.description = N_("NetworkManager secret flags of proxy-password, as for "
		                  "password-flags."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_NONE,
		.section = SECTION_PROXY,
	},

	/* ---- PPP ----------------------------------------------------------- */
	{
		.name = NM_SSTP_KEY_REFUSE_EAP,
		.label = N_("_EAP"),
		.tooltip = N_("EAP-MSCHAPv2 or EAP-MD5 (a request for a certificate is always declined)"),
		.group = N_("Allow these authentication methods"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Refuse EAP authentication (connection-type password)"),
		.description = N_("With yes pppd refuses EAP, as the old plugin did. With no (the "
		                  "default) a server may ask for EAP-MSCHAPv2 (the SSTP crypto binding "
		                  "then uses its MS-CHAPv2 keys) or EAP-MD5 (no keys: the binding key "
		                  "is 32 zero bytes, as MS-SSTP says). A server that asks for EAP and "
		                  "rejects it once its certificate request is declined (SoftEther) is "
		                  "connected to again with EAP refused. A connection without a password "
		                  "always refuses EAP. Not used with connection-type tls, which is EAP."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "refuse-eap",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_PASSWORD_ONLY | NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_REFUSE_PAP,
		.label = N_("_PAP"),
		.tooltip = N_("Sends the password itself (inside the encrypted tunnel)"),
		.group = N_("Allow these authentication methods"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Refuse PAP authentication"),
		.description = N_("Do not let the server choose PAP (clear-text password; it is still "
		                  "inside TLS)."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "refuse-pap",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_REFUSE_CHAP,
		.label = N_("C_HAP"),
		.group = N_("Allow these authentication methods"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Refuse CHAP (MD5) authentication"),
		.description = N_("Do not let the server choose CHAP with MD5."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "refuse-chap",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_REFUSE_MSCHAP,
		.label = N_("_MSCHAP"),
		.group = N_("Allow these authentication methods"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Refuse MS-CHAP authentication"),
		.description = N_("Do not let the server choose MS-CHAP (version 1)."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "refuse-mschap",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_REFUSE_MSCHAPV2,
		.label = N_("MSCHAP_v2"),
		.tooltip = N_("Most servers need it"),
		.group = N_("Allow these authentication methods"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Refuse MS-CHAPv2 authentication"),
		.description = N_("Do not let the server choose MS-CHAPv2. Strict servers need "
		                  "MS-CHAPv2 (or EAP-TLS) for the SSTP crypto binding."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "refuse-mschap-v2",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_REQUIRE_MPPE,
		.label = N_("_Use Point-to-Point encryption (MPPE)"),
		.tooltip = N_("Only with MSCHAP, MSCHAPv2 or a certificate"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Require MPPE encryption"),
		.description = N_("Require Microsoft Point-to-Point Encryption inside the tunnel "
		                  "(needs MS-CHAP or EAP-TLS)."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "require-mppe",
		.section = SECTION_PPP,
	},
	{
		.name = NM_SSTP_KEY_REQUIRE_MPPE_40,
		.label = N_("40-bit encryption"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Require 40-bit MPPE"),
		.description = N_("Require MPPE with 40-bit keys."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "require-mppe-40",
		.section = SECTION_PPP,
	},
	{
		.name = NM_SSTP_KEY_REQUIRE_MPPE_128,
		.label = N_("128-bit encryption"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Require 128-bit MPPE"),
		.description = N_("Require MPPE with 128-bit keys."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "require-mppe-128",
		.section = SECTION_PPP,
	},
	{
		.name = NM_SSTP_KEY_MPPE_STATEFUL,
		.label = N_("Allow st_ateful encryption"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Allow stateful MPPE"),
		.description = N_("Allow MPPE in stateful mode."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "mppe-stateful",
		.section = SECTION_PPP,
	},
	{
		.name = NM_SSTP_KEY_NOBSDCOMP,
		.label = N_("Allow _BSD data compression"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Disable BSD-Compress compression"),
		.description = N_("Do not negotiate BSD-Compress."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "nobsdcomp",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_NODEFLATE,
		.label = N_("Allow _Deflate data compression"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Disable Deflate compression"),
		.description = N_("Do not negotiate Deflate compression."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "nodeflate",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_NO_VJ_COMP,
		.label = N_("Use _TCP header compression"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Disable Van Jacobson TCP/IP header compression"),
		.description = N_("Do not negotiate Van Jacobson header compression."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "novj",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_NO_PCOMP,
		.label = N_("Use protocol _field compression"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Disable protocol field compression"),
		.description = N_("Do not negotiate PPP protocol field compression (PFC)."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "nopcomp",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_NO_ACCOMP,
		.label = N_("Use address/contro_l compression"),
		.group = N_("Security and compression"),
		.type = NM_SSTP_KEY_BOOL,
		.default_value = "no",
		.summary = N_("Disable address/control field compression"),
		.description = N_("Do not negotiate PPP address/control field compression (ACFC)."),
		.sanitize = settings_sanitize_bool,
		.map = NM_SSTP_MAP_PPPD_IF_YES,
		.option = "noaccomp",
		.section = SECTION_PPP,
		.flags = NM_SSTP_KEY_FLAG_LABEL_NEGATED,
	},
	{
		.name = NM_SSTP_KEY_MTU,
		.label = N_("Largest packet _sent (bytes)"),
		.tooltip = N_("MTU; 1400 suits most networks"),
		.type = NM_SSTP_KEY_UINT,
		.default_value = "1400",
		.min = 576,
		.max = 4091,
		.summary = N_("PPP MTU in bytes"),
		.description = N_("Largest packet sent through the tunnel. An SSTP packet carries at "
		                  "most 4091 bytes of PPP frame, so larger values are refused; this is "
		                  "TCP over TCP, and 1400 (the Windows value) is safe on most paths."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_PPPD_VALUE,
		.option = "mtu",
		.section = SECTION_LINK,
	},
	{
		.name = NM_SSTP_KEY_MRU,
		.label = N_("Largest packet _received (bytes)"),
		.tooltip = N_("MRU"),
		.type = NM_SSTP_KEY_UINT,
		.default_value = "1400",
		.min = 576,
		.max = 4091,
		.summary = N_("PPP MRU in bytes"),
		.description = N_("Largest packet the server may send through the tunnel. Limited to "
		                  "4091 like mtu."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_PPPD_VALUE,
		.option = "mru",
		.section = SECTION_LINK,
	},
	{
		.name = NM_SSTP_KEY_LCP_ECHO_FAILURE,
		.label = N_("_Give up after unanswered checks"),
		.tooltip = N_("0: never; the keepalive already notices a silent server"),
		.type = NM_SSTP_KEY_UINT,
		.default_value = "0",
		.min = 0,
		.max = 1000,
		.summary = N_("Unanswered LCP echo requests before pppd gives up (0: off)"),
		.description = N_("pppd declares the link dead after this many unanswered LCP echo "
		                  "requests. 0 (the default, as in the old plugin) leaves dead-peer "
		                  "detection to the SSTP hello timer (hello-interval)."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_PPPD_VALUE,
		.option = "lcp-echo-failure",
		.section = SECTION_LINK,
	},
	{
		.name = NM_SSTP_KEY_LCP_ECHO_INTERVAL,
		.label = N_("Link check _interval (seconds)"),
		.tooltip = N_("0: no link checks"),
		.type = NM_SSTP_KEY_UINT,
		.default_value = "0",
		.min = 0,
		.max = 3600,
		.summary = N_("Seconds between LCP echo requests (0: off)"),
		.description = N_("Interval of pppd's LCP echo requests in seconds; 0 sends none."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_PPPD_VALUE,
		.option = "lcp-echo-interval",
		.section = SECTION_LINK,
	},
	{
		.name = NM_SSTP_KEY_UNIT_NUM,
		.label = N_("Interface _number (pppN)"),
		.tooltip = N_("Empty: the first free one"),
		.type = NM_SSTP_KEY_UINT,
		.min = 0,
		.max = 65535,
		.summary = N_("PPP unit number (pppN interface)"),
		.description = N_("Ask pppd for interface pppN; unset takes the first free one."),
		.sanitize = settings_sanitize_uint,
		.map = NM_SSTP_MAP_PPPD_VALUE,
		.option = "unit",
		.section = SECTION_LINK,
	},
};

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */

static void
settings_set_reason(GError **error, const char *reason)
{
	g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, reason);
}

/* TRUE if s holds a C0 control character or DEL: none of them belongs in a
 * setting, and a newline would break the key=value IPC messages. */
static gboolean
settings_has_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *) s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return TRUE;
	}
	return FALSE;
}

/* Plain decimal, any size a guint holds (ranges: the sanitizer). */
static gboolean
settings_parse_uint(const char *s, guint *out)
{
	return sstp_validate_uint(s, 0, G_MAXUINT, out);
}

static gboolean
settings_parse_bool(const char *s, gboolean *out)
{
	if (!g_ascii_strcasecmp(s, "yes") || !g_ascii_strcasecmp(s, "true") || !strcmp(s, "1")) {
		*out = TRUE;
		return TRUE;
	}
	if (!g_ascii_strcasecmp(s, "no") || !g_ascii_strcasecmp(s, "false") || !strcmp(s, "0")) {
		*out = FALSE;
		return TRUE;
	}
	return FALSE;
}

char *
nm_sstp_settings_escape_for_display(const char *value)
{
	GString *out;
	const char *p;
	guint shown = 0;

	if (!value)
		return g_strdup("(null)");

	out = g_string_new(NULL);
	p = value;
	while (*p) {
		gunichar c;
		const char *next;

		if (shown == SETTINGS_DISPLAY_MAX) {
			g_string_append(out, "…");
			break;
		}
		c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar) -1 || c == (gunichar) -2) {
			/* Not UTF-8: show the byte. */
			g_string_append_printf(out, "\\x%02x", (unsigned char) *p);
			p++;
			shown++;
			continue;
		}
		next = g_utf8_next_char(p);
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			g_string_append_printf(out, "\\x%02x", (unsigned) c);
		else if (c == '\\')
			g_string_append(out, "\\\\");
		else if (c == '"')
			g_string_append(out, "\\\"");
		else
			g_string_append_len(out, p, next - p);
		p = next;
		shown++;
	}
	return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------------------ */
/* Sanitizers                                                                */

static gboolean
settings_check_text(const NMSstpKey *key, const char *value, GError **error)
{
	guint max = key->max ? key->max : SETTINGS_STRING_MAX;

	if (settings_has_control(value)) {
		settings_set_reason(error, _("control characters (such as a newline) are not allowed"));
		return FALSE;
	}
	if (!g_utf8_validate(value, -1, NULL)) {
		settings_set_reason(error, _("the value is not valid UTF-8"));
		return FALSE;
	}
	if (strlen(value) > max) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("longer than %u bytes"), max);
		return FALSE;
	}
	return TRUE;
}

static gboolean
settings_sanitize_string(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	if (!settings_check_text(key, value, error))
		return FALSE;
	if (out)
		*out = g_strdup(value);
	return TRUE;
}

static gboolean
settings_sanitize_domain(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	if (!settings_check_text(key, value, error))
		return FALSE;
	if (strchr(value, '\\')) {
		settings_set_reason(error, _("a domain may not contain '\\'"));
		return FALSE;
	}
	if (out)
		*out = g_strdup(value);
	return TRUE;
}

/* HTTP Basic authentication joins user and password with ':'. */
static gboolean
settings_sanitize_proxy_user(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	if (!settings_check_text(key, value, error))
		return FALSE;
	if (strchr(value, ':')) {
		settings_set_reason(error, _("a proxy user name may not contain ':'"));
		return FALSE;
	}
	if (out)
		*out = g_strdup(value);
	return TRUE;
}

static gboolean
settings_sanitize_bool(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	gboolean b;

	if (!settings_parse_bool(value, &b)) {
		settings_set_reason(error, _("must be yes or no"));
		return FALSE;
	}
	if (out)
		*out = g_strdup(b ? "yes" : "no");
	return TRUE;
}

static gboolean
settings_sanitize_uint(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	guint v;

	if (!settings_parse_uint(value, &v) || v < key->min || v > key->max) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("must be a number from %u to %u"), key->min, key->max);
		return FALSE;
	}
	if (out)
		*out = g_strdup_printf("%u", v);
	return TRUE;
}

static gboolean
settings_sanitize_enum(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	gsize i;
	char *list;

	for (i = 0; key->enum_values[i]; i++) {
		if (!g_ascii_strcasecmp(value, key->enum_values[i])) {
			if (out)
				*out = g_strdup(key->enum_values[i]);
			return TRUE;
		}
	}
	list = g_strjoinv(", ", (char **) key->enum_values);
	g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
	            _("must be one of: %s"), list);
	g_free(list);
	return FALSE;
}

/* The old editor stored file names with NetworkManager's "utf8safe" escaping,
 * which g_strcompress() undoes: a backslash and 1-3 octal digits is that
 * byte, one before b f n r t v that control character, one before anything
 * else that character. Two cases it would get wrong are settled first: a
 * lone trailing backslash (g_strcompress() warns and drops it) stays, and
 * an escaped NUL byte (it would cut the name short) becomes a control
 * character, which the caller refuses. */
static char *
settings_path_unescape(const char *s)
{
	GString *in = g_string_sized_new(strlen(s));
	const char *p;
	char *out;

	for (p = s; *p; p++) {
		if (*p != '\\') {
			g_string_append_c(in, *p);
		} else if (p[1] == '\0') {
			g_string_append(in, "\\\\");
		} else if (p[1] >= '0' && p[1] <= '7') {
			guint v = 0;
			int n;

			for (n = 1; n <= 3 && p[n] >= '0' && p[n] <= '7'; n++)
				v = v * 8 + (guint) (p[n] - '0');
			if ((v & 0xff) == 0)
				g_string_append(in, "\\001");
			else
				g_string_append_len(in, p, n);
			p += n - 1;
		} else {
			g_string_append_c(in, *p);
			g_string_append_c(in, *++p);
		}
	}
	out = g_strcompress(in->str);
	g_string_free(in, TRUE);
	return out;
}

static gboolean
settings_sanitize_path(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	char *path = settings_path_unescape(value);

	if (path[0] != '/') {
		settings_set_reason(error, _("must be an absolute file name (starting with /)"));
		g_free(path);
		return FALSE;
	}
	if (settings_has_control(path)) {
		settings_set_reason(error, _("control characters are not allowed in a file name"));
		g_free(path);
		return FALSE;
	}
	/* An old escaped name can decode to bytes that are not UTF-8; a
	 * connection's values travel as D-Bus strings, which must be UTF-8
	 * (found by tests/fuzz/fuzz-import.c). */
	if (!g_utf8_validate(path, -1, NULL)) {
		settings_set_reason(error, _("the file name is not valid UTF-8 text"));
		g_free(path);
		return FALSE;
	}
	if (strlen(path) > 4095) {
		settings_set_reason(error, _("the file name is too long"));
		g_free(path);
		return FALSE;
	}
	if (out)
		*out = path;
	else
		g_free(path);
	return TRUE;
}

/* PKCS#11 URIs (RFC 7512). Only what names an object is taken: the
 * attributes that would choose a module (module-name, module-path) or make
 * root read a file (pin-source) are refused, and the PIN belongs in
 * tls-user-key-secret, not in vpn.data (pin-value). */
static const char *const settings_pkcs11_path_attrs[] = {
	"token", "manufacturer", "serial", "model", "object", "type", "id",
	"library-manufacturer", "library-description", "library-version",
	"slot-description", "slot-manufacturer", "slot-id", NULL,
};

#define SETTINGS_PKCS11_SCHEME "pkcs11:"

gboolean
nm_sstp_settings_is_pkcs11_uri(const char *value)
{
	return value && g_ascii_strncasecmp(value, SETTINGS_PKCS11_SCHEME,
	                                    strlen(SETTINGS_PKCS11_SCHEME)) == 0;
}

/* RFC 3986 characters a PKCS#11 URI may hold as they are; anything else
 * (space, quotes, backslash, non-ASCII) must be percent-encoded. */
static gboolean
settings_pkcs11_char_ok(char c)
{
	return g_ascii_isalnum(c) || (c != '\0' && strchr("-._~!$&'()*+,;=:@/?[]%", c) != NULL);
}

static gboolean
settings_pkcs11_attr_check(const char *attr, gboolean query, GError **error)
{
	const char *eq = strchr(attr, '=');
	char *name = g_strndup(attr, eq ? (gsize) (eq - attr) : strlen(attr));
	gboolean ok = FALSE;
	char *msg = NULL;

	if (!eq || !*name) {
		msg = g_strdup_printf(_("“%s” is not of the form name=value"), attr);
	} else if (query && !strcmp(name, "pin-value")) {
		msg = g_strdup(_("the PIN must not be in the URI: give it as the key password "
		                 "(tls-user-key-secret), which is kept as a secret"));
	} else if (query && !strcmp(name, "pin-source")) {
		msg = g_strdup(_("pin-source is not accepted: give the PIN as the key password "
		                 "(tls-user-key-secret)"));
	} else if (query && (!strcmp(name, "module-name") || !strcmp(name, "module-path"))) {
		msg = g_strdup_printf(_("%s is not accepted: the token is reached through your own "
		                        "p11-kit configuration (p11-kit list-modules)"), name);
	} else if (query || !g_strv_contains(settings_pkcs11_path_attrs, name)) {
		msg = g_strdup_printf(_("unknown attribute “%s” (known: token, manufacturer, serial, "
		                        "model, object, type, id, and the library- and slot- ones)"),
		                      name);
	} else {
		ok = TRUE;
	}
	if (!ok) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("not a usable PKCS#11 URI: %s"), msg);
	}
	g_free(msg);
	g_free(name);
	return ok;
}

/* Checks a "pkcs11:" URI; *out gets it with the scheme in lower case (pppd
 * chooses its OpenSSL engine by the part before the colon). */
static gboolean
settings_sanitize_pkcs11(const char *value, char **out, GError **error)
{
	const char *body = value + strlen(SETTINGS_PKCS11_SCHEME);
	const char *q;
	char *path, *query = NULL;
	char **attrs;
	gboolean ok = TRUE;
	gsize i;

	if (strlen(value) > 4095) {
		settings_set_reason(error, _("the PKCS#11 URI is too long"));
		return FALSE;
	}
	for (q = body; *q; q++) {
		if (!settings_pkcs11_char_ok(*q)) {
			g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
			            _("not a usable PKCS#11 URI: a space, quote, backslash, control or "
			              "non-ASCII character must be written percent-encoded (%s for a "
			              "space)"),
			            "%20");
			return FALSE;
		}
		if (*q == '%' && (!g_ascii_isxdigit(q[1]) || !g_ascii_isxdigit(q[2]) ||
		                  (q[1] == '0' && q[2] == '0'))) {
			g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
			            _("not a usable PKCS#11 URI: “%s” must be followed by two hex digits "
			              "other than 00"),
			            "%");
			return FALSE;
		}
	}
	q = strchr(body, '?');
	path = q ? g_strndup(body, (gsize) (q - body)) : g_strdup(body);
	if (q)
		query = g_strdup(q + 1);
	attrs = g_strsplit(path, ";", -1);
	for (i = 0; ok && attrs[i]; i++) {
		if (*attrs[i])
			ok = settings_pkcs11_attr_check(attrs[i], FALSE, error);
	}
	g_strfreev(attrs);
	attrs = query ? g_strsplit(query, "&", -1) : NULL;
	for (i = 0; ok && attrs && attrs[i]; i++) {
		if (*attrs[i])
			ok = settings_pkcs11_attr_check(attrs[i], TRUE, error);
	}
	g_strfreev(attrs);
	g_free(path);
	g_free(query);
	if (ok && out)
		*out = g_strconcat(SETTINGS_PKCS11_SCHEME, body, NULL);
	return ok;
}

static gboolean
settings_sanitize_path_or_pkcs11(const NMSstpKey *key, const char *value, char **out,
                                 GError **error)
{
	if (nm_sstp_settings_is_pkcs11_uri(value))
		return settings_sanitize_pkcs11(value, out, error);
	if (value[0] != '/' && strchr(value, ':') == NULL) {
		/* Say that a URI is possible too, the first time it matters. */
		settings_set_reason(error, _("must be an absolute file name (starting with /) or a "
		                             "PKCS#11 URI (pkcs11:…)"));
		return FALSE;
	}
	return settings_sanitize_path(key, value, out, error);
}

/* Secrets: the reason never quotes the value. */
static gboolean
settings_sanitize_secret(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	if (settings_has_control(value)) {
		settings_set_reason(error, _("it contains a control character (such as a newline)"));
		return FALSE;
	}
	if (!g_utf8_validate(value, -1, NULL)) {
		settings_set_reason(error, _("it is not valid UTF-8"));
		return FALSE;
	}
	if (strlen(value) > key->max) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("it is longer than %u bytes"), key->max);
		return FALSE;
	}
	if (out)
		*out = g_strdup(value);
	return TRUE;
}

/* International names: the IDNA conversion the worker does not have (it
 * links no GLib). The service hands the worker the xn-- form this gives. */
static char *
settings_host_to_ascii(const char *name, const char **reason)
{
	char *ascii, *copy;

	if (!g_utf8_validate(name, -1, NULL)) {
		*reason = N_("the value is not valid UTF-8");
		return NULL;
	}
	ascii = g_hostname_to_ascii(name);
	if (!ascii) {
		*reason = N_("a host name may only hold letters, digits, '-', '_' and '.'");
		return NULL;
	}
	/* sstp_validate_host() free()s what it gets. */
	copy = strdup(ascii);
	g_free(ascii);
	if (!copy)
		*reason = N_("out of memory");
	return copy;
}

/* sstp_validate_host() with the IDNA conversion, its reason translated. *out
 * is g_free()able. */
static gboolean
settings_validate_host(const char *host, gsize len, char **out, GError **error)
{
	const char *reason;
	char *h = NULL;

	reason = sstp_validate_host(host, len, settings_host_to_ascii, out ? &h : NULL, NULL);
	if (reason) {
		settings_set_reason(error, _(reason));
		return FALSE;
	}
	if (out) {
		*out = g_strdup(h);
		free(h);
	}
	return TRUE;
}

/* The gateway: sstp_validate_host_port() (the worker's own check), stored
 * with brackets around an IPv6 address and the port only when given. */
static gboolean
settings_sanitize_hostport(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	SstpHostKind kind;
	char *host = NULL;
	unsigned port = 0;
	const char *reason;

	reason = sstp_validate_host_port(value, settings_host_to_ascii, out ? &host : NULL, &kind, &port);
	if (reason) {
		settings_set_reason(error, _(reason));
		return FALSE;
	}
	if (out) {
		GString *s = g_string_new(NULL);

		g_string_append_printf(s, kind == SSTP_HOST_IPV6 ? "[%s]" : "%s", host);
		if (port)
			g_string_append_printf(s, ":%u", port);
		*out = g_string_free(s, FALSE);
		free(host);
	}
	return TRUE;
}

static gboolean
settings_sanitize_host(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	const char *host = value;
	gsize len = strlen(value);

	/* Accept "[v6]" too, and store the bare address. */
	if (len >= 2 && value[0] == '[' && value[len - 1] == ']') {
		host = value + 1;
		len -= 2;
		if (!memchr(host, ':', len)) {
			settings_set_reason(error, _("brackets are only for IPv6 addresses"));
			return FALSE;
		}
	}
	if (memchr(host, '/', len) || memchr(host, '@', len)) {
		settings_set_reason(error, _("give only the host, without http:// or user@"));
		return FALSE;
	}
	return settings_validate_host(host, len, out, error);
}

/* Stored as 64 lower-case hex digits, as the worker's --pin-sha256 takes it. */
static gboolean
settings_sanitize_sha256(const NMSstpKey *key, const char *value, char **out, GError **error)
{
	guint8 pin[SSTP_PIN_SHA256_LEN];
	GString *hex;
	gsize i;

	const char *reason = sstp_validate_pin_sha256(value, pin);

	if (reason) {
		settings_set_reason(error, _(reason));
		return FALSE;
	}
	if (out) {
		hex = g_string_sized_new(2 * sizeof(pin) + 1);
		for (i = 0; i < sizeof(pin); i++)
			g_string_append_printf(hex, "%02x", pin[i]);
		*out = g_string_free(hex, FALSE);
	}
	return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Table access                                                              */

const NMSstpKey *
nm_sstp_settings_keys(gsize *n)
{
	if (n)
		*n = G_N_ELEMENTS(settings_table);
	return settings_table;
}

const NMSstpKey *
nm_sstp_settings_lookup(const char *name)
{
	gsize i;

	if (!name)
		return NULL;
	for (i = 0; i < G_N_ELEMENTS(settings_table); i++) {
		if (!strcmp(settings_table[i].name, name))
			return &settings_table[i];
	}
	for (i = 0; i < G_N_ELEMENTS(settings_table); i++) {
		if (settings_table[i].legacy_alias && !strcmp(settings_table[i].legacy_alias, name))
			return &settings_table[i];
	}
	return NULL;
}

/* Check one value of a known key; `spelling` is the name as written in the
 * profile (maybe the legacy alias) so that the message matches what the
 * user sees. */
static gboolean
settings_check_value(const NMSstpKey *key, const char *spelling, const char *value,
                     char **out, GError **error)
{
	GError *reason = NULL;

	if (out)
		*out = NULL;
	if (!value || !*value)
		return TRUE;
	if (key->sanitize(key, value, out, &reason))
		return TRUE;

	if (key->type == NM_SSTP_KEY_SECRET) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("Invalid secret “%s”: %s"), spelling, reason->message);
	} else {
		char *shown = nm_sstp_settings_escape_for_display(value);

		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("Invalid value “%s” for “%s”: %s"), shown, spelling, reason->message);
		g_free(shown);
	}
	g_error_free(reason);
	return FALSE;
}

static gboolean
settings_unknown_key_error(const char *key, GError **error)
{
	char *shown = nm_sstp_settings_escape_for_display(key);

	g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
	            _("Unknown key “%s”"), shown);
	g_free(shown);
	return FALSE;
}

gboolean
nm_sstp_settings_normalize_value(const char *key, const char *value, char **out_normalized,
                                 GError **error)
{
	const NMSstpKey *k = nm_sstp_settings_lookup(key);

	if (out_normalized)
		*out_normalized = NULL;
	if (!k)
		return settings_unknown_key_error(key ? key : "(null)", error);
	return settings_check_value(k, key, value, out_normalized, error);
}

gboolean
nm_sstp_settings_validate_value(const char *key, const char *value, GError **error)
{
	return nm_sstp_settings_normalize_value(key, value, NULL, error);
}

static const char *
settings_get_raw(NMSettingVpn *s_vpn, const NMSstpKey *key)
{
	const char *v;

	if (key->type == NM_SSTP_KEY_SECRET) {
		v = nm_setting_vpn_get_secret(s_vpn, key->name);
		if ((!v || !*v) && (key->flags & NM_SSTP_KEY_FLAG_ALSO_DATA))
			v = nm_setting_vpn_get_data_item(s_vpn, key->name);
	} else
		v = nm_setting_vpn_get_data_item(s_vpn, key->name);
	if ((!v || !*v) && key->legacy_alias)
		v = nm_setting_vpn_get_data_item(s_vpn, key->legacy_alias);
	if (!v || !*v)
		return NULL;
	return v;
}

const char *
nm_sstp_settings_get(NMSettingVpn *s_vpn, const char *key)
{
	const NMSstpKey *k;
	const char *v;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), NULL);
	k = nm_sstp_settings_lookup(key);
	if (!k)
		return nm_setting_vpn_get_data_item(s_vpn, key);
	v = settings_get_raw(s_vpn, k);
	return v ? v : k->default_value;
}

/* The normalized value (or the default) of a key; NULL when unset or when
 * the value is invalid (callers validate first). */
static char *
settings_get_normalized(NMSettingVpn *s_vpn, const NMSstpKey *key)
{
	const char *v = settings_get_raw(s_vpn, key);
	char *out = NULL;

	if (v && key->sanitize(key, v, &out, NULL))
		return out;
	return g_strdup(key->default_value);
}

gboolean
nm_sstp_settings_get_bool(NMSettingVpn *s_vpn, const char *key)
{
	const NMSstpKey *k = nm_sstp_settings_lookup(key);
	char *v;
	gboolean b = FALSE;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), FALSE);
	if (!k)
		return FALSE;
	v = settings_get_normalized(s_vpn, k);
	if (v)
		settings_parse_bool(v, &b);
	g_free(v);
	return b;
}

guint
nm_sstp_settings_get_uint(NMSettingVpn *s_vpn, const char *key)
{
	const NMSstpKey *k = nm_sstp_settings_lookup(key);
	char *v;
	guint u = 0;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), 0);
	if (!k)
		return 0;
	v = settings_get_normalized(s_vpn, k);
	if (v)
		settings_parse_uint(v, &u);
	g_free(v);
	return u;
}

gboolean
nm_sstp_settings_is_tls(NMSettingVpn *s_vpn)
{
	const char *v;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), FALSE);
	v = nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_CONNECTION_TYPE);
	return v && !g_ascii_strcasecmp(v, NM_SSTP_CONTYPE_TLS);
}

char *
nm_sstp_settings_ppp_user(NMSettingVpn *s_vpn)
{
	const char *user, *domain;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), NULL);
	if (nm_sstp_settings_is_tls(s_vpn)) {
		user = nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_IDENTITY);
		if (!user || !*user)
			user = nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_TLS_SUBJECT_NAME);
		return (user && *user) ? g_strdup(user) : NULL;
	}
	user = nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_USER);
	if (!user || !*user)
		user = nm_setting_vpn_get_user_name(s_vpn);
	if (!user || !*user)
		return NULL;
	domain = nm_setting_vpn_get_data_item(s_vpn, NM_SSTP_KEY_DOMAIN);
	if (domain && *domain)
		return g_strdup_printf("%s\\%s", domain, user);
	return g_strdup(user);
}

/* ------------------------------------------------------------------------ */
/* Whole-setting validation                                                  */

static void
settings_warn(void (*warn)(const char *, gpointer), gpointer user_data, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static void
settings_warn(void (*warn)(const char *, gpointer), gpointer user_data, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!warn)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	warn(msg, user_data);
	g_free(msg);
}

static gboolean
settings_have(NMSettingVpn *s_vpn, const char *name)
{
	const NMSstpKey *k = nm_sstp_settings_lookup(name);

	return k && settings_get_raw(s_vpn, k) != NULL;
}

/* KDE's editor writes proxy-port=0 into every profile: 0 is "no port". */
static gboolean
settings_have_proxy_port(NMSettingVpn *s_vpn)
{
	return nm_sstp_settings_get_uint(s_vpn, NM_SSTP_KEY_PROXY_PORT) != 0;
}

static gboolean
settings_user_cert_is_pkcs12(const char *path)
{
	return path && !nm_sstp_settings_is_pkcs11_uri(path) && (g_str_has_suffix(path, ".p12") || g_str_has_suffix(path, ".P12") ||
	                g_str_has_suffix(path, ".pfx") || g_str_has_suffix(path, ".PFX"));
}

static gboolean
settings_have_pppd_2_5(void)
{
#ifdef PPPD_API_2_5
	return TRUE;
#else
	return FALSE;
#endif
}

gboolean
nm_sstp_settings_validate(NMSettingVpn *s_vpn, void (*warn)(const char *msg, gpointer user_data),
                          gpointer user_data, GError **error)
{
	const char **names;
	guint n = 0, i;
	gsize j;
	gboolean ok = TRUE;
	gboolean tls;
	char *user;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), FALSE);

	/* vpn.data */
	names = nm_setting_vpn_get_data_keys(s_vpn, &n);
	for (i = 0; ok && i < n; i++) {
		const NMSstpKey *k = nm_sstp_settings_lookup(names[i]);
		char *shown;

		if (!k) {
			shown = nm_sstp_settings_escape_for_display(names[i]);
			settings_warn(warn, user_data, _("vpn.data key “%s” is unknown and ignored"), shown);
			g_free(shown);
			continue;
		}
		if (k->type == NM_SSTP_KEY_SECRET && (k->flags & NM_SSTP_KEY_FLAG_ALSO_DATA)) {
			/* Checked like the secret it is: a message never shows it. */
			settings_warn(warn, user_data,
			              _("“%s” is a secret but is stored in vpn.data, where every user "
			                "can read it; it is used, but belongs in vpn.secrets"), k->name);
		} else if (k->type == NM_SSTP_KEY_SECRET) {
			/* Never look at (or show) a secret stored in the wrong place. */
			settings_warn(warn, user_data,
			              _("“%s” is a secret and is ignored in vpn.data (it belongs in "
			                "vpn.secrets)"), k->name);
			continue;
		}
		ok = settings_check_value(k, names[i], nm_setting_vpn_get_data_item(s_vpn, names[i]),
		                          NULL, error);
	}
	g_free(names);
	if (!ok)
		return FALSE;

	/* vpn.secrets */
	names = nm_setting_vpn_get_secret_keys(s_vpn, &n);
	for (i = 0; ok && i < n; i++) {
		const NMSstpKey *k = nm_sstp_settings_lookup(names[i]);

		if (!k || (k->type != NM_SSTP_KEY_SECRET && !(k->flags & NM_SSTP_KEY_FLAG_ALSO_SECRET))) {
			char *shown = nm_sstp_settings_escape_for_display(names[i]);

			settings_warn(warn, user_data, _("vpn.secrets key “%s” is unknown and ignored"),
			              shown);
			g_free(shown);
			continue;
		}
		if (k->type != NM_SSTP_KEY_SECRET)
			continue; /* no-secret: a placeholder, whatever it holds */
		ok = settings_check_value(k, names[i], nm_setting_vpn_get_secret(s_vpn, names[i]),
		                          NULL, error);
	}
	g_free(names);
	if (!ok)
		return FALSE;

	/* Required keys, and both spellings of one key. */
	for (j = 0; j < G_N_ELEMENTS(settings_table); j++) {
		const NMSstpKey *k = &settings_table[j];

		if ((k->flags & NM_SSTP_KEY_FLAG_REQUIRED) && !settings_get_raw(s_vpn, k)) {
			g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
			            _("Missing required key “%s” (%s)"), k->name, _(k->summary));
			return FALSE;
		}
		if (k->legacy_alias) {
			const char *a = nm_setting_vpn_get_data_item(s_vpn, k->name);
			const char *b = nm_setting_vpn_get_data_item(s_vpn, k->legacy_alias);
			char *na = NULL, *nb = NULL;

			if (a && *a && b && *b && k->sanitize(k, a, &na, NULL) &&
			    k->sanitize(k, b, &nb, NULL) && strcmp(na, nb) != 0) {
				settings_warn(warn, user_data,
				              _("both “%s” and its old spelling “%s” are set and differ; "
				                "“%s” is used"), k->name, k->legacy_alias, k->name);
			}
			g_free(na);
			g_free(nb);
		}
	}

	/* Combinations. */
	tls = nm_sstp_settings_is_tls(s_vpn);
	if (tls && !settings_have(s_vpn, NM_SSTP_KEY_TLS_USER_CERT)) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("connection-type “tls” needs “%s” (the user certificate)"),
		            NM_SSTP_KEY_TLS_USER_CERT);
		return FALSE;
	}
	if (tls && !settings_have_pppd_2_5()) {
		char *cert = settings_get_normalized(s_vpn,
		                                     nm_sstp_settings_lookup(NM_SSTP_KEY_TLS_USER_CERT));
		gboolean p12 = settings_user_cert_is_pkcs12(cert);

		g_free(cert);
		if (p12) {
			g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
			            _("“%s” is a PKCS#12 file (.p12/.pfx), which needs pppd 2.5 or later "
			              "(this is pppd %s): convert it to PEM (openssl pkcs12 -in FILE "
			              "-clcerts -nokeys -out cert.pem; openssl pkcs12 -in FILE -nocerts "
			              "-out key.pem) and set “%s” and “%s”"),
			            NM_SSTP_KEY_TLS_USER_CERT, PPPD_VERSION_STRING,
			            NM_SSTP_KEY_TLS_USER_CERT, NM_SSTP_KEY_TLS_USER_KEY);
			return FALSE;
		}
	}
	if (settings_have(s_vpn, NM_SSTP_KEY_PROXY_SERVER) != settings_have_proxy_port(s_vpn)) {
		settings_warn(warn, user_data, _("“%s” and “%s” must both be set to use a proxy; "
		                                 "connecting without proxy"),
		              NM_SSTP_KEY_PROXY_SERVER, NM_SSTP_KEY_PROXY_PORT);
	}
	if (nm_sstp_settings_get_bool(s_vpn, NM_SSTP_KEY_IGN_CERT_WARN) &&
	    settings_have(s_vpn, NM_SSTP_KEY_CERT_PIN_SHA256)) {
		settings_warn(warn, user_data, _("“%s” is ignored because “%s” is set"),
		              NM_SSTP_KEY_IGN_CERT_WARN, NM_SSTP_KEY_CERT_PIN_SHA256);
	}
	if (settings_have(s_vpn, NM_SSTP_KEY_PROXY_PASSWORD) && !settings_have(s_vpn, NM_SSTP_KEY_PROXY_USER)) {
		settings_warn(warn, user_data, _("“%s” is ignored without “%s”"),
		              NM_SSTP_KEY_PROXY_PASSWORD, NM_SSTP_KEY_PROXY_USER);
	}
	user = nm_sstp_settings_ppp_user(s_vpn);
	if (user && strlen(user) > SETTINGS_PPP_NAME_MAX) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("The PPP user name (“%s” with “%s”) is longer than %u bytes"),
		            tls ? NM_SSTP_KEY_TLS_IDENTITY : NM_SSTP_KEY_USER,
		            tls ? NM_SSTP_KEY_TLS_SUBJECT_NAME : NM_SSTP_KEY_DOMAIN, SETTINGS_PPP_NAME_MAX);
		g_free(user);
		return FALSE;
	}
	g_free(user);
	if (tls && !settings_have_pppd_2_5()) {
		for (j = 0; j < G_N_ELEMENTS(settings_table); j++) {
			const NMSstpKey *k = &settings_table[j];

			if ((k->flags & NM_SSTP_KEY_FLAG_PPPD_2_5) && settings_get_raw(s_vpn, k)) {
				settings_warn(warn, user_data, _("“%s” needs pppd 2.5 or later (this is pppd "
				                                 "%s); ignored"), k->name, PPPD_VERSION_STRING);
			}
		}
	}
	if (tls && settings_have_pppd_2_5() && settings_have(s_vpn, NM_SSTP_KEY_TLS_VERIFY_METHOD) &&
	    !settings_have(s_vpn, NM_SSTP_KEY_TLS_REMOTENAME)) {
		settings_warn(warn, user_data, _("“%s” is ignored without “%s”"),
		              NM_SSTP_KEY_TLS_VERIFY_METHOD, NM_SSTP_KEY_TLS_REMOTENAME);
	}
	return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Worker arguments                                                          */

static void
settings_add(GPtrArray *words, const char *w)
{
	g_ptr_array_add(words, g_strdup(w));
}

static void
settings_add_take(GPtrArray *words, char *w)
{
	g_ptr_array_add(words, w);
}

/* The words of the keys whose mapping is not a single option: see the
 * `option` column of the table for what each produces. */
static void
settings_emit_custom(const NMSstpKey *key, NMSettingVpn *s_vpn, gboolean tls,
                     GPtrArray *worker, GPtrArray *pppd)
{
	const char *name = key->name;
	char *v;

	if (!strcmp(name, NM_SSTP_KEY_IGN_CERT_WARN)) {
		/* A pin is a stricter check than none: it wins (the worker refuses
		 * both together). */
		if (nm_sstp_settings_get_bool(s_vpn, name) && !settings_have(s_vpn, NM_SSTP_KEY_CERT_PIN_SHA256))
			settings_add(worker, "--no-verify");
	} else if (!strcmp(name, NM_SSTP_KEY_CONNECTION_TYPE)) {
		if (tls)
			settings_add(pppd, "need-peer-eap");
	} else if (!strcmp(name, NM_SSTP_KEY_USER) || !strcmp(name, NM_SSTP_KEY_TLS_IDENTITY)) {
		v = nm_sstp_settings_ppp_user(s_vpn);
		if (v) {
			settings_add(worker, "--user");
			settings_add_take(worker, v);
		}
	} else if (!strcmp(name, NM_SSTP_KEY_TLS_CA_CERT)) {
		v = settings_get_normalized(s_vpn, key);
		if (v) {
			settings_add(pppd, "ca");
			settings_add_take(pppd, v);
		} else {
			settings_add(pppd, "capath");
			settings_add(pppd, SETTINGS_SYSTEM_CA_PATH);
		}
	} else if (!strcmp(name, NM_SSTP_KEY_TLS_USER_CERT)) {
		v = settings_get_normalized(s_vpn, key);
		if (v) {
			gboolean p12 = settings_have_pppd_2_5() && settings_user_cert_is_pkcs12(v);

			/* pppd takes its files from the options only when cert and key
			 * are both given (or pkcs12); otherwise it reads root's
			 * /etc/ppp/eaptls-client. A PEM file may hold the key too. */
			if (!p12 && !settings_have(s_vpn, NM_SSTP_KEY_TLS_USER_KEY)) {
				settings_add(pppd, "key");
				settings_add_take(pppd, nm_sstp_settings_is_pkcs11_uri(v)
				                            ? settings_pkcs11_for_pppd(v, TRUE)
				                            : g_strdup(v));
			}
			settings_add(pppd, p12 ? "pkcs12" : "cert");
			settings_add_take(pppd, nm_sstp_settings_is_pkcs11_uri(v)
			                            ? settings_pkcs11_for_pppd(v, FALSE)
			                            : g_strdup(v));
			g_free(v);
		}
	} else if (!strcmp(name, NM_SSTP_KEY_TLS_USER_KEY)) {
		/* Not reached with a PKCS#12 certificate: nm_sstp_settings_key_used(). */
		v = settings_get_normalized(s_vpn, key);
		if (v) {
			settings_add(pppd, "key");
			if (nm_sstp_settings_is_pkcs11_uri(v)) {
				settings_add_take(pppd, settings_pkcs11_for_pppd(v, FALSE));
				g_free(v);
			} else {
				settings_add_take(pppd, v);
			}
		}
	} else if (!strcmp(name, NM_SSTP_KEY_TLS_VERIFY_METHOD)) {
		const NMSstpKey *rk = nm_sstp_settings_lookup(NM_SSTP_KEY_TLS_REMOTENAME);
		char *remote = settings_get_normalized(s_vpn, rk);

		v = settings_get_normalized(s_vpn, key);
		if (v && remote) {
			settings_add(pppd, "tls-verify-method");
			settings_add_take(pppd, v);
			settings_add(pppd, "remotename");
			settings_add_take(pppd, remote);
		} else {
			g_free(v);
			g_free(remote);
		}
	} else if (!strcmp(name, NM_SSTP_KEY_PROXY_SERVER)) {
		const NMSstpKey *pk = nm_sstp_settings_lookup(NM_SSTP_KEY_PROXY_PORT);
		const NMSstpKey *uk = nm_sstp_settings_lookup(NM_SSTP_KEY_PROXY_USER);
		char *port = settings_get_normalized(s_vpn, pk);
		char *user;

		v = settings_get_normalized(s_vpn, key);
		if (v && port && settings_have_proxy_port(s_vpn)) {
			settings_add(worker, "--proxy");
			settings_add_take(worker, g_strdup_printf(strchr(v, ':') ? "http://[%s]:%s"
			                                                         : "http://%s:%s",
			                                          v, port));
			user = settings_get_normalized(s_vpn, uk);
			if (user) {
				settings_add(worker, "--proxy-user");
				settings_add_take(worker, user);
			}
		}
		g_free(v);
		g_free(port);
	}
	/* gateway, domain, tls-subject-name, tls-remotename, proxy-port,
	 * proxy-user and the secrets are produced with the key above or after
	 * the loop. */
}

/* A validated PKCS#11 URI as pppd's cert/key option takes it. pppd takes
 * the part before the first colon as the name of the OpenSSL engine
 * ("pkcs11", libp11). pppd 2.5 hands the whole value to the engine; pppd
 * 2.4.9 hands it only what follows that colon, and takes a value holding
 * '/' or '.' for a file name: there the URI goes after a second "pkcs11:"
 * with those two characters percent-encoded (the engine decodes them).
 * drop_type: without its type attribute (the key named by a certificate's
 * URI). */
static char *
settings_pkcs11_for_pppd(const char *uri, gboolean drop_type)
{
	GString *out = g_string_new(NULL);
	const char *body = uri + strlen(SETTINGS_PKCS11_SCHEME);
	const char *end = body + strcspn(body, "?");
	char **attrs;
	gsize i;
	gboolean first = TRUE;

	if (!settings_have_pppd_2_5())
		g_string_append(out, SETTINGS_PKCS11_SCHEME);
	g_string_append(out, SETTINGS_PKCS11_SCHEME);
	{
		char *path = g_strndup(body, (gsize) (end - body));

		attrs = g_strsplit(path, ";", -1);
		g_free(path);
	}
	for (i = 0; attrs[i]; i++) {
		const char *c;

		if (!*attrs[i] || (drop_type && g_str_has_prefix(attrs[i], "type=")))
			continue;
		if (!first)
			g_string_append_c(out, ';');
		first = FALSE;
		for (c = attrs[i]; *c; c++) {
			if (!settings_have_pppd_2_5() && (*c == '/' || *c == '.'))
				g_string_append_printf(out, "%%%02X", (unsigned) *c);
			else
				g_string_append_c(out, *c);
		}
	}
	g_strfreev(attrs);
	/* The query part holds nothing the validator lets through that the
	 * engine needs. */
	return g_string_free(out, FALSE);
}

gboolean
nm_sstp_settings_uses_pkcs11(NMSettingVpn *s_vpn)
{
	const char *names[] = {NM_SSTP_KEY_TLS_USER_CERT, NM_SSTP_KEY_TLS_USER_KEY};
	gsize i;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), FALSE);
	if (!nm_sstp_settings_is_tls(s_vpn))
		return FALSE;
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		if (nm_sstp_settings_is_pkcs11_uri(nm_sstp_settings_get(s_vpn, names[i])))
			return TRUE;
	}
	return FALSE;
}

char **
nm_sstp_settings_pkcs11_tokens(NMSettingVpn *s_vpn)
{
	const char *names[] = {NM_SSTP_KEY_TLS_USER_CERT, NM_SSTP_KEY_TLS_USER_KEY};
	const char *token_attrs[] = {"token=", "manufacturer=", "serial=", "model=", NULL};
	GPtrArray *out = g_ptr_array_new();
	gsize i, j, k;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), NULL);
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		const char *v = nm_sstp_settings_get(s_vpn, names[i]);
		const char *body;
		char *path;
		char **attrs;
		GString *tok;

		if (!nm_sstp_settings_uses_pkcs11(s_vpn) || !nm_sstp_settings_is_pkcs11_uri(v))
			continue;
		body = v + strlen(SETTINGS_PKCS11_SCHEME);
		path = g_strndup(body, strcspn(body, "?"));
		attrs = g_strsplit(path, ";", -1);
		g_free(path);
		tok = g_string_new(SETTINGS_PKCS11_SCHEME);
		for (j = 0; attrs[j]; j++) {
			for (k = 0; token_attrs[k]; k++) {
				if (!g_str_has_prefix(attrs[j], token_attrs[k]))
					continue;
				if (tok->len > strlen(SETTINGS_PKCS11_SCHEME))
					g_string_append_c(tok, ';');
				g_string_append(tok, attrs[j]);
			}
		}
		g_strfreev(attrs);
		for (j = 0; j < out->len && strcmp(g_ptr_array_index(out, j), tok->str) != 0; j++)
			;
		if (j < out->len)
			g_string_free(tok, TRUE);
		else
			g_ptr_array_add(out, g_string_free(tok, FALSE));
	}
	if (out->len == 0) {
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	g_ptr_array_add(out, NULL);
	return (char **) g_ptr_array_free(out, FALSE);
}

gboolean
nm_sstp_settings_key_used(NMSettingVpn *s_vpn, const NMSstpKey *key)
{
	gboolean tls;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), FALSE);
	g_return_val_if_fail(key != NULL, FALSE);
	tls = nm_sstp_settings_is_tls(s_vpn);
	if (key->map == NM_SSTP_MAP_NONE)
		return FALSE;
	/* In password mode pppd 2.5 may be asked for PEAP, whose server
	 * certificate is checked against this file: the plugin allows PEAP only
	 * when the profile names it. */
	if (!tls && !strcmp(key->name, NM_SSTP_KEY_TLS_CA_CERT))
		return settings_have_pppd_2_5() && settings_have(s_vpn, key->name);
	if ((key->flags & NM_SSTP_KEY_FLAG_TLS_ONLY) && !tls)
		return FALSE;
	if ((key->flags & NM_SSTP_KEY_FLAG_PASSWORD_ONLY) && tls)
		return FALSE;
	if ((key->flags & NM_SSTP_KEY_FLAG_PPPD_2_5) && !settings_have_pppd_2_5())
		return FALSE;
	if (!strcmp(key->name, NM_SSTP_KEY_TLS_USER_KEY) && settings_have_pppd_2_5()) {
		/* pppd 2.5 reads the key from the PKCS#12 file itself. */
		char *cert = settings_get_normalized(s_vpn,
		                                     nm_sstp_settings_lookup(NM_SSTP_KEY_TLS_USER_CERT));
		gboolean p12 = settings_user_cert_is_pkcs12(cert);

		g_free(cert);
		return !p12;
	}
	return TRUE;
}

static gboolean
settings_proxy_used(NMSettingVpn *s_vpn)
{
	return settings_have(s_vpn, NM_SSTP_KEY_PROXY_SERVER) && settings_have_proxy_port(s_vpn);
}

GPtrArray *
nm_sstp_settings_worker_args(NMSettingVpn *s_vpn, gboolean with_secrets, GError **error)
{
	GPtrArray *worker, *pppd, *args;
	gboolean tls;
	gsize i;

	g_return_val_if_fail(NM_IS_SETTING_VPN(s_vpn), NULL);
	if (!nm_sstp_settings_validate(s_vpn, NULL, NULL, error))
		return NULL;

	tls = nm_sstp_settings_is_tls(s_vpn);
	worker = g_ptr_array_new_with_free_func(g_free);
	pppd = g_ptr_array_new_with_free_func(g_free);

	for (i = 0; i < G_N_ELEMENTS(settings_table); i++) {
		const NMSstpKey *k = &settings_table[i];
		GPtrArray *dest = worker;
		char *v;

		if (!nm_sstp_settings_key_used(s_vpn, k))
			continue;

		switch (k->map) {
		case NM_SSTP_MAP_NONE:
			break;
		case NM_SSTP_MAP_CUSTOM:
			settings_emit_custom(k, s_vpn, tls, worker, pppd);
			break;
		case NM_SSTP_MAP_PPPD_VALUE:
			dest = pppd;
			/* fall through */
		case NM_SSTP_MAP_WORKER_VALUE:
			v = settings_get_normalized(s_vpn, k);
			if (v) {
				settings_add(dest, k->option);
				settings_add_take(dest, v);
			}
			break;
		case NM_SSTP_MAP_PPPD_IF_YES:
			dest = pppd;
			/* fall through */
		case NM_SSTP_MAP_WORKER_IF_YES:
			if (nm_sstp_settings_get_bool(s_vpn, k->name))
				settings_add(dest, k->option);
			break;
		case NM_SSTP_MAP_WORKER_IF_NO:
			if (!nm_sstp_settings_get_bool(s_vpn, k->name))
				settings_add(dest, k->option);
			break;
		}
	}

	args = g_ptr_array_new_with_free_func(g_free);
	for (i = 0; i < worker->len; i++)
		settings_add(args, worker->pdata[i]);

	if (with_secrets) {
		const char *pw_key = tls ? NM_SSTP_KEY_TLS_USER_KEY_SECRET : NM_SSTP_KEY_PASSWORD;
		const char *pw = nm_setting_vpn_get_secret(s_vpn, pw_key);

		if (pw && *pw) {
			char *user = nm_sstp_settings_ppp_user(s_vpn);

			/* The worker hands user and password to pppd together. */
			if (!user) {
				g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
				            _("“%s” is set but there is no user name: set “%s”"), pw_key,
				            tls ? NM_SSTP_KEY_TLS_IDENTITY : NM_SSTP_KEY_USER);
				g_ptr_array_unref(args);
				g_ptr_array_unref(worker);
				g_ptr_array_unref(pppd);
				return NULL;
			}
			g_free(user);
			settings_add(args, "--password");
			settings_add(args, pw);
		}
		/* (from vpn.data too: KDE's editor stores it there) */
		pw = settings_get_raw(s_vpn, nm_sstp_settings_lookup(NM_SSTP_KEY_PROXY_PASSWORD));
		if (pw && *pw && settings_proxy_used(s_vpn) && settings_have(s_vpn, NM_SSTP_KEY_PROXY_USER)) {
			settings_add(args, "--proxy-password");
			settings_add(args, pw);
		}
	}

	settings_add_take(args, settings_get_normalized(s_vpn,
	                                                nm_sstp_settings_lookup(NM_SSTP_KEY_GATEWAY)));
	settings_add(args, "--");
	settings_add(args, "noauth");
	for (i = 0; i < pppd->len; i++)
		settings_add(args, pppd->pdata[i]);
	g_ptr_array_add(args, NULL);

	g_ptr_array_unref(worker);
	g_ptr_array_unref(pppd);
	return args;
}
