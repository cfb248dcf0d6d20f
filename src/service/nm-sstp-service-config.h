/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Turns the worker's ip4 / ip6 status messages into the GVariant
 * dictionaries NetworkManager expects from a VPN service
 * (nm-vpn-dbus-interface.h). NetworkManager silently drops a key of the
 * wrong type, so the types are fixed here and checked by the unit tests:
 *   config: tundev s, gateway u (IPv4, network byte order) or ay (IPv6),
 *           mtu u, has-ip4 b, has-ip6 b
 *   ip4:    address u, ptp u, prefix u, dns au, nbns au, never-default b,
 *           routes aau ([dest, prefix, next hop 0, metric 0] per route, from
 *           the DHCPINFORM's route= keys), domain s, domains as
 *   ip6:    address ay, ptp ay, prefix u, never-default b
 * Every value is validated; a bad one fails the whole message with an
 * error that names the key and the value.
 */
#ifndef NM_SSTP_SERVICE_CONFIG_H
#define NM_SSTP_SERVICE_CONFIG_H

#include <glib.h>
#include <NetworkManager.h>

#include "sstp-ipc.h"

/* The generic "config" dictionary from an ip4 message; *out_has_ip6 is TRUE
 * when the message says IPv6CP is still negotiating (ipv6=pending). */
GVariant *sstp_config_build_generic(const struct sstp_ipc_msg *ip4, gboolean *out_has_ip6,
                                    GError **error);

GVariant *sstp_config_build_ip4(const struct sstp_ipc_msg *ip4, gboolean never_default, GError **error);

/* Link-local addresses fe80::/64 from the local and peer interface
 * identifiers of an ip6 message. */
GVariant *sstp_config_build_ip6(const struct sstp_ipc_msg *ip6, gboolean never_default, GError **error);

/* "A.B.C.D/LEN" (LEN 1-32, no host bits set) → destination in network
 * byte order and prefix length. A default route is never accepted: it is
 * the profile's choice (ipv4.never-default), not the server's. */
gboolean sstp_config_parse_route(const char *text, guint32 *out_dest, guint32 *out_prefix);

/* A DNS name: labels of letters, digits, '-', '_' (1-63), <= 253 in all,
 * no final dot. */
gboolean sstp_config_domain_valid(const char *name);

/* "xxxx:xxxx:xxxx:xxxx" → 8 bytes. FALSE if malformed or all zero. */
gboolean sstp_config_parse_iid(const char *text, guint8 out_iid[8]);

/* Appends a pppd word (taken) to nm_sstp_settings_worker_args()' array:
 * before its terminating NULL, after the "--" that starts pppd's words. */
void sstp_config_add_pppd_word(GPtrArray *words, char *word);

/* What the connection's own IP settings (ipv4.*, ipv6.*) ask of pppd and
 * the worker, as the old plugin turned them into pppd options: ipv4.method
 * disabled gives "noip"; manual with an address "LOCAL:[GATEWAY]" plus
 * ipcp-accept-local and ipcp-accept-remote (the server may still choose);
 * ipv4.ignore-auto-dns the worker's --no-peer-dns (no usepeerdns);
 * ipv6.method ignore or disabled "noipv6". Routes, DNS search domains and
 * never-default are NetworkManager's to apply and need no word here.
 * `words` is nm_sstp_settings_worker_args()' NULL-terminated array: pppd
 * words are appended after its "--", worker options go first. *out_no_ip4
 * and *out_no_ip6 say which family the tunnel will not have. Fails when
 * both are off: the tunnel would carry nothing. */
gboolean sstp_config_ip_args(NMConnection *connection, GPtrArray *words, gboolean *out_no_ip4,
                             gboolean *out_no_ip6, GError **error);

#endif
