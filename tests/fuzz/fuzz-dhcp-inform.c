/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the DHCPINFORM answer path (src/protocol/dhcp-inform.c).
 * Input: 1 byte of flags (policy for the route check), 4 bytes of xid,
 * then one PPP frame as it would come from the server. Checks, besides
 * memory safety:
 *  - the verdict does not depend on how the PPP header is written
 *    (FF 03 00 21, 00 21, 21): same verdict, same parsed reply;
 *  - a parsed ACK holds only what the header promises: counts within
 *    their caps, prefix lengths <= 32, NUL-terminated valid DNS names;
 *  - dhcp_routes_validate() keeps only clean, unique routes through the
 *    tunnel and accounts for every input route;
 *  - the raw message is also fed to dhcp_inform_parse_bootp() and the
 *    frame to the CCP watch; an INFORM built from the input bytes has
 *    correct checksums and is never taken for an answer.
 */
#include "dhcp-inform.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint16_t
fuzz_csum(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i < len; i++)
		sum += (i & 1) ? p[i] : (uint32_t) p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t) ~sum;
}

static bool
fuzz_name_ok(const char *s, size_t cap)
{
	size_t len = strnlen(s, cap);
	size_t i;

	if (len == cap)
		return false;   /* not terminated */
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return len <= DHCP_INFORM_NAME_MAX;
}

static void
fuzz_check_reply(const struct dhcp_inform_reply *r, enum dhcp_inform_verdict v)
{
	size_t i;

	if (r->n_routes > DHCP_INFORM_MAX_ROUTES || r->n_dns > DHCP_INFORM_MAX_ADDRS ||
	    r->n_nbns > DHCP_INFORM_MAX_ADDRS || r->n_routers > DHCP_INFORM_MAX_ADDRS ||
	    r->n_search > DHCP_INFORM_MAX_SEARCH || r->n_notes > DHCP_INFORM_MAX_NOTES)
		abort();
	if ((r->n_routes > 0) != (r->route_source != DHCP_ROUTES_NONE))
		abort();
	for (i = 0; i < r->n_routes; i++) {
		if (r->routes[i].prefix_len > 32)
			abort();
	}
	if (!fuzz_name_ok(r->domain, sizeof(r->domain)))
		abort();
	for (i = 0; i < r->n_search; i++) {
		if (!fuzz_name_ok(r->search[i], sizeof(r->search[i])) || r->search[i][0] == '\0')
			abort();
	}
	for (i = 0; i < r->n_notes; i++) {
		if (strnlen(r->notes[i], DHCP_INFORM_NOTE_LEN) == DHCP_INFORM_NOTE_LEN)
			abort();
	}
	if (strnlen(r->error, sizeof(r->error)) == sizeof(r->error))
		abort();
	if (v == DHCP_INFORM_ACK && (r->message_type != DHCP_MSG_ACK || r->error[0] != '\0'))
		abort();
	if (v == DHCP_INFORM_REJECTED && r->error[0] == '\0')
		abort();
}

static void
fuzz_check_routes(const struct dhcp_inform_reply *r, uint8_t flags, const uint8_t *data, size_t size)
{
	static struct dhcp_route_result res;
	struct dhcp_route_policy pol;
	size_t i, k;
	uint64_t covered = 0;

	memset(&pol, 0, sizeof(pol));
	pol.allow_default = flags & 1;
	pol.any_gateway = flags & 2;
	/* local and peer: a route's gateway when asked to, so they match */
	if ((flags & 4) && r->n_routes > 0)
		pol.peer = r->routes[0].gateway;
	pol.local = size >= 9 ? (uint32_t) data[5] << 24 | (uint32_t) data[6] << 16 |
	                        (uint32_t) data[7] << 8 | data[8] : 0;

	dhcp_routes_validate(r->routes, r->n_routes, &pol, &res);
	if (res.n_kept + res.n_dropped != r->n_routes || res.n_notes > r->n_routes ||
	    res.n_notes < res.n_dropped)
		abort();
	for (i = 0; i < res.n_kept; i++) {
		const struct dhcp_route *a = &res.kept[i];
		uint32_t mask = a->prefix_len == 0 ? 0 : 0xffffffffu << (32 - a->prefix_len);
		uint8_t first = (uint8_t) (a->dest >> 24);

		if (a->prefix_len > 32 || (a->dest & ~mask) != 0 || a->gateway != 0)
			abort();
		if (a->prefix_len == 0 && !pol.allow_default)
			abort();
		if (a->prefix_len > 0 && (first == 0 || first == 127 || first >= 224))
			abort();
		/* No split route wider than the minimum (docs/dhcp-inform.md). */
		if (a->prefix_len > 0 && a->prefix_len < DHCP_ROUTE_MIN_PREFIX)
			abort();
		for (k = 0; k < i; k++) {
			if (res.kept[k].dest == a->dest && res.kept[k].prefix_len == a->prefix_len)
				abort();
		}
	}
	/* Together they cover at most 1/DHCP_ROUTE_MAX_SHARE of IPv4. Counted here
	 * without the library's code: two CIDR blocks either nest or are disjoint, so
	 * the union is the sum over the routes no other kept route contains. */
	for (i = 0; i < res.n_kept; i++) {
		const struct dhcp_route *a = &res.kept[i];
		bool inside = false;

		if (a->prefix_len == 0)
			continue;
		for (k = 0; k < res.n_kept && !inside; k++) {
			const struct dhcp_route *b = &res.kept[k];
			uint32_t bmask = b->prefix_len == 0 ? 0 : 0xffffffffu << (32 - b->prefix_len);

			inside = k != i && b->prefix_len > 0 && b->prefix_len < a->prefix_len &&
			         (a->dest & bmask) == b->dest;
		}
		if (!inside)
			covered += (uint64_t) 1 << (32 - a->prefix_len);
	}
	if (covered > ((uint64_t) 1 << 32) / DHCP_ROUTE_MAX_SHARE)
		abort();
	for (i = 0; i < res.n_notes; i++) {
		char buf[40];

		if (dhcp_route_reason_str(res.notes[i].reason) == NULL)
			abort();
		dhcp_route_str(&res.notes[i].route, buf);
	}
}

