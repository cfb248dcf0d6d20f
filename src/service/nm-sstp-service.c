/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nm-sstp-service: the D-Bus service NetworkManager starts for VPN
 * connections of type sstp (docs/architecture.md).
 *
 * It validates the connection with the settings table, runs one
 * nm-sstp-tunnel per connection (options and secrets on fd 3, status on
 * fd 4), turns the worker's ip4/ip6 messages into NetworkManager's IP
 * configuration and its exit status into a failure reason.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <NetworkManager.h>

#include "nm-sstp-settings.h"
#include "sstp-exit.h"
#include "sstp-harden.h"
#include "nm-sstp-service-config.h"
#include "nm-sstp-service-files.h"
#include "nm-sstp-service-log.h"
#include "nm-sstp-service-secrets.h"
#include "nm-sstp-service-worker.h"


/* SIGTERM → SIGKILL: the worker needs up to ~6 s for Call Disconnect and
 * the server's ack. */
#define SSTP_STOP_GRACE_SECONDS 10

/* After ip4 said ipv6=pending: how long IPv6CP may take before the
 * connection goes on with IPv4 alone. */
#define SSTP_IP6_WAIT_SECONDS 10

/* Password attempts per activation when NetworkManager lets us ask again
 * (ConnectInteractive, password not saved). */
#define SSTP_AUTH_ATTEMPTS 3

typedef struct {
	NMVpnServicePlugin parent;

	char *tunnel_path;
	char *pppd_plugin;        /* --pppd-plugin for the worker, or NULL: its default */
	gboolean debug;
	gboolean persist;
	GMainLoop *loop;
	gboolean quit_requested;

	SstpWorker *worker;       /* the worker of the current connection, or NULL */
	GSList *stopping;         /* workers asked to end and not yet reaped */

	NMConnection *connection; /* copy of the connection being served, with secrets */
	SstpFiles *files;         /* private copies of its files, for the worker and pppd */
	gboolean interactive;
	guint attempts;
	gboolean eap_rejected;    /* the worker said: the server asked for EAP, then rejected it */
	gboolean without_eap;     /* so this connection's next attempts refuse EAP */

	gboolean no_ip4;          /* ipv4.method disabled: pppd has noip */
	gboolean no_ip6;          /* ipv6.method ignore or disabled: pppd has noipv6 */
	gboolean got_config;      /* config + ip4 sent to NetworkManager */
	gboolean has_ip6;
	gboolean got_ip6;
	GVariant *early_ip6;      /* ip6 config that came before ip4 */
	guint ip6_wait_source;
} NMSstpPlugin;

typedef struct {
	NMVpnServicePluginClass parent;
} NMSstpPluginClass;

GType nm_sstp_plugin_get_type(void);

G_DEFINE_TYPE(NMSstpPlugin, nm_sstp_plugin, NM_TYPE_VPN_SERVICE_PLUGIN)

#define NM_SSTP_PLUGIN(obj) (G_TYPE_CHECK_INSTANCE_CAST((obj), nm_sstp_plugin_get_type(), NMSstpPlugin))

static void sstp_plugin_worker_message(SstpWorker *worker, const struct sstp_ipc_msg *msg,
                                       gpointer user_data);
static void sstp_plugin_worker_exited(SstpWorker *worker, int exit_status, int term_sig,
                                      gpointer user_data);

static const SstpWorkerCallbacks sstp_plugin_worker_callbacks = {
	.message = sstp_plugin_worker_message,
	.exited = sstp_plugin_worker_exited,
};

/*****************************************************************************/

static NMVpnServiceState
sstp_plugin_get_state(NMSstpPlugin *self)
{
	NMVpnServiceState state = NM_VPN_SERVICE_STATE_UNKNOWN;

	g_object_get(self, NM_VPN_SERVICE_PLUGIN_STATE, &state, NULL);
	return state;
}

static const char *
sstp_exit_describe(int exit_status)
{
	switch (exit_status) {
	case SSTP_EXIT_OK:
		return "disconnected";
	case SSTP_EXIT_USAGE:
		return "bad configuration";
	case SSTP_EXIT_CONNECT:
		return "could not connect to the server or proxy";
	case SSTP_EXIT_TLS:
		return "TLS handshake or certificate check failed";
	case SSTP_EXIT_HTTP:
		return "the server or proxy refused the HTTP request";
	case SSTP_EXIT_NEGOTIATION:
		return "SSTP negotiation failed";
	case SSTP_EXIT_AUTH:
		return "PPP authentication failed";
	case SSTP_EXIT_PEER_ABORT:
		return "the server aborted the connection";
	case SSTP_EXIT_DEAD_PEER:
		return "the server stopped answering";
	case SSTP_EXIT_PPP:
		return "pppd failed";
	case SSTP_EXIT_INTERNAL:
		return "internal error in nm-sstp-tunnel";
	default:
		return "unexpected exit status";
	}
}

