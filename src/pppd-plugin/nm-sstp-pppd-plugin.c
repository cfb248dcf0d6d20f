/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nm-sstp-pppd-plugin.so: the pppd side of nm-sstp-tunnel.
 *
 * Option `sstp-sock N`: N is an AF_UNIX SOCK_SEQPACKET socket inherited
 * from nm-sstp-tunnel (docs/architecture.md). Over it:
 *   worker -> plugin  `credentials` (user, password), read when the option
 *                     is parsed; answers pppd's PAP/CHAP/EAP-TLS password
 *                     hooks, so the secret is never in argv, env or a file.
 *                     The hooks are installed even without a password, so
 *                     pppd never reads /etc/ppp/pap-secrets or chap-secrets;
 *   plugin -> worker  `auth-up` at PHASE_NETWORK with the method and the
 *                     MPPE keys (for the SSTP crypto binding), `ip-up` and
 *                     `ip6-up` with the negotiated addresses, `eap-rejected`
 *                     when the server Protocol-Rejects EAP.
 * It watches the server's EAP requests (snoop hook): to name the EAP method
 * for the binding, and, in password mode, to decline EAP-TLS and PEAP.
 *
 * Builds against pppd 2.4.9 (globals) and 2.5 (accessor API, PPPD_API_2_5).
 * pppd's headers must come before <stdbool.h>: 2.4.9 typedefs bool.
 */
#include <config.h>

#define INET6 1
#ifdef PPPD_API_2_5
#include <pppd/pppd.h>
#include <pppd/options.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/ipcp.h>
#include <pppd/eui64.h>
#include <pppd/ipv6cp.h>
#include <pppd/chap.h>
#include <pppd/upap.h>
#include <pppd/mppe.h>
/* Exported by pppd 2.5 but declared only in its private header. */
void output(int unit, unsigned char *p, int len);
#else
#define MPPE 1
#include <pppd/pppd.h>
#include <pppd/fsm.h>
#include <pppd/lcp.h>
#include <pppd/ipcp.h>
#include <pppd/eui64.h>
#include <pppd/ipv6cp.h>
#include <pppd/chap-new.h>
#include <pppd/chap_ms.h>
#if __has_include(<pppd/eap-tls.h>)
/* pppd 2.4.9 keeps 16 of the 32 bytes of each EAP-TLS key: see
 * eaptls_keys_watch() below. */
#define SSTP_EAPTLS_FULL_KEYS 1
/* struct eap_auth depends on how pppd was built: eap-tls.h is installed only
 * by an EAP-TLS build, and 2.4.9 builds with MS-CHAP by default (Debian:
 * both). */
#define USE_EAPTLS 1
#define CHAPMS 1
#include <pppd/eap.h>
#include <pppd/eap-tls.h>
#endif
#endif

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sstp-ipc.h"

/* How long pppd waits for the worker's credentials when parsing options.
 * The worker queues them before it even forks pppd, so this only matters
 * if someone passes sstp-sock by hand. */
#define CREDENTIALS_TIMEOUT_MS 10000

int plugin_init(void);
char pppd_version[] = PPPD_VERSION_STRING;

static int sstp_sock = -1;
static int credentials_read;
static int have_password;
static char cred_user[MAXNAMELEN];
static char cred_password[MAXSECRETLEN];
static int auth_up_sent;

/* Wipe memory the compiler might otherwise consider dead. */
static void
wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}

static void
sstp_send(const char *msg, size_t len)
{
	if (sstp_sock < 0 || len == 0)
		return;
	if (send(sstp_sock, msg, len, MSG_NOSIGNAL | MSG_DONTWAIT) != (ssize_t) len)
		error("nm-sstp: cannot send to nm-sstp-tunnel: %s", strerror(errno));
}

/* ---- credentials ------------------------------------------------------ */

/* The hooks answer only with what the profile supplied, and they are always
 * installed: without them pppd would look the user up in /etc/ppp/pap-secrets
 * and chap-secrets (root's system secrets, e.g. the machine's PPPoE login) and
 * hand that to whatever server the profile names. */

