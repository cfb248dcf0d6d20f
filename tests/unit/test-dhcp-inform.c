/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the DHCPINFORM builder and the DHCPACK recogniser/parser
 * (src/protocol/dhcp-inform.c). Checksums are verified with a plain
 * RFC 1071 sum written here, not the library's. Replies are built byte by
 * byte here; one is a real DHCPACK captured from dnsmasq
 * (tests/unit/fixtures/dhcp/dnsmasq-ack.hex, see capture-dnsmasq.sh) and
 * one follows the layout of SoftEther's SecureNAT DHCP server (option
 * order 53 54 15 1 3 6 121 249, BOOTP padded to 300 bytes).
 */
#include "dhcp-inform.h"

#include <glib.h>
#include <string.h>

#define IP4(a, b, c, d) ((uint32_t) (a) << 24 | (uint32_t) (b) << 16 | (uint32_t) (c) << 8 | (uint32_t) (d))

static const uint8_t test_xid[4] = { 0xa1, 0xb2, 0xc3, 0xd4 };
static const uint8_t ppp_full[] = { 0xff, 0x03, 0x00, 0x21 };
static const uint8_t ppp_acfc[] = { 0x00, 0x21 };
static const uint8_t ppp_acfc_pfc[] = { 0x21 };
static const uint8_t ppp_pfc[] = { 0xff, 0x03, 0x21 };

/* ---- reference code ---- */

static uint16_t
ref_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += (i & 1) ? p[i] : (uint32_t) p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t) ~sum;
}

static uint16_t
ref_udp_csum(const uint8_t *ip, const uint8_t *udp, size_t udp_len)
{
	uint8_t buf[4200];

	if (udp_len > sizeof(buf) - 12)
		g_error("datagram of %zu bytes too long for the test", udp_len);
	memcpy(buf, ip + 12, 8);        /* source, destination */
	buf[8] = 0;
	buf[9] = 17;
	buf[10] = (uint8_t) (udp_len >> 8);
	buf[11] = (uint8_t) udp_len;
	memcpy(buf + 12, udp, udp_len);
	return ref_csum(buf, udp_len + 12);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t) (p[0] << 8 | p[1]);
}

static void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t) (v >> 24);
	p[1] = (uint8_t) (v >> 16);
	p[2] = (uint8_t) (v >> 8);
	p[3] = (uint8_t) v;
}

/* ---- building replies ---- */

static void
opt_add(GByteArray *b, uint8_t code, const void *data, size_t len)
{
	uint8_t h[2] = { code, (uint8_t) len };

	g_assert_cmpuint(len, <=, 255);
	g_byte_array_append(b, h, 2);
	if (len > 0)
		g_byte_array_append(b, data, (guint) len);
}

static void
opt_u8(GByteArray *b, uint8_t code, uint8_t v)
{
	opt_add(b, code, &v, 1);
}

static void
opt_addr(GByteArray *b, uint8_t code, uint32_t a)
{
	uint8_t v[4];

	wr32(v, a);
	opt_add(b, code, v, 4);
}

static void
opt_str(GByteArray *b, uint8_t code, const char *s)
{
	opt_add(b, code, s, strlen(s));
}

static void
opt_end(GByteArray *b)
{
	uint8_t e = 255;

	g_byte_array_append(b, &e, 1);
}

/* one RFC 3442 route: width, significant octets, router */
static void
route_enc(GByteArray *d, unsigned width, uint32_t dest, uint32_t gw)
{
	uint8_t buf[9];
	size_t sig = (width + 7) / 8, k;

	buf[0] = (uint8_t) width;
	for (k = 0; k < sig && k < 4; k++)
		buf[1 + k] = (uint8_t) (dest >> (24 - 8 * k));
	wr32(buf + 1 + sig, gw);
	g_byte_array_append(d, buf, (guint) (1 + sig + 4));
}

struct reply_spec {
	const uint8_t *ppp;
	size_t ppp_len;
	uint32_t src, dst;
	uint16_t frag;          /* flags + fragment offset field */
	uint8_t ttl;
	unsigned ip_opt_words;  /* IPv4 options, as NOPs */
	uint16_t sport, dport;
	uint8_t proto;
	uint8_t op;
	uint8_t xid[4];
	const uint8_t *sname;   /* copied into sname (64) */
	size_t sname_len;
	const uint8_t *file;    /* copied into file (128) */
	size_t file_len;
	const uint8_t *opts;
	size_t opts_len;
	bool no_cookie;
	size_t bootp_len;       /* 0: 240 + options, at least 300; else exactly this */
	int udp_csum;           /* 0 correct, 1 zero (none), 2 wrong */
	bool bad_ip_csum;
	size_t trailing;        /* bytes after the IP datagram */
	size_t total_len_delta; /* added to the IP total length field */
};

static void
spec_init(struct reply_spec *s, GByteArray *opts)
{
	memset(s, 0, sizeof(*s));
	s->ppp = ppp_full;
	s->ppp_len = sizeof(ppp_full);
	s->src = IP4(10, 77, 0, 1);
	s->dst = IP4(10, 77, 0, 2);
	s->ttl = 128;
	s->sport = 67;
	s->dport = 68;
	s->proto = 17;
	s->op = 2;
	memcpy(s->xid, test_xid, 4);
	s->opts = opts->data;
	s->opts_len = opts->len;
}

static size_t
build_reply(const struct reply_spec *s, uint8_t *out, size_t cap)
{
	size_t ihl = 20 + 4 * s->ip_opt_words;
	size_t bootp_len = s->bootp_len;
	size_t udp_len, total, n;
	uint8_t *ip, *udp, *bootp;

	if (bootp_len == 0) {
		bootp_len = 240 + s->opts_len;
		if (bootp_len < 300)
			bootp_len = 300;
	}
	udp_len = 8 + bootp_len;
	total = ihl + udp_len;
	n = s->ppp_len + total + s->trailing;
	g_assert_cmpuint(n, <=, cap);
	memset(out, 0, n);
	memcpy(out, s->ppp, s->ppp_len);
	ip = out + s->ppp_len;
	udp = ip + ihl;
	bootp = udp + 8;

	/* BOOTP */
	if (bootp_len >= 8) {
		bootp[0] = s->op;
		bootp[1] = 1;
		bootp[2] = 6;
		memcpy(bootp + 4, s->xid, 4);
	}
	if (bootp_len >= 240) {
		wr32(bootp + 12, s->dst);      /* ciaddr echoed */
		wr32(bootp + 20, s->src);      /* siaddr */
		memcpy(bootp + 28, "\x02\x53\x53\x54\x50\x01", 6);
		if (s->sname)
			memcpy(bootp + 44, s->sname, s->sname_len);
		if (s->file)
			memcpy(bootp + 108, s->file, s->file_len);
		if (!s->no_cookie)
			memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
		memcpy(bootp + 240, s->opts, MIN(s->opts_len, bootp_len - 240));
	}

	/* UDP */
	udp[0] = (uint8_t) (s->sport >> 8);
	udp[1] = (uint8_t) s->sport;
	udp[2] = (uint8_t) (s->dport >> 8);
	udp[3] = (uint8_t) s->dport;
	udp[4] = (uint8_t) (udp_len >> 8);
	udp[5] = (uint8_t) udp_len;

	/* IPv4 */
	ip[0] = (uint8_t) (0x40 | ihl / 4);
	ip[2] = (uint8_t) ((total + s->total_len_delta) >> 8);
	ip[3] = (uint8_t) (total + s->total_len_delta);
	ip[4] = 0x12;
	ip[5] = 0x34;
	ip[6] = (uint8_t) (s->frag >> 8);
	ip[7] = (uint8_t) s->frag;
	ip[8] = s->ttl;
	ip[9] = s->proto;
	wr32(ip + 12, s->src);
	wr32(ip + 16, s->dst);
	memset(ip + 20, 1, ihl - 20);   /* NOP options */

	if (s->udp_csum != 1) {
		uint16_t c = ref_udp_csum(ip, udp, udp_len);

		if (c == 0)
			c = 0xffff;
		if (s->udp_csum == 2)
			c ^= 0x0100;
		udp[6] = (uint8_t) (c >> 8);
		udp[7] = (uint8_t) c;
	}
	{
		uint16_t c = ref_csum(ip, ihl);

		if (s->bad_ip_csum)
			c ^= 0x0001;
		ip[10] = (uint8_t) (c >> 8);
		ip[11] = (uint8_t) c;
	}
	memset(ip + total, 0xee, s->trailing);
	return n;
}

static enum dhcp_inform_verdict
recognise_spec(const struct reply_spec *s, struct dhcp_inform_reply *r)
{
	uint8_t frame[4200];
	size_t n = build_reply(s, frame, sizeof(frame));

	return dhcp_inform_recognise(frame, n, test_xid, r);
}

/* An ACK with the given options (message type first), default headers. */
static enum dhcp_inform_verdict
recognise_opts(GByteArray *opts, struct dhcp_inform_reply *r)
{
	struct reply_spec s;

	spec_init(&s, opts);
	return recognise_spec(&s, r);
}

static GByteArray *
ack_opts(void)
{
	GByteArray *b = g_byte_array_new();

	opt_u8(b, 53, 5);
	opt_addr(b, 54, IP4(10, 77, 0, 1));
	return b;
}

static bool
has_note(const struct dhcp_inform_reply *r, const char *needle)
{
	size_t i;

	for (i = 0; i < r->n_notes; i++) {
		if (strstr(r->notes[i], needle) != NULL)
			return true;
	}
	return false;
}

static void
assert_route(const struct dhcp_route *r, uint32_t dest, unsigned prefix, uint32_t gw)
{
	g_assert_cmphex(r->dest, ==, dest);
	g_assert_cmpuint(r->prefix_len, ==, prefix);
	g_assert_cmphex(r->gateway, ==, gw);
}

/* ---- building the INFORM ---- */

