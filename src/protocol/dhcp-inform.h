/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCPINFORM through the PPP link, the way Windows SSTP clients learn the
 * split-tunnel routes (options 121/249) and the DNS domain (15/119) once
 * the call is up. The worker builds the INFORM as a PPP frame, sends it
 * through the tunnel, and takes the DHCPACK out of the PPP stream before
 * it reaches pppd: no socket, no root, no firewall rule.
 * See docs/dhcp-inform.md for the design and the exact calls.
 *
 * Pure: no I/O, no globals, no allocation; every buffer has a length.
 *
 * Addresses are uint32_t in HOST byte order: 10.1.2.3 is 0x0a010203
 * (inet_pton() gives network order: use ntohl()).
 */
#ifndef DHCP_INFORM_H
#define DHCP_INFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- limits ---- */

/* The INFORM frame: FF 03 00 21, IPv4 header (20), UDP header (8) and a
 * BOOTP message padded to the 300-byte BOOTP minimum (RFC 1542 relays may
 * drop shorter ones). */
#define DHCP_INFORM_FRAME_LEN   332
#define DHCP_INFORM_MAX_ROUTES  64    /* routes kept from 121/249/33 */
#define DHCP_INFORM_MAX_ADDRS   8     /* per list: routers, DNS, NetBIOS */
#define DHCP_INFORM_MAX_SEARCH  8     /* names kept from option 119 */
#define DHCP_INFORM_NAME_MAX    253   /* longest DNS name, without final dot */
#define DHCP_INFORM_MAX_NOTES   8     /* problems remembered for the log */
#define DHCP_INFORM_NOTE_LEN    128

#define DHCP_MSG_ACK            5
#define DHCP_MSG_NAK            6
#define DHCP_MSG_INFORM         8

/* ---- building the INFORM ---- */

struct dhcp_inform_request {
	uint32_t ciaddr;      /* our address on the PPP link (from IPCP) */
	uint8_t  xid[4];      /* random, chosen once per connection */
	/* Random bytes for the pseudo hardware address. A PPP link has none;
	 * like Windows (its WAN miniport adapters have made-up MACs) and
	 * SoftEther's in-process client, we send htype 1 / hlen 6 and the
	 * same 6 bytes in option 61 (type 1). The builder clears the group
	 * bit and sets the locally-administered bit, so it can never collide
	 * with a real vendor MAC. */
	uint8_t  hwaddr[6];
};

/* Write the complete PPP frame (FF 03 00 21 + IPv4 + UDP + DHCPINFORM)
 * into out. Source ciaddr:68, destination 255.255.255.255:67, TTL 128, DF
 * clear, IP and UDP checksums filled in. Options, in this order: 53 = 8,
 * 61 = 01 + hwaddr, 60 = "MSFT 5.0", 77 = "RRAS.Microsoft" (Microsoft's
 * plain-string user class, [MS-DHCPE] 2.2.6, not RFC 3004's length-prefixed
 * form), 55 = 1 3 6 15 33 44 119 121 249, 255. Returns the frame length
 * (DHCP_INFORM_FRAME_LEN), or 0 if cap is too small or ciaddr is 0. */
size_t dhcp_inform_build(const struct dhcp_inform_request *req, uint8_t *out, size_t cap);

/* ---- PPP frame helpers ---- */

/* Protocol field of a PPP frame as carried in SSTP data packets: optional
 * FF 03 (absent with ACFC), then a 2-byte or, with PFC, 1-byte (odd)
 * protocol. On success *offset is where the payload starts. */
bool dhcp_inform_ppp_header(const uint8_t *frame, size_t len, uint16_t *protocol, size_t *offset);

/* The INFORM and its answer travel as plain 0x0021 frames, so this only
 * works while no PPP compression or encryption (CCP: MPPE, deflate, BSD;
 * ECP) is active. Feed every frame the worker relays, in both directions;
 * dhcp_inform_ccp_blocks() is then true once either side has acked a
 * non-empty CCP or ECP Configure-Request, or once a compressed/encrypted
 * datagram (0x00FD, 0x00FB, 0x0053, 0x0055) went by. It never clears:
 * a link that negotiated compression once is not trusted again. */