/* PAP: 1 with the profile's password, 0 when it has none. Both stop pppd from
 * reading pap-secrets; with 0 it does not offer PAP at all. */
static int
sstp_pap_passwd_hook(char *user_out, char *passwd_out)
{
	/* pppd passes its `user` buffer (MAXNAMELEN) as user_out: writing it
	 * is how the plugin sets the name pppd authenticates with. passwd_out
	 * is NULL when pppd only asks whether a password exists. */
	if (user_out && cred_user[0])
		strlcpy(user_out, cred_user, MAXNAMELEN);
	if (!have_password)
		return 0;
	if (passwd_out)
		strlcpy(passwd_out, cred_password, MAXSECRETLEN);
	return 1;
}

/* CHAP, MS-CHAP, EAP-MD5, EAP-MSCHAPv2: the secret for our response. Without a
 * password: -1, which makes pppd fail this authentication ("Unable to obtain
 * CHAP password") instead of reading chap-secrets. */
static int
sstp_chap_passwd_hook(char *user_out, char *passwd_out)
{
	if (user_out && cred_user[0])
		strlcpy(user_out, cred_user, MAXNAMELEN);
	if (!have_password) {
		error("nm-sstp: the server asks for a password and the connection has none");
		return -1;
	}
	if (passwd_out)
		strlcpy(passwd_out, cred_password, MAXSECRETLEN);
	return 0;
}

/* EAP-TLS asks for its private key's passphrase with the key file's path as the
 * first argument: that buffer is pppd's and must not be written. pppd calls this
 * for every key, encrypted or not, and gives up on EAP-TLS when it returns < 0:
 * without a passphrase the answer is an empty one, which loads a key that is not
 * encrypted and fails (pppd: "Cannot use private key") on one that is. */
static int
sstp_eaptls_passwd_hook(char *key_file, char *passwd_out)
{
	(void) key_file;
	if (passwd_out)
		strlcpy(passwd_out, have_password ? cred_password : "", MAXSECRETLEN);
	return 0;
}

/* "Is there a secret we could use?": only the profile's. */
static int
sstp_check_hook(void)
{
	return have_password ? 1 : 0;
}

/* ---- EAP in password mode ---------------------------------------------- */

/* EAP codes and the method types the plugin tells apart (RFC 3748; 26 is
 * EAP-MSCHAPv2, 25 PEAP). */
#define EAP_CODE_REQUEST  1
#define EAP_CODE_RESPONSE 2
#define EAPT_IDENTITY_    1
#define EAPT_NOTIFY_      2
#define EAPT_NAK_         3
#define EAPT_MD5_         4
#define EAPT_TLS_         13
#define EAPT_PEAP_        25
#define EAPT_MSCHAPV2_    26

static int eap_last_type;       /* method of the server's last EAP Request */
static int eap_rejected_sent;   /* the server rejected EAP: the worker knows */
static int peap_declined_sent;  /* PEAP declined: the worker knows, to name it if login fails */
static int peap_started;        /* PEAP let through to pppd's client */
static void (*next_snoop_recv)(unsigned char *p, int len);

/* pppd's globals that are not in every version's public headers. */
static void *
pppd_symbol(const char *name)
{
	return dlsym(RTLD_DEFAULT, name);
}

/* True when the profile gave pppd a client certificate (connection-type
 * tls): only then may EAP-TLS run. */
static int
have_certificate_options(void)
{
	char **cert = pppd_symbol("cert_file");
	char **p12 = pppd_symbol("pkcs12_file");

	return (cert && *cert) || (p12 && *p12);
}

/* PEAP in password mode: pppd 2.5 has a PEAP client (inner EAP-MSCHAPv2)
 * that checks the EAP server's certificate against pppd's `ca` file. The
 * plugin lets PEAP run only when the profile named that file (tls-ca-cert):
 * pppd's default, the system authorities with no name check, would accept
 * any publicly signed certificate and send it the MS-CHAPv2 response. */
