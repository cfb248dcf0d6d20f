/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nm-sstp-tunnel's command line (src/tunnel/tunnel-options.c): a contract. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tunnel-options.h"

#define DEF_PPPD "/usr/sbin/pppd"
#define DEF_PLUGIN "/usr/lib/pppd/2.4.9/nm-sstp-pppd-plugin.so"

/* Parse a command line given as one string with words separated by '|'. */
static int
parse(struct tunnel_options *o, const char *line, bool from_stream, char *err, size_t err_len)
{
	char **words = g_strsplit(line, "|", -1);
	int r;

	tunnel_options_init(o);
	r = tunnel_options_parse(o, (int) g_strv_length(words), words, from_stream, err, err_len);
	if (r == 0)
		r = tunnel_options_finish(o, DEF_PPPD, DEF_PLUGIN, err, err_len);
	g_strfreev(words);
	return r;
}

static void
expect_error(const char *line, bool from_stream, const char *needle)
{
	struct tunnel_options o;
	char err[512] = "";

	if (parse(&o, line, from_stream, err, sizeof(err)) == 0)
		g_error("\"%s\" was accepted", line);
	if (!strstr(err, needle))
		g_error("\"%s\": error \"%s\" lacks \"%s\"", line, err, needle);
	tunnel_options_clear(&o);
}

