/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCPINFORM through the tunnel: the worker's I/O around the pure code in
 * src/protocol/dhcp-inform.c. See tunnel-dhcp.h and docs/dhcp-inform.md.
 */
#include "tunnel-dhcp.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "tunnel-log.h"

void
tunnel_dhcp_init(struct tunnel_dhcp *d, bool enabled)
{
	memset(d, 0, sizeof(*d));
	d->enabled = enabled;
	/* CCP may be agreed before IPCP is up: watch from the first frame. */
	d->watching = enabled;
}

static void
dhcp_finish(struct tunnel_dhcp *d, int64_t now_ms)
{
	dhcp_inform_client_stop(&d->client);
	d->phase = TUNNEL_DHCP_DONE;
	d->listen_until_ms = now_ms + TUNNEL_DHCP_LISTEN_AFTER_MS;
}

static bool
dhcp_parse_addr(const char *text, uint32_t *out)
{
	struct in_addr a;

	if (!text || inet_pton(AF_INET, text, &a) != 1)
		return false;
	*out = ntohl(a.s_addr);
	return true;
}

/* "2 routes", "1 route" */
static const char *
dhcp_plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* Routes refused because they would carry more than a split tunnel: say
 * once, as a warning, why the VPN carries less than the server asked.
 * Each route and its reason is in the info lines. */
static void
dhcp_log_too_wide(const struct dhcp_route_result *routes)
{
	size_t i, short_prefix = 0, too_much = 0;

	for (i = 0; i < routes->n_notes; i++) {
		if (routes->notes[i].reason == DHCP_ROUTE_PREFIX_TOO_SHORT)
			short_prefix++;
		else if (routes->notes[i].reason == DHCP_ROUTE_COVERS_TOO_MUCH)
			too_much++;
	}
	if (short_prefix > 0)
		tlog_warn("DHCP: %zu %s shorter than /%d refused: wider than any network behind a "
		          "VPN, and such routes together can take all traffic", short_prefix,
		          dhcp_plural(short_prefix, "route", "routes"), DHCP_ROUTE_MIN_PREFIX);
	if (too_much > 0)
		tlog_warn("DHCP: %zu %s refused: together they cover more than 1/%d of all IPv4 "
		          "addresses, too much for a split tunnel", too_much,
		          dhcp_plural(too_much, "route", "routes"), DHCP_ROUTE_MAX_SHARE);
}

/* One line a person understands, then the details. */
static void
dhcp_log_answer(const struct tunnel_dhcp *d)
{
	const struct dhcp_inform_reply *r = &d->reply;
	char src[16], what[600], buf[40];
	size_t len = 0, i;

	dhcp_inform_addr_str(r->ip_src, src);
	if (r->n_routes > 0)
		len += (size_t) snprintf(what + len, sizeof(what) - len, "%zu %s", r->n_routes,
		                         dhcp_plural(r->n_routes, "route", "routes"));
	else
		len += (size_t) snprintf(what + len, sizeof(what) - len, "no routes");
	if (d->routes.n_dropped > 0 && len < sizeof(what))
		len += (size_t) snprintf(what + len, sizeof(what) - len, " (%zu refused)", d->routes.n_dropped);
	if (r->domain[0] && len < sizeof(what))
		len += (size_t) snprintf(what + len, sizeof(what) - len, " and DNS domain %s", r->domain);
	else if (len < sizeof(what))
		len += (size_t) snprintf(what + len, sizeof(what) - len, " and no DNS domain");
	for (i = 0; i < r->n_search && len < sizeof(what); i++)
		len += (size_t) snprintf(what + len, sizeof(what) - len, "%s%s", i == 0 ? ", search " : " ",
		                         r->search[i]);
	tlog_info("DHCP: server %s pushed %s", src, what);

	for (i = 0; i < d->routes.n_kept; i++) {
		dhcp_route_str(&d->routes.kept[i], buf);
		tlog_info("DHCP: route %s through the tunnel", buf);
	}
	for (i = 0; i < d->routes.n_notes; i++) {
		dhcp_route_str(&d->routes.notes[i].route, buf);
		tlog_info("DHCP: route %s: %s", buf, dhcp_route_reason_str(d->routes.notes[i].reason));
	}
	dhcp_log_too_wide(&d->routes);
	for (i = 0; i < r->n_notes; i++)
		tlog_info("DHCP: %s", r->notes[i]);
	if (r->n_notes_lost > 0)
		tlog_info("DHCP: %zu more problems in the answer not shown", r->n_notes_lost);
	tlog_debug("DHCP: routes from option %s, %zu DNS servers, answer type %u",
	           r->route_source == DHCP_ROUTES_121 ? "121" : r->route_source == DHCP_ROUTES_249 ? "249"
	           : r->route_source == DHCP_ROUTES_33 ? "33" : "(none)",
	           r->n_dns, (unsigned) r->message_type);
}

