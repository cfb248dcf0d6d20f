/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The real nm-sstp-service on a private bus, driving the real nm-sstp-tunnel,
 * called the way NetworkManager calls it (org.freedesktop.NetworkManager.VPN.Plugin
 * on /org/freedesktop/NetworkManager/VPN/Plugin, bus name
 * org.freedesktop.NetworkManager.sstp.Connection_N):
 *   - bad settings fail Connect with BadArguments naming key and value
 *   - NeedSecrets asks for the password only when it is missing
 *   - a server that refuses TCP gives Failure(connect-failed), then STOPPED,
 *     and no process is left behind
 *   - while the worker runs (against a loopback listener that never speaks
 *     TLS) neither its argv, its environment nor the service log holds the
 *     password; Disconnect ends it
 *   - without --persist the service exits after the failure; on SIGTERM it
 *     ends the worker first
 *   - the profile's files: a FIFO is refused at once instead of hanging the
 *     service; for a profile of the user nobody a root-only file is refused
 *     like a missing one and decides no passphrase prompt; the worker gets
 *     private copies, which a later symlink swap cannot change, removed on
 *     Disconnect (as root with the existing user nobody, else skipped)
 * The private bus includes the installed D-Bus policy file when the test
 * runs as root, so the policy itself is checked (own + send by prefix).
 * Traffic goes to 127.0.0.1 only.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <NetworkManager.h>

/* Set around the start of the service that test_no_core_dump() kills. */
static gboolean service_real_sigsegv;

#define PLUGIN_PATH  "/org/freedesktop/NetworkManager/VPN/Plugin"
#define PLUGIN_IFACE "org.freedesktop.NetworkManager.VPN.Plugin"
#define SSTP_SERVICE "org.freedesktop.NetworkManager.sstp"

/* A guard against hanging forever, not a timing requirement. */
#define HANG_GUARD_SECONDS 60

static char *tmpdir;
static char *bus_address;
static GPid bus_pid;
static char *service_bin;
static char *tunnel_bin;
static char *plugin_so;
static char *fake_tunnel;
static guint name_counter;

typedef struct {
	GPid pid;
	char *bus_name;
	char *log_path;
	GDBusConnection *conn;
	GArray *states;    /* guint32 */
	GArray *failures;  /* guint32 */
	guint sub_other;
	GVariant *config;           /* last Config, Ip4Config, Ip6Config, SecretsRequired */
	GVariant *ip4_config;
	GVariant *ip6_config;
	GVariant *secrets_required;
	gboolean exited;
	int wait_status;
	guint child_watch;
} Service;

/*****************************************************************************/
/* Helpers */

static void
iterate_until(gboolean (*done)(gpointer), gpointer data, const char *what)
{
	gint64 deadline = g_get_monotonic_time() + HANG_GUARD_SECONDS * G_USEC_PER_SEC;

	while (!done(data)) {
		if (g_get_monotonic_time() > deadline)
			g_error("gave up waiting for %s", what);
		g_main_context_iteration(NULL, FALSE);
		g_usleep(10 * 1000);
	}
}

/* PIDs of the direct children of pid, from /proc/PID/stat. */
static GArray *
children_of(GPid parent)
{
	GArray *pids = g_array_new(FALSE, FALSE, sizeof(GPid));
	GDir *dir = g_dir_open("/proc", 0, NULL);
	const char *name;

	g_assert_nonnull(dir);
	while ((name = g_dir_read_name(dir))) {
		char *path;
		char *stat = NULL;
		const char *close_paren;
		int ppid = 0;

		if (!g_ascii_isdigit(name[0]))
			continue;
		path = g_strdup_printf("/proc/%s/stat", name);
		if (g_file_get_contents(path, &stat, NULL, NULL)) {
			/* "pid (comm) state ppid ...": comm may hold spaces */
			close_paren = strrchr(stat, ')');
			if (close_paren && sscanf(close_paren + 1, " %*c %d", &ppid) == 1 && ppid == parent) {
				GPid pid = atoi(name);

				g_array_append_val(pids, pid);
			}
		}
		g_free(stat);
		g_free(path);
	}
	g_dir_close(dir);
	return pids;
}

static guint
count_children(GPid parent)
{
	GArray *pids = children_of(parent);
	guint n = pids->len;

	g_array_unref(pids);
	return n;
}

static char *
read_proc_file(GPid pid, const char *what, gsize *len)
{
	char *path = g_strdup_printf("/proc/%d/%s", (int) pid, what);
	char *contents = NULL;

	if (!g_file_get_contents(path, &contents, len, NULL)) {
		contents = NULL;
		*len = 0;
	}
	g_free(path);
	return contents;
}

static gboolean
mem_contains(const char *hay, gsize hay_len, const char *needle)
{
	return hay && memmem(hay, hay_len, needle, strlen(needle)) != NULL;
}

/* A loopback TCP port with a listener (listen_fd >= 0 returned) or, with
 * keep = FALSE, a port nobody listens on any more. */
