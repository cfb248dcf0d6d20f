/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The worker's DHCPINFORM glue (src/tunnel/tunnel-dhcp.c) without a
 * network: the INFORM it sends, a real dnsmasq DHCPACK taken out of the
 * server->pppd stream (tests/unit/fixtures/dhcp/dnsmasq-ack.hex), the keys
 * it adds to the ip4 message, late duplicates, giving up, CCP, and the
 * message budget.
 */
#include <string.h>

#include <glib.h>

#include "sstp-ipc.h"
#include "tunnel-dhcp.h"

/* The fixture's answer: ciaddr 10.99.0.2, xid 5e11d02a. */
static const uint8_t fixture_xid[4] = { 0x5e, 0x11, 0xd0, 0x2a };

static GByteArray *
load_ack_frame(void)
{
	const char *srcdir = g_getenv("top_srcdir");
	char *path = g_build_filename(srcdir ? srcdir : ".", "tests", "unit", "fixtures", "dhcp",
	                              "dnsmasq-ack.hex", NULL);
	static const uint8_t ppp_ip[4] = { 0xff, 0x03, 0x00, 0x21 };
	GByteArray *b = g_byte_array_new();
	GError *error = NULL;
	char *text = NULL;
	char **lines;

	if (!g_file_get_contents(path, &text, NULL, &error))
		g_error("fixture %s: %s", path, error->message);
	g_byte_array_append(b, ppp_ip, sizeof(ppp_ip));
	lines = g_strsplit(text, "\n", -1);
	for (size_t i = 0; lines[i]; i++) {
		size_t len = strlen(lines[i]);

		if (lines[i][0] == '#' || len == 0)
			continue;
		g_assert_cmpuint(len % 2, ==, 0);
		for (size_t k = 0; k < len; k += 2) {
			uint8_t v = (uint8_t) (g_ascii_xdigit_value(lines[i][k]) << 4 |
			                       g_ascii_xdigit_value(lines[i][k + 1]));
			g_byte_array_append(b, &v, 1);
		}
	}
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return b;
}

/* ip_up on 10.99.0.2 with the fixture's xid (the worker draws a random one). */
static struct tunnel_dhcp *
started(int64_t now)
{
	struct tunnel_dhcp *d = g_new0(struct tunnel_dhcp, 1);

	tunnel_dhcp_init(d, true);
	g_assert_true(d->watching);
	g_assert_true(tunnel_dhcp_ip_up(d, "10.99.0.2", "10.99.0.1", now));
	g_assert_cmpint(d->phase, ==, TUNNEL_DHCP_WAITING);
	memcpy(d->req.xid, fixture_xid, 4);
	return d;
}

/* The ip4 message as the loop writes it: some ip-up keys, the DHCP keys,
 * the gateway; parsed back with the real parser. */
static struct sstp_ipc_msg *
ip4_with_keys(const struct tunnel_dhcp *d, size_t ipcp_dns)
{
	char buf[SSTP_IPC_MAX_MESSAGE];
	struct sstp_ipc_writer w;
	struct sstp_ipc_msg *m = g_new0(struct sstp_ipc_msg, 1);
	size_t n;

	sstp_ipc_writer_init(&w, buf, sizeof(buf), "ip4");
	sstp_ipc_writer_add(&w, "ifname", "ppp0");
	sstp_ipc_writer_add(&w, "address", "10.99.0.2");
	tunnel_dhcp_add_keys(d, &w, 3, 64, ipcp_dns);
	sstp_ipc_writer_add(&w, "gateway", "192.0.2.7");
	n = sstp_ipc_writer_finish(&w);
	g_assert_cmpuint(n, >, 0);
	g_assert_cmpint(sstp_ipc_parse(buf, n, m, NULL), ==, 0);
	return m;
}