static void
sstp_plugin_check_quit(NMSstpPlugin *self)
{
	if (self->quit_requested && !self->worker && !self->stopping && self->loop)
		g_main_loop_quit(self->loop);
}

/* Ends the current connection on our side: the worker is asked to stop
 * (it stays in the stopping list until reaped), the copy of the
 * connection with its secrets is dropped. */
static void
sstp_plugin_release(NMSstpPlugin *self)
{
	if (self->worker) {
		sstp_worker_stop(self->worker, SSTP_STOP_GRACE_SECONDS);
		self->stopping = g_slist_prepend(self->stopping, self->worker);
		self->worker = NULL;
	}
	if (self->ip6_wait_source) {
		g_source_remove(self->ip6_wait_source);
		self->ip6_wait_source = 0;
	}
	g_clear_pointer(&self->early_ip6, g_variant_unref);
	g_clear_pointer(&self->files, sstp_files_free);
	if (self->connection) {
		nm_connection_clear_secrets(self->connection);
		g_clear_object(&self->connection);
	}
	self->got_config = FALSE;
	self->has_ip6 = FALSE;
	self->got_ip6 = FALSE;
}

/* Reports a failure with exactly this reason. In the STARTING state
 * nm_vpn_service_plugin_failure() alone would let libnm's disconnect add
 * a second Failure (connect-failed), and NetworkManager keeps the last
 * one; going through STOPPING first keeps login-failed a login failure. */
static void
sstp_plugin_fail(NMSstpPlugin *self, NMVpnPluginFailure reason)
{
	NMVpnServicePlugin *plugin = NM_VPN_SERVICE_PLUGIN(self);
	NMVpnServiceState state = sstp_plugin_get_state(self);

	if (state == NM_VPN_SERVICE_STATE_STARTING) {
		sstp_plugin_release(self);
		g_object_set(self, NM_VPN_SERVICE_PLUGIN_STATE, NM_VPN_SERVICE_STATE_STOPPING, NULL);
		nm_vpn_service_plugin_failure(plugin, reason);
		g_object_set(self, NM_VPN_SERVICE_PLUGIN_STATE, NM_VPN_SERVICE_STATE_STOPPED, NULL);
	} else if (state == NM_VPN_SERVICE_STATE_STARTED) {
		/* Emits Failure, then disconnects through our disconnect(). */
		nm_vpn_service_plugin_failure(plugin, reason);
	} else
		sstp_plugin_release(self);
}

static gboolean
sstp_plugin_never_default(NMSstpPlugin *self, int addr_family)
{
	NMSettingIPConfig *s_ip;

	if (!self->connection)
		return FALSE;
	s_ip = addr_family == AF_INET ? nm_connection_get_setting_ip4_config(self->connection)
	                              : nm_connection_get_setting_ip6_config(self->connection);
	return s_ip && nm_setting_ip_config_get_never_default(s_ip);
}

/*****************************************************************************/
/* Status messages */

static void
sstp_plugin_send_ip6(NMSstpPlugin *self, GVariant *ip6)
{
	self->got_ip6 = TRUE;
	if (self->ip6_wait_source) {
		g_source_remove(self->ip6_wait_source);
		self->ip6_wait_source = 0;
	}
	g_variant_ref_sink(ip6);
	nm_vpn_service_plugin_set_ip6_config(NM_VPN_SERVICE_PLUGIN(self), ip6);
	g_variant_unref(ip6);
}

static GVariant *
sstp_plugin_empty_dict(void)
{
	GVariantBuilder builder;

	g_variant_builder_init(&builder, G_VARIANT_TYPE_VARDICT);
	return g_variant_builder_end(&builder);
}

static gboolean
sstp_plugin_ip6_wait_cb(gpointer user_data)
{
	NMSstpPlugin *self = user_data;

	self->ip6_wait_source = 0;
	/* An empty IPv6 configuration tells NetworkManager that this
	 * connection has no IPv6 after all. */
	sstp_log(LOG_NOTICE, "IPv6CP did not finish within %d s; going on with IPv4 only",
	         SSTP_IP6_WAIT_SECONDS);
	sstp_plugin_send_ip6(self, sstp_plugin_empty_dict());
	return G_SOURCE_REMOVE;
}

