/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EAP-TLS (connection-type tls) as the worker sees it: pppd does the login
 * with the files named by its `cert`/`key`/`pkcs12` options. Before it
 * connects, the worker opens those files itself, so that a certificate that
 * expired, a key without its passphrase or with a wrong one, or a key of
 * another certificate end with a sentence naming the setting to fix, not
 * with pppd's "Cannot use private key" and a refusal from the server.
 */
#ifndef TUNNEL_EAPTLS_H
#define TUNNEL_EAPTLS_H

#include <stdbool.h>
#include <stddef.h>

#include "tunnel-options.h"

/* pppd logs in with EAP-TLS: a cert or pkcs12 option after "--". */
bool tunnel_eaptls_in_use(const struct tunnel_options *o);

/* 0: nothing to say (no EAP-TLS, or the files are usable now); else an
 * exit code (sstp-exit.h: AUTH for credentials that would be refused, USAGE
 * for a file that is no certificate or key) with the reason in err. Uses
 * o->password as the key's passphrase. */
int tunnel_eaptls_check(const struct tunnel_options *o, char *err, size_t cap);

#endif
