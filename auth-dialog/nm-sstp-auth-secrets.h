/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GTK-free half of nm-sstp-auth-dialog: which secrets a connection
 * needs, and the two reply formats NetworkManager's agents understand.
 * Kept apart from the prompt so it can be tested without a display.
 */
#ifndef NM_SSTP_AUTH_SECRETS_H
#define NM_SSTP_AUTH_SECRETS_H

#include <glib.h>

typedef enum {
	NM_SSTP_SECRET_PASSWORD = 0,
	NM_SSTP_SECRET_PROXY_PASSWORD,
	NM_SSTP_SECRET_KEY_PASSPHRASE,
	NM_SSTP_SECRET_COUNT,
} NMSstpSecretId;

typedef struct {
	gboolean need[NM_SSTP_SECRET_COUNT];   /* the connection requires it */
	gboolean ask[NM_SSTP_SECRET_COUNT];    /* it must be (re)entered by the user */
	char *value[NM_SSTP_SECRET_COUNT];     /* known value (from NM or the keyring), or NULL */
	char *prompt;                          /* from an x-vpn-message: hint, or NULL */
} NMSstpAuthRequest;

/* The vpn.data secret key for a secret id (from the settings table). */
const char *nm_sstp_auth_secret_key(NMSstpSecretId id);
/* Label for the prompt, translated, with a mnemonic. */
const char *nm_sstp_auth_secret_label(NMSstpSecretId id);

/*
 * Decide what is needed. data/secrets are what NetworkManager wrote on stdin
 * (nm_vpn_service_plugin_read_vpn_details()); hints are the -t arguments.
 * With hints, exactly the hinted secrets are needed (that is what the
 * service asked for). Without, it follows connection-type, the secret
 * flags (not-required secrets are never asked) and the proxy settings.
 * Known values are taken from `secrets` unless the flags say not-saved.
 */
void nm_sstp_auth_request_init(NMSstpAuthRequest *req, GHashTable *data, GHashTable *secrets,
                               const char *const *hints);
/* After keyring lookups filled value[]: mark what must be asked.
 * reprompt: NetworkManager said the previous secrets were wrong. */
void nm_sstp_auth_request_decide(NMSstpAuthRequest *req, GHashTable *data, gboolean reprompt);
gboolean nm_sstp_auth_request_needs_prompt(const NMSstpAuthRequest *req);
/* Replace a known value (with what the user typed); value may be NULL.
 * The old value is wiped before it is freed. */
void nm_sstp_auth_request_set_value(NMSstpAuthRequest *req, NMSstpSecretId id, const char *value);
/* Wipes and frees every value. */
void nm_sstp_auth_request_clear(NMSstpAuthRequest *req);
/* Wipes the values of a secrets table from NetworkManager in place; call it
 * right before the table is freed (GLib frees without wiping). */
void nm_sstp_auth_secrets_wipe(GHashTable *secrets);

/* Standard mode reply: "key\nvalue\n" per known needed secret, then "\n\n". */
GString *nm_sstp_auth_format_reply(const NMSstpAuthRequest *req);
/* External UI mode (GNOME Shell): a keyfile with the [VPN Plugin UI] group. */
char *nm_sstp_auth_format_external_ui(const NMSstpAuthRequest *req, const char *vpn_name,
                                      gboolean allow_interaction);

#endif
