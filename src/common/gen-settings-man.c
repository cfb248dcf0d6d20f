/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Prints the nm-sstp-settings(5) man page (troff) from the key table in
 * nm-sstp-settings.c, so the page lists exactly the keys the code knows.
 * Run at build time; output on stdout.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "nm-sstp-settings.h"

/* Print text for troff: backslashes doubled as \e, a leading '.' or '\''
 * protected with \&, and with `dashes` every '-' as \- (option and key
 * names, so that they can be copied from a terminal). */
static void
man_text(const char *s, int dashes)
{
	const char *p;

	if (s[0] == '.' || s[0] == '\'')
		fputs("\\&", stdout);
	for (p = s; *p; p++) {
		if (*p == '\\')
			fputs("\\e", stdout);
		else if (*p == '-' && dashes)
			fputs("\\-", stdout);
		else if (*p == '\n')
			fputs(" ", stdout);
		else
			putchar(*p);
	}
}

static const char *
man_type_name(const NMSstpKey *key)
{
	switch (key->type) {
	case NM_SSTP_KEY_STRING:       return "string";
	case NM_SSTP_KEY_BOOL:         return "yes or no";
	case NM_SSTP_KEY_UINT:         return "number";
	case NM_SSTP_KEY_ENUM:         return "one of";
	case NM_SSTP_KEY_PATH:         return "absolute name of a regular file (see FILES)";
	case NM_SSTP_KEY_SECRET:       return "secret (vpn.secrets)";
	case NM_SSTP_KEY_SECRET_FLAGS: return "secret flags";
	case NM_SSTP_KEY_HOSTPORT:     return "host[:port]";
	case NM_SSTP_KEY_HOST:         return "host";
	case NM_SSTP_KEY_SHA256_HEX:   return "SHA-256 hex";
	}
	return "value";
}

/* The line under the key name: type, allowed values, default, range. */
static void
man_key_facts(const NMSstpKey *key)
{
	gsize i;

	man_text(man_type_name(key), 0);
	if (key->flags & NM_SSTP_KEY_FLAG_PKCS11)
		fputs(", or a PKCS#11 URI (see PKCS#11)", stdout);
	if (key->type == NM_SSTP_KEY_ENUM && key->enum_values) {
		fputs(" ", stdout);
		for (i = 0; key->enum_values[i]; i++) {
			if (i)
				fputs(" | ", stdout);
			fputs("\\fB", stdout);
			man_text(key->enum_values[i], 1);
			fputs("\\fR", stdout);
		}
	}
	if (key->type == NM_SSTP_KEY_UINT || key->type == NM_SSTP_KEY_SECRET_FLAGS)
		printf(" %u..%u", key->min, key->max);
	else if (key->max && (key->type == NM_SSTP_KEY_STRING || key->type == NM_SSTP_KEY_SECRET))
		printf(", at most %u bytes", key->max);
	fputs("; default: ", stdout);
	if (key->default_value) {
		fputs("\\fB", stdout);
		man_text(key->default_value, 1);
		fputs("\\fR", stdout);
	} else
		fputs("unset", stdout);
	if (key->flags & NM_SSTP_KEY_FLAG_REQUIRED)
		fputs("; required", stdout);
	if (key->flags & NM_SSTP_KEY_FLAG_ALSO_SECRET)
		fputs("; in vpn.data or vpn.secrets", stdout);
	fputs(".\n", stdout);
}

static void
man_key_mapping(const NMSstpKey *key)
{
	const char *where = NULL;

	switch (key->map) {
	case NM_SSTP_MAP_NONE:
		break;
	case NM_SSTP_MAP_WORKER_VALUE:
		where = "nm\\-sstp\\-tunnel option ";
		break;
	case NM_SSTP_MAP_WORKER_IF_YES:
		where = "when yes, nm\\-sstp\\-tunnel option ";
		break;
	case NM_SSTP_MAP_WORKER_IF_NO:
		where = "when no, nm\\-sstp\\-tunnel option ";
		break;
	case NM_SSTP_MAP_PPPD_VALUE:
		where = "pppd option ";
		break;
	case NM_SSTP_MAP_PPPD_IF_YES:
		where = "when yes, pppd option ";
		break;
	case NM_SSTP_MAP_CUSTOM:
		where = "";
		break;
	}
	if (!key->option && !where)
		return;
	fputs(".br\nPassed as: ", stdout);
	if (where)
		fputs(where, stdout);
	if (key->option) {
		fputs("\\fB", stdout);
		man_text(key->option, 1);
		fputs("\\fR", stdout);
	}
	fputs(".\n", stdout);
}