static void
test_answer(void)
{
	struct tunnel_dhcp *d = started(1000);
	GByteArray *ack = load_ack_frame();
	static const uint8_t lcp[] = { 0xff, 0x03, 0xc0, 0x21, 0x09, 0x01, 0x00, 0x08, 1, 2, 3, 4 };
	uint8_t frame[DHCP_INFORM_FRAME_LEN];
	struct sstp_ipc_msg *m;
	const char *v[8];

	/* the INFORM goes out at once, as a complete PPP frame with our xid */
	g_assert_cmpint(tunnel_dhcp_timeout_ms(d, 1000), ==, 0);
	g_assert_cmpuint(tunnel_dhcp_step(d, 1000, frame, sizeof(frame)), ==, DHCP_INFORM_FRAME_LEN);
	g_assert_cmpmem(frame, 4, "\xff\x03\x00\x21", 4);
	g_assert_cmpmem(frame + 4 + 20 + 8 + 4, 4, fixture_xid, 4);
	/* then nothing until the retry a second later */
	g_assert_cmpuint(tunnel_dhcp_step(d, 1000, frame, sizeof(frame)), ==, 0);
	g_assert_cmpint(tunnel_dhcp_timeout_ms(d, 1000), ==, 1000);

	/* other frames pass */
	g_assert_false(tunnel_dhcp_from_server(d, lcp, sizeof(lcp), 1200));
	/* the answer is ours: pppd never sees it */
	g_assert_true(tunnel_dhcp_from_server(d, ack->data, ack->len, 1300));
	g_assert_cmpint(d->phase, ==, TUNNEL_DHCP_DONE);
	g_assert_true(d->answered);
	g_assert_cmpint(tunnel_dhcp_timeout_ms(d, 1300), ==, -1);
	g_assert_cmpuint(tunnel_dhcp_step(d, 2000, frame, sizeof(frame)), ==, 0);

	/* worth an update of the configuration, whether IPCP gave DNS or not */
	g_assert_true(tunnel_dhcp_has_keys(d, 0));
	g_assert_true(tunnel_dhcp_has_keys(d, 1));

	/* any gateway goes through the tunnel: all three routes kept */
	m = ip4_with_keys(d, 0);
	g_assert_cmpuint(sstp_ipc_get_all(m, "route", v, 8), ==, 3);
	g_assert_cmpstr(v[0], ==, "10.20.0.0/16");
	g_assert_cmpstr(v[1], ==, "192.168.50.0/24");
	g_assert_cmpstr(v[2], ==, "172.16.0.0/12");
	g_assert_cmpstr(sstp_ipc_get(m, "domain"), ==, "corp.example");
	g_assert_cmpuint(sstp_ipc_get_all(m, "search", v, 8), ==, 3);
	g_assert_cmpstr(v[1], ==, "eng.corp.example");
	/* IPCP gave no DNS server: DHCP's are used */
	g_assert_cmpuint(sstp_ipc_get_all(m, "dns", v, 8), ==, 2);
	g_assert_cmpstr(v[0], ==, "10.99.0.53");
	g_assert_cmpstr(sstp_ipc_get(m, "gateway"), ==, "192.0.2.7");
	g_free(m);
	/* IPCP gave one: DHCP's are not added */
	m = ip4_with_keys(d, 1);
	g_assert_cmpuint(sstp_ipc_get_all(m, "dns", v, 8), ==, 0);
	g_assert_cmpuint(sstp_ipc_get_all(m, "route", v, 8), ==, 3);
	g_free(m);

	/* a duplicate (answer to a retry) is swallowed and changes nothing */
	g_assert_true(tunnel_dhcp_from_server(d, ack->data, ack->len, 1300 + TUNNEL_DHCP_LISTEN_AFTER_MS - 1));
	g_assert_cmpstr(d->reply.domain, ==, "corp.example");
	g_assert_true(d->watching);
	/* after the window it goes to pppd, and the relay stops looking */
	g_assert_false(tunnel_dhcp_from_server(d, ack->data, ack->len, 1300 + TUNNEL_DHCP_LISTEN_AFTER_MS));
	g_assert_false(d->watching);

	g_byte_array_unref(ack);
	g_free(d);
}