struct dhcp_inform_ccp_watch {
	bool ccp_acked;
	bool compressed_seen;
};

void dhcp_inform_ccp_watch_frame(struct dhcp_inform_ccp_watch *w, const uint8_t *frame, size_t len);
bool dhcp_inform_ccp_blocks(const struct dhcp_inform_ccp_watch *w);

/* ---- recognising and parsing the answer ---- */

struct dhcp_route {
	uint32_t dest;
	uint32_t gateway;       /* 0.0.0.0: on the link (through the tunnel) */
	uint8_t  prefix_len;
};

enum dhcp_route_source {
	DHCP_ROUTES_NONE = 0,
	DHCP_ROUTES_121,        /* RFC 3442 classless static routes */
	DHCP_ROUTES_249,        /* Microsoft's copy of 121, same encoding */
	DHCP_ROUTES_33,         /* classful static routes (fallback only) */
};

struct dhcp_inform_reply {
	uint8_t  message_type;  /* option 53; 0 if absent */
	uint32_t ip_src;        /* who sent it (IPv4 source), for the log */
	bool     has_server_id;
	uint32_t server_id;     /* option 54 */
	bool     has_subnet_mask;
	uint32_t subnet_mask;   /* option 1 */

	/* Address lists. Entries that cannot be a unicast host (0.0.0.0/8,
	 * 127/8, 224/3) are skipped with a note. */
	size_t   n_routers;     /* option 3; left empty when 121/249 is used (RFC 3442) */
	uint32_t routers[DHCP_INFORM_MAX_ADDRS];
	size_t   n_dns;         /* option 6 */
	uint32_t dns[DHCP_INFORM_MAX_ADDRS];
	size_t   n_nbns;        /* option 44 */
	uint32_t nbns[DHCP_INFORM_MAX_ADDRS];

	/* Option 15, validated as one DNS name (letters, digits, '-', '_',
	 * labels 1-63, total <= 253, no final dot; trailing NULs that
	 * Windows servers add are removed). "" if absent or invalid. */
	char     domain[DHCP_INFORM_NAME_MAX + 1];
	/* Option 119 (RFC 3397), every part concatenated (RFC 3396), names
	 * validated like option 15. The whole option is dropped on any
	 * encoding error. */
	size_t   n_search;
	char     search[DHCP_INFORM_MAX_SEARCH][DHCP_INFORM_NAME_MAX + 1];

	/* Routes as the server sent them (host bits and all): from 121 if it
	 * is present and valid, else 249, else 33. A 121/249 option with any
	 * inconsistency is dropped as a whole (and the next source used). */
	enum dhcp_route_source route_source;
	size_t   n_routes;
	struct dhcp_route routes[DHCP_INFORM_MAX_ROUTES];

	/* Problems a person may want to see in the log (options ignored, lists
	 * cut at their limit). n_notes_lost counts the ones that did not fit. */
	size_t   n_notes;
	size_t   n_notes_lost;
	char     notes[DHCP_INFORM_MAX_NOTES][DHCP_INFORM_NOTE_LEN];

	/* For DHCP_INFORM_REJECTED: why. */
	char     error[DHCP_INFORM_NOTE_LEN];
};

enum dhcp_inform_verdict {
	/* Not an answer to our INFORM: relay the frame to pppd unchanged. */
	DHCP_INFORM_NOT_OURS = 0,
	/* Our DHCPACK, parsed into the reply: do not relay it. */
	DHCP_INFORM_ACK,
	/* A BOOTP reply from port 67 to 68 with our xid that cannot be used
	 * (DHCPNAK, bad UDP checksum, truncated, no magic cookie, no or
	 * another message type): do not relay it either; reply->error says
	 * why. Stop retrying on DHCPNAK. */
	DHCP_INFORM_REJECTED,
};

