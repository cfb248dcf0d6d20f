/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which secret a connection still lacks, for NeedSecrets and for the check
 * before a connect:
 *   password            connection-type password (the default)
 *   proxy-password      a proxy with a proxy user is configured
 *   tls-user-key-secret connection-type tls with an encrypted private key
 * A secret whose flags say "not required" is never needed.
 */
#ifndef NM_SSTP_SERVICE_SECRETS_H
#define NM_SSTP_SERVICE_SECRETS_H

#include <NetworkManager.h>

/* The name of the first needed secret that is missing, or NULL (also for
 * a connection without VPN setting). Whether the key is encrypted is read
 * from a copy made as the profile's users (connection.permissions), see
 * nm-sstp-service-files.h. */
const char *sstp_secrets_missing(NMConnection *connection);

#endif