static void
test_wrong_xid_not_ours(void)
{
	struct tunnel_dhcp *d = started(0);
	GByteArray *ack = load_ack_frame();

	d->req.xid[0] ^= 1;
	g_assert_false(tunnel_dhcp_from_server(d, ack->data, ack->len, 100));
	g_assert_cmpint(d->phase, ==, TUNNEL_DHCP_WAITING);
	g_byte_array_unref(ack);
	g_free(d);
}

static void
test_give_up(void)
{
	struct tunnel_dhcp *d = started(0);
	uint8_t frame[DHCP_INFORM_FRAME_LEN];
	struct sstp_ipc_msg *m;
	const char *v[8];

	/* sent at 0, 1 and 3 s; given up at 5 s */
	g_assert_cmpuint(tunnel_dhcp_step(d, 0, frame, sizeof(frame)), ==, DHCP_INFORM_FRAME_LEN);
	g_assert_cmpuint(tunnel_dhcp_step(d, 999, frame, sizeof(frame)), ==, 0);
	g_assert_cmpuint(tunnel_dhcp_step(d, 1000, frame, sizeof(frame)), ==, DHCP_INFORM_FRAME_LEN);
	g_assert_cmpuint(tunnel_dhcp_step(d, 3000, frame, sizeof(frame)), ==, DHCP_INFORM_FRAME_LEN);
	g_assert_cmpint(d->phase, ==, TUNNEL_DHCP_WAITING);
	g_assert_cmpuint(tunnel_dhcp_step(d, 5000, frame, sizeof(frame)), ==, 0);
	g_assert_cmpint(d->phase, ==, TUNNEL_DHCP_DONE);
	g_assert_false(d->answered);
	g_assert_false(tunnel_dhcp_has_keys(d, 0));
	m = ip4_with_keys(d, 0);
	g_assert_cmpuint(sstp_ipc_get_all(m, "route", v, 8), ==, 0);
	g_assert_null(sstp_ipc_get(m, "domain"));
	g_free(m);
	/* once per connection: a second ip-up asks nothing */
	g_assert_false(tunnel_dhcp_ip_up(d, "10.99.0.2", "10.99.0.1", 6000));
	g_free(d);
}

/* An answer after the worker gave up, within the listening window, is
 * still taken (the loop sends it as an update); after the window it is
 * not looked at. */
static void
test_answer_after_giving_up(void)
{
	struct tunnel_dhcp *d = started(0);
	uint8_t frame[DHCP_INFORM_FRAME_LEN];
	GByteArray *ack = load_ack_frame();

	g_assert_cmpuint(tunnel_dhcp_step(d, 0, frame, sizeof(frame)), ==, DHCP_INFORM_FRAME_LEN);
	g_assert_cmpuint(tunnel_dhcp_step(d, 1000, frame, sizeof(frame)), ==, DHCP_INFORM_FRAME_LEN);
	g_assert_cmpuint(tunnel_dhcp_step(d, 3000, frame, sizeof(frame)), ==, DHCP_INFORM_FRAME_LEN);
	g_assert_cmpuint(tunnel_dhcp_step(d, 5000, frame, sizeof(frame)), ==, 0);
	g_assert_cmpint(d->phase, ==, TUNNEL_DHCP_DONE);
	g_assert_false(d->answered);
	g_assert_true(tunnel_dhcp_from_server(d, ack->data, ack->len, 5100));
	g_assert_true(d->answered);
	g_assert_true(tunnel_dhcp_has_keys(d, 0));
	g_assert_cmpstr(d->reply.domain, ==, "corp.example");
	g_byte_array_unref(ack);
	g_free(d);
}

