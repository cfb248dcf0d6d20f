/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCPINFORM through the PPP link: build the request frame, recognise and
 * parse the DHCPACK, decide which routes to install. See dhcp-inform.h.
 */
#include "dhcp-inform.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PPP_PROTO_IP         0x0021
#define IP_PROTO_UDP         17
#define DHCP_SERVER_PORT     67
#define DHCP_CLIENT_PORT     68
#define BOOTP_MIN_LEN        300
#define BOOTP_SNAME_OFF      44
#define BOOTP_SNAME_LEN      64
#define BOOTP_FILE_OFF       108
#define BOOTP_FILE_LEN       128
#define DHCP_COOKIE_OFF      236
#define DHCP_OPTIONS_OFF     240

#define OPT_PAD              0
#define OPT_SUBNET_MASK      1
#define OPT_ROUTERS          3
#define OPT_DNS              6
#define OPT_DOMAIN           15
#define OPT_STATIC_ROUTES    33
#define OPT_NBNS             44
#define OPT_OVERLOAD         52
#define OPT_MSG_TYPE         53
#define OPT_SERVER_ID        54
#define OPT_PARAM_LIST       55
#define OPT_VENDOR_CLASS     60
#define OPT_CLIENT_ID        61
#define OPT_USER_CLASS       77
#define OPT_SEARCH           119
#define OPT_CLASSLESS        121
#define OPT_MS_CLASSLESS     249
#define OPT_END              255

/* An SSTP data packet holds at most 4091 bytes of PPP frame, so no option
 * (all its parts concatenated) can be longer than this. */
#define OPT_BUF_LEN          4096

static const uint8_t dhcp_cookie[4] = { 0x63, 0x82, 0x53, 0x63 };

/* ---- small helpers ---- */

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t) (p[0] << 8 | p[1]);
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) (v >> 24);
	p[1] = (uint8_t) (v >> 16);
	p[2] = (uint8_t) (v >> 8);
	p[3] = (uint8_t) v;
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t) (v >> 8);
	p[1] = (uint8_t) v;
}

/* RFC 1071 sum, not yet folded or complemented, so that the UDP pseudo
 * header and the datagram can be summed in pieces (even lengths except
 * the last piece). */
static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t) (p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t) p[len - 1] << 8;
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t) ~sum;
}

/* Checksum of a UDP datagram (header with its checksum field as it is,
 * and data) under the IPv4 pseudo header. */
static uint16_t
udp_csum(uint32_t src, uint32_t dst, const uint8_t *udp, size_t udp_len)
{
	uint8_t ph[12];

	put32(ph, src);
	put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = IP_PROTO_UDP;
	put16(ph + 10, (uint16_t) udp_len);
	return csum_fold(csum_add(csum_add(0, ph, sizeof(ph)), udp, udp_len));
}

void
dhcp_inform_addr_str(uint32_t addr, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", (unsigned) (addr >> 24), (unsigned) (addr >> 16 & 0xff),
	         (unsigned) (addr >> 8 & 0xff), (unsigned) (addr & 0xff));
}

void
dhcp_route_str(const struct dhcp_route *route, char buf[40])
{
	char d[16], g[16];

	dhcp_inform_addr_str(route->dest, d);
	if (route->gateway == 0) {
		snprintf(buf, 40, "%s/%u", d, (unsigned) route->prefix_len);
	} else {
		dhcp_inform_addr_str(route->gateway, g);
		snprintf(buf, 40, "%s/%u via %s", d, (unsigned) route->prefix_len, g);
	}
}

/* 0.0.0.0/8, 127/8 and 224/3 (multicast, class E, broadcast) cannot be a
 * DNS server, router or the like. */
static bool
addr_is_unicast_host(uint32_t a)
{
	uint8_t first = (uint8_t) (a >> 24);

	return first != 0 && first != 127 && first < 224;
}

static uint32_t
prefix_mask(unsigned prefix_len)
{
	return prefix_len == 0 ? 0 : 0xffffffffu << (32 - prefix_len);
}

/* ---- building ---- */

