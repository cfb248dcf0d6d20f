/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one table of NetworkManager vpn.data keys and secrets for the sstp VPN
 * type: name, type, default, range, sanitizer, documentation, and how each key
 * maps to an nm-sstp-tunnel option or a pppd option.
 *
 * The service validates with it and builds the worker's options stream from
 * it, the editor takes defaults and ranges from it, import/export and the
 * nm-sstp-settings(5) man page are generated from it. Do not write a key list
 * anywhere else: look keys up here.
 *
 * Key spellings are those of the original NetworkManager-sstp plugin (service
 * org.freedesktop.NetworkManager.sstp), so existing profiles keep working.
 *
 * GLib + libnm only (no GTK).
 */
#ifndef NM_SSTP_SETTINGS_H
#define NM_SSTP_SETTINGS_H

#include <glib.h>
#include <NetworkManager.h>

G_BEGIN_DECLS

/* The D-Bus service name, also the connection's vpn service-type. The old
 * NetworkManager-sstp plugin used the same, so its profiles keep working. */
#define NM_SSTP_DBUS_SERVICE "org.freedesktop.NetworkManager.sstp"

/* Key names (the same strings as the table; use these to avoid typos). */
#define NM_SSTP_KEY_GATEWAY                   "gateway"
#define NM_SSTP_KEY_CA_CERT                   "ca-cert"
#define NM_SSTP_KEY_IGN_CERT_WARN             "ignore-cert-warn"
#define NM_SSTP_KEY_CERT_PIN_SHA256           "cert-pin-sha256"
#define NM_SSTP_KEY_TLS_SNI                   "tls-sni"           /* old spelling: tls-ext */
#define NM_SSTP_KEY_TLS_EXT_ENABLE            "tls-ext"           /* legacy alias of tls-sni */
#define NM_SSTP_KEY_TLS_MIN_VERSION           "tls-min-version"
#define NM_SSTP_KEY_HELLO_INTERVAL            "hello-interval"
#define NM_SSTP_KEY_DHCP_INFORM               "dhcp-inform"
#define NM_SSTP_KEY_UUID                      "uuid"
#define NM_SSTP_KEY_TLS_SERVER_NAME           "tls-server-name"

#define NM_SSTP_KEY_CONNECTION_TYPE           "connection-type"
#define NM_SSTP_KEY_USER                      "user"
#define NM_SSTP_KEY_DOMAIN                    "domain"
#define NM_SSTP_KEY_PASSWORD                  "password"
#define NM_SSTP_KEY_PASSWORD_FLAGS            "password-flags"
#define NM_SSTP_KEY_NOSECRET                  "no-secret"

#define NM_SSTP_KEY_TLS_CA_CERT               "tls-ca-cert"
#define NM_SSTP_KEY_TLS_USER_CERT             "tls-user-cert"
#define NM_SSTP_KEY_TLS_USER_KEY              "tls-user-key"
#define NM_SSTP_KEY_TLS_USER_KEY_SECRET       "tls-user-key-secret"
#define NM_SSTP_KEY_TLS_USER_KEY_SECRET_FLAGS "tls-user-key-secret-flags"
#define NM_SSTP_KEY_TLS_IDENTITY              "tls-identity"
#define NM_SSTP_KEY_TLS_SUBJECT_NAME          "tls-subject-name"
#define NM_SSTP_KEY_CRL_REVOCATION_FILE       "crl-file"
#define NM_SSTP_KEY_TLS_VERIFY_METHOD         "tls-verify-method"
#define NM_SSTP_KEY_TLS_REMOTENAME            "tls-remotename"
#define NM_SSTP_KEY_TLS_VERIFY_KEY_USAGE      "tls-verify-key-usage"
#define NM_SSTP_KEY_TLS_MAX_VERSION           "tls-max-version"