static void
test_build_fields(void)
{
	struct dhcp_inform_request req = {
		.ciaddr = IP4(10, 77, 0, 2),
		.xid = { 0xa1, 0xb2, 0xc3, 0xd4 },
		.hwaddr = { 0x01, 0x22, 0x33, 0x44, 0x55, 0x66 },  /* group bit set on purpose */
	};
	static const uint8_t want_opts[] = {
		53, 1, 8,
		61, 7, 1, 0x02, 0x22, 0x33, 0x44, 0x55, 0x66,
		60, 8, 'M', 'S', 'F', 'T', ' ', '5', '.', '0',
		77, 14, 'R', 'R', 'A', 'S', '.', 'M', 'i', 'c', 'r', 'o', 's', 'o', 'f', 't',
		55, 9, 1, 3, 6, 15, 33, 44, 119, 121, 249,
		255,
	};
	uint8_t f[400];
	const uint8_t *ip, *udp, *b;
	size_t n, i;
	struct dhcp_inform_reply r;

	memset(f, 0xaa, sizeof(f));
	n = dhcp_inform_build(&req, f, sizeof(f));
	g_assert_cmpuint(n, ==, DHCP_INFORM_FRAME_LEN);
	g_assert_cmpuint(n, ==, 4 + 20 + 8 + 300);

	/* PPP */
	g_assert_cmpmem(f, 4, ppp_full, 4);

	/* IPv4 */
	ip = f + 4;
	g_assert_cmphex(ip[0], ==, 0x45);
	g_assert_cmphex(ip[1], ==, 0);
	g_assert_cmpuint(rd16(ip + 2), ==, 328);
	g_assert_cmphex(rd16(ip + 6), ==, 0);          /* DF clear, not a fragment */
	g_assert_cmpuint(ip[8], ==, 128);
	g_assert_cmpuint(ip[9], ==, 17);
	g_assert_cmphex(rd32(ip + 12), ==, IP4(10, 77, 0, 2));
	g_assert_cmphex(rd32(ip + 16), ==, 0xffffffff);
	g_assert_cmphex(rd16(ip + 10), !=, 0);
	g_assert_cmphex(ref_csum(ip, 20), ==, 0);      /* header checksum verifies */

	/* UDP */
	udp = ip + 20;
	g_assert_cmpuint(rd16(udp), ==, 68);
	g_assert_cmpuint(rd16(udp + 2), ==, 67);
	g_assert_cmpuint(rd16(udp + 4), ==, 308);
	g_assert_cmphex(rd16(udp + 6), !=, 0);
	g_assert_cmphex(ref_udp_csum(ip, udp, 308), ==, 0);

	/* BOOTP */
	b = udp + 8;
	g_assert_cmpuint(b[0], ==, 1);                 /* BOOTREQUEST */
	g_assert_cmpuint(b[1], ==, 1);                 /* htype */
	g_assert_cmpuint(b[2], ==, 6);                 /* hlen */
	g_assert_cmpuint(b[3], ==, 0);                 /* hops */
	g_assert_cmpmem(b + 4, 4, req.xid, 4);
	g_assert_cmpuint(rd16(b + 8), ==, 0);          /* secs */
	g_assert_cmphex(rd16(b + 10), ==, 0);          /* flags: no broadcast */
	g_assert_cmphex(rd32(b + 12), ==, IP4(10, 77, 0, 2));   /* ciaddr */
	g_assert_cmphex(rd32(b + 16), ==, 0);          /* yiaddr */
	g_assert_cmphex(rd32(b + 20), ==, 0);          /* siaddr */
	g_assert_cmphex(rd32(b + 24), ==, 0);          /* giaddr */
	/* chaddr: group bit cleared, local bit set, then zeros */
	g_assert_cmpmem(b + 28, 6, "\x02\x22\x33\x44\x55\x66", 6);
	for (i = 34; i < 236; i++)
		g_assert_cmpuint(b[i], ==, 0);             /* rest of chaddr, sname, file */
	g_assert_cmpmem(b + 236, 4, "\x63\x82\x53\x63", 4);
	g_assert_cmpmem(b + 240, sizeof(want_opts), want_opts, sizeof(want_opts));
	for (i = 240 + sizeof(want_opts); i < 300; i++)
		g_assert_cmpuint(b[i], ==, 0);             /* pad */
	g_assert_cmpuint(f[n], ==, 0xaa);              /* nothing written past the frame */

	/* our own INFORM is not an answer */
	g_assert_cmpint(dhcp_inform_recognise(f, n, req.xid, &r), ==, DHCP_INFORM_NOT_OURS);
}

static void
test_build_refuses(void)
{
	struct dhcp_inform_request req = { .ciaddr = IP4(10, 0, 0, 2) };
	uint8_t f[DHCP_INFORM_FRAME_LEN];

	g_assert_cmpuint(dhcp_inform_build(&req, f, sizeof(f) - 1), ==, 0);
	g_assert_cmpuint(dhcp_inform_build(&req, NULL, sizeof(f)), ==, 0);
	req.ciaddr = 0;
	g_assert_cmpuint(dhcp_inform_build(&req, f, sizeof(f)), ==, 0);
}

/* the UDP checksum is never sent as 0 (which means "none"): try many
 * xids until one gives a computed sum of 0 and check it went out as FFFF */
static void
test_build_checksums_many(void)
{
	struct dhcp_inform_request req = { .ciaddr = IP4(192, 168, 7, 9) };
	uint8_t f[DHCP_INFORM_FRAME_LEN];
	guint32 i;

	for (i = 0; i < 20000; i++) {
		const uint8_t *ip = f + 4;

		req.xid[0] = (uint8_t) i;
		req.xid[1] = (uint8_t) (i >> 8);
		req.xid[2] = (uint8_t) g_test_rand_int();
		req.xid[3] = (uint8_t) g_test_rand_int();
		req.hwaddr[5] = (uint8_t) g_test_rand_int();
		g_assert_cmpuint(dhcp_inform_build(&req, f, sizeof(f)), ==, sizeof(f));
		g_assert_cmphex(ref_csum(ip, 20), ==, 0);
		g_assert_cmphex(rd16(ip + 26), !=, 0);
		g_assert_cmphex(ref_udp_csum(ip, ip + 20, 308), ==, 0);
	}
}

/* ---- PPP header ---- */

static void
test_ppp_header(void)
{
	static const struct {
		const char *bytes;
		size_t len;
		bool ok;
		uint16_t proto;
		size_t off;
	} cases[] = {
		{ "\xff\x03\x00\x21\x45", 5, true, 0x0021, 4 },
		{ "\x00\x21\x45", 3, true, 0x0021, 2 },
		{ "\x21\x45", 2, true, 0x0021, 1 },
		{ "\xff\x03\x21\x45", 4, true, 0x0021, 3 },
		{ "\xc0\x21\x01", 3, true, 0xc021, 2 },
		{ "\xff\x03\x80\xfd", 4, true, 0x80fd, 4 },
		{ "\x00\x20", 2, false, 0, 0 },          /* low byte even: no protocol */
		{ "\xff\x03", 2, false, 0, 0 },
		{ "\xff\x03\x00", 3, false, 0, 0 },
		{ "", 0, false, 0, 0 },
	};
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint16_t proto = 0;
		size_t off = 0;
		bool ok = dhcp_inform_ppp_header((const uint8_t *) cases[i].bytes, cases[i].len, &proto, &off);

		g_assert_cmpint(ok, ==, cases[i].ok);
		if (ok) {
			g_assert_cmphex(proto, ==, cases[i].proto);
			g_assert_cmpuint(off, ==, cases[i].off);
		}
	}
}

static void
test_ccp_watch(void)
{
	struct dhcp_inform_ccp_watch w;
	/* CCP Configure-Ack with MPPE option (18, len 6) */
	static const uint8_t ccp_ack_mppe[] = { 0xff, 0x03, 0x80, 0xfd, 0x02, 0x01, 0x00, 0x0a,
	                                        0x12, 0x06, 0x01, 0x00, 0x00, 0x40 };
	static const uint8_t ccp_ack_empty[] = { 0xff, 0x03, 0x80, 0xfd, 0x02, 0x01, 0x00, 0x04 };
	static const uint8_t ccp_req_mppe[] = { 0x80, 0xfd, 0x01, 0x01, 0x00, 0x0a,
	                                        0x12, 0x06, 0x01, 0x00, 0x00, 0x40 };
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4 };
	static const uint8_t ipcp_ack[] = { 0x80, 0x21, 0x02, 0x01, 0x00, 0x0a, 0x03, 0x06, 10, 0, 0, 2 };
	static const uint8_t comp_pfc[] = { 0xfd, 0x90, 0x00, 0x11 };
	static const uint8_t ecp_ack[] = { 0x80, 0x53, 0x02, 0x01, 0x00, 0x06, 0x00, 0x02 };

	memset(&w, 0, sizeof(w));
	dhcp_inform_ccp_watch_frame(&w, lcp, sizeof(lcp));
	dhcp_inform_ccp_watch_frame(&w, ipcp_ack, sizeof(ipcp_ack));
	dhcp_inform_ccp_watch_frame(&w, ccp_req_mppe, sizeof(ccp_req_mppe));   /* asking is not agreeing */
	dhcp_inform_ccp_watch_frame(&w, ccp_ack_empty, sizeof(ccp_ack_empty)); /* no method agreed */
	g_assert_false(dhcp_inform_ccp_blocks(&w));
	dhcp_inform_ccp_watch_frame(&w, ccp_ack_mppe, sizeof(ccp_ack_mppe));
	g_assert_true(dhcp_inform_ccp_blocks(&w));

	memset(&w, 0, sizeof(w));
	dhcp_inform_ccp_watch_frame(&w, comp_pfc, sizeof(comp_pfc));
	g_assert_true(dhcp_inform_ccp_blocks(&w));

	memset(&w, 0, sizeof(w));
	dhcp_inform_ccp_watch_frame(&w, ecp_ack, sizeof(ecp_ack));
	g_assert_true(dhcp_inform_ccp_blocks(&w));

	memset(&w, 0, sizeof(w));
	dhcp_inform_ccp_watch_frame(&w, ccp_ack_mppe, 6);   /* cut: not judged */
	g_assert_false(dhcp_inform_ccp_blocks(&w));
}

/* ---- the dnsmasq capture ---- */

static GByteArray *
load_hex_fixture(const char *name)
{
	const char *srcdir = g_getenv("top_srcdir");
	char *path = g_build_filename(srcdir ? srcdir : ".", "tests", "unit", "fixtures", "dhcp", name, NULL);
	char *text = NULL;
	GError *error = NULL;
	GByteArray *b = g_byte_array_new();
	char **lines;
	size_t i;

	if (!g_file_get_contents(path, &text, NULL, &error))
		g_error("fixture %s: %s", path, error->message);
	lines = g_strsplit(text, "\n", -1);
	for (i = 0; lines[i] != NULL; i++) {
		const char *l = lines[i];
		size_t k, len = strlen(l);

		if (l[0] == '#' || len == 0)
			continue;
		g_assert_cmpuint(len % 2, ==, 0);
		for (k = 0; k < len; k += 2) {
			int hi = g_ascii_xdigit_value(l[k]);
			int lo = g_ascii_xdigit_value(l[k + 1]);
			uint8_t v;

			g_assert_cmpint(hi, >=, 0);
			g_assert_cmpint(lo, >=, 0);
			v = (uint8_t) (hi << 4 | lo);
			g_byte_array_append(b, &v, 1);
		}
	}
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return b;
}