/* Look at one PPP frame coming from the server. "Ours" means: protocol
 * 0x0021; a valid IPv4 header (version 4, IHL >= 5, header checksum,
 * total length <= frame); not a fragment (MF or offset set: not ours, the
 * kernel gets it); UDP from port 67 to port 68 with a length that fits;
 * BOOTP op 2 and our xid. The IPv4 destination is not checked: it is our
 * address or a broadcast depending on the server, and the xid is what
 * identifies the answer. reply is always cleared first. */
enum dhcp_inform_verdict dhcp_inform_recognise(const uint8_t *frame, size_t len, const uint8_t xid[4],
                                               struct dhcp_inform_reply *reply);

/* Parse a BOOTP/DHCP message (the UDP payload); reply is cleared first.
 * Used by
 * dhcp_inform_recognise(); exposed for tests and the fuzz target.
 * Returns DHCP_INFORM_ACK or DHCP_INFORM_REJECTED (never NOT_OURS: the
 * caller has matched op and xid). Option overload (52) is honoured: file
 * and sname are read as more options, and every option's parts are
 * concatenated in RFC 3396 order (options, file, sname). An option cut by
 * the end of its field ends that field's parsing with a note; the options
 * before it are kept. */
enum dhcp_inform_verdict dhcp_inform_parse_bootp(const uint8_t *msg, size_t len,
                                                 struct dhcp_inform_reply *reply);

/* ---- which routes to install ---- */

struct dhcp_route_policy {
	uint32_t local;          /* our PPP address */
	uint32_t peer;           /* the PPP peer's address */
	bool     allow_default;  /* keep 0.0.0.0/0 (the user asked for the VPN as default route) */
	/* Through a point-to-point tunnel the next hop is always the peer, so
	 * by default only gateways 0.0.0.0, local and peer are accepted and
	 * any other gateway drops the route (the server is then describing a
	 * network we cannot see). SoftEther's /PUSHROUTE and Windows DHCP
	 * servers often name a router on the far LAN (e.g. 192.168.30.254):
	 * set this to route those through the tunnel anyway, as Windows does. */
	bool     any_gateway;
};

/* Split routes must stay split routes. Without a default route through
 * the VPN (ipv4.never-default) the user sends only the server's networks
 * through it; a server that pushed 0.0.0.0/1 + 128.0.0.0/1 (or 1.0.0.0/8,
 * 2.0.0.0/7 ... 128.0.0.0/1) would capture all traffic without ever
 * naming 0.0.0.0/0. Two limits, both independent of allow_default (the
 * default route is the profile's decision, never something a set of
 * wider routes may stand in for):
 *
 * - No route shorter than /DHCP_ROUTE_MIN_PREFIX. /8 is the largest
 *   block ever allocated at once (a bigger network is several /8s, and
 *   can be pushed as such) and the widest route Windows itself adds for
 *   a split tunnel (the class A route of the assigned address); a /1../7
 *   is a slice of the Internet, not a network behind a VPN server.
 *
 * - The routes kept together may cover at most 1/DHCP_ROUTE_MAX_SHARE of
 *   the 2^32 IPv4 addresses, overlaps counted once: 2^28, sixteen /8s.
 *   10/8 + 172.16/12 + 192.168/16 is 1/240 of IPv4. (1/4 would never bite:
 *   DHCP_INFORM_MAX_ROUTES /8s are exactly 1/4.) Over the limit none of
 *   them is installed, see dhcp_routes_validate(). */
#define DHCP_ROUTE_MIN_PREFIX   8
#define DHCP_ROUTE_MAX_SHARE    16

enum dhcp_route_reason {
	DHCP_ROUTE_KEPT = 0,
	DHCP_ROUTE_NORMALISED,        /* kept, host bits cleared (10.1.31.0/20 -> 10.1.16.0/20) */
	DHCP_ROUTE_BAD_PREFIX,        /* prefix length > 32 */
	DHCP_ROUTE_DEFAULT_REFUSED,   /* 0.0.0.0/0 and allow_default is false */
	DHCP_ROUTE_BAD_DESTINATION,   /* 0.0.0.0/8 (other than /0), loopback, multicast, class E */
	DHCP_ROUTE_FOREIGN_GATEWAY,   /* gateway not 0.0.0.0, local or peer */
	DHCP_ROUTE_DUPLICATE,         /* same destination/prefix as a route kept before */
	DHCP_ROUTE_PREFIX_TOO_SHORT,  /* /1 to /7: wider than any split route */
	DHCP_ROUTE_COVERS_TOO_MUCH,   /* the routes together cover more than 1/DHCP_ROUTE_MAX_SHARE */
};