static void
man_key(const NMSstpKey *key)
{
	fputs(".TP\n.B ", stdout);
	man_text(key->name, 1);
	fputs("\n", stdout);
	man_key_facts(key);
	/* The description says it all; the summary (for tooltips) would say the
	 * same words twice. */
	fputs(".br\n", stdout);
	man_text(key->description, 0);
	fputs("\n", stdout);
	if (key->flags & NM_SSTP_KEY_FLAG_TLS_ONLY)
		fputs(".br\nUsed only with connection\\-type \\fBtls\\fR.\n", stdout);
	if (key->flags & NM_SSTP_KEY_FLAG_PASSWORD_ONLY)
		fputs(".br\nUsed only with connection\\-type \\fBpassword\\fR.\n", stdout);
	if (key->flags & NM_SSTP_KEY_FLAG_PPPD_2_5)
		fputs(".br\nNeeds pppd 2.5 or later.\n", stdout);
	if (key->flags & NM_SSTP_KEY_FLAG_NO_EFFECT)
		fputs(".br\nAccepted for compatibility; has no effect.\n", stdout);
	if (key->flags_key) {
		fputs(".br\nIts secret flags are in \\fB", stdout);
		man_text(key->flags_key, 1);
		fputs("\\fR.\n", stdout);
	}
	if (key->legacy_alias) {
		fputs(".br\nOld spelling, still read: \\fB", stdout);
		man_text(key->legacy_alias, 1);
		fputs("\\fR.\n", stdout);
	}
	man_key_mapping(key);
}

/* How the service reads the files the keys of type PATH name
 * (src/service/nm-sstp-service-files.h). */
static void
man_files_section(const NMSstpKey *keys, gsize n)
{
	gsize i;
	int first = 1;

	fputs(".SH FILES\nThe keys that name a file (", stdout);
	for (i = 0; i < n; i++) {
		if (keys[i].type != NM_SSTP_KEY_PATH)
			continue;
		fputs(first ? "\\fB" : ", \\fB", stdout);
		man_text(keys[i].name, 1);
		fputs("\\fR", stdout);
		first = 0;
	}
	printf(") must name a regular file of at most %u MiB: a folder, FIFO, socket or device is\n"
	       "refused. The service reads each such file when the connection starts and gives\n"
	       "nm\\-sstp\\-tunnel and pppd a private copy (mode 0600, in a folder under\n"
	       ".IR /run/nm\\-sstp\n"
	       "that only root may enter), which it deletes when the connection ends; changing the\n"
	       "file later does not change a running connection. Whether the passphrase of\n"
	       "tls\\-user\\-key is asked for is decided from that copy too.\n",
	       NM_SSTP_FILE_MAX_SIZE / (1024u * 1024u));
	fputs(".PP\n"
	      "A profile restricted to users (connection.permissions, which NetworkManager sets\n"
	      "for a profile a user creates) has its files read with the identity of each listed\n"
	      "user: uid, primary group and supplementary groups. Every listed user must be able\n"
	      "to read the file, and all must read the same content; otherwise the connection does\n"
	      "not start, and the message names the key, the file and the user. A file that only\n"
	      "root may read is refused with the same message as a file that does not exist, so\n"
	      "the profile tells its user nothing about it. A profile without permissions\n"
	      "(system\\-wide, made by an administrator) has its files read as root.\n",
	      stdout);
}

/* Keys that take a PKCS#11 URI: how the token is reached
 * (src/service/nm-sstp-service-pkcs11.h). */
static void
man_pkcs11_section(void)
{
	fputs(".SH PKCS#11\n"
	      "\\fBtls\\-user\\-cert\\fR and \\fBtls\\-user\\-key\\fR may name an object on a smart\n"
	      "card or other PKCS#11 token instead of a file, with a PKCS#11 URI (RFC 7512), e.g.\n"
	      ".BR \"pkcs11:token=My%20Card;object=alice;type=cert\" .\n"
	      "Characters other than letters, digits and \\-._~!$&\\(aq()*+,;=:@/?[] are written\n"
	      "percent\\-encoded. The attributes pin\\-value, pin\\-source, module\\-name and\n"
	      "module\\-path are refused: the PIN is \\fBtls\\-user\\-key\\-secret\\fR (a secret,\n"
	      "asked for like a key passphrase), and the module is the user's own choice.\n"
	      ".PP\n"
	      "The token is opened as the profile's user, never as root: the service answers\n"
	      "pppd's requests with\n"
	      ".B p11\\-kit remote\n"
	      "run with that user's uid, groups and home (so with that user's p11\\-kit modules,\n"
	      "see\n"
	      ".BR pkcs11.conf (5),\n"
	      "and that user's access to the token), on a socket in the private folder under\n"
	      ".IR /run/nm\\-sstp ;\n"
	      "pppd's OpenSSL engine (libp11) loads only p11\\-kit's client module. A token that\n"
	      "user cannot open cannot be used by the profile, whatever root could open; a profile\n"
	      "restricted to several users is refused (the token is opened as one). A profile\n"
	      "without permissions opens it as root.\n"
	      ".PP\n"
	      "This needs p11\\-kit, p11\\-kit\\-modules and OpenSSL's pkcs11 engine\n"
	      "(libengine\\-pkcs11\\-openssl), and the file\n"
	      ".IR /etc/ppp/openssl.cnf :\n"
	      "pppd loads OpenSSL engines only when it exists (it may be empty). A connection whose\n"
	      "profile names a URI is refused while that file is missing, or while it configures\n"
	      "engines of its own. Before connecting, the certificate and key are opened through\n"
	      "the same path, so that a token the user cannot reach, a wrong PIN or an expired\n"
	      "certificate end with a message.\n",
	      stdout);
}