static void
check_dnsmasq_reply(const struct dhcp_inform_reply *r)
{
	struct dhcp_route_policy pol = { .local = IP4(10, 99, 0, 2), .peer = IP4(10, 99, 0, 1) };
	struct dhcp_route_result res;

	g_assert_cmpuint(r->message_type, ==, 5);
	g_assert_cmphex(r->ip_src, ==, IP4(10, 99, 0, 1));
	g_assert_true(r->has_server_id);
	g_assert_cmphex(r->server_id, ==, IP4(10, 99, 0, 1));
	g_assert_true(r->has_subnet_mask);
	g_assert_cmphex(r->subnet_mask, ==, IP4(255, 255, 255, 0));
	g_assert_cmpuint(r->n_routers, ==, 0);   /* 3 was sent, but 121 wins (RFC 3442) */
	g_assert_cmpuint(r->n_dns, ==, 2);
	g_assert_cmphex(r->dns[0], ==, IP4(10, 99, 0, 53));
	g_assert_cmphex(r->dns[1], ==, IP4(10, 99, 0, 54));
	g_assert_cmpuint(r->n_nbns, ==, 1);
	g_assert_cmphex(r->nbns[0], ==, IP4(10, 99, 0, 44));
	g_assert_cmpstr(r->domain, ==, "corp.example");
	/* dnsmasq compresses the search list with pointers */
	g_assert_cmpuint(r->n_search, ==, 3);
	g_assert_cmpstr(r->search[0], ==, "corp.example");
	g_assert_cmpstr(r->search[1], ==, "eng.corp.example");
	g_assert_cmpstr(r->search[2], ==, "lab.example");
	g_assert_cmpint(r->route_source, ==, DHCP_ROUTES_121);
	g_assert_cmpuint(r->n_routes, ==, 3);
	assert_route(&r->routes[0], IP4(10, 20, 0, 0), 16, 0);
	assert_route(&r->routes[1], IP4(192, 168, 50, 0), 24, IP4(10, 99, 0, 1));
	assert_route(&r->routes[2], IP4(172, 16, 0, 0), 12, IP4(10, 99, 0, 1));
	g_assert_cmpuint(r->n_notes, ==, 0);

	dhcp_routes_validate(r->routes, r->n_routes, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 3);
	g_assert_cmpuint(res.n_dropped, ==, 0);
	g_assert_cmpuint(res.n_notes, ==, 0);
	assert_route(&res.kept[1], IP4(192, 168, 50, 0), 24, 0);   /* through the tunnel */
}

static void
test_dnsmasq_capture(void)
{
	static const uint8_t xid[4] = { 0x5e, 0x11, 0xd0, 0x2a };
	static const uint8_t other_xid[4] = { 0x5e, 0x11, 0xd0, 0x2b };
	const struct {
		const uint8_t *h;
		size_t len;
	} headers[] = {
		{ ppp_full, sizeof(ppp_full) },
		{ ppp_acfc, sizeof(ppp_acfc) },
		{ ppp_acfc_pfc, sizeof(ppp_acfc_pfc) },
		{ ppp_pfc, sizeof(ppp_pfc) },
	};
	GByteArray *ip = load_hex_fixture("dnsmasq-ack.hex");
	struct dhcp_inform_reply r;
	uint8_t frame[2000];
	size_t i;

	g_assert_cmpuint(ip->len, >, 300);
	g_assert_cmpuint(ip->len + 4, <=, sizeof(frame));
	for (i = 0; i < G_N_ELEMENTS(headers); i++) {
		memcpy(frame, headers[i].h, headers[i].len);
		memcpy(frame + headers[i].len, ip->data, ip->len);
		g_assert_cmpint(dhcp_inform_recognise(frame, headers[i].len + ip->len, xid, &r), ==,
		                DHCP_INFORM_ACK);
		check_dnsmasq_reply(&r);
		g_assert_cmpint(dhcp_inform_recognise(frame, headers[i].len + ip->len, other_xid, &r), ==,
		                DHCP_INFORM_NOT_OURS);
	}
	/* every shorter cut of the frame: never an ACK (total length no longer fits) */
	for (i = 0; i < 4 + ip->len; i++) {
		memcpy(frame, ppp_full, 4);
		memcpy(frame + 4, ip->data, ip->len);
		g_assert_cmpint(dhcp_inform_recognise(frame, i, xid, &r), ==, DHCP_INFORM_NOT_OURS);
	}
	g_byte_array_unref(ip);
}

/* ---- a reply laid out as SoftEther's SecureNAT builds it ---- */

static void
test_softether_style(void)
{
	GByteArray *o = g_byte_array_new();
	GByteArray *rt = g_byte_array_new();
	struct reply_spec s;
	struct dhcp_inform_reply r;
	struct dhcp_route_policy pol = { .local = IP4(192, 168, 30, 10), .peer = IP4(192, 168, 30, 1) };
	struct dhcp_route_result res;

	/* /PUSHROUTE:"10.0.0.0/255.255.0.0/192.168.30.254" plus the subnet
	 * route SecureNAT adds for PPP clients (gateway = its own address) */
	route_enc(rt, 16, IP4(10, 0, 0, 0), IP4(192, 168, 30, 254));
	route_enc(rt, 24, IP4(192, 168, 30, 0), IP4(192, 168, 30, 1));
	opt_u8(o, 53, 5);
	opt_addr(o, 54, IP4(192, 168, 30, 1));
	opt_str(o, 15, "softether.lab");
	opt_addr(o, 1, IP4(255, 255, 255, 0));
	opt_addr(o, 3, IP4(192, 168, 30, 1));
	opt_addr(o, 6, IP4(192, 168, 30, 1));
	opt_add(o, 121, rt->data, rt->len);
	opt_add(o, 249, rt->data, rt->len);
	opt_end(o);
	spec_init(&s, o);
	s.src = IP4(192, 168, 30, 1);
	s.dst = IP4(192, 168, 30, 10);

	g_assert_cmpint(recognise_spec(&s, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpstr(r.domain, ==, "softether.lab");
	g_assert_cmpuint(r.n_dns, ==, 1);
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_121);
	g_assert_cmpuint(r.n_routes, ==, 2);
	assert_route(&r.routes[0], IP4(10, 0, 0, 0), 16, IP4(192, 168, 30, 254));

	/* strict: the LAN router is not our peer */
	dhcp_routes_validate(r.routes, r.n_routes, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 1);
	assert_route(&res.kept[0], IP4(192, 168, 30, 0), 24, 0);
	g_assert_cmpuint(res.n_dropped, ==, 1);
	g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_FOREIGN_GATEWAY);
	assert_route(&res.notes[0].route, IP4(10, 0, 0, 0), 16, IP4(192, 168, 30, 254));

	/* any_gateway: both through the tunnel */
	pol.any_gateway = true;
	dhcp_routes_validate(r.routes, r.n_routes, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 2);
	assert_route(&res.kept[0], IP4(10, 0, 0, 0), 16, 0);
	g_assert_cmpuint(res.n_dropped, ==, 0);

	g_byte_array_unref(o);
	g_byte_array_unref(rt);
}

/* ---- routes ---- */

static void
test_routes_249_only(void)
{
	GByteArray *o = ack_opts(), *rt = g_byte_array_new();
	struct dhcp_inform_reply r;

	route_enc(rt, 8, IP4(10, 0, 0, 0), 0);
	route_enc(rt, 32, IP4(10, 9, 8, 7), IP4(10, 77, 0, 1));
	route_enc(rt, 1, IP4(128, 0, 0, 0), 0);
	route_enc(rt, 0, 0, 0);
	opt_add(o, 249, rt->data, rt->len);
	opt_addr(o, 3, IP4(10, 77, 0, 1));
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_249);
	g_assert_cmpuint(r.n_routes, ==, 4);
	assert_route(&r.routes[0], IP4(10, 0, 0, 0), 8, 0);
	assert_route(&r.routes[1], IP4(10, 9, 8, 7), 32, IP4(10, 77, 0, 1));
	assert_route(&r.routes[2], IP4(128, 0, 0, 0), 1, 0);
	assert_route(&r.routes[3], 0, 0, 0);
	g_assert_cmpuint(r.n_routers, ==, 0);
	g_byte_array_unref(o);
	g_byte_array_unref(rt);
}

static void
test_routes_121_preferred(void)
{
	GByteArray *o = ack_opts(), *a = g_byte_array_new(), *b = g_byte_array_new();
	struct dhcp_inform_reply r;
	uint8_t st[8];

	route_enc(a, 24, IP4(192, 168, 1, 0), 0);
	route_enc(b, 24, IP4(192, 168, 2, 0), 0);
	wr32(st, IP4(10, 0, 0, 0));
	wr32(st + 4, IP4(10, 77, 0, 1));
	opt_add(o, 33, st, 8);
	opt_add(o, 249, b->data, b->len);
	opt_add(o, 121, a->data, a->len);
	opt_addr(o, 3, IP4(10, 77, 0, 1));
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_121);
	g_assert_cmpuint(r.n_routes, ==, 1);
	assert_route(&r.routes[0], IP4(192, 168, 1, 0), 24, 0);
	g_assert_cmpuint(r.n_routers, ==, 0);
	g_byte_array_unref(o);
	g_byte_array_unref(a);
	g_byte_array_unref(b);
}

static void
test_routes_bad_121_falls_back(void)
{
	GByteArray *o = ack_opts(), *bad = g_byte_array_new(), *good = g_byte_array_new();
	struct dhcp_inform_reply r;
	uint8_t w33[] = { 33, 10, 0, 0, 0, 0, 0, 0, 0, 0 };

	/* a good route, then prefix length 33: the whole 121 goes */
	route_enc(bad, 8, IP4(10, 0, 0, 0), 0);
	g_byte_array_append(bad, w33, sizeof(w33));
	route_enc(good, 16, IP4(172, 20, 0, 0), 0);
	opt_add(o, 121, bad->data, bad->len);
	opt_add(o, 249, good->data, good->len);
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_true(has_note(&r, "option 121"));
	g_assert_true(has_note(&r, "prefix length 33"));
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_249);
	g_assert_cmpuint(r.n_routes, ==, 1);
	assert_route(&r.routes[0], IP4(172, 20, 0, 0), 16, 0);

	/* and when 249 is just as bad: no routes at all */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	opt_add(o, 121, bad->data, bad->len);
	opt_add(o, 249, bad->data, bad->len);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_NONE);
	g_assert_cmpuint(r.n_routes, ==, 0);
	g_assert_true(has_note(&r, "option 249"));
	g_byte_array_unref(o);
	g_byte_array_unref(bad);
	g_byte_array_unref(good);
}