static int
peap_allowed(void)
{
#ifdef PPPD_API_2_5
	char **ca = pppd_symbol("cacert_file");

	return have_password && ca && *ca && **ca;
#else
	return 0;
#endif
}

/* Without a password (and without a certificate) EAP has nothing to answer
 * with, and letting pppd consider it makes pppd look for one in
 * /etc/ppp/srp-secrets and /etc/ppp/eaptls-client (auth_reset()): root's
 * files, not the profile's. Called before LCP starts. */
static void
refuse_eap_without_secret(void)
{
	bool *refuse = pppd_symbol("refuse_eap");

	if (have_password || have_certificate_options() || !refuse || *refuse)
		return;
	*refuse = 1;
	dbglog("nm-sstp: no password and no certificate: EAP refused");
}

/* Answer an EAP Request with a Nak proposing EAP-MSCHAPv2 (RFC 3748 5.3.1). */
static void
send_eap_nak(int id)
{
	unsigned char nak[] = { 0xff, 0x03, 0xc2, 0x27, EAP_CODE_RESPONSE, (unsigned char) id,
	                        0x00, 0x06, EAPT_NAK_, EAPT_MSCHAPV2_ };

	output(0, nak, (int) sizeof(nak));
}

/* A message to the worker that has a type and no keys. */
static void
send_bare_message(const char *type)
{
	char buf[64];
	struct sstp_ipc_writer w;
	size_t n;

	sstp_ipc_writer_init(&w, buf, sizeof(buf), type);
	n = sstp_ipc_writer_finish(&w);
	sstp_send(buf, n);
}

/* Every frame from the server passes here before pppd handles it (p starts
 * with FF 03 and the two protocol bytes). Two jobs:
 *  - remember the type of the server's EAP Requests: the method that ends
 *    in EAP-Success decides which keys the SSTP crypto binding uses;
 *  - with a password and no certificate, a request for EAP-TLS (or PEAP)
 *    must not reach pppd: its EAP-TLS client would look for a certificate
 *    and key in /etc/ppp/eaptls-client (root's, for another connection)
 *    and use them with this server; its PEAP client (pppd 2.5) would start
 *    TLS with no CA the profile names for the EAP server (peap_allowed()
 *    lets PEAP through only when tls-ca-cert names one). The request is turned into an EAP code
 *    pppd ignores, and the plugin answers with a Nak proposing EAP-MSCHAPv2,
 *    as pppd does when its EAP-TLS cannot start. */
static void
sstp_snoop_recv(unsigned char *p, int len)
{
	if (len >= 9 && p[2] == 0xc2 && p[3] == 0x27 && p[4] == EAP_CODE_REQUEST) {
		int type = p[8];

		if (type == EAPT_TLS_ && !have_certificate_options()) {
			notice("nm-sstp: the server asks for EAP-TLS (a certificate); this connection "
			       "logs in with a password, so the plugin declines it and proposes "
			       "EAP-MSCHAPv2");
			p[4] = 0;
			send_eap_nak(p[5]);
		} else if (type == EAPT_PEAP_ && !have_certificate_options() && !peap_allowed()) {
#ifdef PPPD_API_2_5
			notice("nm-sstp: the server asks for PEAP; this connection logs in with a "
			       "password and names no CA certificate for the authentication "
			       "server (tls-ca-cert), so the plugin declines PEAP and proposes "
			       "EAP-MSCHAPv2; set tls-ca-cert to the authority that signed the "
			       "authentication server's certificate to allow PEAP");
#else
			notice("nm-sstp: the server asks for PEAP; this connection logs in with a "
			       "password and pppd %s has no PEAP client, so the plugin declines it and "
			       "proposes EAP-MSCHAPv2", VERSION);
#endif
			p[4] = 0;
			send_eap_nak(p[5]);
			if (!peap_declined_sent) {
				peap_declined_sent = 1;
				send_bare_message("peap-declined");
			}
		} else if (type != EAPT_IDENTITY_ && type != EAPT_NOTIFY_ && type != EAPT_NAK_) {
			if (type == EAPT_PEAP_)
				peap_started = 1;
			/* PEAP (pppd 2.5, a CA named): pppd's client sets its MPPE
			 * keys from the PEAP CSK, whose first 32 bytes are the
			 * client's MSK half the HLAK takes (MS-SSTP 3.2.5.2). */
			eap_last_type = type;
		}
	}
	/* LCP Protocol-Reject (code 8) of EAP: the server asked for EAP and
	 * takes it only for certificates (SoftEther answers a Nak so). pppd
	 * ends the login; the worker is told so the service can connect again
	 * with EAP refused at LCP, where such servers offer MS-CHAPv2. */
	if (len >= 10 && p[2] == 0xc0 && p[3] == 0x21 && p[4] == 8 && p[8] == 0xc2 && p[9] == 0x27
	    && !eap_rejected_sent && !have_certificate_options()) {
		eap_rejected_sent = 1;
		send_bare_message("eap-rejected");
	}
	if (next_snoop_recv)
		next_snoop_recv(p, len);
}