static int
loopback_listener(gboolean keep, guint16 *out_port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g_assert_cmpint(bind(fd, (struct sockaddr *) &sin, sizeof(sin)), ==, 0);
	g_assert_cmpint(getsockname(fd, (struct sockaddr *) &sin, &len), ==, 0);
	g_assert_cmpint(listen(fd, 4), ==, 0);
	*out_port = ntohs(sin.sin_port);
	if (!keep) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Runs between fork and exec: if this test dies (a failed assertion
 * aborts it), the bus and the service go too. */
static void
child_die_with_test(gpointer data)
{
	(void) data;
	prctl(PR_SET_PDEATHSIG, SIGTERM);
}

/*****************************************************************************/
/* The private bus */

static void
write_bus_config(const char *path, const char *socket_path)
{
	GString *conf = g_string_new(NULL);
	char *policy = g_build_filename(g_getenv("top_srcdir") ? g_getenv("top_srcdir") : ".",
	                                "src", "service", "nm-sstp-service.conf", NULL);

	g_string_append_printf(conf,
	                        "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
	                        " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
	                        "<busconfig>\n"
	                        "  <type>system</type>\n"
	                        "  <listen>unix:path=%s</listen>\n"
	                        "  <auth>EXTERNAL</auth>\n"
	                        "  <policy context=\"default\">\n"
	                        "    <allow user=\"*\"/>\n"
	                        "    <deny own=\"*\"/>\n"
	                        "    <deny send_type=\"method_call\"/>\n"
	                        "    <allow send_type=\"signal\"/>\n"
	                        "    <allow send_requested_reply=\"true\" send_type=\"method_return\"/>\n"
	                        "    <allow send_requested_reply=\"true\" send_type=\"error\"/>\n"
	                        "    <allow receive_type=\"method_call\"/>\n"
	                        "    <allow receive_type=\"method_return\"/>\n"
	                        "    <allow receive_type=\"error\"/>\n"
	                        "    <allow receive_type=\"signal\"/>\n"
	                        "    <allow send_destination=\"org.freedesktop.DBus\"/>\n"
	                        "  </policy>\n",
	                        socket_path);
	if (getuid() == 0) {
		/* As on a real system bus: only the service's policy file lets
		 * root own the name and call it. */
		g_string_append_printf(conf, "  <include>%s</include>\n", policy);
	} else {
		g_test_message("not root: the policy file is not checked");
		g_string_append(conf, "  <policy context=\"default\">\n"
		                      "    <allow own_prefix=\"" SSTP_SERVICE "\"/>\n"
		                      "    <allow send_destination_prefix=\"" SSTP_SERVICE "\"/>\n"
		                      "  </policy>\n");
	}
	g_string_append(conf, "</busconfig>\n");
	g_assert_true(g_file_set_contents(path, conf->str, -1, NULL));
	g_string_free(conf, TRUE);
	g_free(policy);
}

static void
bus_start(void)
{
	char *config = g_build_filename(tmpdir, "bus.conf", NULL);
	char *socket_path = g_build_filename(tmpdir, "bus.socket", NULL);
	char *config_arg = g_strdup_printf("--config-file=%s", config);
	const char *argv[] = {"dbus-daemon", config_arg, "--nofork", "--print-address=1", NULL};
	GError *error = NULL;
	int out_fd = -1;
	GString *line = g_string_new(NULL);
	char c;

	write_bus_config(config, socket_path);
	g_assert_true(g_spawn_async_with_pipes(NULL, (char **) argv, NULL,
	                                       G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
	                                       child_die_with_test, NULL, &bus_pid, NULL, &out_fd, NULL, &error));
	g_assert_no_error(error);
	while (read(out_fd, &c, 1) == 1 && c != '\n')
		g_string_append_c(line, c);
	close(out_fd);
	g_assert_cmpuint(line->len, >, 0);
	bus_address = g_string_free(line, FALSE);
	g_free(config);
	g_free(socket_path);
	g_free(config_arg);
}

static void
bus_stop(void)
{
	int status;

	kill(bus_pid, SIGTERM);
	waitpid(bus_pid, &status, 0);
	g_spawn_close_pid(bus_pid);
}

/*****************************************************************************/
/* The service */

static void
on_signal(GDBusConnection *conn, const char *sender, const char *path, const char *iface,
          const char *member, GVariant *params, gpointer user_data)
{
	Service *svc = user_data;
	guint32 value;

	(void) conn;
	(void) sender;
	(void) path;
	(void) iface;
	if (strcmp(member, "Config") == 0 || strcmp(member, "Ip4Config") == 0
	    || strcmp(member, "Ip6Config") == 0 || strcmp(member, "SecretsRequired") == 0) {
		GVariant **slot = strcmp(member, "Config") == 0      ? &svc->config
		                  : strcmp(member, "Ip4Config") == 0 ? &svc->ip4_config
		                  : strcmp(member, "Ip6Config") == 0 ? &svc->ip6_config
		                                                     : &svc->secrets_required;

		g_clear_pointer(slot, g_variant_unref);
		*slot = g_variant_ref(params);
		return;
	}
	if (!g_variant_is_of_type(params, G_VARIANT_TYPE("(u)")))
		return;
	g_variant_get(params, "(u)", &value);
	if (strcmp(member, "StateChanged") == 0)
		g_array_append_val(svc->states, value);
	else if (strcmp(member, "Failure") == 0)
		g_array_append_val(svc->failures, value);
}

static void
on_service_exit(GPid pid, int status, gpointer user_data)
{
	Service *svc = user_data;

	(void) pid;
	svc->exited = TRUE;
	svc->wait_status = status;
	svc->child_watch = 0;
}

static gboolean
service_has_name(gpointer data)
{
	Service *svc = data;
	GVariant *ret;
	gboolean has = FALSE;

	ret = g_dbus_connection_call_sync(svc->conn, "org.freedesktop.DBus", "/org/freedesktop/DBus",
	                                  "org.freedesktop.DBus", "NameHasOwner",
	                                  g_variant_new("(s)", svc->bus_name), G_VARIANT_TYPE("(b)"),
	                                  G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
	if (ret) {
		g_variant_get(ret, "(b)", &has);
		g_variant_unref(ret);
	}
	if (svc->exited)
		g_error("nm-sstp-service exited before taking its bus name");
	return has;
}

/* tunnel: the worker to run (the real one, or the stand-in) */
static Service *
service_start_with(gboolean persist_debug, const char *tunnel)
{
	Service *svc = g_new0(Service, 1);
	GPtrArray *argv = g_ptr_array_new();
	char **envp;
	GError *error = NULL;
	int log_fd;

	svc->bus_name = g_strdup_printf(SSTP_SERVICE ".Connection_%u", ++name_counter);
	svc->log_path = g_strdup_printf("%s/service-%u.log", tmpdir, name_counter);
	svc->states = g_array_new(FALSE, FALSE, sizeof(guint32));
	svc->failures = g_array_new(FALSE, FALSE, sizeof(guint32));

	g_ptr_array_add(argv, service_bin);
	g_ptr_array_add(argv, "--bus-name");
	g_ptr_array_add(argv, svc->bus_name);
	g_ptr_array_add(argv, "--tunnel");
	g_ptr_array_add(argv, (char *) tunnel);
	g_ptr_array_add(argv, "--pppd-plugin");
	g_ptr_array_add(argv, plugin_so);
	if (persist_debug) {
		g_ptr_array_add(argv, "--debug");
		g_ptr_array_add(argv, "--persist");
	}
	g_ptr_array_add(argv, NULL);

	envp = g_get_environ();
	envp = g_environ_setenv(envp, "DBUS_SYSTEM_BUS_ADDRESS", bus_address, TRUE);
	/* What NetworkManager passes: everything, to stderr (our log file). */
	envp = g_environ_setenv(envp, "NM_VPN_LOG_LEVEL", "7", TRUE);
	envp = g_environ_setenv(envp, "NM_VPN_LOG_SYSLOG", "0", TRUE);
	if (service_real_sigsegv) {
		/* A sanitizer build: ASan would turn the SIGSEGV the test sends
		 * into a report and an exit; the test is about the kernel's core
		 * dump of a real signal death. */
		const char *asan = g_environ_getenv(envp, "ASAN_OPTIONS");
		g_autofree char *opts = g_strdup_printf("%s%shandle_segv=0", asan ? asan : "",
		                                        asan ? ":" : "");

		envp = g_environ_setenv(envp, "ASAN_OPTIONS", opts, TRUE);
	}

	log_fd = g_open(svc->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	g_assert_cmpint(log_fd, >=, 0);
	g_assert_true(g_spawn_async_with_fds(NULL, (char **) argv->pdata, envp,
	                                     G_SPAWN_DO_NOT_REAP_CHILD, child_die_with_test, NULL, &svc->pid, -1,
	                                     log_fd, log_fd, &error));
	g_assert_no_error(error);
	close(log_fd);
	svc->child_watch = g_child_watch_add(svc->pid, on_service_exit, svc);
	g_strfreev(envp);
	g_ptr_array_unref(argv);

	svc->conn = g_dbus_connection_new_for_address_sync(
	    bus_address,
	    G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
	    NULL, NULL, &error);
	g_assert_no_error(error);
	/* every signal of the plugin interface: StateChanged, Failure, Config, ... */
	svc->sub_other = g_dbus_connection_signal_subscribe(svc->conn, NULL, PLUGIN_IFACE, NULL,
	                                                    PLUGIN_PATH, NULL,
	                                                    G_DBUS_SIGNAL_FLAGS_NONE, on_signal, svc,
	                                                    NULL);
	iterate_until(service_has_name, svc, "the service's bus name");
	return svc;
}

static Service *
service_start(gboolean persist_debug)
{
	return service_start_with(persist_debug, tunnel_bin);
}

static gboolean
service_exited(gpointer data)
{
	return ((Service *) data)->exited;
}

static char *
service_log(Service *svc, gsize *len)
{
	char *contents = NULL;

	g_assert_true(g_file_get_contents(svc->log_path, &contents, len, NULL));
	return contents;
}

static void
service_free(Service *svc)
{
	if (!svc->exited) {
		kill(svc->pid, SIGTERM);
		iterate_until(service_exited, svc, "nm-sstp-service to exit");
	}
	g_spawn_close_pid(svc->pid);
	g_dbus_connection_signal_unsubscribe(svc->conn, svc->sub_other);
	g_clear_pointer(&svc->config, g_variant_unref);
	g_clear_pointer(&svc->ip4_config, g_variant_unref);
	g_clear_pointer(&svc->ip6_config, g_variant_unref);
	g_clear_pointer(&svc->secrets_required, g_variant_unref);
	g_dbus_connection_close_sync(svc->conn, NULL, NULL);
	g_object_unref(svc->conn);
	g_array_unref(svc->states);
	g_array_unref(svc->failures);
	g_unlink(svc->log_path);
	g_free(svc->log_path);
	g_free(svc->bus_name);
	g_free(svc);
}

static GVariant *
service_call(Service *svc, const char *method, GVariant *args, const char *reply_type,
             GError **error)
{
	return g_dbus_connection_call_sync(svc->conn, svc->bus_name, PLUGIN_PATH, PLUGIN_IFACE, method,
	                                   args, reply_type ? G_VARIANT_TYPE(reply_type) : NULL,
	                                   G_DBUS_CALL_FLAGS_NONE, HANG_GUARD_SECONDS * 1000, NULL,
	                                   error);
}

static gboolean
states_has(Service *svc, guint32 state)
{
	guint i;

	for (i = 0; i < svc->states->len; i++) {
		if (g_array_index(svc->states, guint32, i) == state)
			return TRUE;
	}
	return FALSE;
}

static gboolean
service_stopped(gpointer data)
{
	return states_has(data, NM_VPN_SERVICE_STATE_STOPPED);
}

/*****************************************************************************/
/* Connections */

/* pairs: key, value, ...; a key "secret:NAME" adds a secret, the key
 * "permission" restricts the connection to the user named by its value
 * (connection.permissions, as NetworkManager sets it for a user's own
 * profile). */
static GVariant *
connection_dict(const char *first_key, ...)
{
	NMConnection *conn = nm_simple_connection_new();
	NMSettingConnection *s_con = NM_SETTING_CONNECTION(nm_setting_connection_new());
	NMSettingVpn *s_vpn = NM_SETTING_VPN(nm_setting_vpn_new());
	NMSettingIPConfig *s_ip4 = NM_SETTING_IP_CONFIG(nm_setting_ip4_config_new());
	char *uuid = nm_utils_uuid_generate();
	const char *key;
	GVariant *dict;
	va_list ap;

	g_object_set(s_con, NM_SETTING_CONNECTION_ID, "test-service-dbus", NM_SETTING_CONNECTION_UUID,
	             uuid, NM_SETTING_CONNECTION_TYPE, NM_SETTING_VPN_SETTING_NAME, NULL);
	g_object_set(s_vpn, NM_SETTING_VPN_SERVICE_TYPE, SSTP_SERVICE, NULL);
	g_object_set(s_ip4, NM_SETTING_IP_CONFIG_METHOD, NM_SETTING_IP4_CONFIG_METHOD_AUTO, NULL);
	va_start(ap, first_key);
	for (key = first_key; key; key = va_arg(ap, const char *)) {
		const char *value = va_arg(ap, const char *);

		if (g_str_has_prefix(key, "secret:"))
			nm_setting_vpn_add_secret(s_vpn, key + strlen("secret:"), value);
		else if (strcmp(key, "permission") == 0)
			g_assert_true(nm_setting_connection_add_permission(s_con, "user", value, NULL));
		else
			nm_setting_vpn_add_data_item(s_vpn, key, value);
	}
	va_end(ap);
	nm_connection_add_setting(conn, NM_SETTING(s_con));
	nm_connection_add_setting(conn, NM_SETTING(s_vpn));
	nm_connection_add_setting(conn, NM_SETTING(s_ip4));
	dict = nm_connection_to_dbus(conn, NM_CONNECTION_SERIALIZE_ALL);
	g_object_unref(conn);
	g_free(uuid);
	return dict;
}

static char *
random_password(void)
{
	return g_strdup_printf("pw-%08x%08x-not-on-argv", g_random_int(), g_random_int());
}

/*****************************************************************************/
/* Tests */

static void
test_bad_settings(void)
{
	Service *svc = service_start(TRUE);
	GError *error = NULL;
	GVariant *ret;
	char *remote;

	ret = service_call(svc, "Connect",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", "127.0.0.1", "user", "bob",
	                                                 "mtu", "99999", "secret:password", "x",
	                                                 NULL)),
	                   NULL, &error);
	g_assert_null(ret);
	g_assert_nonnull(error);
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, "org.freedesktop.NetworkManager.VPN.Error.BadArguments");
	g_test_message("Connect error: %s", error->message);
	g_assert_nonnull(strstr(error->message, "mtu"));
	g_assert_nonnull(strstr(error->message, "99999"));
	g_free(remote);
	g_clear_error(&error);

	/* nothing was started */
	g_assert_cmpuint(count_children(svc->pid), ==, 0);

	/* a bad gateway is named as well */
	ret = service_call(svc, "Connect",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", "bad host name!", "user", "bob",
	                                                 "secret:password", "x", NULL)),
	                   NULL, &error);
	g_assert_null(ret);
	g_test_message("Connect error: %s", error->message);
	g_assert_nonnull(strstr(error->message, "gateway"));
	g_clear_error(&error);

	service_free(svc);
}