static void
sstp_plugin_handle_ip4(NMSstpPlugin *self, const struct sstp_ipc_msg *msg)
{
	NMVpnServicePlugin *plugin = NM_VPN_SERVICE_PLUGIN(self);
	GError *error = NULL;
	GVariant *config;
	GVariant *ip4;
	gboolean ip6_pending = FALSE;

	if (self->got_config) {
		const char *update = sstp_ipc_get(msg, "update");

		if (!update || strcmp(update, "dhcp") != 0) {
			sstp_log(LOG_DEBUG, "ignoring a repeated ip4 message");
			return;
		}
		/* The server's DHCP answer came after activation: the same
		 * configuration again, now with its routes. NetworkManager
		 * takes a new IPv4 configuration from an active VPN and
		 * applies its routes (its resolver keeps the domain it had). */
		ip4 = sstp_config_build_ip4(msg, sstp_plugin_never_default(self, AF_INET), &error);
		if (!ip4) {
			/* The connection is up and stays as it is. */
			sstp_log(LOG_WARNING, "bad IP configuration update from nm-sstp-tunnel: %s; "
			         "not applied", error->message);
			g_error_free(error);
			return;
		}
		sstp_log(LOG_NOTICE, "IPv4 configuration updated with the server's DHCP answer");
		g_variant_ref_sink(ip4);
		nm_vpn_service_plugin_set_ip4_config(plugin, ip4);
		g_variant_unref(ip4);
		return;
	}

	config = sstp_config_build_generic(msg, &ip6_pending, &error);
	ip4 = config ? sstp_config_build_ip4(msg, sstp_plugin_never_default(self, AF_INET), &error)
	             : NULL;
	if (!ip4) {
		sstp_log(LOG_WARNING, "bad IP configuration from nm-sstp-tunnel: %s", error->message);
		g_error_free(error);
		if (config)
			g_variant_unref(g_variant_ref_sink(config));
		sstp_plugin_fail(self, NM_VPN_PLUGIN_FAILURE_BAD_IP_CONFIG);
		return;
	}

	/* IPv6CP may have finished before IPCP: then the worker says
	 * ipv6=no, but an ip6 message is already here. */
	self->has_ip6 = !self->no_ip6 && (ip6_pending || self->early_ip6 != NULL);
	if (self->has_ip6 != ip6_pending) {
		/* Rebuild with has-ip6 set: a GVariant is immutable. */
		GVariantDict dict;

		g_variant_dict_init(&dict, config);
		g_variant_dict_insert(&dict, NM_VPN_PLUGIN_CONFIG_HAS_IP6, "b", self->has_ip6);
		g_variant_unref(g_variant_ref_sink(config));
		config = g_variant_dict_end(&dict);
	}

	sstp_log(LOG_NOTICE, "tunnel up: interface %s, address %s, peer %s%s",
	         sstp_ipc_get(msg, "ifname"), sstp_ipc_get(msg, "address"),
	         sstp_ipc_get(msg, "peer") ? sstp_ipc_get(msg, "peer") : "-",
	         self->early_ip6 ? ", IPv6 up" : self->has_ip6 ? ", IPv6 negotiating" : "");

	self->got_config = TRUE;
	g_variant_ref_sink(config);
	nm_vpn_service_plugin_set_config(plugin, config);
	g_variant_unref(config);

	g_variant_ref_sink(ip4);
	nm_vpn_service_plugin_set_ip4_config(plugin, ip4);
	g_variant_unref(ip4);

	if (self->early_ip6) {
		GVariant *ip6 = self->early_ip6;

		self->early_ip6 = NULL;
		sstp_plugin_send_ip6(self, ip6);
		g_variant_unref(ip6);
	} else if (self->has_ip6)
		self->ip6_wait_source = g_timeout_add_seconds(SSTP_IP6_WAIT_SECONDS,
		                                              sstp_plugin_ip6_wait_cb, self);
}