size_t
dhcp_inform_build(const struct dhcp_inform_request *req, uint8_t *out, size_t cap)
{
	static const uint8_t vendor_class[] = "MSFT 5.0";
	static const uint8_t user_class[] = "RRAS.Microsoft";
	static const uint8_t params[] = { OPT_SUBNET_MASK, OPT_ROUTERS, OPT_DNS, OPT_DOMAIN,
	                                  OPT_STATIC_ROUTES, OPT_NBNS, OPT_SEARCH, OPT_CLASSLESS,
	                                  OPT_MS_CLASSLESS };
	uint8_t *ip, *udp, *bootp, *o;
	uint8_t hw[6];
	uint16_t sum;

	if (req == NULL || out == NULL || cap < DHCP_INFORM_FRAME_LEN || req->ciaddr == 0)
		return 0;
	memset(out, 0, DHCP_INFORM_FRAME_LEN);
	memcpy(hw, req->hwaddr, 6);
	hw[0] = (uint8_t) ((hw[0] & ~0x01u) | 0x02u);   /* unicast, locally administered */

	/* PPP: address, control, protocol IPv4. FF 03 is always acceptable,
	 * even after ACFC was negotiated (RFC 1661 6.6). */
	out[0] = 0xff;
	out[1] = 0x03;
	put16(out + 2, PPP_PROTO_IP);

	ip = out + 4;
	udp = ip + 20;
	bootp = udp + 8;

	/* BOOTP/DHCP (RFC 2131 4.4.3: ciaddr set, yiaddr 0, no broadcast
	 * flag: the server answers to ciaddr, which is in the tunnel). */
	bootp[0] = 1;          /* BOOTREQUEST */
	bootp[1] = 1;          /* htype Ethernet, like Windows' WAN adapters */
	bootp[2] = 6;          /* hlen */
	bootp[3] = 0;          /* hops */
	memcpy(bootp + 4, req->xid, 4);
	put32(bootp + 12, req->ciaddr);
	memcpy(bootp + 28, hw, 6);
	memcpy(bootp + DHCP_COOKIE_OFF, dhcp_cookie, 4);

	o = bootp + DHCP_OPTIONS_OFF;
	*o++ = OPT_MSG_TYPE;
	*o++ = 1;
	*o++ = DHCP_MSG_INFORM;
	*o++ = OPT_CLIENT_ID;
	*o++ = 7;
	*o++ = 1;              /* type: hardware address, Ethernet */
	memcpy(o, hw, 6);
	o += 6;
	*o++ = OPT_VENDOR_CLASS;
	*o++ = (uint8_t) (sizeof(vendor_class) - 1);
	memcpy(o, vendor_class, sizeof(vendor_class) - 1);
	o += sizeof(vendor_class) - 1;
	*o++ = OPT_USER_CLASS;
	*o++ = (uint8_t) (sizeof(user_class) - 1);
	memcpy(o, user_class, sizeof(user_class) - 1);
	o += sizeof(user_class) - 1;
	*o++ = OPT_PARAM_LIST;
	*o++ = (uint8_t) sizeof(params);
	memcpy(o, params, sizeof(params));
	o += sizeof(params);
	*o++ = OPT_END;
	/* the rest up to 300 bytes stays 0 (pad) */

	put16(udp, DHCP_CLIENT_PORT);
	put16(udp + 2, DHCP_SERVER_PORT);
	put16(udp + 4, 8 + BOOTP_MIN_LEN);
	sum = udp_csum(req->ciaddr, 0xffffffffu, udp, 8 + BOOTP_MIN_LEN);
	put16(udp + 6, sum == 0 ? 0xffff : sum);   /* 0 would mean "no checksum" */

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, 20 + 8 + BOOTP_MIN_LEN);
	/* identification: any value; take it from the xid so that two
	 * connections do not look alike */
	ip[4] = req->xid[2];
	ip[5] = req->xid[3];
	put16(ip + 6, 0);      /* no DF, no fragment */
	ip[8] = 128;           /* TTL as Windows sends it */
	ip[9] = IP_PROTO_UDP;
	put32(ip + 12, req->ciaddr);
	put32(ip + 16, 0xffffffffu);
	put16(ip + 10, csum_fold(csum_add(0, ip, 20)));

	return DHCP_INFORM_FRAME_LEN;
}

/* ---- PPP ---- */

bool
dhcp_inform_ppp_header(const uint8_t *frame, size_t len, uint16_t *protocol, size_t *offset)
{
	size_t i = 0;

	if (frame == NULL)
		return false;
	if (len >= 2 && frame[0] == 0xff && frame[1] == 0x03)
		i = 2;
	if (i >= len)
		return false;
	if (frame[i] & 1) {
		/* compressed (PFC): one odd byte */
		*protocol = frame[i];
		*offset = i + 1;
		return true;
	}
	if (i + 2 > len || !(frame[i + 1] & 1))
		return false;   /* a protocol number's low byte is always odd */
	*protocol = get16(frame + i);
	*offset = i + 2;
	return true;
}

void
dhcp_inform_ccp_watch_frame(struct dhcp_inform_ccp_watch *w, const uint8_t *frame, size_t len)
{
	uint16_t proto;
	size_t off;

	if (!dhcp_inform_ppp_header(frame, len, &proto, &off))
		return;
	switch (proto) {
	case 0x00fd:   /* compressed datagram */
	case 0x00fb:   /* individual link compressed datagram */
	case 0x0053:   /* encrypted datagram */
	case 0x0055:   /* individual link encrypted datagram */
		w->compressed_seen = true;
		break;
	case 0x80fd:   /* CCP */
	case 0x80fb:   /* individual link CCP */
	case 0x8053:   /* ECP */
	case 0x8055:   /* individual link ECP */
		/* Configure-Ack (code 2) carrying at least one option: a
		 * method is agreed in that direction. */
		if (len - off >= 4 && frame[off] == 2 && get16(frame + off + 2) > 4)
			w->ccp_acked = true;
		break;
	default:
		break;
	}
}