static void
test_off_and_blocked(void)
{
	struct tunnel_dhcp *d = g_new0(struct tunnel_dhcp, 1);
	/* our pppd acks the server's MPPE: compressed/encrypted from now on */
	static const uint8_t ccp_ack_mppe[] = { 0xff, 0x03, 0x80, 0xfd, 0x02, 0x01, 0x00, 0x0a,
	                                        0x12, 0x06, 0x01, 0x00, 0x00, 0x40 };

	tunnel_dhcp_init(d, false);
	g_assert_false(d->watching);
	g_assert_false(tunnel_dhcp_ip_up(d, "10.99.0.2", "10.99.0.1", 0));
	g_assert_cmpint(tunnel_dhcp_timeout_ms(d, 0), ==, -1);

	tunnel_dhcp_init(d, true);
	tunnel_dhcp_watch_to_server(d, ccp_ack_mppe, sizeof(ccp_ack_mppe));
	g_assert_false(tunnel_dhcp_ip_up(d, "10.99.0.2", "10.99.0.1", 0));
	g_assert_false(d->watching);

	tunnel_dhcp_init(d, true);
	g_assert_false(tunnel_dhcp_ip_up(d, "not-an-address", "10.99.0.1", 0));
	tunnel_dhcp_init(d, true);
	g_assert_false(tunnel_dhcp_ip_up(d, "0.0.0.0", NULL, 0));
	g_assert_false(d->watching);
	g_free(d);
}

/* What does not fit in the message is left out, routes first kept. */
static void
test_budget(void)
{
	struct tunnel_dhcp *d = started(0);
	GByteArray *ack = load_ack_frame();
	char buf[SSTP_IPC_MAX_MESSAGE];
	struct sstp_ipc_writer w;
	struct sstp_ipc_msg *m = g_new0(struct sstp_ipc_msg, 1);
	const char *v[8];
	size_t n;

	g_assert_true(tunnel_dhcp_from_server(d, ack->data, ack->len, 10));
	/* room for two more fields only */
	sstp_ipc_writer_init(&w, buf, sizeof(buf), "ip4");
	tunnel_dhcp_add_keys(d, &w, SSTP_IPC_MAX_FIELDS - 2, 0, 0);
	n = sstp_ipc_writer_finish(&w);
	g_assert_cmpint(sstp_ipc_parse(buf, n, m, NULL), ==, 0);
	g_assert_cmpuint(m->n_fields, ==, 2);
	g_assert_cmpuint(sstp_ipc_get_all(m, "route", v, 8), ==, 2);
	/* no room in bytes: nothing, and the writer is still usable */
	sstp_ipc_writer_init(&w, buf, sizeof(buf), "ip4");
	tunnel_dhcp_add_keys(d, &w, 0, sizeof(buf), 0);
	g_assert_false(w.failed);
	n = sstp_ipc_writer_finish(&w);
	g_assert_cmpint(sstp_ipc_parse(buf, n, m, NULL), ==, 0);
	g_assert_cmpuint(m->n_fields, ==, 0);
	g_free(m);
	g_byte_array_unref(ack);
	g_free(d);
}

/* ---- routes the worker must refuse ---- */

/* One RFC 3442 route: width, significant octets of dest, gateway 0. */
static void
route121(GByteArray *b, unsigned width, uint32_t dest)
{
	uint8_t e[9] = { (uint8_t) width };
	size_t sig = (width + 7) / 8;

	for (size_t k = 0; k < sig; k++)
		e[1 + k] = (uint8_t) (dest >> (24 - 8 * k));
	g_byte_array_append(b, e, (guint) (1 + sig + 4));
}

/* A DHCPACK from 10.99.0.1 to 10.99.0.2 with the fixture's xid, options
 * 53, 54 and this option 121, as the PPP frame the server would send
 * (UDP checksum 0: none). */
