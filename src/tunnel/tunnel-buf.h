/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A byte queue: append at the tail, consume from the head. Used for the
 * TLS output, the pty output and the SSTP input reassembly. Grows as
 * needed; the loop's high-water marks keep it bounded.
 */
#ifndef TUNNEL_BUF_H
#define TUNNEL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tbuf {
	uint8_t *data;
	size_t   off;     /* first unconsumed byte */
	size_t   len;     /* bytes queued from off */
	size_t   cap;
};

void tbuf_init(struct tbuf *b);
void tbuf_free(struct tbuf *b);
/* Make room for n more bytes at the tail; returns the tail or NULL (no memory). */
uint8_t *tbuf_reserve(struct tbuf *b, size_t n);
/* Commit n bytes written at the pointer returned by tbuf_reserve(). */
void tbuf_commit(struct tbuf *b, size_t n);
bool tbuf_append(struct tbuf *b, const void *p, size_t n);
static inline const uint8_t *tbuf_head(const struct tbuf *b) { return b->data + b->off; }
void tbuf_consume(struct tbuf *b, size_t n);

#endif