#define NM_SSTP_KEY_REFUSE_EAP                "refuse-eap"
#define NM_SSTP_KEY_REFUSE_PAP                "refuse-pap"
#define NM_SSTP_KEY_REFUSE_CHAP               "refuse-chap"
#define NM_SSTP_KEY_REFUSE_MSCHAP             "refuse-mschap"
#define NM_SSTP_KEY_REFUSE_MSCHAPV2           "refuse-mschapv2"
#define NM_SSTP_KEY_REQUIRE_MPPE              "require-mppe"
#define NM_SSTP_KEY_REQUIRE_MPPE_40           "require-mppe-40"
#define NM_SSTP_KEY_REQUIRE_MPPE_128          "require-mppe-128"
#define NM_SSTP_KEY_MPPE_STATEFUL             "mppe-stateful"
#define NM_SSTP_KEY_NOBSDCOMP                 "nobsdcomp"
#define NM_SSTP_KEY_NODEFLATE                 "nodeflate"
#define NM_SSTP_KEY_NO_VJ_COMP                "no-vj-comp"
#define NM_SSTP_KEY_NO_PCOMP                  "nopcomp"
#define NM_SSTP_KEY_NO_ACCOMP                 "noacomp"
#define NM_SSTP_KEY_MTU                       "mtu"
#define NM_SSTP_KEY_MRU                       "mru"
#define NM_SSTP_KEY_LCP_ECHO_FAILURE          "lcp-echo-failure"
#define NM_SSTP_KEY_LCP_ECHO_INTERVAL         "lcp-echo-interval"
#define NM_SSTP_KEY_UNIT_NUM                  "unit"

#define NM_SSTP_KEY_PROXY_SERVER              "proxy-server"
#define NM_SSTP_KEY_PROXY_PORT                "proxy-port"
#define NM_SSTP_KEY_PROXY_USER                "proxy-user"
#define NM_SSTP_KEY_PROXY_PASSWORD            "proxy-password"
#define NM_SSTP_KEY_PROXY_PASSWORD_FLAGS      "proxy-password-flags"

/* The largest file a key of type NM_SSTP_KEY_PATH may name: CA bundles are
 * ~250 KiB, certificates and keys a few KiB, but a CRL of a big authority
 * can take some MiB. The service refuses larger files
 * (src/service/nm-sstp-service-files.h). */
#define NM_SSTP_FILE_MAX_SIZE (8u * 1024u * 1024u)

/* Values of connection-type. */
#define NM_SSTP_CONTYPE_PASSWORD              "password"
#define NM_SSTP_CONTYPE_TLS                   "tls"

typedef enum {
	NM_SSTP_KEY_STRING,        /* printable UTF-8, no control characters */
	NM_SSTP_KEY_BOOL,          /* "yes"/"no" (also read: true/false, 1/0; written: yes/no) */
	NM_SSTP_KEY_UINT,          /* decimal, min..max */
	NM_SSTP_KEY_ENUM,          /* one of enum_values */
	NM_SSTP_KEY_PATH,          /* absolute file name; may be NetworkManager's utf8safe escaping */
	NM_SSTP_KEY_SECRET,        /* lives in vpn.secrets; never echoed in messages */
	NM_SSTP_KEY_SECRET_FLAGS,  /* NMSettingSecretFlags as a decimal number 0..7 */
	NM_SSTP_KEY_HOSTPORT,      /* host[:port]: name, IPv4 or [IPv6] (bare IPv6 read too) */
	NM_SSTP_KEY_HOST,          /* name, IPv4 or IPv6, no port */
	NM_SSTP_KEY_SHA256_HEX,    /* 64 hex digits, optional ':' between bytes */
} NMSstpKeyType;

/* How a key reaches the worker (nm-sstp-tunnel) or pppd. */
typedef enum {
	NM_SSTP_MAP_NONE,          /* not passed on (the service, the editor, or no effect) */
	NM_SSTP_MAP_WORKER_VALUE,  /* worker words: option VALUE */
	NM_SSTP_MAP_WORKER_IF_YES, /* worker word: option, when the bool is yes */
	NM_SSTP_MAP_WORKER_IF_NO,  /* worker word: option, when the bool is no */
	NM_SSTP_MAP_PPPD_VALUE,    /* pppd words after "--": option VALUE */
	NM_SSTP_MAP_PPPD_IF_YES,   /* pppd word: option, when the bool is yes */
	NM_SSTP_MAP_CUSTOM,        /* composed by nm_sstp_settings_worker_args(); `option`
	                            * says what for the man page */
} NMSstpKeyMap;