static void
test_routes_truncated(void)
{
	GByteArray *o = ack_opts(), *rt = g_byte_array_new();
	struct dhcp_inform_reply r;
	size_t cut;

	route_enc(rt, 24, IP4(192, 168, 1, 0), 0);
	route_enc(rt, 20, IP4(10, 1, 16, 0), IP4(10, 77, 0, 1));
	/* every cut inside the second route (and the one-byte option) */
	for (cut = 1; cut < rt->len; cut++) {
		if (cut == 8)
			continue;   /* exactly the first route: valid */
		g_byte_array_set_size(o, 0);
		opt_u8(o, 53, 5);
		opt_add(o, 121, rt->data, cut);
		opt_end(o);
		g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
		g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_NONE);
		g_assert_cmpuint(r.n_routes, ==, 0);
		g_assert_true(has_note(&r, "option 121"));
	}
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	opt_add(o, 121, rt->data, 8);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_routes, ==, 1);
	g_byte_array_unref(o);
	g_byte_array_unref(rt);
}

static void
test_routes_zero(void)
{
	GByteArray *o = ack_opts();
	struct dhcp_inform_reply r;

	opt_str(o, 15, "example.org");
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_NONE);
	g_assert_cmpuint(r.n_routes, ==, 0);
	g_assert_cmpuint(r.n_notes, ==, 0);

	/* an empty 121 is malformed (at least 5 bytes) */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	opt_add(o, 121, NULL, 0);
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_routes, ==, 0);
	g_assert_true(has_note(&r, "option 121"));
	g_byte_array_unref(o);
}

/* 70 routes: more than 255 bytes, so split over three 121 options (RFC
 * 3396 concatenation); the first 64 are kept */
static void
test_routes_long_concatenated(void)
{
	GByteArray *o = ack_opts(), *rt = g_byte_array_new();
	struct dhcp_inform_reply r;
	unsigned i;

	for (i = 0; i < 70; i++)
		route_enc(rt, 16, IP4(10, i, 0, 0), 0);
	g_assert_cmpuint(rt->len, ==, 70 * 7);
	opt_add(o, 121, rt->data, 200);   /* cut in the middle of a route */
	opt_str(o, 15, "split.example");
	opt_add(o, 121, rt->data + 200, 200);
	opt_add(o, 121, rt->data + 400, rt->len - 400);
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_121);
	g_assert_cmpuint(r.n_routes, ==, DHCP_INFORM_MAX_ROUTES);
	for (i = 0; i < DHCP_INFORM_MAX_ROUTES; i++)
		assert_route(&r.routes[i], IP4(10, i, 0, 0), 16, 0);
	g_assert_true(has_note(&r, "6 routes beyond"));
	g_assert_cmpstr(r.domain, ==, "split.example");
	g_byte_array_unref(o);
	g_byte_array_unref(rt);
}

static void
test_routes_classful_33(void)
{
	GByteArray *o = ack_opts();
	struct dhcp_inform_reply r;
	uint8_t st[32];

	wr32(st, IP4(10, 0, 0, 0));
	wr32(st + 4, IP4(10, 77, 0, 1));
	wr32(st + 8, IP4(172, 16, 0, 0));
	wr32(st + 12, IP4(10, 77, 0, 1));
	wr32(st + 16, IP4(192, 168, 1, 0));
	wr32(st + 20, 0);
	wr32(st + 24, IP4(192, 168, 1, 5));   /* host bits past /24: a host route */
	wr32(st + 28, IP4(10, 77, 0, 1));
	opt_add(o, 33, st, sizeof(st));
	opt_addr(o, 3, IP4(10, 77, 0, 1));
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_33);
	g_assert_cmpuint(r.n_routes, ==, 4);
	assert_route(&r.routes[0], IP4(10, 0, 0, 0), 8, IP4(10, 77, 0, 1));
	assert_route(&r.routes[1], IP4(172, 16, 0, 0), 16, IP4(10, 77, 0, 1));
	assert_route(&r.routes[2], IP4(192, 168, 1, 0), 24, 0);
	assert_route(&r.routes[3], IP4(192, 168, 1, 5), 32, IP4(10, 77, 0, 1));
	g_assert_cmpuint(r.n_routers, ==, 1);   /* no classless routes: 3 stays */

	/* 0.0.0.0 is not a valid option-33 destination: option dropped */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	wr32(st, 0);
	opt_add(o, 33, st, 16);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_routes, ==, 0);
	g_assert_true(has_note(&r, "option 33"));
	g_byte_array_unref(o);
}

static void
test_routes_validate(void)
{
	const struct dhcp_route in[] = {
		{ IP4(10, 1, 31, 0), 0, 20 },                 /* host bits: normalised */
		{ 0, 0, 0 },                                  /* default */
		{ IP4(127, 0, 0, 0), 0, 8 },                  /* loopback */
		{ IP4(224, 0, 0, 0), 0, 4 },                  /* multicast */
		{ IP4(240, 0, 0, 0), 0, 4 },                  /* class E */
		{ IP4(255, 255, 255, 255), 0, 32 },           /* broadcast */
		{ IP4(0, 1, 0, 0), 0, 16 },                   /* 0.0.0.0/8 */
		{ IP4(10, 2, 0, 0), 0, 40 },                  /* bad prefix */
		{ IP4(10, 3, 0, 0), IP4(10, 77, 0, 2), 16 },  /* via us: fine */
		{ IP4(10, 4, 0, 0), IP4(10, 77, 0, 1), 16 },  /* via peer: fine */
		{ IP4(10, 5, 0, 0), IP4(10, 99, 0, 254), 16 },/* foreign gateway */
		{ IP4(10, 1, 16, 0), 0, 20 },                 /* same as the first after normalising */
		{ IP4(1, 2, 3, 4), 0, 32 },                   /* host route */
		{ IP4(10, 3, 5, 0), IP4(10, 77, 0, 1), 16 },  /* duplicate of 10.3/16 after normalising */
	};
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;
	size_t i;

	dhcp_routes_validate(in, G_N_ELEMENTS(in), &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 4);
	assert_route(&res.kept[0], IP4(10, 1, 16, 0), 20, 0);
	assert_route(&res.kept[1], IP4(10, 3, 0, 0), 16, 0);
	assert_route(&res.kept[2], IP4(10, 4, 0, 0), 16, 0);
	assert_route(&res.kept[3], IP4(1, 2, 3, 4), 32, 0);
	g_assert_cmpuint(res.n_dropped, ==, 10);
	g_assert_cmpuint(res.n_notes, ==, 11);
	{
		const enum dhcp_route_reason want[] = {
			DHCP_ROUTE_NORMALISED, DHCP_ROUTE_DEFAULT_REFUSED, DHCP_ROUTE_BAD_DESTINATION,
			DHCP_ROUTE_BAD_DESTINATION, DHCP_ROUTE_BAD_DESTINATION, DHCP_ROUTE_BAD_DESTINATION,
			DHCP_ROUTE_BAD_DESTINATION, DHCP_ROUTE_BAD_PREFIX, DHCP_ROUTE_FOREIGN_GATEWAY,
			DHCP_ROUTE_DUPLICATE, DHCP_ROUTE_DUPLICATE,
		};

		for (i = 0; i < G_N_ELEMENTS(want); i++) {
			g_assert_cmpint(res.notes[i].reason, ==, want[i]);
			g_assert_cmpstr(dhcp_route_reason_str(res.notes[i].reason), !=, "unknown");
		}
	}
	assert_route(&res.notes[0].route, IP4(10, 1, 31, 0), 20, 0);   /* as received */

	/* default route allowed */
	pol.allow_default = true;
	dhcp_routes_validate(in, 2, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 2);
	assert_route(&res.kept[1], 0, 0, 0);
	/* 0/0 written with host bits is still the default route */
	{
		const struct dhcp_route def = { IP4(10, 0, 0, 1), 0, 0 };

		dhcp_routes_validate(&def, 1, &pol, &res);
		g_assert_cmpuint(res.n_kept, ==, 1);
		assert_route(&res.kept[0], 0, 0, 0);
		g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_NORMALISED);
		pol.allow_default = false;
		dhcp_routes_validate(&def, 1, &pol, &res);
		g_assert_cmpuint(res.n_kept, ==, 0);
		g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_DEFAULT_REFUSED);
	}
}

/* host bits set in a 121 route, through parse and validate */
static void
test_routes_host_bits(void)
{
	GByteArray *o = ack_opts(), *rt = g_byte_array_new();
	struct dhcp_inform_reply r;
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;

	route_enc(rt, 20, IP4(10, 1, 31, 0), 0);   /* 3 significant octets: 10 1 31 */
	route_enc(rt, 0, 0, IP4(10, 77, 0, 1));    /* default route */
	opt_add(o, 121, rt->data, rt->len);
	opt_end(o);
	g_assert_cmpuint(rt->len, ==, 1 + 3 + 4 + 1 + 4);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_routes, ==, 2);
	assert_route(&r.routes[0], IP4(10, 1, 31, 0), 20, 0);
	dhcp_routes_validate(r.routes, r.n_routes, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 1);
	assert_route(&res.kept[0], IP4(10, 1, 16, 0), 20, 0);
	g_assert_cmpuint(res.n_notes, ==, 2);
	g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_NORMALISED);
	g_assert_cmpint(res.notes[1].reason, ==, DHCP_ROUTE_DEFAULT_REFUSED);
	pol.allow_default = true;
	dhcp_routes_validate(r.routes, r.n_routes, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 2);
	g_byte_array_unref(o);
	g_byte_array_unref(rt);
}

/* ---- routes that are too wide for a split tunnel ---- */

/* The rule as documented (docs/dhcp-inform.md): the tests below are
 * written for these values; changing one is changing the promise. */