/* ipv4.method disabled: IPv6 alone brings the tunnel up. */
static void
sstp_plugin_ip6_only(NMSstpPlugin *self, const struct sstp_ipc_msg *msg, GVariant *ip6)
{
	GError *error = NULL;
	GVariant *config = sstp_config_build_generic(msg, NULL, &error);
	GVariantDict dict;

	if (!config) {
		sstp_log(LOG_WARNING, "bad IP configuration from nm-sstp-tunnel: %s", error->message);
		g_error_free(error);
		g_variant_unref(g_variant_ref_sink(ip6));
		sstp_plugin_fail(self, NM_VPN_PLUGIN_FAILURE_BAD_IP_CONFIG);
		return;
	}
	g_variant_dict_init(&dict, config);
	g_variant_dict_insert(&dict, NM_VPN_PLUGIN_CONFIG_HAS_IP4, "b", FALSE);
	g_variant_dict_insert(&dict, NM_VPN_PLUGIN_CONFIG_HAS_IP6, "b", TRUE);
	g_variant_unref(g_variant_ref_sink(config));
	config = g_variant_ref_sink(g_variant_dict_end(&dict));
	sstp_log(LOG_NOTICE, "tunnel up: interface %s, IPv6 only (ipv4.method disabled): local %s, "
	         "peer %s", sstp_ipc_get(msg, "ifname"), sstp_ipc_get(msg, "local-iid"),
	         sstp_ipc_get(msg, "peer-iid") ? sstp_ipc_get(msg, "peer-iid") : "-");
	self->got_config = TRUE;
	self->has_ip6 = TRUE;
	nm_vpn_service_plugin_set_config(NM_VPN_SERVICE_PLUGIN(self), config);
	g_variant_unref(config);
	sstp_plugin_send_ip6(self, ip6);
}

static void
sstp_plugin_handle_ip6(NMSstpPlugin *self, const struct sstp_ipc_msg *msg)
{
	GError *error = NULL;
	GVariant *ip6;

	if (self->no_ip6) {
		sstp_log(LOG_INFO, "ignoring an IPv6 configuration: ipv6.method turns IPv6 off");
		return;
	}
	ip6 = sstp_config_build_ip6(msg, sstp_plugin_never_default(self, AF_INET6), &error);
	if (!ip6) {
		/* IPv4 is still good: go on without IPv6. */
		sstp_log(LOG_WARNING, "bad IPv6 configuration from nm-sstp-tunnel: %s; IPv6 not used",
		         error->message);
		g_error_free(error);
		if (self->got_config && self->has_ip6 && !self->got_ip6)
			sstp_plugin_send_ip6(self, sstp_plugin_empty_dict());
		return;
	}

	if (!self->got_config && self->no_ip4) {
		sstp_plugin_ip6_only(self, msg, ip6);
		return;
	}
	if (!self->got_config) {
		/* IPV6CP finished before IPCP: sent along with IPv4. */
		sstp_log(LOG_NOTICE, "IPv6 up: local %s, peer %s (before IPv4)",
		         sstp_ipc_get(msg, "local-iid"),
		         sstp_ipc_get(msg, "peer-iid") ? sstp_ipc_get(msg, "peer-iid") : "-");
		g_clear_pointer(&self->early_ip6, g_variant_unref);
		self->early_ip6 = g_variant_ref_sink(ip6);
		return;
	}
	if (!self->has_ip6 || self->got_ip6) {
		sstp_log(LOG_INFO, "IPv6 configuration came too late; IPv6 not used");
		g_variant_unref(g_variant_ref_sink(ip6));
		return;
	}
	sstp_log(LOG_NOTICE, "IPv6 up: local %s, peer %s", sstp_ipc_get(msg, "local-iid"),
	         sstp_ipc_get(msg, "peer-iid") ? sstp_ipc_get(msg, "peer-iid") : "-");
	sstp_plugin_send_ip6(self, ip6);
}

static void
sstp_plugin_worker_message(SstpWorker *worker, const struct sstp_ipc_msg *msg, gpointer user_data)
{
	NMSstpPlugin *self = user_data;

	if (worker != self->worker) {
		/* A worker on its way out: its news concern no connection. */
		sstp_log(LOG_DEBUG, "ignoring \"%s\" from a stopping nm-sstp-tunnel", msg->type);
		return;
	}

	if (strcmp(msg->type, "state") == 0) {
		const char *phase = sstp_ipc_get(msg, "phase");

		sstp_log(LOG_INFO, "tunnel phase: %s", phase ? phase : "?");
	} else if (strcmp(msg->type, "error") == 0) {
		const char *message = sstp_ipc_get(msg, "message");

		/* Logged with the exit status when the worker ends. */
		sstp_log(LOG_DEBUG, "nm-sstp-tunnel error: %s", message ? message : "?");
	} else if (strcmp(msg->type, "eap-rejected") == 0) {
		self->eap_rejected = TRUE;
	} else if (strcmp(msg->type, "ip4") == 0)
		sstp_plugin_handle_ip4(self, msg);
	else if (strcmp(msg->type, "ip6") == 0)
		sstp_plugin_handle_ip6(self, msg);
	else
		sstp_log(LOG_DEBUG, "ignoring unknown status message \"%s\"", msg->type);
}

/*****************************************************************************/
/* Starting the worker */