static int
read_credentials(int fd)
{
	static struct sstp_ipc_msg msg;
	char buf[SSTP_IPC_MAX_MESSAGE + 1];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	const char *why = NULL, *v;
	ssize_t n;
	int r;

	do
		r = poll(&pfd, 1, CREDENTIALS_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r <= 0) {
		error("nm-sstp: no credentials from nm-sstp-tunnel within %d s", CREDENTIALS_TIMEOUT_MS / 1000);
		return -1;
	}
	n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n <= 0) {
		error("nm-sstp: cannot read the credentials from nm-sstp-tunnel: %s",
		      n == 0 ? "socket closed" : strerror(errno));
		return -1;
	}
	r = sstp_ipc_parse(buf, (size_t) n, &msg, &why);
	wipe(buf, sizeof(buf));
	if (r != 0 || strcmp(msg.type, "credentials") != 0) {
		wipe(&msg, sizeof(msg));
		error("nm-sstp: bad credentials message from nm-sstp-tunnel: %s", why ? why : "wrong type");
		return -1;
	}
	v = sstp_ipc_get(&msg, "user");
	if (v && strlcpy(cred_user, v, sizeof(cred_user)) >= sizeof(cred_user)) {
		wipe(&msg, sizeof(msg));
		error("nm-sstp: user name too long");
		return -1;
	}
	v = sstp_ipc_get(&msg, "password");
	if (v) {
		if (strlcpy(cred_password, v, sizeof(cred_password)) >= sizeof(cred_password)) {
			wipe(&msg, sizeof(msg));
			wipe(cred_password, sizeof(cred_password));
			error("nm-sstp: password too long");
			return -1;
		}
		have_password = 1;
	}
	wipe(&msg, sizeof(msg));
	dbglog("nm-sstp: credentials received (user %s, %s)", cred_user[0] ? cred_user : "(none)",
	       have_password ? "with password" : "no password");
	return 0;
}

static void
install_password_hooks(void)
{
	/* EAP-TLS asks for the private key passphrase through its own hook;
	 * look it up at run time since not every pppd build has EAP-TLS. */
	int (**eaptls_hook)(char *, char *) = dlsym(RTLD_DEFAULT, "eaptls_passwd_hook");

	chap_passwd_hook = sstp_chap_passwd_hook;
	chap_check_hook = sstp_check_hook;
	pap_passwd_hook = sstp_pap_passwd_hook;
	pap_check_hook = sstp_check_hook;
	if (eaptls_hook)
		*eaptls_hook = sstp_eaptls_passwd_hook;
	next_snoop_recv = snoop_recv_hook;
	snoop_recv_hook = sstp_snoop_recv;
}