static void
test_routes_wide_limits(void)
{
	g_assert_cmpint(DHCP_ROUTE_MIN_PREFIX, ==, 8);
	g_assert_cmpint(DHCP_ROUTE_MAX_SHARE, ==, 16);
	g_assert_nonnull(strstr(dhcp_route_reason_str(DHCP_ROUTE_PREFIX_TOO_SHORT), "/8"));
	g_assert_nonnull(strstr(dhcp_route_reason_str(DHCP_ROUTE_COVERS_TOO_MUCH), "1/16"));
}

/* n routes first.0.0.0/8 for first = from, from + 1, ... */
static size_t
add_slash8s(struct dhcp_route *out, size_t at, unsigned from, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[at + i].dest = IP4(from + i, 0, 0, 0);
		out[at + i].gateway = 0;
		out[at + i].prefix_len = 8;
	}
	return at + n;
}

/* Every input route refused with this reason, one note each, input order. */
static void
assert_all_refused(const struct dhcp_route_result *res, const struct dhcp_route *in, size_t n,
                   enum dhcp_route_reason why)
{
	size_t i;

	g_assert_cmpuint(res->n_kept, ==, 0);
	g_assert_cmpuint(res->n_dropped, ==, n);
	g_assert_cmpuint(res->n_notes, ==, n);
	for (i = 0; i < n; i++) {
		assert_route(&res->notes[i].route, in[i].dest, in[i].prefix_len, in[i].gateway);
		g_assert_cmpint(res->notes[i].reason, ==, why);
	}
}

/* The two halves of the Internet, as option 121 carries them: all
 * traffic without a 0.0.0.0/0. Refused whether or not the caller allows
 * a default route: that decision is about 0.0.0.0/0 itself. */
static void
test_routes_two_halves(void)
{
	GByteArray *o = ack_opts(), *rt = g_byte_array_new();
	struct dhcp_inform_reply r;
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;
	int allow;

	route_enc(rt, 1, IP4(0, 0, 0, 0), IP4(10, 77, 0, 1));
	route_enc(rt, 1, IP4(128, 0, 0, 0), IP4(10, 77, 0, 1));
	route_enc(rt, 16, IP4(10, 20, 0, 0), 0);   /* a real split route beside them */
	opt_add(o, 121, rt->data, rt->len);
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_routes, ==, 3);
	for (allow = 0; allow <= 1; allow++) {
		pol.allow_default = allow;
		dhcp_routes_validate(r.routes, r.n_routes, &pol, &res);
		g_assert_cmpuint(res.n_kept, ==, 1);
		assert_route(&res.kept[0], IP4(10, 20, 0, 0), 16, 0);
		g_assert_cmpuint(res.n_dropped, ==, 2);
		g_assert_cmpuint(res.n_notes, ==, 2);
		/* 0.0.0.0/1 already fails the destination check (0.x) */
		assert_route(&res.notes[0].route, 0, 1, IP4(10, 77, 0, 1));
		g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_BAD_DESTINATION);
		assert_route(&res.notes[1].route, IP4(128, 0, 0, 0), 1, IP4(10, 77, 0, 1));
		g_assert_cmpint(res.notes[1].reason, ==, DHCP_ROUTE_PREFIX_TOO_SHORT);
	}
	g_byte_array_unref(o);
	g_byte_array_unref(rt);
}

/* 1.0.0.0/8, 2.0.0.0/7, 4.0.0.0/6 ... 128.0.0.0/1: everything but 0/8,
 * in routes of every width. Each route shorter than /8 goes; the one /8
 * left is an ordinary network. */
static void
test_routes_staircase(void)
{
	struct dhcp_route in[8];
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1),
	                                 .any_gateway = true };
	struct dhcp_route_result res;
	size_t i;

	for (i = 0; i < 8; i++) {
		in[i].dest = (uint32_t) 1 << (24 + i);
		in[i].gateway = IP4(192, 168, 30, 254);
		in[i].prefix_len = (uint8_t) (8 - i);
	}
	assert_route(&in[7], IP4(128, 0, 0, 0), 1, IP4(192, 168, 30, 254));
	dhcp_routes_validate(in, G_N_ELEMENTS(in), &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 1);
	assert_route(&res.kept[0], IP4(1, 0, 0, 0), 8, 0);
	g_assert_cmpuint(res.n_dropped, ==, 7);
	g_assert_cmpuint(res.n_notes, ==, 7);
	for (i = 0; i < 7; i++) {
		assert_route(&res.notes[i].route, in[i + 1].dest, in[i + 1].prefix_len, in[i + 1].gateway);
		g_assert_cmpint(res.notes[i].reason, ==, DHCP_ROUTE_PREFIX_TOO_SHORT);
	}
}

/* The minimum prefix, at its boundary, with host bits: the width is the
 * server's prefix length, whatever the address. */
static void
test_routes_min_prefix(void)
{
	const struct dhcp_route in[] = {
		{ IP4(10, 0, 0, 0), 0, 7 },       /* 10.0.0.0-11.255.255.255: one bit too wide */
		{ IP4(10, 0, 0, 0), 0, 8 },
		{ IP4(172, 16, 0, 0), 0, 7 },     /* host bits and too wide: too wide */
		{ IP4(64, 0, 0, 0), 0, 2 },
		{ IP4(172, 99, 0, 0), 0, 8 },     /* host bits, /8: kept, normalised */
	};
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;

	dhcp_routes_validate(in, G_N_ELEMENTS(in), &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 2);
	assert_route(&res.kept[0], IP4(10, 0, 0, 0), 8, 0);
	assert_route(&res.kept[1], IP4(172, 0, 0, 0), 8, 0);
	g_assert_cmpuint(res.n_dropped, ==, 3);
	g_assert_cmpuint(res.n_notes, ==, 4);
	assert_route(&res.notes[0].route, IP4(10, 0, 0, 0), 7, 0);
	g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_PREFIX_TOO_SHORT);
	assert_route(&res.notes[1].route, IP4(172, 16, 0, 0), 7, 0);
	g_assert_cmpint(res.notes[1].reason, ==, DHCP_ROUTE_PREFIX_TOO_SHORT);
	g_assert_cmpint(res.notes[2].reason, ==, DHCP_ROUTE_PREFIX_TOO_SHORT);
	g_assert_cmpint(res.notes[3].reason, ==, DHCP_ROUTE_NORMALISED);
}

/* What real split tunnels push, overlaps and all: every route kept. */
static void
test_routes_split_kept(void)
{
	const struct dhcp_route in[] = {
		{ IP4(10, 0, 0, 0), 0, 8 },
		{ IP4(172, 16, 0, 0), 0, 12 },
		{ IP4(192, 168, 0, 0), 0, 16 },
		{ IP4(192, 168, 10, 0), 0, 24 },          /* inside 192.168/16 */
		{ IP4(10, 20, 0, 0), IP4(10, 77, 0, 1), 16 },  /* inside 10/8 */
		{ IP4(100, 64, 0, 0), 0, 10 },            /* carrier-grade NAT space */
		{ IP4(15, 0, 0, 0), 0, 8 },               /* a company's own /8s */
		{ IP4(16, 0, 0, 0), 0, 8 },
		{ IP4(203, 0, 113, 7), 0, 32 },
	};
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;
	size_t i;

	dhcp_routes_validate(in, G_N_ELEMENTS(in), &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, G_N_ELEMENTS(in));
	g_assert_cmpuint(res.n_dropped, ==, 0);
	g_assert_cmpuint(res.n_notes, ==, 0);
	for (i = 0; i < G_N_ELEMENTS(in); i++)
		assert_route(&res.kept[i], in[i].dest, in[i].prefix_len, 0);
}

/* Sixteen /8s are exactly 1/16 of IPv4: kept. One address more and none
 * is kept, not some: which ones would be a guess. */
static void
test_routes_coverage_boundary(void)
{
	struct dhcp_route in[DHCP_INFORM_MAX_ROUTES];
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;
	size_t n;

	n = add_slash8s(in, 0, 11, 16);   /* 11/8 ... 26/8 */
	dhcp_routes_validate(in, n, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 16);
	g_assert_cmpuint(res.n_notes, ==, 0);

	/* one host route outside them: 2^28 + 1 addresses */
	in[n].dest = IP4(192, 168, 1, 1);
	in[n].gateway = 0;
	in[n].prefix_len = 32;
	dhcp_routes_validate(in, n + 1, &pol, &res);
	assert_all_refused(&res, in, n + 1, DHCP_ROUTE_COVERS_TOO_MUCH);

	/* the same host route inside one of them: counted once, kept */
	in[n].dest = IP4(20, 1, 2, 3);
	dhcp_routes_validate(in, n + 1, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 17);
	g_assert_cmpuint(res.n_notes, ==, 0);

	/* a seventeenth /8 */
	n = add_slash8s(in, 0, 11, 17);
	dhcp_routes_validate(in, n, &pol, &res);
	assert_all_refused(&res, in, n, DHCP_ROUTE_COVERS_TOO_MUCH);

	/* 15 /8s and sixteen /12s: 2^28 again, in other widths */
	n = add_slash8s(in, 0, 11, 15);
	for (size_t i = 0; i < 16; i++) {
		in[n].dest = IP4(172, 16 * i, 0, 0);
		in[n].gateway = 0;
		in[n].prefix_len = 12;
		n++;
	}
	dhcp_routes_validate(in, n, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 31);
	in[n++] = (struct dhcp_route) { IP4(173, 0, 0, 0), 0, 12 };   /* 2^20 more */
	dhcp_routes_validate(in, n, &pol, &res);
	assert_all_refused(&res, in, n, DHCP_ROUTE_COVERS_TOO_MUCH);
}

/* As many /8s as the parser keeps (64: a quarter of IPv4, the most a
 * server can send after the minimum prefix). */
static void
test_routes_many_slash8(void)
{
	struct dhcp_route in[DHCP_INFORM_MAX_ROUTES];
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;
	size_t n = add_slash8s(in, 0, 1, DHCP_INFORM_MAX_ROUTES);

	dhcp_routes_validate(in, n, &pol, &res);
	assert_all_refused(&res, in, n, DHCP_ROUTE_COVERS_TOO_MUCH);
	pol.allow_default = true;
	dhcp_routes_validate(in, n, &pol, &res);
	assert_all_refused(&res, in, n, DHCP_ROUTE_COVERS_TOO_MUCH);
}

/* Overlaps count once: sixteen /8s plus a /9, a /16 and a /24 inside
 * each would be 2^28 * 1.5 if summed, and is 2^28. */