static void
test_need_secrets(void)
{
	Service *svc = service_start(TRUE);
	GError *error = NULL;
	GVariant *ret;
	const char *setting;

	ret = service_call(svc, "NeedSecrets",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", "127.0.0.1", "user", "bob", NULL)),
	                   "(s)", &error);
	g_assert_no_error(error);
	g_variant_get(ret, "(&s)", &setting);
	g_assert_cmpstr(setting, ==, NM_SETTING_VPN_SETTING_NAME);
	g_variant_unref(ret);

	ret = service_call(svc, "NeedSecrets",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", "127.0.0.1", "user", "bob",
	                                                 "secret:password", "x", NULL)),
	                   "(s)", &error);
	g_assert_no_error(error);
	g_variant_get(ret, "(&s)", &setting);
	g_assert_cmpstr(setting, ==, "");
	g_variant_unref(ret);

	/* not required: not asked */
	ret = service_call(svc, "NeedSecrets",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", "127.0.0.1", "user", "bob",
	                                                 "password-flags", "4", NULL)),
	                   "(s)", &error);
	g_assert_no_error(error);
	g_variant_get(ret, "(&s)", &setting);
	g_assert_cmpstr(setting, ==, "");
	g_variant_unref(ret);

	service_free(svc);
}

static void
test_connect_refused(void)
{
	Service *svc = service_start(TRUE);
	GError *error = NULL;
	GVariant *ret;
	guint16 port;
	char *gateway;
	char *log;
	gsize log_len;

	loopback_listener(FALSE, &port);
	gateway = g_strdup_printf("127.0.0.1:%u", port);
	ret = service_call(svc, "Connect",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", gateway, "user", "bob",
	                                                 "secret:password", "x",
	                                                 "some-unknown-key", "1", NULL)),
	                   NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);

	iterate_until(service_stopped, svc, "StateChanged(stopped)");
	/* exactly one failure, and it is connect-failed */
	g_assert_cmpuint(svc->failures->len, ==, 1);
	g_assert_cmpuint(g_array_index(svc->failures, guint32, 0), ==,
	                 NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
	g_assert_true(states_has(svc, NM_VPN_SERVICE_STATE_STARTING));
	/* the worker was reaped before the failure was reported */
	g_assert_cmpuint(count_children(svc->pid), ==, 0);

	log = service_log(svc, &log_len);
	g_test_message("service log:\n%s", log);
	g_assert_true(mem_contains(log, log_len, "some-unknown-key"));   /* warned, ignored */
	g_assert_true(mem_contains(log, log_len, "exit status 2"));      /* SSTP_EXIT_CONNECT */
	g_free(log);
	g_free(gateway);
	service_free(svc);
}