static gboolean
sstp_plugin_launch(NMSstpPlugin *self, GError **error)
{
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(self->connection);
	GError *local = NULL;
	GPtrArray *words;
	gboolean debug;
	char *gateway;

	words = sstp_files_worker_args(self->connection, &self->files, &local);
	if (!words) {
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "%s",
		            local->message);
		g_error_free(local);
		return FALSE;
	}
	if (!sstp_config_ip_args(self->connection, words, &self->no_ip4, &self->no_ip6, &local)) {
		sstp_worker_wipe_words(words);
		g_ptr_array_unref(words);
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "%s",
		            local->message);
		g_error_free(local);
		return FALSE;
	}

	if (self->without_eap)
		sstp_config_add_pppd_word(words, g_strdup("refuse-eap"));
	self->eap_rejected = FALSE;

	if (self->pppd_plugin) {
		g_ptr_array_insert(words, 0, g_strdup(self->pppd_plugin));
		g_ptr_array_insert(words, 0, g_strdup("--pppd-plugin"));
	}

	debug = self->debug || sstp_log_get_level() >= LOG_DEBUG;
	self->worker = sstp_worker_start(self->tunnel_path, words, debug,
	                                 &sstp_plugin_worker_callbacks, self, &local);
	sstp_worker_wipe_words(words);
	g_ptr_array_unref(words);
	if (!self->worker) {
		sstp_log(LOG_ERR, "cannot start %s: %s", self->tunnel_path, local->message);
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_LAUNCH_FAILED,
		            _("cannot start %s: %s"), self->tunnel_path, local->message);
		g_error_free(local);
		return FALSE;
	}

	self->attempts++;
	gateway = nm_sstp_settings_escape_for_display(nm_sstp_settings_get(s_vpn, NM_SSTP_KEY_GATEWAY));
	sstp_log(LOG_NOTICE, "connecting to %s (attempt %u)", gateway, self->attempts);
	g_free(gateway);
	return TRUE;
}

static void
sstp_plugin_validate_warn(const char *msg, gpointer user_data)
{
	(void) user_data;
	sstp_log(LOG_WARNING, "%s", msg);
}

/* Validation shared by Connect, ConnectInteractive and NewSecrets. */
static gboolean
sstp_plugin_check_connection(NMConnection *connection, GError **error)
{
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(connection);
	GError *local = NULL;
	const char *missing;

	if (!s_vpn) {
		g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
		                    _("the connection has no VPN setting"));
		return FALSE;
	}
	if (!nm_sstp_settings_validate(s_vpn, sstp_plugin_validate_warn, NULL, &local)) {
		sstp_log(LOG_WARNING, "invalid VPN settings: %s", local->message);
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS, "%s",
		            local->message);
		g_error_free(local);
		return FALSE;
	}
	missing = sstp_secrets_missing(connection);
	if (missing) {
		sstp_log(LOG_WARNING, "the VPN secret \"%s\" is missing", missing);
		g_set_error(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_BAD_ARGUMENTS,
		            _("the VPN secret “%s” is missing"), missing);
		return FALSE;
	}
	return TRUE;
}

static gboolean
sstp_plugin_connect_common(NMSstpPlugin *self, NMConnection *connection, gboolean interactive,
                           GError **error)
{
	if (!sstp_plugin_check_connection(connection, error))
		return FALSE;

	sstp_plugin_release(self);
	self->connection = nm_simple_connection_new_clone(connection);
	self->interactive = interactive;
	self->attempts = 0;
	self->without_eap = FALSE;
	if (!sstp_plugin_launch(self, error)) {
		sstp_plugin_release(self);
		return FALSE;
	}
	return TRUE;
}

/*****************************************************************************/
/* The worker's end */

/* After a failed PPP authentication, NetworkManager can ask the user
 * again (SecretsRequired → NewSecrets) — only worth it for a password the
 * user types each time: a saved one would just be sent again. */
static gboolean
sstp_plugin_ask_again(NMSstpPlugin *self)
{
	NMSettingVpn *s_vpn = self->connection ? nm_connection_get_setting_vpn(self->connection) : NULL;
	NMSettingSecretFlags flags = NM_SETTING_SECRET_FLAG_NONE;
	const char *hints[] = {NM_SSTP_KEY_PASSWORD, NULL};

	if (!s_vpn || !self->interactive || nm_sstp_settings_is_tls(s_vpn))
		return FALSE;
	if (self->attempts >= SSTP_AUTH_ATTEMPTS)
		return FALSE;
	nm_setting_get_secret_flags(NM_SETTING(s_vpn), NM_SSTP_KEY_PASSWORD, &flags, NULL);
	if (!(flags & NM_SETTING_SECRET_FLAG_NOT_SAVED))
		return FALSE;

	sstp_log(LOG_NOTICE, "authentication failed; asking for the password again");
	nm_vpn_service_plugin_secrets_required(NM_VPN_SERVICE_PLUGIN(self),
	                                       _("Authentication failed. Check the user name and "
	                                         "enter the password again."),
	                                       hints);
	return TRUE;
}