static int
option_sstp_sock(char **argv)
{
	char *end;
	long fd;
	struct stat st;
	int type = 0;
	socklen_t tlen = sizeof(type);

	errno = 0;
	fd = strtol(argv[0], &end, 10);
	if (errno || *end || end == argv[0] || fd < 0 || fd > 65535) {
		error("nm-sstp: sstp-sock needs a file descriptor number, not \"%s\"", argv[0]);
		return 0;
	}
	if (fstat((int) fd, &st) != 0 || !S_ISSOCK(st.st_mode)
	    || getsockopt((int) fd, SOL_SOCKET, SO_TYPE, &type, &tlen) != 0 || type != SOCK_SEQPACKET) {
		error("nm-sstp: sstp-sock %ld is not the SEQPACKET socket from nm-sstp-tunnel", fd);
		return 0;
	}
	if (credentials_read) {
		/* pppd may parse options more than once; the socket is set. */
		return fd == sstp_sock;
	}
	/* Scripts and programs pppd runs must not inherit it. */
	fcntl((int) fd, F_SETFD, FD_CLOEXEC);
	sstp_sock = (int) fd;
	if (read_credentials(sstp_sock) != 0)
		return 0;
	credentials_read = 1;
	install_password_hooks();
	return 1;
}

static option_t sstp_options[] = {
	{ "sstp-sock", o_special, (void *) &option_sstp_sock,
	  "nm-sstp-tunnel socket (file descriptor)", 0 },
	{ NULL }
};

/* ---- EAP-TLS keys with pppd 2.4.9 ----------------------------------------- */

#ifdef SSTP_EAPTLS_FULL_KEYS
/* MS-SSTP 3.2.5.2 binds EAP-TLS with the client's 32-byte MasterSendKey, but
 * pppd 2.4.9 copies only the first 16 bytes of each key into mppe_send_key
 * and mppe_recv_key (MPPE_MAX_KEY_LEN) and frees the TLS session right
 * after. So the plugin asks the session for the same key material itself,
 * at the moment OpenSSL reports the handshake done: the TLS session is
 * watched from the first EAP-TLS packet pppd sends, and the result is used
 * only if its first 16 bytes of each key are the ones pppd derived. */
#define EAPTLS_KEY_MATERIAL 128 /* RFC 5216 2.3: MSK and EMSK */
#define EAPTLS_KEY_LEN 32

static unsigned char eaptls_km[2 * EAPTLS_KEY_LEN];
static int eaptls_km_set;
static const SSL *eaptls_watched;
static void (*eaptls_prev_snoop_send)(unsigned char *, int);

static void
eaptls_info_callback(const SSL *ssl, int where, int ret)
{
	struct eaptls_session *ets;
	unsigned char out[EAPTLS_KEY_MATERIAL];
	/* The arguments of pppd's own eaptls_gen_mppe_keys(). */
	static const unsigned char tls13_context[] = { EAPT_TLS };
	const char *label;

	(void) ret;
	if (!(where & SSL_CB_HANDSHAKE_DONE))
		return;
	ets = SSL_get_ex_data(ssl, 0);
	label = ets && ets->tls_v13 ? "EXPORTER_EAP_TLS_Key_Material" : "client EAP encryption";
	if (SSL_export_keying_material((SSL *) ssl, out, sizeof(out), label, strlen(label),
	                               tls13_context, ets && ets->tls_v13 ? 1 : 0, 0) == 1) {
		memcpy(eaptls_km, out, sizeof(eaptls_km));
		eaptls_km_set = 1;
	}
	wipe(out, sizeof(out));
}

static void
eaptls_keys_watch(unsigned char *p, int len)
{
	const struct eaptls_session *ets = eap_states[0].es_client.ea_session;

	if (eap_states[0].es_client.ea_using_eaptls && ets && ets->ssl && ets->ssl != eaptls_watched) {
		eaptls_watched = ets->ssl;
		SSL_set_info_callback(ets->ssl, eaptls_info_callback);
	}
	if (eaptls_prev_snoop_send)
		eaptls_prev_snoop_send(p, len);
}