bool
dhcp_inform_ccp_blocks(const struct dhcp_inform_ccp_watch *w)
{
	return w->ccp_acked || w->compressed_seen;
}

/* ---- notes ---- */

static void
reply_note(struct dhcp_inform_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
reply_note(struct dhcp_inform_reply *r, const char *fmt, ...)
{
	va_list ap;

	if (r->n_notes >= DHCP_INFORM_MAX_NOTES) {
		r->n_notes_lost++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(r->notes[r->n_notes], DHCP_INFORM_NOTE_LEN, fmt, ap);
	va_end(ap);
	r->n_notes++;
}

static enum dhcp_inform_verdict
reply_reject(struct dhcp_inform_reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static enum dhcp_inform_verdict
reply_reject(struct dhcp_inform_reply *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return DHCP_INFORM_REJECTED;
}

/* ---- option fields ---- */

/* The fields that hold options: the options field, then (when option 52
 * says so) file and sname, in the order RFC 3396 concatenates them.
 * len is cut to the last complete option. */
struct opt_fields {
	const uint8_t *p[3];
	size_t len[3];
	size_t n;
};

/* Length of the well-formed part of one field: up to the End option, or
 * up to the last option that fits. *cut is set when an option runs past
 * the end of the field. */
static size_t
opt_field_extent(const uint8_t *p, size_t len, bool *cut)
{
	size_t i = 0;

	*cut = false;
	while (i < len) {
		if (p[i] == OPT_PAD) {
			i++;
			continue;
		}
		if (p[i] == OPT_END)
			return i;
		if (i + 2 > len || i + 2 + (size_t) p[i + 1] > len) {
			*cut = true;
			return i;
		}
		i += 2 + (size_t) p[i + 1];
	}
	return i;
}

/* Concatenate every instance of option code from all fields into buf.
 * Returns the number of instances (0: absent). */
static size_t
opt_collect(const struct opt_fields *f, uint8_t code, uint8_t *buf, size_t cap, size_t *out_len)
{
	size_t k, i, count = 0, used = 0;

	for (k = 0; k < f->n; k++) {
		const uint8_t *p = f->p[k];

		for (i = 0; i < f->len[k];) {
			size_t l;

			if (p[i] == OPT_PAD) {
				i++;
				continue;
			}
			l = p[i + 1];   /* extent guarantees i + 2 + l <= len */
			if (p[i] == code) {
				if (used + l <= cap) {
					memcpy(buf + used, p + i + 2, l);
					used += l;
				}
				count++;
			}
			i += 2 + l;
		}
	}
	*out_len = used;
	return count;
}

/* ---- addresses ---- */

static void
parse_addr_list(struct dhcp_inform_reply *r, uint8_t code, const char *what, const uint8_t *d,
                size_t len, uint32_t *list, size_t *n)
{
	size_t i;

	if (len == 0 || len % 4 != 0) {
		reply_note(r, "option %u (%s) ignored: length %zu is not a multiple of 4", code, what, len);
		return;
	}
	for (i = 0; i < len; i += 4) {
		uint32_t a = get32(d + i);
		char s[16];

		if (!addr_is_unicast_host(a)) {
			dhcp_inform_addr_str(a, s);
			reply_note(r, "option %u (%s): address %s skipped", code, what, s);
			continue;
		}
		if (*n >= DHCP_INFORM_MAX_ADDRS) {
			reply_note(r, "option %u (%s): more than %d addresses, the rest ignored", code, what,
			           DHCP_INFORM_MAX_ADDRS);
			return;
		}
		list[(*n)++] = a;
	}
}

/* ---- DNS names ---- */

static bool
dns_label_char_ok(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/* One DNS name in text form: labels of 1-63 letters, digits, '-' or '_',
 * not starting or ending with '-', total 1-253 bytes, no final dot. */
static bool
dns_name_valid(const char *s, size_t len)
{
	size_t i, label = 0;

	if (len == 0 || len > DHCP_INFORM_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!dns_label_char_ok((uint8_t) s[i]))
			return false;
		if (label == 0 && s[i] == '-')
			return false;
		if (++label > 63)
			return false;
	}
	return label != 0 && s[len - 1] != '-';
}

static void
parse_domain(struct dhcp_inform_reply *r, const uint8_t *d, size_t len)
{
	/* Windows DHCP servers count a terminating NUL in the length; a final
	 * dot (fully qualified form) is dropped too. */
	while (len > 0 && d[len - 1] == 0)
		len--;
	if (len > 0 && d[len - 1] == '.')
		len--;
	if (!dns_name_valid((const char *) d, len)) {
		reply_note(r, "option 15 (domain name) ignored: not a valid DNS name");
		return;
	}
	memcpy(r->domain, d, len);
	r->domain[len] = '\0';
}

/* Decode the name at *pos in RFC 1035 wire form with compression
 * pointers (RFC 3397: offsets count from the start of the concatenated
 * option data). A pointer must point before the start of the run of
 * labels it ends, so every jump goes strictly backwards and decoding
 * always ends. Names longer than 255 bytes on the wire are refused.
 * On success *pos is just past the name (after its 0 byte or pointer). */
static bool
dns_decode_name(const uint8_t *d, size_t len, size_t *pos, char *out, size_t *out_len, const char **why)
{
	size_t p = *pos, run_start = *pos, wire = 0, o = 0;
	bool jumped = false;

	for (;;) {
		uint8_t b;

		if (p >= len) {
			*why = "name runs past the end";
			return false;
		}
		b = d[p];
		if (b == 0) {
			if (!jumped)
				*pos = p + 1;
			break;
		}
		if ((b & 0xc0) == 0xc0) {
			size_t target;

			if (p + 1 >= len) {
				*why = "pointer cut by the end";
				return false;
			}
			target = (size_t) (b & 0x3f) << 8 | d[p + 1];
			if (target >= run_start) {
				*why = "compression pointer does not point backwards";
				return false;
			}
			if (!jumped)
				*pos = p + 2;
			jumped = true;
			run_start = target;
			p = target;
			continue;
		}
		if (b & 0xc0) {
			*why = "unknown label type";
			return false;
		}
		if (p + 1 + b > len) {
			*why = "label runs past the end";
			return false;
		}
		wire += 1 + (size_t) b;
		if (wire + 1 > 255) {
			*why = "name longer than 255 bytes";
			return false;
		}
		if (o > 0)
			out[o++] = '.';
		for (size_t i = 0; i < b; i++) {
			uint8_t c = d[p + 1 + i];

			if (!dns_label_char_ok(c)) {
				*why = "character not allowed in a DNS name";
				return false;
			}
			out[o++] = (char) c;
		}
		p += 1 + (size_t) b;
	}
	out[o] = '\0';
	*out_len = o;
	return true;
}

static void
parse_search(struct dhcp_inform_reply *r, const uint8_t *d, size_t len)
{
	char names[DHCP_INFORM_MAX_SEARCH][DHCP_INFORM_NAME_MAX + 1];
	size_t pos = 0, n = 0, extra = 0;

	memset(names, 0, sizeof(names));   /* the reply holds no stale bytes */
	while (pos < len) {
		char name[256];
		size_t name_len = 0;
		const char *why = NULL;

		if (!dns_decode_name(d, len, &pos, name, &name_len, &why)) {
			reply_note(r, "option 119 (search list) ignored: %s at byte %zu", why, pos);
			return;
		}
		if (name_len == 0)
			continue;   /* the root: nothing to search */
		if (!dns_name_valid(name, name_len)) {
			reply_note(r, "option 119 (search list) ignored: invalid name");
			return;
		}
		if (n < DHCP_INFORM_MAX_SEARCH)
			memcpy(names[n++], name, name_len + 1);
		else
			extra++;
	}
	if (extra > 0)
		reply_note(r, "option 119 (search list): %zu names beyond the first %d ignored", extra,
		           DHCP_INFORM_MAX_SEARCH);
	memcpy(r->search, names, sizeof(names));
	r->n_search = n;
}

/* ---- routes ---- */

/* RFC 3442 encoding, shared by 121 and 249: prefix length (0-32), the
 * significant octets of the destination, 4-byte router. Returns false
 * (and notes why) on any inconsistency: the option is then unused. */
static bool
parse_classless(struct dhcp_inform_reply *r, uint8_t code, const uint8_t *d, size_t len)
{
	struct dhcp_route routes[DHCP_INFORM_MAX_ROUTES];
	size_t i = 0, n = 0, extra = 0;

	memset(routes, 0, sizeof(routes));   /* padding included: the reply holds no stale bytes */
	if (len < 5) {
		reply_note(r, "option %u (classless routes) ignored: length %zu, at least 5 needed", code, len);
		return false;
	}
	while (i < len) {
		unsigned width = d[i];
		size_t sig = (width + 7) / 8, k;
		uint32_t dest = 0;

		if (width > 32) {
			reply_note(r, "option %u (classless routes) ignored: prefix length %u at byte %zu",
			           code, width, i);
			return false;
		}
		if (i + 1 + sig + 4 > len) {
			reply_note(r, "option %u (classless routes) ignored: route at byte %zu cut short",
			           code, i);
			return false;
		}
		for (k = 0; k < sig; k++)
			dest |= (uint32_t) d[i + 1 + k] << (24 - 8 * k);
		if (n < DHCP_INFORM_MAX_ROUTES) {
			routes[n].dest = dest;
			routes[n].prefix_len = (uint8_t) width;
			routes[n].gateway = get32(d + i + 1 + sig);
			n++;
		} else {
			extra++;
		}
		i += 1 + sig + 4;
	}
	if (extra > 0)
		reply_note(r, "option %u: %zu routes beyond the first %d ignored", code, extra,
		           DHCP_INFORM_MAX_ROUTES);
	memcpy(r->routes, routes, n * sizeof(routes[0]));
	r->n_routes = n;
	return true;
}

/* Option 33: pairs of (destination, router), classful. The prefix is the
 * destination's class (A /8, B /16, C /24); a destination with bits set
 * past its class mask, or of class D/E, is taken as a host route (/32;
 * class D/E ones are then refused by dhcp_routes_validate()). */
static bool
parse_static_routes(struct dhcp_inform_reply *r, const uint8_t *d, size_t len)
{
	struct dhcp_route routes[DHCP_INFORM_MAX_ROUTES];
	size_t i, n = 0, extra = 0;

	memset(routes, 0, sizeof(routes));
	if (len == 0 || len % 8 != 0) {
		reply_note(r, "option 33 (static routes) ignored: length %zu is not a multiple of 8", len);
		return false;
	}
	for (i = 0; i < len; i += 8) {
		uint32_t dest = get32(d + i);
		unsigned prefix;

		if (dest == 0) {
			reply_note(r, "option 33 (static routes) ignored: 0.0.0.0 is not a valid destination");
			return false;
		}
		if ((dest >> 31) == 0)
			prefix = 8;
		else if ((dest >> 30) == 2)
			prefix = 16;
		else if ((dest >> 29) == 6)
			prefix = 24;
		else
			prefix = 32;
		if (dest & ~prefix_mask(prefix))
			prefix = 32;
		if (n < DHCP_INFORM_MAX_ROUTES) {
			routes[n].dest = dest;
			routes[n].prefix_len = (uint8_t) prefix;
			routes[n].gateway = get32(d + i + 4);
			n++;
		} else {
			extra++;
		}
	}
	if (extra > 0)
		reply_note(r, "option 33: %zu routes beyond the first %d ignored", extra, DHCP_INFORM_MAX_ROUTES);
	memcpy(r->routes, routes, n * sizeof(routes[0]));
	r->n_routes = n;
	return true;
}

/* ---- the message ---- */

enum dhcp_inform_verdict
dhcp_inform_parse_bootp(const uint8_t *msg, size_t len, struct dhcp_inform_reply *r)
{
	static uint8_t const wanted_order[] = { OPT_CLASSLESS, OPT_MS_CLASSLESS };
	uint8_t buf[OPT_BUF_LEN];
	struct opt_fields f;
	size_t blen, count, k;
	bool cut;

	memset(r, 0, sizeof(*r));
	if (len < DHCP_OPTIONS_OFF)
		return reply_reject(r, "reply too short for BOOTP (%zu bytes)", len);
	if (memcmp(msg + DHCP_COOKIE_OFF, dhcp_cookie, 4) != 0)
		return reply_reject(r, "reply has no DHCP magic cookie");

	memset(&f, 0, sizeof(f));
	f.p[0] = msg + DHCP_OPTIONS_OFF;
	f.len[0] = opt_field_extent(f.p[0], len - DHCP_OPTIONS_OFF, &cut);
	f.n = 1;
	if (cut)
		reply_note(r, "an option runs past the end of the message; it and what follows are ignored");

	/* Option overload (52) may only appear in the options field. */
	count = opt_collect(&f, OPT_OVERLOAD, buf, sizeof(buf), &blen);
	if (count > 0) {
		if (blen != 1 || buf[0] < 1 || buf[0] > 3) {
			reply_note(r, "option 52 (overload) ignored: bad value");
		} else {
			if (buf[0] & 1) {
				f.p[f.n] = msg + BOOTP_FILE_OFF;
				f.len[f.n] = opt_field_extent(f.p[f.n], BOOTP_FILE_LEN, &cut);
				if (cut)
					reply_note(r, "an option runs past the end of the file field");
				f.n++;
			}
			if (buf[0] & 2) {
				f.p[f.n] = msg + BOOTP_SNAME_OFF;
				f.len[f.n] = opt_field_extent(f.p[f.n], BOOTP_SNAME_LEN, &cut);
				if (cut)
					reply_note(r, "an option runs past the end of the sname field");
				f.n++;
			}
		}
	}

	count = opt_collect(&f, OPT_MSG_TYPE, buf, sizeof(buf), &blen);
	if (count == 0)
		return reply_reject(r, "BOOTP reply without a DHCP message type");
	if (blen != 1)
		return reply_reject(r, "DHCP message type option has length %zu", blen);
	r->message_type = buf[0];
	if (r->message_type == DHCP_MSG_NAK)
		return reply_reject(r, "server refused the request (DHCPNAK)");
	if (r->message_type != DHCP_MSG_ACK)
		return reply_reject(r, "unexpected DHCP message type %u", r->message_type);

	if (opt_collect(&f, OPT_SERVER_ID, buf, sizeof(buf), &blen) > 0) {
		if (blen == 4) {
			r->has_server_id = true;
			r->server_id = get32(buf);
		} else {
			reply_note(r, "option 54 (server identifier) ignored: length %zu", blen);
		}
	}
	if (opt_collect(&f, OPT_SUBNET_MASK, buf, sizeof(buf), &blen) > 0) {
		if (blen == 4) {
			r->has_subnet_mask = true;
			r->subnet_mask = get32(buf);
		} else {
			reply_note(r, "option 1 (subnet mask) ignored: length %zu", blen);
		}
	}
	if (opt_collect(&f, OPT_DNS, buf, sizeof(buf), &blen) > 0)
		parse_addr_list(r, OPT_DNS, "DNS servers", buf, blen, r->dns, &r->n_dns);
	if (opt_collect(&f, OPT_NBNS, buf, sizeof(buf), &blen) > 0)
		parse_addr_list(r, OPT_NBNS, "NetBIOS name servers", buf, blen, r->nbns, &r->n_nbns);
	if (opt_collect(&f, OPT_DOMAIN, buf, sizeof(buf), &blen) > 0)
		parse_domain(r, buf, blen);
	if (opt_collect(&f, OPT_SEARCH, buf, sizeof(buf), &blen) > 0)
		parse_search(r, buf, blen);

	/* Routes: 121, else 249, else 33 (RFC 3442: with 121, ignore 33 and 3). */
	for (k = 0; k < sizeof(wanted_order) && r->route_source == DHCP_ROUTES_NONE; k++) {
		if (opt_collect(&f, wanted_order[k], buf, sizeof(buf), &blen) > 0 &&
		    parse_classless(r, wanted_order[k], buf, blen))
			r->route_source = wanted_order[k] == OPT_CLASSLESS ? DHCP_ROUTES_121 : DHCP_ROUTES_249;
	}
	if (r->route_source == DHCP_ROUTES_NONE &&
	    opt_collect(&f, OPT_STATIC_ROUTES, buf, sizeof(buf), &blen) > 0 &&
	    parse_static_routes(r, buf, blen))
		r->route_source = DHCP_ROUTES_33;
	if (r->route_source != DHCP_ROUTES_121 && r->route_source != DHCP_ROUTES_249 &&
	    opt_collect(&f, OPT_ROUTERS, buf, sizeof(buf), &blen) > 0)
		parse_addr_list(r, OPT_ROUTERS, "routers", buf, blen, r->routers, &r->n_routers);

	return DHCP_INFORM_ACK;
}

enum dhcp_inform_verdict
dhcp_inform_recognise(const uint8_t *frame, size_t len, const uint8_t xid[4], struct dhcp_inform_reply *r)
{
	const uint8_t *ip, *udp, *bootp;
	size_t off, ihl, total, udp_len;
	uint16_t proto, sum;
	enum dhcp_inform_verdict verdict;

	memset(r, 0, sizeof(*r));
	if (!dhcp_inform_ppp_header(frame, len, &proto, &off) || proto != PPP_PROTO_IP)
		return DHCP_INFORM_NOT_OURS;
	ip = frame + off;
	len -= off;

	/* IPv4 header: anything odd is for the kernel to judge, not us. */
	if (len < 20 || (ip[0] >> 4) != 4)
		return DHCP_INFORM_NOT_OURS;
	ihl = (size_t) (ip[0] & 0x0f) * 4;
	total = get16(ip + 2);
	if (ihl < 20 || ihl > len || total < ihl || total > len)
		return DHCP_INFORM_NOT_OURS;
	if (csum_fold(csum_add(0, ip, ihl)) != 0)
		return DHCP_INFORM_NOT_OURS;
	if ((get16(ip + 6) & 0x3fff) != 0)   /* MF or a fragment offset */
		return DHCP_INFORM_NOT_OURS;
	if (ip[9] != IP_PROTO_UDP || total - ihl < 8)
		return DHCP_INFORM_NOT_OURS;

	udp = ip + ihl;
	udp_len = get16(udp + 4);
	if (get16(udp) != DHCP_SERVER_PORT || get16(udp + 2) != DHCP_CLIENT_PORT)
		return DHCP_INFORM_NOT_OURS;
	if (udp_len < 8 || udp_len > total - ihl)
		return DHCP_INFORM_NOT_OURS;
	bootp = udp + 8;
	if (udp_len - 8 < 8 || bootp[0] != 2 || memcmp(bootp + 4, xid, 4) != 0)
		return DHCP_INFORM_NOT_OURS;

	/* From here on it is the answer to our INFORM. */
	sum = get16(udp + 6);
	if (sum != 0 && udp_csum(get32(ip + 12), get32(ip + 16), udp, udp_len) != 0)
		verdict = reply_reject(r, "UDP checksum of the DHCP reply is wrong");
	else
		verdict = dhcp_inform_parse_bootp(bootp, udp_len - 8, r);
	r->ip_src = get32(ip + 12);
	return verdict;
}

/* ---- route policy ---- */

/* The limits' values in the log text, so text and rule cannot differ. */
#define DHCP_STR_(x) #x
#define DHCP_STR(x)  DHCP_STR_(x)

const char *
dhcp_route_reason_str(enum dhcp_route_reason reason)
{
	switch (reason) {
	case DHCP_ROUTE_KEPT:
		return "kept";
	case DHCP_ROUTE_NORMALISED:
		return "kept with its host bits cleared";
	case DHCP_ROUTE_BAD_PREFIX:
		return "dropped: prefix length over 32";
	case DHCP_ROUTE_DEFAULT_REFUSED:
		return "dropped: default route not allowed for this connection";
	case DHCP_ROUTE_BAD_DESTINATION:
		return "dropped: destination is not a unicast network";
	case DHCP_ROUTE_FOREIGN_GATEWAY:
		return "dropped: gateway is neither on the link nor the tunnel peer";
	case DHCP_ROUTE_DUPLICATE:
		return "dropped: duplicate";
	case DHCP_ROUTE_PREFIX_TOO_SHORT:
		return "dropped: prefix shorter than /" DHCP_STR(DHCP_ROUTE_MIN_PREFIX) ", too wide for a split tunnel";
	case DHCP_ROUTE_COVERS_TOO_MUCH:
		return "dropped: the routes together cover more than 1/" DHCP_STR(DHCP_ROUTE_MAX_SHARE)
		       " of IPv4 (none is installed)";
	}
	return "unknown";
}

static void
route_note(struct dhcp_route_result *out, const struct dhcp_route *r, enum dhcp_route_reason reason)
{
	out->notes[out->n_notes].route = *r;
	out->notes[out->n_notes].reason = reason;
	out->n_notes++;
	if (reason != DHCP_ROUTE_NORMALISED)
		out->n_dropped++;
}

static bool
reason_installs(enum dhcp_route_reason reason)
{
	return reason == DHCP_ROUTE_KEPT || reason == DHCP_ROUTE_NORMALISED;
}

/* The checks that need only the route itself, first reason first. The
 * destination check before the width: for 224.0.0.0/4 "not unicast" says
 * more than "too wide". Every prefix of /8 or longer has one first octet,
 * so the destination check is exact for every route that can be kept. */
static enum dhcp_route_reason
route_check_alone(const struct dhcp_route *r, const struct dhcp_route_policy *policy)
{
	uint32_t dest;
	uint8_t first;

	if (r->prefix_len > 32)
		return DHCP_ROUTE_BAD_PREFIX;
	dest = r->dest & prefix_mask(r->prefix_len);
	first = (uint8_t) (dest >> 24);
	if (r->prefix_len == 0) {
		if (!policy->allow_default)
			return DHCP_ROUTE_DEFAULT_REFUSED;
	} else if (first == 0 || first == 127 || first >= 224) {
		return DHCP_ROUTE_BAD_DESTINATION;
	} else if (r->prefix_len < DHCP_ROUTE_MIN_PREFIX) {
		return DHCP_ROUTE_PREFIX_TOO_SHORT;
	}
	if (!policy->any_gateway && r->gateway != 0 && r->gateway != policy->local &&
	    r->gateway != policy->peer)
		return DHCP_ROUTE_FOREIGN_GATEWAY;
	return dest != r->dest ? DHCP_ROUTE_NORMALISED : DHCP_ROUTE_KEPT;
}

static bool
prefix_holds(const struct dhcp_route *outer, const struct dhcp_route *inner)
{
	return outer->prefix_len <= inner->prefix_len &&
	       ((outer->dest ^ inner->dest) & prefix_mask(outer->prefix_len)) == 0;
}

/* Addresses the routes to be installed cover, overlaps counted once. Two
 * prefixes are either disjoint or one holds the other, so the union is
 * the sum over the routes that no shorter one to be installed holds
 * (equal ones cannot both be here: duplicates are refused before). The
 * default route is left out on both sides: when the caller allows it, it
 * is the profile's own choice, not a split route. At most 64 routes:
 * the quadratic loop is simpler than sorting. */
static uint64_t
routes_coverage(const struct dhcp_route *norm, const enum dhcp_route_reason *verdict, size_t n)
{
	uint64_t total = 0;
	size_t i, k;

	for (i = 0; i < n; i++) {
		bool held = false;

		if (!reason_installs(verdict[i]) || norm[i].prefix_len == 0)
			continue;
		for (k = 0; k < n && !held; k++) {
			held = k != i && reason_installs(verdict[k]) && norm[k].prefix_len > 0 &&
			       norm[k].prefix_len < norm[i].prefix_len && prefix_holds(&norm[k], &norm[i]);
		}
		if (!held)
			total += (uint64_t) 1 << (32 - norm[i].prefix_len);
	}
	return total;
}

void
dhcp_routes_validate(const struct dhcp_route *in, size_t n, const struct dhcp_route_policy *policy,
                     struct dhcp_route_result *out)
{
	const uint64_t budget = ((uint64_t) 1 << 32) / DHCP_ROUTE_MAX_SHARE;
	struct dhcp_route norm[DHCP_INFORM_MAX_ROUTES];
	enum dhcp_route_reason verdict[DHCP_INFORM_MAX_ROUTES];
	size_t i, k;

	memset(out, 0, sizeof(*out));
	memset(norm, 0, sizeof(norm));
	if (n > DHCP_INFORM_MAX_ROUTES)
		n = DHCP_INFORM_MAX_ROUTES;

	/* 1. each route on its own, then against the ones kept before it */
	for (i = 0; i < n; i++) {
		verdict[i] = route_check_alone(&in[i], policy);
		if (!reason_installs(verdict[i]))
			continue;
		norm[i].dest = in[i].dest & prefix_mask(in[i].prefix_len);
		norm[i].prefix_len = in[i].prefix_len;
		for (k = 0; k < i; k++) {
			if (reason_installs(verdict[k]) && norm[k].dest == norm[i].dest &&
			    norm[k].prefix_len == norm[i].prefix_len)
				verdict[i] = DHCP_ROUTE_DUPLICATE;
		}
	}

	/* 2. the set: over the budget, every route that would have been
	 * installed is refused, rather than the widest ones until the rest
	 * fits. A set that large is not a split tunnel but a broken or
	 * hostile server; which part of it is the real network cannot be
	 * told from the routes (among sixteen /8s, which to drop?), and a
	 * part kept is a routing table nobody configured. With none kept
	 * the user is where a server that pushes no routes leaves them:
	 * no traffic through the VPN that the profile did not ask for. */
	if (routes_coverage(norm, verdict, n) > budget) {
		for (i = 0; i < n; i++) {
			if (reason_installs(verdict[i]) && norm[i].prefix_len > 0)
				verdict[i] = DHCP_ROUTE_COVERS_TOO_MUCH;
		}
	}

	/* 3. the result, in input order */
	for (i = 0; i < n; i++) {
		if (verdict[i] != DHCP_ROUTE_KEPT)
			route_note(out, &in[i], verdict[i]);
		if (!reason_installs(verdict[i]))
			continue;
		out->kept[out->n_kept] = norm[i];   /* gateway 0: on the link */
		out->n_kept++;
	}
}

/* ---- retry schedule ---- */

unsigned
dhcp_inform_retry_delay_ms(unsigned sent)
{
	static const unsigned delay_ms[DHCP_INFORM_MAX_SENDS] = { 1000, 2000, 2000 };

	if (sent == 0 || sent > DHCP_INFORM_MAX_SENDS)
		return 0;
	return delay_ms[sent - 1];
}

void
dhcp_inform_client_start(struct dhcp_inform_client *c, uint64_t now_ms)
{
	c->active = true;
	c->sent = 0;
	c->next_ms = now_ms;
}

enum dhcp_inform_step
dhcp_inform_client_step(struct dhcp_inform_client *c, uint64_t now_ms)
{
	if (!c->active)
		return DHCP_INFORM_STEP_IDLE;
	if (now_ms < c->next_ms)
		return DHCP_INFORM_STEP_WAIT;
	if (c->sent >= DHCP_INFORM_MAX_SENDS) {
		c->active = false;
		return DHCP_INFORM_STEP_GIVE_UP;
	}
	c->sent++;
	/* from the planned time, not from now, so a late wake-up does not
	 * stretch the schedule */
	c->next_ms += dhcp_inform_retry_delay_ms(c->sent);
	if (c->next_ms < now_ms)
		c->next_ms = now_ms;
	return DHCP_INFORM_STEP_SEND;
}

void
dhcp_inform_client_stop(struct dhcp_inform_client *c)
{
	c->active = false;
}

int
dhcp_inform_client_timeout_ms(const struct dhcp_inform_client *c, uint64_t now_ms)
{
	if (!c->active)
		return -1;
	if (c->next_ms <= now_ms)
		return 0;
	return (int) (c->next_ms - now_ms);
}