static GByteArray *
ack_frame_121(const GByteArray *routes)
{
	uint8_t f[4 + 20 + 8 + 512];
	uint8_t *ip = f + 4, *udp = ip + 20, *bootp = udp + 8, *o = bootp + 240;
	size_t blen, total;
	uint32_t sum = 0;
	GByteArray *b = g_byte_array_new();

	g_assert_cmpuint(routes->len, <=, 255);
	memset(f, 0, sizeof(f));
	memcpy(f, "\xff\x03\x00\x21", 4);
	bootp[0] = 2;
	bootp[1] = 1;
	bootp[2] = 6;
	memcpy(bootp + 4, fixture_xid, 4);
	memcpy(bootp + 12, "\x0a\x63\x00\x02", 4);
	memcpy(bootp + 236, "\x63\x82\x53\x63", 4);
	memcpy(o, "\x35\x01\x05\x36\x04\x0a\x63\x00\x01\x79", 10);
	o[10] = (uint8_t) routes->len;
	memcpy(o + 11, routes->data, routes->len);
	o[11 + routes->len] = 255;
	blen = 240 + 12 + routes->len;
	if (blen < 300)
		blen = 300;
	total = 20 + 8 + blen;
	ip[0] = 0x45;
	ip[2] = (uint8_t) (total >> 8);
	ip[3] = (uint8_t) total;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\x0a\x63\x00\x01\x0a\x63\x00\x02", 8);
	for (size_t i = 0; i < 20; i += 2)
		sum += (uint32_t) (ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t) (~sum >> 8);
	ip[11] = (uint8_t) ~sum;
	memcpy(udp, "\x00\x43\x00\x44", 4);
	udp[4] = (uint8_t) ((8 + blen) >> 8);
	udp[5] = (uint8_t) (8 + blen);
	g_byte_array_append(b, f, (guint) (4 + total));
	return b;
}

/* The answer through the worker: the route keys it would report. */
static size_t
answer_routes(const GByteArray *routes, const char **v, size_t cap)
{
	struct tunnel_dhcp *d = started(0);
	GByteArray *ack = ack_frame_121(routes);
	struct sstp_ipc_msg *m;
	size_t n;

	g_assert_true(tunnel_dhcp_from_server(d, ack->data, ack->len, 10));
	g_assert_true(d->answered);
	m = ip4_with_keys(d, 0);
	n = sstp_ipc_get_all(m, "route", v, cap);
	/* the values point into m: copy them out */
	for (size_t i = 0; i < n && i < cap; i++)
		v[i] = g_intern_string(v[i]);
	g_free(m);
	g_byte_array_unref(ack);
	g_free(d);
	return n;
}

/* 0.0.0.0/1 + 128.0.0.0/1 with a real split route: only the split
 * route is reported, and the log names each refused route and why. */
/* The wait for the answer: a floor, a few round trips, a cap. */
static void
test_hold(void)
{
	g_assert_cmpint(tunnel_dhcp_hold_ms(-1), ==, TUNNEL_DHCP_HOLD_MIN_MS);
	g_assert_cmpint(tunnel_dhcp_hold_ms(0), ==, TUNNEL_DHCP_HOLD_MIN_MS);
	g_assert_cmpint(tunnel_dhcp_hold_ms(50), ==, TUNNEL_DHCP_HOLD_MIN_MS + TUNNEL_DHCP_HOLD_RTTS * 50);
	g_assert_cmpint(tunnel_dhcp_hold_ms(400), ==, TUNNEL_DHCP_HOLD_MAX_MS);
	g_assert_cmpint(tunnel_dhcp_hold_ms(INT64_MAX), ==, TUNNEL_DHCP_HOLD_MAX_MS);
}

/* An answer whose only route is refused (0.0.0.0/0) and that names no
 * domain brings nothing: no update of the configuration for it. */
static void
test_answer_with_nothing(void)
{
	struct tunnel_dhcp *d = started(0);
	GByteArray *routes = g_byte_array_new();
	GByteArray *ack;

	route121(routes, 0, 0);
	ack = ack_frame_121(routes);
	g_assert_true(tunnel_dhcp_from_server(d, ack->data, ack->len, 10));
	g_assert_true(d->answered);
	g_assert_cmpuint(d->routes.n_kept, ==, 0);
	g_assert_false(tunnel_dhcp_has_keys(d, 0));
	g_byte_array_unref(ack);
	g_byte_array_unref(routes);
	g_free(d);
}

