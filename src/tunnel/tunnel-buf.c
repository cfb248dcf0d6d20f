/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "tunnel-buf.h"

#include <stdlib.h>
#include <string.h>

void
tbuf_init(struct tbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void
tbuf_free(struct tbuf *b)
{
	free(b->data);
	tbuf_init(b);
}

uint8_t *
tbuf_reserve(struct tbuf *b, size_t n)
{
	if (b->cap - b->off - b->len >= n)
		return b->data + b->off + b->len;
	/* Move the queued bytes to the front before growing. */
	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
		if (b->cap - b->len >= n)
			return b->data + b->len;
	}
	{
		size_t want = b->cap ? b->cap : 16384;
		uint8_t *d;
		while (want - b->len < n)
			want *= 2;
		d = realloc(b->data, want);
		if (!d)
			return NULL;
		b->data = d;
		b->cap = want;
	}
	return b->data + b->len;
}

void
tbuf_commit(struct tbuf *b, size_t n)
{
	b->len += n;
}

bool
tbuf_append(struct tbuf *b, const void *p, size_t n)
{
	uint8_t *t = tbuf_reserve(b, n);

	if (!t)
		return false;
	memcpy(t, p, n);
	b->len += n;
	return true;
}

void
tbuf_consume(struct tbuf *b, size_t n)
{
	if (n >= b->len) {
		b->off = 0;
		b->len = 0;
		return;
	}
	b->off += n;
	b->len -= n;
}