typedef struct {
	int listen_fd;
	int conn_fd;
} Accept;

static gboolean
accepted(gpointer data)
{
	Accept *a = data;

	a->conn_fd = accept4(a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	return a->conn_fd >= 0;
}

static gboolean
no_children(gpointer data)
{
	return count_children(*(GPid *) data) == 0;
}

/* Connects to a loopback listener that accepts TCP and then says nothing:
 * the worker sits in the TLS handshake. Returns the worker's pid. */
static GPid
connect_to_silent(Service *svc, const char *password, Accept *a)
{
	GError *error = NULL;
	GVariant *ret;
	guint16 port;
	char *gateway;
	GArray *kids;
	GPid worker;

	a->listen_fd = loopback_listener(TRUE, &port);
	g_assert_true(g_unix_set_fd_nonblocking(a->listen_fd, TRUE, NULL));
	gateway = g_strdup_printf("127.0.0.1:%u", port);
	ret = service_call(svc, "Connect",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", gateway, "user", "bob",
	                                                 "secret:password", password, NULL)),
	                   NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);
	g_free(gateway);

	iterate_until(accepted, a, "the worker's TCP connection");
	kids = children_of(svc->pid);
	g_assert_cmpuint(kids->len, ==, 1);
	worker = g_array_index(kids, GPid, 0);
	g_array_unref(kids);
	return worker;
}

static void
test_no_secret_on_argv(void)
{
	Service *svc = service_start(TRUE);
	char *password = random_password();
	Accept a = {-1, -1};
	GError *error = NULL;
	GVariant *ret;
	GPid worker;
	char *cmdline;
	char *environ_;
	char *log;
	gsize len;

	worker = connect_to_silent(svc, password, &a);

	cmdline = read_proc_file(worker, "cmdline", &len);
	g_assert_nonnull(cmdline);
	g_assert_true(mem_contains(cmdline, len, "nm-sstp-tunnel"));
	g_assert_true(mem_contains(cmdline, len, "--options-fd"));
	g_assert_false(mem_contains(cmdline, len, password));
	g_assert_false(mem_contains(cmdline, len, "127.0.0.1"));   /* no setting at all */
	g_free(cmdline);
	environ_ = read_proc_file(worker, "environ", &len);
	g_assert_nonnull(environ_);
	g_assert_false(mem_contains(environ_, len, password));
	g_free(environ_);

	ret = service_call(svc, "Disconnect", NULL, NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);
	iterate_until(service_stopped, svc, "StateChanged(stopped)");
	iterate_until(no_children, &svc->pid, "the worker to end after Disconnect");

	log = service_log(svc, &len);
	g_assert_true(len > 0);
	g_assert_false(mem_contains(log, len, password));
	g_free(log);

	close(a.conn_fd);
	close(a.listen_fd);
	g_free(password);
	service_free(svc);
}

/* Where kernel.core_pattern writes a file into the crashing process's own
 * folder ("core", "core.%p", ...): a test can then look there. The setting
 * is global and only read; with a pipe to a crash collector or a fixed
 * path the test skips. */
static gboolean
core_pattern_is_local(void)
{
	char *pattern = NULL;
	gboolean local;

	if (!g_file_get_contents("/proc/sys/kernel/core_pattern", &pattern, NULL, NULL))
		return FALSE;
	local = pattern[0] != '|' && !strchr(pattern, '/');
	g_free(pattern);
	return local;
}

static gboolean
dir_is_empty(const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	gboolean empty = dir && !g_dir_read_name(dir);

	if (dir)
		g_dir_close(dir);
	return empty;
}

/* Removes a folder of plain files (cores), if it exists. */
static void
remove_dir(const char *path)
{
	GDir *dir = g_dir_open(path, 0, NULL);
	const char *name;

	if (!dir)
		return;
	while ((name = g_dir_read_name(dir))) {
		char *file = g_build_filename(path, name, NULL);

		g_unlink(file);
		g_free(file);
	}
	g_dir_close(dir);
	g_rmdir(path);
}

static gboolean
runs_sleep(gpointer data)
{
	gsize len;
	char *comm = read_proc_file(*(GPid *) data, "comm", &len);
	gboolean is_sleep = comm && strcmp(comm, "sleep\n") == 0;

	g_free(comm);
	return is_sleep;
}

/* Control: does a plain process killed with SIGSEGV in dir dump core
 * there? If not, cores are off for some other reason here, and a service
 * leaving none would prove nothing. */
static gboolean
plain_process_dumps_core(const char *dir)
{
	const char *argv[] = {"sleep", "60", NULL};
	GError *error = NULL;
	GPid pid;
	int status = 0;

	g_assert_true(g_spawn_async(dir, (char **) argv, NULL,
	                            G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
	                            child_die_with_test, NULL, &pid, &error));
	g_assert_no_error(error);
	iterate_until(runs_sleep, &pid, "sleep to start");
	kill(pid, SIGSEGV);
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_spawn_close_pid(pid);
	return WIFSIGNALED(status) && WCOREDUMP(status) && !dir_is_empty(dir);
}

static gboolean
reaped(gpointer data)
{
	GPid pid = *(GPid *) data;

	return waitpid(pid, NULL, WNOHANG) == pid;
}

