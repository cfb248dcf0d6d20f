/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The worker's side of the DHCPINFORM for split routes and the DNS domain
 * (docs/dhcp-inform.md): when the plugin reports ip-up, send an INFORM as a
 * PPP frame through the tunnel, take the DHCPACK out of the server->pppd
 * stream before pppd sees it, and hand the result to the ip4 status message.
 *
 * The loop calls, all cheap when nothing is going on:
 *   tunnel_dhcp_watch_to_server() / tunnel_dhcp_from_server() on every frame
 *     while d->watching (false once the exchange is over: the hot path then
 *     costs one test of a bool);
 *   tunnel_dhcp_ip_up() on the first ip-up;
 *   tunnel_dhcp_timeout_ms() and tunnel_dhcp_step() around poll();
 *   tunnel_dhcp_add_keys() when the held ip4 message is released.
 */
#ifndef TUNNEL_DHCP_H
#define TUNNEL_DHCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp-inform.h"
#include "sstp-ipc.h"

/* Answers to a retry that come after the first one was taken are still
 * ours: keep recognising this long after the exchange ended. */
#define TUNNEL_DHCP_LISTEN_AFTER_MS 5000

/* How long the ip4 message waits for the answer before it goes to the
 * service without it: a few round trips to the server (request -> ACK of
 * the SSTP call, measured by the loop) on top of a floor for the server's
 * own work and a DHCP relay behind it, capped. Servers that answer do so
 * within one round trip (measured: see docs/architecture.md); a later answer
 * still reaches NetworkManager as a second ip4 message (update=dhcp), whose
 * routes it applies to the active connection. Waiting matters for the DNS
 * domain alone, which NetworkManager 1.42 to 1.52 hand to the resolver only
 * at activation. */
/* Answer times measured in the UML tests and benchmarks (31 answers, RTT
 * 0-27 ms): 27 within 18 ms, then 41, 51 and 186 ms on a machine at load
 * 6-15. A floor of 50 ms plus four round trips takes nearly all of them
 * and costs a server that never answers 50 ms more than the old plugin,
 * which sends no INFORM at all (200 ms before). */
#define TUNNEL_DHCP_HOLD_MIN_MS 50
#define TUNNEL_DHCP_HOLD_RTTS   4
#define TUNNEL_DHCP_HOLD_MAX_MS 1000

enum tunnel_dhcp_phase {
	TUNNEL_DHCP_OFF = 0,      /* --no-dhcp-inform, or nothing asked yet */
	TUNNEL_DHCP_WAITING,      /* INFORM sent (or about to be): ip4 is held */
	TUNNEL_DHCP_DONE,         /* answered, refused, given up or impossible */
};

struct tunnel_dhcp {
	bool enabled;             /* dhcp-inform on */
	bool watching;            /* feed relayed frames to the CCP watch / recogniser */
	enum tunnel_dhcp_phase phase;
	int64_t listen_until_ms;  /* DONE: recognise late answers until then */

	struct dhcp_inform_ccp_watch ccp;
	struct dhcp_inform_request req;
	struct dhcp_inform_client client;
	uint32_t local, peer;     /* host byte order */
	int64_t started_ms;       /* the first INFORM: for the log of how long answers take */

	bool answered;            /* reply and routes hold a DHCPACK */
	struct dhcp_inform_reply reply;
	struct dhcp_route_result routes;
	struct dhcp_inform_reply scratch;  /* late duplicates: must not overwrite reply */
};

void tunnel_dhcp_init(struct tunnel_dhcp *d, bool enabled);

/* A frame pppd sent towards the server. */
static inline void
tunnel_dhcp_watch_to_server(struct tunnel_dhcp *d, const uint8_t *frame, size_t len)
{
	if (d->watching)
		dhcp_inform_ccp_watch_frame(&d->ccp, frame, len);
}

/* A frame from the server, before it goes to pppd. Returns true when the
 * frame is the answer to our INFORM: it must not reach pppd. Call only
 * while d->watching. */
bool tunnel_dhcp_from_server(struct tunnel_dhcp *d, const uint8_t *frame, size_t len, int64_t now_ms);

/* IPCP is up (the plugin's ip-up). Returns true when an INFORM exchange has
 * started: the caller holds the ip4 message until d->phase is DONE.
 * Returns false (and logs why when useful) when it is off, when PPP
 * compression or encryption is active, or when the addresses are unusable. */
bool tunnel_dhcp_ip_up(struct tunnel_dhcp *d, const char *address, const char *peer, int64_t now_ms);

/* poll() timeout in ms, -1 when there is nothing to wait for. */
int tunnel_dhcp_timeout_ms(const struct tunnel_dhcp *d, int64_t now_ms);

/* After every poll round. Returns the length of an INFORM frame written
 * to out (cap >= DHCP_INFORM_FRAME_LEN) that must go to the server now,
 * else 0. May move the phase to DONE (no answer: given up). */
size_t tunnel_dhcp_step(struct tunnel_dhcp *d, int64_t now_ms, uint8_t *out, size_t cap);

/* The wait for the answer, from the round-trip time to the server in ms
 * (negative: unknown). */
int tunnel_dhcp_hold_ms(int64_t rtt_ms);

/* True when the answer brought something tunnel_dhcp_add_keys() would add:
 * whether a second ip4 message is worth sending. */
bool tunnel_dhcp_has_keys(const struct tunnel_dhcp *d, size_t ipcp_dns);

/* Add what the server pushed to the ip4 message being written: route=
 * (prefix/len, through the tunnel), domain=, search=, and dns= when IPCP
 * gave none (ipcp_dns == 0). n_fields: fields already in the message;
 * reserve: bytes to leave free for what the caller adds after. Whatever
 * does not fit is left out with a warning. */
void tunnel_dhcp_add_keys(const struct tunnel_dhcp *d, struct sstp_ipc_writer *w, size_t n_fields,
                          size_t reserve, size_t ipcp_dns);

#endif
