/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * eaptls-keys-shim.so: LD_PRELOADed into the test server's own pppd (never
 * into a client, never installed). pppd derives the EAP-TLS keys with
 * SSL_export_keying_material() and keeps only part of them (pppd 2.4.9: 16
 * bytes of each direction); the strict server needs the whole key material
 * to check the crypto binding as a server that follows MS-SSTP 3.2.5.2 would
 * (HLAK = the client's 32-byte MasterSendKey). This wrapper calls the real
 * function and writes what it returned to the file named by
 * SSTP_TEST_EAPTLS_KEYS (0600, in the server's private work folder).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <openssl/ssl.h>

typedef int (*export_fn)(SSL *, unsigned char *, size_t, const char *, size_t,
                         const unsigned char *, size_t, int);

int
SSL_export_keying_material(SSL *s, unsigned char *out, size_t olen, const char *label,
                           size_t llen, const unsigned char *context, size_t contextlen,
                           int use_context)
{
	export_fn real = (export_fn) dlsym(RTLD_NEXT, "SSL_export_keying_material");
	const char *path = getenv("SSTP_TEST_EAPTLS_KEYS");
	int r, fd;

	if (!real)
		return 0;
	r = real(s, out, olen, label, llen, context, contextlen, use_context);
	/* EAP-TLS asks for 128 bytes (RFC 5216 key material); ignore others. */
	if (r != 1 || !path || olen < 64)
		return r;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, out, olen) != (ssize_t) olen)
			(void) ftruncate(fd, 0);
		close(fd);
	}
	return r;
}