static void
fuzz_check_builder(const uint8_t *data, size_t size)
{
	struct dhcp_inform_request req;
	uint8_t f[DHCP_INFORM_FRAME_LEN];
	static struct dhcp_inform_reply r;
	uint32_t pseudo;
	const uint8_t *ip;

	if (size < 15)
		return;
	memset(&req, 0, sizeof(req));
	req.ciaddr = (uint32_t) data[1] << 24 | (uint32_t) data[2] << 16 | (uint32_t) data[3] << 8 | data[4];
	memcpy(req.xid, data + 5, 4);
	memcpy(req.hwaddr, data + 9, 6);
	if (dhcp_inform_build(&req, f, sizeof(f)) != (req.ciaddr ? sizeof(f) : 0))
		abort();
	if (req.ciaddr == 0)
		return;
	ip = f + 4;
	if (fuzz_csum(ip, 20, 0) != 0)
		abort();
	/* pseudo header: addresses, protocol, UDP length */
	pseudo = (req.ciaddr >> 16) + (req.ciaddr & 0xffff) + 0xffff + 0xffff + 17 + 308;
	if (fuzz_csum(ip + 20, 308, pseudo) != 0 || (ip[26] == 0 && ip[27] == 0))
		abort();
	if ((f[4 + 20 + 8 + 28] & 3) != 2)   /* chaddr: unicast, locally administered */
		abort();
	if (dhcp_inform_recognise(f, sizeof(f), req.xid, &r) != DHCP_INFORM_NOT_OURS)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_inform_reply r1, r2;
	static uint8_t alt[4200];
	struct dhcp_inform_ccp_watch w;
	enum dhcp_inform_verdict v1, v2;
	const uint8_t *frame, *xid;
	size_t len, off;
	uint16_t proto;
	uint8_t flags;

	if (size < 5)
		return 0;
	flags = data[0];
	xid = data + 1;
	frame = data + 5;
	len = size - 5;

	fuzz_check_builder(data, size);

	memset(&w, 0, sizeof(w));
	dhcp_inform_ccp_watch_frame(&w, frame, len);

	v1 = dhcp_inform_recognise(frame, len, xid, &r1);
	if (v1 != DHCP_INFORM_NOT_OURS && v1 != DHCP_INFORM_ACK && v1 != DHCP_INFORM_REJECTED)
		abort();
	fuzz_check_reply(&r1, v1);
	if (v1 == DHCP_INFORM_ACK)
		fuzz_check_routes(&r1, flags, data, size);

	/* the same IPv4 datagram behind the other PPP header forms */
	if (dhcp_inform_ppp_header(frame, len, &proto, &off) && proto == 0x0021 &&
	    len - off + 4 <= sizeof(alt)) {
		static const uint8_t headers[3][4] = { { 0xff, 0x03, 0x00, 0x21 }, { 0x00, 0x21 }, { 0x21 } };
		static const size_t header_len[3] = { 4, 2, 1 };
		size_t h = flags >> 6 < 3 ? flags >> 6 : 2;

		memcpy(alt, headers[h], header_len[h]);
		memcpy(alt + header_len[h], frame + off, len - off);
		v2 = dhcp_inform_recognise(alt, header_len[h] + len - off, xid, &r2);
		if (v1 != v2 || memcmp(&r1, &r2, sizeof(r1)) != 0)
			abort();
	}

	/* the whole frame as a bare BOOTP message too */
	v2 = dhcp_inform_parse_bootp(frame, len, &r2);
	if (v2 != DHCP_INFORM_ACK && v2 != DHCP_INFORM_REJECTED)
		abort();
	fuzz_check_reply(&r2, v2);
	if (v2 == DHCP_INFORM_ACK)
		fuzz_check_routes(&r2, flags, data, size);
	return 0;
}