/* The full 32-byte keys when they match what pppd kept; else 0. */
static int
eaptls_full_keys(unsigned char send_key[32], unsigned char recv_key[32])
{
	if (!eaptls_km_set || memcmp(eaptls_km, mppe_send_key, MPPE_MAX_KEY_LEN) != 0 ||
	    memcmp(eaptls_km + EAPTLS_KEY_LEN, mppe_recv_key, MPPE_MAX_KEY_LEN) != 0)
		return 0;
	memcpy(send_key, eaptls_km, EAPTLS_KEY_LEN);
	memcpy(recv_key, eaptls_km + EAPTLS_KEY_LEN, EAPTLS_KEY_LEN);
	return EAPTLS_KEY_LEN;
}
#endif

/* ---- notifications ---------------------------------------------------- */

static const char *
auth_method(void)
{
	const lcp_options *ho = &lcp_hisoptions[0];

	/* hisoptions: what the server asked us to do, and we agreed. */
	if (ho->neg_eap) {
		/* "eap" stays the name for EAP-TLS and methods not told apart. */
		if (eap_last_type == EAPT_MSCHAPV2_)
			return "eap-mschapv2";
		if (eap_last_type == EAPT_MD5_)
			return "eap-md5";
		if (eap_last_type == EAPT_PEAP_)
			return "peap";
		return "eap";
	}
	if (ho->neg_chap)
		return (ho->chap_mdtype & MDTYPE_MICROSOFT_V2) ? "mschapv2" : "chap";
	if (ho->neg_upap)
		return "pap";
	return "none";
}

static void
send_auth_up(void)
{
	char buf[SSTP_IPC_MAX_MESSAGE];
	struct sstp_ipc_writer w;
	unsigned char send_key[32], recv_key[32];
	int send_len = 0, recv_len = 0;
	size_t n;

#ifdef PPPD_API_2_5
	if (mppe_keys_isset()) {
		send_len = mppe_get_send_key(send_key, sizeof(send_key));
		recv_len = mppe_get_recv_key(recv_key, sizeof(recv_key));
	}
#else
	if (mppe_keys_set) {
		memcpy(send_key, mppe_send_key, MPPE_MAX_KEY_LEN);
		memcpy(recv_key, mppe_recv_key, MPPE_MAX_KEY_LEN);
		send_len = recv_len = MPPE_MAX_KEY_LEN;
	}
#ifdef SSTP_EAPTLS_FULL_KEYS
	/* Only after EAP-TLS (a TLS session was watched): other EAP methods'
	 * keys are what pppd holds. */
	if (mppe_keys_set && eaptls_watched) {
		send_len = recv_len = eaptls_full_keys(send_key, recv_key);
		if (send_len == 0) {
			warn("nm-sstp: EAP-TLS keys: only the 16 bytes pppd %s keeps are known; a "
			     "server that checks the SSTP crypto binding will refuse them", VERSION);
			send_len = recv_len = MPPE_MAX_KEY_LEN;
		}
	}
	wipe(eaptls_km, sizeof(eaptls_km));
	eaptls_km_set = 0;
#endif
#endif
	sstp_ipc_writer_init(&w, buf, sizeof(buf), "auth-up");
	sstp_ipc_writer_add(&w, "method", auth_method());
	if (send_len > 0 && recv_len > 0) {
		sstp_ipc_writer_add_hex(&w, "send-key", send_key, (size_t) send_len);
		sstp_ipc_writer_add_hex(&w, "recv-key", recv_key, (size_t) recv_len);
	}
	n = sstp_ipc_writer_finish(&w);
	wipe(send_key, sizeof(send_key));
	wipe(recv_key, sizeof(recv_key));
	dbglog("nm-sstp: authentication done (%s, %s, %d bytes each): telling nm-sstp-tunnel",
	       auth_method(), send_len > 0 ? "with MPPE keys" : "no MPPE keys", send_len);
	sstp_send(buf, n);
	wipe(buf, sizeof(buf));
	/* The password is not needed any more (no re-authentication in SSTP). */
	wipe(cred_password, sizeof(cred_password));
}