/* The service holds the passwords NetworkManager hands it: killed with
 * SIGSEGV while cores are allowed, it must leave none. Its worker ends
 * with it (PR_SET_PDEATHSIG) and, orphaned, comes to us, the subreaper. */
static void
test_no_core_dump(void)
{
	char *control_dir = g_build_filename(tmpdir, "core-control", NULL);
	char *service_dir = g_build_filename(tmpdir, "core-service", NULL);
	char *cwd = g_get_current_dir();
	char *password = random_password();
	struct rlimit saved, cores;
	Accept a = {-1, -1};
	Service *svc;
	GPid worker;

	if (!core_pattern_is_local()) {
		g_test_skip("core_pattern does not write into the crashing process's folder");
		goto out;
	}
	g_assert_cmpint(getrlimit(RLIMIT_CORE, &saved), ==, 0);
	if (saved.rlim_max == 0) {
		g_test_skip("the hard core size limit is 0 here: nothing can dump");
		goto out;
	}
	cores.rlim_cur = cores.rlim_max = saved.rlim_max;
	g_assert_cmpint(setrlimit(RLIMIT_CORE, &cores), ==, 0);
	g_assert_cmpint(g_mkdir(control_dir, 0700), ==, 0);
	g_assert_cmpint(g_mkdir(service_dir, 0700), ==, 0);
	if (!plain_process_dumps_core(control_dir)) {
		setrlimit(RLIMIT_CORE, &saved);
		g_test_skip("a plain process killed with SIGSEGV leaves no core here");
		goto out;
	}

	/* The service inherits the folder and the limit. */
	g_assert_cmpint(chdir(service_dir), ==, 0);
	service_real_sigsegv = TRUE;
	svc = service_start(TRUE);
	service_real_sigsegv = FALSE;
	g_assert_cmpint(chdir(cwd), ==, 0);
	setrlimit(RLIMIT_CORE, &saved);

	worker = connect_to_silent(svc, password, &a);
	kill(svc->pid, SIGSEGV);
	iterate_until(service_exited, svc, "nm-sstp-service to die of SIGSEGV");
	g_assert_true(WIFSIGNALED(svc->wait_status));
	g_assert_cmpint(WTERMSIG(svc->wait_status), ==, SIGSEGV);
	g_assert_false(WCOREDUMP(svc->wait_status));
	g_assert_true(dir_is_empty(service_dir));
	iterate_until(reaped, &worker, "the worker to end with its service");

	close(a.conn_fd);
	close(a.listen_fd);
	service_free(svc);
out:
	remove_dir(control_dir);
	remove_dir(service_dir);
	g_free(password);
	g_free(cwd);
	g_free(control_dir);
	g_free(service_dir);
}

/* Without --persist the service leaves once the connection is over, and
 * leaves nothing behind (the test is a subreaper: orphans would come here). */
static void
test_exit_after_failure(void)
{
	Service *svc = service_start(FALSE);
	GError *error = NULL;
	GVariant *ret;
	guint16 port;
	char *gateway;

	loopback_listener(FALSE, &port);
	gateway = g_strdup_printf("127.0.0.1:%u", port);
	ret = service_call(svc, "Connect",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", gateway, "user", "bob",
	                                                 "secret:password", "x", NULL)),
	                   NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);
	iterate_until(service_exited, svc, "nm-sstp-service to exit after the failure");
	/* Its last signals may still be on their way to us: Failure comes
	 * before StateChanged(stopped). */
	iterate_until(service_stopped, svc, "StateChanged(stopped)");
	g_assert_true(WIFEXITED(svc->wait_status));
	g_assert_cmpint(WEXITSTATUS(svc->wait_status), ==, 0);
	g_assert_cmpuint(svc->failures->len, ==, 1);
	g_assert_cmpuint(g_array_index(svc->failures, guint32, 0), ==,
	                 NM_VPN_PLUGIN_FAILURE_CONNECT_FAILED);
	g_assert_cmpuint(count_children(getpid()), ==, 1);   /* the bus daemon only */
	g_free(gateway);
	service_free(svc);
}

static void
test_sigterm_ends_worker(void)
{
	Service *svc = service_start(FALSE);
	Accept a = {-1, -1};
	GPid worker;
	char *path;

	worker = connect_to_silent(svc, "x", &a);
	g_assert_cmpint(kill(svc->pid, SIGTERM), ==, 0);
	iterate_until(service_exited, svc, "nm-sstp-service to exit on SIGTERM");
	g_assert_true(WIFEXITED(svc->wait_status));
	g_assert_cmpint(WEXITSTATUS(svc->wait_status), ==, 0);
	/* The worker ended before the service did: it was never handed to
	 * us (the subreaper), and it is gone. */
	g_assert_cmpint(waitpid(worker, NULL, WNOHANG), ==, -1);
	g_assert_cmpint(errno, ==, ECHILD);
	path = g_strdup_printf("/proc/%d", (int) worker);
	g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	g_free(path);
	g_assert_cmpuint(count_children(getpid()), ==, 1);

	close(a.conn_fd);
	close(a.listen_fd);
	service_free(svc);
}

static gboolean
service_started(gpointer data)
{
	return states_has(data, NM_VPN_SERVICE_STATE_STARTED);
}

static gboolean
secrets_asked(gpointer data)
{
	return ((Service *) data)->secrets_required != NULL;
}

static GVariant *
connect_interactive_args(GVariant *connection)
{
	GVariantBuilder details;

	g_variant_builder_init(&details, G_VARIANT_TYPE_VARDICT);
	return g_variant_new("(@a{sa{sv}}a{sv})", connection, &details);
}

/* A refused saved password: exactly one Failure, and it is login-failed
 * (libnm alone would send connect-failed after it, and NetworkManager
 * keeps the last reason). No new password is asked: it would be the same. */
static void
test_login_failed_saved_password(void)
{
	Service *svc = service_start_with(TRUE, fake_tunnel);
	GError *error = NULL;
	GVariant *ret;

	ret = service_call(svc, "ConnectInteractive",
	                   connect_interactive_args(connection_dict("gateway", "127.0.0.1", "user",
	                                                            "bob", "password-flags", "0",
	                                                            "secret:password", "wrong", NULL)),
	                   NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);
	iterate_until(service_stopped, svc, "StateChanged(stopped)");
	g_assert_cmpuint(svc->failures->len, ==, 1);
	g_assert_cmpuint(g_array_index(svc->failures, guint32, 0), ==,
	                 NM_VPN_PLUGIN_FAILURE_LOGIN_FAILED);
	g_assert_null(svc->secrets_required);
	g_assert_cmpuint(count_children(svc->pid), ==, 0);
	service_free(svc);
}

static GVariant *
dict_lookup_typed(GVariant *dict, const char *key, const char *type)
{
	GVariant *value = g_variant_lookup_value(dict, key, NULL);

	g_assert_nonnull(value);
	g_assert_cmpstr(g_variant_get_type_string(value), ==, type);
	return value;
}

/* A password typed each time (not saved) that the server refuses is asked
 * again (SecretsRequired with the hint "password"); the new one from
 * NewSecrets starts a new worker, and the tunnel's configuration reaches
 * D-Bus with the types NetworkManager reads. */