bool
tunnel_dhcp_from_server(struct tunnel_dhcp *d, const uint8_t *frame, size_t len, int64_t now_ms)
{
	struct dhcp_inform_reply *r;
	char src[16];

	dhcp_inform_ccp_watch_frame(&d->ccp, frame, len);
	if (d->phase == TUNNEL_DHCP_OFF)
		return false;
	if (d->phase == TUNNEL_DHCP_DONE && now_ms >= d->listen_until_ms) {
		/* From now on the relay costs nothing. */
		d->watching = false;
		return false;
	}
	/* Until an answer has been taken, a late one (after the worker gave
	 * up, within the listening window) is still the answer. */
	r = d->answered ? &d->scratch : &d->reply;
	switch (dhcp_inform_recognise(frame, len, d->req.xid, r)) {
	case DHCP_INFORM_NOT_OURS:
		return false;
	case DHCP_INFORM_ACK:
		if (d->answered) {
			tlog_debug("DHCP: another answer to our DHCPINFORM (to a retry): dropped");
			return true;
		}
		{
			struct dhcp_route_policy pol = {
				.local = d->local,
				.peer = d->peer,
				/* The default route stays the profile's choice
				 * (ipv4.never-default), never the server's. */
				.allow_default = false,
				/* Servers name a router on their LAN; through a
				 * point-to-point link everything goes to the peer. */
				.any_gateway = true,
			};
			dhcp_routes_validate(r->routes, r->n_routes, &pol, &d->routes);
		}
		d->answered = true;
		dhcp_finish(d, now_ms);
		dhcp_log_answer(d);
		tlog_debug("DHCP: answered %lld ms after the first DHCPINFORM",
		           (long long) (now_ms - d->started_ms));
		return true;
	case DHCP_INFORM_REJECTED:
		dhcp_inform_addr_str(r->ip_src, src);
		if (d->phase == TUNNEL_DHCP_WAITING && r->message_type == DHCP_MSG_NAK) {
			tlog_info("DHCP: server %s refused our DHCPINFORM (DHCPNAK): no split routes from it", src);
			dhcp_finish(d, now_ms);
		} else {
			tlog_info("DHCP: unusable answer to our DHCPINFORM from %s: %s", src, r->error);
		}
		return true;
	}
	return false;
}

bool
tunnel_dhcp_ip_up(struct tunnel_dhcp *d, const char *address, const char *peer, int64_t now_ms)
{
	if (!d->enabled) {
		tlog_info("DHCPINFORM is off (--no-dhcp-inform): not asking the server for routes or a DNS domain");
		return false;
	}
	if (d->phase != TUNNEL_DHCP_OFF)
		return false;   /* once per connection */
	d->phase = TUNNEL_DHCP_DONE;
	d->listen_until_ms = now_ms;
	if (!dhcp_parse_addr(address, &d->local) || d->local == 0) {
		tlog_warn("DHCP: no usable IPv4 address from IPCP (\"%s\"): not asking for routes",
		          address ? address : "");
		d->watching = false;
		return false;
	}
	if (!dhcp_parse_addr(peer, &d->peer))
		d->peer = 0;
	if (dhcp_inform_ccp_blocks(&d->ccp)) {
		tlog_info("PPP compression or encryption (CCP/ECP, e.g. require-mppe) is active: the "
		          "server cannot be asked for split routes and a DNS domain (DHCPINFORM)");
		d->watching = false;
		return false;
	}
	d->req.ciaddr = d->local;
	/* The xid identifies the answer; the same one serves every retry. */
	if (RAND_bytes(d->req.xid, sizeof(d->req.xid)) != 1
	    || RAND_bytes(d->req.hwaddr, sizeof(d->req.hwaddr)) != 1) {
		tlog_warn("DHCP: no random numbers for the DHCPINFORM: not asking for routes");
		d->watching = false;
		return false;
	}
	d->phase = TUNNEL_DHCP_WAITING;
	d->started_ms = now_ms;
	dhcp_inform_client_start(&d->client, (uint64_t) now_ms);
	tlog_info("asking the server for split routes and a DNS domain (DHCPINFORM)");
	return true;
}

int
tunnel_dhcp_timeout_ms(const struct tunnel_dhcp *d, int64_t now_ms)
{
	if (d->phase != TUNNEL_DHCP_WAITING)
		return -1;
	return dhcp_inform_client_timeout_ms(&d->client, (uint64_t) now_ms);
}