static void
test_routes_coverage_overlaps(void)
{
	struct dhcp_route in[DHCP_INFORM_MAX_ROUTES];
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;
	size_t n = 0, i;

	for (i = 0; i < 16; i++) {
		/* the inner ones first: the order must not matter */
		in[n++] = (struct dhcp_route) { IP4(30 + i, 128, 0, 0), 0, 9 };
		in[n++] = (struct dhcp_route) { IP4(30 + i, 1, 0, 0), 0, 16 };
		in[n++] = (struct dhcp_route) { IP4(30 + i, 1, 2, 0), 0, 24 };
		in[n++] = (struct dhcp_route) { IP4(30 + i, 0, 0, 0), 0, 8 };
	}
	g_assert_cmpuint(n, ==, DHCP_INFORM_MAX_ROUTES);
	dhcp_routes_validate(in, n, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, n);
	g_assert_cmpuint(res.n_notes, ==, 0);
	/* one /24 moved out of its /8: over */
	in[2].dest = IP4(192, 168, 2, 0);
	dhcp_routes_validate(in, n, &pol, &res);
	assert_all_refused(&res, in, n, DHCP_ROUTE_COVERS_TOO_MUCH);
}

/* Only the routes that would be installed count: refused ones (too
 * wide, bad destination, foreign gateway, duplicate) do not, and neither
 * does an allowed default route, the profile's own choice. */
static void
test_routes_coverage_counts_kept_only(void)
{
	struct dhcp_route in[DHCP_INFORM_MAX_ROUTES];
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;
	size_t n = add_slash8s(in, 0, 11, 16);
	const struct dhcp_route others[] = {
		{ IP4(128, 0, 0, 0), 0, 1 },                     /* too wide */
		{ IP4(240, 0, 0, 0), 0, 8 },                     /* class E */
		{ IP4(100, 0, 0, 0), IP4(192, 168, 30, 254), 8 },/* foreign gateway */
		{ IP4(11, 0, 0, 0), 0, 8 },                      /* duplicate */
		{ 0, 0, 0 },                                     /* default */
	};

	memcpy(in + n, others, sizeof(others));
	n += G_N_ELEMENTS(others);
	dhcp_routes_validate(in, n, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 16);
	g_assert_cmpuint(res.n_notes, ==, 5);
	g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_PREFIX_TOO_SHORT);
	g_assert_cmpint(res.notes[1].reason, ==, DHCP_ROUTE_BAD_DESTINATION);
	g_assert_cmpint(res.notes[2].reason, ==, DHCP_ROUTE_FOREIGN_GATEWAY);
	g_assert_cmpint(res.notes[3].reason, ==, DHCP_ROUTE_DUPLICATE);
	g_assert_cmpint(res.notes[4].reason, ==, DHCP_ROUTE_DEFAULT_REFUSED);

	/* allowed, the default route is kept beside the sixteen /8s */
	pol.allow_default = true;
	dhcp_routes_validate(in, n, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 17);
	assert_route(&res.kept[16], 0, 0, 0);

	/* with the gateway accepted, 100/8 counts: over, and everything
	 * that would have been installed goes; the default route, a
	 * separate decision, stays */
	pol.any_gateway = true;
	dhcp_routes_validate(in, n, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 1);
	assert_route(&res.kept[0], 0, 0, 0);
	g_assert_cmpuint(res.n_dropped, ==, n - 1);
	g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_COVERS_TOO_MUCH);
	g_assert_cmpint(res.notes[16].reason, ==, DHCP_ROUTE_PREFIX_TOO_SHORT);
	g_assert_cmpint(res.notes[18].reason, ==, DHCP_ROUTE_COVERS_TOO_MUCH);   /* 100/8 */
}

/* A route normalised and then refused with the set gets one note (the
 * refusal), showing it as received; the budget is the normalised one. */
static void
test_routes_coverage_normalised(void)
{
	struct dhcp_route in[DHCP_INFORM_MAX_ROUTES];
	struct dhcp_route_policy pol = { .local = IP4(10, 77, 0, 2), .peer = IP4(10, 77, 0, 1) };
	struct dhcp_route_result res;
	size_t n = add_slash8s(in, 0, 11, 16);

	in[3].dest = IP4(14, 1, 2, 3);   /* 14.0.0.0/8 with host bits */
	dhcp_routes_validate(in, n, &pol, &res);
	g_assert_cmpuint(res.n_kept, ==, 16);
	g_assert_cmpuint(res.n_dropped, ==, 0);
	g_assert_cmpuint(res.n_notes, ==, 1);
	g_assert_cmpint(res.notes[0].reason, ==, DHCP_ROUTE_NORMALISED);
	in[n] = (struct dhcp_route) { IP4(9, 9, 9, 9), 0, 32 };
	dhcp_routes_validate(in, n + 1, &pol, &res);
	assert_all_refused(&res, in, n + 1, DHCP_ROUTE_COVERS_TOO_MUCH);
	assert_route(&res.notes[3].route, IP4(14, 1, 2, 3), 8, 0);
}

/* ---- names ---- */

static enum dhcp_inform_verdict
recognise_search(const uint8_t *data, size_t len, struct dhcp_inform_reply *r)
{
	GByteArray *o = ack_opts();
	enum dhcp_inform_verdict v;

	/* longer data goes in several parts (RFC 3396) */
	while (len > 200) {
		opt_add(o, 119, data, 200);
		data += 200;
		len -= 200;
	}
	opt_add(o, 119, data, len);
	opt_str(o, 15, "still.parsed");
	opt_end(o);
	v = recognise_opts(o, r);
	g_byte_array_unref(o);
	return v;
}

static void
test_search_pointers(void)
{
	struct dhcp_inform_reply r;
	/* RFC 3397 section 3 example: eng.apple.com, marketing.apple.com */
	static const uint8_t rfc[] = {
		3, 'e', 'n', 'g', 5, 'a', 'p', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		9, 'm', 'a', 'r', 'k', 'e', 't', 'i', 'n', 'g', 0xc0, 0x04,
	};
	/* chain: c.b.a ; d -> (b.a via pointer to offset 2) ; e -> pointer to
	 * d's pointer, which points further back */
	static const uint8_t chain[] = {
		1, 'c', 1, 'b', 1, 'a', 0,        /* 0: c.b.a */
		1, 'd', 0xc0, 0x02,               /* 7: d.b.a */
		1, 'e', 0xc0, 0x07,               /* 11: e.d.b.a */
		0,                                /* 15: root, skipped */
	};

	g_assert_cmpint(recognise_search(rfc, sizeof(rfc), &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_search, ==, 2);
	g_assert_cmpstr(r.search[0], ==, "eng.apple.com");
	g_assert_cmpstr(r.search[1], ==, "marketing.apple.com");
	g_assert_cmpstr(r.domain, ==, "still.parsed");

	g_assert_cmpint(recognise_search(chain, sizeof(chain), &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_search, ==, 3);
	g_assert_cmpstr(r.search[0], ==, "c.b.a");
	g_assert_cmpstr(r.search[1], ==, "d.b.a");
	g_assert_cmpstr(r.search[2], ==, "e.d.b.a");
	g_assert_cmpuint(r.n_notes, ==, 0);
}

static void
test_search_bad(void)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
		const char *why;
	} cases[] = {
		{ "self loop", "\xc0\x00", 2, "backwards" },
		{ "pointer to itself after a label", "\x01x\xc0\x00", 4, "backwards" },
		/* points before itself but into its own name: a b b b ... */
		{ "pointer into its own name", "\x01" "a" "\x01" "b" "\xc0\x02", 6, "backwards" },
		{ "forward pointer", "\xc0\x04\x00\x00\x01x\x00", 7, "backwards" },
		{ "pointer past the end", "\x01x\x00\xc0\x40", 5, "backwards" },
		{ "cut pointer", "\x01x\x00\xc0", 4, "cut" },
		{ "label past the end", "\x05" "ab", 3, "past the end" },
		{ "no terminating zero", "\x02" "ab", 3, "past the end" },
		{ "label type 01", "\x41x", 2, "label type" },
		{ "junk character", "\x03" "a b\x00", 5, "character" },
		{ "dot inside a label", "\x03" "a.b\x00", 5, "character" },
		{ "leading hyphen", "\x02-a\x00", 4, "invalid name" },
	};
	struct dhcp_inform_reply r;
	uint8_t longname[300];
	size_t i, o = 0;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("case: %s", cases[i].name);
		g_assert_cmpint(recognise_search((const uint8_t *) cases[i].bytes, cases[i].len, &r), ==,
		                DHCP_INFORM_ACK);
		g_assert_cmpuint(r.n_search, ==, 0);
		g_assert_true(has_note(&r, "option 119"));
		g_assert_true(has_note(&r, cases[i].why));
		g_assert_cmpstr(r.domain, ==, "still.parsed");
	}

	/* a name over 255 bytes on the wire, made of 63-byte labels */
	for (i = 0; i < 4; i++) {
		longname[o++] = 63;
		memset(longname + o, 'a', 63);
		o += 63;
	}
	longname[o++] = 0;
	g_assert_cmpint(recognise_search(longname, o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_search, ==, 0);
	g_assert_true(has_note(&r, "longer than 255"));
	/* the same with the last label 61 bytes: 253 characters, accepted */
	longname[3 * 64] = 61;
	longname[3 * 64 + 1 + 61] = 0;
	g_assert_cmpint(recognise_search(longname, 3 * 64 + 1 + 61 + 1, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_search, ==, 1);
	g_assert_cmpuint(strlen(r.search[0]), ==, 253);
}

/* 119 in two parts (RFC 3396); the second part points into the first */
static void
test_search_concatenated(void)
{
	static const uint8_t part1[] = { 4, 'c', 'o', 'r', 'p', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 3, 'e' };
	static const uint8_t part2[] = { 'n', 'g', 0xc0, 0x00, 2, 'q', 'a', 0xc0, 0x05 };
	GByteArray *o = ack_opts();
	struct dhcp_inform_reply r;
	unsigned i;

	opt_add(o, 119, part1, sizeof(part1));
	g_byte_array_append(o, (const uint8_t *) "\0\0", 2);   /* two pad bytes between the parts */
	opt_add(o, 119, part2, sizeof(part2));
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_search, ==, 3);
	g_assert_cmpstr(r.search[0], ==, "corp.example");
	g_assert_cmpstr(r.search[1], ==, "eng.corp.example");
	g_assert_cmpstr(r.search[2], ==, "qa.example");

	/* more than 8 names: the first 8 are kept */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	{
		GByteArray *d = g_byte_array_new();

		for (i = 0; i < 10; i++) {
			uint8_t name[4] = { 2, 'n', (uint8_t) ('0' + i), 0 };

			g_byte_array_append(d, name, 4);
		}
		opt_add(o, 119, d->data, d->len);
		g_byte_array_unref(d);
	}
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_search, ==, DHCP_INFORM_MAX_SEARCH);
	g_assert_cmpstr(r.search[7], ==, "n7");
	g_assert_true(has_note(&r, "2 names beyond"));
	g_byte_array_unref(o);
}