static void
test_minimal(void)
{
	struct tunnel_options o;
	char err[256];

	g_assert_cmpint(parse(&o, "vpn.example.com", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.server, ==, "vpn.example.com");
	g_assert_cmpuint(o.port, ==, 443);
	g_assert_false(o.server_is_ip);
	g_assert_cmpstr(o.host, ==, "vpn.example.com");   /* defaults to the server name */
	g_assert_cmpint(o.tls_min, ==, 12);
	g_assert_cmpuint(o.hello_seconds, ==, 60);
	g_assert_cmpstr(o.pppd_path, ==, DEF_PPPD);
	g_assert_cmpstr(o.pppd_plugin, ==, DEF_PLUGIN);
	g_assert_false(o.no_verify);
	g_assert_false(o.has_pin);
	g_assert_false(o.no_dhcp_inform);   /* DHCPINFORM is on unless turned off */
	g_assert_cmpint(o.options_fd, ==, -1);
	g_assert_cmpint(o.status_fd, ==, -1);
	g_assert_cmpuint(o.n_pppd_args, ==, 0);
	tunnel_options_clear(&o);
}

static void
test_servers(void)
{
	struct tunnel_options o;
	char err[256];

	g_assert_cmpint(parse(&o, "vpn.example.com:8443", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.server, ==, "vpn.example.com");
	g_assert_cmpuint(o.port, ==, 8443);
	tunnel_options_clear(&o);

	g_assert_cmpint(parse(&o, "192.0.2.7", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.server, ==, "192.0.2.7");
	g_assert_true(o.server_is_ip);
	g_assert_null(o.host);   /* no name to send as SNI */
	tunnel_options_clear(&o);

	g_assert_cmpint(parse(&o, "[2001:db8::1]:444", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.server, ==, "2001:db8::1");
	g_assert_cmpuint(o.port, ==, 444);
	g_assert_true(o.server_is_ip);
	tunnel_options_clear(&o);

	g_assert_cmpint(parse(&o, "[::1]", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.server, ==, "::1");
	g_assert_cmpuint(o.port, ==, 443);
	tunnel_options_clear(&o);

	g_assert_cmpint(parse(&o, "--host|vpn.example.com|192.0.2.7:443", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.host, ==, "vpn.example.com");
	tunnel_options_clear(&o);

	expect_error("vpn.example.com:0", false, "port");
	expect_error("vpn.example.com:65536", false, "port");
	expect_error("vpn.example.com:12a", false, "port");
	expect_error("2001:db8::1:443x", false, "server");
	expect_error("[2001:db8::1", false, "]");
	expect_error("[vpn.example.com]", false, "IPv6");
	expect_error("bad_name!.com", false, "invalid server");
	expect_error("a..b", false, "invalid server");
	/* International names: the worker has no IDNA conversion (no GLib).
	 * The service hands it the settings table's xn-- form; by hand, the
	 * error says to give that form. */
	expect_error("b\xc3\xbc" "cher.example", false, "ASCII form (xn--");
	expect_error("b\xc3\xbc" "cher.example:444", false, "invalid server");
	expect_error("--host|b\xc3\xbc" "cher.example|192.0.2.7", false, "ASCII form (xn--");
	expect_error("--proxy|http://b\xc3\xbc" "cher.example:3128|vpn.example.com", false, "xn--");
	g_assert_cmpint(parse(&o, "xn--bcher-kva.example", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.server, ==, "xn--bcher-kva.example");
	g_assert_false(o.server_is_ip);
	tunnel_options_clear(&o);
	g_assert_cmpint(parse(&o, "--host|xn--bcher-kva.example|192.0.2.7", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.host, ==, "xn--bcher-kva.example");
	tunnel_options_clear(&o);

	/* sstpc's form: bare words after the server are pppd options. */
	g_assert_cmpint(parse(&o, "a|b|--debug|c", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.server, ==, "a");
	g_assert_cmpuint(o.n_pppd_args, ==, 2);
	g_assert_cmpstr(o.pppd_args[0], ==, "b");
	g_assert_cmpstr(o.pppd_args[1], ==, "c");
	g_assert_true(o.debug);
	tunnel_options_clear(&o);
	expect_error("", false, "no server");
	expect_error("--debug", false, "no server");
}

static void
test_all_options(void)
{
	struct tunnel_options o;
	char err[256];
	static const uint8_t pin[32] = { 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89,
	                                 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89,
	                                 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89,
	                                 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89 };

	g_assert_cmpint(parse(&o,
	                      "--ca-cert|/etc/ca.pem|--host=vpn.internal|--no-sni|--tls-min|1.3"
	                      "|--proxy|http://proxy.lan:3128|--proxy-user|pu|--proxy-password-file|/p"
	                      "|--user|DOM\\bob|--password-file|-|--hello|30|--pppd|/opt/pppd"
	                      "|--pppd-plugin|/opt/p.so|--debug|--status-fd|4|--no-dhcp-inform"
	                      "|--no-peer-dns|--uuid|9d5e7c1a-2b4f-4e61-8a3c-6f0d2e9b1c57"
	                      "|--pin-sha256|AB:CD:EF:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:"
	                      "abcdef0123456789abcdef0123456789"
	                      "|vpn.example.com|--|refuse-eap|+ipv6|--|x",
	                      false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.ca_cert, ==, "/etc/ca.pem");
	g_assert_cmpstr(o.host, ==, "vpn.internal");
	g_assert_true(o.no_sni);
	g_assert_cmpint(o.tls_min, ==, 13);
	g_assert_cmpstr(o.proxy_host, ==, "proxy.lan");
	g_assert_cmpuint(o.proxy_port, ==, 3128);
	g_assert_cmpstr(o.proxy_user, ==, "pu");
	g_assert_cmpstr(o.proxy_password_file, ==, "/p");
	g_assert_cmpstr(o.user, ==, "DOM\\bob");
	g_assert_cmpstr(o.password_file, ==, "-");
	g_assert_cmpuint(o.hello_seconds, ==, 30);
	g_assert_cmpstr(o.pppd_path, ==, "/opt/pppd");
	g_assert_cmpstr(o.pppd_plugin, ==, "/opt/p.so");
	g_assert_true(o.debug);
	g_assert_cmpint(o.status_fd, ==, 4);
	g_assert_true(o.no_dhcp_inform);
	g_assert_true(o.no_peer_dns);
	g_assert_cmpstr(o.correlation_id, ==, "{9D5E7C1A-2B4F-4E61-8A3C-6F0D2E9B1C57}");
	g_assert_true(o.has_pin);
	g_assert_cmpmem(o.pin_sha256, 32, pin, 32);
	/* everything after the first "--" goes to pppd untouched, even "--" */
	g_assert_cmpuint(o.n_pppd_args, ==, 4);
	g_assert_cmpstr(o.pppd_args[0], ==, "refuse-eap");
	g_assert_cmpstr(o.pppd_args[1], ==, "+ipv6");
	g_assert_cmpstr(o.pppd_args[2], ==, "--");
	g_assert_cmpstr(o.pppd_args[3], ==, "x");
	g_assert_null(o.pppd_args[4]);
	tunnel_options_clear(&o);

	g_assert_cmpint(parse(&o, "--proxy|http://[2001:db8::5]:8080/|s", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.proxy_host, ==, "2001:db8::5");
	g_assert_cmpuint(o.proxy_port, ==, 8080);
	tunnel_options_clear(&o);

	g_assert_cmpint(parse(&o, "--help", false, err, sizeof(err)), ==, 0);
	g_assert_true(o.show_help);
	tunnel_options_clear(&o);
	g_assert_cmpint(parse(&o, "--version", false, err, sizeof(err)), ==, 0);
	g_assert_true(o.show_version);
	tunnel_options_clear(&o);
}

static void
test_bad_values(void)
{
	expect_error("--tls-min|1.1|s", false, "--tls-min");
	expect_error("--hello|0|s", false, "--hello");
	expect_error("--uuid||s", false, "--uuid");
	expect_error("--uuid|a\nb|s", false, "--uuid");
	expect_error("--hello|99999|s", false, "--hello");
	expect_error("--hello|ten|s", false, "--hello");
	expect_error("--pin-sha256|abcd|s", false, "64 hex");
	expect_error("--pin-sha256|zz|s", false, "64 hex");
	/* a colon inside a byte is not a fingerprint (OPENSSL_hexstr2buf) */
	expect_error("--pin-sha256|0:123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0|s",
	             false, "64 hex");
	expect_error("--hello|4|s", false, "from 5 to 3600");
	expect_error("--proxy|proxy:3128|s", false, "http://");
	expect_error("--proxy|http://proxy|s", false, "port");
	expect_error("--proxy|http://u:p@proxy:1|s", false, "--proxy-user");
	expect_error("--proxy|http://proxy:1/path|s", false, "no path");
	expect_error("--pppd|pppd|s", false, "absolute");
	expect_error("--host|a b|s", false, "--host");
	expect_error("--frobnicate|s", false, "unknown option");
	expect_error("-x|s", false, "unknown option");
	expect_error("--debug=yes|s", false, "takes no value");
	expect_error("--user", false, "needs a value");
	expect_error("--status-fd|-1|s", false, "file descriptor");
	expect_error("--user|a\tb|s", false, "--user");
	/* combinations */
	expect_error("--no-verify|--pin-sha256|" "0000000000000000000000000000000000000000000000000000000000000000|s",
	             false, "contradict");
	expect_error("--password-file|/x|s", false, "needs --user");
	expect_error("--proxy-user|u|s", false, "need --proxy");
	expect_error("--options-fd|3|--status-fd|3|s", false, "must differ");
}

/* sstpc's spellings (sstpc(8)) that mean what ours do. */
static void
test_sstpc_spellings(void)
{
	struct tunnel_options o;
	char err[256];

	g_assert_cmpint(parse(&o, "--cert-warn|--tls-ext|--log-stderr|s", false, err, sizeof(err)), ==, 0);
	g_assert_true(o.no_verify);
	g_assert_false(o.no_sni);
	tunnel_options_clear(&o);

	g_assert_cmpint(parse(&o, "--ca-path|/etc/ssl/certs|s", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.ca_cert, ==, "/etc/ssl/certs");
	tunnel_options_clear(&o);
	g_assert_cmpint(parse(&o, "--ca-dir|/etc/ssl/certs|s", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.ca_cert, ==, "/etc/ssl/certs");
	tunnel_options_clear(&o);

	g_assert_cmpint(parse(&o, "--log-level|2|s", false, err, sizeof(err)), ==, 0);
	g_assert_false(o.debug);
	tunnel_options_clear(&o);
	g_assert_cmpint(parse(&o, "--log-level|4|s", false, err, sizeof(err)), ==, 0);
	g_assert_true(o.debug);
	tunnel_options_clear(&o);
	expect_error("--log-level|9|s", false, "--log-level");

	g_assert_cmpint(parse(&o, "--uuid|0f2c6a1e-93b4-4c3a-8e1d-2b7f90a1c4d5|s", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.correlation_id, ==, "{0F2C6A1E-93B4-4C3A-8E1D-2B7F90A1C4D5}");
	tunnel_options_clear(&o);
	g_assert_cmpint(parse(&o, "--uuid|{0f2c6a1e-93b4-4c3a-8e1d-2b7f90a1c4d5}|s", false, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.correlation_id, ==, "{0F2C6A1E-93B4-4C3A-8E1D-2B7F90A1C4D5}");
	tunnel_options_clear(&o);
	expect_error("--uuid|not-a-uuid|s", false, "not a UUID");
	expect_error("--uuid|{0f2c6a1e-93b4-4c3a-8e1d-2b7f90a1c4d5\r\nX: y}|s", false, "not a UUID");

	/* sstpc options with no counterpart say why, and --password stays refused. */
	expect_error("--nolaunchpppd|s", false, "sstpc option");
	expect_error("--priv-user|nobody|s", false, "sstpc option");
	expect_error("--user|bob|--password|secret|s", false, "use --password-file");
}

static void
test_secrets_only_in_stream(void)
{
	struct tunnel_options o;
	char err[256];

	expect_error("--user|bob|--password|secret|s", false, "not accepted on the command line");
	expect_error("--proxy|http://p:1|--proxy-user|u|--proxy-password|x|s", false,
	             "not accepted on the command line");
	expect_error("--options-fd|3|s", true, "not accepted in the options stream");

	g_assert_cmpint(parse(&o, "--user|bob|--password|s3cr=t \xc3\xa9|s", true, err, sizeof(err)), ==, 0);
	g_assert_cmpstr(o.password, ==, "s3cr=t \xc3\xa9");
	tunnel_options_clear(&o);
	g_assert_null(o.password);

	/* a password that cannot cross the plugin socket is refused early */
	expect_error("--user|bob|--password|a\nb|s", true, "control character");
}

static void
test_stream(void)
{
	struct tunnel_options o;
	char err[256];
	char stream[] = "--ca-cert\0/etc/ca.pem\0--user\0bob\0--password\0pw\0vpn.example.com\0--\0refuse-eap\0";
	char bad[] = "--user\0bob";   /* last word not terminated */

	tunnel_options_init(&o);
	/* the command line gave only the fds */
	g_assert_cmpint(tunnel_options_parse(&o, 4, (char *[]) { "--options-fd", "3", "--status-fd", "4" },
	                                     false, err, sizeof(err)), ==, 0);
	g_assert_cmpint(tunnel_options_parse_stream(&o, stream, sizeof(stream) - 1, err, sizeof(err)), ==, 0);
	g_assert_cmpint(tunnel_options_finish(&o, DEF_PPPD, DEF_PLUGIN, err, sizeof(err)), ==, 0);
	g_assert_cmpint(o.options_fd, ==, 3);
	g_assert_cmpint(o.status_fd, ==, 4);
	g_assert_cmpstr(o.ca_cert, ==, "/etc/ca.pem");
	g_assert_cmpstr(o.user, ==, "bob");
	g_assert_cmpstr(o.password, ==, "pw");
	g_assert_cmpstr(o.server, ==, "vpn.example.com");
	g_assert_cmpuint(o.n_pppd_args, ==, 1);
	g_assert_cmpstr(o.pppd_args[0], ==, "refuse-eap");
	tunnel_options_clear(&o);

	tunnel_options_init(&o);
	g_assert_cmpint(tunnel_options_parse_stream(&o, bad, sizeof(bad) - 1, err, sizeof(err)), ==, -1);
	g_assert_nonnull(strstr(err, "NUL"));
	tunnel_options_clear(&o);

	/* the server may not be given twice (argv and stream) */
	tunnel_options_init(&o);
	g_assert_cmpint(tunnel_options_parse(&o, 1, (char *[]) { "a.example" }, false, err, sizeof(err)), ==, 0);
	{
		char s2[] = "b.example\0";
		g_assert_cmpint(tunnel_options_parse_stream(&o, s2, sizeof(s2) - 1, err, sizeof(err)), ==, -1);
	}
	tunnel_options_clear(&o);
}

static void
test_secret_file(void)
{
	char err[256];
	char *dir = g_dir_make_tmp("tunnel-opt-XXXXXX", NULL);
	char *path = g_build_filename(dir, "pw", NULL);
	char *pw;

	umask(077);
	g_assert_true(g_file_set_contents(path, "first line pw\r\nsecond\n", -1, NULL));
	g_chmod(path, 0600);
	pw = tunnel_read_secret_file(path, err, sizeof(err));
	g_assert_cmpstr(pw, ==, "first line pw");
	g_free(pw);

	g_assert_true(g_file_set_contents(path, "no newline", -1, NULL));
	pw = tunnel_read_secret_file(path, err, sizeof(err));
	g_assert_cmpstr(pw, ==, "no newline");
	g_free(pw);

	g_assert_true(g_file_set_contents(path, "tab\there\n", -1, NULL));
	g_assert_null(tunnel_read_secret_file(path, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "control character"));

	{
		char *big = g_strnfill(300, 'x');
		g_assert_true(g_file_set_contents(path, big, -1, NULL));
		g_assert_null(tunnel_read_secret_file(path, err, sizeof(err)));
		g_assert_nonnull(strstr(err, "longer than"));
		g_free(big);
	}
	g_unlink(path);
	g_assert_null(tunnel_read_secret_file(path, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "cannot open"));
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tunnel-options/minimal", test_minimal);
	g_test_add_func("/tunnel-options/servers", test_servers);
	g_test_add_func("/tunnel-options/all", test_all_options);
	g_test_add_func("/tunnel-options/bad-values", test_bad_values);
	g_test_add_func("/tunnel-options/sstpc-spellings", test_sstpc_spellings);
	g_test_add_func("/tunnel-options/secrets-only-in-stream", test_secrets_only_in_stream);
	g_test_add_func("/tunnel-options/stream", test_stream);
	g_test_add_func("/tunnel-options/secret-file", test_secret_file);
	return g_test_run();
}