static void
sstp_plugin_worker_exited(SstpWorker *worker, int exit_status, int term_sig, gpointer user_data)
{
	NMSstpPlugin *self = user_data;
	NMVpnServiceState state;
	const char *message;

	if (worker != self->worker) {
		self->stopping = g_slist_remove(self->stopping, worker);
		sstp_worker_free(worker);
		sstp_plugin_check_quit(self);
		return;
	}
	self->worker = NULL;

	message = sstp_worker_get_error_message(worker);
	state = sstp_plugin_get_state(self);
	if (state != NM_VPN_SERVICE_STATE_STARTING && state != NM_VPN_SERVICE_STATE_STARTED) {
		sstp_worker_free(worker);
		sstp_plugin_check_quit(self);
		return;
	}

	if (term_sig)
		sstp_log(LOG_WARNING, "connection failed: nm-sstp-tunnel was killed by signal %d%s%s",
		         term_sig, message ? ": " : "", message ? message : "");
	else if (exit_status == SSTP_EXIT_OK)
		sstp_log(LOG_NOTICE, "the connection has ended%s%s", message ? ": " : "",
		         message ? message : "");
	else
		sstp_log(LOG_WARNING, "connection failed: %s (nm-sstp-tunnel exit status %d: %s)",
		         message ? message : "no message", exit_status, sstp_exit_describe(exit_status));

	/* A server that asks for EAP but takes it only for certificates
	 * (SoftEther) offers MS-CHAPv2 to a client that refuses EAP at LCP:
	 * once per activation, connect again so. */
	if (!term_sig && exit_status == SSTP_EXIT_AUTH && state == NM_VPN_SERVICE_STATE_STARTING
	    && self->eap_rejected && !self->without_eap) {
		GError *local = NULL;

		self->without_eap = TRUE;
		sstp_log(LOG_NOTICE, "the server takes EAP only for certificates; connecting again "
		         "with EAP refused");
		sstp_worker_free(worker);
		if (sstp_plugin_launch(self, &local))
			return;
		sstp_log(LOG_WARNING, "%s", local->message);
		g_error_free(local);
		sstp_plugin_fail(self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
		sstp_plugin_check_quit(self);
		return;
	}

	if (!term_sig && exit_status == SSTP_EXIT_AUTH && state == NM_VPN_SERVICE_STATE_STARTING
	    && sstp_plugin_ask_again(self)) {
		sstp_worker_free(worker);
		return;
	}

	if (!term_sig && exit_status == SSTP_EXIT_OK && state == NM_VPN_SERVICE_STATE_STARTED)
		nm_vpn_service_plugin_disconnect(NM_VPN_SERVICE_PLUGIN(self), NULL);
	else if (!term_sig && exit_status == SSTP_EXIT_AUTH)
		sstp_plugin_fail(self, NM_VPN_PLUGIN_FAILURE_LOGIN_FAILED);
	else
		sstp_plugin_fail(self, NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);

	sstp_worker_free(worker);
	sstp_plugin_check_quit(self);
}

/*****************************************************************************/
/* NMVpnServicePlugin methods */

static gboolean
real_connect(NMVpnServicePlugin *plugin, NMConnection *connection, GError **error)
{
	return sstp_plugin_connect_common(NM_SSTP_PLUGIN(plugin), connection, FALSE, error);
}

static gboolean
real_connect_interactive(NMVpnServicePlugin *plugin, NMConnection *connection, GVariant *details,
                         GError **error)
{
	(void) details;
	return sstp_plugin_connect_common(NM_SSTP_PLUGIN(plugin), connection, TRUE, error);
}

static gboolean
real_need_secrets(NMVpnServicePlugin *plugin, NMConnection *connection, const char **setting_name,
                  GError **error)
{
	NMSettingVpn *s_vpn = nm_connection_get_setting_vpn(connection);
	const char *missing;

	(void) plugin;
	if (!s_vpn) {
		g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_INVALID_CONNECTION,
		                    _("the connection has no VPN setting"));
		return FALSE;
	}
	missing = sstp_secrets_missing(connection);
	if (!missing)
		return FALSE;
	sstp_log(LOG_INFO, "the VPN secret \"%s\" is needed", missing);
	*setting_name = NM_SETTING_VPN_SETTING_NAME;
	return TRUE;
}