static void
test_domain(void)
{
	static const struct {
		const char *bytes;
		size_t len;
		const char *want;   /* NULL: refused */
	} cases[] = {
		{ "corp.example", 12, "corp.example" },
		{ "corp.example.", 13, "corp.example" },
		{ "corp.example\0", 13, "corp.example" },     /* Windows DHCP adds a NUL */
		{ "AD_Site.Corp-1.example", 22, "AD_Site.Corp-1.example" },
		{ "single", 6, "single" },
		{ "corp example", 12, NULL },
		{ "corp.example;rm -rf", 19, NULL },
		{ "corp.example\nsearch x", 21, NULL },
		{ "-bad.example", 12, NULL },
		{ "bad-.example", 12, NULL },
		{ "a..b", 4, NULL },
		{ ".", 1, NULL },
		{ "\0", 1, NULL },
		{ "caf\xc3\xa9.example", 14, NULL },
		{ "x\0y", 3, NULL },
	};
	char label64[80];
	struct dhcp_inform_reply r;
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(cases); i++) {
		GByteArray *o = ack_opts();

		opt_add(o, 15, cases[i].bytes, cases[i].len);
		opt_end(o);
		g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
		if (cases[i].want) {
			g_assert_cmpstr(r.domain, ==, cases[i].want);
			g_assert_cmpuint(r.n_notes, ==, 0);
		} else {
			g_assert_cmpstr(r.domain, ==, "");
			g_assert_true(has_note(&r, "option 15"));
		}
		g_byte_array_unref(o);
	}

	memset(label64, 'a', 64);
	memcpy(label64 + 64, ".example", 8);
	for (i = 63; i <= 64; i++) {
		GByteArray *o = ack_opts();

		opt_add(o, 15, label64 + 64 - i, i + 8);
		g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
		g_assert_cmpuint(strlen(r.domain), ==, i == 63 ? 71 : 0);
		g_byte_array_unref(o);
	}
}

/* ---- addresses ---- */

static void
test_address_lists(void)
{
	GByteArray *o = ack_opts();
	struct dhcp_inform_reply r;
	uint8_t dns[40], bad[6] = { 10, 0, 0, 1, 10, 0 };
	unsigned i;

	for (i = 0; i < 10; i++)
		wr32(dns + 4 * i, IP4(10, 0, 0, 1 + i));
	wr32(dns + 4, 0);                          /* 0.0.0.0 skipped */
	wr32(dns + 8, IP4(127, 0, 0, 1));          /* loopback skipped */
	opt_add(o, 6, dns, sizeof(dns));
	opt_add(o, 44, bad, sizeof(bad));
	opt_add(o, 1, bad, 3);
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_dns, ==, 8);
	g_assert_cmphex(r.dns[0], ==, IP4(10, 0, 0, 1));
	g_assert_cmphex(r.dns[1], ==, IP4(10, 0, 0, 4));
	g_assert_cmphex(r.dns[7], ==, IP4(10, 0, 0, 10));
	g_assert_cmpuint(r.n_nbns, ==, 0);
	g_assert_false(r.has_subnet_mask);
	g_assert_true(has_note(&r, "address 0.0.0.0 skipped"));
	g_assert_true(has_note(&r, "address 127.0.0.1 skipped"));
	g_assert_true(has_note(&r, "option 44"));
	g_assert_true(has_note(&r, "option 1 "));
	g_byte_array_unref(o);
}

/* ---- what is and is not ours ---- */

static void
test_not_ours(void)
{
	GByteArray *o = ack_opts();
	struct reply_spec s;
	struct dhcp_inform_reply r;
	static const uint8_t lcp[] = { 0xc0, 0x21 };
	static const uint8_t ipv6[] = { 0x00, 0x57 };
	uint8_t frame[600];
	size_t n;

	opt_end(o);
	spec_init(&s, o);
	g_assert_cmpint(recognise_spec(&s, &r), ==, DHCP_INFORM_ACK);

#define EXPECT(field_change, verdict) do { \
		spec_init(&s, o); \
		field_change; \
		g_assert_cmpint(recognise_spec(&s, &r), ==, verdict); \
	} while (0)

	EXPECT(s.xid[3] ^= 1, DHCP_INFORM_NOT_OURS);                  /* another xid */
	EXPECT(s.sport = 53, DHCP_INFORM_NOT_OURS);                   /* DNS, not DHCP */
	EXPECT(s.dport = 67, DHCP_INFORM_NOT_OURS);                   /* server to server */
	EXPECT((s.sport = 68, s.dport = 67), DHCP_INFORM_NOT_OURS);   /* an INFORM */
	EXPECT(s.op = 1, DHCP_INFORM_NOT_OURS);                       /* a BOOTREQUEST */
	EXPECT(s.proto = 6, DHCP_INFORM_NOT_OURS);                    /* TCP */
	EXPECT(s.frag = 0x2000, DHCP_INFORM_NOT_OURS);                /* first fragment (MF) */
	EXPECT(s.frag = 0x0010, DHCP_INFORM_NOT_OURS);                /* later fragment */
	EXPECT(s.frag = 0x4000, DHCP_INFORM_ACK);                     /* DF is fine */
	EXPECT(s.bad_ip_csum = true, DHCP_INFORM_NOT_OURS);
	EXPECT(s.total_len_delta = 1, DHCP_INFORM_NOT_OURS);          /* longer than the frame */
	EXPECT((s.ppp = lcp, s.ppp_len = 2), DHCP_INFORM_NOT_OURS);
	EXPECT((s.ppp = ipv6, s.ppp_len = 2), DHCP_INFORM_NOT_OURS);
	EXPECT(s.bootp_len = 7, DHCP_INFORM_NOT_OURS);                /* cannot even hold the xid */
	EXPECT(s.trailing = 3, DHCP_INFORM_ACK);                      /* padding after the datagram */
	EXPECT(s.ip_opt_words = 2, DHCP_INFORM_ACK);                  /* IHL 7 */
	EXPECT(s.udp_csum = 1, DHCP_INFORM_ACK);                      /* no UDP checksum */
	EXPECT(s.ttl = 1, DHCP_INFORM_ACK);
	EXPECT(s.dst = 0xffffffff, DHCP_INFORM_ACK);                  /* broadcast answer */
	EXPECT(s.udp_csum = 2, DHCP_INFORM_REJECTED);                 /* ours, damaged */
	g_assert_nonnull(strstr(r.error, "checksum"));
	EXPECT(s.bootp_len = 100, DHCP_INFORM_REJECTED);              /* our xid, truncated */
	g_assert_nonnull(strstr(r.error, "too short"));
	EXPECT(s.no_cookie = true, DHCP_INFORM_REJECTED);
	g_assert_nonnull(strstr(r.error, "cookie"));

	/* UDP length larger than the IP datagram */
	spec_init(&s, o);
	n = build_reply(&s, frame, sizeof(frame));
	frame[4 + 20 + 5] += 1;
	g_assert_cmpint(dhcp_inform_recognise(frame, n, test_xid, &r), ==, DHCP_INFORM_NOT_OURS);
	/* IP version 6 in a 0x0021 frame */
	n = build_reply(&s, frame, sizeof(frame));
	frame[4] = 0x65;
	g_assert_cmpint(dhcp_inform_recognise(frame, n, test_xid, &r), ==, DHCP_INFORM_NOT_OURS);
	/* IHL 4 */
	n = build_reply(&s, frame, sizeof(frame));
	frame[4] = 0x44;
	g_assert_cmpint(dhcp_inform_recognise(frame, n, test_xid, &r), ==, DHCP_INFORM_NOT_OURS);
#undef EXPECT
	g_byte_array_unref(o);
}

static void
test_message_types(void)
{
	struct dhcp_inform_reply r;
	GByteArray *o = g_byte_array_new();

	opt_u8(o, 53, 6);
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_REJECTED);
	g_assert_nonnull(strstr(r.error, "DHCPNAK"));
	g_assert_cmpuint(r.message_type, ==, 6);

	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 2);   /* an OFFER */
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_REJECTED);
	g_assert_nonnull(strstr(r.error, "type 2"));

	g_byte_array_set_size(o, 0);
	opt_addr(o, 1, IP4(255, 0, 0, 0));   /* plain BOOTP */
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_REJECTED);
	g_assert_nonnull(strstr(r.error, "message type"));

	g_byte_array_set_size(o, 0);
	opt_add(o, 53, "\x05\x05", 2);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_REJECTED);

	/* two 53 options concatenate (RFC 3396) to length 2: refused too */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	opt_u8(o, 53, 5);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_REJECTED);
	g_byte_array_unref(o);
}