typedef enum {
	NM_SSTP_KEY_FLAG_NONE          = 0,
	NM_SSTP_KEY_FLAG_REQUIRED      = 1 << 0, /* must be present and non-empty */
	NM_SSTP_KEY_FLAG_TLS_ONLY      = 1 << 1, /* used only with connection-type tls */
	NM_SSTP_KEY_FLAG_PASSWORD_ONLY = 1 << 2, /* used only with connection-type password */
	NM_SSTP_KEY_FLAG_NO_EFFECT     = 1 << 3, /* accepted for compatibility, changes nothing */
	NM_SSTP_KEY_FLAG_ALSO_SECRET   = 1 << 4, /* may also appear in vpn.secrets (no-secret) */
	NM_SSTP_KEY_FLAG_PPPD_2_5      = 1 << 5, /* its pppd option needs pppd >= 2.5 */
	NM_SSTP_KEY_FLAG_ALSO_DATA     = 1 << 6, /* SECRET also read from vpn.data, with a warning
	                                          * (KDE's editor stores it there) */
	NM_SSTP_KEY_FLAG_LABEL_NEGATED = 1 << 7, /* BOOL whose editor label says the opposite
	                                          * ("Allow PAP" for refuse-pap): its check
	                                          * box is ticked when the value is no */
	NM_SSTP_KEY_FLAG_NOT_IN_EDITOR = 1 << 8, /* the editor keeps it as loaded but does not
	                                          * show it (set by other tools) */
	NM_SSTP_KEY_FLAG_PKCS11        = 1 << 9, /* PATH that may instead be a PKCS#11 URI
	                                          * (RFC 7512) naming an object on a token */
} NMSstpKeyFlags;

typedef struct _NMSstpKey NMSstpKey;

/* Checks one value of `key`. On success stores a newly allocated normalized
 * value in *out_normalized (if not NULL): booleans become yes/no, numbers lose
 * leading zeros, paths are unescaped, a bare IPv6 gateway gets brackets. On
 * failure sets an error whose message is only the reason ("must be a number
 * from 576 to 4091"); nm_sstp_settings_validate_value() adds key and value. */
typedef gboolean (*NMSstpKeySanitizeFunc)(const NMSstpKey *key, const char *value,
                                          char **out_normalized, GError **error);

struct _NMSstpKey {
	const char *name;
	/* For people, in the editor (N_(); NULL for keys it never shows):
	 * label: what the field is called, with a mnemonic ("_Gateway"), no
	 * key names or pppd words; tooltip: a short hint or NULL; group: the
	 * heading the field stands under on its page, or NULL. The man page
	 * uses summary and description instead. */
	const char *label;
	const char *tooltip;
	const char *group;
	NMSstpKeyType type;
	const char *default_value;       /* value when absent or empty; NULL: unset */
	guint min, max;                  /* UINT and SECRET_FLAGS: inclusive range;
	                                  * STRING and SECRET: max length in bytes */
	const char *const *enum_values;  /* ENUM: NULL-terminated */
	const char *summary;             /* one line, for the man page and tooltips, N_() */
	const char *description;         /* man page paragraph, N_() */
	const char *legacy_alias;        /* other spelling the old plugin used, or NULL */
	NMSstpKeySanitizeFunc sanitize;
	NMSstpKeyMap map;
	const char *option;              /* "--ca-cert", "mtu", or for CUSTOM a short
	                                  * description of the words produced */
	const char *flags_key;           /* SECRET: name of its -flags key, else NULL */
	const char *section;             /* man page / editor group, N_() */
	NMSstpKeyFlags flags;
};

/* The table, in man page order. *n (if not NULL) gets the number of entries. */
const NMSstpKey *nm_sstp_settings_keys(gsize *n);

/* The entry named `name` or whose legacy_alias is `name`; NULL if unknown. */
const NMSstpKey *nm_sstp_settings_lookup(const char *name);

/* Validate one value of key `key` (a name or legacy alias). An empty value
 * means "unset" and is valid. Errors (NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS) name
 * the key and the value, escaped for display; for secret keys the value is
 * never shown. Unknown keys are an error here. */