struct dhcp_route_note {
	struct dhcp_route route;      /* as received */
	enum dhcp_route_reason reason;
};

struct dhcp_route_result {
	/* Routes to install through the tunnel: destination with host bits
	 * clear, gateway always 0.0.0.0 (on the link). */
	size_t n_kept;
	struct dhcp_route kept[DHCP_INFORM_MAX_ROUTES];
	size_t n_dropped;
	/* One entry per route dropped or normalised, in input order. */
	size_t n_notes;
	struct dhcp_route_note notes[DHCP_INFORM_MAX_ROUTES];
};

/* Decide which routes to install. Host bits are cleared, not refused:
 * the server's intent (the network around the address) is clear and the
 * kernel wants a clean prefix. At most DHCP_INFORM_MAX_ROUTES are read
 * from in.
 *
 * Each route first on its own (prefix length, default route, destination,
 * minimum prefix, gateway, in that order: the first reason that applies
 * is the one noted), then against the routes kept before it (duplicate),
 * then the set: if the routes that passed cover more than
 * 1/DHCP_ROUTE_MAX_SHARE of IPv4, every one of them is refused with
 * DHCP_ROUTE_COVERS_TOO_MUCH (an allowed 0.0.0.0/0 is neither counted nor
 * refused). Every route refused or normalised has exactly one note. */
void dhcp_routes_validate(const struct dhcp_route *in, size_t n, const struct dhcp_route_policy *policy,
                          struct dhcp_route_result *out);

const char *dhcp_route_reason_str(enum dhcp_route_reason reason);

/* "a.b.c.d" (buf needs 16 bytes). */
void dhcp_inform_addr_str(uint32_t addr, char buf[16]);

/* "10.0.0.0/8" or "10.0.0.0/8 via 192.168.30.254" (gateway not 0);
 * buf needs 40 bytes. */
void dhcp_route_str(const struct dhcp_route *route, char buf[40]);

/* ---- retry schedule ---- */

/* The INFORM is sent at most DHCP_INFORM_MAX_SENDS times: at once, 1 s
 * later, 2 s after that; 2 s after the last one the worker gives up
 * quietly (the server may simply not answer INFORMs: no relay configured
 * on RRAS, SecureNAT off on SoftEther). */
#define DHCP_INFORM_MAX_SENDS 3

/* Milliseconds to wait after the sent-th INFORM (1-based) before sending
 * the next one or, after the last, giving up. 0 for sent == 0 or
 * sent > DHCP_INFORM_MAX_SENDS. */
unsigned dhcp_inform_retry_delay_ms(unsigned sent);

enum dhcp_inform_step {
	DHCP_INFORM_STEP_IDLE = 0,   /* not started, answered or given up: nothing to do */
	DHCP_INFORM_STEP_SEND,       /* send the INFORM frame now */
	DHCP_INFORM_STEP_WAIT,       /* nothing yet: come back at next_ms */
	DHCP_INFORM_STEP_GIVE_UP,    /* returned once: no answer, stop (log at debug level) */
};

/* The worker's whole timer state; times are monotonic milliseconds given
 * by the caller. */
struct dhcp_inform_client {
	bool     active;
	unsigned sent;
	uint64_t next_ms;
};

void dhcp_inform_client_start(struct dhcp_inform_client *c, uint64_t now_ms);
/* Call when poll() wakes up (or any time). */
enum dhcp_inform_step dhcp_inform_client_step(struct dhcp_inform_client *c, uint64_t now_ms);
/* An answer (ACK or DHCPNAK) arrived: stop. */
void dhcp_inform_client_stop(struct dhcp_inform_client *c);
/* poll() timeout: ms until the next step, -1 when idle. */
int dhcp_inform_client_timeout_ms(const struct dhcp_inform_client *c, uint64_t now_ms);

#endif