static void
test_ask_again_then_connect(void)
{
	Service *svc = service_start_with(TRUE, fake_tunnel);
	GError *error = NULL;
	GVariant *ret;
	GVariant *dict;
	GVariant *value;
	const char *message;
	const char **hints;
	guint32 addr;
	const guint8 *bytes;
	gsize n;

	ret = service_call(svc, "ConnectInteractive",
	                   connect_interactive_args(connection_dict("gateway", "127.0.0.1", "user",
	                                                            "bob", "password-flags", "2",
	                                                            "secret:password", "wrong", NULL)),
	                   NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);

	iterate_until(secrets_asked, svc, "SecretsRequired");
	g_variant_get(svc->secrets_required, "(&s^a&s)", &message, &hints);
	g_test_message("SecretsRequired: %s", message);
	g_assert_cmpstr(message, !=, "");
	g_assert_nonnull(hints);
	g_assert_cmpstr(hints[0], ==, "password");
	g_assert_null(hints[1]);
	g_free(hints);
	g_assert_cmpuint(svc->failures->len, ==, 0);
	g_assert_false(service_stopped(svc));

	ret = service_call(svc, "NewSecrets",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", "127.0.0.1", "user", "bob",
	                                                 "password-flags", "2", "secret:password",
	                                                 "right-password", NULL)),
	                   NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);
	iterate_until(service_started, svc, "StateChanged(started)");
	g_assert_cmpuint(svc->failures->len, ==, 0);

	/* Config */
	g_assert_nonnull(svc->config);
	dict = g_variant_get_child_value(svc->config, 0);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_CONFIG_TUNDEV, "s");
	g_assert_cmpstr(g_variant_get_string(value, NULL), ==, "ppp7");
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_CONFIG_EXT_GATEWAY, "u");
	addr = g_variant_get_uint32(value);
	g_assert_cmpmem(&addr, 4, "\x7f\x00\x00\x01", 4);   /* 127.0.0.1, network order */
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_CONFIG_MTU, "u");
	g_assert_cmpuint(g_variant_get_uint32(value), ==, 1400);
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_CONFIG_HAS_IP6, "b");
	g_assert_true(g_variant_get_boolean(value));
	g_variant_unref(value);
	g_variant_unref(dict);

	/* Ip4Config */
	g_assert_nonnull(svc->ip4_config);
	dict = g_variant_get_child_value(svc->ip4_config, 0);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_ADDRESS, "u");
	addr = g_variant_get_uint32(value);
	g_assert_cmpmem(&addr, 4, "\x0a\x4d\x00\x02", 4);   /* 10.77.0.2 */
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_PTP, "u");
	addr = g_variant_get_uint32(value);
	g_assert_cmpmem(&addr, 4, "\x0a\x4d\x00\x01", 4);
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_PREFIX, "u");
	g_assert_cmpuint(g_variant_get_uint32(value), ==, 32);
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_DNS, "au");
	g_assert_cmpuint(g_variant_n_children(value), ==, 1);
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_NBNS, "au");
	g_assert_cmpuint(g_variant_n_children(value), ==, 1);
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_IP4_CONFIG_NEVER_DEFAULT, "b");
	g_variant_unref(value);
	g_variant_unref(dict);

	/* Ip6Config */
	g_assert_nonnull(svc->ip6_config);
	dict = g_variant_get_child_value(svc->ip6_config, 0);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_IP6_CONFIG_ADDRESS, "ay");
	bytes = g_variant_get_fixed_array(value, &n, 1);
	g_assert_cmpmem(bytes, n, "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0\x02", 16);
	g_variant_unref(value);
	value = dict_lookup_typed(dict, NM_VPN_PLUGIN_IP6_CONFIG_PREFIX, "u");
	g_assert_cmpuint(g_variant_get_uint32(value), ==, 64);
	g_variant_unref(value);
	g_variant_unref(dict);

	ret = service_call(svc, "Disconnect", NULL, NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);
	iterate_until(service_stopped, svc, "StateChanged(stopped)");
	iterate_until(no_children, &svc->pid, "the worker to end after Disconnect");
	service_free(svc);
}

/*****************************************************************************/
/* The profile's files (nm-sstp-service-files.h): read as its user, refused
 * unless regular, handed on as private copies. */

/* NM_SSTP_RUNTIME_DIR of every service started here: the copies go there. */
static char *runtime_dir;
/* SSTP_FAKE_TUNNEL_WORDS: where the stand-in worker records its options
 * (set in main(): setenv() is not safe once GDBus has started threads). */
static char *fake_words;

/* A folder for a test's files that the user nobody can enter. */
static char *
files_dir_new(void)
{
	char *dir = g_dir_make_tmp("test-service-files-XXXXXX", NULL);

	g_assert_nonnull(dir);
	g_assert_cmpint(chmod(dir, 0755), ==, 0);
	return dir;
}

static char *
files_write(const char *dir, const char *name, const char *content, mode_t mode)
{
	char *path = g_build_filename(dir, name, NULL);

	g_assert_true(g_file_set_contents(path, content, -1, NULL));
	g_assert_cmpint(chmod(path, mode), ==, 0);
	return path;
}

/* Removes a folder of plain files, symlinks and FIFOs. */
static void
files_dir_remove(char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, name, NULL);

		g_unlink(path);
		g_free(path);
	}
	g_dir_close(d);
	g_assert_cmpint(g_rmdir(dir), ==, 0);
	g_free(dir);
}

static gboolean
have_nobody(void)
{
	if (geteuid() == 0 && getpwnam("nobody"))
		return TRUE;
	g_test_skip("needs root and the user nobody");
	return FALSE;
}

static gboolean
runtime_dir_is_empty(void)
{
	GDir *d = g_dir_open(runtime_dir, 0, NULL);
	gboolean empty;

	g_assert_nonnull(d);
	empty = g_dir_read_name(d) == NULL;
	g_dir_close(d);
	return empty;
}

/* The BadArguments message of a refused Connect; nothing was started. A
 * service that blocks (the FIFO case before the fix) fails the call after
 * timeout_seconds. */
static char *
connect_refused_message(Service *svc, GVariant *connection, int timeout_seconds)
{
	GError *error = NULL;
	GVariant *ret;
	char *remote;
	char *message;

	ret = g_dbus_connection_call_sync(svc->conn, svc->bus_name, PLUGIN_PATH, PLUGIN_IFACE,
	                                  "Connect", g_variant_new("(@a{sa{sv}})", connection), NULL,
	                                  G_DBUS_CALL_FLAGS_NONE, timeout_seconds * 1000, NULL, &error);
	g_assert_null(ret);
	g_assert_nonnull(error);
	g_test_message("Connect error: %s", error->message);
	remote = g_dbus_error_get_remote_error(error);
	g_assert_cmpstr(remote, ==, "org.freedesktop.NetworkManager.VPN.Error.BadArguments");
	g_dbus_error_strip_remote_error(error);
	message = g_strdup(error->message);
	g_free(remote);
	g_error_free(error);
	g_assert_cmpuint(count_children(svc->pid), ==, 0);
	return message;
}