/* pppd ends on a failed PEAP TLS handshake (its fatal "SSL_do_handshake()")
 * and logs why only with debug; OpenSSL's error queue, in this process,
 * still says it ("certificate verify failed" when tls-ca-cert did not sign
 * the server's certificate). Read through pppd's libcrypto, not linked. */
static void
send_peap_failed(void)
{
	unsigned long (*peek)(void) = pppd_symbol("ERR_peek_last_error");
	void (*text)(unsigned long, char *, size_t) = pppd_symbol("ERR_error_string_n");
	char why[160] = "", buf[256];
	struct sstp_ipc_writer w;
	size_t n, i;

	if (peek && text && peek() != 0)
		text(peek(), why, sizeof(why));
	for (i = 0; why[i]; i++)
		if ((unsigned char) why[i] < 0x20 || (unsigned char) why[i] > 0x7e)
			why[i] = '?';
	sstp_ipc_writer_init(&w, buf, sizeof(buf), "peap-failed");
	if (why[0])
		sstp_ipc_writer_add(&w, "why", why);
	n = sstp_ipc_writer_finish(&w);
	sstp_send(buf, n);
}

static void
phase_changed(void *ctx, int phase)
{
	(void) ctx;
	if (phase == PHASE_SERIALCONN || phase == PHASE_ESTABLISH)
		refuse_eap_without_secret();
	/* PHASE_NETWORK comes after authentication and before any NCP opens:
	 * the MPPE keys are set and CCP has not consumed them yet. */
	if (phase == PHASE_NETWORK && !auth_up_sent) {
		auth_up_sent = 1;
		send_auth_up();
	}
}

static const char *
our_ifname(void)
{
#ifdef PPPD_API_2_5
	return ppp_ifname();
#else
	return ifname;
#endif
}

static int
our_mtu(void)
{
#ifdef PPPD_API_2_5
	return ppp_get_mtu(ppp_ifunit());
#else
	return netif_get_mtu(ifunit);
#endif
}

static void
add_ip4(struct sstp_ipc_writer *w, const char *key, uint32_t addr_be)
{
	char text[INET_ADDRSTRLEN];
	struct in_addr a = { .s_addr = addr_be };

	if (addr_be == 0)
		return;
	if (inet_ntop(AF_INET, &a, text, sizeof(text)))
		sstp_ipc_writer_add(w, key, text);
}

static void
ip_up(void *ctx, int arg)
{
	const ipcp_options *go = &ipcp_gotoptions[0];
	const ipcp_options *ho = &ipcp_hisoptions[0];
	char buf[SSTP_IPC_MAX_MESSAGE], mtu[16];
	struct sstp_ipc_writer w;
	int v6_state = ipv6cp_fsm[0].state;
	int v6_negotiating = ipv6cp_protent.enabled_flag
	                     && (v6_state == REQSENT || v6_state == ACKRCVD || v6_state == ACKSENT);
	size_t n;

	(void) ctx;
	(void) arg;
	sstp_ipc_writer_init(&w, buf, sizeof(buf), "ip-up");
	sstp_ipc_writer_add(&w, "ifname", our_ifname());
	add_ip4(&w, "address", go->ouraddr);
	add_ip4(&w, "peer", ho->hisaddr);
	add_ip4(&w, "dns", go->dnsaddr[0]);
	add_ip4(&w, "dns", go->dnsaddr[1]);
	add_ip4(&w, "wins", go->winsaddr[0]);
	add_ip4(&w, "wins", go->winsaddr[1]);
	snprintf(mtu, sizeof(mtu), "%d", our_mtu());
	sstp_ipc_writer_add(&w, "mtu", mtu);
	sstp_ipc_writer_add(&w, "ipv6", v6_negotiating ? "pending" : "no");
	n = sstp_ipc_writer_finish(&w);
	if (n == 0)
		error("nm-sstp: cannot encode the ip-up message");
	sstp_send(buf, n);
}