gboolean nm_sstp_settings_validate_value(const char *key, const char *value, GError **error);

/* Like nm_sstp_settings_validate_value(), and returns the normalized value in
 * *out_normalized (NULL for an empty value; g_free() it). */
gboolean nm_sstp_settings_normalize_value(const char *key, const char *value,
                                          char **out_normalized, GError **error);

/* Validate a whole setting (data items and secrets): bad values fail with a
 * message naming key and value; missing required keys fail; unknown keys
 * and ignored combinations are reported through `warn` (may be NULL) and are
 * never fatal. */
gboolean nm_sstp_settings_validate(NMSettingVpn *s_vpn,
                                   void (*warn)(const char *msg, gpointer user_data),
                                   gpointer user_data, GError **error);

/* The raw value of `key` in s_vpn (data item, or secret for SECRET keys),
 * looking at the legacy spelling too; else the table default; else NULL.
 * Not normalized: use the typed getters below after validation. */
const char *nm_sstp_settings_get(NMSettingVpn *s_vpn, const char *key);

/* Typed getters; an invalid or absent value gives the table default (FALSE/0
 * when there is none). */
gboolean nm_sstp_settings_get_bool(NMSettingVpn *s_vpn, const char *key);
guint nm_sstp_settings_get_uint(NMSettingVpn *s_vpn, const char *key);

/* TRUE when connection-type is tls (absent or password: FALSE). */
gboolean nm_sstp_settings_is_tls(NMSettingVpn *s_vpn);

/* The PPP user name: password mode "DOMAIN\user" (or "user"; the vpn.user-name
 * property is used when the "user" key is absent), tls mode tls-identity or
 * else tls-subject-name. NULL when none. g_free() it. */
char *nm_sstp_settings_ppp_user(NMSettingVpn *s_vpn);

/* The words for the worker's options stream (docs/architecture.md): worker
 * options, then SERVER[:PORT], then "--" and pppd options. with_secrets adds
 * "--password" VALUE (password, or tls-user-key-secret in tls mode) and
 * "--proxy-password" VALUE from the setting's secrets, just before the server.
 * Validates the setting first. Returns a NULL-terminated GPtrArray of
 * g_strdup'ed words (free with g_ptr_array_unref; the element free function
 * is set) or NULL + error. Callers may insert extra worker options (--debug)
 * at index 0. Words holding secrets must be wiped by the caller before
 * freeing when that matters. */
GPtrArray *nm_sstp_settings_worker_args(NMSettingVpn *s_vpn, gboolean with_secrets,
                                        GError **error);

/* Whether `key` can reach the worker's options for this setting at all:
 * not a key of the other connection-type, nor one that needs a newer
 * pppd, nor tls-user-key next to a PKCS#12 tls-user-cert with pppd 2.5
 * (the key is in that file). Whether it is set is not looked at. */
gboolean nm_sstp_settings_key_used(NMSettingVpn *s_vpn, const NMSstpKey *key);

/* PKCS#11 (src/service/nm-sstp-service-pkcs11.h says how root reaches a
 * token only through the user). TRUE when `value` is a "pkcs11:" URI (the
 * scheme in any case); it says nothing about its validity. */
gboolean nm_sstp_settings_is_pkcs11_uri(const char *value);

/* TRUE when connection-type is tls and the user certificate or key is a
 * PKCS#11 URI. */
gboolean nm_sstp_settings_uses_pkcs11(NMSettingVpn *s_vpn);

/* The token part (token, manufacturer, serial, model) of the PKCS#11 URIs of
 * the user certificate and key, as URIs for `p11-kit remote` ("pkcs11:" when
 * a URI names no token: every token of the user). NULL-terminated, no
 * duplicates, g_strfreev() it; NULL when none is a URI. Only for a setting
 * that validated. */
char **nm_sstp_settings_pkcs11_tokens(NMSettingVpn *s_vpn);

/* A value made safe to show in a message or log: control characters, bytes
 * that are not UTF-8, backslash and quotes escaped, cut after 64 characters.
 * Never call it on a secret. g_free() it. */
char *nm_sstp_settings_escape_for_display(const char *value);

G_END_DECLS

#endif