static gboolean
real_new_secrets(NMVpnServicePlugin *plugin, NMConnection *connection, GError **error)
{
	NMSstpPlugin *self = NM_SSTP_PLUGIN(plugin);

	if (self->worker || !self->connection) {
		g_set_error_literal(error, NM_VPN_PLUGIN_ERROR, NM_VPN_PLUGIN_ERROR_WRONG_STATE,
		                    _("no secrets were asked for"));
		return FALSE;
	}
	if (!sstp_plugin_check_connection(connection, error))
		return FALSE;

	nm_connection_clear_secrets(self->connection);
	g_object_unref(self->connection);
	self->connection = nm_simple_connection_new_clone(connection);
	return sstp_plugin_launch(self, error);
}

static gboolean
real_disconnect(NMVpnServicePlugin *plugin, GError **error)
{
	(void) error;
	sstp_plugin_release(NM_SSTP_PLUGIN(plugin));
	return TRUE;
}

/*****************************************************************************/

static void
nm_sstp_plugin_init(NMSstpPlugin *self)
{
	(void) self;
}

static void
nm_sstp_plugin_finalize(GObject *object)
{
	NMSstpPlugin *self = NM_SSTP_PLUGIN(object);

	sstp_plugin_release(self);
	/* Normally empty: main() waits for every worker to be reaped. */
	g_slist_free_full(self->stopping, (GDestroyNotify) sstp_worker_free);
	self->stopping = NULL;
	g_free(self->tunnel_path);
	g_free(self->pppd_plugin);
	G_OBJECT_CLASS(nm_sstp_plugin_parent_class)->finalize(object);
}

static void
nm_sstp_plugin_class_init(NMSstpPluginClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS(klass);
	NMVpnServicePluginClass *parent_class = NM_VPN_SERVICE_PLUGIN_CLASS(klass);

	object_class->finalize = nm_sstp_plugin_finalize;
	parent_class->connect = real_connect;
	parent_class->connect_interactive = real_connect_interactive;
	parent_class->need_secrets = real_need_secrets;
	parent_class->new_secrets = real_new_secrets;
	parent_class->disconnect = real_disconnect;
}

/*****************************************************************************/
/* Process life */

static void
sstp_plugin_request_quit(NMSstpPlugin *self)
{
	self->quit_requested = TRUE;
	sstp_plugin_release(self);
	sstp_plugin_check_quit(self);
}

/* libnm's "quit": the VPN is stopped and NetworkManager (the peer) is gone,
 * or the service has been idle for a while. */
static void
sstp_plugin_quit_cb(NMVpnServicePlugin *plugin, gpointer user_data)
{
	NMSstpPlugin *self = NM_SSTP_PLUGIN(plugin);

	(void) user_data;
	if (self->persist)
		return;
	sstp_plugin_request_quit(self);
}

static gboolean
sstp_plugin_signal_cb(gpointer user_data)
{
	NMSstpPlugin *self = user_data;
	NMVpnServiceState state = sstp_plugin_get_state(self);

	sstp_log(LOG_NOTICE, "terminating on a signal");
	if (state == NM_VPN_SERVICE_STATE_STARTING || state == NM_VPN_SERVICE_STATE_STARTED)
		nm_vpn_service_plugin_disconnect(NM_VPN_SERVICE_PLUGIN(self), NULL);
	sstp_plugin_request_quit(self);
	return G_SOURCE_CONTINUE;
}

static int
sstp_log_level_from_env(gboolean debug)
{
	const char *env = g_getenv("NM_VPN_LOG_LEVEL");
	guint64 level;

	if (debug)
		return LOG_DEBUG;
	if (env && g_ascii_string_to_unsigned(env, 10, 0, LOG_DEBUG, &level, NULL))
		return (int) level;
	return LOG_NOTICE;
}

static gboolean
sstp_log_syslog_from_env(gboolean debug)
{
	const char *env = g_getenv("NM_VPN_LOG_SYSLOG");

	if (env && strcmp(env, "1") == 0)
		return TRUE;
	if (env && strcmp(env, "0") == 0)
		return FALSE;
	return !debug;
}