static void
format_iid(const eui64_t *id, char out[20])
{
	/* Every byte of the 8 is initialised by pppd (zero when not
	 * negotiated); format each explicitly. */
	snprintf(out, 20, "%02x%02x:%02x%02x:%02x%02x:%02x%02x", id->e8[0], id->e8[1], id->e8[2],
	         id->e8[3], id->e8[4], id->e8[5], id->e8[6], id->e8[7]);
}

static void
ip6_up(void *ctx, int arg)
{
	char buf[SSTP_IPC_MAX_MESSAGE], local[20], peer[20];
	struct sstp_ipc_writer w;
	size_t n;

	(void) ctx;
	(void) arg;
	format_iid(&ipv6cp_gotoptions[0].ourid, local);
	format_iid(&ipv6cp_hisoptions[0].hisid, peer);
	sstp_ipc_writer_init(&w, buf, sizeof(buf), "ip6-up");
	sstp_ipc_writer_add(&w, "ifname", our_ifname());
	sstp_ipc_writer_add(&w, "local-iid", local);
	sstp_ipc_writer_add(&w, "peer-iid", peer);
	n = sstp_ipc_writer_finish(&w);
	if (n == 0)
		error("nm-sstp: cannot encode the ip6-up message");
	sstp_send(buf, n);
}

static void
on_exit_notify(void *ctx, int arg)
{
	(void) ctx;
	(void) arg;
	wipe(cred_password, sizeof(cred_password));
	if (peap_started && !auth_up_sent && sstp_sock >= 0)
		send_peap_failed();
	if (sstp_sock >= 0) {
		close(sstp_sock);
		sstp_sock = -1;
	}
}

/* pppd's transmit async map, on our pty. pppd escapes every control byte
 * it writes unless the peer asked for a smaller map in LCP, and SSTP
 * servers need not ask (SoftEther rejects the option): then every sixth
 * byte of the upload goes through the worker's slow path. The map
 * describes an asynchronous serial line; here that line is only the pty
 * to nm-sstp-tunnel, whose decoder takes control bytes unescaped (the
 * server gets the frames without HDLC, so the map means nothing to it).
 * So the channel gets 0 whatever was negotiated; the kernel still
 * escapes 0x7d and 0x7e, and all control bytes of LCP negotiation frames
 * (ppp_async does that by itself). */
static void (*tty_send_config_orig)(int mtu, uint32_t accm, int pcomp, int accomp);

static void
send_config_no_accm(int mtu, uint32_t accm, int pcomp, int accomp)
{
	(void) accm;
	tty_send_config_orig(mtu, 0, pcomp, accomp);
}

int
plugin_init(void)
{
	if (the_channel && the_channel->send_config) {
		tty_send_config_orig = the_channel->send_config;
		the_channel->send_config = send_config_no_accm;
	}
#ifdef PPPD_API_2_5
	ppp_add_options(sstp_options);
	ppp_add_notify(NF_PHASE_CHANGE, phase_changed, NULL);
	ppp_add_notify(NF_IP_UP, ip_up, NULL);
	ppp_add_notify(NF_IPV6_UP, ip6_up, NULL);
	ppp_add_notify(NF_EXIT, on_exit_notify, NULL);
#else
	add_options(sstp_options);
	add_notifier(&phasechange, phase_changed, NULL);
	add_notifier(&ip_up_notifier, ip_up, NULL);
	add_notifier(&ipv6_up_notifier, ip6_up, NULL);
	add_notifier(&exitnotify, on_exit_notify, NULL);
#ifdef SSTP_EAPTLS_FULL_KEYS
	eaptls_prev_snoop_send = snoop_send_hook;
	snoop_send_hook = eaptls_keys_watch;
#endif
#endif
	info("nm-sstp: plugin %s loaded", PACKAGE_VERSION);
	return 0;
}