size_t
tunnel_dhcp_step(struct tunnel_dhcp *d, int64_t now_ms, uint8_t *out, size_t cap)
{
	size_t n;

	if (d->phase != TUNNEL_DHCP_WAITING)
		return 0;
	switch (dhcp_inform_client_step(&d->client, (uint64_t) now_ms)) {
	case DHCP_INFORM_STEP_SEND:
		if (dhcp_inform_ccp_blocks(&d->ccp)) {
			tlog_info("PPP compression or encryption (CCP/ECP) came up: no more DHCPINFORM, no "
			          "split routes from the server");
			dhcp_finish(d, now_ms);
			return 0;
		}
		n = dhcp_inform_build(&d->req, out, cap);
		if (n == 0) {
			dhcp_finish(d, now_ms);
			return 0;
		}
		tlog_debug("> DHCPINFORM %u of %u (%zu bytes)", d->client.sent, DHCP_INFORM_MAX_SENDS, n);
		return n;
	case DHCP_INFORM_STEP_GIVE_UP:
		/* Normal for RRAS without a DHCP relay or SoftEther without
		 * SecureNAT: one line, not a warning. */
		tlog_info("no answer to the DHCPINFORM: the server pushes no split routes or DNS domain");
		dhcp_finish(d, now_ms);
		return 0;
	case DHCP_INFORM_STEP_IDLE:
	case DHCP_INFORM_STEP_WAIT:
		break;
	}
	return 0;
}

int
tunnel_dhcp_hold_ms(int64_t rtt_ms)
{
	int64_t hold;

	if (rtt_ms < 0)
		rtt_ms = 0;
	if (rtt_ms > TUNNEL_DHCP_HOLD_MAX_MS)
		return TUNNEL_DHCP_HOLD_MAX_MS;
	hold = TUNNEL_DHCP_HOLD_MIN_MS + TUNNEL_DHCP_HOLD_RTTS * rtt_ms;
	return (int) (hold < TUNNEL_DHCP_HOLD_MAX_MS ? hold : TUNNEL_DHCP_HOLD_MAX_MS);
}

bool
tunnel_dhcp_has_keys(const struct tunnel_dhcp *d, size_t ipcp_dns)
{
	const struct dhcp_inform_reply *r = &d->reply;

	return d->answered && (d->routes.n_kept > 0 || r->domain[0] || r->n_search > 0
	                       || (ipcp_dns == 0 && r->n_dns > 0));
}

/* Adds key=value if it fits in the budget; false (nothing added) if not. */
static bool
dhcp_add_fitting(struct sstp_ipc_writer *w, size_t *fields_left, size_t reserve, const char *key,
                 const char *value)
{
	size_t need = strlen(key) + 1 + strlen(value) + 1;

	if (*fields_left == 0 || w->failed || w->len + need + reserve > w->cap)
		return false;
	sstp_ipc_writer_add(w, key, value);
	(*fields_left)--;
	return true;
}

void
tunnel_dhcp_add_keys(const struct tunnel_dhcp *d, struct sstp_ipc_writer *w, size_t n_fields,
                     size_t reserve, size_t ipcp_dns)
{
	const struct dhcp_inform_reply *r = &d->reply;
	size_t left = n_fields < SSTP_IPC_MAX_FIELDS ? SSTP_IPC_MAX_FIELDS - n_fields : 0;
	size_t cut = 0, i;
	char val[48], addr[16];

	if (!d->answered)
		return;
	/* Routes first: they are what split tunnelling is about. */
	for (i = 0; i < d->routes.n_kept; i++) {
		dhcp_inform_addr_str(d->routes.kept[i].dest, addr);
		snprintf(val, sizeof(val), "%s/%u", addr, (unsigned) d->routes.kept[i].prefix_len);
		if (!dhcp_add_fitting(w, &left, reserve, "route", val))
			cut++;
	}
	if (r->domain[0] && !dhcp_add_fitting(w, &left, reserve, "domain", r->domain))
		cut++;
	for (i = 0; i < r->n_search; i++)
		if (!dhcp_add_fitting(w, &left, reserve, "search", r->search[i]))
			cut++;
	/* DNS servers from DHCP only when IPCP gave none: IPCP's are the
	 * ones the server meant for this link. */
	for (i = 0; ipcp_dns == 0 && i < r->n_dns; i++) {
		dhcp_inform_addr_str(r->dns[i], addr);
		if (!dhcp_add_fitting(w, &left, reserve, "dns", addr))
			cut++;
	}
	if (cut > 0)
		tlog_warn("DHCP: %zu items pushed by the server do not fit in the message to "
		          "NetworkManager: left out", cut);
}