/* message with path replaced by "PATH" (asserting the path is named) */
static char *
message_without_path(const char *message, const char *path)
{
	char **parts = g_strsplit(message, path, -1);
	char *joined;

	g_assert_cmpuint(g_strv_length(parts), >, 1);
	joined = g_strjoinv("PATH", parts);
	g_strfreev(parts);
	return joined;
}

/* A FIFO as tls-user-key: the service used to open it as root to see
 * whether the key is encrypted, and its main loop waited for a writer
 * forever. Now a clear error, at once; NeedSecrets does not hang either. */
static void
test_file_fifo(void)
{
	Service *svc = service_start(TRUE);
	char *dir = files_dir_new();
	char *cert = files_write(dir, "user.pem", "certificate\n", 0644);
	char *fifo = g_build_filename(dir, "user.key", NULL);
	GError *error = NULL;
	GVariant *ret;
	const char *setting;
	char *message;

	g_assert_cmpint(mkfifo(fifo, 0644), ==, 0);
	message = connect_refused_message(svc,
	                                  connection_dict("gateway", "127.0.0.1", "connection-type",
	                                                  "tls", "tls-user-cert", cert,
	                                                  "tls-user-key", fifo, NULL),
	                                  20);
	g_assert_nonnull(strstr(message, "tls-user-key"));
	g_assert_nonnull(strstr(message, "not a regular file"));
	g_free(message);

	ret = g_dbus_connection_call_sync(svc->conn, svc->bus_name, PLUGIN_PATH, PLUGIN_IFACE,
	                                  "NeedSecrets",
	                                  g_variant_new("(@a{sa{sv}})",
	                                                connection_dict("gateway", "127.0.0.1",
	                                                                "connection-type", "tls",
	                                                                "tls-user-cert", cert,
	                                                                "tls-user-key", fifo, NULL)),
	                                  G_VARIANT_TYPE("(s)"), G_DBUS_CALL_FLAGS_NONE, 20000, NULL,
	                                  &error);
	g_assert_no_error(error);
	g_variant_get(ret, "(&s)", &setting);
	g_assert_cmpstr(setting, ==, "");
	g_variant_unref(ret);

	service_free(svc);
	g_free(cert);
	g_free(fifo);
	files_dir_remove(dir);
}

/* A profile restricted to nobody naming a file only root can read: Connect
 * fails with exactly the message of a file that does not exist (the
 * service tells nobody nothing ls would not), and nothing is started. */
static void
test_file_root_only(void)
{
	Service *svc;
	char *dir;
	char *secret;
	char *missing;
	char *key;
	char *msg_secret, *msg_missing;
	char *a, *b;

	if (!have_nobody())
		return;
	svc = service_start(TRUE);
	dir = files_dir_new();
	secret = files_write(dir, "root-only.pem", "root-only\n", 0600);
	missing = g_build_filename(dir, "absent.pem", NULL);
	key = files_write(dir, "user.key", "key\n", 0644);

	msg_secret = connect_refused_message(
	    svc,
	    connection_dict("gateway", "127.0.0.1", "permission", "nobody", "connection-type", "tls",
	                    "tls-user-cert", secret, "tls-user-key", key, "tls-identity", "bob", NULL),
	    HANG_GUARD_SECONDS);
	msg_missing = connect_refused_message(
	    svc,
	    connection_dict("gateway", "127.0.0.1", "permission", "nobody", "connection-type", "tls",
	                    "tls-user-cert", missing, "tls-user-key", key, "tls-identity", "bob", NULL),
	    HANG_GUARD_SECONDS);
	a = message_without_path(msg_secret, secret);
	b = message_without_path(msg_missing, missing);
	g_assert_cmpstr(a, ==, b);
	g_assert_nonnull(strstr(a, "tls-user-cert"));
	g_assert_nonnull(strstr(a, "nobody"));

	service_free(svc);
	g_free(a);
	g_free(b);
	g_free(msg_secret);
	g_free(msg_missing);
	g_free(secret);
	g_free(missing);
	g_free(key);
	files_dir_remove(dir);
}

static const char *
need_secrets_setting(Service *svc, GVariant *connection)
{
	GError *error = NULL;
	GVariant *ret;
	const char *setting;
	const char *result;

	ret = service_call(svc, "NeedSecrets", g_variant_new("(@a{sa{sv}})", connection), "(s)",
	                   &error);
	g_assert_no_error(error);
	g_variant_get(ret, "(&s)", &setting);
	result = *setting ? NM_SETTING_VPN_SETTING_NAME : "";
	g_variant_unref(ret);
	return result;
}

/* Whether the key passphrase is asked for comes from what nobody can read:
 * an encrypted key only root can read gets the answer of a missing file. */
static void
test_file_need_secrets_as_user(void)
{
	Service *svc;
	char *dir;
	char *key;
	char *missing;
	g_autofree char *openssl = NULL;
	char *cmd;
	int status = -1;

	if (!have_nobody())
		return;
	openssl = g_find_program_in_path("openssl");
	if (!openssl) {
		g_test_skip("no openssl program to make a test key");
		return;
	}
	dir = files_dir_new();
	key = g_build_filename(dir, "encrypted.key", NULL);
	missing = g_build_filename(dir, "absent.key", NULL);
	cmd = g_strdup_printf("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 "
	                      "-aes-128-cbc -pass pass:test-passphrase -out %s", key);
	g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL));
	g_assert_cmpint(status, ==, 0);
	svc = service_start(TRUE);

	g_assert_cmpint(chmod(key, 0644), ==, 0);
	g_assert_cmpstr(need_secrets_setting(svc, connection_dict("gateway", "127.0.0.1", "permission",
	                                                          "nobody", "connection-type", "tls",
	                                                          "tls-user-key", key, NULL)),
	                ==, NM_SETTING_VPN_SETTING_NAME);
	g_assert_cmpint(chmod(key, 0600), ==, 0);
	g_assert_cmpstr(need_secrets_setting(svc, connection_dict("gateway", "127.0.0.1", "permission",
	                                                          "nobody", "connection-type", "tls",
	                                                          "tls-user-key", key, NULL)),
	                ==, "");
	g_assert_cmpstr(need_secrets_setting(svc, connection_dict("gateway", "127.0.0.1", "permission",
	                                                          "nobody", "connection-type", "tls",
	                                                          "tls-user-key", missing, NULL)),
	                ==, "");

	service_free(svc);
	g_free(cmd);
	g_free(key);
	g_free(missing);
	files_dir_remove(dir);
}

/* The word after `option` in the stand-in worker's record of its options. */
static char *
recorded_word_after(const char *words_path, const char *option)
{
	char *contents = NULL;
	char **lines;
	char *found = NULL;
	guint i;

	g_assert_true(g_file_get_contents(words_path, &contents, NULL, NULL));
	lines = g_strsplit(contents, "\n", -1);
	for (i = 0; lines[i] && lines[i + 1]; i++) {
		if (strcmp(lines[i], option) == 0 && !found)
			found = g_strdup(lines[i + 1]);
	}
	g_strfreev(lines);
	g_free(contents);
	g_assert_nonnull(found);
	return found;
}