/* an option running past the end of the message: what came before is kept */
static void
test_options_truncated(void)
{
	GByteArray *o = ack_opts();
	struct reply_spec s;
	struct dhcp_inform_reply r;
	uint8_t cut[] = { 6, 8, 10, 0, 0, 1 };   /* says 8 bytes, 4 there */

	opt_str(o, 15, "before.cut");
	g_byte_array_append(o, cut, sizeof(cut));
	spec_init(&s, o);
	s.bootp_len = 240 + o->len;   /* no padding: the cut is at the very end */
	g_assert_cmpint(recognise_spec(&s, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpstr(r.domain, ==, "before.cut");
	g_assert_cmpuint(r.n_dns, ==, 0);
	g_assert_true(has_note(&r, "runs past the end"));

	/* an option whose length byte is missing */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	g_byte_array_append(o, cut, 1);
	spec_init(&s, o);
	s.bootp_len = 240 + o->len;
	g_assert_cmpint(recognise_spec(&s, &r), ==, DHCP_INFORM_ACK);
	g_assert_true(has_note(&r, "runs past the end"));

	/* and the message type itself cut: not usable */
	g_byte_array_set_size(o, 0);
	g_byte_array_append(o, (const uint8_t *) "\x35\x01", 2);
	spec_init(&s, o);
	s.bootp_len = 240 + o->len;
	g_assert_cmpint(recognise_spec(&s, &r), ==, DHCP_INFORM_REJECTED);

	/* nothing after End is read */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	opt_end(o);
	opt_str(o, 15, "after.end");
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpstr(r.domain, ==, "");
	g_byte_array_unref(o);
}

/* option overload: file and sname carry options too */
static void
test_options_overload(void)
{
	GByteArray *o = ack_opts(), *file = g_byte_array_new(), *sname = g_byte_array_new(), *rt = g_byte_array_new();
	struct reply_spec s;
	struct dhcp_inform_reply r;

	route_enc(rt, 24, IP4(192, 168, 9, 0), 0);
	route_enc(rt, 16, IP4(172, 30, 0, 0), 0);
	opt_u8(o, 52, 3);
	opt_add(o, 121, rt->data, 5);               /* first part here ... */
	opt_end(o);
	opt_add(file, 121, rt->data + 5, rt->len - 5);   /* ... the rest in file */
	opt_end(file);
	opt_str(sname, 15, "over.loaded");
	opt_end(sname);
	spec_init(&s, o);
	s.file = file->data;
	s.file_len = file->len;
	s.sname = sname->data;
	s.sname_len = sname->len;
	g_assert_cmpint(recognise_spec(&s, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_routes, ==, 2);
	assert_route(&r.routes[1], IP4(172, 30, 0, 0), 16, 0);
	g_assert_cmpstr(r.domain, ==, "over.loaded");

	/* overload 1: sname is not options (a plain server name) */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	opt_u8(o, 52, 1);
	opt_end(o);
	spec_init(&s, o);
	s.sname = (const uint8_t *) "\x0f\x04srv1";
	s.sname_len = 6;
	s.file = file->data;
	s.file_len = file->len;
	g_assert_cmpint(recognise_spec(&s, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpstr(r.domain, ==, "");
	g_assert_cmpint(r.route_source, ==, DHCP_ROUTES_NONE);   /* half a route: refused */
	g_assert_true(has_note(&r, "option 121"));

	/* a bad overload value is ignored, not fatal */
	g_byte_array_set_size(o, 0);
	opt_u8(o, 53, 5);
	opt_u8(o, 52, 7);
	opt_str(o, 15, "still.here");
	spec_init(&s, o);
	g_assert_cmpint(recognise_spec(&s, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpstr(r.domain, ==, "still.here");
	g_assert_true(has_note(&r, "option 52"));
	g_byte_array_unref(o);
	g_byte_array_unref(file);
	g_byte_array_unref(sname);
	g_byte_array_unref(rt);
}

static void
test_notes_limit(void)
{
	GByteArray *o = ack_opts();
	struct dhcp_inform_reply r;
	uint8_t zero[4] = { 0 };
	unsigned i;

	for (i = 0; i < 20; i++)
		opt_add(o, 44, zero, 4);   /* concatenated: 20 skipped addresses */
	opt_end(o);
	g_assert_cmpint(recognise_opts(o, &r), ==, DHCP_INFORM_ACK);
	g_assert_cmpuint(r.n_notes, ==, DHCP_INFORM_MAX_NOTES);
	g_assert_cmpuint(r.n_notes_lost, ==, 20 - DHCP_INFORM_MAX_NOTES);
	g_byte_array_unref(o);
}

/* ---- retry schedule ---- */

static void
test_client_schedule(void)
{
	struct dhcp_inform_client c;

	g_assert_cmpuint(dhcp_inform_retry_delay_ms(0), ==, 0);
	g_assert_cmpuint(dhcp_inform_retry_delay_ms(1), ==, 1000);
	g_assert_cmpuint(dhcp_inform_retry_delay_ms(2), ==, 2000);
	g_assert_cmpuint(dhcp_inform_retry_delay_ms(3), ==, 2000);
	g_assert_cmpuint(dhcp_inform_retry_delay_ms(4), ==, 0);

	memset(&c, 0, sizeof(c));
	g_assert_cmpint(dhcp_inform_client_step(&c, 0), ==, DHCP_INFORM_STEP_IDLE);
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 0), ==, -1);

	dhcp_inform_client_start(&c, 10000);
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 10000), ==, 0);
	g_assert_cmpint(dhcp_inform_client_step(&c, 10000), ==, DHCP_INFORM_STEP_SEND);
	g_assert_cmpint(dhcp_inform_client_step(&c, 10000), ==, DHCP_INFORM_STEP_WAIT);
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 10000), ==, 1000);
	g_assert_cmpint(dhcp_inform_client_step(&c, 10999), ==, DHCP_INFORM_STEP_WAIT);
	g_assert_cmpint(dhcp_inform_client_step(&c, 11000), ==, DHCP_INFORM_STEP_SEND);
	/* woken late: the next send stays on the plan (13000) */
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 11500), ==, 1500);
	g_assert_cmpint(dhcp_inform_client_step(&c, 12999), ==, DHCP_INFORM_STEP_WAIT);
	g_assert_cmpint(dhcp_inform_client_step(&c, 13400), ==, DHCP_INFORM_STEP_SEND);
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 13400), ==, 1600);
	g_assert_cmpint(dhcp_inform_client_step(&c, 14999), ==, DHCP_INFORM_STEP_WAIT);
	g_assert_cmpint(dhcp_inform_client_step(&c, 15000), ==, DHCP_INFORM_STEP_GIVE_UP);
	g_assert_cmpint(dhcp_inform_client_step(&c, 15000), ==, DHCP_INFORM_STEP_IDLE);
	g_assert_cmpint(dhcp_inform_client_step(&c, 99000), ==, DHCP_INFORM_STEP_IDLE);
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 15000), ==, -1);
	g_assert_cmpuint(c.sent, ==, DHCP_INFORM_MAX_SENDS);

	/* answered after the first send */
	dhcp_inform_client_start(&c, 0);
	g_assert_cmpint(dhcp_inform_client_step(&c, 0), ==, DHCP_INFORM_STEP_SEND);
	dhcp_inform_client_stop(&c);
	g_assert_cmpint(dhcp_inform_client_step(&c, 5000), ==, DHCP_INFORM_STEP_IDLE);
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 5000), ==, -1);

	/* a very late wake-up never schedules in the past */
	dhcp_inform_client_start(&c, 0);
	g_assert_cmpint(dhcp_inform_client_step(&c, 50000), ==, DHCP_INFORM_STEP_SEND);
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 50000), ==, 0);
	g_assert_cmpint(dhcp_inform_client_step(&c, 50000), ==, DHCP_INFORM_STEP_SEND);
	g_assert_cmpint(dhcp_inform_client_timeout_ms(&c, 50000), ==, 2000);
}

static void
test_format(void)
{
	char a[16], b[40];
	struct dhcp_route r = { IP4(10, 1, 0, 0), 0, 16 };

	dhcp_inform_addr_str(IP4(255, 255, 255, 255), a);
	g_assert_cmpstr(a, ==, "255.255.255.255");
	dhcp_inform_addr_str(0, a);
	g_assert_cmpstr(a, ==, "0.0.0.0");
	dhcp_route_str(&r, b);
	g_assert_cmpstr(b, ==, "10.1.0.0/16");
	r.gateway = IP4(192, 168, 130, 254);
	r.dest = IP4(255, 255, 255, 255);
	r.prefix_len = 32;
	dhcp_route_str(&r, b);
	g_assert_cmpstr(b, ==, "255.255.255.255/32 via 192.168.130.254");
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/dhcp/build/fields", test_build_fields);
	g_test_add_func("/dhcp/build/refuses", test_build_refuses);
	g_test_add_func("/dhcp/build/checksums-many", test_build_checksums_many);
	g_test_add_func("/dhcp/ppp/header", test_ppp_header);
	g_test_add_func("/dhcp/ppp/ccp-watch", test_ccp_watch);
	g_test_add_func("/dhcp/reply/dnsmasq-capture", test_dnsmasq_capture);
	g_test_add_func("/dhcp/reply/softether-style", test_softether_style);
	g_test_add_func("/dhcp/reply/not-ours", test_not_ours);
	g_test_add_func("/dhcp/reply/message-types", test_message_types);
	g_test_add_func("/dhcp/options/truncated", test_options_truncated);
	g_test_add_func("/dhcp/options/overload", test_options_overload);
	g_test_add_func("/dhcp/options/address-lists", test_address_lists);
	g_test_add_func("/dhcp/options/notes-limit", test_notes_limit);
	g_test_add_func("/dhcp/routes/249-only", test_routes_249_only);
	g_test_add_func("/dhcp/routes/121-preferred", test_routes_121_preferred);
	g_test_add_func("/dhcp/routes/bad-121-falls-back", test_routes_bad_121_falls_back);
	g_test_add_func("/dhcp/routes/truncated", test_routes_truncated);
	g_test_add_func("/dhcp/routes/zero", test_routes_zero);
	g_test_add_func("/dhcp/routes/long-concatenated", test_routes_long_concatenated);
	g_test_add_func("/dhcp/routes/classful-33", test_routes_classful_33);
	g_test_add_func("/dhcp/routes/host-bits", test_routes_host_bits);
	g_test_add_func("/dhcp/routes/validate", test_routes_validate);
	g_test_add_func("/dhcp/routes/wide/limits", test_routes_wide_limits);
	g_test_add_func("/dhcp/routes/wide/two-halves", test_routes_two_halves);
	g_test_add_func("/dhcp/routes/wide/staircase", test_routes_staircase);
	g_test_add_func("/dhcp/routes/wide/min-prefix", test_routes_min_prefix);
	g_test_add_func("/dhcp/routes/wide/split-kept", test_routes_split_kept);
	g_test_add_func("/dhcp/routes/wide/coverage-boundary", test_routes_coverage_boundary);
	g_test_add_func("/dhcp/routes/wide/many-slash8", test_routes_many_slash8);
	g_test_add_func("/dhcp/routes/wide/coverage-overlaps", test_routes_coverage_overlaps);
	g_test_add_func("/dhcp/routes/wide/coverage-counts-kept-only", test_routes_coverage_counts_kept_only);
	g_test_add_func("/dhcp/routes/wide/coverage-normalised", test_routes_coverage_normalised);
	g_test_add_func("/dhcp/names/search-pointers", test_search_pointers);
	g_test_add_func("/dhcp/names/search-bad", test_search_bad);
	g_test_add_func("/dhcp/names/search-concatenated", test_search_concatenated);
	g_test_add_func("/dhcp/names/domain", test_domain);
	g_test_add_func("/dhcp/client/schedule", test_client_schedule);
	g_test_add_func("/dhcp/format", test_format);
	return g_test_run();
}