static void
test_two_halves(void)
{
	GByteArray *rt = g_byte_array_new();
	const char *v[8];

	route121(rt, 1, 0);
	route121(rt, 1, 0x80000000u);
	route121(rt, 16, 0x0a140000u);
	if (g_test_subprocess()) {
		g_assert_cmpuint(answer_routes(rt, v, 8), ==, 1);
		g_assert_cmpstr(v[0], ==, "10.20.0.0/16");
		g_byte_array_unref(rt);
		return;
	}
	g_test_trap_subprocess(NULL, 0, 0);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("*DHCP: server 10.99.0.1 pushed 3 routes (2 refused)*");
	g_test_trap_assert_stderr("*DHCP: route 0.0.0.0/1: dropped: destination is not a unicast network*");
	g_test_trap_assert_stderr("*DHCP: route 128.0.0.0/1: dropped: prefix shorter than /8*");
	g_test_trap_assert_stderr("*warning: DHCP: 1 route shorter than /8 refused*");
	g_test_trap_assert_stderr("*DHCP: route 10.20.0.0/16 through the tunnel*");
	g_byte_array_unref(rt);
}

/* Seventeen /8s: more than 1/16 of IPv4. None is reported, each is
 * logged with the reason. */
static void
test_covers_too_much(void)
{
	GByteArray *rt = g_byte_array_new();
	const char *v[32];

	for (uint32_t first = 11; first <= 27; first++)
		route121(rt, 8, first << 24);
	if (g_test_subprocess()) {
		g_assert_cmpuint(answer_routes(rt, v, 32), ==, 0);
		g_byte_array_unref(rt);
		return;
	}
	g_test_trap_subprocess(NULL, 0, 0);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("*DHCP: server 10.99.0.1 pushed 17 routes (17 refused)*");
	g_test_trap_assert_stderr("*DHCP: route 11.0.0.0/8: dropped: the routes together cover more "
	                          "than 1/16 of IPv4 (none is installed)*");
	g_test_trap_assert_stderr("*DHCP: route 27.0.0.0/8: dropped: the routes together cover more "
	                          "than 1/16*");
	g_test_trap_assert_stderr("*warning: DHCP: 17 routes refused: together they cover more than 1/16*");
	g_test_trap_assert_stderr_unmatched("*through the tunnel*");
	g_byte_array_unref(rt);
}

/* Sixteen: exactly 1/16, all reported, no warning. */
static void
test_sixteen_slash8(void)
{
	GByteArray *rt = g_byte_array_new();
	const char *v[32];

	for (uint32_t first = 11; first <= 26; first++)
		route121(rt, 8, first << 24);
	if (g_test_subprocess()) {
		g_assert_cmpuint(answer_routes(rt, v, 32), ==, 16);
		g_assert_cmpstr(v[0], ==, "11.0.0.0/8");
		g_assert_cmpstr(v[15], ==, "26.0.0.0/8");
		g_byte_array_unref(rt);
		return;
	}
	g_test_trap_subprocess(NULL, 0, 0);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("*DHCP: server 10.99.0.1 pushed 16 routes and*");
	g_test_trap_assert_stderr_unmatched("*refused*");
	g_test_trap_assert_stderr_unmatched("*warning*");
	g_byte_array_unref(rt);
}

int
main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tunnel-dhcp/answer", test_answer);
	g_test_add_func("/tunnel-dhcp/wrong-xid", test_wrong_xid_not_ours);
	g_test_add_func("/tunnel-dhcp/give-up", test_give_up);
	g_test_add_func("/tunnel-dhcp/off-and-blocked", test_off_and_blocked);
	g_test_add_func("/tunnel-dhcp/budget", test_budget);
	g_test_add_func("/tunnel-dhcp/answer-with-nothing", test_answer_with_nothing);
	g_test_add_func("/tunnel-dhcp/hold", test_hold);
	g_test_add_func("/tunnel-dhcp/answer-after-giving-up", test_answer_after_giving_up);
	g_test_add_func("/tunnel-dhcp/routes/two-halves", test_two_halves);
	g_test_add_func("/tunnel-dhcp/routes/covers-too-much", test_covers_too_much);
	g_test_add_func("/tunnel-dhcp/routes/sixteen-slash8", test_sixteen_slash8);
	return g_test_run();
}