int
main(int argc, char *argv[])
{
	gboolean persist = FALSE;
	gboolean debug = FALSE;
	char *bus_name = NULL;
	char *tunnel = NULL;
	char *pppd_plugin = NULL;
	GOptionContext *context;
	GError *error = NULL;
	NMSstpPlugin *self;
	GMainLoop *loop;
	GDBusConnection *bus;
	GOptionEntry entries[] = {
		{"persist", 0, 0, G_OPTION_ARG_NONE, &persist,
		 N_("Do not quit when the VPN connection terminates"), NULL},
		{"debug", 0, 0, G_OPTION_ARG_NONE, &debug,
		 N_("Log everything to stderr and run nm-sstp-tunnel with --debug"), NULL},
		{"bus-name", 0, 0, G_OPTION_ARG_STRING, &bus_name, N_("D-Bus name to use"), N_("NAME")},
		{"tunnel", 0, 0, G_OPTION_ARG_FILENAME, &tunnel,
		 N_("Run this nm-sstp-tunnel instead of the installed one (for tests)"), N_("PATH")},
		{"pppd-plugin", 0, 0, G_OPTION_ARG_FILENAME, &pppd_plugin,
		 N_("Have nm-sstp-tunnel load this pppd plugin instead of the installed one (for tests)"),
		 N_("PATH")},
		{NULL}};

	/* Before any D-Bus call can bring secrets in; the worker inherits the
	 * core size limit. */
	if (sstp_forbid_core_dumps() != 0)
		g_printerr("nm-sstp-service: cannot disable core dumps (%s): a crash could leave "
		           "VPN passwords in a core file\n", g_strerror(errno));
	setlocale(LC_ALL, "");
	bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
	bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
	textdomain(GETTEXT_PACKAGE);

	context = g_option_context_new(NULL);
	g_option_context_add_main_entries(context, entries, GETTEXT_PACKAGE);
	g_option_context_set_summary(context,
	                             _("nm-sstp-service provides SSTP VPN connections to "
	                               "NetworkManager."));
	if (!g_option_context_parse(context, &argc, &argv, &error)) {
		g_printerr("nm-sstp-service: %s\n", error->message);
		g_error_free(error);
		g_option_context_free(context);
		return 1;
	}
	g_option_context_free(context);

	if (!bus_name)
		bus_name = g_strdup(NM_SSTP_DBUS_SERVICE);
	if (!g_dbus_is_name(bus_name) || g_dbus_is_unique_name(bus_name)) {
		g_printerr("nm-sstp-service: ");
		g_printerr(_("“%s” is not a D-Bus well-known name"), bus_name);
		g_printerr("\n");
		return 1;
	}

	sstp_log_init(sstp_log_level_from_env(debug), sstp_log_syslog_from_env(debug));
	sstp_log(LOG_INFO, "starting on bus name %s", bus_name);

	self = g_initable_new(nm_sstp_plugin_get_type(), NULL, &error,
	                      NM_VPN_SERVICE_PLUGIN_DBUS_SERVICE_NAME, bus_name,
	                      /* Stop when NetworkManager goes away; not while debugging
	                       * by hand with a D-Bus client that comes and goes. */
	                      NM_VPN_SERVICE_PLUGIN_DBUS_WATCH_PEER, !debug, NULL);
	if (!self) {
		sstp_log(LOG_ERR, "cannot start the D-Bus service %s: %s", bus_name, error->message);
		g_error_free(error);
		g_free(bus_name);
		return 1;
	}

	self->tunnel_path = tunnel ? tunnel : g_strdup(NM_SSTP_TUNNEL_PATH);
	self->pppd_plugin = pppd_plugin;
	self->debug = debug;
	self->persist = persist;

	loop = g_main_loop_new(NULL, FALSE);
	self->loop = loop;
	g_signal_connect(self, "quit", G_CALLBACK(sstp_plugin_quit_cb), NULL);
	/* Installed after libnm's own handlers, so these win: a signal ends
	 * the tunnel cleanly and waits for the worker before exiting. */
	g_unix_signal_add(SIGTERM, sstp_plugin_signal_cb, self);
	g_unix_signal_add(SIGINT, sstp_plugin_signal_cb, self);

	g_main_loop_run(loop);

	sstp_log(LOG_INFO, "exiting");
	self->loop = NULL;
	bus = nm_vpn_service_plugin_get_connection(NM_VPN_SERVICE_PLUGIN(self));
	nm_vpn_service_plugin_shutdown(NM_VPN_SERVICE_PLUGIN(self));
	/* The last Failure and StateChanged(stopped) are still queued in
	 * GDBus's thread: without this NetworkManager may see the bus name
	 * vanish first and lose the failure reason. */
	if (bus) {
		g_dbus_connection_flush_sync(bus, NULL, NULL);
		g_object_unref(bus);
	}
	g_object_unref(self);
	g_main_loop_unref(loop);
	g_free(bus_name);
	return 0;
}