static void
assert_contents(const char *path, const char *expected)
{
	char *contents = NULL;

	g_assert_true(g_file_get_contents(path, &contents, NULL, NULL));
	g_assert_cmpstr(contents, ==, expected);
	g_free(contents);
}

static void
swap_for_symlink(const char *path, const char *target)
{
	g_assert_cmpint(g_unlink(path), ==, 0);
	g_assert_cmpint(symlink(target, path), ==, 0);
}

/* A profile of nobody's with files nobody can read: the worker gets the
 * names of private copies with the same bytes. Once Connect has returned,
 * the user swaps each file for a symlink to a root-only file: root (the
 * worker, pppd) opening what it was given still reads what nobody could
 * read. Disconnect removes the copies. */
static void
test_file_private_copy(void)
{
	Service *svc;
	char *dir;
	char *ca, *cert, *key, *secret;
	char *ca_copy, *key_copy;
	GError *error = NULL;
	GVariant *ret;

	if (!have_nobody())
		return;
	dir = files_dir_new();
	ca = files_write(dir, "server-ca.pem", "CA nobody can read\n", 0644);
	cert = files_write(dir, "user.pem", "certificate nobody can read\n", 0644);
	key = files_write(dir, "user.key", "key nobody can read\n", 0644);
	secret = files_write(dir, "root-only", "ROOT ONLY\n", 0600);
	g_unlink(fake_words);
	svc = service_start_with(TRUE, fake_tunnel);

	ret = service_call(svc, "Connect",
	                   g_variant_new("(@a{sa{sv}})",
	                                 connection_dict("gateway", "127.0.0.1", "permission", "nobody",
	                                                 "connection-type", "tls", "ca-cert", ca,
	                                                 "tls-user-cert", cert, "tls-user-key", key,
	                                                 "tls-identity", "bob",
	                                                 "secret:tls-user-key-secret",
	                                                 "right-password", NULL)),
	                   NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);
	iterate_until(service_started, svc, "StateChanged(started)");

	ca_copy = recorded_word_after(fake_words, "--ca-cert");
	key_copy = recorded_word_after(fake_words, "key");
	swap_for_symlink(ca, secret);
	swap_for_symlink(key, secret);
	assert_contents(ca_copy, "CA nobody can read\n");
	assert_contents(key_copy, "key nobody can read\n");
	g_assert_true(g_str_has_prefix(ca_copy, runtime_dir));
	g_assert_true(g_str_has_prefix(key_copy, runtime_dir));

	ret = service_call(svc, "Disconnect", NULL, NULL, &error);
	g_assert_no_error(error);
	g_variant_unref(ret);
	iterate_until(service_stopped, svc, "StateChanged(stopped)");
	g_assert_false(g_file_test(key_copy, G_FILE_TEST_EXISTS));
	g_assert_true(runtime_dir_is_empty());

	service_free(svc);
	g_free(ca_copy);
	g_free(key_copy);
	g_unlink(fake_words);
	g_free(ca);
	g_free(cert);
	g_free(key);
	g_free(secret);
	files_dir_remove(dir);
}

int
main(int argc, char **argv)
{
	const char *builddir = g_getenv("top_builddir");
	char *bus_dir;
	int ret;

	g_test_init(&argc, &argv, NULL);

	service_bin = g_build_filename(builddir ? builddir : ".", "src", "service", "nm-sstp-service",
	                               NULL);
	tunnel_bin = g_build_filename(builddir ? builddir : ".", "src", "tunnel", "nm-sstp-tunnel",
	                              NULL);
	/* The worker checks that its pppd plugin exists before it connects;
	 * pppd itself is never reached here. */
	fake_tunnel = g_build_filename(g_getenv("top_srcdir") ? g_getenv("top_srcdir") : ".", "tests",
	                               "unit", "test-service-fake-tunnel.sh", NULL);
	plugin_so = g_build_filename(builddir ? builddir : ".", "src", "pppd-plugin", ".libs",
	                             "nm-sstp-pppd-plugin.so", NULL);
	if (!g_file_test(service_bin, G_FILE_TEST_IS_EXECUTABLE)
	    || !g_file_test(tunnel_bin, G_FILE_TEST_IS_EXECUTABLE)
	    || !g_file_test(plugin_so, G_FILE_TEST_EXISTS)) {
		g_test_skip("nm-sstp-service, nm-sstp-tunnel or the pppd plugin is not built");
		return g_test_run();
	}
	bus_dir = g_find_program_in_path("dbus-daemon");
	if (!bus_dir) {
		g_test_skip("no dbus-daemon");
		return g_test_run();
	}
	g_free(bus_dir);

	/* Orphaned processes come to us, so "nothing left behind" is checkable. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	tmpdir = g_dir_make_tmp("test-service-dbus-XXXXXX", NULL);
	g_assert_nonnull(tmpdir);
	runtime_dir = g_build_filename(tmpdir, "run", NULL);
	g_assert_cmpint(g_mkdir(runtime_dir, 0700), ==, 0);
	g_setenv("NM_SSTP_RUNTIME_DIR", runtime_dir, TRUE);
	fake_words = g_build_filename(tmpdir, "fake-tunnel-words", NULL);
	g_setenv("SSTP_FAKE_TUNNEL_WORDS", fake_words, TRUE);
	bus_start();

	g_test_add_func("/service/dbus/bad-settings", test_bad_settings);
	g_test_add_func("/service/dbus/need-secrets", test_need_secrets);
	g_test_add_func("/service/dbus/connect-refused", test_connect_refused);
	g_test_add_func("/service/dbus/no-secret-on-argv", test_no_secret_on_argv);
	g_test_add_func("/service/dbus/exit-after-failure", test_exit_after_failure);
	g_test_add_func("/service/dbus/sigterm-ends-worker", test_sigterm_ends_worker);
	g_test_add_func("/service/dbus/login-failed-saved-password", test_login_failed_saved_password);
	g_test_add_func("/service/dbus/ask-again-then-connect", test_ask_again_then_connect);
	g_test_add_func("/service/dbus/no-core-dump", test_no_core_dump);
	g_test_add_func("/service/dbus/file-fifo", test_file_fifo);
	g_test_add_func("/service/dbus/file-root-only", test_file_root_only);
	g_test_add_func("/service/dbus/file-need-secrets-as-user", test_file_need_secrets_as_user);
	g_test_add_func("/service/dbus/file-private-copy", test_file_private_copy);
	ret = g_test_run();

	bus_stop();
	{
		char *conf = g_build_filename(tmpdir, "bus.conf", NULL);
		char *sock = g_build_filename(tmpdir, "bus.socket", NULL);

		g_unlink(conf);
		g_unlink(sock);
		g_free(conf);
		g_free(sock);
	}
	g_rmdir(runtime_dir);
	g_free(runtime_dir);
	g_unlink(fake_words);
	g_free(fake_words);
	g_rmdir(tmpdir);
	g_free(tmpdir);
	g_free(bus_address);
	g_free(service_bin);
	g_free(tunnel_bin);
	g_free(plugin_so);
	g_free(fake_tunnel);
	return ret;
}
