/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "server-eaptls.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "server-log.h"

#define EAP_REQUEST  1
#define EAP_RESPONSE 2
#define EAP_SUCCESS  3
#define EAP_FAILURE  4
#define EAP_TYPE_IDENTITY 1
#define EAPTLS_KEY_MATERIAL 128   /* RFC 5216 2.3: MSK 64 + EMSK 64 */

static bool path_word_ok(const char *s)
{
	if (s[0] != '/')
		return false;
	for (const unsigned char *p = (const unsigned char *) s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '#')
			return false;
	return true;
}

int server_eaptls_secrets_line(const char *dir, char *out, size_t cap)
{
	int n;

	if (!path_word_ok(dir)) {
		server_log("error: --eap-tls needs an absolute folder without spaces, quotes, '\\\\' or '#'");
		return -1;
	}
	/* client server client-cert server-cert ca key addresses: any client,
	 * this server (pppd's "name sstp-test-server"), any address. */
	n = snprintf(out, cap, "* sstp-test-server - %s/server-cert.pem %s/ca.pem %s/server-key.pem *\n",
	             dir, dir, dir);
	if (n < 0 || (size_t) n >= cap) {
		server_log("error: --eap-tls folder name too long");
		return -1;
	}
	return 0;
}

void server_eaptls_from_client(struct server_auth *a, const uint8_t *frame, size_t len)
{
	size_t n;
	const uint8_t *p = server_eap_packet(frame, len, &n);

	if (p && n >= 5 && p[0] == EAP_RESPONSE && p[4] == EAP_TYPE_IDENTITY) {
		server_log_sanitize(p + 5, n - 5, a->user, sizeof(a->user));
		server_log("eap identity id=%u user=%s", p[1], a->user);
	}
}

/* The shim wrote the key material before pppd sent EAP Success. */
static bool read_key_material(const char *path, uint8_t *out, size_t cap, size_t *got)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t r;

	if (fd < 0) {
		server_log("error: no EAP-TLS key material from pppd (%s: %s); is eaptls-keys-shim.so "
		           "preloaded?", path, strerror(errno));
		return false;
	}
	r = read(fd, out, cap);
	close(fd);
	unlink(path);
	if (r < 64) {
		server_log("error: EAP-TLS key material from pppd is %zd bytes, want %u", r,
		           EAPTLS_KEY_MATERIAL);
		return false;
	}
	*got = (size_t) r;
	return true;
}

void server_eaptls_from_pppd(struct server_eaptls *e, struct server_auth *a,
                             const uint8_t *frame, size_t len)
{
	size_t n;
	const uint8_t *p = server_eap_packet(frame, len, &n);
	uint8_t code, id;
	uint8_t km[EAPTLS_KEY_MATERIAL];
	size_t got = 0;

	if (!p)
		return;
	code = p[0];
	id = p[1];
	if (code == EAP_FAILURE) {
		a->state = SERVER_AUTH_FAILED;
		server_log("eap-tls failure id=%u: pppd refused user=%s", id, a->user);
		return;
	}
	if (code != EAP_SUCCESS || a->state != SERVER_AUTH_PENDING)
		return;
	a->method = "eap-tls";
	if (!read_key_material(e->keys_path, km, sizeof(km), &got)) {
		a->state = SERVER_AUTH_FAILED;
		return;
	}
	/* MS-SSTP 3.2.5.2: for EAP-TLS the HLAK is the client's 32-byte
	 * MasterSendKey, the first 32 bytes of the key material. */
	memcpy(a->hlak, km, MSCHAPV2_HLAK_LEN);
	/* What a client ends up with when its pppd keeps only 16 bytes of it
	 * (pppd 2.4.9) and pads: kept to name that case when the MAC fails. */
	memset(e->hlak_short, 0, sizeof(e->hlak_short));
	memcpy(e->hlak_short, km, 16);
	e->have_short = true;
	OPENSSL_cleanse(km, sizeof(km));
	a->state = SERVER_AUTH_DONE;
	server_log("eap-tls success id=%u: HLAK = the client's MasterSendKey, 32 of %zu bytes of key "
	           "material", id, got);
}