int
main(void)
{
	const NMSstpKey *keys;
	const char *section = NULL;
	gsize n, i;

	keys = nm_sstp_settings_keys(&n);

	printf(".\\\" Generated by gen-settings-man from src/common/nm-sstp-settings.c; do not edit.\n");
	printf(".TH NM\\-SSTP\\-SETTINGS 5 \"\" \"%s %s\" \"File Formats\"\n", PACKAGE_NAME,
	       PACKAGE_VERSION);
	fputs(".SH NAME\n"
	      "nm\\-sstp\\-settings \\- vpn.data keys and secrets of NetworkManager SSTP connections\n"
	      ".SH SYNOPSIS\n"
	      ".B nmcli connection modify\n"
	      ".I NAME\n"
	      ".B vpn.data\n"
	      "\\(dq\\fIkey\\fR = \\fIvalue\\fR, ...\\(dq\n"
	      ".SH DESCRIPTION\n"
	      "A NetworkManager connection of type vpn with service type\n"
	      ".B org.freedesktop.NetworkManager.sstp\n"
	      "keeps its settings as text key/value pairs in the vpn.data property and its\n"
	      "passwords in vpn.secrets. This page lists every key the plugin understands. The\n"
	      "spellings are those of the original NetworkManager\\-sstp plugin, so its profiles\n"
	      "keep working. Unknown keys are logged and ignored; a bad value stops the\n"
	      "connection with a message naming the key. An empty value means unset.\n"
	      "Booleans are written \\fByes\\fR or \\fBno\\fR (true/false and 1/0 are read too).\n"
	      ".PP\n"
	      "The service turns the keys into options of\n"
	      ".BR nm\\-sstp\\-tunnel (8)\n"
	      "and of\n"
	      ".BR pppd (8),\n"
	      "as given under each key. Secrets are never put on a command line: they reach the\n"
	      "tunnel on a pipe and pppd through its plugin.\n",
	      stdout);

	for (i = 0; i < n; i++) {
		if (!section || strcmp(section, keys[i].section) != 0) {
			section = keys[i].section;
			fputs(".SH ", stdout);
			man_text(section, 0);
			fputs("\n", stdout);
		}
		man_key(&keys[i]);
	}

	man_files_section(keys, n);
	man_pkcs11_section();
	fputs(".SH EXAMPLE\n"
	      "A profile whose password the user's keyring keeps (password\\-flags 1): the\n"
	      "desktop, or nmcli with \\-\\-ask, asks for it when the connection starts.\n"
	      ".PP\n"
	      ".nf\n"
	      "nmcli connection add type vpn vpn\\-type sstp con\\-name work \\e\n"
	      "    vpn.data \\(dqgateway = vpn.example.com, user = alice, domain = CORP, \\e\n"
	      "    ca\\-cert = /etc/ssl/corp\\-ca.pem, password\\-flags = 1\\(dq\n"
	      "nmcli \\-\\-ask connection up work\n"
	      ".fi\n"
	      ".PP\n"
	      "Or give the password from a file when connecting, so that it never appears on a\n"
	      "command line (a line\n"
	      ".B vpn.secrets.password:\\fISECRET\\fR\n"
	      "in a file of mode 0600):\n"
	      ".PP\n"
	      ".nf\n"
	      "nmcli connection up work passwd\\-file ~/.work\\-vpn\\-password\n"
	      ".fi\n"
	      ".SH SEE ALSO\n"
	      ".BR nm\\-sstp\\-tunnel (8),\n"
	      ".BR nmcli (1),\n"
	      ".BR nm\\-settings (5),\n"
	      ".BR pppd (8)\n",
	      stdout);
	return ferror(stdout) ? 1 : 0;
}
