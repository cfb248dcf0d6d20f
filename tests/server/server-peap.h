/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --eap peap: PEAP (inner EAP-MSCHAPv2) through a real RADIUS EAP server
 * (hostapd on loopback in the tests), as Windows RRAS does with NPS.
 * pppd (require-eap) keeps LCP, the identity and the network phase; the
 * client's EAP Responses after the Identity go to the RADIUS server and its
 * EAP Requests to the client. pppd's own EAP-MD5 request is held back and,
 * once the RADIUS server accepts, answered in the client's place with the
 * server's copy of the password (after a Reject, with a wrong answer, so
 * that pppd ends the link). The HLAK is the MS-MPPE-Recv-Key of the
 * Access-Accept: the first 32 bytes of the MSK (RFC 3079's server receive
 * key is the client's send key), which MS-SSTP 3.2.5.2 asks for with PEAP.
 */
#ifndef SERVER_PEAP_H
#define SERVER_PEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server-auth.h"
#include "server-radius.h"

#define PEAP_FRAME_MAX (4 + RADIUS_EAP_MAX)

struct server_peap {
	struct radius_client rc;
	bool started;               /* the identity went to the RADIUS server */
	bool accepted;
	bool rejected;
	bool md5_answered;
	bool have_md5;              /* pppd's EAP-MD5 request, held */
	uint8_t md5_id;
	uint8_t md5_value[255];
	size_t md5_value_len;
	bool wrong_hlak;            /* --peap-wrong-hlak: the Send-Key, to show the test can fail */
};

/* A frame pppd wrote: true if consumed; to_pppd (if *to_pppd_len) goes back to pppd. */
bool server_peap_from_pppd(struct server_peap *s, struct server_auth *a, const uint8_t *frame,
                           size_t len, uint8_t to_pppd[PEAP_FRAME_MAX], size_t *to_pppd_len);

/* A frame the client sent: true if consumed (not for pppd); to_client and
 * to_pppd, when their lengths are set, go out. */
bool server_peap_from_client(struct server_peap *s, struct server_auth *a, const uint8_t *frame,
                             size_t len, uint8_t to_client[PEAP_FRAME_MAX], size_t *to_client_len,
                             uint8_t to_pppd[PEAP_FRAME_MAX], size_t *to_pppd_len);

#endif
